// ctinfer/core/denormals.hpp - flush-to-zero for the scope of a real-time call.
//
// Recurrent nets driven by silence decay towards zero through denormal numbers, which many
// CPUs compute 10-100x slower: an audio callback that was fast on music misses its deadline
// on a fade-out. Audio code therefore runs its DSP with denormals flushed to zero:
//
//   void process_block(const float* in, float* out, std::size_t n) {
//     ci::denormals_off guard;   // FTZ and DAZ (x86 MXCSR) / FZ (AArch64 FPCR) until scope end
//     model.process(state, {in, n}, {out, n});
//   }
//
// Post: the previous floating-point mode is restored when the guard is destroyed. It changes
// only the calling thread's mode, costs two register moves and does no system call. On other
// architectures it does nothing (enabled() says whether it does).
#pragma once

#include <cstdint>

#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <xmmintrin.h>
#define CTINFER_DENORMALS_X86 1
#elif defined(__aarch64__)
#define CTINFER_DENORMALS_AARCH64 1
#endif

namespace ctinfer {

class denormals_off {
 public:
  denormals_off() noexcept : saved_(read()) { write(saved_ | flush_bits); }
  ~denormals_off() { write(saved_); }
  denormals_off(const denormals_off&) = delete;
  denormals_off& operator=(const denormals_off&) = delete;

  // Whether this architecture has a mode to set (x86-64 and AArch64 do).
  static constexpr bool enabled() noexcept { return flush_bits != 0; }

 private:
#if defined(CTINFER_DENORMALS_X86)
  static constexpr std::uint64_t flush_bits = 0x8040;  // MXCSR FTZ (bit 15) and DAZ (bit 6)
  static std::uint64_t read() noexcept { return _mm_getcsr(); }
  static void write(std::uint64_t v) noexcept { _mm_setcsr(static_cast<unsigned>(v)); }
#elif defined(CTINFER_DENORMALS_AARCH64)
  static constexpr std::uint64_t flush_bits = std::uint64_t{1} << 24;  // FPCR.FZ
  static std::uint64_t read() noexcept {
    std::uint64_t v;
    __asm__ __volatile__("mrs %0, fpcr" : "=r"(v));
    return v;
  }
  static void write(std::uint64_t v) noexcept { __asm__ __volatile__("msr fpcr, %0" : : "r"(v)); }
#else
  static constexpr std::uint64_t flush_bits = 0;
  static std::uint64_t read() noexcept { return 0; }
  static void write(std::uint64_t) noexcept {}
#endif
  std::uint64_t saved_;
};

}  // namespace ctinfer
