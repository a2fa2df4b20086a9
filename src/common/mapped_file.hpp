// A whole file as read-only text without copying it: a private read-only mapping of the file
// (populated at once) for regular files, the bytes read into memory for anything else (a pipe,
// /dev/stdin). Why: on the VMs Maillage was measured on, the first touch of a fresh 4 KiB page of
// a std::string costs 20-35 µs, so copying a 31 MB OD table into a new string cost more than
// parsing it (src/access/README.md); mapping the page cache costs neither the copy nor the faults.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace maillage {

class MappedFile {
 public:
  /// io_error naming the path (and the system's reason) when the file cannot be opened or read.
  static Result<MappedFile> open(const std::string& path);

  MappedFile() = default;
  ~MappedFile();
  MappedFile(MappedFile&& other) noexcept;
  MappedFile& operator=(MappedFile&& other) noexcept;
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  /// The file's bytes; valid while this object lives.
  [[nodiscard]] std::string_view text() const noexcept {
    return map_ != nullptr ? std::string_view(static_cast<const char*>(map_), size_)
                           : std::string_view(owned_);
  }

 private:
  void release() noexcept;
  void* map_ = nullptr;
  std::size_t size_ = 0;
  std::string owned_;  // when the file could not be mapped
};

}  // namespace maillage
