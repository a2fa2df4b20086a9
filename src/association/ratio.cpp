#include "association/ratio.hpp"

#include <limits>

#include "common/french.hpp"

namespace maillage::association {
namespace {

__extension__ using i128 = __int128;

i128 gcd128(i128 a, i128 b) {
  if (a < 0) a = -a;
  if (b < 0) b = -b;
  while (b != 0) {
    const i128 t = a % b;
    a = b;
    b = t;
  }
  return a;
}

// n/d reduced, if it fits in 64 bits.
std::optional<Ratio> make(i128 n, i128 d) {
  if (d == 0) return std::nullopt;
  if (d < 0) {
    n = -n;
    d = -d;
  }
  const i128 g = gcd128(n, d);
  if (g > 1) {
    n /= g;
    d /= g;
  }
  constexpr i128 lo = std::numeric_limits<std::int64_t>::min();
  constexpr i128 hi = std::numeric_limits<std::int64_t>::max();
  if (n < lo || n > hi || d > hi) return std::nullopt;
  return Ratio(static_cast<std::int64_t>(n), static_cast<std::int64_t>(d));
}

}  // namespace

Ratio::Ratio(std::int64_t n, std::int64_t d) {
  if (d == 0) return;
  if (d < 0) {
    // -INT64_MIN would overflow; such a ratio is never built by this module.
    n = -n;
    d = -d;
  }
  auto g = gcd128(n, d);
  num_ = static_cast<std::int64_t>(n / g);
  den_ = static_cast<std::int64_t>(d / g);
}

std::optional<Ratio> Ratio::add(Ratio a, Ratio b) {
  return make(i128{a.num_} * b.den_ + i128{b.num_} * a.den_, i128{a.den_} * b.den_);
}

std::optional<Ratio> Ratio::mul(Ratio a, Ratio b) {
  return make(i128{a.num_} * b.num_, i128{a.den_} * b.den_);
}

std::optional<Ratio> Ratio::div(Ratio a, Ratio b) {
  if (b.num_ == 0) return std::nullopt;
  return make(i128{a.num_} * b.den_, i128{a.den_} * b.num_);
}

int compare(Ratio a, Ratio b) {
  const i128 l = i128{a.num_} * b.den_;
  const i128 r = i128{b.num_} * a.den_;
  return l < r ? -1 : (l > r ? 1 : 0);
}

std::string Ratio::to_string() const {
  if (den_ == 1) return std::to_string(num_);
  return std::to_string(num_) + "/" + std::to_string(den_);
}

std::string Ratio::decimal_fr(int decimals) const { return fr::decimal(to_double(), decimals); }

std::string Ratio::percent_fr(int decimals) const {
  return fr::decimal(to_double() * 100.0, decimals) + "\u00A0%";
}

}  // namespace maillage::association
