// The émargement of an assemblée générale: who is present, represented (by a proxy holder),
// excused or absent; which proxies (pouvoirs) hold and which are refused, and why; the quorum per
// collège and overall. Recomputed from scratch on every change, so the page can show it live.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "association/statuts.hpp"
#include "common/error.hpp"

namespace maillage::association {

/// A member with a vote at the AG (the caller keeps those à jour of their dues at its date, or
/// whoever the statuts admit) and their collège.
struct Voter {
  std::string id;
  std::string college;
};

/// What the émargement sheet records; "represented" follows from an accepted proxy.
enum class Presence : std::uint8_t { present, excused, absent };
struct Mark {
  std::string member;
  Presence presence = Presence::present;
};

/// A pouvoir: `giver` is represented by `holder`.
struct Proxy {
  std::string giver;
  std::string holder;
};

enum class Convocation : std::uint8_t { first, second };

enum class ProxyRefusal : std::uint8_t {
  unknown_member,      ///< giver or holder has no vote at this AG
  self,                ///< giver == holder
  not_allowed,         ///< the statuts allow no proxies (cap 0)
  giver_present,       ///< a member present cannot also be represented
  holder_not_present,  ///< the holder must attend (at the AG only)
  chain,               ///< the holder gave their own proxy, or the giver holds one: no chains
  already_given,       ///< one proxy per giver
  over_cap,            ///< the holder already holds ProxyRules::max_per_holder proxies
  other_college,       ///< ProxyRules::same_college_only and the collèges differ
};

struct RefusedProxy {
  Proxy proxy;
  ProxyRefusal reason = ProxyRefusal::unknown_member;
  std::string message;  ///< French, naming both members
};

/// A proxy given online before the AG, against those already accepted: every rule except the
/// holder's presence (unknown then). invalid_input with the French message of the refusal and
/// field "holder" or "giver".
[[nodiscard]] Status check_proxy(const Statuts& statuts, const std::vector<Voter>& roll,
                                 const std::vector<Proxy>& accepted, const Proxy& proxy);

enum class Attendance : std::uint8_t { present, represented, excused, absent };

struct MemberAttendance {
  std::string id;
  std::string college;
  Attendance attendance = Attendance::absent;
  std::string holder;    ///< when represented
  int proxies_held = 0;  ///< when present
};

struct CollegeAttendance {
  std::string college;
  std::string name;
  int members = 0;
  int present = 0;
  int represented = 0;
  int excused = 0;
  int absent = 0;
  [[nodiscard]] int present_or_represented() const { return present + represented; }
  /// present_or_represented / members (0 for a collège without members).
  Ratio rate;
  /// Per-collège quorum: rate >= minimum. A collège without members is not required (true).
  bool quorum_reached = false;
};

struct QuorumReport {
  Convocation convocation = Convocation::first;
  Quorum rule;      ///< the rule of that convocation
  int members = 0;  ///< all voters
  int present_or_represented = 0;
  Ratio rate;  ///< present_or_represented / members, or the weighted rate (Scope::weighted)
  bool reached = false;                     ///< the assembly may deliberate
  std::vector<std::string> colleges_short;  ///< per_college scope: names of collèges below minimum
  std::string explanation;  ///< French, e.g. "quorum atteint : 12 présents ou représentés sur 40
                            ///< (30 %), minimum 1/4"
};

struct AttendanceReport {
  std::vector<MemberAttendance> members;    ///< roll order
  std::vector<CollegeAttendance> colleges;  ///< statuts order
  std::vector<Proxy> accepted;
  std::vector<RefusedProxy> refused;
  QuorumReport quorum;
  [[nodiscard]] const MemberAttendance* find(std::string_view member) const;
};

struct AttendanceInput {
  Convocation convocation = Convocation::first;
  std::vector<Voter> roll;
  std::vector<Mark> marks;     ///< members without a mark are absent
  std::vector<Proxy> proxies;  ///< checked in this order: the first ones take the holder's cap
};

/// Errors (invalid_input, field named): a voter twice on the roll or in an unknown collège, a mark
/// for someone not on the roll or twice. Refused proxies are not errors: they are listed in
/// AttendanceReport::refused and leave their giver excused or absent as marked.
[[nodiscard]] Result<AttendanceReport> tally_attendance(const Statuts& statuts,
                                                        const AttendanceInput& input);

}  // namespace maillage::association
