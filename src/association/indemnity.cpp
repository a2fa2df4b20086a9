#include "association/indemnity.hpp"

#include <algorithm>
#include <map>

#include "association/money.hpp"

namespace maillage::association {
namespace {

int year_of(Date d) { return static_cast<int>(d.year()); }

const PassValue* find_pass(const IndemnityRules& rules, int year) {
  for (const auto& p : rules.pass) {
    if (p.year == year) return &p;
  }
  return nullptr;
}

Result<YearStatement> statement_of(const IndemnityRules& rules, int year,
                                   std::vector<PricedEntry> entries) {
  const auto* pass = find_pass(rules, year);
  if (pass == nullptr) {
    return fail(ErrorCode::not_found,
                "plafond annuel de la sécurité sociale inconnu pour " + std::to_string(year) +
                    " : saisir sa valeur et sa source",
                "pass");
  }
  std::stable_sort(entries.begin(), entries.end(), [](const PricedEntry& a, const PricedEntry& b) {
    return days_between(a.entry.date, b.entry.date) > 0;
  });
  YearStatement st;
  st.year = year;
  st.cap_cents = pass->cents;
  st.pass_source = pass->source;
  for (const auto& e : entries) {
    st.minutes += e.entry.minutes;
    st.total_cents += e.amount_cents;
  }
  st.entries = std::move(entries);
  st.remaining_cents = st.cap_cents - st.total_cents;
  return st;
}

}  // namespace

const std::vector<PassValue>& known_pass_values() {
  // Values as published for each year; the sources are those checked when this table was written.
  static const std::vector<PassValue> values = {
      {2023, 4399200, "PASS 2023 : 43 992 € (research/domain.md §1.1, sources [22][23])", false},
      {2024, 4636800,
       "PASS 2024 : 46 368 € (valeur 2024 rappelée par le communiqué BOSS du 4 novembre 2024, "
       "https://affiches64.com/plafond-securite-sociale-2025/)",
       false},
      {2025, 4710000,
       "PASS 2025 : 47 100 € (communiqué BOSS du 4 novembre 2024, "
       "https://lexplicite.fr/fixation-du-plafond-de-la-securite-sociale-pour-2025)",
       false},
      // Found only in secondary sources citing the arrêté of 22 December 2025: shown flagged.
      {2026, 4806000,
       "PASS 2026 : 48 060 € (arrêté du 22 décembre 2025 selon des sources secondaires, non "
       "vérifié)",
       true},
  };
  return values;
}

Result<PricedEntry> price_entry(const IndemnityRules& rules, const std::string& profession,
                                const TimeEntry& e) {
  if (e.minutes <= 0 || e.minutes > 24 * 60) {
    return fail(ErrorCode::invalid_input,
                "durée de " + std::to_string(e.minutes) +
                    " minutes : elle doit être entre 1 minute et 24 heures",
                "minutes");
  }
  const int year = year_of(e.date);
  for (const auto& r : rules.rates) {
    if (r.profession == profession && r.year == year) {
      PricedEntry p;
      p.entry = e;
      p.cents_per_hour = r.cents_per_hour;
      p.rate_unverified = r.unverified;
      p.amount_cents = (static_cast<std::int64_t>(e.minutes) * r.cents_per_hour + 30) / 60;
      return p;
    }
  }
  return fail(ErrorCode::not_found,
              "aucun taux d'indemnisation pour la profession « " + profession + " » en " +
                  std::to_string(year),
              "rates");
}

Result<std::vector<YearStatement>> statements(const IndemnityRules& rules,
                                              const std::string& profession,
                                              const std::vector<TimeEntry>& accepted) {
  std::map<int, std::vector<PricedEntry>> by_year;
  for (const auto& e : accepted) {
    auto p = price_entry(rules, profession, e);
    if (!p) return tl::unexpected(p.error());
    by_year[year_of(e.date)].push_back(std::move(*p));
  }
  std::vector<YearStatement> out;
  for (auto& [year, entries] : by_year) {
    auto st = statement_of(rules, year, std::move(entries));
    if (!st) return tl::unexpected(st.error());
    if (st->remaining_cents < 0) {
      return fail(ErrorCode::invalid_input,
                  "les indemnités de " + std::to_string(year) + " (" +
                      format_euros(st->total_cents) + ") dépassent le plafond annuel (" +
                      format_euros(st->cap_cents) + ")",
                  "entries");
    }
    out.push_back(std::move(*st));
  }
  return out;
}

Result<YearStatement> year_statement(const IndemnityRules& rules, const std::string& profession,
                                     const std::vector<TimeEntry>& accepted, int year) {
  std::vector<PricedEntry> entries;
  for (const auto& e : accepted) {
    if (year_of(e.date) != year) continue;
    auto p = price_entry(rules, profession, e);
    if (!p) return tl::unexpected(p.error());
    entries.push_back(std::move(*p));
  }
  auto st = statement_of(rules, year, std::move(entries));
  if (st && st->remaining_cents < 0) {
    return fail(ErrorCode::invalid_input,
                "les indemnités de " + std::to_string(year) + " (" + format_euros(st->total_cents) +
                    ") dépassent le plafond annuel (" + format_euros(st->cap_cents) + ")",
                "entries");
  }
  return st;
}

Result<YearStatement> admit_entry(const IndemnityRules& rules, const std::string& profession,
                                  const std::vector<TimeEntry>& accepted, const TimeEntry& entry) {
  auto priced = price_entry(rules, profession, entry);
  if (!priced) return tl::unexpected(priced.error());
  const int year = year_of(entry.date);
  std::vector<PricedEntry> same_year;
  for (const auto& e : accepted) {
    if (year_of(e.date) != year) continue;
    auto p = price_entry(rules, profession, e);
    if (!p) return tl::unexpected(p.error());
    same_year.push_back(std::move(*p));
  }
  auto before = statement_of(rules, year, same_year);
  if (!before) return tl::unexpected(before.error());
  if (priced->amount_cents > before->remaining_cents) {
    const std::int64_t remaining = std::max<std::int64_t>(before->remaining_cents, 0);
    return fail(ErrorCode::invalid_input,
                "saisie refusée : " + std::to_string(entry.minutes / 60) + " h " +
                    (entry.minutes % 60 < 10 ? "0" : "") + std::to_string(entry.minutes % 60) +
                    " du " + format_date_fr(entry.date) + " valent " +
                    format_euros(priced->amount_cents) + " et dépasseraient le plafond annuel " +
                    std::to_string(year) + " de " + format_euros(before->cap_cents) +
                    " ; il reste " + format_euros(remaining) + " pour " + std::to_string(year),
                "minutes");
  }
  same_year.push_back(std::move(*priced));
  return statement_of(rules, year, std::move(same_year));
}

}  // namespace maillage::association
