// ctinfer/kernels/conv-inl.h - direct convolution on packed weights, and depthwise.
//
// General convolution (kernels/packing.hpp: per group, panels of P outputs x taps x input
// channels): register tiles of R output positions (<= 6, along a row) by C output-channel
// vectors (<= 2), or 12 positions of a lone vector; 12 accumulators on AVX2 - the GEMM tile of dense-inl.h with the input rows
// found through the window instead of an im2col buffer. Each packed weight vector feeds R
// FMAs, each broadcast input value C. Border positions (some taps in the padding) run
// one-position tiles over their valid taps only.
//
// Depthwise (one input and one output channel per group, channels-last input): vectors of
// channels, tiles of 6 positions, each weight vector reused for the 6 positions.
//
// Both start from the packed bias (a folded BatchNorm is in the weights and bias) and apply
// the epilogue in the store.

#if defined(CTINFER_KERNELS_CONV_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_CONV_INL_H_
#undef CTINFER_KERNELS_CONV_INL_H_
#else
#define CTINFER_KERNELS_CONV_INL_H_
#endif

#include <cstddef>

#include <hwy/highway.h>

#include "ctinfer/kernels/activation-inl.h"
#include "ctinfer/kernels/dense-inl.h"
#include "ctinfer/kernels/packing.hpp"
#include "ctinfer/kernels/steps.hpp"
#include "ctinfer/kernels/unroll.hpp"
#include "ctinfer/kernels/window-inl.h"

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// One tile: R positions (ow0 .. ow0 + R - 1 of output row oh) by C channel vectors, over
// taps [kh, kw ranges]. p0/p1: the vectors' packed weights; x: the group's first input
// channel; col: the first output channel; count0/count1: real lanes of each vector.
template <std::size_t R, std::size_t C, class Step, bool Vertical, class D, class Writer>
HWY_INLINE void conv_tile(D d, const hn::TFromD<D>* HWY_RESTRICT p0, const hn::TFromD<D>* HWY_RESTRICT p1,
                          const hn::TFromD<D>* HWY_RESTRICT bias, const hn::TFromD<D>* HWY_RESTRICT x,
                          std::size_t oh, std::size_t ow0, window_detail::tap_range kh_range,
                          window_detail::tap_range kw_range, std::size_t col, std::size_t count0,
                          std::size_t count1, const Writer& write) {
  static_assert(R >= 1 && R <= 6 && (C == 1 || C == 2));
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  constexpr kernels::step st = Step::value;
  constexpr window_geometry g = st.window;
  constexpr std::size_t P = kernels::panel_width<T>;
  constexpr std::size_t channels = g.in_channels / g.groups;
  constexpr window_detail::strides s = window_detail::input_strides(g, st.src_channels_last);
  // From one position of the tile to the next: along the row, or (Vertical) down a column.
  constexpr std::size_t dx = Vertical ? g.stride_h * s.y : g.stride_w * s.x;
  constexpr std::size_t dpos = Vertical ? g.out_w : 1;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  const V i0 = hn::LoadU(d, bias);
  const V i1 = C > 1 ? hn::LoadU(d, bias + L) : i0;
  V a00 = i0, a01 = i1, a10 = i0, a11 = i1, a20 = i0, a21 = i1;
  V a30 = i0, a31 = i1, a40 = i0, a41 = i1, a50 = i0, a51 = i1;
#define CTINFER_CONV_ROW(I)                                          \
  if constexpr (R > I) {                                             \
    const V b = hn::Set(d, xt[I * dx + c * s.c]);                    \
    a##I##0 = hn::MulAdd(w0, b, a##I##0);                            \
    if constexpr (C > 1) a##I##1 = hn::MulAdd(w1, b, a##I##1);       \
  }
  for (std::size_t kh = kh_range.begin; kh < kh_range.end; ++kh) {
    const std::size_t ih = oh * g.stride_h + kh * g.dilation_h - g.pad_top;
    // Not unrolled: with few input channels, GCC otherwise reuses the broadcasts of one tap
    // for the next (the positions overlap) and spills them (3x3 1 -> 8 on 28x28: 4.2-5.5 us
    // unrolled, 3.6-3.8 us not; the wide layers are unchanged).
    CTINFER_NO_UNROLL
    for (std::size_t kw = kw_range.begin; kw < kw_range.end; ++kw) {
      const std::size_t iw = ow0 * g.stride_w + kw * g.dilation_w - g.pad_left;
      const T* HWY_RESTRICT xt = x + ih * s.y + iw * s.x;
      const std::size_t tap = (kh * g.kernel_w + kw) * channels * P;
      const T* HWY_RESTRICT wt0 = p0 + tap;
      const T* HWY_RESTRICT wt1 = p1 + tap;
      // At most 4 channels unrolled: GCC unrolls a short constant loop fully and then
      // hoists its broadcasts, which spills the 12 accumulators to the stack (measured in
      // bench/: a 3x3 8 -> 16 layer took 9.9-10.8 us fully unrolled, 5.5-6.7 us like this).
      CTINFER_UNROLL_4
      for (std::size_t c = 0; c < channels; ++c) {
        const V w0 = hn::LoadU(d, wt0 + c * P);
        const V w1 = C > 1 ? hn::LoadU(d, wt1 + c * P) : w0;
        CTINFER_CONV_ROW(0)
        CTINFER_CONV_ROW(1)
        CTINFER_CONV_ROW(2)
        CTINFER_CONV_ROW(3)
        CTINFER_CONV_ROW(4)
        CTINFER_CONV_ROW(5)
      }
    }
  }
#undef CTINFER_CONV_ROW
  const std::size_t pos = oh * g.out_w + ow0;
#define CTINFER_CONV_STORE(I)                                        \
  if constexpr (R > I) {                                             \
    write(a##I##0, pos + I * dpos, col, count0);                     \
    if constexpr (C > 1) write(a##I##1, pos + I * dpos, col + L, count1); \
  }
  CTINFER_CONV_STORE(0)
  CTINFER_CONV_STORE(1)
  CTINFER_CONV_STORE(2)
  CTINFER_CONV_STORE(3)
  CTINFER_CONV_STORE(4)
  CTINFER_CONV_STORE(5)
#undef CTINFER_CONV_STORE
}

// A tile of one channel vector: R (<= 12) positions, so a layer with a single vector of
// outputs (8 channels on AVX2) still has 12 independent FMA chains.
template <std::size_t R, class Step, bool Vertical, class D, class Writer>
HWY_INLINE void conv_tile_single(D d, const hn::TFromD<D>* HWY_RESTRICT p0, const hn::TFromD<D>* HWY_RESTRICT bias,
                                 const hn::TFromD<D>* HWY_RESTRICT x, std::size_t oh, std::size_t ow0,
                                 window_detail::tap_range kh_range, window_detail::tap_range kw_range,
                                 std::size_t col, std::size_t count, const Writer& write) {
  static_assert(R >= 1 && R <= 12);
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  constexpr kernels::step st = Step::value;
  constexpr window_geometry g = st.window;
  constexpr std::size_t P = kernels::panel_width<T>;
  constexpr std::size_t channels = g.in_channels / g.groups;
  constexpr window_detail::strides s = window_detail::input_strides(g, st.src_channels_last);
  constexpr std::size_t dx = Vertical ? g.stride_h * s.y : g.stride_w * s.x;
  constexpr std::size_t dpos = Vertical ? g.out_w : 1;
  const V i0 = hn::LoadU(d, bias);
  V a0 = i0, a1 = i0, a2 = i0, a3 = i0, a4 = i0, a5 = i0;
  V a6 = i0, a7 = i0, a8 = i0, a9 = i0, a10 = i0, a11 = i0;
#define CTINFER_CONV1_ROW(I)                                     \
  if constexpr (R > I) a##I = hn::MulAdd(w0, hn::Set(d, xt[I * dx + c * s.c]), a##I);
  for (std::size_t kh = kh_range.begin; kh < kh_range.end; ++kh) {
    const std::size_t ih = oh * g.stride_h + kh * g.dilation_h - g.pad_top;
    CTINFER_NO_UNROLL  // (as in conv_tile)
    for (std::size_t kw = kw_range.begin; kw < kw_range.end; ++kw) {
      const std::size_t iw = ow0 * g.stride_w + kw * g.dilation_w - g.pad_left;
      const T* HWY_RESTRICT xt = x + ih * s.y + iw * s.x;
      const T* HWY_RESTRICT wt = p0 + (kh * g.kernel_w + kw) * channels * P;
      CTINFER_UNROLL_4  // (as in conv_tile)
      for (std::size_t c = 0; c < channels; ++c) {
        const V w0 = hn::LoadU(d, wt + c * P);
        CTINFER_CONV1_ROW(0) CTINFER_CONV1_ROW(1) CTINFER_CONV1_ROW(2) CTINFER_CONV1_ROW(3)
        CTINFER_CONV1_ROW(4) CTINFER_CONV1_ROW(5) CTINFER_CONV1_ROW(6) CTINFER_CONV1_ROW(7)
        CTINFER_CONV1_ROW(8) CTINFER_CONV1_ROW(9) CTINFER_CONV1_ROW(10) CTINFER_CONV1_ROW(11)
      }
    }
  }
#undef CTINFER_CONV1_ROW
  const std::size_t pos = oh * g.out_w + ow0;
#define CTINFER_CONV1_STORE(I) \
  if constexpr (R > I) write(a##I, pos + I * dpos, col, count);
  CTINFER_CONV1_STORE(0) CTINFER_CONV1_STORE(1) CTINFER_CONV1_STORE(2) CTINFER_CONV1_STORE(3)
  CTINFER_CONV1_STORE(4) CTINFER_CONV1_STORE(5) CTINFER_CONV1_STORE(6) CTINFER_CONV1_STORE(7)
  CTINFER_CONV1_STORE(8) CTINFER_CONV1_STORE(9) CTINFER_CONV1_STORE(10) CTINFER_CONV1_STORE(11)
#undef CTINFER_CONV1_STORE
}

// One tile of C vectors (a pair: up to 6 positions; a single vector: up to 12), along a row
// or (Vertical) down a column.
template <std::size_t R, std::size_t C, class Step, bool Vertical = false, class D, class Writer>
HWY_INLINE void conv_tile_of(D d, const hn::TFromD<D>* HWY_RESTRICT p0, const hn::TFromD<D>* HWY_RESTRICT p1,
                             const hn::TFromD<D>* HWY_RESTRICT bias, const hn::TFromD<D>* HWY_RESTRICT x,
                             std::size_t oh, std::size_t ow0, window_detail::tap_range kh,
                             window_detail::tap_range kw, std::size_t col, std::size_t count0, std::size_t count1,
                             const Writer& write) {
  if constexpr (C == 1)
    conv_tile_single<R, Step, Vertical>(d, p0, bias, x, oh, ow0, kh, kw, col, count0, write);
  else
    conv_tile<R, C, Step, Vertical>(d, p0, p1, bias, x, oh, ow0, kh, kw, col, count0, count1, write);
}

// Every output position of one group for column vectors v (and v + 1 if C == 2).
template <std::size_t C, class Step, class D, class Writer>
HWY_INLINE void conv_positions(D d, const hn::TFromD<D>* HWY_RESTRICT wg, const hn::TFromD<D>* HWY_RESTRICT bg,
                               const hn::TFromD<D>* HWY_RESTRICT xg, std::size_t grp, std::size_t v,
                               const Writer& write) {
  using T = hn::TFromD<D>;
  constexpr kernels::step st = Step::value;
  constexpr window_geometry g = st.window;
  constexpr std::size_t ocg = g.out_channels / g.groups;
  constexpr std::size_t taps = g.kernel_h * g.kernel_w * (g.in_channels / g.groups);
  constexpr window_detail::tap_range inner =
      window_detail::interior(g.out_w, g.stride_w, g.dilation_w, g.pad_left, g.kernel_w, g.in_w);
  constexpr std::size_t tile = C == 1 ? 12 : 6;
  constexpr std::size_t full_tiles = (inner.end - inner.begin) / tile;
  constexpr std::size_t rest = (inner.end - inner.begin) % tile;
  constexpr window_detail::tap_range all_kw{0, g.kernel_w};
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  const T* p0 = column<taps>(wg, v, L);
  const T* p1 = C > 1 ? column<taps>(wg, v + 1, L) : p0;
  const std::size_t col = grp * ocg + v * L;
  const std::size_t count0 = ocg - v * L < L ? ocg - v * L : L;
  const std::size_t count1 = C > 1 ? (ocg - (v + 1) * L < L ? ocg - (v + 1) * L : L) : 0;
  const T* b = bg + v * L;
  // Rows whose every kh tap is valid: their border columns run down the column in tiles
  // (the positions of a border column share their valid kw taps), so a border position
  // does not cost a one-position tile of two accumulator chains.
  constexpr window_detail::tap_range rows =
      window_detail::interior(g.out_h, g.stride_h, g.dilation_h, g.pad_top, g.kernel_h, g.in_h);
  constexpr window_detail::tap_range all_kh{0, g.kernel_h};
  for (std::size_t oh = 0; oh < g.out_h; ++oh) {
    const window_detail::tap_range kh =
        window_detail::valid_taps(oh, g.stride_h, g.dilation_h, g.pad_top, g.kernel_h, g.in_h);
    const bool border_by_columns = oh >= rows.begin && oh < rows.end;
    for (std::size_t ow = 0; ow < g.out_w; ++ow) {
      if (ow == inner.begin) {
        for (std::size_t t = 0; t < full_tiles; ++t, ow += tile)
          conv_tile_of<tile, C, Step>(d, p0, p1, b, xg, oh, ow, kh, all_kw, col, count0, count1, write);
        if constexpr (rest > 0)
          conv_tile_of<rest, C, Step>(d, p0, p1, b, xg, oh, ow, kh, all_kw, col, count0, count1, write);
        ow = inner.end;
        if (ow == g.out_w) break;
      }
      if (border_by_columns) continue;
      const window_detail::tap_range kw =
          window_detail::valid_taps(ow, g.stride_w, g.dilation_w, g.pad_left, g.kernel_w, g.in_w);
      conv_tile_of<1, C, Step>(d, p0, p1, b, xg, oh, ow, kh, kw, col, count0, count1, write);
    }
  }
  constexpr std::size_t column_tiles = (rows.end - rows.begin) / tile;
  constexpr std::size_t column_rest = (rows.end - rows.begin) % tile;
  for (std::size_t ow = 0; ow < g.out_w; ++ow) {
    if (ow == inner.begin) ow = inner.end;
    if (ow >= g.out_w) break;
    const window_detail::tap_range kw =
        window_detail::valid_taps(ow, g.stride_w, g.dilation_w, g.pad_left, g.kernel_w, g.in_w);
    std::size_t oh = rows.begin;
    for (std::size_t t = 0; t < column_tiles; ++t, oh += tile)
      conv_tile_of<tile, C, Step, true>(d, p0, p1, b, xg, oh, ow, all_kh, kw, col, count0, count1, write);
    if constexpr (column_rest > 0)
      conv_tile_of<column_rest, C, Step, true>(d, p0, p1, b, xg, oh, ow, all_kh, kw, col, count0, count1, write);
  }
}

template <class Step, class Epilogue, class T>
HWY_NOINLINE void conv(const T* HWY_RESTRICT w, const T* HWY_RESTRICT bias, const T* HWY_RESTRICT x,
                       T* HWY_RESTRICT y, const T* HWY_RESTRICT packed,
                       const T* HWY_RESTRICT addend) {
  constexpr kernels::step st = Step::value;
  constexpr window_geometry g = st.window;
  constexpr std::size_t ocg = g.out_channels / g.groups, icg = g.in_channels / g.groups;
  constexpr std::size_t padded = kernels::padded_outputs<T>(ocg);
  constexpr std::size_t taps = g.kernel_h * g.kernel_w * icg;
  constexpr std::size_t channel_stride = window_detail::input_strides(g, st.src_channels_last).c;
  const hn::CappedTag<T, kernels::panel_width<T>> d;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  CTINFER_LANES_CONSTEXPR std::size_t vectors = (ocg + L - 1) / L;  // per group
  const window_writer<decltype(d), Epilogue, st.dst_channels_last, g.out_channels, g.out_positions()> write{
      d, y, packed, addend};
  for (std::size_t grp = 0; grp < g.groups; ++grp) {
    const T* wg = w + grp * padded * taps;
    const T* bg = bias + grp * padded;
    const T* xg = x + grp * icg * channel_stride;
    // Vector pairs outside, positions inside: a pair's weights stay in cache for the rows.
    std::size_t v = 0;
    for (; v + 2 <= vectors; v += 2) conv_positions<2, Step>(d, wg, bg, xg, grp, v, write);
    if (v < vectors) conv_positions<1, Step>(d, wg, bg, xg, grp, v, write);
  }
}

// Depthwise: y[c] = sum over taps of w[tap][c] * x[tap position][c], channels-last input.
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
  const std::size_t pos = oh * g.out_w + ow0;
  write(a0, pos, col, count);
  if constexpr (R > 1) write(a1, pos + 1, col, count);
  if constexpr (R > 2) write(a2, pos + 2, col, count);
  if constexpr (R > 3) write(a3, pos + 3, col, count);
  if constexpr (R > 4) write(a4, pos + 4, col, count);
  if constexpr (R > 5) write(a5, pos + 5, col, count);
}

// The common depthwise case, 3 taps wide with stride 1 and no dilation: 4 positions need 6
// input vectors per row of taps, each loaded once (the generic tile loads 12). Two channel
// vectors at once (Pair) give 8 independent accumulator chains.
template <bool Pair, class Step, class D, class Writer>
HWY_INLINE void depthwise_tile_3x1(D d, const hn::TFromD<D>* HWY_RESTRICT w, const hn::TFromD<D>* HWY_RESTRICT bias,
                                   const hn::TFromD<D>* HWY_RESTRICT x, std::size_t oh, std::size_t ow0,
                                   window_detail::tap_range kh_range, std::size_t col, std::size_t count,
                                   const Writer& write) {
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  constexpr window_geometry g = Step::value.window;
  constexpr std::size_t C = g.in_channels;
  constexpr std::size_t padded = kernels::padded_outputs<T>(C);
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  const bool full = count >= hn::Lanes(d);  // always true for a pair
  auto load = [&](const T* p) { return Pair || full ? hn::LoadU(d, p) : load_first(d, p, count, T(0)); };
  const V b = hn::LoadU(d, bias + col);
  const V bb = Pair ? hn::LoadU(d, bias + col + L) : b;
  V a0 = b, a1 = b, a2 = b, a3 = b, c0 = bb, c1 = bb, c2 = bb, c3 = bb;
  // One row of taps for the channel vector at offset O, into accumulators A0..A3.
#define CTINFER_DW3_ROW(O, A0, A1, A2, A3)                                                      \
  {                                                                                             \
    const V w0 = hn::LoadU(d, wt + (O)), w1 = hn::LoadU(d, wt + padded + (O)),                  \
            w2 = hn::LoadU(d, wt + 2 * padded + (O));                                           \
    const V x0 = load(xt + (O)), x1 = load(xt + C + (O)), x2 = load(xt + 2 * C + (O));          \
    A0 = hn::MulAdd(w0, x0, A0);                                                                \
    A0 = hn::MulAdd(w1, x1, A0);                                                                \
    A1 = hn::MulAdd(w0, x1, A1);                                                                \
    A0 = hn::MulAdd(w2, x2, A0);                                                                \
    A1 = hn::MulAdd(w1, x2, A1);                                                                \
    A2 = hn::MulAdd(w0, x2, A2);                                                                \
    const V x3 = load(xt + 3 * C + (O));                                                        \
    A1 = hn::MulAdd(w2, x3, A1);                                                                \
    A2 = hn::MulAdd(w1, x3, A2);                                                                \
    A3 = hn::MulAdd(w0, x3, A3);                                                                \
    const V x4 = load(xt + 4 * C + (O));                                                        \
    A2 = hn::MulAdd(w2, x4, A2);                                                                \
    A3 = hn::MulAdd(w1, x4, A3);                                                                \
    const V x5 = load(xt + 5 * C + (O));                                                        \
    A3 = hn::MulAdd(w2, x5, A3);                                                                \
  }
  for (std::size_t kh = kh_range.begin; kh < kh_range.end; ++kh) {
    const std::size_t ih = oh * g.stride_h + kh * g.dilation_h - g.pad_top;
    const T* HWY_RESTRICT xt = x + (ih * g.in_w + ow0 - g.pad_left) * C + col;
    const T* HWY_RESTRICT wt = w + kh * 3 * padded + col;
    CTINFER_DW3_ROW(0, a0, a1, a2, a3)
    if constexpr (Pair) CTINFER_DW3_ROW(L, c0, c1, c2, c3)
  }
#undef CTINFER_DW3_ROW
  const std::size_t pos = oh * g.out_w + ow0;
  write(a0, pos, col, count);
  write(a1, pos + 1, col, count);
  write(a2, pos + 2, col, count);
  write(a3, pos + 3, col, count);
  if constexpr (Pair) {
    write(c0, pos, col + L, L);
    write(c1, pos + 1, col + L, L);
    write(c2, pos + 2, col + L, L);
    write(c3, pos + 3, col + L, L);
  }
}

template <class Step>
inline constexpr bool depthwise_3x1 = Step::value.window.kernel_w == 3 && Step::value.window.stride_w == 1 &&
                                      Step::value.window.dilation_w == 1;

// Every channel vector of `count` lanes at positions ow0 .. ow0 + R - 1.
template <std::size_t R, class Step, class D, class Writer>
HWY_INLINE void depthwise_channels(D d, const hn::TFromD<D>* HWY_RESTRICT w, const hn::TFromD<D>* HWY_RESTRICT bias,
                                   const hn::TFromD<D>* HWY_RESTRICT x, std::size_t oh, std::size_t ow0,
                                   window_detail::tap_range kh, window_detail::tap_range kw, const Writer& write) {
  constexpr std::size_t C = Step::value.window.in_channels;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  std::size_t col = 0;
  if constexpr (R == 4 && depthwise_3x1<Step>)
    for (; col + 2 * L <= C; col += 2 * L) depthwise_tile_3x1<true, Step>(d, w, bias, x, oh, ow0, kh, col, L, write);
  for (; col < C; col += L) {
    const std::size_t count = C - col < L ? C - col : L;
    if constexpr (R == 4 && depthwise_3x1<Step>)
      depthwise_tile_3x1<false, Step>(d, w, bias, x, oh, ow0, kh, col, count, write);
    else
      depthwise_tile<R, Step>(d, w, bias, x, oh, ow0, kh, kw, col, count, write);
  }
}

template <class Step, class Epilogue, class T>
HWY_NOINLINE void depthwise(const T* HWY_RESTRICT w, const T* HWY_RESTRICT bias, const T* HWY_RESTRICT x,
                            T* HWY_RESTRICT y, const T* HWY_RESTRICT packed,
                       const T* HWY_RESTRICT addend) {
  constexpr kernels::step st = Step::value;
  constexpr window_geometry g = st.window;
  constexpr window_detail::tap_range inner =
      window_detail::interior(g.out_w, g.stride_w, g.dilation_w, g.pad_left, g.kernel_w, g.in_w);
  // Interior tiles: 4 positions for the 3-wide stride-1 kernel, 6 otherwise.
  constexpr std::size_t tile = depthwise_3x1<Step> ? 4 : 6;
  constexpr std::size_t full_tiles = (inner.end - inner.begin) / tile;
  constexpr std::size_t rest = (inner.end - inner.begin) % tile;
  constexpr window_detail::tap_range all_kw{0, g.kernel_w};
  const hn::CappedTag<T, kernels::panel_width<T>> d;
  const window_writer<decltype(d), Epilogue, st.dst_channels_last, g.in_channels, g.out_positions()> write{
      d, y, packed, addend};
  // Positions outside, channel vectors inside: the input rows stay in cache.
  for (std::size_t oh = 0; oh < g.out_h; ++oh) {
    const window_detail::tap_range kh =
        window_detail::valid_taps(oh, g.stride_h, g.dilation_h, g.pad_top, g.kernel_h, g.in_h);
    for (std::size_t ow = 0; ow < g.out_w; ++ow) {
      if (ow == inner.begin) {
        for (std::size_t t = 0; t < full_tiles; ++t, ow += tile)
          depthwise_channels<tile, Step>(d, w, bias, x, oh, ow, kh, all_kw, write);
        if constexpr (rest > 0) depthwise_channels<rest, Step>(d, w, bias, x, oh, ow, kh, all_kw, write);
        ow = inner.end;
        if (ow == g.out_w) break;
      }
      const window_detail::tap_range kw =
          window_detail::valid_taps(ow, g.stride_w, g.dilation_w, g.pad_left, g.kernel_w, g.in_w);
      depthwise_channels<1, Step>(d, w, bias, x, oh, ow, kh, kw, write);
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_CONV_INL_H_
