#include "http/json_request.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <set>

namespace maillage::http {

namespace {

using json = nlohmann::json;

std::string child_path(const std::string& parent, std::string_view key) {
  return fmt::format("{}.{}", parent, key);
}
std::string index_path(const std::string& parent, std::size_t i) {
  return fmt::format("{}[{}]", parent, i);
}

// First pass over the body with nlohmann's SAX interface (iterative, no recursion): refuses
// duplicate keys (which the DOM parser would silently collapse, letting two readers of the same
// body disagree) and nesting deeper than the limit, before any DOM is built.
class StrictSax final : public nlohmann::json_sax<json> {
 public:
  explicit StrictSax(std::size_t max_depth) : max_depth_(max_depth) {}

  bool null() override { return value(); }
  bool boolean(bool) override { return value(); }
  bool number_integer(number_integer_t) override { return value(); }
  bool number_unsigned(number_unsigned_t) override { return value(); }
  bool number_float(number_float_t, const string_t&) override { return value(); }
  bool string(string_t&) override { return value(); }
  bool binary(binary_t&) override { return value(); }

  bool start_object(std::size_t) override { return open(true); }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    Level& level = levels_.back();
    if (!level.keys.insert(k).second) {
      error_ = Error{ErrorCode::invalid_json, "champ en double dans l'objet",
                     child_path(path(levels_.size() - 1), k), {}, 0};
      return false;
    }
    level.current_key = k;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception&) override {
    error_ = Error{ErrorCode::invalid_json,
                   fmt::format("le corps de la requête n'est pas du JSON valide (octet {})",
                               position),
                   {}, {}, 0};
    return false;
  }

  [[nodiscard]] const std::optional<Error>& error() const { return error_; }

 private:
  struct Level {
    bool object = false;
    std::set<std::string> keys;
    std::string current_key;
    std::size_t next_index = 0;
  };

  // The path of the value being read inside the first `depth` open containers.
  [[nodiscard]] std::string path(std::size_t depth) const {
    std::string p = "$";
    for (std::size_t i = 0; i < depth; ++i) {
      const Level& l = levels_[i];
      if (l.object) {
        p = child_path(p, l.current_key);
      } else {
        p = index_path(p, l.next_index);
      }
    }
    return p;
  }

  bool value() {
    if (!levels_.empty() && !levels_.back().object) ++levels_.back().next_index;
    return true;
  }

  bool open(bool object) {
    if (levels_.size() >= max_depth_) {
      error_ = Error{ErrorCode::invalid_json,
                     fmt::format("JSON trop imbriqué (profondeur maximale {})", max_depth_),
                     path(levels_.size()), {}, 0};
      return false;
    }
    levels_.push_back(Level{object, {}, {}, 0});
    return true;
  }

  bool close() {
    levels_.pop_back();
    return value();
  }

  std::size_t max_depth_;
  std::vector<Level> levels_;
  std::optional<Error> error_;
};

std::size_t utf8_length(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

tl::unexpected<Error> field_error(ErrorCode code, std::string message, const std::string& path) {
  return fail(code, std::move(message), path);
}

bool has_type(const json& v, JsonType t) {
  switch (t) {
    case JsonType::string: return v.is_string();
    case JsonType::integer:
      if (v.is_number_integer() && !v.is_number_unsigned()) return true;
      // Unsigned values are integers too, as long as they fit the signed range we store.
      return v.is_number_unsigned() &&
             v.get<std::uint64_t>() <=
                 static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    case JsonType::number: return v.is_number();
    case JsonType::boolean: return v.is_boolean();
    case JsonType::object: return v.is_object();
    case JsonType::array: return v.is_array();
  }
  return false;
}

// Iterative walk of (value, schema, path) triples, so that the check does not recurse either.
Status check(const json& root, const JsonSchema& root_schema) {
  struct Item {
    const json* value;
    const JsonSchema* schema;
    std::string path;
  };
  std::vector<Item> todo{{&root, &root_schema, "$"}};
  while (!todo.empty()) {
    Item item = std::move(todo.back());
    todo.pop_back();
    const json& v = *item.value;
    const JsonSchema& s = *item.schema;
    if (!has_type(v, s.type)) {
      return field_error(ErrorCode::wrong_type,
                         fmt::format("type attendu : {}", json_type_label(s.type)), item.path);
    }
    switch (s.type) {
      case JsonType::string: {
        const auto& str = v.get_ref<const std::string&>();
        // The JSON parser refuses bytes that are not UTF-8, but "\u0000" decodes to a NUL.
        if (str.find('\0') != std::string::npos) {
          return field_error(ErrorCode::invalid_input, "caractère nul refusé", item.path);
        }
        std::size_t len = utf8_length(str);
        if (len < s.min_length) {
          return field_error(ErrorCode::invalid_input,
                             fmt::format("au moins {} caractère(s) attendu(s)", s.min_length),
                             item.path);
        }
        if (s.max_length != 0 && len > s.max_length) {
          return field_error(ErrorCode::invalid_input,
                             fmt::format("au plus {} caractères acceptés", s.max_length), item.path);
        }
        if (!s.one_of.empty() &&
            std::find(s.one_of.begin(), s.one_of.end(), str) == s.one_of.end()) {
          return field_error(ErrorCode::invalid_input,
                             fmt::format("valeurs possibles : {}", fmt::join(s.one_of, ", ")),
                             item.path);
        }
        break;
      }
      case JsonType::integer: {
        auto n = v.get<std::int64_t>();
        if ((s.minimum && n < *s.minimum) || (s.maximum && n > *s.maximum)) {
          return field_error(
              ErrorCode::invalid_input,
              fmt::format("doit être compris entre {} et {}",
                          s.minimum ? std::to_string(*s.minimum) : std::string("-∞"),
                          s.maximum ? std::to_string(*s.maximum) : std::string("+∞")),
              item.path);
        }
        break;
      }
      case JsonType::number:
      case JsonType::boolean: break;
      case JsonType::object: {
        for (auto it = v.begin(); it != v.end(); ++it) {
          const std::string& key = it.key();
          bool known = std::any_of(s.properties.begin(), s.properties.end(),
                                   [&key](const JsonProperty& p) { return p.name == key; });
          if (!known) {
            return field_error(ErrorCode::unknown_field, "champ inconnu",
                               child_path(item.path, key));
          }
        }
        // Push in reverse so that the first declared field is checked (and reported) first.
        for (auto p = s.properties.rbegin(); p != s.properties.rend(); ++p) {
          auto it = v.find(p->name);
          if (it == v.end()) {
            if (p->required) {
              return field_error(ErrorCode::missing_field, "champ obligatoire manquant",
                                 child_path(item.path, p->name));
            }
            continue;
          }
          todo.push_back({&*it, &p->schema, child_path(item.path, p->name)});
        }
        break;
      }
      case JsonType::array: {
        if (v.size() < s.min_length) {
          return field_error(ErrorCode::invalid_input,
                             fmt::format("au moins {} élément(s) attendu(s)", s.min_length),
                             item.path);
        }
        if (s.max_length != 0 && v.size() > s.max_length) {
          return field_error(ErrorCode::invalid_input,
                             fmt::format("au plus {} éléments acceptés", s.max_length), item.path);
        }
        if (s.items) {
          for (std::size_t i = v.size(); i-- > 0;) {
            todo.push_back({&v[i], s.items.get(), index_path(item.path, i)});
          }
        }
        break;
      }
    }
  }
  return {};
}

}  // namespace

std::string_view json_type_label(JsonType t) {
  switch (t) {
    case JsonType::string: return "chaîne de caractères";
    case JsonType::integer: return "entier";
    case JsonType::number: return "nombre";
    case JsonType::boolean: return "booléen";
    case JsonType::object: return "objet";
    case JsonType::array: return "tableau";
  }
  return "?";
}

Result<json> read_json(std::string_view body, const JsonSchema& schema, const JsonLimits& limits) {
  StrictSax sax(limits.max_depth);
  // sax_parse reports syntax errors through the handler; it does not throw with a handler that
  // returns false, but the catch keeps the "never throws" promise should a version differ.
  try {
    if (!json::sax_parse(body, &sax) || sax.error()) {
      if (sax.error()) return tl::unexpected(*sax.error());
      return fail(ErrorCode::invalid_json, "le corps de la requête n'est pas du JSON valide");
    }
  } catch (const json::exception&) {
    return fail(ErrorCode::invalid_json, "le corps de la requête n'est pas du JSON valide");
  }
  json value = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return fail(ErrorCode::invalid_json, "le corps de la requête n'est pas du JSON valide");
  }
  if (auto st = check(value, schema); !st) return tl::unexpected(st.error());
  return value;
}

json schema_to_openapi(const JsonSchema& s) {
  json out;
  switch (s.type) {
    case JsonType::string: out["type"] = "string"; break;
    case JsonType::integer: out["type"] = "integer"; out["format"] = "int64"; break;
    case JsonType::number: out["type"] = "number"; break;
    case JsonType::boolean: out["type"] = "boolean"; break;
    case JsonType::object: out["type"] = "object"; break;
    case JsonType::array: out["type"] = "array"; break;
  }
  if (!s.description.empty()) out["description"] = s.description;
  if (s.type == JsonType::string) {
    if (s.min_length > 0) out["minLength"] = s.min_length;
    if (s.max_length > 0) out["maxLength"] = s.max_length;
    if (!s.one_of.empty()) out["enum"] = s.one_of;
  }
  if (s.type == JsonType::integer) {
    if (s.minimum) out["minimum"] = *s.minimum;
    if (s.maximum) out["maximum"] = *s.maximum;
  }
  if (s.type == JsonType::array) {
    if (s.min_length > 0) out["minItems"] = s.min_length;
    if (s.max_length > 0) out["maxItems"] = s.max_length;
    if (s.items) out["items"] = schema_to_openapi(*s.items);
  }
  if (s.type == JsonType::object) {
    out["additionalProperties"] = false;
    json props = json::object();
    json required = json::array();
    for (const auto& p : s.properties) {
      props[p.name] = schema_to_openapi(p.schema);
      if (p.required) required.push_back(p.name);
    }
    out["properties"] = std::move(props);
    if (!required.empty()) out["required"] = std::move(required);
  }
  return out;
}

JsonSchema json_string(std::string description, std::size_t min_length, std::size_t max_length) {
  JsonSchema s;
  s.type = JsonType::string;
  s.description = std::move(description);
  s.min_length = min_length;
  s.max_length = max_length;
  return s;
}

JsonSchema json_integer(std::string description, std::optional<std::int64_t> minimum,
                        std::optional<std::int64_t> maximum) {
  JsonSchema s;
  s.type = JsonType::integer;
  s.description = std::move(description);
  s.minimum = minimum;
  s.maximum = maximum;
  return s;
}

JsonSchema json_enum(std::string description, std::vector<std::string> values) {
  JsonSchema s = json_string(std::move(description));
  s.one_of = std::move(values);
  return s;
}

JsonSchema json_array(std::string description, JsonSchema items, std::size_t max_items) {
  JsonSchema s;
  s.type = JsonType::array;
  s.description = std::move(description);
  s.items = std::make_shared<const JsonSchema>(std::move(items));
  s.max_length = max_items;
  return s;
}

JsonSchema json_object(std::string description, std::vector<JsonProperty> properties) {
  JsonSchema s;
  s.type = JsonType::object;
  s.description = std::move(description);
  s.properties = std::move(properties);
  return s;
}

}  // namespace maillage::http
