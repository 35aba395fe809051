# ctinfer_add_model(<target> MODEL <file.onnx|file.json> NAME <name>
#                   [WEIGHTS_TU] [ELEMENT float|double] [INPUT_SHAPE d0,d1,...]
#                   [SEQUENCE_LENGTH t] [BLOB <file.bin>] [OUTPUT_DIR <dir>])
#
# Converts a trained model with tools/ctinfer-convert at build time into <name>.hpp (in
# OUTPUT_DIR, default ${CMAKE_CURRENT_BINARY_DIR}/ctinfer_models, which is added to the
# target's include path), and adds it to <target>'s sources. It is regenerated when the model
# file or the converter changes. Use it as
#
#   #include "<name>.hpp"
#   ctinfer::Model<<name>::model> m{<name>::params};
#
# WEIGHTS_TU writes the weights into <name>_weights.cpp, compiled into <target> once, and only
# declares them in the header: for large models (compile time, compiler memory). BLOB also
# writes the weights as a ctinfer blob (ctinfer::load_blob). The converter runs with
# CTINFER_PYTHON (default: /usr/bin/python3, which sees Debian's python3-onnx and numpy).

# Installed: <package dir>/tools/ctinfer-convert; in the source tree: <repo>/tools/ctinfer-convert.
if(EXISTS "${CMAKE_CURRENT_LIST_DIR}/tools/ctinfer-convert")
  set(_ctinfer_convert "${CMAKE_CURRENT_LIST_DIR}/tools/ctinfer-convert")
else()
  get_filename_component(_ctinfer_convert "${CMAKE_CURRENT_LIST_DIR}/../tools/ctinfer-convert" ABSOLUTE)
endif()
set(CTINFER_CONVERT "${_ctinfer_convert}" CACHE FILEPATH
    "ctinfer-convert, the model converter used by ctinfer_add_model()")
if(NOT CTINFER_PYTHON)
  if(EXISTS /usr/bin/python3)
    set(_ctinfer_python /usr/bin/python3)
  else()
    find_program(_ctinfer_python NAMES python3 REQUIRED)
  endif()
  set(CTINFER_PYTHON "${_ctinfer_python}" CACHE FILEPATH
      "Python 3 with the onnx and numpy modules, for ctinfer_add_model()")
endif()

function(ctinfer_add_model target)
  cmake_parse_arguments(ARG "WEIGHTS_TU" "MODEL;NAME;ELEMENT;INPUT_SHAPE;SEQUENCE_LENGTH;BLOB;OUTPUT_DIR" "" ${ARGN})
  if(NOT TARGET ${target})
    message(FATAL_ERROR "ctinfer_add_model: '${target}' is not a target")
  endif()
  if(NOT ARG_MODEL OR NOT ARG_NAME)
    message(FATAL_ERROR "ctinfer_add_model(${target} ...): MODEL <file> and NAME <name> are required")
  endif()
  if(ARG_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "ctinfer_add_model(${target} ...): unknown arguments ${ARG_UNPARSED_ARGUMENTS}")
  endif()
  get_filename_component(model "${ARG_MODEL}" ABSOLUTE)
  if(NOT EXISTS "${model}")
    message(FATAL_ERROR "ctinfer_add_model(${target} ...): model file ${model} does not exist")
  endif()
  set(dir "${ARG_OUTPUT_DIR}")
  if(NOT dir)
    set(dir "${CMAKE_CURRENT_BINARY_DIR}/ctinfer_models")
  endif()
  set(header "${dir}/${ARG_NAME}.hpp")
  set(outputs "${header}")
  set(args "${model}" --name ${ARG_NAME} -o "${header}")
  if(ARG_WEIGHTS_TU)
    set(cpp "${dir}/${ARG_NAME}_weights.cpp")
    list(APPEND outputs "${cpp}")
    list(APPEND args --weights-cpp "${cpp}")
  endif()
  if(ARG_ELEMENT)
    list(APPEND args --element ${ARG_ELEMENT})
  endif()
  if(ARG_INPUT_SHAPE)
    list(APPEND args --input-shape ${ARG_INPUT_SHAPE})
  endif()
  if(ARG_SEQUENCE_LENGTH)
    list(APPEND args --sequence-length ${ARG_SEQUENCE_LENGTH})
  endif()
  if(ARG_BLOB)
    get_filename_component(blob "${ARG_BLOB}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
    list(APPEND outputs "${blob}")
    list(APPEND args --blob "${blob}")
  endif()
  get_filename_component(convert "${CTINFER_CONVERT}" ABSOLUTE)
  get_filename_component(tools "${convert}" DIRECTORY)
  file(GLOB converter_sources "${tools}/ctinfer_convert/*.py")
  add_custom_command(OUTPUT ${outputs}
    COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
    COMMAND "${CTINFER_PYTHON}" "${convert}" ${args}
    DEPENDS "${model}" "${convert}" ${converter_sources}
    COMMENT "ctinfer-convert ${ARG_MODEL} -> ${ARG_NAME}.hpp"
    VERBATIM)
  target_sources(${target} PRIVATE ${outputs})
  target_include_directories(${target} PRIVATE "${dir}")
endfunction()
