#include "diagnostic/diagnostic.hpp"

#include <gtest/gtest.h>

namespace maillage::diagnostic {
namespace {

// A hand-computed territory: A (3 000 inhabitants, 2 GPs for 1.5 FTE, one of them 60+, 3 nurses,
// accessibility 3.0) and B (1 000 inhabitants, 1 GP aged 60+, accessibility 2.0), in a
// département of 100 000 inhabitants with 90 GPs, a région of 1 000 000 with 850 and France with
// 60 000 000 and 50 000.
Input golden() {
  Input in;
  CommuneInput a{"57001", "A-sur-Moselle", 3000, {}, 3.0};
  a.supply["mg"] = Supply{2, 1.5, 1, 2};
  a.supply["inf"] = Supply{3, 3, 0, 0};
  CommuneInput b{"57002", "B-les-Bois", 1000, {}, 2.0};
  b.supply["mg"] = Supply{1, 1, 1, 1};
  in.communes = {a, b};
  in.professions = {{"mg", "Médecins généralistes"}, {"inf", "Infirmiers"},
                    {"sf", "Sages-femmes"}};
  in.departement = AreaInput{"57", "Moselle", 100000, {{"mg", Supply{90, 80, 0, 0}}}};
  in.region = AreaInput{"44", "Grand Est", 1000000, {{"mg", Supply{850, 800, 0, 0}}}};
  in.france = AreaInput{"FR", "France", 60000000, {{"mg", Supply{50000, 48000, 0, 0}}}};
  in.snapshot_date = "2026-06-01";
  return in;
}

TEST(Diagnostic, PopulationDensitiesAndComparisons) {
  auto d = compute_diagnostic(golden());
  ASSERT_TRUE(d) << d.error().describe();
  EXPECT_EQ(d->population, 4000);
  EXPECT_EQ(d->commune_count, 2U);
  ASSERT_EQ(d->professions.size(), 3U);
  const auto& mg = d->professions[0];
  EXPECT_EQ(mg.key, "mg");
  EXPECT_EQ(mg.label, "Médecins généralistes");
  EXPECT_DOUBLE_EQ(mg.territory.count, 3);
  EXPECT_DOUBLE_EQ(mg.territory.fte, 2.5);
  EXPECT_DOUBLE_EQ(*mg.territory.per_10000, 7.5);       // 3 / 4 000 × 10 000
  EXPECT_DOUBLE_EQ(*mg.territory.fte_per_10000, 6.25);  // 2.5 / 4 000 × 10 000
  EXPECT_DOUBLE_EQ(*mg.departement->per_10000, 9.0);
  EXPECT_DOUBLE_EQ(*mg.region->per_10000, 8.5);
  EXPECT_NEAR(*mg.france->per_10000, 50000.0 / 6000, 1e-12);
  EXPECT_DOUBLE_EQ(*mg.france->fte_per_10000, 8.0);
  // 2 of the 3 GPs of known age are 60+.
  ASSERT_TRUE(mg.share_60_plus);
  EXPECT_NEAR(*mg.share_60_plus, 2.0 / 3, 1e-12);
  // Nurses: no age known, none in the areas' data: a density of 0 there, not a missing one.
  const auto& inf = d->professions[1];
  EXPECT_DOUBLE_EQ(*inf.territory.per_10000, 7.5);
  EXPECT_FALSE(inf.share_60_plus);
  EXPECT_DOUBLE_EQ(*inf.departement->per_10000, 0);
  // A listed profession absent from the data still has its (zero) row.
  EXPECT_EQ(d->professions[2].key, "sf");
  EXPECT_DOUBLE_EQ(d->professions[2].territory.count, 0);
  EXPECT_FALSE(mg.change);
  EXPECT_FALSE(d->previous_date);
  EXPECT_EQ(d->departement->nom, "Moselle");
}

TEST(Diagnostic, AccessibilityMeanAndUnderServedPopulation) {
  auto d = compute_diagnostic(golden());
  ASSERT_TRUE(d);
  // (3 000 × 3.0 + 1 000 × 2.0) / 4 000
  EXPECT_DOUBLE_EQ(*d->mean_access, 2.75);
  EXPECT_EQ(d->population_under_threshold, 1000);
  EXPECT_EQ(d->communes_under_threshold, 1U);
  EXPECT_DOUBLE_EQ(*d->share_under_threshold, 0.25);
  EXPECT_FALSE(d->communes[0].under_served);
  EXPECT_TRUE(d->communes[1].under_served);

  // The threshold is a parameter and strict: exactly 3.0 is not under 3.0.
  auto at3 = compute_diagnostic(golden(), Parameters{3.0});
  ASSERT_TRUE(at3);
  EXPECT_EQ(at3->population_under_threshold, 1000);
  auto above = compute_diagnostic(golden(), Parameters{3.01});
  ASSERT_TRUE(above);
  EXPECT_EQ(above->population_under_threshold, 4000);
  EXPECT_DOUBLE_EQ(*above->share_under_threshold, 1.0);
}

TEST(Diagnostic, CommunesWithoutAccessibilityAreLeftOutOfTheMean) {
  Input in = golden();
  in.communes[1].access.reset();
  auto d = compute_diagnostic(in);
  ASSERT_TRUE(d);
  EXPECT_DOUBLE_EQ(*d->mean_access, 3.0);
  EXPECT_EQ(d->population_with_access, 3000);
  EXPECT_EQ(d->population_under_threshold, 0);
  in.communes[0].access.reset();
  d = compute_diagnostic(in);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->mean_access);
  EXPECT_FALSE(d->share_under_threshold);
}

TEST(Diagnostic, ChangesSinceThePreviousSnapshot) {
  Input in = golden();
  // Now: p1 (on two sites of the territory), p2, p5; before: p1..p4.
  in.people = {{"p1", "mg"}, {"p1", "mg"}, {"p2", "mg"}, {"p5", "mg"}, {"n1", "inf"}};
  PreviousSnapshot prev;
  prev.date = "2025-06-01";
  prev.supply["mg"] = Supply{4, 4, 0, 0};
  prev.supply["kine"] = Supply{1, 1, 0, 0};
  prev.people = {{"p1", "mg"}, {"p2", "mg"}, {"p3", "mg"}, {"p4", "mg"}, {"k1", "kine"}};
  in.previous = prev;
  auto d = compute_diagnostic(in);
  ASSERT_TRUE(d) << d.error().describe();
  EXPECT_EQ(*d->previous_date, "2025-06-01");
  const auto& mg = *d->professions[0].change;
  EXPECT_DOUBLE_EQ(mg.count_before, 4);
  EXPECT_DOUBLE_EQ(mg.count_delta, -1);
  EXPECT_EQ(mg.arrived, 1);  // p5
  EXPECT_EQ(mg.left, 2);     // p3, p4
  const auto& inf = *d->professions[1].change;
  EXPECT_EQ(inf.arrived, 1);
  EXPECT_EQ(inf.left, 0);
  EXPECT_DOUBLE_EQ(inf.count_delta, 3);
  // A profession only in the previous snapshot gets a row (everyone left).
  ASSERT_EQ(d->professions.size(), 4U);
  EXPECT_EQ(d->professions[3].key, "kine");
  EXPECT_EQ(d->professions[3].label, "kine");
  EXPECT_EQ(d->professions[3].change->left, 1);
  EXPECT_DOUBLE_EQ(d->professions[3].change->count_delta, -1);
}

TEST(Diagnostic, StructuresAreSortedAndCounted) {
  Input in = golden();
  in.structures = {{3, "MSP", "MSP de B (fictive)", "active", "Active"},
                   {1, "CPTS", "CPTS du Val (fictive)", "aci_signe", "ACI signé"},
                   {2, "MSP", "MSP de A (fictive)", "active", "Active"}};
  auto d = compute_diagnostic(in);
  ASSERT_TRUE(d);
  ASSERT_EQ(d->structures.size(), 3U);
  EXPECT_EQ(d->structures[0].id, 1);
  EXPECT_EQ(d->structures[1].name, "MSP de A (fictive)");
  EXPECT_EQ(d->structures_by_kind.at("MSP"), 2);
  EXPECT_EQ(d->structures_by_kind.at("CPTS"), 1);
}

TEST(Diagnostic, RefusesBadInput) {
  Input in = golden();
  in.communes.clear();
  EXPECT_EQ(compute_diagnostic(in).error().field, "communes");
  in = golden();
  in.communes.push_back(in.communes[0]);
  auto dup = compute_diagnostic(in);
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("57001"), std::string::npos);
  in = golden();
  in.communes[0].population = -1;
  EXPECT_EQ(compute_diagnostic(in).error().field, "population");
  in = golden();
  in.communes[0].supply["mg"].fte = -1;
  EXPECT_EQ(compute_diagnostic(in).error().field, "supply");
  in = golden();
  in.communes[0].supply["mg"].aged_60_plus = 5;
  EXPECT_EQ(compute_diagnostic(in).error().field, "supply");
  in = golden();
  in.communes[0].access = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(compute_diagnostic(in).error().field, "access");
  EXPECT_EQ(compute_diagnostic(golden(), Parameters{-1}).error().field, "seuil");
  in = golden();
  in.france->supply["mg"].count = std::numeric_limits<double>::infinity();
  EXPECT_EQ(compute_diagnostic(in).error().code, ErrorCode::invalid_input);
}

TEST(Diagnostic, ZeroPopulationHasNoDensity) {
  Input in;
  in.communes = {CommuneInput{"99999", "Vide", 0, {{"mg", Supply{1, 1, 0, 0}}}, std::nullopt}};
  auto d = compute_diagnostic(in);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->professions[0].territory.per_10000);
  EXPECT_FALSE(d->mean_access);
}

}  // namespace
}  // namespace maillage::diagnostic

#include "diagnostic/professions.hpp"

namespace maillage::diagnostic {
namespace {

TEST(Professions, RppsCodesMapOntoDiagnosticKeys) {
  EXPECT_EQ(profession_key("10", "SM26"), "medecin_generaliste");
  EXPECT_EQ(profession_key("10", "SM53"), "medecin_generaliste");
  EXPECT_EQ(profession_key("10", "SM54"), "medecin_generaliste");
  EXPECT_EQ(profession_key("10", "SM02"), "medecin_autre");
  EXPECT_EQ(profession_key("10", ""), "medecin_autre");
  EXPECT_EQ(profession_key("60", ""), "infirmier");
  EXPECT_EQ(profession_key("70", ""), "masseur_kinesitherapeute");
  EXPECT_EQ(profession_key("28", ""), "");  // opticien: not in the diagnostic
  EXPECT_EQ(primary_care_professions().front().key, kGeneralPractitioner);
  for (const auto& p : primary_care_professions()) EXPECT_FALSE(p.label.empty());
}

}  // namespace
}  // namespace maillage::diagnostic
