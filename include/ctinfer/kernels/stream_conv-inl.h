// ctinfer/kernels/stream_conv-inl.h - one frame of a causal Conv1D, for streaming.
//
// Output t of a causal convolution reads input frames t - (K-1-k) * dilation, k = 0..K-1. A
// stream keeps the last (K-1) * dilation frames in a ring in its State; a frame runs a batch-1
// GEMV over its K taps (oldest first, each C channels) on the convolution's packed weight,
// which for one group and a 1-high kernel is exactly a Dense weight over the taps
// ([panel][k][c][P], kernels/packing.hpp). Then the frame joins the ring.

#if defined(CTINFER_KERNELS_STREAM_CONV_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_STREAM_CONV_INL_H_
#undef CTINFER_KERNELS_STREAM_CONV_INL_H_
#else
#define CTINFER_KERNELS_STREAM_CONV_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/highway.h>

#include "ctinfer/kernels/dense-inl.h"
#include "ctinfer/kernels/steps.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {

// The K taps of one frame where they are (K - 1 frames in the ring, then the frame itself),
// read by the GEMV as one vector of K * C inputs: no copy, and no store-to-load round trip
// on the chain from one layer to the next.
template <class T, std::size_t K, std::size_t C>
struct stream_taps {
  static constexpr std::size_t run = C;
  const T* frame[K];
  HWY_INLINE const T* at(std::size_t k) const { return frame[k]; }
};

// Step: a kernels::step_ref of kind stream_conv. x: this frame's C channels; y: Out channels.
template <class Step, class Epilogue, class T>
HWY_INLINE void stream_conv(const T* HWY_RESTRICT w, const T* HWY_RESTRICT bias, const T* HWY_RESTRICT x,
                            T* HWY_RESTRICT y, const T* HWY_RESTRICT packed, const T* HWY_RESTRICT addend,
                            T* HWY_RESTRICT state, std::uint32_t* positions) {
  constexpr kernels::step st = Step::value;
  constexpr std::size_t K = st.window.kernel_w, C = st.window.in_channels, Out = st.cols;
  if constexpr (K == 1) {
    dense<1, C, Out, true, Epilogue>(w, bias, x, y, packed, addend);
  } else {
    constexpr std::size_t dilation = st.window.dilation_w, R = (K - 1) * dilation;  // frames kept
    T* HWY_RESTRICT ring = state + st.state_offset;
    const std::size_t p = positions[st.position];  // ring[p]: the oldest frame, t - R
    stream_taps<T, K, C> taps_view;
    for (std::size_t k = 0; k + 1 < K; ++k)
      taps_view.frame[k] = ring + (p + R - (K - 1 - k) * dilation) % R * C;
    taps_view.frame[K - 1] = x;
    gemv_input<K * C, Out, true, Epilogue>(w, bias, taps_view, y, packed, addend);
    for (std::size_t c = 0; c < C; ++c) ring[p * C + c] = x[c];  // after: ring[p] was tap 0
    positions[st.position] = static_cast<std::uint32_t>(p + 1 == R ? 0 : p + 1);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_STREAM_CONV_INL_H_
