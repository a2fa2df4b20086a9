// Shared statuts and rolls of the association tests: a CPTS with three collèges weighted 2/5, 2/5
// and 1/5 — "médecins" (10 members m1..m10), "autres professionnels de santé" (20 members
// p1..p20), "établissements et médico-social" (5 members e1..e5): 35 voters.
#pragma once

#include <string>
#include <vector>

#include "association/attendance.hpp"
#include "association/statuts.hpp"
#include "association/vote.hpp"

namespace maillage::association::testing {

inline Statuts cpts_statuts() {
  Statuts s;
  s.colleges = {{"med", "Médecins", Ratio(2, 5)},
                {"ps", "Autres professionnels de santé", Ratio(2, 5)},
                {"etab", "Établissements et médico-social", Ratio(1, 5)}};
  s.weight_mode = WeightMode::fixed_share;
  s.placement = {{"med", {"10"}, {}},
                 {"ps", {"21", "40", "50", "60", "70"}, {"pharmacie"}},
                 {"etab", {}, {"ehpad", "etablissement"}}};
  s.first_quorum = {Quorum::Scope::global, Ratio(1, 4)};
  s.second_quorum = {Quorum::Scope::none, Ratio(0)};
  s.proxies = {2, false};
  return s;
}

inline std::vector<Voter> cpts_roll() {
  std::vector<Voter> roll;
  for (int i = 1; i <= 10; ++i) roll.push_back({"m" + std::to_string(i), "med"});
  for (int i = 1; i <= 20; ++i) roll.push_back({"p" + std::to_string(i), "ps"});
  for (int i = 1; i <= 5; ++i) roll.push_back({"e" + std::to_string(i), "etab"});
  return roll;
}

/// Marks present the members `prefix`1 .. `prefix`n.
inline void present(std::vector<Mark>& marks, const std::string& prefix, int n) {
  for (int i = 1; i <= n; ++i) marks.push_back({prefix + std::to_string(i), Presence::present});
}

/// `n` votes `ballot` by `prefix`from .. `prefix`(from + n − 1).
inline void votes(std::vector<Vote>& out, const std::string& prefix, int from, int n,
                  Ballot ballot) {
  for (int i = from; i < from + n; ++i) out.push_back({prefix + std::to_string(i), ballot});
}

}  // namespace maillage::association::testing
