// ctinfer/layers/reshape.hpp - layers that only rename the shape: Flatten, Reshape.
//
// They cost nothing at run time: the next step reads the same buffer.
//
//   ci::Flatten                      // (C, H, W) -> (C*H*W), as nn.Flatten on a batch
//   ci::Reshape<ci::Shape<4, 6>>     // (24) -> (4, 6); the element count must not change
#pragma once

#include <cstddef>

#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/layers/layer.hpp"

namespace ctinfer {

namespace rule {
template <std::size_t LayerIndex, class Layer, class InputShape>
struct reshape_keeps_size {
  static constexpr bool ok = InputShape::size == Layer::target::size;
  static_assert(ok,
                "ctinfer: Reshape must keep the number of elements (the input shape and the "
                "Reshape target differ in size)");
};
}  // namespace rule

struct Flatten {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::view;
  template <std::size_t I, AShape In>
  static constexpr bool check = true;
  template <AShape In>
  using output_shape = Shape<In::size>;
};

template <AShape Target>
struct Reshape {
  using ctinfer_layer = void;
  using target = Target;
  static constexpr layer_kind kind = layer_kind::view;
  template <std::size_t I, AShape In>
  static constexpr bool check = detail::rule_holds<rule::reshape_keeps_size<I, Reshape, In>>;
  template <AShape In>
  using output_shape = Target;
};

}  // namespace ctinfer
