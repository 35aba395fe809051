// End to end through the converter: PyTorch models exported to ONNX (tests/models, made by
// tests/reference/make_onnx_models.py), converted at build time by ctinfer_add_model
// (tools/ctinfer-convert), compiled, and run on PyTorch's input; the outputs must equal
// PyTorch's (tests/fixtures/converted.hpp). Covers an MLP (GELU and SiLU in their exported
// Div/Erf/Mul forms, BatchNorm1d, LeakyReLU, Softmax), a ResNet-style CNN (Conv+BN folded by
// the export, residual blocks with a strided projection shortcut, MaxPool, adaptive average
// pool, Flatten), a MobileNet-style net exported without constant folding (BatchNormalization
// nodes, depthwise conv, ReLU6 as Clip, HardSwish, an inverted residual, a three-branch Concat,
// ConvTranspose, nearest Resize), a 1-D conv net (F.pad, dilation, stride, BatchNorm, Mish,
// GLU as Split/Sigmoid/Mul, AvgPool1d), a 2-layer LSTM (batch_first, with the Shape/Gather/
// Expand glue of the zero initial state), a conv + bidirectional GRU net taking the last
// step, a sequence-first LSTM whose h_n feeds a Linear; every activation export writes as an
// op of its own (PReLU, ELU, SELU, CELU, Softplus, Hardsigmoid) or as a decomposition (Softsign
// as x/(1+|x|), GELU's tanh form as Mul/Tanh), Dropout, LogSoftmax and a Concat of Dense
// branches; a 1-D net with ConstantPad1d, ConvTranspose1d (output_padding), nearest
// upsampling, per-channel PReLU, average pools counting the padding (exported as Pad +
// AveragePool) or not, and a (2, 5) output; a 2-D net with ZeroPad2d into a strided conv, a
// ceil-mode average pool and a global max pool; a bidirectional LSTM into a GRU started from a
// learned initial state.
#include <array>
#include <cstdio>
#include <string>
#include <memory>
#include <type_traits>
#include <cstddef>
#include <span>
#include <vector>

#include <doctest/doctest.h>

#include <ctinfer/ctinfer.hpp>

#include "fixtures/converted.hpp"
#include "fixtures/converted_keras.hpp"
#include "support/check_model.hpp"

// Generated at build time by ctinfer_add_model (tests/CMakeLists.txt).
#include "activations.hpp"
#include "conv1d.hpp"
#include "image2d.hpp"
#include "gru.hpp"
#include "lstm.hpp"
#include "lstm_last.hpp"
#include "mlp.hpp"
#include "mobile.hpp"
#include "recurrent2.hpp"
#include "resnet.hpp"
#include "signal1d.hpp"
#include "keras_amp_conv_gru.hpp"
#include "keras_amp_lstm.hpp"
#include "keras_conv1d.hpp"
#include "keras_conv1d_groups.hpp"
#include "keras_dense_stack.hpp"
#include "keras_gru.hpp"
#include "keras_gru_last.hpp"
#include "keras_lstm.hpp"
#include "keras_prelu_batchnorm.hpp"
#include "keras_seq_norm.hpp"

namespace ci = ctinfer;
namespace fx = ctinfer_fixtures::converted;
namespace fk = ctinfer_fixtures::converted_keras;
using ctinfer_test::check_close;
using ctinfer_test::check_model;

namespace {
// Exported graphs compute what PyTorch does in float32, with the same reductions (sums of up
// to a few hundred products, folded BatchNorms, recurrent steps) in another order: the
// tolerance of the conv and recurrent layer tests. A wrong weight layout, pad or gate order
// gives errors of order 0.1.
constexpr ctinfer_test::tolerance converted_tol{1e-5, 1e-5};

// Frame by frame through Model::process (only instantiated for nets that stream).
template <bool Streams, class Net, std::size_t NI, std::size_t NE>
void check_streamed(const char* name, const ci::params_t<Net>& params, const float (&input)[NI],
                    const float (&expected)[NE]) {
  if constexpr (Streams) {
    auto model = std::make_unique<ci::Model<Net>>(params);
    auto state = std::make_unique<ci::State<Net>>();
    std::vector<float> y(NE);
    REQUIRE(model->process(*state, std::span<const float>(input, NI), std::span<float>(y)).ok());
    check_close(name, std::span<const float>(y), std::span<const float>(expected, NE), converted_tol);
  }
}
}  // namespace

TEST_CASE("converted ONNX models equal PyTorch") {
#define CTINFER_CONVERTED(N)                                                   \
  SUBCASE(#N) { check_model<N::model>(#N, N::params, fx::N##_input, fx::N##_expected, converted_tol); }
  CTINFER_CONVERTED(mlp)
  CTINFER_CONVERTED(resnet)
  CTINFER_CONVERTED(mobile)
  CTINFER_CONVERTED(conv1d)
  CTINFER_CONVERTED(lstm)
  CTINFER_CONVERTED(gru)
  CTINFER_CONVERTED(lstm_last)
  CTINFER_CONVERTED(activations)
  CTINFER_CONVERTED(signal1d)
  CTINFER_CONVERTED(image2d)
  CTINFER_CONVERTED(recurrent2)
#undef CTINFER_CONVERTED
}

// Keras/RTNeural JSON models (tests/models/keras, made by tests/reference/make_converted_keras.py
// from PyTorch nets written with Keras' weight layouts), converted by ctinfer_add_model with
// their sequence length. Sequence models whose input is (T, F) also stream frame by frame
// (Model::process), as RTNeural users run them.
TEST_CASE("converted Keras/RTNeural JSON models equal PyTorch") {
#define CTINFER_KERAS_CASE(N, T, S)                                                              \
  SUBCASE(#N) {                                                                                 \
    check_model<keras_##N::model>("keras " #N, keras_##N::params, fk::N##_input, fk::N##_expected, \
                                converted_tol);                                               \
    check_streamed<S, keras_##N::model>("keras " #N " streamed", keras_##N::params, fk::N##_input, \
                                        fk::N##_expected);                                     \
  }
  CTINFER_KERAS_MODELS(CTINFER_KERAS_CASE)
#undef CTINFER_KERAS_CASE
}

TEST_CASE("a blob written by the converter loads into the converted model") {
  std::vector<std::byte> bytes;
  {
    std::FILE* f = std::fopen(CTINFER_TEST_MLP_BLOB, "rb");
    REQUIRE(f != nullptr);
    std::byte chunk[4096];
    for (std::size_t n; (n = std::fread(chunk, 1, sizeof chunk, f)) != 0;) bytes.insert(bytes.end(), chunk, chunk + n);
    std::fclose(f);
  }
  CHECK(bytes.size() == ci::blob_size_v<mlp::model>);
  auto params = std::make_unique<ci::params_t<mlp::model>>();
  const ci::status st = ci::load_blob<mlp::model>(*params, std::span<const std::byte>(bytes));
  INFO(st.message());
  REQUIRE(st.ok());
  // The blob's weights are the header's, bit for bit, so the outputs are identical.
  auto from_header = std::make_unique<ci::Model<mlp::model>>(mlp::params);
  auto from_blob = std::make_unique<ci::Model<mlp::model>>(*params);
  std::array<float, 10> a{}, b{};
  from_header->forward(std::span<const float, 20>(fx::mlp_input), std::span<float, 10>(a));
  from_blob->forward(std::span<const float, 20>(fx::mlp_input), std::span<float, 10>(b));
  CHECK(a == b);
  // The same bytes for another architecture are refused, by its signature.
  auto other = std::make_unique<ci::params_t<lstm::model>>();
  const ci::status wrong = ci::load_blob<lstm::model>(*other, std::span<const std::byte>(bytes));
  CHECK_FALSE(wrong.ok());
  CHECK(std::string(wrong.message()).find("another model") != std::string::npos);
}

TEST_CASE("converted headers hold the exported weights bit for bit") {
  // The first and last weights of the MLP's first Gemm, as PyTorch exported them (hex floats
  // in the header; a decimal round trip could lose a bit).
  static_assert(ci::param_count_v<mlp::model> == 20 * 32 + 32 + 32 * 24 + 24 + 4 * 24 + 24 * 10 + 10);
  static_assert(std::is_same_v<mlp::element_type, float>);
  CHECK(mlp::param_count == ci::param_count_v<mlp::model>);
}
