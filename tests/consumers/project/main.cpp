// A program that uses ctinfer as an outside project would: one network, weights from a flat
// array in PyTorch's state_dict order, the SIMD Model and the constexpr reference, checked
// against values computed by hand. Exits non-zero on any mismatch.
#include <ctinfer/ctinfer.hpp>

#include <array>
#include <cmath>
#include <cstdio>
#include <span>
#include <type_traits>

namespace ci = ctinfer;

// (3) -> Dense(3->2) -> ReLU -> Dense(2->2) -> Softmax
using Net = ci::Sequential<ci::Input<ci::Shape<3>>, ci::Dense<2>, ci::ReLU, ci::Dense<2>, ci::Softmax>;
static_assert(std::is_same_v<ci::output_shape_t<Net>, ci::Shape<2>>);
static_assert(ci::param_count_v<Net> == 2 * 3 + 2 + 2 * 2 + 2);

int main() {
  // x = (1, 2, 3)
  // Dense 1: W1 = [[1, 0, 0], [0, 1, -1]], b1 = (0.5, 0)  -> (1.5, -1)
  // ReLU                                                  -> (1.5, 0)
  // Dense 2: W2 = [[1, 0], [1, 0]], b2 = (0, ln 3)        -> (1.5, 1.5 + ln 3)
  // Softmax: e^1.5 / (e^1.5 + 3 e^1.5) = 1/4, and 3/4.
  const float ln3 = std::log(3.0f);
  const std::array<float, 14> flat = {1, 0, 0, 0, 1, -1,  // W1 [out][in]
                                      0.5f, 0,            // b1
                                      1, 0, 1, 0,         // W2
                                      0, ln3};            // b2
  const std::array<float, 2> expected = {0.25f, 0.75f};

  int failures = 0;
  auto check = [&](const char* what, std::span<const float> y) {
    std::printf("%-10s y = (%.7f, %.7f), expected (%.7f, %.7f)\n", what, y[0], y[1], expected[0],
                expected[1]);
    for (std::size_t i = 0; i < 2; ++i) {
      if (!(std::fabs(y[i] - expected[i]) <= 1e-5f)) {
        std::printf("  MISMATCH at %zu\n", i);
        ++failures;
      }
    }
  };

  ci::params_t<Net> params{};
  ci::status st = ci::load_flat(params, std::span<const float>(flat));
  if (!st) {
    std::printf("load_flat failed: %s\n", st.message());
    return 1;
  }
  // A wrong count is an error value that names the expected count.
  const std::array<float, 13> short_flat{};
  ci::params_t<Net> unused{};
  ci::status bad = ci::load_flat(unused, short_flat);
  std::printf("load_flat with 13 values: %s\n", bad.message());
  if (bad) ++failures;

  ci::Model<Net> model{params};
  const std::array<float, 3> x = {1, 2, 3};
  const std::array<float, 2> y = model(x);
  check("Model", y);

  std::array<float, 2> y_span{};
  model.forward(std::span<const float, 3>(x), std::span<float, 2>(y_span));
  check("forward", y_span);

  const std::array<float, 2> y_ref = ci::infer<Net>(params, x);
  check("infer", y_ref);

  std::printf("%s\n", failures == 0 ? "consumer: OK" : "consumer: FAILED");
  return failures == 0 ? 0 : 1;
}
