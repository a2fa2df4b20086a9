// Indemnities against the PASS, computed by hand. Médecins (profession "10") are paid 120 €/h in
// 2024 and 125 €/h in 2025; PASS 2024 = 46 368 €, 2025 = 47 100 €.
#include "association/indemnity.hpp"

#include <gtest/gtest.h>

#include "association/money.hpp"

namespace maillage::association {
namespace {

Date d(const char* iso) { return *parse_date(iso); }

IndemnityRules rules() {
  IndemnityRules r;
  r.rates = {{"10", 2024, 12000, "décision du bureau du 12/01/2024", false},
             {"10", 2025, 12500, "décision du bureau du 10/01/2025", false},
             {"60", 2025, 9999, "", true}};
  return r;
}

// 48 days of 8 hours in 2024 at 120 €/h: 48 × 960 € = 46 080 €, 288 € below the PASS.
std::vector<TimeEntry> busy_2024() {
  std::vector<TimeEntry> out;
  Date day = d("2024-01-08");
  for (int i = 0; i < 48; ++i) {
    out.push_back({"e" + std::to_string(i), day, 8 * 60, "groupe de travail"});
    day = add_days(day, 6);
  }
  return out;
}

TEST(Indemnity, PassValuesHaveTheirSource) {
  const auto& pass = known_pass_values();
  ASSERT_GE(pass.size(), 3U);
  EXPECT_EQ(pass[0].year, 2023);
  EXPECT_EQ(pass[0].cents, 4399200);
  EXPECT_EQ(pass[1].cents, 4636800);
  EXPECT_EQ(pass[2].cents, 4710000);
  for (const auto& p : pass) {
    EXPECT_FALSE(p.source.empty()) << p.year;
    EXPECT_EQ(p.unverified, p.year > 2025) << p.year;  // only checked values are unflagged
  }
}

TEST(Indemnity, PricesAnEntryToTheCent) {
  auto p = price_entry(rules(), "10", {"a", d("2024-05-02"), 90, "réunion"});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->amount_cents, 18000);  // 1 h 30 × 120 €
  // 50 min × 99,99 €/h = 83,325 € → 83,33 € (half up).
  p = price_entry(rules(), "60", {"b", d("2025-05-02"), 50, "réunion"});
  ASSERT_TRUE(p);
  EXPECT_EQ(p->amount_cents, 8333);
  EXPECT_TRUE(p->rate_unverified);
}

// Cap hit mid-year: after 46 080 €, an 8-hour day (960 €) is refused with what remains (288 €);
// 2 hours (240 €) pass and leave 48 €; then 2 h 24 (288 €) is refused again.
TEST(Indemnity, CapHitMidYear) {
  auto accepted = busy_2024();
  auto refused =
      admit_entry(rules(), "10", accepted, {"x", d("2024-11-05"), 480, "groupe de travail"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(refused.error().field, "minutes");
  EXPECT_EQ(refused.error().message,
            "saisie refusée : 8 h 00 du 05/11/2024 valent 960,00\u00A0€ et dépasseraient le "
            "plafond annuel 2024 "
            "de 46\u202F368,00\u00A0€ ; il reste 288,00\u00A0€ pour 2024");

  auto ok = admit_entry(rules(), "10", accepted, {"y", d("2024-11-05"), 120, "groupe de travail"});
  ASSERT_TRUE(ok) << ok.error().describe();
  EXPECT_EQ(ok->total_cents, 4632000);
  EXPECT_EQ(ok->remaining_cents, 4800);
  EXPECT_EQ(ok->entries.size(), 49U);
  accepted.push_back({"y", d("2024-11-05"), 120, "groupe de travail"});

  auto again =
      admit_entry(rules(), "10", accepted, {"z", d("2024-11-20"), 144, "groupe de travail"});
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("il reste 48,00\u00A0€ pour 2024"), std::string::npos);
  // Exactly what remains is accepted: 24 minutes at 120 €/h = 48 €.
  auto exact =
      admit_entry(rules(), "10", accepted, {"w", d("2024-11-20"), 24, "groupe de travail"});
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->remaining_cents, 0);
}

// The cap is per year: a full 2024 does not stop January 2025.
TEST(Indemnity, TwoYears) {
  auto accepted = busy_2024();
  auto ok =
      admit_entry(rules(), "10", accepted, {"jan", d("2025-01-02"), 480, "groupe de travail"});
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->year, 2025);
  EXPECT_EQ(ok->total_cents, 100000);                // 8 h × 125 €
  EXPECT_EQ(ok->remaining_cents, 4710000 - 100000);  // 46 100 €
  accepted.push_back({"jan", d("2025-01-02"), 480, "groupe de travail"});
  auto st = statements(rules(), "10", accepted);
  ASSERT_TRUE(st);
  ASSERT_EQ(st->size(), 2U);
  EXPECT_EQ((*st)[0].year, 2024);
  EXPECT_EQ((*st)[0].total_cents, 4608000);
  EXPECT_EQ((*st)[0].remaining_cents, 28800);
  EXPECT_EQ((*st)[0].minutes, 48 * 480);
  EXPECT_EQ((*st)[1].total_cents, 100000);
}

// What remains for a year, with or without entries.
TEST(Indemnity, WhatRemainsForAYear) {
  auto st = year_statement(rules(), "10", busy_2024(), 2024);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->remaining_cents, 28800);
  st = year_statement(rules(), "10", busy_2024(), 2025);
  ASSERT_TRUE(st);
  EXPECT_TRUE(st->entries.empty());
  EXPECT_EQ(st->remaining_cents, 4710000);
  EXPECT_FALSE(year_statement(rules(), "10", {}, 2019));  // no PASS value known
}

// Rate change at the new year: 4 h on 31/12/2024 at 120 € = 480 €, 4 h on 02/01/2025 at 125 € = 500
// €.
TEST(Indemnity, RateChange) {
  auto st = statements(rules(), "10",
                       {{"a", d("2025-01-02"), 240, "SNP"}, {"b", d("2024-12-31"), 240, "SNP"}});
  ASSERT_TRUE(st);
  ASSERT_EQ(st->size(), 2U);
  EXPECT_EQ((*st)[0].year, 2024);
  EXPECT_EQ((*st)[0].entries[0].cents_per_hour, 12000);
  EXPECT_EQ((*st)[0].total_cents, 48000);
  EXPECT_EQ((*st)[1].entries[0].cents_per_hour, 12500);
  EXPECT_EQ((*st)[1].total_cents, 50000);
  EXPECT_EQ((*st)[1].pass_source.find("PASS 2025"), 0U);
}

TEST(Indemnity, MissingRateOrPassOrBadDuration) {
  auto no_rate = price_entry(rules(), "21", {"a", d("2025-02-01"), 60, ""});
  ASSERT_FALSE(no_rate);
  EXPECT_EQ(no_rate.error().code, ErrorCode::not_found);
  EXPECT_EQ(no_rate.error().message,
            "aucun taux d'indemnisation pour la profession « 21 » en 2025");
  auto r = rules();
  r.rates.push_back({"10", 2022, 10000, "", false});
  auto no_pass = admit_entry(r, "10", {}, {"a", d("2022-06-01"), 60, ""});
  ASSERT_FALSE(no_pass);
  EXPECT_EQ(no_pass.error().field, "pass");
  EXPECT_FALSE(price_entry(rules(), "10", {"a", d("2025-02-01"), 0, ""}));
  EXPECT_FALSE(price_entry(rules(), "10", {"a", d("2025-02-01"), 24 * 60 + 1, ""}));
}

// Accepted entries that already pass the cap are inconsistent data: reported, not summed quietly.
TEST(Indemnity, StatementsRefuseATotalOverTheCap) {
  auto accepted = busy_2024();
  accepted.push_back({"over", d("2024-12-20"), 480, "groupe de travail"});
  auto st = statements(rules(), "10", accepted);
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().message.find("dépassent le plafond annuel"), std::string::npos);
}

TEST(Indemnity, EurosInFrench) {
  EXPECT_EQ(format_euros(4636800), "46\u202F368,00\u00A0€");
  EXPECT_EQ(format_euros(5), "0,05\u00A0€");
  EXPECT_EQ(format_euros(-150), "-1,50\u00A0€");
  EXPECT_EQ(format_euros(123456789), "1\u202F234\u202F567,89\u00A0€");
}

}  // namespace
}  // namespace maillage::association
