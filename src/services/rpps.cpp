#include "services/rpps.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "common/try.hpp"
#include "rpps/snapshot.hpp"
#include "services/rpps_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

namespace {

using store::Tx;

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
  const std::string& shown = options.source_name.empty() ? file_name : options.source_name;
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
    Error e{ErrorCode::invalid_input, std::move(message), "",
            std::filesystem::path(shown).filename().string(), 0};
    return tl::unexpected(std::move(e));
  }
  builder.finish();

  RppsImportReport report;
  RppsSnapshot& s = report.snapshot;
  s.imported_at = store::timestamp_now();
  s.imported_by = options.user;
  s.source_file = std::filesystem::path(shown).filename().string();
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
    s.id = MAILLAGE_TRY(RppsRepository::insert_snapshot(tx, s, builder));
    if (options.in_transaction) MAILLAGE_CHECK(options.in_transaction(tx, s, *summary));
    return store::audit(tx, store::AuditEntry{options.user, "rpps.import", "rpps_snapshot",
                                              std::to_string(s.id), "",
                                              store::AuditDetail{}
                                                  .add("fichier", s.source_file)
                                                  .add("date", s.extract_date)
                                                  .add("activites", s.activities)
                                                  .add("lignes_en_erreur", s.bad_lines)
                                                  .json()});
  });
  MAILLAGE_CHECK(st);
  report.read = std::move(*summary);
  return report;
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
  return RppsRepository(db).snapshots();
}

Result<std::vector<RppsSnapshot>> latest_rpps_snapshots(store::Database& db, int count) {
  if (count <= 0) return std::vector<RppsSnapshot>{};
  return RppsRepository(db).snapshots(count);
}

Result<RppsSnapshot> rpps_snapshot(store::Database& db, std::int64_t id) {
  auto s = MAILLAGE_TRY(RppsRepository(db).snapshot(id));
  if (!s) {
    return fail(ErrorCode::not_found, "instantané RPPS " + std::to_string(id) + " introuvable",
                "snapshot");
  }
  return std::move(*s);
}

Result<std::vector<RppsCommuneCount>> rpps_counts_by_commune(
    store::Database& db, std::int64_t snapshot_id, const std::vector<std::string>& communes) {
  auto out = MAILLAGE_TRY(RppsRepository(db).commune_counts(snapshot_id, unique_codes(communes)));
  for (auto& c : out) {
    c.general_practitioner = rpps::is_general_practitioner(c.profession, c.savoir_faire);
  }
  std::sort(out.begin(), out.end(), [](const RppsCommuneCount& a, const RppsCommuneCount& b) {
    return std::tie(a.commune, a.profession, a.savoir_faire, a.ambulatory) <
           std::tie(b.commune, b.profession, b.savoir_faire, b.ambulatory);
  });
  return out;
}

Result<std::vector<RppsPresence>> rpps_presence(store::Database& db, std::int64_t snapshot_id,
                                                const std::vector<std::string>& communes,
                                                std::string_view profession) {
  auto out =
      MAILLAGE_TRY(RppsRepository(db).presence(snapshot_id, unique_codes(communes), profession));
  std::sort(out.begin(), out.end(), [](const RppsPresence& a, const RppsPresence& b) {
    return std::tie(a.rpps, a.profession, a.commune) < std::tie(b.rpps, b.profession, b.commune);
  });
  return out;
}

Result<RppsChanges> rpps_changes_between(store::Database& db, std::int64_t old_snapshot,
                                         std::int64_t new_snapshot,
                                         const std::vector<std::string>& communes,
                                         std::string_view profession) {
  for (std::int64_t id : {old_snapshot, new_snapshot}) MAILLAGE_CHECK(rpps_snapshot(db, id));
  using Key = std::pair<std::string, std::string>;  // rpps, profession
  auto people = [&](std::int64_t snapshot) -> Result<std::map<Key, RppsPersonChange>> {
    auto rows = MAILLAGE_TRY(rpps_presence(db, snapshot, communes, profession));
    std::map<Key, RppsPersonChange> out;
    for (const RppsPresence& p : rows) {
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
  auto before = MAILLAGE_TRY(people(old_snapshot));
  auto after = MAILLAGE_TRY(people(new_snapshot));
  RppsChanges changes;
  changes.old_snapshot = old_snapshot;
  changes.new_snapshot = new_snapshot;
  for (auto& [k, c] : before) {
    if (!after.contains(k)) changes.left.push_back(c);
  }
  for (auto& [k, c] : after) {
    if (!before.contains(k)) changes.arrived.push_back(c);
  }
  return changes;
}

Result<std::vector<RppsLabel>> rpps_labels(store::Database& db, std::int64_t snapshot_id) {
  return RppsRepository(db).labels(snapshot_id);
}

}  // namespace maillage::services
