// The result of a resolution, with its arithmetic laid out for the pages and the procès-verbal.
//
// Per collège c, with n_c its pour (contre, abstentions) and b_c its base — the exprimés (pour +
// contre, + abstentions when the statuts count them) for a simple or two-thirds majority, the
// members present or represented for an absolute majority:
//   - head_count:  contribution_c = n_c, total base = Σ b_c;
//   - fixed_share: contribution_c = share_c × n_c / b_c, total base = Σ share_c over the collèges
//                  with b_c > 0 (EmptyCollegeShare::redistributed) or 1 (lost).
// Adopted when Σ pour contributions > 1/2 × total base (simple, absolute) or ≥ 2/3 × total base
// (two thirds). Everything is an exact Ratio; the head count is always computed alongside so that
// a page can show where the weights changed the outcome.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "association/attendance.hpp"
#include "association/statuts.hpp"
#include "common/error.hpp"

namespace maillage::association {

enum class Ballot : std::uint8_t { pour, contre, abstention };

/// One member's vote (a proxy holder records one per member they represent, under the giver's id:
/// the vote counts in the giver's collège).
struct Vote {
  std::string member;
  Ballot ballot = Ballot::pour;
};

/// Secret ballot: the counts per collège, as read from the urns.
struct CollegeCount {
  std::string college;
  int pour = 0;
  int contre = 0;
  int abstention = 0;
};

struct CollegeTally {
  std::string college;
  std::string name;
  int voters = 0;  ///< present or represented
  int pour = 0;
  int contre = 0;
  int abstention = 0;
  int non_votants = 0;   ///< voters who cast nothing
  int base = 0;          ///< b_c (see the header comment)
  Ratio weight;          ///< share_c (fixed_share) or 1 (head_count, per vote)
  bool counted = false;  ///< b_c > 0
  Ratio weighted_pour;   ///< contribution_c of the pour
  Ratio weighted_contre;
  Ratio weighted_abstention;  ///< share × abstentions / b_c: inside the base only when exprimées
};

struct VoteResult {
  std::string kind;  ///< ResolutionKind::id
  Majority majority = Majority::simple;
  WeightMode mode = WeightMode::head_count;
  bool abstentions_expressed = false;
  std::vector<CollegeTally> colleges;  ///< statuts order
  Ratio total_pour;
  Ratio total_contre;
  Ratio total_base;
  Ratio threshold;     ///< 1/2 or 2/3
  bool strict = true;  ///< "more than" (1/2) or "at least" (2/3)
  Ratio required;      ///< threshold × total_base
  bool adopted = false;
  // The same resolution counted one member one voice, for comparison.
  int head_pour = 0;
  int head_contre = 0;
  int head_abstention = 0;
  int head_base = 0;
  bool head_adopted = false;
  std::string
      explanation;  ///< French: "pour 11/20 des voix pondérées, il en faut plus de 1/2 : adoptée"
};

/// From individual votes. Errors (field named): the assembly has no quorum (invalid_transition),
/// an unknown resolution kind, a vote by someone neither present nor represented, a member voting
/// twice.
[[nodiscard]] Result<VoteResult> count_votes(const Statuts& statuts,
                                             const AttendanceReport& attendance,
                                             std::string_view kind, const std::vector<Vote>& votes);

/// From counts per collège (secret ballot); collèges not listed cast nothing. Errors: no quorum,
/// unknown kind or collège, a collège listed twice, a negative count, more ballots than voters.
[[nodiscard]] Result<VoteResult> count_secret_ballot(const Statuts& statuts,
                                                     const AttendanceReport& attendance,
                                                     std::string_view kind,
                                                     const std::vector<CollegeCount>& counts);

}  // namespace maillage::association
