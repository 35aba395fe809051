// ctinfer/kernels/unroll.hpp - loop-unrolling caps for the register-tiled kernels.
//
// Those kernels keep 12 accumulators live in AVX2's 16 registers. GCC fully unrolls short
// loops whose trip count it knows, then hoists their broadcasts and spills accumulators to
// the stack; these caps keep the loop that follows them as written. GCC and Clang both read
// `#pragma GCC unroll`.
#pragma once

// At most 4 iterations unrolled (the channel loop of a convolution tile).
#define CTINFER_UNROLL_4 _Pragma("GCC unroll 4")
// Not unrolled (the kw loop of a convolution tile: its positions overlap, so unrolled taps
// share broadcasts, which are then spilled).
#define CTINFER_NO_UNROLL _Pragma("GCC unroll 1")
