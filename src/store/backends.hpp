// Internal to src/store: the two backends behind Database::open.
#pragma once

#include <memory>
#include <vector>
#include <string>

#include "store/database.hpp"

namespace maillage::store::detail {

Result<std::unique_ptr<Database>> open_sqlite(const std::string& path,
                                              const DatabaseOptions& options);
Result<std::unique_ptr<Database>> open_postgres(const std::string& url,
                                                const DatabaseOptions& options);

// Marks that the current thread runs a transaction function of `db`, to refuse nested
// transactions on the same database (they would deadlock on the SQLite writer or escape the
// caller's transaction).
class TxScope {
 public:
  explicit TxScope(const Database* db);
  ~TxScope();
  TxScope(const TxScope&) = delete;
  TxScope& operator=(const TxScope&) = delete;
  static bool active(const Database* db);
};

tl::unexpected<Error> nested_transaction_error();

// Text parameters cannot hold a NUL character (PostgreSQL refuses them); both backends refuse
// them so that the same data goes into both.
Status check_no_nul(std::string_view sql, const Params& params);

// The highest $n placeholder of a statement (outside quotes and comments), 0 when none. Lets
// PostgreSQL refuse extra parameters the way SQLite does.
int max_placeholder(std::string_view sql);

}  // namespace maillage::store::detail
