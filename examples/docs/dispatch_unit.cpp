#include <ctinfer/runtime_dispatch.hpp>   // the unit's first include
#include "my_net.hpp"
CTINFER_RUNTIME_DISPATCH(my::Net)
