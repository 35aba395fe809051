// ctinfer/layers/prelu.hpp - PReLU with learned slopes (torch.nn.PReLU).
//
//   ci::PReLU               // one slope for all values: nn.PReLU()          params: weight[1]
//   ci::PReLU::per_channel  // one slope per channel:    nn.PReLU(C)         params: weight[C]
//
// The channel axis is the first axis of the shape (PyTorch's dim 1 once the batch axis is
// added): the features of a (F) input, the C of (C, L) or (C, H, W).
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/core/unary_op.hpp"
#include "ctinfer/layers/layer.hpp"

namespace ctinfer {

namespace rule {
template <std::size_t LayerIndex, class Layer, class InputShape>
struct prelu_per_channel_needs_an_axis {
  static constexpr bool ok = !Layer::per_channel_slopes || InputShape::rank >= 1;
  static_assert(ok, "ctinfer: PReLU::per_channel needs an input with a channel axis (rank >= 1)");
};
}  // namespace rule

template <class T, std::size_t Count>
struct prelu_params {
  static constexpr std::size_t count = Count;
  std::array<T, Count> weight{};  // slopes, as nn.PReLU.weight
  constexpr std::array<std::span<T>, 1> tensors() { return {std::span<T>(weight)}; }
};

template <bool PerChannel>
struct PReLUWith {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::elementwise;
  static constexpr unary_op op = unary_op::prelu;
  static constexpr bool per_channel_slopes = PerChannel;
  using per_channel = PReLUWith<true>;

  template <std::size_t I, AShape In>
  static constexpr bool check = detail::rule_holds<rule::prelu_per_channel_needs_an_axis<I, PReLUWith, In>>;
  template <AShape In>
  using output_shape = In;

  // Number of slopes for input shape In.
  template <AShape In>
  static constexpr std::size_t channels = PerChannel ? In::dims[0] : 1;

  template <Element T, AShape In>
  using params = prelu_params<T, channels<In>>;

  template <Element T, AShape In>
  static constexpr void reference(const params<T, In>& p, const T* x, T* y) {
    constexpr std::size_t per_slope = In::size / channels<In>;
    for (std::size_t i = 0; i < In::size; ++i) {
      const T slope = p.weight[i / per_slope];
      y[i] = x[i] > T(0) ? x[i] : x[i] * slope;
    }
  }
};
using PReLU = PReLUWith<false>;

}  // namespace ctinfer
