// Animation territoriale (see animation.hpp): partners and their interactions, actions, events and
// their registrations. Who gets a seat is src/animation's decision; this file checks scopes,
// validates, writes with its audit row, and composes the views.
#include "services/animation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "animation/identifiers.hpp"
#include "animation/registration.hpp"
#include "common/base64.hpp"
#include "common/dates.hpp"
#include "common/try.hpp"
#include "common/uploads.hpp"
#include "geo/text.hpp"
#include "services/animation_repository.hpp"
#include "services/association_work_internal.hpp"
#include "services/registry.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::AuditDetail;
using store::Tx;

const std::vector<Choice>& partner_kinds() {
  static const std::vector<Choice> v{{"collectivite", "Collectivité territoriale"},
                                     {"cls", "Contrat local de santé"},
                                     {"hopital", "Hôpital"},
                                     {"ehpad", "EHPAD"},
                                     {"association", "Association"},
                                     {"urps", "URPS"},
                                     {"autre", "Autre"}};
  return v;
}
const std::vector<Choice>& interaction_kinds() {
  static const std::vector<Choice> v{{"reunion", "Réunion"},
                                     {"convention", "Convention"},
                                     {"action_cofinancee", "Action cofinancée"},
                                     {"autre", "Autre échange"}};
  return v;
}
const std::vector<Choice>& action_kinds() {
  static const std::vector<Choice> v{{"aller_vers", "Action de prévention « aller vers »"},
                                     {"information", "Réunion d'information"},
                                     {"formation", "Journée de formation"},
                                     {"autre", "Autre action"}};
  return v;
}
const std::vector<Choice>& action_statuses() {
  static const std::vector<Choice> v{{"prevue", "Prévue"},
                                     {"en_cours", "En cours"},
                                     {"realisee", "Réalisée"},
                                     {"annulee", "Annulée"}};
  return v;
}
const std::vector<Choice>& registration_categories() {
  static const std::vector<Choice> v{{"membre", "Membre de la structure"},
                                     {"professionnel", "Professionnel du territoire"},
                                     {"partenaire", "Personnel d'un partenaire"}};
  return v;
}

namespace {

using work::trim;

std::string label_of(const std::vector<Choice>& list, const std::string& id) {
  for (const auto& c : list) {
    if (c.id == id) return c.label;
  }
  return id;
}
bool known(const std::vector<Choice>& list, const std::string& id) {
  return std::any_of(list.begin(), list.end(), [&](const Choice& c) { return c.id == id; });
}

tl::unexpected<Error> invalid(const std::string& message, const std::string& field) {
  return fail(ErrorCode::invalid_input, message, field);
}
Status text_max(const std::string& v, std::size_t max, const std::string& field) {
  if (v.size() > max) return invalid(fmt::format("{} caractères au plus.", max), field);
  return {};
}
tl::unexpected<Error> partner_not_found() {
  return fail(ErrorCode::not_found, "Ce partenaire n'existe pas.", "partenaire");
}
tl::unexpected<Error> action_not_found() {
  return fail(ErrorCode::not_found, "Cette action n'existe pas.", "action");
}
tl::unexpected<Error> event_not_found() {
  return fail(ErrorCode::not_found, "Cet événement n'existe pas.", "evenement");
}
tl::unexpected<Error> out_of_scope(const std::string& what) {
  return fail(ErrorCode::forbidden, what + " n'est pas dans votre périmètre.");
}
tl::unexpected<Error> stale(const std::string& what) {
  return fail(ErrorCode::conflict,
              what + " a été modifié(e) entre-temps : rechargez la page avant d'enregistrer.",
              "version");
}

bool has_structure(const Principal& who, std::int64_t id) {
  return std::find(who.structures.begin(), who.structures.end(), id) != who.structures.end();
}

// What the caller may do, given the référentiel's régions.
struct Scope {
  const Principal& who;
  const Registry& registry;
  std::map<std::int64_t, StructureRef> structures;

  [[nodiscard]] bool covers_dep(const std::string& dep) const {
    return covers_departement(who, dep,
                              [this](std::string_view d) { return registry.region_of(d); });
  }
  [[nodiscard]] bool staff() const {
    return who.role == Role::admin || who.role == Role::roc || who.role == Role::ars ||
           who.role == Role::charge_de_mission;
  }
  [[nodiscard]] bool reads_partner(const PartnerRow& p) const {
    switch (who.role) {
      case Role::admin:
      case Role::observer:
        return true;
      case Role::roc:
      case Role::ars:
      case Role::charge_de_mission:
        return covers_dep(p.departement);
      case Role::coordinator:
        return std::any_of(p.structures.begin(), p.structures.end(),
                           [&](std::int64_t s) { return has_structure(who, s); });
      case Role::member:
        return false;
    }
    return false;
  }
  [[nodiscard]] bool writes_partner(const PartnerRow& p) const {
    if (who.role == Role::observer || who.role == Role::member) return false;
    return reads_partner(p);
  }
  [[nodiscard]] std::string structure_dep(std::int64_t id) const {
    auto it = structures.find(id);
    return it == structures.end() ? "" : it->second.departement;
  }
  [[nodiscard]] bool reads_structure(std::int64_t id) const {
    auto it = structures.find(id);
    if (it == structures.end()) return false;
    return covers_structure(who, id, it->second.departement,
                            [this](std::string_view d) { return registry.region_of(d); });
  }
  [[nodiscard]] bool writes_structure(std::int64_t id) const {
    if (who.role == Role::observer || who.role == Role::member) return false;
    if (who.role == Role::coordinator) return has_structure(who, id);
    return reads_structure(id);
  }
  [[nodiscard]] bool reads_action(const ActionRow& a) const {
    if (a.structure_id > 0) return reads_structure(a.structure_id);
    if (who.role == Role::coordinator || who.role == Role::member) return false;
    return covers_dep(a.departement);
  }
  [[nodiscard]] bool writes_action(const ActionRow& a) const {
    if (a.structure_id > 0) return writes_structure(a.structure_id);
    return staff() && covers_dep(a.departement);
  }
  [[nodiscard]] std::string structure_name(std::int64_t id) const {
    auto it = structures.find(id);
    return it == structures.end() ? fmt::format("structure n° {}", id) : it->second.name;
  }
};

Result<Scope> scope_of(store::Database& db, const Principal& who, const Registry& registry) {
  Scope s{who, registry, {}};
  for (auto& r : MAILLAGE_TRY(AnimationRepository(db).structures())) s.structures[r.id] = r;
  return s;
}

std::string commune_label(const geo::Referentiel& ref, const std::string& code) {
  const auto* c = ref.commune(code);
  return c ? c->nom + " (" + code + ")" : code;
}

PartnerSummary summary_of(const PartnerRow& p, const Scope& s, const geo::Referentiel& ref,
                          const std::map<std::int64_t, std::pair<int, std::string>>& stats) {
  PartnerSummary v;
  v.id = p.id;
  v.name = p.name;
  v.kind = p.kind;
  v.kind_label = label_of(partner_kinds(), p.kind);
  v.departement = p.departement;
  v.siren = p.siren;
  v.finess = p.finess;
  for (const auto& c : p.communes) v.communes.push_back({c, commune_label(ref, c)});
  for (auto id : p.structures) {
    // A structure outside the caller's scope is not named.
    if (s.reads_structure(id)) v.structures.push_back({std::to_string(id), s.structure_name(id)});
  }
  v.follower_id = p.follower_id;
  v.follower_name = p.follower_name;
  if (auto it = stats.find(p.id); it != stats.end()) {
    v.interactions = it->second.first;
    v.last_interaction = it->second.second;
  }
  v.version = p.version;
  return v;
}

InteractionView interaction_view(const InteractionRow& r) {
  InteractionView v;
  v.id = r.id;
  v.partner_id = r.partner_id;
  v.kind = r.kind;
  v.kind_label = label_of(interaction_kinds(), r.kind);
  v.held_on = r.held_on;
  v.title = r.title;
  v.notes = r.notes;
  v.has_document = r.doc_size > 0;
  v.filename = r.doc_filename;
  v.content_type = r.doc_content_type;
  v.size = r.doc_size;
  v.created_by = r.created_by;
  v.created_at = r.created_at;
  return v;
}

std::vector<animation::Seat> seats_of(const std::vector<RegistrationRow>& rows) {
  std::vector<animation::Seat> out;
  for (const auto& r : rows) {
    out.push_back({r.id, r.email,
                   animation::place_from_id(r.place).value_or(animation::Place::cancelled)});
  }
  return out;
}

EventSummary event_summary(const EventRow& e, const std::vector<RegistrationRow>& regs,
                           const std::string& today) {
  EventSummary s;
  s.id = e.id;
  s.action_id = e.action_id;
  s.title = e.title;
  s.held_on = e.held_on;
  s.starts_at = e.starts_at;
  s.ends_at = e.ends_at;
  s.place = e.place;
  s.capacity = e.capacity;
  s.version = e.version;
  s.past = e.held_on < today;
  for (const auto& r : regs) {
    if (r.event_id != e.id) continue;
    if (r.place == "inscrit") ++s.confirmed;
    if (r.place == "attente") ++s.waiting;
    if (r.place == "inscrit" && r.attendance == "present") ++s.present;
    if (r.place == "inscrit" && r.attendance == "absent") ++s.absent;
  }
  return s;
}

ActionSummary action_summary(const ActionRow& a, const Scope& s,
                             const std::map<std::int64_t, std::string>& partner_names,
                             const std::vector<EventRow>& events,
                             const std::vector<RegistrationRow>& regs) {
  ActionSummary v;
  v.id = a.id;
  v.departement = a.departement;
  v.structure_id = a.structure_id;
  if (a.structure_id > 0) v.structure_name = s.structure_name(a.structure_id);
  v.title = a.title;
  v.kind = a.kind;
  v.kind_label = label_of(action_kinds(), a.kind);
  v.owner = a.owner;
  v.target_public = a.target_public;
  v.starts_on = a.starts_on;
  v.ends_on = a.ends_on;
  v.status = a.status;
  v.status_label = label_of(action_statuses(), a.status);
  v.planned_reach = a.planned_reach;
  v.actual_reach = a.actual_reach;
  if (a.actual_reach >= 0) v.reach_percent = animation::reach(a.planned_reach, a.actual_reach).percent;
  std::set<std::int64_t> own;
  for (const auto& e : events) {
    if (e.action_id == a.id) {
      ++v.events;
      own.insert(e.id);
    }
  }
  for (const auto& r : regs) {
    if (own.count(r.event_id) && r.place == "inscrit" && r.attendance == "present") ++v.present;
  }
  for (auto p : a.partners) {
    // Partners the caller does not see stay unnamed.
    if (auto it = partner_names.find(p); it != partner_names.end()) {
      v.partners.push_back({std::to_string(p), it->second});
    }
  }
  v.version = a.version;
  return v;
}

// Partners `who` reads, by id → name.
Result<std::map<std::int64_t, std::string>> visible_partner_names(store::Database& db,
                                                                  const Scope& s) {
  std::map<std::int64_t, std::string> out;
  if (s.who.role == Role::member) return out;
  for (const auto& p : MAILLAGE_TRY(AnimationRepository(db).partners())) {
    if (s.reads_partner(p)) out[p.id] = p.name;
  }
  return out;
}

RegistrationView registration_view(const RegistrationRow& r,
                                   const std::vector<animation::Seat>& seats,
                                   const std::map<std::int64_t, std::string>& partner_names,
                                   const Principal& who) {
  RegistrationView v;
  v.id = r.id;
  v.name = r.name;
  v.email = r.email;
  v.category = r.category;
  v.category_label = label_of(registration_categories(), r.category);
  v.organisation = r.organisation;
  if (auto it = partner_names.find(r.partner_id); it != partner_names.end()) {
    v.partner_name = it->second;
  }
  v.place = r.place;
  v.place_label = r.place == "inscrit" ? "Inscrit(e)"
                  : r.place == "attente" ? "Liste d'attente"
                                         : "Annulé";
  v.waiting_position = animation::waiting_position(seats, r.id);
  v.attendance = r.attendance;
  v.created_at = r.created_at;
  v.mine = animation::normalise_email(who.login) == r.email;
  v.version = r.version;
  return v;
}

Status check_time(const std::string& t, const std::string& field) {
  if (!work::valid_time(t)) return invalid("Heure attendue au format HH:MM.", field);
  return {};
}

}  // namespace

// Partners ----------------------------------------------------------------------------------------

namespace {

Status check_partner(PartnerInput& in, const Scope& s, const geo::Referentiel& ref,
                     const std::vector<UserRef>& users, bool creating) {
  in.name = trim(in.name);
  in.address = trim(in.address);
  in.email = animation::normalise_email(in.email);
  in.phone = trim(in.phone);
  in.notes = trim(in.notes);
  if (in.name.empty()) return invalid("Donnez le nom du partenaire.", "name");
  MAILLAGE_CHECK(text_max(in.name, 200, "name"));
  if (!known(partner_kinds(), in.kind)) return invalid("Type de partenaire inconnu.", "kind");
  if (creating) {
    in.departement = trim(in.departement);
    if (ref.departement(in.departement) == nullptr) {
      return invalid("Département inconnu du référentiel.", "departement");
    }
    if (s.staff() && !s.covers_dep(in.departement)) {
      return fail(ErrorCode::forbidden, "Ce département n'est pas dans votre périmètre.",
                  "departement");
    }
  }
  if (!trim(in.siren).empty()) {
    auto v = animation::normalise_siren(in.siren);
    if (!v) return invalid("Numéro SIREN invalide : 9 chiffres dont une clé de contrôle (Luhn).", "siren");
    in.siren = *v;
  } else {
    in.siren.clear();
  }
  if (!trim(in.finess).empty()) {
    auto v = animation::normalise_finess(in.finess);
    if (!v) {
      return invalid("Numéro FINESS attendu : 9 caractères, le département (2A/2B en Corse) puis "
                     "7 chiffres.",
                     "finess");
    }
    in.finess = *v;
  } else {
    in.finess.clear();
  }
  if (!in.email.empty() && !animation::plausible_email(in.email)) {
    return invalid("Adresse électronique invalide.", "email");
  }
  MAILLAGE_CHECK(text_max(in.address, 500, "address"));
  MAILLAGE_CHECK(text_max(in.phone, 40, "phone"));
  MAILLAGE_CHECK(text_max(in.notes, 5000, "notes"));
  if (in.communes.size() > 500) return invalid("500 communes au plus.", "communes");
  std::set<std::string> communes;
  for (std::size_t i = 0; i < in.communes.size(); ++i) {
    const std::string code = trim(in.communes[i]);
    if (ref.commune(code) == nullptr) {
      return invalid("Code INSEE inconnu du référentiel : « " + code + " ».",
                     fmt::format("communes[{}]", i));
    }
    communes.insert(code);
  }
  in.communes.assign(communes.begin(), communes.end());
  std::set<std::int64_t> structures;
  for (std::size_t i = 0; i < in.structures.size(); ++i) {
    const auto id = in.structures[i];
    if (!s.reads_structure(id)) {
      return invalid("Structure inconnue ou hors de votre périmètre.",
                     fmt::format("structures[{}]", i));
    }
    structures.insert(id);
  }
  in.structures.assign(structures.begin(), structures.end());
  if (s.who.role == Role::coordinator &&
      std::none_of(in.structures.begin(), in.structures.end(),
                   [&](std::int64_t id) { return has_structure(s.who, id); })) {
    return invalid("Reliez le partenaire à au moins une de vos structures.", "structures");
  }
  if (in.contacts.size() > 50) return invalid("50 contacts au plus.", "contacts");
  for (std::size_t i = 0; i < in.contacts.size(); ++i) {
    auto& c = in.contacts[i];
    const std::string field = fmt::format("contacts[{}]", i);
    c.name = trim(c.name);
    c.role = trim(c.role);
    c.email = animation::normalise_email(c.email);
    c.phone = trim(c.phone);
    if (c.name.empty()) return invalid("Donnez le nom du contact.", field + ".name");
    MAILLAGE_CHECK(text_max(c.name, 200, field + ".name"));
    MAILLAGE_CHECK(text_max(c.role, 200, field + ".role"));
    MAILLAGE_CHECK(text_max(c.phone, 40, field + ".phone"));
    if (!c.email.empty() && !animation::plausible_email(c.email)) {
      return invalid("Adresse électronique invalide.", field + ".email");
    }
  }
  if (in.follower_id != 0) {
    auto it = std::find_if(users.begin(), users.end(),
                           [&](const UserRef& u) { return u.id == in.follower_id; });
    if (it == users.end() || it->role == "member" || it->role == "observer") {
      return invalid("Ce compte ne peut pas suivre un partenaire.", "follower_id");
    }
  }
  return {};
}

std::vector<Choice> follower_choices(const std::vector<UserRef>& users) {
  std::vector<Choice> out;
  for (const auto& u : users) {
    if (u.role == "member" || u.role == "observer") continue;
    out.push_back({std::to_string(u.id), u.display_name});
  }
  return out;
}

}  // namespace

Result<PartnerList> Animation::partners(const Principal& who, const PartnerFilter& f) const {
  if (who.role == Role::member) {
    return fail(ErrorCode::forbidden,
                "L'annuaire des partenaires est réservé à la coordination et aux institutions.");
  }
  const Scope s = MAILLAGE_TRY(scope_of(*db_, who, *registry_));
  const AnimationRepository repo(*db_);
  std::map<std::int64_t, std::pair<int, std::string>> stats;
  for (const auto& [id, n, last] : MAILLAGE_TRY(repo.interaction_stats())) stats[id] = {n, last};
  PartnerList out;
  const std::string q = geo::fold_name(trim(f.q));
  for (const auto& p : MAILLAGE_TRY(repo.partners(trim(f.departement)))) {
    if (!s.reads_partner(p)) continue;
    if (!f.kind.empty() && p.kind != f.kind) continue;
    if (!f.commune.empty() &&
        std::find(p.communes.begin(), p.communes.end(), f.commune) == p.communes.end()) {
      continue;
    }
    if (!q.empty() && geo::fold_name(p.name).find(q) == std::string::npos) continue;
    out.partners.push_back(summary_of(p, s, *ref_, stats));
  }
  out.can_create = who.role != Role::observer;
  if (out.can_create) {
    out.followers = follower_choices(MAILLAGE_TRY(repo.users()));
    for (const auto& [id, st] : s.structures) {
      if (s.writes_structure(id)) out.structures.push_back({std::to_string(id), st.name});
    }
    std::sort(out.structures.begin(), out.structures.end(),
              [](const Choice& a, const Choice& b) { return a.label < b.label; });
    for (const auto& d : ref_->departements) {
      if (who.role == Role::coordinator) {
        // A coordinator's partners sit in their structures' départements.
        for (auto sid : who.structures) {
          if (s.structure_dep(sid) == d.code) {
            out.departements.push_back(d.code);
            break;
          }
        }
      } else if (s.covers_dep(d.code)) {
        out.departements.push_back(d.code);
      }
    }
  }
  return out;
}

Result<PartnerView> Animation::partner(const Principal& who, std::int64_t id) const {
  const AnimationRepository repo(*db_);
  auto row = MAILLAGE_TRY(repo.partner(id));
  if (!row) return partner_not_found();
  const Scope s = MAILLAGE_TRY(scope_of(*db_, who, *registry_));
  if (!s.reads_partner(*row)) return out_of_scope("Ce partenaire");
  PartnerView v;
  const auto interactions = MAILLAGE_TRY(repo.interactions(id));
  std::map<std::int64_t, std::pair<int, std::string>> stats;
  if (!interactions.empty()) {
    stats[id] = {static_cast<int>(interactions.size()), interactions.front().held_on};
  }
  v.partner = summary_of(*row, s, *ref_, stats);
  v.address = row->address;
  v.email = row->email;
  v.phone = row->phone;
  v.notes = row->notes;
  v.contacts = row->contacts;
  for (const auto& i : interactions) v.interactions.push_back(interaction_view(i));
  const auto names = MAILLAGE_TRY(visible_partner_names(*db_, s));
  const auto events = MAILLAGE_TRY(repo.events());
  const auto regs = MAILLAGE_TRY(repo.registrations(0));
  for (const auto& a : MAILLAGE_TRY(repo.actions())) {
    if (std::find(a.partners.begin(), a.partners.end(), id) == a.partners.end()) continue;
    if (!s.reads_action(a)) continue;
    v.actions.push_back(action_summary(a, s, names, events, regs));
  }
  v.created_by = row->created_by;
  v.created_at = row->created_at;
  v.updated_by = row->updated_by;
  v.updated_at = row->updated_at;
  v.can_edit = s.writes_partner(*row);
  return v;
}

Result<PartnerView> Animation::create_partner(const Principal& who, const PartnerInput& raw) {
  if (who.role == Role::observer || who.role == Role::member) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas créer de partenaire.");
  }
  const Scope s = MAILLAGE_TRY(scope_of(*db_, who, *registry_));
  const AnimationRepository repo(*db_);
  PartnerInput in = raw;
  MAILLAGE_CHECK(check_partner(in, s, *ref_, MAILLAGE_TRY(repo.users()), true));
  if (who.role == Role::coordinator) {
    // The partner's département is one of the coordinator's structures'.
    bool ok = false;
    for (auto sid : who.structures) ok = ok || s.structure_dep(sid) == in.departement;
    if (!ok) {
      return fail(ErrorCode::forbidden, "Ce département n'est pas celui de vos structures.",
                  "departement");
    }
  }
  const std::string at = store::timestamp_now();
  std::int64_t id = 0;
  const Status written = db_->transact([&](Tx& tx) -> Status {
    id = MAILLAGE_TRY(AnimationRepository::insert_partner(tx, in, who.login, at));
    MAILLAGE_CHECK(AnimationRepository::replace_partner_links(tx, id, in));
    return store::audit(tx, {who.login, "partner.create", "partner", std::to_string(id), "",
                             AuditDetail{}
                                 .add("name", in.name)
                                 .add("kind", in.kind)
                                 .add("departement", in.departement)
                                 .add("communes", in.communes.size())
                                 .add("structures", in.structures.size())
                                 .json()});
  });
  MAILLAGE_CHECK(written);
  return partner(who, id);
}

Result<PartnerView> Animation::update_partner(const Principal& who, std::int64_t id,
                                              const PartnerInput& raw) {
  const AnimationRepository repo(*db_);
  auto row = MAILLAGE_TRY(repo.partner(id));
  if (!row) return partner_not_found();
  const Scope s = MAILLAGE_TRY(scope_of(*db_, who, *registry_));
  if (!s.reads_partner(*row)) return out_of_scope("Ce partenaire");
  if (!s.writes_partner(*row)) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas modifier ce partenaire.");
  }
  PartnerInput in = raw;
  in.departement = row->departement;
  // Links to structures the caller does not see are kept as they are.
  for (auto sid : row->structures) {
    if (!s.reads_structure(sid)) in.structures.push_back(sid);
  }
  // Checked with the structures the caller sees only (kept ones are re-added below).
  PartnerInput checked = in;
  checked.structures.erase(std::remove_if(checked.structures.begin(), checked.structures.end(),
                                          [&](std::int64_t x) { return !s.reads_structure(x); }),
                           checked.structures.end());
  MAILLAGE_CHECK(check_partner(checked, s, *ref_, MAILLAGE_TRY(repo.users()), false));
  for (auto sid : row->structures) {
    if (!s.reads_structure(sid)) checked.structures.push_back(sid);
  }
  checked.departement = row->departement;
  const std::string at = store::timestamp_now();
  const Status written = db_->transact([&](Tx& tx) -> Status {
    if (!MAILLAGE_TRY(AnimationRepository::update_partner(tx, id, checked, who.login, at))) {
      return stale("Ce partenaire");
    }
    MAILLAGE_CHECK(AnimationRepository::replace_partner_links(tx, id, checked));
    return store::audit(
        tx, {who.login, "partner.update", "partner", std::to_string(id),
             AuditDetail{}.add("name", row->name).add("communes", row->communes.size()).json(),
             AuditDetail{}.add("name", checked.name).add("communes", checked.communes.size()).json()});
  });
  MAILLAGE_CHECK(written);
  return partner(who, id);
}

Result<InteractionView> Animation::add_interaction(const Principal& who, std::int64_t partner_id,
                                                   const InteractionInput& raw,
                                                   std::size_t max_bytes) {
  const AnimationRepository repo(*db_);
  auto row = MAILLAGE_TRY(repo.partner(partner_id));
  if (!row) return partner_not_found();
  const Scope s = MAILLAGE_TRY(scope_of(*db_, who, *registry_));
  if (!s.reads_partner(*row)) return out_of_scope("Ce partenaire");
  if (!s.writes_partner(*row)) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas enregistrer d'échange avec ce partenaire.");
  }
  InteractionInput in = raw;
  in.title = trim(in.title);
  in.notes = trim(in.notes);
  if (!known(interaction_kinds(), in.kind)) return invalid("Type d'échange inconnu.", "kind");
  if (!parse_date(in.held_on)) return invalid("Date attendue au format AAAA-MM-JJ.", "held_on");
  if (in.title.empty()) return invalid("Donnez un objet à l'échange.", "title");
  MAILLAGE_CHECK(text_max(in.title, 300, "title"));
  MAILLAGE_CHECK(text_max(in.notes, 20000, "notes"));
  std::string filename, encoded;
  if (!in.bytes.empty() || !in.filename.empty()) {
    if (in.bytes.empty()) return invalid("Le fichier est vide.", "document");
    if (!is_accepted_upload_type(in.content_type)) {
      return invalid("Type de fichier non accepté (" + accepted_upload_labels() + ").",
                     "document_type");
    }
    if (in.bytes.size() > max_bytes) {
      return fail(ErrorCode::body_too_large,
                  fmt::format("Le fichier dépasse la taille maximale ({} octets).", max_bytes),
                  "document");
    }
    if (auto problem = upload_content_problem(in.content_type, in.bytes)) {
      return invalid("Fichier refusé : " + *problem + ".", "document");
    }
    filename = safe_upload_filename(in.filename);
    MAILLAGE_CHECK(text_max(filename, 200, "document_name"));
    encoded = base64::encode(in.bytes);
  }
  const std::string at = store::timestamp_now();
  std::int64_t id = 0;
  const Status written = db_->transact([&](Tx& tx) -> Status {
    id = MAILLAGE_TRY(AnimationRepository::insert_interaction(tx, partner_id, in, filename,
                                                              encoded, who.login, at));
    return store::audit(tx, {who.login, "partner.interaction.add", "partner",
                             std::to_string(partner_id), "",
                             AuditDetail{}
                                 .add("interaction", id)
                                 .add("kind", in.kind)
                                 .add("held_on", in.held_on)
                                 .add("document", filename)
                                 .add("size", in.bytes.size())
                                 .json()});
  });
  MAILLAGE_CHECK(written);
  for (const auto& i : MAILLAGE_TRY(repo.interactions(partner_id))) {
    if (i.id == id) return interaction_view(i);
  }
  return fail(ErrorCode::internal, "Échange enregistré mais introuvable.");
}

Result<std::pair<InteractionView, std::string>> Animation::interaction_document(
    const Principal& who, std::int64_t partner_id, std::int64_t interaction_id) const {
  const AnimationRepository repo(*db_);
  auto row = MAILLAGE_TRY(repo.partner(partner_id));
  if (!row) return partner_not_found();
  const Scope s = MAILLAGE_TRY(scope_of(*db_, who, *registry_));
  if (!s.reads_partner(*row)) return out_of_scope("Ce partenaire");
  auto doc = MAILLAGE_TRY(repo.interaction_document(partner_id, interaction_id));
  if (!doc || doc->first.doc_size == 0) {
    return fail(ErrorCode::not_found, "Cet échange n'a pas de document.", "interaction");
  }
  auto bytes = base64::decode(doc->second);
  if (!bytes) return fail(ErrorCode::internal, "Document illisible.");
  return std::make_pair(interaction_view(doc->first), std::move(*bytes));
}

// Actions -----------------------------------------------------------------------------------------

namespace {

Status check_action(ActionInput& in, const Scope& s, const geo::Referentiel& ref,
                    const std::map<std::int64_t, std::string>& partner_names, bool creating) {
  in.title = trim(in.title);
  in.owner = trim(in.owner);
  in.target_public = trim(in.target_public);
  in.description = trim(in.description);
  if (creating) {
    if (in.structure_id > 0) {
      if (!s.reads_structure(in.structure_id)) {
        return fail(ErrorCode::forbidden, "Cette structure n'est pas dans votre périmètre.",
                    "structure_id");
      }
      in.departement = s.structure_dep(in.structure_id);
    } else {
      in.structure_id = 0;
      in.departement = trim(in.departement);
      if (ref.departement(in.departement) == nullptr) {
        return invalid("Département inconnu du référentiel.", "departement");
      }
    }
  }
  if (in.title.empty()) return invalid("Donnez un intitulé à l'action.", "title");
  MAILLAGE_CHECK(text_max(in.title, 200, "title"));
  if (!known(action_kinds(), in.kind)) return invalid("Type d'action inconnu.", "kind");
  if (!known(action_statuses(), in.status)) return invalid("Statut inconnu.", "status");
  MAILLAGE_CHECK(text_max(in.owner, 200, "owner"));
  MAILLAGE_CHECK(text_max(in.target_public, 300, "target_public"));
  MAILLAGE_CHECK(text_max(in.description, 10000, "description"));
  if (!parse_date(in.starts_on)) return invalid("Date attendue au format AAAA-MM-JJ.", "starts_on");
  if (in.ends_on.empty()) in.ends_on = in.starts_on;
  if (!parse_date(in.ends_on) || in.ends_on < in.starts_on) {
    return invalid("Date de fin au format AAAA-MM-JJ, au plus tôt le jour du début.", "ends_on");
  }
  if (in.planned_reach < 0 || in.planned_reach > 10000000) {
    return invalid("Nombre de personnes à toucher : 0 ou plus.", "planned_reach");
  }
  if (in.actual_reach < -1 || in.actual_reach > 10000000) {
    return invalid("Nombre de personnes touchées : 0 ou plus (vide : pas encore connu).",
                   "actual_reach");
  }
  std::set<std::int64_t> partners;
  for (std::size_t i = 0; i < in.partners.size(); ++i) {
    if (!partner_names.count(in.partners[i])) {
      return invalid("Partenaire inconnu ou hors de votre périmètre.",
                     fmt::format("partners[{}]", i));
    }
    partners.insert(in.partners[i]);
  }
  in.partners.assign(partners.begin(), partners.end());
  return {};
}

}  // namespace

Result<ActionList> Animation::actions(const Principal& who, const ActionScope& scope) const {
  const Scope s = MAILLAGE_TRY(scope_of(*db_, who, *registry_));
  ActionList out;
  out.scope = scope;
  if (scope.structure_id > 0) {
    if (!s.structures.count(scope.structure_id)) {
      return fail(ErrorCode::not_found, "Cette structure n'existe pas.", "structure");
    }
    if (!s.reads_structure(scope.structure_id)) return out_of_scope("Cette structure");
    out.scope_label = s.structure_name(scope.structure_id);
    out.can_create = s.writes_structure(scope.structure_id);
  } else {
    const auto* d = ref_->departement(scope.departement);
    if (d == nullptr) return fail(ErrorCode::not_found, "Département inconnu.", "departement");
    if (!s.covers_dep(scope.departement) && who.role != Role::coordinator &&
        who.role != Role::member) {
      return out_of_scope("Ce département");
    }
    out.scope_label = d->nom + " (" + d->code + ")";
    out.can_create = s.staff() && s.covers_dep(scope.departement);
  }
  const AnimationRepository repo(*db_);
  const auto names = MAILLAGE_TRY(visible_partner_names(*db_, s));
  const auto events = MAILLAGE_TRY(repo.events());
  const auto regs = MAILLAGE_TRY(repo.registrations(0));
  std::set<std::int64_t> listed;
  for (const auto& a : MAILLAGE_TRY(repo.actions())) {
    if (!s.reads_action(a)) continue;
    if (scope.structure_id > 0 ? a.structure_id != scope.structure_id
                               : a.departement != scope.departement) {
      continue;
    }
    out.actions.push_back(action_summary(a, s, names, events, regs));
    listed.insert(a.id);
  }
  const std::string today = format_date(today_utc());
  for (const auto& e : events) {
    if (listed.count(e.action_id) && e.held_on >= today) {
      out.upcoming.push_back(event_summary(e, regs, today));
    }
  }
  if (out.can_create) {
    for (const auto& [id, name] : names) out.partners.push_back({std::to_string(id), name});
    std::sort(out.partners.begin(), out.partners.end(),
              [](const Choice& a, const Choice& b) { return a.label < b.label; });
    for (const auto& [id, st] : s.structures) {
      if (s.writes_structure(id) && (scope.structure_id > 0 ? id == scope.structure_id
                                                            : st.departement == scope.departement)) {
        out.structures.push_back({std::to_string(id), st.name});
      }
    }
  }
  return out;
}

Result<ActionView> Animation::action(const Principal& who, std::int64_t id) const {
  const AnimationRepository repo(*db_);
  auto row = MAILLAGE_TRY(repo.action(id));
  if (!row) return action_not_found();
  const Scope s = MAILLAGE_TRY(scope_of(*db_, who, *registry_));
  if (!s.reads_action(*row)) return out_of_scope("Cette action");
  const auto names = MAILLAGE_TRY(visible_partner_names(*db_, s));
  const auto events = MAILLAGE_TRY(repo.events());
  const auto regs = MAILLAGE_TRY(repo.registrations(0));
  ActionView v;
  v.action = action_summary(*row, s, names, events, regs);
  v.description = row->description;
  const std::string today = format_date(today_utc());
  for (const auto& e : events) {
    if (e.action_id == id) v.events.push_back(event_summary(e, regs, today));
  }
  v.can_edit = s.writes_action(*row);
  if (v.can_edit) {
    for (const auto& [pid, name] : names) v.partner_choices.push_back({std::to_string(pid), name});
  }
  v.created_by = row->created_by;
  v.created_at = row->created_at;
  v.updated_by = row->updated_by;
  v.updated_at = row->updated_at;
  return v;
}

Result<ActionView> Animation::create_action(const Principal& who, const ActionInput& raw) {
  if (who.role == Role::observer || who.role == Role::member) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas créer d'action.");
  }
  const Scope s = MAILLAGE_TRY(scope_of(*db_, who, *registry_));
  ActionInput in = raw;
  MAILLAGE_CHECK(check_action(in, s, *ref_, MAILLAGE_TRY(visible_partner_names(*db_, s)), true));
  ActionRow probe;
  probe.structure_id = in.structure_id;
  probe.departement = in.departement;
  if (!s.writes_action(probe)) {
    return fail(ErrorCode::forbidden,
                in.structure_id > 0
                    ? "Vous ne pouvez pas planifier d'action pour cette structure."
                    : "Vous ne pouvez pas planifier d'action pour ce territoire.",
                in.structure_id > 0 ? "structure_id" : "departement");
  }
  const std::string at = store::timestamp_now();
  std::int64_t id = 0;
  const Status written = db_->transact([&](Tx& tx) -> Status {
    id = MAILLAGE_TRY(AnimationRepository::insert_action(tx, in, who.login, at));
    MAILLAGE_CHECK(AnimationRepository::replace_action_partners(tx, id, in.partners));
    return store::audit(tx, {who.login, "animation.action.create", "animation_action",
                             std::to_string(id), "",
                             AuditDetail{}
                                 .add("title", in.title)
                                 .add("departement", in.departement)
                                 .add("structure", in.structure_id)
                                 .add("status", in.status)
                                 .add("partners", in.partners.size())
                                 .json()});
  });
  MAILLAGE_CHECK(written);
  return action(who, id);
}

Result<ActionView> Animation::update_action(const Principal& who, std::int64_t id,
                                            const ActionInput& raw) {
  const AnimationRepository repo(*db_);
  auto row = MAILLAGE_TRY(repo.action(id));
  if (!row) return action_not_found();
  const Scope s = MAILLAGE_TRY(scope_of(*db_, who, *registry_));
  if (!s.reads_action(*row)) return out_of_scope("Cette action");
  if (!s.writes_action(*row)) return fail(ErrorCode::forbidden, "Vous ne pouvez pas modifier cette action.");
  const auto names = MAILLAGE_TRY(visible_partner_names(*db_, s));
  ActionInput in = raw;
  in.structure_id = row->structure_id;
  in.departement = row->departement;
  MAILLAGE_CHECK(check_action(in, s, *ref_, names, false));
  // Partners the caller does not see stay linked.
  for (auto p : row->partners) {
    if (!names.count(p)) in.partners.push_back(p);
  }
  const std::string at = store::timestamp_now();
  const Status written = db_->transact([&](Tx& tx) -> Status {
    if (!MAILLAGE_TRY(AnimationRepository::update_action(tx, id, in, who.login, at))) {
      return stale("Cette action");
    }
    MAILLAGE_CHECK(AnimationRepository::replace_action_partners(tx, id, in.partners));
    return store::audit(tx, {who.login, "animation.action.update", "animation_action",
                             std::to_string(id),
                             AuditDetail{}
                                 .add("title", row->title)
                                 .add("status", row->status)
                                 .add("actual_reach", row->actual_reach)
                                 .json(),
                             AuditDetail{}
                                 .add("title", in.title)
                                 .add("status", in.status)
                                 .add("actual_reach", in.actual_reach)
                                 .json()});
  });
  MAILLAGE_CHECK(written);
  return action(who, id);
}

// Events ------------------------------------------------------------------------------------------

namespace {

Status check_event(EventInput& in) {
  in.title = trim(in.title);
  in.place = trim(in.place);
  in.description = trim(in.description);
  if (in.title.empty()) return invalid("Donnez un intitulé à l'événement.", "title");
  MAILLAGE_CHECK(text_max(in.title, 200, "title"));
  if (!parse_date(in.held_on)) return invalid("Date attendue au format AAAA-MM-JJ.", "held_on");
  MAILLAGE_CHECK(check_time(in.starts_at, "starts_at"));
  MAILLAGE_CHECK(check_time(in.ends_at, "ends_at"));
  if (in.ends_at <= in.starts_at) return invalid("L'heure de fin suit l'heure de début.", "ends_at");
  MAILLAGE_CHECK(text_max(in.place, 300, "place"));
  MAILLAGE_CHECK(text_max(in.description, 10000, "description"));
  if (in.capacity < 1 || in.capacity > 10000) {
    return invalid("Capacité : de 1 à 10 000 places.", "capacity");
  }
  return {};
}

}  // namespace

Result<EventView> Animation::event(const Principal& who, std::int64_t event_id) const {
  const AnimationRepository repo(*db_);
  auto e = MAILLAGE_TRY(repo.event(event_id));
  if (!e) return event_not_found();
  auto a = MAILLAGE_TRY(repo.action(e->action_id));
  if (!a) return event_not_found();
  const Scope s = MAILLAGE_TRY(scope_of(*db_, who, *registry_));
  if (!s.reads_action(*a)) return out_of_scope("Cet événement");
  const auto names = MAILLAGE_TRY(visible_partner_names(*db_, s));
  const auto regs = MAILLAGE_TRY(repo.registrations(event_id));
  const auto seats = seats_of(regs);
  EventView v;
  v.action = action_summary(*a, s, names, {*e}, regs);
  const std::string today = format_date(today_utc());
  v.event = event_summary(*e, regs, today);
  v.description = e->description;
  v.can_manage = s.writes_action(*a);
  const std::string me = animation::normalise_email(who.login);
  for (const auto& place : {"inscrit", "attente", "annule"}) {
    for (const auto& r : regs) {
      if (r.place != place) continue;
      if (!v.can_manage && r.email != me) continue;
      v.registrations.push_back(registration_view(r, seats, names, who));
      if (r.email == me && r.place != "annule") {
        v.my_registration = r.id;
        v.my_place = r.place;
      }
    }
  }
  v.can_register_self = who.role == Role::member && a->structure_id > 0 &&
                        has_structure(who, a->structure_id) && v.my_registration == 0 &&
                        !v.event.past;
  return v;
}

Result<EventView> Animation::create_event(const Principal& who, std::int64_t action_id,
                                          const EventInput& raw) {
  const AnimationRepository repo(*db_);
  auto a = MAILLAGE_TRY(repo.action(action_id));
  if (!a) return action_not_found();
  const Scope s = MAILLAGE_TRY(scope_of(*db_, who, *registry_));
  if (!s.reads_action(*a)) return out_of_scope("Cette action");
  if (!s.writes_action(*a)) return fail(ErrorCode::forbidden, "Vous ne pouvez pas ajouter d'événement à cette action.");
  EventInput in = raw;
  MAILLAGE_CHECK(check_event(in));
  const std::string at = store::timestamp_now();
  std::int64_t id = 0;
  const Status written = db_->transact([&](Tx& tx) -> Status {
    id = MAILLAGE_TRY(AnimationRepository::insert_event(tx, action_id, in, who.login, at));
    return store::audit(tx, {who.login, "animation.event.create", "animation_event",
                             std::to_string(id), "",
                             AuditDetail{}
                                 .add("action", action_id)
                                 .add("title", in.title)
                                 .add("held_on", in.held_on)
                                 .add("capacity", in.capacity)
                                 .json()});
  });
  MAILLAGE_CHECK(written);
  return event(who, id);
}

Result<EventView> Animation::update_event(const Principal& who, std::int64_t event_id,
                                          const EventInput& raw) {
  auto current = MAILLAGE_TRY(event(who, event_id));
  if (!current.can_manage) return fail(ErrorCode::forbidden, "Vous ne pouvez pas modifier cet événement.");
  EventInput in = raw;
  MAILLAGE_CHECK(check_event(in));
  const std::string at = store::timestamp_now();
  const Status written = db_->transact([&](Tx& tx) -> Status {
    const auto seats = seats_of(MAILLAGE_TRY(AnimationRepository::registrations_in(tx, event_id)));
    MAILLAGE_CHECK(animation::check_capacity(seats, in.capacity));
    if (!MAILLAGE_TRY(AnimationRepository::update_event(tx, event_id, in, who.login, at))) {
      return stale("Cet événement");
    }
    const auto promoted = animation::promotions(seats, in.capacity);
    for (auto p : promoted) {
      MAILLAGE_CHECK(AnimationRepository::set_place(tx, p, "inscrit", who.login, at));
    }
    return store::audit(tx, {who.login, "animation.event.update", "animation_event",
                             std::to_string(event_id),
                             AuditDetail{}
                                 .add("held_on", current.event.held_on)
                                 .add("capacity", current.event.capacity)
                                 .json(),
                             AuditDetail{}
                                 .add("held_on", in.held_on)
                                 .add("capacity", in.capacity)
                                 .add("promoted", promoted.size())
                                 .json()});
  });
  MAILLAGE_CHECK(written);
  return event(who, event_id);
}

Result<RegistrationOutcome> Animation::register_person(const Principal& who, std::int64_t event_id,
                                                       const RegistrationInput& raw) {
  auto current = MAILLAGE_TRY(event(who, event_id));
  RegistrationInput in = raw;
  if (!current.can_manage) {
    const bool self = who.role == Role::member && current.action.structure_id > 0 &&
                      has_structure(who, current.action.structure_id);
    if (!self) return fail(ErrorCode::forbidden, "Vous ne pouvez pas inscrire à cet événement.");
    if (current.event.past) {
      return fail(ErrorCode::invalid_transition, "Cet événement est passé.", "evenement");
    }
    // A member registers themself only.
    in.name = who.display_name.empty() ? who.login : who.display_name;
    in.email = who.login;
    in.category = "membre";
    in.partner_id = 0;
  }
  in.name = trim(in.name);
  in.organisation = trim(in.organisation);
  in.email = animation::normalise_email(in.email);
  if (in.name.empty()) return invalid("Donnez le nom de la personne.", "name");
  MAILLAGE_CHECK(text_max(in.name, 200, "name"));
  MAILLAGE_CHECK(text_max(in.organisation, 200, "organisation"));
  if (!known(registration_categories(), in.category)) {
    return invalid("Catégorie inconnue.", "category");
  }
  if (in.partner_id != 0) {
    const Scope s = MAILLAGE_TRY(scope_of(*db_, who, *registry_));
    const auto names = MAILLAGE_TRY(visible_partner_names(*db_, s));
    if (!names.count(in.partner_id)) return invalid("Partenaire inconnu.", "partner_id");
  }
  const std::string at = store::timestamp_now();
  std::int64_t id = 0;
  animation::Admission admission;
  const Status written = db_->transact([&](Tx& tx) -> Status {
    auto e = MAILLAGE_TRY(AnimationRepository::event_in(tx, event_id));
    if (!e) return event_not_found();
    const auto seats = seats_of(MAILLAGE_TRY(AnimationRepository::registrations_in(tx, event_id)));
    admission = MAILLAGE_TRY(animation::admit(seats, e->capacity, in.email));
    id = MAILLAGE_TRY(AnimationRepository::insert_registration(
        tx, event_id, in, std::string(animation::place_id(admission.place)), who.login, at));
    return store::audit(tx, {who.login, "animation.registration.create", "animation_event",
                             std::to_string(event_id), "",
                             AuditDetail{}
                                 .add("registration", id)
                                 .add("email", in.email)
                                 .add("category", in.category)
                                 .add("place", animation::place_id(admission.place))
                                 .json()});
  });
  MAILLAGE_CHECK(written);
  auto after = MAILLAGE_TRY(event(who, event_id));
  RegistrationOutcome out;
  for (const auto& r : after.registrations) {
    if (r.id == id) out.registration = r;
  }
  return out;
}

Result<RegistrationOutcome> Animation::cancel_registration(const Principal& who,
                                                           std::int64_t event_id,
                                                           std::int64_t registration_id) {
  auto current = MAILLAGE_TRY(event(who, event_id));
  const RegistrationView* target = nullptr;
  for (const auto& r : current.registrations) {
    if (r.id == registration_id) target = &r;
  }
  if (target == nullptr) {
    return fail(ErrorCode::not_found, "Cette inscription n'existe pas pour cet événement.",
                "inscription");
  }
  if (!current.can_manage && !target->mine) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez annuler que votre propre inscription.");
  }
  if (target->place == "annule") {
    return fail(ErrorCode::invalid_transition, "Cette inscription est déjà annulée.", "inscription");
  }
  const std::string at = store::timestamp_now();
  std::vector<std::int64_t> promoted;
  const Status written = db_->transact([&](Tx& tx) -> Status {
    auto e = MAILLAGE_TRY(AnimationRepository::event_in(tx, event_id));
    if (!e) return event_not_found();
    auto seats = seats_of(MAILLAGE_TRY(AnimationRepository::registrations_in(tx, event_id)));
    bool found = false;
    for (auto& seat : seats) {
      if (seat.id != registration_id) continue;
      if (seat.place == animation::Place::cancelled) {
        return fail(ErrorCode::invalid_transition, "Cette inscription est déjà annulée.",
                    "inscription");
      }
      seat.place = animation::Place::cancelled;
      found = true;
    }
    if (!found) return fail(ErrorCode::not_found, "Cette inscription n'existe pas.", "inscription");
    MAILLAGE_CHECK(AnimationRepository::set_place(tx, registration_id, "annule", who.login, at));
    promoted = animation::promotions(seats, e->capacity);
    for (auto p : promoted) {
      MAILLAGE_CHECK(AnimationRepository::set_place(tx, p, "inscrit", who.login, at));
    }
    AuditDetail after;
    after.add("registration", registration_id).add("promoted", promoted.size());
    if (!promoted.empty()) after.add("promoted_registration", promoted.front());
    return store::audit(tx, {who.login, "animation.registration.cancel", "animation_event",
                             std::to_string(event_id), "", after.json()});
  });
  MAILLAGE_CHECK(written);
  // The caller may not see the promoted registrations (a member): the admin view of the rows.
  const AnimationRepository repo(*db_);
  const auto regs = MAILLAGE_TRY(repo.registrations(event_id));
  const auto seats = seats_of(regs);
  RegistrationOutcome out;
  for (const auto& r : regs) {
    if (r.id == registration_id) out.registration = registration_view(r, seats, {}, who);
    if (current.can_manage && std::find(promoted.begin(), promoted.end(), r.id) != promoted.end()) {
      out.promoted.push_back(registration_view(r, seats, {}, who));
    }
  }
  return out;
}

Result<EventView> Animation::mark_attendance(const Principal& who, std::int64_t event_id,
                                             const std::vector<AttendanceMark>& marks) {
  auto current = MAILLAGE_TRY(event(who, event_id));
  if (!current.can_manage) {
    return fail(ErrorCode::forbidden, "L'émargement est tenu par les organisateurs.");
  }
  std::map<std::int64_t, std::string> places;
  for (const auto& r : current.registrations) places[r.id] = r.place;
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < marks.size(); ++i) {
    const auto& m = marks[i];
    const std::string field = fmt::format("marks[{}]", i);
    auto it = places.find(m.registration_id);
    if (it == places.end()) return invalid("Inscription inconnue pour cet événement.", field + ".registration_id");
    if (it->second != "inscrit") {
      return invalid("Seules les personnes inscrites (pas en attente ni annulées) émargent.",
                     field + ".registration_id");
    }
    if (!seen.insert(m.registration_id).second) {
      return invalid("Présence donnée deux fois pour cette personne.", field + ".registration_id");
    }
    if (m.attendance != "present" && m.attendance != "absent" && !m.attendance.empty()) {
      return invalid("Présence : présent, absent ou non renseignée.", field + ".attendance");
    }
  }
  const std::string at = store::timestamp_now();
  const Status written = db_->transact([&](Tx& tx) -> Status {
    int present = 0;
    for (const auto& m : marks) {
      MAILLAGE_CHECK(
          AnimationRepository::set_attendance(tx, m.registration_id, m.attendance, who.login, at));
      present += m.attendance == "present" ? 1 : 0;
    }
    return store::audit(tx, {who.login, "animation.attendance", "animation_event",
                             std::to_string(event_id), "",
                             AuditDetail{}.add("marks", marks.size()).add("present", present).json()});
  });
  MAILLAGE_CHECK(written);
  return event(who, event_id);
}

Result<CalendarEvent> Animation::calendar_event(const Principal& who, std::int64_t event_id) const {
  auto v = MAILLAGE_TRY(event(who, event_id));
  CalendarEvent e;
  e.uid = fmt::format("evenement-{}@maillage", event_id);
  e.day = v.event.held_on;
  e.start = v.event.starts_at;
  e.end = v.event.ends_at;
  e.summary = v.event.title;
  e.location = v.event.place;
  e.description = v.action.title + (v.description.empty() ? "" : "\n" + v.description);
  return e;
}

}  // namespace maillage::services
