// ONNX's own conformance node tests (Debian's libonnx-testdata) through the converter: every
// test of an op the converter maps, folds or refuses was prepared by
// tests/reference/make_onnx_converted.py (the data as the input, the other inputs as
// initializers, a batch split into one case per sample where the samples are independent) and
// converted by tools/ctinfer_convert; tests/fixtures/onnx_converted.hpp holds the model types,
// params, inputs and ONNX's expected outputs of the converted ones (the refused ones and why:
// docs/onnx-converter-conformance.md). Each runs through ctinfer::Model on the static SIMD
// target (the layers themselves are checked on every target by the layer tests).
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include <doctest/doctest.h>

#include <ctinfer/ctinfer.hpp>

#include "fixtures/onnx_converted.hpp"
#include "support/compare.hpp"

namespace ci = ctinfer;
namespace fx = ctinfer_fixtures::onnx_converted;
using ctinfer_test::check_close;

namespace {
// ONNX's expected values come from its float32 reference implementation: ctinfer's results
// are held to them within a few float32 ulp of order-1 values (sums of up to a few hundred
// products in another order). A wrong layer, option or weight layout gives errors of order 0.1.
constexpr ctinfer_test::tolerance onnx_tol{1e-5, 1e-5};

template <class Net, std::size_t NI, std::size_t NE>
void check_case(const char* name, const ci::params_t<Net>& params, const float (&input)[NI],
                const float (&expected)[NE]) {
  static_assert(ci::input_shape_t<Net>::size == NI, "input size differs from ONNX's data");
  static_assert(ci::output_shape_t<Net>::size == NE, "output size differs from ONNX's");
  INFO("case " << std::string(name));
  auto model = std::make_unique<ci::Model<Net>>(params);
  std::vector<float> y(NE);
  const ci::status st = model->forward(std::span<const float>(input, NI), std::span<float>(y));
  REQUIRE_MESSAGE(st.ok(), st.message());
  check_close(name, std::span<const float>(y), std::span<const float>(expected, NE), onnx_tol);
}
}  // namespace

#define CTINFER_ONNX_CONVERTED(N) \
  check_case<fx::N::model>(#N, fx::N::params, fx::N::input, fx::N::expected);

TEST_CASE("ONNX node tests converted by ctinfer-convert equal ONNX's outputs") {
  CTINFER_ONNX_CONVERTED_CASES(CTINFER_ONNX_CONVERTED)
}

// Cases ctinfer is known to compute outside the tolerance (the reasons are in the doc): still
// built and run, reported but not failing the suite, until the cause is fixed.
TEST_CASE("ONNX node tests converted by ctinfer-convert: known failures" * doctest::may_fail()) {
  CTINFER_ONNX_CONVERTED_KNOWN_FAILURES(CTINFER_ONNX_CONVERTED)
}
#undef CTINFER_ONNX_CONVERTED
