// ctinfer/layers/detail/spatial.hpp - the geometry of a sliding-window layer (convolution,
// pooling), computed from its options and input shape; shared by the layers' shape rules and
// references and by the planner, so every rule about windows lives here once.
#pragma once

#include <array>
#include <cstddef>

#include "ctinfer/core/shape.hpp"
#include "ctinfer/core/window.hpp"
#include "ctinfer/layers/options.hpp"

namespace ctinfer::detail {

// Extent along one axis of a sliding window (0 if the window does not fit the padded input).
constexpr std::size_t window_outputs(std::size_t in, std::size_t k, std::size_t s, std::size_t d,
                                     std::size_t pb, std::size_t pe, bool ceil_mode) {
  const std::size_t span = d * (k - 1) + 1;
  if (s == 0 || k == 0 || in + pb + pe < span) return 0;
  const std::size_t room = in + pb + pe - span;
  std::size_t out = (ceil_mode ? (room + s - 1) / s : room / s) + 1;
  // PyTorch (and ONNX): the last window must start inside the input or the leading padding.
  if (ceil_mode && (out - 1) * s >= in + pb) --out;
  return out;
}

// Whether the option values have a valid count for Dims axes.
template <std::size_t Dims, class O>
inline constexpr bool per_axis_count_ok = O::count == 0 || O::count == 1 || O::count == Dims;
template <std::size_t Dims, class O>
inline constexpr bool pad_count_ok = O::form == pad_form::same || O::form == pad_form::causal ? O::count == 0
                                     : O::form == pad_form::begin_end ? O::count == 2 * Dims
                                                                      : per_axis_count_ok<Dims, O>;

// The option checks every window layer makes (each rule in one place):
// - options_known_and_unique: every option is an Option, of a kind in Allowed, at most once;
// - kernel_given: Kernel with one value or one per axis, each > 0;
// - option_values_fit: Stride and Dilation > 0, one value or one per axis; Pad one or one per
//   axis, Pads two per axis.
template <class Allowed, class... Opts>
constexpr bool options_known_and_unique() {
  if constexpr (!(Option<Opts> && ...)) {
    return false;
  } else {
    for (option::kind k : Allowed::kinds)
      if (((Opts::ctinfer_option == k) + ... + 0) > 1) return false;
    auto allowed = [](option::kind k) {
      for (option::kind a : Allowed::kinds)
        if (a == k) return true;
      return false;
    };
    return (allowed(Opts::ctinfer_option) && ...);
  }
}
template <std::size_t Dims, class... Opts>
constexpr bool kernel_given() {
  using K = option_t<option::kind::kernel, Opts...>;
  if (!(K::count == 1 || K::count == Dims)) return false;
  for (std::size_t v : K::values)
    if (v == 0) return false;
  return true;
}
template <std::size_t Dims, class... Opts>
constexpr bool option_values_fit() {
  using S = option_t<option::kind::stride, Opts...>;
  using D = option_t<option::kind::dilation, Opts...>;
  using P = option_t<option::kind::pad, Opts...>;
  for (std::size_t v : S::values)
    if (v == 0) return false;
  for (std::size_t v : D::values)
    if (v == 0) return false;
  return per_axis_count_ok<Dims, S> && per_axis_count_ok<Dims, D> && pad_count_ok<Dims, P>;
}
template <option::kind... K>
struct option_kinds {
  static constexpr option::kind kinds[] = {K...};
};

// Geometry of a window layer with `Dims` spatial axes on input In (C, [H,] W). OutChannels is
// 0 for pooling (channels kept). StrideDefaultsToKernel: pooling's PyTorch default.
template <std::size_t Dims, AShape In, std::size_t OutChannels, bool StrideDefaultsToKernel, class... Opts>
constexpr window_geometry make_geometry() {
  using kernel_o = option_t<option::kind::kernel, Opts...>;
  using stride_o = option_t<option::kind::stride, Opts...>;
  using dilation_o = option_t<option::kind::dilation, Opts...>;
  using pad_o = option_t<option::kind::pad, Opts...>;
  using groups_o = option_t<option::kind::groups, Opts...>;
  window_geometry g;
  g.in_channels = In::dims[0];
  g.in_h = Dims == 2 ? In::dims[1] : 1;
  g.in_w = In::dims[In::rank - 1];
  g.out_channels = OutChannels == 0 ? g.in_channels : OutChannels;
  const auto k = per_axis<Dims, kernel_o>(1);
  const auto s = StrideDefaultsToKernel && stride_o::count == 0 ? k : per_axis<Dims, stride_o>(1);
  const auto d = per_axis<Dims, dilation_o>(1);
  g.kernel_h = Dims == 2 ? k[0] : 1;
  g.kernel_w = k[Dims - 1];
  g.stride_h = Dims == 2 ? s[0] : 1;
  g.stride_w = s[Dims - 1];
  g.dilation_h = Dims == 2 ? d[0] : 1;
  g.dilation_w = d[Dims - 1];
  g.groups = groups_o::count == 0 ? 1 : groups_o::values[0];
  g.ceil_mode = option_count_v<option::kind::ceil_mode, Opts...> > 0;
  g.exclude_pad = option_count_v<option::kind::exclude_pad, Opts...> > 0;
  std::array<std::size_t, Dims> begin{}, end{};
  if constexpr (pad_o::form == pad_form::same) {
    // PyTorch's padding='same': total d*(k-1), the odd one at the end.
    for (std::size_t a = 0; a < Dims; ++a) {
      const std::size_t total = d[a] * (k[a] - 1);
      begin[a] = total / 2;
      end[a] = total - total / 2;
    }
  } else if constexpr (pad_o::form == pad_form::causal) {
    for (std::size_t a = 0; a < Dims; ++a) begin[a] = d[a] * (k[a] - 1);
  } else if constexpr (pad_o::form == pad_form::begin_end) {
    for (std::size_t a = 0; a < Dims; ++a) {
      begin[a] = pad_o::values[a];
      end[a] = pad_o::values[Dims + a];
    }
  } else {
    begin = end = per_axis<Dims, pad_o>(0);
  }
  g.pad_top = Dims == 2 ? begin[0] : 0;
  g.pad_bottom = Dims == 2 ? end[0] : 0;
  g.pad_left = begin[Dims - 1];
  g.pad_right = end[Dims - 1];
  g.out_h = window_outputs(g.in_h, g.kernel_h, g.stride_h, g.dilation_h, g.pad_top, g.pad_bottom, g.ceil_mode);
  g.out_w = window_outputs(g.in_w, g.kernel_w, g.stride_w, g.dilation_w, g.pad_left, g.pad_right, g.ceil_mode);
  return g;
}

// (C, H, W) or (C, L) with the given channels and the geometry's output extents.
template <std::size_t Dims, std::size_t C, std::size_t H, std::size_t W>
struct spatial_shape {
  using type = Shape<C, H, W>;
};
template <std::size_t C, std::size_t H, std::size_t W>
struct spatial_shape<1, C, H, W> {
  using type = Shape<C, W>;
};
template <std::size_t Dims, std::size_t C, std::size_t H, std::size_t W>
using spatial_shape_t = typename spatial_shape<Dims, C, H, W>::type;

}  // namespace ctinfer::detail

namespace ctinfer::rule {
// Rules shared by every sliding-window layer (convolutions and pooling). `Layer::dims` is
// its number of spatial axes; `Layer::options` a type_list-like pack checked by the layer.
template <std::size_t LayerIndex, class Layer, class InputShape>
struct window_needs_channels_first_input {
  static constexpr bool ok = InputShape::rank == Layer::dims + 1;
  static_assert(ok, "ctinfer: a 2-D convolution or pooling layer needs a (C, H, W) input and a 1-D one "
                    "a (C, L) input; see the layer's input shape below");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct window_options_are_known_and_unique {
  static constexpr bool ok = Layer::options_ok;
  static_assert(ok, "ctinfer: a layer option is not one this layer takes, or is given twice (convolutions "
                    "take Kernel, Stride, Pad/Pads/PadSame (Conv1D also Causal), Dilation, Groups, NoBias; pooling takes "
                    "Kernel, Stride, Pad/Pads (not PadSame or Causal), Dilation (max), CeilMode, ExcludePad (avg))");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct window_needs_a_kernel {
  static constexpr bool ok = Layer::kernel_ok;
  static_assert(ok, "ctinfer: give the window as ci::Kernel<k> or ci::Kernel<kh, kw> (one value per "
                    "spatial axis, each > 0)");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct window_option_values_fit_the_axes {
  static constexpr bool ok = Layer::values_ok;
  static_assert(ok, "ctinfer: Stride, Dilation and Pad take one value or one per spatial axis (each "
                    "stride and dilation > 0); Pads takes the begins then the ends (2 values per axis)");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct window_fits_the_padded_input {
  static constexpr bool ok = Layer::template fits<InputShape>;
  static_assert(ok, "ctinfer: the window (dilation * (kernel - 1) + 1) is larger than the padded input "
                    "along some axis");
};
}  // namespace ctinfer::rule
