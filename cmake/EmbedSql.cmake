# creditd_embed_sql(OUT_CC NAMESPACE ns HEADER declaring.h FILES a.sql b.sql ...): generates a .cc file holding
# each migration as a (version, name, sql) row, so the binary carries its own schema.
function(creditd_embed_sql out_cc)
  cmake_parse_arguments(ARG "" "NAMESPACE;HEADER" "FILES" ${ARGN})
  add_custom_command(
    OUTPUT ${out_cc}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cc} -DNS=${ARG_NAMESPACE} -DHEADER=${ARG_HEADER} "-DFILES=${ARG_FILES}"
            -P ${CMAKE_SOURCE_DIR}/cmake/EmbedSqlScript.cmake
    DEPENDS ${ARG_FILES} ${CMAKE_SOURCE_DIR}/cmake/EmbedSqlScript.cmake
    COMMENT "Embedding SQL migrations into ${out_cc}"
    VERBATIM)
endfunction()
