// Routes of the animation territoriale (services/animation.hpp): the JSON API under
// /api/v1/partners, /api/v1/actions and /api/v1/events, and the French pages /partenaires (the
// directory with search, filters, map and CSV export; one partner with its interactions, linked
// structures and map), /actions (the action plan of a territory or a structure; one action with
// its events) and /evenements/{id} (registrations, waiting list, émargement, attendance export in
// CSV and XLSX, the event as .ics). Handlers parse, call one services::Animation method and
// answer; who sees what is the service's decision.
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "common/csv.hpp"
#include "common/dates.hpp"
#include "common/try.hpp"
#include "common/uploads.hpp"
#include "http/answers.hpp"
#include "http/association_http.hpp"
#include "http/feature.hpp"
#include "http/message.hpp"
#include "http/web_app.hpp"
#include "office/xlsx.hpp"
#include "services/animation.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::Role;

std::shared_ptr<const JsonSchema> schema(JsonSchema s) {
  return std::make_shared<const JsonSchema>(std::move(s));
}

std::vector<std::string> ids_of(const std::vector<services::Choice>& list) {
  std::vector<std::string> out;
  for (const auto& c : list) out.push_back(c.id);
  return out;
}

std::vector<JsonProperty> partner_properties(bool update) {
  std::vector<JsonProperty> p{
      {"nom", true, json_string("Nom du partenaire", 1, 200)},
      {"type", true, json_enum("Type de partenaire", ids_of(services::partner_kinds()))},
      {"siren", false, json_string("SIREN (9 chiffres, clé de Luhn), ou vide", 0, 20)},
      {"finess", false, json_string("FINESS (9 caractères), ou vide", 0, 20)},
      {"adresse", false, json_string("Adresse", 0, 500)},
      {"courriel", false, json_string("Adresse électronique", 0, 254)},
      {"telephone", false, json_string("Téléphone", 0, 40)},
      {"notes", false, json_string("Notes", 0, 5000)},
      {"communes", false,
       json_array("Communes desservies (codes INSEE)", json_string("Code INSEE", 5, 5), 500)},
      {"structures", false,
       json_array("Structures du registre avec lesquelles il travaille",
                  json_integer("Structure", 1), 200)},
      {"contacts", false,
       json_array("Contacts",
                  json_object("Un contact", {{"nom", true, json_string("Nom", 1, 200)},
                                             {"fonction", false, json_string("Fonction", 0, 200)},
                                             {"courriel", false, json_string("Courriel", 0, 254)},
                                             {"telephone", false, json_string("Téléphone", 0, 40)}}),
                  50)},
      {"suivi_par", false, json_integer("Compte qui suit le partenaire (0 : personne)", 0)}};
  if (update) {
    p.push_back({"version", true, json_integer("Version lue du partenaire", 1)});
  } else {
    p.push_back({"departement", true, json_string("Département (code)", 2, 3)});
  }
  return p;
}
const std::shared_ptr<const JsonSchema>& new_partner_schema() {
  static const auto s = schema(json_object("Nouveau partenaire", partner_properties(false)));
  return s;
}
const std::shared_ptr<const JsonSchema>& partner_change_schema() {
  static const auto s =
      schema(json_object("Modification d'un partenaire (remplace tout)", partner_properties(true)));
  return s;
}
const std::shared_ptr<const JsonSchema>& interaction_schema() {
  static const auto s = schema(json_object(
      "Échange avec un partenaire",
      {{"type", true, json_enum("Type d'échange", ids_of(services::interaction_kinds()))},
       {"date", true, json_string("Date AAAA-MM-JJ", 10, 10)},
       {"objet", true, json_string("Objet", 1, 300)},
       {"notes", false, json_string("Notes", 0, 20000)},
       {"nom_fichier", false, json_string("Nom du document joint", 0, 255)},
       {"type_contenu", false, json_string("Type du document (application/pdf…)", 0, 200)},
       {"contenu_base64", false, json_string("Le document en base64", 0)}}));
  return s;
}
std::vector<JsonProperty> action_properties(bool update) {
  std::vector<JsonProperty> p{
      {"intitule", true, json_string("Intitulé", 1, 200)},
      {"type", true, json_enum("Type d'action", ids_of(services::action_kinds()))},
      {"porteur", false, json_string("Porteur de l'action", 0, 200)},
      {"public", false, json_string("Public visé", 0, 300)},
      {"debut", true, json_string("Début AAAA-MM-JJ", 10, 10)},
      {"fin", false, json_string("Fin AAAA-MM-JJ (défaut : le début)", 0, 10)},
      {"statut", false, json_enum("Statut", ids_of(services::action_statuses()))},
      {"personnes_prevues", false, json_integer("Personnes à toucher", 0, 10000000)},
      {"personnes_touchees", false,
       json_integer("Personnes touchées (-1 : pas encore connu)", -1, 10000000)},
      {"description", false, json_string("Description", 0, 10000)},
      {"partenaires", false, json_array("Partenaires associés", json_integer("Partenaire", 1), 200)}};
  if (update) {
    p.push_back({"version", true, json_integer("Version lue de l'action", 1)});
  } else {
    p.push_back({"departement", false, json_string("Territoire (département) d'une action du "
                                                   "territoire", 0, 3)});
    p.push_back({"structure", false, json_integer("Structure d'une action de structure", 0)});
  }
  return p;
}
const std::shared_ptr<const JsonSchema>& new_action_schema() {
  static const auto s = schema(json_object("Nouvelle action", action_properties(false)));
  return s;
}
const std::shared_ptr<const JsonSchema>& action_change_schema() {
  static const auto s = schema(json_object("Modification d'une action", action_properties(true)));
  return s;
}
std::vector<JsonProperty> event_properties(bool update) {
  std::vector<JsonProperty> p{{"intitule", true, json_string("Intitulé", 1, 200)},
                              {"date", true, json_string("Date AAAA-MM-JJ", 10, 10)},
                              {"debut", false, json_string("Heure de début HH:MM", 5, 5)},
                              {"fin", false, json_string("Heure de fin HH:MM", 5, 5)},
                              {"lieu", false, json_string("Lieu", 0, 300)},
                              {"capacite", true, json_integer("Nombre de places", 1, 10000)},
                              {"description", false, json_string("Description", 0, 10000)}};
  if (update) p.push_back({"version", true, json_integer("Version lue de l'événement", 1)});
  return p;
}
const std::shared_ptr<const JsonSchema>& new_event_schema() {
  static const auto s = schema(json_object("Nouvel événement", event_properties(false)));
  return s;
}
const std::shared_ptr<const JsonSchema>& event_change_schema() {
  static const auto s = schema(json_object(
      "Modification d'un événement (une capacité relevée fait monter la liste d'attente)",
      event_properties(true)));
  return s;
}
const std::shared_ptr<const JsonSchema>& registration_schema() {
  static const auto s = schema(json_object(
      "Inscription (un membre s'inscrit lui-même : corps vide)",
      {{"nom", false, json_string("Nom et prénom", 0, 200)},
       {"courriel", false, json_string("Adresse électronique", 0, 254)},
       {"categorie", false,
        json_enum("Catégorie", ids_of(services::registration_categories()))},
       {"organisation", false, json_string("Profession ou organisation", 0, 200)},
       {"partenaire", false, json_integer("Partenaire dont la personne fait partie (0 : aucun)", 0)}}));
  return s;
}
const std::shared_ptr<const JsonSchema>& empty_schema() {
  static const auto s = schema(json_object("Aucun champ", {}));
  return s;
}
const std::shared_ptr<const JsonSchema>& attendance_schema() {
  static const auto s = schema(json_object(
      "Émargement",
      {{"presences", true,
        json_array("Présence des personnes inscrites",
                   json_object("Une présence",
                               {{"inscription", true, json_integer("Inscription", 1)},
                                {"presence", true,
                                 json_enum("Présence (vide : non renseignée)",
                                           {"present", "absent", ""})}}),
                   10000)}}));
  return s;
}

// Service field names → API names.
Error api_error(Error e) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"name", "nom"},           {"kind", "type"},
      {"address", "adresse"},    {"email", "courriel"},
      {"phone", "telephone"},    {"follower_id", "suivi_par"},
      {"held_on", "date"},       {"title", "intitule"},
      {"document", "contenu_base64"}, {"document_type", "type_contenu"},
      {"document_name", "nom_fichier"}, {"structure_id", "structure"},
      {"owner", "porteur"},      {"target_public", "public"},
      {"starts_on", "debut"},    {"ends_on", "fin"},
      {"status", "statut"},      {"planned_reach", "personnes_prevues"},
      {"actual_reach", "personnes_touchees"}, {"starts_at", "debut"},
      {"ends_at", "fin"},        {"place", "lieu"},
      {"capacity", "capacite"},  {"category", "categorie"},
      {"partner_id", "partenaire"}};
  auto rename_leaf = [&](std::string& f) {
    for (const auto& [from, to] : kNames) {
      if (f == from) {
        f = to;
        return;
      }
    }
  };
  const auto dot = e.field.find("].");
  if (dot != std::string::npos) {
    std::string head = e.field.substr(0, dot + 1), leaf = e.field.substr(dot + 2);
    if (leaf == "role") leaf = "fonction";
    if (leaf == "registration_id") leaf = "inscription";
    if (leaf == "attendance") leaf = "presence";
    rename_leaf(leaf);
    if (head.rfind("marks[", 0) == 0) head = "presences" + head.substr(5);
    e.field = head + "." + leaf;
  } else if (e.field.rfind("partners[", 0) == 0) {
    e.field = "partenaires" + e.field.substr(8);
  } else {
    rename_leaf(e.field);
  }
  return association_field_path(std::move(e));
}
// Interactions name their title "objet".
Error interaction_error(Error e) {
  if (e.field == "title") e.field = "objet";
  return api_error(std::move(e));
}

json refs_json(const std::vector<services::Ref>& list) {
  json out = json::array();
  for (const auto& r : list) out.push_back({{"id", r.id}, {"libelle", r.label}});
  return out;
}

json choices_json(const std::vector<services::Choice>& list, const std::string& chosen = "") {
  json out = json::array();
  for (const auto& c : list) {
    out.push_back({{"id", c.id}, {"libelle", c.label}, {"choisi", c.id == chosen}});
  }
  return out;
}

json partner_summary_json(const services::PartnerSummary& p) {
  json communes = json::array();
  for (const auto& c : p.communes) communes.push_back(c.id);
  return json{{"id", p.id},
              {"nom", p.name},
              {"type", p.kind},
              {"type_libelle", p.kind_label},
              {"departement", p.departement},
              {"siren", p.siren},
              {"finess", p.finess},
              {"communes", std::move(communes)},
              {"communes_libelles", refs_json(p.communes)},
              {"structures", refs_json(p.structures)},
              {"suivi_par", p.follower_id},
              {"suivi_par_nom", p.follower_name},
              {"nombre_echanges", p.interactions},
              {"dernier_echange", p.last_interaction},
              {"dernier_echange_texte", french_day(p.last_interaction)},
              {"version", p.version}};
}

json interaction_json(const services::InteractionView& i) {
  return json{{"id", i.id},
              {"partenaire", i.partner_id},
              {"type", i.kind},
              {"type_libelle", i.kind_label},
              {"date", i.held_on},
              {"date_texte", french_day(i.held_on)},
              {"objet", i.title},
              {"notes", i.notes},
              {"a_document", i.has_document},
              {"nom_fichier", i.filename},
              {"type_contenu", i.content_type},
              {"taille", i.size},
              {"saisi_par", i.created_by},
              {"saisi_le", french_day(i.created_at)}};
}

json action_summary_json(const services::ActionSummary& a) {
  return json{{"id", a.id},
              {"departement", a.departement},
              {"structure", a.structure_id},
              {"structure_nom", a.structure_name},
              {"intitule", a.title},
              {"type", a.kind},
              {"type_libelle", a.kind_label},
              {"porteur", a.owner},
              {"public", a.target_public},
              {"debut", a.starts_on},
              {"fin", a.ends_on},
              {"debut_texte", french_day(a.starts_on)},
              {"fin_texte", french_day(a.ends_on)},
              {"statut", a.status},
              {"statut_libelle", a.status_label},
              {"personnes_prevues", a.planned_reach},
              {"personnes_touchees", a.actual_reach},
              {"touchees_connues", a.actual_reach >= 0},
              {"taux_atteinte", a.reach_percent},
              {"presents_evenements", a.present},
              {"nombre_evenements", a.events},
              {"partenaires", refs_json(a.partners)},
              {"version", a.version}};
}

json event_summary_json(const services::EventSummary& e) {
  return json{{"id", e.id},
              {"action", e.action_id},
              {"intitule", e.title},
              {"date", e.held_on},
              {"date_texte", french_day(e.held_on)},
              {"debut", e.starts_at},
              {"fin", e.ends_at},
              {"lieu", e.place},
              {"capacite", e.capacity},
              {"inscrits", e.confirmed},
              {"en_attente", e.waiting},
              {"presents", e.present},
              {"absents", e.absent},
              {"places_libres", std::max(0, e.capacity - e.confirmed)},
              {"passe", e.past},
              {"version", e.version}};
}

json registration_json(const services::RegistrationView& r) {
  return json{{"id", r.id},
              {"nom", r.name},
              {"courriel", r.email},
              {"categorie", r.category},
              {"categorie_libelle", r.category_label},
              {"organisation", r.organisation},
              {"partenaire_nom", r.partner_name},
              {"statut", r.place},
              {"statut_libelle", r.place_label},
              {"inscrit", r.place == "inscrit"},
              {"en_attente", r.place == "attente"},
              {"annule", r.place == "annule"},
              {"rang_attente", r.waiting_position},
              {"presence", r.attendance},
              {"present", r.attendance == "present"},
              {"absent", r.attendance == "absent"},
              {"moi", r.mine},
              {"version", r.version}};
}

json event_view_json(const services::EventView& v) {
  json regs = json::array();
  for (const auto& r : v.registrations) regs.push_back(registration_json(r));
  return json{{"action", action_summary_json(v.action)},
              {"evenement", event_summary_json(v.event)},
              {"description", v.description},
              {"inscriptions", std::move(regs)},
              {"peut_gerer", v.can_manage},
              {"peut_s_inscrire", v.can_register_self},
              {"mon_inscription", v.my_registration},
              {"mon_statut", v.my_place}};
}

json partner_view_json(const services::PartnerView& v) {
  json contacts = json::array(), interactions = json::array(), actions = json::array();
  for (const auto& c : v.contacts) {
    contacts.push_back(
        {{"nom", c.name}, {"fonction", c.role}, {"courriel", c.email}, {"telephone", c.phone}});
  }
  for (const auto& i : v.interactions) interactions.push_back(interaction_json(i));
  for (const auto& a : v.actions) actions.push_back(action_summary_json(a));
  return json{{"partenaire", partner_summary_json(v.partner)},
              {"adresse", v.address},
              {"courriel", v.email},
              {"telephone", v.phone},
              {"notes", v.notes},
              {"contacts", std::move(contacts)},
              {"echanges", std::move(interactions)},
              {"actions", std::move(actions)},
              {"cree_par", v.created_by},
              {"cree_le", french_day(v.created_at)},
              {"modifie_par", v.updated_by},
              {"modifie_le", french_day(v.updated_at)},
              {"peut_modifier", v.can_edit}};
}

json action_view_json(const services::ActionView& v) {
  json events = json::array();
  for (const auto& e : v.events) events.push_back(event_summary_json(e));
  return json{{"action", action_summary_json(v.action)},
              {"description", v.description},
              {"evenements", std::move(events)},
              {"cree_par", v.created_by},
              {"cree_le", french_day(v.created_at)},
              {"modifie_par", v.updated_by},
              {"modifie_le", french_day(v.updated_at)},
              {"peut_modifier", v.can_edit}};
}

services::PartnerInput partner_input(const json& b) {
  services::PartnerInput in;
  in.name = b.value("nom", "");
  in.kind = b.value("type", "");
  in.departement = b.value("departement", "");
  in.siren = b.value("siren", "");
  in.finess = b.value("finess", "");
  in.address = b.value("adresse", "");
  in.email = b.value("courriel", "");
  in.phone = b.value("telephone", "");
  in.notes = b.value("notes", "");
  if (b.contains("communes")) {
    for (const auto& c : b["communes"]) in.communes.push_back(c.get<std::string>());
  }
  if (b.contains("structures")) {
    for (const auto& s : b["structures"]) in.structures.push_back(s.get<std::int64_t>());
  }
  if (b.contains("contacts")) {
    for (const auto& c : b["contacts"]) {
      in.contacts.push_back({c.value("nom", ""), c.value("fonction", ""), c.value("courriel", ""),
                             c.value("telephone", "")});
    }
  }
  in.follower_id = b.value("suivi_par", std::int64_t{0});
  in.expected_version = b.value("version", std::int64_t{0});
  return in;
}

services::ActionInput action_input(const json& b) {
  services::ActionInput in;
  in.departement = b.value("departement", "");
  in.structure_id = b.value("structure", std::int64_t{0});
  in.title = b.value("intitule", "");
  in.kind = b.value("type", "");
  in.owner = b.value("porteur", "");
  in.target_public = b.value("public", "");
  in.starts_on = b.value("debut", "");
  in.ends_on = b.value("fin", "");
  in.status = b.value("statut", "prevue");
  in.planned_reach = static_cast<int>(b.value("personnes_prevues", std::int64_t{0}));
  in.actual_reach = static_cast<int>(b.value("personnes_touchees", std::int64_t{-1}));
  in.description = b.value("description", "");
  if (b.contains("partenaires")) {
    for (const auto& p : b["partenaires"]) in.partners.push_back(p.get<std::int64_t>());
  }
  in.expected_version = b.value("version", std::int64_t{0});
  return in;
}

services::EventInput event_input(const json& b) {
  services::EventInput in;
  in.title = b.value("intitule", "");
  in.held_on = b.value("date", "");
  in.starts_at = b.value("debut", "14:00");
  in.ends_at = b.value("fin", "17:00");
  in.place = b.value("lieu", "");
  in.capacity = static_cast<int>(b.value("capacite", std::int64_t{0}));
  in.description = b.value("description", "");
  in.expected_version = b.value("version", std::int64_t{0});
  return in;
}

Response download(std::string body, std::string type, const std::string& file_name) {
  Response r;
  r.content_type = std::move(type);
  r.body = std::move(body);
  r.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}\"", file_name));
  r.set_header("Cache-Control", "private, no-store");
  return r;
}

std::string dtstamp_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string presence_label(const std::string& a) {
  return a == "present" ? "présent" : a == "absent" ? "absent" : "non renseigné";
}

class AnimationFeature final : public Feature {
 public:
  explicit AnimationFeature(const Site& site) : site_(site), svc_(site.services.animation) {}

  void add_routes(RouteTable& table) override {
    const auto directory = AccessRule::only({Role::admin, Role::observer, Role::ars, Role::roc,
                                             Role::charge_de_mission, Role::coordinator});
    const auto writers =
        AccessRule::only({Role::admin, Role::ars, Role::roc, Role::charge_de_mission,
                          Role::coordinator});
    const auto registrants = AccessRule::only({Role::admin, Role::ars, Role::roc,
                                               Role::charge_de_mission, Role::coordinator,
                                               Role::member});
    const auto readers = AccessRule::authenticated();
    auto bind = [this](Result<Response> (AnimationFeature::*fn)(const RequestContext&)) {
      return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
    };
    table
        .add("GET", "/api/v1/partners", directory, RouteKind::api,
             bind(&AnimationFeature::api_partners),
             "Partenaires du périmètre (recherche par nom, type, commune, département)")
        .query = {{"q", "Partie du nom", false, false},
                  {"type", "Type de partenaire", false, false},
                  {"commune", "Code INSEE d'une commune desservie", false, false},
                  {"departement", "Département", false, false}};
    table
        .add("POST", "/api/v1/partners", writers, RouteKind::api,
             bind(&AnimationFeature::api_create_partner),
             "Crée un partenaire (type, SIREN/FINESS, communes desservies, structures, contacts)")
        .body = new_partner_schema();
    table.routes().back().success_status = 201;
    table.add("GET", "/api/v1/partners/{partenaire}", directory, RouteKind::api,
              bind(&AnimationFeature::api_partner),
              "Un partenaire, ses contacts, ses échanges et les actions qui le citent");
    table
        .add("PATCH", "/api/v1/partners/{partenaire}", writers, RouteKind::api,
             bind(&AnimationFeature::api_update_partner),
             "Modifie un partenaire (version lue requise)")
        .body = partner_change_schema();
    table
        .add("POST", "/api/v1/partners/{partenaire}/interactions", writers, RouteKind::api,
             bind(&AnimationFeature::api_add_interaction),
             "Enregistre un échange daté (réunion, convention, action cofinancée) avec un "
             "document joint facultatif (base64)")
        .body = interaction_schema();
    table.routes().back().success_status = 201;
    table.add("GET", "/api/v1/partners/{partenaire}/interactions/{echange}/document", directory,
              RouteKind::api, bind(&AnimationFeature::api_interaction_document),
              "Le document joint à un échange (téléchargement)");
    table
        .add("GET", "/api/v1/actions", readers, RouteKind::api,
             bind(&AnimationFeature::api_actions),
             "Plan d'actions d'un territoire (département) ou d'une structure")
        .query = {{"departement", "Département", false, false},
                  {"structure", "Structure", false, true}};
    table
        .add("POST", "/api/v1/actions", writers, RouteKind::api,
             bind(&AnimationFeature::api_create_action),
             "Crée une action (du territoire ou d'une structure)")
        .body = new_action_schema();
    table.routes().back().success_status = 201;
    table.add("GET", "/api/v1/actions/{action}", readers, RouteKind::api,
              bind(&AnimationFeature::api_action), "Une action et ses événements");
    table
        .add("PATCH", "/api/v1/actions/{action}", writers, RouteKind::api,
             bind(&AnimationFeature::api_update_action),
             "Modifie une action : statut, personnes touchées, partenaires (version lue requise)")
        .body = action_change_schema();
    table
        .add("POST", "/api/v1/actions/{action}/events", writers, RouteKind::api,
             bind(&AnimationFeature::api_create_event),
             "Ajoute un événement à une action (date, heures, lieu, capacité)")
        .body = new_event_schema();
    table.routes().back().success_status = 201;
    table.add("GET", "/api/v1/events/{evenement}", readers, RouteKind::api,
              bind(&AnimationFeature::api_event),
              "Un événement, ses inscriptions et sa liste d'attente (un membre : la sienne)");
    table
        .add("PATCH", "/api/v1/events/{evenement}", writers, RouteKind::api,
             bind(&AnimationFeature::api_update_event),
             "Modifie un événement (version lue requise)")
        .body = event_change_schema();
    table
        .add("POST", "/api/v1/events/{evenement}/registrations", registrants, RouteKind::api,
             bind(&AnimationFeature::api_register),
             "Inscrit une personne (place confirmée ou liste d'attente)")
        .body = registration_schema();
    table.routes().back().success_status = 201;
    table
        .add("POST", "/api/v1/events/{evenement}/registrations/{inscription}/cancellation",
             registrants, RouteKind::api, bind(&AnimationFeature::api_cancel),
             "Annule une inscription ; la première personne en attente prend la place")
        .body = empty_schema();
    table
        .add("PUT", "/api/v1/events/{evenement}/attendance", writers, RouteKind::api,
             bind(&AnimationFeature::api_attendance),
             "Émargement : présent ou absent pour chaque personne inscrite")
        .body = attendance_schema();

    table.add("GET", "/partenaires", directory, RouteKind::page,
              bind(&AnimationFeature::page_partners), "Partenaires");
    table.add("GET", "/partenaires/export.csv", directory, RouteKind::page,
              bind(&AnimationFeature::partners_csv), "Partenaires (CSV)");
    table.add("GET", "/partenaires/{partenaire}", directory, RouteKind::page,
              bind(&AnimationFeature::page_partner), "Un partenaire");
    table.add("GET", "/actions", readers, RouteKind::page, bind(&AnimationFeature::page_actions),
              "Plan d'actions");
    table.add("GET", "/actions/{action}", readers, RouteKind::page,
              bind(&AnimationFeature::page_action), "Une action et ses événements");
    table.add("GET", "/evenements/{evenement}", readers, RouteKind::page,
              bind(&AnimationFeature::page_event),
              "Un événement : inscriptions, liste d'attente, émargement");
    table.add("GET", "/evenements/{evenement}/emargement.csv", writers, RouteKind::page,
              bind(&AnimationFeature::attendance_csv), "Émargement (CSV)");
    table.add("GET", "/evenements/{evenement}/emargement.xlsx", writers, RouteKind::page,
              bind(&AnimationFeature::attendance_xlsx), "Émargement (XLSX)");
    table.add("GET", "/evenements/{evenement}/evenement.ics", readers, RouteKind::page,
              bind(&AnimationFeature::event_ics), "L'événement au format iCalendar");
  }

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    if (who.role == Role::member) return {{"Actions et événements", "/actions"}};
    return {{"Partenaires et actions", "/partenaires"}};
  }

 private:
  static Result<std::int64_t> param(const RequestContext& ctx, const char* name, const char* what) {
    return association_id_param(ctx, name, what);
  }

  services::PartnerFilter filter_of(const RequestContext& ctx) const {
    services::PartnerFilter f;
    f.q = ctx.request.query_value("q").value_or("");
    f.kind = ctx.request.query_value("type").value_or("");
    f.departement = ctx.request.query_value("departement").value_or("");
    std::string commune = ctx.request.query_value("commune").value_or("");
    // A commune given by its name: the best match of the référentiel.
    if (!commune.empty() && site_.ref.commune(commune) == nullptr) {
      auto found = site_.ref.search(commune, 1);
      if (!found.empty()) commune = site_.ref.communes[found.front()].code;
    }
    f.commune = commune;
    return f;
  }

  // API -----------------------------------------------------------------------------------------
  Result<Response> api_partners(const RequestContext& ctx) {
    auto list = MAILLAGE_TRY(svc_.partners(*ctx.principal(), filter_of(ctx)));
    json out = json::array();
    for (const auto& p : list.partners) out.push_back(partner_summary_json(p));
    return json_no_store(json{{"partenaires", std::move(out)}, {"peut_creer", list.can_create}});
  }
  Result<Response> api_create_partner(const RequestContext& ctx) {
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *new_partner_schema()));
    auto v = svc_.create_partner(*ctx.principal(), partner_input(body));
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(partner_view_json(*v), 201);
  }
  Result<Response> api_partner(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "partenaire", "Partenaire"));
    return json_no_store(partner_view_json(MAILLAGE_TRY(svc_.partner(*ctx.principal(), id))));
  }
  Result<Response> api_update_partner(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "partenaire", "Partenaire"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *partner_change_schema()));
    auto v = svc_.update_partner(*ctx.principal(), id, partner_input(body));
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(partner_view_json(*v));
  }
  Result<Response> api_add_interaction(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "partenaire", "Partenaire"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *interaction_schema()));
    services::InteractionInput in;
    in.kind = body["type"];
    in.held_on = body["date"];
    in.title = body["objet"];
    in.notes = body.value("notes", "");
    in.filename = body.value("nom_fichier", "");
    in.content_type = body.value("type_contenu", "");
    const std::string encoded = body.value("contenu_base64", "");
    if (!encoded.empty()) {
      auto bytes = encoded.size() % 4 == 0 ? base64::decode(encoded) : std::nullopt;
      if (!bytes) {
        return tl::unexpected(association_field_path(
            fail(ErrorCode::invalid_input, "Contenu base64 invalide.", "contenu_base64").value()));
      }
      in.bytes = std::move(*bytes);
    }
    auto v = svc_.add_interaction(*ctx.principal(), id, in, site_.options.max_body_bytes);
    if (!v) return tl::unexpected(interaction_error(v.error()));
    return json_no_store(interaction_json(*v), 201);
  }
  Result<Response> api_interaction_document(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "partenaire", "Partenaire"));
    const auto interaction = MAILLAGE_TRY(param(ctx, "echange", "Échange"));
    auto [info, bytes] =
        MAILLAGE_TRY(svc_.interaction_document(*ctx.principal(), id, interaction));
    return download(std::move(bytes), std::string(served_upload_type(info.content_type)),
                    safe_upload_filename(info.filename));
  }
  Result<services::ActionScope> scope_param(const RequestContext& ctx) const {
    services::ActionScope s;
    if (auto st = ctx.request.query_value("structure"); st && !st->empty()) {
      s.structure_id = MAILLAGE_TRY(parse_id(*st, "structure"));
      return s;
    }
    s.departement = ctx.request.query_value("departement").value_or("");
    const auto& who = *ctx.principal();
    if (s.departement.empty()) {
      if ((who.role == Role::coordinator || who.role == Role::member) && !who.structures.empty()) {
        s.structure_id = who.structures.front();
      } else {
        s.departement = site_.default_departement(&who);
      }
    }
    return s;
  }
  Result<Response> api_actions(const RequestContext& ctx) {
    const auto scope = MAILLAGE_TRY(scope_param(ctx));
    auto list = MAILLAGE_TRY(svc_.actions(*ctx.principal(), scope));
    json out = json::array();
    for (const auto& a : list.actions) out.push_back(action_summary_json(a));
    return json_no_store(
        json{{"perimetre", list.scope_label}, {"actions", std::move(out)}, {"peut_creer", list.can_create}});
  }
  Result<Response> api_create_action(const RequestContext& ctx) {
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *new_action_schema()));
    auto v = svc_.create_action(*ctx.principal(), action_input(body));
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(action_view_json(*v), 201);
  }
  Result<Response> api_action(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "action", "Action"));
    return json_no_store(action_view_json(MAILLAGE_TRY(svc_.action(*ctx.principal(), id))));
  }
  Result<Response> api_update_action(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "action", "Action"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *action_change_schema()));
    auto v = svc_.update_action(*ctx.principal(), id, action_input(body));
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(action_view_json(*v));
  }
  Result<Response> api_create_event(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "action", "Action"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *new_event_schema()));
    auto v = svc_.create_event(*ctx.principal(), id, event_input(body));
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(event_view_json(*v), 201);
  }
  Result<Response> api_event(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "evenement", "Événement"));
    return json_no_store(event_view_json(MAILLAGE_TRY(svc_.event(*ctx.principal(), id))));
  }
  Result<Response> api_update_event(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "evenement", "Événement"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *event_change_schema()));
    auto v = svc_.update_event(*ctx.principal(), id, event_input(body));
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(event_view_json(*v));
  }
  Result<Response> api_register(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "evenement", "Événement"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *registration_schema()));
    services::RegistrationInput in;
    in.name = body.value("nom", "");
    in.email = body.value("courriel", "");
    in.category = body.value("categorie", "professionnel");
    in.organisation = body.value("organisation", "");
    in.partner_id = body.value("partenaire", std::int64_t{0});
    auto v = svc_.register_person(*ctx.principal(), id, in);
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(registration_json(v->registration), 201);
  }
  Result<Response> api_cancel(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "evenement", "Événement"));
    const auto reg = MAILLAGE_TRY(param(ctx, "inscription", "Inscription"));
    MAILLAGE_TRY(read_json_body(ctx.request, *empty_schema()));
    auto v = svc_.cancel_registration(*ctx.principal(), id, reg);
    if (!v) return tl::unexpected(api_error(v.error()));
    json promoted = json::array();
    for (const auto& p : v->promoted) promoted.push_back(registration_json(p));
    return json_no_store(
        json{{"inscription", registration_json(v->registration)}, {"promus", std::move(promoted)}});
  }
  Result<Response> api_attendance(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "evenement", "Événement"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *attendance_schema()));
    std::vector<services::AttendanceMark> marks;
    for (const auto& m : body["presences"]) {
      marks.push_back({m["inscription"].get<std::int64_t>(), m["presence"].get<std::string>()});
    }
    auto v = svc_.mark_attendance(*ctx.principal(), id, marks);
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(event_view_json(*v));
  }

  // Pages ---------------------------------------------------------------------------------------
  Result<Response> render(const std::string& name, json data, const RequestContext& ctx) {
    return Response::html(
        MAILLAGE_TRY(site_.render_page(name, nullify_empty(std::move(data)), ctx)));
  }

  Result<Response> page_partners(const RequestContext& ctx) {
    const auto f = filter_of(ctx);
    auto list = MAILLAGE_TRY(svc_.partners(*ctx.principal(), f));
    json partners = json::array();
    std::map<std::string, int> served;  // commune → partners serving it
    for (const auto& p : list.partners) {
      partners.push_back(partner_summary_json(p));
      for (const auto& c : p.communes) ++served[c.id];
    }
    std::string map_dep = f.departement;
    if (map_dep.empty()) map_dep = site_.default_departement(ctx.principal());
    std::string served_text;
    for (const auto& [code, n] : served) {
      served_text += (served_text.empty() ? "" : ",") + code + ":" + std::to_string(n);
    }
    json deps = json::array();
    for (const auto& d : list.departements) {
      const auto* dep = site_.ref.departement(d);
      deps.push_back({{"code", d},
                      {"nom", dep ? dep->nom : d},
                      {"choisi", d == (f.departement.empty() ? map_dep : f.departement)}});
    }
    std::string query = "?q=" + url_encode(f.q) + "&type=" + url_encode(f.kind) +
                        "&commune=" + url_encode(f.commune) +
                        "&departement=" + url_encode(f.departement);
    json data{{"partenaires", std::move(partners)},
              {"a_partenaires", !list.partners.empty()},
              {"nombre", list.partners.size()},
              {"peut_creer", list.can_create},
              {"types", choices_json(services::partner_kinds(), f.kind)},
              {"types_creation", choices_json(services::partner_kinds())},
              {"suiveurs", choices_json(list.followers)},
              {"structures", choices_json(list.structures)},
              {"departements_creation", deps},
              {"q", f.q},
              {"commune", f.commune},
              {"departement", f.departement},
              {"carte_departement", map_dep},
              {"contours_url", fmt::format("/api/v1/contours/{}?niveau=departement", map_dep)},
              {"communes_desservies", served_text},
              {"export_url", "/partenaires/export.csv" + query},
              {"lien_actions", site_.may_open(ctx.principal(), "/actions")},
              {"titre", "Partenaires"},
              {"carte_page", true}};
    return render("partenaires", std::move(data), ctx);
  }

  Result<Response> partners_csv(const RequestContext& ctx) {
    auto list = MAILLAGE_TRY(svc_.partners(*ctx.principal(), filter_of(ctx)));
    std::string out = "\xEF\xBB\xBF";
    out += "id;nom;type;departement;siren;finess;communes;structures;suivi_par;echanges;"
           "dernier_echange\r\n";
    for (const auto& p : list.partners) {
      std::string communes, structures;
      for (const auto& c : p.communes) communes += (communes.empty() ? "" : " ") + c.id;
      for (const auto& s : p.structures) structures += (structures.empty() ? "" : ", ") + s.label;
      out += fmt::format("{};{};{};{};{};{};{};{};{};{};{}\r\n", p.id,
                         csv::text_field(p.name, ';'), csv::text_field(p.kind_label, ';'),
                         csv::field(p.departement, ';'), csv::field(p.siren, ';'),
                         csv::field(p.finess, ';'), csv::field(communes, ';'),
                         csv::text_field(structures, ';'), csv::text_field(p.follower_name, ';'),
                         p.interactions, csv::field(p.last_interaction, ';'));
    }
    return download(std::move(out), "text/csv; charset=utf-8", "partenaires.csv");
  }

  Result<Response> page_partner(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "partenaire", "Partenaire"));
    auto v = MAILLAGE_TRY(svc_.partner(*ctx.principal(), id));
    json data = partner_view_json(v);
    data["titre"] = v.partner.name;
    data["carte_page"] = true;  // Leaflet and the TopoJSON reader in the layout
    data["a_echanges"] = !v.interactions.empty();
    data["a_contacts"] = !v.contacts.empty();
    data["a_actions"] = !v.actions.empty();
    data["a_communes"] = !v.partner.communes.empty();
    data["a_structures"] = !v.partner.structures.empty();
    data["contours_url"] =
        fmt::format("/api/v1/contours/{}?niveau=departement", v.partner.departement);
    std::string served;
    std::string codes;
    for (const auto& c : v.partner.communes) {
      served += (served.empty() ? "" : ",") + c.id + ":1";
      codes += (codes.empty() ? "" : " ") + c.id;
    }
    data["communes_desservies"] = served;
    data["communes_codes"] = codes;
    data["types_echange"] = choices_json(services::interaction_kinds());
    data["types"] = choices_json(services::partner_kinds(), v.partner.kind);
    data["date_du_jour"] = format_date(today_utc());
    if (v.can_edit) {
      auto list = MAILLAGE_TRY(svc_.partners(*ctx.principal(), {}));
      json followers = json::array();
      for (const auto& c : list.followers) {
        followers.push_back({{"id", c.id},
                             {"libelle", c.label},
                             {"choisi", c.id == std::to_string(v.partner.follower_id)}});
      }
      data["suiveurs"] = std::move(followers);
      json structures = json::array();
      for (const auto& c : list.structures) {
        bool linked = false;
        for (const auto& s : v.partner.structures) linked = linked || s.id == c.id;
        structures.push_back({{"id", c.id}, {"libelle", c.label}, {"lie", linked}});
      }
      data["structures_choix"] = std::move(structures);
    }
    for (auto& a : data["actions"]) a["lien"] = true;
    return render("partenaire", std::move(data), ctx);
  }

  Result<Response> page_actions(const RequestContext& ctx) {
    const auto scope = MAILLAGE_TRY(scope_param(ctx));
    auto list = MAILLAGE_TRY(svc_.actions(*ctx.principal(), scope));
    json actions = json::array();
    for (const auto& a : list.actions) actions.push_back(action_summary_json(a));
    json upcoming = json::array();
    for (const auto& e : list.upcoming) upcoming.push_back(event_summary_json(e));
    json data{{"perimetre", list.scope_label},
              {"actions", std::move(actions)},
              {"a_actions", !list.actions.empty()},
              {"a_evenements", !list.upcoming.empty()},
              {"evenements", std::move(upcoming)},
              {"peut_creer", list.can_create},
              {"structure_id", scope.structure_id},
              {"de_structure", scope.structure_id > 0},
              {"departement", scope.departement},
              {"types", choices_json(services::action_kinds())},
              {"statuts", choices_json(services::action_statuses(), "prevue")},
              {"partenaires_choix", choices_json(list.partners)},
              {"structures_choix", choices_json(list.structures)},
              {"date_du_jour", format_date(today_utc())},
              {"lien_partenaires", site_.may_open(ctx.principal(), "/partenaires")},
              {"titre", "Plan d'actions — " + list.scope_label}};
    return render("actions", std::move(data), ctx);
  }

  Result<Response> page_action(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "action", "Action"));
    auto v = MAILLAGE_TRY(svc_.action(*ctx.principal(), id));
    json data = action_view_json(v);
    data["titre"] = v.action.title;
    data["a_evenements"] = !v.events.empty();
    data["types"] = choices_json(services::action_kinds(), v.action.kind);
    data["statuts"] = choices_json(services::action_statuses(), v.action.status);
    json partners = json::array();
    for (const auto& c : v.partner_choices) {
      bool linked = false;
      for (const auto& p : v.action.partners) linked = linked || p.id == c.id;
      partners.push_back({{"id", c.id}, {"libelle", c.label}, {"lie", linked}});
    }
    data["partenaires_choix"] = std::move(partners);
    data["personnes_touchees_texte"] =
        v.action.actual_reach >= 0 ? std::to_string(v.action.actual_reach) : "";
    data["date_proposee"] = format_date(add_days(today_utc(), 14));
    data["lien_partenaires"] = site_.may_open(ctx.principal(), "/partenaires");
    data["retour"] = v.action.structure_id > 0
                         ? fmt::format("/actions?structure={}", v.action.structure_id)
                         : "/actions?departement=" + v.action.departement;
    return render("action", std::move(data), ctx);
  }

  Result<Response> page_event(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "evenement", "Événement"));
    auto v = MAILLAGE_TRY(svc_.event(*ctx.principal(), id));
    json data = event_view_json(v);
    json confirmed = json::array(), waiting = json::array(), cancelled = json::array();
    for (const auto& r : v.registrations) {
      json j = registration_json(r);
      if (r.place == "inscrit") confirmed.push_back(std::move(j));
      else if (r.place == "attente") waiting.push_back(std::move(j));
      else cancelled.push_back(std::move(j));
    }
    data["a_inscrits"] = !confirmed.empty();
    data["a_attente"] = !waiting.empty();
    data["a_annules"] = !cancelled.empty();
    data["inscrits"] = std::move(confirmed);
    data["attente"] = std::move(waiting);
    data["annules"] = std::move(cancelled);
    data["categories"] = choices_json(services::registration_categories(), "professionnel");
    if (v.can_manage) {
      // A partner's staff may be registered with their organisation (the partners `who` sees).
      auto partners = MAILLAGE_TRY(svc_.partners(*ctx.principal(), {}));
      json choices = json::array();
      for (const auto& p : partners.partners) choices.push_back({{"id", p.id}, {"libelle", p.name}});
      data["partenaires_choix"] = std::move(choices);
    }
    data["titre"] = v.event.title;
    data["en_attente_moi"] = v.my_place == "attente";
    data["inscrit_moi"] = v.my_place == "inscrit";
    data["a_mon_inscription"] = v.my_registration > 0;
    return render("evenement", std::move(data), ctx);
  }

  Result<std::pair<services::EventView, std::vector<services::RegistrationView>>> attendance_lines(
      const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "evenement", "Événement"));
    auto v = MAILLAGE_TRY(svc_.event(*ctx.principal(), id));
    if (!v.can_manage) {
      return fail(ErrorCode::forbidden, "La feuille d'émargement est réservée aux organisateurs.");
    }
    std::vector<services::RegistrationView> lines;
    for (const auto& r : v.registrations) {
      if (r.place == "inscrit") lines.push_back(r);
    }
    return std::make_pair(std::move(v), std::move(lines));
  }

  Result<Response> attendance_csv(const RequestContext& ctx) {
    auto [v, lines] = MAILLAGE_TRY(attendance_lines(ctx));
    std::string out = "\xEF\xBB\xBF";
    out += "evenement;date;nom;courriel;categorie;organisation;presence\r\n";
    for (const auto& r : lines) {
      out += fmt::format("{};{};{};{};{};{};{}\r\n", csv::text_field(v.event.title, ';'),
                         v.event.held_on, csv::text_field(r.name, ';'), csv::field(r.email, ';'),
                         csv::text_field(r.category_label, ';'),
                         csv::text_field(r.organisation, ';'), presence_label(r.attendance));
    }
    return download(std::move(out), "text/csv; charset=utf-8",
                    fmt::format("emargement-{}.csv", v.event.id));
  }

  Result<Response> attendance_xlsx(const RequestContext& ctx) {
    auto [v, lines] = MAILLAGE_TRY(attendance_lines(ctx));
    office::Sheet sheet;
    sheet.name = "Émargement";
    sheet.header = {"Nom", "Courriel", "Catégorie", "Profession ou organisation", "Présence"};
    for (const auto& r : lines) {
      sheet.rows.push_back(
          {r.name, r.email, r.category_label, r.organisation, presence_label(r.attendance)});
    }
    office::WorkbookInfo info;
    info.title = "Émargement — " + v.event.title + " (" + v.event.held_on + ")";
    auto bytes = MAILLAGE_TRY(office::write_xlsx({std::move(sheet)}, info));
    return download(std::move(bytes), std::string(office::kXlsxMediaType),
                    fmt::format("emargement-{}.xlsx", v.event.id));
  }

  Result<Response> event_ics(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(param(ctx, "evenement", "Événement"));
    auto e = MAILLAGE_TRY(svc_.calendar_event(*ctx.principal(), id));
    return download(services::association_icalendar({e}, e.summary, dtstamp_now()),
                    "text/calendar; charset=utf-8", fmt::format("evenement-{}.ics", id));
  }

  const Site& site_;
  services::Animation& svc_;
};

}  // namespace

std::unique_ptr<Feature> make_animation_feature(const Site& site) {
  return std::make_unique<AnimationFeature>(site);
}

}  // namespace maillage::http
