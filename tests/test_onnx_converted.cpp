// ONNX's own conformance node tests (Debian's libonnx-testdata) through the converter: every
// test of an op the converter maps, folds or refuses was prepared by
// tests/reference/make_onnx_converted.py (the data as the input, the other inputs as
// initializers, a batch split into one case per sample where the samples are independent) and
// converted by tools/ctinfer_convert; tests/fixtures/onnx_converted.hpp holds the model types,
// params, inputs and ONNX's expected outputs of the converted ones (the refused ones and why:
// docs/onnx-converter-conformance.md). Each runs through ctinfer::Model on the static SIMD
// target (the layers themselves are checked on every target by the layer tests).
#include <cstddef>

#include <doctest/doctest.h>

#include <ctinfer/ctinfer.hpp>

#include "fixtures/onnx_converted.hpp"
#include "support/check_model.hpp"

namespace fx = ctinfer_fixtures::onnx_converted;

namespace {
// ONNX's expected values come from its float32 reference implementation: ctinfer's results
// are held to them within a few float32 ulp of order-1 values (sums of up to a few hundred
// products in another order). A wrong layer, option or weight layout gives errors of order 0.1.
constexpr ctinfer_test::tolerance onnx_tol{1e-5, 1e-5};
}  // namespace

#define CTINFER_ONNX_CONVERTED(N) \
  ctinfer_test::check_model<fx::N::model>(#N, fx::N::params, fx::N::input, fx::N::expected, onnx_tol);

TEST_CASE("ONNX node tests converted by ctinfer-convert equal ONNX's outputs") {
  CTINFER_ONNX_CONVERTED_CASES(CTINFER_ONNX_CONVERTED)
}
#undef CTINFER_ONNX_CONVERTED
