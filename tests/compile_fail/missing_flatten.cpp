// expect: (conversion from 'array<\[\.\.\.\], ?320>' to non-scalar type 'array<\[\.\.\.\], ?10>' requested|no viable conversion from 'array<\[\.\.\.\], output_size aka 320>' to 'array<\[\.\.\.\], 10>')
// Conv2D -> Dense without Flatten (docs/errors.md, "Missing Flatten"). This is legal:
// Dense acts on the last axis, as nn.Linear does, so (4, 8, 8) -> Dense<10> gives (4, 8, 10),
// 320 values. No library rule fires; the user learns it where they expected 10 values, here
// the std::array they assign model(x) to. The message is the compiler's own (GCC's or
// Clang's), with the real output size in it. The fix is ci::Flatten before ci::Dense<10>.
#include <array>

#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<1, 8, 8>>, ci::Conv2D<4, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU,
                           ci::Dense<10>, ci::Softmax>;

int main() {
  static ci::params_t<Net> params{};
  static ci::Model<Net> model{params};
  std::array<float, 64> x{};
  std::array<float, 10> y = model(x);
  return y[0] > 0.5f ? 1 : 0;
}
