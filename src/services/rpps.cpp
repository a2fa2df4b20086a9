#include "services/rpps.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "rpps/snapshot.hpp"
#include "store/database.hpp"

namespace maillage::services {

namespace {

using store::Params;
using store::Tx;

// Multi-row INSERTs for PostgreSQL: one statement per chunk of rows (16 000 parameters, under
// its 65 535), so that a national extract takes a few hundred round trips. SQLite gets one row
// per statement: its backend looks each "$N" up by name (sqlite3_bind_parameter_index, a linear
// scan), so binding costs grow with the square of the parameter count, and bench/rpps measured
// 1 row per statement (prepared once, cached) as fast as or faster than 4, 10 or 34 rows.
std::size_t max_parameters(store::Backend backend) {
  return backend == store::Backend::postgresql ? 16000 : 1;
}

class BulkInsert {
 public:
  BulkInsert(Tx& tx, std::string head, std::size_t columns)
      : tx_(tx),
        head_(std::move(head)),
        columns_(columns),
        chunk_(std::max<std::size_t>(1, max_parameters(tx.backend()) / columns)) {
    params_.reserve(chunk_ * columns_);
  }

  // Appends one row's values (exactly `columns` of them).
  template <class... V>
  Status row(V&&... values) {
    static_assert(sizeof...(V) > 0);
    (params_.emplace_back(std::forward<V>(values)), ...);
    if (params_.size() >= chunk_ * columns_) return flush();
    return {};
  }

  Status flush() {
    if (params_.empty()) return {};
    const std::size_t rows = params_.size() / columns_;
    auto r = tx_.exec(sql(rows), params_);
    params_.clear();
    if (!r) return tl::unexpected(r.error());
    return {};
  }

 private:
  const std::string& sql(std::size_t rows) {
    std::string& text = rows == chunk_ ? full_ : partial_;
    if (rows == chunk_ && !full_.empty()) return full_;
    text = head_;
    for (std::size_t r = 0; r < rows; ++r) {
      text += r == 0 ? "(" : ",(";
      text += store::placeholders(r * columns_ + 1, columns_);
      text += ')';
    }
    return text;
  }

  Tx& tx_;
  std::string head_;
  std::size_t columns_;
  std::size_t chunk_;
  Params params_;
  std::string full_, partial_;
};

constexpr const char* kSnapshotColumns =
    "id, imported_at, imported_by, source_file, extract_date, fictitious, bytes, data_lines, "
    "activities, persons, duplicate_lines, skipped_lines, bad_lines, from_postcode, bad_by_reason";
// Snapshot order: the date the extract stands for, then import order.
constexpr const char* kSnapshotOrder =
    " ORDER BY (CASE WHEN extract_date <> '' THEN extract_date ELSE substr(imported_at, 1, 10) "
    "END) DESC, id DESC";

RppsSnapshot snapshot_from(const store::Row& r) {
  RppsSnapshot s;
  s.id = r.integer(0);
  s.imported_at = r.text(1);
  s.imported_by = r.text(2);
  s.source_file = r.text(3);
  s.extract_date = r.text(4);
  s.fictitious = r.integer(5) != 0;
  s.bytes = r.integer(6);
  s.data_lines = r.integer(7);
  s.activities = r.integer(8);
  s.persons = r.integer(9);
  s.duplicate_lines = r.integer(10);
  s.skipped_lines = r.integer(11);
  s.bad_lines = r.integer(12);
  s.from_postcode = r.integer(13);
  s.bad_by_reason = r.text(14);
  return s;
}

std::string bad_by_reason_json(const rpps::ReadSummary& summary) {
  std::string json = "{";
  for (std::size_t i = 0; i < summary.bad_by_reason.size(); ++i) {
    if (summary.bad_by_reason[i] == 0) continue;
    if (json.size() > 1) json += ',';
    json += '"';
    json += rpps::bad_reason_id(static_cast<rpps::BadReason>(i));
    json += "\":" + std::to_string(summary.bad_by_reason[i]);
  }
  return json + "}";
}

using Reader = std::function<Result<rpps::ReadSummary>(
    const rpps::ReadOptions&, const std::function<void(const rpps::Activity&)>&)>;

Result<RppsImportReport> import_with(store::Database& db, const geo::Referentiel& ref,
                                     const std::string& file_name, std::uint64_t total_bytes,
                                     const Reader& read, const RppsImportOptions& options) {
  RppsCommuneIndex index(ref);
  rpps::ReadOptions ro;
  ro.communes = index.lookup();
  ro.max_reported_bad_lines = options.max_reported_bad_lines;
  if (options.progress) {
    ro.progress = [&](std::uint64_t bytes) { options.progress(bytes, total_bytes); };
  }
  rpps::SnapshotBuilder builder;
  auto summary = read(ro, [&](const rpps::Activity& a) { builder.add(a); });
  if (!summary) return tl::unexpected(summary.error());
  if (summary->activities == 0) {
    std::string message = "aucune ligne utilisable : " + std::to_string(summary->data_lines) +
                          " ligne(s) lue(s), " + std::to_string(summary->bad_lines) +
                          " en erreur, " + std::to_string(summary->skipped_lines) +
                          " sans adresse en France";
    for (std::size_t i = 0; i < std::min<std::size_t>(3, summary->bad.size()); ++i) {
      const rpps::BadLine& b = summary->bad[i];
      message += (i == 0 ? " ; ligne " : ", ligne ") + std::to_string(b.line) + " : " + b.detail;
    }
    Error e{ErrorCode::invalid_input, std::move(message), "", file_name, 0};
    return tl::unexpected(std::move(e));
  }
  builder.finish();

  RppsImportReport report;
  RppsSnapshot& s = report.snapshot;
  s.imported_at = store::timestamp_now();
  s.imported_by = options.user;
  s.source_file = std::filesystem::path(file_name).filename().string();
  s.extract_date = !options.extract_date.empty() ? options.extract_date
                                                 : rpps::extract_date_from_name(s.source_file);
  // Generated files say so in their name (rpps::fictitious_file_name): keep the mark.
  s.fictitious = options.fictitious || s.source_file.find("_FICTIF") != std::string::npos;
  s.bytes = static_cast<std::int64_t>(summary->bytes);
  s.data_lines = summary->data_lines;
  s.activities = static_cast<std::int64_t>(builder.records().size());
  s.persons = builder.persons();
  s.duplicate_lines = builder.duplicates();
  s.skipped_lines = summary->skipped_lines;
  s.bad_lines = summary->bad_lines;
  s.from_postcode = summary->from_postcode;
  s.bad_by_reason = bad_by_reason_json(*summary);

  Status st = db.transact([&](Tx& tx) -> Status {
    auto id = tx.query(
        "INSERT INTO rpps_snapshots (imported_at, imported_by, source_file, extract_date, "
        "fictitious, bytes, data_lines, activities, persons, duplicate_lines, skipped_lines, "
        "bad_lines, from_postcode, bad_by_reason) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
        "$10, $11, $12, $13, $14) RETURNING id",
        {s.imported_at, s.imported_by, s.source_file, s.extract_date,
         std::int64_t{s.fictitious ? 1 : 0}, s.bytes, s.data_lines, s.activities, s.persons,
         s.duplicate_lines, s.skipped_lines, s.bad_lines, s.from_postcode, s.bad_by_reason});
    if (!id) return tl::unexpected(id.error());
    s.id = id->rows.at(0).integer(0);
    const std::int64_t sid = s.id;

    BulkInsert activities(tx,
                          "INSERT INTO rpps_activities (snapshot_id, rpps, profession, site, "
                          "savoir_faire, mode, secteur, commune, from_postcode, "
                          "general_practitioner, ambulatory, siret, finess, fte, line) VALUES ",
                          15);
    for (const rpps::Record& r : builder.records()) {
      auto t = [&](std::uint32_t text_id) { return std::string(builder.text(text_id)); };
      if (auto x = activities.row(
              sid, t(r.rpps), t(r.profession), t(r.site), t(r.savoir_faire), t(r.mode),
              t(r.secteur), t(r.commune), std::int64_t{r.from_postcode ? 1 : 0},
              std::int64_t{r.general_practitioner ? 1 : 0}, std::int64_t{r.ambulatory ? 1 : 0},
              t(r.siret), t(r.finess), r.fte, r.line);
          !x) {
        return x;
      }
    }
    if (auto x = activities.flush(); !x) return x;

    BulkInsert counts(tx,
                      "INSERT INTO rpps_commune_counts (snapshot_id, commune, profession, "
                      "savoir_faire, ambulatory, activities, persons, fte) VALUES ",
                      8);
    for (const rpps::CommuneCount& c : builder.commune_counts()) {
      if (auto x = counts.row(sid, c.commune, c.profession, c.savoir_faire,
                              std::int64_t{c.ambulatory ? 1 : 0}, c.activities, c.persons, c.fte);
          !x) {
        return x;
      }
    }
    if (auto x = counts.flush(); !x) return x;

    BulkInsert labels(tx, "INSERT INTO rpps_labels (snapshot_id, kind, code, label) VALUES ", 4);
    for (const auto& [code, label] : builder.profession_labels()) {
      if (auto x = labels.row(sid, std::string("profession"), code, label); !x) return x;
    }
    for (const auto& [code, label] : builder.savoir_faire_labels()) {
      if (auto x = labels.row(sid, std::string("savoir_faire"), code, label); !x) return x;
    }
    if (auto x = labels.flush(); !x) return x;

    const nlohmann::json after = {{"fichier", s.source_file},
                                  {"date", s.extract_date},
                                  {"activites", s.activities},
                                  {"lignes_en_erreur", s.bad_lines}};
    return store::audit(
        tx,
        store::AuditEntry{options.user, "rpps.import", "rpps_snapshot", std::to_string(sid), "",
                          after.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)});
  });
  if (!st) return tl::unexpected(st.error());
  report.read = std::move(*summary);
  return report;
}

// "commune IN ($k, ...)" for a slice of codes, appending them to params.
std::string in_list(const std::vector<std::string>& codes, std::size_t begin, std::size_t end,
                    Params& params) {
  const std::size_t first = params.size() + 1;
  for (std::size_t i = begin; i < end; ++i) params.emplace_back(codes[i]);
  return "commune IN (" + store::placeholders(first, end - begin) + ")";
}

// Runs `select ... WHERE snapshot_id = $1 [AND extra] [AND commune IN (...)]` over slices of
// the communes (all communes when the list is empty) and hands every row to `each`.
constexpr std::size_t kCommunesPerQuery = 500;
Status query_by_communes(store::Database& db, const std::string& select, std::int64_t snapshot,
                         const std::vector<std::string>& communes, const std::string& extra,
                         const Params& extra_params,
                         const std::function<void(const store::Row&)>& each) {
  std::size_t begin = 0;
  do {
    Params params{snapshot};
    params.insert(params.end(), extra_params.begin(), extra_params.end());
    std::string sql = select + " WHERE snapshot_id = $1" + extra;
    const std::size_t end = std::min(communes.size(), begin + kCommunesPerQuery);
    if (!communes.empty()) sql += " AND " + in_list(communes, begin, end, params);
    auto rows = db.query(sql, params);
    if (!rows) return tl::unexpected(rows.error());
    for (const auto& r : rows->rows) each(r);
    begin = end;
  } while (begin < communes.size());
  return {};
}

std::vector<std::string> unique_codes(std::vector<std::string> codes) {
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  return codes;
}

}  // namespace

std::string RppsSnapshot::date() const {
  return !extract_date.empty() ? extract_date : imported_at.substr(0, 10);
}

RppsCommuneIndex::RppsCommuneIndex(const geo::Referentiel& ref) : ref_(ref) {
  std::vector<std::tuple<std::string, std::int64_t, std::string>> all;
  for (const geo::Commune& c : ref.communes) {
    for (const std::string& p : c.postcodes) all.emplace_back(p, -c.population, c.code);
  }
  std::sort(all.begin(), all.end());
  for (auto& [postcode, negative_population, code] : all) {
    if (!by_postcode_.empty() && by_postcode_.back().first == postcode) continue;
    by_postcode_.emplace_back(postcode, code);
  }
}

rpps::CommuneLookup RppsCommuneIndex::lookup() const {
  rpps::CommuneLookup l;
  l.known = [this](std::string_view code) { return ref_.commune(code) != nullptr; };
  l.by_postcode = [this](std::string_view postcode) -> std::string_view {
    auto it = std::lower_bound(by_postcode_.begin(), by_postcode_.end(), postcode,
                               [](const std::pair<std::string, std::string>& e,
                                  std::string_view p) { return e.first < p; });
    if (it == by_postcode_.end() || it->first != postcode) return {};
    return it->second;
  };
  return l;
}

Result<std::vector<rpps::GeneratorCommune>> rpps_generator_communes(const geo::Referentiel& ref,
                                                                    std::string_view departement) {
  const geo::Departement* d = ref.departement(departement);
  if (d == nullptr) {
    return fail(ErrorCode::not_found,
                "département « " + std::string(departement) + " » absent du référentiel",
                "departement");
  }
  std::vector<rpps::GeneratorCommune> out;
  out.reserve(d->communes.size());
  for (geo::CommuneIndex i : d->communes) {
    const geo::Commune& c = ref.communes[i];
    out.push_back({c.code, c.nom, c.postcodes.empty() ? "" : c.postcodes.front(), c.population});
  }
  return out;
}

Result<RppsImportReport> import_rpps_file(store::Database& db, const geo::Referentiel& ref,
                                          const std::string& path,
                                          const RppsImportOptions& options) {
  struct stat st {};
  const std::uint64_t total =
      ::stat(path.c_str(), &st) == 0 ? static_cast<std::uint64_t>(st.st_size) : 0;
  return import_with(
      db, ref, path, total,
      [&](const rpps::ReadOptions& ro, const std::function<void(const rpps::Activity&)>& each) {
        return rpps::read_extract_file(path, ro, each);
      },
      options);
}

Result<RppsImportReport> import_rpps_text(store::Database& db, const geo::Referentiel& ref,
                                          const std::string& file_name, std::string_view text,
                                          const RppsImportOptions& options) {
  return import_with(
      db, ref, file_name, text.size(),
      [&](const rpps::ReadOptions& ro, const std::function<void(const rpps::Activity&)>& each) {
        return rpps::read_extract_text(file_name, text, ro, each);
      },
      options);
}

Result<std::vector<RppsSnapshot>> list_rpps_snapshots(store::Database& db) {
  auto rows =
      db.query(std::string("SELECT ") + kSnapshotColumns + " FROM rpps_snapshots" + kSnapshotOrder);
  if (!rows) return tl::unexpected(rows.error());
  std::vector<RppsSnapshot> out;
  for (const auto& r : rows->rows) out.push_back(snapshot_from(r));
  return out;
}

Result<std::vector<RppsSnapshot>> latest_rpps_snapshots(store::Database& db, int count) {
  if (count <= 0) return std::vector<RppsSnapshot>{};
  auto rows = db.query(std::string("SELECT ") + kSnapshotColumns + " FROM rpps_snapshots" +
                           kSnapshotOrder + " LIMIT $1",
                       {std::int64_t{count}});
  if (!rows) return tl::unexpected(rows.error());
  std::vector<RppsSnapshot> out;
  for (const auto& r : rows->rows) out.push_back(snapshot_from(r));
  return out;
}

Result<RppsSnapshot> rpps_snapshot(store::Database& db, std::int64_t id) {
  auto rows = db.query(
      std::string("SELECT ") + kSnapshotColumns + " FROM rpps_snapshots WHERE id = $1", {id});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) {
    return fail(ErrorCode::not_found, "instantané RPPS " + std::to_string(id) + " introuvable",
                "snapshot");
  }
  return snapshot_from(rows->rows.front());
}

Result<std::vector<RppsCommuneCount>> rpps_counts_by_commune(
    store::Database& db, std::int64_t snapshot_id, const std::vector<std::string>& communes) {
  std::vector<RppsCommuneCount> out;
  Status st = query_by_communes(
      db,
      "SELECT commune, profession, savoir_faire, ambulatory, activities, persons, fte FROM "
      "rpps_commune_counts",
      snapshot_id, unique_codes(communes), "", {}, [&](const store::Row& r) {
        RppsCommuneCount c;
        c.commune = r.text(0);
        c.profession = r.text(1);
        c.savoir_faire = r.text(2);
        c.general_practitioner = rpps::is_general_practitioner(c.profession, c.savoir_faire);
        c.ambulatory = r.integer(3) != 0;
        c.activities = r.integer(4);
        c.persons = r.integer(5);
        c.fte = r.real(6);
        out.push_back(std::move(c));
      });
  if (!st) return tl::unexpected(st.error());
  std::sort(out.begin(), out.end(), [](const RppsCommuneCount& a, const RppsCommuneCount& b) {
    return std::tie(a.commune, a.profession, a.savoir_faire, a.ambulatory) <
           std::tie(b.commune, b.profession, b.savoir_faire, b.ambulatory);
  });
  return out;
}

Result<std::vector<RppsPresence>> rpps_presence(store::Database& db, std::int64_t snapshot_id,
                                                const std::vector<std::string>& communes,
                                                std::string_view profession) {
  std::string extra;
  Params extra_params;
  if (profession == "MG") {
    extra = " AND general_practitioner = 1";
  } else if (!profession.empty()) {
    extra = " AND profession = $2";
    extra_params.emplace_back(std::string(profession));
  }
  std::vector<RppsPresence> out;
  Status st = query_by_communes(
      db,
      "SELECT rpps, profession, savoir_faire, general_practitioner, ambulatory, commune, fte "
      "FROM rpps_activities",
      snapshot_id, unique_codes(communes), extra, extra_params, [&](const store::Row& r) {
        out.push_back(RppsPresence{r.text(0), r.text(1), r.text(2), r.integer(3) != 0,
                                   r.integer(4) != 0, r.text(5), r.real(6)});
      });
  if (!st) return tl::unexpected(st.error());
  std::sort(out.begin(), out.end(), [](const RppsPresence& a, const RppsPresence& b) {
    return std::tie(a.rpps, a.profession, a.commune) < std::tie(b.rpps, b.profession, b.commune);
  });
  return out;
}

Result<RppsChanges> rpps_changes_between(store::Database& db, std::int64_t old_snapshot,
                                         std::int64_t new_snapshot,
                                         const std::vector<std::string>& communes,
                                         std::string_view profession) {
  for (std::int64_t id : {old_snapshot, new_snapshot}) {
    if (auto s = rpps_snapshot(db, id); !s) return tl::unexpected(s.error());
  }
  using Key = std::pair<std::string, std::string>;  // rpps, profession
  auto people = [&](std::int64_t snapshot) -> Result<std::map<Key, RppsPersonChange>> {
    auto rows = rpps_presence(db, snapshot, communes, profession);
    if (!rows) return tl::unexpected(rows.error());
    std::map<Key, RppsPersonChange> out;
    for (const RppsPresence& p : *rows) {
      RppsPersonChange& c = out[Key{p.rpps, p.profession}];
      c.rpps = p.rpps;
      c.profession = p.profession;
      c.general_practitioner = c.general_practitioner || p.general_practitioner;
      if (std::find(c.communes.begin(), c.communes.end(), p.commune) == c.communes.end()) {
        c.communes.push_back(p.commune);
      }
      c.fte += p.fte;
    }
    for (auto& [k, c] : out) std::sort(c.communes.begin(), c.communes.end());
    return out;
  };
  auto before = people(old_snapshot);
  if (!before) return tl::unexpected(before.error());
  auto after = people(new_snapshot);
  if (!after) return tl::unexpected(after.error());
  RppsChanges changes;
  changes.old_snapshot = old_snapshot;
  changes.new_snapshot = new_snapshot;
  for (auto& [k, c] : *before) {
    if (!after->contains(k)) changes.left.push_back(c);
  }
  for (auto& [k, c] : *after) {
    if (!before->contains(k)) changes.arrived.push_back(c);
  }
  return changes;
}

Result<std::vector<RppsLabel>> rpps_labels(store::Database& db, std::int64_t snapshot_id) {
  auto rows = db.query(
      "SELECT kind, code, label FROM rpps_labels WHERE snapshot_id = $1 ORDER BY kind, code",
      {snapshot_id});
  if (!rows) return tl::unexpected(rows.error());
  std::vector<RppsLabel> out;
  for (const auto& r : rows->rows) out.push_back(RppsLabel{r.text(0), r.text(1), r.text(2)});
  return out;
}

}  // namespace maillage::services
