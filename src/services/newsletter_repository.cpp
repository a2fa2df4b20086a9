#include "services/newsletter_repository.hpp"

#include "common/base64.hpp"
#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::NamedRow;
using store::Tx;
using store::Value;

namespace {

constexpr const char* kSelect =
    "SELECT n.id, n.structure_id, s.name AS structure_name, n.subject, n.body_html, n.body_text, "
    "n.status, n.link_base, n.version, n.created_by, n.created_at, n.queued_at, n.finished_at, "
    "(SELECT COUNT(*) FROM newsletter_deliveries d WHERE d.newsletter_id = n.id) AS recipients, "
    "(SELECT COUNT(*) FROM newsletter_deliveries d WHERE d.newsletter_id = n.id AND d.status = "
    "'pending') AS pending, "
    "(SELECT COUNT(*) FROM newsletter_deliveries d WHERE d.newsletter_id = n.id AND d.status = "
    "'sent') AS sent, "
    "(SELECT COUNT(*) FROM newsletter_deliveries d WHERE d.newsletter_id = n.id AND d.status = "
    "'refused') AS refused, "
    "(SELECT COUNT(*) FROM newsletter_deliveries d WHERE d.newsletter_id = n.id AND d.status = "
    "'unsubscribed') AS unsubscribed "
    "FROM newsletters n JOIN structures s ON s.id = n.structure_id";

NewsletterRow newsletter_of(const NamedRow& r) {
  NewsletterRow n;
  n.id = r.integer("id");
  n.structure_id = r.integer("structure_id");
  n.structure_name = r.text("structure_name");
  n.subject = r.text("subject");
  n.body_html = r.text("body_html");
  n.body_text = r.text("body_text");
  n.status = r.text("status");
  n.link_base = r.text("link_base");
  n.version = r.integer("version");
  n.created_by = r.text("created_by");
  n.created_at = r.text("created_at");
  n.queued_at = r.text("queued_at");
  n.finished_at = r.text("finished_at");
  n.recipients = static_cast<int>(r.integer("recipients"));
  n.pending = static_cast<int>(r.integer("pending"));
  n.sent = static_cast<int>(r.integer("sent"));
  n.refused = static_cast<int>(r.integer("refused"));
  n.unsubscribed = static_cast<int>(r.integer("unsubscribed"));
  return n;
}

constexpr const char* kDeliveryColumns =
    "id, newsletter_id, email, name, source, status, reason, sent_at";

DeliveryRow delivery_of(const NamedRow& r) {
  DeliveryRow d;
  d.id = r.integer("id");
  d.newsletter_id = r.integer("newsletter_id");
  d.email = r.text("email");
  d.name = r.text("name");
  d.source = r.text("source");
  d.status = r.text("status");
  d.reason = r.text("reason");
  d.sent_at = r.text("sent_at");
  return d;
}

}  // namespace

Result<std::vector<NewsletterRow>> NewsletterRepository::newsletters() const {
  auto rows = MAILLAGE_TRY(db_->query(std::string(kSelect) + " ORDER BY n.created_at DESC, n.id DESC"));
  std::vector<NewsletterRow> out;
  for (NamedRow r : rows.each()) out.push_back(newsletter_of(r));
  return out;
}

Result<std::optional<NewsletterRow>> NewsletterRepository::newsletter(std::int64_t id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string(kSelect) + " WHERE n.id = $1", {id}));
  if (rows.empty()) return std::optional<NewsletterRow>{};
  return std::optional<NewsletterRow>{newsletter_of(rows.named(0))};
}

Result<std::vector<MailAttachment>> NewsletterRepository::attachments(std::int64_t id) const {
  auto rows = MAILLAGE_TRY(
      db_->query("SELECT file_name, content_type, data FROM newsletter_attachments WHERE "
                 "newsletter_id = $1 ORDER BY ordinal",
                 {id}));
  std::vector<MailAttachment> out;
  for (NamedRow r : rows.each()) {
    out.push_back({r.text("file_name"), r.text("content_type"),
                   base64::decode(r.text("data")).value_or("")});
  }
  return out;
}

Result<std::vector<DeliveryRow>> NewsletterRepository::deliveries(std::int64_t id) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kDeliveryColumns +
                                          " FROM newsletter_deliveries WHERE newsletter_id = $1 "
                                          "ORDER BY id",
                                      {id}));
  std::vector<DeliveryRow> out;
  for (NamedRow r : rows.each()) out.push_back(delivery_of(r));
  return out;
}

Result<std::vector<DeliveryRow>> NewsletterRepository::pending(std::size_t max) const {
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kDeliveryColumns +
                                          " FROM newsletter_deliveries WHERE status = 'pending' "
                                          "ORDER BY newsletter_id, id LIMIT $1",
                                      {static_cast<std::int64_t>(max)}));
  std::vector<DeliveryRow> out;
  for (NamedRow r : rows.each()) out.push_back(delivery_of(r));
  return out;
}

Result<std::optional<std::pair<DeliveryRow, NewsletterRow>>> NewsletterRepository::by_token(
    const std::string& token_hash) const {
  using Found = std::optional<std::pair<DeliveryRow, NewsletterRow>>;
  auto rows = MAILLAGE_TRY(db_->query(std::string("SELECT ") + kDeliveryColumns +
                                          " FROM newsletter_deliveries WHERE token_hash = $1",
                                      {token_hash}));
  if (rows.empty()) return Found{};
  DeliveryRow d = delivery_of(rows.named(0));
  auto n = MAILLAGE_TRY(newsletter(d.newsletter_id));
  if (!n) return Found{};
  return Found{std::make_pair(std::move(d), std::move(*n))};
}

Result<bool> NewsletterRepository::unsubscribed(std::int64_t structure_id,
                                                const std::string& email) const {
  auto rows = MAILLAGE_TRY(db_->query(
      "SELECT COUNT(*) AS n FROM newsletter_unsubscribes WHERE structure_id = $1 AND email = $2",
      {structure_id, email}));
  return rows.named(0).integer("n") > 0;
}

Result<std::int64_t> NewsletterRepository::insert(Tx& tx, std::int64_t structure_id,
                                                  const std::string& subject,
                                                  const std::string& html, const std::string& text,
                                                  const std::vector<MailAttachment>& attachments,
                                                  const std::string& by, const std::string& at) {
  auto rows = MAILLAGE_TRY(tx.query(
      "INSERT INTO newsletters (structure_id, subject, body_html, body_text, status, version, "
      "created_by, created_at) VALUES ($1, $2, $3, $4, 'draft', 1, $5, $6) RETURNING id",
      {structure_id, subject, html, text, by, at}));
  const std::int64_t id = rows.named(0).integer("id");
  for (std::size_t i = 0; i < attachments.size(); ++i) {
    MAILLAGE_TRY(tx.exec(
        "INSERT INTO newsletter_attachments (newsletter_id, ordinal, file_name, content_type, "
        "data) VALUES ($1, $2, $3, $4, $5)",
        {id, static_cast<std::int64_t>(i), attachments[i].file_name, attachments[i].content_type,
         base64::encode(attachments[i].data)}));
  }
  return id;
}

Result<std::vector<std::string>> NewsletterRepository::unsubscribes(Tx& tx,
                                                                    std::int64_t structure_id) {
  auto rows = MAILLAGE_TRY(tx.query(
      "SELECT email FROM newsletter_unsubscribes WHERE structure_id = $1", {structure_id}));
  std::vector<std::string> out;
  for (NamedRow r : rows.each()) out.push_back(r.text("email"));
  return out;
}

Result<bool> NewsletterRepository::mark_queued(Tx& tx, std::int64_t id,
                                               const std::string& link_base,
                                               const std::string& at) {
  const std::int64_t n = MAILLAGE_TRY(
      tx.exec("UPDATE newsletters SET status = 'queued', link_base = $2, queued_at = $3, version "
              "= version + 1 WHERE id = $1 AND status = 'draft'",
              {id, link_base, at}));
  return n == 1;
}

Status NewsletterRepository::insert_delivery(Tx& tx, std::int64_t newsletter_id,
                                             const std::string& email, const std::string& name,
                                             const std::string& source) {
  MAILLAGE_TRY(tx.exec(
      "INSERT INTO newsletter_deliveries (newsletter_id, email, name, source, status) VALUES ($1, "
      "$2, $3, $4, 'pending')",
      {newsletter_id, email, name, source}));
  return {};
}

Result<bool> NewsletterRepository::record(Tx& tx, std::int64_t delivery_id,
                                          const std::string& status, const std::string& reason,
                                          const std::string& token_hash, const std::string& at) {
  const std::int64_t n = MAILLAGE_TRY(tx.exec(
      "UPDATE newsletter_deliveries SET status = $2, reason = $3, token_hash = $4, sent_at = $5 "
      "WHERE id = $1 AND status = 'pending'",
      {delivery_id, status, reason, token_hash.empty() ? Value(nullptr) : Value(token_hash),
       status == "sent" ? Value(at) : Value(nullptr)}));
  return n == 1;
}

Result<std::int64_t> NewsletterRepository::skip_unsubscribed(Tx& tx, std::int64_t newsletter_id) {
  return tx.exec(
      "UPDATE newsletter_deliveries SET status = 'unsubscribed' WHERE newsletter_id = $1 AND "
      "status = 'pending' AND email IN (SELECT u.email FROM newsletter_unsubscribes u JOIN "
      "newsletters n ON n.structure_id = u.structure_id WHERE n.id = $1)",
      {newsletter_id});
}

Status NewsletterRepository::finish_done(Tx& tx, const std::string& at) {
  MAILLAGE_TRY(tx.exec(
      "UPDATE newsletters SET status = 'sent', finished_at = $1, version = version + 1 WHERE "
      "status = 'queued' AND NOT EXISTS (SELECT 1 FROM newsletter_deliveries d WHERE "
      "d.newsletter_id = newsletters.id AND d.status = 'pending')",
      {at}));
  return {};
}

Status NewsletterRepository::add_unsubscribe(Tx& tx, std::int64_t structure_id,
                                             const std::string& email, const std::string& at) {
  MAILLAGE_TRY(tx.exec(
      "INSERT INTO newsletter_unsubscribes (structure_id, email, unsubscribed_at) VALUES ($1, $2, "
      "$3) ON CONFLICT (structure_id, email) DO NOTHING",
      {structure_id, email, at}));
  return {};
}

}  // namespace maillage::services
