// Shared by association_ag.cpp and association_ag_documents.cpp: everything known about one AG
// (stored rows, the statuts that apply, the roll) and the view built from it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "association/attendance.hpp"
#include "association/statuts.hpp"
#include "association/vote.hpp"
#include "common/dates.hpp"
#include "services/association.hpp"
#include "services/association_ag.hpp"
#include "services/association_ag_repository.hpp"
#include "services/association_repository.hpp"

namespace maillage::services::ag {

struct Context {
  StatutsView statuts;  // structure name and the caller's access level
  AssemblyRow row;
  StatutsInput rules;  // frozen at the opening, else the current statuts
  association::Statuts engine;
  std::vector<MemberRow> members;
  std::map<std::int64_t, std::size_t> member_index;  // id → members[i]
  std::vector<RollRow> roll;        // frozen (open, closed) or computed for the AG date
  std::vector<MemberRow> convened;  // members not radiated at the AG date (the convocations)
  std::vector<std::string> roll_notes;
  std::vector<ProxyRow> proxies;
  std::vector<ResolutionRow> resolutions;
  std::vector<VoteRow> votes;
  std::vector<BallotCountRow> counts;
  std::vector<ConvocationRow> convocations;
  std::optional<MemberRow> me;  // the member record carrying the login's e-mail (role member)

  [[nodiscard]] const MemberRow* member(std::int64_t id) const;
  [[nodiscard]] std::string name(std::int64_t id) const;  // "DURAND Marie" or "membre n° 12"
  [[nodiscard]] bool on_roll(std::int64_t id) const;
  [[nodiscard]] std::string college_name(const std::string& id) const;
  [[nodiscard]] bool frozen() const { return row.status != "preparation"; }
};

/// Everything about one AG as `who` may see it (access checked, not_found otherwise).
Result<Context> load_context(store::Database& db, const Association& association,
                             const Principal& who, std::int64_t structure_id,
                             std::int64_t assembly_id);
/// The engine's input: the roll with its émargement, the proxies in the order given.
association::AttendanceInput attendance_input(const Context& ctx);
/// "jeudi 12 juin 2026".
std::string long_date(Date d);
/// "assemblée générale ordinaire".
std::string kind_label(const std::string& kind);
/// The engine's messages name members by id (« 12 »): their names instead.
std::string with_names(const std::string& message, const Context& ctx);
/// The convocation letter (e-mail text and ODT letter alike).
std::string convocation_text(const Context& ctx, const std::string& member_name,
                             const std::string& link);
/// The view; `names` false leaves out every name (the steering roles).
Result<AssemblyView> build_view(const Context& ctx, bool names);
/// The AG as a calendar event.
CalendarEvent event_of(const AssemblyRow& row, const std::string& structure_name,
                       const std::vector<ResolutionRow>& resolutions);

}  // namespace maillage::services::ag
