// Blocks against PyTorch (tests/fixtures/blocks.hpp): a ResNet-style net (basic blocks, a
// strided projection shortcut), a MobileNetV2-style net (inverted residuals, depthwise,
// ReLU6), an Inception-style Concat, WaveNet-style GLU and gated tanh in a residual, and the
// same blocks around Dense layers; plus the fallback paths against the scalar reference.
// Every SIMD target, float and double.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/test_blocks.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "support/check_net-inl.h"  // ctinfer and its kernels, for this target

#ifndef CTINFER_TEST_BLOCKS_ONCE_
#define CTINFER_TEST_BLOCKS_ONCE_

#include <ratio>
#include <string>

#include "fixtures/blocks.hpp"

namespace ci = ctinfer;
namespace fx = ctinfer_fixtures;

namespace ctinfer_test::blocks {
// clang-format off
template <class T> using res_basic = ci::Sequential<ci::Input<ci::Shape<3, 16, 16>, T>,
    ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>, ci::NoBias>, ci::BatchNorm, ci::ReLU,
    ci::Residual<ci::Sequential<ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>, ci::NoBias>, ci::BatchNorm, ci::ReLU,
                                ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>, ci::NoBias>, ci::BatchNorm>>,
    ci::ReLU,
    ci::Residual<ci::Sequential<ci::Conv2D<16, ci::Kernel<3>, ci::Stride<2>, ci::Pad<1>, ci::NoBias>, ci::BatchNorm, ci::ReLU,
                                ci::Conv2D<16, ci::Kernel<3>, ci::Pad<1>, ci::NoBias>, ci::BatchNorm>,
                 ci::Sequential<ci::Conv2D<16, ci::Kernel<1>, ci::Stride<2>, ci::NoBias>, ci::BatchNorm>>,
    ci::ReLU, ci::GlobalAvgPool, ci::Flatten, ci::Dense<10>>;
template <std::size_t In, std::size_t Expanded, std::size_t Out, std::size_t Stride>
using inverted = ci::Sequential<ci::Conv2D<Expanded, ci::Kernel<1>, ci::NoBias>, ci::BatchNorm, ci::ReLU6,
    ci::Conv2D<Expanded, ci::Kernel<3>, ci::Stride<Stride>, ci::Pad<1>, ci::Groups<Expanded>, ci::NoBias>, ci::BatchNorm, ci::ReLU6,
    ci::Conv2D<Out, ci::Kernel<1>, ci::NoBias>, ci::BatchNorm>;
template <class T> using mbv2 = ci::Sequential<ci::Input<ci::Shape<3, 24, 24>, T>,
    ci::Conv2D<16, ci::Kernel<3>, ci::Stride<2>, ci::Pad<1>, ci::NoBias>, ci::BatchNorm, ci::ReLU6,
    ci::Residual<inverted<16, 64, 16, 1>>,
    inverted<16, 48, 24, 2>,
    ci::Residual<inverted<24, 72, 24, 1>>,
    ci::Conv2D<64, ci::Kernel<1>, ci::NoBias>, ci::BatchNorm, ci::ReLU6, ci::GlobalAvgPool, ci::Flatten, ci::Dense<5>>;
template <class T> using concat_inception = ci::Sequential<ci::Input<ci::Shape<6, 9, 9>, T>,
    ci::Concat<ci::Conv2D<4, ci::Kernel<1>>,
               ci::Sequential<ci::Conv2D<5, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU>,
               ci::MaxPool2D<ci::Kernel<3>, ci::Stride<1>, ci::Pad<1>>>,
    ci::Conv2D<8, ci::Kernel<1>>, ci::ReLU>;
template <class T> using glu_wavenet = ci::Sequential<ci::Input<ci::Shape<4, 30>, T>,
    ci::Conv1D<16, ci::Kernel<3>, ci::Pad<1>>, ci::GLU,
    ci::Residual<ci::Sequential<ci::Conv1D<12, ci::Kernel<3>, ci::Pad<2>, ci::Dilation<2>>, ci::GatedTanh,
                                ci::Conv1D<8, ci::Kernel<1>>>>,
    ci::Conv1D<2, ci::Kernel<1>>>;
template <class T> using res_dense = ci::Sequential<ci::Input<ci::Shape<16>, T>,
    ci::Residual<ci::Sequential<ci::Dense<16>, ci::ReLU, ci::Dense<16>>>, ci::ReLU, ci::Dense<4>>;
template <class T> using glu_dense = ci::Sequential<ci::Input<ci::Shape<10>, T>, ci::Dense<10>, ci::GLU, ci::Dense<3>>;
template <class T> using concat_dense = ci::Sequential<ci::Input<ci::Shape<7>, T>,
    ci::Concat<ci::Dense<3>, ci::Sequential<ci::Dense<4>, ci::Tanh>, ci::Sequential<>>, ci::Dense<2>>;
// Blocks that reach the fallbacks: a Residual whose body ends in a Softmax (a separate add
// step), an empty body (x + x), a Concat branch of views only, nested blocks.
template <class T> using blocks_edge = ci::Sequential<ci::Input<ci::Shape<6, 5>, T>,
    ci::Residual<ci::Sequential<ci::Dense<5>, ci::Softmax>>, ci::Residual<ci::Sequential<>>,
    ci::Concat<ci::Sequential<ci::Flatten, ci::Reshape<ci::Shape<6, 5>>>,
               ci::Residual<ci::Sequential<ci::Dense<5>, ci::Tanh>, ci::Dense<5, false>>>,
    ci::Dense<3>>;
// A Residual whose body ends in a Concat (the add cannot join one slice's store), Concats
// nested in Concats (an inner Concat's output is written by several steps).
template <class T> using blocks_nested = ci::Sequential<ci::Input<ci::Shape<4, 6, 6>, T>,
    ci::Residual<ci::Concat<ci::Conv2D<2, ci::Kernel<1>>, ci::Conv2D<2, ci::Kernel<3>, ci::Pad<1>>>>,
    ci::Concat<ci::Concat<ci::Conv2D<3, ci::Kernel<1>>, ci::MaxPool2D<ci::Kernel<3>, ci::Stride<1>, ci::Pad<1>>>,
               ci::Conv2D<1, ci::Kernel<1>>>,
    ci::ReLU, ci::Flatten, ci::Residual<ci::Concat<ci::Dense<144>, ci::Dense<144, false>>>>;
static_assert(std::is_same_v<ci::output_shape_t<blocks_nested<float>>, ci::Shape<288>>);
static_assert(ci::param_count_v<res_basic<float>> == fx::res_basic_param_count);
static_assert(ci::param_count_v<mbv2<float>> == fx::mbv2_param_count);
static_assert(ci::param_count_v<glu_wavenet<float>> == fx::glu_wavenet_param_count);
static_assert(std::is_same_v<ci::output_shape_t<concat_inception<float>>, ci::Shape<8, 9, 9>>);
static_assert(std::is_same_v<ci::output_shape_t<blocks_edge<float>>, ci::Shape<12, 3>>);
// clang-format on
}  // namespace ctinfer_test::blocks

#endif  // CTINFER_TEST_BLOCKS_ONCE_

HWY_BEFORE_NAMESPACE();
namespace ctinfer_test::blocks::HWY_NAMESPACE {
using ctinfer_test::HWY_NAMESPACE::check_both;
using ctinfer_test::HWY_NAMESPACE::check_net;
using ctinfer_test::HWY_NAMESPACE::check_against_reference;
[[maybe_unused]] constexpr tolerance f32 = conv_float_tol, f64 = conv_double_tol;

void cases() {
  CTINFER_CASE_P_TOL(res_basic, res_basic, f32, f64);
  CTINFER_CASE_P_TOL(mbv2, mbv2, f32, f64);
  CTINFER_CASE_P_TOL(concat_inception, concat_inception, f32, f64);
  CTINFER_CASE_P_TOL(glu_wavenet, glu_wavenet, f32, f64);
  CTINFER_CASE_P_TOL(res_dense, res_dense, f32, f64);
  CTINFER_CASE_P_TOL(glu_dense, glu_dense, f32, f64);
  CTINFER_CASE_P_TOL(concat_dense, concat_dense, f32, f64);
  check_against_reference<blocks_edge<float>>("blocks_edge", f32);
  check_against_reference<blocks_edge<double>>("blocks_edge", f64);
  check_against_reference<blocks_nested<float>>("blocks_nested", f32);
  check_against_reference<blocks_nested<double>>("blocks_nested", f64);
}

}  // namespace ctinfer_test::blocks::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ctinfer_test::blocks {
HWY_EXPORT(cases);

TEST_CASE("Residual, Concat and gated blocks match PyTorch (ResNet and MobileNetV2 style) on every SIMD target, float and double") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(cases)(); });
  CHECK(targets >= 1);
}
}  // namespace ctinfer_test::blocks
#endif
