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
}  // namespace detail

// Pre: Net is a valid network. Post: returns the network's output for `input`, computed by
// the scalar reference of every layer (accumulating in T, activations in double).
template <class Net>
constexpr std::array<element_t<Net>, output_shape_t<Net>::size> infer(
    const params_t<Net>& params, const std::array<element_t<Net>, input_shape_t<Net>::size>& input) {
  using T = element_t<Net>;
  constexpr std::size_t capacity = detail::largest_activation<Net>::value;
  std::array<T, capacity> a{}, b{};
  for (std::size_t i = 0; i < input.size(); ++i) a[i] = input[i];
  auto run_layer = [&]<std::size_t I>(std::integral_constant<std::size_t, I>) {
    using L = layer_t<Net, I>;
    using In = layer_input_shape_t<Net, I>;
    if constexpr (L::kind != layer_kind::view) {
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
