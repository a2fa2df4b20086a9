// The SQL of association life: statuts (association_statuts, _colleges, _placement), members and
// their history, tariffs and payments. Rows are mapped by column name; writes take the caller's
// transaction. The use cases (services/association*.cpp) keep validation, authorisation,
// transactions and audit.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/association.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

struct StructureHead {
  std::int64_t id = 0;
  std::string kind, name, departement;
};

struct StoredStatuts {
  StatutsInput statuts;  // expected_version = stored version
  std::string updated_by, updated_at;
};

struct MemberRow {
  std::int64_t id = 0, structure_id = 0;
  MemberInput data;  // expected_version = stored version
  std::string created_by, created_at, updated_by, updated_at;
};

struct PaymentRow {
  std::int64_t id = 0, member_id = 0;
  std::string paid_on;
  std::int64_t amount_cents = 0;
  std::string method, reference;
  std::optional<int> covers_year;
  std::string created_by, created_at;
};

struct TariffRow {
  int year = 0;
  std::string college, profession;
  std::int64_t amount_cents = 0;
};

class AssociationRepository {
 public:
  explicit AssociationRepository(store::Database& db) : db_(&db) {}

  Result<std::optional<StructureHead>> structure(std::int64_t id) const;
  Result<std::optional<StoredStatuts>> statuts(std::int64_t structure_id) const;
  Result<std::vector<MemberRow>> members(std::int64_t structure_id) const;
  Result<std::optional<MemberRow>> member(std::int64_t structure_id, std::int64_t id) const;
  /// The member record whose e-mail is `email` (case folded), if any.
  Result<std::optional<MemberRow>> member_by_email(std::int64_t structure_id,
                                                   const std::string& email) const;
  Result<std::vector<MemberChange>> history(std::int64_t member_id) const;
  Result<std::vector<TariffRow>> tariffs(std::int64_t structure_id) const;
  Result<std::vector<PaymentRow>> payments(std::int64_t structure_id) const;

  /// Version of the stored statuts inside the transaction (0 when none).
  static Result<std::int64_t> statuts_version(store::Tx& tx, std::int64_t structure_id);
  static Status replace_statuts(store::Tx& tx, std::int64_t structure_id, const StatutsInput& in,
                                std::int64_t version, const std::string& by, const std::string& at);
  static Result<std::int64_t> insert_member(store::Tx& tx, std::int64_t structure_id,
                                            const MemberInput& in, const std::string& by,
                                            const std::string& at);
  /// Optimistic: false when the stored version is not in.expected_version.
  static Result<bool> update_member(store::Tx& tx, std::int64_t structure_id, std::int64_t id,
                                    const MemberInput& in, const std::string& by,
                                    const std::string& at);
  static Status replace_tariffs(store::Tx& tx, std::int64_t structure_id, int year,
                                const std::vector<NewTariff>& tariffs);
  static Result<std::int64_t> insert_payment(store::Tx& tx, std::int64_t structure_id,
                                             const NewPayment& in, const std::string& by,
                                             const std::string& at);
  static Status add_history(store::Tx& tx, std::int64_t member_id, std::int64_t structure_id,
                            const std::string& at, const std::string& by, const std::string& action,
                            const std::string& detail);

 private:
  store::Database* db_;
};

}  // namespace maillage::services
