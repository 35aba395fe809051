// ctinfer/kernels/depthwise-inl.h - depthwise convolution (one input and one output channel
// per group) on a channels-last input.
//
// Vectors of channels: each output vector is the sum over the taps of a weight vector times
// the input vector at the tap's position. The interior runs tiles of 6 positions of one
// channel vector (for the common 3-wide stride-1 kernel, each input vector of a row of taps
// is loaded once and feeds up to 3 FMAs); border positions, whose taps are partly in the
// padding, run one position of up to 4 channel vectors over their valid taps.
//
// It starts from the packed bias (a folded BatchNorm is in the weights and bias) and applies
// the epilogue in the store.

#if defined(CTINFER_KERNELS_DEPTHWISE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_DEPTHWISE_INL_H_
#undef CTINFER_KERNELS_DEPTHWISE_INL_H_
#else
#define CTINFER_KERNELS_DEPTHWISE_INL_H_
#endif

#include <cstddef>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/highway.h>

#include "ctinfer/kernels/activation-inl.h"
#include "ctinfer/kernels/packing.hpp"
#include "ctinfer/kernels/steps.hpp"
#include "ctinfer/kernels/window-inl.h"

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Stores the first R of six accumulators at positions pos .. pos + R - 1 (one channel vector).
template <std::size_t R, class Writer, class V>
HWY_INLINE void write_positions(const Writer& write, std::size_t pos, std::size_t col, std::size_t count, V a0, V a1,
                                V a2, V a3, V a4, V a5) {
  write(a0, pos, col, count);
  if constexpr (R > 1) write(a1, pos + 1, col, count);
  if constexpr (R > 2) write(a2, pos + 2, col, count);
  if constexpr (R > 3) write(a3, pos + 3, col, count);
  if constexpr (R > 4) write(a4, pos + 4, col, count);
  if constexpr (R > 5) write(a5, pos + 5, col, count);
}

// Any window: R positions along a row, one channel vector, each tap's weight vector reused
// for the R positions (y[c] = sum over taps of w[tap][c] * x[tap position][c]).
template <std::size_t R, class Step, class D, class Writer>
HWY_INLINE void depthwise_tile(D d, const hn::TFromD<D>* HWY_RESTRICT w, const hn::TFromD<D>* HWY_RESTRICT bias,
                               const hn::TFromD<D>* HWY_RESTRICT x, std::size_t oh, std::size_t ow0,
                               window_detail::tap_range kh_range, window_detail::tap_range kw_range,
                               std::size_t col, std::size_t count, const Writer& write) {
  static_assert(R >= 1 && R <= 6);
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  constexpr kernels::step st = Step::value;
  constexpr window_geometry g = st.window;
  constexpr std::size_t C = g.in_channels;
  constexpr std::size_t padded = kernels::padded_outputs<T>(C);
  constexpr std::size_t dx = g.stride_w * C;
  const bool full = count >= hn::Lanes(d);
  const V b = hn::LoadU(d, bias + col);
  V a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b;
  for (std::size_t kh = kh_range.begin; kh < kh_range.end; ++kh) {
    const std::size_t ih = oh * g.stride_h + kh * g.dilation_h - g.pad_top;
    for (std::size_t kw = kw_range.begin; kw < kw_range.end; ++kw) {
      const std::size_t iw = ow0 * g.stride_w + kw * g.dilation_w - g.pad_left;
      const T* HWY_RESTRICT xt = x + (ih * g.in_w + iw) * C + col;
      const V wv = hn::LoadU(d, w + (kh * g.kernel_w + kw) * padded + col);
#define CTINFER_DW_ROW(I)                                                                      \
  if constexpr (R > I) {                                                                       \
    const V xv = full ? hn::LoadU(d, xt + I * dx) : load_first(d, xt + I * dx, count, T(0));   \
    a##I = hn::MulAdd(wv, xv, a##I);                                                           \
  }
      CTINFER_DW_ROW(0)
      CTINFER_DW_ROW(1)
      CTINFER_DW_ROW(2)
      CTINFER_DW_ROW(3)
      CTINFER_DW_ROW(4)
      CTINFER_DW_ROW(5)
#undef CTINFER_DW_ROW
    }
  }
  write_positions<R>(write, oh * g.out_w + ow0, col, count, a0, a1, a2, a3, a4, a5);
}

// Keeps a loaded vector in a register. GCC folds a load into every FMA that uses the value,
// as a memory operand (one load per use); this empty asm makes the value opaque, so it is
// loaded once. No-op where a vector is not one register.
template <class V>
HWY_INLINE void keep_in_register(V& v) {
#if (HWY_ARCH_X86 && HWY_TARGET != HWY_SCALAR && HWY_TARGET != HWY_EMU128) && (defined(__GNUC__) || defined(__clang__))
  asm("" : "+v"(v.raw));
#elif (HWY_ARCH_ARM_A64 && HWY_TARGET == HWY_NEON) && (defined(__GNUC__) || defined(__clang__))
  asm("" : "+w"(v.raw));
#else
  (void)v;
#endif
}

// The common depthwise case, 3 taps wide with stride 1 and no dilation, one channel vector:
// R positions need R + 2 input vectors per row of taps, each loaded once and used by up to 3
// FMAs against the row's 3 weights. Written plainly, GCC folded each input load into every
// FMA that used it, and the two-vector tile this replaces reloaded weights too: about two
// loads per FMA, load-bound at half the FMA peak (perf annotate; 3x3 on 64 x 14 x 14 went
// from 50 to 84 GFLOP/s here). AllRows: the row has every kh valid (constant bounds).
template <std::size_t R, bool AllRows, class Step, class D, class Writer>
HWY_INLINE void depthwise_tile_3x1(D d, const hn::TFromD<D>* HWY_RESTRICT w, const hn::TFromD<D>* HWY_RESTRICT bias,
                                   const hn::TFromD<D>* HWY_RESTRICT x, std::size_t oh, std::size_t ow0,
                                   window_detail::tap_range kh_range, std::size_t col, std::size_t count,
                                   const Writer& write) {
  static_assert(R >= 1 && R <= 6);
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  constexpr window_geometry g = Step::value.window;
  constexpr std::size_t C = g.in_channels;
  constexpr std::size_t padded = kernels::padded_outputs<T>(C);
  const bool full = count >= hn::Lanes(d);
  const V b = hn::LoadU(d, bias + col);
  V a0 = b, a1 = b, a2 = b, a3 = b, a4 = b, a5 = b;
  const std::size_t kh_begin = AllRows ? 0 : kh_range.begin;
  const std::size_t kh_end = AllRows ? g.kernel_h : kh_range.end;
  for (std::size_t kh = kh_begin; kh < kh_end; ++kh) {
    const std::size_t ih = oh * g.stride_h + kh * g.dilation_h - g.pad_top;
    const T* HWY_RESTRICT xt = x + (ih * g.in_w + ow0 - g.pad_left) * C + col;
    const T* HWY_RESTRICT wt = w + kh * 3 * padded + col;
    const V w0 = hn::LoadU(d, wt), w1 = hn::LoadU(d, wt + padded), w2 = hn::LoadU(d, wt + 2 * padded);
    // Input J feeds position J (tap 0, accumulator P0), J - 1 (tap 1, P1) and J - 2 (tap 2, P2).
#define CTINFER_DW3_INPUT(J, P0, P1, P2)                                                       \
  if constexpr (J < R + 2) {                                                                   \
    V xv = full ? hn::LoadU(d, xt + J * C) : load_first(d, xt + J * C, count, T(0));           \
    keep_in_register(xv);                                                                      \
    if constexpr (J < R) P0 = hn::MulAdd(w0, xv, P0);                                          \
    if constexpr (J >= 1 && J < R + 1) P1 = hn::MulAdd(w1, xv, P1);                            \
    if constexpr (J >= 2) P2 = hn::MulAdd(w2, xv, P2);                                         \
  }
    CTINFER_DW3_INPUT(0, a0, a0, a0)
    CTINFER_DW3_INPUT(1, a1, a0, a0)
    CTINFER_DW3_INPUT(2, a2, a1, a0)
    CTINFER_DW3_INPUT(3, a3, a2, a1)
    CTINFER_DW3_INPUT(4, a4, a3, a2)
    CTINFER_DW3_INPUT(5, a5, a4, a3)
    CTINFER_DW3_INPUT(6, a5, a5, a4)
    CTINFER_DW3_INPUT(7, a5, a5, a5)
#undef CTINFER_DW3_INPUT
  }
  write_positions<R>(write, oh * g.out_w + ow0, col, count, a0, a1, a2, a3, a4, a5);
}

// One position (a border one: taps [kh, kw ranges]), V <= 4 channel vectors at once, so that
// V accumulator chains run side by side instead of one chain through all the taps.
template <std::size_t Vectors, class Step, class D, class Writer>
HWY_INLINE void depthwise_point(D d, const hn::TFromD<D>* HWY_RESTRICT w, const hn::TFromD<D>* HWY_RESTRICT bias,
                                const hn::TFromD<D>* HWY_RESTRICT x, std::size_t oh, std::size_t ow,
                                window_detail::tap_range kh_range, window_detail::tap_range kw_range,
                                std::size_t col, std::size_t count, const Writer& write) {
  static_assert(Vectors >= 1 && Vectors <= 4);
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  constexpr window_geometry g = Step::value.window;
  constexpr std::size_t C = g.in_channels;
  constexpr std::size_t padded = kernels::padded_outputs<T>(C);
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  // Only the last vector may be partial (count lanes).
  const bool last_full = count >= hn::Lanes(d);
  V a0 = hn::LoadU(d, bias + col);
  V a1 = Vectors > 1 ? hn::LoadU(d, bias + col + L) : a0;
  V a2 = Vectors > 2 ? hn::LoadU(d, bias + col + 2 * L) : a0;
  V a3 = Vectors > 3 ? hn::LoadU(d, bias + col + 3 * L) : a0;
  for (std::size_t kh = kh_range.begin; kh < kh_range.end; ++kh) {
    const std::size_t ih = oh * g.stride_h + kh * g.dilation_h - g.pad_top;
    for (std::size_t kw = kw_range.begin; kw < kw_range.end; ++kw) {
      const std::size_t iw = ow * g.stride_w + kw * g.dilation_w - g.pad_left;
      const T* HWY_RESTRICT xt = x + (ih * g.in_w + iw) * C + col;
      const T* HWY_RESTRICT wt = w + (kh * g.kernel_w + kw) * padded + col;
#define CTINFER_DW_VECTOR(I)                                                                              \
  if constexpr (Vectors > I) {                                                                            \
    const V xv = I + 1 < Vectors || last_full ? hn::LoadU(d, xt + I * L) : load_first(d, xt + I * L, count, T(0)); \
    a##I = hn::MulAdd(hn::LoadU(d, wt + I * L), xv, a##I);                                                \
  }
      CTINFER_DW_VECTOR(0)
      CTINFER_DW_VECTOR(1)
      CTINFER_DW_VECTOR(2)
      CTINFER_DW_VECTOR(3)
#undef CTINFER_DW_VECTOR
    }
  }
  const std::size_t pos = oh * g.out_w + ow;
  write(a0, pos, col, Vectors > 1 ? L : count);
  if constexpr (Vectors > 1) write(a1, pos, col + L, Vectors > 2 ? L : count);
  if constexpr (Vectors > 2) write(a2, pos, col + 2 * L, Vectors > 3 ? L : count);
  if constexpr (Vectors > 3) write(a3, pos, col + 3 * L, count);
}

template <class Step>
inline constexpr bool depthwise_3x1 = Step::value.window.kernel_w == 3 && Step::value.window.stride_w == 1 &&
                                      Step::value.window.dilation_w == 1;

// Every channel vector of `count` lanes at positions ow0 .. ow0 + R - 1 of an interior run.
template <std::size_t R, bool AllRows, class Step, class D, class Writer>
HWY_INLINE void depthwise_channels(D d, const hn::TFromD<D>* HWY_RESTRICT w, const hn::TFromD<D>* HWY_RESTRICT bias,
                                   const hn::TFromD<D>* HWY_RESTRICT x, std::size_t oh, std::size_t ow0,
                                   window_detail::tap_range kh, const Writer& write) {
  constexpr std::size_t C = Step::value.window.in_channels;
  constexpr window_detail::tap_range all_kw{0, Step::value.window.kernel_w};
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  for (std::size_t col = 0; col < C; col += L) {
    const std::size_t count = C - col < L ? C - col : L;
    if constexpr (depthwise_3x1<Step>)
      depthwise_tile_3x1<R, AllRows, Step>(d, w, bias, x, oh, ow0, kh, col, count, write);
    else
      depthwise_tile<R, Step>(d, w, bias, x, oh, ow0, kh, all_kw, col, count, write);
  }
}

// One border position: every channel, 4 vectors at a time.
template <class Step, class D, class Writer>
HWY_INLINE void depthwise_border(D d, const hn::TFromD<D>* HWY_RESTRICT w, const hn::TFromD<D>* HWY_RESTRICT bias,
                                 const hn::TFromD<D>* HWY_RESTRICT x, std::size_t oh, std::size_t ow,
                                 window_detail::tap_range kh, window_detail::tap_range kw, const Writer& write) {
  constexpr std::size_t C = Step::value.window.in_channels;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  std::size_t col = 0;
  for (; col + 4 * L <= C; col += 4 * L) depthwise_point<4, Step>(d, w, bias, x, oh, ow, kh, kw, col, L, write);
  const std::size_t left = C - col;
  if (left > 2 * L)
    depthwise_point<3, Step>(d, w, bias, x, oh, ow, kh, kw, col, left - 2 * L, write);
  else if (left > L)
    depthwise_point<2, Step>(d, w, bias, x, oh, ow, kh, kw, col, left - L, write);
  else if (left > 0)
    depthwise_point<1, Step>(d, w, bias, x, oh, ow, kh, kw, col, left, write);
}

// One output row: border positions one at a time, the interior in tiles.
template <bool AllRows, class Step, class D, class Writer>
HWY_INLINE void depthwise_row(D d, const hn::TFromD<D>* HWY_RESTRICT w, const hn::TFromD<D>* HWY_RESTRICT bias,
                              const hn::TFromD<D>* HWY_RESTRICT x, std::size_t oh, window_detail::tap_range kh,
                              const Writer& write) {
  constexpr window_geometry g = Step::value.window;
  constexpr window_detail::tap_range inner =
      window_detail::interior(g.out_w, g.stride_w, g.dilation_w, g.pad_left, g.kernel_w, g.in_w);
  // Interior tiles: 6 positions (the 3-wide kernel: 8 inputs per row of taps for 18 FMAs).
  constexpr std::size_t tile = 6;
  constexpr std::size_t full_tiles = (inner.end - inner.begin) / tile;
  constexpr std::size_t rest = (inner.end - inner.begin) % tile;
  auto border = [&](std::size_t ow) {
    depthwise_border<Step>(d, w, bias, x, oh, ow, kh,
                           window_detail::valid_taps(ow, g.stride_w, g.dilation_w, g.pad_left, g.kernel_w, g.in_w),
                           write);
  };
  for (std::size_t ow = 0; ow < inner.begin; ++ow) border(ow);
  std::size_t ow = inner.begin;
  for (std::size_t t = 0; t < full_tiles; ++t, ow += tile)
    depthwise_channels<tile, AllRows, Step>(d, w, bias, x, oh, ow, kh, write);
  if constexpr (rest > 0) depthwise_channels<rest, AllRows, Step>(d, w, bias, x, oh, ow, kh, write);
  for (ow = inner.end; ow < g.out_w; ++ow) border(ow);
}

template <class Step, class Epilogue, class T>
HWY_NOINLINE void depthwise(const T* HWY_RESTRICT w, const T* HWY_RESTRICT bias, const T* HWY_RESTRICT x,
                            T* HWY_RESTRICT y, const T* HWY_RESTRICT packed, const T* HWY_RESTRICT addend) {
  constexpr kernels::step st = Step::value;
  constexpr window_geometry g = st.window;
  const hn::CappedTag<T, kernels::panel_width<T>> d;
  const window_writer<decltype(d), Epilogue, st.dst_channels_last, g.in_channels, g.out_positions()> write{
      d, y, packed, addend};
  // Positions outside, channel vectors inside: the input rows stay in cache.
  for (std::size_t oh = 0; oh < g.out_h; ++oh) {
    const window_detail::tap_range kh =
        window_detail::valid_taps(oh, g.stride_h, g.dilation_h, g.pad_top, g.kernel_h, g.in_h);
    if (kh.begin == 0 && kh.end == g.kernel_h)
      depthwise_row<true, Step>(d, w, bias, x, oh, kh, write);
    else
      depthwise_row<false, Step>(d, w, bias, x, oh, kh, write);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_DEPTHWISE_INL_H_
