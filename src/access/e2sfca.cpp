#include "access/e2sfca.hpp"

#include <algorithm>
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

// The two passes, with the weight w(k, t) of pair k (time t) inlined by the caller's lambda.
template <class Weight>
void run_passes(std::span<const double> demand, std::span<const double> supply,
                const TravelTimes& times, Weight&& weight, AccessResult& r) {
  const std::size_t n = demand.size();
  const std::uint32_t* off = times.offsets.data();
  const LocationId* dst = times.destinations.data();
  const double* minutes = times.minutes.data();
  double* d = r.catchment_demand.data();
  std::size_t weighted = 0;
  // Pass 1: D_j = Σ_i w_ij P_i, scattered from the origin rows.
  for (std::size_t i = 0; i < n; ++i) {
    const double p = demand[i];
    for (std::uint32_t k = off[i]; k < off[i + 1]; ++k) {
      const double wk = weight(k, minutes[k]);
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
    for (std::uint32_t k = off[i]; k < off[i + 1]; ++k) a += weight(k, minutes[k]) * ratio[dst[k]];
    r.access[i] = a;
    r.weighted_access += demand[i] * a;
  }
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
  const auto pass = [&](auto&& weight) { run_passes(demand, supply, times, weight, r); };
  switch (decay.kind) {
    case DecayKind::uniform: {
      const double max = decay.max_minutes;
      if (decay.boundary == Boundary::upper_inclusive) {
        pass([max](std::size_t, double t) { return t <= max ? 1.0 : 0.0; });
      } else {
        pass([max](std::size_t, double t) { return t < max ? 1.0 : 0.0; });
      }
      break;
    }
    case DecayKind::step: {
      // Bands as one flat table cut at the catchment.
      std::vector<double> ends, weights;
      double last = 0;
      for (const StepBand& b : decay.bands) {
        if (b.upper_minutes >= decay.max_minutes) {
          last = b.weight;  // the band the catchment ends in
          break;
        }
        ends.push_back(b.upper_minutes);
        weights.push_back(b.weight);
      }
      ends.push_back(decay.max_minutes);
      weights.push_back(last);
      weights.push_back(0.0);  // beyond the catchment
      // The band of t is the number of ends it is past: counted without branches, since times
      // fall in bands at random and mispredicted jumps cost more than the few compares.
      const std::size_t bands = ends.size();
      const double* e = ends.data();
      const double* w = weights.data();
      if (decay.boundary == Boundary::upper_inclusive) {
        pass([=](std::size_t, double t) {
          std::size_t band = 0;
          for (std::size_t b = 0; b < bands; ++b) band += t > e[b];
          return w[band];
        });
      } else {
        pass([=](std::size_t, double t) {
          std::size_t band = 0;
          for (std::size_t b = 0; b < bands; ++b) band += t >= e[b];
          return w[band];
        });
      }
      break;
    }
    case DecayKind::gravity: {
      // A pow per pair is the cost here: evaluate once, reuse in the second pass.
      std::vector<double> w(times.pairs());
      for (std::size_t k = 0; k < w.size(); ++k) w[k] = decay.weight(times.minutes[k]);
      pass([&w](std::size_t k, double) { return w[k]; });
      break;
    }
  }
  // Finite inputs can still overflow (populations near 1e308, or a ratio over a vanishing
  // demand): refuse rather than return infinities or a silent 0 for R_j = S_j / ∞.
  const auto finite = [](const std::vector<double>& v) {
    return std::all_of(v.begin(), v.end(), [](double x) { return std::isfinite(x); });
  };
  if (!finite(r.catchment_demand) || !finite(r.access) || !std::isfinite(r.weighted_access)) {
    return fail(ErrorCode::invalid_input,
                "dépassement de capacité : populations ou offres trop grandes (ou trop petites)",
                "population");
  }
  return r;
}

}  // namespace maillage::access
