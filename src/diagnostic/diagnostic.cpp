#include "diagnostic/diagnostic.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_set>
#include <utility>

namespace maillage::diagnostic {

namespace {

Status check_supply(const SupplyByProfession& supply, const std::string& where) {
  for (const auto& [key, s] : supply) {
    for (double v : {s.count, s.fte, s.aged_60_plus, s.age_known}) {
      if (!std::isfinite(v) || v < 0) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("effectif négatif ou invalide pour « {} » ({})", key, where),
                    "supply");
      }
    }
    if (s.aged_60_plus > s.age_known || s.age_known > s.count + 1e-9) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("effectifs par âge incohérents pour « {} » ({})", key, where),
                  "supply");
    }
  }
  return {};
}

Figure figure(const Supply& s, std::int64_t population) {
  Figure f;
  f.count = s.count;
  f.fte = s.fte;
  if (population > 0) {
    f.per_10000 = s.count * 10000.0 / static_cast<double>(population);
    f.fte_per_10000 = s.fte * 10000.0 / static_cast<double>(population);
  }
  return f;
}

std::optional<Figure> area_figure(const std::optional<AreaInput>& area, const std::string& key) {
  if (!area) return std::nullopt;
  auto it = area->supply.find(key);
  return figure(it == area->supply.end() ? Supply{} : it->second, area->population);
}

std::optional<AreaSummary> summary(const std::optional<AreaInput>& area) {
  if (!area) return std::nullopt;
  return AreaSummary{area->code, area->nom, area->population};
}

// Ids per profession, deduplicated: a person counted on two sites of the territory arrives or
// leaves once.
std::map<std::string, std::set<std::string>> ids_by_profession(const std::vector<Person>& people) {
  std::map<std::string, std::set<std::string>> out;
  for (const auto& p : people) out[p.profession].insert(p.id);
  return out;
}

}  // namespace

Result<Diagnostic> compute_diagnostic(const Input& input, const Parameters& parameters) {
  if (input.communes.empty()) {
    return fail(ErrorCode::invalid_input, "aucune commune dans le territoire", "communes");
  }
  if (!std::isfinite(parameters.threshold) || parameters.threshold < 0) {
    return fail(ErrorCode::invalid_input, "le seuil doit être un nombre positif", "seuil");
  }
  Diagnostic d;
  d.threshold = parameters.threshold;
  d.snapshot_date = input.snapshot_date;
  d.departement = summary(input.departement);
  d.region = summary(input.region);
  d.france = summary(input.france);

  SupplyByProfession territory;
  std::unordered_set<std::string> seen;
  double weighted_access = 0;
  for (const auto& c : input.communes) {
    if (!seen.insert(c.code).second) {
      return fail(ErrorCode::invalid_input, fmt::format("commune {} en double", c.code),
                  "communes");
    }
    if (c.population < 0) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("population négative pour la commune {}", c.code), "population");
    }
    if (auto s = check_supply(c.supply, "commune " + c.code); !s) return tl::unexpected(s.error());
    if (c.access && (!std::isfinite(*c.access) || *c.access < 0)) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("accessibilité invalide pour la commune {}", c.code), "access");
    }
    for (const auto& [key, s] : c.supply) territory[key] += s;
    d.population += c.population;
    CommuneRow row{c.code, c.nom, c.population, c.access, false};
    if (c.access) {
      d.population_with_access += c.population;
      weighted_access += static_cast<double>(c.population) * *c.access;
      if (*c.access < parameters.threshold) {
        row.under_served = true;
        d.population_under_threshold += c.population;
        ++d.communes_under_threshold;
      }
    }
    d.communes.push_back(std::move(row));
  }
  d.commune_count = input.communes.size();
  if (d.population_with_access > 0) {
    d.mean_access = weighted_access / static_cast<double>(d.population_with_access);
    d.share_under_threshold = static_cast<double>(d.population_under_threshold) /
                              static_cast<double>(d.population_with_access);
  }
  for (const auto* area : {&input.departement, &input.region, &input.france}) {
    if (!*area) continue;
    if ((*area)->population < 0) {
      return fail(ErrorCode::invalid_input, "population négative pour " + (*area)->nom,
                  "population");
    }
    if (auto s = check_supply((*area)->supply, (*area)->nom); !s) return tl::unexpected(s.error());
  }
  if (input.previous) {
    if (auto s = check_supply(input.previous->supply, "instantané précédent"); !s) {
      return tl::unexpected(s.error());
    }
  }

  // Display order: the listed professions, then any other key met in the data.
  std::vector<Profession> order = input.professions;
  std::set<std::string> listed;
  for (const auto& p : order) listed.insert(p.key);
  std::set<std::string> extra;
  auto collect = [&](const SupplyByProfession& s) {
    for (const auto& [key, v] : s) {
      if (!listed.count(key)) extra.insert(key);
    }
  };
  collect(territory);
  if (input.previous) collect(input.previous->supply);
  for (const auto& key : extra) order.push_back({key, key});

  const auto now_ids = ids_by_profession(input.people);
  const auto before_ids =
      input.previous ? ids_by_profession(input.previous->people)
                     : std::map<std::string, std::set<std::string>>{};
  for (const auto& p : order) {
    ProfessionRow row;
    row.key = p.key;
    row.label = p.label;
    auto it = territory.find(p.key);
    const Supply here = it == territory.end() ? Supply{} : it->second;
    row.territory = figure(here, d.population);
    row.departement = area_figure(input.departement, p.key);
    row.region = area_figure(input.region, p.key);
    row.france = area_figure(input.france, p.key);
    if (here.age_known > 0) row.share_60_plus = here.aged_60_plus / here.age_known;
    if (input.previous) {
      Change ch;
      auto pit = input.previous->supply.find(p.key);
      ch.count_before = pit == input.previous->supply.end() ? 0 : pit->second.count;
      ch.count_delta = here.count - ch.count_before;
      static const std::set<std::string> none;
      auto nit = now_ids.find(p.key);
      auto bit = before_ids.find(p.key);
      const auto& now = nit == now_ids.end() ? none : nit->second;
      const auto& before = bit == before_ids.end() ? none : bit->second;
      for (const auto& id : now) ch.arrived += before.count(id) ? 0 : 1;
      for (const auto& id : before) ch.left += now.count(id) ? 0 : 1;
      row.change = ch;
      d.previous_date = input.previous->date;
    }
    d.professions.push_back(std::move(row));
  }

  d.structures = input.structures;
  std::sort(d.structures.begin(), d.structures.end(), [](const auto& a, const auto& b) {
    return std::tie(a.kind, a.name, a.id) < std::tie(b.kind, b.name, b.id);
  });
  for (const auto& s : d.structures) ++d.structures_by_kind[s.kind];
  if (input.previous) d.previous_date = input.previous->date;
  return d;
}

}  // namespace maillage::diagnostic
