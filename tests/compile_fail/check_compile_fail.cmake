# check_compile_fail.cmake - runs one compile-fail test (or the positive control).
#
#   cmake -DCOMPILER=<c++ compiler> -DSOURCE=<file.cpp>
#         [-DCOMPILER_ID=GNU|Clang] [-DINCLUDE_DIRS=a|b] [-DDEFINITIONS=X|Y=1] [-DFLAGS=a|b]
#         [-DIMPLICIT_INCLUDE_DIRS=a|b] [-DEXPECT_SUCCESS=ON] [-DMAX_ERRORS=3]
#         -P check_compile_fail.cmake
#
# Lists are passed with '|' as the separator (a ';' would split the test's command line).
#
# Compile-fail mode (the default): SOURCE must start with a line `// expect: <regex>`; more
# `// expect:` lines may follow, and every regex must match the compiler's output. An optional
# `// max-errors: N` line raises the limit on the number of "error:" lines (default MAX_ERRORS,
# 3): the library promises one message per mistake. The test fails, printing the compiler's
# output, if the file compiles, if a regex does not match, or if there are too many errors.
#
# EXPECT_SUCCESS mode: SOURCE must compile without any error.
cmake_minimum_required(VERSION 3.21)

foreach(var COMPILER SOURCE)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "check_compile_fail.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT DEFINED MAX_ERRORS)
  set(MAX_ERRORS 3)
endif()

foreach(var INCLUDE_DIRS DEFINITIONS FLAGS IMPLICIT_INCLUDE_DIRS)
  string(REPLACE "|" ";" ${var} "${${var}}")
endforeach()

# --- what the test expects -----------------------------------------------------------------
file(READ "${SOURCE}" text)
string(REGEX MATCHALL "// expect: [^\r\n]*" expect_lines "${text}")
set(regexes "")
foreach(line IN LISTS expect_lines)
  string(REGEX REPLACE "^// expect: " "" re "${line}")
  string(STRIP "${re}" re)
  list(APPEND regexes "${re}")
endforeach()
if(text MATCHES "// max-errors: ([0-9]+)")
  set(MAX_ERRORS ${CMAKE_MATCH_1})
endif()
if(NOT EXPECT_SUCCESS)
  if(NOT text MATCHES "^// expect: [^\r\n]+")
    message(FATAL_ERROR "${SOURCE}: the first line must be `// expect: <regex>`")
  endif()
endif()

# --- the command ---------------------------------------------------------------------------
set(cmd "${COMPILER}" -std=c++20 -fsyntax-only)
# No source excerpts under the diagnostics: a regex must match what the compiler says, not an
# echo of the test's own source line. No colours, and the C locale: plain ASCII quotes and
# English words whatever the environment of ctest is.
if(COMPILER_ID STREQUAL "GNU")
  list(APPEND cmd -fno-diagnostics-show-caret -fdiagnostics-color=never)
elseif(COMPILER_ID MATCHES "Clang")
  list(APPEND cmd -fno-caret-diagnostics -fno-color-diagnostics)
endif()
list(APPEND cmd ${FLAGS})
foreach(dir IN LISTS INCLUDE_DIRS)
  if(dir STREQUAL "" OR dir IN_LIST IMPLICIT_INCLUDE_DIRS)
    continue()  # e.g. /usr/include: as -I it would reorder the system headers
  endif()
  list(APPEND cmd "-I${dir}")
endforeach()
foreach(def IN LISTS DEFINITIONS)
  if(NOT def STREQUAL "")
    list(APPEND cmd "-D${def}")
  endif()
endforeach()
list(APPEND cmd "${SOURCE}")

set(ENV{LC_ALL} C)
set(ENV{LANG} C)
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)

string(REGEX MATCHALL "error:" error_matches "${out}")
list(LENGTH error_matches error_count)
list(JOIN cmd " " cmd_line)
get_filename_component(name "${SOURCE}" NAME)
string(CONCAT report "command: ${cmd_line}\nexit code: ${rc}\nerror lines: ${error_count}\n"
           "---- compiler output ----\n${out}-------------------------")

# --- verdict -------------------------------------------------------------------------------
# fail(<why>...): prints the report as it is (message(FATAL_ERROR) would re-wrap the compiler's
# lines), then fails.
function(fail)
  string(CONCAT why ${ARGN})
  message("${report}")
  message(FATAL_ERROR "${name}: ${why}")
endfunction()

if(EXPECT_SUCCESS)
  if(NOT rc STREQUAL "0" OR error_count GREATER 0)
    fail("the positive control does not compile, so the compile-fail tests prove nothing "
         "(include path? broken header?)")
  endif()
  message(STATUS "${name}: compiles, as it must")
  return()
endif()

if(rc STREQUAL "0")
  fail("compiled, but it must not")
endif()
if(NOT rc MATCHES "^[0-9]+$")
  fail("could not run the compiler (${rc})")
endif()
set(missing "")
foreach(re IN LISTS regexes)
  if(NOT out MATCHES "${re}")
    string(APPEND missing "  ${re}\n")
  endif()
endforeach()
if(NOT missing STREQUAL "")
  fail("the compiler output does not match\n${missing}")
endif()
if(error_count GREATER MAX_ERRORS)
  fail("${error_count} error lines, more than ${MAX_ERRORS}: one mistake should give one "
       "message, not a cascade")
endif()
message(STATUS "${name}: fails to compile as expected, ${error_count} error line(s) "
               "(limit ${MAX_ERRORS})")
