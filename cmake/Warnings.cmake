# creditd_set_warnings(target): the project's warning set, PRIVATE to each target (STYLE.md B.6).
function(creditd_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion -Wold-style-cast
    -Wnon-virtual-dtor -Woverloaded-virtual -Wcast-qual -Wformat=2 -Wimplicit-fallthrough
    -Wmissing-declarations -Wundef -Wnull-dereference -Wextra-semi)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${target} PRIVATE -Wduplicated-cond -Wlogical-op)
  elseif(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    target_compile_options(${target} PRIVATE -Wshadow-all -Wthread-safety)
  endif()
  if(CREDITD_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
