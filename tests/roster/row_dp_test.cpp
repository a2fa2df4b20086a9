// The exact row programme against brute force: for random one-person models (every kind of rule,
// random costs), the best schedule it returns must be feasible for the independent checker and
// cost exactly the minimum over all (S+1)^D schedules the checker accepts.
#include <gtest/gtest.h>

#include <random>

#include "roster/checker.hpp"
#include "roster/row_dp.hpp"

namespace maillage::roster {
namespace {

Model random_person(std::mt19937& rng, int days) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Model m;
  m.days = days;
  m.first_weekday = pick(0, 6);
  m.shifts = {{"D", 480, {}, false}, {"N", pick(0, 1) ? 480 : 720, {}, pick(0, 1) == 1}};
  if (pick(0, 1)) m.shifts[1].forbidden_next = {0};
  if (pick(0, 3) == 0) m.shifts[0].forbidden_next = {1};
  Staff p;
  p.id = "P";
  p.max_shifts_per_type = {pick(0, 1) ? kNoLimit : pick(1, 4), pick(0, 1) ? kNoLimit : pick(0, 3)};
  p.min_total_minutes = pick(0, 2) == 0 ? 0 : 480 * pick(1, 3);
  p.max_total_minutes = pick(0, 2) == 0 ? kNoLimit : p.min_total_minutes + 480 * pick(0, 3);
  p.min_consecutive_shifts = pick(1, 3);
  p.max_consecutive_shifts = p.min_consecutive_shifts + pick(0, 3);
  p.min_consecutive_days_off = pick(1, 3);
  p.max_weekends = pick(0, 2) == 0 ? kNoLimit : pick(0, 1);
  if (pick(0, 2) == 0) p.days_off = {pick(0, days - 1)};
  if (pick(0, 3) == 0) p.availability = {{0, pick(0, days - 1), {}}, {pick(0, days - 1), days - 1, {0}}};
  p.min_days_off_after_night = pick(0, 2);
  if (pick(0, 2) == 0) {
    // Monthly caps need a date; start three days before a month change.
    m.start_date = std::chrono::year_month_day{std::chrono::year{2024}, std::chrono::month{4}, std::chrono::day{28}};
    p.max_shifts_per_month = pick(1, 3);
  }
  m.staff = {p};
  return m;
}

TEST(RowDp, MatchesBruteForceOnRandomPeople) {
  std::mt19937 rng(12345);
  int feasible_cases = 0;
  for (int trial = 0; trial < 40; ++trial) {
    const int days = 7;
    Model m = random_person(rng, days);
    ASSERT_TRUE(validate(m)) << trial;
    const bool with_final = trial % 3 == 0;
    // Every other case moves the weekend and monthly counters to the A* resources.
    auto dp = detail::RowDp::create(m, 0, with_final, trial % 2 == 0 ? 40'000 : 1);
    ASSERT_TRUE(dp) << dp.error().describe();
    const int C = dp->choices();
    std::vector<double> costs(static_cast<std::size_t>(days) * C);
    for (auto& c : costs) c = std::uniform_int_distribution<int>(-5, 9)(rng);
    std::vector<double> final_cost;
    if (with_final) {
      final_cost.resize(dp->minutes_levels());
      for (auto& f : final_cost) f = std::uniform_int_distribution<int>(0, 6)(rng);
    }
    std::vector<int> row;
    auto out = dp->solve(costs, with_final ? &final_cost : nullptr, row, nullptr);
    ASSERT_TRUE(out.exact);

    // Brute force over every schedule.
    double best = detail::kInfCost;
    std::vector<int> r(days);
    int total = 1;
    for (int d = 0; d < days; ++d) total *= C;
    for (int code = 0; code < total; ++code) {
      int x = code;
      double cost = 0;
      long long minutes = 0;
      for (int d = 0; d < days; ++d) {
        const int k = x % C;
        x /= C;
        r[d] = k == C - 1 ? kOff : k;
        cost += costs[d * C + k];
        if (r[d] != kOff) minutes += m.shifts[r[d]].minutes;
      }
      if (cost >= best) continue;  // cheap filter before the checker
      if (with_final) {
        const auto level = static_cast<std::size_t>(minutes / dp->minutes_unit());
        if (level >= final_cost.size()) continue;  // beyond the maximum: infeasible anyway
        cost += final_cost[level];
      }
      if (cost >= best) continue;
      if (!check(m, {r}).feasible()) continue;
      best = cost;
    }
    if (best >= detail::kInfCost) {
      EXPECT_GE(out.cost, detail::kInfCost / 2) << "trial " << trial << ": the programme found a row the checker refuses";
      continue;
    }
    ++feasible_cases;
    ASSERT_LT(out.cost, detail::kInfCost / 2) << "trial " << trial;
    EXPECT_DOUBLE_EQ(out.cost, best) << "trial " << trial;
    EXPECT_LE(out.relaxed, out.cost + 1e-9);
    const auto rep = check(m, {row});
    EXPECT_TRUE(rep.feasible()) << "trial " << trial << ": " << rep.violations[0].message;
    double row_cost = 0;
    long long minutes = 0;
    for (int d = 0; d < days; ++d) {
      row_cost += costs[d * C + (row[d] == kOff ? C - 1 : row[d])];
      if (row[d] != kOff) minutes += m.shifts[row[d]].minutes;
    }
    if (with_final) row_cost += final_cost[minutes / dp->minutes_unit()];
    EXPECT_DOUBLE_EQ(row_cost, out.cost) << "trial " << trial;
  }
  EXPECT_GT(feasible_cases, 20);  // the generator must mostly produce feasible people
}

TEST(RowDp, ReportsImpossiblePeople) {
  Model m;
  m.days = 5;
  m.shifts = {{"D", 480, {}, false}};
  Staff p;
  p.id = "P";
  p.min_total_minutes = 480 * 4;
  p.days_off = {1, 3};  // only 3 days left
  m.staff = {p};
  auto dp = detail::RowDp::create(m, 0, false);
  ASSERT_TRUE(dp);
  std::vector<double> costs(static_cast<std::size_t>(5) * dp->choices(), 0.0);
  std::vector<int> row;
  auto out = dp->solve(costs, nullptr, row, nullptr);
  EXPECT_TRUE(out.exact);
  EXPECT_GE(out.cost, detail::kInfCost / 2);
}

}  // namespace
}  // namespace maillage::roster
