// Assemblées générales of an association (issue 13 item 5), on top of services::Association (who
// sees what, the statuts) and the src/association engine (roll, proxies, quorum, votes):
//   - an AG (ordinary or extraordinary, first or second convocation) with its date, time, place
//     and agenda of resolutions (kind "ordinaire" or "statuts", show of hands or secret ballot);
//   - convocations by e-mail through the Mailer (SMTP), each one logged, or, without SMTP, the
//     letters as an ODT document and the address list, the coordination recording the day they
//     left; the statutory delay is checked by the engine;
//   - proxies (pouvoirs): a member gives theirs online from their account before the AG (checked
//     by the engine against the roll and the proxies already given), the coordination records
//     paper ones;
//   - the séance: opening freezes the roll (members with a vote at the AG date) and the statuts;
//     the émargement marks present / excused / absent and the quorum is recomputed per collège at
//     each mark; votes per resolution (per member, or counts per collège for a secret ballot)
//     give the result with its arithmetic; closing writes the outcomes and makes the AG read only;
//   - the procès-verbal (ODT) and the AG as iCalendar.
// Levels (AssociationAccess): manage edits everything; own (a member, recognised by the e-mail of
// their login) sees the AG, the agenda and the results, gives or withdraws their own proxy and
// sees the names of the members they may give it to; aggregate (ROC, ARS…) sees the AG, the
// counts per collège and the results, never a name.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/association.hpp"
#include "services/mail.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

struct ResolutionInput {
  std::string title;
  std::string body;
  std::string kind = "ordinaire";  // ordinaire, statuts
  std::string ballot = "public";   // public (show of hands), secret
};

struct AssemblyInput {
  std::string kind = "ordinaire";  // ordinaire, extraordinaire
  std::string title;               // "" : "Assemblée générale ordinaire 2026"
  std::string held_on;             // YYYY-MM-DD
  std::string starts_at = "18:00";
  std::string ends_at = "20:00";
  std::string place;
  std::string convocation = "first";         // first, second
  std::vector<ResolutionInput> resolutions;  // creation only
  std::int64_t expected_version = 0;         // updates only
};

struct AssemblySummary {
  std::int64_t id = 0;
  std::string kind, kind_label;  // "assemblée générale ordinaire"
  std::string title, held_on, starts_at, ends_at, place;
  std::string convocation, convocation_label;  // "première convocation"
  std::string status, status_label;            // preparation, open, closed
  std::string convened_on, convened_how;       // "" before any convocation
  std::size_t resolutions = 0, adopted = 0;
  std::int64_t version = 0;
};

struct AssemblyList {
  StatutsView statuts;
  std::vector<AssemblySummary> assemblies;  // most recent first
};

/// One member of the roll and how they attend.
struct RollEntry {
  std::int64_t member_id = 0;
  std::string name, college, college_name;
  std::string attendance;  // present, represented, excused, absent
  std::string mark;        // what the émargement says: present, excused, absent
  std::int64_t holder_id = 0;
  std::string holder_name;  // when represented
  int proxies_held = 0;
  bool mine = false;
};

struct ProxyView {
  std::int64_t giver_id = 0, holder_id = 0;
  std::string giver_name, holder_name;
  bool online = false;
  std::string given_at, given_by;
  bool accepted = true;  // at the séance: judged with the émargement
  std::string refusal;   // French, when refused
};

struct CollegeQuorumView {
  std::string college, name, share;  // share: "1/3" (fixed shares) or ""
  int members = 0, present = 0, represented = 0, excused = 0, absent = 0;
  std::string rate;  // "40,0 %"
  bool reached = false;
};

struct QuorumView {
  std::string rule;  // "au moins 1/4 des membres présents ou représentés"
  int members = 0, present_or_represented = 0;
  std::string rate;
  bool reached = false;
  std::string explanation;  // the engine's sentence
  std::vector<CollegeQuorumView> colleges;
};

struct TallyView {
  std::string college, name;
  int voters = 0, pour = 0, contre = 0, abstention = 0, non_votants = 0, base = 0;
  std::string weight;  // "1/3" or "1"
  bool counted = false;
  std::string weighted_pour, weighted_contre;  // "2/9"
};

struct ResolutionView {
  std::int64_t id = 0;
  int position = 0;
  std::string title, body, kind, kind_label, majority_label, ballot;
  bool secret = false;
  bool has_votes = false;      // something recorded
  bool has_result = false;     // the engine computed a result
  std::string result_problem;  // why not (no quorum, …)
  bool adopted = false;
  std::string outcome;                  // written at closure: adoptee, rejetee
  std::string explanation;              // the engine's sentence
  std::vector<std::string> arithmetic;  // the computation, line by line, in French
  std::vector<TallyView> colleges;
  std::string total_pour, total_contre, total_base, threshold, required;
  int head_pour = 0, head_contre = 0, head_abstention = 0, head_base = 0;
  bool head_adopted = false;
  bool weighted = false;
  std::vector<std::pair<std::int64_t, std::string>> votes;       // manage: member → ballot
  std::vector<std::pair<std::string, std::vector<int>>> counts;  // secret: collège → p, c, a
};

struct ConvocationEntry {
  std::string sent_on, sent_at, sent_by, channel, address, member_name, status, detail;
};

/// What a member with `own` access may do with their proxy.
struct MyProxy {
  std::int64_t member_id = 0;  // 0: no member record carries the login's e-mail
  std::string name;
  bool on_roll = false;  // has a vote at this AG
  std::string not_on_roll_reason;
  std::int64_t holder_id = 0;  // the proxy given, if any
  std::string holder_name;
  std::vector<Choice> holders;  // members they may give it to (id, "NAME — collège")
  bool may_give = false;        // the AG is in preparation and the statuts allow proxies
};

struct AssemblyView {
  StatutsView statuts;
  AssemblySummary assembly;
  std::vector<std::string> rules;    // the statuts' AG options in French, one per line
  std::string convocation_deadline;  // last day to send (YYYY-MM-DD)
  std::string convocation_check;     // "" or the engine's message when sent late
  std::vector<ResolutionView> resolutions;
  std::vector<RollEntry> roll;          // manage: the roll (live before the séance, frozen after)
  std::vector<ProxyView> proxies;       // manage
  std::vector<std::string> roll_notes;  // why some members have no vote (dues, …)
  QuorumView quorum;
  std::vector<ConvocationEntry> convocations;  // manage, most recent first
  int with_email = 0, without_email = 0;       // manage: on the roll
  bool smtp = false;                           // e-mails can be sent
  std::string smtp_server;
  std::optional<MyProxy> me;  // own access (and managers who are members)
};

/// One convocation letter (ODT, address list).
struct ConvocationLetter {
  std::int64_t member_id = 0;
  std::string name, email, commune, college;
};

struct ConvocationReport {
  int sent = 0, failed = 0, without_email = 0;
  std::vector<std::string> failures;  // "DURAND Marie : …"
  AssemblyView view;
};

/// Per resolution: votes of members (show of hands) or counts per collège (secret ballot).
struct VotesInput {
  std::vector<std::pair<std::int64_t, std::string>> votes;  // member → pour, contre, abstention
  struct Count {
    std::string college;
    int pour = 0, contre = 0, abstention = 0;
  };
  std::vector<Count> counts;
};

/// An event of the association's calendar (AGs here, meetings in association_groups).
struct CalendarEvent {
  std::string uid;              // "ag-12@maillage"
  std::string day, start, end;  // YYYY-MM-DD, HH:MM
  std::string summary, location, description;
};

/// The association's calendar as iCalendar (RFC 5545: Europe/Paris VTIMEZONE, escaped and folded
/// lines). `dtstamp` is UTC "YYYYMMDDTHHMMSSZ".
std::string association_icalendar(const std::vector<CalendarEvent>& events,
                                  const std::string& calendar_name, const std::string& dtstamp);

class Assemblies {
 public:
  /// `mailer` null: no SMTP configured (the pages offer the letters and the addresses).
  Assemblies(store::Database& db, Association& association, std::shared_ptr<Mailer> mailer = {})
      : db_(&db), association_(&association), mailer_(std::move(mailer)) {}

  Result<AssemblyList> list(const Principal& who, std::int64_t structure_id) const;
  Result<AssemblyView> get(const Principal& who, std::int64_t structure_id,
                           std::int64_t assembly_id) const;
  /// Managers; the statuts must exist. Errors name the field (held_on, starts_at,
  /// resolutions[1].title…).
  Result<AssemblyView> create(const Principal& who, std::int64_t structure_id,
                              const AssemblyInput& in);
  /// Date, time, place, kind, title, convocation (before the séance); conflict on a stale version.
  Result<AssemblyView> update(const Principal& who, std::int64_t structure_id,
                              std::int64_t assembly_id, const AssemblyInput& in);
  Result<AssemblyView> add_resolution(const Principal& who, std::int64_t structure_id,
                                      std::int64_t assembly_id, const ResolutionInput& in);
  Result<AssemblyView> remove_resolution(const Principal& who, std::int64_t structure_id,
                                         std::int64_t assembly_id, std::int64_t resolution_id);

  /// E-mails the convocation (with the AG as .ics) to every member of the roll who has an
  /// address; `link` is the AG page, for the online proxy. unavailable without SMTP.
  Result<ConvocationReport> send_convocations(const Principal& who, std::int64_t structure_id,
                                              std::int64_t assembly_id, const std::string& link);
  /// Records that the letters left on `sent_on` (no SMTP, or paper for those without e-mail).
  Result<AssemblyView> record_letters(const Principal& who, std::int64_t structure_id,
                                      std::int64_t assembly_id, const std::string& sent_on);
  /// The roll's members with their address (managers): the letters and the address list.
  Result<std::vector<ConvocationLetter>> letters(const Principal& who, std::int64_t structure_id,
                                                 std::int64_t assembly_id) const;
  /// The letters as one ODT document, one page per member.
  Result<std::string> letters_odt(const Principal& who, std::int64_t structure_id,
                                  std::int64_t assembly_id, const std::string& link) const;

  /// `giver` is represented by `holder`. A member gives their own proxy before the séance;
  /// managers record any, before or during it. The engine's refusal is the error (field
  /// "mandataire" or "mandant").
  Result<AssemblyView> give_proxy(const Principal& who, std::int64_t structure_id,
                                  std::int64_t assembly_id, std::int64_t giver,
                                  std::int64_t holder);
  Result<AssemblyView> withdraw_proxy(const Principal& who, std::int64_t structure_id,
                                      std::int64_t assembly_id, std::int64_t giver);

  /// Opens the séance: freezes the roll and the statuts (managers, on or after the AG day… or
  /// before, for a rehearsal of the émargement: no check of the day).
  Result<AssemblyView> open(const Principal& who, std::int64_t structure_id,
                            std::int64_t assembly_id);
  /// Émargement of one member: present, excused or absent; returns the view with the quorum.
  Result<AssemblyView> mark(const Principal& who, std::int64_t structure_id,
                            std::int64_t assembly_id, std::int64_t member_id,
                            const std::string& presence);
  /// Replaces the votes of a resolution; the engine refuses them while the quorum is missing.
  Result<AssemblyView> record_votes(const Principal& who, std::int64_t structure_id,
                                    std::int64_t assembly_id, std::int64_t resolution_id,
                                    const VotesInput& in);
  /// Closes the séance: writes each resolution's outcome; nothing changes afterwards.
  Result<AssemblyView> close(const Principal& who, std::int64_t structure_id,
                             std::int64_t assembly_id);

  /// The procès-verbal as ODT: attendance per collège, quorum, each resolution with its result
  /// and arithmetic, the list of members present and represented (managers and members; the
  /// steering roles get it without names).
  Result<std::string> minutes_odt(const Principal& who, std::int64_t structure_id,
                                  std::int64_t assembly_id) const;

  /// The AGs of the structure as calendar events (everyone who sees the structure).
  Result<std::vector<CalendarEvent>> events(const Principal& who, std::int64_t structure_id,
                                            std::optional<std::int64_t> only = {}) const;

  [[nodiscard]] bool has_mailer() const { return mailer_ != nullptr; }

 private:
  store::Database* db_;
  Association* association_;
  std::shared_ptr<Mailer> mailer_;
};

}  // namespace maillage::services
