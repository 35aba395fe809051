// ctinfer/layers/zero_pad.hpp - zero padding of the spatial axes (torch.nn.ZeroPad2d,
// ConstantPad1d(..., 0)).
//
// ZeroPad<ci::Pad<p>> pads every spatial side by p; ZeroPad<ci::Pad<ph, pw>> per axis;
// ZeroPad<ci::Pads<top, left, bottom, right>> (1-D: Pads<begin, end>) side by side, in
// ONNX's order (PyTorch's ZeroPad2d((left, right, top, bottom)) is Pads<top, left, bottom, right>).
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<3, 6, 6>>,
//                              ci::ZeroPad<ci::Pads<2, 1, 0, 1>>, ci::Conv2D<4, ci::Kernel<3>>>;
//
// No parameters. Right before a Conv it costs nothing: it becomes that convolution's
// padding. Elsewhere it is a step that copies into a zeroed border.
#pragma once

#include <cstddef>

#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/core/window.hpp"
#include "ctinfer/layers/detail/spatial.hpp"
#include "ctinfer/layers/layer.hpp"
#include "ctinfer/layers/options.hpp"

namespace ctinfer {

namespace rule {
template <std::size_t LayerIndex, class Layer, class InputShape>
struct zero_pad_needs_spatial_input_and_pads {
  static constexpr bool ok = (InputShape::rank == 2 || InputShape::rank == 3) && Layer::option_ok &&
                             detail::pad_count_ok<InputShape::rank - 1, typename Layer::pad_option>;
  static_assert(ok, "ctinfer: ZeroPad takes a (C, L) or (C, H, W) input and ci::Pad<p> (one value or one "
                    "per spatial axis) or ci::Pads<begins..., ends...>");
};
}  // namespace rule

template <class PadOption>
struct ZeroPad {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::resample;
  static constexpr bool zero_pad = true;
  using pad_option = std::conditional_t<Option<PadOption>, PadOption, detail::no_option>;
  static constexpr bool option_ok = [] {
    if constexpr (Option<PadOption>)
      return PadOption::ctinfer_option == option::kind::pad && PadOption::form != pad_form::same &&
             PadOption::form != pad_form::causal;
    else
      return false;
  }();

  template <std::size_t I, AShape In>
  static constexpr bool check = detail::rule_holds<rule::zero_pad_needs_spatial_input_and_pads<I, ZeroPad, In>>;

  // As a window of kernel 1 and stride 1: the pads and the padded extents.
  template <AShape In>
  static constexpr window_geometry geometry = [] {
    constexpr std::size_t dims = In::rank - 1;
    window_geometry g = detail::make_geometry<dims, In, 0, false, pad_option>();
    g.out_h = g.in_h + g.pad_top + g.pad_bottom;
    g.out_w = g.in_w + g.pad_left + g.pad_right;
    return g;
  }();

  template <AShape In>
  using output_shape = detail::spatial_shape_t<In::rank - 1, In::dims[0], geometry<In>.out_h, geometry<In>.out_w>;

  template <Element T, AShape In>
  static constexpr void reference(const no_params&, const T* x, T* y) {
    constexpr window_geometry g = geometry<In>;
    for (std::size_t c = 0; c < g.in_channels; ++c)
      for (std::size_t oh = 0; oh < g.out_h; ++oh)
        for (std::size_t ow = 0; ow < g.out_w; ++ow) {
          const bool inside = oh >= g.pad_top && oh - g.pad_top < g.in_h && ow >= g.pad_left && ow - g.pad_left < g.in_w;
          y[(c * g.out_h + oh) * g.out_w + ow] =
              inside ? x[(c * g.in_h + oh - g.pad_top) * g.in_w + ow - g.pad_left] : T(0);
        }
  }
};

}  // namespace ctinfer
