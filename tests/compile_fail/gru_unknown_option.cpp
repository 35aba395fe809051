// expect: ctinfer: LSTM and GRU take the options NoBias and InitialState, each at most once
// expect: recurrent_options_are_known_and_unique<0, ctinfer::GRU<8, ctinfer::NoBias, ctinfer::NoBias ?> ?, ctinfer::Shape<20, 3 ?> ?>
// NoBias given twice.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<20, 3>>, ci::GRU<8, ci::NoBias, ci::NoBias>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
