// ctinfer/layers/conv_transpose.hpp - transposed convolutions (torch.nn.ConvTranspose1d/2d).
//
// ConvTranspose2D<Out, Options...> maps (C, H, W) to (Out, H', W') with
//   H' = (H - 1) * stride - pad_top - pad_bottom + dilation * (kernel - 1) + output_pad + 1,
// the gradient of a Conv2D with the same options; ConvTranspose1D maps (C, L) to (Out, L').
// Options: Kernel (required), Stride, Pad / Pads (cropping, as PyTorch's padding), Dilation,
// Groups, OutputPad (PyTorch's output_padding: smaller than the stride or the dilation),
// NoBias. Parameters in PyTorch's layout: weight[C][Out / groups][kh][kw], then bias[Out].
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<8, 7, 7>>,
//       ci::ConvTranspose2D<4, ci::Kernel<3>, ci::Stride<2>, ci::Pad<1>, ci::OutputPad<1>>>;
//   static_assert(std::is_same_v<ci::output_shape_t<Net>, ci::Shape<4, 14, 14>>);
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/core/window.hpp"
#include "ctinfer/layers/conv.hpp"
#include "ctinfer/layers/detail/spatial.hpp"
#include "ctinfer/layers/layer.hpp"
#include "ctinfer/layers/options.hpp"

namespace ctinfer {

namespace rule {
template <std::size_t LayerIndex, class Layer, class InputShape>
struct conv_transpose_output_pad_below_stride_or_dilation {
  static constexpr bool ok = Layer::output_pad_ok;
  static_assert(ok, "ctinfer: OutputPad<p> must be smaller than the stride or the dilation along its "
                    "axis (as PyTorch's output_padding), one value or one per spatial axis");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct conv_transpose_output_not_empty {
  static constexpr bool ok = Layer::template fits<InputShape>;
  static_assert(ok, "ctinfer: the padding crops away the whole output of this ConvTranspose");
};
}  // namespace rule

template <class T, std::size_t In, std::size_t PerInput, std::size_t Out, bool HasBias>
struct conv_transpose_params {
  static constexpr std::size_t count = In * PerInput + (HasBias ? Out : 0);
  std::array<T, In * PerInput> weight{};  // [C][Out / groups][kh][kw], as nn.ConvTranspose2d.weight
  std::array<T, Out> bias{};
  constexpr std::array<std::span<T>, 2> tensors() { return {std::span<T>(weight), std::span<T>(bias)}; }
};
template <class T, std::size_t In, std::size_t PerInput, std::size_t Out>
struct conv_transpose_params<T, In, PerInput, Out, false> {
  static constexpr std::size_t count = In * PerInput;
  std::array<T, In * PerInput> weight{};
  constexpr std::array<std::span<T>, 1> tensors() { return {std::span<T>(weight)}; }
};

namespace detail {
template <class Self, std::size_t Dims, std::size_t Out, class... Opts>
struct conv_transpose_layer {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::conv;
  static constexpr bool transposed = true;
  static constexpr std::size_t dims = Dims;
  static constexpr std::size_t out_channels = Out;
  static constexpr bool has_bias = option_count_v<option::kind::bias, Opts...> == 0;
  static constexpr std::size_t groups = [] {
    using G = option_t<option::kind::groups, Opts...>;
    return G::count == 0 ? std::size_t{1} : G::values[0];
  }();

  static constexpr bool options_ok =
      options_known_and_unique<option_kinds<option::kind::kernel, option::kind::stride, option::kind::pad,
                                            option::kind::dilation, option::kind::groups, option::kind::bias,
                                            option::kind::output_pad>,
                               Opts...>() &&
      option_t<option::kind::pad, Opts...>::form != pad_form::same &&
      option_t<option::kind::pad, Opts...>::form != pad_form::causal;
  static constexpr bool kernel_ok = kernel_given<Dims, Opts...>();
  static constexpr bool values_ok = option_values_fit<Dims, Opts...>();
  static constexpr std::array<std::size_t, Dims> output_pad =
      per_axis<Dims, option_t<option::kind::output_pad, Opts...>>(0);
  static constexpr bool output_pad_ok = [] {
    using OP = option_t<option::kind::output_pad, Opts...>;
    if (!per_axis_count_ok<Dims, OP>) return false;
    const auto s = per_axis<Dims, option_t<option::kind::stride, Opts...>>(1);
    const auto d = per_axis<Dims, option_t<option::kind::dilation, Opts...>>(1);
    for (std::size_t a = 0; a < Dims; ++a)
      if (output_pad[a] >= s[a] && output_pad[a] >= d[a]) return false;
    return true;
  }();

  // The window of the matching Conv read backwards: kernel, stride (upsampling), dilation,
  // pads (cropping), and the output extents of the transposed convolution.
  template <AShape In>
  static constexpr window_geometry geometry = [] {
    window_geometry g = make_geometry<Dims, In, Out, false, Opts...>();
    auto extent = [](std::size_t in, std::size_t k, std::size_t s, std::size_t d, std::size_t pb, std::size_t pe,
                     std::size_t op) -> std::size_t {
      const std::size_t full = (in - 1) * s + d * (k - 1) + op + 1;
      return full > pb + pe ? full - pb - pe : 0;
    };
    g.out_h = Dims == 2 ? extent(g.in_h, g.kernel_h, g.stride_h, g.dilation_h, g.pad_top, g.pad_bottom, output_pad[0])
                        : 1;
    g.out_w = extent(g.in_w, g.kernel_w, g.stride_w, g.dilation_w, g.pad_left, g.pad_right, output_pad[Dims - 1]);
    return g;
  }();
  template <AShape In>
  static constexpr bool fits = geometry<In>.out_h > 0 && geometry<In>.out_w > 0;

  template <std::size_t I, AShape In>
  static constexpr bool check =
      rules_hold_in_order<
          rule::window_options_are_known_and_unique<I, Self, In>,
          rule::conv_needs_output_channels<I, Self, In>,
          rule::window_needs_a_kernel<I, Self, In>,
          rule::window_option_values_fit_the_axes<I, Self, In>,
          rule::conv_transpose_output_pad_below_stride_or_dilation<I, Self, In>,
          rule::window_needs_channels_first_input<I, Self, In>,
          rule::conv_channels_divisible_by_groups<I, Self, In>,
          rule::conv_transpose_output_not_empty<I, Self, In>>();

  template <AShape In>
  using output_shape = spatial_shape_t<Dims, Out, geometry<In>.out_h, geometry<In>.out_w>;

  template <Element T, AShape In>
  using params = conv_transpose_params<T, In::dims[0], Out / groups * geometry<In>.kernel_h * geometry<In>.kernel_w,
                                       Out, has_bias>;

  // Scalar reference, channels-first: every input value scattered through the kernel.
  template <Element T, AShape In>
  static constexpr void reference(const params<T, In>& p, const T* x, T* y) {
    constexpr window_geometry g = geometry<In>;
    constexpr std::size_t icg = g.in_channels / groups, ocg = Out / groups;
    for (std::size_t o = 0; o < Out; ++o)
      for (std::size_t i = 0; i < g.out_h * g.out_w; ++i) {
        T b = T(0);
        if constexpr (has_bias) b = p.bias[o];
        y[o * g.out_h * g.out_w + i] = b;
      }
    for (std::size_t c = 0; c < g.in_channels; ++c) {
      const std::size_t group = c / icg;
      for (std::size_t ih = 0; ih < g.in_h; ++ih)
        for (std::size_t iw = 0; iw < g.in_w; ++iw) {
          const T v = x[(c * g.in_h + ih) * g.in_w + iw];
          for (std::size_t oo = 0; oo < ocg; ++oo)
            for (std::size_t kh = 0; kh < g.kernel_h; ++kh) {
              const std::size_t oh = ih * g.stride_h + kh * g.dilation_h;  // + pad_top
              if (oh < g.pad_top || oh - g.pad_top >= g.out_h) continue;
              for (std::size_t kw = 0; kw < g.kernel_w; ++kw) {
                const std::size_t ow = iw * g.stride_w + kw * g.dilation_w;
                if (ow < g.pad_left || ow - g.pad_left >= g.out_w) continue;
                const T w = p.weight[((c * ocg + oo) * g.kernel_h + kh) * g.kernel_w + kw];
                const std::size_t o = group * ocg + oo;
                y[(o * g.out_h + oh - g.pad_top) * g.out_w + ow - g.pad_left] += v * w;
              }
            }
        }
    }
  }
};
}  // namespace detail

template <std::size_t Out, class... Options>
struct ConvTranspose1D : detail::conv_transpose_layer<ConvTranspose1D<Out, Options...>, 1, Out, Options...> {};
template <std::size_t Out, class... Options>
struct ConvTranspose2D : detail::conv_transpose_layer<ConvTranspose2D<Out, Options...>, 2, Out, Options...> {};

}  // namespace ctinfer
