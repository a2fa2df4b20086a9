// TopoJSON decoding (world-atlas countries-10m.json): streamed with nlohmann's SAX interface
// because the arcs are half a million small arrays, then the wanted geometries are stitched from
// their arcs (https://github.com/topojson/topojson-specification).
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "refdata/json_stream.hpp"
#include "refdata/packages.hpp"

namespace maillage::refdata {
namespace {

using json = nlohmann::json;

// Markers in the flattened "arcs" member of a geometry.
constexpr std::int64_t kOpen = std::numeric_limits<std::int64_t>::min();
constexpr std::int64_t kClose = kOpen + 1;

struct Geometry {
  std::size_t item = 0;
  std::int64_t line = 0;
  std::string type;
  std::string id;
  std::string name;
  std::vector<std::int64_t> arcs;  // kOpen/kClose around nested arrays of arc indices
};

struct Topology {
  std::string type;
  std::vector<double> coords;        // x, y pairs of every arc
  std::vector<std::size_t> arc_end;  // arc i spans points [arc_end[i-1], arc_end[i])
  std::vector<double> scale;
  std::vector<double> translate;
  std::vector<Geometry> geometries;  // of the wanted object only
};

// Depths below are stack sizes: 1 is the topology object itself.
//   arcs[i][j][k]                           arcs 2, arc 3, position 4
//   transform.scale[k]                      3
//   objects.<object>.geometries[i]          geometry object 5, its "arcs" array 6 and deeper
class TopoSax final : public nlohmann::json_sax<json> {
 public:
  TopoSax(Topology& topo, std::string_view object, const std::string& file,
          const std::int64_t* line)
      : topo_(topo), object_(object), file_(file), line_(line) {}

  bool null() override { return other_scalar(); }
  bool boolean(bool /*v*/) override { return other_scalar(); }
  bool number_integer(number_integer_t v) override {
    return number(static_cast<double>(v), static_cast<std::int64_t>(v), true);
  }
  bool number_unsigned(number_unsigned_t v) override {
    const bool fits = v <= static_cast<number_unsigned_t>(std::numeric_limits<std::int64_t>::max());
    return number(static_cast<double>(v), fits ? static_cast<std::int64_t>(v) : 0, fits);
  }
  bool number_float(number_float_t v, const string_t& /*raw*/) override {
    return number(static_cast<double>(v), 0, false);
  }
  bool string(string_t& v) override {
    if (!other_scalar()) return false;
    const std::size_t d = stack_.size();
    if (d == 1 && key_ == "type") {
      topo_.type = v;
    } else if (in_geometry() && d == kGeometryDepth && key_ == "type") {
      geometry_.type = v;
    } else if (in_geometry() && d == kGeometryDepth && key_ == "id") {
      geometry_.id = v;
    } else if (in_geometry() && d == kGeometryDepth + 1 && stack_.back().name == "properties" &&
               key_ == "name") {
      geometry_.name = v;
    }
    return true;
  }
  bool binary(binary_t& /*v*/) override { return other_scalar(); }

  bool start_object(std::size_t /*size*/) override {
    if (arcs_mode()) return refuse(arcs_field(), "un tableau de nombres est attendu");
    if (in_arc_refs()) return refuse(geometry_field(), "un indice d'arc est attendu");
    if (stack_.empty()) {
      stack_.push_back({false, ""});
      return true;
    }
    stack_.push_back({false, child_name()});
    if (stack_.size() == kGeometryDepth && stack_[1].name == "objects" &&
        stack_[2].name == object_ && stack_[3].name == "geometries") {
      geometry_ = Geometry{};
      geometry_.item = geometries_seen_;
      geometry_.line = *line_;
      geometry_open_ = true;
    }
    return true;
  }
  bool key(string_t& k) override {
    key_ = std::move(k);
    return true;
  }
  bool end_object() override {
    if (in_geometry() && stack_.size() == kGeometryDepth) {
      topo_.geometries.push_back(std::move(geometry_));
      geometry_open_ = false;
      ++geometries_seen_;
    }
    stack_.pop_back();
    return true;
  }
  bool start_array(std::size_t /*size*/) override {
    if (stack_.empty()) return refuse("", "une topologie (objet JSON) est attendue");
    const std::size_t d = stack_.size() + 1;  // depth of the new array
    if (arcs_mode()) {
      if (d == 3) {
        ++arcs_seen_;
      } else if (d == 4) {
        position_size_ = 0;
      } else {
        return refuse(arcs_field(), "position attendue : [x, y]");
      }
    } else if (in_arc_refs()) {
      geometry_.arcs.push_back(kOpen);
    } else if (d == 2 && key_ == "arcs") {
      arcs_open_ = true;
    } else if (in_geometry() && d == kGeometryDepth + 1 && key_ == "arcs") {
      refs_open_ = true;
      geometry_.arcs.push_back(kOpen);
    }
    stack_.push_back({true, child_name()});
    return true;
  }
  bool end_array() override {
    const std::size_t d = stack_.size();
    if (arcs_mode()) {
      if (d == 2) {
        arcs_open_ = false;
      } else if (d == 3) {
        topo_.arc_end.push_back(topo_.coords.size() / 2);
      } else if (d == 4 && position_size_ < 2) {
        return refuse(arcs_field(), "position incomplète : [x, y] attendu");
      }
    } else if (in_arc_refs()) {
      geometry_.arcs.push_back(kClose);
      if (d == kGeometryDepth + 1) refs_open_ = false;
    }
    stack_.pop_back();
    return true;
  }
  bool parse_error(std::size_t /*position*/, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) override {
    error_ = fail_at(file_, *line_, "", std::string("JSON invalide : ") + ex.what());
    return false;
  }

  [[nodiscard]] const Status& error() const { return error_; }

 private:
  static constexpr std::size_t kGeometryDepth = 5;
  struct Level {
    bool array;
    std::string name;  // key in the parent object, or "[]" in a parent array
  };

  [[nodiscard]] bool arcs_mode() const { return arcs_open_; }
  [[nodiscard]] bool in_geometry() const { return geometry_open_; }
  [[nodiscard]] bool in_arc_refs() const { return refs_open_; }
  [[nodiscard]] std::string child_name() const {
    return stack_.back().array ? std::string("[]") : key_;
  }

  bool number(double d, std::int64_t i, bool integral) {
    if (stack_.empty()) return refuse("", "une topologie (objet JSON) est attendue");
    if (arcs_mode()) {
      if (stack_.size() != 4) return refuse(arcs_field(), "position attendue : [x, y]");
      if (!std::isfinite(d)) return refuse(arcs_field(), "coordonnée non finie");
      if (position_size_ < 2) topo_.coords.push_back(d);
      ++position_size_;
      return true;
    }
    if (in_arc_refs()) {
      if (!integral || i == kOpen || i == kClose) {
        return refuse(geometry_field(), "un indice d'arc entier est attendu");
      }
      geometry_.arcs.push_back(i);
      return true;
    }
    if (stack_.size() == 3 && stack_[1].name == "transform" &&
        (stack_[2].name == "scale" || stack_[2].name == "translate")) {
      (stack_[2].name == "scale" ? topo_.scale : topo_.translate).push_back(d);
      return true;
    }
    if (in_geometry() && stack_.size() == kGeometryDepth && key_ == "id" && integral) {
      geometry_.id = std::to_string(i);
    }
    return true;
  }
  bool other_scalar() {
    if (stack_.empty()) return refuse("", "une topologie (objet JSON) est attendue");
    if (arcs_mode()) return refuse(arcs_field(), "un nombre est attendu");
    if (in_arc_refs()) return refuse(geometry_field(), "un indice d'arc est attendu");
    return true;
  }
  [[nodiscard]] std::string arcs_field() const {
    return "arcs[" + std::to_string(arcs_seen_ == 0 ? 0 : arcs_seen_ - 1) + "]";
  }
  [[nodiscard]] std::string geometry_field() const {
    return "objects." + std::string(object_) + ".geometries[" + std::to_string(geometries_seen_) +
           "].arcs";
  }
  bool refuse(std::string field, std::string message) {
    error_ = fail_at(file_, *line_, std::move(field), std::move(message));
    return false;
  }

  Topology& topo_;
  std::string_view object_;
  const std::string& file_;
  const std::int64_t* line_;
  std::vector<Level> stack_;
  std::string key_;
  bool arcs_open_ = false;
  std::size_t arcs_seen_ = 0;
  std::size_t position_size_ = 0;
  Geometry geometry_;
  bool geometry_open_ = false;
  bool refs_open_ = false;
  std::size_t geometries_seen_ = 0;
  Status error_;
};

// Nested arrays of arc indices, parsed from the flattened token list.
struct Nested {
  std::vector<std::int64_t> values;
  std::vector<Nested> children;
};

bool parse_nested(const std::vector<std::int64_t>& tokens, std::size_t& pos, Nested& out,
                  int depth) {
  if (depth > 8 || pos >= tokens.size() || tokens[pos] != kOpen) return false;
  ++pos;
  while (pos < tokens.size() && tokens[pos] != kClose) {
    if (tokens[pos] == kOpen) {
      out.children.emplace_back();
      if (!parse_nested(tokens, pos, out.children.back(), depth + 1)) return false;
    } else {
      out.values.push_back(tokens[pos++]);
    }
  }
  if (pos >= tokens.size()) return false;
  ++pos;  // kClose
  return true;
}

class Stitcher {
 public:
  Stitcher(const Topology& topo, const std::string& file) : topo_(topo), file_(file) {
    quantized_ = topo.scale.size() == 2 && topo.translate.size() == 2;
  }

  // A ring from arc indices (~i = arc i reversed); consecutive arcs share their end point.
  Result<geo::Ring> ring(const std::vector<std::int64_t>& refs, const std::string& field) const {
    geo::Ring out;
    for (const std::int64_t ref : refs) {
      const std::int64_t arc = ref >= 0 ? ref : ~ref;
      if (arc < 0 || static_cast<std::size_t>(arc) >= topo_.arc_end.size()) {
        return fail_at(file_, 0, field, "indice d'arc hors limites : " + std::to_string(ref));
      }
      std::vector<geo::LatLon> pts = decode(static_cast<std::size_t>(arc));
      if (ref < 0) std::reverse(pts.begin(), pts.end());
      const std::size_t skip = out.empty() ? 0 : 1;
      for (std::size_t k = skip; k < pts.size(); ++k) out.push_back(pts[k]);
    }
    if (!out.empty() && (out.front().lat != out.back().lat || out.front().lon != out.back().lon)) {
      out.push_back(out.front());
    }
    return out;
  }

 private:
  // Points of arc i in degrees; quantized arcs are delta-encoded integers.
  std::vector<geo::LatLon> decode(std::size_t arc) const {
    const std::size_t begin = arc == 0 ? 0 : topo_.arc_end[arc - 1];
    const std::size_t end = topo_.arc_end[arc];
    std::vector<geo::LatLon> out;
    out.reserve(end - begin);
    double x = 0;
    double y = 0;
    for (std::size_t k = begin; k < end; ++k) {
      const double px = topo_.coords[2 * k];
      const double py = topo_.coords[2 * k + 1];
      if (quantized_) {
        x += px;
        y += py;
        out.push_back(
            {y * topo_.scale[1] + topo_.translate[1], x * topo_.scale[0] + topo_.translate[0]});
      } else {
        out.push_back({py, px});
      }
    }
    return out;
  }

  const Topology& topo_;
  const std::string& file_;
  bool quantized_ = false;
};

Result<geo::Polygon> make_polygon(const Stitcher& s, const Nested& rings,
                                  const std::string& field) {
  geo::Polygon poly;
  if (!rings.values.empty()) return fail_at("", 0, field, "anneau attendu");
  for (std::size_t r = 0; r < rings.children.size(); ++r) {
    if (!rings.children[r].children.empty()) return fail_at("", 0, field, "anneau attendu");
    Result<geo::Ring> ring = s.ring(rings.children[r].values, field);
    if (!ring) return tl::unexpected(ring.error());
    if (ring->size() < 4) continue;  // a degenerate ring carries no area
    if (r == 0) {
      poly.outer = std::move(*ring);
    } else {
      poly.holes.push_back(std::move(*ring));
    }
  }
  return poly;
}

}  // namespace

Result<std::map<std::string, geo::MultiPolygon>> decode_topojson(
    std::string_view text, const std::string& file, std::string_view object,
    const std::set<std::string, std::less<>>& wanted) {
  Topology topo;
  TextPosition position;
  TopoSax sax(topo, object, file, &position.line);
  const LineCountingIterator begin(text.data(), &position);
  const LineCountingIterator end(text.data() + text.size(), &position);
  if (!json::sax_parse(begin, end, &sax)) {
    if (!sax.error()) return tl::unexpected(sax.error().error());
    return fail_at(file, position.line, "", "JSON invalide");
  }
  if (topo.type != "Topology") {
    return fail_at(file, 0, "type", "« Topology » attendu, trouvé « " + topo.type + " »");
  }
  if (!(topo.scale.empty() && topo.translate.empty()) &&
      !(topo.scale.size() == 2 && topo.translate.size() == 2)) {
    return fail_at(file, 0, "transform", "scale et translate doivent avoir deux nombres");
  }
  const Stitcher stitcher(topo, file);
  std::map<std::string, geo::MultiPolygon> out;
  for (const Geometry& g : topo.geometries) {
    std::string key;
    if (wanted.empty() && !g.id.empty()) {
      key = g.id;
    } else if (!g.id.empty() && wanted.count(g.id) != 0) {
      key = g.id;
    } else if (!g.name.empty() && wanted.count(g.name) != 0) {
      key = g.name;
    } else {
      continue;
    }
    const std::string field =
        "objects." + std::string(object) + ".geometries[" + std::to_string(g.item) + "].arcs";
    auto with_file = [&](Error e) {
      e.file = file;
      e.line = g.line;
      return tl::unexpected(std::move(e));
    };
    Nested root;
    std::size_t pos = 0;
    if (g.arcs.empty() || !parse_nested(g.arcs, pos, root, 0) || pos != g.arcs.size()) {
      return fail_at(file, g.line, field, "tableau d'arcs mal formé");
    }
    geo::MultiPolygon multi;
    if (g.type == "Polygon") {
      Result<geo::Polygon> p = make_polygon(stitcher, root, field);
      if (!p) return with_file(p.error());
      if (!p->outer.empty()) multi.push_back(std::move(*p));
    } else if (g.type == "MultiPolygon") {
      if (!root.values.empty()) return fail_at(file, g.line, field, "polygone attendu");
      for (const Nested& part : root.children) {
        Result<geo::Polygon> p = make_polygon(stitcher, part, field);
        if (!p) return with_file(p.error());
        if (!p->outer.empty()) multi.push_back(std::move(*p));
      }
    } else {
      return fail_at(
          file, g.line,
          "objects." + std::string(object) + ".geometries[" + std::to_string(g.item) + "].type",
          "Polygon ou MultiPolygon attendu, trouvé « " + g.type + " »");
    }
    auto& slot = out[key];
    slot.insert(slot.end(), std::make_move_iterator(multi.begin()),
                std::make_move_iterator(multi.end()));
  }
  return out;
}

}  // namespace maillage::refdata
