// Territories of CPTS and the coverage they give: read and replace a territory (optimistic
// versioning on the structure's `version`, audited, with its history), preview and confirm a CSV
// import, export it; coverage of an area (EPCI, département, région, France) per stage filter
// with overlaps, white zones and proposals; the observatory (structures by stage and population
// covered, by département, région and France).
//
// All computing is in src/coverage (pure engine); this service loads the territories from the
// store, checks the caller's scope and writes. Coverage and observatory answers are JSON
// documents because both the API and the French pages (mustache) consume exactly them.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "coverage/coverage.hpp"
#include "coverage/territory.hpp"
#include "coverage/territory_csv.hpp"
#include "coverage/units.hpp"
#include "geo/referentiel.hpp"
#include "registry/lifecycle.hpp"
#include "services/auth.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

struct TerritorySettings {
  std::vector<coverage::SizeClass> size_classes = coverage::default_size_classes();
  std::int64_t proposal_min_population = 40'000;
  /// How long a previewed CSV import waits for its confirmation.
  std::int64_t import_ttl_seconds = 3600;
  /// Former communes (communes déléguées / associées) for the CSV import: given, or read once
  /// from `former_communes_file` (etalab communes.json) at the first import; neither: former
  /// codes are reported as unknown.
  std::shared_ptr<const coverage::FormerCodes> former;
  std::string former_communes_file;
};

struct TerritoryStructure {
  std::int64_t id = 0;
  std::string kind;  // CPTS, MSP, ESP, CDS
  std::string name;
  std::string departement;
  std::string stage;
  std::string stage_label;
  std::int64_t version = 0;
};

struct TerritoryView {
  TerritoryStructure structure;
  std::vector<std::string> communes;  // INSEE codes as drawn, sorted
  coverage::TerritoryFacts facts;
  std::string size_class_label;
  std::vector<std::string> departements;  // départements the territory touches, sorted
  std::optional<geo::MultiPolygon> outline;  // when asked for
};

struct TerritoryPreview {
  TerritoryStructure structure;
  std::string file;
  std::size_t rows = 0;
  std::vector<coverage::ImportIssue> issues;
  std::vector<std::string> communes;  // what confirming would save (valid lines only)
  coverage::TerritoryFacts facts;
  bool has_errors = false;
  /// Empty when the file has errors: it must be corrected (or the valid communes saved through
  /// the ordinary edit call, an explicit choice of the user).
  std::string token;
  std::string expires_at;
};

class Territories {
 public:
  /// Builds the unit graph of the référentiel (once) and reads the CPTS lifecycle rules.
  static Result<std::unique_ptr<Territories>> create(store::Database& db,
                                                     const geo::Referentiel& ref,
                                                     TerritorySettings settings = {});
  ~Territories();

  [[nodiscard]] const geo::Referentiel& referentiel() const { return ref_; }
  [[nodiscard]] const registry::Lifecycle& cpts_lifecycle() const { return *cpts_; }

  // Territory of one structure. Read: any role whose scope covers the structure. Write: admin,
  // ROC and ARS of its département/région, its coordinators; never observer, member or chargé
  // de mission. Only CPTS have a territory.
  Result<TerritoryView> get(const Principal& who, std::int64_t structure_id,
                            bool with_outline = false);
  /// Replaces the communes. `version` is the structure's version the caller read: a stale one
  /// is refused with `conflict` and nothing is written. Codes must be current INSEE codes.
  Result<TerritoryView> replace(const Principal& who, std::int64_t structure_id,
                                std::int64_t version, const std::vector<std::string>& codes);
  /// Reads a CSV, saves nothing but the pending import (when it has no error), and answers the
  /// report by line with what confirming would save.
  Result<TerritoryPreview> preview_csv(const Principal& who, std::int64_t structure_id,
                                       const std::string& file, std::string_view text);
  /// Saves a previewed import (same user, not expired) as the territory, at `version`.
  Result<TerritoryView> confirm_csv(const Principal& who, std::int64_t structure_id,
                                    const std::string& token, std::int64_t version);
  /// "code_insee,nom,population" of the territory.
  Result<std::string> export_csv(const Principal& who, std::int64_t structure_id);
  /// Who may write this structure's territory (for the pages: show the editing tools or not).
  [[nodiscard]] bool can_edit(const Principal& who, const TerritoryStructure& s) const;

  // Coverage of an area: level "france", "region", "departement" or "epci" with its code;
  // `filter` a stage group id of the CPTS lifecycle (empty: "toutes"). Scope: admin and
  // observer everywhere; ARS and chargé de mission their régions; ROC their départements (an
  // EPCI when all its communes are in them); never coordinators and members.
  Result<nlohmann::json> coverage(const Principal& who, std::string_view level,
                                  std::string_view code, std::string_view filter,
                                  bool proposals);
  /// Structures by kind and stage and population covered per stage filter, for France, every
  /// région and every département (aggregates only). Roles as the route allows.
  Result<nlohmann::json> observatory(const Principal& who);

  /// The JSON of a territory (the API's answer and the page's data).
  [[nodiscard]] nlohmann::json to_json(const TerritoryView& v) const;
  [[nodiscard]] nlohmann::json to_json(const TerritoryPreview& p) const;

 private:
  struct Snapshot;
  Territories(store::Database& db, const geo::Referentiel& ref, TerritorySettings settings,
              coverage::UnitGraph graph, registry::Lifecycles lifecycles);
  Result<TerritoryStructure> load_structure(std::int64_t id);
  Result<TerritoryStructure> readable(const Principal& who, std::int64_t id);
  Result<TerritoryStructure> writable(const Principal& who, std::int64_t id);
  Result<TerritoryView> view(const TerritoryStructure& s, std::vector<std::string> codes,
                             bool with_outline) const;
  Result<std::vector<geo::CommuneIndex>> indices(const std::vector<std::string>& codes) const;
  Result<TerritoryView> save(const Principal& who, const TerritoryStructure& s,
                             std::int64_t version, std::vector<std::string> codes,
                             const std::string& source, const std::string& token);
  Result<std::shared_ptr<const Snapshot>> snapshot();
  std::optional<std::size_t> filter_index(std::string_view id) const;
  std::string stage_label(std::string_view kind, std::string_view stage) const;

  store::Database& db_;
  const geo::Referentiel& ref_;
  TerritorySettings settings_;
  coverage::UnitGraph graph_;
  registry::Lifecycles lifecycles_;
  const registry::Lifecycle* cpts_ = nullptr;
  std::vector<coverage::StageFilter> filters_;
  const coverage::FormerCodes* former_codes();
  std::once_flag former_once_;
  std::mutex cache_mutex_;
  std::shared_ptr<const Snapshot> cache_;
};

}  // namespace maillage::services
