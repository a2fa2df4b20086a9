#include "access/e2sfca.hpp"

#include <cmath>
#include <string>

namespace maillage::access {

namespace {

Status check_values(std::span<const double> values, std::string_view field) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i]) || values[i] < 0) {
      return fail(ErrorCode::invalid_input,
                  "valeur négative ou non finie au lieu n° " + std::to_string(i + 1),
                  std::string(field));
    }
  }
  return {};
}

}  // namespace

Result<AccessResult> compute_access(std::span<const double> demand, std::span<const double> supply,
                                    const TravelTimes& times, const Decay& decay) {
  const std::size_t n = demand.size();
  if (supply.size() != n) {
    return fail(ErrorCode::invalid_input, "l'offre et la demande n'ont pas le même nombre de lieux",
                "supply");
  }
  if (auto ok = decay.validate(); !ok) return tl::unexpected(ok.error());
  if (auto ok = check_values(demand, "population"); !ok) return tl::unexpected(ok.error());
  if (auto ok = check_values(supply, "supply"); !ok) return tl::unexpected(ok.error());
  if (auto ok = times.validate(n); !ok) return tl::unexpected(ok.error());

  AccessResult r;
  r.access.assign(n, 0.0);
  r.catchment_demand.assign(n, 0.0);
  r.ratio.assign(n, 0.0);

  // Weights are evaluated once (gravity weights cost a pow each) and reused by the second pass.
  const std::size_t m = times.pairs();
  std::vector<double> w(m);
  const std::uint32_t* off = times.offsets.data();
  const LocationId* dst = times.destinations.data();
  const double* min = times.minutes.data();
  double* d = r.catchment_demand.data();
  std::size_t weighted = 0;
  // Pass 1: D_j = Σ_i w_ij P_i, scattered from the origin rows.
  for (std::size_t i = 0; i < n; ++i) {
    const double p = demand[i];
    for (std::uint32_t k = off[i]; k < off[i + 1]; ++k) {
      const double wk = decay.weight(min[k]);
      w[k] = wk;
      weighted += wk > 0;
      d[dst[k]] += wk * p;
    }
  }
  r.pairs_weighted = weighted;

  for (std::size_t j = 0; j < n; ++j) {
    r.total_supply += supply[j];
    r.total_demand += demand[j];
    if (supply[j] <= 0) continue;
    if (d[j] > 0) {
      r.ratio[j] = supply[j] / d[j];
    } else {
      r.supply_without_demand.push_back(static_cast<LocationId>(j));
      r.stranded_supply += supply[j];
    }
  }

  // Pass 2: A_i = Σ_j w_ij R_j, gathered along the origin rows.
  const double* ratio = r.ratio.data();
  for (std::size_t i = 0; i < n; ++i) {
    double a = 0;
    for (std::uint32_t k = off[i]; k < off[i + 1]; ++k) a += w[k] * ratio[dst[k]];
    r.access[i] = a;
    r.weighted_access += demand[i] * a;
  }
  return r;
}

}  // namespace maillage::access
