// The regional view (/region/{code}): for the ARS and the chargés de mission, whose scope is a
// région, every structure of its départements with stage, next deadline and alerts, the pipeline
// counts summed over the région, one line per département, and the CSV export; and the network
// of coordinators (/region/{code}/reseau) that a chargé de mission animates, with its CSV.
#include <fmt/format.h>

#include "common/csv.hpp"
#include "common/dates.hpp"
#include "common/french.hpp"
#include "common/try.hpp"
#include "http/registry_feature.hpp"

namespace maillage::http {

using registry_http::json;
using services::Role;

namespace {

Response csv_download(std::string body, const std::string& file_name) {
  Response resp;
  resp.content_type = "text/csv; charset=utf-8";
  // Semicolon-separated UTF-8 with a BOM: what French spreadsheet software opens directly.
  resp.body = std::string(csv::kUtf8Bom) + std::move(body);
  resp.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}\"", file_name));
  return resp;
}

}  // namespace

std::string RegistryFeature::default_region(const services::Principal& who) const {
  for (const auto& r : who.regions) {
    if (site_.ref.region(r) != nullptr) return r;
  }
  const auto* d = site_.ref.departement(site_.default_departement(&who));
  return d != nullptr ? d->region : std::string();
}

Result<Response> RegistryFeature::page_region(const RequestContext& ctx) {
  const std::string& code = ctx.request.param("code");
  auto [filter, today] = MAILLAGE_TRY(portfolio_filter_of(ctx));
  auto rp = MAILLAGE_TRY(registry_.regional_portfolio(*ctx.principal(), code, filter, today));
  const auto type = ctx.request.query_value("type").value_or("");
  const auto stage = ctx.request.query_value("etape").value_or("");
  const auto alert = ctx.request.query_value("alerte").value_or("");

  json rows = json::array(), departements = json::array();
  // The pipeline summed over the région: the boxes of the first département give the order.
  std::map<std::pair<std::string, std::string>, std::int64_t> counts;
  std::int64_t total = 0, shown = 0, with_alerts = 0, late = 0;
  for (const auto& p : rp.departements) {
    json dep_rows = portfolio_rows(p);
    std::int64_t dep_alerts = 0, dep_late = 0;
    for (auto& row : dep_rows) {
      row["departement"] = p.departement;
      dep_alerts += row["a_alertes"].get<bool>() ? 1 : 0;
      dep_late += row["a_retard"].get<bool>() ? 1 : 0;
      rows.push_back(std::move(row));
    }
    for (const auto& s : p.pipeline) counts[{s.kind, s.stage}] += s.count;
    total += p.total;
    shown += static_cast<std::int64_t>(p.entries.size());
    with_alerts += dep_alerts;
    late += dep_late;
    const std::string portfolio = "/portefeuille/" + p.departement;
    const std::string coverage = "/couverture/" + p.departement;
    departements.push_back(
        {{"code", p.departement},
         {"nom", p.departement_name},
         {"structures", p.total},
         {"alertes", dep_alerts},
         {"retard", dep_late},
         {"portefeuille", site_.may_open(ctx.principal(), portfolio) ? json(portfolio) : json()},
         {"couverture", site_.may_open(ctx.principal(), coverage) ? json(coverage) : json()}});
  }
  json pipeline = json::array();
  if (!rp.departements.empty()) {
    std::string current_kind;
    for (const auto& s : rp.departements.front().pipeline) {
      if (s.kind != current_kind) {
        pipeline.push_back({{"type", s.kind}, {"etapes", json::array()}});
        current_kind = s.kind;
      }
      pipeline.back()["etapes"].push_back(
          {{"libelle", s.label},
           {"nombre", counts[{s.kind, s.stage}]},
           {"terminale", s.terminal},
           {"lien", fmt::format("/region/{}?type={}&etape={}", rp.region, s.kind, s.stage)},
           {"choisie", s.stage == stage && s.kind == type}});
    }
  }
  std::string query;
  for (auto [k, v] :
       {std::pair{"type", type}, std::pair{"etape", stage}, std::pair{"alerte", alert}}) {
    if (v.empty()) continue;
    query += (query.empty() ? "?" : "&") + std::string(k) + "=" + url_encode(v);
  }
  json types = json::array();
  for (const char* k : {"CPTS", "MSP", "ESP", "CDS"}) {
    types.push_back({{"valeur", k}, {"choisi", type == k}});
  }
  json data{{"titre", fmt::format("Région {} — vue régionale", rp.region_name)},
            {"region", {{"code", rp.region}, {"nom", rp.region_name}}},
            {"date", registry::format_date_fr(rp.as_of)},
            {"total", total},
            {"affichees", shown},
            {"avec_alertes", with_alerts},
            {"en_retard", late},
            {"filtre", !query.empty()},
            {"alerte_seule", alert == "any"},
            {"types", std::move(types)},
            {"departements", std::move(departements)},
            {"pipeline", std::move(pipeline)},
            {"structures", std::move(rows)},
            {"a_structures", shown > 0},
            {"reseau", fmt::format("/region/{}/reseau", rp.region)},
            {"export_csv", fmt::format("/region/{}/structures.csv{}", rp.region, query)}};
  return Response::html(
      MAILLAGE_TRY(site_.render_page("region", nullify_empty(std::move(data)), ctx)));
}

Result<Response> RegistryFeature::api_region_csv(const RequestContext& ctx) {
  const std::string& code = ctx.request.param("code");
  auto [filter, today] = MAILLAGE_TRY(portfolio_filter_of(ctx));
  auto rp = MAILLAGE_TRY(registry_.regional_portfolio(*ctx.principal(), code, filter, today));
  std::string out = csv::spreadsheet_row({"Département", "Identifiant", "Type", "Nom", "Étape",
                                          "Depuis le", "Prochaine échéance", "Objet de l'échéance",
                                          "Alertes", "Dont en retard", "Référents"});
  for (const auto& p : rp.departements) {
    for (const auto& e : p.entries) {
      std::int64_t overdue = 0;
      for (const auto& a : e.alerts) overdue += a.severity == "critical";
      out += csv::spreadsheet_row(
          {p.departement, std::to_string(e.structure.id), e.structure.kind, e.structure.name,
           e.structure.stage_label,
           e.structure.stage_since ? registry::format_date_fr(*e.structure.stage_since) : "",
           e.next_deadline ? registry::format_date_fr(e.next_deadline->date) : "",
           e.next_deadline ? e.next_deadline->label : "", std::to_string(e.alerts.size()),
           std::to_string(overdue), fmt::format("{}", fmt::join(e.referents, ", "))});
    }
  }
  return csv_download(std::move(out),
                      fmt::format("region-{}-{}.csv", rp.region, registry::format_date(rp.as_of)));
}

Result<Response> RegistryFeature::page_network(const RequestContext& ctx) {
  auto net =
      MAILLAGE_TRY(registry_.coordinator_network(*ctx.principal(), ctx.request.param("code")));
  json rows = json::array();
  std::size_t coordinated = 0;
  for (const auto& e : net.entries) {
    json people = json::array();
    for (const auto& a : e.coordinators) {
      people.push_back(
          {{"nom", a.display_name}, {"courriel", a.login}, {"depuis", french_day(a.since)}});
    }
    coordinated += e.coordinators.empty() ? 0 : 1;
    const std::string href = fmt::format("/structures/{}", e.structure.id);
    rows.push_back({{"departement", e.structure.departement},
                    {"nom", e.structure.name},
                    {"type", e.structure.kind},
                    {"etape", e.structure.stage_label},
                    {"lien", site_.may_open(ctx.principal(), href) ? json(href) : json()},
                    {"coordinateurs", std::move(people)},
                    {"a_coordinateurs", !e.coordinators.empty()},
                    {"contact_nom", e.structure.contact_name},
                    {"contact_courriel", e.structure.contact_email},
                    {"contact_telephone", e.structure.contact_phone}});
  }
  json data{{"titre", fmt::format("Réseau des coordinateurs — {}", net.region_name)},
            {"region", {{"code", net.region}, {"nom", net.region_name}}},
            {"structures", std::move(rows)},
            {"a_structures", !net.entries.empty()},
            {"nombre", net.entries.size()},
            {"coordonnees", coordinated},
            {"vue_region", fmt::format("/region/{}", net.region)},
            {"export_csv", fmt::format("/region/{}/reseau.csv", net.region)}};
  return Response::html(
      MAILLAGE_TRY(site_.render_page("reseau", nullify_empty(std::move(data)), ctx)));
}

Result<Response> RegistryFeature::api_network_csv(const RequestContext& ctx) {
  auto net =
      MAILLAGE_TRY(registry_.coordinator_network(*ctx.principal(), ctx.request.param("code")));
  std::string out = csv::spreadsheet_row(
      {"Département", "Structure", "Type", "Étape", "Coordinateur", "Courriel", "Compte depuis le",
       "Contact de la fiche", "Courriel du contact", "Téléphone du contact"});
  for (const auto& e : net.entries) {
    auto line = [&](const services::NetworkAccount* a) {
      out += csv::spreadsheet_row(
          {e.structure.departement, e.structure.name, e.structure.kind, e.structure.stage_label,
           a ? a->display_name : "", a ? a->login : "", a ? french_day(a->since) : "",
           e.structure.contact_name, e.structure.contact_email, e.structure.contact_phone});
    };
    if (e.coordinators.empty()) line(nullptr);
    for (const auto& a : e.coordinators) line(&a);
  }
  return csv_download(std::move(out), fmt::format("reseau-coordinateurs-{}.csv", net.region));
}

}  // namespace maillage::http
