// expect: (template constraint failure for .*struct ctinfer::Input|constraints not satisfied for class template 'Input')
// expect: (satisfaction of 'Element<T>' \[with T = int\]|'int' does not satisfy 'Element')
// max-errors: 5
// An Input whose element type is neither float nor double: the ci::Element concept of
// ci::Input rejects it where the type is written. The errors after the first are the
// compiler's follow-ups in this file (the alias `Net` is invalid, so every use of it fails).
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<4>, int>, ci::Dense<3>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
