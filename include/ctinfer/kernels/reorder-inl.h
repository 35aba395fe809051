// ctinfer/kernels/reorder-inl.h - values moved without arithmetic: Transpose.
//
// Sizes here are small (a (C, L) signal turned into the (L, C) sequence a recurrent layer
// reads); a plain loop the compiler unrolls is as fast as a blocked transpose at these sizes.

#if defined(CTINFER_KERNELS_REORDER_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_REORDER_INL_H_
#undef CTINFER_KERNELS_REORDER_INL_H_
#else
#define CTINFER_KERNELS_REORDER_INL_H_
#endif

#include <cstddef>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {

// y(Cols, Rows) = x(Rows, Cols)^T; x and y do not overlap.
template <std::size_t Rows, std::size_t Cols, class T>
HWY_INLINE void transpose(const T* HWY_RESTRICT x, T* HWY_RESTRICT y) {
  for (std::size_t r = 0; r < Rows; ++r)
    for (std::size_t c = 0; c < Cols; ++c) y[c * Rows + r] = x[r * Cols + c];
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_REORDER_INL_H_
