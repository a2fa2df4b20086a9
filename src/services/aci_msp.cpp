// MSP contracts in the application (see aci.hpp): the contract document (terms: parties,
// signature, the indicators taken from the rules' catalogue with their points) plus the facts
// entered per calendar year as measures (mission "msp": each indicator's achievement rate in
// percent, and "patientele", the médecin-traitant patients of the associated doctors), merged by
// the engine (aci::merge_msp_measures) before every read, so that the schedule, the sheet and the
// dialogue de gestion compute from the same contract. Points and euros: aci::msp_years.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "aci/workspace.hpp"
#include "common/dates.hpp"
#include "common/french.hpp"
#include "common/try.hpp"
#include "services/aci_internal.hpp"

namespace maillage::services {

using namespace aci_detail;

namespace {

const aci::Accord& msp_accord(const aci::MspContract& c) { return *rulebook().find(c.accord); }

int first_year(const aci::MspContract& c) { return static_cast<int>(c.signature.year()); }

int last_year(const aci::MspContract& c) {
  int duration = c.duration_years ? *c.duration_years : msp_accord(c).contract_years.value;
  aci::Date last{std::chrono::sys_days{aci::add_years(c.signature, duration)} -
                 std::chrono::days{1}};
  return static_cast<int>(last.year());
}

const aci::MspIndicatorRule* catalogue_entry(const aci::MspContract& c, const std::string& id) {
  for (const auto& r : msp_accord(c).msp.indicators) {
    if (r.id == id) return &r;
  }
  return nullptr;
}

std::string category_label(aci::MspCategory c) {
  switch (c) {
    case aci::MspCategory::prerequis:
      return "prérequis";
    case aci::MspCategory::socle:
      return "socle";
    case aci::MspCategory::optionnel:
      return "optionnel";
  }
  return "";
}

std::string category_id(aci::MspCategory c) {
  return c == aci::MspCategory::prerequis ? "prerequis"
         : c == aci::MspCategory::socle   ? "socle"
                                          : "optionnel";
}

// Points × reference as points with two decimals ("1 850", "1 234,5").
std::string points_text(std::int64_t points_x_ref, std::int64_t ref) {
  double points = static_cast<double>(points_x_ref) / static_cast<double>(ref);
  double rounded = std::round(points * 100) / 100;
  if (rounded == std::floor(rounded)) return fr::integer(static_cast<std::int64_t>(rounded));
  return aci::format_value(rounded);
}

}  // namespace

Result<MspLoaded> AciService::Impl::msp_loaded(const ContractRow& row) {
  MspLoaded l;
  l.measures = MAILLAGE_TRY(AciRepository(db).measures(row.record.id));
  std::string doc = aci::merge_msp_measures(row.document.text, measured_values(l.measures));
  auto c = aci::parse_contract(doc, "contrat", rulebook());
  if (!c) return tl::unexpected(api_error(c.error(), "$.contrat"));
  if (!std::holds_alternative<aci::MspContract>(*c)) {
    return invalid("id", "ce contrat n'est pas un contrat de MSP");
  }
  l.contract = std::get<aci::MspContract>(std::move(*c));
  l.first_year = first_year(l.contract);
  l.last_year = last_year(l.contract);
  return l;
}

std::vector<AciPeriod> AciService::Impl::msp_periods(const MspLoaded& l) const {
  std::vector<AciPeriod> out;
  for (int y = l.first_year; y <= l.last_year; ++y) {
    out.push_back({y - l.first_year + 1, fmt::format("{}-01-01", y), fmt::format("{}-12-31", y),
                   std::to_string(y)});
  }
  if (!out.empty()) {
    out.front().from = aci::format_date(l.contract.signature);
    int duration = l.contract.duration_years ? *l.contract.duration_years
                                             : msp_accord(l.contract).contract_years.value;
    aci::Date last{std::chrono::sys_days{aci::add_years(l.contract.signature, duration)} -
                   std::chrono::days{1}};
    out.back().to = aci::format_date(last);
  }
  return out;
}

Status AciService::Impl::check_contract_year(const ContractRow& row, int year) {
  if (row.record.kind == "cpts") {
    auto c = MAILLAGE_TRY(parse_cpts(row.document.text, "$.contrat"));
    return check_year(c, year);
  }
  auto l = MAILLAGE_TRY(msp_loaded(row));
  int count = l.last_year - l.first_year + 1;
  if (year < 1 || year > count) {
    return invalid("year", fmt::format("année de contrat entre 1 et {} attendue ({} à {})", count,
                                       l.first_year, l.last_year));
  }
  return {};
}

Status AciService::Impl::check_msp_measure(const MspLoaded& l, const MeasureInput& in) {
  if (in.mission != aci::kMspMission) {
    return invalid("$.mission", fmt::format("un contrat de MSP se mesure sous « {} »",
                                            aci::kMspMission));
  }
  if (in.year < l.first_year || in.year > l.last_year) {
    return invalid("$.year", fmt::format("année civile entre {} et {} attendue", l.first_year,
                                         l.last_year));
  }
  if (in.indicator == aci::kMspPatients) {
    if (in.measured && (*in.measured < 0 || *in.measured > 10'000'000 ||
                        *in.measured != std::floor(*in.measured))) {
      return invalid("$.measured", "patientèle : nombre entier de patients attendu");
    }
    return {};
  }
  bool known = std::any_of(l.contract.indicators.begin(), l.contract.indicators.end(),
                           [&](const aci::MspIndicator& i) { return i.id == in.indicator; });
  if (!known) {
    return invalid("$.indicator",
                   fmt::format("indicateur « {} » absent du contrat", in.indicator));
  }
  if (in.measured && (!std::isfinite(*in.measured) || *in.measured < 0 || *in.measured > 100)) {
    return invalid("$.measured", "taux d'atteinte entre 0 et 100 % attendu");
  }
  return {};
}

AciMspSheet AciService::Impl::msp_sheet(const MspLoaded& l, int calendar_year) const {
  const aci::MspRules& rules = msp_accord(l.contract).msp;
  AciMspSheet out;
  out.calendar_year = calendar_year;
  out.point_value = euros(rules.point_value.value);
  out.reference_patients = rules.reference_patients.value;
  auto pk = l.measures.find({aci::kMspMission, aci::kMspPatients, calendar_year});
  if (pk != l.measures.end()) out.patients_version = pk->second.version;
  const aci::MspYear* year = nullptr;
  for (const auto& y : l.contract.years) {
    if (y.year == calendar_year) year = &y;
  }
  out.has_patients = year != nullptr;
  out.patients = year ? year->patients : 0;
  // The engine's year (a year without patients is computed with none: variable points at 0).
  aci::MspContract c = l.contract;
  if (!year) c.years.push_back({calendar_year, 0, false});
  auto years = aci::msp_years(c, rulebook());
  if (!years) return out;
  const aci::MspYearResult* r = nullptr;
  for (const auto& y : *years) {
    if (y.year == calendar_year) r = &y;
  }
  if (r == nullptr) return out;
  if (r->partial) out.prorata = fmt::format("{}/{} jours", r->days, r->year_days);
  std::int64_t full_x_ref = 0;
  for (std::size_t i = 0; i < r->indicators.size(); ++i) {
    const aci::MspIndicatorResult& ir = r->indicators[i];
    const aci::MspIndicator& ind = c.indicators[i];
    const aci::MspIndicatorRule* rule = catalogue_entry(c, ind.id);
    AciMspLine line;
    line.id = ind.id;
    line.label = !ind.definition.empty() ? ind.definition : rule ? rule->label : ind.id;
    line.axis = rule ? rule->axis : "";
    line.category = category_id(ind.category);
    line.category_label = category_label(ind.category);
    line.item = fmt::format("indicateur:{}/{}", aci::kMspMission, ind.id);
    line.points_text = points_text(ir.points_x_ref, ir.reference);
    line.points_detail = fmt::format("{} fixes", fr::integer(ind.fixed_points));
    if (ind.variable_points > 0) {
      line.points_detail += fmt::format(" + {} variables × {} / {} patients",
                                        fr::integer(ind.variable_points), fr::integer(out.patients),
                                        fr::integer(ir.reference));
    }
    auto mk = l.measures.find({aci::kMspMission, ind.id, calendar_year});
    if (mk != l.measures.end()) {
      line.measure_version = mk->second.version;
      line.measured = mk->second.value;
    } else {
      for (const auto& a : ind.achievements) {
        if (a.year == calendar_year) line.measured = static_cast<double>(a.rate) / 10000.0;
      }
    }
    line.is_measured = ir.measured;
    line.measured_text = line.measured ? aci::format_value(*line.measured) + " %" : "";
    line.rate_text = aci::format_rate(ir.rate);
    // Points earned, rounded to the ppm of the rate like the money.
    std::int64_t earned_x_ref = aci::mul_div_round(ir.points_x_ref, ir.rate, aci::kPpmOne);
    line.points_earned_text = points_text(earned_x_ref, ir.reference);
    line.euros_full = euros(ir.at_full);
    line.euros_earned = euros(ir.earned);
    line.verified = rule == nullptr || (rule->fixed_points.provenance.verified &&
                                        rule->variable_points.provenance.verified);
    full_x_ref += ir.points_x_ref;
    out.lines.push_back(std::move(line));
  }
  std::int64_t reference = rules.reference_patients.value;
  std::int64_t earned_total_x_ref = 0;
  for (const auto& ir : r->indicators) {
    earned_total_x_ref += aci::mul_div_round(ir.points_x_ref, ir.rate, aci::kPpmOne);
  }
  out.points_full_text = points_text(full_x_ref, reference);
  out.points_earned_text = points_text(earned_total_x_ref, reference);
  out.socle_full = euros(r->socle_full);
  out.earned = euros(r->earned);
  out.total = euros(r->total);
  out.advance = euros(r->advance);
  out.balance = euros(r->balance);
  out.minimum_used = r->minimum_used;
  out.estimated = r->estimated;
  if (!r->unmet_prerequisite.empty()) {
    out.unmet_prerequisite = r->unmet_prerequisite;
    for (const auto& line : out.lines) {
      if (line.id == r->unmet_prerequisite) out.unmet_prerequisite = line.label;
    }
  }
  return out;
}

}  // namespace maillage::services
