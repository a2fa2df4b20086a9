// The golden AG cases, computed by hand. The CPTS of fixtures.hpp: collèges médecins (10 members,
// weight 2/5), autres professionnels de santé (20, 2/5), établissements (5, 1/5); 35 voters;
// quorum 1/4 at first convocation, none at the second; 2 proxies per holder.
#include <gtest/gtest.h>

#include <algorithm>

#include "association/fixtures.hpp"

namespace maillage::association {
namespace {

using namespace testing;

AttendanceReport tally(const Statuts& s, const std::vector<Mark>& marks,
                       const std::vector<Proxy>& proxies = {},
                       Convocation convocation = Convocation::first) {
  auto r = tally_attendance(s, {convocation, cpts_roll(), marks, proxies});
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().describe());
  return r ? *r : AttendanceReport{};
}

const CollegeAttendance& college(const AttendanceReport& r, const std::string& id) {
  return *std::find_if(r.colleges.begin(), r.colleges.end(),
                       [&](const auto& c) { return c.college == id; });
}

const CollegeTally& college(const VoteResult& r, const std::string& id) {
  return *std::find_if(r.colleges.begin(), r.colleges.end(),
                       [&](const auto& c) { return c.college == id; });
}

// 1. Global quorum 1/4 of 35 = 8,75: 9 present reach it, 8 do not.
TEST(AssemblyGolden, GlobalQuorumReachedAndNotReached) {
  const auto s = cpts_statuts();
  std::vector<Mark> nine;
  present(nine, "m", 5);
  present(nine, "p", 4);
  auto r = tally(s, nine);
  EXPECT_EQ(r.quorum.members, 35);
  EXPECT_EQ(r.quorum.present_or_represented, 9);
  EXPECT_EQ(r.quorum.rate, Ratio(9, 35));
  EXPECT_TRUE(r.quorum.reached);
  EXPECT_NE(r.quorum.explanation.find(
                "quorum atteint en première convocation : 9 présents ou représentés sur 35"),
            std::string::npos)
      << r.quorum.explanation;

  auto eight = nine;
  eight.pop_back();
  r = tally(s, eight);
  EXPECT_FALSE(r.quorum.reached);
  EXPECT_NE(r.quorum.explanation.find("quorum non atteint"), std::string::npos);
}

// 2. Represented members count for the quorum: 7 present + 2 proxies = 9 ≥ 8,75.
TEST(AssemblyGolden, ProxiesCountTowardsTheQuorum) {
  const auto s = cpts_statuts();
  std::vector<Mark> marks;
  present(marks, "m", 7);
  auto r = tally(s, marks, {{"p1", "m1"}, {"p2", "m1"}});
  EXPECT_EQ(r.accepted.size(), 2U);
  EXPECT_EQ(r.quorum.present_or_represented, 9);
  EXPECT_TRUE(r.quorum.reached);
  EXPECT_EQ(r.find("p1")->attendance, Attendance::represented);
  EXPECT_EQ(r.find("p1")->holder, "m1");
  EXPECT_EQ(r.find("m1")->proxies_held, 2);
}

// 3. Quorum per collège 1/3: médecins 4/10 and établissements 2/5 reach it, the autres
// professionnels 6/20 do not (6 < 20/3); one more proxy in that collège (7/20) completes it.
TEST(AssemblyGolden, QuorumPerCollege) {
  auto s = cpts_statuts();
  s.first_quorum = {Quorum::Scope::per_college, Ratio(1, 3)};
  std::vector<Mark> marks;
  present(marks, "m", 4);
  present(marks, "p", 6);
  present(marks, "e", 2);
  auto r = tally(s, marks);
  EXPECT_TRUE(college(r, "med").quorum_reached);
  EXPECT_FALSE(college(r, "ps").quorum_reached);
  EXPECT_TRUE(college(r, "etab").quorum_reached);
  EXPECT_FALSE(r.quorum.reached);
  ASSERT_EQ(r.quorum.colleges_short.size(), 1U);
  EXPECT_EQ(r.quorum.colleges_short[0], "Autres professionnels de santé");
  // 12 of 35 overall would pass a global 1/3 (11,67): the per-collège rule is what fails.
  EXPECT_GE(r.quorum.rate, Ratio(1, 3));

  r = tally(s, marks, {{"p7", "p1"}});
  EXPECT_EQ(college(r, "ps").present_or_represented(), 7);
  EXPECT_EQ(college(r, "ps").rate, Ratio(7, 20));
  EXPECT_TRUE(r.quorum.reached);
}

// 3b. Quorum in weighted voices, 1/3: all 10 médecins present give 2/5 of the voices and reach
// it, while by head count 10 of 35 (< 1/3) would not.
TEST(AssemblyGolden, WeightedQuorum) {
  auto s = cpts_statuts();
  s.first_quorum = {Quorum::Scope::weighted, Ratio(1, 3)};
  ASSERT_TRUE(validate_statuts(s).has_value());
  std::vector<Mark> marks;
  present(marks, "m", 10);
  auto r = tally(s, marks);
  EXPECT_EQ(r.quorum.rate, Ratio(2, 5));
  EXPECT_TRUE(r.quorum.reached);
  EXPECT_LT(Ratio(r.quorum.present_or_represented, r.quorum.members), Ratio(1, 3));
  EXPECT_NE(r.quorum.explanation.find("40,0\u00A0% des voix pondérées"), std::string::npos)
      << r.quorum.explanation;
  // Half the médecins and a quarter of the others: 2/5·1/2 + 2/5·1/4 + 1/5·0 = 3/10 < 1/3.
  marks.clear();
  present(marks, "m", 5);
  present(marks, "p", 5);
  r = tally(s, marks);
  EXPECT_EQ(r.quorum.rate, Ratio(3, 10));
  EXPECT_FALSE(r.quorum.reached);
  // Only meaningful with fixed shares.
  s.weight_mode = WeightMode::head_count;
  auto bad = validate_statuts(s);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "first_quorum.scope");
}

// 4. Second convocation without quorum: 3 present of 35 cannot deliberate at the first
// convocation, can at the second, and the votes are counted.
TEST(AssemblyGolden, SecondConvocationWithoutQuorum) {
  const auto s = cpts_statuts();
  std::vector<Mark> marks;
  present(marks, "m", 3);
  auto first = tally(s, marks);
  EXPECT_FALSE(first.quorum.reached);
  auto refused = count_votes(s, first, "ordinaire", {{"m1", Ballot::pour}});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_transition);
  EXPECT_EQ(refused.error().field, "quorum");

  auto second = tally(s, marks, {}, Convocation::second);
  EXPECT_TRUE(second.quorum.reached);
  EXPECT_NE(second.quorum.explanation.find("pas de quorum exigé en seconde convocation"),
            std::string::npos);
  auto result = count_votes(s, second, "ordinaire",
                            {{"m1", Ballot::pour}, {"m2", Ballot::pour}, {"m3", Ballot::contre}});
  ASSERT_TRUE(result) << result.error().describe();
  EXPECT_TRUE(result->adopted);
}

// 5. A proxy over the cap is refused, the earlier ones hold, the giver stays as marked.
TEST(AssemblyGolden, ProxyOverTheCapRefused) {
  const auto s = cpts_statuts();  // 2 per holder
  std::vector<Mark> marks;
  present(marks, "p", 1);
  marks.push_back({"p4", Presence::excused});
  auto r = tally(s, marks, {{"p2", "p1"}, {"p3", "p1"}, {"p4", "p1"}});
  ASSERT_EQ(r.accepted.size(), 2U);
  ASSERT_EQ(r.refused.size(), 1U);
  EXPECT_EQ(r.refused[0].reason, ProxyRefusal::over_cap);
  EXPECT_EQ(r.refused[0].proxy.giver, "p4");
  EXPECT_NE(r.refused[0].message.find("détient déjà 2 pouvoir(s), le maximum des statuts est 2"),
            std::string::npos)
      << r.refused[0].message;
  EXPECT_EQ(r.find("p4")->attendance, Attendance::excused);
  EXPECT_EQ(r.find("p1")->proxies_held, 2);

  // The same rule when the proxy is given online before the AG.
  auto online = check_proxy(s, cpts_roll(), {{"p2", "p1"}, {"p3", "p1"}}, {"p4", "p1"});
  ASSERT_FALSE(online);
  EXPECT_EQ(online.error().field, "holder");
  EXPECT_TRUE(check_proxy(s, cpts_roll(), {{"p2", "p1"}}, {"p4", "p1"}).has_value());
}

// 6. "Same collège only": a médecin cannot represent an établissement; without the rule they can.
TEST(AssemblyGolden, ProxyAcrossCollegesRefusedWhenTheStatutsSaySo) {
  auto s = cpts_statuts();
  s.proxies.same_college_only = true;
  std::vector<Mark> marks;
  present(marks, "m", 2);
  auto r = tally(s, marks, {{"e1", "m1"}, {"m3", "m2"}});
  ASSERT_EQ(r.refused.size(), 1U);
  EXPECT_EQ(r.refused[0].reason, ProxyRefusal::other_college);
  EXPECT_NE(r.refused[0].message.find("« Établissements et médico-social » et « Médecins »"),
            std::string::npos)
      << r.refused[0].message;
  EXPECT_EQ(r.find("m3")->attendance, Attendance::represented);
  EXPECT_FALSE(check_proxy(s, cpts_roll(), {}, {"e1", "m1"}).has_value());

  s.proxies.same_college_only = false;
  r = tally(s, marks, {{"e1", "m1"}});
  EXPECT_TRUE(r.refused.empty());
  EXPECT_EQ(college(r, "etab").represented, 1);  // counted in the giver's collège
}

// 7. The other proxy rules: holder absent, giver present, chains, one proxy per giver, self,
// unknown members, no proxies at all.
TEST(AssemblyGolden, ProxyRules) {
  auto s = cpts_statuts();
  std::vector<Mark> marks;
  present(marks, "m", 3);
  auto r = tally(s, marks,
                 {{"m5", "m9"},    // holder absent
                  {"m2", "m1"},    // giver present
                  {"m4", "m1"},    // accepted
                  {"m6", "m4"},    // holder gave their own proxy: chain
                  {"m4", "m2"},    // m4 already gave one
                  {"m7", "m7"},    // self
                  {"x1", "m1"}});  // not a voter
  ASSERT_EQ(r.accepted.size(), 1U);
  std::vector<ProxyRefusal> reasons;
  for (const auto& f : r.refused) reasons.push_back(f.reason);
  EXPECT_EQ(reasons,
            (std::vector<ProxyRefusal>{
                ProxyRefusal::holder_not_present, ProxyRefusal::giver_present, ProxyRefusal::chain,
                ProxyRefusal::already_given, ProxyRefusal::self, ProxyRefusal::unknown_member}));
  EXPECT_NE(r.refused[3].message.find("« m4 » a déjà donné pouvoir à « m1 »"), std::string::npos);
  EXPECT_EQ(r.find("m5")->attendance, Attendance::absent);
  EXPECT_EQ(r.find("m2")->attendance, Attendance::present);

  s.proxies.max_per_holder = 0;
  r = tally(s, marks, {{"m4", "m1"}});
  ASSERT_EQ(r.refused.size(), 1U);
  EXPECT_EQ(r.refused[0].reason, ProxyRefusal::not_allowed);
}

// 8. A member present and giving a proxy, or a chain through the holder, online before the AG.
TEST(AssemblyGolden, OnlineProxiesRefuseChains) {
  const auto s = cpts_statuts();
  const std::vector<Proxy> accepted = {{"m2", "m1"}};
  auto pass_on = check_proxy(s, cpts_roll(), accepted, {"m1", "m3"});  // m1 holds m2's proxy
  ASSERT_FALSE(pass_on);
  EXPECT_NE(pass_on.error().message.find("détient déjà un pouvoir"), std::string::npos);
  auto through = check_proxy(s, cpts_roll(), accepted, {"m4", "m2"});  // m2 gave theirs
  ASSERT_FALSE(through);
  EXPECT_NE(through.error().message.find("pas de pouvoir en cascade"), std::string::npos);
  auto twice = check_proxy(s, cpts_roll(), accepted, {"m2", "m5"});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().field, "giver");
  EXPECT_NE(twice.error().message.find("a déjà donné pouvoir à « m1 »"), std::string::npos);
}

// 9. Weights change the outcome. Present: 10 médecins (2 pour, 8 contre), 4 autres professionnels
// (4 pour), 2 établissements (2 pour). Head count: 8 pour / 16 exprimés = 1/2, not more than half:
// rejected. Weighted: 2/5·2/10 + 2/5·4/4 + 1/5·2/2 = 2/25 + 10/25 + 5/25 = 17/25 > 1/2: adopted.
TEST(AssemblyGolden, WeightedResultDiffersFromHeadCount) {
  const auto s = cpts_statuts();
  std::vector<Mark> marks;
  present(marks, "m", 10);
  present(marks, "p", 4);
  present(marks, "e", 2);
  const auto att = tally(s, marks);
  std::vector<Vote> v;
  votes(v, "m", 1, 2, Ballot::pour);
  votes(v, "m", 3, 8, Ballot::contre);
  votes(v, "p", 1, 4, Ballot::pour);
  votes(v, "e", 1, 2, Ballot::pour);
  auto r = count_votes(s, att, "ordinaire", v);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(college(*r, "med").weighted_pour, Ratio(2, 25));
  EXPECT_EQ(college(*r, "med").weighted_contre, Ratio(8, 25));
  EXPECT_EQ(college(*r, "ps").weighted_pour, Ratio(2, 5));
  EXPECT_EQ(college(*r, "etab").weighted_pour, Ratio(1, 5));
  EXPECT_EQ(r->total_pour, Ratio(17, 25));
  EXPECT_EQ(r->total_contre, Ratio(8, 25));
  EXPECT_EQ(r->total_base, Ratio(1));
  EXPECT_EQ(r->required, Ratio(1, 2));
  EXPECT_TRUE(r->adopted);
  EXPECT_EQ(r->head_pour, 8);
  EXPECT_EQ(r->head_base, 16);
  EXPECT_FALSE(r->head_adopted);
  EXPECT_NE(r->explanation.find("pour : 17/25 des voix pondérées sur 1 (68,0"), std::string::npos)
      << r->explanation;
  EXPECT_NE(r->explanation.find("(à une voix par membre, elle aurait été rejetée)"),
            std::string::npos);
}

// 10. Two thirds missed by one vote (head count): 21 exprimés need 14 pour; 13 fail, 14 pass.
TEST(AssemblyGolden, TwoThirdsMissedByOneVote) {
  auto s = cpts_statuts();
  s.weight_mode = WeightMode::head_count;
  std::vector<Mark> marks;
  present(marks, "p", 20);
  present(marks, "m", 1);
  const auto att = tally(s, marks);
  std::vector<Vote> v;
  votes(v, "p", 1, 13, Ballot::pour);
  votes(v, "p", 14, 7, Ballot::contre);
  v.push_back({"m1", Ballot::contre});
  auto r = count_votes(s, att, "statuts", v);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->majority, Majority::two_thirds);
  EXPECT_EQ(r->total_base, Ratio(21));
  EXPECT_EQ(r->required, Ratio(14));
  EXPECT_EQ(r->total_pour, Ratio(13));
  EXPECT_FALSE(r->adopted);
  EXPECT_NE(r->explanation.find("il faut au moins 2/3, soit au moins 14"), std::string::npos)
      << r->explanation;

  v.back().ballot = Ballot::pour;  // m1 changes sides: 14 pour, 7 contre
  r = count_votes(s, att, "statuts", v);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->total_pour, Ratio(14));
  EXPECT_TRUE(r->adopted);
  // The same 14/21 is "more than half" as an ordinary resolution.
  EXPECT_TRUE(count_votes(s, att, "ordinaire", v)->adopted);
}

// 11. Abstentions under both conventions: 10 pour, 8 contre, 3 abstentions. Not counted: 10 > 18/2,
// adopted. Counted as exprimés: 10 > 21/2 fails, rejected.
TEST(AssemblyGolden, AbstentionsUnderBothConventions) {
  auto s = cpts_statuts();
  s.weight_mode = WeightMode::head_count;
  std::vector<Mark> marks;
  present(marks, "p", 20);
  present(marks, "m", 1);
  const auto att = tally(s, marks);
  std::vector<Vote> v;
  votes(v, "p", 1, 10, Ballot::pour);
  votes(v, "p", 11, 8, Ballot::contre);
  votes(v, "p", 19, 2, Ballot::abstention);
  v.push_back({"m1", Ballot::abstention});

  s.abstentions_expressed = false;
  auto r = count_votes(s, att, "ordinaire", v);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->total_base, Ratio(18));
  EXPECT_TRUE(r->adopted);

  s.abstentions_expressed = true;
  r = count_votes(s, att, "ordinaire", v);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->total_base, Ratio(21));
  EXPECT_EQ(r->required, Ratio(21, 2));
  EXPECT_FALSE(r->adopted);
  EXPECT_EQ(college(*r, "ps").abstention, 2);
  EXPECT_EQ(college(*r, "med").abstention, 1);
}

// 12. Absolute majority counts every member present or represented: 20 present, 10 pour,
// 5 contre, 2 abstentions, 3 silent: 10 is not more than 20/2. A simple majority adopts it.
TEST(AssemblyGolden, AbsoluteMajorityCountsNonVoters) {
  auto s = cpts_statuts();
  s.weight_mode = WeightMode::head_count;
  s.resolution_kinds.push_back({"dissolution", "Dissolution", Majority::absolute});
  std::vector<Mark> marks;
  present(marks, "p", 20);
  const auto att = tally(s, marks);
  std::vector<Vote> v;
  votes(v, "p", 1, 10, Ballot::pour);
  votes(v, "p", 11, 5, Ballot::contre);
  votes(v, "p", 16, 2, Ballot::abstention);
  auto r = count_votes(s, att, "dissolution", v);
  ASSERT_TRUE(r);
  EXPECT_EQ(college(*r, "ps").non_votants, 3);
  EXPECT_EQ(r->total_base, Ratio(20));
  EXPECT_FALSE(r->adopted);
  EXPECT_TRUE(count_votes(s, att, "ordinaire", v)->adopted);
}

// 13. Secret ballot, counts per collège, weighted, with the arithmetic. Médecins 6 pour 3 contre
// 1 abstention (base 9): 2/5·6/9 = 4/15; autres 2 pour 6 contre (base 8): 2/5·2/8 = 1/10;
// établissements 3 pour (base 3): 1/5. Total 4/15 + 1/10 + 1/5 = 17/30 > 15/30: adopted;
// contre 2/15 + 3/10 = 13/30.
TEST(AssemblyGolden, SecretBallotPerCollegeWeighted) {
  const auto s = cpts_statuts();
  std::vector<Mark> marks;
  present(marks, "m", 10);
  present(marks, "p", 8);
  present(marks, "e", 3);
  const auto att = tally(s, marks);
  auto r = count_secret_ballot(s, att, "ordinaire",
                               {{"med", 6, 3, 1}, {"ps", 2, 6, 0}, {"etab", 3, 0, 0}});
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(college(*r, "med").base, 9);
  EXPECT_EQ(college(*r, "med").weighted_pour, Ratio(4, 15));
  EXPECT_EQ(college(*r, "med").weighted_abstention, Ratio(2, 45));
  EXPECT_EQ(college(*r, "ps").weighted_pour, Ratio(1, 10));
  EXPECT_EQ(college(*r, "etab").weighted_pour, Ratio(1, 5));
  EXPECT_EQ(r->total_pour, Ratio(17, 30));
  EXPECT_EQ(r->total_contre, Ratio(13, 30));
  EXPECT_TRUE(r->adopted);
  EXPECT_EQ(r->head_pour, 11);
  EXPECT_EQ(r->head_base, 20);
  EXPECT_TRUE(r->head_adopted);

  auto too_many = count_secret_ballot(s, att, "ordinaire", {{"etab", 2, 2, 0}});
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().field, "counts[0]");
  EXPECT_NE(too_many.error().message.find("4 bulletins"), std::string::npos);
  EXPECT_FALSE(count_secret_ballot(s, att, "ordinaire", {{"usagers", 1, 0, 0}}));
  EXPECT_FALSE(count_secret_ballot(s, att, "ordinaire", {{"med", 1, 0, 0}, {"med", 1, 0, 0}}));
  EXPECT_FALSE(count_secret_ballot(s, att, "ordinaire", {{"med", -1, 0, 0}}));
}

// 14. A collège with nobody present: its share is redistributed (base 4/5) or lost (base 1).
// Médecins 3 pour 1 contre: 2/5·3/4 = 3/10; autres 2 pour 2 contre: 2/5·2/4 = 1/5; pour = 1/2.
// Redistributed: 1/2 > 2/5, adopted. Lost: 1/2 is not more than 1/2, rejected.
TEST(AssemblyGolden, EmptyCollegeShareRedistributedOrLost) {
  auto s = cpts_statuts();
  std::vector<Mark> marks;
  present(marks, "m", 4);
  present(marks, "p", 4);
  s.first_quorum.minimum = Ratio(1, 5);
  const auto att = tally(s, marks);
  std::vector<Vote> v;
  votes(v, "m", 1, 3, Ballot::pour);
  votes(v, "m", 4, 1, Ballot::contre);
  votes(v, "p", 1, 2, Ballot::pour);
  votes(v, "p", 3, 2, Ballot::contre);
  auto r = count_votes(s, att, "ordinaire", v);
  ASSERT_TRUE(r);
  EXPECT_FALSE(college(*r, "etab").counted);
  EXPECT_EQ(r->total_pour, Ratio(1, 2));
  EXPECT_EQ(r->total_base, Ratio(4, 5));
  EXPECT_TRUE(r->adopted);

  s.empty_college_share = EmptyCollegeShare::lost;
  r = count_votes(s, att, "ordinaire", v);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->total_base, Ratio(1));
  EXPECT_FALSE(r->adopted);
}

// 15. A represented member's vote counts in their own collège, cast by the holder.
TEST(AssemblyGolden, ProxyVoteCountsInTheGiversCollege) {
  const auto s = cpts_statuts();
  std::vector<Mark> marks;
  present(marks, "p", 9);
  const auto att = tally(s, marks, {{"e1", "p1"}});
  std::vector<Vote> v;
  votes(v, "p", 1, 9, Ballot::contre);
  v.push_back({"e1", Ballot::pour});
  auto r = count_votes(s, att, "ordinaire", v);
  ASSERT_TRUE(r);
  EXPECT_EQ(college(*r, "etab").pour, 1);
  EXPECT_EQ(college(*r, "etab").voters, 1);
  // Établissements 1/5 all pour, autres 2/5 all contre; base 3/5: pour 1/5 is not > 3/10.
  EXPECT_EQ(r->total_pour, Ratio(1, 5));
  EXPECT_EQ(r->total_base, Ratio(3, 5));
  EXPECT_FALSE(r->adopted);
}

// 16. Votes from someone neither present nor represented, or twice, are errors naming the vote.
TEST(AssemblyGolden, BadVotesAreErrors) {
  const auto s = cpts_statuts();
  std::vector<Mark> marks;
  present(marks, "p", 9);
  const auto att = tally(s, marks);
  auto absent = count_votes(s, att, "ordinaire", {{"p1", Ballot::pour}, {"m1", Ballot::pour}});
  ASSERT_FALSE(absent);
  EXPECT_EQ(absent.error().field, "votes[1].member");
  auto twice = count_votes(s, att, "ordinaire", {{"p1", Ballot::pour}, {"p1", Ballot::contre}});
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message.find("a déjà voté"), std::string::npos);
  auto kind = count_votes(s, att, "budget", {});
  ASSERT_FALSE(kind);
  EXPECT_EQ(kind.error().field, "kind");
}

// 17. The émargement itself: a mark for someone not on the roll, twice, a roll in an unknown
// collège.
TEST(AssemblyGolden, AttendanceInputErrors) {
  const auto s = cpts_statuts();
  auto stranger =
      tally_attendance(s, {Convocation::first, cpts_roll(), {{"z9", Presence::present}}, {}});
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().field, "marks[0].member");
  auto twice = tally_attendance(s, {Convocation::first,
                                    cpts_roll(),
                                    {{"m1", Presence::present}, {"m1", Presence::excused}},
                                    {}});
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().field, "marks[1].member");
  auto roll = cpts_roll();
  roll.push_back({"u1", "usagers"});
  auto unknown = tally_attendance(s, {Convocation::first, roll, {}, {}});
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().field, "roll[35].college");
}

}  // namespace
}  // namespace maillage::association
