// expect: ctinfer: Dense acts on the last axis, so its input needs at least one axis
// expect: dense_needs_rank_1_or_more<1, ctinfer::Dense<3(, true)?> ?, ctinfer::Shape<> ?>
// Input forbids rank 0, but a Reshape to Shape<> (one value, no axis) reaches it; Dense then
// has no last axis to act on.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<1>>, ci::Reshape<ci::Shape<>>, ci::Dense<3>,
                           ci::ReLU, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
