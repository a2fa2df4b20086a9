#include "aci/basics.hpp"

#include <gtest/gtest.h>

namespace maillage::aci {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

Date d(int y, unsigned m, unsigned dd) { return Date{year{y}, month{m}, day{dd}}; }

TEST(AciBasics, RoundingIsHalfAwayFromZero) {
  EXPECT_EQ(mul_div_round(1000002, 75, 100), 750002);  // 750001.5
  EXPECT_EQ(mul_div_round(1000001, 75, 100), 750001);  // 750000.75
  EXPECT_EQ(mul_div_round(1000000, 1, 3), 333333);
  EXPECT_EQ(mul_div_round(2, 1, 3), 1);  // 0.67
  EXPECT_EQ(mul_div_round(-1000002, 75, 100), -750002);
  EXPECT_EQ(mul_div_round(1, 1, 2), 1);
  EXPECT_EQ(mul_div_round(-1, 1, 2), -1);
}

TEST(AciBasics, FractionRoundDoesNotOverflow) {
  // kMaxCents × 366 days × 100 % in ppm exceeds 64 bits before the division.
  EXPECT_EQ(fraction_round({kMaxCents, 366, kPpmOne}, {366, kPpmOne}), kMaxCents);
  EXPECT_EQ(fraction_round({2500000, 228, 750000}, {366, kPpmOne}), 1168033);
}

TEST(AciBasics, FormatsMoney) {
  EXPECT_EQ(format_cents(0), "0.00");
  EXPECT_EQ(format_cents(5), "0.05");
  EXPECT_EQ(format_cents(123456), "1234.56");
  EXPECT_EQ(format_cents(-5), "-0.05");
  EXPECT_EQ(format_euros(123456789), "1 234 567,89 €");
  EXPECT_EQ(format_euros(100), "1,00 €");
  EXPECT_EQ(format_euros(-100000), "-1 000,00 €");
}

TEST(AciBasics, ParsesMoney) {
  EXPECT_EQ(parse_cents("17500"), 1750000);
  EXPECT_EQ(parse_cents("17500.5"), 1750050);
  EXPECT_EQ(parse_cents("17500,05"), 1750005);
  EXPECT_EQ(parse_cents("17 500,05"), 1750005);
  EXPECT_EQ(parse_cents("-3.10"), -310);
  EXPECT_FALSE(parse_cents(""));
  EXPECT_FALSE(parse_cents("12.345"));
  EXPECT_FALSE(parse_cents("12."));
  EXPECT_FALSE(parse_cents("1e5"));
  EXPECT_FALSE(parse_cents("abc"));
  EXPECT_FALSE(parse_cents("99999999999999999999"));
}

TEST(AciBasics, FormatsRates) {
  EXPECT_EQ(format_rate(750000), "75 %");
  EXPECT_EQ(format_rate(666667), "66,6667 %");
  EXPECT_EQ(format_rate(kPpmOne), "100 %");
  EXPECT_EQ(format_rate(5000), "0,5 %");
  EXPECT_EQ(percent_to_ppm(75), 750000);
  EXPECT_EQ(percent_to_ppm(12.5), 125000);
}

TEST(AciBasics, ParsesDatesStrictly) {
  EXPECT_EQ(parse_date("2024-02-29"), d(2024, 2, 29));
  EXPECT_FALSE(parse_date("2023-02-29"));
  EXPECT_FALSE(parse_date("2023-2-01"));
  EXPECT_FALSE(parse_date("2023-13-01"));
  EXPECT_FALSE(parse_date("2023-01-01T00:00"));
  EXPECT_FALSE(parse_date("20230101xx"));
  EXPECT_EQ(format_date(d(2019, 8, 25)), "2019-08-25");
}

TEST(AciBasics, AddsMonthsClampingTheDay) {
  EXPECT_EQ(add_months(d(2021, 8, 31), 6), d(2022, 2, 28));
  EXPECT_EQ(add_months(d(2023, 8, 31), 6), d(2024, 2, 29));
  EXPECT_EQ(add_months(d(2021, 2, 15), 18), d(2022, 8, 15));
  EXPECT_EQ(add_years(d(2024, 2, 29), 1), d(2025, 2, 28));
  EXPECT_EQ(add_years(d(2024, 2, 29), 4), d(2028, 2, 29));
  EXPECT_EQ(add_months(d(2021, 1, 31), -2), d(2020, 11, 30));
}

TEST(AciBasics, CountsDays) {
  EXPECT_EQ(days_between(d(2019, 9, 16), d(2020, 9, 16)), 366);
  EXPECT_EQ(days_between(d(2020, 9, 16), d(2021, 9, 16)), 365);
  EXPECT_EQ(days_between(d(2021, 3, 1), d(2021, 2, 28)), -1);
}

}  // namespace
}  // namespace maillage::aci
