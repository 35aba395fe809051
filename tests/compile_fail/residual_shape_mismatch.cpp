// expect: ctinfer: Residual adds its branches, so the body must keep the input's shape
// expect: residual_branches_have_one_shape<2, ctinfer::Shape<8, 9, 9> ?, ctinfer::Shape<16, 9, 9> ?>
// The body widens 8 channels to 16, so x + body(x) has no meaning without a shortcut
// (Residual<Body, Shortcut>). 2 is the index of the block's end: begin 0, the conv 1, end 2.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<8, 9, 9>>,
                           ci::Residual<ci::Sequential<ci::Conv2D<16, ci::Kernel<3>, ci::Pad<1>>>>,
                           ci::ReLU, ci::GlobalAvgPool, ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
