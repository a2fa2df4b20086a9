// ACI contracts and the dialogue de gestion workspace: use cases over the store and the ACI engine
// (src/aci). Every call takes the acting Principal and checks role and scope itself (a
// coordinator or member sees only their structures, a ROC their départements, ARS and chargé de
// mission their régions); every write is one transaction with its audit row; mutable rows carry a
// version and a stale one answers `conflict`.
//
// Reads return the typed views of aci_views.hpp, which the API and the pages share (their JSON is
// built in src/http/aci_json.cpp), so that the two never compute the figures differently. The SQL
// is AciRepository's (aci_repository.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "services/aci_views.hpp"
#include "services/auth.hpp"
#include "services/registry.hpp"

namespace maillage::store {
class Database;
}
namespace maillage::geo {
struct Referentiel;
}

namespace maillage::services {

/// Limits of the workspace (settings of the app; the defaults suit the 1 MiB request body).
struct AciLimits {
  std::size_t max_attachment_bytes = 512 * 1024;  // decoded size of one evidence file
  std::size_t max_comment_chars = 4000;
  std::size_t max_minutes_chars = 100000;
};

struct MeasureInput {
  std::string mission;
  std::string indicator;
  int year = 0;
  std::optional<double> measured;  // none: clears the value
  std::int64_t version = 0;        // version read; 0 for a value never entered
};

/// One agreed change of targets: the paliers of an indicator in one contract year.
struct TargetChange {
  std::string mission;
  std::string indicator;
  int year = 0;
  std::vector<double> paliers;
};

struct AgreedChange {
  std::int64_t based_on = 0;  // the indicator version the change was read from
  int year = 0;               // dialogue year it was agreed in
  std::string reason;
  std::vector<TargetChange> changes;
};

struct AdjustmentInput {
  std::string mission;
  std::string indicator;
  std::string fact;  // "population", "medecins_generalistes", "autre"
  std::string fact_label;
  std::optional<double> fact_before;  // population: default the contract's population
  std::optional<double> fact_after;   // population: default the territory's in the référentiel
  std::string rationale;
};

struct WorkspaceUpdate {
  std::int64_t version = 0;  // 0: the workspace was never saved
  std::optional<std::string> dialogue_date;
  std::optional<std::string> minutes;
};

struct BudgetInput {
  std::string envelope;
  std::int64_t received_cents = 0;
  std::int64_t spent_cents = 0;
  std::int64_t version = 0;  // 0 for a line never entered
};

struct FicheInput {
  std::string mission;
  std::string title;
  std::string description;
  std::string status = "a_lancer";
  std::int64_t version = 0;  // updates only
};

struct AttachmentInput {
  std::string item;
  std::string filename;
  std::string content_type;
  std::string content_base64;
};

struct AttachmentFile {
  std::string filename;
  std::string content_type;
  std::string bytes;
};

// The contract form ---------------------------------------------------------------------------

/// A structure a contract can be created for now (its lifecycle stands where "ACI signé" leaves
/// from), for the form's list.
struct AciContractCandidate {
  std::int64_t structure_id = 0;
  std::string name;
  std::string kind;  // "CPTS", "MSP"
  std::string departement;
  std::string stage_label;
};

struct AciMissionChoice {
  std::string id;  // "acces_soins"
  std::string label;
  bool socle = false;  // socle missions are part of every contract
};

struct AciAccordChoice {
  std::string id;  // "cpts-2019"
  std::string title;
  std::string extends;  // "" for a base accord; an avenant otherwise
  std::vector<std::pair<std::string, std::string>> size_classes;  // id, label
  std::vector<AciMissionChoice> missions;
};

/// What the form proposes for one structure: the size class its territory's population falls in,
/// a reference, the accords of its kind, and (when the lifecycle refuses a contract now) why.
struct AciContractProposal {
  std::int64_t structure_id = 0;
  std::string name;
  std::string kind;  // "CPTS", "MSP"
  std::string departement;
  std::string stage_label;
  std::string refusal;  // non-empty: a contract cannot be created at this stage, and why
  std::int64_t population = 0;         // of the territory's communes (référentiel)
  std::vector<std::string> communes;   // the territory (structure_communes)
  std::string size_class;              // proposed from the population ("" without territory)
  std::string size_class_basis;        // "61 250 habitants : taille 2 (40 000 à 80 000)"
  std::string reference;               // suggested, e.g. "CPTS-57-12-2026"
  std::string cpam, ars;               // the other parties, proposed from the département
  std::vector<AciAccordChoice> accords;  // of the structure's kind, base accords first
};

/// A contract as typed in the form (text, as typed: the service checks it and names the field).
struct AciContractForm {
  std::int64_t structure_id = 0;
  std::string reference;
  std::string accord;
  std::string signature;  // AAAA-MM-JJ
  std::string size_class;
  std::string population;
  std::vector<std::string> missions;                 // chosen missions (socle ones always in)
  std::vector<std::pair<std::string, std::string>> starts;  // mission → planned start date
  std::string avenant;       // accord of an avenant applying later ("" none)
  std::string avenant_from;  // its date
  std::string cpam, ars;     // names of the other parties
  std::string patients;      // MSP: médecin-traitant patients of the first year
};

/// The terms of a signed contract edited before its first payment (text as typed; the service
/// checks it and names the field: "signature", "size_class", "accord", "missions").
struct AciContractEdit {
  std::int64_t version = 0;  // the contract's version read
  std::string signature;
  std::string accord;
  std::string size_class;                                   // CPTS
  std::vector<std::string> missions;                        // chosen missions (socle ones always in)
  std::vector<std::pair<std::string, std::string>> starts;  // mission → start date
};

/// A contractual avenant (after the first payment, the way terms change): from its date d'effet
/// the contract follows another size class and/or gains missions. CPTS contracts.
struct AciAvenantForm {
  std::int64_t version = 0;  // the contract's version read
  std::string from;          // date d'effet, AAAA-MM-JJ
  std::string size_class;    // "" : unchanged
  std::vector<std::string> missions;                        // missions the avenant adds
  std::vector<std::pair<std::string, std::string>> starts;  // their start ("" : the date d'effet)
  std::string reason;
};

class AciService {
 public:
  AciService(store::Database& db, const geo::Referentiel& ref, AciLimits limits = {});
  ~AciService();
  AciService(const AciService&) = delete;
  AciService& operator=(const AciService&) = delete;

  // Contracts ------------------------------------------------------------------------------
  /// Contracts of the structures `who` sees.
  Result<std::vector<AciContractSummary>> list_contracts(const Principal& who);
  /// Creates a contract for a structure from a contract document (maillage-aci-contract/1,
  /// indicators and measured values included). ROC of the département or admin.
  Result<std::int64_t> create_contract(const Principal& who, std::int64_t structure_id,
                                       std::string_view document,
                                       const std::vector<std::string>& communes = {});
  /// Structures `who` may create a contract for now (ROC of the département or admin).
  Result<std::vector<AciContractCandidate>> contract_candidates(const Principal& who);
  /// The form's proposal for one structure (readable by those who may create its contract).
  Result<AciContractProposal> propose_contract(const Principal& who, std::int64_t structure_id);
  /// Creates the contract typed in the form: its document is written from the fields, then
  /// checked by the engine like any contract (errors name the form's field: "signature",
  /// "size_class", "missions", "population", "reference"...). The territory's communes go with it,
  /// and the lifecycle step "ACI signé" is recorded in the same transaction.
  Result<std::int64_t> create_contract_from_form(const Principal& who, const AciContractForm& form);
  /// Replaces the terms (everything but the indicators, which change by agreed versions).
  Status update_contract(const Principal& who, std::int64_t id, std::int64_t version,
                         std::string_view document);
  /// Edits the terms from the contract's page: refused (invalid_transition) once a payment is
  /// recorded (money received in a dialogue's budget), a stale version answers `conflict`; the
  /// engine checks the result like any contract. Audited with the terms before and after.
  Status edit_contract(const Principal& who, std::int64_t id, const AciContractEdit& edit);
  /// Records a contractual avenant (CPTS); returns its number (1 for the first). Audited with the
  /// terms before and after.
  Result<std::int64_t> add_avenant(const Principal& who, std::int64_t id, const AciAvenantForm& f);
  /// Parties, terms, missions with deadlines, amounts overridden, rule values used (with their
  /// sources, unverified ones marked), indicator versions.
  Result<AciContractView> contract(const Principal& who, std::int64_t id);
  /// Payment schedule to the cent (engine), with totals per envelope and notes.
  Result<AciContractSchedule> schedule(const Principal& who, std::int64_t id);
  /// The engine's CSV of the schedule.
  Result<std::string> schedule_csv(const Principal& who, std::int64_t id);
  /// Indicator sheet of every year (or of `version`'s targets when given).
  Result<AciIndicatorsView> indicators(const Principal& who, std::int64_t id,
                                       std::optional<std::int64_t> version = {});

  /// Enters (or clears) a measured value; returns the row's new version.
  Result<std::int64_t> set_measure(const Principal& who, std::int64_t id, const MeasureInput& in);
  /// Records an agreed change as a new indicator version; returns its number.
  Result<std::int64_t> agree_change(const Principal& who, std::int64_t id, const AgreedChange& in);

  // Dialogue de gestion ----------------------------------------------------------------------
  /// Everything of one contract year: sheet, budget, fiches, comments, attachments (metadata),
  /// adjustments with their comparison, indicator versions with their differences, minutes.
  Result<AciWorkspace> workspace(const Principal& who, std::int64_t id, int year);
  /// Returns the workspace's new version.
  Result<std::int64_t> update_workspace(const Principal& who, std::int64_t id, int year,
                                        const WorkspaceUpdate& in);
  Result<std::int64_t> add_comment(const Principal& who, std::int64_t id, int year,
                                   const std::string& item, const std::string& body);
  Result<std::int64_t> add_attachment(const Principal& who, std::int64_t id, int year,
                                      const AttachmentInput& in);
  Result<AttachmentFile> attachment(const Principal& who, std::int64_t id, int year,
                                    std::int64_t attachment_id);
  Result<std::int64_t> set_budget(const Principal& who, std::int64_t id, int year,
                                  const BudgetInput& in);
  Result<std::int64_t> add_fiche(const Principal& who, std::int64_t id, int year,
                                 const FicheInput& in);
  Result<std::int64_t> update_fiche(const Principal& who, std::int64_t id, int year,
                                    std::int64_t fiche_id, const FicheInput& in);
  /// Stores a proposal and returns it with its comparison (original vs adjusted target).
  Result<AciAdjustment> propose_adjustment(const Principal& who, std::int64_t id, int year,
                                           const AdjustmentInput& in);

  /// Upcoming dates of the contracts of these structures (dialogue dates, anniversaries,
  /// payments due, late missions) as of `today`, for the ROC portfolio, with their severity. No
  /// scope check: the caller passes structures already filtered by scope.
  Result<std::vector<AciAlert>> alerts(const std::vector<std::int64_t>& structure_ids, Date today);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The dossier of a dialogue de gestion as an ODT file (src/office), from AciService::workspace:
/// indicator sheet, payment schedule, budget, adjustments, agreed versions and minutes.
Result<std::string> dialogue_dossier_odt(const AciWorkspace& workspace);

/// The ACI dates of the ROC portfolio (AciService::alerts as PortfolioAlerts, source "aci", kinds
/// "aci_<kind>"). The provider reads through the database the registry hands it and needs no
/// référentiel. Register it once at start-up: add_alert_source("aci", aci_alert_source()), or
/// call register_aci_alert_source().
AlertSource aci_alert_source();
void register_aci_alert_source();

}  // namespace maillage::services
