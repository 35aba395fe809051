// expect: ctinfer: PadSame \(padding='same'\) needs stride 1
// expect: conv_same_padding_needs_stride_1<0, ctinfer::Conv2D<4, ctinfer::Kernel<3>, ctinfer::PadSame, ctinfer::Stride<2> ?> ?, ctinfer::Shape<3, 16, 16> ?>
// padding='same' with a stride: PyTorch refuses it too (use Pad<1> for a 3x3 kernel).
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<3, 16, 16>>,
                           ci::Conv2D<4, ci::Kernel<3>, ci::PadSame, ci::Stride<2>>, ci::ReLU,
                           ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
