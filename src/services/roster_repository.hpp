// The SQL of the permanences area: campaigns, slots, members, availabilities, assignments, solve
// jobs and swaps. Reads go through the read pool (store::Database); writes take the caller's
// transaction (store::Tx), so that the use cases (roster_campaigns.cpp, roster_jobs.cpp) keep
// validation, authorisation, transactions and audit. Rows are mapped by column name.
//
// A job's result (JobResult) is stored as JSON text in roster_jobs.result: that representation is
// this file's business (roster_repository.cpp writes and reads it back), not the callers'.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/roster_campaigns.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

/// A line of the campaign list before the viewer's scope is applied.
struct CampaignListRow {
  CampaignSummary summary;
  std::string departement;
  bool invited = false;  // the viewer has a member row
};

/// A queued job claimed by a runner.
struct ClaimedJob {
  std::int64_t id = 0;
  std::int64_t campaign_id = 0;
  int time_limit_seconds = 10;
  std::int64_t seed = 1;
};

/// What the runner stores when a solve succeeds.
struct FinishedJob {
  std::int64_t objective = 0;
  std::int64_t lower_bound = 0;
  std::string message;
  JobResult result;
};

class RosterRepository {
 public:
  explicit RosterRepository(store::Database& db) : db_(db) {}

  // Reads (read pool).
  /// The whole campaign: row, slots, members, availabilities, assignments (not_found).
  Result<Campaign> campaign(std::int64_t id);
  Result<std::vector<CampaignListRow>> campaigns(std::int64_t viewer_user_id);
  Result<std::optional<JobInfo>> job(std::int64_t campaign_id, std::int64_t job_id);
  Result<std::optional<JobInfo>> latest_job(std::int64_t campaign_id);
  Result<bool> any_queued_job();
  /// A swap of the campaign (only its slot and member fields, status and version are read).
  Result<std::optional<SwapInfo>> swap(std::int64_t campaign_id, std::int64_t swap_id);
  Result<std::vector<SwapInfo>> swaps(std::int64_t campaign_id);

  // Writes (in the caller's transaction).
  /// Bumps the campaign's version when it is still `version`; conflict otherwise.
  static Status bump(store::Tx& tx, std::int64_t id, std::int64_t version);
  static Result<bool> structure_exists(store::Tx& tx, std::int64_t structure_id);
  static Result<std::int64_t> insert_campaign(store::Tx& tx, const NewCampaign& c,
                                              const std::string& created_by);
  static Status update_campaign(store::Tx& tx, std::int64_t id, const NewCampaign& c);
  static Status set_status(store::Tx& tx, std::int64_t id, CampaignStatus to);
  /// Marks a campaign in collection « résolu ».
  static Status mark_solved(store::Tx& tx, std::int64_t id);
  static Status insert_slot(store::Tx& tx, std::int64_t campaign_id, const PlanSlot& s);
  /// Rows deleted (0: not a slot of this campaign).
  static Result<std::int64_t> delete_slot(store::Tx& tx, std::int64_t campaign_id,
                                          std::int64_t slot_id);
  /// The display name of a user of the structure; nullopt when the user is not one of its members.
  static Result<std::optional<std::string>> structure_user_name(store::Tx& tx, std::int64_t user_id,
                                                                std::int64_t structure_id);
  static Result<std::int64_t> insert_member(store::Tx& tx, std::int64_t campaign_id,
                                            const NewMember& m, const std::string& name);
  /// Rows changed (0: not a member of this campaign).
  static Result<std::int64_t> set_monthly_cap(store::Tx& tx, std::int64_t campaign_id,
                                              std::int64_t member_id, std::optional<int> cap);
  /// Replaces (or clears, without a wish) one availability cell.
  static Status set_availability(store::Tx& tx, std::int64_t member_id, std::int64_t slot_id,
                                 std::optional<SlotWish> wish, const std::string& updated_by,
                                 const std::string& updated_at);
  static Status delete_assignments(store::Tx& tx, std::int64_t campaign_id);
  /// source: solveur, manuel, echange.
  static Status insert_assignment(store::Tx& tx, const PlanAssignment& a,
                                  const std::string& source);
  static Status delete_assignment(store::Tx& tx, const PlanAssignment& a);

  static Result<bool> has_active_job(store::Tx& tx, std::int64_t campaign_id);
  static Result<std::int64_t> insert_job(store::Tx& tx, std::int64_t campaign_id,
                                         int time_limit_seconds, std::int64_t seed,
                                         const std::string& requested_by);
  /// Claims the oldest queued job (nullopt when none, or another runner took it first).
  static Result<std::optional<ClaimedJob>> claim_job(store::Tx& tx);
  static Status set_job_progress(store::Tx& tx, std::int64_t job, double progress);
  static Status fail_job(store::Tx& tx, std::int64_t job, const std::string& message);
  static Status finish_job(store::Tx& tx, std::int64_t job, const FinishedJob& done);
  /// The runner's final write: bumps the version read at the start of the search and moves a
  /// campaign in collection to « résolu ». Rows changed (0: the campaign changed meanwhile).
  static Result<std::int64_t> bump_for_solution(store::Tx& tx, std::int64_t campaign_id,
                                                std::int64_t version_read);

  static Result<std::int64_t> insert_swap(store::Tx& tx, std::int64_t campaign_id, const NewSwap& s,
                                          const std::string& proposed_by);
  /// Rows changed (0: decided meanwhile or stale version).
  static Result<std::int64_t> decide_swap(store::Tx& tx, std::int64_t swap_id, std::int64_t version,
                                          bool approve, const std::string& decided_by);

 private:
  store::Database& db_;
};

}  // namespace maillage::services
