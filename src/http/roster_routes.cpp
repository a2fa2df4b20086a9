// Routes of the permanences planner: the JSON API of planning campaigns under /api/v1/campaigns
// and the French pages under /permanences (campaign list, campaign page with availability grid,
// solve progress, review with live checks, swaps; printable monthly grid). The handlers live in
// the files listed in roster_feature.hpp; this one holds the table and the shared helpers.
#include <fmt/format.h>

#include <charconv>

#include "common/try.hpp"
#include "http/roster_feature.hpp"

namespace maillage::http {
namespace roster_http {

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

}  // namespace

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

RosterFeature::RosterFeature(const Site& site)
    : site_(site), campaigns_(site.services.roster), runner_(site.services.roster_jobs) {}

void RosterFeature::add_routes(RouteTable& t) {
  add_api_routes(t);
  add_page_routes(t);
}

void RosterFeature::add_api_routes(RouteTable& t) {
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
      "Statut",
      {{"statut", true, json_enum("Nouveau statut", {"brouillon", "collecte", "resolu", "publie"})},
       {"version", true, json_integer("Version lue", 1)}}));
  {
    Route& r = t.add("POST", base + "/{id}/slots", managers, RouteKind::api,
                     bind(&RosterFeature::api_add_slots), "Ajoute des créneaux (tous ou aucun)");
    r.body = schema(
        json_object("Créneaux", {{"version", true, json_integer("Version lue", 1)},
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
        json_array(
            "Cellules",
            json_object("Cellule", {{"membre", true, json_integer("Membre", 1)},
                                    {"creneau", true, json_integer("Créneau", 1)},
                                    {"etat", true,
                                     json_enum("État (vide : effacer)",
                                               {"disponible", "souhaite", "indisponible", ""})}}),
            5000)}}));
  t.add("PUT", base + "/{id}/members/{member}/cap", participants, RouteKind::api,
        bind(&RosterFeature::api_cap), "Plafond mensuel d'un membre (absent : aucun)")
      .body =
      schema(json_object("Plafond", {{"plafond_mensuel", false, json_integer("Plafond", 0, 31)}}));
  {
    Route& r =
        t.add("POST", base + "/{id}/jobs", managers, RouteKind::api,
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
  t.add("PUT", base + "/{id}/roster", managers, RouteKind::api,
        bind(&RosterFeature::api_save_roster),
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
      .body = schema(
      json_object("Décision", {{"decision", true, json_enum("Décision", {"approuver", "refuser"})},
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
}

void RosterFeature::add_page_routes(RouteTable& t) {
  const auto signed_in = AccessRule::authenticated();
  const auto managers = AccessRule::only({Role::admin, Role::coordinator});
  const auto participants = AccessRule::only({Role::admin, Role::coordinator, Role::member});
  t.add("GET", "/permanences", signed_in, RouteKind::page, bind(&RosterFeature::page_list),
        "Campagnes de permanences");
  t.add("GET", "/permanences/{id}", signed_in, RouteKind::page, bind(&RosterFeature::page_campaign),
        "Campagne : disponibilités, calcul, planning, échanges");
  t.add("POST", "/permanences/{id}/disponibilites", participants, RouteKind::page,
        bind(&RosterFeature::page_cell), "Saisie d'une disponibilité (fragment htmx)");
  t.add("POST", "/permanences/{id}/disponibilites/toutes", participants, RouteKind::page,
        bind(&RosterFeature::page_fill),
        "Saisie en une fois : tous les créneaux, ou ceux sans réponse, au même état");
  t.add("GET", "/permanences/{id}/calcul", managers, RouteKind::page,
        bind(&RosterFeature::page_job), "Progression du calcul (fragment htmx)");
  t.add("POST", "/permanences/{id}/calcul", managers, RouteKind::page,
        bind(&RosterFeature::page_start_job), "Lance le calcul (fragment htmx)");
  t.add("GET", "/permanences/{id}/tableau", signed_in, RouteKind::page,
        bind(&RosterFeature::page_grid), "Tableau mensuel imprimable du planning");
}

}  // namespace roster_http

std::unique_ptr<Feature> make_roster_feature(const Site& site) {
  return std::make_unique<roster_http::RosterFeature>(site);
}

}  // namespace maillage::http
