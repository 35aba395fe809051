// Fusion and the memory plan, checked at compile time on small networks whose best plan is
// worked out by hand in the comments.
#include <ctinfer/ctinfer.hpp>
#include <doctest/doctest.h>

namespace ci = ctinfer;
using ci::kernels::buffer;
using ci::kernels::step_kind;

// Dense + ReLU + Dense + ReLU: two steps, each Dense with its activation in the epilogue.
// Input -> [gemm 16->32, relu] -> workspace[0, 32) -> [gemm 32->16, relu] -> output.
using Mlp = ci::Sequential<ci::Input<ci::Shape<16>>, ci::Dense<32>, ci::ReLU, ci::Dense<16>, ci::ReLU>;
constexpr const auto& mlp = ci::plan_v<Mlp>;
static_assert(mlp.step_count == 2);
static_assert(mlp.steps[0].kind == step_kind::gemm && mlp.steps[0].op_count == 1);
static_assert(mlp.steps[1].kind == step_kind::gemm && mlp.steps[1].op_count == 1);
static_assert(mlp.steps[0].src.where == buffer::input && mlp.steps[1].dst.where == buffer::output);
static_assert(mlp.steps[0].dst.where == buffer::workspace && mlp.steps[0].dst.offset == 0);
static_assert(ci::workspace_size_v<Mlp> == 32);

// Chains of elementwise layers are one step; Flatten costs nothing; Softmax is its own step
// and runs in place on the buffer the Dense wrote.
using Chain = ci::Sequential<ci::Input<ci::Shape<4, 6>>, ci::Tanh, ci::Sigmoid, ci::Flatten,
                             ci::Dense<10>, ci::GELU, ci::SiLU, ci::Softmax>;
constexpr const auto& chain = ci::plan_v<Chain>;
static_assert(chain.step_count == 3);
static_assert(chain.steps[0].kind == step_kind::elementwise && chain.steps[0].op_count == 2);
static_assert(chain.steps[1].kind == step_kind::gemm && chain.steps[1].op_count == 2);
static_assert(chain.steps[2].kind == step_kind::softmax && chain.steps[2].dst.where == buffer::output);
// Tanh/Sigmoid write 24 values (rounded to 64 bytes: 32 floats) to the bottom of the
// workspace; the Dense reads them and writes 10 (16) at the top: 32 + 16 = 48.
static_assert(ci::workspace_size_v<Chain> == 48);
static_assert(chain.steps[1].dst.offset == 48 - 16);

// Buffers alternate between the bottom and the top of the workspace, so its size is the
// largest (input + output) of one step, not the sum of all activations.
using Deep = ci::Sequential<ci::Input<ci::Shape<64>>, ci::Dense<128>, ci::ReLU, ci::Dense<128>,
                            ci::ReLU, ci::Dense<128>, ci::ReLU, ci::Dense<128>, ci::ReLU, ci::Dense<10>>;
static_assert(ci::workspace_size_v<Deep> == 256);
static_assert(ci::plan_v<Deep>.activations_size == 4 * 128);
static_assert(ci::plan_v<Deep>.step_count == 5);

// A network of views only still copies input to output.
using Views = ci::Sequential<ci::Input<ci::Shape<2, 3>>, ci::Flatten, ci::Reshape<ci::Shape<3, 2>>>;
static_assert(ci::plan_v<Views>.step_count == 1 && ci::plan_v<Views>.steps[0].kind == step_kind::copy);
static_assert(ci::workspace_size_v<Views> == 0);

// A single layer reads the caller's input and writes the caller's output: no workspace.
static_assert(ci::workspace_size_v<ci::Sequential<ci::Input<ci::Shape<7>>, ci::Dense<13>>> == 0);

// Packed weights: Dense 7->13 pads its 13 outputs to one 16-float panel: 16*7 weights, then
// 16 biases, each block 64-byte aligned; the 13 slopes take 16 plus a panel of slack (a
// vector load at any channel stays inside).
using Small = ci::Sequential<ci::Input<ci::Shape<7>>, ci::Dense<13>, ci::PReLU::per_channel>;
static_assert(ci::plan_v<Small>.packed_size == 112 + 16 + 32);
static_assert(ci::plan_v<Small>.packed_offset[1] == 128);  // the PReLU slopes
static_assert(ci::plan_v<Small>.step_count == 1);            // PReLU fused into the Dense

TEST_CASE("packing lays Dense weights out in panels") {
  using Net = ci::Sequential<ci::Input<ci::Shape<3>>, ci::Dense<2>>;
  ci::params_t<Net> p{};
  // W = [[1, 2, 3], [4, 5, 6]], b = [7, 8]
  const float flat[] = {1, 2, 3, 4, 5, 6, 7, 8};
  REQUIRE(ci::load_flat(p, flat).ok());
  const ci::Model<Net> m{p};
  const auto packed = m.packed();
  // panel 0: for k = 0..2 the 16 outputs' weights W[o][k] (o >= 2 is zero padding).
  CHECK(packed[0] == 1);
  CHECK(packed[1] == 4);
  CHECK(packed[2] == 0);
  CHECK(packed[16] == 2);
  CHECK(packed[17] == 5);
  CHECK(packed[32] == 3);
  CHECK(packed[33] == 6);
  CHECK(packed[48] == 7);  // bias after the 3 * 16 weights
  CHECK(packed[49] == 8);
  CHECK(packed[50] == 0);
}
