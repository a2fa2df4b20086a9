// Internal to src/geo: RAII over the reentrant GEOS C API and conversions between GEOS
// geometries and plain coordinate arrays. One GeosContext per thread (GEOS contexts are not
// thread-safe); geometries are never shared between threads.
#pragma once

#define GEOS_USE_ONLY_R_API
#include <geos_c.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace maillage::geo::detail {

struct XY {
  double x = 0;
  double y = 0;
};
using PlanarRing = std::vector<XY>;             // closed: first point repeated last
using PlanarPolygon = std::vector<PlanarRing>;  // [0] outer ring, then holes
using PlanarMulti = std::vector<PlanarPolygon>;

class GeosContext {
 public:
  GeosContext() : handle_(GEOS_init_r()) {
    if (handle_ == nullptr) throw std::runtime_error("GEOS_init_r failed");
    GEOSContext_setErrorMessageHandler_r(handle_, &GeosContext::on_error, this);
    GEOSContext_setNoticeMessageHandler_r(handle_, &GeosContext::on_notice, this);
  }
  ~GeosContext() { GEOS_finish_r(handle_); }
  GeosContext(const GeosContext&) = delete;
  GeosContext& operator=(const GeosContext&) = delete;

  [[nodiscard]] GEOSContextHandle_t get() const { return handle_; }
  // The last error GEOS reported in this context ("" if none).
  [[nodiscard]] const std::string& last_error() const { return last_error_; }

 private:
  static void on_error(const char* message, void* self) {
    static_cast<GeosContext*>(self)->last_error_ = message != nullptr ? message : "";
  }
  static void on_notice(const char* /*message*/, void* /*self*/) {}

  GEOSContextHandle_t handle_;
  std::string last_error_;
};

struct GeomDeleter {
  GEOSContextHandle_t ctx = nullptr;
  void operator()(GEOSGeometry* g) const {
    if (g != nullptr) GEOSGeom_destroy_r(ctx, g);
  }
};
using GeomPtr = std::unique_ptr<GEOSGeometry, GeomDeleter>;

struct PreparedDeleter {
  GEOSContextHandle_t ctx = nullptr;
  void operator()(const GEOSPreparedGeometry* g) const {
    if (g != nullptr) GEOSPreparedGeom_destroy_r(ctx, g);
  }
};
using PreparedPtr = std::unique_ptr<const GEOSPreparedGeometry, PreparedDeleter>;

inline GeomPtr own(const GeosContext& ctx, GEOSGeometry* g) {
  return GeomPtr(g, GeomDeleter{ctx.get()});
}

// Throws std::runtime_error with GEOS's message when a GEOS call returned null: GEOS failures
// on geometry we built ourselves are bugs, not bad input.
inline GeomPtr checked(const GeosContext& ctx, GEOSGeometry* g, const char* what) {
  if (g == nullptr) throw std::runtime_error(std::string(what) + ": " + ctx.last_error());
  return own(ctx, g);
}

// A polygon from planar rings; rings with fewer than 4 points are skipped (an outer ring that is
// too short gives an empty polygon).
GeomPtr make_polygon(const GeosContext& ctx, const PlanarPolygon& poly);
// A MultiPolygon (possibly empty) from planar polygons.
GeomPtr make_multipolygon(const GeosContext& ctx, const PlanarMulti& polys);
GeomPtr make_point(const GeosContext& ctx, XY p);
// Appends every polygon found in g (Polygon, MultiPolygon or nested collections; lines and
// points are ignored) to out.
void read_polygons(const GeosContext& ctx, const GEOSGeometry* g, PlanarMulti& out);
PlanarRing read_ring(const GeosContext& ctx, const GEOSGeometry* ring);
// `g` made valid and polygonal: a MultiPolygon (GEOSMakeValid may return a collection, which
// prepared geometries cannot index: every predicate would fall back to a full relate).
GeomPtr valid_multipolygon(const GeosContext& ctx, GeomPtr g);

struct Envelope {
  double xmin = 0, ymin = 0, xmax = 0, ymax = 0;
  [[nodiscard]] bool intersects(const Envelope& o) const {
    return xmin <= o.xmax && o.xmin <= xmax && ymin <= o.ymax && o.ymin <= ymax;
  }
};
Envelope envelope_of(const PlanarPolygon& poly);
double signed_area(const PlanarRing& ring);  // shoelace; > 0 counter-clockwise

}  // namespace maillage::geo::detail
