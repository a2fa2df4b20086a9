// Routes of the registry area: structures (CRUD with optimistic versions), lifecycle transitions,
// milestones, documents, the ROC portfolio (JSON, CSV, XLSX, page with the pipeline), the
// structure page and "Qui est mon ROC ?". Handlers parse, call one services::Registry method and
// render; scope checks are the service's. This file holds the route table and the request
// schemas; the handlers are in registry_api.cpp, registry_portfolio.cpp and registry_pages.cpp.
#include "http/registry_feature.hpp"

namespace maillage::http {

using services::Role;

namespace {

// The editable fields of a structure, as the API names them (French, like the JSON answers).
std::vector<JsonProperty> field_properties() {
  return {
      {"nom", false, json_string("Nom de la structure", 1, 200)},
      {"forme_juridique", false,
       json_string("Forme juridique (association loi 1901, SISA...)", 0, 500)},
      {"finess", false, json_string("Numéro FINESS (9 caractères)", 0, 20)},
      {"rna", false, json_string("Numéro RNA (W + 9 caractères)", 0, 20)},
      {"siret", false, json_string("Numéro SIRET (14 chiffres)", 0, 20)},
      {"commune", false, json_string("Code INSEE de la commune du siège", 0, 5)},
      {"adresse", false, json_string("Adresse", 0, 500)},
      {"contact_nom", false, json_string("Nom du contact", 0, 500)},
      {"contact_courriel", false, json_string("Courriel du contact", 0, 500)},
      {"contact_telephone", false, json_string("Téléphone du contact", 0, 500)},
      {"notes", false, json_string("Notes libres", 0, 20000)},
  };
}

}  // namespace

RegistryFeature::RegistryFeature(const Site& site)
    : site_(site), registry_(site.services.registry) {
  auto object = [](std::string d, std::vector<JsonProperty> p) {
    return std::make_shared<const JsonSchema>(json_object(std::move(d), std::move(p)));
  };
  auto create = field_properties();
  create[0].required = true;
  create.push_back({"type", true, json_enum("Type de structure", {"CPTS", "MSP", "ESP", "CDS"})});
  create.push_back({"departement", true, json_string("Code du département", 2, 3)});
  create.push_back({"etape_depart", false,
                    json_string("Étape déjà atteinte (reprise de l'historique), ex. "
                                "aci_negociation ; l'étape initiale par défaut",
                                0, 100)});
  create.push_back({"date_depart", false,
                    json_string("Date à laquelle l'étape de départ a été atteinte (AAAA-MM-JJ)",
                                10, 10)});
  create_schema_ = object("Nouvelle structure", create);
  auto update = field_properties();
  update.push_back({"version", true, json_integer("Version lue (verrou optimiste)", 1)});
  update_schema_ = object("Champs modifiés", update);
  transition_schema_ = object(
      "Étape",
      {{"evenement", true,
        json_string("Événement (ex. signer_aci) ou étape visée (ex. aci_signe)", 1, 100)},
       {"version", true, json_integer("Version lue (verrou optimiste)", 1)},
       {"date", false, json_string("Date de l'étape (AAAA-MM-JJ), aujourd'hui par défaut", 10, 10)},
       {"commentaire", false, json_string("Commentaire", 0, 2000)}});
  milestone_schema_ =
      object("Jalon", {{"jalon", true, json_string("Jalon (ex. acces_soins.demarrage)", 1, 100)},
                       {"date", true, json_string("Date (AAAA-MM-JJ)", 10, 10)}});
  archive_schema_ =
      object("Archivage", {{"version", true, json_integer("Version lue (verrou optimiste)", 1)},
                           {"motif", true, json_string("Pourquoi la structure est archivée", 0,
                                                       2000)}});
  restore_schema_ = object("Sortie des archives",
                           {{"version", true, json_integer("Version lue (verrou optimiste)", 1)}});
  std::vector<std::string> types;
  for (const auto& t : services::document_types()) types.push_back(t.id);
  document_schema_ = object(
      "Document", {{"type", true, json_enum("Type de document", types)},
                   {"titre", true, json_string("Titre", 1, 200)},
                   {"nom_fichier", true, json_string("Nom du fichier", 1, 255)},
                   {"type_contenu", false, json_string("Type MIME", 0, 100)},
                   {"date", false, json_string("Date du document (AAAA-MM-JJ)", 10, 10)},
                   {"contenu_base64", true, json_string("Contenu du fichier en base64", 1)}});
}

std::vector<NavEntry> RegistryFeature::navigation(const services::Principal& who) const {
  std::vector<NavEntry> out{{"Portefeuille", "/portefeuille"}};
  // The régions' people (ARS, chargés de mission) also get the network they animate.
  if (who.role == Role::ars || who.role == Role::charge_de_mission) {
    if (const std::string region = default_region(who); !region.empty()) {
      out.push_back({"Réseau", "/region/" + region + "/reseau"});
    }
  }
  out.push_back({"Mon ROC", "/qui-est-mon-roc"});
  return out;
}

void RegistryFeature::add_routes(RouteTable& table) {
  const auto signed_in = AccessRule::authenticated();
  const auto deciders = AccessRule::only({Role::admin, Role::roc, Role::ars});
  const auto writers = AccessRule::only({Role::admin, Role::roc, Role::ars, Role::coordinator});
  // The roles some lifecycle step names in its `decided_by` (rules/lifecycle): which step each
  // records is the service's decision, per step and scope.
  const auto step_recorders =
      AccessRule::only({Role::roc, Role::ars, Role::charge_de_mission, Role::coordinator});
  const std::vector<QueryParam> portfolio_query{
      {"type", "Type de structure (CPTS, MSP, ESP, CDS)", false, false},
      {"etape", "Étape du cycle de vie (identifiant, ex. aci_signe)", false, false},
      {"alerte", "Type d'alerte (deadline, implicit_transition, anniversary...) ou « any »", false,
       false},
      {"date", "Date de calcul des alertes (AAAA-MM-JJ, aujourd'hui par défaut)", false, false}};

  table
      .add("GET", "/api/v1/structures", signed_in, RouteKind::api, bind(&RegistryFeature::api_list),
           "Structures du périmètre de l'utilisateur")
      .query = {{"departement", "Code du département", false, false},
                {"type", "Type de structure", false, false},
                {"etape", "Étape du cycle de vie", false, false},
                {"archives", "« exclues » (par défaut), « seules » ou « incluses »", false, false}};
  {
    Route& r = table.add("POST", "/api/v1/structures", deciders, RouteKind::api,
                         bind(&RegistryFeature::api_create), "Crée une structure (étape initiale)");
    r.body = create_schema_;
    r.success_status = 201;
  }
  table.add("GET", "/api/v1/structures/{id}", signed_in, RouteKind::api,
            bind(&RegistryFeature::api_get),
            "Une structure, ses transitions possibles, son territoire et ses référents");
  {
    Route& r = table.add("PATCH", "/api/v1/structures/{id}", writers, RouteKind::api,
                         bind(&RegistryFeature::api_update),
                         "Modifie une structure (409 si la version lue n'est plus la dernière)");
    r.body = update_schema_;
  }
  table
      .add("DELETE", "/api/v1/structures/{id}", deciders, RouteKind::api,
           bind(&RegistryFeature::api_delete), "Supprime une structure")
      .query = {{"version", "Version lue (verrou optimiste)", true, true}};
  {
    Route& r = table.add("POST", "/api/v1/structures/{id}/archive", deciders, RouteKind::api,
                         bind(&RegistryFeature::api_archive),
                         "Archive une structure (elle quitte les listes, sa fiche reste)");
    r.body = archive_schema_;
  }
  {
    Route& r = table.add("POST", "/api/v1/structures/{id}/restore", deciders, RouteKind::api,
                         bind(&RegistryFeature::api_restore), "Sort une structure des archives");
    r.body = restore_schema_;
  }
  table.add("GET", "/api/v1/structures/{id}/history", signed_in, RouteKind::api,
            bind(&RegistryFeature::api_history), "Historique daté des étapes d'une structure");
  {
    Route& r = table.add("POST", "/api/v1/structures/{id}/transitions", step_recorders, RouteKind::api,
                         bind(&RegistryFeature::api_transition),
                         "Enregistre une étape du cycle de vie (refus invalid_transition si elle "
                         "n'est pas permise)");
    r.body = transition_schema_;
    r.success_status = 201;
  }
  {
    Route& r = table.add("POST", "/api/v1/structures/{id}/milestones", writers, RouteKind::api,
                         bind(&RegistryFeature::api_milestone),
                         "Enregistre un jalon (ex. démarrage d'une mission)");
    r.body = milestone_schema_;
    r.success_status = 201;
  }
  table.add("GET", "/api/v1/structures/{id}/documents", signed_in, RouteKind::api,
            bind(&RegistryFeature::api_documents), "Documents d'une structure");
  {
    Route& r = table.add("POST", "/api/v1/structures/{id}/documents", writers, RouteKind::api,
                         bind(&RegistryFeature::api_add_document),
                         "Dépose un document (contenu en base64)");
    r.body = document_schema_;
    r.success_status = 201;
  }
  table.add("GET", "/api/v1/structures/{id}/documents/{document}", signed_in, RouteKind::api,
            bind(&RegistryFeature::api_document), "Télécharge un document");
  table.add("GET", "/api/v1/structures/{id}/referents", signed_in, RouteKind::api,
            bind(&RegistryFeature::api_structure_referents),
            "Qui est mon ROC ? Référents d'une structure");
  table
      .add("GET", "/api/v1/referents", signed_in, RouteKind::api,
           bind(&RegistryFeature::api_referents), "Qui est mon ROC ? Référents d'une commune")
      .query = {{"commune", "Code INSEE de la commune", true, false}};
  table
      .add("GET", "/api/v1/departements/{code}/portfolio", signed_in, RouteKind::api,
           bind(&RegistryFeature::api_portfolio),
           "Portefeuille d'un département : structures, étape, prochaine échéance, alertes, "
           "effectifs par étape")
      .query = portfolio_query;
  table
      .add("GET", "/api/v1/departements/{code}/portfolio.csv", signed_in, RouteKind::api,
           bind(&RegistryFeature::api_portfolio_csv), "Portefeuille d'un département (CSV)")
      .query = portfolio_query;
  table
      .add("GET", "/api/v1/departements/{code}/portfolio.xlsx", signed_in, RouteKind::api,
           bind(&RegistryFeature::api_portfolio_xlsx), "Portefeuille d'un département (XLSX)")
      .query = portfolio_query;

  // Pages
  table.add("GET", "/portefeuille", signed_in, RouteKind::page,
            bind(&RegistryFeature::page_portfolio_home), "Portefeuille (département par défaut)");
  table
      .add("GET", "/portefeuille/{dep}", signed_in, RouteKind::page,
           bind(&RegistryFeature::page_portfolio), "Portefeuille des structures d'un département")
      .query = portfolio_query;
  table.add("GET", "/portefeuille/{dep}/archives", signed_in, RouteKind::page,
            bind(&RegistryFeature::page_archives), "Structures archivées d'un département");
  const auto regional = AccessRule::only(
      {Role::admin, Role::observer, Role::ars, Role::roc, Role::charge_de_mission});
  table
      .add("GET", "/region/{code}", regional, RouteKind::page, bind(&RegistryFeature::page_region),
           "Vue régionale : les structures des départements de la région, étapes, échéances et "
           "alertes")
      .query = portfolio_query;
  table
      .add("GET", "/region/{code}/structures.csv", regional, RouteKind::page,
           bind(&RegistryFeature::api_region_csv),
           "Export CSV de la vue régionale (mêmes filtres que la page)")
      .query = portfolio_query;
  table.add("GET", "/region/{code}/reseau", regional, RouteKind::page,
            bind(&RegistryFeature::page_network),
            "Réseau des coordinateurs de la région : structure, coordinateurs, contact");
  table.add("GET", "/region/{code}/reseau.csv", regional, RouteKind::page,
            bind(&RegistryFeature::api_network_csv), "Export CSV du réseau des coordinateurs");
  // Before /structures/{id}: the first matching route wins.
  table
      .add("GET", "/structures/nouvelle", deciders, RouteKind::page,
           bind(&RegistryFeature::page_new_structure), "Formulaire : nouvelle structure")
      .query = {{"departement", "Département", false, false}, {"type", "Type", false, false}};
  table.add("POST", "/structures/nouvelle", deciders, RouteKind::page,
            bind(&RegistryFeature::page_create_structure), "Formulaire : créer une structure");
  table.add("GET", "/structures/{id}", signed_in, RouteKind::page,
            bind(&RegistryFeature::page_structure), "Fiche d'une structure");
  table.add("GET", "/structures/{id}/modifier", writers, RouteKind::page,
            bind(&RegistryFeature::page_edit_structure), "Formulaire : modifier une structure");
  table.add("POST", "/structures/{id}/modifier", writers, RouteKind::page,
            bind(&RegistryFeature::page_update_structure), "Formulaire : enregistrer la fiche");
  table.add("POST", "/structures/{id}/etape", step_recorders, RouteKind::page,
            bind(&RegistryFeature::page_transition), "Formulaire : enregistrer une étape");
  table.add("POST", "/structures/{id}/notes", writers, RouteKind::page,
            bind(&RegistryFeature::page_notes), "Formulaire : notes de la structure");
  table
      .add("GET", "/qui-est-mon-roc", signed_in, RouteKind::page,
           bind(&RegistryFeature::page_who_is_my_roc), "Qui est mon ROC ?")
      .query = {{"commune", "Code INSEE ou nom de commune", false, false},
                {"structure", "Identifiant de structure", false, false}};
}

std::unique_ptr<Feature> make_registry_feature(const Site& site) {
  return std::make_unique<RegistryFeature>(site);
}

}  // namespace maillage::http
