// Properties of the weighted count, on a few hundred random assemblies (fixed seed):
//   - the result never depends on the order in which votes are recorded;
//   - with collèges of equal size and equal weight, the weighted count is the head count.
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "association/fixtures.hpp"

namespace maillage::association {
namespace {

struct Assembly {
  Statuts statuts;
  AttendanceReport attendance;
  std::vector<Vote> votes;
};

// k collèges of `sizes[c]` members, everyone present, each casting a random ballot or nothing.
Assembly random_assembly(std::mt19937& rng, const std::vector<int>& sizes,
                         const std::vector<int>& parts, bool abstentions_expressed,
                         bool allow_silence) {
  Assembly a;
  auto& s = a.statuts;
  s.weight_mode = WeightMode::fixed_share;
  s.abstentions_expressed = abstentions_expressed;
  s.resolution_kinds.push_back({"absolue", "Majorité absolue", Majority::absolute});
  int total_parts = 0;
  for (int p : parts) total_parts += p;
  AttendanceInput in;
  for (std::size_t c = 0; c < sizes.size(); ++c) {
    const std::string id = "c" + std::to_string(c);
    s.colleges.push_back({id, "Collège " + std::to_string(c), Ratio(parts[c], total_parts)});
    for (int i = 0; i < sizes[c]; ++i) {
      const std::string member = id + "-" + std::to_string(i);
      in.roll.push_back({member, id});
      in.marks.push_back({member, Presence::present});
      const int pick = std::uniform_int_distribution<int>(0, allow_silence ? 3 : 2)(rng);
      if (pick < 3) a.votes.push_back({member, static_cast<Ballot>(pick)});
    }
  }
  EXPECT_TRUE(validate_statuts(s).has_value());
  auto att = tally_attendance(s, in);
  EXPECT_TRUE(att && att->quorum.reached);
  a.attendance = *att;
  return a;
}

void expect_same(const VoteResult& a, const VoteResult& b) {
  EXPECT_EQ(a.total_pour, b.total_pour);
  EXPECT_EQ(a.total_contre, b.total_contre);
  EXPECT_EQ(a.total_base, b.total_base);
  EXPECT_EQ(a.adopted, b.adopted);
  EXPECT_EQ(a.explanation, b.explanation);
  ASSERT_EQ(a.colleges.size(), b.colleges.size());
  for (std::size_t c = 0; c < a.colleges.size(); ++c) {
    EXPECT_EQ(a.colleges[c].pour, b.colleges[c].pour);
    EXPECT_EQ(a.colleges[c].weighted_pour, b.colleges[c].weighted_pour);
    EXPECT_EQ(a.colleges[c].weighted_contre, b.colleges[c].weighted_contre);
  }
}

TEST(VoteProperties, WeightedResultDoesNotDependOnTheOrderOfVotes) {
  std::mt19937 rng(20240615);
  const char* kinds[] = {"ordinaire", "statuts", "absolue"};
  for (int trial = 0; trial < 300; ++trial) {
    const int k = std::uniform_int_distribution<int>(2, 5)(rng);
    std::vector<int> sizes, parts;
    for (int c = 0; c < k; ++c) {
      sizes.push_back(std::uniform_int_distribution<int>(1, 30)(rng));
      parts.push_back(std::uniform_int_distribution<int>(1, 9)(rng));
    }
    auto a = random_assembly(rng, sizes, parts, trial % 2 == 0, true);
    const char* kind = kinds[trial % 3];
    auto reference = count_votes(a.statuts, a.attendance, kind, a.votes);
    ASSERT_TRUE(reference) << reference.error().describe();
    for (int shuffle = 0; shuffle < 3; ++shuffle) {
      std::shuffle(a.votes.begin(), a.votes.end(), rng);
      auto again = count_votes(a.statuts, a.attendance, kind, a.votes);
      ASSERT_TRUE(again);
      expect_same(*reference, *again);
    }
    // The secret ballot of the same urns gives the same result.
    std::vector<CollegeCount> counts;
    for (const auto& t : reference->colleges)
      counts.push_back({t.college, t.pour, t.contre, t.abstention});
    std::shuffle(counts.begin(), counts.end(), rng);
    auto secret = count_secret_ballot(a.statuts, a.attendance, kind, counts);
    ASSERT_TRUE(secret);
    expect_same(*reference, *secret);
  }
}

// Equal collèges with equal weights: every collège's base is the same b, so
// Σ (1/k)·pour_c/b = Σ pour_c / (k·b): the weighted share of pour is the head-count share. The
// bases are equal when everyone is counted in them: everyone votes with abstentions exprimées, or
// the absolute majority (base = members present).
TEST(VoteProperties, HeadCountEqualsWeightedCountForEqualColleges) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    const int k = std::uniform_int_distribution<int>(1, 6)(rng);
    const int n = std::uniform_int_distribution<int>(1, 25)(rng);
    const bool absolute = trial % 2 == 1;
    auto a = random_assembly(rng, std::vector<int>(k, n), std::vector<int>(k, 1), true, absolute);
    const char* kind = absolute ? "absolue" : (trial % 4 == 0 ? "statuts" : "ordinaire");
    auto weighted = count_votes(a.statuts, a.attendance, kind, a.votes);
    ASSERT_TRUE(weighted) << weighted.error().describe();
    auto head_statuts = a.statuts;
    head_statuts.weight_mode = WeightMode::head_count;
    auto head = count_votes(head_statuts, a.attendance, kind, a.votes);
    ASSERT_TRUE(head);
    ASSERT_GT(head->head_base, 0);
    EXPECT_EQ(*Ratio::div(weighted->total_pour, weighted->total_base),
              Ratio(head->head_pour, head->head_base))
        << "trial " << trial;
    EXPECT_EQ(weighted->adopted, head->adopted) << "trial " << trial;
    EXPECT_EQ(weighted->adopted, weighted->head_adopted) << "trial " << trial;
  }
}

}  // namespace
}  // namespace maillage::association
