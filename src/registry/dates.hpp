// Calendar dates of the registry: transitions, timers and deadlines are counted in calendar days
// and months (a "2 months" legal delay from 31 December ends on the last day of February).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace maillage::registry {

using Date = std::chrono::year_month_day;

/// A delay as the rules state it: months first, then days ("2 mois", "6 mois", "15 jours").
struct Delay {
  int months = 0;
  int days = 0;
};

/// Strict "YYYY-MM-DD" with a valid calendar day; nullopt otherwise.
[[nodiscard]] std::optional<Date> parse_date(std::string_view text);
/// "2024-03-15": the machine form (CSV, JSON, logs).
[[nodiscard]] std::string format_date(Date d);
/// "15/03/2024": the form shown to users.
[[nodiscard]] std::string format_date_fr(Date d);
/// Adds months; a day that does not exist in the target month becomes that month's last day.
[[nodiscard]] Date add_months(Date d, int months);
/// d + delay.months, then + delay.days.
[[nodiscard]] Date add_delay(Date d, Delay delay);
/// Days from a to b (negative when b is before a).
[[nodiscard]] std::int64_t days_between(Date a, Date b);
/// "2 mois", "6 mois et 15 jours", "10 jours".
[[nodiscard]] std::string describe_delay(Delay delay);

}  // namespace maillage::registry
