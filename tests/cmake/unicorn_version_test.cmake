# cmake -DMODULE=cmake/UnicornVersion.cmake -P unicorn_version_test.cmake
# goboot_check_unicorn_version on fake version strings: each must be refused (with its
# reason), warned about, or accepted silently. Each case runs in its own cmake -P,
# because a refusal is a FATAL_ERROR. With -DVERSION=V it is that one case.
cmake_minimum_required(VERSION 3.18)
if(DEFINED VERSION)
  include(${MODULE})
  goboot_check_unicorn_version("${VERSION}")
  return()
endif()

# version|outcome|a regular expression the message must match
set(cases
  "2.0.1|refused|>= 2.1.1, found 2.0.1.*slow path"
  "2.1.0|refused|>= 2.1.1, found 2.1.0"
  "1.0.3|refused|>= 2.1.1, found 1.0.3"
  "2.1.1|accepted|"
  "2.1.2|warned|2.1.2 was never measured"
  "2.1.3|warned|2.1.3 was never measured"
  "2.1.4|refused|refuses Unicorn 2.1.4: .*18x slower"
  "2.1.4.1|refused|refuses Unicorn 2.1.4.1"
  "2.1.5|warned|2.1.5 was never measured"
  "2.2.0|warned|2.2.0 was never measured")
set(fails 0)
foreach(c IN LISTS cases)
  string(REPLACE "|" ";" f "${c}")
  list(GET f 0 version)
  list(GET f 1 want)
  list(LENGTH f n)
  set(pattern "")
  if(n GREATER 2)
    list(GET f 2 pattern)
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -DMODULE=${MODULE} -DVERSION=${version}
                          -P ${CMAKE_CURRENT_LIST_FILE}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REGEX REPLACE "[ \n]+" " " msg "${out}${err}") # CMake wraps long messages
  if(NOT rc EQUAL 0)
    set(got refused)
  elseif(msg MATCHES "Warning")
    set(got warned)
  else()
    set(got accepted)
  endif()
  if(got STREQUAL want AND (pattern STREQUAL "" OR msg MATCHES "${pattern}"))
    message("ok   ${version}: ${got}")
  else()
    message("FAIL ${version}: ${got}, want ${want} matching '${pattern}':\n${out}${err}")
    math(EXPR fails "${fails} + 1")
  endif()
endforeach()
if(fails)
  message(FATAL_ERROR "${fails} case(s) failed")
endif()
