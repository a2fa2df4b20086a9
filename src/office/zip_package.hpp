// Internal: an in-memory zip package over libzip (not part of the public API). Keeps <zip.h> out
// of the public headers.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace maillage::office::detail {

/// Collects entries in order, then writes the archive into a string. Entries keep the order of
/// `add` calls, which matters for ODF (the `mimetype` entry must come first).
class ZipPackage {
 public:
  enum class Compression { deflate, store };

  void add(std::string name, std::string content, Compression compression = Compression::deflate);

  /// The archive bytes. Every entry gets the same fixed modification time, so that the same
  /// input always gives the same bytes (stable ETags, byte-exact tests).
  Result<std::string> finish() const;

 private:
  struct Entry {
    std::string name;
    std::string content;
    Compression compression;
  };
  std::deque<Entry> entries_;
};

}  // namespace maillage::office::detail
