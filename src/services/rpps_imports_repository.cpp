#include "services/rpps_imports_repository.hpp"

#include <nlohmann/json.hpp>

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

namespace {

using nlohmann::json;
using store::Tx;

constexpr const char* kColumns =
    "id, status, step, file_name, bytes_total, bytes_read, queued_by, queued_at, started_at, "
    "finished_at, snapshot_id, message, data_lines, activities, persons, duplicate_lines, "
    "skipped_lines, bad_lines, from_postcode, bad_by_reason, first_bad_lines";

std::string reason_label(const std::string& id) {
  for (std::size_t i = 0; i < static_cast<std::size_t>(rpps::BadReason::count_); ++i) {
    auto r = static_cast<rpps::BadReason>(i);
    if (rpps::bad_reason_id(r) == id) return std::string(rpps::bad_reason_label(r));
  }
  return id;
}

RppsImportJob job_of(const store::NamedRow& r) {
  RppsImportJob j;
  j.id = r.integer("id");
  j.status = r.text("status");
  j.step = r.text("step");
  j.file_name = r.text("file_name");
  j.bytes_total = r.integer("bytes_total");
  j.bytes_read = r.integer("bytes_read");
  j.queued_by = r.text("queued_by");
  j.queued_at = r.text("queued_at");
  j.started_at = r.text("started_at");
  j.finished_at = r.text("finished_at");
  j.snapshot_id = r.integer("snapshot_id");
  j.message = r.text("message");
  j.data_lines = r.integer("data_lines");
  j.activities = r.integer("activities");
  j.persons = r.integer("persons");
  j.duplicate_lines = r.integer("duplicate_lines");
  j.skipped_lines = r.integer("skipped_lines");
  j.bad_lines = r.integer("bad_lines");
  j.from_postcode = r.integer("from_postcode");
  // Written by finish() below: an object reason → count, an array of [line, reason, detail].
  const json reasons = json::parse(r.text("bad_by_reason"), nullptr, false);
  if (reasons.is_object()) {
    for (const auto& [id, count] : reasons.items()) {
      if (count.is_number_integer()) {
        j.bad_by_reason.push_back({id, reason_label(id), count.get<std::int64_t>()});
      }
    }
  }
  const json lines = json::parse(r.text("first_bad_lines"), nullptr, false);
  if (lines.is_array()) {
    for (const auto& l : lines) {
      if (!l.is_array() || l.size() != 3 || !l[0].is_number_integer() || !l[1].is_string() ||
          !l[2].is_string()) {
        continue;
      }
      const std::string reason = l[1].get<std::string>();
      j.first_bad_lines.push_back(
          {l[0].get<std::int64_t>(), reason, reason_label(reason), l[2].get<std::string>()});
    }
  }
  return j;
}

}  // namespace

Result<std::optional<RppsImportJob>> RppsImportRepository::job(std::int64_t id) {
  auto rows = MAILLAGE_TRY(
      db_.query(std::string("SELECT ") + kColumns + " FROM rpps_imports WHERE id = $1", {id}));
  if (rows.empty()) return std::optional<RppsImportJob>{};
  return std::optional<RppsImportJob>{job_of(rows.named(0))};
}

Result<std::vector<RppsImportJob>> RppsImportRepository::jobs(int limit) {
  auto rows = MAILLAGE_TRY(db_.query(
      std::string("SELECT ") + kColumns + " FROM rpps_imports ORDER BY id DESC LIMIT $1",
      {std::int64_t{limit}}));
  std::vector<RppsImportJob> out;
  for (store::NamedRow r : rows.each()) out.push_back(job_of(r));
  return out;
}

Result<std::vector<RppsImportFile>> RppsImportRepository::files(const std::string& status) {
  auto rows = MAILLAGE_TRY(db_.query(
      "SELECT id, file_name, stored_file, queued_by FROM rpps_imports WHERE status = $1 "
      "ORDER BY id",
      {status}));
  std::vector<RppsImportFile> out;
  for (store::NamedRow r : rows.each()) {
    out.push_back({r.integer("id"), r.text("file_name"), r.text("stored_file"),
                   r.text("queued_by")});
  }
  return out;
}

Result<bool> RppsImportRepository::any_active(Tx& tx) {
  auto rows = MAILLAGE_TRY(tx.query("SELECT id FROM rpps_imports WHERE active = 1"));
  return !rows.empty();
}

Result<bool> RppsImportRepository::active() {
  auto rows = MAILLAGE_TRY(db_.query("SELECT id FROM rpps_imports WHERE active = 1"));
  return !rows.empty();
}

Result<std::int64_t> RppsImportRepository::insert(Tx& tx, const std::string& file_name,
                                                  const std::string& stored_file,
                                                  std::int64_t bytes_total,
                                                  const std::string& queued_by) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO rpps_imports (status, active, file_name, stored_file, bytes_total, queued_by, "
      "queued_at) VALUES ('queued', 1, $1, $2, $3, $4, $5) RETURNING id",
      {file_name, stored_file, bytes_total, queued_by, store::timestamp_now()}));
  return rows.named(0).integer("id");
}

Result<bool> RppsImportRepository::claim(Tx& tx, std::int64_t id) {
  auto n = MAILLAGE_TRY(tx.exec(
      "UPDATE rpps_imports SET status = 'running', step = 'lecture', started_at = $2 "
      "WHERE id = $1 AND status = 'queued'",
      {id, store::timestamp_now()}));
  return n == 1;
}

Status RppsImportRepository::progress(Tx& tx, std::int64_t id, std::int64_t bytes_read,
                                      const std::string& step) {
  MAILLAGE_CHECK(tx.exec(
      "UPDATE rpps_imports SET bytes_read = $2, step = $3 WHERE id = $1 AND status = 'running'",
      {id, bytes_read, step}));
  return {};
}

Status RppsImportRepository::finish(Tx& tx, std::int64_t id, const RppsSnapshot& s,
                                    const rpps::ReadSummary& read,
                                    std::size_t reported_bad_lines) {
  json first = json::array();
  for (const rpps::BadLine& b : read.bad) {
    if (first.size() >= reported_bad_lines) break;
    first.push_back(json::array({b.line, std::string(rpps::bad_reason_id(b.reason)), b.detail}));
  }
  MAILLAGE_CHECK(tx.exec(
      "UPDATE rpps_imports SET status = 'done', step = '', active = NULL, bytes_read = $2, "
      "finished_at = $3, snapshot_id = $4, data_lines = $5, activities = $6, persons = $7, "
      "duplicate_lines = $8, skipped_lines = $9, bad_lines = $10, from_postcode = $11, "
      "bad_by_reason = $12, first_bad_lines = $13 WHERE id = $1",
      {id, s.bytes, store::timestamp_now(), s.id, s.data_lines, s.activities, s.persons,
       s.duplicate_lines, s.skipped_lines, s.bad_lines, s.from_postcode, s.bad_by_reason,
       first.dump(-1, ' ', false, json::error_handler_t::replace)}));
  return {};
}

Status RppsImportRepository::fail(Tx& tx, std::int64_t id, const std::string& message) {
  MAILLAGE_CHECK(tx.exec(
      "UPDATE rpps_imports SET status = 'failed', step = '', active = NULL, message = $2, "
      "finished_at = $3 WHERE id = $1",
      {id, message, store::timestamp_now()}));
  return {};
}

}  // namespace maillage::services
