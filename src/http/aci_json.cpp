// JSON of the ACI views (see aci_json.hpp). The keys, their JSON types (integer, double, null) and
// the nesting are the API's contract: the pages' templates and the API clients read them.
#include "http/aci_json.hpp"

#include <map>

#include <cmath>

#include "aci/deadlines.hpp"
#include "aci/rules.hpp"
#include "common/french.hpp"
#include <string>

namespace maillage::http::aci_json {

using nlohmann::json;
using namespace services;

json summary(const AciContractSummary& r) {
  return json{{"id", r.id},
              {"reference", r.reference},
              {"structure",
               {{"id", r.structure_id}, {"nom", r.structure_name}, {"departement", r.departement}}},
              {"kind", r.kind},
              {"accord", r.accord},
              {"signature", r.signature},
              {"size_class", r.size_class},
              {"version", r.version},
              {"updated_at", r.updated_at},
              {"updated_by", r.updated_by}};
}

json contracts(const std::vector<AciContractSummary>& list) {
  json out = json::array();
  for (const auto& c : list) out.push_back(summary(c));
  return json{{"contracts", std::move(out)}};
}

namespace {

json permissions(const AciPermissions& p) {
  return json{{"contract", p.contract}, {"measure", p.measure}, {"agree", p.agree},
              {"comment", p.comment},   {"attach", p.attach},   {"budget", p.budget},
              {"fiche", p.fiche},       {"adjust", p.adjust},   {"minutes", p.minutes}};
}

json rules(const std::vector<AciRuleSet>& sets) {
  json out = json::array();
  for (const auto& set : sets) {
    json values = json::array();
    for (const auto& v : set.values) {
      json sources = json::array();
      for (const auto& s : v.sources)
        sources.push_back({{"id", s.id}, {"title", s.title}, {"url", s.url}});
      values.push_back({{"key", v.key},
                        {"label", v.label},
                        {"value", v.value},
                        {"verified", v.verified},
                        {"note", v.note},
                        {"sources", std::move(sources)},
                        {"origin", v.origin}});
    }
    out.push_back({{"accord", set.accord}, {"title", set.title}, {"values", std::move(values)}});
  }
  return out;
}

json milestone(const AciMilestone& ms) {
  return json{{"deadline", ms.deadline},
              {"date", ms.date},
              {"status", ms.status},
              {"status_label", std::string(::maillage::aci::status_label(ms.status))},
              {"late", ms.late},
              {"days_late", ms.days_late}};
}

json version_summary(const AciVersionSummary& v) {
  return json{
      {"number", v.number},       {"reason", v.reason},           {"year", v.year},
      {"agreed_by", v.agreed_by}, {"agreed_role", v.agreed_role}, {"created_at", v.created_at}};
}

}  // namespace

json contract(const AciContractView& v) {
  json out = summary(v.summary);
  out["document"] = json::parse(v.document, nullptr, false);
  out["communes"] = v.communes;
  out["permissions"] = permissions(v.permissions);
  json parties = json::array();
  for (const auto& p : v.parties) {
    parties.push_back({{"role", p.role},
                       {"name", p.name},
                       {"finess", p.finess},
                       {"rna", p.rna},
                       {"siret", p.siret}});
  }
  out["parties"] = std::move(parties);
  out["rules"] = rules(v.rules);
  json overrides = json::array();
  for (const auto& o : v.overrides)
    overrides.push_back({{"envelope", o.envelope}, {"value", o.value}});
  out["overrides"] = std::move(overrides);
  json missions = json::array();
  for (const auto& d : v.missions) {
    missions.push_back({{"mission", d.mission},
                        {"label", d.label},
                        {"category", d.category},
                        {"in_contract", d.in_contract},
                        {"start", milestone(d.start)},
                        {"deploy", milestone(d.deploy)}});
  }
  if (v.cpts) {
    json versions = json::array();
    for (const auto& x : v.indicator_versions) versions.push_back(version_summary(x));
    out["indicator_versions"] = std::move(versions);
  }
  json years = json::array();
  for (const auto& y : v.years) {
    years.push_back({{"year", y.year}, {"from", y.from}, {"to", y.to}, {"label", y.label}});
  }
  out["years"] = std::move(years);
  out["duration_years"] = v.duration_years;
  out["missions"] = std::move(missions);
  out["payment_recorded"] = v.payment_recorded;
  out["size_class_now"] = v.size_class_now;
  json avenants = json::array();
  for (const auto& a : v.avenants) {
    avenants.push_back({{"number", a.number},
                        {"from", a.from},
                        {"size_class", a.size_class},
                        {"missions", a.missions},
                        {"reason", a.reason}});
  }
  out["avenants"] = std::move(avenants);
  auto choices = [](const std::vector<AciChoice>& list) {
    json a = json::array();
    for (const auto& c : list) {
      a.push_back({{"id", c.id},
                   {"label", c.label},
                   {"socle", c.socle},
                   {"chosen", c.chosen},
                   {"start", c.start}});
    }
    return a;
  };
  out["size_classes"] = choices(v.size_classes);
  out["mission_choices"] = choices(v.mission_choices);
  out["accords"] = choices(v.accords);
  return out;
}

json schedule(const AciScheduleView& s) {
  json payments = json::array();
  for (const auto& p : s.payments) {
    payments.push_back({{"date", p.date},
                        {"contract_year", p.contract_year},
                        {"envelope", p.envelope},
                        {"envelope_label", p.envelope_label},
                        {"kind", p.kind},
                        {"amount", p.amount},
                        {"amount_text", p.amount_text},
                        {"amount_cents", p.amount_cents},
                        {"verified", p.verified},
                        {"estimated", p.estimated},
                        {"basis", p.basis}});
  }
  json totals = json::array();
  for (const auto& t : s.totals) {
    totals.push_back({{"envelope", t.envelope},
                      {"envelope_label", t.envelope_label},
                      {"amount", t.amount},
                      {"amount_text", t.amount_text}});
  }
  return json{
      {"payments", std::move(payments)}, {"totals", std::move(totals)},      {"total", s.total},
      {"total_text", s.total_text},      {"anniversaries", s.anniversaries}, {"notes", s.notes}};
}

json schedule(const AciContractSchedule& s) {
  json out = schedule(s.schedule);
  out["contract"] = summary(s.contract);
  return out;
}

namespace {

json indicator(const AciIndicatorLine& i) {
  return json{{"id", i.id},
              {"item", i.item},
              {"definition", i.definition},
              {"unit", i.unit},
              {"weight", i.weight},
              {"weight_text", ::maillage::fr::decimal(i.weight, i.weight == std::floor(i.weight) ? 0 : 1)},
              {"baseline", i.baseline},
              {"baseline_text", i.baseline_text},
              {"method", i.method},
              {"method_label", std::string(::maillage::aci::method_label(i.method))},
              {"paliers", i.paliers},
              {"paliers_text", i.paliers_text},
              {"measured", i.measured ? json(*i.measured) : json(nullptr)},
              {"measured_text", i.measured_text},
              {"is_measured", i.is_measured},
              {"rate", i.rate},
              {"rate_text", i.rate_text},
              {"rules_verified", i.rules_verified},
              {"explanation", i.explanation},
              {"evidence", i.evidence},
              {"measure_version", i.measure_version},
              {"measure_by", i.measure_by}};
}

}  // namespace

json sheet(const AciSheet& s) {
  json missions = json::array();
  for (const auto& m : s.missions) {
    json indicators = json::array();
    for (const auto& i : m.indicators) indicators.push_back(indicator(i));
    missions.push_back({{"mission", m.mission},
                        {"label", m.label},
                        {"from", m.from},
                        {"to", m.to},
                        {"rate", m.rate},
                        {"rate_text", m.rate_text},
                        {"estimated", m.estimated},
                        {"rules_verified", m.rules_verified},
                        {"fixed_paid", m.fixed_paid},
                        {"variable_max", m.variable_max},
                        {"variable_paid", m.variable_paid},
                        {"variable_paid_cents", m.variable_paid_cents},
                        {"indicators", std::move(indicators)}});
  }
  return json{{"year", s.year},
              {"missions", std::move(missions)},
              {"fixed_paid", s.fixed_paid},
              {"variable_max", s.variable_max},
              {"variable_paid", s.variable_paid},
              {"variable_paid_cents", s.variable_paid_cents}};
}

json indicators(const AciIndicatorsView& v) {
  json years = json::array();
  for (const auto& s : v.years) years.push_back(sheet(s));
  return json{{"contract", summary(v.contract)},
              {"version", v.version},
              {"latest_version", v.latest_version},
              {"years", std::move(years)},
              {"notes", v.notes}};
}

json adjustment(const AciAdjustment& a) {
  json out{{"id", a.id},
           {"mission", a.mission},
           {"indicator", a.indicator},
           {"year", a.year},
           {"fact", a.fact},
           {"fact_label", a.fact_label},
           {"fact_before", a.fact_before},
           {"fact_after", a.fact_after},
           {"rationale", a.rationale},
           {"proposed_by", a.proposed_by},
           {"proposed_role", a.proposed_role},
           {"created_at", a.created_at}};
  out["item"] = a.item;
  out["fact_before_text"] = a.fact_before_text;
  out["fact_after_text"] = a.fact_after_text;
  out["mission_label"] = a.mission_label;
  if (a.error) {
    out["error"] = *a.error;
    return out;
  }
  auto reading = [](const AciAdjustmentReading& r) {
    return json{{"paliers", r.paliers},
                {"paliers_text", r.paliers_text},
                {"indicator_rate", r.indicator_rate},
                {"mission_rate", r.mission_rate},
                {"variable_max", r.variable_max},
                {"variable_paid", r.variable_paid},
                {"variable_paid_cents", r.variable_paid_cents},
                {"explanation", r.explanation}};
  };
  out["factor"] = a.factor;
  out["original"] = reading(a.original);
  out["adjusted"] = reading(a.adjusted);
  out["difference"] = a.difference;
  out["difference_cents"] = a.difference_cents;
  return out;
}

namespace {

// Comments and attachments of the workspace grouped by the item they are about.
struct ByItem {
  std::map<std::string, json> comments;
  std::map<std::string, json> attachments;

  static json of(const std::map<std::string, json>& m, const std::string& item) {
    auto it = m.find(item);
    return it == m.end() ? json::array() : it->second;
  }
  [[nodiscard]] json comments_of(const std::string& item) const { return of(comments, item); }
  [[nodiscard]] json attachments_of(const std::string& item) const { return of(attachments, item); }
};

json comment(const AciComment& c) {
  return json{
      {"id", c.id},     {"item", c.item}, {"author", c.author}, {"author_login", c.author_login},
      {"role", c.role}, {"side", c.side}, {"body", c.body},     {"created_at", c.created_at}};
}

json attachment(const AciAttachmentInfo& a) {
  return json{{"id", a.id},
              {"item", a.item},
              {"filename", a.filename},
              {"content_type", a.content_type},
              {"size_bytes", a.size_bytes},
              {"size_text", a.size_text},
              {"uploaded_by", a.uploaded_by},
              {"created_at", a.created_at},
              {"href", a.href}};
}

json budget(const AciBudget& b, const ByItem& by) {
  json lines = json::array();
  for (const auto& l : b.lines) {
    json due = json::array();
    for (const auto& d : l.due)
      due.push_back({{"date", d.date}, {"kind", d.kind}, {"amount", d.amount}});
    lines.push_back({{"envelope", l.envelope},
                     {"label", l.label},
                     {"expected_cents", l.expected_cents},
                     {"received_cents", l.received_cents},
                     {"spent_cents", l.spent_cents},
                     {"version", l.version},
                     {"due", std::move(due)},
                     {"expected", l.expected},
                     {"received", l.received},
                     {"spent", l.spent},
                     {"received_input", l.received_input},
                     {"spent_input", l.spent_input},
                     {"remaining", l.remaining},
                     {"item", l.item},
                     {"comments", by.comments_of(l.item)}});
  }
  return json{{"lines", std::move(lines)},
              {"expected", b.expected},
              {"received", b.received},
              {"spent", b.spent},
              {"remaining", b.remaining}};
}

json fiche(const AciFiche& f, const ByItem& by) {
  json statuses = json::array();
  for (const auto& s : f.statuses)
    statuses.push_back({{"id", s.id}, {"label", s.label}, {"selected", s.selected}});
  return json{{"id", f.id},
              {"mission", f.mission},
              {"mission_label", f.mission_label},
              {"title", f.title},
              {"description", f.description},
              {"status", f.status},
              {"status_label", f.status_label},
              {"statuses", std::move(statuses)},
              {"version", f.version},
              {"updated_at", f.updated_at},
              {"updated_by", f.updated_by},
              {"item", f.item},
              {"comments", by.comments_of(f.item)},
              {"attachments", by.attachments_of(f.item)}};
}

json version(const AciVersionView& v) {
  json changes = json::array();
  for (const auto& d : v.changes) {
    changes.push_back({{"mission", d.mission},
                       {"mission_label", d.mission_label},
                       {"indicator", d.indicator},
                       {"year", d.year ? json(*d.year) : json(nullptr)},
                       {"what", d.what},
                       {"before", d.before},
                       {"after", d.after}});
  }
  json out = version_summary(v.version);
  out["current"] = v.current;
  out["changes"] = std::move(changes);
  return out;
}

// The sheet, each indicator with its comments, attachments and mission.
json workspace_sheet(const AciSheet& s, const ByItem& by) {
  json out = sheet(s);
  for (auto& m : out["missions"]) {
    for (auto& i : m["indicators"]) {
      std::string item = i["item"];
      i["comments"] = by.comments_of(item);
      i["attachments"] = by.attachments_of(item);
      i["mission"] = m["mission"];
    }
  }
  return out;
}

}  // namespace

json workspace(const AciWorkspace& w) {
  ByItem by;
  json all_comments = json::array();
  for (const auto& c : w.comments) {
    json cm = comment(c);
    if (!by.comments.count(c.item)) by.comments[c.item] = json::array();
    by.comments[c.item].push_back(cm);
    all_comments.push_back(std::move(cm));
  }
  for (const auto& a : w.attachments) {
    if (!by.attachments.count(a.item)) by.attachments[a.item] = json::array();
    by.attachments[a.item].push_back(attachment(a));
  }
  json out;
  out["contract"] = summary(w.contract);
  out["permissions"] = permissions(w.permissions);
  out["year"] = w.year;
  out["period"] = {{"from", w.period.from}, {"to", w.period.to}};
  json years = json::array();
  for (int y = 1; y <= w.duration_years; ++y)
    years.push_back({{"year", y}, {"current", y == w.year}});
  out["years"] = std::move(years);
  out["workspace"] = {{"version", w.workspace.version},
                      {"dialogue_date", w.workspace.dialogue_date},
                      {"minutes", w.workspace.minutes},
                      {"updated_at", w.workspace.updated_at},
                      {"updated_by", w.workspace.updated_by}};
  out["sheet"] = workspace_sheet(w.sheet, by);
  out["budget"] = budget(w.budget, by);
  json fiches = json::array();
  for (const auto& f : w.fiches) fiches.push_back(fiche(f, by));
  out["fiches"] = std::move(fiches);
  json adjustments = json::array();
  for (const auto& a : w.adjustments) {
    json j = adjustment(a);
    j["comments"] = by.comments_of(a.item);
    adjustments.push_back(std::move(j));
  }
  out["adjustments"] = std::move(adjustments);
  json versions = json::array();
  for (const auto& v : w.indicator_versions) versions.push_back(version(v));
  out["indicator_versions"] = std::move(versions);
  out["indicator_version"] = w.indicator_version;
  out["general_comments"] = by.comments_of("general");
  out["general_attachments"] = by.attachments_of("general");
  out["comments"] = std::move(all_comments);
  out["notes"] = w.notes;
  out["schedule"] = schedule(w.schedule);
  out["msp"] = w.msp;
  if (w.msp) {
    const AciMspSheet& m = w.msp_sheet;
    json lines = json::array();
    for (const auto& l : m.lines) {
      json line{{"id", l.id},
                {"label", l.label},
                {"axis", l.axis},
                {"category", l.category},
                {"category_label", l.category_label},
                {"item", l.item},
                {"points", l.points_text},
                {"points_detail", l.points_detail},
                {"is_measured", l.is_measured},
                {"measured", l.measured ? json(*l.measured) : json(nullptr)},
                {"measured_text", l.measured_text},
                {"rate", l.rate_text},
                {"points_earned", l.points_earned_text},
                {"euros_full", l.euros_full},
                {"euros_earned", l.euros_earned},
                {"measure_version", l.measure_version},
                {"verified", l.verified}};
      line["comments"] = by.comments_of(l.item);
      line["attachments"] = by.attachments_of(l.item);
      lines.push_back(std::move(line));
    }
    out["msp_sheet"] = {{"calendar_year", m.calendar_year},
                        {"point_value", m.point_value},
                        {"reference_patients", m.reference_patients},
                        {"has_patients", m.has_patients},
                        {"patients", m.patients},
                        {"patients_text", fr::integer(m.patients)},
                        {"reference_patients_text", fr::integer(m.reference_patients)},
                        {"patients_version", m.patients_version},
                        {"prorata", m.prorata},
                        {"indicators", std::move(lines)},
                        {"points_full", m.points_full_text},
                        {"points_earned", m.points_earned_text},
                        {"socle_full", m.socle_full},
                        {"earned", m.earned},
                        {"total", m.total},
                        {"advance", m.advance},
                        {"balance", m.balance},
                        {"unmet_prerequisite", m.unmet_prerequisite},
                        {"minimum_used", m.minimum_used},
                        {"estimated", m.estimated}};
  }
  if (!w.periods.empty()) {
    json tabs = json::array();
    for (const auto& p : w.periods) {
      tabs.push_back({{"year", p.year}, {"label", p.label}, {"current", p.year == w.year}});
    }
    out["years"] = std::move(tabs);
  }
  out["territory"] = {{"population_signature", w.territory.population_signature},
                      {"population_now", w.territory.population_now},
                      {"communes", w.territory.communes}};
  return out;
}

}  // namespace maillage::http::aci_json
