#include "services/rpps_imports.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "common/log.hpp"
#include "common/try.hpp"
#include "services/diagnostic.hpp"
#include "services/rpps_imports_repository.hpp"
#include "services/territory.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

namespace {

namespace fs = std::filesystem;
using store::AuditDetail;
using store::Tx;

constexpr std::size_t kMaxFileName = 200;
constexpr std::size_t kHeaderProbe = 64 * 1024;  // the header line is ~1 KB

// The user's file name, as the snapshot will record it: the last path component (browsers send
// only that), no control characters, at most 200 bytes cut on a character boundary.
Result<std::string> clean_file_name(std::string_view name) {
  auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  for (char c : name) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) continue;
    out += c;
  }
  if (out.size() > kMaxFileName) {
    std::size_t cut = kMaxFileName;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out.resize(cut);
  }
  if (out.empty() || out == "." || out == "..") {
    return fail(ErrorCode::missing_field, "Le nom du fichier est obligatoire.", "nom");
  }
  return out;
}

// Reads the header line of the uploaded file through the extract reader: a file that is not an
// RPPS extract is refused at once rather than failing in the background.
Status check_header(const std::string& path, const std::string& shown_name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail(ErrorCode::io_error, "fichier téléversé illisible");
  std::string probe(kHeaderProbe, '\0');
  in.read(probe.data(), static_cast<std::streamsize>(probe.size()));
  probe.resize(static_cast<std::size_t>(in.gcount()));
  if (probe.empty()) return fail(ErrorCode::invalid_input, "Le fichier est vide.", "fichier");
  auto eol = probe.find('\n');
  if (eol == std::string::npos) {
    return fail(ErrorCode::invalid_input,
                "La première ligne du fichier n'est pas l'en-tête d'un extrait RPPS "
                "(PS_LibreAcces_Personne_activite) : aucune fin de ligne dans les 64 premiers Ko.",
                "fichier");
  }
  probe.resize(eol + 1);
  auto r = rpps::read_extract_text(shown_name, probe, rpps::ReadOptions{},
                                   [](const rpps::Activity&) {});
  if (!r) {
    return fail(ErrorCode::invalid_input,
                "Ce fichier n'est pas un extrait RPPS (PS_LibreAcces_Personne_activite) : " +
                    r.error().message,
                "fichier");
  }
  return {};
}

std::int64_t file_size(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? static_cast<std::int64_t>(st.st_size) : 0;
}

bool same_or_inside(const std::string& folder, const std::string& file) {
  std::error_code ec;
  auto f = fs::weakly_canonical(folder, ec);
  auto p = fs::weakly_canonical(file, ec);
  return !ec && p.parent_path() == f;
}

}  // namespace

RppsImports::RppsImports(store::Database& db, const geo::Referentiel& ref,
                         Territories& territories, Diagnostics* diagnostics,
                         RppsImportSettings settings)
    : db_(db),
      ref_(ref),
      territories_(territories),
      diagnostics_(diagnostics),
      settings_(std::move(settings)) {}

RppsImports::~RppsImports() { stop(); }

Status RppsImports::allowed(const Principal& who) const {
  if (who.role == Role::admin || who.role == Role::roc) return {};
  return fail(ErrorCode::forbidden, "Réservé aux administrateurs et aux ROC.");
}

Result<RppsImportJob> RppsImports::enqueue(const Principal& who, std::string_view file_name,
                                           const std::string& uploaded) {
  MAILLAGE_CHECK(allowed(who));
  const std::string name = MAILLAGE_TRY(clean_file_name(file_name));
  if (settings_.folder.empty()) {
    return fail(ErrorCode::unavailable, "Aucun dossier de téléversement n'est configuré.");
  }
  if (uploaded.empty()) {
    return fail(ErrorCode::invalid_input, "Aucun fichier reçu.", "fichier");
  }
  MAILLAGE_CHECK(check_header(uploaded, name));
  std::error_code ec;
  fs::create_directories(settings_.folder, ec);
  if (ec) {
    return fail(ErrorCode::io_error, "dossier " + settings_.folder + " : " + ec.message());
  }
  const std::string stored =
      (fs::path(settings_.folder) / fs::path(uploaded).filename()).string();
  const std::int64_t bytes = file_size(uploaded);
  std::int64_t id = 0;
  auto st = db_.transact([&](Tx& tx) -> Status {
    if (MAILLAGE_TRY(RppsImportRepository::any_active(tx))) {
      return fail(ErrorCode::conflict,
                  "Un import RPPS est déjà en attente ou en cours : attendez qu'il se termine.");
    }
    id = MAILLAGE_TRY(RppsImportRepository::insert(tx, name, stored, bytes, who.login));
    MAILLAGE_CHECK(store::audit(tx, {who.login, "rpps.import.queue", "rpps_import",
                                     std::to_string(id), "",
                                     AuditDetail{}.add("fichier", name).add("octets", bytes).json()}));
    // The file joins the queue with the row (same file system: a rename).
    fs::rename(uploaded, stored, ec);
    if (ec) return fail(ErrorCode::io_error, "déplacement du fichier : " + ec.message());
    return {};
  });
  if (!st) {
    if (fs::exists(stored)) fs::remove(stored, ec);
    return tl::unexpected(st.error());
  }
  notify();
  auto job = MAILLAGE_TRY(RppsImportRepository(db_).job(id));
  if (!job) return fail(ErrorCode::internal, "import disparu après sa création");
  return std::move(*job);
}

Status RppsImports::may_upload(const Principal& who) {
  MAILLAGE_CHECK(allowed(who));
  if (settings_.folder.empty()) {
    return fail(ErrorCode::unavailable, "Aucun dossier de téléversement n'est configuré.");
  }
  auto active = MAILLAGE_TRY(RppsImportRepository(db_).active());
  if (active) {
    return fail(ErrorCode::conflict,
                "Un import RPPS est déjà en attente ou en cours : attendez qu'il se termine.");
  }
  return {};
}

Result<RppsImportJob> RppsImports::job(const Principal& who, std::int64_t id) {
  MAILLAGE_CHECK(allowed(who));
  auto j = MAILLAGE_TRY(RppsImportRepository(db_).job(id));
  if (!j) return fail(ErrorCode::not_found, "Import RPPS introuvable.");
  return std::move(*j);
}

Result<std::vector<RppsImportJob>> RppsImports::jobs(const Principal& who, int limit) {
  MAILLAGE_CHECK(allowed(who));
  return RppsImportRepository(db_).jobs(std::clamp(limit, 1, 200));
}

Result<std::vector<RppsSnapshot>> RppsImports::snapshots(const Principal& who) {
  MAILLAGE_CHECK(allowed(who));
  return list_rpps_snapshots(db_);
}

Result<std::vector<RppsLabel>> RppsImports::professions(const Principal& who,
                                                        std::int64_t snapshot) {
  MAILLAGE_CHECK(allowed(who));
  auto labels = MAILLAGE_TRY(rpps_labels(db_, snapshot));
  std::vector<RppsLabel> out;
  for (auto& l : labels) {
    if (l.kind == "profession") out.push_back(std::move(l));
  }
  return out;
}

Result<RppsChangesReport> RppsImports::changes(const Principal& who, std::int64_t old_snapshot,
                                               std::int64_t new_snapshot,
                                               const RppsTerritoryChoice& where,
                                               std::string_view profession) {
  MAILLAGE_CHECK(allowed(who));
  RppsChangesReport report;
  std::vector<std::string> communes;
  if (where.structure_id != 0) {
    // The structure's territory, if the caller may read the structure (its scope decides).
    auto view = MAILLAGE_TRY(territories_.get(who, where.structure_id));
    communes = view.communes;
    report.territory = view.structure.name + " (territoire)";
    if (communes.empty()) {
      return fail(ErrorCode::invalid_input, "Cette structure n'a pas encore de territoire.",
                  "structure");
    }
  } else if (!where.departement.empty()) {
    // Public open data: any département for the roles allowed here.
    const geo::Departement* d = ref_.departement(where.departement);
    if (d == nullptr) {
      return fail(ErrorCode::invalid_input, "Département inconnu du référentiel.", "departement");
    }
    for (geo::CommuneIndex i : d->communes) communes.push_back(ref_.communes[i].code);
    report.territory = d->nom + " (" + d->code + ")";
  } else {
    return fail(ErrorCode::missing_field, "Choisissez un département ou une structure.",
                "departement");
  }
  if (old_snapshot == new_snapshot) {
    return fail(ErrorCode::invalid_input, "Choisissez deux extraits différents.", "nouveau");
  }
  if (profession.size() > 8) {
    return fail(ErrorCode::invalid_input, "Profession inconnue.", "profession");
  }
  report.old_snapshot = MAILLAGE_TRY(rpps_snapshot(db_, old_snapshot));
  report.new_snapshot = MAILLAGE_TRY(rpps_snapshot(db_, new_snapshot));
  report.communes = communes.size();
  report.profession = std::string(profession);
  auto changes =
      MAILLAGE_TRY(rpps_changes_between(db_, old_snapshot, new_snapshot, communes, profession));

  // Profession labels as published (the newer snapshot first).
  std::map<std::string, std::string> labels;
  for (std::int64_t s : {old_snapshot, new_snapshot}) {
    for (const auto& l : MAILLAGE_TRY(rpps_labels(db_, s))) {
      if (l.kind == "profession") labels[l.code] = l.label;
    }
  }
  auto key_of = [](const RppsPersonChange& c) {
    return c.general_practitioner ? std::string("MG") : c.profession;
  };
  auto label_of = [&](const std::string& key) {
    if (key == "MG") return std::string("Médecin généraliste");
    auto it = labels.find(key);
    return it == labels.end() ? key : it->second;
  };
  auto name_of = [&](const std::string& code) {
    const geo::Commune* c = ref_.commune(code);
    return c ? c->nom : code;
  };
  std::map<std::pair<std::string, std::string>, RppsChangeCount> counts;
  auto add = [&](const RppsPersonChange& c, bool arrived) {
    RppsChangePerson p;
    p.arrived = arrived;
    p.rpps = c.rpps;
    p.profession = key_of(c);
    p.profession_label = label_of(p.profession);
    p.general_practitioner = c.general_practitioner;
    p.communes = c.communes;
    for (const auto& code : c.communes) {
      p.commune_names.push_back(name_of(code));
      RppsChangeCount& n = counts[{code, p.profession}];
      n.commune = code;
      n.profession = p.profession;
      (arrived ? n.arrived : n.left) += 1;
    }
    p.fte = c.fte;
    report.people.push_back(std::move(p));
  };
  for (const auto& c : changes.arrived) add(c, true);
  for (const auto& c : changes.left) add(c, false);
  report.arrived = static_cast<std::int64_t>(changes.arrived.size());
  report.left = static_cast<std::int64_t>(changes.left.size());
  for (auto& [k, n] : counts) {
    n.commune_name = name_of(n.commune);
    n.profession_label = label_of(n.profession);
    report.counts.push_back(std::move(n));
  }
  std::sort(report.counts.begin(), report.counts.end(),
            [](const RppsChangeCount& a, const RppsChangeCount& b) {
              return std::tie(a.commune_name, a.commune, a.profession_label) <
                     std::tie(b.commune_name, b.commune, b.profession_label);
            });
  std::sort(report.people.begin(), report.people.end(),
            [](const RppsChangePerson& a, const RppsChangePerson& b) {
              const std::string& ca = a.commune_names.empty() ? a.rpps : a.commune_names.front();
              const std::string& cb = b.commune_names.empty() ? b.rpps : b.commune_names.front();
              return std::tie(ca, a.profession_label, a.arrived, a.rpps) <
                     std::tie(cb, b.profession_label, b.arrived, b.rpps);
            });
  return report;
}

// ---------------------------------------------------------------------------- the runner

Status RppsImports::recover() {
  auto running = MAILLAGE_TRY(RppsImportRepository(db_).files("running"));
  for (const auto& f : running) {
    if (!same_or_inside(settings_.folder, f.stored_file)) continue;  // another server's
    auto st = db_.transact([&](Tx& tx) -> Status {
      MAILLAGE_CHECK(RppsImportRepository::fail(
          tx, f.id, "Import interrompu par l'arrêt du serveur : téléversez le fichier à nouveau."));
      return store::audit(tx, {"system", "rpps.import.fail", "rpps_import", std::to_string(f.id),
                               "", AuditDetail{}.add("raison", "arrêt du serveur").json()});
    });
    MAILLAGE_CHECK(st);
    std::error_code ec;
    fs::remove(f.stored_file, ec);
  }
  return {};
}

Result<std::optional<std::int64_t>> RppsImports::run_next() {
  RppsImportRepository repo(db_);
  auto queued = MAILLAGE_TRY(repo.files("queued"));
  const RppsImportFile* next = nullptr;
  for (const auto& f : queued) {
    if (same_or_inside(settings_.folder, f.stored_file)) {
      next = &f;
      break;
    }
  }
  if (next == nullptr) return std::optional<std::int64_t>{};
  const RppsImportFile file = *next;
  bool claimed = false;
  auto claim = db_.transact([&](Tx& tx) -> Status {
    claimed = MAILLAGE_TRY(RppsImportRepository::claim(tx, file.id));
    return {};
  });
  MAILLAGE_CHECK(claim);
  if (!claimed) return std::optional<std::int64_t>{};

  RppsImportOptions options;
  options.user = file.queued_by;
  options.source_name = file.file_name;
  options.max_reported_bad_lines = settings_.reported_bad_lines;
  auto last = std::chrono::steady_clock::now() - settings_.progress_interval;
  bool writing = false;
  options.progress = [&](std::uint64_t bytes, std::uint64_t total) {
    const bool done_reading = bytes >= total;
    auto now = std::chrono::steady_clock::now();
    if (!done_reading && now - last < settings_.progress_interval) return;
    if (writing) return;
    last = now;
    writing = done_reading;
    auto st = db_.transact([&](Tx& tx) -> Status {
      return RppsImportRepository::progress(tx, file.id, static_cast<std::int64_t>(bytes),
                                            done_reading ? "enregistrement" : "lecture");
    });
    if (!st) log::warn("rpps_import_progress_not_saved job={} error={}", file.id,
                       st.error().describe());
  };
  options.in_transaction = [&](Tx& tx, const RppsSnapshot& s,
                               const rpps::ReadSummary& read) -> Status {
    // The file has been read whole: it goes before the job says « done ».
    std::error_code removed;
    fs::remove(file.stored_file, removed);
    MAILLAGE_CHECK(
        RppsImportRepository::finish(tx, file.id, s, read, settings_.reported_bad_lines));
    return store::audit(tx, {file.queued_by, "rpps.import.done", "rpps_import",
                             std::to_string(file.id), "",
                             AuditDetail{}.add("instantane", s.id).add("lignes", s.data_lines)
                                 .add("lignes_en_erreur", s.bad_lines).json()});
  };
  auto report = import_rpps_file(db_, ref_, file.stored_file, options);
  std::error_code ec;
  fs::remove(file.stored_file, ec);
  if (!report) {
    const Error& e = report.error();
    if (e.code == ErrorCode::db_error || e.code == ErrorCode::internal) {
      log::warn("rpps_import_failed job={} error={}", file.id, e.describe());
    }
    // The user's words: the message and the line, never the server's path of the file.
    std::string message = e.code == ErrorCode::db_error || e.code == ErrorCode::internal
                              ? std::string("Erreur de la base de données pendant l'import.")
                              : e.message;
    if (e.line > 0) message = fmt::format("ligne {} : {}", e.line, message);
    auto failed = db_.transact([&](Tx& tx) -> Status {
      MAILLAGE_CHECK(RppsImportRepository::fail(tx, file.id, message));
      return store::audit(tx, {file.queued_by, "rpps.import.fail", "rpps_import",
                               std::to_string(file.id), "",
                               AuditDetail{}.add("message", message).json()});
    });
    MAILLAGE_CHECK(failed);
    return std::optional<std::int64_t>{file.id};
  }
  if (diagnostics_ != nullptr) diagnostics_->invalidate();
  return std::optional<std::int64_t>{file.id};
}

void RppsImports::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { loop(); });
}

void RppsImports::notify() {
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
  }
  wake_.notify_one();
}

void RppsImports::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void RppsImports::loop() {
  if (auto st = recover(); !st) log::warn("rpps_import_recover_error error={}", st.error().describe());
  while (true) {
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, settings_.poll_interval, [this] { return stop_ || pending_; });
      if (stop_) return;
      pending_ = false;
    }
    while (true) {
      auto r = run_next();
      if (!r) {
        log::warn("rpps_import_runner_error error={}", r.error().describe());
        break;
      }
      if (!*r) break;
      log::info("rpps_import_finished job={}", **r);
      std::lock_guard lock(mutex_);
      if (stop_) return;
    }
  }
}

}  // namespace maillage::services
