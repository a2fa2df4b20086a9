// Dense numbering of the locations (communes) of an accessibility run: the demand file defines
// them, every other input refers to them by id.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace maillage::access {

using LocationId = std::uint32_t;  // position in LocationIndex, 0 .. size()-1

/// Maps location ids (INSEE codes or any non-empty string) to dense indexes in insertion order.
/// Lookups by string_view do not allocate. Reading an OD file does two lookups per line, so the
/// table is a flat open-addressing one (hash cached per slot) rather than std::unordered_map,
/// whose node chasing made the 1.5-million-line read about twice slower (bench/access).
class LocationIndex {
 public:
  static constexpr LocationId npos = UINT32_MAX;

  /// Adds `id` and returns its index, or npos when it is already present.
  LocationId insert(std::string_view id);
  /// Index of `id`, or npos.
  [[nodiscard]] LocationId find(std::string_view id) const noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return ids_.size(); }
  [[nodiscard]] bool empty() const noexcept { return ids_.empty(); }
  [[nodiscard]] const std::string& id(LocationId i) const { return ids_[i]; }
  [[nodiscard]] const std::vector<std::string>& ids() const noexcept { return ids_; }
  void reserve(std::size_t n);

 private:
  struct Slot {
    std::uint32_t hash = 0;
    LocationId index = npos;  // npos: empty slot
  };
  void grow(std::size_t slot_count);

  std::vector<std::string> ids_;
  std::vector<Slot> slots_;  // size is a power of two, at most half full
};

}  // namespace maillage::access
