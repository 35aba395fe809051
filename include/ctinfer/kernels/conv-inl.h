// ctinfer/kernels/conv-inl.h - direct convolution on packed weights, and depthwise.
//
// General convolution (kernels/packing.hpp: per group, panels of P outputs x taps x input
// channels): register tiles of R output positions (<= 6, along a row) by C output-channel
// vectors (<= 2), 12 accumulators on AVX2 - the GEMM tile of dense-inl.h with the input rows
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
#include "ctinfer/kernels/window-inl.h"

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// One tile: R positions (ow0 .. ow0 + R - 1 of output row oh) by C channel vectors, over
// taps [kh, kw ranges]. p0/p1: the vectors' packed weights; x: the group's first input
// channel; col: the first output channel; count0/count1: real lanes of each vector.
template <std::size_t R, std::size_t C, class Step, class D, class Writer>
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
  constexpr std::size_t dx = g.stride_w * s.x;  // from one position of the tile to the next
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
    for (std::size_t kw = kw_range.begin; kw < kw_range.end; ++kw) {
      const std::size_t iw = ow0 * g.stride_w + kw * g.dilation_w - g.pad_left;
      const T* HWY_RESTRICT xt = x + ih * s.y + iw * s.x;
      const std::size_t tap = (kh * g.kernel_w + kw) * channels * P;
      const T* HWY_RESTRICT wt0 = p0 + tap;
      const T* HWY_RESTRICT wt1 = p1 + tap;
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
    write(a##I##0, pos + I, col, count0);                            \
    if constexpr (C > 1) write(a##I##1, pos + I, col + L, count1);   \
  }
  CTINFER_CONV_STORE(0)
  CTINFER_CONV_STORE(1)
  CTINFER_CONV_STORE(2)
  CTINFER_CONV_STORE(3)
  CTINFER_CONV_STORE(4)
  CTINFER_CONV_STORE(5)
#undef CTINFER_CONV_STORE
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
  constexpr std::size_t full_tiles = (inner.end - inner.begin) / 6;
  constexpr std::size_t rest = (inner.end - inner.begin) % 6;
  constexpr window_detail::tap_range all_kw{0, g.kernel_w};
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  const T* p0 = column<taps>(wg, v, L);
  const T* p1 = C > 1 ? column<taps>(wg, v + 1, L) : p0;
  const std::size_t col = grp * ocg + v * L;
  const std::size_t count0 = ocg - v * L < L ? ocg - v * L : L;
  const std::size_t count1 = C > 1 ? (ocg - (v + 1) * L < L ? ocg - (v + 1) * L : L) : 0;
  const T* b = bg + v * L;
  for (std::size_t oh = 0; oh < g.out_h; ++oh) {
    const window_detail::tap_range kh =
        window_detail::valid_taps(oh, g.stride_h, g.dilation_h, g.pad_top, g.kernel_h, g.in_h);
    for (std::size_t ow = 0; ow < g.out_w; ++ow) {
      if (ow == inner.begin) {
        for (std::size_t t = 0; t < full_tiles; ++t, ow += 6)
          conv_tile<6, C, Step>(d, p0, p1, b, xg, oh, ow, kh, all_kw, col, count0, count1, write);
        if constexpr (rest > 0) conv_tile<rest, C, Step>(d, p0, p1, b, xg, oh, ow, kh, all_kw, col, count0, count1, write);
        ow = inner.end;
        if (ow == g.out_w) break;
      }
      const window_detail::tap_range kw =
          window_detail::valid_taps(ow, g.stride_w, g.dilation_w, g.pad_left, g.kernel_w, g.in_w);
      conv_tile<1, C, Step>(d, p0, p1, b, xg, oh, ow, kh, kw, col, count0, count1, write);
    }
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

// Every channel vector of `count` lanes at positions ow0 .. ow0 + R - 1.
template <std::size_t R, class Step, class D, class Writer>
HWY_INLINE void depthwise_channels(D d, const hn::TFromD<D>* HWY_RESTRICT w, const hn::TFromD<D>* HWY_RESTRICT bias,
                                   const hn::TFromD<D>* HWY_RESTRICT x, std::size_t oh, std::size_t ow0,
                                   window_detail::tap_range kh, window_detail::tap_range kw, const Writer& write) {
  constexpr std::size_t C = Step::value.window.in_channels;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  for (std::size_t col = 0; col < C; col += L) {
    const std::size_t count = C - col < L ? C - col : L;
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
  constexpr std::size_t full_tiles = (inner.end - inner.begin) / 6;
  constexpr std::size_t rest = (inner.end - inner.begin) % 6;
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
        for (std::size_t t = 0; t < full_tiles; ++t, ow += 6)
          depthwise_channels<6, Step>(d, w, bias, x, oh, ow, kh, all_kw, write);
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
