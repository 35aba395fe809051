// expect: ctinfer: Transpose swaps the two axes of a rank-2 tensor
// expect: transpose_needs_rank_2<0, ctinfer::Transpose, ctinfer::Shape<2, 3, 4 ?> ?>
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<2, 3, 4>>, ci::Transpose>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
