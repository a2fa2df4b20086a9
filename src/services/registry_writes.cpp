// The registry's writes: create, edit (optimistic versions), lifecycle steps, milestones,
// documents, deletion and referents; each validated, authorised and audited here, its SQL in
// registry_repository.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/base64.hpp"
#include "common/dates.hpp"
#include "common/try.hpp"
#include "common/uploads.hpp"
#include "services/registry.hpp"
#include "services/registry_internal.hpp"
#include "services/registry_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using registry::Date;
using namespace registry_detail;
using store::AuditDetail;
using store::Tx;

namespace {

std::string structure_summary(const Structure& s) {
  return AuditDetail{}
      .add("kind", s.kind)
      .add("name", s.name)
      .add("departement", s.departement)
      .add("stage", s.stage)
      .add("legal_form", s.legal_form)
      .add("finess", s.finess)
      .add("rna", s.rna)
      .add("siret", s.siret)
      .add("commune", s.commune)
      .add("address", s.address)
      .add("contact_name", s.contact_name)
      .add("contact_email", s.contact_email)
      .add("contact_phone", s.contact_phone)
      .add("notes_chars", s.notes.size())
      .add("version", s.version)
      .json();
}

// A JSON array of integers, as nlohmann's dump() writes it ("[1,2,3]").
std::string id_array(const std::set<std::int64_t>& ids) {
  return fmt::format("[{}]", fmt::join(ids, ","));
}

tl::unexpected<Error> stale(const Structure& s) {
  return fail(ErrorCode::conflict,
              fmt::format("La structure « {} » a été modifiée entre-temps (version {}) : "
                          "rechargez la page puis recommencez.",
                          s.name, s.version),
              "version");
}

// Every write of the registry on an archived structure is refused: it is out of every list, so a
// change would go unseen (and a lifecycle step would raise alerts nobody follows).
Status refuse_archived(const Structure& s) {
  if (!s.archived()) return {};
  return fail(ErrorCode::conflict,
              fmt::format("La structure « {} » est archivée : sortez-la des archives avant de la "
                          "modifier.",
                          s.name));
}

}  // namespace

namespace {

// The rule of the table behind `event_or_target` from `stage` (an event id or a target state
// id), if the table has one; the engine gives the precise refusal otherwise.
const registry::TransitionRule* rule_for(const registry::Lifecycle& lc, const std::string& stage,
                                         const std::string& event_or_target) {
  for (const auto* t : lc.allowed_from(stage)) {
    if (t->event == event_or_target || t->to == event_or_target) return t;
  }
  return nullptr;
}

// Writes the due timers then `event` at `date` (already checked), with audit rows.
Status write_steps(Tx& tx, const registry::Lifecycle& lc, const Structure& before,
                   const std::string& event, Date date, const std::string& login,
                   const std::string& note, std::string_view audit_action) {
  registry::StructureState state{before.stage, before.stage_since};
  // Timers that fired before this step are part of the history: record them first.
  std::vector<registry::Transition> steps = registry::due_timers(lc, state, date);
  for (const auto& t : steps) state = {t.to, t.date};
  auto step = MAILLAGE_TRY(registry::transition(lc, state, event, date, login));
  steps.push_back(step);
  std::string now = store::timestamp_now();
  for (const auto& t : steps) {
    MAILLAGE_CHECK(
        RegistryRepository::add_transition(tx, before.id, t, t.implicit ? std::string() : note,
                                           now));
    MAILLAGE_CHECK(store::audit(tx, {login, std::string(audit_action), "structure",
                                     std::to_string(before.id),
                                     AuditDetail{}.add("stage", t.from).json(),
                                     AuditDetail{}
                                         .add("from", t.from)
                                         .add("to", t.to)
                                         .add("event", t.event)
                                         .add("date", registry::format_date(t.date))
                                         .add("implicit", t.implicit)
                                         .json()}));
  }
  auto n = MAILLAGE_TRY(
      RegistryRepository::set_stage(tx, before.id, before.version, step.to, step.date, now));
  if (n == 0) return stale(before);
  return {};
}

// The events leading from `from` to `to` by decisions of the table (breadth-first: the
// shortest path; never through a step a contract records). Empty when `to` is not reachable.
std::vector<std::string> decision_path(const registry::Lifecycle& lc, const std::string& from,
                                       const std::string& to) {
  std::map<std::string, std::pair<std::string, std::string>> came;  // state → (previous, event)
  std::vector<std::string> queue{from};
  came[from] = {"", ""};
  for (std::size_t i = 0; i < queue.size(); ++i) {
    for (const auto* t : lc.allowed_from(queue[i])) {
      if (t->via != registry::RecordedVia::decision || came.count(t->to) != 0) continue;
      came[t->to] = {queue[i], t->event};
      queue.push_back(t->to);
    }
  }
  std::vector<std::string> events;
  if (came.count(to) == 0) return events;
  for (std::string at = to; at != from; at = came[at].first) events.push_back(came[at].second);
  std::reverse(events.begin(), events.end());
  return events;
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
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas créer de structure dans ce département.",
                "departement");
  }
  StructureFields f = in.fields;
  f.name = in.name;
  MAILLAGE_CHECK(check_fields(f, in.departement, *ref_));
  const registry::Lifecycle* lc = lifecycle_of(in.kind);
  if (lc == nullptr) return fail(ErrorCode::internal, "cycle de vie introuvable: " + in.kind);
  // The path to a declared starting stage, checked before anything is written.
  std::vector<std::string> path;
  if (!in.start_stage.empty() && in.start_stage != lc->initial().id) {
    auto allowed = start_stages(in.kind);
    if (std::none_of(allowed.begin(), allowed.end(),
                     [&](const registry::State& st) { return st.id == in.start_stage; })) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("Étape de départ impossible pour {} : « {} ». Une structure dont "
                              "l'ACI est signé s'enregistre à l'étape qui précède, puis son "
                              "contrat.",
                              lc->label, in.start_stage),
                  "start_stage");
    }
    if (!in.start_date) {
      return fail(ErrorCode::missing_field, "La date de l'étape de départ est obligatoire.",
                  "start_date");
    }
    if (*in.start_date > today_utc()) {
      return fail(ErrorCode::invalid_input, "La date de l'étape de départ est dans le futur.",
                  "start_date");
    }
    path = decision_path(*lc, lc->initial().id, in.start_stage);
  }
  Structure s;
  s.kind = in.kind;
  s.departement = in.departement;
  s.stage = lc->initial().id;
  apply_fields(s, f);
  const Status written = db_->transact([&](Tx& tx) -> Status {
    s.id = MAILLAGE_TRY(RegistryRepository::insert_structure(tx, s, store::timestamp_now()));
    MAILLAGE_CHECK(store::audit(tx, {who.login, "structure.create", "structure",
                                     std::to_string(s.id), "", structure_summary(s)}));
    for (const auto& event : path) {
      auto before = MAILLAGE_TRY(load_in_tx(tx, s.id));
      MAILLAGE_CHECK(write_steps(tx, *lc, before, event, *in.start_date, who.login,
                                 "Étape de départ déclarée à la création",
                                 "structure.transition.reprise"));
    }
    return {};
  });
  MAILLAGE_CHECK(written);
  return load_readable(who, s.id);
}

Result<Structure> Registry::update_structure(const Principal& who, std::int64_t id,
                                             std::int64_t expected_version,
                                             const StructureFields& changes) {
  auto current = MAILLAGE_TRY(load_readable(who, id));
  if (!may_write(who, current)) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas modifier cette structure.");
  }
  StructureFields f = changes;
  MAILLAGE_CHECK(check_fields(f, current.departement, *ref_));
  const Status written = db_->transact([&](Tx& tx) -> Status {
    auto before = MAILLAGE_TRY(load_in_tx(tx, id));
    if (before.version != expected_version) return stale(before);
    MAILLAGE_CHECK(refuse_archived(before));
    Structure after = before;
    apply_fields(after, f);
    auto n = MAILLAGE_TRY(
        RegistryRepository::update_fields(tx, after, expected_version, store::timestamp_now()));
    if (n == 0) return stale(before);
    after.version = expected_version + 1;
    return store::audit(tx, {who.login, "structure.update", "structure", std::to_string(id),
                             structure_summary(before), structure_summary(after)});
  });
  MAILLAGE_CHECK(written);
  return load_readable(who, id);
}


Result<Structure> Registry::transition(const Principal& who, std::int64_t id,
                                       std::int64_t expected_version,
                                       const std::string& event_or_target, Date date,
                                       const std::string& comment, Date today) {
  auto current = MAILLAGE_TRY(load_readable(who, id));
  const registry::Lifecycle* lc = lifecycle_of(current.kind);
  if (lc == nullptr) return fail(ErrorCode::internal, "cycle de vie introuvable: " + current.kind);
  // Who decides comes first when the move exists: a ROC pressing "Valider le projet de santé"
  // learns that the ARS decides it, whatever the date typed.
  if (const auto* rule = rule_for(*lc, current.stage, event_or_target)) {
    if (rule->via == registry::RecordedVia::aci_contract) {
      return fail(ErrorCode::invalid_transition,
                  fmt::format("L'étape « {} » s'enregistre en créant le contrat ACI de la "
                              "structure (page Contrats ACI), à sa date de signature.",
                              lc->state(rule->to) ? lc->state(rule->to)->label : rule->to),
                  "evenement");
    }
    if (!may_record(who, current, *rule)) {
      return fail(ErrorCode::forbidden,
                  fmt::format("« {} » est une décision qui revient à {} : elle ne peut pas être "
                              "enregistrée par votre compte.",
                              rule->label, rule->decided_by_label),
                  "evenement");
    }
  } else if (!may_decide(who, current) && who.role != Role::coordinator) {
    return fail(ErrorCode::forbidden, "Vous n'enregistrez pas les étapes de cette structure.");
  }
  if (date > today) {
    return fail(ErrorCode::invalid_input,
                fmt::format("La date {} est dans le futur : une étape s'enregistre une fois "
                            "franchie.",
                            registry::format_date_fr(date)),
                "date");
  }
  std::string note = trim(comment);
  MAILLAGE_CHECK(check_text(note, "comment", kMaxComment, true));
  return record_step(who, current, expected_version, event_or_target, date, note, false);
}

Result<Structure> Registry::record_past_step(const Principal& admin, std::int64_t id,
                                             std::int64_t expected_version,
                                             const std::string& event, Date date, Date today) {
  if (admin.role != Role::admin) {
    return fail(ErrorCode::forbidden,
                "Seul un administrateur reprend l'historique d'une structure existante.");
  }
  auto current = MAILLAGE_TRY(load_readable(admin, id));
  if (date > today) {
    return fail(ErrorCode::invalid_input,
                fmt::format("La date {} est dans le futur.", registry::format_date_fr(date)),
                "date");
  }
  return record_step(admin, current, expected_version, event, date, "Reprise de l'historique",
                     true);
}

Result<Structure> Registry::record_step(const Principal& who, const Structure& current,
                                        std::int64_t expected_version, const std::string& event,
                                        Date date, const std::string& note, bool taken_over) {
  const registry::Lifecycle* lc = lifecycle_of(current.kind);
  if (lc == nullptr) return fail(ErrorCode::internal, "cycle de vie introuvable: " + current.kind);
  const Status written = db_->transact([&](Tx& tx) -> Status {
    auto before = MAILLAGE_TRY(load_in_tx(tx, current.id));
    if (before.version != expected_version) return stale(before);
    MAILLAGE_CHECK(refuse_archived(before));
    return write_steps(tx, *lc, before, event, date, who.login, note,
                       taken_over ? "structure.transition.reprise" : "structure.transition");
  });
  MAILLAGE_CHECK(written);
  return load_readable(who, current.id);
}

Status record_contract_signature(Tx& tx, const registry::Lifecycle& lc, std::int64_t structure_id,
                                 Date signature, const std::string& login) {
  auto found = MAILLAGE_TRY(RegistryRepository::structure(tx, structure_id));
  if (!found) return registry_detail::structure_not_found(structure_id);
  MAILLAGE_CHECK(refuse_archived(*found));
  auto step = MAILLAGE_TRY(registry::contract_step(lc, found->stage));
  if (step.record == nullptr) return {};
  return write_steps(tx, lc, *found, step.record->event, signature, login,
                     "Contrat ACI enregistré dans Maillage", "structure.transition");
}

Status Registry::record_milestone(const Principal& who, std::int64_t id,
                                  const std::string& milestone, Date date, Date today) {
  auto current = MAILLAGE_TRY(load_readable(who, id));
  if (!may_write(who, current)) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas modifier cette structure.");
  }
  MAILLAGE_CHECK(refuse_archived(current));
  const registry::Lifecycle* lc = lifecycle_of(current.kind);
  bool known = false;
  if (lc) {
    for (const auto& d : lc->deadlines) known = known || d.milestone == milestone;
  }
  if (!known) {
    return fail(ErrorCode::invalid_input,
                fmt::format("Jalon inconnu pour une structure {} : {}", current.kind, milestone),
                "milestone");
  }
  if (date > today) {
    return fail(ErrorCode::invalid_input, "La date est dans le futur.", "date");
  }
  return db_->transact([&](Tx& tx) -> Status {
    MAILLAGE_CHECK(RegistryRepository::set_milestone(tx, id, milestone, date, who.login,
                                                     store::timestamp_now()));
    return store::audit(tx, {who.login, "structure.milestone", "structure", std::to_string(id), "",
                             AuditDetail{}
                                 .add("milestone", milestone)
                                 .add("date", registry::format_date(date))
                                 .json()});
  });
}

namespace {

// Only the last path component, without control characters or quotes (it goes back in a
// Content-Disposition header).
Result<std::string> safe_filename(const std::string& name) {
  std::string filename = safe_upload_filename(name);
  if (utf8_length(filename) > kMaxName) {
    return fail(ErrorCode::invalid_input, "Nom de fichier trop long.", "nom_fichier");
  }
  return filename;
}

}  // namespace

Result<DocumentInfo> Registry::add_document(const Principal& who, std::int64_t id,
                                            const NewDocument& d, std::size_t max_bytes) {
  auto current = MAILLAGE_TRY(load_readable(who, id));
  if (!may_write(who, current)) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas ajouter de document à cette structure.");
  }
  MAILLAGE_CHECK(refuse_archived(current));
  const auto& types = document_types();
  if (std::none_of(types.begin(), types.end(),
                   [&](const DocumentType& t) { return t.id == d.doc_type; })) {
    return fail(ErrorCode::invalid_input, "Type de document inconnu.", "type");
  }
  std::string title = trim(d.title);
  if (title.empty()) return fail(ErrorCode::invalid_input, "Le titre est obligatoire.", "titre");
  MAILLAGE_CHECK(check_text(title, "titre", kMaxName, false));
  // One list of accepted types for every upload of the site, confirmed by the file's first
  // bytes (common/uploads.hpp).
  if (!is_accepted_upload_type(d.content_type)) {
    return fail(ErrorCode::invalid_input,
                "Type de fichier non accepté (" + accepted_upload_labels() + ").",
                "type_contenu");
  }
  if (d.bytes.empty()) return fail(ErrorCode::invalid_input, "Le fichier est vide.", "contenu");
  if (d.bytes.size() > max_bytes) {
    return fail(ErrorCode::body_too_large,
                fmt::format("Le fichier dépasse la taille maximale ({} octets).", max_bytes),
                "contenu");
  }
  if (auto problem = upload_content_problem(d.content_type, d.bytes)) {
    return fail(ErrorCode::invalid_input, "Fichier refusé : " + *problem + ".", "contenu_base64");
  }
  DocumentInfo info;
  info.structure_id = id;
  info.doc_type = d.doc_type;
  info.title = title;
  info.filename = MAILLAGE_TRY(safe_filename(d.filename));
  info.content_type = d.content_type;
  info.size_bytes = static_cast<std::int64_t>(d.bytes.size());
  info.date = d.date;
  info.uploaded_by = who.login;
  info.uploaded_at = store::timestamp_now();
  const Status written = db_->transact([&](Tx& tx) -> Status {
    info.id = MAILLAGE_TRY(RegistryRepository::insert_document(tx, info, base64::encode(d.bytes)));
    return store::audit(tx,
                        {who.login, "structure.document.add", "structure", std::to_string(id), "",
                         AuditDetail{}
                             .add("document", info.id)
                             .add("type", info.doc_type)
                             .add("filename", info.filename)
                             .add("size", info.size_bytes)
                             .json()});
  });
  MAILLAGE_CHECK(written);
  return info;
}

Status Registry::delete_structure(const Principal& who, std::int64_t id,
                                  std::int64_t expected_version) {
  auto current = MAILLAGE_TRY(load_readable(who, id));
  if (!may_decide(who, current)) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas supprimer cette structure.");
  }
  return db_->transact([&](Tx& tx) -> Status {
    auto before = MAILLAGE_TRY(load_in_tx(tx, id));
    if (before.version != expected_version) return stale(before);
    if (MAILLAGE_TRY(RegistryRepository::delete_structure(tx, id, expected_version)) == 0) {
      return stale(before);
    }
    // The structure is gone: its scope is given, for the ROC's audit log.
    return store::audit(tx, {who.login, "structure.delete", "structure", std::to_string(id),
                             structure_summary(before), "", id, before.departement});
  });
}

Result<Structure> Registry::archive_structure(const Principal& who, std::int64_t id,
                                             std::int64_t expected_version,
                                             const std::string& reason) {
  auto current = MAILLAGE_TRY(load_readable(who, id));
  if (!may_decide(who, current)) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas archiver cette structure.");
  }
  const std::string why = trim(reason);
  if (why.empty()) {
    return fail(ErrorCode::missing_field,
                "Indiquez pourquoi la structure est archivée (projet abandonné, doublon…).",
                "reason");
  }
  MAILLAGE_CHECK(check_text(why, "reason", kMaxComment, true));
  if (current.archived()) {
    return fail(ErrorCode::conflict, fmt::format("La structure « {} » est déjà archivée.",
                                                 current.name));
  }
  // A structure under contract is followed until its end is recorded: archiving it would hide
  // the contract's payments and dialogues de gestion.
  const registry::Lifecycle* lc = lifecycle_of(current.kind);
  const registry::State* stage = lc ? lc->state(current.stage) : nullptr;
  const bool ended = stage != nullptr && stage->terminal;
  if (!ended && MAILLAGE_TRY(repo().contract_count(id)) > 0) {
    return fail(ErrorCode::invalid_transition,
                fmt::format("« {} » a un contrat ACI : enregistrez d'abord la fin de la structure "
                            "(dissolution ou fermeture) dans son cycle de vie, puis archivez-la.",
                            current.name));
  }
  const Status written = db_->transact([&](Tx& tx) -> Status {
    auto before = MAILLAGE_TRY(load_in_tx(tx, id));
    if (before.version != expected_version) return stale(before);
    if (MAILLAGE_TRY(RegistryRepository::set_archived(tx, id, expected_version, true, who.login,
                                                      why, store::timestamp_now())) == 0) {
      return stale(before);
    }
    return store::audit(tx, {who.login, "structure.archive", "structure", std::to_string(id),
                             AuditDetail{}.add("stage", before.stage).json(),
                             AuditDetail{}.add("reason", why).json()});
  });
  MAILLAGE_CHECK(written);
  return load_readable(who, id);
}

Result<Structure> Registry::restore_structure(const Principal& who, std::int64_t id,
                                             std::int64_t expected_version) {
  auto current = MAILLAGE_TRY(load_readable(who, id));
  if (!may_decide(who, current)) {
    return fail(ErrorCode::forbidden, "Vous ne pouvez pas sortir cette structure des archives.");
  }
  if (!current.archived()) {
    return fail(ErrorCode::conflict,
                fmt::format("La structure « {} » n'est pas archivée.", current.name));
  }
  const Status written = db_->transact([&](Tx& tx) -> Status {
    auto before = MAILLAGE_TRY(load_in_tx(tx, id));
    if (before.version != expected_version) return stale(before);
    if (MAILLAGE_TRY(RegistryRepository::set_archived(tx, id, expected_version, false, "", "",
                                                      store::timestamp_now())) == 0) {
      return stale(before);
    }
    return store::audit(tx, {who.login, "structure.restore", "structure", std::to_string(id),
                             AuditDetail{}
                                 .add("archived_at", before.archived_at.value_or(""))
                                 .add("archived_by", before.archived_by)
                                 .add("reason", before.archive_reason)
                                 .json(),
                             ""});
  });
  MAILLAGE_CHECK(written);
  return load_readable(who, id);
}

Status Registry::set_structure_referents(const Principal& who, std::int64_t id,
                                         const std::vector<std::int64_t>& user_ids) {
  auto current = MAILLAGE_TRY(load_readable(who, id));
  if (!may_decide(who, current)) {
    return fail(ErrorCode::forbidden,
                "Vous ne pouvez pas désigner les référents de cette structure.");
  }
  MAILLAGE_CHECK(refuse_archived(current));
  return db_->transact([&](Tx& tx) -> Status {
    MAILLAGE_CHECK(RegistryRepository::clear_structure_referents(tx, id));
    std::set<std::int64_t> unique(user_ids.begin(), user_ids.end());
    for (auto uid : unique) {
      auto n = RegistryRepository::add_structure_referent(tx, id, uid);
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
                             id_array(unique)});
  });
}

namespace {

// The département a referent area belongs to (an EPCI straddling départements: the one of most
// of its communes).
Result<std::string> area_departement(const geo::Referentiel& ref, const std::string& area_kind,
                                     const std::string& code) {
  if (area_kind == "commune") {
    const auto* c = ref.commune(code);
    if (c == nullptr) return fail(ErrorCode::invalid_input, "Commune inconnue : " + code, "code");
    return c->departement;
  }
  if (area_kind == "epci") {
    const auto* e = ref.epci(code);
    if (e == nullptr || e->members.empty()) {
      return fail(ErrorCode::invalid_input, "EPCI inconnu : " + code, "code");
    }
    std::map<std::string, std::int64_t> count;
    for (auto i : e->members) count[ref.communes[i].departement] += 1;
    return std::max_element(count.begin(), count.end(),
                            [](auto& a, auto& b) { return a.second < b.second; })
        ->first;
  }
  if (area_kind == "departement") {
    if (ref.departement(code) == nullptr) {
      return fail(ErrorCode::invalid_input, "Département inconnu : " + code, "code");
    }
    return code;
  }
  return fail(ErrorCode::invalid_input, "Type de secteur attendu : departement, epci ou commune.",
              "area_kind");
}

}  // namespace

Status Registry::add_referent_area(const Principal& who, std::int64_t user_id,
                                   const std::string& area_kind, const std::string& code,
                                   const std::string& label) {
  Structure probe;
  probe.departement = MAILLAGE_TRY(area_departement(*ref_, area_kind, code));
  if (!may_decide(who, probe)) {
    return fail(ErrorCode::forbidden, "Ce département n'est pas dans votre périmètre.");
  }
  MAILLAGE_CHECK(check_text(label, "label", kMaxName, false));
  return db_->transact([&](Tx& tx) -> Status {
    MAILLAGE_CHECK(RegistryRepository::clear_referent_area(tx, user_id, area_kind, code));
    auto n = RegistryRepository::add_referent_area(tx, user_id, probe.departement, area_kind, code,
                                                   label);
    if (!n) {
      Error e = n.error();
      if (e.code == ErrorCode::invalid_input) {
        e.message = fmt::format("Utilisateur inconnu : {}", user_id);
        e.field = "user";
      }
      return tl::unexpected(e);
    }
    return store::audit(
        tx, {who.login, "referent.area", "user", std::to_string(user_id), "",
             AuditDetail{}.add("kind", area_kind).add("code", code).add("label", label).json()});
  });
}

}  // namespace maillage::services
