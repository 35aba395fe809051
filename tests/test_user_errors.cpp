// The run-time messages docs/errors.md quotes, each for the mistake the doc shows: the exact
// text a new user sees. (The rules themselves are tested in test_load_flat, test_blob and
// test_streaming; this file holds the documentation to the library.)
#include <array>
#include <cstddef>
#include <string_view>
#include <vector>

#include <ctinfer/ctinfer.hpp>
#include <doctest/doctest.h>

namespace ci = ctinfer;

namespace {
// docs/getting-started.md's first model.
using Net = ci::Sequential<ci::Input<ci::Shape<1, 8, 8>>, ci::Conv2D<4, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU,
                           ci::MaxPool2D<ci::Kernel<2>>, ci::Flatten, ci::Dense<10>, ci::Softmax>;
// docs/errors.md's blob for another model, and its streaming example.
using Small = ci::Sequential<ci::Input<ci::Shape<4>>, ci::Dense<3>>;
using Wider = ci::Sequential<ci::Input<ci::Shape<4>>, ci::Dense<5>>;
// Flatten forgotten: legal, Dense acts on the last axis.
using NoFlatten = ci::Sequential<ci::Input<ci::Shape<1, 8, 8>>, ci::Conv2D<4, ci::Kernel<3>, ci::Pad<1>>, ci::ReLU,
                                 ci::Dense<10>, ci::Softmax>;
static_assert(std::is_same_v<ci::output_shape_t<NoFlatten>, ci::Shape<4, 8, 10>>);
using Amp = ci::Sequential<ci::Input<ci::Shape<64, 1>>, ci::GRU<8>, ci::Dense<1>>;
}  // namespace

TEST_CASE("errors.md: a wrong weight count (one tensor forgotten)") {
  static ci::params_t<Net> params{};
  const std::vector<float> flat(ci::param_count_v<Net> - 4, 0.5f);  // a state_dict without the conv bias
  // PyTorch: nn.Conv2d(1, 4, 3, padding=1, bias=False) ... but ci::Conv2D<4, ...> has a bias.
  ci::status st = ci::load_flat(params, flat);   // the first model of getting-started.md
  CHECK(std::string_view(st.message()) ==
        "load_flat: expected 690 values (every weight tensor in layer order, state_dict layout), got 686");
  CHECK(ci::get<0>(params).weight[0] == 0.0f);  // untouched
}

TEST_CASE("errors.md: an input of the wrong size through run-time spans") {
  static ci::Model<Net> model{ci::params_t<Net>{}};
  std::vector<float> image(8 * 8 * 3), probabilities(10);  // an RGB image for a grey-scale net
  const ci::status st = model.forward(std::span<const float>(image), std::span<float>(probabilities));
  CHECK(std::string_view(st.message()) == "Model::forward: expected 64 inputs and 10 outputs, got 192 and 10");
}

TEST_CASE("errors.md: a blob for another model") {
  ci::params_t<Small> small{};
  std::array<std::byte, ci::blob_size_v<Small>> bytes{};
  REQUIRE(ci::write_blob<Small>(small, bytes).ok());
  ci::params_t<Wider> wider{};
  const ci::status st = ci::load_blob<Wider>(wider, bytes);  // bytes written for Sequential<Input<Shape<4>>, Dense<3>>
  CHECK(std::string_view(st.message()) ==
        "load_blob: this blob is for another model (signature 0x89d17cc46a69cf14, this network's is "
        "0x570e18bcfda1ec19)");
}

TEST_CASE("errors.md: process() with a block that is not whole frames") {
  static ci::Model<Amp> model{ci::params_t<Amp>{}};
  static ci::State<Amp> state;
  std::array<float, 64> in{};
  std::array<float, 32> out{};  // half the frames
  const ci::status st = model.process(state, std::span<const float>(in), std::span<float>(out));
  CHECK(std::string_view(st.message()) ==
        "Model::process: expected whole frames of 1 inputs and as many frames of 1 outputs, got 64 and 32");
}

TEST_CASE("errors.md: Flatten forgotten, seen through run-time spans") {
  static ci::Model<NoFlatten> model{ci::params_t<NoFlatten>{}};
  std::vector<float> image(64), probabilities(10);
  const ci::status st = model.forward(std::span<const float>(image), std::span<float>(probabilities));
  CHECK(std::string_view(st.message()) == "Model::forward: expected 64 inputs and 320 outputs, got 64 and 10");
}
