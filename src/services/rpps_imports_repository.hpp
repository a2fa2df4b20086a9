// The SQL of RPPS imports from the browser (table rpps_imports, migration 0016): the job rows,
// their claim by the runner, progress and report. Writes take the caller's transaction; reads go
// through the read pool. The report's lists are stored as JSON text and read back typed here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/rpps_imports.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

/// What the runner needs of a job.
struct RppsImportFile {
  std::int64_t id = 0;
  std::string file_name;
  std::string stored_file;
  std::string queued_by;
};

class RppsImportRepository {
 public:
  explicit RppsImportRepository(store::Database& db) : db_(db) {}

  Result<std::optional<RppsImportJob>> job(std::int64_t id);
  Result<std::vector<RppsImportJob>> jobs(int limit);
  /// Jobs of a status, oldest first, with their files.
  Result<std::vector<RppsImportFile>> files(const std::string& status);

  /// Whether a job is queued or running.
  static Result<bool> any_active(store::Tx& tx);
  Result<bool> active();
  static Result<std::int64_t> insert(store::Tx& tx, const std::string& file_name,
                                     const std::string& stored_file, std::int64_t bytes_total,
                                     const std::string& queued_by);
  /// queued → running; false when another runner was first.
  static Result<bool> claim(store::Tx& tx, std::int64_t id);
  static Status progress(store::Tx& tx, std::int64_t id, std::int64_t bytes_read,
                         const std::string& step);
  /// running → done, with the snapshot and the report.
  static Status finish(store::Tx& tx, std::int64_t id, const RppsSnapshot& s,
                       const rpps::ReadSummary& read, std::size_t reported_bad_lines);
  static Status fail(store::Tx& tx, std::int64_t id, const std::string& message);

 private:
  store::Database& db_;
};

}  // namespace maillage::services
