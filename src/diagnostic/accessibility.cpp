#include "diagnostic/accessibility.hpp"

#include <fmt/format.h>

#include <cmath>
#include <cstdint>

#include "access/e2sfca.hpp"

namespace maillage::diagnostic {

std::string AccessParameters::describe() const {
  return fmt::format(
      "pondérations {} ; zone de chalandise {} min ; temps à vol d'oiseau × {} à {} km/h ; "
      "{} consultations par an et par ETP de médecin généraliste",
      weights, max_minutes, detour, speed_kmh, consultations_per_fte);
}

Result<AccessMap> compute_access_map(std::span<const access::GeoPoint> points,
                                     std::span<const double> population,
                                     std::span<const double> fte,
                                     const AccessParameters& parameters) {
  if (population.size() != points.size() || fte.size() != points.size()) {
    return fail(ErrorCode::invalid_input, "tailles d'entrée différentes", "communes");
  }
  if (!std::isfinite(parameters.consultations_per_fte) || parameters.consultations_per_fte <= 0) {
    return fail(ErrorCode::invalid_input, "le nombre de consultations par ETP doit être positif",
                "consultations_par_etp");
  }
  auto decay = access::parse_decay(parameters.weights, parameters.max_minutes);
  if (!decay) return tl::unexpected(decay.error());

  std::vector<double> supply(fte.size());
  std::vector<std::uint8_t> has_supply(fte.size(), 0);
  for (std::size_t i = 0; i < fte.size(); ++i) {
    supply[i] = fte[i] * parameters.consultations_per_fte;
    has_supply[i] = fte[i] > 0 ? 1 : 0;
  }
  access::CrowFlyModel model;
  model.detour = parameters.detour;
  model.speed_kmh = parameters.speed_kmh;
  model.max_minutes = decay->max_minutes;
  model.threads = parameters.threads;
  // Only destinations with supply matter in either pass (the others have R_j = 0 and add
  // nothing to any D_j that is used), so the pairs are generated towards them only.
  auto times = access::crow_fly_times(points, model, has_supply);
  if (!times) return tl::unexpected(times.error());
  auto result = access::compute_access(population, supply, *times, *decay);
  if (!result) return tl::unexpected(result.error());
  AccessMap out;
  out.access = std::move(result->access);
  out.pairs = times->pairs();
  out.total_supply = result->total_supply;
  out.stranded_supply = result->stranded_supply;
  out.stranded_locations = std::move(result->supply_without_demand);
  return out;
}

}  // namespace maillage::diagnostic
