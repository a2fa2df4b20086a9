// Exact fractions for shares, quorums and majorities: a vote threshold is a comparison that must
// never depend on rounding (7 pour out of 21 exprimés against "two thirds" is exactly 1/3, not
// 0.333…). Values are kept reduced with a positive denominator; arithmetic is checked and reports
// an overflow instead of wrapping (an AG would need collèges of millions of members to reach it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace maillage::association {

class Ratio {
 public:
  constexpr Ratio() = default;
  /// n/1.
  constexpr Ratio(std::int64_t n) : num_(n) {}  // NOLINT: implicit from integers on purpose
  /// n/d reduced; d must not be 0 (a 0 denominator gives 0/1: callers check first).
  Ratio(std::int64_t n, std::int64_t d);

  [[nodiscard]] std::int64_t num() const { return num_; }
  [[nodiscard]] std::int64_t den() const { return den_; }
  [[nodiscard]] bool is_zero() const { return num_ == 0; }

  /// Checked arithmetic: nullopt on overflow of the reduced result.
  [[nodiscard]] static std::optional<Ratio> add(Ratio a, Ratio b);
  [[nodiscard]] static std::optional<Ratio> mul(Ratio a, Ratio b);
  /// a / b with b ≠ 0.
  [[nodiscard]] static std::optional<Ratio> div(Ratio a, Ratio b);

  /// -1, 0, 1: exact (128-bit cross products).
  friend int compare(Ratio a, Ratio b);
  friend bool operator==(Ratio a, Ratio b) { return a.num_ == b.num_ && a.den_ == b.den_; }
  friend bool operator<(Ratio a, Ratio b) { return compare(a, b) < 0; }
  friend bool operator<=(Ratio a, Ratio b) { return compare(a, b) <= 0; }
  friend bool operator>(Ratio a, Ratio b) { return compare(a, b) > 0; }
  friend bool operator>=(Ratio a, Ratio b) { return compare(a, b) >= 0; }

  /// "3/8", or "3" when the denominator is 1.
  [[nodiscard]] std::string to_string() const;
  /// French decimal for display only ("0,375" with 3 decimals; "37,5 %" via percent_fr).
  [[nodiscard]] std::string decimal_fr(int decimals) const;
  [[nodiscard]] std::string percent_fr(int decimals) const;
  /// For charts only; never compare these.
  [[nodiscard]] double to_double() const {
    return static_cast<double>(num_) / static_cast<double>(den_);
  }

 private:
  std::int64_t num_ = 0;
  std::int64_t den_ = 1;
};

}  // namespace maillage::association
