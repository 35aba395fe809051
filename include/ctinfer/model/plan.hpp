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
#include "ctinfer/layers/layer.hpp"
#include "ctinfer/model/params.hpp"
#include "ctinfer/model/shapes.hpp"

namespace ctinfer {

namespace detail {

struct layer_info {
  layer_kind kind = layer_kind::view;
  bool bias = false;
  bool log = false;
  bool prelu = false;
  std::size_t prelu_channels = 0;
  std::size_t in_rows = 0, in_last = 0, in_size = 0;
  std::size_t out_rows = 0, out_last = 0, out_size = 0;
};

template <class L, class In, class Out>
constexpr layer_info describe_layer() {
  layer_info li;
  li.kind = L::kind;
  li.in_rows = In::rows;
  li.in_last = In::last;
  li.in_size = In::size;
  li.out_rows = Out::rows;
  li.out_last = Out::last;
  li.out_size = Out::size;
  if constexpr (L::kind == layer_kind::dense) li.bias = L::has_bias;
  if constexpr (L::kind == layer_kind::rowwise) li.log = L::log;
  if constexpr (L::kind == layer_kind::elementwise) {
    if constexpr (L::op == unary_op::prelu) {
      li.prelu = true;
      li.prelu_channels = L::template channels<In>;
    }
  }
  return li;
}

template <std::size_t N>
struct network_plan {
  static constexpr std::size_t max_steps = N + 1;
  std::array<kernels::step, max_steps> steps{};
  std::array<std::size_t, max_steps> step_layer{};  // the layer that opened each step
  std::size_t step_count = 0;
  std::array<std::size_t, N + 1> op_layers{};  // layer indices of the epilogue ops, by step
  std::size_t op_count = 0;
  // Where each layer's packed parameters start in the packed store.
  std::array<std::size_t, N + 1> packed_offset{};
  std::size_t packed_size = 0;
  std::size_t workspace_size = 0;
  // Sum of every intermediate activation, for comparison with workspace_size.
  std::size_t activations_size = 0;
};

template <class T, std::size_t N>
constexpr network_plan<N> make_plan(const std::array<layer_info, N + 1>& layers_with_end,
                                    std::size_t input_size) {
  using kernels::step_kind;
  network_plan<N> plan;
  const layer_info* layers = layers_with_end.data();
  bool open = false;  // may the last step take more epilogue ops?
  for (std::size_t i = 0; i < N; ++i) {
    const layer_info& li = layers[i];
    switch (li.kind) {
      case layer_kind::view:
        // Keep fusing across a view only if the (rows, cols) view is unchanged.
        if (li.in_rows != li.out_rows || li.in_last != li.out_last) open = false;
        break;
      case layer_kind::dense: {
        kernels::step s;
        s.kind = step_kind::gemm;
        s.rows = li.in_rows;
        s.k = li.in_last;
        s.cols = li.out_last;
        s.bias = li.bias;
        s.first_op = plan.op_count;
        plan.step_layer[plan.step_count] = i;
        plan.steps[plan.step_count++] = s;
        open = true;
        break;
      }
      case layer_kind::elementwise:
        if (!open) {
          kernels::step s;
          s.kind = step_kind::elementwise;
          s.rows = li.in_rows;
          s.cols = li.in_last;
          s.first_op = plan.op_count;
          plan.steps[plan.step_count++] = s;
          open = true;
        }
        plan.op_layers[plan.op_count++] = i;
        ++plan.steps[plan.step_count - 1].op_count;
        break;
      case layer_kind::rowwise: {
        kernels::step s;
        s.kind = li.log ? step_kind::log_softmax : step_kind::softmax;
        s.rows = li.in_rows;
        s.cols = li.in_last;
        s.first_op = plan.op_count;
        plan.steps[plan.step_count++] = s;
        open = false;
        break;
      }
    }
  }
  if (plan.step_count == 0) {
    kernels::step s;
    s.kind = step_kind::copy;
    s.rows = 1;
    s.cols = input_size;
    plan.steps[plan.step_count++] = s;
  }

  // Packed parameters: per layer, in layer order.
  std::size_t packed = 0;
  constexpr std::size_t align = kernels::packed_alignment<T>;
  for (std::size_t i = 0; i < N; ++i) {
    const layer_info& li = layers[i];
    plan.packed_offset[i] = packed;
    if (li.kind == layer_kind::dense) {
      packed += kernels::packed_weight_size<T>(li.out_last, li.in_last);
      if (li.bias) packed += kernels::round_up(kernels::padded_outputs<T>(li.out_last), align);
    } else if (li.prelu) {
      packed += kernels::round_up(li.prelu_channels, align);
    }
  }
  plan.packed_offset[N] = packed;
  plan.packed_size = packed;
  for (std::size_t s = 0; s < plan.step_count; ++s) {
    kernels::step& st = plan.steps[s];
    if (st.kind != step_kind::gemm) continue;
    st.weight_offset = plan.packed_offset[plan.step_layer[s]];
    st.bias_offset = st.weight_offset + kernels::packed_weight_size<T>(st.cols, st.k);
  }

  // Memory plan. Sizes are rounded to 64 bytes so every buffer starts aligned.
  auto rounded = [](std::size_t n) { return kernels::round_up(n, kernels::packed_alignment<T>); };
  auto out_size = [](const kernels::step& st) { return st.rows * st.cols; };
  auto in_size = [](const kernels::step& st) {
    return st.kind == kernels::step_kind::gemm ? st.rows * st.k : st.rows * st.cols;
  };
  // First walk: bottom (false) or top (true) of the workspace, and the size needed.
  using kernels::buffer;
  std::array<bool, N + 1> top{};
  buffer current = buffer::input;
  bool current_top = false;
  std::size_t workspace = 0;
  for (std::size_t s = 0; s < plan.step_count; ++s) {
    const kernels::step& st = plan.steps[s];
    const bool last = s + 1 == plan.step_count;
    const bool in_place = st.kind != step_kind::gemm;
    const std::size_t src_ws = current == buffer::workspace ? rounded(in_size(st)) : 0;
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
        (in_place && current == buffer::workspace) ? src_ws : src_ws + rounded(out_size(st));
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
      const std::size_t size = rounded(out_size(st));
      st.dst = {buffer::workspace, top[s] ? workspace - size : 0};
      plan.activations_size += out_size(st);
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
