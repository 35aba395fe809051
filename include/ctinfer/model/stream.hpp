// ctinfer/model/stream.hpp - streaming: a network run one frame at a time, with its state apart.
//
// A frame is one time step: the F features of a (T, F) input (recurrent nets), or the C
// channels of a (C, L) input (causal convolution nets). The network's one-frame twin has
// the same layers on a time extent of 1 and its own plan, where recurrent layers keep h and c
// in the State and causal convolutions keep a ring of past frames there. The packed weights
// are the Model's; the State holds everything else a stream needs, so one Model serves many
// streams.
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<1024, 1>>, ci::LSTM<16>, ci::Dense<1>>;
//   ci::Model<Net> model{params};
//   ci::State<Net> state;                      // zero state (or the learned initial state)
//   model.step(state, std::span<const float, 1>(&x, 1), std::span<float, 1>(&y, 1));
//   state.reset();                             // a new stream
//
// Streamable layers: Dense on the feature axis, elementwise, Softmax on features, LSTM and
// GRU (one direction), Conv1D with groups 1 and stride 1 that is causal (Causal, or
// Pads<(k - 1) * dilation, 0>, or a 1-wide kernel without padding), GLU/GatedTanh, Residual,
// Concat, Transpose, LastStep (and anything per frame after it).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/layers/layer.hpp"
#include "ctinfer/model/plan.hpp"
#include "ctinfer/model/sequential.hpp"
#include "ctinfer/model/shapes.hpp"

namespace ctinfer {

namespace detail {

// Where the time axis of a value is: the first of (T, F), the last of (C, L), or gone.
enum class time_axis { first, last, none };

// Why a layer cannot run one frame at a time (none: it can).
enum class stream_problem { none, needs_rank_2_input, whole_sequence, time_mixing_conv, conv_groups, per_channel_on_time };

struct stream_verdict {
  std::size_t layer = no_index;  // the first layer that cannot stream
  stream_problem problem = stream_problem::none;
  time_axis input_axis = time_axis::first;
};

// Which axis of a rank-2 input is time: the last if a channels-first layer (Conv1D, pooling,
// gating, Transpose) reads it before anything that reads (T, F) rows; else the first.
template <std::size_t N>
constexpr time_axis input_time_axis(const std::array<layer_info, N + 1>& layers) {
  for (std::size_t i = 0; i < N; ++i) {
    const layer_info& li = layers[i];
    switch (li.kind) {
      case layer_kind::conv:
      case layer_kind::pool:
      case layer_kind::resample:
      case layer_kind::gate:
        return time_axis::last;
      case layer_kind::reorder:
        return li.transpose ? time_axis::last : time_axis::first;
      case layer_kind::dense:
      case layer_kind::rowwise:
      case layer_kind::recurrent:
      case layer_kind::view:
        return time_axis::first;
      default:
        break;
    }
  }
  return time_axis::first;
}

template <std::size_t N>
constexpr stream_verdict check_streaming(const std::array<layer_info, N + 1>& layers, std::size_t input_rank) {
  stream_verdict v;
  v.input_axis = input_time_axis<N>(layers);
  if (input_rank != 2) {
    v.layer = 0;
    v.problem = stream_problem::needs_rank_2_input;
    return v;
  }
  std::array<time_axis, N + 1> block_input{};
  std::size_t depth = 0;
  time_axis axis = v.input_axis;
  auto fail = [&](std::size_t i, stream_problem p) {
    v.layer = i;
    v.problem = p;
    return v;
  };
  for (std::size_t i = 0; i < N; ++i) {
    const layer_info& li = layers[i];
    switch (li.kind) {
      case layer_kind::block:
        if (li.role == block_role::begin) block_input[depth++] = axis;
        else if (li.role == block_role::next_branch) axis = block_input[depth - 1];
        else --depth;
        break;
      case layer_kind::view:
        if (axis != time_axis::none) return fail(i, stream_problem::whole_sequence);
        break;
      case layer_kind::dense:
      case layer_kind::rowwise:
        if (axis == time_axis::last) return fail(i, stream_problem::whole_sequence);
        break;
      case layer_kind::elementwise:
        if (axis == time_axis::first && li.channels > 1) return fail(i, stream_problem::per_channel_on_time);
        break;
      case layer_kind::gate:
        if (axis == time_axis::first) return fail(i, stream_problem::whole_sequence);
        break;
      case layer_kind::recurrent:
        if (axis != time_axis::first || li.directions != 1) return fail(i, stream_problem::whole_sequence);
        break;
      case layer_kind::reorder:
        if (axis == time_axis::none || (!li.transpose && axis != time_axis::first))
          return fail(i, stream_problem::whole_sequence);
        axis = !li.transpose ? time_axis::none : axis == time_axis::first ? time_axis::last : time_axis::first;
        break;
      case layer_kind::conv: {
        const window_geometry& g = li.window;
        if (axis != time_axis::last || li.window_kind != kernels::step_kind::conv || g.kernel_h != 1 ||
            g.stride_w != 1)
          return fail(i, stream_problem::whole_sequence);
        if (g.pad_right != 0 || g.pad_left != g.dilation_w * (g.kernel_w - 1))
          return fail(i, stream_problem::time_mixing_conv);
        if (g.groups != 1) return fail(i, stream_problem::conv_groups);
        break;
      }
      default:  // pooling, resampling
        return fail(i, stream_problem::whole_sequence);
    }
  }
  return v;
}

template <class Net, class Seq = std::make_index_sequence<layer_count_v<Net>>>
struct stream_traits_of;
template <class Net, std::size_t... I>
struct stream_traits_of<Net, std::index_sequence<I...>> {
  static constexpr stream_verdict verdict =
      check_streaming<sizeof...(I)>(network_plan_of<Net>::layers, input_shape_t<Net>::rank);
};

template <class Net, class Layers>
struct frame_network;
template <class S, class T, class... Ls, class Layers>
struct frame_network<Sequential<Input<S, T>, Ls...>, Layers> {
  static constexpr bool time_first = stream_traits_of<Sequential<Input<S, T>, Ls...>>::verdict.input_axis ==
                                     time_axis::first;
  using frame_shape = std::conditional_t<time_first, Shape<1, S::last>, Shape<S::dims[0], 1>>;
  using type = Sequential<frame_input<frame_shape, T>, Ls...>;
};

}  // namespace detail

namespace rule {
// One rule, with the layer's index and type in the instantiation the compiler shows.
template <std::size_t LayerIndex, class Layer, detail::stream_problem Problem>
struct layer_runs_one_frame_at_a_time {
  static constexpr bool ok = Problem == detail::stream_problem::none;
  static_assert(Problem != detail::stream_problem::needs_rank_2_input,
                "ctinfer: streaming (Model::step/process) needs a (T, F) or (C, L) input: a rank-2 Input whose "
                "time axis a frame is one step of");
  static_assert(Problem != detail::stream_problem::whole_sequence,
                "ctinfer: this layer needs the whole sequence (or more than the current frame) and cannot run in "
                "Model::step/process; streamable: Dense on features, elementwise, LSTM/GRU, causal Conv1D, "
                "GLU/GatedTanh, Residual/Concat, Transpose, LastStep");
  static_assert(Problem != detail::stream_problem::time_mixing_conv,
                "ctinfer: a streamed Conv1D must be causal (ci::Causal, or Pads<(kernel-1)*dilation, 0>) so "
                "output t reads inputs up to t only");
  static_assert(Problem != detail::stream_problem::conv_groups,
                "ctinfer: a streamed Conv1D needs Groups<1>");
  static_assert(Problem != detail::stream_problem::per_channel_on_time,
                "ctinfer: PReLU/BatchNorm on a (T, F) sequence have one value per time step (the first axis), "
                "so they cannot stream");
};
}  // namespace rule

namespace detail {
template <class Net>
constexpr bool streamable() {
  constexpr stream_verdict v = stream_traits_of<Net>::verdict;
  if constexpr (v.problem == stream_problem::none) {
    return true;
  } else {
    using L = layer_t<Net, v.layer < layer_count_v<Net> ? v.layer : 0>;
    return rule_holds<rule::layer_runs_one_frame_at_a_time<v.layer, L, v.problem>>;
  }
}
}  // namespace detail

// The network that runs one frame of Net; its plan is a streaming one.
template <class Net>
using frame_network_t = typename detail::frame_network<Net, void>::type;

namespace detail {
// Sizes of one input and one output frame (dynamic for a network that cannot stream, whose
// one-frame twin is never formed: State<Net> then reports the layer).
template <class Net>
struct frame_sizes {
  static constexpr std::size_t input = std::dynamic_extent, output = std::dynamic_extent;
};
// (Only for a valid network: a network that already broke a shape rule must not form its
// one-frame twin, which would report the same mistake again on the frame's shape.)
template <class Net>
  requires(network_valid<Net>::value && stream_traits_of<Net>::verdict.problem == stream_problem::none)
struct frame_sizes<Net> {
  static constexpr std::size_t input = input_shape_t<frame_network_t<Net>>::size;
  static constexpr std::size_t output = output_shape_t<frame_network_t<Net>>::size;
};
}  // namespace detail

// The state one stream carries between frames: hidden and cell states, past frames of causal
// convolutions, and the scratch one frame computes in. Its size is a compile-time constant;
// it never allocates. reset() starts a new stream (zero state; the learned initial state of
// layers with ci::InitialState is loaded by the next Model::step).
template <class Net>
struct State {
  static constexpr bool streamable = detail::streamable<Net>();  // else: which layer, and why
  using frame_net =
      std::conditional_t<streamable, frame_network_t<Net>, Sequential<Input<Shape<1, 1>, element_t<Net>>>>;
  using element_type = element_t<Net>;
  static constexpr const auto& plan = plan_v<frame_net>;
  static constexpr std::size_t state_size = plan.state_size;
  static constexpr std::size_t workspace_size = plan.workspace_size;

  alignas(64) std::array<element_type, state_size + (state_size == 0)> values{};
  alignas(64) std::array<element_type, workspace_size + (workspace_size == 0)> workspace{};
  std::array<std::uint32_t, plan.position_count + 1> positions{};
  bool started = false;

  constexpr void reset() {
    values.fill(element_type(0));
    positions.fill(0);
    started = false;
  }
};

}  // namespace ctinfer
