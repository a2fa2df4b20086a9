// Routes of the working groups and members' time (services/association_work.hpp): the JSON API
// under /api/v1/structures/{id}/association/groups, …/time and …/rates, and the French pages
// /associations/{id}/groupes/… (groups, one group with its meetings, one meeting with its
// attendance and minutes, the meeting as .ics) and /associations/{id}/temps/… (time entries,
// rates, validation, what remains under the cap; the yearly statement of a member as a page and
// ODT; the accountant's export as CSV and XLSX). Handlers parse, call one services::AssociationWork
// method and answer; who sees what is the service's decision.
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>

#include "common/csv.hpp"
#include "common/french.hpp"
#include "common/dates.hpp"
#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/association_http.hpp"
#include "http/feature.hpp"
#include "office/xlsx.hpp"
#include "services/association_work.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::AssociationAccess;
using services::Role;

std::shared_ptr<const JsonSchema> schema(JsonSchema s) {
  return std::make_shared<const JsonSchema>(std::move(s));
}

std::vector<JsonProperty> group_properties(bool update) {
  std::vector<JsonProperty> p{
      {"nom", true, json_string("Nom du groupe de travail", 1, 200)},
      {"mission", false,
       json_string("Mission de l'ACI servie (identifiant des règles), ou vide", 0, 60)},
      {"description", false, json_string("Description", 0, 5000)},
      {"membres", false,
       json_array(
           "Membres du groupe",
           json_object("Un membre", {{"membre", true, json_integer("Membre de l'association", 1)},
                                     {"role", false, json_enum("Rôle", {"pilote", "membre"})}}),
           500)}};
  if (update) p.push_back({"version", true, json_integer("Version lue du groupe", 1)});
  return p;
}
const std::shared_ptr<const JsonSchema>& new_group_schema() {
  static const auto s = schema(json_object("Nouveau groupe de travail", group_properties(false)));
  return s;
}
const std::shared_ptr<const JsonSchema>& group_change_schema() {
  static const auto s =
      schema(json_object("Modification d'un groupe de travail", group_properties(true)));
  return s;
}

std::vector<JsonProperty> meeting_properties(bool update) {
  std::vector<JsonProperty> p{
      {"date", true, json_string("Date AAAA-MM-JJ", 10, 10)},
      {"debut", false, json_string("Heure de début HH:MM (18:00 par défaut)", 5, 5)},
      {"fin", false, json_string("Heure de fin HH:MM (20:00 par défaut)", 5, 5)},
      {"lieu", false, json_string("Lieu", 0, 300)},
      {"objet", false, json_string("Objet de la réunion", 0, 500)},
      {"compte_rendu", false, json_string("Compte rendu", 0, 100000)},
      {"presences", false,
       json_array("Présence de chaque membre du groupe (absent par défaut)",
                  json_object(
                      "Une présence",
                      {{"membre", true, json_integer("Membre du groupe", 1)},
                       {"presence", true, json_enum("Présence", {"present", "excuse", "absent"})}}),
                  500)}};
  if (update) p.push_back({"version", true, json_integer("Version lue de la réunion", 1)});
  return p;
}
const std::shared_ptr<const JsonSchema>& new_meeting_schema() {
  static const auto s = schema(json_object("Nouvelle réunion", meeting_properties(false)));
  return s;
}
const std::shared_ptr<const JsonSchema>& meeting_change_schema() {
  static const auto s = schema(json_object("Modification d'une réunion (présences et compte rendu)",
                                           meeting_properties(true)));
  return s;
}
const std::shared_ptr<const JsonSchema>& rate_schema() {
  static const auto s = schema(json_object(
      "Taux horaire d'indemnisation d'une profession pour une année",
      {{"taux_centimes", true, json_integer("Taux horaire en centimes", 1, 100000)},
       {"source", false,
        json_string("Décision qui le fixe (bureau, AG, règlement intérieur)", 0, 500)},
       {"non_verifie", false,
        association_json_boolean("Saisi sans sa source : signalé non vérifié")},
       {"version", false, json_integer("Version lue (0 ou absent : nouveau taux)", 0)}}));
  return s;
}
const std::shared_ptr<const JsonSchema>& time_schema() {
  static const auto s = schema(json_object(
      "Temps consacré à la CPTS",
      {{"membre", false,
        json_integer("Membre (la coordination ; un membre déclare le sien, sans ce champ)", 1)},
       {"date", true, json_string("Jour AAAA-MM-JJ", 10, 10)},
       {"duree_minutes", true, json_integer("Durée en minutes (1 h 30 = 90)", 1, 1440)},
       {"activite", true, json_string("Activité", 1, 500)},
       {"mission", false, json_string("Mission de l'ACI, ou vide", 0, 60)},
       {"groupe", false, json_integer("Groupe de travail, ou 0", 0)}}));
  return s;
}
const std::shared_ptr<const JsonSchema>& time_change_schema() {
  static const auto s = schema(
      json_object("Modification d'une saisie de temps en attente (le membre reste le même)",
                  {{"date", true, json_string("Jour AAAA-MM-JJ", 10, 10)},
                   {"duree_minutes", true, json_integer("Durée en minutes (1 h 30 = 90)", 1, 1440)},
                   {"activite", true, json_string("Activité", 1, 500)},
                   {"mission", false, json_string("Mission de l'ACI, ou vide", 0, 60)},
                   {"groupe", false, json_integer("Groupe de travail, ou 0", 0)},
                   {"version", true, json_integer("Version lue de la saisie", 1)}}));
  return s;
}
const std::shared_ptr<const JsonSchema>& decision_schema() {
  static const auto s = schema(json_object(
      "Décision de la coordination sur une saisie de temps",
      {{"decision", true, json_enum("Valider ou refuser", {"valide", "refuse"})},
       {"note", false, json_string("Note au membre (obligatoire pour un refus)", 0, 1000)},
       {"version", true, json_integer("Version lue de la saisie", 1)}}));
  return s;
}

// Service field names → API names.
Error api_error(Error e) {
  static const std::pair<const char*, const char*> kNames[] = {{"name", "nom"},
                                                               {"held_on", "date"},
                                                               {"starts_at", "debut"},
                                                               {"ends_at", "fin"},
                                                               {"place", "lieu"},
                                                               {"subject", "objet"},
                                                               {"worked_on", "date"},
                                                               {"activity", "activite"},
                                                               {"group_id", "groupe"},
                                                               {"member_id", "membre"},
                                                               {"cents_per_hour", "taux_centimes"},
                                                               {"year", "annee"},
                                                               {"minutes", "compte_rendu"}};
  for (const auto& [from, to] : kNames) {
    if (e.field == from) e.field = to;
  }
  auto rename = [&](const std::string& list, const std::string& api) {
    if (e.field.rfind(list + "[", 0) != 0) return;
    std::string f = api + e.field.substr(list.size());
    const auto at = f.find("].member_id");
    if (at != std::string::npos) f = f.substr(0, at) + "].membre";
    e.field = f;
  };
  rename("members", "membres");
  rename("attendance", "presences");
  return association_field_path(std::move(e));
}
// The duration field of the time form is "duree_minutes" in the API.
Error time_error(Error e) {
  if (e.field == "minutes") e.field = "duree_minutes";
  return api_error(std::move(e));
}

std::string presence_api(const std::string& p) { return p == "excused" ? "excuse" : p; }
std::string presence_service(const std::string& p) { return p == "excuse" ? "excused" : p; }

services::GroupInput group_input(const json& b) {
  services::GroupInput in;
  in.name = b.value("nom", "");
  in.mission = b.value("mission", "");
  in.description = b.value("description", "");
  if (b.contains("membres")) {
    for (const auto& m : b["membres"]) {
      in.members.push_back({m["membre"].get<std::int64_t>(), m.value("role", "membre")});
    }
  }
  if (b.contains("version")) in.expected_version = b["version"];
  return in;
}

services::MeetingInput meeting_input(const json& b) {
  services::MeetingInput in;
  in.held_on = b.value("date", "");
  in.starts_at = b.value("debut", "18:00");
  in.ends_at = b.value("fin", "20:00");
  in.place = b.value("lieu", "");
  in.subject = b.value("objet", "");
  in.minutes = b.value("compte_rendu", "");
  if (b.contains("presences")) {
    for (const auto& a : b["presences"]) {
      in.attendance.push_back({a["membre"].get<std::int64_t>(), presence_service(a["presence"])});
    }
  }
  if (b.contains("version")) in.expected_version = b["version"];
  return in;
}

json summary_json(const services::GroupSummary& g) {
  return json{{"id", g.id},
              {"nom", g.name},
              {"mission", g.mission},
              {"mission_libelle", g.mission_label},
              {"description", g.description},
              {"nombre_membres", g.members},
              {"nombre_reunions", g.meetings},
              {"pilotes", g.pilots},
              {"prochaine_reunion", g.next_meeting},
              {"prochaine_reunion_texte", french_day(g.next_meeting)},
              {"version", g.version},
              {"modifie_par", g.updated_by},
              {"modifie_le", french_day(g.updated_at)}};
}

json meeting_summary_json(const services::MeetingSummary& m) {
  return json{{"id", m.id},
              {"groupe", m.group_id},
              {"date", m.held_on},
              {"date_texte", french_day(m.held_on)},
              {"debut", m.starts_at},
              {"fin", m.ends_at},
              {"lieu", m.place},
              {"objet", m.subject},
              {"presents", m.present},
              {"excuses", m.excused},
              {"absents", m.absent},
              {"a_un_compte_rendu", m.has_minutes},
              {"version", m.version}};
}

json group_view_json(const services::GroupView& v) {
  json members = json::array(), meetings = json::array();
  for (const auto& m : v.members) {
    members.push_back({{"membre", m.member_id},
                       {"nom", m.name},
                       {"role", m.role},
                       {"role_libelle", m.role_label},
                       {"pilote", m.role == "pilote"},
                       {"profession_libelle", m.profession_label}});
  }
  for (const auto& m : v.meetings) meetings.push_back(meeting_summary_json(m));
  return json{{"statuts", association_statuts_json(v.statuts)},
              {"groupe", summary_json(v.group)},
              {"membres", std::move(members)},
              {"reunions", std::move(meetings)},
              {"peut_saisir_reunions", v.can_edit_meetings},
              {"saisies_temps", v.time_entries},
              {"groupe_supprimable", v.time_entries == 0},
              {"presences_enregistrees", v.attendance_marks}};
}

json meeting_view_json(const services::MeetingView& v) {
  json attendance = json::array();
  for (const auto& a : v.attendance) {
    attendance.push_back({{"membre", a.member_id},
                          {"nom", a.name},
                          {"role_libelle", a.role_label},
                          {"presence", presence_api(a.presence)},
                          {"presence_libelle", a.presence_label}});
  }
  return json{{"statuts", association_statuts_json(v.statuts)},
              {"groupe", summary_json(v.group)},
              {"reunion", meeting_summary_json(v.meeting)},
              {"compte_rendu", v.minutes},
              {"presences", std::move(attendance)},
              {"cree_par", v.created_by},
              {"cree_le", french_day(v.created_at)},
              {"modifie_par", v.updated_by},
              {"modifie_le", french_day(v.updated_at)},
              {"peut_modifier", v.can_edit},
              {"peut_supprimer", v.can_delete}};
}

std::string status_api(const std::string& s) {
  return s == "validated" ? "valide" : s == "refused" ? "refuse" : "en_attente";
}

json rate_json(const services::RateView& r) {
  return json{{"annee", r.year},
              {"profession", r.profession},
              {"profession_libelle", r.profession_label},
              {"taux_centimes", r.cents_per_hour},
              {"taux_texte", r.amount_text},
              {"source", r.source},
              {"non_verifie", r.unverified},
              {"version", r.version},
              {"modifie_par", r.updated_by},
              {"modifie_le", french_day(r.updated_at)}};
}

json entry_json(const services::TimeEntryView& e) {
  return json{{"id", e.id},
              {"membre", e.member_id},
              {"membre_nom", e.member_name},
              {"profession_libelle", e.profession_label},
              {"date", e.worked_on},
              {"date_texte", french_day(e.worked_on)},
              {"duree_minutes", e.minutes},
              {"duree_texte", e.duration_text},
              {"activite", e.activity},
              {"mission", e.mission},
              {"mission_libelle", e.mission_label},
              {"groupe", e.group_id},
              {"groupe_nom", e.group_name},
              {"statut", status_api(e.status)},
              {"statut_libelle", e.status_label},
              {"en_attente", e.status == "pending"},
              {"montant_centimes", e.amount_cents},
              {"montant_texte", e.amount_text},
              {"taux_texte", e.rate_text},
              {"taux_non_verifie", e.rate_unverified},
              {"decide_par", e.decided_by},
              {"decide_le", french_day(e.decided_at)},
              {"note", e.decision_note},
              {"saisi_par", e.created_by},
              {"saisi_le", french_day(e.created_at)},
              {"version", e.version},
              {"moi", e.mine}};
}

json member_year_json(const services::MemberYear& y) {
  return json{{"membre", y.member_id},
              {"nom", y.name},
              {"profession_libelle", y.profession_label},
              {"valide_minutes", y.validated_minutes},
              {"valide_duree",
               fr::duration(y.validated_minutes)},
              {"valide_centimes", y.validated_cents},
              {"valide_texte", y.validated_text},
              {"en_attente_centimes", y.pending_cents},
              {"a_en_attente", y.pending_cents > 0},
              {"en_attente_texte", y.pending_text},
              {"plafond_centimes", y.cap_cents},
              {"reste_centimes", y.remaining_cents},
              {"reste_texte", y.remaining_text},
              {"probleme", y.problem}};
}

json time_json(const services::TimeOverview& t) {
  json rates = json::array(), entries = json::array(), members = json::array();
  for (const auto& r : t.rates) rates.push_back(rate_json(r));
  for (const auto& e : t.entries) entries.push_back(entry_json(e));
  for (const auto& m : t.members) members.push_back(member_year_json(m));
  return json{{"statuts", association_statuts_json(t.statuts)},
              {"annee", t.year},
              {"annees", t.years},
              {"plafond_centimes", t.pass_cents},
              {"plafond_texte", t.pass_text},
              {"plafond_source", t.pass_source},
              {"plafond_non_verifie", t.pass_unverified},
              {"plafond_probleme", t.pass_problem},
              {"taux", std::move(rates)},
              {"saisies", std::move(entries)},
              {"membres", std::move(members)},
              {"moi", t.me ? member_year_json(*t.me) : json(nullptr)},
              {"totaux",
               {{"saisies", t.totals.entries},
                {"en_attente", t.totals.pending},
                {"validees", t.totals.validated},
                {"refusees", t.totals.refused},
                {"membres", t.totals.members},
                {"valide_minutes", t.totals.validated_minutes},
                {"valide_duree", fr::duration(t.totals.validated_minutes)},
                {"valide_centimes", t.totals.validated_cents},
                {"valide_texte", t.totals.validated_text}}}};
}

json statement_json(const services::YearStatementView& s) {
  json entries = json::array(), rates = json::array();
  for (const auto& e : s.entries) entries.push_back(entry_json(e));
  for (const auto& r : s.rates) rates.push_back(rate_json(r));
  return json{{"association", s.association_name},
              {"membre", s.member_id},
              {"membre_nom", s.member_name},
              {"membre_detail", s.member_detail},
              {"annee", s.year},
              {"saisies", std::move(entries)},
              {"a_des_saisies", !s.entries.empty()},
              {"duree_texte", s.duration_text},
              {"total_centimes", s.total_cents},
              {"total_texte", s.total_text},
              {"plafond_texte", s.cap_text},
              {"reste_texte", s.remaining_text},
              {"source_plafond", s.pass_source},
              {"taux", std::move(rates)},
              {"emis_le_texte", french_day(s.issued_on)}};
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

// "?annee=2026" (0: this year); invalid_input when unreadable.
Result<int> year_param(const RequestContext& ctx) {
  const auto text = ctx.request.query_value("annee");
  if (!text || text->empty()) return 0;
  if (text->size() != 4 || text->find_first_not_of("0123456789") != std::string::npos) {
    return fail(ErrorCode::invalid_input, "Année attendue sur quatre chiffres.", "annee");
  }
  return std::stoi(*text);
}

class WorkFeature final : public Feature {
 public:
  explicit WorkFeature(const Site& site) : site_(site), svc_(site.services.association_work) {}

  void add_routes(RouteTable& table) override {
    // Reads: everyone signed in (the service answers by level); writes: admins, coordinators and
    // members (the service lets the bureau in, and a member record their own time only).
    const auto readers = AccessRule::authenticated();
    const auto writers = AccessRule::only({Role::admin, Role::coordinator, Role::member});
    auto bind = [this](Result<Response> (WorkFeature::*fn)(const RequestContext&)) {
      return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
    };
    const std::string base = "/api/v1/structures/{id}/association";
    table.add("GET", base + "/groups", readers, RouteKind::api, bind(&WorkFeature::api_groups),
              "Groupes de travail de l'association (ROC et ARS : sans nom de membre)");
    table
        .add("POST", base + "/groups", writers, RouteKind::api,
             bind(&WorkFeature::api_create_group),
             "Crée un groupe de travail (nom, mission de l'ACI, membres pilotes ou membres)")
        .body = new_group_schema();
    table.routes().back().success_status = 201;
    table.add("GET", base + "/groups/{groupe}", readers, RouteKind::api,
              bind(&WorkFeature::api_group), "Un groupe de travail, ses membres et ses réunions");
    table
        .add("PATCH", base + "/groups/{groupe}", writers, RouteKind::api,
             bind(&WorkFeature::api_update_group),
             "Modifie un groupe de travail et ses membres (version lue requise)")
        .body = group_change_schema();
    table
        .add("DELETE", base + "/groups/{groupe}", writers, RouteKind::api,
             bind(&WorkFeature::api_delete_group),
             "Supprime un groupe de travail, ses réunions, présences et comptes rendus (refusé "
             "tant que des saisies de temps le citent)")
        .query = {{"version", "Version lue du groupe", true, true}};
    table
        .add("POST", base + "/groups/{groupe}/meetings", writers, RouteKind::api,
             bind(&WorkFeature::api_create_meeting),
             "Ajoute une réunion (date, heures, lieu, objet, présences, compte rendu)")
        .body = new_meeting_schema();
    table.routes().back().success_status = 201;
    table.add("GET", base + "/groups/{groupe}/meetings/{reunion}", readers, RouteKind::api,
              bind(&WorkFeature::api_meeting), "Une réunion, ses présences et son compte rendu");
    table
        .add("PATCH", base + "/groups/{groupe}/meetings/{reunion}", writers, RouteKind::api,
             bind(&WorkFeature::api_update_meeting),
             "Modifie une réunion : présences, compte rendu (version lue requise ; la gestion et "
             "les pilotes du groupe)")
        .body = meeting_change_schema();
    table
        .add("DELETE", base + "/groups/{groupe}/meetings/{reunion}", writers, RouteKind::api,
             bind(&WorkFeature::api_delete_meeting),
             "Supprime une réunion avec ses présences et son compte rendu")
        .query = {{"version", "Version lue de la réunion", true, true}};
    table
        .add("GET", base + "/time", readers, RouteKind::api, bind(&WorkFeature::api_time),
             "Temps et indemnités d'une année : la gestion voit tout, le membre ses saisies, ROC "
             "et ARS les totaux")
        .query = {{"annee", "Année (défaut : l'année en cours)", false, true}};
    table
        .add("POST", base + "/time", writers, RouteKind::api, bind(&WorkFeature::api_record),
             "Déclare du temps ; refusé s'il ferait dépasser le plafond annuel (PASS)")
        .body = time_schema();
    table.routes().back().success_status = 201;
    table
        .add("PATCH", base + "/time/{saisie}", writers, RouteKind::api,
             bind(&WorkFeature::api_update_time),
             "Modifie une saisie de temps en attente (son membre ou la gestion), sous le plafond "
             "annuel")
        .body = time_change_schema();
    table
        .add("DELETE", base + "/time/{saisie}", writers, RouteKind::api,
             bind(&WorkFeature::api_withdraw_time),
             "Retire une saisie de temps en attente (son membre ou la gestion)")
        .query = {{"version", "Version lue de la saisie", true, true}};
    table
        .add("PUT", base + "/time/{saisie}/decision", writers, RouteKind::api,
             bind(&WorkFeature::api_decide),
             "Valide (sous le plafond annuel) ou refuse une saisie de temps")
        .body = decision_schema();
    table
        .add("PUT", base + "/rates/{annee}/{profession}", writers, RouteKind::api,
             bind(&WorkFeature::api_rate),
             "Taux horaire d'indemnisation d'une profession pour une année, avec sa source")
        .body = rate_schema();

    const std::string page = "/associations/{id}";
    table.add("GET", page + "/groupes", readers, RouteKind::page, bind(&WorkFeature::page_groups),
              "Groupes de travail");
    table.add("GET", page + "/groupes/{groupe}", readers, RouteKind::page,
              bind(&WorkFeature::page_group), "Un groupe de travail et ses réunions");
    table.add("GET", page + "/groupes/{groupe}/reunions/{reunion}", readers, RouteKind::page,
              bind(&WorkFeature::page_meeting), "Une réunion : présences et compte rendu");
    table.add("GET", page + "/groupes/{groupe}/reunions/{reunion}/reunion.ics", readers,
              RouteKind::page, bind(&WorkFeature::meeting_ics), "La réunion au format iCalendar");
    table.add("GET", page + "/temps", readers, RouteKind::page, bind(&WorkFeature::page_time),
              "Temps des membres et indemnités");
    table.add("GET", page + "/temps/releves/{membre}", readers, RouteKind::page,
              bind(&WorkFeature::page_statement), "Relevé annuel d'indemnités d'un membre");
    table.add("GET", page + "/temps/releves/{membre}/releve.odt", readers, RouteKind::page,
              bind(&WorkFeature::statement_odt), "Relevé annuel d'indemnités (ODT)");
    table.add("GET", page + "/temps/export.csv", readers, RouteKind::page,
              bind(&WorkFeature::export_csv),
              "Indemnités validées de l'année pour le comptable (CSV)");
    table.add("GET", page + "/temps/export.xlsx", readers, RouteKind::page,
              bind(&WorkFeature::export_xlsx),
              "Indemnités validées de l'année pour le comptable (XLSX)");
  }

 private:
  Result<std::int64_t> structure(const RequestContext& ctx) {
    return association_id_param(ctx, "id", "Structure");
  }

  Result<Response> api_groups(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    auto list = MAILLAGE_TRY(svc_.groups(*ctx.principal(), id));
    json groups = json::array();
    for (const auto& g : list.groups) groups.push_back(summary_json(g));
    return json_no_store(json{{"statuts", association_statuts_json(list.statuts)},
                              {"groupes", std::move(groups)},
                              {"missions", association_choices_json(list.missions)}});
  }

  Result<Response> api_create_group(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *new_group_schema()));
    auto v = svc_.create_group(*ctx.principal(), id, group_input(body));
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(group_view_json(*v), 201);
  }

  Result<Response> api_group(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto group = MAILLAGE_TRY(association_id_param(ctx, "groupe", "Groupe"));
    return json_no_store(group_view_json(MAILLAGE_TRY(svc_.group(*ctx.principal(), id, group))));
  }

  Result<Response> api_update_group(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto group = MAILLAGE_TRY(association_id_param(ctx, "groupe", "Groupe"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *group_change_schema()));
    auto v = svc_.update_group(*ctx.principal(), id, group, group_input(body));
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(group_view_json(*v));
  }

  Result<Response> api_create_meeting(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto group = MAILLAGE_TRY(association_id_param(ctx, "groupe", "Groupe"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *new_meeting_schema()));
    auto v = svc_.create_meeting(*ctx.principal(), id, group, meeting_input(body));
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(meeting_view_json(*v), 201);
  }

  Result<Response> api_meeting(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto group = MAILLAGE_TRY(association_id_param(ctx, "groupe", "Groupe"));
    const auto meeting = MAILLAGE_TRY(association_id_param(ctx, "reunion", "Réunion"));
    return json_no_store(
        meeting_view_json(MAILLAGE_TRY(svc_.meeting(*ctx.principal(), id, group, meeting))));
  }

  Result<Response> api_update_meeting(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto group = MAILLAGE_TRY(association_id_param(ctx, "groupe", "Groupe"));
    const auto meeting = MAILLAGE_TRY(association_id_param(ctx, "reunion", "Réunion"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *meeting_change_schema()));
    auto v = svc_.update_meeting(*ctx.principal(), id, group, meeting, meeting_input(body));
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(meeting_view_json(*v));
  }

  static Result<std::int64_t> version_query(const RequestContext& ctx) {
    return parse_id(ctx.request.query_value("version").value_or(""), "version");
  }
  // Deletions answer what was deleted (200, JSON) rather than 204, like the AG's DELETE routes, so
  // that the pages read one kind of answer.
  static Result<Response> deleted(const char* what, std::int64_t id) {
    return json_no_store(json{{"supprime", what}, {"id", id}});
  }

  Result<Response> api_delete_group(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto group = MAILLAGE_TRY(association_id_param(ctx, "groupe", "Groupe"));
    const auto version = MAILLAGE_TRY(version_query(ctx));
    if (auto done = svc_.delete_group(*ctx.principal(), id, group, version); !done) {
      return tl::unexpected(api_error(done.error()));
    }
    return deleted("groupe", group);
  }

  Result<Response> api_delete_meeting(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto group = MAILLAGE_TRY(association_id_param(ctx, "groupe", "Groupe"));
    const auto meeting = MAILLAGE_TRY(association_id_param(ctx, "reunion", "Réunion"));
    const auto version = MAILLAGE_TRY(version_query(ctx));
    if (auto done = svc_.delete_meeting(*ctx.principal(), id, group, meeting, version); !done) {
      return tl::unexpected(api_error(done.error()));
    }
    return deleted("reunion", meeting);
  }

  Result<Response> api_update_time(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto entry = MAILLAGE_TRY(association_id_param(ctx, "saisie", "Saisie"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *time_change_schema()));
    services::TimeEntryInput in;
    in.worked_on = body["date"];
    in.minutes = body["duree_minutes"];
    in.activity = body["activite"];
    in.mission = body.value("mission", "");
    in.group_id = body.value("groupe", std::int64_t{0});
    auto v = svc_.update_time(*ctx.principal(), id, entry, in, body["version"]);
    if (!v) return tl::unexpected(time_error(v.error()));
    return json_no_store(entry_json(*v));
  }

  Result<Response> api_withdraw_time(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto entry = MAILLAGE_TRY(association_id_param(ctx, "saisie", "Saisie"));
    const auto version = MAILLAGE_TRY(version_query(ctx));
    if (auto done = svc_.withdraw_time(*ctx.principal(), id, entry, version); !done) {
      return tl::unexpected(time_error(done.error()));
    }
    return deleted("saisie", entry);
  }

  Result<Response> api_time(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const int year = MAILLAGE_TRY(year_param(ctx));
    return json_no_store(time_json(MAILLAGE_TRY(svc_.time(*ctx.principal(), id, year))));
  }

  Result<Response> api_record(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *time_schema()));
    services::TimeEntryInput in;
    in.member_id = body.value("membre", std::int64_t{0});
    in.worked_on = body["date"];
    in.minutes = body["duree_minutes"];
    in.activity = body["activite"];
    in.mission = body.value("mission", "");
    in.group_id = body.value("groupe", std::int64_t{0});
    auto v = svc_.record_time(*ctx.principal(), id, in);
    if (!v) return tl::unexpected(time_error(v.error()));
    return json_no_store(entry_json(*v), 201);
  }

  Result<Response> api_decide(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto entry = MAILLAGE_TRY(association_id_param(ctx, "saisie", "Saisie"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *decision_schema()));
    services::Decision d;
    d.validate = body["decision"] == "valide";
    d.note = body.value("note", "");
    d.expected_version = body["version"];
    auto v = svc_.decide(*ctx.principal(), id, entry, d);
    if (!v) return tl::unexpected(time_error(v.error()));
    return json_no_store(entry_json(*v));
  }

  Result<Response> api_rate(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto year = MAILLAGE_TRY(association_id_param(ctx, "annee", "Année"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *rate_schema()));
    services::RateInput in;
    in.year = static_cast<int>(std::min<std::int64_t>(year, 100000));
    in.profession = ctx.request.param("profession");
    in.cents_per_hour = body["taux_centimes"];
    in.source = body.value("source", "");
    in.unverified = body.value("non_verifie", false);
    in.expected_version = body.value("version", std::int64_t{0});
    auto v = svc_.set_rate(*ctx.principal(), id, in);
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(rate_json(*v));
  }

  // Pages ---------------------------------------------------------------------------------------

  Result<Response> render(const std::string& name, json data, const RequestContext& ctx) {
    return Response::html(
        MAILLAGE_TRY(site_.render_page(name, nullify_empty(std::move(data)), ctx)));
  }

  static void add_level(json& data, const services::StatutsView& s) {
    data["gestion"] = s.access == AssociationAccess::manage;
    data["chiffres_seuls"] = s.access == AssociationAccess::aggregate;
    data["membre_seul"] = s.access == AssociationAccess::own;
  }

  static json missions_json(const std::vector<services::Choice>& list, const std::string& chosen) {
    json out = json::array();
    for (const auto& c : list) {
      out.push_back({{"id", c.id}, {"libelle", c.label}, {"choisi", c.id == chosen}});
    }
    return out;
  }

  Result<Response> page_groups(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    auto list = MAILLAGE_TRY(svc_.groups(*ctx.principal(), id));
    json groups = json::array();
    for (const auto& g : list.groups) {
      json j = summary_json(g);
      j["structure_id"] = id;
      groups.push_back(std::move(j));
    }
    json data{{"statuts", association_statuts_json(list.statuts)},
              {"groupes", std::move(groups)},
              {"a_groupes", !list.groups.empty()},
              {"missions", missions_json(list.missions, "")},
              {"candidats", association_choices_json(list.candidates)},
              {"structure_id", id},
              {"titre", "Groupes de travail — " + list.statuts.structure_name}};
    add_level(data, list.statuts);
    return render("association_groupes", std::move(data), ctx);
  }

  Result<Response> page_group(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto group = MAILLAGE_TRY(association_id_param(ctx, "groupe", "Groupe"));
    auto v = MAILLAGE_TRY(svc_.group(*ctx.principal(), id, group));
    json data = group_view_json(v);
    data["structure_id"] = id;
    data["titre"] = v.group.name + " — " + v.statuts.structure_name;
    data["missions"] = missions_json(v.missions, v.group.mission);
    data["a_reunions"] = !v.meetings.empty();
    data["a_membres"] = !v.members.empty();
    for (auto& m : data["reunions"]) m["structure_id"] = id;
    // The member choices of the edit form, with the group's members checked.
    json candidates = json::array();
    for (const auto& c : v.candidates) {
      std::string role;
      for (const auto& m : v.members) {
        if (std::to_string(m.member_id) == c.id) role = m.role;
      }
      candidates.push_back({{"id", c.id},
                            {"libelle", c.label},
                            {"dedans", !role.empty()},
                            {"pilote", role == "pilote"}});
    }
    data["candidats"] = std::move(candidates);
    data["date_proposee"] = format_date(add_days(today_utc(), 14));
    add_level(data, v.statuts);
    return render("association_groupe", std::move(data), ctx);
  }

  Result<Response> page_meeting(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto group = MAILLAGE_TRY(association_id_param(ctx, "groupe", "Groupe"));
    const auto meeting = MAILLAGE_TRY(association_id_param(ctx, "reunion", "Réunion"));
    auto v = MAILLAGE_TRY(svc_.meeting(*ctx.principal(), id, group, meeting));
    json data = meeting_view_json(v);
    data["structure_id"] = id;
    data["titre"] = "Réunion du " + french_day(v.meeting.held_on) + " — " + v.group.name;
    data["a_presences"] = !v.attendance.empty();
    for (auto& a : data["presences"]) {
      a["est_present"] = a["presence"] == "present";
      a["est_excuse"] = a["presence"] == "excuse";
      a["est_absent"] = a["presence"] == "absent";
    }
    add_level(data, v.statuts);
    return render("association_reunion", std::move(data), ctx);
  }

  Result<Response> meeting_ics(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto group = MAILLAGE_TRY(association_id_param(ctx, "groupe", "Groupe"));
    const auto meeting = MAILLAGE_TRY(association_id_param(ctx, "reunion", "Réunion"));
    auto v = MAILLAGE_TRY(svc_.meeting(*ctx.principal(), id, group, meeting));
    auto events = MAILLAGE_TRY(svc_.events(*ctx.principal(), id, meeting));
    return download(
        services::association_icalendar(events, v.statuts.structure_name, dtstamp_now()),
        "text/calendar; charset=utf-8", fmt::format("reunion-{}.ics", meeting));
  }

  Result<Response> page_time(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const int year = MAILLAGE_TRY(year_param(ctx));
    auto t = MAILLAGE_TRY(svc_.time(*ctx.principal(), id, year));
    json data = time_json(t);
    data["structure_id"] = id;
    data["titre"] = fmt::format("Temps et indemnités {} — {}", t.year, t.statuts.structure_name);
    json years = json::array();
    for (int y : t.years) years.push_back({{"annee", y}, {"choisie", y == t.year}});
    data["annees"] = std::move(years);
    data["a_saisies"] = !t.entries.empty();
    data["a_membres"] = !t.members.empty();
    data["a_taux"] = !t.rates.empty();
    for (auto& e : data["saisies"]) e["structure_id"] = id;
    for (auto& m : data["membres"]) m["structure_id"] = id;
    data["missions"] = missions_json(t.missions, "");
    data["groupes"] = association_choices_json(t.groups);
    data["professions"] = association_choices_json(t.professions);
    data["candidats"] = association_choices_json(t.candidates);
    data["aujourd_hui"] = format_date(today_utc());
    add_level(data, t.statuts);
    return render("association_temps", std::move(data), ctx);
  }

  Result<Response> page_statement(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto member = MAILLAGE_TRY(association_id_param(ctx, "membre", "Membre"));
    const int year = MAILLAGE_TRY(year_param(ctx));
    auto s = MAILLAGE_TRY(svc_.statement(*ctx.principal(), id, member, year));
    json data = statement_json(s);
    data["structure_id"] = id;
    data["titre"] = fmt::format("Relevé d'indemnités {} — {}", s.year, s.member_name);
    return render("association_releve", std::move(data), ctx);
  }

  Result<Response> statement_odt(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    const auto member = MAILLAGE_TRY(association_id_param(ctx, "membre", "Membre"));
    const int year = MAILLAGE_TRY(year_param(ctx));
    auto s = MAILLAGE_TRY(svc_.statement(*ctx.principal(), id, member, year));
    return download(MAILLAGE_TRY(services::statement_odt(s)),
                    "application/vnd.oasis.opendocument.text",
                    fmt::format("releve-indemnites-{}-membre-{}.odt", s.year, member));
  }

  static const std::vector<std::string>& export_header() {
    static const std::vector<std::string> h{
        "saisie",  "membre",        "nom",          "rpps",     "profession",
        "date",    "duree_minutes", "taux_horaire", "montant",  "activite",
        "mission", "groupe",        "valide_par",   "valide_le"};
    return h;
  }

  static std::string euros_plain(std::int64_t cents) {
    return fmt::format("{}{},{:02}", cents < 0 ? "-" : "", std::abs(cents) / 100,
                       std::abs(cents) % 100);
  }

  Result<Response> export_csv(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    int year = MAILLAGE_TRY(year_param(ctx));
    if (year == 0) year = static_cast<int>(today_utc().year());
    auto lines = MAILLAGE_TRY(svc_.accounting(*ctx.principal(), id, year));
    std::string out = "\xEF\xBB\xBF";
    const auto& h = export_header();
    for (std::size_t i = 0; i < h.size(); ++i) out += (i ? ";" : "") + h[i];
    out += "\r\n";
    for (const auto& l : lines) {
      out += fmt::format("{};{};{};{};{};{};{};{};{};{};{};{};{};{}\r\n", l.entry_id, l.member_id,
                         csv::text_field(l.member_name, ';'), csv::field(l.rpps, ';'),
                         csv::text_field(l.profession_label, ';'), l.worked_on, l.minutes,
                         euros_plain(l.cents_per_hour), euros_plain(l.amount_cents),
                         csv::text_field(l.activity, ';'), csv::text_field(l.mission_label, ';'),
                         csv::text_field(l.group_name, ';'), csv::field(l.decided_by, ';'),
                         csv::field(l.decided_at.substr(0, 10), ';'));
    }
    return download(std::move(out), "text/csv; charset=utf-8",
                    fmt::format("indemnites-{}-association-{}.csv", year, id));
  }

  Result<Response> export_xlsx(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(structure(ctx));
    int year = MAILLAGE_TRY(year_param(ctx));
    if (year == 0) year = static_cast<int>(today_utc().year());
    auto lines = MAILLAGE_TRY(svc_.accounting(*ctx.principal(), id, year));
    office::Sheet sheet;
    sheet.name = fmt::format("Indemnités {}", year);
    sheet.header = {
        "Saisie",          "Membre",           "Nom",         "RPPS",     "Profession", "Date",
        "Durée (minutes)", "Taux horaire (€)", "Montant (€)", "Activité", "Mission",    "Groupe",
        "Validé par",      "Validé le"};
    auto to_date = [](const std::string& day) -> office::Cell {
      auto d = parse_date(day.substr(0, std::min<std::size_t>(day.size(), 10)));
      if (!d) return office::Cell{};
      return office::Date{static_cast<int>(d->year()), static_cast<int>(unsigned(d->month())),
                          static_cast<int>(unsigned(d->day()))};
    };
    for (const auto& l : lines) {
      sheet.rows.push_back({l.entry_id, l.member_id, l.member_name, l.rpps, l.profession_label,
                            to_date(l.worked_on), l.minutes,
                            static_cast<double>(l.cents_per_hour) / 100.0,
                            static_cast<double>(l.amount_cents) / 100.0, l.activity,
                            l.mission_label, l.group_name, l.decided_by, to_date(l.decided_at)});
    }
    office::WorkbookInfo info;
    info.title = fmt::format("Indemnités validées {}", year);
    auto bytes = MAILLAGE_TRY(office::write_xlsx({std::move(sheet)}, info));
    return download(std::move(bytes), std::string(office::kXlsxMediaType),
                    fmt::format("indemnites-{}-association-{}.xlsx", year, id));
  }

  const Site& site_;
  services::AssociationWork& svc_;
};

}  // namespace

std::unique_ptr<Feature> make_association_work_feature(const Site& site) {
  return std::make_unique<WorkFeature>(site);
}

}  // namespace maillage::http
