// Routes of the surveys of professionals (services/survey.hpp): the JSON API under
// /api/v1/enquetes, the French pages /enquetes (list and new survey), /enquetes/{id} (the
// questionnaire, the sending, the response rate), /enquetes/{id}/resultats (charts, tables, CSV
// and XLSX exports), and the public answer page /repondre/{jeton}, open without an account: the
// personal link's token is the credential. Handlers parse, call one services::Surveys method and
// answer; who sees what is the service's decision.
//
// CSRF on the public page: no session exists, so the router's session token cannot apply (the
// route is `anyone`). As on the login page, the form carries a double-submit value, also set in
// an HttpOnly, SameSite=Strict cookie limited to /repondre/; a POST whose form value differs from
// the cookie is refused (403, what was typed kept). A cross-site page can neither read the
// cookie nor make the browser send it (SameSite=Strict), and it would need the secret token of
// the link anyway.
#include <fmt/format.h>

#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "common/csv.hpp"
#include "common/dates.hpp"
#include "common/french.hpp"
#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/feature.hpp"
#include "http/web_app.hpp"
#include "office/xlsx.hpp"
#include "services/survey.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::Role;
using services::SurveyAccess;
using survey::Kind;

constexpr const char* kAnswerCsrfCookie = "maillage_enquete_csrf";

std::shared_ptr<const JsonSchema> schema(JsonSchema s) {
  return std::make_shared<const JsonSchema>(std::move(s));
}

JsonSchema json_number(std::string description) {
  JsonSchema s;
  s.type = JsonType::number;
  s.description = std::move(description);
  return s;
}

JsonSchema json_boolean(std::string description) {
  JsonSchema s;
  s.type = JsonType::boolean;
  s.description = std::move(description);
  return s;
}

JsonSchema question_schema() {
  return json_object(
      "Une question",
      {{"id", true, json_string("Identifiant stable dans l'enquête (q1, q2…)", 1, 20)},
       {"type", true,
        json_enum("Type de question",
                  {"choix_unique", "choix_multiple", "nombre", "date", "texte", "grille"})},
       {"libelle", true, json_string("La question posée", 1, 300)},
       {"aide", false, json_string("Précision sous la question", 0, 1000)},
       {"obligatoire", false, json_boolean("Réponse obligatoire")},
       {"options", false,
        json_array("Choix : les propositions", json_string("Une proposition", 0, 200), 30)},
       {"max_reponses", false,
        json_integer("Choix multiple : réponses au plus (0 : sans limite)", 0, 30)},
       {"min", false, json_number("Nombre : minimum")},
       {"max", false, json_number("Nombre : maximum")},
       {"entier", false, json_boolean("Nombre : entiers seulement")},
       {"date_min", false, json_string("Date : au plus tôt (AAAA-MM-JJ)", 0, 10)},
       {"date_max", false, json_string("Date : au plus tard (AAAA-MM-JJ)", 0, 10)},
       {"longueur_max", false, json_integer("Texte : caractères au plus", 1, 4000)},
       {"jours", false,
        json_array("Grille : les jours (lignes)", json_string("Un jour", 0, 200), 14)},
       {"creneaux", false,
        json_array("Grille : les créneaux (colonnes)", json_string("Un créneau", 0, 200), 12)}});
}

std::vector<JsonProperty> survey_properties(bool update) {
  std::vector<JsonProperty> p;
  if (!update) p.push_back({"structure", true, json_integer("Structure qui mène l'enquête", 1)});
  p.push_back({"titre", true, json_string("Titre", 1, 200)});
  p.push_back({"presentation", false, json_string("Présentation aux destinataires", 0, 5000)});
  p.push_back({"cloture", true, json_string("Date de clôture AAAA-MM-JJ (fin des liens)", 10, 10)});
  p.push_back(
      {"questions", false,
       json_array(update ? "Questions (brouillon seulement ; absentes : inchangées)"
                         : "Questions (peuvent venir ensuite : l'envoi en demande une au moins)",
                  question_schema(), 60)});
  if (update) p.push_back({"version", true, json_integer("Version lue de l'enquête", 1)});
  return p;
}

const std::shared_ptr<const JsonSchema>& new_survey_schema() {
  static const auto s = schema(json_object("Nouvelle enquête", survey_properties(false)));
  return s;
}
const std::shared_ptr<const JsonSchema>& survey_change_schema() {
  static const auto s = schema(json_object("Modification d'une enquête", survey_properties(true)));
  return s;
}
const std::shared_ptr<const JsonSchema>& send_schema() {
  static const auto s = schema(json_object(
      "Envoi des liens personnels",
      {{"membres", false, json_boolean("Les membres de la structure")},
       {"rpps", false,
        json_boolean("Les professionnels du territoire (extrait RPPS) dont la structure a "
                     "l'adresse")},
       {"professions", false,
        json_array("Professions retenues (codes RPPS ; vide : toutes)",
                   json_string("Code de profession", 1, 4), 40)},
       {"liste", false, json_string("Adresses collées, une par ligne", 0, 400000)}}));
  return s;
}
const std::shared_ptr<const JsonSchema>& close_schema() {
  static const auto s = schema(json_object(
      "Clôture de l'enquête", {{"version", true, json_integer("Version lue de l'enquête", 1)}}));
  return s;
}

// Service field names → API names.
Error api_error(Error e) {
  static const std::pair<const char*, const char*> kNames[] = {{"title", "titre"},
                                                               {"intro", "presentation"},
                                                               {"closes_on", "cloture"},
                                                               {"audience", "membres"},
                                                               {"pasted", "liste"}};
  for (const auto& [from, to] : kNames) {
    if (e.field == from) e.field = to;
  }
  static const std::pair<const char*, const char*> kQuestion[] = {
      {".label", ".libelle"},           {".help", ".aide"},
      {".options", ".options"},         {".max_choices", ".max_reponses"},
      {".min_date", ".date_min"},       {".max_date", ".date_max"},
      {".max_length", ".longueur_max"}, {".days", ".jours"},
      {".slots", ".creneaux"}};
  if (e.field.rfind("questions[", 0) == 0) {
    for (const auto& [from, to] : kQuestion) {
      const auto at = e.field.find(from);
      if (at != std::string::npos) {
        e.field = e.field.substr(0, at) + to + e.field.substr(at + std::string(from).size());
        break;
      }
    }
  }
  return at_json_path(std::move(e));
}

std::vector<std::string> strings(const json& b, const char* key) {
  std::vector<std::string> out;
  if (b.contains(key)) {
    for (const auto& v : b[key]) out.push_back(v.get<std::string>());
  }
  return out;
}

survey::Questionnaire questionnaire_of(const json& b) {
  survey::Questionnaire q;
  if (!b.contains("questions")) return q;
  for (const auto& j : b["questions"]) {
    survey::Question x;
    x.id = j.value("id", "");
    x.kind = survey::kind_from_id(j.value("type", "")).value_or(Kind::text);
    x.label = j.value("libelle", "");
    x.help = j.value("aide", "");
    x.required = j.value("obligatoire", false);
    x.options = strings(j, "options");
    x.max_choices = j.value("max_reponses", 0);
    if (j.contains("min")) x.min = j["min"].get<double>();
    if (j.contains("max")) x.max = j["max"].get<double>();
    x.integer = j.value("entier", false);
    x.min_date = j.value("date_min", "");
    x.max_date = j.value("date_max", "");
    x.max_length = j.value("longueur_max", 500);
    x.days = strings(j, "jours");
    x.slots = strings(j, "creneaux");
    q.questions.push_back(std::move(x));
  }
  return q;
}

std::string number_text(double v) {
  std::string s = fmt::format("{}", v);
  for (auto& c : s) {
    if (c == '.') c = ',';
  }
  return s;
}

json question_json(const survey::Question& x) {
  json j{{"id", x.id},
         {"type", std::string(survey::kind_id(x.kind))},
         {"type_libelle", std::string(survey::kind_label(x.kind))},
         {"libelle", x.label},
         {"aide", x.help},
         {"obligatoire", x.required}};
  switch (x.kind) {
    case Kind::single_choice:
    case Kind::multiple_choice:
      j["options"] = x.options;
      if (x.kind == Kind::multiple_choice) j["max_reponses"] = x.max_choices;
      break;
    case Kind::number:
      if (x.min) j["min"] = *x.min;
      if (x.max) j["max"] = *x.max;
      j["entier"] = x.integer;
      break;
    case Kind::date:
      j["date_min"] = x.min_date;
      j["date_max"] = x.max_date;
      break;
    case Kind::text:
      j["longueur_max"] = x.max_length;
      break;
    case Kind::grid:
      j["jours"] = x.days;
      j["creneaux"] = x.slots;
      break;
  }
  return j;
}

std::string rate_text(const std::optional<double>& rate) {
  return rate ? fr::decimal(100 * *rate, 0) + "\u00a0%" : "—";
}

json summary_json(const services::SurveySummary& s) {
  return json{{"id", s.id},
              {"structure", s.structure_id},
              {"structure_nom", s.structure_name},
              {"titre", s.title},
              {"statut", s.status},
              {"statut_libelle", s.status_label},
              {"cloture", s.closes_on},
              {"cloture_texte", french_day(s.closes_on)},
              {"destinataires", s.recipients},
              {"reponses", s.answered},
              {"taux", s.rate ? json(*s.rate) : json(nullptr)},
              {"taux_texte", rate_text(s.rate)},
              {"cree_par", s.created_by},
              {"cree_le", french_day(s.created_at)},
              {"modifie_par", s.updated_by},
              {"modifie_le", french_day(s.updated_at)},
              {"version", s.version}};
}

json view_json(const services::SurveyView& v) {
  json questions = json::array();
  for (const auto& q : v.questionnaire.questions) questions.push_back(question_json(q));
  json recipients = json::array();
  for (const auto& r : v.recipients) {
    recipients.push_back({{"id", r.id},
                          {"email", r.email},
                          {"nom", r.name},
                          {"source", r.source},
                          {"source_libelle", r.source_label},
                          {"envoye_le", r.sent_at},
                          {"refus", r.send_error},
                          {"refuse", !r.send_error.empty()},
                          {"repondu_le", r.answered_at},
                          {"a_repondu", !r.answered_at.empty()}});
  }
  return json{{"enquete", summary_json(v.summary)},
              {"presentation", v.intro},
              {"questions", std::move(questions)},
              {"acces", v.access == SurveyAccess::run ? "conduite" : "lecture"},
              {"modifiable", v.editable},
              {"ouverte", v.open},
              {"envoyes", v.sent},
              {"refuses", v.failed},
              {"en_attente", v.pending},
              {"destinataires", std::move(recipients)},
              {"serveur_mail", v.smtp}};
}

json results_json(const services::SurveyResultsView& r) {
  json out = view_json(r.survey);
  json questions = json::array();
  const auto& defs = r.survey.questionnaire.questions;
  for (std::size_t i = 0; i < r.results.questions.size() && i < defs.size(); ++i) {
    const auto& q = r.results.questions[i];
    json j{{"id", q.question}, {"repondants", q.answered}};
    switch (q.kind) {
      case Kind::single_choice:
      case Kind::multiple_choice:
        j["comptes"] = q.option_counts;
        break;
      case Kind::number:
        j["nombre"] = {{"effectif", q.numbers.count},
                       {"min", q.numbers.min},
                       {"max", q.numbers.max},
                       {"moyenne", q.numbers.mean},
                       {"mediane", q.numbers.median}};
        break;
      case Kind::date:
        j["dates"] = q.dates;
        break;
      case Kind::text:
        j["textes"] = q.texts;
        break;
      case Kind::grid:
        j["grille"] = q.grid;
        break;
    }
    questions.push_back(std::move(j));
  }
  json respondents = json::array();
  for (const auto& p : r.respondents) {
    respondents.push_back({{"destinataire", p.recipient_id},
                           {"nom", p.name},
                           {"email", p.email},
                           {"source_libelle", p.source_label},
                           {"repondu_le", p.answered_at},
                           {"reponses", p.values}});
  }
  out["resultats"] = {{"repondants", r.results.respondents}, {"questions", std::move(questions)}};
  out["repondants"] = std::move(respondents);
  return out;
}

std::string random_token() {
  std::random_device rd;
  std::string out;
  for (int i = 0; i < 8; ++i) out += fmt::format("{:08x}", rd());
  return out;
}

std::string link_base(const RequestContext& ctx) {
  std::string host = ctx.request.header("Host");
  if (host.empty() || host.find_first_of(" /\\@\r\n") != std::string::npos) host = "localhost";
  const std::string proto = ctx.request.header("X-Forwarded-Proto") == "https" ? "https" : "http";
  return fmt::format("{}://{}/repondre/", proto, host);
}

Response download(std::string body, std::string type, const std::string& file_name) {
  Response r;
  r.content_type = std::move(type);
  r.body = std::move(body);
  r.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}\"", file_name));
  r.set_header("Cache-Control", "private, no-store");
  return r;
}

class SurveyFeature final : public Feature {
 public:
  explicit SurveyFeature(const Site& site) : site_(site), svc_(site.services.surveys) {}

  void add_routes(RouteTable& table) override {
    // Reads: everyone signed in (the service answers by scope); writes: every role but the
    // national observer (the service lets in the coordination, the bureau, the ROC, ARS and
    // chargés de mission covering the structure).
    const auto readers = AccessRule::authenticated();
    const auto writers =
        AccessRule::only({Role::admin, Role::ars, Role::roc, Role::charge_de_mission,
                          Role::coordinator, Role::member});
    auto bind = [this](Result<Response> (SurveyFeature::*fn)(const RequestContext&)) {
      return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
    };
    const std::string api = "/api/v1/enquetes";
    table.add("GET", api, readers, RouteKind::api, bind(&SurveyFeature::api_list),
              "Enquêtes des structures de votre périmètre");
    table
        .add("POST", api, writers, RouteKind::api, bind(&SurveyFeature::api_create),
             "Crée une enquête (brouillon) : titre, présentation, date de clôture, questions")
        .body = new_survey_schema();
    table.routes().back().success_status = 201;
    table.add("GET", api + "/{enquete}", readers, RouteKind::api, bind(&SurveyFeature::api_get),
              "Une enquête : questions, destinataires et suivi des envois");
    table
        .add("PUT", api + "/{enquete}", writers, RouteKind::api, bind(&SurveyFeature::api_update),
             "Modifie une enquête (questions tant qu'elle est en brouillon ; version lue requise)")
        .body = survey_change_schema();
    table
        .add("POST", api + "/{enquete}/envoi", writers, RouteKind::api,
             bind(&SurveyFeature::api_send),
             "Envoie les liens personnels au public choisi (membres, professionnels du "
             "territoire, liste collée) ; le premier envoi ouvre l'enquête")
        .body = send_schema();
    table
        .add("POST", api + "/{enquete}/cloture", writers, RouteKind::api,
             bind(&SurveyFeature::api_close), "Clôt l'enquête : les liens cessent de valoir")
        .body = close_schema();
    table.add("GET", api + "/{enquete}/resultats", readers, RouteKind::api,
              bind(&SurveyFeature::api_results),
              "Résultats : taux de réponse, décompte par question, réponses par répondant");

    table.add("GET", "/enquetes", readers, RouteKind::page, bind(&SurveyFeature::page_list),
              "Enquêtes auprès des professionnels");
    table.add("GET", "/enquetes/{enquete}", readers, RouteKind::page,
              bind(&SurveyFeature::page_survey), "Une enquête : questionnaire, envoi, suivi");
    table.add("GET", "/enquetes/{enquete}/resultats", readers, RouteKind::page,
              bind(&SurveyFeature::page_results), "Résultats d'une enquête");
    table.add("GET", "/enquetes/{enquete}/resultats.csv", readers, RouteKind::page,
              bind(&SurveyFeature::export_csv), "Réponses d'une enquête (CSV)");
    table.add("GET", "/enquetes/{enquete}/resultats.xlsx", readers, RouteKind::page,
              bind(&SurveyFeature::export_xlsx), "Réponses d'une enquête (XLSX)");
    table.add("GET", "/repondre/{jeton}", AccessRule::anyone(), RouteKind::page,
              bind(&SurveyFeature::page_answer),
              "Répondre à une enquête par son lien personnel (sans compte)");
    table.add("POST", "/repondre/{jeton}", AccessRule::anyone(), RouteKind::page,
              bind(&SurveyFeature::page_answer_submit),
              "Enregistre la réponse d'un lien personnel (sans compte)");
  }

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    if (who.role == Role::member) {
      // Only a member on the bureau runs surveys: the entry shows when there is something to do.
      auto can = svc_.structures_to_run(who);
      auto seen = svc_.list(who);
      if ((!can || can->empty()) && (!seen || seen->empty())) return {};
    }
    return {{"Enquêtes", "/enquetes"}};
  }

 private:
  static Result<std::int64_t> survey_id(const RequestContext& ctx) {
    auto id = parse_id(ctx.request.param("enquete"), "enquete");
    if (!id) return fail(ErrorCode::not_found, "Cette enquête n'existe pas.", "enquete");
    return *id;
  }

  // API -----------------------------------------------------------------------------------------

  Result<Response> api_list(const RequestContext& ctx) {
    json out = json::array();
    for (const auto& s : MAILLAGE_TRY(svc_.list(*ctx.principal()))) out.push_back(summary_json(s));
    return json_no_store(json{{"enquetes", std::move(out)}});
  }

  static services::SurveyInput input_of(const json& b) {
    services::SurveyInput in;
    in.structure_id = b.value("structure", std::int64_t{0});
    in.title = b.value("titre", "");
    in.intro = b.value("presentation", "");
    in.closes_on = b.value("cloture", "");
    in.questionnaire = questionnaire_of(b);
    in.keep_questions = !b.contains("questions");
    in.expected_version = b.value("version", std::int64_t{0});
    return in;
  }

  Result<Response> api_create(const RequestContext& ctx) {
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *new_survey_schema()));
    auto v = svc_.create(*ctx.principal(), input_of(body));
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(view_json(*v), 201);
  }

  Result<Response> api_get(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(survey_id(ctx));
    return json_no_store(view_json(MAILLAGE_TRY(svc_.get(*ctx.principal(), id))));
  }

  Result<Response> api_update(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(survey_id(ctx));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *survey_change_schema()));
    auto v = svc_.update(*ctx.principal(), id, input_of(body));
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(view_json(*v));
  }

  Result<Response> api_send(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(survey_id(ctx));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *send_schema()));
    services::AudienceInput in;
    in.members = body.value("membres", false);
    in.rpps = body.value("rpps", false);
    in.professions = strings(body, "professions");
    in.pasted = body.value("liste", "");
    auto r = svc_.send(*ctx.principal(), id, in, link_base(ctx));
    if (!r) return tl::unexpected(api_error(r.error()));
    json out = view_json(r->view);
    json refused = json::array();
    for (const auto& p : r->refused_lines) {
      refused.push_back({{"ligne", p.field}, {"message", p.message}});
    }
    out["envoi"] = {{"ajoutes", r->added},
                    {"envoyes", r->sent},
                    {"refuses", r->failed},
                    {"deja_destinataires", r->already},
                    {"sans_adresse", r->without_email},
                    {"professionnels_territoire", r->rpps_professionals},
                    {"lignes_refusees", std::move(refused)}};
    return json_no_store(out);
  }

  Result<Response> api_close(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(survey_id(ctx));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *close_schema()));
    auto v = svc_.close(*ctx.principal(), id, body["version"].get<std::int64_t>());
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(view_json(*v));
  }

  Result<Response> api_results(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(survey_id(ctx));
    return json_no_store(results_json(MAILLAGE_TRY(svc_.results(*ctx.principal(), id))));
  }

  // Pages ---------------------------------------------------------------------------------------

  Result<Response> render(const std::string& name, json data, const RequestContext& ctx,
                          int status = 200) {
    return Response::html(
        MAILLAGE_TRY(site_.render_page(name, nullify_empty(std::move(data)), ctx)), status);
  }

  // A question as the builder form shows it (one block per question, fields per kind).
  static json builder_question(const survey::Question& q, std::size_t index) {
    auto join = [](const std::vector<std::string>& list) {
      std::string out;
      for (std::size_t i = 0; i < list.size(); ++i) out += (i ? "\n" : "") + list[i];
      return out;
    };
    json kinds = json::array();
    for (Kind k : {Kind::single_choice, Kind::multiple_choice, Kind::number, Kind::date, Kind::text,
                   Kind::grid}) {
      kinds.push_back({{"id", std::string(survey::kind_id(k))},
                       {"libelle", std::string(survey::kind_label(k))},
                       {"choisi", k == q.kind}});
    }
    return json{{"rang", index},
                {"numero", index + 1},
                {"id", q.id},
                {"types", std::move(kinds)},
                {"libelle", q.label},
                {"aide", q.help},
                {"obligatoire", q.required},
                {"options", join(q.options)},
                {"max_reponses", q.max_choices},
                {"min", q.min ? number_text(*q.min) : ""},
                {"max", q.max ? number_text(*q.max) : ""},
                {"entier", q.integer},
                {"date_min", q.min_date},
                {"date_max", q.max_date},
                {"longueur_max", q.max_length},
                {"jours", join(q.days)},
                {"creneaux", join(q.slots)}};
  }

  static json structures_json(const std::vector<services::Choice>& list) {
    json out = json::array();
    for (const auto& c : list) out.push_back({{"id", c.id}, {"nom", c.label}});
    return out;
  }

  Result<Response> page_list(const RequestContext& ctx) {
    const auto& who = *ctx.principal();
    json rows = json::array();
    for (const auto& s : MAILLAGE_TRY(svc_.list(who))) rows.push_back(summary_json(s));
    const auto runnable = MAILLAGE_TRY(svc_.structures_to_run(who));
    json data{
        {"titre", "Enquêtes"},
        {"enquetes", rows},
        {"a_enquetes", !rows.empty()},
        {"peut_creer", !runnable.empty()},
        {"structures", structures_json(runnable)},
        {"cloture_defaut", format_date(std::chrono::sys_days(today_utc()) + std::chrono::days(14))},
        {"aujourdhui", format_date(today_utc())}};
    return render("enquetes", std::move(data), ctx);
  }

  static json professions_json() {
    json out = json::array();
    for (const auto& c : services::association_professions()) {
      out.push_back({{"id", c.id}, {"libelle", c.label}});
    }
    return out;
  }

  Result<Response> page_survey(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(survey_id(ctx));
    const auto v = MAILLAGE_TRY(svc_.get(*ctx.principal(), id));
    json data = view_json(v);
    data["titre"] = v.summary.title;
    const bool run = v.access == SurveyAccess::run;
    data["conduite"] = run;
    data["brouillon"] = v.summary.status == "draft";
    data["close"] = v.summary.status == "closed";
    data["peut_modifier_questions"] = run && v.editable;
    data["peut_modifier_entete"] = run && v.summary.status == "open";
    data["peut_envoyer"] = run && v.summary.status != "closed";
    data["peut_clore"] = run && v.summary.status == "open";
    data["aujourdhui"] = format_date(today_utc());
    json blocks = json::array();
    for (std::size_t i = 0; i < v.questionnaire.questions.size(); ++i) {
      blocks.push_back(builder_question(v.questionnaire.questions[i], i));
    }
    if (blocks.empty()) {
      // A new draft: one empty question to start from (the page adds more by copying it).
      blocks.push_back(builder_question(survey::make_question("q1", Kind::single_choice, ""), 0));
    }
    data["blocs"] = std::move(blocks);
    data["professions"] = professions_json();
    data["a_destinataires"] = !v.recipients.empty();
    for (auto& r : data["destinataires"]) {
      r["envoye_le_texte"] = french_day(r.value("envoye_le", ""));
      r["repondu_le_texte"] = french_day(r.value("repondu_le", ""));
    }
    return render("enquete", std::move(data), ctx);
  }

  Result<Response> page_results(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(survey_id(ctx));
    const auto r = MAILLAGE_TRY(svc_.results(*ctx.principal(), id));
    json data = view_json(r.survey);
    data["titre"] = "Résultats — " + r.survey.summary.title;
    data["conduite"] = r.survey.access == SurveyAccess::run;
    data["repondants_total"] = r.results.respondents;
    json sections = json::array();
    const auto& defs = r.survey.questionnaire.questions;
    for (std::size_t i = 0; i < defs.size() && i < r.results.questions.size(); ++i) {
      const auto& d = defs[i];
      const auto& q = r.results.questions[i];
      json s{{"id", d.id},
             {"numero", i + 1},
             {"libelle", d.label},
             {"type_libelle", std::string(survey::kind_label(d.kind))},
             {"repondants", q.answered}};
      auto share = [&](std::size_t n) {
        return q.answered
                   ? fr::decimal(100.0 * static_cast<double>(n) / static_cast<double>(q.answered),
                                 0) +
                         "\u00a0%"
                   : "—";
      };
      if (d.kind == Kind::single_choice || d.kind == Kind::multiple_choice) {
        json rows = json::array();
        for (std::size_t k = 0; k < d.options.size(); ++k) {
          rows.push_back({{"libelle", d.options[k]},
                          {"compte", q.option_counts[k]},
                          {"part", share(q.option_counts[k])}});
        }
        s["choix"] = true;
        s["options"] = std::move(rows);
      } else if (d.kind == Kind::number) {
        s["nombre"] = q.numbers.count > 0;
        s["effectif"] = q.numbers.count;
        s["min"] = fr::decimal(q.numbers.min, d.integer ? 0 : 1);
        s["max"] = fr::decimal(q.numbers.max, d.integer ? 0 : 1);
        s["moyenne"] = fr::decimal(q.numbers.mean, 1);
        s["mediane"] = fr::decimal(q.numbers.median, 1);
      } else if (d.kind == Kind::date) {
        json rows = json::array();
        for (const auto& [day, n] : q.dates) {
          rows.push_back({{"date", french_day(day)}, {"compte", n}});
        }
        s["dates"] = std::move(rows);
        s["est_date"] = true;
      } else if (d.kind == Kind::text) {
        s["est_texte"] = true;
        s["textes"] = q.texts;
        s["textes_caches"] = r.survey.access != SurveyAccess::run;
      } else {
        json head = json::array(), rows = json::array();
        for (const auto& slot : d.slots) head.push_back(slot);
        for (std::size_t day = 0; day < d.days.size(); ++day) {
          json cells = json::array();
          for (std::size_t k = 0; k < d.slots.size(); ++k) {
            const std::size_t n = q.grid[day][k];
            cells.push_back({{"compte", n}, {"vide", n == 0}});
          }
          rows.push_back({{"jour", d.days[day]}, {"cellules", std::move(cells)}});
        }
        s["grille"] = true;
        s["creneaux"] = std::move(head);
        s["jours"] = std::move(rows);
      }
      sections.push_back(std::move(s));
    }
    data["sections"] = std::move(sections);
    json respondents = json::array();
    for (const auto& p : r.respondents) {
      json values = json::array();
      for (const auto& v : p.values) values.push_back({{"texte", v}});
      respondents.push_back({{"nom", p.name.empty() ? p.email : p.name},
                             {"repondu_le", french_day(p.answered_at)},
                             {"valeurs", std::move(values)}});
    }
    json heads = json::array();
    for (const auto& d : defs) heads.push_back({{"libelle", d.label}});
    data["entetes"] = std::move(heads);
    data["lignes"] = std::move(respondents);
    data["a_repondants"] = !r.respondents.empty();
    return render("enquete_resultats", std::move(data), ctx);
  }

  Result<Response> export_csv(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(survey_id(ctx));
    const auto r = MAILLAGE_TRY(svc_.results(*ctx.principal(), id));
    if (r.survey.access != SurveyAccess::run) {
      return fail(ErrorCode::forbidden,
                  "L'export des réponses est réservé à ceux qui mènent l'enquête.");
    }
    std::string out = "\xEF\xBB\xBF";
    out += "destinataire;nom;email;public;repondu_le";
    for (const auto& q : r.survey.questionnaire.questions)
      out += ";" + csv::text_field(q.label, ';');
    out += "\r\n";
    for (const auto& p : r.respondents) {
      out += fmt::format("{};{};{};{};{}", p.recipient_id, csv::text_field(p.name, ';'),
                         csv::text_field(p.email, ';'), csv::text_field(p.source_label, ';'),
                         p.answered_at.substr(0, 10));
      for (const auto& v : p.values) out += ";" + csv::text_field(v, ';');
      out += "\r\n";
    }
    return download(std::move(out), "text/csv; charset=utf-8",
                    fmt::format("enquete-{}-reponses.csv", id));
  }

  Result<Response> export_xlsx(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(survey_id(ctx));
    const auto r = MAILLAGE_TRY(svc_.results(*ctx.principal(), id));
    if (r.survey.access != SurveyAccess::run) {
      return fail(ErrorCode::forbidden,
                  "L'export des réponses est réservé à ceux qui mènent l'enquête.");
    }
    office::Sheet answers;
    answers.name = "Réponses";
    answers.header = {"Destinataire", "Nom", "E-mail", "Public", "Répondu le"};
    for (const auto& q : r.survey.questionnaire.questions) answers.header.push_back(q.label);
    for (const auto& p : r.respondents) {
      std::vector<office::Cell> row{p.recipient_id, p.name, p.email, p.source_label};
      const auto d =
          parse_date(p.answered_at.substr(0, std::min<std::size_t>(10, p.answered_at.size())));
      row.push_back(d ? office::Cell(office::Date{static_cast<int>(d->year()),
                                                  static_cast<int>(unsigned(d->month())),
                                                  static_cast<int>(unsigned(d->day()))})
                      : office::Cell());
      for (const auto& v : p.values) row.emplace_back(v);
      answers.rows.push_back(std::move(row));
    }
    // The tally, one line per option / slot, so the figures need no formula.
    office::Sheet tally;
    tally.name = "Décompte";
    tally.header = {"Question", "Réponse", "Nombre"};
    const auto& defs = r.survey.questionnaire.questions;
    for (std::size_t i = 0; i < defs.size(); ++i) {
      const auto& d = defs[i];
      const auto& q = r.results.questions[i];
      if (d.kind == Kind::single_choice || d.kind == Kind::multiple_choice) {
        for (std::size_t k = 0; k < d.options.size(); ++k) {
          tally.rows.push_back({d.label, d.options[k], q.option_counts[k]});
        }
      } else if (d.kind == Kind::grid) {
        for (std::size_t day = 0; day < d.days.size(); ++day) {
          for (std::size_t k = 0; k < d.slots.size(); ++k) {
            tally.rows.push_back({d.label, d.days[day] + " " + d.slots[k], q.grid[day][k]});
          }
        }
      } else if (d.kind == Kind::number && q.numbers.count > 0) {
        tally.rows.push_back({d.label, "Moyenne", q.numbers.mean});
        tally.rows.push_back({d.label, "Médiane", q.numbers.median});
      } else if (d.kind == Kind::date) {
        for (const auto& [day, n] : q.dates) tally.rows.push_back({d.label, day, n});
      }
      tally.rows.push_back({d.label, "Répondants", q.answered});
    }
    office::WorkbookInfo info;
    info.title = r.survey.summary.title;
    auto bytes = MAILLAGE_TRY(office::write_xlsx({std::move(answers), std::move(tally)}, info));
    return download(std::move(bytes), std::string(office::kXlsxMediaType),
                    fmt::format("enquete-{}-reponses.xlsx", id));
  }

  // The public answer page ----------------------------------------------------------------------

  // The form of a public survey: each question with its inputs, the values to show (stored or
  // typed) and its refusal.
  static json answer_form(const services::PublicSurvey& s, const survey::RawAnswers& values,
                          const std::vector<survey::Problem>& problems) {
    std::map<std::string, std::string> errors;
    for (const auto& p : problems) errors.emplace(p.field, p.message);
    json questions = json::array();
    for (std::size_t i = 0; i < s.questionnaire.questions.size(); ++i) {
      const auto& q = s.questionnaire.questions[i];
      std::vector<std::string> given;
      if (auto it = values.find(q.id); it != values.end()) given = it->second;
      const std::set<std::string> chosen(given.begin(), given.end());
      json j{{"id", q.id},
             {"numero", i + 1},
             {"libelle", q.label},
             {"aide", q.help},
             {"obligatoire", q.required},
             {"erreur", errors.count(q.id) ? errors[q.id] : ""},
             {"valeur", given.empty() ? "" : given[0]}};
      switch (q.kind) {
        case Kind::single_choice:
        case Kind::multiple_choice: {
          json options = json::array();
          for (std::size_t k = 0; k < q.options.size(); ++k) {
            options.push_back({{"valeur", std::to_string(k)},
                               {"libelle", q.options[k]},
                               {"rang", k},
                               {"coche", chosen.count(std::to_string(k)) > 0}});
          }
          j[q.kind == Kind::single_choice ? "unique" : "multiple"] = true;
          j["options"] = std::move(options);
          if (q.kind == Kind::multiple_choice && q.max_choices > 0) {
            j["limite"] =
                fmt::format("{} réponse{} au plus", q.max_choices, q.max_choices > 1 ? "s" : "");
          }
          break;
        }
        case Kind::number: {
          j["nombre"] = true;
          std::string hint;
          if (q.min && q.max) {
            hint = fmt::format("entre {} et {}", number_text(*q.min), number_text(*q.max));
          } else if (q.min) {
            hint = "au moins " + number_text(*q.min);
          } else if (q.max) {
            hint = "au plus " + number_text(*q.max);
          }
          if (q.integer) hint += hint.empty() ? "nombre entier" : ", nombre entier";
          j["indication"] = hint;
          j["valeur"] = given.empty() ? "" : number_text_or(given[0]);
          break;
        }
        case Kind::date:
          j["date"] = true;
          j["date_min"] = q.min_date;
          j["date_max"] = q.max_date;
          break;
        case Kind::text:
          j["texte"] = true;
          j["longueur_max"] = q.max_length;
          break;
        case Kind::grid: {
          json head = json::array(), rows = json::array();
          for (const auto& slot : q.slots) head.push_back(slot);
          for (std::size_t d = 0; d < q.days.size(); ++d) {
            json cells = json::array();
            for (std::size_t k = 0; k < q.slots.size(); ++k) {
              const std::string v = fmt::format("{}.{}", d, k);
              cells.push_back({{"valeur", v},
                               {"coche", chosen.count(v) > 0},
                               {"libelle", q.days[d] + " — " + q.slots[k]},
                               {"cle", fmt::format("{}-{}", d, k)}});
            }
            rows.push_back({{"jour", q.days[d]}, {"cellules", std::move(cells)}});
          }
          j["grille"] = true;
          j["creneaux"] = std::move(head);
          j["jours"] = std::move(rows);
          break;
        }
      }
      questions.push_back(std::move(j));
    }
    return questions;
  }

  // A stored number ("7.5") shown with a decimal comma; typed text stays as typed.
  static std::string number_text_or(const std::string& v) {
    if (v.find_first_not_of("-0123456789.") != std::string::npos) return v;
    std::string s = v;
    for (auto& c : s) {
      if (c == '.') c = ',';
    }
    return s;
  }

  Result<Response> answer_page(const RequestContext& ctx, const services::PublicSurvey& s,
                               const survey::RawAnswers& values,
                               const std::vector<survey::Problem>& problems,
                               const std::string& message, bool saved, int status) {
    const std::string csrf = random_token();
    json data{{"titre", s.title},
              {"enquete_titre", s.title},
              {"presentation", s.intro},
              {"structure_nom", s.structure_name},
              {"cloture_texte", french_day(s.closes_on)},
              {"ouverte", s.accepting},
              {"raison_close", s.closed_reason},
              {"a_repondu", s.answered},
              {"repondu_le", french_day(s.answered_at)},
              {"destinataire", s.recipient_name},
              {"questions", answer_form(s, values, problems)},
              {"csrf_reponse", csrf},
              {"jeton", ctx.request.param("jeton")},
              {"message", message},
              {"enregistre", saved},
              {"a_erreurs", !problems.empty()},
              {"nombre_erreurs", problems.size()}};
    Response r = Response::html(
        MAILLAGE_TRY(site_.render_page("enquete_reponse", nullify_empty(std::move(data)), ctx)),
        status);
    r.headers.emplace(
        "Set-Cookie",
        fmt::format("{}={}; Path=/repondre/; Max-Age=7200; HttpOnly; SameSite=Strict{}",
                    kAnswerCsrfCookie, csrf, site_.options.secure_cookies ? "; Secure" : ""));
    r.set_header("Cache-Control", "private, no-store");
    return r;
  }

  Result<Response> page_answer(const RequestContext& ctx) {
    const auto s = MAILLAGE_TRY(svc_.open_link(ctx.request.param("jeton")));
    const bool saved = ctx.request.query_value("enregistre").value_or("") == "1" && s.answered;
    return answer_page(ctx, s, s.current, {}, "", saved, 200);
  }

  Result<Response> page_answer_submit(const RequestContext& ctx) {
    const std::string token = ctx.request.param("jeton");
    const auto s = MAILLAGE_TRY(svc_.open_link(token));
    const Params form = ctx.request.form();
    survey::RawAnswers raw;
    for (const auto& [name, value] : form) {
      if (name.rfind("q_", 0) == 0) raw[name.substr(2)].push_back(value);
    }
    auto cookie = ctx.request.cookie(kAnswerCsrfCookie);
    const std::string sent = form_value(form, "csrf");
    if (!cookie || cookie->empty() || *cookie != sent) {
      return answer_page(ctx, s, raw, {},
                         "Le formulaire a expiré : vérifiez vos réponses et envoyez-les à "
                         "nouveau.",
                         false, 403);
    }
    auto outcome = svc_.answer(token, raw);
    if (!outcome) {
      if (outcome.error().code == ErrorCode::invalid_transition) {
        return answer_page(ctx, s, raw, {}, outcome.error().message, false, 409);
      }
      return tl::unexpected(outcome.error());
    }
    if (!outcome->problems.empty()) {
      return answer_page(ctx, outcome->survey, raw, outcome->problems,
                         "Votre réponse n'est pas enregistrée : corrigez les questions signalées.",
                         false, 422);
    }
    return Response::redirect("/repondre/" + token + "?enregistre=1");
  }

  const Site& site_;
  services::Surveys& svc_;
};

}  // namespace

std::unique_ptr<Feature> make_survey_feature(const Site& site) {
  return std::make_unique<SurveyFeature>(site);
}

}  // namespace maillage::http
