// ctinfer/kernels/recurrent-inl.h - LSTM and GRU over a sequence, or one frame of a stream.
//
// One direction of one layer per call, on weights packed by kernels/packing.hpp
// (recurrent_packing): first every input product of the sequence in one GEMM (the
// compute-bound part, with the biases that can join it), then per time step the hidden
// product (a batch-1 GEMV on packed weights, streaming each weight once) and the cell update,
// vectorised over the hidden units. Streaming runs the same code for one time step, with h
// and c in the caller's State instead of the scratch.

#if defined(CTINFER_KERNELS_RECURRENT_INL_H_) == defined(HWY_TARGET_TOGGLE)
#ifdef CTINFER_KERNELS_RECURRENT_INL_H_
#undef CTINFER_KERNELS_RECURRENT_INL_H_
#else
#define CTINFER_KERNELS_RECURRENT_INL_H_
#endif

#include <cstddef>
#include <cstdint>

#include "ctinfer/detail/highway_targets.hpp"  // before Highway's first header
#include <hwy/highway.h>

#include "ctinfer/kernels/activation-inl.h"
#include "ctinfer/kernels/dense-inl.h"
#include "ctinfer/kernels/math-inl.h"
#include "ctinfer/kernels/packing.hpp"
#include "ctinfer/kernels/steps.hpp"

HWY_BEFORE_NAMESPACE();
namespace ctinfer {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Step: a kernels::step_ref of kind lstm or gru. `layer`: the direction's packed weights.
// x: (time, F); y: h_t at y[t * y_stride + y_offset + j]. `state`: h then c (each rounded to
// 64 bytes) carried between calls, or null to start from the packed initial state.
// `parity`: with a state, the stream's count of time steps modulo 2 (updated here).
template <class Step, class T>
HWY_NOINLINE void recurrent(const T* HWY_RESTRICT layer, const T* HWY_RESTRICT x, T* HWY_RESTRICT y,
                            T* HWY_RESTRICT scratch, T* HWY_RESTRICT state,
                            std::uint32_t* HWY_RESTRICT parity) {
  constexpr kernels::step st = Step::value;
  constexpr bool lstm = st.kind == kernels::step_kind::lstm;
  constexpr std::size_t time = st.rows, F = st.k, H = st.cols, G = lstm ? 4 : 3, GH = G * H;
  constexpr std::size_t a = kernels::packed_alignment<T>;
  constexpr kernels::recurrent_layout l = kernels::recurrent_packing<T>(G, H, F);
  // The cell is a chain of dependent operations the recurrence waits for: no wider than H.
  const hn::CappedTag<T, kernels::lanes_for<T>(H)> d;
  // Hidden weights beyond L1's share: every other time step runs the hidden product
  // backwards, so it starts on the weights the step before left in L1 instead of the ones
  // it evicted first (LSTM 64 float on a 48 KiB L1: 640 -> 500 ns per step). Same results.
  constexpr bool alternate = H * GH * sizeof(T) > kernels::l1_resident_bytes;
  const std::size_t first = state ? *parity : 0;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  // Several whole vectors of units: the cell runs in two passes over them, the gates (and c)
  // of every vector first, then every tanh, so that the vectors' chains interleave instead
  // of each waiting for its own gate functions in turn (double LSTM 32 / 64: 418-424 ->
  // 377-381 / 1505-1536 -> 1407-1452 ns per step, GRU 32 308 -> 264; float within 1-2%,
  // one vector of units, 8 and 16 in float, 2-3% slower, so it keeps one pass). Values
  // waiting for the second pass sit in their own gate rows, whole vectors apart.
  CTINFER_LANES_CONSTEXPR bool two_phase = H > L && H % L == 0;

  T* HWY_RESTRICT pre = scratch;                                         // (time, GH), padding
  T* HWY_RESTRICT hidden = pre + kernels::round_up(time * GH, a) + a;    // (GH), padding
  T* HWY_RESTRICT h = state ? state : hidden + kernels::round_up(GH, a) + a;
  T* HWY_RESTRICT c = h + kernels::round_up(H, a);
  if (!state)
    for (std::size_t j = 0; j < H; ++j) {
      h[j] = layer[l.h0 + j];
      c[j] = layer[l.c0 + j];
    }

  // Every input product at once: pre = x W_ih^T + bias_x.
  dense<time, F, GH, true, kernels::epilogue<>>(layer + l.w_ih, layer + l.bias_x, x, pre, layer, static_cast<const T*>(nullptr));

  // The cell runs on whole vectors: h and c are rounded up to 64 bytes and the gate rows are
  // followed by a vector of padding (kernels::recurrent_scratch_size), so a last vector past
  // H reads and writes lanes nothing uses. Only the output, a row of the caller's tensor, is
  // stored up to H exactly.
  auto store_output = [&](auto v, T* HWY_RESTRICT yt, std::size_t j) {
    if (j + L <= H)
      hn::StoreU(v, d, yt + j);
    else
      store_first(d, v, yt + j, H - j);
  };

  for (std::size_t s = 0; s < time; ++s) {
    const std::size_t t = st.rnn.reverse ? time - 1 - s : s;
    const T* HWY_RESTRICT pt = pre + t * GH;
    T* HWY_RESTRICT yt = y + t * st.rnn.y_stride + st.rnn.y_offset;
    const bool backward = alternate && ((first + s) & 1) != 0;
    if constexpr (lstm) {
      // hidden = h W_hh^T + pre[t]: the four gates' pre-activations.
      gemv<H, GH, false, kernels::epilogue<kernels::add_tensor>>(layer + l.w_hh, static_cast<const T*>(nullptr), h, hidden,
                                                                 layer, pt, backward);
      if (two_phase) {
        // First pass: i, f, g, c and o (o waits in its gate row); second: h = o tanh(c).
        for (std::size_t j = 0; j < H; j += L) {
          const auto i = math::GateSigmoid(d, hn::LoadU(d, hidden + j));
          const auto f = math::GateSigmoid(d, hn::LoadU(d, hidden + H + j));
          const auto g = math::GateTanh(d, hn::LoadU(d, hidden + 2 * H + j));
          hn::StoreU(hn::MulAdd(f, hn::LoadU(d, c + j), hn::Mul(i, g)), d, c + j);
          hn::StoreU(math::GateSigmoid(d, hn::LoadU(d, hidden + 3 * H + j)), d, hidden + 3 * H + j);
        }
        for (std::size_t j = 0; j < H; j += L) {
          const auto hv = hn::Mul(hn::LoadU(d, hidden + 3 * H + j), math::GateTanh(d, hn::LoadU(d, c + j)));
          hn::StoreU(hv, d, h + j);
          store_output(hv, yt, j);
        }
      } else {
        for (std::size_t j = 0; j < H; j += L) {
          const auto i = math::GateSigmoid(d, hn::LoadU(d, hidden + j));
          const auto f = math::GateSigmoid(d, hn::LoadU(d, hidden + H + j));
          const auto g = math::GateTanh(d, hn::LoadU(d, hidden + 2 * H + j));
          const auto o = math::GateSigmoid(d, hn::LoadU(d, hidden + 3 * H + j));
          const auto cn = hn::MulAdd(f, hn::LoadU(d, c + j), hn::Mul(i, g));
          const auto hv = hn::Mul(o, math::GateTanh(d, cn));
          hn::StoreU(cn, d, c + j);
          hn::StoreU(hv, d, h + j);
          store_output(hv, yt, j);
        }
      }
    } else {
      // hidden = h W_hh^T + (0, 0, b_hn): r and z join pre[t]; n's part is scaled by r.
      gemv<H, GH, true, kernels::epilogue<>>(layer + l.w_hh, layer + l.bias_h, h, hidden, layer,
                                             static_cast<const T*>(nullptr), backward);
      if (two_phase) {
        // First pass: r, z and n's argument (waiting in their gate rows); second: n and h.
        for (std::size_t j = 0; j < H; j += L) {
          const auto r = math::GateSigmoid(d, hn::Add(hn::LoadU(d, pt + j), hn::LoadU(d, hidden + j)));
          hn::StoreU(math::GateSigmoid(d, hn::Add(hn::LoadU(d, pt + H + j), hn::LoadU(d, hidden + H + j))), d,
                     hidden + H + j);
          hn::StoreU(hn::MulAdd(r, hn::LoadU(d, hidden + 2 * H + j), hn::LoadU(d, pt + 2 * H + j)), d,
                     hidden + 2 * H + j);
        }
        for (std::size_t j = 0; j < H; j += L) {
          const auto z = hn::LoadU(d, hidden + H + j);
          const auto n = math::GateTanh(d, hn::LoadU(d, hidden + 2 * H + j));
          const auto hv = hn::MulAdd(z, hn::Sub(hn::LoadU(d, h + j), n), n);
          hn::StoreU(hv, d, h + j);
          store_output(hv, yt, j);
        }
      } else {
        for (std::size_t j = 0; j < H; j += L) {
          const auto r = math::GateSigmoid(d, hn::Add(hn::LoadU(d, pt + j), hn::LoadU(d, hidden + j)));
          const auto z = math::GateSigmoid(d, hn::Add(hn::LoadU(d, pt + H + j), hn::LoadU(d, hidden + H + j)));
          const auto n =
              math::GateTanh(d, hn::MulAdd(r, hn::LoadU(d, hidden + 2 * H + j), hn::LoadU(d, pt + 2 * H + j)));
          // h' = (1 - z) n + z h = n + z (h - n)
          const auto hv = hn::MulAdd(z, hn::Sub(hn::LoadU(d, h + j), n), n);
          hn::StoreU(hv, d, h + j);
          store_output(hv, yt, j);
        }
      }
    }
  }
  if (state) *parity = static_cast<std::uint32_t>((first + time) & 1);
}

}  // namespace HWY_NAMESPACE
}  // namespace ctinfer
HWY_AFTER_NAMESPACE();

#endif  // CTINFER_KERNELS_RECURRENT_INL_H_
