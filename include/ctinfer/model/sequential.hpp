// ctinfer/model/sequential.hpp - a network as a type: Input followed by layers.
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<16>>, ci::Dense<32>, ci::ReLU, ci::Dense<4>>;
//   using Net64 = ci::Sequential<ci::Input<ci::Shape<16>, double>, ci::Dense<4>>;
//
// The layer list is a Boost.Hana type list (`Net::layers`), walked by the compile-time passes.
#pragma once

#include <cstddef>
#include <type_traits>

#include <boost/hana/basic_tuple.hpp>
#include <boost/hana/type.hpp>

#include "ctinfer/core/element.hpp"
#include "ctinfer/core/shape.hpp"
#include "ctinfer/layers/layer.hpp"
#include "ctinfer/model/blocks.hpp"
#include "ctinfer/model/detail/type_list.hpp"

namespace ctinfer {

namespace rule {
template <class S>
struct input_needs_a_non_empty_shape {
  static constexpr bool ok = S::rank >= 1 && S::size >= 1;
  static_assert(ok, "ctinfer: Input needs a shape with at least one axis and no zero extent");
};
}  // namespace rule

// The network's input: its shape (without the batch axis) and element type.
template <AShape S, Element T = float>
struct Input {
  static_assert(rule::input_needs_a_non_empty_shape<S>::ok);
  using shape = S;
  using element_type = T;
};

template <class... Ls>
struct Sequential {
  using layer_types = boost::hana::basic_tuple<boost::hana::type<Ls>...>;
};

namespace detail {
template <class T>
struct is_input : std::false_type {};
template <class S, class T>
struct is_input<Input<S, T>> : std::true_type {};

template <class Net>
struct network_traits {
  static constexpr bool is_sequential = false;
  static constexpr bool starts_with_input = false;
};
template <class... Ls>
struct network_traits<Sequential<Ls...>> {
  static constexpr bool is_sequential = true;
  static constexpr bool starts_with_input = false;
};
template <template <class...> class F, class List>
struct apply_list;
template <template <class...> class F, class... Ts>
struct apply_list<F, type_list<Ts...>> {
  using type = F<Ts...>;
};
template <class List>
struct layer_list_traits;
template <class... Ls>
struct layer_list_traits<type_list<Ls...>> {
  static constexpr bool all_layers = (Layer<Ls> && ...);
  static constexpr std::size_t first_non_layer = [] {
    constexpr bool is_layer[] = {Layer<Ls>..., true};
    std::size_t i = 0;
    while (is_layer[i]) ++i;
    return i;
  }();
};

template <class S, class T, class... Ls>
struct network_traits<Sequential<Input<S, T>, Ls...>> {
  static constexpr bool is_sequential = true;
  static constexpr bool starts_with_input = true;
  using input_shape = S;
  using element_type = T;
  // The layers with every block flattened to its markers and layers (model/blocks.hpp).
  // Indices below count these, 0-based, without Input.
  using flat_layers = concat_lists_t<typename flatten<Ls>::type...>;
  static constexpr std::size_t layer_count = flat_layers::size;
  static constexpr bool all_layers = layer_list_traits<flat_layers>::all_layers;
  static constexpr std::size_t first_non_layer = layer_list_traits<flat_layers>::first_non_layer;
  template <template <class...> class F>
  using apply = typename apply_list<F, flat_layers>::type;
  static constexpr bool streaming = false;
};

// The input of a network's one-frame twin (model/stream.hpp): the same layers, planned for
// streaming, on a shape whose time extent is 1.
template <AShape S, Element T>
struct frame_input {
  using shape = S;
  using element_type = T;
};
template <class S, class T, class... Ls>
struct network_traits<Sequential<frame_input<S, T>, Ls...>> : network_traits<Sequential<Input<S, T>, Ls...>> {
  static constexpr bool streaming = true;
};
}  // namespace detail

namespace rule {
template <class Net>
struct network_is_a_sequential_starting_with_input {
  static constexpr bool ok = detail::network_traits<Net>::starts_with_input;
  static_assert(detail::network_traits<Net>::is_sequential,
                "ctinfer: a network is a ci::Sequential<ci::Input<Shape, T>, layers...>");
  static_assert(!detail::network_traits<Net>::is_sequential || ok,
                "ctinfer: this Sequential is a block, not a network: its first element must be "
                "ci::Input<ci::Shape<...>> (insert ci::Input<...> first)");
};
template <std::size_t LayerIndex, class NotALayer>
struct element_is_a_layer {
  static constexpr bool ok = Layer<NotALayer>;  // false whenever this rule is instantiated
  static_assert(ok,
                "ctinfer: an element of Sequential is not a layer (a layer type has a "
                "`ctinfer_layer` member and a `kind`); see the layer at this index");
};
}  // namespace rule

// A type usable as a network: Sequential<Input<...>, Layer...>.
template <class Net>
concept Network = detail::network_traits<Net>::starts_with_input && detail::network_traits<Net>::all_layers;

}  // namespace ctinfer
