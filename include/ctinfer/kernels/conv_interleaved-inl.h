// ctinfer/kernels/conv_interleaved-inl.h - convolution tiles whose vectors hold several
// output positions, for layers with one input channel and fewer outputs than a vector has
// lanes (a grayscale image's or a waveform's first layer: 1 -> 8 on AVX-512's 16 lanes).
//
// A vector of lanes_for(outputs) lanes would leave half the FMA width idle. Here a full
// vector holds P = lanes / outputs positions: lane c * P + q is channel c of position q of
// its group. Position q of a group reads input column q + tap, so one broadcast of the P
// consecutive inputs (8 or 16 bytes, a plain load on x86) serves the whole vector, against
// weights spread so that lanes c * P .. c * P + P - 1 hold channel c's weight. One lane
// permutation per vector puts the positions back in channels-last order for the store.
// Each position still sums its taps kh, then kw in order, so results equal the one-position
// tiles' (a padded tap inside an edge block adds a zero where those skip it: at most the
// sign of a zero result differs).

#if defined(CTINFER_KERNELS_CONV_INTERLEAVED_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_CONV_INTERLEAVED_INL_H_
#undef CTINFER_KERNELS_CONV_INTERLEAVED_INL_H_
#else
#define CTINFER_KERNELS_CONV_INTERLEAVED_INL_H_
#endif

#include <array>
#include <cstddef>
#include <cstdint>
#include <utility>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/highway.h>

#include "ctinfer/kernels/packing.hpp"
#include "ctinfer/kernels/steps.hpp"
#include "ctinfer/kernels/window-inl.h"

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Vector registers of this target: the tile keeps its accumulators, a row's weights and a
// broadcast in them.
inline constexpr std::size_t conv_vector_registers = HWY_ARCH_X86 && !(HWY_TARGET <= HWY_AVX3) ? 16 : 32;

// Groups of positions per interleaved tile: at most 16 accumulators, and room for the row's
// kernel_w weights and a broadcast. Each group's chain is kernel_h * kernel_w dependent FMAs,
// so short tiles wait on FMA latency: the 13 groups of a 28-wide row's interior (3x3 1 -> 8
// on AVX-512, then its 2x2 max pool) took 2.14 us as tiles of 7 and 6, 1.96 us as one.
template <class Step>
inline constexpr std::size_t conv_interleaved_tile = [] {
  constexpr std::size_t K = Step::value.window.kernel_w;
  const std::size_t room = conv_vector_registers > K + 1 ? conv_vector_registers - K - 1 : 0;
  return room < 16 ? room : std::size_t{16};
}();

// Positions per vector of an interleaved step, or 0 where the layer does not qualify: one
// input channel and one group (the positions' inputs are consecutive values), stride 1
// along the row, channels-last output or a single output channel (a vector's positions are
// one contiguous store), an epilogue without per-channel values (it acts on the stored
// order), fixed-size vectors, a broadcast of 8 or 16 bytes, and room for two groups.
template <class Step, class Epilogue, class T>
inline constexpr std::size_t conv_interleaved_positions = [] {
  constexpr kernels::step st = Step::value;
  constexpr window_geometry g = st.window;
  constexpr std::size_t full = HWY_HAVE_SCALABLE ? 0 : hn::MaxLanes(hn::ScalableTag<T>());
  if (g.groups != 1 || g.in_channels != 1 || g.stride_w != 1 || !(st.dst_channels_last || g.out_channels == 1) ||
      !kernels::epilogue_is_elementwise(Epilogue{}) || conv_interleaved_tile<Step> < 2)
    return std::size_t{0};
  if (g.out_channels == 0 || full % g.out_channels != 0) return std::size_t{0};
  const std::size_t p = full / g.out_channels;
  return p >= 2 && (p * sizeof(T) == 8 || p * sizeof(T) == 16) ? p : std::size_t{0};
}();

// The P consecutive values at `x` in every block of P lanes.
template <std::size_t P, class D>
HWY_INLINE hn::Vec<D> broadcast_positions(D d, const hn::TFromD<D>* HWY_RESTRICT x) {
  using T = hn::TFromD<D>;
  if constexpr (P * sizeof(T) == 8) {
    const hn::Repartition<std::uint64_t, D> d64;
    std::uint64_t bits;
    hwy::CopyBytes<8>(x, &bits);
    return hn::BitCast(d, hn::Set(d64, bits));
  } else {
    static_assert(P * sizeof(T) == 16);
    return hn::LoadDup128(d, x);
  }
}

// Lane permutations of an interleaved vector of `Lanes` lanes, P positions of `Lanes / P`
// channels: `spread` takes channel vectors (channel c in lane c) to lanes c * P + q;
// `gather` takes lane c * P + q to lane q * channels + c, the channels-last order.
template <class TI, std::size_t Lanes, std::size_t P>
struct interleave_tables {
  static constexpr std::size_t channels = Lanes / P;
  static constexpr std::array<TI, Lanes> spread = [] {
    std::array<TI, Lanes> a{};
    for (std::size_t i = 0; i < Lanes; ++i) a[i] = static_cast<TI>(i / P);
    return a;
  }();
  static constexpr std::array<TI, Lanes> gather = [] {
    std::array<TI, Lanes> a{};
    for (std::size_t q = 0; q < P; ++q)
      for (std::size_t c = 0; c < channels; ++c) a[q * channels + c] = static_cast<TI>(c * P + q);
    return a;
  }();
};

// Lanes q in [Lo, Hi) of every block of P lanes from x[q - Lo], the others 0: a block that
// reaches into the padding reads only its inputs (at the ends of a row).
template <std::size_t P, std::size_t Lo, std::size_t Hi, class D>
HWY_INLINE hn::Vec<D> broadcast_some_positions(D d, const hn::TFromD<D>* HWY_RESTRICT x) {
  const hn::RebindToUnsigned<D> du;
  using TU = hn::TFromD<decltype(du)>;
  const auto lane = hn::And(hn::Iota(du, 0), hn::Set(du, TU(P - 1)));
  hn::Vec<D> v = hn::Zero(d);
  for (std::size_t q = Lo; q < Hi; ++q)
    v = hn::IfThenElse(hn::RebindMask(d, hn::Eq(lane, hn::Set(du, TU(q)))), hn::Set(d, x[q - Lo]), v);
  return v;
}

// Input block O of a tile: the P inputs from column O - Pad of its row (Pad: the padding
// before the row's first input, InW: its inputs; lanes outside them are zero, as PyTorch's
// padding is). One broadcast into every accumulator that reads it: group (O - k * Dilation)
// / P through tap k (weight w[k]).
template <std::size_t O, std::size_t P, std::size_t Dilation, std::size_t R>
constexpr bool interleaved_tap(std::size_t k) {
  return O >= k * Dilation && (O - k * Dilation) % P == 0 && (O - k * Dilation) / P < R;
}
template <std::size_t O, std::size_t P, std::size_t Dilation, std::size_t Pad, std::size_t InW, class D, class V,
          std::size_t R, std::size_t... k>
HWY_INLINE void interleaved_block(D d, const hn::TFromD<D>* HWY_RESTRICT row, const V* w, V (&acc)[R],
                                  std::index_sequence<k...>) {
  constexpr std::size_t lo = Pad > O ? Pad - O : 0;                             // first lane inside
  constexpr std::size_t end = Pad + InW > O ? Pad + InW - O : 0;
  constexpr std::size_t hi = end < P ? end : P;                                 // past the last
  if constexpr (lo < hi && (interleaved_tap<O, P, Dilation, R>(k) || ...)) {
    V b;
    if constexpr (lo == 0 && hi == P)
      b = broadcast_positions<P>(d, row + (O - Pad));
    else
      b = broadcast_some_positions<P, lo, hi>(d, row + (O + lo - Pad));
    ((interleaved_tap<O, P, Dilation, R>(k)
          ? (void)(acc[(O - k * Dilation) / P] = hn::MulAdd(w[k], b, acc[(O - k * Dilation) / P]))
          : (void)0),
     ...);
  }
}
template <std::size_t P, std::size_t Dilation, std::size_t K, std::size_t Pad, std::size_t InW, class D, class V,
          std::size_t R, std::size_t... O>
HWY_INLINE void interleaved_blocks(D d, const hn::TFromD<D>* HWY_RESTRICT row, const V* w, V (&acc)[R],
                                   std::index_sequence<O...>) {
  (interleaved_block<O, P, Dilation, Pad, InW>(d, row, w, acc, std::make_index_sequence<K>{}), ...);
}

// A step's weights and bias spread for interleaved tiles (P positions per vector of d),
// once per call rather than once per tile: weight[kh * kernel_w + kw] is tap (kh, kw).
template <std::size_t P, class Step, class D>
struct interleaved_weights {
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  static constexpr window_geometry g = Step::value.window;
  static constexpr std::size_t taps = g.kernel_h * g.kernel_w;
  using tables = interleave_tables<hwy::MakeSigned<T>, hn::MaxLanes(D()), P>;
  V weight[taps];
  V bias;
  HWY_INLINE interleaved_weights(D d, const T* HWY_RESTRICT packed, const T* HWY_RESTRICT packed_bias) {
    const auto spread = hn::SetTableIndices(d, tables::spread.data());
    for (std::size_t t = 0; t < taps; ++t)
      weight[t] = hn::TableLookupLanes(hn::LoadU(d, packed + t * kernels::panel_width<T>), spread);
    bias = hn::TableLookupLanes(hn::LoadU(d, packed_bias), spread);
  }
};

// What conv_rows holds in place of interleaved_weights for a step that is not interleaved.
struct no_interleaved_weights {
  template <class... Args>
  HWY_INLINE explicit no_interleaved_weights(const Args&...) {}
};

// Whether every row of an interleaved step is one tile from its first position
// to its last, the taps in the padding read as zeros, instead of interior tiles plus border
// positions of one position each: the row divides into groups and they fit a tile. (3x3
// 1 -> 8 on 28x28 on AVX-512, then its pool: 1.82-1.89 us with borders, 1.72 us as rows.)
template <class Step, std::size_t P>
inline constexpr bool conv_interleaved_rows = [] {
  constexpr window_geometry g = Step::value.window;
  if constexpr (P < 2)
    return false;
  else
    return g.out_w % P == 0 && g.out_w / P <= conv_interleaved_tile<Step>;
}();

// A row tile of R groups of P positions of output row oh, of a step with
// conv_interleaved_positions<...> == P: groups ow0 .. ow0 + R - 1, every kw tap valid, or
// (WholeRow) the whole row, taps in the padding skipped lane by lane. d: a full vector of T;
// x: the input; write: a writer for d.
template <std::size_t R, std::size_t P, class Step, bool WholeRow = false, class D, class Writer>
HWY_INLINE void conv_tile_interleaved(D d, const interleaved_weights<P, Step, D>& iw,
                                      const hn::TFromD<D>* HWY_RESTRICT x, std::size_t oh, std::size_t ow0,
                                      window_detail::tap_range kh_range, const Writer& write) {
  using T = hn::TFromD<D>;
  using V = hn::Vec<D>;
  constexpr window_geometry g = Step::value.window;
  constexpr std::size_t K = g.kernel_w, dil = g.dilation_w;
  constexpr std::size_t lanes = hn::MaxLanes(D());
  constexpr std::size_t blocks = P * (R - 1) + (K - 1) * dil + 1;  // input columns that start a block
  // Interior tiles read from their first column on, all of it inside the row.
  constexpr std::size_t pad = WholeRow ? g.pad_left : 0, in_w = WholeRow ? g.in_w : blocks + P;
  static_assert(R >= 1 && lanes == P * g.out_channels && (!WholeRow || R * P == g.out_w));
  V acc[R];
  for (std::size_t r = 0; r < R; ++r) acc[r] = iw.bias;
  for (std::size_t kh = kh_range.begin; kh < kh_range.end; ++kh) {
    const std::size_t ih = oh * g.stride_h + kh * g.dilation_h - g.pad_top;
    const T* HWY_RESTRICT row = WholeRow ? x + ih * g.in_w : x + ih * g.in_w + ow0 - g.pad_left;
    interleaved_blocks<P, dil, K, pad, in_w>(d, row, iw.weight + kh * K, acc, std::make_index_sequence<blocks>{});
  }
  const auto gather = hn::SetTableIndices(d, interleaved_weights<P, Step, D>::tables::gather.data());
  const std::size_t pos = oh * g.out_w + ow0;
  for (std::size_t r = 0; r < R; ++r) write(hn::TableLookupLanes(acc[r], gather), pos + r * P, 0, lanes);
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_CONV_INTERLEAVED_INL_H_
