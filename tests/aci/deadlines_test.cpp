#include "aci/deadlines.hpp"

#include <gtest/gtest.h>

#include "aci_test_util.hpp"

namespace maillage::aci {
namespace {

using test::builtin_book;

std::string contract(const std::string& body) {
  return R"({"id": "D", "parties": {"cpts": {"name": "CPTS"}, "cpam": {"name": "CPAM"},
  "ars": {"name": "ARS"}}, )" +
         body + "}";
}

Date date(const char* text) { return *parse_date(text); }

std::vector<MissionDeadlines> check(const std::string& body, const char* as_of) {
  auto d = check_deadlines(test::cpts(contract(body)), builtin_book(), date(as_of));
  if (!d) {
    ADD_FAILURE() << d.error().describe();
    return {};
  }
  return *d;
}

TEST(AciDeadlines, LateStartsAndMissingSocleMissions) {
  // Signed 2021-02-15: access must start by 2021-08-15 and be deployed by 2022-08-15; parcours
  // and prevention must start by 2022-02-15 and be deployed by 2023-02-15.
  auto d = check(R"("accord": "cpts-2019", "signature": "2021-02-15", "size_class": "T2",
      "missions": [{"mission": "acces_soins", "start": "2021-11-15", "deployed": "2023-01-10"},
                   {"mission": "parcours"}])",
                 "2023-03-01");
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].mission, "acces_soins");
  EXPECT_EQ(format_date(*d[0].start.deadline), "2021-08-15");
  EXPECT_EQ(d[0].start.status, DeadlineStatus::late);
  EXPECT_EQ(d[0].start.days_late, 92);
  EXPECT_EQ(format_date(*d[0].deploy.deadline), "2022-08-15");
  EXPECT_EQ(d[0].deploy.status, DeadlineStatus::late);
  EXPECT_EQ(d[0].deploy.days_late, 148);
  EXPECT_EQ(d[1].mission, "parcours");
  EXPECT_TRUE(d[1].in_contract);
  EXPECT_EQ(d[1].start.status, DeadlineStatus::overdue);
  EXPECT_EQ(d[1].start.days_late, 379);
  EXPECT_EQ(d[1].deploy.status, DeadlineStatus::overdue);
  EXPECT_EQ(d[1].deploy.days_late, 14);
  EXPECT_EQ(d[2].mission, "prevention");
  EXPECT_FALSE(d[2].in_contract);
  EXPECT_EQ(d[2].start.status, DeadlineStatus::overdue);
  EXPECT_EQ(deadlines_csv(d),
            "mission,milestone,deadline,date,status,days_late\n"
            "acces_soins,demarrage,2021-08-15,2021-11-15,en_retard,92\n"
            "acces_soins,deploiement,2022-08-15,2023-01-10,en_retard,148\n"
            "parcours,demarrage,2022-02-15,,echeance_depassee,379\n"
            "parcours,deploiement,2023-02-15,,echeance_depassee,14\n"
            "prevention,demarrage,2022-02-15,,echeance_depassee,379\n"
            "prevention,deploiement,2023-02-15,,echeance_depassee,14\n");
}

TEST(AciDeadlines, OnTimePendingAndPlanned) {
  auto d = check(R"("accord": "cpts-2019", "signature": "2021-08-31", "size_class": "T1",
      "missions": [{"mission": "acces_soins", "start": "2022-02-28"},
                   {"mission": "parcours", "start": "2022-09-30"},
                   {"mission": "qualite", "start": "2022-01-01"}])",
                 "2021-12-01");
  // 31 August + 6 months = 28 February (clamped): starting that day is on time, but on
  // 2021-12-01 it is still a plan.
  EXPECT_EQ(format_date(*d[0].start.deadline), "2022-02-28");
  EXPECT_EQ(d[0].start.status, DeadlineStatus::pending);
  EXPECT_EQ(d[1].start.status, DeadlineStatus::planned_late);  // deadline 2022-08-31
  EXPECT_EQ(d[1].start.days_late, 30);
  EXPECT_EQ(d[3].mission, "qualite");  // optional mission: no deadline unless negotiated
  EXPECT_EQ(d[3].start.status, DeadlineStatus::no_deadline);
  auto later = check(R"("accord": "cpts-2019", "signature": "2021-08-31", "size_class": "T1",
      "missions": [{"mission": "acces_soins", "start": "2022-02-28"}])",
                     "2022-03-01");
  EXPECT_EQ(later[0].start.status, DeadlineStatus::on_time);
  EXPECT_EQ(later[0].start.days_late, 0);
}

TEST(AciDeadlines, NegotiatedDeadlines) {
  auto d = check(R"("accord": "cpts-2019", "signature": "2021-01-04", "size_class": "T1",
      "missions": [{"mission": "qualite", "start": "2022-03-01",
                    "start_deadline": "2022-01-31", "deploy_deadline": "2023-01-31"}])",
                 "2022-06-01");
  ASSERT_EQ(d.back().mission, "qualite");
  EXPECT_EQ(d.back().start.status, DeadlineStatus::late);
  EXPECT_EQ(d.back().start.days_late, 29);
  EXPECT_EQ(d.back().deploy.status, DeadlineStatus::pending);
}

TEST(AciDeadlines, AvenantMissionCountsFromTheAvenant) {
  const std::string body = R"("accord": "cpts-2019", "signature": "2020-10-01",
      "size_class": "T1", "avenants": [{"accord": "cpts-2019-av2", "from": "2022-04-01"}],
      "missions": [{"mission": "crise_sanitaire", "start": "2022-11-15"}])";
  auto before = check(body, "2021-12-01");
  // The avenant does not apply yet: the crisis mission is listed with its future deadlines.
  ASSERT_EQ(before.back().mission, "crise_sanitaire");
  EXPECT_EQ(format_date(before.back().counted_from), "2022-04-01");
  EXPECT_EQ(format_date(*before.back().start.deadline), "2022-10-01");
  EXPECT_EQ(before.back().start.status, DeadlineStatus::planned_late);
  auto after = check(body, "2023-01-01");
  const MissionDeadlines& crise = after.back();
  EXPECT_EQ(crise.mission, "crise_sanitaire");
  EXPECT_EQ(format_date(*crise.start.deadline), "2022-10-01");
  EXPECT_EQ(crise.start.status, DeadlineStatus::late);
  EXPECT_EQ(crise.start.days_late, 45);
  EXPECT_EQ(format_date(*crise.deploy.deadline), "2023-10-01");
}

}  // namespace
}  // namespace maillage::aci
