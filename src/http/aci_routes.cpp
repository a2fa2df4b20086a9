// Routes of the ACI area: contracts (API + contract, schedule and indicator pages) and the
// dialogue de gestion workspace of each contract year (API, page, printable dossier, ODT).
// Handlers parse, call one services::AciService method and render; role and scope checks are the
// service's (the AccessRule of each route says the same roles, for the matrix and the navigation).
#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "aci/basics.hpp"
#include "http/feature.hpp"
#include "http/web_app.hpp"
#include "office/odt.hpp"
#include "services/aci.hpp"
#include "services/registry.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::Role;

Result<std::int64_t> parse_id(const std::string& text, const char* field) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0) {
    return fail(ErrorCode::invalid_input, "Identifiant invalide.", field);
  }
  return v;
}

Result<int> parse_year(const std::string& text) {
  auto v = parse_id(text, "year");
  if (!v) return tl::unexpected(v.error());
  if (*v > 100) return fail(ErrorCode::invalid_input, "Année de contrat invalide.", "year");
  return static_cast<int>(*v);
}

// Euros typed by people ("1 234,56", "1234.5"); a minus sign is named as such.
Result<std::int64_t> parse_euros(const json& body, const char* key) {
  std::string text = body.value(key, "0");
  if (text.find('-') != std::string::npos) {
    return fail(ErrorCode::invalid_input, "montant négatif", std::string("$.") + key);
  }
  auto c = aci::parse_cents(text.empty() ? "0" : text);
  if (!c) {
    return fail(ErrorCode::invalid_input, "montant invalide (euros, au plus deux décimales)",
                std::string("$.") + key);
  }
  return *c;
}

std::shared_ptr<const JsonSchema> object(std::string d, std::vector<JsonProperty> p) {
  return std::make_shared<const JsonSchema>(json_object(std::move(d), std::move(p)));
}

JsonSchema json_number(std::string description) {
  JsonSchema s;
  s.type = JsonType::number;
  s.description = std::move(description);
  return s;
}

// A JSON body whose shape is checked by hand: the contract document is free-form here and
// validated by the ACI engine (which names the field).
Result<json> read_free_json(const Request& request) {
  std::string type = request.header("Content-Type");
  if (type.rfind("application/json", 0) != 0) {
    return fail(ErrorCode::invalid_input, "Content-Type application/json attendu",
                "Content-Type");
  }
  json j = json::parse(request.body, nullptr, false);
  if (j.is_discarded()) return fail(ErrorCode::invalid_json, "Le corps n'est pas du JSON.");
  if (!j.is_object()) return fail(ErrorCode::wrong_type, "objet JSON attendu", "$");
  return j;
}

Status only_fields(const json& j, std::initializer_list<std::string_view> allowed) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool ok = false;
    for (auto a : allowed) ok = ok || it.key() == a;
    if (!ok) {
      return fail(ErrorCode::unknown_field, "champ inconnu « " + it.key() + " »", "$." + it.key());
    }
  }
  return {};
}

Response json_answer(const json& j, int status = 200) {
  Response r = Response::json(j.dump(-1, ' ', false, json::error_handler_t::replace), status);
  r.set_header("Cache-Control", "no-store");
  return r;
}

// Mustache sections treat "" as true: page data replaces empty strings with null.
json nullify_empty(json v) {
  if (v.is_string() && v.get_ref<const std::string&>().empty()) return nullptr;
  if (v.is_object() || v.is_array()) {
    for (auto& x : v) x = nullify_empty(std::move(x));
  }
  return v;
}

const std::vector<Role> kContractWriters{Role::admin, Role::roc};
const std::vector<Role> kMeasureWriters{Role::admin, Role::roc, Role::coordinator};
const std::vector<Role> kCommenters{Role::admin, Role::roc, Role::ars, Role::coordinator};
const std::vector<Role> kFicheWriters{Role::admin, Role::coordinator};

class AciFeature final : public Feature {
 public:
  explicit AciFeature(const Site& site) : site_(site), aci_(site.db, site.ref) {
    measure_schema_ = object(
        "Valeur mesurée d'un indicateur pour une année (absente : efface la valeur)",
        {{"mission", true, json_string("Mission (identifiant des règles)", 1, 100)},
         {"indicator", true, json_string("Indicateur", 1, 100)},
         {"year", true, json_integer("Année de contrat", 1, 100)},
         {"measured", false, json_number("Valeur mesurée")},
         {"version", true, json_integer("Version lue (0 : jamais saisie)", 0)}});
    auto change = json_object(
        "Nouvelle cible d'un indicateur pour une année",
        {{"mission", true, json_string("Mission", 1, 100)},
         {"indicator", true, json_string("Indicateur", 1, 100)},
         {"year", true, json_integer("Année de contrat", 1, 100)},
         {"paliers", true, json_array("Paliers intermédiaires puis cible finale",
                                      json_number("Palier"), 10)}});
    agree_schema_ = object(
        "Modification convenue : nouvelle version des indicateurs",
        {{"based_on", true, json_integer("Version des indicateurs lue", 0)},
         {"year", false, json_integer("Année du dialogue où elle a été convenue", 0, 100)},
         {"reason", true, json_string("Motif", 1, 2000)},
         {"changes", true, json_array("Cibles modifiées", change, 100)}});
    workspace_schema_ = object(
        "Date du dialogue et compte rendu",
        {{"version", true, json_integer("Version lue (0 : jamais enregistré)", 0)},
         {"dialogue_date", false, json_string("Date du dialogue (AAAA-MM-JJ)", 0, 10)},
         {"minutes", false, json_string("Compte rendu", 0, 100000)}});
    comment_schema_ = object(
        "Commentaire", {{"item", true, json_string("Élément commenté (general, indicateur:…)", 1, 200)},
                        {"body", true, json_string("Texte", 1, 4000)}});
    attachment_schema_ = object(
        "Pièce justificative",
        {{"item", true, json_string("Élément justifié", 1, 200)},
         {"filename", true, json_string("Nom du fichier", 1, 200)},
         {"content_type", true, json_string("Type MIME", 1, 200)},
         {"content_base64", true, json_string("Contenu en base64", 1, 0)}});
    budget_schema_ = object(
        "Budget d'une enveloppe pour l'année",
        {{"envelope", true, json_string("Enveloppe de l'échéancier", 1, 100)},
         {"received", true, json_string("Reçu (euros)", 0, 30)},
         {"spent", true, json_string("Dépensé (euros)", 0, 30)},
         {"version", true, json_integer("Version lue (0 : jamais saisie)", 0)}});
    auto fiche = std::vector<JsonProperty>{
        {"mission", true, json_string("Mission", 1, 100)},
        {"title", true, json_string("Titre", 1, 300)},
        {"description", false, json_string("Description", 0, 20000)},
        {"status", false, json_enum("Statut", {"a_lancer", "en_cours", "realisee", "abandonnee"})}};
    fiche_create_schema_ = object("Nouvelle fiche action", fiche);
    fiche.push_back({"version", true, json_integer("Version lue", 1)});
    fiche_update_schema_ = object("Fiche action modifiée", fiche);
    adjustment_schema_ = object(
        "Proposition d'ajustement contextuel d'une cible",
        {{"mission", true, json_string("Mission", 1, 100)},
         {"indicator", true, json_string("Indicateur", 1, 100)},
         {"fact", true, json_enum("Donnée du territoire", {"population", "medecins_generalistes", "autre"})},
         {"fact_label", false, json_string("Libellé de la donnée", 0, 200)},
         {"fact_before", false, json_number("Valeur de référence (signature)")},
         {"fact_after", false, json_number("Valeur actuelle")},
         {"rationale", false, json_string("Argumentaire", 0, 4000)}});
    contract_schema_ = object(
        "Nouveau contrat",
        {{"structure_id", true, json_integer("Structure signataire", 1)},
         {"contrat", true, json_object("Contrat au format maillage-aci-contract/1 (src/aci/README.md)", {})},
         {"communes", false, json_array("Communes du territoire contractuel (INSEE)",
                                        json_string("Code INSEE", 5, 5), 2000)}});
    contract_update_schema_ = object(
        "Termes du contrat modifiés (sans indicateurs)",
        {{"version", true, json_integer("Version lue", 1)},
         {"contrat", true, json_object("Contrat au format maillage-aci-contract/1", {})}});
  }

  void add_routes(RouteTable& table) override;

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    (void)who;
    return {{"Contrats ACI", "/aci"}};
  }

 private:
  using Method = Result<Response> (AciFeature::*)(const RequestContext&);
  Handler bind(Method m) {
    return [this, m](const RequestContext& ctx) { return (this->*m)(ctx); };
  }

  Result<Response> page(const std::string& name, json data, const RequestContext& ctx) {
    auto html = site_.render_page(name, nullify_empty(std::move(data)), ctx);
    if (!html) return tl::unexpected(html.error());
    Response r = Response::html(std::move(*html));
    r.set_header("Cache-Control", "no-store");
    return r;
  }

  // API ----------------------------------------------------------------------------------------
  Result<Response> api_list(const RequestContext& ctx) {
    auto r = aci_.list_contracts(*ctx.principal());
    if (!r) return tl::unexpected(r.error());
    return json_answer(*r);
  }

  Result<Response> api_create(const RequestContext& ctx) {
    auto body = read_free_json(ctx.request);
    if (!body) return tl::unexpected(body.error());
    if (auto ok = only_fields(*body, {"structure_id", "contrat", "communes"}); !ok) {
      return tl::unexpected(ok.error());
    }
    if (!body->contains("structure_id")) {
      return fail(ErrorCode::missing_field, "champ obligatoire manquant", "$.structure_id");
    }
    if (!(*body)["structure_id"].is_number_integer()) {
      return fail(ErrorCode::wrong_type, "entier attendu", "$.structure_id");
    }
    if (!body->contains("contrat")) {
      return fail(ErrorCode::missing_field, "champ obligatoire manquant", "$.contrat");
    }
    if (!(*body)["contrat"].is_object()) {
      return fail(ErrorCode::wrong_type, "objet attendu", "$.contrat");
    }
    std::vector<std::string> communes;
    if (body->contains("communes")) {
      const json& c = (*body)["communes"];
      if (!c.is_array()) return fail(ErrorCode::wrong_type, "tableau attendu", "$.communes");
      for (std::size_t i = 0; i < c.size(); ++i) {
        if (!c[i].is_string()) {
          return fail(ErrorCode::wrong_type, "texte attendu", fmt::format("$.communes[{}]", i));
        }
        communes.push_back(c[i].get<std::string>());
      }
    }
    auto id = aci_.create_contract(*ctx.principal(), (*body)["structure_id"].get<std::int64_t>(),
                                   (*body)["contrat"].dump(), communes);
    if (!id) return tl::unexpected(id.error());
    Response r = json_answer(json{{"id", *id}}, 201);
    r.set_header("Location", fmt::format("/api/v1/aci/contracts/{}", *id));
    return r;
  }

  Result<Response> api_contract(const RequestContext& ctx) {
    auto id = parse_id(ctx.request.param("id"), "id");
    if (!id) return tl::unexpected(id.error());
    auto r = aci_.contract(*ctx.principal(), *id);
    if (!r) return tl::unexpected(r.error());
    return json_answer(*r);
  }

  Result<Response> api_update(const RequestContext& ctx) {
    auto id = parse_id(ctx.request.param("id"), "id");
    if (!id) return tl::unexpected(id.error());
    auto body = read_free_json(ctx.request);
    if (!body) return tl::unexpected(body.error());
    if (auto ok = only_fields(*body, {"version", "contrat"}); !ok) return tl::unexpected(ok.error());
    if (!body->contains("version") || !(*body)["version"].is_number_integer()) {
      return fail(ErrorCode::missing_field, "version lue obligatoire (entier)", "$.version");
    }
    if (!body->contains("contrat") || !(*body)["contrat"].is_object()) {
      return fail(ErrorCode::missing_field, "contrat obligatoire (objet)", "$.contrat");
    }
    auto st = aci_.update_contract(*ctx.principal(), *id, (*body)["version"].get<std::int64_t>(),
                                   (*body)["contrat"].dump());
    if (!st) return tl::unexpected(st.error());
    auto r = aci_.contract(*ctx.principal(), *id);
    if (!r) return tl::unexpected(r.error());
    return json_answer(*r);
  }

  Result<Response> api_schedule(const RequestContext& ctx) {
    auto id = parse_id(ctx.request.param("id"), "id");
    if (!id) return tl::unexpected(id.error());
    if (ctx.request.query_value("format").value_or("json") == "csv") {
      auto csv = aci_.schedule_csv(*ctx.principal(), *id);
      if (!csv) return tl::unexpected(csv.error());
      Response r;
      r.content_type = "text/csv; charset=utf-8";
      r.body = std::move(*csv);
      r.set_header("Content-Disposition",
                   fmt::format("attachment; filename=\"echeancier-{}.csv\"", *id));
      return r;
    }
    auto r = aci_.schedule(*ctx.principal(), *id);
    if (!r) return tl::unexpected(r.error());
    return json_answer(*r);
  }

  Result<Response> api_indicators(const RequestContext& ctx) {
    auto id = parse_id(ctx.request.param("id"), "id");
    if (!id) return tl::unexpected(id.error());
    std::optional<std::int64_t> version;
    if (auto v = ctx.request.query_value("version")) {
      auto n = parse_id(*v, "version");
      if (!n) return tl::unexpected(n.error());
      version = *n;
    }
    auto r = aci_.indicators(*ctx.principal(), *id, version);
    if (!r) return tl::unexpected(r.error());
    return json_answer(*r);
  }

  Result<Response> api_measure(const RequestContext& ctx) {
    auto id = parse_id(ctx.request.param("id"), "id");
    if (!id) return tl::unexpected(id.error());
    auto body = read_json_body(ctx.request, *measure_schema_);
    if (!body) return tl::unexpected(body.error());
    services::MeasureInput in{(*body)["mission"], (*body)["indicator"], (*body)["year"], {},
                              (*body)["version"]};
    if (body->contains("measured")) in.measured = (*body)["measured"].get<double>();
    auto v = aci_.set_measure(*ctx.principal(), *id, in);
    if (!v) return tl::unexpected(v.error());
    return json_answer(json{{"version", *v}});
  }

  Result<Response> api_agree(const RequestContext& ctx) {
    auto id = parse_id(ctx.request.param("id"), "id");
    if (!id) return tl::unexpected(id.error());
    auto body = read_json_body(ctx.request, *agree_schema_);
    if (!body) return tl::unexpected(body.error());
    services::AgreedChange in;
    in.based_on = (*body)["based_on"];
    in.year = body->value("year", 0);
    in.reason = (*body)["reason"];
    for (const auto& c : (*body)["changes"]) {
      in.changes.push_back({c["mission"], c["indicator"], c["year"],
                            c["paliers"].get<std::vector<double>>()});
    }
    auto n = aci_.agree_change(*ctx.principal(), *id, in);
    if (!n) return tl::unexpected(n.error());
    return json_answer(json{{"version", *n}}, 201);
  }

  struct Target {
    std::int64_t id;
    int year;
  };
  Result<Target> target(const RequestContext& ctx) {
    auto id = parse_id(ctx.request.param("id"), "id");
    if (!id) return tl::unexpected(id.error());
    auto year = parse_year(ctx.request.param("year"));
    if (!year) return tl::unexpected(year.error());
    return Target{*id, *year};
  }

  Result<Response> api_workspace(const RequestContext& ctx) {
    auto t = target(ctx);
    if (!t) return tl::unexpected(t.error());
    auto r = aci_.workspace(*ctx.principal(), t->id, t->year);
    if (!r) return tl::unexpected(r.error());
    return json_answer(*r);
  }

  Result<Response> api_update_workspace(const RequestContext& ctx) {
    auto t = target(ctx);
    if (!t) return tl::unexpected(t.error());
    auto body = read_json_body(ctx.request, *workspace_schema_);
    if (!body) return tl::unexpected(body.error());
    services::WorkspaceUpdate in;
    in.version = (*body)["version"];
    if (body->contains("dialogue_date")) in.dialogue_date = (*body)["dialogue_date"];
    if (body->contains("minutes")) in.minutes = (*body)["minutes"];
    auto v = aci_.update_workspace(*ctx.principal(), t->id, t->year, in);
    if (!v) return tl::unexpected(v.error());
    return json_answer(json{{"version", *v}});
  }

  Result<Response> api_comment(const RequestContext& ctx) {
    auto t = target(ctx);
    if (!t) return tl::unexpected(t.error());
    auto body = read_json_body(ctx.request, *comment_schema_);
    if (!body) return tl::unexpected(body.error());
    auto c = aci_.add_comment(*ctx.principal(), t->id, t->year, (*body)["item"], (*body)["body"]);
    if (!c) return tl::unexpected(c.error());
    return json_answer(json{{"id", *c}}, 201);
  }

  Result<Response> api_attach(const RequestContext& ctx) {
    auto t = target(ctx);
    if (!t) return tl::unexpected(t.error());
    auto body = read_json_body(ctx.request, *attachment_schema_);
    if (!body) return tl::unexpected(body.error());
    services::AttachmentInput in{(*body)["item"], (*body)["filename"], (*body)["content_type"],
                                 (*body)["content_base64"]};
    auto a = aci_.add_attachment(*ctx.principal(), t->id, t->year, in);
    if (!a) return tl::unexpected(a.error());
    return json_answer(json{{"id", *a}}, 201);
  }

  Result<Response> api_attachment(const RequestContext& ctx) {
    auto t = target(ctx);
    if (!t) return tl::unexpected(t.error());
    auto aid = parse_id(ctx.request.param("piece"), "piece");
    if (!aid) return tl::unexpected(aid.error());
    auto f = aci_.attachment(*ctx.principal(), t->id, t->year, *aid);
    if (!f) return tl::unexpected(f.error());
    Response r;
    r.content_type = f->content_type;
    r.body = std::move(f->bytes);
    // Always a download: an uploaded file is never rendered in the site's origin.
    r.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}\"", f->filename));
    r.set_header("X-Content-Type-Options", "nosniff");
    r.set_header("Cache-Control", "private, no-store");
    return r;
  }

  Result<Response> api_budget(const RequestContext& ctx) {
    auto t = target(ctx);
    if (!t) return tl::unexpected(t.error());
    auto body = read_json_body(ctx.request, *budget_schema_);
    if (!body) return tl::unexpected(body.error());
    auto received = parse_euros(*body, "received");
    if (!received) return tl::unexpected(received.error());
    auto spent = parse_euros(*body, "spent");
    if (!spent) return tl::unexpected(spent.error());
    services::BudgetInput in{(*body)["envelope"], *received, *spent, (*body)["version"]};
    auto v = aci_.set_budget(*ctx.principal(), t->id, t->year, in);
    if (!v) return tl::unexpected(v.error());
    return json_answer(json{{"version", *v}});
  }

  static services::FicheInput fiche_input(const json& body) {
    services::FicheInput in;
    in.mission = body["mission"];
    in.title = body["title"];
    in.description = body.value("description", "");
    in.status = body.value("status", "a_lancer");
    in.version = body.value("version", std::int64_t{0});
    return in;
  }

  Result<Response> api_add_fiche(const RequestContext& ctx) {
    auto t = target(ctx);
    if (!t) return tl::unexpected(t.error());
    auto body = read_json_body(ctx.request, *fiche_create_schema_);
    if (!body) return tl::unexpected(body.error());
    auto f = aci_.add_fiche(*ctx.principal(), t->id, t->year, fiche_input(*body));
    if (!f) return tl::unexpected(f.error());
    return json_answer(json{{"id", *f}}, 201);
  }

  Result<Response> api_update_fiche(const RequestContext& ctx) {
    auto t = target(ctx);
    if (!t) return tl::unexpected(t.error());
    auto fid = parse_id(ctx.request.param("fiche"), "fiche");
    if (!fid) return tl::unexpected(fid.error());
    auto body = read_json_body(ctx.request, *fiche_update_schema_);
    if (!body) return tl::unexpected(body.error());
    auto v = aci_.update_fiche(*ctx.principal(), t->id, t->year, *fid, fiche_input(*body));
    if (!v) return tl::unexpected(v.error());
    return json_answer(json{{"version", *v}});
  }

  Result<Response> api_adjust(const RequestContext& ctx) {
    auto t = target(ctx);
    if (!t) return tl::unexpected(t.error());
    auto body = read_json_body(ctx.request, *adjustment_schema_);
    if (!body) return tl::unexpected(body.error());
    services::AdjustmentInput in;
    in.mission = (*body)["mission"];
    in.indicator = (*body)["indicator"];
    in.fact = (*body)["fact"];
    in.fact_label = body->value("fact_label", "");
    if (body->contains("fact_before")) in.fact_before = (*body)["fact_before"].get<double>();
    if (body->contains("fact_after")) in.fact_after = (*body)["fact_after"].get<double>();
    in.rationale = body->value("rationale", "");
    auto a = aci_.propose_adjustment(*ctx.principal(), t->id, t->year, in);
    if (!a) return tl::unexpected(a.error());
    return json_answer(*a, 201);
  }

  // Pages --------------------------------------------------------------------------------------
  Result<Response> page_list(const RequestContext& ctx) {
    auto r = aci_.list_contracts(*ctx.principal());
    if (!r) return tl::unexpected(r.error());
    json data = *r;
    data["titre"] = "Contrats ACI";
    data["vide"] = (*r)["contracts"].empty();
    return page("aci_contrats", std::move(data), ctx);
  }

  Result<Response> page_contract(const RequestContext& ctx) {
    auto id = parse_id(ctx.request.param("id"), "id");
    if (!id) return tl::unexpected(id.error());
    auto r = aci_.contract(*ctx.principal(), *id);
    if (!r) return tl::unexpected(r.error());
    json data = *r;
    data["titre"] = "Contrat " + (*r)["reference"].get<std::string>();
    data["document_text"] = (*r)["document"].dump(2, ' ', false, json::error_handler_t::replace);
    return page("aci_contrat", std::move(data), ctx);
  }

  Result<Response> page_schedule(const RequestContext& ctx) {
    auto id = parse_id(ctx.request.param("id"), "id");
    if (!id) return tl::unexpected(id.error());
    auto r = aci_.schedule(*ctx.principal(), *id);
    if (!r) return tl::unexpected(r.error());
    json data = *r;
    data["titre"] = "Échéancier " + (*r)["contract"]["reference"].get<std::string>();
    return page("aci_echeancier", std::move(data), ctx);
  }

  Result<Response> page_indicators(const RequestContext& ctx) {
    auto id = parse_id(ctx.request.param("id"), "id");
    if (!id) return tl::unexpected(id.error());
    std::optional<std::int64_t> version;
    if (auto v = ctx.request.query_value("version")) {
      auto n = parse_id(*v, "version");
      if (!n) return tl::unexpected(n.error());
      version = *n;
    }
    auto r = aci_.indicators(*ctx.principal(), *id, version);
    if (!r) return tl::unexpected(r.error());
    json data = *r;
    data["titre"] = "Indicateurs " + (*r)["contract"]["reference"].get<std::string>();
    data["ancienne_version"] = (*r)["version"] != (*r)["latest_version"];
    return page("aci_indicateurs", std::move(data), ctx);
  }

  Result<json> workspace_data(const RequestContext& ctx) {
    auto id = parse_id(ctx.request.param("id"), "id");
    if (!id) return tl::unexpected(id.error());
    auto year = parse_year(ctx.request.param("annee"));
    if (!year) return tl::unexpected(year.error());
    return aci_.workspace(*ctx.principal(), *id, *year);
  }

  Result<Response> page_dialogue(const RequestContext& ctx) {
    auto r = workspace_data(ctx);
    if (!r) return tl::unexpected(r.error());
    json data = *r;
    data["titre"] = fmt::format("Dialogue de gestion — année {}", (*r)["year"].get<int>());
    data["api"] = fmt::format("/api/v1/aci/contracts/{}/dialogues/{}",
                              (*r)["contract"]["id"].get<std::int64_t>(), (*r)["year"].get<int>());
    data["contract_api"] =
        fmt::format("/api/v1/aci/contracts/{}", (*r)["contract"]["id"].get<std::int64_t>());
    // Indicator choices for the forms (mission/indicator of the year's sheet).
    json choices = json::array();
    for (const auto& m : (*r)["sheet"]["missions"]) {
      for (const auto& i : m["indicators"]) {
        choices.push_back({{"value", m["mission"].get<std::string>() + "/" + i["id"].get<std::string>()},
                           {"label", m["label"].get<std::string>() + " — " +
                                         (i["definition"].get<std::string>().empty()
                                              ? i["id"].get<std::string>()
                                              : i["definition"].get<std::string>())}});
      }
    }
    data["indicator_choices"] = std::move(choices);
    json missions = json::array();
    for (const auto& m : (*r)["sheet"]["missions"]) {
      missions.push_back({{"value", m["mission"]}, {"label", m["label"]}});
    }
    data["mission_choices"] = std::move(missions);
    return page("dialogue", std::move(data), ctx);
  }

  Result<Response> page_dossier(const RequestContext& ctx) {
    auto r = workspace_data(ctx);
    if (!r) return tl::unexpected(r.error());
    json data = *r;
    data["titre"] = fmt::format("Dossier du dialogue de gestion — {} — année {}",
                                (*r)["contract"]["reference"].get<std::string>(),
                                (*r)["year"].get<int>());
    return page("dialogue_dossier", std::move(data), ctx);
  }

  Result<Response> dossier_odt(const RequestContext& ctx) {
    auto r = workspace_data(ctx);
    if (!r) return tl::unexpected(r.error());
    auto bytes = services::dialogue_dossier_odt(*r);
    if (!bytes) return tl::unexpected(bytes.error());
    Response resp;
    resp.content_type = std::string(office::kOdtMediaType);
    resp.body = std::move(*bytes);
    resp.set_header("Content-Disposition",
                    fmt::format("attachment; filename=\"dossier-dialogue-{}-annee-{}.odt\"",
                                (*r)["contract"]["id"].get<std::int64_t>(), (*r)["year"].get<int>()));
    resp.set_header("Cache-Control", "private, no-store");
    return resp;
  }

  const Site& site_;
  services::AciService aci_;
  std::shared_ptr<const JsonSchema> measure_schema_, agree_schema_, workspace_schema_,
      comment_schema_, attachment_schema_, budget_schema_, fiche_create_schema_,
      fiche_update_schema_, adjustment_schema_, contract_schema_, contract_update_schema_;
};

void AciFeature::add_routes(RouteTable& table) {
  const AccessRule signed_in = AccessRule::authenticated();
  const std::string c = "/api/v1/aci/contracts";
  const std::string d = c + "/{id}/dialogues/{year}";

  table.add("GET", c, signed_in, RouteKind::api, bind(&AciFeature::api_list),
            "Contrats ACI des structures du périmètre");
  table.add("POST", c, AccessRule::only(kContractWriters), RouteKind::api,
            bind(&AciFeature::api_create), "Enregistre un contrat ACI signé")
      .body = contract_schema_;
  table.add("GET", c + "/{id}", signed_in, RouteKind::api, bind(&AciFeature::api_contract),
            "Contrat : parties, termes, missions, valeurs des règles avec leurs sources");
  table.add("PUT", c + "/{id}", AccessRule::only(kContractWriters), RouteKind::api,
            bind(&AciFeature::api_update), "Modifie les termes d'un contrat (version lue)")
      .body = contract_update_schema_;
  table.add("GET", c + "/{id}/schedule", signed_in, RouteKind::api, bind(&AciFeature::api_schedule),
            "Échéancier des versements (JSON ou CSV)")
      .query = {{"format", "json (défaut) ou csv", false, false}};
  table.add("GET", c + "/{id}/indicators", signed_in, RouteKind::api,
            bind(&AciFeature::api_indicators), "Fiche d'indicateurs de chaque année")
      .query = {{"version", "Version des indicateurs (défaut : la dernière)", false, true}};
  table.add("PUT", c + "/{id}/measures", AccessRule::only(kMeasureWriters), RouteKind::api,
            bind(&AciFeature::api_measure), "Saisit une valeur mesurée")
      .body = measure_schema_;
  table.add("POST", c + "/{id}/indicator-versions", AccessRule::only(kContractWriters),
            RouteKind::api, bind(&AciFeature::api_agree),
            "Enregistre une modification convenue (nouvelle version des indicateurs)")
      .body = agree_schema_;
  table.add("GET", d, signed_in, RouteKind::api, bind(&AciFeature::api_workspace),
            "Espace du dialogue de gestion d'une année de contrat");
  table.add("PUT", d, AccessRule::only(kMeasureWriters), RouteKind::api,
            bind(&AciFeature::api_update_workspace), "Date du dialogue et compte rendu")
      .body = workspace_schema_;
  table.add("POST", d + "/comments", AccessRule::only(kCommenters), RouteKind::api,
            bind(&AciFeature::api_comment), "Ajoute un commentaire")
      .body = comment_schema_;
  table.add("POST", d + "/attachments", AccessRule::only(kMeasureWriters), RouteKind::api,
            bind(&AciFeature::api_attach), "Joint une pièce justificative")
      .body = attachment_schema_;
  table.add("GET", d + "/attachments/{piece}", signed_in, RouteKind::api,
            bind(&AciFeature::api_attachment), "Télécharge une pièce justificative");
  table.add("PUT", d + "/budget", AccessRule::only(kMeasureWriters), RouteKind::api,
            bind(&AciFeature::api_budget), "Reçu et dépensé d'une enveloppe")
      .body = budget_schema_;
  table.add("POST", d + "/fiches", AccessRule::only(kFicheWriters), RouteKind::api,
            bind(&AciFeature::api_add_fiche), "Ajoute une fiche action")
      .body = fiche_create_schema_;
  table.add("PUT", d + "/fiches/{fiche}", AccessRule::only(kFicheWriters), RouteKind::api,
            bind(&AciFeature::api_update_fiche), "Modifie une fiche action (version lue)")
      .body = fiche_update_schema_;
  table.add("POST", d + "/adjustments", AccessRule::only(kMeasureWriters), RouteKind::api,
            bind(&AciFeature::api_adjust),
            "Propose un ajustement contextuel d'une cible (cible d'origine et ajustée)")
      .body = adjustment_schema_;

  table.add("GET", "/aci", signed_in, RouteKind::page, bind(&AciFeature::page_list),
            "Page : contrats ACI");
  table.add("GET", "/aci/contrats/{id}", signed_in, RouteKind::page,
            bind(&AciFeature::page_contract), "Page : contrat");
  table.add("GET", "/aci/contrats/{id}/echeancier", signed_in, RouteKind::page,
            bind(&AciFeature::page_schedule), "Page : échéancier");
  table.add("GET", "/aci/contrats/{id}/indicateurs", signed_in, RouteKind::page,
            bind(&AciFeature::page_indicators), "Page : indicateurs")
      .query = {{"version", "Version des indicateurs", false, true}};
  table.add("GET", "/aci/contrats/{id}/dialogue/{annee}", signed_in, RouteKind::page,
            bind(&AciFeature::page_dialogue), "Page : dialogue de gestion");
  table.add("GET", "/aci/contrats/{id}/dialogue/{annee}/dossier", signed_in, RouteKind::page,
            bind(&AciFeature::page_dossier), "Page : dossier imprimable du dialogue");
  table.add("GET", "/aci/contrats/{id}/dialogue/{annee}/dossier.odt", signed_in, RouteKind::page,
            bind(&AciFeature::dossier_odt), "Dossier du dialogue au format ODT");
}

}  // namespace

std::unique_ptr<Feature> make_aci_feature(const Site& site) {
  // ACI dates in the ROC portfolio: dialogue dates, anniversaries, payments due, late missions.
  // The provider outlives any one WebApp, so it holds no reference to it: alerts need no
  // référentiel, hence the empty one.
  services::add_alert_source(
      "aci", [](store::Database& db, const std::vector<std::int64_t>& ids,
                registry::Date today) -> Result<std::vector<services::PortfolioAlert>> {
        static const geo::Referentiel no_referentiel;
        services::AciService aci(db, no_referentiel);
        auto list = aci.alerts(ids, aci::format_date(today));
        if (!list) return tl::unexpected(list.error());
        std::vector<services::PortfolioAlert> out;
        for (const auto& a : *list) {
          auto date = aci::parse_date(a["date"].get<std::string>());
          if (!date) continue;
          auto days = aci::days_between(today, *date);
          services::PortfolioAlert p;
          p.structure_id = a["structure_id"];
          p.date = *date;
          p.kind = "aci_" + a["kind"].get<std::string>();
          p.label = a["label"];
          p.severity = (a["kind"] == "late_mission" || days < 0) ? "critical"
                       : days <= 14                              ? "warning"
                                                                 : "info";
          p.source = "aci";
          out.push_back(std::move(p));
        }
        return out;
      });
  return std::make_unique<AciFeature>(site);
}

}  // namespace maillage::http
