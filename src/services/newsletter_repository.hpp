// The SQL of newsletters (migration 0015): messages, attachments, deliveries, opt-outs. Rows are
// mapped by column name; writes take the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/mail.hpp"

namespace maillage::store {
class Database;
class Tx;
}  // namespace maillage::store

namespace maillage::services {

struct NewsletterRow {
  std::int64_t id = 0, structure_id = 0;
  std::string structure_name, subject, body_html, body_text, status, link_base;
  std::int64_t version = 0;
  std::string created_by, created_at, queued_at, finished_at;
  int recipients = 0, pending = 0, sent = 0, refused = 0, unsubscribed = 0;
};

struct DeliveryRow {
  std::int64_t id = 0, newsletter_id = 0;
  std::string email, name, source, status, reason, sent_at;
};

class NewsletterRepository {
 public:
  explicit NewsletterRepository(store::Database& db) : db_(&db) {}

  Result<std::vector<NewsletterRow>> newsletters() const;
  Result<std::optional<NewsletterRow>> newsletter(std::int64_t id) const;
  Result<std::vector<MailAttachment>> attachments(std::int64_t id) const;
  Result<std::vector<DeliveryRow>> deliveries(std::int64_t id) const;
  /// Up to `max` pending deliveries, oldest message first.
  Result<std::vector<DeliveryRow>> pending(std::size_t max) const;
  /// The delivery of an unsubscribe token's hash, with its message's structure.
  Result<std::optional<std::pair<DeliveryRow, NewsletterRow>>> by_token(
      const std::string& token_hash) const;
  Result<bool> unsubscribed(std::int64_t structure_id, const std::string& email) const;

  static Result<std::int64_t> insert(store::Tx& tx, std::int64_t structure_id,
                                     const std::string& subject, const std::string& html,
                                     const std::string& text,
                                     const std::vector<MailAttachment>& attachments,
                                     const std::string& by, const std::string& at);
  static Result<std::vector<std::string>> unsubscribes(store::Tx& tx, std::int64_t structure_id);
  static Result<bool> mark_queued(store::Tx& tx, std::int64_t id, const std::string& link_base,
                                  const std::string& at);
  static Status insert_delivery(store::Tx& tx, std::int64_t newsletter_id,
                                const std::string& email, const std::string& name,
                                const std::string& source);
  /// Records the server's answer of a pending delivery; false when it is no longer pending.
  static Result<bool> record(store::Tx& tx, std::int64_t delivery_id, const std::string& status,
                             const std::string& reason, const std::string& token_hash,
                             const std::string& at);
  /// Pending deliveries of opted-out addresses become 'unsubscribed'; returns how many.
  static Result<std::int64_t> skip_unsubscribed(store::Tx& tx, std::int64_t newsletter_id);
  /// Messages whose deliveries are all handled become 'sent'.
  static Status finish_done(store::Tx& tx, const std::string& at);
  static Status add_unsubscribe(store::Tx& tx, std::int64_t structure_id, const std::string& email,
                                const std::string& at);

 private:
  store::Database* db_;
};

}  // namespace maillage::services
