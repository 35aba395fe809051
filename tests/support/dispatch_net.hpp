// The network test_runtime_dispatch.cpp runs through ci::runtime_dispatch; its per-target code
// is compiled in runtime_dispatch_unit.cpp.
#pragma once

#include <ctinfer/ctinfer.hpp>

namespace ctinfer_test {
using dispatch_net = ctinfer::Sequential<ctinfer::Input<ctinfer::Shape<3, 20>>, ctinfer::Dense<24>,
                                         ctinfer::Tanh, ctinfer::Dense<5>, ctinfer::Softmax>;
}  // namespace ctinfer_test
