// Private to the registry service (registry*.cpp).
#pragma once

#include <algorithm>
#include <cctype>
#include <string>

#include "common/error.hpp"
#include "services/registry.hpp"

namespace maillage::services::registry_detail {

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
