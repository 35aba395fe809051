// ctinfer/kernels/packing.hpp - the packed weight layout the dense kernels read.
//
// A Dense weight W[N][K] (PyTorch's layout) is cut into panels of `panel_width` outputs
// (64 bytes of T); panel p stores, for k = 0..K-1, the panel_width weights W[p*P + j][k]
// contiguously, zero-padded past N. A batch-1 product then streams every weight byte once,
// in order, and each k contributes whole vectors to independent accumulators: no horizontal
// sums. The layout does not depend on the SIMD target (targets use 1..16 lanes of a panel),
// so packing is done once, in constexpr code, and one packed model serves every target.
#pragma once

#include <cstddef>

namespace ctinfer::kernels {

template <class T>
inline constexpr std::size_t panel_width = 64 / sizeof(T);

// Offsets in the packed store are multiples of this many elements (64-byte aligned).
template <class T>
inline constexpr std::size_t packed_alignment = 64 / sizeof(T);

constexpr std::size_t round_up(std::size_t n, std::size_t m) { return (n + m - 1) / m * m; }

template <class T>
constexpr std::size_t padded_outputs(std::size_t n) {
  return round_up(n, panel_width<T>);
}

// Elements a packed Dense weight W[n][k] occupies, rounded so what follows stays aligned. The
// bias (padded_outputs<T>(n) values, zero past n) starts right after it.
template <class T>
constexpr std::size_t packed_weight_size(std::size_t n, std::size_t k) {
  return round_up(padded_outputs<T>(n) * k, packed_alignment<T>);
}

// Pack W[n][k] into panels. `out` has padded_outputs<T>(n) * k elements. Out of line: one
// copy serves every layer of a network.
template <class T, class U>
[[gnu::noinline]] constexpr void pack_dense_weight(const U* w, std::size_t n, std::size_t k, T* out) {
  constexpr std::size_t P = panel_width<T>;
  const std::size_t panels = padded_outputs<T>(n) / P;
  for (std::size_t p = 0; p < panels; ++p)
    for (std::size_t kk = 0; kk < k; ++kk)
      for (std::size_t j = 0; j < P; ++j) {
        const std::size_t o = p * P + j;
        out[(p * k + kk) * P + j] = o < n ? static_cast<T>(w[o * k + kk]) : T(0);
      }
}

}  // namespace ctinfer::kernels
