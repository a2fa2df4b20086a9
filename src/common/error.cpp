#include <array>

#include "common/error.hpp"
#include "common/error_catalogue.hpp"

namespace maillage {

std::string Error::describe() const {
  // Built with append() only: g++ 12 -O3 reports a false -Wrestrict on operator+ of temporaries.
  std::string out;
  if (!file.empty()) {
    out.append(file);
    if (line > 0) out.append(":").append(std::to_string(line));
    out.append(": ");
  }
  if (!field.empty()) out.append(field).append(": ");
  if (message.empty()) {
    out.append(error_info(code).message);
  } else {
    out.append(message);
  }
  return out;
}

namespace {
using enum ErrorCode;
constexpr std::array kCatalogue{
    ErrorInfo{invalid_input, "invalid_input", 400, "Valeur invalide."},
    ErrorInfo{missing_field, "missing_field", 400, "Champ obligatoire manquant."},
    ErrorInfo{unknown_field, "unknown_field", 400, "Champ inconnu."},
    ErrorInfo{wrong_type, "wrong_type", 400, "Type de valeur incorrect."},
    ErrorInfo{invalid_json, "invalid_json", 400, "Le corps de la requête n'est pas du JSON valide."},
    ErrorInfo{body_too_large, "body_too_large", 413, "Le corps de la requête est trop volumineux."},
    ErrorInfo{parse_error, "parse_error", 400, "Le fichier n'a pas pu être lu."},
    ErrorInfo{unauthenticated, "unauthenticated", 401, "Veuillez vous connecter."},
    ErrorInfo{forbidden, "forbidden", 403, "Vous n'avez pas accès à cette ressource."},
    ErrorInfo{csrf_invalid, "csrf_invalid", 403, "Jeton de sécurité (CSRF) absent ou invalide."},
    ErrorInfo{rate_limited, "rate_limited", 429,
              "Trop de tentatives de connexion : réessayez dans quelques minutes."},
    ErrorInfo{bad_credentials, "bad_credentials", 401, "Identifiant ou mot de passe incorrect."},
    ErrorInfo{method_not_allowed, "method_not_allowed", 405,
              "Méthode non autorisée pour cette ressource."},
    ErrorInfo{not_found, "not_found", 404, "Ressource introuvable."},
    ErrorInfo{conflict, "conflict", 409,
              "La ressource a été modifiée entre-temps : rechargez puis recommencez."},
    ErrorInfo{invalid_transition, "invalid_transition", 409, "Transition non autorisée."},
    ErrorInfo{io_error, "io_error", 500, "Erreur de lecture ou d'écriture."},
    ErrorInfo{db_error, "db_error", 500, "Erreur de la base de données."},
    ErrorInfo{unavailable, "unavailable", 503, "Service momentanément indisponible."},
    ErrorInfo{internal, "internal", 500, "Erreur interne."},
};
static_assert(kCatalogue.size() == static_cast<std::size_t>(ErrorCode::count_),
              "every ErrorCode needs a catalogue entry");

constexpr bool catalogue_in_order() {
  for (std::size_t i = 0; i < kCatalogue.size(); ++i) {
    if (static_cast<std::size_t>(kCatalogue[i].code) != i) return false;
  }
  return true;
}
static_assert(catalogue_in_order(), "catalogue entries must follow the enum order");
}  // namespace

const ErrorInfo& error_info(ErrorCode code) {
  auto i = static_cast<std::size_t>(code);
  return i < kCatalogue.size() ? kCatalogue[i] : kCatalogue[static_cast<std::size_t>(internal)];
}

const ErrorInfo* error_info_by_id(std::string_view id) {
  for (const auto& e : kCatalogue) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

}  // namespace maillage
