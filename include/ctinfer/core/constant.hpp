// ctinfer/core/constant.hpp - real-valued hyperparameters carried in a type.
//
// Clang 14 has no floating-point template arguments, so a hyperparameter is a type: a
// std::ratio, or any type with `static constexpr double value`.
//
//   using Slope = std::ratio<1, 5>;                      // 0.2
//   struct Alpha { static constexpr double value = 1.6732632423543772; };
//   static_assert(ci::constant_v<Slope> == 0.2);
#pragma once

#include <concepts>
#include <cstdint>
#include <ratio>

namespace ctinfer {

template <class C>
concept Constant = requires {
  { C::num } -> std::convertible_to<std::intmax_t>;
  { C::den } -> std::convertible_to<std::intmax_t>;
} || requires {
  { C::value } -> std::convertible_to<double>;
};

template <Constant C>
inline constexpr double constant_v = [] {
  if constexpr (requires { C::value; })
    return static_cast<double>(C::value);
  else
    return static_cast<double>(C::num) / static_cast<double>(C::den);
}();

}  // namespace ctinfer
