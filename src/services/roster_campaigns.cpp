#include "services/roster_campaigns.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "store/database.hpp"

namespace maillage::services {

using nlohmann::json;
using store::Tx;

namespace {

constexpr const char* kCampaignColumns =
    "c.id, c.structure_id, s.name, s.departement, c.name, c.description, c.status, c.first_day, "
    "c.last_day, c.time_limit_seconds, c.fairness_weight, c.open_slot_weight, c.wish_weight, "
    "c.rest_after_night_days, c.default_monthly_cap, c.version, c.created_at, c.updated_at, "
    "c.published_at";

Campaign campaign_of_row(const store::Row& r) {
  Campaign c;
  c.id = r.integer(0);
  c.structure_id = r.integer(1);
  c.structure_name = r.text(2);
  c.departement = r.text(3);
  c.name = r.text(4);
  c.description = r.text(5);
  c.status = campaign_status_from_id(r.text(6)).value_or(CampaignStatus::draft);
  c.plan.settings.first_day = r.text(7);
  c.plan.settings.last_day = r.text(8);
  c.time_limit_seconds = static_cast<int>(r.integer(9));
  c.plan.settings.fairness_weight = static_cast<int>(r.integer(10));
  c.plan.settings.open_slot_weight = static_cast<int>(r.integer(11));
  c.plan.settings.wish_weight = static_cast<int>(r.integer(12));
  c.plan.settings.rest_after_night_days = static_cast<int>(r.integer(13));
  if (!r.is_null(14)) c.plan.settings.default_monthly_cap = static_cast<int>(r.integer(14));
  c.version = r.integer(15);
  c.created_at = r.text(16);
  c.updated_at = r.text(17);
  c.published_at = r.text(18);
  return c;
}

// The same reads through a transaction or the read pool.
template <class Q>
Result<Campaign> load_full(Q&& query, std::int64_t id) {
  auto rows = query(fmt::format("SELECT {} FROM roster_campaigns c JOIN structures s ON "
                                "s.id = c.structure_id WHERE c.id = $1",
                                kCampaignColumns),
                    store::Params{id});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) return fail(ErrorCode::not_found, "Campagne introuvable.");
  Campaign c = campaign_of_row(rows->rows[0]);
  auto slots = query(
      "SELECT id, day, start_time, end_time, ends_next_day, kind, label, profession, required "
      "FROM roster_slots WHERE campaign_id = $1 ORDER BY day, start_time, kind, label, "
      "profession, id",
      store::Params{id});
  if (!slots) return tl::unexpected(slots.error());
  for (const auto& r : slots->rows) {
    c.plan.slots.push_back(PlanSlot{r.integer(0), r.text(1), r.text(2), r.text(3),
                                    r.integer(4) != 0, r.text(5), r.text(6), r.text(7),
                                    static_cast<int>(r.integer(8))});
  }
  auto members = query(
      "SELECT id, user_id, display_name, profession, monthly_cap FROM roster_members "
      "WHERE campaign_id = $1 ORDER BY profession, display_name, id",
      store::Params{id});
  if (!members) return tl::unexpected(members.error());
  for (const auto& r : members->rows) {
    PlanMember m{r.integer(0), r.integer(1), r.text(2), r.text(3), std::nullopt};
    if (!r.is_null(4)) m.monthly_cap = static_cast<int>(r.integer(4));
    c.plan.members.push_back(std::move(m));
  }
  auto avail = query(
      "SELECT a.member_id, a.slot_id, a.state FROM roster_availability a JOIN roster_members m "
      "ON m.id = a.member_id WHERE m.campaign_id = $1 ORDER BY a.member_id, a.slot_id",
      store::Params{id});
  if (!avail) return tl::unexpected(avail.error());
  for (const auto& r : avail->rows) {
    c.plan.availability.push_back(
        {r.integer(0), r.integer(1), slot_wish_from_id(r.text(2)).value_or(SlotWish::available)});
  }
  auto assigned = query(
      "SELECT a.slot_id, a.member_id FROM roster_assignments a JOIN roster_slots s ON "
      "s.id = a.slot_id WHERE s.campaign_id = $1 ORDER BY a.slot_id, a.member_id",
      store::Params{id});
  if (!assigned) return tl::unexpected(assigned.error());
  for (const auto& r : assigned->rows) c.assignments.push_back({r.integer(0), r.integer(1)});
  return c;
}

json campaign_summary_json(const Campaign& c) {
  const auto& s = c.plan.settings;
  return json{{"name", c.name},
              {"status", campaign_status_id(c.status)},
              {"first_day", s.first_day},
              {"last_day", s.last_day},
              {"version", c.version}};
}

// Bumps the version when it is still `version`; conflict otherwise.
Status bump(Tx& tx, std::int64_t id, std::int64_t version) {
  auto n = tx.exec(
      "UPDATE roster_campaigns SET version = version + 1, updated_at = $3 WHERE id = $1 AND "
      "version = $2",
      {id, version, store::timestamp_now()});
  if (!n) return tl::unexpected(n.error());
  if (*n == 0) {
    return fail(ErrorCode::conflict,
                "La campagne a été modifiée entre-temps : rechargez la page et recommencez.",
                "version");
  }
  return {};
}

Status check_new_campaign(const NewCampaign& c) {
  if (c.name.empty()) return fail(ErrorCode::missing_field, "nom requis", "$.nom");
  if (c.name.size() > 200) return fail(ErrorCode::invalid_input, "nom trop long", "$.nom");
  if (c.time_limit_seconds < 1 || c.time_limit_seconds > 120) {
    return fail(ErrorCode::invalid_input, "le temps de calcul va de 1 à 120 secondes",
                "$.temps_calcul");
  }
  return validate_settings(c.settings, "$.");
}

std::string describe_violation(const PlanViolation& v) { return v.message; }

}  // namespace

const char* campaign_status_id(CampaignStatus s) {
  switch (s) {
    case CampaignStatus::draft: return "brouillon";
    case CampaignStatus::collecting: return "collecte";
    case CampaignStatus::solved: return "resolu";
    case CampaignStatus::published: return "publie";
  }
  return "brouillon";
}

const char* campaign_status_label(CampaignStatus s) {
  switch (s) {
    case CampaignStatus::draft: return "Brouillon";
    case CampaignStatus::collecting: return "Collecte des disponibilités";
    case CampaignStatus::solved: return "Résolu";
    case CampaignStatus::published: return "Publié";
  }
  return "";
}

std::optional<CampaignStatus> campaign_status_from_id(std::string_view id) {
  if (id == "brouillon") return CampaignStatus::draft;
  if (id == "collecte") return CampaignStatus::collecting;
  if (id == "resolu") return CampaignStatus::solved;
  if (id == "publie") return CampaignStatus::published;
  return std::nullopt;
}

namespace roster_jobs_detail {
Result<Campaign> load_campaign(store::Database& db, std::int64_t id) {
  return load_full(
      [&db](const std::string& sql, const store::Params& p) { return db.query(sql, p); }, id);
}
}  // namespace roster_jobs_detail

struct RosterCampaigns::Access {
  Campaign campaign;
  bool manage = false;
  std::int64_t member_id = 0;
};

RosterCampaigns::RosterCampaigns(store::Database& db, RegionOfDepartement region_of)
    : db_(db), region_of_(std::move(region_of)) {}

Result<RosterCampaigns::Access> RosterCampaigns::access(const Principal& who, std::int64_t id) {
  auto c = roster_jobs_detail::load_campaign(db_, id);
  if (!c) return tl::unexpected(c.error());
  Access a;
  a.campaign = std::move(*c);
  for (const auto& m : a.campaign.plan.members) {
    if (m.user_id != 0 && m.user_id == who.user_id) a.member_id = m.id;
  }
  const bool in_structure = std::find(who.structures.begin(), who.structures.end(),
                                      a.campaign.structure_id) != who.structures.end();
  a.manage = who.role == Role::admin || (who.role == Role::coordinator && in_structure);
  bool read = a.manage;
  if (who.role == Role::member) {
    // Members: only campaigns they are invited to, once collection has started.
    read = in_structure && a.member_id != 0 && a.campaign.status != CampaignStatus::draft;
  } else if (who.role != Role::coordinator && !read) {
    read = covers_structure(who, a.campaign.structure_id, a.campaign.departement, region_of_);
  }
  if (!read) return fail(ErrorCode::forbidden, "Cette campagne n'est pas dans votre périmètre.");
  a.campaign.can_manage = a.manage;
  a.campaign.my_member_id = a.member_id;
  if (!a.manage && who.role == Role::member) {
    // A member sees their own availabilities, and the roster once it is published.
    std::erase_if(a.campaign.plan.availability,
                  [&](const PlanAvailability& x) { return x.member_id != a.member_id; });
    if (a.campaign.status != CampaignStatus::published) a.campaign.assignments.clear();
  }
  return a;
}

Result<std::vector<CampaignSummary>> RosterCampaigns::list(const Principal& who) {
  auto rows = db_.query(
      "SELECT c.id, c.structure_id, s.name, s.departement, c.name, c.status, c.first_day, "
      "c.last_day, c.version, (SELECT count(*) FROM roster_slots x WHERE x.campaign_id = c.id), "
      "(SELECT count(*) FROM roster_members x WHERE x.campaign_id = c.id), "
      "(SELECT count(*) FROM roster_members x WHERE x.campaign_id = c.id AND x.user_id = $1) "
      "FROM roster_campaigns c JOIN structures s ON s.id = c.structure_id "
      "ORDER BY c.first_day DESC, c.id DESC",
      {who.user_id});
  if (!rows) return tl::unexpected(rows.error());
  std::vector<CampaignSummary> out;
  for (const auto& r : rows->rows) {
    CampaignSummary c;
    c.id = r.integer(0);
    c.structure_id = r.integer(1);
    c.structure_name = r.text(2);
    std::string dep = r.text(3);
    c.name = r.text(4);
    c.status = campaign_status_from_id(r.text(5)).value_or(CampaignStatus::draft);
    c.first_day = r.text(6);
    c.last_day = r.text(7);
    c.version = r.integer(8);
    c.slots = static_cast<int>(r.integer(9));
    c.members = static_cast<int>(r.integer(10));
    const bool invited = r.integer(11) > 0;
    const bool in_structure =
        std::find(who.structures.begin(), who.structures.end(), c.structure_id) !=
        who.structures.end();
    bool visible = false;
    switch (who.role) {
      case Role::coordinator: visible = in_structure; break;
      case Role::member:
        visible = in_structure && invited && c.status != CampaignStatus::draft;
        break;
      default: visible = covers_structure(who, c.structure_id, dep, region_of_);
    }
    if (visible) out.push_back(std::move(c));
  }
  return out;
}

Result<std::int64_t> RosterCampaigns::create(const Principal& who, const NewCampaign& c) {
  if (auto st = check_new_campaign(c); !st) return tl::unexpected(st.error());
  const bool mine = std::find(who.structures.begin(), who.structures.end(), c.structure_id) !=
                    who.structures.end();
  if (!(who.role == Role::admin || (who.role == Role::coordinator && mine))) {
    return fail(ErrorCode::forbidden, "Seule la coordination de la structure crée ses campagnes.",
                "$.structure");
  }
  std::int64_t id = 0;
  auto st = db_.transact([&](Tx& tx) -> Status {
    auto s = tx.query("SELECT kind FROM structures WHERE id = $1", {c.structure_id});
    if (!s) return tl::unexpected(s.error());
    if (s->empty()) return fail(ErrorCode::invalid_input, "structure inconnue", "$.structure");
    std::string ts = store::timestamp_now();
    const auto& p = c.settings;
    auto r = tx.query(
        "INSERT INTO roster_campaigns (structure_id, name, description, status, first_day, "
        "last_day, time_limit_seconds, fairness_weight, open_slot_weight, wish_weight, "
        "rest_after_night_days, default_monthly_cap, created_by, created_at, updated_at) "
        "VALUES ($1, $2, $3, 'brouillon', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) "
        "RETURNING id",
        {c.structure_id, c.name, c.description, p.first_day, p.last_day,
         std::int64_t{c.time_limit_seconds}, std::int64_t{p.fairness_weight},
         std::int64_t{p.open_slot_weight}, std::int64_t{p.wish_weight},
         std::int64_t{p.rest_after_night_days},
         p.default_monthly_cap ? store::Value{std::int64_t{*p.default_monthly_cap}}
                               : store::Value{nullptr},
         who.login, ts});
    if (!r) return tl::unexpected(r.error());
    id = r->rows.at(0).integer(0);
    return store::audit(tx, {who.login, "roster.campaign.create", "roster_campaign",
                             std::to_string(id), "",
                             json{{"name", c.name},
                                  {"structure_id", c.structure_id},
                                  {"first_day", p.first_day},
                                  {"last_day", p.last_day}}
                                 .dump()});
  });
  if (!st) return tl::unexpected(st.error());
  return id;
}

Result<Campaign> RosterCampaigns::get(const Principal& who, std::int64_t id) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  return std::move(a->campaign);
}

Result<std::int64_t> RosterCampaigns::update(const Principal& who, std::int64_t id,
                                             std::int64_t version, const NewCampaign& c) {
  if (auto st = check_new_campaign(c); !st) return tl::unexpected(st.error());
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  if (!a->manage) return fail(ErrorCode::forbidden, "Réservé à la coordination de la structure.");
  // The period may only shrink around the existing slots.
  for (std::size_t i = 0; i < a->campaign.plan.slots.size(); ++i) {
    const auto& s = a->campaign.plan.slots[i];
    if (s.day < c.settings.first_day || s.day > c.settings.last_day) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("la nouvelle période exclut le créneau du {}", s.day), "$.debut");
    }
  }
  auto st = db_.transact([&](Tx& tx) -> Status {
    if (auto b = bump(tx, id, version); !b) return b;
    const auto& p = c.settings;
    auto n = tx.exec(
        "UPDATE roster_campaigns SET name = $2, description = $3, first_day = $4, last_day = $5, "
        "time_limit_seconds = $6, fairness_weight = $7, open_slot_weight = $8, wish_weight = $9, "
        "rest_after_night_days = $10, default_monthly_cap = $11 WHERE id = $1",
        {id, c.name, c.description, p.first_day, p.last_day, std::int64_t{c.time_limit_seconds},
         std::int64_t{p.fairness_weight}, std::int64_t{p.open_slot_weight},
         std::int64_t{p.wish_weight}, std::int64_t{p.rest_after_night_days},
         p.default_monthly_cap ? store::Value{std::int64_t{*p.default_monthly_cap}}
                               : store::Value{nullptr}});
    if (!n) return tl::unexpected(n.error());
    return store::audit(tx, {who.login, "roster.campaign.update", "roster_campaign",
                             std::to_string(id), campaign_summary_json(a->campaign).dump(),
                             json{{"name", c.name},
                                  {"first_day", p.first_day},
                                  {"last_day", p.last_day},
                                  {"version", version + 1}}
                                 .dump()});
  });
  if (!st) return tl::unexpected(st.error());
  return version + 1;
}

Result<std::int64_t> RosterCampaigns::set_status(const Principal& who, std::int64_t id,
                                                 std::int64_t version, CampaignStatus to) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  if (!a->manage) return fail(ErrorCode::forbidden, "Réservé à la coordination de la structure.");
  const CampaignStatus from = a->campaign.status;
  using S = CampaignStatus;
  const bool allowed = (from == S::draft && to == S::collecting) ||
                       (from == S::collecting && to == S::draft) ||
                       (from == S::solved && to == S::collecting) ||
                       (from == S::solved && to == S::published) ||
                       (from == S::published && to == S::solved);
  if (!allowed) {
    return fail(ErrorCode::invalid_transition,
                fmt::format("Passage de « {} » à « {} » impossible.", campaign_status_label(from),
                            campaign_status_label(to)),
                "$.statut");
  }
  if (to == S::published) {
    // Publishing a roster that breaks a hard rule would hand it to everyone: check it again.
    auto mapped = map_plan(a->campaign.plan);
    if (!mapped) return tl::unexpected(mapped.error());
    auto chk = check_plan(*mapped, a->campaign.plan, a->campaign.assignments);
    if (!chk.feasible()) {
      return fail(ErrorCode::invalid_input,
                  "Le planning enfreint une règle : " + describe_violation(chk.violations.front()),
                  "$.statut");
    }
  }
  auto st = db_.transact([&](Tx& tx) -> Status {
    if (auto b = bump(tx, id, version); !b) return b;
    auto n = tx.exec(
        "UPDATE roster_campaigns SET status = $2, published_at = CASE WHEN $2 = 'publie' THEN $3 "
        "ELSE published_at END WHERE id = $1",
        {id, std::string(campaign_status_id(to)), store::timestamp_now()});
    if (!n) return tl::unexpected(n.error());
    return store::audit(tx, {who.login, "roster.campaign.status", "roster_campaign",
                             std::to_string(id),
                             json{{"status", campaign_status_id(from)}}.dump(),
                             json{{"status", campaign_status_id(to)}}.dump()});
  });
  if (!st) return tl::unexpected(st.error());
  return version + 1;
}

Result<std::int64_t> RosterCampaigns::add_slots(const Principal& who, std::int64_t id,
                                                std::int64_t version,
                                                const std::vector<PlanSlot>& slots) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  if (!a->manage) return fail(ErrorCode::forbidden, "Réservé à la coordination de la structure.");
  if (a->campaign.status == CampaignStatus::published) {
    return fail(ErrorCode::invalid_transition,
                "Le planning est publié : repassez-le en « résolu » pour changer ses créneaux.");
  }
  for (std::size_t i = 0; i < slots.size(); ++i) {
    if (auto st = validate_slot(slots[i], a->campaign.plan.settings,
                                fmt::format("$.creneaux[{}]", i));
        !st) {
      return tl::unexpected(st.error());
    }
  }
  auto st = db_.transact([&](Tx& tx) -> Status {
    if (auto b = bump(tx, id, version); !b) return b;
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const auto& s = slots[i];
      auto n = tx.exec(
          "INSERT INTO roster_slots (campaign_id, day, start_time, end_time, ends_next_day, kind, "
          "label, profession, required) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
          {id, s.day, s.start_time, s.end_time, std::int64_t{s.ends_next_day ? 1 : 0}, s.kind,
           s.label, s.profession, std::int64_t{s.required}});
      if (!n) {
        Error e = n.error();
        if (e.code == ErrorCode::conflict) {
          e.message = fmt::format("créneau en double : {} {}-{} {} {} ({})", s.day, s.start_time,
                                  s.end_time, s.kind, s.label, s.profession);
          e.field = fmt::format("$.creneaux[{}]", i);
        }
        return tl::unexpected(e);
      }
    }
    return store::audit(tx, {who.login, "roster.slots.add", "roster_campaign", std::to_string(id),
                             "", json{{"slots", slots.size()}, {"version", version + 1}}.dump()});
  });
  if (!st) return tl::unexpected(st.error());
  return version + 1;
}

Result<std::int64_t> RosterCampaigns::remove_slot(const Principal& who, std::int64_t id,
                                                  std::int64_t version, std::int64_t slot_id) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  if (!a->manage) return fail(ErrorCode::forbidden, "Réservé à la coordination de la structure.");
  if (a->campaign.status == CampaignStatus::published) {
    return fail(ErrorCode::invalid_transition, "Le planning est publié.");
  }
  auto st = db_.transact([&](Tx& tx) -> Status {
    if (auto b = bump(tx, id, version); !b) return b;
    auto n = tx.exec("DELETE FROM roster_slots WHERE id = $1 AND campaign_id = $2", {slot_id, id});
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) return fail(ErrorCode::not_found, "Créneau introuvable.", "creneau");
    return store::audit(tx, {who.login, "roster.slot.delete", "roster_slot",
                             std::to_string(slot_id), json{{"campaign_id", id}}.dump(), ""});
  });
  if (!st) return tl::unexpected(st.error());
  return version + 1;
}

Result<std::int64_t> RosterCampaigns::add_member(const Principal& who, std::int64_t id,
                                                 std::int64_t version, const NewMember& m) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  if (!a->manage) return fail(ErrorCode::forbidden, "Réservé à la coordination de la structure.");
  if (m.profession.empty()) return fail(ErrorCode::missing_field, "profession requise", "$.profession");
  if (m.monthly_cap && *m.monthly_cap < 0) {
    return fail(ErrorCode::invalid_input, "le plafond mensuel doit être positif ou nul",
                "$.plafond_mensuel");
  }
  std::int64_t member_id = 0;
  auto st = db_.transact([&](Tx& tx) -> Status {
    std::string name = m.name;
    if (m.user_id != 0) {
      // Only users of the campaign's structure can be invited with their account.
      auto u = tx.query(
          "SELECT u.display_name FROM users u JOIN user_structures us ON us.user_id = u.id "
          "WHERE u.id = $1 AND us.structure_id = $2",
          {m.user_id, a->campaign.structure_id});
      if (!u) return tl::unexpected(u.error());
      if (u->empty()) {
        return fail(ErrorCode::invalid_input, "cet utilisateur n'est pas membre de la structure",
                    "$.utilisateur");
      }
      if (name.empty()) name = u->rows[0].text(0);
    }
    if (name.empty()) return fail(ErrorCode::missing_field, "nom requis", "$.nom");
    if (auto b = bump(tx, id, version); !b) return b;
    auto r = tx.query(
        "INSERT INTO roster_members (campaign_id, user_id, display_name, profession, "
        "monthly_cap, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        {id, m.user_id != 0 ? store::Value{m.user_id} : store::Value{nullptr}, name, m.profession,
         m.monthly_cap ? store::Value{std::int64_t{*m.monthly_cap}} : store::Value{nullptr},
         store::timestamp_now()});
    if (!r) {
      Error e = r.error();
      if (e.code == ErrorCode::conflict) {
        e.message = "cet utilisateur est déjà invité";
        e.field = "$.utilisateur";
      }
      return tl::unexpected(e);
    }
    member_id = r->rows.at(0).integer(0);
    return store::audit(tx, {who.login, "roster.member.add", "roster_member",
                             std::to_string(member_id), "",
                             json{{"campaign_id", id},
                                  {"name", name},
                                  {"profession", m.profession},
                                  {"user_id", m.user_id}}
                                 .dump()});
  });
  if (!st) return tl::unexpected(st.error());
  return member_id;
}

Status RosterCampaigns::set_availability(const Principal& who, std::int64_t id,
                                         const std::vector<Cell>& cells) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  const auto& c = a->campaign;
  if (!a->manage) {
    if (a->member_id == 0) return fail(ErrorCode::forbidden, "Vous n'êtes pas invité à cette campagne.");
    if (c.status != CampaignStatus::collecting) {
      return fail(ErrorCode::invalid_transition,
                  "La collecte des disponibilités est close pour cette campagne.");
    }
  } else if (c.status == CampaignStatus::published) {
    return fail(ErrorCode::invalid_transition, "Le planning est publié.");
  }
  std::set<std::int64_t> slot_ids, member_ids;
  for (const auto& s : c.plan.slots) slot_ids.insert(s.id);
  for (const auto& m : c.plan.members) member_ids.insert(m.id);
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const auto& cell = cells[i];
    if (!member_ids.count(cell.member_id)) {
      return fail(ErrorCode::invalid_input, fmt::format("membre inconnu : {}", cell.member_id),
                  fmt::format("$.cellules[{}].membre", i));
    }
    if (!a->manage && cell.member_id != a->member_id) {
      return fail(ErrorCode::forbidden, "Vous ne saisissez que vos propres disponibilités.",
                  fmt::format("$.cellules[{}].membre", i));
    }
    if (!slot_ids.count(cell.slot_id)) {
      return fail(ErrorCode::invalid_input, fmt::format("créneau inconnu : {}", cell.slot_id),
                  fmt::format("$.cellules[{}].creneau", i));
    }
  }
  return db_.transact([&](Tx& tx) -> Status {
    const std::string ts = store::timestamp_now();
    for (const auto& cell : cells) {
      auto n = tx.exec("DELETE FROM roster_availability WHERE member_id = $1 AND slot_id = $2",
                       {cell.member_id, cell.slot_id});
      if (!n) return tl::unexpected(n.error());
      if (cell.wish) {
        n = tx.exec(
            "INSERT INTO roster_availability (member_id, slot_id, state, updated_by, updated_at) "
            "VALUES ($1, $2, $3, $4, $5)",
            {cell.member_id, cell.slot_id, std::string(slot_wish_id(*cell.wish)), who.login, ts});
        if (!n) return tl::unexpected(n.error());
      }
    }
    json after = json::array();
    for (const auto& cell : cells) {
      after.push_back({cell.member_id, cell.slot_id, cell.wish ? slot_wish_id(*cell.wish) : ""});
    }
    return store::audit(tx, {who.login, "roster.availability.set", "roster_campaign",
                             std::to_string(id), "", after.dump()});
  });
}

Status RosterCampaigns::set_monthly_cap(const Principal& who, std::int64_t id,
                                        std::int64_t member_id, std::optional<int> cap) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  if (!a->manage && (a->member_id == 0 || a->member_id != member_id)) {
    return fail(ErrorCode::forbidden, "Vous ne changez que votre propre plafond.");
  }
  if (!a->manage && a->campaign.status != CampaignStatus::collecting) {
    return fail(ErrorCode::invalid_transition, "La collecte des disponibilités est close.");
  }
  if (cap && (*cap < 0 || *cap > 31)) {
    return fail(ErrorCode::invalid_input, "le plafond mensuel va de 0 à 31", "$.plafond_mensuel");
  }
  return db_.transact([&](Tx& tx) -> Status {
    auto n = tx.exec("UPDATE roster_members SET monthly_cap = $3 WHERE id = $1 AND campaign_id = $2",
                     {member_id, id,
                      cap ? store::Value{std::int64_t{*cap}} : store::Value{nullptr}});
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) return fail(ErrorCode::not_found, "Membre introuvable.", "membre");
    return store::audit(tx, {who.login, "roster.member.cap", "roster_member",
                             std::to_string(member_id), "",
                             json{{"monthly_cap", cap ? json(*cap) : json(nullptr)}}.dump()});
  });
}

Result<PlanCheck> RosterCampaigns::check(const Principal& who, std::int64_t id,
                                         const std::vector<PlanAssignment>& assignments) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  if (!a->manage) return fail(ErrorCode::forbidden, "Réservé à la coordination de la structure.");
  auto mapped = map_plan(a->campaign.plan);
  if (!mapped) return tl::unexpected(mapped.error());
  return check_plan(*mapped, a->campaign.plan, assignments);
}

Result<PlanCheck> RosterCampaigns::check_current(const Principal& who, std::int64_t id) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  if (!a->manage && a->campaign.status != CampaignStatus::published) {
    return fail(ErrorCode::forbidden, "Le planning n'est pas encore publié.");
  }
  // Members see everyone's availability only through the loads: load the full plan for them.
  auto full = roster_jobs_detail::load_campaign(db_, id);
  if (!full) return tl::unexpected(full.error());
  auto mapped = map_plan(full->plan);
  if (!mapped) return tl::unexpected(mapped.error());
  return check_plan(*mapped, full->plan, full->assignments);
}

Result<std::int64_t> RosterCampaigns::save_assignments(
    const Principal& who, std::int64_t id, std::int64_t version,
    const std::vector<PlanAssignment>& assignments) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  if (!a->manage) return fail(ErrorCode::forbidden, "Réservé à la coordination de la structure.");
  const auto status = a->campaign.status;
  if (status == CampaignStatus::draft || status == CampaignStatus::published) {
    return fail(ErrorCode::invalid_transition,
                status == CampaignStatus::draft
                    ? "Ouvrez d'abord la collecte des disponibilités."
                    : "Le planning est publié : repassez-le en « résolu » pour le modifier.");
  }
  auto mapped = map_plan(a->campaign.plan);
  if (!mapped) return tl::unexpected(mapped.error());
  std::vector<PlanAssignment> sorted = assignments;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  auto chk = check_plan(*mapped, a->campaign.plan, sorted);
  if (!chk.feasible()) {
    return fail(ErrorCode::invalid_input,
                "Modification refusée : " + describe_violation(chk.violations.front()),
                "$.affectations");
  }
  std::set<PlanAssignment> before(a->campaign.assignments.begin(), a->campaign.assignments.end());
  auto st = db_.transact([&](Tx& tx) -> Status {
    if (auto b = bump(tx, id, version); !b) return b;
    auto n = tx.exec(
        "DELETE FROM roster_assignments WHERE slot_id IN (SELECT id FROM roster_slots WHERE "
        "campaign_id = $1)",
        {id});
    if (!n) return tl::unexpected(n.error());
    for (const auto& x : sorted) {
      n = tx.exec("INSERT INTO roster_assignments (slot_id, member_id, source) VALUES ($1, $2, $3)",
                  {x.slot_id, x.member_id, std::string(before.count(x) ? "solveur" : "manuel")});
      if (!n) return tl::unexpected(n.error());
    }
    if (status == CampaignStatus::collecting) {
      n = tx.exec("UPDATE roster_campaigns SET status = 'resolu' WHERE id = $1", {id});
      if (!n) return tl::unexpected(n.error());
    }
    return store::audit(tx, {who.login, "roster.assignments.save", "roster_campaign",
                             std::to_string(id),
                             json{{"assignments", a->campaign.assignments.size()}}.dump(),
                             json{{"assignments", sorted.size()}, {"version", version + 1}}.dump()});
  });
  if (!st) return tl::unexpected(st.error());
  return version + 1;
}

Result<std::int64_t> RosterCampaigns::enqueue_solve(const Principal& who, std::int64_t id,
                                                    std::optional<std::uint64_t> seed) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  if (!a->manage) return fail(ErrorCode::forbidden, "Réservé à la coordination de la structure.");
  const auto status = a->campaign.status;
  if (status != CampaignStatus::collecting && status != CampaignStatus::solved) {
    return fail(ErrorCode::invalid_transition,
                "Le calcul se lance pendant la collecte ou sur un planning résolu non publié.");
  }
  if (a->campaign.plan.slots.empty() || a->campaign.plan.members.empty()) {
    return fail(ErrorCode::invalid_input, "Il faut des créneaux et des membres avant le calcul.");
  }
  // The model must be valid now rather than fail in the background.
  if (auto m = map_plan(a->campaign.plan); !m) return tl::unexpected(m.error());
  std::int64_t job_id = 0;
  auto st = db_.transact([&](Tx& tx) -> Status {
    auto busy = tx.query(
        "SELECT id FROM roster_jobs WHERE campaign_id = $1 AND status IN ('queued', 'running')",
        {id});
    if (!busy) return tl::unexpected(busy.error());
    if (!busy->empty()) {
      return fail(ErrorCode::conflict, "Un calcul est déjà en cours pour cette campagne.");
    }
    auto r = tx.query(
        "INSERT INTO roster_jobs (campaign_id, status, time_limit_seconds, seed, requested_by, "
        "created_at) VALUES ($1, 'queued', $2, $3, $4, $5) RETURNING id",
        {id, std::int64_t{a->campaign.time_limit_seconds},
         static_cast<std::int64_t>(seed.value_or(1) & 0x7fffffffffffffffULL), who.login,
         store::timestamp_now()});
    if (!r) return tl::unexpected(r.error());
    job_id = r->rows.at(0).integer(0);
    return store::audit(tx, {who.login, "roster.job.queue", "roster_job", std::to_string(job_id),
                             "", json{{"campaign_id", id}}.dump()});
  });
  if (!st) return tl::unexpected(st.error());
  return job_id;
}

namespace {
JobInfo job_of_row(const store::Row& r) {
  JobInfo j;
  j.id = r.integer(0);
  j.campaign_id = r.integer(1);
  j.status = r.text(2);
  j.progress = r.real(3);
  if (!r.is_null(4)) j.objective = r.integer(4);
  if (!r.is_null(5)) j.lower_bound = r.integer(5);
  j.time_limit_seconds = static_cast<int>(r.integer(6));
  j.message = r.text(7);
  j.result = r.text(8);
  j.created_at = r.text(9);
  j.started_at = r.text(10);
  j.finished_at = r.text(11);
  return j;
}
constexpr const char* kJobColumns =
    "id, campaign_id, status, progress, objective, lower_bound, time_limit_seconds, message, "
    "result, created_at, started_at, finished_at";
}  // namespace

Result<JobInfo> RosterCampaigns::job(const Principal& who, std::int64_t id, std::int64_t job_id) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  if (!a->manage) return fail(ErrorCode::forbidden, "Réservé à la coordination de la structure.");
  auto r = db_.query(fmt::format("SELECT {} FROM roster_jobs WHERE id = $1 AND campaign_id = $2",
                                 kJobColumns),
                     {job_id, id});
  if (!r) return tl::unexpected(r.error());
  if (r->empty()) return fail(ErrorCode::not_found, "Calcul introuvable.");
  return job_of_row(r->rows[0]);
}

Result<std::optional<JobInfo>> RosterCampaigns::latest_job(const Principal& who, std::int64_t id) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  if (!a->manage) return fail(ErrorCode::forbidden, "Réservé à la coordination de la structure.");
  auto r = db_.query(fmt::format("SELECT {} FROM roster_jobs WHERE campaign_id = $1 ORDER BY id "
                                 "DESC LIMIT 1",
                                 kJobColumns),
                     {id});
  if (!r) return tl::unexpected(r.error());
  if (r->empty()) return std::optional<JobInfo>{};
  return std::optional<JobInfo>{job_of_row(r->rows[0])};
}

namespace {

// The roster after a swap or a replacement; an error when it does not apply to `current`.
Result<std::vector<PlanAssignment>> apply_swap(const std::vector<PlanAssignment>& current,
                                               const NewSwap& s) {
  std::set<PlanAssignment> set(current.begin(), current.end());
  if (!set.count({s.slot_id, s.from_member_id})) {
    return fail(ErrorCode::invalid_input, "ce créneau n'est pas (ou plus) tenu par ce membre",
                "$.creneau");
  }
  if (s.to_member_id == s.from_member_id) {
    return fail(ErrorCode::invalid_input, "choisissez un autre membre", "$.vers_membre");
  }
  if (set.count({s.slot_id, s.to_member_id})) {
    return fail(ErrorCode::invalid_input, "ce membre tient déjà ce créneau", "$.vers_membre");
  }
  set.erase({s.slot_id, s.from_member_id});
  set.insert({s.slot_id, s.to_member_id});
  if (s.other_slot_id != 0) {
    if (!set.count({s.other_slot_id, s.to_member_id})) {
      return fail(ErrorCode::invalid_input, "l'autre créneau n'est pas tenu par ce membre",
                  "$.autre_creneau");
    }
    if (set.count({s.other_slot_id, s.from_member_id})) {
      return fail(ErrorCode::invalid_input, "vous tenez déjà l'autre créneau", "$.autre_creneau");
    }
    set.erase({s.other_slot_id, s.to_member_id});
    set.insert({s.other_slot_id, s.from_member_id});
  }
  return std::vector<PlanAssignment>(set.begin(), set.end());
}

Result<std::vector<PlanAssignment>> validated_swap(const Campaign& full, const NewSwap& s) {
  auto next = apply_swap(full.assignments, s);
  if (!next) return tl::unexpected(next.error());
  auto mapped = map_plan(full.plan);
  if (!mapped) return tl::unexpected(mapped.error());
  auto chk = check_plan(*mapped, full.plan, *next);
  if (!chk.feasible()) {
    return fail(ErrorCode::invalid_input,
                "Échange refusé par le contrôle des règles : " + chk.violations.front().message,
                "$.vers_membre");
  }
  return next;
}

}  // namespace

Result<std::int64_t> RosterCampaigns::propose_swap(const Principal& who, std::int64_t id,
                                                   const NewSwap& in) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  NewSwap s = in;
  if (!a->manage) {
    if (a->member_id == 0) return fail(ErrorCode::forbidden, "Vous n'êtes pas invité à cette campagne.");
    if (s.from_member_id != 0 && s.from_member_id != a->member_id) {
      return fail(ErrorCode::forbidden, "Vous ne proposez d'échange que pour vos créneaux.",
                  "$.de_membre");
    }
    s.from_member_id = a->member_id;
  } else if (s.from_member_id == 0) {
    return fail(ErrorCode::missing_field, "membre qui cède le créneau requis", "$.de_membre");
  }
  const auto status = a->campaign.status;
  if (status != CampaignStatus::published && status != CampaignStatus::solved) {
    return fail(ErrorCode::invalid_transition, "Les échanges portent sur un planning résolu ou publié.");
  }
  if (s.comment.size() > 500) return fail(ErrorCode::invalid_input, "commentaire trop long", "$.commentaire");
  auto full = roster_jobs_detail::load_campaign(db_, id);
  if (!full) return tl::unexpected(full.error());
  if (auto next = validated_swap(*full, s); !next) return tl::unexpected(next.error());
  std::int64_t swap_id = 0;
  auto st = db_.transact([&](Tx& tx) -> Status {
    auto r = tx.query(
        "INSERT INTO roster_swaps (campaign_id, slot_id, from_member_id, to_member_id, "
        "other_slot_id, status, comment, proposed_by, created_at) VALUES ($1, $2, $3, $4, $5, "
        "'proposee', $6, $7, $8) RETURNING id",
        {id, s.slot_id, s.from_member_id, s.to_member_id,
         s.other_slot_id != 0 ? store::Value{s.other_slot_id} : store::Value{nullptr}, s.comment,
         who.login, store::timestamp_now()});
    if (!r) return tl::unexpected(r.error());
    swap_id = r->rows.at(0).integer(0);
    return store::audit(tx, {who.login, "roster.swap.propose", "roster_swap",
                             std::to_string(swap_id), "",
                             json{{"campaign_id", id},
                                  {"slot_id", s.slot_id},
                                  {"from", s.from_member_id},
                                  {"to", s.to_member_id},
                                  {"other_slot_id", s.other_slot_id}}
                                 .dump()});
  });
  if (!st) return tl::unexpected(st.error());
  return swap_id;
}

Status RosterCampaigns::decide_swap(const Principal& who, std::int64_t id, std::int64_t swap_id,
                                    std::int64_t version, bool approve) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  if (!a->manage) return fail(ErrorCode::forbidden, "Réservé à la coordination de la structure.");
  auto r = db_.query(
      "SELECT slot_id, from_member_id, to_member_id, other_slot_id, status, version FROM "
      "roster_swaps WHERE id = $1 AND campaign_id = $2",
      {swap_id, id});
  if (!r) return tl::unexpected(r.error());
  if (r->empty()) return fail(ErrorCode::not_found, "Échange introuvable.");
  const auto& row = r->rows[0];
  NewSwap s{row.integer(0), row.integer(1), row.integer(2), row.integer(3), ""};
  if (row.text(4) != "proposee") {
    return fail(ErrorCode::invalid_transition, "Cet échange a déjà été traité.");
  }
  if (row.integer(5) != version) {
    return fail(ErrorCode::conflict, "L'échange a été modifié entre-temps.", "version");
  }
  std::vector<PlanAssignment> next;
  if (approve) {
    // Checked again: the roster may have changed since the proposal.
    auto full = roster_jobs_detail::load_campaign(db_, id);
    if (!full) return tl::unexpected(full.error());
    auto v = validated_swap(*full, s);
    if (!v) return tl::unexpected(v.error());
    next = std::move(*v);
  }
  return db_.transact([&](Tx& tx) -> Status {
    auto n = tx.exec(
        "UPDATE roster_swaps SET status = $3, decided_by = $4, decided_at = $5, version = version "
        "+ 1 WHERE id = $1 AND version = $2 AND status = 'proposee'",
        {swap_id, version, std::string(approve ? "approuvee" : "refusee"), who.login,
         store::timestamp_now()});
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) return fail(ErrorCode::conflict, "L'échange a été traité entre-temps.", "version");
    if (approve) {
      // The roster's version moves too, so a hand edit based on the old roster is refused.
      if (auto b = bump(tx, id, a->campaign.version); !b) return b;
      auto d = tx.exec("DELETE FROM roster_assignments WHERE slot_id = $1 AND member_id = $2",
                       {s.slot_id, s.from_member_id});
      if (!d) return tl::unexpected(d.error());
      d = tx.exec("INSERT INTO roster_assignments (slot_id, member_id, source) VALUES ($1, $2, "
                  "'echange')",
                  {s.slot_id, s.to_member_id});
      if (!d) return tl::unexpected(d.error());
      if (s.other_slot_id != 0) {
        d = tx.exec("DELETE FROM roster_assignments WHERE slot_id = $1 AND member_id = $2",
                    {s.other_slot_id, s.to_member_id});
        if (!d) return tl::unexpected(d.error());
        d = tx.exec("INSERT INTO roster_assignments (slot_id, member_id, source) VALUES ($1, $2, "
                    "'echange')",
                    {s.other_slot_id, s.from_member_id});
        if (!d) return tl::unexpected(d.error());
      }
    }
    return store::audit(tx, {who.login, approve ? "roster.swap.approve" : "roster.swap.refuse",
                             "roster_swap", std::to_string(swap_id),
                             json{{"status", "proposee"}}.dump(),
                             json{{"status", approve ? "approuvee" : "refusee"}}.dump()});
  });
}

Result<std::vector<SwapInfo>> RosterCampaigns::swaps(const Principal& who, std::int64_t id) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  auto r = db_.query(
      "SELECT id, slot_id, from_member_id, to_member_id, other_slot_id, status, comment, "
      "proposed_by, decided_by, created_at, decided_at, version FROM roster_swaps WHERE "
      "campaign_id = $1 ORDER BY id DESC",
      {id});
  if (!r) return tl::unexpected(r.error());
  std::vector<SwapInfo> out;
  for (const auto& row : r->rows) {
    SwapInfo s{row.integer(0), row.integer(1), row.integer(2), row.integer(3), row.integer(4),
               row.text(5),    row.text(6),    row.text(7),    row.text(8),    row.text(9),
               row.text(10),   row.integer(11)};
    // A member sees the swaps that concern them; managers and readers see all.
    if (!a->manage && who.role == Role::member && s.from_member_id != a->member_id &&
        s.to_member_id != a->member_id) {
      continue;
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<ExportEntry>> RosterCampaigns::export_entries(const Principal& who,
                                                                 std::int64_t id,
                                                                 std::int64_t member_id) {
  auto a = access(who, id);
  if (!a) return tl::unexpected(a.error());
  const Campaign& c = a->campaign;
  if (!a->manage && c.status != CampaignStatus::published) {
    return fail(ErrorCode::forbidden, "Le planning n'est pas encore publié.");
  }
  std::map<std::int64_t, const PlanSlot*> slot_of;
  for (const auto& s : c.plan.slots) slot_of[s.id] = &s;
  std::map<std::int64_t, const PlanMember*> member_of;
  for (const auto& m : c.plan.members) member_of[m.id] = &m;
  if (member_id != 0 && !member_of.count(member_id)) {
    return fail(ErrorCode::not_found, "Membre introuvable.", "membre");
  }
  std::vector<ExportEntry> out;
  for (const auto& x : c.assignments) {
    if (member_id != 0 && x.member_id != member_id) continue;
    const PlanSlot* s = slot_of.at(x.slot_id);
    const PlanMember* m = member_of.at(x.member_id);
    out.push_back({fmt::format("campagne-{}-creneau-{}-membre-{}@maillage", id, s->id, m->id),
                   s->day, s->start_time, s->end_time, s->ends_next_day, s->kind, s->label,
                   s->profession, m->name});
  }
  std::sort(out.begin(), out.end(), [](const ExportEntry& x, const ExportEntry& y) {
    return std::tie(x.day, x.start_time, x.label, x.member) <
           std::tie(y.day, y.start_time, y.label, y.member);
  });
  return out;
}

}  // namespace maillage::services
