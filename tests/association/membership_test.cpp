// Membership statuses at a date, in both period modes, and the reminders list. Tariffs: médecins
// 50 € in 2024 and 60 € in 2025, everyone else 30 €.
#include "association/membership.hpp"

#include <gtest/gtest.h>

#include "association/fixtures.hpp"

namespace maillage::association {
namespace {

Date d(const char* iso) { return *parse_date(iso); }

std::vector<Tariff> tariffs() {
  return {{2024, "med", "", 5000},
          {2025, "med", "", 6000},
          {2024, "", "", 3000},
          {2025, "", "", 3000},
          {2026, "", "", 3000}};
}

MemberDues medecin(std::vector<Payment> payments) {
  return {"m1", "med", "10", d("2024-03-01"), std::nullopt, std::move(payments)};
}

Statuts calendar() { return testing::cpts_statuts(); }
Statuts rolling() {
  auto s = testing::cpts_statuts();
  s.period = MembershipPeriod::rolling_12_months;
  return s;
}

MembershipState at(const Statuts& s, const MemberDues& m, const char* iso) {
  auto st = membership_at(s, tariffs(), m, d(iso));
  EXPECT_TRUE(st) << (st ? "" : st.error().describe());
  return st ? *st : MembershipState{};
}

TEST(Membership, CalendarYearPaidThenLapsed) {
  const auto m = medecin({{d("2024-03-01"), 5000, "virement", "V-1", std::nullopt}});
  auto st = at(calendar(), m, "2024-06-01");
  EXPECT_EQ(st.status, MembershipStatus::a_jour);
  EXPECT_EQ(format_date(*st.paid_until), "2024-12-31");
  EXPECT_EQ(st.paid_cents, 5000);
  st = at(calendar(), m, "2025-02-01");
  EXPECT_EQ(st.status, MembershipStatus::echue);
  EXPECT_EQ(format_date(*st.paid_until), "2024-12-31");
  EXPECT_EQ(st.due_cents, 6000);
  EXPECT_EQ(label(st.status), "échue");
}

TEST(Membership, NewMemberWaitsUntilTheTariffIsReached) {
  auto m = medecin({});
  m.joined = d("2025-01-10");
  EXPECT_EQ(at(calendar(), m, "2025-01-15").status, MembershipStatus::en_attente);
  m.payments = {{d("2025-01-20"), 3000, "chèque", "C-12", std::nullopt}};
  auto st = at(calendar(), m, "2025-02-01");
  EXPECT_EQ(st.status, MembershipStatus::en_attente);  // 30 € of the 60 € due
  EXPECT_EQ(st.paid_cents, 3000);
  EXPECT_EQ(st.due_cents, 6000);
  m.payments.push_back({d("2025-02-03"), 3000, "chèque", "C-13", std::nullopt});
  EXPECT_EQ(at(calendar(), m, "2025-02-04").status, MembershipStatus::a_jour);
}

TEST(Membership, DecemberPaymentForNextYear) {
  const auto m = medecin({{d("2024-03-01"), 5000, "virement", "V-1", std::nullopt},
                          {d("2024-12-15"), 6000, "HelloAsso", "H-9", 2025}});
  auto st = at(calendar(), m, "2024-12-20");
  EXPECT_EQ(st.status, MembershipStatus::a_jour);
  EXPECT_EQ(format_date(*st.paid_until), "2025-12-31");  // the next year follows on
  EXPECT_EQ(at(calendar(), m, "2025-01-15").status, MembershipStatus::a_jour);
}

TEST(Membership, RadiationIsADecisionNotAComputation) {
  auto m = medecin({{d("2025-01-05"), 6000, "virement", "V-2", std::nullopt}});
  m.radiated = d("2025-03-01");
  EXPECT_EQ(at(calendar(), m, "2025-02-28").status, MembershipStatus::a_jour);
  EXPECT_EQ(at(calendar(), m, "2025-03-01").status, MembershipStatus::radiee);
}

TEST(Membership, Rolling12Months) {
  auto m = medecin({{d("2024-03-15"), 5000, "virement", "V-1", std::nullopt}});
  auto st = at(rolling(), m, "2025-03-14");
  EXPECT_EQ(st.status, MembershipStatus::a_jour);
  EXPECT_EQ(format_date(*st.paid_until), "2025-03-14");
  EXPECT_EQ(at(rolling(), m, "2025-03-15").status, MembershipStatus::echue);
  // An early renewal starts when the current period ends, and extends paid_until.
  m.payments.push_back({d("2025-03-01"), 6000, "virement", "V-2", std::nullopt});
  st = at(rolling(), m, "2025-03-02");
  EXPECT_EQ(st.status, MembershipStatus::a_jour);
  EXPECT_EQ(format_date(*st.paid_until), "2026-03-14");
  // A late renewal starts on its own date.
  m.payments.back().date = d("2025-05-10");
  EXPECT_EQ(at(rolling(), m, "2025-05-01").status, MembershipStatus::echue);
  st = at(rolling(), m, "2025-05-10");
  EXPECT_EQ(st.status, MembershipStatus::a_jour);
  EXPECT_EQ(format_date(*st.paid_until), "2026-05-09");
}

TEST(Membership, MostSpecificTariffAndMissingTariff) {
  std::vector<Tariff> t = {{2025, "", "", 3000},
                           {2025, "ps", "", 2500},
                           {2025, "", "21", 4000},
                           {2025, "ps", "21", 4500}};
  EXPECT_EQ(find_tariff(t, 2025, "ps", "21")->amount_cents, 4500);
  EXPECT_EQ(find_tariff(t, 2025, "med", "21")->amount_cents, 4000);
  EXPECT_EQ(find_tariff(t, 2025, "ps", "50")->amount_cents, 2500);
  EXPECT_EQ(find_tariff(t, 2025, "etab", "ehpad")->amount_cents, 3000);
  auto none = find_tariff(t, 2023, "ps", "21");
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("aucun tarif de cotisation pour 2023"), std::string::npos);
  // A payment in a year without tariff cannot be judged.
  const auto m = medecin({{d("2023-05-01"), 5000, "virement", "V-0", std::nullopt}});
  EXPECT_FALSE(membership_at(calendar(), tariffs(), m, d("2023-06-01")));
  auto negative = medecin({{d("2024-05-01"), -5000, "virement", "V-0", std::nullopt}});
  auto err = membership_at(calendar(), tariffs(), negative, d("2024-06-01"));
  ASSERT_FALSE(err);
  EXPECT_EQ(err.error().field, "payments[0].amount");
}

TEST(Membership, Reminders) {
  const std::vector<MemberDues> members = {
      {"lapsed",
       "ps",
       "21",
       d("2024-01-10"),
       std::nullopt,
       {{d("2024-01-10"), 3000, "chèque", "", std::nullopt}}},
      {"waiting", "ps", "50", d("2025-11-02"), std::nullopt, {}},
      {"due-soon",
       "ps",
       "40",
       d("2025-01-03"),
       std::nullopt,
       {{d("2025-01-03"), 3000, "virement", "", std::nullopt}}},
      {"paid-ahead",
       "ps",
       "40",
       d("2025-01-03"),
       std::nullopt,
       {{d("2025-01-03"), 3000, "virement", "", std::nullopt},
        {d("2025-12-01"), 3000, "virement", "", 2026}}},
      {"gone", "ps", "21", d("2024-01-10"), d("2025-06-30"), {}},
  };
  auto r = reminders(calendar(), tariffs(), members, d("2025-12-10"), 30);
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), 3U);
  EXPECT_EQ((*r)[0].member, "lapsed");
  EXPECT_EQ((*r)[0].reason, ReminderReason::echue);
  EXPECT_EQ((*r)[0].message, "cotisation échue depuis le 31/12/2024");
  EXPECT_EQ((*r)[1].member, "waiting");
  EXPECT_EQ((*r)[1].reason, ReminderReason::en_attente);
  EXPECT_EQ((*r)[1].message, "cotisation en attente : 0,00\u00A0€ reçus sur 30,00\u00A0€");
  EXPECT_EQ((*r)[2].member, "due-soon");
  EXPECT_EQ((*r)[2].reason, ReminderReason::due_soon);
  EXPECT_EQ((*r)[2].message, "cotisation à renouveler avant le 31/12/2025");
  // 21 days before the end: outside a 20-day window.
  r = reminders(calendar(), tariffs(), members, d("2025-12-10"), 20);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->size(), 2U);
}

}  // namespace
}  // namespace maillage::association
