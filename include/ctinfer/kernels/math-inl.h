// ctinfer: per-target SIMD elementwise math (Highway).
//
//   namespace ctinfer::HWY_NAMESPACE::math
//     Exp, Expm1, Log1p, Tanh, Sigmoid, Erf, Erfc
//   each `template <class D, class V> HWY_INLINE V Name(D d, V x)` for float
//   and double lanes, on every Highway target (HWY_SCALAR included: no
//   Repartition/widening, no arrays of vectors, no 1.0.4+ ops).
//
// Accuracy: max error in ulp of the correctly rounded result, measured on
// SCALAR (GCC) / EMU128 (Clang), SSSE3, SSE4 and AVX2 (a machine without
// AVX-512; tests/test_math.cpp's sweeps also pass on AVX3, run on an AVX-512
// Xeon; AVX3_DL is compiled, not run). Float: every 5th
// bit pattern of all 2^32 (both signs, all binades), against long double
// libm; double: 1.6e7 random points per function (whole range, [-3, 3],
// binades down to 2^-75) against long double libm. Same bounds on aarch64
// NEON and SVE (qemu, 6e4 points per type, static dispatch).
// tests/test_math.cpp checks these bounds on its own sweeps against
// ctinfer::detail::cmath.
//
//                 float   double
//   Exp             1       1
//   Expm1           1       1
//   Log1p           1       1
//   Tanh            2       2
//   Sigmoid         2       2
//   Erf             1       1
//   Erfc            2       2     relative, also for large x (tiny results);
//                                 results in the subnormal range are within
//                                 1 subnormal ulp (absolute).
// Targets without FMA (SCALAR, EMU128, SSSE3, SSE4: MulAdd rounds twice)
// reach the same bounds.
//
// Special values: NaN propagates; +-0 keep their sign where the function is
// odd (and in Expm1, Log1p); Exp/Expm1 overflow to +inf; Exp, Sigmoid, Erfc
// underflow to 0 through the subnormals; Tanh, Erf saturate to +-1, Erfc to
// 0 and 2, Sigmoid to 0 and 1 (no NaN at +-inf), Expm1 to -1;
// Log1p(-1) = -inf, Log1p(x < -1) = NaN.
//
// Methods:
//   e^x: k = round(x/ln2) (shift trick), r = x - k ln2 with ln2 in two parts
//     (Cody-Waite: k ln2hi is exact) and the rounding error c of r kept,
//     e^r - 1 = r + tail, tail = r^2 P(r) + c; 2^k is applied as two exact
//     power-of-two factors, so that results in the subnormal range round once.
//   Expm1: ((2^k - 1) + 2^k r) + 2^k tail, or the Exp form once 2^k dwarfs 1.
//   Log1p: u = 1 + x and its exact rounding error (2Sum), u = 2^e m with
//     m in [sqrt(1/2), sqrt(2)), log m = f - f^2/2 + s (f^2/2 + z Q(z)),
//     s = f / (2 + f), z = s^2 (fdlibm's decomposition), plus err/u.
//   Tanh: e / (e + 2) with e = expm1(2|x|), |x| clamped where tanh rounds to 1.
//   Sigmoid: e = exp(-|x|); 1/(1+e) for x >= 0, e/(1+e) for x < 0.
//   Erf, Erfc: |x| < 0.84375: erf = x + x E(x^2), erfc = (1 - x) - x E(x^2).
//     Beyond: erfc(|x|) = exp(-x^2) H(t - tc) / (1 + |x|), t = 1/(1 + |x|).
//     exp(-x^2) gets x^2 as z^2 + (x-z)(x+z) with z = x rounded to half the
//     mantissa bits, so the exponential's argument carries no rounding error
//     (relative accuracy for large x: GELU uses erfc(-x/sqrt2) for x < 0);
//     the rounding errors of 1 + |x|, of H's leading terms and (with FMA) of
//     the division are carried as corrections. erf = 1 - erfc,
//     erfc(-x) = 2 - erfc(x).
//
// The polynomial coefficients (P, Q, E, H and its shift tc) are minimax fits
// made by tools/fit_math_coefficients.py (mpmath, Remez exchange); regenerate
// them with it rather than editing them by hand.

// ------------------------------------------------- target-independent part
#ifndef CTINFER_KERNELS_MATH_COEFFS_H_
#define CTINFER_KERNELS_MATH_COEFFS_H_

#include <cstddef>
#include <cstdint>
#include <limits>

namespace ctinfer::detail::simd_math {

template <typename T>
struct Consts;

template <>
struct Consts<float> {
  using Int = std::int32_t;
  static constexpr int kMantBits = 23;
  static constexpr Int kBias = 127;
  static constexpr float kShift = 12582912.0f;  // 1.5 * 2^23: round to integer
  static constexpr float kLog2e = 1.44269504088896341f;
  // k * kLn2Hi is exact for |k| < 2^9 (kLn2Hi has 15 significant bits).
  static constexpr float kLn2Hi = 0.693145751953125f;
  static constexpr float kLn2Lo = 1.42860676533018704e-6f;
  static constexpr float kExpMin = -104.0f;   // e^-104 < 2^-150: 0
  static constexpr float kExpMax = 89.0f;     // e^89 > FLT_MAX: inf
  static constexpr float kExpm1Min = -18.0f;  // expm1(-18) rounds to -1
  static constexpr float kExpm1Max = 89.0f;
  static constexpr float kExpm1BigK = 40.0f;  // from 2^40 on, the -1 is negligible
  static constexpr float kExpm1Tiny = 0x1p-26f;  // expm1(x) = x below
  static constexpr Int kSqrtHalfBits = 0x3F3504F3;  // sqrt(1/2)
  static constexpr Int kOneBits = 0x3F800000;
  static constexpr Int kMantMask = 0x007FFFFF;
  static constexpr float kLog1pTiny = 0x1p-26f;  // log1p(x) = x below
  static constexpr float kTanhMax = 9.1f;        // tanh rounds to 1 beyond
  static constexpr std::uint32_t kHalfMantMask = 0xFFFFF000u;  // 12 significant bits
  static constexpr float kErfSplit = 0.84375f;
  static constexpr float kErfcMax = 10.1f;  // erfc underflows to 0 beyond

  // ---- generated by tools/fit_math_coefficients.py (float)
  // e^r = 1 + r + r^2 P(r), |r| <= ln2/2: log2 err -30.9
  static constexpr float kExpP[6] = {0.5f, 0.166666657f, 0.0416664965f, 0.00833352469f, 0.00139320712f, 0.000197798479f};
  // log(1+f) = f - hfsq + s (hfsq + z Q(z)), z = s^2 <= 0.0295: log2 err -29.2
  static constexpr float kLogQ[3] = {0.666667759f, 0.399775535f, 0.298721284f};
  // erf(x) = x + x E(x^2), |x| <= 0.84375: log2 err -27.2
  static constexpr float kErfE[6] = {0.128379166f, -0.376125932f, 0.112829119f, -0.0268095359f, 0.00506188255f, -0.000637497287f};
  // erfc(x) = exp(-x^2) t H(t - tc), t = 1/(1 + x), 0.84375 <= x <= 10.1, tc = 0.3125: log2 err -29.5
  static constexpr float kErfcH[10] = {0.753897488f, 0.59465158f, -0.218278661f, -0.484883606f, 0.491987079f, 0.335468382f, -1.15843391f, 0.677079499f, 1.58855617f, -2.86606932f};
  // low parts of the first two coefficients of H
  static constexpr float kErfcHLo[2] = {-3.84881416e-09f, 1.85355553e-08f};
  static constexpr float kErfcTc = 0.3125f;
};

template <>
struct Consts<double> {
  using Int = std::int64_t;
  static constexpr int kMantBits = 52;
  static constexpr Int kBias = 1023;
  static constexpr double kShift = 6755399441055744.0;  // 1.5 * 2^52
  static constexpr double kLog2e = 1.4426950408889634;
  // k * kLn2Hi is exact for |k| < 2^20 (kLn2Hi has 33 significant bits).
  static constexpr double kLn2Hi = 6.93147180369123816490e-01;
  static constexpr double kLn2Lo = 1.90821492927058770002e-10;
  static constexpr double kExpMin = -746.0;
  static constexpr double kExpMax = 710.0;
  static constexpr double kExpm1Min = -38.0;  // expm1(-38) rounds to -1
  static constexpr double kExpm1Max = 710.0;
  static constexpr double kExpm1BigK = 80.0;
  static constexpr double kExpm1Tiny = 0x1p-55;
  static constexpr Int kSqrtHalfBits = 0x3FE6A09E667F3BCDll;
  static constexpr Int kOneBits = 0x3FF0000000000000ll;
  static constexpr Int kMantMask = 0x000FFFFFFFFFFFFFll;
  static constexpr double kLog1pTiny = 0x1p-55;
  static constexpr double kTanhMax = 19.5;
  static constexpr std::uint64_t kHalfMantMask = 0xFFFFFFFFF8000000ull;  // 26 bits
  static constexpr double kErfSplit = 0.84375;
  static constexpr double kErfcMax = 27.3;

  // ---- generated by tools/fit_math_coefficients.py (double)
  // e^r = 1 + r + r^2 P(r), |r| <= ln2/2: log2 err -61.3
  static constexpr double kExpP[11] = {0.5, 0.16666666666666677, 0.041666666666666685, 0.0083333333333218736, 0.0013888888888899395, 0.00019841269885119777, 2.4801587259709013e-05, 2.7557245330396472e-06, 2.7557349898020221e-07, 2.5108650053479011e-08, 2.0887035239503491e-09};
  // log(1+f) = f - hfsq + s (hfsq + z Q(z)), z = s^2 <= 0.0295: log2 err -58.5
  static constexpr double kLogQ[7] = {0.66666666666667351, 0.39999999999408742, 0.28571428743912441, 0.2222219839871887, 0.18183574231304719, 0.15313777424774852, 0.14798866683422923};
  // erf(x) = x + x E(x^2), |x| <= 0.84375: log2 err -56.3
  static constexpr double kErfE[12] = {0.12837916709551259, -0.37612638903184165, 0.11283791670977801, -0.026866170650007612, 0.005223977679288911, -0.0008548330493248523, 0.00012055472262329953, -1.4929232173920033e-05, 1.6520961277878506e-06, -1.6958533893605238e-07, 1.805879559731886e-08, -1.866708800591203e-09};
  // erfc(x) = exp(-x^2) t H(t - tc), t = 1/(1 + x), 0.84375 <= x <= 27.3, tc = 0.28125: log2 err -59.8
  static constexpr double kErfcH[26] = {0.73511671516655119, 0.60681518582829752, -0.17005803067125611, -0.54236940185825877, 0.42210513378722803, 0.56236192034861598, -1.2622171825363577, 0.23672915520925511, 2.5233576001096254, -4.1939037063527822, 0.082707436470861179, 11.387631273280853, -21.109174904402771, 6.5543057821246098, 53.08681316964546, -134.86761447909868, 122.74417577163194, 178.37944337665678, -894.76713544667223, 1693.0365736394701, -503.21991623558256, -7086.5812100621042, 16836.726475804906, -1196.6864351550519, -43142.822289747455, 44254.326346708382};
  // low parts of the first two coefficients of H
  static constexpr double kErfcHLo[2] = {-1.9431303389338016e-17, -4.1280419136029547e-17};
  static constexpr double kErfcTc = 0.28125;
};

}  // namespace ctinfer::detail::simd_math

#endif  // CTINFER_KERNELS_MATH_COEFFS_H_

// ------------------------------------------------- per-target part
#if defined(CTINFER_KERNELS_MATH_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_MATH_INL_H_
#undef CTINFER_KERNELS_MATH_INL_H_
#else
#define CTINFER_KERNELS_MATH_INL_H_
#endif

#include <bit>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {
namespace math {

namespace hn = hwy::HWY_NAMESPACE;

namespace impl {

template <class D>
using C = ::ctinfer::detail::simd_math::Consts<hn::TFromD<D>>;

// Horner: c[kFirst] + t (c[kFirst + 1] + t (c[kFirst + 2] + ...)).
template <size_t kFirst = 0, class D, class V, size_t N>
HWY_INLINE V Poly(D d, V t, const hn::TFromD<D> (&c)[N]) {
  static_assert(kFirst < N, "empty polynomial");
  V p = hn::Set(d, c[N - 1]);
  for (size_t i = N - 1; i != kFirst; --i) p = hn::MulAdd(p, t, hn::Set(d, c[i - 1]));
  return p;
}

// The same polynomial in Estrin's order: the two halves joined by a power of t (t, t^2, t^4
// or t^8), so its depth grows with log2 of the degree, not the degree (double exp's 11
// coefficients: 5 dependent operations instead of 10). The powers are separate arguments,
// not an array: SVE's vectors cannot be array elements.
template <size_t A, size_t Count, class D, class V, size_t N>
HWY_INLINE V EstrinRange(D d, V t, V t2, V t4, V t8, const hn::TFromD<D> (&c)[N]) {
  if constexpr (Count == 1) {
    return hn::Set(d, c[A]);
  } else {
    constexpr size_t half = std::bit_floor(Count - 1);  // the largest power of two below Count
    static_assert(half <= 8, "PolyEstrin: at most 16 coefficients");
    const V power = half == 1 ? t : half == 2 ? t2 : half == 4 ? t4 : t8;
    return hn::MulAdd(EstrinRange<A + half, Count - half>(d, t, t2, t4, t8, c), power,
                      EstrinRange<A, half>(d, t, t2, t4, t8, c));
  }
}
template <class D, class V, size_t N>
HWY_INLINE V PolyEstrin(D d, V t, const hn::TFromD<D> (&c)[N]) {
  const V t2 = hn::Mul(t, t);
  const V t4 = hn::Mul(t2, t2);
  return EstrinRange<0, N>(d, t, t2, t4, hn::Mul(t4, t4), c);
}

// 2^k as a float for integer lanes k in the normal exponent range.
template <class D, class VI>
HWY_INLINE hn::Vec<D> Pow2I(D d, VI k) {
  const hn::RebindToSigned<D> di;
  return hn::BitCast(d, hn::ShiftLeft<C<D>::kMantBits>(hn::Add(k, hn::Set(di, C<D>::kBias))));
}

// y * 2^k for k in [2 - 2 bias, 2 bias]: two exact factors, so a result in
// the subnormal range is rounded once.
template <class D, class V, class VI>
HWY_INLINE V MulPow2(D d, V y, VI k) {
  const VI k1 = hn::ShiftRight<1>(k);
  const VI k2 = hn::Sub(k, k1);
  return hn::Mul(hn::Mul(y, Pow2I(d, k1)), Pow2I(d, k2));
}

// e^(hi + lo) = 2^k (1 + r + tail); returns r (|r| <= 0.35) and sets tail
// (|tail| <= 0.07), k (integer lanes) and kf (the same as floating point).
// lo is a small tail of hi (or 0); hi + lo must lie in [kExpMin, kExpMax].
template <class D, class V, class VI>
HWY_INLINE V ExpCore(D d, V hi, V lo, VI& k, V& kf, V& tail) {
  const hn::RebindToSigned<D> di;
  const V shift = hn::Set(d, C<D>::kShift);
  const V t = hn::MulAdd(hn::Add(hi, lo), hn::Set(d, C<D>::kLog2e), shift);
  kf = hn::Sub(t, shift);
  k = hn::Sub(hn::BitCast(di, t), hn::BitCast(di, shift));
  const V rhi = hn::NegMulAdd(kf, hn::Set(d, C<D>::kLn2Hi), hi);  // exact
  const V rlo = hn::NegMulAdd(kf, hn::Set(d, C<D>::kLn2Lo), lo);
  const V r = hn::Add(rhi, rlo);
  const V c = hn::Add(hn::Sub(rhi, r), rlo);  // rounding error of r
  // Double's 11 coefficients in Estrin's order: a shorter chain for the double recurrent
  // cells, which wait on their gate functions (LSTM 64: 1407 -> 1394 ns per step, GRU 64
  // 1047 -> 1012). Float's 6 stay in Horner's, which its error bounds were measured with.
  if constexpr (sizeof(hn::TFromD<D>) == 8)
    tail = hn::MulAdd(hn::Mul(r, r), PolyEstrin(d, r, C<D>::kExpP), c);
  else
    tail = hn::MulAdd(hn::Mul(r, r), Poly(d, r, C<D>::kExpP), c);
  return r;
}

// e^x for x already clamped to [kExpMin, kExpMax] (no NaN handling).
template <class D, class V>
HWY_INLINE V ExpClamped(D d, V x) {
  hn::Vec<hn::RebindToSigned<D>> k;
  V kf, tail;
  const V r = ExpCore(d, x, hn::Zero(d), k, kf, tail);
  return MulPow2(d, hn::Add(hn::Set(d, 1), hn::Add(r, tail)), k);
}

// e^x - 1 for x already clamped to [kExpm1Min, kExpm1Max] (no NaN handling;
// may lose the sign of -0).
template <class D, class V>
HWY_INLINE V Expm1Clamped(D d, V x) {
  const hn::RebindToSigned<D> di;
  using VI = hn::Vec<decltype(di)>;
  VI k;
  V kf, tail;
  const V r = ExpCore(d, x, hn::Zero(d), k, kf, tail);
  const V one = hn::Set(d, 1);
  // k < kBigK: ((2^k - 1) + 2^k r) + 2^k tail; the first sum is exact or
  // nearly so (2^k r is exact), the tail is small.
  const VI kc = hn::Min(k, hn::Set(di, static_cast<typename C<D>::Int>(C<D>::kExpm1BigK)));
  const V s = Pow2I(d, kc);
  const V y_small = hn::MulAdd(s, tail, hn::MulAdd(s, r, hn::Sub(s, one)));
  // k >= kBigK: the -1 is far below half an ulp; 2^k may overflow to inf.
  const V y_big = MulPow2(d, hn::Add(one, hn::Add(r, tail)), k);
  return hn::IfThenElse(hn::Ge(kf, hn::Set(d, C<D>::kExpm1BigK)), y_big, y_small);
}

// erfc(x) for x in [kErfSplit, kErfcMax].
template <class D, class V>
HWY_INLINE V ErfcLarge(D d, V x) {
  const hn::RebindToUnsigned<D> du;
  using VI = hn::Vec<hn::RebindToSigned<D>>;
  const V one = hn::Set(d, 1);
  // x^2 = z^2 + (x - z)(x + z), z^2 exact: exp(-x^2) without argument rounding.
  const V z = hn::And(x, hn::BitCast(d, hn::Set(du, C<D>::kHalfMantMask)));
  const V hi = hn::Neg(hn::Mul(z, z));
  const V lo = hn::Neg(hn::Mul(hn::Sub(x, z), hn::Add(x, z)));
  VI k;
  V kf, tail;
  const V r = ExpCore(d, hi, lo, k, kf, tail);
  const V em1 = hn::Add(r, tail);
  // erfc(x) e^(x^2) = H(t - tc) / q, q = 1 + x, t = 1/q. The rounding error
  // eq of q is known (2Sum); t enters only through H, which depends little on
  // it (d log H / d log t <= 0.3).
  const V q = hn::Add(one, x);
  const V bb = hn::Sub(q, x);
  const V eq = hn::Add(hn::Sub(x, hn::Sub(q, bb)), hn::Sub(one, bb));
  const V t = hn::Div(one, q);
  // H(u) = (c0 + c0lo) + u ((c1 + c1lo) + u R(u)), u = t - tc: the first two
  // coefficients carry low parts; H = hh + hl (Fast2Sum).
  const V u = hn::Sub(t, hn::Set(d, C<D>::kErfcTc));
  const V h1 = hn::Add(hn::Set(d, C<D>::kErfcH[1]),
                       hn::MulAdd(u, Poly<2>(d, u, C<D>::kErfcH), hn::Set(d, C<D>::kErfcHLo[1])));
  const V c0 = hn::Set(d, C<D>::kErfcH[0]);
  const V hlow = hn::MulAdd(u, h1, hn::Set(d, C<D>::kErfcHLo[0]));
  const V hh = hn::Add(c0, hlow);
  const V hl = hn::Add(hn::Sub(c0, hh), hlow);
  // y = (hh + hl) / (q + eq) * (1 + em1) = y0 + (y0 + s) em1 + s, with
  // y0 = hh / q and the small s = (hl - y0 eq + rho) t, where rho = hh - y0 q
  // is the division's remainder (exact only with a fused MulAdd).
  const V y0 = hn::Div(hh, q);
#if HWY_NATIVE_FMA
  const V rho = hn::NegMulAdd(y0, q, hh);
  const V s = hn::Mul(hn::Add(hn::NegMulAdd(y0, eq, hl), rho), t);
#else
  const V s = hn::Mul(hn::NegMulAdd(y0, eq, hl), t);
#endif
  const V y = hn::Add(y0, hn::MulAdd(y0, em1, hn::MulAdd(s, em1, s)));
  return MulPow2(d, y, k);
}

}  // namespace impl

// e^x. Max error: float 1 ulp, double 1 ulp.
template <class D, class V>
HWY_INLINE V Exp(D d, V x) {
  const V xc = hn::Min(hn::Max(x, hn::Set(d, impl::C<D>::kExpMin)),
                       hn::Set(d, impl::C<D>::kExpMax));
  const V y = impl::ExpClamped(d, xc);
  return hn::IfThenElse(hn::IsNaN(x), x, y);
}

// e^x - 1. Max error: float 1 ulp, double 1 ulp.
template <class D, class V>
HWY_INLINE V Expm1(D d, V x) {
  const V xc = hn::Min(hn::Max(x, hn::Set(d, impl::C<D>::kExpm1Min)),
                       hn::Set(d, impl::C<D>::kExpm1Max));
  V y = impl::Expm1Clamped(d, xc);
  y = hn::IfThenElse(hn::Lt(hn::Abs(x), hn::Set(d, impl::C<D>::kExpm1Tiny)), x, y);
  return hn::IfThenElse(hn::IsNaN(x), x, y);
}

// log(1 + x). Max error: float 1 ulp, double 1 ulp.
template <class D, class V>
HWY_INLINE V Log1p(D d, V x) {
  using T = hn::TFromD<D>;
  using Int = typename impl::C<D>::Int;
  const hn::RebindToSigned<D> di;
  using VI = hn::Vec<decltype(di)>;
  const V one = hn::Set(d, 1);
  const V u = hn::Add(x, one);
  // err = 1 + x - u exactly (2Sum).
  const V bb = hn::Sub(u, one);
  const V err = hn::Add(hn::Sub(one, hn::Sub(u, bb)), hn::Sub(x, bb));
  // u = 2^e m, m in [sqrt(1/2), sqrt(2)).
  const VI ui = hn::Add(hn::BitCast(di, u),
                        hn::Set(di, static_cast<Int>(impl::C<D>::kOneBits - impl::C<D>::kSqrtHalfBits)));
  const VI e = hn::Sub(hn::ShiftRight<impl::C<D>::kMantBits>(ui), hn::Set(di, impl::C<D>::kBias));
  const V m = hn::BitCast(d, hn::Add(hn::And(ui, hn::Set(di, impl::C<D>::kMantMask)),
                                     hn::Set(di, impl::C<D>::kSqrtHalfBits)));
  const V shift = hn::Set(d, impl::C<D>::kShift);  // e as floating point, exactly
  const V ef = hn::Sub(hn::BitCast(d, hn::Add(hn::BitCast(di, shift), e)), shift);
  const V f = hn::Sub(m, one);
  const V s = hn::Div(f, hn::Add(f, hn::Set(d, 2)));
  const V z = hn::Mul(s, s);
  const V r = hn::Mul(z, impl::Poly(d, z, impl::C<D>::kLogQ));
  const V hfsq = hn::Mul(hn::Set(d, static_cast<T>(0.5)), hn::Mul(f, f));
  const V cu = hn::Div(err, u);
  const V inner = hn::MulAdd(s, hn::Add(hfsq, r), hn::MulAdd(ef, hn::Set(d, impl::C<D>::kLn2Lo), cu));
  V y = hn::MulAdd(ef, hn::Set(d, impl::C<D>::kLn2Hi), hn::Sub(f, hn::Sub(hfsq, inner)));
  // Special cases.
  const V inf = hn::Set(d, std::numeric_limits<T>::infinity());
  y = hn::IfThenElse(hn::Eq(x, inf), inf, y);
  y = hn::IfThenElse(hn::Eq(x, hn::Set(d, -1)), hn::Neg(inf), y);
  y = hn::IfThenElse(hn::Lt(x, hn::Set(d, -1)), hn::Set(d, std::numeric_limits<T>::quiet_NaN()), y);
  y = hn::IfThenElse(hn::Lt(hn::Abs(x), hn::Set(d, impl::C<D>::kLog1pTiny)), x, y);
  return hn::IfThenElse(hn::IsNaN(x), x, y);
}

// tanh(x). Max error: float 2 ulp, double 2 ulp.
template <class D, class V>
HWY_INLINE V Tanh(D d, V x) {
  const V ax = hn::Min(hn::Abs(x), hn::Set(d, impl::C<D>::kTanhMax));
  const V e = impl::Expm1Clamped(d, hn::Add(ax, ax));
  const V t = hn::Div(e, hn::Add(e, hn::Set(d, 2)));
  return hn::IfThenElse(hn::IsNaN(x), x, hn::CopySignToAbs(t, x));
}

// 1 / (1 + e^-x), without overflow. Max error: float 2 ulp, double 2 ulp.
template <class D, class V>
HWY_INLINE V Sigmoid(D d, V x) {
  const V one = hn::Set(d, 1);
  const V nax = hn::Max(hn::Neg(hn::Abs(x)), hn::Set(d, impl::C<D>::kExpMin));
  const V e = impl::ExpClamped(d, nax);  // e^-|x| in (0, 1]
  const V num = hn::IfThenElse(hn::Lt(x, hn::Zero(d)), e, one);
  const V y = hn::Div(num, hn::Add(one, e));
  return hn::IfThenElse(hn::IsNaN(x), x, y);
}

// Fast float tanh and sigmoid for gates (GateTanh, GateSigmoid below), whose per-step time is
// mostly the latency of these functions: x P(x^2) / Q(x^2) on |x| <= 9 (beyond, tanh(9) =
// 1 - 3e-8), a rational fitted for this library by weighted least squares on the relative
// error. 16 operations and one division, against about 30 for Tanh. The degree-4 polynomials are
// evaluated in Estrin's order (depth 3 instead of Horner's 4), and the sigmoid folds its
// x / 2 and (1 + t) / 2 into the coefficients, so neither adds to the latency.
namespace rational {
// tanh(y) ~ y P(y^2) / Q(y^2); the coefficients of P and Q, constant term (1) last.
inline constexpr float kP[5] = {0x1.021d2ep-26f, 0x1.6e2b02p-16f, 0x1.d3e66cp-9f, 0x1.1353p-3f, 1.0f};
inline constexpr float kQ[5] = {0x1.c662fep-21f, 0x1.653af8p-12f, 0x1.ac98dap-6f, 0x1.defed4p-2f, 1.0f};
// (c[0] z^4 + c[1] z^3 + c[2] z^2 + c[3] z + c[4]) * factor, with z^i scaled by scale^i
// (powers of two here, so the scaled coefficients are exact); z2 = z * z.
template <class D, class V>
HWY_INLINE V Estrin4(D d, const float (&c)[5], float scale, float factor, V z, V z2) {
  const float s2 = scale * scale;
  const V lo = hn::MulAdd(hn::Set(d, c[3] * scale * factor), z, hn::Set(d, c[4] * factor));
  const V mid = hn::MulAdd(hn::Set(d, c[1] * s2 * scale * factor), z, hn::Set(d, c[2] * s2 * factor));
  const V z4 = hn::Mul(z2, z2);
  return hn::MulAdd(hn::Set(d, c[0] * s2 * s2 * factor), z4, hn::MulAdd(mid, z2, lo));
}
}  // namespace rational

// Max error over all 2^32 floats: 4.15e-7 (relative) with FMA, 4.29e-7 without (SSE4).
// NaN stays NaN.
template <class D, class V>
HWY_INLINE V TanhRational(D d, V x) {
  static_assert(sizeof(hn::TFromD<D>) == 4, "float only: double uses Tanh");
  const V xc = hn::Max(hn::Set(d, -9.0f), hn::Min(hn::Set(d, 9.0f), x));
  const V z = hn::Mul(xc, xc), z2 = hn::Mul(z, z);
  const V p = rational::Estrin4(d, rational::kP, 1.0f, 1.0f, z, z2);
  const V q = rational::Estrin4(d, rational::kQ, 1.0f, 1.0f, z, z2);
  // Min and Max may drop a NaN (they do on the scalar target and RISC-V), so it is put back.
  return hn::IfThenElse(hn::IsNaN(x), x, hn::Div(hn::Mul(xc, p), q));
}
// sigmoid(x) = (1 + tanh(x / 2)) / 2 = (Q(x^2/4) / 2 + x P(x^2/4) / 4) / Q(x^2/4). Scaling
// the coefficients by powers of two is exact, so this is (1 + TanhRational(x / 2)) / 2 up to
// the last roundings, one operation shorter. Max error over all floats: 2.18e-7 (absolute)
// with FMA, 2.64e-7 without (SSE4).
template <class D, class V>
HWY_INLINE V SigmoidRational(D d, V x) {
  const V xc = hn::Max(hn::Set(d, -18.0f), hn::Min(hn::Set(d, 18.0f), x));
  const V z = hn::Mul(xc, xc), z2 = hn::Mul(z, z);
  const V p = rational::Estrin4(d, rational::kP, 0.25f, 0.25f, z, z2);   // P(z / 4) / 4
  const V qh = rational::Estrin4(d, rational::kQ, 0.25f, 0.5f, z, z2);   // Q(z / 4) / 2
  return hn::IfThenElse(hn::IsNaN(x), x, hn::Div(hn::MulAdd(xc, p, qh), hn::Add(qh, qh)));
}

// The gate functions of the recurrent cells and of GLU / GatedTanh, whose streamed per-step
// time is mostly the latency of these functions: the rational forms in float (over all floats
// within 4.3e-7 of tanh, relative, and 2.7e-7 of sigmoid, absolute), the accurate ones (2 ulp)
// in double. (Calls qualified with math::, as unqualified ones would also find Highway's own
// Tanh through argument-dependent lookup.)
template <class D, class V>
HWY_INLINE V GateSigmoid(D d, V x) {
  if constexpr (sizeof(hn::TFromD<D>) == 4)
    return math::SigmoidRational(d, x);
  else
    return math::Sigmoid(d, x);
}
template <class D, class V>
HWY_INLINE V GateTanh(D d, V x) {
  if constexpr (sizeof(hn::TFromD<D>) == 4)
    return math::TanhRational(d, x);
  else
    return math::Tanh(d, x);
}

// erf(x). Max error: float 1 ulp, double 1 ulp.
template <class D, class V>
HWY_INLINE V Erf(D d, V x) {
  const V ax = hn::Abs(x);
  const V split = hn::Set(d, impl::C<D>::kErfSplit);
  const V small = hn::MulAdd(x, impl::Poly(d, hn::Mul(x, x), impl::C<D>::kErfE), x);
  const V axc = hn::Min(hn::Max(ax, split), hn::Set(d, impl::C<D>::kErfcMax));
  const V large = hn::CopySignToAbs(hn::Sub(hn::Set(d, 1), impl::ErfcLarge(d, axc)), x);
  const V y = hn::IfThenElse(hn::Lt(ax, split), small, large);
  return hn::IfThenElse(hn::IsNaN(x), x, y);
}

// erfc(x), accurate in relative terms (also for large x, where it is tiny).
// Max error: float 2 ulp, double 2 ulp.
template <class D, class V>
HWY_INLINE V Erfc(D d, V x) {
  const V one = hn::Set(d, 1);
  const V ax = hn::Abs(x);
  const V split = hn::Set(d, impl::C<D>::kErfSplit);
  // (1 - x) is exact for x in [0.5, 0.84375]; the rest is small.
  const V small = hn::NegMulAdd(x, impl::Poly(d, hn::Mul(x, x), impl::C<D>::kErfE), hn::Sub(one, x));
  const V axc = hn::Min(hn::Max(ax, split), hn::Set(d, impl::C<D>::kErfcMax));
  const V big = impl::ErfcLarge(d, axc);
  const V large = hn::IfThenElse(hn::Lt(x, hn::Zero(d)), hn::Sub(hn::Set(d, 2), big), big);
  const V y = hn::IfThenElse(hn::Lt(ax, split), small, large);
  return hn::IfThenElse(hn::IsNaN(x), x, y);
}

}  // namespace math
}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_MATH_INL_H_
