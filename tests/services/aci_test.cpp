// ACI contracts and the dialogue de gestion workspace on both backends: scope, versions and
// conflicts, agreed changes as new indicator versions, adjustments, attachments, budget, audit.
#include "services/aci.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <map>
#include <set>

#include "common/base64.hpp"
#include "http/test_referentiel.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

using nlohmann::json;
using store::Backend;

// A T3 CPTS (150 000 inhabitants at signature) signed 2024-03-15; acces_soins from the
// signature with one linear indicator (baseline 0, target 100 in year 1, measured 80).
json contract_doc(const std::string& id = "C-TEST-1") {
  return json{
      {"id", id},
      {"accord", "cpts-2019"},
      {"parties",
       {{"cpts", {{"name", "CPTS test"}}},
        {"cpam", {{"name", "CPAM"}}},
        {"ars", {{"name", "ARS"}}}}},
      {"signature", "2024-03-15"},
      {"size_class", "T3"},
      {"population", 150000},
      {"missions",
       json::array(
           {{{"mission", "acces_soins"},
             {"start", "2024-03-15"},
             {"indicators",
              json::array(
                  {{{"id", "mt"},
                    {"definition", "Patients orientés"},
                    {"unit", "patients"},
                    {"baseline", 0},
                    {"years", json::array({{{"year", 1}, {"paliers", {100}}, {"measured", 80}},
                                           {{"year", 2}, {"paliers", {200}}}})}}})}},
            {{"mission", "parcours"}, {"start", "2025-01-10"}}})}};
}

class AciServiceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    ref_ = testing::small_referentiel();
    aci_ = std::make_unique<AciService>(*db_, ref_);
    cpts57_ = structure("CPTS", "CPTS de Metz (test)", "57");
    cpts75_ = structure("CPTS", "CPTS de Paris (test)", "75");
    roc57_ = who("roc57", Role::roc, {"57"});
    roc75_ = who("roc75", Role::roc, {"75"});
    coord57_ = who("coord57", Role::coordinator, {}, {}, {cpts57_});
    coord75_ = who("coord75", Role::coordinator, {}, {}, {cpts75_});
    member57_ = who("membre57", Role::member, {}, {}, {cpts57_});
    ars44_ = who("ars44", Role::ars, {}, {"44"});
    ars11_ = who("ars11", Role::ars, {}, {"11"});
    admin_ = who("admin", Role::admin);
  }
  void TearDown() override {
    aci_.reset();
    db_.reset();
    scratch_.reset();
  }

  std::int64_t structure(const std::string& kind, const std::string& name, const std::string& dep) {
    std::int64_t id = 0;
    EXPECT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
      // At the stage a contract is created from (it records "ACI signé").
      const std::string stage = kind == "CPTS" ? "aci_negociation" : "ouverte";
      auto r = tx.query(
          "INSERT INTO structures (kind, name, departement, stage, created_at, updated_at) "
          "VALUES ($1, $2, $3, $4, 'x', 'x') RETURNING id",
          {kind, name, dep, stage});
      if (!r) return tl::unexpected(r.error());
      id = r->rows.at(0).integer(0);
      return {};
    }));
    return id;
  }

  static Principal who(std::string login, Role role, std::vector<std::string> deps = {},
                       std::vector<std::string> regions = {},
                       std::vector<std::int64_t> structures = {}) {
    Principal p;
    p.login = login;
    p.display_name = "Nom de " + login;
    p.role = role;
    p.departements = std::move(deps);
    p.regions = std::move(regions);
    p.structures = std::move(structures);
    return p;
  }

  std::int64_t create(const json& doc = contract_doc()) {
    auto id = aci_->create_contract(roc57_, cpts57_, doc.dump(), {"57463", "57480"});
    EXPECT_TRUE(id) << id.error().describe();
    return id.value_or(0);
  }

  // Puts the test CPTS at a stage of its lifecycle (`sql` takes its id as $1).
  Status set_stage(const char* sql) {
    return db_->transact([&](store::Tx& tx) -> Status {
      auto r = tx.exec(sql, {cpts57_});
      if (!r) return tl::unexpected(r.error());
      return {};
    });
  }

  std::int64_t count(const std::string& sql) {
    auto r = db_->query(sql);
    EXPECT_TRUE(r) << r.error().describe();
    return r ? r->rows.at(0).integer(0) : -1;
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  geo::Referentiel ref_;
  std::unique_ptr<AciService> aci_;
  std::int64_t cpts57_ = 0, cpts75_ = 0;
  Principal roc57_, roc75_, coord57_, coord75_, member57_, ars44_, ars11_, admin_;
};

TEST_P(AciServiceTest, ContractsAreScopedToStructuresAndTerritories) {
  std::int64_t id = create();
  ASSERT_GT(id, 0);
  // Who reads.
  EXPECT_TRUE(aci_->contract(coord57_, id));
  EXPECT_TRUE(aci_->contract(member57_, id));
  EXPECT_TRUE(aci_->contract(ars44_, id));
  EXPECT_TRUE(aci_->contract(admin_, id));
  for (const Principal* p : {&coord75_, &roc75_, &ars11_}) {
    auto r = aci_->contract(*p, id);
    ASSERT_FALSE(r) << p->login;
    EXPECT_EQ(r.error().code, ErrorCode::forbidden) << p->login;
    auto w = aci_->workspace(*p, id, 1);
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().code, ErrorCode::forbidden);
  }
  EXPECT_EQ(aci_->list_contracts(coord57_)->size(), 1u);
  EXPECT_EQ(aci_->list_contracts(coord75_)->size(), 0u);
  // Who signs: a ROC only in their départements; never a coordinator.
  auto other = aci_->create_contract(roc57_, cpts75_, contract_doc("C-PARIS").dump());
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::forbidden);
  auto coord = aci_->create_contract(coord57_, cpts57_, contract_doc("C-2").dump());
  ASSERT_FALSE(coord);
  EXPECT_EQ(coord.error().code, ErrorCode::forbidden);
  // Same reference twice: conflict.
  auto dup = aci_->create_contract(roc57_, cpts57_, contract_doc().dump());
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::conflict);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'aci.contract.create'"), 1);
}

TEST_P(AciServiceTest, TheContractFormProposesTheSizeAndRecordsTheSignature) {
  // The CPTS's territory: Metz and Montigny-lès-Metz, 141 000 inhabitants, hence taille 3.
  ASSERT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
    for (const char* c : {"57463", "57480"}) {
      auto r = tx.exec("INSERT INTO structure_communes (structure_id, commune) VALUES ($1, $2)",
                       {cpts57_, std::string(c)});
      if (!r) return tl::unexpected(r.error());
    }
    return {};
  }));
  auto p = aci_->propose_contract(roc57_, cpts57_);
  ASSERT_TRUE(p) << p.error().describe();
  EXPECT_TRUE(p->refusal.empty()) << p->refusal;
  EXPECT_EQ(p->population, 141000);
  EXPECT_EQ(p->size_class, "T3");
  EXPECT_EQ(p->communes, (std::vector<std::string>{"57463", "57480"}));
  EXPECT_EQ(p->cpam, "CPAM de Moselle");
  EXPECT_EQ(p->ars, "ARS Grand Est");
  ASSERT_FALSE(p->accords.empty());
  EXPECT_EQ(p->accords.front().id, "cpts-2019");
  // Only the ROC of the département (or an admin) creates a contract.
  EXPECT_EQ(aci_->propose_contract(coord57_, cpts57_).error().code, ErrorCode::forbidden);
  EXPECT_EQ(aci_->propose_contract(roc75_, cpts57_).error().code, ErrorCode::forbidden);
  auto candidates = aci_->contract_candidates(roc57_);
  ASSERT_TRUE(candidates);
  ASSERT_EQ(candidates->size(), 1U);
  EXPECT_EQ(candidates->front().structure_id, cpts57_);

  services::AciContractForm f;
  f.structure_id = cpts57_;
  f.reference = "CPTS-57-FORMULAIRE";
  f.accord = "cpts-2019";
  f.signature = "2026-02-30";
  f.size_class = "T3";
  f.population = "141 000";
  f.missions = {"qualite"};
  f.cpam = p->cpam;
  f.ars = p->ars;
  // A wrong date and a size that does not fit the population come back on their field.
  auto bad = aci_->create_contract_from_form(roc57_, f);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "signature");
  f.signature = "2026-03-02";
  f.size_class = "T1";
  bad = aci_->create_contract_from_form(roc57_, f);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().field, "size_class") << bad.error().describe();
  EXPECT_EQ(count("SELECT count(*) FROM aci_contracts"), 0);
  f.size_class = "T3";
  auto id = aci_->create_contract_from_form(roc57_, f);
  ASSERT_TRUE(id) << id.error().describe();
  // The socle missions and the optional one ticked; the structure is at "ACI signé" since the
  // signature, recorded in the contract's transaction.
  auto c = aci_->contract(roc57_, *id);
  ASSERT_TRUE(c);
  std::vector<std::string> missions;
  for (const auto& m : c->missions) {
    if (m.in_contract) missions.push_back(m.mission);
  }
  EXPECT_EQ(missions, (std::vector<std::string>{"acces_soins", "parcours", "prevention", "qualite"}));
  EXPECT_EQ(count("SELECT count(*) FROM structures WHERE stage = 'aci_signe' AND "
                  "stage_since = '2026-03-02'"),
            1);
  EXPECT_EQ(count("SELECT count(*) FROM structure_transitions WHERE event = 'signer_aci'"), 1);
  EXPECT_TRUE(aci_->contract_candidates(roc57_)->empty());
}

TEST_P(AciServiceTest, NoContractBeforeTheNegotiationNorForAClosedStructure) {
  ASSERT_TRUE(set_stage("UPDATE structures SET stage = 'projet_depose' WHERE id = $1"));
  auto early = aci_->create_contract(roc57_, cpts57_, contract_doc().dump(), {});
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().code, ErrorCode::invalid_transition);
  EXPECT_NE(early.error().message.find("ACI en négociation"), std::string::npos)
      << early.error().message;
  ASSERT_TRUE(set_stage("UPDATE structures SET stage = 'dissous' WHERE id = $1"));
  EXPECT_FALSE(aci_->create_contract(roc57_, cpts57_, contract_doc().dump(), {}));
  EXPECT_EQ(count("SELECT count(*) FROM aci_contracts"), 0);
  // Already active (a contract entered after the fact): the stage stays.
  ASSERT_TRUE(set_stage("UPDATE structures SET stage = 'actif' WHERE id = $1"));
  EXPECT_GT(create(), 0);
  EXPECT_EQ(count("SELECT count(*) FROM structures WHERE stage = 'actif'"), 1);
}

TEST_P(AciServiceTest, BadContractsNameTheField) {
  auto expect_field = [&](json doc, const std::string& field) {
    auto r = aci_->create_contract(roc57_, cpts57_, doc.dump());
    ASSERT_FALSE(r) << field;
    EXPECT_EQ(r.error().field, field) << r.error().describe();
    EXPECT_TRUE(r.error().file.empty());
  };
  json d = contract_doc();
  d["amounts"] = {{"amorcage", -5}};
  expect_field(d, "$.contrat.amounts.amorcage");
  d = contract_doc();
  d["missions"][0]["mission"] = "teleportation";
  expect_field(d, "$.contrat.missions[0].mission");
  d = contract_doc();
  d["size_class"] = "T9";
  expect_field(d, "$.contrat.size_class");
  d = contract_doc();
  d["missions"][1]["start"] = "2020-01-01";  // before the signature
  expect_field(d, "$.contrat.missions[1].start");
  d = contract_doc();
  d.erase("signature");
  expect_field(d, "$.contrat.signature");
  EXPECT_EQ(count("SELECT count(*) FROM aci_contracts"), 0);
}

TEST_P(AciServiceTest, MeasuresCarryVersionsAndStaleWritesConflict) {
  std::int64_t id = create();
  auto w = aci_->workspace(coord57_, id, 1);
  ASSERT_TRUE(w) << w.error().describe();
  const AciIndicatorLine& ind = w->sheet.missions[0].indicators[0];
  EXPECT_EQ(ind.measured, 80.0);
  EXPECT_EQ(ind.rate_text, "80 %");
  std::int64_t v = ind.measure_version;
  EXPECT_EQ(v, 1);

  auto v2 = aci_->set_measure(coord57_, id, {"acces_soins", "mt", 1, 90.0, v});
  ASSERT_TRUE(v2) << v2.error().describe();
  EXPECT_EQ(*v2, 2);
  // Someone who read version 1 is refused, nothing overwritten.
  auto stale = aci_->set_measure(roc57_, id, {"acces_soins", "mt", 1, 50.0, v});
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  w = aci_->workspace(coord57_, id, 1);
  EXPECT_EQ(w->sheet.missions[0].indicators[0].measured, 90.0);
  // New value for year 2 (never entered: version 0); a second "new" write conflicts.
  EXPECT_TRUE(aci_->set_measure(coord57_, id, {"acces_soins", "mt", 2, 150.0, 0}));
  auto again = aci_->set_measure(coord57_, id, {"acces_soins", "mt", 2, 160.0, 0});
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  // Unknown indicator / year without targets / member.
  EXPECT_EQ(aci_->set_measure(coord57_, id, {"acces_soins", "zz", 1, 1.0, 0}).error().field,
            "$.indicator");
  EXPECT_EQ(aci_->set_measure(coord57_, id, {"prevention", "mt", 1, 1.0, 0}).error().field,
            "$.mission");
  EXPECT_EQ(aci_->set_measure(coord57_, id, {"acces_soins", "mt", 4, 1.0, 0}).error().field,
            "$.year");
  EXPECT_EQ(aci_->set_measure(member57_, id, {"acces_soins", "mt", 1, 1.0, 2}).error().code,
            ErrorCode::forbidden);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'aci.measure.set'"), 2);
}

TEST_P(AciServiceTest, AgreedChangesAreNewVersionsAndHistoryIsKept) {
  std::int64_t id = create();
  AgreedChange ch{1, 2, "Départs de médecins constatés", {{"acces_soins", "mt", 2, {150}}}};
  EXPECT_EQ(aci_->agree_change(coord57_, id, ch).error().code, ErrorCode::forbidden);
  auto n = aci_->agree_change(roc57_, id, ch);
  ASSERT_TRUE(n) << n.error().describe();
  EXPECT_EQ(*n, 2);
  // A second change read from version 1 is stale.
  auto stale = aci_->agree_change(roc57_, id, ch);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  // Targets out of order are refused by the engine, with no version added.
  AgreedChange bad{2, 2, "x", {{"acces_soins", "mt", 2, {300, 100}}}};
  auto b = aci_->agree_change(roc57_, id, bad);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().field, "$.changes");
  AgreedChange unknown{2, 2, "x", {{"acces_soins", "nope", 2, {3}}}};
  EXPECT_EQ(aci_->agree_change(roc57_, id, unknown).error().field, "$.changes[0].indicator");

  auto current = aci_->indicators(coord57_, id);
  ASSERT_TRUE(current);
  EXPECT_EQ(current->version, 2);
  EXPECT_EQ(current->years[1].missions[0].indicators[0].paliers_text, "150");
  auto first = aci_->indicators(coord57_, id, 1);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->years[1].missions[0].indicators[0].paliers_text, "200");
  auto w = aci_->workspace(ars44_, id, 2);
  ASSERT_TRUE(w);
  ASSERT_EQ(w->indicator_versions.size(), 2u);
  const AciVersionView& latest = w->indicator_versions[0];  // newest first
  EXPECT_EQ(latest.version.number, 2);
  EXPECT_EQ(latest.version.reason, "Départs de médecins constatés");
  ASSERT_EQ(latest.changes.size(), 1u);
  EXPECT_EQ(latest.changes[0].before, "200");
  EXPECT_EQ(latest.changes[0].after, "150");
  EXPECT_EQ(count("SELECT count(*) FROM aci_indicator_versions"), 2);
}

TEST_P(AciServiceTest, WorkspaceCommentsMinutesAndConflicts) {
  std::int64_t id = create();
  EXPECT_TRUE(
      aci_->add_comment(coord57_, id, 1, "indicateur:acces_soins/mt", "Mesure issue du suivi."));
  EXPECT_TRUE(
      aci_->add_comment(roc57_, id, 1, "indicateur:acces_soins/mt", "Justificatif attendu."));
  EXPECT_TRUE(aci_->add_comment(ars44_, id, 1, "general", "L'ARS suit ce point."));
  EXPECT_EQ(aci_->add_comment(member57_, id, 1, "general", "x").error().code, ErrorCode::forbidden);
  EXPECT_EQ(aci_->add_comment(coord57_, id, 1, "ailleurs", "x").error().field, "$.item");
  EXPECT_EQ(aci_->add_comment(coord57_, id, 9, "general", "x").error().field, "year");

  auto w = aci_->workspace(member57_, id, 1);
  ASSERT_TRUE(w);
  std::vector<AciComment> comments, general;
  for (const auto& c : w->comments) {
    if (c.item == w->sheet.missions[0].indicators[0].item) comments.push_back(c);
    if (c.item == "general") general.push_back(c);
  }
  ASSERT_EQ(comments.size(), 2u);
  EXPECT_EQ(comments[0].author, "Nom de coord57");
  EXPECT_EQ(comments[0].side, "structure");
  EXPECT_EQ(comments[1].side, "financeur");
  EXPECT_EQ(general.size(), 1u);
  EXPECT_FALSE(w->permissions.comment);  // members read
  std::int64_t version = w->workspace.version;
  EXPECT_EQ(version, 1);  // created by the first comment

  WorkspaceUpdate up{version, "2025-04-10", "Compte rendu"};
  auto v = aci_->update_workspace(roc57_, id, 1, up);
  ASSERT_TRUE(v) << v.error().describe();
  EXPECT_EQ(*v, 2);
  auto stale = aci_->update_workspace(coord57_, id, 1, up);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  WorkspaceUpdate bad{2, "10/04/2025", {}};
  EXPECT_EQ(aci_->update_workspace(coord57_, id, 1, bad).error().field, "$.dialogue_date");
  EXPECT_EQ(aci_->workspace(coord57_, id, 1)->workspace.minutes, "Compte rendu");
  // A workspace never saved is created by a write at version 0; a second one conflicts.
  EXPECT_TRUE(aci_->update_workspace(coord57_, id, 2, {0, "2026-04-01", {}}));
  EXPECT_EQ(aci_->update_workspace(roc57_, id, 2, {0, "2026-04-02", {}}).error().code,
            ErrorCode::conflict);
}

TEST_P(AciServiceTest, AdjustmentShowsOriginalAndAdjustedVariablePart) {
  std::int64_t id = create();
  // Population: 150 000 at signature (contract), 141 000 now (Metz + Montigny in the référentiel).
  AdjustmentInput in{"acces_soins", "mt", "population", "", {}, {}, "Baisse de population"};
  auto a = aci_->propose_adjustment(coord57_, id, 1, in);
  ASSERT_TRUE(a) << a.error().describe();
  EXPECT_EQ(a->fact_before, 150000.0);
  EXPECT_EQ(a->fact_after, 141000.0);
  EXPECT_EQ(a->original.paliers_text, "100");
  EXPECT_EQ(a->adjusted.paliers_text, "94");
  // T3 acces_soins variable 25 000 €: 80 % → 20 000 €; 80 / 94 = 85,1064 % → 21 276,60 €.
  EXPECT_EQ(a->original.variable_paid_cents, 2000000);
  EXPECT_EQ(a->adjusted.variable_paid_cents, 2127660);
  EXPECT_EQ(a->difference_cents, 127660);
  // GPs: both values are required.
  AdjustmentInput gp{"acces_soins", "mt", "medecins_generalistes", "", 50.0, {}, ""};
  EXPECT_EQ(aci_->propose_adjustment(roc57_, id, 1, gp).error().field, "$.fact_after");
  AdjustmentInput wrong{"acces_soins", "zz", "population", "", {}, {}, ""};
  EXPECT_EQ(aci_->propose_adjustment(roc57_, id, 1, wrong).error().field, "$.indicator");
  EXPECT_EQ(aci_->propose_adjustment(member57_, id, 1, in).error().code, ErrorCode::forbidden);
  auto w = aci_->workspace(ars44_, id, 1);
  ASSERT_EQ(w->adjustments.size(), 1u);
  EXPECT_EQ(w->adjustments[0].adjusted.variable_paid, a->adjusted.variable_paid);
}

TEST_P(AciServiceTest, AttachmentsBudgetAndFiches) {
  std::int64_t id = create();
  std::string bytes = std::string("%PDF-1.4\n") + std::string(100, '\0') + "fin";
  AttachmentInput att{"indicateur:acces_soins/mt", "suivi.pdf", "application/pdf",
                      base64::encode(bytes)};
  auto aid = aci_->add_attachment(coord57_, id, 1, att);
  ASSERT_TRUE(aid) << aid.error().describe();
  auto f = aci_->attachment(member57_, id, 1, *aid);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->bytes, bytes);
  EXPECT_EQ(f->filename, "suivi.pdf");
  EXPECT_EQ(aci_->attachment(coord75_, id, 1, *aid).error().code, ErrorCode::forbidden);
  EXPECT_EQ(aci_->attachment(member57_, id, 2, *aid).error().code, ErrorCode::not_found);
  // Size limit and types.
  AciService small(*db_, ref_, AciLimits{64, 4000, 1000});
  EXPECT_EQ(small.add_attachment(coord57_, id, 1, att).error().field, "$.content_base64");
  AttachmentInput html = att;
  html.content_type = "text/html";
  EXPECT_EQ(aci_->add_attachment(coord57_, id, 1, html).error().field, "$.content_type");

  // Budget: expected from the schedule, received and spent entered with versions.
  auto b = aci_->set_budget(coord57_, id, 2, {"fonctionnement", 5000000, 1000000, 0});
  ASSERT_TRUE(b) << b.error().describe();
  EXPECT_EQ(aci_->set_budget(roc57_, id, 2, {"fonctionnement", 1, 1, 0}).error().code,
            ErrorCode::conflict);
  EXPECT_EQ(aci_->set_budget(coord57_, id, 2, {"fonctionnement", -1, 1, 1}).error().field,
            "$.received");
  EXPECT_EQ(aci_->set_budget(coord57_, id, 2, {"voyages", 1, 1, 0}).error().field, "$.envelope");
  auto w = aci_->workspace(coord57_, id, 2);
  bool found = false;
  for (const auto& l : w->budget.lines) {
    if (l.envelope == "fonctionnement") {
      found = true;
      EXPECT_EQ(l.received, "50 000,00 €");
      EXPECT_EQ(l.remaining, "40 000,00 €");
      EXPECT_GT(l.expected_cents, 0);
    }
  }
  EXPECT_TRUE(found);

  // Fiches action: coordinator only, versioned.
  FicheInput fi{"acces_soins", "Cellule d'orientation", "", "a_lancer", 0};
  EXPECT_EQ(aci_->add_fiche(roc57_, id, 2, fi).error().code, ErrorCode::forbidden);
  auto fid = aci_->add_fiche(coord57_, id, 2, fi);
  ASSERT_TRUE(fid);
  fi.status = "en_cours";
  fi.version = 1;
  EXPECT_TRUE(aci_->update_fiche(coord57_, id, 2, *fid, fi));
  EXPECT_EQ(aci_->update_fiche(coord57_, id, 2, *fid, fi).error().code, ErrorCode::conflict);
  fi.status = "perdue";
  fi.version = 2;
  EXPECT_EQ(aci_->update_fiche(coord57_, id, 2, *fid, fi).error().field, "$.status");
  EXPECT_EQ(aci_->workspace(coord57_, id, 2)->fiches[0].status_label, "En cours");
}

TEST_P(AciServiceTest, ContractUpdateIsVersionedAndKeepsIndicators) {
  std::int64_t id = create();
  json doc = contract_doc();
  for (auto& m : doc["missions"]) m.erase("indicators");
  doc["missions"][1]["start"] = "2025-02-01";
  EXPECT_TRUE(aci_->update_contract(roc57_, id, 1, doc.dump()));
  auto stale = aci_->update_contract(roc57_, id, 1, doc.dump());
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_EQ(aci_->update_contract(coord57_, id, 2, doc.dump()).error().code, ErrorCode::forbidden);
  // Indicators cannot come in through the terms, nor can a mission with indicators leave.
  EXPECT_EQ(aci_->update_contract(roc57_, id, 2, contract_doc().dump()).error().field,
            "$.contrat.missions[0].indicators");
  json without = doc;
  without["missions"].erase(0);
  EXPECT_EQ(aci_->update_contract(roc57_, id, 2, without.dump()).error().field,
            "$.contrat.missions");
  auto c = aci_->contract(coord57_, id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->summary.version, 2);
  EXPECT_EQ(aci_->indicators(coord57_, id)->years[0].missions[0].indicators[0].measured, 80.0);
  // Unverified rule values are listed with their sources, for the contract's size class only.
  bool unverified = false;
  for (const auto& v : c->rules[0].values) {
    const std::string key = v.key;
    EXPECT_FALSE(key.size() > 3 && key.compare(key.size() - 3, 3, ".T2") == 0) << key;
    unverified = unverified || !v.verified;
  }
  EXPECT_TRUE(unverified);
}

TEST_P(AciServiceTest, ScheduleAndAlerts) {
  std::int64_t id = create();
  auto s = aci_->schedule(member57_, id);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->schedule.payments[0].date, "2024-03-15");
  EXPECT_EQ(s->schedule.payments[0].envelope, "amorcage");
  auto csv = aci_->schedule_csv(member57_, id);
  ASSERT_TRUE(csv);
  EXPECT_EQ(csv->substr(0, csv->find('\n')), "date,contract_year,envelope,kind,amount");
  EXPECT_TRUE(aci_->update_workspace(roc57_, id, 2, {0, "2026-04-01", {}}));
  Date today = *parse_date("2026-01-10");
  auto alerts = aci_->alerts({cpts57_}, today);
  ASSERT_TRUE(alerts);
  std::set<std::string> kinds;
  for (const auto& a : *alerts) {
    kinds.insert(a.kind);
    EXPECT_EQ(a.severity, a.kind == "late_mission" || a.date < today ? "critical"
                          : days_between(today, a.date) <= 14        ? "warning"
                                                                     : "info");
  }
  EXPECT_TRUE(kinds.count("anniversary"));
  EXPECT_TRUE(kinds.count("payment"));
  EXPECT_TRUE(kinds.count("dialogue"));
  EXPECT_TRUE(aci_->alerts({cpts75_}, today)->empty());
  // The portfolio's provider gives the same alerts, kinds prefixed, source "aci".
  auto portfolio = aci_alert_source()(*db_, {cpts57_}, today);
  ASSERT_TRUE(portfolio) << portfolio.error().describe();
  ASSERT_EQ(portfolio->size(), alerts->size());
  for (std::size_t i = 0; i < alerts->size(); ++i) {
    EXPECT_EQ((*portfolio)[i].kind, "aci_" + (*alerts)[i].kind);
    EXPECT_EQ((*portfolio)[i].label, (*alerts)[i].label);
    EXPECT_EQ((*portfolio)[i].source, "aci");
    EXPECT_EQ((*portfolio)[i].date, (*alerts)[i].date);
  }
}

TEST_P(AciServiceTest, TermsAreEditedBeforeTheFirstPaymentOnly) {
  std::int64_t id = create();
  AciContractEdit e;
  e.version = 1;
  e.signature = "2024-03-20";
  e.accord = "cpts-2019";
  e.size_class = "T3";
  e.missions = {"qualite"};
  e.starts = {{"acces_soins", "2024-03-20"}, {"parcours", "2025-01-10"}, {"qualite", ""}};
  ASSERT_TRUE(aci_->edit_contract(roc57_, id, e)) << aci_->edit_contract(roc57_, id, e).error().describe();
  auto c = aci_->contract(coord57_, id);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->summary.version, 2);
  EXPECT_EQ(c->summary.signature, "2024-03-20");
  EXPECT_FALSE(c->payment_recorded);
  std::set<std::string> chosen;
  for (const auto& m : c->mission_choices) {
    if (m.chosen) chosen.insert(m.id);
  }
  EXPECT_EQ(chosen, (std::set<std::string>{"acces_soins", "parcours", "prevention", "qualite"}));
  // The indicators and measured values stay (the mission that has them stays).
  EXPECT_EQ(aci_->indicators(coord57_, id)->years[0].missions[0].indicators[0].measured, 80.0);
  // Audited with the terms before and after.
  auto audit = db_->query(
      "SELECT before, after FROM audit_log WHERE action = 'aci.contract.edit'");
  ASSERT_TRUE(audit);
  ASSERT_EQ(audit->rows.size(), 1u);
  EXPECT_NE(audit->rows[0].text(0).find("\"signature\":\"2024-03-15\""), std::string::npos);
  EXPECT_NE(audit->rows[0].text(1).find("\"signature\":\"2024-03-20\""), std::string::npos);

  // A second editor who read version 1 gets a conflict with a clear message.
  auto stale = aci_->edit_contract(roc57_, id, e);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_NE(stale.error().message.find("modifié par quelqu'un d'autre"), std::string::npos);
  e.version = 2;
  EXPECT_EQ(aci_->edit_contract(coord57_, id, e).error().code, ErrorCode::forbidden);
  EXPECT_EQ(aci_->edit_contract(roc75_, id, e).error().code, ErrorCode::forbidden);
  AciContractEdit bad = e;
  bad.signature = "2024-13-01";
  EXPECT_EQ(aci_->edit_contract(roc57_, id, bad).error().field, "signature");
  bad = e;
  bad.size_class = "T9";
  EXPECT_EQ(aci_->edit_contract(roc57_, id, bad).error().field, "size_class");
  bad = e;
  bad.accord = "msp-2017";
  EXPECT_EQ(aci_->edit_contract(roc57_, id, bad).error().field, "accord");
  bad = e;
  bad.starts = {{"acces_soins", "2020-01-01"}};  // before the signature
  EXPECT_EQ(aci_->edit_contract(roc57_, id, bad).error().field, "missions");

  // Once money received is recorded, the terms change only by avenant (form and API alike).
  ASSERT_TRUE(aci_->set_budget(coord57_, id, 1, {"amorcage", 100, 0, 0}));
  auto paid = aci_->edit_contract(roc57_, id, e);
  ASSERT_FALSE(paid);
  EXPECT_EQ(paid.error().code, ErrorCode::invalid_transition);
  EXPECT_NE(paid.error().message.find("que par avenant"), std::string::npos);
  json doc = contract_doc();
  for (auto& m : doc["missions"]) m.erase("indicators");
  EXPECT_EQ(aci_->update_contract(roc57_, id, 2, doc.dump()).error().code,
            ErrorCode::invalid_transition);
  EXPECT_TRUE(aci_->contract(roc57_, id)->payment_recorded);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'aci.contract.edit'"), 1);
}

TEST_P(AciServiceTest, AnAvenantChangesTheFollowingYearsOfTheSchedule) {
  std::int64_t id = create();
  ASSERT_TRUE(aci_->set_budget(coord57_, id, 1, {"amorcage", 100, 0, 0}));
  auto fonctionnement_advance = [&](const std::string& date) -> std::string {
    auto s = aci_->schedule(roc57_, id);
    EXPECT_TRUE(s) << s.error().describe();
    for (const auto& p : s->schedule.payments) {
      if (p.envelope == "fonctionnement" && p.kind == "avance" && p.date == date) return p.amount;
    }
    return "absent";
  };
  // Before: T3 every year, 75 % of 75 000 = 56 250.
  EXPECT_EQ(fonctionnement_advance("2025-03-15"), "56250.00");
  EXPECT_EQ(fonctionnement_advance("2026-03-15"), "56250.00");

  AciAvenantForm f;
  f.version = 1;
  f.from = "2025-06-01";  // in contract year 2 (2025-03-15 → 2026-03-15)
  f.size_class = "T4";
  f.missions = {"qualite"};
  f.reason = "Extension du territoire";
  auto n = aci_->add_avenant(roc57_, id, f);
  ASSERT_TRUE(n) << n.error().describe();
  EXPECT_EQ(*n, 1);
  // Year 2 began under T3; year 3 begins under T4: 75 % of 90 000 = 67 500.
  EXPECT_EQ(fonctionnement_advance("2025-03-15"), "56250.00");
  EXPECT_EQ(fonctionnement_advance("2026-03-15"), "67500.00");
  // The added mission is paid from the date d'effet (its start by default).
  auto s = aci_->schedule(roc57_, id);
  bool qualite = false;
  for (const auto& p : s->schedule.payments) {
    if (p.envelope == "qualite.fixe" && p.kind == "avance" && p.date == "2025-06-01") qualite = true;
  }
  EXPECT_TRUE(qualite);
  auto c = aci_->contract(coord57_, id);
  ASSERT_EQ(c->avenants.size(), 1u);
  EXPECT_EQ(c->avenants[0].number, 1);
  EXPECT_EQ(c->avenants[0].from, "2025-06-01");
  EXPECT_EQ(c->avenants[0].size_class, "T4");
  ASSERT_EQ(c->avenants[0].missions.size(), 1u);
  EXPECT_EQ(c->avenants[0].reason, "Extension du territoire");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'aci.contract.avenant'"), 1);

  // A second avenant, in order; refusals name their field.
  f.version = 1;
  EXPECT_EQ(aci_->add_avenant(roc57_, id, f).error().code, ErrorCode::conflict);
  f.version = 2;
  f.missions.clear();
  f.size_class = "T4";
  f.from = "2026-06-01";
  EXPECT_EQ(aci_->add_avenant(roc57_, id, f).error().field, "size_class");  // already T4
  f.size_class = "";
  EXPECT_EQ(aci_->add_avenant(roc57_, id, f).error().field, "size_class");  // no change
  f.size_class = "T2";
  f.from = "2025-05-01";  // before the previous avenant
  EXPECT_EQ(aci_->add_avenant(roc57_, id, f).error().field, "from");
  f.from = "";
  EXPECT_EQ(aci_->add_avenant(roc57_, id, f).error().field, "from");
  f.from = "2026-06-01";
  f.missions = {"qualite"};
  EXPECT_EQ(aci_->add_avenant(roc57_, id, f).error().field, "missions");  // already there
  f.missions.clear();
  EXPECT_EQ(aci_->add_avenant(coord57_, id, f).error().code, ErrorCode::forbidden);
  EXPECT_EQ(aci_->add_avenant(roc75_, id, f).error().code, ErrorCode::forbidden);
  n = aci_->add_avenant(roc57_, id, f);
  ASSERT_TRUE(n) << n.error().describe();
  EXPECT_EQ(*n, 2);
  c = aci_->contract(coord57_, id);
  ASSERT_EQ(c->avenants.size(), 2u);
  EXPECT_EQ(c->avenants[1].size_class, "T2");
  // Year 4 (2027-03-15) under T2: 75 % of 60 000 = 45 000.
  EXPECT_EQ(fonctionnement_advance("2027-03-15"), "45000.00");
}

TEST_P(AciServiceTest, MspContractMeasuresPointsAndEuros) {
  std::int64_t msp = structure("MSP", "MSP de Metz (test)", "57");
  AciContractForm f;
  f.structure_id = msp;
  f.reference = "MSP-57-TEST";
  f.accord = "msp-2017";
  f.signature = "2025-07-01";  // 2025 counts 184 of 365 days
  f.cpam = "CPAM de Moselle";
  f.ars = "ARS Grand Est";
  f.patients = "3 000";
  f.missions = {"formation_jeunes"};
  auto id = aci_->create_contract_from_form(roc57_, f);
  ASSERT_TRUE(id) << id.error().describe();
  AciContractForm bad = f;
  bad.reference = "MSP-57-TEST-2";
  bad.missions = {"inconnu"};
  EXPECT_EQ(aci_->create_contract_from_form(roc57_, bad).error().field, "missions");

  auto c = aci_->contract(coord57_, *id);
  EXPECT_FALSE(c) << "the coordinator of another structure does not see it";
  c = aci_->contract(roc57_, *id);
  ASSERT_TRUE(c);
  // Calendar years 2025 to 2030 (the contract ends 2030-07-01, excluded).
  ASSERT_EQ(c->years.size(), 6u);
  EXPECT_EQ(c->years[0].label, "2025");
  EXPECT_EQ(c->years[5].label, "2030");

  // Rates of 2025 and the patientèle are measures of the year, versioned and audited.
  auto rate = [&](const std::string& ind, double v, std::int64_t version) {
    return aci_->set_measure(roc57_, *id, {"msp", ind, 2025, v, version});
  };
  ASSERT_TRUE(rate("acces_soins", 100, 0));
  ASSERT_TRUE(rate("coordination", 100, 0));
  ASSERT_TRUE(rate("systeme_information", 100, 0));
  ASSERT_TRUE(rate("formation_jeunes", 50, 0));
  EXPECT_EQ(rate("formation_jeunes", 60, 0).error().code, ErrorCode::conflict);
  EXPECT_EQ(rate("demarche_qualite", 50, 0).error().field, "$.indicator");  // not chosen
  EXPECT_EQ(rate("acces_soins", 101, 1).error().field, "$.measured");
  EXPECT_EQ(aci_->set_measure(roc57_, *id, {"acces_soins", "acces_soins", 2025, 1.0, 0})
                .error()
                .field,
            "$.mission");
  EXPECT_EQ(aci_->set_measure(roc57_, *id, {"msp", "acces_soins", 2031, 1.0, 0}).error().field,
            "$.year");
  EXPECT_EQ(aci_->set_measure(member57_, *id, {"msp", "acces_soins", 2025, 1.0, 1}).error().code,
            ErrorCode::forbidden);
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'aci.measure.set'"), 4);

  // By hand, 2025 (184/365 days), 3 000 patients of 4 000:
  //   accès 1 200 pts: 7 × 1 200 × 184/365 = 4 234.520… → 4 234.52 € at 100 %;
  //   coordination 1 000 + 1 700 × 3/4 = 2 275 pts: 15 925 × 184/365 = 8 027.945… → 8 027.95 €;
  //   SI 500 pts: 3 500 × 184/365 = 1 764.383… → 1 764.38 €;
  //   protocoles 320 pts: 2 240 × 184/365 = 1 129.205… → 1 129.21 € at 100 %, 0 % measured;
  //   concertation 1 000 × 3/4 = 750 pts: 5 250 × 184/365 = 2 646.575… → 2 646.58 €, 0 %;
  //   formation 450 pts: 3 150 × 184/365 × 50 % = 793.972… → 793.97 €.
  //   Earned 4 234.52 + 8 027.95 + 1 764.38 + 793.97 = 14 820.82 €.
  //   Socle at 100 % = 4 234.52 + 8 027.95 + 1 764.38 + 1 129.21 + 2 646.58 = 17 802.64 €;
  //   advance max(60 % = 10 681.58, 12 000) = 12 000 €; balance 2 820.82 €.
  auto w = aci_->workspace(roc57_, *id, 1);
  ASSERT_TRUE(w) << w.error().describe();
  EXPECT_TRUE(w->msp);
  const AciMspSheet& m = w->msp_sheet;
  EXPECT_EQ(m.calendar_year, 2025);
  EXPECT_EQ(m.patients, 3000);
  EXPECT_EQ(m.prorata, "184/365 jours");
  std::map<std::string, AciMspLine> lines;
  for (const auto& l : m.lines) lines[l.id] = l;
  ASSERT_EQ(lines.size(), 6u);
  auto digits = [](const std::string& text) {
    std::string out;
    for (char ch : text) {
      if ((ch >= '0' && ch <= '9') || ch == ',') out += ch;
    }
    return out;
  };
  EXPECT_EQ(digits(lines["coordination"].points_text), "2275");
  EXPECT_EQ(digits(lines["coordination"].euros_earned), "8027,95");
  EXPECT_EQ(digits(lines["formation_jeunes"].euros_earned), "793,97");
  EXPECT_EQ(digits(lines["protocoles"].euros_full), "1129,21");
  EXPECT_FALSE(lines["protocoles"].is_measured);
  EXPECT_FALSE(lines["protocoles"].verified);
  EXPECT_TRUE(lines["acces_soins"].verified);
  EXPECT_EQ(digits(m.earned), "14820,82");
  EXPECT_EQ(digits(m.socle_full), "17802,64");
  EXPECT_EQ(digits(m.advance), "12000,00");
  EXPECT_EQ(digits(m.balance), "2820,82");
  EXPECT_TRUE(m.unmet_prerequisite.empty());
  // The schedule pays the same.
  auto s = aci_->schedule_csv(roc57_, *id);
  ASSERT_TRUE(s);
  EXPECT_NE(s->find("2026-04-30,2025,remuneration,solde,2820.82"), std::string::npos) << *s;

  // An unmet prérequis cancels the year.
  ASSERT_TRUE(rate("coordination", 80, 1));
  w = aci_->workspace(roc57_, *id, 1);
  EXPECT_EQ(w->msp_sheet.unmet_prerequisite, "Fonction de coordination");
  EXPECT_EQ(digits(w->msp_sheet.total), "0,00");

  // The patientèle of a year: a measure too (4 000 → coordination 2 700 pts).
  ASSERT_TRUE(aci_->set_measure(roc57_, *id, {"msp", "patientele", 2025, 4000.0, 0}));
  EXPECT_EQ(aci_->set_measure(roc57_, *id, {"msp", "patientele", 2025, 10.5, 1}).error().field,
            "$.measured");
  w = aci_->workspace(roc57_, *id, 1);
  for (const auto& l : w->msp_sheet.lines) {
    if (l.id == "coordination") {
      EXPECT_EQ(digits(l.points_text), "2700");
    }
  }
  // The shared parts of the workspace work for an MSP year too; year 7 does not exist.
  EXPECT_TRUE(aci_->add_comment(roc57_, *id, 1, "indicateur:msp/coordination", "Justificatifs ?"));
  EXPECT_TRUE(aci_->update_workspace(roc57_, *id, 1, {0, "2026-03-01", "Compte rendu"}));
  EXPECT_EQ(aci_->workspace(roc57_, *id, 7).error().field, "year");
  EXPECT_EQ(aci_->set_budget(roc57_, *id, 1, {"fonctionnement", 1, 0, 0}).error().field,
            "$.envelope");
  // Money received on the MSP's remuneration: its terms no longer change (MSP avenants are not
  // modelled; the year's facts are measures).
  ASSERT_TRUE(aci_->set_budget(roc57_, *id, 1, {"remuneration", 1200000, 0, 0}));
  AciContractEdit e;
  e.version = 1;
  e.signature = "2025-07-02";
  e.accord = "msp-2017";
  auto refused = aci_->edit_contract(roc57_, *id, e);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_transition);
  EXPECT_NE(refused.error().message.find("année par année"), std::string::npos);
  EXPECT_EQ(aci_->add_avenant(roc57_, *id, {1, "2026-01-01", "T2", {}, {}, ""}).error().field,
            "from");
}

INSTANTIATE_TEST_SUITE_P(Backends, AciServiceTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
