// E-mail: a message as plain data, its RFC 5322 / MIME text (compose_mail, pure), and the Mailer
// that sends it. The real one speaks SMTP through libcurl's C API (the `smtp_url` setting of the
// application: smtp://host:port, or smtps:// for TLS from the start; user:password@ in the URL
// when the server asks for a login); tests pass their own Mailer or a local SMTP sink.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace maillage::services {

struct MailAttachment {
  std::string file_name;     // "ag-2026-06-12.ics"
  std::string content_type;  // "text/calendar; method=PUBLISH; charset=UTF-8"
  std::string data;          // the bytes
};

struct MailMessage {
  std::string to;       // one address
  std::string to_name;  // shown name ("DURAND Marie"), may be empty
  std::string subject;  // UTF-8
  std::string text;     // UTF-8 plain text, '\n' line ends
  std::vector<MailAttachment> attachments;
  /// Optional HTML alternative of `text` (already sanitised by the caller): when set, the body is
  /// multipart/alternative (text/plain first, then text/html, both UTF-8 in base64).
  std::string html;
  /// Optional one-click unsubscribe URL (RFC 2369 List-Unsubscribe, RFC 8058
  /// List-Unsubscribe-Post), https or http only; ignored otherwise.
  std::string list_unsubscribe;
};

/// The message as sent: headers (Date, From, To, Subject and display names as RFC 2047
/// encoded-words when not ASCII, Message-ID, MIME-Version), then a text/plain UTF-8 part in
/// base64 (with its text/html alternative in multipart/alternative when `html` is set), and each
/// attachment in base64 (multipart/mixed when there are attachments). CRLF line
/// ends, no line over 78 characters, and no CR or LF taken from the data inside a header, so that
/// a subject or a name cannot add headers. `date` is an RFC 5322 date ("Mon, 07 Dec 2026 12:00:00
/// +0000"), `message_id` without angle brackets.
std::string compose_mail(const MailMessage& message, const std::string& from,
                         const std::string& date, const std::string& message_id);

/// "Mon, 07 Dec 2026 12:00:00 +0000" for now (UTC).
std::string rfc5322_now();

/// True for a plausible single address (local@domain, no spaces, quotes, angle brackets or
/// control characters): what may go into an SMTP envelope.
bool plausible_address(const std::string& address);

class Mailer {
 public:
  virtual ~Mailer() = default;
  /// Sends one message; unavailable (server unreachable, refused) with the server's reason.
  /// Thread-safe.
  virtual Status send(const MailMessage& message) = 0;
  /// "smtp://127.0.0.1:2525" without any password: for pages and logs.
  [[nodiscard]] virtual std::string description() const = 0;
};

/// The SMTP mailer (libcurl). Errors: invalid_input when the URL is not smtp:// or smtps:// or
/// `from` is not an address. Nothing is contacted before the first send.
Result<std::unique_ptr<Mailer>> make_smtp_mailer(const std::string& url, const std::string& from);

/// The URL with its password replaced by "***" ("smtp://user:***@host:587").
std::string redact_url(const std::string& url);

}  // namespace maillage::services
