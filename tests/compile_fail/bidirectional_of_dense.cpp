// expect: ctinfer: Bidirectional<L> takes an LSTM<H> or GRU<H>
// expect: bidirectional_wraps_an_lstm_or_gru<0, ctinfer::Bidirectional<ctinfer::Dense<8(, true)? ?> ?> ?, ctinfer::Shape<20, 3 ?> ?>
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<20, 3>>, ci::Bidirectional<ci::Dense<8>>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
