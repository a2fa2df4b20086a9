#include "sectors/networkx.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace maillage::sectors {

Result<GraphFile> parse_networkx(std::string_view text, const std::string& file,
                                 const std::string& weight_field) {
  using nlohmann::json;
  const json doc = json::parse(text, nullptr, false);
  if (doc.is_discarded()) return fail_at(file, 0, "", "not valid JSON");
  if (!doc.is_object())
    return fail_at(file, 0, "", "expected a JSON object with nodes and adjacency");
  const auto nodes = doc.find("nodes");
  if (nodes == doc.end() || !nodes->is_array())
    return fail_at(file, 0, "nodes", "missing or not an array");
  const auto adjacency = doc.find("adjacency");
  if (adjacency == doc.end() || !adjacency->is_array())
    return fail_at(file, 0, "adjacency", "missing or not an array");
  const std::size_t n = nodes->size();
  if (n > 10'000'000) return fail_at(file, 0, "nodes", "too many nodes");
  if (adjacency->size() != n)
    return fail_at(
        file, 0, "adjacency",
        "has " + std::to_string(adjacency->size()) + " lists for " + std::to_string(n) + " nodes");
  GraphFile out;
  out.weight.reserve(n);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string field = "nodes[" + std::to_string(i) + "]." + weight_field;
    const auto& node = (*nodes)[i];
    if (!node.is_object())
      return fail_at(file, 0, "nodes[" + std::to_string(i) + "]", "not an object");
    const auto w = node.find(weight_field);
    if (w == node.end()) return fail_at(file, 0, field, "missing");
    if (w->is_number_unsigned()) {
      const auto value = w->get<std::uint64_t>();
      if (value > static_cast<std::uint64_t>(1) << 53) return fail_at(file, 0, field, "too large");
      out.weight.push_back(static_cast<std::int64_t>(value));
    } else if (w->is_number_integer()) {
      return fail_at(file, 0, field, "negative");
    } else if (w->is_number_float()) {
      const double value = w->get<double>();
      if (!(value >= 0) || value > 9e15 || value != std::floor(value))
        return fail_at(file, 0, field, "not a non-negative integer");
      out.weight.push_back(static_cast<std::int64_t>(value));
    } else {
      return fail_at(file, 0, field, "not a number");
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    const auto& list = (*adjacency)[i];
    const std::string where = "adjacency[" + std::to_string(i) + "]";
    if (!list.is_array()) return fail_at(file, 0, where, "not an array");
    for (std::size_t j = 0; j < list.size(); ++j) {
      const std::string field = where + "[" + std::to_string(j) + "].id";
      if (!list[j].is_object())
        return fail_at(file, 0, where + "[" + std::to_string(j) + "]", "not an object");
      const auto id = list[j].find("id");
      if (id == list[j].end()) return fail_at(file, 0, field, "missing");
      if (!id->is_number_integer()) return fail_at(file, 0, field, "not an integer");
      const auto v = id->get<std::int64_t>();
      if (v < 0 || static_cast<std::uint64_t>(v) >= n)
        return fail_at(
            file, 0, field,
            std::to_string(v) + " is not a node index (0.." + std::to_string(n - 1) + ")");
      const int a = static_cast<int>(i), b = static_cast<int>(v);
      if (a == b) continue;
      out.edges.emplace_back(std::min(a, b), std::max(a, b));
    }
  }
  std::sort(out.edges.begin(), out.edges.end());
  out.edges.erase(std::unique(out.edges.begin(), out.edges.end()), out.edges.end());
  return out;
}

Result<GraphFile> read_networkx(const std::string& path, const std::string& weight_field) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return tl::unexpected(Error{ErrorCode::io_error, "cannot read the file", "", path, 0});
  std::ostringstream text;
  text << in.rdbuf();
  return parse_networkx(text.str(), path, weight_field);
}

}  // namespace maillage::sectors
