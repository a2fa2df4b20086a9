// Routes of crisis mode (services/crisis.hpp): the JSON API under /api/v1/crises, the French pages
// /crises (list and the form that opens a crisis) and /crises/{crise} (the crisis dashboard: who
// answered, coverage of each slot, gaps, and the buttons of the loop), and the CSV export of the
// coverage. Handlers parse, call one services::Crises method and answer; who sees what is the
// service's decision.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/csv.hpp"
#include "common/dates.hpp"
#include "common/french.hpp"
#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/feature.hpp"
#include "http/web_app.hpp"
#include "services/association.hpp"
#include "services/crisis.hpp"
#include "services/roster_jobs.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::CrisisAccess;
using services::Role;

std::shared_ptr<const JsonSchema> schema(JsonSchema s) {
  return std::make_shared<const JsonSchema>(std::move(s));
}

JsonSchema json_boolean(std::string description) {
  JsonSchema s;
  s.type = JsonType::boolean;
  s.description = std::move(description);
  return s;
}

const std::shared_ptr<const JsonSchema>& open_schema() {
  static const auto s = schema(json_object(
      "Ouverture d'une crise : une enquête de disponibilités, une campagne de permanences sur les "
      "mêmes créneaux et un message à envoyer, créés ensemble",
      {{"structure", true, json_integer("Structure qui mène la crise", 1)},
       {"titre", true, json_string("Titre (« Campagne de vaccination »)", 1, 200)},
       {"type", true, json_enum("Type de crise", {"vaccination", "depistage", "autre"})},
       {"debut", true, json_string("Premier jour AAAA-MM-JJ", 10, 10)},
       {"fin", true, json_string("Dernier jour AAAA-MM-JJ", 10, 10)},
       {"jours", false,
        json_array("Jours retenus dans la période (absents : tous ; 14 au plus)",
                   json_string("Un jour AAAA-MM-JJ", 0, 10), 14)},
       {"plages", true,
        json_array("Plages horaires de chaque jour, avec le besoin",
                   json_object("Une plage horaire",
                               {{"debut", true, json_string("Début HH:MM", 0, 5)},
                                {"fin", true, json_string("Fin HH:MM", 0, 5)},
                                {"besoin", true,
                                 json_integer("Professionnels nécessaires", 0, 1000)}}),
                   12)},
       {"profession", false, json_string("Profession attendue sur les créneaux", 0, 100)},
       {"cloture", false,
        json_string("Clôture de l'enquête AAAA-MM-JJ (absente : le premier jour)", 0, 10)},
       {"presentation", false, json_string("Présentation aux destinataires", 0, 5000)},
       {"question_remarques", false,
        json_boolean("Ajouter une question libre sur l'organisation (facultative)")},
       {"membres", false, json_boolean("Public : les membres de la structure")},
       {"rpps", false,
        json_boolean("Public : les professionnels du territoire (extrait RPPS) dont la structure "
                     "a l'adresse")},
       {"professions", false,
        json_array("Professions retenues (codes RPPS ; vide : toutes)",
                   json_string("Code de profession", 1, 4), 40)},
       {"liste", false, json_string("Public : adresses collées, une par ligne", 0, 400000)}}));
  return s;
}

const std::shared_ptr<const JsonSchema>& empty_schema() {
  static const auto s = schema(json_object("Sans paramètre", {}));
  return s;
}

const std::shared_ptr<const JsonSchema>& version_schema() {
  static const auto s = schema(
      json_object("Version lue", {{"version", true, json_integer("Version lue de la crise", 1)}}));
  return s;
}

// Service field names → API names.
Error api_error(Error e) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"title", "titre"},        {"kind", "type"},         {"closes_on", "cloture"},
      {"intro", "presentation"}, {"audience", "membres"},  {"pasted", "liste"},
      {"plan.first_day", "debut"}, {"plan.last_day", "fin"}, {"plan.windows", "plages"},
      {"plan.days", "jours"}};
  for (const auto& [from, to] : kNames) {
    if (e.field == from) e.field = to;
  }
  auto replace = [&](const std::string& from, const std::string& to) {
    if (e.field.rfind(from, 0) == 0) e.field = to + e.field.substr(from.size());
  };
  replace("plan.windows[", "plages[");
  replace("plan.days[", "jours[");
  replace("plan.slots[", "plages[");
  for (const auto& [from, to] : {std::pair<const char*, const char*>{".start", ".debut"},
                                 {".end", ".fin"},
                                 {".need", ".besoin"}}) {
    const auto at = e.field.rfind(from);
    if (at != std::string::npos && at + std::string(from).size() == e.field.size()) {
      e.field = e.field.substr(0, at) + to;
    }
  }
  return at_json_path(std::move(e));
}

std::string rate_text(const std::optional<double>& rate) {
  return rate ? fr::decimal(100 * *rate, 0) + "\u00a0%" : "—";
}

json summary_json(const services::CrisisSummary& s) {
  return json{{"id", s.id},
              {"structure", s.structure_id},
              {"structure_nom", s.structure_name},
              {"titre", s.title},
              {"type", s.kind},
              {"type_libelle", s.kind_label},
              {"debut", s.first_day},
              {"fin", s.last_day},
              {"periode_texte", "du " + french_day(s.first_day) + " au " + french_day(s.last_day)},
              {"enquete", s.survey_id},
              {"campagne", s.campaign_id},
              {"message", s.newsletter_id == 0 ? json(nullptr) : json(s.newsletter_id)},
              {"invites", s.invited},
              {"reponses", s.answered},
              {"taux", s.rate ? json(*s.rate) : json(nullptr)},
              {"taux_texte", rate_text(s.rate)},
              {"creneaux", s.slots},
              {"besoin", s.need},
              {"planning_construit_le", s.built_at},
              {"planning_envoye_le", s.planning_sent_at},
              {"cree_le", s.created_at},
              {"version", s.version}};
}

json dashboard_json(const services::CrisisDashboard& d) {
  json slots = json::array();
  for (const auto& s : d.slots) {
    const auto& c = s.coverage;
    slots.push_back({{"jour", s.slot.day},
                     {"jour_libelle", s.day_label},
                     {"debut", s.slot.start},
                     {"fin", s.slot.end},
                     {"plage", s.window_label},
                     {"besoin", c.need},
                     {"disponibles", c.available},
                     {"affectes", c.assigned},
                     {"manque", c.gap},
                     {"manque_volontaires", c.shortfall},
                     {"affectes_sans_disponibilite", c.unavailable_assigned},
                     {"noms", s.assigned},
                     {"creneau_planning", s.roster_slot_id == 0 ? json(nullptr)
                                                                : json(s.roster_slot_id)}});
  }
  json people = json::array();
  for (const auto& p : d.invited) {
    people.push_back({{"destinataire", p.recipient_id},
                      {"nom", p.name},
                      {"email", p.email},
                      {"public", p.source_label},
                      {"envoye_le", p.sent_at},
                      {"refus", p.send_error},
                      {"repondu_le", p.answered_at},
                      {"creneaux_coches", p.available},
                      {"creneaux_attribues", p.assigned},
                      {"adresse_seule", p.address_only},
                      {"planning_envoye_le", p.planning_sent_at},
                      {"planning_refus", p.planning_error}});
  }
  json job = nullptr;
  if (d.job) {
    job = {{"id", d.job->id},
           {"statut", d.job->status},
           {"message", d.job->message},
           {"valide", d.job->result ? json(d.job->result->valid) : json(nullptr)}};
  }
  const auto& c = d.coverage;
  return json{{"crise", summary_json(d.summary)},
              {"acces", d.access == CrisisAccess::run ? "conduite" : "lecture"},
              {"profession", d.profession},
              {"enquete", {{"id", d.summary.survey_id},
                           {"statut", d.survey_status},
                           {"statut_libelle", d.survey_status_label},
                           {"cloture", d.closes_on}}},
              {"campagne", {{"id", d.summary.campaign_id},
                            {"statut", d.campaign_status},
                            {"statut_libelle", d.campaign_status_label}}},
              {"non_repondus", d.not_answered},
              {"refus_envoi", d.send_failed},
              {"couverture", {{"besoin", c.need},
                              {"affectes", c.assigned},
                              {"manque", c.gap},
                              {"creneaux_couverts", c.covered_slots},
                              {"creneaux_non_couverts", c.uncovered_slots},
                              {"creneaux_sans_volontaires", c.short_slots}}},
              {"creneaux", std::move(slots)},
              {"invites", std::move(people)},
              {"calcul", std::move(job)},
              {"serveur_mail", d.smtp},
              {"actions", {{"envoyer", d.can_send},
                           {"relancer", d.can_remind},
                           {"construire", d.can_build},
                           {"envoyer_planning", d.can_send_planning}}}};
}

class CrisisFeature final : public Feature {
 public:
  explicit CrisisFeature(const Site& site)
      : site_(site), svc_(site.services.crises), runner_(site.services.roster_jobs) {}

  void add_routes(RouteTable& table) override {
    // Reads: everyone signed in (the service answers by scope: members get 403); writes: admins
    // and coordinators (the service lets in the structure's own coordination).
    const auto readers = AccessRule::authenticated();
    const auto runners = AccessRule::only({Role::admin, Role::coordinator});
    auto bind = [this](Result<Response> (CrisisFeature::*fn)(const RequestContext&)) {
      return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
    };
    const std::string api = "/api/v1/crises";
    table.add("GET", api, readers, RouteKind::api, bind(&CrisisFeature::api_list),
              "Crises (campagnes de vaccination, dépistages) des structures de votre périmètre");
    table
        .add("POST", api, runners, RouteKind::api, bind(&CrisisFeature::api_open),
             "Ouvre une crise : enquête de disponibilités, campagne de permanences et message, "
             "créés ensemble")
        .body = open_schema();
    table.routes().back().success_status = 201;
    table.add("GET", api + "/{crise}", readers, RouteKind::api, bind(&CrisisFeature::api_get),
              "Tableau de bord d'une crise : réponses, couverture des créneaux, manques");
    table
        .add("POST", api + "/{crise}/envoi", runners, RouteKind::api,
             bind(&CrisisFeature::api_send),
             "Envoie les liens personnels de l'enquête au public choisi à l'ouverture")
        .body = empty_schema();
    table
        .add("POST", api + "/{crise}/relance", runners, RouteKind::api,
             bind(&CrisisFeature::api_remind),
             "Relance ceux qui n'ont pas répondu (un nouveau lien remplace l'ancien)")
        .body = empty_schema();
    table
        .add("POST", api + "/{crise}/planning", runners, RouteKind::api,
             bind(&CrisisFeature::api_build),
             "Construit le planning : réponses → disponibilités de la campagne, puis calcul")
        .body = version_schema();
    table
        .add("POST", api + "/{crise}/planning/envoi", runners, RouteKind::api,
             bind(&CrisisFeature::api_send_planning),
             "Envoie à chacun ses créneaux par e-mail et publie le planning")
        .body = version_schema();

    table.add("GET", "/crises", readers, RouteKind::page, bind(&CrisisFeature::page_list),
              "Mode crise : les crises et l'ouverture d'une crise");
    table.add("GET", "/crises/{crise}", readers, RouteKind::page,
              bind(&CrisisFeature::page_dashboard), "Tableau de bord d'une crise");
    table.add("GET", "/crises/{crise}/couverture.csv", readers, RouteKind::page,
              bind(&CrisisFeature::export_csv), "Couverture des créneaux d'une crise (CSV)");
  }

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    if (who.role == Role::member) return {};
    return {{"Crises", "/crises"}};
  }

 private:
  static Result<std::int64_t> crisis_id(const RequestContext& ctx) {
    auto id = parse_id(ctx.request.param("crise"), "crise");
    if (!id) return fail(ErrorCode::not_found, "Cette crise n'existe pas.", "crise");
    return *id;
  }

  static std::string link_base(const RequestContext& ctx) {
    std::string origin = request_origin(ctx.request);
    if (origin.empty()) origin = "http://localhost";
    return origin + "/repondre/";
  }

  static std::vector<std::string> strings(const json& b, const char* key) {
    std::vector<std::string> out;
    if (b.contains(key)) {
      for (const auto& v : b[key]) out.push_back(v.get<std::string>());
    }
    return out;
  }

  // API -----------------------------------------------------------------------------------------

  Result<Response> api_list(const RequestContext& ctx) {
    json out = json::array();
    for (const auto& s : MAILLAGE_TRY(svc_.list(*ctx.principal()))) out.push_back(summary_json(s));
    return json_no_store(json{{"crises", std::move(out)}});
  }

  Result<Response> api_open(const RequestContext& ctx) {
    auto b = MAILLAGE_TRY(read_json_body(ctx.request, *open_schema()));
    services::CrisisInput in;
    in.structure_id = b.value("structure", std::int64_t{0});
    in.title = b.value("titre", "");
    in.kind = b.value("type", "");
    in.plan.first_day = b.value("debut", "");
    in.plan.last_day = b.value("fin", "");
    in.plan.days = strings(b, "jours");
    for (const auto& w : b["plages"]) {
      in.plan.windows.push_back({w.value("debut", ""), w.value("fin", ""),
                                 static_cast<int>(w.value("besoin", std::int64_t{0}))});
    }
    if (b.contains("profession")) in.profession = b.value("profession", "");
    in.closes_on = b.value("cloture", "");
    in.intro = b.value("presentation", "");
    in.remarks_question = b.value("question_remarques", false);
    in.audience.members = b.value("membres", false);
    in.audience.rpps = b.value("rpps", false);
    in.audience.professions = strings(b, "professions");
    in.audience.pasted = b.value("liste", "");
    auto id = svc_.open(*ctx.principal(), in);
    if (!id) return tl::unexpected(api_error(id.error()));
    auto d = MAILLAGE_TRY(svc_.dashboard(*ctx.principal(), *id));
    return json_no_store(dashboard_json(d), 201);
  }

  Result<Response> api_get(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(crisis_id(ctx));
    return json_no_store(dashboard_json(MAILLAGE_TRY(svc_.dashboard(*ctx.principal(), id))));
  }

  Result<Response> api_send(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(crisis_id(ctx));
    MAILLAGE_TRY(read_json_body(ctx.request, *empty_schema()));
    auto r = svc_.send(*ctx.principal(), id, link_base(ctx));
    if (!r) return tl::unexpected(api_error(r.error()));
    json refused = json::array();
    for (const auto& p : r->refused_lines) {
      refused.push_back({{"ligne", p.field}, {"message", p.message}});
    }
    return json_no_store(json{{"envoi",
                               {{"ajoutes", r->added},
                                {"envoyes", r->sent},
                                {"refuses", r->failed},
                                {"deja_destinataires", r->already},
                                {"sans_adresse", r->without_email},
                                {"professionnels_territoire", r->rpps_professionals},
                                {"lignes_refusees", std::move(refused)}}}});
  }

  Result<Response> api_remind(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(crisis_id(ctx));
    MAILLAGE_TRY(read_json_body(ctx.request, *empty_schema()));
    auto r = svc_.remind(*ctx.principal(), id, link_base(ctx));
    if (!r) return tl::unexpected(api_error(r.error()));
    return json_no_store(json{
        {"relance", {{"relances", r->reminded}, {"envoyes", r->sent}, {"refuses", r->failed}}}});
  }

  Result<Response> api_build(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(crisis_id(ctx));
    auto b = MAILLAGE_TRY(read_json_body(ctx.request, *version_schema()));
    auto r = svc_.build(*ctx.principal(), id, b["version"].get<std::int64_t>());
    if (!r) return tl::unexpected(api_error(r.error()));
    runner_.notify();
    return json_no_store(json{{"planning",
                               {{"repondants", r->respondents},
                                {"personnes_ajoutees", r->people_added},
                                {"personnes_mises_a_jour", r->people_updated},
                                {"disponibilites", r->availabilities},
                                {"sans_disponibilite", r->without_availability},
                                {"adresse_seule", r->address_only},
                                {"cases_hors_grille", r->outside_cells},
                                {"creneaux_absents", r->missing_slots},
                                {"calcul", r->job_id}}}});
  }

  Result<Response> api_send_planning(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(crisis_id(ctx));
    auto b = MAILLAGE_TRY(read_json_body(ctx.request, *version_schema()));
    auto r = svc_.send_planning(*ctx.principal(), id, b["version"].get<std::int64_t>());
    if (!r) return tl::unexpected(api_error(r.error()));
    return json_no_store(json{{"planning_envoye",
                               {{"envoyes", r->sent},
                                {"refuses", r->failed},
                                {"sans_creneau", r->without_slot}}}});
  }

  // Pages ---------------------------------------------------------------------------------------

  Result<Response> render(const std::string& name, json data, const RequestContext& ctx) {
    return Response::html(
        MAILLAGE_TRY(site_.render_page(name, nullify_empty(std::move(data)), ctx)), 200);
  }

  Result<Response> page_list(const RequestContext& ctx) {
    const auto& who = *ctx.principal();
    json rows = json::array();
    for (const auto& s : MAILLAGE_TRY(svc_.list(who))) rows.push_back(summary_json(s));
    const auto runnable = MAILLAGE_TRY(svc_.structures_to_run(who));
    json structures = json::array();
    for (const auto& c : runnable) structures.push_back({{"id", c.id}, {"nom", c.label}});
    json professions = json::array();
    for (const auto& c : services::association_professions()) {
      professions.push_back({{"id", c.id}, {"libelle", c.label}});
    }
    const auto today = today_utc();
    json data{{"titre", "Mode crise"},
              {"crises", std::move(rows)},
              {"peut_ouvrir", !runnable.empty()},
              {"structures", std::move(structures)},
              {"professions", std::move(professions)},
              {"debut_defaut", format_date(add_days(today, 3))},
              {"fin_defaut", format_date(add_days(today, 7))},
              {"cloture_defaut", format_date(add_days(today, 2))},
              {"aujourdhui", format_date(today)}};
    data["a_crises"] = !data["crises"].empty();
    return render("crises", std::move(data), ctx);
  }

  Result<Response> page_dashboard(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(crisis_id(ctx));
    const auto d = MAILLAGE_TRY(svc_.dashboard(*ctx.principal(), id));
    json data = dashboard_json(d);
    data["titre"] = d.summary.title;
    data["conduite"] = d.access == CrisisAccess::run;
    data["enquete_cloture_texte"] = french_day(d.closes_on);
    data["manques"] = json::array();
    for (auto& s : data["creneaux"]) {
      const bool short_ = s["manque"].get<int>() > 0;
      s["non_couvert"] = short_;
      std::string names;
      for (const auto& n : s["noms"]) names += (names.empty() ? "" : ", ") + n.get<std::string>();
      s["noms_texte"] = names;
      if (short_) {
        data["manques"].push_back({{"jour_libelle", s["jour_libelle"]},
                                   {"plage", s["plage"]},
                                   {"manque", s["manque"]},
                                   {"manque_volontaires", s["manque_volontaires"]},
                                   {"faute_volontaires", s["manque_volontaires"].get<int>() > 0}});
      }
    }
    data["a_manques"] = !data["manques"].empty();
    for (auto& p : data["invites"]) {
      p["envoye_le_texte"] = french_day(p.value("envoye_le", ""));
      p["repondu_le_texte"] = french_day(p.value("repondu_le", ""));
      p["planning_envoye_le_texte"] = french_day(p.value("planning_envoye_le", ""));
      p["a_repondu"] = !p.value("repondu_le", "").empty();
      p["refuse"] = !p.value("refus", "").empty();
      std::string slots;
      for (const auto& s : p["creneaux_attribues"]) {
        slots += (slots.empty() ? "" : " ; ") + s.get<std::string>();
      }
      p["attribues_texte"] = slots;
    }
    data["a_invites"] = !d.invited.empty();
    const bool solving = d.job && (d.job->status == "queued" || d.job->status == "running");
    data["calcul_en_cours"] = solving;
    data["calcul_fini"] = d.job && d.job->status == "done";
    data["calcul_echoue"] = d.job && d.job->status == "failed";
    data["calcul_valide"] = d.job && d.job->result && d.job->result->valid;
    data["peut_lire_campagne"] = site_.may_open(ctx.principal(), "/permanences/" +
                                                                     std::to_string(d.summary.campaign_id));
    data["peut_lire_enquete"] =
        site_.may_open(ctx.principal(), "/enquetes/" + std::to_string(d.summary.survey_id));
    data["peut_lire_message"] =
        d.summary.newsletter_id != 0 && d.access == CrisisAccess::run &&
        site_.may_open(ctx.principal(), "/messages/" + std::to_string(d.summary.newsletter_id));
    return render("crise", std::move(data), ctx);
  }

  Result<Response> export_csv(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(crisis_id(ctx));
    const auto d = MAILLAGE_TRY(svc_.dashboard(*ctx.principal(), id));
    const bool run = d.access == CrisisAccess::run;
    std::string out = "\xEF\xBB\xBF";
    out += "jour;debut;fin;besoin;disponibles;affectes;manque;manque_volontaires";
    if (run) out += ";affectes_noms";
    out += "\r\n";
    for (const auto& s : d.slots) {
      const auto& c = s.coverage;
      out += fmt::format("{};{};{};{};{};{};{};{}", s.slot.day, s.slot.start, s.slot.end, c.need,
                         c.available, c.assigned, c.gap, c.shortfall);
      if (run) {
        std::string names;
        for (const auto& n : s.assigned) names += (names.empty() ? "" : ", ") + n;
        out += ";" + csv::text_field(names, ';');
      }
      out += "\r\n";
    }
    Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = std::move(out);
    r.set_header("Content-Disposition",
                 fmt::format("attachment; filename=\"crise-{}-couverture.csv\"", id));
    r.set_header("Cache-Control", "private, no-store");
    return r;
  }

  const Site& site_;
  services::Crises& svc_;
  services::RosterJobRunner& runner_;
};

}  // namespace

std::unique_ptr<Feature> make_crisis_feature(const Site& site) {
  return std::make_unique<CrisisFeature>(site);
}

}  // namespace maillage::http
