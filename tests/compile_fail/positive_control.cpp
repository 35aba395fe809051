// positive control: must compile (registered with -DEXPECT_SUCCESS=ON).
// A correct program using what the compile-fail tests use (the layers named there, params_t,
// load_flat, Model, infer). It must compile with the same command as the compile-fail tests,
// so that a broken include path or header cannot make every one of them "pass".
#include <ctinfer/ctinfer.hpp>

#include <array>
#include <ratio>
#include <type_traits>

namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<16>>, ci::ReLU, ci::Reshape<ci::Shape<4, 4>>,
                           ci::Dense<3>, ci::CELU::with<std::ratio<1, 2>>, ci::Flatten,
                           ci::PReLU::per_channel, ci::Dense<8>,
                           ci::Softplus::with<std::ratio<2>>, ci::LeakyReLU::with<std::ratio<1, 5>>,
                           ci::Dense<2, false>, ci::Softmax>;
static_assert(ci::Network<Net>);
static_assert(std::is_same_v<ci::output_shape_t<Net>, ci::Shape<2>>);
static_assert(std::is_same_v<ci::layer_input_shape_t<Net, 2>, ci::Shape<4, 4>>);
static_assert(std::is_same_v<ci::layer_input_shape_t<Net, 3>, ci::Shape<4, 3>>);

using Net64 = ci::Sequential<ci::Input<ci::Shape<1>, double>, ci::Reshape<ci::Shape<1, 1>>,
                             ci::Dense<3>, ci::Softmax>;
static_assert(std::is_same_v<ci::element_t<Net64>, double>);

// The convolution, pooling, BatchNorm and gating layers of the compile-fail tests, used right.
// (No Residual/Concat here: see residual_*.cpp and concat_*.cpp.)
using Cnn = ci::Sequential<ci::Input<ci::Shape<3, 16, 16>>, ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>>,
                           ci::BatchNorm::with<std::ratio<1, 1000>>, ci::ReLU,
                           ci::MaxPool2D<ci::Kernel<2>>,
                           ci::Conv2D<8, ci::Kernel<3>, ci::PadSame, ci::Groups<4>, ci::NoBias>,
                           ci::AvgPool2D<ci::Kernel<3>, ci::Stride<1>, ci::Pads<1, 1, 1, 1>, ci::ExcludePad>,
                           ci::GLU, ci::GlobalAvgPool, ci::Flatten, ci::Dense<2>>;
static_assert(std::is_same_v<ci::layer_input_shape_t<Cnn, 7>, ci::Shape<4, 8, 8>>);
using Cnn1d = ci::Sequential<ci::Input<ci::Shape<1, 100>>,
                             ci::Conv1D<8, ci::Kernel<5>, ci::Stride<2>, ci::Dilation<2>>, ci::ReLU,
                             ci::GlobalMaxPool, ci::Flatten, ci::Dense<2>>;
static_assert(std::is_same_v<ci::layer_input_shape_t<Cnn1d, 2>, ci::Shape<8, 46>>);

int main() {
  ci::params_t<Net> params{};
  std::array<float, ci::param_count_v<Net>> flat{};
  if (!ci::load_flat(params, flat)) return 1;
  ci::Model<Net> model{params};
  std::array<float, 16> x{};
  std::array<float, 2> y = model(x);
  const auto y_ref = ci::infer<Net>(params, x);

  ci::Model<Net64> model64{ci::params_t<Net64>{}};
  std::array<double, 3> z = model64({1.0});
  ci::Model<Cnn> cnn{ci::params_t<Cnn>{}};
  ci::Model<Cnn1d> cnn1d{ci::params_t<Cnn1d>{}};
  std::array<float, 2> c2 = cnn(std::array<float, 3 * 16 * 16>{});
  std::array<float, 2> c1 = cnn1d(std::array<float, 100>{});
  return y[0] == y_ref[0] && z[0] > 0.0 && c2[0] == c1[0] ? 0 : 1;
}
