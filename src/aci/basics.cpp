#include "aci/basics.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/french.hpp"

namespace maillage::aci {

namespace {

// 128-bit intermediate products: amounts (< 2^40 cents) × days × ppm exceed 64 bits.
__extension__ typedef __int128 Wide;

std::int64_t div_round(Wide num, Wide den) {
  // Half away from zero, so that a refund is the mirror of a payment.
  bool negative = (num < 0) != (den < 0);
  Wide n = num < 0 ? -num : num;
  Wide d = den < 0 ? -den : den;
  Wide q = (2 * n + d) / (2 * d);
  return static_cast<std::int64_t>(negative ? -q : q);
}

}  // namespace

std::int64_t mul_div_round(std::int64_t a, std::int64_t num, std::int64_t den) {
  return div_round(static_cast<Wide>(a) * num, den);
}

std::int64_t fraction_round(std::initializer_list<std::int64_t> num,
                            std::initializer_list<std::int64_t> den) {
  Wide n = 1;
  Wide d = 1;
  for (auto x : num) n *= x;
  for (auto x : den) d *= x;
  return div_round(n, d);
}

std::string format_cents(Cents c) {
  char buf[32];
  unsigned long long abs =
      c < 0 ? 0ULL - static_cast<unsigned long long>(c) : static_cast<unsigned long long>(c);
  std::snprintf(buf, sizeof buf, "%s%llu.%02llu", c < 0 ? "-" : "", abs / 100, abs % 100);
  return buf;
}

std::string format_euros(Cents c) {
  unsigned long long abs =
      c < 0 ? 0ULL - static_cast<unsigned long long>(c) : static_cast<unsigned long long>(c);
  const std::string grouped = fr::group_digits(std::to_string(abs / 100), " ");
  char cents[8];
  std::snprintf(cents, sizeof cents, ",%02llu", abs % 100);
  return (c < 0 ? "-" : "") + grouped + cents + " €";
}

std::optional<Cents> parse_cents(std::string_view text) {
  std::size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';
  Cents units = 0;
  int digits = 0;
  for (; i < text.size(); ++i) {
    char ch = text[i];
    if (ch == ' ' && digits > 0) continue;  // thousands separator
    if (ch < '0' || ch > '9') break;
    units = units * 10 + (ch - '0');
    if (units > kMaxCents / 100) return std::nullopt;
    ++digits;
  }
  if (digits == 0) return std::nullopt;
  Cents frac = 0;
  if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
    ++i;
    int decimals = 0;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i, ++decimals) {
      if (decimals == 2) return std::nullopt;
      frac = frac * 10 + (text[i] - '0');
    }
    if (decimals == 0) return std::nullopt;
    if (decimals == 1) frac *= 10;
  }
  if (i != text.size()) return std::nullopt;
  Cents total = units * 100 + frac;
  if (total > kMaxCents) return std::nullopt;
  return negative ? -total : total;
}

std::string format_rate(Ppm rate) {
  // ppm → percent with 4 decimals, trailing zeros dropped.
  bool negative = rate < 0;
  long long abs = negative ? -rate : rate;
  std::string out = std::to_string(abs / 10000);
  long long frac = abs % 10000;
  if (frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "%04lld", frac);
    std::string f = buf;
    while (!f.empty() && f.back() == '0') f.pop_back();
    out += "," + f;
  }
  return (negative ? "-" : "") + out + " %";
}

Ppm percent_to_ppm(double percent) { return static_cast<Ppm>(std::floor(percent * 10000.0 + 0.5)); }

}  // namespace maillage::aci
