// The numbered migrations of each backend, embedded at build time from
// src/store/migrations/{sqlite,postgres}/NNNN_name.sql (see embed_migrations.cmake).
#pragma once

#include <span>

#include "store/database.hpp"

namespace maillage::store::detail {

struct Migration {
  int version;       // NNNN of the file name; versions run 1, 2, 3, ... without gaps
  const char* name;  // the rest of the file name, e.g. "accounts"
  const char* sql;   // the whole file, several statements
};

// In version order.
std::span<const Migration> migrations(Backend backend);

}  // namespace maillage::store::detail
