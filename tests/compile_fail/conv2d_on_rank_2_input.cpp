// expect: ctinfer: a 2-D convolution or pooling layer needs a \(C, H, W\) input
// expect: window_needs_channels_first_input<0, ctinfer::Conv2D<4, ctinfer::Kernel<3> ?> ?, ctinfer::Shape<8, 8> ?>
// A grey-scale 8x8 image given as Shape<8, 8>: Conv2D needs the channel axis first,
// Shape<1, 8, 8>.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<8, 8>>, ci::Conv2D<4, ci::Kernel<3>>, ci::ReLU,
                           ci::Flatten, ci::Dense<2>>;   // a grey 8x8 image

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
