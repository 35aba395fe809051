// ctinfer/kernels/unroll.hpp - loop-unrolling caps for the register-tiled kernels.
//
// Those kernels keep 12 accumulators live in AVX2's 16 registers. GCC fully unrolls short
// loops whose trip count it knows, then hoists their broadcasts and spills accumulators to
// the stack; these caps keep the loop that follows them as written. GCC and Clang both read
// `#pragma GCC unroll`.
#pragma once

#include <cstddef>  // std::size_t in CTINFER_CHANNEL_LOOP

// At most 4 iterations unrolled (the channel loop of a convolution tile).
#define CTINFER_UNROLL_4 _Pragma("GCC unroll 4")
// Not unrolled (the kw loop of a convolution tile: its positions overlap, so unrolled taps
// share broadcasts, which are then spilled).
#define CTINFER_NO_UNROLL _Pragma("GCC unroll 1")

// The channel loop of a convolution tile, `for (c = 0; c < Channels; ++c) Body`, under one
// rule: at most 4 channels unrolled (a 3x3 8 -> 16 layer took 9.9-10.8 us fully unrolled,
// 5.5-6.7 us like this), and fewer than 4 (an RGB input) not unrolled at all (3x3 3 -> 16
// on 32x32: 15.7-19.6 us fully unrolled, 10.9-13.1 us not). Body names the channel `c`.
#define CTINFER_CHANNEL_LOOP(Channels, Body)                         \
  if constexpr ((Channels) >= 4) {                                   \
    CTINFER_UNROLL_4                                                 \
    for (std::size_t c = 0; c < (Channels); ++c) Body                \
  } else {                                                           \
    CTINFER_NO_UNROLL                                                \
    for (std::size_t c = 0; c < (Channels); ++c) Body                \
  }
