// The JSON of the sectors area, built from the typed results of services::Sectors. Sectors are
// numbered from 1 in every document (as people name them); the service counts from 0.
#include "http/sectors_json.hpp"

#include <cmath>

#include "common/french.hpp"

namespace maillage::http {

using nlohmann::json;

namespace {

json person_json(const std::optional<services::SectorPerson>& p) {
  if (!p) return nullptr;
  return json{{"id", p->user_id}, {"login", p->login}, {"nom", p->display_name}};
}

// Workloads are millionths of the département's: shown as percentages.
double percent(std::int64_t millionths) {
  return std::round(static_cast<double>(millionths) / 100.0) / 100.0;
}

}  // namespace

json sector_mix_json(const services::WorkloadMix& m) {
  return json{{"population", m.population},
              {"structures", m.structures},
              {"professionnels", m.professionals}};
}

json sector_evaluation_json(const services::SectorEvaluation& e) {
  json sectors = json::array();
  for (const auto& s : e.sectors) {
    sectors.push_back(
        {{"secteur", s.index + 1},
         {"nom", s.label},
         {"charge_pourcent", percent(s.workload)},
         {"charge_texte", fr::decimal(static_cast<double>(s.workload) / 1e4, 1) + " %"},
         {"population", s.population},
         {"population_texte", fr::integer(s.population)},
         {"professionnels", s.professionals},
         {"communes", s.communes},
         {"structures", s.structures},
         {"d_un_seul_tenant", s.connected},
         {"dans_la_fourchette", s.within_bounds},
         {"referent", person_json(s.referent)},
         {"suppleant", person_json(s.deputy)}});
  }
  return json{{"secteurs", std::move(sectors)},
              {"liaisons_coupees", e.cut_edges},
              {"charge_min_pourcent", percent(e.lower)},
              {"charge_max_pourcent", percent(e.upper)},
              {"valide", e.problems.empty()},
              {"problemes", e.problems}};
}

json sector_plan_json(const services::SectorPlan& p) {
  json communes = json::object();
  for (const auto& [code, sector] : p.communes) communes[code] = sector + 1;
  return json{{"departement", p.departement},
              {"version", p.version},
              {"nombre_secteurs", p.settings.k},
              {"poids", sector_mix_json(p.settings.mix)},
              {"tolerance_pourcent", std::lround(p.settings.tolerance * 100)},
              {"borne_prouvee", p.lower_bound ? json(*p.lower_bound) : json(nullptr)},
              {"note", p.note},
              {"enregistre_par", p.created_by},
              {"enregistre_le", p.created_at},
              {"communes", std::move(communes)},
              {"evaluation", sector_evaluation_json(p.evaluation)}};
}

json sector_workspace_json(const services::SectorWorkspace& w) {
  json units = json::array();
  for (const auto& u : w.units) {
    units.push_back({{"code", u.code},
                     {"nom", u.nom},
                     {"population", u.population},
                     {"professionnels", u.professionals},
                     {"structures", std::round(u.structures * 100) / 100},
                     {"charge", u.workload},
                     {"territoire", u.group},
                     {"liens_de_proximite", u.links}});
  }
  json history = json::array();
  for (const auto& h : w.history) {
    history.push_back({{"version", h.version},
                       {"nombre_secteurs", h.k},
                       {"liaisons_coupees", h.cut_edges},
                       {"enregistre_par", h.created_by},
                       {"enregistre_le", h.created_at},
                       {"note", h.note}});
  }
  json candidates = json::array();
  for (const auto& c : w.candidates) {
    candidates.push_back({{"id", c.user_id}, {"login", c.login}, {"nom", c.display_name}});
  }
  return json{{"departement", w.departement},
              {"nom", w.departement_name},
              {"poids", sector_mix_json(w.mix)},
              {"population", w.total_population},
              {"communes", std::move(units)},
              {"plan", w.plan ? sector_plan_json(*w.plan) : json(nullptr)},
              {"historique", std::move(history)},
              {"referents_possibles", std::move(candidates)},
              {"note_rpps", w.rpps_note},
              {"modifiable", w.may_edit}};
}

json sector_job_json(const services::SectorJob& j) {
  json communes = json::object();
  for (const auto& [code, sector] : j.communes) communes[code] = sector + 1;
  return json{
      {"id", j.id},
      {"departement", j.settings.departement},
      {"nombre_secteurs", j.settings.k},
      {"poids", sector_mix_json(j.settings.mix)},
      {"tolerance_pourcent", std::lround(j.settings.tolerance * 100)},
      {"etat", j.state},
      {"meilleure_coupe", j.best_cut},
      {"borne_prouvee", j.lower_bound},
      {"optimal", j.optimal},
      {"secondes", std::round(j.seconds * 10) / 10},
      {"message", j.message},
      {"communes", std::move(communes)},
      {"evaluation", j.evaluation ? sector_evaluation_json(*j.evaluation) : json(nullptr)},
      {"tolerance_suffisante_pourcent",
       j.smallest_tolerance ? json(std::ceil(*j.smallest_tolerance * 1000) / 10) : json(nullptr)}};
}

std::string sector_outlines_geojson(const std::vector<services::Sectors::Outline>& outlines) {
  json features = json::array();
  for (const auto& o : outlines) {
    json polygons = json::array();
    for (const auto& poly : o.shape) {
      json rings = json::array();
      auto ring_json = [](const geo::Ring& ring) {
        json r = json::array();
        for (const auto& p : ring) {
          r.push_back({std::round(p.lon * 1e5) / 1e5, std::round(p.lat * 1e5) / 1e5});
        }
        return r;
      };
      rings.push_back(ring_json(poly.outer));
      for (const auto& h : poly.holes) rings.push_back(ring_json(h));
      polygons.push_back(std::move(rings));
    }
    features.push_back(
        {{"type", "Feature"},
         {"properties",
          {{"secteur", o.index + 1},
           {"nom", o.label},
           {"referent", o.referent},
           {"suppleant", o.deputy}}},
         {"geometry", {{"type", "MultiPolygon"}, {"coordinates", std::move(polygons)}}}});
  }
  return json{{"type", "FeatureCollection"}, {"features", std::move(features)}}.dump();
}

}  // namespace maillage::http
