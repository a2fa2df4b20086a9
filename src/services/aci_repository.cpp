// SQL of the ACI area (see aci_repository.hpp).
#include "services/aci_repository.hpp"

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

namespace {

AciContractRecord contract_of(const store::NamedRow& r) {
  AciContractRecord c;
  c.id = r.integer("id");
  c.structure_id = r.integer("structure_id");
  c.structure_name = r.text("structure_name");
  c.departement = r.text("departement");
  c.reference = r.text("reference");
  c.kind = r.text("kind");
  c.accord = r.text("accord");
  c.signature = r.text("signature");
  c.size_class = r.text("size_class");
  c.document = r.text("document");
  c.communes = r.text("communes");
  c.version = r.integer("version");
  c.updated_at = r.text("updated_at");
  c.updated_by = r.text("updated_by");
  return c;
}

store::Value optional_real(std::optional<double> v) {
  return v ? store::Value{*v} : store::Value{nullptr};
}

std::int64_t year_value(int year) { return std::int64_t{year}; }

}  // namespace

// A read on the transaction when there is one, else on the database.
#define ACI_QUERY(sql, ...) (tx_ ? tx_->query(sql, __VA_ARGS__) : db_->query(sql, __VA_ARGS__))

Result<std::optional<AciContractRecord>> AciRepository::contract(std::int64_t id) {
  auto rows = MAILLAGE_TRY(ACI_QUERY(
      "SELECT c.id AS id, c.structure_id AS structure_id, s.name AS structure_name, "
      "s.departement AS departement, c.reference AS reference, c.kind AS kind, c.accord AS accord, "
      "c.signature AS signature, c.size_class AS size_class, c.document AS document, "
      "c.communes AS communes, c.version AS version, c.updated_at AS updated_at, "
      "c.updated_by AS updated_by "
      "FROM aci_contracts c JOIN structures s ON s.id = c.structure_id WHERE c.id = $1",
      {id}));
  if (rows.empty()) return std::optional<AciContractRecord>{};
  return std::optional<AciContractRecord>{contract_of(rows.named(0))};
}

Result<std::vector<std::int64_t>> AciRepository::contract_ids() {
  auto rows = MAILLAGE_TRY(
      ACI_QUERY("SELECT c.id AS id FROM aci_contracts c JOIN structures s ON s.id = c.structure_id "
                "ORDER BY s.departement, s.name, c.signature, c.id",
                {}));
  std::vector<std::int64_t> out;
  for (store::NamedRow r : rows.each()) out.push_back(r.integer("id"));
  return out;
}

Result<std::vector<AciContractRecord>> AciRepository::cpts_contracts() {
  auto rows = MAILLAGE_TRY(
      ACI_QUERY("SELECT c.id AS id, c.structure_id AS structure_id, c.document AS document, "
                "c.reference AS reference FROM aci_contracts c WHERE c.kind = 'cpts' ORDER BY c.id",
                {}));
  std::vector<AciContractRecord> out;
  for (store::NamedRow r : rows.each()) {
    AciContractRecord c;
    c.id = r.integer("id");
    c.structure_id = r.integer("structure_id");
    c.document = r.text("document");
    c.reference = r.text("reference");
    c.kind = "cpts";
    out.push_back(std::move(c));
  }
  return out;
}

Result<std::optional<AciRepository::StructureKind>> AciRepository::structure(
    std::int64_t structure_id) {
  auto rows = MAILLAGE_TRY(ACI_QUERY(
      "SELECT id, departement, kind, name, stage FROM structures WHERE id = $1", {structure_id}));
  if (rows.empty()) return std::optional<StructureKind>{};
  store::NamedRow r = rows.named(0);
  return std::optional<StructureKind>{StructureKind{r.text("departement"), r.text("kind"),
                                                    r.text("name"), r.text("stage"),
                                                    r.integer("id")}};
}

Result<std::vector<AciRepository::StructureKind>> AciRepository::contract_structures() {
  auto rows = MAILLAGE_TRY(
      ACI_QUERY("SELECT id, departement, kind, name, stage FROM active_structures "
                "WHERE kind IN ('CPTS', 'MSP') ORDER BY departement, name, id",
                {}));
  std::vector<StructureKind> out;
  for (store::NamedRow r : rows.each()) {
    out.push_back({r.text("departement"), r.text("kind"), r.text("name"), r.text("stage"),
                   r.integer("id")});
  }
  return out;
}

Result<std::vector<std::string>> AciRepository::territory(std::int64_t structure_id) {
  auto rows = MAILLAGE_TRY(
      ACI_QUERY("SELECT commune FROM structure_communes WHERE structure_id = $1 ORDER BY commune",
                {structure_id}));
  std::vector<std::string> out;
  for (store::NamedRow r : rows.each()) out.push_back(r.text("commune"));
  return out;
}

Result<std::vector<AciVersionRecord>> AciRepository::versions(std::int64_t contract_id) {
  auto rows = MAILLAGE_TRY(
      ACI_QUERY("SELECT number, indicators, reason, year, agreed_by, agreed_role, created_at "
                "FROM aci_indicator_versions WHERE contract_id = $1 ORDER BY number",
                {contract_id}));
  std::vector<AciVersionRecord> out;
  for (store::NamedRow r : rows.each()) {
    out.push_back({r.integer("number"), r.text("indicators"), r.text("reason"),
                   static_cast<int>(r.integer("year")), r.text("agreed_by"), r.text("agreed_role"),
                   r.text("created_at")});
  }
  return out;
}

Result<AciMeasures> AciRepository::measures(std::int64_t contract_id) {
  auto rows = MAILLAGE_TRY(
      ACI_QUERY("SELECT mission, indicator, year, measured, version, updated_at, updated_by "
                "FROM aci_measures WHERE contract_id = $1",
                {contract_id}));
  AciMeasures out;
  for (store::NamedRow r : rows.each()) {
    AciMeasureRecord m;
    if (!r.is_null("measured")) m.value = r.real("measured");
    m.version = r.integer("version");
    m.updated_at = r.text("updated_at");
    m.updated_by = r.text("updated_by");
    out[{r.text("mission"), r.text("indicator"), static_cast<int>(r.integer("year"))}] = m;
  }
  return out;
}

Result<std::int64_t> AciRepository::insert_contract(const AciNewContract& c, const std::string& now,
                                                    const std::string& login) {
  auto rows = MAILLAGE_TRY(tx_->query(
      "INSERT INTO aci_contracts (structure_id, reference, kind, accord, signature, size_class, "
      "document, communes, created_at, updated_at, updated_by) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
      {c.structure_id, c.reference, c.kind, c.accord, c.signature, c.size_class, c.document,
       c.communes, now, login}));
  return rows.named(0).integer("id");
}

Status AciRepository::insert_version(std::int64_t contract_id, std::int64_t number,
                                     const std::string& indicators, const std::string& reason,
                                     int year, const std::string& login, const std::string& role,
                                     const std::string& now) {
  MAILLAGE_CHECK(tx_->exec(
      "INSERT INTO aci_indicator_versions (contract_id, number, indicators, reason, year, "
      "agreed_by, agreed_role, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {contract_id, number, indicators, reason, year_value(year), login, role, now}));
  return {};
}

Result<std::int64_t> AciRepository::update_contract(std::int64_t id, std::int64_t version,
                                                    const AciNewContract& c, const std::string& now,
                                                    const std::string& login) {
  return tx_->exec(
      "UPDATE aci_contracts SET reference = $1, accord = $2, signature = $3, size_class = $4, "
      "document = $5, version = version + 1, updated_at = $6, updated_by = $7 "
      "WHERE id = $8 AND version = $9",
      {c.reference, c.accord, c.signature, c.size_class, c.document, now, login, id, version});
}

Result<std::optional<AciRepository::MeasureState>> AciRepository::measure(
    std::int64_t contract_id, const AciMeasureKey& key) {
  auto rows = MAILLAGE_TRY(ACI_QUERY(
      "SELECT version, measured FROM aci_measures WHERE contract_id = $1 AND mission = $2 AND "
      "indicator = $3 AND year = $4",
      {contract_id, std::get<0>(key), std::get<1>(key), year_value(std::get<2>(key))}));
  if (rows.empty()) return std::optional<MeasureState>{};
  store::NamedRow r = rows.named(0);
  MeasureState m{r.integer("version"), {}};
  if (!r.is_null("measured")) m.measured = r.real("measured");
  return std::optional<MeasureState>{m};
}

Status AciRepository::insert_measure(std::int64_t contract_id, const AciMeasureKey& key,
                                     std::optional<double> value, const std::string& now,
                                     const std::string& login) {
  MAILLAGE_CHECK(tx_->exec(
      "INSERT INTO aci_measures (contract_id, mission, indicator, year, measured, updated_at, "
      "updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
      {contract_id, std::get<0>(key), std::get<1>(key), year_value(std::get<2>(key)),
       optional_real(value), now, login}));
  return {};
}

Result<std::int64_t> AciRepository::update_measure(std::int64_t contract_id,
                                                   const AciMeasureKey& key,
                                                   std::optional<double> value,
                                                   std::int64_t version, const std::string& now,
                                                   const std::string& login) {
  return tx_->exec(
      "UPDATE aci_measures SET measured = $1, version = version + 1, updated_at = $2, "
      "updated_by = $3 WHERE contract_id = $4 AND mission = $5 AND indicator = $6 AND "
      "year = $7 AND version = $8",
      {optional_real(value), now, login, contract_id, std::get<0>(key), std::get<1>(key),
       year_value(std::get<2>(key)), version});
}

namespace {
AciWorkspaceRecord workspace_of(const store::NamedRow& r) {
  return {r.integer("id"),      r.text("dialogue_date"), r.text("minutes"),
          r.integer("version"), r.text("updated_at"),    r.text("updated_by")};
}
}  // namespace

Result<std::optional<AciWorkspaceRecord>> AciRepository::workspace(std::int64_t contract_id,
                                                                   int year) {
  auto rows = MAILLAGE_TRY(ACI_QUERY(
      "SELECT id, dialogue_date, minutes, version, updated_at, updated_by FROM dialogue_workspaces "
      "WHERE contract_id = $1 AND year = $2",
      {contract_id, year_value(year)}));
  if (rows.empty()) return std::optional<AciWorkspaceRecord>{};
  return std::optional<AciWorkspaceRecord>{workspace_of(rows.named(0))};
}

Result<std::optional<AciWorkspaceRecord>> AciRepository::workspace_by_id(
    std::int64_t workspace_id) {
  auto rows = MAILLAGE_TRY(ACI_QUERY(
      "SELECT id, dialogue_date, minutes, version, updated_at, updated_by FROM dialogue_workspaces "
      "WHERE id = $1",
      {workspace_id}));
  if (rows.empty()) return std::optional<AciWorkspaceRecord>{};
  return std::optional<AciWorkspaceRecord>{workspace_of(rows.named(0))};
}

Result<std::int64_t> AciRepository::insert_workspace(std::int64_t contract_id, int year,
                                                     const std::string& now,
                                                     const std::string& login) {
  auto rows = MAILLAGE_TRY(tx_->query(
      "INSERT INTO dialogue_workspaces (contract_id, year, created_at, updated_at, updated_by) "
      "VALUES ($1, $2, $3, $3, $4) RETURNING id",
      {contract_id, year_value(year), now, login}));
  return rows.named(0).integer("id");
}

Result<std::int64_t> AciRepository::update_workspace(
    std::int64_t workspace_id, std::int64_t version, const std::string& dialogue_date,
    const std::string& minutes, const std::string& now, const std::string& login) {
  return tx_->exec(
      "UPDATE dialogue_workspaces SET dialogue_date = $1, minutes = $2, version = version + 1, "
      "updated_at = $3, updated_by = $4 WHERE id = $5 AND version = $6",
      {dialogue_date, minutes, now, login, workspace_id, version});
}

Result<std::int64_t> AciRepository::received_cents(std::int64_t contract_id) {
  auto rows = MAILLAGE_TRY(ACI_QUERY(
      "SELECT CAST(COALESCE(SUM(b.received_cents), 0) AS BIGINT) AS received "
      "FROM dialogue_budget b "
      "JOIN dialogue_workspaces w ON w.id = b.workspace_id WHERE w.contract_id = $1",
      {contract_id}));
  return rows.empty() ? 0 : rows.named(0).integer("received");
}

Result<std::vector<std::pair<int, std::string>>> AciRepository::dialogue_dates(
    std::int64_t contract_id) {
  auto rows = MAILLAGE_TRY(
      ACI_QUERY("SELECT year, dialogue_date FROM dialogue_workspaces WHERE contract_id = $1 AND "
                "dialogue_date <> ''",
                {contract_id}));
  std::vector<std::pair<int, std::string>> out;
  for (store::NamedRow r : rows.each()) {
    out.emplace_back(static_cast<int>(r.integer("year")), r.text("dialogue_date"));
  }
  return out;
}

Result<std::vector<AciCommentRecord>> AciRepository::comments(std::int64_t workspace_id) {
  auto rows = MAILLAGE_TRY(
      ACI_QUERY("SELECT id, item, author_login, author_name, author_role, body, created_at "
                "FROM dialogue_comments WHERE workspace_id = $1 ORDER BY created_at, id",
                {workspace_id}));
  std::vector<AciCommentRecord> out;
  for (store::NamedRow r : rows.each()) {
    out.push_back({r.integer("id"), r.text("item"), r.text("author_login"), r.text("author_name"),
                   r.text("author_role"), r.text("body"), r.text("created_at")});
  }
  return out;
}

Result<std::int64_t> AciRepository::insert_comment(std::int64_t workspace_id,
                                                   const AciCommentRecord& c) {
  auto rows = MAILLAGE_TRY(tx_->query(
      "INSERT INTO dialogue_comments (workspace_id, item, author_login, author_name, author_role, "
      "body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {workspace_id, c.item, c.author_login, c.author_name, c.author_role, c.body, c.created_at}));
  return rows.named(0).integer("id");
}

Result<std::vector<AciAttachmentRecord>> AciRepository::attachments(std::int64_t workspace_id) {
  auto rows = MAILLAGE_TRY(
      ACI_QUERY("SELECT id, item, filename, content_type, size_bytes, uploaded_by, created_at "
                "FROM dialogue_attachments WHERE workspace_id = $1 ORDER BY id",
                {workspace_id}));
  std::vector<AciAttachmentRecord> out;
  for (store::NamedRow r : rows.each()) {
    out.push_back({r.integer("id"), r.text("item"), r.text("filename"), r.text("content_type"),
                   r.integer("size_bytes"), r.text("uploaded_by"), r.text("created_at")});
  }
  return out;
}

Result<std::int64_t> AciRepository::insert_attachment(std::int64_t workspace_id,
                                                      const AciAttachmentRecord& a,
                                                      const std::string& content_base64) {
  auto rows = MAILLAGE_TRY(tx_->query(
      "INSERT INTO dialogue_attachments (workspace_id, item, filename, content_type, size_bytes, "
      "content_base64, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
      "RETURNING id",
      {workspace_id, a.item, a.filename, a.content_type, a.size_bytes, content_base64,
       a.uploaded_by, a.created_at}));
  return rows.named(0).integer("id");
}

Result<std::optional<AciStoredFile>> AciRepository::attachment_file(std::int64_t attachment_id,
                                                                    std::int64_t contract_id,
                                                                    int year) {
  auto rows =
      MAILLAGE_TRY(ACI_QUERY("SELECT a.filename AS filename, a.content_type AS content_type, "
                             "a.content_base64 AS content_base64 FROM dialogue_attachments a "
                             "JOIN dialogue_workspaces w ON w.id = a.workspace_id "
                             "WHERE a.id = $1 AND w.contract_id = $2 AND w.year = $3",
                             {attachment_id, contract_id, year_value(year)}));
  if (rows.empty()) return std::optional<AciStoredFile>{};
  store::NamedRow r = rows.named(0);
  return std::optional<AciStoredFile>{
      AciStoredFile{r.text("filename"), r.text("content_type"), r.text("content_base64")}};
}

Result<std::vector<AciBudgetRecord>> AciRepository::budget(std::int64_t workspace_id) {
  auto rows = MAILLAGE_TRY(
      ACI_QUERY("SELECT envelope, received_cents, spent_cents, version FROM dialogue_budget "
                "WHERE workspace_id = $1 ORDER BY envelope",
                {workspace_id}));
  std::vector<AciBudgetRecord> out;
  for (store::NamedRow r : rows.each()) {
    out.push_back({r.text("envelope"), r.integer("received_cents"), r.integer("spent_cents"),
                   r.integer("version")});
  }
  return out;
}

Result<std::optional<AciBudgetRecord>> AciRepository::budget_line(std::int64_t workspace_id,
                                                                  const std::string& envelope) {
  auto rows = MAILLAGE_TRY(
      ACI_QUERY("SELECT envelope, version, received_cents, spent_cents FROM dialogue_budget "
                "WHERE workspace_id = $1 AND envelope = $2",
                {workspace_id, envelope}));
  if (rows.empty()) return std::optional<AciBudgetRecord>{};
  store::NamedRow r = rows.named(0);
  return std::optional<AciBudgetRecord>{
      AciBudgetRecord{r.text("envelope"), r.integer("received_cents"), r.integer("spent_cents"),
                      r.integer("version")}};
}

Status AciRepository::insert_budget(std::int64_t workspace_id, const AciBudgetRecord& b,
                                    const std::string& now, const std::string& login) {
  MAILLAGE_CHECK(
      tx_->exec("INSERT INTO dialogue_budget (workspace_id, envelope, received_cents, spent_cents, "
                "updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)",
                {workspace_id, b.envelope, b.received_cents, b.spent_cents, now, login}));
  return {};
}

Result<std::int64_t> AciRepository::update_budget(std::int64_t workspace_id,
                                                  const AciBudgetRecord& b, std::int64_t version,
                                                  const std::string& now,
                                                  const std::string& login) {
  return tx_->exec(
      "UPDATE dialogue_budget SET received_cents = $1, spent_cents = $2, version = version + 1, "
      "updated_at = $3, updated_by = $4 WHERE workspace_id = $5 AND envelope = $6 AND version = $7",
      {b.received_cents, b.spent_cents, now, login, workspace_id, b.envelope, version});
}

namespace {
AciFicheRecord fiche_of(const store::NamedRow& r) {
  return {r.integer("id"),  r.text("mission"),    r.text("title"),      r.text("description"),
          r.text("status"), r.integer("version"), r.text("updated_at"), r.text("updated_by")};
}
}  // namespace

Result<std::vector<AciFicheRecord>> AciRepository::fiches(std::int64_t workspace_id) {
  auto rows = MAILLAGE_TRY(
      ACI_QUERY("SELECT id, mission, title, description, status, version, updated_at, updated_by "
                "FROM dialogue_fiches WHERE workspace_id = $1 ORDER BY id",
                {workspace_id}));
  std::vector<AciFicheRecord> out;
  for (store::NamedRow r : rows.each()) out.push_back(fiche_of(r));
  return out;
}

Result<std::int64_t> AciRepository::insert_fiche(std::int64_t workspace_id, const AciFicheRecord& f,
                                                 const std::string& now, const std::string& login) {
  auto rows = MAILLAGE_TRY(tx_->query(
      "INSERT INTO dialogue_fiches (workspace_id, mission, title, description, status, "
      "created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id",
      {workspace_id, f.mission, f.title, f.description, f.status, now, login}));
  return rows.named(0).integer("id");
}

Result<std::optional<AciFicheRecord>> AciRepository::fiche(std::int64_t fiche_id,
                                                           std::int64_t contract_id, int year) {
  auto rows = MAILLAGE_TRY(ACI_QUERY(
      "SELECT f.id AS id, f.mission AS mission, f.title AS title, f.description AS description, "
      "f.status AS status, f.version AS version, f.updated_at AS updated_at, "
      "f.updated_by AS updated_by FROM dialogue_fiches f JOIN dialogue_workspaces w "
      "ON w.id = f.workspace_id WHERE f.id = $1 AND w.contract_id = $2 AND w.year = $3",
      {fiche_id, contract_id, year_value(year)}));
  if (rows.empty()) return std::optional<AciFicheRecord>{};
  return std::optional<AciFicheRecord>{fiche_of(rows.named(0))};
}

Result<std::int64_t> AciRepository::update_fiche(const AciFicheRecord& f, std::int64_t version,
                                                 const std::string& now, const std::string& login) {
  return tx_->exec(
      "UPDATE dialogue_fiches SET mission = $1, title = $2, description = $3, status = $4, "
      "version = version + 1, updated_at = $5, updated_by = $6 WHERE id = $7 AND version = $8",
      {f.mission, f.title, f.description, f.status, now, login, f.id, version});
}

Result<std::vector<AciAdjustmentRecord>> AciRepository::adjustments(std::int64_t workspace_id) {
  auto rows = MAILLAGE_TRY(ACI_QUERY(
      "SELECT id, mission, indicator, fact, fact_label, fact_before, fact_after, rationale, "
      "proposed_by, proposed_role, created_at FROM dialogue_adjustments WHERE workspace_id = $1 "
      "ORDER BY id",
      {workspace_id}));
  std::vector<AciAdjustmentRecord> out;
  for (store::NamedRow r : rows.each()) {
    out.push_back({r.integer("id"), r.text("mission"), r.text("indicator"), r.text("fact"),
                   r.text("fact_label"), r.real("fact_before"), r.real("fact_after"),
                   r.text("rationale"), r.text("proposed_by"), r.text("proposed_role"),
                   r.text("created_at")});
  }
  return out;
}

Result<std::int64_t> AciRepository::insert_adjustment(std::int64_t workspace_id,
                                                      const AciAdjustmentRecord& a) {
  auto rows = MAILLAGE_TRY(tx_->query(
      "INSERT INTO dialogue_adjustments (workspace_id, mission, indicator, fact, fact_label, "
      "fact_before, fact_after, rationale, proposed_by, proposed_role, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
      {workspace_id, a.mission, a.indicator, a.fact, a.fact_label, a.fact_before, a.fact_after,
       a.rationale, a.proposed_by, a.proposed_role, a.created_at}));
  return rows.named(0).integer("id");
}

#undef ACI_QUERY

}  // namespace maillage::services
