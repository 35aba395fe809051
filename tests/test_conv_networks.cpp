// Small convolutional networks against PyTorch (tests/fixtures/conv.hpp): BatchNorm folded
// into Conv and Dense, fused activations and PReLU, pooling, depthwise and 1x1 (as GEMM)
// between channels-last tensors; and nets with odd channel counts that reach every kernel's
// tails, against the scalar reference. Every SIMD target, float and double.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/test_conv_networks.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "support/check_net-inl.h"  // ctinfer and its kernels, for this target

#ifndef CTINFER_TEST_CONV_NETWORKS_ONCE_
#define CTINFER_TEST_CONV_NETWORKS_ONCE_

#include <ratio>
#include <string>
#include <tuple>

#include "fixtures/conv.hpp"

namespace ci = ctinfer;
namespace fx = ctinfer_fixtures;

namespace ctinfer_test::conv_networks {
// clang-format off
template <class T> using cnn_a = ci::Sequential<ci::Input<ci::Shape<1, 8, 8>, T>,
    ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>>, ci::BatchNorm, ci::ReLU, ci::MaxPool2D<ci::Kernel<2>>,
    ci::Conv2D<16, ci::Kernel<3>, ci::Pad<1>>, ci::BatchNorm, ci::ReLU, ci::MaxPool2D<ci::Kernel<2>>,
    ci::Flatten, ci::Dense<10>>;
template <class T> using cnn_b = ci::Sequential<ci::Input<ci::Shape<2, 24>, T>,
    ci::Conv1D<16, ci::Kernel<5>, ci::Pad<2>>, ci::ReLU,
    ci::Conv1D<16, ci::Kernel<3>, ci::Groups<16>, ci::Pad<1>>, ci::BatchNorm, ci::ReLU6,
    ci::Conv1D<32, ci::Kernel<1>>, ci::AvgPool1D<ci::Kernel<2>>, ci::GlobalAvgPool, ci::Flatten,
    ci::Dense<4>, ci::Softmax>;
template <class T> using cnn_c = ci::Sequential<ci::Input<ci::Shape<3, 15, 17>, T>,
    ci::Conv2D<24, ci::Kernel<3>, ci::Stride<2>, ci::Pad<1>, ci::NoBias>, ci::BatchNorm, ci::HardSwish,
    ci::Conv2D<24, ci::Kernel<3>, ci::Groups<24>, ci::Pad<1>, ci::NoBias>, ci::BatchNorm, ci::ReLU6,
    ci::Conv2D<40, ci::Kernel<1>>, ci::PReLU::per_channel, ci::GlobalMaxPool, ci::Flatten, ci::Dense<5>>;
template <class T> using cnn_d = ci::Sequential<ci::Input<ci::Shape<12>, T>,
    ci::Dense<20>, ci::BatchNorm, ci::ReLU, ci::Dense<3>>;
template <class T> using cnn_e = ci::Sequential<ci::Input<ci::Shape<2, 9, 10>, T>,
    ci::Conv2D<6, ci::Kernel<3>>, ci::ReLU, ci::Conv2D<5, ci::Kernel<3>, ci::Stride<2>>>;
// One output vector each (the tile that reuses its broadcasts across kw): one input channel
// (channels-first), then 6 and 8 channels-last, the last with a dilated width.
template <class T> using cnn_f = ci::Sequential<ci::Input<ci::Shape<1, 7, 31>, T>,
    ci::Conv2D<6, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU, ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU,
    ci::Conv2D<3, ci::Kernel<3>, ci::Dilation<1, 2>, ci::Pad<1, 2>>>;
// One input channel into a channels-last output, outputs filling a fraction of a vector:
// several positions per vector (interleaved tiles) on the targets where they fit: 8 outputs
// on AVX-512 in float (2 positions); 4 outputs on AVX-512 (4 in float, 2 in double) and AVX2
// (2 in float); 2 outputs on AVX2 (4 in float, 2 in double) and 128-bit targets (2 in float).
// Rows that divide into few groups run as one tile each, padding included (cnn_a and cnn_h
// on AVX-512, blocks wholly or partly in a dilated window's padding; cnn_k, uneven pads, on
// AVX-512 and AVX2, float and double); the others run interior tiles, leaving remainders
// (interior runs of 27, 44 and 37 positions) and borders to one-position tiles. Windows 3x3,
// dilated 3x5, causal 7 and 5 wide.
template <class T> using cnn_g = ci::Sequential<ci::Input<ci::Shape<1, 5, 29>, T>,
    ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU, ci::Conv2D<3, ci::Kernel<1>>>;
template <class T> using cnn_h = ci::Sequential<ci::Input<ci::Shape<1, 6, 24>, T>,
    ci::Conv2D<4, ci::Kernel<3, 5>, ci::Dilation<1, 2>, ci::Pad<1, 4>>, ci::ReLU6, ci::Conv2D<3, ci::Kernel<1>>>;
template <class T> using cnn_i = ci::Sequential<ci::Input<ci::Shape<1, 50>, T>,
    ci::Conv1D<8, ci::Kernel<7>, ci::Causal>, ci::Tanh, ci::Conv1D<2, ci::Kernel<1>>>;
template <class T> using cnn_j = ci::Sequential<ci::Input<ci::Shape<1, 41>, T>,
    ci::Conv1D<2, ci::Kernel<5>, ci::Pad<2>>, ci::ReLU, ci::Conv1D<3, ci::Kernel<1>>>;
template <class T> using cnn_k = ci::Sequential<ci::Input<ci::Shape<1, 4, 11>, T>,
    ci::Conv2D<4, ci::Kernel<3>, ci::Pads<0, 1, 1, 2>>, ci::ReLU, ci::Conv2D<2, ci::Kernel<1>>>;
// One output channel added to its input (a fused Residual add on an interleaved store: 4
// positions per vector on 128-bit targets in float, 2 in double); and a per-channel PReLU,
// which keeps the one-position tiles.
template <class T> using tails_f = ci::Sequential<ci::Input<ci::Shape<1, 6, 21>, T>,
    ci::Residual<ci::Sequential<ci::Conv2D<1, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU>>,
    ci::Conv2D<4, ci::Kernel<3>, ci::Pad<1>>, ci::PReLU::per_channel, ci::Conv2D<2, ci::Kernel<1>>>;
// Odd channel counts through every channels-last kernel: direct conv, depthwise, 1x1,
// pools, and a channels-first store at the end.
template <class T> using tails_a = ci::Sequential<ci::Input<ci::Shape<3, 11, 13>, T>,
    ci::Conv2D<21, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU,
    ci::Conv2D<21, ci::Kernel<3>, ci::Groups<21>, ci::Pad<1>, ci::Stride<2>>, ci::SiLU,
    ci::Conv2D<19, ci::Kernel<1>>, ci::PReLU::per_channel,
    ci::MaxPool2D<ci::Kernel<2>, ci::CeilMode>, ci::Conv2D<37, ci::Kernel<2, 3>, ci::Pads<1, 0, 0, 2>>>;
template <class T> using tails_b = ci::Sequential<ci::Input<ci::Shape<5, 40>, T>,
    ci::Conv1D<9, ci::Kernel<3>, ci::Dilation<2>, ci::Pad<2>>,
    ci::Conv1D<9, ci::Kernel<5>, ci::Groups<9>, ci::Pad<2>>, ci::Tanh,
    ci::AvgPool1D<ci::Kernel<3>, ci::Stride<2>, ci::Pad<1>, ci::ExcludePad>,
    ci::Conv1D<6, ci::Kernel<3>, ci::Groups<3>>, ci::GlobalAvgPool, ci::Flatten, ci::Dense<3>>;
template <class T> using tails_c = ci::Sequential<ci::Input<ci::Shape<4, 9, 9>, T>,
    ci::Conv2D<70, ci::Kernel<1>>, ci::Conv2D<70, ci::Kernel<3>, ci::Groups<70>>, ci::ReLU,
    ci::Conv2D<33, ci::Kernel<1>, ci::NoBias>, ci::GlobalAvgPool>;
// Classifier heads: a Dense of few outputs on a long flattened input, packed by rows, after a
// window step (channels-last, odd channel count, k not a multiple of a panel) and on the
// network's input.
template <class T> using tails_d = ci::Sequential<ci::Input<ci::Shape<2, 7, 7>, T>,
    ci::Conv2D<5, ci::Kernel<3>>, ci::ReLU, ci::Flatten, ci::Dense<3>, ci::Tanh>;
template <class T> using tails_e = ci::Sequential<ci::Input<ci::Shape<4, 25>, T>,
    ci::Flatten, ci::Dense<7>, ci::Sigmoid>;
static_assert(ci::param_count_v<cnn_c<float>> == fx::cnn_c_param_count);
// BatchNorm folded into the Conv or Dense before it: no step, no packed values of its own.
static_assert(ci::plan_v<cnn_a<float>>.step_count == 5);
static_assert(ci::plan_v<cnn_a<float>>.folded[1] && ci::plan_v<cnn_a<float>>.folded[5]);
static_assert(ci::plan_v<cnn_d<float>>.step_count == 2 && ci::plan_v<cnn_d<float>>.folded[1]);
// Kernels chosen: depthwise on a channels-last input; the direct kernel for 1x1.
static_assert(ci::plan_v<cnn_c<float>>.steps[1].kind == ci::kernels::step_kind::depthwise);
static_assert(ci::plan_v<cnn_c<float>>.steps[2].kind == ci::kernels::step_kind::conv);
static_assert(ci::plan_v<cnn_c<float>>.steps[1].src_channels_last && ci::plan_v<cnn_c<float>>.steps[1].dst_channels_last);
static_assert(ci::plan_v<tails_c<float>>.steps[0].kind == ci::kernels::step_kind::conv);  // input is channels-first
static_assert(ci::plan_v<cnn_f<float>>.steps[1].src_channels_last && ci::plan_v<cnn_f<float>>.steps[2].src_channels_last);
// A pooled (16, 2, 2) flattened into the Dense stays channels-last; the Dense's weights are
// packed in that order. Global pooling's (C, 1, 1) is the same in both layouts: no permutation.
static_assert(ci::plan_v<cnn_a<float>>.steps[3].dst_channels_last && ci::plan_v<cnn_a<float>>.steps[4].k_channels == 16);
static_assert(ci::plan_v<cnn_c<float>>.steps[4].kind == ci::kernels::step_kind::gemm && ci::plan_v<cnn_c<float>>.steps[4].k_channels == 0);
// Dense packed by rows: fewer outputs than a panel, k of 4 panels or more, input read through
// a view. (cnn_a: 10 from 64 floats; in double 10 outputs exceed a panel of 8. cnn_d's Dense
// reads no view.)
static_assert(ci::plan_v<cnn_a<float>>.steps[4].by_rows && !ci::plan_v<cnn_a<double>>.steps[4].by_rows);
static_assert(!ci::plan_v<cnn_d<float>>.steps[0].by_rows && !ci::plan_v<cnn_d<float>>.steps[1].by_rows);
static_assert(ci::plan_v<tails_d<float>>.steps[1].by_rows && ci::plan_v<tails_d<float>>.steps[1].k_channels == 5);
static_assert(ci::plan_v<tails_e<double>>.steps[0].by_rows && ci::plan_v<tails_e<double>>.steps[0].k_channels == 0);
// tails_f: the Residual's add fused into its convolution; then the PReLU's, 1 -> 4.
static_assert(ci::plan_v<tails_f<float>>.step_count == 3 && ci::plan_v<tails_f<float>>.steps[1].window.in_channels == 1);
static_assert(ci::plan_v<tails_f<float>>.steps[1].dst_channels_last);
// clang-format on
}  // namespace ctinfer_test::conv_networks

#endif  // CTINFER_TEST_CONV_NETWORKS_ONCE_

HWY_BEFORE_NAMESPACE();
namespace ctinfer_test::conv_networks::HWY_NAMESPACE {
using ctinfer_test::HWY_NAMESPACE::check_both;
using ctinfer_test::HWY_NAMESPACE::check_net;
using ctinfer_test::HWY_NAMESPACE::check_against_reference;
[[maybe_unused]] constexpr tolerance f32 = conv_float_tol, f64 = conv_double_tol;

// Positions per vector of step S of Net on this target (0: one-position tiles).
template <class Net, std::size_t S>
constexpr std::size_t interleave = []<class T, const auto& Plan, class... E>(ci::kernels::program<T, Plan, E...>) {
  using epilogue = std::tuple_element_t<S, std::tuple<E...>>;
  return ci::HWY_NAMESPACE::conv_interleaved_positions<ci::kernels::step_ref<Plan, S>, epilogue, T>;
}(ci::program_t<Net>{});
// Whether those rows run as one tile each, padding included.
template <class Net, std::size_t S>
constexpr bool whole_rows = ci::HWY_NAMESPACE::conv_interleaved_rows<
    ci::kernels::step_ref<ci::plan_v<Net>, S>, interleave<Net, S>>;
// Which of the one-channel nets interleave where: a full vector's lanes / outputs, if the
// positions' inputs (that many values) are 8 or 16 bytes. A per-channel PReLU never does.
#if HWY_ARCH_X86 && HWY_TARGET <= HWY_AVX3
static_assert(interleave<cnn_g<float>, 0> == 2 && interleave<cnn_g<double>, 0> == 0);
static_assert(interleave<cnn_h<float>, 0> == 4 && interleave<cnn_h<double>, 0> == 2);
static_assert(interleave<cnn_i<float>, 0> == 2 && interleave<cnn_j<float>, 0> == 0);
static_assert(interleave<tails_f<float>, 0> == 0 && interleave<tails_f<float>, 1> == 0);
static_assert(whole_rows<cnn_h<float>, 0> && whole_rows<cnn_h<double>, 0>);
static_assert(whole_rows<cnn_k<float>, 0> && whole_rows<cnn_k<double>, 0> && interleave<cnn_k<double>, 0> == 2);
static_assert(whole_rows<cnn_a<float>, 0> && !whole_rows<cnn_g<float>, 0> && !whole_rows<cnn_i<float>, 0>);
#elif HWY_TARGET == HWY_AVX2
static_assert(interleave<cnn_g<float>, 0> == 0 && interleave<cnn_h<float>, 0> == 2);
static_assert(interleave<cnn_j<float>, 0> == 4 && interleave<cnn_j<double>, 0> == 2);
static_assert(!whole_rows<cnn_h<float>, 0> && !whole_rows<cnn_j<float>, 0>);  // (12 groups of 5-wide taps: no room)
static_assert(whole_rows<cnn_k<float>, 0> && interleave<cnn_k<float>, 0> == 2);
#elif HWY_TARGET == HWY_SSE4 || HWY_TARGET == HWY_SSSE3 || HWY_TARGET == HWY_NEON
static_assert(interleave<cnn_j<float>, 0> == 2 && interleave<cnn_h<float>, 0> == 0);
static_assert(interleave<tails_f<float>, 0> == 4 && interleave<tails_f<double>, 0> == 2);
#endif

void cases() {
  CTINFER_CASE_P_TOL(cnn_a, cnn_a, f32, f64);
  CTINFER_CASE_P_TOL(cnn_b, cnn_b, f32, f64);
  CTINFER_CASE_P_TOL(cnn_c, cnn_c, f32, f64);
  CTINFER_CASE_P_TOL(cnn_d, cnn_d_dense_bn, f32, f64);
  CTINFER_CASE_P_TOL(cnn_e, cnn_e_conv_tail, f32, f64);
  CTINFER_CASE_P_TOL(cnn_f, cnn_f_narrow, f32, f64);
  CTINFER_CASE_P_TOL(cnn_g, cnn_g_one_channel_8, f32, f64);
  CTINFER_CASE_P_TOL(cnn_h, cnn_h_one_channel_4, f32, f64);
  CTINFER_CASE_P_TOL(cnn_i, cnn_i_one_channel_causal, f32, f64);
  CTINFER_CASE_P_TOL(cnn_j, cnn_j_one_channel_2, f32, f64);
  CTINFER_CASE_P_TOL(cnn_k, cnn_k_one_channel_pads, f32, f64);
  // Channels-last kernels and their tails on random weights, against the reference.
  check_against_reference<tails_a<float>>("tails_a", f32);
  check_against_reference<tails_a<double>>("tails_a", f64);
  check_against_reference<tails_b<float>>("tails_b", f32);
  check_against_reference<tails_b<double>>("tails_b", f64);
  check_against_reference<tails_c<float>>("tails_c", f32);
  check_against_reference<tails_d<float>>("tails_d", f32);
  check_against_reference<tails_d<double>>("tails_d", f64);
  check_against_reference<tails_e<float>>("tails_e", f32);
  check_against_reference<tails_e<double>>("tails_e", f64);
  check_against_reference<tails_f<float>>("tails_f", f32);
  check_against_reference<tails_f<double>>("tails_f", f64);
}

}  // namespace ctinfer_test::conv_networks::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ctinfer_test::conv_networks {
HWY_EXPORT(cases);

TEST_CASE("small conv networks match PyTorch (BatchNorm folded, channels-last inside) on every SIMD target, float and double") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(cases)(); });
  CHECK(targets >= 1);
}
}  // namespace ctinfer_test::conv_networks
#endif
