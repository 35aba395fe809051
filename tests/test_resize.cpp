// ConvTranspose1D/2D (stride, cropping pads, output padding, dilation, groups), Upsample
// (nearest) and ZeroPad, alone and in a small U-Net-style net, against PyTorch
// (tests/fixtures/resize.hpp); a mixed net against the scalar reference. Every SIMD target,
// float and double.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/test_resize.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "support/check_net-inl.h"  // ctinfer and its kernels, for this target

#ifndef CTINFER_TEST_RESIZE_ONCE_
#define CTINFER_TEST_RESIZE_ONCE_

#include <ratio>
#include <string>

#include "fixtures/resize.hpp"

namespace ci = ctinfer;
namespace fx = ctinfer_fixtures;

namespace ctinfer_test::resize {
// clang-format off
template <class T, class S, class L> using one = ci::Sequential<ci::Input<S, T>, L>;
template <class T> using convt2d_basic = one<T, ci::Shape<4, 5, 6>, ci::ConvTranspose2D<6, ci::Kernel<3>>>;
template <class T> using convt2d_stride2 = one<T, ci::Shape<3, 7, 6>,
    ci::ConvTranspose2D<5, ci::Kernel<3>, ci::Stride<2>, ci::Pad<1>, ci::OutputPad<1>>>;
template <class T> using convt2d_rect_dil = one<T, ci::Shape<2, 5, 5>,
    ci::ConvTranspose2D<4, ci::Kernel<2, 3>, ci::Stride<2, 1>, ci::Pad<0, 1>, ci::Dilation<1, 2>>>;
template <class T> using convt2d_groups = one<T, ci::Shape<6, 4, 4>,
    ci::ConvTranspose2D<4, ci::Kernel<3>, ci::Stride<2>, ci::Groups<2>, ci::NoBias>>;
template <class T> using convt1d = one<T, ci::Shape<4, 12>, ci::ConvTranspose1D<3, ci::Kernel<4>, ci::Stride<2>, ci::Pad<1>>>;
template <class T> using convt1d_outpad = one<T, ci::Shape<3, 7>, ci::ConvTranspose1D<2, ci::Kernel<3>, ci::Stride<3>, ci::OutputPad<2>>>;
template <class T> using upsample2d_2 = one<T, ci::Shape<3, 4, 5>, ci::Upsample<2>>;
template <class T> using upsample2d_3x2 = one<T, ci::Shape<2, 3, 4>, ci::Upsample<3, 2>>;
template <class T> using upsample1d_4 = one<T, ci::Shape<3, 5>, ci::Upsample<4>>;
// ZeroPad2d((1, 2, 0, 3)) is (left, right, top, bottom): Pads<top, left, bottom, right>.
template <class T> using zeropad2d = one<T, ci::Shape<2, 4, 5>, ci::ZeroPad<ci::Pads<0, 1, 3, 2>>>;
template <class T> using zeropad1d = one<T, ci::Shape<3, 6>, ci::ZeroPad<ci::Pads<2, 1>>>;
template <class T> using pad_conv = ci::Sequential<ci::Input<ci::Shape<3, 6, 6>, T>,
    ci::ZeroPad<ci::Pads<2, 1, 0, 1>>, ci::Conv2D<4, ci::Kernel<3>>>;
template <class T> using unet_small = ci::Sequential<ci::Input<ci::Shape<1, 8, 8>, T>,
    ci::Conv2D<4, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU, ci::MaxPool2D<ci::Kernel<2>>,
    ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU, ci::Upsample<2>,
    ci::Conv2D<4, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU, ci::ConvTranspose2D<2, ci::Kernel<2>, ci::Stride<2>>>;
// Channels-last between steps, a ZeroPad that is a step of its own, BatchNorm folded into a
// ConvTranspose, odd channel counts: against the reference.
template <class T> using resize_mix = ci::Sequential<ci::Input<ci::Shape<3, 6, 7>, T>,
    ci::Conv2D<19, ci::Kernel<3>, ci::Pad<1>>, ci::ZeroPad<ci::Pads<1, 0, 2, 1>>, ci::Tanh, ci::Upsample<2, 1>,
    ci::ConvTranspose2D<21, ci::Kernel<3>, ci::Stride<2>, ci::Pad<1>, ci::OutputPad<1>, ci::Groups<1>>,
    ci::MaxPool2D<ci::Kernel<2>>, ci::ConvTranspose2D<6, ci::Kernel<2>, ci::Stride<2>, ci::Groups<3>, ci::NoBias>>;
static_assert(ci::param_count_v<unet_small<float>> == fx::unet_small_param_count);
static_assert(ci::param_count_v<convt2d_groups<float>> == fx::convt2d_groups_param_count);
static_assert(std::is_same_v<ci::output_shape_t<convt2d_stride2<float>>, ci::Shape<5, 14, 12>>);
static_assert(std::is_same_v<ci::output_shape_t<unet_small<float>>, ci::Shape<2, 16, 16>>);
// A ZeroPad right before a Conv is that Conv's padding: one step.
static_assert(ci::plan_v<pad_conv<float>>.step_count == 1);
// clang-format on
}  // namespace ctinfer_test::resize

#endif  // CTINFER_TEST_RESIZE_ONCE_

HWY_BEFORE_NAMESPACE();
namespace ctinfer_test::resize::HWY_NAMESPACE {
using ctinfer_test::HWY_NAMESPACE::check_both;
using ctinfer_test::HWY_NAMESPACE::check_net;
using ctinfer_test::HWY_NAMESPACE::check_against_reference;
[[maybe_unused]] constexpr tolerance f32 = conv_float_tol, f64 = conv_double_tol;

void cases() {
  CTINFER_CASE_P_TOL(convt2d_basic, convt2d_basic, f32, f64);
  CTINFER_CASE_P_TOL(convt2d_stride2, convt2d_stride2, f32, f64);
  CTINFER_CASE_P_TOL(convt2d_rect_dil, convt2d_rect_dil, f32, f64);
  CTINFER_CASE_P_TOL(convt2d_groups, convt2d_groups, f32, f64);
  CTINFER_CASE_P_TOL(convt1d, convt1d, f32, f64);
  CTINFER_CASE_P_TOL(convt1d_outpad, convt1d_outpad, f32, f64);
  CTINFER_CASE(upsample2d_2, upsample2d_2);
  CTINFER_CASE(upsample2d_3x2, upsample2d_3x2);
  CTINFER_CASE(upsample1d_4, upsample1d_4);
  CTINFER_CASE(zeropad2d, zeropad2d);
  CTINFER_CASE(zeropad1d, zeropad1d);
  CTINFER_CASE_P_TOL(pad_conv, pad_conv, f32, f64);
  CTINFER_CASE_P_TOL(unet_small, unet_small, f32, f64);
  check_against_reference<resize_mix<float>>("resize_mix", f32);
  check_against_reference<resize_mix<double>>("resize_mix", f64);
}

}  // namespace ctinfer_test::resize::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ctinfer_test::resize {
HWY_EXPORT(cases);

TEST_CASE("ConvTranspose, Upsample and ZeroPad match PyTorch on every SIMD target, float and double") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(cases)(); });
  CHECK(targets >= 1);
}
}  // namespace ctinfer_test::resize
#endif
