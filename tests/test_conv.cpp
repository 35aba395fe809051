// Conv1D and Conv2D, one layer each, against PyTorch (tests/fixtures/conv.hpp, made by
// tests/reference/make_fixtures.py), on every SIMD target, float and double. The network
// input is channels-first, so these run the direct kernel on a channels-first input and
// write channels-first output; the networks in test_conv_networks.cpp cover channels-last.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/test_conv.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "support/check_net-inl.h"  // ctinfer and its kernels, for this target

#ifndef CTINFER_TEST_CONV_ONCE_
#define CTINFER_TEST_CONV_ONCE_

#include <ratio>
#include <string>

#include "fixtures/conv.hpp"

namespace ci = ctinfer;
namespace fx = ctinfer_fixtures;

namespace ctinfer_test::conv {
// clang-format off
template <class T, class S, class L> using one = ci::Sequential<ci::Input<S, T>, L>;
template <class T> using conv2d_basic = one<T, ci::Shape<3, 9, 11>, ci::Conv2D<8, ci::Kernel<3>>>;
template <class T> using conv2d_pad = one<T, ci::Shape<4, 8, 8>, ci::Conv2D<16, ci::Kernel<3>, ci::Pad<1>>>;
template <class T> using conv2d_stride2_pad = one<T, ci::Shape<5, 13, 10>, ci::Conv2D<12, ci::Kernel<3>, ci::Stride<2>, ci::Pad<1>>>;
template <class T> using conv2d_rect = one<T, ci::Shape<3, 7, 12>, ci::Conv2D<7, ci::Kernel<2, 5>, ci::Stride<1, 2>, ci::Pad<1, 2>>>;
template <class T> using conv2d_dilation = one<T, ci::Shape<4, 11, 9>, ci::Conv2D<9, ci::Kernel<3>, ci::Dilation<2>, ci::Pad<2>>>;
template <class T> using conv2d_groups = one<T, ci::Shape<6, 7, 7>, ci::Conv2D<9, ci::Kernel<3>, ci::Groups<3>, ci::Pad<1>>>;
template <class T> using conv2d_depthwise = one<T, ci::Shape<16, 10, 9>, ci::Conv2D<16, ci::Kernel<3>, ci::Groups<16>, ci::Pad<1>>>;
template <class T> using conv2d_depthwise_s2 = one<T, ci::Shape<20, 9, 9>, ci::Conv2D<20, ci::Kernel<3>, ci::Groups<20>, ci::Stride<2>, ci::Pad<1>>>;
template <class T> using conv2d_depth_mult = one<T, ci::Shape<4, 6, 6>, ci::Conv2D<8, ci::Kernel<3>, ci::Groups<4>>>;
template <class T> using conv2d_1x1 = one<T, ci::Shape<24, 5, 7>, ci::Conv2D<40, ci::Kernel<1>>>;
template <class T> using conv2d_1x1_nobias = one<T, ci::Shape<17, 4, 3>, ci::Conv2D<33, ci::Kernel<1>, ci::NoBias>>;
// ZeroPad2d((1, 2, 0, 1)) is (left, right, top, bottom): Pads<top, left, bottom, right>.
template <class T> using conv2d_asym_pads = one<T, ci::Shape<3, 6, 7>, ci::Conv2D<5, ci::Kernel<3>, ci::Pads<0, 1, 1, 2>>>;
template <class T> using conv2d_same = one<T, ci::Shape<3, 8, 9>, ci::Conv2D<6, ci::Kernel<3, 4>, ci::PadSame>>;
template <class T> using conv2d_same_dilated = one<T, ci::Shape<2, 9, 8>, ci::Conv2D<4, ci::Kernel<3>, ci::PadSame, ci::Dilation<2>>>;
template <class T> using conv2d_wide = one<T, ci::Shape<32, 12, 12>, ci::Conv2D<32, ci::Kernel<3>, ci::Pad<1>>>;
template <class T> using conv2d_one_channel = one<T, ci::Shape<1, 9, 30>, ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>>>;
template <class T> using conv2d_rgb_pairs = one<T, ci::Shape<3, 7, 20>, ci::Conv2D<16, ci::Kernel<3>, ci::Pad<1>>>;
template <class T> using conv1d_basic = one<T, ci::Shape<4, 20>, ci::Conv1D<8, ci::Kernel<3>>>;
template <class T> using conv1d_stride_pad = one<T, ci::Shape<3, 31>, ci::Conv1D<10, ci::Kernel<5>, ci::Stride<2>, ci::Pad<2>>>;
template <class T> using conv1d_dilation = one<T, ci::Shape<6, 25>, ci::Conv1D<6, ci::Kernel<3>, ci::Dilation<4>, ci::Pad<4>>>;
template <class T> using conv1d_groups = one<T, ci::Shape<8, 16>, ci::Conv1D<4, ci::Kernel<3>, ci::Groups<4>>>;
template <class T> using conv1d_depthwise = one<T, ci::Shape<12, 19>, ci::Conv1D<12, ci::Kernel<5>, ci::Groups<12>, ci::Pad<2>>>;
template <class T> using conv1d_1x1_nobias = one<T, ci::Shape<9, 10>, ci::Conv1D<13, ci::Kernel<1>, ci::NoBias>>;
template <class T> using conv1d_one_channel_dilated = one<T, ci::Shape<1, 40>, ci::Conv1D<4, ci::Kernel<3>, ci::Dilation<3>, ci::Pad<3>>>;
static_assert(ci::param_count_v<conv2d_groups<float>> == fx::conv2d_groups_param_count);
static_assert(ci::param_count_v<conv2d_1x1_nobias<float>> == fx::conv2d_1x1_nobias_param_count);
static_assert(std::is_same_v<ci::output_shape_t<conv2d_same<float>>, ci::Shape<6, 8, 9>>);
static_assert(std::is_same_v<ci::output_shape_t<conv2d_asym_pads<float>>, ci::Shape<5, 5, 8>>);
static_assert(std::is_same_v<ci::output_shape_t<conv1d_stride_pad<double>>, ci::Shape<10, 16>>);
// Rows cut into the fewest tiles of at most 12, as even as possible: 26 = 9 + 9 + 8.
static_assert(ci::kernels::even_tiles<26, 12>::count == 3 && ci::kernels::even_tiles<26, 12>::size == 8 &&
              ci::kernels::even_tiles<26, 12>::larger == 2);
static_assert(ci::kernels::even_tiles<24, 12>::size == 12 && ci::kernels::even_tiles<24, 12>::larger == 0);
static_assert(ci::kernels::even_tiles<13, 6>::count == 3 && ci::kernels::even_tiles<13, 6>::size == 4 &&
              ci::kernels::even_tiles<13, 6>::larger == 1);
// clang-format on
}  // namespace ctinfer_test::conv

#endif  // CTINFER_TEST_CONV_ONCE_

HWY_BEFORE_NAMESPACE();
namespace ctinfer_test::conv::HWY_NAMESPACE {
using ctinfer_test::HWY_NAMESPACE::check_both;
constexpr tolerance f32 = conv_float_tol, f64 = conv_double_tol;

void cases() {
  CTINFER_CASE_P_TOL(conv2d_basic, conv2d_basic, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_pad, conv2d_pad, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_stride2_pad, conv2d_stride2_pad, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_rect, conv2d_rect, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_dilation, conv2d_dilation, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_groups, conv2d_groups, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_depthwise, conv2d_depthwise, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_depthwise_s2, conv2d_depthwise_s2, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_depth_mult, conv2d_depth_mult, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_1x1, conv2d_1x1, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_1x1_nobias, conv2d_1x1_nobias, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_asym_pads, conv2d_asym_pads, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_same, conv2d_same, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_same_dilated, conv2d_same_dilated, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_wide, conv2d_wide, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_one_channel, conv2d_one_channel, f32, f64);
  CTINFER_CASE_P_TOL(conv2d_rgb_pairs, conv2d_rgb_pairs, f32, f64);
  CTINFER_CASE_P_TOL(conv1d_basic, conv1d_basic, f32, f64);
  CTINFER_CASE_P_TOL(conv1d_stride_pad, conv1d_stride_pad, f32, f64);
  CTINFER_CASE_P_TOL(conv1d_dilation, conv1d_dilation, f32, f64);
  CTINFER_CASE_P_TOL(conv1d_groups, conv1d_groups, f32, f64);
  CTINFER_CASE_P_TOL(conv1d_depthwise, conv1d_depthwise, f32, f64);
  CTINFER_CASE_P_TOL(conv1d_1x1_nobias, conv1d_1x1_nobias, f32, f64);
  CTINFER_CASE_P_TOL(conv1d_one_channel_dilated, conv1d_one_channel_dilated, f32, f64);
}

}  // namespace ctinfer_test::conv::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ctinfer_test::conv {
HWY_EXPORT(cases);

TEST_CASE("Conv1D and Conv2D (stride, padding forms, dilation, groups, depthwise, 1x1, no bias) match PyTorch on every SIMD target, float and double") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(cases)(); });
  CHECK(targets >= 1);
}
}  // namespace ctinfer_test::conv
#endif
