# cmake -DSRC=<dir> -DOUT=<file.cpp> -DLABEL=<rules/x> -DHEADER=<mod/file.hpp> -DNAMESPACE=<ns>
#       -DFUNCTION=<name> -P embed_toml.cmake
# Embeds DIR/*.toml into a generated .cpp defining `std::span<const RulesFile> NAMESPACE::FUNCTION()`
# (declared in HEADER), so the binary works without the source tree. Files are named
# "LABEL/<name>.toml" in messages. Used by src/aci (rules/aci) and src/registry (rules/lifecycle).
file(GLOB files RELATIVE ${SRC} ${SRC}/*.toml)
list(SORT files)
set(body "// Generated from ${LABEL} by cmake/embed_toml.cmake: do not edit.\n")
string(APPEND body "#include \"${HEADER}\"\n\nnamespace ${NAMESPACE} {\n\n")
string(APPEND body "std::span<const RulesFile> ${FUNCTION}() {\n")
string(APPEND body "  static const RulesFile files[] = {\n")
foreach(f ${files})
  file(READ ${SRC}/${f} text)
  if(text MATCHES "\\)maillage_toml\"")
    message(FATAL_ERROR "${SRC}/${f}: contains the raw string delimiter")
  endif()
  string(APPEND body "      {\"${LABEL}/${f}\", R\"maillage_toml(${text})maillage_toml\"},\n")
endforeach()
string(APPEND body "  };\n  return files;\n}\n\n}  // namespace ${NAMESPACE}\n")
# Rewrite only when the content changed, so that unchanged files rebuild nothing.
if(EXISTS ${OUT})
  file(READ ${OUT} old)
  if(old STREQUAL body)
    return()
  endif()
endif()
file(WRITE ${OUT} "${body}")
