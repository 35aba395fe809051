// expect: ctinfer: PReLU::per_channel needs an input with a channel axis
// expect: prelu_per_channel_needs_an_axis<1, ctinfer::PReLUWith<true> ?, ctinfer::Shape<> ?>
// PReLU with one slope per channel on a value without a channel axis.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<1>>, ci::Reshape<ci::Shape<>>,
                           ci::PReLU::per_channel, ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
