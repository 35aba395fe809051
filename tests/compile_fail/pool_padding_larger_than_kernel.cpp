// expect: ctinfer: a pooling window lies entirely in the padding
// expect: pool_windows_touch_the_input<0, ctinfer::MaxPool2D<ctinfer::Kernel<2>, ctinfer::Stride<2>, ctinfer::Pad<2> ?> ?, ctinfer::Shape<8, 16, 16> ?>
// Padding as large as the window: the first window sees padding only (PyTorch refuses a pad
// above half the kernel).
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<8, 16, 16>>,
                           ci::MaxPool2D<ci::Kernel<2>, ci::Stride<2>, ci::Pad<2>>, ci::Flatten,
                           ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
