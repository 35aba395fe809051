// Whole networks against PyTorch (tests/fixtures/mlp.hpp, made by
// tests/reference/make_fixtures.py), on every SIMD target this machine runs, float and double:
// fused Dense+activation steps, standalone elementwise steps, Softmax/LogSoftmax, Flatten,
// GEMM on sequences, per-channel PReLU in an epilogue and Reshape (as nn.Unflatten). Tolerances as in test_layers.cpp
// (tests/support/compare.hpp), scaled for the deeper sums where stated.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/test_networks.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "support/check_net-inl.h"  // ctinfer and its kernels, for this target

#ifndef CTINFER_TEST_NETWORKS_ONCE_
#define CTINFER_TEST_NETWORKS_ONCE_

#include <ratio>
#include <string>

#include "fixtures/mlp.hpp"

namespace ci = ctinfer;
namespace fx = ctinfer_fixtures;

namespace ctinfer_test::networks {
// clang-format off
template <class T> using mlp_a = ci::Sequential<ci::Input<ci::Shape<16>, T>,
    ci::Dense<32>, ci::ReLU, ci::Dense<16>, ci::ReLU>;
template <class T> using mlp_b = ci::Sequential<ci::Input<ci::Shape<10>, T>,
    ci::Dense<20>, ci::Tanh, ci::Dense<20>, ci::GELU, ci::Dense<3>, ci::Softmax>;
template <class T> using mlp_c = ci::Sequential<ci::Input<ci::Shape<9>, T>,
    ci::Dense<11>, ci::LeakyReLU::with<std::ratio<1, 10>>, ci::Dense<11, false>, ci::Sigmoid,
    ci::Dense<4>, ci::LogSoftmax>;
template <class T> using mlp_d = ci::Sequential<ci::Input<ci::Shape<4, 6>, T>,
    ci::Flatten, ci::Dense<8>, ci::SiLU, ci::Dense<2>>;
template <class T> using mlp_e = ci::Sequential<ci::Input<ci::Shape<6, 10>, T>,
    ci::Dense<12>, ci::ELU, ci::Dense<7>, ci::Mish>;
template <class T> using mlp_f = ci::Sequential<ci::Input<ci::Shape<5>, T>,
    ci::Dense<8>, ci::PReLU::per_channel, ci::Dense<3>>;
template <class T> using mlp_g = ci::Sequential<ci::Input<ci::Shape<12>, T>,
    ci::Dense<12>, ci::HardSwish, ci::Reshape<ci::Shape<3, 4>>, ci::Dense<5>, ci::Softmax>;
// clang-format on

static_assert(ci::param_count_v<mlp_a<float>> == fx::mlp_a_relu_param_count);
static_assert(ci::param_count_v<mlp_b<float>> == fx::mlp_b_tanh_gelu_softmax_param_count);
static_assert(ci::param_count_v<mlp_c<double>> == fx::mlp_c_leaky_sigmoid_logsoftmax_param_count);
static_assert(ci::param_count_v<mlp_d<float>> == fx::mlp_d_flatten_silu_param_count);
static_assert(ci::param_count_v<mlp_e<float>> == fx::mlp_e_seq_elu_mish_param_count);
static_assert(ci::param_count_v<mlp_f<float>> == fx::mlp_f_prelu_param_count);
static_assert(ci::param_count_v<mlp_g<float>> == fx::mlp_g_reshape_softmax_param_count);
static_assert(std::is_same_v<ci::output_shape_t<mlp_e<float>>, ci::Shape<6, 7>>);
static_assert(std::is_same_v<ci::output_shape_t<mlp_g<double>>, ci::Shape<3, 5>>);
}  // namespace ctinfer_test::networks

#endif  // CTINFER_TEST_NETWORKS_ONCE_

HWY_BEFORE_NAMESPACE();
namespace ctinfer_test::networks::HWY_NAMESPACE {
using ctinfer_test::HWY_NAMESPACE::check_both;

void networks() {
  CTINFER_CASE_P(mlp_a, mlp_a_relu);
  CTINFER_CASE_P(mlp_b, mlp_b_tanh_gelu_softmax);
  CTINFER_CASE_P(mlp_c, mlp_c_leaky_sigmoid_logsoftmax);
  CTINFER_CASE_P(mlp_d, mlp_d_flatten_silu);
  CTINFER_CASE_P(mlp_e, mlp_e_seq_elu_mish);
  CTINFER_CASE_P(mlp_f, mlp_f_prelu);
  CTINFER_CASE_P(mlp_g, mlp_g_reshape_softmax);
}

}  // namespace ctinfer_test::networks::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ctinfer_test::networks {
HWY_EXPORT(networks);

TEST_CASE("networks match PyTorch on every SIMD target, float and double") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(networks)(); });
  CHECK(targets >= 1);
}
}  // namespace ctinfer_test::networks
#endif
