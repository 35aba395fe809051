// bench/bench_dense.cpp - ctinfer against Eigen (fixed-size) on the same arithmetic, in the same
// binary and the same run.
//
// Cases (every Dense is followed by ReLU; weights in PyTorch layout W[out][in], random,
// identical on both sides):
//   mlp4x128_b1     4 x (Dense 128 + ReLU), one 128-vector: weights (256 KiB) stream from L2
//   mlp16_32_16_f32 16 -> 32 -> 16, one vector: L1-resident, latency bound
//   mlp16_32_16_f64 the same in double
//   mlp4x128_seq64  4 x (Dense 128 + ReLU) on a (64, 128) sequence: a 64-row GEMM per layer
//
// Each iteration runs one inference whose input is the previous iteration's output (two
// buffers, swapped), so nothing can be hoisted and every iteration is a full, dependent
// inference on both sides. Eigen runs with row-major and with column-major storage; the
// report keeps the faster. Before any timing, the outputs of ctinfer, of every Eigen variant
// and of ctinfer's scalar reference (ci::infer) are compared; the program aborts if they differ.
//
// Run: bench_dense --benchmark_repetitions=N --benchmark_enable_random_interleaving=true
// (bench/run.sh does it and writes bench/results/*.json; bench/report.py makes the tables).

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <vector>

// ctinfer before Highway: its first header settles Highway's targets (-march=native on an
// AVX3_DL CPU, ctinfer/detail/highway_targets.hpp).
#include <ctinfer/ctinfer.hpp>

#include <Eigen/Core>
#include <benchmark/benchmark.h>
#include <hwy/highway.h>

#include "calibration.hpp"

namespace ci = ctinfer;

namespace {

// ------------------------------------------------------------------------------------------
// The networks

using Mlp4x128 = ci::Sequential<ci::Input<ci::Shape<128>>,  //
                                ci::Dense<128>, ci::ReLU, ci::Dense<128>, ci::ReLU,
                                ci::Dense<128>, ci::ReLU, ci::Dense<128>, ci::ReLU>;
using Mlp4x128Seq = ci::Sequential<ci::Input<ci::Shape<64, 128>>,  //
                                   ci::Dense<128>, ci::ReLU, ci::Dense<128>, ci::ReLU,
                                   ci::Dense<128>, ci::ReLU, ci::Dense<128>, ci::ReLU>;
template <class T>
using Mlp16_32_16 = ci::Sequential<ci::Input<ci::Shape<16>, T>,  //
                                   ci::Dense<32>, ci::ReLU, ci::Dense<16>, ci::ReLU>;

static_assert(std::is_same_v<ci::output_shape_t<Mlp4x128Seq>, ci::Shape<64, 128>>);

// ------------------------------------------------------------------------------------------
// Random weights, PyTorch's default init for nn.Linear: U(-1/sqrt(in), 1/sqrt(in)).

struct layer_weights {
  int out = 0, in = 0;
  std::vector<double> w;  // [out][in]
  std::vector<double> b;  // [out]
};

std::vector<layer_weights> random_layers(const std::vector<int>& widths, unsigned seed) {
  std::mt19937 gen(seed);
  std::vector<layer_weights> layers;
  for (std::size_t l = 0; l + 1 < widths.size(); ++l) {
    layer_weights lw;
    lw.in = widths[l];
    lw.out = widths[l + 1];
    const double bound = 1.0 / std::sqrt(static_cast<double>(lw.in));
    std::uniform_real_distribution<double> u(-bound, bound);
    lw.w.resize(static_cast<std::size_t>(lw.out) * lw.in);
    lw.b.resize(lw.out);
    for (auto& v : lw.w) v = u(gen);
    for (auto& v : lw.b) v = u(gen);
    layers.push_back(std::move(lw));
  }
  return layers;
}

// state_dict order: layer by layer, weight[out][in] then bias.
template <class T>
std::vector<T> flat_state_dict(const std::vector<layer_weights>& layers) {
  std::vector<T> flat;
  for (const auto& l : layers) {
    for (double v : l.w) flat.push_back(static_cast<T>(v));
    for (double v : l.b) flat.push_back(static_cast<T>(v));
  }
  return flat;
}

template <class T>
std::vector<T> random_input(std::size_t n, unsigned seed) {
  std::mt19937 gen(seed);
  std::uniform_real_distribution<double> u(-1.0, 1.0);
  std::vector<T> x(n);
  for (auto& v : x) v = static_cast<T>(u(gen));
  return x;
}

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "bench_dense: %s\n", what.c_str());
  std::abort();
}

// ------------------------------------------------------------------------------------------
// ctinfer side

template <class Net>
struct ci_side {
  using T = ci::element_t<Net>;
  static constexpr std::size_t in_size = ci::input_shape_t<Net>::size;
  static constexpr std::size_t out_size = ci::output_shape_t<Net>::size;
  static_assert(in_size == out_size, "the benchmark feeds each output back as the next input");

  std::unique_ptr<ci::params_t<Net>> params = std::make_unique<ci::params_t<Net>>();
  std::unique_ptr<ci::Model<Net>> model;
  alignas(64) std::array<T, in_size> buf[2]{};

  explicit ci_side(const std::vector<layer_weights>& layers) {
    const std::vector<T> flat = flat_state_dict<T>(layers);
    const ci::status st = ci::load_flat(*params, std::span<const T>(flat));
    if (!st) fail(st.message());
    model = std::make_unique<ci::Model<Net>>(*params);
  }
  std::vector<T> run_once(const std::vector<T>& x) {
    std::copy(x.begin(), x.end(), buf[0].begin());
    model->forward(std::span<const T, in_size>(buf[0]), std::span<T, out_size>(buf[1]));
    return {buf[1].begin(), buf[1].end()};
  }
  std::vector<T> reference(const std::vector<T>& x) const {
    auto in = std::make_unique<std::array<T, in_size>>();
    std::copy(x.begin(), x.end(), in->begin());
    const auto y = ci::infer<Net>(*params, *in);
    return {y.begin(), y.end()};
  }
};

template <class Net>
void bench_ci(benchmark::State& state, ci_side<Net>* side) {
  using S = ci_side<Net>;
  auto* a = &side->buf[0];
  auto* b = &side->buf[1];
  for (auto _ : state) {
    side->model->forward(std::span<const typename S::T, S::in_size>(*a),
                         std::span<typename S::T, S::out_size>(*b));
    benchmark::DoNotOptimize(b->data());
    benchmark::ClobberMemory();
    std::swap(a, b);
  }
}

// ------------------------------------------------------------------------------------------
// Eigen side: fixed-size matrices, y = (W x + b).cwiseMax(0) per layer.

template <class T, int Out, int In, int Order>
struct eigen_dense {
  using Mat = Eigen::Matrix<T, Out, In, Order>;
  using Vec = Eigen::Matrix<T, Out, 1>;
  Mat W;  // W(o, i) = weight[o][i]
  Vec b;
  void load(const layer_weights& l) {
    if (l.out != Out || l.in != In) fail("eigen_dense: layer size mismatch");
    for (int o = 0; o < Out; ++o) {
      for (int i = 0; i < In; ++i) W(o, i) = static_cast<T>(l.w[static_cast<std::size_t>(o) * In + i]);
      b(o) = static_cast<T>(l.b[o]);
    }
  }
};

// Batch 1: a chain of vectors.
template <class T, int Order, int... Widths>
struct eigen_mlp;
template <class T, int Order, int W0, int W1, int W2>
struct eigen_mlp<T, Order, W0, W1, W2> {
  using In = Eigen::Matrix<T, W0, 1>;
  using Out = Eigen::Matrix<T, W2, 1>;
  eigen_dense<T, W1, W0, Order> l0;
  eigen_dense<T, W2, W1, Order> l1;
  void load(const std::vector<layer_weights>& ls) { l0.load(ls.at(0)), l1.load(ls.at(1)); }
  EIGEN_STRONG_INLINE void forward(const In& x, Out& y) const {
    const Eigen::Matrix<T, W1, 1> h = (l0.W * x + l0.b).cwiseMax(T(0));
    y = (l1.W * h + l1.b).cwiseMax(T(0));
  }
};
template <class T, int Order, int W0, int W1, int W2, int W3, int W4>
struct eigen_mlp<T, Order, W0, W1, W2, W3, W4> {
  using In = Eigen::Matrix<T, W0, 1>;
  using Out = Eigen::Matrix<T, W4, 1>;
  eigen_dense<T, W1, W0, Order> l0;
  eigen_dense<T, W2, W1, Order> l1;
  eigen_dense<T, W3, W2, Order> l2;
  eigen_dense<T, W4, W3, Order> l3;
  void load(const std::vector<layer_weights>& ls) {
    l0.load(ls.at(0)), l1.load(ls.at(1)), l2.load(ls.at(2)), l3.load(ls.at(3));
  }
  EIGEN_STRONG_INLINE void forward(const In& x, Out& y) const {
    const Eigen::Matrix<T, W1, 1> h1 = (l0.W * x + l0.b).cwiseMax(T(0));
    const Eigen::Matrix<T, W2, 1> h2 = (l1.W * h1 + l1.b).cwiseMax(T(0));
    const Eigen::Matrix<T, W3, 1> h3 = (l2.W * h2 + l2.b).cwiseMax(T(0));
    y = (l3.W * h3 + l3.b).cwiseMax(T(0));
  }
};

// Sequence: X (Rows, 128), Y = (X W^T).rowwise() + b^T, then max(0). Both the weights and the
// activations use the storage order `Order`.
template <int Rows, int Order>
struct eigen_seq_mlp {
  static constexpr int F = 128;
  using Mat = Eigen::Matrix<float, F, F, Order>;
  using Act = Eigen::Matrix<float, Rows, F, Order>;
  using In = Act;
  using Out = Act;
  Mat W[4];
  Eigen::Matrix<float, 1, F> bt[4];
  void load(const std::vector<layer_weights>& ls) {
    for (int l = 0; l < 4; ++l) {
      eigen_dense<float, F, F, Order> d;
      d.load(ls.at(l));
      W[l] = d.W;
      bt[l] = d.b.transpose();
    }
  }
  EIGEN_STRONG_INLINE void layer(const Act& x, Act& y, int l) const {
    y.noalias() = x * W[l].transpose();
    y = (y.rowwise() + bt[l]).cwiseMax(0.f);
  }
  EIGEN_STRONG_INLINE void forward(const Act& x, Act& y) const {
    Act& h = *scratch;
    layer(x, h, 0);
    layer(h, y, 1);
    layer(y, h, 2);
    layer(h, y, 3);
  }
  std::unique_ptr<Act> scratch = std::make_unique<Act>();
};

template <class E>
struct eigen_side {
  using In = typename E::In;
  using Out = typename E::Out;
  static_assert(static_cast<int>(In::SizeAtCompileTime) == static_cast<int>(Out::SizeAtCompileTime));
  std::unique_ptr<E> net = std::make_unique<E>();
  std::unique_ptr<In> buf0 = std::make_unique<In>();
  std::unique_ptr<Out> buf1 = std::make_unique<Out>();

  explicit eigen_side(const std::vector<layer_weights>& layers) { net->load(layers); }

  // x and the result are row-major (C order) flat arrays, as ctinfer's.
  template <class T>
  std::vector<T> run_once(const std::vector<T>& x) {
    for (Eigen::Index r = 0; r < buf0->rows(); ++r)
      for (Eigen::Index c = 0; c < buf0->cols(); ++c) (*buf0)(r, c) = x[r * buf0->cols() + c];
    net->forward(*buf0, *buf1);
    std::vector<T> y(buf1->size());
    for (Eigen::Index r = 0; r < buf1->rows(); ++r)
      for (Eigen::Index c = 0; c < buf1->cols(); ++c) y[r * buf1->cols() + c] = (*buf1)(r, c);
    return y;
  }
};

template <class E>
void bench_eigen(benchmark::State& state, eigen_side<E>* side) {
  auto* a = side->buf0.get();
  auto* b = side->buf1.get();
  for (auto _ : state) {
    side->net->forward(*a, *b);
    benchmark::DoNotOptimize(b->data());
    benchmark::ClobberMemory();
    std::swap(a, b);
  }
}

// The sequence variant keeps a fixed (Rows, F) shape whatever the order, so In == Out there;
// for the vector nets In and Out have the same type because the nets are square.
static_assert(std::is_same_v<eigen_mlp<float, Eigen::RowMajor, 16, 32, 16>::In,
                             eigen_mlp<float, Eigen::RowMajor, 16, 32, 16>::Out>);

// ------------------------------------------------------------------------------------------
// Agreement check and registration

template <class T>
double max_abs_diff(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) fail("output sizes differ");
  double m = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    m = std::max(m, std::abs(static_cast<double>(a[i]) - static_cast<double>(b[i])));
  return m;
}
template <class T>
double max_abs(const std::vector<T>& a) {
  double m = 0;
  for (T v : a) m = std::max(m, std::abs(static_cast<double>(v)));
  return m;
}

struct case_info {
  std::string name;
  double flop;          // per inference: 2 * K * N per Dense and row
  double weight_bytes;  // bytes of weight matrices (bias excluded) read per inference
};

void add_counters(benchmark::State& state, const case_info& c) {
  state.counters["FLOP"] = benchmark::Counter(c.flop, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["flop_per_inference"] = c.flop;
  state.counters["weight_bytes"] = c.weight_bytes;
}

// Builds both sides of one case, checks that they agree, registers ctinfer and both Eigen
// storage orders.
template <class Net, class ERow, class ECol>
void add_case(const case_info& c, const std::vector<int>& widths, unsigned seed) {
  using T = ci::element_t<Net>;
  const auto layers = random_layers(widths, seed);
  auto* cs = new ci_side<Net>(layers);  // lives until exit
  auto* er = new eigen_side<ERow>(layers);
  auto* ec = new eigen_side<ECol>(layers);

  const std::vector<T> x = random_input<T>(ci_side<Net>::in_size, seed + 1);
  const auto y_ci = cs->run_once(x);
  const auto y_ref = cs->reference(x);
  const auto y_row = er->run_once(x);
  const auto y_col = ec->run_once(x);
  const double scale = std::max(1.0, max_abs(y_ref));
  const double tol = (std::is_same_v<T, float> ? 1e-4 : 1e-12) * scale;
  const double d_ref = max_abs_diff(y_ci, y_ref), d_row = max_abs_diff(y_ci, y_row),
               d_col = max_abs_diff(y_ci, y_col);
  std::fprintf(stderr,
               "check %-18s max|y| %.3g  max|ctinfer - reference| %.3g  max|ctinfer - eigen row| "
               "%.3g  max|ctinfer - eigen col| %.3g  (tolerance %.3g)\n",
               c.name.c_str(), max_abs(y_ref), d_ref, d_row, d_col, tol);
  if (max_abs(y_ref) == 0.0) fail(c.name + ": the reference output is all zero; pick another seed");
  if (!(d_ref <= tol && d_row <= tol && d_col <= tol)) fail(c.name + ": outputs disagree");

  benchmark::RegisterBenchmark((c.name + "/ctinfer").c_str(), [cs, c](benchmark::State& s) {
    bench_ci<Net>(s, cs);
    add_counters(s, c);
  });
  benchmark::RegisterBenchmark((c.name + "/eigen_rowmajor").c_str(), [er, c](benchmark::State& s) {
    bench_eigen<ERow>(s, er);
    add_counters(s, c);
  });
  benchmark::RegisterBenchmark((c.name + "/eigen_colmajor").c_str(), [ec, c](benchmark::State& s) {
    bench_eigen<ECol>(s, ec);
    add_counters(s, c);
  });
}

}  // namespace

int main(int argc, char** argv) {
  constexpr int R = Eigen::RowMajor, C = Eigen::ColMajor;
  add_case<Mlp4x128, eigen_mlp<float, R, 128, 128, 128, 128, 128>,
           eigen_mlp<float, C, 128, 128, 128, 128, 128>>(
      {"mlp4x128_b1", 4 * 2.0 * 128 * 128, 4 * 128.0 * 128 * sizeof(float)},
      {128, 128, 128, 128, 128}, 1);
  add_case<Mlp16_32_16<float>, eigen_mlp<float, R, 16, 32, 16>, eigen_mlp<float, C, 16, 32, 16>>(
      {"mlp16_32_16_f32", 2.0 * (16 * 32 + 32 * 16), (16 * 32 + 32 * 16) * 4.0}, {16, 32, 16}, 2);
  add_case<Mlp16_32_16<double>, eigen_mlp<double, R, 16, 32, 16>, eigen_mlp<double, C, 16, 32, 16>>(
      {"mlp16_32_16_f64", 2.0 * (16 * 32 + 32 * 16), (16 * 32 + 32 * 16) * 8.0}, {16, 32, 16}, 3);
  add_case<Mlp4x128Seq, eigen_seq_mlp<64, R>, eigen_seq_mlp<64, C>>(
      {"mlp4x128_seq64", 64 * 4 * 2.0 * 128 * 128, 4 * 128.0 * 128 * sizeof(float)},
      {128, 128, 128, 128, 128}, 4);

  // Calibration, interleaved with the cases: the machine is shared and its clock varies, so
  // the given limits (117 GFLOP/s, 117 GB/s from L2) are compared with what one core reaches
  // during this run.
  benchmark::RegisterBenchmark("calib/fma_peak_f32", ctinfer_bench::calib_fma_peak);
  benchmark::RegisterBenchmark("calib/read_256KiB", [](benchmark::State& s) { ctinfer_bench::calib_read(s, 256 << 10); });

  benchmark::AddCustomContext("ctinfer_simd_target", hwy::TargetName(HWY_STATIC_TARGET));
  benchmark::AddCustomContext("eigen_version", std::to_string(EIGEN_WORLD_VERSION) + "." +
                                                   std::to_string(EIGEN_MAJOR_VERSION) + "." +
                                                   std::to_string(EIGEN_MINOR_VERSION));
  std::string eigen_simd = Eigen::SimdInstructionSetsInUse();
#if defined(EIGEN_VECTORIZE_AVX2)
  eigen_simd += ", AVX2";
#endif
#if defined(EIGEN_VECTORIZE_FMA)
  eigen_simd += ", FMA";
#endif
  benchmark::AddCustomContext("eigen_simd", eigen_simd);
#if defined(__clang__)
  benchmark::AddCustomContext("compiler", std::string("clang ") + __clang_version__);
#elif defined(__GNUC__)
  benchmark::AddCustomContext("compiler", std::string("gcc ") + __VERSION__);
#endif

  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
