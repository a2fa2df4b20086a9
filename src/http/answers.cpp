#include "http/answers.hpp"

#include <nlohmann/json.hpp>

#include "common/dates.hpp"

namespace maillage::http {

Response json_no_store(const nlohmann::json& body, int status) {
  Response r =
      Response::json(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), status);
  r.set_header("Cache-Control", "no-store");
  return r;
}

Error at_json_path(Error e) {
  if (!e.field.empty() && e.field[0] != '$') e.field = "$." + e.field;
  return e;
}

std::string french_day(std::string_view timestamp) {
  if (timestamp.empty()) return {};
  auto d = parse_date(timestamp.substr(0, 10));
  return d ? format_date_fr(*d) : std::string(timestamp);
}

std::string form_value(const Params& form, std::string_view name) {
  auto it = form.find(name);
  return it == form.end() ? std::string() : it->second;
}

}  // namespace maillage::http
