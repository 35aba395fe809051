// expect: ctinfer: an element of Sequential is not a layer
// expect: element_is_a_layer<1, int>
// `int` in the layer list (a size meant for Dense<...>, say). Index 1: Input is not counted.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<4>>, ci::ReLU, int, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
