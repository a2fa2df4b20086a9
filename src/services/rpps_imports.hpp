// RPPS imports from the browser and the changes between two snapshots.
//
// An upload (the HTTP layer streams it to a file) is queued as a job row (rpps_imports: queued,
// running, done, failed) after a quick check of its header line; a runner thread of the server
// claims the queued job, imports the file with services/rpps.hpp (reading, then one transaction)
// writing the bytes read as it goes, and stores the report (counts, bad lines by reason, the first
// bad lines with their numbers) in the same transaction as the snapshot. ONE import at a time: a
// second upload while one is queued or running is refused (conflict). The file waits on the disk
// of the server that received it: one server process runs the imports (a job whose file is not on
// this server's disk is not claimed; at start, jobs left running by a stopped server fail).
//
// Who: admin and ROC. The RPPS extract is national open data (one snapshot serves every
// département), so a ROC's import is everyone's snapshot; the audit log records who imported
// what. Changes between two snapshots are read for a département (any: the data is public) or
// for the territory of a structure the caller may read.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "geo/referentiel.hpp"
#include "services/auth.hpp"
#include "services/rpps.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

class Territories;
class Diagnostics;

struct RppsImportSettings {
  /// Where queued extracts wait (created when missing). Empty: imports are refused.
  std::string folder;
  /// How often an idle runner looks for queued jobs (a job queued by this process wakes it).
  std::chrono::milliseconds poll_interval{1000};
  /// First bad lines kept in a job's report.
  std::size_t reported_bad_lines = 200;
  /// The bytes read are written to the job row at most this often.
  std::chrono::milliseconds progress_interval{250};
};

struct RppsBadLineReport {
  std::int64_t line = 0;
  std::string reason;        // rpps::bad_reason_id
  std::string reason_label;  // French
  std::string detail;        // French, names the field and value
};

struct RppsReasonCount {
  std::string reason;
  std::string label;
  std::int64_t count = 0;
};

struct RppsImportJob {
  std::int64_t id = 0;
  std::string status;  // queued, running, done, failed
  std::string step;    // while running: "lecture" (reading the file), "enregistrement" (writing)
  std::string file_name;
  std::int64_t bytes_total = 0;
  std::int64_t bytes_read = 0;
  std::string queued_by, queued_at, started_at, finished_at;
  std::int64_t snapshot_id = 0;  // 0 until done (or when the snapshot was deleted)
  std::string message;           // why it failed
  // The report (done).
  std::int64_t data_lines = 0, activities = 0, persons = 0, duplicate_lines = 0,
               skipped_lines = 0, bad_lines = 0, from_postcode = 0;
  std::vector<RppsReasonCount> bad_by_reason;
  std::vector<RppsBadLineReport> first_bad_lines;
  [[nodiscard]] bool finished() const { return status == "done" || status == "failed"; }
};

/// The territory of a change report: a département, or a structure's territory.
struct RppsTerritoryChoice {
  std::string departement;
  std::int64_t structure_id = 0;
};

/// Arrivals and departures for one commune × profession.
struct RppsChangeCount {
  std::string commune;
  std::string commune_name;
  std::string profession;  // code, or "MG" for general practitioners (médecins, SM26/53/54)
  std::string profession_label;
  std::int64_t arrived = 0;
  std::int64_t left = 0;
};

/// One person who arrived in or left the territory (by RPPS id and profession).
struct RppsChangePerson {
  bool arrived = false;  // false: left
  std::string rpps;
  std::string profession;
  std::string profession_label;
  bool general_practitioner = false;
  std::vector<std::string> communes;  // where they were (left) or are (arrived), sorted
  std::vector<std::string> commune_names;
  double fte = 0;  // their FTE inside the territory
};

struct RppsChangesReport {
  RppsSnapshot old_snapshot;
  RppsSnapshot new_snapshot;
  std::string territory;  // "Ardennes (08)", "CPTS … (territoire)"
  std::size_t communes = 0;
  std::string profession;  // the filter ("" every profession)
  std::int64_t arrived = 0, left = 0;
  std::vector<RppsChangeCount> counts;    // by commune name, then profession
  std::vector<RppsChangePerson> people;  // by commune, profession, RPPS id
};

class RppsImports {
 public:
  RppsImports(store::Database& db, const geo::Referentiel& ref, Territories& territories,
              Diagnostics* diagnostics, RppsImportSettings settings);
  ~RppsImports();  // stops the runner
  RppsImports(const RppsImports&) = delete;
  RppsImports& operator=(const RppsImports&) = delete;

  /// Queues the uploaded file `uploaded` (moved into the settings' folder: the caller's copy is
  /// gone on success) under the user's file name. invalid_input when it is not an RPPS extract
  /// (its header line is checked now), conflict when an import is queued or running.
  Result<RppsImportJob> enqueue(const Principal& who, std::string_view file_name,
                                const std::string& uploaded);
  /// Whether `who` may send an extract now (before its bytes are read): forbidden, or conflict
  /// while an import is queued or running. enqueue checks again (two uploads may race).
  Status may_upload(const Principal& who);
  Result<RppsImportJob> job(const Principal& who, std::int64_t id);
  /// The latest imports, newest first.
  Result<std::vector<RppsImportJob>> jobs(const Principal& who, int limit = 20);
  /// Snapshots, newest first.
  Result<std::vector<RppsSnapshot>> snapshots(const Principal& who);
  /// Who arrived and who left between two snapshots, in the territory; `profession` "" for
  /// every profession, "MG" for general practitioners, else a profession code.
  Result<RppsChangesReport> changes(const Principal& who, std::int64_t old_snapshot,
                                    std::int64_t new_snapshot, const RppsTerritoryChoice& where,
                                    std::string_view profession = {});
  /// Professions present in a snapshot (code → label), for the filter.
  Result<std::vector<RppsLabel>> professions(const Principal& who, std::int64_t snapshot);

  /// Claims the oldest queued job whose file is on this server and imports it on the calling
  /// thread; its id, or nullopt when none was queued.
  Result<std::optional<std::int64_t>> run_next();
  /// Jobs left running by a stopped server: failed, their files removed.
  Status recover();

  /// The runner thread (the server starts it; one-shot commands do not).
  void start();
  void notify();
  void stop();

 private:
  void loop();
  Status allowed(const Principal& who) const;

  store::Database& db_;
  const geo::Referentiel& ref_;
  Territories& territories_;
  Diagnostics* diagnostics_;
  RppsImportSettings settings_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool pending_ = false;
  std::thread thread_;
};

}  // namespace maillage::services
