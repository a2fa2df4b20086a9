// Private to the registry service (registry*.cpp).
#pragma once

#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "services/registry.hpp"

namespace maillage::services::registry_detail {

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxShort = 500;
constexpr std::size_t kMaxNotes = 20000;
constexpr std::size_t kMaxComment = 2000;

// Validation (registry_validation.cpp).
std::size_t utf8_length(std::string_view s);
std::string trim(std::string s);
/// At most `max` characters, no control characters (newlines and tabs allowed if multiline).
Status check_text(const std::string& value, const char* field, std::size_t max, bool multiline);
/// Validates and normalises the set fields in place; `departement` is the structure's.
Status check_fields(StructureFields& f, const std::string& departement,
                    const geo::Referentiel& ref);
void apply_fields(Structure& s, const StructureFields& f);

inline std::string lower_kind(const std::string& kind) {
  std::string out = kind;
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

inline tl::unexpected<Error> structure_not_found(std::int64_t id) {
  return fail(ErrorCode::not_found, "La structure n° " + std::to_string(id) + " n'existe pas.",
              "id");
}

}  // namespace maillage::services::registry_detail
