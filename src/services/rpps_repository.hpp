// The SQL of RPPS snapshots: the snapshot rows, the activities, per-commune counts and labels of
// each snapshot. Reads go through the read pool (store::Database); the import's writes take the
// caller's transaction (store::Tx), so that rpps.cpp keeps the reading, checks, the one
// transaction and the audit. Rows are mapped by column name.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "services/rpps.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::rpps {
class SnapshotBuilder;
}

namespace maillage::services {

class RppsRepository {
 public:
  explicit RppsRepository(store::Database& db) : db_(db) {}

  /// Snapshots newest first (extract date, else import date, then id); the first `limit` only
  /// when given.
  Result<std::vector<RppsSnapshot>> snapshots(std::optional<int> limit = std::nullopt);
  Result<std::optional<RppsSnapshot>> snapshot(std::int64_t id);
  /// Count rows of a snapshot for these communes (all when empty), unsorted;
  /// general_practitioner is left to the caller.
  Result<std::vector<RppsCommuneCount>> commune_counts(std::int64_t snapshot_id,
                                                       const std::vector<std::string>& communes);
  /// Activity rows of a snapshot for these communes (all when empty), unsorted; `profession`
  /// "" for every profession, "MG" for general practitioners only.
  Result<std::vector<RppsPresence>> presence(std::int64_t snapshot_id,
                                             const std::vector<std::string>& communes,
                                             std::string_view profession);
  Result<std::vector<RppsLabel>> labels(std::int64_t snapshot_id);

  /// Writes the snapshot row (its id is ignored), its activities, counts and labels; returns
  /// the new snapshot id.
  static Result<std::int64_t> insert_snapshot(store::Tx& tx, const RppsSnapshot& s,
                                              const rpps::SnapshotBuilder& builder);

 private:
  store::Database& db_;
};

}  // namespace maillage::services
