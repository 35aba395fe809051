// ctinfer/kernels/pool-inl.h - max and average pooling, windowed and global.
//
// Vectors run along channels: with a channels-last input each tap is one vector load; a
// channels-first input (only the network's own input, or after a view) is gathered. Taps in
// the padding are skipped, so they never win a max; averages divide by PyTorch's divisor.

#if defined(CTINFER_KERNELS_POOL_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_POOL_INL_H_
#undef CTINFER_KERNELS_POOL_INL_H_
#else
#define CTINFER_KERNELS_POOL_INL_H_
#endif

#include <cstddef>
#include <limits>

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

// The larger of acc and v; a NaN in v wins and then stays, as in PyTorch's max pooling
// (Highway's Max may return the other operand for a NaN: x86's maxps does).
template <class V>
HWY_INLINE V max_keep_nan(V acc, V v) {
  return hn::IfThenElse(hn::Or(hn::Gt(v, acc), hn::IsNaN(v)), v, acc);
}

// The max over taps [Begin, End) of a window with every tap inside the input (x: its first
// tap), as a tree of pairs: a chain of log2(taps) steps instead of taps - 1, and the same
// value as the sequential form (equal values keep the earlier tap, NaNs the later one).
template <std::size_t Begin, std::size_t End, class Step, class D>
HWY_INLINE hn::Vec<D> window_max(D d, const hn::TFromD<D>* HWY_RESTRICT x, std::size_t count) {
  constexpr window_geometry g = Step::value.window;
  constexpr window_detail::strides s = window_detail::input_strides(g, Step::value.src_channels_last);
  if constexpr (End - Begin == 1) {
    const auto* xt = x + (Begin / g.kernel_w) * g.dilation_h * s.y + (Begin % g.kernel_w) * g.dilation_w * s.x;
    return s.c == 1 && count >= hn::Lanes(d) ? hn::LoadU(d, xt) : load_channels<s.c>(d, xt, count, hn::TFromD<D>(0));
  } else {
    constexpr std::size_t mid = Begin + (End - Begin) / 2;
    return max_keep_nan(window_max<Begin, mid, Step>(d, x, count), window_max<mid, End, Step>(d, x, count));
  }
}

template <class Step, class Epilogue, class T>
HWY_NOINLINE void pool(const T* HWY_RESTRICT x, T* HWY_RESTRICT y, const T* HWY_RESTRICT packed,
                       const T* HWY_RESTRICT addend) {
  constexpr kernels::step st = Step::value;
  constexpr window_geometry g = st.window;
  constexpr bool max = st.kind == kernels::step_kind::max_pool;
  constexpr std::size_t C = g.in_channels;
  constexpr window_detail::strides s = window_detail::input_strides(g, st.src_channels_last);
  const hn::CappedTag<T, kernels::lanes_for<T>(C)> d;
  using V = hn::Vec<decltype(d)>;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  const window_writer<decltype(d), Epilogue, st.dst_channels_last, C, g.out_positions()> write{d, y, packed, addend};
  const V lowest = hn::Set(d, -std::numeric_limits<T>::infinity());
  for (std::size_t oh = 0; oh < g.out_h; ++oh) {
    const window_detail::tap_range kh =
        window_detail::valid_taps(oh, g.stride_h, g.dilation_h, g.pad_top, g.kernel_h, g.in_h);
    for (std::size_t ow = 0; ow < g.out_w; ++ow) {
      const window_detail::tap_range kw =
          window_detail::valid_taps(ow, g.stride_w, g.dilation_w, g.pad_left, g.kernel_w, g.in_w);
      T divisor = T(1);
      if constexpr (!max)
        divisor = static_cast<T>(g.exclude_pad ? (kh.end - kh.begin) * (kw.end - kw.begin) : g.padded_window(oh, ow));
      const bool whole_window = kh.end - kh.begin == g.kernel_h && kw.end - kw.begin == g.kernel_w;
      for (std::size_t col = 0; col < C; col += L) {
        const std::size_t count = C - col < L ? C - col : L;
        if (max && whole_window) {
          const T* x0 = x + (oh * g.stride_h - g.pad_top) * s.y + (ow * g.stride_w - g.pad_left) * s.x + col * s.c;
          write(window_max<0, g.kernel_h * g.kernel_w, Step>(d, x0, count), oh * g.out_w + ow, col, count);
          continue;
        }
        V acc = max ? lowest : hn::Zero(d);
        for (std::size_t i = kh.begin; i < kh.end; ++i) {
          const std::size_t ih = oh * g.stride_h + i * g.dilation_h - g.pad_top;
          for (std::size_t j = kw.begin; j < kw.end; ++j) {
            const std::size_t iw = ow * g.stride_w + j * g.dilation_w - g.pad_left;
            const T* xt = x + ih * s.y + iw * s.x + col * s.c;
            const V v = s.c == 1 && count >= hn::Lanes(d) ? hn::LoadU(d, xt) : load_channels<s.c>(d, xt, count, T(0));
            acc = max ? max_keep_nan(acc, v) : hn::Add(acc, v);
          }
        }
        if constexpr (!max) acc = hn::Div(acc, hn::Set(d, divisor));
        write(acc, oh * g.out_w + ow, col, count);
      }
    }
  }
}

template <class Step, class Epilogue, class T>
HWY_NOINLINE void global_pool(const T* HWY_RESTRICT x, T* HWY_RESTRICT y, const T* HWY_RESTRICT packed,
                       const T* HWY_RESTRICT addend) {
  constexpr kernels::step st = Step::value;
  constexpr window_geometry g = st.window;
  constexpr bool max = st.kind == kernels::step_kind::global_max_pool;
  constexpr std::size_t C = g.in_channels, n = g.in_positions();
  constexpr window_detail::strides s = window_detail::input_strides(g, st.src_channels_last);
  const hn::CappedTag<T, kernels::lanes_for<T>(C)> d;
  using V = hn::Vec<decltype(d)>;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  // The output (C, 1, 1) is the same in both layouts.
  const window_writer<decltype(d), Epilogue, true, C, 1> write{d, y, packed, addend};
  for (std::size_t col = 0; col < C; col += L) {
    const std::size_t count = C - col < L ? C - col : L;
    V acc = max ? hn::Set(d, -std::numeric_limits<T>::infinity()) : hn::Zero(d);
    for (std::size_t p = 0; p < n; ++p) {
      const T* xt = x + p * s.x + col * s.c;
      const V v = s.c == 1 && count >= hn::Lanes(d) ? hn::LoadU(d, xt) : load_channels<s.c>(d, xt, count, T(0));
      acc = max ? max_keep_nan(acc, v) : hn::Add(acc, v);
    }
    if constexpr (!max) acc = hn::Div(acc, hn::Set(d, static_cast<T>(n)));
    write(acc, 0, col, count);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_POOL_INL_H_
