// Strict reader of JSON request bodies. A body is checked against a small schema (types,
// required fields, unknown fields, lengths, bounds, allowed values) before a handler sees it;
// every error names the offending field as a JSON path ("$.structures[2]"). The same schemas
// feed the OpenAPI document. This is the libFuzzer target's entry point (fuzz/json_request).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace maillage::http {

enum class JsonType : std::uint8_t { string, integer, number, boolean, object, array };
std::string_view json_type_label(JsonType t);  // French: "une chaîne", "un entier", ...

struct JsonProperty;

struct JsonSchema {
  JsonType type = JsonType::object;
  std::string description;
  std::vector<JsonProperty> properties;  // object: the accepted fields (others are refused)
  std::shared_ptr<const JsonSchema> items;  // array: schema of every element
  std::size_t min_length = 0;     // string: characters (UTF-8 code points); array: elements
  std::size_t max_length = 0;     // 0 = no limit
  std::optional<std::int64_t> minimum;  // integer bounds, inclusive
  std::optional<std::int64_t> maximum;
  std::vector<std::string> one_of;  // string: allowed values (empty = any)
};

struct JsonProperty {
  std::string name;
  bool required = false;
  JsonSchema schema;
};

struct JsonLimits {
  std::size_t max_depth = 32;  // nesting of arrays and objects
};

/// Parses `body` and checks it against `schema`. Errors: invalid_json (not JSON, duplicate key,
/// too deep), wrong_type, missing_field, unknown_field, invalid_input (length, bounds, values),
/// each with Error::field set to the JSON path. Never throws.
Result<nlohmann::json> read_json(std::string_view body, const JsonSchema& schema,
                                 const JsonLimits& limits = {});

/// The schema as an OpenAPI 3 / JSON Schema object.
nlohmann::json schema_to_openapi(const JsonSchema& schema);

// Small builders so that route tables read like the documentation.
JsonSchema json_string(std::string description, std::size_t min_length = 0,
                       std::size_t max_length = 0);
JsonSchema json_integer(std::string description, std::optional<std::int64_t> minimum = {},
                        std::optional<std::int64_t> maximum = {});
JsonSchema json_enum(std::string description, std::vector<std::string> values);
JsonSchema json_array(std::string description, JsonSchema items, std::size_t max_items = 0);
JsonSchema json_object(std::string description, std::vector<JsonProperty> properties);

}  // namespace maillage::http
