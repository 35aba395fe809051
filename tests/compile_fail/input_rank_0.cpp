// expect: ctinfer: Input needs a shape with at least one axis
// expect: input_needs_a_non_empty_shape<ctinfer::Shape<> ?>
// An Input without any axis. (Dense would have nothing to act on either, but the mistake is
// the Input, and that is what the message must name.)
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<>>, ci::Dense<3>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
