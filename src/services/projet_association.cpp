// The association's data as the projet de santé's governance, members and working-group blocks
// show them (projet::AssociationFacts), read through the association services with the reader's
// own rights: names for those who manage the association, counts for the others.
#include "services/projet_association.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/dates.hpp"
#include "services/association.hpp"
#include "services/association_work.hpp"

namespace maillage::services {

namespace {

std::string weighting_label(const std::string& mode) {
  return mode == "fixed_share"
             ? "chaque collège dispose d'une part fixe des voix, répartie entre ses membres"
             : "une voix par membre";
}

std::string period_label(const std::string& period) {
  return period == "rolling_12_months" ? "12 mois glissants à compter du paiement"
                                       : "année civile";
}

std::size_t rank_of(const std::vector<Choice>& list, const std::string& id) {
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (list[i].id == id) return i;
  }
  return list.size();
}

std::string member_profession(const Member& m) {
  if (m.data.kind == "legal_person") {
    return association_label(association_legal_kinds(), m.data.legal_kind);
  }
  return m.profession_label;
}

}  // namespace

std::optional<projet::AssociationFacts> projet_association_facts(Association* association,
                                                                 const AssociationWork* work,
                                                                 const Principal& who,
                                                                 std::int64_t structure) {
  if (association == nullptr) return std::nullopt;
  auto roster = association->roster(who, structure);
  if (!roster) return std::nullopt;  // the reader may not see the association: no block data

  projet::AssociationFacts a;
  a.as_of = format_date(today_utc());
  const StatutsView& st = roster->statuts;
  a.statuts_defined = st.defined;
  a.weighting = weighting_label(st.statuts.weight_mode);
  a.period = period_label(st.statuts.period);
  a.names_visible = st.access == AssociationAccess::manage;
  a.active_members = roster->active;

  for (const auto& c : st.statuts.colleges) {
    projet::CollegeFacts f;
    f.name = c.name;
    if (st.statuts.weight_mode == "fixed_share") {
      f.weight = fmt::format("{} / {} des voix", c.share_num, c.share_den);
    }
    for (const auto& p : c.professions) {
      f.professions.push_back(association_label(association_professions(), p));
    }
    for (const auto& k : c.legal_kinds) {
      f.professions.push_back(association_label(association_legal_kinds(), k));
    }
    for (const auto& row : roster->by_college) {
      if (row.key == c.id) f.members = row.count;
    }
    a.colleges.push_back(std::move(f));
  }

  if (a.names_visible) {
    std::vector<const Member*> bureau;
    for (const auto& g : roster->colleges) {
      for (const auto& m : g.members) {
        if (!m.data.radiated.empty()) continue;
        a.members.push_back({m.display_name, member_profession(m), m.commune_name, m.college_name});
        if (!m.data.bureau.empty()) bureau.push_back(&m);
      }
    }
    std::sort(a.members.begin(), a.members.end(),
              [](const auto& x, const auto& y) { return x.name < y.name; });
    const auto& functions = association_bureau_functions();
    std::stable_sort(bureau.begin(), bureau.end(), [&](const Member* x, const Member* y) {
      const auto rx = rank_of(functions, x->data.bureau), ry = rank_of(functions, y->data.bureau);
      return rx != ry ? rx < ry : x->display_name < y->display_name;
    });
    for (const Member* m : bureau) {
      a.bureau.push_back({association_label(functions, m->data.bureau), m->display_name,
                          member_profession(*m)});
    }
  }

  // Members by profession against the territory's professionals, counted as the association's
  // own membership-rate page counts them; without an RPPS snapshot, the counts alone.
  if (auto rate = association->membership_rate(who, structure)) {
    a.rate_date = rate->snapshot_date;
    for (const auto& r : rate->rows) {
      a.by_profession.push_back({r.label, r.members, r.professionals, r.rate});
    }
    if (rate->total.professionals > 0) {
      a.by_profession.push_back({"Ensemble des professions ci-dessus", rate->total.members,
                                 rate->total.professionals, rate->total.rate});
    }
    if (rate->members_elsewhere > 0) {
      a.by_profession.push_back(
          {"Autres professions", rate->members_elsewhere, std::nullopt, std::nullopt});
    }
    for (const auto& row : roster->by_profession) {
      if (row.key == "personne_morale") {
        a.by_profession.push_back({row.label, row.count, std::nullopt, std::nullopt});
      }
    }
  } else {
    for (const auto& row : roster->by_profession) {
      a.by_profession.push_back({row.label, row.count, std::nullopt, std::nullopt});
    }
  }

  if (work != nullptr) {
    if (auto groups = work->groups(who, structure)) {
      for (const auto& g : groups->groups) {
        a.groups.push_back({g.name, g.mission_label, g.pilots, g.members, g.meetings,
                            g.next_meeting});
      }
    }
  }
  return a;
}

}  // namespace maillage::services
