// ctinfer/kernels/resample-inl.h - spatial copies: nearest-neighbour upsampling and zero
// padding (when it could not become a convolution's padding). Vectors run along channels,
// as in the pooling kernels; the epilogue applies in the store.

#if defined(CTINFER_KERNELS_RESAMPLE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_RESAMPLE_INL_H_
#undef CTINFER_KERNELS_RESAMPLE_INL_H_
#else
#define CTINFER_KERNELS_RESAMPLE_INL_H_
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

// Upsample: output (oh, ow) is input (oh / stride_h, ow / stride_w). ZeroPad: output (oh, ow)
// is input (oh - pad_top, ow - pad_left) inside, zero in the border.
template <class Step, class Epilogue, class T>
HWY_NOINLINE void resample(const T* HWY_RESTRICT x, T* HWY_RESTRICT y, const T* HWY_RESTRICT packed,
                           const T* HWY_RESTRICT addend) {
  constexpr kernels::step st = Step::value;
  constexpr window_geometry g = st.window;
  constexpr bool pad = st.kind == kernels::step_kind::zero_pad;
  constexpr std::size_t C = g.in_channels;
  constexpr window_detail::strides s = window_detail::input_strides(g, st.src_channels_last);
  const hn::CappedTag<T, kernels::panel_width<T>> d;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  const window_writer<decltype(d), Epilogue, st.dst_channels_last, C, g.out_positions()> write{d, y, packed, addend};
  for (std::size_t oh = 0; oh < g.out_h; ++oh) {
    for (std::size_t ow = 0; ow < g.out_w; ++ow) {
      bool inside = true;
      std::size_t ih, iw;
      if constexpr (pad) {
        inside = oh >= g.pad_top && oh - g.pad_top < g.in_h && ow >= g.pad_left && ow - g.pad_left < g.in_w;
        ih = oh - g.pad_top;
        iw = ow - g.pad_left;
      } else {
        ih = oh / g.stride_h;
        iw = ow / g.stride_w;
      }
      for (std::size_t col = 0; col < C; col += L) {
        const std::size_t count = C - col < L ? C - col : L;
        hn::Vec<decltype(d)> v = hn::Zero(d);
        if (inside) {
          const T* xt = x + ih * s.y + iw * s.x + col * s.c;
          v = s.c == 1 && count >= hn::Lanes(d) ? hn::LoadU(d, xt) : load_channels<s.c>(d, xt, count, T(0));
        }
        write(v, oh * g.out_w + ow, col, count);
      }
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_RESAMPLE_INL_H_
