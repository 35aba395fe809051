// expect: ctinfer: a layer option is not one this layer takes, or is given twice
// expect: window_options_are_known_and_unique<0, ctinfer::MaxPool2D<ctinfer::Kernel<2>, ctinfer::Groups<2> ?> ?, ctinfer::Shape<8, 16, 16> ?>
// Groups is a convolution option; pooling is per channel already.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<8, 16, 16>>, ci::MaxPool2D<ci::Kernel<2>, ci::Groups<2>>,
                           ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
