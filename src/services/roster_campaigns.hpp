// Planning campaigns of permanences (soins non programmés, PDSA, vaccination centre, crisis):
// periods of slots, invited members, availabilities, solve jobs, the roster with hand edits and
// live checks, publication, swaps and exports. Every call takes the acting Principal and checks
// its scope here:
// - coordinators manage the campaigns of their structures (admins manage everything);
// - members see the campaigns they are invited to once collection has started, enter their own
//   availabilities while it is open, see the roster once published and propose swaps on it;
// - ROC, ARS, chargés de mission and the observer read the campaigns of structures in their
//   territory (read-only).
// Campaign rows carry a version: every change names the version it read and a stale one answers
// `conflict` with nothing written. Availabilities are per (member, slot) cells written as they
// are clicked (the last click wins; they do not bump the campaign's version, so that members
// entering theirs at the same time do not conflict). Every write is audited.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/auth.hpp"
#include "services/roster_export.hpp"
#include "services/roster_plan.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

/// brouillon → collecte (des disponibilités) → résolu → publié.
enum class CampaignStatus { draft, collecting, solved, published };
const char* campaign_status_id(CampaignStatus s);     // brouillon, collecte, resolu, publie
const char* campaign_status_label(CampaignStatus s);  // French, for pages
std::optional<CampaignStatus> campaign_status_from_id(std::string_view id);

struct NewCampaign {
  std::int64_t structure_id = 0;
  std::string name;
  std::string description;
  PlanSettings settings;
  int time_limit_seconds = 10;  // solver budget, 1..120
};

struct CampaignSummary {
  std::int64_t id = 0;
  std::int64_t structure_id = 0;
  std::string structure_name;
  std::string name;
  CampaignStatus status = CampaignStatus::draft;
  std::string first_day;
  std::string last_day;
  std::int64_t version = 1;
  int slots = 0;
  int members = 0;
};

struct Campaign {
  std::int64_t id = 0;
  std::int64_t structure_id = 0;
  std::string structure_name;
  std::string departement;
  std::string name;
  std::string description;
  CampaignStatus status = CampaignStatus::draft;
  int time_limit_seconds = 10;
  std::int64_t version = 1;
  std::string created_at;
  std::string updated_at;
  std::string published_at;
  Plan plan;  // settings, slots (by day and time), members, availabilities (a member: only theirs)
  std::vector<PlanAssignment> assignments;  // empty for a member before publication
  // What the viewer may do.
  bool can_manage = false;
  std::int64_t my_member_id = 0;  // the viewer's member row, 0 when not invited
};

struct NewMember {
  std::int64_t user_id = 0;  // a user of the structure; 0 for a professional without an account
  std::string name;          // required without a user (defaults to the user's name)
  std::string profession;
  std::optional<int> monthly_cap;
};

/// What a finished solve found: the checker's verdict and objective, the solver's objective and
/// bound, the loads and the open slots with their explanations.
struct JobResult {
  bool valid = false;
  std::int64_t objective = 0;         // the checker's total
  std::int64_t solver_objective = 0;  // as computed by the search
  std::int64_t lower_bound = 0;
  bool optimal = false;
  std::int64_t under_cover = 0;
  std::int64_t on_requests = 0;
  std::int64_t fairness = 0;
  double spread = 0;
  std::int64_t iterations = 0;
  double seconds = 0;
  std::vector<MemberLoad> loads;
  std::vector<OpenSlotInfo> open;
};

struct JobInfo {
  std::int64_t id = 0;
  std::int64_t campaign_id = 0;
  std::string status;  // queued, running, done, failed
  double progress = 0;
  std::optional<std::int64_t> objective;
  std::optional<std::int64_t> lower_bound;
  int time_limit_seconds = 0;
  std::string message;              // French
  std::optional<JobResult> result;  // when done
  std::string created_at;
  std::string started_at;
  std::string finished_at;
};

struct NewSwap {
  std::int64_t slot_id = 0;         // the slot the proposer gives away
  std::int64_t from_member_id = 0;  // its holder (the proposer, unless a coordinator proposes)
  std::int64_t to_member_id = 0;    // who takes it
  std::int64_t other_slot_id =
      0;  // swap: the slot of to_member the proposer takes; 0 = replacement
  std::string comment;
};

struct SwapInfo {
  std::int64_t id = 0;
  std::int64_t slot_id = 0;
  std::int64_t from_member_id = 0;
  std::int64_t to_member_id = 0;
  std::int64_t other_slot_id = 0;
  std::string status;  // proposee, approuvee, refusee
  std::string comment;
  std::string proposed_by;
  std::string decided_by;
  std::string created_at;
  std::string decided_at;
  std::int64_t version = 1;
};

/// Thread-safe (state lives in the database).
class RosterCampaigns {
 public:
  RosterCampaigns(store::Database& db, RegionOfDepartement region_of);

  Result<std::vector<CampaignSummary>> list(const Principal& who);
  Result<std::int64_t> create(const Principal& who, const NewCampaign& campaign);
  Result<Campaign> get(const Principal& who, std::int64_t id);
  /// Name, description, settings and time limit (structure_id is ignored). Returns the version.
  Result<std::int64_t> update(const Principal& who, std::int64_t id, std::int64_t version,
                              const NewCampaign& changes);
  Result<std::int64_t> set_status(const Principal& who, std::int64_t id, std::int64_t version,
                                  CampaignStatus to);

  /// Adds slots (all or none). Returns the new version.
  Result<std::int64_t> add_slots(const Principal& who, std::int64_t id, std::int64_t version,
                                 const std::vector<PlanSlot>& slots);
  Result<std::int64_t> remove_slot(const Principal& who, std::int64_t id, std::int64_t version,
                                   std::int64_t slot_id);
  /// Invites a member; returns the member's id.
  Result<std::int64_t> add_member(const Principal& who, std::int64_t id, std::int64_t version,
                                  const NewMember& member);
  /// A member sets their own cells (while collection is open); a manager anyone's. Cells with
  /// nullopt wish are cleared.
  struct Cell {
    std::int64_t member_id = 0;
    std::int64_t slot_id = 0;
    std::optional<SlotWish> wish;
  };
  Status set_availability(const Principal& who, std::int64_t id, const std::vector<Cell>& cells);
  Status set_monthly_cap(const Principal& who, std::int64_t id, std::int64_t member_id,
                         std::optional<int> cap);

  /// Live check of proposed assignments (hand edits): nothing is written.
  Result<PlanCheck> check(const Principal& who, std::int64_t id,
                          const std::vector<PlanAssignment>& assignments);
  /// The check of the stored roster.
  Result<PlanCheck> check_current(const Principal& who, std::int64_t id);
  /// Replaces the roster; refused (invalid_input, first violation as message) when a hard rule
  /// is broken. Returns the new version.
  Result<std::int64_t> save_assignments(const Principal& who, std::int64_t id, std::int64_t version,
                                        const std::vector<PlanAssignment>& assignments);

  /// Queues a solve job (conflict when one is queued or running). Returns the job id.
  Result<std::int64_t> enqueue_solve(const Principal& who, std::int64_t id,
                                     std::optional<std::uint64_t> seed = {});
  Result<JobInfo> job(const Principal& who, std::int64_t id, std::int64_t job_id);
  Result<std::optional<JobInfo>> latest_job(const Principal& who, std::int64_t id);

  Result<std::int64_t> propose_swap(const Principal& who, std::int64_t id, const NewSwap& swap);
  Status decide_swap(const Principal& who, std::int64_t id, std::int64_t swap_id,
                     std::int64_t version, bool approve);
  Result<std::vector<SwapInfo>> swaps(const Principal& who, std::int64_t id);

  /// The worked slots (by day and time), of one member when member_id != 0. Members only once
  /// the roster is published.
  Result<std::vector<ExportEntry>> export_entries(const Principal& who, std::int64_t id,
                                                  std::int64_t member_id);

 private:
  struct Access {
    Campaign campaign;
    bool manage = false;         // the viewer manages the campaign
    std::int64_t member_id = 0;  // the viewer's member row, 0 when not invited
  };
  /// Loads the campaign and checks that the viewer may read it (forbidden otherwise).
  Result<Access> access(const Principal& who, std::int64_t id);

  store::Database& db_;
  RegionOfDepartement region_of_;
};

namespace roster_detail {
/// forbidden unless the viewer manages the campaign (shared by the campaign service's files).
Status forbidden_unless(bool manage);
}  // namespace roster_detail

}  // namespace maillage::services
