#include "services/territory.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "common/try.hpp"
#include "services/territory_internal.hpp"
#include "services/territory_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::AuditDetail;
using store::Tx;

namespace {

constexpr std::size_t kMaxCommunes = 40'000;  // more than France has: a bound, not a rule

std::string join_codes(const std::vector<std::string>& codes) {
  return fmt::format("{}", fmt::join(codes, ","));
}

std::vector<std::string> split_codes(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Result<std::string> random_token() {
  unsigned char bytes[24];
  if (RAND_bytes(bytes, sizeof bytes) != 1) {
    return fail(ErrorCode::internal, "générateur aléatoire indisponible");
  }
  std::string out;
  for (unsigned char b : bytes) out += fmt::format("{:02x}", b);
  return out;
}

tl::unexpected<Error> out_of_scope() {
  return fail(ErrorCode::forbidden, "Cette structure n'est pas dans votre périmètre.");
}

}  // namespace

Result<std::unique_ptr<Territories>> Territories::create(store::Database& db,
                                                         const geo::Referentiel& ref,
                                                         TerritorySettings settings) {
  MAILLAGE_CHECK(coverage::check_size_classes(settings.size_classes));
  auto graph = MAILLAGE_TRY(coverage::UnitGraph::build(ref));
  auto lifecycles = MAILLAGE_TRY(registry::builtin_lifecycles());
  if (lifecycles.find("cpts") == nullptr) {
    return fail(ErrorCode::internal, "cycle de vie CPTS absent des règles");
  }
  return std::unique_ptr<Territories>(
      new Territories(db, ref, std::move(settings), std::move(graph), std::move(lifecycles)));
}

Territories::Territories(store::Database& db, const geo::Referentiel& ref,
                         TerritorySettings settings, coverage::UnitGraph graph,
                         registry::Lifecycles lifecycles)
    : db_(db),
      repo_(std::make_unique<TerritoryRepository>(db)),
      ref_(ref),
      settings_(std::move(settings)),
      graph_(std::move(graph)),
      lifecycles_(std::move(lifecycles)) {
  cpts_ = lifecycles_.find("cpts");
  for (const auto& g : cpts_->stage_groups) filters_.push_back({g.id, g.label, g.states});
}

Territories::~Territories() = default;

std::string Territories::stage_label(std::string_view kind, std::string_view stage) const {
  if (const auto* lc = lifecycles_.find(territory_detail::lower(std::string(kind)))) {
    if (const auto* st = lc->state(stage)) return st->label;
  }
  return std::string(stage);
}

std::optional<std::size_t> Territories::filter_index(std::string_view id) const {
  for (std::size_t i = 0; i < filters_.size(); ++i) {
    if (filters_[i].id == id) return i;
  }
  return std::nullopt;
}

Result<TerritoryStructure> Territories::load_structure(std::int64_t id) {
  auto row = MAILLAGE_TRY(repo_->structure(id));
  if (!row) {
    return fail(ErrorCode::not_found, fmt::format("La structure n° {} n'existe pas.", id), "id");
  }
  TerritoryStructure s{row->id,    row->kind, row->name,   row->departement,
                       row->stage, "",        row->version};
  s.stage_label = stage_label(s.kind, s.stage);
  return s;
}

Result<TerritoryStructure> Territories::readable(const Principal& who, std::int64_t id) {
  auto s = load_structure(id);
  if (!s) return s;
  auto region_of = [this](std::string_view dep) {
    const auto* d = ref_.departement(dep);
    return d ? d->region : std::string();
  };
  if (!covers_structure(who, s->id, s->departement, region_of)) return out_of_scope();
  return s;
}

bool Territories::can_edit(const Principal& who, const TerritoryStructure& s) const {
  auto region_of = [this](std::string_view dep) {
    const auto* d = ref_.departement(dep);
    return d ? d->region : std::string();
  };
  switch (who.role) {
    case Role::admin:
      return true;
    case Role::roc:
    case Role::ars:
    case Role::coordinator:
      return covers_structure(who, s.id, s.departement, region_of);
    case Role::observer:
    case Role::charge_de_mission:
    case Role::member:
      return false;
  }
  return false;
}

Result<TerritoryStructure> Territories::writable(const Principal& who, std::int64_t id) {
  auto s = MAILLAGE_TRY(readable(who, id));
  if (!can_edit(who, s)) {
    return fail(ErrorCode::forbidden,
                fmt::format("Votre rôle ({}) ne permet pas de modifier un territoire.",
                            role_label(who.role)));
  }
  if (s.kind != "CPTS") {
    return fail(
        ErrorCode::invalid_input,
        fmt::format("Seules les CPTS ont un territoire ({} est une structure {}).", s.name, s.kind),
        "id");
  }
  return s;
}

Result<std::vector<geo::CommuneIndex>> Territories::indices(
    const std::vector<std::string>& codes) const {
  if (codes.size() > kMaxCommunes) {
    return fail(ErrorCode::invalid_input,
                fmt::format("au plus {} communes par territoire", kMaxCommunes), "communes");
  }
  std::vector<geo::CommuneIndex> out;
  out.reserve(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    const geo::Commune* c = ref_.commune(codes[i]);
    if (c == nullptr) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("code INSEE « {} » inconnu du référentiel", codes[i]),
                  fmt::format("communes[{}]", i));
    }
    out.push_back(ref_.index_of(*c));
  }
  return out;
}

Result<TerritoryView> Territories::view(const TerritoryStructure& s, std::vector<std::string> codes,
                                        bool with_outline) const {
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  auto idx = MAILLAGE_TRY(indices(codes));
  TerritoryView v;
  v.structure = s;
  coverage::Territory t{std::to_string(s.id), s.name, s.stage, idx};
  v.facts = MAILLAGE_TRY(coverage::territory_facts(graph_, t, settings_.size_classes));
  v.size_class_label = coverage::size_class(settings_.size_classes, v.facts.population).label;
  std::set<std::string> deps;
  for (auto i : idx) deps.insert(ref_.communes[i].departement);
  v.departements.assign(deps.begin(), deps.end());
  if (with_outline && !idx.empty()) {
    auto units = MAILLAGE_TRY(coverage::territory_units(graph_, idx));
    try {
      v.outline = coverage::territory_outline(graph_, units);
    } catch (const std::exception& e) {
      // GEOS failing on our own cells is a bug, not bad input.
      return fail(ErrorCode::internal, std::string("contour du territoire : ") + e.what());
    }
  }
  v.communes = std::move(codes);
  return v;
}

Result<TerritoryView> Territories::get(const Principal& who, std::int64_t structure_id,
                                       bool with_outline) {
  auto s = MAILLAGE_TRY(readable(who, structure_id));
  std::vector<std::string> codes;
  for (auto& code : MAILLAGE_TRY(repo_->communes(structure_id))) {
    // A code the référentiel no longer knows (a commune merged since) is left out of the
    // facts rather than making the territory unreadable; saving the territory drops it.
    if (ref_.commune(code) != nullptr) codes.push_back(std::move(code));
  }
  return view(s, std::move(codes), with_outline);
}

Result<TerritoryView> Territories::save(const Principal& who, const TerritoryStructure& s,
                                        std::int64_t version, std::vector<std::string> codes,
                                        const std::string& source, const std::string& token) {
  auto v = MAILLAGE_TRY(view(s, std::move(codes), false));
  std::int64_t saved_version = 0;
  const Status written = db_.transact([&](Tx& tx) -> Status {
    auto current = MAILLAGE_TRY(TerritoryRepository::version(tx, s.id));
    if (!current) {
      return fail(ErrorCode::not_found, fmt::format("La structure n° {} n'existe pas.", s.id));
    }
    if (*current != version) {
      return fail(ErrorCode::conflict,
                  fmt::format("La structure a été modifiée depuis votre lecture (version {}, "
                              "vous aviez la version {}) : rechargez-la, rien n'a été "
                              "enregistré.",
                              *current, version),
                  "version");
    }
    auto old_codes = MAILLAGE_TRY(TerritoryRepository::communes(tx, s.id));
    const std::string now = store::timestamp_now();
    if (MAILLAGE_TRY(TerritoryRepository::bump_version(tx, s.id, version, now)) != 1) {
      return fail(ErrorCode::conflict, "La structure a été modifiée entre-temps : rechargez-la.",
                  "version");
    }
    saved_version = version + 1;
    MAILLAGE_CHECK(TerritoryRepository::replace_communes(tx, s.id, v.communes));
    MAILLAGE_CHECK(TerritoryRepository::add_history(
        tx, {s.id, saved_version, now, who.login, source, join_codes(v.communes),
             static_cast<std::int64_t>(v.communes.size()), v.facts.population}));
    if (!token.empty()) MAILLAGE_CHECK(TerritoryRepository::delete_import(tx, token));
    std::vector<std::string> added, removed;
    std::set_difference(v.communes.begin(), v.communes.end(), old_codes.begin(), old_codes.end(),
                        std::back_inserter(added));
    std::set_difference(old_codes.begin(), old_codes.end(), v.communes.begin(), v.communes.end(),
                        std::back_inserter(removed));
    return store::audit(
        tx, {who.login, "territory.replace", "structure", std::to_string(s.id),
             AuditDetail{}.add("version", version).add("communes", old_codes.size()).json(),
             AuditDetail{}
                 .add("version", saved_version)
                 .add("source", source)
                 .add("communes", v.communes.size())
                 .add("population", v.facts.population)
                 .add("ajoutees", added)
                 .add("retirees", removed)
                 .json()});
  });
  MAILLAGE_CHECK(written);
  v.structure.version = saved_version;
  return v;
}

Result<TerritoryView> Territories::replace(const Principal& who, std::int64_t structure_id,
                                           std::int64_t version,
                                           const std::vector<std::string>& codes) {
  auto s = MAILLAGE_TRY(writable(who, structure_id));
  return save(who, s, version, codes, "edit", "");
}

Result<TerritoryPreview> Territories::preview_csv(const Principal& who, std::int64_t structure_id,
                                                  const std::string& file, std::string_view text) {
  auto s = MAILLAGE_TRY(writable(who, structure_id));
  coverage::ImportOptions options;
  options.default_name = s.name;
  options.former = former_codes();
  auto import = MAILLAGE_TRY(coverage::parse_territory_csv(ref_, file, text, options));
  if (import.territories.size() > 1) {
    std::vector<std::string> names;
    for (const auto& t : import.territories) names.push_back("« " + t.name + " »");
    return fail(ErrorCode::invalid_input,
                fmt::format("{} : le fichier contient {} territoires ({}) ; importez celui de {} "
                            "seul.",
                            file, names.size(), fmt::join(names, ", "), s.name),
                "contenu");
  }
  TerritoryPreview p;
  p.file = file;
  p.rows = import.rows;
  p.issues = import.issues;
  p.has_errors = import.has_errors();
  std::vector<std::string> codes;
  if (!import.territories.empty()) {
    for (auto i : import.territories[0].communes) codes.push_back(ref_.communes[i].code);
  }
  auto v = MAILLAGE_TRY(view(s, codes, false));
  p.structure = v.structure;
  p.communes = v.communes;
  p.facts = v.facts;
  if (!p.has_errors && !p.communes.empty()) {
    auto token = MAILLAGE_TRY(random_token());
    const auto now = std::chrono::system_clock::now();
    const std::string created = store::format_timestamp(now);
    p.expires_at =
        store::format_timestamp(now + std::chrono::seconds(settings_.import_ttl_seconds));
    const Status written = db_.transact([&](Tx& tx) -> Status {
      // Expired previews are of no use to anyone: drop them as we go.
      MAILLAGE_CHECK(TerritoryRepository::delete_expired_imports(tx, created));
      MAILLAGE_CHECK(
          TerritoryRepository::add_import(tx, {token, who.user_id, s.id, s.version, file,
                                               join_codes(p.communes), created, p.expires_at}));
      return store::audit(
          tx, {who.login, "territory.import_preview", "structure", std::to_string(s.id), "",
               AuditDetail{}
                   .add("fichier", file)
                   .add("lignes", p.rows)
                   .add("communes", p.communes.size())
                   .json()});
    });
    MAILLAGE_CHECK(written);
    p.token = std::move(token);
  }
  return p;
}

const coverage::FormerCodes* Territories::former_codes() {
  std::call_once(former_once_, [this] {
    if (settings_.former || settings_.former_communes_file.empty()) return;
    std::ifstream in(settings_.former_communes_file, std::ios::binary);
    if (!in) return;  // not installed: former codes read as unknown codes, said per line
    std::ostringstream text;
    text << in.rdbuf();
    auto parsed =
        coverage::parse_etalab_former_communes(settings_.former_communes_file, text.str());
    if (parsed)
      settings_.former = std::make_shared<const coverage::FormerCodes>(std::move(*parsed));
  });
  return settings_.former.get();
}

Result<TerritoryView> Territories::confirm_csv(const Principal& who, std::int64_t structure_id,
                                               const std::string& token, std::int64_t version) {
  auto s = MAILLAGE_TRY(writable(who, structure_id));
  auto pending = MAILLAGE_TRY(repo_->pending_import(token));
  // Another user's or another structure's import reads as unknown: tokens are not shared.
  if (!pending || pending->user_id != who.user_id || pending->structure_id != structure_id) {
    return fail(ErrorCode::not_found,
                "Import inconnu : renvoyez le fichier pour obtenir un nouvel aperçu.", "jeton");
  }
  if (pending->expires_at < store::timestamp_now()) {
    return fail(ErrorCode::not_found,
                "Cet aperçu a expiré : renvoyez le fichier pour obtenir un nouvel aperçu.",
                "jeton");
  }
  return save(who, s, version, split_codes(pending->communes), "csv", token);
}

Result<std::string> Territories::export_csv(const Principal& who, std::int64_t structure_id) {
  auto v = MAILLAGE_TRY(get(who, structure_id, false));
  auto idx = MAILLAGE_TRY(indices(v.communes));
  return coverage::territory_csv(ref_, idx);
}

}  // namespace maillage::services
