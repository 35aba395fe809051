// ctinfer/model/plan.hpp - passes 2 and 3: fusion and the memory plan.
//
// Fusion (model/detail/plan_steps.hpp): layers become a flat list of steps, each one kernel
// call with the elementwise layers after it applied in its store; BatchNorm folds into the
// Conv or Dense before it; views are free; a Residual's add joins the store of its last
// step; Concat branches write their slices directly. Memory: the first step reads the
// caller's input, the last writes the caller's output, and every tensor between gets a
// fixed offset in one workspace from its live range (first fit; elementwise steps run in
// place). Everything is computed in constexpr code from the layer types.
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
#include "ctinfer/model/detail/plan_steps.hpp"
#include "ctinfer/model/params.hpp"
#include "ctinfer/model/shapes.hpp"

namespace ctinfer {

namespace detail {

template <std::size_t N>
struct network_plan {
  static constexpr std::size_t max_steps = fusion_result<N>::max_steps;
  static constexpr std::size_t npos = no_index;
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
  // Streaming plans: the values a stream carries between frames (in its State), and how many
  // ring positions they include.
  std::size_t state_size = 0;
  std::size_t position_count = 0;
};

// Elements a Dense or Conv layer's packed weights take (its packed bias follows them), for
// the kernel its step runs.
template <class T>
constexpr std::size_t packed_weights_size_of(const layer_info& li, const kernels::step& st) {
  if (li.kind == layer_kind::dense)
    return st.by_rows ? kernels::packed_rows_size<T>(li.out_last, li.in_last)
                      : kernels::packed_weight_size<T>(li.out_last, li.in_last);
  const window_geometry& g = li.window;
  const std::size_t taps = g.kernel_h * g.kernel_w;
  if (st.kind == kernels::step_kind::depthwise) return kernels::packed_conv_weight_size<T>(1, g.out_channels, taps);
  return kernels::packed_conv_weight_size<T>(g.groups, g.out_channels / g.groups, taps * (g.in_channels / g.groups));
}
template <class T>
constexpr std::size_t packed_bias_size_of(const layer_info& li, const kernels::step& st) {
  if (li.kind == layer_kind::dense) return kernels::packed_conv_bias_size<T>(1, li.out_last);
  const window_geometry& g = li.window;
  if (st.kind == kernels::step_kind::depthwise) return kernels::packed_conv_bias_size<T>(1, g.out_channels);
  return kernels::packed_conv_bias_size<T>(g.groups, g.out_channels / g.groups);
}

// Elements all of a layer's packed parameters take; st is the step it runs in (null if none).
template <class T>
constexpr std::size_t packed_direction_size(const layer_info& li) {
  return kernels::recurrent_packing<T>(li.cell == rnn_cell::lstm ? 4 : 3, li.hidden, li.in_last).size;
}

template <class T>
constexpr std::size_t packed_size_of(const layer_info& li, const kernels::step* st) {
  if (li.kind == layer_kind::recurrent) return li.directions * packed_direction_size<T>(li);
  if (li.kind == layer_kind::dense || li.kind == layer_kind::conv)
    return packed_weights_size_of<T>(li, *st) + (st->bias ? packed_bias_size_of<T>(li, *st) : 0);
  if (li.prelu) return kernels::channel_values_size<T>(li.channels);
  if (li.batch_norm) return 2 * kernels::channel_values_size<T>(li.channels);
  return 0;
}

// Pass 3, memory: each intermediate tensor lives from the step that first writes it to the
// step that last touches it, and gets a fixed offset in the one workspace, first fit among
// the tensors alive at the same time (sizes rounded to 64 bytes, so every tensor starts
// aligned). An elementwise step writes over its input when nothing reads that input later.
template <class T, std::size_t N>
constexpr std::size_t place_tensors(fusion_result<N>& f) {
  using kernels::step_kind;
  auto rounded = [](std::size_t n) { return kernels::round_up(n, kernels::packed_alignment<T>); };
  auto touch = [&](std::size_t t, std::size_t s) {
    tensor_info& ti = f.tensors[t];
    if (ti.first == no_index || s < ti.first) ti.first = s;
    if (s > ti.last) ti.last = s;
  };
  for (std::size_t s = 0; s < f.step_count; ++s) {
    touch(f.io[s].dst, s);
    if (f.io[s].scratch != no_index) touch(f.io[s].scratch, s);
    f.tensors[f.io[s].src].last = s > f.tensors[f.io[s].src].last ? s : f.tensors[f.io[s].src].last;
    if (f.io[s].addend != no_index) f.tensors[f.io[s].addend].last = s > f.tensors[f.io[s].addend].last ? s : f.tensors[f.io[s].addend].last;
  }
  auto in_workspace = [&](std::size_t t) {
    const tensor_info& ti = f.tensors[t];
    return !ti.input && !ti.output && !ti.dead && ti.first != no_index;
  };
  std::array<bool, fusion_result<N>::max_tensors> placed{};
  std::size_t workspace = 0;
  // Tensors in the order they are first written (a step's scratch before its output).
  for (std::size_t s2 = 0; s2 < 2 * f.step_count; ++s2) {
    const std::size_t s = s2 / 2;
    const bool is_scratch = s2 % 2 == 0;
    const std::size_t t = is_scratch ? f.io[s].scratch : f.io[s].dst;
    if (t == no_index || !in_workspace(t) || placed[t] || f.tensors[t].first != s) continue;
    tensor_info& ti = f.tensors[t];
    const std::size_t src = f.io[s].src;
    const step_kind k = f.steps[s].kind;
    const bool in_place_kernel = k == step_kind::elementwise || k == step_kind::softmax ||
                                 k == step_kind::log_softmax || k == step_kind::glu || k == step_kind::gated_tanh;
    if (!is_scratch && in_place_kernel && in_workspace(src) && f.tensors[src].last == s && f.io[s].dst_offset == 0 &&
        f.tensors[src].size >= ti.size) {
      ti.offset = f.tensors[src].offset;
    } else {
      // Lowest offset clear of every placed tensor alive at the same time.
      std::size_t offset = 0;
      for (bool moved = true; moved;) {
        moved = false;
        for (std::size_t u = 0; u < f.tensor_count; ++u) {
          if (!placed[u]) continue;
          const tensor_info& ui = f.tensors[u];
          const bool overlap_time = !(ui.last < ti.first || ti.last < ui.first);
          const bool overlap_space = offset < ui.offset + rounded(ui.size) && ui.offset < offset + rounded(ti.size);
          if (overlap_time && overlap_space) {
            offset = ui.offset + rounded(ui.size);
            moved = true;
          }
        }
      }
      ti.offset = offset;
    }
    placed[t] = true;
    const std::size_t end = ti.offset + rounded(ti.size);
    workspace = end > workspace ? end : workspace;
  }
  return workspace;
}

template <class T, std::size_t N>
constexpr network_plan<N> make_plan(const std::array<layer_info, N + 1>& layers_with_end,
                                    std::size_t input_size, bool streaming) {
  using kernels::step_kind;
  const layer_info* layers = layers_with_end.data();
  fusion_result<N> f = make_steps<T, N>(layers, input_size, streaming);
  choose_layouts(f);
  for (std::size_t s = 0; s < f.step_count; ++s) {
    kernels::step& st = f.steps[s];
    st.by_rows = st.kind == step_kind::gemm && f.tensors[f.io[s].src].viewed &&
                 kernels::dense_by_rows<T>(st.rows, st.cols, st.k);
  }

  network_plan<N> plan;
  plan.step_count = f.step_count;
  plan.op_count = f.op_count;
  plan.op_layers = f.op_layers;
  plan.layer_step = f.layer_step;
  plan.folded = f.folded;
  for (std::size_t s = 0; s < f.step_count; ++s) {
    plan.steps[s] = f.steps[s];
    plan.step_layer[s] = f.step_layer[s];
  }

  // Packed parameters: per layer, in layer order (nothing for a folded BatchNorm).
  std::size_t packed = 0;
  for (std::size_t i = 0; i < N; ++i) {
    plan.packed_offset[i] = packed;
    if (plan.folded[i]) continue;
    const std::size_t s = plan.layer_step[i];
    const kernels::step* st = s == no_index ? nullptr : &plan.steps[s];
    packed += packed_size_of<T>(layers[i], st);
  }
  plan.packed_offset[N] = packed;
  plan.packed_size = packed;
  for (std::size_t s = 0; s < plan.step_count; ++s) {
    kernels::step& st = plan.steps[s];
    const std::size_t i = plan.step_layer[s];
    if (layers[i].kind == layer_kind::recurrent && (st.kind == step_kind::lstm || st.kind == step_kind::gru)) {
      // Each direction's weights, forward first; the kernel finds its parts (recurrent_packing).
      st.weight_offset = plan.packed_offset[i] + (st.rnn.reverse ? packed_direction_size<T>(layers[i]) : 0);
      st.bias_offset = st.weight_offset;
      continue;
    }
    if (plan.layer_step[i] != s || (layers[i].kind != layer_kind::dense && layers[i].kind != layer_kind::conv))
      continue;
    st.weight_offset = plan.packed_offset[i];
    st.bias_offset = st.weight_offset + packed_weights_size_of<T>(layers[i], st);
  }

  plan.workspace_size = place_tensors<T>(f);
  auto where = [&](std::size_t t) -> kernels::location {
    const tensor_info& ti = f.tensors[t];
    if (ti.input) return {kernels::buffer::input, 0};
    if (ti.output) return {kernels::buffer::output, 0};
    return {kernels::buffer::workspace, ti.offset};
  };
  for (std::size_t s = 0; s < plan.step_count; ++s) {
    kernels::step& st = plan.steps[s];
    st.src = where(f.io[s].src);
    st.dst = where(f.io[s].dst);
    st.dst.offset += f.io[s].dst_offset;
    st.src.offset += f.io[s].src_offset;
    if (f.io[s].addend != no_index) st.addend = where(f.io[s].addend);
    if (f.io[s].scratch != no_index) st.scratch = where(f.io[s].scratch);
    // What a stream carries: h and c of a recurrent step, with the parity of its time steps;
    // the past frames of a causal convolution, (kernel - 1) * dilation of them, with the
    // position of the oldest.
    if (st.stateful) {
      const std::size_t a = kernels::packed_alignment<T>;
      st.state_offset = plan.state_size;
      if (st.kind == step_kind::stream_conv) {
        const window_geometry& g = st.window;
        st.state_size = (g.kernel_w - 1) * g.dilation_w * g.in_channels;
      } else {
        st.state_size = 2 * kernels::round_up(st.cols, a);
      }
      st.position = plan.position_count++;
      plan.state_size += kernels::round_up(st.state_size, a);
    }
  }
  for (std::size_t t = 0; t < f.tensor_count; ++t) {
    const tensor_info& ti = f.tensors[t];
    if (!ti.input && !ti.output && !ti.dead) plan.activations_size += ti.size;
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
      make_plan<element_t<Net>, N>(layers, input_shape_t<Net>::size, network_traits<checked_t<Net>>::streaming);
};

}  // namespace detail

// The compiled plan of a network: its steps, packed-weight and workspace sizes.
template <class Net>
inline constexpr const auto& plan_v = detail::network_plan_of<Net>::value;

// Elements of T the workspace needs (a compile-time constant; 0 for a one-step network).
template <class Net>
inline constexpr std::size_t workspace_size_v = plan_v<Net>.workspace_size;

}  // namespace ctinfer
