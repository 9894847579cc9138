# EmbedSql.cmake: turns the numbered migration files of one store into a generated C++ source, so no file on disk
# can drift from the binary that applies it.
# csmsd_embed_migrations(OUT [DIR migrations/postgres] [STORE postgres]): STORE names the store's directory under
# daemon/store/ and its namespace (sqlite when omitted).
function(csmsd_embed_migrations out_cpp)
  cmake_parse_arguments(EMBED "" "DIR;STORE" "" ${ARGN})
  if(NOT EMBED_DIR)
    set(EMBED_DIR migrations)
  endif()
  if(NOT EMBED_STORE)
    set(EMBED_STORE sqlite)
  endif()
  file(GLOB migration_files CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/${EMBED_DIR}/*.sql)
  list(SORT migration_files)
  add_custom_command(
    OUTPUT ${out_cpp}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out_cpp} "-DFILES=${migration_files}" -DSTORE=${EMBED_STORE}
            -P ${PROJECT_SOURCE_DIR}/cmake/EmbedSqlScript.cmake
    DEPENDS ${migration_files} ${PROJECT_SOURCE_DIR}/cmake/EmbedSqlScript.cmake
    COMMENT "embedding ${EMBED_STORE} SQL migrations"
    VERBATIM)
endfunction()
