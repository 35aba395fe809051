// ctinfer/core/diagnostics.hpp - how shape rules report failures.
//
// A rule is a class template instantiated with the layer's index, its type and its input
// shape, holding one static_assert. When the rule fails the compiler prints the message and
// the instantiation, e.g.
//
//   In instantiation of 'struct ctinfer::rule::reshape_keeps_size<2, ctinfer::Reshape<
//       ctinfer::Shape<5> >, ctinfer::Shape<16> >': ...
//   error: static assertion failed: ctinfer: Reshape must keep the number of elements ...
//
// so the index, the layer and both shapes are on the screen next to one sentence naming the
// rule. After a failed rule, shape inference carries invalid_shape forward and checks nothing
// more, so one mistake gives one message.
#pragma once

#include <cstddef>

#include "ctinfer/core/shape.hpp"

namespace ctinfer {

// What shape inference yields after a rule failed. Zero-sized, so nothing downstream
// instantiates code that would fail again.
struct invalid_shape : Shape<0> {};

template <class S>
inline constexpr bool is_valid_shape_v = !std::is_same_v<S, invalid_shape>;

namespace rule {
// Rules are declared where the layer is; this namespace only gathers them for readers of
// diagnostics. A rule template has the form
//   template <std::size_t LayerIndex, class Layer, class InputShape> struct some_rule;
// and a static member `bool ok` that is true when the rule holds.
}  // namespace rule

namespace detail {
// True when Rule holds. Instantiates Rule, so its static_assert fires when it does not, but
// never reads a member of a class whose static_assert failed: Clang marks such a class
// invalid, and `Rule::ok` is then not a constant expression, which cascades.
template <class Rule>
inline constexpr bool rule_holds = requires { requires Rule::ok; };

// True when every rule holds, checked in order: a rule is not even instantiated once one
// before it failed, so a layer that breaks several rules says only the first.
template <class Rule, class... Rest>
constexpr bool rules_hold_in_order() {
  if constexpr (!rule_holds<Rule>)
    return false;
  else if constexpr (sizeof...(Rest) == 0)
    return true;
  else
    return rules_hold_in_order<Rest...>();
}
}  // namespace detail

}  // namespace ctinfer
