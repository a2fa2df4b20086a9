// The SQL of the animation territoriale (tables of migration 0014): partners with their communes,
// structures and contacts, interactions and their documents, actions with their partners, events
// and registrations. Rows are mapped by column name; writes take the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "common/error.hpp"
#include "services/animation.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

struct PartnerRow {
  std::int64_t id = 0;
  std::string name, kind, departement, siren, finess, address, email, phone, notes;
  std::int64_t follower_id = 0;
  std::string follower_name;
  std::int64_t version = 0;
  std::string created_by, created_at, updated_by, updated_at;
  std::vector<std::string> communes;
  std::vector<std::int64_t> structures;
  std::vector<PartnerContact> contacts;
};

struct InteractionRow {
  std::int64_t id = 0, partner_id = 0;
  std::string kind, held_on, title, notes, doc_filename, doc_content_type;
  std::int64_t doc_size = 0;
  std::string created_by, created_at;
};

struct ActionRow {
  std::int64_t id = 0;
  std::string departement;
  std::int64_t structure_id = 0;
  std::string title, kind, owner, target_public, starts_on, ends_on, status;
  int planned_reach = 0, actual_reach = -1;
  std::string description;
  std::int64_t version = 0;
  std::string created_by, created_at, updated_by, updated_at;
  std::vector<std::int64_t> partners;
};

struct EventRow {
  std::int64_t id = 0, action_id = 0;
  std::string title, held_on, starts_at, ends_at, place;
  int capacity = 0;
  std::string description;
  std::int64_t version = 0;
};

struct RegistrationRow {
  std::int64_t id = 0, event_id = 0;
  std::string name, email, category, organisation;
  std::int64_t partner_id = 0;
  std::string place, attendance;
  std::int64_t version = 0;
  std::string created_at;
};

struct StructureRef {
  std::int64_t id = 0;
  std::string name, departement;
};

struct UserRef {
  std::int64_t id = 0;
  std::string login, display_name, role;
};

class AnimationRepository {
 public:
  explicit AnimationRepository(store::Database& db) : db_(&db) {}

  /// Every partner (`departement` non-empty: of that département), with communes, structures and
  /// contacts.
  Result<std::vector<PartnerRow>> partners(const std::string& departement = "") const;
  Result<std::optional<PartnerRow>> partner(std::int64_t id) const;
  Result<std::vector<InteractionRow>> interactions(std::int64_t partner_id) const;
  /// Interaction counts and last date per partner.
  Result<std::vector<std::tuple<std::int64_t, int, std::string>>> interaction_stats() const;
  Result<std::optional<std::pair<InteractionRow, std::string>>> interaction_document(
      std::int64_t partner_id, std::int64_t id) const;

  Result<std::vector<ActionRow>> actions() const;
  Result<std::optional<ActionRow>> action(std::int64_t id) const;
  Result<std::vector<EventRow>> events() const;
  Result<std::optional<EventRow>> event(std::int64_t id) const;
  /// Registrations of one event (0: every event), in registration order.
  Result<std::vector<RegistrationRow>> registrations(std::int64_t event_id) const;

  Result<std::vector<StructureRef>> structures() const;
  Result<std::vector<UserRef>> users() const;

  static Result<std::int64_t> insert_partner(store::Tx& tx, const PartnerInput& in,
                                             const std::string& by, const std::string& at);
  /// Optimistic: false when the version is not in.expected_version.
  static Result<bool> update_partner(store::Tx& tx, std::int64_t id, const PartnerInput& in,
                                     const std::string& by, const std::string& at);
  static Status replace_partner_links(store::Tx& tx, std::int64_t id, const PartnerInput& in);
  static Result<std::int64_t> insert_interaction(store::Tx& tx, std::int64_t partner_id,
                                                 const InteractionInput& in,
                                                 const std::string& filename,
                                                 const std::string& base64, const std::string& by,
                                                 const std::string& at);

  static Result<std::int64_t> insert_action(store::Tx& tx, const ActionInput& in,
                                            const std::string& by, const std::string& at);
  static Result<bool> update_action(store::Tx& tx, std::int64_t id, const ActionInput& in,
                                    const std::string& by, const std::string& at);
  static Status replace_action_partners(store::Tx& tx, std::int64_t id,
                                        const std::vector<std::int64_t>& partners);

  static Result<std::int64_t> insert_event(store::Tx& tx, std::int64_t action_id,
                                           const EventInput& in, const std::string& by,
                                           const std::string& at);
  static Result<bool> update_event(store::Tx& tx, std::int64_t id, const EventInput& in,
                                   const std::string& by, const std::string& at);
  static Result<std::optional<EventRow>> event_in(store::Tx& tx, std::int64_t id);
  static Result<std::vector<RegistrationRow>> registrations_in(store::Tx& tx,
                                                               std::int64_t event_id);
  static Result<std::int64_t> insert_registration(store::Tx& tx, std::int64_t event_id,
                                                  const RegistrationInput& in,
                                                  const std::string& place, const std::string& by,
                                                  const std::string& at);
  static Status set_place(store::Tx& tx, std::int64_t id, const std::string& place,
                          const std::string& by, const std::string& at);
  static Status set_attendance(store::Tx& tx, std::int64_t id, const std::string& attendance,
                               const std::string& by, const std::string& at);

 private:
  store::Database* db_;
};

}  // namespace maillage::services
