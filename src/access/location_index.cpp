#include "access/location_index.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace maillage::access {

namespace {

std::uint64_t mix(std::uint64_t h) noexcept {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h;
}

}  // namespace

LocationIndex::Hashed LocationIndex::key_of(std::string_view id) noexcept {
  std::uint64_t prefix = 0;
  if (id.size() >= 8) {
    std::memcpy(&prefix, id.data(), 8);  // one load
  } else {
    // Byte by byte rather than a variable-length memcpy call (ids are mostly 5 bytes).
    for (std::size_t i = 0; i < id.size(); ++i) {
      prefix |= static_cast<std::uint64_t>(static_cast<unsigned char>(id[i])) << (8 * i);
    }
  }
  std::uint64_t h = prefix ^ (id.size() * 0x9E3779B97F4A7C15ULL);
  // Longer ids: FNV-1a over the rest (ids are rarely longer than an INSEE code).
  for (std::size_t i = 8; i < id.size(); ++i) {
    h ^= static_cast<unsigned char>(id[i]);
    h *= 1099511628211ULL;
  }
  h = mix(h);
  const auto hash = static_cast<std::uint32_t>(h);
  const auto len = static_cast<std::uint32_t>(std::min<std::size_t>(id.size(), 255));
  return Hashed{prefix, (hash & 0x00FFFFFFU) | (len << 24), static_cast<std::uint32_t>(h >> 32)};
}

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
    std::size_t pos = key_of(ids_[s.index]).hash & mask;
    while (slots_[pos].index != npos) pos = (pos + 1) & mask;
    slots_[pos] = s;
  }
}

LocationId LocationIndex::insert(std::string_view id) {
  if ((ids_.size() + 1) * 2 > slots_.size()) grow(std::max<std::size_t>(16, slots_.size() * 2));
  const Hashed k = key_of(id);
  const std::size_t mask = slots_.size() - 1;
  std::size_t pos = k.hash & mask;
  while (slots_[pos].index != npos) {
    if (matches(slots_[pos], k, id)) return npos;
    pos = (pos + 1) & mask;
  }
  const auto index = static_cast<LocationId>(ids_.size());
  ids_.emplace_back(id);
  slots_[pos] = Slot{k.prefix, k.tag, index};
  return index;
}

LocationIndex::Hashed LocationIndex::hash(std::string_view id) const noexcept {
  const Hashed k = key_of(id);
  if (!slots_.empty()) __builtin_prefetch(&slots_[k.hash & (slots_.size() - 1)]);
  return k;
}

LocationId LocationIndex::find(std::string_view id, const Hashed& k) const noexcept {
  if (slots_.empty()) return npos;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t pos = k.hash & mask;; pos = (pos + 1) & mask) {
    const Slot& s = slots_[pos];
    if (s.index == npos) return npos;
    if (matches(s, k, id)) return s.index;
  }
}

}  // namespace maillage::access
