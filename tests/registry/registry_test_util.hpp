// Shared helpers of the registry tests.
#pragma once

#include <gtest/gtest.h>

#include "registry/lifecycle.hpp"

namespace maillage::registry::test {

inline Date d(const char* iso) {
  auto date = parse_date(iso);
  EXPECT_TRUE(date.has_value()) << iso;
  return date.value_or(Date{});
}

// The builtin tables, parsed once.
inline const Lifecycles& builtin() {
  static const Lifecycles all = [] {
    auto r = builtin_lifecycles();
    EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().describe());
    return r ? *r : Lifecycles{};
  }();
  return all;
}

inline const Lifecycle& cpts() {
  const Lifecycle* lc = builtin().find("cpts");
  EXPECT_NE(lc, nullptr);
  return *lc;
}

// Applies `steps` (event or target, date) from the initial state, failing the test on a refusal.
inline std::vector<Transition> walk(
    const Lifecycle& lc, std::initializer_list<std::pair<const char*, const char*>> steps) {
  std::vector<Transition> history;
  StructureState cur = initial_state(lc);
  for (const auto& [what, when] : steps) {
    auto t = transition(lc, cur, what, d(when), "roc.metz");
    EXPECT_TRUE(t.has_value()) << what << ": " << (t ? "" : t.error().message);
    if (!t) break;
    history.push_back(*t);
    cur = {t->to, t->date};
  }
  return history;
}

}  // namespace maillage::registry::test
