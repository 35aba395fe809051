// expect: ctinfer: the window \(dilation \* \(kernel - 1\) \+ 1\) is larger than the padded input
// expect: window_fits_the_padded_input<0, ctinfer::Conv2D<4, ctinfer::Kernel<5> ?> ?, ctinfer::Shape<1, 3, 3> ?>
// A 5x5 kernel on a 3x3 input without padding: no window fits (PyTorch fails at run time).
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<1, 3, 3>>, ci::Conv2D<4, ci::Kernel<5>>, ci::ReLU,
                           ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
