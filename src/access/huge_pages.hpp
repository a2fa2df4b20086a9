// Internal: large transient buffers on transparent huge pages. On the VM the OD reader was
// measured on, the first touch of a fresh 4 KiB page costs 20-35 µs (the kernel's fault path
// under a paravirtualised MMU) against 0.3-0.6 µs per 4 KiB for a 2 MiB page, so the ~40 MB of
// fresh memory a national OD read writes cost more than its parsing. Nothing changes in what the
// memory holds: huge pages are a hint the kernel may ignore.
#pragma once

#include <cstddef>
#include <type_traits>
#include <utility>

namespace maillage::access::detail {

/// Asks for huge pages on the 2 MiB-aligned part of [p, p + bytes) (Linux; a no-op elsewhere,
/// for small ranges, or when the kernel refuses).
void advise_huge_pages(void* p, std::size_t bytes) noexcept;

/// Uninitialised storage of `bytes` bytes, aligned for any scalar type: an anonymous mapping
/// advised for huge pages when it is large (Linux), else operator new. Only the pages written
/// are ever backed by memory.
class HugeBuffer {
 public:
  HugeBuffer() = default;
  explicit HugeBuffer(std::size_t bytes);
  ~HugeBuffer() { release(); }
  HugeBuffer(HugeBuffer&& other) noexcept { *this = std::move(other); }
  HugeBuffer& operator=(HugeBuffer&& other) noexcept {
    if (this != &other) {
      release();
      data_ = std::exchange(other.data_, nullptr);
      map_ = std::exchange(other.map_, nullptr);
      map_bytes_ = std::exchange(other.map_bytes_, 0);
    }
    return *this;
  }
  HugeBuffer(const HugeBuffer&) = delete;
  HugeBuffer& operator=(const HugeBuffer&) = delete;

  [[nodiscard]] void* data() const noexcept { return data_; }

 private:
  void release() noexcept;
  void* data_ = nullptr;
  void* map_ = nullptr;  // the whole mapping when data_ lies in one, else nullptr
  std::size_t map_bytes_ = 0;
};

/// An uninitialised array of trivially copyable T in a HugeBuffer.
template <class T>
class HugeArray {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  HugeArray() = default;
  explicit HugeArray(std::size_t n) : buffer_(n * sizeof(T)) {}
  [[nodiscard]] T* data() const noexcept { return static_cast<T*>(buffer_.data()); }
  T& operator[](std::size_t i) const noexcept { return data()[i]; }

 private:
  HugeBuffer buffer_;
};

}  // namespace maillage::access::detail
