// expect: ctinfer: an element of Sequential is not a layer
// expect: element_is_a_layer<3, int>
// `int` inside a block (a channel count meant for the Conv2D, say). 3 is its index in the
// flattened list: the Residual's begin 0, the conv 1, ReLU 2.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<8, 9, 9>>,
                           ci::Residual<ci::Sequential<ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU, int>>,
                           ci::GlobalAvgPool, ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
