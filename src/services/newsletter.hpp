// Newsletters and messages (issue 18 item 4): a structure's coordination (or a ROC, ARS or chargé
// de mission covering it; the same rule as surveys) writes a message in a safe subset of HTML
// (sanitised by src/message before it is stored), with attachments, and queues it for an audience
// (services/audience.hpp). A background sender (NewsletterSender) sends the queued deliveries at a
// limited rate through the Mailer, each with its text and HTML alternatives and a personal
// unsubscribe link, and logs each answer of the server (sent, or refused with its reason). An
// unsubscribed address is left out of later sends of the structure, and of deliveries of this
// send still waiting their turn. The archive lists the messages with their delivery log.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "services/association.hpp"
#include "services/audience.hpp"
#include "services/mail.hpp"
#include "services/survey.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

struct NewsletterInput {
  std::int64_t structure_id = 0;
  std::string subject;
  std::string html;  // sanitised on saving
  std::vector<MailAttachment> attachments;
};

struct DeliveryView {
  std::int64_t id = 0;
  std::string email, name, source, status, status_label, reason, sent_at;
};

struct NewsletterSummary {
  std::int64_t id = 0, structure_id = 0;
  std::string structure_name, subject, status, status_label;
  std::string created_by, created_at, queued_at, finished_at;
  int recipients = 0, pending = 0, sent = 0, refused = 0, unsubscribed = 0;
  std::int64_t version = 0;
};

struct NewsletterView {
  NewsletterSummary summary;
  std::string html, text;
  std::vector<std::string> attachment_names;
  SurveyAccess access = SurveyAccess::read;
  std::vector<DeliveryView> deliveries;  // run only
};

struct QueueReport {
  int added = 0, unsubscribed = 0, without_email = 0, rpps_professionals = 0;
  std::vector<survey::Problem> refused_lines;
  NewsletterView view;
};

struct UnsubscribeView {
  std::string structure_name, email;
  bool done = false;  // already unsubscribed
};

class Newsletters {
 public:
  Newsletters(store::Database& db, Surveys& surveys, std::shared_ptr<Mailer> mailer = {},
              std::shared_ptr<SupplySource> source = {})
      : db_(&db), surveys_(&surveys), mailer_(std::move(mailer)), source_(std::move(source)) {}

  /// Run (see Surveys). Errors name the field: subject, html, attachments[1].file_name.
  Result<NewsletterView> create(const Principal& who, const NewsletterInput& in);
  Result<NewsletterView> get(const Principal& who, std::int64_t id) const;
  /// Every message of the structures `who` covers, most recent first.
  Result<std::vector<NewsletterSummary>> archive(const Principal& who) const;
  /// Run: queues a draft for the audience (addresses unsubscribed from the structure left out);
  /// `link_base` + token makes the unsubscribe links ("https://host/desinscription/").
  Result<QueueReport> queue(const Principal& who, std::int64_t id, const AudienceInput& in,
                            const std::string& link_base);

  /// The background work: sends up to `max` pending deliveries (oldest message first), calling
  /// `before_each` before each send (the rate limit), and logs each answer. Returns how many
  /// deliveries were handled. unavailable without a mailer.
  Result<std::size_t> send_pending(std::size_t max, const std::function<void()>& before_each = {});

  /// The public unsubscribe page of a link; not_found for any token that is no link.
  Result<UnsubscribeView> unsubscribe_info(const std::string& token) const;
  /// Adds the address to the structure's opt-out list (idempotent).
  Result<UnsubscribeView> unsubscribe(const std::string& token);

 private:
  store::Database* db_;
  Surveys* surveys_;
  std::shared_ptr<Mailer> mailer_;
  std::shared_ptr<SupplySource> source_;
};

struct NewsletterSenderSettings {
  double messages_per_second = 10;  // the rate limit (0: none)
  std::size_t batch = 50;           // deliveries read per round
  std::chrono::milliseconds idle{2000};  // wait when nothing is pending
};

/// The background thread of the sends: start() / stop(); wake() after queueing.
class NewsletterSender {
 public:
  NewsletterSender(Newsletters& newsletters, NewsletterSenderSettings settings = {})
      : newsletters_(&newsletters), settings_(settings) {}
  ~NewsletterSender() { stop(); }
  NewsletterSender(const NewsletterSender&) = delete;
  NewsletterSender& operator=(const NewsletterSender&) = delete;

  void start();
  void stop();
  void wake();
  /// Sends until nothing is pending, on the calling thread, at the same rate (tests, benchmark).
  Result<std::size_t> drain();

 private:
  void pace();
  void run();

  Newsletters* newsletters_;
  NewsletterSenderSettings settings_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stopping_ = false, woken_ = false;
  std::chrono::steady_clock::time_point next_{};
};

}  // namespace maillage::services
