// A network evaluated by the compiler: constexpr weights, constexpr inference, checked by
// static_assert against values worked out by hand; then the same network at run time (packed
// by the compiler, run by the SIMD kernels). Exits non-zero if the two disagree.
//
// The network computes XOR of two inputs in {0, 1} with two ReLU units:
//   h0 = relu(a + b), h1 = relu(a + b - 1), y = h0 - 2 * h1.
#include <array>
#include <cstdio>
#include <cstdlib>

#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Xor = ci::Sequential<ci::Input<ci::Shape<2>>, ci::Dense<2>, ci::ReLU, ci::Dense<1>>;

// Flat weights in PyTorch's order: W1[2][2], b1[2], W2[1][2], b2[1].
constexpr ci::params_t<Xor> kParams = [] {
  ci::params_t<Xor> p{};
  const std::array<float, ci::param_count_v<Xor>> flat{1, 1, 1, 1,  // W1
                                                       0, -1,       // b1
                                                       1, -2,       // W2
                                                       0};          // b2
  if (!ci::load_flat(p, flat)) std::abort();  // a wrong count would be a compile error here
  return p;
}();

// Run by the compiler: each line is checked while this file compiles.
static_assert(ci::infer<Xor>(kParams, {0.0f, 0.0f})[0] == 0.0f);
static_assert(ci::infer<Xor>(kParams, {0.0f, 1.0f})[0] == 1.0f);  // h = (1, 0): y = 1
static_assert(ci::infer<Xor>(kParams, {1.0f, 0.0f})[0] == 1.0f);
static_assert(ci::infer<Xor>(kParams, {1.0f, 1.0f})[0] == 0.0f);  // h = (2, 1): y = 2 - 2 = 0

// The weights are packed by the compiler too: the Model is a constant, only copied at run time.
constexpr ci::Model<Xor> kModel{kParams};

int main() {
  ci::Model<Xor> model = kModel;  // a copy: forward() uses the model's own workspace
  int wrong = 0;
  for (float a : {0.0f, 1.0f}) {
    for (float b : {0.0f, 1.0f}) {
      const float y = model({a, b})[0];
      const float expected = (a != b) ? 1.0f : 0.0f;
      std::printf("xor(%g, %g) = %g\n", a, b, y);
      if (y != expected) ++wrong;
    }
  }
  if (wrong != 0) std::puts("run time and compile time disagree");
  return wrong == 0 ? 0 : 1;
}
