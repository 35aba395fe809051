// ctinfer: constexpr elementary functions on double.
//
// These are the scalar reference ("oracle") math functions of the library: the
// constexpr forward passes of the layers and the kernel tests use them. They
// evaluate in constant expressions (GCC >= 12, Clang >= 14) and at run time
// give the same results. Accuracy matters more than speed here: every function
// computes its result in double-double arithmetic (about 2^-100 relative) up to
// a final rounding, so results are within about 0.52 ulp of the exact value
// (i.e. correctly rounded in all but rare near-halfway cases). Measured against
// glibc (tests/test_math.cpp): max 1 ulp, except tanh 2 ulp and erfc 3 ulp,
// where glibc itself is 1.7 and 2.8 ulp off (checked with mpmath).
//
// Special values follow C99 Annex F: NaN propagates, +-0 keep their sign where
// the function is odd, +-inf give the limits, overflow gives +inf and underflow
// gives 0 (results in the subnormal range are rounded to the subnormal grid,
// possibly with a double rounding, i.e. within 1 subnormal ulp).
//
// Contraction safe: the exact product (two_prod) splits with bit masks and, at
// run time, pins the rounded product with an empty asm, so -ffp-contract=fast
// with FMA hardware (the default on aarch64 and with -march=x86-64-v3) does
// not break the double-double arithmetic; it may change the last bit of a
// result relative to constant evaluation (checked: aarch64 and -march=native
// builds give results within 1 ulp of the constant-evaluated ones).
//
// Methods:
//   exp, expm1 : k = round(x / ln2), r = x - k ln2 (Cody-Waite, ln2 in two
//                parts), e^r - 1 by a degree-15 Taylor polynomial whose first
//                terms are kept in double-double, scaling by 2^k built from bits;
//                expm1 uses the Taylor series directly for |x| < ln2/2.
//   log, log1p : x = 2^e m, m in [sqrt(1/2), sqrt(2)), f = m - 1,
//                log(1+f) = 2 atanh(f/(2+f)) by its series (13 terms);
//                log1p(x) = log(u) + log(1 + (1+x-u)/u) with u = fl(1+x).
//   tanh       : expm1(2|x|) / (expm1(2|x|) + 2) in double-double, +-1 beyond 22.
//   sigmoid    : 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) for x < 0, in double-double.
//   erf, erfc  : |x| < 3.5: the Maclaurin series of erf in double-double
//                (the cancellation costs < 2^-18 relative); erfc = 1 - erf.
//                |x| >= 3.5: erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x +
//                (2/2)/(x + (3/2)/(x + ...)))) (Laplace continued fraction,
//                14 to 42 terms by x, evaluated backwards), exp(-x^2) with x^2 in
//                double-double; erf = 1 - erfc. erf = +-1 beyond 6.
//   sqrt       : exact integer square root of the scaled mantissa (128-bit),
//                correctly rounded.
#pragma once

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace ctinfer::detail::cmath {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

namespace impl {

constexpr std::uint64_t kSignMask = 0x8000000000000000ull;

constexpr std::uint64_t to_bits(double x) noexcept { return std::bit_cast<std::uint64_t>(x); }
constexpr double from_bits(std::uint64_t b) noexcept { return std::bit_cast<double>(b); }

// 2^k for k in [-1022, 1023].
constexpr double pow2(int k) noexcept {
  return from_bits(static_cast<std::uint64_t>(k + 1023) << 52);
}

// m * 2^k with a single rounding, for m in [2^-4, 2^4] and k in [-1200, 1100].
constexpr double scale2(double m, int k) noexcept {
  if (k > 1023) return (m * pow2(1023)) * pow2(k - 1023);
  if (k < -1022) return (m * pow2(k + 600)) * pow2(-600);
  return m * pow2(k);
}

// ---------------------------------------------------------------- double-double
struct dd {
  double hi;
  double lo;
};

constexpr dd two_sum(double a, double b) noexcept {
  const double s = a + b;
  const double bb = s - a;
  const double e = (a - (s - bb)) + (b - bb);
  return {s, e};
}

// Requires |a| >= |b| (or a == 0).
constexpr dd fast_two_sum(double a, double b) noexcept {
  const double s = a + b;
  const double e = b - (s - a);
  return {s, e};
}

// Splits a finite double into a 26-bit head and a <= 27-bit tail with a mask
// (not Veltkamp's multiplication, so that FMA contraction cannot disturb it).
constexpr dd split(double a) noexcept {
  const double hi = from_bits(to_bits(a) & 0xFFFFFFFFF8000000ull);
  return {hi, a - hi};
}

// a * b = p + e; e is exact up to ~2^-106 |ab| (the tail product may round).
// Valid for |a|, |b| < 2^996 and results above the subnormal range.
constexpr dd two_prod(double a, double b) noexcept {
  double p = a * b;
  if (!std::is_constant_evaluated()) {
    // At run time, pin p to the rounded product: with -ffp-contract=fast and
    // FMA hardware (aarch64, -march=x86-64-v3, or an inlining caller with an
    // FMA target attribute) the compiler would otherwise fuse a * b into the
    // additions that use p, and e would no longer be p's rounding error.
    __asm__("" : "+m"(p));
  }
  const dd sa = split(a);
  const dd sb = split(b);
  const double e = ((sa.hi * sb.hi - p) + sa.hi * sb.lo + sa.lo * sb.hi) + sa.lo * sb.lo;
  return {p, e};
}

constexpr dd dd_add(dd a, dd b) noexcept {
  dd s = two_sum(a.hi, b.hi);
  const dd t = two_sum(a.lo, b.lo);
  s.lo += t.hi;
  s = fast_two_sum(s.hi, s.lo);
  s.lo += t.lo;
  return fast_two_sum(s.hi, s.lo);
}

constexpr dd dd_add(dd a, double b) noexcept {
  dd s = two_sum(a.hi, b);
  s.lo += a.lo;
  return fast_two_sum(s.hi, s.lo);
}

constexpr dd dd_neg(dd a) noexcept { return {-a.hi, -a.lo}; }

constexpr dd dd_mul(dd a, dd b) noexcept {
  dd p = two_prod(a.hi, b.hi);
  p.lo += a.hi * b.lo + a.lo * b.hi;
  return fast_two_sum(p.hi, p.lo);
}

constexpr dd dd_mul(dd a, double b) noexcept {
  dd p = two_prod(a.hi, b);
  p.lo += a.lo * b;
  return fast_two_sum(p.hi, p.lo);
}

constexpr dd dd_div(dd a, dd b) noexcept {
  const double q1 = a.hi / b.hi;
  const dd r = dd_add(a, dd_neg(dd_mul(b, q1)));
  const double q2 = r.hi / b.hi;
  const dd r2 = dd_add(r, dd_neg(dd_mul(b, q2)));
  const double q3 = r2.hi / b.hi;
  const dd q = fast_two_sum(q1, q2);
  return dd_add(q, q3);
}

constexpr dd dd_div(dd a, double b) noexcept { return dd_div(a, dd{b, 0.0}); }

// Exact scaling by 2^k (no overflow or underflow in either part assumed).
constexpr dd dd_ldexp(dd a, int k) noexcept {
  return {scale2(a.hi, k), scale2(a.lo, k)};
}

// ---------------------------------------------------------------- constants
inline constexpr dd kLn2{0.6931471805599453, 2.3190468138462996e-17};
inline constexpr double kLog2e = 1.4426950408889634;
// Cody-Waite split of ln 2: kLn2Hi has 33 significant bits, so k * kLn2Hi is
// exact for |k| < 2^20.
inline constexpr double kLn2Hi = 6.93147180369123816490e-01;  // 0x3FE62E42FEE00000
inline constexpr double kLn2Lo = 1.90821492927058770002e-10;  // 0x3DEA39EF35793C76
inline constexpr dd kTwoOverSqrtPi{1.1283791670955126, 1.533545961316588e-17};
inline constexpr dd kOneOverSqrtPi{0.5641895835477563, 7.66772980658294e-18};

constexpr bool is_nan(double x) noexcept { return x != x; }

// ---------------------------------------------------------------- exp core
// Sum of r^n / n! for n >= 3 as r^3 * poly(r), |r| <= 0.35: the terms up to
// 1/15! bound the truncation error by 0.35^16/16! < 2^-68.
constexpr double expm1_tail3(double r) noexcept {
  double p = 1.0 / 1307674368000.0;  // 1/15!
  p = p * r + 1.0 / 87178291200.0;   // 1/14!
  p = p * r + 1.0 / 6227020800.0;
  p = p * r + 1.0 / 479001600.0;
  p = p * r + 1.0 / 39916800.0;
  p = p * r + 1.0 / 3628800.0;
  p = p * r + 1.0 / 362880.0;
  p = p * r + 1.0 / 40320.0;
  p = p * r + 1.0 / 5040.0;
  p = p * r + 1.0 / 720.0;
  p = p * r + 1.0 / 120.0;
  p = p * r + 1.0 / 24.0;
  p = p * r + 1.0 / 6.0;
  return p * (r * r * r);
}

// e^r - 1 for r = r0 + r1 (|r| <= 0.36, |r1| <= ulp(r0)) in double-double.
constexpr dd expm1_small(double r0, double r1) noexcept {
  // r + r^2/2 + r^3 * poly: the r^2/2 term is formed as an exact product.
  dd h = two_prod(r0, r0);
  h.hi *= 0.5;
  h.lo *= 0.5;
  const double rest = h.lo + (r0 * r1 + expm1_tail3(r0));
  dd s = two_sum(r0, h.hi);
  s.lo += r1 + rest;
  return fast_two_sum(s.hi, s.lo);
}

struct exp_reduced {
  dd m;   // e^(a+b) / 2^k, in [0.70, 1.42]
  int k;
};

// e^(a + b) = m * 2^k, for |a + b| <= 750 and |b| <= 2^-40 |a| (b is a tail).
constexpr exp_reduced exp_reduce(double a, double b) noexcept {
  const double s = a + b;
  const double t = s * kLog2e;
  const int k = static_cast<int>(t < 0 ? t - 0.5 : t + 0.5);
  const double kd = static_cast<double>(k);
  const double rhi = a - kd * kLn2Hi;  // exact
  const double rlo = b - kd * kLn2Lo;
  // ln2 beyond hi + lo: ln2 - kLn2Hi - kLn2Lo ~ 5.5e-27; k * that < 2^-75.
  const dd r = two_sum(rhi, rlo);
  const dd em1 = expm1_small(r.hi, r.lo);
  dd m = two_sum(1.0, em1.hi);
  m.lo += em1.lo;
  return {fast_two_sum(m.hi, m.lo), k};
}

// e^x - 1 in double-double for -40 <= x <= 700 (relative error ~2^-60).
constexpr dd expm1_dd(double x) noexcept {
  if (x > -0.3465 && x < 0.3465) return expm1_small(x, 0.0);
  const exp_reduced e = exp_reduce(x, 0.0);
  return dd_add(dd_ldexp(e.m, e.k), -1.0);
}

// log(x) in double-double for finite x > 0 (relative error ~2^-60).
constexpr dd log_dd(double x) noexcept {
  int e = 0;
  if (x < 2.2250738585072014e-308) {  // subnormal: scale into the normal range
    x *= 18014398509481984.0;         // 2^54
    e = -54;
  }
  const std::uint64_t b = to_bits(x);
  e += static_cast<int>(b >> 52) - 1023;
  double m = from_bits((b & 0x000FFFFFFFFFFFFFull) | 0x3FF0000000000000ull);  // [1, 2)
  if (m > 1.4142135623730951) {
    m *= 0.5;
    ++e;
  }
  const double f = m - 1.0;  // exact, in [-0.293, 0.415)
  // log(1+f) = 2 atanh(s), s = f / (2 + f), |s| <= 0.172.
  const dd s = dd_div(dd{f, 0.0}, two_sum(2.0, f));
  const double z = s.hi * s.hi;
  // 2 s^3 (1/3 + z/5 + z^2/7 + ...); 0.0295^13 < 2^-66.
  double q = 2.0 / 27.0;
  q = q * z + 2.0 / 25.0;
  q = q * z + 2.0 / 23.0;
  q = q * z + 2.0 / 21.0;
  q = q * z + 2.0 / 19.0;
  q = q * z + 2.0 / 17.0;
  q = q * z + 2.0 / 15.0;
  q = q * z + 2.0 / 13.0;
  q = q * z + 2.0 / 11.0;
  q = q * z + 2.0 / 9.0;
  q = q * z + 2.0 / 7.0;
  q = q * z + 2.0 / 5.0;
  q = q * z + 2.0 / 3.0;
  const double tail = q * z * s.hi;
  dd r{2.0 * s.hi, 2.0 * s.lo};
  r = dd_add(r, tail);
  if (e != 0) r = dd_add(dd_mul(kLn2, static_cast<double>(e)), r);
  return r;
}

// Coefficients 1 / (n! (2n+1)) of the Maclaurin series of
// erf(x) sqrt(pi) / (2x) in -x^2, in double-double (computed at compile time).
inline constexpr int kErfTerms = 96;  // enough for |x| < 3.6 (x^2n/n! < 2^-120 at n = 95)

struct erf_table {
  dd c[kErfTerms];
};

constexpr erf_table make_erf_table() noexcept {
  erf_table t{};
  dd inv_fact{1.0, 0.0};  // 1/n!
  for (int n = 0; n < kErfTerms; ++n) {
    if (n > 0) inv_fact = dd_div(inv_fact, static_cast<double>(n));
    t.c[n] = dd_div(inv_fact, static_cast<double>(2 * n + 1));
  }
  return t;
}

inline constexpr erf_table kErfTable = make_erf_table();

// erf(x) for |x| < 3.6 by the Maclaurin series in double-double:
// erf(x) = 2/sqrt(pi) x sum_n (-x^2)^n / (n! (2n+1)), Horner from the last
// term that matters (its size, x^2n / n!, is tracked in double).
constexpr dd erf_series(double x) noexcept {
  const dd y = dd_neg(two_prod(x, x));
  const double ay = -y.hi;
  int last = 0;
  double mag = 1.0;  // y^n / n!, an upper bound of the term sizes from here on once n > |y|
  while (last + 1 < kErfTerms) {
    ++last;
    mag = mag * ay / last;
    if (last > ay && mag < 0x1p-116) break;
  }
  dd sum = kErfTable.c[last];
  for (int n = last - 1; n >= 0; --n) sum = dd_add(dd_mul(sum, y), kErfTable.c[n]);
  return dd_mul(dd_mul(sum, x), kTwoOverSqrtPi);
}

// erfc(x) for 3.4 <= x <= 27.3 by the continued fraction, as a reduced value
// times 2^k (the value may underflow only after the final scaling).
constexpr exp_reduced erfc_cf(double x) noexcept {
  // t = x + (1/2)/(x + (2/2)/(x + (3/2)/(x + ...)))
  // Terms needed for 2^-64 (checked with mpmath): 34 at 3.5, 22 at 5, 18 at 6, 12 at 10.
  const int terms = x < 4.5 ? 42 : x < 6.0 ? 32 : x < 10.0 ? 22 : 14;
  dd t{x, 0.0};
  for (int n = terms; n >= 1; --n) {
    t = dd_add(dd_div(dd{0.5 * n, 0.0}, t), x);
  }
  const dd x2 = two_prod(x, x);
  exp_reduced e = exp_reduce(-x2.hi, -x2.lo);
  e.m = dd_div(dd_mul(e.m, kOneOverSqrtPi), t);
  return e;
}

}  // namespace impl

// ============================================================== public functions

constexpr bool isnan(double x) noexcept { return x != x; }
constexpr bool isinf(double x) noexcept { return x == kInf || x == -kInf; }
constexpr bool signbit(double x) noexcept { return (impl::to_bits(x) >> 63) != 0; }
constexpr double fabs(double x) noexcept {
  return impl::from_bits(impl::to_bits(x) & ~impl::kSignMask);
}
constexpr double copysign(double mag, double sgn) noexcept {
  return impl::from_bits((impl::to_bits(mag) & ~impl::kSignMask) |
                         (impl::to_bits(sgn) & impl::kSignMask));
}

constexpr double exp(double x) noexcept {
  if (x != x) return x;
  if (x > 709.8) return kInf;
  if (x < -745.2) return 0.0;
  const impl::exp_reduced e = impl::exp_reduce(x, 0.0);
  return impl::scale2(e.m.hi, e.k);
}

constexpr double expm1(double x) noexcept {
  if (x != x) return x;
  if (x > 709.8) return kInf;
  if (x > 700.0) return exp(x);
  if (x < -40.0) return -1.0;
  if (fabs(x) < 0x1p-54) return x;  // also +-0 and subnormals
  const impl::dd r = impl::expm1_dd(x);
  return r.hi;
}

constexpr double log(double x) noexcept {
  if (x != x) return x;
  if (x == 0.0) return -kInf;
  if (x < 0.0) return kNaN;
  if (x == kInf) return x;
  return impl::log_dd(x).hi;
}

constexpr double log1p(double x) noexcept {
  if (x != x) return x;
  if (x == -1.0) return -kInf;
  if (x < -1.0) return kNaN;
  if (x == kInf) return x;
  if (fabs(x) < 0x1p-54) return x;
  // u + ul = 1 + x exactly; log1p(x) = log(u) + log(1 + e), e = ul / u.
  const impl::dd u = impl::two_sum(1.0, x);
  impl::dd r = impl::log_dd(u.hi);
  if (u.lo != 0.0) {
    const double e = u.lo / u.hi;
    r = impl::dd_add(r, e - 0.5 * e * e);
  }
  return r.hi;
}

constexpr double sqrt(double x) noexcept {
  if (x != x || x == 0.0 || x == kInf) return x;  // NaN, +-0, +inf
  if (x < 0.0) return kNaN;
  __extension__ using u128 = unsigned __int128;
  // x = m 2^e, m integer, e even.
  const std::uint64_t b = impl::to_bits(x);
  const int biased = static_cast<int>(b >> 52);
  std::uint64_t m = b & 0x000FFFFFFFFFFFFFull;
  int e = -1074;  // subnormal
  if (biased != 0) {
    m |= std::uint64_t{1} << 52;
    e = biased - 1075;
  }
  if (e & 1) {
    m <<= 1;
    e -= 1;
  }
  // N = m 2^s in [2^106, 2^108) with s even, so isqrt(N) = r in [2^53, 2^54):
  // 53 bits and a rounding bit.
  int len = 0;
  while ((m >> len) != 0) ++len;
  const int s = ((108 - len) & 1) ? 107 - len : 108 - len;
  const u128 n = static_cast<u128>(m) << s;
  // r = floor(sqrt(N)): Newton in double, then exact integer correction.
  const double nd = static_cast<double>(n);
  double y = 0x1p53;
  for (int i = 0; i < 8; ++i) y = 0.5 * (y + nd / y);
  u128 r = static_cast<u128>(y);
  while (r * r > n) --r;
  while ((r + 1) * (r + 1) <= n) ++r;
  // Round to nearest (sqrt(N) is never exactly halfway: ties cannot occur).
  std::uint64_t q = static_cast<std::uint64_t>(r >> 1);
  if ((r & 1) != 0 && (r * r != n || (q & 1) != 0)) ++q;
  return static_cast<double>(q) * impl::pow2((e - s) / 2 + 1);
}

constexpr double tanh(double x) noexcept {
  if (x != x) return x;
  const double ax = fabs(x);
  if (ax < 0x1p-28) return x;  // tanh(x) = x (1 - x^2/3 ...) rounds to x; keeps -0
  if (ax > 22.0) return copysign(1.0, x);
  // tanh|x| = e / (e + 2), e = expm1(2|x|).
  const impl::dd e = impl::expm1_dd(2.0 * ax);
  const impl::dd t = impl::dd_div(e, impl::dd_add(e, 2.0));
  return copysign(t.hi, x);
}

// 1 / (1 + e^-x) (not in <cmath>; the logistic function of the Sigmoid layer).
constexpr double sigmoid(double x) noexcept {
  if (x != x) return x;
  if (x > 40.0) return 1.0;       // 1 - e^-40 rounds to 1
  if (x < -700.0) return exp(x);  // e^x / (1 + e^x) = e^x (1 - 1e-304)
  const impl::exp_reduced e = impl::exp_reduce(-fabs(x), 0.0);
  const impl::dd ex = impl::dd_ldexp(e.m, e.k);  // e^-|x|
  const impl::dd num = x < 0.0 ? ex : impl::dd{1.0, 0.0};
  return impl::dd_div(num, impl::dd_add(ex, 1.0)).hi;
}

constexpr double erf(double x) noexcept {
  if (x != x) return x;
  const double ax = fabs(x);
  if (ax >= 6.0) return copysign(1.0, x);  // 1 - erf(6) < 2^-54
  if (ax < 0x1p-28) {  // erf(x) = 2/sqrt(pi) x (1 - x^2/3 ...): the x^3 term is below 2^-57 |x|
    if (x == 0.0) return x;
    if (ax < 0x1p-1000) return impl::dd_mul(impl::kTwoOverSqrtPi, x * 0x1p100).hi * 0x1p-100;
    return impl::dd_mul(impl::kTwoOverSqrtPi, x).hi;
  }
  if (ax < 3.5) return impl::erf_series(x).hi;
  const impl::exp_reduced c = impl::erfc_cf(ax);  // erfc(|x|) < 7.5e-7
  const impl::dd r = impl::dd_add(impl::dd_neg(impl::dd_ldexp(c.m, c.k)), 1.0);
  return copysign(r.hi, x);
}

constexpr double erfc(double x) noexcept {
  if (x != x) return x;
  if (x < -6.0) return 2.0;  // 2 - erfc(-6) rounds to 2
  if (x > 27.3) return 0.0;  // erfc(27.3) < 2^-1075
  if (x < 3.5) {
    if (x > -3.5) return impl::dd_add(impl::dd_neg(impl::erf_series(x)), 1.0).hi;
    const impl::exp_reduced c = impl::erfc_cf(-x);
    return impl::dd_add(impl::dd_neg(impl::dd_ldexp(c.m, c.k)), 2.0).hi;
  }
  const impl::exp_reduced c = impl::erfc_cf(x);
  return impl::scale2(c.m.hi, c.k);
}

}  // namespace ctinfer::detail::cmath
