// ctinfer/core/shape.hpp - compile-time shapes.
//
// A Shape is a list of extents, channels-first and without the batch axis, as PyTorch writes
// them: (C, H, W) for images, (C, L) for 1-D signals, (T, F) for sequences, (F) for features.
// Shapes are types so that diagnostics print them: `ctinfer::Shape<16, 4, 4>`.
//
//   using S = ci::Shape<3, 8, 8>;
//   static_assert(S::rank == 3 && S::size == 192 && S::last == 8);
#pragma once

#include <array>
#include <cstddef>
#include <type_traits>

#include <boost/hana/integral_constant.hpp>

namespace ctinfer {

// The one compile-time integer of the library (Hana's, over the one index type).
template <std::size_t N>
using size_c_t = boost::hana::size_t<N>;
template <std::size_t N>
inline constexpr size_c_t<N> size_c{};

template <std::size_t... Dims>
struct Shape {
  static constexpr std::size_t rank = sizeof...(Dims);
  static constexpr std::size_t size = (std::size_t{1} * ... * Dims);
  static constexpr std::array<std::size_t, rank> dims{Dims...};
  // Extent of the last axis (what Dense, Softmax act on); 0 for a rank-0 shape.
  static constexpr std::size_t last = rank == 0 ? 0 : dims[rank == 0 ? 0 : rank - 1];
  // Number of rows when the shape is seen as (size / last, last).
  static constexpr std::size_t rows = last == 0 ? 0 : size / last;
};

template <class T>
struct is_shape : std::false_type {};
template <std::size_t... D>
struct is_shape<Shape<D...>> : std::true_type {};
template <class T>
concept AShape = is_shape<T>::value;

namespace detail {
template <class S, std::size_t N, class Seq>
struct replace_last_impl;
template <std::size_t... D, std::size_t N, std::size_t... I>
struct replace_last_impl<Shape<D...>, N, std::index_sequence<I...>> {
  static constexpr std::array<std::size_t, sizeof...(D)> in{D...};
  using type = Shape<in[I]..., N>;
};
}  // namespace detail

// Shape S with its last axis replaced by N: replace_last_t<Shape<5, 7>, 13> is Shape<5, 13>.
template <AShape S, std::size_t N>
  requires(S::rank >= 1)
using replace_last_t =
    typename detail::replace_last_impl<S, N, std::make_index_sequence<S::rank - 1>>::type;

}  // namespace ctinfer
