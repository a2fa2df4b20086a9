// Fuzzes the accessibility inputs. The first byte picks the reader; the rest is its text.
// Beyond "no crash, no sanitizer report", it checks what must hold for any accepted input:
// travel times are a valid CSR, the output reads back, and mass is conserved in whole runs.
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "access/access.hpp"
#include "access/csv.hpp"
#include "access/pipeline.hpp"

namespace {

using namespace maillage::access;

constexpr std::string_view kDemand = "id,population\nA,100\nB,20\nC,0\n57463,5\n";

void check(bool ok) {
  if (!ok) std::abort();
}

const LocationIndex& fixed_locations() {
  static const DemandTable t = *parse_demand_csv(kDemand, "demand.csv");
  return t.locations;
}

// Splits at the first NUL byte.
std::pair<std::string_view, std::string_view> split(std::string_view s) {
  const auto z = s.find('\0');
  if (z == std::string_view::npos) return {s, {}};
  return {s.substr(0, z), s.substr(z + 1)};
}

void whole_run(std::string_view text, bool coords, std::string_view weights) {
  auto [demand, rest] = split(text);
  auto [supply, times] = split(rest);
  RunInputs in;
  in.demand = {"demand.csv", demand};
  in.supply = {"supply.csv", supply};
  if (coords) {
    in.coords = InputText{"coords.csv", times};
  } else {
    in.od = InputText{"od.csv", times};
  }
  RunOptions opt;
  opt.weights = std::string(weights);
  opt.threads = 2;
  auto run = prepare_run(in, opt);
  if (!run) return;
  auto out = compute_run(*run);
  if (!out) return;
  const AccessResult& r = out->result;
  check(r.access.size() == run->demand.locations.size());
  double weighted = 0;
  for (std::size_t i = 0; i < r.access.size(); ++i) {
    check(std::isfinite(r.access[i]) && r.access[i] >= 0);
    weighted += run->population[i] * r.access[i];
  }
  // Σ P·A = Σ S − stranded supply, up to rounding; far from 1 (subnormals, 1e300) rounding is
  // no longer relative, so the check keeps to values a census or a count can have.
  bool ordinary = true;
  for (double v : run->population) ordinary &= v == 0 || (v > 1e-9 && v < 1e12);
  for (double v : run->supply) ordinary &= v == 0 || (v > 1e-9 && v < 1e12);
  const double expected = r.total_supply - r.stranded_supply;
  if (ordinary) {
    check(std::abs(weighted - expected) <= 1e-6 * std::max(1.0, expected));
  }
  // The output reads back with the same ids (as a demand file, once its header is renamed).
  std::string csv = format_access_csv(run->demand.locations, r.access);
  check(csv.starts_with("id,access\n"));
  csv.replace(3, 6, "population");
  auto back = parse_demand_csv(csv, "out.csv");
  check(back.has_value() && back->locations.ids() == run->demand.locations.ids());
  (void)run_report(*run, *out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t selector = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  Diagnostics diag;
  switch (selector % 8) {
    case 0: {
      auto t = parse_demand_csv(text, "demand.csv");
      if (t) check(t->locations.size() == t->population.size());
      break;
    }
    case 1:
      (void)parse_supply_csv(text, "supply.csv", fixed_locations());
      break;
    case 2: {
      // The reference reader, and the hot path whole and cut in parts of a few bytes: same
      // pairs (minutes to the bit), same warnings, same error.
      OdOptions opt;
      opt.boundary = (selector & 0x40) ? Boundary::upper_exclusive : Boundary::upper_inclusive;
      if (selector & 0x80) opt.self_minutes = std::nullopt;
      auto od = parse_od_csv_reference(text, "od.csv", fixed_locations(), opt, diag);
      {
        Diagnostics fast_diag;
        auto fast = parse_od_csv(text, "od.csv", fixed_locations(), opt, fast_diag);
        check(od.has_value() == fast.has_value());
        if (od) {
          check(od->times.offsets == fast->times.offsets);
          check(od->times.destinations == fast->times.destinations);
          check(od->times.minutes.size() == fast->times.minutes.size());
          check(od->times.minutes.empty() ||
                std::memcmp(od->times.minutes.data(), fast->times.minutes.data(),
                            od->times.minutes.size() * sizeof(double)) == 0);
          check(od->rows == fast->rows && od->unknown == fast->unknown &&
                od->beyond_catchment == fast->beyond_catchment);
          check(diag.warnings.size() == fast_diag.warnings.size());
        } else {
          check(od.error().describe() == fast.error().describe());
        }
      }
      OdOptions cut = opt;
      cut.threads = 3;
      cut.min_part_bytes = 8;
      Diagnostics cut_diag;
      auto od3 = parse_od_csv(text, "od.csv", fixed_locations(), cut, cut_diag);
      check(od.has_value() == od3.has_value());
      if (od) {
        check(od->times.validate(fixed_locations().size()).has_value());
        check(od->times.offsets == od3->times.offsets);
        check(od->times.destinations == od3->times.destinations);
        check(od->times.minutes == od3->times.minutes);
        check(od->rows == od3->rows && od->unknown == od3->unknown &&
              od->beyond_catchment == od3->beyond_catchment);
        check(diag.warnings.size() == cut_diag.warnings.size());
        for (std::size_t k = 0; k < diag.warnings.size(); ++k) {
          check(diag.warnings[k].describe() == cut_diag.warnings[k].describe());
        }
      } else {
        check(od.error().describe() == od3.error().describe());
      }
      break;
    }
    case 3: {
      auto p = parse_coords_csv(text, "coords.csv", fixed_locations(), diag);
      if (p) {
        CrowFlyModel m;
        m.threads = 2;
        auto t = crow_fly_times(*p, m);
        check(t.has_value() && t->validate(p->size()).has_value());
      }
      break;
    }
    case 4: {
      auto [table_text, weights_text] = split(text);
      auto table = parse_age_csv(table_text, "age.csv", fixed_locations(), diag);
      auto weights = parse_age_weights(weights_text);
      if (table && weights) (void)standardise_demand(*table, *weights);
      break;
    }
    case 5: {
      auto d = parse_decay(text, (selector & 0x80) ? std::optional<double>(12.5) : std::nullopt);
      if (d) {
        check(d->validate().has_value());
        for (double t : {0.0, 5.0, 10.0, 12.5, 15.0, 20.0, 1e9}) {
          const double w = d->weight(t);
          check(std::isfinite(w) && w >= 0);
        }
      }
      break;
    }
    case 6:
      whole_run(text, false, (selector & 0x80) ? "uniform" : "");
      break;
    case 7:
      whole_run(text, true, (selector & 0x80) ? "gravity:beta=1.5" : "");
      break;
  }
  return 0;
}
