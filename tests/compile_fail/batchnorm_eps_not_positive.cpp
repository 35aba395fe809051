// expect: ctinfer: BatchNorm::with<Eps> needs eps > 0
// expect: batch_norm_needs_positive_eps<1, ctinfer::BatchNormWith<std::ratio<0(, 1)?> ?> ?, ctinfer::Shape<8, 14, 14> ?>
// eps 0 divides by zero wherever running_var is 0.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<3, 16, 16>>, ci::Conv2D<8, ci::Kernel<3>>,
                           ci::BatchNorm::with<std::ratio<0>>, ci::ReLU, ci::Flatten, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
