#include "services/survey_repository.hpp"

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::NamedRow;
using store::Tx;
using store::Value;

namespace {

constexpr const char* kSurveySelect =
    "SELECT s.id, s.structure_id, st.name AS structure_name, st.departement, s.title, s.intro, "
    "s.closes_on, s.status, s.opened_at, s.closed_at, s.version, s.created_by, s.created_at, "
    "s.updated_by, s.updated_at, "
    "(SELECT COUNT(*) FROM survey_recipients r WHERE r.survey_id = s.id) AS recipients, "
    "(SELECT COUNT(*) FROM survey_recipients r WHERE r.survey_id = s.id AND r.answered_at IS NOT "
    "NULL) AS answered, "
    "(SELECT COUNT(*) FROM survey_recipients r WHERE r.survey_id = s.id AND r.sent_at IS NOT "
    "NULL) AS sent, "
    "(SELECT COUNT(*) FROM survey_recipients r WHERE r.survey_id = s.id AND r.send_error <> '') "
    "AS failed "
    "FROM surveys s JOIN structures st ON st.id = s.structure_id";

SurveyRow survey_of(const NamedRow& r) {
  SurveyRow s;
  s.id = r.integer("id");
  s.structure_id = r.integer("structure_id");
  s.structure_name = r.text("structure_name");
  s.departement = r.text("departement");
  s.title = r.text("title");
  s.intro = r.text("intro");
  s.closes_on = r.text("closes_on");
  s.status = r.text("status");
  s.opened_at = r.text("opened_at");
  s.closed_at = r.text("closed_at");
  s.version = r.integer("version");
  s.created_by = r.text("created_by");
  s.created_at = r.text("created_at");
  s.updated_by = r.text("updated_by");
  s.updated_at = r.text("updated_at");
  s.recipients = static_cast<int>(r.integer("recipients"));
  s.answered = static_cast<int>(r.integer("answered"));
  s.sent = static_cast<int>(r.integer("sent"));
  s.failed = static_cast<int>(r.integer("failed"));
  return s;
}

constexpr const char* kRecipientColumns =
    "id, survey_id, email, name, source, member_id, sent_at, send_error, answered_at, "
    "answer_version";

RecipientRow recipient_of(const NamedRow& r) {
  RecipientRow x;
  x.id = r.integer("id");
  x.survey_id = r.integer("survey_id");
  x.email = r.text("email");
  x.name = r.text("name");
  x.source = r.text("source");
  x.member_id = r.integer("member_id");
  x.sent_at = r.text("sent_at");
  x.send_error = r.text("send_error");
  x.answered_at = r.text("answered_at");
  x.answer_version = r.integer("answer_version");
  return x;
}

std::string join_lines(const std::vector<std::string>& list) {
  std::string out;
  for (std::size_t i = 0; i < list.size(); ++i) out += (i ? "\n" : "") + list[i];
  return out;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  std::size_t start = 0;
  while (true) {
    const auto at = text.find('\n', start);
    out.push_back(text.substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  return out;
}

Value optional_real(const std::optional<double>& v) { return v ? Value(*v) : Value(nullptr); }

Value optional_text(const std::string& v) { return v.empty() ? Value(nullptr) : Value(v); }

}  // namespace

Result<std::vector<SurveyRow>> SurveyRepository::surveys() const {
  auto rows = MAILLAGE_TRY(
      db_->query(std::string(kSurveySelect) + " ORDER BY s.created_at DESC, s.id DESC"));
  std::vector<SurveyRow> out;
  for (NamedRow r : rows.each()) out.push_back(survey_of(r));
  return out;
}

Result<std::optional<SurveyRow>> SurveyRepository::survey(std::int64_t id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string(kSurveySelect) + " WHERE s.id = $1", {id}));
  if (rows.empty()) return std::optional<SurveyRow>{};
  return std::optional<SurveyRow>{survey_of(rows.named(0))};
}

Result<survey::Questionnaire> SurveyRepository::questions(std::int64_t survey_id) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT question_id, kind, label, help, required, options, max_choices, min_value, "
      "max_value, integer_only, min_date, max_date, max_length, days, slots FROM "
      "survey_questions WHERE survey_id = $1 ORDER BY ordinal",
      {survey_id}));
  survey::Questionnaire q;
  for (NamedRow r : rows.each()) {
    survey::Question x;
    x.id = r.text("question_id");
    x.kind = survey::kind_from_id(r.text("kind")).value_or(survey::Kind::text);
    x.label = r.text("label");
    x.help = r.text("help");
    x.required = r.boolean("required");
    x.options = split_lines(r.text("options"));
    x.max_choices = static_cast<int>(r.integer("max_choices"));
    if (!r.is_null("min_value")) x.min = r.real("min_value");
    if (!r.is_null("max_value")) x.max = r.real("max_value");
    x.integer = r.boolean("integer_only");
    x.min_date = r.text("min_date");
    x.max_date = r.text("max_date");
    x.max_length = static_cast<int>(r.integer("max_length"));
    x.days = split_lines(r.text("days"));
    x.slots = split_lines(r.text("slots"));
    q.questions.push_back(std::move(x));
  }
  return q;
}

Result<std::vector<RecipientRow>> SurveyRepository::recipients(std::int64_t survey_id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kRecipientColumns +
                                          " FROM survey_recipients WHERE survey_id = $1 "
                                          "ORDER BY name, email",
                                      {survey_id}));
  std::vector<RecipientRow> out;
  for (NamedRow r : rows.each()) out.push_back(recipient_of(r));
  return out;
}

Result<std::vector<StoredAnswer>> SurveyRepository::answers(std::int64_t survey_id) const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT recipient_id, question_id, value FROM survey_answers WHERE survey_id = "
                 "$1 ORDER BY recipient_id, question_id",
                 {survey_id}));
  std::vector<StoredAnswer> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("recipient_id"), r.text("question_id"), r.text("value")});
  }
  return out;
}

Result<std::optional<RecipientRow>> SurveyRepository::recipient_by_hash(
    const std::string& token_hash) const {
  auto rows = MAILLAGE_TRY(db_->query(
      std::string("SELECT ") + kRecipientColumns + " FROM survey_recipients WHERE token_hash = $1",
      {token_hash}));
  if (rows.empty()) return std::optional<RecipientRow>{};
  return std::optional<RecipientRow>{recipient_of(rows.named(0))};
}

Result<std::vector<StoredAnswer>> SurveyRepository::answers_of(std::int64_t recipient_id) const {
  auto rows =
      MAILLAGE_TRY(db_->query("SELECT recipient_id, question_id, value FROM survey_answers WHERE "
                              "recipient_id = $1 ORDER BY question_id",
                              {recipient_id}));
  std::vector<StoredAnswer> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("recipient_id"), r.text("question_id"), r.text("value")});
  }
  return out;
}

Result<std::int64_t> SurveyRepository::insert_survey(Tx& tx, std::int64_t structure_id,
                                                     const std::string& title,
                                                     const std::string& intro,
                                                     const std::string& closes_on,
                                                     const std::string& by, const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO surveys (structure_id, title, intro, closes_on, status, version, created_by, "
      "created_at, updated_by, updated_at) VALUES ($1, $2, $3, $4, 'draft', 1, $5, $6, $5, $6) "
      "RETURNING id",
      {structure_id, title, intro, closes_on, by, at}));
  return rows.named(0).integer("id");
}

Result<bool> SurveyRepository::update_survey(Tx& tx, std::int64_t id, const std::string& title,
                                             const std::string& intro, const std::string& closes_on,
                                             std::int64_t expected_version, const std::string& by,
                                             const std::string& at) {
  const std::int64_t n = MAILLAGE_TRY(tx.exec(
      "UPDATE surveys SET title = $2, intro = $3, closes_on = $4, version = version + 1, "
      "updated_by = $5, updated_at = $6 WHERE id = $1 AND version = $7 AND status <> 'closed'",
      {id, title, intro, closes_on, by, at, expected_version}));
  return n == 1;
}

Status SurveyRepository::replace_questions(Tx& tx, std::int64_t survey_id,
                                           const survey::Questionnaire& q) {
  MAILLAGE_TRY(tx.exec("DELETE FROM survey_questions WHERE survey_id = $1", {survey_id}));
  for (std::size_t i = 0; i < q.questions.size(); ++i) {
    const auto& x = q.questions[i];
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO survey_questions (survey_id, ordinal, question_id, kind, label, help, "
        "required, options, max_choices, min_value, max_value, integer_only, min_date, max_date, "
        "max_length, days, slots) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
        "$13, $14, $15, $16, $17)",
        {survey_id, static_cast<std::int64_t>(i), x.id, std::string(survey::kind_id(x.kind)),
         x.label, x.help, std::int64_t{x.required ? 1 : 0}, join_lines(x.options),
         std::int64_t{x.max_choices}, optional_real(x.min), optional_real(x.max),
         std::int64_t{x.integer ? 1 : 0}, x.min_date, x.max_date, std::int64_t{x.max_length},
         join_lines(x.days), join_lines(x.slots)}));
  }
  return {};
}

Result<bool> SurveyRepository::set_status(Tx& tx, std::int64_t id, const std::string& from,
                                          const std::string& to, std::int64_t expected_version,
                                          const std::string& by, const std::string& at) {
  const std::string stamp = to == "open" ? "opened_at" : "closed_at";
  std::string sql = "UPDATE surveys SET status = $3, " + stamp +
                    " = $5, version = version + 1, updated_by = $4, updated_at = $5 WHERE id = "
                    "$1 AND status = $2";
  store::Params params{id, from, to, by, at};
  if (expected_version > 0) {
    sql += " AND version = $6";
    params.emplace_back(expected_version);
  }
  const std::int64_t n = MAILLAGE_TRY(tx.exec(sql, params));
  return n == 1;
}

Result<std::vector<std::string>> SurveyRepository::recipient_emails(Tx& tx,
                                                                    std::int64_t survey_id) {
  auto rows = MAILLAGE_TRY(
      tx.query("SELECT email FROM survey_recipients WHERE survey_id = $1", {survey_id}));
  std::vector<std::string> out;
  for (NamedRow r : rows.each()) out.push_back(r.text("email"));
  return out;
}

Result<std::int64_t> SurveyRepository::insert_recipient(Tx& tx, std::int64_t survey_id,
                                                        const RecipientRow& r,
                                                        const std::string& token_hash,
                                                        const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO survey_recipients (survey_id, email, name, source, member_id, token_hash, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {survey_id, r.email, r.name, r.source, r.member_id > 0 ? Value(r.member_id) : Value(nullptr),
       token_hash, at}));
  return rows.named(0).integer("id");
}

Status SurveyRepository::set_sent(Tx& tx, std::int64_t recipient_id, const std::string& sent_at,
                                  const std::string& error) {
  MAILLAGE_TRY(tx.exec("UPDATE survey_recipients SET sent_at = $2, send_error = $3 WHERE id = $1",
                       {recipient_id, optional_text(sent_at), error}));
  return {};
}

Result<bool> SurveyRepository::replace_answers(Tx& tx, const RecipientRow& r,
                                               const std::vector<StoredAnswer>& answers,
                                               const std::string& at) {
  const std::int64_t n = MAILLAGE_TRY(
      tx.exec("UPDATE survey_recipients SET answered_at = $2, answer_version = answer_version + "
              "1 WHERE id = $1 AND answer_version = $3",
              {r.id, at, r.answer_version}));
  if (n != 1) return false;
  MAILLAGE_TRY(tx.exec("DELETE FROM survey_answers WHERE recipient_id = $1", {r.id}));
  for (const auto& a : answers) {
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO survey_answers (recipient_id, survey_id, question_id, value) VALUES ($1, "
        "$2, $3, $4)",
        {r.id, r.survey_id, a.question_id, a.value}));
  }
  return true;
}

Status SurveyRepository::set_token(Tx& tx, std::int64_t recipient_id,
                                   const std::string& token_hash) {
  MAILLAGE_TRY(tx.exec(
      "UPDATE survey_recipients SET token_hash = $1, sent_at = NULL, send_error = '' WHERE id = $2",
      {token_hash, recipient_id}));
  return {};
}

}  // namespace maillage::services
