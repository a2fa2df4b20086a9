// Transitions of the builtin lifecycles: the legal path, every kind of refusal and its French
// message, the 2-month implicit validation, replaying stored histories.
#include "registry/lifecycle.hpp"

#include <gtest/gtest.h>

#include "registry_test_util.hpp"

namespace maillage::registry {
namespace {

using test::cpts;
using test::d;
using test::walk;

bool contains(const std::string& s, std::string_view part) {
  return s.find(part) != std::string::npos;
}

TEST(Dates, ParseFormatAndMonthArithmetic) {
  EXPECT_EQ(format_date(d("2024-03-15")), "2024-03-15");
  EXPECT_EQ(format_date_fr(d("2024-03-05")), "05/03/2024");
  EXPECT_FALSE(parse_date("2024-02-30"));
  EXPECT_FALSE(parse_date("2024-3-15"));
  EXPECT_FALSE(parse_date("2024-03-1x"));
  // A day missing from the target month becomes its last day.
  EXPECT_EQ(add_months(d("2023-12-31"), 2), d("2024-02-29"));
  EXPECT_EQ(add_months(d("2024-08-31"), 6), d("2025-02-28"));
  EXPECT_EQ(add_months(d("2024-01-15"), 18), d("2025-07-15"));
  EXPECT_EQ(add_delay(d("2024-01-31"), {1, 1}), d("2024-03-01"));
  EXPECT_EQ(days_between(d("2024-02-28"), d("2024-03-01")), 2);
  EXPECT_EQ(describe_delay({2, 0}), "2 mois");
  EXPECT_EQ(describe_delay({6, 15}), "6 mois et 15 jours");
}

TEST(Builtin, EveryKindLoads) {
  const auto& all = test::builtin();
  for (const char* kind : {"cpts", "msp", "esp", "cds"}) {
    const Lifecycle* lc = all.find(kind);
    ASSERT_NE(lc, nullptr) << kind;
    EXPECT_FALSE(lc->initial().terminal);
  }
  EXPECT_EQ(all.items.size(), 4u);
  EXPECT_EQ(cpts().initial().id, "emergence");
  ASSERT_NE(cpts().stage_group("aci_signe"), nullptr);
  EXPECT_EQ(cpts().stage_group("aci_signe")->states,
            (std::vector<std::string>{"aci_signe", "actif"}));
}

TEST(Transition, FullCptsPathByEventAndByTarget) {
  const auto history = walk(cpts(), {{"lancer_pre_projet", "2023-01-10"},
                                     {"deposer_lettre", "2023-03-01"},
                                     {"lettre_validee", "2023-04-12"},  // by target state
                                     {"creer_association", "2023-06-01"},
                                     {"deposer_projet", "2023-09-15"},
                                     {"valider_projet", "2023-10-20"},
                                     {"ouvrir_negociation", "2023-11-02"},
                                     {"aci_signe", "2024-01-10"},
                                     {"engager_missions", "2024-03-01"}});
  ASSERT_EQ(history.size(), 9u);
  EXPECT_EQ(history[2].event, "valider_lettre");
  EXPECT_EQ(history[2].from, "lettre_deposee");
  EXPECT_EQ(history.back().to, "actif");
  EXPECT_EQ(history.back().user, "roc.metz");
  EXPECT_FALSE(history.back().implicit);
  auto end = replay(cpts(), history);
  ASSERT_TRUE(end) << end.error().message;
  EXPECT_EQ(end->state, "actif");
  EXPECT_EQ(end->since, d("2024-03-01"));
  EXPECT_EQ(entered(history, "aci_signe"), d("2024-01-10"));
  EXPECT_FALSE(entered(history, "dissous"));
}

TEST(Transition, SkippingAStageIsRefusedWithTheAllowedSteps) {
  auto t = transition(cpts(), {"pre_projet", d("2023-01-10")}, "aci_signe", d("2023-02-01"), "u");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::invalid_transition);
  EXPECT_EQ(t.error().field, "etape");
  const std::string& m = t.error().message;
  EXPECT_TRUE(contains(m,
                       "Transition refusée : la CPTS est à l'étape « Pré-projet » et ne peut "
                       "pas passer à l'étape « ACI signé »"))
      << m;
  EXPECT_TRUE(contains(m, "« Lettre d'intention déposée » (action deposer_lettre)")) << m;
  EXPECT_TRUE(contains(m, "« Abandonnée » (action abandonner)")) << m;
}

TEST(Transition, EventOfAnotherStageIsRefused) {
  auto t = transition(cpts(), {"pre_projet", std::nullopt}, "signer_aci", d("2023-02-01"), "u");
  ASSERT_FALSE(t);
  EXPECT_TRUE(contains(t.error().message,
                       "l'action « Signer le contrat ACI » n'est pas possible à l'étape "
                       "« Pré-projet » de la CPTS"))
      << t.error().message;
}

TEST(Transition, UnknownTargetSameStateAndTerminalState) {
  auto unknown = transition(cpts(), {"pre_projet", std::nullopt}, "valider", d("2023-02-01"), "u");
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(
      contains(unknown.error().message, "étape ou action inconnue pour la CPTS : « valider »"));

  auto same = transition(cpts(), {"pre_projet", std::nullopt}, "pre_projet", d("2023-02-01"), "u");
  ASSERT_FALSE(same);
  EXPECT_TRUE(contains(same.error().message, "la CPTS est déjà à l'étape « Pré-projet »"));

  auto done = transition(cpts(), {"dissous", d("2023-01-01")}, "actif", d("2023-02-01"), "u");
  ASSERT_FALSE(done);
  EXPECT_TRUE(
      contains(done.error().message, "la CPTS est à l'étape « Dissoute », qui est définitive"));

  // Abandon is for projects; once the association exists it is dissolved.
  auto abandon = transition(cpts(), {"association_creee", d("2023-01-01")}, "abandonner",
                            d("2023-02-01"), "u");
  ASSERT_FALSE(abandon);
  EXPECT_TRUE(transition(cpts(), {"association_creee", d("2023-01-01")}, "dissoudre",
                         d("2023-02-01"), "u"));
}

TEST(Transition, DateAndUserAreChecked) {
  auto early =
      transition(cpts(), {"pre_projet", d("2023-03-01")}, "deposer_lettre", d("2023-02-28"), "u");
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().field, "date");
  EXPECT_TRUE(contains(early.error().message,
                       "la date du 28/02/2023 est antérieure à l'entrée de la CPTS dans l'étape "
                       "« Pré-projet » (01/03/2023)"))
      << early.error().message;
  // Same day is fine: several steps can happen on one day.
  EXPECT_TRUE(
      transition(cpts(), {"pre_projet", d("2023-03-01")}, "deposer_lettre", d("2023-03-01"), "u"));

  auto anonymous =
      transition(cpts(), {"pre_projet", std::nullopt}, "deposer_lettre", d("2023-03-01"), "  ");
  ASSERT_FALSE(anonymous);
  EXPECT_EQ(anonymous.error().field, "utilisateur");

  auto bad_state =
      transition(cpts(), {"inconnu", std::nullopt}, "deposer_lettre", d("2023-03-01"), "u");
  ASSERT_FALSE(bad_state);
  EXPECT_TRUE(contains(bad_state.error().message, "étape inconnue des règles"));
}

TEST(ImplicitValidation, ObjectionIsPossibleUntilTheDueDayOnly) {
  const StructureState deposited{"projet_depose", d("2024-01-15")};
  // 15/01 + 2 months = 15/03: the ARS can still object that day.
  auto objection = transition(cpts(), deposited, "opposition_projet", d("2024-03-15"), "ars");
  ASSERT_TRUE(objection) << objection.error().message;
  EXPECT_EQ(objection->to, "association_creee");

  auto late = transition(cpts(), deposited, "opposition_projet", d("2024-03-16"), "ars");
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().field, "date");
  EXPECT_TRUE(contains(late.error().message,
                       "l'étape « Projet de santé validé » s'applique d'office à la CPTS depuis "
                       "le 15/03/2024"))
      << late.error().message;
  EXPECT_TRUE(contains(late.error().message,
                       "2 mois après l'entrée dans l'étape "
                       "« Projet de santé déposé » le 15/01/2024"));

  // A late explicit validation goes where the timer leads anyway: accepted.
  EXPECT_TRUE(transition(cpts(), deposited, "valider_projet", d("2024-04-02"), "ars"));
  // Nobody records the implicit validation by hand.
  auto manual = transition(cpts(), deposited, "validation_implicite", d("2024-03-20"), "ars");
  ASSERT_FALSE(manual);
  EXPECT_TRUE(contains(manual.error().message, "ne s'enregistre pas à la main"));
}

TEST(ImplicitValidation, DueTimersFireTheDayAfterTheDelay) {
  const StructureState deposited{"projet_depose", d("2024-01-15")};
  EXPECT_TRUE(due_timers(cpts(), deposited, d("2024-03-15")).empty());
  const auto fired = due_timers(cpts(), deposited, d("2024-03-16"));
  ASSERT_EQ(fired.size(), 1u);
  EXPECT_EQ(fired[0].from, "projet_depose");
  EXPECT_EQ(fired[0].to, "projet_valide");
  EXPECT_EQ(fired[0].event, "validation_implicite");
  EXPECT_EQ(fired[0].date, d("2024-03-15"));
  EXPECT_EQ(fired[0].user, kSystemUser);
  EXPECT_TRUE(fired[0].implicit);
  EXPECT_EQ(fired[0].timer, "validation_implicite_projet");
  // End of month: 31/12 + 2 months = 29/02 (leap year).
  const auto eom = due_timers(cpts(), {"projet_depose", d("2023-12-31")}, d("2024-03-01"));
  ASSERT_EQ(eom.size(), 1u);
  EXPECT_EQ(eom[0].date, d("2024-02-29"));
  // No timer in other states.
  EXPECT_TRUE(due_timers(cpts(), {"projet_valide", d("2020-01-01")}, d("2024-01-01")).empty());
}

TEST(Replay, AcceptsImplicitStepsAndRejectsInconsistentHistories) {
  auto history = walk(cpts(), {{"lancer_pre_projet", "2023-01-10"},
                               {"deposer_lettre", "2023-03-01"},
                               {"valider_lettre", "2023-04-12"},
                               {"creer_association", "2023-06-01"},
                               {"deposer_projet", "2023-09-15"}});
  const auto fired = due_timers(cpts(), {"projet_depose", d("2023-09-15")}, d("2024-01-01"));
  ASSERT_EQ(fired.size(), 1u);
  history.push_back(fired[0]);
  auto end = replay(cpts(), history);
  ASSERT_TRUE(end) << end.error().message;
  EXPECT_EQ(end->state, "projet_valide");
  EXPECT_EQ(end->since, d("2023-11-15"));

  auto wrong_date = history;
  wrong_date.back().date = d("2023-11-20");
  auto r1 = replay(cpts(), wrong_date);
  ASSERT_FALSE(r1);
  EXPECT_EQ(r1.error().field, "historique[5]");
  EXPECT_TRUE(contains(r1.error().message, "s'applique le 15/11/2023")) << r1.error().message;

  auto broken_chain = history;
  broken_chain[3].from = "emergence";
  auto r2 = replay(cpts(), broken_chain);
  ASSERT_FALSE(r2);
  EXPECT_EQ(r2.error().field, "historique[3]");
  EXPECT_TRUE(contains(r2.error().message, "Historique incohérent (étape 4, 01/06/2023)"));

  auto backwards = history;
  backwards[2].date = d("2023-02-01");
  auto r3 = replay(cpts(), backwards);
  ASSERT_FALSE(r3);
  EXPECT_TRUE(contains(r3.error().message, "antérieure")) << r3.error().message;

  auto forged = history;
  forged[1].to = "lettre_validee";
  EXPECT_FALSE(replay(cpts(), forged));
}

TEST(ContractStep, TheContractRecordsTheSignatureOnlyFromTheNegotiation) {
  auto at = [](std::string_view stage) { return contract_step(cpts(), stage); };
  auto now = at("aci_negociation");
  ASSERT_TRUE(now);
  ASSERT_NE(now->record, nullptr);
  EXPECT_EQ(now->record->event, "signer_aci");
  EXPECT_EQ(now->record->via, RecordedVia::aci_contract);
  // Past the signature: a contract entered after the fact records nothing.
  for (const char* past : {"aci_signe", "actif"}) {
    auto p = at(past);
    ASSERT_TRUE(p) << past;
    EXPECT_EQ(p->record, nullptr) << past;
  }
  auto early = at("projet_valide");
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, ErrorCode::invalid_transition);
  EXPECT_TRUE(contains(early.error().message, "« ACI en négociation »"));
  EXPECT_TRUE(contains(early.error().message, "« Projet de santé validé »"));
  auto closed = at("dissous");
  ASSERT_FALSE(closed);
  EXPECT_TRUE(contains(closed.error().message, "définitive"));
  // A kind whose table has no such step: nothing to record, nothing refused.
  auto cds = contract_step(*test::builtin().find("cds"), "projet");
  ASSERT_TRUE(cds);
  EXPECT_EQ(cds->record, nullptr);
}

TEST(DecidedBy, EveryBuiltinStepSaysWhoRecordsIt) {
  for (const auto& lc : test::builtin().items) {
    for (const auto& t : lc.transitions) {
      EXPECT_TRUE(t.via == RecordedVia::aci_contract || !t.decided_by.empty())
          << lc.kind << " " << t.event;
      EXPECT_FALSE(t.provenance.source.empty()) << lc.kind << " " << t.event;
    }
  }
  // The ARS alone validates a projet de santé; the ROC opens the negotiation.
  const auto find = [](std::string_view event) {
    for (const auto& t : cpts().transitions) {
      if (t.event == event) return &t;
    }
    return static_cast<const TransitionRule*>(nullptr);
  };
  EXPECT_EQ(find("valider_projet")->decided_by, (std::vector<std::string>{"ars"}));
  EXPECT_TRUE(find("ouvrir_negociation")->decided_by_role("roc"));
  EXPECT_EQ(find("signer_aci")->via, RecordedVia::aci_contract);
}

TEST(ShortLifecycles, MspEspAndCds) {
  const Lifecycle& msp = *test::builtin().find("msp");
  const auto h = walk(msp, {{"deposer_projet", "2022-01-01"},
                            {"valider_projet", "2022-03-01"},
                            {"ouvrir", "2022-09-01"},
                            {"signer_aci", "2023-01-15"}});
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h.back().to, "aci_signe");
  auto closed = transition(msp, {"projet", std::nullopt}, "fermer", d("2022-01-01"), "u");
  ASSERT_FALSE(closed);
  EXPECT_TRUE(contains(closed.error().message, "la MSP")) << closed.error().message;

  const Lifecycle& cds = *test::builtin().find("cds");
  auto bad = transition(cds, {"projet", std::nullopt}, "accord_signe", d("2022-01-01"), "u");
  ASSERT_FALSE(bad);
  EXPECT_TRUE(contains(bad.error().message, "le centre de santé est à l'étape « Projet »"));

  const Lifecycle& esp = *test::builtin().find("esp");
  EXPECT_EQ(walk(esp, {{"transmettre_projet", "2022-01-01"}, {"active", "2022-02-01"}}).back().to,
            "active");
}

}  // namespace
}  // namespace maillage::registry
