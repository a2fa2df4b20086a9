#include "services/animation_repository.hpp"

#include <map>

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::NamedRow;
using store::Tx;
using store::Value;

namespace {

Value id_or_null(std::int64_t id) { return id > 0 ? Value{id} : Value{nullptr}; }

constexpr const char* kPartnerColumns =
    "p.id, p.name, p.kind, p.departement, p.siren, p.finess, p.address, p.email, p.phone, "
    "p.notes, p.follower_id, COALESCE(u.display_name, '') AS follower_name, p.version, "
    "p.created_by, p.created_at, p.updated_by, p.updated_at FROM partners p "
    "LEFT JOIN users u ON u.id = p.follower_id";

PartnerRow partner_row(const NamedRow& r) {
  PartnerRow p;
  p.id = r.integer("id");
  p.name = r.text("name");
  p.kind = r.text("kind");
  p.departement = r.text("departement");
  p.siren = r.text("siren");
  p.finess = r.text("finess");
  p.address = r.text("address");
  p.email = r.text("email");
  p.phone = r.text("phone");
  p.notes = r.text("notes");
  p.follower_id = r.integer("follower_id");
  p.follower_name = r.text("follower_name");
  p.version = r.integer("version");
  p.created_by = r.text("created_by");
  p.created_at = r.text("created_at");
  p.updated_by = r.text("updated_by");
  p.updated_at = r.text("updated_at");
  return p;
}

InteractionRow interaction_row(const NamedRow& r) {
  InteractionRow i;
  i.id = r.integer("id");
  i.partner_id = r.integer("partner_id");
  i.kind = r.text("kind");
  i.held_on = r.text("held_on");
  i.title = r.text("title");
  i.notes = r.text("notes");
  i.doc_filename = r.text("doc_filename");
  i.doc_content_type = r.text("doc_content_type");
  i.doc_size = r.integer("doc_size");
  i.created_by = r.text("created_by");
  i.created_at = r.text("created_at");
  return i;
}

constexpr const char* kInteractionColumns =
    "id, partner_id, kind, held_on, title, notes, doc_filename, doc_content_type, doc_size, "
    "created_by, created_at";

constexpr const char* kActionColumns =
    "id, departement, structure_id, title, kind, owner, target_public, starts_on, ends_on, "
    "status, planned_reach, actual_reach, description, version, created_by, created_at, "
    "updated_by, updated_at";

ActionRow action_row(const NamedRow& r) {
  ActionRow a;
  a.id = r.integer("id");
  a.departement = r.text("departement");
  a.structure_id = r.integer("structure_id");
  a.title = r.text("title");
  a.kind = r.text("kind");
  a.owner = r.text("owner");
  a.target_public = r.text("target_public");
  a.starts_on = r.text("starts_on");
  a.ends_on = r.text("ends_on");
  a.status = r.text("status");
  a.planned_reach = static_cast<int>(r.integer("planned_reach"));
  a.actual_reach = static_cast<int>(r.integer("actual_reach"));
  a.description = r.text("description");
  a.version = r.integer("version");
  a.created_by = r.text("created_by");
  a.created_at = r.text("created_at");
  a.updated_by = r.text("updated_by");
  a.updated_at = r.text("updated_at");
  return a;
}

constexpr const char* kEventColumns =
    "id, action_id, title, held_on, starts_at, ends_at, place, capacity, description, version";

EventRow event_row(const NamedRow& r) {
  EventRow e;
  e.id = r.integer("id");
  e.action_id = r.integer("action_id");
  e.title = r.text("title");
  e.held_on = r.text("held_on");
  e.starts_at = r.text("starts_at");
  e.ends_at = r.text("ends_at");
  e.place = r.text("place");
  e.capacity = static_cast<int>(r.integer("capacity"));
  e.description = r.text("description");
  e.version = r.integer("version");
  return e;
}

constexpr const char* kRegistrationColumns =
    "id, event_id, name, email, category, organisation, partner_id, place, attendance, version, "
    "created_at";

RegistrationRow registration_row(const NamedRow& r) {
  RegistrationRow g;
  g.id = r.integer("id");
  g.event_id = r.integer("event_id");
  g.name = r.text("name");
  g.email = r.text("email");
  g.category = r.text("category");
  g.organisation = r.text("organisation");
  g.partner_id = r.integer("partner_id");
  g.place = r.text("place");
  g.attendance = r.text("attendance");
  g.version = r.integer("version");
  g.created_at = r.text("created_at");
  return g;
}

}  // namespace

Result<std::vector<PartnerRow>> AnimationRepository::partners(const std::string& departement) const {
  std::string sql = std::string("SELECT ") + kPartnerColumns;
  store::Params params;
  if (!departement.empty()) {
    sql += " WHERE p.departement = $1";
    params.push_back(departement);
  }
  sql += " ORDER BY p.name, p.id";
  auto rows = MAILLAGE_TRY(db_->query(sql, params));
  std::vector<PartnerRow> out;
  std::map<std::int64_t, std::size_t> at;
  for (NamedRow r : rows.each()) {
    at[r.integer("id")] = out.size();
    out.push_back(partner_row(r));
  }
  if (out.empty()) return out;
  auto communes = MAILLAGE_TRY(
      db_->query("SELECT partner_id, commune FROM partner_communes ORDER BY partner_id, commune"));
  for (NamedRow r : communes.each()) {
    if (auto it = at.find(r.integer("partner_id")); it != at.end()) {
      out[it->second].communes.push_back(r.text("commune"));
    }
  }
  auto structures = MAILLAGE_TRY(db_->query(
      "SELECT partner_id, structure_id FROM partner_structures ORDER BY partner_id, structure_id"));
  for (NamedRow r : structures.each()) {
    if (auto it = at.find(r.integer("partner_id")); it != at.end()) {
      out[it->second].structures.push_back(r.integer("structure_id"));
    }
  }
  auto contacts = MAILLAGE_TRY(db_->query(
      "SELECT partner_id, name, role, email, phone FROM partner_contacts "
      "ORDER BY partner_id, position"));
  for (NamedRow r : contacts.each()) {
    if (auto it = at.find(r.integer("partner_id")); it != at.end()) {
      out[it->second].contacts.push_back(
          {r.text("name"), r.text("role"), r.text("email"), r.text("phone")});
    }
  }
  return out;
}

Result<std::optional<PartnerRow>> AnimationRepository::partner(std::int64_t id) const {
  auto rows =
      MAILLAGE_TRY(db_->query(std::string("SELECT ") + kPartnerColumns + " WHERE p.id = $1", {id}));
  if (rows.empty()) return std::optional<PartnerRow>{};
  PartnerRow p = partner_row(rows.named(0));
  auto communes = MAILLAGE_TRY(db_->query(
      "SELECT commune FROM partner_communes WHERE partner_id = $1 ORDER BY commune", {id}));
  for (NamedRow r : communes.each()) p.communes.push_back(r.text("commune"));
  auto structures = MAILLAGE_TRY(db_->query(
      "SELECT structure_id FROM partner_structures WHERE partner_id = $1 ORDER BY structure_id",
      {id}));
  for (NamedRow r : structures.each()) p.structures.push_back(r.integer("structure_id"));
  auto contacts = MAILLAGE_TRY(
      db_->query("SELECT name, role, email, phone FROM partner_contacts WHERE partner_id = $1 "
                 "ORDER BY position",
                 {id}));
  for (NamedRow r : contacts.each()) {
    p.contacts.push_back({r.text("name"), r.text("role"), r.text("email"), r.text("phone")});
  }
  return std::optional<PartnerRow>{std::move(p)};
}

Result<std::vector<InteractionRow>> AnimationRepository::interactions(
    std::int64_t partner_id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kInteractionColumns +
                                          " FROM partner_interactions WHERE partner_id = $1 "
                                          "ORDER BY held_on DESC, id DESC",
                                      {partner_id}));
  std::vector<InteractionRow> out;
  for (NamedRow r : rows.each()) out.push_back(interaction_row(r));
  return out;
}

Result<std::vector<std::tuple<std::int64_t, int, std::string>>>
AnimationRepository::interaction_stats() const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT partner_id, COUNT(*) AS n, MAX(held_on) AS last FROM "
                 "partner_interactions GROUP BY partner_id"));
  std::vector<std::tuple<std::int64_t, int, std::string>> out;
  for (NamedRow r : rows.each()) {
    out.emplace_back(r.integer("partner_id"), static_cast<int>(r.integer("n")), r.text("last"));
  }
  return out;
}

Result<std::optional<std::pair<InteractionRow, std::string>>>
AnimationRepository::interaction_document(std::int64_t partner_id, std::int64_t id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kInteractionColumns +
                                          ", doc_base64 FROM partner_interactions WHERE "
                                          "partner_id = $1 AND id = $2",
                                      {partner_id, id}));
  if (rows.empty()) return std::optional<std::pair<InteractionRow, std::string>>{};
  const NamedRow r = rows.named(0);
  return std::optional<std::pair<InteractionRow, std::string>>{
      std::make_pair(interaction_row(r), r.text("doc_base64"))};
}

Result<std::vector<ActionRow>> AnimationRepository::actions() const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kActionColumns +
                                      " FROM animation_actions ORDER BY starts_on DESC, id DESC"));
  std::vector<ActionRow> out;
  std::map<std::int64_t, std::size_t> at;
  for (NamedRow r : rows.each()) {
    at[r.integer("id")] = out.size();
    out.push_back(action_row(r));
  }
  auto links = MAILLAGE_TRY(db_->query(
      "SELECT action_id, partner_id FROM animation_action_partners ORDER BY action_id, "
      "partner_id"));
  for (NamedRow r : links.each()) {
    if (auto it = at.find(r.integer("action_id")); it != at.end()) {
      out[it->second].partners.push_back(r.integer("partner_id"));
    }
  }
  return out;
}

Result<std::optional<ActionRow>> AnimationRepository::action(std::int64_t id) const {
  auto rows = MAILLAGE_TRY(db_->query(
      std::string("SELECT ") + kActionColumns + " FROM animation_actions WHERE id = $1", {id}));
  if (rows.empty()) return std::optional<ActionRow>{};
  ActionRow a = action_row(rows.named(0));
  auto links = MAILLAGE_TRY(db_->query(
      "SELECT partner_id FROM animation_action_partners WHERE action_id = $1 ORDER BY partner_id",
      {id}));
  for (NamedRow r : links.each()) a.partners.push_back(r.integer("partner_id"));
  return std::optional<ActionRow>{std::move(a)};
}

Result<std::vector<EventRow>> AnimationRepository::events() const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kEventColumns +
                                      " FROM animation_events ORDER BY held_on, starts_at, id"));
  std::vector<EventRow> out;
  for (NamedRow r : rows.each()) out.push_back(event_row(r));
  return out;
}

Result<std::optional<EventRow>> AnimationRepository::event(std::int64_t id) const {
  auto rows = MAILLAGE_TRY(db_->query(
      std::string("SELECT ") + kEventColumns + " FROM animation_events WHERE id = $1", {id}));
  if (rows.empty()) return std::optional<EventRow>{};
  return std::optional<EventRow>{event_row(rows.named(0))};
}

Result<std::vector<RegistrationRow>> AnimationRepository::registrations(
    std::int64_t event_id) const {
  std::string sql = std::string("SELECT ") + kRegistrationColumns + " FROM animation_registrations";
  store::Params params;
  if (event_id > 0) {
    sql += " WHERE event_id = $1";
    params.push_back(event_id);
  }
  sql += " ORDER BY event_id, id";
  auto rows = MAILLAGE_TRY(db_->query(sql, params));
  std::vector<RegistrationRow> out;
  for (NamedRow r : rows.each()) out.push_back(registration_row(r));
  return out;
}

Result<std::vector<StructureRef>> AnimationRepository::structures() const {
  auto rows =
      MAILLAGE_TRY(db_->query("SELECT id, name, departement FROM active_structures ORDER BY name, id"));
  std::vector<StructureRef> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("id"), r.text("name"), r.text("departement")});
  }
  return out;
}

Result<std::vector<UserRef>> AnimationRepository::users() const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT id, login, display_name, role FROM users WHERE active = 1 ORDER BY display_name, id"));
  std::vector<UserRef> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.integer("id"), r.text("login"), r.text("display_name"), r.text("role")});
  }
  return out;
}

Result<std::int64_t> AnimationRepository::insert_partner(Tx& tx, const PartnerInput& in,
                                                         const std::string& by,
                                                         const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO partners (name, kind, departement, siren, finess, address, email, phone, "
      "notes, follower_id, version, created_by, created_at, updated_by, updated_at) VALUES "
      "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12, $11, $12) RETURNING id",
      {in.name, in.kind, in.departement, in.siren, in.finess, in.address, in.email, in.phone,
       in.notes, id_or_null(in.follower_id), by, at}));
  return rows.rows.at(0).integer(0);
}

Result<bool> AnimationRepository::update_partner(Tx& tx, std::int64_t id, const PartnerInput& in,
                                                 const std::string& by, const std::string& at) {
  auto n = MAILLAGE_TRY(tx.exec(
      "UPDATE partners SET name = $1, kind = $2, siren = $3, finess = $4, address = $5, "
      "email = $6, phone = $7, notes = $8, follower_id = $9, version = version + 1, "
      "updated_by = $10, updated_at = $11 WHERE id = $12 AND version = $13",
      {in.name, in.kind, in.siren, in.finess, in.address, in.email, in.phone, in.notes,
       id_or_null(in.follower_id), by, at, id, in.expected_version}));
  return n == 1;
}

Status AnimationRepository::replace_partner_links(Tx& tx, std::int64_t id, const PartnerInput& in) {
  MAILLAGE_TRY(tx.exec("DELETE FROM partner_communes WHERE partner_id = $1", {id}));
  MAILLAGE_TRY(tx.exec("DELETE FROM partner_structures WHERE partner_id = $1", {id}));
  MAILLAGE_TRY(tx.exec("DELETE FROM partner_contacts WHERE partner_id = $1", {id}));
  for (const auto& c : in.communes) {
    MAILLAGE_TRY(
        tx.exec("INSERT INTO partner_communes (partner_id, commune) VALUES ($1, $2)", {id, c}));
  }
  for (auto s : in.structures) {
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO partner_structures (partner_id, structure_id) VALUES ($1, $2)", {id, s}));
  }
  std::int64_t position = 0;
  for (const auto& c : in.contacts) {
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO partner_contacts (partner_id, position, name, role, email, phone) VALUES "
        "($1, $2, $3, $4, $5, $6)",
        {id, ++position, c.name, c.role, c.email, c.phone}));
  }
  return {};
}

Result<std::int64_t> AnimationRepository::insert_interaction(
    Tx& tx, std::int64_t partner_id, const InteractionInput& in, const std::string& filename,
    const std::string& base64, const std::string& by, const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO partner_interactions (partner_id, kind, held_on, title, notes, doc_filename, "
      "doc_content_type, doc_size, doc_base64, created_by, created_at) VALUES "
      "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
      {partner_id, in.kind, in.held_on, in.title, in.notes, filename,
       in.bytes.empty() ? std::string() : in.content_type,
       static_cast<std::int64_t>(in.bytes.size()), base64, by, at}));
  return rows.rows.at(0).integer(0);
}

Result<std::int64_t> AnimationRepository::insert_action(Tx& tx, const ActionInput& in,
                                                        const std::string& by,
                                                        const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO animation_actions (departement, structure_id, title, kind, owner, "
      "target_public, starts_on, ends_on, status, planned_reach, actual_reach, description, "
      "version, created_by, created_at, updated_by, updated_at) VALUES "
      "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13, $14, $13, $14) RETURNING id",
      {in.departement, id_or_null(in.structure_id), in.title, in.kind, in.owner, in.target_public,
       in.starts_on, in.ends_on, in.status, static_cast<std::int64_t>(in.planned_reach),
       static_cast<std::int64_t>(in.actual_reach), in.description, by, at}));
  return rows.rows.at(0).integer(0);
}

Result<bool> AnimationRepository::update_action(Tx& tx, std::int64_t id, const ActionInput& in,
                                                const std::string& by, const std::string& at) {
  auto n = MAILLAGE_TRY(tx.exec(
      "UPDATE animation_actions SET title = $1, kind = $2, owner = $3, target_public = $4, "
      "starts_on = $5, ends_on = $6, status = $7, planned_reach = $8, actual_reach = $9, "
      "description = $10, version = version + 1, updated_by = $11, updated_at = $12 "
      "WHERE id = $13 AND version = $14",
      {in.title, in.kind, in.owner, in.target_public, in.starts_on, in.ends_on, in.status,
       static_cast<std::int64_t>(in.planned_reach), static_cast<std::int64_t>(in.actual_reach),
       in.description, by, at, id, in.expected_version}));
  return n == 1;
}

Status AnimationRepository::replace_action_partners(Tx& tx, std::int64_t id,
                                                    const std::vector<std::int64_t>& partners) {
  MAILLAGE_TRY(tx.exec("DELETE FROM animation_action_partners WHERE action_id = $1", {id}));
  for (auto p : partners) {
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO animation_action_partners (action_id, partner_id) VALUES ($1, $2)", {id, p}));
  }
  return {};
}

Result<std::int64_t> AnimationRepository::insert_event(Tx& tx, std::int64_t action_id,
                                                       const EventInput& in, const std::string& by,
                                                       const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO animation_events (action_id, title, held_on, starts_at, ends_at, place, "
      "capacity, description, version, created_by, created_at, updated_by, updated_at) VALUES "
      "($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $9, $10) RETURNING id",
      {action_id, in.title, in.held_on, in.starts_at, in.ends_at, in.place,
       static_cast<std::int64_t>(in.capacity), in.description, by, at}));
  return rows.rows.at(0).integer(0);
}

Result<bool> AnimationRepository::update_event(Tx& tx, std::int64_t id, const EventInput& in,
                                               const std::string& by, const std::string& at) {
  auto n = MAILLAGE_TRY(tx.exec(
      "UPDATE animation_events SET title = $1, held_on = $2, starts_at = $3, ends_at = $4, "
      "place = $5, capacity = $6, description = $7, version = version + 1, updated_by = $8, "
      "updated_at = $9 WHERE id = $10 AND version = $11",
      {in.title, in.held_on, in.starts_at, in.ends_at, in.place,
       static_cast<std::int64_t>(in.capacity), in.description, by, at, id, in.expected_version}));
  return n == 1;
}

Result<std::optional<EventRow>> AnimationRepository::event_in(Tx& tx, std::int64_t id) {
  auto rows = MAILLAGE_TRY(tx.query(
      std::string("SELECT ") + kEventColumns + " FROM animation_events WHERE id = $1", {id}));
  if (rows.empty()) return std::optional<EventRow>{};
  return std::optional<EventRow>{event_row(rows.named(0))};
}

Result<std::vector<RegistrationRow>> AnimationRepository::registrations_in(Tx& tx,
                                                                           std::int64_t event_id) {
  auto rows = MAILLAGE_TRY(tx.query(std::string("SELECT ") + kRegistrationColumns +
                                        " FROM animation_registrations WHERE event_id = $1 "
                                        "ORDER BY id",
                                    {event_id}));
  std::vector<RegistrationRow> out;
  for (NamedRow r : rows.each()) out.push_back(registration_row(r));
  return out;
}

Result<std::int64_t> AnimationRepository::insert_registration(Tx& tx, std::int64_t event_id,
                                                              const RegistrationInput& in,
                                                              const std::string& place,
                                                              const std::string& by,
                                                              const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO animation_registrations (event_id, name, email, category, organisation, "
      "partner_id, place, attendance, version, created_by, created_at, updated_by, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, '', 1, $8, $9, $8, $9) RETURNING id",
      {event_id, in.name, in.email, in.category, in.organisation, id_or_null(in.partner_id), place,
       by, at}));
  return rows.rows.at(0).integer(0);
}

Status AnimationRepository::set_place(Tx& tx, std::int64_t id, const std::string& place,
                                      const std::string& by, const std::string& at) {
  MAILLAGE_TRY(tx.exec(
      "UPDATE animation_registrations SET place = $1, version = version + 1, updated_by = $2, "
      "updated_at = $3 WHERE id = $4",
      {place, by, at, id}));
  return {};
}

Status AnimationRepository::set_attendance(Tx& tx, std::int64_t id, const std::string& attendance,
                                           const std::string& by, const std::string& at) {
  MAILLAGE_TRY(tx.exec(
      "UPDATE animation_registrations SET attendance = $1, version = version + 1, "
      "updated_by = $2, updated_at = $3 WHERE id = $4",
      {attendance, by, at, id}));
  return {};
}

}  // namespace maillage::services
