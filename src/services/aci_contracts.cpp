// ACI contracts: list, create, update, the contract, schedule and indicator views, measured values
// and agreed changes of the indicators (see aci.hpp). The SQL is in aci_repository.cpp.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "aci/deadlines.hpp"
#include "aci/workspace.hpp"
#include "common/dates.hpp"
#include "common/try.hpp"
#include "geo/referentiel.hpp"
#include "registry/lifecycle.hpp"
#include "services/aci_internal.hpp"
#include "services/registry.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using namespace aci_detail;

Result<std::vector<AciContractSummary>> AciService::list_contracts(const Principal& who) {
  auto ids = MAILLAGE_TRY(AciRepository(impl_->db).contract_ids());
  std::vector<AciContractSummary> out;
  for (std::int64_t id : ids) {
    auto c = MAILLAGE_TRY(impl_->load(id));
    if (!impl_->sees(who, c)) continue;
    out.push_back(impl_->summary(c));
  }
  return out;
}

namespace {

// The fields of the aci_contracts row a parsed contract gives.
AciNewContract contract_fields(const aci::Contract& parsed) {
  AciNewContract n;
  std::visit(
      [&](const auto& c) {
        n.reference = c.id;
        n.accord = c.accord;
        n.signature = aci::format_date(c.signature);
      },
      parsed);
  if (const auto* c = std::get_if<aci::CptsContract>(&parsed)) n.size_class = c->size_class;
  n.kind = std::holds_alternative<aci::CptsContract>(parsed) ? "cpts" : "msp";
  return n;
}

}  // namespace

Result<std::int64_t> AciService::create_contract(const Principal& who, std::int64_t structure_id,
                                                 std::string_view document,
                                                 const std::vector<std::string>& communes) {
  if (is_read_only(who) || !role_may(who.role, Act::contract)) {
    return forbidden("votre rôle ne permet pas de créer un contrat");
  }
  auto s = MAILLAGE_TRY(AciRepository(impl_->db).structure(structure_id));
  if (!s) {
    return fail(ErrorCode::not_found, fmt::format("structure n° {} introuvable", structure_id),
                "structure_id");
  }
  if (!covers_structure(who, structure_id, s->departement,
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
  AciNewContract row = contract_fields(*parsed);
  if ((row.kind == "cpts") != (s->kind == "CPTS")) {
    return invalid("$.contrat.accord",
                   fmt::format("un accord {} ne convient pas à une structure {}",
                               row.kind == "cpts" ? "CPTS" : "MSP", s->kind));
  }
  auto parts = aci::split_document(document);
  if (!parts)
    return fail(ErrorCode::invalid_json, "le contrat doit être un objet JSON", "$.contrat");
  row.structure_id = structure_id;
  row.document = parts->terms;
  row.communes = join_codes(communes);
  const registry::Lifecycle* lc = MAILLAGE_TRY(lifecycle_of_kind(s->kind));
  const auto signature = registry::parse_date(row.signature);
  if (!signature) return invalid("$.contrat.signature", "date de signature illisible");

  std::int64_t id = 0;
  auto st = impl_->db.transact([&](store::Tx& tx) -> Status {
    AciRepository repo(tx);
    std::string now = store::timestamp_now();
    // The contract and the step it records stand or fall together.
    MAILLAGE_CHECK(record_contract_signature(tx, *lc, structure_id, *signature, who.login));
    id = MAILLAGE_TRY(repo.insert_contract(row, now, who.login));
    if (row.kind == "cpts") {
      MAILLAGE_CHECK(repo.insert_version(id, 1, parts->indicators, "Contrat signé", 0, who.login,
                                         std::string(role_id(who.role)), now));
      for (const auto& m : parts->measures) {
        MAILLAGE_CHECK(
            repo.insert_measure(id, {m.mission, m.indicator, m.year}, m.value, now, who.login));
      }
    }
    return store::audit(tx,
                        {who.login, "aci.contract.create", "aci_contract", std::to_string(id), "",
                         store::AuditDetail{}
                             .add("reference", row.reference)
                             .add("structure", structure_id)
                             .add("accord", row.accord)
                             .add("signature", row.signature)
                             .json()});
  });
  if (!st) {
    if (st.error().code == ErrorCode::conflict) {
      return conflict(fmt::format("un contrat de référence « {} » existe déjà", row.reference));
    }
    return tl::unexpected(st.error());
  }
  return id;
}

namespace aci_detail {

// The terms of a CPTS contract checked against its current indicators: a mission that has
// indicators cannot leave the contract (their history would dangle).
Result<AciNewContract> check_cpts_terms(const aci::DocumentOutline& doc, const Loaded& current) {
  for (const auto& [mission, has_indicators] :
       aci::indicator_missions(current.latest_indicators())) {
    bool kept = std::find(doc.missions.begin(), doc.missions.end(), mission) != doc.missions.end();
    if (!kept && has_indicators) {
      return invalid(
          "$.contrat.missions",
          fmt::format("la mission « {} » a des indicateurs : elle reste au contrat", mission));
    }
  }
  auto c = MAILLAGE_TRY(parse_cpts(
      aci::merge_document(doc.text, current.latest_indicators(), measured_values(current.measures)),
      "$.contrat"));
  return contract_fields(aci::Contract{std::move(c)});
}

Result<AciNewContract> check_msp_terms(std::string_view document) {
  auto c = aci::parse_contract(document, "contrat", rulebook());
  if (!c) return tl::unexpected(api_error(c.error(), "$.contrat"));
  if (!std::holds_alternative<aci::MspContract>(*c)) {
    return invalid("$.contrat.accord", "un contrat de MSP reste un contrat de MSP");
  }
  return contract_fields(*c);
}

Result<AciNewContract> check_terms(store::Database& db, const ContractRow& row,
                                   const std::string& terms) {
  auto doc = aci::outline_document(terms);
  if (!doc || !doc->is_object) {
    return fail(ErrorCode::invalid_json, "le contrat doit être un objet JSON", "$.contrat");
  }
  if (doc->mission_with_indicators) {
    return invalid(fmt::format("$.contrat.missions[{}].indicators", *doc->mission_with_indicators),
                   "les indicateurs changent par une modification convenue (nouvelle version), "
                   "pas avec les termes du contrat");
  }
  AciNewContract fields;
  if (row.record.kind == "cpts") {
    Loaded current;
    AciRepository repo(db);
    current.versions = MAILLAGE_TRY(repo.versions(row.record.id));
    current.measures = MAILLAGE_TRY(repo.measures(row.record.id));
    fields = MAILLAGE_TRY(check_cpts_terms(*doc, current));
  } else {
    fields = MAILLAGE_TRY(check_msp_terms(doc->text));
    fields.size_class.clear();
  }
  fields.document = doc->text;
  return fields;
}

}  // namespace aci_detail

Status AciService::Impl::replace_terms(const Principal& who, const ContractRow& row,
                                       std::int64_t version, const std::string& terms,
                                       const std::string& action, bool before_payment_only) {
  AciNewContract fields = MAILLAGE_TRY(check_terms(db, row, terms));
  const std::int64_t id = row.record.id;
  return db.transact([&](store::Tx& tx) -> Status {
    AciRepository repo(tx);
    if (before_payment_only && MAILLAGE_TRY(repo.received_cents(id)) > 0) {
      return fail(ErrorCode::invalid_transition, paid_contract_refusal(row.record.kind), "version");
    }
    auto n = MAILLAGE_TRY(
        repo.update_contract(id, version, fields, store::timestamp_now(), who.login));
    if (n == 0) {
      return conflict(
          "Le contrat a été modifié par quelqu'un d'autre entre-temps : rechargez la page pour "
          "voir sa version actuelle, puis refaites votre modification.");
    }
    return store::audit(tx, {who.login, action, "aci_contract", std::to_string(id),
                             row.document.text, fields.document});
  });
}

Status AciService::update_contract(const Principal& who, std::int64_t id, std::int64_t version,
                                   std::string_view document) {
  auto row = MAILLAGE_TRY(impl_->access(who, id, Act::contract));
  // After the first payment the terms change only by avenant.
  return impl_->replace_terms(who, row, version, std::string(document), "aci.contract.update",
                              true);
}

namespace {

// Rule values of the accord(s) the contract follows, for its size class, with provenance.
std::vector<AciRuleSet> rule_sets(const ContractRow& row) {
  const aci::Accord* base = rulebook().find(row.record.accord);
  std::vector<const aci::Accord*> accords;
  if (base) accords.push_back(base);
  for (const auto& av : row.document.avenant_accords) {
    if (const auto* a = rulebook().find(av)) accords.push_back(a);
  }
  static const std::set<std::string> sizes{"T1", "T2", "T3", "T4"};
  std::vector<AciRuleSet> rules;
  for (const aci::Accord* a : accords) {
    AciRuleSet set{a->id, a->title, {}};
    for (const auto& v : aci::list_values(*a)) {
      auto dot = v.key.rfind('.');
      std::string last = dot == std::string::npos ? "" : v.key.substr(dot + 1);
      if (sizes.count(last) && last != row.record.size_class) continue;  // other size classes
      AciRuleValue value{v.key,
                         v.value,
                         v.provenance->verified,
                         v.provenance->note,
                         {},
                         fmt::format("{}:{}", v.provenance->file, v.provenance->line),
                         v.label};
      for (const auto& sid : v.provenance->sources) {
        auto it = rulebook().sources.find(sid);
        bool known = it != rulebook().sources.end();
        value.sources.push_back({sid, known ? it->second.title : sid, known ? it->second.url : ""});
      }
      set.values.push_back(std::move(value));
    }
    rules.push_back(std::move(set));
  }
  return rules;
}

AciMilestone milestone(const aci::Milestone& ms) {
  return {ms.deadline ? aci::format_date(*ms.deadline) : "",
          ms.date ? aci::format_date(*ms.date) : "", std::string(aci::to_string(ms.status)),
          ms.status == aci::DeadlineStatus::late || ms.status == aci::DeadlineStatus::overdue ||
              ms.status == aci::DeadlineStatus::planned_late,
          ms.days_late};
}

}  // namespace

Result<AciContractView> AciService::contract(const Principal& who, std::int64_t id) {
  auto row = MAILLAGE_TRY(impl_->access(who, id));
  AciContractView out;
  out.summary = impl_->summary(row);
  out.document = row.document.text;
  out.communes = row.communes;
  out.permissions = impl_->permissions(who, row);
  for (const auto& p : row.document.parties)
    out.parties.push_back({p.role, p.name, p.finess, p.rna, p.siret});
  out.rules = rule_sets(row);
  // Amounts written in the contract (they replace the rules' defaults).
  for (const auto& [envelope, value] : row.document.amounts)
    out.overrides.push_back({envelope, value});
  MAILLAGE_CHECK(impl_->terms_view(out, row));
  if (row.record.kind != "cpts") {
    auto l = MAILLAGE_TRY(impl_->msp_loaded(row));
    out.years = impl_->msp_periods(l);
    out.duration_years = static_cast<int>(out.years.size());
    return out;
  }

  auto l = MAILLAGE_TRY(impl_->loaded(who, id));
  // Missions with their deadlines as of today.
  auto deadlines = MAILLAGE_TRY(aci::check_deadlines(l.contract, rulebook(), today_utc()));
  for (const auto& d : deadlines) {
    out.missions.push_back({d.mission, d.label, std::string(aci::to_string(d.category)),
                            d.in_contract, milestone(d.start), milestone(d.deploy)});
  }
  out.cpts = true;
  for (const auto& v : l.versions) {
    out.indicator_versions.push_back(
        {v.number, v.reason, v.year, v.agreed_by, role_text(v.agreed_role), v.created_at});
  }
  out.duration_years = impl_->duration(l.contract);
  for (int y = 1; y <= out.duration_years; ++y) {
    out.years.push_back({y, aci::format_date(aci::anniversary(l.contract, y - 1)),
                         aci::format_date(aci::anniversary(l.contract, y)),
                         fmt::format("année {}", y)});
  }
  return out;
}

Result<AciContractSchedule> AciService::schedule(const Principal& who, std::int64_t id) {
  auto row = MAILLAGE_TRY(impl_->access(who, id));
  if (row.record.kind != "cpts") {
    auto l = MAILLAGE_TRY(impl_->msp_loaded(row));
    auto s = MAILLAGE_TRY(aci::compute_schedule(l.contract, rulebook()));
    return AciContractSchedule{impl_->summary(row), impl_->schedule_view(aci::CptsContract{}, s)};
  }
  auto l = MAILLAGE_TRY(impl_->loaded(who, id));
  return AciContractSchedule{impl_->summary(l.row), impl_->schedule_view(l.contract, l.schedule)};
}

Result<std::string> AciService::schedule_csv(const Principal& who, std::int64_t id) {
  auto row = MAILLAGE_TRY(impl_->access(who, id));
  if (row.record.kind != "cpts") {
    auto l = MAILLAGE_TRY(impl_->msp_loaded(row));
    auto s = MAILLAGE_TRY(aci::compute_schedule(l.contract, rulebook()));
    return aci::schedule_csv(s);
  }
  auto l = MAILLAGE_TRY(impl_->loaded(who, id));
  return aci::schedule_csv(l.schedule);
}

Result<AciIndicatorsView> AciService::indicators(const Principal& who, std::int64_t id,
                                                 std::optional<std::int64_t> version) {
  auto l = MAILLAGE_TRY(impl_->loaded(who, id, version));
  AciIndicatorsView out;
  out.contract = impl_->summary(l.row);
  for (int y = 1; y <= impl_->duration(l.contract); ++y) {
    AciSheet s = impl_->sheet(l.contract, l.schedule, l.measures, y);
    if (s.missions.empty()) continue;
    out.years.push_back(std::move(s));
  }
  out.version = version.value_or(l.latest_number());
  out.latest_version = l.latest_number();
  out.notes = l.schedule.notes;
  return out;
}

namespace {

// A double as nlohmann's dump() writes it ("80.0", "1e+20"): the audit's `before` of a measure
// is a bare value.
std::string bare_number(double v) {
  std::string object = store::AuditDetail{}.add("v", v).json();  // {"v":80.0}
  return object.substr(5, object.size() - 6);
}

Status check_measure(const Loaded& l, const MeasureInput& in) {
  const aci::Indicator* ind = find_indicator(l.contract, in.mission, in.indicator);
  if (ind == nullptr) {
    bool mission_known = std::any_of(l.contract.missions.begin(), l.contract.missions.end(),
                                     [&](const auto& m) { return m.mission == in.mission; });
    return mission_known
               ? invalid("$.indicator",
                         fmt::format("indicateur « {} » inconnu pour la mission « {} »",
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
  AciMeasures with = l.measures;
  with[{in.mission, in.indicator, in.year}].value = in.measured;
  if (auto c = parse_cpts(
          aci::merge_document(l.row.document.text, l.latest_indicators(), measured_values(with)),
          "$");
      !c) {
    return invalid("$.measured", c.error().message);
  }
  return {};
}

}  // namespace

Result<std::int64_t> AciService::set_measure(const Principal& who, std::int64_t id,
                                             const MeasureInput& in) {
  auto row = MAILLAGE_TRY(impl_->access(who, id));
  if (row.record.kind == "msp") {
    auto l = MAILLAGE_TRY(impl_->msp_loaded(row));
    MAILLAGE_CHECK(may(who, Act::measure));
    MAILLAGE_CHECK(impl_->check_msp_measure(l, in));
  } else {
    auto l = MAILLAGE_TRY(impl_->loaded(who, id));
    MAILLAGE_CHECK(may(who, Act::measure));
    MAILLAGE_CHECK(check_measure(l, in));
  }
  std::int64_t new_version = 0;
  Status done = impl_->db.transact([&](store::Tx& tx) -> Status {
    AciRepository repo(tx);
    std::string now = store::timestamp_now();
    AciMeasureKey key{in.mission, in.indicator, in.year};
    auto cur = MAILLAGE_TRY(repo.measure(id, key));
    std::string before;
    if (!cur) {
      if (in.version != 0) return conflict("cette valeur a été supprimée entre-temps : rechargez");
      MAILLAGE_CHECK(repo.insert_measure(id, key, in.measured, now, who.login));
      new_version = 1;
    } else {
      if (cur->version != in.version) {
        return conflict(fmt::format(
            "la valeur a été modifiée par quelqu'un d'autre (version {} au lieu de {}) : rechargez",
            cur->version, in.version));
      }
      before = cur->measured ? bare_number(*cur->measured) : "null";
      auto n =
          MAILLAGE_TRY(repo.update_measure(id, key, in.measured, cur->version, now, who.login));
      if (n == 0) return conflict("la valeur a été modifiée entre-temps : rechargez");
      new_version = cur->version + 1;
    }
    return store::audit(tx,
                        {who.login, "aci.measure.set", "aci_contract", std::to_string(id), before,
                         store::AuditDetail{}
                             .add("mission", in.mission)
                             .add("indicator", in.indicator)
                             .add("year", in.year)
                             .add("measured", in.measured)
                             .json()});
  });
  MAILLAGE_CHECK(done);
  return new_version;
}

namespace {

// The indicators of the latest version with the agreed changes applied (validated one by one).
Result<std::string> apply_changes(const Loaded& l, const AgreedChange& in) {
  std::string indicators = l.latest_indicators();
  for (std::size_t i = 0; i < in.changes.size(); ++i) {
    const TargetChange& ch = in.changes[i];
    std::string path = fmt::format("$.changes[{}]", i);
    auto found = aci::find_target(indicators, ch.mission, ch.indicator);
    if (found == aci::TargetEdit::unknown_mission) {
      return invalid(path + ".mission",
                     fmt::format("mission « {} » sans indicateur au contrat", ch.mission));
    }
    if (found == aci::TargetEdit::unknown_indicator) {
      return invalid(path + ".indicator", fmt::format("indicateur « {} » inconnu", ch.indicator));
    }
    if (ch.paliers.empty())
      return fail(ErrorCode::missing_field, "paliers obligatoires", path + ".paliers");
    for (std::size_t k = 0; k < ch.paliers.size(); ++k) {
      if (!std::isfinite(ch.paliers[k]))
        return invalid(fmt::format("{}.paliers[{}]", path, k), "nombre attendu");
    }
    aci::set_target(indicators, ch.mission, ch.indicator, ch.year, ch.paliers);
  }
  return indicators;
}

}  // namespace

Result<std::int64_t> AciService::agree_change(const Principal& who, std::int64_t id,
                                              const AgreedChange& in) {
  auto l = MAILLAGE_TRY(impl_->loaded(who, id));
  if (is_read_only(who) || !role_may(who.role, Act::agree)) {
    return forbidden("votre rôle ne permet pas d'enregistrer une modification convenue");
  }
  if (in.reason.empty()) return fail(ErrorCode::missing_field, "motif obligatoire", "$.reason");
  if (in.changes.empty()) return invalid("$.changes", "aucune modification");
  if (in.year != 0) {
    if (auto ok = impl_->check_year(l.contract, in.year); !ok)
      return invalid("$.year", ok.error().message);
  }
  std::int64_t latest = l.latest_number();
  if (in.based_on != latest) {
    return conflict(fmt::format(
        "les indicateurs ont changé depuis votre lecture (version {} au lieu de {}) : rechargez",
        latest, in.based_on));
  }
  std::string indicators = MAILLAGE_TRY(apply_changes(l, in));
  // The engine validates the new targets (ordering, direction, years within the contract).
  auto c = parse_cpts(
      aci::merge_document(l.row.document.text, indicators, measured_values(l.measures)), "$");
  if (!c)
    return tl::unexpected(Error{ErrorCode::invalid_input, c.error().message, "$.changes", {}, 0});
  auto diff = aci::diff_indicators(l.contract, *c);
  if (diff.empty())
    return invalid("$.changes", "ces cibles sont déjà celles de la version en cours");
  std::int64_t number = latest + 1;
  Status done = impl_->db.transact([&](store::Tx& tx) -> Status {
    auto r =
        AciRepository(tx).insert_version(id, number, indicators, in.reason, in.year, who.login,
                                         std::string(role_id(who.role)), store::timestamp_now());
    if (!r) {
      if (r.error().code == ErrorCode::conflict) {
        return conflict("une autre modification convenue vient d'être enregistrée : rechargez");
      }
      return r;
    }
    std::vector<store::AuditDetail> changes;
    for (const auto& d : diff) {
      changes.push_back(store::AuditDetail{}
                            .add("mission", d.mission)
                            .add("indicator", d.indicator)
                            .add("year", d.year)
                            .add("what", d.what)
                            .add("before", d.before)
                            .add("after", d.after));
    }
    return store::audit(tx, {who.login, "aci.indicators.agree", "aci_contract", std::to_string(id),
                             store::AuditDetail{}.add("version", latest).json(),
                             store::AuditDetail{}
                                 .add("version", number)
                                 .add("reason", in.reason)
                                 .add("changes", changes)
                                 .json()});
  });
  MAILLAGE_CHECK(done);
  return number;
}

}  // namespace maillage::services
