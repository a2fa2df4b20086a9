#include "http/templates.hpp"

#include <filesystem>
#include <fstream>
#include <kainjow/mustache.hpp>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/dates.hpp"

namespace maillage::http {

namespace fs = std::filesystem;
namespace mustache = kainjow::mustache;

namespace {

mustache::data to_data(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::object: {
      mustache::data out{mustache::data::type::object};
      for (const auto& [key, value] : v.items()) out.set(key, to_data(value));
      return out;
    }
    case nlohmann::json::value_t::array: {
      mustache::data out{mustache::data::type::list};
      for (const auto& item : v) out.push_back(to_data(item));
      return out;
    }
    case nlohmann::json::value_t::string: return mustache::data{v.get<std::string>()};
    case nlohmann::json::value_t::boolean: return mustache::data{v.get<bool>()};
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
    case nlohmann::json::value_t::number_float: return mustache::data{v.dump()};
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::binary:
    case nlohmann::json::value_t::discarded: break;
  }
  return mustache::data{false};  // null renders as an empty, false section
}

// {{#date_fr}}…{{/date_fr}}: the section rendered, then shown the French way when it is a date
// ("15/03/2024") or a stored UTC timestamp ("07/12/2026 à 13 h 58", Paris time); any other
// text is left as it is (an empty date stays empty). One place for every page's dates.
std::string french_date(const std::string& rendered) {
  std::string_view text = rendered;
  while (!text.empty() && (text.front() == ' ' || text.front() == '\n')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.remove_suffix(1);
  if (auto d = parse_date(text)) return format_date_fr(*d);
  if (auto t = format_timestamp_fr(text)) return *t;
  return rendered;
}

mustache::data with_helpers(const nlohmann::json& data) {
  mustache::data out = to_data(data);
  if (out.is_object()) {
    out.set("date_fr", mustache::lambda2{[](const std::string& text, const mustache::renderer& r) {
              return french_date(r(text));
            }});
  }
  return out;
}

}  // namespace

Result<Templates> Templates::load(const std::string& dir) {
  Templates t;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return tl::unexpected(
        Error{ErrorCode::io_error, "dossier des gabarits introuvable", "assets", dir, 0});
  }
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".mustache") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    if (!in) {
      return tl::unexpected(
          Error{ErrorCode::io_error, "gabarit illisible", {}, entry.path().string(), 0});
    }
    mustache::mustache check{ss.str()};
    if (!check.is_valid()) {
      return tl::unexpected(Error{ErrorCode::parse_error,
                                  "gabarit invalide : " + check.error_message(), {},
                                  entry.path().string(), 0});
    }
    t.sources_[entry.path().stem().string()] = ss.str();
  }
  if (ec) return tl::unexpected(Error{ErrorCode::io_error, ec.message(), {}, dir, 0});
  if (!t.has("layout")) {
    return tl::unexpected(
        Error{ErrorCode::io_error, "gabarit layout.mustache absent", {}, dir, 0});
  }
  return t;
}

Result<std::string> Templates::render(std::string_view name, const nlohmann::json& data) const {
  auto it = sources_.find(name);
  if (it == sources_.end()) {
    return fail(ErrorCode::internal, "gabarit inconnu : " + std::string(name));
  }
  mustache::mustache tmpl{it->second};
  std::string out = tmpl.render(with_helpers(data));
  if (!tmpl.error_message().empty()) {
    return fail(ErrorCode::internal, "gabarit " + std::string(name) + " : " + tmpl.error_message());
  }
  return out;
}

Result<std::string> Templates::page(std::string_view name, const nlohmann::json& data) const {
  auto body = render(name, data);
  if (!body) return body;
  nlohmann::json with_content = data;
  with_content["content"] = std::move(*body);
  return render("layout", with_content);
}

}  // namespace maillage::http
