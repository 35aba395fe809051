// ctinfer/kernels/window-inl.h - what the convolution and pooling kernels share: the ranges
// of valid taps at an output position, channel-vector loads in either layout, and the
// output writer (channels-last vector stores, or channels-first scattered stores).
//
// Output positions are split at compile time into a border, where some taps fall in the
// padding and are skipped (never read: padding costs nothing and needs no buffer), and an
// interior, where every tap is valid and the kernels run register tiles.

#if defined(CTINFER_KERNELS_WINDOW_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_WINDOW_INL_H_
#undef CTINFER_KERNELS_WINDOW_INL_H_
#else
#define CTINFER_KERNELS_WINDOW_INL_H_
#endif

#include <cstddef>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/highway.h>

#include "ctinfer/core/window.hpp"
#include "ctinfer/kernels/activation-inl.h"

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

namespace window_detail {

struct tap_range {
  std::size_t begin, end;
};

// Taps k in [0, kernel) with 0 <= o * stride + k * dilation - pad < in (as a range).
constexpr tap_range valid_taps(std::size_t o, std::size_t stride, std::size_t dilation, std::size_t pad,
                               std::size_t kernel, std::size_t in) {
  const std::size_t start = o * stride;  // position of tap 0, counted from the leading padding
  std::size_t begin = start >= pad ? 0 : (pad - start + dilation - 1) / dilation;
  std::size_t end = start >= pad + in ? 0 : (pad + in - start + dilation - 1) / dilation;
  if (end > kernel) end = kernel;
  if (begin > end) begin = end;
  return {begin, end};
}

// Output positions along one axis whose every tap is valid: [begin, end).
constexpr tap_range interior(std::size_t out, std::size_t stride, std::size_t dilation, std::size_t pad,
                             std::size_t kernel, std::size_t in) {
  const std::size_t span = dilation * (kernel - 1);
  const std::size_t begin = (pad + stride - 1) / stride;
  std::size_t end = in + pad >= span + 1 ? (in + pad - 1 - span) / stride + 1 : 0;
  if (end > out) end = out;
  return {begin < end ? begin : out, begin < end ? end : out};
}

// Strides of the input tensor: channel, row, column.
struct strides {
  std::size_t c, y, x;
};
constexpr strides input_strides(const window_geometry& g, bool channels_last) {
  return channels_last ? strides{1, g.in_w * g.in_channels, g.in_channels}
                       : strides{g.in_h * g.in_w, g.in_w, 1};
}

}  // namespace window_detail

// `count` (<= lanes) values of consecutive channels starting at `x`, StrideC apart; the other
// lanes are `fill`. Never reads past the last of them.
template <std::size_t StrideC, class D>
HWY_INLINE hn::Vec<D> load_channels(D d, const hn::TFromD<D>* HWY_RESTRICT x, std::size_t count,
                                    hn::TFromD<D> fill) {
  if constexpr (StrideC == 1) {
    return load_first(d, x, count, fill);
  } else {
    HWY_ALIGN hn::TFromD<D> tmp[hn::MaxLanes(d)];
    for (std::size_t i = 0; i < hn::MaxLanes(d); ++i) tmp[i] = i < count ? x[i * StrideC] : fill;
    return hn::Load(d, tmp);
  }
}

// Stores output vectors of a window step after its epilogue. Channels-last: y[pos][c];
// channels-first: y[c][pos]. `count` is how many lanes are real outputs.
template <class D, class Epilogue, bool ChannelsLast, std::size_t Channels, std::size_t Positions>
struct window_writer {
  using T = hn::TFromD<D>;
  D d;
  T* HWY_RESTRICT y;
  const T* HWY_RESTRICT packed;
  const T* HWY_RESTRICT addend;  // a fused Residual add's tensor, laid out as y (or null)
  // The same writer for vectors of another width. One channel is the same array in either
  // layout, so it is written channels-last: a vector's lanes are consecutive positions.
  template <class D2>
  HWY_INLINE window_writer<D2, Epilogue, ChannelsLast || Channels == 1, Channels, Positions> with_tag(D2 d2) const {
    return {d2, y, packed, addend};
  }
  template <class V>
  HWY_INLINE void operator()(V v, std::size_t pos, std::size_t col, std::size_t count) const {
    if constexpr (ChannelsLast) {
      const std::size_t at = pos * Channels + col;
      const bool full = count >= hn::Lanes(d);
      auto add = [&] { return full ? hn::LoadU(d, addend + at) : load_first(d, addend + at, count, T(0)); };
      v = apply_epilogue(Epilogue{}, d, v, packed, pos, col, add);
      if (full)
        hn::StoreU(v, d, y + at);
      else
        store_first(d, v, y + at, count);
    } else {
      auto add = [&] { return load_channels<Positions>(d, addend + col * Positions + pos, count, T(0)); };
      v = apply_epilogue(Epilogue{}, d, v, packed, pos, col, add);
      HWY_ALIGN T tmp[hn::MaxLanes(d)];
      hn::Store(v, d, tmp);
      const std::size_t n = count < hn::Lanes(d) ? count : hn::Lanes(d);
      for (std::size_t j = 0; j < n; ++j) y[(col + j) * Positions + pos] = tmp[j];
    }
  }
};

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_WINDOW_INL_H_
