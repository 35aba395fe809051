// expect: ctinfer: a layer option is not one this layer takes, or is given twice .*Dilation \(max\)
// expect: window_options_are_known_and_unique<0, ctinfer::AvgPool2D<ctinfer::Kernel<3>, ctinfer::Dilation<2> ?> ?, ctinfer::Shape<8, 16, 16> ?>
// Dilation is a MaxPool option only (nn.AvgPool2d has no dilation).
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<8, 16, 16>>,
                           ci::AvgPool2D<ci::Kernel<3>, ci::Dilation<2>>, ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
