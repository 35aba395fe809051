// Runtime SIMD dispatch: one binary that uses the best SIMD target of the CPU it runs on.
// This file is built WITHOUT -march=native (see examples/CMakeLists.txt): its baseline is
// the plain x86-64 (or aarch64) one, yet the network runs with AVX2/AVX-512 where the CPU
// has them. It prints the target chosen, runs the network on every target this CPU supports
// and compares each result with the compiler's scalar reference (ci::infer).
//
// In a larger program, put the first include and CTINFER_RUNTIME_DISPATCH(Net) in one .cpp of
// their own; every other file includes <ctinfer/ctinfer.hpp> and uses
// ci::Model<Net, ci::runtime_dispatch> (docs/concepts.md, "SIMD dispatch").
#include <ctinfer/runtime_dispatch.hpp>  // must come first: compiles the kernels for every target

#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>

#include <ctinfer/ctinfer.hpp>
#include <hwy/targets.h>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<4, 16>>, ci::Dense<32>, ci::SiLU, ci::Dense<8>, ci::Softmax>;
CTINFER_RUNTIME_DISPATCH(Net)  // once per network, in one translation unit

int main() {
  static ci::params_t<Net> params{};
  std::array<float, ci::param_count_v<Net>> flat{};
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = 0.25f * std::sin(0.7f * static_cast<float>(i));
  if (!ci::load_flat(params, flat)) return 1;
  std::array<float, 64> x{};
  for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::cos(0.3f * static_cast<float>(i));
  const auto expected = ci::infer<Net>(params, x);

  static ci::Model<Net, ci::runtime_dispatch> model{params};  // the same API as a static Model
  auto close = [&](const std::array<float, 32>& y) {
    for (std::size_t i = 0; i < y.size(); ++i)
      if (std::fabs(y[i] - expected[i]) > 1e-5f) return false;
    return true;
  };

  // Highway numbers targets so that a lower bit is a better target: the first call picks the
  // lowest bit of (what the CPU supports) & (what was compiled).
  const std::int64_t available = hwy::SupportedTargets() & HWY_TARGETS;
  const std::int64_t best = available & -available;
  bool ok = close(model(x));
  std::printf("compiled for the baseline %s; running on %s\n", hwy::TargetName(HWY_STATIC_TARGET),
              hwy::TargetName(best));

  // For tests only: restrict Highway to one target at a time, and run on each.
  for (std::int64_t rest = available; rest != 0; rest &= rest - 1) {
    const std::int64_t target = rest & -rest;
    hwy::SetSupportedTargetsForTest(target);
    const bool same = close(model(x));
    std::printf("  %-8s %s\n", hwy::TargetName(target), same ? "matches the reference" : "DIFFERS");
    ok = ok && same;
  }
  hwy::SetSupportedTargetsForTest(0);
  return ok ? 0 : 1;
}
