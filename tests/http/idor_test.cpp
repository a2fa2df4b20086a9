// IDOR (insecure direct object reference): every route with a path parameter ({id}, {dep},
// {code}, {piece}, ...) is called by a signed-in user with an identifier outside their scope, and
// must answer 403 or 404, never the object. The list of routes comes from the route table: a
// route with a parameter and no case here fails the test (and so does a case for a route that no
// longer exists). Routes over public data (the référentiel: COG, populations, contours) say so
// explicitly instead of giving a case.
//
// The out-of-scope objects are real: an admin creates, in Paris (75, région 11), a structure, a
// document of it, an ACI contract of it and a permanence campaign of it. The callers are the
// coordinator and the member (scope: the demo CPTS of the Moselle) and the ROC of the Moselle
// (scope: département 57). Bodies of unsafe methods are valid for the route, so that the answer
// comes from the scope check and not from the body's validation.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "common/base64.hpp"
#include "http/router.hpp"
#include "http/test_server.hpp"
#include "rpps/extract.hpp"

namespace maillage::testing {
namespace {

using nlohmann::json;
using services::Role;

struct Case {
  Case(Role c, std::string p, json b = json::object(), std::string f = {})
      : caller(c), path(std::move(p)), body(std::move(b)), form(std::move(f)) {}
  Role caller;
  std::string path;  // {S}: the Paris structure, {D}: its document, {C}: its contract,
                     // {K}: its campaign, {S1}: the demo structure of the caller
  json body;
  std::string form;  // for page forms: sent as application/x-www-form-urlencoded instead
};

const std::string kPdf = base64::encode("%PDF-1.4\nidor\n");

json contract_doc() {
  return json{
      {"id", "IDOR-75"},
      {"accord", "cpts-2019"},
      {"parties", {{"cpts", {{"name", "CPTS Paris"}}}, {"cpam", {{"name", "CPAM"}}},
                   {"ars", {{"name", "ARS"}}}}},
      {"signature", "2024-03-15"},
      {"size_class", "T2"},
      {"population", 60000},
      {"missions",
       json::array({{{"mission", "acces_soins"},
                     {"start", "2024-03-15"},
                     {"indicators",
                      json::array({{{"id", "mt"},
                                    {"definition", "Patients orientés vers un médecin traitant"},
                                    {"unit", "patients"},
                                    {"baseline", 0},
                                    {"years", json::array({{{"year", 1}, {"paliers", {100}}}})}}})}}})}};
}

// Routes over public open data: any signed-in user reads any code (see web_app.cpp).
const std::map<std::string, std::string> kPublic{
    {"GET /api/v1/communes/{code}", "référentiel public (COG)"},
    {"GET /api/v1/departements/{code}/cells", "contours publics (IGN Admin Express)"},
    {"GET /api/v1/contours/{zone}", "contours publics (IGN Admin Express)"},
    {"GET /api/v1/epci/{siren}", "référentiel public (BANATIC)"},
    {"GET /carte/{dep}", "carte du référentiel public"},
    {"GET /communes/{code}", "fiche du référentiel public"},
    {"GET /assets/{version}/{path*}", "fichiers statiques, identiques pour tous"},
    {"GET /repondre/{jeton}", "lien personnel d'enquête : le jeton est le secret (haché en base)"},
    {"POST /repondre/{jeton}", "lien personnel d'enquête : le jeton est le secret (haché en base)"},
    {"GET /desinscription/{jeton}", "lien de désinscription : le jeton est le secret (haché en base)"},
    {"POST /desinscription/{jeton}", "lien de désinscription : le jeton est le secret (haché en base)"},
};

const json kSlots = json{{"version", 1},
                         {"creneaux", json::array({{{"date", "2026-07-01"}, {"debut", "14:00"},
                                                    {"fin", "18:00"}, {"type", "snp"},
                                                    {"lieu", "Paris"}, {"profession", "MG"},
                                                    {"nombre", 1}}})}};

const json kStatuts = json{
    {"version", 0},
    {"ponderation", "par_tete"},
    {"periode", "annee_civile"},
    {"colleges", json::array({{{"id", "tous"}, {"nom", "Tous"}, {"professions", {"10"}}}})}};

const std::map<std::string, Case> kCases{
    // Accounts: only admins manage them (admins see every account).
    {"PATCH /api/v1/users/{id}",
     {Role::roc, "/api/v1/users/1", {{"version", 1}, {"mot_de_passe_actuel", "x"}, {"nom", "X"}}}},
    // The account pages: the route admits admins only; a ROC reaching for the admin's account
    // (id 1) is refused before anything is read or written.
    {"GET /admin/utilisateurs/{id}", {Role::roc, "/admin/utilisateurs/1"}},
    {"POST /admin/utilisateurs/{id}",
     {Role::roc, "/admin/utilisateurs/1", json::object(),
      "version=1&nom=X&role=roc&departements=57&actif=1&mot_de_passe_actuel=x"}},
    {"POST /admin/utilisateurs/{id}/mot-de-passe",
     {Role::roc, "/admin/utilisateurs/1/mot-de-passe", json::object(),
      "nouveau_mot_de_passe=pris-par-un-roc&confirmation=pris-par-un-roc&mot_de_passe_actuel=x"}},
    {"POST /admin/utilisateurs/{id}/lien",
     {Role::roc, "/admin/utilisateurs/1/lien", json::object(), "mot_de_passe_actuel=x"}},
    // The regional view of another région (Île-de-France) for Grand Est's chargé de mission.
    {"GET /region/{code}", {Role::charge_de_mission, "/region/11"}},
    {"GET /region/{code}/structures.csv", {Role::charge_de_mission, "/region/11/structures.csv"}},
    {"GET /region/{code}/reseau", {Role::ars, "/region/11/reseau"}},
    {"GET /region/{code}/reseau.csv", {Role::ars, "/region/11/reseau.csv"}},
    // Registry
    {"GET /api/v1/structures/{id}", {Role::coordinator, "/api/v1/structures/{S}"}},
    {"PATCH /api/v1/structures/{id}",
     {Role::coordinator, "/api/v1/structures/{S}", {{"version", 1}, {"notes", "x"}}}},
    {"DELETE /api/v1/structures/{id}", {Role::roc, "/api/v1/structures/{S}?version=1"}},
    {"POST /api/v1/structures/{id}/archive",
     {Role::roc, "/api/v1/structures/{S}/archive", {{"version", 1}, {"motif", "x"}}}},
    {"POST /api/v1/structures/{id}/restore",
     {Role::roc, "/api/v1/structures/{S}/restore", {{"version", 1}}}},
    {"GET /api/v1/structures/{id}/history", {Role::coordinator, "/api/v1/structures/{S}/history"}},
    {"POST /api/v1/structures/{id}/transitions",
     {Role::roc, "/api/v1/structures/{S}/transitions",
      {{"version", 1}, {"evenement", "lancer_pre_projet"}}}},
    {"POST /api/v1/structures/{id}/milestones",
     {Role::coordinator, "/api/v1/structures/{S}/milestones",
      {{"jalon", "acces_soins.demarrage"}, {"date", "2026-01-01"}}}},
    {"GET /api/v1/structures/{id}/documents", {Role::coordinator, "/api/v1/structures/{S}/documents"}},
    {"POST /api/v1/structures/{id}/documents",
     {Role::coordinator, "/api/v1/structures/{S}/documents",
      {{"type", "autre"}, {"titre", "x"}, {"nom_fichier", "x.pdf"},
       {"type_contenu", "application/pdf"}, {"contenu_base64", kPdf}}}},
    // The document of another structure, reached through the caller's own structure.
    {"GET /api/v1/structures/{id}/documents/{document}",
     {Role::coordinator, "/api/v1/structures/{S1}/documents/{D}"}},
    {"GET /api/v1/structures/{id}/referents", {Role::coordinator, "/api/v1/structures/{S}/referents"}},
    {"GET /api/v1/departements/{code}/portfolio", {Role::roc, "/api/v1/departements/75/portfolio"}},
    {"GET /api/v1/departements/{code}/portfolio.csv",
     {Role::roc, "/api/v1/departements/75/portfolio.csv"}},
    {"GET /api/v1/departements/{code}/portfolio.xlsx",
     {Role::roc, "/api/v1/departements/75/portfolio.xlsx"}},
    {"GET /portefeuille/{dep}", {Role::roc, "/portefeuille/75"}},
    {"GET /portefeuille/{dep}/archives", {Role::roc, "/portefeuille/75/archives"}},
    {"GET /structures/{id}", {Role::coordinator, "/structures/{S}"}},
    {"POST /structures/{id}/etape",
     {Role::roc, "/structures/{S}/etape", {}, "version=1&evenement=lancer_pre_projet"}},
    {"POST /structures/{id}/notes", {Role::coordinator, "/structures/{S}/notes", {}, "version=1&notes=x"}},
    {"GET /structures/{id}/modifier", {Role::coordinator, "/structures/{S}/modifier"}},
    {"POST /structures/{id}/modifier",
     {Role::roc, "/structures/{S}/modifier", {}, "version=1&nom=Autre+nom"}},
    // Territory
    {"GET /api/v1/structures/{id}/territory", {Role::coordinator, "/api/v1/structures/{S}/territory"}},
    {"PUT /api/v1/structures/{id}/territory",
     {Role::coordinator, "/api/v1/structures/{S}/territory",
      {{"version", 1}, {"communes", {"75056"}}}}},
    {"GET /api/v1/structures/{id}/territory.csv",
     {Role::coordinator, "/api/v1/structures/{S}/territory.csv"}},
    {"POST /api/v1/structures/{id}/territory/import",
     {Role::coordinator, "/api/v1/structures/{S}/territory/import",
      {{"fichier", "t.csv"}, {"contenu", "code\n75056\n"}}}},
    {"POST /api/v1/structures/{id}/territory/import/{jeton}",
     {Role::coordinator, "/api/v1/structures/{S}/territory/import/0123abcd", {{"version", 1}}}},
    {"GET /couverture/{dep}", {Role::roc, "/couverture/75"}},
    {"GET /territoires/{id}", {Role::coordinator, "/territoires/{S}"}},
    // ACI contracts and the dialogue de gestion
    {"GET /api/v1/aci/contracts/{id}", {Role::coordinator, "/api/v1/aci/contracts/{C}"}},
    {"PUT /api/v1/aci/contracts/{id}",
     {Role::roc, "/api/v1/aci/contracts/{C}", {{"version", 1}, {"contrat", contract_doc()}}}},
    {"GET /api/v1/aci/contracts/{id}/schedule", {Role::coordinator, "/api/v1/aci/contracts/{C}/schedule"}},
    {"GET /api/v1/aci/contracts/{id}/indicators",
     {Role::coordinator, "/api/v1/aci/contracts/{C}/indicators"}},
    {"PUT /api/v1/aci/contracts/{id}/measures",
     {Role::coordinator, "/api/v1/aci/contracts/{C}/measures",
      {{"mission", "acces_soins"}, {"indicator", "mt"}, {"year", 1}, {"version", 0}}}},
    {"POST /api/v1/aci/contracts/{id}/indicator-versions",
     {Role::roc, "/api/v1/aci/contracts/{C}/indicator-versions",
      {{"based_on", 1}, {"reason", "x"},
       {"changes", json::array({{{"mission", "acces_soins"}, {"indicator", "mt"}, {"year", 1},
                                 {"paliers", {90}}}})}}}},
    {"GET /api/v1/aci/contracts/{id}/dialogues/{year}",
     {Role::coordinator, "/api/v1/aci/contracts/{C}/dialogues/1"}},
    {"PUT /api/v1/aci/contracts/{id}/dialogues/{year}",
     {Role::coordinator, "/api/v1/aci/contracts/{C}/dialogues/1", {{"version", 0}}}},
    {"POST /api/v1/aci/contracts/{id}/dialogues/{year}/comments",
     {Role::coordinator, "/api/v1/aci/contracts/{C}/dialogues/1/comments",
      {{"item", "general"}, {"body", "x"}}}},
    {"POST /api/v1/aci/contracts/{id}/dialogues/{year}/attachments",
     {Role::coordinator, "/api/v1/aci/contracts/{C}/dialogues/1/attachments",
      {{"item", "general"}, {"filename", "x.pdf"}, {"content_type", "application/pdf"},
       {"content_base64", kPdf}}}},
    {"GET /api/v1/aci/contracts/{id}/dialogues/{year}/attachments/{piece}",
     {Role::coordinator, "/api/v1/aci/contracts/{C}/dialogues/1/attachments/1"}},
    {"PUT /api/v1/aci/contracts/{id}/dialogues/{year}/budget",
     {Role::coordinator, "/api/v1/aci/contracts/{C}/dialogues/1/budget",
      {{"envelope", "fonctionnement"}, {"received", "0"}, {"spent", "0"}, {"version", 0}}}},
    {"POST /api/v1/aci/contracts/{id}/dialogues/{year}/fiches",
     {Role::coordinator, "/api/v1/aci/contracts/{C}/dialogues/1/fiches",
      {{"mission", "acces_soins"}, {"title", "x"}}}},
    {"PUT /api/v1/aci/contracts/{id}/dialogues/{year}/fiches/{fiche}",
     {Role::coordinator, "/api/v1/aci/contracts/{C}/dialogues/1/fiches/1",
      {{"mission", "acces_soins"}, {"title", "x"}, {"version", 1}}}},
    {"POST /api/v1/aci/contracts/{id}/dialogues/{year}/adjustments",
     {Role::roc, "/api/v1/aci/contracts/{C}/dialogues/1/adjustments",
      {{"mission", "acces_soins"}, {"indicator", "mt"}, {"fact", "population"}}}},
    {"GET /aci/contrats/{id}", {Role::coordinator, "/aci/contrats/{C}"}},
    {"GET /aci/contrats/{id}/echeancier", {Role::coordinator, "/aci/contrats/{C}/echeancier"}},
    {"GET /aci/contrats/{id}/indicateurs", {Role::coordinator, "/aci/contrats/{C}/indicateurs"}},
    {"GET /aci/contrats/{id}/dialogue/{annee}", {Role::coordinator, "/aci/contrats/{C}/dialogue/1"}},
    {"GET /aci/contrats/{id}/dialogue/{annee}/dossier",
     {Role::coordinator, "/aci/contrats/{C}/dialogue/1/dossier"}},
    {"GET /aci/contrats/{id}/dialogue/{annee}/dossier.odt",
     {Role::coordinator, "/aci/contrats/{C}/dialogue/1/dossier.odt"}},
    // Permanences
    {"GET /api/v1/campaigns/{id}", {Role::member, "/api/v1/campaigns/{K}"}},
    {"PUT /api/v1/campaigns/{id}",
     {Role::coordinator, "/api/v1/campaigns/{K}",
      {{"nom", "x"}, {"debut", "2026-07-01"}, {"fin", "2026-07-03"}, {"version", 1}}}},
    {"POST /api/v1/campaigns/{id}/status",
     {Role::coordinator, "/api/v1/campaigns/{K}/status", {{"statut", "collecte"}, {"version", 1}}}},
    {"POST /api/v1/campaigns/{id}/slots", {Role::coordinator, "/api/v1/campaigns/{K}/slots", kSlots}},
    {"DELETE /api/v1/campaigns/{id}/slots/{slot}",
     {Role::coordinator, "/api/v1/campaigns/{K}/slots/1?version=1"}},
    {"POST /api/v1/campaigns/{id}/members",
     {Role::coordinator, "/api/v1/campaigns/{K}/members",
      {{"version", 1}, {"nom", "X"}, {"profession", "MG"}}}},
    {"PUT /api/v1/campaigns/{id}/availability",
     {Role::member, "/api/v1/campaigns/{K}/availability",
      {{"cellules", json::array({{{"membre", 1}, {"creneau", 1}, {"etat", "disponible"}}})}}}},
    {"PUT /api/v1/campaigns/{id}/members/{member}/cap",
     {Role::member, "/api/v1/campaigns/{K}/members/1/cap", {{"plafond_mensuel", 2}}}},
    {"POST /api/v1/campaigns/{id}/jobs", {Role::coordinator, "/api/v1/campaigns/{K}/jobs"}},
    {"GET /api/v1/campaigns/{id}/jobs/{job}", {Role::coordinator, "/api/v1/campaigns/{K}/jobs/1"}},
    {"GET /api/v1/campaigns/{id}/roster", {Role::member, "/api/v1/campaigns/{K}/roster"}},
    {"POST /api/v1/campaigns/{id}/roster/check",
     {Role::coordinator, "/api/v1/campaigns/{K}/roster/check", {{"affectations", json::array()}}}},
    {"PUT /api/v1/campaigns/{id}/roster",
     {Role::coordinator, "/api/v1/campaigns/{K}/roster",
      {{"version", 1}, {"affectations", json::array()}}}},
    {"GET /api/v1/campaigns/{id}/swaps", {Role::member, "/api/v1/campaigns/{K}/swaps"}},
    {"POST /api/v1/campaigns/{id}/swaps",
     {Role::member, "/api/v1/campaigns/{K}/swaps", {{"creneau", 1}, {"vers_membre", 1}}}},
    {"POST /api/v1/campaigns/{id}/swaps/{swap}/decision",
     {Role::coordinator, "/api/v1/campaigns/{K}/swaps/1/decision",
      {{"decision", "approuver"}, {"version", 1}}}},
    {"GET /api/v1/campaigns/{id}/export.csv", {Role::member, "/api/v1/campaigns/{K}/export.csv"}},
    {"GET /api/v1/campaigns/{id}/export.ics", {Role::member, "/api/v1/campaigns/{K}/export.ics"}},
    {"GET /api/v1/campaigns/{id}/export.xlsx", {Role::member, "/api/v1/campaigns/{K}/export.xlsx"}},
    {"GET /permanences/{id}", {Role::member, "/permanences/{K}"}},
    {"POST /permanences/{id}/disponibilites",
     {Role::member, "/permanences/{K}/disponibilites", {}, "membre=1&creneau=1&etat=disponible"}},
    {"POST /permanences/{id}/disponibilites/toutes",
     {Role::coordinator, "/permanences/{K}/disponibilites/toutes", {},
      "membre=1&etat=disponible&seulement=tous"}},
    {"GET /permanences/{id}/calcul", {Role::coordinator, "/permanences/{K}/calcul"}},
    {"POST /permanences/{id}/calcul", {Role::coordinator, "/permanences/{K}/calcul", {}, "go=1"}},
    {"GET /permanences/{id}/tableau", {Role::member, "/permanences/{K}/tableau"}},
    // Projet de santé of the Paris structure (reading follows the registry's scope), and the
    // template of Île-de-France asked by the Grand Est chargé de mission.
    {"GET /api/v1/structures/{id}/projet-de-sante",
     {Role::coordinator, "/api/v1/structures/{S}/projet-de-sante"}},
    {"PUT /api/v1/structures/{id}/projet-de-sante/missions",
     {Role::coordinator, "/api/v1/structures/{S}/projet-de-sante/missions",
      {{"version", 0}, {"missions", json::array()}}}},
    {"PUT /api/v1/structures/{id}/projet-de-sante/textes/{zone}",
     {Role::coordinator, "/api/v1/structures/{S}/projet-de-sante/textes/porteurs",
      {{"version", 0}, {"texte", "x"}}}},
    {"POST /api/v1/structures/{id}/projet-de-sante/commentaires",
     {Role::roc, "/api/v1/structures/{S}/projet-de-sante/commentaires",
      {{"chapitre", "territoire"}, {"texte", "x"}}}},
    {"GET /api/v1/structures/{id}/projet-de-sante/textes/{zone}/historique",
     {Role::coordinator, "/api/v1/structures/{S}/projet-de-sante/textes/porteurs/historique"}},
    {"POST /api/v1/structures/{id}/projet-de-sante/depot",
     {Role::roc, "/api/v1/structures/{S}/projet-de-sante/depot", {{"version", 1}}}},
    {"GET /structures/{id}/projet-de-sante", {Role::member, "/structures/{S}/projet-de-sante"}},
    {"GET /structures/{id}/projet-de-sante/imprimer",
     {Role::coordinator, "/structures/{S}/projet-de-sante/imprimer"}},
    {"GET /structures/{id}/projet-de-sante/document.docx",
     {Role::coordinator, "/structures/{S}/projet-de-sante/document.docx"}},
    {"GET /structures/{id}/projet-de-sante/document.odt",
     {Role::roc, "/structures/{S}/projet-de-sante/document.odt"}},
    {"GET /structures/{id}/projet-de-sante/carte.png",
     {Role::coordinator, "/structures/{S}/projet-de-sante/carte.png"}},
    {"GET /api/v1/regions/{region}/modele-projet-de-sante",
     {Role::charge_de_mission, "/api/v1/regions/11/modele-projet-de-sante"}},
    {"PUT /api/v1/regions/{region}/modele-projet-de-sante",
     {Role::charge_de_mission, "/api/v1/regions/11/modele-projet-de-sante",
      {{"version", 0}, {"modele", "schema = \"maillage-projet-de-sante/1\""}}}},
    {"GET /projet-de-sante/modeles/{region}",
     {Role::charge_de_mission, "/projet-de-sante/modeles/11"}},
    // Sectors and referents of a département (the ROC of the Moselle asks for Paris)
    {"GET /api/v1/departements/{dep}/sectors", {Role::roc, "/api/v1/departements/75/sectors"}},
    {"GET /api/v1/departements/{dep}/sectors/versions/{version}",
     {Role::roc, "/api/v1/departements/75/sectors/versions/1"}},
    {"POST /api/v1/departements/{dep}/sectors/jobs",
     {Role::roc, "/api/v1/departements/75/sectors/jobs",
      {{"nombre_secteurs", 1}, {"poids_population", 50}, {"poids_structures", 25},
       {"poids_professionnels", 25}, {"tolerance_pourcent", 20}}}},
    // No job of another département exists in this fixture: an unknown id answers 404.
    {"GET /api/v1/sector-jobs/{id}", {Role::roc, "/api/v1/sector-jobs/999999"}},
    {"POST /api/v1/departements/{dep}/sectors/evaluation",
     {Role::roc, "/api/v1/departements/75/sectors/evaluation",
      {{"nombre_secteurs", 1}, {"poids_population", 50}, {"poids_structures", 25},
       {"poids_professionnels", 25}, {"tolerance_pourcent", 20},
       {"communes", json::array({{{"code", "75056"}, {"secteur", 1}}})}}}},
    {"POST /api/v1/departements/{dep}/sectors",
     {Role::roc, "/api/v1/departements/75/sectors",
      {{"nombre_secteurs", 1}, {"poids_population", 50}, {"poids_structures", 25},
       {"poids_professionnels", 25}, {"tolerance_pourcent", 20},
       {"communes", json::array({{{"code", "75056"}, {"secteur", 1}}})},
       {"secteurs", json::array({{{"nom", "Paris"}}})}, {"version_de_base", 0}}}},
    {"GET /api/v1/departements/{dep}/sectors.csv", {Role::roc, "/api/v1/departements/75/sectors.csv"}},
    {"GET /api/v1/departements/{dep}/sectors.geojson",
     {Role::roc, "/api/v1/departements/75/sectors.geojson"}},
    {"GET /secteurs/{dep}", {Role::roc, "/secteurs/75"}},
    {"GET /api/v1/departements/{dep}/referents", {Role::roc, "/api/v1/departements/75/referents"}},
    {"POST /api/v1/departements/{dep}/referents",
     {Role::roc, "/api/v1/departements/75/referents",
      {{"compte", 1}, {"fonction", "roc"}, {"zone", "departement"}, {"code", "75"}}}},
    {"DELETE /api/v1/departements/{dep}/referents/{compte}/{zone}/{code}",
     {Role::roc, "/api/v1/departements/75/referents/1/departement/75"}},
    {"GET /referents/{dep}", {Role::roc, "/referents/75"}},
    // Association life: the Paris structure's data, and its member reached through the caller's
    // own structure ({M}: a member of the Paris association).
    {"GET /api/v1/structures/{id}/association/statuts",
     {Role::coordinator, "/api/v1/structures/{S}/association/statuts"}},
    {"PUT /api/v1/structures/{id}/association/statuts",
     {Role::coordinator, "/api/v1/structures/{S}/association/statuts", kStatuts}},
    {"GET /api/v1/structures/{id}/association/members",
     {Role::member, "/api/v1/structures/{S}/association/members"}},
    {"POST /api/v1/structures/{id}/association/members",
     {Role::coordinator, "/api/v1/structures/{S}/association/members",
      {{"type", "personne"}, {"nom", "X"}, {"profession", "10"}}}},
    {"GET /api/v1/structures/{id}/association/members/{membre}",
     {Role::coordinator, "/api/v1/structures/{S1}/association/members/{M}"}},
    {"PATCH /api/v1/structures/{id}/association/members/{membre}",
     {Role::coordinator, "/api/v1/structures/{S1}/association/members/{M}",
      {{"version", 1}, {"telephone", "0"}}}},
    {"POST /api/v1/structures/{id}/association/import",
     {Role::coordinator, "/api/v1/structures/{S}/association/import",
      {{"contenu", "Nom;Profession\nX;10\n"}}}},
    {"POST /api/v1/structures/{id}/association/import/confirmation",
     {Role::coordinator, "/api/v1/structures/{S}/association/import/confirmation",
      {{"contenu", "Nom;Profession\nX;10\n"}}}},
    {"GET /associations/{id}", {Role::member, "/associations/{S}"}},
    {"GET /associations/{id}/statuts", {Role::coordinator, "/associations/{S}/statuts"}},
    {"GET /associations/{id}/membres/nouveau", {Role::coordinator, "/associations/{S}/membres/nouveau"}},
    {"GET /associations/{id}/membres/{membre}", {Role::coordinator, "/associations/{S1}/membres/{M}"}},
    {"GET /associations/{id}/import", {Role::coordinator, "/associations/{S}/import"}},
    // Dues: {P} is a payment of the Paris member.
    {"GET /api/v1/structures/{id}/association/dues",
     {Role::member, "/api/v1/structures/{S}/association/dues"}},
    {"PUT /api/v1/structures/{id}/association/tariffs/{annee}",
     {Role::coordinator, "/api/v1/structures/{S}/association/tariffs/2026",
      {{"tarifs", json::array()}}}},
    {"POST /api/v1/structures/{id}/association/payments",
     {Role::coordinator, "/api/v1/structures/{S}/association/payments",
      {{"membre", 1}, {"date", "2026-01-15"}, {"montant_centimes", 100}, {"moyen", "virement"}}}},
    {"GET /api/v1/structures/{id}/association/payments/{paiement}/receipt",
     {Role::coordinator, "/api/v1/structures/{S1}/association/payments/{P}/receipt"}},
    {"GET /associations/{id}/cotisations", {Role::member, "/associations/{S}/cotisations"}},
    {"GET /associations/{id}/recus/{paiement}", {Role::coordinator, "/associations/{S1}/recus/{P}"}},
    {"GET /associations/{id}/recus/{paiement}/recu.odt",
     {Role::coordinator, "/associations/{S1}/recus/{P}/recu.odt"}},
    {"GET /api/v1/structures/{id}/association/rate",
     {Role::member, "/api/v1/structures/{S}/association/rate"}},
    {"GET /api/v1/structures/{id}/association/recruitment.csv",
     {Role::coordinator, "/api/v1/structures/{S}/association/recruitment.csv"}},
    {"GET /associations/{id}/taux", {Role::coordinator, "/associations/{S}/taux"}},
    // Assemblées générales: {A} is an AG of the Paris association, {R} one of its resolutions;
    // half the cases reach it through the caller's own structure.
    {"GET /api/v1/structures/{id}/association/assemblies",
     {Role::member, "/api/v1/structures/{S}/association/assemblies"}},
    {"POST /api/v1/structures/{id}/association/assemblies",
     {Role::coordinator, "/api/v1/structures/{S}/association/assemblies", {{"date", "2026-06-20"}}}},
    {"GET /api/v1/structures/{id}/association/assemblies/{ag}",
     {Role::coordinator, "/api/v1/structures/{S1}/association/assemblies/{A}"}},
    {"PATCH /api/v1/structures/{id}/association/assemblies/{ag}",
     {Role::coordinator, "/api/v1/structures/{S}/association/assemblies/{A}",
      {{"version", 1}, {"date", "2026-06-21"}}}},
    {"POST /api/v1/structures/{id}/association/assemblies/{ag}/resolutions",
     {Role::coordinator, "/api/v1/structures/{S1}/association/assemblies/{A}/resolutions",
      {{"titre", "x"}}}},
    {"DELETE /api/v1/structures/{id}/association/assemblies/{ag}/resolutions/{resolution}",
     {Role::coordinator, "/api/v1/structures/{S}/association/assemblies/{A}/resolutions/{R}"}},
    {"POST /api/v1/structures/{id}/association/assemblies/{ag}/convocations",
     {Role::coordinator, "/api/v1/structures/{S1}/association/assemblies/{A}/convocations",
      {{"mode", "courrier"}, {"date", "2026-05-01"}}}},
    {"PUT /api/v1/structures/{id}/association/assemblies/{ag}/proxies/{mandant}",
     {Role::member, "/api/v1/structures/{S}/association/assemblies/{A}/proxies/{M}",
      {{"mandataire", 1}}}},
    {"DELETE /api/v1/structures/{id}/association/assemblies/{ag}/proxies/{mandant}",
     {Role::coordinator, "/api/v1/structures/{S1}/association/assemblies/{A}/proxies/{M}"}},
    {"POST /api/v1/structures/{id}/association/assemblies/{ag}/opening",
     {Role::coordinator, "/api/v1/structures/{S}/association/assemblies/{A}/opening"}},
    {"PUT /api/v1/structures/{id}/association/assemblies/{ag}/attendance/{membre}",
     {Role::coordinator, "/api/v1/structures/{S1}/association/assemblies/{A}/attendance/{M}",
      {{"presence", "present"}}}},
    {"PUT /api/v1/structures/{id}/association/assemblies/{ag}/resolutions/{resolution}/votes",
     {Role::coordinator, "/api/v1/structures/{S}/association/assemblies/{A}/resolutions/{R}/votes",
      {{"votes", json::array()}}}},
    {"POST /api/v1/structures/{id}/association/assemblies/{ag}/closure",
     {Role::coordinator, "/api/v1/structures/{S1}/association/assemblies/{A}/closure"}},
    {"GET /associations/{id}/ag", {Role::member, "/associations/{S}/ag"}},
    {"GET /associations/{id}/ag/{ag}", {Role::coordinator, "/associations/{S1}/ag/{A}"}},
    {"GET /associations/{id}/ag/{ag}/emargement", {Role::coordinator, "/associations/{S}/ag/{A}/emargement"}},
    {"GET /associations/{id}/ag/{ag}/votes", {Role::coordinator, "/associations/{S1}/ag/{A}/votes"}},
    {"GET /associations/{id}/ag/{ag}/convocations.odt",
     {Role::coordinator, "/associations/{S}/ag/{A}/convocations.odt"}},
    {"GET /associations/{id}/ag/{ag}/adresses.csv",
     {Role::coordinator, "/associations/{S1}/ag/{A}/adresses.csv"}},
    {"GET /associations/{id}/ag/{ag}/proces-verbal.odt",
     {Role::roc, "/associations/{S}/ag/{A}/proces-verbal.odt"}},
    {"GET /associations/{id}/ag/{ag}/ag.ics", {Role::member, "/associations/{S1}/ag/{A}/ag.ics"}},
    {"GET /associations/{id}/calendrier.ics", {Role::member, "/associations/{S}/calendrier.ics"}},
    // Working groups and members' time: {G} is a working group of the Paris association, {W} one
    // of its meetings, {T} a time entry of its member {M}.
    {"GET /api/v1/structures/{id}/association/groups",
     {Role::member, "/api/v1/structures/{S}/association/groups"}},
    {"POST /api/v1/structures/{id}/association/groups",
     {Role::coordinator, "/api/v1/structures/{S}/association/groups", {{"nom", "x"}}}},
    {"GET /api/v1/structures/{id}/association/groups/{groupe}",
     {Role::coordinator, "/api/v1/structures/{S1}/association/groups/{G}"}},
    {"PATCH /api/v1/structures/{id}/association/groups/{groupe}",
     {Role::coordinator, "/api/v1/structures/{S}/association/groups/{G}",
      {{"nom", "x"}, {"version", 1}}}},
    {"DELETE /api/v1/structures/{id}/association/groups/{groupe}",
     {Role::coordinator, "/api/v1/structures/{S}/association/groups/{G}?version=1"}},
    {"DELETE /api/v1/structures/{id}/association/groups/{groupe}/meetings/{reunion}",
     {Role::coordinator, "/api/v1/structures/{S1}/association/groups/{G}/meetings/{W}?version=1"}},
    {"PATCH /api/v1/structures/{id}/association/time/{saisie}",
     {Role::member, "/api/v1/structures/{S}/association/time/{T}",
      {{"date", "2026-01-15"}, {"duree_minutes", 60}, {"activite", "x"}, {"version", 1}}}},
    {"DELETE /api/v1/structures/{id}/association/time/{saisie}",
     {Role::coordinator, "/api/v1/structures/{S1}/association/time/{T}?version=1"}},
    {"POST /api/v1/structures/{id}/association/groups/{groupe}/meetings",
     {Role::coordinator, "/api/v1/structures/{S1}/association/groups/{G}/meetings",
      {{"date", "2026-06-01"}}}},
    {"GET /api/v1/structures/{id}/association/groups/{groupe}/meetings/{reunion}",
     {Role::coordinator, "/api/v1/structures/{S}/association/groups/{G}/meetings/{W}"}},
    {"PATCH /api/v1/structures/{id}/association/groups/{groupe}/meetings/{reunion}",
     {Role::coordinator, "/api/v1/structures/{S1}/association/groups/{G}/meetings/{W}",
      {{"date", "2026-06-01"}, {"version", 1}}}},
    {"GET /api/v1/structures/{id}/association/time",
     {Role::member, "/api/v1/structures/{S}/association/time"}},
    {"POST /api/v1/structures/{id}/association/time",
     {Role::member, "/api/v1/structures/{S}/association/time",
      {{"date", "2026-01-15"}, {"duree_minutes", 60}, {"activite", "x"}}}},
    {"PUT /api/v1/structures/{id}/association/time/{saisie}/decision",
     {Role::coordinator, "/api/v1/structures/{S1}/association/time/{T}/decision",
      {{"decision", "valide"}, {"version", 1}}}},
    {"PUT /api/v1/structures/{id}/association/rates/{annee}/{profession}",
     {Role::coordinator, "/api/v1/structures/{S}/association/rates/2026/10",
      {{"taux_centimes", 5000}, {"source", "x"}}}},
    {"GET /associations/{id}/groupes", {Role::member, "/associations/{S}/groupes"}},
    {"GET /associations/{id}/groupes/{groupe}", {Role::coordinator, "/associations/{S1}/groupes/{G}"}},
    {"GET /associations/{id}/groupes/{groupe}/reunions/{reunion}",
     {Role::coordinator, "/associations/{S}/groupes/{G}/reunions/{W}"}},
    {"GET /associations/{id}/groupes/{groupe}/reunions/{reunion}/reunion.ics",
     {Role::member, "/associations/{S1}/groupes/{G}/reunions/{W}/reunion.ics"}},
    {"GET /associations/{id}/temps", {Role::member, "/associations/{S}/temps"}},
    {"GET /associations/{id}/temps/releves/{membre}",
     {Role::coordinator, "/associations/{S1}/temps/releves/{M}"}},
    {"GET /associations/{id}/temps/releves/{membre}/releve.odt",
     {Role::roc, "/associations/{S}/temps/releves/{M}/releve.odt"}},
    {"GET /associations/{id}/temps/export.csv", {Role::coordinator, "/associations/{S}/temps/export.csv"}},
    {"GET /associations/{id}/temps/export.xlsx",
     {Role::coordinator, "/associations/{S}/temps/export.xlsx"}},
    // ACI contract terms: edit before the first payment, avenants (contract {C} of Paris).
    {"PUT /api/v1/aci/contracts/{id}/terms",
     {Role::roc, "/api/v1/aci/contracts/{C}/terms",
      {{"version", 1}, {"signature", "2024-03-15"}, {"accord", "cpts-2019"}, {"size_class", "T3"}}}},
    {"POST /api/v1/aci/contracts/{id}/avenants",
     {Role::roc, "/api/v1/aci/contracts/{C}/avenants",
      {{"version", 1}, {"from", "2025-06-01"}, {"size_class", "T4"}}}},
    {"GET /aci/contrats/{id}/modifier", {Role::roc, "/aci/contrats/{C}/modifier"}},
    {"POST /aci/contrats/{id}/modifier",
     {Role::roc, "/aci/contrats/{C}/modifier", {},
      "version=1&signature=2024-03-15&accord=cpts-2019&size_class=T3"}},
    {"POST /aci/contrats/{id}/avenants",
     {Role::roc, "/aci/contrats/{C}/avenants", {}, "version=1&from=2025-06-01&avenant_size_class=T4"}},
#include "idor_animation.inc"
    // Surveys (src/http/survey_routes.cpp): {E} is a survey of the Paris structure.
    {"GET /api/v1/enquetes/{enquete}", {Role::roc, "/api/v1/enquetes/{E}"}},
    {"PUT /api/v1/enquetes/{enquete}",
     {Role::coordinator, "/api/v1/enquetes/{E}",
      {{"titre", "X"}, {"cloture", "2099-01-01"}, {"version", 1}}}},
    {"POST /api/v1/enquetes/{enquete}/envoi",
     {Role::coordinator, "/api/v1/enquetes/{E}/envoi", {{"liste", "a@exemple.fr"}}}},
    {"POST /api/v1/enquetes/{enquete}/cloture",
     {Role::roc, "/api/v1/enquetes/{E}/cloture", {{"version", 1}}}},
    {"GET /api/v1/enquetes/{enquete}/resultats",
     {Role::charge_de_mission, "/api/v1/enquetes/{E}/resultats"}},
    {"GET /enquetes/{enquete}", {Role::member, "/enquetes/{E}"}},
    {"GET /enquetes/{enquete}/resultats", {Role::coordinator, "/enquetes/{E}/resultats"}},
    {"GET /enquetes/{enquete}/resultats.csv", {Role::roc, "/enquetes/{E}/resultats.csv"}},
    {"GET /enquetes/{enquete}/resultats.xlsx", {Role::ars, "/enquetes/{E}/resultats.xlsx"}},
    // Messages (src/http/newsletter_routes.cpp): {N} is a message of the Paris structure.
    {"GET /api/v1/messages/{message}", {Role::roc, "/api/v1/messages/{N}"}},
    {"POST /api/v1/messages/{message}/envoi",
     {Role::coordinator, "/api/v1/messages/{N}/envoi", {{"liste", "a@exemple.fr"}}}},
    {"GET /messages/{message}", {Role::charge_de_mission, "/messages/{N}"}},
#include "idor_rpps.inc"
#include "idor_crise.inc"
};

bool has_parameter(const std::string& pattern) { return pattern.find('{') != std::string::npos; }

std::string fill(std::string path, const std::map<std::string, std::string>& ids) {
  for (const auto& [key, value] : ids) {
    for (auto at = path.find(key); at != std::string::npos; at = path.find(key)) {
      path.replace(at, key.size(), value);
    }
  }
  return path;
}

class Idor : public ::testing::TestWithParam<store::Backend> {};

TEST_P(Idor, EveryRouteWithAParameterRefusesIdsOutsideTheScope) {
  MAILLAGE_REQUIRE_BACKEND(GetParam());
  TestServer server(GetParam());
  const auto& routes = server.app().router().routes();

  // Every route with a parameter has a case (or is public data), and every case a route.
  std::set<std::string> declared;
  for (const auto& r : routes) {
    const std::string key = r.method + " " + r.pattern;
    if (!has_parameter(r.pattern)) continue;
    declared.insert(key);
    EXPECT_TRUE(kCases.count(key) + kPublic.count(key) == 1)
        << "route with a parameter but no IDOR case (tests/http/idor_test.cpp): " << key;
  }
  for (const auto& [key, c] : kCases) {
    EXPECT_TRUE(declared.count(key)) << "IDOR case for a route that does not exist: " << key;
  }
  for (const auto& [key, why] : kPublic) {
    EXPECT_TRUE(declared.count(key)) << "public route that does not exist: " << key;
  }

  // Objects of Paris, created by an admin.
  SignedIn admin = server.sign_in(Role::admin);
  auto created = [&](const std::string& path, const json& body) -> std::string {
    auto r = server.post_json(path, body.dump(), admin);
    EXPECT_TRUE(r && r->status == 201) << path << ": " << (r ? r->body : "no answer");
    return r && r->status == 201 ? std::to_string(json::parse(r->body)["id"].get<std::int64_t>())
                                 : "0";
  };
  std::map<std::string, std::string> ids;
  ids["{S}"] = created("/api/v1/structures",
                       {{"type", "CPTS"}, {"nom", "CPTS de Paris (fictive)"}, {"departement", "75"},
                        // at the stage a contract is created from
                        {"etape_depart", "aci_negociation"}, {"date_depart", "2024-01-05"}});
  ids["{D}"] = created("/api/v1/structures/" + ids["{S}"] + "/documents",
                       {{"type", "autre"}, {"titre", "Statuts"}, {"nom_fichier", "statuts.pdf"},
                        {"type_contenu", "application/pdf"}, {"contenu_base64", kPdf}});
  ids["{C}"] = created("/api/v1/aci/contracts",
                       {{"structure_id", std::stoll(ids["{S}"])}, {"contrat", contract_doc()}});
  ids["{K}"] = created("/api/v1/campaigns",
                       {{"structure", std::stoll(ids["{S}"])}, {"nom", "Été à Paris"},
                        {"debut", "2026-07-01"}, {"fin", "2026-07-03"}});
  {
    // The Paris association: statuts, then one member.
    auto cli = server.client();
    auto put = cli.Put(("/api/v1/structures/" + ids["{S}"] + "/association/statuts").c_str(),
                       {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}}, kStatuts.dump(),
                       "application/json");
    EXPECT_TRUE(put && put->status == 200) << (put ? put->body : "no answer");
  }
  ids["{M}"] = created("/api/v1/structures/" + ids["{S}"] + "/association/members",
                       {{"type", "personne"}, {"nom", "Dupont"}, {"profession", "10"},
                        {"adhesion", "2026-01-01"}});
  {
    auto cli = server.client();
    auto put = cli.Put(("/api/v1/structures/" + ids["{S}"] + "/association/tariffs/2026").c_str(),
                       {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}},
                       json{{"tarifs", json::array({{{"montant_centimes", 3000}}})}}.dump(),
                       "application/json");
    EXPECT_TRUE(put && put->status == 200) << (put ? put->body : "no answer");
  }
  ids["{P}"] = created("/api/v1/structures/" + ids["{S}"] + "/association/payments",
                       {{"membre", std::stoll(ids["{M}"])}, {"date", "2026-01-15"},
                        {"montant_centimes", 3000}, {"moyen", "cheque"}});
  {
    // An AG of the Paris association with one resolution ({R}); the answer is the AG's view.
    auto r = server.post_json(
        "/api/v1/structures/" + ids["{S}"] + "/association/assemblies",
        json{{"date", "2026-06-20"}, {"lieu", "Paris"},
             {"resolutions", json::array({{{"titre", "Approbation des comptes"}}})}}
            .dump(),
        admin);
    ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    const json ag = json::parse(r->body);
    ids["{A}"] = std::to_string(ag["ag"]["id"].get<std::int64_t>());
    ids["{R}"] = std::to_string(ag["resolutions"][0]["id"].get<std::int64_t>());
  }
  {
    // A working group of the Paris association ({G}) with one meeting ({W}); a rate of the year
    // and one time entry ({T}) of its member.
    auto r = server.post_json("/api/v1/structures/" + ids["{S}"] + "/association/groups",
                              json{{"nom", "Groupe parisien"},
                                   {"membres", json::array({{{"membre", std::stoll(ids["{M}"])}}})}}
                                  .dump(),
                              admin);
    ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    ids["{G}"] = std::to_string(json::parse(r->body)["groupe"]["id"].get<std::int64_t>());
    r = server.post_json("/api/v1/structures/" + ids["{S}"] + "/association/groups/" + ids["{G}"] +
                             "/meetings",
                         json{{"date", "2026-06-01"}}.dump(), admin);
    ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    ids["{W}"] = std::to_string(json::parse(r->body)["reunion"]["id"].get<std::int64_t>());
    auto cli = server.client();
    auto put = cli.Put(("/api/v1/structures/" + ids["{S}"] + "/association/rates/2026/10").c_str(),
                       {{"Cookie", admin.cookie}, {"X-CSRF-Token", admin.csrf}},
                       json{{"taux_centimes", 8000}, {"source", "Bureau"}}.dump(),
                       "application/json");
    ASSERT_TRUE(put && put->status == 200) << (put ? put->body : "no answer");
  }
  ids["{T}"] = created("/api/v1/structures/" + ids["{S}"] + "/association/time",
                       {{"membre", std::stoll(ids["{M}"])}, {"date", "2026-01-15"},
                        {"duree_minutes", 60}, {"activite", "Réunion"}});
  {
    auto r = server.post_json(
        "/api/v1/enquetes",
        json{{"structure", std::stoll(ids["{S}"])},
             {"titre", "Enquête parisienne"},
             {"cloture", "2099-01-01"},
             {"questions", json::array({{{"id", "q1"},
                                         {"type", "choix_unique"},
                                         {"libelle", "Profession"},
                                         {"options", {"Médecin", "Infirmier"}}}})}}
            .dump(),
        admin);
    ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    ids["{E}"] = std::to_string(json::parse(r->body)["enquete"]["id"].get<std::int64_t>());
    r = server.post_json("/api/v1/messages",
                         json{{"structure", std::stoll(ids["{S}"])},
                              {"objet", "Lettre parisienne"},
                              {"html", "<p>Bonjour</p>"}}
                             .dump(),
                         admin);
    ASSERT_TRUE(r && r->status == 201) << (r ? r->body : "no answer");
    ids["{N}"] = std::to_string(json::parse(r->body)["message"]["id"].get<std::int64_t>());
  }
  auto demo = server.app().database().query(
      "SELECT id FROM structures WHERE name = 'CPTS de démonstration du Pays messin (fictive)'");
  ASSERT_TRUE(demo && !demo->empty());
  ids["{S1}"] = std::to_string(demo->rows[0].integer(0));
#include "idor_animation_setup.inc"
#include "idor_rpps_setup.inc"
#include "idor_crise_setup.inc"

  for (const auto& route : routes) {
    const std::string key = route.method + " " + route.pattern;
    auto it = kCases.find(key);
    if (it == kCases.end()) continue;
    const Case& c = it->second;
    // A fresh session per call: some calls (unsafe ones) could end or change it.
    const SignedIn who = server.sign_in(c.caller);
    httplib::Headers h{{"Cookie", who.cookie}, {"X-CSRF-Token", who.csrf}};
    const std::string path = fill(c.path, ids);
    const std::string body = c.form.empty() ? c.body.dump() : c.form;
    const char* type = c.form.empty() ? "application/json" : "application/x-www-form-urlencoded";
    auto cli = server.client();
    httplib::Result r = route.method == "GET"    ? cli.Get(path.c_str(), h)
                        : route.method == "POST"  ? cli.Post(path.c_str(), h, body, type)
                        : route.method == "PUT"   ? cli.Put(path.c_str(), h, body, "application/json")
                        : route.method == "PATCH" ? cli.Patch(path.c_str(), h, body, "application/json")
                                                  : cli.Delete(path.c_str(), h);
    ASSERT_TRUE(r) << key << ": no answer";
    EXPECT_TRUE(r->status == 403 || r->status == 404)
        << key << " as " << services::role_id(c.caller) << " on " << path << ": status "
        << r->status << " " << r->body.substr(0, 300);
  }

  // The objects are there: their owners' side (the admin) reads them.
  EXPECT_EQ(server.get("/api/v1/structures/" + ids["{S}"], admin)->status, 200);
  EXPECT_EQ(server.get("/api/v1/aci/contracts/" + ids["{C}"], admin)->status, 200);
  EXPECT_EQ(server.get("/api/v1/campaigns/" + ids["{K}"], admin)->status, 200);
}

INSTANTIATE_TEST_SUITE_P(Backends, Idor, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
