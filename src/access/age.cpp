#include "access/age.hpp"

#include <cmath>

#include "access/number.hpp"

namespace maillage::access {

namespace {

constexpr std::string_view kField = "age-weights";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<AgeWeights> parse_age_weights(std::string_view spec) {
  AgeWeights out;
  if (trim(spec).empty()) {
    return fail(ErrorCode::invalid_input,
                "poids de consommation par tranche d'âge absents (ex. 0-14=0.8,15-29=0.7)",
                std::string(kField));
  }
  while (true) {
    const auto comma = spec.find(',');
    const std::string_view item = trim(spec.substr(0, comma));
    const auto eq = item.rfind('=');
    const std::string_view name = trim(item.substr(0, eq));
    const auto value = eq == std::string_view::npos
                           ? std::nullopt
                           : parse_number_or_fraction(trim(item.substr(eq + 1)));
    if (name.empty() || !value || *value < 0) {
      return fail(ErrorCode::invalid_input,
                  "poids illisible « " + std::string(item) +
                      " » : attendu tranche=poids avec un poids positif ou nul",
                  std::string(kField));
    }
    for (const auto& [other, w] : out.weights) {
      if (other == name) {
        return fail(ErrorCode::invalid_input,
                    "tranche « " + std::string(name) + " » donnée deux fois", std::string(kField));
      }
    }
    out.weights.emplace_back(std::string(name), *value);
    if (comma == std::string_view::npos) break;
    spec.remove_prefix(comma + 1);
  }
  return out;
}

Result<std::vector<double>> standardise_demand(const AgeTable& table, const AgeWeights& weights,
                                               bool normalise) {
  const std::size_t bands = table.bands.size();
  if (bands == 0 || table.population.size() % bands != 0) {
    return fail(ErrorCode::invalid_input, "table des âges vide ou mal formée", "age");
  }
  // Weight of each table column, matched by name; every weight must be used.
  std::vector<double> c(bands);
  std::vector<bool> used(weights.weights.size(), false);
  for (std::size_t a = 0; a < bands; ++a) {
    bool found = false;
    for (std::size_t k = 0; k < weights.weights.size(); ++k) {
      if (weights.weights[k].first == table.bands[a]) {
        c[a] = weights.weights[k].second;
        used[k] = true;
        found = true;
        break;
      }
    }
    if (!found) {
      return fail(ErrorCode::invalid_input,
                  "aucun poids de consommation pour la tranche « " + table.bands[a] + " »",
                  std::string(kField));
    }
  }
  for (std::size_t k = 0; k < used.size(); ++k) {
    if (!used[k]) {
      return fail(ErrorCode::invalid_input,
                  "tranche « " + weights.weights[k].first + " » absente de la table des âges",
                  std::string(kField));
    }
  }

  const std::size_t n = table.locations();
  std::vector<double> out(n, 0.0);
  double people = 0;
  double consumption = 0;
  for (std::size_t k = 0; k < n; ++k) {
    double s = 0;
    for (std::size_t a = 0; a < bands; ++a) {
      const double pop = table.population[k * bands + a];
      if (!std::isfinite(pop) || pop < 0) {
        return fail(ErrorCode::invalid_input, "effectif négatif ou non fini", "age");
      }
      s += pop * c[a];
      people += pop;
    }
    out[k] = s;
    consumption += s;
  }
  if (normalise) {
    if (consumption <= 0) {
      return fail(ErrorCode::invalid_input,
                  "consommation totale nulle : population ou poids tous à zéro", std::string(kField));
    }
    const double mean = consumption / people;  // c̄
    for (double& v : out) v /= mean;
  }
  return out;
}

}  // namespace maillage::access
