// docs/getting-started.md, "A first model": a small CNN for 8x8 grey images, its weights
// from one flat array, run once. (Kept identical to the doc by tests/docs/check_snippets.py.)
#include <array>
#include <cstdio>
#include <vector>

#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

// (C, H, W) without the batch axis, as in PyTorch: one channel of 8x8.
using Net = ci::Sequential<ci::Input<ci::Shape<1, 8, 8>>,
                           ci::Conv2D<4, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU,  // -> (4, 8, 8)
                           ci::MaxPool2D<ci::Kernel<2>>,                        // -> (4, 4, 4)
                           ci::Flatten,                                         // -> (64)
                           ci::Dense<10>, ci::Softmax>;                         // -> (10)

static_assert(std::is_same_v<ci::output_shape_t<Net>, ci::Shape<10>>);
static_assert(ci::param_count_v<Net> == (4 * 1 * 3 * 3 + 4) + (10 * 64 + 10));

int main() {
  // PyTorch's state_dict order: conv.weight, conv.bias, fc.weight, fc.bias.
  std::vector<float> flat(ci::param_count_v<Net>);
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = 0.01f * static_cast<float>(i % 13) - 0.05f;

  static ci::params_t<Net> params{};  // static: big nets do not belong on the stack
  if (ci::status st = ci::load_flat(params, flat); !st) {
    std::puts(st.message());
    return 1;
  }
  static ci::Model<Net> model{params};  // packs the weights once; never allocates

  std::array<float, 64> image{};  // row-major (1, 8, 8)
  for (std::size_t i = 0; i < image.size(); ++i) image[i] = (i % 9 == 0) ? 1.0f : 0.0f;
  const std::array<float, 10> p = model(image);

  std::size_t best = 0;
  float sum = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    sum += p[k];
    if (p[k] > p[best]) best = k;
  }
  std::printf("class %zu (p = %.3f), probabilities sum to %.3f\n", best, p[best], sum);

  // Sizes known only at run time: forward() with dynamic spans checks them.
  std::vector<float> wrong(63), out(10);
  const ci::status st = model.forward(std::span<const float>(wrong), std::span<float>(out));
  std::printf("%s\n", st.message());  // Model::forward: expected 64 inputs and 10 outputs, got 63 and 10
  return sum > 0.999f && sum < 1.001f && !st ? 0 : 1;
}
