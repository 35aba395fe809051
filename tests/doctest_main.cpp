// The doctest runner shared by every test executable. Tests build with -fno-exceptions, so
// DOCTEST_CONFIG_NO_EXCEPTIONS_BUT_WITH_ALL_ASSERTS is defined for all of them (CMake).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
