// ctinfer/layers/upsample.hpp - nearest-neighbour upsampling by integer factors
// (torch.nn.Upsample(scale_factor=s, mode='nearest')).
//
// Upsample<S> repeats every value S times along each spatial axis; Upsample<SH, SW> per axis:
//   (C, H, W) -> (C, H * SH, W * SW),   (C, L) -> (C, L * S)
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<8, 7, 7>>, ci::Upsample<2>>;  // -> (8, 14, 14)
//
// No parameters. Between convolutions it reads and writes channels-last, with the
// elementwise layers after it in its store.
#pragma once

#include <array>
#include <cstddef>

#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/core/window.hpp"
#include "ctinfer/layers/detail/spatial.hpp"
#include "ctinfer/layers/layer.hpp"

namespace ctinfer {

namespace rule {
template <std::size_t LayerIndex, class Layer, class InputShape>
struct upsample_needs_spatial_input_and_factors {
  static constexpr bool ok = (InputShape::rank == 2 || InputShape::rank == 3) &&
                             (Layer::factor_count == 1 || Layer::factor_count == InputShape::rank - 1) &&
                             Layer::factors_positive;
  static_assert(ok, "ctinfer: Upsample<S> or Upsample<SH, SW> takes a (C, L) or (C, H, W) input and one "
                    "factor > 0, or one per spatial axis");
};
}  // namespace rule

template <std::size_t... Factors>
struct Upsample {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::resample;
  static constexpr bool zero_pad = false;
  static constexpr std::size_t factor_count = sizeof...(Factors);
  static constexpr bool factors_positive = sizeof...(Factors) > 0 && ((Factors > 0) && ...);
  static constexpr std::array<std::size_t, sizeof...(Factors)> factors{Factors...};

  template <std::size_t I, AShape In>
  static constexpr bool check = detail::rule_holds<rule::upsample_needs_spatial_input_and_factors<I, Upsample, In>>;

  // The step reads it as a window: kernel 1, the factors as an inverse stride.
  template <AShape In>
  static constexpr window_geometry geometry = [] {
    window_geometry g;
    g.in_channels = g.out_channels = In::dims[0];
    g.in_h = In::rank == 3 ? In::dims[1] : 1;
    g.in_w = In::dims[In::rank - 1];
    g.stride_h = In::rank == 3 ? factors[0] : 1;  // the factors, for the kernel
    g.stride_w = factors[factor_count == 1 ? 0 : factor_count - 1];
    g.out_h = g.in_h * g.stride_h;
    g.out_w = g.in_w * g.stride_w;
    return g;
  }();

  template <AShape In>
  using output_shape = detail::spatial_shape_t<In::rank - 1, In::dims[0], geometry<In>.out_h, geometry<In>.out_w>;

  template <Element T, AShape In>
  static constexpr void reference(const no_params&, const T* x, T* y) {
    constexpr window_geometry g = geometry<In>;
    for (std::size_t c = 0; c < g.in_channels; ++c)
      for (std::size_t oh = 0; oh < g.out_h; ++oh)
        for (std::size_t ow = 0; ow < g.out_w; ++ow)
          y[(c * g.out_h + oh) * g.out_w + ow] = x[(c * g.in_h + oh / g.stride_h) * g.in_w + ow / g.stride_w];
  }
};

}  // namespace ctinfer
