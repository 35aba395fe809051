// tests/support/check_model.hpp - one network, one input, one expected output.
//
// Builds ctinfer::Model<Net> (on the heap: converted nets can be large), runs forward on the
// input and compares with the expected output within the tolerance (support/compare.hpp).
// Used by the tests of converted models, whose fixtures are plain float arrays.
#pragma once

#include <cstddef>
#include <memory>
#include <span>
#include <vector>

#include <doctest/doctest.h>

#include <ctinfer/ctinfer.hpp>

#include "support/compare.hpp"

namespace ctinfer_test {

template <class Net, std::size_t NI, std::size_t NE>
void check_model(const char* name, const ctinfer::params_t<Net>& params, const float (&input)[NI],
                 const float (&expected)[NE], tolerance tol) {
  static_assert(ctinfer::input_shape_t<Net>::size == NI, "input size differs from the reference's");
  static_assert(ctinfer::output_shape_t<Net>::size == NE, "output size differs from the reference's");
  INFO("case " << name);
  auto model = std::make_unique<ctinfer::Model<Net>>(params);
  std::vector<float> y(NE);
  const ctinfer::status st = model->forward(std::span<const float>(input, NI), std::span<float>(y));
  REQUIRE_MESSAGE(st.ok(), st.message());
  check_close(name, std::span<const float>(y), std::span<const float>(expected, NE), tol);
}

}  // namespace ctinfer_test
