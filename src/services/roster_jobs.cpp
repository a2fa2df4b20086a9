#include "services/roster_jobs.hpp"

#include <fmt/format.h>

#include <future>
#include <map>

#include "common/log.hpp"
#include "common/try.hpp"
#include "roster/solver.hpp"
#include "services/roster_campaigns.hpp"
#include "services/roster_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using roster_detail::forbidden_unless;
using store::AuditDetail;
using store::Tx;

// ------------------------------------------------------------- queueing and reading (the API)

Result<std::int64_t> RosterCampaigns::enqueue_solve(const Principal& who, std::int64_t id,
                                                    std::optional<std::uint64_t> seed) {
  auto a = MAILLAGE_TRY(access(who, id));
  MAILLAGE_CHECK(forbidden_unless(a.manage));
  const auto status = a.campaign.status;
  if (status != CampaignStatus::collecting && status != CampaignStatus::solved) {
    return fail(ErrorCode::invalid_transition,
                "Le calcul se lance pendant la collecte ou sur un planning résolu non publié.");
  }
  if (a.campaign.plan.slots.empty() || a.campaign.plan.members.empty()) {
    return fail(ErrorCode::invalid_input, "Il faut des créneaux et des membres avant le calcul.");
  }
  // The model must be valid now rather than fail in the background.
  MAILLAGE_CHECK(map_plan(a.campaign.plan));
  std::int64_t job_id = 0;
  auto st = db_.transact([&](Tx& tx) -> Status {
    if (MAILLAGE_TRY(RosterRepository::has_active_job(tx, id))) {
      return fail(ErrorCode::conflict, "Un calcul est déjà en cours pour cette campagne.");
    }
    job_id = MAILLAGE_TRY(RosterRepository::insert_job(
        tx, id, a.campaign.time_limit_seconds,
        static_cast<std::int64_t>(seed.value_or(1) & 0x7fffffffffffffffULL), who.login));
    return store::audit(tx, {who.login, "roster.job.queue", "roster_job", std::to_string(job_id),
                             "", AuditDetail{}.add("campaign_id", id).json()});
  });
  MAILLAGE_CHECK(st);
  return job_id;
}

Result<JobInfo> RosterCampaigns::job(const Principal& who, std::int64_t id, std::int64_t job_id) {
  auto a = MAILLAGE_TRY(access(who, id));
  MAILLAGE_CHECK(forbidden_unless(a.manage));
  auto j = MAILLAGE_TRY(RosterRepository(db_).job(id, job_id));
  if (!j) return fail(ErrorCode::not_found, "Calcul introuvable.");
  return std::move(*j);
}

Result<std::optional<JobInfo>> RosterCampaigns::latest_job(const Principal& who, std::int64_t id) {
  auto a = MAILLAGE_TRY(access(who, id));
  MAILLAGE_CHECK(forbidden_unless(a.manage));
  return RosterRepository(db_).latest_job(id);
}

// ---------------------------------------------------------------------------- the runner

namespace {

Status finish_failed(store::Database& db, std::int64_t job, const std::string& message) {
  return db.transact([&](Tx& tx) -> Status {
    MAILLAGE_CHECK(RosterRepository::fail_job(tx, job, message));
    return store::audit(tx, {"system", "roster.job.fail", "roster_job", std::to_string(job), "",
                             AuditDetail{}.add("message", message).json()});
  });
}

JobResult result_of(const PlanCheck& chk, std::vector<OpenSlotInfo> open,
                    const roster::Solution& sol) {
  JobResult r;
  r.valid = chk.feasible();
  r.objective = chk.objective.total;
  r.solver_objective = sol.objective;
  r.lower_bound = sol.lower_bound;
  r.optimal = sol.optimal;
  r.under_cover = chk.objective.under_cover;
  r.on_requests = chk.objective.on_requests;
  r.fairness = chk.objective.fairness;
  r.spread = chk.spread;
  r.iterations = sol.stats.iterations;
  r.seconds = sol.stats.seconds;
  r.loads = chk.loads;
  r.open = std::move(open);
  return r;
}

// Runs the search on its own thread, writing the elapsed share of the time limit every second.
Result<roster::Solution> solve_with_progress(store::Database& db, std::int64_t job,
                                             const roster::Model& model,
                                             const roster::SolveOptions& options) {
  const int limit = options.time_limit_seconds;
  const auto started = std::chrono::steady_clock::now();
  auto future = std::async(std::launch::async, [&] { return roster::solve(model, options); });
  while (future.wait_for(std::chrono::seconds(1)) != std::future_status::ready) {
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    double progress = std::min(0.99, elapsed / std::max(1, limit));
    auto p = db.transact(
        [&](Tx& tx) -> Status { return RosterRepository::set_job_progress(tx, job, progress); });
    if (!p) log::warn("roster_job_progress_not_saved job={} error={}", job, p.error().describe());
  }
  return future.get();
}

// Stores the checked roster and the job's result; conflict when the campaign changed meanwhile.
Status save_solution(store::Database& db, std::int64_t job, const Campaign& campaign,
                     const std::vector<PlanAssignment>& assignments, const FinishedJob& done) {
  return db.transact([&](Tx& tx) -> Status {
    // Changes made to the campaign during the search (slots, members, availabilities) would make
    // this roster stale: the version says so, and the job fails with a clear message.
    if (MAILLAGE_TRY(RosterRepository::bump_for_solution(tx, campaign.id, campaign.version)) == 0) {
      return fail(ErrorCode::conflict,
                  "La campagne a changé pendant le calcul : relancez-le sur les données à jour.");
    }
    MAILLAGE_CHECK(RosterRepository::delete_assignments(tx, campaign.id));
    for (const auto& a : assignments) {
      MAILLAGE_CHECK(RosterRepository::insert_assignment(tx, a, "solveur"));
    }
    MAILLAGE_CHECK(RosterRepository::finish_job(tx, job, done));
    return store::audit(tx, {"system", "roster.job.done", "roster_job", std::to_string(job), "",
                             AuditDetail{}
                                 .add("campaign_id", campaign.id)
                                 .add("objective", done.objective)
                                 .add("assignments", assignments.size())
                                 .json()});
  });
}

// Solves and checks the claimed job's campaign: the finished job, or the French message it
// fails with.
tl::expected<FinishedJob, std::string> solve_job(store::Database& db, const ClaimedJob& claimed,
                                                 const Campaign& campaign,
                                                 const RosterJobSettings& settings,
                                                 std::vector<PlanAssignment>& assignments) {
  auto mapped = map_plan(campaign.plan);
  if (!mapped) {
    return tl::unexpected("Données de la campagne invalides : " + mapped.error().describe());
  }
  roster::SolveOptions options;
  options.time_limit_seconds = claimed.time_limit_seconds;
  options.seed = static_cast<std::uint64_t>(claimed.seed);
  options.threads = settings.solver_threads;
  auto solution = solve_with_progress(db, claimed.id, mapped->model, options);
  if (!solution) return tl::unexpected("Le calcul a échoué : " + solution.error().describe());
  auto found = assignments_of(*mapped, solution->roster);
  if (!found) return tl::unexpected(found.error().describe());
  assignments = std::move(*found);
  // Every solver result goes through the independent checker before it is stored.
  PlanCheck chk = check_plan(*mapped, campaign.plan, assignments);
  if (!chk.feasible()) {
    return tl::unexpected("Le contrôle a refusé le planning du solveur : " +
                          chk.violations.front().message);
  }
  auto open = open_slots_of(*mapped, solution->open_slots);
  // Slots the checker finds short but the solver did not explain still get a line.
  std::map<std::int64_t, bool> explained;
  for (const auto& o : open) explained[o.slot_id] = true;
  for (const auto& o : chk.open) {
    if (!explained.count(o.slot_id)) open.push_back(o);
  }
  FinishedJob done;
  done.objective = chk.objective.total;
  done.lower_bound = solution->lower_bound;
  done.message =
      fmt::format("{} affectation(s), {} créneau(x) incomplet(s)", assignments.size(), open.size());
  done.result = result_of(chk, std::move(open), *solution);
  return done;
}

}  // namespace

Result<std::optional<std::int64_t>> run_next_roster_job(store::Database& db,
                                                        const RosterJobSettings& settings) {
  RosterRepository repo(db);
  // A read first, so that an idle runner never takes the write lock.
  if (!MAILLAGE_TRY(repo.any_queued_job())) return std::optional<std::int64_t>{};
  // Claim: the oldest queued job whose status is still 'queued' when we update it.
  std::optional<ClaimedJob> claimed;
  auto st = db.transact([&](Tx& tx) -> Status {
    claimed = MAILLAGE_TRY(RosterRepository::claim_job(tx));
    return {};
  });
  MAILLAGE_CHECK(st);
  if (!claimed) return std::optional<std::int64_t>{};
  const std::int64_t job = claimed->id;

  auto campaign = repo.campaign(claimed->campaign_id);
  if (!campaign) {
    MAILLAGE_CHECK(finish_failed(db, job, campaign.error().describe()));
    return std::optional<std::int64_t>{job};
  }
  std::vector<PlanAssignment> assignments;
  auto done = solve_job(db, *claimed, *campaign, settings, assignments);
  if (!done) {
    MAILLAGE_CHECK(finish_failed(db, job, done.error()));
    return std::optional<std::int64_t>{job};
  }
  if (auto saved = save_solution(db, job, *campaign, assignments, *done); !saved) {
    if (saved.error().code != ErrorCode::conflict) return tl::unexpected(saved.error());
    MAILLAGE_CHECK(finish_failed(db, job, saved.error().message));
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
        log::warn("roster_jobs_error error={}", r.error().describe());
        break;
      }
      if (!*r) break;
      log::info("roster_job_finished job={}", **r);
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
  }
}

}  // namespace maillage::services
