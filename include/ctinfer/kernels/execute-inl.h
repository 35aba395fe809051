// ctinfer/kernels/execute-inl.h - runs a program: the flat list of steps, in order.
//
// A program names its element type, the compile-time plan (steps with sizes and fixed
// offsets) and one epilogue type per step. Everything the loop below looks at is a constant,
// so each network compiles to a straight sequence of kernel calls.

#if defined(CTINFER_KERNELS_EXECUTE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_EXECUTE_INL_H_
#undef CTINFER_KERNELS_EXECUTE_INL_H_
#else
#define CTINFER_KERNELS_EXECUTE_INL_H_
#endif

#include <cstddef>
#include <cstdint>
#include <utility>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/highway.h>

#include "ctinfer/kernels/activation-inl.h"
#include "ctinfer/kernels/conv-inl.h"
#include "ctinfer/kernels/conv_transpose-inl.h"
#include "ctinfer/kernels/depthwise-inl.h"
#include "ctinfer/kernels/dense-inl.h"
#include "ctinfer/kernels/gate-inl.h"
#include "ctinfer/kernels/pool-inl.h"
#include "ctinfer/kernels/program.hpp"
#include "ctinfer/kernels/recurrent-inl.h"
#include "ctinfer/kernels/reorder-inl.h"
#include "ctinfer/kernels/resample-inl.h"
#include "ctinfer/kernels/softmax-inl.h"
#include "ctinfer/kernels/steps.hpp"
#include "ctinfer/kernels/stream_conv-inl.h"

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace execute_detail {

template <class T>
struct buffers {
  const T* in;
  T* out;
  T* workspace;
  T* state;                   // a stream's State values (null for whole sequences)
  std::uint32_t* positions;   // its counters (ring positions, recurrent parities)
  HWY_INLINE const T* source(kernels::location l) const {
    return (l.where == kernels::buffer::input    ? in
            : l.where == kernels::buffer::output ? out
                                                 : workspace) +
           l.offset;
  }
  HWY_INLINE T* destination(kernels::location l) const {
    return (l.where == kernels::buffer::output ? out : workspace) + l.offset;
  }
};

// Out-of-line copies of the kernels. Small networks inline every step into one function
// (no calls on a path of a few dozen nanoseconds); larger ones call these, so the compiler
// optimises many small functions instead of one huge one, and identical layers share code.
template <std::size_t M, std::size_t K, std::size_t N, bool Bias, class Epilogue, bool ByRows, class T>
HWY_NOINLINE void dense_outlined(const T* HWY_RESTRICT w, const T* HWY_RESTRICT bias,
                                 const T* HWY_RESTRICT x, T* HWY_RESTRICT y,
                                 const T* HWY_RESTRICT packed, const T* HWY_RESTRICT addend) {
  dense<M, K, N, Bias, Epilogue, ByRows>(w, bias, x, y, packed, addend);
}
template <std::size_t Rows, std::size_t Cols, class Epilogue, class T>
HWY_NOINLINE void elementwise_outlined(const T* x, T* y, const T* HWY_RESTRICT packed,
                                       const T* HWY_RESTRICT addend) {
  elementwise<Rows, Cols, Epilogue>(x, y, packed, addend);
}
inline constexpr std::size_t max_inlined_steps = 8;

template <class T, const auto& Plan, std::size_t S, class Epilogue>
HWY_INLINE void run_step(const T* HWY_RESTRICT packed, const buffers<T>& b) {
  constexpr kernels::step st = Plan.steps[S];
  constexpr bool inline_steps = Plan.step_count <= max_inlined_steps;
  const T* src = b.source(st.src);
  T* dst = b.destination(st.dst);
  const T* add = st.has_addend ? b.source(st.addend) : nullptr;
  using step = kernels::step_ref<Plan, S>;
  if constexpr (st.kind == kernels::step_kind::gemm) {
    const T* w = packed + st.weight_offset;
    const T* bias = packed + st.bias_offset;
    if constexpr (inline_steps)
      dense<st.rows, st.k, st.cols, st.bias, Epilogue, st.by_rows>(w, bias, src, dst, packed, add);
    else
      dense_outlined<st.rows, st.k, st.cols, st.bias, Epilogue, st.by_rows>(w, bias, src, dst, packed, add);
  } else if constexpr (st.kind == kernels::step_kind::elementwise) {
    if constexpr (inline_steps)
      elementwise<st.rows, st.cols, Epilogue>(src, dst, packed, add);
    else
      elementwise_outlined<st.rows, st.cols, Epilogue>(src, dst, packed, add);
  } else if constexpr (st.kind == kernels::step_kind::conv) {
    conv<step, Epilogue>(packed + st.weight_offset, packed + st.bias_offset, src, dst, packed, add);
  } else if constexpr (st.kind == kernels::step_kind::conv_transpose) {
    conv_transpose<step, Epilogue>(packed + st.weight_offset, packed + st.bias_offset, src, dst, packed, add);
  } else if constexpr (st.kind == kernels::step_kind::depthwise) {
    depthwise<step, Epilogue>(packed + st.weight_offset, packed + st.bias_offset, src, dst, packed, add);
  } else if constexpr (st.kind == kernels::step_kind::max_pool || st.kind == kernels::step_kind::avg_pool) {
    pool<step, Epilogue>(src, dst, packed, add);
  } else if constexpr (st.kind == kernels::step_kind::global_max_pool ||
                       st.kind == kernels::step_kind::global_avg_pool) {
    global_pool<step, Epilogue>(src, dst, packed, add);
  } else if constexpr (st.kind == kernels::step_kind::upsample || st.kind == kernels::step_kind::zero_pad) {
    resample<step, Epilogue>(src, dst, packed, add);
  } else if constexpr (st.kind == kernels::step_kind::glu || st.kind == kernels::step_kind::gated_tanh) {
    gate<st.rows, st.cols, st.kind == kernels::step_kind::gated_tanh, Epilogue>(src, dst, packed, add);
  } else if constexpr (st.kind == kernels::step_kind::lstm || st.kind == kernels::step_kind::gru) {
    recurrent<step>(packed + st.weight_offset, src, dst, b.destination(st.scratch),
                    st.stateful ? b.state + st.state_offset : nullptr,
                    st.stateful ? b.positions + st.position : nullptr);
  } else if constexpr (st.kind == kernels::step_kind::stream_conv) {
    stream_conv<step, Epilogue>(packed + st.weight_offset, packed + st.bias_offset, src, dst, packed, add,
                                b.state, b.positions);
  } else if constexpr (st.kind == kernels::step_kind::transpose) {
    transpose<st.rows, st.cols>(src, dst);
  } else if constexpr (st.kind == kernels::step_kind::softmax ||
                       st.kind == kernels::step_kind::log_softmax) {
    softmax<st.rows, st.cols, st.kind == kernels::step_kind::log_softmax>(src, dst);
  } else {
    for (std::size_t i = 0; i < st.rows * st.cols; ++i) dst[i] = src[i];
  }
}

}  // namespace execute_detail

// Run `program` on one input. `workspace` holds Plan.workspace_size elements; a streaming
// program also reads and writes a State's values and ring positions.
template <class T, const auto& Plan, class... Epilogues>
HWY_INLINE void execute(kernels::program<T, Plan, Epilogues...>, const T* HWY_RESTRICT packed,
                        const T* in, T* out, T* workspace, T* state = nullptr,
                        std::uint32_t* positions = nullptr) {
  const execute_detail::buffers<T> b{in, out, workspace, state, positions};
  [&]<std::size_t... S>(std::index_sequence<S...>) {
    (execute_detail::run_step<T, Plan, S, Epilogues>(packed, b), ...);
  }(std::index_sequence_for<Epilogues...>{});
}

// Runs `Program` on this target; the entry that runtime dispatch tables point to.
template <class Program, class T>
HWY_NOINLINE void run_program(const T* packed, const T* in, T* out, T* workspace, T* state,
                              std::uint32_t* positions) {
  execute(Program{}, packed, in, out, workspace, state, positions);
}

// A Model dispatch policy that runs on this target (used by the runtime-dispatch unit and
// by tests that hold every target to the reference): ci::Model<Net, N_AVX2::target_dispatch>.
struct target_dispatch {
  template <class Net, class Program, class T>
  static void run(const T* packed, const T* in, T* out, T* workspace, T* state = nullptr,
                  std::uint32_t* positions = nullptr) {
    execute(Program{}, packed, in, out, workspace, state, positions);
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#if HWY_TARGET == HWY_STATIC_TARGET
// What ci::static_dispatch calls (declared in model/model.hpp). Defined here, in the pass for
// the static target, so that model.hpp never names a target namespace that may not exist yet
// in a translation unit that compiles several targets.
namespace ctinfer::detail {
template <class Program>
struct static_target_executor {
  template <class T>
  static void run(const T* packed, const T* in, T* out, T* workspace, T* state, std::uint32_t* positions) {
    HWY_STATIC_DISPATCH(execute)(Program{}, packed, in, out, workspace, state, positions);
  }
};
}  // namespace ctinfer::detail
#endif

#endif  // CTINFER_KERNELS_EXECUTE_INL_H_
