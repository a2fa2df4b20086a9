// The audit log viewer: who changed what and when, with the before/after summary that each
// write left (store::audit). An admin reads every row; a ROC reads the rows of their
// départements (the rows of their structures, their sectors and their referents; accounts and
// sessions stay with the admins). Filters: user, entity, action (a prefix: "association" gives
// every association.* action), structure, dates; newest first, a page at a time; CSV export of
// the same selection.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/auth.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

struct AuditFilter {
  std::string user;          // login, or part of it
  std::string entity;        // "structure", "association_member", ... (exact)
  std::string entity_id;     // with entity: one record
  std::string action;        // "structure.update", or a prefix ending before a dot: "structure"
  std::int64_t structure_id = 0;
  std::string departement;   // "57"
  std::string from, to;      // YYYY-MM-DD, both included; empty: open
  std::int64_t before_id = 0;  // keyset paging: rows older than this id; 0: from the newest
  int limit = 50;            // 1..500
};

struct AuditRow {
  std::int64_t id = 0;
  std::string at;  // 2026-11-24T16:22:12.123Z
  std::string user, action, entity, entity_id;
  std::string before, after;  // JSON summaries, may be empty
  std::int64_t structure_id = 0;
  std::string structure_name;  // empty when the structure is gone or none
  std::string departement;
};

struct AuditPage {
  std::vector<AuditRow> rows;
  std::int64_t next_before_id = 0;  // 0: no older row
};

/// The entity kinds and action names found in the log, for the filter lists of the page.
struct AuditChoices {
  std::vector<std::string> entities;
  std::vector<std::string> actions;
};

class AuditLog {
 public:
  explicit AuditLog(store::Database& db) : db_(&db) {}

  /// forbidden for roles other than admin and ROC; invalid_input for a bad date or limit (the
  /// field named), or a département outside the ROC's scope.
  Result<AuditPage> search(const Principal& who, const AuditFilter& filter) const;
  /// The whole selection (no paging), newest first, at most `max_export_rows`; too_large beyond.
  Result<std::vector<AuditRow>> export_rows(const Principal& who, AuditFilter filter) const;
  Result<AuditChoices> choices(const Principal& who) const;

  static constexpr std::size_t max_export_rows = 100000;

 private:
  store::Database* db_;
};

}  // namespace maillage::services
