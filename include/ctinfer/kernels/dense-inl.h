// ctinfer/kernels/dense-inl.h - Dense on packed weights: y(M, N) = x(M, K) W^T + b, with the
// epilogue (activations) applied to each vector before it is stored.
//
// Weights are packed in panels (kernels/packing.hpp). Column vector v (L lanes) of the output
// reads panel v / (P/L), lanes (v % (P/L)) * L, stepping P elements per k.
// - M == 1 (batch-1 GEMV): 4 column vectors x 2 interleaved k streams = 8 accumulators, so
//   the FMA latency chain is short and every weight byte is read once, in memory order.
// - M > 1 (GEMM): register tiles of 4 rows x 3 column vectors = 12 accumulators, each packed
//   weight vector reused for 4 rows and each broadcast input for 3 vectors. Column groups are
//   the outer loop so a group's weights stay in L1 while all rows pass over them.
// Accumulators are named variables, not arrays: SVE vectors are sizeless.

#if defined(CTINFER_KERNELS_DENSE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_DENSE_INL_H_
#undef CTINFER_KERNELS_DENSE_INL_H_
#else
#define CTINFER_KERNELS_DENSE_INL_H_
#endif

#include <cstddef>

#include <hwy/highway.h>

#include "ctinfer/kernels/activation-inl.h"
#include "ctinfer/kernels/packing.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace dense_detail {

template <class D, class Epilogue>
struct output_writer {
  using T = hn::TFromD<D>;
  D d;
  T* HWY_RESTRICT y;
  const T* HWY_RESTRICT packed;
  std::size_t cols;
  template <class V>
  HWY_INLINE void operator()(V v, std::size_t row, std::size_t col) const {
    if (col >= cols) return;  // a vector entirely in the zero padding
    v = apply_epilogue(Epilogue{}, d, v, packed, row, col);
    T* out = y + row * cols + col;
    if (col + hn::Lanes(d) <= cols)
      hn::StoreU(v, d, out);
    else
      store_first(d, v, out, cols - col);
  }
};

}  // namespace dense_detail

// Batch-1 product on packed weights.
template <std::size_t K, std::size_t N, bool Bias, class Epilogue, class T>
HWY_INLINE void gemv(const T* HWY_RESTRICT w, const T* HWY_RESTRICT bias, const T* HWY_RESTRICT x,
                     T* HWY_RESTRICT y, const T* HWY_RESTRICT packed) {
  constexpr std::size_t P = kernels::panel_width<T>;
  const hn::CappedTag<T, P> d;
  using V = hn::Vec<decltype(d)>;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  CTINFER_LANES_CONSTEXPR std::size_t per_panel = P / L;
  CTINFER_LANES_CONSTEXPR std::size_t vectors = (N + L - 1) / L;
  const dense_detail::output_writer<decltype(d), Epilogue> write{d, y, packed, N};
  auto column = [&](std::size_t v) { return w + (v / per_panel) * K * P + (v % per_panel) * L; };
  auto initial = [&](std::size_t v) -> V {
    if constexpr (Bias) return hn::LoadU(d, bias + v * L);
    return hn::Zero(d);
  };

  CTINFER_LANES_CONSTEXPR std::size_t groups = vectors / 4;
  for (std::size_t g = 0; g < groups; ++g) {
    const std::size_t v = 4 * g;
    const T* p0 = column(v);
    const T* p1 = column(v + 1);
    const T* p2 = column(v + 2);
    const T* p3 = column(v + 3);
    V a0 = initial(v), a1 = initial(v + 1), a2 = initial(v + 2), a3 = initial(v + 3);
    V b0 = hn::Zero(d), b1 = hn::Zero(d), b2 = hn::Zero(d), b3 = hn::Zero(d);
    std::size_t k = 0;
    for (; k + 2 <= K; k += 2) {
      const V x0 = hn::Set(d, x[k]);
      const V x1 = hn::Set(d, x[k + 1]);
      const std::size_t o0 = k * P, o1 = (k + 1) * P;
      a0 = hn::MulAdd(hn::LoadU(d, p0 + o0), x0, a0);
      a1 = hn::MulAdd(hn::LoadU(d, p1 + o0), x0, a1);
      a2 = hn::MulAdd(hn::LoadU(d, p2 + o0), x0, a2);
      a3 = hn::MulAdd(hn::LoadU(d, p3 + o0), x0, a3);
      b0 = hn::MulAdd(hn::LoadU(d, p0 + o1), x1, b0);
      b1 = hn::MulAdd(hn::LoadU(d, p1 + o1), x1, b1);
      b2 = hn::MulAdd(hn::LoadU(d, p2 + o1), x1, b2);
      b3 = hn::MulAdd(hn::LoadU(d, p3 + o1), x1, b3);
    }
    if (k < K) {
      const V x0 = hn::Set(d, x[k]);
      a0 = hn::MulAdd(hn::LoadU(d, p0 + k * P), x0, a0);
      a1 = hn::MulAdd(hn::LoadU(d, p1 + k * P), x0, a1);
      a2 = hn::MulAdd(hn::LoadU(d, p2 + k * P), x0, a2);
      a3 = hn::MulAdd(hn::LoadU(d, p3 + k * P), x0, a3);
    }
    write(hn::Add(a0, b0), 0, v * L);
    write(hn::Add(a1, b1), 0, (v + 1) * L);
    write(hn::Add(a2, b2), 0, (v + 2) * L);
    write(hn::Add(a3, b3), 0, (v + 3) * L);
  }
  for (std::size_t v = 4 * groups; v < vectors; ++v) {
    // Fewer than four vectors left: four k streams keep the chain short instead.
    const T* p0 = column(v);
    V a0 = initial(v), a1 = hn::Zero(d), a2 = hn::Zero(d), a3 = hn::Zero(d);
    std::size_t k = 0;
    for (; k + 4 <= K; k += 4) {
      a0 = hn::MulAdd(hn::LoadU(d, p0 + k * P), hn::Set(d, x[k]), a0);
      a1 = hn::MulAdd(hn::LoadU(d, p0 + (k + 1) * P), hn::Set(d, x[k + 1]), a1);
      a2 = hn::MulAdd(hn::LoadU(d, p0 + (k + 2) * P), hn::Set(d, x[k + 2]), a2);
      a3 = hn::MulAdd(hn::LoadU(d, p0 + (k + 3) * P), hn::Set(d, x[k + 3]), a3);
    }
    for (; k < K; ++k) a0 = hn::MulAdd(hn::LoadU(d, p0 + k * P), hn::Set(d, x[k]), a0);
    write(hn::Add(hn::Add(a0, a1), hn::Add(a2, a3)), 0, v * L);
  }
}

// One register tile: R rows (<= 4) by C column vectors (<= 3), starting at (row, vector v).
template <std::size_t R, std::size_t C, std::size_t K, bool Bias, class D, class Writer>
HWY_INLINE void gemm_tile(D d, const hn::TFromD<D>* HWY_RESTRICT p0,
                          const hn::TFromD<D>* HWY_RESTRICT p1,
                          const hn::TFromD<D>* HWY_RESTRICT p2,
                          const hn::TFromD<D>* HWY_RESTRICT bias, const hn::TFromD<D>* HWY_RESTRICT x,
                          std::size_t row, std::size_t v, const Writer& write) {
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  constexpr std::size_t P = kernels::panel_width<T>;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  auto initial = [&](std::size_t c) -> V {
    if constexpr (Bias) return hn::LoadU(d, bias + (v + c) * L);
    return hn::Zero(d);
  };
  const V i0 = initial(0);
  const V i1 = C > 1 ? initial(1) : hn::Zero(d);
  const V i2 = C > 2 ? initial(2) : hn::Zero(d);
  V a00 = i0, a01 = i1, a02 = i2;
  V a10 = i0, a11 = i1, a12 = i2;
  V a20 = i0, a21 = i1, a22 = i2;
  V a30 = i0, a31 = i1, a32 = i2;
  const T* x0 = x + row * K;
  const T* x1 = x0 + (R > 1 ? K : 0);
  const T* x2 = x0 + (R > 2 ? 2 * K : 0);
  const T* x3 = x0 + (R > 3 ? 3 * K : 0);
  for (std::size_t k = 0; k < K; ++k) {
    const std::size_t o = k * P;
    const V w0 = hn::LoadU(d, p0 + o);
    const V w1 = C > 1 ? hn::LoadU(d, p1 + o) : w0;
    const V w2 = C > 2 ? hn::LoadU(d, p2 + o) : w0;
    const V b0 = hn::Set(d, x0[k]);
    a00 = hn::MulAdd(w0, b0, a00);
    if constexpr (C > 1) a01 = hn::MulAdd(w1, b0, a01);
    if constexpr (C > 2) a02 = hn::MulAdd(w2, b0, a02);
    if constexpr (R > 1) {
      const V b1 = hn::Set(d, x1[k]);
      a10 = hn::MulAdd(w0, b1, a10);
      if constexpr (C > 1) a11 = hn::MulAdd(w1, b1, a11);
      if constexpr (C > 2) a12 = hn::MulAdd(w2, b1, a12);
    }
    if constexpr (R > 2) {
      const V b2 = hn::Set(d, x2[k]);
      a20 = hn::MulAdd(w0, b2, a20);
      if constexpr (C > 1) a21 = hn::MulAdd(w1, b2, a21);
      if constexpr (C > 2) a22 = hn::MulAdd(w2, b2, a22);
    }
    if constexpr (R > 3) {
      const V b3 = hn::Set(d, x3[k]);
      a30 = hn::MulAdd(w0, b3, a30);
      if constexpr (C > 1) a31 = hn::MulAdd(w1, b3, a31);
      if constexpr (C > 2) a32 = hn::MulAdd(w2, b3, a32);
    }
  }
  const std::size_t c0 = v * L;
  write(a00, row, c0);
  if constexpr (C > 1) write(a01, row, c0 + L);
  if constexpr (C > 2) write(a02, row, c0 + 2 * L);
  if constexpr (R > 1) {
    write(a10, row + 1, c0);
    if constexpr (C > 1) write(a11, row + 1, c0 + L);
    if constexpr (C > 2) write(a12, row + 1, c0 + 2 * L);
  }
  if constexpr (R > 2) {
    write(a20, row + 2, c0);
    if constexpr (C > 1) write(a21, row + 2, c0 + L);
    if constexpr (C > 2) write(a22, row + 2, c0 + 2 * L);
  }
  if constexpr (R > 3) {
    write(a30, row + 3, c0);
    if constexpr (C > 1) write(a31, row + 3, c0 + L);
    if constexpr (C > 2) write(a32, row + 3, c0 + 2 * L);
  }
}

template <std::size_t M, std::size_t K, std::size_t N, bool Bias, class Epilogue, class T>
HWY_NOINLINE void gemm(const T* HWY_RESTRICT w, const T* HWY_RESTRICT bias, const T* HWY_RESTRICT x,
                     T* HWY_RESTRICT y, const T* HWY_RESTRICT packed) {
  constexpr std::size_t P = kernels::panel_width<T>;
  const hn::CappedTag<T, P> d;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  CTINFER_LANES_CONSTEXPR std::size_t per_panel = P / L;
  CTINFER_LANES_CONSTEXPR std::size_t vectors = (N + L - 1) / L;
  const dense_detail::output_writer<decltype(d), Epilogue> write{d, y, packed, N};
  auto column = [&](std::size_t v) { return w + (v / per_panel) * K * P + (v % per_panel) * L; };
  constexpr std::size_t full_rows = M / 4 * 4;
  constexpr std::size_t rest = M - full_rows;

  auto rows_pass = [&]<std::size_t C>(std::size_t v) {
    const T* p0 = column(v);
    const T* p1 = C > 1 ? column(v + 1) : p0;
    const T* p2 = C > 2 ? column(v + 2) : p0;
    for (std::size_t r = 0; r < full_rows; r += 4)
      gemm_tile<4, C, K, Bias>(d, p0, p1, p2, bias, x, r, v, write);
    if constexpr (rest == 3) gemm_tile<3, C, K, Bias>(d, p0, p1, p2, bias, x, full_rows, v, write);
    if constexpr (rest == 2) gemm_tile<2, C, K, Bias>(d, p0, p1, p2, bias, x, full_rows, v, write);
    if constexpr (rest == 1) gemm_tile<1, C, K, Bias>(d, p0, p1, p2, bias, x, full_rows, v, write);
  };
  std::size_t v = 0;
  for (; v + 3 <= vectors; v += 3) rows_pass.template operator()<3>(v);
  if (vectors - v == 2) rows_pass.template operator()<2>(v);
  if (vectors - v == 1) rows_pass.template operator()<1>(v);
}

// Dense step: picks the batch-1 or the tiled kernel at compile time.
template <std::size_t M, std::size_t K, std::size_t N, bool Bias, class Epilogue, class T>
HWY_INLINE void dense(const T* HWY_RESTRICT w, const T* HWY_RESTRICT bias,
                        const T* HWY_RESTRICT x, T* HWY_RESTRICT y, const T* HWY_RESTRICT packed) {
  if constexpr (M == 1)
    gemv<K, N, Bias, Epilogue>(w, bias, x, y, packed);
  else
    gemm<M, K, N, Bias, Epilogue>(w, bias, x, y, packed);
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_DENSE_INL_H_
