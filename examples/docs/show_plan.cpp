// docs/faq.md, "How do I see what the compiler made of my network?": the plan is a constant.
#include <cstdio>

#include <ctinfer/ctinfer.hpp>
namespace ci = ctinfer;

using Net = ci::Sequential<ci::Input<ci::Shape<1, 8, 8>>,
                           ci::Conv2D<8, ci::Kernel<3>, ci::Pad<1>>, ci::BatchNorm, ci::ReLU,
                           ci::MaxPool2D<ci::Kernel<2>>, ci::Flatten, ci::Dense<10>, ci::Softmax>;

constexpr const char* kind_name(ci::kernels::step_kind k) {
  using enum ci::kernels::step_kind;
  switch (k) {
    case gemm: return "gemm (Dense)";
    case conv: return "conv";
    case max_pool: return "max_pool";
    case softmax: return "softmax";
    case elementwise: return "elementwise";
    default: return "other";
  }
}

int main() {
  constexpr const auto& plan = ci::plan_v<Net>;  // computed by the compiler
  static_assert(plan.step_count == 4);  // BatchNorm folded into the conv, ReLU applied in its store
  std::printf("%zu parameters, %zu packed values, workspace %zu values (all activations: %zu)\n",
              ci::param_count_v<Net>, plan.packed_size, ci::workspace_size_v<Net>, plan.activations_size);
  for (std::size_t s = 0; s < plan.step_count; ++s)
    std::printf("step %zu: %-12s %zu fused op(s)\n", s, kind_name(plan.steps[s].kind), plan.steps[s].op_count);
  return 0;
}
