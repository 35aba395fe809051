// ctinfer/kernels/gate-inl.h - gated activations: y = f(a) * sigmoid(b) for the halves a, b
// of a channels-first tensor (GLU: f(a) = a; WaveNet's gate: f(a) = tanh(a)).

#if defined(CTINFER_KERNELS_GATE_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_GATE_INL_H_
#undef CTINFER_KERNELS_GATE_INL_H_
#else
#define CTINFER_KERNELS_GATE_INL_H_
#endif

#include <cstddef>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/highway.h>

#include "ctinfer/kernels/activation-inl.h"
#include "ctinfer/kernels/math-inl.h"
#include "ctinfer/kernels/packing.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Output (Rows, Cols) view; the input is twice as many rows (a, then b). y may equal x.
template <std::size_t Rows, std::size_t Cols, bool TanhOfFirst, class Epilogue, class T>
HWY_INLINE void gate(const T* x, T* y, const T* HWY_RESTRICT packed, const T* HWY_RESTRICT addend) {
  const hn::CappedTag<T, kernels::lanes_for<T>(Cols)> d;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  constexpr std::size_t half = Rows * Cols;
  auto gated = [&](auto a, auto b) {
    if constexpr (TanhOfFirst) a = math::GateTanh(d, a);
    return hn::Mul(a, math::GateSigmoid(d, b));
  };
  for (std::size_t r = 0; r < Rows; ++r) {
    const std::size_t row = r * Cols;
    std::size_t c = 0;
    for (; c + L <= Cols; c += L) {
      auto add = [&] { return hn::LoadU(d, addend + row + c); };
      const auto v = gated(hn::LoadU(d, x + row + c), hn::LoadU(d, x + half + row + c));
      hn::StoreU(apply_epilogue(Epilogue{}, d, v, packed, r, c, add), d, y + row + c);
    }
    if (c < Cols) {
      const std::size_t n = Cols - c;
      auto add = [&] { return load_first(d, addend + row + c, n, T(0)); };
      const auto v = gated(load_first(d, x + row + c, n, T(0)), load_first(d, x + half + row + c, n, T(0)));
      store_first(d, apply_epilogue(Epilogue{}, d, v, packed, r, c, add), y + row + c, n);
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_GATE_INL_H_
