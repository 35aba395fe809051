// expect: (template constraint failure for .*struct ctinfer::Input|constraints not satisfied for class template 'Input')
// expect: (satisfaction of 'AShape<S>' \[with S = std::integral_constant<int, 4>\]|'std::integral_constant<int, 4>' does not satisfy 'AShape')
// max-errors: 5
// The first argument of ci::Input is a ci::Shape<...>, not the number of inputs. As in
// input_int_element.cpp, the errors after the first are follow-ups in this file.
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<std::integral_constant<int, 4>>, ci::Dense<3>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
