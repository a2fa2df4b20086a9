// ACI contracts and the dialogue de gestion (see aci.hpp): what the use cases share — loading a
// contract with its effective form, the role rules, the sheet, schedule and adjustment views —
// and the portfolio alerts. A contract's effective form is rebuilt for every read: the stored
// terms (document) + one indicator version + the measured values, merged as a contract document
// and parsed by the engine, so that the engine's validation is the only one and the sheet, the
// schedule and the dossier always agree. The use cases are in aci_contracts.cpp,
// aci_workspace.cpp and aci_adjustments.cpp, the portfolio alerts in aci_alerts.cpp, the SQL in
// aci_repository.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "aci/deadlines.hpp"
#include "aci/workspace.hpp"
#include "common/dates.hpp"
#include "common/try.hpp"
#include "geo/referentiel.hpp"
#include "services/aci_internal.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

namespace aci_detail {

const aci::RuleBook& rulebook() {
  // The shipped rules are embedded and checked by their own tests; loaded once per process.
  static const aci::RuleBook book = [] {
    auto b = aci::load_rulebook(aci::builtin_rule_files());
    return b ? std::move(*b) : aci::RuleBook{};
  }();
  return book;
}

tl::unexpected<Error> forbidden(std::string msg) {
  return fail(ErrorCode::forbidden, std::move(msg));
}
tl::unexpected<Error> invalid(std::string field, std::string msg) {
  return fail(ErrorCode::invalid_input, std::move(msg), std::move(field));
}
tl::unexpected<Error> conflict(std::string msg) {
  return fail(ErrorCode::conflict, std::move(msg));
}

Result<const registry::Lifecycle*> lifecycle_of_kind(const std::string& kind) {
  static const Result<registry::Lifecycles> tables = registry::builtin_lifecycles();
  if (!tables) return tl::unexpected(tables.error());
  std::string id = kind;
  std::transform(id.begin(), id.end(), id.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const auto* lc = tables->find(id);
  if (lc == nullptr) return fail(ErrorCode::internal, "cycle de vie introuvable : " + kind);
  return lc;
}

bool role_may(Role r, Act a) {
  if (r == Role::admin) return true;
  switch (a) {
    case Act::contract:
    case Act::agree:
      return r == Role::roc;
    case Act::comment:
      return r == Role::roc || r == Role::ars || r == Role::coordinator;
    case Act::fiche:
      return r == Role::coordinator;
    case Act::measure:
    case Act::attach:
    case Act::budget:
    case Act::adjust:
    case Act::minutes:
      return r == Role::roc || r == Role::coordinator;
  }
  return false;
}

std::string act_label(Act a) {
  switch (a) {
    case Act::contract:
      return "modifier un contrat";
    case Act::measure:
      return "saisir une valeur mesurée";
    case Act::agree:
      return "enregistrer une modification convenue";
    case Act::comment:
      return "commenter";
    case Act::attach:
      return "joindre une pièce";
    case Act::budget:
      return "saisir le budget";
    case Act::fiche:
      return "gérer les fiches action";
    case Act::adjust:
      return "proposer un ajustement";
    case Act::minutes:
      return "modifier le compte rendu";
  }
  return "";
}

Status may(const Principal& who, Act a) {
  if (is_read_only(who) || !role_may(who.role, a)) {
    return forbidden(fmt::format("votre rôle ne permet pas de {}", act_label(a)));
  }
  return {};
}

std::string euros(aci::Cents c) { return aci::format_euros(c); }

// Mapping an engine error on a document that came from a request: the field becomes a JSON path
// under `prefix` and the pseudo file name and line are dropped (they mean nothing to an API
// client).
Error api_error(Error e, const std::string& prefix) {
  if (e.code == ErrorCode::parse_error) e.code = ErrorCode::invalid_input;
  e.field = e.field.empty() ? prefix : prefix + "." + e.field;
  e.file.clear();
  e.line = 0;
  return e;
}

std::vector<std::string> split_codes(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    auto comma = s.find(',', start);
    std::string part =
        s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

std::string join_codes(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& c : v) out += (out.empty() ? "" : ",") + c;
  return out;
}

std::vector<aci::DocumentMeasure> measured_values(const AciMeasures& measures) {
  std::vector<aci::DocumentMeasure> out;
  for (const auto& [key, m] : measures) {
    if (m.value) out.push_back({std::get<0>(key), std::get<1>(key), std::get<2>(key), *m.value});
  }
  return out;
}

Result<aci::CptsContract> parse_cpts(const std::string& document, const std::string& prefix) {
  auto c = aci::parse_contract(document, "contrat", rulebook());
  if (!c) return tl::unexpected(api_error(c.error(), prefix));
  if (!std::holds_alternative<aci::CptsContract>(*c)) {
    return invalid(
        prefix + ".accord",
        "le dialogue de gestion et la fiche d'indicateurs concernent les contrats de CPTS");
  }
  return std::get<aci::CptsContract>(std::move(*c));
}

std::string mission_label(const aci::CptsContract& c, const std::string& mission) {
  // The contract's accord first, then any version (a mission added by an avenant).
  if (const aci::Accord* a = rulebook().find(c.accord)) {
    if (const auto* m = a->mission(mission)) return m->label;
  }
  for (const auto& a : rulebook().accords) {
    if (const auto* m = a.mission(mission)) return m->label;
  }
  return mission;
}

const aci::Indicator* find_indicator(const aci::CptsContract& c, const std::string& mission,
                                     const std::string& id) {
  for (const auto& m : c.missions) {
    if (m.mission != mission) continue;
    for (const auto& i : m.indicators) {
      if (i.id == id) return &i;
    }
  }
  return nullptr;
}

const aci::IndicatorYear* find_year(const aci::Indicator& i, int year) {
  for (const auto& y : i.years) {
    if (y.year == year) return &y;
  }
  return nullptr;
}

std::string envelope_label(const aci::CptsContract& c, const std::string& envelope) {
  if (envelope == "remuneration") return "Rémunération de la MSP";  // the MSP schedule's one
  auto dot = envelope.find('.');
  if (dot == std::string::npos) {
    const aci::Accord* a = rulebook().find(c.accord);
    if (a != nullptr) {
      if (const auto* e = a->envelope(envelope)) return e->label;
    }
    // Envelopes added by an avenant (e.g. lettre d'intention money).
    for (const auto& acc : rulebook().accords) {
      if (const auto* e = acc.envelope(envelope)) return e->label;
    }
    return envelope;
  }
  std::string mission = envelope.substr(0, dot);
  std::string part = envelope.substr(dot + 1);
  return mission_label(c, mission) + (part == "fixe" ? " — part fixe" : " — part variable");
}

std::string role_text(const std::string& role_id) {
  auto r = role_from_id(role_id);
  return r ? std::string(role_label(*r)) : role_id;
}

bool valid_item(const std::string& item) {
  if (item == "general") return true;
  for (const char* p : {"indicateur:", "budget:", "fiche:", "ajustement:"}) {
    std::string_view prefix(p);
    if (item.size() > prefix.size() && item.compare(0, prefix.size(), prefix) == 0) return true;
  }
  return false;
}

}  // namespace aci_detail

using namespace aci_detail;

// ---------------------------------------------------------------------------------------------

std::string AciService::Impl::region_of(std::string_view dep) const {
  const auto* d = ref.departement(dep);
  return d ? d->region : std::string();
}

Result<ContractRow> AciService::Impl::load(std::int64_t id) {
  auto record = MAILLAGE_TRY(AciRepository(db).contract(id));
  if (!record) return fail(ErrorCode::not_found, fmt::format("contrat n° {} introuvable", id));
  auto outline = aci::outline_document(record->document);
  if (!outline)
    return fail(ErrorCode::internal, fmt::format("contrat n° {} : document illisible", id));
  ContractRow c{std::move(*record), std::move(*outline), {}};
  c.communes = split_codes(c.record.communes);
  return c;
}

bool AciService::Impl::sees(const Principal& who, const ContractRow& c) const {
  return covers_structure(who, c.record.structure_id, c.record.departement,
                          [this](std::string_view d) { return region_of(d); });
}

Result<ContractRow> AciService::Impl::access(const Principal& who, std::int64_t id,
                                             std::optional<Act> act) {
  auto c = MAILLAGE_TRY(load(id));
  if (!sees(who, c)) return forbidden("ce contrat ne relève pas de votre périmètre");
  if (act) MAILLAGE_CHECK(may(who, *act));
  return c;
}

Result<Loaded> AciService::Impl::loaded(const Principal& who, std::int64_t id,
                                        std::optional<std::int64_t> version) {
  Loaded l;
  l.row = MAILLAGE_TRY(access(who, id));
  if (l.row.record.kind != "cpts") {
    return invalid(
        "id", "le dialogue de gestion et la fiche d'indicateurs concernent les contrats de CPTS");
  }
  AciRepository repo(db);
  l.versions = MAILLAGE_TRY(repo.versions(id));
  l.measures = MAILLAGE_TRY(repo.measures(id));
  std::string indicators = l.latest_indicators();
  if (version) {
    auto it = std::find_if(l.versions.begin(), l.versions.end(),
                           [&](const AciVersionRecord& x) { return x.number == *version; });
    if (it == l.versions.end()) {
      return fail(ErrorCode::not_found,
                  fmt::format("version {} des indicateurs introuvable", *version), "version");
    }
    indicators = it->indicators;
  }
  l.contract = MAILLAGE_TRY(
      parse_cpts(aci::merge_document(l.row.document.text, indicators, measured_values(l.measures)),
                 "$.contrat"));
  l.schedule = MAILLAGE_TRY(aci::compute_schedule(l.contract, rulebook()));
  return l;
}

int AciService::Impl::duration(const aci::CptsContract& c) const {
  return aci::duration_years(c, rulebook());
}

Status AciService::Impl::check_year(const aci::CptsContract& c, int year) const {
  if (year < 1 || year > duration(c)) {
    return invalid("year", fmt::format("année de contrat entre 1 et {} attendue", duration(c)));
  }
  return {};
}

AciContractSummary AciService::Impl::summary(const ContractRow& row) const {
  const AciContractRecord& r = row.record;
  return {r.id,     r.reference, r.structure_id, r.structure_name, r.departement, r.kind,
          r.accord, r.signature, r.size_class,   r.version,        r.updated_at,  r.updated_by};
}

AciPermissions AciService::Impl::permissions(const Principal& who, const ContractRow& r) const {
  bool writable = !is_read_only(who) && sees(who, r);
  auto may = [&](Act a) { return writable && role_may(who.role, a); };
  return {may(Act::contract), may(Act::measure), may(Act::agree),
          may(Act::comment),  may(Act::attach),  may(Act::budget),
          may(Act::fiche),    may(Act::adjust),  may(Act::minutes)};
}

namespace {

AciIndicatorLine indicator_line(const aci::CptsContract& c, const aci::MissionYear& my,
                                const aci::IndicatorOutcome& io, const AciMeasures& measures,
                                int year) {
  const aci::Indicator* ind = find_indicator(c, my.mission, io.id);
  const aci::IndicatorYear* y = ind ? find_year(*ind, year) : nullptr;
  AciIndicatorLine i;
  i.id = io.id;
  i.mission = my.mission;
  i.item = "indicateur:" + my.mission + "/" + io.id;
  i.definition = ind ? ind->definition : "";
  i.unit = ind ? ind->unit : "";
  i.weight = io.weight;
  i.baseline = ind ? ind->baseline : 0;
  i.baseline_text = ind ? aci::format_value(ind->baseline) : "";
  i.method = std::string(aci::to_string(io.method));
  if (y) i.paliers = y->paliers;
  i.paliers_text = y ? aci::format_paliers(y->paliers) : "";
  if (y && y->measured) i.measured = *y->measured;
  i.measured_text = y && y->measured ? aci::format_value(*y->measured) : "";
  i.is_measured = io.measured;
  i.rate = io.rate;
  i.rate_text = aci::format_rate(io.rate);
  i.rules_verified = io.rules_verified;
  i.explanation = io.explanation;
  if (y) i.evidence = y->evidence;
  auto mv = measures.find({my.mission, io.id, year});
  i.measure_version = mv == measures.end() ? 0 : mv->second.version;
  i.measure_by = mv == measures.end() ? "" : mv->second.updated_by;
  return i;
}

}  // namespace

AciSheet AciService::Impl::sheet(const aci::CptsContract& c, const aci::Schedule& s,
                                 const AciMeasures& measures, int year) const {
  AciSheet out;
  out.year = year;
  aci::Cents variable_max = 0, variable_paid = 0, fixed_paid = 0;
  for (const auto& my : s.missions) {
    if (my.year != year) continue;
    AciMissionSheet m;
    for (const auto& io : my.outcome.indicators)
      m.indicators.push_back(indicator_line(c, my, io, measures, year));
    variable_max += my.variable_max;
    variable_paid += my.variable_paid;
    fixed_paid += my.fixed_paid;
    m.mission = my.mission;
    m.label = mission_label(c, my.mission);
    m.from = aci::format_date(my.from);
    m.to = aci::format_date(my.to);
    m.rate = my.outcome.rate;
    m.rate_text = aci::format_rate(my.outcome.rate);
    m.estimated = my.outcome.estimated;
    m.rules_verified = my.outcome.rules_verified;
    m.fixed_paid = euros(my.fixed_paid);
    m.variable_max = euros(my.variable_max);
    m.variable_paid = euros(my.variable_paid);
    m.variable_paid_cents = my.variable_paid;
    out.missions.push_back(std::move(m));
  }
  out.fixed_paid = euros(fixed_paid);
  out.variable_max = euros(variable_max);
  out.variable_paid = euros(variable_paid);
  out.variable_paid_cents = variable_paid;
  return out;
}

AciScheduleView AciService::Impl::schedule_view(const aci::CptsContract& c,
                                                const aci::Schedule& s) const {
  AciScheduleView out;
  for (const auto& p : s.payments) {
    out.payments.push_back({aci::format_date(p.date), p.contract_year, p.envelope,
                            envelope_label(c, p.envelope), std::string(aci::to_string(p.kind)),
                            aci::format_cents(p.amount), euros(p.amount), p.amount, p.verified,
                            p.estimated, p.basis});
  }
  aci::Cents total = 0;
  for (const auto& [env, cents] : aci::totals_by_envelope(s)) {
    out.totals.push_back({env, envelope_label(c, env), aci::format_cents(cents), euros(cents)});
    total += cents;
  }
  out.total = aci::format_cents(total);
  out.total_text = euros(total);
  for (auto d : s.anniversaries) out.anniversaries.push_back(aci::format_date(d));
  out.notes = s.notes;
  return out;
}

AciAdjustment AciService::Impl::adjustment(const aci::CptsContract& c, AciAdjustment a) const {
  aci::TargetAdjustment t{a.mission, a.indicator, a.year, a.fact_before, a.fact_after};
  auto cmp = aci::compare_adjustment(c, rulebook(), t);
  a.item = fmt::format("ajustement:{}", a.id);
  a.fact_before_text = aci::format_value(t.fact_before);
  a.fact_after_text = aci::format_value(t.fact_after);
  a.mission_label = mission_label(c, t.mission);
  if (!cmp) {
    a.error = cmp.error().message;
    return a;
  }
  auto reading = [](const aci::AdjustmentReading& r) {
    return AciAdjustmentReading{r.paliers,
                                aci::format_paliers(r.paliers),
                                aci::format_rate(r.indicator.rate),
                                aci::format_rate(r.mission_rate),
                                euros(r.variable_max),
                                euros(r.variable_paid),
                                r.variable_paid,
                                r.indicator.explanation};
  };
  a.factor = aci::format_rate(cmp->factor);
  a.original = reading(cmp->original);
  a.adjusted = reading(cmp->adjusted);
  a.difference = euros(cmp->difference);
  a.difference_cents = cmp->difference;
  return a;
}

Result<std::int64_t> AciService::Impl::workspace_id(store::Tx& tx, std::int64_t contract_id,
                                                    int year, const std::string& login,
                                                    bool create) {
  AciRepository repo(tx);
  auto existing = MAILLAGE_TRY(repo.workspace(contract_id, year));
  if (existing) return existing->id;
  if (!create) return std::int64_t{0};
  std::int64_t id =
      MAILLAGE_TRY(repo.insert_workspace(contract_id, year, store::timestamp_now(), login));
  MAILLAGE_CHECK(store::audit(
      tx, {login, "dialogue.open", "dialogue_workspace", std::to_string(id), "",
           store::AuditDetail{}.add("contract", contract_id).add("year", year).json()}));
  return id;
}

// ---------------------------------------------------------------------------------------------

AciService::AciService(store::Database& db, const geo::Referentiel& ref, AciLimits limits)
    : impl_(std::make_unique<Impl>(Impl{db, ref, limits})) {}
AciService::~AciService() = default;

}  // namespace maillage::services
