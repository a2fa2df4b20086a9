# The layer check: fails when a file of src/ (or tools/) includes a header of a layer it must not
# see. Run by `make test` (CTest test `layers`); by hand:
#   cmake -DROOT=. -P cmake/check_layers.cmake
#
# The picture it enforces (README "Layout"; an arrow reads "may include"):
#
#   tools/maillage → app ─┬→ http ──→ services ─┬→ store ───→ common
#                         ├→ demo ──→ services  └→ engines ─→ common
#                         └→ refdata ─────────────→ engines
#   engines: geo access aci registry coverage roster rpps diagnostic office sectors association projet
#   animation survey message
#   (may use each other);
#   http and demo also see the engines, demo the store; app sees every module.
#
# and, for third-party headers: JSON (nlohmann) never in services, except in a repository .cpp
# (<area>_repository.cpp) that stores a JSON column (the roster job result); SQL client headers (sqlite3,
# libpq) only in store and refdata; the HTTP library only in http; spdlog only in common (the
# logging facade), http (access log) and app (sinks).
cmake_minimum_required(VERSION 3.25)
if(NOT ROOT)
  message(FATAL_ERROR "usage: cmake -DROOT=<source tree> -P check_layers.cmake")
endif()

get_filename_component(ROOT "${ROOT}" ABSOLUTE)
set(engines geo access aci registry coverage roster rpps diagnostic office sectors association projet
    animation survey message)
set(allowed_common common)
set(allowed_store common)
set(allowed_refdata common ${engines})
set(allowed_services common ${engines} store)
set(allowed_demo common ${engines} store services)
set(allowed_http common ${engines} services)
set(allowed_app common ${engines} refdata store services demo http app)
set(allowed_tools common app)
foreach(e ${engines})
  set(allowed_${e} common ${engines})
endforeach()

# Third-party headers a layer must not include: regex on the <...> name.
set(forbid_services "^nlohmann/|^sqlite3\\.h|^libpq-fe\\.h|^httplib\\.h|^http_parser\\.h|^spdlog/")
set(forbid_repository "^sqlite3\\.h|^libpq-fe\\.h|^httplib\\.h|^http_parser\\.h|^spdlog/")
set(forbid_demo "^sqlite3\\.h|^libpq-fe\\.h|^httplib\\.h|^http_parser\\.h|^spdlog/")
set(forbid_http "^sqlite3\\.h|^libpq-fe\\.h")
set(forbid_store "^httplib\\.h|^http_parser\\.h|^spdlog/")
set(forbid_engine "^sqlite3\\.h|^libpq-fe\\.h|^httplib\\.h|^http_parser\\.h|^spdlog/")

file(GLOB_RECURSE files RELATIVE ${ROOT} ${ROOT}/src/*.hpp ${ROOT}/src/*.cpp
     ${ROOT}/tools/*.hpp ${ROOT}/tools/*.cpp)
list(SORT files)
set(violations 0)
foreach(f ${files})
  if(f MATCHES "^src/([a-z_]+)/")
    set(layer ${CMAKE_MATCH_1})
  elseif(f MATCHES "^tools/")
    set(layer tools)
  endif()
  if(NOT DEFINED allowed_${layer})
    message(SEND_ERROR "${f}: module `${layer}` has no place in the layer picture (cmake/check_layers.cmake)")
    math(EXPR violations "${violations} + 1")
    continue()
  endif()
  set(forbid "")
  if(f MATCHES "^src/services/[a-z_]+_repository\\.cpp$")
    set(forbid "${forbid_repository}")
  elseif(DEFINED forbid_${layer})
    set(forbid "${forbid_${layer}}")
  elseif(layer IN_LIST engines)
    set(forbid "${forbid_engine}")
  endif()
  file(STRINGS ${ROOT}/${f} lines)
  set(n 0)
  foreach(line IN LISTS lines)
    math(EXPR n "${n} + 1")
    if(line MATCHES "^[ \t]*#[ \t]*include[ \t]*\"([a-z_]+)/([^\"]+)\"")
      set(target ${CMAKE_MATCH_1})
      if(NOT target STREQUAL layer AND NOT target IN_LIST allowed_${layer})
        message("${f}:${n}: includes ${target}/${CMAKE_MATCH_2}: ${layer} may not see ${target}")
        math(EXPR violations "${violations} + 1")
      endif()
    elseif(forbid AND line MATCHES "^[ \t]*#[ \t]*include[ \t]*<([^>]+)>")
      set(header ${CMAKE_MATCH_1})
      if(header MATCHES "${forbid}")
        message("${f}:${n}: includes <${header}>: not in ${layer}")
        math(EXPR violations "${violations} + 1")
      endif()
    endif()
  endforeach()
endforeach()

list(LENGTH files count)
if(violations GREATER 0)
  message(FATAL_ERROR "layers: ${violations} include(s) against the layer picture in ${count} files")
endif()
message("layers: ${count} files, every include within its layer")
