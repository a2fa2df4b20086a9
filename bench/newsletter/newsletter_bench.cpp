// Sends COUNT newsletter messages to an SMTP server (scripts/bench_newsletter.sh starts the local
// sink) through the real path: Newsletters::queue, then NewsletterSender::drain (rate limit
// RATE messages a second, 0: none), libcurl SMTP, one delivery row and audit row per message.
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <iostream>

#include "geo/referentiel.hpp"
#include "services/association.hpp"
#include "services/newsletter.hpp"
#include "services/survey.hpp"
#include "store/database.hpp"

using namespace maillage;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: newsletter_bench SMTP_URL COUNT [RATE]\n";
    return 2;
  }
  const std::string url = argv[1];
  const int count = std::atoi(argv[2]);
  const double rate = argc > 3 ? std::atof(argv[3]) : 0;
  const auto dir = std::filesystem::temp_directory_path() /
                   fmt::format("maillage-newsletter-bench-{}", ::getpid());
  std::filesystem::create_directories(dir);
  auto db = store::Database::open((dir / "bench.sqlite").string());
  if (!db || !(*db)->migrate()) {
    std::cerr << "database\n";
    return 1;
  }
  std::int64_t structure = 0;
  auto st = (*db)->transact([&](store::Tx& tx) -> Status {
    auto r = tx.query(
        "INSERT INTO structures (kind, name, departement, stage, created_at, updated_at) VALUES "
        "('CPTS', 'CPTS du banc d''essai (fictive)', '57', 'projet', 'T', 'T') RETURNING id");
    if (!r) return tl::unexpected(r.error());
    structure = r->rows.at(0).integer(0);
    return {};
  });
  if (!st) return 1;
  geo::Referentiel ref;
  services::Association association(**db, ref);
  auto mailer = services::make_smtp_mailer(url, "cpts@exemple.fr");
  if (!mailer) {
    std::cerr << mailer.error().describe() << "\n";
    return 1;
  }
  std::shared_ptr<services::Mailer> shared(std::move(*mailer));
  services::Surveys surveys(**db, ref, association, shared);
  services::Newsletters newsletters(**db, surveys, shared);
  services::Principal admin{1, "admin@exemple.fr", "Admin", services::Role::admin, {}, {}, {}};
  services::NewsletterInput in;
  in.structure_id = structure;
  in.subject = "Lettre d'information de la CPTS";
  in.html =
      "<h2>Campagne de vaccination</h2><p>Bonjour, la CPTS organise les permanences de la "
      "campagne. <strong>Inscrivez-vous</strong> avant vendredi.</p><ul><li>Lundi : centre "
      "culturel</li><li>Mercredi : maison de santé</li></ul><p><a "
      "href=\"https://cpts.exemple.fr/planning\">Le planning</a></p>";
  in.attachments = {{"planning.csv", "text/csv", std::string(2000, 'x')}};
  auto v = newsletters.create(admin, in);
  if (!v) {
    std::cerr << v.error().describe() << "\n";
    return 1;
  }
  services::AudienceInput audience;
  int refused_expected = 0;
  for (int i = 0; i < count; ++i) {
    if (i % 50 == 49) {
      audience.pasted += fmt::format("refuse@b{}.exemple.org\n", i);
      ++refused_expected;
    } else {
      audience.pasted += fmt::format("pro{}@exemple.org\n", i);
    }
  }
  const auto t0 = std::chrono::steady_clock::now();
  auto q = newsletters.queue(admin, v->summary.id, audience, "https://cpts.exemple.fr/desinscription/");
  if (!q) {
    std::cerr << q.error().describe() << "\n";
    return 1;
  }
  const auto t1 = std::chrono::steady_clock::now();
  services::NewsletterSender sender(newsletters, {rate, 100, std::chrono::milliseconds(100)});
  auto n = sender.drain();
  const auto t2 = std::chrono::steady_clock::now();
  if (!n) {
    std::cerr << n.error().describe() << "\n";
    return 1;
  }
  auto after = newsletters.get(admin, v->summary.id);
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double queue_s = std::chrono::duration<double>(t1 - t0).count();
  const double send_s = std::chrono::duration<double>(t2 - t1).count();
  fmt::print("queued {} deliveries in {:.2f} s\n", q->added, queue_s);
  fmt::print("sent: {} handled in {:.2f} s ({:.0f} messages/s), rate limit {}\n", *n, send_s,
             *n / send_s, rate > 0 ? fmt::format("{}/s", rate) : std::string("none"));
  fmt::print("delivery log: sent={} refused={} pending={} (refused expected {})\n",
             after->summary.sent, after->summary.refused, after->summary.pending,
             refused_expected);
  fmt::print("peak memory (max RSS): {} MiB\n", usage.ru_maxrss / 1024);
  std::filesystem::remove_all(dir);
  const bool ok = after->summary.sent + after->summary.refused == count &&
                  after->summary.refused == refused_expected && after->summary.pending == 0;
  return ok ? 0 : 1;
}
