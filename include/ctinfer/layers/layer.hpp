// ctinfer/layers/layer.hpp - what a layer is.
//
// A layer is an empty tag type. It declares its kind (which the compile-time passes read),
// its shape rule, its parameters in PyTorch's layout and a constexpr scalar reference forward
// (the test oracle and what `ci::infer` evaluates). It knows nothing about SIMD or memory.
//
//   struct MyLayer {
//     using ctinfer_layer = void;
//     static constexpr ci::layer_kind kind = ci::layer_kind::elementwise;
//     ...
//   };
//   static_assert(ci::Layer<ci::ReLU>);
#pragma once

#include <array>
#include <cstddef>
#include <span>
#include <type_traits>

#include "ctinfer/core/element.hpp"
#include "ctinfer/core/shape.hpp"

namespace ctinfer {

enum class layer_kind {
  dense,        // a matrix product on the last axis (GEMV/GEMM), with bias
  elementwise,  // y[i] = f(x[i]) (possibly with per-channel parameters)
  rowwise,      // a function of each row of the last axis (Softmax, LogSoftmax)
  view,         // a new shape over the same values (Flatten, Reshape): costs nothing
  conv,         // a convolution over the spatial axes of (C, L) or (C, H, W)
  pool,         // max or average pooling over the spatial axes (windows or global)
  gate,         // first half of the channels times a gate of the second half (GLU)
  resample,     // spatial copies without arithmetic: Upsample (nearest), ZeroPad
  block,        // a marker of a Residual or Concat block (begin, next branch, end)
  recurrent,    // LSTM, GRU (and Bidirectional) over a (T, F) sequence; carries state when streaming
  reorder,      // values moved without arithmetic: Transpose, LastStep
};

template <class L>
concept Layer = requires {
  typename L::ctinfer_layer;
  { L::kind } -> std::convertible_to<layer_kind>;
};

// Parameters of a layer without any.
struct no_params {
  static constexpr std::size_t count = 0;
  constexpr std::array<std::span<float>, 0> tensors() { return {}; }
};

namespace detail {
template <class L, class T, class In>
struct layer_params {
  using type = no_params;
};
template <class L, class T, class In>
  requires requires { typename L::template params<T, In>; }
struct layer_params<L, T, In> {
  using type = typename L::template params<T, In>;
};
}  // namespace detail

// The parameters of layer L computing in T on input shape In (no_params if it has none).
template <Layer L, Element T, AShape In>
using layer_params_t = typename detail::layer_params<L, T, In>::type;

template <class P>
inline constexpr bool has_params_v = !std::is_same_v<P, no_params>;

}  // namespace ctinfer
