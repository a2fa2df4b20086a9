#include "http/territory_json.hpp"

#include <cmath>

namespace maillage::http {

using nlohmann::json;

namespace {

json outline_json(const geo::MultiPolygon& outline) {
  json polys = json::array();
  for (const auto& poly : outline) {
    json rings = json::array();
    auto ring_json = [](const geo::Ring& ring) {
      json r = json::array();
      for (const auto& p : ring) {
        // [lon, lat] with 5 decimals (about a metre), as the cells endpoint.
        r.push_back({std::round(p.lon * 1e5) / 1e5, std::round(p.lat * 1e5) / 1e5});
      }
      return r;
    };
    rings.push_back(ring_json(poly.outer));
    for (const auto& h : poly.holes) rings.push_back(ring_json(h));
    polys.push_back(std::move(rings));
  }
  return {{"type", "MultiPolygon"}, {"coordinates", std::move(polys)}};
}

}  // namespace

json territory_json(const geo::Referentiel& ref, const services::TerritoryView& v) {
  json communes = json::array();
  for (const auto& code : v.communes) {
    const geo::Commune* c = ref.commune(code);
    communes.push_back({{"code", code},
                        {"nom", c ? c->nom : ""},
                        {"population", c ? c->population : 0},
                        {"departement", c ? c->departement : ""},
                        {"epci", c ? c->epci : ""}});
  }
  json pieces = json::array();
  for (const auto& p : v.facts.pieces) {
    json codes = json::array();
    for (auto u : p.units) codes.push_back(ref.communes[u].code);
    pieces.push_back({{"communes", codes}, {"population", p.population}});
  }
  json out{{"structure",
            {{"id", v.structure.id},
             {"type", v.structure.kind},
             {"nom", v.structure.name},
             {"departement", v.structure.departement},
             {"etape", v.structure.stage},
             {"etape_libelle", v.structure.stage_label}}},
           {"version", v.structure.version},
           {"communes", std::move(communes)},
           {"nombre_communes", v.facts.communes},
           {"population", v.facts.population},
           {"taille", v.facts.size_class},
           {"taille_libelle", v.size_class_label},
           {"contigu", v.facts.contiguous},
           {"morceaux", std::move(pieces)},
           {"departements", v.departements}};
  if (v.outline) out["contour"] = outline_json(*v.outline);
  return out;
}

json territory_preview_json(const geo::Referentiel& ref, const services::TerritoryPreview& p) {
  json issues = json::array();
  for (const auto& i : p.issues) {
    issues.push_back({{"ligne", i.line},
                      {"champ", i.field},
                      {"valeur", i.value},
                      {"type", std::string(coverage::to_string(i.kind))},
                      {"gravite", i.severity == coverage::Severity::error ? "erreur" : "attention"},
                      {"message", i.message},
                      {"description", i.describe(p.file)}});
  }
  json communes = json::array();
  for (const auto& code : p.communes) {
    const geo::Commune* c = ref.commune(code);
    communes.push_back({{"code", code}, {"nom", c ? c->nom : ""}});
  }
  return json{{"fichier", p.file},
              {"lignes", p.rows},
              {"erreurs", p.has_errors},
              {"signalements", std::move(issues)},
              {"communes", std::move(communes)},
              {"nombre_communes", p.facts.communes},
              {"population", p.facts.population},
              {"taille", p.facts.size_class},
              {"contigu", p.facts.contiguous},
              {"morceaux", p.facts.pieces.size()},
              {"version", p.structure.version},
              {"jeton", p.token.empty() ? json(nullptr) : json(p.token)},
              {"expire", p.expires_at.empty() ? json(nullptr) : json(p.expires_at)}};
}

}  // namespace maillage::http
