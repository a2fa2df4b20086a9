// E-mail composition (RFC 5322, MIME, RFC 2047 encoded-words) and the SMTP mailer over libcurl's
// C API (see mail.hpp).
#include "services/mail.hpp"

#include <curl/curl.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <mutex>

#include "common/base64.hpp"

namespace maillage::services {
namespace {

bool is_ascii_printable(const std::string& s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

// Control characters (CR, LF, tabs, …) of header data become spaces: a header value can never
// end its line or start another header.
std::string header_safe(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7F) ? ' ' : c;
  }
  return out;
}

// Length of the UTF-8 sequence starting with byte c (1 for a stray continuation byte).
std::size_t utf8_length(unsigned char c) {
  if (c < 0x80) return 1;
  if ((c >> 5) == 0x6) return 2;
  if ((c >> 4) == 0xE) return 3;
  if ((c >> 3) == 0x1E) return 4;
  return 1;
}

// RFC 2047 "B" encoded-words of at most 45 bytes of text each (72 characters), never splitting a
// UTF-8 character, separated by folding white space.
std::string encoded_words(const std::string& text) {
  std::string out;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t end = i;
    while (end < text.size()) {
      std::size_t n = utf8_length(static_cast<unsigned char>(text[end]));
      if (end + n > text.size()) n = text.size() - end;
      if (end + n - i > 45) break;
      end += n;
    }
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64::encode(std::string_view(text).substr(i, end - i)) + "?=";
    i = end;
  }
  return out;
}

// An unstructured header value (Subject): plain when short printable ASCII, else encoded-words.
std::string unstructured(const std::string& raw) {
  const std::string s = header_safe(raw);
  if (is_ascii_printable(s) && s.size() <= 60) return s;
  return encoded_words(s);
}

// "Name <address>" with the name quoted (ASCII) or encoded (otherwise).
std::string mailbox(const std::string& raw_name, const std::string& address) {
  const std::string name = header_safe(raw_name);
  if (name.empty()) return "<" + address + ">";
  if (is_ascii_printable(name) && name.size() <= 40) {
    std::string quoted = "\"";
    for (char c : name) {
      if (c == '"' || c == '\\') quoted += '\\';
      quoted += c;
    }
    return quoted + "\" <" + address + ">";
  }
  return encoded_words(name) + " <" + address + ">";
}

// Base64 in lines of 76 characters, each ended by CRLF.
std::string base64_lines(const std::string& data) {
  const std::string b = base64::encode(data);
  std::string out;
  for (std::size_t i = 0; i < b.size(); i += 76) out += b.substr(i, 76) + "\r\n";
  return out;
}

std::string crlf(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') continue;
    if (text[i] == '\n') {
      out += "\r\n";
    } else {
      out += text[i];
    }
  }
  return out;
}

// A parameter value of Content-Type / Content-Disposition: printable ASCII without quotes.
std::string file_name_param(const std::string& raw) {
  std::string out;
  for (unsigned char c : raw) {
    out += (c < 0x20 || c > 0x7E || c == '"' || c == '\\') ? '_' : static_cast<char>(c);
  }
  return out.empty() ? "piece-jointe" : out;
}

std::string content_type_safe(const std::string& raw) {
  std::string out = header_safe(raw);
  return is_ascii_printable(out) && !out.empty() ? out : "application/octet-stream";
}

}  // namespace

bool plausible_address(const std::string& a) {
  if (a.empty() || a.size() > 254) return false;
  const auto at = a.find('@');
  if (at == std::string::npos || at == 0 || at + 1 >= a.size()) return false;
  if (a.find('@', at + 1) != std::string::npos) return false;
  if (a.find('.', at) == std::string::npos || a.back() == '.') return false;
  for (unsigned char c : a) {
    if (c <= 0x20 || c >= 0x7F || c == '<' || c == '>' || c == '"' || c == '(' || c == ')' ||
        c == ',' || c == ';' || c == ':' || c == '\\' || c == '[' || c == ']') {
      return false;
    }
  }
  return true;
}

std::string rfc5322_now() {
  const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&t, &tm);
  static const char* const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} +0000", days[tm.tm_wday], tm.tm_mday,
                     months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string compose_mail(const MailMessage& m, const std::string& from, const std::string& date,
                         const std::string& message_id) {
  std::string out;
  out += "Date: " + header_safe(date) + "\r\n";
  out += "From: " + mailbox("", header_safe(from)) + "\r\n";
  out += "To: " + mailbox(m.to_name, header_safe(m.to)) + "\r\n";
  out += "Subject: " + unstructured(m.subject) + "\r\n";
  out += "Message-ID: <" + header_safe(message_id) + ">\r\n";
  const std::string unsubscribe = header_safe(m.list_unsubscribe);
  if ((unsubscribe.rfind("https://", 0) == 0 || unsubscribe.rfind("http://", 0) == 0) &&
      is_ascii_printable(unsubscribe) && unsubscribe.find_first_of("<> ") == std::string::npos) {
    out += "List-Unsubscribe: <" + unsubscribe + ">\r\n";
    out += "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n";
  }
  out += "MIME-Version: 1.0\r\n";
  std::string text_part =
      "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
      base64_lines(crlf(m.text));
  if (!m.html.empty()) {
    // The text and its HTML rendering as alternatives; the boundary differs from the mixed one.
    const std::string alt =
        "=_maillage_alt_" + base64::encode(header_safe(message_id)).substr(0, 16);
    text_part = "Content-Type: multipart/alternative; boundary=\"" + alt + "\"\r\n\r\n--" + alt +
                "\r\n" + text_part + "--" + alt +
                "\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: "
                "base64\r\n\r\n" +
                base64_lines(crlf(m.html)) + "--" + alt + "--\r\n";
  }
  if (m.attachments.empty()) return out + text_part;
  // The boundary cannot occur in base64 lines nor in the part headers written here.
  const std::string boundary =
      "=_maillage_" + base64::encode(header_safe(message_id)).substr(0, 16);
  out += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  out += "Message au format MIME.\r\n";
  out += "--" + boundary + "\r\n" + text_part;
  for (const auto& a : m.attachments) {
    const std::string name = file_name_param(a.file_name);
    out += "--" + boundary + "\r\n";
    out += "Content-Type: " + content_type_safe(a.content_type) + "; name=\"" + name + "\"\r\n";
    out += "Content-Disposition: attachment; filename=\"" + name + "\"\r\n";
    out += "Content-Transfer-Encoding: base64\r\n\r\n";
    out += base64_lines(a.data);
  }
  out += "--" + boundary + "--\r\n";
  return out;
}

std::string redact_url(const std::string& url) {
  const auto scheme = url.find("://");
  if (scheme == std::string::npos) return url;
  const auto at = url.find('@', scheme + 3);
  const auto slash = url.find('/', scheme + 3);
  if (at == std::string::npos || (slash != std::string::npos && slash < at)) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon + 1) + "***" + url.substr(at);
}

namespace {

struct Reader {
  const std::string* text = nullptr;
  std::size_t position = 0;
};

std::size_t read_message(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* r = static_cast<Reader*>(user);
  const std::size_t room = size * count;
  const std::size_t left = r->text->size() - r->position;
  const std::size_t n = left < room ? left : room;
  std::copy_n(r->text->data() + r->position, n, buffer);
  r->position += n;
  return n;
}

bool loopback_host(const std::string& url) {
  const auto scheme = url.find("://");
  std::string rest = url.substr(scheme + 3);
  if (const auto at = rest.find('@'); at != std::string::npos) rest = rest.substr(at + 1);
  return rest.rfind("127.", 0) == 0 || rest.rfind("localhost", 0) == 0 ||
         rest.rfind("[::1]", 0) == 0;
}

class SmtpMailer final : public Mailer {
 public:
  SmtpMailer(std::string url, std::string from) : url_(std::move(url)), from_(std::move(from)) {}
  ~SmtpMailer() override {
    if (curl_ != nullptr) curl_easy_cleanup(curl_);
  }
  SmtpMailer(const SmtpMailer&) = delete;
  SmtpMailer& operator=(const SmtpMailer&) = delete;

  Status send(const MailMessage& m) override {
    if (!plausible_address(m.to)) {
      return fail(ErrorCode::invalid_input, "Adresse e-mail invalide : " + m.to, "to");
    }
    static std::atomic<std::uint64_t> counter{0};
    const std::string id = fmt::format(
        "{}.{}@maillage", std::chrono::system_clock::now().time_since_epoch().count(), ++counter);
    const std::string text = compose_mail(m, from_, rfc5322_now(), id);
    std::lock_guard lock(mutex_);
    // One handle for every message: libcurl keeps the connection open between them.
    if (curl_ == nullptr) {
      curl_ = curl_easy_init();
      if (curl_ == nullptr) return fail(ErrorCode::internal, "libcurl : initialisation impossible");
    } else {
      curl_easy_reset(curl_);
    }
    Reader reader{&text, 0};
    char error[CURL_ERROR_SIZE] = {0};
    curl_slist* recipients = curl_slist_append(nullptr, m.to.c_str());
    curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl_, CURLOPT_MAIL_FROM, from_.c_str());
    curl_easy_setopt(curl_, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl_, CURLOPT_READFUNCTION, &read_message);
    curl_easy_setopt(curl_, CURLOPT_READDATA, &reader);
    curl_easy_setopt(curl_, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl_, CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(curl_, CURLOPT_ERRORBUFFER, error);
    // A remote smtp:// server: STARTTLS when it offers it (smtps:// is TLS from the start).
    if (url_.rfind("smtp://", 0) == 0 && !loopback_host(url_)) {
      curl_easy_setopt(curl_, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    }
    const CURLcode rc = curl_easy_perform(curl_);
    curl_slist_free_all(recipients);
    if (rc != CURLE_OK) {
      return fail(ErrorCode::unavailable,
                  fmt::format("Envoi impossible par {} : {}", redact_url(url_),
                              error[0] != 0 ? error : curl_easy_strerror(rc)),
                  "smtp_url");
    }
    return {};
  }

  [[nodiscard]] std::string description() const override { return redact_url(url_); }

 private:
  std::string url_, from_;
  std::mutex mutex_;
  CURL* curl_ = nullptr;
};

}  // namespace

Result<std::unique_ptr<Mailer>> make_smtp_mailer(const std::string& url, const std::string& from) {
  if (url.rfind("smtp://", 0) != 0 && url.rfind("smtps://", 0) != 0) {
    return fail(ErrorCode::invalid_input,
                "smtp_url doit commencer par smtp:// ou smtps:// (ex. smtp://127.0.0.1:25)",
                "smtp_url");
  }
  if (!plausible_address(from)) {
    return fail(ErrorCode::invalid_input, "smtp_from doit être une adresse e-mail : " + from,
                "smtp_from");
  }
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  return std::unique_ptr<Mailer>(new SmtpMailer(url, from));
}

}  // namespace maillage::services
