// The campaign → roster::Model mapping (golden), the checks of assignments, solver results
// checked by the independent checker, and the exports (iCalendar golden file, CSV). Pure: no
// database.
#include <gtest/gtest.h>

#include <sstream>

#include "roster/solver.hpp"
#include "services/roster_export.hpp"
#include "services/roster_plan.hpp"

namespace maillage::services {
namespace {

// Three days (Friday 2026-05-01 to Sunday 2026-05-03), an SNP afternoon slot for GPs each day,
// a night PDSA slot on Friday, a Saturday vaccination morning for one nurse.
Plan small_plan() {
  Plan p;
  p.settings.first_day = "2026-05-01";
  p.settings.last_day = "2026-05-03";
  p.settings.fairness_weight = 50;
  p.settings.open_slot_weight = 1000;
  p.settings.wish_weight = 7;
  p.settings.rest_after_night_days = 1;
  p.settings.default_monthly_cap = 2;
  const std::string gp = "Médecin généraliste", nurse = "Infirmier";
  p.slots = {{11, "2026-05-01", "14:00", "18:00", false, "snp", "Metz", gp, 1},
             {12, "2026-05-02", "14:00", "18:00", false, "snp", "Metz", gp, 1},
             {13, "2026-05-03", "14:00", "18:00", false, "snp", "Metz", gp, 1},
             {14, "2026-05-01", "20:00", "08:00", true, "pdsa", "Secteur 3", gp, 1},
             {15, "2026-05-02", "09:00", "13:00", false, "vaccination", "Centre", nurse, 1}};
  p.members = {{1, 0, "Dr A", gp, std::nullopt},
               {2, 0, "Dr B", gp, 1},
               {3, 0, "IDE C", nurse, std::nullopt},
               {4, 0, "Dr D", gp, std::nullopt}};  // D answered nothing
  p.availability = {{1, 11, SlotWish::available},   {1, 12, SlotWish::preferred},
                    {1, 14, SlotWish::available},   {1, 13, SlotWish::unavailable},
                    {2, 11, SlotWish::available},   {2, 13, SlotWish::available},
                    {3, 15, SlotWish::preferred}};
  return p;
}

TEST(RosterPlan, MapsACampaignToTheModel) {
  Plan p = small_plan();
  auto mapped = map_plan(p);
  ASSERT_TRUE(mapped) << mapped.error().describe();
  const roster::Model& m = mapped->model;
  EXPECT_EQ(m.days, 3);
  ASSERT_TRUE(m.start_date);
  EXPECT_EQ(static_cast<unsigned>(m.start_date->month()), 5u);
  EXPECT_EQ(roster::weekday_of(m, 0), 4);  // Friday
  // Shift types in slot order: SNP (240 min), PDSA night (720 min), vaccination (240 min).
  ASSERT_EQ(m.shifts.size(), 3u);
  EXPECT_EQ(m.shifts[0].id, "snp 14:00-18:00 Metz");
  EXPECT_EQ(m.shifts[0].minutes, 240);
  EXPECT_FALSE(m.shifts[0].night);
  EXPECT_EQ(m.shifts[1].id, "pdsa 20:00-08:00 Secteur 3");
  EXPECT_EQ(m.shifts[1].minutes, 720);
  EXPECT_TRUE(m.shifts[1].night);
  EXPECT_EQ(m.shifts[2].minutes, 240);
  // One cover line per slot, with its profession and the open-slot weight.
  ASSERT_EQ(m.cover.size(), 5u);
  EXPECT_EQ(m.cover[3].day, 0);
  EXPECT_EQ(m.cover[3].shift, 1);
  EXPECT_EQ(m.cover[3].profession, "Médecin généraliste");
  EXPECT_EQ(m.cover[3].under_weight, 1000);
  EXPECT_EQ(m.cover[4].profession, "Infirmier");
  EXPECT_EQ(mapped->slot_of_cover, (std::vector<std::int64_t>{11, 12, 13, 14, 15}));
  // Staff: A may work day 0 (SNP or night) and day 1 (SNP); not day 2 (unavailable).
  ASSERT_EQ(m.staff.size(), 4u);
  const auto& a = m.staff[0];
  EXPECT_EQ(a.id, "Dr A");
  EXPECT_EQ(a.max_shifts_per_month, 2);  // the campaign's default cap
  EXPECT_EQ(a.min_days_off_after_night, 1);
  ASSERT_EQ(a.availability.size(), 2u);
  EXPECT_EQ(a.availability[0].first_day, 0);
  EXPECT_EQ(a.availability[0].shifts, (std::vector<int>{0, 1}));
  EXPECT_EQ(a.availability[1].first_day, 1);
  EXPECT_EQ(a.availability[1].shifts, (std::vector<int>{0}));
  EXPECT_TRUE(a.days_off.empty());
  EXPECT_EQ(m.staff[1].max_shifts_per_month, 1);  // B's own cap wins
  // D answered nothing: off every day (an empty window list would mean "always available").
  EXPECT_TRUE(m.staff[3].availability.empty());
  EXPECT_EQ(m.staff[3].days_off, (std::vector<int>{0, 1, 2}));
  // Wishes: A's preferred Saturday SNP and C's vaccination morning.
  ASSERT_EQ(m.on_requests.size(), 2u);
  EXPECT_EQ(m.on_requests[0].staff, 0);
  EXPECT_EQ(m.on_requests[0].day, 1);
  EXPECT_EQ(m.on_requests[0].weight, 7);
  EXPECT_EQ(m.on_requests[1].staff, 2);
  EXPECT_EQ(m.fairness_weight, 50);
}

TEST(RosterPlan, RefusesInconsistentData) {
  Plan p = small_plan();
  p.slots[1].end_time = "13:00";  // before its start
  auto r = map_plan(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "$.creneaux[1].fin");

  p = small_plan();
  p.availability.push_back({99, 11, SlotWish::available});
  r = map_plan(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "$.disponibilites[7].membre");
  EXPECT_NE(r.error().message.find("membre inconnu"), std::string::npos);

  p = small_plan();
  p.settings.fairness_weight = -1;
  r = map_plan(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "$.poids_equite");

  p = small_plan();
  p.slots[0].required = 0;
  r = map_plan(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "$.creneaux[0].nombre");

  p = small_plan();
  p.slots[4].day = "2026-06-01";  // outside the period
  r = map_plan(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "$.creneaux[4].date");

  p = small_plan();
  p.members[0].monthly_cap = -2;
  r = map_plan(p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "$.membres[0].plafond_mensuel");
}

TEST(RosterPlan, ChecksHandEdits) {
  Plan p = small_plan();
  auto mapped = map_plan(p);
  ASSERT_TRUE(mapped);
  // A legal roster: A on Friday SNP, B on Sunday SNP, C vaccinating; Saturday SNP and the night
  // stay open.
  auto ok = check_plan(*mapped, p, {{11, 1}, {13, 2}, {15, 3}});
  EXPECT_TRUE(ok.feasible());
  EXPECT_EQ(ok.open.size(), 2u);
  EXPECT_EQ(ok.objective.under_cover, 2000);
  ASSERT_EQ(ok.loads.size(), 4u);
  EXPECT_EQ(ok.loads[0].assigned, 1);
  EXPECT_DOUBLE_EQ(ok.loads[0].hours, 4.0);

  // A on Sunday, where A said unavailable.
  auto bad = check_plan(*mapped, p, {{13, 1}});
  ASSERT_FALSE(bad.feasible());
  EXPECT_EQ(bad.violations[0].member_id, 1);
  EXPECT_EQ(bad.violations[0].day, "2026-05-03");
  // Two slots the same day.
  bad = check_plan(*mapped, p, {{11, 1}, {14, 1}});
  ASSERT_FALSE(bad.feasible());
  EXPECT_EQ(bad.violations[0].rule, "un créneau par jour");
  // A nurse on a GP slot.
  bad = check_plan(*mapped, p, {{11, 3}});
  ASSERT_FALSE(bad.feasible());
  EXPECT_EQ(bad.violations[0].rule, "profession");
  // Rest after the night: A on Friday night then Saturday SNP.
  bad = check_plan(*mapped, p, {{14, 1}, {12, 1}});
  ASSERT_FALSE(bad.feasible());
  // B over their monthly cap of 1.
  bad = check_plan(*mapped, p, {{11, 2}, {13, 2}});
  ASSERT_FALSE(bad.feasible());
}

TEST(RosterPlan, EverySolverResultPassesTheChecker) {
  Plan p = small_plan();
  auto mapped = map_plan(p);
  ASSERT_TRUE(mapped);
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    roster::SolveOptions o;
    o.seed = seed;
    o.threads = 1;
    o.max_iterations = 200;
    o.time_limit_seconds = 5;
    auto sol = roster::solve(mapped->model, o);
    ASSERT_TRUE(sol) << sol.error().describe();
    auto assigned = assignments_of(*mapped, sol->roster);
    ASSERT_TRUE(assigned) << assigned.error().describe();
    auto chk = check_plan(*mapped, p, *assigned);
    EXPECT_TRUE(chk.feasible()) << chk.violations.front().message;
    EXPECT_EQ(chk.objective.total, sol->objective);
    EXPECT_LE(sol->lower_bound, chk.objective.total);
    // Saturday's SNP has only A, Sunday's only B (cap 1), and a night on Friday would cost A
    // Saturday: the best leaves exactly the night open (A: Friday and Saturday SNP, B: Sunday).
    EXPECT_EQ(chk.objective.under_cover, 1000);
    auto open = open_slots_of(*mapped, sol->open_slots);
    ASSERT_EQ(open.size(), 1u);
    EXPECT_FALSE(open[0].explanation.empty());
  }
}

TEST(RosterExport, ICalendarGolden) {
  std::vector<ExportEntry> e{
      {"campagne-1-creneau-14-membre-1@maillage", "2026-05-01", "20:00", "08:00", true, "pdsa",
       "Secteur 3; Metz, nord", "Médecin généraliste", "Dr A\\B"},
      {"campagne-1-creneau-15-membre-3@maillage", "2026-05-02", "09:00", "13:00", false,
       "vaccination", "", "Infirmier", "Inès Fischer, IDE (fictive) avec un nom très long qui dépasse"}};
  std::string ics = roster_icalendar(e, "Permanences de mai", "20260420T101500Z");
  const std::string want =
      "BEGIN:VCALENDAR\r\n"
      "VERSION:2.0\r\n"
      "PRODID:-//Maillage//Permanences//FR\r\n"
      "CALSCALE:GREGORIAN\r\n"
      "METHOD:PUBLISH\r\n"
      "X-WR-CALNAME:Permanences de mai\r\n"
      "X-WR-TIMEZONE:Europe/Paris\r\n"
      "BEGIN:VTIMEZONE\r\n"
      "TZID:Europe/Paris\r\n"
      "BEGIN:DAYLIGHT\r\n"
      "TZOFFSETFROM:+0100\r\n"
      "TZOFFSETTO:+0200\r\n"
      "TZNAME:CEST\r\n"
      "DTSTART:19700329T020000\r\n"
      "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
      "END:DAYLIGHT\r\n"
      "BEGIN:STANDARD\r\n"
      "TZOFFSETFROM:+0200\r\n"
      "TZOFFSETTO:+0100\r\n"
      "TZNAME:CET\r\n"
      "DTSTART:19701025T030000\r\n"
      "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
      "END:STANDARD\r\n"
      "END:VTIMEZONE\r\n"
      "BEGIN:VEVENT\r\n"
      "UID:campagne-1-creneau-14-membre-1@maillage\r\n"
      "DTSTAMP:20260420T101500Z\r\n"
      "DTSTART;TZID=Europe/Paris:20260501T200000\r\n"
      "DTEND;TZID=Europe/Paris:20260502T080000\r\n"
      "SUMMARY:Permanence des soins (PDSA) — Secteur 3\\; Metz\\, nord (Dr A\\\\B)\r\n"
      "LOCATION:Secteur 3\\; Metz\\, nord\r\n"
      // "publi" ends at octet 74: the 2-octet "é" goes to the continuation line.
      "DESCRIPTION:Permanence : Dr A\\\\B\\, Médecin généraliste.\\nPlanning publi\r\n"
      " é par Maillage.\r\n"
      "END:VEVENT\r\n"
      "BEGIN:VEVENT\r\n"
      "UID:campagne-1-creneau-15-membre-3@maillage\r\n"
      "DTSTAMP:20260420T101500Z\r\n"
      "DTSTART;TZID=Europe/Paris:20260502T090000\r\n"
      "DTEND;TZID=Europe/Paris:20260502T130000\r\n"
      "SUMMARY:Centre de vaccination (Inès Fischer\\, IDE (fictive) avec un nom tr\r\n"
      " ès long qui dépasse)\r\n"
      "DESCRIPTION:Permanence : Inès Fischer\\, IDE (fictive) avec un nom très lo\r\n"
      " ng qui dépasse\\, Infirmier.\\nPlanning publié par Maillage.\r\n"
      "END:VEVENT\r\n"
      "END:VCALENDAR\r\n";
  EXPECT_EQ(ics, want);
  // Every physical line is at most 75 octets and ends with CRLF.
  std::size_t start = 0;
  while (start < ics.size()) {
    auto end = ics.find("\r\n", start);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end - start, 75u) << ics.substr(start, end - start);
    start = end + 2;
  }
}

TEST(RosterExport, FoldingNeverSplitsAUtf8Character) {
  // 74 octets, then "é" (2 octets) would end at octet 76: the fold comes before it.
  std::string line = "SUMMARY:" + std::string(66, 'x') + "éé";
  EXPECT_EQ(ical_fold(line), "SUMMARY:" + std::string(66, 'x') + "\r\n éé");
  EXPECT_EQ(ical_fold("court"), "court");
}

TEST(RosterExport, CsvQuotesWhatNeedsIt) {
  std::string csv = roster_csv({{"u", "2026-05-01", "14:00", "18:00", false, "snp", "Metz; nord",
                                 "Médecin", "Dr \"A\""}});
  EXPECT_EQ(csv,
            "\xEF\xBB\xBF"
            "date;debut;fin;fin_le_lendemain;type;lieu;profession;membre\r\n"
            "2026-05-01;14:00;18:00;non;snp;\"Metz; nord\";Médecin;\"Dr \"\"A\"\"\"\r\n");
}

}  // namespace
}  // namespace maillage::services
