#include "services/diagnostic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <map>
#include <set>
#include <unordered_map>

#include "common/try.hpp"
#include "diagnostic/professions.hpp"
#include "registry/lifecycle.hpp"
#include "services/diagnostic_repository.hpp"

namespace maillage::services {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

RegionOfDepartement region_lookup(const geo::Referentiel& ref) {
  return [&ref](std::string_view dep) -> std::string {
    const auto* d = ref.departement(dep);
    return d ? d->region : std::string();
  };
}

// Adds the commune of `code` to the selection; a municipal arrondissement stands for its
// commune (supply and accessibility are per commune).
Status add_commune(const geo::Referentiel& ref, const std::string& code, const char* field,
                   std::vector<geo::CommuneIndex>& members) {
  const geo::Commune* com = ref.commune(code);
  if (com != nullptr && com->arrondissement) com = ref.commune(com->parent);
  if (com == nullptr) {
    return fail(ErrorCode::invalid_input, fmt::format("commune inconnue : {}", code), field);
  }
  members.push_back(ref.index_of(*com));
  return {};
}

// The communes of the selection (exactly one of communes, EPCI, structure) with the report's
// kind, value and title.
Status select_members(store::Database& db, const geo::Referentiel& ref, const Principal& who,
                      const DiagnosticSelection& selection, std::size_t max_communes,
                      DiagnosticReport& report, std::vector<geo::CommuneIndex>& members) {
  if (!selection.communes.empty()) {
    if (selection.communes.size() > max_communes) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("au plus {} communes par diagnostic", max_communes), "communes");
    }
    for (const auto& code : selection.communes) {
      MAILLAGE_CHECK(add_commune(ref, code, "communes", members));
    }
    report.kind = "communes";
    report.value = fmt::format("{}", fmt::join(selection.communes, ","));
    return {};
  }
  if (!selection.epci.empty()) {
    const geo::Epci* e = ref.epci(selection.epci);
    if (e == nullptr) {
      return fail(ErrorCode::not_found, fmt::format("EPCI {} introuvable", selection.epci), "epci");
    }
    members = e->members;
    report.kind = "epci";
    report.value = e->code;
    report.title = e->nom;
    return {};
  }
  const std::int64_t id = *selection.structure;
  DiagnosticRepository repo(db);
  auto s = MAILLAGE_TRY(repo.structure(id));
  if (!s)
    return fail(ErrorCode::not_found, fmt::format("structure {} introuvable", id), "structure");
  if (!covers_structure(who, id, s->departement, region_lookup(ref))) {
    return fail(ErrorCode::forbidden, "cette structure est hors de votre périmètre", "structure");
  }
  auto codes = MAILLAGE_TRY(repo.territory(id));
  if (codes.empty()) {
    return fail(ErrorCode::invalid_input,
                "le territoire de cette structure ne contient encore aucune commune", "structure");
  }
  for (const auto& code : codes) MAILLAGE_CHECK(add_commune(ref, code, "structure", members));
  report.kind = "structure";
  report.value = std::to_string(id);
  report.title = s->name;
  return {};
}

// Structures whose territory meets the selection, or whose head office is in it; the stage only
// for those in the viewer's scope.
Result<std::vector<diagnostic::StructureInput>> structures_meeting(
    store::Database& db, const geo::Referentiel& ref, const Principal& who,
    const std::vector<std::string>& codes,
    const std::unordered_map<std::string, std::string>& stage_labels) {
  auto rows = MAILLAGE_TRY(DiagnosticRepository(db).structures_meeting(codes));
  const auto region_of = region_lookup(ref);
  std::map<std::int64_t, diagnostic::StructureInput> found;
  for (const auto& r : rows) {
    const bool mine = covers_structure(who, r.id, r.departement, region_of);
    diagnostic::StructureInput in_scope{r.id, r.kind, r.name, {}, {}};
    if (mine) {
      in_scope.stage = r.stage;
      auto label = stage_labels.find(in_scope.kind + "/" + in_scope.stage);
      in_scope.stage_label = label == stage_labels.end() ? in_scope.stage : label->second;
    }
    found[r.id] = std::move(in_scope);
  }
  std::vector<diagnostic::StructureInput> out;
  for (auto& [id, s] : found) out.push_back(std::move(s));
  return out;
}

}  // namespace

struct Diagnostics::Cache {
  std::optional<SnapshotRef> current;
  std::optional<SnapshotRef> previous;
  // Per commune index of the référentiel (an arrondissement's supply is in its commune).
  std::vector<diagnostic::SupplyByProfession> supply;
  std::vector<diagnostic::SupplyByProfession> previous_supply;
  // Per département / région index of the référentiel, and France.
  std::vector<diagnostic::AreaInput> departements;
  std::vector<diagnostic::AreaInput> regions;
  diagnostic::AreaInput france;
  std::unordered_map<std::string, std::size_t> departement_index, region_index;
  // Accessibility per commune index; empty when there is no snapshot (no supply to reach).
  std::vector<double> access;
  std::vector<std::uint8_t> has_access;
  std::size_t pairs = 0;
  std::size_t departements_with_supply = 0;
  double build_ms = 0;
};

Diagnostics::Diagnostics(store::Database& db, const geo::Referentiel& ref,
                         std::shared_ptr<SupplySource> source, DiagnosticSettings settings)
    : db_(db), ref_(ref), source_(std::move(source)), settings_(std::move(settings)) {
  // Stage labels from the lifecycle tables built into the binary (the registry's rules); a
  // stage without a label is shown by its id.
  if (auto lifecycles = registry::builtin_lifecycles()) {
    for (const auto& l : lifecycles->items) {
      std::string kind = l.kind;
      for (auto& ch : kind) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      for (const auto& st : l.states) stage_labels_[kind + "/" + st.id] = st.label;
    }
  }
}

Diagnostics::~Diagnostics() = default;

void Diagnostics::invalidate() {
  std::lock_guard lock(mutex_);
  cache_.reset();
}

Result<std::shared_ptr<const Diagnostics::Cache>> Diagnostics::cache() {
  auto snapshots = source_->latest(2);
  if (!snapshots) return tl::unexpected(snapshots.error());
  std::lock_guard lock(mutex_);
  auto same = [](const std::optional<SnapshotRef>& cached, const SnapshotRef* now) {
    return cached ? (now != nullptr && now->id == cached->id) : now == nullptr;
  };
  if (cache_) {
    const SnapshotRef* cur = snapshots->empty() ? nullptr : &(*snapshots)[0];
    const SnapshotRef* prev = snapshots->size() < 2 ? nullptr : &(*snapshots)[1];
    if (same(cache_->current, cur) && same(cache_->previous, prev)) return cache_;
  }
  // Built under the lock: concurrent first requests wait for one build instead of each
  // computing the national map.
  auto built = build_cache(std::move(*snapshots));
  if (!built) return tl::unexpected(built.error());
  cache_ = *built;
  return cache_;
}

Result<std::shared_ptr<const Diagnostics::Cache>> Diagnostics::build_cache(
    std::vector<SnapshotRef> snapshots) {
  const auto t0 = Clock::now();
  auto c = std::make_shared<Cache>();
  if (!snapshots.empty()) c->current = snapshots[0];
  if (snapshots.size() > 1) c->previous = snapshots[1];
  const std::size_t n = ref_.communes.size();
  c->supply.resize(n);

  // Commune index of a code; arrondissements count in their commune.
  auto commune_of = [&](const std::string& code) -> std::optional<geo::CommuneIndex> {
    const geo::Commune* com = ref_.commune(code);
    if (com == nullptr) return std::nullopt;
    if (com->arrondissement) com = ref_.commune(com->parent);
    if (com == nullptr) return std::nullopt;
    return ref_.index_of(*com);
  };
  auto load = [&](std::int64_t snapshot,
                  std::vector<diagnostic::SupplyByProfession>& into) -> Status {
    into.assign(n, {});
    auto rows = MAILLAGE_TRY(source_->commune_supply(snapshot));
    for (const auto& r : rows) {
      // The importer only keeps communes of the référentiel; a référentiel rebuilt since then
      // may have merged some away: their supply cannot be placed and is left out.
      if (auto i = commune_of(r.commune)) into[*i][r.profession] += r.supply;
    }
    return {};
  };
  if (c->current) MAILLAGE_CHECK(load(c->current->id, c->supply));
  if (c->previous) MAILLAGE_CHECK(load(c->previous->id, c->previous_supply));

  // Area aggregates over current communes (arrondissements are inside their commune).
  c->departements.resize(ref_.departements.size());
  for (std::size_t d = 0; d < ref_.departements.size(); ++d) {
    const auto& dep = ref_.departements[d];
    c->departements[d].code = dep.code;
    c->departements[d].nom = dep.nom;
    c->departement_index[dep.code] = d;
  }
  c->regions.resize(ref_.regions.size());
  for (std::size_t r = 0; r < ref_.regions.size(); ++r) {
    c->regions[r].code = ref_.regions[r].code;
    c->regions[r].nom = ref_.regions[r].nom;
    c->region_index[ref_.regions[r].code] = r;
  }
  c->france.code = "FR";
  c->france.nom = "France";
  for (std::size_t i = 0; i < n; ++i) {
    const geo::Commune& com = ref_.communes[i];
    if (com.arrondissement) continue;
    diagnostic::AreaInput* areas[3] = {&c->france, nullptr, nullptr};
    if (auto it = c->departement_index.find(com.departement); it != c->departement_index.end()) {
      areas[1] = &c->departements[it->second];
    }
    if (auto it = c->region_index.find(com.region); it != c->region_index.end()) {
      areas[2] = &c->regions[it->second];
    }
    for (auto* a : areas) {
      if (a == nullptr) continue;
      a->population += com.population;
      for (const auto& [key, s] : c->supply[i]) a->supply[key] += s;
    }
  }

  for (const auto& d : c->departements) c->departements_with_supply += d.supply.empty() ? 0 : 1;

  // The national accessibility map of general practitioners.
  if (c->current) {
    std::vector<access::GeoPoint> points;
    std::vector<double> population, fte;
    std::vector<geo::CommuneIndex> index;
    points.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const geo::Commune& com = ref_.communes[i];
      if (com.arrondissement) continue;
      points.push_back({com.position.lat, com.position.lon});
      population.push_back(static_cast<double>(com.population));
      auto it = c->supply[i].find(std::string(diagnostic::kGeneralPractitioner));
      fte.push_back(it == c->supply[i].end() ? 0.0 : it->second.fte);
      index.push_back(static_cast<geo::CommuneIndex>(i));
    }
    auto map = diagnostic::compute_access_map(points, population, fte, settings_.access);
    if (!map) return tl::unexpected(map.error());
    c->access.assign(n, 0.0);
    c->has_access.assign(n, 0);
    for (std::size_t k = 0; k < index.size(); ++k) {
      c->access[index[k]] = map->access[k];
      c->has_access[index[k]] = 1;
    }
    c->pairs = map->pairs;
  }
  c->build_ms = ms_since(t0);
  return std::shared_ptr<const Cache>(std::move(c));
}

Result<std::vector<StructureChoice>> Diagnostics::structures(const Principal& who) {
  auto rows = MAILLAGE_TRY(DiagnosticRepository(db_).structures_with_territory());
  const auto region_of = region_lookup(ref_);
  std::vector<StructureChoice> out;
  for (const auto& r : rows) {
    if (!covers_structure(who, r.id, r.departement, region_of)) continue;
    out.push_back({r.id, r.kind, r.name});
  }
  return out;
}

Result<DiagnosticReport> Diagnostics::diagnose(const Principal& who,
                                               const DiagnosticSelection& selection,
                                               std::optional<double> threshold) {
  const auto t0 = Clock::now();
  const int given = (selection.communes.empty() ? 0 : 1) + (selection.epci.empty() ? 0 : 1) +
                    (selection.structure ? 1 : 0);
  if (given != 1) {
    return fail(ErrorCode::invalid_input,
                "indiquez exactement une sélection : des communes, un EPCI ou une structure",
                "communes");
  }
  const double seuil = threshold.value_or(settings_.threshold);
  if (!std::isfinite(seuil) || seuil < 0 || seuil > 1000) {
    return fail(ErrorCode::invalid_input, "le seuil doit être un nombre entre 0 et 1000", "seuil");
  }

  DiagnosticReport report;
  std::vector<geo::CommuneIndex> members;
  MAILLAGE_CHECK(
      select_members(db_, ref_, who, selection, settings_.max_communes, report, members));
  std::sort(members.begin(), members.end());
  members.erase(std::unique(members.begin(), members.end()), members.end());
  if (report.title.empty()) {
    report.title = members.size() == 1 ? ref_.communes[members[0]].nom
                                       : fmt::format("{} communes", members.size());
  }

  auto cached = MAILLAGE_TRY(cache());
  const Cache& c = *cached;

  diagnostic::Input in;
  auto professions = diagnostic::primary_care_professions();
  in.professions.assign(professions.begin(), professions.end());
  std::map<std::string, std::int64_t> population_by_dep;
  std::set<std::string> deps;
  for (auto i : members) {
    const geo::Commune& com = ref_.communes[i];
    diagnostic::CommuneInput ci;
    ci.code = com.code;
    ci.nom = com.nom;
    ci.population = com.population;
    if (c.current) ci.supply = c.supply[i];
    if (!c.has_access.empty() && c.has_access[i]) ci.access = c.access[i];
    in.communes.push_back(std::move(ci));
    report.commune_codes.push_back(com.code);
    population_by_dep[com.departement] += com.population;
    deps.insert(com.departement);
  }
  report.departements.assign(deps.begin(), deps.end());
  // The territory is compared with the département holding most of its inhabitants (a CPTS may
  // straddle a border), and with that département's région.
  if (!population_by_dep.empty()) {
    auto main = std::max_element(population_by_dep.begin(), population_by_dep.end(),
                                 [](const auto& a, const auto& b) { return a.second < b.second; });
    if (auto it = c.departement_index.find(main->first); it != c.departement_index.end()) {
      in.departement = c.departements[it->second];
      const auto* dep = ref_.departement(main->first);
      if (dep != nullptr) {
        if (auto r = c.region_index.find(dep->region); r != c.region_index.end()) {
          in.region = c.regions[r->second];
        }
      }
    }
  }
  in.france = c.france;

  // Structures whose territory meets the selection, or whose head office is in it.
  in.structures =
      MAILLAGE_TRY(structures_meeting(db_, ref_, who, report.commune_codes, stage_labels_));

  // Who is present now and before, for arrivals and departures.
  if (c.current) {
    in.snapshot_date = c.current->extract_date;
    auto now = MAILLAGE_TRY(source_->people(c.current->id, report.commune_codes));
    for (auto& p : now) in.people.push_back(std::move(p.person));
    if (c.previous) {
      diagnostic::PreviousSnapshot prev;
      prev.date = c.previous->extract_date;
      for (auto i : members) {
        for (const auto& [key, s] : c.previous_supply[i]) prev.supply[key] += s;
      }
      auto before = MAILLAGE_TRY(source_->people(c.previous->id, report.commune_codes));
      for (auto& p : before) prev.people.push_back(std::move(p.person));
      in.previous = std::move(prev);
    }
  }

  report.result = MAILLAGE_TRY(diagnostic::compute_diagnostic(in, diagnostic::Parameters{seuil}));
  report.snapshot = c.current;
  report.previous = c.previous;
  report.access = settings_.access;
  report.threshold = seuil;
  report.access_pairs = c.pairs;
  report.departements_with_supply = c.departements_with_supply;
  report.departements_total = c.departements.size();
  report.cache_build_ms = c.build_ms;
  // The whole call, the cache build included when this request paid for it (cache_build_ms).
  report.compute_ms = ms_since(t0);
  return report;
}

}  // namespace maillage::services
