# The debug preset turns on CREDITD_SANITIZE: ASan + UBSan for every target, plus libstdc++
# assertions, as the everyday debug build (STYLE.md B.6).
if(CREDITD_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
if(CMAKE_BUILD_TYPE STREQUAL "Debug")
  add_compile_definitions(_GLIBCXX_ASSERTIONS)
endif()
