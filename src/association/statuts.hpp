// The statuts of a structure as data: collèges and their vote weights, the rule placing a member
// in a collège, the membership period, the AG rules (convocation delay, quorum at first and second
// convocation, majority per resolution kind, abstentions, proxies). Entered once by the
// coordinator, checked by validate_statuts() before any computation uses them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "association/ratio.hpp"
#include "common/dates.hpp"
#include "common/error.hpp"

namespace maillage::association {

/// How the collèges weigh in a vote.
enum class WeightMode : std::uint8_t {
  head_count,   ///< one member, one voice: collèges only sort members
  fixed_share,  ///< each collège counts for College::share of the votes, whatever its size
};

/// What happens to the share of a collège that has no vote in the base of a resolution (nobody
/// present or represented, or, for a base of exprimés, nobody expressing a vote).
enum class EmptyCollegeShare : std::uint8_t {
  redistributed,  ///< the base is the shares of the collèges that voted (the usual reading)
  lost,           ///< the base stays 1: the silent collège's share counts as "not pour"
};

struct College {
  std::string id;    ///< stable key ("medecins")
  std::string name;  ///< shown ("Médecins")
  Ratio share;       ///< fixed_share mode: its part of the votes, the shares summing to 1
};

/// Members of kind `legal_person` are placed by `legal_kinds`, persons by `professions`.
enum class MemberKind : std::uint8_t { person, legal_person };

/// Places professions (RPPS "code profession", e.g. "10" médecin, "21" pharmacien) and legal
/// persons ("pharmacie", "ehpad", "etablissement", "association_usagers", …) in a collège.
struct PlacementRule {
  std::string college;                   ///< College::id
  std::vector<std::string> professions;  ///< RPPS profession codes
  std::vector<std::string> legal_kinds;  ///< kinds of legal persons
};

enum class MembershipPeriod : std::uint8_t {
  calendar_year,      ///< a payment covers the calendar year (1 Jan – 31 Dec)
  rolling_12_months,  ///< a payment covers 12 months from its date (or from the previous end)
};

/// Quorum: the members present or represented, over the members with a vote, must reach
/// `minimum` (e.g. 1/4), over all members (global) or in every collège (per_college). `weighted`
/// counts in voices (fixed_share only): Σ share_c × present_or_represented_c / members_c over the
/// share of the collèges that have members (or over 1 when EmptyCollegeShare::lost).
struct Quorum {
  enum class Scope : std::uint8_t { none, global, per_college, weighted };
  Scope scope = Scope::none;
  Ratio minimum;  ///< reached when present_or_represented / members >= minimum
};

/// Majority a resolution needs. `base` decides the denominator:
///   - simple:     pour > 1/2 of the exprimés;
///   - two_thirds: pour >= 2/3 of the exprimés;
///   - absolute:   pour > 1/2 of the votes of the members present or represented (whoever did not
///                 vote pour, abstention and non-votants included, counts against).
/// Exprimés are pour + contre, plus the abstentions when Statuts::abstentions_expressed.
enum class Majority : std::uint8_t { simple, two_thirds, absolute };

/// A kind of resolution and the majority it needs ("ordinaire" simple, "statuts" two thirds).
struct ResolutionKind {
  std::string id;
  std::string name;
  Majority majority = Majority::simple;
};

struct ProxyRules {
  int max_per_holder = 1;          ///< proxies one present member may hold; 0 = no proxies
  bool same_college_only = false;  ///< a member may only represent members of their collège
};

struct Statuts {
  std::vector<College> colleges;
  WeightMode weight_mode = WeightMode::head_count;
  EmptyCollegeShare empty_college_share = EmptyCollegeShare::redistributed;
  std::vector<PlacementRule> placement;
  std::optional<std::string> default_college;  ///< for professions no rule names
  MembershipPeriod period = MembershipPeriod::calendar_year;
  int convocation_days = 15;  ///< convocations leave at least this many days before the AG
  Quorum first_quorum{Quorum::Scope::global, Ratio(1, 4)};
  Quorum second_quorum{Quorum::Scope::none, Ratio(0)};  ///< second convocation: often none
  std::vector<ResolutionKind> resolution_kinds{
      {"ordinaire", "Résolution ordinaire", Majority::simple},
      {"statuts", "Modification des statuts", Majority::two_thirds}};
  bool abstentions_expressed = false;  ///< abstentions count among the exprimés (against)
  ProxyRules proxies;

  [[nodiscard]] const College* find_college(std::string_view id) const;
  [[nodiscard]] const ResolutionKind* find_kind(std::string_view id) const;
};

/// Every rule checked; the first problem is returned with `field` naming it ("colleges[2].share")
/// and a French message. Checks: at least one collège; ids non-empty and unique; fixed_share
/// shares > 0 summing to exactly 1; placement rules name known collèges and no profession or
/// legal kind twice; the default collège exists; convocation delay 0..366 days; quorum minimums in
/// ]0, 1] when a scope is set; resolution kinds unique and non-empty, "ordinaire" among them; proxy
/// cap 0..100.
[[nodiscard]] Status validate_statuts(const Statuts& statuts);

/// The collège of a member from the placement rules (legal persons by kind, persons by RPPS
/// profession code), else the default collège; not_found with a French message otherwise.
[[nodiscard]] Result<std::string> place_member(const Statuts& statuts, MemberKind kind,
                                               std::string_view profession_or_kind);

/// Last day the convocations may leave for an AG held on `assembly` (assembly − delay days).
[[nodiscard]] Date convocation_deadline(const Statuts& statuts, Date assembly);
/// ok when `sent` is on or before the deadline; otherwise invalid_input naming the dates.
[[nodiscard]] Status check_convocation(const Statuts& statuts, Date sent, Date assembly);

[[nodiscard]] std::string_view majority_label(Majority m);  ///< "majorité des deux tiers"

}  // namespace maillage::association
