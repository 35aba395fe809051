// load_flat and the checked forward: run-time errors are values that say what is wrong and
// leave the destination untouched.
#include <array>
#include <cstdlib>
#include <limits>
#include <span>
#include <string_view>
#include <vector>

#include <ctinfer/ctinfer.hpp>
#include <doctest/doctest.h>

namespace ci = ctinfer;
using Net = ci::Sequential<ci::Input<ci::Shape<3>>, ci::Dense<2>, ci::PReLU, ci::Dense<1, false>>;
static_assert(ci::param_count_v<Net> == 2 * 3 + 2 + 1 + 2);

TEST_CASE("load_flat fills every tensor in state_dict order") {
  ci::params_t<Net> p{};
  const std::array<float, 11> flat{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  const ci::status st = ci::load_flat(p, flat);
  REQUIRE(st.ok());
  CHECK(std::string_view(st.message()) == "ok");
  CHECK(ci::get<0>(p).weight == std::array<float, 6>{1, 2, 3, 4, 5, 6});  // weight[out][in]
  CHECK(ci::get<0>(p).bias == std::array<float, 2>{7, 8});
  CHECK(ci::get<1>(p).weight == std::array<float, 1>{9});                 // PReLU slope
  CHECK(ci::get<2>(p).weight == std::array<float, 2>{10, 11});            // no bias
  CHECK(ci::layer_params<2, Net>(p).weight[1] == 11);                     // by layer index
}

TEST_CASE("a wrong count is an error value naming both counts, and changes nothing") {
  ci::params_t<Net> p{};
  ci::get<0>(p).bias[0] = 42;
  const std::vector<float> short_by_one(10, 1.0f);
  const ci::status st = ci::load_flat(p, short_by_one);
  CHECK_FALSE(st.ok());
  CHECK_FALSE(static_cast<bool>(st));
  CHECK(std::string_view(st.message()) ==
        "load_flat: expected 11 values (every weight tensor in layer order, state_dict layout), "
        "got 10");
  CHECK(ci::get<0>(p).bias[0] == 42);
  CHECK(ci::get<0>(p).weight[0] == 0);
  const std::vector<float> too_many(12, 1.0f);
  CHECK_FALSE(ci::load_flat(p, too_many).ok());
  CHECK_FALSE(ci::load_flat(p, std::span<const float>()).ok());
}

TEST_CASE("a BatchNorm running variance below zero or NaN is an error value, and changes nothing") {
  // weight[2], bias[2], running_mean[2], running_var[2]
  using Norm = ci::Sequential<ci::Input<ci::Shape<2, 3>>, ci::Dense<2>, ci::BatchNorm>;
  static_assert(ci::param_count_v<Norm> == 3 * 2 + 2 + 4 * 2);
  ci::params_t<Norm> p{};
  std::array<float, 16> flat{};
  flat.fill(0.5f);
  flat[15] = -0.25f;  // running_var[1]
  const ci::status st = ci::load_flat(p, flat);
  CHECK_FALSE(st.ok());
  CHECK(std::string_view(st.message()) ==
        "load_flat: BatchNorm running_var[1] is negative or NaN (the layer's values start at value 8)");
  CHECK(ci::get<0>(p).weight[0] == 0);  // nothing written, not even the layers before it
  flat[15] = std::numeric_limits<float>::quiet_NaN();
  CHECK(std::string_view(ci::load_flat(p, flat).message()).starts_with("load_flat: BatchNorm running_var[1] is negative or NaN"));
  flat[15] = 0.0f;  // zero is a variance (eps keeps the square root positive)
  CHECK(ci::load_flat(p, flat).ok());
  CHECK(ci::get<1>(p).running_var[1] == 0.0f);
  // In constant evaluation too.
  static_assert(![] {
    ci::params_t<Norm> q{};
    std::array<double, 16> values{};
    values[14] = -1.0;
    return ci::load_flat(q, values).ok();
  }());
}

TEST_CASE("load_flat converts from double sources") {
  ci::params_t<Net> p{};
  const std::array<double, 11> flat{0.5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
  REQUIRE(ci::load_flat(p, flat).ok());
  CHECK(ci::get<0>(p).weight[0] == 0.5f);
}

// load_flat in constant evaluation: a network's parameters built by the compiler.
constexpr ci::params_t<Net> constexpr_params = [] {
  ci::params_t<Net> p{};
  const std::array<float, 11> flat{1, 0, 0, 0, 1, 0, 0, 0, 0.25f, 1, -1};
  if (!ci::load_flat(p, flat)) std::abort();  // not a constant expression: a compile error
  return p;
}();
static_assert(ci::get<1>(constexpr_params).weight[0] == 0.25f);

TEST_CASE("status carries a bounded, NUL-terminated message") {
  ci::status st = ci::status::error("x");
  for (int i = 0; i < 100; ++i) st.append("long message ");
  CHECK(std::string_view(st.message()).size() == ci::status::capacity);
  constexpr ci::status counted = ci::status::error("n=").append(std::size_t{1234567});
  static_assert(std::string_view(counted.message()) == "n=1234567");
  CHECK(std::string_view(ci::status{}.message()) == "ok");
}

TEST_CASE("forward with run-time spans checks the sizes") {
  ci::params_t<Net> p{};
  ci::Model<Net> m{p};
  std::vector<float> x(3, 1.0f), y(1, 5.0f), wrong(4, 0.0f);
  CHECK(m.forward(std::span<const float>(x), std::span<float>(y)).ok());
  const ci::status st = m.forward(std::span<const float>(wrong), std::span<float>(y));
  CHECK_FALSE(st.ok());
  CHECK(std::string_view(st.message()) ==
        "Model::forward: expected 3 inputs and 1 outputs, got 4 and 1");
}
