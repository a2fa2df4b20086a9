// The projet de santé service on both backends, on a fixture CPTS of the small référentiel of
// the API tests: its territory is Metz (120 000 inhabitants) and Montigny-lès-Metz (21 000), in
// Moselle (156 350) and Grand Est (260 350); France is 2 360 350. The supply is given below, so
// every figure of the golden test is computed by hand in the comments.
#include <gtest/gtest.h>

#include <algorithm>
#include <variant>

#include "diagnostic/professions.hpp"
#include "http/test_referentiel.hpp"
#include "services/association.hpp"
#include "services/association_work.hpp"
#include "services/diagnostic.hpp"
#include "services/projet_sante.hpp"
#include "services/registry.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

using diagnostic::Supply;

// Snapshot 1 (the current one, 2026-06-01) as above; with `previous`, snapshot 2 (2025-06-01)
// had 3 GPs in Montigny-lès-Metz instead of 10 and 42 nurses in Metz instead of 40, and the
// people lists say who came and went: GP "g-old" left, "g-new1"/"g-new2" arrived; nurses "i-1"
// and "i-2" left.
class FakeSource final : public SupplySource {
 public:
  explicit FakeSource(bool previous = false) : previous_(previous) {}
  Result<std::vector<SnapshotRef>> latest(int) override {
    std::vector<SnapshotRef> out{{1, "2026-06-01", "2026-06-02T08:00:00.000Z", "a.txt"}};
    if (previous_) out.push_back({2, "2025-06-01", "2025-06-02T08:00:00.000Z", "b.txt"});
    return out;
  }
  Result<std::vector<CommuneSupplyRow>> commune_supply(std::int64_t id) override {
    const std::string gp(diagnostic::kGeneralPractitioner);
    const double montigny = id == 2 ? 3 : 10;
    const double nurses = id == 2 ? 42 : 40;
    return std::vector<CommuneSupplyRow>{{"57463", gp, Supply{100, 90, 0, 0}},
                                         {"57480", gp, Supply{montigny, montigny, 0, 0}},
                                         {"57606", gp, Supply{5, 5, 0, 0}},
                                         {"54395", gp, Supply{50, 50, 0, 0}},
                                         {"75101", gp, Supply{2000, 2000, 0, 0}},
                                         {"57463", "infirmier", Supply{nurses, nurses, 0, 0}}};
  }
  Result<std::vector<PersonRow>> people(std::int64_t id, const std::vector<std::string>&) override {
    if (!previous_) return std::vector<PersonRow>{};
    const std::string gp(diagnostic::kGeneralPractitioner);
    std::vector<PersonRow> out{{"57463", {"g-stay", gp}}, {"57463", {"i-stay", "infirmier"}}};
    if (id == 1) {
      out.push_back({"57480", {"g-new1", gp}});
      out.push_back({"57480", {"g-new2", gp}});
    } else {
      out.push_back({"57480", {"g-old", gp}});
      out.push_back({"57463", {"i-1", "infirmier"}});
      out.push_back({"57463", {"i-2", "infirmier"}});
    }
    return out;
  }

 private:
  bool previous_ = false;
};

Principal principal(Role role, std::vector<std::int64_t> structures = {}) {
  Principal p;
  p.login = std::string(role_id(role)) + "@test";
  p.display_name = "Test " + std::string(role_id(role));
  p.role = role;
  p.structures = std::move(structures);
  if (role == Role::roc) p.departements = {"57"};
  if (role == Role::ars || role == Role::charge_de_mission) p.regions = {"44"};
  return p;
}

// All the text of a document, one line per block / table row (cells joined by " | ").
std::vector<std::string> lines_of(const office::Document& doc) {
  std::vector<std::string> out;
  auto runs = [](const office::Paragraph& p) {
    std::string s;
    for (const auto& r : p.runs) s += r.text;
    return s;
  };
  for (const auto& b : doc.blocks) {
    if (const auto* h = std::get_if<office::Heading>(&b)) out.push_back(h->text);
    if (const auto* p = std::get_if<office::Paragraph>(&b)) out.push_back(runs(*p));
    if (const auto* l = std::get_if<office::BulletList>(&b)) {
      for (const auto& i : l->items) out.push_back("• " + runs(i));
    }
    if (const auto* t = std::get_if<office::Table>(&b)) {
      for (auto row : t->rows) {
        std::string s;
        for (const auto& c : row) s += (s.empty() ? "" : " | ") + c;
        out.push_back(s);
      }
    }
  }
  return out;
}

bool has_line(const std::vector<std::string>& lines, const std::string& want) {
  return std::find(lines.begin(), lines.end(), want) != lines.end();
}

std::string dump(const std::vector<std::string>& lines) {
  std::string s;
  for (const auto& l : lines) s += l + "\n";
  return s;
}

// The narrow no-break space French numbers use in documents, between groups of digits.
std::string n(const std::string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool between_digits = s[i] == ' ' && i > 0 && i + 1 < s.size() &&
                                std::isdigit(static_cast<unsigned char>(s[i - 1])) &&
                                std::isdigit(static_cast<unsigned char>(s[i + 1]));
    out += between_digits ? std::string("\u202F") : std::string(1, s[i]);
  }
  return out;
}

class ProjetService : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    ref_ = testing::small_referentiel();
    registry_ = std::make_unique<Registry>(Registry::create(*db_, ref_).value());
    diagnostics_ = std::make_unique<Diagnostics>(*db_, ref_, std::make_shared<FakeSource>());
    auto p = ProjetsDeSante::create(*db_, ref_, *registry_, *diagnostics_);
    ASSERT_TRUE(p) << p.error().describe();
    projets_ = std::move(*p);
    cpts_ =
        add_structure("CPTS", "CPTS test du Pays messin", "association_creee", {"57463", "57480"});
    other_ = add_structure("CPTS", "CPTS test de Saint-Avold", "emergence", {"57606"});
  }
  void TearDown() override {
    projets_.reset();
    diagnostics_.reset();
    registry_.reset();
    db_.reset();
    scratch_.reset();
  }

  std::int64_t add_structure(const std::string& kind, const std::string& name,
                             const std::string& stage, std::vector<std::string> territory) {
    std::int64_t id = 0;
    auto s = db_->transact([&](store::Tx& tx) -> Status {
      auto r = tx.query(
          "INSERT INTO structures (kind, name, departement, stage, commune, created_at, "
          "updated_at) VALUES ($1, $2, '57', $3, $4, 'x', 'x') RETURNING id",
          {kind, name, stage, territory.front()});
      if (!r) return tl::unexpected(r.error());
      id = r->rows.at(0).integer(0);
      for (const auto& c : territory) {
        auto e = tx.exec("INSERT INTO structure_communes (structure_id, commune) VALUES ($1, $2)",
                         {id, c});
        if (!e) return tl::unexpected(e.error());
      }
      return {};
    });
    EXPECT_TRUE(s) << s.error().describe();
    return id;
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  geo::Referentiel ref_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Diagnostics> diagnostics_;
  std::unique_ptr<ProjetsDeSante> projets_;
  std::int64_t cpts_ = 0;
  std::int64_t other_ = 0;
};

TEST_P(ProjetService, GoldenFiguresOfTheFixtureCpts) {
  const Principal coordinator = principal(Role::coordinator, {cpts_});
  auto doc = projets_->document(coordinator, cpts_, "2026-12-07T10:00:00Z");
  ASSERT_TRUE(doc) << doc.error().describe();
  const auto lines = lines_of(*doc);
  SCOPED_TRACE(dump(lines));

  EXPECT_EQ(doc->title, "Projet de santé — CPTS test du Pays messin");
  // Two communes, 120 000 + 21 000 inhabitants: size T3 (80 000 to 175 000).
  EXPECT_TRUE(has_line(lines, "Communes : 2"));
  EXPECT_TRUE(has_line(lines, n("Population : 141 000 habitants")));
  EXPECT_TRUE(
      has_line(lines, "Taille au sens de l'ACI : T3 — Taille 3 (80 000 à 175 000 habitants)"));
  // Population table: territory, Moselle, Grand Est, France.
  EXPECT_TRUE(has_line(lines, n("Territoire de la CPTS | 141 000 | 2")));
  EXPECT_TRUE(has_line(lines, n("Moselle | 156 350 | —")));
  EXPECT_TRUE(has_line(lines, n("Grand Est | 260 350 | —")));
  EXPECT_TRUE(has_line(lines, n("France | 2 360 350 | —")));
  // GPs: 100 + 10 = 110 present, 90 + 10 = 100 FTE; per 10 000: 110 / 14.1 = 7.80; Moselle
  // 115 / 15.635 = 7.36; Grand Est (115 + 50) / 26.035 = 6.34; France 2 165 / 236.035 = 9.17.
  EXPECT_TRUE(has_line(lines, "Médecins généralistes | 110 | 100,0 | 7,8 | 7,4 | 6,3 | 9,2"));
  // Nurses: 40 in Metz; 40 / 14.1 = 2.84; 40 / 15.635 = 2.56; 40 / 26.035 = 1.54; 40 / 236.035
  // = 0.17.
  EXPECT_TRUE(has_line(lines, "Infirmiers | 40 | 40,0 | 2,8 | 2,6 | 1,5 | 0,2"))
      << "(label of the nurses' row as the diagnostic names it)";
  // Communes annex.
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(),
                          [](const std::string& l) { return l.rfind("57463 | Metz | ", 0) == 0; }));
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.rfind("57480 | Montigny-lès-Metz | ", 0) == 0;
  }));
  // Sources name the RPPS extract date.
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.find("extraction du 01/06/2026") != std::string::npos;
  }));
  // Budget, T3, socle missions of the accord as amended by avenant 2 (rules/aci): fonctionnement
  // 75 000 + accès 25 000 + 25 000 + parcours 35 000 + 35 000 + prévention 17 500 + 17 500 +
  // crise 40 000 + 0 = 270 000 € a year.
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.rfind("Total annuel à pleine réalisation", 0) == 0 &&
           l.find("270 000,00 €") != std::string::npos;
  }));
  // The map is drawn (an image block with PNG bytes).
  EXPECT_TRUE(std::any_of(doc->blocks.begin(), doc->blocks.end(), [](const office::Block& b) {
    const auto* i = std::get_if<office::Image>(&b);
    return i && i->png.rfind("\x89PNG", 0) == 0;
  }));
  // Without the association service, governance says so and leaves the prompts to the porteurs.
  EXPECT_TRUE(has_line(lines, "Les données de l'association ne sont pas disponibles pour ce document."));
  EXPECT_TRUE(has_line(lines, "Collèges et instances"));
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.rfind("À compléter : Décrivez le conseil d'administration", 0) == 0;
  }));
  // One RPPS snapshot: the evolution waits for the next one.
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.rfind("Une seule extraction du RPPS (du 01/06/2026)", 0) == 0;
  }));
}

TEST_P(ProjetService, MissionsTextsVersionsAndHistory) {
  const Principal coordinator = principal(Role::coordinator, {cpts_});
  auto v = projets_->view(coordinator, cpts_);
  ASSERT_TRUE(v) << v.error().describe();
  EXPECT_TRUE(v->may_edit);
  EXPECT_TRUE(v->may_submit) << v->submit_note;
  EXPECT_EQ(v->draft_version, 0);
  // Socle missions are always in.
  EXPECT_EQ(v->draft.missions,
            (std::vector<std::string>{"acces_soins", "parcours", "prevention", "crise_sanitaire"}));

  auto chosen = projets_->choose_missions(coordinator, cpts_, 0, {"qualite"});
  ASSERT_TRUE(chosen) << chosen.error().describe();
  EXPECT_EQ(chosen->draft_version, 1);
  EXPECT_EQ(chosen->draft.missions.back(), "qualite");
  // A stale version conflicts; an unknown mission is refused.
  EXPECT_EQ(projets_->choose_missions(coordinator, cpts_, 0, {}).error().code, ErrorCode::conflict);
  EXPECT_EQ(projets_->choose_missions(coordinator, cpts_, 1, {"inconnue"}).error().code,
            ErrorCode::invalid_input);

  auto t1 = projets_->save_text(coordinator, cpts_, "porteurs", 0, "Six médecins.\n\nDeux IDE.");
  ASSERT_TRUE(t1) << t1.error().describe();
  EXPECT_EQ(t1->version, 1);
  const Principal admin = principal(Role::admin);
  auto t2 = projets_->save_text(admin, cpts_, "porteurs", 1, "Sept médecins.");
  ASSERT_TRUE(t2) << t2.error().describe();
  EXPECT_EQ(t2->version, 2);
  // The coordinator still holds version 1: conflict, nothing overwritten.
  auto stale = projets_->save_text(coordinator, cpts_, "porteurs", 1, "Écrasé ?");
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_EQ(projets_->save_text(coordinator, cpts_, "inconnue", 0, "x").error().code,
            ErrorCode::invalid_input);
  // A mission prompt.
  ASSERT_TRUE(projets_->save_text(coordinator, cpts_, "mission.qualite.actions", 0, "GAP."));

  auto history = projets_->text_history(coordinator, cpts_, "porteurs");
  ASSERT_TRUE(history);
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].version, 2);
  EXPECT_EQ((*history)[0].author, "Test admin");
  EXPECT_EQ((*history)[0].body, "Sept médecins.");
  EXPECT_EQ((*history)[1].author, "Test coordinator");

  // The document carries the texts, under their labels; data blocks are computed afresh.
  auto doc = projets_->document(coordinator, cpts_, "2026-12-07T10:00:00Z");
  ASSERT_TRUE(doc);
  auto lines = lines_of(*doc);
  auto at = std::find(lines.begin(), lines.end(), "Les porteurs du projet");
  ASSERT_NE(at, lines.end());
  EXPECT_EQ(*(at + 1), "Sept médecins.");
  EXPECT_TRUE(has_line(lines, "GAP."));
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.rfind(
               "Développement de la qualité et de la pertinence des soins (mission optionnelle)",
               0) == 0;
  }));
}

TEST_P(ProjetService, WhoReadsAndWhoWrites) {
  const Principal coordinator = principal(Role::coordinator, {cpts_});
  for (Role r : {Role::roc, Role::charge_de_mission, Role::ars, Role::admin, Role::observer}) {
    auto v = projets_->view(principal(r), cpts_);
    ASSERT_TRUE(v) << role_id(r) << ": " << v.error().describe();
    EXPECT_EQ(v->may_edit, r == Role::admin) << role_id(r);
  }
  auto member = projets_->view(principal(Role::member, {cpts_}), cpts_);
  ASSERT_TRUE(member);
  EXPECT_FALSE(member->may_edit);
  // The coordinator of another structure neither reads nor writes.
  const Principal stranger = principal(Role::coordinator, {other_});
  EXPECT_EQ(projets_->view(stranger, cpts_).error().code, ErrorCode::forbidden);
  EXPECT_EQ(projets_->save_text(stranger, cpts_, "porteurs", 0, "x").error().code,
            ErrorCode::forbidden);
  EXPECT_EQ(projets_->file(stranger, cpts_, ProjetFormat::docx).error().code, ErrorCode::forbidden);
  for (Role r : {Role::roc, Role::charge_de_mission, Role::member}) {
    EXPECT_EQ(projets_->save_text(principal(r, {cpts_}), cpts_, "porteurs", 0, "x").error().code,
              ErrorCode::forbidden)
        << role_id(r);
  }
  (void)coordinator;
}

TEST_P(ProjetService, SubmissionRecordsTheStepAndKeepsTheDocument) {
  const Principal coordinator = principal(Role::coordinator, {cpts_});
  // The chargé de mission reads but does not decide the deposit.
  auto cm = projets_->view(principal(Role::charge_de_mission), cpts_);
  ASSERT_TRUE(cm);
  EXPECT_FALSE(cm->may_submit);
  EXPECT_FALSE(cm->submit_note.empty());

  auto v = projets_->view(coordinator, cpts_);
  ASSERT_TRUE(v);
  const Date today = today_utc();
  auto refused = projets_->submit(principal(Role::charge_de_mission), cpts_, v->structure_version,
                                  today, today);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::forbidden);

  auto s = projets_->submit(coordinator, cpts_, v->structure_version, today, today);
  ASSERT_TRUE(s) << s.error().describe();
  auto structure = registry_->get_structure(coordinator, cpts_);
  ASSERT_TRUE(structure);
  EXPECT_EQ(structure->stage, "projet_depose");
  auto stored = registry_->document(coordinator, cpts_, s->document_id);
  ASSERT_TRUE(stored) << stored.error().describe();
  EXPECT_EQ(stored->info.doc_type, "projet_sante");
  EXPECT_EQ(stored->bytes.substr(0, 2), "PK");  // a zip package (DOCX)
  auto after = projets_->view(coordinator, cpts_);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->submissions.size(), 1u);
  EXPECT_EQ(after->submissions[0].document_id, s->document_id);
  EXPECT_FALSE(after->may_submit);  // already deposited
  // A second deposit from the new stage is an invalid transition.
  EXPECT_EQ(projets_->submit(coordinator, cpts_, structure->version, today, today).error().code,
            ErrorCode::invalid_transition);
}

TEST_P(ProjetService, RegionalTemplatesAreVersionedAndChecked) {
  const Principal cm = principal(Role::charge_de_mission);
  auto current = projets_->region_template(cm, "44");
  ASSERT_TRUE(current) << current.error().describe();
  EXPECT_EQ(current->version, 0);  // the national default
  EXPECT_TRUE(current->may_edit);

  std::string body = current->body;
  const std::string from = "title = \"Projet de santé\"";
  body.replace(body.find(from), from.size(), "title = \"Projet de santé territorial\"");
  auto saved = projets_->save_region_template(cm, "44", 0, body, "titre Grand Est");
  ASSERT_TRUE(saved) << saved.error().describe();
  EXPECT_EQ(saved->version, 1);
  EXPECT_EQ(projets_->save_region_template(cm, "44", 0, body, "").error().code,
            ErrorCode::conflict);

  // The structures of the région now use it.
  auto doc =
      projets_->document(principal(Role::coordinator, {cpts_}), cpts_, "2026-12-07T10:00:00Z");
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->title, "Projet de santé territorial — CPTS test du Pays messin");

  // A broken template is refused naming the chapter; nothing is saved.
  std::string broken = body;
  const std::string block = "data = \"professionnels\"";
  broken.replace(broken.find(block), block.size(), "data = \"medecins\"");
  auto refused = projets_->save_region_template(cm, "44", 1, broken, "");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::parse_error);
  EXPECT_NE(refused.error().message.find("chapitre « diagnostic »"), std::string::npos)
      << refused.error().message;
  EXPECT_EQ(projets_->region_template(cm, "44")->version, 1);

  // Who edits: chargés de mission of the région and admins; ARS reads; a ROC does not.
  EXPECT_FALSE(projets_->region_template(principal(Role::ars), "44")->may_edit);
  EXPECT_EQ(projets_->region_template(principal(Role::roc), "44").error().code,
            ErrorCode::forbidden);
  EXPECT_EQ(projets_->save_region_template(principal(Role::ars), "44", 1, body, "").error().code,
            ErrorCode::forbidden);
  EXPECT_EQ(projets_->region_template(cm, "11").error().code, ErrorCode::forbidden);
}

TEST_P(ProjetService, ReadersCommentChapters) {
  const Principal roc = principal(Role::roc);
  auto c = projets_->comment(roc, cpts_, "diagnostic", "Ajouter les données Rézone.");
  ASSERT_TRUE(c) << c.error().describe();
  EXPECT_EQ(c->author, "Test roc");
  EXPECT_EQ(projets_->comment(roc, cpts_, "inconnu", "x").error().code, ErrorCode::invalid_input);
  EXPECT_EQ(projets_->comment(roc, cpts_, "diagnostic", "  \n").error().code,
            ErrorCode::invalid_input);
  EXPECT_EQ(
      projets_->comment(principal(Role::member, {cpts_}), cpts_, "diagnostic", "x").error().code,
      ErrorCode::forbidden);
  EXPECT_EQ(projets_->comment(principal(Role::coordinator, {other_}), cpts_, "diagnostic", "x")
                .error()
                .code,
            ErrorCode::forbidden);
  auto v = projets_->view(principal(Role::coordinator, {cpts_}), cpts_);
  ASSERT_TRUE(v);
  ASSERT_EQ(v->comments.size(), 1u);
  EXPECT_EQ(v->comments[0].chapter, "diagnostic");
  EXPECT_EQ(v->comments[0].body, "Ajouter les données Rézone.");
  EXPECT_TRUE(v->may_comment);
}

// With the association services and two RPPS snapshots: the governance, members, working-group
// and evolution blocks read the data; the coordinator sees names, the ROC counts only.
TEST_P(ProjetService, BlocksReadTheAssociationAndThePreviousSnapshot) {
  auto source = std::make_shared<FakeSource>(true);
  Diagnostics diagnostics(*db_, ref_, source);
  Association association(*db_, ref_, &diagnostics, source);
  AssociationWork work(*db_, association);
  auto created = ProjetsDeSante::create(*db_, ref_, *registry_, diagnostics, {}, &association,
                                        &work);
  ASSERT_TRUE(created) << created.error().describe();
  auto& projets = **created;

  const Principal coordinator = principal(Role::coordinator, {cpts_});
  StatutsInput st;
  st.colleges = {{"medecins", "Médecins", 1, 1, {"10"}, {}},
                 {"autres", "Autres professionnels de santé", 1, 1, {"60"}, {}},
                 {"structures", "Structures", 1, 1, {}, {"pharmacie"}}};
  ASSERT_TRUE(association.save_statuts(coordinator, cpts_, st));
  auto member = [&](const std::string& last, const std::string& profession,
                    const std::string& bureau) {
    MemberInput m;
    m.last_name = last;
    m.first_name = "Anne";
    m.profession = profession;
    m.commune = "57463";
    m.email = last + "@exemple.fr";
    m.bureau = bureau;
    m.joined = "2026-01-10";
    auto r = association.create_member(coordinator, cpts_, m);
    EXPECT_TRUE(r) << r.error().describe();
    return r ? r->member.id : 0;
  };
  member("Martin", "10", "president");
  const auto durand = member("Durand", "60", "tresorier");
  member("Blanc", "60", "");
  MemberInput pharmacy;
  pharmacy.kind = "legal_person";
  pharmacy.organisation = "Pharmacie du Centre";
  pharmacy.legal_kind = "pharmacie";
  pharmacy.representative = "M. Kahn";
  pharmacy.joined = "2026-01-10";
  ASSERT_TRUE(association.create_member(coordinator, cpts_, pharmacy));
  GroupInput g;
  g.name = "Parcours diabète";
  g.mission = "parcours";
  g.members = {{durand, "pilote"}};
  ASSERT_TRUE(work.create_group(coordinator, cpts_, g));

  auto doc = projets.document(coordinator, cpts_, "2026-12-07T10:00:00Z");
  ASSERT_TRUE(doc) << doc.error().describe();
  auto lines = lines_of(*doc);
  SCOPED_TRACE(dump(lines));
  // Evolution: GPs 100 + 3 = 103 before, 100 + 10 = 110 now, 2 arrived, 1 left; nurses 42 → 40,
  // 2 left.
  EXPECT_TRUE(has_line(lines, "Médecins généralistes | 103 | 110 | +7 | 2 | 1"));
  EXPECT_TRUE(has_line(lines, "Infirmiers | 42 | 40 | \u22122 | 0 | 2"));
  // Governance: one vote per member, the collèges with their active members, the bureau.
  EXPECT_TRUE(has_line(lines, "Droit de vote : une voix par membre"));
  EXPECT_TRUE(has_line(lines, "Médecins | Médecin | une voix par membre | 1"));
  EXPECT_TRUE(has_line(lines, "Autres professionnels de santé | Infirmier | une voix par membre | 2"));
  EXPECT_TRUE(has_line(lines, "Structures | Pharmacie (officine) | une voix par membre | 1"));
  EXPECT_TRUE(has_line(lines, "Président(e) | MARTIN Anne | Médecin"));
  EXPECT_TRUE(has_line(lines, "Trésorier(ère) | DURAND Anne | Infirmier"));
  // Members against the territory's professionals (current snapshot): 1 physician of 110 + 0
  // other physicians = 0,9 %; 2 nurses of 40 = 5,0 %; the pharmacy counted apart.
  EXPECT_TRUE(has_line(lines, "Membres actifs : 4"));
  EXPECT_TRUE(has_line(lines, "Médecins (généralistes et autres) | 1 | 110 | 0,9 %"));
  EXPECT_TRUE(has_line(lines, "Infirmiers | 2 | 40 | 5,0 %"));
  EXPECT_TRUE(has_line(lines, "Personnes morales | 1 | — | —"));
  // The working group, its mission and pilot.
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.rfind("Parcours diabète | Organisation de parcours pluriprofessionnels autour du "
                   "patient | DURAND Anne | 1 | 0 | aucune prévue", 0) == 0;
  }));
  // The members annex: names, profession, commune; never e-mails.
  EXPECT_TRUE(has_line(lines, "MARTIN Anne | Médecin | Metz | Médecins"));
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.rfind("Pharmacie du Centre", 0) == 0 &&
           l.find("Pharmacie (officine)") != std::string::npos;
  }));
  for (const auto& l : lines) EXPECT_EQ(l.find("@exemple.fr"), std::string::npos) << l;

  // The ROC reads counts, not names.
  doc = projets.document(principal(Role::roc), cpts_, "2026-12-07T10:00:00Z");
  ASSERT_TRUE(doc) << doc.error().describe();
  lines = lines_of(*doc);
  EXPECT_TRUE(has_line(lines, "Membres actifs : 4"));
  EXPECT_TRUE(has_line(lines, "Médecins | Médecin | une voix par membre | 1"));
  for (const auto& l : lines) EXPECT_EQ(l.find("MARTIN"), std::string::npos) << l;
  EXPECT_TRUE(has_line(lines,
                       "La liste nominative des membres figure dans le document établi par la "
                       "coordination de la CPTS (4 membres actifs)."));
}

INSTANTIATE_TEST_SUITE_P(Backends, ProjetService, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
