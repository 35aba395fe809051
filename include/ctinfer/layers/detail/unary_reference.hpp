// ctinfer/layers/detail/unary_reference.hpp - the scalar definition of every unary_op.
//
// Computed in double with constexpr math and rounded once to the element type: this is the
// oracle the SIMD kernels are held to, and what ci::infer evaluates at compile time. Each
// formula is PyTorch's (torch/nn/modules/activation.py and ATen's CPU kernels), and like
// PyTorch's returns NaN for NaN: comparisons are written so that NaN takes the branch that
// returns x.
#pragma once

#include "ctinfer/core/detail/constexpr_math.hpp"
#include "ctinfer/core/unary_op.hpp"

namespace ctinfer::detail {

constexpr double unary_reference(unary_op op, double alpha, double beta, double x) {
  namespace m = cmath;
  switch (op) {
    case unary_op::identity: return x;
    case unary_op::relu: return x < 0 ? 0.0 : x;
    case unary_op::relu6: return x < 0 ? 0.0 : (x > 6 ? 6.0 : x);
    case unary_op::leaky_relu: return x > 0 ? x : x * alpha;
    case unary_op::elu: return x <= 0 ? alpha * m::expm1(x) : x;
    case unary_op::selu: return selu_scale * (x <= 0 ? selu_alpha * m::expm1(x) : x);
    case unary_op::celu: return x <= 0 ? alpha * m::expm1(x / alpha) : x;
    case unary_op::gelu_erf:
      // 0.5 x (1 + erf(x / sqrt 2)) written with erfc so that large negative x keep their
      // relative accuracy.
      return 0.5 * x * m::erfc(-x * 0.70710678118654752440084436210485);
    case unary_op::gelu_tanh: {
      const double k = 0.79788456080286535587989211986876;  // sqrt(2 / pi)
      return 0.5 * x * (1.0 + m::tanh(k * (x + 0.044715 * x * x * x)));
    }
    case unary_op::sigmoid:
      return x >= 0 ? 1.0 / (1.0 + m::exp(-x)) : m::exp(x) / (1.0 + m::exp(x));
    case unary_op::hard_sigmoid: return x <= -3 ? 0.0 : (x >= 3 ? 1.0 : x / 6.0 + 0.5);
    case unary_op::tanh: return m::tanh(x);
    case unary_op::silu:
      return x * (x >= 0 ? 1.0 / (1.0 + m::exp(-x)) : m::exp(x) / (1.0 + m::exp(x)));
    case unary_op::mish: {
      const double sp = x > 20 ? x : m::log1p(m::exp(x));  // softplus, threshold 20
      return x * m::tanh(sp);
    }
    case unary_op::hard_swish: return x <= -3 ? 0.0 : (x >= 3 ? x : x * (x + 3.0) / 6.0);
    case unary_op::softplus:
      return alpha * x <= beta ? m::log1p(m::exp(alpha * x)) / alpha : x;
    case unary_op::softsign: return x / (1.0 + (x < 0 ? -x : x));
    case unary_op::prelu: return x > 0 ? x : x * alpha;
    case unary_op::batch_norm: return x * alpha + beta;  // alpha = scale, beta = shift
  }
  return x;
}

}  // namespace ctinfer::detail
