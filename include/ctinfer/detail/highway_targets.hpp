// ctinfer/detail/highway_targets.hpp - settles Highway's target selection before Highway's
// first header is read. Every ctinfer header that includes Highway includes this first.
//
// Highway 1.0.3 (Debian 12's libhwy-dev) cannot compile for a baseline of AVX3_DL, which
// -march=native gives on Ice Lake and newer Intel CPUs: its test of whether AVX3_DL is
// attainable reads a macro that does not exist (HWY_BASELINE), so the static target is left
// out of the compiled targets and detect_targets.h stops with "Logic error: best baseline
// should be included in dynamic targets". Opting in to AVX3_DL (HWY_WANT_AVX3_DL) makes it
// attainable. The condition is the AVX-512 part of Highway's own test for an AVX3_DL
// baseline: flags without those extensions are untouched, and where it holds but Highway's
// baseline is lower (its AVX2 part also asks for BMI2, F16C, PCLMUL, AES), the opt-in only
// adds AVX3_DL to the targets runtime dispatch compiles. Highway versions without the bug
// treat the opt-in the same way.
//
// Pre: no Highway header was included before it in the translation unit (include ctinfer's
// headers first, or define HWY_WANT_AVX3_DL yourself).
#pragma once

#if !defined(HWY_WANT_AVX3_DL) && defined(__AVX2__) && defined(__AVX512F__) && defined(__AVX512BW__) && \
    defined(__AVX512DQ__) && defined(__AVX512VL__) && defined(__AVXVNNI__) && defined(__VAES__) &&     \
    defined(__VPCLMULQDQ__) && defined(__AVX512VBMI__) && defined(__AVX512VBMI2__) &&                  \
    defined(__AVX512VPOPCNTDQ__) && defined(__AVX512BITALG__)
#define HWY_WANT_AVX3_DL 1
#endif
