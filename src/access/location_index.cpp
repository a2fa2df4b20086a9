#include "access/location_index.hpp"

#include <algorithm>
#include <bit>

namespace maillage::access {

namespace {

// FNV-1a then a final avalanche: ids are short (5-character INSEE codes), so a byte loop is as
// fast as anything wider, and the avalanche spreads codes that differ only in the last digit.
std::uint32_t hash_id(std::string_view s) noexcept {
  std::uint64_t h = 14695981039346656037ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  return static_cast<std::uint32_t>(h);
}

}  // namespace

void LocationIndex::reserve(std::size_t n) {
  ids_.reserve(n);
  const std::size_t want = std::bit_ceil(std::max<std::size_t>(16, n * 2));
  if (want > slots_.size()) grow(want);
}

void LocationIndex::grow(std::size_t slot_count) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slot_count, Slot{});
  const std::size_t mask = slot_count - 1;
  for (const Slot& s : old) {
    if (s.index == npos) continue;
    std::size_t pos = s.hash & mask;
    while (slots_[pos].index != npos) pos = (pos + 1) & mask;
    slots_[pos] = s;
  }
}

LocationId LocationIndex::insert(std::string_view id) {
  if ((ids_.size() + 1) * 2 > slots_.size()) grow(std::max<std::size_t>(16, slots_.size() * 2));
  const std::uint32_t h = hash_id(id);
  const std::size_t mask = slots_.size() - 1;
  std::size_t pos = h & mask;
  while (slots_[pos].index != npos) {
    if (slots_[pos].hash == h && ids_[slots_[pos].index] == id) return npos;
    pos = (pos + 1) & mask;
  }
  const auto index = static_cast<LocationId>(ids_.size());
  ids_.emplace_back(id);
  slots_[pos] = Slot{h, index};
  return index;
}

LocationId LocationIndex::find(std::string_view id) const noexcept {
  if (slots_.empty()) return npos;
  const std::uint32_t h = hash_id(id);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t pos = h & mask;; pos = (pos + 1) & mask) {
    const Slot& s = slots_[pos];
    if (s.index == npos) return npos;
    if (s.hash == h && ids_[s.index] == id) return s.index;
  }
}

}  // namespace maillage::access
