// expect: ctinfer: GLU and GatedTanh split the channel axis \(the first\) in halves: it needs an even extent
// expect: gate_needs_even_channels<1, [^<>]*(<false>)? ?, ctinfer::Shape<15, 30> ?>
// GLU halves the channels, so the conv before it must give an even number (15 here).
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<4, 30>>, ci::Conv1D<15, ci::Kernel<3>, ci::Pad<1>>,
                           ci::GLU, ci::GlobalAvgPool, ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
