#include "services/territory.hpp"

#include <fmt/format.h>
#include <openssl/rand.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>
#include <nlohmann/json.hpp>
#include <set>
#include <stdexcept>

#include "coverage/proposals.hpp"
#include "store/database.hpp"

namespace maillage::services {

using nlohmann::json;
using store::Tx;

namespace {

constexpr std::size_t kMaxCommunes = 40'000;     // more than France has: a bound, not a rule
constexpr std::size_t kMaxListedZones = 50;      // white zones listed for a région or France
constexpr std::size_t kMaxNamesPerZone = 5;

std::string value_text(const store::Value& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return std::to_string(*i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* d = std::get_if<double>(&v)) return fmt::format("{}", *d);
  return "";
}

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

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

tl::unexpected<Error> out_of_scope() {
  return fail(ErrorCode::forbidden, "Cette structure n'est pas dans votre périmètre.");
}

// Percent of `part` in `total` with one decimal, 0 for an empty total.
double percent(std::int64_t part, std::int64_t total) {
  if (total <= 0) return 0.0;
  return static_cast<double>(part * 1000 / total) / 10.0;
}

}  // namespace

// The CPTS territories as loaded from the store and their cover, for one state of the store
// (identified by `fingerprint`): shared by every request until a write changes the fingerprint.
struct Territories::Snapshot {
  std::string fingerprint;
  std::vector<coverage::Territory> territories;
  std::vector<TerritoryStructure> meta;  // same order
  std::optional<coverage::Cover> cover;
};

Result<std::unique_ptr<Territories>> Territories::create(store::Database& db,
                                                         const geo::Referentiel& ref,
                                                         TerritorySettings settings) {
  if (auto s = coverage::check_size_classes(settings.size_classes); !s) {
    return tl::unexpected(s.error());
  }
  auto graph = coverage::UnitGraph::build(ref);
  if (!graph) return tl::unexpected(graph.error());
  auto lifecycles = registry::builtin_lifecycles();
  if (!lifecycles) return tl::unexpected(lifecycles.error());
  if (lifecycles->find("cpts") == nullptr) {
    return fail(ErrorCode::internal, "cycle de vie CPTS absent des règles");
  }
  return std::unique_ptr<Territories>(new Territories(db, ref, std::move(settings),
                                                      std::move(*graph), std::move(*lifecycles)));
}

Territories::Territories(store::Database& db, const geo::Referentiel& ref,
                         TerritorySettings settings, coverage::UnitGraph graph,
                         registry::Lifecycles lifecycles)
    : db_(db),
      ref_(ref),
      settings_(std::move(settings)),
      graph_(std::move(graph)),
      lifecycles_(std::move(lifecycles)) {
  cpts_ = lifecycles_.find("cpts");
  for (const auto& g : cpts_->stage_groups) filters_.push_back({g.id, g.label, g.states});
}

Territories::~Territories() = default;

std::string Territories::stage_label(std::string_view kind, std::string_view stage) const {
  if (const auto* lc = lifecycles_.find(lower(std::string(kind)))) {
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
  auto rows = db_.query(
      "SELECT id, kind, name, departement, stage, version FROM structures WHERE id = $1", {id});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) {
    return fail(ErrorCode::not_found, fmt::format("La structure n° {} n'existe pas.", id), "id");
  }
  const auto& r = rows->rows[0];
  TerritoryStructure s{r.integer(0), r.text(1), r.text(2), r.text(3), r.text(4), "",
                       r.integer(5)};
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
    case Role::admin: return true;
    case Role::roc:
    case Role::ars:
    case Role::coordinator: return covers_structure(who, s.id, s.departement, region_of);
    case Role::observer:
    case Role::charge_de_mission:
    case Role::member: return false;
  }
  return false;
}

Result<TerritoryStructure> Territories::writable(const Principal& who, std::int64_t id) {
  auto s = readable(who, id);
  if (!s) return s;
  if (!can_edit(who, *s)) {
    return fail(ErrorCode::forbidden,
                fmt::format("Votre rôle ({}) ne permet pas de modifier un territoire.",
                            role_label(who.role)));
  }
  if (s->kind != "CPTS") {
    return fail(ErrorCode::invalid_input,
                fmt::format("Seules les CPTS ont un territoire ({} est une structure {}).",
                            s->name, s->kind),
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

Result<TerritoryView> Territories::view(const TerritoryStructure& s,
                                        std::vector<std::string> codes,
                                        bool with_outline) const {
  std::sort(codes.begin(), codes.end());
  codes.erase(std::unique(codes.begin(), codes.end()), codes.end());
  auto idx = indices(codes);
  if (!idx) return tl::unexpected(idx.error());
  TerritoryView v;
  v.structure = s;
  coverage::Territory t{std::to_string(s.id), s.name, s.stage, *idx};
  auto facts = coverage::territory_facts(graph_, t, settings_.size_classes);
  if (!facts) return tl::unexpected(facts.error());
  v.facts = std::move(*facts);
  v.size_class_label = coverage::size_class(settings_.size_classes, v.facts.population).label;
  std::set<std::string> deps;
  for (auto i : *idx) deps.insert(ref_.communes[i].departement);
  v.departements.assign(deps.begin(), deps.end());
  if (with_outline && !idx->empty()) {
    auto units = coverage::territory_units(graph_, *idx);
    if (!units) return tl::unexpected(units.error());
    try {
      v.outline = coverage::territory_outline(graph_, *units);
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
  auto s = readable(who, structure_id);
  if (!s) return tl::unexpected(s.error());
  auto rows = db_.query(
      "SELECT commune FROM structure_communes WHERE structure_id = $1 ORDER BY commune",
      {structure_id});
  if (!rows) return tl::unexpected(rows.error());
  std::vector<std::string> codes;
  for (const auto& r : rows->rows) {
    // A code the référentiel no longer knows (a commune merged since) is left out of the
    // facts rather than making the territory unreadable; saving the territory drops it.
    if (ref_.commune(r.text(0)) != nullptr) codes.push_back(r.text(0));
  }
  return view(*s, std::move(codes), with_outline);
}

Result<TerritoryView> Territories::save(const Principal& who, const TerritoryStructure& s,
                                        std::int64_t version, std::vector<std::string> codes,
                                        const std::string& source, const std::string& token) {
  auto v = view(s, std::move(codes), false);
  if (!v) return v;
  std::int64_t saved_version = 0;
  auto st = db_.transact([&](Tx& tx) -> Status {
    auto cur = tx.query("SELECT version FROM structures WHERE id = $1", {s.id});
    if (!cur) return tl::unexpected(cur.error());
    if (cur->empty()) {
      return fail(ErrorCode::not_found, fmt::format("La structure n° {} n'existe pas.", s.id));
    }
    std::int64_t current = cur->rows[0].integer(0);
    if (current != version) {
      return fail(ErrorCode::conflict,
                  fmt::format("La structure a été modifiée depuis votre lecture (version {}, "
                              "vous aviez la version {}) : rechargez-la, rien n'a été "
                              "enregistré.",
                              current, version),
                  "version");
    }
    auto before = tx.query(
        "SELECT commune FROM structure_communes WHERE structure_id = $1 ORDER BY commune",
        {s.id});
    if (!before) return tl::unexpected(before.error());
    std::vector<std::string> old_codes;
    for (const auto& r : before->rows) old_codes.push_back(r.text(0));
    const std::string now = store::timestamp_now();
    auto upd = tx.exec(
        "UPDATE structures SET version = version + 1, updated_at = $2 "
        "WHERE id = $1 AND version = $3",
        {s.id, now, version});
    if (!upd) return tl::unexpected(upd.error());
    if (*upd != 1) {
      return fail(ErrorCode::conflict, "La structure a été modifiée entre-temps : rechargez-la.",
                  "version");
    }
    saved_version = version + 1;
    if (auto d = tx.exec("DELETE FROM structure_communes WHERE structure_id = $1", {s.id}); !d) {
      return tl::unexpected(d.error());
    }
    for (const auto& code : v->communes) {
      auto ins = tx.exec("INSERT INTO structure_communes (structure_id, commune) VALUES ($1, $2)",
                         {s.id, code});
      if (!ins) return tl::unexpected(ins.error());
    }
    auto hist = tx.exec(
        "INSERT INTO territory_history (structure_id, version, at, user_login, source, communes, "
        "commune_count, population) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {s.id, saved_version, now, who.login, source, join_codes(v->communes),
         static_cast<std::int64_t>(v->communes.size()), v->facts.population});
    if (!hist) return tl::unexpected(hist.error());
    if (!token.empty()) {
      auto del = tx.exec("DELETE FROM territory_imports WHERE token = $1", {token});
      if (!del) return tl::unexpected(del.error());
    }
    std::vector<std::string> added, removed;
    std::set_difference(v->communes.begin(), v->communes.end(), old_codes.begin(),
                        old_codes.end(), std::back_inserter(added));
    std::set_difference(old_codes.begin(), old_codes.end(), v->communes.begin(),
                        v->communes.end(), std::back_inserter(removed));
    return store::audit(
        tx, {who.login, "territory.replace", "structure", std::to_string(s.id),
             json{{"version", version}, {"communes", old_codes.size()}}.dump(),
             json{{"version", saved_version},
                  {"source", source},
                  {"communes", v->communes.size()},
                  {"population", v->facts.population},
                  {"ajoutees", added},
                  {"retirees", removed}}
                 .dump()});
  });
  if (!st) return tl::unexpected(st.error());
  v->structure.version = saved_version;
  return v;
}

Result<TerritoryView> Territories::replace(const Principal& who, std::int64_t structure_id,
                                           std::int64_t version,
                                           const std::vector<std::string>& codes) {
  auto s = writable(who, structure_id);
  if (!s) return tl::unexpected(s.error());
  return save(who, *s, version, codes, "edit", "");
}

Result<TerritoryPreview> Territories::preview_csv(const Principal& who,
                                                  std::int64_t structure_id,
                                                  const std::string& file, std::string_view text) {
  auto s = writable(who, structure_id);
  if (!s) return tl::unexpected(s.error());
  coverage::ImportOptions options;
  options.default_name = s->name;
  options.former = former_codes();
  auto import = coverage::parse_territory_csv(ref_, file, text, options);
  if (!import) return tl::unexpected(import.error());
  if (import->territories.size() > 1) {
    std::vector<std::string> names;
    for (const auto& t : import->territories) names.push_back("« " + t.name + " »");
    return fail(ErrorCode::invalid_input,
                fmt::format("{} : le fichier contient {} territoires ({}) ; importez celui de {} "
                            "seul.",
                            file, names.size(), fmt::join(names, ", "), s->name),
                "contenu");
  }
  TerritoryPreview p;
  p.file = file;
  p.rows = import->rows;
  p.issues = import->issues;
  p.has_errors = import->has_errors();
  std::vector<std::string> codes;
  if (!import->territories.empty()) {
    for (auto i : import->territories[0].communes) codes.push_back(ref_.communes[i].code);
  }
  auto v = view(*s, codes, false);
  if (!v) return tl::unexpected(v.error());
  p.structure = v->structure;
  p.communes = v->communes;
  p.facts = v->facts;
  if (!p.has_errors && !p.communes.empty()) {
    auto token = random_token();
    if (!token) return tl::unexpected(token.error());
    const auto now = std::chrono::system_clock::now();
    const std::string created = store::format_timestamp(now);
    p.expires_at =
        store::format_timestamp(now + std::chrono::seconds(settings_.import_ttl_seconds));
    auto st = db_.transact([&](Tx& tx) -> Status {
      // Expired previews are of no use to anyone: drop them as we go.
      if (auto d = tx.exec("DELETE FROM territory_imports WHERE expires_at < $1", {created}); !d) {
        return tl::unexpected(d.error());
      }
      auto ins = tx.exec(
          "INSERT INTO territory_imports (token, user_id, structure_id, base_version, file_name, "
          "communes, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
          {*token, who.user_id, s->id, s->version, file, join_codes(p.communes), created,
           p.expires_at});
      if (!ins) return tl::unexpected(ins.error());
      return store::audit(tx, {who.login, "territory.import_preview", "structure",
                               std::to_string(s->id), "",
                               json{{"fichier", file},
                                    {"lignes", p.rows},
                                    {"communes", p.communes.size()}}
                                   .dump()});
    });
    if (!st) return tl::unexpected(st.error());
    p.token = std::move(*token);
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
    auto parsed = coverage::parse_etalab_former_communes(settings_.former_communes_file,
                                                         text.str());
    if (parsed) settings_.former = std::make_shared<const coverage::FormerCodes>(std::move(*parsed));
  });
  return settings_.former.get();
}

Result<TerritoryView> Territories::confirm_csv(const Principal& who, std::int64_t structure_id,
                                               const std::string& token, std::int64_t version) {
  auto s = writable(who, structure_id);
  if (!s) return tl::unexpected(s.error());
  auto rows = db_.query(
      "SELECT user_id, structure_id, communes, expires_at FROM territory_imports "
      "WHERE token = $1",
      {token});
  if (!rows) return tl::unexpected(rows.error());
  // Another user's or another structure's import reads as unknown: tokens are not shared.
  if (rows->empty() || rows->rows[0].integer(0) != who.user_id ||
      rows->rows[0].integer(1) != structure_id) {
    return fail(ErrorCode::not_found,
                "Import inconnu : renvoyez le fichier pour obtenir un nouvel aperçu.", "jeton");
  }
  if (rows->rows[0].text(3) < store::timestamp_now()) {
    return fail(ErrorCode::not_found,
                "Cet aperçu a expiré : renvoyez le fichier pour obtenir un nouvel aperçu.",
                "jeton");
  }
  return save(who, *s, version, split_codes(rows->rows[0].text(2)), "csv", token);
}

Result<std::string> Territories::export_csv(const Principal& who, std::int64_t structure_id) {
  auto v = get(who, structure_id, false);
  if (!v) return tl::unexpected(v.error());
  auto idx = indices(v->communes);
  if (!idx) return tl::unexpected(idx.error());
  return coverage::territory_csv(ref_, *idx);
}

json Territories::to_json(const TerritoryView& v) const {
  json communes = json::array();
  for (const auto& code : v.communes) {
    const geo::Commune* c = ref_.commune(code);
    communes.push_back({{"code", code},
                        {"nom", c ? c->nom : ""},
                        {"population", c ? c->population : 0},
                        {"departement", c ? c->departement : ""},
                        {"epci", c ? c->epci : ""}});
  }
  json pieces = json::array();
  for (const auto& p : v.facts.pieces) {
    json codes = json::array();
    for (auto u : p.units) codes.push_back(ref_.communes[u].code);
    pieces.push_back({{"communes", codes}, {"population", p.population}});
  }
  json out{{"structure",
            {{"id", v.structure.id},
             {"type", v.structure.kind},
             {"nom", v.structure.name},
             {"departement", v.structure.departement},
             {"etape", v.structure.stage},
             {"etape_libelle", v.structure.stage_label}}},
           {"version", v.structure.version},
           {"communes", std::move(communes)},
           {"nombre_communes", v.facts.communes},
           {"population", v.facts.population},
           {"taille", v.facts.size_class},
           {"taille_libelle", v.size_class_label},
           {"contigu", v.facts.contiguous},
           {"morceaux", std::move(pieces)},
           {"departements", v.departements}};
  if (v.outline) {
    json polys = json::array();
    for (const auto& poly : *v.outline) {
      json rings = json::array();
      auto ring_json = [](const geo::Ring& ring) {
        json r = json::array();
        for (const auto& p : ring) {
          // [lon, lat] with 5 decimals (about a metre), as the cells endpoint.
          r.push_back({std::round(p.lon * 1e5) / 1e5, std::round(p.lat * 1e5) / 1e5});
        }
        return r;
      };
      rings.push_back(ring_json(poly.outer));
      for (const auto& h : poly.holes) rings.push_back(ring_json(h));
      polys.push_back(std::move(rings));
    }
    out["contour"] = {{"type", "MultiPolygon"}, {"coordinates", std::move(polys)}};
  }
  return out;
}

json Territories::to_json(const TerritoryPreview& p) const {
  json issues = json::array();
  for (const auto& i : p.issues) {
    issues.push_back({{"ligne", i.line},
                      {"champ", i.field},
                      {"valeur", i.value},
                      {"type", std::string(coverage::to_string(i.kind))},
                      {"gravite", i.severity == coverage::Severity::error ? "erreur" : "attention"},
                      {"message", i.message},
                      {"description", i.describe(p.file)}});
  }
  json communes = json::array();
  for (const auto& code : p.communes) {
    const geo::Commune* c = ref_.commune(code);
    communes.push_back({{"code", code}, {"nom", c ? c->nom : ""}});
  }
  return json{{"fichier", p.file},
              {"lignes", p.rows},
              {"erreurs", p.has_errors},
              {"signalements", std::move(issues)},
              {"communes", std::move(communes)},
              {"nombre_communes", p.facts.communes},
              {"population", p.facts.population},
              {"taille", p.facts.size_class},
              {"contigu", p.facts.contiguous},
              {"morceaux", p.facts.pieces.size()},
              {"version", p.structure.version},
              {"jeton", p.token.empty() ? json(nullptr) : json(p.token)},
              {"expire", p.expires_at.empty() ? json(nullptr) : json(p.expires_at)}};
}

Result<std::shared_ptr<const Territories::Snapshot>> Territories::snapshot() {
  // The fingerprint changes with every write that can change coverage: a territory save bumps
  // its structure's version and changes structure_communes; a stage change or a deletion
  // changes the structures' versions, dates or count.
  auto fp = db_.query(
      "SELECT (SELECT COUNT(*) FROM structures), "
      "(SELECT CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM structures), "
      "(SELECT COALESCE(MAX(updated_at), '') FROM structures), "
      "(SELECT COUNT(*) FROM structure_communes)");
  if (!fp) return tl::unexpected(fp.error());
  std::string fingerprint;
  for (const auto& v : fp->rows.at(0).values) fingerprint += value_text(v) + "|";
  {
    std::lock_guard lock(cache_mutex_);
    if (cache_ && cache_->fingerprint == fingerprint) return cache_;
  }
  auto rows = db_.query(
      "SELECT s.id, s.name, s.departement, s.stage, s.version, c.commune FROM structures s "
      "JOIN structure_communes c ON c.structure_id = s.id WHERE s.kind = 'CPTS' "
      "ORDER BY s.id, c.commune");
  if (!rows) return tl::unexpected(rows.error());
  auto snap = std::make_shared<Snapshot>();
  snap->fingerprint = fingerprint;
  for (const auto& r : rows->rows) {
    std::int64_t id = r.integer(0);
    if (snap->meta.empty() || snap->meta.back().id != id) {
      TerritoryStructure s{id, "CPTS", r.text(1), r.text(2), r.text(3), "", r.integer(4)};
      s.stage_label = stage_label("cpts", s.stage);
      snap->meta.push_back(s);
      snap->territories.push_back({std::to_string(id), s.name, s.stage, {}});
    }
    if (const geo::Commune* c = ref_.commune(r.text(5))) {
      snap->territories.back().communes.push_back(ref_.index_of(*c));
    }
  }
  auto cover = coverage::Cover::compute(graph_, snap->territories, filters_);
  if (!cover) return tl::unexpected(cover.error());
  snap->cover.emplace(std::move(*cover));
  std::shared_ptr<const Snapshot> out = std::move(snap);
  std::lock_guard lock(cache_mutex_);
  cache_ = out;
  return out;
}

Result<json> Territories::coverage(const Principal& who, std::string_view level,
                                   std::string_view code, std::string_view filter_id,
                                   bool want_proposals) {
  coverage::Area area;
  if (level == "france") {
    area.kind = coverage::AreaKind::france;
  } else if (level == "region") {
    area.kind = coverage::AreaKind::region;
  } else if (level == "departement") {
    area.kind = coverage::AreaKind::departement;
  } else if (level == "epci") {
    area.kind = coverage::AreaKind::epci;
  } else {
    return fail(ErrorCode::invalid_input,
                fmt::format("niveau « {} » inconnu (france, region, departement ou epci)", level),
                "niveau");
  }
  if (area.kind != coverage::AreaKind::france) {
    if (code.empty()) return fail(ErrorCode::missing_field, "code de la zone attendu", "code");
    area.code = std::string(code);
  }
  const std::string fid = filter_id.empty() ? std::string("toutes") : std::string(filter_id);
  auto filter = filter_index(fid);
  if (!filter) {
    std::vector<std::string> ids;
    for (const auto& f : filters_) ids.push_back(f.id);
    return fail(ErrorCode::invalid_input,
                fmt::format("étape « {} » inconnue ({})", fid, fmt::join(ids, ", ")), "etape");
  }
  auto units = coverage::area_units(graph_, area);
  if (!units) return tl::unexpected(units.error());

  auto region_of = [this](std::string_view dep) {
    const auto* d = ref_.departement(dep);
    return d ? d->region : std::string();
  };
  bool allowed = false;
  switch (area.kind) {
    case coverage::AreaKind::france:
      allowed = who.role == Role::admin || who.role == Role::observer;
      break;
    case coverage::AreaKind::region: allowed = covers_region(who, area.code); break;
    case coverage::AreaKind::departement:
      allowed = covers_departement(who, area.code, region_of);
      break;
    case coverage::AreaKind::epci:
      allowed = !units->empty();
      for (auto u : *units) {
        allowed = allowed && covers_departement(who, ref_.communes[u].departement, region_of);
      }
      break;
  }
  if (!allowed) {
    return fail(ErrorCode::forbidden, "Cette zone n'est pas dans votre périmètre.");
  }

  auto snap = snapshot();
  if (!snap) return tl::unexpected(snap.error());
  const coverage::Cover& cover = *(*snap)->cover;
  const auto& meta = (*snap)->meta;
  // A département or an EPCI is drawn commune by commune; larger areas get totals and the
  // largest zones only.
  const bool detailed =
      area.kind == coverage::AreaKind::departement || area.kind == coverage::AreaKind::epci;

  auto summary = coverage::summarize(cover, *units);
  json filters = json::array();
  for (std::size_t f = 0; f < filters_.size(); ++f) {
    filters.push_back({{"id", filters_[f].id},
                       {"libelle", filters_[f].label},
                       {"choisi", f == *filter},
                       {"communes_couvertes", summary.by_filter[f].communes},
                       {"population_couverte", summary.by_filter[f].population},
                       {"part_population", percent(summary.by_filter[f].population,
                                                   summary.total.population)}});
  }
  const coverage::Count covered = summary.by_filter[*filter];

  // Territories present in the area.
  std::set<std::uint32_t> present;
  json communes = json::object();
  for (auto u : *units) {
    auto ts = cover.territories_of(u);
    for (auto t : ts) present.insert(t);
    if (detailed && !ts.empty()) {
      json ids = json::array();
      for (auto t : ts) {
        if (cover.passes(t, filter)) ids.push_back(meta[t].id);
      }
      if (!ids.empty()) communes[ref_.communes[u].code] = std::move(ids);
    }
  }
  json territories = json::array();
  for (auto t : present) {
    std::int64_t in_area = 0;
    for (auto u : cover.units_of(t)) {
      if (std::binary_search(units->begin(), units->end(), u)) ++in_area;
    }
    territories.push_back(
        {{"id", meta[t].id},
         {"nom", meta[t].name},
         {"departement", meta[t].departement},
         {"etape", meta[t].stage},
         {"etape_libelle", meta[t].stage_label},
         {"retenu", cover.passes(t, filter)},
         {"population", cover.territory_population(t)},
         {"taille", coverage::size_class(settings_.size_classes, cover.territory_population(t)).id},
         {"communes_dans_la_zone", in_area}});
  }

  auto names_of = [&](const std::vector<geo::CommuneIndex>& us) {
    json names = json::array();
    for (std::size_t i = 0; i < us.size() && i < kMaxNamesPerZone; ++i) {
      names.push_back(ref_.communes[us[i]].nom);
    }
    return names;
  };
  auto codes_of = [&](const std::vector<geo::CommuneIndex>& us) {
    json codes = json::array();
    for (auto u : us) codes.push_back(ref_.communes[u].code);
    return codes;
  };

  auto zones = coverage::white_zones(cover, *units, filter);
  json white = json::array();
  for (std::size_t z = 0; z < zones.size(); ++z) {
    if (!detailed && z >= kMaxListedZones) break;
    json zone{{"numero", z + 1},
              {"population", zones[z].population},
              {"nombre_communes", zones[z].units.size()},
              {"exemples", names_of(zones[z].units)}};
    if (detailed) zone["communes"] = codes_of(zones[z].units);
    white.push_back(std::move(zone));
  }

  auto ov = coverage::overlaps(cover, *units, filter);
  json pairs = json::array();
  for (const auto& p : ov.pairs) {
    json pair{{"territoires", {{{"id", meta[p.a].id}, {"nom", meta[p.a].name}},
                               {{"id", meta[p.b].id}, {"nom", meta[p.b].name}}}},
              {"population", p.population},
              {"nombre_communes", p.units.size()},
              {"exemples", names_of(p.units)}};
    if (detailed) pair["communes"] = codes_of(p.units);
    pairs.push_back(std::move(pair));
  }
  json overlaps{{"nombre_communes", ov.units.size()},
                {"population", ov.population},
                {"paires", std::move(pairs)}};
  if (detailed) overlaps["communes"] = codes_of(ov.units);

  json out{{"zone",
            {{"niveau", std::string(level)},
             {"code", area.code},
             {"nom", coverage::area_name(graph_, area)}}},
           {"etape", fid},
           {"filtres", std::move(filters)},
           {"total", {{"communes", summary.total.communes}, {"population", summary.total.population}}},
           {"couvert", {{"communes", covered.communes}, {"population", covered.population}}},
           {"non_couvert",
            {{"communes", summary.total.communes - covered.communes},
             {"population", summary.total.population - covered.population}}},
           {"part_population_couverte", percent(covered.population, summary.total.population)},
           {"territoires", std::move(territories)},
           {"zones_blanches", std::move(white)},
           {"nombre_zones_blanches", zones.size()},
           {"chevauchements", std::move(overlaps)}};
  if (detailed) out["communes"] = std::move(communes);

  if (want_proposals) {
    auto props = coverage::propose(cover, *units,
                                   {settings_.proposal_min_population, filter});
    if (!props) return tl::unexpected(props.error());
    json list = json::array();
    for (std::size_t i = 0; i < props->size(); ++i) {
      const auto& p = (*props)[i];
      if (!detailed && i >= kMaxListedZones) break;
      json item{{"numero", i + 1},
                {"type", std::string(coverage::to_string(p.kind))},
                {"population", p.population},
                {"nombre_communes", p.units.size()},
                {"exemples", names_of(p.units)},
                {"zone", p.zone + 1}};
      if (detailed) item["communes"] = codes_of(p.units);
      if (p.territory) {
        item["territoire"] = {{"id", meta[*p.territory].id},
                              {"nom", meta[*p.territory].name},
                              {"population_avant", p.territory_population_before},
                              {"population_apres", p.territory_population_after}};
      }
      list.push_back(std::move(item));
    }
    out["propositions"] = {{"population_minimale", settings_.proposal_min_population},
                           {"liste", std::move(list)},
                           {"note",
                            "Propositions calculées, jamais appliquées : pour en retenir une, "
                            "modifiez ou créez le territoire concerné."}};
  }
  return out;
}

Result<json> Territories::observatory(const Principal& who) {
  if (who.role == Role::coordinator || who.role == Role::member) {
    return fail(ErrorCode::forbidden, "L'observatoire est réservé aux rôles de pilotage.");
  }
  auto counts = db_.query(
      "SELECT kind, stage, departement, COUNT(*) FROM structures "
      "GROUP BY kind, stage, departement");
  if (!counts) return tl::unexpected(counts.error());
  auto snap = snapshot();
  if (!snap) return tl::unexpected(snap.error());
  const coverage::Cover& cover = *(*snap)->cover;

  // (area code, kind, stage) -> count, areas being "FR", "r:<code>" and "d:<code>".
  std::map<std::string, std::map<std::string, std::map<std::string, std::int64_t>>> by_area;
  for (const auto& r : counts->rows) {
    const std::string kind = r.text(0), stage = r.text(1), dep = r.text(2);
    const std::int64_t n = r.integer(3);
    by_area["FR"][kind][stage] += n;
    by_area["d:" + dep][kind][stage] += n;
    if (const auto* d = ref_.departement(dep)) by_area["r:" + d->region][kind][stage] += n;
  }
  const std::vector<std::string> kinds{"CPTS", "MSP", "ESP", "CDS"};
  auto row = [&](const std::string& key, const coverage::AreaCoverage& c, const std::string& code,
                 const std::string& name) {
    json stages = json::object();
    json kinds_json = json::object();
    std::int64_t cpts = 0;
    auto it = by_area.find(key);
    for (const auto& k : kinds) {
      std::int64_t total = 0;
      if (it != by_area.end()) {
        if (auto kt = it->second.find(k); kt != it->second.end()) {
          for (const auto& [stage, n] : kt->second) {
            total += n;
            if (k == "CPTS") stages[stage] = n;
          }
        }
      }
      kinds_json[k] = total;
      if (k == "CPTS") cpts = total;
    }
    json shares = json::object();
    for (std::size_t f = 0; f < filters_.size(); ++f) {
      shares[filters_[f].id] = percent(c.by_filter[f].population, c.total.population);
    }
    return json{{"code", code},
                {"nom", name},
                {"population", c.total.population},
                {"communes", c.total.communes},
                {"structures", std::move(kinds_json)},
                {"cpts", cpts},
                {"cpts_par_etape", std::move(stages)},
                {"part_population_couverte", std::move(shares)}};
  };

  auto france = coverage::summarize_all(cover, coverage::AreaKind::france);
  auto regions = coverage::summarize_all(cover, coverage::AreaKind::region);
  auto deps = coverage::summarize_all(cover, coverage::AreaKind::departement);
  json regions_json = json::array();
  for (std::size_t i = 0; i < regions.size() && i < ref_.regions.size(); ++i) {
    regions_json.push_back(
        row("r:" + ref_.regions[i].code, regions[i], ref_.regions[i].code, ref_.regions[i].nom));
  }
  json deps_json = json::array();
  for (std::size_t i = 0; i < deps.size() && i < ref_.departements.size(); ++i) {
    json r = row("d:" + ref_.departements[i].code, deps[i], ref_.departements[i].code,
                 ref_.departements[i].nom);
    r["region"] = ref_.departements[i].region;
    deps_json.push_back(std::move(r));
  }
  json stages = json::array();
  for (const auto& s : cpts_->states) stages.push_back({{"id", s.id}, {"libelle", s.label}});
  json filters = json::array();
  for (const auto& f : filters_) filters.push_back({{"id", f.id}, {"libelle", f.label}});
  return json{{"etapes", std::move(stages)},
              {"filtres", std::move(filters)},
              {"france", france.empty() ? json(nullptr)
                                        : row("FR", france.front(), "FR", "France")},
              {"regions", std::move(regions_json)},
              {"departements", std::move(deps_json)}};
}

}  // namespace maillage::services
