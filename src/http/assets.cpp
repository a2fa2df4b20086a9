#include "http/assets.hpp"

#include <fmt/format.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "http/compress.hpp"
#include "http/message.hpp"

namespace maillage::http {

namespace fs = std::filesystem;

namespace {

Result<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return tl::unexpected(Error{ErrorCode::io_error, "fichier illisible", {}, path.string(), 0});
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string content_type_for(std::string_view filename) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 10> kTypes{{
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".png", "image/png"},
      {".svg", "image/svg+xml"},
      {".ico", "image/x-icon"},
      {".json", "application/json; charset=utf-8"},
      {".map", "application/json; charset=utf-8"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  }};
  for (const auto& [ext, type] : kTypes) {
    if (filename.size() >= ext.size() && filename.substr(filename.size() - ext.size()) == ext) {
      return std::string(type);
    }
  }
  return "application/octet-stream";
}

Result<AssetStore> AssetStore::load(const std::string& root_dir) {
  AssetStore store;
  const fs::path root(root_dir);
  // What the pages use from the npm packages; listed rather than globbed so that nothing else
  // of node_modules can be reached through the server.
  struct Vendor {
    std::string_view url_prefix;
    std::string_view dir;
    std::array<std::string_view, 5> files;
  };
  const std::array<Vendor, 4> vendors{{
      {"leaflet/", "node_modules/leaflet/dist",
       {"leaflet.js", "leaflet.css", "images/layers.png", "images/layers-2x.png",
        "images/marker-icon.png"}},
      {"htmx/", "node_modules/htmx.org/dist", {"htmx.min.js", "", "", "", ""}},
      {"chartjs/", "node_modules/chart.js/dist", {"chart.umd.js", "", "", "", ""}},
      // The rich-text editor of messages (its output is sanitised again by the server).
      {"quill/", "node_modules/quill/dist", {"quill.js", "quill.snow.css", "", "", ""}},
  }};
  for (const auto& v : vendors) {
    for (auto file : v.files) {
      if (file.empty()) continue;
      fs::path path = root / v.dir / file;
      auto content = read_file(path);
      if (!content) {
        Error e = content.error();
        e.message = "ressource front-end absente : lancez `npm ci` (ou `make setup`)";
        return tl::unexpected(std::move(e));
      }
      std::string url = std::string(v.url_prefix) + std::string(file);
      Asset& a = store.assets_[url];
      a.content = std::move(*content);
      a.content_type = content_type_for(file);
    }
  }
  const fs::path own = root / "web" / "static";
  std::error_code ec;
  if (!fs::is_directory(own, ec)) {
    return tl::unexpected(
        Error{ErrorCode::io_error, "dossier des ressources introuvable (réglage assets)", "assets",
              own.string(), 0});
  }
  for (const auto& entry : fs::recursive_directory_iterator(own, ec)) {
    if (!entry.is_regular_file()) continue;
    auto content = read_file(entry.path());
    if (!content) return tl::unexpected(content.error());
    std::string url = "app/" + fs::relative(entry.path(), own).generic_string();
    Asset& a = store.assets_[url];
    a.content = std::move(*content);
    a.content_type = content_type_for(url);
  }
  if (ec) {
    return tl::unexpected(Error{ErrorCode::io_error, ec.message(), "assets", own.string(), 0});
  }
  // The version hashes names and contents together, in map (sorted) order.
  std::string all;
  for (auto& [url, asset] : store.assets_) {
    asset.etag = etag_of(asset.content);
    all += url;
    all += asset.etag;
  }
  std::string v = etag_of(all);
  store.version_ = v.substr(1, 12);  // without the quotes; 48 bits are plenty for cache busting
  return store;
}

const Asset::Encoded& Asset::encoded() const {
  std::call_once(lazy_->once, [this] {
    if (!compressible(content_type) || content.size() < 256) return;
    Encoded& e = lazy_->encoded;
    e.gzip = gzip_compress(content);
    e.br = brotli_compress(content);
    if (e.gzip.size() >= content.size()) e.gzip.clear();
    if (e.br.size() >= content.size()) e.br.clear();
  });
  return lazy_->encoded;
}

const Asset* AssetStore::find(std::string_view path) const {
  auto it = assets_.find(path);
  return it == assets_.end() ? nullptr : &it->second;
}

}  // namespace maillage::http
