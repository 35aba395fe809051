// ctinfer/layers/sequence.hpp - layers that move values of a sequence without arithmetic.
//
//   ci::LastStep    // (T, F) -> (F): the last time step, as x[:, -1] on a batch
//   ci::Transpose   // (A, B) -> (B, A), as x.transpose(-1, -2): e.g. a Conv1D's (C, L) output
//                   // to the (T, F) sequence an LSTM or GRU reads
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<50, 3>>, ci::GRU<16>, ci::LastStep, ci::Dense<4>>;
//   static_assert(std::is_same_v<ci::output_shape_t<Net>, ci::Shape<4>>);
//
// When streaming (Model::step) a frame is one time step, so both are copies of the frame.
#pragma once

#include <cstddef>

#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/layers/layer.hpp"

namespace ctinfer {

namespace rule {
template <std::size_t LayerIndex, class Layer, class InputShape>
struct last_step_needs_a_sequence {
  static constexpr bool ok = InputShape::rank == 2;
  static_assert(ok, "ctinfer: LastStep takes a (T, F) sequence (rank 2) and keeps its last row");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct transpose_needs_rank_2 {
  static constexpr bool ok = InputShape::rank == 2;
  static_assert(ok, "ctinfer: Transpose swaps the two axes of a rank-2 tensor ((C, L) <-> (L, C))");
};
}  // namespace rule

struct LastStep {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::reorder;
  static constexpr bool transpose = false;
  template <std::size_t I, AShape In>
  static constexpr bool check = detail::rule_holds<rule::last_step_needs_a_sequence<I, LastStep, In>>;
  template <AShape In>
  using output_shape = Shape<In::last>;
  template <Element T, AShape In>
  static constexpr void reference(const no_params&, const T* x, T* y) {
    for (std::size_t f = 0; f < In::last; ++f) y[f] = x[(In::dims[0] - 1) * In::last + f];
  }
};

struct Transpose {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::reorder;
  static constexpr bool transpose = true;
  template <std::size_t I, AShape In>
  static constexpr bool check = detail::rule_holds<rule::transpose_needs_rank_2<I, Transpose, In>>;
  template <AShape In>
  using output_shape = Shape<In::last, In::dims[0]>;
  template <Element T, AShape In>
  static constexpr void reference(const no_params&, const T* x, T* y) {
    constexpr std::size_t A = In::dims[0], B = In::last;
    for (std::size_t a = 0; a < A; ++a)
      for (std::size_t b = 0; b < B; ++b) y[b * A + a] = x[a * B + b];
  }
};

}  // namespace ctinfer
