// ctinfer/model/detail/type_list.hpp - the few type-list tools the passes need, all flat
// (pack expansions and fold expressions; no recursion per layer).
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace ctinfer::detail {

template <class... Ts>
struct type_list {
  static constexpr std::size_t size = sizeof...(Ts);
};

// at_t<I, Ts...>: the I-th type, by overload resolution over indexed bases.
template <std::size_t I, class T>
struct indexed_type {
  using type = T;
};
template <class Seq, class... Ts>
struct indexed_all;
template <std::size_t... I, class... Ts>
struct indexed_all<std::index_sequence<I...>, Ts...> : indexed_type<I, Ts>... {};
template <std::size_t I, class T>
indexed_type<I, T> select_index(const indexed_type<I, T>&);

template <std::size_t I, class List>
struct list_at;
template <std::size_t I, class... Ts>
struct list_at<I, type_list<Ts...>> {
  static_assert(I < sizeof...(Ts));
  using type = typename decltype(select_index<I>(
      std::declval<indexed_all<std::index_sequence_for<Ts...>, Ts...>>()))::type;
};
template <std::size_t I, class List>
using list_at_t = typename list_at<I, List>::type;

}  // namespace ctinfer::detail
