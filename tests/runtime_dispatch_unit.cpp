// The one translation unit that compiles ctinfer_test::dispatch_net for every SIMD target.
#include <ctinfer/runtime_dispatch.hpp>

#include "support/dispatch_net.hpp"

CTINFER_RUNTIME_DISPATCH(ctinfer_test::dispatch_net)
