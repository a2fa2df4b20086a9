#include "common/dates.hpp"

#include <cstdio>

namespace maillage {

std::optional<Date> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  auto number = [&](std::size_t from, std::size_t len) -> int {
    int v = 0;
    for (std::size_t i = from; i < from + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return -1;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  const int y = number(0, 4), m = number(5, 2), d = number(8, 2);
  if (y < 0 || m < 0 || d < 0) return std::nullopt;
  const Date date{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                  std::chrono::day{static_cast<unsigned>(d)}};
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

namespace {

// The last Sunday of a month (the EU changes of time happen on it, at 01:00 UTC).
std::chrono::sys_days last_sunday(std::chrono::year y, std::chrono::month m) {
  return std::chrono::sys_days{std::chrono::year_month_weekday_last{
      y, m, std::chrono::weekday_last{std::chrono::Sunday}}};
}

int two_digits(std::string_view s, std::size_t at) {
  if (at + 2 > s.size() || s[at] < '0' || s[at] > '9' || s[at + 1] < '0' || s[at + 1] > '9') {
    return -1;
  }
  return (s[at] - '0') * 10 + (s[at + 1] - '0');
}

}  // namespace

std::optional<std::string> format_timestamp_fr(std::string_view text) {
  using namespace std::chrono;
  if (text.size() < 16 || (text[10] != 'T' && text[10] != ' ')) return std::nullopt;
  auto day = parse_date(text.substr(0, 10));
  const int hour = two_digits(text, 11);
  const int minute = two_digits(text, 14);
  if (!day || text[13] != ':' || hour < 0 || hour > 23 || minute < 0 || minute > 59) {
    return std::nullopt;
  }
  // What may follow the minutes: ":SS", a fraction, "Z" or "+00:00" (stored times are UTC).
  for (char c : text.substr(16)) {
    if (!((c >= '0' && c <= '9') || c == ':' || c == '.' || c == 'Z' || c == '+')) {
      return std::nullopt;
    }
  }
  const sys_seconds utc = sys_days{*day} + hours{hour} + minutes{minute};
  const year y = day->year();
  const sys_seconds summer_from = last_sunday(y, March) + hours{1};
  const sys_seconds summer_to = last_sunday(y, October) + hours{1};
  const sys_seconds paris = utc + hours{(utc >= summer_from && utc < summer_to) ? 2 : 1};
  const sys_days paris_day = floor<days>(paris);
  const hh_mm_ss<seconds> time{paris - paris_day};
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s à %d h %02d", format_date_fr(Date{paris_day}).c_str(),
                static_cast<int>(time.hours().count()),
                static_cast<int>(time.minutes().count()));
  return std::string(buf);
}

std::string format_date_compact(Date d) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02u%02u", static_cast<int>(d.year()),
                static_cast<unsigned>(d.month()), static_cast<unsigned>(d.day()));
  return buf;
}

Date add_months(Date d, int months) {
  using namespace std::chrono;
  const year_month ym = year_month{d.year(), d.month()} + std::chrono::months{months};
  const auto last = year_month_day_last{ym.year(), month_day_last{ym.month()}}.day();
  return year_month_day{ym.year(), ym.month(), d.day() > last ? last : d.day()};
}

std::int64_t days_between(Date a, Date b) {
  return (std::chrono::sys_days{b} - std::chrono::sys_days{a}).count();
}

Date today_utc() {
  return Date{std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now())};
}

}  // namespace maillage
