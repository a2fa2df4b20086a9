// Static assets served by the binary: Leaflet and htmx from node_modules (pinned by
// package-lock.json) and our own files from web/static. Read once at start into memory and served
// under /assets/<version>/..., where the version is a hash of all the contents, so that browsers
// may cache them for a year: a new build with changed files gets new URLs. No CDN.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace maillage::http {

struct Asset {
  std::string content;
  std::string content_type;
  std::string etag;

  struct Encoded {
    std::string gzip;  // empty when not worth it
    std::string br;
  };
  /// The compressed copies, made once on first demand (brotli at its best quality takes a few
  /// hundred milliseconds for leaflet.js, which startup and tests need not pay). Thread-safe.
  [[nodiscard]] const Encoded& encoded() const;

 private:
  struct Lazy {
    std::once_flag once;
    Encoded encoded;
  };
  std::shared_ptr<Lazy> lazy_ = std::make_shared<Lazy>();
};

class AssetStore {
 public:
  /// Loads the assets below `root` (the folder holding web/ and node_modules/). Missing
  /// node_modules packages are an error that names the file and says to run `npm ci`.
  static Result<AssetStore> load(const std::string& root);

  /// The asset at `path` ("leaflet/leaflet.js", "app/carte.js"), or nullptr.
  [[nodiscard]] const Asset* find(std::string_view path) const;
  /// Hash of every asset: the second segment of asset URLs.
  [[nodiscard]] const std::string& version() const { return version_; }
  /// "/assets/<version>" — the prefix templates put before asset paths.
  [[nodiscard]] std::string base_url() const { return "/assets/" + version_; }
  [[nodiscard]] std::size_t size() const { return assets_.size(); }

 private:
  std::map<std::string, Asset, std::less<>> assets_;
  std::string version_;
};

/// Content type from a file name's extension ("application/octet-stream" when unknown).
std::string content_type_for(std::string_view filename);

}  // namespace maillage::http
