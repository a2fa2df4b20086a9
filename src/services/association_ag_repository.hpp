// The SQL of the assemblées générales (tables of migration 0010): assemblies, their agenda, the
// frozen roll and émargement, proxies, votes and ballot counts, the convocation log. Rows are
// mapped by column name; writes take the caller's transaction. The frozen statuts of an open AG
// are stored as JSON (rules_to_json / rules_from_json).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/association.hpp"
#include "services/association_ag.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

struct AssemblyRow {
  std::int64_t id = 0, structure_id = 0;
  std::string kind, title, held_on, starts_at, ends_at, place, convocation, status;
  std::string convened_on, convened_how, rules, opened_at, closed_at;
  std::int64_t version = 0;
  std::string created_by, created_at, updated_by, updated_at;
};

struct ResolutionRow {
  std::int64_t id = 0, assembly_id = 0;
  int position = 0;
  std::string title, body, kind, ballot, outcome, explanation;
};

struct RollRow {
  std::int64_t member_id = 0;
  std::string college, presence;
};

struct ProxyRow {
  std::int64_t id = 0, giver_id = 0, holder_id = 0;
  bool online = false;
  std::string given_by, given_at;
};

struct VoteRow {
  std::int64_t resolution_id = 0, member_id = 0;
  std::string ballot;
};

struct BallotCountRow {
  std::int64_t resolution_id = 0;
  std::string college;
  int pour = 0, contre = 0, abstention = 0;
};

struct ConvocationRow {
  std::int64_t member_id = 0;  // 0: none (a letters record)
  std::string channel, address, status, detail, sent_on, sent_by, sent_at;
};

struct Outcome {
  std::int64_t resolution_id = 0;
  std::string outcome, explanation;
};

/// The statuts frozen at the opening of a séance, and back.
std::string rules_to_json(const StatutsInput& statuts);
Result<StatutsInput> rules_from_json(const std::string& text);

class AssemblyRepository {
 public:
  explicit AssemblyRepository(store::Database& db) : db_(&db) {}

  Result<std::vector<AssemblyRow>> assemblies(std::int64_t structure_id) const;
  Result<std::optional<AssemblyRow>> assembly(std::int64_t structure_id, std::int64_t id) const;
  Result<std::vector<ResolutionRow>> resolutions(std::int64_t assembly_id) const;
  /// Resolutions of every assembly of a structure (for the list: outcomes).
  Result<std::vector<ResolutionRow>> structure_resolutions(std::int64_t structure_id) const;
  Result<std::vector<RollRow>> roll(std::int64_t assembly_id) const;
  Result<std::vector<ProxyRow>> proxies(std::int64_t assembly_id) const;  // id order
  Result<std::vector<VoteRow>> votes(std::int64_t assembly_id) const;
  Result<std::vector<BallotCountRow>> counts(std::int64_t assembly_id) const;
  Result<std::vector<ConvocationRow>> convocations(std::int64_t assembly_id) const;

  /// Status and version of an assembly inside a transaction ("" when it does not exist).
  static Result<std::pair<std::string, std::int64_t>> state(store::Tx& tx,
                                                            std::int64_t assembly_id);
  static Result<std::int64_t> insert_assembly(store::Tx& tx, std::int64_t structure_id,
                                              const AssemblyInput& in, const std::string& by,
                                              const std::string& at);
  /// Optimistic: false when the version is not in.expected_version.
  static Result<bool> update_assembly(store::Tx& tx, std::int64_t assembly_id,
                                      const AssemblyInput& in, const std::string& by,
                                      const std::string& at);
  /// version + 1 (every change of an AG's content moves it).
  static Status touch(store::Tx& tx, std::int64_t assembly_id, const std::string& by,
                      const std::string& at);
  static Result<std::int64_t> insert_resolution(store::Tx& tx, std::int64_t assembly_id,
                                                const ResolutionInput& in);
  static Result<bool> delete_resolution(store::Tx& tx, std::int64_t assembly_id,
                                        std::int64_t resolution_id);
  static Status set_proxy(store::Tx& tx, std::int64_t assembly_id, std::int64_t giver,
                          std::int64_t holder, bool online, const std::string& by,
                          const std::string& at);
  static Result<bool> delete_proxy(store::Tx& tx, std::int64_t assembly_id, std::int64_t giver);
  static Status open(store::Tx& tx, std::int64_t assembly_id, const std::string& rules_json,
                     const std::vector<RollRow>& roll, const std::string& by,
                     const std::string& at);
  static Result<bool> mark(store::Tx& tx, std::int64_t assembly_id, std::int64_t member_id,
                           const std::string& presence, const std::string& by,
                           const std::string& at);
  static Status replace_votes(store::Tx& tx, std::int64_t resolution_id,
                              const std::vector<std::pair<std::int64_t, std::string>>& votes,
                              const std::vector<VotesInput::Count>& counts);
  static Status close(store::Tx& tx, std::int64_t assembly_id, const std::vector<Outcome>& outcomes,
                      const std::string& by, const std::string& at);
  static Status add_convocation(store::Tx& tx, std::int64_t assembly_id, const ConvocationRow& row);
  /// Sets the day the convocations left when none is recorded yet.
  static Status set_convened(store::Tx& tx, std::int64_t assembly_id, const std::string& sent_on,
                             const std::string& how);

 private:
  store::Database* db_;
};

}  // namespace maillage::services
