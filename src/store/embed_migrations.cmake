# cmake -DSRC=<migrations dir> -DOUT=<file.cpp> -P embed_migrations.cmake
# Embeds src/store/migrations/{sqlite,postgres}/NNNN_name.sql into a .cpp (see migrations.hpp),
# so that the binary migrates a database without the source tree. Numbers must run 1, 2, 3...
set(body "// Generated from src/store/migrations by embed_migrations.cmake: do not edit.\n")
string(APPEND body "#include \"store/migrations.hpp\"\n\nnamespace maillage::store::detail {\n")
foreach(backend sqlite postgres)
  file(GLOB files RELATIVE ${SRC}/${backend} ${SRC}/${backend}/*.sql)
  list(SORT files)
  set(expected 1)
  string(APPEND body "\nstatic const Migration k_${backend}[] = {\n")
  foreach(f ${files})
    if(NOT f MATCHES "^([0-9][0-9][0-9][0-9])_([a-z0-9_]+)\\.sql$")
      message(FATAL_ERROR "${SRC}/${backend}/${f}: migration names are NNNN_lowercase_name.sql")
    endif()
    set(name ${CMAKE_MATCH_2})
    math(EXPR number "1${CMAKE_MATCH_1} - 10000")
    if(NOT number EQUAL expected)
      message(FATAL_ERROR "${SRC}/${backend}/${f}: expected migration number ${expected}")
    endif()
    math(EXPR expected "${expected} + 1")
    file(READ ${SRC}/${backend}/${f} sql)
    if(sql MATCHES "\\)maillage_sql\"")
      message(FATAL_ERROR "${SRC}/${backend}/${f}: contains the raw string delimiter")
    endif()
    string(APPEND body "    {${number}, \"${name}\", R\"maillage_sql(${sql})maillage_sql\"},\n")
  endforeach()
  if(expected EQUAL 1)
    message(FATAL_ERROR "${SRC}/${backend}: no migration")
  endif()
  string(APPEND body "};\n")
endforeach()
string(APPEND body "
std::span<const Migration> migrations(Backend backend) {
  if (backend == Backend::sqlite) return k_sqlite;
  return k_postgres;
}

}  // namespace maillage::store::detail
")
# Rewrite only when the content changed, so that an unchanged migration set rebuilds nothing.
if(EXISTS ${OUT})
  file(READ ${OUT} old)
  if(old STREQUAL body)
    return()
  endif()
endif()
file(WRITE ${OUT} "${body}")
