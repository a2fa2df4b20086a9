// Routes of the audit log viewer: the page /journal (filters, newest first, a page at a time, the
// before/after of each change as a table), its CSV export and the JSON route. Admins read every
// row, a ROC the rows of their départements; the scope is the service's (services::AuditLog).
#include <fmt/format.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "common/csv.hpp"
#include "common/dates.hpp"
#include "common/error_catalogue.hpp"
#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/feature.hpp"
#include "services/audit_log.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::Role;

// French names of the entity kinds written by the services (an unknown kind shows its id).
const std::map<std::string, std::string>& entity_labels() {
  static const std::map<std::string, std::string> labels{
      {"structure", "Structure"},
      {"user", "Compte"},
      {"session", "Session"},
      {"aci_contract", "Contrat ACI"},
      {"dialogue_workspace", "Dialogue de gestion"},
      {"dialogue_fiche", "Fiche action (dialogue)"},
      {"association_member", "Membre de l'association"},
      {"association_assembly", "Assemblée générale"},
      {"association_group", "Groupe de travail"},
      {"association_meeting", "Réunion de groupe"},
      {"association_time_entry", "Temps déclaré"},
      {"association_rate", "Taux d'indemnisation"},
      {"roster_campaign", "Campagne de permanences"},
      {"roster_slot", "Créneau de permanence"},
      {"roster_member", "Participant aux permanences"},
      {"roster_job", "Calcul de planning"},
      {"roster_swap", "Échange de créneau"},
      {"sector_plan", "Secteurs du département"},
      {"rpps_snapshot", "Import RPPS"},
      {"region", "Modèle régional de projet de santé"},
      {"partner", "Partenaire"},
      {"animation_action", "Action"},
      {"animation_event", "Événement"},
      {"survey", "Enquête"},
      {"survey_recipient", "Destinataire d'une enquête"},
      {"newsletter", "Message"},
      {"newsletter_delivery", "Envoi d'un message"},
      {"crisis", "Crise (mode crise)"},
  };
  return labels;
}

// The French name of an entity kind; empty when the kind has none yet (the page then shows the
// identifier as code).
std::string entity_label(const std::string& entity) {
  auto it = entity_labels().find(entity);
  return it == entity_labels().end() ? std::string() : it->second;
}

std::string scalar_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  if (v.is_boolean()) return v.get<bool>() ? "oui" : "non";
  return v.dump();
}

// The before/after summaries as rows key | before | after, changed keys marked. A summary that
// is not a JSON object (old rows, documents) shows whole.
json changes_json(const std::string& before, const std::string& after) {
  const json b = json::parse(before.empty() ? "{}" : before, nullptr, false);
  const json a = json::parse(after.empty() ? "{}" : after, nullptr, false);
  json rows = json::array();
  if (!b.is_object() || !a.is_object()) {
    rows.push_back({{"cle", "(résumé)"},
                    {"donnee", false},
                    {"avant", before},
                    {"apres", after},
                    {"change", true}});
    return rows;
  }
  std::set<std::string> keys;
  for (const auto& [k, v] : b.items()) keys.insert(k);
  for (const auto& [k, v] : a.items()) keys.insert(k);
  // An update lists only what changed (a structure's summary has twenty keys); a creation or a
  // deletion lists everything.
  const bool update = !b.empty() && !a.empty();
  std::size_t unchanged = 0;
  for (const auto& k : keys) {
    const std::string was = b.contains(k) ? scalar_text(b[k]) : "";
    const std::string now = a.contains(k) ? scalar_text(a[k]) : "";
    if (update && was == now) {
      ++unchanged;
      continue;
    }
    rows.push_back(
        {{"cle", k}, {"donnee", true}, {"avant", was}, {"apres", now}, {"change", update}});
  }
  if (unchanged > 0) {
    rows.push_back(
        {{"cle", fmt::format("{} autre{} donnée{} inchangée{}", unchanged, unchanged > 1 ? "s" : "",
                             unchanged > 1 ? "s" : "", unchanged > 1 ? "s" : "")},
         {"donnee", false},
         {"avant", ""},
         {"apres", ""},
         {"change", false}});
  }
  return rows;
}

json row_json(const services::AuditRow& r) {
  return json{{"id", r.id},
              {"le", r.at},
              {"utilisateur", r.user},
              {"action", r.action},
              {"objet", r.entity},
              {"objet_libelle", entity_label(r.entity)},
              {"objet_id", r.entity_id},
              {"structure", r.structure_id == 0 ? json() : json(r.structure_id)},
              {"structure_nom", r.structure_name},
              {"departement", r.departement},
              {"avant", r.before},
              {"apres", r.after}};
}

std::string query_text(const Request& request, std::string_view name) {
  return request.query_value(name).value_or("");
}

// The filter of the page, the CSV and the API: the same query parameters.
Result<services::AuditFilter> filter_of(const Request& request) {
  services::AuditFilter f;
  f.user = query_text(request, "utilisateur");
  f.entity = query_text(request, "objet");
  f.entity_id = query_text(request, "objet_id");
  f.action = query_text(request, "action");
  f.departement = query_text(request, "departement");
  f.from = query_text(request, "du");
  f.to = query_text(request, "au");
  if (auto s = query_text(request, "structure"); !s.empty()) {
    f.structure_id = MAILLAGE_TRY(parse_id(s, "structure"));
  }
  if (auto s = query_text(request, "avant"); !s.empty()) {
    f.before_id = MAILLAGE_TRY(parse_id(s, "avant"));
  }
  if (auto s = query_text(request, "limite"); !s.empty()) {
    auto n = MAILLAGE_TRY(parse_id(s, "limite"));
    f.limit = static_cast<int>(std::min<std::int64_t>(n, 100000));
  }
  return f;
}

std::vector<QueryParam> filter_params() {
  return {{"utilisateur", "Identifiant (ou partie) de l'auteur", false, false},
          {"objet", "Type d'objet (structure, association_member…)", false, false},
          {"objet_id", "Identifiant de l'objet (avec objet)", false, false},
          {"action", "Action, ou son préfixe (structure, association…)", false, false},
          {"structure", "Numéro de structure", false, true},
          {"departement", "Code du département", false, false},
          {"du", "Depuis ce jour (AAAA-MM-JJ)", false, false},
          {"au", "Jusqu'à ce jour inclus (AAAA-MM-JJ)", false, false},
          {"avant", "Lignes plus anciennes que cet identifiant (pagination)", false, true},
          {"limite", "Lignes par page (1 à 500, 50 par défaut)", false, true}};
}

// The query string of a filter (for the next-page and export links).
std::string filter_query(const services::AuditFilter& f, bool with_paging) {
  std::string q;
  auto add = [&](const char* name, const std::string& v) {
    if (v.empty()) return;
    q += (q.empty() ? "?" : "&") + std::string(name) + "=" + url_encode(v);
  };
  add("utilisateur", f.user);
  add("objet", f.entity);
  add("objet_id", f.entity_id);
  add("action", f.action);
  if (f.structure_id != 0) add("structure", std::to_string(f.structure_id));
  add("departement", f.departement);
  add("du", f.from);
  add("au", f.to);
  if (with_paging && f.limit != 50) add("limite", std::to_string(f.limit));
  return q;
}

class AuditFeature final : public Feature {
 public:
  explicit AuditFeature(const Site& site) : site_(site), log_(site.services.audit_log) {}

  void add_routes(RouteTable& table) override {
    const auto readers = AccessRule::only({Role::admin, Role::roc});
    auto bind = [this](Result<Response> (AuditFeature::*fn)(const RequestContext&)) {
      return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
    };
    table
        .add("GET", "/api/v1/audit", readers, RouteKind::api, bind(&AuditFeature::api_list),
             "Journal des modifications (le plus récent d'abord, par pages) : tout pour un "
             "administrateur, les départements du ROC pour un ROC")
        .query = filter_params();
    table
        .add("GET", "/journal", readers, RouteKind::page, bind(&AuditFeature::page),
             "Journal des modifications : filtres, avant/après de chaque changement")
        .query = filter_params();
    table
        .add("GET", "/journal.csv", readers, RouteKind::page, bind(&AuditFeature::csv),
             "Export CSV du journal des modifications (mêmes filtres que la page)")
        .query = filter_params();
  }

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    if (who.role != Role::admin && who.role != Role::roc) return {};
    return {{"Journal", "/journal"}};
  }

 private:
  Result<Response> api_list(const RequestContext& ctx) {
    auto filter = MAILLAGE_TRY(filter_of(ctx.request));
    auto page = MAILLAGE_TRY(log_.search(*ctx.principal(), filter));
    json rows = json::array();
    for (const auto& r : page.rows) rows.push_back(row_json(r));
    return json_no_store(
        json{{"lignes", std::move(rows)},
             {"suivante", page.next_before_id == 0 ? json() : json(page.next_before_id)}});
  }

  Result<Response> page(const RequestContext& ctx) {
    const auto& who = *ctx.principal();
    auto choices = MAILLAGE_TRY(log_.choices(who));
    json entities = json::array(), actions = json::array();
    services::AuditFilter filter;
    json data{{"titre", "Journal des modifications"}, {"administrateur", who.role == Role::admin}};
    auto parsed = filter_of(ctx.request);
    Result<services::AuditPage> page =
        parsed ? log_.search(who, *parsed)
               : Result<services::AuditPage>(tl::unexpected(parsed.error()));
    if (parsed) filter = *parsed;
    for (const auto& e : choices.entities) {
      const std::string label = entity_label(e);
      entities.push_back(
          {{"id", e}, {"libelle", label.empty() ? e : label}, {"choisi", e == filter.entity}});
    }
    // Action prefixes ("association") first, then the actions themselves.
    std::set<std::string> prefixes;
    for (const auto& a : choices.actions) {
      if (auto dot = a.find('.'); dot != std::string::npos) prefixes.insert(a.substr(0, dot));
    }
    for (const auto& p : prefixes) {
      actions.push_back({{"id", p}, {"libelle", p + ".*"}, {"choisi", p == filter.action}});
    }
    for (const auto& a : choices.actions) {
      if (prefixes.count(a) != 0) continue;
      actions.push_back({{"id", a}, {"libelle", a}, {"choisi", a == filter.action}});
    }
    data["objets"] = std::move(entities);
    data["actions"] = std::move(actions);
    data["filtre"] = {
        {"utilisateur", filter.user},
        {"objet_id", filter.entity_id},
        {"structure", filter.structure_id == 0 ? json("") : json(filter.structure_id)},
        {"departement", filter.departement},
        {"du", parsed ? filter.from : query_text(ctx.request, "du")},
        {"au", parsed ? filter.to : query_text(ctx.request, "au")}};
    if (!page) {
      const Error& e = page.error();
      if (e.code != ErrorCode::invalid_input && e.code != ErrorCode::forbidden) {
        return tl::unexpected(e);
      }
      const std::string message =
          e.message.empty() ? std::string(error_info(e.code).message) : e.message;
      data["erreur"] = message;
      data["erreurs"][e.field.empty() ? "general" : e.field] = message;
      data["lignes"] = json::array();
      return render(std::move(data), ctx);
    }
    json rows = json::array();
    for (const auto& r : page->rows) {
      json row = row_json(r);
      row["le_texte"] = format_timestamp_fr(r.at).value_or(r.at);
      row["changements"] = changes_json(r.before, r.after);
      const std::string href = fmt::format("/structures/{}", r.structure_id);
      row["structure_href"] =
          r.structure_id != 0 && !r.structure_name.empty() && site_.may_open(&who, href)
              ? json(href)
              : json();
      rows.push_back(std::move(row));
    }
    data["a_lignes"] = !rows.empty();
    data["lignes"] = std::move(rows);
    data["filtre_actif"] = !filter_query(filter, false).empty();
    data["export_href"] = "/journal.csv" + filter_query(filter, false);
    if (page->next_before_id != 0) {
      const std::string q = filter_query(filter, true);
      data["suivante_href"] =
          "/journal" + q + (q.empty() ? "?" : "&") + fmt::format("avant={}", page->next_before_id);
    }
    return render(std::move(data), ctx);
  }

  Result<Response> csv(const RequestContext& ctx) {
    auto filter = MAILLAGE_TRY(filter_of(ctx.request));
    auto rows = MAILLAGE_TRY(log_.export_rows(*ctx.principal(), filter));
    // Semicolon-separated UTF-8 with a BOM: what French spreadsheet software opens directly.
    std::string out(csv::kUtf8Bom);
    auto line = [&](const std::vector<std::string>& fields) {
      out += csv::spreadsheet_row(fields);
    };
    line({"id", "date_utc", "utilisateur", "action", "objet", "objet_id", "structure",
          "structure_nom", "departement", "avant", "apres"});
    for (const auto& r : rows) {
      line({std::to_string(r.id), r.at, r.user, r.action, r.entity, r.entity_id,
            r.structure_id == 0 ? "" : std::to_string(r.structure_id), r.structure_name,
            r.departement, r.before, r.after});
    }
    Response resp;
    resp.content_type = "text/csv; charset=utf-8";
    resp.body = std::move(out);
    resp.set_header("Content-Disposition", fmt::format("attachment; filename=\"journal-{}.csv\"",
                                                       format_date(today_utc())));
    return resp;
  }

  Result<Response> render(json data, const RequestContext& ctx) {
    auto html = MAILLAGE_TRY(site_.render_page("journal", nullify_empty(std::move(data)), ctx));
    return Response::html(std::move(html));
  }

  const Site& site_;
  const services::AuditLog& log_;
};

}  // namespace

std::unique_ptr<Feature> make_audit_feature(const Site& site) {
  return std::make_unique<AuditFeature>(site);
}

}  // namespace maillage::http
