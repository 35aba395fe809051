// tests/support/check_net-inl.h - runs a network on the current SIMD target and through the
// scalar reference, and holds both to PyTorch's output. Included once per target.
#if defined(CTINFER_TEST_CHECK_NET_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_TEST_CHECK_NET_INL_H_
#undef CTINFER_TEST_CHECK_NET_INL_H_
#else
#define CTINFER_TEST_CHECK_NET_INL_H_
#endif

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <hwy/highway.h>

#include <ctinfer/ctinfer.hpp>
#include <ctinfer/kernels/execute-inl.h>

#include "support/compare.hpp"
#include "support/targets.hpp"

// Checks the fixture NAME (inputs, params, float32 and float64 expectations) with network
// template NET; CTINFER_CASE for layers without parameters.
#ifndef CTINFER_CASE
#define CTINFER_CASE(NET, NAME) \
  check_both<NET>(#NAME, fx::NAME##_input, {}, fx::NAME##_expected_f32, fx::NAME##_expected_f64)
#define CTINFER_CASE_P(NET, NAME) \
  check_both<NET>(#NAME, fx::NAME##_input, fx::NAME##_params, fx::NAME##_expected_f32, \
                  fx::NAME##_expected_f64)
// The same with tolerances (float, double) for deeper sums.
#define CTINFER_CASE_TOL(NET, NAME, F32, F64) \
  check_both<NET>(#NAME, fx::NAME##_input, {}, fx::NAME##_expected_f32, fx::NAME##_expected_f64, F32, F64)
#define CTINFER_CASE_P_TOL(NET, NAME, F32, F64) \
  check_both<NET>(#NAME, fx::NAME##_input, fx::NAME##_params, fx::NAME##_expected_f32, \
                  fx::NAME##_expected_f64, F32, F64)
#endif

HWY_BEFORE_NAMESPACE();
namespace ctinfer_test::HWY_NAMESPACE {
namespace ci = ctinfer;

// Outputs of Net for input x and parameters `flat` (load_flat order): on this target and
// through the scalar reference.
template <class Net>
struct both_outputs {
  using T = ci::element_t<Net>;
  std::array<T, ci::output_shape_t<Net>::size> simd{}, reference{};
};
template <class Net, class U>
both_outputs<Net> run_both(std::span<const U> flat,
                           const std::array<ci::element_t<Net>, ci::input_shape_t<Net>::size>& x) {
  auto p = std::make_unique<ci::params_t<Net>>();
  const ci::status st = ci::load_flat(*p, flat);
  REQUIRE_MESSAGE(st.ok(), st.message());
  auto model = std::make_unique<ci::Model<Net, ctinfer::HWY_NAMESPACE::target_dispatch>>(*p);
  return {(*model)(x), ci::infer<Net>(*p, x)};
}

// Runs Net on this target and through the scalar reference; both against PyTorch.
template <class Net>
void check_net(const char* name, std::span<const double> input, std::span<const double> params,
               std::span<const double> expected, tolerance tol) {
  using T = ci::element_t<Net>;
  INFO("case " << std::string(name) + (sizeof(T) == 4 ? " (float)" : " (double)"));
  std::array<T, ci::input_shape_t<Net>::size> x{};
  REQUIRE(input.size() == x.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(input[i]);
  const auto out = run_both<Net>(params, x);
  check_close("SIMD vs PyTorch", std::span<const T>(out.simd), expected, tol);
  check_close("reference vs PyTorch", std::span<const T>(out.reference), expected, tol);
  check_close("SIMD vs reference", std::span<const T>(out.simd), std::span<const T>(out.reference), tol);
}

// Runs Net on this target against the scalar reference alone, on deterministic pseudo-random
// weights and inputs in [-1, 1): for shapes chosen to reach every kernel tail.
template <class Net>
void check_against_reference(const char* name, tolerance tol) {
  using T = ci::element_t<Net>;
  INFO("case " << std::string(name) + (sizeof(T) == 4 ? " (float)" : " (double)"));
  std::uint32_t state = 12345;
  auto next = [&] {
    state = state * 1664525u + 1013904223u;
    return static_cast<T>(static_cast<double>(state >> 8) / 8388608.0 - 1.0);
  };
  auto flat = std::make_unique<std::array<T, ci::param_count_v<Net>>>();
  for (auto& v : *flat) v = next();
  std::array<T, ci::input_shape_t<Net>::size> x{};
  for (auto& v : x) v = next();
  const auto out = run_both<Net>(std::span<const T>(*flat), x);
  check_close("SIMD vs reference", std::span<const T>(out.simd), std::span<const T>(out.reference), tol);
}

template <template <class> class Net>
void check_both(const char* name, std::span<const double> input, std::span<const double> params,
                std::span<const double> expected_f32, std::span<const double> expected_f64,
                tolerance f32_tol = float_tol, tolerance f64_tol = double_tol) {
  check_net<Net<float>>(name, input, params, expected_f32, f32_tol);
  check_net<Net<double>>(name, input, params, expected_f64, f64_tol);
}

}  // namespace ctinfer_test::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_TEST_CHECK_NET_INL_H_
