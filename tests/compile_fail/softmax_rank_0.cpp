// expect: ctinfer: Softmax/LogSoftmax act on the last axis, so the input needs one
// expect: softmax_needs_rank_1_or_more<2, ctinfer::SoftmaxWith<false> ?, ctinfer::Shape<> ?>
// Softmax over a value without an axis (reached through Reshape<Shape<>>).
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<1>>, ci::ReLU, ci::Reshape<ci::Shape<>>,
                           ci::Softmax>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
