// ctinfer/model/model.hpp - a network ready to run: packed weights plus a fixed workspace.
//
//   ci::Model<Net> model{params};            // packs once (at compile time if constexpr)
//   std::array<float, 10> y = model(x);      // x: std::array<float, input size>
//   model.forward(std::span<const float, 64>(x), std::span<float, 10>(y));
//   ci::status st = model.forward(std::span<const float>(v), std::span<float>(w));  // checked
//
// Pre: params hold PyTorch-layout weights (ci::load_flat or a generated header).
// Post: forward never allocates, locks or throws; its cost is fixed at compile time.
// A Model owns one workspace, so calls on one Model object must not overlap; for concurrent
// use share one const Model and give each thread a ci::Workspace<Net>.
#pragma once

#include <array>
#include <cstddef>
#include <span>

#include <hwy/highway.h>

#include "ctinfer/core/status.hpp"
#include "ctinfer/kernels/execute-inl.h"
#include "ctinfer/kernels/packing.hpp"
#include "ctinfer/model/params.hpp"
#include "ctinfer/model/plan.hpp"
#include "ctinfer/model/program.hpp"
#include "ctinfer/model/shapes.hpp"

namespace ctinfer {

namespace detail {
template <class Program>
struct static_target_executor;  // defined by kernels/execute-inl.h for the static target
}  // namespace detail

// Runs programs with the SIMD target chosen at compile time (the one -march selects).
struct static_dispatch {
  template <class Net, class Program, class T>
  static void run(const T* packed, const T* in, T* out, T* workspace) {
    detail::static_target_executor<Program>::run(packed, in, out, workspace);
  }
};

// Runs programs with the best SIMD target of the running CPU. The network's code for every
// target lives in the one translation unit that includes <ctinfer/runtime_dispatch.hpp>
// with CTINFER_DISPATCH_NET naming the network (see docs/concepts.md); link hwy.
template <class Net>
struct dispatched_network {
  using T = element_t<Net>;
  static void run(const T* packed, const T* in, T* out, T* workspace);  // defined in that unit
};
struct runtime_dispatch {
  template <class Net, class Program, class T>
  static void run(const T* packed, const T* in, T* out, T* workspace) {
    dispatched_network<Net>::run(packed, in, out, workspace);
  }
};

// The scratch memory of one forward call, for running one const Model from several threads.
template <class Net>
struct Workspace {
  alignas(64) std::array<element_t<Net>, workspace_size_v<Net>> data{};
};

template <class Net, class Dispatch = static_dispatch>
class Model {

 public:
  using network = Net;
  using element_type = element_t<Net>;
  using input_shape = input_shape_t<Net>;
  using output_shape = output_shape_t<Net>;
  static constexpr std::size_t input_size = input_shape::size;
  static constexpr std::size_t output_size = output_shape::size;
  static constexpr std::size_t workspace_size = workspace_size_v<Net>;
  static constexpr std::size_t packed_size = plan_v<Net>.packed_size;

  // Packs the weights for the kernels (and folds what can be folded). constexpr: a Model
  // built from constexpr params is packed by the compiler.
  constexpr explicit Model(const params_t<Net>& params) { pack(params); }

  std::array<element_type, output_size> operator()(const std::array<element_type, input_size>& x) {
    std::array<element_type, output_size> y;
    forward(std::span<const element_type, input_size>(x), std::span<element_type, output_size>(y));
    return y;
  }

  void forward(std::span<const element_type, input_size> x, std::span<element_type, output_size> y) {
    run(x.data(), y.data(), workspace_.data());
  }
  void forward(std::span<const element_type, input_size> x, std::span<element_type, output_size> y,
               Workspace<Net>& ws) const {
    run(x.data(), y.data(), ws.data.data());
  }
  // Sizes checked at run time: an error value, and y untouched, if they do not match.
  status forward(std::span<const element_type> x, std::span<element_type> y) {
    if (x.size() != input_size || y.size() != output_size)
      return status::error("Model::forward: expected ")
          .append(input_size)
          .append(" inputs and ")
          .append(output_size)
          .append(" outputs, got ")
          .append(x.size())
          .append(" and ")
          .append(y.size());
    run(x.data(), y.data(), workspace_.data());
    return {};
  }

  // The packed weights, for inspection and tests.
  constexpr std::span<const element_type> packed() const { return packed_; }

 private:
  void run(const element_type* x, element_type* y, element_type* ws) const {
    Dispatch::template run<Net, program_t<Net>>(packed_.data(), x, y, ws);
  }

  constexpr void pack(const params_t<Net>& params) {
    [&]<std::size_t... I>(std::index_sequence<I...>) {
      (pack_layer<I>(params), ...);
    }(std::make_index_sequence<layer_count_v<Net>>{});
  }

  template <std::size_t I>
  constexpr void pack_layer(const params_t<Net>& params) {
    using L = layer_t<Net, I>;
    using In = layer_input_shape_t<Net, I>;
    constexpr std::size_t at = plan_v<Net>.packed_offset[I];
    if constexpr (L::kind == layer_kind::dense) {
      const auto& p = layer_params<I, Net>(params);
      constexpr std::size_t n = L::features, k = In::last;
      kernels::pack_dense_weight(p.weight.data(), n, k, packed_.data() + at);
      if constexpr (L::has_bias) {
        constexpr std::size_t bias_at = at + kernels::packed_weight_size<element_type>(n, k);
        for (std::size_t o = 0; o < n; ++o) packed_[bias_at + o] = p.bias[o];
      }
    } else if constexpr (L::kind == layer_kind::elementwise) {
      if constexpr (L::op == unary_op::prelu) {
        const auto& p = layer_params<I, Net>(params);
        for (std::size_t c = 0; c < p.weight.size(); ++c) packed_[at + c] = p.weight[c];
      }
    }
  }

  alignas(64) std::array<element_type, packed_size> packed_{};
  alignas(64) std::array<element_type, workspace_size> workspace_{};
};

}  // namespace ctinfer
