// Coverage of an area and the observatory (Territories::coverage / observatory), over the cached
// snapshot of every CPTS territory.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/try.hpp"
#include "coverage/proposals.hpp"
#include "services/territory.hpp"
#include "services/territory_internal.hpp"
#include "services/territory_repository.hpp"

namespace maillage::services {

using territory_detail::percent;

namespace {

constexpr std::size_t kMaxListedZones = 50;  // white zones listed for a région or France
constexpr std::size_t kMaxNamesPerZone = 5;

}  // namespace

Result<std::shared_ptr<const Territories::Snapshot>> Territories::snapshot() {
  auto fingerprint = MAILLAGE_TRY(repo_->fingerprint());
  {
    std::lock_guard lock(cache_mutex_);
    if (cache_ && cache_->fingerprint == fingerprint) return cache_;
  }
  auto rows = MAILLAGE_TRY(repo_->cpts_communes());
  auto snap = std::make_shared<Snapshot>();
  snap->fingerprint = fingerprint;
  for (const auto& r : rows) {
    if (snap->meta.empty() || snap->meta.back().id != r.id) {
      TerritoryStructure s{r.id, "CPTS", r.name, r.departement, r.stage, "", r.version};
      s.stage_label = stage_label("cpts", s.stage);
      snap->meta.push_back(s);
      snap->territories.push_back({std::to_string(r.id), s.name, s.stage, {}});
    }
    if (const geo::Commune* c = ref_.commune(r.commune)) {
      snap->territories.back().communes.push_back(ref_.index_of(*c));
    }
  }
  snap->cover.emplace(MAILLAGE_TRY(coverage::Cover::compute(graph_, snap->territories, filters_)));
  std::shared_ptr<const Snapshot> out = std::move(snap);
  std::lock_guard lock(cache_mutex_);
  cache_ = out;
  return out;
}

bool Territories::may_see_area(const Principal& who, const coverage::Area& area,
                               const std::vector<geo::CommuneIndex>& units) const {
  auto region_of = [this](std::string_view dep) {
    const auto* d = ref_.departement(dep);
    return d ? d->region : std::string();
  };
  switch (area.kind) {
    case coverage::AreaKind::france:
      return who.role == Role::admin || who.role == Role::observer;
    case coverage::AreaKind::region:
      return covers_region(who, area.code);
    case coverage::AreaKind::departement:
      return covers_departement(who, area.code, region_of);
    case coverage::AreaKind::epci: {
      bool allowed = !units.empty();
      for (auto u : units) {
        allowed = allowed && covers_departement(who, ref_.communes[u].departement, region_of);
      }
      return allowed;
    }
  }
  return false;
}

std::vector<std::string> Territories::codes_of(const std::vector<geo::CommuneIndex>& us) const {
  std::vector<std::string> codes;
  for (auto u : us) codes.push_back(ref_.communes[u].code);
  return codes;
}

CommuneGroup Territories::group_of(const std::vector<geo::CommuneIndex>& us,
                                   std::int64_t population, bool detailed) const {
  CommuneGroup g;
  g.population = population;
  g.commune_count = static_cast<std::int64_t>(us.size());
  for (std::size_t i = 0; i < us.size() && i < kMaxNamesPerZone; ++i) {
    g.examples.push_back(ref_.communes[us[i]].nom);
  }
  if (detailed) g.communes = codes_of(us);
  return g;
}

void Territories::add_overlaps(CoverageReport& out, const Snapshot& snap,
                               const std::vector<geo::CommuneIndex>& units,
                               std::size_t filter) const {
  const auto& meta = snap.meta;
  auto ov = coverage::overlaps(*snap.cover, units, filter);
  for (const auto& p : ov.pairs) {
    out.overlaps.pairs.push_back({{meta[p.a].id, meta[p.a].name},
                                  {meta[p.b].id, meta[p.b].name},
                                  group_of(p.units, p.population, out.detailed)});
  }
  out.overlaps.commune_count = static_cast<std::int64_t>(ov.units.size());
  out.overlaps.population = ov.population;
  if (out.detailed) out.overlaps.communes = codes_of(ov.units);
}

Status Territories::add_proposals(CoverageReport& out, const Snapshot& snap,
                                  const std::vector<geo::CommuneIndex>& units,
                                  std::size_t filter) const {
  const auto& meta = snap.meta;
  auto props = MAILLAGE_TRY(
      coverage::propose(*snap.cover, units, {settings_.proposal_min_population, filter}));
  CoverageProposals list;
  list.min_population = settings_.proposal_min_population;
  list.note =
      "Propositions calculées, jamais appliquées : pour en retenir une, "
      "modifiez ou créez le territoire concerné.";
  for (std::size_t i = 0; i < props.size(); ++i) {
    const auto& p = props[i];
    if (!out.detailed && i >= kMaxListedZones) break;
    CoverageProposal item;
    item.number = static_cast<std::int64_t>(i + 1);
    item.kind = std::string(coverage::to_string(p.kind));
    item.group = group_of(p.units, p.population, out.detailed);
    item.zone = static_cast<std::int64_t>(p.zone + 1);
    if (p.territory) {
      item.territory = CoverageProposal::Attach{{meta[*p.territory].id, meta[*p.territory].name},
                                                p.territory_population_before,
                                                p.territory_population_after};
    }
    list.list.push_back(std::move(item));
  }
  out.proposals = std::move(list);
  return {};
}

Result<CoverageReport> Territories::coverage(const Principal& who, std::string_view level,
                                             std::string_view code, std::string_view filter_id,
                                             bool want_proposals, bool want_communes) {
  coverage::Area area;
  if (level == "france") {
    area.kind = coverage::AreaKind::france;
  } else if (level == "region") {
    area.kind = coverage::AreaKind::region;
  } else if (level == "departement") {
    area.kind = coverage::AreaKind::departement;
  } else if (level == "epci") {
    area.kind = coverage::AreaKind::epci;
  } else {
    return fail(ErrorCode::invalid_input,
                fmt::format("niveau « {} » inconnu (france, region, departement ou epci)", level),
                "niveau");
  }
  if (area.kind != coverage::AreaKind::france) {
    if (code.empty()) return fail(ErrorCode::missing_field, "code de la zone attendu", "code");
    area.code = std::string(code);
  }
  const std::string fid = filter_id.empty() ? std::string("toutes") : std::string(filter_id);
  auto filter = filter_index(fid);
  if (!filter) {
    std::vector<std::string> ids;
    for (const auto& f : filters_) ids.push_back(f.id);
    return fail(ErrorCode::invalid_input,
                fmt::format("étape « {} » inconnue ({})", fid, fmt::join(ids, ", ")), "etape");
  }
  auto units = MAILLAGE_TRY(coverage::area_units(graph_, area));
  if (!may_see_area(who, area, units)) {
    return fail(ErrorCode::forbidden, "Cette zone n'est pas dans votre périmètre.");
  }

  auto snap = MAILLAGE_TRY(snapshot());
  const coverage::Cover& cover = *snap->cover;
  const auto& meta = snap->meta;
  CoverageReport out;
  out.level = std::string(level);
  out.code = area.code;
  out.name = coverage::area_name(graph_, area);
  out.filter = fid;
  out.detailed =
      area.kind == coverage::AreaKind::departement || area.kind == coverage::AreaKind::epci;
  out.communes_listed = out.detailed || want_communes;

  auto summary = coverage::summarize(cover, units);
  for (std::size_t f = 0; f < filters_.size(); ++f) {
    out.filters.push_back({filters_[f].id, filters_[f].label, f == *filter,
                           summary.by_filter[f].communes, summary.by_filter[f].population,
                           percent(summary.by_filter[f].population, summary.total.population)});
  }
  out.total = summary.total;
  out.covered = summary.by_filter[*filter];
  out.uncovered = {summary.total.communes - out.covered.communes,
                   summary.total.population - out.covered.population};
  out.covered_population_share = percent(out.covered.population, summary.total.population);

  // Territories present in the area.
  std::set<std::uint32_t> present;
  for (auto u : units) {
    auto ts = cover.territories_of(u);
    for (auto t : ts) present.insert(t);
    if (out.communes_listed && !ts.empty()) {
      std::vector<std::int64_t> ids;
      for (auto t : ts) {
        if (cover.passes(t, *filter)) ids.push_back(meta[t].id);
      }
      if (!ids.empty()) out.communes[ref_.communes[u].code] = std::move(ids);
    }
  }
  for (auto t : present) {
    std::int64_t in_area = 0;
    for (auto u : cover.units_of(t)) {
      if (std::binary_search(units.begin(), units.end(), u)) ++in_area;
    }
    const std::int64_t population = cover.territory_population(t);
    out.territories.push_back({meta[t].id, meta[t].name, meta[t].departement, meta[t].stage,
                               meta[t].stage_label, cover.passes(t, *filter), population,
                               coverage::size_class(settings_.size_classes, population).id,
                               in_area});
  }

  auto zones = coverage::white_zones(cover, units, *filter);
  for (std::size_t z = 0; z < zones.size(); ++z) {
    if (!out.detailed && z >= kMaxListedZones) break;
    out.white_zones.push_back({static_cast<std::int64_t>(z + 1),
                               group_of(zones[z].units, zones[z].population, out.detailed)});
  }
  out.white_zone_count = static_cast<std::int64_t>(zones.size());
  add_overlaps(out, *snap, units, *filter);
  if (want_proposals) MAILLAGE_CHECK(add_proposals(out, *snap, units, *filter));
  return out;
}

Result<Observatory> Territories::observatory(const Principal& who) {
  if (who.role == Role::coordinator || who.role == Role::member) {
    return fail(ErrorCode::forbidden, "L'observatoire est réservé aux rôles de pilotage.");
  }
  auto counts = MAILLAGE_TRY(repo_->structure_counts());
  auto snap = MAILLAGE_TRY(snapshot());
  const coverage::Cover& cover = *snap->cover;

  // (area code, kind, stage) -> count, areas being "FR", "r:<code>" and "d:<code>".
  std::map<std::string, std::map<std::string, std::map<std::string, std::int64_t>>> by_area;
  for (const auto& r : counts) {
    by_area["FR"][r.kind][r.stage] += r.count;
    by_area["d:" + r.departement][r.kind][r.stage] += r.count;
    if (const auto* d = ref_.departement(r.departement)) {
      by_area["r:" + d->region][r.kind][r.stage] += r.count;
    }
  }
  const std::vector<std::string> kinds{"CPTS", "MSP", "ESP", "CDS"};
  auto row = [&](const std::string& key, const coverage::AreaCoverage& c, const std::string& code,
                 const std::string& name) {
    ObservatoryRow out;
    out.code = code;
    out.name = name;
    out.population = c.total.population;
    out.communes = c.total.communes;
    auto it = by_area.find(key);
    for (const auto& k : kinds) {
      std::int64_t total = 0;
      if (it != by_area.end()) {
        if (auto kt = it->second.find(k); kt != it->second.end()) {
          for (const auto& [stage, n] : kt->second) {
            total += n;
            if (k == "CPTS") out.cpts_by_stage[stage] = n;
          }
        }
      }
      out.structures[k] = total;
      if (k == "CPTS") out.cpts = total;
    }
    for (std::size_t f = 0; f < filters_.size(); ++f) {
      out.covered_share[filters_[f].id] = percent(c.by_filter[f].population, c.total.population);
    }
    return out;
  };

  auto france = coverage::summarize_all(cover, coverage::AreaKind::france);
  auto regions = coverage::summarize_all(cover, coverage::AreaKind::region);
  auto deps = coverage::summarize_all(cover, coverage::AreaKind::departement);
  Observatory o;
  for (const auto& s : cpts_->states) o.stages.push_back({s.id, s.label});
  for (const auto& f : filters_) o.filters.push_back({f.id, f.label});
  if (!france.empty()) o.france = row("FR", france.front(), "FR", "France");
  for (std::size_t i = 0; i < regions.size() && i < ref_.regions.size(); ++i) {
    o.regions.push_back(
        row("r:" + ref_.regions[i].code, regions[i], ref_.regions[i].code, ref_.regions[i].nom));
  }
  for (std::size_t i = 0; i < deps.size() && i < ref_.departements.size(); ++i) {
    ObservatoryRow r = row("d:" + ref_.departements[i].code, deps[i], ref_.departements[i].code,
                           ref_.departements[i].nom);
    r.region = ref_.departements[i].region;
    o.departements.push_back(std::move(r));
  }
  return o;
}

}  // namespace maillage::services
