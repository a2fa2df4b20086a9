// libFuzzer target for the strict JSON request reader (src/http/json_request.cpp): arbitrary bytes
// against the schemas the API uses. Whatever the input, read_json must return (no crash, no
// exception, no sanitizer report), and an accepted body must satisfy the schema it was read with.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string_view>

#include "http/json_request.hpp"
#include "http/schemas.hpp"

namespace {

// Independent re-check of what the reader promises for an accepted body.
bool conforms(const nlohmann::json& v, const maillage::http::JsonSchema& s) {
  using maillage::http::JsonType;
  switch (s.type) {
    case JsonType::string: return v.is_string();
    case JsonType::integer: return v.is_number_integer();
    case JsonType::number: return v.is_number();
    case JsonType::boolean: return v.is_boolean();
    case JsonType::array:
      if (!v.is_array()) return false;
      if (s.max_length != 0 && v.size() > s.max_length) return false;
      for (const auto& item : v) {
        if (s.items && !conforms(item, *s.items)) return false;
      }
      return true;
    case JsonType::object:
      if (!v.is_object()) return false;
      for (const auto& p : s.properties) {
        auto it = v.find(p.name);
        if (it == v.end()) {
          if (p.required) return false;
        } else if (!conforms(*it, p.schema)) {
          return false;
        }
      }
      return v.size() <= s.properties.size();
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  for (const auto& schema : {maillage::http::schemas::new_user(), maillage::http::schemas::login()}) {
    auto r = maillage::http::read_json(body, *schema);
    if (r && !conforms(*r, *schema)) std::abort();
    if (!r && r.error().message.empty()) std::abort();
  }
  return 0;
}
