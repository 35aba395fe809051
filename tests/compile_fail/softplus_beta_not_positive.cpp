// expect: ctinfer: Softplus needs beta > 0
// expect: ctinfer::SoftplusWith<std::ratio<-1(, 1)?> ?, std::ratio<20(, 1)?> ?> ?[,']
// Softplus is log(1 + exp(beta x)) / beta; a negative beta is rejected.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<8>>, ci::Dense<4>,
                           ci::Softplus::with<std::ratio<-1>>, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
