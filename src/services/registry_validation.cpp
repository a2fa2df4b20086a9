// Validation of the registry's input (identity fields, free texts), for registry_writes.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "services/registry_internal.hpp"

namespace maillage::services::registry_detail {

namespace {

bool all_digits(std::string_view s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

// SIRET and SIREN carry a Luhn check digit (La Poste's establishments excepted, see below).
bool luhn_ok(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

bool has_control(std::string_view s, bool allow_newlines) {
  for (unsigned char c : s) {
    if (c == 0x7f) return true;
    if (c < 0x20 && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t'))) return true;
  }
  return false;
}

}  // namespace

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

Status check_text(const std::string& value, const char* field, std::size_t max, bool multiline) {
  if (utf8_length(value) > max) {
    return fail(ErrorCode::invalid_input, fmt::format("{} caractères au plus.", max), field);
  }
  if (has_control(value, multiline)) {
    return fail(ErrorCode::invalid_input, "Caractères de contrôle refusés.", field);
  }
  return {};
}

// Validates and normalises the set fields in place; `departement` is the structure's.
Status check_fields(StructureFields& f, const std::string& departement,
                    const geo::Referentiel& ref) {
  auto norm = [](std::optional<std::string>& v) {
    if (v) *v = trim(*v);
  };
  norm(f.name);
  norm(f.legal_form);
  norm(f.finess);
  norm(f.rna);
  norm(f.siret);
  norm(f.commune);
  norm(f.address);
  norm(f.contact_name);
  norm(f.contact_email);
  norm(f.contact_phone);
  if (f.name) {
    if (f.name->empty()) return fail(ErrorCode::invalid_input, "Le nom est obligatoire.", "name");
    if (auto s = check_text(*f.name, "name", kMaxName, false); !s) return s;
  }
  if (f.finess && !f.finess->empty()) {
    std::string v;
    for (char c : *f.finess) {
      if (c != ' ') v += c;
    }
    bool ok =
        v.size() == 9 && (all_digits(v) || ((v.rfind("2A", 0) == 0 || v.rfind("2B", 0) == 0) &&
                                            all_digits(std::string_view(v).substr(2))));
    if (!ok) {
      return fail(ErrorCode::invalid_input,
                  "Numéro FINESS attendu : 9 caractères (chiffres, ou 2A/2B puis 7 chiffres).",
                  "finess");
    }
    *f.finess = v;
  }
  if (f.rna && !f.rna->empty()) {
    const std::string& v = *f.rna;
    if (v.size() != 10 || v[0] != 'W' ||
        !std::all_of(v.begin() + 1, v.end(), [](unsigned char c) { return std::isalnum(c); })) {
      return fail(ErrorCode::invalid_input,
                  "Numéro RNA attendu : la lettre W suivie de 9 caractères (ex. W572001234).",
                  "rna");
    }
  }
  if (f.siret && !f.siret->empty()) {
    std::string v;
    for (char c : *f.siret) {
      if (c != ' ') v += c;
    }
    // La Poste's establishments (SIREN 356000000) do not follow the Luhn key.
    if (v.size() != 14 || !all_digits(v) || (!luhn_ok(v) && v.rfind("356000000", 0) != 0)) {
      return fail(ErrorCode::invalid_input,
                  "Numéro SIRET invalide : 14 chiffres dont une clé de contrôle (Luhn).", "siret");
    }
    *f.siret = v;
  }
  if (f.commune && !f.commune->empty()) {
    const geo::Commune* c = ref.commune(*f.commune);
    if (c == nullptr) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("La commune {} n'existe pas dans le référentiel.", *f.commune),
                  "commune");
    }
    if (c->departement != departement) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("La commune {} ({}) n'est pas dans le département {}.", c->nom,
                              c->code, departement),
                  "commune");
    }
  }
  if (f.contact_email && !f.contact_email->empty()) {
    const std::string& v = *f.contact_email;
    auto at = v.find('@');
    if (at == std::string::npos || at == 0 || at + 1 >= v.size() ||
        v.find(' ') != std::string::npos) {
      return fail(ErrorCode::invalid_input, "Adresse électronique invalide.", "contact_email");
    }
  }
  for (auto [value, field] :
       {std::pair{&f.legal_form, "legal_form"}, std::pair{&f.address, "address"},
        std::pair{&f.contact_name, "contact_name"}, std::pair{&f.contact_email, "contact_email"},
        std::pair{&f.contact_phone, "contact_phone"}}) {
    if (*value) {
      if (auto s = check_text(**value, field, kMaxShort, false); !s) return s;
    }
  }
  if (f.notes) {
    if (auto s = check_text(*f.notes, "notes", kMaxNotes, true); !s) return s;
  }
  return {};
}

void apply_fields(Structure& s, const StructureFields& f) {
  if (f.name) s.name = *f.name;
  if (f.legal_form) s.legal_form = *f.legal_form;
  if (f.finess) s.finess = *f.finess;
  if (f.rna) s.rna = *f.rna;
  if (f.siret) s.siret = *f.siret;
  if (f.commune) s.commune = *f.commune;
  if (f.address) s.address = *f.address;
  if (f.contact_name) s.contact_name = *f.contact_name;
  if (f.contact_email) s.contact_email = *f.contact_email;
  if (f.contact_phone) s.contact_phone = *f.contact_phone;
  if (f.notes) s.notes = *f.notes;
}

}  // namespace maillage::services::registry_detail
