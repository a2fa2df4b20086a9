#include "aci/contract.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace maillage::aci {

namespace {

// Builds errors that name the field, and the file and line when the contract came from a file.
class Checker {
 public:
  Checker(std::string_view file, const LineOf& line_of) : file_(file), line_of_(line_of) {}

  tl::unexpected<Error> operator()(const std::string& field, std::string msg,
                                   ErrorCode code = ErrorCode::invalid_input) const {
    return tl::unexpected(
        Error{code, std::move(msg), field, file_, line_of_ ? line_of_(field) : 0});
  }

 private:
  std::string file_;
  const LineOf& line_of_;
};

bool all_of(std::string_view s, bool (*pred)(char)) {
  for (char ch : s) {
    if (!pred(ch)) return false;
  }
  return true;
}

bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

// Indicator values are counts, rates or amounts: a bound keeps every difference and weighted sum
// finite, so that achievement rates never become NaN or infinite.
constexpr double kMaxIndicatorValue = 1e12;
constexpr double kMaxWeight = 1e6;

bool in_range(double v) { return std::isfinite(v) && std::fabs(v) <= kMaxIndicatorValue; }
bool is_finess_char(char ch) { return is_digit(ch) || ch == 'A' || ch == 'B'; }

Status check_party(const Party& p, const std::string& field, const Checker& err) {
  if (p.name.empty()) {
    return err(field + ".name", "nom de la partie manquant", ErrorCode::missing_field);
  }
  if (!p.finess.empty() && (p.finess.size() != 9 || !all_of(p.finess, is_finess_char))) {
    return err(field + ".finess", "numéro FINESS invalide (9 caractères) : « " + p.finess + " »");
  }
  if (!p.rna.empty() &&
      (p.rna.size() != 10 || p.rna[0] != 'W' || !all_of(p.rna.substr(1), is_digit))) {
    return err(field + ".rna", "numéro RNA invalide (W suivi de 9 chiffres) : « " + p.rna + " »");
  }
  if (!p.siret.empty() && (p.siret.size() != 14 || !all_of(p.siret, is_digit))) {
    return err(field + ".siret", "numéro SIRET invalide (14 chiffres) : « " + p.siret + " »");
  }
  return {};
}

Status check_amount(std::optional<Cents> amount, const std::string& field, const Checker& err) {
  if (amount && *amount < 0) return err(field, "montant négatif : " + format_euros(*amount));
  if (amount && *amount > kMaxCents) return err(field, "montant trop grand");
  return {};
}

std::string known_ids(const RuleBook& rules, AccordKind kind) {
  std::string out;
  for (const auto& a : rules.accords) {
    if (a.kind != kind) continue;
    out += (out.empty() ? "" : ", ") + a.id;
  }
  return out;
}

Result<const Accord*> find_accord(const RuleBook& rules, const std::string& id, AccordKind kind,
                                  const std::string& field, const Checker& err) {
  const Accord* a = rules.find(id);
  if (!a || a->kind != kind) {
    return err(field, "accord inconnu « " + id + " » (versions " + std::string(to_string(kind)) +
                          " disponibles : " + known_ids(rules, kind) + ")");
  }
  return a;
}

// The direction an indicator moves in: given, or from the baseline towards the final target.
Result<Direction> direction_of(const Indicator& ind, const IndicatorYear& y,
                               const std::string& field, const Checker& err) {
  double target = y.paliers.back();
  std::optional<Direction> implied;
  if (target > ind.baseline) implied = Direction::increase;
  if (target < ind.baseline) implied = Direction::decrease;
  if (ind.direction && implied && *ind.direction != *implied) {
    return err(field + ".paliers", "la cible finale va dans le sens contraire de « direction »");
  }
  if (ind.direction) return *ind.direction;
  if (!implied) {
    return err(field + ".paliers",
               "cible égale à la valeur de référence : préciser « direction » (increase ou "
               "decrease)");
  }
  return *implied;
}

Status check_indicator(const Indicator& ind, const std::string& field, int duration,
                       const Checker& err) {
  if (ind.id.empty()) return err(field + ".id", "identifiant manquant", ErrorCode::missing_field);
  if (!(std::isfinite(ind.weight) && ind.weight > 0 && ind.weight <= kMaxWeight)) {
    return err(field + ".weight", "le poids doit être un nombre strictement positif (au plus 1e6)");
  }
  if (!in_range(ind.baseline)) return err(field + ".baseline", "valeur hors limites (±1e12)");
  for (std::size_t r = 0; r < ind.palier_rates.size(); ++r) {
    Ppm rate = ind.palier_rates[r];
    std::string f = field + ".palier_rates[" + std::to_string(r) + "]";
    if (rate < 0 || rate > kPpmOne) return err(f, "taux entre 0 et 100 % attendu");
    if (r > 0 && rate < ind.palier_rates[r - 1]) return err(f, "les taux doivent être croissants");
  }
  std::set<int> years;
  for (std::size_t i = 0; i < ind.years.size(); ++i) {
    const IndicatorYear& y = ind.years[i];
    std::string f = field + ".years[" + std::to_string(i) + "]";
    if (y.year < 1 || y.year > duration) {
      return err(f + ".year", "année de contrat hors du contrat (1 à " + std::to_string(duration) +
                                  ") : " + std::to_string(y.year));
    }
    if (!years.insert(y.year).second) {
      return err(f + ".year", "année " + std::to_string(y.year) + " en double");
    }
    if (y.paliers.empty()) {
      return err(f + ".paliers", "au moins une cible (palier) attendue", ErrorCode::missing_field);
    }
    for (std::size_t p = 0; p < y.paliers.size(); ++p) {
      if (!in_range(y.paliers[p])) {
        return err(f + ".paliers[" + std::to_string(p) + "]", "valeur hors limites (±1e12)");
      }
    }
    auto dir = direction_of(ind, y, f, err);
    if (!dir) return tl::unexpected(dir.error());
    for (std::size_t p = 1; p < y.paliers.size(); ++p) {
      bool ordered = *dir == Direction::increase ? y.paliers[p] >= y.paliers[p - 1]
                                                 : y.paliers[p] <= y.paliers[p - 1];
      if (!ordered) {
        return err(f + ".paliers[" + std::to_string(p) + "]",
                   "les paliers doivent aller de la cible intermédiaire à la cible finale");
      }
    }
    if (!ind.palier_rates.empty() && ind.palier_rates.size() != y.paliers.size()) {
      return err(f + ".paliers", std::to_string(y.paliers.size()) + " palier(s) mais " +
                                     std::to_string(ind.palier_rates.size()) +
                                     " taux dans « palier_rates »");
    }
    if (y.measured && !in_range(*y.measured)) {
      return err(f + ".measured", "valeur hors limites (±1e12)");
    }
  }
  return {};
}

// Contract year (1-based) holding `date`, given the anniversaries.
int year_of(const CptsContract& c, int duration, Date date) {
  for (int k = 1; k <= duration; ++k) {
    if (days_between(date, anniversary(c, k)) > 0) return k;
  }
  return duration + 1;
}

}  // namespace

Date anniversary(const CptsContract& c, int k) {
  // Each anniversary is computed from the signature (not from the previous one), so that a
  // 29 February signature gets 28 February in common years and 29 February again in leap years.
  return add_years(c.signature, k);
}

int duration_years(const CptsContract& c, const RuleBook& rules) {
  if (c.duration_years) return *c.duration_years;
  const Accord* a = rules.find(c.accord);
  return a ? a->contract_years.value : 5;
}

const Accord* accord_on(const CptsContract& c, const RuleBook& rules, Date date) {
  std::string_view id = c.accord;
  for (const auto& change : c.avenants) {
    if (days_between(change.from, date) >= 0) id = change.accord;
  }
  return rules.find(id);
}

const std::string& size_class_on(const CptsContract& c, Date date) {
  const std::string* size = &c.size_class;
  for (const auto& a : c.amendments) {
    if (a.size_class && days_between(a.from, date) >= 0) size = &*a.size_class;
  }
  return *size;
}

namespace {

// Contractual avenants: increasing dates within the contract, a size class the accord in force
// knows, added missions present in the contract and not starting before the avenant.
Status check_amendments(const CptsContract& c, const RuleBook& rules, Date end,
                        const Checker& err) {
  Date previous = c.signature;
  std::set<std::string> added;
  for (std::size_t i = 0; i < c.amendments.size(); ++i) {
    const ContractAmendment& a = c.amendments[i];
    std::string f = "amendments[" + std::to_string(i) + "]";
    if (days_between(previous, a.from) <= 0) {
      return err(f + ".from", "date d'effet (" + format_date(a.from) +
                                  ") à placer après la signature et les avenants précédents");
    }
    if (days_between(a.from, end) <= 0) {
      return err(f + ".from", "date d'effet après la fin du contrat (" + format_date(end) + ")");
    }
    previous = a.from;
    if (!a.size_class && a.missions.empty()) {
      return err(f, "avenant sans changement (taille ou missions)", ErrorCode::missing_field);
    }
    if (a.size_class) {
      const Accord* v = accord_on(c, rules, a.from);
      if (v == nullptr || !v->size_class(*a.size_class)) {
        return err(f + ".size_class", "taille inconnue « " + *a.size_class + " »");
      }
    }
    for (std::size_t k = 0; k < a.missions.size(); ++k) {
      const std::string& id = a.missions[k];
      std::string fm = f + ".missions[" + std::to_string(k) + "]";
      auto m = std::find_if(c.missions.begin(), c.missions.end(),
                            [&](const ContractMission& x) { return x.mission == id; });
      if (m == c.missions.end()) {
        return err(fm, "mission « " + id + " » ajoutée par l'avenant mais absente du contrat");
      }
      if (!added.insert(id).second) {
        return err(fm, "mission « " + id + " » déjà ajoutée par un avenant précédent");
      }
      if (m->start && days_between(a.from, *m->start) < 0) {
        return err(fm, "mission « " + id + " » démarrée (" + format_date(*m->start) +
                           ") avant la date d'effet de l'avenant qui l'ajoute (" +
                           format_date(a.from) + ")");
      }
    }
  }
  return {};
}

}  // namespace

Status validate(const CptsContract& c, const RuleBook& rules, std::string_view file,
                const LineOf& line_of) {
  Checker err(file, line_of);
  if (c.id.empty()) return err("id", "identifiant du contrat manquant", ErrorCode::missing_field);
  if (auto ok = check_party(c.parties.structure, "parties.cpts", err); !ok) return ok;
  if (auto ok = check_party(c.parties.cpam, "parties.cpam", err); !ok) return ok;
  if (auto ok = check_party(c.parties.ars, "parties.ars", err); !ok) return ok;

  auto base = find_accord(rules, c.accord, AccordKind::cpts, "accord", err);
  if (!base) return tl::unexpected(base.error());
  if (days_between((*base)->effective.value, c.signature) < 0) {
    return err("signature", "contrat signé le " + format_date(c.signature) +
                                ", avant l'entrée en vigueur de l'accord " + c.accord + " (" +
                                format_date((*base)->effective.value) + ")");
  }
  if (c.duration_years && (*c.duration_years < 1 || *c.duration_years > 20)) {
    return err("duration_years", "durée entre 1 et 20 ans attendue");
  }
  int duration = duration_years(c, rules);
  Date end = anniversary(c, duration);

  std::vector<const Accord*> versions{*base};
  Date previous = c.signature;
  for (std::size_t i = 0; i < c.avenants.size(); ++i) {
    const AccordChange& ch = c.avenants[i];
    std::string f = "avenants[" + std::to_string(i) + "]";
    auto a = find_accord(rules, ch.accord, AccordKind::cpts, f + ".accord", err);
    if (!a) return tl::unexpected(a.error());
    // Each avenant amends the accord as already amended, so a later version keeps every mission
    // of the earlier ones (the schedule relies on it).
    const std::string& current = versions.back()->id;
    if (*a == versions.back() || !rules.derives_from(**a, current)) {
      return err(f + ".accord", "la version « " + ch.accord + " » ne modifie pas la version « " +
                                    current + " » que suit le contrat à cette date");
    }
    if (days_between(previous, ch.from) <= 0) {
      return err(f + ".from", "date d'application (" + format_date(ch.from) +
                                  ") à placer après la signature et les avenants précédents");
    }
    if (days_between(ch.from, end) <= 0) {
      return err(f + ".from",
                 "date d'application après la fin du contrat (" + format_date(end) + ")");
    }
    previous = ch.from;
    versions.push_back(*a);
  }

  for (const Accord* a : versions) {
    if (!a->size_class(c.size_class)) {
      std::string sizes;
      for (const auto& s : a->size_classes) sizes += (sizes.empty() ? "" : ", ") + s.id;
      return err("size_class", "taille inconnue « " + c.size_class + " » pour l'accord " + a->id +
                                   " (tailles : " + sizes + ")");
    }
  }
  if (c.population && *c.population < 0) return err("population", "population négative");
  if (auto ok = check_amendments(c, rules, end, err); !ok) return ok;

  if (c.lettre_intention && days_between(*c.lettre_intention, c.signature) < 0) {
    return err("lettre_intention", "validation de la lettre d'intention (" +
                                       format_date(*c.lettre_intention) +
                                       ") postérieure à la signature du contrat");
  }
  if (auto ok = check_amount(c.amorcage, "amounts.amorcage", err); !ok) return ok;
  if (auto ok = check_amount(c.fonctionnement, "amounts.fonctionnement", err); !ok) return ok;
  if (auto ok = check_amount(c.lettre_intention_amount, "amounts.lettre_intention", err); !ok) {
    return ok;
  }
  if (c.lettre_intention_amount && !c.lettre_intention) {
    return err("lettre_intention", "montant de lettre d'intention sans date de validation",
               ErrorCode::missing_field);
  }
  std::set<int> fonct_years;
  for (std::size_t i = 0; i < c.fonctionnement_by_year.size(); ++i) {
    const auto& y = c.fonctionnement_by_year[i];
    std::string f = "amounts.fonctionnement_by_year[" + std::to_string(i) + "]";
    if (y.year < 2 || y.year > duration) {
      return err(f + ".year", "année " + std::to_string(y.year) + " hors de 2 à " +
                                  std::to_string(duration) +
                                  " (l'année 1 est couverte par l'amorçage)");
    }
    if (!fonct_years.insert(y.year).second) {
      return err(f + ".year", "année " + std::to_string(y.year) + " en double");
    }
    if (auto ok = check_amount(y.amount, f + ".amount", err); !ok) return ok;
  }

  std::set<std::string> seen;
  for (std::size_t i = 0; i < c.missions.size(); ++i) {
    const ContractMission& m = c.missions[i];
    std::string f = "missions[" + std::to_string(i) + "]";
    // The first version of the contract that knows the mission, and from when it applies.
    const Accord* introduced = nullptr;
    Date available = c.signature;
    for (std::size_t v = 0; v < versions.size() && !introduced; ++v) {
      if (versions[v]->mission(m.mission)) {
        introduced = versions[v];
        if (v > 0) available = c.avenants[v - 1].from;
      }
    }
    if (!introduced) {
      std::string ids;
      for (const auto& mr : versions.back()->missions) ids += (ids.empty() ? "" : ", ") + mr.id;
      return err(f + ".mission", "mission inconnue « " + m.mission + " » (missions : " + ids + ")");
    }
    if (!seen.insert(m.mission).second) {
      return err(f + ".mission", "mission « " + m.mission + " » en double");
    }
    if (m.start) {
      if (days_between(available, *m.start) < 0) {
        return err(f + ".start", introduced == *base
                                     ? "démarrage (" + format_date(*m.start) +
                                           ") avant la signature (" + format_date(c.signature) + ")"
                                     : "démarrage (" + format_date(*m.start) +
                                           ") avant l'application de " + introduced->id +
                                           " au contrat (" + format_date(available) + ")");
      }
      if (days_between(*m.start, end) <= 0) {
        return err(f + ".start", "démarrage (" + format_date(*m.start) +
                                     ") après la fin du contrat (" + format_date(end) + ")");
      }
    }
    if (m.deployed) {
      if (!m.start) {
        return err(f + ".start", "mission déployée sans date de démarrage",
                   ErrorCode::missing_field);
      }
      if (days_between(*m.start, *m.deployed) < 0) {
        return err(f + ".deployed", "déploiement (" + format_date(*m.deployed) +
                                        ") avant le démarrage (" + format_date(*m.start) + ")");
      }
    }
    for (const auto& [deadline, name] : {std::pair{m.start_deadline, ".start_deadline"},
                                         std::pair{m.deploy_deadline, ".deploy_deadline"}}) {
      if (deadline && days_between(c.signature, *deadline) < 0) {
        return err(f + name, "échéance antérieure à la signature");
      }
    }
    if (m.start_deadline && m.deploy_deadline &&
        days_between(*m.start_deadline, *m.deploy_deadline) < 0) {
      return err(f + ".deploy_deadline", "échéance de déploiement avant celle du démarrage");
    }
    if (auto ok = check_amount(m.fixed, f + ".amounts.fixed", err); !ok) return ok;
    if (auto ok = check_amount(m.variable, f + ".amounts.variable", err); !ok) return ok;
    int start_year = m.start ? year_of(c, duration, *m.start) : duration + 1;
    std::set<int> years;
    for (std::size_t y = 0; y < m.by_year.size(); ++y) {
      const YearAmounts& ya = m.by_year[y];
      std::string fy = f + ".amounts.by_year[" + std::to_string(y) + "]";
      if (ya.year < 1 || ya.year > duration) {
        return err(fy + ".year", "année " + std::to_string(ya.year) + " hors du contrat (1 à " +
                                     std::to_string(duration) + ")");
      }
      if (ya.year < start_year) {
        return err(fy + ".year",
                   "année " + std::to_string(ya.year) + " antérieure au démarrage de la mission");
      }
      if (!years.insert(ya.year).second) {
        return err(fy + ".year", "année " + std::to_string(ya.year) + " en double");
      }
      if (auto ok = check_amount(ya.fixed, fy + ".fixed", err); !ok) return ok;
      if (auto ok = check_amount(ya.variable, fy + ".variable", err); !ok) return ok;
    }
    std::set<std::string> indicator_ids;
    for (std::size_t k = 0; k < m.indicators.size(); ++k) {
      std::string fi = f + ".indicators[" + std::to_string(k) + "]";
      if (auto ok = check_indicator(m.indicators[k], fi, duration, err); !ok) return ok;
      if (!indicator_ids.insert(m.indicators[k].id).second) {
        return err(fi + ".id", "indicateur « " + m.indicators[k].id + " » en double");
      }
    }
  }
  return {};
}

Status validate(const MspContract& c, const RuleBook& rules, std::string_view file,
                const LineOf& line_of) {
  Checker err(file, line_of);
  if (c.id.empty()) return err("id", "identifiant du contrat manquant", ErrorCode::missing_field);
  if (auto ok = check_party(c.parties.structure, "parties.msp", err); !ok) return ok;
  if (auto ok = check_party(c.parties.cpam, "parties.cpam", err); !ok) return ok;
  if (auto ok = check_party(c.parties.ars, "parties.ars", err); !ok) return ok;
  auto accord = find_accord(rules, c.accord, AccordKind::msp, "accord", err);
  if (!accord) return tl::unexpected(accord.error());
  if (days_between((*accord)->effective.value, c.signature) < 0) {
    return err("signature", "contrat signé le " + format_date(c.signature) +
                                ", avant l'entrée en vigueur de l'accord " + c.accord + " (" +
                                format_date((*accord)->effective.value) + ")");
  }
  if (c.duration_years && (*c.duration_years < 1 || *c.duration_years > 20)) {
    return err("duration_years", "durée entre 1 et 20 ans attendue");
  }
  int duration = c.duration_years ? *c.duration_years : (*accord)->contract_years.value;
  int first = static_cast<int>(c.signature.year());
  // The last calendar year with a day under contract (it ends on its last anniversary, excluded).
  Date last_day{std::chrono::sys_days{add_years(c.signature, duration)} - std::chrono::days{1}};
  int last = static_cast<int>(last_day.year());
  std::set<int> years;
  for (std::size_t i = 0; i < c.years.size(); ++i) {
    const MspYear& y = c.years[i];
    std::string f = "years[" + std::to_string(i) + "]";
    if (y.year < first || y.year > last) {
      return err(f + ".year", "année " + std::to_string(y.year) + " hors du contrat (" +
                                  std::to_string(first) + " à " + std::to_string(last) + ")");
    }
    if (!years.insert(y.year).second) {
      return err(f + ".year", "année " + std::to_string(y.year) + " en double");
    }
    if (y.patients < 0) return err(f + ".patients", "patientèle négative");
  }
  std::set<std::string> ids;
  for (std::size_t i = 0; i < c.indicators.size(); ++i) {
    const MspIndicator& ind = c.indicators[i];
    std::string f = "indicators[" + std::to_string(i) + "]";
    if (ind.id.empty()) return err(f + ".id", "identifiant manquant", ErrorCode::missing_field);
    if (!ids.insert(ind.id).second)
      return err(f + ".id", "indicateur « " + ind.id + " » en double");
    if (ind.fixed_points < 0) return err(f + ".fixed_points", "nombre de points négatif");
    if (ind.variable_points < 0) return err(f + ".variable_points", "nombre de points négatif");
    std::set<int> achieved;
    for (std::size_t k = 0; k < ind.achievements.size(); ++k) {
      const MspAchievement& a = ind.achievements[k];
      std::string fa = f + ".achievements[" + std::to_string(k) + "]";
      if (!years.count(a.year)) {
        return err(fa + ".year", "année " + std::to_string(a.year) +
                                     " absente de « years » (patientèle de l'année)");
      }
      if (!achieved.insert(a.year).second) {
        return err(fa + ".year", "année " + std::to_string(a.year) + " en double");
      }
      if (a.rate < 0 || a.rate > kPpmOne) return err(fa + ".rate", "taux entre 0 et 100 % attendu");
    }
  }
  return {};
}

}  // namespace maillage::aci
