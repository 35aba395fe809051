// The compile-time benchmark's translation unit: everything a user's program instantiates for
// one network (params_t, load_flat, Model, one forward). The network comes from model.hpp,
// written by gen_model.py. CTINFER_CT_PART selects how much is instantiated, to find which
// part of the library the compile time goes to:
//   1  shape inference only (output_shape_t)
//   2  + params_t and load_flat
//   3  + the plan and the program type (plan_v, program_t)
//   4  + Model (packing) and one forward: the full program (default)
#include <array>
#include <cstddef>
#include <span>

#include "model.hpp"

#ifndef CTINFER_CT_PART
#define CTINFER_CT_PART 4
#endif

static_assert(ci::output_shape_t<Net>::size == 32);

#if CTINFER_CT_PART >= 2
static ci::params_t<Net> params{};
static std::array<float, ci::param_count_v<Net>> flat;
#endif
#if CTINFER_CT_PART >= 3
static_assert(ci::plan_v<Net>.step_count > 0);
using Program = ci::program_t<Net>;
static Program program_object [[maybe_unused]];
#endif

int main(int argc, char**) {
#if CTINFER_CT_PART >= 2
  for (std::size_t i = 0; i < flat.size(); ++i) flat[i] = static_cast<float>(i % 7) * 0.01f * argc;
  if (!ci::load_flat(params, std::span<const float>(flat))) return 1;
#endif
#if CTINFER_CT_PART >= 4
  static ci::Model<Net> model{params};
  std::array<float, 32> x{};
  x[0] = static_cast<float>(argc);
  const std::array<float, 32> y = model(x);
  return y[0] > 0.5f;
#else
  return 0;
#endif
}
