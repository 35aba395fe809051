// expect: ctinfer: Residual adds its branches, so the body must keep the input's shape \(or the body and the shortcut must give the same shape\)
// expect: residual_branches_have_one_shape<9, ctinfer::Shape<8, 9, 9> ?, ctinfer::Shape<16, 5, 5> ?, ctinfer::Shape<16, 9, 9> ?>
// A downsampling ResNet block whose 1x1 projection shortcut forgot Stride<2>: the body gives
// (16, 5, 5), the shortcut (16, 9, 9).
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Body = ci::Sequential<ci::Conv2D<16, ci::Kernel<3>, ci::Stride<2>, ci::Pad<1>>, ci::BatchNorm,
                            ci::ReLU, ci::Conv2D<16, ci::Kernel<3>, ci::Pad<1>>, ci::BatchNorm>;
using Shortcut = ci::Sequential<ci::Conv2D<16, ci::Kernel<1>>, ci::BatchNorm>;
using Net = ci::Sequential<ci::Input<ci::Shape<8, 9, 9>>, ci::Residual<Body, Shortcut>, ci::ReLU,
                           ci::GlobalAvgPool, ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
