// expect: ctinfer: OutputPad<p> must be smaller than the stride or the dilation along its axis
// expect: conv_transpose_output_pad_below_stride_or_dilation<0, ctinfer::ConvTranspose2D<4, ctinfer::Kernel<3>, ctinfer::Stride<2>, ctinfer::OutputPad<2> ?> ?, ctinfer::Shape<8, 7, 7> ?>
// output_padding must be smaller than the stride (or the dilation), as in PyTorch.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<8, 7, 7>>,
                           ci::ConvTranspose2D<4, ci::Kernel<3>, ci::Stride<2>, ci::OutputPad<2>>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
