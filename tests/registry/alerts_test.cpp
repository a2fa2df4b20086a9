// Deadline alerts on the builtin CPTS/MSP tables, with due dates computed by hand.
#include "registry/alerts.hpp"

#include <gtest/gtest.h>

#include "registry_test_util.hpp"

namespace maillage::registry {
namespace {

using test::builtin;
using test::cpts;
using test::d;
using test::walk;

// A CPTS that signed its ACI on 10/01/2024 and engaged its missions on 01/03/2024.
StructureRecord signed_cpts(std::string id = "cpts-1", std::string name = "CPTS du Saulnois") {
  StructureRecord s;
  s.id = std::move(id);
  s.name = std::move(name);
  s.kind = "cpts";
  s.history = walk(cpts(), {{"lancer_pre_projet", "2023-01-10"},
                            {"deposer_lettre", "2023-03-01"},
                            {"valider_lettre", "2023-04-12"},
                            {"creer_association", "2023-06-01"},
                            {"deposer_projet", "2023-09-15"},
                            {"valider_projet", "2023-10-20"},
                            {"ouvrir_negociation", "2023-11-02"},
                            {"signer_aci", "2024-01-10"},
                            {"engager_missions", "2024-03-01"}});
  return s;
}

std::vector<Alert> alerts(std::vector<StructureRecord> structures, const char* as_of,
                          std::optional<int> horizon = std::nullopt) {
  auto r = compute_alerts(builtin(), structures, {d(as_of), horizon});
  EXPECT_TRUE(r) << (r ? "" : r.error().describe());
  return r.value_or(std::vector<Alert>{});
}

TEST(Alerts, MissionStartWithinNoticeAndDoneMilestonesSkipped) {
  StructureRecord s = signed_cpts();
  s.milestones["acces_soins.demarrage"] = d("2024-02-15");
  // 10/01/2024 + 6 months = 10/07/2024: crisis start is 39 days away (notice 60); access start is
  // done; parcours and prévention start on 10/01/2025, beyond the notice.
  const auto a = alerts({s}, "2024-06-01");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rule, "crise_demarrage");
  EXPECT_EQ(a[0].type, AlertType::deadline);
  EXPECT_EQ(a[0].due, d("2024-07-10"));
  EXPECT_EQ(a[0].days_left, 39);
  EXPECT_EQ(a[0].status, AlertStatus::upcoming);
  EXPECT_TRUE(a[0].verified);
  EXPECT_EQ(a[0].message,
            "CPTS du Saulnois : Démarrage de la mission crises sanitaires graves au plus tard le "
            "10/07/2024, dans 39 jours (6 mois après l'étape « ACI signé » du 10/01/2024).");
}

TEST(Alerts, OverdueDeadlinesStayUntilTheMilestoneIsRecorded) {
  StructureRecord s = signed_cpts();
  auto a = alerts({s}, "2024-08-01");
  ASSERT_EQ(a.size(), 2u);  // access and crisis starts, both due 10/07/2024
  EXPECT_EQ(a[0].rule, "acces_soins_demarrage");
  EXPECT_EQ(a[1].rule, "crise_demarrage");
  EXPECT_EQ(a[0].status, AlertStatus::overdue);
  EXPECT_EQ(a[0].days_left, -22);
  EXPECT_NE(a[0].message.find("en retard de 22 jours (échéance du 10/07/2024"), std::string::npos)
      << a[0].message;
  // Still there a year later, with parcours/prévention starts (10/01/2025) overdue too.
  a = alerts({s}, "2025-02-01");
  std::vector<std::string> rules;
  for (const Alert& x : a) rules.push_back(x.rule);
  EXPECT_EQ(rules, (std::vector<std::string>{"acces_soins_demarrage", "crise_demarrage",
                                             "parcours_demarrage", "prevention_demarrage"}));
  s.milestones["acces_soins.demarrage"] = d("2024-09-01");
  s.milestones["crise.demarrage"] = d("2024-09-01");
  EXPECT_EQ(alerts({s}, "2025-02-01").size(), 2u);
}

TEST(Alerts, HorizonOverrideListsTheWholeYearSortedByDueDate) {
  StructureRecord s = signed_cpts();
  for (const char* m : {"acces_soins.demarrage", "crise.demarrage"})
    s.milestones[m] = d("2024-05-01");
  const auto a = alerts({s}, "2024-06-01", 410);  // 10/07/2025 is 404 days away
  std::vector<std::pair<std::string, std::string>> got;
  for (const Alert& x : a) got.emplace_back(x.rule, format_date(x.due));
  const std::vector<std::pair<std::string, std::string>> want = {
      {"anniversaire_aci", "2025-01-10"},  // sorted by due date, then structure, then rule
      {"parcours_demarrage", "2025-01-10"},      {"prevention_demarrage", "2025-01-10"},
      {"acces_soins_deploiement", "2025-07-10"}, {"crise_deploiement", "2025-07-10"},
  };
  EXPECT_EQ(got, want);
  EXPECT_EQ(a[0].label,
            "1er anniversaire du contrat ACI (avances et solde de l'année, dialogue de gestion)");
}

TEST(Alerts, AnniversariesAndContractEnd) {
  StructureRecord s = signed_cpts();
  for (const char* m : {"acces_soins.demarrage", "acces_soins.deploiement", "crise.demarrage",
                        "crise.deploiement", "parcours.demarrage", "parcours.deploiement",
                        "prevention.demarrage", "prevention.deploiement"}) {
    s.milestones[m] = d("2024-06-01");
  }
  auto a = alerts({s}, "2025-12-20");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rank, 2);
  EXPECT_EQ(a[0].due, d("2026-01-10"));
  EXPECT_EQ(a[0].label.substr(0, 14), "2e anniversair");
  a = alerts({s}, "2028-12-01");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rank, 5);
  EXPECT_EQ(a[0].label, "Échéance du contrat ACI (5 ans) : renouvellement");
  EXPECT_EQ(a[0].message,
            "CPTS du Saulnois : Échéance du contrat ACI (5 ans) : renouvellement le 10/01/2029, "
            "dans 40 jours.");
  EXPECT_TRUE(alerts({s}, "2029-02-01").empty());  // after the last one
  a = alerts({s}, "2026-01-10");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].status, AlertStatus::due);
  EXPECT_NE(a[0].message.find("aujourd'hui"), std::string::npos);
}

TEST(Alerts, ImplicitValidationBeforeAndAfterItsDate) {
  StructureRecord s;
  s.id = "cpts-2";
  s.name = "CPTS Val de Fensch";
  s.kind = "cpts";
  s.history = walk(cpts(), {{"lancer_pre_projet", "2023-01-10"},
                            {"deposer_lettre", "2023-03-01"},
                            {"valider_lettre", "2023-04-12"},
                            {"creer_association", "2023-06-01"},
                            {"deposer_projet", "2024-01-15"}});
  EXPECT_TRUE(alerts({s}, "2024-02-20").empty());  // 24 days before, notice is 21
  auto a = alerts({s}, "2024-03-01");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].type, AlertType::implicit_transition);
  EXPECT_EQ(a[0].due, d("2024-03-15"));
  EXPECT_EQ(a[0].days_left, 14);
  EXPECT_FALSE(a[0].verified);
  EXPECT_EQ(a[0].message,
            "CPTS Val de Fensch : l'étape « Projet de santé validé » s'appliquera d'office le "
            "15/03/2024, dans 14 jours (Validation implicite du projet de santé (pas "
            "d'opposition de l'ARS)), sauf décision d'ici là.");
  a = alerts({s}, "2024-03-20");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].status, AlertStatus::overdue);
  EXPECT_NE(a[0].message.find("s'applique d'office depuis le 15/03/2024"), std::string::npos);
}

TEST(Alerts, TerminalStructuresHaveNone) {
  StructureRecord s = signed_cpts();
  auto t = transition(cpts(), {"actif", d("2024-03-01")}, "dissoudre", d("2024-05-01"), "u");
  ASSERT_TRUE(t);
  s.history.push_back(*t);
  EXPECT_TRUE(alerts({s}, "2024-08-01", 3000).empty());
}

TEST(Alerts, MspSisaDeadline) {
  StructureRecord s;
  s.id = "msp-1";
  s.name = "MSP de Boulay";
  s.kind = "msp";
  s.history = walk(*builtin().find("msp"), {{"deposer_projet", "2022-01-01"},
                                            {"valider_projet", "2022-03-01"},
                                            {"ouvrir", "2022-09-01"},
                                            {"signer_aci", "2023-01-31"}});
  const auto a = alerts({s}, "2023-06-15");
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].rule, "sisa_creation");
  EXPECT_EQ(a[0].due, d("2023-07-31"));
}

TEST(Alerts, SeveralStructuresInterleaveByDate) {
  StructureRecord late = signed_cpts("b", "CPTS B");
  StructureRecord early = signed_cpts("a", "CPTS A");
  // Same dates: structure id breaks the tie.
  const auto a = alerts({late, early}, "2024-06-01");
  ASSERT_EQ(a.size(), 4u);
  EXPECT_EQ(a[0].structure_id, "a");
  EXPECT_EQ(a[1].structure_id, "a");
  EXPECT_EQ(a[2].structure_id, "b");
  for (std::size_t i = 1; i < a.size(); ++i) EXPECT_LE(a[i - 1].due, a[i].due);
}

TEST(Alerts, BadInputNamesTheStructure) {
  StructureRecord unknown = signed_cpts();
  unknown.kind = "hopital";
  auto r = compute_alerts(builtin(), std::vector{unknown}, {d("2024-06-01"), std::nullopt});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "structures[0].kind");
  EXPECT_NE(r.error().message.find("« CPTS du Saulnois » (cpts-1)"), std::string::npos);

  StructureRecord corrupt = signed_cpts();
  corrupt.history.erase(corrupt.history.begin() + 2);
  r = compute_alerts(builtin(), std::vector{signed_cpts("ok", "OK"), corrupt},
                     {d("2024-06-01"), std::nullopt});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "structures[1].historique[2]");
  EXPECT_NE(r.error().message.find("Historique incohérent"), std::string::npos);

  r = compute_alerts(builtin(), std::vector{signed_cpts()}, {d("2024-06-01"), -1});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "horizon_days");
}

}  // namespace
}  // namespace maillage::registry
