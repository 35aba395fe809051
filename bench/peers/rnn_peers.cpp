// bench/peers/rnn_peers.cpp - Eigen and LibTorch peers for ctinfer's recurrent / streaming
// benchmarks; see rnn_peers.hpp for the interface. The only TU of the benchmarks that includes
// Eigen and Torch for them. The LibTorch parts are compiled only when CTINFER_HAVE_LIBTORCH is
// defined (bench/CMakeLists.txt does it when the package is found).

#include "rnn_peers.hpp"

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <Eigen/Core>

#ifdef _OPENMP
#include <omp.h>
#endif

#ifdef CTINFER_HAVE_LIBTORCH
// The pieces used, not <torch/torch.h>.
#include <ATen/Parallel.h>
#include <c10/core/InferenceMode.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/rnn.h>
#include <torch/version.h>
#endif

namespace rnn_peers {

bool have_libtorch() noexcept {
#ifdef CTINFER_HAVE_LIBTORCH
  return true;
#else
  return false;
#endif
}

std::string versions() {
  std::string v = "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
                  std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION);
#ifdef CTINFER_HAVE_LIBTORCH
  v += "; LibTorch " + std::to_string(TORCH_VERSION_MAJOR) + "." +
       std::to_string(TORCH_VERSION_MINOR) + "." + std::to_string(TORCH_VERSION_PATCH);
#endif
  return v;
}

const char* name(cell c) noexcept { return c == cell::lstm ? "lstm" : "gru"; }
const char* name(backend b) noexcept { return b == backend::eigen ? "eigen" : "libtorch"; }

namespace {

bool one_of(std::size_t v, std::initializer_list<std::size_t> set) {
  for (std::size_t s : set)
    if (v == s) return true;
  return false;
}

template <class T>
const char* type_name() {
  return sizeof(T) == 4 ? "float" : "double";
}

void check_rnn(const rnn_spec& s, std::size_t param_count) {
  if (s.hidden == 0 || s.input == 0)
    throw std::invalid_argument("rnn_peers: hidden and input sizes must be positive");
  if (param_count != s.param_count())
    throw std::invalid_argument("rnn_peers: " + std::string(name(s.kind)) + " H=" +
                                std::to_string(s.hidden) + " F=" + std::to_string(s.input) +
                                " takes " + std::to_string(s.param_count()) +
                                " parameters, got " + std::to_string(param_count));
}

void check_wavenet(const wavenet_spec& s, std::size_t param_count) {
  if (s.channels == 0 || s.blocks == 0 || s.blocks > 20 || s.kernel == 0)
    throw std::invalid_argument("rnn_peers: invalid wavenet_spec");
  if (param_count != s.param_count())
    throw std::invalid_argument("rnn_peers: the WaveNet takes " +
                                std::to_string(s.param_count()) + " parameters, got " +
                                std::to_string(param_count));
}

std::string rnn_label(const rnn_spec& s) {
  std::string d = std::string(s.kind == cell::lstm ? "LSTM" : "GRU") +
                  " H=" + std::to_string(s.hidden) + " F=" + std::to_string(s.input);
  if (s.dense_head) d += " + Linear(" + std::to_string(s.hidden) + ", 1)";
  return d;
}

[[noreturn]] void missing(const char* what) {
  throw std::runtime_error(std::string("rnn_peers: built without ") + what);
}

// ==========================================================================================
// Eigen

std::string eigen_version() {
  return "Eigen " + std::to_string(EIGEN_WORLD_VERSION) + "." +
         std::to_string(EIGEN_MAJOR_VERSION) + "." + std::to_string(EIGEN_MINOR_VERSION);
}

// Fills a fixed-size column-major Eigen matrix from a row-major [rows][cols] array.
template <class M, class T>
void load_rowmajor(M& m, const T*& p) {
  for (Eigen::Index r = 0; r < m.rows(); ++r)
    for (Eigen::Index c = 0; c < m.cols(); ++c) m(r, c) = *p++;
}

// 1 / (1 + exp(-v)) of an array expression (used within one statement).
template <class A>
auto sigmoid(const A& v) {
  using T = typename A::Scalar;
  return ((-v).exp() + T(1)).inverse();
}

// The optional Linear(H, 1) head.
template <class T, int H>
struct eigen_head {
  Eigen::Matrix<T, H, 1> w;  // weight [1][H]
  T b = 0;
  bool on = false;

  void load(bool enabled, const T*& p) {
    on = enabled;
    if (!on) return;
    load_rowmajor(w, p);
    b = *p++;
  }
  void write(const Eigen::Matrix<T, H, 1>& h, T* y) const {
    if (on) {
      y[0] = w.dot(h) + b;
    } else {
      Eigen::Map<Eigen::Matrix<T, H, 1>> out(y);
      out = h;
    }
  }
};

// LSTM, PyTorch's gate order i, f, g, o; the two biases summed once.
template <class T, int H, int F>
class eigen_lstm final : public rnn_peer<T> {
 public:
  eigen_lstm(const rnn_spec& s, const T* p) : rnn_peer<T>(s) {
    load_rowmajor(w_ih_, p);
    load_rowmajor(w_hh_, p);
    for (int i = 0; i < 4 * H; ++i) b_[i] = *p++;
    for (int i = 0; i < 4 * H; ++i) b_[i] += *p++;
    head_.load(s.dense_head, p);
    reset();
  }
  void reset() override {
    h_.setZero();
    c_.setZero();
  }
  void step(const T* x, T* y) override { one(x, y); }
  void process(const T* x, T* y, std::size_t frames) override {
    const std::size_t out = this->spec().output_size();
    for (std::size_t t = 0; t < frames; ++t) one(x + t * F, y + t * out);
  }
  std::string describe() const override {
    return eigen_version() + " fixed-size " + rnn_label(this->spec()) + ", " + type_name<T>();
  }

 private:
  void one(const T* x, T* y) {
    const Eigen::Map<const Eigen::Matrix<T, F, 1>> xv(x);
    z_.noalias() = w_ih_ * xv + w_hh_ * h_ + b_;
    auto z = z_.array();  // [i f g o], activated in place
    z.template segment<2 * H>(0) = sigmoid(z.template segment<2 * H>(0));
    z.template segment<H>(2 * H) = z.template segment<H>(2 * H).tanh();
    z.template segment<H>(3 * H) = sigmoid(z.template segment<H>(3 * H));
    c_.array() = z.template segment<H>(H) * c_.array() +
                 z.template segment<H>(0) * z.template segment<H>(2 * H);
    h_.array() = z.template segment<H>(3 * H) * c_.array().tanh();
    head_.write(h_, y);
  }

  Eigen::Matrix<T, 4 * H, F> w_ih_;
  Eigen::Matrix<T, 4 * H, H> w_hh_;
  Eigen::Matrix<T, 4 * H, 1> b_;
  Eigen::Matrix<T, 4 * H, 1> z_;
  Eigen::Matrix<T, H, 1> h_, c_;
  eigen_head<T, H> head_;
};

// GRU as PyTorch: r = s(W_ir x + b_ir + W_hr h + b_hr), z likewise,
// n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), h = (1 - z) * n + z * h.
template <class T, int H, int F>
class eigen_gru final : public rnn_peer<T> {
 public:
  eigen_gru(const rnn_spec& s, const T* p) : rnn_peer<T>(s) {
    load_rowmajor(w_ih_, p);
    load_rowmajor(w_hh_, p);
    for (int i = 0; i < 3 * H; ++i) b_ih_[i] = *p++;
    for (int i = 0; i < 3 * H; ++i) b_hh_[i] = *p++;
    head_.load(s.dense_head, p);
    reset();
  }
  void reset() override { h_.setZero(); }
  void step(const T* x, T* y) override { one(x, y); }
  void process(const T* x, T* y, std::size_t frames) override {
    const std::size_t out = this->spec().output_size();
    for (std::size_t t = 0; t < frames; ++t) one(x + t * F, y + t * out);
  }
  std::string describe() const override {
    return eigen_version() + " fixed-size " + rnn_label(this->spec()) + ", " + type_name<T>();
  }

 private:
  void one(const T* x, T* y) {
    const Eigen::Map<const Eigen::Matrix<T, F, 1>> xv(x);
    gi_.noalias() = w_ih_ * xv + b_ih_;
    gh_.noalias() = w_hh_ * h_ + b_hh_;
    auto gi = gi_.array();  // [r z n], activated in place
    const auto gh = gh_.array();
    gi.template segment<2 * H>(0) =
        sigmoid(gi.template segment<2 * H>(0) + gh.template segment<2 * H>(0));
    gi.template segment<H>(2 * H) =
        (gi.template segment<H>(2 * H) + gi.template segment<H>(0) * gh.template segment<H>(2 * H))
            .tanh();
    // h = (1 - z) * n + z * h
    h_.array() = (T(1) - gi.template segment<H>(H)) * gi.template segment<H>(2 * H) +
                 gi.template segment<H>(H) * h_.array();
    head_.write(h_, y);
  }

  Eigen::Matrix<T, 3 * H, F> w_ih_;
  Eigen::Matrix<T, 3 * H, H> w_hh_;
  Eigen::Matrix<T, 3 * H, 1> b_ih_, b_hh_;
  Eigen::Matrix<T, 3 * H, 1> gi_, gh_;
  Eigen::Matrix<T, H, 1> h_;
  eigen_head<T, H> head_;
};

template <class T, template <class, int, int> class Cell, int F>
std::unique_ptr<rnn_peer<T>> eigen_by_hidden(const rnn_spec& s, const T* p) {
  switch (s.hidden) {
    case 8: return std::make_unique<Cell<T, 8, F>>(s, p);
    case 16: return std::make_unique<Cell<T, 16, F>>(s, p);
    case 32: return std::make_unique<Cell<T, 32, F>>(s, p);
    case 64: return std::make_unique<Cell<T, 64, F>>(s, p);
    default: return nullptr;
  }
}

template <class T>
std::unique_ptr<rnn_peer<T>> make_eigen_rnn(const rnn_spec& s, const T* p) {
  if (!eigen_supports(s))
    throw std::invalid_argument("rnn_peers: no Eigen instantiation for " + rnn_label(s));
  // Input size 1 only (an amp model's one sample per frame): every (H, F) pair is a class of
  // its own, and each costs seconds of compile time.
  return s.kind == cell::lstm ? eigen_by_hidden<T, eigen_lstm, 1>(s, p)
                              : eigen_by_hidden<T, eigen_gru, 1>(s, p);
}

// The WaveNet: every dilated layer keeps a ring buffer of its last (kernel-1)*d inputs, one
// column per sample; tap k of the causal conv reads x[t - (kernel-1-k)*d].
template <class T, int C>
class eigen_wavenet final : public wavenet_peer<T> {
  using vec = Eigen::Matrix<T, C, 1>;
  using vec2 = Eigen::Matrix<T, 2 * C, 1>;
  using tap = Eigen::Matrix<T, 2 * C, C>;

  struct layer {
    std::vector<tap, Eigen::aligned_allocator<tap>> w;  // kernel taps
    vec2 b;
    Eigen::Matrix<T, C, C> mix_w;
    vec mix_b;
    Eigen::Matrix<T, C, Eigen::Dynamic> hist;  // (kernel-1)*d columns
    Eigen::Index len = 0, pos = 0;             // pos: the oldest column, x[t - len]
    Eigen::Index d = 1;
  };

 public:
  eigen_wavenet(const wavenet_spec& s, const T* p) : wavenet_peer<T>(s) {
    const auto K = static_cast<Eigen::Index>(s.kernel);
    load_rowmajor(in_w_, p);  // [C][1][1]
    for (int c = 0; c < C; ++c) in_b_[c] = *p++;
    layers_.resize(s.blocks);
    for (std::size_t b = 0; b < s.blocks; ++b) {
      layer& l = layers_[b];
      l.d = static_cast<Eigen::Index>(s.dilation(b));
      l.w.resize(s.kernel);
      for (int o = 0; o < 2 * C; ++o)  // [2C][C][K]
        for (int i = 0; i < C; ++i)
          for (Eigen::Index k = 0; k < K; ++k) l.w[static_cast<std::size_t>(k)](o, i) = *p++;
      for (int o = 0; o < 2 * C; ++o) l.b[o] = *p++;
      load_rowmajor(l.mix_w, p);  // [C][C][1]
      for (int c = 0; c < C; ++c) l.mix_b[c] = *p++;
      l.len = (K - 1) * l.d;
      l.hist.resize(C, l.len);
    }
    load_rowmajor(out_w_, p);  // [1][C][1]
    out_b_ = *p++;
    reset();
  }
  void reset() override {
    for (layer& l : layers_) {
      l.hist.setZero();
      l.pos = 0;
    }
  }
  void step(const T* x, T* y) override { y[0] = one(x[0]); }
  void process(const T* x, T* y, std::size_t frames) override {
    for (std::size_t t = 0; t < frames; ++t) y[t] = one(x[t]);
  }
  std::string describe() const override {
    const wavenet_spec& s = this->spec();
    return eigen_version() + " fixed-size WaveNet C=" + std::to_string(C) + " blocks=" +
           std::to_string(s.blocks) + " kernel=" + std::to_string(s.kernel) + ", " +
           type_name<T>();
  }

 private:
  T one(T x) {
    a_.noalias() = in_w_ * x + in_b_;
    for (layer& l : layers_) {
      const Eigen::Index K = static_cast<Eigen::Index>(l.w.size());
      z_.noalias() = l.w[static_cast<std::size_t>(K - 1)] * a_ + l.b;  // tap at x[t]
      for (Eigen::Index k = 0; k + 1 < K; ++k) {
        Eigen::Index at = l.pos + k * l.d;  // x[t - (K-1-k)*d]
        if (at >= l.len) at -= l.len;
        z_.noalias() += l.w[static_cast<std::size_t>(k)] * l.hist.col(at);
      }
      if (l.len > 0) {
        l.hist.col(l.pos) = a_;
        if (++l.pos == l.len) l.pos = 0;
      }
      g_.array() = z_.template head<C>().array().tanh() * sigmoid(z_.template tail<C>().array());
      a_.noalias() += l.mix_w * g_ + l.mix_b;
    }
    return out_w_.dot(a_) + out_b_;
  }

  Eigen::Matrix<T, C, 1> in_w_, in_b_;
  Eigen::Matrix<T, C, 1> out_w_;  // weight [1][C][1]
  T out_b_ = 0;
  std::vector<layer, Eigen::aligned_allocator<layer>> layers_;
  vec a_, g_;
  vec2 z_;
};

// ==========================================================================================
// LibTorch

#ifdef CTINFER_HAVE_LIBTORCH

void single_thread() {
#ifdef _OPENMP
  omp_set_num_threads(1);
#endif
  at::set_num_threads(1);
}

std::int64_t i64(std::size_t v) { return static_cast<std::int64_t>(v); }

template <class T>
at::ScalarType dtype() {
  return sizeof(T) == 4 ? at::kFloat : at::kDouble;
}

// A new tensor holding a copy of the next n values of p (p advances).
template <class T>
at::Tensor take(const T*& p, std::vector<std::int64_t> shape) {
  at::Tensor t = at::empty(shape, at::TensorOptions().dtype(dtype<T>()));
  std::memcpy(t.data_ptr<T>(), p, static_cast<std::size_t>(t.numel()) * sizeof(T));
  p += t.numel();
  return t;
}

template <class T>
void copy_out(const at::Tensor& t, T* y, std::size_t n) {
  const at::Tensor c = t.contiguous();
  if (static_cast<std::size_t>(c.numel()) != n)
    throw std::logic_error("rnn_peers: unexpected LibTorch output size");
  std::memcpy(y, c.data_ptr<T>(), n * sizeof(T));
}

template <class T>
class libtorch_rnn final : public rnn_peer<T> {
 public:
  libtorch_rnn(const rnn_spec& s, const T* p) : rnn_peer<T>(s) {
    single_thread();
    const std::int64_t H = i64(s.hidden), F = i64(s.input), G = i64(s.gates());
    w_ih_ = take(p, {G * H, F});
    w_hh_ = take(p, {G * H, H});
    b_ih_ = take(p, {G * H});
    b_hh_ = take(p, {G * H});
    if (s.dense_head) {
      w_out_ = take(p, {1, H});
      b_out_ = take(p, {1});
    }
    const auto opt = at::TensorOptions().dtype(dtype<T>());
    x_ = at::zeros({1, F}, opt);
    zero_ = at::zeros({1, H}, opt);
    reset();
  }
  void reset() override { h_ = c_ = zero_; }
  void step(const T* x, T* y) override {
    c10::InferenceMode guard;
    one(x, y);
  }
  void process(const T* x, T* y, std::size_t frames) override {
    c10::InferenceMode guard;
    const std::size_t in = this->spec().input_size(), out = this->spec().output_size();
    for (std::size_t t = 0; t < frames; ++t) one(x + t * in, y + t * out);
  }
  std::string describe() const override {
    return "LibTorch " + std::to_string(TORCH_VERSION_MAJOR) + "." +
           std::to_string(TORCH_VERSION_MINOR) + "." + std::to_string(TORCH_VERSION_PATCH) +
           (this->spec().kind == cell::lstm ? " at::lstm_cell " : " at::gru_cell ") +
           rnn_label(this->spec()) + ", " + type_name<T>();
  }

 private:
  void one(const T* x, T* y) {
    const rnn_spec& s = this->spec();
    std::memcpy(x_.data_ptr<T>(), x, s.input * sizeof(T));
    if (s.kind == cell::lstm) {
      std::tie(h_, c_) = at::lstm_cell(x_, {h_, c_}, w_ih_, w_hh_, b_ih_, b_hh_);
    } else {
      h_ = at::gru_cell(x_, h_, w_ih_, w_hh_, b_ih_, b_hh_);
    }
    if (s.dense_head) {
      y[0] = *at::linear(h_, w_out_, b_out_).template data_ptr<T>();  // 1 x 1
    } else {
      copy_out(h_, y, s.hidden);
    }
  }

  at::Tensor w_ih_, w_hh_, b_ih_, b_hh_, w_out_, b_out_;
  at::Tensor x_, h_, c_, zero_;
};

#endif  // CTINFER_HAVE_LIBTORCH

}  // namespace

bool eigen_supports(const rnn_spec& s) noexcept {
  return one_of(s.hidden, {8, 16, 32, 64}) && s.input == 1;
}

bool eigen_supports(const wavenet_spec& s) noexcept {
  return one_of(s.channels, {8, 16}) && s.blocks >= 1 && s.blocks <= 20 && s.kernel >= 1;
}

template <class T>
rnn_peer<T>::~rnn_peer() = default;

template <class T>
std::unique_ptr<rnn_peer<T>> rnn_peer<T>::make(backend b, const rnn_spec& spec, const T* params,
                                               std::size_t param_count) {
  check_rnn(spec, param_count);
  if (b == backend::eigen) return make_eigen_rnn<T>(spec, params);
#ifdef CTINFER_HAVE_LIBTORCH
  return std::make_unique<libtorch_rnn<T>>(spec, params);
#else
  missing("LibTorch");
#endif
}

template <class T>
wavenet_peer<T>::~wavenet_peer() = default;

template <class T>
std::unique_ptr<wavenet_peer<T>> wavenet_peer<T>::make(const wavenet_spec& spec, const T* params,
                                                       std::size_t param_count) {
  check_wavenet(spec, param_count);
  if (!eigen_supports(spec))
    throw std::invalid_argument("rnn_peers: no Eigen WaveNet instantiation for C=" +
                                std::to_string(spec.channels));
  switch (spec.channels) {
    case 8: return std::make_unique<eigen_wavenet<T, 8>>(spec, params);
    default: return std::make_unique<eigen_wavenet<T, 16>>(spec, params);
  }
}

template class rnn_peer<float>;
template class rnn_peer<double>;
template class wavenet_peer<float>;
template class wavenet_peer<double>;

// ------------------------------------------------------------------------------------------
// Whole-sequence LibTorch modules, for checking.

#ifdef CTINFER_HAVE_LIBTORCH

namespace {

// Copies the flat array into the module's parameters in registration (state_dict) order.
template <class T>
void load_parameters(std::vector<at::Tensor> ps, const T* p, std::size_t n) {
  std::size_t off = 0;
  for (at::Tensor& t : ps) {
    const auto k = static_cast<std::size_t>(t.numel());
    if (off + k > n) throw std::logic_error("rnn_peers: parameter count mismatch");
    std::memcpy(t.data_ptr<T>(), p + off, k * sizeof(T));
    off += k;
  }
  if (off != n) throw std::logic_error("rnn_peers: parameter count mismatch");
}

}  // namespace

template <class T>
void libtorch_rnn_sequence(const rnn_spec& s, const T* params, std::size_t param_count,
                           const T* x, std::size_t frames, T* y) {
  check_rnn(s, param_count);
  single_thread();
  torch::NoGradGuard no_grad;
  namespace nn = torch::nn;
  const std::int64_t H = i64(s.hidden), F = i64(s.input), N = i64(frames);
  const auto opt = at::TensorOptions().dtype(dtype<T>());
  std::vector<at::Tensor> ps;
  nn::LSTM lstm{nullptr};
  nn::GRU gru{nullptr};
  nn::Linear head{nullptr};
  torch::OrderedDict<std::string, at::Tensor> named;
  if (s.kind == cell::lstm) {
    lstm = nn::LSTM(nn::LSTMOptions(F, H).batch_first(true));
    lstm->to(dtype<T>());
    named = lstm->named_parameters();
  } else {
    gru = nn::GRU(nn::GRUOptions(F, H).batch_first(true));
    gru->to(dtype<T>());
    named = gru->named_parameters();
  }
  // By name, so the check does not rest on the registration order.
  for (const char* n : {"weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"}) {
    const at::Tensor* t = named.find(n);
    if (!t) throw std::logic_error(std::string("rnn_peers: LibTorch RNN has no ") + n);
    ps.push_back(*t);
  }
  if (s.dense_head) {
    head = nn::Linear(H, 1);
    head->to(dtype<T>());
    ps.push_back(head->weight);
    ps.push_back(head->bias);
  }
  load_parameters(ps, params, param_count);
  at::Tensor in = at::empty({1, N, F}, opt);
  std::memcpy(in.data_ptr<T>(), x, frames * s.input * sizeof(T));
  at::Tensor out = s.kind == cell::lstm ? std::get<0>(lstm->forward(in)) : std::get<0>(gru->forward(in));
  if (s.dense_head) out = head->forward(out);
  copy_out(out, y, frames * s.output_size());
}

template <class T>
void libtorch_wavenet_sequence(const wavenet_spec& s, const T* params, std::size_t param_count,
                               const T* x, std::size_t frames, T* y) {
  check_wavenet(s, param_count);
  single_thread();
  torch::NoGradGuard no_grad;
  namespace nn = torch::nn;
  const std::int64_t C = i64(s.channels), K = i64(s.kernel), N = i64(frames);
  std::vector<at::Tensor> ps;
  const auto add = [&](nn::Conv1d& m) {
    m->to(dtype<T>());
    ps.push_back(m->weight);
    ps.push_back(m->bias);
  };
  nn::Conv1d input(nn::Conv1dOptions(1, C, 1));
  add(input);
  std::vector<nn::Conv1d> conv, mix;
  for (std::size_t b = 0; b < s.blocks; ++b) {
    conv.emplace_back(nn::Conv1dOptions(C, 2 * C, K).dilation(i64(s.dilation(b))));
    add(conv.back());
    mix.emplace_back(nn::Conv1dOptions(C, C, 1));
    add(mix.back());
  }
  nn::Conv1d output(nn::Conv1dOptions(C, 1, 1));
  add(output);
  load_parameters(ps, params, param_count);

  at::Tensor a = at::empty({1, 1, N}, at::TensorOptions().dtype(dtype<T>()));
  std::memcpy(a.data_ptr<T>(), x, frames * sizeof(T));
  a = input->forward(a);
  for (std::size_t b = 0; b < s.blocks; ++b) {
    const at::Tensor z =
        conv[b]->forward(at::constant_pad_nd(a, {(K - 1) * i64(s.dilation(b)), 0}));
    const at::Tensor g = at::tanh(z.slice(1, 0, C)) * at::sigmoid(z.slice(1, C, 2 * C));
    a = a + mix[b]->forward(g);
  }
  copy_out(output->forward(a), y, frames);
}

#else  // !CTINFER_HAVE_LIBTORCH

template <class T>
void libtorch_rnn_sequence(const rnn_spec&, const T*, std::size_t, const T*, std::size_t, T*) {
  missing("LibTorch");
}
template <class T>
void libtorch_wavenet_sequence(const wavenet_spec&, const T*, std::size_t, const T*, std::size_t,
                               T*) {
  missing("LibTorch");
}

#endif  // CTINFER_HAVE_LIBTORCH

template void libtorch_rnn_sequence<float>(const rnn_spec&, const float*, std::size_t,
                                           const float*, std::size_t, float*);
template void libtorch_rnn_sequence<double>(const rnn_spec&, const double*, std::size_t,
                                            const double*, std::size_t, double*);
template void libtorch_wavenet_sequence<float>(const wavenet_spec&, const float*, std::size_t,
                                               const float*, std::size_t, float*);
template void libtorch_wavenet_sequence<double>(const wavenet_spec&, const double*, std::size_t,
                                                const double*, std::size_t, double*);

}  // namespace rnn_peers
