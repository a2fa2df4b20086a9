#include "registry/dates.hpp"

namespace maillage::registry {

Date add_delay(Date d, Delay delay) {
  const Date m = add_months(d, delay.months);
  return Date{std::chrono::sys_days{m} + std::chrono::days{delay.days}};
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
