// The JSON of a coverage report and of the observatory (GET /api/v1/coverage,
// /api/v1/observatory and the pages' data).
#include "http/territory_json.hpp"

namespace maillage::http {

using nlohmann::json;

namespace {

json strings(const std::vector<std::string>& v) {
  json out = json::array();
  for (const auto& s : v) out.push_back(s);
  return out;
}

json ref_json(const services::CoverageTerritoryRef& t) { return {{"id", t.id}, {"nom", t.name}}; }

// population, nombre_communes, exemples and, for detailed areas, communes.
json group_json(json out, const services::CommuneGroup& g) {
  out["population"] = g.population;
  out["nombre_communes"] = g.commune_count;
  out["exemples"] = strings(g.examples);
  if (g.communes) out["communes"] = strings(*g.communes);
  return out;
}

json count_json(const coverage::Count& c) {
  return {{"communes", c.communes}, {"population", c.population}};
}

json overlaps_json(const services::CoverageOverlaps& ov) {
  json pairs = json::array();
  for (const auto& p : ov.pairs) {
    json pair = json::object();
    pair["territoires"] = json::array({ref_json(p.a), ref_json(p.b)});
    pairs.push_back(group_json(std::move(pair), p.group));
  }
  json out{{"nombre_communes", ov.commune_count},
           {"population", ov.population},
           {"paires", std::move(pairs)}};
  if (ov.communes) out["communes"] = strings(*ov.communes);
  return out;
}

json proposals_json(const services::CoverageProposals& props) {
  json list = json::array();
  for (const auto& p : props.list) {
    json item = json::object();
    item["numero"] = p.number;
    item["type"] = p.kind;
    item["zone"] = p.zone;
    item = group_json(std::move(item), p.group);
    if (p.territory) {
      item["territoire"] = {{"id", p.territory->territory.id},
                            {"nom", p.territory->territory.name},
                            {"population_avant", p.territory->population_before},
                            {"population_apres", p.territory->population_after}};
    }
    list.push_back(std::move(item));
  }
  return {{"population_minimale", props.min_population},
          {"liste", std::move(list)},
          {"note", props.note}};
}

}  // namespace

json coverage_json(const services::CoverageReport& c) {
  json filters = json::array();
  for (const auto& f : c.filters) {
    filters.push_back({{"id", f.id},
                       {"libelle", f.label},
                       {"choisi", f.chosen},
                       {"communes_couvertes", f.communes_covered},
                       {"population_couverte", f.population_covered},
                       {"part_population", f.population_share}});
  }
  json territories = json::array();
  for (const auto& t : c.territories) {
    territories.push_back({{"id", t.id},
                           {"nom", t.name},
                           {"departement", t.departement},
                           {"etape", t.stage},
                           {"etape_libelle", t.stage_label},
                           {"retenu", t.retained},
                           {"population", t.population},
                           {"taille", t.size_class},
                           {"communes_dans_la_zone", t.communes_in_area}});
  }
  json white = json::array();
  for (const auto& z : c.white_zones) {
    white.push_back(group_json(json{{"numero", z.number}}, z.group));
  }
  json out{{"zone", {{"niveau", c.level}, {"code", c.code}, {"nom", c.name}}},
           {"etape", c.filter},
           {"filtres", std::move(filters)},
           {"total", count_json(c.total)},
           {"couvert", count_json(c.covered)},
           {"non_couvert", count_json(c.uncovered)},
           {"part_population_couverte", c.covered_population_share},
           {"territoires", std::move(territories)},
           {"zones_blanches", std::move(white)},
           {"nombre_zones_blanches", c.white_zone_count},
           {"chevauchements", overlaps_json(c.overlaps)}};
  if (c.communes_listed) {
    json communes = json::object();
    for (const auto& [code, ids] : c.communes) {
      json list = json::array();
      for (auto id : ids) list.push_back(id);
      communes[code] = std::move(list);
    }
    out["communes"] = std::move(communes);
  }
  if (c.proposals) out["propositions"] = proposals_json(*c.proposals);
  return out;
}

json observatory_row_json(const services::ObservatoryRow& r) {
  json structures = json::object();
  for (const auto& [kind, n] : r.structures) structures[kind] = n;
  json stages = json::object();
  for (const auto& [stage, n] : r.cpts_by_stage) stages[stage] = n;
  json shares = json::object();
  for (const auto& [filter, share] : r.covered_share) shares[filter] = share;
  json out{{"code", r.code},
           {"nom", r.name},
           {"population", r.population},
           {"communes", r.communes},
           {"structures", std::move(structures)},
           {"cpts", r.cpts},
           {"cpts_par_etape", std::move(stages)},
           {"part_population_couverte", std::move(shares)}};
  if (r.region) out["region"] = *r.region;
  return out;
}

json observatory_json(const services::Observatory& o) {
  json stages = json::array();
  for (const auto& s : o.stages) stages.push_back({{"id", s.id}, {"libelle", s.label}});
  json filters = json::array();
  for (const auto& f : o.filters) filters.push_back({{"id", f.id}, {"libelle", f.label}});
  json regions = json::array();
  for (const auto& r : o.regions) regions.push_back(observatory_row_json(r));
  json deps = json::array();
  for (const auto& d : o.departements) deps.push_back(observatory_row_json(d));
  return json{{"etapes", std::move(stages)},
              {"filtres", std::move(filters)},
              {"france", o.france ? observatory_row_json(*o.france) : json(nullptr)},
              {"regions", std::move(regions)},
              {"departements", std::move(deps)}};
}

}  // namespace maillage::http
