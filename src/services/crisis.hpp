// Crisis mode (issue 18 item 5): the loop that took coordinators days — survey the
// professionals' availabilities, build a planning of permanences, tell each their slots — in an
// afternoon, on top of what exists:
// - open: one action creates, in one transaction, a survey (0015) whose required grid question
//   covers exactly the crisis slots (days × time windows, src/survey/crisis), a planning campaign
//   (0006) with one slot per day and window and its need, a draft message to the audience, and
//   the crisis row tying them with the audience chosen (members, RPPS professionals of the
//   territory with an address the structure holds, a pasted list). Audited;
// - send: the survey's personal links through the SMTP setting (Surveys::send, synchronous);
//   remind: a new link to each recipient who has not answered (Surveys::remind);
// - build: each respondent (a survey recipient, identified by e-mail) becomes a person of the
//   campaign (crisis_people keeps the mapping, so building again updates the same person), their
//   ticked cells its availabilities (crisis::map_answers); respondents without availability and
//   cells outside the grid are reported; then the existing background solver is queued (its
//   result checked by the independent checker, roster_jobs.cpp);
// - dashboard: invited / answered / not answered, coverage per slot (need, available, assigned,
//   gap: crisis::coverage), the last solve and its checker verdict;
// - send_planning: each person their slots by e-mail (synchronous), the campaign published.
//
// Who: run — admins and the coordinators of the structure (those who manage its planning
// campaigns); read — the ROC, ARS, chargés de mission and observer covering the structure see
// the crisis and its coverage (counts, never names or addresses). Members see nothing here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/audience.hpp"
#include "services/auth.hpp"
#include "services/mail.hpp"
#include "services/roster_campaigns.hpp"
#include "services/survey.hpp"
#include "survey/crisis.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

enum class CrisisAccess : std::uint8_t { read, run };

/// "vaccination", "depistage", "autre".
std::string crisis_kind_label(const std::string& kind);

struct CrisisInput {
  std::int64_t structure_id = 0;
  std::string title;
  std::string kind = "vaccination";
  crisis::Plan plan;
  std::string profession = "Professionnel de santé";  // the campaign's slots and people
  std::string closes_on;  // survey closing YYYY-MM-DD; "" = the first day (today if past)
  std::string intro;      // shown on the survey page and in the mails
  bool remarks_question = false;  // adds an optional free-text question on organisation
  AudienceInput audience;
};

struct CrisisSummary {
  std::int64_t id = 0, structure_id = 0;
  std::string structure_name, title, kind, kind_label, first_day, last_day;
  std::int64_t survey_id = 0, campaign_id = 0, newsletter_id = 0;
  int invited = 0, answered = 0;
  std::optional<double> rate;  // answered / invited
  int slots = 0, need = 0;
  std::string built_at, planning_sent_at, created_at;
  std::int64_t version = 0;
};

struct CrisisPerson {
  std::int64_t recipient_id = 0, member_id = 0;
  std::string name, email, source_label;
  std::string sent_at, send_error, answered_at;
  int available = 0;                        // slots ticked
  std::vector<std::string> assigned;        // "lundi 4 janvier 08:00–12:00"
  std::string planning_sent_at, planning_error;
  bool address_only = false;  // known by their address only (pasted list, no member record)
};

struct CrisisSlotLine {
  crisis::Slot slot;
  std::string day_label, window_label;
  crisis::SlotCoverage coverage;
  std::int64_t roster_slot_id = 0;       // 0: removed from the campaign since
  std::vector<std::string> assigned;     // names (run only)
};

struct CrisisDashboard {
  CrisisSummary summary;
  CrisisAccess access = CrisisAccess::read;
  std::string profession, survey_status, survey_status_label, closes_on;
  std::string campaign_status, campaign_status_label;
  std::vector<CrisisPerson> invited;      // run only: every recipient, by name
  int not_answered = 0, send_failed = 0;
  crisis::Coverage coverage;
  std::vector<CrisisSlotLine> slots;
  std::optional<JobInfo> job;  // the last solve
  bool smtp = false;
  // What may be done now (run).
  bool can_send = false, can_remind = false, can_build = false, can_send_planning = false;
};

struct BuildReport {
  int respondents = 0;
  int people_added = 0, people_updated = 0;
  int availabilities = 0;
  std::vector<std::string> without_availability;  // names (or addresses)
  std::vector<std::string> address_only;          // respondents known by their address only
  int outside_cells = 0;                          // cells outside the grid (ignored)
  int missing_slots = 0;  // crisis slots removed from the campaign since (not mapped)
  std::int64_t job_id = 0;
};

struct PlanningReport {
  int sent = 0, failed = 0;
  int without_slot = 0;  // people told they have no slot
};

class Crises {
 public:
  Crises(store::Database& db, Surveys& surveys, RosterCampaigns& roster,
         std::shared_ptr<Mailer> mailer = {}, std::shared_ptr<SupplySource> source = {})
      : db_(&db),
        surveys_(&surveys),
        roster_(&roster),
        mailer_(std::move(mailer)),
        source_(std::move(source)) {}

  /// The crises of every structure `who` may see, most recent first.
  Result<std::vector<CrisisSummary>> list(const Principal& who) const;
  /// The structures where `who` may open a crisis (id, name).
  Result<std::vector<Choice>> structures_to_run(const Principal& who) const;
  /// Run. Errors name the field: title, kind, profession, closes_on, plan.first_day,
  /// plan.windows[1].need…, audience. Returns the new crisis's id.
  Result<std::int64_t> open(const Principal& who, const CrisisInput& in);
  Result<CrisisDashboard> dashboard(const Principal& who, std::int64_t id) const;
  /// Run: the survey's personal links to the audience chosen at the opening (addresses already
  /// recipients are not sent again).
  Result<SendReport> send(const Principal& who, std::int64_t id, const std::string& link_base);
  /// Run: a new personal link to each recipient who has not answered.
  Result<RemindReport> remind(const Principal& who, std::int64_t id, const std::string& link_base);
  /// Run: answers → the campaign's people and availabilities, then the solve is queued.
  /// Conflict on a stale version or while a solve runs.
  Result<BuildReport> build(const Principal& who, std::int64_t id, std::int64_t expected_version);
  /// Run: each person of the campaign their slots by e-mail; publishes the campaign. Needs a
  /// solved planning. Conflict on a stale version.
  Result<PlanningReport> send_planning(const Principal& who, std::int64_t id,
                                       std::int64_t expected_version);

  Result<CrisisAccess> access(const Principal& who, std::int64_t structure_id) const;

 private:
  store::Database* db_;
  Surveys* surveys_;
  RosterCampaigns* roster_;
  std::shared_ptr<Mailer> mailer_;
  std::shared_ptr<SupplySource> source_;
};

}  // namespace maillage::services
