// ONNX's own conformance data (Debian's libonnx-testdata, node tests) for Conv,
// ConvTranspose, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool and
// BatchNormalization (inference mode, one case per sample): every test whose attributes ctinfer
// supports (tests/fixtures/onnx_node.hpp, made by tests/reference/make_onnx_fixtures.py;
// the refused ones and why are in docs/onnx-conformance.md), on every SIMD target, float and
// double, SIMD and scalar reference alike, against ONNX's expected float32 outputs.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/test_onnx_node.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "support/check_net-inl.h"  // ctinfer and its kernels, for this target

#ifndef CTINFER_TEST_ONNX_NODE_ONCE_
#define CTINFER_TEST_ONNX_NODE_ONCE_

#include <string>
#include <type_traits>

#include "fixtures/onnx_node.hpp"

namespace ci = ctinfer;
namespace fx = ctinfer_fixtures;

namespace ctinfer_test::onnx_node {
// The shapes ctinfer infers equal the shapes of ONNX's expected outputs.
#define CTINFER_ONNX_SHAPE(N) \
  static_assert(std::is_same_v<ci::output_shape_t<fx::N##_net<float>>, fx::N##_expected_shape>);
CTINFER_ONNX_NODE_CASES(CTINFER_ONNX_SHAPE)
#undef CTINFER_ONNX_SHAPE
// ONNX's expected values are float32 (from its float32 reference implementation): both
// ctinfer paths are held to them within a few float32 ulp of order-1 values.
inline constexpr tolerance onnx_tol{1e-5, 1e-5};
}  // namespace ctinfer_test::onnx_node

#endif  // CTINFER_TEST_ONNX_NODE_ONCE_

HWY_BEFORE_NAMESPACE();
namespace ctinfer_test::onnx_node::HWY_NAMESPACE {
using ctinfer_test::HWY_NAMESPACE::check_net;

void cases() {
#define CTINFER_ONNX_P(N)                                                                       \
  check_net<fx::N##_net<float>>(#N, fx::N##_input, fx::N##_params, fx::N##_expected, onnx_tol); \
  check_net<fx::N##_net<double>>(#N, fx::N##_input, fx::N##_params, fx::N##_expected, onnx_tol);
#define CTINFER_ONNX_NP(N)                                                          \
  check_net<fx::N##_net<float>>(#N, fx::N##_input, {}, fx::N##_expected, onnx_tol); \
  check_net<fx::N##_net<double>>(#N, fx::N##_input, {}, fx::N##_expected, onnx_tol);
  CTINFER_ONNX_NODE_CASES_P(CTINFER_ONNX_P)
  CTINFER_ONNX_NODE_CASES_NP(CTINFER_ONNX_NP)
#undef CTINFER_ONNX_P
#undef CTINFER_ONNX_NP
}

}  // namespace ctinfer_test::onnx_node::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ctinfer_test::onnx_node {
HWY_EXPORT(cases);

TEST_CASE("ONNX node conformance tests (conv, transposed conv, pooling, BatchNorm) pass on every SIMD target") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(cases)(); });
  CHECK(targets >= 1);
}
}  // namespace ctinfer_test::onnx_node
#endif
