// ctinfer/kernels/dense-inl.h - Dense on packed weights: y(M, N) = x(M, K) W^T + b, with the
// epilogue (activations) applied to each vector before it is stored.
//
// Weights are packed in panels (kernels/packing.hpp). Column vector v (L lanes) of the output
// reads panel v / (P/L), lanes (v % (P/L)) * L, stepping P elements per k.
// - M == 1 (batch-1 GEMV): blocks of 2 or 4 column vectors with 4 or 2 interleaved k
//   streams (8 accumulators), so FMA chains are short and every weight byte is read once, in
//   memory order.
// - M > 1 (GEMM): register tiles of 6 rows x 2 column vectors = 12 accumulators, each packed
//   weight vector reused for 6 rows and each broadcast input for 2 vectors. Column pairs are
//   the outer loop so a pair's weights stay in L1 while all rows pass over them.
// Accumulators are named variables, not arrays: SVE vectors are sizeless.

#if defined(CTINFER_KERNELS_DENSE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_DENSE_INL_H_
#undef CTINFER_KERNELS_DENSE_INL_H_
#else
#define CTINFER_KERNELS_DENSE_INL_H_
#endif

#include <cstddef>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
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
  const T* HWY_RESTRICT addend;  // a fused Residual add's tensor, indexed as y (or null)
  template <class V>
  HWY_INLINE void operator()(V v, std::size_t row, std::size_t col) const {
    if (col >= cols) return;  // a vector entirely in the zero padding
    const std::size_t at = row * cols + col;
    const bool full = col + hn::Lanes(d) <= cols;
    auto add = [&] { return full ? hn::LoadU(d, addend + at) : load_first(d, addend + at, cols - col, T(0)); };
    v = apply_epilogue(Epilogue{}, d, v, packed, row, col, add);
    if (full)
      hn::StoreU(v, d, y + at);
    else
      store_first(d, v, y + at, cols - col);
  }
};

}  // namespace dense_detail

// Lanes of the output vectors of a product with n outputs: no wider than n needs
// (kernels::lanes_for), so 8 outputs on AVX-512 are 8 whole lanes, stored without a mask.
// The next layer's loads wait for a masked store to reach the cache instead of taking its
// value from the store buffer (an 8-channel WaveNet, streamed, float: 658 -> 545 ns per
// step). Fewer than 4 outputs keep a whole panel: an LSTM 8's Dense<1> head in 1- or 4-lane
// vectors made the step 10-25% slower in bench_rnn (57 -> 63-77 ns), for a reason this
// machine's missing hardware counters did not let us find.
template <class T>
constexpr std::size_t dense_lanes(std::size_t n) {
  return n < 4 ? kernels::panel_width<T> : kernels::lanes_for<T>(n);
}

// Where column vector v of the output starts in the packed weights (P elements per k).
template <std::size_t K, class T>
HWY_INLINE const T* column(const T* w, std::size_t v, std::size_t lanes_per_vector) {
  constexpr std::size_t P = kernels::panel_width<T>;
  const std::size_t per_panel = P / lanes_per_vector;
  return w + (v / per_panel) * K * P + (v % per_panel) * lanes_per_vector;
}

// Batch-1 block: Vn column vectors (1, 2 or 4), each summed over S interleaved k streams
// (2 or 4), so the FMA dependency chains are K / S long. Stream 0 starts from the bias.
template <std::size_t Vn, std::size_t S, std::size_t K, bool Bias, class D, class X, class Writer>
HWY_INLINE void gemv_block(D d, const hn::TFromD<D>* HWY_RESTRICT w,
                           const hn::TFromD<D>* HWY_RESTRICT bias, const X& x, std::size_t v,
                           const Writer& write) {
  static_assert((Vn == 1 || Vn == 2 || Vn == 4) && (S == 2 || S == 4) && Vn * S <= 8);
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  constexpr std::size_t P = kernels::panel_width<T>;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  const T* p0 = column<K>(w, v, L);
  const T* p1 = Vn > 1 ? column<K>(w, v + 1, L) : p0;
  const T* p2 = Vn > 2 ? column<K>(w, v + 2, L) : p0;
  const T* p3 = Vn > 3 ? column<K>(w, v + 3, L) : p0;
  auto initial = [&](std::size_t c) -> V {
    if constexpr (Bias) return hn::LoadU(d, bias + (v + c) * L);
    return hn::Zero(d);
  };
  V a00 = initial(0), a01 = hn::Zero(d), a02 = hn::Zero(d), a03 = hn::Zero(d);
  V a10 = Vn > 1 ? initial(1) : hn::Zero(d), a11 = hn::Zero(d), a12 = hn::Zero(d), a13 = hn::Zero(d);
  V a20 = Vn > 2 ? initial(2) : hn::Zero(d), a21 = hn::Zero(d);
  V a30 = Vn > 3 ? initial(3) : hn::Zero(d), a31 = hn::Zero(d);
  // One k: every vector of the block takes xs[k] times its weights into stream `s`.
#define CTINFER_GEMV_K(KK, A0, A1, A2, A3)                         \
  {                                                                \
    const V xk = hn::Set(d, xs[KK]);                               \
    const std::size_t o = (base + (KK)) * P;                       \
    A0 = hn::MulAdd(hn::LoadU(d, p0 + o), xk, A0);                 \
    if constexpr (Vn > 1) A1 = hn::MulAdd(hn::LoadU(d, p1 + o), xk, A1); \
    if constexpr (Vn > 2) A2 = hn::MulAdd(hn::LoadU(d, p2 + o), xk, A2); \
    if constexpr (Vn > 3) A3 = hn::MulAdd(hn::LoadU(d, p3 + o), xk, A3); \
  }
  // x's K values come in runs of X::run contiguous values (one run for a plain vector).
  constexpr std::size_t run = X::run, full = run / S * S;
  static_assert(K % run == 0);
  for (std::size_t seg = 0; seg < K / run; ++seg) {
    const T* HWY_RESTRICT xs = x.at(seg);
    const std::size_t base = seg * run;
    for (std::size_t k = 0; k < full; k += S) {
      CTINFER_GEMV_K(k, a00, a10, a20, a30)
      CTINFER_GEMV_K(k + 1, a01, a11, a21, a31)
      if constexpr (S > 2) {
        CTINFER_GEMV_K(k + 2, a02, a12, a20, a30)  // S == 4 only with Vn <= 2
        CTINFER_GEMV_K(k + 3, a03, a13, a20, a30)
      }
    }
    for (std::size_t k = full; k < run; ++k) CTINFER_GEMV_K(k, a00, a10, a20, a30)
  }
#undef CTINFER_GEMV_K
  write(hn::Add(hn::Add(a00, a01), hn::Add(a02, a03)), 0, v * L);
  if constexpr (Vn > 1) write(hn::Add(hn::Add(a10, a11), hn::Add(a12, a13)), 0, (v + 1) * L);
  if constexpr (Vn > 2) write(hn::Add(a20, a21), 0, (v + 2) * L);
  if constexpr (Vn > 3) write(hn::Add(a30, a31), 0, (v + 3) * L);
}

// The input of a batch-1 product: K contiguous values (this), or K / run runs of `run`
// contiguous values, run s at at(s) (a streamed convolution's taps, read where they are:
// stream_conv-inl.h).
template <class T, std::size_t K>
struct contiguous_input {
  static constexpr std::size_t run = K;
  const T* HWY_RESTRICT x;
  HWY_INLINE const T* at(std::size_t) const { return x; }
};

// Batch-1 product on packed weights. Two block shapes, both with 8 accumulators:
// - 4 column vectors x 2 k streams: each x[k] is broadcast once per 4 vectors, which keeps
//   the load ports for the weights (what matters when the weights stream from L2, or when
//   there are enough blocks for the out-of-order core to overlap their chains);
// - 2 column vectors x 4 k streams: FMA chains half as long, for small layers whose time is
//   the dependency chain (measured in bench/: 16-32-16 float nets run faster this way, the
//   same net in double, with twice the vectors, slower).
// `backward` runs the same blocks last to first (same results, bit for bit): a caller that
// repeats a product whose weights exceed L1 alternates it, so each pass starts on the
// weights the previous one left in L1 (a recurrent cell's hidden product, every time step).
// x: a contiguous_input or runs like it; gemv below takes a pointer.
template <std::size_t K, std::size_t N, bool Bias, class Epilogue, class T, class X>
HWY_INLINE void gemv_input(const T* HWY_RESTRICT w, const T* HWY_RESTRICT bias, const X& x,
                           T* HWY_RESTRICT y, const T* HWY_RESTRICT packed,
                           const T* HWY_RESTRICT addend, bool backward = false) {
  const hn::CappedTag<T, dense_lanes<T>(N)> d;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  CTINFER_LANES_CONSTEXPR std::size_t vectors = (N + L - 1) / L;
  const dense_detail::output_writer<decltype(d), Epilogue> write{d, y, packed, N, addend};
  constexpr bool l1_resident = K * N * sizeof(T) <= kernels::l1_resident_bytes;
  const bool wide_blocks = !l1_resident || vectors >= 8;
  // Blocks of 4 vectors up to wide_end, of 2 up to pair_end, then at most one of 1.
  const std::size_t wide_end = wide_blocks ? vectors / 4 * 4 : 0;
  const std::size_t pair_end = wide_end + (vectors - wide_end) / 2 * 2;
  if (!backward) {
    for (std::size_t v = 0; v < wide_end; v += 4) gemv_block<4, 2, K, Bias>(d, w, bias, x, v, write);
    for (std::size_t v = wide_end; v < pair_end; v += 2) gemv_block<2, 4, K, Bias>(d, w, bias, x, v, write);
    if (pair_end < vectors) gemv_block<1, 4, K, Bias>(d, w, bias, x, pair_end, write);
  } else {
    if (pair_end < vectors) gemv_block<1, 4, K, Bias>(d, w, bias, x, pair_end, write);
    for (std::size_t v = pair_end; v > wide_end; v -= 2) gemv_block<2, 4, K, Bias>(d, w, bias, x, v - 2, write);
    for (std::size_t v = wide_end; v > 0; v -= 4) gemv_block<4, 2, K, Bias>(d, w, bias, x, v - 4, write);
  }
}

template <std::size_t K, std::size_t N, bool Bias, class Epilogue, class T>
HWY_INLINE void gemv(const T* HWY_RESTRICT w, const T* HWY_RESTRICT bias, const T* HWY_RESTRICT x,
                     T* HWY_RESTRICT y, const T* HWY_RESTRICT packed, const T* HWY_RESTRICT addend,
                     bool backward = false) {
  gemv_input<K, N, Bias, Epilogue>(w, bias, contiguous_input<T, K>{x}, y, packed, addend, backward);
}

// One register tile: R rows (<= 6) by C column vectors (<= 2), starting at (row, vector v).
// 6 x 2 = 12 accumulators + 2 weight vectors + 1 broadcast: 15 of AVX2's 16 registers; per k
// 2 weight loads and 6 broadcasts feed 12 FMAs.
template <std::size_t R, std::size_t C, std::size_t K, bool Bias, class D, class Writer>
HWY_INLINE void gemm_tile(D d, const hn::TFromD<D>* HWY_RESTRICT p0,
                          const hn::TFromD<D>* HWY_RESTRICT p1,
                          const hn::TFromD<D>* HWY_RESTRICT bias, const hn::TFromD<D>* HWY_RESTRICT x,
                          std::size_t row, std::size_t v, const Writer& write) {
  static_assert(R >= 1 && R <= 6 && (C == 1 || C == 2));
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  constexpr std::size_t P = kernels::panel_width<T>;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  V i0, i1;
  if constexpr (Bias) {
    i0 = hn::LoadU(d, bias + v * L);
    i1 = C > 1 ? hn::LoadU(d, bias + (v + 1) * L) : i0;
  } else {
    i0 = hn::Zero(d);
    i1 = i0;
  }
  V a00 = i0, a01 = i1, a10 = i0, a11 = i1, a20 = i0, a21 = i1;
  V a30 = i0, a31 = i1, a40 = i0, a41 = i1, a50 = i0, a51 = i1;
  const T* x0 = x + row * K;
  // Rows past R read row 0 again; their results are never used.
  const T* x1 = x0 + (R > 1 ? K : 0);
  const T* x2 = x0 + (R > 2 ? 2 * K : 0);
  const T* x3 = x0 + (R > 3 ? 3 * K : 0);
  const T* x4 = x0 + (R > 4 ? 4 * K : 0);
  const T* x5 = x0 + (R > 5 ? 5 * K : 0);
#define CTINFER_GEMM_ROW(I)                                       \
  if constexpr (R > I) {                                          \
    const V b = hn::Set(d, x##I[k]);                              \
    a##I##0 = hn::MulAdd(w0, b, a##I##0);                         \
    if constexpr (C > 1) a##I##1 = hn::MulAdd(w1, b, a##I##1);    \
  }
  for (std::size_t k = 0; k < K; ++k) {
    const V w0 = hn::LoadU(d, p0 + k * P);
    const V w1 = C > 1 ? hn::LoadU(d, p1 + k * P) : w0;
    CTINFER_GEMM_ROW(0)
    CTINFER_GEMM_ROW(1)
    CTINFER_GEMM_ROW(2)
    CTINFER_GEMM_ROW(3)
    CTINFER_GEMM_ROW(4)
    CTINFER_GEMM_ROW(5)
  }
#undef CTINFER_GEMM_ROW
#define CTINFER_GEMM_STORE(I)                                    \
  if constexpr (R > I) {                                         \
    write(a##I##0, row + I, v * L);                              \
    if constexpr (C > 1) write(a##I##1, row + I, (v + 1) * L);   \
  }
  CTINFER_GEMM_STORE(0)
  CTINFER_GEMM_STORE(1)
  CTINFER_GEMM_STORE(2)
  CTINFER_GEMM_STORE(3)
  CTINFER_GEMM_STORE(4)
  CTINFER_GEMM_STORE(5)
#undef CTINFER_GEMM_STORE
}

template <std::size_t M, std::size_t K, std::size_t N, bool Bias, class Epilogue, class T>
HWY_NOINLINE void gemm(const T* HWY_RESTRICT w, const T* HWY_RESTRICT bias, const T* HWY_RESTRICT x,
                       T* HWY_RESTRICT y, const T* HWY_RESTRICT packed, const T* HWY_RESTRICT addend) {
  const hn::CappedTag<T, dense_lanes<T>(N)> d;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  CTINFER_LANES_CONSTEXPR std::size_t vectors = (N + L - 1) / L;
  const dense_detail::output_writer<decltype(d), Epilogue> write{d, y, packed, N, addend};
  constexpr std::size_t full_rows = M / 6 * 6;
  constexpr std::size_t rest = M - full_rows;

  // Column pairs outside, rows inside: a pair's weights stay in L1 while every row passes.
  auto rows_pass = [&]<std::size_t C>(std::size_t v) {
    const T* p0 = column<K>(w, v, L);
    const T* p1 = C > 1 ? column<K>(w, v + 1, L) : p0;
    for (std::size_t r = 0; r < full_rows; r += 6) gemm_tile<6, C, K, Bias>(d, p0, p1, bias, x, r, v, write);
    if constexpr (rest > 0) gemm_tile<rest, C, K, Bias>(d, p0, p1, bias, x, full_rows, v, write);
  };
  std::size_t v = 0;
  for (; v + 2 <= vectors; v += 2) rows_pass.template operator()<2>(v);
  if (v < vectors) rows_pass.template operator()<1>(v);
}

// Outputs [o, o + G) (G <= 4) of a Dense packed by rows (kernels::pack_dense_rows): dot
// products over k, two streams each (8 accumulators at most), every x vector loaded once
// for the G rows. Sums go to out[o ..].
template <std::size_t G, std::size_t K, class D>
HWY_INLINE void dot_rows(D d, const hn::TFromD<D>* HWY_RESTRICT w, const hn::TFromD<D>* HWY_RESTRICT x,
                         std::size_t o, hn::TFromD<D>* HWY_RESTRICT out) {
  static_assert(G >= 1 && G <= 4);
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  constexpr std::size_t KP = kernels::round_up(K, kernels::panel_width<T>);
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  const T* HWY_RESTRICT w0 = w + o * KP;
  const T* HWY_RESTRICT w1 = G > 1 ? w0 + KP : w0;
  const T* HWY_RESTRICT w2 = G > 2 ? w0 + 2 * KP : w0;
  const T* HWY_RESTRICT w3 = G > 3 ? w0 + 3 * KP : w0;
  V a00 = hn::Zero(d), a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
  // x past K is read as zeros (its rows are zero there too, but x may end at K).
#define CTINFER_DOT_ROWS(K0, A0, A1, A2, A3, XV)                        \
  {                                                                     \
    const V xv = XV;                                                    \
    A0 = hn::MulAdd(hn::LoadU(d, w0 + (K0)), xv, A0);                   \
    if constexpr (G > 1) A1 = hn::MulAdd(hn::LoadU(d, w1 + (K0)), xv, A1); \
    if constexpr (G > 2) A2 = hn::MulAdd(hn::LoadU(d, w2 + (K0)), xv, A2); \
    if constexpr (G > 3) A3 = hn::MulAdd(hn::LoadU(d, w3 + (K0)), xv, A3); \
  }
  const std::size_t full = K / L * L, pairs = K / (2 * L) * (2 * L);
  for (std::size_t k = 0; k < pairs; k += 2 * L) {
    CTINFER_DOT_ROWS(k, a00, a10, a20, a30, hn::LoadU(d, x + k))
    CTINFER_DOT_ROWS(k + L, a01, a11, a21, a31, hn::LoadU(d, x + k + L))
  }
  if (pairs < full) CTINFER_DOT_ROWS(pairs, a00, a10, a20, a30, hn::LoadU(d, x + pairs))
  if (full < K) CTINFER_DOT_ROWS(full, a01, a11, a21, a31, load_first(d, x + full, K - full, T(0)))
#undef CTINFER_DOT_ROWS
  out[o] = hn::GetLane(hn::SumOfLanes(d, hn::Add(a00, a01)));
  if constexpr (G > 1) out[o + 1] = hn::GetLane(hn::SumOfLanes(d, hn::Add(a10, a11)));
  if constexpr (G > 2) out[o + 2] = hn::GetLane(hn::SumOfLanes(d, hn::Add(a20, a21)));
  if constexpr (G > 3) out[o + 3] = hn::GetLane(hn::SumOfLanes(d, hn::Add(a30, a31)));
}

// Batch-1 product on weights packed by rows (N < a panel, long K): groups of 4 outputs as
// dot products, then the bias and the epilogue on the N sums as one vector.
template <std::size_t K, std::size_t N, bool Bias, class Epilogue, class T>
HWY_INLINE void gemv_rows(const T* HWY_RESTRICT w, const T* HWY_RESTRICT bias, const T* HWY_RESTRICT x,
                          T* HWY_RESTRICT y, const T* HWY_RESTRICT packed, const T* HWY_RESTRICT addend) {
  constexpr std::size_t P = kernels::panel_width<T>;
  static_assert(N < P);
  const hn::CappedTag<T, P> d;  // the dot products run along K
  alignas(64) T sums[P] = {};
  constexpr std::size_t whole = N / 4 * 4;
  for (std::size_t o = 0; o < whole; o += 4) dot_rows<4, K>(d, w, x, o, sums);
  if constexpr (N % 4 == 3) dot_rows<3, K>(d, w, x, whole, sums);
  if constexpr (N % 4 == 2) dot_rows<2, K>(d, w, x, whole, sums);
  if constexpr (N % 4 == 1) dot_rows<1, K>(d, w, x, whole, sums);
  const hn::CappedTag<T, dense_lanes<T>(N)> dn;  // the N sums
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(dn);
  const dense_detail::output_writer<decltype(dn), Epilogue> write{dn, y, packed, N, addend};
  for (std::size_t col = 0; col < N; col += L) {
    auto v = hn::Load(dn, sums + col);
    if constexpr (Bias) v = hn::Add(v, hn::LoadU(dn, bias + col));
    write(v, 0, col);
  }
}

// Dense step: picks the batch-1, by-rows or tiled kernel at compile time.
template <std::size_t M, std::size_t K, std::size_t N, bool Bias, class Epilogue, bool ByRows = false, class T>
HWY_INLINE void dense(const T* HWY_RESTRICT w, const T* HWY_RESTRICT bias,
                      const T* HWY_RESTRICT x, T* HWY_RESTRICT y, const T* HWY_RESTRICT packed,
                      const T* HWY_RESTRICT addend) {
  if constexpr (ByRows)
    gemv_rows<K, N, Bias, Epilogue>(w, bias, x, y, packed, addend);
  else if constexpr (M == 1)
    gemv<K, N, Bias, Epilogue>(w, bias, x, y, packed, addend);
  else
    gemm<M, K, N, Bias, Epilogue>(w, bias, x, y, packed, addend);
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_DENSE_INL_H_
