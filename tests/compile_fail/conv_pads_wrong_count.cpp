// expect: ctinfer: Stride, Dilation and Pad take one value or one per spatial axis .*Pads takes the begins then the ends \(2 values per axis\)
// expect: window_option_values_fit_the_axes<0, ctinfer::Conv2D<4, ctinfer::Kernel<3>, ctinfer::Pads<1, 1> ?> ?, ctinfer::Shape<3, 16, 16> ?>
// Pads<1, 1> written for (pad_h, pad_w): Pads takes begins then ends, 4 values in 2-D
// (Pad<1, 1> is the per-axis form).
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<3, 16, 16>>,
                           ci::Conv2D<4, ci::Kernel<3>, ci::Pads<1, 1>>, ci::ReLU,
                           ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
