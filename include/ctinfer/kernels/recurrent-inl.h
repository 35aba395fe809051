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

// Part of the hidden product of one vector of units: for each gate g < G and k in [k0, k1),
// adds w[(k * G + g) * P + lane] h[k] to a_g (even k) or b_g (odd k), w pointing at the
// vector's lanes in its unit block (kernels::pack_recurrent_hidden_weight). Two interleaved k
// streams keep the FMA chains short; each broadcast of h[k] serves every gate. k0 is even.
template <std::size_t G, class D, class V>
HWY_INLINE void add_hidden_product(D d, const hn::TFromD<D>* HWY_RESTRICT w, const hn::TFromD<D>* HWY_RESTRICT h,
                                   std::size_t k0, std::size_t k1, V& a0, V& a1, V& a2, V& a3, V& b0, V& b1, V& b2,
                                   V& b3) {
  constexpr std::size_t P = kernels::panel_width<hn::TFromD<D>>, step = G * P;
  std::size_t k = k0;
  for (; k + 2 <= k1; k += 2) {
    const V x0 = hn::Set(d, h[k]), x1 = hn::Set(d, h[k + 1]);
    const auto* HWY_RESTRICT p = w + k * step;
    a0 = hn::MulAdd(hn::LoadU(d, p), x0, a0);
    a1 = hn::MulAdd(hn::LoadU(d, p + P), x0, a1);
    a2 = hn::MulAdd(hn::LoadU(d, p + 2 * P), x0, a2);
    if constexpr (G > 3) a3 = hn::MulAdd(hn::LoadU(d, p + 3 * P), x0, a3);
    b0 = hn::MulAdd(hn::LoadU(d, p + step), x1, b0);
    b1 = hn::MulAdd(hn::LoadU(d, p + step + P), x1, b1);
    b2 = hn::MulAdd(hn::LoadU(d, p + step + 2 * P), x1, b2);
    if constexpr (G > 3) b3 = hn::MulAdd(hn::LoadU(d, p + step + 3 * P), x1, b3);
  }
  if (k < k1) {
    const V x = hn::Set(d, h[k]);
    const auto* HWY_RESTRICT p = w + k * step;
    a0 = hn::MulAdd(hn::LoadU(d, p), x, a0);
    a1 = hn::MulAdd(hn::LoadU(d, p + P), x, a1);
    a2 = hn::MulAdd(hn::LoadU(d, p + 2 * P), x, a2);
    if constexpr (G > 3) a3 = hn::MulAdd(hn::LoadU(d, p + 3 * P), x, a3);
  }
}

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
  constexpr std::size_t a = kernels::packed_alignment<T>, P = kernels::panel_width<T>;
  constexpr kernels::recurrent_layout l = kernels::recurrent_packing<T>(G, H, F);
  constexpr bool pipelined = kernels::recurrent_pipelined<T>(G, H);
  // The cell is a chain of dependent operations the recurrence waits for: no wider than H.
  const hn::CappedTag<T, kernels::lanes_for<T>(H)> d;
  // Hidden weights beyond L1's share: every other time step runs the hidden product
  // backwards, so it starts on the weights the step before left in L1 instead of the ones
  // it evicted first (LSTM 64 float on a 48 KiB L1: 640 -> 500 ns per step). Same results.
  constexpr bool alternate = H * GH * sizeof(T) > kernels::l1_resident_bytes;
  const std::size_t first = state ? *parity : 0;
  CTINFER_LANES_CONSTEXPR std::size_t L = lanes(d);
  CTINFER_LANES_CONSTEXPR std::size_t vectors = (H + L - 1) / L;
  // Several whole vectors of units: the cell runs in two passes over them, the gates (and c)
  // of every vector first, then every tanh, so that the vectors' chains interleave instead
  // of each waiting for its own gate functions in turn (double LSTM 32 / 64: 418-424 ->
  // 377-381 / 1505-1536 -> 1407-1452 ns per step, GRU 32 308 -> 264; float within 1-2%,
  // one vector of units, 8 and 16 in float, 2-3% slower, so it keeps one pass). Values
  // waiting for the second pass sit in their own gate rows, whole vectors apart.
  CTINFER_LANES_CONSTEXPR bool two_phase = H > L && H % L == 0;

  T* HWY_RESTRICT pre = scratch;                                         // (time, GH), padding
  T* HWY_RESTRICT hidden = pre + kernels::round_up(time * GH, a) + a;    // (GH), padding
  T* HWY_RESTRICT h_next = hidden;  // the pipelined cells' new h
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

  // Pipelined (kernels::recurrent_pipelined): per time step, one vector of units at a time,
  // its gates' hidden products, then its cell. The cell is a long chain of dependent
  // operations; the next vector's products are cut in parts, one issued before each gate
  // function, so the two overlap (the products' loads keep streaming while the functions use
  // the arithmetic ports) instead of the functions filling the scheduler while the next
  // weights wait. The new h goes to h_next until every vector has read the old one.
  // Not pipelined: the whole hidden product first (a GEMV on weights packed as a Dense), then
  // the cells.
  for (std::size_t s = 0; s < time; ++s) {
    const std::size_t t = st.rnn.reverse ? time - 1 - s : s;
    const T* HWY_RESTRICT pt = pre + t * GH;
    T* HWY_RESTRICT yt = y + t * st.rnn.y_stride + st.rnn.y_offset;
    const bool backward = alternate && ((first + s) & 1) != 0;
    if constexpr (pipelined) {
      using V = hn::Vec<decltype(d)>;
      // One part of the next product before each gate function: k bounds, even inside.
      constexpr std::size_t parts = lstm ? 5 : 3;
      auto part = [](std::size_t q) { return q == parts ? H : H * q / parts / 2 * 2; };
      auto unit = [&](std::size_t n) { return (backward ? vectors - 1 - n : n) * L; };
      auto weights = [&](std::size_t j) { return layer + l.w_hh + (j / P) * G * H * P + j % P; };
      V a0 = hn::Zero(d), a1 = hn::Zero(d), a2 = hn::Zero(d), a3 = hn::Zero(d);
      V b0 = hn::Zero(d), b1 = hn::Zero(d), b2 = hn::Zero(d), b3 = hn::Zero(d);
      add_hidden_product<G>(d, weights(unit(0)), h, 0, H, a0, a1, a2, a3, b0, b1, b2, b3);
      for (std::size_t n = 0; n < vectors; ++n) {
        const std::size_t j = unit(n);
        const V s0 = hn::Add(a0, b0), s1 = hn::Add(a1, b1), s2 = hn::Add(a2, b2), s3 = hn::Add(a3, b3);
        a0 = a1 = a2 = a3 = b0 = b1 = b2 = b3 = hn::Zero(d);
        const bool next = n + 1 < vectors;
        const T* HWY_RESTRICT wn = weights(next ? unit(n + 1) : j);
        auto next_part = [&](std::size_t q) {
          if (next) add_hidden_product<G>(d, wn, h, part(q), part(q + 1), a0, a1, a2, a3, b0, b1, b2, b3);
        };
        V hv;
        if constexpr (lstm) {
          next_part(0);
          const V i = math::GateSigmoid(d, hn::Add(s0, hn::LoadU(d, pt + j)));
          next_part(1);
          const V f = math::GateSigmoid(d, hn::Add(s1, hn::LoadU(d, pt + H + j)));
          next_part(2);
          const V g = math::GateTanh(d, hn::Add(s2, hn::LoadU(d, pt + 2 * H + j)));
          next_part(3);
          const V o = math::GateSigmoid(d, hn::Add(s3, hn::LoadU(d, pt + 3 * H + j)));
          next_part(4);
          const V cn = hn::MulAdd(f, hn::LoadU(d, c + j), hn::Mul(i, g));
          hn::StoreU(cn, d, c + j);
          hv = hn::Mul(o, math::GateTanh(d, cn));
        } else {
          // n = tanh(pre_n + r (W_hn h + b_hn)); h' = (1 - z) n + z h = n + z (h - n).
          next_part(0);
          const V r = math::GateSigmoid(d, hn::Add(s0, hn::LoadU(d, pt + j)));
          next_part(1);
          const V z = math::GateSigmoid(d, hn::Add(s1, hn::LoadU(d, pt + H + j)));
          next_part(2);
          const V hidden_n = hn::Add(s2, hn::LoadU(d, layer + l.bias_h + 2 * H + j));
          const V nv = math::GateTanh(d, hn::MulAdd(r, hidden_n, hn::LoadU(d, pt + 2 * H + j)));
          hv = hn::MulAdd(z, hn::Sub(hn::LoadU(d, h + j), nv), nv);
          (void)s3;
        }
        hn::StoreU(hv, d, h_next + j);
        store_output(hv, yt, j);
      }
      for (std::size_t j = 0; j < H; j += L) hn::StoreU(hn::LoadU(d, h_next + j), d, h + j);
    } else if constexpr (lstm) {
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
