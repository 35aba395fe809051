// Dense (nn.Linear on the last axis) against PyTorch (tests/fixtures/dense.hpp, made by
// tests/reference/make_fixtures.py) and against the scalar reference on shapes that reach
// every kernel tail, on every SIMD target this machine runs, in float and double.
// Tolerances: against PyTorch as in tests/support/compare.hpp; against the reference, float
// 1e-5 and double 1e-13 (relative + absolute): sums of up to 200 products in another order.
// Compiled once per SIMD target: foreach_target.h re-includes this file for each one, so it
// comes first, and the kernels are included again below for each target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/test_dense.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "support/check_net-inl.h"  // ctinfer and its kernels, for this target

#ifndef CTINFER_TEST_DENSE_ONCE_
#define CTINFER_TEST_DENSE_ONCE_

#include <ratio>
#include <string>

#include "fixtures/dense.hpp"

namespace ci = ctinfer;
namespace fx = ctinfer_fixtures;

namespace ctinfer_test::layers {
// clang-format off
template <class T> using dense_1_1 = ci::Sequential<ci::Input<ci::Shape<1>, T>, ci::Dense<1>>;
template <class T> using dense_7_13 = ci::Sequential<ci::Input<ci::Shape<7>, T>, ci::Dense<13>>;
template <class T> using dense_16_32 = ci::Sequential<ci::Input<ci::Shape<16>, T>, ci::Dense<32>>;
template <class T> using dense_33_17 = ci::Sequential<ci::Input<ci::Shape<33>, T>, ci::Dense<17>>;
template <class T> using dense_128_5 = ci::Sequential<ci::Input<ci::Shape<128>, T>, ci::Dense<5>>;
template <class T> using dense_3_64 = ci::Sequential<ci::Input<ci::Shape<3>, T>, ci::Dense<64>>;
template <class T> using dense_rank2 = ci::Sequential<ci::Input<ci::Shape<5, 7>, T>, ci::Dense<13>>;
template <class T> using dense_rank3 = ci::Sequential<ci::Input<ci::Shape<2, 3, 9>, T>, ci::Dense<4>>;
template <class T> using dense_nobias = ci::Sequential<ci::Input<ci::Shape<7>, T>, ci::Dense<13, false>>;
// GEMM tails: rows 4k+1..4k+3 and column-vector groups of 3 with 1 or 2 left over, on every
// vector width (4, 8, 16 lanes; 1 on SCALAR).
template <class T> using gemm_7x33_50 = ci::Sequential<ci::Input<ci::Shape<7, 33>, T>, ci::Dense<50>, ci::GELU>;
template <class T> using gemm_9x20_40 = ci::Sequential<ci::Input<ci::Shape<9, 20>, T>, ci::Dense<40, false>, ci::Tanh>;
template <class T> using gemm_6x5_129 = ci::Sequential<ci::Input<ci::Shape<6, 5>, T>, ci::Dense<129>, ci::ReLU>;
template <class T> using gemv_200_97 = ci::Sequential<ci::Input<ci::Shape<200>, T>, ci::Dense<97>, ci::SiLU>;
template <class T> using gemv_1_3 = ci::Sequential<ci::Input<ci::Shape<1>, T>, ci::Dense<3>>;
// clang-format on

// The output shapes PyTorch reports, checked at compile time.
static_assert(std::is_same_v<ci::output_shape_t<dense_rank2<float>>, ci::Shape<5, 13>>);
static_assert(std::is_same_v<ci::output_shape_t<dense_rank3<double>>, ci::Shape<2, 3, 4>>);
static_assert(ci::param_count_v<dense_nobias<float>> == 91);
}  // namespace ctinfer_test::layers

#endif  // CTINFER_TEST_DENSE_ONCE_

HWY_BEFORE_NAMESPACE();
namespace ctinfer_test::layers::HWY_NAMESPACE {
using ctinfer_test::HWY_NAMESPACE::check_against_reference;
using ctinfer_test::HWY_NAMESPACE::check_both;


void dense() {
  CTINFER_CASE_P(dense_1_1, dense_1_1);
  CTINFER_CASE_P(dense_7_13, dense_7_13);
  CTINFER_CASE_P(dense_16_32, dense_16_32);
  CTINFER_CASE_P(dense_33_17, dense_33_17);
  CTINFER_CASE_P(dense_128_5, dense_128_5);
  CTINFER_CASE_P(dense_3_64, dense_3_64);
  CTINFER_CASE_P(dense_rank2, dense_rank2_5x7_13);
  CTINFER_CASE_P(dense_rank3, dense_rank3_2x3x9_4);
  CTINFER_CASE_P(dense_nobias, dense_7_13_nobias);
}

// Reference tolerances: float sums of up to 200 products in a different order.
void kernel_tails() {
  constexpr tolerance f{1e-5, 1e-5}, d{1e-13, 1e-13};
  check_against_reference<gemm_7x33_50<float>>("gemm 7x33 -> 50", f);
  check_against_reference<gemm_7x33_50<double>>("gemm 7x33 -> 50", d);
  check_against_reference<gemm_9x20_40<float>>("gemm 9x20 -> 40, no bias", f);
  check_against_reference<gemm_9x20_40<double>>("gemm 9x20 -> 40, no bias", d);
  check_against_reference<gemm_6x5_129<float>>("gemm 6x5 -> 129", f);
  check_against_reference<gemm_6x5_129<double>>("gemm 6x5 -> 129", d);
  check_against_reference<gemv_200_97<float>>("gemv 200 -> 97", f);
  check_against_reference<gemv_200_97<double>>("gemv 200 -> 97", d);
  check_against_reference<gemv_1_3<float>>("gemv 1 -> 3", f);
  check_against_reference<gemv_1_3<double>>("gemv 1 -> 3", d);
}


}  // namespace ctinfer_test::layers::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ctinfer_test::layers {
HWY_EXPORT(dense);
HWY_EXPORT(kernel_tails);

TEST_CASE("Dense matches PyTorch on every SIMD target, float and double") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(dense)(); });
  CHECK(targets >= 1);
}

TEST_CASE("Dense kernels match the reference on every row and column tail, every SIMD target") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(kernel_tails)(); });
  CHECK(targets >= 1);
}
}  // namespace ctinfer_test::layers
#endif
