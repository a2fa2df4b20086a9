// Routes of the registry area: structures (CRUD with optimistic versions), lifecycle transitions,
// milestones, documents, the ROC portfolio (JSON, CSV, XLSX, page with the pipeline), the
// structure page and "Qui est mon ROC ?". Handlers parse, call one services::Registry method and
// render; scope checks are the service's.
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <nlohmann/json.hpp>

#include "common/error_catalogue.hpp"
#include "http/compress.hpp"
#include "http/feature.hpp"
#include "http/web_app.hpp"
#include "office/xlsx.hpp"
#include "services/registry.hpp"
#include "common/csv.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::Role;
using services::Structure;

constexpr std::string_view kJsonBody = "application/json";

std::string format_int(std::int64_t n) { return format_count(n); }

// Mustache sections treat "" as true; page data replaces empty strings with null so that
// {{#field}}...{{/field}} shows only present values.
json nullify_empty(json v) {
  if (v.is_string() && v.get_ref<const std::string&>().empty()) return nullptr;
  if (v.is_object() || v.is_array()) {
    for (auto& x : v) x = nullify_empty(std::move(x));
  }
  return v;
}

Result<std::int64_t> parse_id(const std::string& text, const char* field) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0) {
    return fail(ErrorCode::invalid_input, "Identifiant invalide.", field);
  }
  return v;
}

std::string date_or_empty(const std::optional<registry::Date>& d) {
  return d ? registry::format_date(*d) : std::string();
}

json structure_json(const Structure& s) {
  return json{{"id", s.id},
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
              {"modifie_le", s.updated_at}};
}

json alert_json(const services::PortfolioAlert& a) {
  return json{{"structure", a.structure_id}, {"date", registry::format_date(a.date)},
              {"type", a.kind},              {"libelle", a.label},
              {"gravite", a.severity},       {"source", a.source}};
}

std::string severity_label(const std::string& s) {
  if (s == "critical") return "En retard";
  if (s == "warning") return "Imminent";
  return "À venir";
}

std::string kind_label(const std::string& k) {
  if (k == "implicit_transition") return "Validation implicite";
  if (k == "deadline") return "Échéance de mission";
  if (k == "anniversary") return "Anniversaire du contrat";
  return k;
}

// The editable fields of a structure, as the API names them (French, like the JSON answers).
std::vector<JsonProperty> field_properties() {
  return {
      {"nom", false, json_string("Nom de la structure", 1, 200)},
      {"forme_juridique", false, json_string("Forme juridique (association loi 1901, SISA...)", 0, 500)},
      {"finess", false, json_string("Numéro FINESS (9 caractères)", 0, 20)},
      {"rna", false, json_string("Numéro RNA (W + 9 caractères)", 0, 20)},
      {"siret", false, json_string("Numéro SIRET (14 chiffres)", 0, 20)},
      {"commune", false, json_string("Code INSEE de la commune du siège", 0, 5)},
      {"adresse", false, json_string("Adresse", 0, 500)},
      {"contact_nom", false, json_string("Nom du contact", 0, 500)},
      {"contact_courriel", false, json_string("Courriel du contact", 0, 500)},
      {"contact_telephone", false, json_string("Téléphone du contact", 0, 500)},
      {"notes", false, json_string("Notes libres", 0, 20000)},
  };
}

services::StructureFields fields_from(const json& body) {
  services::StructureFields f;
  auto take = [&](const char* key, std::optional<std::string>& out) {
    if (body.contains(key)) out = body[key].get<std::string>();
  };
  take("nom", f.name);
  take("forme_juridique", f.legal_form);
  take("finess", f.finess);
  take("rna", f.rna);
  take("siret", f.siret);
  take("commune", f.commune);
  take("adresse", f.address);
  take("contact_nom", f.contact_name);
  take("contact_courriel", f.contact_email);
  take("contact_telephone", f.contact_phone);
  take("notes", f.notes);
  return f;
}

// Map the French field names of the API back onto the service's errors (which use the model's).
Error api_field(Error e) {
  static const std::map<std::string, std::string> names{
      {"name", "nom"},           {"legal_form", "forme_juridique"},
      {"address", "adresse"},    {"contact_name", "contact_nom"},
      {"contact_email", "contact_courriel"}, {"contact_phone", "contact_telephone"},
      {"kind", "type"},          {"comment", "commentaire"}};
  if (auto it = names.find(e.field); it != names.end()) e.field = it->second;
  return e;
}

std::vector<std::string> stage_ids_of(const services::Registry& reg) {
  std::vector<std::string> ids;
  for (const auto& lc : reg.lifecycles().items) {
    for (const auto& s : lc.states) {
      if (std::find(ids.begin(), ids.end(), s.id) == ids.end()) ids.push_back(s.id);
    }
  }
  return ids;
}

// RFC 4180 field; a leading = + - @ is prefixed with ' so that a spreadsheet never runs it.
class RegistryFeature final : public Feature {
 public:
  explicit RegistryFeature(const Site& site)
      : site_(site), registry_(services::Registry::create(site.db, site.ref)) {
    auto object = [](std::string d, std::vector<JsonProperty> p) {
      return std::make_shared<const JsonSchema>(json_object(std::move(d), std::move(p)));
    };
    auto create = field_properties();
    create[0].required = true;
    create.push_back({"type", true, json_enum("Type de structure", {"CPTS", "MSP", "ESP", "CDS"})});
    create.push_back({"departement", true, json_string("Code du département", 2, 3)});
    create_schema_ = object("Nouvelle structure", create);
    auto update = field_properties();
    update.push_back({"version", true, json_integer("Version lue (verrou optimiste)", 1)});
    update_schema_ = object("Champs modifiés", update);
    transition_schema_ = object(
        "Étape",
        {{"evenement", true,
          json_string("Événement (ex. signer_aci) ou étape visée (ex. aci_signe)", 1, 100)},
         {"version", true, json_integer("Version lue (verrou optimiste)", 1)},
         {"date", false, json_string("Date de l'étape (AAAA-MM-JJ), aujourd'hui par défaut", 10, 10)},
         {"commentaire", false, json_string("Commentaire", 0, 2000)}});
    milestone_schema_ =
        object("Jalon", {{"jalon", true, json_string("Jalon (ex. acces_soins.demarrage)", 1, 100)},
                         {"date", true, json_string("Date (AAAA-MM-JJ)", 10, 10)}});
    std::vector<std::string> types;
    for (const auto& t : services::document_types()) types.push_back(t.id);
    document_schema_ =
        object("Document", {{"type", true, json_enum("Type de document", types)},
                            {"titre", true, json_string("Titre", 1, 200)},
                            {"nom_fichier", true, json_string("Nom du fichier", 1, 255)},
                            {"type_contenu", false, json_string("Type MIME", 0, 100)},
                            {"date", false, json_string("Date du document (AAAA-MM-JJ)", 10, 10)},
                            {"contenu_base64", true,
                             json_string("Contenu du fichier en base64", 1)}});
  }

  void add_routes(RouteTable& table) override;

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    std::vector<NavEntry> out{{"Portefeuille", "/portefeuille"}};
    out.push_back({"Mon ROC", "/qui-est-mon-roc"});
    (void)who;
    return out;
  }

 private:
  Result<services::Registry*> reg() const {
    if (!registry_) return tl::unexpected(registry_.error());
    return const_cast<services::Registry*>(&*registry_);
  }
  using Method = Result<Response> (RegistryFeature::*)(const RequestContext&);
  Handler bind(Method m) {
    return [this, m](const RequestContext& ctx) { return (this->*m)(ctx); };
  }

  // API
  Result<Response> api_list(const RequestContext& ctx);
  Result<Response> api_create(const RequestContext& ctx);
  Result<Response> api_get(const RequestContext& ctx);
  Result<Response> api_update(const RequestContext& ctx);
  Result<Response> api_delete(const RequestContext& ctx);
  Result<Response> api_history(const RequestContext& ctx);
  Result<Response> api_transition(const RequestContext& ctx);
  Result<Response> api_milestone(const RequestContext& ctx);
  Result<Response> api_documents(const RequestContext& ctx);
  Result<Response> api_add_document(const RequestContext& ctx);
  Result<Response> api_document(const RequestContext& ctx);
  Result<Response> api_structure_referents(const RequestContext& ctx);
  Result<Response> api_referents(const RequestContext& ctx);
  Result<Response> api_portfolio(const RequestContext& ctx);
  Result<Response> api_portfolio_csv(const RequestContext& ctx);
  Result<Response> api_portfolio_xlsx(const RequestContext& ctx);
  // Pages
  Result<Response> page_portfolio_home(const RequestContext& ctx);
  Result<Response> page_portfolio(const RequestContext& ctx);
  Result<Response> page_structure(const RequestContext& ctx);
  Result<Response> page_transition(const RequestContext& ctx);
  Result<Response> page_notes(const RequestContext& ctx);
  Result<Response> page_who_is_my_roc(const RequestContext& ctx);

  Result<services::Portfolio> portfolio_of(const RequestContext& ctx, const std::string& dep);
  json portfolio_json(const services::Portfolio& p) const;

  // The portfolio JSON, kept per (département, filters, day, caller's scope) with the write
  // stamp it was computed at (the audit log's high-water mark: every write of every area and
  // instance moves it). A hit costs one indexed read instead of the ~8 queries and the alert
  // computation. Entries also expire after kPortfolioTtl: on PostgreSQL, audit ids are not
  // committed in id order, so a write committing late behind a higher id could go unseen by the
  // stamp; the TTL bounds that staleness.
  struct CachedPortfolio {
    std::int64_t stamp = 0;
    std::chrono::steady_clock::time_point at;
    std::string body, etag, gzip;
  };
  static constexpr std::chrono::seconds kPortfolioTtl{5};
  static constexpr std::size_t kPortfolioCacheEntries = 512;
  std::mutex cache_mutex_;
  std::map<std::string, std::shared_ptr<const CachedPortfolio>> cache_;

  const Site& site_;
  Result<services::Registry> registry_;
  // Request bodies: the same schema checks the body and documents the route (OpenAPI).
  std::shared_ptr<const JsonSchema> create_schema_, update_schema_, transition_schema_,
      milestone_schema_, document_schema_;
};

void RegistryFeature::add_routes(RouteTable& table) {
  const auto signed_in = AccessRule::authenticated();
  const auto deciders = AccessRule::only({Role::admin, Role::roc, Role::ars});
  const auto writers = AccessRule::only({Role::admin, Role::roc, Role::ars, Role::coordinator});
  const std::vector<QueryParam> portfolio_query{
      {"type", "Type de structure (CPTS, MSP, ESP, CDS)", false, false},
      {"etape", "Étape du cycle de vie (identifiant, ex. aci_signe)", false, false},
      {"alerte", "Type d'alerte (deadline, implicit_transition, anniversary...) ou « any »", false,
       false},
      {"date", "Date de calcul des alertes (AAAA-MM-JJ, aujourd'hui par défaut)", false, false}};

  table.add("GET", "/api/v1/structures", signed_in, RouteKind::api, bind(&RegistryFeature::api_list),
            "Structures du périmètre de l'utilisateur")
      .query = {{"departement", "Code du département", false, false},
                {"type", "Type de structure", false, false},
                {"etape", "Étape du cycle de vie", false, false}};
  {
    Route& r = table.add("POST", "/api/v1/structures", deciders, RouteKind::api,
                         bind(&RegistryFeature::api_create), "Crée une structure (étape initiale)");
    r.body = create_schema_;
    r.success_status = 201;
  }
  table.add("GET", "/api/v1/structures/{id}", signed_in, RouteKind::api,
            bind(&RegistryFeature::api_get),
            "Une structure, ses transitions possibles, son territoire et ses référents");
  {
    Route& r = table.add("PATCH", "/api/v1/structures/{id}", writers, RouteKind::api,
                         bind(&RegistryFeature::api_update),
                         "Modifie une structure (409 si la version lue n'est plus la dernière)");
    r.body = update_schema_;
  }
  table.add("DELETE", "/api/v1/structures/{id}", deciders, RouteKind::api,
            bind(&RegistryFeature::api_delete), "Supprime une structure")
      .query = {{"version", "Version lue (verrou optimiste)", true, true}};
  table.add("GET", "/api/v1/structures/{id}/history", signed_in, RouteKind::api,
            bind(&RegistryFeature::api_history), "Historique daté des étapes d'une structure");
  {
    Route& r = table.add("POST", "/api/v1/structures/{id}/transitions", deciders, RouteKind::api,
                         bind(&RegistryFeature::api_transition),
                         "Enregistre une étape du cycle de vie (refus invalid_transition si elle n'est pas permise)");
    r.body = transition_schema_;
    r.success_status = 201;
  }
  {
    Route& r = table.add("POST", "/api/v1/structures/{id}/milestones", writers, RouteKind::api,
                         bind(&RegistryFeature::api_milestone),
                         "Enregistre un jalon (ex. démarrage d'une mission)");
    r.body = milestone_schema_;
    r.success_status = 201;
  }
  table.add("GET", "/api/v1/structures/{id}/documents", signed_in, RouteKind::api,
            bind(&RegistryFeature::api_documents), "Documents d'une structure");
  {
    Route& r = table.add("POST", "/api/v1/structures/{id}/documents", writers, RouteKind::api,
                         bind(&RegistryFeature::api_add_document),
                         "Dépose un document (contenu en base64)");
    r.body = document_schema_;
    r.success_status = 201;
  }
  table.add("GET", "/api/v1/structures/{id}/documents/{document}", signed_in, RouteKind::api,
            bind(&RegistryFeature::api_document), "Télécharge un document");
  table.add("GET", "/api/v1/structures/{id}/referents", signed_in, RouteKind::api,
            bind(&RegistryFeature::api_structure_referents),
            "Qui est mon ROC ? Référents d'une structure");
  table.add("GET", "/api/v1/referents", signed_in, RouteKind::api,
            bind(&RegistryFeature::api_referents), "Qui est mon ROC ? Référents d'une commune")
      .query = {{"commune", "Code INSEE de la commune", true, false}};
  table.add("GET", "/api/v1/departements/{code}/portfolio", signed_in, RouteKind::api,
            bind(&RegistryFeature::api_portfolio),
            "Portefeuille d'un département : structures, étape, prochaine échéance, alertes, "
            "effectifs par étape")
      .query = portfolio_query;
  table.add("GET", "/api/v1/departements/{code}/portfolio.csv", signed_in, RouteKind::api,
            bind(&RegistryFeature::api_portfolio_csv), "Portefeuille d'un département (CSV)")
      .query = portfolio_query;
  table.add("GET", "/api/v1/departements/{code}/portfolio.xlsx", signed_in, RouteKind::api,
            bind(&RegistryFeature::api_portfolio_xlsx), "Portefeuille d'un département (XLSX)")
      .query = portfolio_query;

  // Pages
  table.add("GET", "/portefeuille", signed_in, RouteKind::page,
            bind(&RegistryFeature::page_portfolio_home), "Portefeuille (département par défaut)");
  table.add("GET", "/portefeuille/{dep}", signed_in, RouteKind::page,
            bind(&RegistryFeature::page_portfolio), "Portefeuille des structures d'un département")
      .query = portfolio_query;
  table.add("GET", "/structures/{id}", signed_in, RouteKind::page,
            bind(&RegistryFeature::page_structure), "Fiche d'une structure");
  table.add("POST", "/structures/{id}/etape", deciders, RouteKind::page,
            bind(&RegistryFeature::page_transition), "Formulaire : enregistrer une étape");
  table.add("POST", "/structures/{id}/notes", writers, RouteKind::page,
            bind(&RegistryFeature::page_notes), "Formulaire : notes de la structure");
  table.add("GET", "/qui-est-mon-roc", signed_in, RouteKind::page,
            bind(&RegistryFeature::page_who_is_my_roc), "Qui est mon ROC ?")
      .query = {{"commune", "Code INSEE ou nom de commune", false, false},
                {"structure", "Identifiant de structure", false, false}};
}

// ---------------------------------------------------------------------------------------------
// API

Result<Response> RegistryFeature::api_list(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  services::StructureFilter f;
  if (auto v = ctx.request.query_value("departement")) f.departement = *v;
  if (auto v = ctx.request.query_value("type")) f.kind = *v;
  if (auto v = ctx.request.query_value("etape")) f.stage = *v;
  auto list = (*r)->list_structures(*ctx.principal(), f);
  if (!list) return tl::unexpected(list.error());
  json out = json::array();
  for (const auto& s : *list) out.push_back(structure_json(s));
  return Response::json(json{{"structures", out}}.dump());
}

Result<Response> RegistryFeature::api_create(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto body = read_json_body(ctx.request, *create_schema_);
  if (!body) return tl::unexpected(body.error());
  services::NewStructure ns;
  ns.kind = (*body)["type"].get<std::string>();
  ns.name = (*body)["nom"].get<std::string>();
  ns.departement = (*body)["departement"].get<std::string>();
  ns.fields = fields_from(*body);
  auto s = (*r)->create_structure(*ctx.principal(), ns);
  if (!s) return tl::unexpected(api_field(s.error()));
  Response resp = Response::json(structure_json(*s).dump(), 201);
  resp.set_header("Location", fmt::format("/api/v1/structures/{}", s->id));
  return resp;
}

Result<Response> RegistryFeature::api_get(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto id = parse_id(ctx.request.param("id"), "id");
  if (!id) return tl::unexpected(id.error());
  const auto& who = *ctx.principal();
  auto s = (*r)->get_structure(who, *id);
  if (!s) return tl::unexpected(s.error());
  auto moves = (*r)->allowed_transitions(who, *s);
  if (!moves) return tl::unexpected(moves.error());
  auto communes = (*r)->territory_communes(who, *id);
  if (!communes) return tl::unexpected(communes.error());
  auto referents = (*r)->referents_of_structure(who, *id);
  if (!referents) return tl::unexpected(referents.error());
  json out = structure_json(*s);
  json t = json::array();
  for (const auto& m : *moves) {
    t.push_back({{"evenement", m.event}, {"libelle", m.label}, {"vers", m.to},
                 {"vers_libelle", m.to_label}});
  }
  out["transitions_possibles"] = std::move(t);
  out["territoire"] = *communes;
  json refs = json::array();
  for (const auto& x : *referents) {
    refs.push_back({{"identifiant", x.login}, {"nom", x.display_name}, {"role", x.role},
                    {"motif", x.basis}});
  }
  out["referents"] = std::move(refs);
  return Response::json(out.dump());
}

Result<Response> RegistryFeature::api_update(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto id = parse_id(ctx.request.param("id"), "id");
  if (!id) return tl::unexpected(id.error());
  auto body = read_json_body(ctx.request, *update_schema_);
  if (!body) return tl::unexpected(body.error());
  auto s = (*r)->update_structure(*ctx.principal(), *id, (*body)["version"].get<std::int64_t>(),
                                  fields_from(*body));
  if (!s) return tl::unexpected(api_field(s.error()));
  return Response::json(structure_json(*s).dump());
}

Result<Response> RegistryFeature::api_delete(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto id = parse_id(ctx.request.param("id"), "id");
  if (!id) return tl::unexpected(id.error());
  auto version = parse_id(ctx.request.query_value("version").value_or(""), "version");
  if (!version) return tl::unexpected(version.error());
  if (auto st = (*r)->delete_structure(*ctx.principal(), *id, *version); !st) {
    return tl::unexpected(st.error());
  }
  Response resp;
  resp.status = 204;
  return resp;
}

Result<Response> RegistryFeature::api_history(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto id = parse_id(ctx.request.param("id"), "id");
  if (!id) return tl::unexpected(id.error());
  auto h = (*r)->history(*ctx.principal(), *id);
  if (!h) return tl::unexpected(h.error());
  json out = json::array();
  for (const auto& e : *h) {
    out.push_back({{"de", e.from}, {"de_libelle", e.from_label}, {"vers", e.to},
                   {"vers_libelle", e.to_label}, {"evenement", e.event},
                   {"evenement_libelle", e.event_label}, {"date", registry::format_date(e.date)},
                   {"par", e.user}, {"implicite", e.implicit}, {"commentaire", e.comment},
                   {"enregistre_le", e.recorded_at}});
  }
  return Response::json(json{{"historique", out}}.dump());
}

Result<registry::Date> date_field(const json& body, const char* key, registry::Date fallback) {
  if (!body.contains(key)) return fallback;
  auto d = registry::parse_date(body[key].get<std::string>());
  if (!d) {
    return fail(ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.", key);
  }
  return *d;
}

Result<Response> RegistryFeature::api_transition(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto id = parse_id(ctx.request.param("id"), "id");
  if (!id) return tl::unexpected(id.error());
  auto body = read_json_body(ctx.request, *transition_schema_);
  if (!body) return tl::unexpected(body.error());
  const auto today = today_utc();
  auto date = date_field(*body, "date", today);
  if (!date) return tl::unexpected(date.error());
  auto s = (*r)->transition(*ctx.principal(), *id, (*body)["version"].get<std::int64_t>(),
                            (*body)["evenement"].get<std::string>(), *date,
                            body->value("commentaire", std::string()), today);
  if (!s) return tl::unexpected(api_field(s.error()));
  return Response::json(structure_json(*s).dump(), 201);
}

Result<Response> RegistryFeature::api_milestone(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto id = parse_id(ctx.request.param("id"), "id");
  if (!id) return tl::unexpected(id.error());
  auto body = read_json_body(ctx.request, *milestone_schema_);
  if (!body) return tl::unexpected(body.error());
  const auto today = today_utc();
  auto date = date_field(*body, "date", today);
  if (!date) return tl::unexpected(date.error());
  if (auto st = (*r)->record_milestone(*ctx.principal(), *id, (*body)["jalon"].get<std::string>(),
                                       *date, today);
      !st) {
    return tl::unexpected(st.error());
  }
  return Response::json(json{{"jalon", (*body)["jalon"]}, {"date", (*body)["date"]}}.dump(), 201);
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

Result<Response> RegistryFeature::api_documents(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto id = parse_id(ctx.request.param("id"), "id");
  if (!id) return tl::unexpected(id.error());
  auto docs = (*r)->documents(*ctx.principal(), *id);
  if (!docs) return tl::unexpected(docs.error());
  json out = json::array();
  for (const auto& d : *docs) out.push_back(document_json(d));
  return Response::json(json{{"documents", out}}.dump());
}

// Decodes standard base64 (with padding); anything else is refused.
Result<std::string> decode_base64(const std::string& text) {
  static const auto table = [] {
    std::array<int, 256> t{};
    t.fill(-1);
    const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = i;
    return t;
  }();
  if (text.size() % 4 != 0) {
    return fail(ErrorCode::invalid_input, "Contenu base64 invalide (longueur).", "contenu_base64");
  }
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int k = 0; k < 4; ++k) {
      char c = text[i + k];
      if (c == '=' && i + 4 == text.size() && k >= 2) {
        v[k] = 0;
        ++pad;
        continue;
      }
      if (pad > 0 || (v[k] = table[static_cast<unsigned char>(c)]) < 0) {
        return fail(ErrorCode::invalid_input, "Contenu base64 invalide.", "contenu_base64");
      }
    }
    std::uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out += static_cast<char>((n >> 16) & 0xFF);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xFF);
    if (pad < 1) out += static_cast<char>(n & 0xFF);
  }
  return out;
}

Result<Response> RegistryFeature::api_add_document(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto id = parse_id(ctx.request.param("id"), "id");
  if (!id) return tl::unexpected(id.error());
  auto body = read_json_body(ctx.request, *document_schema_);
  if (!body) return tl::unexpected(body.error());
  auto bytes = decode_base64((*body)["contenu_base64"].get<std::string>());
  if (!bytes) return tl::unexpected(bytes.error());
  auto date = date_field(*body, "date", today_utc());
  if (!date) return tl::unexpected(date.error());
  services::NewDocument d;
  d.doc_type = (*body)["type"].get<std::string>();
  d.title = (*body)["titre"].get<std::string>();
  d.filename = (*body)["nom_fichier"].get<std::string>();
  d.content_type = body->value("type_contenu", std::string());
  d.date = *date;
  d.bytes = std::move(*bytes);
  // The body limit bounds the file (base64 adds a third).
  auto info = (*r)->add_document(*ctx.principal(), *id, d, site_.options.max_body_bytes);
  if (!info) return tl::unexpected(info.error());
  return Response::json(document_json(*info).dump(), 201);
}

// Types a browser may display inline from our origin without risk; anything else is served as
// application/octet-stream so an uploaded HTML or SVG file never runs in the site's origin.
std::string safe_content_type(const std::string& t) {
  static const std::vector<std::string> allowed{
      "application/pdf", "image/png", "image/jpeg", "text/plain", "text/csv",
      "application/vnd.oasis.opendocument.text",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.oasis.opendocument.spreadsheet", "application/msword",
      "application/vnd.ms-excel"};
  return std::find(allowed.begin(), allowed.end(), t) != allowed.end() ? t
                                                                       : "application/octet-stream";
}

Result<Response> RegistryFeature::api_document(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto id = parse_id(ctx.request.param("id"), "id");
  if (!id) return tl::unexpected(id.error());
  auto doc_id = parse_id(ctx.request.param("document"), "document");
  if (!doc_id) return tl::unexpected(doc_id.error());
  auto d = (*r)->document(*ctx.principal(), *id, *doc_id);
  if (!d) return tl::unexpected(d.error());
  Response resp;
  resp.content_type = safe_content_type(d->info.content_type);
  resp.body = std::move(d->bytes);
  std::string ascii;
  for (unsigned char c : d->info.filename) ascii += (c < 0x80 && c != '"' && c != '\\') ? char(c) : '_';
  resp.set_header("Content-Disposition",
                  fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}", ascii,
                              url_encode(d->info.filename)));
  resp.set_header("Cache-Control", "private, no-store");
  return resp;
}

json referents_json(const std::vector<services::Referent>& refs) {
  json out = json::array();
  for (const auto& x : refs) {
    out.push_back({{"identifiant", x.login}, {"nom", x.display_name}, {"role", x.role},
                   {"motif", x.basis}});
  }
  return out;
}

Result<Response> RegistryFeature::api_structure_referents(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto id = parse_id(ctx.request.param("id"), "id");
  if (!id) return tl::unexpected(id.error());
  auto refs = (*r)->referents_of_structure(*ctx.principal(), *id);
  if (!refs) return tl::unexpected(refs.error());
  return Response::json(json{{"structure", *id}, {"referents", referents_json(*refs)}}.dump());
}

Result<Response> RegistryFeature::api_referents(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  std::string code = ctx.request.query_value("commune").value_or("");
  auto refs = (*r)->referents_of_commune(code);
  if (!refs) return tl::unexpected(refs.error());
  const auto* c = site_.ref.commune(code);
  return Response::json(json{{"commune", {{"code", code}, {"nom", c ? c->nom : ""}}},
                             {"referents", referents_json(*refs)}}
                            .dump());
}

Result<services::Portfolio> RegistryFeature::portfolio_of(const RequestContext& ctx,
                                                          const std::string& dep) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  services::PortfolioFilter f;
  auto non_empty = [&](const char* key) -> std::optional<std::string> {
    auto v = ctx.request.query_value(key);
    if (!v || v->empty()) return std::nullopt;
    return v;
  };
  f.kind = non_empty("type");
  f.stage = non_empty("etape");
  f.alert = non_empty("alerte");
  if (f.stage) {
    auto ids = stage_ids_of(**r);
    if (std::find(ids.begin(), ids.end(), *f.stage) == ids.end()) {
      return fail(ErrorCode::invalid_input, "Étape inconnue : " + *f.stage, "etape");
    }
  }
  registry::Date today = today_utc();
  if (auto d = non_empty("date")) {
    auto parsed = registry::parse_date(*d);
    if (!parsed) return fail(ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.", "date");
    today = *parsed;
  }
  return (*r)->portfolio(*ctx.principal(), dep, f, today);
}

json RegistryFeature::portfolio_json(const services::Portfolio& p) const {
  json entries = json::array();
  for (const auto& e : p.entries) {
    json alerts = json::array();
    for (const auto& a : e.alerts) alerts.push_back(alert_json(a));
    entries.push_back({{"id", e.structure.id},
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
    pipeline.push_back({{"type", s.kind}, {"etape", s.stage}, {"libelle", s.label},
                        {"terminale", s.terminal}, {"nombre", s.count}});
  }
  return json{{"departement", {{"code", p.departement}, {"nom", p.departement_name}}},
              {"date", registry::format_date(p.as_of)},
              {"total", p.total},
              {"structures", std::move(entries)},
              {"pipeline", std::move(pipeline)}};
}

// The cache key: everything the answer depends on besides the data (filters, day, scope).
std::string portfolio_key(const RequestContext& ctx, const std::string& today) {
  const services::Principal& who = *ctx.principal();
  std::string key = ctx.request.param("code");
  for (const char* q : {"type", "etape", "alerte", "date"}) {
    key += '|';
    key += ctx.request.query_value(q).value_or("");
  }
  key += '|' + today + '|' + std::string(services::role_id(who.role));
  for (const auto& d : who.departements) key += ",d" + d;
  for (const auto& r : who.regions) key += ",r" + r;
  for (auto s : who.structures) key += ",s" + std::to_string(s);
  return key;
}

Result<Response> RegistryFeature::api_portfolio(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto stamp = (*r)->write_stamp();
  if (!stamp) return tl::unexpected(stamp.error());
  const auto now = std::chrono::steady_clock::now();
  const std::string key = portfolio_key(ctx, registry::format_date(today_utc()));
  std::shared_ptr<const CachedPortfolio> hit;
  {
    std::lock_guard lock(cache_mutex_);
    if (auto it = cache_.find(key); it != cache_.end() && it->second->stamp == *stamp &&
                                    now - it->second->at < kPortfolioTtl) {
      hit = it->second;
    }
  }
  if (!hit) {
    auto p = portfolio_of(ctx, ctx.request.param("code"));
    if (!p) return tl::unexpected(p.error());
    auto fresh = std::make_shared<CachedPortfolio>();
    fresh->stamp = *stamp;  // read before the data: a write in between only makes it older
    fresh->at = now;
    fresh->body = portfolio_json(*p).dump();
    fresh->etag = etag_of(fresh->body);
    fresh->gzip = gzip_compress(fresh->body);
    hit = fresh;
    std::lock_guard lock(cache_mutex_);
    if (cache_.size() >= kPortfolioCacheEntries) cache_.clear();
    cache_[key] = std::move(fresh);
  }
  Response resp;
  resp.content_type = "application/json";
  // A revalidated ETag saves the transfer of an unchanged portfolio.
  make_cacheable(ctx.request, resp, "private, no-cache", hit->etag);
  if (resp.status == 200) set_encoded_body(ctx.request, resp, hit->body, hit->gzip, "");
  return resp;
}

// The rows shared by the CSV and XLSX exports.
std::vector<std::string> export_header() {
  return {"Identifiant", "Type", "Nom", "Étape", "Depuis le", "Commune du siège",
          "Communes du territoire", "Population du territoire", "Référents",
          "Prochaine échéance", "Objet de l'échéance", "Alertes", "Dont en retard"};
}

Result<Response> RegistryFeature::api_portfolio_csv(const RequestContext& ctx) {
  auto p = portfolio_of(ctx, ctx.request.param("code"));
  if (!p) return tl::unexpected(p.error());
  // Semicolon-separated UTF-8 with a BOM: what French spreadsheet software opens directly.
  std::string out = "\xEF\xBB\xBF";
  auto line = [&](const std::vector<std::string>& fields) {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out += ';';
      out += csv::text_field(fields[i]);
    }
    out += "\r\n";
  };
  line(export_header());
  for (const auto& e : p->entries) {
    std::int64_t late = 0;
    for (const auto& a : e.alerts) late += a.severity == "critical";
    std::string commune;
    if (const auto* c = site_.ref.commune(e.structure.commune)) commune = c->nom;
    line({std::to_string(e.structure.id), e.structure.kind, e.structure.name,
          e.structure.stage_label,
          e.structure.stage_since ? registry::format_date_fr(*e.structure.stage_since) : "",
          commune, std::to_string(e.territory_communes), std::to_string(e.territory_population),
          fmt::format("{}", fmt::join(e.referents, ", ")),
          e.next_deadline ? registry::format_date_fr(e.next_deadline->date) : "",
          e.next_deadline ? e.next_deadline->label : "", std::to_string(e.alerts.size()),
          std::to_string(late)});
  }
  Response resp;
  resp.content_type = "text/csv; charset=utf-8";
  resp.body = std::move(out);
  resp.set_header("Content-Disposition",
                  fmt::format("attachment; filename=\"portefeuille-{}-{}.csv\"", p->departement,
                              registry::format_date(p->as_of)));
  return resp;
}

Result<Response> RegistryFeature::api_portfolio_xlsx(const RequestContext& ctx) {
  auto p = portfolio_of(ctx, ctx.request.param("code"));
  if (!p) return tl::unexpected(p.error());
  auto to_date = [](registry::Date d) {
    return office::Date{static_cast<int>(d.year()), static_cast<int>(static_cast<unsigned>(d.month())),
                        static_cast<int>(static_cast<unsigned>(d.day()))};
  };
  office::Sheet structures{"Structures", export_header(), {}, {}};
  for (const auto& e : p->entries) {
    std::int64_t late = 0;
    for (const auto& a : e.alerts) late += a.severity == "critical";
    std::string commune;
    if (const auto* c = site_.ref.commune(e.structure.commune)) commune = c->nom;
    std::vector<office::Cell> row{
        e.structure.id, e.structure.kind, e.structure.name, e.structure.stage_label,
        e.structure.stage_since ? office::Cell(to_date(*e.structure.stage_since)) : office::Cell(),
        commune, e.territory_communes, e.territory_population,
        fmt::format("{}", fmt::join(e.referents, ", ")),
        e.next_deadline ? office::Cell(to_date(e.next_deadline->date)) : office::Cell(),
        e.next_deadline ? office::Cell(e.next_deadline->label) : office::Cell(),
        static_cast<std::int64_t>(e.alerts.size()), late};
    structures.rows.push_back(std::move(row));
  }
  office::Sheet alerts{"Alertes", {"Date", "Structure", "Type", "Gravité", "Alerte", "Source"}, {}, {}};
  office::Sheet pipeline{"Étapes", {"Type", "Étape", "Nombre"}, {}, {}};
  for (const auto& e : p->entries) {
    for (const auto& a : e.alerts) {
      alerts.rows.push_back({to_date(a.date), e.structure.name, kind_label(a.kind),
                             severity_label(a.severity), a.label, a.source});
    }
  }
  for (const auto& s : p->pipeline) pipeline.rows.push_back({s.kind, s.label, s.count});
  office::WorkbookInfo info;
  info.title = fmt::format("Portefeuille {} ({}) au {}", p->departement_name, p->departement,
                           registry::format_date_fr(p->as_of));
  auto bytes = office::write_xlsx({structures, alerts, pipeline}, info);
  if (!bytes) return tl::unexpected(bytes.error());
  Response resp;
  resp.content_type = std::string(office::kXlsxMediaType);
  resp.body = std::move(*bytes);
  resp.set_header("Content-Disposition",
                  fmt::format("attachment; filename=\"portefeuille-{}-{}.xlsx\"", p->departement,
                              registry::format_date(p->as_of)));
  return resp;
}

// ---------------------------------------------------------------------------------------------
// Pages

Result<Response> RegistryFeature::page_portfolio_home(const RequestContext& ctx) {
  return Response::redirect("/portefeuille/" + site_.default_departement(ctx.principal()), 302);
}

Result<Response> RegistryFeature::page_portfolio(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  const std::string& dep = ctx.request.param("dep");
  auto p = portfolio_of(ctx, dep);
  if (!p) return tl::unexpected(p.error());
  const auto type = ctx.request.query_value("type").value_or("");
  const auto stage = ctx.request.query_value("etape").value_or("");
  const auto alert = ctx.request.query_value("alerte").value_or("");

  json rows = json::array();
  for (const auto& e : p->entries) {
    std::int64_t late = 0;
    for (const auto& a : e.alerts) late += a.severity == "critical";
    json alerts = json::array();
    for (const auto& a : e.alerts) {
      alerts.push_back({{"date", registry::format_date_fr(a.date)}, {"libelle", a.label},
                        {"gravite", a.severity}, {"gravite_libelle", severity_label(a.severity)}});
    }
    std::string commune;
    if (const auto* c = site_.ref.commune(e.structure.commune)) commune = c->nom;
    rows.push_back(
        {{"id", e.structure.id},
         {"type", e.structure.kind},
         {"nom", e.structure.name},
         {"etape", e.structure.stage},
         {"etape_libelle", e.structure.stage_label},
         {"depuis", e.structure.stage_since ? registry::format_date_fr(*e.structure.stage_since) : ""},
         {"commune", commune},
         {"communes", e.territory_communes},
         {"population", e.territory_population > 0 ? format_int(e.territory_population) : ""},
         {"referents", fmt::format("{}", fmt::join(e.referents, ", "))},
         {"echeance", e.next_deadline ? json{{"date", registry::format_date_fr(e.next_deadline->date)},
                                             {"libelle", e.next_deadline->label},
                                             {"gravite", e.next_deadline->severity}}
                                      : json()},
         {"alertes", std::move(alerts)},
         {"nombre_alertes", e.alerts.size()},
         {"a_alertes", !e.alerts.empty()},
         {"a_territoire", e.territory_communes > 0},
         {"en_retard", late},
         {"a_retard", late > 0}});
  }
  // Pipeline per kind: one row of boxes per kind, the active stages first then the terminal ones.
  json kinds = json::array();
  std::string current_kind;
  for (const auto& s : p->pipeline) {
    if (s.kind != current_kind) {
      kinds.push_back({{"type", s.kind}, {"etapes", json::array()}, {"total", 0}});
      current_kind = s.kind;
    }
    json& k = kinds.back();
    k["total"] = k["total"].get<std::int64_t>() + s.count;
    k["etapes"].push_back(
        {{"etape", s.stage}, {"libelle", s.label}, {"nombre", s.count}, {"terminale", s.terminal},
         {"lien", fmt::format("/portefeuille/{}?type={}&etape={}", p->departement, s.kind, s.stage)},
         {"choisie", s.stage == stage && s.kind == type}});
  }
  json type_options = json::array();
  for (const char* k : {"CPTS", "MSP", "ESP", "CDS"}) {
    type_options.push_back({{"valeur", k}, {"choisi", type == k}});
  }
  json stage_options = json::array();
  std::set<std::string> seen;
  for (const auto& s : p->pipeline) {
    if (!seen.insert(s.stage).second) continue;
    stage_options.push_back({{"valeur", s.stage}, {"libelle", s.label}, {"choisi", s.stage == stage}});
  }
  json alert_options = json::array();
  for (auto [v, l] : {std::pair{"any", "Avec au moins une alerte"},
                      std::pair{"deadline", "Échéance de mission"},
                      std::pair{"implicit_transition", "Validation implicite"},
                      std::pair{"anniversary", "Anniversaire du contrat"}}) {
    alert_options.push_back({{"valeur", v}, {"libelle", l}, {"choisi", alert == v}});
  }
  std::string query;
  for (auto [k, v] : {std::pair{"type", type}, std::pair{"etape", stage}, std::pair{"alerte", alert}}) {
    if (v.empty()) continue;
    query += (query.empty() ? "?" : "&") + std::string(k) + "=" + url_encode(v);
  }
  json deps = json::array();
  auto region_fn = [&](std::string_view d) {
    const auto* x = site_.ref.departement(d);
    return x ? x->region : std::string();
  };
  for (const auto& d : site_.ref.departements) {
    if (!services::covers_departement(*ctx.principal(), d.code, region_fn)) continue;
    deps.push_back({{"code", d.code}, {"nom", d.nom}, {"choisi", d.code == p->departement}});
  }
  json data{{"titre", fmt::format("Portefeuille — {} ({})", p->departement_name, p->departement)},
            {"departement", {{"code", p->departement}, {"nom", p->departement_name}}},
            {"date", registry::format_date_fr(p->as_of)},
            {"total", p->total},
            {"affichees", p->entries.size()},
            {"filtre", !query.empty()},
            {"structures", std::move(rows)},
            {"a_structures", !p->entries.empty()},
            {"pipeline", std::move(kinds)},
            {"types", std::move(type_options)},
            {"etapes", std::move(stage_options)},
            {"alertes", std::move(alert_options)},
            {"departements", std::move(deps)},
            {"plusieurs_departements", deps.size() > 1},
            {"export_csv", fmt::format("/api/v1/departements/{}/portfolio.csv{}", p->departement, query)},
            {"export_xlsx",
             fmt::format("/api/v1/departements/{}/portfolio.xlsx{}", p->departement, query)}};
  auto html = site_.render_page("registre_portefeuille", nullify_empty(std::move(data)), ctx);
  if (!html) return tl::unexpected(html.error());
  return Response::html(std::move(*html));
}

Result<Response> RegistryFeature::page_structure(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto id = parse_id(ctx.request.param("id"), "id");
  if (!id) return tl::unexpected(id.error());
  const auto& who = *ctx.principal();
  auto s = (*r)->get_structure(who, *id);
  if (!s) return tl::unexpected(s.error());
  auto hist = (*r)->history(who, *id);
  if (!hist) return tl::unexpected(hist.error());
  auto moves = (*r)->allowed_transitions(who, *s);
  if (!moves) return tl::unexpected(moves.error());
  auto docs = (*r)->documents(who, *id);
  if (!docs) return tl::unexpected(docs.error());
  auto communes = (*r)->territory_communes(who, *id);
  if (!communes) return tl::unexpected(communes.error());
  auto refs = (*r)->referents_of_structure(who, *id);
  if (!refs) return tl::unexpected(refs.error());
  auto alerts = (*r)->alerts(who, {*id}, today_utc());
  if (!alerts) return tl::unexpected(alerts.error());

  json history = json::array();
  for (auto it = hist->rbegin(); it != hist->rend(); ++it) {
    history.push_back({{"date", registry::format_date_fr(it->date)},
                       {"evenement", it->event_label},
                       {"de", it->from_label},
                       {"vers", it->to_label},
                       {"par", it->user},
                       {"implicite", it->implicit},
                       {"commentaire", it->comment}});
  }
  json buttons = json::array();
  for (const auto& m : *moves) {
    buttons.push_back({{"evenement", m.event}, {"libelle", m.label}, {"vers", m.to_label},
                       {"terminal", m.to == "abandonne" || m.to == "dissous" ||
                                        m.to == "abandonnee" || m.to == "fermee"}});
  }
  json documents = json::array();
  for (const auto& d : *docs) {
    json j = document_json(d);
    j["date"] = registry::format_date_fr(d.date);
    documents.push_back(std::move(j));
  }
  json types = json::array();
  for (const auto& t : services::document_types()) types.push_back({{"id", t.id}, {"libelle", t.label}});
  std::int64_t population = 0;
  json territory = json::array();
  for (const auto& code : *communes) {
    if (const auto* c = site_.ref.commune(code)) {
      population += c->population;
      territory.push_back({{"code", c->code}, {"nom", c->nom}});
    }
  }
  json alert_rows = json::array();
  for (const auto& a : *alerts) {
    alert_rows.push_back({{"date", registry::format_date_fr(a.date)}, {"libelle", a.label},
                          {"gravite", a.severity}, {"gravite_libelle", severity_label(a.severity)}});
  }
  std::string commune;
  if (const auto* c = site_.ref.commune(s->commune)) commune = fmt::format("{} ({})", c->nom, c->code);
  bool can_write = false;
  {
    // The notes form shows for those the PATCH route and the service would let in.
    services::StructureFields none;
    can_write = who.role == Role::admin ||
                ((who.role == Role::roc || who.role == Role::ars || who.role == Role::coordinator) &&
                 (who.role != Role::coordinator ||
                  std::find(who.structures.begin(), who.structures.end(), s->id) !=
                      who.structures.end()));
    (void)none;
  }
  const auto* dep = site_.ref.departement(s->departement);
  json data{{"titre", s->name},
            {"structure", structure_json(*s)},
            {"departement_nom", dep ? dep->nom : s->departement},
            {"commune_siege", commune},
            {"depuis", s->stage_since ? registry::format_date_fr(*s->stage_since) : ""},
            {"historique", std::move(history)},
            {"a_historique", !hist->empty()},
            {"transitions", std::move(buttons)},
            {"a_transitions", !moves->empty()},
            {"aujourdhui", registry::format_date(today_utc())},
            {"documents", std::move(documents)},
            {"a_documents", !docs->empty()},
            {"types_documents", std::move(types)},
            {"peut_ecrire", can_write},
            {"territoire", std::move(territory)},
            {"a_territoire", !communes->empty()},
            {"communes_territoire", communes->size()},
            {"population_territoire", format_int(population)},
            {"referents", referents_json(*refs)},
            {"alertes", std::move(alert_rows)},
            {"a_alertes", !alerts->empty()},
            {"message", ctx.request.query_value("message").value_or("")}};
  auto html = site_.render_page("registre_structure", nullify_empty(std::move(data)), ctx);
  if (!html) return tl::unexpected(html.error());
  return Response::html(std::move(*html));
}

Result<Response> RegistryFeature::page_transition(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto id = parse_id(ctx.request.param("id"), "id");
  if (!id) return tl::unexpected(id.error());
  Params form = ctx.request.form();
  auto field = [&](const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  auto version = parse_id(field("version"), "version");
  if (!version) return tl::unexpected(version.error());
  const auto today = today_utc();
  registry::Date date = today;
  if (!field("date").empty()) {
    auto d = registry::parse_date(field("date"));
    if (!d) return fail(ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.", "date");
    date = *d;
  }
  auto s = (*r)->transition(*ctx.principal(), *id, *version, field("evenement"), date,
                            field("commentaire"), today);
  if (!s) return tl::unexpected(s.error());
  return Response::redirect(fmt::format("/structures/{}?message={}", *id,
                                        url_encode("Étape enregistrée : " + s->stage_label)));
}

Result<Response> RegistryFeature::page_notes(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  auto id = parse_id(ctx.request.param("id"), "id");
  if (!id) return tl::unexpected(id.error());
  Params form = ctx.request.form();
  auto it = form.find("version");
  auto version = parse_id(it == form.end() ? "" : it->second, "version");
  if (!version) return tl::unexpected(version.error());
  services::StructureFields f;
  auto notes = form.find("notes");
  f.notes = notes == form.end() ? std::string() : notes->second;
  auto s = (*r)->update_structure(*ctx.principal(), *id, *version, f);
  if (!s) return tl::unexpected(s.error());
  return Response::redirect(fmt::format("/structures/{}?message={}", *id,
                                        url_encode("Notes enregistrées.")));
}

Result<Response> RegistryFeature::page_who_is_my_roc(const RequestContext& ctx) {
  auto r = reg();
  if (!r) return tl::unexpected(r.error());
  std::string q = ctx.request.query_value("commune").value_or("");
  std::string structure = ctx.request.query_value("structure").value_or("");
  json data{{"titre", "Qui est mon ROC ?"}, {"q", q}};
  json candidates = json::array();
  if (!structure.empty()) {
    auto id = parse_id(structure, "structure");
    if (!id) return tl::unexpected(id.error());
    auto s = (*r)->get_structure(*ctx.principal(), *id);
    if (!s) return tl::unexpected(s.error());
    auto refs = (*r)->referents_of_structure(*ctx.principal(), *id);
    if (!refs) return tl::unexpected(refs.error());
    data["cible"] = s->name;
    data["referents"] = referents_json(*refs);
    data["a_reponse"] = true;
  } else if (!q.empty()) {
    const geo::Commune* c = site_.ref.commune(q);
    if (c == nullptr && q.size() <= 100) {
      auto found = site_.ref.search(q, 10);
      if (found.size() == 1) c = &site_.ref.communes[found.front()];
      // "Metz" also finds Montigny-lès-Metz: an exact name (ignoring ASCII case) is the answer.
      auto same = [](const std::string& a, const std::string& b) {
        return a.size() == b.size() &&
               std::equal(a.begin(), a.end(), b.begin(), [](unsigned char x, unsigned char y) {
                 return std::tolower(x) == std::tolower(y);
               });
      };
      for (auto i : found) {
        if (c == nullptr && same(site_.ref.communes[i].nom, q)) c = &site_.ref.communes[i];
      }
      for (auto i : found) {
        const auto& x = site_.ref.communes[i];
        candidates.push_back({{"code", x.code}, {"nom", x.nom}, {"departement", x.departement}});
      }
    }
    if (c != nullptr) {
      auto refs = (*r)->referents_of_commune(c->code);
      if (!refs) return tl::unexpected(refs.error());
      data["cible"] = fmt::format("{} ({})", c->nom, c->code);
      data["referents"] = referents_json(*refs);
      data["a_reponse"] = true;
      candidates = json::array();
    } else if (candidates.empty()) {
      data["introuvable"] = true;
    }
  }
  data["a_referents"] = data.contains("referents") && !data["referents"].empty();
  data["candidats"] = candidates;
  data["a_candidats"] = !candidates.empty();
  auto html = site_.render_page("registre_roc", nullify_empty(std::move(data)), ctx);
  if (!html) return tl::unexpected(html.error());
  return Response::html(std::move(*html));
}

}  // namespace

std::unique_ptr<Feature> make_registry_feature(const Site& site) {
  return std::make_unique<RegistryFeature>(site);
}

}  // namespace maillage::http
