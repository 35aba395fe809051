// ctinfer/model/infer.hpp - the scalar reference forward, usable in constant evaluation.
//
// Runs each layer's constexpr reference in turn. It is the oracle the SIMD path is tested
// against, and with constexpr weights it runs inside the compiler:
//
//   constexpr auto y = ci::infer<Net>(kParams, kInput);   // std::array<T, output size>
//   static_assert(y[0] > 0.5f);
#pragma once

#include <array>
#include <cstddef>
#include <utility>

#include "ctinfer/model/params.hpp"
#include "ctinfer/model/shapes.hpp"

namespace ctinfer {

namespace detail {
template <class Net, class Seq = std::make_index_sequence<layer_count_v<Net> + 1>>
struct largest_activation;
template <class Net, std::size_t... I>
struct largest_activation<Net, std::index_sequence<I...>> {
  static constexpr std::size_t value = [] {
    std::size_t m = 1;
    ((m = layer_input_shape_t<Net, I>::size > m ? layer_input_shape_t<Net, I>::size : m), ...);
    return m;
  }();
};
// The deepest nesting of blocks (at least 1, so the arrays that hold them are never empty).
template <class Net, class Seq = std::make_index_sequence<layer_count_v<Net>>>
struct block_depth;
template <class Net, std::size_t... I>
struct block_depth<Net, std::index_sequence<I...>> {
  template <class L>
  static constexpr int step() {
    if constexpr (L::kind == layer_kind::block)
      return L::role == block_role::begin ? 1 : L::role == block_role::end ? -1 : 0;
    else
      return 0;
  }
  static constexpr std::size_t value = [] {
    int d = 0, m = 1;
    ((d += step<layer_t<Net, I>>(), m = d > m ? d : m), ...);
    return static_cast<std::size_t>(m);
  }();
};
}  // namespace detail

// Pre: Net is a valid network. Post: returns the network's output for `input`, computed by
// the scalar reference of every layer (accumulating in T, activations in double).
template <class Net>
constexpr std::array<element_t<Net>, output_shape_t<Net>::size> infer(
    const params_t<Net>& params, const std::array<element_t<Net>, input_shape_t<Net>::size>& input) {
  using T = element_t<Net>;
  constexpr std::size_t capacity = detail::largest_activation<Net>::value;
  constexpr std::size_t depth = detail::block_depth<Net>::value;
  std::array<T, capacity> a{}, b{};
  // Per open block: its input, and what its finished branches give so far (a Residual's sum,
  // a Concat's channels), with how many values that is.
  std::array<std::array<T, capacity>, depth> block_in{}, block_acc{};
  std::array<std::size_t, depth> acc_size{}, branches{};
  std::size_t open = 0;
  for (std::size_t i = 0; i < input.size(); ++i) a[i] = input[i];
  // Adds the finished branch (in `a`, `n` values) to the open block's accumulator.
  auto finish_branch = [&](block_kind kind, std::size_t n) {
    auto& acc = block_acc[open - 1];
    if (kind == block_kind::concat) {
      for (std::size_t i = 0; i < n; ++i) acc[acc_size[open - 1] + i] = a[i];
      acc_size[open - 1] += n;
    } else {
      for (std::size_t i = 0; i < n; ++i) acc[i] = branches[open - 1] == 0 ? a[i] : acc[i] + a[i];
      acc_size[open - 1] = n;
    }
    ++branches[open - 1];
  };
  auto run_layer = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
    using L = layer_t<Net, I>;
    using In = layer_input_shape_t<Net, I>;
    if constexpr (L::kind == layer_kind::block) {
      if constexpr (L::role == block_role::begin) {
        block_in[open] = a;
        acc_size[open] = 0;
        branches[open] = 0;
        ++open;
      } else if constexpr (L::role == block_role::next_branch) {
        finish_branch(L::block, In::size);
        a = block_in[open - 1];
      } else {
        finish_branch(L::block, In::size);
        // A Residual without shortcut adds its input to the body.
        if (L::block == block_kind::residual && branches[open - 1] == 1)
          for (std::size_t i = 0; i < In::size; ++i) block_acc[open - 1][i] += block_in[open - 1][i];
        a = block_acc[open - 1];
        --open;
      }
    } else if constexpr (L::kind != layer_kind::view) {
      if constexpr (detail::network_params<Net>::index[I] == detail::network_params<Net>::npos)
        L::template reference<T, In>(no_params{}, a.data(), b.data());
      else
        L::template reference<T, In>(layer_params<I, Net>(params), a.data(), b.data());
      std::swap(a, b);
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (run_layer(std::integral_constant<std::size_t, I>{}), ...);
  }(std::make_index_sequence<layer_count_v<Net>>{});
  std::array<T, output_shape_t<Net>::size> out{};
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = a[i];
  return out;
}

}  // namespace ctinfer
