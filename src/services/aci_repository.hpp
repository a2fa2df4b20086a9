// The SQL of the ACI area (contracts, indicator versions, measured values, dialogue de gestion
// workspaces and what they hold). Rows are mapped by column name. Reads run on the Database or,
// inside a transaction, on its Tx; writes need the Tx (the use cases own transactions and audit).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/error.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

struct AciContractRecord {
  std::int64_t id = 0;
  std::int64_t structure_id = 0;
  std::string structure_name;
  std::string departement;
  std::string reference;
  std::string kind;
  std::string accord;
  std::string signature;
  std::string size_class;
  std::string document;  // terms (JSON text, as stored)
  std::string communes;  // INSEE codes separated by commas
  std::int64_t version = 0;
  std::string updated_at;
  std::string updated_by;
};

struct AciVersionRecord {
  std::int64_t number = 0;
  std::string indicators;  // JSON text
  std::string reason;
  int year = 0;
  std::string agreed_by;
  std::string agreed_role;
  std::string created_at;
};

struct AciMeasureRecord {
  std::optional<double> value;
  std::int64_t version = 0;
  std::string updated_at;
  std::string updated_by;
};
using AciMeasureKey = std::tuple<std::string, std::string, int>;  // mission, indicator, year
using AciMeasures = std::map<AciMeasureKey, AciMeasureRecord>;

struct AciWorkspaceRecord {
  std::int64_t id = 0;
  std::string dialogue_date;
  std::string minutes;
  std::int64_t version = 0;
  std::string updated_at;
  std::string updated_by;
};

struct AciCommentRecord {
  std::int64_t id = 0;
  std::string item;
  std::string author_login;
  std::string author_name;
  std::string author_role;
  std::string body;
  std::string created_at;
};

struct AciAttachmentRecord {
  std::int64_t id = 0;
  std::string item;
  std::string filename;
  std::string content_type;
  std::int64_t size_bytes = 0;
  std::string uploaded_by;
  std::string created_at;
};

struct AciBudgetRecord {
  std::string envelope;
  std::int64_t received_cents = 0;
  std::int64_t spent_cents = 0;
  std::int64_t version = 0;
};

struct AciFicheRecord {
  std::int64_t id = 0;
  std::string mission;
  std::string title;
  std::string description;
  std::string status;
  std::int64_t version = 0;
  std::string updated_at;
  std::string updated_by;
};

struct AciAdjustmentRecord {
  std::int64_t id = 0;
  std::string mission;
  std::string indicator;
  std::string fact;
  std::string fact_label;
  double fact_before = 0;
  double fact_after = 0;
  std::string rationale;
  std::string proposed_by;
  std::string proposed_role;
  std::string created_at;
};

struct AciStoredFile {
  std::string filename;
  std::string content_type;
  std::string content_base64;
};

struct AciNewContract {
  std::int64_t structure_id = 0;
  std::string reference, kind, accord, signature, size_class, document, communes;
};

class AciRepository {
 public:
  explicit AciRepository(store::Database& db) : db_(&db) {}
  explicit AciRepository(store::Tx& tx) : tx_(&tx) {}

  // Contracts ---------------------------------------------------------------------------------
  Result<std::optional<AciContractRecord>> contract(std::int64_t id);
  /// Ids of every contract, by département, structure name, signature.
  Result<std::vector<std::int64_t>> contract_ids();
  /// CPTS contracts (id, structure, reference, document), by id.
  Result<std::vector<AciContractRecord>> cpts_contracts();
  struct StructureKind {
    std::string departement;
    std::string kind;
    std::string name;
    std::string stage;
    std::int64_t id = 0;
  };
  /// CPTS and MSP (the kinds with an ACI), by département and name.
  Result<std::vector<StructureKind>> contract_structures();
  /// The structure's territory (structure_communes), sorted.
  Result<std::vector<std::string>> territory(std::int64_t structure_id);
  Result<std::optional<StructureKind>> structure(std::int64_t structure_id);
  Result<std::vector<AciVersionRecord>> versions(std::int64_t contract_id);
  Result<AciMeasures> measures(std::int64_t contract_id);

  Result<std::int64_t> insert_contract(const AciNewContract& c, const std::string& now,
                                       const std::string& login);
  Status insert_version(std::int64_t contract_id, std::int64_t number,
                        const std::string& indicators, const std::string& reason, int year,
                        const std::string& login, const std::string& role, const std::string& now);
  /// Rows changed (0: stale version).
  Result<std::int64_t> update_contract(std::int64_t id, std::int64_t version,
                                       const AciNewContract& c, const std::string& now,
                                       const std::string& login);

  // Measured values ----------------------------------------------------------------------------
  struct MeasureState {
    std::int64_t version = 0;
    std::optional<double> measured;
  };
  Result<std::optional<MeasureState>> measure(std::int64_t contract_id, const AciMeasureKey& key);
  Status insert_measure(std::int64_t contract_id, const AciMeasureKey& key,
                        std::optional<double> value, const std::string& now,
                        const std::string& login);
  Result<std::int64_t> update_measure(std::int64_t contract_id, const AciMeasureKey& key,
                                      std::optional<double> value, std::int64_t version,
                                      const std::string& now, const std::string& login);

  // Workspaces ---------------------------------------------------------------------------------
  Result<std::optional<AciWorkspaceRecord>> workspace(std::int64_t contract_id, int year);
  Result<std::optional<AciWorkspaceRecord>> workspace_by_id(std::int64_t workspace_id);
  Result<std::int64_t> insert_workspace(std::int64_t contract_id, int year, const std::string& now,
                                        const std::string& login);
  Result<std::int64_t> update_workspace(std::int64_t workspace_id, std::int64_t version,
                                        const std::string& dialogue_date,
                                        const std::string& minutes, const std::string& now,
                                        const std::string& login);
  /// (year, date) of the workspaces of a contract with a dialogue date.
  Result<std::vector<std::pair<int, std::string>>> dialogue_dates(std::int64_t contract_id);
  /// Money received recorded on the contract (any year, any envelope), in cents: a payment is
  /// recorded once this is above zero.
  Result<std::int64_t> received_cents(std::int64_t contract_id);

  Result<std::vector<AciCommentRecord>> comments(std::int64_t workspace_id);
  Result<std::int64_t> insert_comment(std::int64_t workspace_id, const AciCommentRecord& c);
  Result<std::vector<AciAttachmentRecord>> attachments(std::int64_t workspace_id);
  Result<std::int64_t> insert_attachment(std::int64_t workspace_id, const AciAttachmentRecord& a,
                                         const std::string& content_base64);
  Result<std::optional<AciStoredFile>> attachment_file(std::int64_t attachment_id,
                                                       std::int64_t contract_id, int year);

  Result<std::vector<AciBudgetRecord>> budget(std::int64_t workspace_id);
  Result<std::optional<AciBudgetRecord>> budget_line(std::int64_t workspace_id,
                                                     const std::string& envelope);
  Status insert_budget(std::int64_t workspace_id, const AciBudgetRecord& b, const std::string& now,
                       const std::string& login);
  Result<std::int64_t> update_budget(std::int64_t workspace_id, const AciBudgetRecord& b,
                                     std::int64_t version, const std::string& now,
                                     const std::string& login);

  Result<std::vector<AciFicheRecord>> fiches(std::int64_t workspace_id);
  Result<std::int64_t> insert_fiche(std::int64_t workspace_id, const AciFicheRecord& f,
                                    const std::string& now, const std::string& login);
  /// The fiche if it belongs to that contract year.
  Result<std::optional<AciFicheRecord>> fiche(std::int64_t fiche_id, std::int64_t contract_id,
                                              int year);
  Result<std::int64_t> update_fiche(const AciFicheRecord& f, std::int64_t version,
                                    const std::string& now, const std::string& login);

  Result<std::vector<AciAdjustmentRecord>> adjustments(std::int64_t workspace_id);
  Result<std::int64_t> insert_adjustment(std::int64_t workspace_id, const AciAdjustmentRecord& a);

 private:
  store::Database* db_ = nullptr;
  store::Tx* tx_ = nullptr;
};

}  // namespace maillage::services
