// ACI contracts as plain data: a CPTS contract (anniversary years, envelopes, missions, indicators)
// or an MSP contract (calendar years, indicators in points). The JSON file format is documented in
// src/aci/README.md; nlohmann/json stays in contract_json.cpp.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "aci/basics.hpp"
#include "aci/rules.hpp"
#include "common/error.hpp"

namespace maillage::aci {

struct Party {
  std::string name;
  std::string finess;  // 9 characters, optional
  std::string rna;     // association number (W + 9 digits), optional
  std::string siret;   // optional
};

/// The three signatories: the structure (CPTS or MSP), the CPAM (or CGSS) and the ARS.
struct Parties {
  Party structure;
  Party cpam;
  Party ars;
};

enum class Direction { increase, decrease };

/// One contract year of an indicator: its targets and what was measured.
struct IndicatorYear {
  int year = 0;                       // contract year, 1-based
  std::vector<double> paliers;        // intermediate targets, then the final target
  std::optional<double> measured;     // absent: not measured yet
  std::vector<std::string> evidence;  // documents or references supporting the measure
};

struct Indicator {
  std::string id;
  std::string definition;
  std::string unit;
  double weight = 1;  // weight in the mission's achievement rate
  double baseline = 0;
  std::optional<Direction> direction;       // default: from baseline to targets
  std::optional<AchievementMethod> method;  // default: the rules'
  std::vector<Ppm> palier_rates;            // default: the rules'
  std::vector<IndicatorYear> years;
};

/// Amounts negotiated for one contract year (they replace every default for that year).
struct YearAmounts {
  int year = 0;
  std::optional<Cents> fixed;
  std::optional<Cents> variable;
};

struct ContractMission {
  std::string mission;                 // id in the rules ("acces_soins")
  std::optional<Date> start;           // mission start (actual or planned)
  std::optional<Date> deployed;        // full deployment
  std::optional<Date> start_deadline;  // negotiated deadlines (optional missions, avenants)
  std::optional<Date> deploy_deadline;
  std::optional<Cents> fixed;  // yearly amounts replacing the rules' for every year
  std::optional<Cents> variable;
  std::vector<YearAmounts> by_year;
  std::vector<Indicator> indicators;
};

/// From `from` on, the contract follows another accord version (an avenant).
struct AccordChange {
  std::string accord;
  Date from{};
};

/// A contractual avenant of this contract (not a version of the accord): from `from` on, the
/// contract follows another size class and/or gains missions. A contract year follows the
/// amendments in force on its first day (a mission's first year: on its start).
struct ContractAmendment {
  Date from{};
  std::optional<std::string> size_class;  // none: unchanged
  std::vector<std::string> missions;      // missions it adds (in `missions`, starting >= from)
  std::string reason;
};

struct YearFonctionnement {
  int year = 0;
  Cents amount = 0;
};

struct CptsContract {
  std::string id;
  Parties parties;
  Date signature{};
  std::string size_class;                  // "T1".."T4"
  std::optional<std::int64_t> population;  // covered population, checked against the size class
  std::string accord;                      // version at signature ("cpts-2019")
  std::vector<AccordChange> avenants;      // increasing dates, after the signature
  std::vector<ContractAmendment> amendments;  // increasing dates, after the signature
  std::optional<int> duration_years;       // default: the accord's
  std::optional<Date> lettre_intention;    // date the ARS validated the lettre d'intention
  std::optional<Cents> amorcage;           // amounts replacing the rules' defaults
  std::optional<Cents> fonctionnement;
  std::optional<Cents> lettre_intention_amount;
  std::vector<YearFonctionnement> fonctionnement_by_year;
  std::vector<ContractMission> missions;
};

enum class MspCategory { prerequis, socle, optionnel };

struct MspAchievement {
  int year = 0;  // calendar year
  Ppm rate = 0;  // 0..100 %
};

struct MspIndicator {
  std::string id;
  std::string definition;
  MspCategory category = MspCategory::socle;
  std::int64_t fixed_points = 0;
  std::int64_t variable_points = 0;  // at the reference patient list
  std::vector<MspAchievement> achievements;
};

struct MspYear {
  int year = 0;                // calendar year
  std::int64_t patients = 0;   // médecin-traitant patients of the associated doctors
  bool new_structure = false;  // projet de santé less than a year old
};

struct MspContract {
  std::string id;
  Parties parties;
  Date signature{};
  std::string accord;
  std::optional<int> duration_years;
  std::vector<MspYear> years;
  std::vector<MspIndicator> indicators;
};

using Contract = std::variant<CptsContract, MspContract>;

/// Maps a field path ("missions[1].start") to a 1-based line of the source file, 0 when unknown.
using LineOf = std::function<std::int64_t(std::string_view field)>;

/// Parses a contract file (JSON) and validates it against the rules. Errors name the file, the
/// line and the field ("missions[1].start"): missing fields, wrong types, unknown fields, negative
/// amounts, dates out of order, unknown accords, missions or size classes.
[[nodiscard]] Result<Contract> parse_contract(std::string_view text, std::string_view file,
                                              const RuleBook& rules);

/// A new contract as a form enters it (the fields a ROC types at signature), to be written as a
/// contract document that `parse_contract` then checks like any file.
struct ContractDraft {
  std::string id;
  std::string accord;
  std::string signature;   // AAAA-MM-JJ, as typed (parse_contract checks it)
  bool cpts = true;        // the structure party is "cpts", else "msp"
  std::string structure_name, cpam, ars;
  // CPTS
  std::string size_class;
  std::optional<std::int64_t> population;
  std::vector<std::pair<std::string, std::string>> missions;  // mission id, start ("" : none)
  std::string avenant, avenant_from;                           // "" : none
  // MSP: the first calendar year and the indicators (from the rules' catalogue)
  int first_year = 0;
  std::optional<std::int64_t> patients;
  struct MspIndicatorDraft {
    std::string id, definition, category;
    std::int64_t fixed_points = 0, variable_points = 0;
  };
  std::vector<MspIndicatorDraft> msp_indicators;
};
/// The draft as a contract document (maillage-aci-contract/1, JSON text).
[[nodiscard]] std::string write_contract_draft(const ContractDraft& draft);

/// The checks parse_contract runs after reading, for contracts built in code. `line_of` and `file`
/// only decorate the messages.
[[nodiscard]] Status validate(const CptsContract& c, const RuleBook& rules,
                              std::string_view file = {}, const LineOf& line_of = {});
[[nodiscard]] Status validate(const MspContract& c, const RuleBook& rules,
                              std::string_view file = {}, const LineOf& line_of = {});

/// The accord version a CPTS contract follows on `date` (its avenants taken into account).
[[nodiscard]] const Accord* accord_on(const CptsContract& c, const RuleBook& rules, Date date);
/// The size class a CPTS contract follows on `date` (its amendments taken into account).
[[nodiscard]] const std::string& size_class_on(const CptsContract& c, Date date);
/// Contract duration in years (contract value, else the accord's).
[[nodiscard]] int duration_years(const CptsContract& c, const RuleBook& rules);
/// Anniversary k of the signature (k = 0 is the signature itself).
[[nodiscard]] Date anniversary(const CptsContract& c, int k);

}  // namespace maillage::aci
