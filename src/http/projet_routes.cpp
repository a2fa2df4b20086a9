// Routes of the projet de santé pre-draft: the draft of a structure as JSON and as the editing
// page (/structures/{id}/projet-de-sante), the porteurs' texts (with versions and history), the
// missions chosen, the downloads (DOCX, ODT, printable HTML, the territory map as PNG), the
// submission (lifecycle step "projet de santé déposé") and the regional templates. Handlers
// parse, call one services::ProjetsDeSante method and render; scope checks are the service's.
#include <fmt/format.h>

#include <charconv>
#include <nlohmann/json.hpp>
#include <variant>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/feature.hpp"
#include "services/projet_sante.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::Role;

std::shared_ptr<const JsonSchema> missions_schema() {
  static const auto s = std::make_shared<const JsonSchema>(json_object(
      "Missions retenues",
      {{"version", true, json_integer("Version du brouillon lue (0 : jamais enregistré)", 0)},
       {"missions", true,
        json_array("Missions optionnelles retenues (les missions socles le sont toujours)",
                   json_string("Identifiant de mission", 1, 60), 20)}}));
  return s;
}

std::shared_ptr<const JsonSchema> text_schema() {
  static const auto s = std::make_shared<const JsonSchema>(json_object(
      "Texte des porteurs",
      {{"version", true, json_integer("Version du texte lue (0 : jamais écrit)", 0)},
       {"texte", true, json_string("Texte (paragraphes séparés par une ligne vide)", 0, 100000)}}));
  return s;
}

std::shared_ptr<const JsonSchema> comment_schema() {
  static const auto s = std::make_shared<const JsonSchema>(
      json_object("Commentaire sur un chapitre",
                  {{"chapitre", true, json_string("Identifiant du chapitre", 1, 80)},
                   {"texte", true, json_string("Commentaire", 1, 10000)}}));
  return s;
}

std::shared_ptr<const JsonSchema> submit_schema() {
  static const auto s = std::make_shared<const JsonSchema>(
      json_object("Dépôt du projet de santé",
                  {{"version", true, json_integer("Version de la structure lue", 1)},
                   {"date", false,
                    json_string("Date du dépôt (AAAA-MM-JJ, aujourd'hui par défaut)", 10, 10)}}));
  return s;
}

std::shared_ptr<const JsonSchema> template_schema() {
  static const auto s = std::make_shared<const JsonSchema>(json_object(
      "Modèle régional de projet de santé",
      {{"version", true, json_integer("Version du modèle lue (0 : modèle national)", 0)},
       {"modele", true, json_string("Texte du modèle (TOML)", 1, 200000)},
       {"note", false, json_string("Ce qui change", 0, 500)}}));
  return s;
}

Result<std::int64_t> id_param(const Request& req) {
  const std::string& text = req.param("id");
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v <= 0) {
    return fail(ErrorCode::not_found, "Cette structure n'existe pas.", "id");
  }
  return v;
}

json runs_json(const office::Paragraph& p) {
  json runs = json::array();
  for (const auto& r : p.runs) runs.push_back({{"texte", r.text}, {"gras", r.bold}});
  return runs;
}

// One block of the document model as the templates read it (one key says which kind).
json block_json(const office::Block& b, std::int64_t structure) {
  if (const auto* h = std::get_if<office::Heading>(&b)) {
    return {{h->level <= 2 ? "h2" : "h3", h->text}};
  }
  if (const auto* p = std::get_if<office::Paragraph>(&b))
    return {{"paragraphe", {{"runs", runs_json(*p)}}}};
  if (const auto* l = std::get_if<office::BulletList>(&b)) {
    json items = json::array();
    for (const auto& i : l->items) items.push_back({{"runs", runs_json(i)}});
    return {{"puces", {{"items", items}}}};
  }
  if (const auto* t = std::get_if<office::Table>(&b)) {
    json head = json::array(), rows = json::array();
    for (const auto& h : t->header) head.push_back({{"t", h}});
    for (const auto& r : t->rows) {
      json cells = json::array();
      for (const auto& c : r) cells.push_back({{"t", c}});
      rows.push_back({{"cellules", cells}});
    }
    return {{"tableau", {{"entete", head}, {"lignes", rows}}}};
  }
  if (const auto* i = std::get_if<office::Image>(&b)) {
    return {{"image",
             {{"src", fmt::format("/structures/{}/projet-de-sante/carte.png", structure)},
              {"legende", i->caption},
              {"alt", i->alt.empty() ? i->caption : i->alt}}}};
  }
  if (std::holds_alternative<office::PageBreak>(b)) return {{"saut", true}};
  return json::object();
}

json prompt_json(const projet::DraftPrompt& p) {
  json paragraphs = json::array();
  for (const auto& para : projet::text_paragraphs(p.current.text)) {
    paragraphs.push_back({{"t", para}});
  }
  return {{"id", p.id},
          {"libelle", p.label},
          {"invitation", p.invitation},
          {"texte", p.current.text},
          {"version", p.current.version},
          {"auteur", p.current.author},
          {"modifie_le", p.current.updated_at},
          {"modifie_le_texte", french_day(p.current.updated_at)},
          {"paragraphes", paragraphs},
          {"vide", paragraphs.empty()},
          {"mission", p.id.rfind("mission.", 0) == 0}};
}

json chapters_json(const projet::Draft& d, std::int64_t structure,
                   const std::vector<services::ProjetComment>& comments) {
  json chapters = json::array();
  for (const auto& c : d.chapters) {
    json remarks = json::array();
    for (const auto& r : comments) {
      if (r.chapter != c.id) continue;
      remarks.push_back({{"id", r.id},
                         {"texte", r.body},
                         {"auteur", r.author},
                         {"role", r.role_label},
                         {"le", r.created_at},
                         {"le_texte", french_day(r.created_at)}});
    }
    json items = json::array();
    for (const auto& item : c.items) {
      json j = item.block ? block_json(*item.block, structure) : json::object();
      if (item.prompt) j["zone"] = prompt_json(*item.prompt);
      if (!item.data.empty()) j["donnees"] = item.data;
      items.push_back(std::move(j));
    }
    const bool has_remarks = !remarks.empty();
    chapters.push_back({{"id", c.id},
                        {"titre", c.title},
                        {"elements", std::move(items)},
                        {"commentaires", std::move(remarks)},
                        {"a_commentaires", has_remarks}});
  }
  return chapters;
}

json view_json(const services::ProjetView& v) {
  json choices = json::array();
  for (const auto& c : v.choices) {
    const bool chosen =
        std::find(v.draft.missions.begin(), v.draft.missions.end(), c.id) != v.draft.missions.end();
    choices.push_back(
        {{"id", c.id}, {"libelle", c.label}, {"socle", c.socle}, {"retenue", chosen}});
  }
  json submissions = json::array();
  for (const auto& s : v.submissions) {
    submissions.push_back({{"id", s.id},
                           {"document", s.document_id},
                           {"modele", s.template_label},
                           {"missions", s.missions},
                           {"par", s.submitted_by},
                           {"le", s.submitted_at},
                           {"le_texte", french_day(s.submitted_at)}});
  }
  return json{{"structure",
               {{"id", v.structure_id},
                {"nom", v.structure_name},
                {"stade", v.stage_label},
                {"version", v.structure_version},
                {"region", v.region}}},
              {"titre", v.draft.title},
              {"sous_titre", v.draft.subtitle},
              {"modele", v.draft.template_label},
              {"version", v.draft_version},
              {"missions", v.draft.missions},
              {"choix_missions", std::move(choices)},
              {"modifiable", v.may_edit},
              {"depot_possible", v.may_submit},
              {"depot_note", v.submit_note},
              {"depots", std::move(submissions)},
              {"extraction_rpps", v.rpps_date},
              {"peut_commenter", v.may_comment},
              {"chapitres", chapters_json(v.draft, v.structure_id, v.comments)}};
}

json template_json(const services::RegionTemplate& t) {
  return json{
      {"region", t.region},         {"nom", t.region_name}, {"version", t.version},
      {"national", t.version == 0}, {"modele", t.body},     {"note", t.note},
      {"par", t.created_by},        {"le", t.created_at},   {"le_texte", french_day(t.created_at)},
      {"modifiable", t.may_edit}};
}

Response download(services::ProjetFile f) {
  Response r;
  r.content_type = std::move(f.media_type);
  r.body = std::move(f.bytes);
  r.set_header("Content-Disposition", "attachment; filename=\"" + f.filename + "\"");
  r.set_header("Cache-Control", "private, no-store");
  return r;
}

class ProjetFeature final : public Feature {
 public:
  explicit ProjetFeature(const Site& site) : site_(site), projets_(site.services.projets) {}

  void add_routes(RouteTable& table) override {
    const auto signed_in = AccessRule::authenticated();
    const auto writers = AccessRule::only({Role::admin, Role::coordinator});
    // Who decides the deposit (rules/lifecycle/cpts.toml, deposer_projet); the registry checks.
    const auto depositors = AccessRule::only({Role::ars, Role::roc, Role::coordinator});
    const auto template_readers =
        AccessRule::only({Role::admin, Role::observer, Role::ars, Role::charge_de_mission});
    const auto template_writers = AccessRule::only({Role::admin, Role::charge_de_mission});
    auto bind = [this](Result<Response> (ProjetFeature::*fn)(const RequestContext&)) {
      return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
    };
    const std::string api = "/api/v1/structures/{id}/projet-de-sante";
    table.add("GET", api, signed_in, RouteKind::api, bind(&ProjetFeature::api_view),
              "Projet de santé pré-rédigé d'une structure : chapitres, données, textes des "
              "porteurs, missions, dépôts");
    table
        .add("PUT", api + "/missions", writers, RouteKind::api, bind(&ProjetFeature::api_missions),
             "Missions optionnelles retenues (les missions socles le sont toujours)")
        .body = missions_schema();
    table
        .add("PUT", api + "/textes/{zone}", writers, RouteKind::api, bind(&ProjetFeature::api_text),
             "Enregistre le texte des porteurs à une zone de saisie (contrôle de version)")
        .body = text_schema();
    table
        .add("POST", api + "/commentaires",
             AccessRule::only(
                 {Role::admin, Role::ars, Role::roc, Role::charge_de_mission, Role::coordinator}),
             RouteKind::api, bind(&ProjetFeature::api_comment),
             "Ajoute un commentaire sur un chapitre du projet de santé")
        .body = comment_schema();
    table.routes().back().success_status = 201;
    table.add("GET", api + "/textes/{zone}/historique", signed_in, RouteKind::api,
              bind(&ProjetFeature::api_history),
              "Versions successives du texte d'une zone de saisie, avec leurs auteurs");
    table
        .add("POST", api + "/depot", depositors, RouteKind::api, bind(&ProjetFeature::api_submit),
             "Dépose le projet de santé : étape « Projet de santé déposé » et document conservé")
        .body = submit_schema();
    table.routes().back().success_status = 201;
    table.add("GET", "/api/v1/regions/{region}/modele-projet-de-sante", template_readers,
              RouteKind::api, bind(&ProjetFeature::api_template),
              "Modèle de projet de santé en vigueur dans une région");
    table
        .add("PUT", "/api/v1/regions/{region}/modele-projet-de-sante", template_writers,
             RouteKind::api, bind(&ProjetFeature::api_save_template),
             "Enregistre une nouvelle version du modèle régional (refusé s'il est invalide)")
        .body = template_schema();

    const std::string page = "/structures/{id}/projet-de-sante";
    table.add("GET", page, signed_in, RouteKind::page, bind(&ProjetFeature::page_editor),
              "Page : projet de santé pré-rédigé");
    table.add("GET", page + "/imprimer", signed_in, RouteKind::page,
              bind(&ProjetFeature::page_print), "Page : projet de santé imprimable");
    table.add("GET", page + "/document.docx", signed_in, RouteKind::page,
              bind(&ProjetFeature::docx), "Projet de santé au format DOCX");
    table.add("GET", page + "/document.odt", signed_in, RouteKind::page, bind(&ProjetFeature::odt),
              "Projet de santé au format ODT");
    table.add("GET", page + "/carte.png", signed_in, RouteKind::page, bind(&ProjetFeature::map),
              "Carte du territoire (PNG)");
    table.add("GET", "/projet-de-sante/modeles/{region}", template_readers, RouteKind::page,
              bind(&ProjetFeature::page_template), "Page : modèle régional de projet de santé");
  }

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    if (who.role == Role::coordinator && !who.structures.empty()) {
      return {{"Projet de santé",
               fmt::format("/structures/{}/projet-de-sante", who.structures.front())}};
    }
    if (who.role == Role::charge_de_mission && !who.regions.empty()) {
      return {{"Modèle de projet de santé", "/projet-de-sante/modeles/" + who.regions.front()}};
    }
    return {};
  }

 private:
  Result<Response> api_view(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx.request));
    auto v = MAILLAGE_TRY(projets_.view(*ctx.principal(), id));
    return json_no_store(view_json(v));
  }

  Result<Response> api_missions(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx.request));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *missions_schema()));
    auto v = projets_.choose_missions(*ctx.principal(), id, body["version"].get<std::int64_t>(),
                                      body["missions"].get<std::vector<std::string>>());
    if (!v) return tl::unexpected(at_json_path(v.error()));
    return json_no_store(view_json(*v));
  }

  Result<Response> api_text(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx.request));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *text_schema()));
    auto t =
        projets_.save_text(*ctx.principal(), id, ctx.request.param("zone"),
                           body["version"].get<std::int64_t>(), body["texte"].get<std::string>());
    if (!t) return tl::unexpected(at_json_path(t.error()));
    return json_no_store(json{{"zone", ctx.request.param("zone")},
                              {"texte", t->text},
                              {"version", t->version},
                              {"auteur", t->author},
                              {"modifie_le", t->updated_at}});
  }

  Result<Response> api_comment(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx.request));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *comment_schema()));
    auto c = projets_.comment(*ctx.principal(), id, body["chapitre"].get<std::string>(),
                              body["texte"].get<std::string>());
    if (!c) return tl::unexpected(at_json_path(c.error()));
    return json_no_store(json{{"id", c->id},
                              {"chapitre", c->chapter},
                              {"texte", c->body},
                              {"auteur", c->author},
                              {"role", c->role_label},
                              {"le", c->created_at}},
                         201);
  }

  Result<Response> api_history(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx.request));
    auto h = MAILLAGE_TRY(projets_.text_history(*ctx.principal(), id, ctx.request.param("zone")));
    json out = json::array();
    for (const auto& r : h) {
      out.push_back(
          {{"version", r.version}, {"texte", r.body}, {"auteur", r.author}, {"le", r.written_at}});
    }
    return json_no_store(json{{"zone", ctx.request.param("zone")}, {"versions", out}});
  }

  Result<Response> api_submit(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx.request));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *submit_schema()));
    const Date today = today_utc();
    Date date = today;
    if (body.contains("date")) {
      auto d = parse_date(body["date"].get<std::string>());
      if (!d)
        return fail(ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.", "$.date");
      date = *d;
    }
    auto s = MAILLAGE_TRY(
        projets_.submit(*ctx.principal(), id, body["version"].get<std::int64_t>(), date, today));
    return json_no_store(json{{"id", s.id},
                              {"document", s.document_id},
                              {"modele", s.template_label},
                              {"missions", s.missions},
                              {"par", s.submitted_by},
                              {"le", s.submitted_at}},
                         201);
  }

  Result<Response> api_template(const RequestContext& ctx) {
    auto t = MAILLAGE_TRY(projets_.region_template(*ctx.principal(), ctx.request.param("region")));
    return json_no_store(template_json(t));
  }

  Result<Response> api_save_template(const RequestContext& ctx) {
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *template_schema()));
    auto t = projets_.save_region_template(
        *ctx.principal(), ctx.request.param("region"), body["version"].get<std::int64_t>(),
        body["modele"].get<std::string>(), body.value("note", std::string()));
    if (!t) return tl::unexpected(t.error());
    return json_no_store(template_json(*t));
  }

  Result<Response> page_editor(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx.request));
    auto v = MAILLAGE_TRY(projets_.view(*ctx.principal(), id));
    json data = view_json(v);
    data["titre_page"] = data["titre"];
    data["titre"] = "Projet de santé — " + v.structure_name;
    data["a_depots"] = !v.submissions.empty();
    data["aujourdhui"] = format_date(today_utc());
    return Response::html(MAILLAGE_TRY(site_.render_page("projet_sante", std::move(data), ctx)));
  }

  Result<Response> page_print(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx.request));
    auto v = MAILLAGE_TRY(projets_.view(*ctx.principal(), id));
    json data = view_json(v);
    json sommaire = json::array();
    for (const auto& c : v.draft.chapters) sommaire.push_back({{"titre", c.title}});
    data["sommaire"] = std::move(sommaire);
    data["titre_document"] = v.draft.title;
    return Response::html(
        MAILLAGE_TRY(site_.render_page("projet_sante_impression", std::move(data), ctx)));
  }

  Result<Response> docx(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx.request));
    return download(
        MAILLAGE_TRY(projets_.file(*ctx.principal(), id, services::ProjetFormat::docx)));
  }

  Result<Response> odt(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx.request));
    return download(MAILLAGE_TRY(projets_.file(*ctx.principal(), id, services::ProjetFormat::odt)));
  }

  Result<Response> map(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx.request));
    auto png = MAILLAGE_TRY(projets_.map_png(*ctx.principal(), id));
    Response r;
    r.content_type = "image/png";
    r.body = std::move(png);
    r.set_header("Cache-Control", "private, max-age=300");
    return r;
  }

  Result<Response> page_template(const RequestContext& ctx) {
    auto t = MAILLAGE_TRY(projets_.region_template(*ctx.principal(), ctx.request.param("region")));
    json data = template_json(t);
    data["titre"] = fmt::format("Modèle de projet de santé — {}", t.region_name);
    json names = json::array();
    for (const auto& n : projet::data_block_names()) {
      names.push_back({{"nom", n}, {"libelle", projet::data_block_label(n)}});
    }
    data["blocs"] = std::move(names);
    return Response::html(
        MAILLAGE_TRY(site_.render_page("projet_sante_modele", std::move(data), ctx)));
  }

  const Site& site_;
  services::ProjetsDeSante& projets_;
};

}  // namespace

std::unique_ptr<Feature> make_projet_feature(const Site& site) {
  return std::make_unique<ProjetFeature>(site);
}

}  // namespace maillage::http
