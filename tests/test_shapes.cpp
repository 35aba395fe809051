// Shape inference and the compile-time vocabulary: facts checked by the compiler.
#include <ratio>
#include <type_traits>

#include <ctinfer/ctinfer.hpp>
#include <doctest/doctest.h>

namespace ci = ctinfer;

// Shape arithmetic.
static_assert(ci::Shape<3, 8, 8>::rank == 3 && ci::Shape<3, 8, 8>::size == 192);
static_assert(ci::Shape<3, 8, 8>::last == 8 && ci::Shape<3, 8, 8>::rows == 24);
static_assert(std::is_same_v<ci::replace_last_t<ci::Shape<5, 7>, 13>, ci::Shape<5, 13>>);
static_assert(std::is_same_v<ci::replace_last_t<ci::Shape<7>, 2>, ci::Shape<2>>);
static_assert(ci::AShape<ci::Shape<1>> && !ci::AShape<int>);
static_assert(std::is_same_v<decltype(ci::size_c<4>), const boost::hana::size_t<4>>);

// Hyperparameters as types, with PyTorch's defaults.
static_assert(ci::constant_v<std::ratio<1, 5>> == 0.2);
static_assert(ci::LeakyReLU::alpha == 0.01);
static_assert(ci::LeakyReLU::with<std::ratio<1, 5>>::alpha == 0.2);
static_assert(ci::ELU::alpha == 1.0 && ci::CELU::alpha == 1.0);
static_assert(ci::Softplus::alpha == 1.0 && ci::Softplus::beta == 20.0);  // beta, threshold
static_assert(ci::GELU::op == ci::unary_op::gelu_erf && ci::GELU::tanh::op == ci::unary_op::gelu_tanh);
static_assert(ci::Dense<4>::has_bias && !ci::Dense<4, false>::has_bias);

// The Layer concept and the Network concept.
static_assert(ci::Layer<ci::Dense<3>> && ci::Layer<ci::ReLU> && ci::Layer<ci::Flatten>);
static_assert(ci::Layer<ci::PReLU::per_channel> && ci::Layer<ci::Softmax>);
static_assert(!ci::Layer<int> && !ci::Layer<ci::Shape<3>>);
static_assert(ci::Network<ci::Sequential<ci::Input<ci::Shape<3>>, ci::Dense<2>>>);
static_assert(!ci::Network<ci::Sequential<ci::Dense<2>>>);  // a block, not a network
static_assert(!ci::Network<int>);

// Output shapes, as PyTorch computes them (batch axis dropped).
using Image = ci::Sequential<ci::Input<ci::Shape<16, 4, 4>>, ci::Flatten, ci::Dense<10>, ci::Softmax>;
static_assert(std::is_same_v<ci::output_shape_t<Image>, ci::Shape<10>>);
static_assert(std::is_same_v<ci::layer_input_shape_t<Image, 1>, ci::Shape<256>>);
// Dense acts on the last axis, as nn.Linear.
using Seq = ci::Sequential<ci::Input<ci::Shape<64, 128>>, ci::Dense<32>, ci::GELU, ci::Dense<8>>;
static_assert(std::is_same_v<ci::output_shape_t<Seq>, ci::Shape<64, 8>>);
using Reshaped = ci::Sequential<ci::Input<ci::Shape<24>>, ci::Reshape<ci::Shape<4, 6>>, ci::Dense<2>>;
static_assert(std::is_same_v<ci::output_shape_t<Reshaped>, ci::Shape<4, 2>>);
// Element types.
static_assert(std::is_same_v<ci::element_t<Image>, float>);
static_assert(std::is_same_v<ci::element_t<ci::Sequential<ci::Input<ci::Shape<2>, double>, ci::ReLU>>, double>);
// Parameter counts (PyTorch's numel of every parameter).
static_assert(ci::param_count_v<Image> == 256 * 10 + 10);
static_assert(ci::param_count_v<Seq> == 128 * 32 + 32 + 32 * 8 + 8);
static_assert(ci::param_count_v<ci::Sequential<ci::Input<ci::Shape<6, 11>>, ci::PReLU::per_channel>> == 6);
static_assert(ci::param_count_v<ci::Sequential<ci::Input<ci::Shape<6, 11>>, ci::PReLU>> == 1);
static_assert(ci::params_t<Seq>::size == 2);  // two parameterised layers

TEST_CASE("shapes are compile-time facts") {
  // Everything above is a static_assert; this records that the file was compiled and run.
  CHECK(ci::Shape<2, 3>::size == 6);
}
