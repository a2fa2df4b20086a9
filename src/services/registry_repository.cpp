#include "services/registry_repository.hpp"

#include <fmt/format.h>

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

using registry::Date;
using store::NamedRow;
using store::Params;
using store::placeholders;
using store::Tx;

namespace {

constexpr const char* kStructureColumns =
    "id, kind, name, departement, stage, stage_since, legal_form, finess, rna, siret, commune, "
    "address, contact_name, contact_email, contact_phone, notes, version, created_at, updated_at, "
    "archived_at, archived_by, archive_reason";

constexpr const char* kTransitionColumns =
    "id, structure_id, from_state, to_state, event, date, user_login, implicit, timer, comment, "
    "recorded_at";

constexpr const char* kDocumentColumns =
    "id, structure_id, doc_type, title, filename, content_type, size_bytes, doc_date, "
    "uploaded_by, uploaded_at";

Structure structure_of(NamedRow r) {
  Structure s;
  s.id = r.integer("id");
  s.kind = r.text("kind");
  s.name = r.text("name");
  s.departement = r.text("departement");
  s.stage = r.text("stage");
  if (!r.is_null("stage_since")) s.stage_since = registry::parse_date(r.text("stage_since"));
  s.legal_form = r.text("legal_form");
  s.finess = r.text("finess");
  s.rna = r.text("rna");
  s.siret = r.text("siret");
  s.commune = r.text("commune");
  s.address = r.text("address");
  s.contact_name = r.text("contact_name");
  s.contact_email = r.text("contact_email");
  s.contact_phone = r.text("contact_phone");
  s.notes = r.text("notes");
  s.version = r.integer("version");
  s.created_at = r.text("created_at");
  s.updated_at = r.text("updated_at");
  if (!r.is_null("archived_at")) s.archived_at = r.text("archived_at");
  s.archived_by = r.text("archived_by");
  s.archive_reason = r.text("archive_reason");
  return s;
}

TransitionRow transition_of(NamedRow r) {
  TransitionRow t;
  t.id = r.integer("id");
  t.structure_id = r.integer("structure_id");
  t.step.from = r.text("from_state");
  t.step.to = r.text("to_state");
  t.step.event = r.text("event");
  t.step.date = registry::parse_date(r.text("date")).value_or(Date{});
  t.step.user = r.text("user_login");
  t.step.implicit = r.integer("implicit") != 0;
  t.step.timer = r.text("timer");
  t.comment = r.text("comment");
  t.recorded_at = r.text("recorded_at");
  return t;
}

DocumentInfo document_of(NamedRow r) {
  DocumentInfo d;
  d.id = r.integer("id");
  d.structure_id = r.integer("structure_id");
  d.doc_type = r.text("doc_type");
  d.title = r.text("title");
  d.filename = r.text("filename");
  d.content_type = r.text("content_type");
  d.size_bytes = r.integer("size_bytes");
  d.date = registry::parse_date(r.text("doc_date")).value_or(Date{});
  d.uploaded_by = r.text("uploaded_by");
  d.uploaded_at = r.text("uploaded_at");
  return d;
}

Referent user_of(NamedRow r) {
  return Referent{r.integer("user_id"), r.text("login"), r.text("display_name"), r.text("role"),
                  ""};
}

std::string in_list(std::size_t count) { return "(" + placeholders(1, count) + ")"; }

}  // namespace

Result<std::optional<Structure>> RegistryRepository::structure(std::int64_t id) const {
  auto rows = MAILLAGE_TRY(
      db_->query(fmt::format("SELECT {} FROM structures WHERE id = $1", kStructureColumns), {id}));
  if (rows.empty()) return std::optional<Structure>{};
  return std::optional<Structure>{structure_of(rows.named(0))};
}

Result<std::optional<Structure>> RegistryRepository::structure(Tx& tx, std::int64_t id) {
  auto rows = MAILLAGE_TRY(
      tx.query(fmt::format("SELECT {} FROM structures WHERE id = $1", kStructureColumns), {id}));
  if (rows.empty()) return std::optional<Structure>{};
  return std::optional<Structure>{structure_of(rows.named(0))};
}

Result<std::vector<Structure>> RegistryRepository::structures(const StructureQuery& q) const {
  std::string where = " WHERE 1 = 1";
  Params params;
  if (q.departement) {
    params.emplace_back(*q.departement);
    where += " AND departement = $" + std::to_string(params.size());
  }
  if (q.departements) {
    where +=
        " AND departement IN (" + placeholders(params.size() + 1, q.departements->size()) + ")";
    params.insert(params.end(), q.departements->begin(), q.departements->end());
  }
  if (q.ids) {
    where += " AND id IN (" + placeholders(params.size() + 1, q.ids->size()) + ")";
    params.insert(params.end(), q.ids->begin(), q.ids->end());
  }
  if (q.kind) {
    params.emplace_back(*q.kind);
    where += " AND kind = $" + std::to_string(params.size());
  }
  if (q.stage) {
    params.emplace_back(*q.stage);
    where += " AND stage = $" + std::to_string(params.size());
  }
  switch (q.archived) {
    case ArchiveFilter::active:
      where += " AND archived_at IS NULL";
      break;
    case ArchiveFilter::archived:
      where += " AND archived_at IS NOT NULL";
      break;
    case ArchiveFilter::all:
      break;
  }
  auto rows = MAILLAGE_TRY(db_->query(
      fmt::format("SELECT {} FROM structures{} ORDER BY kind, name, id", kStructureColumns, where),
      params));
  std::vector<Structure> out;
  out.reserve(rows.size());
  for (NamedRow r : rows.each()) out.push_back(structure_of(r));
  return out;
}

Result<std::vector<TransitionRow>> RegistryRepository::transitions(
    std::int64_t structure_id) const {
  auto rows = MAILLAGE_TRY(db_->query(
      fmt::format("SELECT {} FROM structure_transitions WHERE structure_id = $1 ORDER BY id",
                  kTransitionColumns),
      {structure_id}));
  std::vector<TransitionRow> out;
  for (NamedRow r : rows.each()) out.push_back(transition_of(r));
  return out;
}

Result<std::vector<TransitionRow>> RegistryRepository::transitions(
    const std::vector<std::int64_t>& ids) const {
  std::vector<TransitionRow> out;
  if (ids.empty()) return out;
  auto rows = MAILLAGE_TRY(
      db_->query(fmt::format("SELECT {} FROM structure_transitions WHERE structure_id IN {} "
                             "ORDER BY structure_id, id",
                             kTransitionColumns, in_list(ids.size())),
                 Params(ids.begin(), ids.end())));
  for (NamedRow r : rows.each()) out.push_back(transition_of(r));
  return out;
}

Result<std::vector<MilestoneRow>> RegistryRepository::milestones(
    const std::vector<std::int64_t>& ids) const {
  std::vector<MilestoneRow> out;
  if (ids.empty()) return out;
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT structure_id, milestone, date FROM structure_milestones WHERE structure_id IN " +
          in_list(ids.size()),
      Params(ids.begin(), ids.end())));
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("structure_id"), r.text("milestone"), r.text("date")});
  }
  return out;
}

Result<std::vector<DocumentInfo>> RegistryRepository::documents(std::int64_t structure_id) const {
  auto rows = MAILLAGE_TRY(
      db_->query(fmt::format("SELECT {} FROM structure_documents WHERE structure_id = $1 "
                             "ORDER BY doc_date DESC, id DESC",
                             kDocumentColumns),
                 {structure_id}));
  std::vector<DocumentInfo> out;
  for (NamedRow r : rows.each()) out.push_back(document_of(r));
  return out;
}

Result<std::optional<std::pair<DocumentInfo, std::string>>> RegistryRepository::document(
    std::int64_t structure_id, std::int64_t document_id) const {
  auto rows =
      MAILLAGE_TRY(db_->query(fmt::format("SELECT {}, content_base64 FROM structure_documents "
                                          "WHERE structure_id = $1 AND id = $2",
                                          kDocumentColumns),
                              {structure_id, document_id}));
  if (rows.empty()) return std::optional<std::pair<DocumentInfo, std::string>>{};
  NamedRow r = rows.named(0);
  return std::optional<std::pair<DocumentInfo, std::string>>{
      std::pair{document_of(r), r.text("content_base64")}};
}

Result<std::map<std::int64_t, std::vector<std::string>>> RegistryRepository::territories(
    const std::vector<std::int64_t>& ids) const {
  std::map<std::int64_t, std::vector<std::string>> out;
  if (ids.empty()) return out;
  auto rows = db_->query(
      "SELECT structure_id, commune FROM structure_communes "
      "WHERE structure_id IN " +
          in_list(ids.size()) + " ORDER BY structure_id, commune",
      Params(ids.begin(), ids.end()));
  if (!rows) {
    // Before the territories migration (0003) the table does not exist: a territory is simply
    // empty, so that the registry works on a database migrated only up to 0002.
    auto probe =
        db_->query(db_->backend() == store::Backend::sqlite
                       ? "SELECT count(*) AS n FROM sqlite_master WHERE name = 'structure_communes'"
                       : "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = "
                         "'structure_communes'");
    if (probe && !probe->empty() && probe->named(0).integer("n") == 0) return out;
    return tl::unexpected(rows.error());
  }
  for (NamedRow r : rows->each()) out[r.integer("structure_id")].push_back(r.text("commune"));
  return out;
}

namespace {

std::vector<ReferentAreaRow> area_rows(const store::Rows& rows) {
  std::vector<ReferentAreaRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back(
        {r.integer("user_id"), r.text("area_kind"), r.text("code"), r.text("label"), user_of(r)});
  }
  return out;
}

}  // namespace

Result<std::vector<ReferentAreaRow>> RegistryRepository::referent_areas(
    const std::string& departement) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT a.user_id AS user_id, a.area_kind AS area_kind, a.code AS code, a.label AS label, "
      "u.login AS login, u.display_name AS display_name, u.role AS role "
      "FROM referent_areas a JOIN users u ON u.id = a.user_id "
      "WHERE a.departement = $1 AND u.active = 1 ORDER BY u.login, a.area_kind, a.code",
      {departement}));
  return area_rows(rows);
}

Result<std::vector<ReferentAreaRow>> RegistryRepository::sector_areas(
    const std::string& departement) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT u.id AS user_id, CASE WHEN u.id = s.referent_user_id THEN 'secteur' "
      "ELSE 'secteur_suppleant' END AS area_kind, c.commune AS code, s.label AS label, "
      "u.login AS login, u.display_name AS display_name, u.role AS role "
      "FROM sector_plans p JOIN sector_plan_sectors s ON s.plan_id = p.id "
      "JOIN sector_plan_communes c ON c.plan_id = p.id AND c.sector = s.sector "
      "JOIN users u ON (u.id = s.referent_user_id OR u.id = s.deputy_user_id) AND u.active = 1 "
      "WHERE p.departement = $1 AND p.version = (SELECT MAX(version) FROM sector_plans "
      "WHERE departement = $1) ORDER BY c.commune, area_kind, u.login",
      {departement}));
  return area_rows(rows);
}

Result<std::vector<Referent>> RegistryRepository::departement_rocs(
    const std::string& departement) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT u.id AS user_id, u.login AS login, u.display_name AS display_name, u.role AS role "
      "FROM users u JOIN user_departements d ON d.user_id = u.id "
      "WHERE d.departement = $1 AND u.role = 'roc' AND u.active = 1 ORDER BY u.login",
      {departement}));
  std::vector<Referent> out;
  for (NamedRow r : rows.each()) out.push_back(user_of(r));
  return out;
}

Result<std::vector<Referent>> RegistryRepository::structure_referents(
    std::int64_t structure_id) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT u.id AS user_id, u.login AS login, u.display_name AS display_name, u.role AS role "
      "FROM structure_referents r JOIN users u ON u.id = r.user_id "
      "WHERE r.structure_id = $1 AND u.active = 1 ORDER BY u.login",
      {structure_id}));
  std::vector<Referent> out;
  for (NamedRow r : rows.each()) out.push_back(user_of(r));
  return out;
}

Result<std::map<std::int64_t, std::vector<Referent>>> RegistryRepository::referent_names(
    const std::vector<std::int64_t>& ids) const {
  std::map<std::int64_t, std::vector<Referent>> out;
  if (ids.empty()) return out;
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT r.structure_id AS structure_id, u.id AS user_id, u.login AS login, "
      "u.display_name AS display_name, u.role AS role "
      "FROM structure_referents r JOIN users u ON u.id = r.user_id WHERE r.structure_id IN " +
          in_list(ids.size()) + " ORDER BY u.display_name",
      Params(ids.begin(), ids.end())));
  for (NamedRow r : rows.each()) {
    out[r.integer("structure_id")].push_back(user_of(r));
  }
  return out;
}

Result<std::map<std::int64_t, std::vector<NetworkAccount>>> RegistryRepository::coordinators(
    const std::vector<std::int64_t>& ids) const {
  std::map<std::int64_t, std::vector<NetworkAccount>> out;
  if (ids.empty()) return out;
  Params params(ids.begin(), ids.end());
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT us.structure_id AS structure_id, u.display_name AS display_name, u.login AS login, "
      "u.created_at AS since FROM user_structures us JOIN users u ON u.id = us.user_id "
      "WHERE u.role = 'coordinator' AND u.active = 1 AND us.structure_id IN " +
          in_list(ids.size()) + " ORDER BY u.display_name, u.login",
      params));
  for (NamedRow r : rows.each()) {
    out[r.integer("structure_id")].push_back(
        {r.text("display_name"), r.text("login"), r.text("since")});
  }
  return out;
}

Result<std::int64_t> RegistryRepository::last_audit_id() const {
  auto rows = MAILLAGE_TRY(db_->query("SELECT max(id) AS last_id FROM audit_log"));
  return rows.empty() ? 0 : rows.named(0).integer("last_id");
}

Result<std::int64_t> RegistryRepository::insert_structure(Tx& tx, const Structure& s,
                                                          const std::string& now) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO structures (kind, name, departement, stage, legal_form, finess, rna, siret, "
      "commune, address, contact_name, contact_email, contact_phone, notes, created_at, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
      "$15) RETURNING id",
      {s.kind, s.name, s.departement, s.stage, s.legal_form, s.finess, s.rna, s.siret, s.commune,
       s.address, s.contact_name, s.contact_email, s.contact_phone, s.notes, now}));
  return rows.named(0).integer("id");
}

Result<std::int64_t> RegistryRepository::update_fields(Tx& tx, const Structure& s,
                                                       std::int64_t version,
                                                       const std::string& now) {
  return tx.exec(
      "UPDATE structures SET name = $3, legal_form = $4, finess = $5, rna = $6, siret = $7, "
      "commune = $8, address = $9, contact_name = $10, contact_email = $11, "
      "contact_phone = $12, notes = $13, updated_at = $14, version = version + 1 "
      "WHERE id = $1 AND version = $2",
      {s.id, version, s.name, s.legal_form, s.finess, s.rna, s.siret, s.commune, s.address,
       s.contact_name, s.contact_email, s.contact_phone, s.notes, now});
}

Result<std::int64_t> RegistryRepository::set_stage(Tx& tx, std::int64_t id, std::int64_t version,
                                                   const std::string& stage, Date since,
                                                   const std::string& now) {
  return tx.exec(
      "UPDATE structures SET stage = $3, stage_since = $4, updated_at = $5, "
      "version = version + 1 WHERE id = $1 AND version = $2",
      {id, version, stage, registry::format_date(since), now});
}

Status RegistryRepository::add_transition(Tx& tx, std::int64_t id, const registry::Transition& t,
                                          const std::string& comment, const std::string& now) {
  MAILLAGE_CHECK(
      tx.exec("INSERT INTO structure_transitions (structure_id, from_state, to_state, event, date, "
              "user_login, implicit, timer, comment, recorded_at) "
              "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
              {id, t.from, t.to, t.event, registry::format_date(t.date), t.user,
               std::int64_t{t.implicit ? 1 : 0}, t.timer, comment, now}));
  return {};
}

Status RegistryRepository::set_milestone(Tx& tx, std::int64_t id, const std::string& milestone,
                                         Date date, const std::string& user,
                                         const std::string& now) {
  MAILLAGE_CHECK(
      tx.exec("DELETE FROM structure_milestones WHERE structure_id = $1 AND milestone = $2",
              {id, milestone}));
  MAILLAGE_CHECK(
      tx.exec("INSERT INTO structure_milestones (structure_id, milestone, date, recorded_by, "
              "recorded_at) VALUES ($1, $2, $3, $4, $5)",
              {id, milestone, registry::format_date(date), user, now}));
  return {};
}

Result<std::int64_t> RegistryRepository::insert_document(Tx& tx, const DocumentInfo& d,
                                                         const std::string& content_base64) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO structure_documents (structure_id, doc_type, title, filename, content_type, "
      "size_bytes, doc_date, content_base64, uploaded_by, uploaded_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
      {d.structure_id, d.doc_type, d.title, d.filename, d.content_type, d.size_bytes,
       registry::format_date(d.date), content_base64, d.uploaded_by, d.uploaded_at}));
  return rows.named(0).integer("id");
}

Result<std::int64_t> RegistryRepository::delete_structure(Tx& tx, std::int64_t id,
                                                          std::int64_t version) {
  return tx.exec("DELETE FROM structures WHERE id = $1 AND version = $2", {id, version});
}

Result<std::int64_t> RegistryRepository::set_archived(Tx& tx, std::int64_t id,
                                                      std::int64_t version, bool archived,
                                                      const std::string& by,
                                                      const std::string& reason,
                                                      const std::string& now) {
  Params params{id, version};
  params.emplace_back(archived ? store::Value(now) : store::Value(nullptr));
  params.emplace_back(by);
  params.emplace_back(reason);
  params.emplace_back(now);
  return tx.exec(
      "UPDATE structures SET archived_at = $3, archived_by = $4, archive_reason = $5, "
      "version = version + 1, updated_at = $6 WHERE id = $1 AND version = $2",
      params);
}

Result<std::int64_t> RegistryRepository::contract_count(std::int64_t id) const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT COUNT(*) AS n FROM aci_contracts WHERE structure_id = $1", {id}));
  return rows.named(0).integer("n");
}

Status RegistryRepository::clear_structure_referents(Tx& tx, std::int64_t id) {
  MAILLAGE_CHECK(tx.exec("DELETE FROM structure_referents WHERE structure_id = $1", {id}));
  return {};
}

Result<std::int64_t> RegistryRepository::add_structure_referent(Tx& tx, std::int64_t id,
                                                                std::int64_t user_id) {
  return tx.exec("INSERT INTO structure_referents (structure_id, user_id) VALUES ($1, $2)",
                 {id, user_id});
}

Status RegistryRepository::clear_referent_area(Tx& tx, std::int64_t user_id,
                                               const std::string& area_kind,
                                               const std::string& code) {
  MAILLAGE_CHECK(
      tx.exec("DELETE FROM referent_areas WHERE user_id = $1 AND area_kind = $2 AND code = $3",
              {user_id, area_kind, code}));
  return {};
}

Result<std::int64_t> RegistryRepository::add_referent_area(Tx& tx, std::int64_t user_id,
                                                           const std::string& departement,
                                                           const std::string& area_kind,
                                                           const std::string& code,
                                                           const std::string& label) {
  return tx.exec(
      "INSERT INTO referent_areas (user_id, departement, area_kind, code, label) "
      "VALUES ($1, $2, $3, $4, $5)",
      {user_id, departement, area_kind, code, label});
}

}  // namespace maillage::services
