#include "access/location_index.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace maillage::access {

void LocationIndex::reserve(std::size_t n) {
  ids_.reserve(n);
  const std::size_t want = std::bit_ceil(std::max<std::size_t>(16, n * 2));
  if (want > slots_.size()) grow(want);
}

void LocationIndex::grow(std::size_t slot_count) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slot_count, Slot{});
  const std::size_t mask = slot_count - 1;
  mask_ = mask;
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

}  // namespace maillage::access
