// ctinfer/core/unary_op.hpp - the vocabulary shared by elementwise layers and kernels.
//
// Layers say which function they compute (a unary_op and up to two constants); kernels
// implement each function once, for every SIMD target. Neither knows about the other.
#pragma once

namespace ctinfer {

enum class unary_op {
  identity,
  relu,
  relu6,
  leaky_relu,    // alpha = negative slope
  elu,           // alpha
  selu,
  celu,          // alpha
  gelu_erf,
  gelu_tanh,
  sigmoid,
  hard_sigmoid,
  tanh,
  silu,
  mish,
  hard_swish,
  softplus,      // alpha = beta, beta = threshold (PyTorch's names)
  softsign,
  prelu,         // slopes come from the packed weights
  batch_norm,    // y = x * scale[c] + shift[c], both from the packed weights
};

// SELU's constants, as PyTorch defines them.
inline constexpr double selu_alpha = 1.6732632423543772848170429916717;
inline constexpr double selu_scale = 1.0507009873554804934193349852946;

}  // namespace ctinfer
