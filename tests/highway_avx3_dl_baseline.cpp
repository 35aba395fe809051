// tests/highway_avx3_dl_baseline.cpp - compiled, not run: ctinfer's headers build for an
// AVX3_DL baseline (-march=sapphirerapids; what -march=native gives on Ice Lake and newer
// Intel CPUs). Highway 1.0.3 alone stops there with "Logic error: best baseline should be
// included in dynamic targets"; ctinfer/detail/highway_targets.hpp opts in to AVX3_DL first.
#include <array>

#include <ctinfer/ctinfer.hpp>

static_assert(HWY_STATIC_TARGET == HWY_AVX3_DL, "this unit is built with an AVX3_DL baseline");

namespace ci = ctinfer;

// A conv net and a recurrent net, so the kernels are instantiated for the AVX3_DL target.
using baseline_conv_net = ci::Sequential<ci::Input<ci::Shape<1, 8, 8>>, ci::Conv2D<4, ci::Kernel<3>, ci::Pad<1>>,
                                         ci::ReLU, ci::MaxPool2D<ci::Kernel<2>>, ci::Flatten, ci::Dense<10>>;
using baseline_rnn = ci::Sequential<ci::Input<ci::Shape<16, 1>>, ci::GRU<8>, ci::Dense<1>>;

std::array<float, 10> run_baseline_conv(const ci::params_t<baseline_conv_net>& params,
                                        const std::array<float, 64>& image) {
  static ci::Model<baseline_conv_net> model{params};
  return model(image);
}

std::array<float, 16> run_baseline_rnn(const ci::params_t<baseline_rnn>& params, const std::array<float, 16>& x) {
  static ci::Model<baseline_rnn> model{params};
  return model(x);
}
