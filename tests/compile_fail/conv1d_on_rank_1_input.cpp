// expect: ctinfer: a 2-D convolution or pooling layer needs a \(C, H, W\) input and a 1-D one a \(C, L\) input
// expect: window_needs_channels_first_input<0, ctinfer::Conv1D<8, ctinfer::Kernel<5> ?> ?, ctinfer::Shape<100> ?>
// A mono signal of 100 samples given as Shape<100>: Conv1D needs (C, L), Shape<1, 100>.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<100>>, ci::Conv1D<8, ci::Kernel<5>>, ci::ReLU,
                           ci::GlobalAvgPool, ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
