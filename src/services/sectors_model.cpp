#include "services/sectors_model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

#include "common/french.hpp"

namespace maillage::services::detail {

namespace {

constexpr double kScale = 1'000'000.0;  // workloads in millionths of the département's

struct UnionFind {
  std::vector<int> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int find(int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
  }
  void unite(int a, int b) { parent[find(a)] = find(b); }
};

double squared_km(const geo::LatLon& a, const geo::LatLon& b) {
  const double kx = 111.32 * std::cos((a.lat + b.lat) * 0.5 * 3.141592653589793 / 180.0);
  const double dx = (a.lon - b.lon) * kx, dy = (a.lat - b.lat) * 110.57;
  return dx * dx + dy * dy;
}

// Links every piece of `members` (a set of units; its pieces under the current edges) to its
// largest piece, by the nearest pair of units: an enclave whose neighbours all lie in another
// département, or a CPTS territory made of several pieces, then counts as one piece.
void link_pieces(const geo::Referentiel& ref, SectorModel& m, const std::vector<int>& members) {
  std::map<int, int> local;  // unit -> index in members
  for (std::size_t i = 0; i < members.size(); ++i) local[members[i]] = static_cast<int>(i);
  for (;;) {
    UnionFind uf(members.size());
    for (auto [a, b] : m.edges) {
      auto ia = local.find(a), ib = local.find(b);
      if (ia != local.end() && ib != local.end()) uf.unite(ia->second, ib->second);
    }
    std::map<int, std::vector<int>> parts;
    for (std::size_t i = 0; i < members.size(); ++i) {
      parts[uf.find(static_cast<int>(i))].push_back(members[i]);
    }
    if (parts.size() <= 1) return;
    const std::vector<int>* main = nullptr;
    for (const auto& [root, units] : parts) {
      if (main == nullptr || units.size() > main->size()) main = &units;
    }
    for (const auto& [root, units] : parts) {
      if (&units == main) continue;
      double best = std::numeric_limits<double>::max();
      int from = -1, to = -1;
      for (int a : units) {
        for (int b : *main) {
          double d = squared_km(ref.communes[m.communes[a]].position,
                                ref.communes[m.communes[b]].position);
          if (d < best) best = d, from = a, to = b;
        }
      }
      m.edges.emplace_back(std::min(from, to), std::max(from, to));
      m.units[from].links.push_back(m.units[to].code);
      m.units[to].links.push_back(m.units[from].code);
    }
  }
}

}  // namespace

double stage_weight(const std::string& stage) {
  static const std::set<std::string> closed = {"abandonne", "abandonnee", "ferme",
                                               "fermee",    "dissous",    "dissoute"};
  static const std::set<std::string> established = {"actif",   "active",       "ouvert",
                                                    "ouverte", "accord_signe", "aci_signe"};
  if (closed.contains(stage)) return 0;
  if (established.contains(stage)) return 1;
  return 3;
}

Result<SectorModel> build_model(const geo::Referentiel& ref, const std::string& departement,
                                const WorkloadMix& mix,
                                const std::vector<SectorStructureRow>& structures,
                                const std::map<std::string, std::int64_t>& professionals) {
  const geo::Departement* dep = ref.departement(departement);
  if (dep == nullptr) {
    return fail(ErrorCode::not_found, fmt::format("Le département {} n'existe pas.", departement),
                "departement");
  }
  if (mix.population < 0 || mix.structures < 0 || mix.professionals < 0 ||
      mix.population + mix.structures + mix.professionals <= 0) {
    return fail(ErrorCode::invalid_input,
                "Les poids de la charge doivent être positifs, et l'un au moins non nul.", "mix");
  }
  SectorModel m;
  m.departement = dep->code;
  for (geo::CommuneIndex ci : dep->communes) {
    const geo::Commune& c = ref.communes[ci];
    m.unit_of[c.code] = static_cast<int>(m.units.size());
    m.communes.push_back(ci);
    SectorUnit u;
    u.code = c.code;
    u.nom = c.nom;
    u.population = c.population;
    if (auto it = professionals.find(c.code); it != professionals.end())
      u.professionals = it->second;
    m.units.push_back(std::move(u));
  }
  const std::size_t n = m.units.size();
  for (std::size_t i = 0; i < n; ++i) {
    for (geo::CommuneIndex nb : ref.neighbours(m.communes[i])) {
      auto it = m.unit_of.find(ref.communes[nb].code);
      if (it != m.unit_of.end() && static_cast<std::size_t>(it->second) > i) {
        m.edges.emplace_back(static_cast<int>(i), it->second);
      }
    }
  }

  // Structures: weight spread over the territory (CPTS) or on the head office commune.
  m.structures_of_unit.assign(n, {});
  UnionFind groups(n);
  std::vector<char> grouped(n, 0);
  std::vector<std::set<std::string>> group_names(n);
  for (const auto& s : structures) {
    std::vector<int> units;
    for (const auto& code : s.territory) {
      if (auto it = m.unit_of.find(code); it != m.unit_of.end()) units.push_back(it->second);
    }
    if (units.empty()) {
      if (auto it = m.unit_of.find(s.commune); it != m.unit_of.end()) units.push_back(it->second);
    }
    if (units.empty()) continue;
    const double w = stage_weight(s.stage) / static_cast<double>(units.size());
    for (int u : units) {
      m.units[u].structures += w;
      m.structures_of_unit[u].push_back(s.id);
    }
    if (s.kind == "CPTS" && units.size() > 1 && stage_weight(s.stage) > 0) {
      for (int u : units) {
        groups.unite(u, units.front());
        grouped[u] = 1;
        group_names[u].insert(s.name);
      }
    } else if (s.kind == "CPTS" && stage_weight(s.stage) > 0) {
      grouped[units.front()] = 1;
      group_names[units.front()].insert(s.name);
    }
  }
  std::map<int, std::vector<int>> by_root;
  for (std::size_t i = 0; i < n; ++i) {
    if (grouped[i]) by_root[groups.find(static_cast<int>(i))].push_back(static_cast<int>(i));
  }
  for (auto& [root, members] : by_root) {
    std::set<std::string> names;
    for (int u : members) names.insert(group_names[u].begin(), group_names[u].end());
    std::string label;
    for (const auto& name : names) label += (label.empty() ? "" : " + ") + name;
    for (int u : members) m.units[u].group = label;
    if (members.size() > 1) m.together.push_back(members);
  }

  // Workload: each component as a share of the département, mixed by the ROC's weights.
  double pop_total = 0, str_total = 0, pro_total = 0;
  for (const auto& u : m.units) {
    pop_total += static_cast<double>(u.population);
    str_total += u.structures;
    pro_total += static_cast<double>(u.professionals);
  }
  const double wp = pop_total > 0 ? mix.population : 0;
  const double ws = str_total > 0 ? mix.structures : 0;
  const double wr = pro_total > 0 ? mix.professionals : 0;
  const double wsum = wp + ws + wr;
  for (auto& u : m.units) {
    double share = 0;
    if (wsum > 0) {
      if (wp > 0) share += wp * static_cast<double>(u.population) / pop_total;
      if (ws > 0) share += ws * u.structures / str_total;
      if (wr > 0) share += wr * static_cast<double>(u.professionals) / pro_total;
      share /= wsum;
    } else {
      share = 1.0 / static_cast<double>(n);  // nothing to weigh: communes count alike
    }
    u.workload = std::llround(share * kScale);
    m.total_workload += u.workload;
  }
  for (const auto& group : m.together) link_pieces(ref, m, group);
  std::vector<int> all(n);
  std::iota(all.begin(), all.end(), 0);
  link_pieces(ref, m, all);
  return m;
}

sectors::Bounds bounds_of(const SectorModel& model, int k, double tolerance) {
  // bounds_from_deviation takes the full width of the band (±deviation/2).
  return sectors::bounds_from_deviation(model.total_workload, k, 2.0 * tolerance);
}

sectors::Problem problem_of(const SectorModel& model, const SectorSettings& settings) {
  sectors::Problem p;
  for (const auto& u : model.units) p.weight.push_back(u.workload);
  p.edges = model.edges;
  p.k = settings.k;
  auto b = bounds_of(model, settings.k, settings.tolerance);
  p.lower = b.lower;
  p.upper = b.upper;
  p.together = model.together;
  return p;
}

Result<std::vector<int>> assignment_of(const SectorModel& model, int k,
                                       const std::map<std::string, int>& communes) {
  std::vector<int> out(model.units.size(), -1);
  for (const auto& [code, sector] : communes) {
    auto it = model.unit_of.find(code);
    if (it == model.unit_of.end()) {
      return fail(
          ErrorCode::invalid_input,
          fmt::format("La commune {} n'est pas dans le département {}.", code, model.departement),
          "communes");
    }
    if (sector < 0 || sector >= k) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("Secteur {} hors de 1 à {} pour la commune {}.", sector + 1, k, code),
                  "communes");
    }
    out[it->second] = sector;
  }
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] < 0) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("La commune {} ({}) n'a pas de secteur.", model.units[i].nom,
                              model.units[i].code),
                  "communes");
    }
  }
  return out;
}

SectorEvaluation evaluate(const SectorModel& model, const SectorSettings& settings,
                          const std::vector<int>& sector) {
  const int k = settings.k;
  SectorEvaluation ev;
  auto b = bounds_of(model, k, settings.tolerance);
  ev.lower = b.lower;
  ev.upper = b.upper;
  ev.sectors.resize(static_cast<std::size_t>(k));
  std::vector<std::set<std::int64_t>> structures(static_cast<std::size_t>(k));
  for (int s = 0; s < k; ++s) ev.sectors[s].index = s;
  for (std::size_t i = 0; i < model.units.size(); ++i) {
    auto& f = ev.sectors[static_cast<std::size_t>(sector[i])];
    const auto& u = model.units[i];
    f.workload += u.workload;
    f.population += u.population;
    f.professionals += u.professionals;
    f.communes += 1;
    structures[static_cast<std::size_t>(sector[i])].insert(model.structures_of_unit[i].begin(),
                                                           model.structures_of_unit[i].end());
  }
  // Connectivity: breadth-first search inside each sector.
  std::vector<std::vector<int>> adj(model.units.size());
  for (auto [a, b2] : model.edges) {
    if (sector[a] != sector[b2]) {
      ++ev.cut_edges;
      continue;
    }
    adj[a].push_back(b2);
    adj[b2].push_back(a);
  }
  std::vector<int> parts(static_cast<std::size_t>(k), 0);
  std::vector<char> seen(model.units.size(), 0);
  for (std::size_t i = 0; i < model.units.size(); ++i) {
    if (seen[i]) continue;
    ++parts[static_cast<std::size_t>(sector[i])];
    std::vector<int> stack{static_cast<int>(i)};
    seen[i] = 1;
    while (!stack.empty()) {
      int u = stack.back();
      stack.pop_back();
      for (int v : adj[u]) {
        if (!seen[v]) seen[v] = 1, stack.push_back(v);
      }
    }
  }
  for (int s = 0; s < k; ++s) {
    auto& f = ev.sectors[static_cast<std::size_t>(s)];
    f.structures = static_cast<int>(structures[static_cast<std::size_t>(s)].size());
    f.connected = parts[static_cast<std::size_t>(s)] == 1;
    f.within_bounds = f.workload >= ev.lower && f.workload <= ev.upper;
    if (f.communes == 0) {
      ev.problems.push_back(fmt::format("Le secteur {} n'a aucune commune.", s + 1));
    } else if (!f.connected) {
      ev.problems.push_back(fmt::format("Le secteur {} n'est pas d'un seul tenant ({} morceaux).",
                                        s + 1, parts[static_cast<std::size_t>(s)]));
    }
    if (f.communes > 0 && !f.within_bounds) {
      ev.problems.push_back(
          fmt::format("La charge du secteur {} ({} %) sort de la fourchette {} % – {} %.", s + 1,
                      fr::decimal(static_cast<double>(f.workload) / 1e4, 1),
                      fr::decimal(static_cast<double>(ev.lower) / 1e4, 1),
                      fr::decimal(static_cast<double>(ev.upper) / 1e4, 1)));
    }
  }
  for (const auto& group : model.together) {
    for (int u : group) {
      if (sector[u] != sector[group.front()]) {
        ev.problems.push_back(
            fmt::format("Le territoire de « {} » est partagé entre deux secteurs.",
                        model.units[group.front()].group));
        break;
      }
    }
  }
  return ev;
}

}  // namespace maillage::services::detail
