// Demo data of crisis mode (see demo.hpp): one crisis of the demo CPTS (fictitious, Moselle), a
// flu vaccination campaign over five days from next week, two windows a day (mornings need two
// professionals, afternoons one), its survey sent to the CPTS's members and to a pasted list of
// fictitious addresses, answered by about two thirds of them, the planning built from the answers
// and solved (the solve job run here, checked by the independent checker), with a gap left on
// the last afternoon nobody ticked. Everything goes through services::Crises and
// services::Surveys; the personal links are handed to the loader by a Mailer that keeps the
// messages in memory (no mail leaves the machine). Idempotent: nothing is done when the demo CPTS
// has a crisis already. The final planning is left to send from the dashboard.
#include <fmt/format.h>

#include <map>
#include <mutex>
#include <regex>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "demo/demo.hpp"
#include "services/association.hpp"
#include "services/crisis.hpp"
#include "services/roster_jobs.hpp"
#include "store/database.hpp"

namespace maillage::demo {

using services::Principal;
using services::Role;

namespace {

constexpr const char* kDemoStructure = "CPTS de démonstration du Pays messin (fictive)";

// Keeps the last link it is asked to send, by address.
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

}  // namespace

Result<DemoLines> load_crise_demo(store::Database& db, const geo::Referentiel& ref) {
  auto s = db.query("SELECT id FROM structures WHERE name = $1 ORDER BY id LIMIT 1",
                    {std::string(kDemoStructure)});
  if (!s) return tl::unexpected(s.error());
  if (s->empty()) return DemoLines{"Mode crise : structure de démonstration absente."};
  const std::int64_t structure = s->rows[0].integer(0);
  auto existing = db.query("SELECT COUNT(*) FROM crises WHERE structure_id = $1", {structure});
  if (!existing) return tl::unexpected(existing.error());
  if (existing->rows[0].integer(0) > 0) return DemoLines{"Crise de démonstration déjà présente."};

  Principal coordination;
  coordination.login = "coordination@demo.maillage.fr";
  coordination.display_name = "Coordination de la CPTS (démo)";
  coordination.role = Role::coordinator;
  coordination.structures = {structure};
  services::Association association(db, ref);
  auto collector = std::make_shared<LinkCollector>();
  services::Surveys surveys(db, ref, association, collector);
  services::RosterCampaigns roster(db, [&ref](std::string_view departement) {
    const auto* d = ref.departement(std::string(departement));
    return d ? d->region : std::string();
  });
  services::Crises crises(db, surveys, roster, collector);

  services::CrisisInput in;
  in.structure_id = structure;
  in.title = "Vaccination antigrippale (démo)";
  in.kind = "vaccination";
  in.plan.first_day = format_date(add_days(today_utc(), 7));
  in.plan.last_day = format_date(add_days(today_utc(), 11));
  in.plan.windows = {{"09:00", "13:00", 2}, {"14:00", "18:00", 1}};
  in.profession = "Vaccinateur";
  in.closes_on = format_date(add_days(today_utc(), 5));
  in.intro =
      "Le centre de vaccination éphémère de la CPTS ouvre la semaine prochaine : dites-nous quels "
      "créneaux vous pouvez assurer.";
  in.remarks_question = true;
  in.audience.members = true;
  for (int i = 1; i <= 6; ++i) {
    in.audience.pasted += fmt::format("vaccinateur{:02}@sante-moselle.exemple.fr\n", i);
  }
  const std::int64_t id = MAILLAGE_TRY(crises.open(coordination, in));
  const auto sent = MAILLAGE_TRY(crises.send(coordination, id, "http://localhost:8080/repondre/"));

  // Two thirds answer; each ticks a varied set of cells (day.window); the last afternoon
  // (day 4, window 1) stays empty: the gap the dashboard shows.
  std::size_t n = 0, answered = 0;
  for (const auto& [email, token] : collector->tokens()) {
    if (n++ % 3 == 2) continue;
    survey::RawAnswers raw;
    for (int d = 0; d < 5; ++d) {
      for (int w = 0; w < 2; ++w) {
        if (d == 4 && w == 1) continue;
        if ((answered + static_cast<std::size_t>(d * 2 + w)) % 3 == 0) {
          raw["disponibilites"].push_back(fmt::format("{}.{}", d, w));
        }
      }
    }
    if (raw["disponibilites"].empty()) raw["disponibilites"].push_back("0.0");
    if (answered % 4 == 1) raw["remarques"] = {"Disponible seulement si le centre a un frigo."};
    auto r = surveys.answer(token, raw);
    if (!r) return tl::unexpected(r.error());
    if (!r->problems.empty()) {
      return fail(ErrorCode::internal,
                  "crise de démonstration : " + r->problems[0].field + " " + r->problems[0].message);
    }
    ++answered;
  }
  auto d = MAILLAGE_TRY(crises.dashboard(coordination, id));
  auto built = MAILLAGE_TRY(crises.build(coordination, id, d.summary.version));
  // The solve, here rather than in the server's background runner.
  for (;;) {
    auto ran = MAILLAGE_TRY(services::run_next_roster_job(db, services::RosterJobSettings{}));
    if (!ran) break;
  }
  d = MAILLAGE_TRY(crises.dashboard(coordination, id));
  return DemoLines{fmt::format(
      "Crise de démonstration « {} » : {} invités, {} réponses, planning {} ({} personnes), "
      "besoin {}, affectés {}, manque {}.",
      in.title, sent.added, answered, d.campaign_status_label, built.respondents,
      d.coverage.need, d.coverage.assigned, d.coverage.gap)};
}

}  // namespace maillage::demo
