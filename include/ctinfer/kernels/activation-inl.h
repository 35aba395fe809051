// ctinfer/kernels/activation-inl.h - every unary_op on vectors, and epilogue chains.
//
// One implementation per op for every Highway target; accuracy is held to the scalar
// reference (layers/detail/unary_reference.hpp) by the tests. An epilogue is applied to a
// vector of outputs at (row, col) of a step's (rows, cols) view, before it is stored.

// Highway's per-target re-inclusion guard.
#if defined(CTINFER_KERNELS_ACTIVATION_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_ACTIVATION_INL_H_
#undef CTINFER_KERNELS_ACTIVATION_INL_H_
#else
#define CTINFER_KERNELS_ACTIVATION_INL_H_
#endif

#include <cstddef>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/highway.h>

#include "ctinfer/core/unary_op.hpp"
#include "ctinfer/kernels/math-inl.h"
#include "ctinfer/kernels/packing.hpp"
#include "ctinfer/kernels/steps.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Lane count: a compile-time constant on fixed-width targets (so loops over compile-time
// sizes are fully known to the compiler), a run-time value on SVE/RVV.
#if HWY_HAVE_SCALABLE
#define CTINFER_LANES_CONSTEXPR const
template <class D>
HWY_INLINE std::size_t lanes(D d) {
  return hn::Lanes(d);
}
#else
#define CTINFER_LANES_CONSTEXPR constexpr
template <class D>
HWY_INLINE constexpr std::size_t lanes(D d) {
  return hn::MaxLanes(d);
}
#endif

// x below lo becomes lo, above hi becomes hi; NaN stays NaN, as in PyTorch. (Highway's
// Min and Max may return the other operand for a NaN.) On x86, maxps(a, b) is exactly
// a > b ? a : b, the second operand for a NaN, so Max(lo, x) is this select in one
// instruction instead of a compare and a blend (a ReLU epilogue on 16 lanes: 1 uop, not 2).
template <class V>
HWY_INLINE V at_least_keep_nan(V x, V lo) {
#if HWY_ARCH_X86 && HWY_TARGET != HWY_EMU128 && HWY_TARGET != HWY_SCALAR
  return hn::Max(lo, x);
#else
  return hn::IfThenElse(hn::Lt(x, lo), lo, x);
#endif
}
template <class V>
HWY_INLINE V clamp_keep_nan(V x, V lo, V hi) {
#if HWY_ARCH_X86 && HWY_TARGET != HWY_EMU128 && HWY_TARGET != HWY_SCALAR
  return hn::Min(hi, hn::Max(lo, x));
#else
  return hn::IfThenElse(hn::Gt(x, hi), hi, at_least_keep_nan(x, lo));
#endif
}

template <class D, class V>
HWY_INLINE V softplus_vec(D d, V x, double beta, double threshold) {
  using T = hn::TFromD<D>;
  const V bx = hn::Mul(x, hn::Set(d, static_cast<T>(beta)));
  // log1p(exp(bx)) / beta; beyond the threshold PyTorch returns x itself.
  const V sp = hn::Div(math::Log1p(d, math::Exp(d, hn::Min(bx, hn::Set(d, static_cast<T>(threshold))))),
                       hn::Set(d, static_cast<T>(beta)));
  return hn::IfThenElse(hn::Le(bx, hn::Set(d, static_cast<T>(threshold))), sp, x);  // NaN: x
}

template <class Op, class D, class V>
HWY_INLINE V apply_unary(D d, V x) {
  using T = hn::TFromD<D>;
  const V zero = hn::Zero(d);
  constexpr unary_op op = Op::op;
  if constexpr (op == unary_op::identity) {
    return x;
  } else if constexpr (op == unary_op::relu) {
    return at_least_keep_nan(x, zero);
  } else if constexpr (op == unary_op::relu6) {
    return clamp_keep_nan(x, zero, hn::Set(d, T(6)));
  } else if constexpr (op == unary_op::leaky_relu) {
    return hn::IfThenElse(hn::Gt(x, zero), x, hn::Mul(x, hn::Set(d, static_cast<T>(Op::alpha))));
  } else if constexpr (op == unary_op::elu) {
    const V neg = hn::Mul(hn::Set(d, static_cast<T>(Op::alpha)), math::Expm1(d, hn::Min(x, zero)));
    return hn::IfThenElse(hn::Le(x, zero), neg, x);  // NaN: x
  } else if constexpr (op == unary_op::selu) {
    const V neg = hn::Mul(hn::Set(d, static_cast<T>(selu_alpha)), math::Expm1(d, hn::Min(x, zero)));
    return hn::Mul(hn::Set(d, static_cast<T>(selu_scale)), hn::IfThenElse(hn::Le(x, zero), neg, x));
  } else if constexpr (op == unary_op::celu) {
    const V inv = hn::Set(d, static_cast<T>(1.0 / Op::alpha));
    const V neg = hn::Mul(hn::Set(d, static_cast<T>(Op::alpha)), math::Expm1(d, hn::Mul(hn::Min(x, zero), inv)));
    return hn::IfThenElse(hn::Le(x, zero), neg, x);
  } else if constexpr (op == unary_op::gelu_erf) {
    // 0.5 x erfc(-x / sqrt 2): keeps relative accuracy for large negative x.
    const V arg = hn::Mul(x, hn::Set(d, static_cast<T>(-0.70710678118654752440084436210485)));
    return hn::Mul(hn::Mul(hn::Set(d, T(0.5)), x), math::Erfc(d, arg));
  } else if constexpr (op == unary_op::gelu_tanh) {
    const V x3 = hn::Mul(hn::Mul(x, x), x);
    const V inner = hn::Mul(hn::Set(d, static_cast<T>(0.79788456080286535587989211986876)),
                            hn::MulAdd(hn::Set(d, static_cast<T>(0.044715)), x3, x));
    return hn::Mul(hn::Mul(hn::Set(d, T(0.5)), x), hn::Add(hn::Set(d, T(1)), math::Tanh(d, inner)));
  } else if constexpr (op == unary_op::sigmoid) {
    return math::Sigmoid(d, x);
  } else if constexpr (op == unary_op::hard_sigmoid) {
    const V y = hn::MulAdd(x, hn::Set(d, static_cast<T>(1.0 / 6.0)), hn::Set(d, T(0.5)));
    return clamp_keep_nan(y, zero, hn::Set(d, T(1)));
  } else if constexpr (op == unary_op::tanh) {
    return math::Tanh(d, x);
  } else if constexpr (op == unary_op::silu) {
    return hn::Mul(x, math::Sigmoid(d, x));
  } else if constexpr (op == unary_op::mish) {
    return hn::Mul(x, math::Tanh(d, softplus_vec(d, x, 1.0, 20.0)));
  } else if constexpr (op == unary_op::hard_swish) {
    const V r6 = clamp_keep_nan(hn::Add(x, hn::Set(d, T(3))), zero, hn::Set(d, T(6)));
    return hn::Div(hn::Mul(x, r6), hn::Set(d, T(6)));
  } else if constexpr (op == unary_op::softplus) {
    return softplus_vec(d, x, Op::alpha, Op::beta);
  } else if constexpr (op == unary_op::softsign) {
    return hn::Div(x, hn::Add(hn::Set(d, T(1)), hn::Abs(x)));
  } else {
    static_assert(op == unary_op::identity, "ctinfer: unary_op without a vector kernel");
    return x;
  }
}

// The per-channel values (at `values`) of the elements of a vector at (row, col).
template <class Op, class D>
HWY_INLINE hn::Vec<D> channel_vector(D d, const hn::TFromD<D>* HWY_RESTRICT values, std::size_t row,
                                     std::size_t col) {
  if constexpr (Op::mode == kernels::slope_mode::single)
    return hn::Set(d, values[0]);
  else if constexpr (Op::mode == kernels::slope_mode::per_column)
    return hn::LoadU(d, values + col);  // a panel of slack past the last channel
  else
    return hn::Set(d, values[row / Op::rows_per_channel]);
}

// One op of an epilogue on the vector at (row, col); `addend()` gives the vector a fused
// Residual add adds.
template <class Op, class D, class V, class Addend>
HWY_INLINE V apply_op(D d, V x, const hn::TFromD<D>* HWY_RESTRICT packed, std::size_t row,
                      std::size_t col, const Addend& addend) {
  if constexpr (requires { Op::adds_tensor; }) {
    (void)packed, (void)row, (void)col;
    return hn::Add(x, addend());
  } else if constexpr (Op::op == unary_op::prelu) {
    const V slope = channel_vector<Op>(d, packed + Op::offset, row, col);
    return hn::IfThenElse(hn::Gt(x, hn::Zero(d)), x, hn::Mul(x, slope));
  } else if constexpr (Op::op == unary_op::batch_norm) {
    const V scale = channel_vector<Op>(d, packed + Op::offset, row, col);
    const V shift = channel_vector<Op>(d, packed + Op::offset + Op::stride, row, col);
    return hn::MulAdd(x, scale, shift);
  } else {
    (void)packed, (void)row, (void)col, (void)addend;
    return apply_unary<Op>(d, x);
  }
}

template <class... Ops, class D, class V, class Addend>
HWY_INLINE V apply_epilogue(kernels::epilogue<Ops...>, [[maybe_unused]] D d, V x,
                            [[maybe_unused]] const hn::TFromD<D>* HWY_RESTRICT packed,
                            [[maybe_unused]] std::size_t row, [[maybe_unused]] std::size_t col,
                            [[maybe_unused]] const Addend& addend) {
  ((x = apply_op<Ops>(d, x, packed, row, col, addend)), ...);
  return x;
}

// Store the first `count` lanes of v (no StoreN in Highway 1.0.3). Where masked memory
// operations never fault (AVX-512, SVE, RVV), one masked store; elsewhere through a buffer,
// so nothing past out[count - 1] is touched. (On AVX-512 the buffer's scalar copies cost a
// store-forwarding stall per vector: an 8-channel max pool ran 10x slower than on AVX2.)
template <class D, class V>
HWY_INLINE void store_first(D d, V v, hn::TFromD<D>* HWY_RESTRICT out, std::size_t count) {
  if (count >= hn::Lanes(d)) {
    hn::StoreU(v, d, out);
    return;
  }
#if !HWY_MEM_OPS_MIGHT_FAULT
  hn::BlendedStore(v, hn::FirstN(d, count), d, out);
#else
  HWY_ALIGN hn::TFromD<D> tmp[hn::MaxLanes(d)];
  hn::Store(v, d, tmp);
  for (std::size_t i = 0; i < count; ++i) out[i] = tmp[i];
#endif
}

// Load the first `count` lanes, the rest set to `fill`; never reads past in[count - 1].
template <class D>
HWY_INLINE hn::Vec<D> load_first(D d, const hn::TFromD<D>* HWY_RESTRICT in, std::size_t count,
                                 hn::TFromD<D> fill) {
  if (count >= hn::Lanes(d)) return hn::LoadU(d, in);
#if !HWY_MEM_OPS_MIGHT_FAULT
  const auto first = hn::FirstN(d, count);
  return hn::IfThenElse(first, hn::MaskedLoad(first, d, in), hn::Set(d, fill));
#else
  HWY_ALIGN hn::TFromD<D> tmp[hn::MaxLanes(d)];
  for (std::size_t i = 0; i < hn::MaxLanes(d); ++i) tmp[i] = i < count ? in[i] : fill;
  return hn::Load(d, tmp);
#endif
}

// y = epilogue(x) over a (Rows, Cols) view; y may equal x. `addend` (or null): the tensor a
// fused Residual add reads, indexed as y.
template <std::size_t Rows, std::size_t Cols, class Epilogue, class T>
HWY_INLINE void elementwise(const T* x, T* y, const T* HWY_RESTRICT packed, const T* HWY_RESTRICT addend) {
  const hn::CappedTag<T, kernels::lanes_for<T>(Cols)> d;  // PReLU slopes are padded to a panel
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  for (std::size_t r = 0; r < Rows; ++r) {
    const T* xr = x + r * Cols;
    T* yr = y + r * Cols;
    std::size_t c = 0;
    for (; c + L <= Cols; c += L) {
      auto add = [&] { return hn::LoadU(d, addend + r * Cols + c); };
      hn::StoreU(apply_epilogue(Epilogue{}, d, hn::LoadU(d, xr + c), packed, r, c, add), d, yr + c);
    }
    if (c < Cols) {
      auto add = [&] { return load_first(d, addend + r * Cols + c, Cols - c, T(0)); };
      const auto v = load_first(d, xr + c, Cols - c, T(0));
      store_first(d, apply_epilogue(Epilogue{}, d, v, packed, r, c, add), yr + c, Cols - c);
    }
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_ACTIVATION_INL_H_
