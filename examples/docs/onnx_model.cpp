// docs/getting-started.md, "Or: a trained model from PyTorch": tests/models/mlp.onnx, a
// 20 -> 10 MLP exported by torch.onnx.export, converted at build time by ctinfer_add_model.
#include <array>
#include <cstdio>

#include "mlp.hpp"  // written by ctinfer_add_model: namespace mlp { using model = ...; params }
namespace ci = ctinfer;

static_assert(std::is_same_v<ci::input_shape_t<mlp::model>, ci::Shape<20>>);
static_assert(std::is_same_v<ci::output_shape_t<mlp::model>, ci::Shape<10>>);

int main() {
  static ci::Model<mlp::model> model{mlp::params};  // the weights are compiled in
  std::array<float, 20> x{};
  x[0] = 1.0f;
  const std::array<float, 10> y = model(x);
  // The same network run by the scalar reference: the SIMD kernels must agree with it.
  const std::array<float, 10> ref = ci::infer<mlp::model>(mlp::params, x);
  for (std::size_t k = 0; k < y.size(); ++k) {
    std::printf("%.4f ", y[k]);
    if (y[k] < ref[k] - 1e-4f || y[k] > ref[k] + 1e-4f) return 1;
  }
  std::printf("\n");
  return 0;
}
