// ctinfer/model/params.hpp - the weights of a network, in PyTorch's layout.
//
// params_t<Net> holds one parameter struct per layer that has parameters, in layer order
// (layers without parameters take no room). It is an aggregate of std::arrays: constexpr-
// constructible, copyable, no pointers. Fill it with ci::load_flat, a generated header, or
// by hand through ci::get<I> (I counts parameterised layers only):
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<3>>, ci::Dense<2>, ci::ReLU, ci::Dense<1>>;
//   ci::params_t<Net> p{};
//   ci::get<0>(p).weight[0] = 1.0f;     // first Dense, weight[0][0]
//   ci::get<1>(p).bias[0] = 0.5f;       // second Dense
//   static_assert(ci::param_count_v<Net> == 2 * 3 + 2 + 1 * 2 + 1);
#pragma once

#include <array>
#include <cstddef>
#include <string_view>
#include <type_traits>
#include <utility>

#include "ctinfer/core/status.hpp"
#include "ctinfer/layers/layer.hpp"
#include "ctinfer/model/shapes.hpp"

namespace ctinfer {

namespace detail {
template <std::size_t I, class P>
struct indexed_params : P {};

template <class Seq, class... P>
struct params_pack_base;
template <std::size_t... I, class... P>
struct params_pack_base<std::index_sequence<I...>, P...> : indexed_params<I, P>... {};
}  // namespace detail

// The parameters of several layers, in order. An aggregate: brace-initialise one element per
// parameterised layer.
template <class... P>
struct params_pack : detail::params_pack_base<std::index_sequence_for<P...>, P...> {
  static constexpr std::size_t size = sizeof...(P);
  static constexpr std::size_t count = (std::size_t{0} + ... + P::count);
};

template <std::size_t I, class P>
constexpr P& get(detail::indexed_params<I, P>& p) {
  return p;
}
template <std::size_t I, class P>
constexpr const P& get(const detail::indexed_params<I, P>& p) {
  return p;
}

// Whether the values a params_pack is about to take are ones its layers accept: a layer's
// params may define `static status check_values(value_at)` (BatchNorm refuses a negative
// running variance). value(i) is value i of the whole pack, in load_flat's order. On failure
// the message is `who`, what is wrong, and where that layer's values start.
template <class... P, class ValueAt>
constexpr status check_values(std::type_identity<params_pack<P...>>, std::string_view who, const ValueAt& value) {
  status result;
  std::size_t at = 0;
  auto one = [&]<class Q>(std::type_identity<Q>) {
    if constexpr (requires { Q::check_values(value); }) {
      if (result) {
        const status s = Q::check_values([&](std::size_t i) { return value(at + i); });
        if (!s)
          result = status::error(who).append(s.message()).append(" (the layer's values start at value ").append(at).append(")");
      }
    }
    at += Q::count;
  };
  (one(std::type_identity<P>{}), ...);
  (void)one;  // a network without parameters
  return result;
}

namespace detail {
template <class Net, std::size_t I>
using layer_params_at = layer_params_t<layer_t<Net, I>, element_t<Net>, layer_input_shape_t<Net, I>>;

template <class Net, class Seq = std::make_index_sequence<layer_count_v<Net>>>
struct network_params_index;
template <class Net, std::size_t... I>
struct network_params_index<Net, std::index_sequence<I...>> {
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  static constexpr std::size_t count = (std::size_t{0} + ... + has_params_v<layer_params_at<Net, I>>);
  // For each layer, the index of its parameters in the pack (or npos); then, for each
  // parameterised layer, its layer index.
  static constexpr std::array<std::size_t, sizeof...(I) + 1> index = [] {
    constexpr bool has[] = {has_params_v<layer_params_at<Net, I>>..., false};
    std::array<std::size_t, sizeof...(I) + 1> out{};
    std::size_t next = 0;
    for (std::size_t i = 0; i < sizeof...(I); ++i) out[i] = has[i] ? next++ : npos;
    out[sizeof...(I)] = npos;
    return out;
  }();
  static constexpr std::array<std::size_t, count + 1> layers = [] {
    std::array<std::size_t, count + 1> out{};
    for (std::size_t i = 0; i < sizeof...(I); ++i)
      if (index[i] != npos) out[index[i]] = i;
    return out;
  }();
};

// The pack holds the parameterised layers only, selected by index (no tuple_cat: flat).
template <class Net, class Seq = std::make_index_sequence<network_params_index<Net>::count>>
struct network_params;
template <class Net, std::size_t... J>
struct network_params<Net, std::index_sequence<J...>> : network_params_index<Net> {
  using type = params_pack<layer_params_at<Net, network_params_index<Net>::layers[J]>...>;
};
}  // namespace detail

template <class Net>
using params_t = typename detail::network_params<Net>::type;

// Number of scalar weights in the network, i.e. what load_flat expects.
template <class Net>
inline constexpr std::size_t param_count_v = params_t<Net>::count;

// The parameters of layer I (the index counts every layer, not only parameterised ones).
template <std::size_t LayerIndex, class Net>
constexpr const auto& layer_params(const params_t<Net>& p) {
  return get<detail::network_params<Net>::index[LayerIndex]>(p);
}

}  // namespace ctinfer
