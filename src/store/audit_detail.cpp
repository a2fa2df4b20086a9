#include "store/audit_detail.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace maillage::store {

namespace {

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

AuditDetail& AuditDetail::raw(std::string_view key, std::string json_value) {
  for (auto& [k, v] : fields_) {
    if (k == key) {
      v = std::move(json_value);
      return *this;
    }
  }
  fields_.emplace_back(std::string(key), std::move(json_value));
  return *this;
}

AuditDetail& AuditDetail::add(std::string_view key, std::string_view value) {
  return raw(key, dump(nlohmann::json(std::string(value))));
}
AuditDetail& AuditDetail::add(std::string_view key, std::int64_t value) {
  return raw(key, dump(nlohmann::json(value)));
}
AuditDetail& AuditDetail::add(std::string_view key, double value) {
  return raw(key, dump(nlohmann::json(value)));
}
AuditDetail& AuditDetail::add(std::string_view key, bool value) {
  return raw(key, value ? "true" : "false");
}
AuditDetail& AuditDetail::add_null(std::string_view key) { return raw(key, "null"); }
AuditDetail& AuditDetail::add(std::string_view key, const std::vector<std::int64_t>& values) {
  return raw(key, dump(nlohmann::json(values)));
}
AuditDetail& AuditDetail::add(std::string_view key, const std::vector<std::string>& values) {
  return raw(key, dump(nlohmann::json(values)));
}
AuditDetail& AuditDetail::add(std::string_view key, const AuditDetail& object) {
  return raw(key, object.json());
}
AuditDetail& AuditDetail::add(std::string_view key, const std::vector<AuditDetail>& objects) {
  return raw(key, audit_array(objects));
}

std::string AuditDetail::json() const {
  std::vector<const std::pair<std::string, std::string>*> sorted;
  sorted.reserve(fields_.size());
  for (const auto& f : fields_) sorted.push_back(&f);
  std::sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->first < b->first; });
  std::string out = "{";
  for (const auto* f : sorted) {
    if (out.size() > 1) out += ',';
    out += dump(nlohmann::json(f->first));
    out += ':';
    out += f->second;
  }
  return out + "}";
}

std::string audit_array(const std::vector<AuditDetail>& objects) {
  std::string out = "[";
  for (const auto& o : objects) {
    if (out.size() > 1) out += ',';
    out += o.json();
  }
  return out + "]";
}

}  // namespace maillage::store
