// The network of docs/concepts.md's runtime-dispatch snippets (dispatch_unit.cpp, dispatch_main.cpp).
#pragma once
#include <ctinfer/ctinfer.hpp>

namespace my {
using Net = ctinfer::Sequential<ctinfer::Input<ctinfer::Shape<16>>, ctinfer::Dense<32>, ctinfer::GELU,
                                ctinfer::Dense<4>, ctinfer::Softmax>;
}  // namespace my
