// The home page of each user: what waits for them in their scope. A ROC, an ARS or a chargé de
// mission sees the structures of their départements or région by stage, the lifecycle decisions
// that are theirs to take (steps no porteur records: the ARS validates a projet de santé, the
// CPAM opens the ACI negotiation), and the deadlines overdue or due within two weeks; a
// coordinator or a member sees their own structures. A referent (a ROC named on a structure, or
// the referent or deputy of a sector) sees the deadlines of the structures they follow first:
// the alerts each referent receives follow the saved sectors, as the portfolio's "Mon secteur". Reads only, through the registry, so the
// scope rules are the registry's.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "registry/dates.hpp"
#include "services/registry.hpp"

namespace maillage::services {

struct HomeStageCount {
  std::string kind;   // "CPTS"
  std::string stage;  // state id
  std::string label;  // French label of the stage
  std::int64_t count = 0;
};

/// A lifecycle step this user records for a structure of their scope.
struct HomeDecision {
  Structure structure;
  std::string event;
  std::string label;     // "Valider le projet de santé (décision de l'ARS)"
  std::string to_label;  // stage it leads to
};

/// A deadline of a structure of the scope, with the structure's name for the page.
struct HomeAlert {
  PortfolioAlert alert;
  std::string structure_name;
  bool followed = false;  // the user is a referent of the structure (named, or of its sector)
};

struct HomeView {
  std::int64_t structures = 0;             // structures in the user's scope
  std::vector<HomeStageCount> stages;      // by kind, in lifecycle order; non-empty only
  std::vector<HomeDecision> decisions;     // by structure name
  std::vector<HomeAlert> alerts;           // followed first, then overdue, then by date
  bool follows = false;                    // the user is the referent of at least one structure
  std::vector<Structure> own;              // coordinator, member: their structures
};

class Home {
 public:
  explicit Home(const Registry& registry) : registry_(registry) {}
  [[nodiscard]] Result<HomeView> view(const Principal& who, registry::Date today) const;

 private:
  const Registry& registry_;
};

}  // namespace maillage::services
