#include "services/territory_repository.hpp"

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::NamedRow;
using store::Tx;

Result<std::optional<TerritoryStructureRow>> TerritoryRepository::structure(std::int64_t id) {
  auto rows = MAILLAGE_TRY(db_.query(
      "SELECT id, kind, name, departement, stage, version FROM structures WHERE id = $1", {id}));
  if (rows.empty()) return std::optional<TerritoryStructureRow>{};
  NamedRow r = rows.named(0);
  return std::optional<TerritoryStructureRow>{
      TerritoryStructureRow{r.integer("id"), r.text("kind"), r.text("name"), r.text("departement"),
                            r.text("stage"), r.integer("version")}};
}

Result<std::vector<std::string>> TerritoryRepository::communes(std::int64_t structure_id) {
  auto rows = MAILLAGE_TRY(
      db_.query("SELECT commune FROM structure_communes WHERE structure_id = $1 ORDER BY commune",
                {structure_id}));
  std::vector<std::string> out;
  for (NamedRow r : rows.each()) out.push_back(r.text("commune"));
  return out;
}

Result<std::optional<PendingImportRow>> TerritoryRepository::pending_import(
    const std::string& token) {
  auto rows = MAILLAGE_TRY(
      db_.query("SELECT user_id, structure_id, communes, expires_at FROM territory_imports "
                "WHERE token = $1",
                {token}));
  if (rows.empty()) return std::optional<PendingImportRow>{};
  NamedRow r = rows.named(0);
  return std::optional<PendingImportRow>{PendingImportRow{
      r.integer("user_id"), r.integer("structure_id"), r.text("communes"), r.text("expires_at")}};
}

Result<std::string> TerritoryRepository::fingerprint() {
  // A territory save bumps its structure's version and changes structure_communes; a stage
  // change or a deletion changes the structures' versions, dates or count.
  auto rows = MAILLAGE_TRY(db_.query(
      "SELECT (SELECT COUNT(*) FROM structures) AS structure_count, "
      "(SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM structures) AS version_sum, "
      "(SELECT COALESCE(MAX(updated_at), '') FROM structures) AS last_update, "
      "(SELECT COUNT(*) FROM structure_communes) AS commune_count"));
  NamedRow r = rows.named(0);
  return std::to_string(r.integer("structure_count")) + "|" +
         std::to_string(r.integer("version_sum")) + "|" + r.text("last_update") + "|" +
         std::to_string(r.integer("commune_count")) + "|";
}

Result<std::vector<CptsCommuneRow>> TerritoryRepository::cpts_communes() {
  auto rows = MAILLAGE_TRY(db_.query(
      "SELECT s.id AS id, s.name AS name, s.departement AS departement, s.stage AS stage, "
      "s.version AS version, c.commune AS commune FROM active_structures s "
      "JOIN structure_communes c ON c.structure_id = s.id WHERE s.kind = 'CPTS' "
      "ORDER BY s.id, c.commune"));
  std::vector<CptsCommuneRow> out;
  out.reserve(rows.size());
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("id"), r.text("name"), r.text("departement"), r.text("stage"),
                   r.integer("version"), r.text("commune")});
  }
  return out;
}

Result<std::vector<StructureCountRow>> TerritoryRepository::structure_counts() {
  auto rows =
      MAILLAGE_TRY(db_.query("SELECT kind, stage, departement, COUNT(*) AS n FROM active_structures "
                             "GROUP BY kind, stage, departement"));
  std::vector<StructureCountRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.text("kind"), r.text("stage"), r.text("departement"), r.integer("n")});
  }
  return out;
}

Result<std::optional<std::int64_t>> TerritoryRepository::version(Tx& tx,
                                                                 std::int64_t structure_id) {
  auto rows =
      MAILLAGE_TRY(tx.query("SELECT version FROM structures WHERE id = $1", {structure_id}));
  if (rows.empty()) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>{rows.named(0).integer("version")};
}

Result<std::vector<std::string>> TerritoryRepository::communes(Tx& tx, std::int64_t structure_id) {
  auto rows = MAILLAGE_TRY(
      tx.query("SELECT commune FROM structure_communes WHERE structure_id = $1 ORDER BY commune",
               {structure_id}));
  std::vector<std::string> out;
  for (NamedRow r : rows.each()) out.push_back(r.text("commune"));
  return out;
}

Result<std::int64_t> TerritoryRepository::bump_version(Tx& tx, std::int64_t structure_id,
                                                       std::int64_t version,
                                                       const std::string& now) {
  return tx.exec(
      "UPDATE structures SET version = version + 1, updated_at = $2 "
      "WHERE id = $1 AND version = $3",
      {structure_id, now, version});
}

Status TerritoryRepository::replace_communes(Tx& tx, std::int64_t structure_id,
                                             const std::vector<std::string>& codes) {
  MAILLAGE_CHECK(tx.exec("DELETE FROM structure_communes WHERE structure_id = $1", {structure_id}));
  for (const auto& code : codes) {
    MAILLAGE_CHECK(tx.exec("INSERT INTO structure_communes (structure_id, commune) VALUES ($1, $2)",
                           {structure_id, code}));
  }
  return {};
}

Status TerritoryRepository::add_history(Tx& tx, const TerritoryHistoryRow& row) {
  MAILLAGE_CHECK(tx.exec(
      "INSERT INTO territory_history (structure_id, version, at, user_login, source, communes, "
      "commune_count, population) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {row.structure_id, row.version, row.at, row.user_login, row.source, row.communes,
       row.commune_count, row.population}));
  return {};
}

Status TerritoryRepository::delete_import(Tx& tx, const std::string& token) {
  MAILLAGE_CHECK(tx.exec("DELETE FROM territory_imports WHERE token = $1", {token}));
  return {};
}

Status TerritoryRepository::delete_expired_imports(Tx& tx, const std::string& now) {
  MAILLAGE_CHECK(tx.exec("DELETE FROM territory_imports WHERE expires_at < $1", {now}));
  return {};
}

Status TerritoryRepository::add_import(Tx& tx, const NewPendingImport& row) {
  MAILLAGE_CHECK(tx.exec(
      "INSERT INTO territory_imports (token, user_id, structure_id, base_version, file_name, "
      "communes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {row.token, row.user_id, row.structure_id, row.base_version, row.file_name, row.communes,
       row.created_at, row.expires_at}));
  return {};
}

}  // namespace maillage::services
