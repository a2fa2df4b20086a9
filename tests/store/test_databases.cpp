#include "store/test_databases.hpp"

#include <libpq-fe.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <stdexcept>

namespace maillage::testing {

namespace {

namespace fs = std::filesystem;

std::string random_hex(std::size_t bytes) {
  std::vector<unsigned char> buf(bytes);
  if (RAND_bytes(buf.data(), static_cast<int>(buf.size())) != 1) {
    throw std::runtime_error("RAND_bytes failed");
  }
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char b : buf) {
    out += digits[b >> 4];
    out += digits[b & 15];
  }
  return out;
}

// The same server URL with another database name (the path part of the URL).
std::string with_database(const std::string& url, const std::string& name) {
  auto scheme = url.find("://");
  auto start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  auto query = url.find('?', scheme == std::string::npos ? 0 : scheme + 3);
  if (start == std::string::npos || (query != std::string::npos && start > query)) {
    start = query == std::string::npos ? url.size() : query;
    return url.substr(0, start) + "/" + name + url.substr(start);
  }
  auto end = query == std::string::npos ? url.size() : query;
  return url.substr(0, start) + "/" + name + url.substr(end);
}

void admin_command(const std::string& sql) {
  const char* admin = std::getenv("MAILLAGE_TEST_PG");
  PGconn* c = PQconnectdb(admin);
  if (PQstatus(c) != CONNECTION_OK) {
    std::string msg = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("cannot connect to MAILLAGE_TEST_PG: " + msg);
  }
  PGresult* r = PQexec(c, sql.c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string msg = PQerrorMessage(c);
  PQclear(r);
  PQfinish(c);
  if (!ok) throw std::runtime_error(sql + ": " + msg);
}

}  // namespace

std::string postgres_unavailable_reason() {
  const char* url = std::getenv("MAILLAGE_TEST_PG");
  if (url && *url) return {};
  return "env MAILLAGE_TEST_PG is not set (scripts/test.sh starts a throw-away PostgreSQL and "
         "sets it; by hand: url=$(scripts/pg.sh start /tmp/pg) and export "
         "MAILLAGE_TEST_PG=$url)";
}

bool running_in_ci() {
  const char* ci = std::getenv("CI");
  return ci && std::string(ci) == "true";
}

std::unique_ptr<ScratchDatabase> ScratchDatabase::create(store::Backend backend) {
  std::unique_ptr<ScratchDatabase> s(new ScratchDatabase);
  s->backend_ = backend;
  std::string tmpl = (fs::temp_directory_path() / "maillage-test-XXXXXX").string();
  if (!mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  s->dir_ = tmpl;
  if (backend == store::Backend::sqlite) {
    s->url_ = "sqlite:" + s->dir_ + "/test.sqlite";
  } else {
    const char* admin = std::getenv("MAILLAGE_TEST_PG");
    if (!admin || !*admin) throw std::runtime_error(postgres_unavailable_reason());
    s->pg_name_ = "m_" + random_hex(8);
    admin_command("CREATE DATABASE " + s->pg_name_);
    s->url_ = with_database(admin, s->pg_name_);
  }
  return s;
}

ScratchDatabase::~ScratchDatabase() {
  if (!pg_name_.empty()) {
    try {
      admin_command("DROP DATABASE IF EXISTS " + pg_name_ + " WITH (FORCE)");
    } catch (const std::exception& e) {
      ADD_FAILURE() << "could not drop " << pg_name_ << ": " << e.what();
    }
  }
  std::error_code ec;
  if (!dir_.empty()) fs::remove_all(dir_, ec);
}

std::string ScratchDatabase::temp_path(const std::string& name) const {
  return (fs::path(dir_) / name).string();
}

std::unique_ptr<store::Database> open_database(const ScratchDatabase& scratch, bool migrate,
                                               store::DatabaseOptions options) {
  auto db = store::Database::open(scratch.url(), options);
  if (!db) throw std::runtime_error("open " + scratch.url() + ": " + db.error().describe());
  if (migrate) {
    auto v = (*db)->migrate();
    if (!v) throw std::runtime_error("migrate " + scratch.url() + ": " + v.error().describe());
  }
  return std::move(*db);
}

}  // namespace maillage::testing
