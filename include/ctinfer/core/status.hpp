// ctinfer/core/status.hpp - run-time errors as values.
//
// ctinfer builds without exceptions; a function that can fail on run-time data returns a
// status. It converts to true on success and carries a short message otherwise. It owns its
// text (no allocation, no pointer into freed memory) and is usable in constant evaluation.
//
//   ci::status st = ci::load_flat(params, weights);
//   if (!st) std::puts(st.message());   // "load_flat: expected 1234 values, got 1200"
#pragma once

#include <cstddef>
#include <string_view>

namespace ctinfer {

namespace detail {
// The decimal digits of a number, most significant first; usable in constant evaluation.
struct decimal {
  char text[20] = {};  // 2^64 - 1 has 20 digits
  std::size_t size = 0;
  constexpr explicit decimal(unsigned long long number) {
    char reversed[20] = {};
    std::size_t n = 0;
    do {
      reversed[n++] = static_cast<char>('0' + number % 10);
      number /= 10;
    } while (number != 0);
    while (n != 0) text[size++] = reversed[--n];
  }
  constexpr std::string_view view() const { return std::string_view(text, size); }
};
}  // namespace detail

class status {
 public:
  static constexpr std::size_t capacity = 191;

  constexpr status() = default;  // success

  // A failure with message `text` (truncated to `capacity` characters).
  static constexpr status error(std::string_view text) {
    status s;
    s.failed_ = true;
    s.append(text);
    return s;
  }

  constexpr explicit operator bool() const { return !failed_; }
  constexpr bool ok() const { return !failed_; }
  // "ok" on success; never null, always NUL-terminated.
  constexpr const char* message() const { return failed_ ? text_ : "ok"; }

  // Builders for messages with numbers, usable in constant evaluation.
  constexpr status& append(std::string_view text) {
    for (char c : text) {
      if (length_ == capacity) break;
      text_[length_++] = c;
    }
    text_[length_] = '\0';
    return *this;
  }
  constexpr status& append(std::size_t number) { return append(detail::decimal(number).view()); }

 private:
  bool failed_ = false;
  std::size_t length_ = 0;
  char text_[capacity + 1] = {};
};

}  // namespace ctinfer
