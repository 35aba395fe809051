// ctinfer/kernels/softmax-inl.h - Softmax / LogSoftmax over each row, stable (max first).

#if defined(CTINFER_KERNELS_SOFTMAX_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_SOFTMAX_INL_H_
#undef CTINFER_KERNELS_SOFTMAX_INL_H_
#else
#define CTINFER_KERNELS_SOFTMAX_INL_H_
#endif

#include <cstddef>
#include <limits>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/highway.h>

#include "ctinfer/kernels/activation-inl.h"
#include "ctinfer/kernels/math-inl.h"
#include <hwy/contrib/math/math-inl.h>  // Log

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// y = softmax(x) (or log_softmax) for each of Rows rows of Cols values; y may equal x.
template <std::size_t Rows, std::size_t Cols, bool Log, class T>
HWY_INLINE void softmax(const T* x, T* y) {
  const hn::ScalableTag<T> d;
  using V = hn::Vec<decltype(d)>;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  constexpr T lowest = -std::numeric_limits<T>::infinity();
  for (std::size_t r = 0; r < Rows; ++r) {
    const T* xr = x + r * Cols;
    T* yr = y + r * Cols;
    V vmax = hn::Set(d, lowest);
    std::size_t c = 0;
    for (; c + L <= Cols; c += L) vmax = hn::Max(vmax, hn::LoadU(d, xr + c));
    if (c < Cols) vmax = hn::Max(vmax, load_first(d, xr + c, Cols - c, lowest));
    vmax = hn::MaxOfLanes(d, vmax);

    V vsum = hn::Zero(d);
    for (c = 0; c + L <= Cols; c += L) {
      const V e = math::Exp(d, hn::Sub(hn::LoadU(d, xr + c), vmax));
      if constexpr (!Log) hn::StoreU(e, d, yr + c);
      vsum = hn::Add(vsum, e);
    }
    if (c < Cols) {
      const V e = math::Exp(d, hn::Sub(load_first(d, xr + c, Cols - c, lowest), vmax));
      if constexpr (!Log) store_first(d, e, yr + c, Cols - c);
      vsum = hn::Add(vsum, e);
    }
    vsum = hn::SumOfLanes(d, vsum);

    if constexpr (Log) {
      // (x - max) - log(sum), not x - (max + log(sum)): x - max is exact near the maximum,
      // while max + log(sum) rounds at the scale of max (2.4e-4 for inputs near 1e4).
      const V log_sum = hn::Log(d, vsum);
      for (c = 0; c + L <= Cols; c += L)
        hn::StoreU(hn::Sub(hn::Sub(hn::LoadU(d, xr + c), vmax), log_sum), d, yr + c);
      if (c < Cols)
        store_first(d, hn::Sub(hn::Sub(load_first(d, xr + c, Cols - c, T(0)), vmax), log_sum), yr + c,
                    Cols - c);
    } else {
      const V scale = hn::Div(hn::Set(d, T(1)), vsum);
      for (c = 0; c + L <= Cols; c += L) hn::StoreU(hn::Mul(hn::LoadU(d, yr + c), scale), d, yr + c);
      if (c < Cols)
        store_first(d, hn::Mul(load_first(d, yr + c, Cols - c, T(0)), scale), yr + c, Cols - c);
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_SOFTMAX_INL_H_
