// A model evaluated by the compiler: constexpr weights, constexpr load_flat, constexpr
// inference and packing at compile time, checked against values worked out by hand.
#include <array>
#include <cstdlib>
#include <cmath>

#include <ctinfer/ctinfer.hpp>
#include <doctest/doctest.h>

namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<2>>, ci::Dense<2>, ci::ReLU, ci::Dense<1>, ci::Sigmoid>;

// W1 = [[1, -1], [2, 0.5]], b1 = [0, -1]; W2 = [[0.5, 0.25]], b2 = [-0.5].
constexpr auto kParams = [] {
  ci::params_t<Net> p{};
  const std::array<float, 9> flat{1, -1, 2, 0.5f, 0, -1, 0.5f, 0.25f, -0.5f};
  if (!ci::load_flat(p, flat)) std::abort();  // not a constant expression: a compile error
  return p;
}();

// x = [1, 2]: h = relu([1 - 2 + 0, 2 + 1 - 1]) = [0, 2]; z = 0.25 * 2 - 0.5 = 0; sigmoid(0) = 0.5.
constexpr std::array<float, 2> kInput{1, 2};
constexpr auto kOut0 = ci::infer<Net>(kParams, kInput);
static_assert(kOut0[0] == 0.5f);

// x = [3, 0]: h = relu([3, 5]) = [3, 5]; z = 1.5 + 1.25 - 0.5 = 2.25; sigmoid(2.25).
constexpr auto kOut1 = ci::infer<Net>(kParams, std::array<float, 2>{3, 0});
static_assert(kOut1[0] > 0.904650f && kOut1[0] < 0.904651f);  // 1 / (1 + e^-2.25) = 0.9046505...

// Softmax of [0, ln 3] is [1/4, 3/4].
using Soft = ci::Sequential<ci::Input<ci::Shape<2>, double>, ci::Softmax>;
constexpr auto s = ci::infer<Soft>({}, std::array<double, 2>{0.0, 1.0986122886681098});
static_assert(s[0] > 0.25 - 1e-15 && s[0] < 0.25 + 1e-15 && s[1] > 0.75 - 1e-15);

// The model packs at compile time, too.
constexpr ci::Model<Net> kModel{kParams};
static_assert(kModel.packed()[0] == 1 && kModel.packed()[1] == 2);  // panel: W[0][0], W[1][0]

TEST_CASE("the SIMD model agrees with what the compiler computed") {
  ci::Model<Net> m{kParams};
  CHECK(m(kInput)[0] == doctest::Approx(kOut0[0]).epsilon(1e-6));
  const auto y = m(std::array<float, 2>{3, 0});
  CHECK(y[0] == doctest::Approx(1.0 / (1.0 + std::exp(-2.25))).epsilon(1e-6));
}
