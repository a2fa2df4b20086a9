#include "services/roster_repository.hpp"

#include <fmt/format.h>

// The job result's stored form is JSON text (roster_jobs.result): written and read back here
// only, the persistence layer of the area.
#include <nlohmann/json.hpp>

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::Tx;

namespace {

store::Value optional_int(const std::optional<int>& v) {
  return v ? store::Value{std::int64_t{*v}} : store::Value{nullptr};
}

constexpr const char* kCampaignColumns =
    "c.id AS id, c.structure_id AS structure_id, s.name AS structure_name, "
    "s.departement AS departement, c.name AS name, c.description AS description, "
    "c.status AS status, c.first_day AS first_day, c.last_day AS last_day, "
    "c.time_limit_seconds AS time_limit_seconds, c.fairness_weight AS fairness_weight, "
    "c.open_slot_weight AS open_slot_weight, c.wish_weight AS wish_weight, "
    "c.rest_after_night_days AS rest_after_night_days, "
    "c.default_monthly_cap AS default_monthly_cap, c.version AS version, "
    "c.created_at AS created_at, c.updated_at AS updated_at, c.published_at AS published_at";

Campaign campaign_of_row(const store::NamedRow& r) {
  Campaign c;
  c.id = r.integer("id");
  c.structure_id = r.integer("structure_id");
  c.structure_name = r.text("structure_name");
  c.departement = r.text("departement");
  c.name = r.text("name");
  c.description = r.text("description");
  c.status = campaign_status_from_id(r.text("status")).value_or(CampaignStatus::draft);
  auto& p = c.plan.settings;
  p.first_day = r.text("first_day");
  p.last_day = r.text("last_day");
  c.time_limit_seconds = static_cast<int>(r.integer("time_limit_seconds"));
  p.fairness_weight = static_cast<int>(r.integer("fairness_weight"));
  p.open_slot_weight = static_cast<int>(r.integer("open_slot_weight"));
  p.wish_weight = static_cast<int>(r.integer("wish_weight"));
  p.rest_after_night_days = static_cast<int>(r.integer("rest_after_night_days"));
  if (!r.is_null("default_monthly_cap")) {
    p.default_monthly_cap = static_cast<int>(r.integer("default_monthly_cap"));
  }
  c.version = r.integer("version");
  c.created_at = r.text("created_at");
  c.updated_at = r.text("updated_at");
  c.published_at = r.text("published_at");
  return c;
}

// ---- the stored form of a job result (JSON text, keys as the API shows them)

std::string result_text(const JobResult& r) {
  using nlohmann::json;
  json loads = json::array();
  for (const auto& l : r.loads) {
    loads.push_back({{"membre", l.member_id},
                     {"creneaux", l.assigned},
                     {"jours_disponibles", l.available_days},
                     {"heures", l.hours},
                     {"charge", l.load}});
  }
  json holes = json::array();
  for (const auto& o : r.open) {
    holes.push_back({{"creneau", o.slot_id},
                     {"manquants", o.missing},
                     {"raison", o.reason},
                     {"explication", o.explanation}});
  }
  return json{{"valide", r.valid},
              {"objectif", r.objective},
              {"objectif_solveur", r.solver_objective},
              {"borne", r.lower_bound},
              {"optimal", r.optimal},
              {"manque", r.under_cover},
              {"souhaits_non_satisfaits", r.on_requests},
              {"equite", r.fairness},
              {"ecart_charge", r.spread},
              {"iterations", r.iterations},
              {"secondes", r.seconds},
              {"charges", std::move(loads)},
              {"creneaux_ouverts", std::move(holes)}}
      .dump();
}

std::optional<JobResult> result_of_text(const std::string& text) {
  using nlohmann::json;
  if (text.empty()) return std::nullopt;
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  JobResult r;
  r.valid = j.value("valide", false);
  r.objective = j.value("objectif", std::int64_t{0});
  r.solver_objective = j.value("objectif_solveur", std::int64_t{0});
  r.lower_bound = j.value("borne", std::int64_t{0});
  r.optimal = j.value("optimal", false);
  r.under_cover = j.value("manque", std::int64_t{0});
  r.on_requests = j.value("souhaits_non_satisfaits", std::int64_t{0});
  r.fairness = j.value("equite", std::int64_t{0});
  r.spread = j.value("ecart_charge", 0.0);
  r.iterations = j.value("iterations", std::int64_t{0});
  r.seconds = j.value("secondes", 0.0);
  if (j.contains("charges") && j["charges"].is_array()) {
    for (const auto& l : j["charges"]) {
      r.loads.push_back({l.value("membre", std::int64_t{0}), l.value("creneaux", 0),
                         l.value("jours_disponibles", 0), l.value("heures", 0.0),
                         l.value("charge", 0.0)});
    }
  }
  if (j.contains("creneaux_ouverts") && j["creneaux_ouverts"].is_array()) {
    for (const auto& o : j["creneaux_ouverts"]) {
      r.open.push_back({o.value("creneau", std::int64_t{0}), o.value("manquants", 0),
                        o.value("raison", std::string()), o.value("explication", std::string())});
    }
  }
  return r;
}

constexpr const char* kJobColumns =
    "id, campaign_id, status, progress, objective, lower_bound, time_limit_seconds, message, "
    "result, created_at, started_at, finished_at";

JobInfo job_of_row(const store::NamedRow& r) {
  JobInfo j;
  j.id = r.integer("id");
  j.campaign_id = r.integer("campaign_id");
  j.status = r.text("status");
  j.progress = r.real("progress");
  if (!r.is_null("objective")) j.objective = r.integer("objective");
  if (!r.is_null("lower_bound")) j.lower_bound = r.integer("lower_bound");
  j.time_limit_seconds = static_cast<int>(r.integer("time_limit_seconds"));
  j.message = r.text("message");
  j.result = result_of_text(r.text("result"));
  j.created_at = r.text("created_at");
  j.started_at = r.text("started_at");
  j.finished_at = r.text("finished_at");
  return j;
}

SwapInfo swap_of_row(const store::NamedRow& r) {
  return SwapInfo{
      r.integer("id"),           r.integer("slot_id"),       r.integer("from_member_id"),
      r.integer("to_member_id"), r.integer("other_slot_id"), r.text("status"),
      r.text("comment"),         r.text("proposed_by"),      r.text("decided_by"),
      r.text("created_at"),      r.text("decided_at"),       r.integer("version")};
}

constexpr const char* kSwapColumns =
    "id, slot_id, from_member_id, to_member_id, other_slot_id, status, comment, proposed_by, "
    "decided_by, created_at, decided_at, version";

}  // namespace

// ---------------------------------------------------------------------------------------- reads

Result<Campaign> RosterRepository::campaign(std::int64_t id) {
  auto rows = MAILLAGE_TRY(db_.query(fmt::format("SELECT {} FROM roster_campaigns c JOIN "
                                                 "structures s ON s.id = c.structure_id WHERE "
                                                 "c.id = $1",
                                                 kCampaignColumns),
                                     {id}));
  if (rows.empty()) return fail(ErrorCode::not_found, "Campagne introuvable.");
  Campaign c = campaign_of_row(rows.named(0));
  auto slots = MAILLAGE_TRY(db_.query(
      "SELECT id, day, start_time, end_time, ends_next_day, kind, label, profession, required "
      "FROM roster_slots WHERE campaign_id = $1 ORDER BY day, start_time, kind, label, "
      "profession, id",
      {id}));
  for (store::NamedRow r : slots.each()) {
    c.plan.slots.push_back(PlanSlot{r.integer("id"), r.text("day"), r.text("start_time"),
                                    r.text("end_time"), r.boolean("ends_next_day"), r.text("kind"),
                                    r.text("label"), r.text("profession"),
                                    static_cast<int>(r.integer("required"))});
  }
  auto members = MAILLAGE_TRY(
      db_.query("SELECT id, user_id, display_name, profession, monthly_cap FROM roster_members "
                "WHERE campaign_id = $1 ORDER BY profession, display_name, id",
                {id}));
  for (store::NamedRow r : members.each()) {
    PlanMember m{r.integer("id"), r.integer("user_id"), r.text("display_name"),
                 r.text("profession"), std::nullopt};
    if (!r.is_null("monthly_cap")) m.monthly_cap = static_cast<int>(r.integer("monthly_cap"));
    c.plan.members.push_back(std::move(m));
  }
  auto avail = MAILLAGE_TRY(db_.query(
      "SELECT a.member_id AS member_id, a.slot_id AS slot_id, a.state AS state FROM "
      "roster_availability a JOIN roster_members m ON m.id = a.member_id WHERE m.campaign_id = $1 "
      "ORDER BY a.member_id, a.slot_id",
      {id}));
  for (store::NamedRow r : avail.each()) {
    c.plan.availability.push_back(
        {r.integer("member_id"), r.integer("slot_id"),
         slot_wish_from_id(r.text("state")).value_or(SlotWish::available)});
  }
  auto assigned = MAILLAGE_TRY(db_.query(
      "SELECT a.slot_id AS slot_id, a.member_id AS member_id FROM roster_assignments a JOIN "
      "roster_slots s ON s.id = a.slot_id WHERE s.campaign_id = $1 ORDER BY a.slot_id, a.member_id",
      {id}));
  for (store::NamedRow r : assigned.each()) {
    c.assignments.push_back({r.integer("slot_id"), r.integer("member_id")});
  }
  return c;
}

Result<std::vector<CampaignListRow>> RosterRepository::campaigns(std::int64_t viewer_user_id) {
  auto rows = MAILLAGE_TRY(db_.query(
      "SELECT c.id AS id, c.structure_id AS structure_id, s.name AS structure_name, "
      "s.departement AS departement, c.name AS name, c.status AS status, c.first_day AS "
      "first_day, c.last_day AS last_day, c.version AS version, "
      "(SELECT count(*) FROM roster_slots x WHERE x.campaign_id = c.id) AS slots, "
      "(SELECT count(*) FROM roster_members x WHERE x.campaign_id = c.id) AS members, "
      "(SELECT count(*) FROM roster_members x WHERE x.campaign_id = c.id AND x.user_id = $1) "
      "AS invited FROM roster_campaigns c JOIN structures s ON s.id = c.structure_id "
      "ORDER BY c.first_day DESC, c.id DESC",
      {viewer_user_id}));
  std::vector<CampaignListRow> out;
  for (store::NamedRow r : rows.each()) {
    CampaignListRow row;
    CampaignSummary& c = row.summary;
    c.id = r.integer("id");
    c.structure_id = r.integer("structure_id");
    c.structure_name = r.text("structure_name");
    c.name = r.text("name");
    c.status = campaign_status_from_id(r.text("status")).value_or(CampaignStatus::draft);
    c.first_day = r.text("first_day");
    c.last_day = r.text("last_day");
    c.version = r.integer("version");
    c.slots = static_cast<int>(r.integer("slots"));
    c.members = static_cast<int>(r.integer("members"));
    row.departement = r.text("departement");
    row.invited = r.integer("invited") > 0;
    out.push_back(std::move(row));
  }
  return out;
}

Result<std::optional<JobInfo>> RosterRepository::job(std::int64_t campaign_id,
                                                     std::int64_t job_id) {
  auto r = MAILLAGE_TRY(db_.query(
      fmt::format("SELECT {} FROM roster_jobs WHERE id = $1 AND campaign_id = $2", kJobColumns),
      {job_id, campaign_id}));
  if (r.empty()) return std::optional<JobInfo>{};
  return std::optional<JobInfo>{job_of_row(r.named(0))};
}

Result<std::optional<JobInfo>> RosterRepository::latest_job(std::int64_t campaign_id) {
  auto r = MAILLAGE_TRY(db_.query(
      fmt::format("SELECT {} FROM roster_jobs WHERE campaign_id = $1 ORDER BY id DESC LIMIT 1",
                  kJobColumns),
      {campaign_id}));
  if (r.empty()) return std::optional<JobInfo>{};
  return std::optional<JobInfo>{job_of_row(r.named(0))};
}

Result<bool> RosterRepository::any_queued_job() {
  auto r = MAILLAGE_TRY(db_.query("SELECT id FROM roster_jobs WHERE status = 'queued' LIMIT 1"));
  return !r.empty();
}

Result<std::optional<SwapInfo>> RosterRepository::swap(std::int64_t campaign_id,
                                                       std::int64_t swap_id) {
  auto r = MAILLAGE_TRY(db_.query(
      fmt::format("SELECT {} FROM roster_swaps WHERE id = $1 AND campaign_id = $2", kSwapColumns),
      {swap_id, campaign_id}));
  if (r.empty()) return std::optional<SwapInfo>{};
  return std::optional<SwapInfo>{swap_of_row(r.named(0))};
}

Result<std::vector<SwapInfo>> RosterRepository::swaps(std::int64_t campaign_id) {
  auto r = MAILLAGE_TRY(
      db_.query(fmt::format("SELECT {} FROM roster_swaps WHERE campaign_id = $1 ORDER BY id DESC",
                            kSwapColumns),
                {campaign_id}));
  std::vector<SwapInfo> out;
  for (store::NamedRow row : r.each()) out.push_back(swap_of_row(row));
  return out;
}

// --------------------------------------------------------------------------------------- writes

Status RosterRepository::bump(Tx& tx, std::int64_t id, std::int64_t version) {
  auto n = MAILLAGE_TRY(tx.exec(
      "UPDATE roster_campaigns SET version = version + 1, updated_at = $3 WHERE id = $1 AND "
      "version = $2",
      {id, version, store::timestamp_now()}));
  if (n == 0) {
    return fail(ErrorCode::conflict,
                "La campagne a été modifiée entre-temps : rechargez la page et recommencez.",
                "version");
  }
  return {};
}

Result<bool> RosterRepository::structure_exists(Tx& tx, std::int64_t structure_id) {
  auto s = MAILLAGE_TRY(tx.query("SELECT kind FROM structures WHERE id = $1", {structure_id}));
  return !s.empty();
}

Result<std::int64_t> RosterRepository::insert_campaign(Tx& tx, const NewCampaign& c,
                                                       const std::string& created_by) {
  const std::string ts = store::timestamp_now();
  const auto& p = c.settings;
  auto r = MAILLAGE_TRY(
      tx.query("INSERT INTO roster_campaigns (structure_id, name, description, status, first_day, "
               "last_day, time_limit_seconds, fairness_weight, open_slot_weight, wish_weight, "
               "rest_after_night_days, default_monthly_cap, created_by, created_at, updated_at) "
               "VALUES ($1, $2, $3, 'brouillon', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) "
               "RETURNING id",
               {c.structure_id, c.name, c.description, p.first_day, p.last_day,
                std::int64_t{c.time_limit_seconds}, std::int64_t{p.fairness_weight},
                std::int64_t{p.open_slot_weight}, std::int64_t{p.wish_weight},
                std::int64_t{p.rest_after_night_days}, optional_int(p.default_monthly_cap),
                created_by, ts}));
  return r.named(0).integer("id");
}

Status RosterRepository::update_campaign(Tx& tx, std::int64_t id, const NewCampaign& c) {
  const auto& p = c.settings;
  MAILLAGE_CHECK(tx.exec(
      "UPDATE roster_campaigns SET name = $2, description = $3, first_day = $4, last_day = $5, "
      "time_limit_seconds = $6, fairness_weight = $7, open_slot_weight = $8, wish_weight = $9, "
      "rest_after_night_days = $10, default_monthly_cap = $11 WHERE id = $1",
      {id, c.name, c.description, p.first_day, p.last_day, std::int64_t{c.time_limit_seconds},
       std::int64_t{p.fairness_weight}, std::int64_t{p.open_slot_weight},
       std::int64_t{p.wish_weight}, std::int64_t{p.rest_after_night_days},
       optional_int(p.default_monthly_cap)}));
  return {};
}

Status RosterRepository::set_status(Tx& tx, std::int64_t id, CampaignStatus to) {
  MAILLAGE_CHECK(tx.exec(
      "UPDATE roster_campaigns SET status = $2, published_at = CASE WHEN $2 = 'publie' THEN $3 "
      "ELSE published_at END WHERE id = $1",
      {id, std::string(campaign_status_id(to)), store::timestamp_now()}));
  return {};
}

Status RosterRepository::mark_solved(Tx& tx, std::int64_t id) {
  MAILLAGE_CHECK(tx.exec("UPDATE roster_campaigns SET status = 'resolu' WHERE id = $1", {id}));
  return {};
}

Status RosterRepository::insert_slot(Tx& tx, std::int64_t campaign_id, const PlanSlot& s) {
  MAILLAGE_CHECK(tx.exec(
      "INSERT INTO roster_slots (campaign_id, day, start_time, end_time, ends_next_day, kind, "
      "label, profession, required) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {campaign_id, s.day, s.start_time, s.end_time, std::int64_t{s.ends_next_day ? 1 : 0}, s.kind,
       s.label, s.profession, std::int64_t{s.required}}));
  return {};
}

Result<std::int64_t> RosterRepository::delete_slot(Tx& tx, std::int64_t campaign_id,
                                                   std::int64_t slot_id) {
  return tx.exec("DELETE FROM roster_slots WHERE id = $1 AND campaign_id = $2",
                 {slot_id, campaign_id});
}

Result<std::optional<std::string>> RosterRepository::structure_user_name(
    Tx& tx, std::int64_t user_id, std::int64_t structure_id) {
  auto u = MAILLAGE_TRY(
      tx.query("SELECT u.display_name AS display_name FROM users u JOIN user_structures us ON "
               "us.user_id = u.id WHERE u.id = $1 AND us.structure_id = $2",
               {user_id, structure_id}));
  if (u.empty()) return std::optional<std::string>{};
  return std::optional<std::string>{u.named(0).text("display_name")};
}

Result<std::int64_t> RosterRepository::insert_member(Tx& tx, std::int64_t campaign_id,
                                                     const NewMember& m, const std::string& name) {
  auto r = MAILLAGE_TRY(
      tx.query("INSERT INTO roster_members (campaign_id, user_id, display_name, profession, "
               "monthly_cap, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
               {campaign_id, m.user_id != 0 ? store::Value{m.user_id} : store::Value{nullptr}, name,
                m.profession, optional_int(m.monthly_cap), store::timestamp_now()}));
  return r.named(0).integer("id");
}

Result<std::int64_t> RosterRepository::set_monthly_cap(Tx& tx, std::int64_t campaign_id,
                                                       std::int64_t member_id,
                                                       std::optional<int> cap) {
  return tx.exec("UPDATE roster_members SET monthly_cap = $3 WHERE id = $1 AND campaign_id = $2",
                 {member_id, campaign_id, optional_int(cap)});
}

Status RosterRepository::set_availability(Tx& tx, std::int64_t member_id, std::int64_t slot_id,
                                          std::optional<SlotWish> wish,
                                          const std::string& updated_by,
                                          const std::string& updated_at) {
  MAILLAGE_CHECK(tx.exec("DELETE FROM roster_availability WHERE member_id = $1 AND slot_id = $2",
                         {member_id, slot_id}));
  if (wish) {
    MAILLAGE_CHECK(tx.exec(
        "INSERT INTO roster_availability (member_id, slot_id, state, updated_by, updated_at) "
        "VALUES ($1, $2, $3, $4, $5)",
        {member_id, slot_id, std::string(slot_wish_id(*wish)), updated_by, updated_at}));
  }
  return {};
}

Status RosterRepository::delete_assignments(Tx& tx, std::int64_t campaign_id) {
  MAILLAGE_CHECK(
      tx.exec("DELETE FROM roster_assignments WHERE slot_id IN (SELECT id FROM roster_slots WHERE "
              "campaign_id = $1)",
              {campaign_id}));
  return {};
}

Status RosterRepository::insert_assignment(Tx& tx, const PlanAssignment& a,
                                           const std::string& source) {
  MAILLAGE_CHECK(
      tx.exec("INSERT INTO roster_assignments (slot_id, member_id, source) VALUES ($1, $2, $3)",
              {a.slot_id, a.member_id, source}));
  return {};
}

Status RosterRepository::delete_assignment(Tx& tx, const PlanAssignment& a) {
  MAILLAGE_CHECK(tx.exec("DELETE FROM roster_assignments WHERE slot_id = $1 AND member_id = $2",
                         {a.slot_id, a.member_id}));
  return {};
}

Result<bool> RosterRepository::has_active_job(Tx& tx, std::int64_t campaign_id) {
  auto busy = MAILLAGE_TRY(tx.query(
      "SELECT id FROM roster_jobs WHERE campaign_id = $1 AND status IN ('queued', 'running')",
      {campaign_id}));
  return !busy.empty();
}

Result<std::int64_t> RosterRepository::insert_job(Tx& tx, std::int64_t campaign_id,
                                                  int time_limit_seconds, std::int64_t seed,
                                                  const std::string& requested_by) {
  auto r = MAILLAGE_TRY(tx.query(
      "INSERT INTO roster_jobs (campaign_id, status, time_limit_seconds, seed, requested_by, "
      "created_at) VALUES ($1, 'queued', $2, $3, $4, $5) RETURNING id",
      {campaign_id, std::int64_t{time_limit_seconds}, seed, requested_by, store::timestamp_now()}));
  return r.named(0).integer("id");
}

Result<std::optional<ClaimedJob>> RosterRepository::claim_job(Tx& tx) {
  auto r = MAILLAGE_TRY(
      tx.query("SELECT id, campaign_id, time_limit_seconds, seed FROM roster_jobs WHERE status = "
               "'queued' ORDER BY id LIMIT 1"));
  if (r.empty()) return std::optional<ClaimedJob>{};
  const store::NamedRow row = r.named(0);
  auto n = MAILLAGE_TRY(tx.exec(
      "UPDATE roster_jobs SET status = 'running', started_at = $2, progress = 0 WHERE id = $1 "
      "AND status = 'queued'",
      {row.integer("id"), store::timestamp_now()}));
  if (n != 1) return std::optional<ClaimedJob>{};
  return std::optional<ClaimedJob>{ClaimedJob{row.integer("id"), row.integer("campaign_id"),
                                              static_cast<int>(row.integer("time_limit_seconds")),
                                              row.integer("seed")}};
}

Status RosterRepository::set_job_progress(Tx& tx, std::int64_t job, double progress) {
  MAILLAGE_CHECK(tx.exec("UPDATE roster_jobs SET progress = $2 WHERE id = $1", {job, progress}));
  return {};
}

Status RosterRepository::fail_job(Tx& tx, std::int64_t job, const std::string& message) {
  MAILLAGE_CHECK(tx.exec(
      "UPDATE roster_jobs SET status = 'failed', message = $2, finished_at = $3 WHERE id = $1",
      {job, message, store::timestamp_now()}));
  return {};
}

Status RosterRepository::finish_job(Tx& tx, std::int64_t job, const FinishedJob& done) {
  MAILLAGE_CHECK(tx.exec(
      "UPDATE roster_jobs SET status = 'done', progress = 1, objective = $2, lower_bound = $3, "
      "message = $4, result = $5, finished_at = $6 WHERE id = $1",
      {job, done.objective, done.lower_bound, done.message, result_text(done.result),
       store::timestamp_now()}));
  return {};
}

Result<std::int64_t> RosterRepository::bump_for_solution(Tx& tx, std::int64_t campaign_id,
                                                         std::int64_t version_read) {
  return tx.exec(
      "UPDATE roster_campaigns SET version = version + 1, updated_at = $3, status = CASE WHEN "
      "status = 'collecte' THEN 'resolu' ELSE status END WHERE id = $1 AND version = $2 AND "
      "status IN ('collecte', 'resolu')",
      {campaign_id, version_read, store::timestamp_now()});
}

Result<std::int64_t> RosterRepository::insert_swap(Tx& tx, std::int64_t campaign_id,
                                                   const NewSwap& s,
                                                   const std::string& proposed_by) {
  auto r = MAILLAGE_TRY(tx.query(
      "INSERT INTO roster_swaps (campaign_id, slot_id, from_member_id, to_member_id, "
      "other_slot_id, status, comment, proposed_by, created_at) VALUES ($1, $2, $3, $4, $5, "
      "'proposee', $6, $7, $8) RETURNING id",
      {campaign_id, s.slot_id, s.from_member_id, s.to_member_id,
       s.other_slot_id != 0 ? store::Value{s.other_slot_id} : store::Value{nullptr}, s.comment,
       proposed_by, store::timestamp_now()}));
  return r.named(0).integer("id");
}

Result<std::int64_t> RosterRepository::decide_swap(Tx& tx, std::int64_t swap_id,
                                                   std::int64_t version, bool approve,
                                                   const std::string& decided_by) {
  return tx.exec(
      "UPDATE roster_swaps SET status = $3, decided_by = $4, decided_at = $5, version = version "
      "+ 1 WHERE id = $1 AND version = $2 AND status = 'proposee'",
      {swap_id, version, std::string(approve ? "approuvee" : "refusee"), decided_by,
       store::timestamp_now()});
}

}  // namespace maillage::services
