// The registry of structures (CPTS, MSP, ESP, centres de santé): the service other areas call.
// Structures with their identity, stage (a state of rules/lifecycle/<kind>.toml), dated history,
// documents, notes and referents; the ROC portfolio (structures of a département with their next
// deadline and alerts, pipeline counts) and "Qui est mon ROC ?".
//
// Every call takes the acting Principal and checks its scope here (handlers never decide):
//   read   admin, observer: everything; ROC: its départements; ARS, chargé de mission: the
//          départements of their régions; coordinator, member: their structures only.
//   write  (create, edit, transition, milestones, documents) admin; ROC and ARS within their
//          scope; a coordinator edits the details, notes and documents of their own structures
//          but does not record lifecycle decisions (those are the ARS's and the CPAM's).
//          observer, chargé de mission and member never write.
// Refusals are ErrorCode::forbidden. Edits are optimistic: they name the version they read and
// a stale one is ErrorCode::conflict (nothing written). Every write has its audit row.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "geo/referentiel.hpp"
#include "registry/dates.hpp"
#include "registry/lifecycle.hpp"
#include "services/auth.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

class RegistryRepository;

// ---------------------------------------------------------------------------------------------
// Structures

/// Kinds as stored ("CPTS", "MSP", "ESP", "CDS"); the lifecycle kind is the lower-case id.
bool valid_structure_kind(const std::string& kind);

struct Structure {
  std::int64_t id = 0;
  std::string kind;  // "CPTS", "MSP", "ESP", "CDS"
  std::string name;
  std::string departement;
  std::string stage;                          // state id of the kind's lifecycle ("aci_signe")
  std::string stage_label;                    // "ACI signé"
  std::optional<registry::Date> stage_since;  // none for the initial state without history
  std::string legal_form;
  std::string finess, rna, siret;
  std::string commune;  // INSEE code of the head office, "" when unknown
  std::string address;
  std::string contact_name, contact_email, contact_phone;
  std::string notes;
  std::int64_t version = 1;
  std::string created_at, updated_at;  // UTC timestamps
  // Archiving: a structure nobody follows any more (abandoned, dissolved, closed, or a project
  // that never started) leaves the lists but keeps its page and history.
  std::optional<std::string> archived_at;  // UTC timestamp; none while not archived
  std::string archived_by, archive_reason;
  [[nodiscard]] bool archived() const { return archived_at.has_value(); }
};

/// The editable identity of a structure; used for creation and, with `StructureChanges`, edits.
struct StructureFields {
  std::optional<std::string> name;
  std::optional<std::string> legal_form;
  std::optional<std::string> finess;   // 9 digits (or "2A"/"2B" + 7 digits)
  std::optional<std::string> rna;      // "W" + 9 digits
  std::optional<std::string> siret;    // 14 digits
  std::optional<std::string> commune;  // INSEE code of a commune of the structure's département
  std::optional<std::string> address;
  std::optional<std::string> contact_name, contact_email, contact_phone;
  std::optional<std::string> notes;
};

struct NewStructure {
  std::string kind;
  std::string name;
  std::string departement;
  StructureFields fields;  // `name` here is ignored (the member above is required)
  // A structure that existed before Maillage starts at the stage it has reached, dated: the path
  // of the table up to it is recorded as taken over ("reprise"). Not beyond a step a contract
  // records: an "ACI signé" structure is entered at "ACI en négociation", then its contract.
  std::string start_stage;  // "" : the initial stage
  std::optional<registry::Date> start_date;
};

/// Which structures a list shows: the followed ones (every list of the application), the
/// archived ones (the archive page), or both (duplicate warnings).
enum class ArchiveFilter : std::uint8_t { active, archived, all };

struct StructureFilter {
  std::optional<std::string> departement;
  std::optional<std::string> kind;
  std::optional<std::string> stage;
  ArchiveFilter archived = ArchiveFilter::active;
};

/// One recorded lifecycle step.
struct HistoryEntry {
  std::int64_t id = 0;
  std::string from, from_label, to, to_label;
  std::string event, event_label;
  registry::Date date{};
  std::string user;
  bool implicit = false;
  std::string comment;
  std::string recorded_at;
};

/// A move allowed from the current state (the buttons of the structure page).
// A move the lifecycle allows from a structure's current stage, and whether this user records it.
// Moves decided by another role are listed too (who decides is shown, so no page is a dead end).
struct AllowedTransition {
  std::string event;
  std::string label;
  std::string to;
  std::string to_label;
  bool may_record = false;        // `who` holds this decision for this structure
  bool via_contract = false;      // recorded by creating the ACI contract, never by a button
  std::string decided_by_label;   // "l'ARS", "le ROC ou l'ARS" ("" when via_contract)
  bool terminal = false;          // leads to a terminal state (abandon, dissolution, closure)
  bool institutional = false;     // decided by institutions only (no porteur records it)
};

struct DocumentInfo {
  std::int64_t id = 0;
  std::int64_t structure_id = 0;
  std::string doc_type;  // one of document_types()
  std::string title;
  std::string filename;
  std::string content_type;
  std::int64_t size_bytes = 0;
  registry::Date date{};
  std::string uploaded_by;
  std::string uploaded_at;
};

struct NewDocument {
  std::string doc_type;
  std::string title;
  std::string filename;
  std::string content_type;
  registry::Date date{};
  std::string bytes;  // the file itself
};

struct Document {
  DocumentInfo info;
  std::string bytes;
};

struct DocumentType {
  std::string id;
  std::string label;
};
/// The document types (lettre d'intention, projet de santé, statuts, contrat ACI, ...).
const std::vector<DocumentType>& document_types();

struct Referent {
  std::int64_t user_id = 0;
  std::string login;
  std::string display_name;
  std::string role;   // role id ("roc")
  std::string basis;  // French: why this referent ("référent de la structure", "EPCI ...")
};

// ---------------------------------------------------------------------------------------------
// Alerts and the portfolio

/// An alert of the portfolio. The registry contributes its lifecycle alerts (implicit validation
/// dates, mission deadlines, contract anniversaries); other areas add theirs through
/// add_alert_source.
struct PortfolioAlert {
  std::int64_t structure_id = 0;
  registry::Date date{};  // due date
  std::string kind;       // stable id: "implicit_transition", "deadline", "anniversary", ...
  std::string label;      // French sentence
  std::string severity;   // "info", "warning" (due within 2 weeks) or "critical" (overdue)
  std::string source = "registry";  // area that raised it ("registry", "aci", ...)
};

/// An alert provider of another area. Called for every portfolio computation with the structures
/// of the portfolio (ids, already filtered by the caller's scope) and the day of the
/// computation; returns the alerts of those structures only (others are dropped). It reads
/// through `db` (Database::query only: it runs outside any transaction) and must be thread-safe:
/// the server calls it from its request threads. A provider's error fails the portfolio (a
/// silent partial list would hide deadlines).
using AlertSource = std::function<Result<std::vector<PortfolioAlert>>(
    store::Database& db, const std::vector<std::int64_t>& structure_ids, registry::Date today)>;

/// Registers a provider under a name (one per area; registering a name again replaces it).
/// Call it at start-up, e.g. from the area's make_<area>_feature or a static initialiser; the
/// registry is process-wide and guarded by a mutex.
void add_alert_source(const std::string& name, AlertSource source);
/// Removes a provider (tests).
void remove_alert_source(const std::string& name);

struct PortfolioFilter {
  std::optional<std::string> kind;   // "CPTS", ...
  std::optional<std::string> stage;  // a state id
  std::optional<std::string> alert;  // an alert kind, or "any" for structures with an alert
  /// "Mon secteur": only the structures the caller follows (named referent, referent or deputy
  /// of the sector of their head office or territory).
  bool mine = false;
};

struct PortfolioEntry {
  Structure structure;
  std::vector<PortfolioAlert> alerts;           // sorted by date
  std::optional<PortfolioAlert> next_deadline;  // first alert not yet overdue, else the first
  std::int64_t territory_communes = 0;          // communes of the territory (structure_communes)
  std::int64_t territory_population = 0;
  std::vector<std::string> referents;  // display names of the ROC referents
  std::vector<std::int64_t> referent_ids;  // their user ids, same order
};

struct PipelineStage {
  std::string kind;  // "CPTS"
  std::string stage;
  std::string label;
  bool terminal = false;
  std::int64_t count = 0;  // structures of the département (before filters) at this stage
};

struct Portfolio {
  std::string departement;
  std::string departement_name;
  registry::Date as_of{};
  std::vector<PortfolioEntry> entries;  // filtered, sorted by kind then name
  std::vector<PipelineStage> pipeline;  // every state of every kind present, in table order
  std::int64_t total = 0;               // structures before filters
};

/// The portfolios of a région's départements that the caller covers (the regional view of an ARS
/// officer or a chargé de mission), each as `portfolio` gives it, in département order.
struct RegionalPortfolio {
  std::string region;
  std::string region_name;
  registry::Date as_of{};
  std::vector<Portfolio> departements;
};

/// One structure of the network of coordinators: who coordinates it (the active coordinator
/// accounts attached to it, with the date their account opened) and the contact its fiche holds.
struct NetworkAccount {
  std::string display_name, login;
  std::string since;  // UTC timestamp of the account's creation
};
struct NetworkEntry {
  Structure structure;
  std::vector<NetworkAccount> coordinators;  // by name
};
struct CoordinatorNetwork {
  std::string region, region_name;
  std::vector<NetworkEntry> entries;  // by département, kind, name
};

// ---------------------------------------------------------------------------------------------

/// The lifecycle step that creating an ACI contract records, inside the contract's own
/// transaction: "ACI signé" dated on the signature when the structure stands where that step
/// leaves from (timers due by then are recorded first). A structure already past that step (a
/// contract entered after the fact, a second contract) keeps its stage; one before it, or in a
/// terminal state, is refused (invalid_transition naming the stage it must reach), so no contract
/// is created for a projet de santé not yet validated or a dissolved association.
Status record_contract_signature(store::Tx& tx, const registry::Lifecycle& lc,
                                 std::int64_t structure_id, registry::Date signature,
                                 const std::string& login);

class Registry {
 public:
  /// Uses the built-in lifecycle tables (rules/lifecycle) and the référentiel for names, EPCI
  /// and régions. Fails only when the tables do not parse.
  static Result<Registry> create(store::Database& db, const geo::Referentiel& ref);

  [[nodiscard]] const registry::Lifecycles& lifecycles() const { return lifecycles_; }
  [[nodiscard]] const registry::Lifecycle* lifecycle_of(const std::string& kind) const;

  // Reads ------------------------------------------------------------------------------------
  Result<std::vector<Structure>> list_structures(const Principal& who,
                                                 const StructureFilter& filter) const;
  Result<Structure> get_structure(const Principal& who, std::int64_t id) const;
  Result<std::vector<HistoryEntry>> history(const Principal& who, std::int64_t id) const;
  /// Every move the table allows from the structure's current state, each saying whether `who`
  /// records it (the roles of its `decided_by`, within their scope).
  Result<std::vector<AllowedTransition>> allowed_transitions(const Principal& who,
                                                             const Structure& s) const;
  /// INSEE codes of the structure's territory (table structure_communes), sorted.
  Result<std::vector<std::string>> territory_communes(const Principal& who, std::int64_t id) const;
  Result<std::vector<DocumentInfo>> documents(const Principal& who, std::int64_t id) const;
  Result<Document> document(const Principal& who, std::int64_t id, std::int64_t document_id) const;
  /// Every alert (registry's and providers') of the structures `who` sees among `ids`, by date.
  Result<std::vector<PortfolioAlert>> alerts(const Principal& who,
                                             const std::vector<std::int64_t>& ids,
                                             registry::Date today) const;
  Result<Portfolio> portfolio(const Principal& who, const std::string& departement,
                              const PortfolioFilter& filter, registry::Date today) const;

  /// The structures of a département `who` follows as a referent (named, or through the sector
  /// or area of the head office or territory): the portfolio's "Mon secteur", without alerts.
  Result<std::vector<std::int64_t>> followed_structures(const Principal& who,
                                                        const std::string& departement) const;

  /// The portfolios of the région's départements the caller covers; not_found for an unknown
  /// région, forbidden when the caller covers none of its départements.
  Result<RegionalPortfolio> regional_portfolio(const Principal& who, const std::string& region,
                                               const PortfolioFilter& filter,
                                               registry::Date today) const;
  /// The network of coordinators of a région (its structures in the caller's scope, active
  /// or not yet ended, with their coordinators and contacts); errors as regional_portfolio.
  Result<CoordinatorNetwork> coordinator_network(const Principal& who,
                                                 const std::string& region) const;

  /// "Qui est mon ROC ?" for a commune: the referents whose area holds it (commune, then EPCI,
  /// then département), else the ROC accounts of its département. Open to every signed-in user
  /// (the CPAM's referents are public contacts), but only names and logins are returned.
  Result<std::vector<Referent>> referents_of_commune(const std::string& commune) const;
  /// For a structure: its explicit referents, else those of its head office commune, else of
  /// its territory's communes, else the département's ROC accounts.
  Result<std::vector<Referent>> referents_of_structure(const Principal& who, std::int64_t id) const;

  /// Structures of the département that may be the same as one being created or renamed: same
  /// SIRET, or same name (case, accents, hyphens and spaces ignored). `except` is left out.
  Result<std::vector<Structure>> possible_duplicates(const Principal& who,
                                                     const std::string& departement,
                                                     const std::string& name,
                                                     const std::string& siret,
                                                     std::int64_t except = 0) const;
  /// The stages a new structure of `kind` may start at (initial first; none at or after a step a
  /// contract records).
  [[nodiscard]] std::vector<registry::State> start_stages(const std::string& kind) const;

  // Writes -----------------------------------------------------------------------------------
  Result<Structure> create_structure(const Principal& who, const NewStructure& s);
  /// Applies the set fields if the structure is still at `expected_version`.
  Result<Structure> update_structure(const Principal& who, std::int64_t id,
                                     std::int64_t expected_version, const StructureFields& changes);
  /// Records a lifecycle step (event id or target state id) dated `date` (not in the future),
  /// by a role that holds that decision (the step's `decided_by`, within the user's scope:
  /// forbidden otherwise, naming who decides). A step recorded by a contract ("ACI signé") is
  /// refused here: creating the contract records it. Timers that fired before `date` are
  /// recorded first, signed "système" (the engine refuses a move over a fired timer). Illegal
  /// moves: invalid_transition with the engine's French message.
  Result<Structure> transition(const Principal& who, std::int64_t id, std::int64_t expected_version,
                               const std::string& event_or_target, registry::Date date,
                               const std::string& comment, registry::Date today);
  /// Records the date a deadline's milestone was reached ("acces_soins.demarrage").
  Status record_milestone(const Principal& who, std::int64_t id, const std::string& milestone,
                          registry::Date date, registry::Date today);
  Result<DocumentInfo> add_document(const Principal& who, std::int64_t id, const NewDocument& d,
                                    std::size_t max_bytes);
  Status delete_structure(const Principal& who, std::int64_t id, std::int64_t expected_version);
  /// Archives a structure (admin, ROC and ARS in scope), with the reason given (required). A
  /// structure with an ACI contract must first reach a terminal stage (dissolution, closure):
  /// invalid_transition otherwise. While archived, every write of the registry on it (and a new
  /// contract) is refused with conflict, and it leaves every list; its page and history stay.
  Result<Structure> archive_structure(const Principal& who, std::int64_t id,
                                      std::int64_t expected_version, const std::string& reason);
  /// Brings an archived structure back into the lists (same deciders).
  Result<Structure> restore_structure(const Principal& who, std::int64_t id,
                                      std::int64_t expected_version);
  /// Taking over the history of a structure that existed before Maillage (administrators only):
  /// records any step of the table, including those a contract records, with the comment
  /// "Reprise de l'historique" and its own audit action. Same checks of the table and dates as
  /// `transition`.
  Result<Structure> record_past_step(const Principal& admin, std::int64_t id,
                                     std::int64_t expected_version, const std::string& event,
                                     registry::Date date, registry::Date today);

  /// Referents: explicit ones of a structure, and areas of a département (admin or ROC/ARS in
  /// scope). `area_kind` is "departement", "epci" or "commune".
  Status set_structure_referents(const Principal& who, std::int64_t id,
                                 const std::vector<std::int64_t>& user_ids);
  Status add_referent_area(const Principal& who, std::int64_t user_id, const std::string& area_kind,
                           const std::string& code, const std::string& label);

  /// A number that changes with every audited write of any area, from any server instance: the
  /// highest audit_log id (every write has its audit row). Caches of derived views (the portfolio
  /// JSON) compare it to decide whether they are still current; one indexed read.
  Result<std::int64_t> write_stamp() const;

  /// The région of a département through the référentiel ("" when unknown).
  [[nodiscard]] std::string region_of(std::string_view departement) const;

 private:
  Registry(store::Database& db, const geo::Referentiel& ref, registry::Lifecycles lifecycles);
  [[nodiscard]] bool may_read(const Principal& who, const Structure& s) const;
  [[nodiscard]] bool may_write(const Principal& who, const Structure& s) const;
  [[nodiscard]] bool may_decide(const Principal& who, const Structure& s) const;
  /// `who` records this step of `s`: one of its `decided_by` roles, within scope.
  [[nodiscard]] bool may_record(const Principal& who, const Structure& s,
                                const registry::TransitionRule& rule) const;
  Result<Structure> record_step(const Principal& who, const Structure& current,
                                std::int64_t expected_version, const std::string& event,
                                registry::Date date, const std::string& note, bool taken_over);
  Result<Structure> load_readable(const Principal& who, std::int64_t id) const;
  Result<std::vector<PortfolioAlert>> alerts_of(const std::vector<Structure>& structures,
                                                registry::Date today) const;
  Result<std::vector<Referent>> referents_of_area(const std::string& commune) const;
  /// The territory (INSEE codes) and the referents of each structure of a département.
  struct Surroundings {
    std::map<std::int64_t, std::vector<std::string>> territories;
    std::map<std::int64_t, std::vector<Referent>> referents;
  };
  Result<Surroundings> territories_and_referents(const std::vector<Structure>& structures,
                                                 const std::string& departement) const;
  [[nodiscard]] RegistryRepository repo() const;
  /// The structure with its stage label (the lifecycle's).
  [[nodiscard]] Structure labelled(Structure s) const;
  Result<Structure> load_in_tx(store::Tx& tx, std::int64_t id) const;

  store::Database* db_;
  const geo::Referentiel* ref_;
  registry::Lifecycles lifecycles_;
};

}  // namespace maillage::services
