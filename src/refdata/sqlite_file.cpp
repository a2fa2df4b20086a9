// The référentiel SQLite file: schema, writing, loading, counts.
#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <memory>
#include <unordered_map>

#include "refdata/packages.hpp"
#include "refdata/reference_file.hpp"

namespace maillage::refdata {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT, WITHOUT ROWID;
CREATE TABLE regions(code TEXT PRIMARY KEY, nom TEXT NOT NULL) STRICT, WITHOUT ROWID;
CREATE TABLE departements(
  code TEXT PRIMARY KEY,
  nom TEXT NOT NULL,
  region TEXT NOT NULL REFERENCES regions(code)
) STRICT, WITHOUT ROWID;
CREATE TABLE epcis(
  code TEXT PRIMARY KEY,
  nom TEXT NOT NULL,
  type TEXT NOT NULL,
  population INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
-- idx is the position in Referentiel::communes (communes by code, then arrondissements).
CREATE TABLE communes(
  idx INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  nom TEXT NOT NULL,
  departement TEXT NOT NULL REFERENCES departements(code),
  region TEXT NOT NULL REFERENCES regions(code),
  epci TEXT REFERENCES epcis(code),
  population INTEGER NOT NULL,
  postcodes TEXT NOT NULL,
  lat REAL NOT NULL,
  lon REAL NOT NULL,
  quality TEXT NOT NULL CHECK (quality IN ('exact', 'surface', 'imputed-postcode',
                                           'imputed-epci', 'imputed-departement',
                                           'imputed-territory')),
  arrondissement INTEGER NOT NULL CHECK (arrondissement IN (0, 1)),
  parent TEXT,
  island INTEGER NOT NULL CHECK (island IN (0, 1)),
  -- where its shape (cells table) comes from: an IGN polygon, or its approximate cell
  shape TEXT NOT NULL CHECK (shape IN ('polygon', 'cell', 'none'))
) STRICT;
CREATE INDEX communes_departement ON communes(departement);
CREATE INDEX communes_epci ON communes(epci);
-- Each neighbour pair once, a < b by idx.
CREATE TABLE neighbours(
  a TEXT NOT NULL REFERENCES communes(code),
  b TEXT NOT NULL REFERENCES communes(code),
  PRIMARY KEY (a, b)
) STRICT, WITHOUT ROWID;
CREATE TABLE cells(
  code TEXT PRIMARY KEY REFERENCES communes(code),
  vertices INTEGER NOT NULL,
  geometry BLOB NOT NULL
) STRICT;
CREATE TABLE rejected_points(
  code TEXT NOT NULL REFERENCES communes(code),
  nom TEXT NOT NULL,
  place TEXT NOT NULL,
  line INTEGER NOT NULL,
  lat REAL NOT NULL,
  lon REAL NOT NULL,
  check_kind TEXT NOT NULL,
  distance_km REAL NOT NULL,
  threshold_km REAL NOT NULL
) STRICT;
)sql";

struct DbClose {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using DbPtr = std::unique_ptr<sqlite3, DbClose>;
struct StmtFinalize {
  void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
};
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalize>;

tl::unexpected<Error> db_fail(sqlite3* db, const std::string& path, const std::string& what) {
  return tl::unexpected(Error{
      ErrorCode::db_error, what + " : " + (db != nullptr ? sqlite3_errmsg(db) : "?"), {}, path, 0});
}

Status exec(sqlite3* db, const std::string& path, const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string m = message != nullptr ? message : "?";
    sqlite3_free(message);
    return tl::unexpected(Error{ErrorCode::db_error, m, {}, path, 0});
  }
  return {};
}

Result<StmtPtr> prepare(sqlite3* db, const std::string& path, const char* sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &s, nullptr) != SQLITE_OK) {
    return db_fail(db, path, std::string("requête invalide « ") + sql + " »");
  }
  return StmtPtr(s);
}

// Binds text (NULL when `null_if_empty` and empty), integers, reals and blobs by position.
class Binder {
 public:
  explicit Binder(sqlite3_stmt* s) : s_(s) { sqlite3_reset(s_); }
  Binder& text(const std::string& v, bool null_if_empty = false) {
    if (null_if_empty && v.empty()) {
      sqlite3_bind_null(s_, ++i_);
    } else {
      sqlite3_bind_text(s_, ++i_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    }
    return *this;
  }
  Binder& integer(std::int64_t v) {
    sqlite3_bind_int64(s_, ++i_, v);
    return *this;
  }
  Binder& real(double v) {
    sqlite3_bind_double(s_, ++i_, v);
    return *this;
  }
  Binder& blob(const std::string& v) {
    sqlite3_bind_blob(s_, ++i_, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }

 private:
  sqlite3_stmt* s_;
  int i_ = 0;
};

Status step_done(sqlite3* db, sqlite3_stmt* s, const std::string& path) {
  if (sqlite3_step(s) != SQLITE_DONE) return db_fail(db, path, "écriture impossible");
  return {};
}

std::string column_text(sqlite3_stmt* s, int i) {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
  return p != nullptr ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i)))
                      : std::string();
}

// Cell BLOB layout, little-endian: u32 polygon count; per polygon u32 ring count (outer ring
// first); per ring u32 point count then point count × (i32 lon × 1e5, i32 lat × 1e5).
void put_u32(std::string& out, std::uint32_t v) {
  for (int k = 0; k < 4; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}
void put_i32(std::string& out, std::int32_t v) { put_u32(out, static_cast<std::uint32_t>(v)); }

std::string encode_cell(const geo::MultiPolygon& cell) {
  std::string out;
  put_u32(out, static_cast<std::uint32_t>(cell.size()));
  auto ring = [&](const geo::Ring& r) {
    put_u32(out, static_cast<std::uint32_t>(r.size()));
    for (const geo::LatLon& p : r) {
      put_i32(out, static_cast<std::int32_t>(std::lround(p.lon * 1e5)));
      put_i32(out, static_cast<std::int32_t>(std::lround(p.lat * 1e5)));
    }
  };
  for (const geo::Polygon& p : cell) {
    put_u32(out, static_cast<std::uint32_t>(1 + p.holes.size()));
    ring(p.outer);
    for (const geo::Ring& h : p.holes) ring(h);
  }
  return out;
}

class BlobReader {
 public:
  BlobReader(const unsigned char* data, std::size_t size) : p_(data), end_(data + size) {}
  bool u32(std::uint32_t& v) {
    if (end_ - p_ < 4) return false;
    v = static_cast<std::uint32_t>(p_[0]) | static_cast<std::uint32_t>(p_[1]) << 8 |
        static_cast<std::uint32_t>(p_[2]) << 16 | static_cast<std::uint32_t>(p_[3]) << 24;
    p_ += 4;
    return true;
  }
  [[nodiscard]] std::size_t left() const { return static_cast<std::size_t>(end_ - p_); }

 private:
  const unsigned char* p_;
  const unsigned char* end_;
};

bool decode_cell(const unsigned char* data, std::size_t size, geo::MultiPolygon& out) {
  BlobReader r(data, size);
  std::uint32_t polys = 0;
  if (!r.u32(polys) || polys > r.left() / 4) return false;
  out.resize(polys);
  for (geo::Polygon& poly : out) {
    std::uint32_t rings = 0;
    if (!r.u32(rings) || rings == 0 || rings > r.left() / 4) return false;
    for (std::uint32_t k = 0; k < rings; ++k) {
      std::uint32_t n = 0;
      if (!r.u32(n) || n > r.left() / 8) return false;
      geo::Ring ring(n);
      for (geo::LatLon& p : ring) {
        std::uint32_t lon = 0;
        std::uint32_t lat = 0;
        r.u32(lon);
        r.u32(lat);
        p.lon = static_cast<double>(static_cast<std::int32_t>(lon)) / 1e5;
        p.lat = static_cast<double>(static_cast<std::int32_t>(lat)) / 1e5;
      }
      (k == 0 ? poly.outer : poly.holes.emplace_back()) = std::move(ring);
    }
  }
  return r.left() == 0;
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const std::string& s : v) {
    if (!out.empty()) out.push_back(' ');
    out += s;
  }
  return out;
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t sp = s.find(' ', start);
    if (sp == std::string::npos) sp = s.size();
    if (sp > start) out.push_back(s.substr(start, sp - start));
    start = sp + 1;
  }
  return out;
}

Result<DbPtr> open_existing(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    return tl::unexpected(Error{ErrorCode::io_error,
                                "référentiel introuvable (lancez « maillage reference build »)",
                                {},
                                path,
                                0});
  }
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) return db_fail(raw, path, "ouverture impossible");
  Result<StmtPtr> s =
      prepare(db.get(), path, "SELECT value FROM meta WHERE key = 'schema_version'");
  if (!s) {
    return tl::unexpected(
        Error{ErrorCode::db_error, "ce fichier n'est pas un référentiel Maillage", {}, path, 0});
  }
  if (sqlite3_step(s->get()) != SQLITE_ROW ||
      column_text(s->get(), 0) != std::to_string(kReferenceSchemaVersion)) {
    return tl::unexpected(Error{
        ErrorCode::db_error,
        "version de schéma inattendue (attendue : " + std::to_string(kReferenceSchemaVersion) +
            ") : reconstruisez-le avec « maillage reference build »",
        "schema_version", path, 0});
  }
  return db;
}

std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

Status save_reference(const geo::Referentiel& ref, const geo::BuildReport& report,
                      const std::map<std::string, std::string>& meta, const std::string& path) {
  namespace fs = std::filesystem;
  const std::string partial = path + ".partial";
  std::error_code ec;
  if (const fs::path parent = fs::path(path).parent_path(); !parent.empty()) {
    fs::create_directories(parent, ec);
  }
  fs::remove(partial, ec);
  sqlite3* raw = nullptr;
  const int rc =
      sqlite3_open_v2(partial.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) return db_fail(raw, partial, "création impossible");
  // The file is written once by one process and renamed into place at the end: no journal
  // is needed, and foreign keys check the links we wrote.
  for (const char* sql : {"PRAGMA journal_mode = OFF", "PRAGMA synchronous = OFF",
                          "PRAGMA foreign_keys = ON", "BEGIN"}) {
    if (Status s = exec(db.get(), partial, sql); !s) return s;
  }
  if (Status s = exec(db.get(), partial, kSchema); !s) return s;

  auto insert_all = [&](const char* sql, auto&& each) -> Status {
    Result<StmtPtr> stmt = prepare(db.get(), partial, sql);
    if (!stmt) return tl::unexpected(stmt.error());
    return each(stmt->get());
  };
  Status s = insert_all("INSERT INTO meta VALUES (?, ?)", [&](sqlite3_stmt* st) -> Status {
    std::map<std::string, std::string> all = meta;
    all["schema_version"] = std::to_string(kReferenceSchemaVersion);
    all["built_at"] = utc_now();
    for (const auto& [k, v] : all) {
      Binder(st).text(k).text(v);
      if (Status r = step_done(db.get(), st, partial); !r) return r;
    }
    return {};
  });
  if (!s) return s;
  s = insert_all("INSERT INTO regions VALUES (?, ?)", [&](sqlite3_stmt* st) -> Status {
    for (const geo::Region& r : ref.regions) {
      Binder(st).text(r.code).text(r.nom);
      if (Status e = step_done(db.get(), st, partial); !e) return e;
    }
    return {};
  });
  if (!s) return s;
  s = insert_all("INSERT INTO departements VALUES (?, ?, ?)", [&](sqlite3_stmt* st) -> Status {
    for (const geo::Departement& d : ref.departements) {
      Binder(st).text(d.code).text(d.nom).text(d.region);
      if (Status e = step_done(db.get(), st, partial); !e) return e;
    }
    return {};
  });
  if (!s) return s;
  s = insert_all("INSERT INTO epcis VALUES (?, ?, ?, ?)", [&](sqlite3_stmt* st) -> Status {
    for (const geo::Epci& e : ref.epcis) {
      Binder(st).text(e.code).text(e.nom).text(e.type).integer(e.population);
      if (Status r = step_done(db.get(), st, partial); !r) return r;
    }
    return {};
  });
  if (!s) return s;
  s = insert_all("INSERT INTO communes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [&](sqlite3_stmt* st) -> Status {
                   for (std::size_t i = 0; i < ref.communes.size(); ++i) {
                     const geo::Commune& c = ref.communes[i];
                     Binder(st)
                         .integer(static_cast<std::int64_t>(i))
                         .text(c.code)
                         .text(c.nom)
                         .text(c.departement)
                         .text(c.region)
                         .text(c.epci, true)
                         .integer(c.population)
                         .text(join(c.postcodes))
                         .real(c.position.lat)
                         .real(c.position.lon)
                         .text(std::string(geo::coord_quality_id(c.quality)))
                         .integer(c.arrondissement ? 1 : 0)
                         .text(c.parent, true)
                         .integer(c.island ? 1 : 0)
                         .text(std::string(geo::shape_source_id(c.shape)));
                     if (Status r = step_done(db.get(), st, partial); !r) return r;
                   }
                   return {};
                 });
  if (!s) return s;
  s = insert_all("INSERT INTO neighbours VALUES (?, ?)", [&](sqlite3_stmt* st) -> Status {
    for (std::size_t i = 0; i < ref.communes.size(); ++i) {
      for (const geo::CommuneIndex j : ref.neighbours(static_cast<geo::CommuneIndex>(i))) {
        if (j <= i) continue;
        Binder(st).text(ref.communes[i].code).text(ref.communes[j].code);
        if (Status r = step_done(db.get(), st, partial); !r) return r;
      }
    }
    return {};
  });
  if (!s) return s;
  s = insert_all("INSERT INTO cells VALUES (?, ?, ?)", [&](sqlite3_stmt* st) -> Status {
    for (std::size_t i = 0; i < ref.cells.size() && i < ref.communes.size(); ++i) {
      if (ref.cells[i].empty()) continue;
      std::int64_t vertices = 0;
      for (const geo::Polygon& p : ref.cells[i]) {
        vertices += static_cast<std::int64_t>(p.outer.size());
        for (const geo::Ring& h : p.holes) vertices += static_cast<std::int64_t>(h.size());
      }
      Binder(st).text(ref.communes[i].code).integer(vertices).blob(encode_cell(ref.cells[i]));
      if (Status r = step_done(db.get(), st, partial); !r) return r;
    }
    return {};
  });
  if (!s) return s;
  s = insert_all("INSERT INTO rejected_points VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 [&](sqlite3_stmt* st) -> Status {
                   for (const geo::RejectedPoint& r : report.rejected) {
                     Binder(st)
                         .text(r.code)
                         .text(r.nom)
                         .text(r.place)
                         .integer(r.line)
                         .real(r.point.lat)
                         .real(r.point.lon)
                         .text(r.check)
                         .real(r.distance_km)
                         .real(r.threshold_km);
                     if (Status e = step_done(db.get(), st, partial); !e) return e;
                   }
                   return {};
                 });
  if (!s) return s;
  if (Status e = exec(db.get(), partial, "COMMIT"); !e) return e;
  db.reset();
  fs::rename(partial, path, ec);
  if (ec) {
    return tl::unexpected(
        Error{ErrorCode::io_error, "renommage impossible : " + ec.message(), {}, path, 0});
  }
  return {};
}

Result<geo::Referentiel> load_reference(const std::string& path) {
  Result<DbPtr> opened = open_existing(path);
  if (!opened) return tl::unexpected(opened.error());
  sqlite3* db = opened->get();
  geo::Referentiel ref;
  auto corrupt = [&](const std::string& what) {
    return tl::unexpected(
        Error{ErrorCode::db_error, "référentiel incohérent : " + what, {}, path, 0});
  };
  auto each_row = [&](const char* sql, auto&& row) -> Status {
    Result<StmtPtr> stmt = prepare(db, path, sql);
    if (!stmt) return tl::unexpected(stmt.error());
    int rc = 0;
    while ((rc = sqlite3_step(stmt->get())) == SQLITE_ROW) {
      if (Status s = row(stmt->get()); !s) return s;
    }
    if (rc != SQLITE_DONE) return db_fail(db, path, "lecture impossible");
    return {};
  };

  Status s =
      each_row("SELECT code, nom FROM regions ORDER BY code", [&](sqlite3_stmt* st) -> Status {
        ref.regions.push_back({column_text(st, 0), column_text(st, 1), {}});
        return {};
      });
  if (!s) return tl::unexpected(s.error());
  std::unordered_map<std::string, std::size_t> region_at;
  for (std::size_t i = 0; i < ref.regions.size(); ++i) region_at[ref.regions[i].code] = i;
  s = each_row("SELECT code, nom, region FROM departements ORDER BY code",
               [&](sqlite3_stmt* st) -> Status {
                 geo::Departement d{column_text(st, 0), column_text(st, 1), column_text(st, 2), {}};
                 const auto r = region_at.find(d.region);
                 if (r == region_at.end()) return corrupt("région inconnue " + d.region);
                 ref.regions[r->second].departements.push_back(d.code);
                 ref.departements.push_back(std::move(d));
                 return {};
               });
  if (!s) return tl::unexpected(s.error());
  s = each_row("SELECT code, nom, type, population FROM epcis ORDER BY code",
               [&](sqlite3_stmt* st) -> Status {
                 ref.epcis.push_back({column_text(st, 0),
                                      column_text(st, 1),
                                      column_text(st, 2),
                                      sqlite3_column_int64(st, 3),
                                      {}});
                 return {};
               });
  if (!s) return tl::unexpected(s.error());
  s = each_row(
      "SELECT idx, code, nom, departement, region, epci, population, postcodes, lat, lon, quality,"
      " arrondissement, parent, island, shape FROM communes ORDER BY idx",
      [&](sqlite3_stmt* st) -> Status {
        if (sqlite3_column_int64(st, 0) != static_cast<std::int64_t>(ref.communes.size())) {
          return corrupt("numérotation des communes");
        }
        geo::Commune c;
        c.code = column_text(st, 1);
        c.nom = column_text(st, 2);
        c.departement = column_text(st, 3);
        c.region = column_text(st, 4);
        c.epci = column_text(st, 5);
        c.population = sqlite3_column_int64(st, 6);
        c.postcodes = split(column_text(st, 7));
        c.position = {sqlite3_column_double(st, 8), sqlite3_column_double(st, 9)};
        const auto q = geo::parse_coord_quality(column_text(st, 10));
        if (!q) return corrupt("qualité inconnue pour " + c.code);
        c.quality = *q;
        c.arrondissement = sqlite3_column_int64(st, 11) != 0;
        c.parent = column_text(st, 12);
        c.island = sqlite3_column_int64(st, 13) != 0;
        const auto shape = geo::parse_shape_source(column_text(st, 14));
        if (!shape) return corrupt("origine du contour inconnue pour " + c.code);
        c.shape = *shape;
        ref.communes.push_back(std::move(c));
        return {};
      });
  if (!s) return tl::unexpected(s.error());
  ref.index();

  // Memberships are derived from the communes table, in commune order (= by code).
  std::unordered_map<std::string_view, std::size_t> dep_at;
  std::unordered_map<std::string_view, std::size_t> epci_at;
  for (std::size_t i = 0; i < ref.departements.size(); ++i) dep_at[ref.departements[i].code] = i;
  for (std::size_t i = 0; i < ref.epcis.size(); ++i) epci_at[ref.epcis[i].code] = i;
  for (geo::CommuneIndex i = 0; i < ref.communes.size(); ++i) {
    const geo::Commune& c = ref.communes[i];
    if (c.arrondissement) continue;
    const auto d = dep_at.find(c.departement);
    if (d == dep_at.end()) return corrupt("département inconnu pour " + c.code);
    ref.departements[d->second].communes.push_back(i);
    if (!c.epci.empty()) {
      const auto e = epci_at.find(c.epci);
      if (e == epci_at.end()) return corrupt("EPCI inconnu pour " + c.code);
      ref.epcis[e->second].members.push_back(i);
    }
  }

  std::vector<std::vector<geo::CommuneIndex>> adjacency(ref.communes.size());
  s = each_row("SELECT a, b FROM neighbours", [&](sqlite3_stmt* st) -> Status {
    const geo::Commune* a = ref.commune(column_text(st, 0));
    const geo::Commune* b = ref.commune(column_text(st, 1));
    if (a == nullptr || b == nullptr) return corrupt("voisin inconnu");
    adjacency[ref.index_of(*a)].push_back(ref.index_of(*b));
    adjacency[ref.index_of(*b)].push_back(ref.index_of(*a));
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  ref.neighbour_offsets.assign(1, 0);
  for (std::vector<geo::CommuneIndex>& list : adjacency) {
    std::sort(list.begin(), list.end());
    ref.neighbour_list.insert(ref.neighbour_list.end(), list.begin(), list.end());
    ref.neighbour_offsets.push_back(static_cast<std::uint32_t>(ref.neighbour_list.size()));
  }

  ref.cells.assign(ref.communes.size(), {});
  s = each_row("SELECT code, geometry FROM cells", [&](sqlite3_stmt* st) -> Status {
    const geo::Commune* c = ref.commune(column_text(st, 0));
    if (c == nullptr) return corrupt("cellule d'une commune inconnue");
    const auto* data = static_cast<const unsigned char*>(sqlite3_column_blob(st, 1));
    const auto size = static_cast<std::size_t>(sqlite3_column_bytes(st, 1));
    if (data == nullptr || !decode_cell(data, size, ref.cells[ref.index_of(*c)])) {
      return corrupt("cellule illisible pour " + c->code);
    }
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  // Areas from the shapes (index() above ran before the cells were read).
  for (std::size_t i = 0; i < ref.communes.size(); ++i) {
    ref.communes[i].area_km2 = geo::area_km2(ref.cells[i]);
  }
  return ref;
}

Result<ReferenceInfo> reference_info(const std::string& path) {
  Result<DbPtr> opened = open_existing(path);
  if (!opened) return tl::unexpected(opened.error());
  sqlite3* db = opened->get();
  ReferenceInfo info;
  std::vector<std::string> tables;
  {
    Result<StmtPtr> st =
        prepare(db, path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY rowid");
    if (!st) return tl::unexpected(st.error());
    while (sqlite3_step(st->get()) == SQLITE_ROW) tables.push_back(column_text(st->get(), 0));
  }
  for (const std::string& t : tables) {
    const std::string sql = "SELECT count(*) FROM \"" + t + "\"";
    Result<StmtPtr> st = prepare(db, path, sql.c_str());
    if (!st) return tl::unexpected(st.error());
    if (sqlite3_step(st->get()) != SQLITE_ROW) return db_fail(db, path, "lecture impossible");
    info.tables.emplace_back(t, sqlite3_column_int64(st->get(), 0));
  }
  {
    Result<StmtPtr> st = prepare(db, path, "SELECT key, value FROM meta");
    if (!st) return tl::unexpected(st.error());
    while (sqlite3_step(st->get()) == SQLITE_ROW) {
      info.meta[column_text(st->get(), 0)] = column_text(st->get(), 1);
    }
  }
  Result<StmtPtr> st = prepare(db, path,
                               "SELECT quality, count(*), sum(population) FROM communes"
                               " WHERE arrondissement = 0 GROUP BY quality");
  if (!st) return tl::unexpected(st.error());
  while (sqlite3_step(st->get()) == SQLITE_ROW) {
    const auto q = geo::parse_coord_quality(column_text(st->get(), 0));
    if (!q)
      return tl::unexpected(Error{ErrorCode::db_error, "qualité inconnue", "quality", path, 0});
    const auto i = static_cast<std::size_t>(*q);
    info.quality_communes[i] = sqlite3_column_int64(st->get(), 1);
    info.quality_population[i] = sqlite3_column_int64(st->get(), 2);
    info.communes += info.quality_communes[i];
    info.population += info.quality_population[i];
  }
  return info;
}

Result<BuildReferenceReport> build_reference(const BuildReferenceOptions& options) {
  using Clock = std::chrono::steady_clock;
  BuildReferenceReport out;
  const auto t0 = Clock::now();
  Result<Packages> packages = read_packages(options.packages_dir, options.build.progress);
  if (!packages) return tl::unexpected(packages.error());
  if (!options.contours.empty()) {
    if (options.build.progress) options.build.progress("lecture des contours", 0, 1);
    auto contours = read_contours(options.contours);
    if (!contours) return tl::unexpected(contours.error());
    packages->input.boundaries = std::move(*contours);
  }
  const auto t1 = Clock::now();
  Result<geo::BuildResult> built = geo::build_referentiel(packages->input, options.build);
  if (!built) return tl::unexpected(built.error());
  const auto t2 = Clock::now();
  if (options.build.progress) options.build.progress("écriture", 0, 1);
  std::map<std::string, std::string> meta;
  for (const auto& [name, version] : packages->versions) meta["package:" + name] = version;
  const geo::BuildReport& r = built->report;
  meta["report:places_read"] = std::to_string(r.places_read);
  meta["report:places_matched"] = std::to_string(r.places_matched);
  meta["report:places_unmatched"] = std::to_string(r.places_unmatched);
  meta["report:rejected"] = std::to_string(r.rejected.size());
  meta["report:islands"] = std::to_string(r.islands);
  meta["report:offshore"] = std::to_string(r.offshore);
  meta["report:population"] = std::to_string(r.population);
  meta["report:neighbour_pairs"] = std::to_string(r.neighbour_pairs);
  meta["report:cell_neighbour_pairs"] = std::to_string(r.cell_neighbour_pairs);
  if (!options.contours.empty()) {
    meta["contours"] = "IGN — Admin Express COG 2018 (Licence Ouverte Etalab 2.0)";
    meta["report:polygons_read"] = std::to_string(r.polygons_read);
    meta["report:cell_fallback"] = std::to_string(r.cell_fallback.size());
  }
  if (Status s = save_reference(built->referentiel, r, meta, options.out); !s) {
    return tl::unexpected(s.error());
  }
  if (options.build.progress) options.build.progress("écriture", 1, 1);
  const auto t3 = Clock::now();
  out.build = std::move(built->report);
  out.versions = std::move(packages->versions);
  out.read_seconds = std::chrono::duration<double>(t1 - t0).count();
  out.build_seconds = std::chrono::duration<double>(t2 - t1).count();
  out.write_seconds = std::chrono::duration<double>(t3 - t2).count();
  return out;
}

}  // namespace maillage::refdata
