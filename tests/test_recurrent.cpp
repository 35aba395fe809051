// LSTM, GRU, Bidirectional, stacking, initial state, LastStep, Transpose and causal Conv1D
// nets against PyTorch (tests/fixtures/recurrent.hpp), whole sequences: on every SIMD target,
// float and double, the SIMD path and the scalar reference each held to PyTorch and to each
// other. 10,000-step sequences are checked at 100 checkpoints for drift. Streaming is
// tests/test_streaming.cpp.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/test_recurrent.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "support/check_net-inl.h"  // ctinfer and its kernels, for this target

#ifndef CTINFER_TEST_RECURRENT_ONCE_
#define CTINFER_TEST_RECURRENT_ONCE_

#include <memory>
#include <string>
#include <vector>

#include "fixtures/recurrent.hpp"
#include "support/recurrent_nets.hpp"

namespace ci = ctinfer;
namespace fx = ctinfer_fixtures;

namespace ctinfer_test::recurrent {
// clang-format off
using namespace ctinfer_test::recurrent_nets;

// Odd sizes on random weights, against the reference: hidden sizes around the vector widths,
// a Bidirectional GRU with initial state and no bias, a transposed (C, L) -> (L, C) input.
template <class T> using odd_a = seq<T, 7, 3, ci::LSTM<5, ci::InitialState>, ci::GRU<17>, ci::Dense<3>>;
template <class T> using odd_b = seq<T, 9, 2, ci::Bidirectional<ci::GRU<9, ci::NoBias, ci::InitialState>>,
    ci::Bidirectional<ci::LSTM<3>>, ci::LastStep>;
template <class T> using odd_c = ci::Sequential<ci::Input<ci::Shape<3, 11>, T>,
    ci::Conv1D<5, ci::Kernel<4>, ci::Dilation<3>, ci::Causal>, ci::Transpose, ci::LSTM<33>, ci::Transpose>;
// Cells the kernel pipelines (kernels::recurrent_pipelined), at odd sizes whose last vector
// of units is partly padding: GRU 53 with initial state (float and double), a Bidirectional
// LSTM 27 without bias (float only), LSTM 33 above.
template <class T> using odd_d = seq<T, 6, 4, ci::GRU<53, ci::InitialState>,
    ci::Bidirectional<ci::LSTM<27, ci::NoBias>>, ci::Dense<2>>;

// The type-level facts.
static_assert(std::is_same_v<ci::output_shape_t<lstm_bidir<float>>, ci::Shape<18, 16>>);
static_assert(std::is_same_v<ci::output_shape_t<lstm_last_step<float>>, ci::Shape<4>>);
static_assert(std::is_same_v<ci::output_shape_t<amp_conv_gru<float>>, ci::Shape<64, 1>>);
static_assert(std::is_same_v<ci::output_shape_t<odd_c<float>>, ci::Shape<33, 11>>);
// Which cells run pipelined: float from about 25 (LSTM) or 20 (GRU) units, double from 63 or 50.
static_assert(ci::kernels::recurrent_pipelined<float>(4, 27) && !ci::kernels::recurrent_pipelined<float>(4, 24));
static_assert(ci::kernels::recurrent_pipelined<float>(3, 24) && !ci::kernels::recurrent_pipelined<float>(3, 16));
static_assert(ci::kernels::recurrent_pipelined<double>(4, 64) && !ci::kernels::recurrent_pipelined<double>(4, 32));
static_assert(ci::kernels::recurrent_pipelined<double>(3, 53) && !ci::kernels::recurrent_pipelined<double>(3, 32));
// PyTorch's parameter counts: 4H(F + H) + 8H for LSTM, 3H(F + H) + 6H for GRU, per direction.
static_assert(ci::param_count_v<lstm_h16_f5<float>> == 4 * 16 * (5 + 16) + 8 * 16);
static_assert(ci::param_count_v<gru_nobias<float>> == 3 * 10 * (6 + 10));
static_assert(ci::param_count_v<lstm_init<float>> == 4 * 12 * (5 + 12) + 8 * 12 + 2 * 12);
static_assert(ci::param_count_v<gru_bidir<float>> == 2 * (3 * 8 * (4 + 8) + 6 * 8));
static_assert(ci::param_count_v<lstm_bidir<float>> == fx::lstm_bidir_h8_f4_param_count);
static_assert(ci::param_count_v<wavenet<float>> == fx::wavenet_causal_param_count);
// A Bidirectional layer is two steps writing one tensor; a causal convolution is a conv step
// with the left padding of a causal window.
static_assert(ci::plan_v<lstm_bidir<float>>.step_count == 2);
static_assert(ci::plan_v<lstm_bidir<float>>.steps[1].rnn.reverse && ci::plan_v<lstm_bidir<float>>.steps[1].rnn.y_offset == 8);
static_assert(ci::plan_v<tcn<float>>.steps[2].window.pad_left == 8 && ci::plan_v<tcn<float>>.steps[2].window.pad_right == 0);
// clang-format on
}  // namespace ctinfer_test::recurrent

#endif  // CTINFER_TEST_RECURRENT_ONCE_

HWY_BEFORE_NAMESPACE();
namespace ctinfer_test::recurrent::HWY_NAMESPACE {
using ctinfer_test::HWY_NAMESPACE::check_against_reference;
using ctinfer_test::HWY_NAMESPACE::check_both;
using ctinfer_test::HWY_NAMESPACE::check_net;
[[maybe_unused]] constexpr tolerance f32 = rnn_float_tol, f64 = rnn_double_tol;

// A long sequence: the SIMD path's whole-sequence output at the fixture's checkpoints (rows
// stride - 1, 2 stride - 1, ...) against PyTorch's.
template <class Net>
void check_long(const char* name, std::span<const double> input, std::span<const double> params,
                std::span<const double> expected, std::size_t stride, tolerance tol) {
  using T = ci::element_t<Net>;
  INFO("case " << std::string(name) + (sizeof(T) == 4 ? " (float)" : " (double)"));
  constexpr std::size_t H = ci::output_shape_t<Net>::last, steps = ci::input_shape_t<Net>::dims[0];
  auto p = std::make_unique<ci::params_t<Net>>();
  REQUIRE(ci::load_flat(*p, params).ok());
  auto model = std::make_unique<ci::Model<Net, ctinfer::HWY_NAMESPACE::target_dispatch>>(*p);
  std::vector<T> x(input.begin(), input.end()), y(steps * H), at_checkpoints;
  REQUIRE(x.size() == ci::input_shape_t<Net>::size);
  REQUIRE(model->forward(std::span<const T>(x), std::span<T>(y)).ok());
  for (std::size_t t = stride - 1; t < steps; t += stride)
    at_checkpoints.insert(at_checkpoints.end(), y.begin() + t * H, y.begin() + (t + 1) * H);
  check_close("SIMD vs PyTorch at the checkpoints", std::span<const T>(at_checkpoints), expected, tol);
}

void cases() {
  CTINFER_CASE_P_TOL(lstm_h1_f3, lstm_h1_f3, f32, f64);
  CTINFER_CASE_P_TOL(lstm_h8_f1, lstm_h8_f1, f32, f64);
  CTINFER_CASE_P_TOL(lstm_h16_f5, lstm_h16_f5, f32, f64);
  CTINFER_CASE_P_TOL(lstm_h24_f7, lstm_h24_f7, f32, f64);
  CTINFER_CASE_P_TOL(lstm_h32_f13, lstm_h32_f13, f32, f64);
  CTINFER_CASE_P_TOL(lstm_h64_f8, lstm_h64_f8, f32, f64);
  CTINFER_CASE_P_TOL(gru_h1_f3, gru_h1_f3, f32, f64);
  CTINFER_CASE_P_TOL(gru_h8_f1, gru_h8_f1, f32, f64);
  CTINFER_CASE_P_TOL(gru_h16_f5, gru_h16_f5, f32, f64);
  CTINFER_CASE_P_TOL(gru_h24_f7, gru_h24_f7, f32, f64);
  CTINFER_CASE_P_TOL(gru_h32_f13, gru_h32_f13, f32, f64);
  CTINFER_CASE_P_TOL(gru_h64_f8, gru_h64_f8, f32, f64);
  CTINFER_CASE_P_TOL(lstm_nobias, lstm_h10_f6_nobias, f32, f64);
  CTINFER_CASE_P_TOL(gru_nobias, gru_h10_f6_nobias, f32, f64);
  CTINFER_CASE_P_TOL(lstm_2layers, lstm_2layers_h12_f5, f32, f64);
  CTINFER_CASE_P_TOL(lstm_stack, lstm_stack_16_8_f5, f32, f64);
  CTINFER_CASE_P_TOL(gru_2layers, gru_2layers_h12_f5, f32, f64);
  CTINFER_CASE_P_TOL(gru_stack, gru_stack_16_8_f5, f32, f64);
  CTINFER_CASE_P_TOL(lstm_bidir, lstm_bidir_h8_f4, f32, f64);
  CTINFER_CASE_P_TOL(gru_bidir, gru_bidir_h8_f4, f32, f64);
  CTINFER_CASE_P_TOL(lstm_init, lstm_init_state_h12_f5, f32, f64);
  CTINFER_CASE_P_TOL(gru_init, gru_init_state_h12_f5, f32, f64);
  CTINFER_CASE_P_TOL(lstm_last_step, lstm_last_step_dense, f32, f64);
  CTINFER_CASE_P_TOL(gru_time_dense, gru_time_dense, f32, f64);
  CTINFER_CASE_P_TOL(tcn, tcn_causal, f32, f64);
  CTINFER_CASE_P_TOL(wavenet, wavenet_causal, f32, f64);
  CTINFER_CASE_P_TOL(amp_conv_gru, amp_conv_gru, f32, f64);
  CTINFER_CASE_P_TOL(amp_lstm, amp_lstm, f32, f64);
  check_long<lstm_long<float>>("lstm_long_h8", fx::lstm_long_h8_input, fx::lstm_long_h8_params,
                               fx::lstm_long_h8_expected_f32, fx::lstm_long_h8_checkpoint_stride, f32);
  check_long<lstm_long<double>>("lstm_long_h8", fx::lstm_long_h8_input, fx::lstm_long_h8_params,
                                fx::lstm_long_h8_expected_f64, fx::lstm_long_h8_checkpoint_stride, f64);
  check_long<gru_long<float>>("gru_long_h8", fx::gru_long_h8_input, fx::gru_long_h8_params,
                              fx::gru_long_h8_expected_f32, fx::gru_long_h8_checkpoint_stride, f32);
  check_long<gru_long<double>>("gru_long_h8", fx::gru_long_h8_input, fx::gru_long_h8_params,
                               fx::gru_long_h8_expected_f64, fx::gru_long_h8_checkpoint_stride, f64);
  check_against_reference<odd_a<float>>("odd_a", f32);
  check_against_reference<odd_a<double>>("odd_a", f64);
  check_against_reference<odd_b<float>>("odd_b", f32);
  check_against_reference<odd_b<double>>("odd_b", f64);
  check_against_reference<odd_c<float>>("odd_c", f32);
  check_against_reference<odd_c<double>>("odd_c", f64);
  check_against_reference<odd_d<float>>("odd_d", f32);
  check_against_reference<odd_d<double>>("odd_d", f64);
}

}  // namespace ctinfer_test::recurrent::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ctinfer_test::recurrent {
HWY_EXPORT(cases);

TEST_CASE("LSTM, GRU and causal Conv1D nets match PyTorch over whole sequences on every SIMD target, float and double") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(cases)(); });
  CHECK(targets >= 1);
}
}  // namespace ctinfer_test::recurrent
#endif
