// API handlers for the référentiel: communes, search, département cells (GeoJSON), EPCI. The
// référentiel is read-only in memory, so answers carry an ETag and a Cache-Control max-age; the
// cells of a département are serialised once and kept.
#include <fmt/format.h>

#include <charconv>
#include <iterator>
#include <nlohmann/json.hpp>

#include "http/compress.hpp"
#include "http/contours.hpp"
#include "http/web_app.hpp"

namespace maillage::http {

using nlohmann::json;

namespace {

constexpr std::size_t kDefaultSearchLimit = 20;
constexpr std::size_t kMaxSearchLimit = 100;
constexpr std::size_t kMaxQueryLength = 100;

json code_nom(const std::string& code, const std::string& nom) {
  return json{{"code", code}, {"nom", nom}};
}

// GeoJSON positions are [longitude, latitude]; 5 decimals is about a metre, more than the
// approximate cells are worth, and keeps the body small.
void append_ring(fmt::memory_buffer& out, const geo::Ring& ring) {
  out.push_back('[');
  for (std::size_t i = 0; i < ring.size(); ++i) {
    if (i > 0) out.push_back(',');
    fmt::format_to(std::back_inserter(out), "[{:.5f},{:.5f}]", ring[i].lon, ring[i].lat);
  }
  out.push_back(']');
}

}  // namespace

json WebApp::commune_summary(geo::CommuneIndex i) const {
  const geo::Commune& c = ref_.communes[i];
  return json{{"code", c.code},
              {"nom", c.nom},
              {"departement", c.departement},
              {"population", c.population}};
}

json WebApp::commune_json(const geo::Commune& c) const {
  json out{{"code", c.code}, {"nom", c.nom}, {"population", c.population}};
  const auto* dep = ref_.departement(c.departement);
  out["departement"] = code_nom(c.departement, dep ? dep->nom : "");
  const auto* reg = ref_.region(c.region);
  out["region"] = code_nom(c.region, reg ? reg->nom : "");
  if (const auto* e = c.epci.empty() ? nullptr : ref_.epci(c.epci)) {
    out["epci"] = json{{"code", e->code}, {"nom", e->nom}, {"type", e->type}};
  } else {
    out["epci"] = nullptr;
  }
  out["codes_postaux"] = c.postcodes;
  out["position"] = json{{"lat", c.position.lat}, {"lon", c.position.lon}};
  out["qualite_coordonnees"] = std::string(geo::coord_quality_id(c.quality));
  out["arrondissement"] = c.arrondissement;
  out["commune_parente"] = c.parent.empty() ? json(nullptr) : json(c.parent);
  json voisins = json::array();
  for (auto n : ref_.neighbours(ref_.index_of(c))) voisins.push_back(commune_summary(n));
  out["voisins"] = std::move(voisins);
  return out;
}

Response WebApp::reference_answer(const RequestContext& ctx, std::string body) const {
  Response r = Response::json(std::move(body));
  // private: the API is behind a session, so shared caches must not keep the answers.
  make_cacheable(ctx.request, r,
                 fmt::format("private, max-age={}", options_.reference_max_age.count()));
  return r;
}

Result<Response> WebApp::api_commune(const RequestContext& ctx) {
  const std::string& code = ctx.request.param("code");
  const geo::Commune* c = ref_.commune(code);
  if (c == nullptr) {
    return fail(ErrorCode::not_found, fmt::format("commune {} introuvable", code), "code");
  }
  return reference_answer(ctx, commune_json(*c).dump());
}

Result<Response> WebApp::api_search_communes(const RequestContext& ctx) {
  std::string q = ctx.request.query_value("q").value_or("");
  if (q.empty() || q.size() > kMaxQueryLength) {
    return fail(ErrorCode::invalid_input,
                fmt::format("entre 1 et {} caractères attendus", kMaxQueryLength), "q");
  }
  std::size_t limit = kDefaultSearchLimit;
  if (auto l = ctx.request.query_value("limit")) {
    long long n = 0;
    std::from_chars(l->data(), l->data() + l->size(), n);  // the router checked it is an integer
    if (n < 1 || n > static_cast<long long>(kMaxSearchLimit)) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("doit être compris entre 1 et {}", kMaxSearchLimit), "limit");
    }
    limit = static_cast<std::size_t>(n);
  }
  json list = json::array();
  for (auto i : ref_.search(q, limit)) list.push_back(commune_summary(i));
  return reference_answer(ctx, json{{"communes", std::move(list)}}.dump());
}

const WebApp::CachedBody* WebApp::departement_cells(const std::string& code) const {
  const geo::Departement* dep = ref_.departement(code);
  if (dep == nullptr) return nullptr;
  auto slot_index = static_cast<std::size_t>(dep - ref_.departements.data());
  CellsSlot& slot = cells_[slot_index];
  std::call_once(slot.once, [&] {
    fmt::memory_buffer out;
    fmt::format_to(std::back_inserter(out),
                   R"({{"type":"FeatureCollection","departement":{},"features":[)",
                   json(dep->code).dump());
    bool first = true;
    for (auto i : dep->communes) {
      if (i >= ref_.cells.size() || ref_.cells[i].empty()) continue;
      const geo::Commune& c = ref_.communes[i];
      if (!first) out.push_back(',');
      first = false;
      fmt::format_to(std::back_inserter(out),
                     R"({{"type":"Feature","id":{},"properties":{{"code":{},"nom":{},)"
                     R"("population":{},"superficie_km2":{:.2f},"densite":{:.1f},"contour":"{}"}},)"
                     R"("geometry":{{"type":"MultiPolygon","coordinates":[)",
                     json(c.code).dump(), json(c.code).dump(),
                     json(c.nom).dump(-1, ' ', false, json::error_handler_t::replace), c.population,
                     c.area_km2,
                     c.area_km2 > 0 ? static_cast<double>(c.population) / c.area_km2 : 0.0,
                     geo::shape_source_id(c.shape));
      const geo::MultiPolygon& cell = ref_.cells[i];
      for (std::size_t p = 0; p < cell.size(); ++p) {
        if (p > 0) out.push_back(',');
        out.push_back('[');
        append_ring(out, cell[p].outer);
        for (const auto& hole : cell[p].holes) {
          out.push_back(',');
          append_ring(out, hole);
        }
        out.push_back(']');
      }
      fmt::format_to(std::back_inserter(out), "]}}}}");
    }
    fmt::format_to(std::back_inserter(out), "]}}");
    auto cached = std::make_unique<CachedBody>();
    cached->body = fmt::to_string(out);
    cached->etag = etag_of(cached->body);
    cached->gzip = gzip_compress(cached->body);
    cached->br = brotli_compress(cached->body);
    slot.cached = std::move(cached);
  });
  return slot.cached.get();
}

Result<Response> WebApp::api_departement_cells(const RequestContext& ctx) {
  const std::string& code = ctx.request.param("code");
  const CachedBody* cells = departement_cells(code);
  if (cells == nullptr) {
    return fail(ErrorCode::not_found, fmt::format("département {} introuvable", code), "code");
  }
  // Check the ETag before copying a body of a few hundred kilobytes.
  Response r;
  r.content_type = "application/geo+json";
  make_cacheable(ctx.request, r,
                 fmt::format("private, max-age={}", options_.reference_max_age.count()),
                 cells->etag);
  if (r.status == 200) set_encoded_body(ctx.request, r, cells->body, cells->gzip, cells->br);
  return r;
}

Result<Response> WebApp::api_contours(const RequestContext& ctx) {
  const std::string& zone = ctx.request.param("zone");
  const std::string level = ctx.request.query_value("niveau").value_or("");
  if (!level.empty()) {
    bool known = false;
    std::vector<std::string> ids;
    for (const auto& l : contour_levels()) {
      known = known || l.id == level;
      ids.emplace_back(l.id);
    }
    if (!known) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("niveau « {} » inconnu ({})", level, fmt::join(ids, ", ")), "niveau");
    }
  }
  const std::string format = ctx.request.query_value("format").value_or("topojson");
  if (format != "topojson" && format != "binaire") {
    return fail(ErrorCode::invalid_input,
                fmt::format("format « {} » inconnu (topojson, binaire)", format), "format");
  }
  const ContourCache::Body* body = contours_->get(
      zone, level, format == "binaire" ? ContourFormat::binary : ContourFormat::topojson);
  if (body == nullptr) {
    return fail(ErrorCode::not_found,
                fmt::format("zone {} introuvable (france ou code de département)", zone), "zone");
  }
  Response r;
  r.content_type = format == "binaire" ? "application/octet-stream" : "application/json";
  make_cacheable(ctx.request, r,
                 fmt::format("private, max-age={}", options_.reference_max_age.count()),
                 body->etag);
  if (r.status == 200) set_encoded_body(ctx.request, r, body->body, body->gzip, body->br);
  return r;
}

Result<Response> WebApp::api_epci(const RequestContext& ctx) {
  const std::string& siren = ctx.request.param("siren");
  const geo::Epci* e = ref_.epci(siren);
  if (e == nullptr) {
    return fail(ErrorCode::not_found, fmt::format("EPCI {} introuvable", siren), "siren");
  }
  json members = json::array();
  for (auto i : e->members) members.push_back(commune_summary(i));
  json out{{"code", e->code},
           {"nom", e->nom},
           {"type", e->type},
           {"population", e->population},
           {"membres", std::move(members)}};
  return reference_answer(ctx, out.dump());
}

}  // namespace maillage::http
