// Swaps and replacements on a solved or published roster, and the roster's export entries: the
// part of RosterCampaigns (roster_campaigns.hpp) that works on the roster once it exists. Every
// proposal and decision goes through the independent checker.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/try.hpp"
#include "services/roster_campaigns.hpp"
#include "services/roster_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using roster_detail::forbidden_unless;
using store::AuditDetail;
using store::Tx;

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
  auto next = MAILLAGE_TRY(apply_swap(full.assignments, s));
  auto mapped = MAILLAGE_TRY(map_plan(full.plan));
  auto chk = check_plan(mapped, full.plan, next);
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
  auto a = MAILLAGE_TRY(access(who, id));
  NewSwap s = in;
  if (!a.manage) {
    if (a.member_id == 0)
      return fail(ErrorCode::forbidden, "Vous n'êtes pas invité à cette campagne.");
    if (s.from_member_id != 0 && s.from_member_id != a.member_id) {
      return fail(ErrorCode::forbidden, "Vous ne proposez d'échange que pour vos créneaux.",
                  "$.de_membre");
    }
    s.from_member_id = a.member_id;
  } else if (s.from_member_id == 0) {
    return fail(ErrorCode::missing_field, "membre qui cède le créneau requis", "$.de_membre");
  }
  const auto status = a.campaign.status;
  if (status != CampaignStatus::published && status != CampaignStatus::solved) {
    return fail(ErrorCode::invalid_transition,
                "Les échanges portent sur un planning résolu ou publié.");
  }
  if (s.comment.size() > 500)
    return fail(ErrorCode::invalid_input, "commentaire trop long", "$.commentaire");
  auto full = MAILLAGE_TRY(RosterRepository(db_).campaign(id));
  MAILLAGE_CHECK(validated_swap(full, s));
  std::int64_t swap_id = 0;
  auto st = db_.transact([&](Tx& tx) -> Status {
    swap_id = MAILLAGE_TRY(RosterRepository::insert_swap(tx, id, s, who.login));
    return store::audit(
        tx, {who.login, "roster.swap.propose", "roster_swap", std::to_string(swap_id), "",
             AuditDetail{}
                 .add("campaign_id", id)
                 .add("slot_id", s.slot_id)
                 .add("from", s.from_member_id)
                 .add("to", s.to_member_id)
                 .add("other_slot_id", s.other_slot_id)
                 .json()});
  });
  MAILLAGE_CHECK(st);
  return swap_id;
}

Status RosterCampaigns::decide_swap(const Principal& who, std::int64_t id, std::int64_t swap_id,
                                    std::int64_t version, bool approve) {
  auto a = MAILLAGE_TRY(access(who, id));
  MAILLAGE_CHECK(forbidden_unless(a.manage));
  auto found = MAILLAGE_TRY(RosterRepository(db_).swap(id, swap_id));
  if (!found) return fail(ErrorCode::not_found, "Échange introuvable.");
  NewSwap s{found->slot_id, found->from_member_id, found->to_member_id, found->other_slot_id, ""};
  if (found->status != "proposee") {
    return fail(ErrorCode::invalid_transition, "Cet échange a déjà été traité.");
  }
  if (found->version != version) {
    return fail(ErrorCode::conflict, "L'échange a été modifié entre-temps.", "version");
  }
  std::vector<PlanAssignment> next;
  if (approve) {
    // Checked again: the roster may have changed since the proposal.
    auto full = MAILLAGE_TRY(RosterRepository(db_).campaign(id));
    next = MAILLAGE_TRY(validated_swap(full, s));
  }
  return db_.transact([&](Tx& tx) -> Status {
    if (MAILLAGE_TRY(RosterRepository::decide_swap(tx, swap_id, version, approve, who.login)) ==
        0) {
      return fail(ErrorCode::conflict, "L'échange a été traité entre-temps.", "version");
    }
    if (approve) {
      // The roster's version moves too, so a hand edit based on the old roster is refused.
      MAILLAGE_CHECK(RosterRepository::bump(tx, id, a.campaign.version));
      MAILLAGE_CHECK(RosterRepository::delete_assignment(tx, {s.slot_id, s.from_member_id}));
      MAILLAGE_CHECK(
          RosterRepository::insert_assignment(tx, {s.slot_id, s.to_member_id}, "echange"));
      if (s.other_slot_id != 0) {
        MAILLAGE_CHECK(RosterRepository::delete_assignment(tx, {s.other_slot_id, s.to_member_id}));
        MAILLAGE_CHECK(RosterRepository::insert_assignment(tx, {s.other_slot_id, s.from_member_id},
                                                           "echange"));
      }
    }
    return store::audit(
        tx, {who.login, approve ? "roster.swap.approve" : "roster.swap.refuse", "roster_swap",
             std::to_string(swap_id), AuditDetail{}.add("status", "proposee").json(),
             AuditDetail{}.add("status", approve ? "approuvee" : "refusee").json()});
  });
}

Result<std::vector<SwapInfo>> RosterCampaigns::swaps(const Principal& who, std::int64_t id) {
  auto a = MAILLAGE_TRY(access(who, id));
  auto all = MAILLAGE_TRY(RosterRepository(db_).swaps(id));
  std::vector<SwapInfo> out;
  for (auto& s : all) {
    // A member sees the swaps that concern them; managers and readers see all.
    if (!a.manage && who.role == Role::member && s.from_member_id != a.member_id &&
        s.to_member_id != a.member_id) {
      continue;
    }
    out.push_back(std::move(s));
  }
  return out;
}

Result<std::vector<ExportEntry>> RosterCampaigns::export_entries(const Principal& who,
                                                                 std::int64_t id,
                                                                 std::int64_t member_id) {
  auto a = MAILLAGE_TRY(access(who, id));
  const Campaign& c = a.campaign;
  if (!a.manage && c.status != CampaignStatus::published) {
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
