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
/// table is a flat open-addressing one whose slots hold the first 8 bytes and the length of the
/// key: an INSEE code is compared without touching the id strings, one cache miss per lookup,
/// and that miss can be prefetched (hash() below), which std::unordered_map does not allow.
class LocationIndex {
 public:
  static constexpr LocationId npos = UINT32_MAX;

  /// Adds `id` and returns its index, or npos when it is already present.
  LocationId insert(std::string_view id);
  /// Index of `id`, or npos.
  [[nodiscard]] LocationId find(std::string_view id) const noexcept { return find(id, hash(id)); }

  /// The same lookup in two steps, for readers that look many ids up: hash() computes the key
  /// and prefetches its slot, find(id, key) a few lines later finds it in cache. On the national
  /// OD file the slot miss was a third of the reading time.
  struct Hashed {
    std::uint64_t prefix;
    std::uint32_t tag;
    std::uint32_t hash;
  };
  [[nodiscard]] Hashed hash(std::string_view id) const noexcept;
  [[nodiscard]] LocationId find(std::string_view id, const Hashed& key) const noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return ids_.size(); }
  [[nodiscard]] bool empty() const noexcept { return ids_.empty(); }
  [[nodiscard]] const std::string& id(LocationId i) const { return ids_[i]; }
  [[nodiscard]] const std::vector<std::string>& ids() const noexcept { return ids_; }
  void reserve(std::size_t n);

 private:
  struct Slot {
    std::uint64_t prefix = 0;  // first 8 bytes of the id, zero-padded
    std::uint32_t tag = 0;     // 24 bits of hash and the length (capped at 255) in the top byte
    LocationId index = npos;   // npos: empty slot
  };
  static Hashed key_of(std::string_view id) noexcept;
  [[nodiscard]] bool matches(const Slot& s, const Hashed& k, std::string_view id) const noexcept {
    // Ids of at most 8 bytes are equal when their bytes and lengths are.
    return s.tag == k.tag && s.prefix == k.prefix && (id.size() <= 8 || ids_[s.index] == id);
  }
  void grow(std::size_t slot_count);

  std::vector<std::string> ids_;
  std::vector<Slot> slots_;  // size is a power of two, at most half full
};

}  // namespace maillage::access
