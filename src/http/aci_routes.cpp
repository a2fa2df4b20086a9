// Routes of the ACI area: contracts (API + contract, schedule and indicator pages) and the
// dialogue de gestion workspace of each contract year (API, page, printable dossier, ODT).
// Handlers parse, call one services::AciService method and render; role and scope checks are the
// service's (the AccessRule of each route says the same roles, for the matrix and the navigation).
// This file: the route table, the request schemas and the helpers the handlers share; the
// handlers are in aci_contracts_api.cpp, aci_workspace_api.cpp and aci_pages.cpp, the JSON of the
// views in aci_json.cpp.
#include <fmt/format.h>

#include <charconv>

#include "common/try.hpp"
#include "http/aci_feature.hpp"

namespace maillage::http {

using nlohmann::json;
using services::Role;

namespace aci_http {

Result<int> parse_year(const std::string& text) {
  auto v = MAILLAGE_TRY(parse_id(text, "year"));
  if (v > 100) return fail(ErrorCode::invalid_input, "Année de contrat invalide.", "year");
  return static_cast<int>(v);
}

Result<Target> target(const RequestContext& ctx, const char* year_param) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto year = MAILLAGE_TRY(parse_year(ctx.request.param(year_param)));
  return Target{id, year};
}

Result<std::optional<std::int64_t>> version_query(const RequestContext& ctx) {
  std::optional<std::int64_t> version;
  if (auto v = ctx.request.query_value("version")) version = MAILLAGE_TRY(parse_id(*v, "version"));
  return version;
}

Response json_answer(const json& j, int status) {
  Response r = Response::json(j.dump(-1, ' ', false, json::error_handler_t::replace), status);
  r.set_header("Cache-Control", "no-store");
  return r;
}

}  // namespace aci_http

namespace {

std::shared_ptr<const JsonSchema> object(std::string d, std::vector<JsonProperty> p) {
  return std::make_shared<const JsonSchema>(json_object(std::move(d), std::move(p)));
}

JsonSchema json_number(std::string description) {
  JsonSchema s;
  s.type = JsonType::number;
  s.description = std::move(description);
  return s;
}

const std::vector<Role> kContractWriters{Role::admin, Role::roc};
const std::vector<Role> kMeasureWriters{Role::admin, Role::roc, Role::coordinator};
const std::vector<Role> kCommenters{Role::admin, Role::roc, Role::ars, Role::coordinator};
const std::vector<Role> kFicheWriters{Role::admin, Role::coordinator};

}  // namespace

AciFeature::AciFeature(const Site& site) : site_(site), aci_(site.services.aci) { make_schemas(); }

void AciFeature::make_schemas() {
  measure_schema_ =
      object("Valeur mesurée d'un indicateur pour une année (absente : efface la valeur) ; MSP : "
             "mission « msp », taux d'atteinte en % ou « patientele »",
             {{"mission", true, json_string("Mission (identifiant des règles)", 1, 100)},
              {"indicator", true, json_string("Indicateur", 1, 100)},
              {"year", true,
               json_integer("Année de contrat (CPTS) ou année civile (MSP)", 1, 2200)},
              {"measured", false, json_number("Valeur mesurée")},
              {"version", true, json_integer("Version lue (0 : jamais saisie)", 0)}});
  auto change = json_object(
      "Nouvelle cible d'un indicateur pour une année",
      {{"mission", true, json_string("Mission", 1, 100)},
       {"indicator", true, json_string("Indicateur", 1, 100)},
       {"year", true, json_integer("Année de contrat", 1, 100)},
       {"paliers", true,
        json_array("Paliers intermédiaires puis cible finale", json_number("Palier"), 10)}});
  agree_schema_ =
      object("Modification convenue : nouvelle version des indicateurs",
             {{"based_on", true, json_integer("Version des indicateurs lue", 0)},
              {"year", false, json_integer("Année du dialogue où elle a été convenue", 0, 100)},
              {"reason", true, json_string("Motif", 1, 2000)},
              {"changes", true, json_array("Cibles modifiées", change, 100)}});
  workspace_schema_ =
      object("Date du dialogue et compte rendu",
             {{"version", true, json_integer("Version lue (0 : jamais enregistré)", 0)},
              {"dialogue_date", false, json_string("Date du dialogue (AAAA-MM-JJ)", 0, 10)},
              {"minutes", false, json_string("Compte rendu", 0, 100000)}});
  comment_schema_ =
      object("Commentaire",
             {{"item", true, json_string("Élément commenté (general, indicateur:…)", 1, 200)},
              {"body", true, json_string("Texte", 1, 4000)}});
  attachment_schema_ = object("Pièce justificative",
                              {{"item", true, json_string("Élément justifié", 1, 200)},
                               {"filename", true, json_string("Nom du fichier", 1, 200)},
                               {"content_type", true, json_string("Type MIME", 1, 200)},
                               {"content_base64", true, json_string("Contenu en base64", 1, 0)}});
  budget_schema_ = object("Budget d'une enveloppe pour l'année",
                          {{"envelope", true, json_string("Enveloppe de l'échéancier", 1, 100)},
                           {"received", true, json_string("Reçu (euros)", 0, 30)},
                           {"spent", true, json_string("Dépensé (euros)", 0, 30)},
                           {"version", true, json_integer("Version lue (0 : jamais saisie)", 0)}});
  auto fiche = std::vector<JsonProperty>{
      {"mission", true, json_string("Mission", 1, 100)},
      {"title", true, json_string("Titre", 1, 300)},
      {"description", false, json_string("Description", 0, 20000)},
      {"status", false, json_enum("Statut", {"a_lancer", "en_cours", "realisee", "abandonnee"})}};
  fiche_create_schema_ = object("Nouvelle fiche action", fiche);
  fiche.push_back({"version", true, json_integer("Version lue", 1)});
  fiche_update_schema_ = object("Fiche action modifiée", fiche);
  adjustment_schema_ =
      object("Proposition d'ajustement contextuel d'une cible",
             {{"mission", true, json_string("Mission", 1, 100)},
              {"indicator", true, json_string("Indicateur", 1, 100)},
              {"fact", true,
               json_enum("Donnée du territoire", {"population", "medecins_generalistes", "autre"})},
              {"fact_label", false, json_string("Libellé de la donnée", 0, 200)},
              {"fact_before", false, json_number("Valeur de référence (signature)")},
              {"fact_after", false, json_number("Valeur actuelle")},
              {"rationale", false, json_string("Argumentaire", 0, 4000)}});
  contract_schema_ =
      object("Nouveau contrat",
             {{"structure_id", true, json_integer("Structure signataire", 1)},
              {"contrat", true,
               json_object("Contrat au format maillage-aci-contract/1 (src/aci/README.md)", {})},
              {"communes", false,
               json_array("Communes du territoire contractuel (INSEE)",
                          json_string("Code INSEE", 5, 5), 2000)}});
  contract_update_schema_ =
      object("Termes du contrat modifiés (sans indicateurs)",
             {{"version", true, json_integer("Version lue", 1)},
              {"contrat", true, json_object("Contrat au format maillage-aci-contract/1", {})}});
  auto mission_start = json_object(
      "Mission du contrat et sa date de démarrage",
      {{"mission", true, json_string("Mission (identifiant des règles)", 1, 100)},
       {"start", false, json_string("Démarrage (AAAA-MM-JJ, vide : aucun)", 0, 10)}});
  edit_schema_ = object(
      "Termes modifiés avant le premier versement",
      {{"version", true, json_integer("Version du contrat lue", 1)},
       {"signature", true, json_string("Date de signature (AAAA-MM-JJ)", 1, 10)},
       {"accord", true, json_string("Accord à la signature", 1, 100)},
       {"size_class", false, json_string("Taille (CPTS)", 0, 10)},
       {"missions", false,
        json_array("Missions choisies (les missions socle y sont toujours)", mission_start, 50)}});
  avenant_schema_ = object(
      "Avenant au contrat (CPTS) : taille et/ou missions ajoutées à compter d'une date d'effet",
      {{"version", true, json_integer("Version du contrat lue", 1)},
       {"from", true, json_string("Date d'effet (AAAA-MM-JJ)", 1, 10)},
       {"size_class", false, json_string("Nouvelle taille (vide : inchangée)", 0, 10)},
       {"missions", false, json_array("Missions ajoutées", mission_start, 50)},
       {"reason", false, json_string("Objet de l'avenant", 0, 2000)}});
}

void AciFeature::add_routes(RouteTable& table) {
  const AccessRule signed_in = AccessRule::authenticated();
  const std::string c = "/api/v1/aci/contracts";
  const std::string d = c + "/{id}/dialogues/{year}";

  table.add("GET", c, signed_in, RouteKind::api, bind(&AciFeature::api_list),
            "Contrats ACI des structures du périmètre");
  table
      .add("POST", c, AccessRule::only(kContractWriters), RouteKind::api,
           bind(&AciFeature::api_create), "Enregistre un contrat ACI signé")
      .body = contract_schema_;
  table.add("GET", c + "/{id}", signed_in, RouteKind::api, bind(&AciFeature::api_contract),
            "Contrat : parties, termes, missions, valeurs des règles avec leurs sources");
  table
      .add("PUT", c + "/{id}", AccessRule::only(kContractWriters), RouteKind::api,
           bind(&AciFeature::api_update), "Modifie les termes d'un contrat (version lue)")
      .body = contract_update_schema_;
  table
      .add("PUT", c + "/{id}/terms", AccessRule::only(kContractWriters), RouteKind::api,
           bind(&AciFeature::api_edit),
           "Modifie signature, taille, missions et accord avant le premier versement")
      .body = edit_schema_;
  table
      .add("POST", c + "/{id}/avenants", AccessRule::only(kContractWriters), RouteKind::api,
           bind(&AciFeature::api_avenant), "Enregistre un avenant au contrat (date d'effet)")
      .body = avenant_schema_;
  table
      .add("GET", c + "/{id}/schedule", signed_in, RouteKind::api, bind(&AciFeature::api_schedule),
           "Échéancier des versements (JSON ou CSV)")
      .query = {{"format", "json (défaut) ou csv", false, false}};
  table
      .add("GET", c + "/{id}/indicators", signed_in, RouteKind::api,
           bind(&AciFeature::api_indicators), "Fiche d'indicateurs de chaque année")
      .query = {{"version", "Version des indicateurs (défaut : la dernière)", false, true}};
  table
      .add("PUT", c + "/{id}/measures", AccessRule::only(kMeasureWriters), RouteKind::api,
           bind(&AciFeature::api_measure), "Saisit une valeur mesurée")
      .body = measure_schema_;
  table
      .add("POST", c + "/{id}/indicator-versions", AccessRule::only(kContractWriters),
           RouteKind::api, bind(&AciFeature::api_agree),
           "Enregistre une modification convenue (nouvelle version des indicateurs)")
      .body = agree_schema_;
  table.add("GET", d, signed_in, RouteKind::api, bind(&AciFeature::api_workspace),
            "Espace du dialogue de gestion d'une année de contrat");
  table
      .add("PUT", d, AccessRule::only(kMeasureWriters), RouteKind::api,
           bind(&AciFeature::api_update_workspace), "Date du dialogue et compte rendu")
      .body = workspace_schema_;
  table
      .add("POST", d + "/comments", AccessRule::only(kCommenters), RouteKind::api,
           bind(&AciFeature::api_comment), "Ajoute un commentaire")
      .body = comment_schema_;
  table
      .add("POST", d + "/attachments", AccessRule::only(kMeasureWriters), RouteKind::api,
           bind(&AciFeature::api_attach), "Joint une pièce justificative")
      .body = attachment_schema_;
  table.add("GET", d + "/attachments/{piece}", signed_in, RouteKind::api,
            bind(&AciFeature::api_attachment), "Télécharge une pièce justificative");
  table
      .add("PUT", d + "/budget", AccessRule::only(kMeasureWriters), RouteKind::api,
           bind(&AciFeature::api_budget), "Reçu et dépensé d'une enveloppe")
      .body = budget_schema_;
  table
      .add("POST", d + "/fiches", AccessRule::only(kFicheWriters), RouteKind::api,
           bind(&AciFeature::api_add_fiche), "Ajoute une fiche action")
      .body = fiche_create_schema_;
  table
      .add("PUT", d + "/fiches/{fiche}", AccessRule::only(kFicheWriters), RouteKind::api,
           bind(&AciFeature::api_update_fiche), "Modifie une fiche action (version lue)")
      .body = fiche_update_schema_;
  table
      .add("POST", d + "/adjustments", AccessRule::only(kMeasureWriters), RouteKind::api,
           bind(&AciFeature::api_adjust),
           "Propose un ajustement contextuel d'une cible (cible d'origine et ajustée)")
      .body = adjustment_schema_;

  table.add("GET", "/aci", signed_in, RouteKind::page, bind(&AciFeature::page_list),
            "Page : contrats ACI");
  // Before /aci/contrats/{id}: the first matching route wins.
  table
      .add("GET", "/aci/contrats/nouveau", AccessRule::only(kContractWriters), RouteKind::page,
           bind(&AciFeature::page_new_contract), "Page : créer un contrat ACI")
      .query = {{"structure", "Structure du contrat", false, true}};
  table.add("POST", "/aci/contrats/nouveau", AccessRule::only(kContractWriters), RouteKind::page,
            bind(&AciFeature::page_create_contract), "Formulaire : créer un contrat ACI");
  table.add("GET", "/aci/contrats/{id}", signed_in, RouteKind::page,
            bind(&AciFeature::page_contract), "Page : contrat");
  table.add("GET", "/aci/contrats/{id}/modifier", AccessRule::only(kContractWriters),
            RouteKind::page, bind(&AciFeature::page_edit_contract),
            "Page : modifier un contrat avant le premier versement");
  table.add("POST", "/aci/contrats/{id}/modifier", AccessRule::only(kContractWriters),
            RouteKind::page, bind(&AciFeature::page_save_contract),
            "Formulaire : modifier un contrat avant le premier versement");
  table.add("POST", "/aci/contrats/{id}/avenants", AccessRule::only(kContractWriters),
            RouteKind::page, bind(&AciFeature::page_add_avenant),
            "Formulaire : enregistrer un avenant");
  table.add("GET", "/aci/contrats/{id}/echeancier", signed_in, RouteKind::page,
            bind(&AciFeature::page_schedule), "Page : échéancier");
  table
      .add("GET", "/aci/contrats/{id}/indicateurs", signed_in, RouteKind::page,
           bind(&AciFeature::page_indicators), "Page : indicateurs")
      .query = {{"version", "Version des indicateurs", false, true}};
  table.add("GET", "/aci/contrats/{id}/dialogue/{annee}", signed_in, RouteKind::page,
            bind(&AciFeature::page_dialogue), "Page : dialogue de gestion");
  table.add("GET", "/aci/contrats/{id}/dialogue/{annee}/dossier", signed_in, RouteKind::page,
            bind(&AciFeature::page_dossier), "Page : dossier imprimable du dialogue");
  table.add("GET", "/aci/contrats/{id}/dialogue/{annee}/dossier.odt", signed_in, RouteKind::page,
            bind(&AciFeature::dossier_odt), "Dossier du dialogue au format ODT");
}

std::unique_ptr<Feature> make_aci_feature(const Site& site) {
  return std::make_unique<AciFeature>(site);
}

}  // namespace maillage::http
