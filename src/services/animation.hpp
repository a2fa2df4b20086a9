// Animation territoriale (issue 18 items 1, 2 and 6): the partner organisations of a territory and
// the action plan with its events.
//   - partners: name, kind (collectivité, contrat local de santé, hôpital, EHPAD, association,
//     URPS, autre), département, SIREN (Luhn key) and FINESS (format) when known, the communes they
//     serve (INSEE codes of the référentiel), the structures of the registry they work with, their
//     contacts, the user who follows them, and the dated interactions with them (meeting,
//     agreement, co-funded action, other) with one document each at most (the site's upload
//     rules, common/uploads.hpp);
//   - actions of a territory (a département) or of a structure: owner, partners, target public,
//     dates, status (prévue, en cours, réalisée, annulée), people reached planned and actual;
//   - events of an action: date, hours, place, capacity; registrations of members, professionals
//     of the territory and partners' staff (name, e-mail, profession or organisation) with the
//     waiting list of src/animation (a cancellation promotes the first waiting person); the
//     émargement (present / absent); the event as a calendar entry.
// Scopes (as the registry reads): admin and observer see everything; a ROC the partners and
// actions of its départements; ARS and chargé de mission those of the départements of their
// régions; a coordinator the partners linked to their structures and the actions of their
// structures; a member the actions and events of their structures only (no partner directory),
// and registers (or cancels) themself. Writes: admin; ROC, ARS and chargé de mission within their
// scope; a coordinator for their structures (a partner they create or edit keeps one of them).
// The observer never writes. Refusals: forbidden; stale versions: conflict; every write audited.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "geo/referentiel.hpp"
#include "services/association.hpp"
#include "services/association_ag.hpp"
#include "services/auth.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

class Registry;

/// Kinds of partner, kinds of interaction, kinds and statuses of action, categories of
/// registration: (id, French label), in display order.
const std::vector<Choice>& partner_kinds();
const std::vector<Choice>& interaction_kinds();
const std::vector<Choice>& action_kinds();
const std::vector<Choice>& action_statuses();
const std::vector<Choice>& registration_categories();

struct PartnerContact {
  std::string name, role, email, phone;
};

struct PartnerInput {
  std::string name, kind, departement, siren, finess, address, email, phone, notes;
  std::vector<std::string> communes;     // INSEE codes
  std::vector<std::int64_t> structures;  // registry ids
  std::vector<PartnerContact> contacts;
  std::int64_t follower_id = 0;  // a user, 0: nobody
  std::int64_t expected_version = 0;
};

struct Ref {
  std::string id;  // structure id or INSEE code
  std::string label;
};

struct PartnerSummary {
  std::int64_t id = 0;
  std::string name, kind, kind_label, departement, siren, finess;
  std::vector<Ref> communes, structures;
  std::int64_t follower_id = 0;
  std::string follower_name;
  int interactions = 0;
  std::string last_interaction;  // YYYY-MM-DD, "" when none
  std::int64_t version = 0;
};

struct InteractionInput {
  std::string kind, held_on, title, notes;
  std::string filename, content_type, bytes;  // no document when bytes is empty
};

struct InteractionView {
  std::int64_t id = 0, partner_id = 0;
  std::string kind, kind_label, held_on, title, notes;
  bool has_document = false;
  std::string filename, content_type;
  std::int64_t size = 0;
  std::string created_by, created_at;
};

struct ActionSummary {
  std::int64_t id = 0;
  std::string departement;
  std::int64_t structure_id = 0;  // 0: an action of the territory
  std::string structure_name;
  std::string title, kind, kind_label, owner, target_public, starts_on, ends_on;
  std::string status, status_label;
  int planned_reach = 0, actual_reach = -1;  // -1: not entered yet
  int reach_percent = 0;                     // actual over planned (0 when either is missing)
  int present = 0;                           // people marked present at its events
  int events = 0;
  std::vector<Ref> partners;
  std::int64_t version = 0;
};

struct PartnerView {
  PartnerSummary partner;
  std::string address, email, phone, notes;
  std::vector<PartnerContact> contacts;
  std::vector<InteractionView> interactions;  // most recent first
  std::vector<ActionSummary> actions;         // the actions naming it, that `who` sees
  std::string created_by, created_at, updated_by, updated_at;
  bool can_edit = false;
};

struct PartnerFilter {
  std::string q;            // part of the name (case and accents ignored)
  std::string kind;         // a kind id, "" : all
  std::string commune;      // an INSEE code served, "" : all
  std::string departement;  // "" : every département of the scope
};

struct PartnerList {
  std::vector<PartnerSummary> partners;  // by name
  bool can_create = false;
  std::vector<Choice> followers;   // users who may follow a partner (writers only)
  std::vector<Choice> structures;  // structures `who` may link (writers only)
  std::vector<std::string> departements;  // départements `who` may create partners in
};

struct ActionInput {
  std::string departement;        // the territory (taken from the structure when one is given)
  std::int64_t structure_id = 0;  // 0: an action of the territory
  std::string title, kind, owner, target_public, starts_on, ends_on, status = "prevue";
  int planned_reach = 0, actual_reach = -1;
  std::string description;
  std::vector<std::int64_t> partners;
  std::int64_t expected_version = 0;
};

struct ActionScope {
  std::string departement;        // the territory's actions and its structures'
  std::int64_t structure_id = 0;  // only this structure's (takes precedence)
};

struct EventSummary {
  std::int64_t id = 0, action_id = 0;
  std::string title, held_on, starts_at, ends_at, place;
  int capacity = 0, confirmed = 0, waiting = 0, present = 0, absent = 0;
  bool past = false;
  std::int64_t version = 0;
};

struct ActionList {
  ActionScope scope;
  std::string scope_label;  // "Moselle (57)", "CPTS …"
  std::vector<ActionSummary> actions;  // by start date, most recent first
  bool can_create = false;
  std::vector<Choice> partners;    // partners `who` sees (for the action form)
  std::vector<Choice> structures;  // structures `who` may plan actions for
  std::vector<EventSummary> upcoming;  // events to come of the listed actions
};

struct ActionView {
  ActionSummary action;
  std::string description;
  std::vector<EventSummary> events;  // by date
  std::vector<Choice> partner_choices;  // for the edit form (writers)
  std::string created_by, created_at, updated_by, updated_at;
  bool can_edit = false;
};

struct EventInput {
  std::string title, held_on, starts_at = "14:00", ends_at = "17:00", place, description;
  int capacity = 20;
  std::int64_t expected_version = 0;
};

struct RegistrationInput {
  std::string name, email, category = "professionnel", organisation;
  std::int64_t partner_id = 0;
};

struct RegistrationView {
  std::int64_t id = 0;
  std::string name, email, category, category_label, organisation;
  std::string partner_name;
  std::string place, place_label;  // inscrit, attente, annule
  int waiting_position = 0;
  std::string attendance;  // "", present, absent
  std::string created_at;
  bool mine = false;
  std::int64_t version = 0;
};

struct EventView {
  ActionSummary action;
  EventSummary event;
  std::string description;
  /// Managers: everyone (confirmed, then waiting, then cancelled, each in registration order);
  /// a member: their own registrations only.
  std::vector<RegistrationView> registrations;
  bool can_manage = false;
  bool can_register_self = false;  // a member not registered yet
  std::int64_t my_registration = 0;
  std::string my_place;
};

/// What a registration or a cancellation did.
struct RegistrationOutcome {
  RegistrationView registration;
  std::vector<RegistrationView> promoted;  // taken from the waiting list
};

struct AttendanceMark {
  std::int64_t registration_id = 0;
  std::string attendance;  // present, absent, "" (not marked)
};

class Animation {
 public:
  Animation(store::Database& db, Registry& registry, const geo::Referentiel& ref)
      : db_(&db), registry_(&registry), ref_(&ref) {}

  // Partners -----------------------------------------------------------------------------------
  Result<PartnerList> partners(const Principal& who, const PartnerFilter& filter) const;
  Result<PartnerView> partner(const Principal& who, std::int64_t id) const;
  /// Errors name the field (name, kind, siren, finess, communes[2], structures[0], contacts[1].email…).
  Result<PartnerView> create_partner(const Principal& who, const PartnerInput& in);
  Result<PartnerView> update_partner(const Principal& who, std::int64_t id, const PartnerInput& in);
  /// `max_bytes` bounds the document.
  Result<InteractionView> add_interaction(const Principal& who, std::int64_t partner_id,
                                          const InteractionInput& in, std::size_t max_bytes);
  /// The interaction with its document's bytes (not_found when it has none).
  Result<std::pair<InteractionView, std::string>> interaction_document(
      const Principal& who, std::int64_t partner_id, std::int64_t interaction_id) const;

  // Actions and events ------------------------------------------------------------------------
  Result<ActionList> actions(const Principal& who, const ActionScope& scope) const;
  Result<ActionView> action(const Principal& who, std::int64_t id) const;
  Result<ActionView> create_action(const Principal& who, const ActionInput& in);
  /// Title, kind, owner, public, dates, status, reach, partners (the territory stays).
  Result<ActionView> update_action(const Principal& who, std::int64_t id, const ActionInput& in);
  Result<EventView> create_event(const Principal& who, std::int64_t action_id,
                                 const EventInput& in);
  /// A capacity raised promotes from the waiting list; never under the confirmed seats.
  Result<EventView> update_event(const Principal& who, std::int64_t event_id, const EventInput& in);
  Result<EventView> event(const Principal& who, std::int64_t event_id) const;
  /// Managers register anyone; a member of the event's structure registers themself (their
  /// login is the e-mail, the other fields optional). Seat or waiting list by src/animation.
  Result<RegistrationOutcome> register_person(const Principal& who, std::int64_t event_id,
                                              const RegistrationInput& in);
  /// Managers, or the person themself (a member whose login is the registration's e-mail).
  /// Promotes the first waiting person when a confirmed seat frees.
  Result<RegistrationOutcome> cancel_registration(const Principal& who, std::int64_t event_id,
                                                  std::int64_t registration_id);
  /// Managers: présent / absent of confirmed registrations.
  Result<EventView> mark_attendance(const Principal& who, std::int64_t event_id,
                                    const std::vector<AttendanceMark>& marks);
  /// The event as a calendar entry (everyone who sees it).
  Result<CalendarEvent> calendar_event(const Principal& who, std::int64_t event_id) const;

 private:
  store::Database* db_;
  Registry* registry_;
  const geo::Referentiel* ref_;
};

}  // namespace maillage::services
