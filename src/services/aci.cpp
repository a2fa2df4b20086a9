// ACI contracts and the dialogue de gestion (see aci.hpp). A contract's effective form is rebuilt
// for every read: the stored terms (document) + one indicator version + the measured values,
// merged as a contract document and parsed by the engine, so that the engine's validation is the
// only one and the sheet, the schedule and the dossier always agree.
#include "services/aci.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>

#include "aci/contract.hpp"
#include "aci/deadlines.hpp"
#include "aci/rules.hpp"
#include "aci/schedule.hpp"
#include "aci/workspace.hpp"
#include "geo/referentiel.hpp"
#include "services/rpps.hpp"
#include "store/database.hpp"
#include "common/base64.hpp"
#include "common/dates.hpp"

namespace maillage::services {

using nlohmann::json;
using store::Tx;

namespace {

const aci::RuleBook& rulebook() {
  // The shipped rules are embedded and checked by their own tests; loaded once per process.
  static const aci::RuleBook book = [] {
    auto b = aci::load_rulebook(aci::builtin_rule_files());
    return b ? std::move(*b) : aci::RuleBook{};
  }();
  return book;
}

template <class T>
tl::unexpected<Error> err(const Result<T>& r) {
  return tl::unexpected(r.error());
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

// Who may do what (the routes' AccessRule says the same; the service checks it again because
// the CLI and tests call it directly).
enum class Act { contract, measure, agree, comment, attach, budget, fiche, adjust, minutes };

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
    case Act::contract: return "modifier un contrat";
    case Act::measure: return "saisir une valeur mesurée";
    case Act::agree: return "enregistrer une modification convenue";
    case Act::comment: return "commenter";
    case Act::attach: return "joindre une pièce";
    case Act::budget: return "saisir le budget";
    case Act::fiche: return "gérer les fiches action";
    case Act::adjust: return "proposer un ajustement";
    case Act::minutes: return "modifier le compte rendu";
  }
  return "";
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

struct ContractRow {
  std::int64_t id = 0;
  std::int64_t structure_id = 0;
  std::string structure_name;
  std::string departement;
  std::string reference;
  std::string kind;
  std::string accord;
  std::string signature;
  std::string size_class;
  json document;
  std::vector<std::string> communes;
  std::int64_t version = 0;
  std::string updated_at;
  std::string updated_by;
};

struct MeasureRow {
  std::optional<double> value;
  std::int64_t version = 0;
  std::string updated_at;
  std::string updated_by;
};
using MeasureKey = std::tuple<std::string, std::string, int>;  // mission, indicator, year
using Measures = std::map<MeasureKey, MeasureRow>;

struct IndicatorVersion {
  std::int64_t number = 0;
  json indicators = json::object();
  std::string reason;
  int year = 0;
  std::string agreed_by;
  std::string agreed_role;
  std::string created_at;
};

std::vector<std::string> split_codes(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    auto comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
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

// Splits a contract document into its terms, its indicators (mission → list, without measured
// values) and its measured values.
void split_document(json& doc, json& indicators, std::vector<std::pair<MeasureKey, double>>& measures) {
  indicators = json::object();
  if (!doc.contains("missions")) return;
  for (auto& m : doc["missions"]) {
    if (!m.contains("indicators")) continue;
    std::string mission = m.value("mission", "");
    json list = m["indicators"];
    for (auto& ind : list) {
      std::string id = ind.value("id", "");
      if (!ind.contains("years")) continue;
      for (auto& y : ind["years"]) {
        if (y.contains("measured")) {
          if (y["measured"].is_number()) {
            measures.push_back({{mission, id, y.value("year", 0)}, y["measured"].get<double>()});
          }
          y.erase("measured");
        }
      }
    }
    indicators[mission] = std::move(list);
    m.erase("indicators");
  }
}

// The contract document with the indicators of a version and the measured values put back.
json merge_document(const json& terms, const json& indicators, const Measures& measures) {
  json doc = terms;
  if (!doc.contains("missions")) return doc;
  for (auto& m : doc["missions"]) {
    std::string mission = m.value("mission", "");
    auto it = indicators.find(mission);
    if (it == indicators.end()) continue;
    json list = *it;
    for (auto& ind : list) {
      std::string id = ind.value("id", "");
      if (!ind.contains("years")) continue;
      for (auto& y : ind["years"]) {
        auto mv = measures.find({mission, id, y.value("year", 0)});
        if (mv != measures.end() && mv->second.value) y["measured"] = *mv->second.value;
      }
    }
    m["indicators"] = std::move(list);
  }
  return doc;
}

Result<aci::CptsContract> parse_cpts(const json& doc, const std::string& prefix) {
  auto c = aci::parse_contract(doc.dump(), "contrat", rulebook());
  if (!c) return tl::unexpected(api_error(c.error(), prefix));
  if (!std::holds_alternative<aci::CptsContract>(*c)) {
    return invalid(prefix + ".accord",
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

}  // namespace

// ---------------------------------------------------------------------------------------------

struct AciService::Impl {
  store::Database& db;
  const geo::Referentiel& ref;
  AciLimits limits;

  std::string region_of(std::string_view dep) const {
    const auto* d = ref.departement(dep);
    return d ? d->region : std::string();
  }

  Result<ContractRow> load(std::int64_t id) {
    auto r = db.query(
        "SELECT c.id, c.structure_id, s.name, s.departement, c.reference, c.kind, c.accord, "
        "c.signature, c.size_class, c.document, c.communes, c.version, c.updated_at, c.updated_by "
        "FROM aci_contracts c JOIN structures s ON s.id = c.structure_id WHERE c.id = $1",
        {id});
    if (!r) return err(r);
    if (r->empty()) return fail(ErrorCode::not_found, fmt::format("contrat n° {} introuvable", id));
    const auto& row = r->rows[0];
    ContractRow c;
    c.id = row.integer(0);
    c.structure_id = row.integer(1);
    c.structure_name = row.text(2);
    c.departement = row.text(3);
    c.reference = row.text(4);
    c.kind = row.text(5);
    c.accord = row.text(6);
    c.signature = row.text(7);
    c.size_class = row.text(8);
    c.document = json::parse(row.text(9), nullptr, false);
    c.communes = split_codes(row.text(10));
    c.version = row.integer(11);
    c.updated_at = row.text(12);
    c.updated_by = row.text(13);
    if (c.document.is_discarded()) {
      return fail(ErrorCode::internal, fmt::format("contrat n° {} : document illisible", id));
    }
    return c;
  }

  bool sees(const Principal& who, const ContractRow& c) const {
    return covers_structure(who, c.structure_id, c.departement,
                            [this](std::string_view d) { return region_of(d); });
  }

  // The contract, if `who` may read it (and, with `act`, do that).
  Result<ContractRow> access(const Principal& who, std::int64_t id, std::optional<Act> act = {}) {
    auto c = load(id);
    if (!c) return c;
    if (!sees(who, *c)) {
      return forbidden("ce contrat ne relève pas de votre périmètre");
    }
    if (act && (is_read_only(who) || !role_may(who.role, *act))) {
      return forbidden(fmt::format("votre rôle ne permet pas de {}", act_label(*act)));
    }
    return c;
  }

  Result<std::vector<IndicatorVersion>> versions(std::int64_t contract_id) {
    auto r = db.query(
        "SELECT number, indicators, reason, year, agreed_by, agreed_role, created_at "
        "FROM aci_indicator_versions WHERE contract_id = $1 ORDER BY number",
        {contract_id});
    if (!r) return err(r);
    std::vector<IndicatorVersion> out;
    for (const auto& row : r->rows) {
      IndicatorVersion v;
      v.number = row.integer(0);
      v.indicators = json::parse(row.text(1), nullptr, false);
      if (v.indicators.is_discarded()) v.indicators = json::object();
      v.reason = row.text(2);
      v.year = static_cast<int>(row.integer(3));
      v.agreed_by = row.text(4);
      v.agreed_role = row.text(5);
      v.created_at = row.text(6);
      out.push_back(std::move(v));
    }
    return out;
  }

  Result<Measures> measures(std::int64_t contract_id) {
    auto r = db.query(
        "SELECT mission, indicator, year, measured, version, updated_at, updated_by "
        "FROM aci_measures WHERE contract_id = $1",
        {contract_id});
    if (!r) return err(r);
    Measures out;
    for (const auto& row : r->rows) {
      MeasureRow m;
      if (!row.is_null(3)) m.value = row.real(3);
      m.version = row.integer(4);
      m.updated_at = row.text(5);
      m.updated_by = row.text(6);
      out[{row.text(0), row.text(1), static_cast<int>(row.integer(2))}] = m;
    }
    return out;
  }

  // Everything a read needs about one contract.
  struct Loaded {
    ContractRow row;
    std::vector<IndicatorVersion> versions;
    Measures measures;
    aci::CptsContract contract;  // current version, with measures
    aci::Schedule schedule;
  };

  Result<Loaded> loaded(const Principal& who, std::int64_t id,
                        std::optional<std::int64_t> version = {}) {
    auto row = access(who, id);
    if (!row) return err(row);
    Loaded l;
    l.row = std::move(*row);
    if (l.row.kind != "cpts") {
      return invalid("id",
                     "le dialogue de gestion et la fiche d'indicateurs concernent les contrats de CPTS");
    }
    auto v = versions(id);
    if (!v) return err(v);
    l.versions = std::move(*v);
    auto m = measures(id);
    if (!m) return err(m);
    l.measures = std::move(*m);
    json indicators = json::object();
    if (!l.versions.empty()) indicators = l.versions.back().indicators;
    if (version) {
      auto it = std::find_if(l.versions.begin(), l.versions.end(),
                             [&](const IndicatorVersion& x) { return x.number == *version; });
      if (it == l.versions.end()) {
        return fail(ErrorCode::not_found, fmt::format("version {} des indicateurs introuvable", *version),
                    "version");
      }
      indicators = it->indicators;
    }
    auto c = parse_cpts(merge_document(l.row.document, indicators, l.measures), "$.contrat");
    if (!c) return err(c);
    l.contract = std::move(*c);
    auto s = aci::compute_schedule(l.contract, rulebook());
    if (!s) return err(s);
    l.schedule = std::move(*s);
    return l;
  }

  int duration(const aci::CptsContract& c) const { return aci::duration_years(c, rulebook()); }

  Status check_year(const aci::CptsContract& c, int year) const {
    if (year < 1 || year > duration(c)) {
      return invalid("year", fmt::format("année de contrat entre 1 et {} attendue", duration(c)));
    }
    return {};
  }

  json contract_summary(const ContractRow& r) const {
    return json{{"id", r.id},
                {"reference", r.reference},
                {"structure", {{"id", r.structure_id}, {"nom", r.structure_name},
                               {"departement", r.departement}}},
                {"kind", r.kind},
                {"accord", r.accord},
                {"signature", r.signature},
                {"size_class", r.size_class},
                {"version", r.version},
                {"updated_at", r.updated_at},
                {"updated_by", r.updated_by}};
  }

  json permissions(const Principal& who, const ContractRow& r) const {
    json p = json::object();
    bool writable = !is_read_only(who) && sees(who, r);
    for (auto [name, act] : {std::pair{"contract", Act::contract}, {"measure", Act::measure},
                             {"agree", Act::agree}, {"comment", Act::comment},
                             {"attach", Act::attach}, {"budget", Act::budget},
                             {"fiche", Act::fiche}, {"adjust", Act::adjust},
                             {"minutes", Act::minutes}}) {
      p[name] = writable && role_may(who.role, act);
    }
    return p;
  }

  // The indicator sheet of one year from an effective contract and its schedule.
  json sheet(const aci::CptsContract& c, const aci::Schedule& s, const Measures& measures,
             int year) const {
    json missions = json::array();
    aci::Cents variable_max = 0, variable_paid = 0, fixed_paid = 0;
    for (const auto& my : s.missions) {
      if (my.year != year) continue;
      json indicators = json::array();
      for (const auto& io : my.outcome.indicators) {
        const aci::Indicator* ind = find_indicator(c, my.mission, io.id);
        const aci::IndicatorYear* y = ind ? find_year(*ind, year) : nullptr;
        json i{{"id", io.id},
               {"item", "indicateur:" + my.mission + "/" + io.id},
               {"definition", ind ? ind->definition : ""},
               {"unit", ind ? ind->unit : ""},
               {"weight", io.weight},
               {"baseline", ind ? ind->baseline : 0},
               {"baseline_text", ind ? aci::format_value(ind->baseline) : ""},
               {"method", std::string(aci::to_string(io.method))},
               {"paliers", y ? json(y->paliers) : json::array()},
               {"paliers_text", y ? aci::format_paliers(y->paliers) : ""},
               {"measured", y && y->measured ? json(*y->measured) : json(nullptr)},
               {"measured_text", y && y->measured ? aci::format_value(*y->measured) : ""},
               {"is_measured", io.measured},
               {"rate", io.rate},
               {"rate_text", aci::format_rate(io.rate)},
               {"rules_verified", io.rules_verified},
               {"explanation", io.explanation},
               {"evidence", y ? json(y->evidence) : json::array()}};
        auto mv = measures.find({my.mission, io.id, year});
        i["measure_version"] = mv == measures.end() ? 0 : mv->second.version;
        i["measure_by"] = mv == measures.end() ? "" : mv->second.updated_by;
        indicators.push_back(std::move(i));
      }
      variable_max += my.variable_max;
      variable_paid += my.variable_paid;
      fixed_paid += my.fixed_paid;
      missions.push_back({{"mission", my.mission},
                          {"label", mission_label(c, my.mission)},
                          {"from", aci::format_date(my.from)},
                          {"to", aci::format_date(my.to)},
                          {"rate", my.outcome.rate},
                          {"rate_text", aci::format_rate(my.outcome.rate)},
                          {"estimated", my.outcome.estimated},
                          {"rules_verified", my.outcome.rules_verified},
                          {"fixed_paid", euros(my.fixed_paid)},
                          {"variable_max", euros(my.variable_max)},
                          {"variable_paid", euros(my.variable_paid)},
                          {"variable_paid_cents", my.variable_paid},
                          {"indicators", std::move(indicators)}});
    }
    return json{{"year", year},
                {"missions", std::move(missions)},
                {"fixed_paid", euros(fixed_paid)},
                {"variable_max", euros(variable_max)},
                {"variable_paid", euros(variable_paid)},
                {"variable_paid_cents", variable_paid}};
  }

  json schedule_json(const aci::CptsContract& c, const aci::Schedule& s) const {
    json payments = json::array();
    for (const auto& p : s.payments) {
      payments.push_back({{"date", aci::format_date(p.date)},
                          {"contract_year", p.contract_year},
                          {"envelope", p.envelope},
                          {"envelope_label", envelope_label(c, p.envelope)},
                          {"kind", std::string(aci::to_string(p.kind))},
                          {"amount", aci::format_cents(p.amount)},
                          {"amount_text", euros(p.amount)},
                          {"amount_cents", p.amount},
                          {"verified", p.verified},
                          {"estimated", p.estimated},
                          {"basis", p.basis}});
    }
    json totals = json::array();
    aci::Cents total = 0;
    for (const auto& [env, cents] : aci::totals_by_envelope(s)) {
      totals.push_back({{"envelope", env},
                        {"envelope_label", envelope_label(c, env)},
                        {"amount", aci::format_cents(cents)},
                        {"amount_text", euros(cents)}});
      total += cents;
    }
    json anniversaries = json::array();
    for (auto d : s.anniversaries) anniversaries.push_back(aci::format_date(d));
    return json{{"payments", std::move(payments)},
                {"totals", std::move(totals)},
                {"total", aci::format_cents(total)},
                {"total_text", euros(total)},
                {"anniversaries", std::move(anniversaries)},
                {"notes", s.notes}};
  }

  // Comparison of a stored adjustment proposal on the current targets.
  json adjustment_json(const aci::CptsContract& c, const json& row) const {
    json a = row;
    aci::TargetAdjustment t{row["mission"], row["indicator"], row["year"], row["fact_before"],
                            row["fact_after"]};
    auto cmp = aci::compare_adjustment(c, rulebook(), t);
    a["item"] = fmt::format("ajustement:{}", row["id"].get<std::int64_t>());
    a["fact_before_text"] = aci::format_value(t.fact_before);
    a["fact_after_text"] = aci::format_value(t.fact_after);
    a["mission_label"] = mission_label(c, t.mission);
    if (!cmp) {
      a["error"] = cmp.error().message;
      return a;
    }
    auto reading = [](const aci::AdjustmentReading& r) {
      return json{{"paliers", r.paliers},
                  {"paliers_text", aci::format_paliers(r.paliers)},
                  {"indicator_rate", aci::format_rate(r.indicator.rate)},
                  {"mission_rate", aci::format_rate(r.mission_rate)},
                  {"variable_max", euros(r.variable_max)},
                  {"variable_paid", euros(r.variable_paid)},
                  {"variable_paid_cents", r.variable_paid},
                  {"explanation", r.indicator.explanation}};
    };
    a["factor"] = aci::format_rate(cmp->factor);
    a["original"] = reading(cmp->original);
    a["adjusted"] = reading(cmp->adjusted);
    a["difference"] = euros(cmp->difference);
    a["difference_cents"] = cmp->difference;
    return a;
  }

  Result<std::int64_t> workspace_id(Tx& tx, std::int64_t contract_id, int year,
                                    const std::string& login, bool create) {
    auto r = tx.query("SELECT id FROM dialogue_workspaces WHERE contract_id = $1 AND year = $2",
                      {contract_id, std::int64_t{year}});
    if (!r) return err(r);
    if (!r->empty()) return r->rows[0].integer(0);
    if (!create) return std::int64_t{0};
    std::string now = store::timestamp_now();
    r = tx.query(
        "INSERT INTO dialogue_workspaces (contract_id, year, created_at, updated_at, updated_by) "
        "VALUES ($1, $2, $3, $3, $4) RETURNING id",
        {contract_id, std::int64_t{year}, now, login});
    if (!r) return err(r);
    std::int64_t id = r->rows.at(0).integer(0);
    auto a = store::audit(tx, {login, "dialogue.open", "dialogue_workspace", std::to_string(id), "",
                               json{{"contract", contract_id}, {"year", year}}.dump()});
    if (!a) return err(a);
    return id;
  }
};

// ---------------------------------------------------------------------------------------------

AciService::AciService(store::Database& db, const geo::Referentiel& ref, AciLimits limits)
    : impl_(std::make_unique<Impl>(Impl{db, ref, limits})) {}
AciService::~AciService() = default;

Result<json> AciService::list_contracts(const Principal& who) {
  auto r = impl_->db.query(
      "SELECT c.id FROM aci_contracts c JOIN structures s ON s.id = c.structure_id "
      "ORDER BY s.departement, s.name, c.signature, c.id");
  if (!r) return err(r);
  json out = json::array();
  for (const auto& row : r->rows) {
    auto c = impl_->load(row.integer(0));
    if (!c) return err(c);
    if (!impl_->sees(who, *c)) continue;
    out.push_back(impl_->contract_summary(*c));
  }
  return json{{"contracts", std::move(out)}};
}

Result<std::int64_t> AciService::create_contract(const Principal& who, std::int64_t structure_id,
                                                 std::string_view document,
                                                 const std::vector<std::string>& communes) {
  if (is_read_only(who) || !role_may(who.role, Act::contract)) {
    return forbidden("votre rôle ne permet pas de créer un contrat");
  }
  auto s = impl_->db.query("SELECT departement, kind FROM structures WHERE id = $1", {structure_id});
  if (!s) return err(s);
  if (s->empty()) {
    return fail(ErrorCode::not_found, fmt::format("structure n° {} introuvable", structure_id),
                "structure_id");
  }
  std::string dep = s->rows[0].text(0);
  if (!covers_structure(who, structure_id, dep,
                        [this](std::string_view d) { return impl_->region_of(d); })) {
    return forbidden("cette structure ne relève pas de votre périmètre");
  }
  for (std::size_t i = 0; i < communes.size(); ++i) {
    if (impl_->ref.commune(communes[i]) == nullptr) {
      return invalid(fmt::format("$.communes[{}]", i),
                     fmt::format("commune « {} » inconnue du référentiel", communes[i]));
    }
  }
  // The engine validates everything (and names the field); then the document is split.
  auto parsed = aci::parse_contract(document, "contrat", rulebook());
  if (!parsed) return tl::unexpected(api_error(parsed.error(), "$.contrat"));
  std::string kind = std::holds_alternative<aci::CptsContract>(*parsed) ? "cpts" : "msp";
  std::string structure_kind = s->rows[0].text(1);
  if ((kind == "cpts") != (structure_kind == "CPTS")) {
    return invalid("$.contrat.accord", fmt::format("un accord {} ne convient pas à une structure {}",
                                                   kind == "cpts" ? "CPTS" : "MSP", structure_kind));
  }
  std::string reference, accord, signature, size_class;
  std::visit(
      [&](const auto& c) {
        reference = c.id;
        accord = c.accord;
        signature = aci::format_date(c.signature);
      },
      *parsed);
  if (auto* c = std::get_if<aci::CptsContract>(&*parsed)) size_class = c->size_class;

  json doc = json::parse(document, nullptr, false);
  json indicators;
  std::vector<std::pair<MeasureKey, double>> measures;
  split_document(doc, indicators, measures);

  std::int64_t id = 0;
  auto st = impl_->db.transact([&](Tx& tx) -> Status {
    std::string now = store::timestamp_now();
    auto r = tx.query(
        "INSERT INTO aci_contracts (structure_id, reference, kind, accord, signature, size_class, "
        "document, communes, created_at, updated_at, updated_by) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9, $10) RETURNING id",
        {structure_id, reference, kind, accord, signature, size_class, doc.dump(),
         join_codes(communes), now, who.login});
    if (!r) return err(r);
    id = r->rows.at(0).integer(0);
    if (kind == "cpts") {
      auto v = tx.exec(
          "INSERT INTO aci_indicator_versions (contract_id, number, indicators, reason, year, "
          "agreed_by, agreed_role, created_at) VALUES ($1, 1, $2, $3, 0, $4, $5, $6)",
          {id, indicators.dump(), std::string("Contrat signé"), who.login,
           std::string(role_id(who.role)), now});
      if (!v) return err(v);
      for (const auto& [key, value] : measures) {
        auto m = tx.exec(
            "INSERT INTO aci_measures (contract_id, mission, indicator, year, measured, "
            "updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            {id, std::get<0>(key), std::get<1>(key), std::int64_t{std::get<2>(key)}, value, now,
             who.login});
        if (!m) return err(m);
      }
    }
    return store::audit(tx, {who.login, "aci.contract.create", "aci_contract", std::to_string(id),
                             "",
                             json{{"reference", reference}, {"structure", structure_id},
                                  {"accord", accord}, {"signature", signature}}
                                 .dump()});
  });
  if (!st) {
    if (st.error().code == ErrorCode::conflict) {
      return conflict(fmt::format("un contrat de référence « {} » existe déjà", reference));
    }
    return err(st);
  }
  return id;
}

Status AciService::update_contract(const Principal& who, std::int64_t id, std::int64_t version,
                                   std::string_view document) {
  auto row = impl_->access(who, id, Act::contract);
  if (!row) return err(row);
  json doc = json::parse(document, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return fail(ErrorCode::invalid_json, "le contrat doit être un objet JSON", "$.contrat");
  }
  if (doc.contains("missions") && doc["missions"].is_array()) {
    for (std::size_t i = 0; i < doc["missions"].size(); ++i) {
      if (doc["missions"][i].is_object() && doc["missions"][i].contains("indicators")) {
        return invalid(fmt::format("$.contrat.missions[{}].indicators", i),
                       "les indicateurs changent par une modification convenue (nouvelle version), "
                       "pas avec les termes du contrat");
      }
    }
  }
  std::string reference, signature, size_class, accord;
  if (row->kind == "cpts") {
    auto v = impl_->versions(id);
    if (!v) return err(v);
    auto m = impl_->measures(id);
    if (!m) return err(m);
    const json& indicators = v->empty() ? json::object() : v->back().indicators;
    // A mission that has indicators cannot leave the contract (their history would dangle).
    for (auto it = indicators.begin(); it != indicators.end(); ++it) {
      bool kept = false;
      if (doc.contains("missions") && doc["missions"].is_array()) {
        for (const auto& mm : doc["missions"]) {
          kept = kept || (mm.is_object() && mm.value("mission", "") == it.key());
        }
      }
      if (!kept && !it.value().empty()) {
        return invalid("$.contrat.missions",
                       fmt::format("la mission « {} » a des indicateurs : elle reste au contrat",
                                   it.key()));
      }
    }
    auto c = parse_cpts(merge_document(doc, indicators, *m), "$.contrat");
    if (!c) return err(c);
    reference = c->id;
    signature = aci::format_date(c->signature);
    size_class = c->size_class;
    accord = c->accord;
  } else {
    auto c = aci::parse_contract(document, "contrat", rulebook());
    if (!c) return tl::unexpected(api_error(c.error(), "$.contrat"));
    if (!std::holds_alternative<aci::MspContract>(*c)) {
      return invalid("$.contrat.accord", "un contrat de MSP reste un contrat de MSP");
    }
    const auto& msp = std::get<aci::MspContract>(*c);
    reference = msp.id;
    signature = aci::format_date(msp.signature);
    accord = msp.accord;
  }
  auto st = impl_->db.transact([&](Tx& tx) -> Status {
    std::string now = store::timestamp_now();
    auto n = tx.exec(
        "UPDATE aci_contracts SET reference = $1, accord = $2, signature = $3, size_class = $4, "
        "document = $5, version = version + 1, updated_at = $6, updated_by = $7 "
        "WHERE id = $8 AND version = $9",
        {reference, accord, signature, size_class, doc.dump(), now, who.login, id, version});
    if (!n) return err(n);
    if (*n == 0) {
      return conflict("le contrat a été modifié par quelqu'un d'autre entre-temps : rechargez-le");
    }
    return store::audit(tx, {who.login, "aci.contract.update", "aci_contract", std::to_string(id),
                             row->document.dump(), doc.dump()});
  });
  return st;
}

Result<json> AciService::contract(const Principal& who, std::int64_t id) {
  auto row = impl_->access(who, id);
  if (!row) return err(row);
  json out = impl_->contract_summary(*row);
  out["document"] = row->document;
  out["communes"] = row->communes;
  out["permissions"] = impl_->permissions(who, *row);
  aci::Date signature{};
  if (auto d = aci::parse_date(row->signature)) signature = *d;

  // Parties as signed.
  json parties = json::array();
  const json& p = row->document.value("parties", json::object());
  for (auto [key, label] : {std::pair{"cpts", "CPTS"}, {"msp", "MSP"}, {"cpam", "CPAM"},
                            {"ars", "ARS"}}) {
    if (!p.contains(key)) continue;
    const json& party = p[key];
    parties.push_back({{"role", label},
                       {"name", party.value("name", "")},
                       {"finess", party.value("finess", "")},
                       {"rna", party.value("rna", "")},
                       {"siret", party.value("siret", "")}});
  }
  out["parties"] = std::move(parties);

  // Rule values of the accord(s) the contract follows, for its size class, with provenance.
  const aci::Accord* base = rulebook().find(row->accord);
  std::vector<const aci::Accord*> accords;
  if (base) accords.push_back(base);
  for (const auto& av : row->document.value("avenants", json::array())) {
    if (const auto* a = rulebook().find(av.value("accord", ""))) accords.push_back(a);
  }
  std::set<std::string> sizes{"T1", "T2", "T3", "T4"};
  json rules = json::array();
  for (const aci::Accord* a : accords) {
    json values = json::array();
    for (const auto& v : aci::list_values(*a)) {
      auto dot = v.key.rfind('.');
      std::string last = dot == std::string::npos ? "" : v.key.substr(dot + 1);
      if (sizes.count(last) && last != row->size_class) continue;  // other size classes
      json sources = json::array();
      for (const auto& sid : v.provenance->sources) {
        auto it = rulebook().sources.find(sid);
        sources.push_back({{"id", sid},
                           {"title", it == rulebook().sources.end() ? sid : it->second.title},
                           {"url", it == rulebook().sources.end() ? "" : it->second.url}});
      }
      values.push_back({{"key", v.key},
                        {"value", v.value},
                        {"verified", v.provenance->verified},
                        {"note", v.provenance->note},
                        {"sources", std::move(sources)},
                        {"origin", fmt::format("{}:{}", v.provenance->file, v.provenance->line)}});
    }
    rules.push_back({{"accord", a->id}, {"title", a->title}, {"values", std::move(values)}});
  }
  out["rules"] = std::move(rules);

  // Amounts written in the contract (they replace the rules' defaults).
  json overrides = json::array();
  const json& amounts = row->document.value("amounts", json::object());
  for (auto it = amounts.begin(); it != amounts.end(); ++it) {
    overrides.push_back({{"envelope", it.key()}, {"value", it.value().dump()}});
  }
  json missions = json::array();
  for (const auto& m : row->document.value("missions", json::array())) {
    std::string mid = m.value("mission", "");
    if (m.contains("amounts")) {
      overrides.push_back({{"envelope", mid}, {"value", m["amounts"].dump()}});
    }
  }
  out["overrides"] = std::move(overrides);

  if (row->kind == "cpts") {
    auto l = impl_->loaded(who, id);
    if (!l) return err(l);
    // Missions with their deadlines as of today.
    auto deadlines = aci::check_deadlines(l->contract, rulebook(), today_utc());
    if (!deadlines) return err(deadlines);
    for (const auto& d : *deadlines) {
      auto milestone = [](const aci::Milestone& ms) {
        return json{{"deadline", ms.deadline ? aci::format_date(*ms.deadline) : ""},
                    {"date", ms.date ? aci::format_date(*ms.date) : ""},
                    {"status", std::string(aci::to_string(ms.status))},
                    {"late", ms.status == aci::DeadlineStatus::late ||
                                 ms.status == aci::DeadlineStatus::overdue ||
                                 ms.status == aci::DeadlineStatus::planned_late},
                    {"days_late", ms.days_late}};
      };
      missions.push_back({{"mission", d.mission},
                          {"label", d.label},
                          {"category", std::string(aci::to_string(d.category))},
                          {"in_contract", d.in_contract},
                          {"start", milestone(d.start)},
                          {"deploy", milestone(d.deploy)}});
    }
    json versions = json::array();
    for (const auto& v : l->versions) {
      versions.push_back({{"number", v.number}, {"reason", v.reason}, {"year", v.year},
                          {"agreed_by", v.agreed_by}, {"agreed_role", role_text(v.agreed_role)},
                          {"created_at", v.created_at}});
    }
    out["indicator_versions"] = std::move(versions);
    out["duration_years"] = impl_->duration(l->contract);
    json years = json::array();
    for (int y = 1; y <= impl_->duration(l->contract); ++y) {
      years.push_back({{"year", y},
                       {"from", aci::format_date(aci::anniversary(l->contract, y - 1))},
                       {"to", aci::format_date(aci::anniversary(l->contract, y))}});
    }
    out["years"] = std::move(years);
  }
  (void)signature;
  out["missions"] = std::move(missions);
  return out;
}

Result<json> AciService::schedule(const Principal& who, std::int64_t id) {
  auto row = impl_->access(who, id);
  if (!row) return err(row);
  if (row->kind != "cpts") {
    auto c = aci::parse_contract(row->document.dump(), "contrat", rulebook());
    if (!c) return tl::unexpected(api_error(c.error(), "$.contrat"));
    auto s = aci::compute_schedule(*c, rulebook());
    if (!s) return err(s);
    json out = impl_->schedule_json(aci::CptsContract{}, *s);
    out["contract"] = impl_->contract_summary(*row);
    return out;
  }
  auto l = impl_->loaded(who, id);
  if (!l) return err(l);
  json out = impl_->schedule_json(l->contract, l->schedule);
  out["contract"] = impl_->contract_summary(l->row);
  return out;
}

Result<std::string> AciService::schedule_csv(const Principal& who, std::int64_t id) {
  auto row = impl_->access(who, id);
  if (!row) return err(row);
  if (row->kind != "cpts") {
    auto c = aci::parse_contract(row->document.dump(), "contrat", rulebook());
    if (!c) return tl::unexpected(api_error(c.error(), "$.contrat"));
    auto s = aci::compute_schedule(*c, rulebook());
    if (!s) return err(s);
    return aci::schedule_csv(*s);
  }
  auto l = impl_->loaded(who, id);
  if (!l) return err(l);
  return aci::schedule_csv(l->schedule);
}

Result<json> AciService::indicators(const Principal& who, std::int64_t id,
                                    std::optional<std::int64_t> version) {
  auto l = impl_->loaded(who, id, version);
  if (!l) return err(l);
  json years = json::array();
  for (int y = 1; y <= impl_->duration(l->contract); ++y) {
    json s = impl_->sheet(l->contract, l->schedule, l->measures, y);
    if (s["missions"].empty()) continue;
    years.push_back(std::move(s));
  }
  std::int64_t number = version.value_or(l->versions.empty() ? 0 : l->versions.back().number);
  return json{{"contract", impl_->contract_summary(l->row)},
              {"version", number},
              {"latest_version", l->versions.empty() ? 0 : l->versions.back().number},
              {"years", std::move(years)},
              {"notes", l->schedule.notes}};
}

Result<std::int64_t> AciService::set_measure(const Principal& who, std::int64_t id,
                                             const MeasureInput& in) {
  auto l = impl_->loaded(who, id);
  if (!l) return err(l);
  if (is_read_only(who) || !role_may(who.role, Act::measure)) {
    return forbidden("votre rôle ne permet pas de saisir une valeur mesurée");
  }
  const aci::Indicator* ind = find_indicator(l->contract, in.mission, in.indicator);
  if (ind == nullptr) {
    bool mission_known = std::any_of(l->contract.missions.begin(), l->contract.missions.end(),
                                     [&](const auto& m) { return m.mission == in.mission; });
    return mission_known ? invalid("$.indicator", fmt::format("indicateur « {} » inconnu pour la mission « {} »",
                                                              in.indicator, in.mission))
                         : invalid("$.mission", fmt::format("mission « {} » absente du contrat", in.mission));
  }
  if (find_year(*ind, in.year) == nullptr) {
    return invalid("$.year", fmt::format("l'indicateur « {} » n'a pas de cible pour l'année {}",
                                         in.indicator, in.year));
  }
  if (in.measured && (!std::isfinite(*in.measured) || std::fabs(*in.measured) > 1e12)) {
    return invalid("$.measured", "valeur mesurée hors limites");
  }
  // The engine's own bounds (e.g. a rate above 100) are checked by parsing the contract with it.
  Measures with = l->measures;
  with[{in.mission, in.indicator, in.year}].value = in.measured;
  json indicators = l->versions.empty() ? json::object() : l->versions.back().indicators;
  if (auto c = parse_cpts(merge_document(l->row.document, indicators, with), "$"); !c) {
    return invalid("$.measured", c.error().message);
  }
  std::int64_t new_version = 0;
  auto st = impl_->db.transact([&](Tx& tx) -> Status {
    std::string now = store::timestamp_now();
    store::Params key{id, in.mission, in.indicator, std::int64_t{in.year}};
    auto cur = tx.query(
        "SELECT version, measured FROM aci_measures WHERE contract_id = $1 AND mission = $2 AND "
        "indicator = $3 AND year = $4",
        key);
    if (!cur) return err(cur);
    store::Value value = in.measured ? store::Value{*in.measured} : store::Value{nullptr};
    std::string before;
    if (cur->empty()) {
      if (in.version != 0) return conflict("cette valeur a été supprimée entre-temps : rechargez");
      auto r = tx.exec(
          "INSERT INTO aci_measures (contract_id, mission, indicator, year, measured, updated_at, "
          "updated_by) VALUES ($1, $2, $3, $4, $5, $6, $7)",
          {id, in.mission, in.indicator, std::int64_t{in.year}, value, now, who.login});
      if (!r) return err(r);
      new_version = 1;
    } else {
      std::int64_t current = cur->rows[0].integer(0);
      if (current != in.version) {
        return conflict(fmt::format(
            "la valeur a été modifiée par quelqu'un d'autre (version {} au lieu de {}) : rechargez",
            current, in.version));
      }
      before = cur->rows[0].is_null(1) ? "null" : json(cur->rows[0].real(1)).dump();
      auto r = tx.exec(
          "UPDATE aci_measures SET measured = $1, version = version + 1, updated_at = $2, "
          "updated_by = $3 WHERE contract_id = $4 AND mission = $5 AND indicator = $6 AND "
          "year = $7 AND version = $8",
          {value, now, who.login, id, in.mission, in.indicator, std::int64_t{in.year}, current});
      if (!r) return err(r);
      if (*r == 0) return conflict("la valeur a été modifiée entre-temps : rechargez");
      new_version = current + 1;
    }
    return store::audit(
        tx, {who.login, "aci.measure.set", "aci_contract", std::to_string(id), before,
             json{{"mission", in.mission}, {"indicator", in.indicator}, {"year", in.year},
                  {"measured", in.measured ? json(*in.measured) : json(nullptr)}}
                 .dump()});
  });
  if (!st) return err(st);
  return new_version;
}

Result<std::int64_t> AciService::agree_change(const Principal& who, std::int64_t id,
                                              const AgreedChange& in) {
  auto l = impl_->loaded(who, id);
  if (!l) return err(l);
  if (is_read_only(who) || !role_may(who.role, Act::agree)) {
    return forbidden("votre rôle ne permet pas d'enregistrer une modification convenue");
  }
  if (in.reason.empty()) return fail(ErrorCode::missing_field, "motif obligatoire", "$.reason");
  if (in.changes.empty()) return invalid("$.changes", "aucune modification");
  if (in.year != 0) {
    if (auto ok = impl_->check_year(l->contract, in.year); !ok) return invalid("$.year", ok.error().message);
  }
  std::int64_t latest = l->versions.empty() ? 0 : l->versions.back().number;
  if (in.based_on != latest) {
    return conflict(fmt::format(
        "les indicateurs ont changé depuis votre lecture (version {} au lieu de {}) : rechargez",
        latest, in.based_on));
  }
  json indicators = l->versions.empty() ? json::object() : l->versions.back().indicators;
  for (std::size_t i = 0; i < in.changes.size(); ++i) {
    const TargetChange& ch = in.changes[i];
    std::string path = fmt::format("$.changes[{}]", i);
    if (!indicators.contains(ch.mission)) {
      return invalid(path + ".mission",
                     fmt::format("mission « {} » sans indicateur au contrat", ch.mission));
    }
    json* target = nullptr;
    for (auto& ind : indicators[ch.mission]) {
      if (ind.value("id", "") == ch.indicator) target = &ind;
    }
    if (target == nullptr) {
      return invalid(path + ".indicator", fmt::format("indicateur « {} » inconnu", ch.indicator));
    }
    if (ch.paliers.empty()) return fail(ErrorCode::missing_field, "paliers obligatoires", path + ".paliers");
    for (std::size_t k = 0; k < ch.paliers.size(); ++k) {
      if (!std::isfinite(ch.paliers[k])) return invalid(fmt::format("{}.paliers[{}]", path, k), "nombre attendu");
    }
    json& years = (*target)["years"];
    bool found = false;
    for (auto& y : years) {
      if (y.value("year", 0) == ch.year) {
        y["paliers"] = ch.paliers;
        found = true;
      }
    }
    if (!found) years.push_back({{"year", ch.year}, {"paliers", ch.paliers}});
  }
  // The engine validates the new targets (ordering, direction, years within the contract).
  auto c = parse_cpts(merge_document(l->row.document, indicators, l->measures), "$");
  if (!c) return tl::unexpected(Error{ErrorCode::invalid_input, c.error().message, "$.changes", {}, 0});
  auto diff = aci::diff_indicators(l->contract, *c);
  if (diff.empty()) return invalid("$.changes", "ces cibles sont déjà celles de la version en cours");
  std::int64_t number = latest + 1;
  auto st = impl_->db.transact([&](Tx& tx) -> Status {
    std::string now = store::timestamp_now();
    auto r = tx.exec(
        "INSERT INTO aci_indicator_versions (contract_id, number, indicators, reason, year, "
        "agreed_by, agreed_role, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {id, number, indicators.dump(), in.reason, std::int64_t{in.year}, who.login,
         std::string(role_id(who.role)), now});
    if (!r) {
      if (r.error().code == ErrorCode::conflict) {
        return conflict("une autre modification convenue vient d'être enregistrée : rechargez");
      }
      return err(r);
    }
    json changes = json::array();
    for (const auto& d : diff) {
      changes.push_back({{"mission", d.mission}, {"indicator", d.indicator}, {"year", d.year},
                         {"what", d.what}, {"before", d.before}, {"after", d.after}});
    }
    return store::audit(tx, {who.login, "aci.indicators.agree", "aci_contract", std::to_string(id),
                             json{{"version", latest}}.dump(),
                             json{{"version", number}, {"reason", in.reason}, {"changes", changes}}
                                 .dump()});
  });
  if (!st) return err(st);
  return number;
}

// ---------------------------------------------------------------------------------------------

Result<json> AciService::workspace(const Principal& who, std::int64_t id, int year) {
  auto l = impl_->loaded(who, id);
  if (!l) return err(l);
  if (auto ok = impl_->check_year(l->contract, year); !ok) return err(ok);
  const aci::CptsContract& c = l->contract;
  json out;
  out["contract"] = impl_->contract_summary(l->row);
  out["permissions"] = impl_->permissions(who, l->row);
  out["year"] = year;
  out["period"] = {{"from", aci::format_date(aci::anniversary(c, year - 1))},
                   {"to", aci::format_date(aci::anniversary(c, year))}};
  json years = json::array();
  for (int y = 1; y <= impl_->duration(c); ++y) years.push_back({{"year", y}, {"current", y == year}});
  out["years"] = std::move(years);

  auto ws = impl_->db.query(
      "SELECT id, dialogue_date, minutes, version, updated_at, updated_by FROM dialogue_workspaces "
      "WHERE contract_id = $1 AND year = $2",
      {id, std::int64_t{year}});
  if (!ws) return err(ws);
  std::int64_t wid = 0;
  if (ws->empty()) {
    out["workspace"] = {{"version", 0}, {"dialogue_date", ""}, {"minutes", ""},
                        {"updated_at", ""}, {"updated_by", ""}};
  } else {
    const auto& r = ws->rows[0];
    wid = r.integer(0);
    out["workspace"] = {{"version", r.integer(3)}, {"dialogue_date", r.text(1)},
                        {"minutes", r.text(2)}, {"updated_at", r.text(4)},
                        {"updated_by", r.text(5)}};
  }

  // Comments and attachments by item.
  std::map<std::string, json> comments, attachments;
  json all_comments = json::array();
  if (wid != 0) {
    auto cr = impl_->db.query(
        "SELECT id, item, author_login, author_name, author_role, body, created_at "
        "FROM dialogue_comments WHERE workspace_id = $1 ORDER BY created_at, id",
        {wid});
    if (!cr) return err(cr);
    for (const auto& r : cr->rows) {
      json cm{{"id", r.integer(0)},     {"item", r.text(1)},
              {"author", r.text(3)},    {"author_login", r.text(2)},
              {"role", role_text(r.text(4))},
              {"side", r.text(4) == "coordinator" || r.text(4) == "member" ? "structure" : "financeur"},
              {"body", r.text(5)},      {"created_at", r.text(6)}};
      if (!comments.count(r.text(1))) comments[r.text(1)] = json::array();
      comments[r.text(1)].push_back(cm);
      all_comments.push_back(std::move(cm));
    }
    auto ar = impl_->db.query(
        "SELECT id, item, filename, content_type, size_bytes, uploaded_by, created_at "
        "FROM dialogue_attachments WHERE workspace_id = $1 ORDER BY id",
        {wid});
    if (!ar) return err(ar);
    for (const auto& r : ar->rows) {
      json a{{"id", r.integer(0)},
             {"item", r.text(1)},
             {"filename", r.text(2)},
             {"content_type", r.text(3)},
             {"size_bytes", r.integer(4)},
             {"size_text", fmt::format("{} Kio", (r.integer(4) + 1023) / 1024)},
             {"uploaded_by", r.text(5)},
             {"created_at", r.text(6)},
             {"href", fmt::format("/api/v1/aci/contracts/{}/dialogues/{}/pieces/{}", id, year,
                                  r.integer(0))}};
      if (!attachments.count(r.text(1))) attachments[r.text(1)] = json::array();
      attachments[r.text(1)].push_back(std::move(a));
    }
  }
  auto of = [](std::map<std::string, json>& m, const std::string& item) {
    auto it = m.find(item);
    return it == m.end() ? json::array() : it->second;
  };

  json sheet = impl_->sheet(c, l->schedule, l->measures, year);
  for (auto& m : sheet["missions"]) {
    for (auto& i : m["indicators"]) {
      std::string item = i["item"];
      i["comments"] = of(comments, item);
      i["attachments"] = of(attachments, item);
      i["mission"] = m["mission"];
    }
  }
  out["sheet"] = std::move(sheet);

  // Budget: expected from the schedule for this contract year, received and spent entered.
  std::map<std::string, json> budget;
  std::vector<std::string> order;
  for (const auto& p : l->schedule.payments) {
    if (p.contract_year != year) continue;
    if (!budget.count(p.envelope)) {
      order.push_back(p.envelope);
      budget[p.envelope] = {{"envelope", p.envelope}, {"label", envelope_label(c, p.envelope)},
                            {"expected_cents", 0}, {"received_cents", 0}, {"spent_cents", 0},
                            {"version", 0}, {"due", json::array()}};
    }
    json& b = budget[p.envelope];
    b["expected_cents"] = b["expected_cents"].get<std::int64_t>() + p.amount;
    b["due"].push_back({{"date", aci::format_date(p.date)}, {"kind", std::string(aci::to_string(p.kind))},
                        {"amount", euros(p.amount)}});
  }
  if (wid != 0) {
    auto br = impl_->db.query(
        "SELECT envelope, received_cents, spent_cents, version FROM dialogue_budget "
        "WHERE workspace_id = $1 ORDER BY envelope",
        {wid});
    if (!br) return err(br);
    for (const auto& r : br->rows) {
      std::string env = r.text(0);
      if (!budget.count(env)) {
        order.push_back(env);
        budget[env] = {{"envelope", env}, {"label", envelope_label(c, env)}, {"expected_cents", 0},
                       {"due", json::array()}};
      }
      budget[env]["received_cents"] = r.integer(1);
      budget[env]["spent_cents"] = r.integer(2);
      budget[env]["version"] = r.integer(3);
    }
  }
  json budget_lines = json::array();
  std::int64_t te = 0, tr = 0, ts = 0;
  for (const auto& env : order) {
    json b = budget[env];
    std::int64_t e = b["expected_cents"], r = b["received_cents"], s = b["spent_cents"];
    te += e;
    tr += r;
    ts += s;
    b["expected"] = euros(e);
    b["received"] = euros(r);
    b["spent"] = euros(s);
    b["received_input"] = aci::format_cents(r);
    b["spent_input"] = aci::format_cents(s);
    b["remaining"] = euros(r - s);
    b["item"] = "budget:" + env;
    b["comments"] = of(comments, "budget:" + env);
    budget_lines.push_back(std::move(b));
  }
  out["budget"] = {{"lines", std::move(budget_lines)},
                   {"expected", euros(te)},
                   {"received", euros(tr)},
                   {"spent", euros(ts)},
                   {"remaining", euros(tr - ts)}};

  // Fiches action.
  json fiches = json::array();
  if (wid != 0) {
    auto fr = impl_->db.query(
        "SELECT id, mission, title, description, status, version, updated_at, updated_by "
        "FROM dialogue_fiches WHERE workspace_id = $1 ORDER BY id",
        {wid});
    if (!fr) return err(fr);
    static const std::map<std::string, std::string> labels{{"a_lancer", "À lancer"},
                                                           {"en_cours", "En cours"},
                                                           {"realisee", "Réalisée"},
                                                           {"abandonnee", "Abandonnée"}};
    for (const auto& r : fr->rows) {
      std::string item = fmt::format("fiche:{}", r.integer(0));
      json statuses = json::array();
      for (auto [sid, lab] : labels) {
        statuses.push_back({{"id", sid}, {"label", lab}, {"selected", sid == r.text(4)}});
      }
      fiches.push_back({{"id", r.integer(0)},
                        {"mission", r.text(1)},
                        {"mission_label", mission_label(c, r.text(1))},
                        {"title", r.text(2)},
                        {"description", r.text(3)},
                        {"status", r.text(4)},
                        {"status_label", labels.at(r.text(4))},
                        {"statuses", std::move(statuses)},
                        {"version", r.integer(5)},
                        {"updated_at", r.text(6)},
                        {"updated_by", r.text(7)},
                        {"item", item},
                        {"comments", of(comments, item)},
                        {"attachments", of(attachments, item)}});
    }
  }
  out["fiches"] = std::move(fiches);

  // Adjustment proposals, compared on the current targets.
  json adjustments = json::array();
  if (wid != 0) {
    auto ar = impl_->db.query(
        "SELECT id, mission, indicator, fact, fact_label, fact_before, fact_after, rationale, "
        "proposed_by, proposed_role, created_at FROM dialogue_adjustments WHERE workspace_id = $1 "
        "ORDER BY id",
        {wid});
    if (!ar) return err(ar);
    for (const auto& r : ar->rows) {
      json row{{"id", r.integer(0)},         {"mission", r.text(1)},
               {"indicator", r.text(2)},     {"year", year},
               {"fact", r.text(3)},          {"fact_label", r.text(4)},
               {"fact_before", r.real(5)},   {"fact_after", r.real(6)},
               {"rationale", r.text(7)},     {"proposed_by", r.text(8)},
               {"proposed_role", role_text(r.text(9))}, {"created_at", r.text(10)}};
      json a = impl_->adjustment_json(c, row);
      a["comments"] = of(comments, a["item"]);
      adjustments.push_back(std::move(a));
    }
  }
  out["adjustments"] = std::move(adjustments);

  // Indicator versions, each with what changed from the previous one.
  json versions = json::array();
  std::optional<aci::CptsContract> previous;
  for (const auto& v : l->versions) {
    auto vc = parse_cpts(merge_document(l->row.document, v.indicators, {}), "$");
    json changes = json::array();
    if (vc && previous) {
      for (const auto& d : aci::diff_indicators(*previous, *vc)) {
        changes.push_back({{"mission", d.mission}, {"mission_label", mission_label(c, d.mission)},
                           {"indicator", d.indicator},
                           {"year", d.year != 0 ? json(d.year) : json(nullptr)}, {"what", d.what},
                           {"before", d.before}, {"after", d.after}});
      }
    }
    if (vc) previous = std::move(*vc);
    versions.push_back({{"number", v.number},
                        {"reason", v.reason},
                        {"year", v.year},
                        {"agreed_by", v.agreed_by},
                        {"agreed_role", role_text(v.agreed_role)},
                        {"created_at", v.created_at},
                        {"current", &v == &l->versions.back()},
                        {"changes", std::move(changes)}});
  }
  std::reverse(versions.begin(), versions.end());  // newest first
  out["indicator_versions"] = std::move(versions);
  out["indicator_version"] = l->versions.empty() ? 0 : l->versions.back().number;
  out["general_comments"] = of(comments, "general");
  out["general_attachments"] = of(attachments, "general");
  out["comments"] = std::move(all_comments);
  out["notes"] = l->schedule.notes;
  out["schedule"] = impl_->schedule_json(c, l->schedule);
  // The territory's population now, for the adjustment form (population fact).
  std::int64_t population_now = 0;
  for (const auto& code : l->row.communes) {
    if (const auto* cm = impl_->ref.commune(code)) population_now += cm->population;
  }
  out["territory"] = {{"population_signature", c.population.value_or(0)},
                      {"population_now", population_now},
                      {"communes", l->row.communes.size()}};
  return out;
}

Result<std::int64_t> AciService::update_workspace(const Principal& who, std::int64_t id, int year,
                                                  const WorkspaceUpdate& in) {
  auto l = impl_->loaded(who, id);
  if (!l) return err(l);
  if (auto ok = impl_->check_year(l->contract, year); !ok) return err(ok);
  if (is_read_only(who) || !role_may(who.role, Act::minutes)) {
    return forbidden("votre rôle ne permet pas de modifier le compte rendu");
  }
  if (in.dialogue_date && !in.dialogue_date->empty() && !aci::parse_date(*in.dialogue_date)) {
    return invalid("$.dialogue_date", "date invalide (format AAAA-MM-JJ)");
  }
  if (in.minutes && in.minutes->size() > impl_->limits.max_minutes_chars) {
    return invalid("$.minutes", fmt::format("compte rendu limité à {} caractères",
                                            impl_->limits.max_minutes_chars));
  }
  std::int64_t new_version = 0;
  auto st = impl_->db.transact([&](Tx& tx) -> Status {
    auto wid = impl_->workspace_id(tx, id, year, who.login, in.version == 0);
    if (!wid) return err(wid);
    if (*wid == 0) return conflict("ce dialogue n'existe plus : rechargez");
    auto cur = tx.query("SELECT version, dialogue_date, minutes FROM dialogue_workspaces WHERE id = $1",
                        {*wid});
    if (!cur) return err(cur);
    std::int64_t current = cur->rows.at(0).integer(0);
    // A workspace created just now by this call is at version 1 and was read as 0.
    std::int64_t expected = in.version == 0 ? 1 : in.version;
    if (current != expected) {
      return conflict(fmt::format(
          "le dialogue a été modifié par quelqu'un d'autre (version {} au lieu de {}) : rechargez",
          current, in.version));
    }
    std::string date = in.dialogue_date.value_or(cur->rows[0].text(1));
    std::string minutes = in.minutes.value_or(cur->rows[0].text(2));
    auto n = tx.exec(
        "UPDATE dialogue_workspaces SET dialogue_date = $1, minutes = $2, version = version + 1, "
        "updated_at = $3, updated_by = $4 WHERE id = $5 AND version = $6",
        {date, minutes, store::timestamp_now(), who.login, *wid, current});
    if (!n) return err(n);
    if (*n == 0) return conflict("le dialogue a été modifié entre-temps : rechargez");
    new_version = current + 1;
    return store::audit(tx, {who.login, "dialogue.update", "dialogue_workspace",
                             std::to_string(*wid),
                             json{{"dialogue_date", cur->rows[0].text(1)},
                                  {"minutes_chars", cur->rows[0].text(2).size()}}
                                 .dump(),
                             json{{"dialogue_date", date}, {"minutes_chars", minutes.size()}}.dump()});
  });
  if (!st) return err(st);
  return new_version;
}

Result<std::int64_t> AciService::add_comment(const Principal& who, std::int64_t id, int year,
                                             const std::string& item, const std::string& body) {
  auto row = impl_->access(who, id, Act::comment);
  if (!row) return err(row);
  if (!valid_item(item) || item.size() > 200) {
    return invalid("$.item", "élément inconnu (general, indicateur:…, budget:…, fiche:…, ajustement:…)");
  }
  if (body.empty()) return fail(ErrorCode::missing_field, "commentaire vide", "$.body");
  if (body.size() > impl_->limits.max_comment_chars) {
    return invalid("$.body", fmt::format("commentaire limité à {} caractères",
                                         impl_->limits.max_comment_chars));
  }
  auto l = impl_->loaded(who, id);
  if (!l) return err(l);
  if (auto ok = impl_->check_year(l->contract, year); !ok) return err(ok);
  std::int64_t cid = 0;
  auto st = impl_->db.transact([&](Tx& tx) -> Status {
    auto wid = impl_->workspace_id(tx, id, year, who.login, true);
    if (!wid) return err(wid);
    auto r = tx.query(
        "INSERT INTO dialogue_comments (workspace_id, item, author_login, author_name, author_role, "
        "body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        {*wid, item, who.login, who.display_name, std::string(role_id(who.role)), body,
         store::timestamp_now()});
    if (!r) return err(r);
    cid = r->rows.at(0).integer(0);
    return store::audit(tx, {who.login, "dialogue.comment", "dialogue_workspace",
                             std::to_string(*wid), "",
                             json{{"comment", cid}, {"item", item}}.dump()});
  });
  if (!st) return err(st);
  return cid;
}

Result<std::int64_t> AciService::add_attachment(const Principal& who, std::int64_t id, int year,
                                                const AttachmentInput& in) {
  auto row = impl_->access(who, id, Act::attach);
  if (!row) return err(row);
  if (!valid_item(in.item)) return invalid("$.item", "élément inconnu");
  static const std::set<std::string> types{
      "application/pdf",  "image/png", "image/jpeg", "text/csv", "text/plain",
      "application/vnd.oasis.opendocument.text",
      "application/vnd.oasis.opendocument.spreadsheet",
      "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document"};
  if (!types.count(in.content_type)) {
    return invalid("$.content_type", "type de fichier non accepté (PDF, PNG, JPEG, CSV, texte, ODT, ODS, XLSX, DOCX)");
  }
  if (in.filename.empty() || in.filename.size() > 200 ||
      in.filename.find_first_of("/\\\r\n\"") != std::string::npos) {
    return invalid("$.filename", "nom de fichier invalide");
  }
  auto bytes = base64::decode(in.content_base64);
  if (!bytes) return invalid("$.content_base64", "contenu base64 invalide");
  if (bytes->size() > impl_->limits.max_attachment_bytes) {
    return invalid("$.content_base64", fmt::format("fichier trop volumineux ({} Kio au plus)",
                                                   impl_->limits.max_attachment_bytes / 1024));
  }
  if (bytes->empty()) return invalid("$.content_base64", "fichier vide");
  auto l = impl_->loaded(who, id);
  if (!l) return err(l);
  if (auto ok = impl_->check_year(l->contract, year); !ok) return err(ok);
  std::int64_t aid = 0;
  auto st = impl_->db.transact([&](Tx& tx) -> Status {
    auto wid = impl_->workspace_id(tx, id, year, who.login, true);
    if (!wid) return err(wid);
    auto r = tx.query(
        "INSERT INTO dialogue_attachments (workspace_id, item, filename, content_type, size_bytes, "
        "content_base64, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
        "RETURNING id",
        {*wid, in.item, in.filename, in.content_type, static_cast<std::int64_t>(bytes->size()),
         base64::encode(*bytes), who.login, store::timestamp_now()});
    if (!r) return err(r);
    aid = r->rows.at(0).integer(0);
    return store::audit(tx, {who.login, "dialogue.attach", "dialogue_workspace",
                             std::to_string(*wid), "",
                             json{{"attachment", aid}, {"item", in.item}, {"filename", in.filename},
                                  {"size", bytes->size()}}
                                 .dump()});
  });
  if (!st) return err(st);
  return aid;
}

Result<AttachmentFile> AciService::attachment(const Principal& who, std::int64_t id, int year,
                                              std::int64_t attachment_id) {
  auto row = impl_->access(who, id);
  if (!row) return err(row);
  auto r = impl_->db.query(
      "SELECT a.filename, a.content_type, a.content_base64 FROM dialogue_attachments a "
      "JOIN dialogue_workspaces w ON w.id = a.workspace_id "
      "WHERE a.id = $1 AND w.contract_id = $2 AND w.year = $3",
      {attachment_id, id, std::int64_t{year}});
  if (!r) return err(r);
  if (r->empty()) return fail(ErrorCode::not_found, "pièce introuvable");
  auto bytes = base64::decode(r->rows[0].text(2));
  if (!bytes) return fail(ErrorCode::internal, "pièce illisible");
  return AttachmentFile{r->rows[0].text(0), r->rows[0].text(1), std::move(*bytes)};
}

Result<std::int64_t> AciService::set_budget(const Principal& who, std::int64_t id, int year,
                                            const BudgetInput& in) {
  auto l = impl_->loaded(who, id);
  if (!l) return err(l);
  if (is_read_only(who) || !role_may(who.role, Act::budget)) {
    return forbidden("votre rôle ne permet pas de saisir le budget");
  }
  if (auto ok = impl_->check_year(l->contract, year); !ok) return err(ok);
  if (in.received_cents < 0) return invalid("$.received", "montant négatif");
  if (in.spent_cents < 0) return invalid("$.spent", "montant négatif");
  if (in.received_cents > aci::kMaxCents) return invalid("$.received", "montant trop grand");
  if (in.spent_cents > aci::kMaxCents) return invalid("$.spent", "montant trop grand");
  // Envelopes are those of the schedule ("fonctionnement", "parcours.fixe", ...).
  bool known = false;
  for (const auto& p : l->schedule.payments) known = known || p.envelope == in.envelope;
  if (!known) {
    return invalid("$.envelope", fmt::format("enveloppe « {} » absente de l'échéancier", in.envelope));
  }
  std::int64_t new_version = 0;
  auto st = impl_->db.transact([&](Tx& tx) -> Status {
    auto wid = impl_->workspace_id(tx, id, year, who.login, true);
    if (!wid) return err(wid);
    std::string now = store::timestamp_now();
    auto cur = tx.query(
        "SELECT version, received_cents, spent_cents FROM dialogue_budget WHERE workspace_id = $1 "
        "AND envelope = $2",
        {*wid, in.envelope});
    if (!cur) return err(cur);
    std::string before;
    if (cur->empty()) {
      if (in.version != 0) return conflict("cette ligne de budget n'existe plus : rechargez");
      auto r = tx.exec(
          "INSERT INTO dialogue_budget (workspace_id, envelope, received_cents, spent_cents, "
          "updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6)",
          {*wid, in.envelope, in.received_cents, in.spent_cents, now, who.login});
      if (!r) return err(r);
      new_version = 1;
    } else {
      std::int64_t current = cur->rows[0].integer(0);
      if (current != in.version) {
        return conflict(fmt::format(
            "le budget a été modifié par quelqu'un d'autre (version {} au lieu de {}) : rechargez",
            current, in.version));
      }
      before = json{{"received", cur->rows[0].integer(1)}, {"spent", cur->rows[0].integer(2)}}.dump();
      auto r = tx.exec(
          "UPDATE dialogue_budget SET received_cents = $1, spent_cents = $2, version = version + 1, "
          "updated_at = $3, updated_by = $4 WHERE workspace_id = $5 AND envelope = $6 AND version = $7",
          {in.received_cents, in.spent_cents, now, who.login, *wid, in.envelope, current});
      if (!r) return err(r);
      if (*r == 0) return conflict("le budget a été modifié entre-temps : rechargez");
      new_version = current + 1;
    }
    return store::audit(tx, {who.login, "dialogue.budget", "dialogue_workspace",
                             std::to_string(*wid), before,
                             json{{"envelope", in.envelope}, {"received", in.received_cents},
                                  {"spent", in.spent_cents}}
                                 .dump()});
  });
  if (!st) return err(st);
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
  if (!known) return invalid("$.mission", fmt::format("mission « {} » absente du contrat", in.mission));
  return {};
}
}  // namespace

Result<std::int64_t> AciService::add_fiche(const Principal& who, std::int64_t id, int year,
                                           const FicheInput& in) {
  auto l = impl_->loaded(who, id);
  if (!l) return err(l);
  if (is_read_only(who) || !role_may(who.role, Act::fiche)) {
    return forbidden("votre rôle ne permet pas de gérer les fiches action");
  }
  if (auto ok = impl_->check_year(l->contract, year); !ok) return err(ok);
  if (auto ok = check_fiche(in, l->contract); !ok) return err(ok);
  std::int64_t fid = 0;
  auto st = impl_->db.transact([&](Tx& tx) -> Status {
    auto wid = impl_->workspace_id(tx, id, year, who.login, true);
    if (!wid) return err(wid);
    std::string now = store::timestamp_now();
    auto r = tx.query(
        "INSERT INTO dialogue_fiches (workspace_id, mission, title, description, status, "
        "created_at, updated_at, updated_by) VALUES ($1, $2, $3, $4, $5, $6, $6, $7) RETURNING id",
        {*wid, in.mission, in.title, in.description, in.status, now, who.login});
    if (!r) return err(r);
    fid = r->rows.at(0).integer(0);
    return store::audit(tx, {who.login, "dialogue.fiche.create", "dialogue_fiche",
                             std::to_string(fid), "",
                             json{{"title", in.title}, {"status", in.status}}.dump()});
  });
  if (!st) return err(st);
  return fid;
}

Result<std::int64_t> AciService::update_fiche(const Principal& who, std::int64_t id, int year,
                                              std::int64_t fiche_id, const FicheInput& in) {
  auto l = impl_->loaded(who, id);
  if (!l) return err(l);
  if (is_read_only(who) || !role_may(who.role, Act::fiche)) {
    return forbidden("votre rôle ne permet pas de gérer les fiches action");
  }
  if (auto ok = check_fiche(in, l->contract); !ok) return err(ok);
  std::int64_t new_version = 0;
  auto st = impl_->db.transact([&](Tx& tx) -> Status {
    auto cur = tx.query(
        "SELECT f.version, f.title, f.status FROM dialogue_fiches f JOIN dialogue_workspaces w "
        "ON w.id = f.workspace_id WHERE f.id = $1 AND w.contract_id = $2 AND w.year = $3",
        {fiche_id, id, std::int64_t{year}});
    if (!cur) return err(cur);
    if (cur->empty()) return fail(ErrorCode::not_found, "fiche action introuvable");
    std::int64_t current = cur->rows[0].integer(0);
    if (current != in.version) {
      return conflict(fmt::format(
          "la fiche a été modifiée par quelqu'un d'autre (version {} au lieu de {}) : rechargez",
          current, in.version));
    }
    auto n = tx.exec(
        "UPDATE dialogue_fiches SET mission = $1, title = $2, description = $3, status = $4, "
        "version = version + 1, updated_at = $5, updated_by = $6 WHERE id = $7 AND version = $8",
        {in.mission, in.title, in.description, in.status, store::timestamp_now(), who.login,
         fiche_id, current});
    if (!n) return err(n);
    if (*n == 0) return conflict("la fiche a été modifiée entre-temps : rechargez");
    new_version = current + 1;
    return store::audit(tx, {who.login, "dialogue.fiche.update", "dialogue_fiche",
                             std::to_string(fiche_id),
                             json{{"title", cur->rows[0].text(1)}, {"status", cur->rows[0].text(2)}}
                                 .dump(),
                             json{{"title", in.title}, {"status", in.status}}.dump()});
  });
  if (!st) return err(st);
  return new_version;
}

Result<json> AciService::propose_adjustment(const Principal& who, std::int64_t id, int year,
                                            const AdjustmentInput& in) {
  auto l = impl_->loaded(who, id);
  if (!l) return err(l);
  if (is_read_only(who) || !role_may(who.role, Act::adjust)) {
    return forbidden("votre rôle ne permet pas de proposer un ajustement");
  }
  if (auto ok = impl_->check_year(l->contract, year); !ok) return err(ok);
  static const std::map<std::string, std::string> facts{
      {"population", "Population du territoire"},
      {"medecins_generalistes", "Médecins généralistes du territoire"},
      {"autre", "Autre donnée du territoire"}};
  if (!facts.count(in.fact)) {
    return invalid("$.fact", "donnée inconnue (population, medecins_generalistes, autre)");
  }
  double before = 0, after = 0;
  if (in.fact_before) {
    before = *in.fact_before;
  } else if (in.fact == "population" && l->contract.population) {
    before = static_cast<double>(*l->contract.population);
  } else if (in.fact == "medecins_generalistes" && !l->row.communes.empty()) {
    before = 0;  // from the RPPS snapshots below
  } else {
    return fail(ErrorCode::missing_field, "valeur de référence obligatoire", "$.fact_before");
  }
  std::string auto_label;
  if (in.fact == "medecins_generalistes" && (!in.fact_before || !in.fact_after) &&
      !l->row.communes.empty()) {
    // Office-based GPs of the territory (FTE: each person counted once) in the oldest and the
    // newest RPPS snapshots.
    auto snaps = list_rpps_snapshots(impl_->db);
    if (!snaps) return err(snaps);
    if (snaps->size() >= 2) {
      auto gps = [&](std::int64_t snapshot) -> Result<double> {
        auto counts = rpps_counts_by_commune(impl_->db, snapshot, l->row.communes);
        if (!counts) return err(counts);
        double fte = 0;
        for (const auto& cnt : *counts) {
          if (cnt.general_practitioner && cnt.ambulatory) fte += cnt.fte;
        }
        return std::round(fte * 10) / 10;  // tenths of an FTE, as shown
      };
      const auto& oldest = snaps->back();
      const auto& newest = snaps->front();
      if (!in.fact_before) {
        auto v = gps(oldest.id);
        if (!v) return err(v);
        if (*v > 0) before = *v;
      }
      auto v = gps(newest.id);
      if (!v) return err(v);
      if (*v > 0) after = *v;
      auto_label = fmt::format("Médecins généralistes libéraux (ETP, RPPS du {} au {})",
                               oldest.date(), newest.date());
    }
    if (in.fact_before) before = *in.fact_before;
  }
  if (in.fact_after) {
    after = *in.fact_after;
  } else if (after > 0) {
    // From the RPPS snapshots above.
  } else if (in.fact == "population" && !l->row.communes.empty()) {
    // The territory's population in the référentiel now (same communes as at signature).
    for (const auto& code : l->row.communes) {
      if (const auto* cm = impl_->ref.commune(code)) after += static_cast<double>(cm->population);
    }
  } else {
    return fail(ErrorCode::missing_field, "nouvelle valeur obligatoire", "$.fact_after");
  }
  if (before <= 0) {
    return fail(ErrorCode::missing_field,
                "valeur de référence obligatoire (pas deux relevés RPPS pour ce territoire)",
                "$.fact_before");
  }
  aci::TargetAdjustment t{in.mission, in.indicator, year, before, after};
  auto cmp = aci::compare_adjustment(l->contract, rulebook(), t);
  if (!cmp) {
    Error e = cmp.error();
    e.field = "$." + e.field;
    return tl::unexpected(e);
  }
  if (in.rationale.size() > 4000) return invalid("$.rationale", "argumentaire trop long");
  std::string label = !in.fact_label.empty() ? in.fact_label
                      : !auto_label.empty() ? auto_label
                                            : facts.at(in.fact);
  std::int64_t aid = 0;
  std::string created = store::timestamp_now();
  auto st = impl_->db.transact([&](Tx& tx) -> Status {
    auto wid = impl_->workspace_id(tx, id, year, who.login, true);
    if (!wid) return err(wid);
    auto r = tx.query(
        "INSERT INTO dialogue_adjustments (workspace_id, mission, indicator, fact, fact_label, "
        "fact_before, fact_after, rationale, proposed_by, proposed_role, created_at) "
        "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        {*wid, in.mission, in.indicator, in.fact, label, before, after, in.rationale, who.login,
         std::string(role_id(who.role)), created});
    if (!r) return err(r);
    aid = r->rows.at(0).integer(0);
    return store::audit(tx, {who.login, "dialogue.adjustment", "dialogue_workspace",
                             std::to_string(*wid), "",
                             json{{"adjustment", aid}, {"mission", in.mission},
                                  {"indicator", in.indicator}, {"fact", in.fact},
                                  {"before", before}, {"after", after}}
                                 .dump()});
  });
  if (!st) return err(st);
  json row{{"id", aid},           {"mission", in.mission},     {"indicator", in.indicator},
           {"year", year},        {"fact", in.fact},           {"fact_label", label},
           {"fact_before", before}, {"fact_after", after},     {"rationale", in.rationale},
           {"proposed_by", who.login}, {"proposed_role", std::string(role_label(who.role))},
           {"created_at", created}};
  return impl_->adjustment_json(l->contract, row);
}

Result<json> AciService::alerts(const std::vector<std::int64_t>& structure_ids,
                                const std::string& today_text) {
  auto today = aci::parse_date(today_text);
  if (!today) return invalid("today", "date invalide");
  json out = json::array();
  if (structure_ids.empty()) return out;
  std::set<std::int64_t> wanted(structure_ids.begin(), structure_ids.end());
  auto r = impl_->db.query(
      "SELECT c.id, c.structure_id, c.document, c.reference FROM aci_contracts c WHERE c.kind = 'cpts' "
      "ORDER BY c.id");
  if (!r) return err(r);
  for (const auto& row : r->rows) {
    std::int64_t sid = row.integer(1);
    if (!wanted.count(sid)) continue;
    std::int64_t cid = row.integer(0);
    std::string ref = row.text(3);
    auto v = impl_->versions(cid);
    if (!v) return err(v);
    auto m = impl_->measures(cid);
    if (!m) return err(m);
    json doc = json::parse(row.text(2), nullptr, false);
    auto c = parse_cpts(merge_document(doc, v->empty() ? json::object() : v->back().indicators, *m),
                        "$");
    if (!c) continue;  // a contract the rules no longer accept shows its error on its own page
    int years = impl_->duration(*c);
    auto add = [&](aci::Date d, std::string kind, std::string label) {
      out.push_back({{"structure_id", sid}, {"contract_id", cid}, {"date", aci::format_date(d)},
                     {"kind", std::move(kind)}, {"label", std::move(label)}});
    };
    // Next anniversary.
    for (int k = 1; k <= years; ++k) {
      aci::Date a = aci::anniversary(*c, k);
      if (a >= *today) {
        add(a, "anniversary", fmt::format("{} : anniversaire n° {} du contrat ACI", ref, k));
        break;
      }
    }
    // Next payment due.
    auto s = aci::compute_schedule(*c, rulebook());
    if (s) {
      for (const auto& p : s->payments) {
        if (p.date >= *today) {
          add(p.date, "payment", fmt::format("{} : versement ACI prévu ({}, {})", ref, p.envelope,
                                             euros(p.amount)));
          break;
        }
      }
    }
    // Dialogue dates still to come.
    auto ws = impl_->db.query(
        "SELECT year, dialogue_date FROM dialogue_workspaces WHERE contract_id = $1 AND "
        "dialogue_date <> ''",
        {cid});
    if (!ws) return err(ws);
    for (const auto& w : ws->rows) {
      auto d = aci::parse_date(w.text(1));
      if (d && *d >= *today) {
        add(*d, "dialogue", fmt::format("{} : dialogue de gestion de l'année {}", ref, w.integer(0)));
      }
    }
    // Late missions.
    auto dl = aci::check_deadlines(*c, rulebook(), *today);
    if (dl) {
      for (const auto& d : *dl) {
        for (auto [ms, what] : {std::pair{&d.start, "démarrage"}, {&d.deploy, "déploiement"}}) {
          if (ms->status == aci::DeadlineStatus::overdue && ms->deadline) {
            add(*ms->deadline, "late_mission",
                fmt::format("{} : {} de la mission « {} » en retard de {} jours", ref, what,
                            d.label, ms->days_late));
          }
        }
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

}  // namespace maillage::services
