// ctinfer/model/plan.hpp - passes 2 and 3: fusion and the memory plan.
//
// Fusion: a Dense and the elementwise layers after it are one step (applied in its store);
// consecutive elementwise layers are one step; Softmax/LogSoftmax are a step of their own;
// Flatten/Reshape are no step at all. Memory: the first step reads the caller's input, the
// last writes the caller's output, and the steps between use one workspace whose size is
// the largest (input + output) of any step that cannot run in place: buffers alternate
// between the bottom and the top of the workspace, and in-place steps reuse their input.
// Everything is computed in constexpr code from the layer types; nothing is left to run time.
//
//   using Net = ci::Sequential<ci::Input<ci::Shape<16>>, ci::Dense<32>, ci::ReLU, ci::Dense<16>>;
//   static_assert(ci::plan_v<Net>.step_count == 2);          // Dense+ReLU, Dense
//   static_assert(ci::workspace_size_v<Net> == 32);          // one 32-float buffer
#pragma once

#include <array>
#include <cstddef>
#include <utility>

#include "ctinfer/kernels/packing.hpp"
#include "ctinfer/kernels/steps.hpp"
#include "ctinfer/core/window.hpp"
#include "ctinfer/layers/layer.hpp"
#include "ctinfer/layers/pooling.hpp"
#include "ctinfer/model/params.hpp"
#include "ctinfer/model/shapes.hpp"

namespace ctinfer {

namespace detail {

struct layer_info {
  layer_kind kind = layer_kind::view;
  bool bias = false;
  bool log = false;
  bool prelu = false;
  bool batch_norm = false;
  std::size_t channels = 0;  // of PReLU and BatchNorm (their per-channel values)
  std::size_t in_rows = 0, in_last = 0, in_size = 0;
  std::size_t out_rows = 0, out_last = 0, out_size = 0, out_rank = 0;
  kernels::step_kind window_kind = kernels::step_kind::conv;  // conv and pool layers
  window_geometry window{};
};

template <class L, class In, class Out>
constexpr layer_info describe_layer() {
  using kernels::step_kind;
  layer_info li;
  li.kind = L::kind;
  li.in_rows = In::rows;
  li.in_last = In::last;
  li.in_size = In::size;
  li.out_rows = Out::rows;
  li.out_last = Out::last;
  li.out_size = Out::size;
  li.out_rank = Out::rank;
  if constexpr (L::kind == layer_kind::dense) li.bias = L::has_bias;
  if constexpr (L::kind == layer_kind::rowwise) li.log = L::log;
  if constexpr (L::kind == layer_kind::elementwise) {
    if constexpr (L::op == unary_op::prelu || L::op == unary_op::batch_norm) {
      li.prelu = L::op == unary_op::prelu;
      li.batch_norm = L::op == unary_op::batch_norm;
      li.channels = L::template channels<In>;
    }
  }
  if constexpr (L::kind == layer_kind::conv) {
    li.window = L::template geometry<In>;
    li.window_kind = step_kind::conv;
  }
  if constexpr (L::kind == layer_kind::pool) {
    li.window = L::template geometry<In>;
    if constexpr (L::global)
      li.window_kind = L::op == pool_op::max ? step_kind::global_max_pool : step_kind::global_avg_pool;
    else
      li.window_kind = L::op == pool_op::max ? step_kind::max_pool : step_kind::avg_pool;
  }
  return li;
}

template <std::size_t N>
struct network_plan {
  static constexpr std::size_t max_steps = N + 1;
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  std::array<kernels::step, max_steps> steps{};
  std::array<std::size_t, max_steps> step_layer{};  // the layer that opened each step
  std::size_t step_count = 0;
  std::array<std::size_t, N + 1> op_layers{};  // layer indices of the epilogue ops, by step
  std::size_t op_count = 0;
  // The step a Dense or Conv layer runs in (npos for other layers).
  std::array<std::size_t, N + 1> layer_step{};
  // BatchNorm layers folded into the Dense or Conv before them.
  std::array<bool, N + 1> folded{};
  // Where each layer's packed parameters start in the packed store.
  std::array<std::size_t, N + 1> packed_offset{};
  std::size_t packed_size = 0;
  std::size_t workspace_size = 0;
  // Sum of every intermediate activation, for comparison with workspace_size.
  std::size_t activations_size = 0;
};

// Pass 2, fusion: layers to steps.
template <std::size_t N>
constexpr void make_steps(network_plan<N>& plan, const layer_info* layers, std::size_t input_size,
                          std::array<bool, N + 1>& channels_first_after) {
  using kernels::step_kind;
  constexpr std::size_t npos = network_plan<N>::npos;
  bool open = false;               // may the last step take more epilogue ops?
  std::size_t opened_by = npos;    // the Dense/Conv layer that opened it, if any
  for (std::size_t i = 0; i < N; ++i) {
    const layer_info& li = layers[i];
    plan.layer_step[i] = npos;
    kernels::step s;
    s.first_op = plan.op_count;
    s.in_size = li.in_size;
    s.out_size = li.out_size;
    switch (li.kind) {
      case layer_kind::view:
        // Keep fusing across a view only if the (rows, cols) view is unchanged. Whatever
        // comes after a view reads PyTorch's layout.
        if (li.in_rows != li.out_rows || li.in_last != li.out_last) open = false;
        if (plan.step_count > 0) channels_first_after[plan.step_count - 1] = true;
        continue;
      case layer_kind::dense:
        s.kind = step_kind::gemm;
        s.rows = li.in_rows;
        s.k = li.in_last;
        s.cols = li.out_last;
        s.bias = li.bias;
        opened_by = i;
        break;
      case layer_kind::conv:
      case layer_kind::pool:
        s.kind = li.window_kind;
        s.window = li.window;
        s.bias = li.kind == layer_kind::conv;  // always packed (zeros without bias)
        opened_by = li.kind == layer_kind::conv ? i : npos;
        break;
      case layer_kind::elementwise: {
        const bool foldable = li.batch_norm && open && opened_by + 1 == i &&
                              plan.steps[plan.step_count - 1].op_count == 0 &&
                              (layers[opened_by].kind == layer_kind::conv ||
                               (layers[opened_by].kind == layer_kind::dense && layers[opened_by].out_rank == 1));
        if (foldable) {
          plan.folded[i] = true;
          plan.steps[plan.step_count - 1].bias = true;
          continue;
        }
        if (!open) {
          s.kind = step_kind::elementwise;
          s.rows = li.in_rows;
          s.cols = li.in_last;
          opened_by = npos;
          plan.steps[plan.step_count++] = s;
          open = true;
        }
        plan.op_layers[plan.op_count++] = i;
        ++plan.steps[plan.step_count - 1].op_count;
        continue;
      }
      case layer_kind::rowwise:
        s.kind = li.log ? step_kind::log_softmax : step_kind::softmax;
        s.rows = li.in_rows;
        s.cols = li.in_last;
        opened_by = npos;
        plan.steps[plan.step_count++] = s;
        open = false;
        continue;
    }
    plan.layer_step[i] = plan.step_count;
    plan.step_layer[plan.step_count] = i;
    plan.steps[plan.step_count++] = s;
    open = true;
  }
  if (plan.step_count == 0) {
    kernels::step s;
    s.kind = step_kind::copy;
    s.rows = 1;
    s.cols = input_size;
    s.in_size = s.out_size = input_size;
    plan.steps[plan.step_count++] = s;
  }
}

// Layouts: window steps hand channels-last tensors to each other; everything else, and the
// network's input and output, is channels-first. Then the kernel each window step runs:
// depthwise when it can read channels-last, GEMM for a 1x1 convolution between two
// channels-last tensors ((positions, C) x W^T).
template <std::size_t N>
constexpr void choose_layouts(network_plan<N>& plan, const std::array<bool, N + 1>& channels_first_after) {
  using kernels::step_kind;
  for (std::size_t s = 0; s < plan.step_count; ++s) {
    kernels::step& st = plan.steps[s];
    const bool global = st.kind == step_kind::global_avg_pool || st.kind == step_kind::global_max_pool;
    st.src_channels_last = s > 0 && plan.steps[s - 1].dst_channels_last;
    st.dst_channels_last = kernels::is_window_step(st.kind) && !global && s + 1 < plan.step_count &&
                           kernels::is_window_step(plan.steps[s + 1].kind) && !channels_first_after[s];
  }
  for (std::size_t s = 0; s < plan.step_count; ++s) {
    kernels::step& st = plan.steps[s];
    if (st.kind != step_kind::conv) continue;
    const window_geometry& g = st.window;
    if (g.groups > 1 && g.groups == g.in_channels && g.groups == g.out_channels && st.src_channels_last) {
      st.kind = step_kind::depthwise;
    } else if (g.groups == 1 && g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 &&
               g.pad_top == 0 && g.pad_left == 0 && g.pad_bottom == 0 && g.pad_right == 0 &&
               st.src_channels_last && st.dst_channels_last) {
      st.kind = step_kind::gemm;
      st.rows = g.out_positions();
      st.k = g.in_channels;
      st.cols = g.out_channels;
    }
  }
}

template <class T>
constexpr std::size_t packed_size_of(const layer_info& li, const kernels::step* st, bool bias) {
  using kernels::step_kind;
  if (li.kind == layer_kind::dense) {
    std::size_t n = kernels::packed_weight_size<T>(li.out_last, li.in_last);
    if (bias) n += kernels::round_up(kernels::padded_outputs<T>(li.out_last), kernels::packed_alignment<T>);
    return n;
  }
  if (li.kind == layer_kind::conv) {
    const window_geometry& g = li.window;
    const std::size_t taps = g.kernel_h * g.kernel_w;
    if (st->kind == step_kind::depthwise)
      return kernels::packed_conv_weight_size<T>(1, g.out_channels, taps) +
             kernels::packed_conv_bias_size<T>(1, g.out_channels);
    const std::size_t ocg = g.out_channels / g.groups;
    return kernels::packed_conv_weight_size<T>(g.groups, ocg, taps * (g.in_channels / g.groups)) +
           kernels::packed_conv_bias_size<T>(g.groups, ocg);
  }
  if (li.prelu) return kernels::channel_values_size<T>(li.channels);
  if (li.batch_norm) return 2 * kernels::channel_values_size<T>(li.channels);
  return 0;
}

template <class T, std::size_t N>
constexpr network_plan<N> make_plan(const std::array<layer_info, N + 1>& layers_with_end,
                                    std::size_t input_size) {
  using kernels::step_kind;
  network_plan<N> plan;
  const layer_info* layers = layers_with_end.data();
  std::array<bool, N + 1> channels_first_after{};
  make_steps(plan, layers, input_size, channels_first_after);
  choose_layouts(plan, channels_first_after);

  // Packed parameters: per layer, in layer order (nothing for a folded BatchNorm).
  std::size_t packed = 0;
  for (std::size_t i = 0; i < N; ++i) {
    plan.packed_offset[i] = packed;
    if (plan.folded[i]) continue;
    const std::size_t s = plan.layer_step[i];
    const kernels::step* st = s == network_plan<N>::npos ? nullptr : &plan.steps[s];
    packed += packed_size_of<T>(layers[i], st, st != nullptr && st->bias);
  }
  plan.packed_offset[N] = packed;
  plan.packed_size = packed;
  for (std::size_t s = 0; s < plan.step_count; ++s) {
    kernels::step& st = plan.steps[s];
    if (st.kind != step_kind::gemm && st.kind != step_kind::conv && st.kind != step_kind::depthwise) continue;
    st.weight_offset = plan.packed_offset[plan.step_layer[s]];
    const window_geometry& g = st.window;
    if (layers[plan.step_layer[s]].kind == layer_kind::dense)
      st.bias_offset = st.weight_offset + kernels::packed_weight_size<T>(st.cols, st.k);
    else if (st.kind == step_kind::depthwise)
      st.bias_offset = st.weight_offset + kernels::packed_conv_weight_size<T>(1, g.out_channels, g.kernel_h * g.kernel_w);
    else
      st.bias_offset = st.weight_offset +
                       kernels::packed_conv_weight_size<T>(g.groups, g.out_channels / g.groups,
                                                           g.kernel_h * g.kernel_w * (g.in_channels / g.groups));
  }

  // Memory plan. Sizes are rounded to 64 bytes so every buffer starts aligned.
  auto rounded = [](std::size_t n) { return kernels::round_up(n, kernels::packed_alignment<T>); };
  // First walk: bottom (false) or top (true) of the workspace, and the size needed.
  using kernels::buffer;
  std::array<bool, N + 1> top{};
  buffer current = buffer::input;
  bool current_top = false;
  std::size_t workspace = 0;
  for (std::size_t s = 0; s < plan.step_count; ++s) {
    const kernels::step& st = plan.steps[s];
    const bool last = s + 1 == plan.step_count;
    const bool in_place = st.kind != step_kind::gemm && !kernels::is_window_step(st.kind);
    const std::size_t src_ws = current == buffer::workspace ? rounded(st.in_size) : 0;
    if (last) {
      workspace = workspace > src_ws ? workspace : src_ws;
      break;
    }
    bool dst_top;
    if (current != buffer::workspace)
      dst_top = false;
    else if (in_place)
      dst_top = current_top;
    else
      dst_top = !current_top;
    top[s] = dst_top;
    const std::size_t need =
        (in_place && current == buffer::workspace) ? src_ws : src_ws + rounded(st.out_size);
    workspace = workspace > need ? workspace : need;
    current = buffer::workspace;
    current_top = dst_top;
  }
  plan.workspace_size = workspace;
  // Second walk: fixed offsets.
  kernels::location cur{buffer::input, 0};
  for (std::size_t s = 0; s < plan.step_count; ++s) {
    kernels::step& st = plan.steps[s];
    st.src = cur;
    if (s + 1 == plan.step_count) {
      st.dst = {buffer::output, 0};
    } else {
      const std::size_t size = rounded(st.out_size);
      st.dst = {buffer::workspace, top[s] ? workspace - size : 0};
      plan.activations_size += st.out_size;
    }
    cur = st.dst;
  }
  return plan;
}

template <class Net, class Seq = std::make_index_sequence<layer_count_v<Net>>>
struct network_plan_of;
template <class Net, std::size_t... I>
struct network_plan_of<Net, std::index_sequence<I...>> {
  static constexpr std::size_t N = sizeof...(I);
  static constexpr std::array<layer_info, N + 1> layers{
      describe_layer<layer_t<Net, I>, layer_input_shape_t<Net, I>, layer_input_shape_t<Net, I + 1>>()...,
      layer_info{}};
  static constexpr network_plan<N> value =
      make_plan<element_t<Net>, N>(layers, input_shape_t<Net>::size);
};

}  // namespace detail

// The compiled plan of a network: its steps, packed-weight and workspace sizes.
template <class Net>
inline constexpr const auto& plan_v = detail::network_plan_of<Net>::value;

// Elements of T the workspace needs (a compile-time constant; 0 for a one-step network).
template <class Net>
inline constexpr std::size_t workspace_size_v = plan_v<Net>.workspace_size;

}  // namespace ctinfer
