// expect: (template constraint failure for .*using with = ctinfer::LeakyReLUWith<S>|constraints not satisfied for alias template 'with' \[with S = float\])
// expect: (satisfaction of 'Constant<S>' \[with S = float\]|'float' does not satisfy 'Constant')
// max-errors: 5
// The slope of LeakyReLU is a type carrying a number (a std::ratio, or a type with a static
// constexpr double `value`), not a plain arithmetic type. The errors after the first are the
// compiler's follow-ups in this file (the alias `Net` is invalid, so every use of it fails).
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<8>>, ci::LeakyReLU::with<float>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
