// The SQL of crisis mode (migration 0018): crises with their windows, and the people mapped from
// the survey's respondents to the planning campaign. Rows are mapped by column name; writes take
// the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "survey/crisis.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

struct CrisisRow {
  std::int64_t id = 0, structure_id = 0;
  std::string structure_name, departement;
  std::string title, kind, profession;
  crisis::Plan plan;  // days and windows filled by crisis()
  bool audience_members = false, audience_rpps = false;
  std::vector<std::string> audience_professions;
  std::string audience_pasted;
  std::int64_t survey_id = 0, campaign_id = 0, newsletter_id = 0;
  std::string built_at, planning_sent_at;
  std::int64_t version = 0;
  std::string created_by, created_at, updated_by, updated_at;
  int recipients = 0, answered = 0;  // of the survey
};

struct CrisisPersonRow {
  std::int64_t recipient_id = 0, member_id = 0;  // member 0: none (deleted from the campaign)
  std::string planning_sent_at, planning_error;
};

class CrisisRepository {
 public:
  explicit CrisisRepository(store::Database& db) : db_(&db) {}

  /// Every crisis with its structure, windows and the survey's counts, most recent first.
  Result<std::vector<CrisisRow>> crises() const;
  /// One crisis with its windows (nullopt: none).
  Result<std::optional<CrisisRow>> crisis(std::int64_t id) const;
  Result<std::vector<CrisisPersonRow>> people(std::int64_t crisis_id) const;

  static Result<std::int64_t> insert(store::Tx& tx, const CrisisRow& c, const std::string& at);
  /// Optimistic: false when the version moved. Sets built_at when `built`, planning_sent_at when
  /// `planning_sent`.
  static Result<bool> touch(store::Tx& tx, std::int64_t id, std::int64_t expected_version,
                            const std::string& by, const std::string& at, bool built,
                            bool planning_sent);
  static Status set_person(store::Tx& tx, std::int64_t crisis_id, std::int64_t recipient_id,
                           std::int64_t member_id);
  static Status set_planning_sent(store::Tx& tx, std::int64_t crisis_id,
                                  std::int64_t recipient_id, const std::string& sent_at,
                                  const std::string& error);

 private:
  store::Database* db_;
};

}  // namespace maillage::services
