// The data blocks read from the association (gouvernance, membres, groupes_de_travail,
// annexe_membres) and the evolution since the previous RPPS snapshot, on facts written by hand:
// what each shows, what it hides from readers who may not see names, and what it says when the
// data are missing.
#include <gtest/gtest.h>

#include <algorithm>
#include <variant>

#include "projet/draft.hpp"
#include "projet/template.hpp"

namespace maillage::projet {
namespace {

// A template with one chapter holding just `block`.
Template one_block(const std::string& block) {
  auto t = parse_template(
      "schema = \"maillage-projet-de-sante/1\"\n[template]\nid = \"essai\"\ntitle = \"Projet\"\n"
      "[[chapters]]\nid = \"c\"\ntitle = \"C\"\n[[chapters.blocks]]\ndata = \"" +
          block + "\"\n",
      "essai.toml");
  EXPECT_TRUE(t) << t.error().describe();
  return *t;
}

// The chapter's text: one line per paragraph, one per table row (header first, cells " | ").
std::vector<std::string> lines(const std::string& block, const ProjetFacts& facts) {
  auto d = build_draft(one_block(block), facts, {}, {}, "essai");
  EXPECT_TRUE(d) << d.error().describe();
  std::vector<std::string> out;
  if (!d) return out;
  for (const auto& item : d->chapters.at(0).items) {
    EXPECT_EQ(item.data, block);
    const auto& b = *item.block;
    if (const auto* p = std::get_if<office::Paragraph>(&b)) {
      std::string s;
      for (const auto& r : p->runs) s += r.text;
      out.push_back(s);
    }
    if (const auto* t = std::get_if<office::Table>(&b)) {
      for (const auto* row : {&t->header}) {
        std::string s;
        for (const auto& c : *row) s += (s.empty() ? "" : " | ") + c;
        out.push_back(s);
      }
      for (const auto& row : t->rows) {
        std::string s;
        for (const auto& c : row) s += (s.empty() ? "" : " | ") + c;
        out.push_back(s);
      }
    }
  }
  return out;
}

bool has(const std::vector<std::string>& l, const std::string& want) {
  return std::find(l.begin(), l.end(), want) != l.end();
}
bool starts(const std::vector<std::string>& l, const std::string& prefix) {
  return std::any_of(l.begin(), l.end(), [&](const auto& s) { return s.rfind(prefix, 0) == 0; });
}
std::string all(const std::vector<std::string>& l) {
  std::string s;
  for (const auto& x : l) s += x + "\n";
  return s;
}

ProjetFacts base_facts() {
  ProjetFacts f;
  f.structure.name = "CPTS essai";
  f.rpps_source = "Annuaire Santé (ANS)";
  f.rpps_date = "2026-06-01";
  f.generated_on = "2026-12-07";
  return f;
}

TEST(EvolutionBlock, CountsBeforeAndNowWithArrivalsAndDepartures) {
  ProjetFacts f = base_facts();
  f.diagnostic.previous_date = "2025-06-01";
  diagnostic::ProfessionRow gp;
  gp.label = "Médecins généralistes";
  gp.territory.count = 110;
  gp.change = diagnostic::Change{112, -2, 3, 5};  // 112 − 5 + 3 = 110
  diagnostic::ProfessionRow nurses;
  nurses.label = "Infirmiers";
  nurses.territory.count = 40;
  nurses.change = diagnostic::Change{37, 3, 4, 1};  // 37 − 1 + 4 = 40
  diagnostic::ProfessionRow stable;
  stable.label = "Sages-femmes";
  stable.territory.count = 2;
  stable.change = diagnostic::Change{2, 0, 0, 0};
  f.diagnostic.professions = {gp, nurses, stable};
  const auto l = lines("evolution", f);
  SCOPED_TRACE(all(l));
  EXPECT_TRUE(has(l, "Profession | Effectif au 01/06/2025 | Effectif au 01/06/2026 | Évolution | "
                     "Arrivées | Départs"));
  EXPECT_TRUE(has(l, "Médecins généralistes | 112 | 110 | \u22122 | 3 | 5"));
  EXPECT_TRUE(has(l, "Infirmiers | 37 | 40 | +3 | 4 | 1"));
  EXPECT_TRUE(has(l, "Sages-femmes | 2 | 2 | 0 | 0 | 0"));
  EXPECT_TRUE(starts(l, "Source : Annuaire Santé (ANS), extraction du 01/06/2026 ; extraction "
                        "précédente du 01/06/2025"));
}

TEST(EvolutionBlock, SaysWhenThereIsOnlyOneSnapshotOrNone) {
  ProjetFacts f = base_facts();
  auto l = lines("evolution", f);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_NE(l[0].find("Une seule extraction du RPPS (du 01/06/2026)"), std::string::npos) << l[0];
  f.rpps_date.clear();
  l = lines("evolution", f);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_NE(l[0].find("Aucune extraction du RPPS"), std::string::npos) << l[0];
}

AssociationFacts association() {
  AssociationFacts a;
  a.statuts_defined = true;
  a.weighting = "chaque collège dispose d'une part fixe des voix";
  a.period = "année civile";
  a.colleges = {{"Médecins", "1 / 2 des voix", {"Médecin"}, 3},
                {"Autres professionnels", "1 / 2 des voix", {"Infirmier", "Pharmacien"}, 5}};
  a.names_visible = true;
  a.bureau = {{"Président(e)", "DURAND Marie", "Médecin"},
              {"Trésorier(ère)", "MARTIN Paul", "Pharmacien"}};
  a.active_members = 8;
  a.by_profession = {{"Médecins", 3, 110, 3.0 / 110}, {"Infirmiers", 4, 40, 0.1},
                     {"Autres professions", 1, std::nullopt, std::nullopt}};
  a.rate_date = "2026-06-01";
  a.members = {{"DURAND Marie", "Médecin", "Metz", "Médecins"},
               {"MARTIN Paul", "Pharmacien", "", "Autres professionnels"}};
  a.groups = {{"Soins non programmés", "Accès aux soins", "DURAND Marie", 4, 3, "2027-01-12"},
              {"Prévention", "", "", 2, 0, ""}};
  a.as_of = "2026-12-07";
  return a;
}

TEST(GovernanceBlock, StatutsCollegesAndBureau) {
  ProjetFacts f = base_facts();
  f.association = association();
  const auto l = lines("gouvernance", f);
  SCOPED_TRACE(all(l));
  EXPECT_TRUE(has(l, "Droit de vote : chaque collège dispose d'une part fixe des voix"));
  EXPECT_TRUE(has(l, "Période d'adhésion : année civile"));
  EXPECT_TRUE(has(l, "Médecins | Médecin | 1 / 2 des voix | 3"));
  EXPECT_TRUE(has(l, "Autres professionnels | Infirmier, Pharmacien | 1 / 2 des voix | 5"));
  EXPECT_TRUE(has(l, "Président(e) | DURAND Marie | Médecin"));
  EXPECT_TRUE(has(l, "Trésorier(ère) | MARTIN Paul | Pharmacien"));
  EXPECT_TRUE(starts(l, "Source : registre de l'association tenu dans Maillage"));
  EXPECT_TRUE(starts(l, "Source : registre de l'association tenu dans Maillage (statuts, "
                        "adhérents, groupes de travail), au 07/12/2026"));
}

TEST(GovernanceBlock, NoNamesForReadersWhoDoNotManageTheAssociation) {
  ProjetFacts f = base_facts();
  f.association = association();
  f.association->names_visible = false;
  f.association->bureau.clear();
  const auto l = lines("gouvernance", f);
  for (const auto& s : l) EXPECT_EQ(s.find("DURAND"), std::string::npos) << s;
  EXPECT_TRUE(starts(l, "La composition nominative du bureau figure dans le document établi par "
                        "la coordination"));
  const auto annex = lines("annexe_membres", f);
  ASSERT_EQ(annex.size(), 1u);
  EXPECT_EQ(annex[0],
            "La liste nominative des membres figure dans le document établi par la coordination "
            "de la CPTS (8 membres actifs).");
}

TEST(GovernanceBlock, MissingStatutsOrAssociationAreSaid) {
  ProjetFacts f = base_facts();
  auto l = lines("gouvernance", f);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0], "Les données de l'association ne sont pas disponibles pour ce document.");
  for (const char* block : {"membres", "groupes_de_travail", "annexe_membres"}) {
    EXPECT_EQ(lines(block, f), l) << block;
  }
  f.association = AssociationFacts{};
  f.association->as_of = "2026-12-07";
  l = lines("gouvernance", f);
  ASSERT_EQ(l.size(), 1u);
  EXPECT_EQ(l[0].rfind("Les statuts de l'association n'ont pas encore été saisis", 0), 0u) << l[0];
  l = lines("membres", f);
  EXPECT_EQ(l.front(), "Aucun membre n'est encore enregistré dans Maillage.");
  l = lines("groupes_de_travail", f);
  EXPECT_EQ(l.front(), "Aucun groupe de travail n'est encore enregistré dans Maillage.");
}

TEST(MembersBlock, MembersByProfessionAgainstTheTerritory) {
  ProjetFacts f = base_facts();
  f.association = association();
  const auto l = lines("membres", f);
  SCOPED_TRACE(all(l));
  EXPECT_TRUE(has(l, "Membres actifs : 8"));
  // 3 / 110 = 2.727 % → "2,7 %"; 4 / 40 = 10 %.
  EXPECT_TRUE(has(l, "Médecins | 3 | 110 | 2,7 %"));
  EXPECT_TRUE(has(l, "Infirmiers | 4 | 40 | 10,0 %"));
  EXPECT_TRUE(has(l, "Autres professions | 1 | — | —"));
  EXPECT_TRUE(starts(l, "Source : registre de l'association"));
  EXPECT_NE(l.back().find("professionnels : Annuaire Santé (ANS), extraction du 01/06/2026"),
            std::string::npos);
}

TEST(WorkingGroupsBlock, OneRowPerGroup) {
  ProjetFacts f = base_facts();
  f.association = association();
  const auto l = lines("groupes_de_travail", f);
  SCOPED_TRACE(all(l));
  EXPECT_TRUE(has(l, "Soins non programmés | Accès aux soins | DURAND Marie | 4 | 3 | 12/01/2027"));
  EXPECT_TRUE(has(l, "Prévention | — | — | 2 | 0 | aucune prévue"));
}

TEST(MembersAnnex, PublicProfessionalFactsOnly) {
  ProjetFacts f = base_facts();
  f.association = association();
  const auto l = lines("annexe_membres", f);
  SCOPED_TRACE(all(l));
  EXPECT_TRUE(has(l, "Membre | Profession | Commune d'exercice | Collège"));
  EXPECT_TRUE(has(l, "DURAND Marie | Médecin | Metz | Médecins"));
  EXPECT_TRUE(has(l, "MARTIN Paul | Pharmacien | — | Autres professionnels"));
  EXPECT_NE(l.back().find("ni courriel ni téléphone"), std::string::npos);
}

TEST(SourcesBlock, NamesThePreviousSnapshotAndTheAssociation) {
  ProjetFacts f = base_facts();
  f.diagnostic.previous_date = "2025-06-01";
  f.association = association();
  auto d = build_draft(one_block("sources"), f, {}, {}, "essai");
  ASSERT_TRUE(d);
  const auto* list = std::get_if<office::BulletList>(&*d->chapters[0].items.at(0).block);
  ASSERT_NE(list, nullptr);
  std::string text;
  for (const auto& p : list->items) {
    for (const auto& r : p.runs) text += r.text;
    text += "\n";
  }
  EXPECT_NE(text.find("extraction précédente du RPPS du 01/06/2025"), std::string::npos) << text;
  EXPECT_NE(text.find("registre tenu dans Maillage au 07/12/2026"), std::string::npos) << text;
}

}  // namespace
}  // namespace maillage::projet
