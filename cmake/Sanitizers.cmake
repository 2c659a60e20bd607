# The debug preset turns on CREDITD_SANITIZE: ASan + UBSan for every target, plus libstdc++
# assertions, as the everyday debug build (STYLE.md B.6). The fuzz preset's CREDITD_FUZZ takes
# the same sanitizers, aborting on the first finding so libFuzzer records it as a crash.
if(CREDITD_SANITIZE OR CREDITD_FUZZ)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
# The tsan preset turns on CREDITD_TSAN instead: ThreadSanitizer, for concurrency_test only.
if(CREDITD_TSAN)
  if(CREDITD_SANITIZE OR CREDITD_FUZZ)
    message(FATAL_ERROR "CREDITD_TSAN cannot be combined with ASan (CREDITD_SANITIZE/CREDITD_FUZZ)")
  endif()
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
if(CMAKE_BUILD_TYPE STREQUAL "Debug")
  add_compile_definitions(_GLIBCXX_ASSERTIONS)
endif()

# CREDITD_FUZZ (clang only) adds libFuzzer's coverage instrumentation (fuzzer-no-link) to every
# target. Only the executables of tests/fuzz link libFuzzer itself (-fsanitize=fuzzer, which
# brings its main()).
if(CREDITD_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "CREDITD_FUZZ needs clang for libFuzzer: cmake --preset fuzz")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
