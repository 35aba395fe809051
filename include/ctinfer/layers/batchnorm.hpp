// ctinfer/layers/batchnorm.hpp - batch normalisation in eval mode (torch.nn.BatchNorm1d/2d).
//
// y = (x - running_mean[c]) / sqrt(running_var[c] + eps) * weight[c] + bias[c], with the
// channel c on the first axis: the features of a (F) input, the C of (C, L) or (C, H, W), as
// PyTorch's BatchNorm1d/2d see them once the batch axis is added. eps is 1e-5 by default:
//
//   ci::BatchNorm                                   // nn.BatchNorm2d(C), eps 1e-5
//   ci::BatchNorm::with<std::ratio<1, 1000>>        // eps 1e-3
//
// Parameters (state_dict order, num_batches_tracked left out): weight[C], bias[C],
// running_mean[C], running_var[C]; load_flat and load_blob refuse a running_var below zero
// or NaN. Right after a Conv (or a Dense with a rank-1 output) it is
// folded into that layer's weights when the Model is built; elsewhere it is one multiply-add
// per value, in the store of the step before it when that step takes elementwise ops, or
// in an elementwise step of its own.
#pragma once

#include <array>
#include <cstddef>
#include <ratio>
#include <span>

#include "ctinfer/core/constant.hpp"
#include "ctinfer/core/detail/constexpr_math.hpp"
#include "ctinfer/core/diagnostics.hpp"
#include "ctinfer/core/status.hpp"
#include "ctinfer/core/unary_op.hpp"
#include "ctinfer/layers/layer.hpp"

namespace ctinfer {

namespace rule {
template <std::size_t LayerIndex, class Layer, class InputShape>
struct batch_norm_needs_a_channel_axis {
  static constexpr bool ok = InputShape::rank >= 1;
  static_assert(ok, "ctinfer: BatchNorm needs an input with a channel axis (rank >= 1)");
};
template <std::size_t LayerIndex, class Layer, class InputShape>
struct batch_norm_needs_positive_eps {
  static constexpr bool ok = Layer::eps > 0.0;
  static_assert(ok, "ctinfer: BatchNorm::with<Eps> needs eps > 0");
};
}  // namespace rule

template <class T, std::size_t C>
struct batch_norm_params {
  static constexpr std::size_t count = 4 * C;
  std::array<T, C> weight{};
  std::array<T, C> bias{};
  std::array<T, C> running_mean{};
  std::array<T, C> running_var{};
  constexpr std::array<std::span<T>, 4> tensors() {
    return {std::span<T>(weight), std::span<T>(bias), std::span<T>(running_mean), std::span<T>(running_var)};
  }
  // Checked by load_flat and load_blob before they write anything (value(i): value i of this
  // layer's `count`, in tensors() order). A running variance below zero or NaN would make
  // every output of its channel NaN, the square root of a negative number.
  template <class ValueAt>
  static constexpr status check_values(const ValueAt& value) {
    for (std::size_t c = 0; c < C; ++c)
      if (!(static_cast<double>(value(3 * C + c)) >= 0.0))
        return status::error("BatchNorm running_var[").append(c).append("] is negative or NaN");
    return status{};
  }
};

template <Constant Eps>
struct BatchNormWith {
  using ctinfer_layer = void;
  static constexpr layer_kind kind = layer_kind::elementwise;
  static constexpr unary_op op = unary_op::batch_norm;
  static constexpr double eps = constant_v<Eps>;
  template <Constant E>
  using with = BatchNormWith<E>;

  template <std::size_t I, AShape In>
  static constexpr bool check =
      detail::rules_hold_in_order<
          rule::batch_norm_needs_positive_eps<I, BatchNormWith, In>,
          rule::batch_norm_needs_a_channel_axis<I, BatchNormWith, In>>();

  template <AShape In>
  using output_shape = In;

  template <AShape In>
  static constexpr std::size_t channels = In::dims[0];

  template <Element T, AShape In>
  using params = batch_norm_params<T, channels<In>>;

  // The per-channel affine map the layer is: y = x * scale + shift (computed in double).
  template <class P>
  static constexpr double scale(const P& p, std::size_t c) {
    return static_cast<double>(p.weight[c]) /
           detail::cmath::sqrt(static_cast<double>(p.running_var[c]) + eps);
  }
  template <class P>
  static constexpr double shift(const P& p, std::size_t c) {
    return static_cast<double>(p.bias[c]) - static_cast<double>(p.running_mean[c]) * scale(p, c);
  }

  template <Element T, AShape In>
  static constexpr void reference(const params<T, In>& p, const T* x, T* y) {
    constexpr std::size_t per_channel = In::size / channels<In>;
    for (std::size_t c = 0; c < channels<In>; ++c) {
      const double s = scale(p, c), m = static_cast<double>(p.running_mean[c]);
      for (std::size_t i = c * per_channel; i < (c + 1) * per_channel; ++i)
        y[i] = static_cast<T>((static_cast<double>(x[i]) - m) * s + static_cast<double>(p.bias[c]));
    }
  }
};
using BatchNorm = BatchNormWith<std::ratio<1, 100000>>;

}  // namespace ctinfer
