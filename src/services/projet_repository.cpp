#include "services/projet_repository.hpp"

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::NamedRow;
using store::Tx;

namespace {

std::vector<std::string> split_ids(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ",") {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

std::string join_ids(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : ",") + id;
  return out;
}

ProjetTextRow text_of(const NamedRow& r) {
  return {r.text("prompt"), r.text("body"), r.integer("version"), r.text("author"),
          r.text("updated_at")};
}

ProjetTemplateRow template_of(const NamedRow& r, bool with_body) {
  return {r.text("region"), r.integer("version"), with_body ? r.text("body") : std::string(),
          r.text("note"),   r.text("created_by"), r.text("created_at")};
}

}  // namespace

Result<std::optional<ProjetDraftRow>> ProjetRepository::draft(std::int64_t structure) const {
  auto rows =
      MAILLAGE_TRY(db_->query("SELECT missions, version, updated_by, updated_at FROM projet_drafts "
                              "WHERE structure_id = $1",
                              {structure}));
  if (rows.rows.empty()) return std::optional<ProjetDraftRow>();
  NamedRow r = rows.named(0);
  return std::optional<ProjetDraftRow>(ProjetDraftRow{split_ids(r.text("missions")),
                                                      r.integer("version"), r.text("updated_by"),
                                                      r.text("updated_at")});
}

Result<std::vector<ProjetTextRow>> ProjetRepository::texts(std::int64_t structure) const {
  auto rows =
      MAILLAGE_TRY(db_->query("SELECT prompt, body, version, author, updated_at FROM projet_texts "
                              "WHERE structure_id = $1 ORDER BY prompt",
                              {structure}));
  std::vector<ProjetTextRow> out;
  for (NamedRow r : rows.each()) out.push_back(text_of(r));
  return out;
}

Result<std::vector<ProjetTextRow>> ProjetRepository::history(std::int64_t structure,
                                                             const std::string& prompt) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT prompt, body, version, author, written_at AS updated_at FROM projet_text_history "
      "WHERE structure_id = $1 AND prompt = $2 ORDER BY version DESC",
      {structure, prompt}));
  std::vector<ProjetTextRow> out;
  for (NamedRow r : rows.each()) out.push_back(text_of(r));
  return out;
}

Result<std::optional<ProjetTemplateRow>> ProjetRepository::current_template(
    const std::string& region) const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT region, version, body, note, created_by, created_at FROM projet_templates "
                 "WHERE region = $1 ORDER BY version DESC LIMIT 1",
                 {region}));
  if (rows.rows.empty()) return std::optional<ProjetTemplateRow>();
  return std::optional<ProjetTemplateRow>(template_of(rows.named(0), true));
}

Result<std::vector<ProjetTemplateRow>> ProjetRepository::template_versions(
    const std::string& region) const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT region, version, note, created_by, created_at FROM projet_templates "
                 "WHERE region = $1 ORDER BY version DESC",
                 {region}));
  std::vector<ProjetTemplateRow> out;
  for (NamedRow r : rows.each()) out.push_back(template_of(r, false));
  return out;
}

Result<std::vector<ProjetSubmissionRow>> ProjetRepository::submissions(
    std::int64_t structure) const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT id, document_id, template_label, missions, submitted_by, submitted_at "
                 "FROM projet_submissions WHERE structure_id = $1 ORDER BY id DESC",
                 {structure}));
  std::vector<ProjetSubmissionRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("id"), r.integer("document_id"), r.text("template_label"),
                   r.text("missions"), r.text("submitted_by"), r.text("submitted_at")});
  }
  return out;
}

Result<std::vector<ProjetCommentRow>> ProjetRepository::comments(std::int64_t structure) const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT id, chapter, body, author, role, created_at FROM projet_comments "
                 "WHERE structure_id = $1 ORDER BY id",
                 {structure}));
  std::vector<ProjetCommentRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("id"), r.text("chapter"), r.text("body"), r.text("author"),
                   r.text("role"), r.text("created_at")});
  }
  return out;
}

Result<std::int64_t> ProjetRepository::add_comment(Tx& tx, std::int64_t structure,
                                                   const ProjetCommentRow& row) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO projet_comments (structure_id, chapter, body, author, role, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      {structure, row.chapter, row.body, row.author, row.role, row.created_at}));
  return rows.named(0).integer("id");
}

Result<bool> ProjetRepository::save_draft(Tx& tx, std::int64_t structure, std::int64_t expected,
                                          const std::vector<std::string>& missions,
                                          const std::string& by, const std::string& at) {
  if (expected == 0) {
    // ON CONFLICT DO NOTHING: a concurrent first save makes this one a conflict, not an error.
    auto n = MAILLAGE_TRY(tx.exec(
        "INSERT INTO projet_drafts (structure_id, missions, version, updated_by, updated_at) "
        "VALUES ($1, $2, 1, $3, $4) ON CONFLICT (structure_id) DO NOTHING",
        {structure, join_ids(missions), by, at}));
    return n == 1;
  }
  auto n = MAILLAGE_TRY(
      tx.exec("UPDATE projet_drafts SET missions = $1, version = version + 1, updated_by = $2, "
              "updated_at = $3 WHERE structure_id = $4 AND version = $5",
              {join_ids(missions), by, at, structure, expected}));
  return n == 1;
}

Result<bool> ProjetRepository::save_text(Tx& tx, std::int64_t structure, const std::string& prompt,
                                         std::int64_t expected, const std::string& body,
                                         std::int64_t author_id, const std::string& author,
                                         const std::string& at) {
  // No account (system writes, tests): NULLIF stores NULL rather than a dangling 0.
  std::int64_t n = 0;
  if (expected == 0) {
    n = MAILLAGE_TRY(
        tx.exec("INSERT INTO projet_texts (structure_id, prompt, body, version, author_id, author, "
                "updated_at) VALUES ($1, $2, $3, 1, NULLIF($4, 0), $5, $6) "
                "ON CONFLICT (structure_id, prompt) DO NOTHING",
                {structure, prompt, body, author_id, author, at}));
  } else {
    n = MAILLAGE_TRY(tx.exec(
        "UPDATE projet_texts SET body = $1, version = version + 1, author_id = NULLIF($2, 0), "
        "author = $3, "
        "updated_at = $4 WHERE structure_id = $5 AND prompt = $6 AND version = $7",
        {body, author_id, author, at, structure, prompt, expected}));
  }
  if (n != 1) return false;
  MAILLAGE_CHECK(tx.exec(
      "INSERT INTO projet_text_history (structure_id, prompt, version, body, author_id, author, "
      "written_at) VALUES ($1, $2, $3, $4, NULLIF($5, 0), $6, $7)",
      {structure, prompt, expected + 1, body, author_id, author, at}));
  return true;
}

Result<bool> ProjetRepository::add_template(Tx& tx, const std::string& region,
                                            std::int64_t expected, const std::string& body,
                                            const std::string& note, const std::string& by,
                                            const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "SELECT COALESCE(MAX(version), 0) AS v FROM projet_templates WHERE region = $1", {region}));
  if (rows.named(0).integer("v") != expected) return false;
  auto n = MAILLAGE_TRY(
      tx.exec("INSERT INTO projet_templates (region, version, body, note, created_by, created_at) "
              "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (region, version) DO NOTHING",
              {region, expected + 1, body, note, by, at}));
  return n == 1;
}

Status ProjetRepository::add_submission(Tx& tx, std::int64_t structure, std::int64_t document,
                                        const std::string& template_label,
                                        const std::string& missions, const std::string& by,
                                        const std::string& at) {
  MAILLAGE_CHECK(tx.exec(
      "INSERT INTO projet_submissions (structure_id, document_id, template_label, missions, "
      "submitted_by, submitted_at) VALUES ($1, $2, $3, $4, $5, $6)",
      {structure, document, template_label, missions, by, at}));
  return {};
}

}  // namespace maillage::services
