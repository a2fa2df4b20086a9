// The survey engine: definitions checked, answers validated (each problem naming its question),
// stored text round trips, and results tallied. Expected values computed by hand in comments.
#include "survey/survey.hpp"

#include <gtest/gtest.h>

namespace maillage::survey {

void PrintTo(const Problem& p, std::ostream* os) { *os << p.field << ": " << p.message; }

namespace {

// The questionnaire of a vaccination campaign: every kind once.
Questionnaire campaign() {
  Questionnaire q;
  Question profession = make_question("q1", Kind::single_choice, "Votre profession", true,
                                      {"Médecin", "Infirmier", "Pharmacien"});
  Question days = make_question("q2", Kind::multiple_choice, "Vos lieux d'exercice", false,
                                {"Cabinet", "Centre de vaccination", "Domicile", "Pharmacie"});
  days.max_choices = 2;
  Question hours = make_question("q3", Kind::number, "Heures disponibles par semaine", true);
  hours.min = 0;
  hours.max = 20;
  hours.integer = false;
  Question start = make_question("q4", Kind::date, "Disponible à partir du", false);
  start.min_date = "2027-01-04";
  start.max_date = "2027-01-31";
  Question remark = make_question("q5", Kind::text, "Remarque sur l'organisation", false);
  remark.max_length = 10;
  Question grid = make_question("q6", Kind::grid, "Vos disponibilités", false);
  grid.days = {"Lundi", "Mardi", "Mercredi"};
  grid.slots = {"Matin", "Après-midi"};
  q.questions = {profession, days, hours, start, remark, grid};
  return q;
}

TEST(SurveyDefinition, TheCampaignQuestionnaireIsValid) {
  EXPECT_TRUE(check_questionnaire(campaign()).empty());
}

TEST(SurveyDefinition, EachProblemNamesItsField) {
  Questionnaire q = campaign();
  q.questions[0].options = {"Médecin"};  // one option: 2 needed
  q.questions[1].id = "q1";              // duplicate id
  q.questions[1].max_choices = 5;        // more than the 4 options
  q.questions[2].min = 10;               // min 10 > max 2
  q.questions[2].max = 2;
  q.questions[3].min_date = "2027-02-30";                                   // no such day
  q.questions[4].label = "Vos patients vous parlent-ils de la campagne ?";  // about patients
  q.questions[5].slots = {"Matin", "Matin"};                                // duplicate slot
  const auto p = check_questionnaire(q);
  const std::vector<Problem> expected{
      {"questions[0].options", "De 2 à 30 propositions."},
      {"questions[1].id", "Identifiant déjà utilisé par une autre question."},
      {"questions[1].max_choices",
       "Nombre de réponses au plus : entre 0 (sans limite) et le nombre de propositions."},
      {"questions[2].max", "Le maximum doit être supérieur ou égal au minimum."},
      {"questions[3].min_date", "Date AAAA-MM-JJ attendue."},
      {"questions[4].label",
       "Pas de question en texte libre sur les patients : une enquête porte sur l'organisation "
       "des professionnels, jamais sur des patients."},
      {"questions[5].slots[1]", "Libellé en double."}};
  EXPECT_EQ(p, expected);
}

TEST(SurveyDefinition, EmptyQuestionnaireAndEmptyLabel) {
  EXPECT_EQ(check_questionnaire({}),
            (std::vector<Problem>{{"questions", "Ajoutez au moins une question."}}));
  Questionnaire q = campaign();
  q.questions[2].label = "   ";
  q.questions[2].id = "q 3";
  q.questions[3].max_length = 0;  // not a text question: ignored
  const auto p = check_questionnaire(q);
  ASSERT_EQ(p.size(), 2u);
  EXPECT_EQ(p[0].field, "questions[2].id");
  EXPECT_EQ(p[1], (Problem{"questions[2].label", "Texte obligatoire."}));
}

TEST(SurveyDefinition, PatientsOnlyRefusedInFreeText) {
  EXPECT_TRUE(mentions_patients("Votre PATIENTÈLE"));
  EXPECT_FALSE(mentions_patients("Vos disponibilités"));
  Questionnaire q;
  // A choice question may name patients (e.g. "accueil de patients non programmés: oui/non"):
  // its answers are the professional's organisation, chosen among fixed options.
  q.questions.push_back(make_question("a", Kind::single_choice,
                                      "Accueillez-vous des patients sans rendez-vous ?", false,
                                      {"Oui", "Non"}));
  EXPECT_TRUE(check_questionnaire(q).empty());
  q.questions.push_back(make_question("b", Kind::text, "Précisions"));
  q.questions.back().help = "Décrivez la situation du patient";
  const auto p = check_questionnaire(q);
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].field, "questions[1].label");
}

TEST(SurveyAnswer, AFullValidAnswer) {
  RawAnswers raw{{"q1", {"1"}},
                 {"q2", {"3", "0", "3"}},  // duplicates collapse, sorted: {0, 3}
                 {"q3", {" 7,5 "}},        // decimal comma
                 {"q4", {"2027-01-04"}},
                 {"q5", {"Le  soir\r\n"}},  // trimmed: 7 characters
                 {"q6", {"2.1", "0.0", "2.1"}}};
  const auto v = validate(campaign(), raw);
  ASSERT_TRUE(v.ok()) << v.problems[0].field << ": " << v.problems[0].message;
  ASSERT_EQ(v.answers.size(), 6u);
  EXPECT_EQ(v.answers[0].choices, std::vector<int>{1});
  EXPECT_EQ(v.answers[1].choices, (std::vector<int>{0, 3}));
  EXPECT_EQ(*v.answers[2].number, 7.5);
  EXPECT_EQ(v.answers[3].date, "2027-01-04");
  EXPECT_EQ(v.answers[4].text, "Le  soir");
  EXPECT_EQ(v.answers[5].cells, (std::vector<Cell>{{0, 0}, {2, 1}}));
  EXPECT_EQ(encode(v.answers[1]), "0,3");
  EXPECT_EQ(encode(v.answers[2]), "7.5");
  EXPECT_EQ(encode(v.answers[5]), "0.0,2.1");
}

TEST(SurveyAnswer, EveryProblemNamesItsQuestion) {
  RawAnswers raw{{"q1", {"0", "1"}},        // two values for a single choice
                 {"q2", {"0", "1", "2"}},   // 3 choices, at most 2
                 {"q3", {"21"}},            // above 20
                 {"q4", {"2027-02-01"}},    // after 31 January
                 {"q5", {"onze lettres"}},  // 12 characters > 10
                 {"q6", {"3.0"}},           // day 3 of 3 days (0..2)
                 {"q9", {"x"}}};            // unknown question
  const auto v = validate(campaign(), raw);
  const std::vector<Problem> expected{{"q9", "Cette question n'existe pas dans le questionnaire."},
                                      {"q1", "Une seule réponse possible."},
                                      {"q2", "Au plus 2 réponses."},
                                      {"q3", "Le nombre doit être compris entre 0 et 20."},
                                      {"q4", "Date entre le 04/01/2027 et le 31/01/2027."},
                                      {"q5", "Au plus 10 caractères (12 saisis)."},
                                      {"q6", "Créneau hors de la grille."}};
  EXPECT_EQ(v.problems, expected);
  EXPECT_TRUE(v.answers.empty());
}

TEST(SurveyAnswer, RequiredAndMalformedValues) {
  // Nothing: q1 and q3 are required.
  auto v = validate(campaign(), {});
  EXPECT_EQ(v.problems,
            (std::vector<Problem>{{"q1", "Réponse obligatoire."}, {"q3", "Réponse obligatoire."}}));
  // Blank values count as unanswered; an unknown question with only blanks is ignored.
  v = validate(campaign(), {{"q1", {"  "}}, {"q3", {""}}, {"zz", {" "}}});
  EXPECT_EQ(v.problems.size(), 2u);
  v = validate(campaign(), {{"q1", {"3"}},  // option 3 of 0..2
                            {"q3", {"1e3"}},
                            {"q4", {"2027-1-5"}}});
  EXPECT_EQ(v.problems, (std::vector<Problem>{
                            {"q1", "Réponse inconnue : choisissez parmi les propositions."},
                            {"q3", "Nombre attendu (par exemple 12 ou 12,5)."},
                            {"q4", "Date attendue au format AAAA-MM-JJ (une date qui existe)."}}));
  v = validate(campaign(), {{"q1", {"-1"}}, {"q3", {"1 000"}}, {"q5", {std::string("a\x01", 2)}}});
  EXPECT_EQ(v.problems, (std::vector<Problem>{
                            {"q1", "Réponse inconnue : choisissez parmi les propositions."},
                            {"q3", "Le nombre doit être compris entre 0 et 20."},  // 1 000 = 1000
                            {"q5", "Caractère de contrôle interdit."}}));
}

TEST(SurveyAnswer, IntegerAndOneSidedBounds) {
  Questionnaire q;
  Question n = make_question("n", Kind::number, "Nombre de cabinets", true);
  n.min = 1;
  n.integer = true;
  q.questions = {n};
  EXPECT_EQ(validate(q, {{"n", {"2,5"}}}).problems[0].message, "Nombre entier attendu.");
  EXPECT_EQ(validate(q, {{"n", {"0"}}}).problems[0].message,
            "Le nombre doit être supérieur ou égal à 1.");
  EXPECT_TRUE(validate(q, {{"n", {"+3"}}}).ok());
  // Text in UTF-8 counts characters, not bytes: "é" × 10 = 10 characters, 20 bytes.
  Question t = make_question("t", Kind::text, "Commentaire", false);
  t.max_length = 10;
  q.questions = {t};
  std::string ten;
  for (int i = 0; i < 10; ++i) ten += "é";
  EXPECT_TRUE(validate(q, {{"t", {ten}}}).ok());
  EXPECT_EQ(validate(q, {{"t", {ten + "é"}}}).problems[0].message,
            "Au plus 10 caractères (11 saisis).");
  EXPECT_EQ(validate(q, {{"t", {"\xC3"}}}).problems[0].message, "Texte illisible (UTF-8 attendu).");
}

TEST(SurveyAnswer, EncodeDecodeRoundTrip) {
  RawAnswers raw{{"q1", {"2"}},          {"q2", {"1", "2"}}, {"q3", {"0,25"}},
                 {"q4", {"2027-01-15"}}, {"q5", {"a,b\nc"}}, {"q6", {"1.1", "0.1"}}};
  const auto q = campaign();
  const auto v = validate(q, raw);
  ASSERT_TRUE(v.ok());
  for (std::size_t i = 0; i < v.answers.size(); ++i) {
    const auto back = decode(q.questions[i], encode(v.answers[i]));
    ASSERT_TRUE(back) << q.questions[i].id;
    EXPECT_EQ(*back, v.answers[i]);
    // raw_values fills the form again with what validates to the same answer.
    auto again = validate(q, {{q.questions[i].id, raw_values(v.answers[i])}});
    // q1 and q3 are required: the other required one is missing, so look at the answer only.
    ASSERT_EQ(again.answers.size(), 1u);
    EXPECT_EQ(again.answers[0], v.answers[i]);
  }
  EXPECT_FALSE(decode(q.questions[0], "7"));  // no option 7
  EXPECT_FALSE(decode(q.questions[5], "0.0,9.9"));
}

TEST(SurveyResults, TallyByHand) {
  const auto q = campaign();
  // Three respondents:
  //   A: Médecin, {Cabinet, Domicile}, 4 h, 2027-01-04, grid {Lundi matin, Mardi matin}
  //   B: Infirmier, {Cabinet}, 10 h, 2027-01-04, "Le soir", grid {Lundi matin}
  //   C: Infirmier, —, 1 h, —, —, grid {Mercredi après-midi}
  std::vector<RawAnswers> raws{{{"q1", {"0"}},
                                {"q2", {"0", "2"}},
                                {"q3", {"4"}},
                                {"q4", {"2027-01-04"}},
                                {"q6", {"0.0", "1.0"}}},
                               {{"q1", {"1"}},
                                {"q2", {"0"}},
                                {"q3", {"10"}},
                                {"q4", {"2027-01-04"}},
                                {"q5", {"Le soir"}},
                                {"q6", {"0.0"}}},
                               {{"q1", {"1"}}, {"q3", {"1"}}, {"q6", {"2.1"}}}};
  std::vector<std::vector<Answer>> all;
  for (const auto& r : raws) {
    auto v = validate(q, r);
    ASSERT_TRUE(v.ok());
    all.push_back(v.answers);
  }
  const auto r = tally(q, all);
  EXPECT_EQ(r.respondents, 3u);
  EXPECT_EQ(r.questions[0].answered, 3u);
  EXPECT_EQ(r.questions[0].option_counts, (std::vector<std::size_t>{1, 2, 0}));
  EXPECT_EQ(r.questions[1].answered, 2u);
  EXPECT_EQ(r.questions[1].option_counts, (std::vector<std::size_t>{2, 0, 1, 0}));
  // Hours 1, 4, 10: mean 5, median 4.
  EXPECT_EQ(r.questions[2].numbers.count, 3u);
  EXPECT_EQ(r.questions[2].numbers.min, 1);
  EXPECT_EQ(r.questions[2].numbers.max, 10);
  EXPECT_EQ(r.questions[2].numbers.mean, 5);
  EXPECT_EQ(r.questions[2].numbers.median, 4);
  EXPECT_EQ(r.questions[3].dates, (std::map<std::string, std::size_t>{{"2027-01-04", 2}}));
  EXPECT_EQ(r.questions[4].texts, std::vector<std::string>{"Le soir"});
  EXPECT_EQ(r.questions[5].grid, (std::vector<std::vector<std::size_t>>{{2, 0}, {1, 0}, {0, 1}}));
  // Even count: median of 4 and 10 is 7.
  all.pop_back();
  EXPECT_EQ(tally(q, all).questions[2].numbers.median, 7);
}

}  // namespace
}  // namespace maillage::survey
