#include "common/mapped_file.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace maillage {

namespace {

Error io_error(const std::string& what, const std::string& path) {
  Error e;
  e.code = ErrorCode::io_error;
  e.message = what + " « " + path + " » : " + std::strerror(errno);
  e.file = path;
  return e;
}

// Closes the descriptor on every path out of open().
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

Result<MappedFile> MappedFile::open(const std::string& path) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return tl::unexpected(io_error("impossible d'ouvrir", path));
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return tl::unexpected(io_error("impossible de lire", path));
  MappedFile out;
  if (S_ISREG(st.st_mode) && st.st_size > 0) {
    const auto size = static_cast<std::size_t>(st.st_size);
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, f.fd, 0);
    if (p != MAP_FAILED) {
      out.map_ = p;
      out.size_ = size;
      return out;
    }
  }
  // Not a regular file, empty, or not mappable: read it.
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(f.fd, buffer, sizeof buffer);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EINTR) continue;
      return tl::unexpected(io_error("lecture interrompue de", path));
    }
    out.owned_.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

MappedFile::~MappedFile() { release(); }

MappedFile::MappedFile(MappedFile&& other) noexcept { *this = std::move(other); }

MappedFile& MappedFile::operator=(MappedFile&& other) noexcept {
  if (this != &other) {
    release();
    map_ = std::exchange(other.map_, nullptr);
    size_ = std::exchange(other.size_, 0);
    owned_ = std::move(other.owned_);
  }
  return *this;
}

void MappedFile::release() noexcept {
  if (map_ != nullptr) ::munmap(map_, size_);
  map_ = nullptr;
  size_ = 0;
}

}  // namespace maillage
