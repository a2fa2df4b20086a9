// The crisis engine: a plan's problems, its slots and grid, answers → availabilities, coverage.
// Expected values computed by hand in the comments.
#include "survey/crisis.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace maillage::survey {
void PrintTo(const Problem& p, std::ostream* os);
}

namespace maillage::crisis {
namespace {

// Monday 4 to Wednesday 6 January 2027; the afternoon typed first (the engine sorts windows).
Plan three_days() {
  Plan p;
  p.first_day = "2027-01-04";
  p.last_day = "2027-01-06";
  p.windows = {{"14:00", "18:00", 1}, {"08:00", "12:00", 2}};
  return p;
}

TEST(CrisisPlan, AValidPlanHasNoProblem) { EXPECT_TRUE(check_plan(three_days()).empty()); }

TEST(CrisisPlan, EachProblemNamesItsField) {
  Plan p;
  p.first_day = "2027-01-10";
  p.last_day = "2027-01-04";  // before the start
  p.days = {"2027-01-05", "2027-02-30"};
  p.windows = {{"08:00", "07:00", 1}, {"25:00", "12:00", 0}};
  const std::vector<survey::Problem> expected{
      {"last_day", "La fin de la période précède son début."},
      // 5 January is before the (inverted) period's start 10 January: outside it.
      {"days[0]", "Ce jour est hors de la période."},
      {"days[1]", "Jour attendu au format AAAA-MM-JJ."},
      {"windows[0].end", "La fin doit suivre le début, le même jour."},
      {"windows[1].start", "Heure HH:MM attendue."},
      {"windows[1].need", "De 1 à 50 professionnels par créneau."}};
  EXPECT_EQ(check_plan(p), expected);
}

TEST(CrisisPlan, PeriodLongerThanTheGridNeedsChosenDays) {
  Plan p = three_days();
  p.last_day = "2027-01-18";  // 4..18 January: 15 days > 14
  ASSERT_EQ(check_plan(p).size(), 1U);
  EXPECT_EQ(check_plan(p)[0].field, "last_day");
  p.days = {"2027-01-04", "2027-01-11", "2027-01-18"};  // three Mondays: fine
  EXPECT_TRUE(check_plan(p).empty());
  EXPECT_EQ(days_of(p), (std::vector<std::string>{"2027-01-04", "2027-01-11", "2027-01-18"}));
}

TEST(CrisisPlan, OverlappingWindowsAreRefused) {
  Plan p = three_days();
  p.windows = {{"08:00", "12:00", 1}, {"11:00", "13:00", 1}};
  const auto problems = check_plan(p);
  ASSERT_EQ(problems.size(), 1U);
  EXPECT_EQ(problems[0].field, "windows");
  EXPECT_EQ(problems[0].message, "Les plages 08:00\u201312:00 et 11:00\u201313:00 se chevauchent.");
  p.windows = {{"08:00", "12:00", 1}, {"12:00", "24:00", 1}};  // touching, ending at midnight
  EXPECT_TRUE(check_plan(p).empty());
}

TEST(CrisisSlots, DayMajorThenWindowsByStart) {
  const auto slots = slots_of(three_days());
  // 3 days × 2 windows = 6 slots; index = day × 2 + window (08:00 first).
  ASSERT_EQ(slots.size(), 6U);
  EXPECT_EQ(slots[0], (Slot{"2027-01-04", "08:00", "12:00", 2, 0, 0}));
  EXPECT_EQ(slots[1], (Slot{"2027-01-04", "14:00", "18:00", 1, 0, 1}));
  EXPECT_EQ(slots[4], (Slot{"2027-01-06", "08:00", "12:00", 2, 2, 0}));
  EXPECT_EQ(slots[5], (Slot{"2027-01-06", "14:00", "18:00", 1, 2, 1}));
}

TEST(CrisisSlots, TheGridQuestionCoversExactlyTheSlots) {
  const auto q = grid_question(three_days(), "dispo", "Vos disponibilités");
  EXPECT_EQ(q.kind, survey::Kind::grid);
  EXPECT_TRUE(q.required);
  EXPECT_EQ(q.days, (std::vector<std::string>{"lundi 4 janvier", "mardi 5 janvier",
                                              "mercredi 6 janvier"}));
  EXPECT_EQ(q.slots, (std::vector<std::string>{"08:00\u201312:00", "14:00\u201318:00"}));
  survey::Questionnaire questionnaire;
  questionnaire.questions = {q};
  EXPECT_TRUE(survey::check_questionnaire(questionnaire).empty());
  // Invariant: one grid cell per slot, and each slot's cell is where slots_of puts it.
  const auto slots = slots_of(three_days());
  EXPECT_EQ(slots.size(), q.days.size() * q.slots.size());
  for (const auto& s : slots) {
    EXPECT_EQ(q.days[static_cast<std::size_t>(s.day_index)], day_label(s.day));
    EXPECT_EQ(q.slots[static_cast<std::size_t>(s.window_index)],
              window_label({s.start, s.end, s.need}));
  }
}

TEST(CrisisSlots, DayLabels) {
  EXPECT_EQ(day_label("2027-01-04"), "lundi 4 janvier");
  EXPECT_EQ(day_label("2026-08-16"), "dimanche 16 août");
  EXPECT_EQ(day_label("n'importe"), "n'importe");
}

// Four respondents: 10 ticks Monday morning and Tuesday afternoon; 11 Monday morning and all of
// Wednesday; 12 nothing; 13 Monday afternoon and a cell of a fourth day the grid does not have.
std::vector<Respondent> answers() {
  return {{10, {{0, 0}, {1, 1}}}, {11, {{0, 0}, {2, 0}, {2, 1}}}, {12, {}},
          {13, {{0, 1}, {3, 0}}}};
}

TEST(CrisisMapping, CellsBecomeSlotsAndNothingIsDropped) {
  const auto m = map_answers(three_days(), answers());
  // Slot = day × 2 + window: 10 → 0, 3; 11 → 0, 4, 5; 13 → 1.
  const std::vector<Availability> expected{{10, 0}, {10, 3}, {11, 0}, {11, 4}, {11, 5}, {13, 1}};
  EXPECT_EQ(m.availabilities, expected);
  EXPECT_EQ(m.without_availability, (std::vector<std::int64_t>{12}));
  ASSERT_EQ(m.outside.size(), 1U);
  EXPECT_EQ(m.outside[0].first, 13);
  EXPECT_EQ(m.outside[0].second, (survey::Cell{3, 0}));
  // Invariant: every respondent is mapped or reported.
  for (const auto& r : answers()) {
    const bool mapped = std::any_of(m.availabilities.begin(), m.availabilities.end(),
                                    [&](const Availability& a) { return a.respondent == r.id; });
    const bool reported = std::count(m.without_availability.begin(),
                                     m.without_availability.end(), r.id) == 1;
    EXPECT_NE(mapped, reported) << r.id;
  }
}

TEST(CrisisCoverage, NeedAvailableAssignedGap) {
  const auto slots = slots_of(three_days());
  const auto m = map_answers(three_days(), answers());
  // 12 assigned on slot 5 without having said so; 10 twice on slot 0 (counted once); slot 9
  // does not exist (ignored).
  const std::vector<Assignment> roster{{10, 0}, {11, 0}, {13, 1}, {10, 3},
                                       {11, 4}, {12, 5}, {10, 0}, {10, 9}};
  const auto c = coverage(slots, m.availabilities, roster);
  ASSERT_EQ(c.slots.size(), 6U);
  // slot: need, available, assigned → gap, shortfall
  // 0: 2, 2 (10, 11), 2 → 0, 0      1: 1, 1 (13), 1 → 0, 0
  // 2: 2, 0, 0 → 2, 2               3: 1, 1 (10), 1 → 0, 0
  // 4: 2, 1 (11), 1 → 1, 1          5: 1, 1 (11), 1 (12) → 0, 0; 12 was not available
  const int need[] = {2, 1, 2, 1, 2, 1}, available[] = {2, 1, 0, 1, 1, 1},
            assigned[] = {2, 1, 0, 1, 1, 1}, gap[] = {0, 0, 2, 0, 1, 0},
            shortfall[] = {0, 0, 2, 0, 1, 0}, unavailable[] = {0, 0, 0, 0, 0, 1};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(c.slots[i].slot, static_cast<int>(i));
    EXPECT_EQ(c.slots[i].need, need[i]) << i;
    EXPECT_EQ(c.slots[i].available, available[i]) << i;
    EXPECT_EQ(c.slots[i].assigned, assigned[i]) << i;
    EXPECT_EQ(c.slots[i].gap, gap[i]) << i;
    EXPECT_EQ(c.slots[i].shortfall, shortfall[i]) << i;
    EXPECT_EQ(c.slots[i].unavailable_assigned, unavailable[i]) << i;
  }
  // Totals: need 2+1+2+1+2+1 = 9; assigned within need 2+1+0+1+1+1 = 6; gap 2+1 = 3.
  EXPECT_EQ(c.need, 9);
  EXPECT_EQ(c.assigned, 6);
  EXPECT_EQ(c.gap, 3);
  EXPECT_EQ(c.covered_slots, 4);
  EXPECT_EQ(c.uncovered_slots, 2);
  EXPECT_EQ(c.short_slots, 2);
}

TEST(CrisisCoverage, InvariantsOverManyRosters) {
  // Every roster of a small model: need = assigned + gap; gap ≥ shortfall when assignments come
  // from availabilities only; covered + uncovered = slots.
  const auto slots = slots_of(three_days());
  const auto m = map_answers(three_days(), answers());
  for (unsigned mask = 0; mask < (1U << m.availabilities.size()); ++mask) {
    std::vector<Assignment> roster;
    for (std::size_t i = 0; i < m.availabilities.size(); ++i) {
      if (mask & (1U << i)) roster.push_back({m.availabilities[i].respondent,
                                              m.availabilities[i].slot});
    }
    const auto c = coverage(slots, m.availabilities, roster);
    EXPECT_EQ(c.need, c.assigned + c.gap);
    EXPECT_EQ(c.covered_slots + c.uncovered_slots, static_cast<int>(slots.size()));
    for (const auto& s : c.slots) {
      EXPECT_GE(s.gap, s.shortfall);
      EXPECT_LE(s.assigned, s.available);
      EXPECT_EQ(s.unavailable_assigned, 0);
      EXPECT_EQ(s.gap, std::max(0, s.need - s.assigned));
    }
  }
}

TEST(CrisisCoverage, NoAnswerMeansEverySlotShort) {
  const auto slots = slots_of(three_days());
  const auto c = coverage(slots, {}, {});
  EXPECT_EQ(c.gap, 9);
  EXPECT_EQ(c.short_slots, 6);
  EXPECT_EQ(c.uncovered_slots, 6);
}

}  // namespace
}  // namespace maillage::crisis
