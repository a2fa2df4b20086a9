// Preparation of the search tables (problem.hpp).
#include "roster/problem.hpp"

#include <algorithm>
#include <map>
#include <string>

namespace maillage::roster::detail {

Result<std::shared_ptr<Problem>> prepare(const Model& m) {
  auto p = std::make_shared<Problem>();
  p->m = &m;
  p->D = m.days;
  p->S = static_cast<int>(m.shifts.size());
  p->C = p->S + 1;
  p->N = static_cast<int>(m.staff.size());
  p->weight = m.fairness_weight;
  for (const auto& s : m.shifts) p->minutes.push_back(s.minutes);
  for (int i = 0; i < p->N; ++i) {
    auto dp = RowDp::create(m, i, m.fairness_weight > 0);
    if (!dp) return tl::unexpected(dp.error());
    p->dp.push_back(std::move(*dp));
  }
  p->base.assign(p->N, std::vector<double>(static_cast<std::size_t>(p->D) * p->C, 0.0));
  for (const auto& q : m.on_requests)
    for (int k = 0; k < p->C; ++k)
      if (k != q.shift) p->base[q.staff][q.day * p->C + k] += q.weight;
  for (const auto& q : m.off_requests)
    for (int k = 0; k < p->S; ++k)
      if (q.shift == kAnyShift || q.shift == k) p->base[q.staff][q.day * p->C + k] += q.weight;
  for (const auto& c : m.cover) {
    p->req.push_back(c.requirement);
    p->under.push_back(c.under_weight);
    p->over.push_back(c.over_weight);
  }
  const int cells = p->D * p->S;
  p->line_off.assign(p->N, std::vector<int>(cells + 1, 0));
  p->line_idx.assign(p->N, {});
  for (int i = 0; i < p->N; ++i) {
    std::vector<std::vector<int>> per_cell(cells);
    for (int c = 0; c < static_cast<int>(m.cover.size()); ++c) {
      const auto& cv = m.cover[c];
      if (cv.profession.empty() || cv.profession == m.staff[i].profession)
        per_cell[cv.day * p->S + cv.shift].push_back(c);
    }
    for (int x = 0; x < cells; ++x) {
      p->line_off[i][x] = static_cast<int>(p->line_idx[i].size());
      p->line_idx[i].insert(p->line_idx[i].end(), per_cell[x].begin(), per_cell[x].end());
    }
    p->line_off[i][cells] = static_cast<int>(p->line_idx[i].size());
  }
  // Availability in days (some shift possible that day), computed here from the raw model rules.
  p->avail_days.assign(p->N, 0);
  std::map<std::string, std::vector<int>> by_prof;
  for (int i = 0; i < p->N; ++i) {
    const Staff& st = m.staff[i];
    for (int d = 0; d < p->D; ++d) {
      if (std::find(st.days_off.begin(), st.days_off.end(), d) != st.days_off.end()) continue;
      bool any = st.availability.empty();
      for (const auto& w : st.availability)
        if (d >= w.first_day && d <= w.last_day) any = true;
      if (any) ++p->avail_days[i];
    }
    if (p->avail_days[i] > 0) by_prof[st.profession].push_back(i);
  }
  p->group_of.assign(p->N, -1);
  for (auto& [prof, members] : by_prof) {
    for (int i : members) p->group_of[i] = static_cast<int>(p->groups.size());
    p->groups.push_back(members);
  }
  return p;
}


}  // namespace maillage::roster::detail
