// bench/bench_conv.cpp - ctinfer's convolution kernels and a small CNN against oneDNN and
// LibTorch (bench/peers/conv_peers.hpp), in the same binary and the same run, one thread.
//
// Layers (fp32, batch 1, bias, no activation; weights and inputs random, identical for all):
//   conv3x3_64_56   3x3, 64 -> 64, 56x56, pad 1       conv3x3_32_32  3x3, 32 -> 32, 32x32, pad 1
//   conv1x1_64_128  1x1, 64 -> 128, 56x56              dw3x3_64_56    depthwise 3x3, 64 ch, 56x56, pad 1
//   conv1x1_160_7   1x1, 160 -> 160, 7x7 (a MobileNet tail: rows shorter than one tile)
//   dw3x3_64_14     depthwise 3x3, 64 ch, 14x14, pad 1 (in cache; dw3x3_64_56 streams from L3)
//   conv3x3_3_16_32 3x3, 3 -> 16, 32x32, pad 1       conv3x3_3_8_32 3x3, 3 -> 8, 32x32, pad 1
//                   (an RGB input layer: three input channels, two or one output vectors)
//   tiny_1_8_28     3x3, 1 -> 8, 28x28, pad 1          tiny_8_16_14   3x3, 8 -> 16, 14x14, pad 1
// and small_cnn (1x28x28: conv 1->8 + ReLU, max pool 2, conv 8->16 + ReLU, max pool 2, Dense 784->10).
//
// The big layers are timed as they run inside a ctinfer network: channels-last input
// and output (the layout the planner keeps between convolutions), with the kernel the
// planner picks (direct, or depthwise). oneDNN runs them in the blocked layout it chooses (`onednn_native`: the
// primitive alone) and with reorders from and to NCHW (`onednn_nchw`); LibTorch's forward
// takes NCHW. The tiny layers and the CNN are whole ctinfer Models: NCHW in, NCHW out,
// everything included. Every ctinfer result is checked against oneDNN's before timing.
//
// Counters: FLOP (rate, real taps: 2 * Cout * Hout * Wout * Cin/groups * kh * kw), and the
// calib/fma_peak_f32 benchmark measures what one core reaches right now.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

// ctinfer before Highway: its first header settles Highway's targets (-march=native on an
// AVX3_DL CPU, ctinfer/detail/highway_targets.hpp).
#include <ctinfer/ctinfer.hpp>

#include <benchmark/benchmark.h>
#include <hwy/aligned_allocator.h>
#include <hwy/highway.h>

#include "calibration.hpp"
#include "peers/conv_peers.hpp"

namespace ci = ctinfer;
namespace hn = hwy::HWY_NAMESPACE;
namespace kn = ctinfer::HWY_NAMESPACE;

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "bench_conv: %s\n", what.c_str());
  std::abort();
}

std::vector<float> random_vector(std::size_t n, float scale, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<float> u(-scale, scale);
  std::vector<float> v(n);
  for (auto& x : v) x = u(gen);
  return v;
}

double max_abs_diff(const float* a, const float* b, std::size_t n) {
  double m = 0;
  for (std::size_t i = 0; i < n; ++i) m = std::max(m, std::fabs(static_cast<double>(a[i]) - b[i]));
  return m;
}

// (C, P) <-> (P, C)
std::vector<float> transpose(const std::vector<float>& x, std::size_t rows, std::size_t cols) {
  std::vector<float> y(x.size());
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) y[c * rows + r] = x[r * cols + c];
  return y;
}

void flop_counter(benchmark::State& state, double flop) {
  state.counters["FLOP"] = benchmark::Counter(flop, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["flop_per_inference"] = flop;
}

template <std::size_t C, std::size_t H, std::size_t W, std::size_t Out, std::size_t K, std::size_t Pad,
          std::size_t Groups>
using conv_net = ci::Sequential<ci::Input<ci::Shape<C, H, W>>,
                                ci::Conv2D<Out, ci::Kernel<K>, ci::Pad<Pad>, ci::Groups<Groups>>>;

// The network's one step as it runs between two other convolutions: channels-last in and out.
template <class Net>
struct channels_last_step {
  static constexpr ci::kernels::step value = [] {
    ci::kernels::step s = ci::plan_v<Net>.steps[0];
    s.src_channels_last = s.dst_channels_last = true;
    const ci::window_geometry& g = s.window;
    if (g.groups > 1 && g.groups == g.in_channels && g.groups == g.out_channels) s.kind = ci::kernels::step_kind::depthwise;
    return s;
  }();
};

// One big layer: ctinfer's kernel channels-last, oneDNN, LibTorch.
template <class Net>
void add_layer(const std::string& name, const conv_peers::conv_spec& spec, unsigned seed) {
  using step = channels_last_step<Net>;
  constexpr ci::window_geometry g = step::value.window;
  constexpr std::size_t in_size = ci::input_shape_t<Net>::size, out_size = ci::output_shape_t<Net>::size;
  const double flop = spec.flops();
  const auto weight = random_vector(spec.weight_size(), 1.0f / std::sqrt(float(spec.weight_size() / spec.out_c)), seed);
  const auto bias = random_vector(spec.out_c, 0.1f, seed + 1);
  const auto x = random_vector(in_size, 1.0f, seed + 2);

  // ctinfer: pack through a Model of the one-layer network (general layout), or by hand
  // for the depthwise layout.
  auto params = std::make_unique<ci::params_t<Net>>();
  std::vector<float> flat(weight);
  flat.insert(flat.end(), bias.begin(), bias.end());
  if (!ci::load_flat(*params, std::span<const float>(flat))) fail(name + ": load_flat");
  auto model = std::make_unique<ci::Model<Net>>(*params);
  auto* packed = new hwy::AlignedFreeUniquePtr<float[]>(hwy::AllocateAligned<float>(ci::Model<Net>::packed_size + 64));
  float* pk = packed->get();
  std::copy(model->packed().begin(), model->packed().end(), pk);
  std::size_t bias_offset = step::value.bias_offset;
  if constexpr (step::value.kind == ci::kernels::step_kind::depthwise) {
    std::vector<double> ones(g.out_channels, 1.0);
    const std::size_t taps = g.kernel_h * g.kernel_w;
    ci::kernels::pack_depthwise_weight(weight.data(), ones.data(), g.out_channels, taps, pk);
    bias_offset = ci::kernels::packed_conv_weight_size<float>(1, g.out_channels, taps);
    std::fill(pk + bias_offset, pk + bias_offset + ci::kernels::padded_outputs<float>(g.out_channels), 0.0f);
    std::copy(bias.begin(), bias.end(), pk + bias_offset);
  }
  auto* xin = new hwy::AlignedFreeUniquePtr<float[]>(hwy::AllocateAligned<float>(in_size));
  auto* yout = new hwy::AlignedFreeUniquePtr<float[]>(hwy::AllocateAligned<float>(out_size));
  const auto x_cl = transpose(x, g.in_channels, g.in_positions());
  std::copy(x_cl.begin(), x_cl.end(), xin->get());
  auto run_ci = [pk, bias_offset, xin, yout] {
    constexpr ci::kernels::step st = step::value;
    const float* none = nullptr;  // no fused add
    if constexpr (st.kind == ci::kernels::step_kind::depthwise)
      kn::depthwise<step, ci::kernels::epilogue<>>(pk, pk + bias_offset, xin->get(), yout->get(), pk, none);
    else
      kn::conv<step, ci::kernels::epilogue<>>(pk, pk + bias_offset, xin->get(), yout->get(), pk, none);
  };

  // Agreement: ctinfer (back to NCHW) and the whole Model against oneDNN.
  run_ci();
  std::vector<float> y_cl(yout->get(), yout->get() + out_size);
  const auto y_ci = transpose(y_cl, g.out_positions(), g.out_channels);
  std::vector<float> y_model(out_size), y_peer(out_size);
  model->forward(std::span<const float, in_size>(x.data(), in_size), std::span<float, out_size>(y_model.data(), out_size));
  auto* dnn = new conv_peers::onednn_conv(spec, weight.data(), bias.data(), conv_peers::onednn_layout::native);
  dnn->run(x.data(), y_peer.data());
  const double d1 = max_abs_diff(y_ci.data(), y_peer.data(), out_size);
  const double d2 = max_abs_diff(y_model.data(), y_peer.data(), out_size);
  std::fprintf(stderr, "check %-16s max|kernel - oneDNN| %.3g  max|Model - oneDNN| %.3g\n", name.c_str(), d1, d2);
  if (!(d1 < 1e-3 && d2 < 1e-3)) fail(name + ": ctinfer and oneDNN disagree");

  benchmark::RegisterBenchmark((name + "/ctinfer").c_str(), [=](benchmark::State& s) {
    for (auto _ : s) {
      run_ci();
      benchmark::ClobberMemory();
    }
    flop_counter(s, flop);
  });
  dnn->set_input(x.data());
  benchmark::RegisterBenchmark((name + "/onednn_native").c_str(), [=](benchmark::State& s) {
    for (auto _ : s) dnn->run_native();
    flop_counter(s, flop);
  });
  auto* ynchw = new std::vector<float>(out_size);
  auto* xnchw = new std::vector<float>(x);
  benchmark::RegisterBenchmark((name + "/onednn_nchw").c_str(), [=](benchmark::State& s) {
    for (auto _ : s) dnn->run(xnchw->data(), ynchw->data());
    flop_counter(s, flop);
  });
  auto* torch = new conv_peers::libtorch_conv(spec, weight.data(), bias.data());
  benchmark::RegisterBenchmark((name + "/libtorch").c_str(), [=](benchmark::State& s) {
    for (auto _ : s) torch->run(xnchw->data(), ynchw->data());
    flop_counter(s, flop);
  });
}

// A whole Model (NCHW in and out) against oneDNN (with its reorders) and LibTorch.
template <class Net, class Peer, class Torch>
void add_model(const std::string& name, const std::vector<float>& flat, double flop, Peer* dnn, Torch* torch,
               unsigned seed) {
  constexpr std::size_t in_size = ci::input_shape_t<Net>::size, out_size = ci::output_shape_t<Net>::size;
  auto params = std::make_unique<ci::params_t<Net>>();
  if (!ci::load_flat(*params, std::span<const float>(flat))) fail(name + ": load_flat");
  auto* model = new ci::Model<Net>(*params);
  auto* x = new std::vector<float>(random_vector(in_size, 1.0f, seed));
  auto* y = new std::vector<float>(out_size);
  std::vector<float> y_peer(out_size);
  model->forward(std::span<const float, in_size>(x->data(), in_size), std::span<float, out_size>(y->data(), out_size));
  dnn->run(x->data(), y_peer.data());
  const double d = max_abs_diff(y->data(), y_peer.data(), out_size);
  std::fprintf(stderr, "check %-16s max|Model - oneDNN| %.3g\n", name.c_str(), d);
  if (!(d < 1e-3)) fail(name + ": ctinfer and oneDNN disagree");
  benchmark::RegisterBenchmark((name + "/ctinfer").c_str(), [=](benchmark::State& s) {
    for (auto _ : s) {
      model->forward(std::span<const float, in_size>(x->data(), in_size), std::span<float, out_size>(y->data(), out_size));
      benchmark::ClobberMemory();
    }
    flop_counter(s, flop);
  });
  benchmark::RegisterBenchmark((name + "/onednn_nchw").c_str(), [=](benchmark::State& s) {
    for (auto _ : s) dnn->run(x->data(), y->data());
    flop_counter(s, flop);
  });
  dnn->set_input(x->data());
  benchmark::RegisterBenchmark((name + "/onednn_native").c_str(), [=](benchmark::State& s) {
    for (auto _ : s) dnn->run_native();
    flop_counter(s, flop);
  });
  benchmark::RegisterBenchmark((name + "/libtorch").c_str(), [=](benchmark::State& s) {
    for (auto _ : s) torch->run(x->data(), y->data());
    flop_counter(s, flop);
  });
}

using SmallCnn = ci::Sequential<ci::Input<ci::Shape<1, 28, 28>>,
    ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU, ci::MaxPool2D<ci::Kernel<2>>,
    ci::Conv2D<16, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU, ci::MaxPool2D<ci::Kernel<2>>,
    ci::Flatten, ci::Dense<10>>;

}  // namespace

int main(int argc, char** argv) {
  if (!conv_peers::have_onednn() || !conv_peers::have_libtorch())
    fail("needs oneDNN and LibTorch (libdnnl-dev, libtorch-dev)");
  std::fprintf(stderr, "peers: %s\n", conv_peers::versions().c_str());
  using S = conv_peers::conv_spec;
  add_layer<conv_net<64, 56, 56, 64, 3, 1, 1>>("conv3x3_64_56", S{64, 64, 56, 56, 3, 3, 1, 1, 1}, 1);
  add_layer<conv_net<32, 32, 32, 32, 3, 1, 1>>("conv3x3_32_32", S{32, 32, 32, 32, 3, 3, 1, 1, 1}, 2);
  add_layer<conv_net<64, 56, 56, 128, 1, 0, 1>>("conv1x1_64_128", S{64, 128, 56, 56, 1, 1, 1, 0, 1}, 3);
  add_layer<conv_net<160, 7, 7, 160, 1, 0, 1>>("conv1x1_160_7", S{160, 160, 7, 7, 1, 1, 1, 0, 1}, 5);
  add_layer<conv_net<3, 32, 32, 16, 3, 1, 1>>("conv3x3_3_16_32", S{3, 16, 32, 32, 3, 3, 1, 1, 1}, 7);
  add_layer<conv_net<3, 32, 32, 8, 3, 1, 1>>("conv3x3_3_8_32", S{3, 8, 32, 32, 3, 3, 1, 1, 1}, 8);
  add_layer<conv_net<64, 56, 56, 64, 3, 1, 64>>("dw3x3_64_56", S{64, 64, 56, 56, 3, 3, 1, 1, 64}, 4);
  add_layer<conv_net<64, 14, 14, 64, 3, 1, 64>>("dw3x3_64_14", S{64, 64, 14, 14, 3, 3, 1, 1, 64}, 6);
  {
    const S s1{1, 8, 28, 28, 3, 3, 1, 1, 1};
    const auto w = random_vector(s1.weight_size(), 0.3f, 5), b = random_vector(8, 0.1f, 6);
    std::vector<float> flat(w);
    flat.insert(flat.end(), b.begin(), b.end());
    add_model<conv_net<1, 28, 28, 8, 3, 1, 1>>("tiny_1_8_28", flat, s1.flops(),
                                               new conv_peers::onednn_conv(s1, w.data(), b.data()),
                                               new conv_peers::libtorch_conv(s1, w.data(), b.data()), 7);
    const S s2{8, 16, 14, 14, 3, 3, 1, 1, 1};
    const auto w2 = random_vector(s2.weight_size(), 0.1f, 8), b2 = random_vector(16, 0.1f, 9);
    std::vector<float> flat2(w2);
    flat2.insert(flat2.end(), b2.begin(), b2.end());
    add_model<conv_net<8, 14, 14, 16, 3, 1, 1>>("tiny_8_16_14", flat2, s2.flops(),
                                                new conv_peers::onednn_conv(s2, w2.data(), b2.data()),
                                                new conv_peers::libtorch_conv(s2, w2.data(), b2.data()), 10);
  }
  {
    static_assert(ci::param_count_v<SmallCnn> == conv_peers::small_cnn::param_count);
    const auto flat = random_vector(conv_peers::small_cnn::param_count, 0.2f, 11);
    add_model<SmallCnn>("small_cnn", flat, conv_peers::small_cnn::flops,
                        new conv_peers::onednn_small_cnn(flat.data(), flat.size()),
                        new conv_peers::libtorch_small_cnn(flat.data(), flat.size()), 12);
  }
  benchmark::RegisterBenchmark("calib/fma_peak_f32", ctinfer_bench::calib_fma_peak);
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
}
