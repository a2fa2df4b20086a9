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

/// One indicator of an MSP year: its points and money at 100 % and as achieved.
struct MspIndicatorResult {
  std::string id;
  MspCategory category = MspCategory::socle;
  /// Points at 100 % times the reference patient list (fixed × reference + variable × patients),
  /// so that scaled variable points stay integers; points = points_x_ref / reference.
  std::int64_t points_x_ref = 0;
  std::int64_t reference = 1;
  Ppm rate = 0;            // achievement used (the measured one, else the simulated one)
  bool measured = false;
  Cents at_full = 0;       // point value × points (× days / days of the year), at 100 %
  Cents earned = 0;        // the same × achievement, rounded once
};

/// One calendar year of an MSP contract, as its schedule computes it.
struct MspYearResult {
  int year = 0;
  std::int64_t patients = 0;
  bool new_structure = false;
  std::int64_t days = 0;       // days under contract in the year
  std::int64_t year_days = 0;
  bool partial = false;        // counted pro rata (days / year_days)
  std::vector<MspIndicatorResult> indicators;  // contract order
  Cents socle_full = 0;        // socle and prérequis at 100 %: the base of the advance
  Cents earned = 0;            // sum of the indicators' money as achieved
  Cents total = 0;             // the year's remuneration (0 when a prérequis is unmet; minimum)
  Cents advance = 0;
  Cents balance = 0;           // total − advance (negative: to pay back)
  std::string unmet_prerequisite;  // id of the first prérequis below 100 %, "" when all are met
  bool minimum_used = false;       // the new-structure minimum replaced the total
  bool estimated = false;          // some indicator was not measured
  std::string basis;               // French, as in the balance's basis
};

/// The calendar years of an MSP contract (those listed in `years`), in order, with each
/// indicator's points and money: what compute_schedule pays, indicator by indicator.
[[nodiscard]] Result<std::vector<MspYearResult>> msp_years(const MspContract& c,
                                                           const RuleBook& rules,
                                                           const ScheduleOptions& options = {});

/// Total paid per envelope, in first-payment order.
[[nodiscard]] std::vector<std::pair<std::string, Cents>> totals_by_envelope(const Schedule& s);

/// "date,contract_year,envelope,kind,amount" then one line per payment (amounts like 1234.56).
/// With `details`, two more columns: verified (oui/non) and basis.
[[nodiscard]] std::string schedule_csv(const Schedule& s, bool details = false);

}  // namespace maillage::aci
