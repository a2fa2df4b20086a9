// The payment schedule of a contract: every payment with its date, contract year, envelope, kind
// and amount to the cent. CPTS: anniversary years (fonctionnement, fixed and variable parts of the
// missions); MSP: calendar years in points. Rounding rules: src/aci/README.md.
#pragma once

#include <string>
#include <vector>

#include "aci/achievement.hpp"
#include "aci/contract.hpp"
#include "aci/rules.hpp"

namespace maillage::aci {

enum class PaymentKind {
  versement,  // paid in full once: amorçage, lettre d'intention money, variable part
  avance,     // advance on a yearly amount
  solde,      // balance of a yearly amount (negative for an MSP that must pay back)
};
[[nodiscard]] std::string_view to_string(PaymentKind k);

struct Payment {
  Date date{};
  int contract_year = 0;  // the year the money is for (0: before the contract; MSP: calendar year)
  std::string envelope;   // "amorcage", "fonctionnement", "lettre_intention", "parcours.fixe",
                          // "parcours.variable", "remuneration" (MSP)
  PaymentKind kind = PaymentKind::versement;
  Cents amount = 0;
  bool verified = true;    // false when a rules value used is not verified (and not overridden)
  bool estimated = false;  // variable part simulated for unmeasured indicators
  std::string basis;       // French: how the amount was computed
};

/// One contract year of one mission, for the indicator sheet of the dialogue de gestion.
struct MissionYear {
  std::string mission;
  int year = 0;
  Date from{};             // mission start or anniversary
  Date to{};               // next anniversary
  Cents fixed = 0;         // yearly fixed amount before pro rata
  Cents fixed_paid = 0;    // pro rata temporis
  Cents variable_max = 0;  // yearly variable amount before pro rata, at 100 %
  Cents variable_paid = 0;
  MissionOutcome outcome;
};

struct Schedule {
  std::string contract_id;
  std::vector<Date> anniversaries;  // signature, then each anniversary (CPTS)
  std::vector<Payment> payments;    // by date, then year, envelope and kind
  std::vector<MissionYear> missions;
  std::vector<std::string> notes;  // French: assumptions, unverified values, skipped items
};

struct ScheduleOptions {
  /// Achievement assumed for indicators not measured yet (0 % is the prudent forecast, 100 % the
  /// ceiling).
  Ppm unmeasured_rate = 0;
};

[[nodiscard]] Result<Schedule> compute_schedule(const CptsContract& c, const RuleBook& rules,
                                                const ScheduleOptions& options = {});
[[nodiscard]] Result<Schedule> compute_schedule(const MspContract& c, const RuleBook& rules,
                                                const ScheduleOptions& options = {});
[[nodiscard]] Result<Schedule> compute_schedule(const Contract& c, const RuleBook& rules,
                                                const ScheduleOptions& options = {});

/// Total paid per envelope, in first-payment order.
[[nodiscard]] std::vector<std::pair<std::string, Cents>> totals_by_envelope(const Schedule& s);

/// "date,contract_year,envelope,kind,amount" then one line per payment (amounts like 1234.56).
/// With `details`, two more columns: verified (oui/non) and basis.
[[nodiscard]] std::string schedule_csv(const Schedule& s, bool details = false);

}  // namespace maillage::aci
