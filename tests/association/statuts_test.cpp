// Statuts as data: validation names the faulty field in French, placement of professions and
// legal persons in collèges, the convocation delay.
#include "association/statuts.hpp"

#include <gtest/gtest.h>

#include "association/fixtures.hpp"

namespace maillage::association {
namespace {

using testing::cpts_statuts;

Error error_of(const Statuts& s) {
  auto st = validate_statuts(s);
  EXPECT_FALSE(st.has_value());
  return st ? Error{} : st.error();
}

TEST(Statuts, TheReferenceStatutsAreValid) {
  auto st = validate_statuts(cpts_statuts());
  EXPECT_TRUE(st.has_value()) << (st ? "" : st.error().describe());
}

TEST(Statuts, SharesMustSumToExactlyOne) {
  auto s = cpts_statuts();
  s.colleges[2].share = Ratio(1, 10);
  const auto e = error_of(s);
  EXPECT_EQ(e.code, ErrorCode::invalid_input);
  EXPECT_EQ(e.field, "colleges");
  EXPECT_NE(e.message.find("9/10 au lieu de 1"), std::string::npos) << e.message;
  // In head-count mode the shares are not used and not checked.
  s.weight_mode = WeightMode::head_count;
  EXPECT_TRUE(validate_statuts(s).has_value());
}

TEST(Statuts, EachFieldNamedInItsError) {
  auto s = cpts_statuts();
  s.colleges[1].id = "med";
  EXPECT_EQ(error_of(s).field, "colleges[1].id");

  s = cpts_statuts();
  s.colleges[0].share = Ratio(0);
  s.colleges[1].share = Ratio(4, 5);
  EXPECT_EQ(error_of(s).field, "colleges[0].share");

  s = cpts_statuts();
  s.placement[1].college = "usagers";
  auto e = error_of(s);
  EXPECT_EQ(e.field, "placement[1].college");
  EXPECT_NE(e.message.find("« usagers » inconnu"), std::string::npos);

  s = cpts_statuts();
  s.placement[1].professions.push_back("10");
  e = error_of(s);
  EXPECT_EQ(e.field, "placement[1].professions");
  EXPECT_NE(e.message.find("la profession « 10 » est placée dans deux collèges"),
            std::string::npos);

  s = cpts_statuts();
  s.default_college = "nobody";
  EXPECT_EQ(error_of(s).field, "default_college");

  s = cpts_statuts();
  s.convocation_days = -1;
  EXPECT_EQ(error_of(s).field, "convocation_days");

  s = cpts_statuts();
  s.first_quorum.minimum = Ratio(5, 4);
  EXPECT_EQ(error_of(s).field, "first_quorum.minimum");

  s = cpts_statuts();
  s.second_quorum = {Quorum::Scope::per_college, Ratio(0)};
  EXPECT_EQ(error_of(s).field, "second_quorum.minimum");

  s = cpts_statuts();
  s.resolution_kinds = {{"statuts", "Modification des statuts", Majority::two_thirds}};
  EXPECT_EQ(error_of(s).field, "resolution_kinds");

  s = cpts_statuts();
  s.proxies.max_per_holder = -1;
  EXPECT_EQ(error_of(s).field, "proxies.max_per_holder");

  s = cpts_statuts();
  s.colleges.clear();
  EXPECT_EQ(error_of(s).field, "colleges");
}

TEST(Statuts, PlacesProfessionsAndLegalPersons) {
  auto s = cpts_statuts();
  EXPECT_EQ(*place_member(s, MemberKind::person, "10"), "med");
  EXPECT_EQ(*place_member(s, MemberKind::person, "21"), "ps");
  EXPECT_EQ(*place_member(s, MemberKind::legal_person, "ehpad"), "etab");
  EXPECT_EQ(*place_member(s, MemberKind::legal_person, "pharmacie"), "ps");
  // "10" names a profession, not a kind of legal person.
  auto unknown = place_member(s, MemberKind::legal_person, "10");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code, ErrorCode::not_found);
  auto psy = place_member(s, MemberKind::person, "93");
  ASSERT_FALSE(psy);
  EXPECT_NE(psy.error().message.find("« 93 »"), std::string::npos);
  s.default_college = "ps";
  EXPECT_EQ(*place_member(s, MemberKind::person, "93"), "ps");
}

TEST(Statuts, ConvocationDelay) {
  const auto s = cpts_statuts();  // 15 days, the default
  const Date ag = *parse_date("2025-06-20");
  EXPECT_EQ(format_date(convocation_deadline(s, ag)), "2025-06-05");
  EXPECT_TRUE(check_convocation(s, *parse_date("2025-06-05"), ag).has_value());
  EXPECT_TRUE(check_convocation(s, *parse_date("2025-05-20"), ag).has_value());
  auto late = check_convocation(s, *parse_date("2025-06-06"), ag);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().field, "convocation_date");
  EXPECT_NE(late.error().message.find("au plus tard le 05/06/2025"), std::string::npos)
      << late.error().message;
}

}  // namespace
}  // namespace maillage::association
