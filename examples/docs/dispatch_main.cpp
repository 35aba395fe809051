#include <array>
#include <cmath>
#include <cstdio>

#include <ctinfer/ctinfer.hpp>  // no runtime_dispatch.hpp here: dispatch_unit.cpp has the kernels
#include "my_net.hpp"
namespace ci = ctinfer;

int main() {
  static ci::params_t<my::Net> params{};  // weights: load_flat, a blob or a converted header
  std::array<float, ci::param_count_v<my::Net>> flat{};
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = 0.3f * std::sin(0.37f * static_cast<float>(i));
  if (!ci::load_flat(params, flat)) return 1;

  static ci::Model<my::Net, ci::runtime_dispatch> model{params};  // the best target of this CPU
  const std::array<float, 16> x{1, -2, 3, -4, 5, -6, 7, -8, 1, 2, 3, 4, 5, 6, 7, 8};
  const std::array<float, 4> y = model(x);
  const std::array<float, 4> reference = ci::infer<my::Net>(params, x);  // the scalar reference
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (std::fabs(y[i] - reference[i]) > 1e-5f) return 1;
  }
  std::printf("dispatched: %.4f %.4f %.4f %.4f\n", y[0], y[1], y[2], y[3]);
  return 0;
}
