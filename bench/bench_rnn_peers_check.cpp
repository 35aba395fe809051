// bench/bench_rnn_peers_check.cpp - the recurrent / streaming peers (bench/peers/rnn_peers.hpp:
// Eigen and LibTorch) alone, to check that they build, agree with each other and with a plain
// double-precision loop, and give sane numbers. ctinfer's own recurrent benchmark links the
// same library (ctinfer_rnn_peers).
//
// Checked, in float and in double (parameters rounded to the type once; the reference computes
// in double from the rounded values):
//   LSTM and GRU, H = 8, 16, 32, 64, F = 1, with and without the Linear(H, 1) head; H = 16, F = 8
//   (LibTorch only: the Eigen peers are built for F = 1)
//   WaveNet C = 8, 16 (8 blocks, dilations 1..128, kernel 2) and C = 8 with 5 blocks, kernel 3
// over 700 frames of U(-1, 1) input: the first 300 through step(), the rest through process()
// in uneven blocks, then reset() and the first 300 again through process(). Every peer is
// compared with the reference (a whole-sequence loop: the WaveNet's causal convolutions index
// the padded sequence directly, no ring buffer), with the other peers, and with LibTorch's own
// modules run on the whole sequence (torch::nn::LSTM / GRU / Conv1d, parameters set by name).
// Parameters: PyTorch's default init, U(-1/sqrt(fan), 1/sqrt(fan)) (fan = H for the RNN and the
// head, in_channels * kernel for a conv). The program aborts if any max |diff| exceeds 1e-5.
//
// Then times one step() per iteration (input cycling through 256 frames), for each peer,
// hidden size and type, the LSTM / GRU with the head (the usual amp model: LSTM + Linear(H, 1)),
// and `_block64`: process() on 64 frames per iteration, which shows what the per-call overhead
// is. The counter `step` is the time per frame (seconds) in both.
//
// Run: OMP_NUM_THREADS=1 bench_rnn_peers_check --benchmark_repetitions=5
//      --benchmark_report_aggregates_only=true

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "peers/rnn_peers.hpp"

namespace rp = rnn_peers;

namespace {

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "bench_rnn_peers_check: %s\n", what.c_str());
  std::abort();
}

constexpr double kTol = 1e-5;
constexpr std::size_t kFrames = 700, kFirst = 300;

struct rng {
  std::mt19937 gen;
  explicit rng(unsigned seed) : gen(seed) {}
  void append(std::vector<double>& v, std::size_t n, double bound) {
    std::uniform_real_distribution<double> u(-bound, bound);
    for (std::size_t i = 0; i < n; ++i) v.push_back(u(gen));
  }
};

double bound(std::size_t fan) { return 1.0 / std::sqrt(static_cast<double>(fan)); }

// Rounds to T and back: the values both the peers (in T) and the reference (in double) use.
template <class T>
std::vector<double> rounded(const std::vector<double>& v) {
  std::vector<double> r(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) r[i] = static_cast<double>(static_cast<T>(v[i]));
  return r;
}

template <class T>
std::vector<T> as(const std::vector<double>& v) {
  return std::vector<T>(v.begin(), v.end());
}

double sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

// ------------------------------------------------------------------------------------------
// Parameters and references

std::vector<double> rnn_params(const rp::rnn_spec& s, unsigned seed) {
  rng r(seed);
  std::vector<double> p;
  const std::size_t gh = s.gates() * s.hidden;
  r.append(p, gh * s.input, bound(s.hidden));   // weight_ih
  r.append(p, gh * s.hidden, bound(s.hidden));  // weight_hh
  r.append(p, 2 * gh, bound(s.hidden));         // bias_ih, bias_hh
  if (s.dense_head) r.append(p, s.hidden + 1, bound(s.hidden));
  if (p.size() != s.param_count()) fail("rnn parameter count");
  return p;
}

// The LSTM / GRU over the whole sequence from the zero state, as torch.nn.LSTM / GRU, then the
// optional Linear(H, 1).
std::vector<double> rnn_reference(const rp::rnn_spec& s, const std::vector<double>& prm,
                                  const std::vector<double>& x, std::size_t frames) {
  const std::size_t H = s.hidden, F = s.input, G = s.gates();
  const double* w_ih = prm.data();
  const double* w_hh = w_ih + G * H * F;
  const double* b_ih = w_hh + G * H * H;
  const double* b_hh = b_ih + G * H;
  const double* w_out = b_hh + G * H;
  std::vector<double> h(H, 0.0), c(H, 0.0), gi(G * H), gh(G * H), y;
  for (std::size_t t = 0; t < frames; ++t) {
    for (std::size_t j = 0; j < G * H; ++j) {
      double a = b_ih[j], b = b_hh[j];
      for (std::size_t k = 0; k < F; ++k) a += w_ih[j * F + k] * x[t * F + k];
      for (std::size_t k = 0; k < H; ++k) b += w_hh[j * H + k] * h[k];
      gi[j] = a, gh[j] = b;
    }
    for (std::size_t j = 0; j < H; ++j) {
      if (s.kind == rp::cell::lstm) {  // i, f, g, o
        const double i = sigmoid(gi[j] + gh[j]), f = sigmoid(gi[H + j] + gh[H + j]);
        const double g = std::tanh(gi[2 * H + j] + gh[2 * H + j]);
        const double o = sigmoid(gi[3 * H + j] + gh[3 * H + j]);
        c[j] = f * c[j] + i * g;
        h[j] = o * std::tanh(c[j]);
      } else {  // r, z, n
        const double r = sigmoid(gi[j] + gh[j]), z = sigmoid(gi[H + j] + gh[H + j]);
        const double n = std::tanh(gi[2 * H + j] + r * gh[2 * H + j]);
        h[j] = (1.0 - z) * n + z * h[j];
      }
    }
    if (s.dense_head) {
      double a = w_out[H];
      for (std::size_t k = 0; k < H; ++k) a += w_out[k] * h[k];
      y.push_back(a);
    } else {
      y.insert(y.end(), h.begin(), h.end());
    }
  }
  return y;
}

std::vector<double> wavenet_params(const rp::wavenet_spec& s, unsigned seed) {
  rng r(seed);
  std::vector<double> p;
  const std::size_t C = s.channels, K = s.kernel;
  r.append(p, C + C, bound(1));  // input.weight [C][1][1], input.bias
  for (std::size_t b = 0; b < s.blocks; ++b) {
    r.append(p, 2 * C * C * K + 2 * C, bound(C * K));  // conv.weight, conv.bias
    r.append(p, C * C + C, bound(C));                  // mix.weight, mix.bias
  }
  r.append(p, C + 1, bound(C));  // output.weight, output.bias
  if (p.size() != s.param_count()) fail("wavenet parameter count");
  return p;
}

// The WaveNet over the whole sequence, one layer at a time on (C, N) activations; the causal
// conv reads the zero-padded input directly.
std::vector<double> wavenet_reference(const rp::wavenet_spec& s, const std::vector<double>& prm,
                                      const std::vector<double>& x, std::size_t N) {
  const std::size_t C = s.channels, K = s.kernel;
  const double* p = prm.data();
  std::vector<double> a(C * N);  // a[c * N + t]
  for (std::size_t c = 0; c < C; ++c)
    for (std::size_t t = 0; t < N; ++t) a[c * N + t] = p[c] * x[t] + p[C + c];
  p += 2 * C;
  std::vector<double> z(2 * C * N), g(C * N);
  for (std::size_t b = 0; b < s.blocks; ++b) {
    const std::size_t d = s.dilation(b);
    const double* w = p;                      // [2C][C][K]
    const double* bias = w + 2 * C * C * K;   // [2C]
    const double* mw = bias + 2 * C;          // [C][C][1]
    const double* mb = mw + C * C;            // [C]
    p = mb + C;
    for (std::size_t o = 0; o < 2 * C; ++o)
      for (std::size_t t = 0; t < N; ++t) {
        double acc = bias[o];
        for (std::size_t i = 0; i < C; ++i)
          for (std::size_t k = 0; k < K; ++k) {
            // padded index t + k*d, padding (K-1)*d on the left
            const long src = static_cast<long>(t + k * d) - static_cast<long>((K - 1) * d);
            if (src >= 0) acc += w[(o * C + i) * K + k] * a[i * N + static_cast<std::size_t>(src)];
          }
        z[o * N + t] = acc;
      }
    for (std::size_t c = 0; c < C; ++c)
      for (std::size_t t = 0; t < N; ++t)
        g[c * N + t] = std::tanh(z[c * N + t]) * sigmoid(z[(C + c) * N + t]);
    for (std::size_t o = 0; o < C; ++o)
      for (std::size_t t = 0; t < N; ++t) {
        double acc = mb[o];
        for (std::size_t i = 0; i < C; ++i) acc += mw[o * C + i] * g[i * N + t];
        a[o * N + t] += acc;
      }
  }
  std::vector<double> y(N);
  for (std::size_t t = 0; t < N; ++t) {
    double acc = p[C];
    for (std::size_t c = 0; c < C; ++c) acc += p[c] * a[c * N + t];
    y[t] = acc;
  }
  return y;
}

// ------------------------------------------------------------------------------------------
// Agreement

template <class T>
double max_abs_diff(const std::vector<T>& a, const std::vector<double>& b, std::size_t n) {
  if (a.size() < n || b.size() < n) fail("output sizes differ");
  double m = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const double d = std::abs(static_cast<double>(a[i]) - b[i]);
    if (!(d <= m)) m = d;  // NaN propagates
  }
  return m;
}

void report(const std::string& name, const std::string& what, double ymax, double dmax) {
  std::fprintf(stderr, "check %-26s %-34s max|y| %7.3f  max|diff| %.2e\n", name.c_str(),
               what.c_str(), ymax, dmax);
  if (!(dmax <= kTol)) fail(name + " / " + what + ": differs by more than 1e-5");
}

double max_abs(const std::vector<double>& v) {
  double m = 0;
  for (double x : v) m = std::max(m, std::abs(x));
  return m;
}

// Runs a peer as described at the top: step() x kFirst, process() in uneven blocks, reset,
// process() x kFirst. Returns the kFrames outputs, then the kFirst after the reset.
template <class Peer, class T>
std::vector<T> drive(Peer& peer, const std::vector<T>& x, std::size_t in, std::size_t out) {
  std::vector<T> y(kFrames * out + kFirst * out, T(-7));
  for (std::size_t t = 0; t < kFirst; ++t) peer.step(x.data() + t * in, y.data() + t * out);
  for (std::size_t t = kFirst, blk = 1; t < kFrames; t += blk, blk = blk * 3 % 97 + 1) {
    const std::size_t n = std::min(blk, kFrames - t);
    peer.process(x.data() + t * in, y.data() + t * out, n);
  }
  peer.reset();
  peer.process(x.data(), y.data() + kFrames * out, kFirst);
  return y;
}

// Checks one run's outputs (drive's layout) against a reference of kFrames outputs.
template <class T>
void check_run(const std::string& name, const std::string& what, const std::vector<T>& y,
               const std::vector<double>& ref, std::size_t out) {
  report(name, what, max_abs(ref), max_abs_diff(y, ref, kFrames * out));
  const std::vector<T> again(y.begin() + static_cast<long>(kFrames * out), y.end());
  report(name, what + " after reset", max_abs(ref), max_abs_diff(again, ref, kFirst * out));
}

template <class T>
const char* suffix() {
  return sizeof(T) == 4 ? "f32" : "f64";
}

template <class T>
void check_rnn(const rp::rnn_spec& s, unsigned seed) {
  const std::string name = std::string(rp::name(s.kind)) + "_h" + std::to_string(s.hidden) +
                           "_f" + std::to_string(s.input) + (s.dense_head ? "_head" : "") + "_" +
                           suffix<T>();
  const auto prm = rounded<T>(rnn_params(s, seed));
  std::vector<double> xd;
  rng(seed + 1000).append(xd, kFrames * s.input, 1.0);
  xd = rounded<T>(xd);
  const auto ref = rnn_reference(s, prm, xd, kFrames);
  const auto p = as<T>(prm), x = as<T>(xd);
  const std::size_t out = s.output_size();

  std::vector<std::vector<T>> runs;
  std::vector<std::string> names;
  for (rp::backend b : {rp::backend::eigen, rp::backend::libtorch}) {
    if (b == rp::backend::libtorch && !rp::have_libtorch()) continue;
    if (b == rp::backend::eigen && !rp::eigen_supports(s)) continue;
    auto peer = rp::rnn_peer<T>::make(b, s, p.data(), p.size());
    runs.push_back(drive(*peer, x, s.input, out));
    names.push_back(rp::name(b));
    check_run(name, names.back(), runs.back(), ref, out);
  }
  if (rp::have_libtorch()) {
    std::vector<T> y(kFrames * out);
    rp::libtorch_rnn_sequence<T>(s, p.data(), p.size(), x.data(), kFrames, y.data());
    report(name, "torch::nn module, whole sequence", max_abs(ref), max_abs_diff(y, ref, y.size()));
    runs.push_back(y);
    names.push_back("nn module");
  }
  for (std::size_t i = 1; i < runs.size(); ++i)
    report(name, names[0] + " vs " + names[i], max_abs(ref),
           max_abs_diff(runs[0], std::vector<double>(runs[i].begin(), runs[i].end()),
                        kFrames * out));
}

template <class T>
void check_wavenet(const rp::wavenet_spec& s, unsigned seed) {
  const std::string name = "wavenet_c" + std::to_string(s.channels) + "_b" +
                           std::to_string(s.blocks) + "_k" + std::to_string(s.kernel) + "_" +
                           suffix<T>();
  const auto prm = rounded<T>(wavenet_params(s, seed));
  std::vector<double> xd;
  rng(seed + 1000).append(xd, kFrames, 1.0);
  xd = rounded<T>(xd);
  const auto ref = wavenet_reference(s, prm, xd, kFrames);
  const auto p = as<T>(prm), x = as<T>(xd);

  auto peer = rp::wavenet_peer<T>::make(s, p.data(), p.size());
  const auto y = drive(*peer, x, 1, 1);
  check_run(name, "eigen", y, ref, 1);
  if (rp::have_libtorch()) {
    std::vector<T> yt(kFrames);
    rp::libtorch_wavenet_sequence<T>(s, p.data(), p.size(), x.data(), kFrames, yt.data());
    report(name, "torch::nn module, whole sequence", max_abs(ref), max_abs_diff(yt, ref, kFrames));
    report(name, "eigen vs nn module", max_abs(ref),
           max_abs_diff(y, std::vector<double>(yt.begin(), yt.end()), kFrames));
  }
}

// ------------------------------------------------------------------------------------------
// Timing

template <class T>
struct bench_io {
  std::vector<T> x, y;
};

constexpr std::size_t kCycle = 256, kBlock = 64;

// One step() per iteration, or process() on kBlock frames (block = true).
template <class T, class Peer>
void reg(const std::string& name, std::shared_ptr<Peer> peer, std::size_t in, std::size_t out,
         double flops, bool block, unsigned seed) {
  auto io = std::make_shared<bench_io<T>>();
  std::vector<double> xd;
  rng(seed).append(xd, kCycle * in, 1.0);
  io->x = as<T>(xd);
  io->y.assign(kCycle * out, T(0));
  const std::string full = name + (block ? "_block64" : "");
  benchmark::RegisterBenchmark(full.c_str(), [peer, io, in, out, flops, block](
                                                 benchmark::State& st) {
    peer->reset();
    std::size_t t = 0;
    if (block) {
      for (auto _ : st) {
        peer->process(io->x.data() + t * in, io->y.data() + t * out, kBlock);
        t = (t + kBlock) % kCycle;
        benchmark::ClobberMemory();
      }
    } else {
      for (auto _ : st) {
        peer->step(io->x.data() + t * in, io->y.data() + t * out);
        t = (t + 1) % kCycle;
        benchmark::ClobberMemory();
      }
    }
    const double frames = block ? double(kBlock) : 1.0;
    st.counters["FLOP"] =
        benchmark::Counter(flops * frames, benchmark::Counter::kIsIterationInvariantRate);
    st.counters["flop_per_step"] = flops;
    st.counters["step"] = benchmark::Counter(
        frames, benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
  });
}

template <class T>
void add_timings(unsigned seed) {
  for (rp::cell c : {rp::cell::lstm, rp::cell::gru})
    for (std::size_t h : {8, 16, 32, 64}) {
      rp::rnn_spec s;
      s.kind = c, s.hidden = h, s.input = 1, s.dense_head = true;
      const auto p = as<T>(rnn_params(s, seed++));
      const std::string base = std::string(rp::name(c)) + "_h" + std::to_string(h) + "/";
      for (rp::backend b : {rp::backend::eigen, rp::backend::libtorch}) {
        if (b == rp::backend::libtorch && !rp::have_libtorch()) continue;
        std::shared_ptr<rp::rnn_peer<T>> peer = rp::rnn_peer<T>::make(b, s, p.data(), p.size());
        const std::string n = base + rp::name(b) + "_" + suffix<T>();
        reg<T>(n, peer, 1, 1, s.flops(), false, seed);
        reg<T>(n, peer, 1, 1, s.flops(), true, seed);
      }
    }
  for (std::size_t ch : {8, 16}) {
    rp::wavenet_spec s;
    s.channels = ch;
    const auto p = as<T>(wavenet_params(s, seed++));
    std::shared_ptr<rp::wavenet_peer<T>> peer = rp::wavenet_peer<T>::make(s, p.data(), p.size());
    const std::string n = "wavenet_c" + std::to_string(ch) + "/eigen_" + suffix<T>();
    reg<T>(n, peer, 1, 1, s.flops(), false, seed);
    reg<T>(n, peer, 1, 1, s.flops(), true, seed);
  }
}

template <class T>
void check_all() {
  unsigned seed = sizeof(T) == 4 ? 1 : 501;
  for (rp::cell c : {rp::cell::lstm, rp::cell::gru}) {
    for (std::size_t h : {8, 16, 32, 64})
      for (bool head : {false, true}) {
        rp::rnn_spec s;
        s.kind = c, s.hidden = h, s.input = 1, s.dense_head = head;
        check_rnn<T>(s, seed++);
      }
    rp::rnn_spec s;
    s.kind = c, s.hidden = 16, s.input = 8;
    check_rnn<T>(s, seed++);
  }
  for (std::size_t ch : {8, 16}) {
    rp::wavenet_spec s;
    s.channels = ch;
    check_wavenet<T>(s, seed++);
  }
  rp::wavenet_spec s3;
  s3.channels = 8, s3.blocks = 5, s3.kernel = 3;
  check_wavenet<T>(s3, seed++);
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  std::fprintf(stderr, "peers: %s\n", rp::versions().c_str());
  benchmark::AddCustomContext("peers", rp::versions());
  if (const char* t = std::getenv("OMP_NUM_THREADS")) benchmark::AddCustomContext("OMP_NUM_THREADS", t);

  // Unsupported sizes are refused, not run wrongly.
  {
    rp::rnn_spec s;
    s.hidden = 12;
    const std::vector<float> p(s.param_count());
    bool threw = false;
    try {
      rp::rnn_peer<float>::make(rp::backend::eigen, s, p.data(), p.size());
    } catch (const std::invalid_argument&) {
      threw = true;
    }
    if (!threw) fail("an unsupported Eigen hidden size was accepted");
  }

  check_all<float>();
  check_all<double>();
  std::fprintf(stderr, "all checks passed (tolerance %.0e)\n", kTol);

  add_timings<float>(9000);
  add_timings<double>(9100);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
