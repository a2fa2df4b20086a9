// The accords as data: what rules/aci/*.toml say, with the source and verification status of every
// value. Loaded from texts (the caller reads the files, or uses builtin_rule_files()); toml++ stays
// in rules_toml.cpp.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "aci/basics.hpp"
#include "common/error.hpp"

namespace maillage::aci {

/// Where a rule value comes from and whether it was verified in a primary text.
struct Provenance {
  std::vector<std::string> sources;  // ids of RuleBook::sources
  bool verified = false;
  std::string note;  // French, shown to users next to the value
  std::string file;  // rules file and line that set the value
  std::int64_t line = 0;
};

template <class T>
struct Sourced {
  T value{};
  Provenance provenance;
};

struct Source {
  std::string id;
  std::string title;
  std::string url;  // may be empty for "not found" markers
};

enum class AccordKind { cpts, msp };
enum class MissionCategory { socle, optionnelle };
enum class AchievementMethod { linear, paliers };

[[nodiscard]] std::string_view to_string(AccordKind k);
[[nodiscard]] std::string_view to_string(MissionCategory c);
[[nodiscard]] std::string_view to_string(AchievementMethod m);
/// The method as people read it, from its id ("linear" → "proportionnelle à la valeur
/// atteinte", "paliers" → "par paliers atteints"); an unknown id comes back as it is.
[[nodiscard]] std::string_view method_label(std::string_view method_id);

/// An amount per size class ("T1" → 50 000 €).
using BySize = std::map<std::string, Sourced<Cents>, std::less<>>;

struct SizeClass {
  std::string id;  // "T1"
  std::string label;
  std::optional<Sourced<std::int64_t>> population_below;  // exclusive; none for the last class
};

struct AchievementRules {
  std::optional<Sourced<AchievementMethod>> method;
  std::map<int, Sourced<std::vector<Ppm>>> palier_rates;  // number of paliers → rate of each
};

struct Envelope {
  std::string label;
  BySize amounts;
};

struct MissionRules {
  std::string id;  // "acces_soins"
  std::string label;
  MissionCategory category = MissionCategory::socle;
  std::optional<Sourced<int>> start_within_months;  // from signature; none: chosen by the CPTS
  std::optional<Sourced<int>> deploy_within_months;
  BySize fixed;     // yearly fixed part by size
  BySize variable;  // yearly variable part (at 100 % achievement) by size
  // Percent of the fixed amount for the 1st, 2nd... contract year of the mission, last repeating.
  // None: 100 % every year.
  std::optional<Sourced<std::vector<Ppm>>> fixed_year_factors;
  AchievementRules achievement;  // overrides the accord's for this mission
};

struct MonthDay {
  unsigned month = 1;
  unsigned day = 1;
};

/// An indicator of the MSP catalogue: points at 100 % achievement. Variable points are those of
/// the reference patient list (scaled by the year's patients / reference).
struct MspIndicatorRule {
  std::string id;
  std::string label;
  std::string axis;      // "Accès aux soins", "Travail en équipe et coordination", ...
  std::string category;  // "prerequis", "socle", "optionnel"
  Sourced<std::int64_t> fixed_points;
  Sourced<std::int64_t> variable_points;
};

/// MSP accords: remuneration in points per calendar year.
struct MspRules {
  std::vector<MspIndicatorRule> indicators;  // the catalogue, display order
  Sourced<Cents> point_value;
  Sourced<Ppm> advance_rate;
  Sourced<Cents> advance_minimum;
  Sourced<std::int64_t> reference_patients;
  Sourced<Cents> new_structure_minimum;
  Sourced<bool> partial_year_prorata;
  Sourced<MonthDay> advance_date;
  Sourced<MonthDay> balance_date;
};

/// One accord version (e.g. "cpts-2019", "cpts-2019-av2"), with what it inherits already applied.
struct Accord {
  std::string id;
  std::string extends;  // parent version, empty for a base accord
  AccordKind kind = AccordKind::cpts;
  std::string title;
  Date signed_on{};
  Sourced<Date> effective;
  Sourced<int> contract_years;
  std::string file;  // the file that defines this version

  // CPTS
  std::vector<SizeClass> size_classes;  // increasing populations
  Sourced<Ppm> advance_rate;            // 75 %
  Sourced<bool> variable_prorata_first_year;
  std::map<std::string, Envelope, std::less<>> envelopes;  // amorcage, fonctionnement, ...
  AchievementRules achievement;
  std::vector<MissionRules> missions;  // display order

  // MSP
  MspRules msp;

  [[nodiscard]] const MissionRules* mission(std::string_view id) const;
  [[nodiscard]] const SizeClass* size_class(std::string_view id) const;
  [[nodiscard]] const Envelope* envelope(std::string_view id) const;
  /// The size class whose population range holds `population`; nullptr without size classes.
  [[nodiscard]] const SizeClass* size_class_for(std::int64_t population) const;
};

/// One rules file as text, with the name used in messages.
struct RulesFile {
  std::string name;
  std::string text;
};

class RuleBook {
 public:
  std::vector<Accord> accords;
  std::map<std::string, Source, std::less<>> sources;

  [[nodiscard]] const Accord* find(std::string_view id) const;
  /// True when `accord` is `ancestor` or derives from it through `extends`.
  [[nodiscard]] bool derives_from(const Accord& accord, std::string_view ancestor) const;
};

/// Parses every file, resolves `extends` (a version applies its parent's keys first, then its own)
/// and checks that each version is complete. Errors name the file, line and key.
[[nodiscard]] Result<RuleBook> load_rulebook(std::span<const RulesFile> files);

/// A value of an accord for display and audit: "envelopes.amorcage.T2" = "60 000,00 €".
struct RuleValue {
  std::string key;
  std::string value;  // French display form
  const Provenance* provenance = nullptr;
  std::string label;  // what the key means, in French ("Taille T2 : population inférieure à")
};
/// Every sourced value of the accord, in file order of sections.
[[nodiscard]] std::vector<RuleValue> list_values(const Accord& accord);

/// The rules files shipped with Maillage (rules/aci/*.toml, embedded at build time).
[[nodiscard]] std::span<const RulesFile> builtin_rule_files();

}  // namespace maillage::aci
