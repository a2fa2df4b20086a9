#include "http/schemas.hpp"

#include <string>
#include <vector>

#include "services/auth.hpp"

namespace maillage::http::schemas {

std::shared_ptr<const JsonSchema> login() {
  static const auto schema = std::make_shared<const JsonSchema>(json_object(
      "Identifiants de connexion",
      {
          {"identifiant", true, json_string("Identifiant (adresse électronique)", 1, 200)},
          {"mot_de_passe", true, json_string("Mot de passe", 1, 1024)},
      }));
  return schema;
}

std::shared_ptr<const JsonSchema> new_user() {
  static const auto schema = [] {
    std::vector<std::string> roles;
    for (auto r : services::all_roles()) roles.emplace_back(services::role_id(r));
    return std::make_shared<const JsonSchema>(json_object(
        "Nouvel utilisateur",
        {
            {"identifiant", true, json_string("Identifiant (adresse électronique), unique", 3, 200)},
            {"nom", true, json_string("Nom affiché", 1, 200)},
            {"mot_de_passe", true, json_string("Mot de passe (10 caractères au moins)", 10, 1024)},
            {"role", true, json_enum("Rôle", roles)},
            {"departements", false,
             json_array("Départements du périmètre (ROC)", json_string("Code INSEE", 2, 3), 120)},
            {"regions", false,
             json_array("Régions du périmètre (ARS, chargé de mission)",
                        json_string("Code INSEE", 2, 2), 20)},
            {"structures", false,
             json_array("Structures du périmètre (coordinateur, membre)",
                        json_integer("Identifiant de structure", 1), 1000)},
        }));
  }();
  return schema;
}

std::shared_ptr<const JsonSchema> own_account_change() {
  static const auto schema = std::make_shared<const JsonSchema>(json_object(
      "Modification de son propre compte (le mot de passe actuel est exigé)",
      {
          {"mot_de_passe_actuel", true, json_string("Mot de passe actuel", 1, 1024)},
          {"nouveau_mot_de_passe", false,
           json_string("Nouveau mot de passe (10 caractères au moins)", 10, 1024)},
          {"identifiant", false,
           json_string("Nouvel identifiant (adresse électronique), unique", 3, 200)},
      }));
  return schema;
}

std::shared_ptr<const JsonSchema> user_change() {
  static const auto schema = [] {
    std::vector<std::string> roles;
    for (auto r : services::all_roles()) roles.emplace_back(services::role_id(r));
    JsonSchema active;
    active.type = JsonType::boolean;
    active.description = "Compte actif (false : ferme ses sessions)";
    return std::make_shared<const JsonSchema>(json_object(
        "Modification d'un compte par un administrateur (qui confirme son mot de passe)",
        {
            {"version", true, json_integer("Version lue du compte", 1)},
            {"mot_de_passe_actuel", true,
             json_string("Mot de passe de l'administrateur (réauthentification)", 1, 1024)},
            {"nom", false, json_string("Nom affiché", 1, 200)},
            {"role", false, json_enum("Rôle", roles)},
            {"actif", false, active},
            {"departements", false,
             json_array("Départements du périmètre (ROC)", json_string("Code INSEE", 2, 3), 120)},
            {"regions", false,
             json_array("Régions du périmètre (ARS, chargé de mission)",
                        json_string("Code INSEE", 2, 2), 20)},
            {"structures", false,
             json_array("Structures du périmètre (coordinateur, membre)",
                        json_integer("Identifiant de structure", 1), 1000)},
        }));
  }();
  return schema;
}

}  // namespace maillage::http::schemas
