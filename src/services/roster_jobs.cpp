#include "services/roster_jobs.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <future>
#include <map>
#include <nlohmann/json.hpp>

#include "roster/solver.hpp"
#include "services/roster_campaigns.hpp"
#include "store/database.hpp"

namespace maillage::services {

using nlohmann::json;

namespace {

Status finish_failed(store::Database& db, std::int64_t job, const std::string& message) {
  return db.transact([&](store::Tx& tx) -> Status {
    auto n = tx.exec(
        "UPDATE roster_jobs SET status = 'failed', message = $2, finished_at = $3 WHERE id = $1",
        {job, message, store::timestamp_now()});
    if (!n) return tl::unexpected(n.error());
    return store::audit(tx, {"system", "roster.job.fail", "roster_job", std::to_string(job), "",
                             json{{"message", message}}.dump()});
  });
}

json result_json(const PlanCheck& chk, const std::vector<OpenSlotInfo>& open,
                 const roster::Solution& sol) {
  json loads = json::array();
  for (const auto& l : chk.loads) {
    loads.push_back({{"membre", l.member_id},
                     {"creneaux", l.assigned},
                     {"jours_disponibles", l.available_days},
                     {"heures", l.hours},
                     {"charge", l.load}});
  }
  json holes = json::array();
  for (const auto& o : open) {
    holes.push_back({{"creneau", o.slot_id},
                     {"manquants", o.missing},
                     {"raison", o.reason},
                     {"explication", o.explanation}});
  }
  return json{{"valide", chk.feasible()},
              {"objectif", chk.objective.total},
              {"objectif_solveur", sol.objective},
              {"borne", sol.lower_bound},
              {"optimal", sol.optimal},
              {"manque", chk.objective.under_cover},
              {"souhaits_non_satisfaits", chk.objective.on_requests},
              {"equite", chk.objective.fairness},
              {"ecart_charge", chk.spread},
              {"iterations", sol.stats.iterations},
              {"secondes", sol.stats.seconds},
              {"charges", std::move(loads)},
              {"creneaux_ouverts", std::move(holes)}};
}

}  // namespace

Result<std::optional<std::int64_t>> run_next_roster_job(store::Database& db,
                                                        const RosterJobSettings& settings) {
  // A read first, so that an idle runner never takes the write lock.
  auto queued = db.query("SELECT id FROM roster_jobs WHERE status = 'queued' LIMIT 1");
  if (!queued) return tl::unexpected(queued.error());
  if (queued->empty()) return std::optional<std::int64_t>{};
  // Claim: the oldest queued job whose status is still 'queued' when we update it.
  std::int64_t job = 0, campaign_id = 0, seed = 1;
  int limit = 10;
  auto st = db.transact([&](store::Tx& tx) -> Status {
    job = 0;
    auto r = tx.query(
        "SELECT id, campaign_id, time_limit_seconds, seed FROM roster_jobs WHERE status = "
        "'queued' ORDER BY id LIMIT 1");
    if (!r) return tl::unexpected(r.error());
    if (r->empty()) return {};
    auto n = tx.exec(
        "UPDATE roster_jobs SET status = 'running', started_at = $2, progress = 0 WHERE id = $1 "
        "AND status = 'queued'",
        {r->rows[0].integer(0), store::timestamp_now()});
    if (!n) return tl::unexpected(n.error());
    if (*n == 1) {
      job = r->rows[0].integer(0);
      campaign_id = r->rows[0].integer(1);
      limit = static_cast<int>(r->rows[0].integer(2));
      seed = r->rows[0].integer(3);
    }
    return {};
  });
  if (!st) return tl::unexpected(st.error());
  if (job == 0) return std::optional<std::int64_t>{};

  auto campaign = roster_jobs_detail::load_campaign(db, campaign_id);
  if (!campaign) {
    if (auto f = finish_failed(db, job, campaign.error().describe()); !f) return tl::unexpected(f.error());
    return std::optional<std::int64_t>{job};
  }
  auto mapped = map_plan(campaign->plan);
  if (!mapped) {
    if (auto f = finish_failed(db, job, "Données de la campagne invalides : " + mapped.error().describe());
        !f) {
      return tl::unexpected(f.error());
    }
    return std::optional<std::int64_t>{job};
  }
  roster::SolveOptions options;
  options.time_limit_seconds = limit;
  options.seed = static_cast<std::uint64_t>(seed);
  options.threads = settings.solver_threads;
  const auto started = std::chrono::steady_clock::now();
  auto future = std::async(std::launch::async,
                           [&] { return roster::solve(mapped->model, options); });
  // Progress while the search runs: the elapsed share of the time limit.
  while (future.wait_for(std::chrono::seconds(1)) != std::future_status::ready) {
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    double progress = std::min(0.99, elapsed / std::max(1, limit));
    auto p = db.transact([&](store::Tx& tx) -> Status {
      auto n = tx.exec("UPDATE roster_jobs SET progress = $2 WHERE id = $1", {job, progress});
      if (!n) return tl::unexpected(n.error());
      return {};
    });
    if (!p) spdlog::warn("roster job {}: progress not saved: {}", job, p.error().describe());
  }
  auto solution = future.get();
  if (!solution) {
    if (auto f = finish_failed(db, job, "Le calcul a échoué : " + solution.error().describe()); !f) {
      return tl::unexpected(f.error());
    }
    return std::optional<std::int64_t>{job};
  }
  auto assignments = assignments_of(*mapped, solution->roster);
  if (!assignments) {
    if (auto f = finish_failed(db, job, assignments.error().describe()); !f) return tl::unexpected(f.error());
    return std::optional<std::int64_t>{job};
  }
  // Every solver result goes through the independent checker before it is stored.
  PlanCheck chk = check_plan(*mapped, campaign->plan, *assignments);
  if (!chk.feasible()) {
    if (auto f = finish_failed(db, job, "Le contrôle a refusé le planning du solveur : " +
                                            chk.violations.front().message);
        !f) {
      return tl::unexpected(f.error());
    }
    return std::optional<std::int64_t>{job};
  }
  auto open = open_slots_of(*mapped, solution->open_slots);
  // Slots the checker finds short but the solver did not explain still get a line.
  std::map<std::int64_t, bool> explained;
  for (const auto& o : open) explained[o.slot_id] = true;
  for (const auto& o : chk.open) {
    if (!explained.count(o.slot_id)) open.push_back(o);
  }
  json result = result_json(chk, open, *solution);
  const std::int64_t version_read = campaign->version;
  auto saved = db.transact([&](store::Tx& tx) -> Status {
    // Changes made to the campaign during the search (slots, members, availabilities) would make
    // this roster stale: the version says so, and the job fails with a clear message.
    auto n = tx.exec(
        "UPDATE roster_campaigns SET version = version + 1, updated_at = $3, status = CASE WHEN "
        "status = 'collecte' THEN 'resolu' ELSE status END WHERE id = $1 AND version = $2 AND "
        "status IN ('collecte', 'resolu')",
        {campaign_id, version_read, store::timestamp_now()});
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) {
      return fail(ErrorCode::conflict,
                  "La campagne a changé pendant le calcul : relancez-le sur les données à jour.");
    }
    n = tx.exec(
        "DELETE FROM roster_assignments WHERE slot_id IN (SELECT id FROM roster_slots WHERE "
        "campaign_id = $1)",
        {campaign_id});
    if (!n) return tl::unexpected(n.error());
    for (const auto& a : *assignments) {
      n = tx.exec("INSERT INTO roster_assignments (slot_id, member_id, source) VALUES ($1, $2, "
                  "'solveur')",
                  {a.slot_id, a.member_id});
      if (!n) return tl::unexpected(n.error());
    }
    n = tx.exec(
        "UPDATE roster_jobs SET status = 'done', progress = 1, objective = $2, lower_bound = $3, "
        "message = $4, result = $5, finished_at = $6 WHERE id = $1",
        {job, chk.objective.total, solution->lower_bound,
         fmt::format("{} affectation(s), {} créneau(x) incomplet(s)", assignments->size(),
                     open.size()),
         result.dump(), store::timestamp_now()});
    if (!n) return tl::unexpected(n.error());
    return store::audit(tx, {"system", "roster.job.done", "roster_job", std::to_string(job), "",
                             json{{"campaign_id", campaign_id},
                                  {"objective", chk.objective.total},
                                  {"assignments", assignments->size()}}
                                 .dump()});
  });
  if (!saved) {
    if (saved.error().code != ErrorCode::conflict) return tl::unexpected(saved.error());
    if (auto f = finish_failed(db, job, saved.error().message); !f) return tl::unexpected(f.error());
  }
  return std::optional<std::int64_t>{job};
}

RosterJobRunner::RosterJobRunner(store::Database& db, RosterJobSettings settings)
    : db_(db), settings_(settings) {}

RosterJobRunner::~RosterJobRunner() { stop(); }

void RosterJobRunner::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
}

void RosterJobRunner::notify() {
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
  }
  wake_.notify_one();
}

void RosterJobRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void RosterJobRunner::loop() {
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, settings_.poll_interval, [this] { return stop_ || pending_; });
      if (stop_) return;
      pending_ = false;
    }
    // Run every queued job, then wait again.
    while (true) {
      auto r = run_next_roster_job(db_, settings_);
      if (!r) {
        spdlog::warn("roster jobs: {}", r.error().describe());
        break;
      }
      if (!*r) break;
      spdlog::info("roster job {} finished", **r);
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
  }
}

}  // namespace maillage::services
