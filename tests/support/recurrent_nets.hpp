// tests/support/recurrent_nets.hpp - the networks of tests/fixtures/recurrent.hpp (PyTorch
// cases of tests/reference/make_fixtures.py), as ctinfer types, for the whole-sequence
// (test_recurrent.cpp) and streaming (test_streaming.cpp) tests. T: float or double.
#pragma once

#include <cstddef>

#include <ctinfer/ctinfer.hpp>

namespace ctinfer_test::recurrent_nets {
namespace ci = ctinfer;
// clang-format off
template <class T, std::size_t Time, std::size_t F, class... Ls>
using seq = ci::Sequential<ci::Input<ci::Shape<Time, F>, T>, Ls...>;
template <class T> using lstm_h1_f3 = seq<T, 25, 3, ci::LSTM<1>>;
template <class T> using lstm_h8_f1 = seq<T, 40, 1, ci::LSTM<8>>;
template <class T> using lstm_h16_f5 = seq<T, 20, 5, ci::LSTM<16>>;
template <class T> using lstm_h24_f7 = seq<T, 16, 7, ci::LSTM<24>>;
template <class T> using lstm_h32_f13 = seq<T, 12, 13, ci::LSTM<32>>;
template <class T> using lstm_h64_f8 = seq<T, 14, 8, ci::LSTM<64>>;
template <class T> using gru_h1_f3 = seq<T, 25, 3, ci::GRU<1>>;
template <class T> using gru_h8_f1 = seq<T, 40, 1, ci::GRU<8>>;
template <class T> using gru_h16_f5 = seq<T, 20, 5, ci::GRU<16>>;
template <class T> using gru_h24_f7 = seq<T, 16, 7, ci::GRU<24>>;
template <class T> using gru_h32_f13 = seq<T, 12, 13, ci::GRU<32>>;
template <class T> using gru_h64_f8 = seq<T, 14, 8, ci::GRU<64>>;
template <class T> using lstm_nobias = seq<T, 15, 6, ci::LSTM<10, ci::NoBias>>;
template <class T> using gru_nobias = seq<T, 15, 6, ci::GRU<10, ci::NoBias>>;
template <class T> using lstm_2layers = seq<T, 20, 5, ci::LSTM<12>, ci::LSTM<12>>;
template <class T> using lstm_stack = seq<T, 20, 5, ci::LSTM<16>, ci::LSTM<8>>;
template <class T> using gru_2layers = seq<T, 20, 5, ci::GRU<12>, ci::GRU<12>>;
template <class T> using gru_stack = seq<T, 20, 5, ci::GRU<16>, ci::GRU<8>>;
template <class T> using lstm_bidir = seq<T, 18, 4, ci::Bidirectional<ci::LSTM<8>>>;
template <class T> using gru_bidir = seq<T, 18, 4, ci::Bidirectional<ci::GRU<8>>>;
template <class T> using lstm_init = seq<T, 16, 5, ci::LSTM<12, ci::InitialState>>;
template <class T> using gru_init = seq<T, 16, 5, ci::GRU<12, ci::InitialState>>;
template <class T> using lstm_last_step = seq<T, 24, 3, ci::LSTM<16>, ci::LastStep, ci::Dense<4>>;
template <class T> using gru_time_dense = seq<T, 30, 2, ci::GRU<12>, ci::Dense<1>>;
template <class T> using lstm_long = seq<T, 10000, 1, ci::LSTM<8>>;
template <class T> using gru_long = seq<T, 10000, 1, ci::GRU<8>>;
template <class T> using tcn = ci::Sequential<ci::Input<ci::Shape<2, 40>, T>,
    ci::Conv1D<8, ci::Kernel<3>, ci::Causal>, ci::ReLU,
    ci::Conv1D<8, ci::Kernel<3>, ci::Dilation<2>, ci::Causal>, ci::ReLU,
    ci::Conv1D<3, ci::Kernel<3>, ci::Dilation<4>, ci::Causal>>;
template <std::size_t D>
using wavenet_block = ci::Residual<ci::Sequential<ci::Conv1D<16, ci::Kernel<2>, ci::Dilation<D>, ci::Causal>,
                                                  ci::GatedTanh, ci::Conv1D<8, ci::Kernel<1>>>>;
template <class T> using wavenet = ci::Sequential<ci::Input<ci::Shape<1, 48>, T>,
    ci::Conv1D<8, ci::Kernel<1>>, wavenet_block<1>, wavenet_block<2>, wavenet_block<4>, ci::Conv1D<1, ci::Kernel<1>>>;
template <class T> using amp_conv_gru = ci::Sequential<ci::Input<ci::Shape<1, 64>, T>,
    ci::Conv1D<4, ci::Kernel<3>, ci::Causal>, ci::Tanh, ci::Conv1D<4, ci::Kernel<3>, ci::Dilation<2>, ci::Causal>,
    ci::Tanh, ci::Transpose, ci::GRU<12>, ci::Dense<1>>;
template <class T> using amp_lstm = seq<T, 64, 1, ci::LSTM<16>, ci::Dense<1>>;
// clang-format on
}  // namespace ctinfer_test::recurrent_nets
