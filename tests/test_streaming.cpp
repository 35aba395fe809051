// Streaming: Model::step and Model::process, frame by frame with a ci::State, reproduce the
// whole-sequence outputs and PyTorch's (tests/fixtures/recurrent.hpp) for recurrent nets
// (LSTM, GRU, stacks, initial state, LastStep, time-distributed Dense) and causal convolution
// nets (TCN, WaveNet with residual gated blocks, conv + GRU amp model); 10,000 steps without
// drift; independent streams on one Model; reset; block sizes; size errors. Every SIMD
// target, float and double.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/test_streaming.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "support/check_net-inl.h"  // ctinfer and its kernels, for this target

#ifndef CTINFER_TEST_STREAMING_ONCE_
#define CTINFER_TEST_STREAMING_ONCE_

#include <memory>
#include <string>
#include <vector>

#include "fixtures/recurrent.hpp"
#include "support/recurrent_nets.hpp"

namespace ci = ctinfer;
namespace fx = ctinfer_fixtures;

namespace ctinfer_test::streaming {
// clang-format off
using namespace ctinfer_test::recurrent_nets;

// A frame is a row of a (T, F) input and a column of a (C, L) one.
static_assert(ci::Model<lstm_h24_f7<float>>::frame_input_size == 7 && ci::Model<lstm_h24_f7<float>>::frame_output_size == 24);
static_assert(ci::Model<tcn<float>>::frame_input_size == 2 && ci::Model<tcn<float>>::frame_output_size == 3);
static_assert(ci::Model<amp_conv_gru<float>>::frame_input_size == 1 && ci::Model<amp_conv_gru<float>>::frame_output_size == 1);
// The state is a compile-time constant: h and c per recurrent layer (64 bytes each, rounded
// up), (kernel - 1) * dilation past frames per causal convolution.
static_assert(ci::State<lstm_stack<float>>::state_size == 2 * 16 + 2 * 16);
static_assert(ci::State<tcn<float>>::state_size == 16 + 32 + 64);  // 4, 32, 64 values, each rounded to 64 bytes
static_assert(ci::State<wavenet<float>>::state_size == 16 + 16 + 32);
// A recurrent layer has a counter in the State: the parity of its time steps, which orders its
// hidden product (kernels/recurrent-inl.h); a causal convolution has one: its ring position.
static_assert(ci::State<lstm_h64_f8<float>>::plan.position_count == 1);
static_assert(ci::State<tcn<float>>::plan.position_count == 3);
// In the one-frame plan a causal convolution is a GEMV over its gathered taps.
static_assert(ci::plan_v<ci::frame_network_t<tcn<float>>>.steps[1].kind == ci::kernels::step_kind::stream_conv);
static_assert(ci::plan_v<ci::frame_network_t<tcn<float>>>.steps[1].k == 3 * 8);
// clang-format on
}  // namespace ctinfer_test::streaming

#endif  // CTINFER_TEST_STREAMING_ONCE_

HWY_BEFORE_NAMESPACE();
namespace ctinfer_test::streaming::HWY_NAMESPACE {
[[maybe_unused]] constexpr tolerance f32 = rnn_float_tol, f64 = rnn_double_tol;
using dispatch = ctinfer::HWY_NAMESPACE::target_dispatch;

// Where frame t's output c is in the whole-sequence output: a row of (T, F), a column of
// (C, L); a network ending in LastStep has one output frame, the last.
template <class Net>
std::size_t whole_index(std::size_t t, std::size_t c) {
  using Out = ci::output_shape_t<Net>;
  using FrameOut = ci::output_shape_t<ci::frame_network_t<Net>>;
  if constexpr (Out::rank == 1)
    return c;
  else if constexpr (FrameOut::dims[0] == 1)
    return t * FrameOut::last + c;
  else
    return c * Out::last + t;
}

template <class Net>
struct stream_run {
  using T = ci::element_t<Net>;
  using model_t = ci::Model<Net, dispatch>;
  static constexpr std::size_t fi = model_t::frame_input_size, fo = model_t::frame_output_size;
  static constexpr std::size_t frames = ci::input_shape_t<Net>::size / fi;
  std::unique_ptr<ci::params_t<Net>> params = std::make_unique<ci::params_t<Net>>();
  std::unique_ptr<model_t> model;
  std::vector<T> x, frames_in;  // the sequence, and the same values frame after frame

  stream_run(std::span<const double> input, std::span<const double> flat) {
    REQUIRE(ci::load_flat(*params, flat).ok());
    model = std::make_unique<model_t>(*params);
    x.assign(input.begin(), input.end());
    REQUIRE(x.size() == ci::input_shape_t<Net>::size);
    frames_in.resize(x.size());
    using FrameIn = ci::input_shape_t<ci::frame_network_t<Net>>;
    for (std::size_t t = 0; t < frames; ++t)
      for (std::size_t c = 0; c < fi; ++c)
        frames_in[t * fi + c] = FrameIn::dims[0] == 1 ? x[t * fi + c] : x[c * frames + t];
  }
  std::vector<T> whole() const {
    std::vector<T> y(ci::output_shape_t<Net>::size);
    REQUIRE(model->forward(std::span<const T>(x), std::span<T>(y)).ok());  // a const model: own workspace
    return y;
  }
  // Frames in blocks of `block` frames (the last block shorter).
  std::vector<T> streamed(ci::State<Net>& state, std::size_t block) const {
    std::vector<T> y(frames * fo);
    for (std::size_t t = 0; t < frames; t += block) {
      const std::size_t n = t + block <= frames ? block : frames - t;
      REQUIRE(model->process(state, std::span<const T>(frames_in.data() + t * fi, n * fi),
                             std::span<T>(y.data() + t * fo, n * fo))
                  .ok());
    }
    return y;
  }
  // Frame outputs where the whole sequence has them (all, or the last for LastStep nets).
  std::vector<T> as_whole(const std::vector<T>& streamed_y) const {
    std::vector<T> out(ci::output_shape_t<Net>::size);
    for (std::size_t t = 0; t < frames; ++t)
      for (std::size_t c = 0; c < fo; ++c)
        if (ci::output_shape_t<Net>::rank != 1 || t + 1 == frames) out[whole_index<Net>(t, c)] = streamed_y[t * fo + c];
    return out;
  }
};

// Streams the fixture frame by frame and in blocks; every result against PyTorch and the
// whole-sequence SIMD output.
template <class Net>
void check_stream(const char* name, std::span<const double> input, std::span<const double> params,
                  std::span<const double> expected, tolerance tol) {
  using T = ci::element_t<Net>;
  INFO("case " << std::string(name) + (sizeof(T) == 4 ? " (float)" : " (double)"));
  const stream_run<Net> run(input, params);
  const std::vector<T> whole = run.whole();
  auto state = std::make_unique<ci::State<Net>>();
  const std::vector<T> one = run.as_whole(run.streamed(*state, 1));
  check_close("streamed frame by frame vs PyTorch", std::span<const T>(one), expected, tol);
  check_close("streamed vs whole sequence", std::span<const T>(one), std::span<const T>(whole), tol);
  // After reset the same frames give the same outputs, in any block size.
  for (std::size_t block : {std::size_t{7}, run.frames}) {
    state->reset();
    const std::vector<T> blocks = run.as_whole(run.streamed(*state, block));
    CHECK_MESSAGE(blocks == one, "block size " << block);
  }
}

// Two streams on one Model, frames interleaved: each equals its own stream alone.
template <class Net>
void check_independent_streams(const char* name, std::span<const double> input, std::span<const double> params) {
  using T = ci::element_t<Net>;
  INFO("case " << name);
  const stream_run<Net> run(input, params);
  constexpr std::size_t fi = stream_run<Net>::fi, fo = stream_run<Net>::fo, frames = stream_run<Net>::frames;
  auto a = std::make_unique<ci::State<Net>>(), b = std::make_unique<ci::State<Net>>();
  const std::vector<T> alone = run.streamed(*a, 1);
  a->reset();
  std::vector<T> ya(frames * fo), yb(frames * fo);
  for (std::size_t t = 0; t < frames; ++t) {
    run.model->step(*a, std::span<const T, fi>(run.frames_in.data() + t * fi, fi), std::span<T, fo>(ya.data() + t * fo, fo));
    // b reads the frames backwards: a different signal.
    const std::size_t u = frames - 1 - t;
    run.model->step(*b, std::span<const T, fi>(run.frames_in.data() + u * fi, fi), std::span<T, fo>(yb.data() + t * fo, fo));
  }
  CHECK(ya == alone);
  CHECK(yb != alone);
}

// 10,000 frames, one step() each, at the fixture's checkpoints against PyTorch.
template <class Net>
void check_long_stream(const char* name, std::span<const double> input, std::span<const double> params,
                       std::span<const double> expected, std::size_t stride, tolerance tol) {
  using T = ci::element_t<Net>;
  INFO("case " << std::string(name) + (sizeof(T) == 4 ? " (float)" : " (double)"));
  const stream_run<Net> run(input, params);
  constexpr std::size_t fi = stream_run<Net>::fi, fo = stream_run<Net>::fo;
  auto state = std::make_unique<ci::State<Net>>();
  std::vector<T> at_checkpoints;
  std::array<T, fo> y{};
  for (std::size_t t = 0; t < stream_run<Net>::frames; ++t) {
    run.model->step(*state, std::span<const T, fi>(run.frames_in.data() + t * fi, fi), std::span<T, fo>(y));
    if ((t + 1) % stride == 0) at_checkpoints.insert(at_checkpoints.end(), y.begin(), y.end());
  }
  check_close("stepped vs PyTorch at the checkpoints", std::span<const T>(at_checkpoints), expected, tol);
}

#define CTINFER_STREAM_CASE(NET, NAME)                                                                   \
  check_stream<NET<float>>(#NAME, fx::NAME##_input, fx::NAME##_params, fx::NAME##_expected_f32, f32); \
  check_stream<NET<double>>(#NAME, fx::NAME##_input, fx::NAME##_params, fx::NAME##_expected_f64, f64)

void cases() {
  CTINFER_STREAM_CASE(lstm_h1_f3, lstm_h1_f3);
  CTINFER_STREAM_CASE(lstm_h24_f7, lstm_h24_f7);
  CTINFER_STREAM_CASE(lstm_h64_f8, lstm_h64_f8);
  CTINFER_STREAM_CASE(gru_h8_f1, gru_h8_f1);
  CTINFER_STREAM_CASE(gru_h32_f13, gru_h32_f13);
  CTINFER_STREAM_CASE(gru_nobias, gru_h10_f6_nobias);
  CTINFER_STREAM_CASE(lstm_stack, lstm_stack_16_8_f5);
  CTINFER_STREAM_CASE(gru_2layers, gru_2layers_h12_f5);
  CTINFER_STREAM_CASE(lstm_init, lstm_init_state_h12_f5);
  CTINFER_STREAM_CASE(gru_init, gru_init_state_h12_f5);
  CTINFER_STREAM_CASE(lstm_last_step, lstm_last_step_dense);
  CTINFER_STREAM_CASE(gru_time_dense, gru_time_dense);
  CTINFER_STREAM_CASE(tcn, tcn_causal);
  CTINFER_STREAM_CASE(wavenet, wavenet_causal);
  CTINFER_STREAM_CASE(amp_conv_gru, amp_conv_gru);
  CTINFER_STREAM_CASE(amp_lstm, amp_lstm);
  check_long_stream<lstm_long<float>>("lstm_long_h8", fx::lstm_long_h8_input, fx::lstm_long_h8_params,
                                      fx::lstm_long_h8_expected_f32, fx::lstm_long_h8_checkpoint_stride, f32);
  check_long_stream<gru_long<double>>("gru_long_h8", fx::gru_long_h8_input, fx::gru_long_h8_params,
                                      fx::gru_long_h8_expected_f64, fx::gru_long_h8_checkpoint_stride, f64);
  check_independent_streams<lstm_init<float>>("lstm_init", fx::lstm_init_state_h12_f5_input,
                                              fx::lstm_init_state_h12_f5_params);
  check_independent_streams<wavenet<float>>("wavenet", fx::wavenet_causal_input, fx::wavenet_causal_params);
}

}  // namespace ctinfer_test::streaming::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ctinfer_test::streaming {
HWY_EXPORT(cases);

TEST_CASE("Model::step and Model::process reproduce whole sequences and PyTorch on every SIMD target, float and double") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(cases)(); });
  CHECK(targets >= 1);
}

// LSTM 64's hidden weights (64 KiB in float) exceed L1's share, so its hidden product runs
// backwards on every other time step of a stream. The results are the same either way (the
// fixtures check them); this checks the stream keeps the parity across calls and reset.
TEST_CASE("A stream counts the parity of a recurrent layer's time steps across calls, and reset clears it") {
  using Net = recurrent_nets::lstm_h64_f8<float>;
  auto params = std::make_unique<ci::params_t<Net>>();
  const std::vector<float> flat(ci::param_count_v<Net>, 0.01f);
  REQUIRE(ci::load_flat(*params, std::span<const float>(flat)).ok());
  const ci::Model<Net> model(*params);
  auto state = std::make_unique<ci::State<Net>>();
  const std::vector<float> frames(5 * 8, 0.5f);
  std::vector<float> out(5 * 64);
  REQUIRE(model.process(*state, std::span<const float>(frames.data(), 3 * 8), std::span<float>(out.data(), 3 * 64)).ok());
  CHECK(state->positions[0] == 1);  // 3 steps
  REQUIRE(model.process(*state, std::span<const float>(frames.data(), 2 * 8), std::span<float>(out.data(), 2 * 64)).ok());
  CHECK(state->positions[0] == 1);  // 5 steps
  model.step(*state, std::span<const float, 8>(frames.data(), 8), std::span<float, 64>(out.data(), 64));
  CHECK(state->positions[0] == 0);  // 6 steps
  model.step(*state, std::span<const float, 8>(frames.data(), 8), std::span<float, 64>(out.data(), 64));
  CHECK(state->positions[0] == 1);
  state->reset();
  CHECK(state->positions[0] == 0);
}

TEST_CASE("Model::process refuses sizes that are not whole, equal frame counts, and writes nothing") {
  using Net = tcn<float>;
  auto params = std::make_unique<ci::params_t<Net>>();
  const ci::Model<Net> model{*params};
  ci::State<Net> state;
  std::array<float, 6> x{};     // 3 frames of 2 channels
  std::array<float, 9> y{};     // 3 frames of 3 outputs
  std::array<float, 8> short_y{};
  short_y.fill(7.0f);
  const ci::status odd = model.process(state, std::span<const float>(x.data(), 5), std::span<float>(y));
  CHECK_FALSE(odd.ok());
  const ci::status mismatch = model.process(state, std::span<const float>(x), std::span<float>(short_y));
  CHECK_FALSE(mismatch.ok());
  CHECK(std::string(mismatch.message()).find("whole frames of 2 inputs") != std::string::npos);
  for (float v : short_y) CHECK(v == 7.0f);
  CHECK(model.process(state, std::span<const float>(x), std::span<float>(y)).ok());
}
}  // namespace ctinfer_test::streaming
#endif
