// ctinfer/layers/pooling.hpp - pooling (torch.nn.MaxPool1d/2d, AvgPool1d/2d,
// AdaptiveAvgPool/AdaptiveMaxPool to size 1).
//
// MaxPool2D<Options...> / AvgPool2D<Options...> map (C, H, W) to (C, H', W'); the 1-D forms
// map (C, L) to (C, L'). Options (layers/options.hpp): Kernel (required), Stride (default: the
// kernel, as in PyTorch), Pad / Pads, Dilation (max only), CeilMode, ExcludePad (avg only:
// count_include_pad=False). Padding never wins a max; an average divides by the window
// clipped to the padded input (PyTorch's rule), or to the input with ExcludePad.
// GlobalAvgPool / GlobalMaxPool reduce every spatial axis to 1 and keep the rank:
// (C, H, W) -> (C, 1, 1), as nn.AdaptiveAvgPool2d(1) and ONNX GlobalAveragePool.
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<8, 28, 28>>, ci::MaxPool2D<ci::Kernel<2>>>;
//   static_assert(std::is_same_v<ci::output_shape_t<Net>, ci::Shape<8, 14, 14>>);
//
// No parameters.
#pragma once

#include <cstddef>
#include <type_traits>

#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/layers/detail/spatial.hpp"
#include "ctinfer/layers/layer.hpp"
#include "ctinfer/layers/options.hpp"

namespace ctinfer {

namespace rule {
template <std::size_t LayerIndex, class Layer, class InputShape>
struct global_pool_needs_a_spatial_axis {
  static constexpr bool ok = InputShape::rank == 2 || InputShape::rank == 3;
  static_assert(ok, "ctinfer: GlobalAvgPool / GlobalMaxPool need a (C, L) or (C, H, W) input");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct pool_windows_touch_the_input {
  static constexpr bool ok = Layer::template windows_touch_input<InputShape>;
  static_assert(ok, "ctinfer: a pooling window lies entirely in the padding; use less padding");
};
}  // namespace rule

enum class pool_op { max, average };

namespace detail {
template <class Self, std::size_t Dims, pool_op Op, class... Opts>
struct pool_layer {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::pool;
  static constexpr std::size_t dims = Dims;
  static constexpr pool_op op = Op;
  static constexpr bool global = false;

  // Dilation only for max pooling, ExcludePad only for averages, no PadSame.
  static constexpr bool options_ok =
      options_known_and_unique<
          std::conditional_t<Op == pool_op::max,
                             option_kinds<option::kind::kernel, option::kind::stride, option::kind::pad,
                                          option::kind::dilation, option::kind::ceil_mode>,
                             option_kinds<option::kind::kernel, option::kind::stride, option::kind::pad,
                                          option::kind::ceil_mode, option::kind::exclude_pad>>,
          Opts...>() &&
      option_t<option::kind::pad, Opts...>::form != pad_form::same &&
      option_t<option::kind::pad, Opts...>::form != pad_form::causal;
  static constexpr bool kernel_ok = kernel_given<Dims, Opts...>();
  static constexpr bool values_ok = option_values_fit<Dims, Opts...>();

  template <AShape In>
  static constexpr window_geometry geometry = make_geometry<Dims, In, 0, true, Opts...>();
  template <AShape In>
  static constexpr bool fits = geometry<In>.out_h > 0 && geometry<In>.out_w > 0;

  // Every window holds at least one input value: the first ends past the leading padding,
  // the last starts before the input's end.
  template <AShape In>
  static constexpr bool windows_touch_input = [] {
    constexpr window_geometry g = geometry<In>;
    return g.pad_top < g.dilation_h * (g.kernel_h - 1) + 1 && g.pad_left < g.dilation_w * (g.kernel_w - 1) + 1 &&
           (g.out_h - 1) * g.stride_h < g.in_h + g.pad_top && (g.out_w - 1) * g.stride_w < g.in_w + g.pad_left;
  }();

  template <std::size_t I, AShape In>
  static constexpr bool check =
      rules_hold_in_order<
          rule::window_options_are_known_and_unique<I, Self, In>,
          rule::window_needs_a_kernel<I, Self, In>,
          rule::window_option_values_fit_the_axes<I, Self, In>,
          rule::window_needs_channels_first_input<I, Self, In>,
          rule::window_fits_the_padded_input<I, Self, In>,
          rule::pool_windows_touch_the_input<I, Self, In>>();

  template <AShape In>
  using output_shape = spatial_shape_t<Dims, In::dims[0], geometry<In>.out_h, geometry<In>.out_w>;

  // Scalar reference, channels-first.
  template <Element T, AShape In>
  static constexpr void reference(const no_params&, const T* x, T* y) {
    constexpr window_geometry g = geometry<In>;
    for (std::size_t c = 0; c < g.in_channels; ++c)
      for (std::size_t oh = 0; oh < g.out_h; ++oh)
        for (std::size_t ow = 0; ow < g.out_w; ++ow) {
          T acc = T(0);
          bool any = false;
          std::size_t count = 0;
          for (std::size_t kh = 0; kh < g.kernel_h; ++kh) {
            const std::size_t ih = oh * g.stride_h + kh * g.dilation_h;
            if (ih < g.pad_top || ih - g.pad_top >= g.in_h) continue;
            for (std::size_t kw = 0; kw < g.kernel_w; ++kw) {
              const std::size_t iw = ow * g.stride_w + kw * g.dilation_w;
              if (iw < g.pad_left || iw - g.pad_left >= g.in_w) continue;
              const T v = x[(c * g.in_h + ih - g.pad_top) * g.in_w + iw - g.pad_left];
              if constexpr (Op == pool_op::max)
                acc = !any || v > acc || v != v ? v : acc;  // a NaN wins, and stays (PyTorch)
              else
                acc += v;
              any = true;
              ++count;
            }
          }
          if constexpr (Op == pool_op::average)
            acc = acc / static_cast<T>(g.exclude_pad ? count : g.padded_window(oh, ow));
          y[(c * g.out_h + oh) * g.out_w + ow] = acc;
        }
  }
};

template <pool_op Op>
struct global_pool_layer {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::pool;
  static constexpr pool_op op = Op;
  static constexpr bool global = true;

  template <std::size_t I, AShape In>
  static constexpr bool check = rule_holds<rule::global_pool_needs_a_spatial_axis<I, global_pool_layer, In>>;

  template <AShape In>
  using output_shape = spatial_shape_t<In::rank - 1, In::dims[0], 1, 1>;

  template <AShape In>
  static constexpr window_geometry geometry = [] {
    window_geometry g;
    g.in_channels = g.out_channels = In::dims[0];
    g.in_h = In::rank == 3 ? In::dims[1] : 1;
    g.in_w = In::dims[In::rank - 1];
    g.kernel_h = g.stride_h = g.in_h;
    g.kernel_w = g.stride_w = g.in_w;
    return g;
  }();

  template <Element T, AShape In>
  static constexpr void reference(const no_params&, const T* x, T* y) {
    constexpr std::size_t C = In::dims[0], n = In::size / C;
    for (std::size_t c = 0; c < C; ++c) {
      T acc = x[c * n];
      for (std::size_t i = 1; i < n; ++i) {
        const T v = x[c * n + i];
        if constexpr (Op == pool_op::max)
          acc = v > acc || v != v ? v : acc;
        else
          acc += v;
      }
      if constexpr (Op == pool_op::average) acc = acc / static_cast<T>(n);
      y[c] = acc;
    }
  }
};
}  // namespace detail

template <class... Options>
struct MaxPool1D : detail::pool_layer<MaxPool1D<Options...>, 1, pool_op::max, Options...> {};
template <class... Options>
struct MaxPool2D : detail::pool_layer<MaxPool2D<Options...>, 2, pool_op::max, Options...> {};
template <class... Options>
struct AvgPool1D : detail::pool_layer<AvgPool1D<Options...>, 1, pool_op::average, Options...> {};
template <class... Options>
struct AvgPool2D : detail::pool_layer<AvgPool2D<Options...>, 2, pool_op::average, Options...> {};
struct GlobalAvgPool : detail::global_pool_layer<pool_op::average> {};
struct GlobalMaxPool : detail::global_pool_layer<pool_op::max> {};

}  // namespace ctinfer
