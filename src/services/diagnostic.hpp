// The territorial diagnostic as a use case: for a set of communes (an explicit list, an EPCI, or
// a structure's territory from structure_communes) it gathers the référentiel populations, the
// latest RPPS snapshot (and the previous one), the accessibility of every commune and the
// structures present, and runs the diagnostic engine (src/diagnostic).
//
// What does not change between requests is computed once per RPPS snapshot and kept: the supply
// of every commune, the département / région / France aggregates and the national accessibility
// map (E2SFCA over every commune of France, so that a territory's accessibility counts the
// doctors and the competing demand beyond its borders). A request then only sums its communes.
// The cache is rebuilt when a newer snapshot appears (checked with one small query per request).
//
// Scope: the diagnostic uses public data (INSEE populations, the open RPPS extract), so every
// signed-in role may compute one for any communes or EPCI. A structure's territory follows the
// registry's read scope (services::covers_structure: admin and observer everything, ROC its
// départements, ARS and chargé de mission their régions, coordinator and member their own
// structures); outside it the answer is forbidden. The structures present in a territory are
// listed with their kind and name (public facts); their stage only when the caller's scope
// covers them.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/error.hpp"
#include "diagnostic/accessibility.hpp"
#include "diagnostic/diagnostic.hpp"
#include "geo/referentiel.hpp"
#include "services/auth.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

/// An RPPS snapshot as the diagnostic names it in its sources.
struct SnapshotRef {
  std::int64_t id = 0;
  std::string extract_date;  ///< date of the extract ("2026-06-01"), "" when unknown
  std::string imported_at;   ///< UTC timestamp of the import
  std::string source;        ///< file name
};

/// Supply of one profession in one commune at one snapshot.
struct CommuneSupplyRow {
  std::string commune;     ///< INSEE code (arrondissements are counted in their commune)
  std::string profession;  ///< diagnostic::profession_key()
  diagnostic::Supply supply;
};

/// One professional present at a site of a commune at one snapshot.
struct PersonRow {
  std::string commune;
  diagnostic::Person person;
};

/// Where the professionals come from: the RPPS snapshots (diagnostic_rpps.cpp reads them through
/// services/rpps.hpp); tests and the benchmark give their own.
class SupplySource {
 public:
  virtual ~SupplySource() = default;
  /// The newest snapshots, newest first, at most `count`.
  virtual Result<std::vector<SnapshotRef>> latest(int count) = 0;
  /// Every commune's supply at a snapshot (national: the cache's input).
  virtual Result<std::vector<CommuneSupplyRow>> commune_supply(std::int64_t snapshot) = 0;
  /// Who is present in these communes at a snapshot (for arrivals and departures).
  virtual Result<std::vector<PersonRow>> people(std::int64_t snapshot,
                                                const std::vector<std::string>& communes) = 0;
};

/// The RPPS snapshots of the database (diagnostic_rpps.cpp).
std::shared_ptr<SupplySource> rpps_supply_source(store::Database& db);

struct DiagnosticSettings {
  diagnostic::AccessParameters access;  ///< the accessibility map's method
  double threshold = 2.5;               ///< default under-served threshold
  std::size_t max_communes = 5000;      ///< largest explicit selection accepted
};

/// What to diagnose: exactly one of the three.
struct DiagnosticSelection {
  std::vector<std::string> communes;    ///< INSEE codes
  std::string epci;                     ///< SIREN
  std::optional<std::int64_t> structure;
};

struct DiagnosticReport {
  std::string title;         ///< "Metz Métropole", "CPTS … (fictive)", "3 communes"
  std::string kind;          ///< "communes", "epci", "structure"
  std::string value;         ///< the selection as given ("57463,57480", "200039865", "12")
  std::vector<std::string> commune_codes;  ///< the territory, sorted
  std::vector<std::string> departements;   ///< départements of its communes (for the map)
  diagnostic::Diagnostic result;
  std::optional<SnapshotRef> snapshot;     ///< none when no RPPS extract was imported
  std::optional<SnapshotRef> previous;
  diagnostic::AccessParameters access;
  double threshold = 2.5;
  std::size_t access_pairs = 0;   ///< national OD pairs of the accessibility map
  /// Départements where the current snapshot has any professional, and all of them: an extract
  /// of one département (the demo) makes the région and France comparisons partial.
  std::size_t departements_with_supply = 0;
  std::size_t departements_total = 0;
  double cache_build_ms = 0;      ///< time the current cache took to build
  double compute_ms = 0;          ///< time of this diagnostic (cache excluded when warm)
};

/// A structure with a territory, for the selection form.
struct StructureChoice {
  std::int64_t id = 0;
  std::string kind;
  std::string name;
};

class Diagnostics {
 public:
  Diagnostics(store::Database& db, const geo::Referentiel& ref,
              std::shared_ptr<SupplySource> source, DiagnosticSettings settings = {});
  ~Diagnostics();
  Diagnostics(const Diagnostics&) = delete;
  Diagnostics& operator=(const Diagnostics&) = delete;

  /// Computes a diagnostic. `threshold` overrides the default under-served threshold.
  /// Errors: invalid_input (no or several selections, bad codes, too many communes, empty
  /// territory, bad threshold), not_found (EPCI or structure), forbidden (structure outside the
  /// caller's scope).
  Result<DiagnosticReport> diagnose(const Principal& who, const DiagnosticSelection& selection,
                                    std::optional<double> threshold = std::nullopt);

  /// Structures with a territory that `who` may diagnose, by name.
  Result<std::vector<StructureChoice>> structures(const Principal& who);

  /// Drops the cache (the next diagnostic rebuilds it); imports call it, the snapshot check
  /// would catch them anyway.
  void invalidate();

  [[nodiscard]] const DiagnosticSettings& settings() const { return settings_; }

 private:
  struct Cache;
  Result<std::shared_ptr<const Cache>> cache();
  Result<std::shared_ptr<const Cache>> build_cache(std::vector<SnapshotRef> snapshots);

  store::Database& db_;
  const geo::Referentiel& ref_;
  std::shared_ptr<SupplySource> source_;
  DiagnosticSettings settings_;
  std::unordered_map<std::string, std::string> stage_labels_;  // "CPTS/aci_signe" → "ACI signé"
  std::mutex mutex_;  // guards cache_ and serialises rebuilds
  std::shared_ptr<const Cache> cache_;
};

}  // namespace maillage::services
