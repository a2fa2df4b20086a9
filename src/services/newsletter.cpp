// Newsletters and messages (newsletter.hpp): sanitised bodies, queued deliveries, the background
// sender with its rate limit and delivery log, and the unsubscribe links.
#include "services/newsletter.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/try.hpp"
#include "message/html.hpp"
#include "services/newsletter_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::AuditDetail;
using store::Tx;

namespace {

constexpr std::size_t kMaxSubject = 200;
constexpr std::size_t kMaxAttachments = 10;
constexpr std::size_t kMaxAttachmentBytes = 5 * 1024 * 1024;  // all of them together

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

bool is_token(const std::string& t) {
  return t.size() == 64 && std::all_of(t.begin(), t.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

std::string status_label(const std::string& s) {
  if (s == "draft") return "Brouillon";
  if (s == "queued") return "En cours d'envoi";
  if (s == "sent") return "Envoyé";
  if (s == "pending") return "En attente";
  if (s == "refused") return "Refusé par le serveur";
  if (s == "unsubscribed") return "Désinscrit";
  return s;
}

NewsletterSummary summary_of(const NewsletterRow& n) {
  NewsletterSummary s;
  s.id = n.id;
  s.structure_id = n.structure_id;
  s.structure_name = n.structure_name;
  s.subject = n.subject;
  s.status = n.status;
  s.status_label = status_label(n.status);
  s.created_by = n.created_by;
  s.created_at = n.created_at;
  s.queued_at = n.queued_at;
  s.finished_at = n.finished_at;
  s.recipients = n.recipients;
  s.pending = n.pending;
  s.sent = n.sent;
  s.refused = n.refused;
  s.unsubscribed = n.unsubscribed;
  s.version = n.version;
  return s;
}

tl::unexpected<Error> not_found_newsletter() {
  return fail(ErrorCode::not_found, "Ce message n'existe pas.", "message");
}

tl::unexpected<Error> runners_only() {
  return fail(ErrorCode::forbidden,
              "Les messages sont envoyés par la coordination de la structure, le ROC, l'ARS ou "
              "le chargé de mission qui la suivent.");
}

}  // namespace

Result<NewsletterView> Newsletters::create(const Principal& who, const NewsletterInput& input) {
  if (MAILLAGE_TRY(surveys_->access(who, input.structure_id)) != SurveyAccess::run) {
    return runners_only();
  }
  const std::string subject = trim(input.subject);
  if (subject.empty()) return fail(ErrorCode::missing_field, "Donnez un objet au message.", "subject");
  if (subject.size() > kMaxSubject * 4 ||
      std::any_of(subject.begin(), subject.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20; })) {
    return fail(ErrorCode::invalid_input, "Objet trop long ou sur plusieurs lignes.", "subject");
  }
  const std::string html = message::sanitize_html(input.html);
  const std::string text = message::html_to_text(html);
  if (text.empty()) return fail(ErrorCode::missing_field, "Le message est vide.", "html");
  if (input.attachments.size() > kMaxAttachments) {
    return fail(ErrorCode::invalid_input,
                fmt::format("Au plus {} pièces jointes.", kMaxAttachments), "attachments");
  }
  std::size_t bytes = 0;
  std::vector<MailAttachment> attachments = input.attachments;
  for (std::size_t i = 0; i < attachments.size(); ++i) {
    auto& a = attachments[i];
    a.file_name = trim(a.file_name);
    if (a.file_name.empty() || a.file_name.size() > 200) {
      return fail(ErrorCode::invalid_input, "Nom de fichier attendu (200 caractères au plus).",
                  fmt::format("attachments[{}].file_name", i));
    }
    if (a.content_type.empty()) a.content_type = "application/octet-stream";
    bytes += a.data.size();
  }
  if (bytes > kMaxAttachmentBytes) {
    return fail(ErrorCode::invalid_input, "Pièces jointes : 5 Mo au plus en tout.", "attachments");
  }
  std::int64_t id = 0;
  const std::string at = store::timestamp_now();
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        id = MAILLAGE_TRY(NewsletterRepository::insert(tx, input.structure_id, subject, html,
                                                       text, attachments, who.login, at));
        return store::audit(tx, {who.login, "newsletter.create", "newsletter", std::to_string(id),
                                 "",
                                 AuditDetail{}
                                     .add("structure", input.structure_id)
                                     .add("subject", subject)
                                     .add("attachments", attachments.size())
                                     .json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, id);
}

Result<NewsletterView> Newsletters::get(const Principal& who, std::int64_t id) const {
  const NewsletterRepository repo(*db_);
  auto row = MAILLAGE_TRY(repo.newsletter(id));
  if (!row) return not_found_newsletter();
  NewsletterView v;
  v.access = MAILLAGE_TRY(surveys_->access(who, row->structure_id));
  v.summary = summary_of(*row);
  v.html = row->body_html;
  v.text = row->body_text;
  for (const auto& a : MAILLAGE_TRY(repo.attachments(id))) v.attachment_names.push_back(a.file_name);
  if (v.access == SurveyAccess::run) {
    for (const auto& d : MAILLAGE_TRY(repo.deliveries(id))) {
      v.deliveries.push_back(
          {d.id, d.email, d.name, d.source, d.status, status_label(d.status), d.reason, d.sent_at});
    }
  }
  return v;
}

Result<std::vector<NewsletterSummary>> Newsletters::archive(const Principal& who) const {
  const NewsletterRepository repo(*db_);
  std::map<std::int64_t, bool> visible;
  std::vector<NewsletterSummary> out;
  for (const auto& n : MAILLAGE_TRY(repo.newsletters())) {
    auto it = visible.find(n.structure_id);
    if (it == visible.end()) {
      it = visible.emplace(n.structure_id, surveys_->access(who, n.structure_id).has_value()).first;
    }
    if (it->second) out.push_back(summary_of(n));
  }
  return out;
}

Result<QueueReport> Newsletters::queue(const Principal& who, std::int64_t id,
                                       const AudienceInput& in, const std::string& link_base) {
  const NewsletterRepository repo(*db_);
  auto row = MAILLAGE_TRY(repo.newsletter(id));
  if (!row) return not_found_newsletter();
  if (MAILLAGE_TRY(surveys_->access(who, row->structure_id)) != SurveyAccess::run) {
    return runners_only();
  }
  if (row->status != "draft") {
    return fail(ErrorCode::invalid_transition, "Ce message est déjà envoyé ou en cours d'envoi.");
  }
  if (!mailer_) {
    return fail(ErrorCode::unavailable,
                "Aucun serveur d'e-mail n'est configuré (réglage smtp_url) : l'envoi est "
                "impossible.",
                "smtp_url");
  }
  const Audience audience =
      MAILLAGE_TRY(build_audience(*db_, source_.get(), row->structure_id, in));
  QueueReport report;
  report.without_email = audience.without_email;
  report.rpps_professionals = audience.rpps_professionals;
  report.refused_lines = audience.refused_lines;
  const std::string at = store::timestamp_now();
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        report.added = report.unsubscribed = 0;
        const auto out = MAILLAGE_TRY(NewsletterRepository::unsubscribes(tx, row->structure_id));
        const std::set<std::string> opted_out(out.begin(), out.end());
        for (const auto& p : audience.people) {
          if (opted_out.count(p.email)) {
            ++report.unsubscribed;
            continue;
          }
          MAILLAGE_CHECK(NewsletterRepository::insert_delivery(tx, id, p.email, p.name, p.source));
          ++report.added;
        }
        if (!MAILLAGE_TRY(NewsletterRepository::mark_queued(tx, id, link_base, at))) {
          return fail(ErrorCode::conflict, "Ce message vient d'être envoyé par quelqu'un d'autre.");
        }
        return store::audit(tx, {who.login, "newsletter.queue", "newsletter", std::to_string(id),
                                 "",
                                 AuditDetail{}
                                     .add("members", in.members)
                                     .add("rpps", in.rpps)
                                     .add("added", report.added)
                                     .add("unsubscribed", report.unsubscribed)
                                     .json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  report.view = MAILLAGE_TRY(get(who, id));
  return report;
}

Result<std::size_t> Newsletters::send_pending(std::size_t max,
                                              const std::function<void()>& before_each) {
  if (!mailer_) return fail(ErrorCode::unavailable, "Aucun serveur d'e-mail n'est configuré.");
  const NewsletterRepository repo(*db_);
  const auto pending = MAILLAGE_TRY(repo.pending(max));
  struct Loaded {
    NewsletterRow row;
    std::vector<MailAttachment> attachments;
  };
  std::map<std::int64_t, Loaded> messages;
  for (const auto& d : pending) {
    if (messages.count(d.newsletter_id)) continue;
    auto row = MAILLAGE_TRY(repo.newsletter(d.newsletter_id));
    if (!row) continue;
    messages[d.newsletter_id] = {*row, MAILLAGE_TRY(repo.attachments(d.newsletter_id))};
  }
  for (const auto& d : pending) {
    auto it = messages.find(d.newsletter_id);
    if (it == messages.end()) continue;
    const Loaded& m = it->second;
    std::string status, reason, hash;
    if (MAILLAGE_TRY(repo.unsubscribed(m.row.structure_id, d.email))) {
      status = "unsubscribed";
    } else {
      const std::string token = Surveys::new_token();
      if (token.empty()) return fail(ErrorCode::internal, "Générateur aléatoire indisponible.");
      hash = Surveys::token_hash(token);
      const std::string link = m.row.link_base + token;
      MailMessage mail;
      mail.to = d.email;
      mail.to_name = d.name;
      mail.subject = m.row.subject;
      mail.text = m.row.body_text +
                  fmt::format("\n\n--\nMessage de {}. Pour ne plus recevoir ses messages : {}\n",
                              m.row.structure_name, link);
      mail.html = "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"></head><body>" +
                  m.row.body_html +
                  message::sanitize_html(fmt::format(
                      "<p>Message de {}. <a href=\"{}\">Ne plus recevoir ses messages</a></p>",
                      m.row.structure_name, link)) +
                  "</body></html>";
      mail.attachments = m.attachments;
      mail.list_unsubscribe = link;
      if (before_each) before_each();
      auto sent = mailer_->send(mail);
      if (sent) {
        status = "sent";
      } else {
        status = "refused";
        reason = sent.error().message.empty() ? "refusé" : sent.error().message.substr(0, 500);
      }
    }
    const std::string at = store::timestamp_now();
    if (auto written = db_->transact([&](Tx& tx) -> Status {
          if (!MAILLAGE_TRY(NewsletterRepository::record(tx, d.id, status, reason, hash, at))) {
            return {};  // handled meanwhile (another sender): nothing to record
          }
          return store::audit(tx, {"system", "newsletter.delivery", "newsletter_delivery",
                                   std::to_string(d.id), "",
                                   AuditDetail{}
                                       .add("newsletter", d.newsletter_id)
                                       .add("status", status)
                                       .add("reason", reason)
                                       .json()});
        });
        !written) {
      return tl::unexpected(written.error());
    }
  }
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        return NewsletterRepository::finish_done(tx, store::timestamp_now());
      });
      !written) {
    return tl::unexpected(written.error());
  }
  return pending.size();
}

Result<UnsubscribeView> Newsletters::unsubscribe_info(const std::string& token) const {
  auto unknown = [] {
    return fail(ErrorCode::not_found, "Ce lien de désinscription n'est pas valable.");
  };
  if (!is_token(token)) return unknown();
  const NewsletterRepository repo(*db_);
  auto found = MAILLAGE_TRY(repo.by_token(Surveys::token_hash(token)));
  if (!found) return unknown();
  UnsubscribeView v;
  v.structure_name = found->second.structure_name;
  v.email = found->first.email;
  v.done = MAILLAGE_TRY(repo.unsubscribed(found->second.structure_id, found->first.email));
  return v;
}

Result<UnsubscribeView> Newsletters::unsubscribe(const std::string& token) {
  auto v = MAILLAGE_TRY(unsubscribe_info(token));
  if (v.done) return v;
  const NewsletterRepository repo(*db_);
  auto found = MAILLAGE_TRY(repo.by_token(Surveys::token_hash(token)));
  if (!found) return fail(ErrorCode::not_found, "Ce lien de désinscription n'est pas valable.");
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        MAILLAGE_CHECK(NewsletterRepository::add_unsubscribe(tx, found->second.structure_id,
                                                             found->first.email,
                                                             store::timestamp_now()));
        return store::audit(tx, {"lien-desinscription", "newsletter.unsubscribe", "structure",
                                 std::to_string(found->second.structure_id), "",
                                 AuditDetail{}.add("delivery", found->first.id).json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  v.done = true;
  return v;
}

void NewsletterSender::pace() {
  if (settings_.messages_per_second <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (next_ > now) std::this_thread::sleep_until(next_);
  const auto step = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double>(1.0 / settings_.messages_per_second));
  next_ = std::max(next_, now) + step;
}

Result<std::size_t> NewsletterSender::drain() {
  std::size_t total = 0;
  while (true) {
    const std::size_t n =
        MAILLAGE_TRY(newsletters_->send_pending(settings_.batch, [this] { pace(); }));
    if (n == 0) return total;
    total += n;
  }
}

void NewsletterSender::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void NewsletterSender::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void NewsletterSender::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  cv_.notify_all();
}

void NewsletterSender::run() {
  while (true) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    auto n = newsletters_->send_pending(settings_.batch, [this] { pace(); });
    if (n && *n > 0) continue;
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, settings_.idle, [this] { return stopping_ || woken_; });
    woken_ = false;
  }
}

}  // namespace maillage::services
