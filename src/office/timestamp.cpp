#include "office/timestamp.hpp"

#include <ctime>

namespace maillage::office::detail {

bool valid_civil_date(int year, int month, int day) {
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  const int max = month == 2 && leap ? 29 : kDays[month - 1];
  return day <= max;
}

bool valid_utc_timestamp(std::string_view t) {
  if (t.size() != 20) return false;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const char c = t[i];
    bool ok = false;
    if (i == 4 || i == 7) {
      ok = c == '-';
    } else if (i == 10) {
      ok = c == 'T';
    } else if (i == 13 || i == 16) {
      ok = c == ':';
    } else if (i == 19) {
      ok = c == 'Z';
    } else {
      ok = c >= '0' && c <= '9';
    }
    if (!ok) return false;
  }
  auto num = [&](std::size_t pos, std::size_t len) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) v = v * 10 + (t[i] - '0');
    return v;
  };
  return valid_civil_date(num(0, 4), num(5, 2), num(8, 2)) && num(11, 2) < 24 && num(14, 2) < 60 &&
         num(17, 2) < 60;
}

std::string now_utc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace maillage::office::detail
