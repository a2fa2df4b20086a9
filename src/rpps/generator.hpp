// Fictitious RPPS extracts in the exact published format (header of 52 columns, `|` separator,
// trailing `|`, UTF-8), for tests, benchmarks and the demo. Deterministic by seed (our own PRNG
// and Poisson draw, not <random>'s distributions, whose output differs between libraries).
// Names are obviously fake ("FICTIF"), identifiers start with 99 (real RPPS numbers start with
// 10), addresses say "(fictive)".
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace maillage::rpps {

struct GeneratorCommune {
  std::string code;  // INSEE code
  std::string nom;
  std::string postcode;  // one of its postal codes ("" when unknown: then the code is written)
  std::int64_t population = 0;
};

// Expected professionals (people, not sites) per 10 000 inhabitants, by profession. Defaults are
// rounded French orders of magnitude of office-based practice (GPs about 9).
struct ProfessionDensity {
  std::string code;   // Code profession
  std::string label;  // Libellé profession
  double per_10000 = 0;
};
std::vector<ProfessionDensity> default_densities();

struct GeneratorOptions {
  std::uint64_t seed = 1;
  // Vintage of the extract: 0 = current, -1 = one year earlier, ... Each person of the stable
  // pool is present in a vintage with probability `presence`, so two vintages differ by a few
  // per cent of arrivals and departures, as a year of real extracts does.
  int vintage = 0;
  double presence = 0.93;
  double multi_site_share = 0.06;     // people with a second site (in a nearby commune)
  double empty_commune_share = 0.01;  // lines with the commune code empty (postcode fallback)
  double no_address_share = 0.02;     // lines without any address (skipped by the reader)
  int bad_lines = 0;                  // lines with a defect (wrong column count, bad id, ...)
  std::vector<ProfessionDensity> densities = default_densities();
};

struct GeneratorSummary {
  std::int64_t lines = 0;  // data lines written (header excluded)
  std::int64_t persons = 0;
  std::int64_t bad_lines = 0;
  std::uint64_t bytes = 0;
};

// Writes the extract through `write` (called with chunks of about 1 MB).
Result<GeneratorSummary> generate_extract(std::span<const GeneratorCommune> communes,
                                          const GeneratorOptions& options,
                                          const std::function<Status(std::string_view)>& write);

// The published file name for a timestamp "YYYYMMDDhhmm", marked fictitious:
// "PS_LibreAcces_Personne_activite_202511200000_FICTIF.txt".
std::string fictitious_file_name(std::string_view timestamp);

}  // namespace maillage::rpps
