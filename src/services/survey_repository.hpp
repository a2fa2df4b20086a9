// The SQL of surveys (migration 0015): surveys with their structure, questions, recipients and
// answers. Rows are mapped by column name; writes take the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "survey/survey.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

struct SurveyRow {
  std::int64_t id = 0, structure_id = 0;
  std::string structure_name, departement;
  std::string title, intro, closes_on, status, opened_at, closed_at;
  std::int64_t version = 0;
  std::string created_by, created_at, updated_by, updated_at;
  int recipients = 0, answered = 0, sent = 0, failed = 0;
};

struct RecipientRow {
  std::int64_t id = 0, survey_id = 0;
  std::string email, name, source;
  std::int64_t member_id = 0;  // 0: none
  std::string sent_at, send_error, answered_at;
  std::int64_t answer_version = 0;
};

struct StoredAnswer {
  std::int64_t recipient_id = 0;
  std::string question_id, value;
};

class SurveyRepository {
 public:
  explicit SurveyRepository(store::Database& db) : db_(&db) {}

  /// Every survey with its structure and counts, most recent first.
  Result<std::vector<SurveyRow>> surveys() const;
  Result<std::optional<SurveyRow>> survey(std::int64_t id) const;
  Result<survey::Questionnaire> questions(std::int64_t survey_id) const;
  Result<std::vector<RecipientRow>> recipients(std::int64_t survey_id) const;
  Result<std::vector<StoredAnswer>> answers(std::int64_t survey_id) const;
  Result<std::optional<RecipientRow>> recipient_by_hash(const std::string& token_hash) const;
  Result<std::vector<StoredAnswer>> answers_of(std::int64_t recipient_id) const;

  static Result<std::int64_t> insert_survey(store::Tx& tx, std::int64_t structure_id,
                                            const std::string& title, const std::string& intro,
                                            const std::string& closes_on, const std::string& by,
                                            const std::string& at);
  /// Optimistic: false when the version moved or the survey is closed.
  static Result<bool> update_survey(store::Tx& tx, std::int64_t id, const std::string& title,
                                    const std::string& intro, const std::string& closes_on,
                                    std::int64_t expected_version, const std::string& by,
                                    const std::string& at);
  static Status replace_questions(store::Tx& tx, std::int64_t survey_id,
                                  const survey::Questionnaire& q);
  /// Moves the status ('open' sets opened_at, 'closed' closed_at); false when `from` or the
  /// version does not match (expected_version 0: any version).
  static Result<bool> set_status(store::Tx& tx, std::int64_t id, const std::string& from,
                                 const std::string& to, std::int64_t expected_version,
                                 const std::string& by, const std::string& at);
  static Result<std::vector<std::string>> recipient_emails(store::Tx& tx, std::int64_t survey_id);
  static Result<std::int64_t> insert_recipient(store::Tx& tx, std::int64_t survey_id,
                                               const RecipientRow& r, const std::string& token_hash,
                                               const std::string& at);
  /// A recipient's link renewed: the new token's hash, the previous send result cleared.
  static Status set_token(store::Tx& tx, std::int64_t recipient_id, const std::string& token_hash);
  static Status set_sent(store::Tx& tx, std::int64_t recipient_id, const std::string& sent_at,
                         const std::string& error);
  /// Replaces a recipient's answers at the expected answer version; false when it moved.
  static Result<bool> replace_answers(store::Tx& tx, const RecipientRow& r,
                                      const std::vector<StoredAnswer>& answers,
                                      const std::string& at);

 private:
  store::Database* db_;
};

}  // namespace maillage::services
