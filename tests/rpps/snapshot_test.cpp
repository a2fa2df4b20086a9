// The counting rule: once per site for presence, 1/(number of sites) FTE, duplicates of a site
// collapsed (general-practice line kept), per-commune aggregates.
#include "rpps/snapshot.hpp"

#include <gtest/gtest.h>

#include <cmath>

#include "rpps_fixtures.hpp"

namespace maillage::rpps {
namespace {

using testing::activity;
using testing::header_line;

SnapshotBuilder build(const std::string& text) {
  SnapshotBuilder b;
  ReadOptions o;  // no lookup: every well-formed commune is accepted
  auto s = read_extract_text("t.txt", text, o, [&](const Activity& a) { b.add(a); });
  EXPECT_TRUE(s) << s.error().describe();
  b.finish();
  return b;
}

const CommuneCount* find(const SnapshotBuilder& b, std::string_view commune,
                         std::string_view profession, std::string_view sf) {
  for (const auto& c : b.commune_counts()) {
    if (c.commune == commune && c.profession == profession && c.savoir_faire == sf) return &c;
  }
  return nullptr;
}

TEST(RppsSnapshot, SeveralSitesCountOncePerSiteAndSplitTheFte) {
  // Dr A: three sites (two in Metz, one in Woippy); Dr B: one site in Metz; nurse C: two sites.
  std::string text = header_line() + activity("10000000001", "10", "SM54", "S1", "57463") +
                     activity("10000000001", "10", "SM54", "S2", "57463") +
                     activity("10000000001", "10", "SM54", "S3", "57751") +
                     activity("10000000002", "10", "SM54", "S1", "57463") +
                     activity("10000000003", "60", "", "S4", "57463") +
                     activity("10000000003", "60", "", "S5", "57751");
  SnapshotBuilder b = build(text);
  EXPECT_EQ(b.records().size(), 6u);
  EXPECT_EQ(b.persons(), 3);
  EXPECT_EQ(b.duplicates(), 0);
  double total = 0;
  for (const Record& r : b.records()) {
    if (b.text(r.rpps) == "10000000001") {
      EXPECT_DOUBLE_EQ(r.fte, 1.0 / 3.0);
    }
    if (b.text(r.rpps) == "10000000002") {
      EXPECT_DOUBLE_EQ(r.fte, 1.0);
    }
    if (b.text(r.rpps) == "10000000003") {
      EXPECT_DOUBLE_EQ(r.fte, 0.5);
    }
    total += r.fte;
  }
  EXPECT_NEAR(total, 3.0, 1e-12);  // each person adds exactly one FTE

  const CommuneCount* metz_gp = find(b, "57463", "10", "SM54");
  ASSERT_NE(metz_gp, nullptr);
  EXPECT_EQ(metz_gp->activities, 3);  // A twice (two sites), B once
  EXPECT_EQ(metz_gp->persons, 2);
  EXPECT_NEAR(metz_gp->fte, 2.0 / 3.0 + 1.0, 1e-12);
  EXPECT_TRUE(metz_gp->ambulatory);
  const CommuneCount* woippy_gp = find(b, "57751", "10", "SM54");
  ASSERT_NE(woippy_gp, nullptr);
  EXPECT_EQ(woippy_gp->activities, 1);
  EXPECT_NEAR(woippy_gp->fte, 1.0 / 3.0, 1e-12);
  const CommuneCount* woippy_nurse = find(b, "57751", "60", "");
  ASSERT_NE(woippy_nurse, nullptr);
  EXPECT_NEAR(woippy_nurse->fte, 0.5, 1e-12);
}

TEST(RppsSnapshot, SameSiteTwiceIsOneActivityAndGeneralPracticeWins) {
  // The same doctor, same site, a non-GP savoir-faire line first, then the GP one.
  std::string text = header_line() + activity("10000000001", "10", "SM02", "S1", "57463") +
                     activity("10000000001", "10", "SM26", "S1", "57463") +
                     activity("10000000001", "10", "SM02", "S2", "57751");
  SnapshotBuilder b = build(text);
  ASSERT_EQ(b.records().size(), 2u);
  EXPECT_EQ(b.duplicates(), 1);
  const Record& metz = b.text(b.records()[0].commune) == "57463" ? b.records()[0] : b.records()[1];
  EXPECT_EQ(b.text(metz.savoir_faire), "SM26");
  EXPECT_TRUE(metz.general_practitioner);
  EXPECT_EQ(metz.line, 3);
  EXPECT_DOUBLE_EQ(metz.fte, 0.5);
}

TEST(RppsSnapshot, SalariedHospitalWorkIsOutsideTheOfficeBasedField) {
  EXPECT_TRUE(is_ambulatory("L", ""));
  EXPECT_TRUE(is_ambulatory("S", "SA05"));
  EXPECT_FALSE(is_ambulatory("S", "SA01"));
  std::string text = header_line() + activity("10000000001", "60", "", "S1", "57463", "57000", "S");
  SnapshotBuilder b = build(text);
  ASSERT_EQ(b.commune_counts().size(), 1u);
  // The fixture's secteur is SA08 (cabinet de groupe): salaried in a practice is office-based.
  EXPECT_TRUE(b.commune_counts()[0].ambulatory);
}

TEST(RppsSnapshot, LabelsFirstSeenPerCode) {
  std::string text = header_line() + activity("10000000001", "10", "SM54", "S1", "57463") +
                     activity("10000000002", "10", "SM54", "S1", "57463");
  SnapshotBuilder b = build(text);
  ASSERT_EQ(b.profession_labels().size(), 1u);
  EXPECT_EQ(b.profession_labels()[0].first, "10");
  EXPECT_EQ(b.profession_labels()[0].second, "Médecin");
  ASSERT_EQ(b.savoir_faire_labels().size(), 1u);
  EXPECT_EQ(b.savoir_faire_labels()[0].second, "Médecine générale");
}

}  // namespace
}  // namespace maillage::rpps
