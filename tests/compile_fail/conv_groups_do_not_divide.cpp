// expect: ctinfer: a convolution's input channels and output channels must both be divisible by Groups<G>
// expect: conv_channels_divisible_by_groups<0, ctinfer::Conv2D<6, ctinfer::Kernel<3>, ctinfer::Groups<4> ?> ?, ctinfer::Shape<8, 9, 9> ?>
// Groups<4> divides the 8 input channels but not the 6 output channels.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<8, 9, 9>>, ci::Conv2D<6, ci::Kernel<3>, ci::Groups<4>>,
                           ci::ReLU, ci::GlobalAvgPool, ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
