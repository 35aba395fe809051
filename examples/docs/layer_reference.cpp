// docs/layers.md's worked example (the doc shows it whole, from the first include to the end
// of run()), compiled and run: the static_asserts hold, a right-size weight vector gives a
// probability distribution over 10 classes, a wrong-size one is refused.
#include <array>
#include <vector>

#include <ctinfer/ctinfer.hpp>

namespace ci = ctinfer;

// clang-format off
using Net = ci::Sequential<ci::Input<ci::Shape<1, 16, 16>>,                     // index
    ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>, ci::NoBias>, ci::BatchNorm, ci::ReLU, // 0 1 2: (8, 16, 16)
    ci::MaxPool2D<ci::Kernel<2>>,                                                 // 3: (8, 8, 8)
    ci::Residual<ci::Sequential<ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>>,          // 4 begin, 5
                                ci::BatchNorm>>,                                  // 6, 7 end
    ci::ReLU,                                                                     // 8: (8, 8, 8)
    ci::Concat<ci::Conv2D<4, ci::Kernel<1>>,                                      // 9 begin, 10: (4, 8, 8)
               ci::AvgPool2D<ci::Kernel<3>, ci::Stride<1>, ci::Pad<1>>>,          // 11 next, 12, 13 end: (8, 8, 8)
    ci::GlobalAvgPool, ci::Flatten, ci::Dense<10>, ci::Softmax>;                  // 14-17: (12, 1, 1) (12) (10)
// clang-format on

static_assert(std::is_same_v<ci::layer_input_shape_t<Net, 14>, ci::Shape<12, 8, 8>>);
static_assert(std::is_same_v<ci::output_shape_t<Net>, ci::Shape<10>>);
// Conv 8*1*3*3, BN 4*8, Conv 8*8*3*3 + 8, BN 4*8, Conv 4*8 + 4, Dense 10*12 + 10.
static_assert(ci::param_count_v<Net> == 72 + 32 + 584 + 32 + 36 + 130);
static_assert(std::is_same_v<ci::layer_t<Net, 16>, ci::Dense<10>>);
// Both BatchNorms fold into their convolutions. Steps: conv+ReLU, max pool,
// conv+add+ReLU, the two Concat branches, global pool, Dense, Softmax.
static_assert(ci::plan_v<Net>.folded[1] && ci::plan_v<Net>.folded[6]);
static_assert(ci::plan_v<Net>.step_count == 8);

int run(const std::vector<float>& flat, const std::array<float, 256>& x, std::array<float, 10>& y) {
  ci::params_t<Net> params{};
  if (ci::status st = ci::load_flat(params, flat); !st) return 1;  // wrong count: st.message()
  ci::Model<Net> model{params};  // packs the weights, folds the BatchNorms
  y = model(x);
  return 0;
}

int main() {
  std::vector<float> flat(ci::param_count_v<Net>);
  // Positive values, so that the BatchNorms' running variances are valid: load_flat refuses
  // a negative one (in PyTorch it would make the channel NaN).
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = 0.02f * static_cast<float>(i % 13) + 0.01f;
  std::array<float, 256> x{};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<float>(i % 16) / 16.0f;
  std::array<float, 10> y{};
  if (run(flat, x, y) != 0) return 1;
  float sum = 0;
  for (float p : y) {
    if (!(p > 0.0f && p < 1.0f)) return 1;
    sum += p;
  }
  if (sum < 0.9999f || sum > 1.0001f) return 1;  // Softmax: the probabilities sum to 1
  flat.pop_back();
  if (run(flat, x, y) != 1) return 1;  // one weight short: refused
  return 0;
}
