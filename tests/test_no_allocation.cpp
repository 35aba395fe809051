// Nothing is allocated: the global allocation functions are replaced by counting ones, and
// load_flat, construction, inference (all forward forms) and the checked errors are run
// between the counters, for an MLP and for a convolutional net with blocks.
#include <array>
#include <atomic>
#include <cstdlib>
#include <new>
#include <span>

#include <ctinfer/ctinfer.hpp>
#include <doctest/doctest.h>

#include "support/count_allocations.hpp"

using ctinfer_test::allocations;
using ctinfer_test::counting;

namespace ci = ctinfer;
using Net = ci::Sequential<ci::Input<ci::Shape<8, 16>>, ci::Dense<32>, ci::GELU, ci::Dense<16>,
                           ci::PReLU::per_channel, ci::Flatten, ci::Dense<10>, ci::LogSoftmax>;

ci::params_t<Net> params;
std::array<float, ci::param_count_v<Net>> flat;

TEST_CASE("load_flat, construction and inference allocate nothing") {
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = static_cast<float>(i % 7) * 0.01f;
  std::array<float, 128> x{};
  std::array<float, 10> y{};
  std::array<float, 3> wrong{};
  ci::Workspace<Net> ws;
  allocations = 0;
  counting = true;
  const bool loaded = ci::load_flat(params, flat).ok();
  const bool refused = !ci::load_flat(params, wrong).ok();
  {
    ci::Model<Net> model{params};
    for (int i = 0; i < 10; ++i) y = model(x);
    model.forward(std::span<const float, 128>(x), std::span<float, 10>(y));
    static_cast<const ci::Model<Net>&>(model).forward(std::span<const float, 128>(x),
                                                       std::span<float, 10>(y), ws);
    (void)model.forward(std::span<const float>(wrong), std::span<float>(y));
  }
  counting = false;
  CHECK(loaded);
  CHECK(refused);
  CHECK(allocations == 0);
  // The counters work: an allocation between them is seen. (A direct call, because compilers
  // may elide a new-expression whose result is unused.)
  counting = true;
  void* p = ::operator new(16);
  counting = false;
  ::operator delete(p);
  CHECK(allocations == 1);
}

// Every convolutional step kind, BatchNorm folding and both blocks.
using ConvNet = ci::Sequential<ci::Input<ci::Shape<3, 12, 12>>,
    ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>>, ci::BatchNorm, ci::ReLU,
    ci::Residual<ci::Sequential<ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>, ci::Groups<8>>, ci::ReLU6>>,
    ci::Concat<ci::MaxPool2D<ci::Kernel<2>>, ci::AvgPool2D<ci::Kernel<2>>>,
    ci::ZeroPad<ci::Pads<1, 0, 0, 1>>, ci::Upsample<2>, ci::ConvTranspose2D<4, ci::Kernel<2>, ci::Stride<2>>,
    ci::GlobalAvgPool, ci::Flatten, ci::Dense<2>>;

ci::params_t<ConvNet> conv_params;
std::array<float, ci::param_count_v<ConvNet>> conv_flat;

TEST_CASE("a convolutional net with blocks allocates nothing either") {
  for (std::size_t i = 0; i < conv_flat.size(); ++i) conv_flat[i] = static_cast<float>(i % 5) * 0.1f + 0.5f;
  std::array<float, 3 * 12 * 12> x{};
  std::array<float, 2> y{};
  allocations = 0;
  counting = true;
  const bool loaded = ci::load_flat(conv_params, conv_flat).ok();
  {
    ci::Model<ConvNet> model{conv_params};
    for (int i = 0; i < 3; ++i) y = model(x);
  }
  counting = false;
  CHECK(loaded);
  CHECK(allocations == 0);
}
