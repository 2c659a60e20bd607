# creditd_embed_text(OUT_CC SYMBOL name INPUT file): generates a .cc defining
# `std::string_view name()` (in namespace creditd::embedded) that returns the file's content.
function(creditd_embed_text out_cc)
  cmake_parse_arguments(ARG "" "SYMBOL;INPUT" "" ${ARGN})
  add_custom_command(
    OUTPUT ${out_cc}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cc} -DSYMBOL=${ARG_SYMBOL} -DINPUT=${ARG_INPUT}
            -P ${CMAKE_SOURCE_DIR}/cmake/EmbedTextScript.cmake
    DEPENDS ${ARG_INPUT} ${CMAKE_SOURCE_DIR}/cmake/EmbedTextScript.cmake
    COMMENT "Embedding ${ARG_INPUT}"
    VERBATIM)
endfunction()
