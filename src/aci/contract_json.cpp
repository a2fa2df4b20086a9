// Contract files (JSON) → CptsContract / MspContract. nlohmann/json gives no position for values,
// so the parse runs over an iterator that counts lines and a callback records the line of every
// field path: errors found later, when validating, still name their line.
#include <cmath>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "aci/contract.hpp"
#include "common/line_counting_iterator.hpp"

namespace maillage::aci {

namespace {

using nlohmann::json;

constexpr std::string_view kFormat = "maillage-aci-contract/1";

struct Frame {
  bool array = false;
  std::size_t index = 0;
  std::string path;
  std::string key;
  std::set<std::string> keys;
};

std::string element_path(const std::vector<Frame>& stack) {
  if (stack.empty()) return "";
  const Frame& f = stack.back();
  if (f.array) return f.path + "[" + std::to_string(f.index) + "]";
  return f.path.empty() ? f.key : f.path + "." + f.key;
}

struct Document {
  json root;
  std::map<std::string, std::int64_t> lines;
  std::string duplicate;  // first duplicated key, if any
  std::int64_t duplicate_line = 0;

  // Line of a field, or of its closest enclosing field that exists (for missing fields).
  std::int64_t line_of(std::string_view field) const {
    std::string f(field);
    while (true) {
      if (auto it = lines.find(f); it != lines.end()) return it->second;
      auto cut = f.find_last_of(".[");
      if (f.empty()) return 1;
      f.resize(cut == std::string::npos ? 0 : cut);
    }
  }
};

// Contract files nest about 6 levels; a bound keeps path tracking linear on hostile input.
constexpr int kMaxDepth = 32;
struct TooDeep {};

Result<Document> read_json(std::string_view text, const std::string& file) {
  Document doc;
  TextPosition state;
  std::vector<Frame> stack;
  json::parser_callback_t cb = [&](int depth, json::parse_event_t event, json& parsed) {
    if (depth > kMaxDepth) throw TooDeep{};
    switch (event) {
      case json::parse_event_t::object_start:
      case json::parse_event_t::array_start: {
        std::string p = element_path(stack);
        doc.lines.emplace(p, state.last_content_line);
        stack.push_back({event == json::parse_event_t::array_start, 0, p, "", {}});
        break;
      }
      case json::parse_event_t::key: {
        Frame& f = stack.back();
        f.key = parsed.get<std::string>();
        if (!f.keys.insert(f.key).second && doc.duplicate.empty()) {
          doc.duplicate = element_path(stack);
          doc.duplicate_line = state.last_content_line;
        }
        doc.lines.emplace(element_path(stack), state.last_content_line);
        break;
      }
      case json::parse_event_t::value:
        doc.lines.emplace(element_path(stack), state.last_content_line);
        if (!stack.empty() && stack.back().array) ++stack.back().index;
        break;
      case json::parse_event_t::object_end:
      case json::parse_event_t::array_end:
        stack.pop_back();
        if (!stack.empty() && stack.back().array) ++stack.back().index;
        break;
    }
    return true;
  };
  try {
    doc.root = json::parse(LineCountingIterator(text.data(), &state),
                           LineCountingIterator(text.data() + text.size(), &state), cb);
  } catch (const TooDeep&) {
    return tl::unexpected(
        Error{ErrorCode::invalid_json,
              "JSON trop imbriqué (plus de " + std::to_string(kMaxDepth) + " niveaux)", "", file,
              state.last_content_line});
  } catch (const json::parse_error& e) {
    std::string what = e.what();
    // "[json.exception.parse_error.101] parse error at line 3, column 5: syntax error ...":
    // keep the explanation, the position goes into the error's line.
    if (auto col = what.find("column"); col != std::string::npos) {
      if (auto colon = what.find(": ", col); colon != std::string::npos) {
        what = what.substr(colon + 2);
      }
    }
    std::int64_t line = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) line += text[i] == '\n';
    return tl::unexpected(
        Error{ErrorCode::invalid_json, "JSON invalide : " + what, "", file, line});
  } catch (const json::exception&) {
    // e.g. out_of_range.406 for a number like 5e5555 that no double holds (found by the fuzzer).
    return tl::unexpected(Error{ErrorCode::invalid_json,
                                "JSON invalide : nombre hors des limites représentables", "", file,
                                state.last_content_line});
  }
  if (!doc.duplicate.empty()) {
    return tl::unexpected(Error{ErrorCode::invalid_input, "champ en double", doc.duplicate, file,
                                doc.duplicate_line});
  }
  return doc;
}

std::string json_type(const json& j) {
  switch (j.type()) {
    case json::value_t::object:
      return "objet";
    case json::value_t::array:
      return "tableau";
    case json::value_t::string:
      return "texte";
    case json::value_t::boolean:
      return "booléen";
    case json::value_t::null:
      return "null";
    default:
      return "nombre";
  }
}

// Typed access to fields of a parsed document; errors name the file, line and field path.
class Reader {
 public:
  Reader(const Document& doc, std::string file) : doc_(doc), file_(std::move(file)) {}

  tl::unexpected<Error> error(const std::string& field, std::string msg,
                              ErrorCode code = ErrorCode::invalid_input) const {
    return tl::unexpected(Error{code, std::move(msg), field, file_, doc_.line_of(field)});
  }

  static std::string join(const std::string& path, std::string_view key) {
    return path.empty() ? std::string(key) : path + "." + std::string(key);
  }

  Status object(const json& j, const std::string& path,
                std::initializer_list<std::string_view> allowed) const {
    if (!j.is_object()) {
      return error(path, "objet attendu, trouvé : " + json_type(j), ErrorCode::wrong_type);
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
      bool ok = false;
      for (auto a : allowed) ok = ok || it.key() == a;
      if (!ok) {
        return error(join(path, it.key()), "champ inconnu « " + it.key() + " »",
                     ErrorCode::unknown_field);
      }
    }
    return {};
  }

  const json* get(const json& obj, std::string_view key) const {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }

  Result<const json*> require(const json& obj, std::string_view key,
                              const std::string& path) const {
    if (const json* j = get(obj, key)) return j;
    return error(join(path, key), "champ obligatoire manquant", ErrorCode::missing_field);
  }

  Result<std::string> string(const json& j, const std::string& field) const {
    if (!j.is_string()) {
      return error(field, "texte attendu, trouvé : " + json_type(j), ErrorCode::wrong_type);
    }
    // The JSON reader refuses bytes that are not UTF-8; a NUL written "\u0000" is refused here.
    std::string text = j.get<std::string>();
    if (text.find('\0') != std::string::npos) {
      return error(field, "caractère nul (\\u0000) refusé dans un texte", ErrorCode::invalid_input);
    }
    return text;
  }

  Result<std::string> req_string(const json& obj, std::string_view key,
                                 const std::string& path) const {
    auto j = require(obj, key, path);
    if (!j) return tl::unexpected(j.error());
    auto s = string(**j, join(path, key));
    if (s && s->empty()) return error(join(path, key), "valeur vide", ErrorCode::missing_field);
    return s;
  }

  Status opt_string(const json& obj, std::string_view key, const std::string& path,
                    std::string& out) const {
    if (const json* j = get(obj, key)) {
      auto s = string(*j, join(path, key));
      if (!s) return tl::unexpected(s.error());
      out = *s;
    }
    return {};
  }

  Result<Date> date(const json& j, const std::string& field) const {
    auto s = string(j, field);
    if (!s) return tl::unexpected(s.error());
    if (auto d = parse_date(*s)) return *d;
    return error(field, "date invalide « " + *s + " » (format AAAA-MM-JJ)");
  }

  Result<Date> req_date(const json& obj, std::string_view key, const std::string& path) const {
    auto j = require(obj, key, path);
    if (!j) return tl::unexpected(j.error());
    return date(**j, join(path, key));
  }

  Status opt_date(const json& obj, std::string_view key, const std::string& path,
                  std::optional<Date>& out) const {
    if (const json* j = get(obj, key)) {
      auto d = date(*j, join(path, key));
      if (!d) return tl::unexpected(d.error());
      out = *d;
    }
    return {};
  }

  // Integer or decimal number, e.g. 17500 or "17500.50" or 17500.5 (at most two decimals).
  Result<Cents> money(const json& j, const std::string& field) const {
    std::optional<Cents> c;
    if (j.is_number_integer()) {
      // Unsigned values above the signed range would wrap: compare as unsigned first.
      if (j.is_number_unsigned() &&
          j.get<std::uint64_t>() > static_cast<std::uint64_t>(kMaxCents / 100)) {
        return error(field, "montant trop grand");
      }
      std::int64_t euros = j.get<std::int64_t>();
      if (euros < 0) return error(field, "montant négatif : " + std::to_string(euros));
      if (euros > kMaxCents / 100) return error(field, "montant trop grand");
      c = euros * 100;
    } else if (j.is_number_float()) {
      // The shortest text that reads back as the same double: "17500.5" → 1 750 050 cents.
      c = parse_cents(j.dump());
    } else if (j.is_string()) {
      c = parse_cents(j.get<std::string>());
    } else {
      return error(field, "montant attendu, trouvé : " + json_type(j), ErrorCode::wrong_type);
    }
    if (!c) {
      return error(field, "montant invalide (euros, au plus deux décimales) : " + j.dump());
    }
    if (*c < 0) return error(field, "montant négatif : " + format_euros(*c));
    return *c;
  }

  Status opt_money(const json& obj, std::string_view key, const std::string& path,
                   std::optional<Cents>& out) const {
    if (const json* j = get(obj, key)) {
      auto c = money(*j, join(path, key));
      if (!c) return tl::unexpected(c.error());
      out = *c;
    }
    return {};
  }

  Result<std::int64_t> integer(const json& j, const std::string& field, std::int64_t min,
                               std::int64_t max) const {
    if (!j.is_number_integer()) {
      return error(field, "entier attendu, trouvé : " + json_type(j), ErrorCode::wrong_type);
    }
    if (j.is_number_unsigned() && j.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
      return error(
          field, "valeur hors limites (" + std::to_string(min) + " à " + std::to_string(max) + ")");
    }
    std::int64_t v = j.get<std::int64_t>();
    if (v < min || v > max) {
      return error(field, "valeur hors limites (" + std::to_string(min) + " à " +
                              std::to_string(max) + ") : " + std::to_string(v));
    }
    return v;
  }

  Result<int> req_year(const json& obj, const std::string& path, int min, int max) const {
    auto j = require(obj, "year", path);
    if (!j) return tl::unexpected(j.error());
    auto v = integer(**j, join(path, "year"), min, max);
    if (!v) return tl::unexpected(v.error());
    return static_cast<int>(*v);
  }

  Result<double> number(const json& j, const std::string& field) const {
    if (!j.is_number()) {
      return error(field, "nombre attendu, trouvé : " + json_type(j), ErrorCode::wrong_type);
    }
    double v = j.get<double>();
    if (!std::isfinite(v)) return error(field, "nombre non fini");
    return v;
  }

  Result<Ppm> percent(const json& j, const std::string& field) const {
    auto v = number(j, field);
    if (!v) return tl::unexpected(v.error());
    if (*v < 0 || *v > 100) return error(field, "pourcentage entre 0 et 100 attendu");
    return percent_to_ppm(*v);
  }

  Result<const json*> array(const json& obj, std::string_view key, const std::string& path) const {
    const json* j = get(obj, key);
    if (!j) return nullptr;
    if (!j->is_array()) {
      return error(join(path, key), "tableau attendu, trouvé : " + json_type(*j),
                   ErrorCode::wrong_type);
    }
    return j;
  }

  Result<Party> party(const json& parties, std::string_view key, const std::string& path) const {
    auto j = require(parties, key, path);
    if (!j) return tl::unexpected(j.error());
    std::string p = join(path, key);
    if (auto ok = object(**j, p, {"name", "finess", "rna", "siret"}); !ok) {
      return tl::unexpected(ok.error());
    }
    Party out;
    auto name = req_string(**j, "name", p);
    if (!name) return tl::unexpected(name.error());
    out.name = *name;
    for (auto [field, target] : {std::pair{"finess", &out.finess}, std::pair{"rna", &out.rna},
                                 std::pair{"siret", &out.siret}}) {
      if (auto ok = opt_string(**j, field, p, *target); !ok) return tl::unexpected(ok.error());
    }
    return out;
  }

  Result<Parties> parties(const json& root, std::string_view structure) const {
    auto j = require(root, "parties", "");
    if (!j) return tl::unexpected(j.error());
    if (auto ok = object(**j, "parties", {structure, "cpam", "ars"}); !ok) {
      return tl::unexpected(ok.error());
    }
    Parties out;
    auto s = party(**j, structure, "parties");
    if (!s) return tl::unexpected(s.error());
    auto cpam = party(**j, "cpam", "parties");
    if (!cpam) return tl::unexpected(cpam.error());
    auto ars = party(**j, "ars", "parties");
    if (!ars) return tl::unexpected(ars.error());
    out.structure = *s;
    out.cpam = *cpam;
    out.ars = *ars;
    return out;
  }

  Result<Indicator> indicator(const json& j, const std::string& p) const {
    if (auto ok = object(j, p,
                         {"id", "definition", "unit", "weight", "baseline", "direction", "method",
                          "palier_rates", "years"});
        !ok) {
      return tl::unexpected(ok.error());
    }
    Indicator ind;
    auto id = req_string(j, "id", p);
    if (!id) return tl::unexpected(id.error());
    ind.id = *id;
    if (auto ok = opt_string(j, "definition", p, ind.definition); !ok) {
      return tl::unexpected(ok.error());
    }
    if (auto ok = opt_string(j, "unit", p, ind.unit); !ok) return tl::unexpected(ok.error());
    if (const json* w = get(j, "weight")) {
      auto v = number(*w, join(p, "weight"));
      if (!v) return tl::unexpected(v.error());
      ind.weight = *v;
    }
    auto base = require(j, "baseline", p);
    if (!base) return tl::unexpected(base.error());
    auto bv = number(**base, join(p, "baseline"));
    if (!bv) return tl::unexpected(bv.error());
    ind.baseline = *bv;
    if (const json* d = get(j, "direction")) {
      auto s = string(*d, join(p, "direction"));
      if (!s) return tl::unexpected(s.error());
      if (*s == "increase") {
        ind.direction = Direction::increase;
      } else if (*s == "decrease") {
        ind.direction = Direction::decrease;
      } else {
        return error(join(p, "direction"), "sens inconnu « " + *s + " » (increase ou decrease)");
      }
    }
    if (const json* m = get(j, "method")) {
      auto s = string(*m, join(p, "method"));
      if (!s) return tl::unexpected(s.error());
      if (*s == "linear") {
        ind.method = AchievementMethod::linear;
      } else if (*s == "paliers") {
        ind.method = AchievementMethod::paliers;
      } else {
        return error(join(p, "method"), "méthode inconnue « " + *s + " » (linear ou paliers)");
      }
    }
    auto rates = array(j, "palier_rates", p);
    if (!rates) return tl::unexpected(rates.error());
    if (*rates) {
      for (std::size_t i = 0; i < (*rates)->size(); ++i) {
        auto r = percent((**rates)[i], join(p, "palier_rates") + "[" + std::to_string(i) + "]");
        if (!r) return tl::unexpected(r.error());
        ind.palier_rates.push_back(*r);
      }
    }
    auto years = array(j, "years", p);
    if (!years) return tl::unexpected(years.error());
    if (*years) {
      for (std::size_t i = 0; i < (*years)->size(); ++i) {
        const json& y = (**years)[i];
        std::string py = join(p, "years") + "[" + std::to_string(i) + "]";
        if (auto ok = object(y, py, {"year", "paliers", "measured", "evidence"}); !ok) {
          return tl::unexpected(ok.error());
        }
        IndicatorYear iy;
        auto year = req_year(y, py, 1, 100);
        if (!year) return tl::unexpected(year.error());
        iy.year = *year;
        auto paliers = array(y, "paliers", py);
        if (!paliers) return tl::unexpected(paliers.error());
        if (!*paliers) {
          return error(join(py, "paliers"), "champ obligatoire manquant", ErrorCode::missing_field);
        }
        for (std::size_t k = 0; k < (*paliers)->size(); ++k) {
          auto v = number((**paliers)[k], join(py, "paliers") + "[" + std::to_string(k) + "]");
          if (!v) return tl::unexpected(v.error());
          iy.paliers.push_back(*v);
        }
        if (const json* m = get(y, "measured"); m && !m->is_null()) {
          auto v = number(*m, join(py, "measured"));
          if (!v) return tl::unexpected(v.error());
          iy.measured = *v;
        }
        auto evidence = array(y, "evidence", py);
        if (!evidence) return tl::unexpected(evidence.error());
        if (*evidence) {
          for (std::size_t k = 0; k < (*evidence)->size(); ++k) {
            auto s = string((**evidence)[k], join(py, "evidence") + "[" + std::to_string(k) + "]");
            if (!s) return tl::unexpected(s.error());
            iy.evidence.push_back(*s);
          }
        }
        ind.years.push_back(std::move(iy));
      }
    }
    return ind;
  }

  Result<ContractMission> mission(const json& j, const std::string& p) const {
    if (auto ok = object(j, p,
                         {"mission", "start", "deployed", "start_deadline", "deploy_deadline",
                          "amounts", "indicators"});
        !ok) {
      return tl::unexpected(ok.error());
    }
    ContractMission m;
    auto id = req_string(j, "mission", p);
    if (!id) return tl::unexpected(id.error());
    m.mission = *id;
    for (auto [key, target] : {std::pair{"start", &m.start}, std::pair{"deployed", &m.deployed},
                               std::pair{"start_deadline", &m.start_deadline},
                               std::pair{"deploy_deadline", &m.deploy_deadline}}) {
      if (auto ok = opt_date(j, key, p, *target); !ok) return tl::unexpected(ok.error());
    }
    if (const json* a = get(j, "amounts")) {
      std::string pa = join(p, "amounts");
      if (auto ok = object(*a, pa, {"fixed", "variable", "by_year"}); !ok) {
        return tl::unexpected(ok.error());
      }
      if (auto ok = opt_money(*a, "fixed", pa, m.fixed); !ok) return tl::unexpected(ok.error());
      if (auto ok = opt_money(*a, "variable", pa, m.variable); !ok) {
        return tl::unexpected(ok.error());
      }
      auto by_year = array(*a, "by_year", pa);
      if (!by_year) return tl::unexpected(by_year.error());
      if (*by_year) {
        for (std::size_t i = 0; i < (*by_year)->size(); ++i) {
          const json& y = (**by_year)[i];
          std::string py = join(pa, "by_year") + "[" + std::to_string(i) + "]";
          if (auto ok = object(y, py, {"year", "fixed", "variable"}); !ok) {
            return tl::unexpected(ok.error());
          }
          YearAmounts ya;
          auto year = req_year(y, py, 1, 100);
          if (!year) return tl::unexpected(year.error());
          ya.year = *year;
          if (auto ok = opt_money(y, "fixed", py, ya.fixed); !ok) return tl::unexpected(ok.error());
          if (auto ok = opt_money(y, "variable", py, ya.variable); !ok) {
            return tl::unexpected(ok.error());
          }
          m.by_year.push_back(ya);
        }
      }
    }
    auto indicators = array(j, "indicators", p);
    if (!indicators) return tl::unexpected(indicators.error());
    if (*indicators) {
      for (std::size_t i = 0; i < (*indicators)->size(); ++i) {
        auto ind =
            indicator((**indicators)[i], join(p, "indicators") + "[" + std::to_string(i) + "]");
        if (!ind) return tl::unexpected(ind.error());
        m.indicators.push_back(std::move(*ind));
      }
    }
    return m;
  }

  Result<CptsContract> cpts(const json& root) const {
    if (auto ok =
            object(root, "",
                   {"format", "id", "accord", "parties", "signature", "size_class", "population",
                    "duration_years", "avenants", "amendments", "lettre_intention", "amounts",
                    "missions"});
        !ok) {
      return tl::unexpected(ok.error());
    }
    CptsContract c;
    auto id = req_string(root, "id", "");
    if (!id) return tl::unexpected(id.error());
    c.id = *id;
    c.accord = root["accord"].get<std::string>();
    auto parties_ = parties(root, "cpts");
    if (!parties_) return tl::unexpected(parties_.error());
    c.parties = *parties_;
    auto sig = req_date(root, "signature", "");
    if (!sig) return tl::unexpected(sig.error());
    c.signature = *sig;
    auto size = req_string(root, "size_class", "");
    if (!size) return tl::unexpected(size.error());
    c.size_class = *size;
    if (const json* pop = get(root, "population")) {
      auto v = integer(*pop, "population", 0, 100'000'000);
      if (!v) return tl::unexpected(v.error());
      c.population = *v;
    }
    if (const json* d = get(root, "duration_years")) {
      auto v = integer(*d, "duration_years", 1, 20);
      if (!v) return tl::unexpected(v.error());
      c.duration_years = static_cast<int>(*v);
    }
    auto avenants = array(root, "avenants", "");
    if (!avenants) return tl::unexpected(avenants.error());
    if (*avenants) {
      for (std::size_t i = 0; i < (*avenants)->size(); ++i) {
        const json& a = (**avenants)[i];
        std::string pa = "avenants[" + std::to_string(i) + "]";
        if (auto ok = object(a, pa, {"accord", "from"}); !ok) return tl::unexpected(ok.error());
        AccordChange ch;
        auto acc = req_string(a, "accord", pa);
        if (!acc) return tl::unexpected(acc.error());
        ch.accord = *acc;
        auto from = req_date(a, "from", pa);
        if (!from) return tl::unexpected(from.error());
        ch.from = *from;
        c.avenants.push_back(ch);
      }
    }
    auto amendments = array(root, "amendments", "");
    if (!amendments) return tl::unexpected(amendments.error());
    if (*amendments) {
      for (std::size_t i = 0; i < (*amendments)->size(); ++i) {
        const json& a = (**amendments)[i];
        std::string pa = "amendments[" + std::to_string(i) + "]";
        if (auto ok = object(a, pa, {"from", "size_class", "missions", "reason"}); !ok) {
          return tl::unexpected(ok.error());
        }
        ContractAmendment am;
        auto from = req_date(a, "from", pa);
        if (!from) return tl::unexpected(from.error());
        am.from = *from;
        if (get(a, "size_class")) {
          auto sc = req_string(a, "size_class", pa);
          if (!sc) return tl::unexpected(sc.error());
          am.size_class = *sc;
        }
        auto missions = array(a, "missions", pa);
        if (!missions) return tl::unexpected(missions.error());
        if (*missions) {
          for (std::size_t k = 0; k < (*missions)->size(); ++k) {
            auto m = string((**missions)[k], pa + ".missions[" + std::to_string(k) + "]");
            if (!m) return tl::unexpected(m.error());
            am.missions.push_back(*m);
          }
        }
        if (auto ok = opt_string(a, "reason", pa, am.reason); !ok) {
          return tl::unexpected(ok.error());
        }
        c.amendments.push_back(std::move(am));
      }
    }
    if (auto ok = opt_date(root, "lettre_intention", "", c.lettre_intention); !ok) {
      return tl::unexpected(ok.error());
    }
    if (const json* a = get(root, "amounts")) {
      if (auto ok =
              object(*a, "amounts",
                     {"amorcage", "fonctionnement", "lettre_intention", "fonctionnement_by_year"});
          !ok) {
        return tl::unexpected(ok.error());
      }
      if (auto ok = opt_money(*a, "amorcage", "amounts", c.amorcage); !ok) {
        return tl::unexpected(ok.error());
      }
      if (auto ok = opt_money(*a, "fonctionnement", "amounts", c.fonctionnement); !ok) {
        return tl::unexpected(ok.error());
      }
      if (auto ok = opt_money(*a, "lettre_intention", "amounts", c.lettre_intention_amount); !ok) {
        return tl::unexpected(ok.error());
      }
      auto by_year = array(*a, "fonctionnement_by_year", "amounts");
      if (!by_year) return tl::unexpected(by_year.error());
      if (*by_year) {
        for (std::size_t i = 0; i < (*by_year)->size(); ++i) {
          const json& y = (**by_year)[i];
          std::string py = "amounts.fonctionnement_by_year[" + std::to_string(i) + "]";
          if (auto ok = object(y, py, {"year", "amount"}); !ok) return tl::unexpected(ok.error());
          auto year = req_year(y, py, 1, 100);
          if (!year) return tl::unexpected(year.error());
          auto amount = require(y, "amount", py);
          if (!amount) return tl::unexpected(amount.error());
          auto cents = money(**amount, join(py, "amount"));
          if (!cents) return tl::unexpected(cents.error());
          c.fonctionnement_by_year.push_back({*year, *cents});
        }
      }
    }
    auto missions = array(root, "missions", "");
    if (!missions) return tl::unexpected(missions.error());
    if (*missions) {
      for (std::size_t i = 0; i < (*missions)->size(); ++i) {
        auto m = mission((**missions)[i], "missions[" + std::to_string(i) + "]");
        if (!m) return tl::unexpected(m.error());
        c.missions.push_back(std::move(*m));
      }
    }
    return c;
  }

  Result<MspContract> msp(const json& root) const {
    if (auto ok = object(root, "",
                         {"format", "id", "accord", "parties", "signature", "duration_years",
                          "years", "indicators"});
        !ok) {
      return tl::unexpected(ok.error());
    }
    MspContract c;
    auto id = req_string(root, "id", "");
    if (!id) return tl::unexpected(id.error());
    c.id = *id;
    c.accord = root["accord"].get<std::string>();
    auto parties_ = parties(root, "msp");
    if (!parties_) return tl::unexpected(parties_.error());
    c.parties = *parties_;
    auto sig = req_date(root, "signature", "");
    if (!sig) return tl::unexpected(sig.error());
    c.signature = *sig;
    if (const json* d = get(root, "duration_years")) {
      auto v = integer(*d, "duration_years", 1, 20);
      if (!v) return tl::unexpected(v.error());
      c.duration_years = static_cast<int>(*v);
    }
    auto years = array(root, "years", "");
    if (!years) return tl::unexpected(years.error());
    if (*years) {
      for (std::size_t i = 0; i < (*years)->size(); ++i) {
        const json& y = (**years)[i];
        std::string py = "years[" + std::to_string(i) + "]";
        if (auto ok = object(y, py, {"year", "patients", "new_structure"}); !ok) {
          return tl::unexpected(ok.error());
        }
        MspYear my;
        auto year = req_year(y, py, 1900, 2200);
        if (!year) return tl::unexpected(year.error());
        my.year = *year;
        auto patients = require(y, "patients", py);
        if (!patients) return tl::unexpected(patients.error());
        auto pv = integer(**patients, join(py, "patients"), 0, 10'000'000);
        if (!pv) return tl::unexpected(pv.error());
        my.patients = *pv;
        if (const json* ns = get(y, "new_structure")) {
          if (!ns->is_boolean()) {
            return error(join(py, "new_structure"), "booléen attendu", ErrorCode::wrong_type);
          }
          my.new_structure = ns->get<bool>();
        }
        c.years.push_back(my);
      }
    }
    auto indicators = array(root, "indicators", "");
    if (!indicators) return tl::unexpected(indicators.error());
    if (*indicators) {
      for (std::size_t i = 0; i < (*indicators)->size(); ++i) {
        const json& j = (**indicators)[i];
        std::string p = "indicators[" + std::to_string(i) + "]";
        if (auto ok = object(j, p,
                             {"id", "definition", "category", "fixed_points", "variable_points",
                              "achievements"});
            !ok) {
          return tl::unexpected(ok.error());
        }
        MspIndicator ind;
        auto iid = req_string(j, "id", p);
        if (!iid) return tl::unexpected(iid.error());
        ind.id = *iid;
        if (auto ok = opt_string(j, "definition", p, ind.definition); !ok) {
          return tl::unexpected(ok.error());
        }
        auto cat = req_string(j, "category", p);
        if (!cat) return tl::unexpected(cat.error());
        if (*cat == "prerequis") {
          ind.category = MspCategory::prerequis;
        } else if (*cat == "socle") {
          ind.category = MspCategory::socle;
        } else if (*cat == "optionnel") {
          ind.category = MspCategory::optionnel;
        } else {
          return error(join(p, "category"),
                       "catégorie inconnue « " + *cat + " » (prerequis, socle ou optionnel)");
        }
        for (auto [key, target] : {std::pair{"fixed_points", &ind.fixed_points},
                                   std::pair{"variable_points", &ind.variable_points}}) {
          if (const json* v = get(j, key)) {
            auto n = integer(*v, join(p, key), 0, 1'000'000);
            if (!n) return tl::unexpected(n.error());
            *target = *n;
          }
        }
        auto ach = array(j, "achievements", p);
        if (!ach) return tl::unexpected(ach.error());
        if (*ach) {
          for (std::size_t k = 0; k < (*ach)->size(); ++k) {
            const json& a = (**ach)[k];
            std::string pa = join(p, "achievements") + "[" + std::to_string(k) + "]";
            if (auto ok = object(a, pa, {"year", "rate"}); !ok) return tl::unexpected(ok.error());
            MspAchievement ma;
            auto year = req_year(a, pa, 1900, 2200);
            if (!year) return tl::unexpected(year.error());
            ma.year = *year;
            auto rate = require(a, "rate", pa);
            if (!rate) return tl::unexpected(rate.error());
            auto r = percent(**rate, join(pa, "rate"));
            if (!r) return tl::unexpected(r.error());
            ma.rate = *r;
            ind.achievements.push_back(ma);
          }
        }
        c.indicators.push_back(std::move(ind));
      }
    }
    return c;
  }

 private:
  const Document& doc_;
  std::string file_;
};

}  // namespace

Result<Contract> parse_contract(std::string_view text, std::string_view file,
                                const RuleBook& rules) {
  std::string name(file);
  auto doc = read_json(text, name);
  if (!doc) return tl::unexpected(doc.error());
  Reader r(*doc, name);
  const json& root = doc->root;
  if (!root.is_object()) {
    return r.error("", "le contrat doit être un objet JSON", ErrorCode::wrong_type);
  }
  if (const json* f = r.get(root, "format")) {
    auto s = r.string(*f, "format");
    if (!s) return tl::unexpected(s.error());
    if (*s != kFormat) {
      return r.error("format", "format « " + *s + " » non pris en charge (attendu « " +
                                   std::string(kFormat) + " »)");
    }
  }
  // The accord decides the kind of contract, hence the fields it may have.
  auto accord_id = r.req_string(root, "accord", "");
  if (!accord_id) return tl::unexpected(accord_id.error());
  const Accord* accord = rules.find(*accord_id);
  if (!accord) {
    std::string ids;
    for (const auto& a : rules.accords) ids += (ids.empty() ? "" : ", ") + a.id;
    return r.error("accord", "accord inconnu « " + *accord_id + " » (versions : " + ids + ")");
  }
  LineOf line_of = [&](std::string_view field) { return doc->line_of(field); };
  if (accord->kind == AccordKind::cpts) {
    auto c = r.cpts(root);
    if (!c) return tl::unexpected(c.error());
    if (auto ok = validate(*c, rules, name, line_of); !ok) return tl::unexpected(ok.error());
    return Contract{std::move(*c)};
  }
  auto c = r.msp(root);
  if (!c) return tl::unexpected(c.error());
  if (auto ok = validate(*c, rules, name, line_of); !ok) return tl::unexpected(ok.error());
  return Contract{std::move(*c)};
}

std::string write_contract_draft(const ContractDraft& d) {
  json doc{{"format", kFormat}, {"id", d.id}, {"accord", d.accord}, {"signature", d.signature}};
  doc["parties"] = {{d.cpts ? "cpts" : "msp", {{"name", d.structure_name}}},
                    {"cpam", {{"name", d.cpam}}},
                    {"ars", {{"name", d.ars}}}};
  if (d.cpts) {
    doc["size_class"] = d.size_class;
    if (d.population) doc["population"] = *d.population;
    json missions = json::array();
    for (const auto& [mission, start] : d.missions) {
      json m{{"mission", mission}};
      if (!start.empty()) m["start"] = start;
      missions.push_back(std::move(m));
    }
    doc["missions"] = std::move(missions);
    if (!d.avenant.empty()) {
      doc["avenants"] = json::array({{{"accord", d.avenant}, {"from", d.avenant_from}}});
    }
  } else {
    json year{{"year", d.first_year}};
    if (d.patients) year["patients"] = *d.patients;
    doc["years"] = json::array({std::move(year)});
    json indicators = json::array();
    for (const auto& i : d.msp_indicators) {
      indicators.push_back({{"id", i.id},
                            {"definition", i.definition},
                            {"category", i.category},
                            {"fixed_points", i.fixed_points},
                            {"variable_points", i.variable_points}});
    }
    doc["indicators"] = std::move(indicators);
  }
  return doc.dump();
}

}  // namespace maillage::aci
