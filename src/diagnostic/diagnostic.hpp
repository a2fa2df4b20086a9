// The territorial diagnostic of a projet de santé, as pure computation: from the communes of a
// territory (population, professionals per profession, accessibility), the same figures for its
// département, région and France, the structures present and the previous RPPS snapshot, the
// figures the diagnostic shows. No I/O: src/services/diagnostic.cpp gathers the inputs.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace maillage::diagnostic {

/// Professionals of one profession in one place (a commune or an area).
struct Supply {
  /// Presence: activities. A person practising on k sites counts once on each site (so a
  /// territory holding two of their sites counts them twice: they are present twice).
  double count = 0;
  /// Full-time equivalents: a person on k sites counts 1/k on each.
  double fte = 0;
  /// Among `count`, those aged 60 or more, and those whose age is known at all (the open RPPS
  /// extract carries no birth date: both stay 0 and the share is "unknown").
  double aged_60_plus = 0;
  double age_known = 0;

  Supply& operator+=(const Supply& o) {
    count += o.count;
    fte += o.fte;
    aged_60_plus += o.aged_60_plus;
    age_known += o.age_known;
    return *this;
  }
};

/// Profession key (as the supply data names it, e.g. "medecin_generaliste") → supply.
using SupplyByProfession = std::map<std::string, Supply>;

/// A profession shown by the diagnostic, in display order.
struct Profession {
  std::string key;
  std::string label;  ///< French, e.g. "Médecins généralistes"
};

struct CommuneInput {
  std::string code;  ///< INSEE code
  std::string nom;
  std::int64_t population = 0;
  SupplyByProfession supply;
  /// Accessibility (APL-style, consultations per inhabitant and year), computed beforehand on a
  /// catchment wider than the territory; nullopt when not computed (e.g. no coordinates).
  std::optional<double> access;
};

/// An area the territory is compared with (its département, its région, France).
struct AreaInput {
  std::string code;
  std::string nom;
  std::int64_t population = 0;
  SupplyByProfession supply;
};

/// A coordinated-care structure whose territory meets the selection.
struct StructureInput {
  std::int64_t id = 0;
  std::string kind;  ///< CPTS, MSP, ESP, CDS
  std::string name;
  std::string stage;        ///< lifecycle state id, "" when not shown
  std::string stage_label;  ///< French label of the stage
};

/// One professional present in the territory at a snapshot (professional ids, never patients).
struct Person {
  std::string id;  ///< RPPS identifier
  std::string profession;
};

struct PreviousSnapshot {
  std::string date;                ///< extract date of the previous snapshot
  SupplyByProfession supply;       ///< the territory's supply then (same communes)
  std::vector<Person> people;      ///< who was present in the territory then
};

struct Input {
  std::vector<CommuneInput> communes;
  /// Display order and labels; professions found in the supply but not listed here come after,
  /// labelled with their key.
  std::vector<Profession> professions;
  std::optional<AreaInput> departement;
  std::optional<AreaInput> region;
  std::optional<AreaInput> france;
  std::vector<StructureInput> structures;
  std::string snapshot_date;   ///< extract date of the current snapshot ("" when none)
  std::vector<Person> people;  ///< who is present in the territory now (for arrivals/departures)
  std::optional<PreviousSnapshot> previous;
};

struct Parameters {
  /// Under-served: accessibility strictly below this value (DREES: "below 2.5 consultations per
  /// inhabitant and year"; some texts say "at most", hence strict and documented).
  double threshold = 2.5;
};

/// A supply figure and its density.
struct Figure {
  double count = 0;
  double fte = 0;
  std::optional<double> per_10000;      ///< count per 10 000 inhabitants (none without population)
  std::optional<double> fte_per_10000;  ///< FTE per 10 000 inhabitants
};

struct Change {
  double count_before = 0;
  double count_delta = 0;     ///< count now − count before
  std::int64_t arrived = 0;   ///< present now, not before (by RPPS id)
  std::int64_t left = 0;      ///< present before, not now
};

struct ProfessionRow {
  std::string key;
  std::string label;
  Figure territory;
  std::optional<Figure> departement;
  std::optional<Figure> region;
  std::optional<Figure> france;
  std::optional<double> share_60_plus;  ///< among professionals of known age; none when unknown
  std::optional<Change> change;         ///< none without a previous snapshot
};

struct CommuneRow {
  std::string code;
  std::string nom;
  std::int64_t population = 0;
  std::optional<double> access;
  bool under_served = false;  ///< access known and below the threshold
};

struct AreaSummary {
  std::string code;
  std::string nom;
  std::int64_t population = 0;
};

struct Diagnostic {
  std::int64_t population = 0;
  std::size_t commune_count = 0;
  std::vector<ProfessionRow> professions;
  std::vector<CommuneRow> communes;  ///< input order
  std::optional<AreaSummary> departement, region, france;
  /// Σ P_i A_i / Σ P_i over communes whose accessibility is known.
  std::optional<double> mean_access;
  std::int64_t population_with_access = 0;
  std::int64_t population_under_threshold = 0;
  std::size_t communes_under_threshold = 0;
  std::optional<double> share_under_threshold;  ///< of population_with_access
  double threshold = 2.5;
  std::vector<StructureInput> structures;
  std::map<std::string, std::int64_t> structures_by_kind;
  std::string snapshot_date;
  std::optional<std::string> previous_date;
};

/// Computes the diagnostic. Errors (invalid_input, naming the field): no commune, a commune
/// twice, a negative population, a negative or non-finite supply or accessibility, a threshold
/// that is negative or not finite.
[[nodiscard]] Result<Diagnostic> compute_diagnostic(const Input& input,
                                                    const Parameters& parameters = {});

}  // namespace maillage::diagnostic
