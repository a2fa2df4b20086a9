// The registry's reads: structures (scoped), history, allowed moves, territory communes,
// documents, and the permissions every use case checks. Writes are in registry_writes.cpp, the
// portfolio, alerts and referents in registry_portfolio.cpp; the SQL in registry_repository.cpp.
#include "services/registry.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/base64.hpp"
#include "common/try.hpp"
#include "geo/text.hpp"
#include "services/registry_internal.hpp"
#include "services/registry_repository.hpp"

namespace maillage::services {

using registry::Date;
using registry_detail::lower_kind;

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

Result<Registry> Registry::create(store::Database& db, const geo::Referentiel& ref) {
  auto lcs = MAILLAGE_TRY(registry::builtin_lifecycles());
  return Registry(db, ref, std::move(lcs));
}

Registry::Registry(store::Database& db, const geo::Referentiel& ref, registry::Lifecycles lcs)
    : db_(&db), ref_(&ref), lifecycles_(std::move(lcs)) {}

RegistryRepository Registry::repo() const { return RegistryRepository(*db_); }

const registry::Lifecycle* Registry::lifecycle_of(const std::string& kind) const {
  return lifecycles_.find(lower_kind(kind));
}

Structure Registry::labelled(Structure s) const {
  const registry::Lifecycle* lc = lifecycles_.find(lower_kind(s.kind));
  const registry::State* st = lc ? lc->state(s.stage) : nullptr;
  s.stage_label = st ? st->label : s.stage;
  return s;
}

Result<std::int64_t> Registry::write_stamp() const { return repo().last_audit_id(); }

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
    case Role::admin:
      return true;
    case Role::roc:
    case Role::ars:
      return covers_departement(who, s.departement,
                                [this](std::string_view d) { return region_of(d); });
    default:
      return false;
  }
}

bool Registry::may_record(const Principal& who, const Structure& s,
                          const registry::TransitionRule& rule) const {
  if (!rule.decided_by_role(role_id(who.role))) return false;
  if (who.role == Role::coordinator) {
    return std::find(who.structures.begin(), who.structures.end(), s.id) != who.structures.end();
  }
  return covers_departement(who, s.departement,
                            [this](std::string_view d) { return region_of(d); });
}

bool Registry::may_write(const Principal& who, const Structure& s) const {
  if (who.role == Role::coordinator) {
    return std::find(who.structures.begin(), who.structures.end(), s.id) != who.structures.end();
  }
  return may_decide(who, s);
}

Result<Structure> Registry::load_readable(const Principal& who, std::int64_t id) const {
  auto found = MAILLAGE_TRY(repo().structure(id));
  if (!found) return registry_detail::structure_not_found(id);
  Structure s = labelled(std::move(*found));
  if (!may_read(who, s)) {
    return fail(ErrorCode::forbidden, "Cette structure n'est pas dans votre périmètre.");
  }
  return s;
}

Result<Structure> Registry::load_in_tx(store::Tx& tx, std::int64_t id) const {
  auto found = MAILLAGE_TRY(RegistryRepository::structure(tx, id));
  if (!found) return registry_detail::structure_not_found(id);
  return labelled(std::move(*found));
}

Result<Structure> Registry::get_structure(const Principal& who, std::int64_t id) const {
  return load_readable(who, id);
}

Result<std::vector<Structure>> Registry::list_structures(const Principal& who,
                                                         const StructureFilter& filter) const {
  StructureQuery q;
  auto region_fn = [this](std::string_view d) { return region_of(d); };
  if (filter.departement) {
    if (!covers_departement(who, *filter.departement, region_fn) &&
        scope_kind(who.role) != ScopeKind::structures) {
      return fail(ErrorCode::forbidden, "Ce département n'est pas dans votre périmètre.",
                  "departement");
    }
    q.departement = filter.departement;
  }
  switch (scope_kind(who.role)) {
    case ScopeKind::none:
      break;
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
      q.departements = std::move(deps);
      break;
    }
    case ScopeKind::structures: {
      if (who.structures.empty()) return std::vector<Structure>{};
      q.ids = who.structures;
      break;
    }
  }
  q.kind = filter.kind;
  q.stage = filter.stage;
  q.archived = filter.archived;
  auto out = MAILLAGE_TRY(repo().structures(q));
  for (auto& s : out) s = labelled(std::move(s));
  return out;
}

Result<std::vector<Structure>> Registry::possible_duplicates(const Principal& who,
                                                            const std::string& departement,
                                                            const std::string& name,
                                                            const std::string& siret,
                                                            std::int64_t except) const {
  StructureFilter f;
  f.departement = departement;
  f.archived = ArchiveFilter::all;  // an archived namesake is worth a look before a new record
  auto all = MAILLAGE_TRY(list_structures(who, f));
  const std::string folded = geo::fold_name(name);
  std::string digits;
  for (char c : siret) {
    if (c >= '0' && c <= '9') digits += c;
  }
  std::vector<Structure> out;
  for (auto& s : all) {
    if (s.id == except) continue;
    const bool same_siret = !digits.empty() && s.siret == digits;
    const bool same_name = !folded.empty() && geo::fold_name(s.name) == folded;
    if (same_siret || same_name) out.push_back(std::move(s));
  }
  return out;
}

std::vector<registry::State> Registry::start_stages(const std::string& kind) const {
  std::vector<registry::State> out;
  const registry::Lifecycle* lc = lifecycle_of(kind);
  if (lc == nullptr) return out;
  // A state is a possible start when decisions alone lead to it from the initial state.
  std::vector<std::string> reached{lc->initial().id};
  for (std::size_t i = 0; i < reached.size(); ++i) {
    for (const auto* t : lc->allowed_from(reached[i])) {
      if (t->via != registry::RecordedVia::decision) continue;
      if (lc->state(t->to)->terminal) continue;
      if (std::find(reached.begin(), reached.end(), t->to) == reached.end()) {
        reached.push_back(t->to);
      }
    }
  }
  for (const auto& st : lc->states) {  // in table order
    if (std::find(reached.begin(), reached.end(), st.id) != reached.end()) out.push_back(st);
  }
  return out;
}

Result<std::vector<HistoryEntry>> Registry::history(const Principal& who, std::int64_t id) const {
  auto s = MAILLAGE_TRY(load_readable(who, id));
  const registry::Lifecycle* lc = lifecycle_of(s.kind);
  std::vector<HistoryEntry> out;
  for (auto& row : MAILLAGE_TRY(repo().transitions(id))) {
    HistoryEntry h;
    h.id = row.id;
    h.from = row.step.from;
    h.to = row.step.to;
    h.event = row.step.event;
    h.date = row.step.date;
    h.user = row.step.user;
    h.implicit = row.step.implicit;
    h.comment = row.comment;
    h.recorded_at = row.recorded_at;
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
  if (!may_read(who, s) || is_read_only(who)) return out;
  const registry::Lifecycle* lc = lifecycle_of(s.kind);
  if (lc == nullptr) return out;
  for (const auto* t : lc->allowed_from(s.stage)) {
    const auto* to = lc->state(t->to);
    AllowedTransition a;
    a.event = t->event;
    a.label = t->label;
    a.to = t->to;
    a.to_label = to ? to->label : t->to;
    a.may_record = may_record(who, s, *t);
    a.via_contract = t->via == registry::RecordedVia::aci_contract;
    a.decided_by_label = t->decided_by_label;
    a.terminal = to != nullptr && to->terminal;
    a.institutional = t->via == registry::RecordedVia::decision && !t->decided_by.empty() &&
                      !t->decided_by_role("coordinator");
    out.push_back(std::move(a));
  }
  return out;
}

Result<std::vector<std::string>> Registry::territory_communes(const Principal& who,
                                                              std::int64_t id) const {
  MAILLAGE_CHECK(load_readable(who, id));
  auto t = MAILLAGE_TRY(repo().territories({id}));
  return t[id];
}

Result<std::vector<DocumentInfo>> Registry::documents(const Principal& who, std::int64_t id) const {
  MAILLAGE_CHECK(load_readable(who, id));
  return repo().documents(id);
}

Result<Document> Registry::document(const Principal& who, std::int64_t id,
                                    std::int64_t document_id) const {
  MAILLAGE_CHECK(load_readable(who, id));
  auto found = MAILLAGE_TRY(repo().document(id, document_id));
  if (!found) {
    return fail(ErrorCode::not_found, fmt::format("Le document n° {} n'existe pas.", document_id),
                "document");
  }
  Document d;
  d.info = std::move(found->first);
  auto bytes = base64::decode(found->second);
  if (!bytes) return fail(ErrorCode::internal, "document corrompu (base64)");
  d.bytes = std::move(*bytes);
  return d;
}

}  // namespace maillage::services
