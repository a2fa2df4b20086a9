// Association life of one structure (CPTS, MSP, ESP associations): the statuts entered once
// (collèges, the rule placing a member in a collège, the membership period), the members (persons
// or legal persons with a representative) with the history of every change and optimistic
// versions, the member import (CSV preview, then one transaction on confirmation), and the dues
// (tariffs per year and collège, payments, status computed by src/association, reminders,
// receipts). The rules themselves are the engine's (src/association/README.md).
//
// Who sees what (`AssociationAccess`):
//   - manage: admins, the structure's coordinators, and its members who sit on the bureau (their
//     member record has a bureau function and the e-mail of their account's login);
//   - own: any other member of the structure: their own record (contact fields), their dues;
//   - aggregate: ROC, ARS, chargés de mission and the observer covering the structure: counts by
//     collège and profession and the membership rate, never a name or a contact detail.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "geo/referentiel.hpp"
#include "services/auth.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

enum class AssociationAccess : std::uint8_t { aggregate, own, manage };

struct Choice {
  std::string id;
  std::string label;  // French
};
/// RPPS profession codes a member may have (10 médecin, 21 pharmacien, …), with French labels.
const std::vector<Choice>& association_professions();
/// Kinds of legal persons (pharmacie, ehpad, …).
const std::vector<Choice>& association_legal_kinds();
/// Modes d'exercice (libéral, salarié, mixte) and bureau functions.
const std::vector<Choice>& association_modes();
const std::vector<Choice>& association_bureau_functions();
std::string association_label(const std::vector<Choice>& list, const std::string& id);

struct CollegeRule {
  std::string id;                             // stable key ("medecins")
  std::string name;                           // French
  std::int64_t share_num = 1, share_den = 1;  // fixed_share mode only
  std::vector<std::string> professions;       // RPPS profession codes
  std::vector<std::string> legal_kinds;
};

/// The AG options of the statuts (association::Statuts holds their meaning): convocation delay,
/// quorum at first and second convocation, majority of each kind of resolution, abstentions,
/// empty collèges, proxies, and who has a vote.
struct AgRules {
  int convocation_days = 15;
  std::string first_quorum = "global";  // none, global, per_college, weighted
  std::int64_t first_quorum_num = 1, first_quorum_den = 4;
  std::string second_quorum = "none";
  std::int64_t second_quorum_num = 0, second_quorum_den = 1;
  std::string ordinary_majority = "simple";     // simple, absolute, two_thirds
  std::string statuts_majority = "two_thirds";  // idem, for "modification des statuts"
  bool abstentions_expressed = false;
  std::string empty_college_share = "redistributed";  // redistributed, lost
  int proxy_max = 1;                                  // proxies per holder; 0: none
  bool proxy_same_college = false;
  bool vote_requires_dues = true;  // the roll: members à jour of their dues at the AG date
};

struct StatutsInput {
  std::string weight_mode = "head_count";  // head_count, fixed_share
  std::string period = "calendar_year";    // calendar_year, rolling_12_months
  std::string default_college;             // "" : none
  std::vector<CollegeRule> colleges;
  AgRules ag;
  std::int64_t expected_version = 0;  // 0: first entry
};

struct StatutsView {
  std::int64_t structure_id = 0;
  std::string structure_name, structure_kind;
  bool defined = false;
  StatutsInput statuts;  // expected_version = the stored version
  std::string updated_by, updated_at;
  AssociationAccess access = AssociationAccess::aggregate;
};

struct MemberInput {
  std::string kind = "person";  // person, legal_person
  std::string last_name, first_name;
  std::string organisation, legal_kind, representative;
  std::string profession, rpps, mode_exercice, commune, email, phone;
  std::string college;  // "": placed by the statuts
  std::string bureau;   // "": not on the bureau
  std::string joined;   // YYYY-MM-DD; "": today
  std::string radiated;
  std::int64_t expected_version = 0;  // updates only
};

struct Member {
  std::int64_t id = 0, structure_id = 0;
  MemberInput data;          // expected_version = the stored version
  std::string display_name;  // "DUPONT Marie" or "Pharmacie du Centre (repr. M. X)"
  std::string college_name, profession_label, commune_name;
  std::string status, status_label;  // membership status today (en_attente, a_jour, …)
  std::string paid_until;
  std::string created_by, created_at, updated_by, updated_at;
  bool mine = false;
};

struct MemberChange {
  std::string changed_at, changed_by, action, detail;
};

struct PaymentView {
  std::int64_t id = 0, member_id = 0;
  std::string member_name;
  std::string paid_on;  // YYYY-MM-DD
  std::int64_t amount_cents = 0;
  std::string amount_text;  // "30,00 €"
  std::string method, reference;
  std::optional<int> covers_year;
  std::string created_by;
};

struct MemberRecord {
  Member member;
  std::vector<MemberChange> history;  // most recent first
  std::vector<PaymentView> payments;  // most recent first
  AssociationAccess access = AssociationAccess::own;
};

struct CollegeGroup {
  std::string id, name;
  std::vector<Member> members;  // by name
};

struct CountRow {
  std::string key, label;
  std::int64_t count = 0;
};

/// The members page: by collège for managers, one's own record for a member, counts only for the
/// steering roles.
struct MemberRoster {
  StatutsView statuts;
  std::vector<CollegeGroup> colleges;  // manage: everyone; own: one's record only
  std::vector<CountRow> by_college, by_profession;
  std::int64_t total = 0, active = 0;  // active: not radiated
};

// Import: a CSV file, its column mapping and the lines to skip (duplicates the user discarded).
struct ImportRequest {
  std::string file_name;
  std::string content;  ///< CSV text, or the bytes of an XLSX workbook (see is_xlsx_import)
  std::vector<std::pair<std::string, std::string>> mapping;  // field key → header in the file
  std::vector<std::int64_t> skip_lines;
};

struct ImportLine {
  std::int64_t line = 0;
  std::string display_name, kind, profession, profession_label, college, college_name;
  std::string email, commune, joined;
  bool duplicate = false;
  std::string duplicate_message;
};

struct ImportIssueView {
  std::int64_t line = 0;
  std::string field, value, message;
  bool error = true;
  std::string column;  ///< spreadsheet column letters ("C"); empty for CSV
};

/// An XLSX workbook rather than CSV text: a name ending in .xlsx or a zip signature.
[[nodiscard]] bool is_xlsx_import(const ImportRequest& in);

struct ImportColumn {
  std::string field, label, header;
};

struct ImportPreviewView {
  std::vector<ImportColumn> columns;
  std::vector<std::string> unmapped;
  std::vector<std::string> headers;  // every header of the file, for the mapping form
  std::vector<ImportLine> lines;     // importable lines (placed in a collège), file order
  std::vector<ImportIssueView> issues;
  std::size_t lines_read = 0;
  std::size_t to_import = 0;  // lines without error, not skipped
};

struct ImportResult {
  std::size_t imported = 0;
  std::size_t skipped = 0;
  std::size_t rejected = 0;
};

// Dues ------------------------------------------------------------------------------------------

struct TariffView {
  int year = 0;
  std::string college, college_name;         // "" : every collège
  std::string profession, profession_label;  // "" : every profession
  std::int64_t amount_cents = 0;
  std::string amount_text;
};

struct DuesRow {
  std::int64_t member_id = 0;
  std::string member_name, college_name;
  std::string status, status_label;  // en_attente, a_jour, echue, radiee; "" when not computable
  std::string paid_until;
  std::int64_t due_cents = 0, paid_cents = 0;
  std::string reminder;  // French, "" when no reminder is due
  std::string problem;   // why the status could not be computed (a missing tariff)
};

struct DuesOverview {
  StatutsView statuts;
  std::string at;  // YYYY-MM-DD: the status date (today)
  int within_days = 30;
  std::vector<TariffView> tariffs;    // by year, then collège
  std::vector<CountRow> by_status;    // en_attente, a_jour, echue, radiee
  std::vector<DuesRow> members;       // manage: everyone; own: oneself; aggregate: none
  std::vector<DuesRow> reminders;     // manage only
  std::vector<PaymentView> payments;  // manage: all, most recent first; own: one's own
};

struct NewTariff {
  std::string college, profession;  // "" : any
  std::int64_t amount_cents = 0;
};

struct NewPayment {
  std::int64_t member_id = 0;
  std::string paid_on;  // YYYY-MM-DD
  std::int64_t amount_cents = 0;
  std::string method;  // virement, cheque, especes, helloasso, carte, prelevement
  std::string reference;
  std::optional<int> covers_year;
};

/// A reçu de cotisation: what the association received from whom, for which period.
struct Receipt {
  std::string number;  // "2025-0042": year of payment and payment id
  std::string association_name, association_kind;
  std::string member_name, member_detail;  // profession or representative, commune
  PaymentView payment;
  std::string period;     // French: "année 2025" or "du 15 mars 2025 au 14 mars 2026"
  std::string issued_on;  // YYYY-MM-DD
};

const std::vector<Choice>& association_payment_methods();

/// The receipt as an ODT document (src/office), same wording as the printable page.
Result<std::string> receipt_odt(const Receipt& receipt);

// Membership rate against the territory --------------------------------------------------------

/// One profession: active members over the professionals of the territory's communes in the
/// latest RPPS snapshot, counted as the territorial diagnostic counts them (services/diagnostic).
struct RateRow {
  std::string key, label;  // "medecin" (généralistes and others together), "infirmier", …
  std::int64_t members = 0;
  double professionals = 0;
  std::optional<double> rate;  // none without professionals
};

/// A professional of the territory who is not a member (by RPPS id), for recruitment.
struct RecruitRow {
  std::string rpps, profession, profession_label, commune, commune_name;
};

struct MembershipRate {
  StatutsView statuts;
  std::string snapshot_date, snapshot_source;
  std::size_t communes = 0;
  std::vector<RateRow> rows;  // the diagnostic's order
  RateRow total;
  std::int64_t members_elsewhere = 0;  // active persons whose profession the diagnostic leaves out
  bool recruits_visible = false;       // managers only
  std::vector<RecruitRow> recruits;    // by profession, commune, RPPS id
};

class Diagnostics;
class SupplySource;

class Association {
 public:
  /// `diagnostics` and `source` serve the membership rate (the territory's professionals); without
  /// them membership_rate answers `unavailable`.
  Association(store::Database& db, const geo::Referentiel& ref, Diagnostics* diagnostics = nullptr,
              std::shared_ptr<SupplySource> source = {})
      : db_(&db), ref_(&ref), diagnostics_(diagnostics), source_(std::move(source)) {}

  [[nodiscard]] Result<AssociationAccess> access(const Principal& who,
                                                 std::int64_t structure_id) const;

  Result<StatutsView> statuts(const Principal& who, std::int64_t structure_id) const;
  /// Coordinators: enters or replaces the statuts (checked by association::validate_statuts);
  /// conflict when someone saved them meanwhile. Members already in a collège that disappears
  /// keep it until edited (the page lists them under "collège inconnu").
  Result<StatutsView> save_statuts(const Principal& who, std::int64_t structure_id,
                                   const StatutsInput& in);

  Result<MemberRoster> roster(const Principal& who, std::int64_t structure_id) const;
  Result<MemberRecord> member(const Principal& who, std::int64_t structure_id,
                              std::int64_t member_id) const;
  /// Managers only; the collège comes from the statuts when not given.
  Result<MemberRecord> create_member(const Principal& who, std::int64_t structure_id,
                                     const MemberInput& in);
  /// Managers: every field; a member on their own record: phone, commune, mode d'exercice only.
  /// conflict when the record changed since `expected_version`.
  Result<MemberRecord> update_member(const Principal& who, std::int64_t structure_id,
                                     std::int64_t member_id, const MemberInput& in);

  /// Reads the file and checks every line; writes nothing.
  Result<ImportPreviewView> preview_import(const Principal& who, std::int64_t structure_id,
                                           const ImportRequest& in) const;
  /// Reads the file again and writes the importable lines not skipped, in one transaction.
  Result<ImportResult> confirm_import(const Principal& who, std::int64_t structure_id,
                                      const ImportRequest& in);

  /// Dues at today: managers see everyone and the reminders (échue, en attente, or ending within
  /// `within_days`); a member sees their own; the steering roles the counts by status.
  Result<DuesOverview> dues(const Principal& who, std::int64_t structure_id,
                            int within_days = 30) const;
  /// Replaces the tariffs of `year` (managers).
  Result<DuesOverview> set_tariffs(const Principal& who, std::int64_t structure_id, int year,
                                   const std::vector<NewTariff>& tariffs);
  /// Records a payment (managers); returns it.
  Result<PaymentView> add_payment(const Principal& who, std::int64_t structure_id,
                                  const NewPayment& in);
  /// The receipt of a payment: managers, and the member who paid it.
  Result<Receipt> receipt(const Principal& who, std::int64_t structure_id,
                          std::int64_t payment_id) const;

  /// Members per profession against the territory's professionals, and (managers) the
  /// professionals who are not members. Errors: invalid_input when the structure has no territory,
  /// not_found when no RPPS extract was imported.
  Result<MembershipRate> membership_rate(const Principal& who, std::int64_t structure_id);

 private:
  store::Database* db_;
  const geo::Referentiel* ref_;
  Diagnostics* diagnostics_ = nullptr;
  std::shared_ptr<SupplySource> source_;
};

}  // namespace maillage::services
