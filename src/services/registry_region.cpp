// The regional view of the registry: the portfolios of a région's départements (for the ARS and
// the chargés de mission, whose scope is a région) and the network of coordinators that a
// chargé de mission animates. Reads only; scope rules are the département portfolio's.
#include <fmt/format.h>

#include <algorithm>

#include "common/try.hpp"
#include "services/registry.hpp"
#include "services/registry_repository.hpp"

namespace maillage::services {
namespace {

// The départements of `region` that `who` covers; not_found / forbidden as documented.
Result<std::pair<const geo::Region*, std::vector<std::string>>> covered(
    const geo::Referentiel& ref, const Principal& who, const std::string& region) {
  const geo::Region* r = ref.region(region);
  if (r == nullptr) {
    return fail(ErrorCode::not_found, fmt::format("La région {} n'existe pas.", region), "region");
  }
  auto region_of = [&ref](std::string_view d) {
    const auto* x = ref.departement(d);
    return x ? x->region : std::string();
  };
  std::vector<std::string> deps;
  for (const auto& d : r->departements) {
    if (covers_departement(who, d, region_of)) deps.push_back(d);
  }
  if (deps.empty()) {
    return fail(ErrorCode::forbidden, "Cette région n'est pas dans votre périmètre.", "region");
  }
  std::sort(deps.begin(), deps.end());
  return std::pair{r, std::move(deps)};
}

}  // namespace

Result<RegionalPortfolio> Registry::regional_portfolio(const Principal& who,
                                                       const std::string& region,
                                                       const PortfolioFilter& filter,
                                                       registry::Date today) const {
  auto [r, deps] = MAILLAGE_TRY(covered(*ref_, who, region));
  RegionalPortfolio out;
  out.region = r->code;
  out.region_name = r->nom;
  out.as_of = today;
  for (const auto& d : deps) out.departements.push_back(MAILLAGE_TRY(portfolio(who, d, filter, today)));
  return out;
}

Result<CoordinatorNetwork> Registry::coordinator_network(const Principal& who,
                                                         const std::string& region) const {
  auto [r, deps] = MAILLAGE_TRY(covered(*ref_, who, region));
  CoordinatorNetwork out;
  out.region = r->code;
  out.region_name = r->nom;
  std::vector<Structure> all;
  for (const auto& d : deps) {
    StructureFilter f;
    f.departement = d;
    for (auto& s : MAILLAGE_TRY(list_structures(who, f))) {
      const auto* lc = lifecycle_of(s.kind);
      const auto* st = lc ? lc->state(s.stage) : nullptr;
      if (st != nullptr && st->terminal) continue;  // abandoned or dissolved: no network
      all.push_back(std::move(s));
    }
  }
  std::vector<std::int64_t> ids;
  for (const auto& s : all) ids.push_back(s.id);
  auto accounts = MAILLAGE_TRY(repo().coordinators(ids));
  for (auto& s : all) {
    NetworkEntry e;
    e.coordinators = std::move(accounts[s.id]);
    e.structure = std::move(s);
    out.entries.push_back(std::move(e));
  }
  return out;
}

}  // namespace maillage::services
