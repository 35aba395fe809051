// ctinfer's package test: a tiny network whose outputs are worked out by hand, run by the SIMD
// Model, by forward() on spans and by the constexpr reference (at compile time too); and, when
// the build converted one (CTINFER_TEST_CONVERTER), a Keras/RTNeural JSON model turned into a
// header by ctinfer_add_model(). Prints what it checks; exits non-zero on any mismatch.
#include <ctinfer/ctinfer.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <span>
#include <type_traits>

#if CTINFER_TEST_CONVERTER
#include "tiny_mlp.hpp"  // generated from tiny_mlp.json: namespace tiny_mlp { model, params }
#endif

namespace ci = ctinfer;

// (4) -> Linear(4, 2) -> ReLU -> Linear(2, 1) -> Sigmoid
using Net = ci::Sequential<ci::Input<ci::Shape<4>>, ci::Dense<2>, ci::ReLU, ci::Dense<1>,
                           ci::Sigmoid>;
static_assert(std::is_same_v<ci::output_shape_t<Net>, ci::Shape<1>>);
static_assert(ci::param_count_v<Net> == 4 * 2 + 2 + 2 * 1 + 1);

// PyTorch state_dict order: W1 [out][in], b1, W2, b2.
constexpr std::array<float, 13> kFlat = {1, 1, 0, 0,  0, 0, 1, -1,  // W1
                                         0, -1,                     // b1
                                         1, 1,                      // W2
                                         -3};                       // b2
// x = (1, 2, 3, 5): W1 x + b1 = (3, -3) -> ReLU (3, 0) -> W2 h + b2 = 0 -> sigmoid 1/2.
// x = (0, 0, 4, 1): W1 x + b1 = (0, 2)  -> ReLU (0, 2) -> W2 h + b2 = -1 -> 1 / (1 + e).
constexpr std::array<float, 4> kX1 = {1, 2, 3, 5};
constexpr std::array<float, 4> kX2 = {0, 0, 4, 1};

constexpr ci::params_t<Net> make_params() {
  ci::params_t<Net> p{};
  (void)ci::load_flat(p, std::span<const float>(kFlat));
  return p;
}
constexpr ci::params_t<Net> kParams = make_params();
// The compiler runs the network: the ReLU zeroes the second unit, the sum is 0.
constexpr std::array<float, 1> kY1 = ci::infer<Net>(kParams, kX1);
static_assert(kY1[0] > 0.49999f && kY1[0] < 0.50001f, "constexpr infer: expected 0.5");

namespace {
int failures = 0;

void check(const char* what, float got, float expected) {
  const bool ok = std::fabs(got - expected) <= 1e-5f;
  std::printf("%-28s %.7f (expected %.7f)%s\n", what, got, expected, ok ? "" : "  MISMATCH");
  if (!ok) ++failures;
}
}  // namespace

int main() {
  const float e1 = 0.5f;
  const float e2 = 1.0f / (1.0f + std::exp(1.0f));

  ci::params_t<Net> params{};
  if (ci::status st = ci::load_flat(params, std::span<const float>(kFlat)); !st) {
    std::printf("load_flat failed: %s\n", st.message());
    return 1;
  }
  // A wrong count is an error value, not undefined behaviour.
  const std::array<float, 12> short_flat{};
  ci::params_t<Net> unused{};
  const ci::status bad = ci::load_flat(unused, std::span<const float>(short_flat));
  std::printf("load_flat, 12 values:       %s\n", bad ? "accepted  MISMATCH" : bad.message());
  if (bad) ++failures;

  ci::Model<Net> model{params};  // not const: it owns its workspace
  check("Model, x1", model(kX1)[0], e1);
  check("Model, x2", model(kX2)[0], e2);
  std::array<float, 1> y{};
  model.forward(std::span<const float, 4>(kX2), std::span<float, 1>(y));
  check("forward(span), x2", y[0], e2);
  check("infer (scalar reference), x2", ci::infer<Net>(params, kX2)[0], e2);
  check("infer at compile time, x1", kY1[0], e1);

#if CTINFER_TEST_CONVERTER
  // tiny_mlp.json (Keras layout, kernel [in][out]): Dense(2->3, relu), Dense(3->1).
  // x = (1, 2):    (5, 2, -1.5) -> relu (5, 2, 0)   -> 5 + 2 + 4*0 + 0.25 = 7.25
  // x = (-1, 0.5): (0, 2.5, -2.5) -> relu (0, 2.5, 0) -> 2.5 + 0.25     = 2.75
  ci::Model<tiny_mlp::model> converted{tiny_mlp::params};
  check("ctinfer_add_model, (1, 2)", converted(std::array<float, 2>{1, 2})[0], 7.25f);
  check("ctinfer_add_model, (-1, .5)", converted(std::array<float, 2>{-1, 0.5f})[0], 2.75f);
#else
  std::printf("ctinfer_add_model:           not checked (CTINFER_TEST_CONVERTER=OFF)\n");
#endif

  std::printf("%s\n", failures == 0 ? "ctinfer test_package: OK" : "ctinfer test_package: FAILED");
  return failures == 0 ? 0 : 1;
}
