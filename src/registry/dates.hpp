// Calendar dates of the registry: transitions, timers and deadlines are counted in calendar days
// and months (a "2 months" legal delay from 31 December ends on the last day of February).
#pragma once

#include <cstdint>
#include <string>

#include "common/dates.hpp"

namespace maillage::registry {

// The calendar itself is common (src/common/dates.hpp); the registry adds legal delays.
using maillage::add_months;
using maillage::Date;
using maillage::days_between;
using maillage::format_date;
using maillage::format_date_fr;
using maillage::parse_date;

/// A delay as the rules state it: months first, then days ("2 mois", "6 mois", "15 jours").
struct Delay {
  int months = 0;
  int days = 0;
};

/// d + delay.months, then + delay.days.
[[nodiscard]] Date add_delay(Date d, Delay delay);
/// "2 mois", "6 mois et 15 jours", "10 jours".
[[nodiscard]] std::string describe_delay(Delay delay);

}  // namespace maillage::registry
