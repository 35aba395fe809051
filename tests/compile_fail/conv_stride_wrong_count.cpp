// expect: ctinfer: Stride, Dilation and Pad take one value or one per spatial axis
// expect: window_option_values_fit_the_axes<0, ctinfer::Conv2D<4, ctinfer::Kernel<3>, ctinfer::Stride<1, 2, 2> ?> ?, ctinfer::Shape<3, 16, 16> ?>
// Three strides for a 2-D convolution (a 3-D habit, or the channel axis counted): one value
// or one per spatial axis.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<3, 16, 16>>,
                           ci::Conv2D<4, ci::Kernel<3>, ci::Stride<1, 2, 2>>, ci::ReLU,
                           ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
