// The SQL of the registry: structures, their transitions, milestones, documents, territory
// communes and referents (explicit ones and areas), and the audit high-water mark. Rows are mapped
// by column name. Reads go through the Database, writes through the caller's transaction; the use
// cases (services/registry*.cpp) keep validation, authorisation, transactions and audit.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "registry/alerts.hpp"
#include "services/registry.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

/// Which structures to list: every set member narrows the list.
struct StructureQuery {
  std::optional<std::string> departement;
  std::optional<std::vector<std::string>> departements;  // scope: one of these
  std::optional<std::vector<std::int64_t>> ids;          // scope: one of these
  std::optional<std::string> kind;
  std::optional<std::string> stage;
  ArchiveFilter archived = ArchiveFilter::active;
};

/// A lifecycle step as stored (for the history and the alerts).
struct TransitionRow {
  std::int64_t id = 0;
  std::int64_t structure_id = 0;
  registry::Transition step;
  std::string comment;
  std::string recorded_at;
};

struct MilestoneRow {
  std::int64_t structure_id = 0;
  std::string milestone;
  std::string date;  // as stored (AAAA-MM-JJ)
};

/// The referent areas of one département and its ROC accounts.
struct ReferentAreaRow {
  std::int64_t user_id = 0;
  std::string kind, code, label;
  Referent user;  // basis empty
};

class RegistryRepository {
 public:
  explicit RegistryRepository(store::Database& db) : db_(&db) {}

  // Structures come without their stage label (the lifecycle's, set by the service).
  Result<std::optional<Structure>> structure(std::int64_t id) const;
  Result<std::vector<Structure>> structures(const StructureQuery& q) const;
  Result<std::vector<TransitionRow>> transitions(std::int64_t structure_id) const;
  Result<std::vector<TransitionRow>> transitions(const std::vector<std::int64_t>& ids) const;
  Result<std::vector<MilestoneRow>> milestones(const std::vector<std::int64_t>& ids) const;
  Result<std::vector<DocumentInfo>> documents(std::int64_t structure_id) const;
  /// A document with its content as stored (base64), if it belongs to the structure.
  Result<std::optional<std::pair<DocumentInfo, std::string>>> document(
      std::int64_t structure_id, std::int64_t document_id) const;
  /// Communes of the structures' territories, sorted; empty before the territories migration.
  Result<std::map<std::int64_t, std::vector<std::string>>> territories(
      const std::vector<std::int64_t>& ids) const;
  Result<std::vector<ReferentAreaRow>> referent_areas(const std::string& departement) const;
  /// The referents and deputies of the sector plan in force (highest version), as areas of kind
  /// "secteur" / "secteur_suppleant" whose code is a commune and label the sector's name.
  Result<std::vector<ReferentAreaRow>> sector_areas(const std::string& departement) const;
  /// Active ROC accounts of a département, by login.
  Result<std::vector<Referent>> departement_rocs(const std::string& departement) const;
  /// Explicit referents of a structure (active users), by login.
  Result<std::vector<Referent>> structure_referents(std::int64_t structure_id) const;
  /// The explicit referents of each structure (active or not), by display name.
  Result<std::map<std::int64_t, std::vector<Referent>>> referent_names(
      const std::vector<std::int64_t>& ids) const;
  /// The active coordinator accounts attached to each structure, by display name.
  Result<std::map<std::int64_t, std::vector<NetworkAccount>>> coordinators(
      const std::vector<std::int64_t>& ids) const;
  /// The highest audit_log id (0 for none).
  Result<std::int64_t> last_audit_id() const;
  /// ACI contracts recorded for the structure (archiving asks for its closure first).
  Result<std::int64_t> contract_count(std::int64_t id) const;

  // Inside the caller's transaction.
  static Result<std::optional<Structure>> structure(store::Tx& tx, std::int64_t id);
  /// Inserts at `s.stage` and returns the new id.
  static Result<std::int64_t> insert_structure(store::Tx& tx, const Structure& s,
                                               const std::string& now);
  /// Writes the editable fields if still at `version`; rows changed (0 or 1).
  static Result<std::int64_t> update_fields(store::Tx& tx, const Structure& s, std::int64_t version,
                                            const std::string& now);
  static Result<std::int64_t> set_stage(store::Tx& tx, std::int64_t id, std::int64_t version,
                                        const std::string& stage, registry::Date since,
                                        const std::string& now);
  static Status add_transition(store::Tx& tx, std::int64_t id, const registry::Transition& t,
                               const std::string& comment, const std::string& now);
  static Status set_milestone(store::Tx& tx, std::int64_t id, const std::string& milestone,
                              registry::Date date, const std::string& user, const std::string& now);
  /// Inserts the document (content base64) and returns its id.
  static Result<std::int64_t> insert_document(store::Tx& tx, const DocumentInfo& d,
                                              const std::string& content_base64);
  static Result<std::int64_t> delete_structure(store::Tx& tx, std::int64_t id,
                                               std::int64_t version);
  static Status clear_structure_referents(store::Tx& tx, std::int64_t id);
  /// Archives (`archived`, dated `now`) or brings back the structure at `version`; bumps the
  /// version. Returns the rows changed (0: stale version).
  static Result<std::int64_t> set_archived(store::Tx& tx, std::int64_t id, std::int64_t version,
                                           bool archived, const std::string& by,
                                           const std::string& reason, const std::string& now);
  static Result<std::int64_t> add_structure_referent(store::Tx& tx, std::int64_t id,
                                                     std::int64_t user_id);
  static Status clear_referent_area(store::Tx& tx, std::int64_t user_id,
                                    const std::string& area_kind, const std::string& code);
  static Result<std::int64_t> add_referent_area(store::Tx& tx, std::int64_t user_id,
                                                const std::string& departement,
                                                const std::string& area_kind,
                                                const std::string& code, const std::string& label);

 private:
  store::Database* db_;
};

}  // namespace maillage::services
