// The before/after summaries of an audit row (AuditEntry::before/after) are small JSON objects.
// Services describe them with this builder instead of a JSON library, so that JSON stays a detail
// of the store (audit rows) and of src/http (the API):
//
//   store::AuditDetail{}.add("stage", from).add("date", format_date(d)).json()
//     → {"date":"2024-03-15","stage":"projet_depose"}
//
// Keys come out sorted, strings are escaped as JSON requires (invalid UTF-8 replaced), numbers in
// their shortest exact form: the same text nlohmann::json::dump() gives for the same object.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace maillage::store {

class AuditDetail {
 public:
  AuditDetail& add(std::string_view key, std::string_view value);
  AuditDetail& add(std::string_view key, const char* value) {
    return add(key, std::string_view(value));
  }
  AuditDetail& add(std::string_view key, const std::string& value) {
    return add(key, std::string_view(value));
  }
  AuditDetail& add(std::string_view key, std::int64_t value);
  AuditDetail& add(std::string_view key, int value) {
    return add(key, static_cast<std::int64_t>(value));
  }
  AuditDetail& add(std::string_view key, std::size_t value) {
    return add(key, static_cast<std::int64_t>(value));
  }
  AuditDetail& add(std::string_view key, double value);
  AuditDetail& add(std::string_view key, bool value);
  AuditDetail& add_null(std::string_view key);
  /// A value, or null when absent.
  template <class T>
  AuditDetail& add(std::string_view key, const std::optional<T>& value) {
    return value ? add(key, *value) : add_null(key);
  }
  AuditDetail& add(std::string_view key, const std::vector<std::int64_t>& values);
  AuditDetail& add(std::string_view key, const std::vector<std::string>& values);
  AuditDetail& add(std::string_view key, const AuditDetail& object);
  AuditDetail& add(std::string_view key, const std::vector<AuditDetail>& objects);

  /// The object as JSON text, keys sorted (a key added twice keeps its last value).
  [[nodiscard]] std::string json() const;

 private:
  AuditDetail& raw(std::string_view key, std::string json_value);
  std::vector<std::pair<std::string, std::string>> fields_;  // key, JSON text of the value
};

/// A JSON array of objects, for a summary that is a list (e.g. the slots of a campaign).
[[nodiscard]] std::string audit_array(const std::vector<AuditDetail>& objects);

}  // namespace maillage::store
