// ctinfer/model/model.hpp - a network ready to run: packed weights plus a fixed workspace.
//
//   ci::Model<Net> model{params};            // packs once (at compile time if constexpr)
//   std::array<float, 10> y = model(x);      // x: std::array<float, input size>
//   model.forward(std::span<const float, 64>(x), std::span<float, 10>(y));
//   ci::status st = model.forward(std::span<const float>(v), std::span<float>(w));  // checked
//
// Pre: params hold PyTorch-layout weights (ci::load_flat or a generated header).
// Post: forward never allocates, locks or throws; its cost is fixed at compile time.
// A Model owns one workspace, so calls on one Model object must not overlap; for concurrent
// use share one const Model and give each thread a ci::Workspace<Net>.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/highway.h>

#include "ctinfer/core/status.hpp"
#include "ctinfer/kernels/execute-inl.h"
#include "ctinfer/kernels/packing.hpp"
#include "ctinfer/model/params.hpp"
#include "ctinfer/model/plan.hpp"
#include "ctinfer/model/program.hpp"
#include "ctinfer/model/shapes.hpp"
#include "ctinfer/model/stream.hpp"

namespace ctinfer {

namespace detail {
template <class Program>
struct static_target_executor;  // defined by kernels/execute-inl.h for the static target
}  // namespace detail

// Runs programs with the SIMD target chosen at compile time (the one -march selects).
struct static_dispatch {
  template <class Net, class Program, class T>
  static void run(const T* packed, const T* in, T* out, T* workspace, T* state = nullptr,
                  std::uint32_t* positions = nullptr) {
    detail::static_target_executor<Program>::run(packed, in, out, workspace, state, positions);
  }
};

// Runs programs with the best SIMD target of the running CPU. The network's code for every
// target lives in the one translation unit that includes <ctinfer/runtime_dispatch.hpp>
// with CTINFER_DISPATCH_NET naming the network (see docs/concepts.md); link hwy.
template <class Net>
struct dispatched_network {
  using T = element_t<Net>;
  static void run(const T* packed, const T* in, T* out, T* workspace);  // defined in that unit
};
// (Streaming - Model::step - runs on the static target: the dispatch unit compiles the
// whole-sequence program only.)
struct runtime_dispatch {
  template <class Net, class Program, class T>
  static void run(const T* packed, const T* in, T* out, T* workspace, T* state = nullptr,
                  std::uint32_t* positions = nullptr) {
    if constexpr (std::is_same_v<Program, program_t<Net>>)
      dispatched_network<Net>::run(packed, in, out, workspace);
    else
      detail::static_target_executor<Program>::run(packed, in, out, workspace, state, positions);
  }
};

// The scratch memory of one forward call, for running one const Model from several threads.
template <class Net>
struct Workspace {
  alignas(64) std::array<element_t<Net>, workspace_size_v<Net>> data{};
};

template <class Net, class Dispatch = static_dispatch>
class Model {

 public:
  using network = Net;
  using element_type = element_t<Net>;
  using input_shape = input_shape_t<Net>;
  using output_shape = output_shape_t<Net>;
  static constexpr std::size_t input_size = input_shape::size;
  static constexpr std::size_t output_size = output_shape::size;
  static constexpr std::size_t workspace_size = workspace_size_v<Net>;
  static constexpr std::size_t packed_size = plan_v<Net>.packed_size;

  // Packs the weights for the kernels (and folds what can be folded). constexpr: a Model
  // built from constexpr params is packed by the compiler.
  constexpr explicit Model(const params_t<Net>& params) { pack(params); }

  std::array<element_type, output_size> operator()(const std::array<element_type, input_size>& x) {
    std::array<element_type, output_size> y;
    forward(std::span<const element_type, input_size>(x), std::span<element_type, output_size>(y));
    return y;
  }

  void forward(std::span<const element_type, input_size> x, std::span<element_type, output_size> y) {
    run(x.data(), y.data(), workspace_.data());
  }
  void forward(std::span<const element_type, input_size> x, std::span<element_type, output_size> y,
               Workspace<Net>& ws) const {
    run(x.data(), y.data(), ws.data.data());
  }
  // Sizes checked at run time: an error value, and y untouched, if they do not match.
  status forward(std::span<const element_type> x, std::span<element_type> y) {
    if (x.size() != input_size || y.size() != output_size)
      return status::error("Model::forward: expected ")
          .append(input_size)
          .append(" inputs and ")
          .append(output_size)
          .append(" outputs, got ")
          .append(x.size())
          .append(" and ")
          .append(y.size());
    run(x.data(), y.data(), workspace_.data());
    return {};
  }

  // Streaming (model/stream.hpp): one frame in, one frame out, the stream's state in `state`.
  // Pre: every layer streams (a static_assert names the first that cannot). Post: the outputs
  // of frames 0..t equal rows 0..t of forward() on the sequence; never allocates, locks,
  // throws or calls the system. const: many States may share one Model.
  static constexpr std::size_t frame_input_size = detail::frame_sizes<Net>::input;
  static constexpr std::size_t frame_output_size = detail::frame_sizes<Net>::output;

  void step(State<Net>& state, std::span<const element_type, frame_input_size> x,
            std::span<element_type, frame_output_size> y) const noexcept {
    if constexpr (State<Net>::streamable) {  // (else State<Net> reported which layer cannot stream)
      if (!state.started) start(state);
      Dispatch::template run<Net, program_t<frame_network_t<Net>>>(packed_.data(), x.data(), y.data(),
                                                                   state.workspace.data(), state.values.data(),
                                                                   state.positions.data());
    }
  }

  // Frames x[n * frame_input_size ...] to y[n * frame_output_size ...], n = 0..N-1, in order.
  // An error value, and nothing computed, if the sizes are not whole and equal frame counts.
  status process(State<Net>& state, std::span<const element_type> x, std::span<element_type> y) const noexcept {
    const std::size_t frames = x.size() / frame_input_size;
    if (x.size() % frame_input_size != 0 || y.size() != frames * frame_output_size)
      return status::error("Model::process: expected whole frames of ")
          .append(frame_input_size)
          .append(" inputs and as many frames of ")
          .append(frame_output_size)
          .append(" outputs, got ")
          .append(x.size())
          .append(" and ")
          .append(y.size());
    for (std::size_t n = 0; n < frames; ++n)
      step(state, std::span<const element_type, frame_input_size>(x.data() + n * frame_input_size, frame_input_size),
           std::span<element_type, frame_output_size>(y.data() + n * frame_output_size, frame_output_size));
    return {};
  }

  // The packed weights, for inspection and tests.
  constexpr std::span<const element_type> packed() const { return packed_; }

 private:
  void run(const element_type* x, element_type* y, element_type* ws) const {
    Dispatch::template run<Net, program_t<Net>>(packed_.data(), x, y, ws);
  }

  constexpr void pack(const params_t<Net>& params) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (pack_layer<I>(params), ...);
    }(std::make_index_sequence<layer_count_v<Net>>{});
  }

  // The per-output scale and shift of the BatchNorm folded into layer I (1 and 0 if none).
  template <std::size_t I, std::size_t Outputs>
  constexpr void folded_batch_norm(const params_t<Net>& params, std::array<double, Outputs>& scale,
                                   std::array<double, Outputs>& shift) const {
    if constexpr (I + 1 < layer_count_v<Net> && plan_v<Net>.folded[I + 1]) {
      using BN = layer_t<Net, I + 1>;
      const auto& bn = layer_params<I + 1, Net>(params);
      for (std::size_t o = 0; o < Outputs; ++o) {
        scale[o] = BN::scale(bn, o);
        shift[o] = BN::shift(bn, o);
      }
    } else {
      for (std::size_t o = 0; o < Outputs; ++o) {
        scale[o] = 1.0;
        shift[o] = 0.0;
      }
    }
  }

  template <std::size_t I>
  constexpr void pack_layer(const params_t<Net>& params) {
    using L = layer_t<Net, I>;
    using In = layer_input_shape_t<Net, I>;
    constexpr auto& plan = plan_v<Net>;
    constexpr std::size_t at = plan.packed_offset[I];
    if constexpr (L::kind == layer_kind::dense) {
      const auto& p = layer_params<I, Net>(params);
      constexpr std::size_t n = L::features, k = In::last;
      constexpr bool folded = I + 1 < layer_count_v<Net> && plan.folded[I + 1];
      std::array<double, n> scale{}, shift{};
      folded_batch_norm<I>(params, scale, shift);
      constexpr kernels::step st = plan.steps[plan.layer_step[I]];
      if constexpr (st.by_rows)
        kernels::pack_dense_rows(p.weight.data(), n, k, packed_.data() + at, folded ? scale.data() : nullptr,
                                 st.k_channels);
      else
        kernels::pack_dense_weight(p.weight.data(), n, k, packed_.data() + at, folded ? scale.data() : nullptr,
                                   st.k_channels);
      if constexpr (L::has_bias || folded) {
        for (std::size_t o = 0; o < n; ++o) {
          const double b = L::has_bias ? static_cast<double>(p.bias[o]) : 0.0;
          packed_[st.bias_offset + o] = static_cast<element_type>(b * scale[o] + shift[o]);
        }
      }
    } else if constexpr (L::kind == layer_kind::conv) {
      const auto& p = layer_params<I, Net>(params);
      constexpr kernels::step st = plan.steps[plan.layer_step[I]];
      constexpr window_geometry g = st.window;
      constexpr std::size_t taps = g.kernel_h * g.kernel_w, oc = g.out_channels;
      constexpr std::size_t ocg = oc / g.groups, icg = g.in_channels / g.groups;
      std::array<double, oc> scale{}, shift{};
      folded_batch_norm<I>(params, scale, shift);
      element_type* bias = packed_.data() + st.bias_offset;
      if constexpr (st.kind == kernels::step_kind::depthwise) {
        kernels::pack_depthwise_weight(p.weight.data(), scale.data(), oc, taps, packed_.data() + at);
        for (std::size_t o = 0; o < oc; ++o) bias[o] = bias_value<L>(p, o, scale[o], shift[o]);
      } else {
        if constexpr (st.kind == kernels::step_kind::conv_transpose)
          kernels::pack_conv_transpose_weight(p.weight.data(), scale.data(), g.groups, ocg, icg, taps,
                                              packed_.data() + at);
        else
          kernels::pack_conv_weight(p.weight.data(), scale.data(), g.groups, ocg, icg, taps, packed_.data() + at);
        constexpr std::size_t padded = kernels::padded_outputs<element_type>(ocg);
        for (std::size_t o = 0; o < oc; ++o)
          bias[o / ocg * padded + o % ocg] = bias_value<L>(p, o, scale[o], shift[o]);
      }
    } else if constexpr (L::kind == layer_kind::recurrent) {
      const auto& p = layer_params<I, Net>(params);
      using Cell = typename detail::recurrent_cell_of<L>::type;
      if constexpr (L::directions == 2) {
        pack_direction<Cell, In>(p.forward, packed_.data() + at);
        pack_direction<Cell, In>(p.reverse, packed_.data() + at + detail::packed_direction_size<element_type>(detail::network_plan_of<Net>::layers[I]));
      } else {
        pack_direction<Cell, In>(p, packed_.data() + at);
      }
    } else if constexpr (L::kind == layer_kind::elementwise) {
      if constexpr (L::op == unary_op::prelu) {
        const auto& p = layer_params<I, Net>(params);
        for (std::size_t c = 0; c < p.weight.size(); ++c) packed_[at + c] = p.weight[c];
      } else if constexpr (L::op == unary_op::batch_norm) {
        if constexpr (!plan.folded[I]) {
          const auto& p = layer_params<I, Net>(params);
          constexpr std::size_t channels = L::template channels<In>;
          constexpr std::size_t stride = kernels::channel_values_size<element_type>(channels);
          for (std::size_t c = 0; c < channels; ++c) {
            packed_[at + c] = static_cast<element_type>(L::scale(p, c));
            packed_[at + stride + c] = static_cast<element_type>(L::shift(p, c));
          }
        }
      }
    }
  }

  // One direction of an LSTM or GRU, as kernels/recurrent-inl.h reads it (recurrent_packing).
  template <class Cell, class In, class P>
  static constexpr void pack_direction(const P& p, element_type* out) {
    constexpr std::size_t H = Cell::hidden, F = In::last, G = Cell::gates, GH = G * H;
    constexpr kernels::recurrent_layout l = kernels::recurrent_packing<element_type>(G, H, F);
    kernels::pack_dense_weight(p.weight_ih.data(), GH, F, out + l.w_ih);
    kernels::pack_recurrent_hidden_weight(p.weight_hh.data(), G, H, out + l.w_hh);
    for (std::size_t o = 0; o < GH; ++o) {
      // LSTM: every bias joins the input product; GRU: all but b_hn (scaled by the reset gate).
      const bool apart = Cell::cell == rnn_cell::gru && o >= 2 * H;
      const double bx = static_cast<double>(p.bias_ih[o]) + (apart ? 0.0 : static_cast<double>(p.bias_hh[o]));
      out[l.bias_x + o] = static_cast<element_type>(bx);
      out[l.bias_h + o] = apart ? p.bias_hh[o] : element_type(0);
    }
    for (std::size_t j = 0; j < H; ++j) {
      out[l.h0 + j] = p.h0[j];
      out[l.c0 + j] = p.c0[j];
    }
  }

  // A new stream's state: zeros, then the packed initial h and c of recurrent layers.
  void start(State<Net>& state) const noexcept {
    constexpr auto& fp = plan_v<frame_network_t<Net>>;
    [&]<std::size_t... S>(std::index_sequence<S...>) {
      ((fp.steps[S].stateful && (fp.steps[S].kind == kernels::step_kind::lstm || fp.steps[S].kind == kernels::step_kind::gru)
            ? load_initial_state<S>(state)
            : void()),
       ...);
    }(std::make_index_sequence<fp.step_count>{});
    state.started = true;
  }
  template <std::size_t S>
  void load_initial_state(State<Net>& state) const noexcept {
    constexpr kernels::step st = plan_v<frame_network_t<Net>>.steps[S];
    constexpr bool lstm = st.kind == kernels::step_kind::lstm;
    constexpr kernels::recurrent_layout l = kernels::recurrent_packing<element_type>(lstm ? 4 : 3, st.cols, st.k);
    element_type* h = state.values.data() + st.state_offset;
    element_type* c = h + kernels::round_up(st.cols, kernels::packed_alignment<element_type>);
    for (std::size_t j = 0; j < st.cols; ++j) {
      h[j] = packed_[st.weight_offset + l.h0 + j];
      c[j] = packed_[st.weight_offset + l.c0 + j];
    }
  }

  template <class L, class P>
  static constexpr element_type bias_value(const P& p, std::size_t o, double scale, double shift) {
    double b = 0.0;
    if constexpr (L::has_bias) b = static_cast<double>(p.bias[o]);
    return static_cast<element_type>(b * scale + shift);
  }

  alignas(64) std::array<element_type, packed_size> packed_{};
  alignas(64) std::array<element_type, workspace_size> workspace_{};
};

}  // namespace ctinfer
