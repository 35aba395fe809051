// tests/support/compare.hpp - comparing outputs with a stated tolerance.
//
// |actual - expected| <= atol + rtol * |expected| for every element; on failure the report
// names the case, the first bad index and the largest error, so a wrong layer is obvious.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdio>
#include <span>
#include <string>

#include <doctest/doctest.h>

namespace ctinfer_test {

struct tolerance {
  double rtol;
  double atol;
};

// Tolerances used across the suite, with their reasons.
// float vs PyTorch's float32: a few ulp of each activation and summation order in a Dense.
inline constexpr tolerance float_tol{2e-6, 2e-6};
// double vs PyTorch's float64: only summation order and last-ulp math differences.
inline constexpr tolerance double_tol{1e-12, 1e-13};
// Convolutions and the networks built from them: sums of up to a few hundred products in
// another order than PyTorch's (and a BatchNorm folded into the weights, one more rounding
// per weight), on outputs of order 1. A wrong tap, channel or pad gives errors of order 0.1.
inline constexpr tolerance conv_float_tol{1e-5, 1e-5};
inline constexpr tolerance conv_double_tol{1e-11, 1e-12};
// Recurrent layers: each step's error feeds the next through h and c (contracting: the gates
// are bounded), sums of up to ~80 products per gate in another order than PyTorch's. PyTorch's
// own float32 and float64 results differ by at most 1.7e-7 on these cases, also after
// 10,000 steps; a wrong gate order or bias gives errors of order 0.1.
inline constexpr tolerance rnn_float_tol{1e-5, 1e-5};
inline constexpr tolerance rnn_double_tol{1e-11, 1e-12};

template <class A, class E>
void check_close(const char* what, std::span<const A> actual, std::span<const E> expected,
                 tolerance tol) {
  REQUIRE(actual.size() == expected.size());
  std::size_t bad = 0, first_bad = actual.size();
  double worst = 0;
  for (std::size_t i = 0; i < actual.size(); ++i) {
    const double a = static_cast<double>(actual[i]);
    const double e = static_cast<double>(expected[i]);
    const double err = std::fabs(a - e);
    const double allowed = tol.atol + tol.rtol * std::fabs(e);
    if (!(err <= allowed)) {  // also catches NaN
      if (bad++ == 0) first_bad = i;
    }
    if (err > worst || std::isnan(err)) worst = err;
  }
  INFO(std::string(what) << ": " << bad << " of " << actual.size() << " outside atol " << tol.atol << " + rtol "
            << tol.rtol << "; first at " << first_bad << " (got "
            << (first_bad < actual.size() ? static_cast<double>(actual[first_bad]) : 0.0)
            << ", expected "
            << (first_bad < actual.size() ? static_cast<double>(expected[first_bad]) : 0.0)
            << "), max error " << worst);
  CHECK(bad == 0);
}

}  // namespace ctinfer_test
