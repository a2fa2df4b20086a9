#include "registry/alerts.hpp"

#include <algorithm>
#include <tuple>

namespace maillage::registry {

namespace {

std::string quoted(std::string_view s) { return "« " + std::string(s) + " »"; }

std::string in_days(std::int64_t n) {
  if (n == 1) return "demain";
  return "dans " + std::to_string(n) + " jours";
}

// "1er", "2e", "3e"...: French ordinals for the {n} of anniversary labels.
std::string ordinal(int n) { return std::to_string(n) + (n == 1 ? "er" : "e"); }

std::string with_rank(std::string label, int n) {
  const auto pos = label.find("{n}");
  if (pos != std::string::npos) label.replace(pos, 3, ordinal(n));
  return label;
}

bool applies_in(const std::vector<std::string>& while_in, const std::string& state) {
  return while_in.empty() || std::find(while_in.begin(), while_in.end(), state) != while_in.end();
}

AlertStatus status_of(std::int64_t days_left) {
  if (days_left < 0) return AlertStatus::overdue;
  return days_left == 0 ? AlertStatus::due : AlertStatus::upcoming;
}

}  // namespace

std::string_view to_string(AlertType t) {
  switch (t) {
    case AlertType::implicit_transition:
      return "implicit_transition";
    case AlertType::deadline:
      return "deadline";
    case AlertType::anniversary:
      return "anniversary";
  }
  return "?";
}

std::string_view to_string(AlertStatus s) {
  switch (s) {
    case AlertStatus::upcoming:
      return "upcoming";
    case AlertStatus::due:
      return "due";
    case AlertStatus::overdue:
      return "overdue";
  }
  return "?";
}

Result<std::vector<Alert>> compute_alerts(const Lifecycles& lifecycles,
                                          std::span<const StructureRecord> structures,
                                          const AlertSettings& settings) {
  if (!settings.as_of.ok())
    return fail(ErrorCode::invalid_input, "date de référence invalide", "as_of");
  if (settings.horizon_days && *settings.horizon_days < 0) {
    return fail(ErrorCode::invalid_input, "l'horizon des alertes doit être positif",
                "horizon_days");
  }
  const Date as_of = settings.as_of;
  std::vector<Alert> out;
  for (std::size_t i = 0; i < structures.size(); ++i) {
    const StructureRecord& s = structures[i];
    const std::string who = "Structure " + quoted(s.name) + " (" + s.id + ")";
    const Lifecycle* lc = lifecycles.find(s.kind);
    if (lc == nullptr) {
      return fail(ErrorCode::invalid_input,
                  who + " : type de structure " + quoted(s.kind) + " inconnu",
                  "structures[" + std::to_string(i) + "].kind");
    }
    auto state = replay(*lc, s.history);
    if (!state) {
      return fail(ErrorCode::invalid_input, who + " : " + state.error().message,
                  "structures[" + std::to_string(i) + "]." + state.error().field);
    }
    if (lc->state(state->state)->terminal) continue;  // abandoned or dissolved: nothing is due

    auto base = [&](AlertType type, std::string rule, std::string label, Date due,
                    const Provenance& p) {
      Alert a;
      a.structure_id = s.id;
      a.structure_name = s.name;
      a.kind = s.kind;
      a.type = type;
      a.rule = std::move(rule);
      a.label = std::move(label);
      a.due = due;
      a.days_left = days_between(as_of, due);
      a.status = status_of(a.days_left);
      a.verified = p.verified;
      return a;
    };

    if (const TimerRule* t = lc->timer_in(state->state); t != nullptr && state->since) {
      const Date due = add_delay(*state->since, t->after);
      const std::int64_t left = days_between(as_of, due);
      if (left <= settings.horizon_days.value_or(t->notice_days)) {
        Alert a = base(AlertType::implicit_transition, t->id, t->label, due, t->provenance);
        const std::string target = quoted(lc->state(t->to)->label);
        if (a.status == AlertStatus::overdue) {
          a.message = s.name + " : l'étape " + target + " s'applique d'office depuis le " +
                      format_date_fr(due) + " (" + t->label + ") ; à enregistrer.";
        } else if (a.status == AlertStatus::due) {
          a.message = s.name + " : l'étape " + target + " s'appliquera d'office à la fin de la " +
                      "journée (" + t->label + "), sauf décision d'ici là.";
        } else {
          a.message = s.name + " : l'étape " + target + " s'appliquera d'office le " +
                      format_date_fr(due) + ", " + in_days(left) + " (" + t->label +
                      "), sauf décision d'ici là.";
        }
        out.push_back(std::move(a));
      }
    }

    for (const DeadlineRule& d : lc->deadlines) {
      if (!applies_in(d.while_in, state->state)) continue;
      const auto start = entered(s.history, d.counted_from);
      if (!start || s.milestones.contains(d.milestone)) continue;
      const Date due = add_delay(*start, d.within);
      const std::int64_t left = days_between(as_of, due);
      // An overdue deadline stays on the list until its milestone is recorded.
      if (left > settings.horizon_days.value_or(d.notice_days)) continue;
      Alert a = base(AlertType::deadline, d.id, d.label, due, d.provenance);
      const std::string origin = describe_delay(d.within) + " après l'étape " +
                                 quoted(lc->state(d.counted_from)->label) + " du " +
                                 format_date_fr(*start);
      if (a.status == AlertStatus::overdue) {
        a.message = s.name + " : " + d.label + " en retard de " + std::to_string(-left) +
                    " jours (échéance du " + format_date_fr(due) + ", " + origin + ").";
      } else {
        a.message = s.name + " : " + d.label + " au plus tard le " + format_date_fr(due) + ", " +
                    (left == 0 ? std::string("aujourd'hui") : in_days(left)) + " (" + origin + ").";
      }
      out.push_back(std::move(a));
    }

    for (const AnniversaryRule& r : lc->anniversaries) {
      if (!applies_in(r.while_in, state->state)) continue;
      const auto start = entered(s.history, r.counted_from);
      if (!start) continue;
      const int horizon = settings.horizon_days.value_or(r.notice_days);
      for (int n = 1; n <= r.count; ++n) {
        const Date due = add_months(*start, n * r.every_months);
        const std::int64_t left = days_between(as_of, due);
        if (left < 0) continue;  // a past anniversary is history, not a task
        if (left > horizon) break;
        const std::string label =
            n == r.count && !r.final_label.empty() ? r.final_label : with_rank(r.label, n);
        Alert a = base(AlertType::anniversary, r.id, label, due, r.provenance);
        a.rank = n;
        a.message = s.name + " : " + label + " le " + format_date_fr(due) + ", " +
                    (left == 0 ? std::string("aujourd'hui") : in_days(left)) + ".";
        out.push_back(std::move(a));
      }
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const Alert& a, const Alert& b) {
    return std::tie(a.due, a.structure_id, a.rule, a.rank) <
           std::tie(b.due, b.structure_id, b.rule, b.rank);
  });
  return out;
}

}  // namespace maillage::registry
