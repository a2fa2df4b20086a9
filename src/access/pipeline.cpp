#include "access/pipeline.hpp"

#include <cmath>
#include <cstdio>

#include "access/age.hpp"

namespace maillage::access {

namespace {

std::string num(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

// Ids of the first few locations of a list, for messages.
std::string some_ids(const LocationIndex& locations, const std::vector<LocationId>& ids) {
  std::string out;
  for (std::size_t k = 0; k < ids.size() && k < 5; ++k) {
    if (k) out += ", ";
    out += locations.id(ids[k]);
  }
  if (ids.size() > 5) out += ", …";
  return out;
}

}  // namespace

Result<PreparedRun> prepare_run(const RunInputs& inputs, const RunOptions& options) {
  PreparedRun run;
  if (inputs.od.has_value() == inputs.coords.has_value()) {
    return fail(ErrorCode::invalid_input,
                "donner soit un fichier de temps de trajet (--od), soit des coordonnées (--coords)",
                "od");
  }
  if (inputs.age.has_value() != !options.age_weights.empty()) {
    return fail(ErrorCode::invalid_input,
                "la population standardisée demande à la fois --age et --age-weights",
                inputs.age ? "age-weights" : "age");
  }

  auto decay = parse_decay(options.weights.empty() ? kAplWeights : options.weights,
                           options.max_minutes, options.boundary);
  if (!decay) return tl::unexpected(decay.error());
  run.decay = std::move(*decay);

  auto demand = parse_demand_csv(inputs.demand.text, inputs.demand.name);
  if (!demand) return tl::unexpected(demand.error());
  run.demand = std::move(*demand);
  const LocationIndex& locations = run.demand.locations;
  run.population = run.demand.population;

  auto supply = parse_supply_csv(inputs.supply.text, inputs.supply.name, locations);
  if (!supply) return tl::unexpected(supply.error());
  run.supply = std::move(*supply);

  if (inputs.age) {
    auto weights = parse_age_weights(options.age_weights);
    if (!weights) return tl::unexpected(weights.error());
    auto table = parse_age_csv(inputs.age->text, inputs.age->name, locations, run.diagnostics);
    if (!table) return tl::unexpected(table.error());
    auto standard = standardise_demand(*table, *weights);
    if (!standard) return tl::unexpected(standard.error());
    // An age table from another census year than the demand file is a likely mistake.
    std::size_t differ = 0;
    LocationId first = 0;
    const std::size_t bands = table->bands.size();
    for (LocationId i = 0; i < locations.size(); ++i) {
      double total = 0;
      for (std::size_t a = 0; a < bands; ++a) total += table->population[i * bands + a];
      const double p = run.demand.population[i];
      if (std::abs(total - p) > 0.01 * std::max(p, 1.0)) {
        if (differ++ == 0) first = i;
      }
    }
    if (differ) {
      run.diagnostics.warn(inputs.age->name, 0,
                           std::to_string(differ) + " lieu(x) dont la population par âge diffère "
                           "de plus de 1 % de celle du fichier de demande (premier : " +
                           locations.id(first) + ")");
    }
    run.population = std::move(*standard);
    run.standardised = true;
  }

  if (inputs.od) {
    OdOptions od;
    od.max_minutes = run.decay.max_minutes;
    od.boundary = run.decay.boundary;
    od.self_minutes = options.self_minutes;
    od.threads = options.threads;
    auto table = parse_od_csv(inputs.od->text, inputs.od->name, locations, od, run.diagnostics);
    if (!table) return tl::unexpected(table.error());
    run.od = std::move(*table);
  } else {
    auto points = parse_coords_csv(inputs.coords->text, inputs.coords->name, locations,
                                   run.diagnostics);
    if (!points) return tl::unexpected(points.error());
    run.points = std::move(*points);
    run.model.detour = options.detour;
    run.model.speed_kmh = options.speed_kmh;
    run.model.max_minutes = run.decay.max_minutes;
    run.model.threads = options.threads;
    if (auto ok = run.model.validate(); !ok) return tl::unexpected(ok.error());
  }
  return run;
}

Result<RunOutput> compute_run(const PreparedRun& run) {
  RunOutput out;
  if (run.od) {
    auto r = compute_access(run.population, run.supply, run.od->times, run.decay);
    if (!r) return tl::unexpected(r.error());
    out.result = std::move(*r);
    out.pairs = run.od->times.pairs();
    return out;
  }
  // Pairs towards locations without supply weigh nothing in either pass: skip them.
  std::vector<std::uint8_t> has_supply(run.supply.size());
  for (std::size_t j = 0; j < run.supply.size(); ++j) has_supply[j] = run.supply[j] > 0;
  auto times = crow_fly_times(run.points, run.model, has_supply);
  if (!times) return tl::unexpected(times.error());
  auto r = compute_access(run.population, run.supply, *times, run.decay);
  if (!r) return tl::unexpected(r.error());
  out.result = std::move(*r);
  out.pairs = times->pairs();
  return out;
}

std::vector<std::string> run_report(const PreparedRun& run, const RunOutput& out) {
  std::vector<std::string> lines;
  const AccessResult& r = out.result;
  const LocationIndex& locations = run.demand.locations;
  std::string summary = std::to_string(locations.size()) + " lieux, " +
                        std::to_string(out.pairs) + " paires origine-destination";
  if (run.od) {
    summary += " (" + std::to_string(run.od->rows) + " lignes lues, " +
               std::to_string(run.od->beyond_catchment) + " au-delà de la zone de recours, " +
               std::to_string(run.od->self_added) + " temps intra-commune ajoutés)";
  } else {
    summary += " (vol d'oiseau × " + num(run.model.detour) + " à " + num(run.model.speed_kmh) +
               " km/h)";
  }
  summary += "; pondération " + run.decay.describe() + "; offre totale " + num(r.total_supply) +
             ", demande " + (run.standardised ? "standardisée " : "") + "totale " +
             num(r.total_demand);
  if (r.total_demand > 0) {
    summary += ", accessibilité moyenne pondérée " + num(r.weighted_access / r.total_demand);
  }
  lines.push_back(summary);
  for (const Warning& w : run.diagnostics.warnings) lines.push_back("avertissement : " + w.describe());
  if (run.diagnostics.suppressed) {
    lines.push_back("avertissement : " + std::to_string(run.diagnostics.suppressed) +
                    " autre(s) avertissement(s) non affiché(s)");
  }
  if (!r.supply_without_demand.empty()) {
    lines.push_back("avertissement : " + std::to_string(r.supply_without_demand.size()) +
                    " lieu(x) avec de l'offre mais aucune demande à portée (offre non répartie : " +
                    num(r.stranded_supply) + " sur " + num(r.total_supply) + ") : " +
                    some_ids(locations, r.supply_without_demand));
  }
  return lines;
}

}  // namespace maillage::access
