#include "services/roster_campaigns.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/try.hpp"
#include "services/roster_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using roster_detail::forbidden_unless;
using store::AuditDetail;
using store::Tx;

namespace {

AuditDetail campaign_summary(const Campaign& c) {
  const auto& s = c.plan.settings;
  return AuditDetail{}
      .add("name", c.name)
      .add("status", campaign_status_id(c.status))
      .add("first_day", s.first_day)
      .add("last_day", s.last_day)
      .add("version", c.version);
}

Status bump(Tx& tx, std::int64_t id, std::int64_t version) {
  return RosterRepository::bump(tx, id, version);
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

namespace roster_detail {
Status forbidden_unless(bool manage) {
  if (!manage) return fail(ErrorCode::forbidden, "Réservé à la coordination de la structure.");
  return {};
}
}  // namespace roster_detail

const char* campaign_status_id(CampaignStatus s) {
  switch (s) {
    case CampaignStatus::draft:
      return "brouillon";
    case CampaignStatus::collecting:
      return "collecte";
    case CampaignStatus::solved:
      return "resolu";
    case CampaignStatus::published:
      return "publie";
  }
  return "brouillon";
}

const char* campaign_status_label(CampaignStatus s) {
  switch (s) {
    case CampaignStatus::draft:
      return "Brouillon";
    case CampaignStatus::collecting:
      return "Collecte des disponibilités";
    case CampaignStatus::solved:
      return "Résolu";
    case CampaignStatus::published:
      return "Publié";
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

RosterCampaigns::RosterCampaigns(store::Database& db, RegionOfDepartement region_of)
    : db_(db), region_of_(std::move(region_of)) {}

Result<RosterCampaigns::Access> RosterCampaigns::access(const Principal& who, std::int64_t id) {
  Access a;
  a.campaign = MAILLAGE_TRY(RosterRepository(db_).campaign(id));
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
  auto rows = MAILLAGE_TRY(RosterRepository(db_).campaigns(who.user_id));
  std::vector<CampaignSummary> out;
  for (auto& row : rows) {
    const CampaignSummary& c = row.summary;
    const bool in_structure = std::find(who.structures.begin(), who.structures.end(),
                                        c.structure_id) != who.structures.end();
    bool visible = false;
    switch (who.role) {
      case Role::coordinator:
        visible = in_structure;
        break;
      case Role::member:
        visible = in_structure && row.invited && c.status != CampaignStatus::draft;
        break;
      default:
        visible = covers_structure(who, c.structure_id, row.departement, region_of_);
    }
    if (visible) out.push_back(std::move(row.summary));
  }
  return out;
}

Result<std::int64_t> RosterCampaigns::create(const Principal& who, const NewCampaign& c) {
  MAILLAGE_CHECK(check_new_campaign(c));
  const bool mine = std::find(who.structures.begin(), who.structures.end(), c.structure_id) !=
                    who.structures.end();
  if (!(who.role == Role::admin || (who.role == Role::coordinator && mine))) {
    return fail(ErrorCode::forbidden, "Seule la coordination de la structure crée ses campagnes.",
                "$.structure");
  }
  std::int64_t id = 0;
  auto st = db_.transact([&](Tx& tx) -> Status {
    if (!MAILLAGE_TRY(RosterRepository::structure_exists(tx, c.structure_id))) {
      return fail(ErrorCode::invalid_input, "structure inconnue", "$.structure");
    }
    id = MAILLAGE_TRY(RosterRepository::insert_campaign(tx, c, who.login));
    return store::audit(
        tx, {who.login, "roster.campaign.create", "roster_campaign", std::to_string(id), "",
             AuditDetail{}
                 .add("name", c.name)
                 .add("structure_id", c.structure_id)
                 .add("first_day", c.settings.first_day)
                 .add("last_day", c.settings.last_day)
                 .json()});
  });
  MAILLAGE_CHECK(st);
  return id;
}

Result<Campaign> RosterCampaigns::get(const Principal& who, std::int64_t id) {
  auto a = MAILLAGE_TRY(access(who, id));
  return std::move(a.campaign);
}

Result<std::int64_t> RosterCampaigns::update(const Principal& who, std::int64_t id,
                                             std::int64_t version, const NewCampaign& c) {
  MAILLAGE_CHECK(check_new_campaign(c));
  auto a = MAILLAGE_TRY(access(who, id));
  MAILLAGE_CHECK(forbidden_unless(a.manage));
  // The period may only shrink around the existing slots.
  for (const auto& s : a.campaign.plan.slots) {
    if (s.day < c.settings.first_day || s.day > c.settings.last_day) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("la nouvelle période exclut le créneau du {}", s.day), "$.debut");
    }
  }
  auto st = db_.transact([&](Tx& tx) -> Status {
    MAILLAGE_CHECK(bump(tx, id, version));
    MAILLAGE_CHECK(RosterRepository::update_campaign(tx, id, c));
    return store::audit(tx, {who.login, "roster.campaign.update", "roster_campaign",
                             std::to_string(id), campaign_summary(a.campaign).json(),
                             AuditDetail{}
                                 .add("name", c.name)
                                 .add("first_day", c.settings.first_day)
                                 .add("last_day", c.settings.last_day)
                                 .add("version", version + 1)
                                 .json()});
  });
  MAILLAGE_CHECK(st);
  return version + 1;
}

Result<std::int64_t> RosterCampaigns::set_status(const Principal& who, std::int64_t id,
                                                 std::int64_t version, CampaignStatus to) {
  auto a = MAILLAGE_TRY(access(who, id));
  MAILLAGE_CHECK(forbidden_unless(a.manage));
  const CampaignStatus from = a.campaign.status;
  using S = CampaignStatus;
  const bool allowed =
      (from == S::draft && to == S::collecting) || (from == S::collecting && to == S::draft) ||
      (from == S::solved && to == S::collecting) || (from == S::solved && to == S::published) ||
      (from == S::published && to == S::solved);
  if (!allowed) {
    return fail(ErrorCode::invalid_transition,
                fmt::format("Passage de « {} » à « {} » impossible.", campaign_status_label(from),
                            campaign_status_label(to)),
                "$.statut");
  }
  if (to == S::published) {
    // Publishing a roster that breaks a hard rule would hand it to everyone: check it again.
    auto mapped = MAILLAGE_TRY(map_plan(a.campaign.plan));
    auto chk = check_plan(mapped, a.campaign.plan, a.campaign.assignments);
    if (!chk.feasible()) {
      return fail(ErrorCode::invalid_input,
                  "Le planning enfreint une règle : " + describe_violation(chk.violations.front()),
                  "$.statut");
    }
  }
  auto st = db_.transact([&](Tx& tx) -> Status {
    MAILLAGE_CHECK(bump(tx, id, version));
    MAILLAGE_CHECK(RosterRepository::set_status(tx, id, to));
    return store::audit(tx,
                        {who.login, "roster.campaign.status", "roster_campaign", std::to_string(id),
                         AuditDetail{}.add("status", campaign_status_id(from)).json(),
                         AuditDetail{}.add("status", campaign_status_id(to)).json()});
  });
  MAILLAGE_CHECK(st);
  return version + 1;
}

Result<std::int64_t> RosterCampaigns::add_slots(const Principal& who, std::int64_t id,
                                                std::int64_t version,
                                                const std::vector<PlanSlot>& slots) {
  auto a = MAILLAGE_TRY(access(who, id));
  MAILLAGE_CHECK(forbidden_unless(a.manage));
  if (a.campaign.status == CampaignStatus::published) {
    return fail(ErrorCode::invalid_transition,
                "Le planning est publié : repassez-le en « résolu » pour changer ses créneaux.");
  }
  for (std::size_t i = 0; i < slots.size(); ++i) {
    MAILLAGE_CHECK(
        validate_slot(slots[i], a.campaign.plan.settings, fmt::format("$.creneaux[{}]", i)));
  }
  auto st = db_.transact([&](Tx& tx) -> Status {
    MAILLAGE_CHECK(bump(tx, id, version));
    for (std::size_t i = 0; i < slots.size(); ++i) {
      const auto& s = slots[i];
      if (auto n = RosterRepository::insert_slot(tx, id, s); !n) {
        Error e = n.error();
        if (e.code == ErrorCode::conflict) {
          e.message = fmt::format("créneau en double : {} {}-{} {} {} ({})", s.day, s.start_time,
                                  s.end_time, s.kind, s.label, s.profession);
          e.field = fmt::format("$.creneaux[{}]", i);
        }
        return tl::unexpected(e);
      }
    }
    return store::audit(
        tx, {who.login, "roster.slots.add", "roster_campaign", std::to_string(id), "",
             AuditDetail{}.add("slots", slots.size()).add("version", version + 1).json()});
  });
  MAILLAGE_CHECK(st);
  return version + 1;
}

Result<std::int64_t> RosterCampaigns::remove_slot(const Principal& who, std::int64_t id,
                                                  std::int64_t version, std::int64_t slot_id) {
  auto a = MAILLAGE_TRY(access(who, id));
  MAILLAGE_CHECK(forbidden_unless(a.manage));
  if (a.campaign.status == CampaignStatus::published) {
    return fail(ErrorCode::invalid_transition, "Le planning est publié.");
  }
  auto st = db_.transact([&](Tx& tx) -> Status {
    MAILLAGE_CHECK(bump(tx, id, version));
    if (MAILLAGE_TRY(RosterRepository::delete_slot(tx, id, slot_id)) == 0) {
      return fail(ErrorCode::not_found, "Créneau introuvable.", "creneau");
    }
    return store::audit(tx,
                        {who.login, "roster.slot.delete", "roster_slot", std::to_string(slot_id),
                         AuditDetail{}.add("campaign_id", id).json(), "",
                         a.campaign.structure_id});
  });
  MAILLAGE_CHECK(st);
  return version + 1;
}

Result<std::int64_t> RosterCampaigns::add_member(const Principal& who, std::int64_t id,
                                                 std::int64_t version, const NewMember& m) {
  auto a = MAILLAGE_TRY(access(who, id));
  MAILLAGE_CHECK(forbidden_unless(a.manage));
  if (m.profession.empty())
    return fail(ErrorCode::missing_field, "profession requise", "$.profession");
  if (m.monthly_cap && *m.monthly_cap < 0) {
    return fail(ErrorCode::invalid_input, "le plafond mensuel doit être positif ou nul",
                "$.plafond_mensuel");
  }
  std::int64_t member_id = 0;
  auto st = db_.transact([&](Tx& tx) -> Status {
    std::string name = m.name;
    if (m.user_id != 0) {
      // Only users of the campaign's structure can be invited with their account.
      auto user_name = MAILLAGE_TRY(
          RosterRepository::structure_user_name(tx, m.user_id, a.campaign.structure_id));
      if (!user_name) {
        return fail(ErrorCode::invalid_input, "cet utilisateur n'est pas membre de la structure",
                    "$.utilisateur");
      }
      if (name.empty()) name = *user_name;
    }
    if (name.empty()) return fail(ErrorCode::missing_field, "nom requis", "$.nom");
    MAILLAGE_CHECK(bump(tx, id, version));
    auto r = RosterRepository::insert_member(tx, id, m, name);
    if (!r) {
      Error e = r.error();
      if (e.code == ErrorCode::conflict) {
        e.message = "cet utilisateur est déjà invité";
        e.field = "$.utilisateur";
      }
      return tl::unexpected(e);
    }
    member_id = *r;
    return store::audit(
        tx, {who.login, "roster.member.add", "roster_member", std::to_string(member_id), "",
             AuditDetail{}
                 .add("campaign_id", id)
                 .add("name", name)
                 .add("profession", m.profession)
                 .add("user_id", m.user_id)
                 .json()});
  });
  MAILLAGE_CHECK(st);
  return member_id;
}

namespace {

// [[member, slot, "state"], ...] (an empty state clears the cell): the audit summary of a batch
// of availability cells.
std::string cells_summary(const std::vector<RosterCampaigns::Cell>& cells) {
  std::string out = "[";
  for (const auto& cell : cells) {
    if (out.size() > 1) out += ',';
    out += fmt::format("[{},{},\"{}\"]", cell.member_id, cell.slot_id,
                       cell.wish ? slot_wish_id(*cell.wish) : "");
  }
  return out + "]";
}

}  // namespace

Status RosterCampaigns::set_availability(const Principal& who, std::int64_t id,
                                         const std::vector<Cell>& cells) {
  auto a = MAILLAGE_TRY(access(who, id));
  const auto& c = a.campaign;
  if (!a.manage) {
    if (a.member_id == 0)
      return fail(ErrorCode::forbidden, "Vous n'êtes pas invité à cette campagne.");
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
    if (!a.manage && cell.member_id != a.member_id) {
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
      MAILLAGE_CHECK(RosterRepository::set_availability(tx, cell.member_id, cell.slot_id, cell.wish,
                                                        who.login, ts));
    }
    return store::audit(tx, {who.login, "roster.availability.set", "roster_campaign",
                             std::to_string(id), "", cells_summary(cells)});
  });
}

Status RosterCampaigns::set_monthly_cap(const Principal& who, std::int64_t id,
                                        std::int64_t member_id, std::optional<int> cap) {
  auto a = MAILLAGE_TRY(access(who, id));
  if (!a.manage && (a.member_id == 0 || a.member_id != member_id)) {
    return fail(ErrorCode::forbidden, "Vous ne changez que votre propre plafond.");
  }
  if (!a.manage && a.campaign.status != CampaignStatus::collecting) {
    return fail(ErrorCode::invalid_transition, "La collecte des disponibilités est close.");
  }
  if (cap && (*cap < 0 || *cap > 31)) {
    return fail(ErrorCode::invalid_input, "le plafond mensuel va de 0 à 31", "$.plafond_mensuel");
  }
  return db_.transact([&](Tx& tx) -> Status {
    if (MAILLAGE_TRY(RosterRepository::set_monthly_cap(tx, id, member_id, cap)) == 0) {
      return fail(ErrorCode::not_found, "Membre introuvable.", "membre");
    }
    return store::audit(
        tx, {who.login, "roster.member.cap", "roster_member", std::to_string(member_id), "",
             AuditDetail{}.add("monthly_cap", cap).json()});
  });
}

Result<PlanCheck> RosterCampaigns::check(const Principal& who, std::int64_t id,
                                         const std::vector<PlanAssignment>& assignments) {
  auto a = MAILLAGE_TRY(access(who, id));
  MAILLAGE_CHECK(forbidden_unless(a.manage));
  auto mapped = MAILLAGE_TRY(map_plan(a.campaign.plan));
  return check_plan(mapped, a.campaign.plan, assignments);
}

Result<PlanCheck> RosterCampaigns::check_current(const Principal& who, std::int64_t id) {
  auto a = MAILLAGE_TRY(access(who, id));
  if (!a.manage && a.campaign.status != CampaignStatus::published) {
    return fail(ErrorCode::forbidden, "Le planning n'est pas encore publié.");
  }
  // Members see everyone's availability only through the loads: load the full plan for them.
  auto full = MAILLAGE_TRY(RosterRepository(db_).campaign(id));
  auto mapped = MAILLAGE_TRY(map_plan(full.plan));
  return check_plan(mapped, full.plan, full.assignments);
}

Result<std::int64_t> RosterCampaigns::save_assignments(
    const Principal& who, std::int64_t id, std::int64_t version,
    const std::vector<PlanAssignment>& assignments) {
  auto a = MAILLAGE_TRY(access(who, id));
  MAILLAGE_CHECK(forbidden_unless(a.manage));
  const auto status = a.campaign.status;
  if (status == CampaignStatus::draft || status == CampaignStatus::published) {
    return fail(ErrorCode::invalid_transition,
                status == CampaignStatus::draft
                    ? "Ouvrez d'abord la collecte des disponibilités."
                    : "Le planning est publié : repassez-le en « résolu » pour le modifier.");
  }
  auto mapped = MAILLAGE_TRY(map_plan(a.campaign.plan));
  std::vector<PlanAssignment> sorted = assignments;
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  auto chk = check_plan(mapped, a.campaign.plan, sorted);
  if (!chk.feasible()) {
    return fail(ErrorCode::invalid_input,
                "Modification refusée : " + describe_violation(chk.violations.front()),
                "$.affectations");
  }
  std::set<PlanAssignment> before(a.campaign.assignments.begin(), a.campaign.assignments.end());
  auto st = db_.transact([&](Tx& tx) -> Status {
    MAILLAGE_CHECK(bump(tx, id, version));
    MAILLAGE_CHECK(RosterRepository::delete_assignments(tx, id));
    for (const auto& x : sorted) {
      MAILLAGE_CHECK(
          RosterRepository::insert_assignment(tx, x, before.count(x) ? "solveur" : "manuel"));
    }
    if (status == CampaignStatus::collecting) MAILLAGE_CHECK(RosterRepository::mark_solved(tx, id));
    return store::audit(
        tx, {who.login, "roster.assignments.save", "roster_campaign", std::to_string(id),
             AuditDetail{}.add("assignments", a.campaign.assignments.size()).json(),
             AuditDetail{}.add("assignments", sorted.size()).add("version", version + 1).json()});
  });
  MAILLAGE_CHECK(st);
  return version + 1;
}

}  // namespace maillage::services
