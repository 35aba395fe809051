// ctinfer/core/element.hpp - the element types a model computes in.
//
// float (the default) and double. Packed storage types (bf16, int8) come later and decode to
// these in registers.
#pragma once

#include <type_traits>

namespace ctinfer {

template <class T>
concept Element = std::is_same_v<T, float> || std::is_same_v<T, double>;

}  // namespace ctinfer
