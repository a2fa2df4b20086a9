// The JSON of the registry's answers (API) and the page data's helpers.
#include <fmt/format.h>

#include "http/registry_feature.hpp"

namespace maillage::http::registry_http {

namespace {

std::string date_or_empty(const std::optional<registry::Date>& d) {
  return d ? registry::format_date(*d) : std::string();
}

}  // namespace

json structure_json(const services::Structure& s) {
  return json{
      {"id", s.id},
      {"type", s.kind},
      {"nom", s.name},
      {"departement", s.departement},
      {"etape", s.stage},
      {"etape_libelle", s.stage_label},
      {"etape_depuis", s.stage_since ? json(registry::format_date(*s.stage_since)) : json()},
      {"forme_juridique", s.legal_form},
      {"finess", s.finess},
      {"rna", s.rna},
      {"siret", s.siret},
      {"commune", s.commune},
      {"adresse", s.address},
      {"contact_nom", s.contact_name},
      {"contact_courriel", s.contact_email},
      {"contact_telephone", s.contact_phone},
      {"notes", s.notes},
      {"version", s.version},
      {"cree_le", s.created_at},
      {"modifie_le", s.updated_at},
      {"archivee", s.archived()},
      {"archivee_le", s.archived_at ? json(*s.archived_at) : json()},
      {"archivee_par", s.archived_by},
      {"motif_archivage", s.archive_reason}};
}

json alert_json(const services::PortfolioAlert& a) {
  return json{{"structure", a.structure_id},
              {"date", registry::format_date(a.date)},
              {"type", a.kind},
              {"libelle", a.label},
              {"gravite", a.severity},
              {"source", a.source}};
}


json document_json(const services::DocumentInfo& d) {
  std::string label = d.doc_type;
  for (const auto& t : services::document_types()) {
    if (t.id == d.doc_type) label = t.label;
  }
  return json{{"id", d.id},
              {"type", d.doc_type},
              {"type_libelle", label},
              {"titre", d.title},
              {"nom_fichier", d.filename},
              {"type_contenu", d.content_type},
              {"taille", d.size_bytes},
              {"date", registry::format_date(d.date)},
              {"depose_par", d.uploaded_by},
              {"depose_le", d.uploaded_at},
              {"url", fmt::format("/api/v1/structures/{}/documents/{}", d.structure_id, d.id)}};
}

json referents_json(const std::vector<services::Referent>& refs) {
  json out = json::array();
  for (const auto& x : refs) {
    out.push_back(
        {{"identifiant", x.login}, {"nom", x.display_name}, {"role", x.role}, {"motif", x.basis}});
  }
  return out;
}

json portfolio_json(const services::Portfolio& p) {
  json entries = json::array();
  for (const auto& e : p.entries) {
    json alerts = json::array();
    for (const auto& a : e.alerts) alerts.push_back(alert_json(a));
    entries.push_back(
        {{"id", e.structure.id},
         {"type", e.structure.kind},
         {"nom", e.structure.name},
         {"etape", e.structure.stage},
         {"etape_libelle", e.structure.stage_label},
         {"etape_depuis", date_or_empty(e.structure.stage_since)},
         {"commune", e.structure.commune},
         {"version", e.structure.version},
         {"communes_territoire", e.territory_communes},
         {"population_territoire", e.territory_population},
         {"referents", e.referents},
         {"prochaine_echeance", e.next_deadline ? alert_json(*e.next_deadline) : json()},
         {"alertes", std::move(alerts)}});
  }
  json pipeline = json::array();
  for (const auto& s : p.pipeline) {
    pipeline.push_back({{"type", s.kind},
                        {"etape", s.stage},
                        {"libelle", s.label},
                        {"terminale", s.terminal},
                        {"nombre", s.count}});
  }
  return json{{"departement", {{"code", p.departement}, {"nom", p.departement_name}}},
              {"date", registry::format_date(p.as_of)},
              {"total", p.total},
              {"structures", std::move(entries)},
              {"pipeline", std::move(pipeline)}};
}

}  // namespace maillage::http::registry_http
