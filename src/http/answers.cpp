#include "http/answers.hpp"

#include <charconv>
#include <nlohmann/json.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/dates.hpp"
#include "geo/referentiel.hpp"
#include "services/auth.hpp"

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

std::string request_origin(const Request& request) {
  const std::string host = request.header("Host");
  if (host.empty() || host.find_first_of(" /\\@\r\n") != std::string::npos) return "";
  const std::string proto = request.header("X-Forwarded-Proto") == "https" ? "https" : "http";
  return proto + "://" + host;
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

std::vector<std::string> form_values(const Params& form, std::string_view name) {
  std::vector<std::string> out;
  auto [from, to] = form.equal_range(name);
  for (auto it = from; it != to; ++it) out.push_back(it->second);
  return out;
}

Result<std::int64_t> parse_id(const std::string& text, const char* field) {
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || p != text.data() + text.size() || v <= 0) {
    return fail(ErrorCode::invalid_input, "Identifiant invalide.", field);
  }
  return v;
}

nlohmann::json nullify_empty(nlohmann::json v) {
  if (v.is_string() && v.get_ref<const std::string&>().empty()) return nullptr;
  if (v.is_object() || v.is_array()) {
    for (auto& x : v) x = nullify_empty(std::move(x));
  }
  return v;
}

// "Département Moselle (57)", "Régions Grand Est (44), Normandie (28)", "Structure n° 3".
std::string scope_description(const services::Principal& p, const geo::Referentiel& ref) {
  auto named = [](const std::vector<std::string>& codes, auto lookup) {
    std::vector<std::string> out;
    for (const auto& c : codes) {
      const auto* item = lookup(c);
      out.push_back(item ? fmt::format("{} ({})", item->nom, c) : c);
    }
    return fmt::format("{}", fmt::join(out, ", "));
  };
  switch (services::scope_kind(p.role)) {
    case services::ScopeKind::none: return "France entière";
    case services::ScopeKind::departements:
      return (p.departements.size() > 1 ? "Départements " : "Département ") +
             named(p.departements, [&](const std::string& c) { return ref.departement(c); });
    case services::ScopeKind::regions:
      return (p.regions.size() > 1 ? "Régions " : "Région ") +
             named(p.regions, [&](const std::string& c) { return ref.region(c); });
    case services::ScopeKind::structures:
      return (p.structures.size() > 1 ? "Structures n° " : "Structure n° ") +
             fmt::format("{}", fmt::join(p.structures, ", "));
  }
  return "";
}

}  // namespace maillage::http
