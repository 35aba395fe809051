// ctinfer/layers/recurrent.hpp - LSTM and GRU over a sequence (torch.nn.LSTM, torch.nn.GRU).
//
// Both map a (T, F) sequence to all T hidden states, (T, H), as PyTorch's batch_first layers
// do; stack them by listing them. Options (any order):
//   ci::NoBias        no bias_ih/bias_hh (bias=False)
//   ci::InitialState  the initial h (and c) are parameters, learned or set by the user;
//                     without it they are zero
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<100, 1>>, ci::LSTM<16>, ci::Dense<1>>;  // (100, 1)
//   using Bi  = ci::Sequential<ci::Input<ci::Shape<20, 4>>, ci::Bidirectional<ci::GRU<8>>>;  // (20, 16)
//
// Parameters, PyTorch's order and layout: weight_ih [G*H][F], weight_hh [G*H][H], bias_ih [G*H],
// bias_hh [G*H] (G = 4 gates i, f, g, o for LSTM; 3 gates r, z, n for GRU), then h0 [H] (and
// c0 [H] for LSTM) with InitialState. Bidirectional<L>: the forward direction's, then the
// reverse direction's (PyTorch's *_reverse tensors); output [forward H | reverse H] per step.
//
// GRU is PyTorch's formulation: n = tanh(W_in x + b_in + r * (W_hn h + b_hn)), the reset gate
// applied after the hidden product (ONNX's linear_before_reset = 1).
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include "ctinfer/core/detail/constexpr_math.hpp"
#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/layers/detail/spatial.hpp"
#include "ctinfer/layers/layer.hpp"
#include "ctinfer/layers/options.hpp"

namespace ctinfer {

enum class rnn_cell { lstm, gru };

namespace rule {
template <std::size_t LayerIndex, class Layer, class InputShape>
struct recurrent_needs_a_sequence {
  static constexpr bool ok = InputShape::rank == 2;
  static_assert(ok, "ctinfer: LSTM and GRU take a (T, F) sequence (rank 2); for a single frame use "
                    "Shape<1, F>, for a (C, L) signal insert ci::Transpose first");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct recurrent_needs_hidden_units {
  static constexpr bool ok = Layer::hidden > 0;
  static_assert(ok, "ctinfer: LSTM<H> / GRU<H> need H > 0 hidden units");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct recurrent_options_are_known_and_unique {
  static constexpr bool ok = Layer::options_ok;
  static_assert(ok, "ctinfer: LSTM and GRU take the options NoBias and InitialState, each at most once");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct bidirectional_wraps_an_lstm_or_gru {
  static constexpr bool ok = Layer::wraps_recurrent;
  static_assert(ok, "ctinfer: Bidirectional<L> takes an LSTM<H> or GRU<H>");
};
}  // namespace rule

// PyTorch's tensors of one direction. Unused tensors (no bias, no initial state) take no
// space in the flat weight order: tensors() lists only the present ones.
template <class T, std::size_t Gates, std::size_t F, std::size_t H, bool Bias, std::size_t States>
struct recurrent_params {
  static constexpr std::size_t tensor_count = 2 + (Bias ? 2 : 0) + States;
  static constexpr std::size_t count = Gates * H * (F + H) + (Bias ? 2 * Gates * H : 0) + States * H;
  std::array<T, Gates * H * F> weight_ih{};  // [G*H][F]
  std::array<T, Gates * H * H> weight_hh{};  // [G*H][H]
  std::array<T, Gates * H> bias_ih{};        // zero without bias
  std::array<T, Gates * H> bias_hh{};
  std::array<T, H> h0{};                     // zero without InitialState
  std::array<T, H> c0{};                     // LSTM only
  constexpr std::array<std::span<T>, tensor_count> tensors() {
    std::array<std::span<T>, tensor_count> out{};
    std::size_t n = 0;
    out[n++] = std::span<T>(weight_ih);
    out[n++] = std::span<T>(weight_hh);
    if constexpr (Bias) {
      out[n++] = std::span<T>(bias_ih);
      out[n++] = std::span<T>(bias_hh);
    }
    if constexpr (States >= 1) out[n++] = std::span<T>(h0);
    if constexpr (States == 2) out[n++] = std::span<T>(c0);
    return out;
  }
};

namespace detail {

// The scalar reference of one direction over a (T, F) sequence: y[t * y_stride + j] = h_t[j].
// Accumulates in T like the other references; the gate functions in double.
template <rnn_cell Cell, std::size_t H, std::size_t Time, std::size_t F, class T, class P>
constexpr void recurrent_reference(const P& p, const T* x, T* y, std::size_t y_stride, bool reverse) {
  constexpr std::size_t G = Cell == rnn_cell::lstm ? 4 : 3;
  std::array<T, H> h = p.h0, c = p.c0;
  std::array<T, G * H> gx{}, gh{};
  for (std::size_t step = 0; step < Time; ++step) {
    const std::size_t t = reverse ? Time - 1 - step : step;
    for (std::size_t o = 0; o < G * H; ++o) {
      T ax = p.bias_ih[o], ah = p.bias_hh[o];
      for (std::size_t k = 0; k < F; ++k) ax += p.weight_ih[o * F + k] * x[t * F + k];
      for (std::size_t k = 0; k < H; ++k) ah += p.weight_hh[o * H + k] * h[k];
      gx[o] = ax;
      gh[o] = ah;
    }
    for (std::size_t j = 0; j < H; ++j) {
      if constexpr (Cell == rnn_cell::lstm) {
        auto pre = [&](std::size_t g) { return static_cast<double>(gx[g * H + j] + gh[g * H + j]); };
        const double i = cmath::sigmoid(pre(0)), f = cmath::sigmoid(pre(1));
        const double g = cmath::tanh(pre(2)), o = cmath::sigmoid(pre(3));
        c[j] = static_cast<T>(f * static_cast<double>(c[j]) + i * g);
        h[j] = static_cast<T>(o * cmath::tanh(static_cast<double>(c[j])));
      } else {
        const double r = cmath::sigmoid(static_cast<double>(gx[j] + gh[j]));
        const double z = cmath::sigmoid(static_cast<double>(gx[H + j] + gh[H + j]));
        const double n = cmath::tanh(static_cast<double>(gx[2 * H + j]) + r * static_cast<double>(gh[2 * H + j]));
        h[j] = static_cast<T>((1.0 - z) * n + z * static_cast<double>(h[j]));
      }
    }
    for (std::size_t j = 0; j < H; ++j) y[t * y_stride + j] = h[j];
  }
}

// Self: the user-facing layer type, so diagnostics name LSTM<...> or GRU<...>.
template <class Self, rnn_cell Cell, std::size_t H, class... Opts>
struct recurrent_layer {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::recurrent;
  static constexpr rnn_cell cell = Cell;
  static constexpr std::size_t hidden = H;
  static constexpr std::size_t gates = Cell == rnn_cell::lstm ? 4 : 3;
  static constexpr std::size_t directions = 1;
  static constexpr bool has_bias = option_count_v<option::kind::bias, Opts...> == 0;
  static constexpr bool initial_state = option_count_v<option::kind::initial_state, Opts...> > 0;
  // Tensors of initial state among the parameters: h0 (and c0 for LSTM).
  static constexpr std::size_t state_tensors = initial_state ? (Cell == rnn_cell::lstm ? 2 : 1) : 0;
  static constexpr bool options_ok =
      options_known_and_unique<option_kinds<option::kind::bias, option::kind::initial_state>, Opts...>();

  template <std::size_t I, AShape In>
  static constexpr bool check = rules_hold_in_order<rule::recurrent_options_are_known_and_unique<I, Self, In>,
                                                    rule::recurrent_needs_hidden_units<I, Self, In>,
                                                    rule::recurrent_needs_a_sequence<I, Self, In>>();

  template <AShape In>
  using output_shape = Shape<In::dims[0], H>;

  template <Element T, AShape In>
  using params = recurrent_params<T, gates, In::last, H, has_bias, state_tensors>;

  template <Element T, AShape In>
  static constexpr void reference(const params<T, In>& p, const T* x, T* y) {
    recurrent_reference<Cell, H, In::dims[0], In::last>(p, x, y, H, false);
  }
};

}  // namespace detail

template <std::size_t H, class... Options>
struct LSTM : detail::recurrent_layer<LSTM<H, Options...>, rnn_cell::lstm, H, Options...> {};
template <std::size_t H, class... Options>
struct GRU : detail::recurrent_layer<GRU<H, Options...>, rnn_cell::gru, H, Options...> {};

// Both directions' parameters: the forward's tensors, then the reverse's.
template <class P>
struct bidirectional_params {
  static constexpr std::size_t count = 2 * P::count;
  P forward{}, reverse{};
  constexpr auto tensors() {
    auto f = forward.tensors(), r = reverse.tensors();
    std::array<typename decltype(f)::value_type, 2 * P::tensor_count> out{};
    for (std::size_t i = 0; i < P::tensor_count; ++i) {
      out[i] = f[i];
      out[P::tensor_count + i] = r[i];
    }
    return out;
  }
};

namespace detail {
template <class L>
concept recurrent_layer_type = requires {
  typename L::ctinfer_layer;
  requires L::kind == layer_kind::recurrent && L::directions == 1;
};
}  // namespace detail

// Runs L forward and backward in time over the whole sequence; (T, F) -> (T, 2H). Whole
// sequences only: a stream cannot look ahead.
template <class L>
struct Bidirectional {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::recurrent;
  static constexpr bool wraps_recurrent = detail::recurrent_layer_type<L>;
  using layer = L;
  static constexpr std::size_t directions = 2;
  // (1 for a wrapped non-recurrent layer, which the rule reports, so shapes stay well formed.)
  static constexpr std::size_t hidden_of() {
    if constexpr (wraps_recurrent)
      return L::hidden;
    else
      return 1;
  }

  template <std::size_t I, AShape In>
  static constexpr bool check = [] {
    if constexpr (!detail::rule_holds<rule::bidirectional_wraps_an_lstm_or_gru<I, Bidirectional, In>>)
      return false;
    else
      return L::template check<I, In>;
  }();

  template <AShape In>
  using output_shape = Shape<In::dims[0], 2 * hidden_of()>;

  template <Element T, AShape In>
  using params = bidirectional_params<typename L::template params<T, In>>;

  template <Element T, AShape In>
  static constexpr void reference(const params<T, In>& p, const T* x, T* y) {
    constexpr std::size_t H = L::hidden;
    detail::recurrent_reference<L::cell, H, In::dims[0], In::last>(p.forward, x, y, 2 * H, false);
    detail::recurrent_reference<L::cell, H, In::dims[0], In::last>(p.reverse, x, y + H, 2 * H, true);
  }
};

}  // namespace ctinfer
