// expect: ctinfer: an element of Sequential is not a layer
// expect: element_is_a_layer<0, MyActivation>
// A user type without the layer protocol (`using ctinfer_layer = void;` and a `kind`).
#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

struct MyActivation {
  static float apply(float x) { return x > 0 ? x : 0; }
};

using Net = ci::Sequential<ci::Input<ci::Shape<4>>, MyActivation, ci::Dense<2>>;

int main() {
  ci::params_t<Net> params{};
  ci::Model<Net> model{params};
  (void)model;
}
