// ctinfer/kernels/packing.hpp - the packed weight layout the dense kernels read.
//
// A Dense weight W[N][K] (PyTorch's layout) is cut into panels of `panel_width` outputs
// (64 bytes of T); panel p stores, for k = 0..K-1, the panel_width weights W[p*P + j][k]
// contiguously, zero-padded past N. A batch-1 product then streams every weight byte once,
// in order, and each k contributes whole vectors to independent accumulators: no horizontal
// sums. The layout does not depend on the SIMD target (targets use 1..16 lanes of a panel),
// so packing is done once, in constexpr code, and one packed model serves every target.
#pragma once

#include <bit>
#include <cstddef>

namespace ctinfer::kernels {

template <class T>
inline constexpr std::size_t panel_width = 64 / sizeof(T);

// Lanes of a vector over n values that need no panel of their own (pooling channels, a
// recurrent cell's units, a convolution group's outputs, which read the first lanes of
// their panel): a panel, or the power of two that holds all n if that is fewer.
// Fewer lanes keep loads and stores whole (8 channels on AVX-512: 8 lanes, not a masked 16)
// and shorten latencies (a 16-lane division is slower than an 8-lane one there).
template <class T>
constexpr std::size_t lanes_for(std::size_t n) {
  return n < panel_width<T> ? std::bit_ceil(n) : panel_width<T>;
}

// Offsets in the packed store are multiples of this many elements (64-byte aligned).
template <class T>
inline constexpr std::size_t packed_alignment = 64 / sizeof(T);

constexpr std::size_t round_up(std::size_t n, std::size_t m) { return (n + m - 1) / m * m; }

template <class T>
constexpr std::size_t padded_outputs(std::size_t n) {
  return round_up(n, panel_width<T>);
}

// Elements a packed Dense weight W[n][k] occupies, rounded so what follows stays aligned. The
// bias (padded_outputs<T>(n) values, zero past n) starts right after it.
template <class T>
constexpr std::size_t packed_weight_size(std::size_t n, std::size_t k) {
  return round_up(padded_outputs<T>(n) * k, packed_alignment<T>);
}

// Elements one per-channel vector (PReLU slopes, BatchNorm scales or shifts) of C channels
// occupies: a panel more than C, so a vector load at any channel stays inside it.
template <class T>
constexpr std::size_t channel_values_size(std::size_t c) {
  return round_up(c, packed_alignment<T>) + panel_width<T>;
}

// A convolution's weight, per group g: panels of the group's outputs over the taps,
// [g][panel][kh][kw][c][P] - for one group of 1x1 taps, exactly a Dense weight. Depthwise
// weights are [kh][kw][channels padded to a panel].
template <class T>
constexpr std::size_t packed_conv_weight_size(std::size_t groups, std::size_t outputs_per_group,
                                              std::size_t taps_per_output) {
  return round_up(groups * padded_outputs<T>(outputs_per_group) * taps_per_output, packed_alignment<T>);
}
template <class T>
constexpr std::size_t packed_conv_bias_size(std::size_t groups, std::size_t outputs_per_group) {
  return round_up(groups * padded_outputs<T>(outputs_per_group), packed_alignment<T>);
}

// Weights up to this size are taken to stay in L1 from one use to the next: half of the
// smallest L1 data cache we tune for (32 KiB), the rest left to what else the layer touches.
inline constexpr std::size_t l1_resident_bytes = 16 * 1024;

// One direction of an LSTM (gates = 4) or GRU (gates = 3) with H hidden units and F input
// features, packed: the input weights as a Dense weight (gates*H, F) and their bias, the
// hidden weights (pack_recurrent_hidden_weight) and their bias, then the initial h and c.
// Biases keep PyTorch's gate order (LSTM i, f, g, o; GRU r, z, n). The input bias holds every
// bias the input product can take (LSTM: b_ih + b_hh; GRU: b_ih, plus b_hh for r and z); the
// hidden bias only what must stay apart (GRU: b_hn, scaled by the reset gate).
struct recurrent_layout {
  std::size_t w_ih = 0, bias_x = 0, w_hh = 0, bias_h = 0, h0 = 0, c0 = 0, size = 0;
};

// Whether the recurrent kernel pipelines a cell's vectors of units (kernels/recurrent-inl.h):
// when one vector's hidden product (gates * H FMAs) takes at least as long as its gate
// functions (LSTM 5, GRU 3 per vector), the next vector's product hides them. Below that,
// the whole product first and then every cell at once is faster. A gate function counts as
// 20 operations in float and 50 in double (the exp-based functions with a slow division),
// weights that put the threshold where the measurements did (AVX-512, per step: pipelined
// LSTM 64 double 1400 -> 1190 ns, LSTM 32 float 140 -> 128; but LSTM 32 double 371-380 ->
// 414, GRU 32 double 253-285 -> 292-321, GRU 16 float 59-61 -> 61-64). The hidden weight's
// packing follows.
template <class T>
constexpr bool recurrent_pipelined(std::size_t gates, std::size_t hidden) {
  const std::size_t functions = gates == 4 ? 5 : 3, operations = sizeof(T) == 4 ? 20 : 50;
  return gates * hidden >= functions * operations;
}

// Elements of a recurrent cell's hidden weight, packed as the kernel reads it.
template <class T>
constexpr std::size_t packed_recurrent_hidden_size(std::size_t gates, std::size_t hidden) {
  return recurrent_pipelined<T>(gates, hidden) ? round_up(gates * padded_outputs<T>(hidden) * hidden, packed_alignment<T>)
                                               : packed_weight_size<T>(gates * hidden, hidden);
}

template <class T>
constexpr recurrent_layout recurrent_packing(std::size_t gates, std::size_t hidden, std::size_t features) {
  const std::size_t gh = gates * hidden;
  recurrent_layout l;
  l.bias_x = packed_weight_size<T>(gh, features);
  l.w_hh = l.bias_x + packed_conv_bias_size<T>(1, gh);
  l.bias_h = l.w_hh + packed_recurrent_hidden_size<T>(gates, hidden);
  l.h0 = l.bias_h + packed_conv_bias_size<T>(1, gh);
  l.c0 = l.h0 + round_up(hidden, packed_alignment<T>);
  l.size = l.c0 + round_up(hidden, packed_alignment<T>);
  return l;
}

// Scratch of one recurrent step over `time` steps: every input product, the hidden product
// (each followed by a vector of padding, so whole-vector loads past a gate row's end stay
// inside), and h and c when they are not in a State (kernels/recurrent-inl.h).
template <class T>
constexpr std::size_t recurrent_scratch_size(std::size_t time, std::size_t gates, std::size_t hidden) {
  constexpr std::size_t a = packed_alignment<T>;
  return round_up(time * gates * hidden, a) + a + round_up(gates * hidden, a) + a + 2 * round_up(hidden, a);
}

// W[o][column kk of the packed order] of a Dense weight W[n][k], times scale[o] if given (a
// folded BatchNorm). k_channels, if not 0: the input is a channels-last (positions,
// k_channels) tensor while W's columns follow PyTorch's (k_channels, positions) order, so
// packed column p * k_channels + c is W's column c * positions + p.
template <class T, class U>
constexpr T dense_weight_at(const U* w, std::size_t k, std::size_t o, std::size_t kk, const double* scale,
                            std::size_t k_channels) {
  const std::size_t from = k_channels ? (kk % k_channels) * (k / k_channels) + kk / k_channels : kk;
  return scale ? static_cast<T>(static_cast<double>(w[o * k + from]) * scale[o]) : static_cast<T>(w[o * k + from]);
}

// Pack W[n][k] into panels. `out` has padded_outputs<T>(n) * k elements. Out of line: one
// copy serves every layer of a network. scale and k_channels as in dense_weight_at.
template <class T, class U>
[[gnu::noinline]] constexpr void pack_dense_weight(const U* w, std::size_t n, std::size_t k, T* out,
                                                   const double* scale = nullptr, std::size_t k_channels = 0) {
  constexpr std::size_t P = panel_width<T>;
  const std::size_t panels = padded_outputs<T>(n) / P;
  for (std::size_t p = 0; p < panels; ++p)
    for (std::size_t kk = 0; kk < k; ++kk)
      for (std::size_t j = 0; j < P; ++j) {
        const std::size_t o = p * P + j;
        out[(p * k + kk) * P + j] = o >= n ? T(0) : dense_weight_at<T>(w, k, o, kk, scale, k_channels);
      }
}

// A Dense of one row whose outputs fill less than a panel but whose k is long (a classifier
// head: 10 outputs from 784 values) wastes most of each broadcast on the panel layout; it
// runs as dot products instead, on rows of W padded to whole panels. Only for an input read
// through a view: such a Dense has one row in a stream's one-frame plan too, so both plans
// pack it alike.
template <class T>
constexpr bool dense_by_rows(std::size_t rows, std::size_t n, std::size_t k) {
  return rows == 1 && n < panel_width<T> && k >= 4 * panel_width<T>;
}
template <class T>
constexpr std::size_t packed_rows_size(std::size_t n, std::size_t k) {
  return round_up(n * round_up(k, panel_width<T>), packed_alignment<T>);
}

// Pack W[n][k] by rows, each padded with zeros to whole panels; scale and k_channels as in
// dense_weight_at.
template <class T, class U>
[[gnu::noinline]] constexpr void pack_dense_rows(const U* w, std::size_t n, std::size_t k, T* out,
                                                 const double* scale = nullptr, std::size_t k_channels = 0) {
  const std::size_t kp = round_up(k, panel_width<T>);
  for (std::size_t o = 0; o < n; ++o)
    for (std::size_t kk = 0; kk < kp; ++kk)
      out[o * kp + kk] = kk >= k ? T(0) : dense_weight_at<T>(w, k, o, kk, scale, k_channels);
}

// Pack a recurrent cell's hidden weight W_hh[gates * H][H] (PyTorch's layout: gate g's rows
// are g * H .. g * H + H - 1). Not pipelined: as a Dense weight. Pipelined: by blocks of P
// units, each block's k-th row holding its gates' P weights of column k in gate order,
// [block][k][gate][P] (zero past H), so one vector of units reads all its gates' weights in
// one stream, and the weights of a block are together.
template <class T, class U>
[[gnu::noinline]] constexpr void pack_recurrent_hidden_weight(const U* w, std::size_t gates, std::size_t hidden,
                                                              T* out) {
  if (!recurrent_pipelined<T>(gates, hidden)) return pack_dense_weight(w, gates * hidden, hidden, out);
  constexpr std::size_t P = panel_width<T>;
  const std::size_t blocks = padded_outputs<T>(hidden) / P;
  for (std::size_t b = 0; b < blocks; ++b)
    for (std::size_t kk = 0; kk < hidden; ++kk)
      for (std::size_t g = 0; g < gates; ++g)
        for (std::size_t j = 0; j < P; ++j) {
          const std::size_t unit = b * P + j;
          out[((b * hidden + kk) * gates + g) * P + j] =
              unit >= hidden ? T(0) : static_cast<T>(w[(g * hidden + unit) * hidden + kk]);
        }
}

// Pack a convolution weight for the direct kernel: per group, panels of P outputs, for every
// tap then every input channel of the group. `at(group, output, channel, tap)` is the index of
// that weight in the framework's array: a convolution's W[out][c][taps] (PyTorch's order) or a
// transposed convolution's W[in][out / groups][taps]. scale[o] multiplies output o's weights
// (a folded BatchNorm; 1 otherwise).
template <class T, class U, class Index>
[[gnu::noinline]] constexpr void pack_window_weight(const U* w, const double* scale, std::size_t groups,
                                                    std::size_t outputs_per_group, std::size_t channels_per_group,
                                                    std::size_t taps, Index at, T* out) {
  constexpr std::size_t P = panel_width<T>;
  const std::size_t panels = padded_outputs<T>(outputs_per_group) / P;
  for (std::size_t g = 0; g < groups; ++g)
    for (std::size_t p = 0; p < panels; ++p)
      for (std::size_t t = 0; t < taps; ++t)
        for (std::size_t c = 0; c < channels_per_group; ++c)
          for (std::size_t j = 0; j < P; ++j) {
            const std::size_t o = p * P + j;
            *out++ = o < outputs_per_group
                         ? static_cast<T>(static_cast<double>(w[at(g, o, c, t)]) * scale[g * outputs_per_group + o])
                         : T(0);
          }
}
template <class T, class U>
constexpr void pack_conv_weight(const U* w, const double* scale, std::size_t groups, std::size_t outputs_per_group,
                                std::size_t channels_per_group, std::size_t taps, T* out) {
  auto at = [=](std::size_t g, std::size_t o, std::size_t c, std::size_t t) {
    return ((g * outputs_per_group + o) * channels_per_group + c) * taps + t;
  };
  pack_window_weight(w, scale, groups, outputs_per_group, channels_per_group, taps, at, out);
}
template <class T, class U>
constexpr void pack_conv_transpose_weight(const U* w, const double* scale, std::size_t groups,
                                          std::size_t outputs_per_group, std::size_t channels_per_group,
                                          std::size_t taps, T* out) {
  auto at = [=](std::size_t g, std::size_t o, std::size_t c, std::size_t t) {
    return ((g * channels_per_group + c) * outputs_per_group + o) * taps + t;
  };
  pack_window_weight(w, scale, groups, outputs_per_group, channels_per_group, taps, at, out);
}

// Depthwise weight W[channels][taps] as [taps][channels padded to a panel].
template <class T, class U>
[[gnu::noinline]] constexpr void pack_depthwise_weight(const U* w, const double* scale, std::size_t channels,
                                                       std::size_t taps, T* out) {
  const std::size_t padded = padded_outputs<T>(channels);
  for (std::size_t t = 0; t < taps; ++t)
    for (std::size_t c = 0; c < padded; ++c)
      out[t * padded + c] = c < channels ? static_cast<T>(static_cast<double>(w[c * taps + t]) * scale[c]) : T(0);
}

}  // namespace ctinfer::kernels
