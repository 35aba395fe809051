// ctinfer/layers/conv.hpp - convolutions (torch.nn.Conv1d, torch.nn.Conv2d).
//
// Conv2D<Out, Options...> maps (C, H, W) to (Out, H', W'); Conv1D<Out, Options...> maps
// (C, L) to (Out, L'). Options (layers/options.hpp, any order): Kernel (required), Stride,
// Pad / Pads / PadSame, Dilation, Groups, NoBias. Defaults are PyTorch's: stride 1, no padding,
// dilation 1, one group, with bias.
// Parameters in PyTorch's layout: weight[Out][C / groups][kh][kw] (1-D: [Out][C/groups][k]),
// then bias[Out].
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<3, 32, 32>>,
//                              ci::Conv2D<16, ci::Kernel<3>, ci::Stride<2>, ci::Pad<1>>>;
//   static_assert(std::is_same_v<ci::output_shape_t<Net>, ci::Shape<16, 16, 16>>);
//
// A BatchNorm right after a convolution is folded into its weights; activations after it
// run in its store. Depthwise (Groups<C> with C outputs) has a kernel of its own when its
// input is channels-last (any input but the network's own, or one read through a view).
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/layers/detail/spatial.hpp"
#include "ctinfer/layers/layer.hpp"
#include "ctinfer/layers/options.hpp"

namespace ctinfer {

namespace rule {
template <std::size_t LayerIndex, class Layer, class InputShape>
struct conv_channels_divisible_by_groups {
  static constexpr bool ok = Layer::groups > 0 && InputShape::dims[0] % Layer::groups == 0 &&
                             Layer::out_channels % Layer::groups == 0;
  static_assert(ok, "ctinfer: a convolution's input channels and output channels must both be "
                    "divisible by Groups<G>");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct conv_needs_output_channels {
  static constexpr bool ok = Layer::out_channels > 0;
  static_assert(ok, "ctinfer: Conv1D<Out, ...> / Conv2D<Out, ...> need Out > 0 output channels");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct conv_same_padding_needs_stride_1 {
  static constexpr bool ok = Layer::same_padding_ok;
  static_assert(ok, "ctinfer: PadSame (padding='same') needs stride 1, as in PyTorch");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct conv_causal_needs_1d_and_stride_1 {
  static constexpr bool ok = Layer::causal_ok;
  static_assert(ok, "ctinfer: Causal is an option of Conv1D with stride 1 (output t reads inputs up to t)");
};
}  // namespace rule

template <class T, std::size_t Out, std::size_t PerOutput, bool HasBias>
struct conv_params {
  static constexpr std::size_t count = Out * PerOutput + (HasBias ? Out : 0);
  std::array<T, Out * PerOutput> weight{};  // [Out][C / groups][kh][kw], as nn.Conv2d.weight
  std::array<T, Out> bias{};
  constexpr std::array<std::span<T>, 2> tensors() { return {std::span<T>(weight), std::span<T>(bias)}; }
};
template <class T, std::size_t Out, std::size_t PerOutput>
struct conv_params<T, Out, PerOutput, false> {
  static constexpr std::size_t count = Out * PerOutput;
  std::array<T, Out * PerOutput> weight{};
  constexpr std::array<std::span<T>, 1> tensors() { return {std::span<T>(weight)}; }
};

namespace detail {
// Self: the user-facing layer type, so diagnostics name Conv2D<...>, not this base.
template <class Self, std::size_t Dims, std::size_t Out, class... Opts>
struct conv_layer {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::conv;
  static constexpr std::size_t dims = Dims;
  static constexpr std::size_t out_channels = Out;
  static constexpr bool has_bias = option_count_v<option::kind::bias, Opts...> == 0;
  static constexpr std::size_t groups = [] {
    using G = option_t<option::kind::groups, Opts...>;
    return G::count == 0 ? std::size_t{1} : G::values[0];
  }();

  static constexpr bool options_ok =
      options_known_and_unique<option_kinds<option::kind::kernel, option::kind::stride, option::kind::pad,
                                            option::kind::dilation, option::kind::groups, option::kind::bias>,
                               Opts...>();
  static constexpr bool kernel_ok = kernel_given<Dims, Opts...>();
  static constexpr bool values_ok = option_values_fit<Dims, Opts...>();
  static constexpr bool same_padding_ok = [] {
    using P = option_t<option::kind::pad, Opts...>;
    using S = option_t<option::kind::stride, Opts...>;
    if constexpr (P::form != pad_form::same) {
      return true;
    } else {
      for (std::size_t v : S::values)
        if (v != 1) return false;
      return true;
    }
  }();

  static constexpr bool causal = option_t<option::kind::pad, Opts...>::form == pad_form::causal;
  static constexpr bool causal_ok = [] {
    if constexpr (!causal) {
      return true;
    } else {
      for (std::size_t v : option_t<option::kind::stride, Opts...>::values)
        if (v != 1) return false;
      return Dims == 1;
    }
  }();

  template <AShape In>
  static constexpr window_geometry geometry = make_geometry<Dims, In, Out, false, Opts...>();
  template <AShape In>
  static constexpr bool fits = geometry<In>.out_h > 0 && geometry<In>.out_w > 0;

  template <std::size_t I, AShape In>
  static constexpr bool check =
      rules_hold_in_order<
          rule::window_options_are_known_and_unique<I, Self, In>,
          rule::conv_needs_output_channels<I, Self, In>,
          rule::window_needs_a_kernel<I, Self, In>,
          rule::window_option_values_fit_the_axes<I, Self, In>,
          rule::conv_same_padding_needs_stride_1<I, Self, In>,
          rule::conv_causal_needs_1d_and_stride_1<I, Self, In>,
          rule::window_needs_channels_first_input<I, Self, In>,
          rule::conv_channels_divisible_by_groups<I, Self, In>,
          rule::window_fits_the_padded_input<I, Self, In>>();

  template <AShape In>
  using output_shape =
      spatial_shape_t<Dims, Out, geometry<In>.out_h, geometry<In>.out_w>;

  template <Element T, AShape In>
  using params = conv_params<T, Out, In::dims[0] / groups * geometry<In>.kernel_h * geometry<In>.kernel_w,
                             has_bias>;

  // Scalar reference, channels-first in and out.
  template <Element T, AShape In>
  static constexpr void reference(const params<T, In>& p, const T* x, T* y) {
    constexpr window_geometry g = geometry<In>;
    constexpr std::size_t icg = g.in_channels / groups, ocg = Out / groups;
    for (std::size_t oc = 0; oc < Out; ++oc) {
      const std::size_t group = oc / ocg;
      for (std::size_t oh = 0; oh < g.out_h; ++oh)
        for (std::size_t ow = 0; ow < g.out_w; ++ow) {
          T acc = T(0);
          if constexpr (has_bias) acc = p.bias[oc];
          for (std::size_t c = 0; c < icg; ++c)
            for (std::size_t kh = 0; kh < g.kernel_h; ++kh) {
              const std::size_t ih = oh * g.stride_h + kh * g.dilation_h;  // + pad_top
              if (ih < g.pad_top || ih - g.pad_top >= g.in_h) continue;
              for (std::size_t kw = 0; kw < g.kernel_w; ++kw) {
                const std::size_t iw = ow * g.stride_w + kw * g.dilation_w;  // + pad_left
                if (iw < g.pad_left || iw - g.pad_left >= g.in_w) continue;
                const T w = p.weight[((oc * icg + c) * g.kernel_h + kh) * g.kernel_w + kw];
                acc += w * x[((group * icg + c) * g.in_h + ih - g.pad_top) * g.in_w + iw - g.pad_left];
              }
            }
          y[(oc * g.out_h + oh) * g.out_w + ow] = acc;
        }
    }
  }
};
}  // namespace detail

template <std::size_t Out, class... Options>
struct Conv1D : detail::conv_layer<Conv1D<Out, Options...>, 1, Out, Options...> {};
template <std::size_t Out, class... Options>
struct Conv2D : detail::conv_layer<Conv2D<Out, Options...>, 2, Out, Options...> {};

}  // namespace ctinfer
