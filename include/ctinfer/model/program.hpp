// ctinfer/model/program.hpp - binds a network's plan to kernel epilogues: the program type
// the executor runs (kernels/execute-inl.h).
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

#include "ctinfer/kernels/program.hpp"
#include "ctinfer/kernels/steps.hpp"
#include "ctinfer/model/plan.hpp"

namespace ctinfer {
namespace detail {

// Ops in the store of a step; Columns: the step's columns are channels (window steps and
// GEMMs on channels-last tensors), so per-channel values are found by column.
template <class Net, std::size_t LayerIndex, bool Columns>
struct epilogue_op {
  using L = layer_t<Net, LayerIndex>;
  using type = kernels::unary<L::op, L>;
};
template <class Net, std::size_t LayerIndex, bool Columns>
  requires(layer_t<Net, LayerIndex>::op == unary_op::prelu ||
           layer_t<Net, LayerIndex>::op == unary_op::batch_norm)
struct epilogue_op<Net, LayerIndex, Columns> {
  using L = layer_t<Net, LayerIndex>;
  using In = layer_input_shape_t<Net, LayerIndex>;
  static constexpr std::size_t channels = L::template channels<In>;
  static constexpr kernels::slope_mode mode = channels == 1 ? kernels::slope_mode::single
                                              : (Columns || In::rank == 1) ? kernels::slope_mode::per_column
                                                                           : kernels::slope_mode::per_row_group;
  using type = kernels::channel_values<L::op, plan_v<Net>.packed_offset[LayerIndex],
                                       kernels::channel_values_size<element_t<Net>>(channels), mode,
                                       mode == kernels::slope_mode::per_row_group ? In::rows / channels : 1>;
};

template <const auto& Plan, std::size_t Step>
inline constexpr bool columns_are_channels =
    kernels::is_window_step(Plan.steps[Step].kind) ||
    Plan.steps[Step].kind == kernels::step_kind::stream_conv || Plan.steps[Step].channels_in_columns ||
    (Plan.steps[Step].kind == kernels::step_kind::gemm && Plan.steps[Step].window.out_channels > 0);

// Op J of a step's epilogue: its layers' ops, with a Residual's add at add_at.
template <class Net, std::size_t Step, std::size_t J>
struct step_op {
  static constexpr kernels::step st = plan_v<Net>.steps[Step];
  static constexpr bool is_add = st.has_addend && J == st.add_at;
  static constexpr std::size_t op = st.has_addend && J > st.add_at ? J - 1 : J;
  using type = typename std::conditional_t<
      is_add, std::type_identity<kernels::add_tensor>,
      epilogue_op<Net, plan_v<Net>.op_layers[st.first_op + (is_add ? 0 : op)], columns_are_channels<plan_v<Net>, Step>>>::type;
};

template <class Net, std::size_t Step,
          class Seq = std::make_index_sequence<plan_v<Net>.steps[Step].op_count + plan_v<Net>.steps[Step].has_addend>>
struct step_epilogue;
template <class Net, std::size_t Step, std::size_t... J>
struct step_epilogue<Net, Step, std::index_sequence<J...>> {
  using type = kernels::epilogue<typename step_op<Net, Step, J>::type...>;
};

template <class Net, class Seq = std::make_index_sequence<plan_v<Net>.step_count>>
struct program_of;
template <class Net, std::size_t... S>
struct program_of<Net, std::index_sequence<S...>> {
  using type = kernels::program<element_t<Net>, network_plan_of<Net>::value,
                                typename step_epilogue<Net, S>::type...>;
};

}  // namespace detail

template <class Net>
using program_t = typename detail::program_of<Net>::type;

}  // namespace ctinfer
