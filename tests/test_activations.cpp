// Every activation against PyTorch (tests/fixtures/activations.hpp, made by
// tests/reference/make_fixtures.py), on every SIMD target this machine runs, in float and
// double: the SIMD path (ci::Model) and the constexpr scalar reference (ci::infer) are each held
// to PyTorch's output and to each other, on 67 values (not a multiple of any vector width)
// spanning 0, -0, tiny, ordinary and huge magnitudes. And NaN in gives NaN out, as in PyTorch.
// Tolerances (tests/support/compare.hpp): float 2e-6 relative + 2e-6 absolute against
// PyTorch's float32; double 1e-12 relative + 1e-13 absolute against PyTorch's float64.
// Compiled once per SIMD target: foreach_target.h re-includes this file for each one, so it
// comes first, and the kernels are included again below for each target.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/test_activations.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "support/check_net-inl.h"  // ctinfer and its kernels, for this target

#ifndef CTINFER_TEST_ACTIVATIONS_ONCE_
#define CTINFER_TEST_ACTIVATIONS_ONCE_

#include <array>
#include <cmath>
#include <limits>
#include <ratio>
#include <string>

#include "fixtures/activations.hpp"

namespace ci = ctinfer;
namespace fx = ctinfer_fixtures;

namespace ctinfer_test::layers {
// clang-format off
template <class T, class... L>
using vec67 = ci::Sequential<ci::Input<ci::Shape<67>, T>, L...>;
// clang-format off
template <class T> using identity = vec67<T, ci::Identity>;
template <class T> using relu = vec67<T, ci::ReLU>;
template <class T> using relu6 = vec67<T, ci::ReLU6>;
template <class T> using leaky_relu = vec67<T, ci::LeakyReLU>;
template <class T> using leaky_relu_0_2 = vec67<T, ci::LeakyReLU::with<std::ratio<1, 5>>>;
template <class T> using prelu = vec67<T, ci::PReLU>;
template <class T> using elu = vec67<T, ci::ELU>;
template <class T> using elu_0_5 = vec67<T, ci::ELU::with<std::ratio<1, 2>>>;
template <class T> using selu = vec67<T, ci::SELU>;
template <class T> using celu = vec67<T, ci::CELU>;
template <class T> using celu_2 = vec67<T, ci::CELU::with<std::ratio<2>>>;
template <class T> using gelu = vec67<T, ci::GELU>;
template <class T> using gelu_tanh = vec67<T, ci::GELU::tanh>;
template <class T> using sigmoid = vec67<T, ci::Sigmoid>;
template <class T> using hardsigmoid = vec67<T, ci::HardSigmoid>;
template <class T> using tanh = vec67<T, ci::Tanh>;
template <class T> using silu = vec67<T, ci::SiLU>;
template <class T> using mish = vec67<T, ci::Mish>;
template <class T> using hardswish = vec67<T, ci::HardSwish>;
template <class T> using softplus = vec67<T, ci::Softplus>;
template <class T> using softplus_2_10 = vec67<T, ci::Softplus::with<std::ratio<2>, std::ratio<10>>>;
template <class T> using softsign = vec67<T, ci::Softsign>;
template <class T> using softmax = vec67<T, ci::Softmax>;
template <class T> using log_softmax = vec67<T, ci::LogSoftmax>;
template <class T> using softmax_5x13 = ci::Sequential<ci::Input<ci::Shape<5, 13>, T>, ci::Softmax>;
template <class T> using log_softmax_5x13 = ci::Sequential<ci::Input<ci::Shape<5, 13>, T>, ci::LogSoftmax>;
template <class T> using prelu_per_channel = ci::Sequential<ci::Input<ci::Shape<6, 11>, T>, ci::PReLU::per_channel>;

// clang-format on

static_assert(ci::param_count_v<prelu_per_channel<float>> == 6);
}  // namespace ctinfer_test::layers

#endif  // CTINFER_TEST_ACTIVATIONS_ONCE_

HWY_BEFORE_NAMESPACE();
namespace ctinfer_test::layers::HWY_NAMESPACE {
using ctinfer_test::HWY_NAMESPACE::check_against_reference;
using ctinfer_test::HWY_NAMESPACE::check_both;


void activations() {
  CTINFER_CASE(identity, act_identity);
  CTINFER_CASE(relu, act_relu);
  CTINFER_CASE(relu6, act_relu6);
  CTINFER_CASE(leaky_relu, act_leaky_relu);
  CTINFER_CASE(leaky_relu_0_2, act_leaky_relu_0_2);
  CTINFER_CASE_P(prelu, act_prelu);
  CTINFER_CASE(elu, act_elu);
  CTINFER_CASE(elu_0_5, act_elu_alpha_0_5);
  CTINFER_CASE(selu, act_selu);
  CTINFER_CASE(celu, act_celu);
  CTINFER_CASE(celu_2, act_celu_alpha_2);
  CTINFER_CASE(gelu, act_gelu);
  CTINFER_CASE(gelu_tanh, act_gelu_tanh);
  CTINFER_CASE(sigmoid, act_sigmoid);
  CTINFER_CASE(hardsigmoid, act_hardsigmoid);
  CTINFER_CASE(tanh, act_tanh);
  CTINFER_CASE(silu, act_silu);
  CTINFER_CASE(mish, act_mish);
  CTINFER_CASE(hardswish, act_hardswish);
  CTINFER_CASE(softplus, act_softplus);
  CTINFER_CASE(softplus_2_10, act_softplus_beta2_thr10);
  CTINFER_CASE(softsign, act_softsign);
  CTINFER_CASE(softmax, act_softmax);
  CTINFER_CASE(log_softmax, act_log_softmax);
  CTINFER_CASE(softmax_5x13, act_softmax_5x13);
  CTINFER_CASE(log_softmax_5x13, act_log_softmax_5x13);
  CTINFER_CASE_P(prelu_per_channel, act_prelu_per_channel);
}

// NaN in, NaN out, as in PyTorch (every elementwise activation there returns NaN for NaN:
// an analytic reference). Positions 0, 9, 30 and 66 (a first lane, a middle lane, the tail)
// hold NaN, once with the sign bit clear and once set; the others hold ordinary values. Both
// the SIMD path and the scalar reference are checked.
template <template <class> class Net>
void check_nan_passes(const char* name, std::span<const double> params = {}) {
  auto run = [&]<class T>(T) {
    INFO("case " << std::string(name) + (sizeof(T) == 4 ? " (float)" : " (double)"));
    for (const double nan : {std::numeric_limits<double>::quiet_NaN(), -std::numeric_limits<double>::quiet_NaN()}) {
      std::array<T, 67> x{};
      for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(0.25 * (static_cast<double>(i % 13) - 6.0));
      for (const std::size_t i : {0, 9, 30, 66}) x[i] = static_cast<T>(nan);
      const auto out = ctinfer_test::HWY_NAMESPACE::run_both<Net<T>>(params, x);
      for (std::size_t i = 0; i < x.size(); ++i) {
        INFO("position " << i << ", input " << x[i] << ", SIMD " << out.simd[i] << ", reference " << out.reference[i]);
        CHECK(std::isnan(out.simd[i]) == std::isnan(x[i]));
        CHECK(std::isnan(out.reference[i]) == std::isnan(x[i]));
      }
    }
  };
  run(float{});
  run(double{});
}

void nan_passes_through() {
  check_nan_passes<relu>("relu");
  check_nan_passes<relu6>("relu6");
  check_nan_passes<leaky_relu>("leaky_relu");
  const double prelu_weight[] = {0.25};
  check_nan_passes<prelu>("prelu", prelu_weight);
  check_nan_passes<elu>("elu");
  check_nan_passes<selu>("selu");
  check_nan_passes<celu_2>("celu_2");
  check_nan_passes<gelu>("gelu");
  check_nan_passes<gelu_tanh>("gelu_tanh");
  check_nan_passes<sigmoid>("sigmoid");
  check_nan_passes<hardsigmoid>("hardsigmoid");
  check_nan_passes<tanh>("tanh");
  check_nan_passes<silu>("silu");
  check_nan_passes<mish>("mish");
  check_nan_passes<hardswish>("hardswish");
  check_nan_passes<softplus>("softplus");
  check_nan_passes<softplus_2_10>("softplus_2_10");
  check_nan_passes<softsign>("softsign");
}

}  // namespace ctinfer_test::layers::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ctinfer_test::layers {
HWY_EXPORT(activations);

TEST_CASE("activations match PyTorch on every SIMD target, float and double") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(activations)(); });
  CHECK(targets >= 1);
}

HWY_EXPORT(nan_passes_through);

TEST_CASE("NaN passes through every elementwise activation, on every SIMD target") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(nan_passes_through)(); });
  CHECK(targets >= 1);
}
}  // namespace ctinfer_test::layers
#endif
