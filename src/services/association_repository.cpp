#include "services/association_repository.hpp"

#include <map>

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::NamedRow;
using store::Tx;
using store::Value;

namespace {

constexpr const char* kMemberColumns =
    "id, structure_id, kind, last_name, first_name, organisation, legal_kind, representative, "
    "profession, rpps, mode_exercice, commune, email, phone, college, bureau, joined, radiated, "
    "version, created_by, created_at, updated_by, updated_at";

MemberRow member_of(const NamedRow& r) {
  MemberRow m;
  m.id = r.integer("id");
  m.structure_id = r.integer("structure_id");
  MemberInput& d = m.data;
  d.kind = r.text("kind");
  d.last_name = r.text("last_name");
  d.first_name = r.text("first_name");
  d.organisation = r.text("organisation");
  d.legal_kind = r.text("legal_kind");
  d.representative = r.text("representative");
  d.profession = r.text("profession");
  d.rpps = r.text("rpps");
  d.mode_exercice = r.text("mode_exercice");
  d.commune = r.text("commune");
  d.email = r.text("email");
  d.phone = r.text("phone");
  d.college = r.text("college");
  d.bureau = r.text("bureau");
  d.joined = r.text("joined");
  d.radiated = r.text("radiated");
  d.expected_version = r.integer("version");
  m.created_by = r.text("created_by");
  m.created_at = r.text("created_at");
  m.updated_by = r.text("updated_by");
  m.updated_at = r.text("updated_at");
  return m;
}

Value nullable(const std::string& s) { return s.empty() ? Value{nullptr} : Value{s}; }

}  // namespace

Result<std::optional<StructureHead>> AssociationRepository::structure(std::int64_t id) const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT id, kind, name, departement FROM structures WHERE id = $1", {id}));
  if (rows.empty()) return std::optional<StructureHead>{};
  NamedRow r = rows.named(0);
  return std::optional<StructureHead>{
      StructureHead{r.integer("id"), r.text("kind"), r.text("name"), r.text("departement")}};
}

Result<std::optional<StoredStatuts>> AssociationRepository::statuts(
    std::int64_t structure_id) const {
  auto head = MAILLAGE_TRY(
      db_->query("SELECT weight_mode, period, default_college, version, updated_by, updated_at "
                 "FROM association_statuts WHERE structure_id = $1",
                 {structure_id}));
  if (head.empty()) return std::optional<StoredStatuts>{};
  StoredStatuts out;
  NamedRow h = head.named(0);
  out.statuts.weight_mode = h.text("weight_mode");
  out.statuts.period = h.text("period");
  out.statuts.default_college = h.text("default_college");
  out.statuts.expected_version = h.integer("version");
  out.updated_by = h.text("updated_by");
  out.updated_at = h.text("updated_at");
  auto colleges = MAILLAGE_TRY(
      db_->query("SELECT college, name, share_num, share_den FROM association_colleges "
                 "WHERE structure_id = $1 ORDER BY position",
                 {structure_id}));
  std::map<std::string, std::size_t> index;
  for (NamedRow r : colleges.each()) {
    index[r.text("college")] = out.statuts.colleges.size();
    out.statuts.colleges.push_back({r.text("college"),
                                    r.text("name"),
                                    r.integer("share_num"),
                                    r.integer("share_den"),
                                    {},
                                    {}});
  }
  auto placement = MAILLAGE_TRY(
      db_->query("SELECT kind, code, college FROM association_placement WHERE structure_id = $1 "
                 "ORDER BY kind, code",
                 {structure_id}));
  for (NamedRow r : placement.each()) {
    auto it = index.find(r.text("college"));
    if (it == index.end()) continue;
    CollegeRule& c = out.statuts.colleges[it->second];
    (r.text("kind") == "legal" ? c.legal_kinds : c.professions).push_back(r.text("code"));
  }
  auto ag = MAILLAGE_TRY(db_->query(
      "SELECT convocation_days, first_quorum, first_quorum_num, first_quorum_den, second_quorum, "
      "second_quorum_num, second_quorum_den, ordinary_majority, statuts_majority, "
      "abstentions_expressed, empty_college_share, proxy_max, proxy_same_college, "
      "vote_requires_dues FROM association_ag_rules WHERE structure_id = $1",
      {structure_id}));
  if (!ag.empty()) {
    NamedRow r = ag.named(0);
    AgRules& a = out.statuts.ag;
    a.convocation_days = static_cast<int>(r.integer("convocation_days"));
    a.first_quorum = r.text("first_quorum");
    a.first_quorum_num = r.integer("first_quorum_num");
    a.first_quorum_den = r.integer("first_quorum_den");
    a.second_quorum = r.text("second_quorum");
    a.second_quorum_num = r.integer("second_quorum_num");
    a.second_quorum_den = r.integer("second_quorum_den");
    a.ordinary_majority = r.text("ordinary_majority");
    a.statuts_majority = r.text("statuts_majority");
    a.abstentions_expressed = r.boolean("abstentions_expressed");
    a.empty_college_share = r.text("empty_college_share");
    a.proxy_max = static_cast<int>(r.integer("proxy_max"));
    a.proxy_same_college = r.boolean("proxy_same_college");
    a.vote_requires_dues = r.boolean("vote_requires_dues");
  }
  return std::optional<StoredStatuts>{std::move(out)};
}

Result<std::vector<MemberRow>> AssociationRepository::members(std::int64_t structure_id) const {
  auto rows = MAILLAGE_TRY(
      db_->query(std::string("SELECT ") + kMemberColumns +
                     " FROM association_members WHERE structure_id = $1 "
                     "ORDER BY lower(last_name || organisation), lower(first_name), id",
                 {structure_id}));
  std::vector<MemberRow> out;
  for (NamedRow r : rows.each()) out.push_back(member_of(r));
  return out;
}

Result<std::optional<MemberRow>> AssociationRepository::member(std::int64_t structure_id,
                                                               std::int64_t id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kMemberColumns +
                                          " FROM association_members WHERE structure_id = $1 "
                                          "AND id = $2",
                                      {structure_id, id}));
  if (rows.empty()) return std::optional<MemberRow>{};
  return std::optional<MemberRow>{member_of(rows.named(0))};
}

Result<std::optional<MemberRow>> AssociationRepository::member_by_email(
    std::int64_t structure_id, const std::string& email) const {
  if (email.empty()) return std::optional<MemberRow>{};
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kMemberColumns +
                                          " FROM association_members WHERE structure_id = $1 "
                                          "AND lower(email) = lower($2) ORDER BY id LIMIT 1",
                                      {structure_id, email}));
  if (rows.empty()) return std::optional<MemberRow>{};
  return std::optional<MemberRow>{member_of(rows.named(0))};
}

Result<std::vector<MemberChange>> AssociationRepository::history(std::int64_t member_id) const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT changed_at, changed_by, action, detail FROM association_member_history "
                 "WHERE member_id = $1 ORDER BY id DESC",
                 {member_id}));
  std::vector<MemberChange> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.text("changed_at"), r.text("changed_by"), r.text("action"), r.text("detail")});
  }
  return out;
}

Result<std::vector<TariffRow>> AssociationRepository::tariffs(std::int64_t structure_id) const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT year, college, profession, amount_cents FROM association_tariffs "
                 "WHERE structure_id = $1 ORDER BY year, college, profession",
                 {structure_id}));
  std::vector<TariffRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back({static_cast<int>(r.integer("year")), r.text("college"), r.text("profession"),
                   r.integer("amount_cents")});
  }
  return out;
}

Result<std::vector<PaymentRow>> AssociationRepository::payments(std::int64_t structure_id) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT id, member_id, paid_on, amount_cents, method, reference, covers_year, created_by, "
      "created_at FROM association_payments WHERE structure_id = $1 ORDER BY paid_on, id",
      {structure_id}));
  std::vector<PaymentRow> out;
  for (NamedRow r : rows.each()) {
    PaymentRow p;
    p.id = r.integer("id");
    p.member_id = r.integer("member_id");
    p.paid_on = r.text("paid_on");
    p.amount_cents = r.integer("amount_cents");
    p.method = r.text("method");
    p.reference = r.text("reference");
    if (!r.is_null("covers_year")) p.covers_year = static_cast<int>(r.integer("covers_year"));
    p.created_by = r.text("created_by");
    p.created_at = r.text("created_at");
    out.push_back(std::move(p));
  }
  return out;
}

Result<std::int64_t> AssociationRepository::statuts_version(Tx& tx, std::int64_t structure_id) {
  auto rows = MAILLAGE_TRY(
      tx.query("SELECT version FROM association_statuts WHERE structure_id = $1", {structure_id}));
  return rows.empty() ? std::int64_t{0} : rows.named(0).integer("version");
}

Status AssociationRepository::replace_statuts(Tx& tx, std::int64_t structure_id,
                                              const StatutsInput& in, std::int64_t version,
                                              const std::string& by, const std::string& at) {
  MAILLAGE_TRY(
      tx.exec("DELETE FROM association_placement WHERE structure_id = $1", {structure_id}));
  MAILLAGE_TRY(tx.exec("DELETE FROM association_colleges WHERE structure_id = $1", {structure_id}));
  if (version == 1) {
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO association_statuts (structure_id, weight_mode, period, default_college, "
        "version, updated_by, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $6)",
        {structure_id, in.weight_mode, in.period, in.default_college, by, at}));
  } else {
    MAILLAGE_TRY(tx.exec(
        "UPDATE association_statuts SET weight_mode = $2, period = $3, default_college = $4, "
        "version = $5, updated_by = $6, updated_at = $7 WHERE structure_id = $1",
        {structure_id, in.weight_mode, in.period, in.default_college, version, by, at}));
  }
  MAILLAGE_TRY(tx.exec("DELETE FROM association_ag_rules WHERE structure_id = $1", {structure_id}));
  const AgRules& a = in.ag;
  MAILLAGE_TRY(tx.exec(
      "INSERT INTO association_ag_rules (structure_id, convocation_days, first_quorum, "
      "first_quorum_num, first_quorum_den, second_quorum, second_quorum_num, second_quorum_den, "
      "ordinary_majority, statuts_majority, abstentions_expressed, empty_college_share, proxy_max, "
      "proxy_same_college, vote_requires_dues) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
      "$11, $12, $13, $14, $15)",
      {structure_id, std::int64_t{a.convocation_days}, a.first_quorum, a.first_quorum_num,
       a.first_quorum_den, a.second_quorum, a.second_quorum_num, a.second_quorum_den,
       a.ordinary_majority, a.statuts_majority, std::int64_t{a.abstentions_expressed ? 1 : 0},
       a.empty_college_share, std::int64_t{a.proxy_max}, std::int64_t{a.proxy_same_college ? 1 : 0},
       std::int64_t{a.vote_requires_dues ? 1 : 0}}));
  std::int64_t position = 0;
  for (const auto& c : in.colleges) {
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO association_colleges (structure_id, college, name, position, share_num, "
        "share_den) VALUES ($1, $2, $3, $4, $5, $6)",
        {structure_id, c.id, c.name, position++, c.share_num, c.share_den}));
    for (const auto& code : c.professions) {
      MAILLAGE_TRY(
          tx.exec("INSERT INTO association_placement (structure_id, kind, code, college) "
                  "VALUES ($1, 'profession', $2, $3)",
                  {structure_id, code, c.id}));
    }
    for (const auto& code : c.legal_kinds) {
      MAILLAGE_TRY(
          tx.exec("INSERT INTO association_placement (structure_id, kind, code, college) "
                  "VALUES ($1, 'legal', $2, $3)",
                  {structure_id, code, c.id}));
    }
  }
  return {};
}

Result<std::int64_t> AssociationRepository::insert_member(Tx& tx, std::int64_t structure_id,
                                                          const MemberInput& d,
                                                          const std::string& by,
                                                          const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO association_members (structure_id, kind, last_name, first_name, organisation, "
      "legal_kind, representative, profession, rpps, mode_exercice, commune, email, phone, "
      "college, bureau, joined, radiated, version, created_by, created_at, updated_by, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
      "$16, $17, 1, $18, $19, $18, $19) RETURNING id",
      {structure_id, d.kind, d.last_name, d.first_name, d.organisation, d.legal_kind,
       d.representative, d.profession, d.rpps, d.mode_exercice, d.commune, d.email, d.phone,
       d.college, d.bureau, d.joined, nullable(d.radiated), by, at}));
  return rows.named(0).integer("id");
}

Result<bool> AssociationRepository::update_member(Tx& tx, std::int64_t structure_id,
                                                  std::int64_t id, const MemberInput& d,
                                                  const std::string& by, const std::string& at) {
  const std::int64_t changed = MAILLAGE_TRY(tx.exec(
      "UPDATE association_members SET kind = $3, last_name = $4, first_name = $5, "
      "organisation = $6, legal_kind = $7, representative = $8, profession = $9, rpps = $10, "
      "mode_exercice = $11, commune = $12, email = $13, phone = $14, college = $15, bureau = $16, "
      "joined = $17, radiated = $18, version = version + 1, updated_by = $19, updated_at = $20 "
      "WHERE structure_id = $1 AND id = $2 AND version = $21",
      {structure_id,
       id,
       d.kind,
       d.last_name,
       d.first_name,
       d.organisation,
       d.legal_kind,
       d.representative,
       d.profession,
       d.rpps,
       d.mode_exercice,
       d.commune,
       d.email,
       d.phone,
       d.college,
       d.bureau,
       d.joined,
       nullable(d.radiated),
       by,
       at,
       d.expected_version}));
  return changed == 1;
}

Status AssociationRepository::replace_tariffs(Tx& tx, std::int64_t structure_id, int year,
                                              const std::vector<NewTariff>& tariffs) {
  MAILLAGE_TRY(tx.exec("DELETE FROM association_tariffs WHERE structure_id = $1 AND year = $2",
                       {structure_id, std::int64_t{year}}));
  for (const auto& t : tariffs) {
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO association_tariffs (structure_id, year, college, profession, amount_cents) "
        "VALUES ($1, $2, $3, $4, $5)",
        {structure_id, std::int64_t{year}, t.college, t.profession, t.amount_cents}));
  }
  return {};
}

Result<std::int64_t> AssociationRepository::insert_payment(Tx& tx, std::int64_t structure_id,
                                                           const NewPayment& in,
                                                           const std::string& by,
                                                           const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO association_payments (member_id, structure_id, paid_on, amount_cents, method, "
      "reference, covers_year, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, "
      "$9) RETURNING id",
      {in.member_id, structure_id, in.paid_on, in.amount_cents, in.method, in.reference,
       in.covers_year ? Value{std::int64_t{*in.covers_year}} : Value{nullptr}, by, at}));
  return rows.named(0).integer("id");
}

Status AssociationRepository::add_history(Tx& tx, std::int64_t member_id, std::int64_t structure_id,
                                          const std::string& at, const std::string& by,
                                          const std::string& action, const std::string& detail) {
  MAILLAGE_TRY(tx.exec(
      "INSERT INTO association_member_history (member_id, structure_id, changed_at, changed_by, "
      "action, detail) VALUES ($1, $2, $3, $4, $5, $6)",
      {member_id, structure_id, at, by, action, detail}));
  return {};
}

}  // namespace maillage::services
