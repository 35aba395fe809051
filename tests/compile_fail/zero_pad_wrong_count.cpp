// expect: ctinfer: ZeroPad takes a \(C, L\) or \(C, H, W\) input and ci::Pad<p>
// expect: zero_pad_needs_spatial_input_and_pads<0, ctinfer::ZeroPad<ctinfer::Pads<1, 1> ?> ?, ctinfer::Shape<3, 6, 6> ?>
// Pads on a 2-D input takes four values (top, left, bottom, right), not two.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<3, 6, 6>>, ci::ZeroPad<ci::Pads<1, 1>>,
                           ci::Conv2D<4, ci::Kernel<3>>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
