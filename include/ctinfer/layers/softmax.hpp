// ctinfer/layers/softmax.hpp - Softmax and LogSoftmax over the last axis.
//
// As nn.Softmax(dim=-1) and nn.LogSoftmax(dim=-1): each row of the last axis is normalised
// on its own. Computed stably (the row maximum is subtracted first).
//
//   ci::Sequential<ci::Input<ci::Shape<10>>, ci::Dense<3>, ci::Softmax>   // 3 probabilities
#pragma once

#include <cstddef>

#include "ctinfer/core/detail/constexpr_math.hpp"
#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/layers/layer.hpp"

namespace ctinfer {

namespace rule {
template <std::size_t LayerIndex, class Layer, class InputShape>
struct softmax_needs_rank_1_or_more {
  static constexpr bool ok = InputShape::rank >= 1;
  static_assert(ok, "ctinfer: Softmax/LogSoftmax act on the last axis, so the input needs one");
};
}  // namespace rule

template <bool Log>
struct SoftmaxWith {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::rowwise;
  static constexpr bool log = Log;

  template <std::size_t I, AShape In>
  static constexpr bool check = detail::rule_holds<rule::softmax_needs_rank_1_or_more<I, SoftmaxWith, In>>;
  template <AShape In>
  using output_shape = In;

  template <Element T, AShape In>
  static constexpr void reference(const no_params&, const T* x, T* y) {
    constexpr std::size_t n = In::last;
    for (std::size_t r = 0; r < In::rows; ++r) {
      const T* xr = x + r * n;
      T* yr = y + r * n;
      double max = static_cast<double>(xr[0]);
      for (std::size_t i = 1; i < n; ++i) max = xr[i] > max ? static_cast<double>(xr[i]) : max;
      double sum = 0;
      for (std::size_t i = 0; i < n; ++i) sum += detail::cmath::exp(static_cast<double>(xr[i]) - max);
      if constexpr (Log) {
        const double shift = max + detail::cmath::log(sum);
        for (std::size_t i = 0; i < n; ++i) yr[i] = static_cast<T>(static_cast<double>(xr[i]) - shift);
      } else {
        for (std::size_t i = 0; i < n; ++i)
          yr[i] = static_cast<T>(detail::cmath::exp(static_cast<double>(xr[i]) - max) / sum);
      }
    }
  }
};
using Softmax = SoftmaxWith<false>;
using LogSoftmax = SoftmaxWith<true>;

}  // namespace ctinfer
