// docs/concepts.md's "Networks and layers" snippet, with the facts the page states about it
// checked by the compiler, then run once.
#include <array>
#include <cmath>
#include <type_traits>

#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

// "Shapes": size, rank, last axis, rows.
static_assert(ci::Shape<5, 7>::size == 35 && ci::Shape<5, 7>::rank == 2);
static_assert(ci::Shape<5, 7>::last == 7 && ci::Shape<5, 7>::rows == 5);

using Net = ci::Sequential<ci::Input<ci::Shape<6, 10>, double>,  // element type: float or double
                           ci::Dense<12>, ci::ELU,               // Dense acts on the last axis
                           ci::Dense<7>, ci::Mish>;              // (6, 10) -> (6, 12) -> (6, 7)

static_assert(std::is_same_v<ci::layer_input_shape_t<Net, 2>, ci::Shape<6, 12>>);  // Dense<7>: index 2
static_assert(std::is_same_v<ci::output_shape_t<Net>, ci::Shape<6, 7>>);
static_assert(ci::param_count_v<Net> == (12 * 10 + 12) + (7 * 12 + 7));  // weight[out][in], bias[out]

int main() {
  static ci::params_t<Net> params{};
  std::array<double, ci::param_count_v<Net>> flat{};
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = 0.1 * std::cos(0.5 * static_cast<double>(i));
  if (!ci::load_flat(params, flat)) return 1;
  static ci::Model<Net> model{params};
  std::array<double, 60> x{};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.2 * static_cast<double>(i));
  const std::array<double, 42> y = model(x);  // double in, double out
  const std::array<double, 42> reference = ci::infer<Net>(params, x);
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (std::fabs(y[i] - reference[i]) > 1e-12) return 1;
  }
  return 0;
}
