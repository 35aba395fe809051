// expect: ctinfer: Dense<N> needs N > 0 output features
// expect: ctinfer::Dense<0(, true)?> ?[,']
// A Dense layer without outputs.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<8>>, ci::Dense<0>, ci::ReLU, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
