// Adjustment proposals of the dialogue de gestion (see aci.hpp): the territory fact's values
// (given, from the contract, the référentiel or the RPPS snapshots) and the comparison of the
// original and adjusted targets. The SQL is in aci_repository.cpp.
#include <fmt/format.h>

#include <cmath>
#include <map>

#include "aci/workspace.hpp"
#include "common/try.hpp"
#include "geo/referentiel.hpp"
#include "services/aci_internal.hpp"
#include "services/rpps.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using namespace aci_detail;

namespace {

const std::map<std::string, std::string>& fact_labels() {
  static const std::map<std::string, std::string> facts{
      {"population", "Population du territoire"},
      {"medecins_generalistes", "Médecins généralistes du territoire"},
      {"autre", "Autre donnée du territoire"}};
  return facts;
}

struct FactValues {
  double before = 0;
  double after = 0;
  std::string auto_label;  // RPPS: the snapshots compared
};

// Office-based GPs of the territory (FTE: each person counted once) in the oldest and the newest
// RPPS snapshots, when there are two.
Status rpps_gps(store::Database& db, const std::vector<std::string>& communes,
                const AdjustmentInput& in, FactValues& f) {
  auto snaps = MAILLAGE_TRY(list_rpps_snapshots(db));
  if (snaps.size() >= 2) {
    auto gps = [&](std::int64_t snapshot) -> Result<double> {
      auto counts = MAILLAGE_TRY(rpps_counts_by_commune(db, snapshot, communes));
      double fte = 0;
      for (const auto& cnt : counts) {
        if (cnt.general_practitioner && cnt.ambulatory) fte += cnt.fte;
      }
      return std::round(fte * 10) / 10;  // tenths of an FTE, as shown
    };
    const auto& oldest = snaps.back();
    const auto& newest = snaps.front();
    if (!in.fact_before) {
      double v = MAILLAGE_TRY(gps(oldest.id));
      if (v > 0) f.before = v;
    }
    double v = MAILLAGE_TRY(gps(newest.id));
    if (v > 0) f.after = v;
    f.auto_label = fmt::format("Médecins généralistes libéraux (ETP, RPPS du {} au {})",
                               oldest.date(), newest.date());
  }
  if (in.fact_before) f.before = *in.fact_before;
  return {};
}

}  // namespace

namespace {

// The fact's values at signature and now: given, or from the contract, the référentiel or RPPS.
Result<FactValues> fact_values(store::Database& db, const geo::Referentiel& ref, const Loaded& l,
                               const AdjustmentInput& in) {
  FactValues f;
  const auto& communes = l.row.communes;
  if (in.fact_before) {
    f.before = *in.fact_before;
  } else if (in.fact == "population" && l.contract.population) {
    f.before = static_cast<double>(*l.contract.population);
  } else if (in.fact == "medecins_generalistes" && !communes.empty()) {
    f.before = 0;  // from the RPPS snapshots below
  } else {
    return fail(ErrorCode::missing_field, "valeur de référence obligatoire", "$.fact_before");
  }
  if (in.fact == "medecins_generalistes" && (!in.fact_before || !in.fact_after) &&
      !communes.empty()) {
    MAILLAGE_CHECK(rpps_gps(db, communes, in, f));
  }
  if (in.fact_after) {
    f.after = *in.fact_after;
  } else if (f.after > 0) {
    // From the RPPS snapshots above.
  } else if (in.fact == "population" && !communes.empty()) {
    // The territory's population in the référentiel now (same communes as at signature).
    for (const auto& code : communes) {
      if (const auto* cm = ref.commune(code)) f.after += static_cast<double>(cm->population);
    }
  } else {
    return fail(ErrorCode::missing_field, "nouvelle valeur obligatoire", "$.fact_after");
  }
  if (f.before <= 0) {
    return fail(ErrorCode::missing_field,
                "valeur de référence obligatoire (pas deux relevés RPPS pour ce territoire)",
                "$.fact_before");
  }
  return f;
}

}  // namespace

Result<AciAdjustment> AciService::propose_adjustment(const Principal& who, std::int64_t id,
                                                     int year, const AdjustmentInput& in) {
  auto l = MAILLAGE_TRY(impl_->loaded(who, id));
  MAILLAGE_CHECK(may(who, Act::adjust));
  MAILLAGE_CHECK(impl_->check_year(l.contract, year));
  if (!fact_labels().count(in.fact)) {
    return invalid("$.fact", "donnée inconnue (population, medecins_generalistes, autre)");
  }
  auto facts = MAILLAGE_TRY(fact_values(impl_->db, impl_->ref, l, in));
  aci::TargetAdjustment t{in.mission, in.indicator, year, facts.before, facts.after};
  auto cmp = aci::compare_adjustment(l.contract, rulebook(), t);
  if (!cmp) {
    Error e = cmp.error();
    e.field = "$." + e.field;
    return tl::unexpected(e);
  }
  if (in.rationale.size() > 4000) return invalid("$.rationale", "argumentaire trop long");
  AciAdjustment a;
  a.mission = in.mission;
  a.indicator = in.indicator;
  a.year = year;
  a.fact = in.fact;
  a.fact_label = !in.fact_label.empty()      ? in.fact_label
                 : !facts.auto_label.empty() ? facts.auto_label
                                             : fact_labels().at(in.fact);
  a.fact_before = facts.before;
  a.fact_after = facts.after;
  a.rationale = in.rationale;
  a.proposed_by = who.login;
  a.proposed_role = std::string(role_label(who.role));
  a.created_at = store::timestamp_now();
  Status done = impl_->db.transact([&](store::Tx& tx) -> Status {
    auto wid = MAILLAGE_TRY(impl_->workspace_id(tx, id, year, who.login, true));
    AciAdjustmentRecord r{0,
                          a.mission,
                          a.indicator,
                          a.fact,
                          a.fact_label,
                          a.fact_before,
                          a.fact_after,
                          a.rationale,
                          who.login,
                          std::string(role_id(who.role)),
                          a.created_at};
    a.id = MAILLAGE_TRY(AciRepository(tx).insert_adjustment(wid, r));
    return store::audit(
        tx, {who.login, "dialogue.adjustment", "dialogue_workspace", std::to_string(wid), "",
             store::AuditDetail{}
                 .add("adjustment", a.id)
                 .add("mission", in.mission)
                 .add("indicator", in.indicator)
                 .add("fact", in.fact)
                 .add("before", facts.before)
                 .add("after", facts.after)
                 .json()});
  });
  MAILLAGE_CHECK(done);
  return impl_->adjustment(l.contract, std::move(a));
}

}  // namespace maillage::services
