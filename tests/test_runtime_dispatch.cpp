// Runtime dispatch: a Model<Net, ci::runtime_dispatch> picks the best target the CPU has,
// and gives the reference's result on every target it can be restricted to.
#include <array>
#include <cmath>
#include <string>

#include <ctinfer/ctinfer.hpp>
#include <doctest/doctest.h>
#include <hwy/targets.h>

#include "support/compare.hpp"
#include "support/dispatch_net.hpp"
#include "support/targets.hpp"

namespace ci = ctinfer;
using Net = ctinfer_test::dispatch_net;

TEST_CASE("runtime dispatch runs the network on every supported target") {
  ci::params_t<Net> p{};
  std::array<float, ci::param_count_v<Net>> flat{};
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = std::sin(0.37f * static_cast<float>(i)) * 0.3f;
  REQUIRE(ci::load_flat(p, flat).ok());
  std::array<float, 60> x{};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::cos(0.11f * static_cast<float>(i));
  const auto expected = ci::infer<Net>(p, x);

  ci::Model<Net, ci::runtime_dispatch> model{p};
  const auto best = model(x);
  ctinfer_test::check_close("best target", std::span<const float>(best), std::span<const float>(expected),
                            ctinfer_test::float_tol);

  const int targets = ctinfer_test::for_each_target([&](const std::string&) {
    const auto y = model(x);
    ctinfer_test::check_close("dispatched", std::span<const float>(y), std::span<const float>(expected),
                              ctinfer_test::float_tol);
  });
  CHECK(targets >= 2);  // at least the baseline and one SIMD target on any x86-64 or Arm CPU
}
