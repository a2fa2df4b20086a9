#include "aci/rules.hpp"

#include <cstdio>
#include <string>

#include "common/dates.hpp"
#include "common/french.hpp"

namespace maillage::aci {

std::string_view to_string(AccordKind k) { return k == AccordKind::cpts ? "cpts" : "msp"; }

std::string_view to_string(MissionCategory c) {
  return c == MissionCategory::socle ? "socle" : "optionnelle";
}

std::string_view to_string(AchievementMethod m) {
  return m == AchievementMethod::linear ? "linear" : "paliers";
}

const MissionRules* Accord::mission(std::string_view mission_id) const {
  for (const auto& m : missions) {
    if (m.id == mission_id) return &m;
  }
  return nullptr;
}

const SizeClass* Accord::size_class(std::string_view size_id) const {
  for (const auto& s : size_classes) {
    if (s.id == size_id) return &s;
  }
  return nullptr;
}

const Envelope* Accord::envelope(std::string_view envelope_id) const {
  auto it = envelopes.find(envelope_id);
  return it == envelopes.end() ? nullptr : &it->second;
}

const SizeClass* Accord::size_class_for(std::int64_t population) const {
  // Classes are half-open ranges [previous bound, population_below): a population equal to a bound
  // falls in the upper class (the accord's treatment of exact bounds was not found; see rules
  // file).
  for (const auto& s : size_classes) {
    if (!s.population_below || population < s.population_below->value) return &s;
  }
  return nullptr;
}

const Accord* RuleBook::find(std::string_view accord_id) const {
  for (const auto& a : accords) {
    if (a.id == accord_id) return &a;
  }
  return nullptr;
}

bool RuleBook::derives_from(const Accord& accord, std::string_view ancestor) const {
  const Accord* a = &accord;
  // The loader refuses cycles, so the chain is finite; the bound is a second guard.
  for (std::size_t steps = 0; a != nullptr && steps <= accords.size(); ++steps) {
    if (a->id == ancestor) return true;
    if (a->extends.empty()) return false;
    a = find(a->extends);
  }
  return false;
}

namespace {

std::string percent_list(const std::vector<Ppm>& rates) {
  std::string out;
  for (std::size_t i = 0; i < rates.size(); ++i) {
    if (i > 0) out += " ; ";
    out += format_rate(rates[i]);
  }
  return out;
}

std::string month_day(MonthDay md) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02u-%02u", md.month, md.day);
  return buf;
}

// "(taille T2)" after an amount's label.
std::string of_size(const std::string& size) { return " (taille " + size + ")"; }

void add_by_size(std::vector<RuleValue>& out, const std::string& prefix, const std::string& label,
                 const BySize& amounts) {
  for (const auto& [size, v] : amounts) {
    out.push_back(
        {prefix + "." + size, format_euros(v.value), &v.provenance, label + of_size(size)});
  }
}

void add_achievement(std::vector<RuleValue>& out, const std::string& prefix,
                     const std::string& label, const AchievementRules& a) {
  if (a.method) {
    out.push_back({prefix + ".method", std::string(method_label(to_string(a.method->value))),
                   &a.method->provenance,
                   label + "méthode de calcul de l'atteinte"});
  }
  for (const auto& [count, rates] : a.palier_rates) {
    out.push_back({prefix + ".palier_rates." + std::to_string(count), percent_list(rates.value),
                   &rates.provenance,
                   label + "rémunération par palier atteint, indicateur à " +
                       std::to_string(count) + (count > 1 ? " paliers" : " palier")});
  }
}

}  // namespace

std::string_view method_label(std::string_view method_id) {
  if (method_id == "linear") return "proportionnelle à la valeur atteinte";
  if (method_id == "paliers") return "par paliers atteints";
  return method_id;
}

std::vector<RuleValue> list_values(const Accord& a) {
  std::vector<RuleValue> out;
  out.push_back({"accord.effective", format_date_fr(a.effective.value), &a.effective.provenance,
                 "Entrée en vigueur de l'accord"});
  out.push_back({"accord.contract_years", std::to_string(a.contract_years.value) + " ans",
                 &a.contract_years.provenance, "Durée du contrat"});
  if (a.kind == AccordKind::msp) {
    const MspRules& m = a.msp;
    out.push_back({"msp.point_value", format_euros(m.point_value.value), &m.point_value.provenance,
                   "Valeur du point"});
    out.push_back({"msp.advance_percent", format_rate(m.advance_rate.value),
                   &m.advance_rate.provenance, "Avance versée en cours d'année"});
    out.push_back({"msp.advance_minimum", format_euros(m.advance_minimum.value),
                   &m.advance_minimum.provenance, "Montant minimal de l'avance"});
    out.push_back({"msp.reference_patients", std::to_string(m.reference_patients.value),
                   &m.reference_patients.provenance, "Patientèle de référence"});
    out.push_back({"msp.new_structure_minimum", format_euros(m.new_structure_minimum.value),
                   &m.new_structure_minimum.provenance,
                   "Rémunération minimale d'une structure nouvelle"});
    out.push_back({"msp.partial_year_prorata", m.partial_year_prorata.value ? "oui" : "non",
                   &m.partial_year_prorata.provenance, "Prorata d'une année incomplète"});
    out.push_back({"msp.advance_date", month_day(m.advance_date.value), &m.advance_date.provenance,
                   "Date de l'avance (jour/mois)"});
    out.push_back({"msp.balance_date", month_day(m.balance_date.value), &m.balance_date.provenance,
                   "Date du solde (jour/mois)"});
    for (const auto& ind : m.indicators) {
      const std::string p = "msp_indicators." + ind.id;
      out.push_back({p + ".fixed_points", fr::integer(ind.fixed_points.value) + " points",
                     &ind.fixed_points.provenance, ind.label + " : points fixes"});
      out.push_back({p + ".variable_points", fr::integer(ind.variable_points.value) + " points",
                     &ind.variable_points.provenance,
                     ind.label + " : points variables (patientèle de référence)"});
    }
    return out;
  }
  for (const auto& s : a.size_classes) {
    if (s.population_below) {
      out.push_back({"size_classes." + s.id + ".population_below",
                     fr::integer(s.population_below->value) + " habitants",
                     &s.population_below->provenance,
                     "Taille " + s.id + " : population du territoire inférieure à"});
    }
  }
  out.push_back({"payment.advance_percent", format_rate(a.advance_rate.value),
                 &a.advance_rate.provenance, "Avance versée en cours d'année"});
  out.push_back({"payment.variable_prorata_first_year",
                 a.variable_prorata_first_year.value ? "oui" : "non",
                 &a.variable_prorata_first_year.provenance,
                 "Part variable au prorata de la première année"});
  for (const auto& [id, env] : a.envelopes) {
    add_by_size(out, "envelopes." + id, env.label.empty() ? id : env.label, env.amounts);
  }
  add_achievement(out, "achievement", "Indicateurs : ", a.achievement);
  for (const auto& m : a.missions) {
    std::string p = "missions." + m.id;
    const std::string name = (m.label.empty() ? m.id : m.label) + " : ";
    if (m.start_within_months) {
      out.push_back({p + ".start_within_months",
                     std::to_string(m.start_within_months->value) + " mois",
                     &m.start_within_months->provenance,
                     name + "démarrage après la signature, au plus tard"});
    }
    if (m.deploy_within_months) {
      out.push_back({p + ".deploy_within_months",
                     std::to_string(m.deploy_within_months->value) + " mois",
                     &m.deploy_within_months->provenance,
                     name + "déploiement après la signature, au plus tard"});
    }
    add_by_size(out, p + ".fixed", name + "part fixe", m.fixed);
    add_by_size(out, p + ".variable", name + "part variable", m.variable);
    if (m.fixed_year_factors) {
      out.push_back({p + ".fixed_year_factors", percent_list(m.fixed_year_factors->value),
                     &m.fixed_year_factors->provenance,
                     name + "part fixe versée selon l'année de la mission"});
    }
    add_achievement(out, p + ".achievement", name, m.achievement);
  }
  return out;
}

}  // namespace maillage::aci
