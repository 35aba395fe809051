// ctinfer/detail/every_target-inl.h - what runtime_dispatch.hpp compiles once per target.
#include "ctinfer/ctinfer.hpp"
#include "ctinfer/kernels/execute-inl.h"
