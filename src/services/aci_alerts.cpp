// The ACI dates of the ROC portfolio (see aci.hpp): next anniversary, next payment, dialogue dates
// to come and late missions of each CPTS contract, with their severity, and the registry's alert
// source built on them.
#include <fmt/format.h>

#include <set>

#include "aci/deadlines.hpp"
#include "common/dates.hpp"
#include "common/try.hpp"
#include "geo/referentiel.hpp"
#include "services/aci_internal.hpp"

namespace maillage::services {

using namespace aci_detail;

namespace {

// The upcoming dates of one contract as of `today`.
void contract_alerts(const AciContractRecord& row, const aci::CptsContract& c, int years,
                     const std::vector<std::pair<int, std::string>>& dialogues, Date today,
                     std::vector<AciAlert>& out) {
  const std::string& ref = row.reference;
  auto add = [&](Date d, std::string kind, std::string label) {
    auto days = days_between(today, d);
    std::string severity = (kind == "late_mission" || days < 0) ? "critical"
                           : days <= 14                         ? "warning"
                                                                : "info";
    out.push_back(
        {row.structure_id, row.id, d, std::move(kind), std::move(label), std::move(severity)});
  };
  // Next anniversary.
  for (int k = 1; k <= years; ++k) {
    aci::Date a = aci::anniversary(c, k);
    if (a >= today) {
      add(a, "anniversary", fmt::format("{} : anniversaire n° {} du contrat ACI", ref, k));
      break;
    }
  }
  // Next payment due.
  if (auto s = aci::compute_schedule(c, rulebook())) {
    for (const auto& p : s->payments) {
      if (p.date >= today) {
        add(p.date, "payment",
            fmt::format("{} : versement ACI prévu ({}, {})", ref, p.envelope, euros(p.amount)));
        break;
      }
    }
  }
  // Dialogue dates still to come.
  for (const auto& [year, text] : dialogues) {
    auto d = aci::parse_date(text);
    if (d && *d >= today)
      add(*d, "dialogue", fmt::format("{} : dialogue de gestion de l'année {}", ref, year));
  }
  // Late missions.
  if (auto dl = aci::check_deadlines(c, rulebook(), today)) {
    for (const auto& d : *dl) {
      for (auto [ms, what] : {std::pair{&d.start, "démarrage"}, {&d.deploy, "déploiement"}}) {
        if (ms->status == aci::DeadlineStatus::overdue && ms->deadline) {
          add(*ms->deadline, "late_mission",
              fmt::format("{} : {} de la mission « {} » en retard de {} jours", ref, what, d.label,
                          ms->days_late));
        }
      }
    }
  }
}

}  // namespace

Result<std::vector<AciAlert>> AciService::alerts(const std::vector<std::int64_t>& structure_ids,
                                                 Date today) {
  std::vector<AciAlert> out;
  if (structure_ids.empty()) return out;
  std::set<std::int64_t> wanted(structure_ids.begin(), structure_ids.end());
  AciRepository repo(impl_->db);
  auto contracts = MAILLAGE_TRY(repo.cpts_contracts());
  for (const auto& row : contracts) {
    if (!wanted.count(row.structure_id)) continue;
    auto versions = MAILLAGE_TRY(repo.versions(row.id));
    auto measures = MAILLAGE_TRY(repo.measures(row.id));
    auto c = parse_cpts(
        aci::merge_document(row.document, versions.empty() ? "{}" : versions.back().indicators,
                            measured_values(measures)),
        "$");
    if (!c) continue;  // a contract the rules no longer accept shows its error on its own page
    auto dialogues = MAILLAGE_TRY(repo.dialogue_dates(row.id));
    contract_alerts(row, *c, impl_->duration(*c), dialogues, today, out);
  }
  return out;
}

AlertSource aci_alert_source() {
  // The provider outlives any one service, so it holds no reference to one: it builds an
  // AciService on the database it is handed. Alerts need no référentiel, hence the empty one.
  return [](store::Database& db, const std::vector<std::int64_t>& ids,
            Date today) -> Result<std::vector<PortfolioAlert>> {
    static const geo::Referentiel no_referentiel;
    AciService aci(db, no_referentiel);
    auto list = MAILLAGE_TRY(aci.alerts(ids, today));
    std::vector<PortfolioAlert> out;
    for (auto& a : list) {
      PortfolioAlert p;
      p.structure_id = a.structure_id;
      p.date = a.date;
      p.kind = "aci_" + a.kind;
      p.label = std::move(a.label);
      p.severity = std::move(a.severity);
      p.source = "aci";
      out.push_back(std::move(p));
    }
    return out;
  };
}

void register_aci_alert_source() { add_alert_source("aci", aci_alert_source()); }

}  // namespace maillage::services
