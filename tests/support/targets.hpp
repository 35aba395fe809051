// tests/support/targets.hpp - run a test body once per SIMD target this CPU supports.
//
// Test files compile their per-target code for every target Highway can build here
// (HWY_COMPILE_ALL_ATTAINABLE, foreach_target.h) and call it through HWY_DYNAMIC_DISPATCH
// after restricting the supported set to one target at a time.
#pragma once

#include <cstdint>
#include <string>

#include <doctest/doctest.h>
#include <hwy/highway.h>
#include <hwy/targets.h>

namespace ctinfer_test {

#if defined(CTINFER_TEST_STATIC_TARGET_ONLY)
// Cross builds run under qemu (scripts/test-aarch64.sh) have no libhwy: they compile and run
// the one target their -march selects, once per -march.
template <class Body>
int for_each_target(Body body) {
  const std::string name = hwy::TargetName(HWY_STATIC_TARGET);
  MESSAGE("SIMD target " << name << " (static dispatch)");
  body(name);
  return 1;
}
#else
// Calls body() once per target; returns how many targets ran.
template <class Body>
int for_each_target(Body body) {
  int ran = 0;
  for (const auto target : hwy::SupportedAndGeneratedTargets()) {  // int64_t in Highway 1.0.3
    hwy::SetSupportedTargetsForTest(target);
    const std::string name = hwy::TargetName(target);
    INFO("SIMD target " << name << " (bit " << target << ")");
    body(name);
    ++ran;
  }
  hwy::SetSupportedTargetsForTest(0);
  return ran;
}
#endif

}  // namespace ctinfer_test
