// ctinfer/kernels/tiles.hpp - splitting a run of output positions into register tiles.
//
// A tile of R positions keeps R (or 2R) accumulator chains; with FMA latency 4 and two FMAs
// per cycle, a tile needs about 8 chains to run at full speed, and a shorter one runs at the
// speed of its latency. Cutting N positions into the fewest tiles of at most T, with sizes
// that differ by at most one, leaves no short tail (26 = 9 + 9 + 8, not 12 + 12 + 2).
// The tiles are walked by for_each_tile in kernels/conv-inl.h.
#pragma once

#include <cstddef>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/highway.h>  // HWY_ATTR

// Forces a lambda inline (written after its parameter list): a tile's lambda that GCC left
// out of line cost a call, a stack realignment and a vzeroupper per tile. HWY_ATTR, as
// Highway asks of lambdas in SIMD code: a lambda does not inherit the target attributes of
// the function around it, and a forced inline across targets does not compile.
#if defined(__GNUC__) || defined(__clang__)
#define CTINFER_INLINE_LAMBDA HWY_ATTR __attribute__((always_inline))
#else
#define CTINFER_INLINE_LAMBDA HWY_ATTR
#endif

namespace ctinfer::kernels {

// The fewest tiles of at most T positions covering N, as even as possible.
template <std::size_t N, std::size_t T>
struct even_tiles {
  static_assert(T >= 1);
  static constexpr std::size_t count = (N + T - 1) / T;
  static constexpr std::size_t size = count ? N / count : 0;    // the smaller tile size
  static constexpr std::size_t larger = count ? N % count : 0;  // tiles of size + 1, first
  static_assert(larger == 0 || size + 1 <= T);
};

}  // namespace ctinfer::kernels
