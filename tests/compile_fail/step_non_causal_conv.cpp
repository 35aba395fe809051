// expect: ctinfer: a streamed Conv1D must be causal \(ci::Causal, or Pads<\(kernel-1\)\*dilation, 0>\)
// expect: layer_runs_one_frame_at_a_time<2, ctinfer::Conv1D<8, ctinfer::Kernel<3>, ctinfer::Pad<1> ?> ?, [^>]*time_mixing_conv ?>
// Pad<1> centres the window: output t reads input t + 1, which a stream has not seen yet.
#include <array>
#include <span>

#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<1, 64>>, ci::Conv1D<8, ci::Kernel<3>, ci::Causal>, ci::Tanh,
                           ci::Conv1D<8, ci::Kernel<3>, ci::Pad<1>>>;

int main() {
  static ci::params_t<Net> params{};
  static ci::Model<Net> model{params};
  static ci::State<Net> state;
  std::array<float, 1> x{};
  std::array<float, 8> y{};
  model.step(state, x, y);
}
