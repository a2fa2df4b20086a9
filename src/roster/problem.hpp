// The search's read-only view of a model: per-person row programmes, request penalties per
// (day, choice), the cover lines each (day, shift) of each person counts towards, and the fairness
// groups. Shared by the local search (solver.cpp) and the restricted master (master.cpp); internal
// to src/roster.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "common/error.hpp"
#include "roster/model.hpp"
#include "roster/row_dp.hpp"

namespace maillage::roster::detail {

struct Problem {
  const Model* m = nullptr;
  int D = 0, S = 0, C = 0, N = 0;
  std::vector<RowDp> dp;
  std::vector<std::vector<double>> base;  // per staff, [d*C + k]: request penalties of choice k
  // Cover lines counting staff i on (d, s): CSR per staff over cells d*S + s.
  std::vector<std::vector<int>> line_off, line_idx;
  std::vector<int> req, under, over;
  std::vector<int> minutes;  // per shift
  // Fairness: groups in profession order, members in index order (same as the checker's formula).
  std::vector<std::vector<int>> groups;
  std::vector<int> group_of;  // -1: never available
  std::vector<int> avail_days;
  std::int64_t weight = 0;

  [[nodiscard]] std::int64_t cover_cost(int c, int n) const {
    return n < req[c] ? static_cast<std::int64_t>(req[c] - n) * under[c]
                      : static_cast<std::int64_t>(n - req[c]) * over[c];
  }
};


/// Builds the row programmes and tables of `m` (which must outlive the result).
Result<std::shared_ptr<Problem>> prepare(const Model& m);

}  // namespace maillage::roster::detail
