// ctinfer/layers/activations.hpp - elementwise activations, with PyTorch's defaults.
//
// Each is y[i] = f(x[i]) on any shape. Hyperparameters are types (a std::ratio or a type
// with `static constexpr double value`), set through `::with<...>`:
//
//   ci::LeakyReLU                        // slope 0.01, as nn.LeakyReLU()
//   ci::LeakyReLU::with<std::ratio<1, 5>> // slope 0.2
//   ci::ELU, ci::CELU                     // alpha 1;  ci::ELU::with<std::ratio<1, 2>>
//   ci::GELU                              // exact erf form;  ci::GELU::tanh (approximate='tanh')
//   ci::Softplus                          // beta 1, threshold 20;  Softplus::with<Beta, Threshold>
//
// A Dense followed by activations runs as one pass: they are applied in its store.
#pragma once

#include <cstddef>
#include <ratio>

#include "ctinfer/core/constant.hpp"
#include "ctinfer/core/unary_op.hpp"
#include "ctinfer/layers/detail/unary_reference.hpp"
#include "ctinfer/layers/layer.hpp"

namespace ctinfer {

namespace detail {
struct no_constant {
  static constexpr double value = 0.0;
};
}  // namespace detail

// The common part of every parameter-free elementwise layer.
template <unary_op Op, Constant Alpha = detail::no_constant, Constant Beta = detail::no_constant>
struct unary_layer {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::elementwise;
  static constexpr unary_op op = Op;
  static constexpr double alpha = constant_v<Alpha>;
  static constexpr double beta = constant_v<Beta>;

  template <std::size_t I, AShape In>
  static constexpr bool check = true;
  template <AShape In>
  using output_shape = In;

  template <Element T>
  static constexpr T apply(T x) {
    return static_cast<T>(detail::unary_reference(Op, alpha, beta, static_cast<double>(x)));
  }
  template <Element T, AShape In>
  static constexpr void reference(const no_params&, const T* x, T* y) {
    for (std::size_t i = 0; i < In::size; ++i) y[i] = apply(x[i]);
  }
};

struct Identity : unary_layer<unary_op::identity> {};
// Dropout is the identity at inference.
struct Dropout : unary_layer<unary_op::identity> {};
struct ReLU : unary_layer<unary_op::relu> {};
struct ReLU6 : unary_layer<unary_op::relu6> {};
struct SELU : unary_layer<unary_op::selu> {};
struct Sigmoid : unary_layer<unary_op::sigmoid> {};
struct HardSigmoid : unary_layer<unary_op::hard_sigmoid> {};  // relu6(x + 3) / 6, as nn.Hardsigmoid
struct Tanh : unary_layer<unary_op::tanh> {};
struct SiLU : unary_layer<unary_op::silu> {};
struct Mish : unary_layer<unary_op::mish> {};
struct HardSwish : unary_layer<unary_op::hard_swish> {};
struct Softsign : unary_layer<unary_op::softsign> {};

template <Constant Slope>
struct LeakyReLUWith : unary_layer<unary_op::leaky_relu, Slope> {
  template <Constant S>
  using with = LeakyReLUWith<S>;
};
using LeakyReLU = LeakyReLUWith<std::ratio<1, 100>>;

template <Constant Alpha>
struct ELUWith : unary_layer<unary_op::elu, Alpha> {
  template <Constant A>
  using with = ELUWith<A>;
};
using ELU = ELUWith<std::ratio<1>>;

template <Constant Alpha>
struct CELUWith : unary_layer<unary_op::celu, Alpha> {
  static_assert(constant_v<Alpha> != 0.0, "ctinfer: CELU needs a non-zero alpha");
  template <Constant A>
  using with = CELUWith<A>;
};
using CELU = CELUWith<std::ratio<1>>;

template <Constant Beta, Constant Threshold>
struct SoftplusWith : unary_layer<unary_op::softplus, Beta, Threshold> {
  static_assert(constant_v<Beta> > 0.0, "ctinfer: Softplus needs beta > 0");
  template <Constant B, Constant Th = std::ratio<20>>
  using with = SoftplusWith<B, Th>;
};
using Softplus = SoftplusWith<std::ratio<1>, std::ratio<20>>;

template <bool TanhApproximation>
struct GELUWith
    : unary_layer<TanhApproximation ? unary_op::gelu_tanh : unary_op::gelu_erf> {
  using erf = GELUWith<false>;
  using tanh = GELUWith<true>;
};
using GELU = GELUWith<false>;

}  // namespace ctinfer
