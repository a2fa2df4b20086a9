// The restricted master (column generation, dives, CBC integer programme), judged against brute
// force on tiny models: with every feasible row in the pool the integer programme is exact; the
// column-generation bound never exceeds the optimum; a dive returns a roster the independent
// checker accepts with the same objective.
#include <gtest/gtest.h>

#include <limits>
#include <random>

#include "roster/checker.hpp"
#include "roster/master.hpp"
#include "roster/problem.hpp"

namespace maillage::roster {
namespace {

Model random_tiny(std::mt19937& rng, int staff, int days) {
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  Model m;
  m.days = days;
  m.first_weekday = pick(0, 6);
  m.shifts = {{"D", 480, {}, false}, {"N", 600, {0}, true}};
  for (int i = 0; i < staff; ++i) {
    Staff p;
    p.id = std::string(1, static_cast<char>('A' + i));
    p.profession = pick(0, 2) == 0 ? "IDE" : "MG";
    p.max_shifts_per_type = {kNoLimit, pick(0, 2)};
    p.max_total_minutes = pick(0, 1) ? kNoLimit : 1500;
    p.max_consecutive_shifts = pick(1, 3);
    p.min_consecutive_days_off = pick(1, 2);
    p.min_days_off_after_night = pick(0, 1);
    m.staff.push_back(p);
  }
  for (int d = 0; d < days; ++d)
    for (int s = 0; s < 2; ++s) {
      m.cover.push_back({d, s, pick(0, 2), pick(5, 20), pick(0, 3), ""});
      if (pick(0, 3) == 0) m.cover.push_back({d, s, 1, pick(1, 10), 0, "IDE"});
    }
  for (int r = 0; r < staff * 2; ++r) {
    m.on_requests.push_back({pick(0, staff - 1), pick(0, days - 1), pick(0, 1), pick(1, 4)});
    m.off_requests.push_back({pick(0, staff - 1), pick(0, days - 1), kAnyShift, pick(1, 4)});
  }
  return m;  // no fairness: the master's objective is then the whole objective
}

// Every row each person may work on their own (checked by the independent checker).
std::vector<std::vector<std::vector<int>>> feasible_rows(const Model& m) {
  const int C = static_cast<int>(m.shifts.size()) + 1;
  int total = 1;
  for (int d = 0; d < m.days; ++d) total *= C;
  std::vector<std::vector<std::vector<int>>> rows(m.staff.size());
  for (std::size_t i = 0; i < m.staff.size(); ++i) {
    Model one = m;
    one.staff = {m.staff[i]};
    one.on_requests.clear();
    one.off_requests.clear();
    one.cover.clear();
    std::vector<int> r(m.days);
    for (int code = 0; code < total; ++code) {
      int x = code;
      for (int d = 0; d < m.days; ++d, x /= C) r[d] = x % C == C - 1 ? kOff : x % C;
      if (check(one, {r}).feasible()) rows[i].push_back(r);
    }
  }
  return rows;
}

std::int64_t brute_force(const Model& m, const std::vector<std::vector<std::vector<int>>>& rows) {
  std::int64_t best = std::numeric_limits<std::int64_t>::max();
  std::vector<std::size_t> idx(m.staff.size(), 0);
  Roster roster(m.staff.size());
  while (true) {
    for (std::size_t i = 0; i < idx.size(); ++i) roster[i] = rows[i][idx[i]];
    best = std::min(best, check(m, roster).objective.total);
    std::size_t i = 0;
    while (i < idx.size() && ++idx[i] == rows[i].size()) idx[i++] = 0;
    if (i == idx.size()) break;
  }
  return best;
}

TEST(Master, ExactWithEveryRowAndBoundBelowOptimum) {
  std::mt19937 rng(77);
  std::mt19937_64 rng64(5);
  int compared = 0;
  for (int trial = 0; trial < 12; ++trial) {
    const int staff = trial % 2 == 0 ? 2 : 3;
    const int days = staff == 2 ? 4 : 3;
    const Model m = random_tiny(rng, staff, days);
    ASSERT_TRUE(validate(m));
    const auto rows = feasible_rows(m);
    if (std::any_of(rows.begin(), rows.end(), [](const auto& r) { return r.empty(); })) continue;
    const std::int64_t best = brute_force(m, rows);
    auto prepared = detail::prepare(m);
    ASSERT_TRUE(prepared);

    // Column generation from one (arbitrary) feasible row per person: the bound is proven.
    detail::Master cg(**prepared);
    for (int i = 0; i < staff; ++i) cg.add_row(i, rows[i].front());
    detail::Master::Round round;
    for (int r = 0; r < 50 && !round.converged; ++r) round = cg.round(rng64, 0.5);
    EXPECT_TRUE(round.converged) << "trial " << trial;
    EXPECT_LE(round.bound, static_cast<double>(best) + 1e-6) << "trial " << trial;

    // A dive ends with a checked roster.
    detail::Master::Dive dive;
    for (int step = 0; step < 200 && dive.status == detail::Master::Dive::Status::running; ++step)
      dive = cg.dive_step(rng64, 1e18, false);
    ASSERT_EQ(dive.status, detail::Master::Dive::Status::complete) << "trial " << trial;
    const auto dive_check = check(m, dive.roster);
    ASSERT_TRUE(dive_check.feasible());
    EXPECT_EQ(dive_check.objective.total, dive.objective);
    EXPECT_GE(dive.objective, best);

    // Every feasible row in the pool: the integer programme is the brute-force optimum.
    detail::Master all(**prepared);
    for (int i = 0; i < staff; ++i)
      for (const auto& r : rows[i]) all.add_row(i, r);
    const auto ip = all.solve_integer(30, 1'000'000, &dive.roster, nullptr);
    ASSERT_TRUE(ip.found) << "trial " << trial;
    EXPECT_TRUE(ip.proven);
    EXPECT_EQ(ip.objective, best) << "trial " << trial;
    const auto ip_check = check(m, ip.roster);
    ASSERT_TRUE(ip_check.feasible());
    EXPECT_EQ(ip_check.objective.total, ip.objective);
    ++compared;
  }
  EXPECT_GE(compared, 8);
}

}  // namespace
}  // namespace maillage::roster
