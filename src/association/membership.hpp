// Membership status at a date from the statuts' period, the tariffs and the payments. Radiation
// is a decision of the bureau, recorded on the member, never computed.
//
// Calendar year: the payments of a year (Payment::covers_year, else the year of its date) open
// the year once they reach its tariff. Rolling 12 months: payments accumulate until they reach
// the tariff (of the year of the payment that completes it); that opens 12 months from the later
// of that payment's date and the day after the current period ends (an early renewal extends).
// Status at date D: radiée if radiated on or before D; à jour if D is in a paid period; échue if a
// paid period ended before D; en attente otherwise (joined, nothing or not enough paid).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "association/statuts.hpp"
#include "common/dates.hpp"
#include "common/error.hpp"

namespace maillage::association {

/// Dues of a year. The most specific tariff applies: collège and profession, then profession, then
/// collège, then neither (empty = any).
struct Tariff {
  int year = 0;
  std::string college;
  std::string profession;
  std::int64_t amount_cents = 0;
};

struct Payment {
  Date date;
  std::int64_t amount_cents = 0;
  std::string method;  ///< "virement", "chèque", "HelloAsso", …
  std::string reference;
  std::optional<int> covers_year;  ///< calendar mode: a December payment for next year
};

struct MemberDues {
  std::string id;
  std::string college;
  std::string profession;  ///< RPPS code or legal-person kind
  Date joined;
  std::optional<Date> radiated;
  std::vector<Payment> payments;
};

enum class MembershipStatus : std::uint8_t { en_attente, a_jour, echue, radiee };
[[nodiscard]] std::string_view label(MembershipStatus s);  ///< "à jour", …

struct MembershipState {
  MembershipStatus status = MembershipStatus::en_attente;
  std::optional<Date> paid_until;  ///< end of the last paid period (inclusive)
  std::int64_t due_cents = 0;      ///< tariff of the period being paid (D's year, or the next)
  std::int64_t paid_cents = 0;     ///< paid towards it so far
};

/// The tariff for a member and year; not_found naming year, collège and profession.
[[nodiscard]] Result<Tariff> find_tariff(const std::vector<Tariff>& tariffs, int year,
                                         const std::string& college, const std::string& profession);

/// Errors: a payment with a negative amount, a tariff missing for a year that has payments.
[[nodiscard]] Result<MembershipState> membership_at(const Statuts& statuts,
                                                    const std::vector<Tariff>& tariffs,
                                                    const MemberDues& member, Date at);

enum class ReminderReason : std::uint8_t { echue, en_attente, due_soon };

struct Reminder {
  std::string member;
  ReminderReason reason = ReminderReason::echue;
  MembershipState state;
  std::string message;  ///< French: "cotisation échue depuis le 31/12/2024"
};

/// Members to remind at `at`: échue, en attente, or à jour with a period ending within
/// `within_days` days. Radiés are never reminded. Input order kept.
[[nodiscard]] Result<std::vector<Reminder>> reminders(const Statuts& statuts,
                                                      const std::vector<Tariff>& tariffs,
                                                      const std::vector<MemberDues>& members,
                                                      Date at, int within_days);

}  // namespace maillage::association
