// expect: ctinfer: a layer option is not one this layer takes, or is given twice
// expect: window_options_are_known_and_unique<0, ctinfer::Conv2D<4, ctinfer::Kernel<3>, ctinfer::Pad<1>, ctinfer::Kernel<3> ?> ?, ctinfer::Shape<3, 16, 16> ?>
// The same option twice (here Kernel, after editing the options): each kind is given once.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<3, 16, 16>>,
                           ci::Conv2D<4, ci::Kernel<3>, ci::Pad<1>, ci::Kernel<3>>, ci::ReLU,
                           ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
