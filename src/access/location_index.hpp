// Dense numbering of the locations (communes) of an accessibility run: the demand file defines
// them, every other input refers to them by id.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
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

  LocationIndex() = default;
  LocationIndex(const LocationIndex&) = default;
  LocationIndex& operator=(const LocationIndex&) = default;
  // A moved-from index has no slots: its mask must say so (prefetch() relies on it).
  LocationIndex(LocationIndex&& other) noexcept
      : ids_(std::move(other.ids_)),
        slots_(std::move(other.slots_)),
        mask_(std::exchange(other.mask_, 0)) {}
  LocationIndex& operator=(LocationIndex&& other) noexcept {
    ids_ = std::move(other.ids_);
    slots_ = std::move(other.slots_);
    mask_ = std::exchange(other.mask_, 0);
    return *this;
  }

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
  [[nodiscard]] Hashed hash(std::string_view id) const noexcept {
    const Hashed k = key_of(id);
    prefetch(k);
    return k;
  }
  /// hash() for an id followed by at least 8 readable bytes (a field inside a larger text): its
  /// prefix is one load instead of a loop over its bytes. Same result as hash(id).
  [[nodiscard]] Hashed hash_in_text(std::string_view id) const noexcept {
    const Hashed k = key_of_in_text(id);
    prefetch(k);
    return k;
  }
  [[nodiscard]] LocationId find(std::string_view id, const Hashed& key) const noexcept {
    if (slots_.empty()) return npos;
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t pos = key.hash & mask;; pos = (pos + 1) & mask) {
      const Slot& s = slots_[pos];
      if (s.index == npos) return npos;
      if (matches(s, key, id)) return s.index;
    }
  }
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
  static std::uint64_t mix(std::uint64_t h) noexcept {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdULL;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    h ^= h >> 33;
    return h;
  }
  // The key from the id's first 8 bytes (zero-padded) and the rest of the id.
  static Hashed key_from_prefix(std::uint64_t prefix, std::string_view id) noexcept {
    std::uint64_t h = prefix ^ (id.size() * 0x9E3779B97F4A7C15ULL);
    // Longer ids: FNV-1a over the rest (ids are rarely longer than an INSEE code).
    for (std::size_t i = 8; i < id.size(); ++i) {
      h ^= static_cast<unsigned char>(id[i]);
      h *= 1099511628211ULL;
    }
    h = mix(h);
    const auto hash = static_cast<std::uint32_t>(h);
    const auto len = static_cast<std::uint32_t>(id.size() < 255 ? id.size() : 255);
    return Hashed{prefix, (hash & 0x00FFFFFFU) | (len << 24), static_cast<std::uint32_t>(h >> 32)};
  }
  static Hashed key_of(std::string_view id) noexcept {
    std::uint64_t prefix = 0;
    if (id.size() >= 8) {
      std::memcpy(&prefix, id.data(), 8);  // one load
    } else {
      // Byte by byte rather than a variable-length memcpy call (ids are mostly 5 bytes).
      for (std::size_t i = 0; i < id.size(); ++i) {
        prefix |= static_cast<std::uint64_t>(static_cast<unsigned char>(id[i])) << (8 * i);
      }
    }
    return key_from_prefix(prefix, id);
  }
  static Hashed key_of_in_text(std::string_view id) noexcept {
    if constexpr (std::endian::native != std::endian::little) return key_of(id);
    std::uint64_t prefix = 0;
    std::memcpy(&prefix, id.data(), 8);  // 8 readable bytes: the caller's promise
    if (id.size() < 8) prefix &= (std::uint64_t{1} << (8 * id.size())) - 1;  // little endian
    return key_from_prefix(prefix, id);
  }
  // Unconditional: GCC 12 drops a prefetch guarded by a branch (`if (!slots_.empty())` left no
  // prefetch instruction at all). With no slots, mask_ is 0 and the address is data() + 0.
  void prefetch(const Hashed& k) const noexcept {
    __builtin_prefetch(slots_.data() + (k.hash & mask_));
  }
  [[nodiscard]] bool matches(const Slot& s, const Hashed& k, std::string_view id) const noexcept {
    // Ids of at most 8 bytes are equal when their bytes and lengths are.
    return s.tag == k.tag && s.prefix == k.prefix && (id.size() <= 8 || ids_[s.index] == id);
  }
  void grow(std::size_t slot_count);

  std::vector<std::string> ids_;
  std::vector<Slot> slots_;  // size is a power of two, at most half full
  std::size_t mask_ = 0;     // slots_.size() - 1, or 0 without slots
};

}  // namespace maillage::access
