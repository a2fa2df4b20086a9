#include "services/sectors_repository.hpp"

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::NamedRow;
using store::Tx;

namespace {

SectorPlanRow plan_of(const NamedRow& r) {
  SectorPlanRow p;
  p.id = r.integer("id");
  p.departement = r.text("departement");
  p.version = r.integer("version");
  p.k = static_cast<int>(r.integer("k"));
  p.weight_population = r.real("weight_population");
  p.weight_structures = r.real("weight_structures");
  p.weight_professionals = r.real("weight_professionals");
  p.tolerance = r.real("tolerance");
  p.cut_edges = static_cast<int>(r.integer("cut_edges"));
  if (!r.is_null("lower_bound")) p.lower_bound = static_cast<int>(r.integer("lower_bound"));
  p.note = r.text("note");
  p.created_by = r.text("created_by");
  p.created_at = r.text("created_at");
  return p;
}

constexpr const char* kPlanColumns =
    "id, departement, version, k, weight_population, weight_structures, weight_professionals, "
    "tolerance, cut_edges, lower_bound, note, created_by, created_at";

std::optional<SectorPersonRow> person_of(const NamedRow& r, const std::string& prefix) {
  if (r.is_null(prefix + "_id")) return std::nullopt;
  return SectorPersonRow{r.integer(prefix + "_id"), r.text(prefix + "_login"),
                         r.text(prefix + "_name"), r.text(prefix + "_role")};
}

}  // namespace

Result<std::vector<SectorStructureRow>> SectorsRepository::structures(
    const std::string& departement) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT id, kind, name, stage, commune FROM active_structures WHERE departement = $1 "
      "ORDER BY id",
      {departement}));
  std::vector<SectorStructureRow> out;
  std::map<std::int64_t, std::size_t> index;
  for (NamedRow r : rows.each()) {
    index[r.integer("id")] = out.size();
    out.push_back(
        {r.integer("id"), r.text("kind"), r.text("name"), r.text("stage"), r.text("commune"), {}});
  }
  auto communes = MAILLAGE_TRY(db_->query(
      "SELECT c.structure_id AS structure_id, c.commune AS commune FROM structure_communes c "
      "JOIN active_structures s ON s.id = c.structure_id WHERE s.departement = $1 "
      "ORDER BY c.structure_id, c.commune",
      {departement}));
  for (NamedRow r : communes.each()) {
    if (auto it = index.find(r.integer("structure_id")); it != index.end()) {
      out[it->second].territory.push_back(r.text("commune"));
    }
  }
  return out;
}

Result<std::map<std::string, std::int64_t>> SectorsRepository::professionals(
    const std::string& prefix) const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT commune, CAST(SUM(persons) AS BIGINT) AS persons FROM rpps_commune_counts "
                 "WHERE snapshot_id = (SELECT MAX(id) FROM rpps_snapshots) AND ambulatory = 1 "
                 "AND commune LIKE $1 GROUP BY commune",
                 {prefix + "%"}));
  std::map<std::string, std::int64_t> out;
  for (NamedRow r : rows.each()) out[r.text("commune")] = r.integer("persons");
  return out;
}

Result<std::vector<SectorPersonRow>> SectorsRepository::candidates(
    const std::string& departement) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT u.id AS user_id, u.login AS login, u.display_name AS display_name, u.role AS role "
      "FROM users u WHERE u.active = 1 AND (u.role = 'admin' OR (u.role = 'roc' AND EXISTS "
      "(SELECT 1 FROM user_departements d WHERE d.user_id = u.id AND d.departement = $1))) "
      "ORDER BY u.role DESC, u.display_name, u.login",
      {departement}));
  std::vector<SectorPersonRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("user_id"), r.text("login"), r.text("display_name"), r.text("role")});
  }
  return out;
}

Result<std::optional<SectorPlanRow>> SectorsRepository::plan(
    const std::string& departement, std::optional<std::int64_t> version) const {
  std::string sql = std::string("SELECT ") + kPlanColumns +
                    " FROM sector_plans WHERE departement = $1 " +
                    (version ? "AND version = $2" : "ORDER BY version DESC LIMIT 1");
  store::Params params{departement};
  if (version) params.emplace_back(*version);
  auto rows = MAILLAGE_TRY(db_->query(sql, params));
  if (rows.empty()) return std::optional<SectorPlanRow>{};
  return std::optional<SectorPlanRow>{plan_of(rows.named(0))};
}

Result<std::vector<SectorPlanRow>> SectorsRepository::plans(const std::string& departement) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kPlanColumns +
                                          " FROM sector_plans WHERE departement = $1 "
                                          "ORDER BY version DESC",
                                      {departement}));
  std::vector<SectorPlanRow> out;
  for (NamedRow r : rows.each()) out.push_back(plan_of(r));
  return out;
}

Result<std::vector<SectorRow>> SectorsRepository::sectors(std::int64_t plan_id) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT s.sector AS sector, s.label AS label, "
      "r.id AS referent_id, r.login AS referent_login, r.display_name AS referent_name, "
      "r.role AS referent_role, d.id AS deputy_id, d.login AS deputy_login, "
      "d.display_name AS deputy_name, d.role AS deputy_role "
      "FROM sector_plan_sectors s LEFT JOIN users r ON r.id = s.referent_user_id "
      "LEFT JOIN users d ON d.id = s.deputy_user_id WHERE s.plan_id = $1 ORDER BY s.sector",
      {plan_id}));
  std::vector<SectorRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back({static_cast<int>(r.integer("sector")), r.text("label"), person_of(r, "referent"),
                   person_of(r, "deputy")});
  }
  return out;
}

Result<std::map<std::string, int>> SectorsRepository::communes(std::int64_t plan_id) const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT commune, sector FROM sector_plan_communes WHERE plan_id = $1", {plan_id}));
  std::map<std::string, int> out;
  for (NamedRow r : rows.each()) out[r.text("commune")] = static_cast<int>(r.integer("sector"));
  return out;
}

Result<std::optional<std::int64_t>> SectorsRepository::current_version(
    Tx& tx, const std::string& departement) {
  auto rows = MAILLAGE_TRY(tx.query(
      "SELECT MAX(version) AS version FROM sector_plans WHERE departement = $1", {departement}));
  NamedRow r = rows.named(0);
  if (r.is_null("version")) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>{r.integer("version")};
}

Result<std::int64_t> SectorsRepository::insert_plan(Tx& tx, const NewSectorPlan& in) {
  const SectorPlanRow& p = in.plan;
  store::Value bound = nullptr;
  if (p.lower_bound) bound = static_cast<std::int64_t>(*p.lower_bound);
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO sector_plans (departement, version, k, weight_population, weight_structures, "
      "weight_professionals, tolerance, cut_edges, lower_bound, note, created_by, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
      {p.departement, p.version, static_cast<std::int64_t>(p.k), p.weight_population,
       p.weight_structures, p.weight_professionals, p.tolerance,
       static_cast<std::int64_t>(p.cut_edges), bound, p.note, p.created_by, p.created_at}));
  const std::int64_t id = rows.named(0).integer("id");
  for (const auto& s : in.sectors) {
    store::Value referent = nullptr, deputy = nullptr;
    if (s.referent) referent = s.referent->user_id;
    if (s.deputy) deputy = s.deputy->user_id;
    MAILLAGE_TRY(
        tx.exec("INSERT INTO sector_plan_sectors (plan_id, sector, label, referent_user_id, "
                "deputy_user_id) VALUES ($1, $2, $3, $4, $5)",
                {id, static_cast<std::int64_t>(s.sector), s.label, referent, deputy}));
  }
  for (const auto& [commune, sector] : in.communes) {
    MAILLAGE_TRY(
        tx.exec("INSERT INTO sector_plan_communes (plan_id, commune, sector) VALUES ($1, $2, $3)",
                {id, commune, static_cast<std::int64_t>(sector)}));
  }
  return id;
}

}  // namespace maillage::services
