// expect: ctinfer: Causal is an option of Conv1D with stride 1
// expect: conv_causal_needs_1d_and_stride_1<0, ctinfer::Conv2D<4, ctinfer::Kernel<3>, ctinfer::Causal ?> ?, ctinfer::Shape<1, 8, 8 ?> ?>
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<1, 8, 8>>, ci::Conv2D<4, ci::Kernel<3>, ci::Causal>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
