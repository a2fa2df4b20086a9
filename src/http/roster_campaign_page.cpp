// The campaign page of the permanences: availability grid, review of the roster with its checks,
// swaps, the viewer's slots (see roster_feature.hpp).
#include <fmt/format.h>

#include <map>
#include <set>

#include "common/try.hpp"
#include "http/roster_feature.hpp"

namespace maillage::http::roster_http {

using services::Role;

namespace {

using S = services::CampaignStatus;

// The campaign's members and slots by id (operator[] as the page always used it).
struct Lookup {
  std::map<std::int64_t, const services::PlanMember*> member_of;
  std::map<std::int64_t, const services::PlanSlot*> slot_of;
  explicit Lookup(const services::Campaign& c) {
    for (const auto& m : c.plan.members) member_of[m.id] = &m;
    for (const auto& s : c.plan.slots) slot_of[s.id] = &s;
  }
};

// Availability grid of one member: one rendered cell per slot of their profession.
Result<json> availability_grid(const Templates& templates, const services::Campaign& c, Lookup& at,
                               std::int64_t grid_member, bool grid_editable) {
  auto& member_of = at.member_of;
  json grid = json::array();
  if (grid_member != 0 && member_of.count(grid_member)) {
    std::map<std::int64_t, services::SlotWish> wishes;
    for (const auto& a : c.plan.availability) {
      if (a.member_id == grid_member) wishes[a.slot_id] = a.wish;
    }
    std::string current_day;
    for (const auto& s : c.plan.slots) {
      if (s.profession != member_of[grid_member]->profession) continue;
      auto w = wishes.find(s.id);
      json cell =
          cell_json(c.id, s, grid_member,
                    w == wishes.end() ? std::nullopt : std::optional{w->second}, grid_editable);
      auto html = MAILLAGE_TRY(templates.render("permanence_cellule", cell));
      grid.push_back(
          {{"html", html}, {"jour", cell["date"]}, {"nouveau_jour", s.day != current_day}});
      current_day = s.day;
    }
  }
  return grid;
}

json members_json(const services::Campaign& c, std::int64_t grid_member) {
  json members = json::array();
  for (const auto& m : c.plan.members) {
    members.push_back(
        {{"id", m.id},
         {"nom", m.name},
         {"profession", m.profession},
         {"plafond", m.monthly_cap ? std::to_string(*m.monthly_cap) : std::string("—")},
         {"compte", m.user_id != 0},
         {"choisi", m.id == grid_member}});
  }

  return members;
}

// Review: slots with their people, fairness and open slots (from the check of the roster).
struct Review {
  json review = json::array();
  json loads = json::array();
  json open = json::array();
  json violations = json::array();
  double spread = 0;
};

Result<Review> review_of(services::RosterCampaigns& campaigns, const services::Principal& who,
                         const services::Campaign& c, Lookup& at) {
  auto& member_of = at.member_of;
  auto& slot_of = at.slot_of;
  Review out;
  json& review = out.review;
  json& loads = out.loads;
  json& open = out.open;
  json& violations = out.violations;
  double& spread = out.spread;
  {
    auto chk = MAILLAGE_TRY(campaigns.check_current(who, c.id));
    std::map<std::int64_t, std::vector<std::int64_t>> people;
    for (const auto& a : c.assignments) people[a.slot_id].push_back(a.member_id);
    std::map<std::int64_t, int> missing;
    for (const auto& o : chk.open) missing[o.slot_id] = o.missing;
    // The last job's explanations of open slots, when the roster is still the job's.
    std::map<std::int64_t, std::string> why;
    if (c.can_manage) {
      if (auto job = campaigns.latest_job(who, c.id); job && *job && (*job)->status == "done") {
        if ((*job)->result) {
          for (const auto& o : (*job)->result->open) why[o.slot_id] = o.explanation;
        }
      }
    }
    for (const auto& s : c.plan.slots) {
      json names = json::array();
      for (auto m : people[s.id]) {
        names.push_back({{"id", m},
                         {"nom", member_of.count(m) ? member_of[m]->name : "?"},
                         {"moi", m == c.my_member_id}});
      }
      json candidates = json::array();
      for (const auto& m : c.plan.members) {
        if (m.profession == s.profession) candidates.push_back({{"id", m.id}, {"nom", m.name}});
      }
      review.push_back({{"id", s.id},
                        {"date", short_date(s.day)},
                        {"jour", s.day},
                        {"horaires", slot_hours(s)},
                        {"titre", slot_title(s)},
                        {"profession", s.profession},
                        {"nombre", s.required},
                        {"personnes", std::move(names)},
                        {"candidats", std::move(candidates)},
                        {"manquants", missing[s.id]},
                        {"incomplet", missing[s.id] > 0},
                        {"raison", why.count(s.id) ? why[s.id] : std::string()}});
    }
    for (const auto& l : chk.loads) {
      const auto* m = member_of.count(l.member_id) ? member_of[l.member_id] : nullptr;
      loads.push_back({{"nom", m ? m->name : "?"},
                       {"profession", m ? m->profession : ""},
                       {"creneaux", l.assigned},
                       {"heures", hours_text(l.hours)},
                       {"jours", l.available_days},
                       {"charge", fmt::format("{:.2f}", l.load)}});
    }
    for (const auto& o : chk.open) {
      const auto* s = slot_of[o.slot_id];
      open.push_back({{"date", short_date(s->day)},
                      {"titre", slot_title(*s)},
                      {"horaires", slot_hours(*s)},
                      {"profession", s->profession},
                      {"manquants", o.missing},
                      {"raison", why.count(o.slot_id) ? why[o.slot_id] : o.explanation}});
    }
    for (const auto& v : chk.violations) violations.push_back({{"message", v.message}});
    spread = chk.spread;
  }

  return out;
}

// Swaps: history, with what the manager may decide.
json swaps_json(const std::vector<services::SwapInfo>& list, const services::Campaign& c,
                Lookup& at) {
  auto& member_of = at.member_of;
  auto& slot_of = at.slot_of;
  json swaps = json::array();
  {
    for (const auto& s : list) {
      auto name = [&](std::int64_t m) { return member_of.count(m) ? member_of[m]->name : "?"; };
      const auto* slot = slot_of.count(s.slot_id) ? slot_of[s.slot_id] : nullptr;
      const auto* other = slot_of.count(s.other_slot_id) ? slot_of[s.other_slot_id] : nullptr;
      swaps.push_back(
          {{"id", s.id},
           {"version", s.version},
           {"texte",
            other ? fmt::format("{} cède {} {} à {} et reprend son {} {}", name(s.from_member_id),
                                slot ? short_date(slot->day) : "", slot ? slot_hours(*slot) : "",
                                name(s.to_member_id), short_date(other->day), slot_hours(*other))
                  : fmt::format("{} se fait remplacer par {} le {} {}", name(s.from_member_id),
                                name(s.to_member_id), slot ? short_date(slot->day) : "",
                                slot ? slot_hours(*slot) : "")},
           {"statut", s.status},
           {"statut_libelle", s.status == "proposee"    ? "proposé"
                              : s.status == "approuvee" ? "approuvé"
                                                        : "refusé"},
           {"a_decider", c.can_manage && s.status == "proposee"},
           {"commentaire", s.comment},
           {"propose_par", s.proposed_by},
           {"date", s.created_at.substr(0, 10)}});
    }
  }
  return swaps;
}

// The viewer's own slots on a published roster, with the replacements and swaps they may propose.
json my_slots_json(const services::Campaign& c, Lookup& at) {
  auto& member_of = at.member_of;
  auto& slot_of = at.slot_of;
  json my_slots = json::array();
  if (c.my_member_id != 0 && (c.status == S::published)) {
    const auto& me = *member_of[c.my_member_id];
    std::map<std::int64_t, std::vector<std::int64_t>> holders;
    for (const auto& a : c.assignments) holders[a.slot_id].push_back(a.member_id);
    for (const auto& a : c.assignments) {
      if (a.member_id != c.my_member_id) continue;
      const auto* s = slot_of[a.slot_id];
      json options = json::array();
      for (const auto& m : c.plan.members) {
        if (m.id == me.id || m.profession != me.profession) continue;
        options.push_back(
            {{"valeur", fmt::format("{}:0", m.id)}, {"libelle", "Remplacement par " + m.name}});
      }
      for (const auto& b : c.assignments) {
        if (b.member_id == me.id || member_of[b.member_id]->profession != me.profession) continue;
        const auto* o = slot_of[b.slot_id];
        options.push_back(
            {{"valeur", fmt::format("{}:{}", b.member_id, b.slot_id)},
             {"libelle", fmt::format("Échange avec {} ({} {})", member_of[b.member_id]->name,
                                     short_date(o->day), slot_hours(*o))}});
      }
      my_slots.push_back({{"creneau", s->id},
                          {"date", short_date(s->day)},
                          {"horaires", slot_hours(*s)},
                          {"titre", slot_title(*s)},
                          {"options", std::move(options)}});
    }
  }

  return my_slots;
}

// Months of the period, for the printable grid.
json months_json(const services::Campaign& c) {
  json months = json::array();
  if (auto first = services::parse_day(c.plan.settings.first_day),
      last = services::parse_day(c.plan.settings.last_day);
      first && last) {
    std::set<std::string> seen;
    for (int d = *first; d <= *last; ++d) {
      std::string m = services::format_day(d).substr(0, 7);
      if (seen.insert(m).second) months.push_back({{"mois", m}});
    }
  }
  return months;
}

}  // namespace

Result<Response> RosterFeature::page_campaign(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  const auto& who = *ctx.principal();
  auto got = MAILLAGE_TRY(campaigns_.get(who, id));
  const services::Campaign& c = got;
  Lookup at(c);
  auto& member_of = at.member_of;

  // Availability grid: for the viewer's own member row, or the member a manager picked.
  std::int64_t grid_member = c.my_member_id;
  if (c.can_manage) {
    grid_member = int_or(ctx.request.query_value("membre"), c.my_member_id);
    if (!member_of.count(grid_member) && !c.plan.members.empty())
      grid_member = c.plan.members.front().id;
  }
  const bool grid_editable =
      grid_member != 0 && ((c.can_manage && c.status != S::published) ||
                           (grid_member == c.my_member_id && c.status == S::collecting));
  auto grid = MAILLAGE_TRY(availability_grid(site_.templates, c, at, grid_member, grid_editable));
  json members = members_json(c, grid_member);
  Review rv;
  bool show_roster = !c.assignments.empty() || c.status == S::solved || c.status == S::published;
  if (show_roster && (c.can_manage || c.status == S::published)) {
    rv = MAILLAGE_TRY(review_of(campaigns_, who, c, at));
  }
  json swaps = json::array();
  if (c.status == S::published || c.status == S::solved) {
    auto list = MAILLAGE_TRY(campaigns_.swaps(who, c.id));
    swaps = swaps_json(list, c, at);
  }
  json my_slots = my_slots_json(c, at);
  json months = months_json(c);
  const bool can_export = c.can_manage || c.status == S::published;
  json data{
      {"titre", c.name},
      {"campagne", campaign_json(c)},
      {"id", c.id},
      {"version", c.version},
      {"structure", c.structure_name},
      {"statut", services::campaign_status_id(c.status)},
      {"statut_libelle", services::campaign_status_label(c.status)},
      {"periode", fmt::format("du {} au {}", services::french_long_date(c.plan.settings.first_day),
                              services::french_long_date(c.plan.settings.last_day))},
      {"description", c.description},
      {"gerer", c.can_manage},
      {"brouillon", c.status == S::draft},
      {"collecte", c.status == S::collecting},
      {"resolu", c.status == S::solved},
      {"publie", c.status == S::published},
      {"peut_calculer", c.can_manage && (c.status == S::collecting || c.status == S::solved)},
      {"nombre_creneaux", c.plan.slots.size()},
      {"nombre_membres", c.plan.members.size()},
      {"membres", members},
      {"grille", grid},
      {"a_grille", !grid.empty()},
      {"grille_modifiable", grid_editable},
      {"grille_nom", member_of.count(grid_member) ? member_of[grid_member]->name : ""},
      {"grille_membre", grid_member},
      {"message_saisie", ctx.request.query_value("message").value_or("")},
      {"afficher_planning", !rv.review.empty()},
      {"planning", rv.review},
      {"modifiable", c.can_manage && c.status == S::solved},
      {"charges", rv.loads},
      {"ecart", fmt::format("{:.2f}", rv.spread)},
      {"ouverts", rv.open},
      {"a_ouverts", !rv.open.empty()},
      {"violations", rv.violations},
      {"a_violations", !rv.violations.empty()},
      {"echanges", swaps},
      {"a_echanges", !swaps.empty()},
      {"mes_creneaux", my_slots},
      {"a_mes_creneaux", !my_slots.empty()},
      {"mon_membre", c.my_member_id == 0 ? json(nullptr) : json(c.my_member_id)},
      {"exporter", can_export && !c.assignments.empty()},
      {"mois", months},
  };
  if (c.can_manage) {
    auto job = MAILLAGE_TRY(job_fragment(who, c.id, false, nullptr));
    data["calcul"] = job;
  }
  auto html = MAILLAGE_TRY(site_.render_page("permanence", data, ctx));
  Response r = Response::html(std::move(html));
  r.set_header("Cache-Control", "no-store");
  return r;
}

}  // namespace maillage::http::roster_http
