// bench/peers/conv_peers.hpp - the peers of ctinfer's convolution benchmarks: oneDNN and
// LibTorch, prepared once and then run on one image (batch 1), one thread.
//
// A plain C++17 interface: no oneDNN or Torch header is included here, so a benchmark TU that
// includes ctinfer does not see them (pimpl; the implementation is conv_peers.cpp, built as
// the static library ctinfer_conv_peers, see bench/CMakeLists.txt).
//
// Which peers were built in: have_onednn() / have_libtorch() at run time, and the macros
// CTINFER_HAVE_ONEDNN / CTINFER_HAVE_LIBTORCH (defined to 1, as PUBLIC compile definitions of
// ctinfer_conv_peers) at compile time. The classes always exist; constructing one whose peer
// is missing throws std::runtime_error.
//
// Data layouts seen by the caller are PyTorch's: activations C x H x W (batch 1, contiguous),
// conv weights [out_c][in_c / groups][kh][kw], Linear weights [out][in], biases [out].
//
// Threads: every constructor sets the process to one intra-op thread (omp_set_num_threads(1),
// and at::set_num_threads(1) when LibTorch is in), as the benchmarks are single-threaded.
// Instances are not thread-safe; use each from one thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace conv_peers {

// Build-time availability of each peer.
bool have_onednn() noexcept;
bool have_libtorch() noexcept;
// "oneDNN 2.6.3 (cpu runtime OpenMP); LibTorch 1.13.0" - the peers built in, with their versions.
std::string versions();

// A 2-D convolution on a batch-1 C x H x W input: square stride and padding, dilation 1,
// with bias, optionally followed by ReLU (a post-op in oneDNN).
struct conv_spec {
  std::size_t in_c = 1, out_c = 1, h = 1, w = 1, kh = 1, kw = 1;
  std::size_t stride = 1, pad = 0, groups = 1;
  bool relu = false;

  std::size_t out_h() const noexcept { return (h + 2 * pad - kh) / stride + 1; }
  std::size_t out_w() const noexcept { return (w + 2 * pad - kw) / stride + 1; }
  std::size_t in_size() const noexcept { return in_c * h * w; }
  std::size_t out_size() const noexcept { return out_c * out_h() * out_w(); }
  std::size_t weight_size() const noexcept { return out_c * (in_c / groups) * kh * kw; }
  // Real taps only: 2 * out_c * out_h * out_w * (in_c / groups) * kh * kw (bias, ReLU and
  // padded taps not counted).
  double flops() const noexcept {
    return 2.0 * static_cast<double>(out_c * out_h() * out_w()) *
           static_cast<double>((in_c / groups) * kh * kw);
  }
};

// How oneDNN lays out the activations.
//   native: format_tag::any for src, weights and dst - oneDNN's own (blocked) layouts, e.g.
//           nChw8c on AVX2. run_native() is the primitive alone on buffers already in that
//           layout; run() adds the reorders from / to plain NCHW (skipped where the native
//           layout is the plain one).
//   plain:  src and dst fixed to plain NCHW (weights still any, reordered once at
//           construction); oneDNN picks an implementation for that. run() then is the
//           primitive alone, reading x and writing y in place.
enum class onednn_layout { native, plain };

// Common shape of every peer below:
//   run(x, y)      plain CHW in, plain out: what a caller holding plain buffers pays.
//   set_input(x)   copy / reorder x into the peer's own input buffer (not meant to be timed),
//   run_native()   the computation alone on that buffer (the timed part),
//   get_output(y)  copy / reorder the last result of run_native() out to plain.

// One convolution in oneDNN (convolution_direct, forward_inference, f32), primitive and
// memories created once at construction; user-managed scratchpad. bias may be null (zero).
class onednn_conv {
 public:
  onednn_conv(const conv_spec& spec, const float* weight_oihw, const float* bias,
              onednn_layout layout = onednn_layout::native);
  ~onednn_conv();
  onednn_conv(onednn_conv&&) noexcept;
  onednn_conv& operator=(onednn_conv&&) noexcept;

  void run(const float* x_chw, float* y_chw);
  void set_input(const float* x_chw);
  void run_native();
  void get_output(float* y_chw);

  const conv_spec& spec() const noexcept;
  // oneDNN's implementation name and the chosen layouts, e.g. "jit:avx2 src nChw8c ...".
  std::string describe() const;

 private:
  struct impl;
  std::unique_ptr<impl> p_;
};

// One convolution in LibTorch: a torch::nn::Conv2d holding the given weights, run under
// torch::NoGradGuard with at::set_num_threads(1) on a preallocated 1 x C x H x W input
// tensor. run_native() is module->forward() (which allocates its output, as LibTorch does);
// run() adds the copies in and out.
class libtorch_conv {
 public:
  libtorch_conv(const conv_spec& spec, const float* weight_oihw, const float* bias);
  ~libtorch_conv();
  libtorch_conv(libtorch_conv&&) noexcept;
  libtorch_conv& operator=(libtorch_conv&&) noexcept;

  void run(const float* x_chw, float* y_chw);
  void set_input(const float* x_chw);
  void run_native();
  void get_output(float* y_chw);

  const conv_spec& spec() const noexcept;

 private:
  struct impl;
  std::unique_ptr<impl> p_;
};

// The small CNN, batch 1, input 1 x 28 x 28, output 10 logits (no softmax):
//   Conv2d(1, 8, 3, padding=1) + ReLU, MaxPool2d(2),
//   Conv2d(8, 16, 3, padding=1) + ReLU, MaxPool2d(2),
//   Flatten, Linear(16 * 7 * 7, 10)
// Parameters: one flat array in PyTorch state_dict order:
//   conv1.weight [8][1][3][3], conv1.bias [8], conv2.weight [16][8][3][3], conv2.bias [16],
//   fc.weight [10][784] (the 784 in C, H, W order, as Flatten of NCHW), fc.bias [10].
namespace small_cnn {
inline constexpr std::size_t input_size = 1 * 28 * 28;
inline constexpr std::size_t output_size = 10;
inline constexpr std::size_t param_count =
    8 * 1 * 9 + 8 + 16 * 8 * 9 + 16 + 10 * 16 * 7 * 7 + 10;  // 9098
// Both convolutions and the Linear, real taps (pooling and ReLU not counted): 580160.
inline constexpr double flops = 2.0 * (8 * 28 * 28 * 1 * 9 + 16 * 14 * 14 * 8 * 9 + 10 * 784);
conv_spec conv1() noexcept;  // {1, 8, 28, 28, 3, 3, 1, 1, 1, relu}
conv_spec conv2() noexcept;  // {8, 16, 14, 14, 3, 3, 1, 1, 1, relu}
}  // namespace small_cnn

// The small CNN in oneDNN: five primitives (conv1 with a ReLU post-op, max pooling, conv2 with
// ReLU, max pooling, inner product), each a separate primitive executed in turn. native lets
// oneDNN choose every activation layout (pooling follows its input; the inner product reads
// the pooled blocked tensor directly, its weights reordered once); plain keeps NCHW between
// the layers. param_count must be small_cnn::param_count.
class onednn_small_cnn {
 public:
  onednn_small_cnn(const float* params, std::size_t param_count,
                   onednn_layout layout = onednn_layout::native);
  ~onednn_small_cnn();
  onednn_small_cnn(onednn_small_cnn&&) noexcept;
  onednn_small_cnn& operator=(onednn_small_cnn&&) noexcept;

  void run(const float* x_chw, float* logits);
  void set_input(const float* x_chw);
  void run_native();
  void get_output(float* logits);

  std::string describe() const;

 private:
  struct impl;
  std::unique_ptr<impl> p_;
};

// The small CNN in LibTorch: a torch::nn::Sequential of the eight modules above.
class libtorch_small_cnn {
 public:
  libtorch_small_cnn(const float* params, std::size_t param_count);
  ~libtorch_small_cnn();
  libtorch_small_cnn(libtorch_small_cnn&&) noexcept;
  libtorch_small_cnn& operator=(libtorch_small_cnn&&) noexcept;

  void run(const float* x_chw, float* logits);
  void set_input(const float* x_chw);
  void run_native();
  void get_output(float* logits);

 private:
  struct impl;
  std::unique_ptr<impl> p_;
};

}  // namespace conv_peers
