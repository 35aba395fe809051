// ctinfer/kernels/program.hpp - the type the executor runs.
#pragma once

namespace ctinfer::kernels {

// T: element type. Plan: a constexpr object with `steps[]` (kernels::step) and `step_count`.
// Epilogues: one kernels::epilogue<...> per step, in order.
template <class T, const auto& Plan, class... Epilogues>
struct program {
  static_assert(sizeof...(Epilogues) == Plan.step_count, "one epilogue per step");
};

}  // namespace ctinfer::kernels
