#include "animation/identifiers.hpp"

#include <algorithm>

namespace maillage::animation {
namespace {

std::string without_spaces(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c != ' ' && c != '\t') out += c;
  }
  return out;
}

bool digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

bool luhn_valid(std::string_view s) {
  if (!digits(s)) return false;
  int sum = 0;
  bool twice = false;  // from the right: every second digit doubled
  for (auto it = s.rbegin(); it != s.rend(); ++it) {
    int d = *it - '0';
    if (twice) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    twice = !twice;
  }
  return sum % 10 == 0;
}

std::optional<std::string> normalise_siren(std::string_view text) {
  std::string v = without_spaces(text);
  if (v.size() != 9 || !digits(v)) return std::nullopt;
  if (v != "356000000" && !luhn_valid(v)) return std::nullopt;
  return v;
}

std::optional<std::string> normalise_finess(std::string_view text) {
  std::string v = without_spaces(text);
  for (auto& c : v) {
    if (c == 'a') c = 'A';
    if (c == 'b') c = 'B';
  }
  if (v.size() != 9) return std::nullopt;
  const std::string dep = v.substr(0, 2);
  if (!digits(std::string_view(v).substr(2))) return std::nullopt;
  if (dep == "2A" || dep == "2B") return v;
  if (!digits(dep)) return std::nullopt;
  const int n = std::stoi(dep);
  if (n == 0 || n == 20 || (n > 95 && n != 97)) return std::nullopt;
  return v;
}

}  // namespace maillage::animation
