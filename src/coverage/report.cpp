#include "coverage/report.hpp"

#include <algorithm>
#include <cstdio>
#include <map>

#include "common/french.hpp"
#include "coverage/proposals.hpp"

namespace maillage::coverage {

namespace {

// Display width of UTF-8 text: code points, not bytes (names have accents).
std::size_t width(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// Cut to `w` code points with an ellipsis.
std::string fit(std::string_view s, std::size_t w) {
  if (width(s) <= w) return std::string(s);
  std::string out;
  std::size_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool start = (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
    if (start && ++n > w - 1) break;
    out += s[i];
  }
  return out + "…";
}

std::string left(std::string_view s, std::size_t w) {
  std::string out = fit(s, w);
  out.append(w - width(out), ' ');
  return out;
}

std::string right(std::string_view s, std::size_t w) {
  const std::size_t n = width(s);
  return std::string(n < w ? w - n : 0, ' ') + std::string(s);
}

std::string plural(std::int64_t n, std::string_view one, std::string_view many) {
  return format_int(n) + " " + std::string(n > 1 ? many : one);
}

// The most populated names of a set of units, "A, B, C… (+12)".
std::string names(const UnitGraph& g, std::vector<CommuneIndex> units, std::size_t max) {
  std::stable_sort(units.begin(), units.end(), [&](CommuneIndex a, CommuneIndex b) {
    return g.population(a) > g.population(b);
  });
  std::string out;
  for (std::size_t i = 0; i < units.size() && i < max; ++i) {
    if (i > 0) out += ", ";
    out += g.ref().communes[units[i]].nom;
  }
  if (units.size() > max) out += "… (+" + std::to_string(units.size() - max) + ")";
  return out;
}

std::string count_row(std::string_view label, const Count& c, const Count& total) {
  return left(label, 44) + right(format_int(c.communes), 9) + right(format_int(c.population), 13) +
         right(format_percent(c.population, total.population), 10) + "\n";
}

}  // namespace

std::string format_int(std::int64_t v) { return fr::integer(v, " "); }

std::string format_percent(std::int64_t part, std::int64_t total) {
  if (total == 0) return "—";
  // Tenths of a percent, rounded half up, in integers: no binary rounding surprises at x.x5.
  const std::int64_t tenths = (part * 2000 + total) / (2 * total);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld,%lld %%", static_cast<long long>(tenths / 10),
                static_cast<long long>(tenths % 10));
  return buf;
}

Result<std::string> departement_report(const Cover& cover, std::span<const Territory> territories,
                                       std::span<const StageFilter> filters,
                                       std::string_view departement, const ReportOptions& options) {
  if (filters.size() != cover.filter_count() || territories.size() != cover.territory_count()) {
    return fail(ErrorCode::internal, "le rapport ne correspond pas au calcul de couverture");
  }
  const UnitGraph& g = cover.graph();
  const Area area{AreaKind::departement, std::string(departement)};
  auto units = area_units(g, area);
  if (!units) return tl::unexpected(units.error());
  const AreaCoverage row = summarize(cover, *units);

  const std::uint32_t dep = units->empty() ? kNone : g.departement_of(units->front());
  std::size_t present = 0;
  for (std::uint32_t t = 0; t < territories.size(); ++t) {
    const auto us = cover.units_of(t);
    present += std::any_of(us.begin(), us.end(),
                           [&](CommuneIndex u) { return g.departement_of(u) == dep; })
                   ? 1
                   : 0;
  }

  std::string out = "Couverture CPTS — " + area_name(g, area) + "\n";
  out += plural(row.total.communes, "commune", "communes") + ", " +
         plural(row.total.population, "habitant", "habitants") + " ; " +
         plural(static_cast<std::int64_t>(present), "territoire présent", "territoires présents") +
         " dans le département\n\n";
  out += left("", 44) + right("communes", 9) + right("population", 13) + right("part", 10) + "\n";
  out += count_row("Total", row.total, row.total);
  out += count_row("Couvert par au moins un territoire", row.covered, row.total);
  for (std::size_t f = 0; f < filters.size(); ++f) {
    out += count_row("  dont " + filters[f].label, row.by_filter[f], row.total);
  }
  out += count_row("Non couvert", row.uncovered(), row.total);
  out += count_row("Couvert par plusieurs territoires", row.overlapping, row.total);

  // EPCI of the département, restricted to their communes in it.
  std::map<std::uint32_t, std::vector<CommuneIndex>> by_epci;
  for (CommuneIndex u : *units) by_epci[g.epci_of(u)].push_back(u);
  std::map<std::uint32_t, std::size_t> epci_size;  // units of each of these EPCI, anywhere
  for (CommuneIndex u : g.units()) {
    if (by_epci.contains(g.epci_of(u))) ++epci_size[g.epci_of(u)];
  }
  struct EpciRow {
    std::string name;
    AreaCoverage c;
  };
  std::vector<EpciRow> epci_rows;
  for (const auto& [e, us] : by_epci) {
    EpciRow r{e == kNone ? std::string("Sans EPCI") : g.ref().epcis[e].nom, summarize(cover, us)};
    if (e != kNone && epci_size[e] > us.size()) r.name += " (partie)";  // straddles a border
    epci_rows.push_back(std::move(r));
  }
  std::stable_sort(epci_rows.begin(), epci_rows.end(), [](const EpciRow& a, const EpciRow& b) {
    return a.c.total.population > b.c.total.population;
  });
  const std::string last = filters.empty() ? std::string() : filters.back().label;
  out += "\n" + left("EPCI (communes du département)", 44) + right("communes", 9) +
         right("population", 13) + right("couvert", 10) +
         (filters.empty() ? std::string() : right(fit(last, 14), 16)) + right("non couvert", 13) +
         "\n";
  for (const EpciRow& r : epci_rows) {
    out += left(r.name, 44) + right(format_int(r.c.total.communes), 9) +
           right(format_int(r.c.total.population), 13) +
           right(format_percent(r.c.covered.population, r.c.total.population), 10);
    if (!filters.empty()) {
      out += right(format_percent(r.c.by_filter.back().population, r.c.total.population), 16);
    }
    out += right(format_int(r.c.uncovered().population), 13) + "\n";
  }

  const Overlaps ov = overlaps(cover, *units);
  out += "\nChevauchements : ";
  if (ov.units.empty()) {
    out += "aucun\n";
  } else {
    out += plural(static_cast<std::int64_t>(ov.units.size()), "commune", "communes") + ", " +
           plural(ov.population, "habitant", "habitants") + "\n";
    for (const OverlapPair& p : ov.pairs) {
      out += "  " + territories[p.a].name + " × " + territories[p.b].name + " : " +
             plural(static_cast<std::int64_t>(p.units.size()), "commune", "communes") + ", " +
             plural(p.population, "habitant", "habitants") + " (" +
             names(g, p.units, options.max_names) + ")\n";
    }
  }

  const auto zones = white_zones(cover, *units);
  out += "\nZones blanches : ";
  if (zones.empty()) {
    out += "aucune\n";
  } else {
    out += plural(static_cast<std::int64_t>(zones.size()), "zone", "zones") + ", " +
           plural(row.uncovered().communes, "commune", "communes") + ", " +
           plural(row.uncovered().population, "habitant", "habitants") + "\n";
    for (std::size_t z = 0; z < zones.size() && z < options.max_zones; ++z) {
      out += "  " + std::to_string(z + 1) + ". " +
             plural(static_cast<std::int64_t>(zones[z].units.size()), "commune", "communes") +
             ", " + plural(zones[z].population, "habitant", "habitants") + " : " +
             names(g, zones[z].units, options.max_names) + "\n";
    }
    if (zones.size() > options.max_zones) {
      out += "  … et " + std::to_string(zones.size() - options.max_zones) + " autres zones\n";
    }
  }

  if (!zones.empty()) {
    auto proposals = propose(cover, *units, {options.min_population, std::nullopt});
    if (!proposals) return tl::unexpected(proposals.error());
    out += "\nPropositions (seuil de " + format_int(options.min_population) +
           " habitants) — à examiner, rien n'est appliqué sans validation :\n";
    for (std::size_t i = 0; i < proposals->size() && i < options.max_proposals; ++i) {
      const Proposal& p = (*proposals)[i];
      const std::string size =
          plural(static_cast<std::int64_t>(p.units.size()), "commune", "communes") + ", " +
          plural(p.population, "habitant", "habitants");
      out += "  " + std::to_string(i + 1) + ". ";
      switch (p.kind) {
        case ProposalKind::new_territory:
          out += "Nouveau territoire : " + size + " (" + names(g, p.units, options.max_names) + ")";
          break;
        case ProposalKind::attach:
          out += "Rattacher " + size + " (" + names(g, p.units, options.max_names) + ") à " +
                 territories[*p.territory].name + " (" + format_int(p.territory_population_before) +
                 " → " + format_int(p.territory_population_after) + " habitants)";
          break;
        case ProposalKind::isolated:
          out += "Zone sans territoire voisin, sous le seuil : " + size + " (" +
                 names(g, p.units, options.max_names) + ")";
          break;
      }
      out += "\n";
    }
    if (proposals->size() > options.max_proposals) {
      out += "  … et " + std::to_string(proposals->size() - options.max_proposals) +
             " autres propositions\n";
    }
  }
  return out;
}

}  // namespace maillage::coverage
