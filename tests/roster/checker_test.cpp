// The independent checker on hand-made rosters: one test per hard rule (a roster that breaks it
// and one that does not), and objectives recomputed by hand.
#include <gtest/gtest.h>

#include <algorithm>

#include "roster/checker.hpp"

namespace maillage::roster {
namespace {

// Two shifts, D (8 h) and N (10 h, a night that D may not follow), one person without limits,
// 7 days starting on a Monday.
Model base_model() {
  Model m;
  m.days = 7;
  m.shifts = {{"D", 480, {}, false}, {"N", 600, {0}, true}};
  Staff a;
  a.id = "A";
  m.staff = {a};
  return m;
}

bool has(const CheckReport& r, ViolationKind k) {
  return std::any_of(r.violations.begin(), r.violations.end(), [&](const Violation& v) { return v.kind == k; });
}

constexpr int D = 0, N = 1, O = kOff;

TEST(Checker, AcceptsALegalRoster) {
  auto rep = check(base_model(), {{D, D, O, N, O, D, D}});
  EXPECT_TRUE(rep.feasible()) << (rep.violations.empty() ? "" : rep.violations[0].message);
  EXPECT_EQ(rep.objective.total, 0);
}

TEST(Checker, Shape) {
  const auto m = base_model();
  EXPECT_TRUE(has(check(m, {}), ViolationKind::shape));
  EXPECT_TRUE(has(check(m, {{D, D}}), ViolationKind::shape));
  EXPECT_TRUE(has(check(m, {{D, D, O, 5, O, D, D}}), ViolationKind::shape));
}

TEST(Checker, DayOffAndAvailability) {
  auto m = base_model();
  m.staff[0].days_off = {2};
  EXPECT_TRUE(has(check(m, {{D, D, D, O, O, O, O}}), ViolationKind::day_off));
  EXPECT_FALSE(has(check(m, {{D, D, O, O, O, O, O}}), ViolationKind::day_off));
  m.staff[0].days_off.clear();
  m.staff[0].availability = {{0, 3, {}}, {4, 6, {N}}};
  EXPECT_TRUE(has(check(m, {{O, O, O, O, D, O, O}}), ViolationKind::unavailable));
  EXPECT_FALSE(has(check(m, {{D, O, O, O, N, O, O}}), ViolationKind::unavailable));
}

TEST(Checker, PerTypeAndTotalMinutes) {
  auto m = base_model();
  m.staff[0].max_shifts_per_type = {2, kNoLimit};
  EXPECT_TRUE(has(check(m, {{D, D, D, O, O, O, O}}), ViolationKind::max_shifts_per_type));
  EXPECT_FALSE(has(check(m, {{D, D, O, O, O, O, O}}), ViolationKind::max_shifts_per_type));
  m.staff[0].min_total_minutes = 1000;  // > two day shifts (960)
  m.staff[0].max_total_minutes = 1100;
  EXPECT_TRUE(has(check(m, {{D, D, O, O, O, O, O}}), ViolationKind::min_total_minutes));
  EXPECT_TRUE(has(check(m, {{N, O, N, O, O, O, O}}), ViolationKind::max_total_minutes));  // 1200 min
  const auto ok = check(m, {{D, O, O, N, O, O, O}});                                      // 1080 min
  EXPECT_FALSE(has(ok, ViolationKind::min_total_minutes));
  EXPECT_FALSE(has(ok, ViolationKind::max_total_minutes));
}

TEST(Checker, ConsecutiveRulesExemptBlocksAtTheEnds) {
  auto m = base_model();
  m.staff[0].min_consecutive_shifts = 2;
  m.staff[0].max_consecutive_shifts = 3;
  m.staff[0].min_consecutive_days_off = 2;
  // A single working day inside the horizon is too short; at either end it is exempt.
  EXPECT_TRUE(has(check(m, {{O, O, D, O, O, O, O}}), ViolationKind::min_consecutive_shifts));
  EXPECT_FALSE(has(check(m, {{D, O, O, O, O, O, D}}), ViolationKind::min_consecutive_shifts));
  EXPECT_TRUE(has(check(m, {{D, D, D, D, O, O, O}}), ViolationKind::max_consecutive_shifts));
  // A single day off between two blocks is too short; one at the start is exempt.
  EXPECT_TRUE(has(check(m, {{D, D, O, D, D, O, O}}), ViolationKind::min_consecutive_days_off));
  EXPECT_FALSE(has(check(m, {{O, D, D, O, O, D, D}}), ViolationKind::min_consecutive_days_off));
}

TEST(Checker, WeekendsSuccessionsRestAndMonthlyCaps) {
  auto m = base_model();
  m.days = 14;
  m.staff[0].max_weekends = 1;
  std::vector<int> two_weekends(14, O);
  two_weekends[5] = D;   // first Saturday
  two_weekends[13] = D;  // second Sunday
  EXPECT_TRUE(has(check(m, {two_weekends}), ViolationKind::max_weekends));
  std::vector<int> one_weekend(14, O);
  one_weekend[5] = D;
  one_weekend[6] = D;
  EXPECT_FALSE(has(check(m, {one_weekend}), ViolationKind::max_weekends));

  auto s = base_model();
  EXPECT_TRUE(has(check(s, {{N, D, O, O, O, O, O}}), ViolationKind::forbidden_succession));
  EXPECT_FALSE(has(check(s, {{D, N, O, O, O, O, O}}), ViolationKind::forbidden_succession));
  s.staff[0].min_days_off_after_night = 2;
  EXPECT_TRUE(has(check(s, {{N, O, N, O, O, O, O}}), ViolationKind::rest_after_night));
  EXPECT_FALSE(has(check(s, {{N, O, O, N, O, O, O}}), ViolationKind::rest_after_night));

  auto c = base_model();
  c.start_date = std::chrono::year_month_day{std::chrono::year{2024}, std::chrono::month{1}, std::chrono::day{29}};
  c.staff[0].max_shifts_per_month = 2;
  // Days 0-2 are in January, 3-6 in February.
  EXPECT_TRUE(has(check(c, {{D, D, D, O, O, O, O}}), ViolationKind::max_shifts_per_month));
  EXPECT_FALSE(has(check(c, {{D, D, O, D, D, O, O}}), ViolationKind::max_shifts_per_month));
}

TEST(Checker, StartDateSetsTheWeekday) {
  auto m = base_model();
  m.days = 3;
  m.staff[0].max_weekends = 0;
  // 2024-03-02 is a Saturday: working day 0 or 1 is a weekend.
  m.start_date = std::chrono::year_month_day{std::chrono::year{2024}, std::chrono::month{3}, std::chrono::day{2}};
  EXPECT_TRUE(has(check(m, {{O, D, O}}), ViolationKind::max_weekends));
  EXPECT_FALSE(has(check(m, {{O, O, D}}), ViolationKind::max_weekends));
}

TEST(Checker, ObjectiveByHand) {
  Model m = base_model();
  m.days = 3;
  Staff b;
  b.id = "B";
  b.profession = "IDE";
  m.staff.push_back(b);
  m.on_requests = {{0, 0, D, 2}, {1, 1, N, 5}};          // A wants D on day 0 (granted), B N on day 1 (not)
  m.off_requests = {{0, 2, kAnyShift, 3}, {1, 0, D, 4}};  // A wants day 2 off (not), B no D day 0 (not)
  m.cover = {{0, D, 1, 100, 1, ""},      // day 0 D: A and B = 2 -> one over: 1
             {1, N, 1, 100, 1, ""},      // day 1 N: nobody -> 100
             {2, D, 2, 50, 1, "IDE"}};   // day 2 D, nurses only: A is not one, B off -> 2 missing: 100
  const Roster r = {{D, O, D}, {D, O, O}};
  auto rep = check(m, r);
  EXPECT_TRUE(rep.feasible());
  EXPECT_EQ(rep.objective.on_requests, 5);
  EXPECT_EQ(rep.objective.off_requests, 7);
  EXPECT_EQ(rep.objective.over_cover, 1);
  EXPECT_EQ(rep.objective.under_cover, 200);
  EXPECT_EQ(rep.objective.fairness, 0);
  EXPECT_EQ(rep.objective.total, 213);
}

TEST(Checker, FairnessPenaltyAndSpread) {
  Model m = base_model();
  m.days = 4;
  Staff b;
  b.id = "B";
  m.staff.push_back(b);
  m.staff[1].days_off = {0, 1};  // B is available 2 days, A 4 days
  m.fairness_weight = 10;
  // A works 2 D (16 h) over 4 days = 4 h/day; B works 1 D (8 h) over 2 days = 4 h/day: fair.
  auto fair = check(m, {{D, D, O, O}, {O, O, D, O}});
  EXPECT_EQ(fair.objective.fairness, 0);
  EXPECT_DOUBLE_EQ(fair.fairness.spread, 0.0);
  // A 3 D (24 h, 6 h/day), B nothing: H = 24, A = 6, L = 4;
  // 4 (6-4)^2 + 2 (0-4)^2 = 16 + 32 = 48, times 10.
  auto unfair = check(m, {{D, D, D, O}, {O, O, O, O}});
  EXPECT_EQ(unfair.objective.fairness, 480);
  EXPECT_DOUBLE_EQ(unfair.fairness.spread, 6.0);
  EXPECT_EQ(unfair.fairness.rows[0].available_days, 4);
  EXPECT_EQ(unfair.fairness.rows[1].available_days, 2);
}

}  // namespace
}  // namespace maillage::roster
