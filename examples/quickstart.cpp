// The README's first example, compiled by CI so it cannot rot.
#include <array>
#include <cstdio>

#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<4>>,  // 4 features, float
                           ci::Dense<8>, ci::GELU,    // nn.Linear(4, 8), nn.GELU()
                           ci::Dense<3>, ci::Softmax>;
static_assert(std::is_same_v<ci::output_shape_t<Net>, ci::Shape<3>>);

int main() {
  // Weights in PyTorch's state_dict order: 8x4 weight, 8 bias, 3x8 weight, 3 bias.
  std::array<float, ci::param_count_v<Net>> flat{};
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = 0.01f * static_cast<float>(i % 17) - 0.08f;

  ci::params_t<Net> params{};
  if (ci::status st = ci::load_flat(params, flat); !st) {
    std::puts(st.message());
    return 1;
  }
  ci::Model<Net> model{params};  // packs the weights once; never allocates
  const std::array<float, 4> x{0.5f, -1.0f, 2.0f, 0.25f};
  const std::array<float, 3> y = model(x);
  std::printf("probabilities: %.4f %.4f %.4f (workspace: %zu floats)\n", y[0], y[1], y[2],
              ci::workspace_size_v<Net>);
  return 0;
}
