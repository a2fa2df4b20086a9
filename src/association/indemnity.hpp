// Indemnities for the time members give to the structure (décret 2022-375): hours × the hourly
// rate of their profession for the year, and per professional a yearly total that may not exceed
// the plafond annuel de la sécurité sociale (PASS) of that year. Amounts are integer cents; an
// entry's amount is minutes × rate / 60 rounded half up to the cent.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/dates.hpp"
#include "common/error.hpp"

namespace maillage::association {

/// A rate the structure decided, per profession (RPPS code) and year.
struct HourlyRate {
  std::string profession;
  int year = 0;
  std::int64_t cents_per_hour = 0;
  std::string source;       ///< the decision that set it (bureau, AG, règlement intérieur)
  bool unverified = false;  ///< entered without its source at hand: shown flagged
};

/// The PASS of a year, with its source.
struct PassValue {
  int year = 0;
  std::int64_t cents = 0;
  std::string source;
  bool unverified = false;
};

/// The yearly values this code base knows, with their source (2023–2025 checked, 2026 flagged
/// unverified). A year missing here must
/// be given by the caller: the engine refuses to guess a ceiling.
[[nodiscard]] const std::vector<PassValue>& known_pass_values();

struct TimeEntry {
  std::string id;
  Date date;
  int minutes = 0;       ///< time given, in minutes (1 h 30 = 90)
  std::string activity;  ///< "groupe de travail parcours diabète", mission, …
};

struct IndemnityRules {
  std::vector<HourlyRate> rates;
  std::vector<PassValue> pass = known_pass_values();
};

struct PricedEntry {
  TimeEntry entry;
  std::int64_t amount_cents = 0;
  std::int64_t cents_per_hour = 0;
  bool rate_unverified = false;
};

struct YearStatement {
  int year = 0;
  std::vector<PricedEntry> entries;  ///< date order
  int minutes = 0;
  std::int64_t total_cents = 0;
  std::int64_t cap_cents = 0;        ///< the PASS of the year
  std::int64_t remaining_cents = 0;  ///< cap − total (never negative for accepted entries)
  std::string pass_source;
};

/// The amount of one entry for a professional; errors: minutes outside 1..1440, no rate for the
/// profession and year (not_found, naming both).
[[nodiscard]] Result<PricedEntry> price_entry(const IndemnityRules& rules,
                                              const std::string& profession,
                                              const TimeEntry& entry);

/// Statements per year (ascending) of already accepted entries. Errors: as price_entry, a year
/// without a PASS value, a year whose total passes the cap (the data are inconsistent).
[[nodiscard]] Result<std::vector<YearStatement>> statements(const IndemnityRules& rules,
                                                            const std::string& profession,
                                                            const std::vector<TimeEntry>& accepted);

/// The statement of one year, empty or not: what a page shows as "what remains for `year`".
/// Errors: as statements().
[[nodiscard]] Result<YearStatement> year_statement(const IndemnityRules& rules,
                                                   const std::string& profession,
                                                   const std::vector<TimeEntry>& accepted,
                                                   int year);

/// Adds `entry` to the accepted ones if the year's total stays within the PASS; the refusal
/// (invalid_input, field "minutes") says what the entry is worth and what remains for the year.
/// On success, the statement of the entry's year with it included.
[[nodiscard]] Result<YearStatement> admit_entry(const IndemnityRules& rules,
                                                const std::string& profession,
                                                const std::vector<TimeEntry>& accepted,
                                                const TimeEntry& entry);

}  // namespace maillage::association
