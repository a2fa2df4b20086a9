// Calendar dates shared by every module: transitions, timers, deadlines and payment schedules are
// counted in calendar days and months (a 2-month delay from 31 December ends on the last day of
// February). Dates travel as "YYYY-MM-DD" (JSON, CSV, SQL) and are shown as "15/03/2024".
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace maillage {

using Date = std::chrono::year_month_day;

/// Strict "YYYY-MM-DD" with a valid calendar day; nullopt otherwise.
[[nodiscard]] std::optional<Date> parse_date(std::string_view text);
/// "2024-03-15": the machine form (CSV, JSON, SQL, logs).
[[nodiscard]] std::string format_date(Date d);
/// "15/03/2024": the form shown to users.
[[nodiscard]] std::string format_date_fr(Date d);
/// A stored UTC timestamp ("2026-12-07T12:58:18.562Z", "2026-12-07 12:58:18", seconds and
/// fraction optional) shown in French civil time: "07/12/2026 à 13 h 58" (Europe/Paris: UTC+1,
/// UTC+2 from the last Sunday of March to the last Sunday of October, 01:00 UTC). nullopt when
/// the text is not such a timestamp.
[[nodiscard]] std::optional<std::string> format_timestamp_fr(std::string_view text);
/// "20240315": the compact form of file names and RPPS snapshot dates.
[[nodiscard]] std::string format_date_compact(Date d);
/// Adds months; a day that does not exist in the target month becomes that month's last day
/// (31 August + 6 months = 28/29 February).
[[nodiscard]] Date add_months(Date d, int months);
/// Years are 12 months, so 29 February + 1 year = 28 February.
[[nodiscard]] inline Date add_years(Date d, int years) { return add_months(d, 12 * years); }
[[nodiscard]] inline Date add_days(Date d, std::int64_t days) {
  return Date{std::chrono::sys_days{d} + std::chrono::days{days}};
}
/// Days from a to b (negative when b is before a).
[[nodiscard]] std::int64_t days_between(Date a, Date b);
/// Today's date in UTC (the one clock read of the code base for calendar days).
[[nodiscard]] Date today_utc();

}  // namespace maillage
