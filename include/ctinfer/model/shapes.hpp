// ctinfer/model/shapes.hpp - pass 1: shape inference.
//
// Walks the layers left to right; each layer checks its rules on its input shape (one
// static_assert per rule, naming the layer index, the layer and the shape) and gives its
// output shape. After a failure the remaining layers see invalid_shape and say nothing more.
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<4, 6>>, ci::Flatten, ci::Dense<8>>;
//   static_assert(std::is_same_v<ci::output_shape_t<Net>, ci::Shape<8>>);
//   static_assert(std::is_same_v<ci::layer_input_shape_t<Net, 1>, ci::Shape<24>>);
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/model/detail/type_list.hpp"
#include "ctinfer/model/sequential.hpp"

namespace ctinfer {

namespace detail {

template <class L, class In>
struct lazy_output_shape {
  using type = typename L::template output_shape<In>;
};
struct lazy_invalid_shape {
  using type = invalid_shape;
};

template <std::size_t I, class L, class In>
struct infer_layer_shape {
  static constexpr bool ok = [] {
    if constexpr (is_valid_shape_v<In>)
      return L::template check<I, In>;
    else
      return false;
  }();
  using type = typename std::conditional_t<ok, lazy_output_shape<L, In>, lazy_invalid_shape>::type;
};

// Left fold over the layers carrying (index, list of shapes so far).
template <std::size_t I, class Shapes, class Last>
struct shape_fold {
  using shapes = Shapes;
};
template <class L>
struct layer_tag {};
template <std::size_t I, class... Ss, class Last, class L>
auto operator>>(shape_fold<I, type_list<Ss...>, Last>, layer_tag<L>)
    -> shape_fold<I + 1, type_list<Ss..., typename infer_layer_shape<I, L, Last>::type>,
                  typename infer_layer_shape<I, L, Last>::type>;

template <class In, class... Ls>
struct infer_shapes {
  using type = typename decltype((shape_fold<0, type_list<In>, In>{} >> ... >> layer_tag<Ls>{}))::shapes;
};

template <class Net>
struct network_check {
  static constexpr bool ok = [] {
    if constexpr (!rule_holds<rule::network_is_a_sequential_starting_with_input<Net>>) {
      return false;
    } else if constexpr (!rule_holds<rule::input_needs_a_non_empty_shape<
                             typename network_traits<Net>::input_shape>>) {
      return false;
    } else if constexpr (!network_traits<Net>::all_layers) {
      constexpr std::size_t i = network_traits<Net>::first_non_layer;
      using list = typename network_traits<Net>::template apply<type_list>;
      return rule_holds<rule::element_is_a_layer<i, list_at_t<i, list>>>;
    } else {
      return true;
    }
  }();
};

// Shape inference on a network whose structure is valid: this is where the rules fire.
template <class Net>
struct raw_network_shapes {
  using traits = network_traits<Net>;
  template <class... Ls>
  using infer = typename infer_shapes<typename traits::input_shape, Ls...>::type;
  using shapes = typename traits::template apply<infer>;
};
template <class Net>
struct network_valid {
  static constexpr bool value = [] {
    if constexpr (!network_check<Net>::ok)
      return false;
    else
      return is_valid_shape_v<
          list_at_t<network_traits<Net>::layer_count, typename raw_network_shapes<Net>::shapes>>;
  }();
};
// What every later pass sees instead of a network that broke a rule: its Input alone, so
// that nothing downstream fails again (one mistake, one message).
template <class Net>
struct placeholder_network {
  using type = Sequential<Input<Shape<1>>>;
};
template <class S, class T, class... Ls>
struct placeholder_network<Sequential<Input<S, T>, Ls...>> {
  using type = Sequential<Input<std::conditional_t<(S::rank >= 1 && S::size >= 1), S, Shape<1>>, T>>;
};
template <class Net>
using checked_t = typename std::conditional_t<network_valid<Net>::value, std::type_identity<Net>,
                                              placeholder_network<Net>>::type;

template <class Net>
struct network_shapes {
  using traits = network_traits<checked_t<Net>>;
  template <class... Ls>
  using infer = typename infer_shapes<typename traits::input_shape, Ls...>::type;
  // shapes: Input shape, then the output shape of every layer.
  using shapes = typename traits::template apply<infer>;
  using layers = typename traits::template apply<type_list>;
};

}  // namespace detail

// The element type of a network (float unless Input<S, double>).
template <class Net>
using element_t = typename detail::network_traits<detail::checked_t<Net>>::element_type;

template <class Net>
using input_shape_t = typename detail::network_traits<detail::checked_t<Net>>::input_shape;

// The shape entering layer I (0-based, not counting Input); I == layer count gives the output.
template <class Net, std::size_t I>
using layer_input_shape_t = detail::list_at_t<I, typename detail::network_shapes<Net>::shapes>;

// The shape the network produces.
template <class Net>
using output_shape_t =
    layer_input_shape_t<Net, detail::network_traits<detail::checked_t<Net>>::layer_count>;

template <class Net, std::size_t I>
using layer_t = detail::list_at_t<I, typename detail::network_shapes<Net>::layers>;

template <class Net>
inline constexpr std::size_t layer_count_v = detail::network_traits<detail::checked_t<Net>>::layer_count;

}  // namespace ctinfer
