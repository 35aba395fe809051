# run_consumer.cmake - builds and runs the consumer project (project/) against ctinfer.
#
#   cmake -DHOW=find_package|add_subdirectory|fetchcontent
#         -DCTINFER_SOURCE_DIR=<repo> -DWORK_DIR=<scratch dir, wiped first>
#         -DCONSUMER_SOURCE_DIR=<tests/consumers/project> -DCTINFER_VERSION=<x.y.z>
#         [-DCXX_COMPILER=...] [-DCXX_FLAGS=<flags>] [-DGENERATOR=...] [-DMAKE_PROGRAM=...]
#         [-DPREFIX_PATH=a|b] [-DBUILD_TYPE=Release]
#         -P run_consumer.cmake
#
# find_package: configures ctinfer alone (its tests off), installs it into WORK_DIR/stage,
# moves the installed tree to WORK_DIR/prefix (the package must be relocatable), then
# configures, builds and runs the consumer against that prefix.
# add_subdirectory, fetchcontent: configures, builds and runs the consumer, which pulls in the
# source tree itself (with CTINFER_BUILD_TESTS=ON, to show that it has no effect there).
# Any failing step fails the test and prints that step's output.
cmake_minimum_required(VERSION 3.21)

foreach(var HOW CTINFER_SOURCE_DIR WORK_DIR CONSUMER_SOURCE_DIR)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run_consumer.cmake: -D${var}=... is required")
  endif()
endforeach()
if(NOT BUILD_TYPE)
  set(BUILD_TYPE Release)
endif()
string(REPLACE "|" ";" PREFIX_PATH "${PREFIX_PATH}")

# What every configure step gets: the caller's compiler, flags, prefix path and generator.
# Values that may hold ';' or spaces go through an initial-cache file (-C), not -D.
function(write_init_cache file)
  set(text "")
  if(CXX_COMPILER)
    string(APPEND text "set(CMAKE_CXX_COMPILER [==[${CXX_COMPILER}]==] CACHE FILEPATH \"\")\n")
  endif()
  string(APPEND text "set(CMAKE_CXX_FLAGS [==[${CXX_FLAGS}]==] CACHE STRING \"\")\n")
  string(APPEND text "set(CMAKE_BUILD_TYPE [==[${BUILD_TYPE}]==] CACHE STRING \"\")\n")
  string(APPEND text "set(CMAKE_PREFIX_PATH [==[${ARGN}]==] CACHE STRING \"\")\n")
  file(WRITE "${file}" "${text}")
endfunction()
set(common_args "")
if(GENERATOR)
  list(APPEND common_args -G "${GENERATOR}")
endif()
if(MAKE_PROGRAM)
  list(APPEND common_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()

# step(<name> <command>...): runs the command, fails with its output if it fails.
function(step name)
  message(STATUS "[${HOW}] ${name}")
  list(JOIN ARGN " " cmd_line)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "[${HOW}] ${name} failed (${rc})\ncommand: ${cmd_line}\n"
                        "---- output ----\n${out}----------------")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK_DIR}")
file(MAKE_DIRECTORY "${WORK_DIR}")
set(build_dir "${WORK_DIR}/consumer-build")
set(consumer_args -DHOW=${HOW} "-DCTINFER_VERSION=${CTINFER_VERSION}"
    -C "${WORK_DIR}/init-consumer.cmake")

if(HOW STREQUAL "find_package")
  set(ctinfer_build "${WORK_DIR}/ctinfer-build")
  set(stage "${WORK_DIR}/stage")
  set(prefix "${WORK_DIR}/prefix")
  write_init_cache("${WORK_DIR}/init-ctinfer.cmake" ${PREFIX_PATH})
  step("configure ctinfer"
       "${CMAKE_COMMAND}" -S "${CTINFER_SOURCE_DIR}" -B "${ctinfer_build}" ${common_args}
       -C "${WORK_DIR}/init-ctinfer.cmake" "-DCMAKE_INSTALL_PREFIX=${stage}"
       -DCTINFER_BUILD_TESTS=OFF -DCTINFER_BUILD_EXAMPLES=OFF -DCTINFER_BUILD_BENCH=OFF)
  step("build ctinfer" "${CMAKE_COMMAND}" --build "${ctinfer_build}" --config ${BUILD_TYPE})
  step("install ctinfer" "${CMAKE_COMMAND}" --install "${ctinfer_build}" --config ${BUILD_TYPE})
  if(NOT EXISTS "${stage}/include/ctinfer/ctinfer.hpp")
    message(FATAL_ERROR "[${HOW}] the install has no include/ctinfer/ctinfer.hpp:\n${step_output}")
  endif()
  # Nothing of the source or build tree may be needed any more: move the installed tree.
  file(RENAME "${stage}" "${prefix}")
  write_init_cache("${WORK_DIR}/init-consumer.cmake" "${prefix}" ${PREFIX_PATH})
  list(APPEND consumer_args "-DCTINFER_EXPECTED_PREFIX=${prefix}"
       -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
elseif(HOW STREQUAL "add_subdirectory" OR HOW STREQUAL "fetchcontent")
  write_init_cache("${WORK_DIR}/init-consumer.cmake" ${PREFIX_PATH})
  list(APPEND consumer_args "-DCTINFER_SOURCE_DIR=${CTINFER_SOURCE_DIR}"
       -DCTINFER_BUILD_TESTS=ON -DCTINFER_BUILD_EXAMPLES=ON -DCTINFER_BUILD_BENCH=ON)
else()
  message(FATAL_ERROR "run_consumer.cmake: unknown HOW '${HOW}'")
endif()

step("configure the consumer"
     "${CMAKE_COMMAND}" -S "${CONSUMER_SOURCE_DIR}" -B "${build_dir}" ${common_args} ${consumer_args})
message("${step_output}")
step("build the consumer" "${CMAKE_COMMAND}" --build "${build_dir}" --config ${BUILD_TYPE})

# ctinfer's own targets must not have been built as part of the consumer.
file(GLOB_RECURSE stray LIST_DIRECTORIES false "${build_dir}/*/CTestTestfile.cmake")
if(stray)
  message(FATAL_ERROR "[${HOW}] ctinfer's tests were configured in a consumer's build: ${stray}")
endif()

foreach(program consumer consumer_converted)
  set(exe "${build_dir}/bin/${program}")
  if(CMAKE_HOST_WIN32)
    string(APPEND exe ".exe")
  endif()
  message(STATUS "[${HOW}] run ${exe}")
  execute_process(COMMAND "${exe}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  message("${out}")
  if(NOT rc STREQUAL "0")
    message(FATAL_ERROR "[${HOW}] ${program} failed (${rc})")
  endif()
endforeach()
message(STATUS "[${HOW}] OK")
