#include "store/database.hpp"

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include "store/audit_scope.hpp"
#include "store/backends.hpp"
#include "store/migrations.hpp"

namespace maillage::store {

bool Row::is_null(std::size_t i) const {
  return i >= values.size() || std::holds_alternative<std::nullptr_t>(values[i]);
}

std::size_t NamedRow::index(std::string_view column) const {
  for (std::size_t i = 0; i < columns_->size(); ++i) {
    if ((*columns_)[i] == column) return i;
  }
  throw std::out_of_range("store: no column \"" + std::string(column) + "\" in this result");
}

bool NamedRow::is_null(std::string_view column) const { return row_->is_null(index(column)); }
std::int64_t NamedRow::integer(std::string_view column) const {
  return row_->integer(index(column));
}
double NamedRow::real(std::string_view column) const { return row_->real(index(column)); }
std::string NamedRow::text(std::string_view column) const { return row_->text(index(column)); }

std::int64_t Row::integer(std::size_t i) const {
  if (i >= values.size()) return 0;
  const Value& v = values[i];
  if (const auto* n = std::get_if<std::int64_t>(&v)) return *n;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  if (const auto* s = std::get_if<std::string>(&v)) {
    try {
      return std::stoll(*s);
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

double Row::real(std::size_t i) const {
  if (i >= values.size()) return 0;
  const Value& v = values[i];
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return static_cast<double>(*n);
  if (const auto* s = std::get_if<std::string>(&v)) {
    try {
      return std::stod(*s);
    } catch (const std::exception&) {
      return 0;
    }
  }
  return 0;
}

std::string Row::text(std::size_t i) const {
  if (i >= values.size()) return {};
  const Value& v = values[i];
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* n = std::get_if<std::int64_t>(&v)) return std::to_string(*n);
  if (const auto* d = std::get_if<double>(&v)) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.17g", *d);
    return buf;
  }
  return {};
}

Result<std::unique_ptr<Database>> Database::open(const std::string& url, DatabaseOptions options) {
  if (options.read_connections < 1 || options.write_connections < 1 || options.max_retries < 1 ||
      options.busy_timeout_ms < 0) {
    return fail(ErrorCode::invalid_input, "Réglages de connexion à la base invalides.", "database");
  }
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return detail::open_postgres(url, options);
  }
  std::string path = url.starts_with("sqlite:") ? url.substr(7) : url;
  if (path.empty()) {
    return fail(ErrorCode::invalid_input, "Chemin de base SQLite vide.", "database");
  }
  return detail::open_sqlite(path, options);
}

std::string placeholders(std::size_t first, std::size_t count) {
  std::string out;
  out.reserve(count * 5);
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) out += ", ";
    out += '$';
    out += std::to_string(first + i);
  }
  return out;
}

Status audit(Tx& tx, const AuditEntry& entry) {
  auto nullable = [](const std::string& s) -> Value {
    if (s.empty()) return nullptr;
    return s;
  };
  auto scope = detail::audit_scope(tx, entry);
  if (!scope) return tl::unexpected(scope.error());
  auto r = tx.exec(
      "INSERT INTO audit_log (at, user_login, action, entity, entity_id, before, after, "
      "structure_id, departement) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
      {timestamp_now(), entry.user.empty() ? std::string("system") : entry.user, entry.action,
       entry.entity, entry.entity_id, nullable(entry.before), nullable(entry.after),
       scope->structure_id == 0 ? Value{nullptr} : Value{scope->structure_id},
       nullable(scope->departement)});
  if (!r) return tl::unexpected(r.error());
  return {};
}

int latest_schema_version(Backend backend) {
  auto list = detail::migrations(backend);
  return list.empty() ? 0 : list.back().version;
}

std::string format_timestamp(std::chrono::system_clock::time_point t) {
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  int millis = static_cast<int>(ms % 1000);
  if (millis < 0) {  // before 1970: floor, not truncate
    millis += 1000;
    secs -= 1;
  }
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];  // room for any int the compiler imagines
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
  return buf;
}

std::optional<std::chrono::system_clock::time_point> parse_timestamp(std::string_view text) {
  // Fixed width, "2026-11-24T16:22:12.123Z": every digit at its place.
  constexpr std::string_view kShape = "dddd-dd-ddTdd:dd:dd.dddZ";
  if (text.size() != kShape.size()) return std::nullopt;
  for (std::size_t i = 0; i < kShape.size(); ++i) {
    const bool digit = text[i] >= '0' && text[i] <= '9';
    if (kShape[i] == 'd' ? !digit : text[i] != kShape[i]) return std::nullopt;
  }
  auto num = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (text[i] - '0');
    return v;
  };
  std::tm tm{};
  tm.tm_year = num(0, 4) - 1900;
  tm.tm_mon = num(5, 2) - 1;
  tm.tm_mday = num(8, 2);
  tm.tm_hour = num(11, 2);
  tm.tm_min = num(14, 2);
  tm.tm_sec = num(17, 2);
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 ||
      tm.tm_sec > 60) {
    return std::nullopt;
  }
  const std::time_t secs = timegm(&tm);
  return std::chrono::system_clock::from_time_t(secs) + std::chrono::milliseconds(num(20, 3));
}

std::string timestamp_now() { return format_timestamp(std::chrono::system_clock::now()); }

namespace detail {

namespace {
thread_local std::vector<const Database*> open_transactions;
}

TxScope::TxScope(const Database* db) { open_transactions.push_back(db); }
TxScope::~TxScope() { open_transactions.pop_back(); }
bool TxScope::active(const Database* db) {
  for (const Database* d : open_transactions) {
    if (d == db) return true;
  }
  return false;
}

tl::unexpected<Error> nested_transaction_error() {
  return fail(ErrorCode::internal,
              "Transaction imbriquée : Database::transact appelé depuis une transaction.");
}

Status check_no_nul(std::string_view sql, const Params& params) {
  for (std::size_t i = 0; i < params.size(); ++i) {
    const auto* text = std::get_if<std::string>(&params[i]);
    if (text && text->find('\0') != std::string::npos) {
      return fail(ErrorCode::invalid_input, "Texte refusé : caractère nul dans le paramètre $" +
                                                std::to_string(i + 1) + " de « " +
                                                std::string(sql.substr(0, 60)) + " ».");
    }
  }
  return {};
}

int max_placeholder(std::string_view sql) {
  int highest = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"') {  // skip a quoted literal or identifier ('' and "" escape)
      for (++i; i < sql.size() && sql[i] != c; ++i) {
      }
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      while (i < sql.size() && sql[i] != '\n') ++i;
    } else if (c == '$' && i + 1 < sql.size() && sql[i + 1] >= '0' && sql[i + 1] <= '9') {
      int n = 0;
      for (++i; i < sql.size() && sql[i] >= '0' && sql[i] <= '9' && n < 100000; ++i) {
        n = n * 10 + (sql[i] - '0');
      }
      --i;
      highest = std::max(highest, n);
    }
  }
  return highest;
}

}  // namespace detail

}  // namespace maillage::store
