// expect: ctinfer: Input needs a shape with at least one axis and no zero extent
// expect: input_needs_a_non_empty_shape<ctinfer::Shape<4, 0> ?>
// An Input with a zero extent holds no values at all.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<4, 0>>, ci::Flatten, ci::Dense<3>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
