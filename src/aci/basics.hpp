// Money, rates and dates of the ACI engine. Money is integer cents, rates are integer parts per
// million, dates are calendar days: every computation is exact and every rounding is explicit.
#pragma once

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "common/dates.hpp"

namespace maillage::aci {

using Cents = std::int64_t;  // 1 € = 100
using Ppm = std::int64_t;    // parts per million: 100 % = 1'000'000

inline constexpr Ppm kPpmOne = 1'000'000;
// Largest amount accepted anywhere (10 billion euros): keeps every product in 128 bits far from
// overflow and catches absurd inputs.
inline constexpr Cents kMaxCents = 1'000'000'000'000;

/// a × num / den rounded half away from zero (den > 0). The one rounding primitive of the engine:
/// every pro rata, advance and rate is computed as a single exact fraction and rounded once.
[[nodiscard]] std::int64_t mul_div_round(std::int64_t a, std::int64_t num, std::int64_t den);
/// The product of `num` over the product of `den` (all den > 0), rounded once, half away from
/// zero. Intermediate products are 128-bit: callers keep each factor within kMaxCents, days or ppm.
[[nodiscard]] std::int64_t fraction_round(std::initializer_list<std::int64_t> num,
                                          std::initializer_list<std::int64_t> den);

/// "1234.56", "-0.05": the CSV / machine form.
[[nodiscard]] std::string format_cents(Cents c);
/// "1 234,56 €": the form shown to users.
[[nodiscard]] std::string format_euros(Cents c);
/// Parses "1234", "1234.5", "1234.56" (also with a comma, and spaces as thousands separators) into
/// cents; nullopt when malformed, more than two decimals, or above kMaxCents.
[[nodiscard]] std::optional<Cents> parse_cents(std::string_view text);
/// A rate in ppm as a percentage with up to 4 decimals: "75 %", "66,6667 %".
[[nodiscard]] std::string format_rate(Ppm rate);
/// Percent (e.g. 75 or 12.5) to ppm, rounded half up to the ppm.
[[nodiscard]] Ppm percent_to_ppm(double percent);

// Calendar dates are common (src/common/dates.hpp).
using maillage::add_months;
using maillage::add_years;
using maillage::Date;
using maillage::days_between;
using maillage::format_date;
using maillage::parse_date;

}  // namespace maillage::aci
