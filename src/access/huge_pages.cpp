#include "access/huge_pages.hpp"

#include <cstdint>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace maillage::access::detail {

namespace {
constexpr std::size_t kHugePage = std::size_t{2} << 20;
}

void advise_huge_pages(void* p, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  const auto begin = reinterpret_cast<std::uintptr_t>(p);
  const std::uintptr_t first = (begin + kHugePage - 1) & ~std::uintptr_t{kHugePage - 1};
  const std::uintptr_t last = (begin + bytes) & ~std::uintptr_t{kHugePage - 1};
  if (p != nullptr && last > first) {
    (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
  }
#else
  (void)p;
  (void)bytes;
#endif
}

HugeBuffer::HugeBuffer(std::size_t bytes) {
  if (bytes == 0) return;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (bytes >= kHugePage) {
    // One huge page more than needed, so that the data can start on a 2 MiB boundary.
    const std::size_t len = (bytes + 2 * kHugePage - 1) / kHugePage * kHugePage;
    void* m = ::mmap(nullptr, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m != MAP_FAILED) {
      const auto base = reinterpret_cast<std::uintptr_t>(m);
      const std::uintptr_t aligned = (base + kHugePage - 1) & ~std::uintptr_t{kHugePage - 1};
      (void)::madvise(reinterpret_cast<void*>(aligned), len - (aligned - base), MADV_HUGEPAGE);
      map_ = m;
      map_bytes_ = len;
      data_ = reinterpret_cast<void*>(aligned);
      return;
    }
  }
#endif
  data_ = ::operator new(bytes);
}

void HugeBuffer::release() noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (map_ != nullptr) {
    ::munmap(map_, map_bytes_);
    map_ = nullptr;
    data_ = nullptr;
    return;
  }
#endif
  ::operator delete(data_);
  data_ = nullptr;
}

}  // namespace maillage::access::detail
