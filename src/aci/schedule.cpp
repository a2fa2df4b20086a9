// CPTS payment schedule (accord art. 9, contrat type art. 6):
// - signature: amorçage (fonctionnement before missions start) in full;
// - anniversary k-1 opens contract year k (k >= 2): advance of the year's fonctionnement, its
//   balance at anniversary k;
// - mission start: advance of the fixed part pro rata temporis up to the next anniversary; then at
//   each anniversary the balance of the year ended, its variable part, and the next year's advance.
// Every amount is one exact fraction rounded once to the cent; a balance is the yearly (pro rata)
// amount minus its advance, so advance + balance is exactly that amount.
#include "aci/schedule.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "common/csv.hpp"

namespace maillage::aci {

std::string_view to_string(PaymentKind k) {
  switch (k) {
    case PaymentKind::versement:
      return "versement";
    case PaymentKind::avance:
      return "avance";
    case PaymentKind::solde:
      return "solde";
  }
  return "versement";
}

namespace {

// A yearly amount and where it came from.
struct Amount {
  Cents value = 0;
  bool verified = true;
  std::string origin;  // French, for the basis
};

Amount from_rules(const BySize& amounts, const std::string& size, const std::string& accord) {
  const auto& v = amounts.at(size);
  return {v.value, v.provenance.verified, "règles " + accord + ", taille " + size};
}

std::string days_fraction(std::int64_t days, std::int64_t year_days) {
  return std::to_string(days) + "/" + std::to_string(year_days) + " jours";
}

class CptsScheduler {
 public:
  CptsScheduler(const CptsContract& c, const RuleBook& rules, const ScheduleOptions& options)
      : c_(c), rules_(rules), options_(options) {}

  Schedule run() {
    s_.contract_id = c_.id;
    n_ = duration_years(c_, rules_);
    for (int k = 0; k <= n_; ++k) s_.anniversaries.push_back(anniversary(c_, k));
    base_ = rules_.find(c_.accord);
    check_population();
    lettre_intention();
    amorcage();
    fonctionnement();
    for (const auto& m : c_.missions) mission(m);
    sort();
    summarize();
    return std::move(s_);
  }

 private:
  const Date& A(int k) const { return s_.anniversaries[static_cast<std::size_t>(k)]; }

  // Contract year (1-based) that holds `d`.
  int year_of(Date d) const {
    for (int k = 1; k <= n_; ++k) {
      if (days_between(d, A(k)) > 0) return k;
    }
    return n_;
  }

  void pay(Date date, int year, std::string envelope, PaymentKind kind, Cents amount, bool verified,
           std::string basis, bool estimated = false) {
    s_.payments.push_back(
        {date, year, std::move(envelope), kind, amount, verified, estimated, std::move(basis)});
  }

  void check_population() {
    if (!c_.population) return;
    const SizeClass* sc = base_->size_class_for(*c_.population);
    if (sc && sc->id != c_.size_class) {
      s_.notes.push_back("Population de " + std::to_string(*c_.population) +
                         " habitants : taille " + sc->id +
                         " selon les règles, le contrat indique " + c_.size_class + ".");
    }
  }

  void lettre_intention() {
    if (!c_.lettre_intention) return;
    Amount a;
    if (c_.lettre_intention_amount) {
      a = {*c_.lettre_intention_amount, true, "montant du contrat"};
    } else if (const Envelope* e = base_->envelope("lettre_intention")) {
      a = from_rules(e->amounts, c_.size_class, base_->id);
    } else {
      s_.notes.push_back("L'accord " + base_->id +
                         " ne prévoit pas de financement à la validation de la lettre "
                         "d'intention : aucun versement.");
      return;
    }
    pay(*c_.lettre_intention, 0, "lettre_intention", PaymentKind::versement, a.value, a.verified,
        "lettre d'intention validée (" + a.origin + ")");
  }

  void amorcage() {
    Amount a = c_.amorcage
                   ? Amount{*c_.amorcage, true, "montant du contrat"}
                   : from_rules(base_->envelope("amorcage")->amounts, c_.size_class, base_->id);
    pay(A(0), 1, "amorcage", PaymentKind::versement, a.value, a.verified,
        "fonctionnement avant démarrage des missions, à la signature (" + a.origin + ")");
  }

  // Years 2..n: the fonctionnement of year k is advanced at anniversary k-1 and settled at k.
  void fonctionnement() {
    for (int k = 2; k <= n_; ++k) {
      const Accord& v = *accord_on(c_, rules_, A(k - 1));
      Amount a;
      auto by_year =
          std::find_if(c_.fonctionnement_by_year.begin(), c_.fonctionnement_by_year.end(),
                       [&](const YearFonctionnement& y) { return y.year == k; });
      if (by_year != c_.fonctionnement_by_year.end()) {
        a = {by_year->amount, true, "montant de l'année " + std::to_string(k) + " du contrat"};
      } else if (c_.fonctionnement) {
        a = {*c_.fonctionnement, true, "montant du contrat"};
      } else {
        a = from_rules(v.envelope("fonctionnement")->amounts, size_class_on(c_, A(k - 1)), v.id);
      }
      if (a.value == 0) continue;
      Ppm rate = v.advance_rate.value;
      Cents advance = mul_div_round(a.value, rate, kPpmOne);
      bool verified = a.verified && v.advance_rate.provenance.verified;
      pay(A(k - 1), k, "fonctionnement", PaymentKind::avance, advance, verified,
          format_rate(rate) + " de " + format_euros(a.value) + " (" + a.origin + ")");
      pay(A(k), k, "fonctionnement", PaymentKind::solde, a.value - advance, verified,
          format_euros(a.value) + " − avance de " + format_euros(advance));
    }
  }

  void mission(const ContractMission& m) {
    if (!m.start) {
      s_.notes.push_back("Mission « " + m.mission + " » sans date de démarrage : aucun versement.");
      return;
    }
    int first = year_of(*m.start);
    for (int k = first; k <= n_; ++k) {
      Date from = k == first ? *m.start : A(k - 1);
      Date to = A(k);
      std::int64_t days = days_between(from, to);
      std::int64_t year_days = days_between(A(k - 1), A(k));
      // The version in force when the mission's year begins (its start, for the first year).
      const Accord& v = *accord_on(c_, rules_, from);
      const MissionRules& mr = *v.mission(m.mission);
      const YearAmounts* ya = nullptr;
      for (const auto& y : m.by_year) {
        if (y.year == k) ya = &y;
      }

      // The size class in force when the mission's year begins (contractual avenants).
      const std::string& size = size_class_on(c_, from);
      Amount fixed = fixed_amount(m, mr, v, ya, k - first, size);
      Amount variable;
      if (ya && ya->variable) {
        variable = {*ya->variable, true, "montant de l'année " + std::to_string(k) + " du contrat"};
      } else if (m.variable) {
        variable = {*m.variable, true, "montant du contrat"};
      } else {
        variable = from_rules(mr.variable, size, v.id);
      }

      MissionYear my;
      my.mission = m.mission;
      my.year = k;
      my.from = from;
      my.to = to;
      my.fixed = fixed.value;
      my.variable_max = variable.value;
      my.outcome = mission_outcome(m, v, mr, k, options_.unmeasured_rate);

      bool partial = days < year_days;
      std::string prorata = partial ? " × " + days_fraction(days, year_days) : "";
      if (fixed.value > 0) {
        Ppm rate = v.advance_rate.value;
        Cents due = fraction_round({fixed.value, days}, {year_days});
        Cents advance = fraction_round({fixed.value, days, rate}, {year_days, kPpmOne});
        bool verified = fixed.verified && v.advance_rate.provenance.verified;
        my.fixed_paid = due;
        pay(from, k, m.mission + ".fixe", PaymentKind::avance, advance, verified,
            format_rate(rate) + " de " + format_euros(fixed.value) + prorata + " (" + fixed.origin +
                ")");
        pay(to, k, m.mission + ".fixe", PaymentKind::solde, due - advance, verified,
            format_euros(fixed.value) + prorata + " = " + format_euros(due) + " − avance de " +
                format_euros(advance));
      }
      if (variable.value > 0) {
        const MissionOutcome& o = my.outcome;
        bool prorate = partial && v.variable_prorata_first_year.value;
        Cents amount = prorate
                           ? fraction_round({variable.value, days, o.rate}, {year_days, kPpmOne})
                           : fraction_round({variable.value, o.rate}, {kPpmOne});
        bool verified = variable.verified && o.rules_verified &&
                        (!partial || v.variable_prorata_first_year.provenance.verified);
        my.variable_paid = amount;
        std::string basis = format_euros(variable.value) + (prorate ? prorata : "") +
                            " × atteinte " + format_rate(o.rate) + " (" + variable.origin + ")";
        if (o.estimated) {
          basis += " ; estimé : indicateurs non mesurés comptés à " +
                   format_rate(options_.unmeasured_rate);
        }
        pay(to, k, m.mission + ".variable", PaymentKind::versement, amount, verified, basis,
            o.estimated);
      }
      s_.missions.push_back(std::move(my));
    }
  }

  // The yearly fixed amount of mission year `index` (0 = the year it starts): a per-year contract
  // amount as is, otherwise the contract's or the rules' amount times the rules' year factor.
  Amount fixed_amount(const ContractMission& m, const MissionRules& mr, const Accord& v,
                      const YearAmounts* ya, int index, const std::string& size) const {
    if (ya && ya->fixed) {
      return {*ya->fixed, true, "montant de l'année " + std::to_string(ya->year) + " du contrat"};
    }
    Amount a = m.fixed ? Amount{*m.fixed, true, "montant du contrat"}
                       : from_rules(mr.fixed, size, v.id);
    if (mr.fixed_year_factors) {
      const auto& f = mr.fixed_year_factors->value;
      Ppm factor = f[std::min(static_cast<std::size_t>(index), f.size() - 1)];
      if (factor != kPpmOne) {
        a.origin += ", " + format_rate(factor) + " en année " + std::to_string(index + 1) +
                    " de la mission";
        a.value = mul_div_round(a.value, factor, kPpmOne);
        a.verified = a.verified && mr.fixed_year_factors->provenance.verified;
      }
    }
    return a;
  }

  void sort() {
    // Envelopes in a stable reading order: before-contract money, fonctionnement, then missions
    // in the rules' order (of the last version the contract follows).
    std::map<std::string, int> order{
        {"lettre_intention", 0}, {"amorcage", 1}, {"fonctionnement", 2}};
    const Accord* last = c_.avenants.empty() ? base_ : rules_.find(c_.avenants.back().accord);
    for (const auto& mr : last->missions) {
      order.emplace(mr.id + ".fixe", static_cast<int>(order.size()));
      order.emplace(mr.id + ".variable", static_cast<int>(order.size()));
    }
    auto kind_rank = [](PaymentKind k) {
      return k == PaymentKind::versement ? 0 : k == PaymentKind::solde ? 1 : 2;
    };
    // One sort key per payment (date, year, envelope rank, kind rank), computed once: looking the
    // envelope up in the map inside the comparison dominated the cost of the sort.
    using Key = std::tuple<std::int64_t, int, int, int>;
    std::vector<std::pair<Key, std::size_t>> keys;
    keys.reserve(s_.payments.size());
    for (std::size_t i = 0; i < s_.payments.size(); ++i) {
      const Payment& p = s_.payments[i];
      keys.push_back({{std::chrono::sys_days{p.date}.time_since_epoch().count(), p.contract_year,
                       order[p.envelope], kind_rank(p.kind)},
                      i});
    }
    std::sort(keys.begin(), keys.end());  // the index breaks ties: stable
    std::vector<Payment> sorted;
    sorted.reserve(keys.size());
    for (const auto& k : keys) sorted.push_back(std::move(s_.payments[k.second]));
    s_.payments = std::move(sorted);
  }

  void summarize() {
    int unverified = 0;
    bool estimated = false;
    for (const auto& p : s_.payments) {
      unverified += !p.verified;
      estimated = estimated || p.estimated;
    }
    if (unverified > 0) {
      s_.notes.push_back(std::to_string(unverified) + " versement(s) sur " +
                         std::to_string(s_.payments.size()) +
                         " reposent sur des valeurs des règles non vérifiées : à confirmer ou à "
                         "fixer dans le contrat.");
    }
    if (estimated) {
      s_.notes.push_back("Parts variables estimées : les indicateurs non mesurés sont comptés à " +
                         format_rate(options_.unmeasured_rate) + ".");
    }
  }

  const CptsContract& c_;
  const RuleBook& rules_;
  const ScheduleOptions& options_;
  const Accord* base_ = nullptr;
  int n_ = 0;
  Schedule s_;
};

}  // namespace

Result<Schedule> compute_schedule(const CptsContract& c, const RuleBook& rules,
                                  const ScheduleOptions& options) {
  if (auto ok = validate(c, rules); !ok) return tl::unexpected(ok.error());
  if (options.unmeasured_rate < 0 || options.unmeasured_rate > kPpmOne) {
    return fail(ErrorCode::invalid_input, "taux d'atteinte simulé entre 0 et 100 % attendu",
                "unmeasured_rate");
  }
  return CptsScheduler(c, rules, options).run();
}

Result<Schedule> compute_schedule(const Contract& c, const RuleBook& rules,
                                  const ScheduleOptions& options) {
  return std::visit(
      [&](const auto& contract) { return compute_schedule(contract, rules, options); }, c);
}

std::vector<std::pair<std::string, Cents>> totals_by_envelope(const Schedule& s) {
  std::vector<std::pair<std::string, Cents>> out;
  for (const auto& p : s.payments) {
    auto it =
        std::find_if(out.begin(), out.end(), [&](const auto& e) { return e.first == p.envelope; });
    if (it == out.end()) {
      out.emplace_back(p.envelope, p.amount);
    } else {
      it->second += p.amount;
    }
  }
  return out;
}

std::string schedule_csv(const Schedule& s, bool details) {
  std::string out = "date,contract_year,envelope,kind,amount";
  out += details ? ",verified,basis\n" : "\n";
  for (const auto& p : s.payments) {
    out += format_date(p.date) + "," + std::to_string(p.contract_year) + "," +
           csv::field(p.envelope) + "," + std::string(to_string(p.kind)) + "," +
           format_cents(p.amount);
    if (details) out += std::string(",") + (p.verified ? "oui" : "non") + "," + csv::field(p.basis);
    out += "\n";
  }
  return out;
}

}  // namespace maillage::aci
