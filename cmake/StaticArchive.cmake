# goboot_prefer_static_archive(TARGET ARCHIVE DIRS OPTION DEPS...): when OPTION is on and
# the build is not a sanitizer or fuzz build, point the imported pkg-config TARGET at
# ARCHIVE (found in DIRS) plus DEPS, so every user links the static copy. Start-up time
# is why (no dynamic load and relocation); sanitizer/fuzz builds keep the shared library
# (their LSan suppressions name modules).
function(goboot_prefer_static_archive target archive dirs option)
  if(NOT ${option} OR GOBOOT_SANITIZE OR GOBOOT_FUZZ)
    return()
  endif()
  find_library(GOBOOT_ARCHIVE_${option} NAMES ${archive} HINTS ${dirs})
  if(GOBOOT_ARCHIVE_${option})
    set_target_properties(${target} PROPERTIES
      INTERFACE_LINK_LIBRARIES "${GOBOOT_ARCHIVE_${option}};${ARGN}"
      INTERFACE_LINK_DIRECTORIES ""
      INTERFACE_LINK_OPTIONS "")
    message(STATUS "goboot: ${target} linked statically (${GOBOOT_ARCHIVE_${option}})")
  endif()
endfunction()
