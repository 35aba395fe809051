// ctinfer/kernels/conv-inl.h - direct convolution on packed weights (depthwise: depthwise-inl.h).
//
// General convolution (kernels/packing.hpp: per group, panels of P outputs x taps x input
// channels): register tiles of R output positions (<= 6, along a row) by C output-channel
// vectors (<= 2), or 12 positions of a lone vector; 12 accumulators on AVX2 - the GEMM tile
// of dense-inl.h with the input rows found through the window instead of an im2col buffer.
// Each packed weight vector feeds R FMAs, each broadcast input value C. Border positions
// (some taps in the padding) run tiles over their valid taps only.
//
// Output rows go in cache blocks (about 16 KiB of input each), every vector pair over one
// block before the next, so the input is read from memory once. A 1x1 window with stride 1
// and no padding tiles the positions of all rows as one run: a GEMM.
//
// A layer with one input channel and fewer outputs than a vector has lanes runs its interior
// in interleaved tiles instead, several positions per vector (conv_interleaved-inl.h).
//
// It starts from the packed bias (a folded BatchNorm is in the weights and bias) and applies
// the epilogue in the store.

#if defined(CTINFER_KERNELS_CONV_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_CONV_INL_H_
#undef CTINFER_KERNELS_CONV_INL_H_
#else
#define CTINFER_KERNELS_CONV_INL_H_
#endif

#include <cstddef>
#include <type_traits>
#include <utility>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/highway.h>

#include "ctinfer/kernels/activation-inl.h"
#include "ctinfer/kernels/conv_interleaved-inl.h"
#include "ctinfer/kernels/dense-inl.h"
#include "ctinfer/kernels/packing.hpp"
#include "ctinfer/kernels/steps.hpp"
#include "ctinfer/kernels/tiles.hpp"
#include "ctinfer/kernels/unroll.hpp"
#include "ctinfer/kernels/window-inl.h"

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Calls f.template operator()<R>(offset) for each tile of kernels::even_tiles<N, T>, in
// order. Per target (not in tiles.hpp) so that the lambdas it forces inline, compiled for
// this target, are inlined into a function compiled for it too.
// Example: for_each_tile<26, 12>(f) calls f<9>(0), f<9>(9), f<8>(18).
template <std::size_t N, std::size_t T, class F>
HWY_INLINE void for_each_tile(F&& f) {
  using split = kernels::even_tiles<N, T>;
  std::size_t offset = 0;
  if constexpr (split::larger > 0)
    for (std::size_t t = 0; t < split::larger; ++t, offset += split::size + 1)
      f.template operator()<split::size + 1>(offset);
  if constexpr (split::size > 0)
    for (std::size_t t = split::larger; t < split::count; ++t, offset += split::size)
      f.template operator()<split::size>(offset);
}

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
#define CTINFER_CONV_CHANNEL                                         \
  {                                                                  \
    const V w0 = hn::LoadU(d, wt0 + c * P);                          \
    const V w1 = C > 1 ? hn::LoadU(d, wt1 + c * P) : w0;             \
    CTINFER_CONV_ROW(0) CTINFER_CONV_ROW(1) CTINFER_CONV_ROW(2)      \
    CTINFER_CONV_ROW(3) CTINFER_CONV_ROW(4) CTINFER_CONV_ROW(5)      \
  }
      // GCC unrolls a short constant loop fully and then hoists its broadcasts, which spills
      // the 12 accumulators to the stack; CTINFER_CHANNEL_LOOP caps the unrolling.
      CTINFER_CHANNEL_LOOP(channels, CTINFER_CONV_CHANNEL)
#undef CTINFER_CONV_CHANNEL
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
#define CTINFER_CONV1_CHANNEL                                                                  \
  {                                                                                            \
    const V w0 = hn::LoadU(d, wt + c * P);                                                     \
    CTINFER_CONV1_ROW(0) CTINFER_CONV1_ROW(1) CTINFER_CONV1_ROW(2) CTINFER_CONV1_ROW(3)        \
    CTINFER_CONV1_ROW(4) CTINFER_CONV1_ROW(5) CTINFER_CONV1_ROW(6) CTINFER_CONV1_ROW(7)        \
    CTINFER_CONV1_ROW(8) CTINFER_CONV1_ROW(9) CTINFER_CONV1_ROW(10) CTINFER_CONV1_ROW(11)      \
  }
      CTINFER_CHANNEL_LOOP(channels, CTINFER_CONV1_CHANNEL)  // (as in conv_tile)
#undef CTINFER_CONV1_CHANNEL
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

// Whether a row tile of one channel vector reuses its broadcasts across the kw taps
// (conv_tile_reuse): stride 1 along the row, a window at most 3 wide (its weights, 12
// accumulators and a broadcast fill AVX2's 16 registers), and vectors of fixed size (the
// kernel keeps its accumulators in an array, which SVE's sizeless vectors forbid).
template <class Step>
inline constexpr bool conv_reuses_columns = [] {
  constexpr window_geometry g = Step::value.window;
  return !HWY_HAVE_SCALABLE && g.stride_w == 1 && g.kernel_w >= 2 && g.kernel_w <= 3;
}();

// Input column I of a reuse tile: one broadcast into every accumulator it meets.
template <std::size_t I, std::size_t Dilation, class D, class V, std::size_t K, std::size_t R>
HWY_INLINE void reuse_column(D d, hn::TFromD<D> value, const V (&w)[K], V (&acc)[R]) {
  const V b = hn::Set(d, value);
  for (std::size_t k = 0; k < K; ++k)
    if (I >= k * Dilation && I - k * Dilation < R) acc[I - k * Dilation] = hn::MulAdd(w[k], b, acc[I - k * Dilation]);
}
template <std::size_t Step, std::size_t Dilation, class D, class V, std::size_t K, std::size_t R, std::size_t... I>
HWY_INLINE void reuse_columns(D d, const hn::TFromD<D>* HWY_RESTRICT row, const V (&w)[K], V (&acc)[R],
                              std::index_sequence<I...>) {
  (reuse_column<I, Dilation>(d, row[I * Step], w, acc), ...);
}

// A row tile of R positions (ow0 .. ow0 + R - 1 of output row oh) of one channel vector,
// every kw tap valid. With stride 1 the positions' windows overlap: input column i of the
// tile feeds position i - kw * dilation through tap kw. So each input value is broadcast once
// and feeds up to kernel_w FMAs, with that input channel's kw weights held in registers,
// where conv_tile_single broadcasts it once per tap: 14 broadcasts and 3 weight loads per 36
// FMAs instead of 36 and 3 (3-wide window, 12 positions). That matters when loads bound the
// tile, as with one input channel, where the tap loop has no channel loop to amortise it.
// Each position still sums its taps kh, then kw in order per input channel.
template <std::size_t R, class Step, class D, class Writer>
HWY_INLINE void conv_tile_reuse(D d, const hn::TFromD<D>* HWY_RESTRICT p0, const hn::TFromD<D>* HWY_RESTRICT bias,
                                const hn::TFromD<D>* HWY_RESTRICT x, std::size_t oh, std::size_t ow0,
                                window_detail::tap_range kh_range, std::size_t col, std::size_t count,
                                const Writer& write) {
  static_assert(R >= 1 && R <= 12 && conv_reuses_columns<Step>);
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  constexpr kernels::step st = Step::value;
  constexpr window_geometry g = st.window;
  constexpr std::size_t P = kernels::panel_width<T>;
  constexpr std::size_t channels = g.in_channels / g.groups;
  constexpr std::size_t K = g.kernel_w, dil = g.dilation_w;
  constexpr std::size_t columns = R + (K - 1) * dil;  // input columns the tile reads
  constexpr window_detail::strides s = window_detail::input_strides(g, st.src_channels_last);
  V acc[R];
  for (std::size_t r = 0; r < R; ++r) acc[r] = hn::LoadU(d, bias);
  for (std::size_t kh = kh_range.begin; kh < kh_range.end; ++kh) {
    const std::size_t ih = oh * g.stride_h + kh * g.dilation_h - g.pad_top;
    const T* HWY_RESTRICT row = x + ih * s.y + (ow0 - g.pad_left) * s.x;
    const T* HWY_RESTRICT wk = p0 + kh * K * channels * P;
    CTINFER_NO_UNROLL  // (a channel's body is already columns broadcasts and R * K FMAs)
    for (std::size_t c = 0; c < channels; ++c) {
      V w[K];
      for (std::size_t k = 0; k < K; ++k) w[k] = hn::LoadU(d, wk + (k * channels + c) * P);
      reuse_columns<s.x, dil>(d, row + c * s.c, w, acc, std::make_index_sequence<columns>{});
    }
  }
  const std::size_t pos = oh * g.out_w + ow0;
  for (std::size_t r = 0; r < R; ++r) write(acc[r], pos + r, col, count);
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

// Positions per tile: 6 for a pair of vectors (12 accumulators), 12 for a lone vector.
template <std::size_t C>
inline constexpr std::size_t conv_tile_positions = C == 1 ? 12 : 6;

// Input bytes one cache block reads: half of a typical 32 KiB L1 data cache.
inline constexpr std::size_t conv_block_bytes = 16384;

// Where the tiles of column vectors v (and v + 1 if C == 2) of one group start.
template <std::size_t C, class Step, class D>
struct conv_columns {
  using T = hn::TFromD<D>;
  const T* p0;
  const T* p1;
  const T* b;
  std::size_t col, count0, count1;
  HWY_INLINE conv_columns(D d, const T* HWY_RESTRICT wg, const T* HWY_RESTRICT bg, std::size_t grp, std::size_t v) {
    constexpr window_geometry g = Step::value.window;
    constexpr std::size_t ocg = g.out_channels / g.groups;
    constexpr std::size_t taps = g.kernel_h * g.kernel_w * (g.in_channels / g.groups);
    CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
    p0 = column<taps>(wg, v, L);
    p1 = C > 1 ? column<taps>(wg, v + 1, L) : p0;
    b = bg + v * L;
    col = grp * ocg + v * L;
    count0 = ocg - v * L < L ? ocg - v * L : L;
    count1 = C > 1 ? (ocg - (v + 1) * L < L ? ocg - (v + 1) * L : L) : 0;
  }
};

// Output rows [oh_begin, oh_end) of one group for column vectors v (and v + 1 if C == 2),
// except the border columns of rows whose every kh tap is valid (conv_border_columns).
// Interleave > 1: each row runs as one interleaved tile of that many positions per full
// vector, borders included (conv_interleaved_rows), or else its interior runs in
// interleaved tiles and what is left of it in one-position tiles (conv_interleaved-inl.h).
template <std::size_t C, class Step, std::size_t Interleave, class D, class Writer>
HWY_INLINE void conv_rows(D d, const hn::TFromD<D>* HWY_RESTRICT wg, const hn::TFromD<D>* HWY_RESTRICT bg,
                          const hn::TFromD<D>* HWY_RESTRICT xg, std::size_t grp, std::size_t v,
                          std::size_t oh_begin, std::size_t oh_end, const Writer& write) {
  constexpr window_geometry g = Step::value.window;
  const conv_columns<C, Step, D> k(d, wg, bg, grp, v);
  using Full = hn::ScalableTag<hn::TFromD<D>>;
  using spread_weights =
      std::conditional_t<(Interleave > 1 && C == 1), interleaved_weights<Interleave, Step, Full>, no_interleaved_weights>;
  const spread_weights spread(Full(), k.p0, k.b);
  if constexpr (C == 1 && conv_interleaved_rows<Step, Interleave>) {
    const Full full;
    const auto write_full = write.with_tag(full);
    for (std::size_t oh = oh_begin; oh < oh_end; ++oh) {
      const window_detail::tap_range kh =
          window_detail::valid_taps(oh, g.stride_h, g.dilation_h, g.pad_top, g.kernel_h, g.in_h);
      conv_tile_interleaved<g.out_w / Interleave, Interleave, Step, true>(full, spread, xg, oh, 0, kh, write_full);
    }
  } else {
    constexpr window_detail::tap_range inner =
        window_detail::interior(g.out_w, g.stride_w, g.dilation_w, g.pad_left, g.kernel_w, g.in_w);
    constexpr window_detail::tap_range all_kw{0, g.kernel_w};
    constexpr window_detail::tap_range rows =
        window_detail::interior(g.out_h, g.stride_h, g.dilation_h, g.pad_top, g.kernel_h, g.in_h);
    for (std::size_t oh = oh_begin; oh < oh_end; ++oh) {
      const window_detail::tap_range kh =
          window_detail::valid_taps(oh, g.stride_h, g.dilation_h, g.pad_top, g.kernel_h, g.in_h);
      const bool border_by_columns = oh >= rows.begin && oh < rows.end;
      for (std::size_t ow = 0; ow < g.out_w; ++ow) {
        if (ow == inner.begin) {
          constexpr std::size_t run = inner.end - inner.begin;
          constexpr std::size_t interleaved = Interleave > 1 && C == 1 ? run / Interleave * Interleave : 0;
          if constexpr (interleaved > 0) {
            const Full full;
            const auto write_full = write.with_tag(full);
            for_each_tile<run / Interleave, conv_interleaved_tile<Step>>(
                [&]<std::size_t R>(std::size_t t) CTINFER_INLINE_LAMBDA {
                  conv_tile_interleaved<R, Interleave, Step>(full, spread, xg, oh, ow + t * Interleave, kh, write_full);
                });
          }
          for_each_tile<run - interleaved, conv_tile_positions<C>>([&]<std::size_t R>(std::size_t t0)
                                                                       CTINFER_INLINE_LAMBDA {
            const std::size_t t = interleaved + t0;
            if constexpr (C == 1 && conv_reuses_columns<Step>)
              conv_tile_reuse<R, Step>(d, k.p0, k.b, xg, oh, ow + t, kh, k.col, k.count0, write);
            else
              conv_tile_of<R, C, Step>(d, k.p0, k.p1, k.b, xg, oh, ow + t, kh, all_kw, k.col, k.count0, k.count1,
                                       write);
          });
          ow = inner.end;
          if (ow == g.out_w) break;
        }
        if (border_by_columns) continue;
        const window_detail::tap_range kw =
            window_detail::valid_taps(ow, g.stride_w, g.dilation_w, g.pad_left, g.kernel_w, g.in_w);
        conv_tile_of<1, C, Step>(d, k.p0, k.p1, k.b, xg, oh, ow, kh, kw, k.col, k.count0, k.count1, write);
      }
    }
  }
}

// The border columns of the rows whose every kh tap is valid run down the column in tiles
// (the positions of a border column share their valid kw taps), so a border position does
// not cost a one-position tile of two accumulator chains.
template <std::size_t C, class Step, class D, class Writer>
HWY_INLINE void conv_border_columns(D d, const hn::TFromD<D>* HWY_RESTRICT wg, const hn::TFromD<D>* HWY_RESTRICT bg,
                                    const hn::TFromD<D>* HWY_RESTRICT xg, std::size_t grp, std::size_t v,
                                    const Writer& write) {
  constexpr window_geometry g = Step::value.window;
  constexpr window_detail::tap_range inner =
      window_detail::interior(g.out_w, g.stride_w, g.dilation_w, g.pad_left, g.kernel_w, g.in_w);
  constexpr window_detail::tap_range rows =
      window_detail::interior(g.out_h, g.stride_h, g.dilation_h, g.pad_top, g.kernel_h, g.in_h);
  constexpr window_detail::tap_range all_kh{0, g.kernel_h};
  if constexpr (inner.begin == 0 && inner.end == g.out_w) return;
  const conv_columns<C, Step, D> k(d, wg, bg, grp, v);
  for (std::size_t ow = 0; ow < g.out_w; ++ow) {
    if (ow == inner.begin) ow = inner.end;
    if (ow >= g.out_w) break;
    const window_detail::tap_range kw =
        window_detail::valid_taps(ow, g.stride_w, g.dilation_w, g.pad_left, g.kernel_w, g.in_w);
    const std::size_t oh0 = rows.begin;  // (a copy: GCC 12 fails on the constexpr local in the lambda)
    constexpr std::size_t run = rows.end - rows.begin;
    for_each_tile<run, conv_tile_positions<C>>([&]<std::size_t R>(std::size_t t) CTINFER_INLINE_LAMBDA {
      conv_tile_of<R, C, Step, true>(d, k.p0, k.p1, k.b, xg, oh0 + t, ow, all_kh, kw, k.col, k.count0, k.count1,
                                     write);
    });
  }
}

// A 1x1 window with stride 1 and no padding reads the input position it writes: the
// positions of all rows form one run, tiled straight through (a GEMM), so a row whose
// width is not a multiple of the tile does not end in a short tile of few accumulator
// chains (56 = 9 x 6 + 2; 7 = 6 + 1).
template <class Step>
inline constexpr bool conv_pointwise = [] {
  constexpr window_geometry g = Step::value.window;
  return g.kernel_h == 1 && g.kernel_w == 1 && g.stride_h == 1 && g.stride_w == 1 && g.pad_top == 0 &&
         g.pad_left == 0 && g.in_h == g.out_h && g.in_w == g.out_w;
}();

// Positions [p, p + Count) of a pointwise step for column vectors v (and v + 1 if C == 2).
template <std::size_t Count, std::size_t C, class Step, class D, class Writer>
HWY_INLINE void conv_run(D d, const hn::TFromD<D>* HWY_RESTRICT wg, const hn::TFromD<D>* HWY_RESTRICT bg,
                         const hn::TFromD<D>* HWY_RESTRICT xg, std::size_t grp, std::size_t v, std::size_t p,
                         const Writer& write) {
  constexpr window_detail::tap_range one{0, 1};
  const conv_columns<C, Step, D> k(d, wg, bg, grp, v);
  // As one row (oh = 0) whose position ow is the flat position.
  for_each_tile<Count, conv_tile_positions<C>>([&]<std::size_t R>(std::size_t t) CTINFER_INLINE_LAMBDA {
    conv_tile_of<R, C, Step>(d, k.p0, k.p1, k.b, xg, 0, p + t, one, one, k.col, k.count0, k.count1, write);
  });
}

// Output rows per cache block: as many as read conv_block_bytes of input, at least one. All
// column vectors run over one block before the next, so a wide layer reads its input once
// from memory instead of once per vector pair (1x1 64 -> 128 on 56x56 read its 800 KB input
// 8 times).
template <class Step, class T>
inline constexpr std::size_t conv_block_rows = [] {
  constexpr window_geometry g = Step::value.window;
  // Input bytes one more output row reads (one group's channels, either layout).
  const std::size_t row_bytes = sizeof(T) * g.in_w * (g.in_channels / g.groups) * g.stride_h;
  const std::size_t rows = conv_block_bytes / row_bytes;
  return rows < 1 ? std::size_t{1} : (rows > g.out_h ? g.out_h : rows);
}();

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
  constexpr std::size_t block = conv_block_rows<Step, T>;
  constexpr std::size_t interleave = conv_interleaved_positions<Step, Epilogue, T>;
  // Vectors no wider than a group's outputs: 8 outputs on AVX-512 take 8-lane vectors, whose
  // stores are whole instead of masked (small CNN 5.24-5.27 -> 4.89-4.92 us there).
  const hn::CappedTag<T, kernels::lanes_for<T>(ocg)> d;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  CTINFER_LANES_CONSTEXPR std::size_t vectors = (ocg + L - 1) / L;  // per group
  const window_writer<decltype(d), Epilogue, st.dst_channels_last, g.out_channels, g.out_positions()> write{
      d, y, packed, addend};
  for (std::size_t grp = 0; grp < g.groups; ++grp) {
    const T* wg = w + grp * padded * taps;
    const T* bg = bias + grp * padded;
    const T* xg = x + grp * icg * channel_stride;
    if constexpr (conv_pointwise<Step>) {
      // Blocks of whole tiles of positions (conv_block_bytes of input each), vector pairs
      // inside. 12 positions divide into tiles of either size.
      constexpr std::size_t positions = g.out_h * g.out_w, whole = conv_tile_positions<1>;
      constexpr std::size_t per_block = conv_block_bytes / (sizeof(T) * icg) / whole * whole;
      constexpr std::size_t block_positions = per_block < whole ? whole : per_block;
      constexpr std::size_t full_blocks = positions / block_positions;
      constexpr std::size_t last = positions % block_positions;
      auto run_block = [&]<std::size_t Count>(std::size_t p) {
        std::size_t v = 0;
        for (; v + 2 <= vectors; v += 2) conv_run<Count, 2, Step>(d, wg, bg, xg, grp, v, p, write);
        if (v < vectors) conv_run<Count, 1, Step>(d, wg, bg, xg, grp, v, p, write);
      };
      for (std::size_t b = 0; b < full_blocks; ++b) run_block.template operator()<block_positions>(b * block_positions);
      if constexpr (last > 0) run_block.template operator()<last>(full_blocks * block_positions);
      continue;
    }
    // Blocks of rows outside, vector pairs inside: the block's input rows stay in cache
    // for every pair, a pair's weights for the block.
    for (std::size_t oh0 = 0; oh0 < g.out_h; oh0 += block) {
      const std::size_t oh1 = oh0 + block < g.out_h ? oh0 + block : g.out_h;
      std::size_t v = 0;
      for (; v + 2 <= vectors; v += 2) conv_rows<2, Step, 0>(d, wg, bg, xg, grp, v, oh0, oh1, write);
      if (v < vectors) conv_rows<1, Step, interleave>(d, wg, bg, xg, grp, v, oh0, oh1, write);
    }
    std::size_t v = 0;
    for (; v + 2 <= vectors; v += 2) conv_border_columns<2, Step>(d, wg, bg, xg, grp, v, write);
    if constexpr (!conv_interleaved_rows<Step, interleave>)  // (whole rows include their borders)
      if (v < vectors) conv_border_columns<1, Step>(d, wg, bg, xg, grp, v, write);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_CONV_INL_H_
