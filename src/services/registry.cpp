#include "services/registry.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>

#include "registry/alerts.hpp"
#include "store/database.hpp"
#include "common/base64.hpp"

namespace maillage::services {

namespace {

using nlohmann::json;
using registry::Date;
using store::Params;
using store::placeholders;
using store::Row;
using store::Tx;

constexpr std::size_t kMaxName = 200;
constexpr std::size_t kMaxShort = 500;
constexpr std::size_t kMaxNotes = 20000;
constexpr std::size_t kMaxComment = 2000;

constexpr const char* kStructureColumns =
    "id, kind, name, departement, stage, stage_since, legal_form, finess, rna, siret, commune, "
    "address, contact_name, contact_email, contact_phone, notes, version, created_at, updated_at";

Structure structure_from_row(const Row& r, const registry::Lifecycles& lcs) {
  Structure s;
  s.id = r.integer(0);
  s.kind = r.text(1);
  s.name = r.text(2);
  s.departement = r.text(3);
  s.stage = r.text(4);
  if (!r.is_null(5)) s.stage_since = registry::parse_date(r.text(5));
  s.legal_form = r.text(6);
  s.finess = r.text(7);
  s.rna = r.text(8);
  s.siret = r.text(9);
  s.commune = r.text(10);
  s.address = r.text(11);
  s.contact_name = r.text(12);
  s.contact_email = r.text(13);
  s.contact_phone = r.text(14);
  s.notes = r.text(15);
  s.version = r.integer(16);
  s.created_at = r.text(17);
  s.updated_at = r.text(18);
  std::string lower = s.kind;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const registry::Lifecycle* lc = lcs.find(lower);
  const registry::State* st = lc ? lc->state(s.stage) : nullptr;
  s.stage_label = st ? st->label : s.stage;
  return s;
}

json structure_summary(const Structure& s) {
  return json{{"kind", s.kind},
              {"name", s.name},
              {"departement", s.departement},
              {"stage", s.stage},
              {"legal_form", s.legal_form},
              {"finess", s.finess},
              {"rna", s.rna},
              {"siret", s.siret},
              {"commune", s.commune},
              {"address", s.address},
              {"contact_name", s.contact_name},
              {"contact_email", s.contact_email},
              {"contact_phone", s.contact_phone},
              {"notes_chars", s.notes.size()},
              {"version", s.version}};
}

Status as_status(const Result<std::int64_t>& r) {
  if (!r) return tl::unexpected(r.error());
  return {};
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return c >= '0' && c <= '9'; });
}

// SIRET and SIREN carry a Luhn check digit (La Poste's establishments excepted, see below).
bool luhn_ok(std::string_view digits) {
  int sum = 0;
  bool twice = false;
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

std::size_t utf8_length(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

bool has_control(std::string_view s, bool allow_newlines) {
  for (unsigned char c : s) {
    if (c == 0x7f) return true;
    if (c < 0x20 && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t'))) return true;
  }
  return false;
}

std::string trim(std::string s) {
  auto not_space = [](unsigned char c) { return !std::isspace(c); };
  s.erase(s.begin(), std::find_if(s.begin(), s.end(), not_space));
  s.erase(std::find_if(s.rbegin(), s.rend(), not_space).base(), s.end());
  return s;
}

Status check_text(const std::string& value, const char* field, std::size_t max, bool multiline) {
  if (utf8_length(value) > max) {
    return fail(ErrorCode::invalid_input, fmt::format("{} caractères au plus.", max), field);
  }
  if (has_control(value, multiline)) {
    return fail(ErrorCode::invalid_input, "Caractères de contrôle refusés.", field);
  }
  return {};
}

std::string lower_kind(const std::string& kind) {
  std::string out = kind;
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// The alerts providers of other areas, process-wide.
struct AlertSources {
  std::mutex mutex;
  std::map<std::string, AlertSource> sources;
};
AlertSources& alert_sources() {
  static AlertSources s;
  return s;
}

std::string severity_of(const registry::Alert& a) {
  if (a.status == registry::AlertStatus::overdue) return "critical";
  if (a.days_left <= 14) return "warning";
  return "info";
}

// Communes of a structure's territory, if the territories migration (0003) has created the
// table. Before it exists a territory is simply empty rather than an error, so that the registry
// works on a database migrated only up to 0002.
Result<std::map<std::int64_t, std::vector<std::string>>> territories_of(
    store::Database& db, const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, std::vector<std::string>> out;
  if (ids.empty()) return out;
  Params params(ids.begin(), ids.end());
  auto rows = db.query("SELECT structure_id, commune FROM structure_communes WHERE structure_id IN (" +
                           placeholders(1, ids.size()) + ") ORDER BY structure_id, commune",
                       params);
  if (!rows) {
    auto probe = db.query(db.backend() == store::Backend::sqlite
                              ? "SELECT count(*) FROM sqlite_master WHERE name = 'structure_communes'"
                              : "SELECT count(*) FROM information_schema.tables WHERE table_name = "
                                "'structure_communes'");
    if (probe && !probe->rows.empty() && probe->rows[0].integer(0) == 0) return out;
    return tl::unexpected(rows.error());
  }
  for (const auto& r : rows->rows) out[r.integer(0)].push_back(r.text(1));
  return out;
}

// The referents of one département, loaded once and resolved in memory for many communes.
struct ReferentIndex {
  struct Area {
    std::int64_t user_id;
    std::string kind;
    std::string code;
    std::string label;
  };
  std::map<std::int64_t, Referent> users;  // active users having an area or a département scope
  std::vector<Area> areas;
  std::vector<std::int64_t> departement_rocs;  // ROC accounts of the département
};

Result<ReferentIndex> load_referent_index(store::Database& db, const std::string& departement) {
  ReferentIndex idx;
  auto areas = db.query(
      "SELECT a.user_id, a.area_kind, a.code, a.label, u.login, u.display_name, u.role "
      "FROM referent_areas a JOIN users u ON u.id = a.user_id "
      "WHERE a.departement = $1 AND u.active = 1 ORDER BY u.login, a.area_kind, a.code",
      {departement});
  if (!areas) return tl::unexpected(areas.error());
  for (const auto& r : areas->rows) {
    idx.areas.push_back({r.integer(0), r.text(1), r.text(2), r.text(3)});
    idx.users[r.integer(0)] = Referent{r.integer(0), r.text(4), r.text(5), r.text(6), ""};
  }
  auto rocs = db.query(
      "SELECT u.id, u.login, u.display_name, u.role FROM users u "
      "JOIN user_departements d ON d.user_id = u.id "
      "WHERE d.departement = $1 AND u.role = 'roc' AND u.active = 1 ORDER BY u.login",
      {departement});
  if (!rocs) return tl::unexpected(rocs.error());
  for (const auto& r : rocs->rows) {
    idx.departement_rocs.push_back(r.integer(0));
    idx.users[r.integer(0)] = Referent{r.integer(0), r.text(1), r.text(2), r.text(3), ""};
  }
  return idx;
}

// Most specific level first: an area naming the commune, then its EPCI, then the département.
std::vector<Referent> resolve_commune(const ReferentIndex& idx, const geo::Referentiel& ref,
                                      const geo::Commune& c) {
  std::vector<Referent> out;
  for (const char* level : {"commune", "epci", "departement"}) {
    std::string_view code = std::string_view(level) == "commune" ? c.code
                            : std::string_view(level) == "epci"  ? c.epci
                                                                 : c.departement;
    if (code.empty()) continue;
    for (const auto& a : idx.areas) {
      if (a.kind != level || a.code != code) continue;
      Referent r = idx.users.at(a.user_id);
      if (std::string_view(level) == "commune") {
        r.basis = "secteur « " + (a.label.empty() ? c.nom : a.label) + " » (commune " + c.nom + ")";
      } else if (std::string_view(level) == "epci") {
        const auto* e = ref.epci(c.epci);
        r.basis = "secteur « " + (a.label.empty() ? std::string("EPCI") : a.label) + " » (" +
                  (e ? e->nom : c.epci) + ")";
      } else {
        r.basis = "département " + c.departement;
      }
      out.push_back(std::move(r));
    }
    if (!out.empty()) return out;
  }
  for (auto id : idx.departement_rocs) {
    Referent r = idx.users.at(id);
    r.basis = "ROC du département " + c.departement + " (pas de secteur défini)";
    out.push_back(std::move(r));
  }
  return out;
}

void add_unique(std::vector<Referent>& out, const Referent& r) {
  for (auto& o : out) {
    if (o.user_id == r.user_id) return;
  }
  out.push_back(r);
}

}  // namespace

bool valid_structure_kind(const std::string& kind) {
  return kind == "CPTS" || kind == "MSP" || kind == "ESP" || kind == "CDS";
}

const std::vector<DocumentType>& document_types() {
  static const std::vector<DocumentType> types{
      {"lettre_intention", "Lettre d'intention"},
      {"projet_sante", "Projet de santé"},
      {"statuts", "Statuts de l'association"},
      {"contrat_aci", "Contrat ACI"},
      {"avenant", "Avenant"},
      {"compte_rendu", "Compte rendu"},
      {"decision_ars", "Décision de l'ARS"},
      {"autre", "Autre document"},
  };
  return types;
}

void add_alert_source(const std::string& name, AlertSource source) {
  auto& s = alert_sources();
  std::lock_guard lock(s.mutex);
  s.sources[name] = std::move(source);
}

void remove_alert_source(const std::string& name) {
  auto& s = alert_sources();
  std::lock_guard lock(s.mutex);
  s.sources.erase(name);
}

Result<Registry> Registry::create(store::Database& db, const geo::Referentiel& ref) {
  auto lcs = registry::builtin_lifecycles();
  if (!lcs) return tl::unexpected(lcs.error());
  return Registry(db, ref, std::move(*lcs));
}

Registry::Registry(store::Database& db, const geo::Referentiel& ref, registry::Lifecycles lcs)
    : db_(&db), ref_(&ref), lifecycles_(std::move(lcs)) {}

const registry::Lifecycle* Registry::lifecycle_of(const std::string& kind) const {
  return lifecycles_.find(lower_kind(kind));
}

Result<std::int64_t> Registry::write_stamp() const {
  auto r = db_->query("SELECT max(id) FROM audit_log");
  if (!r) return tl::unexpected(r.error());
  return r->rows.empty() ? 0 : r->rows[0].integer(0);
}

std::string Registry::region_of(std::string_view departement) const {
  const auto* d = ref_->departement(departement);
  return d ? d->region : std::string();
}

bool Registry::may_read(const Principal& who, const Structure& s) const {
  return covers_structure(who, s.id, s.departement,
                          [this](std::string_view d) { return region_of(d); });
}

bool Registry::may_decide(const Principal& who, const Structure& s) const {
  switch (who.role) {
    case Role::admin: return true;
    case Role::roc:
    case Role::ars:
      return covers_departement(who, s.departement,
                                [this](std::string_view d) { return region_of(d); });
    default: return false;
  }
}

bool Registry::may_write(const Principal& who, const Structure& s) const {
  if (who.role == Role::coordinator) {
    return std::find(who.structures.begin(), who.structures.end(), s.id) != who.structures.end();
  }
  return may_decide(who, s);
}

Result<Structure> Registry::load_readable(const Principal& who, std::int64_t id) const {
  auto rows = db_->query(fmt::format("SELECT {} FROM structures WHERE id = $1", kStructureColumns),
                         {id});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) {
    return fail(ErrorCode::not_found, fmt::format("La structure n° {} n'existe pas.", id), "id");
  }
  Structure s = structure_from_row(rows->rows[0], lifecycles_);
  if (!may_read(who, s)) {
    return fail(ErrorCode::forbidden, "Cette structure n'est pas dans votre périmètre.");
  }
  return s;
}

Result<Structure> Registry::get_structure(const Principal& who, std::int64_t id) const {
  return load_readable(who, id);
}

Result<std::vector<Structure>> Registry::list_structures(const Principal& who,
                                                         const StructureFilter& filter) const {
  std::string where = " WHERE 1 = 1";
  Params params;
  auto region_fn = [this](std::string_view d) { return region_of(d); };
  if (filter.departement) {
    if (!covers_departement(who, *filter.departement, region_fn) &&
        scope_kind(who.role) != ScopeKind::structures) {
      return fail(ErrorCode::forbidden, "Ce département n'est pas dans votre périmètre.",
                  "departement");
    }
    params.emplace_back(*filter.departement);
    where += " AND departement = $" + std::to_string(params.size());
  }
  switch (scope_kind(who.role)) {
    case ScopeKind::none: break;
    case ScopeKind::departements:
    case ScopeKind::regions: {
      std::vector<std::string> deps;
      if (who.role == Role::roc) {
        deps = who.departements;
      } else {
        for (const auto& r : who.regions) {
          if (const auto* reg = ref_->region(r)) {
            deps.insert(deps.end(), reg->departements.begin(), reg->departements.end());
          }
        }
      }
      if (deps.empty()) return std::vector<Structure>{};
      where += " AND departement IN (" + placeholders(params.size() + 1, deps.size()) + ")";
      params.insert(params.end(), deps.begin(), deps.end());
      break;
    }
    case ScopeKind::structures: {
      if (who.structures.empty()) return std::vector<Structure>{};
      where += " AND id IN (" + placeholders(params.size() + 1, who.structures.size()) + ")";
      params.insert(params.end(), who.structures.begin(), who.structures.end());
      break;
    }
  }
  if (filter.kind) {
    params.emplace_back(*filter.kind);
    where += " AND kind = $" + std::to_string(params.size());
  }
  if (filter.stage) {
    params.emplace_back(*filter.stage);
    where += " AND stage = $" + std::to_string(params.size());
  }
  auto rows = db_->query(
      fmt::format("SELECT {} FROM structures{} ORDER BY kind, name, id", kStructureColumns, where),
      params);
  if (!rows) return tl::unexpected(rows.error());
  std::vector<Structure> out;
  out.reserve(rows->rows.size());
  for (const auto& r : rows->rows) out.push_back(structure_from_row(r, lifecycles_));
  return out;
}

Result<std::vector<HistoryEntry>> Registry::history(const Principal& who, std::int64_t id) const {
  auto s = load_readable(who, id);
  if (!s) return tl::unexpected(s.error());
  const registry::Lifecycle* lc = lifecycle_of(s->kind);
  auto rows = db_->query(
      "SELECT id, from_state, to_state, event, date, user_login, implicit, comment, recorded_at "
      "FROM structure_transitions WHERE structure_id = $1 ORDER BY id",
      {id});
  if (!rows) return tl::unexpected(rows.error());
  std::vector<HistoryEntry> out;
  for (const auto& r : rows->rows) {
    HistoryEntry h;
    h.id = r.integer(0);
    h.from = r.text(1);
    h.to = r.text(2);
    h.event = r.text(3);
    h.date = registry::parse_date(r.text(4)).value_or(Date{});
    h.user = r.text(5);
    h.implicit = r.integer(6) != 0;
    h.comment = r.text(7);
    h.recorded_at = r.text(8);
    if (lc) {
      if (const auto* st = lc->state(h.from)) h.from_label = st->label;
      if (const auto* st = lc->state(h.to)) h.to_label = st->label;
      for (const auto& t : lc->transitions) {
        if (t.event == h.event) h.event_label = t.label;
      }
      for (const auto& t : lc->timers) {
        if (t.event == h.event) h.event_label = t.label;
      }
    }
    if (h.event_label.empty()) h.event_label = h.event;
    out.push_back(std::move(h));
  }
  return out;
}

Result<std::vector<AllowedTransition>> Registry::allowed_transitions(const Principal& who,
                                                                     const Structure& s) const {
  std::vector<AllowedTransition> out;
  if (!may_decide(who, s)) return out;
  const registry::Lifecycle* lc = lifecycle_of(s.kind);
  if (lc == nullptr) return out;
  for (const auto* t : lc->allowed_from(s.stage)) {
    const auto* to = lc->state(t->to);
    out.push_back({t->event, t->label, t->to, to ? to->label : t->to});
  }
  return out;
}

Result<std::vector<std::string>> Registry::territory_communes(const Principal& who,
                                                              std::int64_t id) const {
  auto s = load_readable(who, id);
  if (!s) return tl::unexpected(s.error());
  auto t = territories_of(*db_, {id});
  if (!t) return tl::unexpected(t.error());
  return (*t)[id];
}

Result<std::vector<DocumentInfo>> Registry::documents(const Principal& who, std::int64_t id) const {
  auto s = load_readable(who, id);
  if (!s) return tl::unexpected(s.error());
  auto rows = db_->query(
      "SELECT id, structure_id, doc_type, title, filename, content_type, size_bytes, doc_date, "
      "uploaded_by, uploaded_at FROM structure_documents WHERE structure_id = $1 "
      "ORDER BY doc_date DESC, id DESC",
      {id});
  if (!rows) return tl::unexpected(rows.error());
  std::vector<DocumentInfo> out;
  for (const auto& r : rows->rows) {
    DocumentInfo d;
    d.id = r.integer(0);
    d.structure_id = r.integer(1);
    d.doc_type = r.text(2);
    d.title = r.text(3);
    d.filename = r.text(4);
    d.content_type = r.text(5);
    d.size_bytes = r.integer(6);
    d.date = registry::parse_date(r.text(7)).value_or(Date{});
    d.uploaded_by = r.text(8);
    d.uploaded_at = r.text(9);
    out.push_back(std::move(d));
  }
  return out;
}

Result<Document> Registry::document(const Principal& who, std::int64_t id,
                                    std::int64_t document_id) const {
  auto s = load_readable(who, id);
  if (!s) return tl::unexpected(s.error());
  auto rows = db_->query(
      "SELECT id, structure_id, doc_type, title, filename, content_type, size_bytes, doc_date, "
      "uploaded_by, uploaded_at, content_base64 FROM structure_documents "
      "WHERE structure_id = $1 AND id = $2",
      {id, document_id});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) {
    return fail(ErrorCode::not_found, fmt::format("Le document n° {} n'existe pas.", document_id),
                "document");
  }
  const Row& r = rows->rows[0];
  Document d;
  d.info.id = r.integer(0);
  d.info.structure_id = r.integer(1);
  d.info.doc_type = r.text(2);
  d.info.title = r.text(3);
  d.info.filename = r.text(4);
  d.info.content_type = r.text(5);
  d.info.size_bytes = r.integer(6);
  d.info.date = registry::parse_date(r.text(7)).value_or(Date{});
  d.info.uploaded_by = r.text(8);
  d.info.uploaded_at = r.text(9);
  auto bytes = base64::decode(r.text(10));
  if (!bytes) return fail(ErrorCode::internal, "document corrompu (base64)");
  d.bytes = std::move(*bytes);
  return d;
}

Result<std::vector<PortfolioAlert>> Registry::alerts_of(const std::vector<Structure>& structures,
                                                        Date today) const {
  std::vector<PortfolioAlert> out;
  if (structures.empty()) return out;
  std::vector<std::int64_t> ids;
  std::map<std::int64_t, std::size_t> index;
  std::vector<registry::StructureRecord> records;
  for (const auto& s : structures) {
    index[s.id] = records.size();
    ids.push_back(s.id);
    registry::StructureRecord rec;
    rec.id = std::to_string(s.id);
    rec.name = s.name;
    rec.kind = lower_kind(s.kind);
    records.push_back(std::move(rec));
  }
  Params params(ids.begin(), ids.end());
  const std::string in = "(" + placeholders(1, ids.size()) + ")";
  auto hist = db_->query(
      "SELECT structure_id, from_state, to_state, event, date, user_login, implicit, timer "
      "FROM structure_transitions WHERE structure_id IN " + in + " ORDER BY structure_id, id",
      params);
  if (!hist) return tl::unexpected(hist.error());
  for (const auto& r : hist->rows) {
    registry::Transition t;
    t.from = r.text(1);
    t.to = r.text(2);
    t.event = r.text(3);
    t.date = registry::parse_date(r.text(4)).value_or(Date{});
    t.user = r.text(5);
    t.implicit = r.integer(6) != 0;
    t.timer = r.text(7);
    records[index[r.integer(0)]].history.push_back(std::move(t));
  }
  auto ms = db_->query(
      "SELECT structure_id, milestone, date FROM structure_milestones WHERE structure_id IN " + in,
      params);
  if (!ms) return tl::unexpected(ms.error());
  for (const auto& r : ms->rows) {
    if (auto d = registry::parse_date(r.text(2))) {
      records[index[r.integer(0)]].milestones[r.text(1)] = *d;
    }
  }
  registry::AlertSettings settings;
  settings.as_of = today;
  auto computed = registry::compute_alerts(lifecycles_, records, settings);
  if (!computed) return tl::unexpected(computed.error());
  for (const auto& a : *computed) {
    PortfolioAlert p;
    p.structure_id = std::stoll(a.structure_id);
    p.date = a.due;
    p.kind = std::string(registry::to_string(a.type));
    p.label = a.message.empty() ? a.label : a.message;
    p.severity = severity_of(a);
    out.push_back(std::move(p));
  }
  // Providers of the other areas.
  std::vector<std::pair<std::string, AlertSource>> sources;
  {
    auto& s = alert_sources();
    std::lock_guard lock(s.mutex);
    for (const auto& [name, fn] : s.sources) sources.emplace_back(name, fn);
  }
  std::set<std::int64_t> wanted(ids.begin(), ids.end());
  for (const auto& [name, fn] : sources) {
    auto extra = fn(*db_, ids, today);
    if (!extra) return tl::unexpected(extra.error());
    for (auto& a : *extra) {
      if (!wanted.count(a.structure_id)) continue;  // a provider never widens the scope
      if (a.source.empty() || a.source == "registry") a.source = name;
      out.push_back(std::move(a));
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const PortfolioAlert& a, const PortfolioAlert& b) {
    if (a.date != b.date) return a.date < b.date;
    return a.structure_id < b.structure_id;
  });
  return out;
}

Result<std::vector<PortfolioAlert>> Registry::alerts(const Principal& who,
                                                     const std::vector<std::int64_t>& ids,
                                                     Date today) const {
  std::vector<Structure> seen;
  for (auto id : ids) {
    auto s = load_readable(who, id);
    if (!s) {
      if (s.error().code == ErrorCode::forbidden) continue;
      return tl::unexpected(s.error());
    }
    seen.push_back(std::move(*s));
  }
  return alerts_of(seen, today);
}

Result<Portfolio> Registry::portfolio(const Principal& who, const std::string& departement,
                                      const PortfolioFilter& filter, Date today) const {
  const geo::Departement* dep = ref_->departement(departement);
  if (dep == nullptr) {
    return fail(ErrorCode::not_found, fmt::format("Le département {} n'existe pas.", departement),
                "departement");
  }
  if (filter.kind && !valid_structure_kind(*filter.kind)) {
    return fail(ErrorCode::invalid_input, "Type attendu : CPTS, MSP, ESP ou CDS.", "type");
  }
  StructureFilter sf;
  sf.departement = departement;
  auto all = list_structures(who, sf);
  if (!all) return tl::unexpected(all.error());

  Portfolio p;
  p.departement = dep->code;
  p.departement_name = dep->nom;
  p.as_of = today;
  p.total = static_cast<std::int64_t>(all->size());

  // Pipeline over every structure of the département (filters do not change the counts).
  std::set<std::string> kinds{"CPTS"};
  for (const auto& s : *all) kinds.insert(s.kind);
  for (const char* k : {"CPTS", "MSP", "ESP", "CDS"}) {
    if (!kinds.count(k)) continue;
    const registry::Lifecycle* lc = lifecycle_of(k);
    if (lc == nullptr) continue;
    for (const auto& st : lc->states) {
      PipelineStage ps{k, st.id, st.label, st.terminal, 0};
      for (const auto& s : *all) ps.count += (s.kind == k && s.stage == st.id);
      p.pipeline.push_back(std::move(ps));
    }
  }

  std::vector<Structure> selected;
  for (auto& s : *all) {
    if (filter.kind && s.kind != *filter.kind) continue;
    if (filter.stage && s.stage != *filter.stage) continue;
    selected.push_back(s);
  }
  auto alerts = alerts_of(selected, today);
  if (!alerts) return tl::unexpected(alerts.error());
  std::vector<std::int64_t> ids;
  for (const auto& s : selected) ids.push_back(s.id);
  auto territories = territories_of(*db_, ids);
  if (!territories) return tl::unexpected(territories.error());
  auto refs = load_referent_index(*db_, departement);
  if (!refs) return tl::unexpected(refs.error());
  std::map<std::int64_t, std::vector<std::string>> explicit_refs;
  if (!ids.empty()) {
    Params params(ids.begin(), ids.end());
    auto rows = db_->query(
        "SELECT r.structure_id, u.display_name FROM structure_referents r "
        "JOIN users u ON u.id = r.user_id WHERE r.structure_id IN (" +
            placeholders(1, ids.size()) + ") ORDER BY u.display_name",
        params);
    if (!rows) return tl::unexpected(rows.error());
    for (const auto& r : rows->rows) explicit_refs[r.integer(0)].push_back(r.text(1));
  }

  for (auto& s : selected) {
    PortfolioEntry e;
    for (const auto& a : *alerts) {
      if (a.structure_id == s.id) e.alerts.push_back(a);
    }
    if (filter.alert) {
      bool keep = *filter.alert == "any"
                      ? !e.alerts.empty()
                      : std::any_of(e.alerts.begin(), e.alerts.end(),
                                    [&](const PortfolioAlert& a) { return a.kind == *filter.alert; });
      if (!keep) continue;
    }
    for (const auto& a : e.alerts) {
      if (a.date >= today) {
        e.next_deadline = a;
        break;
      }
    }
    if (!e.next_deadline && !e.alerts.empty()) e.next_deadline = e.alerts.front();
    const auto& communes = (*territories)[s.id];
    e.territory_communes = static_cast<std::int64_t>(communes.size());
    for (const auto& code : communes) {
      if (const auto* c = ref_->commune(code)) e.territory_population += c->population;
    }
    // Referents: named ones, else the sector of the head office or of the territory.
    if (auto it = explicit_refs.find(s.id); it != explicit_refs.end()) {
      e.referents = it->second;
    } else {
      std::vector<Referent> found;
      std::vector<std::string> codes;
      if (!s.commune.empty()) codes.push_back(s.commune);
      else codes = communes;
      for (const auto& code : codes) {
        if (const auto* c = ref_->commune(code)) {
          for (const auto& r : resolve_commune(*refs, *ref_, *c)) add_unique(found, r);
        }
      }
      for (const auto& r : found) e.referents.push_back(r.display_name);
    }
    e.structure = std::move(s);
    p.entries.push_back(std::move(e));
  }
  return p;
}

Result<std::vector<Referent>> Registry::referents_of_area(const std::string& commune) const {
  const geo::Commune* c = ref_->commune(commune);
  if (c == nullptr) {
    return fail(ErrorCode::not_found, fmt::format("La commune {} n'existe pas.", commune),
                "commune");
  }
  auto idx = load_referent_index(*db_, c->departement);
  if (!idx) return tl::unexpected(idx.error());
  return resolve_commune(*idx, *ref_, *c);
}

Result<std::vector<Referent>> Registry::referents_of_commune(const std::string& commune) const {
  return referents_of_area(commune);
}

Result<std::vector<Referent>> Registry::referents_of_structure(const Principal& who,
                                                               std::int64_t id) const {
  auto s = load_readable(who, id);
  if (!s) return tl::unexpected(s.error());
  auto rows = db_->query(
      "SELECT u.id, u.login, u.display_name, u.role FROM structure_referents r "
      "JOIN users u ON u.id = r.user_id WHERE r.structure_id = $1 AND u.active = 1 "
      "ORDER BY u.login",
      {id});
  if (!rows) return tl::unexpected(rows.error());
  std::vector<Referent> out;
  for (const auto& r : rows->rows) {
    out.push_back({r.integer(0), r.text(1), r.text(2), r.text(3), "référent de la structure"});
  }
  if (!out.empty()) return out;
  auto idx = load_referent_index(*db_, s->departement);
  if (!idx) return tl::unexpected(idx.error());
  if (const auto* c = s->commune.empty() ? nullptr : ref_->commune(s->commune)) {
    return resolve_commune(*idx, *ref_, *c);
  }
  auto t = territories_of(*db_, {id});
  if (!t) return tl::unexpected(t.error());
  for (const auto& code : (*t)[id]) {
    if (const auto* c = ref_->commune(code)) {
      for (const auto& r : resolve_commune(*idx, *ref_, *c)) add_unique(out, r);
    }
  }
  if (!out.empty()) return out;
  for (auto uid : idx->departement_rocs) {
    Referent r = idx->users.at(uid);
    r.basis = "ROC du département " + s->departement;
    out.push_back(std::move(r));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Writes

namespace {

// Validates and normalises the set fields in place; `departement` is the structure's.
Status check_fields(StructureFields& f, const std::string& departement,
                    const geo::Referentiel& ref) {
  auto norm = [](std::optional<std::string>& v) {
    if (v) *v = trim(*v);
  };
  norm(f.name);
  norm(f.legal_form);
  norm(f.finess);
  norm(f.rna);
  norm(f.siret);
  norm(f.commune);
  norm(f.address);
  norm(f.contact_name);
  norm(f.contact_email);
  norm(f.contact_phone);
  if (f.name) {
    if (f.name->empty()) return fail(ErrorCode::invalid_input, "Le nom est obligatoire.", "name");
    if (auto s = check_text(*f.name, "name", kMaxName, false); !s) return s;
  }
  if (f.finess && !f.finess->empty()) {
    std::string v;
    for (char c : *f.finess) {
      if (c != ' ') v += c;
    }
    bool ok = v.size() == 9 && (all_digits(v) || ((v.rfind("2A", 0) == 0 || v.rfind("2B", 0) == 0) &&
                                                  all_digits(std::string_view(v).substr(2))));
    if (!ok) {
      return fail(ErrorCode::invalid_input,
                  "Numéro FINESS attendu : 9 caractères (chiffres, ou 2A/2B puis 7 chiffres).",
                  "finess");
    }
    *f.finess = v;
  }
  if (f.rna && !f.rna->empty()) {
    const std::string& v = *f.rna;
    if (v.size() != 10 || v[0] != 'W' ||
        !std::all_of(v.begin() + 1, v.end(), [](unsigned char c) { return std::isalnum(c); })) {
      return fail(ErrorCode::invalid_input,
                  "Numéro RNA attendu : la lettre W suivie de 9 caractères (ex. W572001234).",
                  "rna");
    }
  }
  if (f.siret && !f.siret->empty()) {
    std::string v;
    for (char c : *f.siret) {
      if (c != ' ') v += c;
    }
    // La Poste's establishments (SIREN 356000000) do not follow the Luhn key.
    if (v.size() != 14 || !all_digits(v) || (!luhn_ok(v) && v.rfind("356000000", 0) != 0)) {
      return fail(ErrorCode::invalid_input,
                  "Numéro SIRET invalide : 14 chiffres dont une clé de contrôle (Luhn).", "siret");
    }
    *f.siret = v;
  }
  if (f.commune && !f.commune->empty()) {
    const geo::Commune* c = ref.commune(*f.commune);
    if (c == nullptr) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("La commune {} n'existe pas dans le référentiel.", *f.commune),
                  "commune");
    }
    if (c->departement != departement) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("La commune {} ({}) n'est pas dans le département {}.", c->nom,
                              c->code, departement),
                  "commune");
    }
  }
  if (f.contact_email && !f.contact_email->empty()) {
    const std::string& v = *f.contact_email;
    auto at = v.find('@');
    if (at == std::string::npos || at == 0 || at + 1 >= v.size() ||
        v.find(' ') != std::string::npos) {
      return fail(ErrorCode::invalid_input, "Adresse électronique invalide.", "contact_email");
    }
  }
  for (auto [value, field] :
       {std::pair{&f.legal_form, "legal_form"}, std::pair{&f.address, "address"},
        std::pair{&f.contact_name, "contact_name"}, std::pair{&f.contact_email, "contact_email"},
        std::pair{&f.contact_phone, "contact_phone"}}) {
    if (*value) {
      if (auto s = check_text(**value, field, kMaxShort, false); !s) return s;
    }
  }
  if (f.notes) {
    if (auto s = check_text(*f.notes, "notes", kMaxNotes, true); !s) return s;
  }
  return {};
}

void apply_fields(Structure& s, const StructureFields& f) {
  if (f.name) s.name = *f.name;
  if (f.legal_form) s.legal_form = *f.legal_form;
  if (f.finess) s.finess = *f.finess;
  if (f.rna) s.rna = *f.rna;
  if (f.siret) s.siret = *f.siret;
  if (f.commune) s.commune = *f.commune;
  if (f.address) s.address = *f.address;
  if (f.contact_name) s.contact_name = *f.contact_name;
  if (f.contact_email) s.contact_email = *f.contact_email;
  if (f.contact_phone) s.contact_phone = *f.contact_phone;
  if (f.notes) s.notes = *f.notes;
}

Result<Structure> load_in_tx(Tx& tx, std::int64_t id, const registry::Lifecycles& lcs) {
  auto rows = tx.query(fmt::format("SELECT {} FROM structures WHERE id = $1", kStructureColumns),
                       {id});
  if (!rows) return tl::unexpected(rows.error());
  if (rows->empty()) {
    return fail(ErrorCode::not_found, fmt::format("La structure n° {} n'existe pas.", id), "id");
  }
  return structure_from_row(rows->rows[0], lcs);
}

tl::unexpected<Error> stale(const Structure& s) {
  return fail(ErrorCode::conflict,
              fmt::format("La structure « {} » a été modifiée entre-temps (version {}) : "
                          "rechargez la page puis recommencez.",
                          s.name, s.version),
              "version");
}

}  // namespace

Result<Structure> Registry::create_structure(const Principal& who, const NewStructure& in) {
  if (!valid_structure_kind(in.kind)) {
    return fail(ErrorCode::invalid_input, "Type attendu : CPTS, MSP, ESP ou CDS.", "kind");
  }
  if (ref_->departement(in.departement) == nullptr) {
    return fail(ErrorCode::invalid_input,
                fmt::format("Le département {} n'existe pas.", in.departement), "departement");
  }
  Structure probe;
  probe.departement = in.departement;
  if (!may_decide(who, probe)) {
    return fail(ErrorCode::forbidden,
                "Vous ne pouvez pas créer de structure dans ce département.", "departement");
  }
  StructureFields f = in.fields;
  f.name = in.name;
  if (auto s = check_fields(f, in.departement, *ref_); !s) return tl::unexpected(s.error());
  const registry::Lifecycle* lc = lifecycle_of(in.kind);
  if (lc == nullptr) return fail(ErrorCode::internal, "cycle de vie introuvable: " + in.kind);
  Structure s;
  s.kind = in.kind;
  s.departement = in.departement;
  s.stage = lc->initial().id;
  apply_fields(s, f);
  auto st = db_->transact([&](Tx& tx) -> Status {
    std::string now = store::timestamp_now();
    auto rows = tx.query(
        "INSERT INTO structures (kind, name, departement, stage, legal_form, finess, rna, siret, "
        "commune, address, contact_name, contact_email, contact_phone, notes, created_at, "
        "updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, "
        "$15) RETURNING id",
        {s.kind, s.name, s.departement, s.stage, s.legal_form, s.finess, s.rna, s.siret, s.commune,
         s.address, s.contact_name, s.contact_email, s.contact_phone, s.notes, now});
    if (!rows) return tl::unexpected(rows.error());
    s.id = rows->rows.at(0).integer(0);
    return store::audit(tx, {who.login, "structure.create", "structure", std::to_string(s.id), "",
                             structure_summary(s).dump()});
  });
  if (!st) return tl::unexpected(st.error());
  return load_readable(who, s.id);
}

Result<Structure> Registry::update_structure(const Principal& who, std::int64_t id,
                                             std::int64_t expected_version,
                                             const StructureFields& changes) {
  auto current = load_readable(who, id);
  if (!current) return tl::unexpected(current.error());
  if (!may_write(who, *current)) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas modifier cette structure.");
  }
  StructureFields f = changes;
  if (auto s = check_fields(f, current->departement, *ref_); !s) return tl::unexpected(s.error());
  auto st = db_->transact([&](Tx& tx) -> Status {
    auto before = load_in_tx(tx, id, lifecycles_);
    if (!before) return tl::unexpected(before.error());
    if (before->version != expected_version) return stale(*before);
    Structure after = *before;
    apply_fields(after, f);
    auto n = tx.exec(
        "UPDATE structures SET name = $3, legal_form = $4, finess = $5, rna = $6, siret = $7, "
        "commune = $8, address = $9, contact_name = $10, contact_email = $11, "
        "contact_phone = $12, notes = $13, updated_at = $14, version = version + 1 "
        "WHERE id = $1 AND version = $2",
        {id, expected_version, after.name, after.legal_form, after.finess, after.rna, after.siret,
         after.commune, after.address, after.contact_name, after.contact_email,
         after.contact_phone, after.notes, store::timestamp_now()});
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) return stale(*before);
    after.version = expected_version + 1;
    return store::audit(tx, {who.login, "structure.update", "structure", std::to_string(id),
                             structure_summary(*before).dump(), structure_summary(after).dump()});
  });
  if (!st) return tl::unexpected(st.error());
  return load_readable(who, id);
}

Result<Structure> Registry::transition(const Principal& who, std::int64_t id,
                                       std::int64_t expected_version,
                                       const std::string& event_or_target, Date date,
                                       const std::string& comment, Date today) {
  auto current = load_readable(who, id);
  if (!current) return tl::unexpected(current.error());
  if (!may_decide(who, *current)) {
    return fail(ErrorCode::forbidden,
                "Seuls le ROC, l'ARS ou un administrateur enregistrent les étapes du cycle de vie.");
  }
  if (date > today) {
    return fail(ErrorCode::invalid_input,
                fmt::format("La date {} est dans le futur : une étape s'enregistre une fois "
                            "franchie.",
                            registry::format_date_fr(date)),
                "date");
  }
  std::string note = trim(comment);
  if (auto s = check_text(note, "comment", kMaxComment, true); !s) return tl::unexpected(s.error());
  const registry::Lifecycle* lc = lifecycle_of(current->kind);
  if (lc == nullptr) return fail(ErrorCode::internal, "cycle de vie introuvable: " + current->kind);
  auto st = db_->transact([&](Tx& tx) -> Status {
    auto before = load_in_tx(tx, id, lifecycles_);
    if (!before) return tl::unexpected(before.error());
    if (before->version != expected_version) return stale(*before);
    registry::StructureState state{before->stage, before->stage_since};
    // Timers that fired before this step are part of the history: record them first.
    std::vector<registry::Transition> steps = registry::due_timers(*lc, state, date);
    for (const auto& t : steps) state = {t.to, t.date};
    auto step = registry::transition(*lc, state, event_or_target, date, who.login);
    if (!step) return tl::unexpected(step.error());
    steps.push_back(*step);
    std::string now = store::timestamp_now();
    for (const auto& t : steps) {
      auto n = tx.exec(
          "INSERT INTO structure_transitions (structure_id, from_state, to_state, event, date, "
          "user_login, implicit, timer, comment, recorded_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
          {id, t.from, t.to, t.event, registry::format_date(t.date), t.user,
           std::int64_t{t.implicit ? 1 : 0}, t.timer, t.implicit ? std::string() : note, now});
      if (!n) return tl::unexpected(n.error());
      json after{{"from", t.from}, {"to", t.to}, {"event", t.event},
                 {"date", registry::format_date(t.date)}, {"implicit", t.implicit}};
      if (auto a = store::audit(tx, {who.login, "structure.transition", "structure",
                                     std::to_string(id), json{{"stage", t.from}}.dump(),
                                     after.dump()});
          !a) {
        return a;
      }
    }
    auto n = tx.exec(
        "UPDATE structures SET stage = $3, stage_since = $4, updated_at = $5, "
        "version = version + 1 WHERE id = $1 AND version = $2",
        {id, expected_version, step->to, registry::format_date(step->date), now});
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) return stale(*before);
    return {};
  });
  if (!st) return tl::unexpected(st.error());
  return load_readable(who, id);
}

Status Registry::record_milestone(const Principal& who, std::int64_t id,
                                  const std::string& milestone, Date date, Date today) {
  auto current = load_readable(who, id);
  if (!current) return tl::unexpected(current.error());
  if (!may_write(who, *current)) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas modifier cette structure.");
  }
  const registry::Lifecycle* lc = lifecycle_of(current->kind);
  bool known = false;
  if (lc) {
    for (const auto& d : lc->deadlines) known = known || d.milestone == milestone;
  }
  if (!known) {
    return fail(ErrorCode::invalid_input,
                fmt::format("Jalon inconnu pour une structure {} : {}", current->kind, milestone),
                "milestone");
  }
  if (date > today) {
    return fail(ErrorCode::invalid_input, "La date est dans le futur.", "date");
  }
  return db_->transact([&](Tx& tx) -> Status {
    std::string now = store::timestamp_now();
    if (auto s = as_status(tx.exec(
            "DELETE FROM structure_milestones WHERE structure_id = $1 AND milestone = $2",
            {id, milestone}));
        !s) {
      return s;
    }
    if (auto s = as_status(tx.exec(
            "INSERT INTO structure_milestones (structure_id, milestone, date, recorded_by, "
            "recorded_at) VALUES ($1, $2, $3, $4, $5)",
            {id, milestone, registry::format_date(date), who.login, now}));
        !s) {
      return s;
    }
    return store::audit(tx, {who.login, "structure.milestone", "structure", std::to_string(id), "",
                             json{{"milestone", milestone}, {"date", registry::format_date(date)}}
                                 .dump()});
  });
}

Result<DocumentInfo> Registry::add_document(const Principal& who, std::int64_t id,
                                            const NewDocument& d, std::size_t max_bytes) {
  auto current = load_readable(who, id);
  if (!current) return tl::unexpected(current.error());
  if (!may_write(who, *current)) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas ajouter de document à cette structure.");
  }
  const auto& types = document_types();
  if (std::none_of(types.begin(), types.end(),
                   [&](const DocumentType& t) { return t.id == d.doc_type; })) {
    return fail(ErrorCode::invalid_input, "Type de document inconnu.", "type");
  }
  std::string title = trim(d.title);
  if (title.empty()) return fail(ErrorCode::invalid_input, "Le titre est obligatoire.", "titre");
  if (auto s = check_text(title, "titre", kMaxName, false); !s) return tl::unexpected(s.error());
  if (d.bytes.empty()) return fail(ErrorCode::invalid_input, "Le fichier est vide.", "contenu");
  if (d.bytes.size() > max_bytes) {
    return fail(ErrorCode::body_too_large,
                fmt::format("Le fichier dépasse la taille maximale ({} octets).", max_bytes),
                "contenu");
  }
  // Only the last path component, without control characters or quotes (it goes back in a
  // Content-Disposition header).
  std::string filename = d.filename;
  if (auto slash = filename.find_last_of("/\\"); slash != std::string::npos) {
    filename = filename.substr(slash + 1);
  }
  std::erase_if(filename, [](unsigned char c) { return c < 0x20 || c == 0x7f || c == '"'; });
  if (filename.empty()) filename = "document";
  if (utf8_length(filename) > kMaxName) {
    return fail(ErrorCode::invalid_input, "Nom de fichier trop long.", "nom_fichier");
  }
  DocumentInfo info;
  info.structure_id = id;
  info.doc_type = d.doc_type;
  info.title = title;
  info.filename = filename;
  info.content_type = d.content_type.empty() ? "application/octet-stream" : d.content_type;
  info.size_bytes = static_cast<std::int64_t>(d.bytes.size());
  info.date = d.date;
  info.uploaded_by = who.login;
  info.uploaded_at = store::timestamp_now();
  auto st = db_->transact([&](Tx& tx) -> Status {
    auto rows = tx.query(
        "INSERT INTO structure_documents (structure_id, doc_type, title, filename, content_type, "
        "size_bytes, doc_date, content_base64, uploaded_by, uploaded_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        {id, info.doc_type, info.title, info.filename, info.content_type, info.size_bytes,
         registry::format_date(info.date), base64::encode(d.bytes), info.uploaded_by,
         info.uploaded_at});
    if (!rows) return tl::unexpected(rows.error());
    info.id = rows->rows.at(0).integer(0);
    return store::audit(tx, {who.login, "structure.document.add", "structure", std::to_string(id),
                             "",
                             json{{"document", info.id}, {"type", info.doc_type},
                                  {"filename", info.filename}, {"size", info.size_bytes}}
                                 .dump()});
  });
  if (!st) return tl::unexpected(st.error());
  return info;
}

Status Registry::delete_structure(const Principal& who, std::int64_t id,
                                  std::int64_t expected_version) {
  auto current = load_readable(who, id);
  if (!current) return tl::unexpected(current.error());
  if (!may_decide(who, *current)) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas supprimer cette structure.");
  }
  return db_->transact([&](Tx& tx) -> Status {
    auto before = load_in_tx(tx, id, lifecycles_);
    if (!before) return tl::unexpected(before.error());
    if (before->version != expected_version) return stale(*before);
    auto n = tx.exec("DELETE FROM structures WHERE id = $1 AND version = $2", {id, expected_version});
    if (!n) return tl::unexpected(n.error());
    if (*n == 0) return stale(*before);
    return store::audit(tx, {who.login, "structure.delete", "structure", std::to_string(id),
                             structure_summary(*before).dump(), ""});
  });
}

Status Registry::set_structure_referents(const Principal& who, std::int64_t id,
                                         const std::vector<std::int64_t>& user_ids) {
  auto current = load_readable(who, id);
  if (!current) return tl::unexpected(current.error());
  if (!may_decide(who, *current)) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas désigner les référents de cette structure.");
  }
  return db_->transact([&](Tx& tx) -> Status {
    if (auto s = as_status(tx.exec("DELETE FROM structure_referents WHERE structure_id = $1", {id}));
        !s) {
      return s;
    }
    std::set<std::int64_t> unique(user_ids.begin(), user_ids.end());
    for (auto uid : unique) {
      auto n = tx.exec("INSERT INTO structure_referents (structure_id, user_id) VALUES ($1, $2)",
                       {id, uid});
      if (!n) {
        Error e = n.error();
        if (e.code == ErrorCode::invalid_input) {
          e.message = fmt::format("Utilisateur inconnu : {}", uid);
          e.field = "referents";
        }
        return tl::unexpected(e);
      }
    }
    return store::audit(tx, {who.login, "structure.referents", "structure", std::to_string(id), "",
                             json(std::vector<std::int64_t>(unique.begin(), unique.end())).dump()});
  });
}

Status Registry::add_referent_area(const Principal& who, std::int64_t user_id,
                                   const std::string& area_kind, const std::string& code,
                                   const std::string& label) {
  std::string departement;
  if (area_kind == "commune") {
    const auto* c = ref_->commune(code);
    if (c == nullptr) return fail(ErrorCode::invalid_input, "Commune inconnue : " + code, "code");
    departement = c->departement;
  } else if (area_kind == "epci") {
    const auto* e = ref_->epci(code);
    if (e == nullptr || e->members.empty()) {
      return fail(ErrorCode::invalid_input, "EPCI inconnu : " + code, "code");
    }
    // An EPCI may straddle départements: it belongs to the one of most of its communes.
    std::map<std::string, std::int64_t> count;
    for (auto i : e->members) count[ref_->communes[i].departement] += 1;
    departement = std::max_element(count.begin(), count.end(), [](auto& a, auto& b) {
                    return a.second < b.second;
                  })->first;
  } else if (area_kind == "departement") {
    if (ref_->departement(code) == nullptr) {
      return fail(ErrorCode::invalid_input, "Département inconnu : " + code, "code");
    }
    departement = code;
  } else {
    return fail(ErrorCode::invalid_input, "Type de secteur attendu : departement, epci ou commune.",
                "area_kind");
  }
  Structure probe;
  probe.departement = departement;
  if (!may_decide(who, probe)) {
    return fail(ErrorCode::forbidden, "Ce département n'est pas dans votre périmètre.");
  }
  if (auto s = check_text(label, "label", kMaxName, false); !s) return s;
  return db_->transact([&](Tx& tx) -> Status {
    if (auto s = as_status(tx.exec(
            "DELETE FROM referent_areas WHERE user_id = $1 AND area_kind = $2 AND code = $3",
            {user_id, area_kind, code}));
        !s) {
      return s;
    }
    auto n = tx.exec(
        "INSERT INTO referent_areas (user_id, departement, area_kind, code, label) "
        "VALUES ($1, $2, $3, $4, $5)",
        {user_id, departement, area_kind, code, label});
    if (!n) {
      Error e = n.error();
      if (e.code == ErrorCode::invalid_input) {
        e.message = fmt::format("Utilisateur inconnu : {}", user_id);
        e.field = "user";
      }
      return tl::unexpected(e);
    }
    return store::audit(tx, {who.login, "referent.area", "user", std::to_string(user_id), "",
                             json{{"kind", area_kind}, {"code", code}, {"label", label}}.dump()});
  });
}

}  // namespace maillage::services
