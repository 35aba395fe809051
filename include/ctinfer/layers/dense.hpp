// ctinfer/layers/dense.hpp - fully connected layer on the last axis (torch.nn.Linear).
//
// Dense<N> maps the last axis from K to N features: (..., K) -> (..., N), y = x W^T + b.
// Dense<N, false> has no bias. Parameters in PyTorch's layout: weight[N][K], then bias[N].
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<5, 7>>, ci::Dense<13>>;  // (5, 7) -> (5, 13)
//   static_assert(std::is_same_v<ci::output_shape_t<Net>, ci::Shape<5, 13>>);
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/layers/layer.hpp"

namespace ctinfer {

namespace rule {
template <std::size_t LayerIndex, class Layer, class InputShape>
struct dense_needs_rank_1_or_more {
  static constexpr bool ok = InputShape::rank >= 1;
  static_assert(ok, "ctinfer: Dense acts on the last axis, so its input needs at least one axis");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct dense_needs_features {
  static constexpr bool ok = Layer::features > 0;
  static_assert(ok, "ctinfer: Dense<N> needs N > 0 output features");
};
}  // namespace rule

template <class T, std::size_t Out, std::size_t In, bool HasBias>
struct dense_params {
  static constexpr std::size_t count = Out * In + (HasBias ? Out : 0);
  std::array<T, Out * In> weight{};  // [Out][In], row-major, as nn.Linear.weight
  std::array<T, Out> bias{};
  constexpr std::array<std::span<T>, 2> tensors() { return {std::span<T>(weight), std::span<T>(bias)}; }
};
template <class T, std::size_t Out, std::size_t In>
struct dense_params<T, Out, In, false> {
  static constexpr std::size_t count = Out * In;
  std::array<T, Out * In> weight{};
  constexpr std::array<std::span<T>, 1> tensors() { return {std::span<T>(weight)}; }
};

template <std::size_t N, bool Bias = true>
struct Dense {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::dense;
  static constexpr std::size_t features = N;
  static constexpr bool has_bias = Bias;

  template <std::size_t I, AShape In>
  static constexpr bool check = detail::rule_holds<rule::dense_needs_features<I, Dense, In>> &&
                                detail::rule_holds<rule::dense_needs_rank_1_or_more<I, Dense, In>>;

  template <AShape In>
  using output_shape = replace_last_t<In, N>;

  template <Element T, AShape In>
  using params = dense_params<T, N, In::last, Bias>;

  // Scalar reference: for each row r of the (rows, K) view, y[r] = W x[r] + b.
  template <Element T, AShape In>
  static constexpr void reference(const params<T, In>& p, const T* x, T* y) {
    constexpr std::size_t K = In::last;
    for (std::size_t r = 0; r < In::rows; ++r) {
      for (std::size_t o = 0; o < N; ++o) {
        T acc = T(0);
        if constexpr (Bias) acc = p.bias[o];
        for (std::size_t k = 0; k < K; ++k) acc += p.weight[o * K + k] * x[r * K + k];
        y[r * N + o] = acc;
      }
    }
  }
};

}  // namespace ctinfer
