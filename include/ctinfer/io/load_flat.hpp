// ctinfer/io/load_flat.hpp - fill a network's parameters from one flat array.
//
// The array holds every weight tensor in layer order, each in PyTorch's state_dict order and
// memory layout (Dense: weight[out][in] then bias; PReLU: weight). A count that does not
// match, or a value a layer cannot take (a BatchNorm running variance below zero or NaN), is
// an error value and leaves `params` untouched. Usable in constant evaluation.
//
//   ci::params_t<Net> params{};
//   ci::status st = ci::load_flat(params, std::span<const float>(flat, n));
//   if (!st) std::puts(st.message());  // "load_flat: expected 1072 values ..., got 1000"
//
// Pre: none (any span). Post: on success every parameter is set; on failure none is.
#pragma once

#include <cstddef>
#include <span>
#include <type_traits>

#include "ctinfer/core/element.hpp"
#include "ctinfer/core/status.hpp"
#include "ctinfer/model/params.hpp"

namespace ctinfer {

namespace detail {
// One out-of-line copy for every tensor of every layer (not one unrolled loop per layer:
// that costs compile time on deep networks).
template <class T, class U>
[[gnu::noinline]] constexpr void copy_converted(const U* from, T* to, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) to[i] = static_cast<T>(from[i]);
}
}  // namespace detail

template <class... P, Element U>
constexpr status load_flat(params_pack<P...>& params, std::span<const U> flat) {
  constexpr std::size_t expected = params_pack<P...>::count;
  if (flat.size() != expected) {
    return status::error("load_flat: expected ")
        .append(expected)
        .append(" values (every weight tensor in layer order, state_dict layout), got ")
        .append(flat.size());
  }
  if (const status bad = check_values(std::type_identity<params_pack<P...>>{}, "load_flat: ",
                                      [&](std::size_t i) { return flat[i]; });
      !bad)
    return bad;
  std::size_t at = 0;
  auto fill = [&](auto& layer) {
    for (auto tensor : layer.tensors()) {
      detail::copy_converted(flat.data() + at, tensor.data(), tensor.size());
      at += tensor.size();
    }
  };
  [&]<std::size_t... I>(std::index_sequence<I...>) {
    (fill(get<I>(params)), ...);
  }(std::index_sequence_for<P...>{});
  return status{};
}

// Overload for contiguous ranges (std::array, std::vector, C arrays).
template <class... P, class Range>
  requires requires(const Range& r) { std::span(r); }
constexpr status load_flat(params_pack<P...>& params, const Range& flat) {
  auto s = std::span(flat);
  using U = std::remove_cv_t<typename decltype(s)::element_type>;
  return load_flat(params, std::span<const U>(s.data(), s.size()));
}

}  // namespace ctinfer
