#include "roster/model.hpp"

#include <string>

namespace maillage::roster {

namespace {

std::string at(std::string_view list, std::size_t index, std::string_view member = {}) {
  std::string out = std::string(list) + "[" + std::to_string(index) + "]";
  if (!member.empty()) out += "." + std::string(member);
  return out;
}

tl::unexpected<Error> bad(std::string field, std::string message) {
  return fail(ErrorCode::invalid_input, std::move(message), std::move(field));
}

}  // namespace

int weekday_of(const Model& model, int day) {
  int first = model.first_weekday;
  if (model.start_date) {
    const std::chrono::weekday wd{std::chrono::sys_days{*model.start_date}};
    first = static_cast<int>(wd.iso_encoding()) - 1;
  }
  return (first + day) % 7;
}

Status validate(const Model& model) {
  if (model.days <= 0 || model.days > 3660)
    return bad("days", "l'horizon doit compter entre 1 et 3660 jours");
  if (model.first_weekday < 0 || model.first_weekday > 6)
    return bad("first_weekday", "le jour de la semaine doit être entre 0 (lundi) et 6 (dimanche)");
  if (model.start_date && !model.start_date->ok())
    return bad("start_date", "date de début invalide");
  if (model.shifts.empty()) return bad("shifts", "aucun type de poste n'est défini");
  if (model.fairness_weight < 0) return bad("fairness_weight", "le poids d'équité est négatif");
  const int n_shifts = static_cast<int>(model.shifts.size());
  const int n_staff = static_cast<int>(model.staff.size());
  auto shift_ok = [&](int s) { return s >= 0 && s < n_shifts; };
  auto day_ok = [&](int d) { return d >= 0 && d < model.days; };

  for (std::size_t i = 0; i < model.shifts.size(); ++i) {
    const auto& s = model.shifts[i];
    if (s.id.empty()) return bad(at("shifts", i, "id"), "identifiant de poste vide");
    for (std::size_t j = 0; j < i; ++j)
      if (model.shifts[j].id == s.id)
        return bad(at("shifts", i, "id"), "poste « " + s.id + " » défini deux fois");
    if (s.minutes <= 0 || s.minutes > 24 * 60)
      return bad(at("shifts", i, "minutes"),
                 "la durée du poste « " + s.id + " » doit être entre 1 et 1440 minutes");
    for (int f : s.forbidden_next)
      if (!shift_ok(f)) return bad(at("shifts", i, "forbidden_next"), "poste suivant inconnu");
  }
  for (std::size_t i = 0; i < model.staff.size(); ++i) {
    const auto& p = model.staff[i];
    if (p.id.empty()) return bad(at("staff", i, "id"), "identifiant de personne vide");
    for (std::size_t j = 0; j < i; ++j)
      if (model.staff[j].id == p.id)
        return bad(at("staff", i, "id"), "personne « " + p.id + " » définie deux fois");
    if (!p.max_shifts_per_type.empty() &&
        p.max_shifts_per_type.size() != model.shifts.size())
      return bad(at("staff", i, "max_shifts_per_type"),
                 "il faut un maximum par type de poste (" + std::to_string(n_shifts) + ")");
    for (int m : p.max_shifts_per_type)
      if (m < 0) return bad(at("staff", i, "max_shifts_per_type"), "maximum négatif");
    if (p.min_total_minutes < 0 || p.max_total_minutes < 0)
      return bad(at("staff", i, "total_minutes"), "durée totale négative");
    if (p.min_total_minutes > p.max_total_minutes)
      return bad(at("staff", i, "min_total_minutes"),
                 "le minimum de minutes dépasse le maximum pour « " + p.id + " »");
    if (p.min_consecutive_shifts < 1 || p.max_consecutive_shifts < 1 ||
        p.min_consecutive_shifts > p.max_consecutive_shifts)
      return bad(at("staff", i, "consecutive_shifts"),
                 "bornes de postes consécutifs incohérentes pour « " + p.id + " »");
    if (p.min_consecutive_days_off < 1)
      return bad(at("staff", i, "min_consecutive_days_off"), "doit valoir au moins 1");
    if (p.max_weekends < 0) return bad(at("staff", i, "max_weekends"), "maximum négatif");
    if (p.max_shifts_per_month < 0)
      return bad(at("staff", i, "max_shifts_per_month"), "maximum négatif");
    if (p.max_shifts_per_month != kNoLimit && !model.start_date)
      return bad(at("staff", i, "max_shifts_per_month"),
                 "un plafond mensuel demande une date de début du planning");
    if (p.min_days_off_after_night < 0 || p.min_days_off_after_night > 31)
      return bad(at("staff", i, "min_days_off_after_night"), "doit être entre 0 et 31");
    for (int d : p.days_off)
      if (!day_ok(d)) return bad(at("staff", i, "days_off"), "jour hors de l'horizon");
    for (std::size_t w = 0; w < p.availability.size(); ++w) {
      const auto& win = p.availability[w];
      if (!day_ok(win.first_day) || !day_ok(win.last_day) || win.first_day > win.last_day)
        return bad(at("staff", i, "availability[" + std::to_string(w) + "]"),
                   "fenêtre de disponibilité hors de l'horizon ou inversée");
      for (int s : win.shifts)
        if (!shift_ok(s))
          return bad(at("staff", i, "availability[" + std::to_string(w) + "]"), "poste inconnu");
    }
  }
  auto check_requests = [&](const std::vector<ShiftRequest>& list, std::string_view name,
                            bool any_allowed) -> Status {
    for (std::size_t r = 0; r < list.size(); ++r) {
      const auto& q = list[r];
      if (q.staff < 0 || q.staff >= n_staff)
        return bad(at(name, r, "staff"), "demande pour une personne inconnue");
      if (!day_ok(q.day)) return bad(at(name, r, "day"), "jour hors de l'horizon");
      if (!shift_ok(q.shift) && !(any_allowed && q.shift == kAnyShift))
        return bad(at(name, r, "shift"), "poste inconnu");
      if (q.weight < 0) return bad(at(name, r, "weight"), "poids négatif");
    }
    return {};
  };
  if (auto s = check_requests(model.on_requests, "on_requests", false); !s) return s;
  if (auto s = check_requests(model.off_requests, "off_requests", true); !s) return s;
  for (std::size_t c = 0; c < model.cover.size(); ++c) {
    const auto& q = model.cover[c];
    if (!day_ok(q.day)) return bad(at("cover", c, "day"), "jour hors de l'horizon");
    if (!shift_ok(q.shift)) return bad(at("cover", c, "shift"), "poste inconnu");
    if (q.requirement < 0) return bad(at("cover", c, "requirement"), "besoin négatif");
    if (q.under_weight < 0 || q.over_weight < 0)
      return bad(at("cover", c, "weight"), "poids négatif");
  }
  return {};
}

}  // namespace maillage::roster
