// tests/support/count_allocations.hpp - replaces the global allocation functions with ones
// that count calls while `counting` is set. Include it in exactly one file of a test
// program (the replacements are definitions).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <new>

namespace ctinfer_test {
inline std::atomic<bool> counting{false};
inline std::atomic<int> allocations{0};
inline void* counted(std::size_t n) {
  if (counting) ++allocations;
  if (void* p = std::malloc(n ? n : 1)) return p;
  std::abort();
}
}  // namespace ctinfer_test

void* operator new(std::size_t n) { return ctinfer_test::counted(n); }
void* operator new[](std::size_t n) { return ctinfer_test::counted(n); }
void* operator new(std::size_t n, const std::nothrow_t&) noexcept { return ctinfer_test::counted(n); }
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept { return ctinfer_test::counted(n); }
void* operator new(std::size_t n, std::align_val_t a) {
  if (ctinfer_test::counting) ++ctinfer_test::allocations;
  const auto align = static_cast<std::size_t>(a);
  return std::aligned_alloc(align, (n + align - 1) / align * align);
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, std::align_val_t) noexcept { std::free(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { std::free(p); }
