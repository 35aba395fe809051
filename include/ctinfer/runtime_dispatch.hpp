// ctinfer/runtime_dispatch.hpp - run a network on the best SIMD target of the running CPU.
//
// By default a Model runs on the target the compiler flags select (static dispatch: the
// target follows -march). To ship one binary that uses AVX2/AVX-512 where present and still
// runs on older CPUs, dispatch at run time:
//
//   // net_dispatch.cpp: the one translation unit that compiles the network for every target.
//   #include <ctinfer/runtime_dispatch.hpp>   // must be this unit's first include
//   #include "my_net.hpp"
//   CTINFER_RUNTIME_DISPATCH(my::Net)
//
//   // anywhere else:
//   ci::Model<my::Net, ci::runtime_dispatch> model{params};   // same API; link hwy::hwy
//
// Pre: CTINFER_RUNTIME_DISPATCH(Net) appears in exactly one unit of the program, for each Net
// used with ci::runtime_dispatch. Post: the first call picks the best compiled target that the
// CPU supports (Highway's hwy::SupportedTargets()); later calls go straight to it. Which
// targets are compiled follows Highway's HWY_TARGETS (default: the usual set for the
// architecture; -DHWY_COMPILE_ALL_ATTAINABLE for all).
#pragma once

#ifdef HWY_HIGHWAY_INCLUDED
#error "ctinfer/runtime_dispatch.hpp must be included before any other ctinfer or Highway header of its translation unit"
#endif

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "ctinfer/detail/every_target-inl.h"
#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>
#include <hwy/targets.h>

#include "ctinfer/detail/every_target-inl.h"

namespace ctinfer::detail {

// The per-target entry points of one program, in the order of Highway's dispatch tables.
template <class Program, class T>
struct dispatch_table {
  using entry = void (*)(const T*, const T*, T*, T*, T*, std::uint32_t*);
  static void call(const T* packed, const T* in, T* out, T* workspace, T* state, std::uint32_t* positions) {
    static constexpr entry table[HWY_MAX_DYNAMIC_TARGETS + 2] = {
        nullptr,  // slot 0: "not chosen yet" in Highway's numbering
        HWY_CHOOSE_TARGET_LIST(run_program<Program>),
        HWY_CHOOSE_FALLBACK(run_program<Program>),
    };
    hwy::ChosenTarget& chosen = hwy::GetChosenTarget();
    if (!chosen.IsInitialized()) chosen.Update(hwy::SupportedTargets());
    table[chosen.GetIndex()](packed, in, out, workspace, state, positions);
  }
};

}  // namespace ctinfer::detail

// Defines the run-time dispatched forward of network NET (see the top of this file).
#define CTINFER_RUNTIME_DISPATCH(...)                                                          \
  template <>                                                                                  \
  void ::ctinfer::dispatched_network<__VA_ARGS__>::run(const T* packed, const T* in, T* out,   \
                                                       T* workspace) {                         \
    ::ctinfer::detail::dispatch_table<::ctinfer::program_t<__VA_ARGS__>, T>::call(             \
        packed, in, out, workspace, nullptr, nullptr);                                         \
  }
