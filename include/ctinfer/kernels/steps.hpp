// ctinfer/kernels/steps.hpp - what the executor runs: a flat list of steps.
//
// This is the kernels' whole view of a model: each step names a kernel, its sizes, where its
// packed weights are and where it reads and writes (the caller's input, the caller's output,
// or a fixed offset in the workspace). The model passes produce it; kernels know nothing else.
#pragma once

#include <cstddef>

#include "ctinfer/core/unary_op.hpp"

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
  copy,         // y = x (a network made of views only)
};

struct step {
  step_kind kind = step_kind::copy;
  std::size_t rows = 0, k = 0, cols = 0;
  bool bias = false;
  std::size_t weight_offset = 0, bias_offset = 0;  // in the packed weights
  location src{}, dst{};
  std::size_t first_op = 0, op_count = 0;  // epilogue: ops [first_op, first_op + op_count)
};

// How PReLU finds the slope of an element at (row, col) of a step's (rows, cols) view.
enum class slope_mode {
  single,        // one slope for everything
  per_column,    // slope[col] (a rank-1 shape: the channel is the feature)
  per_row_group  // slope[row / rows_per_channel] (channel-first shapes of rank >= 2)
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
template <std::size_t SlopeOffset, slope_mode Mode, std::size_t RowsPerChannel>
struct prelu_slopes {
  static constexpr unary_op op = unary_op::prelu;
  static constexpr std::size_t offset = SlopeOffset;
  static constexpr slope_mode mode = Mode;
  static constexpr std::size_t rows_per_channel = RowsPerChannel;
};
template <class... Ops>
struct epilogue {};

}  // namespace ctinfer::kernels
