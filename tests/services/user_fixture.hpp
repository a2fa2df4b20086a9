// A user row for the service tests that need accounts of given roles and scopes (sectors,
// referents), without going through Accounts (no password hashing).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

#include "store/database.hpp"

namespace maillage::testing {

/// Inserts an active user; `departement` and `region` ("" for none) become its scope.
inline std::int64_t insert_user(store::Database& db, const std::string& login,
                                const std::string& name, const std::string& role,
                                const std::string& departement, const std::string& region = "") {
  std::int64_t id = 0;
  auto st = db.transact([&](store::Tx& tx) -> Status {
    auto r = tx.query(
        "INSERT INTO users (login, display_name, password_hash, role, created_at, updated_at) "
        "VALUES ($1, $2, 'x', $3, 'T', 'T') RETURNING id",
        {login, name, role});
    if (!r) return tl::unexpected(r.error());
    id = r->rows.at(0).integer(0);
    if (!departement.empty()) {
      auto d = tx.exec("INSERT INTO user_departements (user_id, departement) VALUES ($1, $2)",
                       {id, departement});
      if (!d) return tl::unexpected(d.error());
    }
    if (!region.empty()) {
      auto g = tx.exec("INSERT INTO user_regions (user_id, region) VALUES ($1, $2)", {id, region});
      if (!g) return tl::unexpected(g.error());
    }
    return {};
  });
  EXPECT_TRUE(st) << st.error().describe();
  return id;
}

}  // namespace maillage::testing
