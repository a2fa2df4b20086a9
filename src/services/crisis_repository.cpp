#include "services/crisis_repository.hpp"

#include <map>

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::NamedRow;
using store::Tx;
using store::Value;

namespace {

constexpr const char* kCrisisSelect =
    "SELECT c.id, c.structure_id, st.name AS structure_name, st.departement, c.title, c.kind, "
    "c.first_day, c.last_day, c.days, c.profession, c.audience_members, c.audience_rpps, "
    "c.audience_professions, c.audience_pasted, c.survey_id, c.campaign_id, c.newsletter_id, "
    "c.built_at, c.planning_sent_at, c.version, c.created_by, c.created_at, c.updated_by, "
    "c.updated_at, "
    "(SELECT COUNT(*) FROM survey_recipients r WHERE r.survey_id = c.survey_id) AS recipients, "
    "(SELECT COUNT(*) FROM survey_recipients r WHERE r.survey_id = c.survey_id AND "
    "r.answered_at IS NOT NULL) AS answered "
    "FROM crises c JOIN structures st ON st.id = c.structure_id";

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    const auto at = text.find('\n', start);
    const auto line = text.substr(start, at == std::string::npos ? std::string::npos : at - start);
    if (!line.empty()) out.push_back(line);
    if (at == std::string::npos) break;
    start = at + 1;
  }
  return out;
}

std::string join_lines(const std::vector<std::string>& list) {
  std::string out;
  for (std::size_t i = 0; i < list.size(); ++i) out += (i ? "\n" : "") + list[i];
  return out;
}

CrisisRow crisis_of(const NamedRow& r) {
  CrisisRow c;
  c.id = r.integer("id");
  c.structure_id = r.integer("structure_id");
  c.structure_name = r.text("structure_name");
  c.departement = r.text("departement");
  c.title = r.text("title");
  c.kind = r.text("kind");
  c.plan.first_day = r.text("first_day");
  c.plan.last_day = r.text("last_day");
  c.plan.days = split_lines(r.text("days"));
  c.profession = r.text("profession");
  c.audience_members = r.integer("audience_members") != 0;
  c.audience_rpps = r.integer("audience_rpps") != 0;
  c.audience_professions = split_lines(r.text("audience_professions"));
  c.audience_pasted = r.text("audience_pasted");
  c.survey_id = r.integer("survey_id");
  c.campaign_id = r.integer("campaign_id");
  c.newsletter_id = r.integer("newsletter_id");
  c.built_at = r.text("built_at");
  c.planning_sent_at = r.text("planning_sent_at");
  c.version = r.integer("version");
  c.created_by = r.text("created_by");
  c.created_at = r.text("created_at");
  c.updated_by = r.text("updated_by");
  c.updated_at = r.text("updated_at");
  c.recipients = static_cast<int>(r.integer("recipients"));
  c.answered = static_cast<int>(r.integer("answered"));
  return c;
}

}  // namespace

Result<std::vector<CrisisRow>> CrisisRepository::crises() const {
  auto rows = MAILLAGE_TRY(
      db_->query(std::string(kCrisisSelect) + " ORDER BY c.created_at DESC, c.id DESC"));
  std::vector<CrisisRow> out;
  std::map<std::int64_t, std::size_t> at;
  for (NamedRow r : rows.each()) {
    out.push_back(crisis_of(r));
    at[out.back().id] = out.size() - 1;
  }
  auto windows = MAILLAGE_TRY(db_->query(
      "SELECT crisis_id, start_time, end_time, need FROM crisis_windows ORDER BY crisis_id, "
      "ordinal"));
  for (NamedRow w : windows.each()) {
    auto it = at.find(w.integer("crisis_id"));
    if (it == at.end()) continue;
    out[it->second].plan.windows.push_back(
        {w.text("start_time"), w.text("end_time"), static_cast<int>(w.integer("need"))});
  }
  return out;
}

Result<std::optional<CrisisRow>> CrisisRepository::crisis(std::int64_t id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string(kCrisisSelect) + " WHERE c.id = $1", {id}));
  if (rows.empty()) return std::optional<CrisisRow>{};
  CrisisRow c = crisis_of(rows.named(0));
  auto windows = MAILLAGE_TRY(db_->query(
      "SELECT start_time, end_time, need FROM crisis_windows WHERE crisis_id = $1 ORDER BY "
      "ordinal",
      {id}));
  for (NamedRow w : windows.each()) {
    c.plan.windows.push_back(
        {w.text("start_time"), w.text("end_time"), static_cast<int>(w.integer("need"))});
  }
  return std::optional<CrisisRow>{std::move(c)};
}

Result<std::vector<CrisisPersonRow>> CrisisRepository::people(std::int64_t crisis_id) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT recipient_id, member_id, planning_sent_at, planning_error FROM crisis_people WHERE "
      "crisis_id = $1 ORDER BY recipient_id",
      {crisis_id}));
  std::vector<CrisisPersonRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("recipient_id"), r.integer("member_id"), r.text("planning_sent_at"),
                   r.text("planning_error")});
  }
  return out;
}

Result<std::int64_t> CrisisRepository::insert(Tx& tx, const CrisisRow& c, const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO crises (structure_id, title, kind, first_day, last_day, days, profession, "
      "audience_members, audience_rpps, audience_professions, audience_pasted, survey_id, "
      "campaign_id, newsletter_id, version, created_by, created_at, updated_by, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 1, $15, $16, $15, "
      "$16) RETURNING id",
      {c.structure_id, c.title, c.kind, c.plan.first_day, c.plan.last_day,
       join_lines(c.plan.days), c.profession, std::int64_t{c.audience_members ? 1 : 0},
       std::int64_t{c.audience_rpps ? 1 : 0}, join_lines(c.audience_professions),
       c.audience_pasted, c.survey_id, c.campaign_id,
       c.newsletter_id ? Value{c.newsletter_id} : Value{nullptr}, c.created_by, at}));
  const std::int64_t id = rows.rows.at(0).integer(0);
  for (std::size_t i = 0; i < c.plan.windows.size(); ++i) {
    const auto& w = c.plan.windows[i];
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO crisis_windows (crisis_id, ordinal, start_time, end_time, need) VALUES ($1, "
        "$2, $3, $4, $5)",
        {id, static_cast<std::int64_t>(i), w.start, w.end, std::int64_t{w.need}}));
  }
  return id;
}

Result<bool> CrisisRepository::touch(Tx& tx, std::int64_t id, std::int64_t expected_version,
                                     const std::string& by, const std::string& at, bool built,
                                     bool planning_sent) {
  std::string sql = "UPDATE crises SET version = version + 1, updated_by = $1, updated_at = $2";
  if (built) sql += ", built_at = $2";
  if (planning_sent) sql += ", planning_sent_at = $2";
  sql += " WHERE id = $3 AND version = $4";
  const auto n = MAILLAGE_TRY(tx.exec(sql, {by, at, id, expected_version}));
  return n == 1;
}

Status CrisisRepository::set_person(Tx& tx, std::int64_t crisis_id, std::int64_t recipient_id,
                                    std::int64_t member_id) {
  MAILLAGE_TRY(tx.exec(
      "INSERT INTO crisis_people (crisis_id, recipient_id, member_id) VALUES ($1, $2, $3) "
      "ON CONFLICT (crisis_id, recipient_id) DO UPDATE SET member_id = excluded.member_id",
      {crisis_id, recipient_id, member_id}));
  return {};
}

Status CrisisRepository::set_planning_sent(Tx& tx, std::int64_t crisis_id,
                                           std::int64_t recipient_id, const std::string& sent_at,
                                           const std::string& error) {
  MAILLAGE_TRY(tx.exec(
      "UPDATE crisis_people SET planning_sent_at = $1, planning_error = $2 WHERE crisis_id = $3 "
      "AND recipient_id = $4",
      {sent_at.empty() ? Value{nullptr} : Value{sent_at}, error, crisis_id, recipient_id}));
  return {};
}

}  // namespace maillage::services
