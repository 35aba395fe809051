// bench/bench_rnn.cpp - per-step latency of streamed recurrent and causal-convolution nets:
// ctinfer's Model::step against a fixed-size Eigen implementation of the same cell (the
// approach of RTNeural's fastest backend) and LibTorch stepping the same cell
// (bench/peers/rnn_peers.hpp), in the same binary and run, one thread, float and double.
//
// Nets (1 input feature, as amp models have; weights random, identical for all):
//   lstm_H / gru_H   LSTM<H> or GRU<H> then Dense<1>, H = 8, 16, 32, 64
//   wavenet_C        Conv1D<C, 1>, 8 gated residual blocks (dilations 1..128, kernel 2),
//                    Conv1D<1, 1>, C = 8, 16
// Each benchmark iteration streams a block of 64 frames one step at a time (ctinfer: 64
// calls of step(); the peers loop inside their own process(), so they pay no call per step).
// Counters: ns_per_step; report.py --rnn turns them into ratios and real-time factors at 48 kHz.
// calib/read_128KiB, interleaved with the cases, is the read bandwidth from L2 during this run:
// the bound the 64-unit cells, whose hidden weights exceed L1, are compared with.
// Every ctinfer net is checked against the Eigen peer on 512 frames before timing.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include <ctinfer/ctinfer.hpp>

#include "calibration.hpp"
#include "peers/rnn_peers.hpp"

namespace ci = ctinfer;

namespace {

constexpr std::size_t block = 64;

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "bench_rnn: %s\n", what.c_str());
  std::abort();
}

template <class T>
std::vector<T> random_vector(std::size_t n, double scale, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(-scale, scale);
  std::vector<T> v(n);
  for (auto& x : v) x = static_cast<T>(u(gen));
  return v;
}

void step_counter(benchmark::State& s) {
  s.counters["ns_per_step"] =
      benchmark::Counter(static_cast<double>(block) * 1e-9, benchmark::Counter::kIsIterationInvariantRate |
                                                                 benchmark::Counter::kInvert);
}

// Registers ctinfer's Net and the peers (made by make_peer(backend)) under `name`.
template <class Net, class MakePeer>
void add(const std::string& name, const std::vector<ci::element_t<Net>>& flat, MakePeer make_peer, bool torch) {
  using T = ci::element_t<Net>;
  auto params = std::make_unique<ci::params_t<Net>>();
  if (!ci::load_flat(*params, std::span<const T>(flat))) fail(name + ": load_flat");
  auto* model = new ci::Model<Net>(*params);
  auto* state = new ci::State<Net>();
  auto* x = new std::vector<T>(random_vector<T>(512, 0.8, 99));
  auto* y = new std::vector<T>(512);
  std::vector<T> y_peer(512);
  auto eigen = make_peer(rnn_peers::backend::eigen);
  if (!model->process(*state, std::span<const T>(*x), std::span<T>(*y))) fail(name + ": process");
  eigen->process(x->data(), y_peer.data(), 512);
  double diff = 0;
  for (std::size_t i = 0; i < 512; ++i) diff = std::max(diff, std::fabs(static_cast<double>((*y)[i] - y_peer[i])));
  std::fprintf(stderr, "check %-16s max|ctinfer - Eigen| over 512 steps %.3g\n", name.c_str(), diff);
  if (!(diff < 1e-4)) fail(name + ": ctinfer and Eigen disagree");
  state->reset();
  eigen->reset();
  benchmark::RegisterBenchmark((name + "/ctinfer").c_str(), [=](benchmark::State& s) {
    for (auto _ : s) {
      for (std::size_t t = 0; t < block; ++t)
        model->step(*state, std::span<const T, 1>(x->data() + t, 1), std::span<T, 1>(y->data() + t, 1));
      benchmark::ClobberMemory();
    }
    step_counter(s);
  });
  auto* eigen_peer = eigen.release();
  benchmark::RegisterBenchmark((name + "/eigen").c_str(), [=](benchmark::State& s) {
    for (auto _ : s) eigen_peer->process(x->data(), y->data(), block);
    step_counter(s);
  });
  if (torch) {
    auto* torch_peer = make_peer(rnn_peers::backend::libtorch).release();
    benchmark::RegisterBenchmark((name + "/libtorch").c_str(), [=](benchmark::State& s) {
      for (auto _ : s) torch_peer->process(x->data(), y->data(), block);
      step_counter(s);
    });
  }
}

template <class T, std::size_t H>
using lstm_net = ci::Sequential<ci::Input<ci::Shape<1, 1>, T>, ci::LSTM<H>, ci::Dense<1>>;
template <class T, std::size_t H>
using gru_net = ci::Sequential<ci::Input<ci::Shape<1, 1>, T>, ci::GRU<H>, ci::Dense<1>>;

template <std::size_t C, std::size_t D>
using wavenet_block = ci::Residual<ci::Sequential<ci::Conv1D<2 * C, ci::Kernel<2>, ci::Dilation<D>, ci::Causal>,
                                                  ci::GatedTanh, ci::Conv1D<C, ci::Kernel<1>>>>;
template <class T, std::size_t C>
using wavenet_net =
    ci::Sequential<ci::Input<ci::Shape<1, 1>, T>, ci::Conv1D<C, ci::Kernel<1>>, wavenet_block<C, 1>,
                   wavenet_block<C, 2>, wavenet_block<C, 4>, wavenet_block<C, 8>, wavenet_block<C, 16>,
                   wavenet_block<C, 32>, wavenet_block<C, 64>, wavenet_block<C, 128>, ci::Conv1D<1, ci::Kernel<1>>>;

template <class T, std::size_t H>
void add_cells(const char* type) {
  for (auto kind : {rnn_peers::cell::lstm, rnn_peers::cell::gru}) {
    const rnn_peers::rnn_spec spec{kind, H, 1, true};
    const auto flat = random_vector<T>(spec.param_count(), 1.0 / std::sqrt(double(H)), 1000 + H);
    auto make = [spec, flat](rnn_peers::backend b) {
      return rnn_peers::rnn_peer<T>::make(b, spec, flat.data(), flat.size());
    };
    const std::string name = std::string(rnn_peers::name(kind)) + "_" + std::to_string(H) + "/" + type;
    if (kind == rnn_peers::cell::lstm)
      add<lstm_net<T, H>>(name, flat, make, rnn_peers::have_libtorch());
    else
      add<gru_net<T, H>>(name, flat, make, rnn_peers::have_libtorch());
  }
}

template <class T, std::size_t C>
void add_wavenet(const char* type) {
  const rnn_peers::wavenet_spec spec{C, 8, 2};
  static_assert(ci::param_count_v<wavenet_net<float, C>> == 2 * C + 8 * (2 * C * C * 2 + 2 * C + C * C + C) + C + 1);
  const auto flat = random_vector<T>(spec.param_count(), 0.5 / std::sqrt(double(C)), 2000 + C);
  auto make = [spec, flat](rnn_peers::backend) {
    return rnn_peers::wavenet_peer<T>::make(spec, flat.data(), flat.size());
  };
  add<wavenet_net<T, C>>("wavenet_" + std::to_string(C) + "/" + type, flat, make, false);
}

}  // namespace

int main(int argc, char** argv) {
  std::fprintf(stderr, "peers: %s\n", rnn_peers::versions().c_str());
  add_cells<float, 8>("f32");
  add_cells<float, 16>("f32");
  add_cells<float, 32>("f32");
  add_cells<float, 64>("f32");
  add_cells<double, 8>("f64");
  add_cells<double, 16>("f64");
  add_cells<double, 32>("f64");
  add_cells<double, 64>("f64");
  add_wavenet<float, 8>("f32");
  add_wavenet<float, 16>("f32");
  add_wavenet<double, 8>("f64");
  add_wavenet<double, 16>("f64");
  benchmark::RegisterBenchmark("calib/read_128KiB", [](benchmark::State& s) { ctinfer_bench::calib_read(s, 128 << 10); });
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
