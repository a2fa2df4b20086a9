// Routes of the permanences planner: the JSON API of planning campaigns under /api/v1/campaigns
// and the French pages under /permanences (campaign list, campaign page with availability grid,
// solve progress, review with live checks, swaps; printable monthly grid). Handlers parse, call
// one RosterCampaigns method, render. The solve jobs run on the feature's RosterJobRunner thread.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "http/feature.hpp"
#include "http/web_app.hpp"
#include "office/xlsx.hpp"
#include "services/roster_campaigns.hpp"
#include "services/roster_export.hpp"
#include "services/roster_jobs.hpp"

namespace maillage::http {

using nlohmann::json;
using services::Role;

namespace {

JsonSchema json_boolean(std::string description) {
  JsonSchema s;
  s.type = JsonType::boolean;
  s.description = std::move(description);
  return s;
}

std::shared_ptr<const JsonSchema> schema(JsonSchema s) {
  return std::make_shared<const JsonSchema>(std::move(s));
}

std::vector<JsonProperty> settings_properties(bool for_update) {
  return {
      {"structure", !for_update, json_integer("Structure (CPTS) organisatrice", 1)},
      {"nom", true, json_string("Nom de la campagne", 1, 200)},
      {"description", false, json_string("Description", 0, 2000)},
      {"debut", true, json_string("Premier jour (AAAA-MM-JJ)", 10, 10)},
      {"fin", true, json_string("Dernier jour (AAAA-MM-JJ)", 10, 10)},
      {"temps_calcul", false, json_integer("Temps de calcul du solveur en secondes", 1, 120)},
      {"poids_equite", false, json_integer("Poids de l'équité", 0, 1000000)},
      {"poids_creneau_vide", false, json_integer("Coût d'une personne manquante", 0, 1000000)},
      {"poids_souhait", false, json_integer("Coût d'un souhait non satisfait", 0, 1000000)},
      {"repos_apres_nuit", false, json_integer("Jours de repos après une nuit", 0, 7)},
      {"plafond_mensuel", false, json_integer("Plafond mensuel par défaut", 0, 31)},
      {"version", for_update, json_integer("Version lue (mise à jour)", 1)},
  };
}

JsonSchema slot_schema() {
  return json_object(
      "Créneau",
      {{"date", true, json_string("Jour (AAAA-MM-JJ)", 10, 10)},
       {"debut", true, json_string("Heure de début (HH:MM)", 5, 5)},
       {"fin", true, json_string("Heure de fin (HH:MM)", 5, 5)},
       {"fin_lendemain", false, json_boolean("Le créneau finit le lendemain (nuit)")},
       {"type", true, json_enum("Type", {"snp", "pdsa", "vaccination", "crise", "autre"})},
       {"lieu", false, json_string("Secteur ou lieu", 0, 120)},
       {"profession", true, json_string("Profession requise", 1, 80)},
       {"nombre", false, json_integer("Nombre de personnes requises", 1, 50)}});
}

JsonSchema assignments_schema() {
  return json_array("Affectations",
                    json_object("Affectation", {{"creneau", true, json_integer("Créneau", 1)},
                                                {"membre", true, json_integer("Membre", 1)}}),
                    20000);
}

Result<std::int64_t> id_param(const RequestContext& ctx, const char* name) {
  const std::string& s = ctx.request.param(name);
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size() || v <= 0) {
    return fail(ErrorCode::not_found, "Identifiant invalide.", name);
  }
  return v;
}

std::int64_t int_or(const std::optional<std::string>& s, std::int64_t fallback) {
  if (!s) return fallback;
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  return ec == std::errc{} && end == s->data() + s->size() ? v : fallback;
}

services::NewCampaign campaign_of_body(const json& b) {
  services::NewCampaign c;
  c.structure_id = b.value("structure", std::int64_t{0});
  c.name = b.value("nom", std::string());
  c.description = b.value("description", std::string());
  c.settings.first_day = b.value("debut", std::string());
  c.settings.last_day = b.value("fin", std::string());
  c.time_limit_seconds = b.value("temps_calcul", 10);
  c.settings.fairness_weight = b.value("poids_equite", 100);
  c.settings.open_slot_weight = b.value("poids_creneau_vide", 1000);
  c.settings.wish_weight = b.value("poids_souhait", 10);
  c.settings.rest_after_night_days = b.value("repos_apres_nuit", 1);
  if (b.contains("plafond_mensuel")) c.settings.default_monthly_cap = b["plafond_mensuel"].get<int>();
  return c;
}

json slot_json(const services::PlanSlot& s) {
  return json{{"id", s.id},           {"date", s.day},
              {"debut", s.start_time}, {"fin", s.end_time},
              {"fin_lendemain", s.ends_next_day}, {"type", s.kind},
              {"lieu", s.label},       {"profession", s.profession},
              {"nombre", s.required}};
}

json campaign_json(const services::Campaign& c) {
  const auto& p = c.plan.settings;
  json slots = json::array();
  for (const auto& s : c.plan.slots) slots.push_back(slot_json(s));
  json members = json::array();
  for (const auto& m : c.plan.members) {
    members.push_back({{"id", m.id},
                       {"utilisateur", m.user_id == 0 ? json(nullptr) : json(m.user_id)},
                       {"nom", m.name},
                       {"profession", m.profession},
                       {"plafond_mensuel", m.monthly_cap ? json(*m.monthly_cap) : json(nullptr)}});
  }
  json avail = json::array();
  for (const auto& a : c.plan.availability) {
    avail.push_back({{"membre", a.member_id},
                     {"creneau", a.slot_id},
                     {"etat", services::slot_wish_id(a.wish)}});
  }
  json assigned = json::array();
  for (const auto& a : c.assignments) assigned.push_back({{"creneau", a.slot_id}, {"membre", a.member_id}});
  return json{{"id", c.id},
              {"structure", {{"id", c.structure_id}, {"nom", c.structure_name}}},
              {"nom", c.name},
              {"description", c.description},
              {"statut", services::campaign_status_id(c.status)},
              {"statut_libelle", services::campaign_status_label(c.status)},
              {"debut", p.first_day},
              {"fin", p.last_day},
              {"temps_calcul", c.time_limit_seconds},
              {"poids_equite", p.fairness_weight},
              {"poids_creneau_vide", p.open_slot_weight},
              {"poids_souhait", p.wish_weight},
              {"repos_apres_nuit", p.rest_after_night_days},
              {"plafond_mensuel",
               p.default_monthly_cap ? json(*p.default_monthly_cap) : json(nullptr)},
              {"version", c.version},
              {"publie_le", c.published_at},
              {"creneaux", std::move(slots)},
              {"membres", std::move(members)},
              {"disponibilites", std::move(avail)},
              {"affectations", std::move(assigned)},
              {"gerer", c.can_manage},
              {"mon_membre", c.my_member_id == 0 ? json(nullptr) : json(c.my_member_id)}};
}

json check_json(const services::PlanCheck& chk) {
  json violations = json::array();
  for (const auto& v : chk.violations) {
    violations.push_back(
        {{"membre", v.member_id}, {"date", v.day}, {"regle", v.rule}, {"message", v.message}});
  }
  json loads = json::array();
  for (const auto& l : chk.loads) {
    loads.push_back({{"membre", l.member_id},
                     {"creneaux", l.assigned},
                     {"jours_disponibles", l.available_days},
                     {"heures", l.hours},
                     {"charge", l.load}});
  }
  json open = json::array();
  for (const auto& o : chk.open) {
    open.push_back({{"creneau", o.slot_id}, {"manquants", o.missing}, {"explication", o.explanation}});
  }
  return json{{"valide", chk.feasible()},
              {"violations", std::move(violations)},
              {"objectif",
               {{"total", chk.objective.total},
                {"manque", chk.objective.under_cover},
                {"exces", chk.objective.over_cover},
                {"souhaits", chk.objective.on_requests},
                {"equite", chk.objective.fairness}}},
              {"ecart_charge", chk.spread},
              {"charges", std::move(loads)},
              {"creneaux_ouverts", std::move(open)}};
}

json job_json(const services::JobInfo& j) {
  json out{{"id", j.id},
           {"campagne", j.campaign_id},
           {"statut", j.status},
           {"progression", j.progress},
           {"objectif", j.objective ? json(*j.objective) : json(nullptr)},
           {"borne", j.lower_bound ? json(*j.lower_bound) : json(nullptr)},
           {"temps_calcul", j.time_limit_seconds},
           {"message", j.message},
           {"cree_le", j.created_at},
           {"debut", j.started_at},
           {"fin", j.finished_at}};
  if (!j.result.empty()) {
    out["resultat"] = json::parse(j.result, nullptr, false);
  }
  return out;
}

std::vector<services::PlanAssignment> assignments_of_body(const json& arr) {
  std::vector<services::PlanAssignment> out;
  for (const auto& a : arr) out.push_back({a["creneau"].get<std::int64_t>(), a["membre"].get<std::int64_t>()});
  return out;
}

std::string short_date(const std::string& day) {
  static const char* const kDays[] = {"lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim."};
  auto d = services::parse_day(day);
  if (!d) return day;
  return fmt::format("{} {}/{}", kDays[services::weekday_of_day(*d)], day.substr(8, 2),
                     day.substr(5, 2));
}

std::string slot_title(const services::PlanSlot& s) {
  std::string t = services::slot_kind_label(s.kind);
  if (!s.label.empty()) t += " — " + s.label;
  return t;
}

std::string slot_hours(const services::PlanSlot& s) {
  return s.start_time + "–" + s.end_time + (s.ends_next_day ? " (lendemain)" : "");
}

std::string hours_text(double h) { return fmt::format("{:.1f}", h); }

Response attachment(std::string body, const std::string& type, const std::string& filename) {
  Response r;
  r.content_type = type;
  r.body = std::move(body);
  r.set_header("Content-Disposition", "attachment; filename=\"" + filename + "\"");
  r.set_header("Cache-Control", "private, no-store");
  return r;
}

class RosterFeature final : public Feature {
 public:
  explicit RosterFeature(const Site& site)
      : site_(site),
        campaigns_(site.db,
                   [&ref = site.ref](std::string_view dep) {
                     const auto* d = ref.departement(std::string(dep));
                     return d ? d->region : std::string();
                   }),
        runner_(site.db, services::RosterJobSettings{}) {
    runner_.start();
  }

  void add_routes(RouteTable& table) override;

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    (void)who;
    return {{"Permanences", "/permanences"}};
  }

 private:
  template <class F>
  Handler bind(F f) {
    return [this, f](const RequestContext& ctx) { return (this->*f)(ctx); };
  }

  // API
  Result<Response> api_list(const RequestContext& ctx);
  Result<Response> api_create(const RequestContext& ctx);
  Result<Response> api_get(const RequestContext& ctx);
  Result<Response> api_update(const RequestContext& ctx);
  Result<Response> api_status(const RequestContext& ctx);
  Result<Response> api_add_slots(const RequestContext& ctx);
  Result<Response> api_remove_slot(const RequestContext& ctx);
  Result<Response> api_add_member(const RequestContext& ctx);
  Result<Response> api_availability(const RequestContext& ctx);
  Result<Response> api_cap(const RequestContext& ctx);
  Result<Response> api_solve(const RequestContext& ctx);
  Result<Response> api_job(const RequestContext& ctx);
  Result<Response> api_roster(const RequestContext& ctx);
  Result<Response> api_check(const RequestContext& ctx);
  Result<Response> api_save_roster(const RequestContext& ctx);
  Result<Response> api_swaps(const RequestContext& ctx);
  Result<Response> api_propose_swap(const RequestContext& ctx);
  Result<Response> api_decide_swap(const RequestContext& ctx);
  Result<Response> api_export_csv(const RequestContext& ctx);
  Result<Response> api_export_ics(const RequestContext& ctx);
  Result<Response> api_export_xlsx(const RequestContext& ctx);
  // Pages
  Result<Response> page_list(const RequestContext& ctx);
  Result<Response> page_campaign(const RequestContext& ctx);
  Result<Response> page_cell(const RequestContext& ctx);
  Result<Response> page_job(const RequestContext& ctx);
  Result<Response> page_start_job(const RequestContext& ctx);
  Result<Response> page_grid(const RequestContext& ctx);

  Result<std::string> job_fragment(const services::Principal& who, std::int64_t id, bool polling,
                                   bool* finished);
  json cell_json(std::int64_t campaign, const services::PlanSlot& s, std::int64_t member,
                 std::optional<services::SlotWish> wish, bool editable) const;

  const Site& site_;
  services::RosterCampaigns campaigns_;
  services::RosterJobRunner runner_;  // last member: stopped (joined) first
};

void RosterFeature::add_routes(RouteTable& t) {
  const auto signed_in = AccessRule::authenticated();
  const auto managers = AccessRule::only({Role::admin, Role::coordinator});
  const auto participants = AccessRule::only({Role::admin, Role::coordinator, Role::member});
  const std::string base = "/api/v1/campaigns";

  t.add("GET", base, signed_in, RouteKind::api, bind(&RosterFeature::api_list),
        "Campagnes de planification de permanences visibles par l'utilisateur");
  {
    Route& r = t.add("POST", base, managers, RouteKind::api, bind(&RosterFeature::api_create),
                     "Crée une campagne (brouillon) pour une structure");
    r.body = schema(json_object("Nouvelle campagne", settings_properties(false)));
    r.success_status = 201;
  }
  t.add("GET", base + "/{id}", signed_in, RouteKind::api, bind(&RosterFeature::api_get),
        "Une campagne : réglages, créneaux, membres, disponibilités, affectations");
  t.add("PUT", base + "/{id}", managers, RouteKind::api, bind(&RosterFeature::api_update),
        "Modifie les réglages d'une campagne (version lue requise)")
      .body = schema(json_object("Réglages", settings_properties(true)));
  t.add("POST", base + "/{id}/status", managers, RouteKind::api, bind(&RosterFeature::api_status),
        "Change le statut (brouillon, collecte, resolu, publie)")
      .body = schema(json_object(
      "Statut", {{"statut", true, json_enum("Nouveau statut", {"brouillon", "collecte", "resolu", "publie"})},
                 {"version", true, json_integer("Version lue", 1)}}));
  {
    Route& r = t.add("POST", base + "/{id}/slots", managers, RouteKind::api,
                     bind(&RosterFeature::api_add_slots), "Ajoute des créneaux (tous ou aucun)");
    r.body = schema(json_object("Créneaux", {{"version", true, json_integer("Version lue", 1)},
                                             {"creneaux", true, json_array("Créneaux", slot_schema(), 5000)}}));
    r.success_status = 201;
  }
  t.add("DELETE", base + "/{id}/slots/{slot}", managers, RouteKind::api,
        bind(&RosterFeature::api_remove_slot), "Supprime un créneau")
      .query = {{"version", "Version lue de la campagne", true, true}};
  {
    Route& r = t.add("POST", base + "/{id}/members", managers, RouteKind::api,
                     bind(&RosterFeature::api_add_member),
                     "Invite un membre (utilisateur de la structure ou professionnel sans compte)");
    r.body = schema(json_object(
        "Membre", {{"version", true, json_integer("Version lue", 1)},
                   {"utilisateur", false, json_integer("Compte de la structure", 1)},
                   {"nom", false, json_string("Nom affiché", 1, 120)},
                   {"profession", true, json_string("Profession", 1, 80)},
                   {"plafond_mensuel", false, json_integer("Plafond mensuel", 0, 31)}}));
    r.success_status = 201;
  }
  t.add("PUT", base + "/{id}/availability", participants, RouteKind::api,
        bind(&RosterFeature::api_availability),
        "Saisit des disponibilités (les siennes, ou celles de tous pour la coordination)")
      .body = schema(json_object(
      "Disponibilités",
      {{"cellules", true,
        json_array("Cellules",
                   json_object("Cellule", {{"membre", true, json_integer("Membre", 1)},
                                           {"creneau", true, json_integer("Créneau", 1)},
                                           {"etat", true, json_enum("État (vide : effacer)",
                                                                    {"disponible", "souhaite",
                                                                     "indisponible", ""})}}),
                   5000)}}));
  t.add("PUT", base + "/{id}/members/{member}/cap", participants, RouteKind::api,
        bind(&RosterFeature::api_cap), "Plafond mensuel d'un membre (absent : aucun)")
      .body = schema(json_object("Plafond", {{"plafond_mensuel", false, json_integer("Plafond", 0, 31)}}));
  {
    Route& r = t.add("POST", base + "/{id}/jobs", managers, RouteKind::api,
                     bind(&RosterFeature::api_solve), "Lance le calcul du planning en arrière-plan");
    r.body = schema(json_object("Calcul", {{"graine", false, json_integer("Graine", 0)}}));
    r.success_status = 202;
  }
  t.add("GET", base + "/{id}/jobs/{job}", managers, RouteKind::api, bind(&RosterFeature::api_job),
        "État d'un calcul : progression, objectif, borne, résultat");
  t.add("GET", base + "/{id}/roster", signed_in, RouteKind::api, bind(&RosterFeature::api_roster),
        "Le planning, son contrôle et ses chiffres d'équité");
  t.add("POST", base + "/{id}/roster/check", managers, RouteKind::api,
        bind(&RosterFeature::api_check),
        "Contrôle des affectations proposées (modification à la main), sans enregistrer")
      .body = schema(json_object("Affectations", {{"affectations", true, assignments_schema()}}));
  t.add("PUT", base + "/{id}/roster", managers, RouteKind::api, bind(&RosterFeature::api_save_roster),
        "Enregistre le planning modifié (refusé s'il enfreint une règle)")
      .body = schema(json_object("Planning", {{"version", true, json_integer("Version lue", 1)},
                                              {"affectations", true, assignments_schema()}}));
  t.add("GET", base + "/{id}/swaps", signed_in, RouteKind::api, bind(&RosterFeature::api_swaps),
        "Échanges et remplacements (historique)");
  {
    Route& r = t.add("POST", base + "/{id}/swaps", participants, RouteKind::api,
                     bind(&RosterFeature::api_propose_swap),
                     "Propose un échange ou un remplacement (contrôlé par le vérificateur)");
    r.body = schema(json_object(
        "Échange", {{"creneau", true, json_integer("Créneau cédé", 1)},
                    {"de_membre", false, json_integer("Membre qui cède (coordination)", 1)},
                    {"vers_membre", true, json_integer("Membre qui reprend", 1)},
                    {"autre_creneau", false, json_integer("Créneau repris en échange", 1)},
                    {"commentaire", false, json_string("Commentaire", 0, 500)}}));
    r.success_status = 201;
  }
  t.add("POST", base + "/{id}/swaps/{swap}/decision", managers, RouteKind::api,
        bind(&RosterFeature::api_decide_swap), "Approuve ou refuse un échange")
      .body = schema(json_object("Décision",
                                 {{"decision", true, json_enum("Décision", {"approuver", "refuser"})},
                                  {"version", true, json_integer("Version lue de l'échange", 1)}}));
  t.add("GET", base + "/{id}/export.csv", signed_in, RouteKind::api,
        bind(&RosterFeature::api_export_csv), "Planning en CSV (tout, ou d'un membre)")
      .query = {{"membre", "Membre (facultatif)", false, true}};
  t.add("GET", base + "/{id}/export.ics", signed_in, RouteKind::api,
        bind(&RosterFeature::api_export_ics), "Planning en iCalendar (tout, ou d'un membre)")
      .query = {{"membre", "Membre (facultatif)", false, true}};

  t.add("GET", base + "/{id}/export.xlsx", signed_in, RouteKind::api,
        bind(&RosterFeature::api_export_xlsx), "Planning en classeur XLSX (tout, ou d'un membre)")
      .query = {{"membre", "Membre (facultatif)", false, true}};

  // Pages
  t.add("GET", "/permanences", signed_in, RouteKind::page, bind(&RosterFeature::page_list),
        "Campagnes de permanences");
  t.add("GET", "/permanences/{id}", signed_in, RouteKind::page, bind(&RosterFeature::page_campaign),
        "Campagne : disponibilités, calcul, planning, échanges");
  t.add("POST", "/permanences/{id}/disponibilites", participants, RouteKind::page,
        bind(&RosterFeature::page_cell), "Saisie d'une disponibilité (fragment htmx)");
  t.add("GET", "/permanences/{id}/calcul", managers, RouteKind::page, bind(&RosterFeature::page_job),
        "Progression du calcul (fragment htmx)");
  t.add("POST", "/permanences/{id}/calcul", managers, RouteKind::page,
        bind(&RosterFeature::page_start_job), "Lance le calcul (fragment htmx)");
  t.add("GET", "/permanences/{id}/tableau", signed_in, RouteKind::page,
        bind(&RosterFeature::page_grid), "Tableau mensuel imprimable du planning");
}

// ---------------------------------------------------------------------------------------- API

Result<Response> RosterFeature::api_list(const RequestContext& ctx) {
  auto list = campaigns_.list(*ctx.principal());
  if (!list) return tl::unexpected(list.error());
  json out = json::array();
  for (const auto& c : *list) {
    out.push_back({{"id", c.id},
                   {"structure", {{"id", c.structure_id}, {"nom", c.structure_name}}},
                   {"nom", c.name},
                   {"statut", services::campaign_status_id(c.status)},
                   {"debut", c.first_day},
                   {"fin", c.last_day},
                   {"version", c.version},
                   {"creneaux", c.slots},
                   {"membres", c.members}});
  }
  return Response::json(json{{"campagnes", std::move(out)}}.dump());
}

Result<Response> RosterFeature::api_create(const RequestContext& ctx) {
  auto body = read_json_body(ctx.request, json_object("", settings_properties(false)));
  if (!body) return tl::unexpected(body.error());
  auto id = campaigns_.create(*ctx.principal(), campaign_of_body(*body));
  if (!id) return tl::unexpected(id.error());
  auto c = campaigns_.get(*ctx.principal(), *id);
  if (!c) return tl::unexpected(c.error());
  Response r = Response::json(campaign_json(*c).dump(), 201);
  r.set_header("Location", fmt::format("/api/v1/campaigns/{}", *id));
  return r;
}

Result<Response> RosterFeature::api_get(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto c = campaigns_.get(*ctx.principal(), *id);
  if (!c) return tl::unexpected(c.error());
  return Response::json(campaign_json(*c).dump());
}

Result<Response> RosterFeature::api_update(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto body = read_json_body(ctx.request, json_object("", settings_properties(true)));
  if (!body) return tl::unexpected(body.error());
  auto v = campaigns_.update(*ctx.principal(), *id, (*body)["version"].get<std::int64_t>(),
                             campaign_of_body(*body));
  if (!v) return tl::unexpected(v.error());
  return Response::json(json{{"version", *v}}.dump());
}

Result<Response> RosterFeature::api_status(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto body = read_json_body(
      ctx.request,
      json_object("", {{"statut", true, json_enum("", {"brouillon", "collecte", "resolu", "publie"})},
                       {"version", true, json_integer("", 1)}}));
  if (!body) return tl::unexpected(body.error());
  auto to = services::campaign_status_from_id((*body)["statut"].get<std::string>());
  auto v = campaigns_.set_status(*ctx.principal(), *id, (*body)["version"].get<std::int64_t>(), *to);
  if (!v) return tl::unexpected(v.error());
  return Response::json(json{{"version", *v}, {"statut", (*body)["statut"]}}.dump());
}

Result<Response> RosterFeature::api_add_slots(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto body = read_json_body(
      ctx.request, json_object("", {{"version", true, json_integer("", 1)},
                                    {"creneaux", true, json_array("", slot_schema(), 5000)}}));
  if (!body) return tl::unexpected(body.error());
  std::vector<services::PlanSlot> slots;
  for (const auto& s : (*body)["creneaux"]) {
    slots.push_back(services::PlanSlot{0, s["date"].get<std::string>(), s["debut"].get<std::string>(),
                                       s["fin"].get<std::string>(), s.value("fin_lendemain", false),
                                       s["type"].get<std::string>(), s.value("lieu", std::string()),
                                       s["profession"].get<std::string>(), s.value("nombre", 1)});
  }
  auto v = campaigns_.add_slots(*ctx.principal(), *id, (*body)["version"].get<std::int64_t>(), slots);
  if (!v) return tl::unexpected(v.error());
  return Response::json(json{{"version", *v}, {"ajoutes", slots.size()}}.dump(), 201);
}

Result<Response> RosterFeature::api_remove_slot(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto slot = id_param(ctx, "slot");
  if (!slot) return tl::unexpected(slot.error());
  auto version = int_or(ctx.request.query_value("version"), 0);
  auto v = campaigns_.remove_slot(*ctx.principal(), *id, version, *slot);
  if (!v) return tl::unexpected(v.error());
  return Response::json(json{{"version", *v}}.dump());
}

Result<Response> RosterFeature::api_add_member(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto body = read_json_body(
      ctx.request, json_object("", {{"version", true, json_integer("", 1)},
                                    {"utilisateur", false, json_integer("", 1)},
                                    {"nom", false, json_string("", 1, 120)},
                                    {"profession", true, json_string("", 1, 80)},
                                    {"plafond_mensuel", false, json_integer("", 0, 31)}}));
  if (!body) return tl::unexpected(body.error());
  services::NewMember m;
  m.user_id = body->value("utilisateur", std::int64_t{0});
  m.name = body->value("nom", std::string());
  m.profession = (*body)["profession"].get<std::string>();
  if (body->contains("plafond_mensuel")) m.monthly_cap = (*body)["plafond_mensuel"].get<int>();
  auto member = campaigns_.add_member(*ctx.principal(), *id, (*body)["version"].get<std::int64_t>(), m);
  if (!member) return tl::unexpected(member.error());
  return Response::json(json{{"id", *member}, {"version", (*body)["version"].get<std::int64_t>() + 1}}.dump(),
                        201);
}

Result<Response> RosterFeature::api_availability(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto body = read_json_body(
      ctx.request,
      json_object("", {{"cellules", true,
                        json_array("", json_object("", {{"membre", true, json_integer("", 1)},
                                                        {"creneau", true, json_integer("", 1)},
                                                        {"etat", true, json_enum("", {"disponible", "souhaite", "indisponible", ""})}}),
                                   5000)}}));
  if (!body) return tl::unexpected(body.error());
  std::vector<services::RosterCampaigns::Cell> cells;
  for (const auto& c : (*body)["cellules"]) {
    cells.push_back({c["membre"].get<std::int64_t>(), c["creneau"].get<std::int64_t>(),
                     services::slot_wish_from_id(c["etat"].get<std::string>())});
  }
  auto st = campaigns_.set_availability(*ctx.principal(), *id, cells);
  if (!st) return tl::unexpected(st.error());
  return Response::json(json{{"enregistrees", cells.size()}}.dump());
}

Result<Response> RosterFeature::api_cap(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto member = id_param(ctx, "member");
  if (!member) return tl::unexpected(member.error());
  auto body = read_json_body(ctx.request,
                             json_object("", {{"plafond_mensuel", false, json_integer("", 0, 31)}}));
  if (!body) return tl::unexpected(body.error());
  std::optional<int> cap;
  if (body->contains("plafond_mensuel")) cap = (*body)["plafond_mensuel"].get<int>();
  auto st = campaigns_.set_monthly_cap(*ctx.principal(), *id, *member, cap);
  if (!st) return tl::unexpected(st.error());
  return Response::json(json{{"plafond_mensuel", cap ? json(*cap) : json(nullptr)}}.dump());
}

Result<Response> RosterFeature::api_solve(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto body = read_json_body(ctx.request, json_object("", {{"graine", false, json_integer("", 0)}}));
  if (!body) return tl::unexpected(body.error());
  std::optional<std::uint64_t> seed;
  if (body->contains("graine")) seed = (*body)["graine"].get<std::uint64_t>();
  auto job = campaigns_.enqueue_solve(*ctx.principal(), *id, seed);
  if (!job) return tl::unexpected(job.error());
  runner_.notify();
  Response r = Response::json(json{{"id", *job}, {"statut", "queued"}}.dump(), 202);
  r.set_header("Location", fmt::format("/api/v1/campaigns/{}/jobs/{}", *id, *job));
  return r;
}

Result<Response> RosterFeature::api_job(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto job_id = id_param(ctx, "job");
  if (!job_id) return tl::unexpected(job_id.error());
  auto job = campaigns_.job(*ctx.principal(), *id, *job_id);
  if (!job) return tl::unexpected(job.error());
  return Response::json(job_json(*job).dump());
}

Result<Response> RosterFeature::api_roster(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto c = campaigns_.get(*ctx.principal(), *id);
  if (!c) return tl::unexpected(c.error());
  auto chk = campaigns_.check_current(*ctx.principal(), *id);
  if (!chk) return tl::unexpected(chk.error());
  json assigned = json::array();
  for (const auto& a : c->assignments) assigned.push_back({{"creneau", a.slot_id}, {"membre", a.member_id}});
  return Response::json(json{{"version", c->version},
                             {"statut", services::campaign_status_id(c->status)},
                             {"affectations", std::move(assigned)},
                             {"controle", check_json(*chk)}}
                            .dump());
}

Result<Response> RosterFeature::api_check(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto body = read_json_body(ctx.request, json_object("", {{"affectations", true, assignments_schema()}}));
  if (!body) return tl::unexpected(body.error());
  auto chk = campaigns_.check(*ctx.principal(), *id, assignments_of_body((*body)["affectations"]));
  if (!chk) return tl::unexpected(chk.error());
  return Response::json(check_json(*chk).dump());
}

Result<Response> RosterFeature::api_save_roster(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto body = read_json_body(ctx.request, json_object("", {{"version", true, json_integer("", 1)},
                                                           {"affectations", true, assignments_schema()}}));
  if (!body) return tl::unexpected(body.error());
  auto v = campaigns_.save_assignments(*ctx.principal(), *id, (*body)["version"].get<std::int64_t>(),
                                       assignments_of_body((*body)["affectations"]));
  if (!v) return tl::unexpected(v.error());
  return Response::json(json{{"version", *v}}.dump());
}

Result<Response> RosterFeature::api_swaps(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto list = campaigns_.swaps(*ctx.principal(), *id);
  if (!list) return tl::unexpected(list.error());
  json out = json::array();
  for (const auto& s : *list) {
    out.push_back({{"id", s.id},
                   {"creneau", s.slot_id},
                   {"de_membre", s.from_member_id},
                   {"vers_membre", s.to_member_id},
                   {"autre_creneau", s.other_slot_id == 0 ? json(nullptr) : json(s.other_slot_id)},
                   {"statut", s.status},
                   {"commentaire", s.comment},
                   {"propose_par", s.proposed_by},
                   {"decide_par", s.decided_by},
                   {"cree_le", s.created_at},
                   {"decide_le", s.decided_at},
                   {"version", s.version}});
  }
  return Response::json(json{{"echanges", std::move(out)}}.dump());
}

Result<Response> RosterFeature::api_propose_swap(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto body = read_json_body(
      ctx.request, json_object("", {{"creneau", true, json_integer("", 1)},
                                    {"de_membre", false, json_integer("", 1)},
                                    {"vers_membre", true, json_integer("", 1)},
                                    {"autre_creneau", false, json_integer("", 1)},
                                    {"commentaire", false, json_string("", 0, 500)}}));
  if (!body) return tl::unexpected(body.error());
  services::NewSwap s{(*body)["creneau"].get<std::int64_t>(), body->value("de_membre", std::int64_t{0}),
                      (*body)["vers_membre"].get<std::int64_t>(),
                      body->value("autre_creneau", std::int64_t{0}), body->value("commentaire", std::string())};
  auto swap = campaigns_.propose_swap(*ctx.principal(), *id, s);
  if (!swap) return tl::unexpected(swap.error());
  return Response::json(json{{"id", *swap}, {"statut", "proposee"}, {"version", 1}}.dump(), 201);
}

Result<Response> RosterFeature::api_decide_swap(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto swap = id_param(ctx, "swap");
  if (!swap) return tl::unexpected(swap.error());
  auto body = read_json_body(
      ctx.request, json_object("", {{"decision", true, json_enum("", {"approuver", "refuser"})},
                                    {"version", true, json_integer("", 1)}}));
  if (!body) return tl::unexpected(body.error());
  const bool approve = (*body)["decision"] == "approuver";
  auto st = campaigns_.decide_swap(*ctx.principal(), *id, *swap, (*body)["version"].get<std::int64_t>(),
                                   approve);
  if (!st) return tl::unexpected(st.error());
  return Response::json(json{{"statut", approve ? "approuvee" : "refusee"}}.dump());
}

Result<Response> RosterFeature::api_export_csv(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  const std::int64_t member = int_or(ctx.request.query_value("membre"), 0);
  auto entries = campaigns_.export_entries(*ctx.principal(), *id, member);
  if (!entries) return tl::unexpected(entries.error());
  return attachment(services::roster_csv(*entries), "text/csv; charset=utf-8",
                    member ? fmt::format("permanences-{}-membre-{}.csv", *id, member)
                           : fmt::format("permanences-{}.csv", *id));
}

Result<Response> RosterFeature::api_export_ics(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  const std::int64_t member = int_or(ctx.request.query_value("membre"), 0);
  auto c = campaigns_.get(*ctx.principal(), *id);
  if (!c) return tl::unexpected(c.error());
  auto entries = campaigns_.export_entries(*ctx.principal(), *id, member);
  if (!entries) return tl::unexpected(entries.error());
  // DTSTAMP: when the roster was last changed (stable between downloads of the same roster).
  std::string ts = c->updated_at;  // "2026-11-24T16:22:12.123Z"
  std::string dtstamp = ts.size() >= 19 ? ts.substr(0, 4) + ts.substr(5, 2) + ts.substr(8, 2) + "T" +
                                              ts.substr(11, 2) + ts.substr(14, 2) + ts.substr(17, 2) + "Z"
                                        : "20000101T000000Z";
  return attachment(services::roster_icalendar(*entries, c->name, dtstamp),
                    "text/calendar; charset=utf-8",
                    member ? fmt::format("permanences-{}-membre-{}.ics", *id, member)
                           : fmt::format("permanences-{}.ics", *id));
}

Result<Response> RosterFeature::api_export_xlsx(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  const std::int64_t member = int_or(ctx.request.query_value("membre"), 0);
  auto entries = campaigns_.export_entries(*ctx.principal(), *id, member);
  if (!entries) return tl::unexpected(entries.error());
  office::Sheet sheet;
  sheet.name = "Permanences";
  sheet.header = {"Date", "Début", "Fin", "Fin le lendemain", "Type", "Lieu", "Profession", "Membre"};
  for (const auto& e : *entries) {
    office::Date d{std::stoi(e.day.substr(0, 4)), std::stoi(e.day.substr(5, 2)), std::stoi(e.day.substr(8, 2))};
    sheet.rows.push_back({d, e.start_time, e.end_time, e.ends_next_day ? "oui" : "non",
                          services::slot_kind_label(e.kind), e.label, e.profession, e.member});
  }
  auto bytes = office::write_xlsx({sheet}, {"Planning des permanences", "Maillage", ""});
  if (!bytes) return tl::unexpected(bytes.error());
  return attachment(std::move(*bytes), std::string(office::kXlsxMediaType),
                    member ? fmt::format("permanences-{}-membre-{}.xlsx", *id, member)
                           : fmt::format("permanences-{}.xlsx", *id));
}

// -------------------------------------------------------------------------------------- Pages

Result<Response> RosterFeature::page_list(const RequestContext& ctx) {
  const auto& who = *ctx.principal();
  auto list = campaigns_.list(who);
  if (!list) return tl::unexpected(list.error());
  json rows = json::array();
  for (const auto& c : *list) {
    rows.push_back({{"id", c.id},
                    {"nom", c.name},
                    {"structure", c.structure_name},
                    {"statut", services::campaign_status_id(c.status)},
                    {"statut_libelle", services::campaign_status_label(c.status)},
                    {"periode", fmt::format("du {} au {}", services::french_long_date(c.first_day),
                                            services::french_long_date(c.last_day))},
                    {"creneaux", c.slots},
                    {"membres", c.members}});
  }
  json structures = json::array();
  if (who.role == Role::coordinator) {
    for (auto s : who.structures) structures.push_back({{"id", s}});
  }
  json data{{"titre", "Permanences"},
            {"campagnes", rows},
            {"a_campagnes", !rows.empty()},
            {"peut_creer", who.role == Role::coordinator && !who.structures.empty()},
            {"structures", structures}};
  auto html = site_.render_page("permanences", data, ctx);
  if (!html) return tl::unexpected(html.error());
  return Response::html(std::move(*html));
}

json RosterFeature::cell_json(std::int64_t campaign, const services::PlanSlot& s,
                              std::int64_t member, std::optional<services::SlotWish> wish,
                              bool editable) const {
  json buttons = json::array();
  for (auto w : {services::SlotWish::available, services::SlotWish::preferred,
                 services::SlotWish::unavailable}) {
    const char* label = w == services::SlotWish::available   ? "Disponible"
                        : w == services::SlotWish::preferred ? "Souhaité"
                                                             : "Indisponible";
    buttons.push_back({{"etat", services::slot_wish_id(w)},
                       {"libelle", label},
                       {"actif", wish && *wish == w},
                       {"vals", json{{"membre", member}, {"creneau", s.id},
                                     {"etat", (wish && *wish == w) ? "" : services::slot_wish_id(w)}}
                                    .dump()}});
  }
  return json{{"campagne", campaign},
              {"creneau", s.id},
              {"membre", member},
              {"date", short_date(s.day)},
              {"horaires", slot_hours(s)},
              {"titre", slot_title(s)},
              {"etat", wish ? services::slot_wish_id(*wish) : "sans-reponse"},
              {"modifiable", editable},
              {"boutons", std::move(buttons)}};
}

Result<std::string> RosterFeature::job_fragment(const services::Principal& who, std::int64_t id,
                                                bool polling, bool* finished) {
  auto job = campaigns_.latest_job(who, id);
  if (!job) return tl::unexpected(job.error());
  json data{{"campagne", id}, {"a_calcul", job->has_value()}};
  if (*job) {
    const auto& j = **job;
    const bool active = j.status == "queued" || j.status == "running";
    data["en_cours"] = active;
    data["statut"] = j.status;
    data["statut_libelle"] = j.status == "queued"    ? "en attente"
                             : j.status == "running" ? "en cours"
                             : j.status == "done"    ? "terminé"
                                                     : "échoué";
    data["echec"] = j.status == "failed";
    data["pourcentage"] = static_cast<int>(j.progress * 100 + 0.5);
    data["objectif"] = j.objective ? json(*j.objective) : json(nullptr);
    data["borne"] = j.lower_bound ? json(*j.lower_bound) : json(nullptr);
    data["message"] = j.message;
    data["temps_calcul"] = j.time_limit_seconds;
    if (finished) *finished = polling && !active;
  }
  return site_.templates.render("permanence_calcul", data);
}

Result<Response> RosterFeature::page_job(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  bool finished = false;
  auto html = job_fragment(*ctx.principal(), *id, ctx.request.query_value("suivi").has_value(),
                           &finished);
  if (!html) return tl::unexpected(html.error());
  Response r = Response::html(std::move(*html));
  // The job just ended: reload the page so that the roster and its figures show.
  if (finished) r.set_header("HX-Refresh", "true");
  r.set_header("Cache-Control", "no-store");
  return r;
}

Result<Response> RosterFeature::page_start_job(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto job = campaigns_.enqueue_solve(*ctx.principal(), *id);
  if (!job) return tl::unexpected(job.error());
  runner_.notify();
  auto html = job_fragment(*ctx.principal(), *id, false, nullptr);
  if (!html) return tl::unexpected(html.error());
  return Response::html(std::move(*html));
}

Result<Response> RosterFeature::page_cell(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto form = ctx.request.form();
  auto field = [&](const char* name) -> std::optional<std::string> {
    auto it = form.find(name);
    if (it == form.end()) return std::nullopt;
    return it->second;
  };
  const std::int64_t member = int_or(field("membre"), 0);
  const std::int64_t slot = int_or(field("creneau"), 0);
  auto wish = services::slot_wish_from_id(field("etat").value_or(""));
  auto st = campaigns_.set_availability(*ctx.principal(), *id, {{member, slot, wish}});
  if (!st) return tl::unexpected(st.error());
  auto c = campaigns_.get(*ctx.principal(), *id);
  if (!c) return tl::unexpected(c.error());
  auto s = std::find_if(c->plan.slots.begin(), c->plan.slots.end(),
                        [&](const services::PlanSlot& x) { return x.id == slot; });
  if (s == c->plan.slots.end()) return fail(ErrorCode::not_found, "Créneau introuvable.");
  auto html = site_.templates.render("permanence_cellule", cell_json(*id, *s, member, wish, true));
  if (!html) return tl::unexpected(html.error());
  return Response::html(std::move(*html));
}

Result<Response> RosterFeature::page_campaign(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  const auto& who = *ctx.principal();
  auto got = campaigns_.get(who, *id);
  if (!got) return tl::unexpected(got.error());
  const services::Campaign& c = *got;
  using S = services::CampaignStatus;

  std::map<std::int64_t, const services::PlanMember*> member_of;
  for (const auto& m : c.plan.members) member_of[m.id] = &m;
  std::map<std::int64_t, const services::PlanSlot*> slot_of;
  for (const auto& s : c.plan.slots) slot_of[s.id] = &s;

  // Availability grid: for the viewer's own member row, or the member a manager picked.
  std::int64_t grid_member = c.my_member_id;
  if (c.can_manage) {
    grid_member = int_or(ctx.request.query_value("membre"), c.my_member_id);
    if (!member_of.count(grid_member) && !c.plan.members.empty()) grid_member = c.plan.members.front().id;
  }
  const bool grid_editable =
      grid_member != 0 && ((c.can_manage && c.status != S::published) ||
                           (grid_member == c.my_member_id && c.status == S::collecting));
  json grid = json::array();
  if (grid_member != 0 && member_of.count(grid_member)) {
    std::map<std::int64_t, services::SlotWish> wishes;
    for (const auto& a : c.plan.availability) {
      if (a.member_id == grid_member) wishes[a.slot_id] = a.wish;
    }
    std::string current_day;
    for (const auto& s : c.plan.slots) {
      if (s.profession != member_of[grid_member]->profession) continue;
      auto w = wishes.find(s.id);
      json cell = cell_json(c.id, s, grid_member,
                            w == wishes.end() ? std::nullopt : std::optional{w->second}, grid_editable);
      auto html = site_.templates.render("permanence_cellule", cell);
      if (!html) return tl::unexpected(html.error());
      grid.push_back({{"html", *html}, {"jour", cell["date"]}, {"nouveau_jour", s.day != current_day}});
      current_day = s.day;
    }
  }
  json members = json::array();
  for (const auto& m : c.plan.members) {
    members.push_back({{"id", m.id},
                       {"nom", m.name},
                       {"profession", m.profession},
                       {"plafond", m.monthly_cap ? std::to_string(*m.monthly_cap) : std::string("—")},
                       {"compte", m.user_id != 0},
                       {"choisi", m.id == grid_member}});
  }

  // Review: slots with their people, fairness and open slots (from the check of the roster).
  json review = json::array();
  json loads = json::array();
  json open = json::array();
  json violations = json::array();
  double spread = 0;
  bool show_roster = !c.assignments.empty() || c.status == S::solved || c.status == S::published;
  if (show_roster && (c.can_manage || c.status == S::published)) {
    auto chk = campaigns_.check_current(who, c.id);
    if (!chk) return tl::unexpected(chk.error());
    std::map<std::int64_t, std::vector<std::int64_t>> people;
    for (const auto& a : c.assignments) people[a.slot_id].push_back(a.member_id);
    std::map<std::int64_t, int> missing;
    for (const auto& o : chk->open) missing[o.slot_id] = o.missing;
    // The last job's explanations of open slots, when the roster is still the job's.
    std::map<std::int64_t, std::string> why;
    if (c.can_manage) {
      if (auto job = campaigns_.latest_job(who, c.id); job && *job && (*job)->status == "done") {
        auto r = json::parse((*job)->result, nullptr, false);
        if (r.is_object() && r.contains("creneaux_ouverts")) {
          for (const auto& o : r["creneaux_ouverts"]) {
            why[o.value("creneau", std::int64_t{0})] = o.value("explication", std::string());
          }
        }
      }
    }
    for (const auto& s : c.plan.slots) {
      json names = json::array();
      for (auto m : people[s.id]) {
        names.push_back({{"id", m}, {"nom", member_of.count(m) ? member_of[m]->name : "?"},
                         {"moi", m == c.my_member_id}});
      }
      json candidates = json::array();
      for (const auto& m : c.plan.members) {
        if (m.profession == s.profession) candidates.push_back({{"id", m.id}, {"nom", m.name}});
      }
      review.push_back({{"id", s.id},
                        {"date", short_date(s.day)},
                        {"jour", s.day},
                        {"horaires", slot_hours(s)},
                        {"titre", slot_title(s)},
                        {"profession", s.profession},
                        {"nombre", s.required},
                        {"personnes", std::move(names)},
                        {"candidats", std::move(candidates)},
                        {"manquants", missing[s.id]},
                        {"incomplet", missing[s.id] > 0},
                        {"raison", why.count(s.id) ? why[s.id] : std::string()}});
    }
    for (const auto& l : chk->loads) {
      const auto* m = member_of.count(l.member_id) ? member_of[l.member_id] : nullptr;
      loads.push_back({{"nom", m ? m->name : "?"},
                       {"profession", m ? m->profession : ""},
                       {"creneaux", l.assigned},
                       {"heures", hours_text(l.hours)},
                       {"jours", l.available_days},
                       {"charge", fmt::format("{:.2f}", l.load)}});
    }
    for (const auto& o : chk->open) {
      const auto* s = slot_of[o.slot_id];
      open.push_back({{"date", short_date(s->day)},
                      {"titre", slot_title(*s)},
                      {"horaires", slot_hours(*s)},
                      {"profession", s->profession},
                      {"manquants", o.missing},
                      {"raison", why.count(o.slot_id) ? why[o.slot_id] : o.explanation}});
    }
    for (const auto& v : chk->violations) violations.push_back({{"message", v.message}});
    spread = chk->spread;
  }

  // Swaps: history, and what the viewer may propose on their own slots.
  json swaps = json::array();
  if (c.status == S::published || c.status == S::solved) {
    auto list = campaigns_.swaps(who, c.id);
    if (!list) return tl::unexpected(list.error());
    for (const auto& s : *list) {
      auto name = [&](std::int64_t m) { return member_of.count(m) ? member_of[m]->name : "?"; };
      const auto* slot = slot_of.count(s.slot_id) ? slot_of[s.slot_id] : nullptr;
      const auto* other = slot_of.count(s.other_slot_id) ? slot_of[s.other_slot_id] : nullptr;
      swaps.push_back(
          {{"id", s.id},
           {"version", s.version},
           {"texte",
            other ? fmt::format("{} cède {} {} à {} et reprend son {} {}", name(s.from_member_id),
                                slot ? short_date(slot->day) : "", slot ? slot_hours(*slot) : "",
                                name(s.to_member_id), short_date(other->day), slot_hours(*other))
                  : fmt::format("{} se fait remplacer par {} le {} {}", name(s.from_member_id),
                                name(s.to_member_id), slot ? short_date(slot->day) : "",
                                slot ? slot_hours(*slot) : "")},
           {"statut", s.status},
           {"statut_libelle", s.status == "proposee"    ? "proposé"
                              : s.status == "approuvee" ? "approuvé"
                                                        : "refusé"},
           {"a_decider", c.can_manage && s.status == "proposee"},
           {"commentaire", s.comment},
           {"propose_par", s.proposed_by},
           {"date", s.created_at.substr(0, 10)}});
    }
  }
  json my_slots = json::array();
  if (c.my_member_id != 0 && (c.status == S::published)) {
    const auto& me = *member_of[c.my_member_id];
    std::map<std::int64_t, std::vector<std::int64_t>> holders;
    for (const auto& a : c.assignments) holders[a.slot_id].push_back(a.member_id);
    for (const auto& a : c.assignments) {
      if (a.member_id != c.my_member_id) continue;
      const auto* s = slot_of[a.slot_id];
      json options = json::array();
      for (const auto& m : c.plan.members) {
        if (m.id == me.id || m.profession != me.profession) continue;
        options.push_back({{"valeur", fmt::format("{}:0", m.id)},
                           {"libelle", "Remplacement par " + m.name}});
      }
      for (const auto& b : c.assignments) {
        if (b.member_id == me.id || member_of[b.member_id]->profession != me.profession) continue;
        const auto* o = slot_of[b.slot_id];
        options.push_back({{"valeur", fmt::format("{}:{}", b.member_id, b.slot_id)},
                           {"libelle", fmt::format("Échange avec {} ({} {})", member_of[b.member_id]->name,
                                                   short_date(o->day), slot_hours(*o))}});
      }
      my_slots.push_back({{"creneau", s->id},
                          {"date", short_date(s->day)},
                          {"horaires", slot_hours(*s)},
                          {"titre", slot_title(*s)},
                          {"options", std::move(options)}});
    }
  }

  // Months of the period, for the printable grid.
  json months = json::array();
  if (auto first = services::parse_day(c.plan.settings.first_day),
      last = services::parse_day(c.plan.settings.last_day);
      first && last) {
    std::set<std::string> seen;
    for (int d = *first; d <= *last; ++d) {
      std::string m = services::format_day(d).substr(0, 7);
      if (seen.insert(m).second) months.push_back({{"mois", m}});
    }
  }
  const bool can_export = c.can_manage || c.status == S::published;
  json data{
      {"titre", c.name},
      {"campagne", campaign_json(c)},
      {"id", c.id},
      {"version", c.version},
      {"structure", c.structure_name},
      {"statut", services::campaign_status_id(c.status)},
      {"statut_libelle", services::campaign_status_label(c.status)},
      {"periode", fmt::format("du {} au {}", services::french_long_date(c.plan.settings.first_day),
                              services::french_long_date(c.plan.settings.last_day))},
      {"description", c.description},
      {"gerer", c.can_manage},
      {"brouillon", c.status == S::draft},
      {"collecte", c.status == S::collecting},
      {"resolu", c.status == S::solved},
      {"publie", c.status == S::published},
      {"peut_calculer", c.can_manage && (c.status == S::collecting || c.status == S::solved)},
      {"nombre_creneaux", c.plan.slots.size()},
      {"nombre_membres", c.plan.members.size()},
      {"membres", members},
      {"grille", grid},
      {"a_grille", !grid.empty()},
      {"grille_modifiable", grid_editable},
      {"grille_nom", member_of.count(grid_member) ? member_of[grid_member]->name : ""},
      {"grille_membre", grid_member},
      {"afficher_planning", !review.empty()},
      {"planning", review},
      {"modifiable", c.can_manage && c.status == S::solved},
      {"charges", loads},
      {"ecart", fmt::format("{:.2f}", spread)},
      {"ouverts", open},
      {"a_ouverts", !open.empty()},
      {"violations", violations},
      {"a_violations", !violations.empty()},
      {"echanges", swaps},
      {"a_echanges", !swaps.empty()},
      {"mes_creneaux", my_slots},
      {"a_mes_creneaux", !my_slots.empty()},
      {"mon_membre", c.my_member_id == 0 ? json(nullptr) : json(c.my_member_id)},
      {"exporter", can_export && !c.assignments.empty()},
      {"mois", months},
  };
  if (c.can_manage) {
    auto job = job_fragment(who, c.id, false, nullptr);
    if (!job) return tl::unexpected(job.error());
    data["calcul"] = *job;
  }
  auto html = site_.render_page("permanence", data, ctx);
  if (!html) return tl::unexpected(html.error());
  Response r = Response::html(std::move(*html));
  r.set_header("Cache-Control", "no-store");
  return r;
}

Result<Response> RosterFeature::page_grid(const RequestContext& ctx) {
  auto id = id_param(ctx, "id");
  if (!id) return tl::unexpected(id.error());
  auto got = campaigns_.get(*ctx.principal(), *id);
  if (!got) return tl::unexpected(got.error());
  const services::Campaign& c = *got;
  if (!c.can_manage && c.status != services::CampaignStatus::published) {
    return fail(ErrorCode::forbidden, "Le planning n'est pas encore publié.");
  }
  std::string month = ctx.request.query_value("mois").value_or(c.plan.settings.first_day.substr(0, 7));
  auto first = services::parse_day(month + "-01");
  if (!first) return fail(ErrorCode::invalid_input, "mois invalide (attendu AAAA-MM)", "mois");
  // Columns: one per (kind, place, hours, profession), in order of start time — the shape of
  // the Ordre's tableaux de garde (days as rows, sectors as columns, names in cells).
  using Col = std::tuple<std::string, std::string, std::string, std::string, bool, std::string>;
  std::map<Col, int> col_index;
  std::vector<Col> cols;
  for (const auto& s : c.plan.slots) {
    if (s.day.substr(0, 7) != month) continue;
    Col k{s.start_time, s.kind, s.label, s.end_time, s.ends_next_day, s.profession};
    if (!col_index.count(k)) {
      col_index[k] = 0;
      cols.push_back(k);
    }
  }
  std::sort(cols.begin(), cols.end());
  for (std::size_t i = 0; i < cols.size(); ++i) col_index[cols[i]] = static_cast<int>(i);
  std::map<std::int64_t, std::string> name_of;
  for (const auto& m : c.plan.members) name_of[m.id] = m.name;
  std::map<std::int64_t, std::vector<std::string>> people;
  for (const auto& a : c.assignments) people[a.slot_id].push_back(name_of[a.member_id]);
  std::map<std::pair<std::string, int>, std::vector<std::string>> cell;
  std::map<std::pair<std::string, int>, bool> exists;
  for (const auto& s : c.plan.slots) {
    if (s.day.substr(0, 7) != month) continue;
    int ci = col_index[Col{s.start_time, s.kind, s.label, s.end_time, s.ends_next_day, s.profession}];
    exists[{s.day, ci}] = true;
    for (auto& n : people[s.id]) cell[{s.day, ci}].push_back(n);
    for (int k = static_cast<int>(people[s.id].size()); k < s.required; ++k) {
      cell[{s.day, ci}].push_back("— à pourvoir —");
    }
  }
  json headers = json::array();
  for (const auto& k : cols) {
    headers.push_back({{"titre", services::slot_kind_label(std::get<1>(k)) +
                                     (std::get<2>(k).empty() ? "" : " — " + std::get<2>(k))},
                       {"horaires", std::get<0>(k) + "–" + std::get<3>(k)},
                       {"profession", std::get<5>(k)}});
  }
  json rows = json::array();
  for (int d = *first;; ++d) {
    std::string day = services::format_day(d);
    if (day.substr(0, 7) != month) break;
    json cells = json::array();
    for (std::size_t i = 0; i < cols.size(); ++i) {
      std::pair<std::string, int> key{day, static_cast<int>(i)};
      cells.push_back({{"noms", cell.count(key) ? cell[key] : std::vector<std::string>{}},
                       {"creneau", exists.count(key) > 0}});
    }
    const int wd = services::weekday_of_day(d);
    rows.push_back({{"date", short_date(day)}, {"weekend", wd >= 5}, {"cellules", std::move(cells)}});
  }
  static const char* const kMonths[] = {"janvier", "février", "mars", "avril", "mai", "juin",
                                        "juillet", "août", "septembre", "octobre", "novembre",
                                        "décembre"};
  int mnum = std::stoi(month.substr(5, 2));
  json data{{"titre", fmt::format("{} — {} {}", c.name, kMonths[mnum - 1], month.substr(0, 4))},
            {"id", c.id},
            {"campagne", c.name},
            {"structure", c.structure_name},
            {"mois_libelle", fmt::format("{} {}", kMonths[mnum - 1], month.substr(0, 4))},
            {"colonnes", headers},
            {"lignes", rows},
            {"a_colonnes", !cols.empty()},
            {"publie", c.status == services::CampaignStatus::published}};
  auto html = site_.render_page("permanence_tableau", data, ctx);
  if (!html) return tl::unexpected(html.error());
  return Response::html(std::move(*html));
}

}  // namespace

std::unique_ptr<Feature> make_roster_feature(const Site& site) {
  return std::make_unique<RosterFeature>(site);
}

}  // namespace maillage::http
