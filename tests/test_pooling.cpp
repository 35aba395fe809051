// Pooling (max, average with both padding rules, ceil mode, dilation, global) and BatchNorm
// in eval mode, one layer each, against PyTorch (tests/fixtures/conv.hpp), on every SIMD
// target, float and double, with the suite's elementwise tolerances: pooling only compares,
// adds a few values and divides; BatchNorm is one multiply-add per value. Max pooling keeps
// NaN, as PyTorch's does.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/test_pooling.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "support/check_net-inl.h"  // ctinfer and its kernels, for this target

#ifndef CTINFER_TEST_POOLING_ONCE_
#define CTINFER_TEST_POOLING_ONCE_

#include <array>
#include <cmath>
#include <limits>
#include <ratio>
#include <string>

#include "fixtures/conv.hpp"

namespace ci = ctinfer;
namespace fx = ctinfer_fixtures;

namespace ctinfer_test::pooling {
// clang-format off
template <class T, class S, class L> using one = ci::Sequential<ci::Input<S, T>, L>;
template <class T> using maxpool2d_2 = one<T, ci::Shape<5, 8, 9>, ci::MaxPool2D<ci::Kernel<2>>>;
template <class T> using maxpool2d_3s2p1 = one<T, ci::Shape<4, 9, 10>, ci::MaxPool2D<ci::Kernel<3>, ci::Stride<2>, ci::Pad<1>>>;
template <class T> using maxpool2d_ceil = one<T, ci::Shape<3, 10, 10>, ci::MaxPool2D<ci::Kernel<3>, ci::Stride<2>, ci::CeilMode>>;
template <class T> using maxpool2d_dilation = one<T, ci::Shape<2, 7, 7>, ci::MaxPool2D<ci::Kernel<2>, ci::Stride<1>, ci::Dilation<2>>>;
template <class T> using avgpool2d_2 = one<T, ci::Shape<5, 8, 9>, ci::AvgPool2D<ci::Kernel<2>>>;
template <class T> using avgpool2d_pad_include = one<T, ci::Shape<4, 9, 10>, ci::AvgPool2D<ci::Kernel<3>, ci::Stride<2>, ci::Pad<1>>>;
template <class T> using avgpool2d_pad_exclude = one<T, ci::Shape<4, 9, 10>, ci::AvgPool2D<ci::Kernel<3>, ci::Stride<2>, ci::Pad<1>, ci::ExcludePad>>;
template <class T> using avgpool2d_ceil = one<T, ci::Shape<3, 10, 10>, ci::AvgPool2D<ci::Kernel<3>, ci::Stride<2>, ci::CeilMode>>;
template <class T> using avgpool2d_ceil_pad = one<T, ci::Shape<2, 7, 8>, ci::AvgPool2D<ci::Kernel<2>, ci::Stride<2>, ci::Pad<1>, ci::CeilMode>>;
template <class T> using maxpool1d_3s2 = one<T, ci::Shape<6, 21>, ci::MaxPool1D<ci::Kernel<3>, ci::Stride<2>>>;
template <class T> using avgpool1d_4 = one<T, ci::Shape<6, 21>, ci::AvgPool1D<ci::Kernel<4>>>;
template <class T> using avgpool1d_pad = one<T, ci::Shape<3, 10>, ci::AvgPool1D<ci::Kernel<3>, ci::Stride<1>, ci::Pad<1>>>;
template <class T> using globalavg2d = one<T, ci::Shape<7, 5, 6>, ci::GlobalAvgPool>;
template <class T> using globalmax2d = one<T, ci::Shape<7, 5, 6>, ci::GlobalMaxPool>;
template <class T> using globalavg1d = one<T, ci::Shape<7, 13>, ci::GlobalAvgPool>;
template <class T> using batchnorm2d = one<T, ci::Shape<6, 4, 5>, ci::BatchNorm>;
template <class T> using batchnorm2d_eps = one<T, ci::Shape<3, 5, 5>, ci::BatchNorm::with<std::ratio<1, 1000>>>;
template <class T> using batchnorm1d_seq = one<T, ci::Shape<5, 12>, ci::BatchNorm>;
template <class T> using batchnorm1d_flat = one<T, ci::Shape<10>, ci::BatchNorm>;
static_assert(std::is_same_v<ci::output_shape_t<maxpool2d_ceil<float>>, ci::Shape<3, 5, 5>>);
static_assert(std::is_same_v<ci::output_shape_t<avgpool2d_ceil_pad<float>>, ci::Shape<2, 4, 5>>);
static_assert(std::is_same_v<ci::output_shape_t<globalavg1d<float>>, ci::Shape<7, 1>>);
static_assert(ci::param_count_v<batchnorm2d<float>> == fx::batchnorm2d_param_count);
// clang-format on
}  // namespace ctinfer_test::pooling

#endif  // CTINFER_TEST_POOLING_ONCE_

HWY_BEFORE_NAMESPACE();
namespace ctinfer_test::pooling::HWY_NAMESPACE {
using ctinfer_test::HWY_NAMESPACE::check_both;
using ctinfer_test::HWY_NAMESPACE::check_net;
using ctinfer_test::HWY_NAMESPACE::check_against_reference;
[[maybe_unused]] constexpr tolerance f32 = conv_float_tol, f64 = conv_double_tol;

void cases() {
  CTINFER_CASE(maxpool2d_2, maxpool2d_2);
  CTINFER_CASE(maxpool2d_3s2p1, maxpool2d_3s2p1);
  CTINFER_CASE(maxpool2d_ceil, maxpool2d_ceil);
  CTINFER_CASE(maxpool2d_dilation, maxpool2d_dilation);
  CTINFER_CASE(avgpool2d_2, avgpool2d_2);
  CTINFER_CASE(avgpool2d_pad_include, avgpool2d_pad_include);
  CTINFER_CASE(avgpool2d_pad_exclude, avgpool2d_pad_exclude);
  CTINFER_CASE(avgpool2d_ceil, avgpool2d_ceil);
  CTINFER_CASE(avgpool2d_ceil_pad, avgpool2d_ceil_pad);
  CTINFER_CASE(maxpool1d_3s2, maxpool1d_3s2);
  CTINFER_CASE(avgpool1d_4, avgpool1d_4);
  CTINFER_CASE(avgpool1d_pad, avgpool1d_pad);
  CTINFER_CASE(globalavg2d, globalavg2d);
  CTINFER_CASE(globalmax2d, globalmax2d);
  CTINFER_CASE(globalavg1d, globalavg1d);
  CTINFER_CASE_P(batchnorm2d, batchnorm2d);
  CTINFER_CASE_P(batchnorm2d_eps, batchnorm2d_eps);
  CTINFER_CASE_P(batchnorm1d_seq, batchnorm1d_seq);
  CTINFER_CASE_P(batchnorm1d_flat, batchnorm1d_flat);
}

// A max over a window holding NaN is NaN, as in PyTorch (max_pool1d/2d and amax propagate
// it). Every 7th input is NaN (sign bit alternately clear and set); an output must be NaN
// exactly when its window, from the pooling's definition, holds one. SIMD path and reference.
template <class Net, class Window>
void check_max_nan(const char* name, Window window_has_nan) {
  using T = ci::element_t<Net>;
  INFO("case " << std::string(name) + (sizeof(T) == 4 ? " (float)" : " (double)"));
  std::array<T, ci::input_shape_t<Net>::size> x{};
  for (std::size_t i = 0; i < x.size(); ++i)
    x[i] = i % 7 == 3 ? (i % 2 ? T(1) : T(-1)) * std::numeric_limits<T>::quiet_NaN()
                      : static_cast<T>(0.5 * static_cast<double>(i % 11) - 2.0);
  const auto out = ctinfer_test::HWY_NAMESPACE::run_both<Net>(std::span<const T>{}, x);
  for (std::size_t o = 0; o < out.simd.size(); ++o) {
    const bool nan = window_has_nan(x, o);
    INFO("output " << o << ", SIMD " << out.simd[o] << ", reference " << out.reference[o]);
    CHECK(std::isnan(out.simd[o]) == nan);
    CHECK(std::isnan(out.reference[o]) == nan);
  }
}

template <class T>
void max_nan_cases() {
  // 2x2, stride 2 on (5, 8, 9) -> (5, 4, 4): rows 2oh, 2oh + 1, columns 2ow, 2ow + 1.
  check_max_nan<maxpool2d_2<T>>("maxpool2d_2", [](const auto& x, std::size_t o) {
    const std::size_t c = o / 16, oh = o / 4 % 4, ow = o % 4;
    bool nan = false;
    for (std::size_t h = 2 * oh; h < 2 * oh + 2; ++h)
      for (std::size_t w = 2 * ow; w < 2 * ow + 2; ++w) nan = nan || std::isnan(x[(c * 8 + h) * 9 + w]);
    return nan;
  });
  // Kernel 3, stride 2 on (6, 21) -> (6, 10): positions 2o .. 2o + 2.
  check_max_nan<maxpool1d_3s2<T>>("maxpool1d_3s2", [](const auto& x, std::size_t o) {
    const std::size_t c = o / 10, ow = o % 10;
    bool nan = false;
    for (std::size_t w = 2 * ow; w < 2 * ow + 3; ++w) nan = nan || std::isnan(x[c * 21 + w]);
    return nan;
  });
  // Global on (7, 5, 6): channel c's 30 values.
  check_max_nan<globalmax2d<T>>("globalmax2d", [](const auto& x, std::size_t c) {
    bool nan = false;
    for (std::size_t i = 0; i < 30; ++i) nan = nan || std::isnan(x[c * 30 + i]);
    return nan;
  });
}

void max_nan() {
  max_nan_cases<float>();
  max_nan_cases<double>();
}

}  // namespace ctinfer_test::pooling::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ctinfer_test::pooling {
HWY_EXPORT(cases);

TEST_CASE("pooling and BatchNorm match PyTorch on every SIMD target, float and double") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(cases)(); });
  CHECK(targets >= 1);
}

HWY_EXPORT(max_nan);

TEST_CASE("max pooling keeps NaN on every SIMD target, float and double") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(max_nan)(); });
  CHECK(targets >= 1);
}
}  // namespace ctinfer_test::pooling
#endif
