#include "services/home.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "common/try.hpp"

namespace maillage::services {

namespace {

constexpr std::size_t kMaxDecisions = 30;
constexpr std::size_t kMaxAlerts = 30;

}  // namespace

Result<HomeView> Home::view(const Principal& who, registry::Date today) const {
  HomeView out;
  auto structures = MAILLAGE_TRY(registry_.list_structures(who, StructureFilter{}));
  out.structures = static_cast<std::int64_t>(structures.size());
  if (scope_kind(who.role) == ScopeKind::structures) out.own = structures;

  // Counts by kind and stage, in the order of each kind's lifecycle table.
  std::map<std::pair<std::string, std::string>, std::int64_t> counts;
  std::vector<std::string> kinds;
  for (const auto& s : structures) {
    if (std::find(kinds.begin(), kinds.end(), s.kind) == kinds.end()) kinds.push_back(s.kind);
    ++counts[{s.kind, s.stage}];
  }
  std::sort(kinds.begin(), kinds.end());
  for (const auto& kind : kinds) {
    const registry::Lifecycle* lc = registry_.lifecycle_of(kind);
    if (lc == nullptr) continue;
    for (const auto& state : lc->states) {
      auto it = counts.find({kind, state.id});
      if (it != counts.end()) out.stages.push_back({kind, state.id, state.label, it->second});
    }
  }

  // Decisions that belong to this user: steps they record that no porteur records.
  std::map<std::int64_t, const Structure*> by_id;
  for (const auto& s : structures) {
    by_id[s.id] = &s;
    auto moves = MAILLAGE_TRY(registry_.allowed_transitions(who, s));
    for (const auto& m : moves) {
      if (m.may_record && m.institutional && !m.terminal) {
        out.decisions.push_back({s, m.event, m.label, m.to_label});
      }
    }
  }
  std::stable_sort(out.decisions.begin(), out.decisions.end(),
                   [](const HomeDecision& a, const HomeDecision& b) {
                     return a.structure.name < b.structure.name;
                   });
  if (out.decisions.size() > kMaxDecisions) out.decisions.resize(kMaxDecisions);

  // Deadlines overdue or within two weeks.
  std::vector<std::int64_t> ids;
  ids.reserve(structures.size());
  for (const auto& s : structures) ids.push_back(s.id);
  auto alerts = MAILLAGE_TRY(registry_.alerts(who, ids, today));
  // The structures this referent follows, as the portfolio's "Mon secteur" finds them (named
  // referent, else referent or deputy of the sector of the head office or territory).
  std::set<std::int64_t> followed;
  if (who.role == Role::roc) {
    for (const auto& d : who.departements) {
      for (auto id : MAILLAGE_TRY(registry_.followed_structures(who, d))) followed.insert(id);
    }
  }
  out.follows = !followed.empty();
  for (auto& a : alerts) {
    if (a.severity != "warning" && a.severity != "critical") continue;
    auto it = by_id.find(a.structure_id);
    const bool mine = followed.count(a.structure_id) > 0;
    out.alerts.push_back({std::move(a), it == by_id.end() ? std::string() : it->second->name, mine});
  }
  std::stable_sort(out.alerts.begin(), out.alerts.end(), [](const HomeAlert& a, const HomeAlert& b) {
    if (a.followed != b.followed) return a.followed;
    bool ac = a.alert.severity == "critical";
    bool bc = b.alert.severity == "critical";
    if (ac != bc) return ac;
    return a.alert.date < b.alert.date;
  });
  if (out.alerts.size() > kMaxAlerts) out.alerts.resize(kMaxAlerts);
  return out;
}

}  // namespace maillage::services
