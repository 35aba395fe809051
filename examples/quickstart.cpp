#include <array>
#include <cstdio>
#include <cstdlib>

#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<4>>,  // 4 features, float
                           ci::Dense<8>, ci::GELU,    // nn.Linear(4, 8), nn.GELU()
                           ci::Dense<3>, ci::Softmax>;
static_assert(std::is_same_v<ci::output_shape_t<Net>, ci::Shape<3>>);

// Weights in PyTorch's state_dict order (8x4 weight, 8 bias, 3x8 weight, 3 bias). Made up
// here; in practice a converted model's header (docs/converter.md) or a file.
constexpr auto kFlat = [] {
  std::array<float, ci::param_count_v<Net>> w{};
  for (std::size_t i = 0; i < w.size(); ++i) w[i] = 0.01f * static_cast<float>(i % 17) - 0.08f;
  return w;
}();

// The same net run by the compiler: constexpr weights, constexpr inference.
constexpr ci::params_t<Net> kParams = [] {
  ci::params_t<Net> p{};
  if (!ci::load_flat(p, kFlat)) std::abort();  // a wrong count: a compile error here
  return p;
}();
constexpr std::array<float, 3> kAtCompileTime = ci::infer<Net>(kParams, {0.5f, -1.0f, 2.0f, 0.25f});

int main() {
  ci::params_t<Net> params{};
  if (ci::status st = ci::load_flat(params, kFlat); !st) {  // "load_flat: expected 67 values ..."
    std::puts(st.message());
    return 1;
  }
  ci::Model<Net> model{params};  // packs the weights once; never allocates
  const std::array<float, 3> y = model({0.5f, -1.0f, 2.0f, 0.25f});  // SIMD kernels
  std::printf("probabilities: %.4f %.4f %.4f (at compile time: %.4f %.4f %.4f)\n", y[0], y[1],
              y[2], kAtCompileTime[0], kAtCompileTime[1], kAtCompileTime[2]);
  for (std::size_t i = 0; i < 3; ++i) {
    const float diff = y[i] - kAtCompileTime[i];
    if (diff > 1e-6f || diff < -1e-6f) return 1;  // the SIMD kernels and the compiler disagree
  }
}
