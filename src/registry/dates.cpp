#include "registry/dates.hpp"

#include <cstdio>

namespace maillage::registry {

namespace {

bool all_digits(std::string_view s) {
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return !s.empty();
}

int to_int(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = text.substr(0, 4), m = text.substr(5, 2), d = text.substr(8, 2);
  if (!all_digits(y) || !all_digits(m) || !all_digits(d)) return std::nullopt;
  const Date date{std::chrono::year{to_int(y)},
                  std::chrono::month{static_cast<unsigned>(to_int(m))},
                  std::chrono::day{static_cast<unsigned>(to_int(d))}};
  if (!date.ok()) return std::nullopt;
  return date;
}

std::string format_date(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

std::string format_date_fr(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02u/%02u/%04d", static_cast<unsigned>(d.day()),
                static_cast<unsigned>(d.month()), static_cast<int>(d.year()));
  return buf;
}

Date add_months(Date d, int months) {
  using namespace std::chrono;
  const year_month ym = year_month{d.year(), d.month()} + std::chrono::months{months};
  const auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  return year_month_day{ym.year(), ym.month(), d.day() > last ? last : d.day()};
}

Date add_delay(Date d, Delay delay) {
  const Date m = add_months(d, delay.months);
  return Date{std::chrono::sys_days{m} + std::chrono::days{delay.days}};
}

std::int64_t days_between(Date a, Date b) {
  return (std::chrono::sys_days{b} - std::chrono::sys_days{a}).count();
}

std::string describe_delay(Delay delay) {
  std::string out;
  if (delay.months != 0) out = std::to_string(delay.months) + " mois";
  if (delay.days != 0) {
    if (!out.empty()) out += " et ";
    out += std::to_string(delay.days) + (delay.days == 1 ? " jour" : " jours");
  }
  return out.empty() ? "0 jour" : out;
}

}  // namespace maillage::registry
