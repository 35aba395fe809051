// tests/fuzz/fuzz_net.hpp - the small networks the load_blob fuzz target reads blobs for
// (several tensors of several sizes, float and double), shared with the seed generator.
#pragma once

#include <cstring>

#include <ctinfer/ctinfer.hpp>

namespace fuzz_blob {
namespace ci = ctinfer;

template <class T>
using Net = ci::Sequential<ci::Input<ci::Shape<2, 3, 3>, T>, ci::Conv2D<2, ci::Kernel<2>>, ci::BatchNorm,
                           ci::Flatten, ci::Dense<3>, ci::PReLU>;
using NetF = Net<float>;
using NetD = Net<double>;

// A recognisable pattern load_blob never writes on failure.
template <class P>
P sentinel() {
  P p;
  std::memset(static_cast<void*>(&p), 0xA5, sizeof(P));
  return p;
}

// Distinct values for the valid seeds.
template <class Net>
ci::params_t<Net> numbered() {
  ci::params_t<Net> p{};
  std::array<double, ci::param_count_v<Net>> flat{};
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = 0.5 * static_cast<double>(i) - 3.0;
  (void)ci::load_flat(p, flat);
  return p;
}
}  // namespace fuzz_blob
