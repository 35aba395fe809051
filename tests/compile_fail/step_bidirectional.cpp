// expect: ctinfer: this layer needs the whole sequence \(or more than the current frame\) and cannot run in Model::step/process
// expect: layer_runs_one_frame_at_a_time<0, ctinfer::Bidirectional<ctinfer::LSTM<8 ?> ?> ?, [^>]*whole_sequence ?>
// A bidirectional layer reads the future: it cannot stream.
#include <array>
#include <span>

#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<20, 3>>, ci::Bidirectional<ci::LSTM<8>>>;

int main() {
  static ci::params_t<Net> params{};
  static ci::Model<Net> model{params};
  static ci::State<Net> state;
  std::array<float, 3> x{};
  std::array<float, 16> y{};
  model.step(state, x, y);
}
