// Test-only: reads a zip held in memory with libzip, the same library the writers use, but
// through its reading API only.
#pragma once

#include <zip.h>

#include <cstdint>
#include <string>
#include <vector>

namespace maillage::office::test {

struct ZipEntry {
  std::string name;
  std::string content;
  std::uint16_t method = 0;  ///< ZIP_CM_STORE or ZIP_CM_DEFLATE
};

/// Entries in archive order; an empty vector when `bytes` is not a readable zip.
inline std::vector<ZipEntry> unzip(const std::string& bytes) {
  std::vector<ZipEntry> out;
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* src = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (src == nullptr) return out;
  zip_t* archive = zip_open_from_source(src, ZIP_RDONLY | ZIP_CHECKCONS, &error);
  zip_error_fini(&error);
  if (archive == nullptr) {
    zip_source_free(src);
    return out;
  }
  const zip_int64_t n = zip_get_num_entries(archive, 0);
  for (zip_int64_t i = 0; i < n; ++i) {
    const auto idx = static_cast<zip_uint64_t>(i);
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(archive, idx, 0, &st) != 0) break;
    ZipEntry e;
    e.name = st.name;
    e.method = st.comp_method;
    zip_file_t* f = zip_fopen_index(archive, idx, 0);
    if (f == nullptr) break;
    e.content.resize(st.size);
    const zip_int64_t got = zip_fread(f, e.content.data(), st.size);
    zip_fclose(f);
    if (got != static_cast<zip_int64_t>(st.size)) break;
    out.push_back(std::move(e));
  }
  zip_close(archive);  // read-only: frees the source too
  return out;
}

inline const ZipEntry* find_entry(const std::vector<ZipEntry>& entries, const std::string& name) {
  for (const auto& e : entries) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

}  // namespace maillage::office::test
