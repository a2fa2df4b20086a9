// RPPS snapshots: importing the open extract (PS_LibreAcces_Personne_activite_*.txt) into the
// database, and the read API of the territorial diagnostic.
//
// An import reads the whole file first (src/rpps: streaming reader, bad-line report, the
// once-per-site / FTE-split rule), then writes ONE transaction: the snapshot row, one row per
// person × profession × site (rpps_activities), the per-commune aggregates and the labels, and an
// audit entry. Nothing is half-imported. Every import adds a snapshot; older ones are kept with
// their date, so that changes between two snapshots can be shown. Snapshots are ordered by
// extract date (from the file name, else the import date), then by id.
//
// The open extract carries no date of birth: the share of GPs aged 60 or more cannot be derived
// from it (an age file would be another import).
//
// Communes are checked against the référentiel; a site whose commune code is empty is placed in
// the most populated commune that has its postcode (documented approximation). A municipal
// arrondissement code (Paris, Lyon, Marseille) is kept as such.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "geo/referentiel.hpp"
#include "rpps/extract.hpp"
#include "rpps/generator.hpp"

namespace maillage::store {
class Database;
class Tx;
}

namespace maillage::services {

struct RppsSnapshot {
  std::int64_t id = 0;
  std::string imported_at;   // UTC timestamp of the import
  std::string imported_by;   // login, or "system"
  std::string source_file;   // base name of the imported file
  std::string extract_date;  // "YYYY-MM-DD" from the file name, "" when it has none
  bool fictitious = false;   // generated (demo, tests)
  std::int64_t bytes = 0;
  std::int64_t data_lines = 0;
  std::int64_t activities = 0;  // person × profession × site rows
  std::int64_t persons = 0;
  std::int64_t duplicate_lines = 0;
  std::int64_t skipped_lines = 0;  // no address, abroad
  std::int64_t bad_lines = 0;
  std::int64_t from_postcode = 0;
  std::string bad_by_reason;  // JSON object reason id → count
  // The date the snapshot stands for: extract_date, else the day of imported_at.
  [[nodiscard]] std::string date() const;
};

struct RppsImportOptions {
  std::string user = "system";  // for the audit log and imported_by
  bool fictitious = false;
  std::string extract_date;  // overrides the date read from the file name ("YYYY-MM-DD")
  std::size_t max_reported_bad_lines = 1000;
  std::function<void(std::uint64_t bytes_read, std::uint64_t total_bytes)> progress;
  /// The name the snapshot records (and dates it by) when the file on disk has another one (an
  /// upload waiting under a server-chosen name); "" = the path's own name.
  std::string source_name;
  /// Runs inside the import's transaction, after the snapshot is written (the background import
  /// marks its job done there, so that the snapshot and the job's report commit together).
  std::function<Status(store::Tx&, const RppsSnapshot&, const rpps::ReadSummary&)> in_transaction;
};

struct RppsImportReport {
  RppsSnapshot snapshot;
  rpps::ReadSummary read;  // counts by reason and the first bad lines (line number + reason)
};

// Imports an extract file. Fails (nothing written) on an unreadable file or a wrong header, and
// with invalid_input when no line of the file is usable. Bad lines are reported, not fatal.
Result<RppsImportReport> import_rpps_file(store::Database& db, const geo::Referentiel& ref,
                                          const std::string& path,
                                          const RppsImportOptions& options = {});
// Same with the text in memory; `file_name` is what the snapshot records (and dates it).
Result<RppsImportReport> import_rpps_text(store::Database& db, const geo::Referentiel& ref,
                                          const std::string& file_name, std::string_view text,
                                          const RppsImportOptions& options = {});

// Every snapshot, newest first.
Result<std::vector<RppsSnapshot>> list_rpps_snapshots(store::Database& db);
// The newest `count` snapshots, newest first (fewer when fewer exist).
Result<std::vector<RppsSnapshot>> latest_rpps_snapshots(store::Database& db, int count);
// One snapshot (not_found when absent).
Result<RppsSnapshot> rpps_snapshot(store::Database& db, std::int64_t id);

// Presence and FTE of one commune × profession × savoir-faire × field in a snapshot.
struct RppsCommuneCount {
  std::string commune;
  std::string profession;             // Code profession ("10" médecin, "60" infirmier...)
  std::string savoir_faire;           // Code savoir-faire ("SM54"...; "" when none)
  bool general_practitioner = false;  // profession 10 with SM26/SM53/SM54
  bool ambulatory = false;      // office-based field (libéral, centre de santé, cabinet): see
                                // rpps::is_ambulatory
  std::int64_t activities = 0;  // presence: one per person and site
  std::int64_t persons = 0;     // distinct people with a site in the commune
  double fte = 0;               // sum of each person's 1/(number of sites)
};

// Counts of a snapshot for the given communes (all communes when `communes` is empty: the
// national table, a few hundred thousand rows at most), sorted by commune, profession,
// savoir-faire. Summing `fte` over communes gives each person exactly once.
Result<std::vector<RppsCommuneCount>> rpps_counts_by_commune(
    store::Database& db, std::int64_t snapshot_id, const std::vector<std::string>& communes = {});

// One person present at a site in a commune (for arrivals and departures).
struct RppsPresence {
  std::string rpps;
  std::string profession;
  std::string savoir_faire;
  bool general_practitioner = false;
  bool ambulatory = false;
  std::string commune;
  double fte = 0;
};

// Who has at least one site in these communes at a snapshot (all communes when empty), with
// one row per site; `profession` "" for every profession, "MG" for general practitioners only.
Result<std::vector<RppsPresence>> rpps_presence(store::Database& db, std::int64_t snapshot_id,
                                                const std::vector<std::string>& communes,
                                                std::string_view profession = {});

// People (by RPPS id and profession) present in the territory in one snapshot and not the other.
// A person who moved from one commune of the territory to another is neither.
struct RppsPersonChange {
  std::string rpps;
  std::string profession;
  bool general_practitioner = false;
  std::vector<std::string> communes;  // where they were (left) or are (arrived), sorted
  double fte = 0;                     // their FTE inside the territory
};
struct RppsChanges {
  std::int64_t old_snapshot = 0;
  std::int64_t new_snapshot = 0;
  std::vector<RppsPersonChange> arrived;
  std::vector<RppsPersonChange> left;
};
Result<RppsChanges> rpps_changes_between(store::Database& db, std::int64_t old_snapshot,
                                         std::int64_t new_snapshot,
                                         const std::vector<std::string>& communes,
                                         std::string_view profession = {});

// Labels of the codes as published in a snapshot: kind "profession" or "savoir_faire".
struct RppsLabel {
  std::string kind;
  std::string code;
  std::string label;
};
Result<std::vector<RppsLabel>> rpps_labels(store::Database& db, std::int64_t snapshot_id);

// The communes of a département as the generator wants them (code, name, first postcode,
// population); not_found when the référentiel does not have the département.
Result<std::vector<rpps::GeneratorCommune>> rpps_generator_communes(const geo::Referentiel& ref,
                                                                    std::string_view departement);

// The commune lookup of the référentiel used by the import (exposed for the CLI and tests):
// known communes (and arrondissements) and postcode → most populated commune with it.
class RppsCommuneIndex {
 public:
  explicit RppsCommuneIndex(const geo::Referentiel& ref);
  [[nodiscard]] rpps::CommuneLookup lookup() const;

 private:
  const geo::Referentiel& ref_;
  std::vector<std::pair<std::string, std::string>> by_postcode_;  // sorted postcode → commune
};

}  // namespace maillage::services
