// expect: ctinfer: Concat joins its branches along the channel axis \(the first\), so every other axis must match
// expect: concat_branches_match_but_for_channels<4, ctinfer::Shape<8, 9, 9> ?, ctinfer::Shape<4, 9, 9> ?, ctinfer::Shape<4, 8, 8> ?>
// An Inception-style block whose second branch (a 2x2 kernel, no padding) shrinks 9x9 to
// 8x8 while the first keeps 9x9.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<8, 9, 9>>,
                           ci::Concat<ci::Conv2D<4, ci::Kernel<3>, ci::Pad<1>>, ci::Conv2D<4, ci::Kernel<2>>>,
                           ci::ReLU, ci::GlobalAvgPool, ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
