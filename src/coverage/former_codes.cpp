// Former communes from the etalab package, parsed from text (the caller reads the file). Kept
// apart from territory_csv.cpp so that only this file compiles nlohmann/json.
#include <nlohmann/json.hpp>
#include <unordered_set>

#include "coverage/territory_csv.hpp"

namespace maillage::coverage {

namespace {

std::int64_t line_at(std::string_view text, std::size_t byte) {
  std::int64_t line = 1;
  for (std::size_t i = 0; i < byte && i < text.size(); ++i) line += text[i] == '\n' ? 1 : 0;
  return line;
}

std::string get_string(const nlohmann::json& o, const char* key) {
  const auto it = o.find(key);
  return it != o.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

Result<FormerCodes> parse_etalab_former_communes(std::string_view file, std::string_view json) {
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json);
  } catch (const nlohmann::json::parse_error& e) {
    return fail_at(std::string(file), line_at(json, e.byte), "",
                   std::string("JSON invalide : ") + e.what());
  }
  if (!doc.is_array()) return fail_at(std::string(file), 1, "", "tableau de communes attendu");
  std::unordered_set<std::string> current;
  for (const auto& o : doc) {
    if (o.is_object() && get_string(o, "type") == "commune-actuelle")
      current.insert(get_string(o, "code"));
  }
  FormerCodes out;
  for (std::size_t i = 0; i < doc.size(); ++i) {
    const auto& o = doc[i];
    if (!o.is_object()) {
      return fail_at(std::string(file), 0, "[" + std::to_string(i) + "]", "objet attendu");
    }
    const std::string type = get_string(o, "type");
    if (type != "commune-deleguee" && type != "commune-associee") continue;
    FormerCommune f;
    f.code = get_string(o, "code");
    f.nom = get_string(o, "nom");
    f.kind = type;
    f.current = get_string(o, "chefLieu");
    if (f.code.empty() || f.current.empty()) {
      return fail_at(std::string(file), 0, "[" + std::to_string(i) + "]",
                     "commune " + type + " sans code ou sans chefLieu");
    }
    if (current.contains(f.code)) continue;  // the chef-lieu keeps its code: not a former code
    out.add(std::move(f));
  }
  return out;
}

}  // namespace maillage::coverage
