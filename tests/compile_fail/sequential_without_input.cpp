// expect: ctinfer: this Sequential is a block, not a network: its first element must be ci::Input
// expect: network_is_a_sequential_starting_with_input<ctinfer::Sequential<ctinfer::Dense<3(, true)?> ?> ?>
// A Sequential that does not start with an Input is a block (to nest in Residual, Concat ...),
// not a network: it has no input shape.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Dense<3>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
