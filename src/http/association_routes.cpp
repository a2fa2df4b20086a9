// Routes of association life (services/association.hpp): statuts, members with their history,
// member import (preview, then confirmation), as JSON under /api/v1/structures/{id}/association
// and as the French pages /associations/{id}/…. Handlers parse, call one services::Association
// method and answer; who sees what is the service's decision (managers, a member's own record,
// counts only for the steering roles).
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "common/csv.hpp"
#include "common/french.hpp"
#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/association_http.hpp"
#include "http/feature.hpp"
#include "services/association.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::AssociationAccess;
using services::Role;

std::vector<std::string> ids_of(const std::vector<services::Choice>& list) {
  std::vector<std::string> out;
  for (const auto& c : list) out.push_back(c.id);
  return out;
}

json choices_json(const std::vector<services::Choice>& list) {
  json out = json::array();
  for (const auto& c : list) out.push_back({{"id", c.id}, {"libelle", c.label}});
  return out;
}

// API names of the statuts options.
std::string weight_api(const std::string& s) {
  return s == "fixed_share" ? "parts_fixes" : "par_tete";
}
std::string period_api(const std::string& s) {
  return s == "rolling_12_months" ? "douze_mois_glissants" : "annee_civile";
}

JsonSchema json_boolean(std::string description) {
  JsonSchema s;
  s.type = JsonType::boolean;
  s.description = std::move(description);
  return s;
}

// The AG options of the statuts, by their API names.
const std::vector<std::pair<const char*, const char*>>& quorum_names() {
  static const std::vector<std::pair<const char*, const char*>> names{
      {"none", "aucun"},
      {"global", "global"},
      {"per_college", "par_college"},
      {"weighted", "pondere"}};
  return names;
}
const std::vector<std::pair<const char*, const char*>>& majority_names() {
  static const std::vector<std::pair<const char*, const char*>> names{
      {"simple", "simple"}, {"absolute", "absolue"}, {"two_thirds", "deux_tiers"}};
  return names;
}
std::string to_api(const std::vector<std::pair<const char*, const char*>>& names,
                   const std::string& v) {
  for (const auto& [ours, api] : names) {
    if (v == ours) return api;
  }
  return v;
}
std::string from_api(const std::vector<std::pair<const char*, const char*>>& names,
                     const std::string& v) {
  for (const auto& [ours, api] : names) {
    if (v == api) return ours;
  }
  return v;
}
std::vector<std::string> api_values(const std::vector<std::pair<const char*, const char*>>& names) {
  std::vector<std::string> out;
  for (const auto& n : names) out.emplace_back(n.second);
  return out;
}

JsonSchema quorum_schema(const char* description) {
  return json_object(
      description,
      {{"portee", true, json_enum("Portée du quorum", api_values(quorum_names()))},
       {"numerateur", false, json_integer("Fraction minimale : numérateur", 0, 1000)},
       {"denominateur", false, json_integer("Fraction minimale : dénominateur", 1, 1000)}});
}

JsonSchema ag_rules_schema() {
  return json_object(
      "Règles d'assemblée générale des statuts (absentes : celles déjà enregistrées)",
      {{"delai_convocation_jours", false,
        json_integer("Jours au moins entre la convocation et l'AG", 0, 366)},
       {"quorum_premiere", false, quorum_schema("Quorum en première convocation")},
       {"quorum_seconde", false, quorum_schema("Quorum en seconde convocation")},
       {"majorite_ordinaire", false,
        json_enum("Majorité des résolutions ordinaires", api_values(majority_names()))},
       {"majorite_statuts", false,
        json_enum("Majorité des modifications des statuts", api_values(majority_names()))},
       {"abstentions_exprimees", false,
        json_boolean("Les abstentions comptent parmi les suffrages exprimés")},
       {"college_sans_suffrage", false,
        json_enum("Part d'un collège sans suffrage (parts fixes)", {"redistribuee", "perdue"})},
       {"pouvoirs_max", false, json_integer("Pouvoirs par membre présent (0 : aucun)", 0, 100)},
       {"pouvoirs_meme_college", false,
        json_boolean("Un membre ne représente que des membres de son collège")},
       {"vote_cotisation_a_jour", false,
        json_boolean("Seuls les membres à jour de leur cotisation à la date de l'AG votent")}});
}

nlohmann::json ag_rules_json(const services::AgRules& a) {
  return nlohmann::json{
      {"delai_convocation_jours", a.convocation_days},
      {"quorum_premiere",
       {{"portee", to_api(quorum_names(), a.first_quorum)},
        {"numerateur", a.first_quorum_num},
        {"denominateur", a.first_quorum_den}}},
      {"quorum_seconde",
       {{"portee", to_api(quorum_names(), a.second_quorum)},
        {"numerateur", a.second_quorum_num},
        {"denominateur", a.second_quorum_den}}},
      {"majorite_ordinaire", to_api(majority_names(), a.ordinary_majority)},
      {"majorite_statuts", to_api(majority_names(), a.statuts_majority)},
      {"abstentions_exprimees", a.abstentions_expressed},
      {"college_sans_suffrage", a.empty_college_share == "lost" ? "perdue" : "redistribuee"},
      {"pouvoirs_max", a.proxy_max},
      {"pouvoirs_meme_college", a.proxy_same_college},
      {"vote_cotisation_a_jour", a.vote_requires_dues}};
}

// The body's "ag" over the stored rules: absent fields keep their value.
void read_ag_rules(const nlohmann::json& b, services::AgRules& a) {
  if (b.contains("delai_convocation_jours")) a.convocation_days = b["delai_convocation_jours"];
  auto quorum = [&](const char* key, std::string& scope, std::int64_t& num, std::int64_t& den) {
    if (!b.contains(key)) return;
    const auto& q = b[key];
    scope = from_api(quorum_names(), q["portee"].get<std::string>());
    if (q.contains("numerateur")) num = q["numerateur"];
    if (q.contains("denominateur")) den = q["denominateur"];
  };
  quorum("quorum_premiere", a.first_quorum, a.first_quorum_num, a.first_quorum_den);
  quorum("quorum_seconde", a.second_quorum, a.second_quorum_num, a.second_quorum_den);
  if (b.contains("majorite_ordinaire")) {
    a.ordinary_majority = from_api(majority_names(), b["majorite_ordinaire"]);
  }
  if (b.contains("majorite_statuts")) {
    a.statuts_majority = from_api(majority_names(), b["majorite_statuts"]);
  }
  if (b.contains("abstentions_exprimees")) a.abstentions_expressed = b["abstentions_exprimees"];
  if (b.contains("college_sans_suffrage")) {
    a.empty_college_share = b["college_sans_suffrage"] == "perdue" ? "lost" : "redistributed";
  }
  if (b.contains("pouvoirs_max")) a.proxy_max = b["pouvoirs_max"];
  if (b.contains("pouvoirs_meme_college")) a.proxy_same_college = b["pouvoirs_meme_college"];
  if (b.contains("vote_cotisation_a_jour")) a.vote_requires_dues = b["vote_cotisation_a_jour"];
}

std::shared_ptr<const JsonSchema> statuts_schema() {
  static const auto schema = std::make_shared<const JsonSchema>(json_object(
      "Statuts de l'association : collèges et règle de placement des membres",
      {{"version", true, json_integer("Version lue (0 pour une première saisie)", 0)},
       {"ponderation", true,
        json_enum("Poids des collèges dans les votes", {"par_tete", "parts_fixes"})},
       {"periode", true, json_enum("Période d'adhésion", {"annee_civile", "douze_mois_glissants"})},
       {"college_par_defaut", false,
        json_string("Collège des professions qu'aucune règle ne nomme (vide : aucun)", 0, 40)},
       {"colleges", true,
        json_array(
            "Collèges, dans l'ordre d'affichage",
            json_object(
                "Un collège",
                {{"id", true, json_string("Clé stable (« medecins »)", 1, 40)},
                 {"nom", true, json_string("Nom affiché", 1, 120)},
                 {"part_numerateur", false, json_integer("Part (parts fixes) : numérateur", 0)},
                 {"part_denominateur", false, json_integer("Part (parts fixes) : dénominateur", 1)},
                 {"professions", false,
                  json_array(
                      "Codes profession RPPS placés dans ce collège",
                      json_enum("Code profession", ids_of(services::association_professions())),
                      20)},
                 {"personnes_morales", false,
                  json_array("Types de personnes morales placés dans ce collège",
                             json_enum("Type", ids_of(services::association_legal_kinds())), 20)}}),
            20)},
       {"ag", false, ag_rules_schema()}}));
  return schema;
}

std::vector<JsonProperty> member_properties(bool update) {
  std::vector<JsonProperty> p{
      {"type", !update, json_enum("Personne physique ou morale", {"personne", "personne_morale"})},
      {"nom", false, json_string("Nom (personne)", 0, 200)},
      {"prenom", false, json_string("Prénom", 0, 200)},
      {"raison_sociale", false, json_string("Raison sociale (personne morale)", 0, 200)},
      {"type_personne_morale", false,
       json_enum("Type de personne morale",
                 [] {
                   auto v = ids_of(services::association_legal_kinds());
                   v.insert(v.begin(), "");
                   return v;
                 }())},
      {"representant", false, json_string("Représentant (personne morale)", 0, 200)},
      {"profession", false, json_string("Code profession RPPS", 0, 4)},
      {"rpps", false, json_string("Numéro RPPS (11 chiffres)", 0, 11)},
      {"mode_exercice", false, json_string("libéral, salarié ou mixte", 0, 20)},
      {"commune", false, json_string("Code INSEE de la commune d'exercice", 0, 5)},
      {"email", false, json_string("Adresse e-mail", 0, 200)},
      {"telephone", false, json_string("Téléphone", 0, 40)},
      {"college", false, json_string("Collège (vide : d'après les statuts)", 0, 40)},
      {"bureau", false, json_string("Fonction au bureau (vide : aucune)", 0, 40)},
      {"adhesion", false, json_string("Date d'adhésion AAAA-MM-JJ (vide : aujourd'hui)", 0, 10)},
      {"radiation", false, json_string("Date de radiation AAAA-MM-JJ (vide : aucune)", 0, 10)},
  };
  if (update) p.push_back({"version", true, json_integer("Version lue de la fiche", 1)});
  return p;
}

std::shared_ptr<const JsonSchema> new_member_schema() {
  static const auto schema = std::make_shared<const JsonSchema>(
      json_object("Nouveau membre de l'association", member_properties(false)));
  return schema;
}

std::shared_ptr<const JsonSchema> member_change_schema() {
  static const auto schema = std::make_shared<const JsonSchema>(
      json_object("Modification d'une fiche de membre", member_properties(true)));
  return schema;
}

std::shared_ptr<const JsonSchema> import_schema() {
  static const auto schema = [] {
    std::vector<JsonProperty> mapping;
    for (const char* f : {"last_name", "first_name", "email", "phone", "rpps", "profession",
                          "commune", "organisation", "date", "tariff", "amount"}) {
      mapping.push_back({f, false, json_string("En-tête de la colonne du fichier", 0, 200)});
    }
    return std::make_shared<const JsonSchema>(json_object(
        "Import de membres (fichier CSV ou XLSX : export HelloAsso ou tableur)",
        {{"fichier", false, json_string("Nom du fichier", 0, 200)},
         {"contenu", false, json_string("Contenu du fichier CSV (UTF-8)", 1)},
         {"contenu_base64", false,
          json_string("Contenu du fichier en base 64 (XLSX ; CSV possible)", 1)},
         {"correspondance", false, json_object("Colonne choisie pour un champ", mapping)},
         {"ignorer_lignes", false,
          json_array("Lignes du fichier à ne pas importer (doublons écartés)",
                     json_integer("Numéro de ligne", 1), 100000)}}));
  }();
  return schema;
}

// The body over `in` (a PATCH changes only the fields it names).
services::MemberInput member_input(const json& b, services::MemberInput in = {}) {
  if (b.contains("type")) in.kind = b["type"] == "personne_morale" ? "legal_person" : "person";
  auto set = [&](const char* key, std::string& field) {
    if (b.contains(key)) field = b[key].get<std::string>();
  };
  set("nom", in.last_name);
  set("prenom", in.first_name);
  set("raison_sociale", in.organisation);
  set("type_personne_morale", in.legal_kind);
  set("representant", in.representative);
  set("profession", in.profession);
  set("rpps", in.rpps);
  set("mode_exercice", in.mode_exercice);
  set("commune", in.commune);
  set("email", in.email);
  set("telephone", in.phone);
  set("college", in.college);
  set("bureau", in.bureau);
  set("adhesion", in.joined);
  set("radiation", in.radiated);
  in.expected_version = b.value("version", std::int64_t{0});
  return in;
}

// The service's field names are the API's French ones.
Error at_path(Error e) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"kind", "type"},
      {"last_name", "nom"},
      {"first_name", "prenom"},
      {"organisation", "raison_sociale"},
      {"legal_kind", "type_personne_morale"},
      {"representative", "representant"},
      {"phone", "telephone"},
      {"joined", "adhesion"},
      {"radiated", "radiation"},
      {"weight_mode", "ponderation"},
      {"period", "periode"},
      {"default_college", "college_par_defaut"},
      {"ag.first_quorum", "ag.quorum_premiere.portee"},
      {"ag.second_quorum", "ag.quorum_seconde.portee"},
      {"first_quorum.scope", "ag.quorum_premiere.portee"},
      {"second_quorum.scope", "ag.quorum_seconde.portee"},
      {"first_quorum.minimum", "ag.quorum_premiere"},
      {"second_quorum.minimum", "ag.quorum_seconde"},
      {"ag.quorum", "ag"},
      {"convocation_days", "ag.delai_convocation_jours"},
      {"ag.ordinary_majority", "ag.majorite_ordinaire"},
      {"ag.statuts_majority", "ag.majorite_statuts"},
      {"ag.empty_college_share", "ag.college_sans_suffrage"},
      {"proxies.max_per_holder", "ag.pouvoirs_max"},
  };
  for (const auto& [from, to] : kNames) {
    if (e.field == from) e.field = to;
  }
  return at_json_path(std::move(e));
}

// A whole-file import error names where it is in the message itself, since the JSON error has
// no place for a file and a line: "« liste.xlsx », ligne 2, cellule A2 : texte partagé …".
Error import_error(Error e) {
  if (e.file.empty()) return at_path(std::move(e));
  std::string where = "« " + e.file + " »";
  if (e.line > 0) where += ", ligne " + std::to_string(e.line);
  if (!e.field.empty()) {
    const bool cell = std::isupper(static_cast<unsigned char>(e.field.front())) != 0 &&
                      std::isdigit(static_cast<unsigned char>(e.field.back())) != 0 &&
                      e.field.find(' ') == std::string::npos;
    where += (cell ? ", cellule " : ", ") + e.field;
  }
  e.message = where + " : " + e.message;
  e.field = "contenu";
  e.file.clear();
  e.line = 0;
  return at_json_path(std::move(e));
}

std::string access_id(AssociationAccess a) {
  switch (a) {
    case AssociationAccess::manage:
      return "gestion";
    case AssociationAccess::own:
      return "membre";
    case AssociationAccess::aggregate:
      return "chiffres";
  }
  return "chiffres";
}

json statuts_json(const services::StatutsView& v) {
  json colleges = json::array();
  for (const auto& c : v.statuts.colleges) {
    json professions = json::array(), legal = json::array();
    for (const auto& p : c.professions) {
      professions.push_back(
          {{"code", p},
           {"libelle", services::association_label(services::association_professions(), p)}});
    }
    for (const auto& k : c.legal_kinds) {
      legal.push_back(
          {{"code", k},
           {"libelle", services::association_label(services::association_legal_kinds(), k)}});
    }
    colleges.push_back({{"id", c.id},
                        {"nom", c.name},
                        {"part_numerateur", c.share_num},
                        {"part_denominateur", c.share_den},
                        {"part", c.share_den == 1 ? std::to_string(c.share_num)
                                                  : fmt::format("{}/{}", c.share_num, c.share_den)},
                        {"professions", std::move(professions)},
                        {"personnes_morales", std::move(legal)}});
  }
  return json{{"structure", v.structure_id},
              {"structure_nom", v.structure_name},
              {"structure_type", v.structure_kind},
              {"definis", v.defined},
              {"version", v.statuts.expected_version},
              {"ponderation", weight_api(v.statuts.weight_mode)},
              {"parts_fixes", v.statuts.weight_mode == "fixed_share"},
              {"periode", period_api(v.statuts.period)},
              {"periode_libelle",
               v.statuts.period == "rolling_12_months" ? "12 mois glissants" : "année civile"},
              {"college_par_defaut", v.statuts.default_college},
              {"colleges", std::move(colleges)},
              {"ag", ag_rules_json(v.statuts.ag)},
              {"modifie_par", v.updated_by},
              {"modifie_le", french_day(v.updated_at)},
              {"acces", access_id(v.access)},
              {"gestion", v.access == AssociationAccess::manage}};
}

json member_json(const services::Member& m) {
  const auto& d = m.data;
  return json{{"id", m.id},
              {"type", d.kind == "legal_person" ? "personne_morale" : "personne"},
              {"personne_morale", d.kind == "legal_person"},
              {"nom_affiche", m.display_name},
              {"nom", d.last_name},
              {"prenom", d.first_name},
              {"raison_sociale", d.organisation},
              {"type_personne_morale", d.legal_kind},
              {"type_personne_morale_libelle",
               services::association_label(services::association_legal_kinds(), d.legal_kind)},
              {"representant", d.representative},
              {"profession", d.profession},
              {"profession_libelle", m.profession_label},
              {"rpps", d.rpps},
              {"mode_exercice", d.mode_exercice},
              {"mode_exercice_libelle",
               services::association_label(services::association_modes(), d.mode_exercice)},
              {"commune", d.commune},
              {"commune_nom", m.commune_name},
              {"email", d.email},
              {"telephone", d.phone},
              {"college", d.college},
              {"college_nom", m.college_name},
              {"bureau", d.bureau},
              {"bureau_libelle",
               services::association_label(services::association_bureau_functions(), d.bureau)},
              {"adhesion", d.joined},
              {"adhesion_texte", french_day(d.joined)},
              {"radiation", d.radiated},
              {"radiation_texte", french_day(d.radiated)},
              {"statut", m.status},
              {"statut_libelle", m.status_label},
              {"a_jour_jusqu_au", french_day(m.paid_until)},
              {"moi", m.mine},
              {"version", d.expected_version},
              {"cree_par", m.created_by},
              {"cree_le", french_day(m.created_at)},
              {"modifie_par", m.updated_by},
              {"modifie_le", french_day(m.updated_at)}};
}

json payment_json(const services::PaymentView& p);

json record_json(const services::MemberRecord& r) {
  json out = member_json(r.member);
  json history = json::array();
  for (const auto& h : r.history) {
    history.push_back({{"le", french_day(h.changed_at)},
                       {"horodatage", h.changed_at},
                       {"par", h.changed_by},
                       {"action", h.action},
                       {"detail", h.detail}});
  }
  out["historique"] = std::move(history);
  json payments = json::array();
  for (const auto& p : r.payments) payments.push_back(payment_json(p));
  out["a_paiements"] = !r.payments.empty();
  out["paiements"] = std::move(payments);
  out["acces"] = access_id(r.access);
  out["gestion"] = r.access == AssociationAccess::manage;
  return out;
}

json counts_json(const std::vector<services::CountRow>& rows) {
  json out = json::array();
  for (const auto& r : rows)
    out.push_back({{"cle", r.key}, {"libelle", r.label}, {"nombre", r.count}});
  return out;
}

json roster_json(const services::MemberRoster& r) {
  json colleges = json::array();
  for (const auto& c : r.colleges) {
    json members = json::array();
    for (const auto& m : c.members) members.push_back(member_json(m));
    colleges.push_back({{"id", c.id},
                        {"nom", c.name},
                        {"nombre", c.members.size()},
                        {"membres", std::move(members)}});
  }
  return json{{"statuts", statuts_json(r.statuts)},
              {"colleges", std::move(colleges)},
              {"par_college", counts_json(r.by_college)},
              {"par_profession", counts_json(r.by_profession)},
              {"total", r.total},
              {"actifs", r.active}};
}

json preview_json(const services::ImportPreviewView& p) {
  json columns = json::array(), lines = json::array(), issues = json::array();
  for (const auto& c : p.columns) {
    columns.push_back({{"champ", c.field}, {"libelle", c.label}, {"entete", c.header}});
  }
  for (const auto& l : p.lines) {
    lines.push_back({{"ligne", l.line},
                     {"nom", l.display_name},
                     {"type", l.kind == "legal_person" ? "personne_morale" : "personne"},
                     {"profession", l.profession},
                     {"profession_libelle", l.profession_label},
                     {"college", l.college},
                     {"college_nom", l.college_name},
                     {"email", l.email},
                     {"commune", l.commune},
                     {"adhesion", l.joined},
                     {"doublon", l.duplicate},
                     {"doublon_message", l.duplicate_message}});
  }
  for (const auto& i : p.issues) {
    issues.push_back({{"ligne", i.line},
                      {"champ", i.field},
                      {"valeur", i.value},
                      {"message", i.message},
                      {"erreur", i.error},
                      {"colonne", i.column}});
  }
  json fields = json::array();
  for (const char* f : {"last_name", "first_name", "organisation", "profession", "rpps", "email",
                        "phone", "commune", "date"}) {
    fields.push_back(f);
  }
  return json{{"colonnes", std::move(columns)}, {"non_reprises", p.unmapped},
              {"entetes", p.headers},           {"lignes", std::move(lines)},
              {"problemes", std::move(issues)}, {"lignes_lues", p.lines_read},
              {"a_importer", p.to_import}};
}

// The file comes as text ("contenu", CSV) or as base 64 ("contenu_base64", the bytes of an XLSX
// workbook, which a JSON string cannot carry as they are): exactly one of the two.
Result<services::ImportRequest> import_request(const json& b) {
  services::ImportRequest in;
  in.file_name = b.value("fichier", "");
  const bool text = b.contains("contenu"), encoded = b.contains("contenu_base64");
  if (text == encoded) {
    return fail(ErrorCode::invalid_input,
                "Donnez le fichier soit en texte (contenu), soit en base 64 (contenu_base64).",
                "contenu");
  }
  if (text) {
    in.content = b["contenu"].get<std::string>();
  } else {
    auto bytes = base64::decode(b["contenu_base64"].get<std::string>());
    if (!bytes) {
      return fail(ErrorCode::invalid_input, "Contenu base 64 invalide.", "contenu_base64");
    }
    in.content = std::move(*bytes);
  }
  if (b.contains("correspondance")) {
    for (const auto& [key, value] : b["correspondance"].items()) {
      in.mapping.emplace_back(key, value.get<std::string>());
    }
  }
  if (b.contains("ignorer_lignes")) {
    for (const auto& l : b["ignorer_lignes"]) in.skip_lines.push_back(l.get<std::int64_t>());
  }
  return in;
}

std::shared_ptr<const JsonSchema> tariffs_schema() {
  static const auto schema = std::make_shared<const JsonSchema>(json_object(
      "Tarifs de cotisation d'une année (remplacent ceux de l'année)",
      {{"tarifs", true,
        json_array("Tarifs ; le plus précis s'applique (collège et profession, profession, "
                   "collège, tous)",
                   json_object("Un tarif",
                               {{"college", false, json_string("Collège (vide : tous)", 0, 40)},
                                {"profession", false,
                                 json_string("Code profession ou type de personne morale (vide : "
                                             "toutes)",
                                             0, 40)},
                                {"montant_centimes", true,
                                 json_integer("Montant en centimes", 0, 10000000)}}),
                   50)}}));
  return schema;
}

std::shared_ptr<const JsonSchema> payment_schema() {
  static const auto schema = std::make_shared<const JsonSchema>(json_object(
      "Paiement d'une cotisation",
      {{"membre", true, json_integer("Membre", 1)},
       {"date", true, json_string("Date du paiement AAAA-MM-JJ", 10, 10)},
       {"montant_centimes", true, json_integer("Montant en centimes", 1, 10000000)},
       {"moyen", true,
        json_enum("Moyen de paiement", ids_of(services::association_payment_methods()))},
       {"reference", false,
        json_string("Référence (n° de chèque, de virement, de commande)", 0, 120)},
       {"annee", false,
        json_integer("Année couverte (année civile : un paiement de décembre pour "
                     "l'année suivante)",
                     1901, 9999)}}));
  return schema;
}

json payment_json(const services::PaymentView& p) {
  return json{{"id", p.id},
              {"membre", p.member_id},
              {"membre_nom", p.member_name},
              {"date", p.paid_on},
              {"date_texte", french_day(p.paid_on)},
              {"montant_centimes", p.amount_cents},
              {"montant", p.amount_text},
              {"moyen", p.method},
              {"moyen_libelle",
               services::association_label(services::association_payment_methods(), p.method)},
              {"reference", p.reference},
              {"annee", p.covers_year ? json(*p.covers_year) : json(nullptr)},
              {"saisi_par", p.created_by}};
}

json dues_row_json(const services::DuesRow& r) {
  return json{{"membre", r.member_id},
              {"nom", r.member_name},
              {"college_nom", r.college_name},
              {"statut", r.status},
              {"statut_libelle", r.status_label},
              {"a_jour_jusqu_au", french_day(r.paid_until)},
              {"du_centimes", r.due_cents},
              {"paye_centimes", r.paid_cents},
              {"relance", r.reminder},
              {"probleme", r.problem}};
}

json dues_json(const services::DuesOverview& d) {
  json tariffs = json::array(), members = json::array(), reminders = json::array(),
       payments = json::array();
  for (const auto& t : d.tariffs) {
    tariffs.push_back(
        {{"annee", t.year},
         {"college", t.college},
         {"college_nom", t.college.empty() ? "tous les collèges" : t.college_name},
         {"profession", t.profession},
         {"profession_libelle", t.profession.empty() ? "toutes professions" : t.profession_label},
         {"montant_centimes", t.amount_cents},
         {"montant", t.amount_text}});
  }
  for (const auto& r : d.members) members.push_back(dues_row_json(r));
  for (const auto& r : d.reminders) reminders.push_back(dues_row_json(r));
  for (const auto& p : d.payments) payments.push_back(payment_json(p));
  return json{{"statuts", statuts_json(d.statuts)}, {"date", d.at},
              {"date_texte", french_day(d.at)},     {"delai_relance_jours", d.within_days},
              {"tarifs", std::move(tariffs)},       {"par_statut", counts_json(d.by_status)},
              {"membres", std::move(members)},      {"relances", std::move(reminders)},
              {"paiements", std::move(payments)}};
}

json receipt_json(const services::Receipt& r) {
  return json{{"numero", r.number},
              {"association", r.association_name},
              {"association_type", r.association_kind},
              {"membre", r.member_name},
              {"membre_detail", r.member_detail},
              {"paiement", payment_json(r.payment)},
              {"periode", r.period},
              {"emis_le", r.issued_on},
              {"emis_le_texte", french_day(r.issued_on)}};
}

json rate_row_json(const services::RateRow& r) {
  return json{{"cle", r.key},
              {"libelle", r.label},
              {"membres", r.members},
              {"professionnels", r.professionals},
              {"professionnels_texte", fr::decimal(r.professionals, 0)},
              {"taux", r.rate ? json(*r.rate) : json(nullptr)},
              {"taux_texte", r.rate ? fr::decimal(*r.rate * 100, 1) + " %" : "—"}};
}

json rate_json(const services::MembershipRate& m) {
  json rows = json::array(), recruits = json::array();
  for (const auto& r : m.rows) rows.push_back(rate_row_json(r));
  for (const auto& r : m.recruits) {
    recruits.push_back({{"rpps", r.rpps},
                        {"profession", r.profession},
                        {"profession_libelle", r.profession_label},
                        {"commune", r.commune},
                        {"commune_nom", r.commune_name}});
  }
  return json{{"statuts", statuts_json(m.statuts)},
              {"extrait_rpps", m.snapshot_date},
              {"extrait_rpps_texte", french_day(m.snapshot_date)},
              {"fichier_rpps", m.snapshot_source},
              {"communes", m.communes},
              {"professions", std::move(rows)},
              {"ensemble", rate_row_json(m.total)},
              {"membres_autres_professions", m.members_elsewhere},
              {"recrutement_visible", m.recruits_visible},
              {"recrutement", std::move(recruits)}};
}

Result<std::int64_t> id_param(const RequestContext& ctx, const char* name, const char* what) {
  const std::string& text = ctx.request.param(name);
  std::int64_t id = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size() || id <= 0) {
    return fail(ErrorCode::not_found, fmt::format("{} introuvable.", what), name);
  }
  return id;
}

class AssociationFeature final : public Feature {
 public:
  explicit AssociationFeature(const Site& site) : site_(site), svc_(site.services.association) {}

  void add_routes(RouteTable& table) override {
    // Everyone signed in may ask; the service answers by scope and level (managers, own record,
    // counts only). Writers: admins, coordinators, and members (the service lets the bureau in
    // and a member on their own record only).
    const auto readers = AccessRule::authenticated();
    const auto writers = AccessRule::only({Role::admin, Role::coordinator, Role::member});
    auto bind = [this](Result<Response> (AssociationFeature::*fn)(const RequestContext&)) {
      return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
    };
    const std::string base = "/api/v1/structures/{id}/association";
    table.add("GET", base + "/statuts", readers, RouteKind::api,
              bind(&AssociationFeature::api_statuts),
              "Statuts de l'association : collèges, règle de placement, période d'adhésion");
    table
        .add("PUT", base + "/statuts", writers, RouteKind::api,
             bind(&AssociationFeature::api_save_statuts),
             "Saisit ou remplace les statuts (version lue requise : conflit si modifiés "
             "entre-temps)")
        .body = statuts_schema();
    table.add("GET", base + "/members", readers, RouteKind::api,
              bind(&AssociationFeature::api_members),
              "Membres par collège (gestion), sa propre fiche (membre), ou les seuls effectifs par "
              "collège et profession (ROC, ARS, observateur)");
    table
        .add("POST", base + "/members", writers, RouteKind::api,
             bind(&AssociationFeature::api_create_member),
             "Ajoute un membre (collège déduit des statuts s'il n'est pas donné)")
        .body = new_member_schema();
    table.routes().back().success_status = 201;
    table.add("GET", base + "/members/{membre}", readers, RouteKind::api,
              bind(&AssociationFeature::api_member), "Fiche d'un membre et son historique");
    table
        .add("PATCH", base + "/members/{membre}", writers, RouteKind::api,
             bind(&AssociationFeature::api_update_member),
             "Modifie les champs donnés d'une fiche (gestion : tout ; le membre : téléphone, "
             "commune, mode d'exercice)")
        .body = member_change_schema();
    table
        .add("POST", base + "/import", writers, RouteKind::api,
             bind(&AssociationFeature::api_import_preview),
             "Aperçu d'un import de membres : colonnes reconnues, lignes en erreur (ligne et "
             "champ), doublons ; rien n'est enregistré")
        .body = import_schema();
    table
        .add("POST", base + "/import/confirmation", writers, RouteKind::api,
             bind(&AssociationFeature::api_import_confirm),
             "Importe les lignes valides non écartées, en une seule transaction")
        .body = import_schema();
    table.add("GET", base + "/dues", readers, RouteKind::api, bind(&AssociationFeature::api_dues),
              "Cotisations : tarifs, statut de chaque membre aujourd'hui (en attente, à jour, "
              "échue, radiée), relances, paiements (effectifs par statut pour ROC et ARS)");
    table
        .add("PUT", base + "/tariffs/{annee}", writers, RouteKind::api,
             bind(&AssociationFeature::api_tariffs), "Fixe les tarifs de cotisation d'une année")
        .body = tariffs_schema();
    table
        .add("POST", base + "/payments", writers, RouteKind::api,
             bind(&AssociationFeature::api_payment), "Enregistre le paiement d'une cotisation")
        .body = payment_schema();
    table.routes().back().success_status = 201;
    table.add("GET", base + "/payments/{paiement}/receipt", readers, RouteKind::api,
              bind(&AssociationFeature::api_receipt), "Reçu de cotisation d'un paiement");
    table.add("GET", base + "/rate", readers, RouteKind::api, bind(&AssociationFeature::api_rate),
              "Taux d'adhésion par profession : membres sur professionnels exerçant dans les "
              "communes du territoire (dernier extrait RPPS, comptés comme le diagnostic) et, pour "
              "la gestion, les professionnels non membres");
    table.add("GET", base + "/recruitment.csv", writers, RouteKind::api,
              bind(&AssociationFeature::api_recruitment_csv),
              "Professionnels du territoire non membres (CSV ; gestion seulement)");
    table.add("GET", "/associations/{id}/taux", readers, RouteKind::page,
              bind(&AssociationFeature::page_rate), "Taux d'adhésion sur le territoire");
    table.add("GET", "/associations/{id}/cotisations", readers, RouteKind::page,
              bind(&AssociationFeature::page_dues), "Cotisations et relances");
    table.add("GET", "/associations/{id}/recus/{paiement}", readers, RouteKind::page,
              bind(&AssociationFeature::page_receipt), "Reçu de cotisation (imprimable)");
    table.add("GET", "/associations/{id}/recus/{paiement}/recu.odt", readers, RouteKind::page,
              bind(&AssociationFeature::receipt_odt), "Reçu de cotisation au format ODT");
    table.add("GET", "/associations/{id}", readers, RouteKind::page,
              bind(&AssociationFeature::page_members), "Membres de l'association par collège");
    table.add("GET", "/associations/{id}/statuts", readers, RouteKind::page,
              bind(&AssociationFeature::page_statuts), "Statuts de l'association");
    table.add("GET", "/associations/{id}/membres/nouveau", writers, RouteKind::page,
              bind(&AssociationFeature::page_new_member), "Nouveau membre");
    table.add("GET", "/associations/{id}/membres/{membre}", readers, RouteKind::page,
              bind(&AssociationFeature::page_member), "Fiche d'un membre");
    table.add("GET", "/associations/{id}/import", writers, RouteKind::page,
              bind(&AssociationFeature::page_import), "Import de membres");
  }

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    if ((who.role != Role::coordinator && who.role != Role::member) || who.structures.empty()) {
      return {};
    }
    return {{"Association", "/associations/" + std::to_string(who.structures.front())}};
  }

 private:
  Result<Response> api_statuts(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    return json_no_store(statuts_json(MAILLAGE_TRY(svc_.statuts(*ctx.principal(), id))));
  }

  Result<Response> api_save_statuts(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *statuts_schema()));
    services::StatutsInput in;
    in.expected_version = body["version"].get<std::int64_t>();
    in.weight_mode = body["ponderation"] == "parts_fixes" ? "fixed_share" : "head_count";
    in.period = body["periode"] == "douze_mois_glissants" ? "rolling_12_months" : "calendar_year";
    in.default_college = body.value("college_par_defaut", "");
    for (const auto& c : body["colleges"]) {
      services::CollegeRule rule;
      rule.id = c["id"].get<std::string>();
      rule.name = c["nom"].get<std::string>();
      rule.share_num = c.value("part_numerateur", std::int64_t{1});
      rule.share_den = c.value("part_denominateur", std::int64_t{1});
      if (c.contains("professions")) {
        for (const auto& p : c["professions"]) rule.professions.push_back(p.get<std::string>());
      }
      if (c.contains("personnes_morales")) {
        for (const auto& p : c["personnes_morales"])
          rule.legal_kinds.push_back(p.get<std::string>());
      }
      in.colleges.push_back(std::move(rule));
    }
    // The AG options not given keep their stored value (or the defaults on a first entry).
    in.ag = MAILLAGE_TRY(svc_.statuts(*ctx.principal(), id)).statuts.ag;
    if (body.contains("ag")) read_ag_rules(body["ag"], in.ag);
    auto saved = svc_.save_statuts(*ctx.principal(), id, in);
    if (!saved) return tl::unexpected(at_path(saved.error()));
    return json_no_store(statuts_json(*saved));
  }

  Result<Response> api_members(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    return json_no_store(roster_json(MAILLAGE_TRY(svc_.roster(*ctx.principal(), id))));
  }

  Result<Response> api_member(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    const std::int64_t member = MAILLAGE_TRY(id_param(ctx, "membre", "Membre"));
    return json_no_store(record_json(MAILLAGE_TRY(svc_.member(*ctx.principal(), id, member))));
  }

  Result<Response> api_create_member(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *new_member_schema()));
    auto r = svc_.create_member(*ctx.principal(), id, member_input(body));
    if (!r) return tl::unexpected(at_path(r.error()));
    return json_no_store(record_json(*r), 201);
  }

  Result<Response> api_update_member(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    const std::int64_t member = MAILLAGE_TRY(id_param(ctx, "membre", "Membre"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *member_change_schema()));
    auto current = MAILLAGE_TRY(svc_.member(*ctx.principal(), id, member));
    auto r =
        svc_.update_member(*ctx.principal(), id, member, member_input(body, current.member.data));
    if (!r) return tl::unexpected(at_path(r.error()));
    return json_no_store(record_json(*r));
  }

  Result<Response> api_import_preview(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *import_schema()));
    auto r = svc_.preview_import(*ctx.principal(), id, MAILLAGE_TRY(import_request(body)));
    if (!r) return tl::unexpected(import_error(r.error()));
    return json_no_store(preview_json(*r));
  }

  Result<Response> api_import_confirm(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *import_schema()));
    auto r = svc_.confirm_import(*ctx.principal(), id, MAILLAGE_TRY(import_request(body)));
    if (!r) return tl::unexpected(import_error(r.error()));
    return json_no_store(
        json{{"importes", r->imported}, {"ecartes", r->skipped}, {"refuses", r->rejected}});
  }

  Result<Response> api_dues(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    return json_no_store(dues_json(MAILLAGE_TRY(svc_.dues(*ctx.principal(), id))));
  }

  Result<Response> api_tariffs(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    const std::int64_t year = MAILLAGE_TRY(id_param(ctx, "annee", "Année"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *tariffs_schema()));
    std::vector<services::NewTariff> tariffs;
    for (const auto& t : body["tarifs"]) {
      tariffs.push_back({t.value("college", ""), t.value("profession", ""),
                         t["montant_centimes"].get<std::int64_t>()});
    }
    auto r = svc_.set_tariffs(*ctx.principal(), id,
                              static_cast<int>(std::min<std::int64_t>(year, 100000)), tariffs);
    if (!r) return tl::unexpected(at_json_path(r.error()));
    return json_no_store(dues_json(*r));
  }

  Result<Response> api_payment(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    auto body = MAILLAGE_TRY(read_json_body(ctx.request, *payment_schema()));
    services::NewPayment in;
    in.member_id = body["membre"].get<std::int64_t>();
    in.paid_on = body["date"].get<std::string>();
    in.amount_cents = body["montant_centimes"].get<std::int64_t>();
    in.method = body["moyen"].get<std::string>();
    in.reference = body.value("reference", "");
    if (body.contains("annee")) in.covers_year = body["annee"].get<int>();
    auto r = svc_.add_payment(*ctx.principal(), id, in);
    if (!r) return tl::unexpected(at_json_path(r.error()));
    return json_no_store(payment_json(*r), 201);
  }

  Result<Response> api_receipt(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    const std::int64_t payment = MAILLAGE_TRY(id_param(ctx, "paiement", "Paiement"));
    return json_no_store(receipt_json(MAILLAGE_TRY(svc_.receipt(*ctx.principal(), id, payment))));
  }

  Result<Response> api_rate(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    return json_no_store(rate_json(MAILLAGE_TRY(svc_.membership_rate(*ctx.principal(), id))));
  }

  Result<Response> api_recruitment_csv(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    // Refused before the (costly) computation to whoever may not see the list.
    if (MAILLAGE_TRY(svc_.access(*ctx.principal(), id)) != AssociationAccess::manage) {
      return fail(ErrorCode::forbidden,
                  "La liste des professionnels non membres est réservée à la coordination et au "
                  "bureau.");
    }
    auto m = MAILLAGE_TRY(svc_.membership_rate(*ctx.principal(), id));
    if (!m.recruits_visible) {
      return fail(ErrorCode::forbidden,
                  "La liste des professionnels non membres est réservée à la coordination et au "
                  "bureau.");
    }
    std::string out = "rpps;profession;code_insee;commune\r\n";
    for (const auto& r : m.recruits) {
      out += csv::field(r.rpps, ';') + ";" + csv::text_field(r.profession_label, ';') + ";" +
             csv::field(r.commune, ';') + ";" + csv::text_field(r.commune_name, ';') + "\r\n";
    }
    Response r;
    r.content_type = "text/csv; charset=utf-8";
    r.body = "\xEF\xBB\xBF" + out;  // BOM: spreadsheet programs then read UTF-8
    r.set_header("Content-Disposition",
                 fmt::format("attachment; filename=\"non-membres-{}-rpps-{}.csv\"", id,
                             m.snapshot_date.empty() ? "inconnu" : m.snapshot_date));
    r.set_header("Cache-Control", "no-store");
    return r;
  }

  // Pages ---------------------------------------------------------------------------------------

  Result<Response> page_rate(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    json data;
    data["structure_id"] = id;
    auto m = svc_.membership_rate(*ctx.principal(), id);
    if (!m) {
      // A missing territory or RPPS extract is explained on the page, not as an error page.
      if (m.error().code == ErrorCode::forbidden || m.error().code == ErrorCode::unauthenticated) {
        return tl::unexpected(m.error());
      }
      auto v = MAILLAGE_TRY(svc_.statuts(*ctx.principal(), id));
      data["statuts"] = statuts_json(v);
      data["indisponible"] = m.error().message;
    } else {
      data = rate_json(*m);
      data["structure_id"] = id;
      data["a_recrues"] = !m->recruits.empty();
      data["nombre_recrues"] = m->recruits.size();
      data["a_membres_autres"] = m->members_elsewhere > 0;
    }
    data["titre"] = "Taux d'adhésion — " + data["statuts"]["structure_nom"].get<std::string>();
    return Response::html(
        MAILLAGE_TRY(site_.render_page("association_taux", std::move(data), ctx)));
  }

  Result<Response> page_dues(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    auto d = MAILLAGE_TRY(svc_.dues(*ctx.principal(), id));
    json data = dues_json(d);
    data["titre"] = "Cotisations — " + d.statuts.structure_name;
    data["structure_id"] = id;
    data["gestion"] = d.statuts.access == AssociationAccess::manage;
    data["chiffres_seuls"] = d.statuts.access == AssociationAccess::aggregate;
    data["a_statuts"] = d.statuts.defined;
    data["a_relances"] = !d.reminders.empty();
    data["a_tarifs"] = !d.tariffs.empty();
    data["moyens"] = choices_json(services::association_payment_methods());
    json colleges = json::array();
    for (const auto& c : d.statuts.statuts.colleges)
      colleges.push_back({{"id", c.id}, {"nom", c.name}});
    data["colleges"] = std::move(colleges);
    data["annee"] = std::stoi(d.at.substr(0, 4));
    return Response::html(
        MAILLAGE_TRY(site_.render_page("association_cotisations", std::move(data), ctx)));
  }

  Result<Response> receipt_odt(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    const std::int64_t payment = MAILLAGE_TRY(id_param(ctx, "paiement", "Paiement"));
    auto r = MAILLAGE_TRY(svc_.receipt(*ctx.principal(), id, payment));
    Response resp;
    resp.content_type = "application/vnd.oasis.opendocument.text";
    resp.body = MAILLAGE_TRY(services::receipt_odt(r));
    resp.set_header("Content-Disposition",
                    fmt::format("attachment; filename=\"recu-cotisation-{}.odt\"", r.number));
    resp.set_header("Cache-Control", "private, no-store");
    return resp;
  }

  Result<Response> page_receipt(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    const std::int64_t payment = MAILLAGE_TRY(id_param(ctx, "paiement", "Paiement"));
    auto r = MAILLAGE_TRY(svc_.receipt(*ctx.principal(), id, payment));
    json data = receipt_json(r);
    data["titre"] = "Reçu de cotisation n° " + r.number;
    data["structure_id"] = id;
    return Response::html(
        MAILLAGE_TRY(site_.render_page("association_recu", std::move(data), ctx)));
  }

  static void add_lists(json& data) {
    data["professions"] = choices_json(services::association_professions());
    data["personnes_morales"] = choices_json(services::association_legal_kinds());
    data["modes"] = choices_json(services::association_modes());
    data["fonctions_bureau"] = choices_json(services::association_bureau_functions());
  }

  Result<Response> page_members(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    auto roster = MAILLAGE_TRY(svc_.roster(*ctx.principal(), id));
    json data = roster_json(roster);
    data["titre"] = "Association — " + roster.statuts.structure_name;
    data["structure_id"] = id;
    data["gestion"] = roster.statuts.access == AssociationAccess::manage;
    data["chiffres_seuls"] = roster.statuts.access == AssociationAccess::aggregate;
    data["membre_seul"] = roster.statuts.access == AssociationAccess::own;
    data["a_statuts"] = roster.statuts.defined;
    return Response::html(MAILLAGE_TRY(site_.render_page("association", std::move(data), ctx)));
  }

  Result<Response> page_statuts(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    auto v = MAILLAGE_TRY(svc_.statuts(*ctx.principal(), id));
    json data = statuts_json(v);
    data["titre"] = "Statuts — " + v.structure_name;
    data["structure_id"] = id;
    // The form starts from the stored statuts, or from a usual CPTS layout on a first entry.
    json colleges = data["colleges"];
    if (!v.defined) {
      colleges = json::array({{{"id", "medecins"},
                               {"nom", "Médecins"},
                               {"part_numerateur", 1},
                               {"part_denominateur", 3},
                               {"professions", json::array({{{"code", "10"}}})},
                               {"personnes_morales", json::array()}},
                              {{"id", "autres_professions"},
                               {"nom", "Autres professions de santé"},
                               {"part_numerateur", 1},
                               {"part_denominateur", 3},
                               {"professions", json::array({{{"code", "21"}},
                                                            {{"code", "40"}},
                                                            {{"code", "50"}},
                                                            {{"code", "60"}},
                                                            {{"code", "70"}},
                                                            {{"code", "80"}},
                                                            {{"code", "91"}},
                                                            {{"code", "92"}}})},
                               {"personnes_morales", json::array()}},
                              {{"id", "structures"},
                               {"nom", "Structures et usagers"},
                               {"part_numerateur", 1},
                               {"part_denominateur", 3},
                               {"professions", json::array()},
                               {"personnes_morales", json::array({{{"code", "pharmacie"}},
                                                                  {{"code", "ehpad"}},
                                                                  {{"code", "etablissement"}},
                                                                  {{"code", "centre_de_sante"}},
                                                                  {{"code", "laboratoire"}},
                                                                  {{"code", "medico_social"}},
                                                                  {{"code", "association_usagers"}},
                                                                  {{"code", "collectivite"}},
                                                                  {{"code", "autre"}}})}}});
    }
    // Per collège, every profession and kind with its box ticked or not.
    json rows = json::array();
    for (const auto& c : colleges) {
      json professions = json::array(), legal = json::array();
      for (const auto& p : services::association_professions()) {
        bool on = false;
        for (const auto& x : c["professions"]) on = on || x["code"] == p.id;
        professions.push_back({{"code", p.id}, {"libelle", p.label}, {"coche", on}});
      }
      for (const auto& k : services::association_legal_kinds()) {
        bool on = false;
        for (const auto& x : c["personnes_morales"]) on = on || x["code"] == k.id;
        legal.push_back({{"code", k.id}, {"libelle", k.label}, {"coche", on}});
      }
      rows.push_back({{"id", c["id"]},
                      {"nom", c["nom"]},
                      {"part_numerateur", c["part_numerateur"]},
                      {"part_denominateur", c["part_denominateur"]},
                      {"professions", std::move(professions)},
                      {"personnes_morales", std::move(legal)}});
    }
    data["formulaire_colleges"] = std::move(rows);
    // The AG options, each choice with its box.
    const services::AgRules& a = v.statuts.ag;
    auto options = [](const std::vector<std::pair<const char*, const char*>>& list,
                      const std::string& chosen) {
      json out = json::array();
      for (const auto& [key, label] : list) {
        out.push_back({{"id", key}, {"libelle", label}, {"choisi", chosen == key}});
      }
      return out;
    };
    const std::vector<std::pair<const char*, const char*>> quorums{
        {"aucun", "aucun quorum"},
        {"global", "fraction des membres (global)"},
        {"par_college", "fraction des membres dans chaque collège"},
        {"pondere", "fraction des voix pondérées (parts fixes)"}};
    const std::vector<std::pair<const char*, const char*>> majorities{
        {"simple", "majorité simple des suffrages exprimés"},
        {"absolue", "majorité absolue des présents ou représentés"},
        {"deux_tiers", "deux tiers des suffrages exprimés"}};
    const json ag = data["ag"];
    data["choix_quorum_premiere"] = options(quorums, ag["quorum_premiere"]["portee"]);
    data["choix_quorum_seconde"] = options(quorums, ag["quorum_seconde"]["portee"]);
    data["choix_majorite_ordinaire"] = options(majorities, ag["majorite_ordinaire"]);
    data["choix_majorite_statuts"] = options(majorities, ag["majorite_statuts"]);
    data["part_perdue"] = a.empty_college_share == "lost";
    data["par_tete"] = v.statuts.weight_mode != "fixed_share";
    data["annee_civile"] = v.statuts.period != "rolling_12_months";
    return Response::html(
        MAILLAGE_TRY(site_.render_page("association_statuts", std::move(data), ctx)));
  }

  Result<Response> member_form(const RequestContext& ctx, std::int64_t id,
                               const std::optional<services::MemberRecord>& record) {
    auto v = MAILLAGE_TRY(svc_.statuts(*ctx.principal(), id));
    json data;
    data["structure_id"] = id;
    data["structure_nom"] = v.structure_name;
    add_lists(data);
    json colleges = json::array();
    for (const auto& c : v.statuts.colleges) {
      colleges.push_back({{"id", c.id},
                          {"nom", c.name},
                          {"choisi", record && record->member.data.college == c.id}});
    }
    data["colleges"] = std::move(colleges);
    if (record) {
      data["membre"] = record_json(*record);
      data["titre"] = record->member.display_name;
      data["gestion"] = record->access == AssociationAccess::manage;
      data["nouveau"] = false;
      const auto& d = record->member.data;
      auto mark = [&](const char* list, const std::string& value) {
        for (auto& x : data[list]) x["choisi"] = x["id"] == value;
      };
      mark("professions", d.profession);
      mark("personnes_morales", d.legal_kind);
      mark("modes", d.mode_exercice);
      mark("fonctions_bureau", d.bureau);
      data["a_historique"] = !record->history.empty();
    } else {
      if (v.access != AssociationAccess::manage) {
        return fail(ErrorCode::forbidden,
                    "Seuls la coordination et le bureau de l'association ajoutent des membres.");
      }
      if (!v.defined) {
        return fail(ErrorCode::invalid_transition,
                    "Saisissez d'abord les statuts (collèges et règle de placement).");
      }
      data["titre"] = "Nouveau membre — " + v.structure_name;
      data["gestion"] = true;
      data["nouveau"] = true;
      data["membre"] = json{{"type", "personne"}, {"version", 0}};
    }
    return Response::html(
        MAILLAGE_TRY(site_.render_page("association_membre", std::move(data), ctx)));
  }

  Result<Response> page_new_member(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    return member_form(ctx, id, std::nullopt);
  }

  Result<Response> page_member(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    const std::int64_t member = MAILLAGE_TRY(id_param(ctx, "membre", "Membre"));
    auto record = MAILLAGE_TRY(svc_.member(*ctx.principal(), id, member));
    return member_form(ctx, id, record);
  }

  Result<Response> page_import(const RequestContext& ctx) {
    const std::int64_t id = MAILLAGE_TRY(id_param(ctx, "id", "Structure"));
    auto v = MAILLAGE_TRY(svc_.statuts(*ctx.principal(), id));
    if (v.access != AssociationAccess::manage) {
      return fail(ErrorCode::forbidden,
                  "Seuls la coordination et le bureau de l'association importent des membres.");
    }
    json data;
    data["titre"] = "Importer des membres — " + v.structure_name;
    data["structure_id"] = id;
    data["structure_nom"] = v.structure_name;
    data["a_statuts"] = v.defined;
    json fields = json::array();
    for (const auto& [key, label] :
         std::vector<std::pair<const char*, const char*>>{{"last_name", "Nom"},
                                                          {"first_name", "Prénom"},
                                                          {"organisation", "Raison sociale"},
                                                          {"profession", "Profession"},
                                                          {"rpps", "Numéro RPPS"},
                                                          {"email", "E-mail"},
                                                          {"phone", "Téléphone"},
                                                          {"commune", "Commune"},
                                                          {"date", "Date d'adhésion"}}) {
      fields.push_back({{"champ", key}, {"libelle", label}});
    }
    data["champs"] = std::move(fields);
    return Response::html(
        MAILLAGE_TRY(site_.render_page("association_import", std::move(data), ctx)));
  }

  const Site& site_;
  services::Association& svc_;
};

}  // namespace

nlohmann::json association_statuts_json(const services::StatutsView& v) { return statuts_json(v); }
nlohmann::json association_choices_json(const std::vector<services::Choice>& list) {
  return choices_json(list);
}
std::string association_access_id(services::AssociationAccess a) { return access_id(a); }
Result<std::int64_t> association_id_param(const RequestContext& ctx, const char* name,
                                          const char* what) {
  return id_param(ctx, name, what);
}
Error association_field_path(Error e) { return at_path(std::move(e)); }
JsonSchema association_json_boolean(std::string description) {
  return json_boolean(std::move(description));
}

std::unique_ptr<Feature> make_association_feature(const Site& site) {
  return std::make_unique<AssociationFeature>(site);
}

}  // namespace maillage::http
