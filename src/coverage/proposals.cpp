#include "coverage/proposals.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <memory>
#include <queue>
#include <tuple>

namespace maillage::coverage {

namespace {

struct Group {
  std::vector<CommuneIndex> units;
  std::int64_t population = 0;
  std::size_t zone = 0;
};

// Squared equirectangular distance in degrees of latitude: enough to rank neighbours by distance
// from a seed at the scale of a canton.
double distance2(const geo::LatLon& a, const geo::LatLon& b) {
  constexpr double kRad = 3.14159265358979323846 / 180.0;
  const double x = (b.lon - a.lon) * std::cos((a.lat + b.lat) * 0.5 * kRad);
  const double y = b.lat - a.lat;
  return x * x + y * y;
}

}  // namespace

std::string_view to_string(ProposalKind k) {
  switch (k) {
    case ProposalKind::new_territory:
      return "new_territory";
    case ProposalKind::attach:
      return "attach";
    case ProposalKind::isolated:
      return "isolated";
  }
  return "?";
}

namespace {

// A piece of a white zone waiting to be cut (or set aside). Its units are those labelled `label`
// and not yet in a group. A piece found by the search below lists them (`units`); the largest
// piece left after a cut (often most of the zone) is not listed: it keeps its parent's label and
// its parent's two orders, read through cursors that only move forwards (a unit skipped is in
// no later piece of that lineage), so taking it costs nothing per unit.
struct LivePiece {
  std::uint32_t label = 0;
  std::int64_t population = 0;
  CommuneIndex first = 0;  // smallest unit: the order of pieces of equal population
  std::shared_ptr<const std::vector<CommuneIndex>> by_population;  // population desc, index asc
  std::size_t population_cursor = 0;
  std::shared_ptr<const std::vector<CommuneIndex>> by_index;  // ascending
  std::size_t index_cursor = 0;
};

// Cuts the white zones. Equivalent to splitting the rest of each piece from scratch after every
// group (tests/coverage/naive_proposals.hpp) but, after a group is grown, only the
// neighbourhood of the group is searched: every piece of the rest touches the group, so one
// breadth-first search starts from each unit next to it, all advancing a unit at a time
// (searches that meet are one piece), until one search at most is still running; that one is
// the large remainder, never walked.
class Cutter {
 public:
  explicit Cutter(const UnitGraph& g)
      : g_(g),
        group_of_(g.size(), kNone),
        label_(g.size(), kNone),
        seen_(g.size(), 0),
        owner_(g.size(), 0) {}

  std::vector<std::uint32_t>& group_of() { return group_of_; }

  LivePiece listed(std::vector<CommuneIndex> units, std::int64_t population) {
    LivePiece p;
    p.label = next_label_++;
    p.population = population;
    for (CommuneIndex u : units) label_[u] = p.label;
    std::sort(units.begin(), units.end());
    p.first = units.front();
    auto by_pop = units;
    std::stable_sort(by_pop.begin(), by_pop.end(), [&](CommuneIndex a, CommuneIndex b) {
      return g_.population(a) > g_.population(b);
    });
    p.by_index = std::make_shared<const std::vector<CommuneIndex>>(std::move(units));
    p.by_population = std::make_shared<const std::vector<CommuneIndex>>(std::move(by_pop));
    return p;
  }

  bool in(const LivePiece& p, CommuneIndex u) const {
    return label_[u] == p.label && group_of_[u] == kNone;
  }

  // The piece's units, sorted (for a piece set aside).
  Piece materialise(const LivePiece& p) const {
    Piece out;
    out.population = p.population;
    for (std::size_t i = p.index_cursor; i < p.by_index->size(); ++i) {
      const CommuneIndex u = (*p.by_index)[i];
      if (in(p, u)) out.units.push_back(u);
    }
    return out;
  }

  // The most populated unit of the piece (ties: the smallest index).
  CommuneIndex seed(LivePiece& p) const {
    while (!in(p, (*p.by_population)[p.population_cursor])) ++p.population_cursor;
    return (*p.by_population)[p.population_cursor];
  }

  // The pieces of `p` once `group` (grown from it) is taken out, largest first (ties: smallest
  // first unit), as components() would list them.
  std::vector<LivePiece> rest(LivePiece& p, const std::vector<CommuneIndex>& group,
                              std::int64_t group_population) {
    ++epoch_;
    searches_.clear();
    for (CommuneIndex u : group) {
      for (CommuneIndex v : g_.neighbours(u)) {
        if (in(p, v) && seen_[v] != epoch_) start(v);
      }
    }
    // Searches that meet are merged (union-find); a set is finished when all its searches are.
    std::size_t unfinished = searches_.size();
    std::vector<std::size_t> active;
    for (std::size_t i = 0; i < searches_.size(); ++i) active.push_back(i);
    while (unfinished > 1) {
      std::size_t kept = 0;
      for (std::size_t a = 0; a < active.size() && unfinished > 1; ++a) {
        const std::size_t i = active[a];
        Search& s = searches_[i];
        const CommuneIndex u = s.queue[s.head++];
        for (CommuneIndex v : g_.neighbours(u)) {
          if (!in(p, v)) continue;
          if (seen_[v] != epoch_) {
            seen_[v] = epoch_;
            owner_[v] = static_cast<std::uint32_t>(i);
            searches_[i].queue.push_back(v);
          } else {
            const std::size_t a_root = root(i);
            const std::size_t b_root = root(owner_[v]);
            if (a_root != b_root) {
              searches_[b_root].parent = a_root;
              searches_[a_root].running += searches_[b_root].running;
              --unfinished;
            }
          }
        }
        Search& t = searches_[i];
        if (t.head == t.queue.size()) {
          if (--searches_[root(i)].running == 0) --unfinished;
        } else {
          active[kept++] = i;
        }
      }
      // Searches cut short by the stop keep their place.
      if (unfinished <= 1) break;
      active.resize(kept);
    }
    // Finished sets are listed pieces; the one still running, if any, is the remainder.
    std::vector<std::vector<CommuneIndex>> sets(searches_.size());
    std::int64_t listed_population = 0;
    std::vector<LivePiece> out;
    for (std::size_t i = 0; i < searches_.size(); ++i) {
      const std::size_t r = root(i);
      if (searches_[r].running != 0) continue;
      sets[r].insert(sets[r].end(), searches_[i].queue.begin(), searches_[i].queue.end());
    }
    for (auto& units : sets) {
      if (units.empty()) continue;
      std::int64_t population = 0;
      for (CommuneIndex u : units) population += g_.population(u);
      listed_population += population;
      out.push_back(listed(std::move(units), population));
    }
    const std::int64_t left = p.population - group_population - listed_population;
    bool remainder = false;
    for (std::size_t i = 0; i < searches_.size(); ++i) {
      remainder = remainder || searches_[root(i)].running != 0;
    }
    if (remainder) {
      LivePiece r = p;  // same label, same orders, cursors where they are
      r.population = left;
      while (!in(r, (*r.by_index)[r.index_cursor])) ++r.index_cursor;
      r.first = (*r.by_index)[r.index_cursor];
      out.push_back(std::move(r));
    }
    std::sort(out.begin(), out.end(), [](const LivePiece& a, const LivePiece& b) {
      return a.population != b.population ? a.population > b.population : a.first < b.first;
    });
    return out;
  }

 private:
  struct Search {
    std::vector<CommuneIndex> queue;  // every unit reached, in order
    std::size_t head = 0;
    std::size_t parent = 0;   // union-find
    std::size_t running = 0;  // at a root: searches of the set not finished
  };

  void start(CommuneIndex v) {
    const std::size_t i = searches_.size();
    seen_[v] = epoch_;
    owner_[v] = static_cast<std::uint32_t>(i);
    Search& s = searches_.emplace_back();
    s.queue.push_back(v);
    s.parent = i;
    s.running = 1;
  }

  std::size_t root(std::size_t i) {
    while (searches_[i].parent != i) {
      searches_[i].parent = searches_[searches_[i].parent].parent;
      i = searches_[i].parent;
    }
    return i;
  }

  const UnitGraph& g_;
  std::vector<std::uint32_t> group_of_;
  std::vector<std::uint32_t> label_;
  std::vector<std::uint32_t> seen_;
  std::vector<std::uint32_t> owner_;
  std::uint32_t epoch_ = 0;
  std::uint32_t next_label_ = 0;
  std::vector<Search> searches_;
};

}  // namespace

Result<std::vector<Proposal>> propose(const Cover& cover, std::span<const CommuneIndex> units,
                                      const ProposalSettings& settings) {
  if (settings.min_population <= 0) {
    return fail(ErrorCode::invalid_input, "la population minimale doit être positive",
                "min_population");
  }
  if (settings.filter && *settings.filter >= cover.filter_count()) {
    return fail(ErrorCode::invalid_input, "filtre d'étape inconnu", "filter");
  }
  const UnitGraph& g = cover.graph();
  const auto& communes = g.ref().communes;
  const std::int64_t min_pop = settings.min_population;
  const std::vector<Piece> zones = white_zones(cover, units, settings.filter);

  Cutter cutter(g);
  std::vector<std::uint32_t>& group_of = cutter.group_of();
  std::vector<Group> groups;
  std::vector<std::size_t> small_zones;

  for (std::size_t z = 0; z < zones.size(); ++z) {
    if (zones[z].population < min_pop) {
      small_zones.push_back(z);
      continue;
    }
    const std::size_t first_group = groups.size();
    std::deque<LivePiece> todo;
    todo.push_back(cutter.listed(zones[z].units, zones[z].population));
    std::vector<Piece> set_aside;
    while (!todo.empty()) {
      LivePiece piece = std::move(todo.front());
      todo.pop_front();
      if (piece.population < min_pop) {
        set_aside.push_back(cutter.materialise(piece));
        continue;
      }
      const CommuneIndex seed = cutter.seed(piece);
      const auto gid = static_cast<std::uint32_t>(groups.size());
      Group group;
      group.zone = z;
      using Item = std::tuple<double, CommuneIndex>;
      std::priority_queue<Item, std::vector<Item>, std::greater<>> frontier;
      frontier.emplace(0.0, seed);
      while (group.population < min_pop && !frontier.empty()) {
        const CommuneIndex u = std::get<1>(frontier.top());
        frontier.pop();
        if (group_of[u] != kNone) continue;  // queued twice
        group_of[u] = gid;
        group.units.push_back(u);
        group.population += g.population(u);
        for (CommuneIndex v : g.neighbours(u)) {
          if (cutter.in(piece, v)) {
            frontier.emplace(distance2(communes[seed].position, communes[v].position), v);
          }
        }
      }
      auto pieces = cutter.rest(piece, group.units, group.population);
      groups.push_back(std::move(group));
      for (LivePiece& p : pieces) todo.push_back(std::move(p));
    }
    // Merge the pieces set aside, largest first, into the smallest adjacent group of this zone.
    std::stable_sort(set_aside.begin(), set_aside.end(),
                     [](const Piece& a, const Piece& b) { return a.population > b.population; });
    for (const Piece& p : set_aside) {
      std::uint32_t best = kNone;
      for (CommuneIndex u : p.units) {
        for (CommuneIndex v : g.neighbours(u)) {
          const std::uint32_t gid = group_of[v];
          if (gid == kNone || gid < first_group) continue;
          if (best == kNone || groups[gid].population < groups[best].population ||
              (groups[gid].population == groups[best].population && gid < best)) {
            best = gid;
          }
        }
      }
      if (best == kNone) {
        // A piece of a connected zone always touches a group cut from it: a bug otherwise.
        return fail(ErrorCode::internal, "découpage d'une zone blanche incohérent");
      }
      for (CommuneIndex u : p.units) group_of[u] = best;
      groups[best].units.insert(groups[best].units.end(), p.units.begin(), p.units.end());
      groups[best].population += p.population;
    }
  }

  std::vector<Proposal> out;
  for (Group& gr : groups) {
    Proposal p;
    p.kind = ProposalKind::new_territory;
    std::sort(gr.units.begin(), gr.units.end());
    p.units = std::move(gr.units);
    p.population = gr.population;
    p.zone = gr.zone;
    out.push_back(std::move(p));
  }
  std::stable_sort(out.begin(), out.end(), [](const Proposal& a, const Proposal& b) {
    return a.population > b.population;
  });

  // Small zones, largest first (zones are already sorted that way), to the smallest adjacent
  // territory counting earlier attachments.
  std::map<std::uint32_t, std::int64_t> attached;
  for (std::size_t z : small_zones) {
    const Piece& zone = zones[z];
    std::uint32_t best = kNone;
    std::int64_t best_pop = 0;
    for (CommuneIndex u : zone.units) {
      for (CommuneIndex v : g.neighbours(u)) {
        for (std::uint32_t t : cover.territories_of(v)) {
          if (!cover.passes(t, settings.filter)) continue;
          const std::int64_t pop = cover.territory_population(t) + attached[t];
          if (best == kNone || pop < best_pop || (pop == best_pop && t < best)) {
            best = t;
            best_pop = pop;
          }
        }
      }
    }
    Proposal p;
    p.units = zone.units;
    p.population = zone.population;
    p.zone = z;
    if (best == kNone) {
      p.kind = ProposalKind::isolated;
    } else {
      p.kind = ProposalKind::attach;
      p.territory = best;
      p.territory_population_before = best_pop;
      p.territory_population_after = best_pop + zone.population;
      attached[best] += zone.population;
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace maillage::coverage
