// expect: ctinfer: Reshape must keep the number of elements
// expect: reshape_keeps_size<1, ctinfer::Reshape<ctinfer::Shape<5> ?>, ctinfer::Shape<16> ?>
// A Reshape whose target holds another number of elements than its input: 16 values cannot
// be viewed as 5. The rule names the layer index (1: Input is not counted), the Reshape with
// its target, and the input shape. The layers after it must not add errors of their own.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<16>>, ci::ReLU, ci::Reshape<ci::Shape<5>>,
                           ci::Dense<3>, ci::Softmax>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  std::array<float, 16> x{};
  auto y = model(x);
  return y[0] > 0.5f;
}
