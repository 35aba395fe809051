// expect: ctinfer: LSTM and GRU take a \(T, F\) sequence \(rank 2\)
// expect: recurrent_needs_a_sequence<1, ctinfer::LSTM<16 ?> ?, ctinfer::Shape<32 ?> ?>
// An LSTM after a Dense on a single feature vector: it needs (T, F), e.g. Input<Shape<1, 8>>.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<8>>, ci::Dense<32>, ci::LSTM<16>, ci::Dense<1>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
