// bench/peers/rnn_peers.hpp - the peers of ctinfer's recurrent / streaming benchmarks: an LSTM or
// GRU cell (optionally followed by Linear(H, 1)) and a WaveNet-style causal conv stack, run one
// frame at a time on one stream, one thread, in float or double.
//
//   Eigen     fixed-size Eigen matrices and vectors, one cell step written the plain way
//             (RTNeural's Eigen backend style): gates = W_ih * x + W_hh * h + b into a fixed-size
//             vector, sigmoid / tanh as Eigen array expressions; the WaveNet keeps one ring
//             buffer of past inputs per dilated layer.
//   LibTorch  at::lstm_cell / at::gru_cell (and at::linear for the head) on 1 x F tensors, one
//             call per step, under c10::InferenceMode, one intra-op thread.
//
// A plain C++17 interface: no Eigen or Torch header is included here, so a benchmark TU that
// includes ctinfer does not see them. The implementation is rnn_peers.cpp, built as the static
// library ctinfer_rnn_peers (see bench/CMakeLists.txt). The Eigen peers are always built; the
// LibTorch peer only when LibTorch is found: have_libtorch() at run time, CTINFER_HAVE_LIBTORCH
// (a PUBLIC compile definition of ctinfer_rnn_peers, 1) at compile time. Asking for a peer that
// was not built, or for sizes a peer does not support, throws (std::runtime_error /
// std::invalid_argument).
//
// Parameters: one flat array in PyTorch state_dict order, each tensor in PyTorch's memory layout
// (row-major), the same array ci::load_flat takes for the equivalent ctinfer network:
//
//   LSTM (torch.nn.LSTM(F, H), gate order i, f, g, o) / GRU (torch.nn.GRU(F, H), gates r, z, n):
//     weight_ih_l0 [G*H][F], weight_hh_l0 [G*H][H], bias_ih_l0 [G*H], bias_hh_l0 [G*H]
//     (G = 4 for the LSTM, 3 for the GRU), then with dense_head: weight [1][H], bias [1]
//     (torch.nn.Linear(H, 1)).
//     ctinfer: Sequential<Input<Shape<T, F>>, LSTM<H>> or <..., LSTM<H>, Dense<1>> (GRU alike).
//   WaveNet (wavenet_spec below).
//
// The state starts at zero (h = c = 0, empty conv histories) and reset() returns to it.
//
// Threads: constructing a LibTorch peer sets the process to one intra-op thread
// (at::set_num_threads(1), omp_set_num_threads(1)). Peers are not thread-safe; use each from
// one thread.
//
// Call overhead: step() and process() are virtual calls into another TU (nothing inlines into
// the benchmark); process() loops over the frames inside the peer, so a block of N frames pays
// that once. The Eigen peers neither allocate nor lock in step() / process(); LibTorch allocates
// its result tensors on every step, as it does.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace rnn_peers {

// Build-time availability of the LibTorch peer (the Eigen peers are always there).
bool have_libtorch() noexcept;
// "Eigen 3.4.0; LibTorch 1.13.0" - the peers built in, with their versions.
std::string versions();

enum class cell { lstm, gru };
enum class backend { eigen, libtorch };
const char* name(cell c) noexcept;     // "lstm", "gru"
const char* name(backend b) noexcept;  // "eigen", "libtorch"

// One recurrent layer over frames of `input` features, optionally followed by Linear(hidden, 1).
struct rnn_spec {
  cell kind = cell::lstm;
  std::size_t hidden = 16;  // H
  std::size_t input = 1;    // F
  bool dense_head = false;  // y = Linear(H, 1)(h) instead of h

  std::size_t gates() const noexcept { return kind == cell::lstm ? 4 : 3; }
  std::size_t input_size() const noexcept { return input; }  // per frame
  std::size_t output_size() const noexcept { return dense_head ? 1 : hidden; }
  std::size_t param_count() const noexcept {
    return gates() * hidden * (input + hidden + 2) + (dense_head ? hidden + 1 : 0);
  }
  // Multiply-adds of the matrix-vector products, x2, per step (biases and activations not
  // counted): 2 * G * H * (F + H), plus 2 * H for the head.
  double flops() const noexcept {
    return 2.0 * static_cast<double>(gates() * hidden * (input + hidden)) +
           (dense_head ? 2.0 * static_cast<double>(hidden) : 0.0);
  }
};

// The sizes the Eigen peers are instantiated for (fixed-size matrices): hidden 8, 16, 32, 64,
// input 1 (each size is a class template instance costing seconds of compile time; add cases to
// eigen_by_hidden / make_eigen_rnn in rnn_peers.cpp for more). The LibTorch peer takes any sizes.
bool eigen_supports(const rnn_spec& s) noexcept;

template <class T>  // float or double
class rnn_peer {
 public:
  // A peer of `spec` holding a copy of the parameters (param_count must be
  // spec.param_count()), its state at zero.
  static std::unique_ptr<rnn_peer> make(backend b, const rnn_spec& spec, const T* params,
                                        std::size_t param_count);
  virtual ~rnn_peer();
  rnn_peer(const rnn_peer&) = delete;
  rnn_peer& operator=(const rnn_peer&) = delete;

  // Back to the zero state.
  virtual void reset() = 0;
  // One frame: spec().input_size() values in, spec().output_size() values out.
  virtual void step(const T* x, T* y) = 0;
  // `frames` frames in a row: frames * input_size() in, frames * output_size() out; the same as
  // calling step() on each frame.
  virtual void process(const T* x, T* y, std::size_t frames) = 0;

  const rnn_spec& spec() const noexcept { return spec_; }
  // e.g. "Eigen 3.4.0 fixed-size LSTM H=16 F=1 + Linear(16, 1), float".
  virtual std::string describe() const = 0;

 protected:
  explicit rnn_peer(const rnn_spec& s) : spec_(s) {}

 private:
  rnn_spec spec_;
};

// A WaveNet-style stack on a 1-channel signal, one sample in, one sample out:
//
//   x -> Conv1d(1, C, 1)
//     -> blocks b = 0 .. blocks-1, dilation d = 2^b:
//          x = x + Conv1d(C, C, 1)(GatedTanh(CausalConv1d(C, 2C, kernel, dilation d)(x)))
//     -> Conv1d(C, 1, 1)
//
// CausalConv1d = F.pad(x, ((kernel-1)*d, 0)) then nn.Conv1d(C, 2C, kernel, dilation=d);
// GatedTanh(z) = tanh(z[:C]) * sigmoid(z[C:]). Parameters in the state_dict order of
//
//   class Block(nn.Module):   conv = nn.Conv1d(C, 2C, kernel, dilation=d); mix = nn.Conv1d(C, C, 1)
//   class WaveNet(nn.Module): input = nn.Conv1d(1, C, 1); blocks = nn.ModuleList(Block ...);
//                             output = nn.Conv1d(C, 1, 1)
//
// i.e. input.weight [C][1][1], input.bias [C], then per block conv.weight [2C][C][kernel],
// conv.bias [2C], mix.weight [C][C][1], mix.bias [C], then output.weight [1][C][1],
// output.bias [1]. ctinfer: Sequential<Input<Shape<1, L>>, Conv1D<C, Kernel<1>>,
// Residual<Sequential<Conv1D<2C, Kernel<K>, Dilation<d>, Causal>, GatedTanh, Conv1D<C, Kernel<1>>>>
// ..., Conv1D<1, Kernel<1>>>.
struct wavenet_spec {
  std::size_t channels = 8;  // C
  std::size_t blocks = 8;    // dilations 1, 2, 4, ..., 2^(blocks-1)
  std::size_t kernel = 2;

  std::size_t dilation(std::size_t block) const noexcept { return std::size_t{1} << block; }
  std::size_t param_count() const noexcept {
    const std::size_t c = channels;
    return 2 * c + blocks * (2 * c * c * kernel + 2 * c + c * c + c) + c + 1;
  }
  // Samples an output depends on: 1 + (kernel - 1) * (2^blocks - 1).
  std::size_t receptive_field() const noexcept {
    return 1 + (kernel - 1) * ((std::size_t{1} << blocks) - 1);
  }
  // Multiply-adds of the convolutions, x2, per sample (biases, gates and residual adds not
  // counted): 2 * (C + blocks * (2C * C * kernel + C * C) + C).
  double flops() const noexcept {
    const double c = static_cast<double>(channels);
    return 2.0 * (c + static_cast<double>(blocks) * (2.0 * c * c * static_cast<double>(kernel) +
                                                     c * c) + c);
  }
};

// The Eigen WaveNet is instantiated for channels 8 and 16; any blocks from 1 to 20 and kernel >= 1.
bool eigen_supports(const wavenet_spec& s) noexcept;

template <class T>  // float or double
class wavenet_peer {
 public:
  // The Eigen peer (the only one), histories empty (zero).
  static std::unique_ptr<wavenet_peer> make(const wavenet_spec& spec, const T* params,
                                            std::size_t param_count);
  virtual ~wavenet_peer();
  wavenet_peer(const wavenet_peer&) = delete;
  wavenet_peer& operator=(const wavenet_peer&) = delete;

  virtual void reset() = 0;                                         // empty histories
  virtual void step(const T* x, T* y) = 0;                          // 1 sample in, 1 out
  virtual void process(const T* x, T* y, std::size_t frames) = 0;  // frames in, frames out

  const wavenet_spec& spec() const noexcept { return spec_; }
  virtual std::string describe() const = 0;

 protected:
  explicit wavenet_peer(const wavenet_spec& s) : spec_(s) {}

 private:
  wavenet_spec spec_;
};

// Whole-sequence outputs from LibTorch's own modules, for checking the parameter layouts
// against PyTorch's definitions (not for timing: the modules are built on every call):
//   rnn:     torch::nn::LSTM / torch::nn::GRU (batch_first, zero initial state), then
//            torch::nn::Linear(H, 1) with dense_head; x is frames * F, y frames * output_size().
//   wavenet: torch::nn::Conv1d modules as above, causal padding with constant_pad_nd; x and y
//            are `frames` samples.
// Throw std::runtime_error when built without LibTorch.
template <class T>
void libtorch_rnn_sequence(const rnn_spec& spec, const T* params, std::size_t param_count,
                           const T* x, std::size_t frames, T* y);
template <class T>
void libtorch_wavenet_sequence(const wavenet_spec& spec, const T* params, std::size_t param_count,
                               const T* x, std::size_t frames, T* y);

}  // namespace rnn_peers
