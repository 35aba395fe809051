// The amp example: a guitar-amp model (causal convolutions + GRU, trained in PyTorch by
// train.py, weights in amp_model.hpp) run the way an audio plug-in runs it: one sample or one
// block at a time, its state carried from call to call. Checks it against PyTorch, processes
// a WAV file (the one given, or a generated 10 s sweep written as input.wav) sample by sample
// and in blocks of 64, checks that both give the same output, writes output.wav and prints
// the real-time factor of each. Run by examples/amp/run.sh.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <span>
#include <vector>

#include "amp_model.hpp"
#include "wav.hpp"

namespace ci = ctinfer;
using Net = amp::Net;

// An audio callback's work on one block. Denormals are flushed for its duration: a GRU fed
// silence decays through denormal numbers, which many CPUs compute 10-100x slower, and a
// callback must not slow down on a fade-out. One State per stream carries the GRU's hidden
// state and the convolutions' past samples from block to block.
static void process_block(const ci::Model<Net>& model, ci::State<Net>& state, std::span<const float> in,
                          std::span<float> out) {
  ci::denormals_off guard;
  (void)model.process(state, in, out);  // an error only if in and out differ in length
}

// The median wall time of `passes` runs of f, in seconds.
template <class F>
static double median_seconds(int passes, F&& f) {
  std::vector<double> times;
  for (int i = 0; i < passes; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

int main(int argc, char** argv) {
  // The weights, in PyTorch's state_dict order; the Model packs them once, before any audio
  // runs (a plug-in does this when it is loaded, not in the callback).
  ci::params_t<Net> params{};
  if (ci::status st = ci::load_flat(params, amp::weights); !st) {
    std::fprintf(stderr, "%s\n", st.message());
    return 1;
  }
  const ci::Model<Net> model{params};  // const: step and process only read it; 8 KB

  // 1. The same output as PyTorch: a fresh stream over the check input in amp_model.hpp.
  std::vector<float> check_in(amp::check_length), check_out(amp::check_length);
  std::transform(amp::check_input.begin(), amp::check_input.end(), check_in.begin(),
                 [](std::int16_t v) { return static_cast<float>(v) / 32768.0f; });
  ci::State<Net> check_stream;
  process_block(model, check_stream, check_in, check_out);
  double max_error = 0;
  for (std::size_t i = 0; i < amp::check_length; ++i)
    max_error = std::max(max_error, static_cast<double>(std::abs(check_out[i] - amp::check_output[i])));
  const bool matches = max_error < 1e-5;
  std::printf("%s PyTorch: max error %.2g over %zu samples (held-out error-to-signal ratio of the model: %.4f)\n",
              matches ? "matches" : "DIFFERS FROM", max_error, amp::check_length, amp::held_out_esr);

  // 2. The input: a WAV file, or a 10 s log sweep 20 Hz - 20 kHz at half scale, written as
  // input.wav and read back, so both paths process the same 16-bit samples.
  const char* input_path = argc > 1 ? argv[1] : "input.wav";
  if (argc <= 1) {
    const double seconds = 10, rate = amp::sample_rate, k = std::log(20000.0 / 20.0);
    std::vector<float> sweep(static_cast<std::size_t>(seconds * rate));
    for (std::size_t i = 0; i < sweep.size(); ++i) {
      const double t = static_cast<double>(i) / rate;
      const double phase = 2 * std::numbers::pi * 20.0 * seconds / k * (std::exp(t / seconds * k) - 1);
      sweep[i] = static_cast<float>(0.5 * std::sin(phase));
    }
    if (!wav::write(input_path, sweep, amp::sample_rate)) return 1;
  }
  std::vector<float> in;
  std::uint32_t rate = 0;
  if (!wav::read(input_path, in, rate) || in.empty()) {
    std::fprintf(stderr, "cannot read %s (a 16-bit PCM WAV file is needed)\n", input_path);
    return 1;
  }
  if (rate != amp::sample_rate)
    std::printf("note: %s is at %u Hz; the model was trained at 48 kHz\n", input_path, rate);
  const std::size_t n = in.size();

  // 3. (a) one sample per call, as RTNeural's forward(x) is used; (b) blocks of 64, as a host
  // calls a plug-in. Two streams, so two States; each pass starts its stream afresh.
  std::vector<float> out_step(n), out_block(n);
  ci::State<Net> stream_a, stream_b;
  const double step_s = median_seconds(5, [&] {
    stream_a.reset();
    ci::denormals_off guard;  // once around the loop, as a callback would around its samples
    for (std::size_t i = 0; i < n; ++i)
      model.step(stream_a, std::span<const float, 1>(&in[i], 1), std::span<float, 1>(&out_step[i], 1));
  });
  const double block_s = median_seconds(5, [&] {
    stream_b.reset();
    for (std::size_t i = 0; i < n; i += 64) {
      const std::size_t m = std::min<std::size_t>(64, n - i);
      process_block(model, stream_b, std::span(in).subspan(i, m), std::span(out_block).subspan(i, m));
    }
  });
  const bool same = out_step == out_block;
  if (!wav::write("output.wav", out_block, rate)) return 1;

  const double samples = static_cast<double>(n), audio_s = samples / rate;
  std::printf("%s: %.2f s of audio at %u Hz -> output.wav; step and process outputs %s\n", input_path, audio_s, rate,
              same ? "identical" : "DIFFER");
  std::printf("step, 1 sample per call:  %6.1f ns per sample, real-time factor %6.0fx\n", step_s / samples * 1e9,
              audio_s / step_s);
  std::printf("process, blocks of 64:    %6.1f ns per sample, real-time factor %6.0fx\n", block_s / samples * 1e9,
              audio_s / block_s);
  std::printf("(real-time factor: seconds of audio per second of compute, one core)\n");
  return same && matches ? 0 : 2;
}
