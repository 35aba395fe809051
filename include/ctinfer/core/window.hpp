// ctinfer/core/window.hpp - the geometry of a sliding window (convolution, pooling): the
// vocabulary the window layers compute (layers/detail/spatial.hpp) and the kernels read.
#pragma once

#include <cstddef>

namespace ctinfer {

// A 1-D window is a 2-D one of height 1 ((C, L) is read as (C, 1, L)). Padding is given as
// begins and ends; only the begins move the window, the ends only set the output extent.
struct window_geometry {
  std::size_t in_channels = 0, in_h = 1, in_w = 1;
  std::size_t out_channels = 0, out_h = 1, out_w = 1;
  std::size_t kernel_h = 1, kernel_w = 1;
  std::size_t stride_h = 1, stride_w = 1;
  std::size_t dilation_h = 1, dilation_w = 1;
  std::size_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  std::size_t groups = 1;
  bool ceil_mode = false;
  bool exclude_pad = false;
  constexpr std::size_t in_positions() const { return in_h * in_w; }
  constexpr std::size_t out_positions() const { return out_h * out_w; }
  // PyTorch's average divisor with count_include_pad: the window at output (oh, ow) clipped
  // to the padded input.
  constexpr std::size_t padded_window(std::size_t oh, std::size_t ow) const {
    const std::size_t h0 = oh * stride_h, w0 = ow * stride_w;
    const std::size_t h_limit = in_h + pad_top + pad_bottom, w_limit = in_w + pad_left + pad_right;
    const std::size_t h1 = h0 + kernel_h < h_limit ? h0 + kernel_h : h_limit;
    const std::size_t w1 = w0 + kernel_w < w_limit ? w0 + kernel_w : w_limit;
    return (h1 - h0) * (w1 - w0);
  }
};

}  // namespace ctinfer
