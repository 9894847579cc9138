# EmbedSql.cmake: turns the numbered migrations/*.sql files into a generated C++ source, so no file on disk can
# drift from the binary that applies it.
function(csmsd_embed_migrations out_cpp)
  file(GLOB migration_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/migrations/*.sql)
  list(SORT migration_files)
  add_custom_command(
    OUTPUT ${out_cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} "-DFILES=${migration_files}"
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedSqlScript.cmake
    DEPENDS ${migration_files} ${PROJECT_SOURCE_DIR}/cmake/EmbedSqlScript.cmake
    COMMENT "embedding SQL migrations"
    VERBATIM)
endfunction()
