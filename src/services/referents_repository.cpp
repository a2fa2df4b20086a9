#include "services/referents_repository.hpp"

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::NamedRow;
using store::Tx;

namespace {

// Both kinds of current assignment as one relation.
constexpr const char* kCurrent =
    "SELECT a.user_id AS user_id, a.departement AS departement, a.area_kind AS area_kind, "
    "a.code AS code, a.label AS label, a.fonction AS fonction, a.since AS since, "
    "a.created_by AS created_by FROM referent_areas a "
    "UNION ALL SELECT r.user_id AS user_id, s.departement AS departement, "
    "'structure' AS area_kind, CAST(r.structure_id AS TEXT) AS code, s.name AS label, "
    "r.fonction AS fonction, r.since AS since, r.created_by AS created_by "
    "FROM structure_referents r JOIN structures s ON s.id = r.structure_id";

ReferentRow row_of(const NamedRow& r) {
  ReferentRow out;
  out.user_id = r.integer("user_id");
  out.login = r.text("login");
  out.display_name = r.text("display_name");
  out.role = r.text("role");
  out.departement = r.text("departement");
  out.area_kind = r.text("area_kind");
  out.code = r.text("code");
  out.label = r.text("label");
  out.fonction = r.text("fonction");
  out.since = r.text("since");
  out.created_by = r.text("created_by");
  return out;
}

}  // namespace

Result<std::vector<ReferentRow>> ReferentsRepository::current(
    const std::string& departement) const {
  auto rows = MAILLAGE_TRY(db_->query(
      std::string("SELECT c.*, u.login AS login, u.display_name AS display_name, u.role AS role "
                  "FROM (") +
          kCurrent +
          ") c JOIN users u ON u.id = c.user_id WHERE c.departement = $1 "
          "ORDER BY u.display_name, u.login, c.area_kind, c.code",
      {departement}));
  std::vector<ReferentRow> out;
  for (NamedRow r : rows.each()) out.push_back(row_of(r));
  return out;
}

Result<std::vector<ReferentRow>> ReferentsRepository::history(
    const std::string& departement) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT h.user_id AS user_id, h.departement AS departement, h.area_kind AS area_kind, "
      "h.code AS code, h.label AS label, h.fonction AS fonction, h.since AS since, "
      "h.created_by AS created_by, h.until AS until, h.ended_by AS ended_by, u.login AS login, "
      "u.display_name AS display_name, u.role AS role FROM referent_history h "
      "JOIN users u ON u.id = h.user_id WHERE h.departement = $1 ORDER BY h.id DESC",
      {departement}));
  std::vector<ReferentRow> out;
  for (NamedRow r : rows.each()) {
    ReferentRow row = row_of(r);
    row.until = r.text("until");
    row.ended_by = r.text("ended_by");
    out.push_back(std::move(row));
  }
  return out;
}

Result<std::vector<ReferentPerson>> ReferentsRepository::people(const std::string& departement,
                                                                const std::string& region) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT u.id AS user_id, u.login AS login, u.display_name AS display_name, u.role AS role "
      "FROM users u WHERE u.active = 1 AND (u.role = 'admin' "
      "OR (u.role = 'roc' AND EXISTS (SELECT 1 FROM user_departements d "
      "WHERE d.user_id = u.id AND d.departement = $1)) "
      "OR (u.role = 'ars' AND EXISTS (SELECT 1 FROM user_regions g "
      "WHERE g.user_id = u.id AND g.region = $2))) ORDER BY u.display_name, u.login",
      {departement, region}));
  std::vector<ReferentPerson> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("user_id"), r.text("login"), r.text("display_name"), r.text("role")});
  }
  return out;
}

Result<std::vector<ReferentChoice>> ReferentsRepository::structures(
    const std::string& departement) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT id, name FROM active_structures WHERE departement = $1 ORDER BY name", {departement}));
  std::vector<ReferentChoice> out;
  for (NamedRow r : rows.each()) out.push_back({std::to_string(r.integer("id")), r.text("name")});
  return out;
}

Result<std::optional<ReferentRow>> ReferentsRepository::find(Tx& tx, std::int64_t user_id,
                                                             const std::string& area_kind,
                                                             const std::string& code) {
  auto rows = MAILLAGE_TRY(tx.query(
      std::string("SELECT c.*, u.login AS login, u.display_name AS display_name, u.role AS role "
                  "FROM (") +
          kCurrent +
          ") c JOIN users u ON u.id = c.user_id "
          "WHERE c.user_id = $1 AND c.area_kind = $2 AND c.code = $3",
      {user_id, area_kind, code}));
  if (rows.empty()) return std::optional<ReferentRow>{};
  return std::optional<ReferentRow>{row_of(rows.named(0))};
}

Status ReferentsRepository::insert(Tx& tx, const ReferentRow& row) {
  if (row.area_kind == "structure") {
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO structure_referents (structure_id, user_id, fonction, since, created_by) "
        "VALUES ($1, $2, $3, $4, $5)",
        {static_cast<std::int64_t>(std::stoll(row.code)), row.user_id, row.fonction, row.since,
         row.created_by}));
    return {};
  }
  MAILLAGE_TRY(tx.exec(
      "INSERT INTO referent_areas (user_id, departement, area_kind, code, label, fonction, since, "
      "created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {row.user_id, row.departement, row.area_kind, row.code, row.label, row.fonction, row.since,
       row.created_by}));
  return {};
}

Status ReferentsRepository::end(Tx& tx, const ReferentRow& row, const std::string& until,
                                const std::string& ended_by) {
  if (row.area_kind == "structure") {
    MAILLAGE_TRY(tx.exec("DELETE FROM structure_referents WHERE structure_id = $1 AND user_id = $2",
                         {static_cast<std::int64_t>(std::stoll(row.code)), row.user_id}));
  } else {
    MAILLAGE_TRY(
        tx.exec("DELETE FROM referent_areas WHERE user_id = $1 AND area_kind = $2 AND code = $3",
                {row.user_id, row.area_kind, row.code}));
  }
  MAILLAGE_TRY(tx.exec(
      "INSERT INTO referent_history (user_id, departement, area_kind, code, label, fonction, "
      "since, until, created_by, ended_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      {row.user_id, row.departement, row.area_kind, row.code, row.label, row.fonction, row.since,
       until, row.created_by, ended_by}));
  return {};
}

}  // namespace maillage::services
