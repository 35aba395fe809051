// tests/highway_avx3_dl_dispatch.cpp - compiled, not run: runtime dispatch builds with an
// AVX3_DL baseline too (see highway_avx3_dl_baseline.cpp).
#include <ctinfer/runtime_dispatch.hpp>

#include "support/dispatch_net.hpp"

static_assert(HWY_STATIC_TARGET == HWY_AVX3_DL, "this unit is built with an AVX3_DL baseline");

CTINFER_RUNTIME_DISPATCH(ctinfer_test::dispatch_net)
