// Territories of CPTS and the coverage they give: read and replace a territory (optimistic
// versioning on the structure's `version`, audited, with its history), preview and confirm a CSV
// import, export it; coverage of an area (EPCI, département, région, France) per stage filter
// with overlaps, white zones and proposals; the observatory (structures by stage and population
// covered, by département, région and France).
//
// All computing is in src/coverage (pure engine); this service loads the territories from the
// store (TerritoryRepository), checks the caller's scope and writes. Coverage and observatory
// answers are typed (CoverageReport, Observatory); their JSON is built in src/http
// (territory_json.cpp), for the API and the French pages alike.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
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
  std::vector<std::string> departements;     // départements the territory touches, sorted
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

/// One stage filter of a coverage report (a stage group of the CPTS lifecycle).
struct CoverageFilter {
  std::string id;
  std::string label;
  bool chosen = false;
  std::int64_t communes_covered = 0;
  std::int64_t population_covered = 0;
  double population_share = 0.0;  // percent, one decimal
};

/// A CPTS with communes in the area.
struct CoverageTerritory {
  std::int64_t id = 0;
  std::string name;
  std::string departement;
  std::string stage;
  std::string stage_label;
  bool retained = false;        // passes the chosen filter
  std::int64_t population = 0;  // whole territory
  std::string size_class;       // id of its ACI size class
  std::int64_t communes_in_area = 0;
};

/// A group of communes of a report (white zone, overlap, proposal): its population, how many
/// communes, the first names, and every code when the area is detailed.
struct CommuneGroup {
  std::int64_t population = 0;
  std::int64_t commune_count = 0;
  std::vector<std::string> examples;                 // at most 5 commune names
  std::optional<std::vector<std::string>> communes;  // INSEE codes (detailed areas only)
};

struct CoverageWhiteZone {
  std::int64_t number = 0;  // 1-based
  CommuneGroup group;
};

struct CoverageTerritoryRef {
  std::int64_t id = 0;
  std::string name;
};

struct CoverageOverlapPair {
  CoverageTerritoryRef a, b;
  CommuneGroup group;
};

struct CoverageOverlaps {
  std::int64_t commune_count = 0;
  std::int64_t population = 0;
  std::vector<CoverageOverlapPair> pairs;
  std::optional<std::vector<std::string>> communes;  // detailed areas only
};

struct CoverageProposal {
  std::int64_t number = 0;  // 1-based
  std::string kind;         // coverage::to_string(ProposalKind)
  CommuneGroup group;
  std::int64_t zone = 0;  // 1-based number of its white zone
  struct Attach {
    CoverageTerritoryRef territory;
    std::int64_t population_before = 0;
    std::int64_t population_after = 0;
  };
  std::optional<Attach> territory;  // attach proposals only
};

struct CoverageProposals {
  std::int64_t min_population = 0;
  std::vector<CoverageProposal> list;
  std::string note;
};

/// Coverage of an area for one stage filter.
struct CoverageReport {
  std::string level;  // as asked: "france", "region", "departement", "epci"
  std::string code;
  std::string name;
  std::string filter;  // the chosen filter's id
  /// A département or an EPCI is drawn commune by commune (codes listed); larger areas get
  /// totals and the largest zones only.
  bool detailed = false;
  std::vector<CoverageFilter> filters;
  coverage::Count total;
  coverage::Count covered;
  coverage::Count uncovered;
  double covered_population_share = 0.0;  // percent, one decimal
  std::vector<CoverageTerritory> territories;
  std::vector<CoverageWhiteZone> white_zones;
  std::int64_t white_zone_count = 0;
  CoverageOverlaps overlaps;
  /// Detailed areas, or when asked for (the map of France): commune code → ids of the retained
  /// territories covering it.
  bool communes_listed = false;
  std::map<std::string, std::vector<std::int64_t>> communes;
  std::optional<CoverageProposals> proposals;  // when asked for
};

/// One area of the observatory (France, a région or a département).
struct ObservatoryRow {
  std::string code;
  std::string name;
  std::int64_t population = 0;
  std::int64_t communes = 0;
  std::map<std::string, std::int64_t> structures;  // kind → count (CPTS, MSP, ESP, CDS)
  std::int64_t cpts = 0;
  std::map<std::string, std::int64_t> cpts_by_stage;  // stage id → count (stages present)
  std::map<std::string, double> covered_share;        // filter id → percent of population
  std::optional<std::string> region;                  // départements only
};

struct StageRef {
  std::string id;
  std::string label;
};

struct Observatory {
  std::vector<StageRef> stages;   // CPTS lifecycle states
  std::vector<StageRef> filters;  // CPTS stage groups
  std::optional<ObservatoryRow> france;
  std::vector<ObservatoryRow> regions;
  std::vector<ObservatoryRow> departements;
};

class TerritoryRepository;

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
  // EPCI when all its communes are in them); never coordinators and members. `communes` lists
  // the covered communes at any level (they are listed anyway for a département or an EPCI).
  Result<CoverageReport> coverage(const Principal& who, std::string_view level,
                                  std::string_view code, std::string_view filter, bool proposals,
                                  bool communes = false);
  /// Structures by kind and stage and population covered per stage filter, for France, every
  /// région and every département (aggregates only). Roles as the route allows.
  Result<Observatory> observatory(const Principal& who);

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
  [[nodiscard]] bool may_see_area(const Principal& who, const coverage::Area& area,
                                  const std::vector<geo::CommuneIndex>& units) const;
  CommuneGroup group_of(const std::vector<geo::CommuneIndex>& units, std::int64_t population,
                        bool detailed) const;
  std::vector<std::string> codes_of(const std::vector<geo::CommuneIndex>& units) const;
  void add_overlaps(CoverageReport& out, const Snapshot& snap,
                    const std::vector<geo::CommuneIndex>& units, std::size_t filter) const;
  Status add_proposals(CoverageReport& out, const Snapshot& snap,
                       const std::vector<geo::CommuneIndex>& units, std::size_t filter) const;

  store::Database& db_;
  std::unique_ptr<TerritoryRepository> repo_;
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
