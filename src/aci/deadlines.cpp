#include "aci/deadlines.hpp"

#include <algorithm>

namespace maillage::aci {

std::string_view to_string(DeadlineStatus s) {
  switch (s) {
    case DeadlineStatus::on_time:
      return "a_l_heure";
    case DeadlineStatus::late:
      return "en_retard";
    case DeadlineStatus::overdue:
      return "echeance_depassee";
    case DeadlineStatus::pending:
      return "a_venir";
    case DeadlineStatus::planned_late:
      return "prevu_en_retard";
    case DeadlineStatus::no_deadline:
      return "sans_echeance";
  }
  return "sans_echeance";
}

std::string_view status_label(std::string_view id) {
  if (id == "a_l_heure") return "à l'heure";
  if (id == "en_retard") return "réalisé en retard";
  if (id == "echeance_depassee") return "échéance dépassée";
  if (id == "a_venir") return "à venir";
  if (id == "prevu_en_retard") return "prévu après l'échéance";
  if (id == "sans_echeance") return "sans échéance";
  return id;
}

namespace {

Milestone milestone(std::optional<Date> deadline, std::optional<Date> date, Date as_of) {
  Milestone m;
  m.deadline = deadline;
  m.date = date;
  if (!deadline) return m;
  // A date after `as_of` is a plan, not a fact.
  bool done = date && days_between(*date, as_of) >= 0;
  if (done) {
    m.days_late = std::max<std::int64_t>(0, days_between(*deadline, *date));
    m.status = m.days_late > 0 ? DeadlineStatus::late : DeadlineStatus::on_time;
  } else if (days_between(*deadline, as_of) > 0) {
    m.status = DeadlineStatus::overdue;
    m.days_late = days_between(*deadline, as_of);
  } else if (date && days_between(*deadline, *date) > 0) {
    m.status = DeadlineStatus::planned_late;
    m.days_late = days_between(*deadline, *date);
  } else {
    m.status = DeadlineStatus::pending;
  }
  return m;
}

}  // namespace

Result<std::vector<MissionDeadlines>> check_deadlines(const CptsContract& c, const RuleBook& rules,
                                                      Date as_of) {
  if (auto ok = validate(c, rules); !ok) return tl::unexpected(ok.error());
  // Versions in force on `as_of`, each with the date it applies from.
  std::vector<std::pair<const Accord*, Date>> versions{{rules.find(c.accord), c.signature}};
  for (const auto& ch : c.avenants) {
    if (days_between(ch.from, as_of) >= 0) versions.emplace_back(rules.find(ch.accord), ch.from);
  }
  std::vector<MissionDeadlines> out;
  for (const auto& mr : versions.back().first->missions) {
    const ContractMission* cm = nullptr;
    for (const auto& m : c.missions) {
      if (m.mission == mr.id) cm = &m;
    }
    if (!cm && mr.category != MissionCategory::socle) continue;
    // Delays run from the first version (of those in force) that has the mission.
    const MissionRules* rule = nullptr;
    Date from = c.signature;
    for (const auto& [accord, applies] : versions) {
      if (!rule && (rule = accord->mission(mr.id))) from = applies;
    }
    // A mission a contractual avenant adds counts its delays from the avenant's date.
    for (const auto& a : c.amendments) {
      bool adds = std::find(a.missions.begin(), a.missions.end(), mr.id) != a.missions.end();
      if (adds && days_between(from, a.from) > 0) from = a.from;
    }
    MissionDeadlines d;
    d.mission = mr.id;
    d.label = mr.label;
    d.category = mr.category;
    d.in_contract = cm != nullptr;
    d.counted_from = from;
    std::optional<Date> start_deadline;
    std::optional<Date> deploy_deadline;
    if (rule->start_within_months)
      start_deadline = add_months(from, rule->start_within_months->value);
    if (rule->deploy_within_months) {
      deploy_deadline = add_months(from, rule->deploy_within_months->value);
    }
    if (cm && cm->start_deadline) start_deadline = cm->start_deadline;
    if (cm && cm->deploy_deadline) deploy_deadline = cm->deploy_deadline;
    d.start = milestone(start_deadline, cm ? cm->start : std::nullopt, as_of);
    d.deploy = milestone(deploy_deadline, cm ? cm->deployed : std::nullopt, as_of);
    out.push_back(std::move(d));
  }
  // Missions of the contract that only a later avenant (not yet in force on `as_of`) defines.
  for (const auto& m : c.missions) {
    bool listed = false;
    for (const auto& d : out) listed = listed || d.mission == m.mission;
    if (listed) continue;
    MissionDeadlines d;
    d.mission = m.mission;
    d.in_contract = true;
    d.counted_from = c.signature;
    std::optional<Date> start_deadline = m.start_deadline;
    std::optional<Date> deploy_deadline = m.deploy_deadline;
    for (const auto& ch : c.avenants) {
      if (const MissionRules* mr = rules.find(ch.accord)->mission(m.mission)) {
        d.label = mr->label;
        d.category = mr->category;
        d.counted_from = ch.from;
        if (!start_deadline && mr->start_within_months) {
          start_deadline = add_months(ch.from, mr->start_within_months->value);
        }
        if (!deploy_deadline && mr->deploy_within_months) {
          deploy_deadline = add_months(ch.from, mr->deploy_within_months->value);
        }
        break;
      }
    }
    d.start = milestone(start_deadline, m.start, as_of);
    d.deploy = milestone(deploy_deadline, m.deployed, as_of);
    out.push_back(std::move(d));
  }
  return out;
}

std::string deadlines_csv(const std::vector<MissionDeadlines>& list) {
  std::string out = "mission,milestone,deadline,date,status,days_late\n";
  auto opt = [](const std::optional<Date>& d) { return d ? format_date(*d) : std::string(); };
  for (const auto& d : list) {
    for (const auto& [name, m] :
         {std::pair{"demarrage", &d.start}, std::pair{"deploiement", &d.deploy}}) {
      out += d.mission + "," + name + "," + opt(m->deadline) + "," + opt(m->date) + "," +
             std::string(to_string(m->status)) + "," + std::to_string(m->days_late) + "\n";
    }
  }
  return out;
}

}  // namespace maillage::aci
