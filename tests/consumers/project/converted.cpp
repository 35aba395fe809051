// The consumer's model converted at build time by ctinfer_add_model (tiny.json, Keras layout:
// kernel (in, out)) and checked against values computed by hand. Exits non-zero on a mismatch.
#include <array>
#include <cstdio>

#include <ctinfer/ctinfer.hpp>

#include "tiny.hpp"  // generated: namespace tiny { using model = ...; params }

int main() {
  // x = (1, 2, 3); W = [[1, 0, 0], [0, 1, -1]], b = (0.5, 0) -> (1.5, -1); ReLU -> (1.5, 0)
  ctinfer::Model<tiny::model> model{tiny::params};
  const std::array<float, 2> y = model(std::array<float, 3>{1, 2, 3});
  std::printf("converted: y = (%g, %g), expected (1.5, 0)\n", y[0], y[1]);
  return (y[0] == 1.5f && y[1] == 0.0f) ? 0 : 1;
}
