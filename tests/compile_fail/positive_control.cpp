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
  return y[0] == y_ref[0] && z[0] > 0.0 ? 0 : 1;
}
