// The shared helpers of src/common: dates, CSV fields, base64, French numbers, TRY/CHECK.
#include <gtest/gtest.h>

#include "common/base64.hpp"
#include "common/csv.hpp"
#include "common/dates.hpp"
#include "common/french.hpp"
#include "common/try.hpp"

namespace maillage {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

TEST(Dates, ParseIsStrictAboutFormAndCalendar) {
  EXPECT_EQ(parse_date("2024-02-29"), (Date{year{2024}, month{2}, day{29}}));
  EXPECT_FALSE(parse_date("2023-02-29"));  // not a leap year
  EXPECT_FALSE(parse_date("2024-2-29"));
  EXPECT_FALSE(parse_date("2024-02-29T00:00"));
  EXPECT_FALSE(parse_date("2024/02/29"));
  EXPECT_FALSE(parse_date("20a4-02-01"));
  EXPECT_FALSE(parse_date(""));
}

TEST(Dates, FormsRoundTripAndPadding) {
  const Date d{year{2024}, month{3}, day{5}};
  EXPECT_EQ(format_date(d), "2024-03-05");
  EXPECT_EQ(format_date_fr(d), "05/03/2024");
  EXPECT_EQ(format_date_compact(d), "20240305");
  EXPECT_EQ(parse_date(format_date(d)), d);
}

// 2026 changes of time: Sunday 29 March and Sunday 25 October, at 01:00 UTC.
TEST(Dates, TimestampsAreShownInParisTime) {
  EXPECT_EQ(format_timestamp_fr("2026-12-07T12:58:18.562Z"), "07/12/2026 à 13 h 58");
  EXPECT_EQ(format_timestamp_fr("2026-12-07 12:58:18"), "07/12/2026 à 13 h 58");
  EXPECT_EQ(format_timestamp_fr("2026-03-29T00:59:59Z"), "29/03/2026 à 1 h 59");
  EXPECT_EQ(format_timestamp_fr("2026-03-29T01:00:00Z"), "29/03/2026 à 3 h 00");
  EXPECT_EQ(format_timestamp_fr("2026-10-25T00:59Z"), "25/10/2026 à 2 h 59");
  EXPECT_EQ(format_timestamp_fr("2026-10-25T01:00Z"), "25/10/2026 à 2 h 00");
  EXPECT_EQ(format_timestamp_fr("2026-12-31T23:30:00Z"), "01/01/2027 à 0 h 30");
  EXPECT_EQ(format_timestamp_fr("2026-06-30T22:15:00+00:00"), "01/07/2026 à 0 h 15");
  EXPECT_FALSE(format_timestamp_fr("2026-12-07"));
  EXPECT_FALSE(format_timestamp_fr("2026-12-07T25:00:00Z"));
  EXPECT_FALSE(format_timestamp_fr("2026-02-30T10:00:00Z"));
  EXPECT_FALSE(format_timestamp_fr("2026-12-07T12:58 Paris"));
  EXPECT_FALSE(format_timestamp_fr("bonjour"));
}

TEST(Dates, MonthsEndOnTheLastDayWhenTheDayDoesNotExist) {
  EXPECT_EQ(add_months(Date{year{2023}, month{8}, day{31}}, 6),
            (Date{year{2024}, month{2}, day{29}}));
  EXPECT_EQ(add_months(Date{year{2023}, month{12}, day{31}}, 2),
            (Date{year{2024}, month{2}, day{29}}));
  EXPECT_EQ(add_years(Date{year{2024}, month{2}, day{29}}, 1),
            (Date{year{2025}, month{2}, day{28}}));
  EXPECT_EQ(add_months(Date{year{2024}, month{1}, day{15}}, -1),
            (Date{year{2023}, month{12}, day{15}}));
  EXPECT_EQ(add_days(Date{year{2024}, month{12}, day{31}}, 1),
            (Date{year{2025}, month{1}, day{1}}));
  EXPECT_EQ(days_between(Date{year{2024}, month{1}, day{1}}, Date{year{2025}, month{1}, day{1}}),
            366);
  EXPECT_EQ(days_between(Date{year{2025}, month{1}, day{1}}, Date{year{2024}, month{1}, day{1}}),
            -366);
  EXPECT_TRUE(today_utc().ok());
}

TEST(Csv, QuotesOnlyWhenNeededAndDoublesQuotes) {
  EXPECT_EQ(csv::field("Metz"), "Metz");
  EXPECT_EQ(csv::field(""), "");
  EXPECT_EQ(csv::field("Saint-Avold, Freyming"), "\"Saint-Avold, Freyming\"");
  EXPECT_EQ(csv::field("a;b"), "a;b");
  EXPECT_EQ(csv::field("a;b", ';'), "\"a;b\"");
  EXPECT_EQ(csv::field("a,b", ';'), "a,b");
  EXPECT_EQ(csv::field("dit \"le Pays\""), "\"dit \"\"le Pays\"\"\"");
  EXPECT_EQ(csv::field("deux\nlignes"), "\"deux\nlignes\"");
  EXPECT_EQ(csv::field("cr\r"), "\"cr\r\"");
}

TEST(Csv, TextFieldsNeutraliseFormulas) {
  EXPECT_EQ(csv::text_field("=SUM(A1)"), "'=SUM(A1)");
  EXPECT_EQ(csv::text_field("+33 3 87"), "'+33 3 87");
  EXPECT_EQ(csv::text_field("-x"), "'-x");
  EXPECT_EQ(csv::text_field("@cmd"), "'@cmd");
  EXPECT_EQ(csv::text_field("=a;b", ';'), "\"'=a;b\"");
  EXPECT_EQ(csv::text_field("CPTS"), "CPTS");
}

TEST(Base64, Rfc4648Vectors) {
  const std::pair<const char*, const char*> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64::encode(plain), encoded);
    EXPECT_EQ(base64::decode(encoded), std::string(plain));
  }
}

TEST(Base64, EveryByteRoundTrips) {
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  for (std::size_t len = 0; len <= all.size(); len += 37) {
    const std::string part = all.substr(0, len);
    EXPECT_EQ(base64::decode(base64::encode(part)), part);
  }
}

TEST(Base64, MalformedInputIsRefused) {
  EXPECT_FALSE(base64::decode("Zg="));   // length
  EXPECT_FALSE(base64::decode("Zg=a"));  // padding before data
  EXPECT_FALSE(base64::decode("=Zg="));
  EXPECT_FALSE(base64::decode("Zm9v!A=="));  // outside the alphabet
  EXPECT_FALSE(base64::decode("Zg==Zm9v"));  // padding in the middle
  EXPECT_FALSE(base64::decode("Z==="));
}

TEST(French, IntegersAreGroupedByThousands) {
  EXPECT_EQ(fr::integer(0), "0");
  EXPECT_EQ(fr::integer(999), "999");
  EXPECT_EQ(fr::integer(1000), "1\u202F000");
  EXPECT_EQ(fr::integer(1046543, " "), "1 046 543");
  EXPECT_EQ(fr::integer(-1200, " "), "-1 200");
  EXPECT_EQ(fr::integer(INT64_MIN, " "), "-9 223 372 036 854 775 808");
  EXPECT_EQ(fr::group_digits("123456", "."), "123.456");
}

TEST(French, DurationsInHoursAndMinutes) {
  EXPECT_EQ(fr::duration(150), "2 h 30");
  EXPECT_EQ(fr::duration(45), "0 h 45");
  EXPECT_EQ(fr::duration(480), "8 h 00");
}

TEST(French, DecimalsUseACommaAndRoundHalfAwayFromZero) {
  EXPECT_EQ(fr::decimal(33.3333, 1), "33,3");
  EXPECT_EQ(fr::decimal(1234.5, 2, " "), "1 234,50");
  EXPECT_EQ(fr::decimal(0.05, 1), "0,1");
  EXPECT_EQ(fr::decimal(2.5, 0), "3");
  EXPECT_EQ(fr::decimal(-1.25, 1), "-1,3");
  EXPECT_EQ(fr::decimal(-0.01, 1), "0,0");  // no "-0,0"
  EXPECT_EQ(fr::decimal(0.004, 2), "0,00");
  EXPECT_EQ(fr::decimal(1'000'000, 0, " "), "1 000 000");
}

Result<int> half(int v) {
  if (v % 2 != 0) return fail(ErrorCode::invalid_input, "impair", "v");
  return v / 2;
}

Status even(int v) {
  if (v % 2 != 0) return fail(ErrorCode::invalid_input, "impair", "v");
  return {};
}

Result<int> quarter(int v) {
  const int h = MAILLAGE_TRY(half(v));
  return MAILLAGE_TRY(half(h));
}

Status check_both(int a, int b) {
  MAILLAGE_CHECK(even(a));
  MAILLAGE_CHECK(even(b));
  return {};
}

TEST(Try, PropagatesTheFirstErrorAndPassesValues) {
  EXPECT_EQ(quarter(12), 3);
  ASSERT_FALSE(quarter(6));
  EXPECT_EQ(quarter(6).error().field, "v");
  EXPECT_TRUE(check_both(2, 4));
  EXPECT_FALSE(check_both(2, 3));
  EXPECT_EQ(check_both(1, 3).error().message, "impair");
}

}  // namespace
}  // namespace maillage
