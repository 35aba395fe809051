// ctinfer/kernels/conv_transpose-inl.h - transposed convolution, gathered: each output
// position sums, over the taps that reach it (the input positions i with
// i * stride + tap * dilation - pad == output), its packed weights (the convolution layout of
// kernels/packing.hpp) times the input values. Vectors run along output channels; two
// accumulator chains per vector (even and odd input channels) keep the FMAs independent.

#if defined(CTINFER_KERNELS_CONV_TRANSPOSE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_CONV_TRANSPOSE_INL_H_
#undef CTINFER_KERNELS_CONV_TRANSPOSE_INL_H_
#else
#define CTINFER_KERNELS_CONV_TRANSPOSE_INL_H_
#endif

#include <cstddef>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
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

namespace conv_transpose_detail {
// The taps reaching output o along one axis, and the input position each reads.
struct taps {
  std::size_t count = 0;
  std::size_t tap[16], input[16];
};
constexpr std::size_t max_kernel = 16;
inline taps reaching(std::size_t o, std::size_t kernel, std::size_t stride, std::size_t dilation, std::size_t pad,
                     std::size_t in) {
  taps t;
  for (std::size_t k = 0; k < kernel; ++k) {
    const std::size_t at = o + pad;  // output position counted from the uncropped start
    if (at < k * dilation) break;
    const std::size_t rel = at - k * dilation;
    if (rel % stride != 0 || rel / stride >= in) continue;
    t.tap[t.count] = k;
    t.input[t.count++] = rel / stride;
  }
  return t;
}
}  // namespace conv_transpose_detail

template <class Step, class Epilogue, class T>
HWY_NOINLINE void conv_transpose(const T* HWY_RESTRICT w, const T* HWY_RESTRICT bias, const T* HWY_RESTRICT x,
                                 T* HWY_RESTRICT y, const T* HWY_RESTRICT packed, const T* HWY_RESTRICT addend) {
  using conv_transpose_detail::reaching;
  constexpr kernels::step st = Step::value;
  constexpr window_geometry g = st.window;
  static_assert(g.kernel_h <= conv_transpose_detail::max_kernel && g.kernel_w <= conv_transpose_detail::max_kernel,
                "ctinfer: ConvTranspose kernels up to 16 taps per axis");
  constexpr std::size_t P = kernels::panel_width<T>;
  constexpr std::size_t ocg = g.out_channels / g.groups, icg = g.in_channels / g.groups;
  constexpr std::size_t taps = g.kernel_h * g.kernel_w * icg;
  constexpr std::size_t padded = kernels::padded_outputs<T>(ocg);
  constexpr window_detail::strides s = window_detail::input_strides(g, st.src_channels_last);
  const hn::CappedTag<T, P> d;
  using V = hn::Vec<decltype(d)>;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  CTINFER_LANES_CONSTEXPR std::size_t vectors = (ocg + L - 1) / L;
  const window_writer<decltype(d), Epilogue, st.dst_channels_last, g.out_channels, g.out_positions()> write{
      d, y, packed, addend};
  for (std::size_t oh = 0; oh < g.out_h; ++oh) {
    const auto rows = reaching(oh, g.kernel_h, g.stride_h, g.dilation_h, g.pad_top, g.in_h);
    for (std::size_t ow = 0; ow < g.out_w; ++ow) {
      const auto cols = reaching(ow, g.kernel_w, g.stride_w, g.dilation_w, g.pad_left, g.in_w);
      const std::size_t pos = oh * g.out_w + ow;
      for (std::size_t grp = 0; grp < g.groups; ++grp) {
        const T* wg = w + grp * padded * taps;
        const T* xg = x + grp * icg * s.c;
        for (std::size_t v = 0; v < vectors; ++v) {
          const T* pv = column<taps>(wg, v, L);
          V a = hn::LoadU(d, bias + grp * padded + v * L), b = hn::Zero(d);
          for (std::size_t i = 0; i < rows.count; ++i)
            for (std::size_t j = 0; j < cols.count; ++j) {
              const T* xt = xg + rows.input[i] * s.y + cols.input[j] * s.x;
              const T* wt = pv + (rows.tap[i] * g.kernel_w + cols.tap[j]) * icg * P;
              std::size_t c = 0;
              for (; c + 2 <= icg; c += 2) {
                a = hn::MulAdd(hn::LoadU(d, wt + c * P), hn::Set(d, xt[c * s.c]), a);
                b = hn::MulAdd(hn::LoadU(d, wt + (c + 1) * P), hn::Set(d, xt[(c + 1) * s.c]), b);
              }
              if (c < icg) a = hn::MulAdd(hn::LoadU(d, wt + c * P), hn::Set(d, xt[c * s.c]), a);
            }
          const std::size_t count = ocg - v * L < L ? ocg - v * L : L;
          write(hn::Add(a, b), pos, grp * ocg + v * L, count);
        }
      }
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_CONV_TRANSPOSE_INL_H_
