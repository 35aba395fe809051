// expect: ctinfer: a layer option is not one this layer takes
// expect: window_options_are_known_and_unique<0, ctinfer::Conv2D<4, ctinfer::Kernel<3>, ctinfer::ReLU ?> ?, ctinfer::Shape<3, 16, 16> ?>
// The activation written inside the convolution's options instead of after it: ReLU is a
// layer, not an option.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<3, 16, 16>>,
                           ci::Conv2D<4, ci::Kernel<3>, ci::ReLU>,   // meant: Conv2D<4, Kernel<3>>, ReLU
                           ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
