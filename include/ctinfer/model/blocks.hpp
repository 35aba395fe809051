// ctinfer/model/blocks.hpp - the graph combinators: Residual and Concat.
//
// A Sequential that does not start with an Input is a block: a list of layers with no shape
// of its own. Blocks nest inside networks and inside each other:
//
//   using Basic = ci::Sequential<ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>>, ci::BatchNorm, ci::ReLU,
//                                ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>>, ci::BatchNorm>;
//   ci::Residual<Basic>                  // x + Basic(x); shapes must match
//   ci::Residual<Body, Shortcut>         // Shortcut(x) + Body(x), e.g. a strided 1x1 projection
//   ci::Concat<B1, B2, ci::Sequential<>> // B1(x), B2(x) and x, concatenated along the channel
//                                        // axis (the first); other axes must match
//
// A branch is a block or a single layer; ci::Sequential<> is the identity. Parameters are
// walked depth-first in the order written: a Residual's body before its shortcut, a Concat's
// branches in order (what load_flat takes). The add of a Residual runs in the store of the
// last step of its last branch, with the activations after the block.
#pragma once

#include <cstddef>
#include <utility>

#include "ctinfer/layers/layer.hpp"
#include "ctinfer/model/detail/type_list.hpp"

namespace ctinfer {

template <class... Ls>
struct Sequential;

template <class Body, class Shortcut = void>
struct Residual {};
template <class... Branches>
struct Concat {};

enum class block_kind { residual, concat };
enum class block_role { begin, next_branch, end };

namespace detail {
// The markers a block flattens to: begin, its branches separated by next_branch, end. They
// are layers of kind `block` to every pass that walks the flat list.
template <block_kind K, block_role R>
struct block_marker {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::block;
  static constexpr block_kind block = K;
  static constexpr block_role role = R;
};

template <class... A, class... B>
type_list<A..., B...> operator+(type_list<A...>, type_list<B...>);
template <class... Lists>
using concat_lists_t = decltype((type_list<>{} + ... + Lists{}));

// A network's or block's element, flattened to markers and layers.
template <class L>
struct flatten {
  using type = type_list<L>;
};
template <class... Ls>
struct flatten<Sequential<Ls...>> {
  using type = concat_lists_t<typename flatten<Ls>::type...>;
};
template <class Body>
struct flatten<Residual<Body, void>> {
  using type = concat_lists_t<type_list<block_marker<block_kind::residual, block_role::begin>>,
                              typename flatten<Body>::type,
                              type_list<block_marker<block_kind::residual, block_role::end>>>;
};
template <class Body, class Shortcut>
struct flatten<Residual<Body, Shortcut>> {
  using type = concat_lists_t<type_list<block_marker<block_kind::residual, block_role::begin>>,
                              typename flatten<Body>::type,
                              type_list<block_marker<block_kind::residual, block_role::next_branch>>,
                              typename flatten<Shortcut>::type,
                              type_list<block_marker<block_kind::residual, block_role::end>>>;
};
template <std::size_t I, class Branch>
using concat_branch_t =
    concat_lists_t<std::conditional_t<I == 0, type_list<>,
                                      type_list<block_marker<block_kind::concat, block_role::next_branch>>>,
                   typename flatten<Branch>::type>;
template <class Seq, class... Branches>
struct flatten_concat;
template <std::size_t... I, class... Branches>
struct flatten_concat<std::index_sequence<I...>, Branches...> {
  using type = concat_lists_t<type_list<block_marker<block_kind::concat, block_role::begin>>,
                              concat_branch_t<I, Branches>...,
                              type_list<block_marker<block_kind::concat, block_role::end>>>;
};
template <class... Branches>
struct flatten<Concat<Branches...>> {
  using type = typename flatten_concat<std::index_sequence_for<Branches...>, Branches...>::type;
};
}  // namespace detail

}  // namespace ctinfer
