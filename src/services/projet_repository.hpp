// The SQL of the projet de santé pre-draft (migration 0009): missions chosen per structure, the
// porteurs' texts with their history, regional templates (versioned) and submissions. Rows are
// mapped by column name; writes take the caller's transaction. The use cases
// (services/projet_sante.cpp) keep authorisation, version checks and audit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

struct ProjetDraftRow {
  std::vector<std::string> missions;
  std::int64_t version = 0;
  std::string updated_by, updated_at;
};

struct ProjetTextRow {
  std::string prompt;
  std::string body;
  std::int64_t version = 0;
  std::string author;
  std::string updated_at;
};

struct ProjetTemplateRow {
  std::string region;
  std::int64_t version = 0;
  std::string body;
  std::string note;
  std::string created_by, created_at;
};

struct ProjetSubmissionRow {
  std::int64_t id = 0;
  std::int64_t document_id = 0;
  std::string template_label;
  std::string missions;
  std::string submitted_by, submitted_at;
};

struct ProjetCommentRow {
  std::int64_t id = 0;
  std::string chapter, body, author, role, created_at;
};

class ProjetRepository {
 public:
  explicit ProjetRepository(store::Database& db) : db_(&db) {}

  Result<std::optional<ProjetDraftRow>> draft(std::int64_t structure) const;
  Result<std::vector<ProjetTextRow>> texts(std::int64_t structure) const;
  /// Every version of one prompt's text, newest first.
  Result<std::vector<ProjetTextRow>> history(std::int64_t structure,
                                             const std::string& prompt) const;
  /// The région's template in force (highest version), none when the région has none.
  Result<std::optional<ProjetTemplateRow>> current_template(const std::string& region) const;
  /// Every version of the région's template, newest first (bodies left out).
  Result<std::vector<ProjetTemplateRow>> template_versions(const std::string& region) const;
  Result<std::vector<ProjetSubmissionRow>> submissions(std::int64_t structure) const;
  /// Comments of the structure's draft, oldest first.
  Result<std::vector<ProjetCommentRow>> comments(std::int64_t structure) const;
  static Result<std::int64_t> add_comment(store::Tx& tx, std::int64_t structure,
                                          const ProjetCommentRow& row);

  /// Writes the missions if the stored version is `expected` (0: none stored yet); false when
  /// someone changed it meanwhile.
  static Result<bool> save_draft(store::Tx& tx, std::int64_t structure, std::int64_t expected,
                                 const std::vector<std::string>& missions, const std::string& by,
                                 const std::string& at);
  /// The same for one prompt's text; the new version also goes to the history.
  static Result<bool> save_text(store::Tx& tx, std::int64_t structure, const std::string& prompt,
                                std::int64_t expected, const std::string& body,
                                std::int64_t author_id, const std::string& author,
                                const std::string& at);
  /// Adds version `expected + 1` of the région's template; false when that version exists.
  static Result<bool> add_template(store::Tx& tx, const std::string& region, std::int64_t expected,
                                   const std::string& body, const std::string& note,
                                   const std::string& by, const std::string& at);
  static Status add_submission(store::Tx& tx, std::int64_t structure, std::int64_t document,
                               const std::string& template_label, const std::string& missions,
                               const std::string& by, const std::string& at);

 private:
  store::Database* db_;
};

}  // namespace maillage::services
