#include "aci/schedule.hpp"

#include <gtest/gtest.h>

#include <random>

#include "aci_test_util.hpp"

namespace maillage::aci {
namespace {

using test::builtin_book;

std::string contract(const std::string& body) {
  return R"({"id": "S", "parties": {"cpts": {"name": "CPTS"}, "cpam": {"name": "CPAM"},
  "ars": {"name": "ARS"}}, )" +
         body + "}";
}

Schedule schedule(const std::string& body, ScheduleOptions options = {}) {
  auto s = compute_schedule(test::cpts(contract(body)), builtin_book(), options);
  if (!s) {
    ADD_FAILURE() << s.error().describe();
    return {};
  }
  return *s;
}

bool has_note(const Schedule& s, const std::string& part) {
  for (const auto& n : s.notes) {
    if (n.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(AciSchedule, UnverifiedValuesAreFlaggedAndOverridesAreNot) {
  Schedule s = schedule(R"("accord": "cpts-2019", "signature": "2021-03-01", "size_class": "T2",
      "duration_years": 2, "missions": [{"mission": "prevention", "start": "2021-03-01",
      "amounts": {"fixed": 15000}}])");
  for (const auto& p : s.payments) {
    // T2 amorçage and fonctionnement are deduced values (unverified); the fixed part is written
    // in the contract; the variable part uses unverified rules amounts and method.
    bool expect = p.envelope == "prevention.fixe";
    EXPECT_EQ(p.verified, expect) << p.envelope << " " << to_string(p.kind);
  }
  EXPECT_TRUE(has_note(s, "non vérifiées"));
  Schedule t1 = schedule(R"("accord": "cpts-2019", "signature": "2021-03-01", "size_class": "T1",
      "duration_years": 2)");
  for (const auto& p : t1.payments) EXPECT_TRUE(p.verified) << p.envelope;
  EXPECT_FALSE(has_note(t1, "non vérifiées"));
}

TEST(AciSchedule, NotesExplainWhatWasSkippedOrAssumed) {
  Schedule s = schedule(R"("accord": "cpts-2019", "signature": "2021-03-01", "size_class": "T2",
      "population": 95000, "lettre_intention": "2020-11-02",
      "missions": [{"mission": "parcours"}, {"mission": "prevention", "start": "2021-05-01"}])");
  EXPECT_TRUE(has_note(s, "taille T3 selon les règles"));
  EXPECT_TRUE(has_note(s, "ne prévoit pas de financement à la validation de la lettre"));
  EXPECT_TRUE(has_note(s, "« parcours » sans date de démarrage"));
  EXPECT_TRUE(has_note(s, "estimées"));
  for (const auto& p : s.payments) EXPECT_NE(p.envelope, "lettre_intention");
}

TEST(AciSchedule, BasisExplainsTheComputation) {
  Schedule s = schedule(R"("accord": "cpts-2019", "signature": "2019-09-16", "size_class": "T3",
      "duration_years": 1, "missions": [{"mission": "acces_soins", "start": "2020-02-01"}])");
  ASSERT_EQ(s.payments.size(), 4u);
  EXPECT_EQ(s.payments[1].basis,
            "75 % de 25 000,00 € × 228/366 jours (règles cpts-2019, taille T3)");
  EXPECT_EQ(s.payments[2].basis,
            "25 000,00 € × 228/366 jours = 15 573,77 € − avance de 11 680,33 €");
  EXPECT_TRUE(s.payments[3].estimated);
  auto csv = test::lines(schedule_csv(s, true));
  EXPECT_EQ(csv[0], "date,contract_year,envelope,kind,amount,verified,basis");
  EXPECT_EQ(csv[1],
            "2019-09-16,1,amorcage,versement,75000.00,non,\"fonctionnement avant "
            "démarrage des missions, à la signature (règles cpts-2019, taille T3)\"");
}

TEST(AciSchedule, MissionYearsForTheIndicatorSheet) {
  Schedule s = schedule(R"("accord": "cpts-2019", "signature": "2021-03-01", "size_class": "T2",
      "duration_years": 2, "missions": [{"mission": "prevention", "start": "2021-09-01",
      "indicators": [{"id": "i", "baseline": 0, "years": [{"year": 1, "paliers": [10], "measured": 5}]}]}])");
  ASSERT_EQ(s.missions.size(), 2u);
  EXPECT_EQ(s.missions[0].year, 1);
  EXPECT_EQ(format_date(s.missions[0].from), "2021-09-01");
  EXPECT_EQ(s.missions[0].fixed, 1500000);
  EXPECT_EQ(s.missions[0].outcome.rate, 500000);
  EXPECT_FALSE(s.missions[0].outcome.estimated);
  EXPECT_TRUE(s.missions[1].outcome.estimated);
  EXPECT_EQ(s.anniversaries.size(), 3u);
}

TEST(AciSchedule, RejectsAnOutOfRangeSimulatedRate) {
  ScheduleOptions options;
  options.unmeasured_rate = kPpmOne + 1;
  auto s = compute_schedule(test::cpts(contract(R"("accord": "cpts-2019",
      "signature": "2021-03-01", "size_class": "T2")")),
                            builtin_book(), options);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().field, "unmeasured_rate");
}

TEST(AciSchedule, RejectsAnInvalidContractBuiltInCode) {
  CptsContract c = test::cpts(contract(R"("accord": "cpts-2019", "signature": "2021-03-01",
      "size_class": "T2")"));
  c.size_class = "T9";
  auto s = compute_schedule(c, builtin_book());
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().field, "size_class");
}

// Properties on random contracts: whatever the dates and amounts, each fixed part and each
// fonctionnement year is paid exactly (advance + balance = the pro rata amount), payments are in
// date order, advances come before their balance, and nothing is negative.
TEST(AciSchedule, RandomContractsSumExactly) {
  std::mt19937 rng(20240229);
  const RuleBook& book = builtin_book();
  const char* missions[] = {"acces_soins", "parcours",       "prevention",
                            "qualite",     "accompagnement", "crise_sanitaire"};
  for (int round = 0; round < 300; ++round) {
    CptsContract c;
    c.id = "R" + std::to_string(round);
    c.parties.structure.name = c.parties.cpam.name = c.parties.ars.name = "x";
    c.accord = "cpts-2019";
    c.signature = add_months(Date{std::chrono::year{2019}, std::chrono::month{9},
                                  std::chrono::day{static_cast<unsigned>(1 + rng() % 28)}},
                             static_cast<int>(rng() % 60));
    c.size_class = "T" + std::to_string(1 + rng() % 4);
    c.duration_years = 1 + static_cast<int>(rng() % 5);
    Date end = add_years(c.signature, *c.duration_years);
    std::int64_t span = days_between(c.signature, end);
    Date av_from{std::chrono::sys_days{c.signature} + std::chrono::days{1 + rng() % (span - 1)}};
    bool avenant = rng() % 2 == 0;
    if (avenant) c.avenants.push_back({"cpts-2019-av2", av_from});
    for (const char* m : missions) {
      if (rng() % 3 == 0) continue;
      bool late_mission = std::string(m) == "crise_sanitaire";
      if (late_mission && !avenant) continue;
      Date from = late_mission ? av_from : c.signature;
      std::int64_t left = days_between(from, end);
      ContractMission cm;
      cm.mission = m;
      cm.start = Date{std::chrono::sys_days{from} + std::chrono::days{rng() % left}};
      if (rng() % 2) cm.fixed = static_cast<Cents>(rng() % 10'000'000);
      Indicator ind;
      ind.id = "i";
      ind.baseline = 0;
      for (int y = 1; y <= *c.duration_years; ++y) {
        ind.years.push_back({y, {10, 20}, static_cast<double>(rng() % 30), {}});
      }
      cm.indicators.push_back(ind);
      c.missions.push_back(cm);
    }
    auto s = compute_schedule(c, book);
    ASSERT_TRUE(s) << s.error().describe();
    for (std::size_t i = 1; i < s->payments.size(); ++i) {
      EXPECT_LE(std::chrono::sys_days{s->payments[i - 1].date},
                std::chrono::sys_days{s->payments[i].date});
    }
    for (const auto& p : s->payments) EXPECT_GE(p.amount, 0) << p.envelope;
    for (const auto& my : s->missions) {
      Cents fixed = 0;
      for (const auto& p : s->payments) {
        if (p.envelope == my.mission + ".fixe" && p.contract_year == my.year) fixed += p.amount;
      }
      EXPECT_EQ(fixed, my.fixed_paid) << c.id << " " << my.mission << " year " << my.year;
      std::int64_t days = days_between(my.from, my.to);
      std::int64_t year_days = days_between(s->anniversaries[static_cast<std::size_t>(my.year - 1)],
                                            s->anniversaries[static_cast<std::size_t>(my.year)]);
      EXPECT_EQ(my.fixed_paid, fraction_round({my.fixed, days}, {year_days}));
      EXPECT_LE(my.variable_paid, my.variable_max);
    }
    for (int k = 2; k <= *c.duration_years; ++k) {
      Cents f = 0;
      for (const auto& p : s->payments) {
        if (p.envelope == "fonctionnement" && p.contract_year == k) f += p.amount;
      }
      const Accord* v = accord_on(c, book, s->anniversaries[static_cast<std::size_t>(k - 1)]);
      EXPECT_EQ(f, v->envelope("fonctionnement")->amounts.at(c.size_class).value);
    }
  }
}

}  // namespace
}  // namespace maillage::aci
