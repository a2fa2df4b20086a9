// Reader for the NetworkX adjacency JSON of the districting benchmark
// (../shared/bench/districting/README.md): `nodes[i].TOTPOP` is node i's weight, `adjacency[i]`
// lists its neighbours as `{"id": j, ...}` (j an index into `nodes`). Edges listed in both
// directions (or once) give one edge; self-loops are dropped (they are never cut).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace maillage::sectors {

struct GraphFile {
  std::vector<std::int64_t> weight;
  std::vector<std::pair<int, int>> edges;  ///< u < v, each once, sorted
};

/// Errors: parse_error with `file` and the JSON path as field (e.g. "nodes[3].TOTPOP").
[[nodiscard]] Result<GraphFile> parse_networkx(std::string_view text, const std::string& file,
                                               const std::string& weight_field = "TOTPOP");

/// Reads `path` (io_error when it cannot be read) and parses it.
[[nodiscard]] Result<GraphFile> read_networkx(const std::string& path,
                                              const std::string& weight_field = "TOTPOP");

}  // namespace maillage::sectors
