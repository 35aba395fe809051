// ctinfer/layers/options.hpp - option tags of the convolution and pooling layers.
//
// Options are tags given in any order after the layer's required arguments. A tag with one
// value applies it to every spatial axis, as PyTorch's int arguments do:
//
//   ci::Conv2D<16, ci::Kernel<3>, ci::Pad<1>>                 // 3x3, padding 1 on every side
//   ci::Conv2D<8, ci::Kernel<3, 5>, ci::Stride<1, 2>, ci::Pad<1, 2>, ci::Groups<2>, ci::NoBias>
//   ci::Conv1D<4, ci::Kernel<3>, ci::Pads<2, 0>>              // explicit begin/end pads
//   ci::Conv2D<4, ci::Kernel<3>, ci::PadSame>                 // padding='same' (stride 1)
//   ci::Conv1D<8, ci::Kernel<3>, ci::Dilation<4>, ci::Causal> // left pad (3-1)*4: output t sees inputs <= t
//   ci::MaxPool2D<ci::Kernel<3>, ci::Stride<2>, ci::Pad<1>, ci::CeilMode>
//   ci::AvgPool2D<ci::Kernel<3>, ci::Pad<1>, ci::ExcludePad>  // count_include_pad=False
//
// Pads<...> lists the begins then the ends, ONNX's order: Pads<top, left, bottom, right> in
// 2-D, Pads<begin, end> in 1-D.
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

namespace ctinfer {

namespace option {
// What kind of option a tag is; each kind may be given once per layer.
enum class kind { kernel, stride, pad, dilation, groups, bias, ceil_mode, exclude_pad, output_pad, initial_state };
}  // namespace option

namespace detail {
template <option::kind K, std::size_t... V>
struct valued_option {
  static constexpr option::kind ctinfer_option = K;
  static constexpr std::size_t count = sizeof...(V);
  static constexpr std::array<std::size_t, sizeof...(V)> values{V...};
};
}  // namespace detail

template <std::size_t... K>
struct Kernel : detail::valued_option<option::kind::kernel, K...> {};
template <std::size_t... S>
struct Stride : detail::valued_option<option::kind::stride, S...> {};
template <std::size_t... D>
struct Dilation : detail::valued_option<option::kind::dilation, D...> {};
template <std::size_t G>
struct Groups : detail::valued_option<option::kind::groups, G> {};
// ConvTranspose only: extra output rows/columns at the end (PyTorch's output_padding).
template <std::size_t... P>
struct OutputPad : detail::valued_option<option::kind::output_pad, P...> {};

// Padding: symmetric (Pad), explicit begins then ends (Pads), or PyTorch's padding='same'.
// Causal (Conv1D, stride 1): (kernel - 1) * dilation zeros before the signal and none after,
// so output t depends on inputs up to t - what streaming (Model::step) needs.
enum class pad_form { symmetric, begin_end, same, causal };
template <std::size_t... P>
struct Pad : detail::valued_option<option::kind::pad, P...> {
  static constexpr pad_form form = pad_form::symmetric;
};
template <std::size_t... P>
struct Pads : detail::valued_option<option::kind::pad, P...> {
  static constexpr pad_form form = pad_form::begin_end;
};
struct PadSame : detail::valued_option<option::kind::pad> {
  static constexpr pad_form form = pad_form::same;
};
struct Causal : detail::valued_option<option::kind::pad> {
  static constexpr pad_form form = pad_form::causal;
};

struct NoBias : detail::valued_option<option::kind::bias> {};
struct CeilMode : detail::valued_option<option::kind::ceil_mode> {};
// LSTM/GRU: the initial hidden (and cell) state is a parameter (learned, or set by the user)
// rather than zero.
struct InitialState : detail::valued_option<option::kind::initial_state> {};
struct ExcludePad : detail::valued_option<option::kind::exclude_pad> {};

template <class O>
concept Option = requires {
  { O::ctinfer_option } -> std::convertible_to<option::kind>;
};

namespace detail {
struct no_option {
  static constexpr std::size_t count = 0;
  static constexpr std::array<std::size_t, 0> values{};
  static constexpr pad_form form = pad_form::symmetric;
};

// Whether O is an option of kind K (false for a type that is no option at all: the layer's
// rule reports those, so nothing here may fail first).
template <option::kind K, class O>
constexpr bool is_option_of_kind() {
  if constexpr (Option<O>)
    return O::ctinfer_option == K;
  else
    return false;
}

template <option::kind K, class... Opts>
inline constexpr std::size_t option_count_v = (std::size_t{0} + ... + is_option_of_kind<K, Opts>());

template <option::kind K, class... Opts>
struct find_option {
  using type = no_option;
};
template <option::kind K, class O, class... Rest>
struct find_option<K, O, Rest...> {
  using type = std::conditional_t<is_option_of_kind<K, O>(), O, typename find_option<K, Rest...>::type>;
};
// The option of kind K among Opts, or no_option.
template <option::kind K, class... Opts>
using option_t = typename find_option<K, Opts...>::type;

// Values of an option for `Dims` axes: one value for all, or one per axis; `fallback` when
// the option is absent. Wrong counts are reported by the layer's rules, not here.
template <std::size_t Dims, class O>
constexpr std::array<std::size_t, Dims> per_axis(std::size_t fallback) {
  std::array<std::size_t, Dims> out{};
  for (std::size_t a = 0; a < Dims; ++a)
    out[a] = O::count == 0 ? fallback : O::values[O::count == 1 ? 0 : (a < O::count ? a : 0)];
  return out;
}
}  // namespace detail

}  // namespace ctinfer
