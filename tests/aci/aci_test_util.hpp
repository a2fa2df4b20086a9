// Helpers shared by the ACI tests: the shipped rules, contracts from JSON text, schedules as CSV
// lines.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "aci/contract.hpp"
#include "aci/rules.hpp"
#include "aci/schedule.hpp"

namespace maillage::aci::test {

inline const RuleBook& builtin_book() {
  static const RuleBook book = [] {
    auto b = load_rulebook(builtin_rule_files());
    if (!b) {
      ADD_FAILURE() << "builtin rules: " << b.error().describe();
      return RuleBook{};
    }
    return *b;
  }();
  return book;
}

inline CptsContract cpts(const std::string& json, const RuleBook& book = builtin_book()) {
  auto c = parse_contract(json, "test.json", book);
  if (!c) {
    ADD_FAILURE() << c.error().describe();
    return {};
  }
  return std::get<CptsContract>(*c);
}

inline MspContract msp(const std::string& json, const RuleBook& book = builtin_book()) {
  auto c = parse_contract(json, "test.json", book);
  if (!c) {
    ADD_FAILURE() << c.error().describe();
    return {};
  }
  return std::get<MspContract>(*c);
}

inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// Schedule as CSV lines without the header, for comparison with a hand-written schedule.
inline std::vector<std::string> rows(const Schedule& s) {
  auto all = lines(schedule_csv(s));
  all.erase(all.begin());
  return all;
}

inline std::string source_file(const std::string& relative) {
  const char* dir = std::getenv("MAILLAGE_SOURCE_DIR");
  std::ifstream in(std::string(dir ? dir : ".") + "/" + relative, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace maillage::aci::test
