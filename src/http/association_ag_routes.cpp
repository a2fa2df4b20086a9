// Routes of the assemblées générales (services/association_ag.hpp): the JSON API under
// /api/v1/structures/{id}/association/assemblies and the French pages /associations/{id}/ag/…
// (list and creation, the AG with its agenda, convocations and proxies, the émargement with the
// live quorum, the votes with their arithmetic) and the downloads (convocation letters, address
// list, procès-verbal, iCalendar). Handlers parse, call one services::Assemblies method and
// answer; who sees what is the service's decision.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <tuple>

#include "common/csv.hpp"
#include "common/dates.hpp"
#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/association_http.hpp"
#include "http/feature.hpp"
#include "services/association_ag.hpp"
#include "services/association_work.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::AssociationAccess;
using services::Role;

std::shared_ptr<const JsonSchema> schema(JsonSchema s) {
  return std::make_shared<const JsonSchema>(std::move(s));
}

JsonSchema resolution_schema() {
  return json_object(
      "Une résolution de l'ordre du jour",
      {{"titre", true, json_string("Titre", 1, 300)},
       {"texte", false, json_string("Texte soumis au vote", 0, 20000)},
       {"type", false,
        json_enum("ordinaire, ou statuts (modification des statuts)", {"ordinaire", "statuts"})},
       {"scrutin", false, json_enum("À main levée ou secret", {"main_levee", "secret"})}});
}

std::vector<JsonProperty> assembly_properties(bool update) {
  std::vector<JsonProperty> p{
      {"type", false, json_enum("AG ordinaire ou extraordinaire", {"ordinaire", "extraordinaire"})},
      {"titre", false, json_string("Titre (vide : « Assemblée générale ordinaire AAAA »)", 0, 300)},
      {"date", true, json_string("Date AAAA-MM-JJ", 10, 10)},
      {"debut", false, json_string("Heure de début HH:MM (18:00 par défaut)", 5, 5)},
      {"fin", false, json_string("Heure de fin HH:MM (20:00 par défaut)", 5, 5)},
      {"lieu", false, json_string("Lieu", 0, 300)},
      {"convocation", false,
       json_enum("Première convocation, ou seconde après une AG sans quorum",
                 {"premiere", "seconde"})}};
  if (update) {
    p.push_back({"version", true, json_integer("Version lue de l'assemblée", 1)});
  } else {
    p.push_back({"resolutions", false, json_array("Ordre du jour", resolution_schema(), 100)});
  }
  return p;
}

const std::shared_ptr<const JsonSchema>& new_assembly_schema() {
  static const auto s =
      schema(json_object("Nouvelle assemblée générale", assembly_properties(false)));
  return s;
}
const std::shared_ptr<const JsonSchema>& assembly_change_schema() {
  static const auto s =
      schema(json_object("Modification d'une assemblée générale", assembly_properties(true)));
  return s;
}
const std::shared_ptr<const JsonSchema>& new_resolution_schema() {
  static const auto s = schema(resolution_schema());
  return s;
}
const std::shared_ptr<const JsonSchema>& convocation_schema() {
  static const auto s = schema(json_object(
      "Convocations : par e-mail (serveur SMTP du réglage smtp_url), ou lettres envoyées un jour "
      "donné",
      {{"mode", true, json_enum("email ou courrier", {"email", "courrier"})},
       {"date", false, json_string("Courrier : jour de l'envoi AAAA-MM-JJ", 10, 10)}}));
  return s;
}
const std::shared_ptr<const JsonSchema>& proxy_schema() {
  static const auto s =
      schema(json_object("Pouvoir : le mandant est représenté par le mandataire",
                         {{"mandataire", true, json_integer("Membre qui reçoit le pouvoir", 1)}}));
  return s;
}
const std::shared_ptr<const JsonSchema>& presence_schema() {
  static const auto s = schema(
      json_object("Émargement d'un membre",
                  {{"presence", true, json_enum("Présence", {"present", "excuse", "absent"})}}));
  return s;
}
const std::shared_ptr<const JsonSchema>& votes_schema() {
  static const auto s = schema(json_object(
      "Votes d'une résolution (remplacent les précédents) : un vote par membre présent ou "
      "représenté à main levée, ou les décomptes de l'urne par collège au scrutin secret",
      {{"votes", false,
        json_array("Votes nominatifs (main levée)",
                   json_object("Un vote", {{"membre", true, json_integer("Membre", 1)},
                                           {"vote", true,
                                            json_enum("Vote", {"pour", "contre", "abstention"})}}),
                   100000)},
       {"decomptes", false,
        json_array("Décomptes par collège (scrutin secret)",
                   json_object("Un collège",
                               {{"college", true, json_string("Collège", 1, 40)},
                                {"pour", true, json_integer("Pour", 0, 1000000)},
                                {"contre", true, json_integer("Contre", 0, 1000000)},
                                {"abstention", true, json_integer("Abstentions", 0, 1000000)}}),
                   50)}}));
  return s;
}

// Service field names → API names.
Error api_error(Error e) {
  static const std::pair<const char*, const char*> kNames[] = {{"held_on", "date"},
                                                               {"starts_at", "debut"},
                                                               {"ends_at", "fin"},
                                                               {"place", "lieu"},
                                                               {"title", "titre"},
                                                               {"kind", "type"},
                                                               {"resolution.title", "titre"},
                                                               {"resolution.body", "texte"},
                                                               {"resolution.kind", "type"},
                                                               {"resolution.ballot", "scrutin"},
                                                               {"sent_on", "date"},
                                                               {"presence", "presence"}};
  for (const auto& [from, to] : kNames) {
    if (e.field == from) e.field = to;
  }
  if (e.field.rfind("resolutions[", 0) == 0) {
    const auto dot = e.field.find("].");
    if (dot != std::string::npos) {
      const std::string leaf = e.field.substr(dot + 2);
      e.field = e.field.substr(0, dot + 2) + (leaf == "title"  ? "titre"
                                              : leaf == "body" ? "texte"
                                              : leaf == "kind" ? "type"
                                                               : "scrutin");
    }
  }
  return association_field_path(std::move(e));
}

services::AssemblyInput assembly_input(const json& b, services::AssemblyInput in = {}) {
  if (b.contains("type")) in.kind = b["type"];
  if (b.contains("titre")) in.title = b["titre"];
  if (b.contains("date")) in.held_on = b["date"];
  if (b.contains("debut")) in.starts_at = b["debut"];
  if (b.contains("fin")) in.ends_at = b["fin"];
  if (b.contains("lieu")) in.place = b["lieu"];
  if (b.contains("convocation"))
    in.convocation = b["convocation"] == "seconde" ? "second" : "first";
  if (b.contains("version")) in.expected_version = b["version"];
  if (b.contains("resolutions")) {
    for (const auto& r : b["resolutions"]) {
      services::ResolutionInput x;
      x.title = r["titre"];
      x.body = r.value("texte", "");
      x.kind = r.value("type", "ordinaire");
      x.ballot = r.value("scrutin", "main_levee") == "secret" ? "secret" : "public";
      in.resolutions.push_back(std::move(x));
    }
  }
  return in;
}

std::string presence_label(const std::string& a) {
  if (a == "present") return "présent";
  if (a == "represented") return "représenté";
  if (a == "excused") return "excusé";
  return "absent";
}

json summary_json(const services::AssemblySummary& s) {
  return json{{"id", s.id},
              {"type", s.kind},
              {"type_libelle", s.kind_label},
              {"extraordinaire", s.kind == "extraordinaire"},
              {"titre", s.title},
              {"date", s.held_on},
              {"date_texte", french_day(s.held_on)},
              {"debut", s.starts_at},
              {"fin", s.ends_at},
              {"lieu", s.place},
              {"convocation", s.convocation == "second" ? "seconde" : "premiere"},
              {"convocation_libelle", s.convocation_label},
              {"statut", s.status == "open"     ? "ouverte"
                         : s.status == "closed" ? "close"
                                                : "preparation"},
              {"statut_libelle", s.status_label},
              {"preparation", s.status == "preparation"},
              {"ouverte", s.status == "open"},
              {"close", s.status == "closed"},
              {"convoquee_le", s.convened_on},
              {"convoquee_le_texte", french_day(s.convened_on)},
              {"convoquee_par", s.convened_how},
              {"nombre_resolutions", s.resolutions},
              {"adoptees", s.adopted},
              {"version", s.version}};
}

json view_json(const services::AssemblyView& v) {
  json resolutions = json::array();
  for (const auto& r : v.resolutions) {
    json colleges = json::array(), votes = json::array(), counts = json::array();
    for (const auto& c : r.colleges) {
      colleges.push_back({{"college", c.college},
                          {"nom", c.name},
                          {"votants", c.voters},
                          {"pour", c.pour},
                          {"contre", c.contre},
                          {"abstention", c.abstention},
                          {"sans_vote", c.non_votants},
                          {"base", c.base},
                          {"part", c.weight},
                          {"compte", c.counted},
                          {"pour_pondere", c.counted ? c.weighted_pour : "—"}});
    }
    for (const auto& [member, ballot] : r.votes)
      votes.push_back({{"membre", member}, {"vote", ballot}});
    for (const auto& [college, n] : r.counts) {
      counts.push_back(
          {{"college", college}, {"pour", n[0]}, {"contre", n[1]}, {"abstention", n[2]}});
    }
    resolutions.push_back({{"id", r.id},
                           {"numero", r.position},
                           {"titre", r.title},
                           {"texte", r.body},
                           {"type", r.kind},
                           {"type_libelle", r.kind_label},
                           {"majorite", r.majority_label},
                           {"scrutin", r.secret ? "secret" : "main_levee"},
                           {"secret", r.secret},
                           {"a_des_votes", r.has_votes},
                           {"a_un_resultat", r.has_result},
                           {"probleme", r.result_problem},
                           {"adoptee", r.adopted},
                           {"issue", r.outcome},
                           {"explication", r.explanation},
                           {"arithmetique", r.arithmetic},
                           {"colleges", std::move(colleges)},
                           {"total_pour", r.total_pour},
                           {"total_contre", r.total_contre},
                           {"total_base", r.total_base},
                           {"seuil", r.threshold},
                           {"requis", r.required},
                           {"tete_pour", r.head_pour},
                           {"tete_contre", r.head_contre},
                           {"tete_abstention", r.head_abstention},
                           {"tete_base", r.head_base},
                           {"tete_adoptee", r.head_adopted},
                           {"pondere", r.weighted},
                           {"votes", std::move(votes)},
                           {"decomptes", std::move(counts)}});
  }
  json roll = json::array();
  for (const auto& e : v.roll) {
    roll.push_back({{"membre", e.member_id},
                    {"nom", e.name},
                    {"college", e.college},
                    {"college_nom", e.college_name},
                    {"presence", e.attendance == "excused" ? "excuse" : e.attendance},
                    {"presence_libelle", presence_label(e.attendance)},
                    {"emargement", e.mark == "excused" ? "excuse" : e.mark},
                    {"mandataire", e.holder_id},
                    {"mandataire_nom", e.holder_name},
                    {"pouvoirs_detenus", e.proxies_held},
                    {"moi", e.mine}});
  }
  json proxies = json::array();
  for (const auto& p : v.proxies) {
    proxies.push_back({{"mandant", p.giver_id},
                       {"mandant_nom", p.giver_name},
                       {"mandataire", p.holder_id},
                       {"mandataire_nom", p.holder_name},
                       {"en_ligne", p.online},
                       {"donne_le", french_day(p.given_at)},
                       {"donne_par", p.given_by},
                       {"accepte", p.accepted},
                       {"refus", p.refusal}});
  }
  json colleges = json::array();
  for (const auto& c : v.quorum.colleges) {
    colleges.push_back({{"college", c.college},
                        {"nom", c.name},
                        {"part", c.share},
                        {"membres", c.members},
                        {"presents", c.present},
                        {"representes", c.represented},
                        {"excuses", c.excused},
                        {"absents", c.absent},
                        {"taux", c.rate},
                        {"atteint", c.reached}});
  }
  json convocations = json::array();
  for (const auto& c : v.convocations) {
    convocations.push_back({{"envoye_le", c.sent_on},
                            {"envoye_le_texte", french_day(c.sent_on)},
                            {"par", c.sent_by},
                            {"canal", c.channel},
                            {"adresse", c.address},
                            {"membre", c.member_name},
                            {"statut", c.status},
                            {"statut_libelle", c.status == "sent"         ? "envoyée"
                                               : c.status == "failed"     ? "échec"
                                               : c.status == "no_address" ? "sans adresse"
                                                                          : "enregistré"},
                            {"detail", c.detail}});
  }
  json out{{"statuts", association_statuts_json(v.statuts)},
           {"ag", summary_json(v.assembly)},
           {"regles", v.rules},
           {"date_limite_convocation", v.convocation_deadline},
           {"date_limite_convocation_texte", french_day(v.convocation_deadline)},
           {"convocation_tardive", v.convocation_check},
           {"resolutions", std::move(resolutions)},
           {"liste", std::move(roll)},
           {"pouvoirs", std::move(proxies)},
           {"notes_liste", v.roll_notes},
           {"quorum",
            {{"regle", v.quorum.rule},
             {"membres", v.quorum.members},
             {"presents_ou_representes", v.quorum.present_or_represented},
             {"taux", v.quorum.rate},
             {"atteint", v.quorum.reached},
             {"atteint_texte", v.quorum.reached ? "oui" : "non"},
             {"explication", v.quorum.explanation},
             {"colleges", std::move(colleges)}}},
           {"convocations", std::move(convocations)},
           {"avec_email", v.with_email},
           {"sans_email", v.without_email},
           {"smtp", v.smtp},
           {"serveur_smtp", v.smtp_server}};
  if (v.me) {
    json holders = json::array();
    for (const auto& h : v.me->holders) holders.push_back({{"id", h.id}, {"libelle", h.label}});
    out["moi"] = {{"membre", v.me->member_id},
                  {"nom", v.me->name},
                  {"a_voix", v.me->on_roll},
                  {"raison", v.me->not_on_roll_reason},
                  {"mandataire", v.me->holder_id > 0 ? json(v.me->holder_id) : json(nullptr)},
                  {"mandataire_nom", v.me->holder_name},
                  {"mandataires", std::move(holders)},
                  {"peut_donner", v.me->may_give}};
  } else {
    out["moi"] = nullptr;
  }
  return out;
}

// The AG page's address for the online proxy, as the coordinator reached the site.
std::string page_link(const RequestContext& ctx, std::int64_t structure, std::int64_t ag) {
  const std::string origin = request_origin(ctx.request);
  if (origin.empty()) return "";
  return fmt::format("{}/associations/{}/ag/{}", origin, structure, ag);
}

Response download(std::string body, std::string type, const std::string& file_name) {
  Response r;
  r.content_type = std::move(type);
  r.body = std::move(body);
  r.set_header("Content-Disposition", fmt::format("attachment; filename=\"{}\"", file_name));
  r.set_header("Cache-Control", "private, no-store");
  return r;
}

// "20261207T120000Z": the iCalendar DTSTAMP of now.
std::string dtstamp_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                     tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

class AssemblyFeature final : public Feature {
 public:
  explicit AssemblyFeature(const Site& site) : site_(site), svc_(site.services.assemblies) {}

  void add_routes(RouteTable& table) override {
    // Reads: everyone signed in (the service answers by level); writes: admins, coordinators
    // and members (the service lets the bureau in, and a member give or withdraw their own
    // proxy only).
    const auto readers = AccessRule::authenticated();
    const auto writers = AccessRule::only({Role::admin, Role::coordinator, Role::member});
    auto bind = [this](Result<Response> (AssemblyFeature::*fn)(const RequestContext&)) {
      return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
    };
    const std::string base = "/api/v1/structures/{id}/association/assemblies";
    table.add("GET", base, readers, RouteKind::api, bind(&AssemblyFeature::api_list),
              "Assemblées générales de l'association, la plus récente d'abord");
    table
        .add("POST", base, writers, RouteKind::api, bind(&AssemblyFeature::api_create),
             "Crée une assemblée générale (date, heure, lieu, ordre du jour)")
        .body = new_assembly_schema();
    table.routes().back().success_status = 201;
    table.add("GET", base + "/{ag}", readers, RouteKind::api, bind(&AssemblyFeature::api_get),
              "Une assemblée : ordre du jour, règles des statuts, liste des votants et pouvoirs "
              "(gestion), quorum par collège, résultats avec leur calcul ; le membre y voit son "
              "pouvoir, ROC et ARS les seuls chiffres");
    table
        .add("PATCH", base + "/{ag}", writers, RouteKind::api, bind(&AssemblyFeature::api_update),
             "Modifie date, heures, lieu, type ou titre avant la séance (version lue requise)")
        .body = assembly_change_schema();
    table
        .add("POST", base + "/{ag}/resolutions", writers, RouteKind::api,
             bind(&AssemblyFeature::api_add_resolution),
             "Ajoute une résolution à l'ordre du jour (avant la séance)")
        .body = new_resolution_schema();
    table.routes().back().success_status = 201;
    table.add("DELETE", base + "/{ag}/resolutions/{resolution}", writers, RouteKind::api,
              bind(&AssemblyFeature::api_remove_resolution),
              "Retire une résolution de l'ordre du jour (avant la séance)");
    table
        .add("POST", base + "/{ag}/convocations", writers, RouteKind::api,
             bind(&AssemblyFeature::api_convocations),
             "Envoie les convocations par e-mail (SMTP), ou enregistre le jour d'envoi des "
             "lettres")
        .body = convocation_schema();
    table
        .add("PUT", base + "/{ag}/proxies/{mandant}", writers, RouteKind::api,
             bind(&AssemblyFeature::api_give_proxy),
             "Pouvoir du mandant à un autre membre (le membre donne le sien en ligne avant l'AG ; "
             "la gestion enregistre les pouvoirs papier), vérifié par les règles des statuts")
        .body = proxy_schema();
    table.add("DELETE", base + "/{ag}/proxies/{mandant}", writers, RouteKind::api,
              bind(&AssemblyFeature::api_withdraw_proxy), "Retire le pouvoir du mandant");
    table.add("POST", base + "/{ag}/opening", writers, RouteKind::api,
              bind(&AssemblyFeature::api_open),
              "Ouvre la séance : fige la liste des votants et les statuts, ouvre l'émargement");
    table
        .add("PUT", base + "/{ag}/attendance/{membre}", writers, RouteKind::api,
             bind(&AssemblyFeature::api_mark),
             "Émargement d'un membre (présent, excusé, absent) ; renvoie le quorum recalculé")
        .body = presence_schema();
    table
        .add("PUT", base + "/{ag}/resolutions/{resolution}/votes", writers, RouteKind::api,
             bind(&AssemblyFeature::api_votes),
             "Votes d'une résolution ; le résultat pondéré par collège et son calcul")
        .body = votes_schema();
    table.add("POST", base + "/{ag}/closure", writers, RouteKind::api,
              bind(&AssemblyFeature::api_close),
              "Clôt la séance : inscrit l'issue de chaque résolution ; plus rien ne change");

    const std::string page = "/associations/{id}/ag";
    table.add("GET", page, readers, RouteKind::page, bind(&AssemblyFeature::page_list),
              "Assemblées générales");
    table.add("GET", page + "/{ag}", readers, RouteKind::page, bind(&AssemblyFeature::page_ag),
              "Une assemblée générale : ordre du jour, convocations, pouvoirs");
    table.add("GET", page + "/{ag}/emargement", readers, RouteKind::page,
              bind(&AssemblyFeature::page_attendance),
              "Feuille d'émargement et quorum par collège");
    table.add("GET", page + "/{ag}/votes", readers, RouteKind::page,
              bind(&AssemblyFeature::page_votes), "Votes et résultats des résolutions");
    table.add("GET", page + "/{ag}/convocations.odt", readers, RouteKind::page,
              bind(&AssemblyFeature::letters_odt), "Lettres de convocation (ODT)");
    table.add("GET", page + "/{ag}/adresses.csv", readers, RouteKind::page,
              bind(&AssemblyFeature::addresses_csv), "Adresses des membres à convoquer (CSV)");
    table.add("GET", page + "/{ag}/proces-verbal.odt", readers, RouteKind::page,
              bind(&AssemblyFeature::minutes_odt), "Procès-verbal de l'assemblée (ODT)");
    table.add("GET", page + "/{ag}/ag.ics", readers, RouteKind::page,
              bind(&AssemblyFeature::assembly_ics), "L'assemblée au format iCalendar");
    table.add("GET", "/associations/{id}/calendrier.ics", readers, RouteKind::page,
              bind(&AssemblyFeature::calendar_ics),
              "Calendrier de l'association (assemblées et réunions des groupes de travail, "
              "iCalendar)");
  }

 private:
  Result<std::pair<std::int64_t, std::int64_t>> ids(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(association_id_param(ctx, "id", "Structure"));
    const std::int64_t ag = MAILLAGE_TRY(association_id_param(ctx, "ag", "Assemblée"));
    return std::pair<std::int64_t, std::int64_t>{id, ag};
  }

  static Result<Response> answer(Result<services::AssemblyView> v, int status = 200) {
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(view_json(*v), status);
  }

  Result<Response> api_list(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(association_id_param(ctx, "id", "Structure"));
    auto list = MAILLAGE_TRY(svc_.list(*ctx.principal(), id));
    json items = json::array();
    for (const auto& s : list.assemblies) items.push_back(summary_json(s));
    return json_no_store(
        json{{"statuts", association_statuts_json(list.statuts)}, {"assemblees", items}});
  }

  Result<Response> api_create(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(association_id_param(ctx, "id", "Structure"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *new_assembly_schema()));
    return answer(svc_.create(*ctx.principal(), id, assembly_input(body)), 201);
  }

  Result<Response> api_get(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    return answer(svc_.get(*ctx.principal(), id, ag));
  }

  Result<Response> api_update(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *assembly_change_schema()));
    auto current = MAILLAGE_TRY(svc_.get(*ctx.principal(), id, ag));
    services::AssemblyInput in;
    in.kind = current.assembly.kind;
    in.title = current.assembly.title;
    in.held_on = current.assembly.held_on;
    in.starts_at = current.assembly.starts_at;
    in.ends_at = current.assembly.ends_at;
    in.place = current.assembly.place;
    in.convocation = current.assembly.convocation;
    return answer(svc_.update(*ctx.principal(), id, ag, assembly_input(body, in)));
  }

  Result<Response> api_add_resolution(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *new_resolution_schema()));
    services::ResolutionInput in;
    in.title = body["titre"];
    in.body = body.value("texte", "");
    in.kind = body.value("type", "ordinaire");
    in.ballot = body.value("scrutin", "main_levee") == "secret" ? "secret" : "public";
    return answer(svc_.add_resolution(*ctx.principal(), id, ag, in), 201);
  }

  Result<Response> api_remove_resolution(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    const auto resolution = MAILLAGE_TRY(association_id_param(ctx, "resolution", "Résolution"));
    return answer(svc_.remove_resolution(*ctx.principal(), id, ag, resolution));
  }

  Result<Response> api_convocations(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *convocation_schema()));
    if (body["mode"] == "courrier") {
      return answer(svc_.record_letters(*ctx.principal(), id, ag,
                                        body.value("date", format_date(today_utc()))));
    }
    auto report = svc_.send_convocations(*ctx.principal(), id, ag, page_link(ctx, id, ag));
    if (!report) return tl::unexpected(api_error(report.error()));
    json out = view_json(report->view);
    out["envoi"] = {{"envoyees", report->sent},
                    {"echecs", report->failed},
                    {"sans_adresse", report->without_email},
                    {"detail_echecs", report->failures}};
    return json_no_store(out);
  }

  Result<Response> api_give_proxy(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    const auto giver = MAILLAGE_TRY(association_id_param(ctx, "mandant", "Mandant"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *proxy_schema()));
    return answer(
        svc_.give_proxy(*ctx.principal(), id, ag, giver, body["mandataire"].get<std::int64_t>()));
  }

  Result<Response> api_withdraw_proxy(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    const auto giver = MAILLAGE_TRY(association_id_param(ctx, "mandant", "Mandant"));
    return answer(svc_.withdraw_proxy(*ctx.principal(), id, ag, giver));
  }

  Result<Response> api_open(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    return answer(svc_.open(*ctx.principal(), id, ag));
  }

  Result<Response> api_mark(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    const auto member = MAILLAGE_TRY(association_id_param(ctx, "membre", "Membre"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *presence_schema()));
    const std::string p = body["presence"];
    return answer(svc_.mark(*ctx.principal(), id, ag, member, p == "excuse" ? "excused" : p));
  }

  Result<Response> api_votes(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    const auto resolution = MAILLAGE_TRY(association_id_param(ctx, "resolution", "Résolution"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *votes_schema()));
    services::VotesInput in;
    if (body.contains("votes")) {
      for (const auto& v : body["votes"]) {
        in.votes.emplace_back(v["membre"].get<std::int64_t>(), v["vote"].get<std::string>());
      }
    }
    if (body.contains("decomptes")) {
      for (const auto& c : body["decomptes"]) {
        in.counts.push_back({c["college"], c["pour"], c["contre"], c["abstention"]});
      }
    }
    return answer(svc_.record_votes(*ctx.principal(), id, ag, resolution, in));
  }

  Result<Response> api_close(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    return answer(svc_.close(*ctx.principal(), id, ag));
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

  Result<Response> page_list(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(association_id_param(ctx, "id", "Structure"));
    auto list = MAILLAGE_TRY(svc_.list(*ctx.principal(), id));
    json items = json::array();
    for (const auto& s : list.assemblies) items.push_back(summary_json(s));
    json data{{"statuts", association_statuts_json(list.statuts)},
              {"assemblees", items},
              {"a_assemblees", !list.assemblies.empty()},
              {"structure_id", id},
              {"date_proposee", format_date(add_days(today_utc(), 30))},
              {"titre", "Assemblées générales — " + list.statuts.structure_name}};
    add_level(data, list.statuts);
    return render("association_ag_liste", std::move(data), ctx);
  }

  json page_data(const services::AssemblyView& v, std::int64_t id) {
    json data = view_json(v);
    data["structure_id"] = id;
    add_level(data, v.statuts);
    data["a_resolutions"] = !v.resolutions.empty();
    data["a_pouvoirs"] = !v.proxies.empty();
    data["a_convocations"] = !v.convocations.empty();
    json voters = json::array();
    for (const auto& e : v.roll) {
      if (e.attendance == "present" || e.attendance == "represented") {
        voters.push_back({{"membre", e.member_id},
                          {"nom", e.name},
                          {"college_nom", e.college_name},
                          {"represente", e.attendance == "represented"},
                          {"mandataire_nom", e.holder_name}});
      }
    }
    data["votants"] = std::move(voters);
    return data;
  }

  Result<Response> page_ag(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    auto v = MAILLAGE_TRY(svc_.get(*ctx.principal(), id, ag));
    json data = page_data(v, id);
    data["titre"] = v.assembly.title + " — " + v.statuts.structure_name;
    // Without SMTP, the addresses to paste into a mail program.
    if (v.statuts.access == AssociationAccess::manage && !v.smtp) {
      auto letters = MAILLAGE_TRY(svc_.letters(*ctx.principal(), id, ag));
      json addresses = json::array();
      std::string all;
      for (const auto& l : letters) {
        addresses.push_back({{"nom", l.name}, {"email", l.email}, {"college", l.college}});
        if (!l.email.empty()) all += (all.empty() ? "" : "; ") + l.email;
      }
      data["adresses"] = std::move(addresses);
      data["adresses_texte"] = all;
    }
    data["aujourd_hui"] = format_date(today_utc());
    return render("association_ag", std::move(data), ctx);
  }

  // The pages of the coordination refuse the others before looking for the AG.
  Status require_manage(const RequestContext& ctx, std::int64_t id, const char* what) {
    if (MAILLAGE_TRY(site_.services.association.access(*ctx.principal(), id)) !=
        AssociationAccess::manage) {
      return fail(
          ErrorCode::forbidden,
          std::string(what) + " : réservé à la coordination et au bureau de l'association.");
    }
    return {};
  }

  Result<Response> page_attendance(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    MAILLAGE_CHECK(require_manage(ctx, id, "La feuille d'émargement"));
    auto v = MAILLAGE_TRY(svc_.get(*ctx.principal(), id, ag));
    json data = page_data(v, id);
    data["titre"] = "Émargement — " + v.assembly.title;
    return render("association_ag_emargement", std::move(data), ctx);
  }

  Result<Response> page_votes(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    auto v = MAILLAGE_TRY(svc_.get(*ctx.principal(), id, ag));
    json data = page_data(v, id);
    data["titre"] = "Votes — " + v.assembly.title;
    // Per resolution, each voter with their recorded ballot checked.
    for (auto& r : data["resolutions"]) {
      std::map<std::int64_t, std::string> ballot;
      for (const auto& x : r["votes"]) ballot[x["membre"].get<std::int64_t>()] = x["vote"];
      json rows = json::array();
      for (const auto& voter : data["votants"]) {
        const auto member = voter["membre"].get<std::int64_t>();
        json row = voter;
        row["resolution"] = r["id"];
        row["pour"] = ballot[member] == "pour";
        row["contre"] = ballot[member] == "contre";
        row["abstention"] = ballot[member] == "abstention";
        rows.push_back(std::move(row));
      }
      r["bulletins"] = std::move(rows);
      json counts = json::array();
      for (const auto& c : v.quorum.colleges) {
        json row{{"college", c.college},
                 {"nom", c.name},
                 {"votants", c.present + c.represented},
                 {"pour", 0},
                 {"contre", 0},
                 {"abstention", 0}};
        for (const auto& x : r["decomptes"]) {
          if (x["college"] == c.college) {
            row["pour"] = x["pour"];
            row["contre"] = x["contre"];
            row["abstention"] = x["abstention"];
          }
        }
        counts.push_back(std::move(row));
      }
      r["urne"] = std::move(counts);
    }
    return render("association_ag_votes", std::move(data), ctx);
  }

  Result<Response> letters_odt(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    MAILLAGE_CHECK(require_manage(ctx, id, "Les lettres de convocation"));
    auto odt = MAILLAGE_TRY(svc_.letters_odt(*ctx.principal(), id, ag, page_link(ctx, id, ag)));
    return download(std::move(odt), "application/vnd.oasis.opendocument.text",
                    fmt::format("convocations-ag-{}.odt", ag));
  }

  Result<Response> addresses_csv(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    MAILLAGE_CHECK(require_manage(ctx, id, "La liste des adresses"));
    auto letters = MAILLAGE_TRY(svc_.letters(*ctx.principal(), id, ag));
    std::string out = "\xEF\xBB\xBFnom;email;commune;college\r\n";
    for (const auto& l : letters) {
      out += csv::text_field(l.name, ';') + ";" + csv::field(l.email, ';') + ";" +
             csv::field(l.commune, ';') + ";" + csv::text_field(l.college, ';') + "\r\n";
    }
    return download(std::move(out), "text/csv; charset=utf-8",
                    fmt::format("adresses-ag-{}.csv", ag));
  }

  Result<Response> minutes_odt(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    auto odt = MAILLAGE_TRY(svc_.minutes_odt(*ctx.principal(), id, ag));
    return download(std::move(odt), "application/vnd.oasis.opendocument.text",
                    fmt::format("proces-verbal-ag-{}.odt", ag));
  }

  Result<Response> assembly_ics(const RequestContext& ctx) {
    auto [id, ag] = MAILLAGE_TRY(ids(ctx));
    auto events = MAILLAGE_TRY(svc_.events(*ctx.principal(), id, ag));
    auto statuts = MAILLAGE_TRY(site_.services.association.statuts(*ctx.principal(), id));
    return download(services::association_icalendar(events, statuts.structure_name, dtstamp_now()),
                    "text/calendar; charset=utf-8", fmt::format("ag-{}.ics", ag));
  }

  Result<Response> calendar_ics(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(association_id_param(ctx, "id", "Structure"));
    auto events = MAILLAGE_TRY(svc_.events(*ctx.principal(), id));
    // The working groups' meetings too.
    auto meetings = MAILLAGE_TRY(site_.services.association_work.events(*ctx.principal(), id));
    events.insert(events.end(), meetings.begin(), meetings.end());
    std::sort(events.begin(), events.end(),
              [](const services::CalendarEvent& a, const services::CalendarEvent& b) {
                return std::tie(a.day, a.start, a.uid) < std::tie(b.day, b.start, b.uid);
              });
    auto statuts = MAILLAGE_TRY(site_.services.association.statuts(*ctx.principal(), id));
    return download(services::association_icalendar(events, statuts.structure_name, dtstamp_now()),
                    "text/calendar; charset=utf-8",
                    fmt::format("calendrier-association-{}.ics", id));
  }

  const Site& site_;
  services::Assemblies& svc_;
};

}  // namespace

std::unique_ptr<Feature> make_association_ag_feature(const Site& site) {
  return std::make_unique<AssemblyFeature>(site);
}

}  // namespace maillage::http
