// ONNX's own conformance data (Debian's libonnx-testdata, node tests) for Conv,
// ConvTranspose, MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool,
// BatchNormalization (inference mode, one case per sample), LSTM and GRU (one case per sample,
// ONNX's weights converted to PyTorch's layout): every test whose attributes ctinfer supports
// (tests/fixtures/onnx_node.hpp, made by tests/reference/make_onnx_fixtures.py; the refused
// ones and why are in docs/onnx-conformance.md), on every SIMD target, float and double, SIMD
// and scalar reference alike, against ONNX's expected float32 outputs. The one-direction
// LSTM / GRU cases also run frame by frame (Model::process, Model::step).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "tests/test_onnx_node.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include "support/check_net-inl.h"  // ctinfer and its kernels, for this target

#ifndef CTINFER_TEST_ONNX_NODE_ONCE_
#define CTINFER_TEST_ONNX_NODE_ONCE_

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

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

// A recurrent net streamed on this target: Model::process over all frames, then, after
// State::reset, Model::step frame by frame. A net ending in LastStep outputs each frame's
// hidden state when streaming, so ONNX's expected Y_h is the last frame's output; a net without
// it outputs every frame of ONNX's Y. Either way: the last expected.size() streamed values.
template <class Net>
void check_stream(const char* name, std::span<const double> input, std::span<const double> params,
                  std::span<const double> expected, tolerance tol) {
  using T = ci::element_t<Net>;
  using M = ci::Model<Net, ctinfer::HWY_NAMESPACE::target_dispatch>;
  constexpr std::size_t fin = M::frame_input_size, fout = M::frame_output_size;
  INFO("case " << std::string(name) + (sizeof(T) == 4 ? " (float, streamed)" : " (double, streamed)"));
  REQUIRE(input.size() % fin == 0);
  const std::size_t frames = input.size() / fin;
  REQUIRE(expected.size() <= frames * fout);
  std::vector<T> x(input.size());
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = static_cast<T>(input[i]);
  auto p = std::make_unique<ci::params_t<Net>>();
  const ci::status st = ci::load_flat(*p, params);
  REQUIRE_MESSAGE(st.ok(), st.message());
  const auto model = std::make_unique<M>(*p);
  auto state = std::make_unique<ci::State<Net>>();

  std::vector<T> y(frames * fout);
  const ci::status ps = model->process(*state, std::span<const T>(x), std::span<T>(y));
  REQUIRE_MESSAGE(ps.ok(), ps.message());
  check_close("process vs ONNX", std::span<const T>(y).last(expected.size()), expected, tol);

  state->reset();
  std::vector<T> z(frames * fout);
  for (std::size_t t = 0; t < frames; ++t)
    model->step(*state, std::span<const T, fin>(x.data() + t * fin, fin),
                std::span<T, fout>(z.data() + t * fout, fout));
  check_close("step vs ONNX", std::span<const T>(z).last(expected.size()), expected, tol);
}

void stream_cases() {
#define CTINFER_ONNX_STREAM(N)                                                                     \
  check_stream<fx::N##_net<float>>(#N, fx::N##_input, fx::N##_params, fx::N##_expected, onnx_tol); \
  check_stream<fx::N##_net<double>>(#N, fx::N##_input, fx::N##_params, fx::N##_expected, onnx_tol);
  CTINFER_ONNX_NODE_CASES_STREAM(CTINFER_ONNX_STREAM)
#undef CTINFER_ONNX_STREAM
}

}  // namespace ctinfer_test::onnx_node::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace ctinfer_test::onnx_node {
HWY_EXPORT(cases);
HWY_EXPORT(stream_cases);

TEST_CASE("ONNX node conformance tests (conv, transposed conv, pooling, BatchNorm, LSTM) pass on every SIMD target") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(cases)(); });
  CHECK(targets >= 1);
}

TEST_CASE("ONNX LSTM / GRU node tests also pass streamed frame by frame on every SIMD target") {
  const int targets = for_each_target([](const std::string&) { HWY_DYNAMIC_DISPATCH(stream_cases)(); });
  CHECK(targets >= 1);
}
}  // namespace ctinfer_test::onnx_node
#endif
