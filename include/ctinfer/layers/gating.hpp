// ctinfer/layers/gating.hpp - gated activations on the channel axis (nn.GLU, WaveNet's gate).
//
// The channel axis (the first: the features of (F), the C of (C, L) or (C, H, W)) is split
// in halves a and b; the output has half the channels:
//
//   ci::GLU         // a * sigmoid(b), as nn.GLU(dim=1) with the batch axis (dim=-1 for (F))
//   ci::GatedTanh   // tanh(a) * sigmoid(b), WaveNet's gated activation unit
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<16, 30>>, ci::GLU>;   // -> (8, 30)
//
// No parameters.
#pragma once

#include <cstddef>

#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/core/detail/constexpr_math.hpp"
#include "ctinfer/layers/layer.hpp"

namespace ctinfer {

namespace rule {
template <std::size_t LayerIndex, class Layer, class InputShape>
struct gate_needs_even_channels {
  static constexpr bool ok = InputShape::rank >= 1 && InputShape::dims[0] % 2 == 0;
  static_assert(ok, "ctinfer: GLU and GatedTanh split the channel axis (the first) in halves: it needs "
                    "an even extent");
};
}  // namespace rule

namespace detail {
template <class Shape>
struct halve_channels;
template <std::size_t C, std::size_t... Rest>
struct halve_channels<Shape<C, Rest...>> {
  using type = Shape<C / 2, Rest...>;
};

// Self: the user-facing layer type, so diagnostics name GLU or GatedTanh.
template <class Self, bool TanhOfFirst>
struct gate_layer {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::gate;
  static constexpr bool tanh_of_first = TanhOfFirst;

  template <std::size_t I, AShape In>
  static constexpr bool check = rule_holds<rule::gate_needs_even_channels<I, Self, In>>;
  template <AShape In>
  using output_shape = typename halve_channels<In>::type;

  template <Element T, AShape In>
  static constexpr void reference(const no_params&, const T* x, T* y) {
    constexpr std::size_t half = In::size / 2;
    for (std::size_t i = 0; i < half; ++i) {
      const double a = static_cast<double>(x[i]), b = static_cast<double>(x[half + i]);
      y[i] = static_cast<T>((TanhOfFirst ? cmath::tanh(a) : a) * cmath::sigmoid(b));
    }
  }
};
}  // namespace detail

struct GLU : detail::gate_layer<GLU, false> {};
struct GatedTanh : detail::gate_layer<GatedTanh, true> {};

}  // namespace ctinfer
