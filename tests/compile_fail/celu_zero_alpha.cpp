// expect: ctinfer: CELU needs a non-zero alpha
// expect: ctinfer::CELUWith<std::ratio<0(, 1)?> ?> ?[,']
// CELU is max(0, x) + min(0, alpha * (exp(x / alpha) - 1)): alpha 0 divides by zero.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<8>>, ci::Dense<4>, ci::CELU::with<std::ratio<0>>,
                           ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
