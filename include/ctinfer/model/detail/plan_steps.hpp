// ctinfer/model/detail/plan_steps.hpp - pass 2, fusion: the flat layer list (blocks as
// markers) to steps and the tensors they read and write; then each tensor's layout and
// each window step's kernel. Part of model/plan.hpp.
//
// Fusion rules, in one place:
// - a Dense, Conv or pooling step takes the elementwise layers after it into its store;
//   consecutive elementwise layers are one step; views are no step at all;
// - a BatchNorm right after a Conv (or a Dense with a rank-1 output) is folded into it;
// - a Residual's add runs in the store of the last step of its last branch (between the
//   branch's own ops and the ops after the block), or as an elementwise step if that step
//   cannot take it; a Concat's branches write their slices of its output directly.
#pragma once

#include <array>
#include <cstddef>

#include "ctinfer/core/unary_op.hpp"
#include "ctinfer/core/window.hpp"
#include "ctinfer/kernels/steps.hpp"
#include "ctinfer/layers/layer.hpp"
#include "ctinfer/kernels/packing.hpp"
#include "ctinfer/layers/pooling.hpp"
#include "ctinfer/layers/recurrent.hpp"
#include "ctinfer/model/blocks.hpp"

namespace ctinfer::detail {

inline constexpr std::size_t no_index = static_cast<std::size_t>(-1);

struct layer_info {
  layer_kind kind = layer_kind::view;
  bool bias = false;
  bool log = false;
  bool prelu = false;
  bool batch_norm = false;
  bool tanh_gate = false;
  std::size_t channels = 0;  // of PReLU and BatchNorm (their per-channel values)
  std::size_t in_rows = 0, in_last = 0, in_size = 0;
  std::size_t out_rows = 0, out_last = 0, out_size = 0, out_rank = 0;
  kernels::step_kind window_kind = kernels::step_kind::conv;  // conv and pool layers
  window_geometry window{};
  block_kind block = block_kind::residual;  // block markers
  block_role role = block_role::begin;
  // Recurrent layers: cell, hidden units, directions, initial state; (time, features) of the
  // input are in_rows, in_last.
  rnn_cell cell = rnn_cell::lstm;
  std::size_t hidden = 0, directions = 0;
  bool initial_state = false;
  bool transpose = false;  // reorder layers: Transpose, else LastStep
  std::size_t in_size_per_channel = 0;  // of conv layers: the input's spatial size
};

// The cell type of a recurrent layer (the wrapped one of a Bidirectional).
template <class L>
struct recurrent_cell_of {
  using type = L;
};
template <class L>
  requires requires { typename L::layer; }
struct recurrent_cell_of<L> {
  using type = typename L::layer;
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
  if constexpr (L::kind == layer_kind::gate) li.tanh_gate = L::tanh_of_first;
  if constexpr (L::kind == layer_kind::block) {
    li.block = L::block;
    li.role = L::role;
  }
  if constexpr (L::kind == layer_kind::elementwise) {
    if constexpr (L::op == unary_op::prelu || L::op == unary_op::batch_norm) {
      li.prelu = L::op == unary_op::prelu;
      li.batch_norm = L::op == unary_op::batch_norm;
      li.channels = L::template channels<In>;
    }
  }
  if constexpr (L::kind == layer_kind::conv) {
    li.window = L::template geometry<In>;
    if constexpr (requires { L::transposed; })
      li.window_kind = step_kind::conv_transpose;
    else
      li.window_kind = step_kind::conv;
  }
  if constexpr (L::kind == layer_kind::recurrent) {
    using Cell = typename recurrent_cell_of<L>::type;
    li.cell = Cell::cell;
    li.hidden = Cell::hidden;
    li.directions = L::directions;
    li.bias = Cell::has_bias;
    li.initial_state = Cell::initial_state;
  }
  if constexpr (L::kind == layer_kind::reorder) li.transpose = L::transpose;
  if constexpr (L::kind == layer_kind::resample) {
    li.window = L::template geometry<In>;
    li.window_kind = L::zero_pad ? step_kind::zero_pad : step_kind::upsample;
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

// A value the steps pass between them.
struct tensor_info {
  std::size_t size = 0;
  bool input = false, output = false;  // the caller's buffers
  bool concat = false;                 // written in slices by a Concat's branches
  bool viewed = false;                 // read through a view (Flatten, Reshape)
  bool dead = false;                   // never written (a branch output redirected to a slice)
  bool channels_last = false;
  std::size_t first = no_index, last = 0;  // steps that write it first and touch it last
  std::size_t offset = 0;                  // in the workspace
};

// Steps in terms of tensors, before memory is planned.
struct step_tensors {
  std::size_t src = 0, dst = 0, addend = no_index;
  std::size_t dst_offset = 0;  // elements into dst (a Concat slice)
  std::size_t src_offset = 0;  // elements into src (LastStep's last row)
  std::size_t scratch = no_index;  // a tensor only this step uses (recurrent)
};

template <std::size_t N>
struct fusion_result {
  // (A Bidirectional layer is two steps; recurrent steps have a scratch tensor each.)
  static constexpr std::size_t max_steps = 2 * N + 1;
  static constexpr std::size_t max_tensors = 3 * N + 2;
  std::array<kernels::step, max_steps> steps{};
  std::array<step_tensors, max_steps> io{};
  std::array<std::size_t, max_steps> step_layer{};
  std::size_t step_count = 0;
  std::array<std::size_t, N + 1> op_layers{};
  std::size_t op_count = 0;
  std::array<std::size_t, N + 1> layer_step{};
  std::array<bool, N + 1> folded{};
  std::array<tensor_info, max_tensors> tensors{};
  std::size_t tensor_count = 0;
};

// `streaming`: the plan of one frame of a stream (Model::step), where recurrent steps keep
// h and c in the State and convolutions (causal, or 1-wide) read past frames from a ring in
// the State; shapes are then the network's with a time extent of 1.
template <class T, std::size_t N>
constexpr fusion_result<N> make_steps(const layer_info* layers, std::size_t input_size, bool streaming) {
  using kernels::step_kind;
  fusion_result<N> f;
  for (auto& s : f.layer_step) s = no_index;
  auto new_tensor = [&](std::size_t size) {
    f.tensors[f.tensor_count].size = size;
    return f.tensor_count++;
  };
  std::size_t current = new_tensor(input_size);
  f.tensors[current].input = true;
  auto emit = [&](kernels::step s, std::size_t out_size) {
    f.io[f.step_count] = {current, new_tensor(out_size), no_index, 0};
    current = f.io[f.step_count].dst;
    s.first_op = f.op_count;
    f.steps[f.step_count] = s;
    return f.step_count++;
  };
  struct frame {
    block_kind kind;
    std::size_t input, output, filled, first_branch_output, branch_start;
  };
  std::array<frame, N + 1> frames{};
  std::size_t depth = 0;
  // The output of a Concat branch goes to its slice: the branch's last step writes there, or
  // a copy does if the branch made no step (identity, views).
  auto route_to_slice = [&](frame& fr) {
    const std::size_t size = f.tensors[current].size;
    const std::size_t last = f.step_count - 1;
    // (Not when the branch ends in a Concat: its output is written by several steps.)
    if (f.step_count > fr.branch_start && f.io[last].dst == current && current != fr.input &&
        !f.tensors[current].concat && f.steps[last].kind != step_kind::lstm &&
        f.steps[last].kind != step_kind::gru) {
      f.tensors[current].dead = true;
      f.io[last].dst = fr.output;
      f.io[last].dst_offset = fr.filled;
    } else {
      kernels::step s;
      s.kind = step_kind::copy;
      s.rows = 1;
      s.cols = size;
      f.io[f.step_count] = {current, fr.output, no_index, fr.filled};
      s.first_op = f.op_count;
      f.steps[f.step_count++] = s;
    }
    fr.filled += size;
  };

  // A (C, 1) frame viewed as (rows, cols) = (C, 1) would run one lane per row: view it as
  // (1, C), with the channels in the columns.
  auto columns_for_one_frame = [](kernels::step& st) {
    if (st.cols == 1 && st.rows > 1) {
      st.cols = st.rows;
      st.rows = 1;
      st.channels_in_columns = true;
    }
  };
  bool open = false;                // may the last step take more epilogue ops?
  std::size_t opened_by = no_index;  // the Dense/Conv layer that opened it, if any
  window_geometry pending_pad{};     // a ZeroPad folded into the Conv that follows
  bool has_pending_pad = false;
  for (std::size_t i = 0; i < N; ++i) {
    const layer_info& li = layers[i];
    kernels::step s;
    switch (li.kind) {
      case layer_kind::view:
        // Keep fusing across a view only if the (rows, cols) view is unchanged. The tensor is
        // read through the view, so it keeps PyTorch's layout.
        if (li.in_rows != li.out_rows || li.in_last != li.out_last) open = false;
        f.tensors[current].viewed = true;
        continue;
      case layer_kind::dense:
        s.kind = step_kind::gemm;
        s.rows = li.in_rows;
        s.k = li.in_last;
        s.cols = li.out_last;
        s.bias = li.bias;
        opened_by = i;
        break;
      case layer_kind::resample:
        // A ZeroPad right before a Conv becomes that convolution's padding.
        if (li.window_kind == step_kind::zero_pad && i + 1 < N && layers[i + 1].kind == layer_kind::conv &&
            layers[i + 1].window_kind == step_kind::conv) {
          pending_pad = li.window;
          has_pending_pad = true;
          continue;
        }
        [[fallthrough]];
      case layer_kind::conv:
      case layer_kind::pool:
        s.kind = li.window_kind;
        s.window = li.window;
        s.bias = li.kind == layer_kind::conv;  // always packed (zeros without bias)
        opened_by = li.kind == layer_kind::conv ? i : no_index;
        if (streaming && li.kind == layer_kind::conv && li.window_kind == step_kind::conv) {
          // One frame: out = W (the kernel's taps of every channel, oldest first) + b.
          const window_geometry& g = li.window;
          s.kind = step_kind::stream_conv;
          s.rows = 1;
          s.k = g.kernel_w * g.in_channels;
          s.cols = g.out_channels;
          s.stateful = g.kernel_w > 1;
          f.layer_step[i] = emit(s, li.out_size);
          f.step_layer[f.layer_step[i]] = i;
          open = true;
          continue;
        }
        if (has_pending_pad) {
          s.window.in_h = pending_pad.in_h;
          s.window.in_w = pending_pad.in_w;
          s.window.pad_top += pending_pad.pad_top;
          s.window.pad_left += pending_pad.pad_left;
          s.window.pad_bottom += pending_pad.pad_bottom;
          s.window.pad_right += pending_pad.pad_right;
          has_pending_pad = false;
        }
        break;
      case layer_kind::gate:
        s.kind = li.tanh_gate ? step_kind::gated_tanh : step_kind::glu;
        s.rows = li.out_rows;
        s.cols = li.out_last;
        columns_for_one_frame(s);
        opened_by = no_index;
        break;
      case layer_kind::elementwise: {
        const bool foldable = li.batch_norm && open && opened_by != no_index && opened_by + 1 == i &&
                              f.steps[f.step_count - 1].op_count == 0 &&
                              (layers[opened_by].kind == layer_kind::conv ||
                               (layers[opened_by].kind == layer_kind::dense && layers[opened_by].out_rank == 1));
        if (foldable) {
          f.folded[i] = true;
          f.steps[f.step_count - 1].bias = true;
          continue;
        }
        if (!open) {
          s.kind = step_kind::elementwise;
          s.rows = li.in_rows;
          s.cols = li.in_last;
          columns_for_one_frame(s);
          opened_by = no_index;
          emit(s, li.out_size);
          open = true;
        }
        f.op_layers[f.op_count++] = i;
        ++f.steps[f.step_count - 1].op_count;
        continue;
      }
      case layer_kind::rowwise:
        s.kind = li.log ? step_kind::log_softmax : step_kind::softmax;
        s.rows = li.in_rows;
        s.cols = li.in_last;
        opened_by = no_index;
        emit(s, li.out_size);
        open = false;
        continue;
      case layer_kind::recurrent: {
        // One step per direction, writing the same (T, directions * H) tensor.
        s.kind = li.cell == rnn_cell::lstm ? step_kind::lstm : step_kind::gru;
        s.rows = li.in_rows;
        s.k = li.in_last;
        s.cols = li.hidden;
        s.bias = true;
        s.stateful = streaming;
        const std::size_t gates = li.cell == rnn_cell::lstm ? 4 : 3;
        const std::size_t src = current;
        std::size_t out = no_index;
        for (std::size_t dir = 0; dir < li.directions; ++dir) {
          s.rnn = {dir == 1, li.hidden * li.directions, dir * li.hidden};
          current = src;
          const std::size_t at = emit(s, li.out_size);
          if (dir == 0) {
            out = f.io[at].dst;
            f.layer_step[i] = at;
          } else {
            f.io[at].dst = out;  // the forward direction's tensor
            --f.tensor_count;    // (the one emit made is not used)
          }
          f.io[at].scratch = new_tensor(kernels::recurrent_scratch_size<T>(li.in_rows, gates, li.hidden));
          f.step_layer[at] = i;
        }
        current = out;
        opened_by = no_index;
        open = false;
        continue;
      }
      case layer_kind::reorder: {
        s.kind = li.transpose ? step_kind::transpose : step_kind::copy;
        s.rows = li.transpose ? li.in_rows : 1;
        s.cols = li.transpose ? li.in_last : li.out_size;
        const std::size_t at = emit(s, li.out_size);
        if (!li.transpose) f.io[at].src_offset = li.in_size - li.out_size;  // the last row
        opened_by = no_index;
        open = false;
        continue;
      }
      case layer_kind::block: {
        open = false;
        opened_by = no_index;
        if (li.role == block_role::begin) {
          frame& fr = frames[depth++];
          fr = {li.block, current, no_index, 0, no_index, f.step_count};
          if (li.block == block_kind::concat) {
            // The Concat's output size: the shape after the matching end.
            std::size_t d = 0, j = i;
            for (; j < N; ++j) {
              if (layers[j].kind != layer_kind::block) continue;
              if (layers[j].role == block_role::begin) ++d;
              if (layers[j].role == block_role::end && --d == 0) break;
            }
            fr.output = new_tensor(layers[j].out_size);
            f.tensors[fr.output].concat = true;
          }
          continue;
        }
        frame& fr = frames[depth - 1];
        if (fr.kind == block_kind::concat) {
          route_to_slice(fr);
        } else if (li.role == block_role::next_branch) {
          fr.first_branch_output = current;
        }
        if (li.role == block_role::next_branch) {
          current = fr.input;
          fr.branch_start = f.step_count;
          continue;
        }
        --depth;
        if (fr.kind == block_kind::concat) {
          current = fr.output;
          continue;
        }
        // Residual: add the other branch (or the block's input) to this branch's output.
        const std::size_t addend = fr.first_branch_output == no_index ? fr.input : fr.first_branch_output;
        const std::size_t last = f.step_count - 1;
        const bool fusable = f.step_count > fr.branch_start && f.io[last].dst == current &&
                             !f.tensors[current].concat &&
                             !f.steps[last].has_addend && kernels::takes_epilogue(f.steps[last].kind);
        if (!fusable) {
          kernels::step add;
          add.kind = step_kind::elementwise;
          add.rows = 1;
          add.cols = li.out_size;
          emit(add, li.out_size);
        }
        const std::size_t at = f.step_count - 1;
        f.steps[at].has_addend = true;
        f.steps[at].add_at = f.steps[at].op_count;
        f.io[at].addend = addend;
        open = true;  // what follows the block joins the store, after the add
        continue;
      }
    }
    f.layer_step[i] = emit(s, li.out_size);
    f.step_layer[f.layer_step[i]] = i;
    open = true;
  }
  if (f.step_count == 0 || f.tensors[current].input) {
    kernels::step s;
    s.kind = step_kind::copy;
    s.rows = 1;
    s.cols = input_size;
    emit(s, input_size);
  }
  f.tensors[current].output = true;
  return f;
}

// Layouts: a tensor is channels-last when window steps (conv, pooling) write it and only
// window steps read it; everything else, the network's input and output, Concat outputs
// and tensors read through a view keep PyTorch's channels-first layout. One exception: a
// window step's output flattened into a Dense, its only reader, stays channels-last and the
// Dense takes its weights in that order (packed so; a classifier head then needs no
// channels-first scatter). A fused add reads its addend in the layout of the step's output,
// so those two agree. Then the kernel each conv runs: depthwise on a channels-last input,
// the direct kernel otherwise.
template <std::size_t N>
constexpr void choose_layouts(fusion_result<N>& f) {
  using kernels::step_kind;
  auto global = [](step_kind k) { return k == step_kind::global_avg_pool || k == step_kind::global_max_pool; };
  for (std::size_t t = 0; t < f.tensor_count; ++t) {
    const tensor_info& ti = f.tensors[t];
    f.tensors[t].channels_last = !ti.input && !ti.output && !ti.concat && !ti.viewed && !ti.dead;
  }
  for (std::size_t s = 0; s < f.step_count; ++s) {
    const bool window = kernels::is_window_step(f.steps[s].kind);
    if (!window || global(f.steps[s].kind)) f.tensors[f.io[s].dst].channels_last = false;
    if (!window) f.tensors[f.io[s].src].channels_last = false;
    if (!window && f.io[s].addend != no_index) f.tensors[f.io[s].addend].channels_last = false;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t s = 0; s < f.step_count; ++s) {
      const std::size_t a = f.io[s].addend, d = f.io[s].dst;
      if (a != no_index && f.tensors[a].channels_last != f.tensors[d].channels_last) {
        f.tensors[a].channels_last = f.tensors[d].channels_last = false;
        changed = true;
      }
    }
  }
  for (std::size_t t = 0; t < f.tensor_count; ++t) {
    const tensor_info& ti = f.tensors[t];
    if (!ti.viewed || ti.input || ti.output || ti.concat || ti.dead) continue;
    std::size_t writers = 0, readers = 0, writer = no_index, reader = no_index;
    for (std::size_t s = 0; s < f.step_count; ++s) {
      if (f.io[s].dst == t) ++writers, writer = s;
      if (f.io[s].src == t) ++readers, reader = s;
      if (f.io[s].addend == t) readers += 2;
    }
    if (writers != 1 || readers != 1) continue;
    const kernels::step& w = f.steps[writer];
    kernels::step& r = f.steps[reader];
    if (!kernels::is_window_step(w.kind) || global(w.kind) || f.io[writer].dst_offset != 0 ||
        f.io[writer].addend != no_index)  // (its addend would have to follow)
      continue;
    if (r.kind != step_kind::gemm || r.rows != 1 || r.k != ti.size || f.io[reader].src_offset != 0) continue;
    if (w.window.out_positions() < 2) continue;  // (C, 1, 1) is the same in both layouts
    f.tensors[t].channels_last = true;
    r.k_channels = w.window.out_channels;
  }
  for (std::size_t s = 0; s < f.step_count; ++s) {
    kernels::step& st = f.steps[s];
    st.src_channels_last = f.tensors[f.io[s].src].channels_last;
    st.dst_channels_last = f.tensors[f.io[s].dst].channels_last;
    if (st.kind != step_kind::conv) continue;
    const window_geometry& g = st.window;
    // (A 1x1 convolution between channels-last tensors is a GEMM, and the direct kernel runs
    // it as one: its tiles are the GEMM's. It measured as fast as dense-inl.h's gemm there.)
    if (g.groups > 1 && g.groups == g.in_channels && g.groups == g.out_channels && st.src_channels_last)
      st.kind = step_kind::depthwise;
  }
}

}  // namespace ctinfer::detail
