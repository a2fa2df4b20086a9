// The registry service on both backends: structures with optimistic versions and audit,
// lifecycle transitions through the engine (illegal moves, future dates, fired timers recorded
// first), scopes, documents, referents ("Qui est mon ROC ?"), alerts with a provider of another
// area, and the portfolio with its filters and pipeline. The small référentiel of the API tests
// (Moselle: Aboncourt, Metz, Montigny-lès-Metz, Saint-Avold; Nancy in 54).
#include "services/registry.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "demo/demo.hpp"
#include "http/test_referentiel.hpp"
#include "services/accounts.hpp"
#include "services/home.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::testing {
namespace {

using registry::Date;
using services::Principal;
using services::Role;
using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

Date ymd(int y, unsigned m, unsigned d) { return Date{year{y}, month{m}, day{d}}; }
const Date kToday = ymd(2026, 6, 1);

class RegistryTest : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = ScratchDatabase::create(GetParam());
    db_ = open_database(*scratch_);
    ref_ = small_referentiel();
    auto reg = services::Registry::create(*db_, ref_);
    ASSERT_TRUE(reg) << reg.error().describe();
    reg_.emplace(std::move(*reg));
    admin_.login = "admin@test";
    admin_.role = Role::admin;
    roc_.login = "roc@test";
    roc_.role = Role::roc;
    roc_.departements = {"57"};
    ars_.login = "ars@test";
    ars_.role = Role::ars;
    ars_.regions = {"44"};
  }
  void TearDown() override {
    services::remove_alert_source("test");
    reg_.reset();
    db_.reset();
  }

  services::Structure create(const Principal& who, const std::string& kind, const std::string& name,
                             const std::string& dep = "57") {
    services::NewStructure ns;
    ns.kind = kind;
    ns.name = name;
    ns.departement = dep;
    auto s = reg_->create_structure(who, ns);
    EXPECT_TRUE(s) << s.error().describe();
    return s ? *s : services::Structure{};
  }

  // Records `event` as the role that decides it: the ROC, or the ARS for the ARS's decisions;
  // "ACI signé" (recorded by a contract) is taken over by an administrator.
  services::Structure step(const services::Structure& s, const std::string& event, Date date,
                           const Principal* who = nullptr) {
    Result<services::Structure> r;
    if (event == "signer_aci") {
      r = reg_->record_past_step(admin_, s.id, s.version, event, date, kToday);
    } else {
      const bool ars_decides = event == "valider_projet" || event == "opposition_projet" ||
                               event == "refuser_projet" || event == "reconnaitre";
      r = reg_->transition(who ? *who : (ars_decides ? ars_ : roc_), s.id, s.version, event, date,
                           "", kToday);
    }
    EXPECT_TRUE(r) << event << ": " << r.error().describe();
    return r ? *r : s;
  }

  std::int64_t audit_count(const std::string& action) {
    auto r = db_->query("SELECT count(*) FROM audit_log WHERE action = $1", {action});
    return r ? r->rows[0].integer(0) : -1;
  }

  std::unique_ptr<ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  geo::Referentiel ref_;
  std::optional<services::Registry> reg_;
  Principal admin_, roc_, ars_;
};

TEST_P(RegistryTest, CreatesAtTheInitialStageOfItsKindAndAudits) {
  auto cpts = create(roc_, "CPTS", "CPTS test (fictive)");
  EXPECT_EQ(cpts.stage, "emergence");
  EXPECT_EQ(cpts.stage_label, "Émergence");
  EXPECT_FALSE(cpts.stage_since);
  EXPECT_EQ(cpts.version, 1);
  auto msp = create(roc_, "MSP", "MSP test (fictive)");
  EXPECT_EQ(msp.stage, "projet");
  EXPECT_EQ(audit_count("structure.create"), 2);
}

TEST_P(RegistryTest, RefusesBadFieldsNamingThem) {
  services::NewStructure ns{"CPTS", "CPTS (fictive)", "57", {}, {}, {}};
  ns.fields.siret = "12345678901234";  // Luhn key wrong
  auto r = reg_->create_structure(roc_, ns);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(r.error().field, "siret");

  ns.fields = {};
  ns.fields.commune = "54395";  // Nancy: not in Moselle
  r = reg_->create_structure(roc_, ns);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "commune");
  EXPECT_NE(r.error().message.find("Nancy"), std::string::npos) << r.error().message;

  ns.fields = {};
  ns.fields.finess = "57ABC";
  r = reg_->create_structure(roc_, ns);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "finess");

  ns.fields = {};
  ns.fields.siret = "732 829 320 00074";  // valid key, spaces dropped
  ns.fields.rna = "W572001234";
  ns.fields.finess = "570001234";
  r = reg_->create_structure(roc_, ns);
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->siret, "73282932000074");
  EXPECT_EQ(audit_count("structure.create"), 1);
}

TEST_P(RegistryTest, StaleVersionIsAConflictAndNothingIsOverwritten) {
  auto s = create(roc_, "CPTS", "CPTS (fictive)");
  services::StructureFields first;
  first.notes = "écrit par le premier";
  auto a = reg_->update_structure(roc_, s.id, s.version, first);
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->version, 2);
  services::StructureFields second;
  second.notes = "écrit par le second";
  auto b = reg_->update_structure(admin_, s.id, s.version, second);  // read version 1
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().code, ErrorCode::conflict);
  auto now = reg_->get_structure(admin_, s.id);
  ASSERT_TRUE(now);
  EXPECT_EQ(now->notes, "écrit par le premier");
  EXPECT_EQ(now->version, 2);
  EXPECT_EQ(audit_count("structure.update"), 1);
  // A transition also names the version it read.
  auto t = reg_->transition(roc_, s.id, 1, "lancer_pre_projet", kToday, "", kToday);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().code, ErrorCode::conflict);
}

TEST_P(RegistryTest, TransitionsFollowTheTableAndAreDatedSignedAndAudited) {
  auto s = create(roc_, "CPTS", "CPTS (fictive)");
  s = step(s, "lancer_pre_projet", ymd(2026, 1, 10));
  s = step(s, "lettre_deposee", ymd(2026, 2, 1));  // a target state id works too
  EXPECT_EQ(s.stage, "lettre_deposee");
  EXPECT_EQ(s.stage_since, ymd(2026, 2, 1));

  // Illegal: signing the ACI from a deposited letter.
  auto bad = reg_->transition(roc_, s.id, s.version, "signer_aci", kToday, "", kToday);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::invalid_transition);
  EXPECT_NE(bad.error().message.find("Lettre d'intention déposée"), std::string::npos)
      << bad.error().message;
  // In the future, or before the current stage was entered.
  auto future =
      reg_->transition(roc_, s.id, s.version, "valider_lettre", ymd(2026, 6, 2), "", kToday);
  ASSERT_FALSE(future);
  EXPECT_EQ(future.error().field, "date");
  auto before =
      reg_->transition(roc_, s.id, s.version, "valider_lettre", ymd(2026, 1, 1), "", kToday);
  ASSERT_FALSE(before);
  EXPECT_EQ(before.error().code, ErrorCode::invalid_transition);
  // The lettre d'intention is validated by the ARS and the Assurance Maladie, not by the
  // porteurs: the coordinator is refused, and told who decides.
  Principal coord;
  coord.login = "coord@test";
  coord.role = Role::coordinator;
  coord.structures = {s.id};
  auto refused = reg_->transition(coord, s.id, s.version, "valider_lettre", kToday, "", kToday);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::forbidden);
  EXPECT_NE(refused.error().message.find("l'ARS"), std::string::npos) << refused.error().message;

  auto h = reg_->history(admin_, s.id);
  ASSERT_TRUE(h);
  ASSERT_EQ(h->size(), 2U);
  EXPECT_EQ((*h)[1].from, "pre_projet");
  EXPECT_EQ((*h)[1].to, "lettre_deposee");
  EXPECT_EQ((*h)[1].user, "roc@test");
  EXPECT_EQ((*h)[1].date, ymd(2026, 2, 1));
  EXPECT_EQ((*h)[1].event_label, "Déposer la lettre d'intention");
  EXPECT_EQ(audit_count("structure.transition"), 2);

  auto moves = reg_->allowed_transitions(roc_, s);
  ASSERT_TRUE(moves);
  std::vector<std::string> events;
  for (const auto& m : *moves) events.push_back(m.event);
  EXPECT_EQ(events, (std::vector<std::string>{"valider_lettre", "refuser_lettre", "abandonner"}));
  for (const auto& m : *moves) EXPECT_TRUE(m.may_record) << m.event;
  // The coordinator sees the same moves; only the abandon is theirs to record.
  auto theirs = reg_->allowed_transitions(coord, s);
  ASSERT_TRUE(theirs);
  ASSERT_EQ(theirs->size(), 3U);
  EXPECT_FALSE((*theirs)[0].may_record);
  EXPECT_EQ((*theirs)[0].decided_by_label, "l'ARS ou le ROC");
  EXPECT_TRUE((*theirs)[2].may_record);
  EXPECT_TRUE((*theirs)[2].terminal);
}

TEST_P(RegistryTest, EachStepIsRecordedByTheRoleThatHoldsTheDecision) {
  auto s = create(roc_, "CPTS", "CPTS (fictive)");
  for (const char* e : {"lancer_pre_projet", "deposer_lettre", "valider_lettre",
                        "creer_association", "deposer_projet"}) {
    s = step(s, e, ymd(2026, 1, 5));
  }
  // The ARS validates a projet de santé: the ROC is refused, with who decides named.
  auto by_roc =
      reg_->transition(roc_, s.id, s.version, "valider_projet", ymd(2026, 2, 1), "", kToday);
  ASSERT_FALSE(by_roc);
  EXPECT_EQ(by_roc.error().code, ErrorCode::forbidden);
  EXPECT_EQ(by_roc.error().field, "evenement");
  EXPECT_NE(by_roc.error().message.find("revient à l'ARS"), std::string::npos)
      << by_roc.error().message;
  // An ARS officer of another région is out of scope.
  Principal ars_idf = ars_;
  ars_idf.regions = {"11"};
  EXPECT_FALSE(
      reg_->transition(ars_idf, s.id, s.version, "valider_projet", ymd(2026, 2, 1), "", kToday));
  // An administrator manages accounts, not the ARS's decisions.
  EXPECT_EQ(reg_->transition(admin_, s.id, s.version, "valider_projet", ymd(2026, 2, 1), "", kToday)
                .error()
                .code,
            ErrorCode::forbidden);
  s = step(s, "valider_projet", ymd(2026, 2, 1));  // by the ARS of Grand Est
  EXPECT_EQ(s.stage, "projet_valide");
  auto h = reg_->history(roc_, s.id);
  EXPECT_EQ(h->back().user, "ars@test");
  s = step(s, "ouvrir_negociation", ymd(2026, 3, 1));
  // "ACI signé" is never a button: creating the contract records it.
  auto moves = reg_->allowed_transitions(roc_, s);
  ASSERT_TRUE(moves);
  auto sign = std::find_if(moves->begin(), moves->end(),
                           [](const auto& m) { return m.event == "signer_aci"; });
  ASSERT_NE(sign, moves->end());
  EXPECT_TRUE(sign->via_contract);
  auto signed_by_hand =
      reg_->transition(roc_, s.id, s.version, "signer_aci", ymd(2026, 4, 1), "", kToday);
  ASSERT_FALSE(signed_by_hand);
  EXPECT_EQ(signed_by_hand.error().code, ErrorCode::invalid_transition);
  EXPECT_NE(signed_by_hand.error().message.find("contrat ACI"), std::string::npos);
  // Taking over a past history is for administrators only, and audited as such.
  EXPECT_EQ(reg_->record_past_step(roc_, s.id, s.version, "signer_aci", ymd(2026, 4, 1), kToday)
                .error()
                .code,
            ErrorCode::forbidden);
  s = step(s, "signer_aci", ymd(2026, 4, 1));
  EXPECT_EQ(s.stage, "aci_signe");
  EXPECT_EQ(audit_count("structure.transition.reprise"), 1);
  EXPECT_EQ(reg_->history(roc_, s.id)->back().comment, "Reprise de l'historique");
}

// The home page's use case: each role sees the structures of its scope by stage and the decisions
// that are its own (never a porteur's step), and a coordinator sees their structures.
TEST_P(RegistryTest, HomeShowsEachRoleTheDecisionsThatAreItsOwn) {
  auto deposited = create(roc_, "CPTS", "CPTS Alpha (fictive)");
  for (const char* e : {"lancer_pre_projet", "deposer_lettre", "valider_lettre",
                        "creer_association", "deposer_projet"}) {
    deposited = step(deposited, e, ymd(2026, 1, 5));
  }
  auto emerging = create(roc_, "CPTS", "CPTS Beta (fictive)");
  services::Home home(*reg_);

  auto ars = home.view(ars_, kToday);
  ASSERT_TRUE(ars) << ars.error().describe();
  EXPECT_EQ(ars->structures, 2);
  ASSERT_EQ(ars->stages.size(), 2U);
  EXPECT_EQ(ars->stages[0].label, "Émergence");  // lifecycle order, not alphabetical
  EXPECT_EQ(ars->stages[0].count, 1);
  EXPECT_EQ(ars->stages[1].stage, "projet_depose");
  auto validates = std::find_if(ars->decisions.begin(), ars->decisions.end(), [&](const auto& d) {
    return d.structure.id == deposited.id && d.event == "valider_projet";
  });
  EXPECT_NE(validates, ars->decisions.end());
  for (const auto& d : ars->decisions) {
    EXPECT_NE(d.structure.id, emerging.id) << d.event;  // a porteur's step is not the ARS's
  }
  EXPECT_TRUE(ars->own.empty());

  auto roc = home.view(roc_, kToday);
  ASSERT_TRUE(roc);
  for (const auto& d : roc->decisions) EXPECT_NE(d.event, "valider_projet");

  Principal other_region = ars_;
  other_region.regions = {"11"};
  auto outside = home.view(other_region, kToday);
  ASSERT_TRUE(outside);
  EXPECT_EQ(outside->structures, 0);
  EXPECT_TRUE(outside->decisions.empty());

  Principal coordinator;
  coordinator.login = "coordination@test";
  coordinator.role = Role::coordinator;
  coordinator.structures = {emerging.id};
  auto own = home.view(coordinator, kToday);
  ASSERT_TRUE(own);
  ASSERT_EQ(own->own.size(), 1U);
  EXPECT_EQ(own->own[0].name, "CPTS Beta (fictive)");
  EXPECT_TRUE(own->decisions.empty());
}

TEST(RegistryRoles, TheLifecycleDecidersAreRolesOfTheServices) {
  for (std::string_view r : registry::kDeciderRoles) {
    EXPECT_TRUE(services::role_from_id(r)) << r;
  }
}

TEST_P(RegistryTest, AStructureOfTheFieldStartsAtTheStageItHasReached) {
  services::NewStructure ns{"CPTS", "CPTS du Saulnois (fictive)", "57", {}, {}, {}};
  ns.start_stage = "projet_depose";
  ns.start_date = ymd(2026, 3, 2);
  auto s = reg_->create_structure(roc_, ns);
  ASSERT_TRUE(s) << s.error().describe();
  EXPECT_EQ(s->stage, "projet_depose");
  EXPECT_EQ(s->stage_since, ymd(2026, 3, 2));
  // The path of the table, taken over on that date: 5 steps from "émergence".
  auto h = reg_->history(roc_, s->id);
  ASSERT_EQ(h->size(), 5U);
  EXPECT_EQ(h->front().event, "lancer_pre_projet");
  EXPECT_EQ(h->back().comment, "Étape de départ déclarée à la création");
  EXPECT_EQ(audit_count("structure.transition.reprise"), 5);
  // Not at or beyond "ACI signé": that step is the contract's.
  ns.name = "CPTS signée (fictive)";
  ns.start_stage = "actif";
  auto signed_ = reg_->create_structure(roc_, ns);
  ASSERT_FALSE(signed_);
  EXPECT_EQ(signed_.error().field, "start_stage");
  // A stage needs its date; nothing is written when refused.
  ns.start_stage = "aci_negociation";
  ns.start_date.reset();
  EXPECT_EQ(reg_->create_structure(roc_, ns).error().field, "start_date");
  EXPECT_EQ(audit_count("structure.create"), 1);
  std::vector<std::string> ids;
  for (const auto& st : reg_->start_stages("CPTS")) ids.push_back(st.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"emergence", "pre_projet", "lettre_deposee",
                                           "lettre_validee", "association_creee", "projet_depose",
                                           "projet_valide", "aci_negociation"}));
}

TEST_P(RegistryTest, PossibleDuplicatesAreFoundByNameOrSiret) {
  services::NewStructure ns{"MSP", "Maison de santé de l'Étang (fictive)", "57", {}, {}, {}};
  ns.fields.siret = "73282932000074";
  auto a = create(roc_, "CPTS", "CPTS Pays de Bitche (fictive)");
  auto b = reg_->create_structure(roc_, ns);
  ASSERT_TRUE(b);
  // Same name with other case, accents and punctuation.
  auto byname = reg_->possible_duplicates(roc_, "57", "cpts pays-de-bitche (FICTIVE)", "");
  ASSERT_TRUE(byname);
  ASSERT_EQ(byname->size(), 1U);
  EXPECT_EQ(byname->front().id, a.id);
  // Same SIRET under another name, spaces ignored.
  auto bysiret = reg_->possible_duplicates(roc_, "57", "Autre nom", "732 829 320 00074");
  ASSERT_EQ(bysiret->size(), 1U);
  EXPECT_EQ(bysiret->front().id, b->id);
  // Editing a structure does not find itself; another département is not searched.
  EXPECT_TRUE(
      reg_->possible_duplicates(roc_, "57", "CPTS Pays de Bitche (fictive)", "", a.id)->empty());
  EXPECT_EQ(reg_->possible_duplicates(roc_, "54", "CPTS Pays de Bitche (fictive)", "").error().code,
            ErrorCode::forbidden);
}

TEST_P(RegistryTest, ACreatedContractRecordsTheSignatureStepInItsTransaction) {
  const auto* lc = reg_->lifecycle_of("CPTS");
  ASSERT_NE(lc, nullptr);
  auto s = create(roc_, "CPTS", "CPTS (fictive)");
  auto sign = [&](Date d) {
    return db_->transact([&](store::Tx& tx) -> Status {
      return services::record_contract_signature(tx, *lc, s.id, d, "roc@test");
    });
  };
  // Too early: the projet de santé is not even deposited.
  auto early = sign(ymd(2026, 1, 1));
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, ErrorCode::invalid_transition);
  EXPECT_NE(early.error().message.find("ACI en négociation"), std::string::npos)
      << early.error().message;
  for (const char* e :
       {"lancer_pre_projet", "deposer_lettre", "valider_lettre", "creer_association",
        "deposer_projet", "valider_projet", "ouvrir_negociation"}) {
    s = step(s, e, ymd(2026, 1, 5));
  }
  ASSERT_TRUE(sign(ymd(2026, 3, 2)));
  s = *reg_->get_structure(roc_, s.id);
  EXPECT_EQ(s.stage, "aci_signe");
  EXPECT_EQ(s.stage_since, ymd(2026, 3, 2));
  // A second contract (entered after the fact) leaves the stage as it is.
  s = step(s, "engager_missions", ymd(2026, 4, 1));
  ASSERT_TRUE(sign(ymd(2026, 3, 2)));
  EXPECT_EQ(reg_->get_structure(roc_, s.id)->stage, "actif");
  // A dissolved association gets no contract.
  s = step(s, "dissoudre", ymd(2026, 5, 1));
  EXPECT_FALSE(sign(ymd(2026, 5, 2)));
}

TEST_P(RegistryTest, AFiredTimerIsRecordedBeforeTheNextStep) {
  auto s = create(roc_, "CPTS", "CPTS (fictive)");
  for (const char* e :
       {"lancer_pre_projet", "deposer_lettre", "valider_lettre", "creer_association"}) {
    s = step(s, e, ymd(2026, 1, 5));
  }
  s = step(s, "deposer_projet", ymd(2026, 1, 10));
  // No decision of the ARS within 2 months: deemed validated on 10 March; the negotiation opens
  // in May.
  s = step(s, "ouvrir_negociation", ymd(2026, 5, 4));
  EXPECT_EQ(s.stage, "aci_negociation");
  auto h = reg_->history(admin_, s.id);
  ASSERT_TRUE(h);
  ASSERT_EQ(h->size(), 7U);
  const auto& implicit = (*h)[5];
  EXPECT_TRUE(implicit.implicit);
  EXPECT_EQ(implicit.to, "projet_valide");
  EXPECT_EQ(implicit.date, ymd(2026, 3, 10));
  EXPECT_EQ(implicit.user, std::string(registry::kSystemUser));
  // The explicit validation is no longer possible: the timer has decided.
  auto s2 = create(roc_, "CPTS", "CPTS 2 (fictive)");
  for (const char* e :
       {"lancer_pre_projet", "deposer_lettre", "valider_lettre", "creer_association"}) {
    s2 = step(s2, e, ymd(2026, 1, 5));
  }
  s2 = step(s2, "deposer_projet", ymd(2026, 1, 10));
  auto late =
      reg_->transition(ars_, s2.id, s2.version, "valider_projet", ymd(2026, 4, 1), "", kToday);
  ASSERT_FALSE(late);
  EXPECT_EQ(late.error().code, ErrorCode::invalid_transition);
  // Refused as a whole: the implicit step was not written either.
  EXPECT_EQ(reg_->history(admin_, s2.id)->size(), 5U);
}

TEST_P(RegistryTest, ScopesDecideWhoSeesAndWritesWhat) {
  auto moselle = create(admin_, "CPTS", "CPTS de Moselle (fictive)", "57");
  auto nancy = create(admin_, "MSP", "MSP de Nancy (fictive)", "54");
  auto paris = create(admin_, "CDS", "Centre de santé de Paris (fictif)", "75");

  auto list = reg_->list_structures(roc_, {});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1U);
  EXPECT_EQ(list->front().id, moselle.id);
  auto denied = reg_->get_structure(roc_, nancy.id);
  ASSERT_FALSE(denied);
  EXPECT_EQ(denied.error().code, ErrorCode::forbidden);
  services::StructureFilter in54;
  in54.departement = "54";
  EXPECT_EQ(reg_->list_structures(roc_, in54).error().code, ErrorCode::forbidden);
  services::NewStructure ns{"MSP", "MSP (fictive)", "54", {}, {}, {}};
  EXPECT_EQ(reg_->create_structure(roc_, ns).error().code, ErrorCode::forbidden);

  Principal ars;
  ars.login = "ars@test";
  ars.role = Role::ars;
  ars.regions = {"44"};
  EXPECT_EQ(reg_->list_structures(ars, {})->size(), 2U);  // 54 and 57, not Paris
  EXPECT_EQ(reg_->get_structure(ars, paris.id).error().code, ErrorCode::forbidden);

  Principal coord;
  coord.login = "coord@test";
  coord.role = Role::coordinator;
  coord.structures = {moselle.id};
  list = reg_->list_structures(coord, {});
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1U);
  EXPECT_EQ(reg_->get_structure(coord, nancy.id).error().code, ErrorCode::forbidden);
  services::StructureFields notes;
  notes.notes = "réunion du bureau";
  EXPECT_TRUE(reg_->update_structure(coord, moselle.id, 1, notes));
  EXPECT_EQ(reg_->update_structure(coord, nancy.id, 1, notes).error().code, ErrorCode::forbidden);

  Principal observer;
  observer.login = "obs@test";
  observer.role = Role::observer;
  EXPECT_EQ(reg_->list_structures(observer, {})->size(), 3U);
  EXPECT_EQ(reg_->update_structure(observer, paris.id, 1, notes).error().code,
            ErrorCode::forbidden);

  // The portfolio of a département outside the scope.
  EXPECT_EQ(reg_->portfolio(roc_, "54", {}, kToday).error().code, ErrorCode::forbidden);
  // A coordinator's portfolio holds their structures only.
  auto p = reg_->portfolio(coord, "57", {}, kToday);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->entries.size(), 1U);
}

TEST_P(RegistryTest, DocumentsKeepTheirBytesWithinTheLimit) {
  auto s = create(roc_, "CPTS", "CPTS (fictive)");
  services::NewDocument d;
  d.doc_type = "lettre_intention";
  d.title = "Lettre d'intention";
  d.filename = "../../etc/lettre \"v2\".pdf";
  d.content_type = "application/pdf";
  d.date = ymd(2026, 2, 1);
  d.bytes = std::string("%PDF-1.4\0\xff\xfe binaire", 20);
  auto info = reg_->add_document(roc_, s.id, d, 1024);
  ASSERT_TRUE(info) << info.error().describe();
  EXPECT_EQ(info->filename, "lettre v2.pdf");
  EXPECT_EQ(info->size_bytes, 20);
  auto back = reg_->document(roc_, s.id, info->id);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_EQ(back->bytes, d.bytes);
  auto list = reg_->documents(roc_, s.id);
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 1U);
  EXPECT_EQ(list->front().date, ymd(2026, 2, 1));

  d.bytes = std::string(1025, 'x');
  auto big = reg_->add_document(roc_, s.id, d, 1024);
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, ErrorCode::body_too_large);
  d.bytes = "x";
  d.doc_type = "recette";
  EXPECT_EQ(reg_->add_document(roc_, s.id, d, 1024).error().field, "type");
  // Another structure's document id is not found through this structure.
  auto other = create(roc_, "MSP", "MSP (fictive)");
  EXPECT_EQ(reg_->document(roc_, other.id, info->id).error().code, ErrorCode::not_found);
  EXPECT_EQ(audit_count("structure.document.add"), 1);
}

TEST_P(RegistryTest, QuiEstMonRocFollowsAreasThenTheDepartement) {
  services::AccountSettings cheap;
  cheap.argon2_memory_kib = 64;
  cheap.argon2_passes = 1;
  services::Accounts accounts(*db_, cheap);
  auto east = accounts.create_user(
      {"roc.est@test", "ROC Est", "mot-de-passe-long", Role::roc, {"57"}, {}, {}}, "system");
  auto north = accounts.create_user(
      {"roc.nord@test", "ROC Nord", "mot-de-passe-long", Role::roc, {"57"}, {}, {}}, "system");
  ASSERT_TRUE(east && north);

  // Before any area: every ROC of the département.
  auto r = reg_->referents_of_commune("57463");
  ASSERT_TRUE(r) << r.error().describe();
  EXPECT_EQ(r->size(), 2U);

  ASSERT_TRUE(reg_->add_referent_area(roc_, *north, "epci", "200039865", "Centre-nord"));
  ASSERT_TRUE(reg_->add_referent_area(roc_, *east, "commune", "57606", "Est"));
  EXPECT_EQ(reg_->add_referent_area(roc_, *east, "commune", "54395", "").error().code,
            ErrorCode::forbidden);
  EXPECT_EQ(reg_->add_referent_area(roc_, *east, "canton", "57", "").error().field, "area_kind");

  r = reg_->referents_of_commune("57480");  // Montigny: in Metz Métropole
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 1U);
  EXPECT_EQ(r->front().login, "roc.nord@test");
  EXPECT_NE(r->front().basis.find("Metz Métropole"), std::string::npos) << r->front().basis;
  r = reg_->referents_of_commune("57606");
  ASSERT_EQ(r->size(), 1U);
  EXPECT_EQ(r->front().login, "roc.est@test");
  r = reg_->referents_of_commune("57001");  // no EPCI, no area: the département's ROCs
  EXPECT_EQ(r->size(), 2U);
  EXPECT_EQ(reg_->referents_of_commune("99999").error().code, ErrorCode::not_found);

  // A structure: its head office commune, unless referents are named.
  services::NewStructure ns{"MSP", "MSP de Saint-Avold (fictive)", "57", {}, {}, {}};
  ns.fields.commune = "57606";
  auto s = reg_->create_structure(roc_, ns);
  ASSERT_TRUE(s);
  auto sr = reg_->referents_of_structure(roc_, s->id);
  ASSERT_TRUE(sr);
  ASSERT_EQ(sr->size(), 1U);
  EXPECT_EQ(sr->front().login, "roc.est@test");
  ASSERT_TRUE(reg_->set_structure_referents(roc_, s->id, {*north}));
  sr = reg_->referents_of_structure(roc_, s->id);
  ASSERT_EQ(sr->size(), 1U);
  EXPECT_EQ(sr->front().login, "roc.nord@test");
  EXPECT_EQ(sr->front().basis, "référent de la structure");
}

TEST_P(RegistryTest, PortfolioHasAlertsByDateFiltersAndPipeline) {
  // A CPTS whose ACI was signed on 1 June 2025: the 6-month mission starts are overdue unless
  // recorded, the first anniversary is today.
  auto a = create(roc_, "CPTS", "CPTS A (fictive)");
  for (const char* e :
       {"lancer_pre_projet", "deposer_lettre", "valider_lettre", "creer_association",
        "deposer_projet", "valider_projet", "ouvrir_negociation"}) {
    a = step(a, e, ymd(2025, 1, 10));
  }
  a = step(a, "signer_aci", ymd(2025, 6, 1));
  ASSERT_TRUE(reg_->record_milestone(roc_, a.id, "acces_soins.demarrage", ymd(2025, 9, 1), kToday));
  EXPECT_EQ(reg_->record_milestone(roc_, a.id, "recette.demarrage", ymd(2025, 9, 1), kToday)
                .error()
                .field,
            "milestone");
  // A CPTS whose projet de santé was deposited on 15 April: implicit validation on 15 June.
  auto b = create(roc_, "CPTS", "CPTS B (fictive)");
  for (const char* e :
       {"lancer_pre_projet", "deposer_lettre", "valider_lettre", "creer_association"}) {
    b = step(b, e, ymd(2026, 1, 5));
  }
  b = step(b, "deposer_projet", ymd(2026, 4, 15));
  auto c = create(roc_, "MSP", "MSP C (fictive)");
  // Its territory (the territories area's table).
  ASSERT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
    for (const char* code : {"57463", "57480"}) {
      auto n = tx.exec("INSERT INTO structure_communes (structure_id, commune) VALUES ($1, $2)",
                       {b.id, std::string(code)});
      if (!n) return tl::unexpected(n.error());
    }
    return {};
  }));
  // Another area's provider: one alert for C, one for a structure outside the portfolio.
  services::add_alert_source(
      "test",
      [&](store::Database&, const std::vector<std::int64_t>& ids,
          Date today) -> Result<std::vector<services::PortfolioAlert>> {
        EXPECT_EQ(today, kToday);
        std::vector<services::PortfolioAlert> out;
        for (auto id : ids) {
          if (id == c.id)
            out.push_back({id, ymd(2026, 6, 20), "aci_payment", "Versement dû", "info", "aci"});
        }
        out.push_back({999999, ymd(2026, 6, 2), "aci_payment", "Hors périmètre", "info", "aci"});
        return out;
      });

  auto p = reg_->portfolio(roc_, "57", {}, kToday);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->total, 3);
  ASSERT_EQ(p->entries.size(), 3U);
  const auto& ea = p->entries[0];  // sorted by kind then name: CPTS A, CPTS B, MSP C
  EXPECT_EQ(ea.structure.name, "CPTS A (fictive)");
  // Crisis mission not started (due 1 Dec 2025, overdue), first anniversary today; the access
  // mission start is recorded, so it raises nothing.
  std::vector<std::string> kinds;
  for (const auto& x : ea.alerts) kinds.push_back(x.kind);
  ASSERT_FALSE(ea.alerts.empty());
  for (std::size_t i = 1; i < ea.alerts.size(); ++i) {
    EXPECT_LE(ea.alerts[i - 1].date, ea.alerts[i].date);
  }
  EXPECT_EQ(ea.alerts.front().date, ymd(2025, 12, 1));
  EXPECT_EQ(ea.alerts.front().severity, "critical");
  for (const auto& x : ea.alerts) {
    EXPECT_EQ(x.label.find("accès aux soins"), std::string::npos) << x.label;
  }
  ASSERT_TRUE(ea.next_deadline);
  EXPECT_EQ(ea.next_deadline->date, kToday);  // the anniversary, first one not overdue

  const auto& eb = p->entries[1];
  ASSERT_EQ(eb.alerts.size(), 1U);
  EXPECT_EQ(eb.alerts[0].kind, "implicit_transition");
  EXPECT_EQ(eb.alerts[0].date, ymd(2026, 6, 15));
  EXPECT_EQ(eb.alerts[0].severity, "warning");
  EXPECT_EQ(eb.territory_communes, 2);
  EXPECT_EQ(eb.territory_population, 141000);

  const auto& ec = p->entries[2];
  ASSERT_EQ(ec.alerts.size(), 1U);
  EXPECT_EQ(ec.alerts[0].source, "aci");

  // Pipeline: every CPTS and MSP state, counts before filters.
  auto count = [&](const std::string& kind, const std::string& stage) {
    for (const auto& s : p->pipeline) {
      if (s.kind == kind && s.stage == stage) return s.count;
    }
    return std::int64_t{-1};
  };
  EXPECT_EQ(count("CPTS", "aci_signe"), 1);
  EXPECT_EQ(count("CPTS", "projet_depose"), 1);
  EXPECT_EQ(count("CPTS", "emergence"), 0);
  EXPECT_EQ(count("MSP", "projet"), 1);
  EXPECT_EQ(count("ESP", "constitution"), -1);  // no ESP in the département

  services::PortfolioFilter f;
  f.kind = "CPTS";
  p = reg_->portfolio(roc_, "57", f, kToday);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->entries.size(), 2U);
  EXPECT_EQ(count("MSP", "projet"), 1);  // the pipeline ignores filters
  f = {};
  f.stage = "projet_depose";
  EXPECT_EQ(reg_->portfolio(roc_, "57", f, kToday)->entries.size(), 1U);
  f = {};
  f.alert = "implicit_transition";
  p = reg_->portfolio(roc_, "57", f, kToday);
  ASSERT_EQ(p->entries.size(), 1U);
  EXPECT_EQ(p->entries[0].structure.id, b.id);
  f.alert = "any";
  EXPECT_EQ(reg_->portfolio(roc_, "57", f, kToday)->entries.size(), 3U);

  // A provider's failure fails the portfolio rather than hiding deadlines.
  services::add_alert_source("test",
                             [](store::Database&, const std::vector<std::int64_t>&,
                                Date) -> Result<std::vector<services::PortfolioAlert>> {
                               return fail(ErrorCode::unavailable, "ACI indisponible");
                             });
  EXPECT_EQ(reg_->portfolio(roc_, "57", {}, kToday).error().code, ErrorCode::unavailable);
}

TEST_P(RegistryTest, AStructureThatEndedGetsNoDateFromOtherAreas) {
  auto going = create(roc_, "CPTS", "CPTS qui continue (fictive)");
  auto ended = create(roc_, "CPTS", "CPTS abandonnée (fictive)");
  ended = step(ended, "abandonner", ymd(2026, 2, 1));
  std::vector<std::int64_t> asked;
  services::add_alert_source(
      "test",
      [&](store::Database&, const std::vector<std::int64_t>& ids,
          Date) -> Result<std::vector<services::PortfolioAlert>> {
        asked = ids;
        std::vector<services::PortfolioAlert> out;
        for (auto id : ids) {
          out.push_back({id, ymd(2026, 6, 20), "payment", "Versement ACI prévu", "info", "aci"});
        }
        return out;
      });
  auto alerts = reg_->alerts(roc_, {going.id, ended.id}, kToday);
  ASSERT_TRUE(alerts) << alerts.error().describe();
  EXPECT_EQ(asked, std::vector<std::int64_t>{going.id});
  for (const auto& a : *alerts) EXPECT_NE(a.structure_id, ended.id) << a.label;
}

TEST_P(RegistryTest, ArchivingTakesAStructureOutOfTheListsButKeepsItsPage) {
  auto a = create(roc_, "CPTS", "CPTS du Saulnois (fictive)");
  auto b = create(roc_, "CPTS", "CPTS du Warndt (fictive)");
  Principal coordinator;
  coordinator.login = "coord@test";
  coordinator.role = Role::coordinator;
  coordinator.structures = {a.id};

  // Who and why: a coordinator does not archive; the reason is required; a stale version is a
  // conflict (nothing written).
  EXPECT_EQ(reg_->archive_structure(coordinator, a.id, a.version, "doublon").error().code,
            ErrorCode::forbidden);
  auto no_reason = reg_->archive_structure(roc_, a.id, a.version, "  ");
  ASSERT_FALSE(no_reason);
  EXPECT_EQ(no_reason.error().code, ErrorCode::missing_field);
  EXPECT_EQ(no_reason.error().field, "reason");
  EXPECT_EQ(reg_->archive_structure(roc_, a.id, a.version + 3, "doublon").error().code,
            ErrorCode::conflict);
  EXPECT_EQ(audit_count("structure.archive"), 0);

  auto archived = reg_->archive_structure(roc_, a.id, a.version, " Doublon de la CPTS voisine ");
  ASSERT_TRUE(archived) << archived.error().describe();
  EXPECT_TRUE(archived->archived());
  EXPECT_EQ(archived->archived_by, "roc@test");
  EXPECT_EQ(archived->archive_reason, "Doublon de la CPTS voisine");
  EXPECT_EQ(archived->version, a.version + 1);
  EXPECT_EQ(audit_count("structure.archive"), 1);
  EXPECT_EQ(reg_->archive_structure(roc_, a.id, archived->version, "encore").error().code,
            ErrorCode::conflict);

  // Out of the lists, the portfolio and the view the other areas list from; its page stays, and
  // a namesake being created is still warned about it.
  auto names = [&](services::ArchiveFilter which) {
    services::StructureFilter f;
    f.departement = "57";
    f.archived = which;
    auto list = reg_->list_structures(roc_, f);
    std::vector<std::string> out;
    if (!list) return out;
    for (const auto& s : *list) out.push_back(s.name);
    return out;
  };
  EXPECT_EQ(names(services::ArchiveFilter::active), std::vector<std::string>{b.name});
  EXPECT_EQ(names(services::ArchiveFilter::archived), std::vector<std::string>{a.name});
  EXPECT_EQ(names(services::ArchiveFilter::all).size(), 2U);
  auto p = reg_->portfolio(roc_, "57", {}, kToday);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->total, 1);
  auto active = db_->query("SELECT COUNT(*) FROM active_structures WHERE id = $1", {a.id});
  ASSERT_TRUE(active) << active.error().describe();
  EXPECT_EQ(active->rows[0].integer(0), 0);
  EXPECT_TRUE(reg_->get_structure(roc_, a.id)->archived());
  auto dup = reg_->possible_duplicates(roc_, "57", "CPTS du saulnois (FICTIVE)", "");
  ASSERT_TRUE(dup);
  ASSERT_EQ(dup->size(), 1U);
  EXPECT_TRUE(dup->front().archived());

  // Read-only while archived: edits, steps, documents and contracts are refused.
  services::StructureFields notes;
  notes.notes = "relance";
  EXPECT_EQ(reg_->update_structure(roc_, a.id, archived->version, notes).error().code,
            ErrorCode::conflict);
  EXPECT_EQ(reg_->transition(roc_, a.id, archived->version, "lancer_pre_projet", kToday, "", kToday)
                .error()
                .code,
            ErrorCode::conflict);
  const auto* lc = reg_->lifecycle_of("CPTS");
  ASSERT_NE(lc, nullptr);
  auto signed_contract = db_->transact([&](store::Tx& tx) -> Status {
    return services::record_contract_signature(tx, *lc, a.id, kToday, "roc@test");
  });
  ASSERT_FALSE(signed_contract);
  EXPECT_EQ(signed_contract.error().code, ErrorCode::conflict);

  // Brought back: in the lists again, writable, audited with what the archive said.
  EXPECT_EQ(reg_->restore_structure(coordinator, a.id, archived->version).error().code,
            ErrorCode::forbidden);
  auto back = reg_->restore_structure(roc_, a.id, archived->version);
  ASSERT_TRUE(back) << back.error().describe();
  EXPECT_FALSE(back->archived());
  EXPECT_EQ(back->archive_reason, "");
  EXPECT_EQ(names(services::ArchiveFilter::active).size(), 2U);
  EXPECT_TRUE(reg_->update_structure(roc_, a.id, back->version, notes));
  auto restored = db_->query(
      "SELECT before FROM audit_log WHERE action = 'structure.restore' AND entity_id = $1",
      {std::to_string(a.id)});
  ASSERT_TRUE(restored);
  ASSERT_EQ(restored->size(), 1U);
  EXPECT_NE(restored->rows[0].text(0).find("Doublon de la CPTS voisine"), std::string::npos);
}

TEST_P(RegistryTest, AStructureUnderContractIsArchivedOnlyOnceEnded) {
  auto s = create(roc_, "CPTS", "CPTS contractante (fictive)");
  auto inserted = db_->transact([&](store::Tx& tx) -> Status {
    return tx
        .exec(
            "INSERT INTO aci_contracts (structure_id, reference, kind, accord, signature, "
            "document, "
            "created_at, updated_at, updated_by) VALUES ($1, 'ACI-T-1', 'cpts', 'cpts_2019', "
            "'2026-01-02', '{}', '2026-01-02', '2026-01-02', 'roc@test')",
            {s.id})
        .map([](std::int64_t) {});
  });
  ASSERT_TRUE(inserted) << inserted.error().describe();
  auto refused = reg_->archive_structure(roc_, s.id, s.version, "plus suivie");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_transition);
  EXPECT_NE(refused.error().message.find("dissolution"), std::string::npos);
  // Abandoned (a terminal stage): its contract is over, it may leave the lists.
  s = step(s, "abandonner", ymd(2026, 2, 1));
  auto ended = reg_->archive_structure(roc_, s.id, s.version, "projet abandonné");
  ASSERT_TRUE(ended) << ended.error().describe();
  EXPECT_TRUE(ended->archived());
}

TEST_P(RegistryTest, DeleteNeedsTheCurrentVersion) {
  auto s = create(roc_, "MSP", "MSP (fictive)");
  EXPECT_EQ(reg_->delete_structure(roc_, s.id, 7).error().code, ErrorCode::conflict);
  EXPECT_TRUE(reg_->delete_structure(roc_, s.id, 1));
  EXPECT_EQ(reg_->get_structure(roc_, s.id).error().code, ErrorCode::not_found);
  EXPECT_EQ(audit_count("structure.delete"), 1);
}

TEST_P(RegistryTest, DemoLoadsOnceAndSplitsTheDepartement) {
  services::AccountSettings cheap;
  cheap.argon2_memory_kib = 64;
  cheap.argon2_passes = 1;
  ASSERT_TRUE(demo::load_demo_accounts(*db_, cheap));
  auto first = demo::load_registry_demo(*db_, ref_);
  ASSERT_TRUE(first) << first.error().describe();
  auto structures = db_->query("SELECT count(*) FROM structures WHERE name LIKE '%(fictive)'");
  ASSERT_TRUE(structures);
  EXPECT_EQ(structures->rows[0].integer(0), 17);
  auto audits = db_->query("SELECT count(*) FROM audit_log");
  ASSERT_TRUE(audits);
  // Twice: nothing changes.
  auto second = demo::load_registry_demo(*db_, ref_);
  ASSERT_TRUE(second) << second.error().describe();
  EXPECT_EQ(db_->query("SELECT count(*) FROM audit_log")->rows[0].integer(0),
            audits->rows[0].integer(0));
  // Every demo history replays (the portfolio computes the alerts of all of them), and the
  // demo CPTS of the coordinator got its stage and territory (Metz Métropole in this référentiel).
  auto p = reg_->portfolio(roc_, "57", {}, today_utc());
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_EQ(p->total, 17);
  bool messin = false;
  for (const auto& e : p->entries) {
    if (e.structure.name != "CPTS de démonstration du Pays messin (fictive)") continue;
    messin = true;
    EXPECT_EQ(e.structure.stage, "aci_signe");
    EXPECT_EQ(e.territory_communes, 2);
    // No sectors yet (load_sectors_demo computes them): both ROC of the département.
    ASSERT_EQ(e.referents.size(), 2U);
  }
  EXPECT_TRUE(messin);
}

INSTANTIATE_TEST_SUITE_P(Backends, RegistryTest, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
