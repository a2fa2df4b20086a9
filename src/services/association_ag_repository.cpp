#include "services/association_ag_repository.hpp"

#include <nlohmann/json.hpp>

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::NamedRow;
using store::Tx;
using store::Value;

namespace {

constexpr const char* kAssemblyColumns =
    "id, structure_id, kind, title, held_on, starts_at, ends_at, place, convocation, status, "
    "convened_on, convened_how, rules, opened_at, closed_at, version, created_by, created_at, "
    "updated_by, updated_at";

AssemblyRow assembly_of(const NamedRow& r) {
  AssemblyRow a;
  a.id = r.integer("id");
  a.structure_id = r.integer("structure_id");
  a.kind = r.text("kind");
  a.title = r.text("title");
  a.held_on = r.text("held_on");
  a.starts_at = r.text("starts_at");
  a.ends_at = r.text("ends_at");
  a.place = r.text("place");
  a.convocation = r.text("convocation");
  a.status = r.text("status");
  a.convened_on = r.text("convened_on");
  a.convened_how = r.text("convened_how");
  a.rules = r.text("rules");
  a.opened_at = r.text("opened_at");
  a.closed_at = r.text("closed_at");
  a.version = r.integer("version");
  a.created_by = r.text("created_by");
  a.created_at = r.text("created_at");
  a.updated_by = r.text("updated_by");
  a.updated_at = r.text("updated_at");
  return a;
}

ResolutionRow resolution_of(const NamedRow& r) {
  ResolutionRow x;
  x.id = r.integer("id");
  x.assembly_id = r.integer("assembly_id");
  x.position = static_cast<int>(r.integer("position"));
  x.title = r.text("title");
  x.body = r.text("body");
  x.kind = r.text("kind");
  x.ballot = r.text("ballot");
  x.outcome = r.text("outcome");
  x.explanation = r.text("explanation");
  return x;
}

constexpr const char* kResolutionColumns =
    "r.id, r.assembly_id, r.position, r.title, r.body, r.kind, r.ballot, r.outcome, r.explanation";

}  // namespace

std::string rules_to_json(const StatutsInput& s) {
  using nlohmann::json;
  json colleges = json::array();
  for (const auto& c : s.colleges) {
    colleges.push_back({{"id", c.id},
                        {"name", c.name},
                        {"share_num", c.share_num},
                        {"share_den", c.share_den},
                        {"professions", c.professions},
                        {"legal_kinds", c.legal_kinds}});
  }
  const AgRules& a = s.ag;
  json ag{{"convocation_days", a.convocation_days},
          {"first_quorum", a.first_quorum},
          {"first_quorum_num", a.first_quorum_num},
          {"first_quorum_den", a.first_quorum_den},
          {"second_quorum", a.second_quorum},
          {"second_quorum_num", a.second_quorum_num},
          {"second_quorum_den", a.second_quorum_den},
          {"ordinary_majority", a.ordinary_majority},
          {"statuts_majority", a.statuts_majority},
          {"abstentions_expressed", a.abstentions_expressed},
          {"empty_college_share", a.empty_college_share},
          {"proxy_max", a.proxy_max},
          {"proxy_same_college", a.proxy_same_college},
          {"vote_requires_dues", a.vote_requires_dues}};
  return json{{"weight_mode", s.weight_mode},         {"period", s.period},
              {"default_college", s.default_college}, {"version", s.expected_version},
              {"colleges", std::move(colleges)},      {"ag", std::move(ag)}}
      .dump();
}

Result<StatutsInput> rules_from_json(const std::string& text) {
  using nlohmann::json;
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return fail(ErrorCode::db_error, "Statuts figés de l'assemblée illisibles.", "rules");
  }
  try {
    StatutsInput s;
    s.weight_mode = j.at("weight_mode").get<std::string>();
    s.period = j.at("period").get<std::string>();
    s.default_college = j.at("default_college").get<std::string>();
    s.expected_version = j.at("version").get<std::int64_t>();
    for (const auto& c : j.at("colleges")) {
      CollegeRule r;
      r.id = c.at("id").get<std::string>();
      r.name = c.at("name").get<std::string>();
      r.share_num = c.at("share_num").get<std::int64_t>();
      r.share_den = c.at("share_den").get<std::int64_t>();
      r.professions = c.at("professions").get<std::vector<std::string>>();
      r.legal_kinds = c.at("legal_kinds").get<std::vector<std::string>>();
      s.colleges.push_back(std::move(r));
    }
    const json& a = j.at("ag");
    s.ag.convocation_days = a.at("convocation_days").get<int>();
    s.ag.first_quorum = a.at("first_quorum").get<std::string>();
    s.ag.first_quorum_num = a.at("first_quorum_num").get<std::int64_t>();
    s.ag.first_quorum_den = a.at("first_quorum_den").get<std::int64_t>();
    s.ag.second_quorum = a.at("second_quorum").get<std::string>();
    s.ag.second_quorum_num = a.at("second_quorum_num").get<std::int64_t>();
    s.ag.second_quorum_den = a.at("second_quorum_den").get<std::int64_t>();
    s.ag.ordinary_majority = a.at("ordinary_majority").get<std::string>();
    s.ag.statuts_majority = a.at("statuts_majority").get<std::string>();
    s.ag.abstentions_expressed = a.at("abstentions_expressed").get<bool>();
    s.ag.empty_college_share = a.at("empty_college_share").get<std::string>();
    s.ag.proxy_max = a.at("proxy_max").get<int>();
    s.ag.proxy_same_college = a.at("proxy_same_college").get<bool>();
    s.ag.vote_requires_dues = a.at("vote_requires_dues").get<bool>();
    return s;
  } catch (const json::exception& e) {
    return fail(ErrorCode::db_error,
                std::string("Statuts figés de l'assemblée illisibles : ") + e.what(), "rules");
  }
}

Result<std::vector<AssemblyRow>> AssemblyRepository::assemblies(std::int64_t structure_id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kAssemblyColumns +
                                          " FROM association_assemblies WHERE structure_id = $1 "
                                          "ORDER BY held_on DESC, starts_at DESC, id DESC",
                                      {structure_id}));
  std::vector<AssemblyRow> out;
  for (NamedRow r : rows.each()) out.push_back(assembly_of(r));
  return out;
}

Result<std::optional<AssemblyRow>> AssemblyRepository::assembly(std::int64_t structure_id,
                                                                std::int64_t id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kAssemblyColumns +
                                          " FROM association_assemblies WHERE structure_id = $1 "
                                          "AND id = $2",
                                      {structure_id, id}));
  if (rows.empty()) return std::optional<AssemblyRow>{};
  return std::optional<AssemblyRow>{assembly_of(rows.named(0))};
}

Result<std::vector<ResolutionRow>> AssemblyRepository::resolutions(std::int64_t assembly_id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kResolutionColumns +
                                          " FROM association_resolutions r WHERE r.assembly_id = "
                                          "$1 ORDER BY r.position, r.id",
                                      {assembly_id}));
  std::vector<ResolutionRow> out;
  for (NamedRow r : rows.each()) out.push_back(resolution_of(r));
  return out;
}

Result<std::vector<ResolutionRow>> AssemblyRepository::structure_resolutions(
    std::int64_t structure_id) const {
  auto rows = MAILLAGE_TRY(db_->query(
      std::string("SELECT ") + kResolutionColumns +
          " FROM association_resolutions r JOIN association_assemblies a ON a.id = r.assembly_id "
          "WHERE a.structure_id = $1 ORDER BY r.assembly_id, r.position, r.id",
      {structure_id}));
  std::vector<ResolutionRow> out;
  for (NamedRow r : rows.each()) out.push_back(resolution_of(r));
  return out;
}

Result<std::vector<RollRow>> AssemblyRepository::roll(std::int64_t assembly_id) const {
  auto rows =
      MAILLAGE_TRY(db_->query("SELECT member_id, college, presence FROM association_assembly_roll "
                              "WHERE assembly_id = $1 ORDER BY member_id",
                              {assembly_id}));
  std::vector<RollRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("member_id"), r.text("college"), r.text("presence")});
  }
  return out;
}

Result<std::vector<ProxyRow>> AssemblyRepository::proxies(std::int64_t assembly_id) const {
  auto rows =
      MAILLAGE_TRY(db_->query("SELECT id, giver_id, holder_id, online, given_by, given_at "
                              "FROM association_proxies WHERE assembly_id = $1 ORDER BY id",
                              {assembly_id}));
  std::vector<ProxyRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("id"), r.integer("giver_id"), r.integer("holder_id"),
                   r.boolean("online"), r.text("given_by"), r.text("given_at")});
  }
  return out;
}

Result<std::vector<VoteRow>> AssemblyRepository::votes(std::int64_t assembly_id) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT v.resolution_id, v.member_id, v.ballot FROM association_votes v "
      "JOIN association_resolutions r ON r.id = v.resolution_id WHERE r.assembly_id = $1 "
      "ORDER BY v.resolution_id, v.member_id",
      {assembly_id}));
  std::vector<VoteRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("resolution_id"), r.integer("member_id"), r.text("ballot")});
  }
  return out;
}

Result<std::vector<BallotCountRow>> AssemblyRepository::counts(std::int64_t assembly_id) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT c.resolution_id, c.college, c.pour, c.contre, c.abstention "
      "FROM association_ballot_counts c JOIN association_resolutions r ON r.id = c.resolution_id "
      "WHERE r.assembly_id = $1 ORDER BY c.resolution_id, c.college",
      {assembly_id}));
  std::vector<BallotCountRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("resolution_id"), r.text("college"),
                   static_cast<int>(r.integer("pour")), static_cast<int>(r.integer("contre")),
                   static_cast<int>(r.integer("abstention"))});
  }
  return out;
}

Result<std::vector<ConvocationRow>> AssemblyRepository::convocations(
    std::int64_t assembly_id) const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT member_id, channel, address, status, detail, sent_on, sent_by, sent_at "
                 "FROM association_convocations WHERE assembly_id = $1 ORDER BY id DESC",
                 {assembly_id}));
  std::vector<ConvocationRow> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("member_id"), r.text("channel"), r.text("address"), r.text("status"),
                   r.text("detail"), r.text("sent_on"), r.text("sent_by"), r.text("sent_at")});
  }
  return out;
}

Result<std::pair<std::string, std::int64_t>> AssemblyRepository::state(Tx& tx,
                                                                       std::int64_t assembly_id) {
  auto rows = MAILLAGE_TRY(
      tx.query("SELECT status, version FROM association_assemblies WHERE id = $1", {assembly_id}));
  if (rows.empty()) return std::pair<std::string, std::int64_t>{"", 0};
  NamedRow r = rows.named(0);
  return std::pair<std::string, std::int64_t>{r.text("status"), r.integer("version")};
}

Result<std::int64_t> AssemblyRepository::insert_assembly(Tx& tx, std::int64_t structure_id,
                                                         const AssemblyInput& in,
                                                         const std::string& by,
                                                         const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO association_assemblies (structure_id, kind, title, held_on, starts_at, "
      "ends_at, place, convocation, status, version, created_by, created_at, updated_by, "
      "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'preparation', 1, $9, $10, $9, $10) "
      "RETURNING id",
      {structure_id, in.kind, in.title, in.held_on, in.starts_at, in.ends_at, in.place,
       in.convocation, by, at}));
  return rows.named(0).integer("id");
}

Result<bool> AssemblyRepository::update_assembly(Tx& tx, std::int64_t assembly_id,
                                                 const AssemblyInput& in, const std::string& by,
                                                 const std::string& at) {
  const std::int64_t n = MAILLAGE_TRY(tx.exec(
      "UPDATE association_assemblies SET kind = $2, title = $3, held_on = $4, starts_at = $5, "
      "ends_at = $6, place = $7, convocation = $8, version = version + 1, updated_by = $9, "
      "updated_at = $10 WHERE id = $1 AND version = $11",
      {assembly_id, in.kind, in.title, in.held_on, in.starts_at, in.ends_at, in.place,
       in.convocation, by, at, in.expected_version}));
  return n == 1;
}

Status AssemblyRepository::touch(Tx& tx, std::int64_t assembly_id, const std::string& by,
                                 const std::string& at) {
  MAILLAGE_TRY(tx.exec(
      "UPDATE association_assemblies SET version = version + 1, updated_by = $2, updated_at = $3 "
      "WHERE id = $1",
      {assembly_id, by, at}));
  return {};
}

Result<std::int64_t> AssemblyRepository::insert_resolution(Tx& tx, std::int64_t assembly_id,
                                                           const ResolutionInput& in) {
  auto next = MAILLAGE_TRY(
      tx.query("SELECT COALESCE(MAX(position), 0) + 1 AS p FROM association_resolutions WHERE "
               "assembly_id = $1",
               {assembly_id}));
  const std::int64_t position = next.named(0).integer("p");
  auto rows = MAILLAGE_TRY(
      tx.query("INSERT INTO association_resolutions (assembly_id, position, title, body, kind, "
               "ballot) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
               {assembly_id, position, in.title, in.body, in.kind, in.ballot}));
  return rows.named(0).integer("id");
}

Result<bool> AssemblyRepository::delete_resolution(Tx& tx, std::int64_t assembly_id,
                                                   std::int64_t resolution_id) {
  const std::int64_t n =
      MAILLAGE_TRY(tx.exec("DELETE FROM association_resolutions WHERE assembly_id = $1 AND id = $2",
                           {assembly_id, resolution_id}));
  if (n == 1) {
    // Keep the numbering of the agenda contiguous.
    auto rows = MAILLAGE_TRY(tx.query(
        "SELECT id FROM association_resolutions WHERE assembly_id = $1 ORDER BY position, id",
        {assembly_id}));
    std::int64_t position = 1;
    for (NamedRow r : rows.each()) {
      MAILLAGE_TRY(tx.exec("UPDATE association_resolutions SET position = $2 WHERE id = $1",
                           {r.integer("id"), position++}));
    }
  }
  return n == 1;
}

Status AssemblyRepository::set_proxy(Tx& tx, std::int64_t assembly_id, std::int64_t giver,
                                     std::int64_t holder, bool online, const std::string& by,
                                     const std::string& at) {
  MAILLAGE_TRY(tx.exec("DELETE FROM association_proxies WHERE assembly_id = $1 AND giver_id = $2",
                       {assembly_id, giver}));
  MAILLAGE_TRY(tx.exec(
      "INSERT INTO association_proxies (assembly_id, giver_id, holder_id, online, given_by, "
      "given_at) VALUES ($1, $2, $3, $4, $5, $6)",
      {assembly_id, giver, holder, std::int64_t{online ? 1 : 0}, by, at}));
  return {};
}

Result<bool> AssemblyRepository::delete_proxy(Tx& tx, std::int64_t assembly_id,
                                              std::int64_t giver) {
  const std::int64_t n = MAILLAGE_TRY(
      tx.exec("DELETE FROM association_proxies WHERE assembly_id = $1 AND giver_id = $2",
              {assembly_id, giver}));
  return n == 1;
}

Status AssemblyRepository::open(Tx& tx, std::int64_t assembly_id, const std::string& rules_json,
                                const std::vector<RollRow>& roll, const std::string& by,
                                const std::string& at) {
  MAILLAGE_TRY(
      tx.exec("DELETE FROM association_assembly_roll WHERE assembly_id = $1", {assembly_id}));
  for (const auto& r : roll) {
    MAILLAGE_TRY(
        tx.exec("INSERT INTO association_assembly_roll (assembly_id, member_id, college, presence) "
                "VALUES ($1, $2, $3, 'absent')",
                {assembly_id, r.member_id, r.college}));
  }
  MAILLAGE_TRY(
      tx.exec("UPDATE association_assemblies SET status = 'open', rules = $2, opened_at = $4, "
              "version = version + 1, updated_by = $3, updated_at = $4 WHERE id = $1",
              {assembly_id, rules_json, by, at}));
  return {};
}

Result<bool> AssemblyRepository::mark(Tx& tx, std::int64_t assembly_id, std::int64_t member_id,
                                      const std::string& presence, const std::string& by,
                                      const std::string& at) {
  const std::int64_t n = MAILLAGE_TRY(
      tx.exec("UPDATE association_assembly_roll SET presence = $3, marked_by = $4, marked_at = $5 "
              "WHERE assembly_id = $1 AND member_id = $2",
              {assembly_id, member_id, presence, by, at}));
  return n == 1;
}

Status AssemblyRepository::replace_votes(
    Tx& tx, std::int64_t resolution_id,
    const std::vector<std::pair<std::int64_t, std::string>>& votes,
    const std::vector<VotesInput::Count>& counts) {
  MAILLAGE_TRY(tx.exec("DELETE FROM association_votes WHERE resolution_id = $1", {resolution_id}));
  MAILLAGE_TRY(
      tx.exec("DELETE FROM association_ballot_counts WHERE resolution_id = $1", {resolution_id}));
  for (const auto& [member, ballot] : votes) {
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO association_votes (resolution_id, member_id, ballot) VALUES ($1, $2, $3)",
        {resolution_id, member, ballot}));
  }
  for (const auto& c : counts) {
    MAILLAGE_TRY(
        tx.exec("INSERT INTO association_ballot_counts (resolution_id, college, pour, contre, "
                "abstention) VALUES ($1, $2, $3, $4, $5)",
                {resolution_id, c.college, std::int64_t{c.pour}, std::int64_t{c.contre},
                 std::int64_t{c.abstention}}));
  }
  return {};
}

Status AssemblyRepository::close(Tx& tx, std::int64_t assembly_id,
                                 const std::vector<Outcome>& outcomes, const std::string& by,
                                 const std::string& at) {
  for (const auto& o : outcomes) {
    MAILLAGE_TRY(tx.exec(
        "UPDATE association_resolutions SET outcome = $3, explanation = $4 WHERE assembly_id = "
        "$1 AND id = $2",
        {assembly_id, o.resolution_id, o.outcome, o.explanation}));
  }
  MAILLAGE_TRY(tx.exec(
      "UPDATE association_assemblies SET status = 'closed', closed_at = $3, version = version + "
      "1, updated_by = $2, updated_at = $3 WHERE id = $1",
      {assembly_id, by, at}));
  return {};
}

Status AssemblyRepository::add_convocation(Tx& tx, std::int64_t assembly_id,
                                           const ConvocationRow& c) {
  MAILLAGE_TRY(tx.exec(
      "INSERT INTO association_convocations (assembly_id, member_id, channel, address, status, "
      "detail, sent_on, sent_by, sent_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {assembly_id, c.member_id > 0 ? Value{c.member_id} : Value{nullptr}, c.channel, c.address,
       c.status, c.detail, c.sent_on, c.sent_by, c.sent_at}));
  return {};
}

Status AssemblyRepository::set_convened(Tx& tx, std::int64_t assembly_id,
                                        const std::string& sent_on, const std::string& how) {
  MAILLAGE_TRY(tx.exec(
      "UPDATE association_assemblies SET convened_on = $2, convened_how = $3 WHERE id = $1 AND "
      "convened_on IS NULL",
      {assembly_id, sent_on, how}));
  return {};
}

}  // namespace maillage::services
