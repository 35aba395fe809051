// expect: ctinfer: a network is a ci::Sequential<ci::Input<Shape, T>, layers...>
// expect: network_is_a_sequential_starting_with_input<ctinfer::Dense<3(, true)?> ?>
// A single layer is not a network.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

int main() {
  ci::Model<ci::Dense<3>> model{{}};
  (void)model;
}
