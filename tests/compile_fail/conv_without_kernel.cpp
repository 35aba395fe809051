// expect: ctinfer: give the window as ci::Kernel<k> or ci::Kernel<kh, kw>
// expect: window_needs_a_kernel<0, ctinfer::Conv2D<4, ctinfer::Stride<2> ?> ?, ctinfer::Shape<3, 16, 16> ?>
// The kernel size has no default (nn.Conv2d requires kernel_size too).
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<3, 16, 16>>, ci::Conv2D<4, ci::Stride<2>>, ci::ReLU,
                           ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
