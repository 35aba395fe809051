// bench/bench_conv_peers_check.cpp - the convolution peers (bench/peers/conv_peers.hpp:
// oneDNN and LibTorch) alone, to check that they build, agree with a naive loop and give sane
// numbers. ctinfer's own convolution benchmarks link the same library (ctinfer_conv_peers).
//
// Cases (batch 1, f32, random weights U(-1/sqrt(fan_in), 1/sqrt(fan_in)), input U(-1, 1)):
//   conv3x3_64_56     3x3  64 -> 64,  56x56, pad 1
//   conv3x3_32_32     3x3  32 -> 32,  32x32, pad 1
//   conv1x1_64_128_56 1x1  64 -> 128, 56x56
//   dw3x3_64_56       3x3 depthwise, 64 channels (groups 64), 56x56, pad 1
//   conv3x3_1_8_28    3x3  1 -> 8,    28x28, pad 1
//   conv3x3_8_16_14   3x3  8 -> 16,   14x14, pad 1
//   small_cnn         conv 1->8 + ReLU, maxpool 2, conv 8->16 + ReLU, maxpool 2, Linear 784->10
//
// Variants of each case:
//   onednn_native          oneDNN's own layouts (format_tag::any), the primitive(s) alone
//   onednn_native_reorder  the same plus the reorders from / to plain NCHW (run())
//   onednn_plain           the primitive created for plain NCHW src / dst
//   libtorch               Conv2d / Sequential forward plus copying in and out (run())
//   libtorch_native        forward alone on the preallocated input tensor
//
// The FLOP counter is a rate of real taps: 2 * out_c * out_h * out_w * (in_c / groups) * kh *
// kw per call (for small_cnn both convolutions and the Linear). Before timing, every case's
// outputs of every variant are compared with a naive double-precision loop, as is a small
// strided, grouped conv with ReLU; the program aborts if any max |diff| exceeds 1e-4.
//
// Run: OMP_NUM_THREADS=1 bench_conv_peers_check --benchmark_repetitions=5
//      --benchmark_report_aggregates_only=true

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "peers/conv_peers.hpp"

namespace cp = conv_peers;

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "bench_conv_peers_check: %s\n", what.c_str());
  std::abort();
}

std::vector<float> uniform(std::size_t n, double bound, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(-bound, bound);
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(u(gen));
  return v;
}

double max_abs_diff(const std::vector<float>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) fail("output sizes differ");
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i) m = std::max(m, std::abs(a[i] - b[i]));
  return m;
}

// ------------------------------------------------------------------------------------------
// Naive references (double accumulation)

std::vector<double> naive_conv(const cp::conv_spec& s, const std::vector<double>& x,
                               const float* w, const float* b) {
  const std::size_t oh = s.out_h(), ow = s.out_w(), icg = s.in_c / s.groups,
                    ocg = s.out_c / s.groups;
  std::vector<double> y(s.out_size());
  for (std::size_t o = 0; o < s.out_c; ++o) {
    const std::size_t g = o / ocg;
    for (std::size_t i = 0; i < oh; ++i)
      for (std::size_t j = 0; j < ow; ++j) {
        double acc = b ? b[o] : 0.0;
        for (std::size_t c = 0; c < icg; ++c)
          for (std::size_t u = 0; u < s.kh; ++u)
            for (std::size_t v = 0; v < s.kw; ++v) {
              const long r = static_cast<long>(i * s.stride + u) - static_cast<long>(s.pad);
              const long q = static_cast<long>(j * s.stride + v) - static_cast<long>(s.pad);
              if (r < 0 || q < 0 || r >= static_cast<long>(s.h) || q >= static_cast<long>(s.w))
                continue;
              acc += x[((g * icg + c) * s.h + static_cast<std::size_t>(r)) * s.w +
                       static_cast<std::size_t>(q)] *
                     w[((o * icg + c) * s.kh + u) * s.kw + v];
            }
        y[(o * oh + i) * ow + j] = s.relu ? std::max(acc, 0.0) : acc;
      }
  }
  return y;
}

std::vector<double> naive_maxpool2(const std::vector<double>& x, std::size_t c, std::size_t h,
                                   std::size_t w) {
  std::vector<double> y(c * (h / 2) * (w / 2));
  for (std::size_t k = 0; k < c; ++k)
    for (std::size_t i = 0; i < h / 2; ++i)
      for (std::size_t j = 0; j < w / 2; ++j) {
        const auto at = [&](std::size_t r, std::size_t q) { return x[(k * h + r) * w + q]; };
        y[(k * (h / 2) + i) * (w / 2) + j] =
            std::max({at(2 * i, 2 * j), at(2 * i, 2 * j + 1), at(2 * i + 1, 2 * j),
                      at(2 * i + 1, 2 * j + 1)});
      }
  return y;
}

std::vector<double> naive_small_cnn(const std::vector<float>& prm, const std::vector<float>& x) {
  const float* p = prm.data();
  std::vector<double> a(x.begin(), x.end());
  a = naive_conv(cp::small_cnn::conv1(), a, p, p + 72);
  a = naive_maxpool2(a, 8, 28, 28);
  a = naive_conv(cp::small_cnn::conv2(), a, p + 80, p + 80 + 1152);
  a = naive_maxpool2(a, 16, 14, 14);
  const float* fw = p + 80 + 1152 + 16;
  const float* fb = fw + 10 * 784;
  std::vector<double> y(10);
  for (std::size_t o = 0; o < 10; ++o) {
    double acc = fb[o];
    for (std::size_t i = 0; i < 784; ++i) acc += fw[o * 784 + i] * a[i];
    y[o] = acc;
  }
  return y;
}

// ------------------------------------------------------------------------------------------
// Agreement checks: every variant's output against the naive loop.

constexpr double kTol = 1e-4;

template <class Peer>
std::vector<float> out_of_run(Peer& peer, const std::vector<float>& x, std::size_t n) {
  std::vector<float> y(n, -7.f);
  peer.run(x.data(), y.data());
  return y;
}
template <class Peer>
std::vector<float> out_of_native(Peer& peer, const std::vector<float>& x, std::size_t n) {
  std::vector<float> y(n, -7.f);
  peer.set_input(x.data());
  peer.run_native();
  peer.get_output(y.data());
  return y;
}

void report(const std::string& name, const char* variant, const std::vector<float>& y,
            const std::vector<double>& ref) {
  const double dmax = max_abs_diff(y, ref);
  double ymax = 0;
  for (double v : ref) ymax = std::max(ymax, std::abs(v));
  std::fprintf(stderr, "check %-20s %-22s max|y| %7.3f  max|y - naive| %.2e\n", name.c_str(),
               variant, ymax, dmax);
  if (!(dmax <= kTol)) fail(name + " / " + variant + ": differs from the naive loop");
}

// ------------------------------------------------------------------------------------------
// Registration

void add_counters(benchmark::State& st, double flops) {
  st.counters["FLOP"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate);
  st.counters["flop_per_inference"] = flops;
}

void reg(const std::string& name, double flops, std::function<void()> body) {
  benchmark::RegisterBenchmark(name.c_str(),
                               [flops, body](benchmark::State& st) {
                                 for (auto _ : st) {
                                   body();
                                   benchmark::ClobberMemory();
                                 }
                                 add_counters(st, flops);
                               })
      ->Unit(benchmark::kMicrosecond);
}

struct io {
  std::vector<float> x, y;
};

// Checks a conv case in every variant and registers it; the peers live until exit.
void add_conv(const std::string& name, const cp::conv_spec& s, unsigned seed, bool bench) {
  const double bound = 1.0 / std::sqrt(static_cast<double>((s.in_c / s.groups) * s.kh * s.kw));
  const auto w = uniform(s.weight_size(), bound, seed);
  const auto b = uniform(s.out_c, bound, seed + 1);
  auto* d = new io{uniform(s.in_size(), 1.0, seed + 2), std::vector<float>(s.out_size())};
  const auto ref = naive_conv(s, std::vector<double>(d->x.begin(), d->x.end()), w.data(), b.data());

  if (cp::have_onednn()) {
    auto* nat = new cp::onednn_conv(s, w.data(), b.data(), cp::onednn_layout::native);
    auto* pln = new cp::onednn_conv(s, w.data(), b.data(), cp::onednn_layout::plain);
    std::fprintf(stderr, "onednn %-20s native: %s\n", name.c_str(), nat->describe().c_str());
    std::fprintf(stderr, "onednn %-20s plain:  %s\n", name.c_str(), pln->describe().c_str());
    report(name, "onednn_native", out_of_native(*nat, d->x, s.out_size()), ref);
    report(name, "onednn_native_reorder", out_of_run(*nat, d->x, s.out_size()), ref);
    report(name, "onednn_plain", out_of_run(*pln, d->x, s.out_size()), ref);
    if (bench) {
      nat->set_input(d->x.data());
      reg(name + "/onednn_native", s.flops(), [nat] { nat->run_native(); });
      reg(name + "/onednn_native_reorder", s.flops(),
          [nat, d] { nat->run(d->x.data(), d->y.data()); });
      reg(name + "/onednn_plain", s.flops(), [pln, d] { pln->run(d->x.data(), d->y.data()); });
    }
  }
  if (cp::have_libtorch()) {
    auto* lt = new cp::libtorch_conv(s, w.data(), b.data());
    report(name, "libtorch", out_of_run(*lt, d->x, s.out_size()), ref);
    report(name, "libtorch_native", out_of_native(*lt, d->x, s.out_size()), ref);
    if (bench) {
      reg(name + "/libtorch", s.flops(), [lt, d] { lt->run(d->x.data(), d->y.data()); });
      lt->set_input(d->x.data());
      reg(name + "/libtorch_native", s.flops(), [lt] { lt->run_native(); });
    }
  }
}

void add_small_cnn(unsigned seed) {
  const std::string name = "small_cnn";
  // Per-tensor PyTorch default bounds, in state_dict order.
  std::vector<float> prm;
  const auto append = [&](std::size_t n, std::size_t fan_in) {
    const auto v = uniform(n, 1.0 / std::sqrt(static_cast<double>(fan_in)), seed++);
    prm.insert(prm.end(), v.begin(), v.end());
  };
  append(72, 9), append(8, 9), append(1152, 72), append(16, 72), append(7840, 784),
      append(10, 784);
  if (prm.size() != cp::small_cnn::param_count) fail("small_cnn parameter count");
  auto* d = new io{uniform(cp::small_cnn::input_size, 1.0, seed),
                   std::vector<float>(cp::small_cnn::output_size)};
  const auto ref = naive_small_cnn(prm, d->x);
  const double flops = cp::small_cnn::flops;
  const std::size_t n = cp::small_cnn::output_size;

  if (cp::have_onednn()) {
    auto* nat = new cp::onednn_small_cnn(prm.data(), prm.size(), cp::onednn_layout::native);
    auto* pln = new cp::onednn_small_cnn(prm.data(), prm.size(), cp::onednn_layout::plain);
    std::fprintf(stderr, "onednn %-20s native: %s\n", name.c_str(), nat->describe().c_str());
    std::fprintf(stderr, "onednn %-20s plain:  %s\n", name.c_str(), pln->describe().c_str());
    report(name, "onednn_native", out_of_native(*nat, d->x, n), ref);
    report(name, "onednn_native_reorder", out_of_run(*nat, d->x, n), ref);
    report(name, "onednn_plain", out_of_run(*pln, d->x, n), ref);
    nat->set_input(d->x.data());
    reg(name + "/onednn_native", flops, [nat] { nat->run_native(); });
    reg(name + "/onednn_native_reorder", flops, [nat, d] { nat->run(d->x.data(), d->y.data()); });
    reg(name + "/onednn_plain", flops, [pln, d] { pln->run(d->x.data(), d->y.data()); });
  }
  if (cp::have_libtorch()) {
    auto* lt = new cp::libtorch_small_cnn(prm.data(), prm.size());
    report(name, "libtorch", out_of_run(*lt, d->x, n), ref);
    report(name, "libtorch_native", out_of_native(*lt, d->x, n), ref);
    reg(name + "/libtorch", flops, [lt, d] { lt->run(d->x.data(), d->y.data()); });
    lt->set_input(d->x.data());
    reg(name + "/libtorch_native", flops, [lt] { lt->run_native(); });
  }
}

cp::conv_spec conv(std::size_t in_c, std::size_t out_c, std::size_t hw, std::size_t k,
                   std::size_t pad, std::size_t groups = 1) {
  cp::conv_spec s;
  s.in_c = in_c, s.out_c = out_c, s.h = s.w = hw, s.kh = s.kw = k, s.pad = pad;
  s.groups = groups;
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  std::fprintf(stderr, "peers: %s\n", cp::versions().c_str());
  if (!cp::have_onednn() && !cp::have_libtorch()) {
    std::fprintf(stderr, "bench_conv_peers_check: built without any peer, nothing to run\n");
    return 0;
  }
  benchmark::AddCustomContext("peers", cp::versions());
  if (const char* t = std::getenv("OMP_NUM_THREADS")) benchmark::AddCustomContext("OMP_NUM_THREADS", t);

  // The self-check: a small conv with stride 2, padding, groups, a non-square input and ReLU.
  {
    cp::conv_spec s;
    s.in_c = 6, s.out_c = 10, s.h = 11, s.w = 9, s.kh = 3, s.kw = 3;
    s.stride = 2, s.pad = 1, s.groups = 2, s.relu = true;
    add_conv("selfcheck_s2_g2_relu", s, 100, /*bench=*/false);
  }
  add_conv("conv3x3_64_56", conv(64, 64, 56, 3, 1), 1, true);
  add_conv("conv3x3_32_32", conv(32, 32, 32, 3, 1), 11, true);
  add_conv("conv1x1_64_128_56", conv(64, 128, 56, 1, 0), 21, true);
  add_conv("dw3x3_64_56", conv(64, 64, 56, 3, 1, 64), 31, true);
  add_conv("conv3x3_1_8_28", conv(1, 8, 28, 3, 1), 41, true);
  add_conv("conv3x3_8_16_14", conv(8, 16, 14, 3, 1), 51, true);
  add_small_cnn(61);

  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
