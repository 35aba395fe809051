// ctinfer/kernels/steps.hpp - what the executor runs: a flat list of steps.
//
// This is the kernels' whole view of a model: each step names a kernel, its sizes, where its
// packed weights are and where it reads and writes (the caller's input, the caller's output,
// or a fixed offset in the workspace). The model passes produce it; kernels know nothing else.
#pragma once

#include <cstddef>

#include "ctinfer/core/unary_op.hpp"
#include "ctinfer/core/window.hpp"

namespace ctinfer::kernels {

enum class buffer { input, output, workspace };

struct location {
  buffer where = buffer::input;
  std::size_t offset = 0;
};

enum class step_kind {
  gemm,         // y(rows, cols) = x(rows, k) W^T (+ b), then the epilogue, in one pass
  elementwise,  // y = epilogue(x) on a (rows, cols) view, in place when src == dst
  softmax,      // each row of (rows, cols), then the epilogue
  log_softmax,
  copy,         // y = x (views only, or a Concat branch that is the identity)
  conv,         // direct convolution over `window` on packed weights, then the epilogue
  depthwise,    // convolution with one input and one output channel per group
  conv_transpose,  // transposed convolution (gathered per output position), then the epilogue
  max_pool,     // pooling over `window`, then the epilogue
  avg_pool,
  global_max_pool,  // every spatial position of a channel (window = the whole input)
  global_avg_pool,
  upsample,     // nearest-neighbour repeat by the window's strides, then the epilogue
  zero_pad,     // copy into a zero border of the window's pads, then the epilogue
  glu,          // y = a * sigmoid(b) for the halves a, b of the channel axis, then the epilogue
  gated_tanh,   // y = tanh(a) * sigmoid(b)
  lstm,         // one direction of an LSTM over (rows = T, k = F) to (T, cols = H); no epilogue
  gru,          // the same for a GRU
  transpose,    // y(cols, rows) = x(rows, cols)^T; no epilogue
  stream_conv,  // one frame of a causal Conv1D: a batch-1 GEMV over its taps (k = kernel *
                // channels of them, the past ones read from a history ring in the State), then
                // the epilogue
};

// Steps over (C, H, W) tensors (conv and pooling) read and write either PyTorch's
// channels-first layout or channels-last (H, W, C), which their kernels vectorise best: the
// planner keeps tensors channels-last between such steps and channels-first everywhere else.
constexpr bool is_window_step(step_kind k) {
  return k == step_kind::conv || k == step_kind::depthwise || k == step_kind::conv_transpose ||
         k == step_kind::max_pool ||
         k == step_kind::avg_pool || k == step_kind::global_max_pool || k == step_kind::global_avg_pool ||
         k == step_kind::upsample || k == step_kind::zero_pad;
}

// Where a recurrent step writes h_t: y[t * y_stride + y_offset + j] (a Bidirectional layer's
// two directions share one (T, 2H) output), and in which time order it runs.
struct recurrent_output {
  bool reverse = false;
  std::size_t y_stride = 0, y_offset = 0;
};

struct step {
  step_kind kind = step_kind::copy;
  std::size_t rows = 0, k = 0, cols = 0;
  bool bias = false;
  std::size_t weight_offset = 0, bias_offset = 0;  // in the packed weights
  location src{}, dst{};
  std::size_t first_op = 0, op_count = 0;  // epilogue: ops [first_op, first_op + op_count)
  window_geometry window{};                 // window steps only
  bool src_channels_last = false, dst_channels_last = false;
  bool channels_in_columns = false;  // an elementwise or gate step over one (C, 1) frame, as (1, C)
  // A gemm step that reads a window step's channels-last output through a Flatten: its k
  // runs over (position, channel) with k_channels channels, and its weights are packed in
  // that order (0: PyTorch's order).
  std::size_t k_channels = 0;
  // A gemm step of one row with few outputs and a long k, reading a Flatten or Reshape: its
  // weights are packed by rows (kernels::pack_dense_rows) and it runs as dot products.
  bool by_rows = false;
  // A Residual's add, fused into the store: the tensor at `addend` (same layout and indices
  // as the output) is added after the first `add_at` ops of the epilogue.
  bool has_addend = false;
  location addend{};
  std::size_t add_at = 0;
  recurrent_output rnn{};      // lstm, gru
  location scratch{};          // lstm, gru: the workspace they compute in
  // Streaming (Model::step): where the step's carried values are in the State (h and c; a
  // causal convolution's ring of past frames) and which of the State's counters is its (the
  // ring's position; a recurrent step's parity of time steps).
  bool stateful = false;
  std::size_t state_offset = 0, state_size = 0, position = 0;
};

// Whether a step's kernel applies an epilogue (the layers fused into its store, a Residual's
// add); the others write plain values, and what follows them becomes a step of its own.
constexpr bool takes_epilogue(step_kind k) {
  return k != step_kind::softmax && k != step_kind::log_softmax && k != step_kind::copy && k != step_kind::lstm &&
         k != step_kind::gru && k != step_kind::transpose;
}

// A step as a type, for kernels that take the whole description at compile time.
template <const auto& Plan, std::size_t S>
struct step_ref {
  static constexpr step value = Plan.steps[S];
};

// How a per-channel op (PReLU, BatchNorm) finds the channel of an element at (row, col) of a
// step's (rows, cols) view.
enum class slope_mode {
  single,        // one value for everything
  per_column,    // value[col] (rank-1 shapes, and window steps: col is the channel)
  per_row_group  // value[row / rows_per_channel] (channel-first shapes of rank >= 2)
};

// Epilogue operations, as types, so that each step's chain compiles to straight-line code.
// Parameter-free ops carry their constants (op, alpha, beta); PReLU carries where its slopes
// are in the packed weights.
template <unary_op Op, class Constants>
struct unary {
  static constexpr unary_op op = Op;
  static constexpr double alpha = Constants::alpha;
  static constexpr double beta = Constants::beta;
};
// PReLU (slopes at Offset) or BatchNorm (scales at Offset, shifts at Offset + Stride): values
// per channel in the packed weights.
template <unary_op Op, std::size_t Offset, std::size_t Stride, slope_mode Mode, std::size_t RowsPerChannel>
struct channel_values {
  static constexpr unary_op op = Op;
  static constexpr std::size_t offset = Offset;
  static constexpr std::size_t stride = Stride;
  static constexpr slope_mode mode = Mode;
  static constexpr std::size_t rows_per_channel = RowsPerChannel;
};
// The add of a Residual, as a step of the epilogue chain.
struct add_tensor {
  static constexpr unary_op op = unary_op::identity;
  static constexpr bool adds_tensor = true;
};
template <class... Ops>
struct epilogue {};

// Whether an epilogue acts on each element alone (no per-channel values): it then gives the
// same result on any arrangement of a vector's lanes.
template <class Op>
constexpr bool op_is_elementwise() {
  if constexpr (requires { Op::mode; })
    return Op::mode == slope_mode::single;
  else
    return true;
}
template <class... Ops>
constexpr bool epilogue_is_elementwise(epilogue<Ops...>) {
  return (op_is_elementwise<Ops>() && ...);
}

}  // namespace ctinfer::kernels
