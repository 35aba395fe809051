// bench/calibration.hpp - what one core reaches right now, timed in the same run as the
// cases (the machine is shared and its clock varies): the fp32 FMA throughput and the read
// bandwidth from a cache level.
#pragma once

#include <cstddef>
#include <cstdlib>

#include <benchmark/benchmark.h>
#include <hwy/highway.h>

namespace ctinfer_bench {

namespace hn = hwy::HWY_NAMESPACE;

// fp32 FMA throughput: 12 independent chains (latency 4 x 2 pipes needs at least 8).
inline void calib_fma_peak(benchmark::State& state) {
  const hn::ScalableTag<float> d;
  using V = hn::Vec<decltype(d)>;
  const V m = hn::Set(d, 0.999f), c = hn::Set(d, 0.001f);  // converges to 1: no overflow
  V a0 = hn::Zero(d), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0;
  V a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
  constexpr int kInner = 1000;
  for (auto _ : state) {
    for (int i = 0; i < kInner; ++i) {
      a0 = hn::MulAdd(a0, m, c), a1 = hn::MulAdd(a1, m, c), a2 = hn::MulAdd(a2, m, c);
      a3 = hn::MulAdd(a3, m, c), a4 = hn::MulAdd(a4, m, c), a5 = hn::MulAdd(a5, m, c);
      a6 = hn::MulAdd(a6, m, c), a7 = hn::MulAdd(a7, m, c), a8 = hn::MulAdd(a8, m, c);
      a9 = hn::MulAdd(a9, m, c), a10 = hn::MulAdd(a10, m, c), a11 = hn::MulAdd(a11, m, c);
    }
    benchmark::DoNotOptimize(a0), benchmark::DoNotOptimize(a1), benchmark::DoNotOptimize(a2);
    benchmark::DoNotOptimize(a3), benchmark::DoNotOptimize(a4), benchmark::DoNotOptimize(a5);
    benchmark::DoNotOptimize(a6), benchmark::DoNotOptimize(a7), benchmark::DoNotOptimize(a8);
    benchmark::DoNotOptimize(a9), benchmark::DoNotOptimize(a10), benchmark::DoNotOptimize(a11);
  }
  const double flop = 2.0 * kInner * 12 * hn::Lanes(d);
  state.counters["FLOP"] = benchmark::Counter(flop, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["flop_per_inference"] = flop;
  state.counters["weight_bytes"] = 0;
}

// Read bandwidth over a buffer of `bytes` (bench_dense: 256 KiB, the size of case a's
// weights; bench_rnn: 128 KiB, an LSTM 64's hidden weights in double; both in L2), read in
// order with 8 independent sums.
inline void calib_read(benchmark::State& state, std::size_t bytes) {
  const hn::ScalableTag<float> d;
  using V = hn::Vec<decltype(d)>;
  const std::size_t n = bytes / sizeof(float), L = hn::Lanes(d);
  auto* buf = static_cast<float*>(std::aligned_alloc(64, bytes));
  for (std::size_t i = 0; i < n; ++i) buf[i] = 1e-3f;
  V a0 = hn::Zero(d), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  for (auto _ : state) {
    for (std::size_t i = 0; i < n; i += 8 * L) {
      a0 = hn::Add(a0, hn::Load(d, buf + i)), a1 = hn::Add(a1, hn::Load(d, buf + i + L));
      a2 = hn::Add(a2, hn::Load(d, buf + i + 2 * L)), a3 = hn::Add(a3, hn::Load(d, buf + i + 3 * L));
      a4 = hn::Add(a4, hn::Load(d, buf + i + 4 * L)), a5 = hn::Add(a5, hn::Load(d, buf + i + 5 * L));
      a6 = hn::Add(a6, hn::Load(d, buf + i + 6 * L)), a7 = hn::Add(a7, hn::Load(d, buf + i + 7 * L));
    }
    benchmark::DoNotOptimize(a0), benchmark::DoNotOptimize(a1), benchmark::DoNotOptimize(a2);
    benchmark::DoNotOptimize(a3), benchmark::DoNotOptimize(a4), benchmark::DoNotOptimize(a5);
    benchmark::DoNotOptimize(a6), benchmark::DoNotOptimize(a7);
  }
  state.counters["bytes_per_s"] =
      benchmark::Counter(static_cast<double>(bytes), benchmark::Counter::kIsIterationInvariantRate);
  state.counters["flop_per_inference"] = 0;
  state.counters["weight_bytes"] = static_cast<double>(bytes);
  std::free(buf);
}

}  // namespace ctinfer_bench
