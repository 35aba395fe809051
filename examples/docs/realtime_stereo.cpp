// docs/realtime.md's three snippets (a stereo amp: one Model, one State per channel; step
// and process; the audio callback under denormals_off), compiled and run: the callback on a
// block must give each channel what stepping that channel's input frame by frame gives, and
// the two channels must not share state.
#include <array>
#include <cstddef>
#include <cstdio>
#include <memory>
#include <span>

#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

// A mono amp: (1 channel, L samples) -> (L samples, 1).
using Net = ci::Sequential<ci::Input<ci::Shape<1, 1>>,
                           ci::Conv1D<8, ci::Kernel<3>, ci::Causal>, ci::Tanh,
                           ci::Conv1D<8, ci::Kernel<3>, ci::Dilation<2>, ci::Causal>, ci::Tanh,
                           ci::Transpose, ci::GRU<12>, ci::Dense<1>>;
static_assert(ci::Model<Net>::frame_input_size == 1 && ci::Model<Net>::frame_output_size == 1);

struct StereoAmp {
  explicit StereoAmp(const ci::params_t<Net>& params) : model(params) {}
  const ci::Model<Net> model;   // the weights, shared by both channels
  ci::State<Net> left, right;   // one stream per channel
};

void run(const ci::Model<Net>& model, ci::State<Net>& state, const float* in, float* out, std::size_t n) {
  // One frame: spans of the frame sizes (fixed extents, checked at compile time).
  model.step(state, std::span<const float, 1>(in, 1), std::span<float, 1>(out, 1));
  // Any number of whole frames, in order: the same as a step per frame.
  ci::status st = model.process(state, std::span<const float>(in, n), std::span<float>(out, n));
  (void)st;  // an error, and nothing computed, if the sizes are not n whole frames in and out
}

void audio_callback(StereoAmp& amp, const float* const* in, float* const* out, std::size_t n) {
  ci::denormals_off guard;  // FTZ/DAZ (x86) or FZ (AArch64) for this scope, then restored
  (void)amp.model.process(amp.left, std::span<const float>(in[0], n), std::span<float>(out[0], n));
  (void)amp.model.process(amp.right, std::span<const float>(in[1], n), std::span<float>(out[1], n));
}

int main() {
  std::array<float, ci::param_count_v<Net>> flat{};
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = 0.05f * static_cast<float>(i % 11) - 0.25f;
  auto params = std::make_unique<ci::params_t<Net>>();
  if (!ci::load_flat(*params, flat)) return 1;
  auto amp = std::make_unique<StereoAmp>(*params);

  constexpr std::size_t n = 64;
  std::array<float, n> left_in{}, right_in{}, left_out{}, right_out{};
  for (std::size_t t = 0; t < n; ++t) {
    left_in[t] = 0.5f * static_cast<float>(t % 8) / 8.0f;
    right_in[t] = -left_in[t];
  }
  const float* in[2] = {left_in.data(), right_in.data()};
  float* out[2] = {left_out.data(), right_out.data()};
  audio_callback(*amp, in, out, n);

  // The reference: each channel on a fresh State, one step() per frame.
  auto state = std::make_unique<ci::State<Net>>();
  for (int channel = 0; channel < 2; ++channel) {
    state->reset();
    const float* x = in[channel];
    for (std::size_t t = 0; t < n; ++t) {
      std::array<float, 1> y{};
      amp->model.step(*state, std::span<const float, 1>(x + t, 1), std::span<float, 1>(y));
      if (y[0] != out[channel][t]) {
        std::printf("channel %d frame %zu: callback %g, step %g\n", channel, t, out[channel][t], y[0]);
        return 1;
      }
    }
  }
  // run(): step on frame 0, then process on all n frames; as stepping frames 0, 0, 1, ..., n-1.
  std::array<float, n> by_run{};
  state->reset();
  run(amp->model, *state, left_in.data(), by_run.data(), n);
  state->reset();
  std::array<float, 1> y{};
  amp->model.step(*state, std::span<const float, 1>(left_in.data(), 1), std::span<float, 1>(y));
  for (std::size_t t = 0; t < n; ++t) {
    amp->model.step(*state, std::span<const float, 1>(left_in.data() + t, 1), std::span<float, 1>(y));
    if (y[0] != by_run[t]) return 1;
  }
  std::printf("stereo amp: %zu frames per channel, callback equals step by step; "
              "left[%zu] = %g, right[%zu] = %g\n", n, n - 1, left_out[n - 1], n - 1, right_out[n - 1]);
  return 0;
}
