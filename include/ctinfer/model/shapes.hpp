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
#include "ctinfer/model/blocks.hpp"
#include "ctinfer/model/detail/type_list.hpp"
#include "ctinfer/model/sequential.hpp"

namespace ctinfer {

namespace rule {
// Block rules take the index of the block's end in the flattened layer list (see
// layer_t<Net, I>), the block's input shape and its branches' output shapes.
template <std::size_t EndIndex, class InputShape, class... BranchShapes>
struct residual_branches_have_one_shape {
  static constexpr bool ok = [] {
    if constexpr (sizeof...(BranchShapes) == 1)
      return (std::is_same_v<InputShape, BranchShapes> && ...);
    else
      return (std::is_same_v<detail::list_at_t<0, detail::type_list<BranchShapes...>>, BranchShapes> && ...);
  }();
  static_assert(ok, "ctinfer: Residual adds its branches, so the body must keep the input's shape (or "
                    "the body and the shortcut must give the same shape); the shapes follow");
};
template <class A, class B>
constexpr bool same_but_channels() {
  if (A::rank != B::rank) return false;
  for (std::size_t a = 1; a < A::rank; ++a)
    if (A::dims[a] != B::dims[a]) return false;
  return true;
}
template <std::size_t EndIndex, class InputShape, class... BranchShapes>
struct concat_branches_match_but_for_channels {
  static constexpr bool ok =
      (same_but_channels<detail::list_at_t<0, detail::type_list<BranchShapes...>>, BranchShapes>() && ...);
  static_assert(ok, "ctinfer: Concat joins its branches along the channel axis (the first), so every "
                    "other axis must match; the branches' shapes follow");
};
}  // namespace rule

namespace detail {

template <class... Shapes>
struct concat_shape;
template <std::size_t C, std::size_t... Rest, class... More>
struct concat_shape<Shape<C, Rest...>, More...> {
  using type = Shape<(C + ... + More::dims[0]), Rest...>;
};

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
// Block markers are handled by the fold's own overloads; this only keeps compilers that
// form the generic overload's return type before checking its constraint (Clang 14) quiet.
template <std::size_t I, block_kind K, block_role R, class In>
struct infer_layer_shape<I, block_marker<K, R>, In> {
  using type = In;
};

// The shape a block produces from its input and its branches' outputs (rules in
// model/block_rules below); invalid_shape if a branch already failed or a rule does not hold.
template <std::size_t I, block_kind K, class In, class... Outs>
struct block_output {
  static constexpr bool valid = (is_valid_shape_v<Outs> && ...);
  static constexpr bool ok = [] {
    if constexpr (!valid)
      return false;
    else if constexpr (K == block_kind::residual)
      return rule_holds<rule::residual_branches_have_one_shape<I, In, Outs...>>;
    else
      return rule_holds<rule::concat_branches_match_but_for_channels<I, In, Outs...>>;
  }();
  using type = std::conditional_t<!ok, invalid_shape,
                                  typename std::conditional_t<K == block_kind::residual,
                                                              std::type_identity<list_at_t<0, type_list<Outs...>>>,
                                                              concat_shape<Outs...>>::type>;
};

// Left fold over the layers carrying (index, list of shapes so far, the current shape, and
// a stack of open blocks: their input shape and the output shapes of their finished branches).
template <std::size_t I, class Shapes, class Last, class Stack>
struct shape_fold {
  using shapes = Shapes;
};
template <class L>
struct layer_tag {};
template <block_kind K, class In, class... Outs>
struct block_frame {};

template <class L>
inline constexpr bool is_block_marker_v = false;
template <block_kind K, block_role R>
inline constexpr bool is_block_marker_v<block_marker<K, R>> = true;

template <std::size_t I, class... Ss, class Last, class Stack, class L>
  requires(!is_block_marker_v<L>)
auto operator>>(shape_fold<I, type_list<Ss...>, Last, Stack>, layer_tag<L>)
    -> shape_fold<I + 1, type_list<Ss..., typename infer_layer_shape<I, L, Last>::type>,
                  typename infer_layer_shape<I, L, Last>::type, Stack>;

// A block's begin: every branch starts from the current shape.
template <std::size_t I, class... Ss, class Last, class... Frames, block_kind K>
auto operator>>(shape_fold<I, type_list<Ss...>, Last, type_list<Frames...>>,
                layer_tag<block_marker<K, block_role::begin>>)
    -> shape_fold<I + 1, type_list<Ss..., Last>, Last, type_list<block_frame<K, Last>, Frames...>>;
// The next branch: remember the finished one, start again from the block's input.
template <std::size_t I, class... Ss, class Last, block_kind K, class In, class... Outs, class... Frames>
auto operator>>(shape_fold<I, type_list<Ss...>, Last, type_list<block_frame<K, In, Outs...>, Frames...>>,
                layer_tag<block_marker<K, block_role::next_branch>>)
    -> shape_fold<I + 1, type_list<Ss..., std::conditional_t<is_valid_shape_v<Last>, In, invalid_shape>>,
                  std::conditional_t<is_valid_shape_v<Last>, In, invalid_shape>,
                  type_list<block_frame<K, In, Outs..., Last>, Frames...>>;
// The end: combine the branches.
template <std::size_t I, class... Ss, class Last, block_kind K, class In, class... Outs, class... Frames>
auto operator>>(shape_fold<I, type_list<Ss...>, Last, type_list<block_frame<K, In, Outs...>, Frames...>>,
                layer_tag<block_marker<K, block_role::end>>)
    -> shape_fold<I + 1, type_list<Ss..., typename block_output<I, K, In, Outs..., Last>::type>,
                  typename block_output<I, K, In, Outs..., Last>::type, type_list<Frames...>>;

template <class In, class... Ls>
struct infer_shapes {
  using type =
      typename decltype((shape_fold<0, type_list<In>, In, type_list<>>{} >> ... >> layer_tag<Ls>{}))::shapes;
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
