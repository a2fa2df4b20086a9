// The dialogue de gestion of one contract year (see aci.hpp): the workspace view and its writes
// (date and minutes, comments, attachments, budget, fiches action, adjustment proposals). The SQL
// is in aci_repository.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "aci/workspace.hpp"
#include "common/base64.hpp"
#include "common/dates.hpp"
#include "common/try.hpp"
#include "common/uploads.hpp"
#include "geo/referentiel.hpp"
#include "services/aci_internal.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using namespace aci_detail;

namespace {

AciComment comment_view(const AciCommentRecord& r) {
  bool structure = r.author_role == "coordinator" || r.author_role == "member";
  return {r.id,
          r.item,
          r.author_name,
          r.author_login,
          role_text(r.author_role),
          structure ? "structure" : "financeur",
          r.body,
          r.created_at};
}

AciAttachmentInfo attachment_view(const AciAttachmentRecord& r, std::int64_t contract_id,
                                  int year) {
  return {r.id,
          r.item,
          r.filename,
          r.content_type,
          r.size_bytes,
          fmt::format("{} Kio", (r.size_bytes + 1023) / 1024),
          r.uploaded_by,
          r.created_at,
          fmt::format("/api/v1/aci/contracts/{}/dialogues/{}/pieces/{}", contract_id, year, r.id)};
}

// Budget: expected from the schedule for this contract year, received and spent entered.
AciBudget budget_view(const aci::CptsContract& c, const aci::Schedule& s, int year,
                      const std::vector<AciBudgetRecord>& entered) {
  std::map<std::string, AciBudgetLine> lines;
  std::vector<std::string> order;
  auto line = [&](const std::string& env) -> AciBudgetLine& {
    if (!lines.count(env)) {
      order.push_back(env);
      lines[env].envelope = env;
      lines[env].label = envelope_label(c, env);
    }
    return lines[env];
  };
  for (const auto& p : s.payments) {
    if (p.contract_year != year) continue;
    AciBudgetLine& b = line(p.envelope);
    b.expected_cents += p.amount;
    b.due.push_back(
        {aci::format_date(p.date), std::string(aci::to_string(p.kind)), euros(p.amount)});
  }
  for (const auto& r : entered) {
    AciBudgetLine& b = line(r.envelope);
    b.received_cents = r.received_cents;
    b.spent_cents = r.spent_cents;
    b.version = r.version;
  }
  AciBudget out;
  std::int64_t te = 0, tr = 0, ts = 0;
  for (const auto& env : order) {
    AciBudgetLine b = lines[env];
    te += b.expected_cents;
    tr += b.received_cents;
    ts += b.spent_cents;
    b.expected = euros(b.expected_cents);
    b.received = euros(b.received_cents);
    b.spent = euros(b.spent_cents);
    b.received_input = aci::format_cents(b.received_cents);
    b.spent_input = aci::format_cents(b.spent_cents);
    b.remaining = euros(b.received_cents - b.spent_cents);
    b.item = "budget:" + env;
    out.lines.push_back(std::move(b));
  }
  out.expected = euros(te);
  out.received = euros(tr);
  out.spent = euros(ts);
  out.remaining = euros(tr - ts);
  return out;
}

AciFiche fiche_view(const aci::CptsContract& c, const AciFicheRecord& r) {
  static const std::map<std::string, std::string> labels{{"a_lancer", "À lancer"},
                                                         {"en_cours", "En cours"},
                                                         {"realisee", "Réalisée"},
                                                         {"abandonnee", "Abandonnée"}};
  AciFiche f;
  f.id = r.id;
  f.mission = r.mission;
  f.mission_label = mission_label(c, r.mission);
  f.title = r.title;
  f.description = r.description;
  f.status = r.status;
  f.status_label = labels.at(r.status);
  for (const auto& [sid, lab] : labels) f.statuses.push_back({sid, lab, sid == r.status});
  f.version = r.version;
  f.updated_at = r.updated_at;
  f.updated_by = r.updated_by;
  f.item = fmt::format("fiche:{}", r.id);
  return f;
}

// Indicator versions, newest first, each with what changed from the previous one.
std::vector<AciVersionView> version_views(const Loaded& l) {
  std::vector<AciVersionView> out;
  std::optional<aci::CptsContract> previous;
  for (const auto& v : l.versions) {
    auto vc = parse_cpts(aci::merge_document(l.row.document.text, v.indicators, {}), "$");
    AciVersionView view{
        {v.number, v.reason, v.year, v.agreed_by, role_text(v.agreed_role), v.created_at},
        &v == &l.versions.back(),
        {}};
    if (vc && previous) {
      for (const auto& d : aci::diff_indicators(*previous, *vc)) {
        view.changes.push_back({d.mission, mission_label(l.contract, d.mission), d.indicator,
                                d.year != 0 ? std::optional<int>(d.year) : std::nullopt, d.what,
                                d.before, d.after});
      }
    }
    if (vc) previous = std::move(*vc);
    out.push_back(std::move(view));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace

Result<AciWorkspace> AciService::workspace(const Principal& who, std::int64_t id, int year) {
  {
    auto row = MAILLAGE_TRY(impl_->access(who, id));
    if (row.record.kind == "msp") return impl_->msp_workspace(who, row, year);
  }
  auto l = MAILLAGE_TRY(impl_->loaded(who, id));
  MAILLAGE_CHECK(impl_->check_year(l.contract, year));
  const aci::CptsContract& c = l.contract;
  AciRepository repo(impl_->db);
  AciWorkspace out;
  out.contract = impl_->summary(l.row);
  out.permissions = impl_->permissions(who, l.row);
  out.year = year;
  out.period = {year, aci::format_date(aci::anniversary(c, year - 1)),
                aci::format_date(aci::anniversary(c, year)), fmt::format("Année {}", year)};
  out.duration_years = impl_->duration(c);
  for (int y = 1; y <= out.duration_years; ++y) {
    out.periods.push_back({y, aci::format_date(aci::anniversary(c, y - 1)),
                           aci::format_date(aci::anniversary(c, y)), fmt::format("Année {}", y)});
  }
  auto ws = MAILLAGE_TRY(repo.workspace(id, year));
  std::int64_t wid = ws ? ws->id : 0;
  if (ws)
    out.workspace = {ws->version, ws->dialogue_date, ws->minutes, ws->updated_at, ws->updated_by};
  std::vector<AciBudgetRecord> entered;
  if (wid != 0) {
    for (const auto& r : MAILLAGE_TRY(repo.comments(wid))) out.comments.push_back(comment_view(r));
    for (const auto& r : MAILLAGE_TRY(repo.attachments(wid)))
      out.attachments.push_back(attachment_view(r, id, year));
    entered = MAILLAGE_TRY(repo.budget(wid));
  }
  out.sheet = impl_->sheet(c, l.schedule, l.measures, year);
  out.budget = budget_view(c, l.schedule, year, entered);
  if (wid != 0) {
    for (const auto& r : MAILLAGE_TRY(repo.fiches(wid))) out.fiches.push_back(fiche_view(c, r));
    // Adjustment proposals, compared on the current targets.
    for (const auto& r : MAILLAGE_TRY(repo.adjustments(wid))) {
      AciAdjustment a;
      a.id = r.id;
      a.mission = r.mission;
      a.indicator = r.indicator;
      a.year = year;
      a.fact = r.fact;
      a.fact_label = r.fact_label;
      a.fact_before = r.fact_before;
      a.fact_after = r.fact_after;
      a.rationale = r.rationale;
      a.proposed_by = r.proposed_by;
      a.proposed_role = role_text(r.proposed_role);
      a.created_at = r.created_at;
      out.adjustments.push_back(impl_->adjustment(c, std::move(a)));
    }
  }
  out.indicator_versions = version_views(l);
  out.indicator_version = l.latest_number();
  out.notes = l.schedule.notes;
  out.schedule = impl_->schedule_view(c, l.schedule);
  // The territory's population now, for the adjustment form (population fact).
  out.territory.population_signature = c.population.value_or(0);
  for (const auto& code : l.row.communes) {
    if (const auto* cm = impl_->ref.commune(code)) out.territory.population_now += cm->population;
  }
  out.territory.communes = static_cast<std::int64_t>(l.row.communes.size());
  return out;
}

Result<AciWorkspace> AciService::Impl::msp_workspace(const Principal& who, const ContractRow& row,
                                                     int year) {
  MAILLAGE_CHECK(check_contract_year(row, year));
  auto l = MAILLAGE_TRY(msp_loaded(row));
  const std::int64_t id = row.record.id;
  const int calendar_year = l.first_year + year - 1;
  AciWorkspace out;
  out.msp = true;
  out.contract = summary(row);
  out.permissions = permissions(who, row);
  out.year = year;
  out.periods = msp_periods(l);
  out.period = out.periods.at(static_cast<std::size_t>(year - 1));
  out.duration_years = static_cast<int>(out.periods.size());
  AciRepository repo(db);
  auto ws = MAILLAGE_TRY(repo.workspace(id, year));
  std::vector<AciBudgetRecord> entered;
  if (ws) {
    out.workspace = {ws->version, ws->dialogue_date, ws->minutes, ws->updated_at, ws->updated_by};
    for (const auto& r : MAILLAGE_TRY(repo.comments(ws->id))) out.comments.push_back(comment_view(r));
    for (const auto& r : MAILLAGE_TRY(repo.attachments(ws->id)))
      out.attachments.push_back(attachment_view(r, id, year));
    entered = MAILLAGE_TRY(repo.budget(ws->id));
  }
  out.msp_sheet = msp_sheet(l, calendar_year);
  auto s = MAILLAGE_TRY(aci::compute_schedule(l.contract, rulebook()));
  // The budget of the year: the MSP schedule's payments for that calendar year.
  aci::Schedule year_schedule = s;
  for (auto& p : year_schedule.payments) {
    if (p.contract_year == calendar_year) p.contract_year = year;
    else p.contract_year = 0;
  }
  out.budget = budget_view(aci::CptsContract{}, year_schedule, year, entered);
  out.notes = s.notes;
  out.schedule = schedule_view(aci::CptsContract{}, s);
  return out;
}

Result<std::int64_t> AciService::update_workspace(const Principal& who, std::int64_t id, int year,
                                                  const WorkspaceUpdate& in) {
  auto row = MAILLAGE_TRY(impl_->access(who, id));
  MAILLAGE_CHECK(impl_->check_contract_year(row, year));
  MAILLAGE_CHECK(may(who, Act::minutes));
  if (in.dialogue_date && !in.dialogue_date->empty() && !aci::parse_date(*in.dialogue_date)) {
    return invalid("$.dialogue_date", "date invalide (format AAAA-MM-JJ)");
  }
  if (in.minutes && in.minutes->size() > impl_->limits.max_minutes_chars) {
    return invalid("$.minutes", fmt::format("compte rendu limité à {} caractères",
                                            impl_->limits.max_minutes_chars));
  }
  std::int64_t new_version = 0;
  Status done = impl_->db.transact([&](store::Tx& tx) -> Status {
    auto wid = MAILLAGE_TRY(impl_->workspace_id(tx, id, year, who.login, in.version == 0));
    if (wid == 0) return conflict("ce dialogue n'existe plus : rechargez");
    AciRepository repo(tx);
    auto cur = MAILLAGE_TRY(repo.workspace_by_id(wid));
    if (!cur) return fail(ErrorCode::internal, "dialogue introuvable");
    // A workspace created just now by this call is at version 1 and was read as 0.
    std::int64_t expected = in.version == 0 ? 1 : in.version;
    if (cur->version != expected) {
      return conflict(fmt::format(
          "le dialogue a été modifié par quelqu'un d'autre (version {} au lieu de {}) : rechargez",
          cur->version, in.version));
    }
    std::string date = in.dialogue_date.value_or(cur->dialogue_date);
    std::string minutes = in.minutes.value_or(cur->minutes);
    auto n = MAILLAGE_TRY(
        repo.update_workspace(wid, cur->version, date, minutes, store::timestamp_now(), who.login));
    if (n == 0) return conflict("le dialogue a été modifié entre-temps : rechargez");
    new_version = cur->version + 1;
    return store::audit(tx,
                        {who.login, "dialogue.update", "dialogue_workspace", std::to_string(wid),
                         store::AuditDetail{}
                             .add("dialogue_date", cur->dialogue_date)
                             .add("minutes_chars", cur->minutes.size())
                             .json(),
                         store::AuditDetail{}
                             .add("dialogue_date", date)
                             .add("minutes_chars", minutes.size())
                             .json()});
  });
  MAILLAGE_CHECK(done);
  return new_version;
}

Result<std::int64_t> AciService::add_comment(const Principal& who, std::int64_t id, int year,
                                             const std::string& item, const std::string& body) {
  MAILLAGE_CHECK(impl_->access(who, id, Act::comment));
  if (!valid_item(item) || item.size() > 200) {
    return invalid("$.item",
                   "élément inconnu (general, indicateur:…, budget:…, fiche:…, ajustement:…)");
  }
  if (body.empty()) return fail(ErrorCode::missing_field, "commentaire vide", "$.body");
  if (body.size() > impl_->limits.max_comment_chars) {
    return invalid("$.body", fmt::format("commentaire limité à {} caractères",
                                         impl_->limits.max_comment_chars));
  }
  auto row = MAILLAGE_TRY(impl_->access(who, id));
  MAILLAGE_CHECK(impl_->check_contract_year(row, year));
  std::int64_t cid = 0;
  Status done = impl_->db.transact([&](store::Tx& tx) -> Status {
    auto wid = MAILLAGE_TRY(impl_->workspace_id(tx, id, year, who.login, true));
    AciCommentRecord c{0,
                       item,
                       who.login,
                       who.display_name,
                       std::string(role_id(who.role)),
                       body,
                       store::timestamp_now()};
    cid = MAILLAGE_TRY(AciRepository(tx).insert_comment(wid, c));
    return store::audit(
        tx, {who.login, "dialogue.comment", "dialogue_workspace", std::to_string(wid), "",
             store::AuditDetail{}.add("comment", cid).add("item", item).json()});
  });
  MAILLAGE_CHECK(done);
  return cid;
}

namespace {

Status check_attachment(const AttachmentInput& in) {
  if (!valid_item(in.item)) return invalid("$.item", "élément inconnu");
  // One list of accepted types for every upload of the site (common/uploads.hpp).
  if (!is_accepted_upload_type(in.content_type)) {
    return invalid("$.content_type",
                   "type de fichier non accepté (" + accepted_upload_labels() + ")");
  }
  if (in.filename.empty() || in.filename.size() > 200 ||
      in.filename.find_first_of("/\\\r\n\"") != std::string::npos) {
    return invalid("$.filename", "nom de fichier invalide");
  }
  return {};
}

}  // namespace

Result<std::int64_t> AciService::add_attachment(const Principal& who, std::int64_t id, int year,
                                                const AttachmentInput& in) {
  MAILLAGE_CHECK(impl_->access(who, id, Act::attach));
  MAILLAGE_CHECK(check_attachment(in));
  auto bytes = base64::decode(in.content_base64);
  if (!bytes) return invalid("$.content_base64", "contenu base64 invalide");
  if (bytes->size() > impl_->limits.max_attachment_bytes) {
    return invalid("$.content_base64", fmt::format("fichier trop volumineux ({} Kio au plus)",
                                                   impl_->limits.max_attachment_bytes / 1024));
  }
  if (bytes->empty()) return invalid("$.content_base64", "fichier vide");
  if (auto problem = upload_content_problem(in.content_type, *bytes)) {
    return invalid("$.content_base64", *problem);
  }
  auto row = MAILLAGE_TRY(impl_->access(who, id));
  MAILLAGE_CHECK(impl_->check_contract_year(row, year));
  std::int64_t aid = 0;
  Status done = impl_->db.transact([&](store::Tx& tx) -> Status {
    auto wid = MAILLAGE_TRY(impl_->workspace_id(tx, id, year, who.login, true));
    AciAttachmentRecord a{0,
                          in.item,
                          in.filename,
                          in.content_type,
                          static_cast<std::int64_t>(bytes->size()),
                          who.login,
                          store::timestamp_now()};
    aid = MAILLAGE_TRY(AciRepository(tx).insert_attachment(wid, a, base64::encode(*bytes)));
    return store::audit(
        tx, {who.login, "dialogue.attach", "dialogue_workspace", std::to_string(wid), "",
             store::AuditDetail{}
                 .add("attachment", aid)
                 .add("item", in.item)
                 .add("filename", in.filename)
                 .add("size", bytes->size())
                 .json()});
  });
  MAILLAGE_CHECK(done);
  return aid;
}

Result<AttachmentFile> AciService::attachment(const Principal& who, std::int64_t id, int year,
                                              std::int64_t attachment_id) {
  MAILLAGE_CHECK(impl_->access(who, id));
  auto f = MAILLAGE_TRY(AciRepository(impl_->db).attachment_file(attachment_id, id, year));
  if (!f) return fail(ErrorCode::not_found, "pièce introuvable");
  auto bytes = base64::decode(f->content_base64);
  if (!bytes) return fail(ErrorCode::internal, "pièce illisible");
  return AttachmentFile{f->filename, f->content_type, std::move(*bytes)};
}

namespace {

Status check_budget(const Loaded& l, const BudgetInput& in) {
  if (in.received_cents < 0) return invalid("$.received", "montant négatif");
  if (in.spent_cents < 0) return invalid("$.spent", "montant négatif");
  if (in.received_cents > aci::kMaxCents) return invalid("$.received", "montant trop grand");
  if (in.spent_cents > aci::kMaxCents) return invalid("$.spent", "montant trop grand");
  // Envelopes are those of the schedule ("fonctionnement", "parcours.fixe", ...).
  bool known = false;
  for (const auto& p : l.schedule.payments) known = known || p.envelope == in.envelope;
  if (!known)
    return invalid("$.envelope",
                   fmt::format("enveloppe « {} » absente de l'échéancier", in.envelope));
  return {};
}

}  // namespace

Result<std::int64_t> AciService::set_budget(const Principal& who, std::int64_t id, int year,
                                            const BudgetInput& in) {
  auto row = MAILLAGE_TRY(impl_->access(who, id));
  if (row.record.kind == "msp") {
    MAILLAGE_CHECK(may(who, Act::budget));
    MAILLAGE_CHECK(impl_->check_contract_year(row, year));
    Loaded none;
    none.schedule.payments.push_back({});
    none.schedule.payments.back().envelope = "remuneration";  // the one MSP envelope
    MAILLAGE_CHECK(check_budget(none, in));
  } else {
    auto l = MAILLAGE_TRY(impl_->loaded(who, id));
    MAILLAGE_CHECK(may(who, Act::budget));
    MAILLAGE_CHECK(impl_->check_year(l.contract, year));
    MAILLAGE_CHECK(check_budget(l, in));
  }
  std::int64_t new_version = 0;
  Status done = impl_->db.transact([&](store::Tx& tx) -> Status {
    auto wid = MAILLAGE_TRY(impl_->workspace_id(tx, id, year, who.login, true));
    AciRepository repo(tx);
    std::string now = store::timestamp_now();
    auto cur = MAILLAGE_TRY(repo.budget_line(wid, in.envelope));
    AciBudgetRecord line{in.envelope, in.received_cents, in.spent_cents, 0};
    std::string before;
    if (!cur) {
      if (in.version != 0) return conflict("cette ligne de budget n'existe plus : rechargez");
      MAILLAGE_CHECK(repo.insert_budget(wid, line, now, who.login));
      new_version = 1;
    } else {
      if (cur->version != in.version) {
        return conflict(fmt::format(
            "le budget a été modifié par quelqu'un d'autre (version {} au lieu de {}) : rechargez",
            cur->version, in.version));
      }
      before = store::AuditDetail{}
                   .add("received", cur->received_cents)
                   .add("spent", cur->spent_cents)
                   .json();
      auto n = MAILLAGE_TRY(repo.update_budget(wid, line, cur->version, now, who.login));
      if (n == 0) return conflict("le budget a été modifié entre-temps : rechargez");
      new_version = cur->version + 1;
    }
    return store::audit(
        tx, {who.login, "dialogue.budget", "dialogue_workspace", std::to_string(wid), before,
             store::AuditDetail{}
                 .add("envelope", in.envelope)
                 .add("received", in.received_cents)
                 .add("spent", in.spent_cents)
                 .json()});
  });
  MAILLAGE_CHECK(done);
  return new_version;
}

namespace {
Status check_fiche(const FicheInput& in, const aci::CptsContract& c) {
  static const std::set<std::string> statuses{"a_lancer", "en_cours", "realisee", "abandonnee"};
  if (!statuses.count(in.status)) {
    return invalid("$.status", "statut inconnu (a_lancer, en_cours, realisee, abandonnee)");
  }
  if (in.title.empty()) return fail(ErrorCode::missing_field, "titre obligatoire", "$.title");
  if (in.title.size() > 300) return invalid("$.title", "titre limité à 300 caractères");
  if (in.description.size() > 20000) return invalid("$.description", "description trop longue");
  bool known = std::any_of(c.missions.begin(), c.missions.end(),
                           [&](const auto& m) { return m.mission == in.mission; });
  if (!known)
    return invalid("$.mission", fmt::format("mission « {} » absente du contrat", in.mission));
  return {};
}
}  // namespace

Result<std::int64_t> AciService::add_fiche(const Principal& who, std::int64_t id, int year,
                                           const FicheInput& in) {
  auto l = MAILLAGE_TRY(impl_->loaded(who, id));
  MAILLAGE_CHECK(may(who, Act::fiche));
  MAILLAGE_CHECK(impl_->check_year(l.contract, year));
  MAILLAGE_CHECK(check_fiche(in, l.contract));
  std::int64_t fid = 0;
  Status done = impl_->db.transact([&](store::Tx& tx) -> Status {
    auto wid = MAILLAGE_TRY(impl_->workspace_id(tx, id, year, who.login, true));
    AciFicheRecord f{0, in.mission, in.title, in.description, in.status, 0, {}, {}};
    fid = MAILLAGE_TRY(AciRepository(tx).insert_fiche(wid, f, store::timestamp_now(), who.login));
    return store::audit(
        tx, {who.login, "dialogue.fiche.create", "dialogue_fiche", std::to_string(fid), "",
             store::AuditDetail{}.add("title", in.title).add("status", in.status).json()});
  });
  MAILLAGE_CHECK(done);
  return fid;
}

Result<std::int64_t> AciService::update_fiche(const Principal& who, std::int64_t id, int year,
                                              std::int64_t fiche_id, const FicheInput& in) {
  auto l = MAILLAGE_TRY(impl_->loaded(who, id));
  MAILLAGE_CHECK(may(who, Act::fiche));
  MAILLAGE_CHECK(check_fiche(in, l.contract));
  std::int64_t new_version = 0;
  Status done = impl_->db.transact([&](store::Tx& tx) -> Status {
    AciRepository repo(tx);
    auto cur = MAILLAGE_TRY(repo.fiche(fiche_id, id, year));
    if (!cur) return fail(ErrorCode::not_found, "fiche action introuvable");
    if (cur->version != in.version) {
      return conflict(fmt::format(
          "la fiche a été modifiée par quelqu'un d'autre (version {} au lieu de {}) : rechargez",
          cur->version, in.version));
    }
    AciFicheRecord f{fiche_id, in.mission, in.title, in.description, in.status, 0, {}, {}};
    auto n = MAILLAGE_TRY(repo.update_fiche(f, cur->version, store::timestamp_now(), who.login));
    if (n == 0) return conflict("la fiche a été modifiée entre-temps : rechargez");
    new_version = cur->version + 1;
    return store::audit(
        tx, {who.login, "dialogue.fiche.update", "dialogue_fiche", std::to_string(fiche_id),
             store::AuditDetail{}.add("title", cur->title).add("status", cur->status).json(),
             store::AuditDetail{}.add("title", in.title).add("status", in.status).json()});
  });
  MAILLAGE_CHECK(done);
  return new_version;
}

}  // namespace maillage::services
