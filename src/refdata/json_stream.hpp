// Streaming JSON reading for the registry packages (internal to src/refdata). The packages are
// large arrays of small objects: building a whole nlohmann DOM costs seconds in a debug build,
// so nlohmann's SAX interface streams them instead, one flat record at a time, and a counting
// input iterator gives every value its line number for error messages.
#pragma once

#include <cstdint>
#include <functional>
#include <iterator>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/error.hpp"
#include "common/line_counting_iterator.hpp"

namespace maillage::refdata::detail {

using JsonScalar = std::variant<std::nullptr_t, bool, std::int64_t, double, std::string>;

// A scalar of a record with its path inside the record: "code", "codesPostaux[]",
// "membres[].code", "properties.name".
struct JsonField {
  std::string path;
  JsonScalar value;
  std::int64_t line = 0;
};

struct JsonRecord {
  std::size_t item = 0;   // position in the top-level array
  std::int64_t line = 0;  // line where the record starts
  std::vector<JsonField> fields;

  // The first field with this path, or nullptr.
  [[nodiscard]] const JsonField* find(std::string_view path) const;
};

// Reads `text`, whose top level must be an array of objects, and calls on_record for each
// element in order. Syntax errors and a non-array top level give a parse_error naming `file`
// and the line; an error returned by on_record stops the reading and is returned.
Status for_each_record(std::string_view text, const std::string& file,
                       const std::function<Status(const JsonRecord&)>& on_record);

// Line (1-based) of the byte at `offset` in text.
std::int64_t line_at(std::string_view text, std::size_t offset);

// The parsers count lines with maillage::LineCountingIterator (common/line_counting_iterator.hpp).

}  // namespace maillage::refdata::detail
