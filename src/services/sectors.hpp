// ROC sectors: split a département into contiguous sectors of balanced workload, each followed by
// a referent and a deputy ("mailler le territoire" with a binôme of ROC).
//
// Units are the département's communes; the communes of each CPTS territory (overlapping
// territories merged) must stay in one sector (src/sectors `together` groups), so a territory is
// never cut between two referents. The workload of a commune mixes, with weights the ROC chooses,
// its share of the département's population, of its structures followed (weighted by stage: a
// project costs more visits than an active structure) and of its ambulatory professionals (latest
// RPPS snapshot). Adjacency is the référentiel's; a CPTS territory in several pieces, and a
// commune whose neighbours all lie outside the département (an enclave), are linked to their
// main part by the nearest pair of communes ("liens de proximité", listed on each unit), so the
// engine sees connected groups and the sectors are in one piece up to those links.
//
// Computing runs in the background (one job per département, two at most at once: the machine's
// cores) with progress; the result is a proposal the ROC reviews, edits commune by commune with
// live checks (evaluate) and saves as a new version of the département's plan (who, when; never
// edited in place, concurrent saves conflict on the version). The plan in force drives "Qui est
// mon ROC ?" and the portfolio's referents (services/registry_portfolio.cpp).
//
// Read: admin, observer, ROC of the département, ARS and chargé de mission of its région.
// Compute, evaluate, save: admin and ROC of the département.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "geo/referentiel.hpp"
#include "services/auth.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

/// Weights of the three workload components (relative; at least one positive).
struct WorkloadMix {
  double population = 1.0;
  double structures = 0.0;
  double professionals = 0.0;
};

/// What the ROC chooses before computing.
struct SectorSettings {
  std::string departement;
  int k = 2;
  WorkloadMix mix;
  double tolerance = 0.10;  ///< each sector's workload within ±tolerance of the mean
  int time_limit_seconds = 20;
  /// Not offered in the page: when > 0, compute() counts work instead of time (one thread, that
  /// many annealing moves from a fixed seed, then at most `work_nodes` tree nodes), so that the
  /// same settings give the same sectors on every run whatever the load (the demo);
  /// time_limit_seconds is then only a safety net.
  std::int64_t work_moves = 0;
  long work_nodes = 0;
};

struct SectorPerson {
  std::int64_t user_id = 0;
  std::string login, display_name, role;
};

/// One commune as the sectors see it.
struct SectorUnit {
  std::string code, nom;
  std::int64_t population = 0;
  std::int64_t professionals = 0;
  double structures = 0;           ///< structures weighted by stage, placed in this commune
  std::int64_t workload = 0;       ///< in millionths of the département's workload
  std::string group;               ///< CPTS territory (names) it must stay with, '' when none
  std::vector<std::string> links;  ///< proximity links added for enclaves (INSEE codes)
};

/// One sector of an assignment, with its live checks.
struct SectorFigures {
  int index = 0;
  std::string label;
  std::int64_t workload = 0;  ///< millionths of the département's workload
  std::int64_t population = 0;
  std::int64_t professionals = 0;
  int communes = 0;
  int structures = 0;  ///< structures whose head office or territory lies in it
  bool connected = true;
  bool within_bounds = true;
  std::optional<SectorPerson> referent, deputy;
};

struct SectorEvaluation {
  std::vector<SectorFigures> sectors;
  int cut_edges = 0;                  ///< pairs of neighbouring communes in different sectors
  std::int64_t lower = 0, upper = 0;  ///< workload bounds from the tolerance
  std::vector<std::string> problems;  ///< French sentences; empty: the assignment is valid
};

struct SectorPlan {
  std::int64_t id = 0;
  std::string departement;
  std::int64_t version = 0;
  SectorSettings settings;
  std::optional<int> lower_bound;  ///< proven by the solver; none once edited by hand
  std::string note, created_by, created_at;
  std::map<std::string, int> communes;  ///< INSEE code -> sector index
  SectorEvaluation evaluation;          ///< figures of its sectors (labels, referents)
};

struct SectorPlanSummary {
  std::int64_t version = 0;
  int k = 0;
  int cut_edges = 0;
  std::string created_by, created_at, note;
};

/// Everything the sectors page shows for a département.
struct SectorWorkspace {
  std::string departement, departement_name;
  WorkloadMix mix;  ///< of the plan in force, else the default
  std::vector<SectorUnit> units;
  std::int64_t total_population = 0;
  std::optional<SectorPlan> plan;  ///< in force
  std::vector<SectorPlanSummary> history;
  std::vector<SectorPerson> candidates;  ///< who may follow a sector
  std::string rpps_note;                 ///< French: which snapshot the professionals come from
  bool may_edit = false;
};

/// A background computation and, once done, its proposal.
struct SectorJob {
  std::int64_t id = 0;
  SectorSettings settings;
  std::string state;  ///< "en_cours", "termine", "echec"
  int best_cut = -1, lower_bound = 0;
  double seconds = 0;
  std::string message;  ///< French: outcome, or why it failed
  bool optimal = false;
  std::map<std::string, int> communes;         ///< proposal (when termine)
  std::optional<SectorEvaluation> evaluation;  ///< of the proposal
  /// When infeasible: a tolerance for which a split exists, if the engine found one (the
  /// engine widens the bounds step by step: it works, it is not claimed to be the smallest).
  std::optional<double> smallest_tolerance;
};

struct SaveSectorPlan {
  SectorSettings settings;
  std::map<std::string, int> communes;
  std::vector<std::string> labels;           ///< per sector, k entries
  std::vector<std::int64_t> referents;       ///< per sector, user id or 0
  std::vector<std::int64_t> deputies;        ///< per sector, user id or 0
  std::optional<std::int64_t> base_version;  ///< the version the ROC started from (none: first)
  std::optional<int> lower_bound;            ///< from an untouched solver proposal
  std::string note;
};

class Sectors {
 public:
  static Result<std::unique_ptr<Sectors>> create(store::Database& db, const geo::Referentiel& ref);
  ~Sectors();
  Sectors(const Sectors&) = delete;
  Sectors& operator=(const Sectors&) = delete;

  Result<SectorWorkspace> workspace(const Principal& who, const std::string& departement,
                                    std::optional<WorkloadMix> mix = std::nullopt) const;
  /// Starts a background computation; returns its id.
  Result<std::int64_t> start(const Principal& who, const SectorSettings& settings);
  Result<SectorJob> job(const Principal& who, std::int64_t id) const;
  /// The same computation in the calling thread, on both cores (the demo loader, the CLI).
  Result<SectorJob> compute(const Principal& who, const SectorSettings& settings) const;
  /// Live checks of an assignment (every commune of the département must be given a sector).
  Result<SectorEvaluation> evaluate(const Principal& who, const SectorSettings& settings,
                                    const std::map<std::string, int>& communes) const;
  /// Saves a new version of the département's plan; conflict when base_version is stale.
  Result<SectorPlan> save(const Principal& who, const SaveSectorPlan& plan);
  Result<SectorPlan> plan(const Principal& who, const std::string& departement,
                          std::optional<std::int64_t> version = std::nullopt) const;
  /// Outlines of the sectors of the plan in force, for the GeoJSON export.
  struct Outline {
    int index = 0;
    std::string label;
    std::string referent, deputy;
    geo::MultiPolygon shape;
  };
  Result<std::vector<Outline>> outlines(const Principal& who, const std::string& departement) const;
  /// Stops the background computations and waits for them (the server's shutdown).
  void stop();

 private:
  struct Impl;
  explicit Sectors(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace maillage::services
