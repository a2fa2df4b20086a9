// The registry's portfolio (structures of a département with their alerts, territory, referents
// and the pipeline counts), the alerts (the registry's own and other areas' providers) and "Qui
// est mon ROC ?".
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "common/try.hpp"
#include "registry/alerts.hpp"
#include "services/registry.hpp"
#include "services/registry_internal.hpp"
#include "services/registry_repository.hpp"

namespace maillage::services {

using registry::Date;
using registry_detail::lower_kind;

namespace {

// The alerts providers of other areas, process-wide.
struct AlertSources {
  std::mutex mutex;
  std::map<std::string, AlertSource> sources;
};
AlertSources& alert_sources() {
  static AlertSources s;
  return s;
}

std::string severity_of(const registry::Alert& a) {
  if (a.status == registry::AlertStatus::overdue) return "critical";
  if (a.days_left <= 14) return "warning";
  return "info";
}

// The referents of one département, loaded once and resolved in memory for many communes.
struct ReferentIndex {
  struct Area {
    std::int64_t user_id;
    std::string kind;
    std::string code;
    std::string label;
  };
  std::map<std::int64_t, Referent> users;  // active users having an area or a département scope
  std::vector<Area> areas;
  std::vector<std::int64_t> departement_rocs;  // ROC accounts of the département
};

Result<ReferentIndex> load_referent_index(const RegistryRepository& repo,
                                          const std::string& departement) {
  ReferentIndex idx;
  for (auto& a : MAILLAGE_TRY(repo.referent_areas(departement))) {
    idx.areas.push_back({a.user_id, a.kind, a.code, a.label});
    idx.users[a.user_id] = std::move(a.user);
  }
  for (auto& a : MAILLAGE_TRY(repo.sector_areas(departement))) {
    idx.areas.push_back({a.user_id, a.kind, a.code, a.label});
    idx.users[a.user_id] = std::move(a.user);
  }
  for (auto& r : MAILLAGE_TRY(repo.departement_rocs(departement))) {
    idx.departement_rocs.push_back(r.user_id);
    idx.users[r.user_id] = std::move(r);
  }
  return idx;
}

std::string area_basis(const std::string_view level, const ReferentIndex::Area& a,
                       const geo::Referentiel& ref, const geo::Commune& c) {
  if (a.kind == "secteur") return "secteur « " + a.label + " » (découpage en secteurs)";
  if (a.kind == "secteur_suppleant") return "suppléant du secteur « " + a.label + " »";
  if (level == "commune") {
    return "secteur « " + (a.label.empty() ? c.nom : a.label) + " » (commune " + c.nom + ")";
  }
  if (level == "epci") {
    const auto* e = ref.epci(c.epci);
    return "secteur « " + (a.label.empty() ? std::string("EPCI") : a.label) + " » (" +
           (e ? e->nom : c.epci) + ")";
  }
  return "département " + c.departement;
}

// Most specific level first: an area naming the commune, then the sector plan in force (its
// referent, then its deputy), then the EPCI, then the département.
std::vector<Referent> resolve_commune(const ReferentIndex& idx, const geo::Referentiel& ref,
                                      const geo::Commune& c) {
  std::vector<Referent> out;
  for (const char* level : {"commune", "secteur", "secteur_suppleant", "epci", "departement"}) {
    const std::string_view lv = level;
    std::string_view code = lv == "epci" ? c.epci : lv == "departement" ? c.departement : c.code;
    if (code.empty()) continue;
    for (const auto& a : idx.areas) {
      if (a.kind != level || a.code != code) continue;
      Referent r = idx.users.at(a.user_id);
      r.basis = area_basis(level, a, ref, c);
      out.push_back(std::move(r));
    }
    // The sector's deputy comes with its referent, after them.
    if (!out.empty() && lv != "secteur") return out;
  }
  if (!out.empty()) return out;
  for (auto id : idx.departement_rocs) {
    Referent r = idx.users.at(id);
    r.basis = "ROC du département " + c.departement + " (pas de secteur défini)";
    out.push_back(std::move(r));
  }
  return out;
}

void add_unique(std::vector<Referent>& out, const Referent& r) {
  for (auto& o : out) {
    if (o.user_id == r.user_id) return;
  }
  out.push_back(r);
}

// The alerts of other areas' providers for `ids` (never outside them).
Status add_provider_alerts(store::Database& db, const std::vector<std::int64_t>& ids, Date today,
                           std::vector<PortfolioAlert>& out) {
  std::vector<std::pair<std::string, AlertSource>> sources;
  {
    auto& s = alert_sources();
    std::lock_guard lock(s.mutex);
    for (const auto& [name, fn] : s.sources) sources.emplace_back(name, fn);
  }
  std::set<std::int64_t> wanted(ids.begin(), ids.end());
  for (const auto& [name, fn] : sources) {
    for (auto& a : MAILLAGE_TRY(fn(db, ids, today))) {
      if (!wanted.count(a.structure_id)) continue;  // a provider never widens the scope
      if (a.source.empty() || a.source == "registry") a.source = name;
      out.push_back(std::move(a));
    }
  }
  return {};
}

}  // namespace

void add_alert_source(const std::string& name, AlertSource source) {
  auto& s = alert_sources();
  std::lock_guard lock(s.mutex);
  s.sources[name] = std::move(source);
}

void remove_alert_source(const std::string& name) {
  auto& s = alert_sources();
  std::lock_guard lock(s.mutex);
  s.sources.erase(name);
}

Result<std::vector<PortfolioAlert>> Registry::alerts_of(const std::vector<Structure>& structures,
                                                        Date today) const {
  std::vector<PortfolioAlert> out;
  if (structures.empty()) return out;
  std::vector<std::int64_t> ids;
  std::map<std::int64_t, std::size_t> index;
  std::vector<registry::StructureRecord> records;
  for (const auto& s : structures) {
    index[s.id] = records.size();
    ids.push_back(s.id);
    registry::StructureRecord rec;
    rec.id = std::to_string(s.id);
    rec.name = s.name;
    rec.kind = lower_kind(s.kind);
    records.push_back(std::move(rec));
  }
  const RegistryRepository data = repo();
  for (auto& t : MAILLAGE_TRY(data.transitions(ids))) {
    records[index[t.structure_id]].history.push_back(std::move(t.step));
  }
  for (const auto& m : MAILLAGE_TRY(data.milestones(ids))) {
    if (auto d = registry::parse_date(m.date)) {
      records[index[m.structure_id]].milestones[m.milestone] = *d;
    }
  }
  registry::AlertSettings settings;
  settings.as_of = today;
  for (const auto& a : MAILLAGE_TRY(registry::compute_alerts(lifecycles_, records, settings))) {
    PortfolioAlert p;
    p.structure_id = std::stoll(a.structure_id);
    p.date = a.due;
    p.kind = std::string(registry::to_string(a.type));
    p.label = a.message.empty() ? a.label : a.message;
    p.severity = severity_of(a);
    out.push_back(std::move(p));
  }
  // The other areas' dates (contract anniversaries, payments, dialogues) stop with the structure:
  // an abandoned, dissolved or closed structure, or an archived one, has nothing left to follow.
  std::vector<std::int64_t> followed;
  for (const auto& s : structures) {
    const registry::Lifecycle* lc = lifecycle_of(s.kind);
    const registry::State* st = lc ? lc->state(s.stage) : nullptr;
    if (!s.archived() && (st == nullptr || !st->terminal)) followed.push_back(s.id);
  }
  if (!followed.empty()) MAILLAGE_CHECK(add_provider_alerts(*db_, followed, today, out));
  std::stable_sort(out.begin(), out.end(), [](const PortfolioAlert& a, const PortfolioAlert& b) {
    if (a.date != b.date) return a.date < b.date;
    return a.structure_id < b.structure_id;
  });
  return out;
}

Result<std::vector<PortfolioAlert>> Registry::alerts(const Principal& who,
                                                     const std::vector<std::int64_t>& ids,
                                                     Date today) const {
  std::vector<Structure> seen;
  for (auto id : ids) {
    auto s = load_readable(who, id);
    if (!s) {
      if (s.error().code == ErrorCode::forbidden) continue;
      return tl::unexpected(s.error());
    }
    seen.push_back(std::move(*s));
  }
  return alerts_of(seen, today);
}

namespace {

// Pipeline over every structure of the département (filters do not change the counts).
std::vector<PipelineStage> pipeline_of(const Registry& reg, const std::vector<Structure>& all) {
  std::vector<PipelineStage> out;
  std::set<std::string> kinds{"CPTS"};
  for (const auto& s : all) kinds.insert(s.kind);
  for (const char* k : {"CPTS", "MSP", "ESP", "CDS"}) {
    if (!kinds.count(k)) continue;
    const registry::Lifecycle* lc = reg.lifecycle_of(k);
    if (lc == nullptr) continue;
    for (const auto& st : lc->states) {
      PipelineStage ps{k, st.id, st.label, st.terminal, 0};
      for (const auto& s : all) ps.count += (s.kind == k && s.stage == st.id);
      out.push_back(std::move(ps));
    }
  }
  return out;
}

bool keeps(const PortfolioFilter& filter, const std::vector<PortfolioAlert>& alerts) {
  if (!filter.alert) return true;
  if (*filter.alert == "any") return !alerts.empty();
  return std::any_of(alerts.begin(), alerts.end(),
                     [&](const PortfolioAlert& a) { return a.kind == *filter.alert; });
}

}  // namespace

Result<Registry::Surroundings> Registry::territories_and_referents(
    const std::vector<Structure>& structures, const std::string& departement) const {
  std::vector<std::int64_t> ids;
  for (const auto& s : structures) ids.push_back(s.id);
  const RegistryRepository data = repo();
  Surroundings out;
  out.territories = MAILLAGE_TRY(data.territories(ids));
  auto refs = MAILLAGE_TRY(load_referent_index(data, departement));
  auto explicit_refs = MAILLAGE_TRY(data.referent_names(ids));
  for (const auto& s : structures) {
    // Referents: named ones, else the sector of the head office or of the territory.
    std::vector<Referent>& found = out.referents[s.id];
    if (auto it = explicit_refs.find(s.id); it != explicit_refs.end()) {
      found = it->second;
      continue;
    }
    std::vector<std::string> codes;
    if (!s.commune.empty())
      codes.push_back(s.commune);
    else
      codes = out.territories[s.id];
    for (const auto& code : codes) {
      if (const auto* c = ref_->commune(code)) {
        for (const auto& r : resolve_commune(refs, *ref_, *c)) add_unique(found, r);
      }
    }
  }
  return out;
}

Result<std::vector<std::int64_t>> Registry::followed_structures(
    const Principal& who, const std::string& departement) const {
  StructureFilter sf;
  sf.departement = departement;
  auto all = MAILLAGE_TRY(list_structures(who, sf));
  auto around = MAILLAGE_TRY(territories_and_referents(all, departement));
  std::vector<std::int64_t> out;
  for (const auto& s : all) {
    for (const auto& r : around.referents[s.id]) {
      if (r.user_id == who.user_id) {
        out.push_back(s.id);
        break;
      }
    }
  }
  return out;
}

Result<Portfolio> Registry::portfolio(const Principal& who, const std::string& departement,
                                      const PortfolioFilter& filter, Date today) const {
  const geo::Departement* dep = ref_->departement(departement);
  if (dep == nullptr) {
    return fail(ErrorCode::not_found, fmt::format("Le département {} n'existe pas.", departement),
                "departement");
  }
  if (filter.kind && !valid_structure_kind(*filter.kind)) {
    return fail(ErrorCode::invalid_input, "Type attendu : CPTS, MSP, ESP ou CDS.", "type");
  }
  StructureFilter sf;
  sf.departement = departement;
  auto all = MAILLAGE_TRY(list_structures(who, sf));

  Portfolio p;
  p.departement = dep->code;
  p.departement_name = dep->nom;
  p.as_of = today;
  p.total = static_cast<std::int64_t>(all.size());
  p.pipeline = pipeline_of(*this, all);

  std::vector<Structure> selected;
  for (auto& s : all) {
    if (filter.kind && s.kind != *filter.kind) continue;
    if (filter.stage && s.stage != *filter.stage) continue;
    selected.push_back(s);
  }
  auto alerts = MAILLAGE_TRY(alerts_of(selected, today));
  auto around = MAILLAGE_TRY(territories_and_referents(selected, departement));

  for (auto& s : selected) {
    PortfolioEntry e;
    for (const auto& a : alerts) {
      if (a.structure_id == s.id) e.alerts.push_back(a);
    }
    if (!keeps(filter, e.alerts)) continue;
    for (const auto& a : e.alerts) {
      if (a.date >= today) {
        e.next_deadline = a;
        break;
      }
    }
    if (!e.next_deadline && !e.alerts.empty()) e.next_deadline = e.alerts.front();
    const auto& communes = around.territories[s.id];
    e.territory_communes = static_cast<std::int64_t>(communes.size());
    for (const auto& code : communes) {
      if (const auto* c = ref_->commune(code)) e.territory_population += c->population;
    }
    for (const auto& r : around.referents[s.id]) {
      e.referents.push_back(r.display_name);
      e.referent_ids.push_back(r.user_id);
    }
    if (filter.mine && std::find(e.referent_ids.begin(), e.referent_ids.end(), who.user_id) ==
                           e.referent_ids.end()) {
      continue;
    }
    e.structure = std::move(s);
    p.entries.push_back(std::move(e));
  }
  return p;
}

Result<std::vector<Referent>> Registry::referents_of_area(const std::string& commune) const {
  const geo::Commune* c = ref_->commune(commune);
  if (c == nullptr) {
    return fail(ErrorCode::not_found, fmt::format("La commune {} n'existe pas.", commune),
                "commune");
  }
  auto idx = MAILLAGE_TRY(load_referent_index(repo(), c->departement));
  return resolve_commune(idx, *ref_, *c);
}

Result<std::vector<Referent>> Registry::referents_of_commune(const std::string& commune) const {
  return referents_of_area(commune);
}

Result<std::vector<Referent>> Registry::referents_of_structure(const Principal& who,
                                                               std::int64_t id) const {
  auto s = MAILLAGE_TRY(load_readable(who, id));
  const RegistryRepository data = repo();
  auto out = MAILLAGE_TRY(data.structure_referents(id));
  for (auto& r : out) r.basis = "référent de la structure";
  if (!out.empty()) return out;
  auto idx = MAILLAGE_TRY(load_referent_index(data, s.departement));
  if (const auto* c = s.commune.empty() ? nullptr : ref_->commune(s.commune)) {
    return resolve_commune(idx, *ref_, *c);
  }
  auto t = MAILLAGE_TRY(data.territories({id}));
  for (const auto& code : t[id]) {
    if (const auto* c = ref_->commune(code)) {
      for (const auto& r : resolve_commune(idx, *ref_, *c)) add_unique(out, r);
    }
  }
  if (!out.empty()) return out;
  for (auto uid : idx.departement_rocs) {
    Referent r = idx.users.at(uid);
    r.basis = "ROC du département " + s.departement;
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace maillage::services
