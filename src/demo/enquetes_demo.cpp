// Demo data of surveys (see demo.hpp): one survey of the demo CPTS (fictitious, Moselle) about
// the organisation of unscheduled care over the summer, sent to its members and to a short pasted
// list of fictitious addresses, answered by about two thirds of them, then closed. Everything
// goes through services::Surveys; the personal links are handed to the loader by a Mailer that
// keeps the messages in memory (no mail leaves the machine while the demo loads), and each
// answer is submitted with its link as a professional would. Idempotent: nothing is done when the
// demo CPTS has a survey already. Then one message of the CPTS (a newsletter with an intertitre,
// bold text and a list) sent to the same audience through services::Newsletters and the same
// in-memory Mailer, so that the archive and its delivery log have something to show; it has its
// own idempotency check.
#include <fmt/format.h>

#include <map>
#include <mutex>
#include <regex>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "demo/demo.hpp"
#include "services/association.hpp"
#include "services/newsletter.hpp"
#include "services/survey.hpp"
#include "store/database.hpp"

namespace maillage::demo {

using services::Principal;
using services::Role;
using survey::Kind;

namespace {

constexpr const char* kDemoStructure = "CPTS de démonstration du Pays messin (fictive)";

// Keeps each link it is asked to send, by address.
class LinkCollector final : public services::Mailer {
 public:
  Status send(const services::MailMessage& m) override {
    static const std::regex link("/repondre/([0-9a-f]{64})");
    std::smatch hit;
    std::lock_guard lock(mutex_);
    if (std::regex_search(m.text, hit, link)) tokens_[m.to] = hit[1];
    return {};
  }
  [[nodiscard]] std::string description() const override { return "démonstration (en mémoire)"; }
  std::map<std::string, std::string> tokens() {
    std::lock_guard lock(mutex_);
    return tokens_;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::string> tokens_;
};

survey::Questionnaire questionnaire() {
  survey::Questionnaire q;
  q.questions.push_back(survey::make_question(
      "profession", Kind::single_choice, "Votre profession", true,
      {"Médecin généraliste", "Infirmier", "Pharmacien", "Masseur-kinésithérapeute", "Autre"}));
  auto lieux = survey::make_question(
      "lieux", Kind::multiple_choice, "Où pourriez-vous recevoir des soins non programmés ?", false,
      {"À mon cabinet", "Au centre de soins non programmés", "En visite à domicile",
       "En téléconsultation"});
  lieux.max_choices = 2;
  q.questions.push_back(lieux);
  auto heures = survey::make_question("heures", Kind::number,
                                      "Heures par semaine que vous pourriez y consacrer", true);
  heures.min = 0;
  heures.max = 20;
  q.questions.push_back(heures);
  auto debut = survey::make_question("debut", Kind::date, "Disponible à partir du");
  debut.min_date = "2026-06-01";
  debut.max_date = "2026-09-30";
  q.questions.push_back(debut);
  auto grille = survey::make_question("grille", Kind::grid, "Vos créneaux possibles");
  grille.help = "Cochez chaque créneau où vous pourriez assurer une permanence.";
  grille.days = {"Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi"};
  grille.slots = {"Matin", "Après-midi", "Soir"};
  q.questions.push_back(grille);
  auto remarque = survey::make_question("remarque", Kind::text,
                                        "Une remarque sur l'organisation proposée ?");
  remarque.max_length = 300;
  q.questions.push_back(remarque);
  return q;
}

// A deterministic, varied answer for respondent n.
survey::RawAnswers answer(std::size_t n) {
  survey::RawAnswers a;
  static const int kProfession[] = {0, 1, 0, 2, 1, 3, 0, 1, 4, 1};
  a["profession"] = {std::to_string(kProfession[n % 10])};
  a["lieux"] = {std::to_string(n % 4)};
  if (n % 3 == 0) a["lieux"].push_back(std::to_string((n + 1) % 4));
  a["heures"] = {std::to_string(2 + (n * 7) % 9)};
  if (n % 2 == 0) a["debut"] = {fmt::format("2026-06-{:02}", 1 + n % 28)};
  for (std::size_t d = 0; d < 6; ++d) {
    for (std::size_t s = 0; s < 3; ++s) {
      // Saturday evenings stay empty: the gap the coordination sees in the results.
      if (d == 5 && s == 2) continue;
      if ((n + d * 2 + s) % 4 == 0) a["grille"].push_back(fmt::format("{}.{}", d, s));
    }
  }
  static const char* kRemarks[] = {"Plutôt en début de semaine.",
                                   "Possible si le centre est ouvert le samedi matin.",
                                   "Je préfère la téléconsultation le soir."};
  if (n % 5 == 1) a["remarque"] = {kRemarks[n % 3]};
  return a;
}

// The CPTS's first newsletter, sent to its members and the pasted list of the survey.
Result<std::string> demo_newsletter(store::Database& db, services::Surveys& surveys,
                                    const std::shared_ptr<LinkCollector>& collector,
                                    const Principal& coordination, std::int64_t structure,
                                    const services::AudienceInput& audience) {
  auto existing =
      db.query("SELECT COUNT(*) FROM newsletters WHERE structure_id = $1", {structure});
  if (!existing) return tl::unexpected(existing.error());
  if (existing->rows[0].integer(0) > 0) return std::string("Message de démonstration déjà présent.");
  services::Newsletters newsletters(db, surveys, collector);
  services::NewsletterInput in;
  in.structure_id = structure;
  in.subject = "Lettre d'information n° 1 de la CPTS";
  in.html =
      "<h2>Les soins non programmés cet été</h2>"
      "<p>Merci aux <strong>deux tiers d'entre vous</strong> qui ont répondu à l'enquête sur vos "
      "disponibilités. Les résultats sont en ligne ; il manque encore des volontaires le samedi "
      "soir.</p><h2>À noter</h2><ul><li>Assemblée générale : le premier jeudi du mois "
      "prochain.</li><li>Groupe de travail « parcours des personnes âgées » : appel à "
      "participants.</li></ul><p>La coordination de la CPTS</p>";
  auto created = newsletters.create(coordination, in);
  if (!created) return tl::unexpected(created.error());
  auto queued = newsletters.queue(coordination, created->summary.id, audience,
                                  "http://localhost:8080/desinscription/");
  if (!queued) return tl::unexpected(queued.error());
  auto sent = newsletters.send_pending(10000);
  if (!sent) return tl::unexpected(sent.error());
  return fmt::format("Message de démonstration « {} » : {} envois (en mémoire, aucun courriel n'a "
                     "quitté la machine).",
                     in.subject, *sent);
}

}  // namespace

Result<DemoLines> load_enquetes_demo(store::Database& db, const geo::Referentiel& ref) {
  auto s = db.query("SELECT id FROM structures WHERE name = $1 ORDER BY id LIMIT 1",
                    {std::string(kDemoStructure)});
  if (!s) return tl::unexpected(s.error());
  if (s->empty()) return DemoLines{"Enquêtes : structure de démonstration absente."};
  const std::int64_t structure = s->rows[0].integer(0);
  auto existing = db.query("SELECT COUNT(*) FROM surveys WHERE structure_id = $1", {structure});
  if (!existing) return tl::unexpected(existing.error());
  if (existing->rows[0].integer(0) > 0) return DemoLines{"Enquête de démonstration déjà présente."};

  Principal coordination;
  coordination.login = "coordination@demo.maillage.fr";
  coordination.display_name = "Coordination de la CPTS (démo)";
  coordination.role = Role::coordinator;
  coordination.structures = {structure};
  services::Association association(db, ref);
  auto collector = std::make_shared<LinkCollector>();
  services::Surveys surveys(db, ref, association, collector);

  services::SurveyInput in;
  in.structure_id = structure;
  in.title = "Soins non programmés : vos disponibilités pour l'été";
  in.intro =
      "La CPTS prépare l'organisation des soins non programmés de l'été. Dites-nous où et quand "
      "vous pourriez recevoir des demandes de soins sans rendez-vous : cinq minutes suffisent.";
  in.closes_on = format_date(std::chrono::sys_days(today_utc()) + std::chrono::days(30));
  in.questionnaire = questionnaire();
  auto created = surveys.create(coordination, in);
  if (!created) return tl::unexpected(created.error());
  const std::int64_t id = created->summary.id;

  services::AudienceInput audience;
  audience.members = true;
  for (int i = 1; i <= 8; ++i) {
    audience.pasted += fmt::format("professionnel{:02}@sante-moselle.exemple.fr\n", i);
  }
  auto sent = surveys.send(coordination, id, audience, "http://localhost:8080/repondre/");
  if (!sent) return tl::unexpected(sent.error());

  std::size_t n = 0, answered = 0;
  for (const auto& [email, token] : collector->tokens()) {
    if (n++ % 3 == 2) continue;  // a third does not answer
    auto r = surveys.answer(token, answer(answered));
    if (!r) return tl::unexpected(r.error());
    if (!r->problems.empty()) {
      return fail(ErrorCode::internal, "enquete de démonstration : " + r->problems[0].field + " " +
                                           r->problems[0].message);
    }
    ++answered;
  }
  auto view = surveys.get(coordination, id);
  if (!view) return tl::unexpected(view.error());
  auto closed = surveys.close(coordination, id, view->summary.version);
  if (!closed) return tl::unexpected(closed.error());
  auto message = MAILLAGE_TRY(
      demo_newsletter(db, surveys, collector, coordination, structure, audience));
  return DemoLines{fmt::format("Enquête de démonstration « {} » : {} destinataires, {} réponses, "
                               "close.",
                               in.title, sent->added, answered),
                   message};
}

}  // namespace maillage::demo
