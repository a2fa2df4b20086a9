// Readers of @etalab/decoupage-administratif (communes, EPCI, départements, régions).
#include <algorithm>

#include "common/try.hpp"
#include "refdata/json_stream.hpp"
#include "refdata/packages.hpp"

namespace maillage::refdata {
namespace {

using detail::JsonField;
using detail::JsonRecord;

std::string where(const JsonRecord& r, std::string_view path) {
  return "[" + std::to_string(r.item) + "]." + std::string(path);
}

class Fields {
 public:
  Fields(const JsonRecord& r, const std::string& file) : r_(r), file_(file) {}

  [[nodiscard]] Result<std::string> text(std::string_view path) const {
    const JsonField* f = r_.find(path);
    if (f == nullptr) return fail_at(file_, r_.line, where(r_, path), "champ obligatoire manquant");
    const auto* s = std::get_if<std::string>(&f->value);
    if (s == nullptr) return fail_at(file_, f->line, where(r_, path), "une chaîne est attendue");
    if (s->empty()) return fail_at(file_, f->line, where(r_, path), "valeur vide");
    return *s;
  }
  // A code of `size` characters made of digits and, where allowed, letters (Corse "2A").
  [[nodiscard]] Result<std::string> code(std::string_view path, std::size_t min_size,
                                         std::size_t max_size) const {
    Result<std::string> s = text(path);
    if (!s) return s;
    const bool ok = s->size() >= min_size && s->size() <= max_size &&
                    std::all_of(s->begin(), s->end(), [](char c) {
                      return (c >= '0' && c <= '9') || c == 'A' || c == 'B';
                    });
    if (!ok) {
      return fail_at(file_, r_.find(path)->line, where(r_, path), "code invalide « " + *s + " »");
    }
    return s;
  }
  // A non-negative integer; 0 when the field is absent (TAAF communes have no population).
  [[nodiscard]] Result<std::int64_t> count(std::string_view path) const {
    const JsonField* f = r_.find(path);
    if (f == nullptr || std::holds_alternative<std::nullptr_t>(f->value)) return 0;
    const auto* v = std::get_if<std::int64_t>(&f->value);
    if (v == nullptr || *v < 0) {
      return fail_at(file_, f->line, where(r_, path), "un entier positif est attendu");
    }
    return *v;
  }
  // Every string at `path` (an array of strings), each checked by `valid`.
  template <class Valid>
  [[nodiscard]] Result<std::vector<std::string>> list(std::string_view path, Valid valid) const {
    std::vector<std::string> out;
    std::size_t k = 0;
    for (const JsonField& f : r_.fields) {
      if (f.path != path) continue;
      const std::string field = where(r_, path.substr(0, path.find("[]") + 1)) +
                                std::to_string(k++) + "]" +
                                std::string(path.substr(path.find("[]") + 2));
      const auto* s = std::get_if<std::string>(&f.value);
      if (s == nullptr) return fail_at(file_, f.line, field, "une chaîne est attendue");
      if (!valid(*s)) return fail_at(file_, f.line, field, "valeur invalide « " + *s + " »");
      out.push_back(*s);
    }
    return out;
  }
  [[nodiscard]] Error error(std::string_view path, std::string message) const {
    const JsonField* f = r_.find(path);
    return Error{ErrorCode::parse_error, std::move(message), where(r_, path), file_,
                 f != nullptr ? f->line : r_.line};
  }

 private:
  const JsonRecord& r_;
  const std::string& file_;
};

bool is_postcode(const std::string& s) {
  return s.size() == 5 &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_commune_code(const std::string& s) {
  return s.size() == 5 && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= '0' && c <= '9') || c == 'A' || c == 'B';
         });
}

}  // namespace

Result<std::vector<geo::CommuneRecord>> parse_communes(std::string_view text,
                                                       const std::string& file) {
  std::vector<geo::CommuneRecord> out;
  const Status s = detail::for_each_record(text, file, [&](const JsonRecord& r) -> Status {
    const Fields f(r, file);
    auto type = MAILLAGE_TRY(f.text("type"));
    const bool arrondissement = type == "arrondissement-municipal";
    if (type == "commune-deleguee" || type == "commune-associee") return {};
    if (type != "commune-actuelle" && !arrondissement) {
      return tl::unexpected(f.error("type", "type de commune inconnu « " + type + " »"));
    }
    geo::CommuneRecord c;
    c.item = r.item;
    c.arrondissement = arrondissement;
    auto code = MAILLAGE_TRY(f.code("code", 5, 5));
    auto nom = MAILLAGE_TRY(f.text("nom"));
    auto departement = MAILLAGE_TRY(f.code("departement", 2, 3));
    auto region = MAILLAGE_TRY(f.code("region", 2, 3));
    auto zone = MAILLAGE_TRY(f.text("zone"));
    if (zone != "metro" && zone != "drom" && zone != "com") {
      return tl::unexpected(f.error("zone", "zone inconnue « " + zone + " »"));
    }
    auto population = MAILLAGE_TRY(f.count("population"));
    auto postcodes = MAILLAGE_TRY(f.list("codesPostaux[]", is_postcode));
    auto former = MAILLAGE_TRY(f.list("anciensCodes[]", is_commune_code));
    if (arrondissement) {
      auto parent = MAILLAGE_TRY(f.code("commune", 5, 5));
      c.parent = std::move(parent);
    }
    c.code = std::move(code);
    c.nom = std::move(nom);
    c.departement = std::move(departement);
    c.region = std::move(region);
    c.zone = std::move(zone);
    c.population = population;
    c.postcodes = std::move(postcodes);
    c.former_codes = std::move(former);
    out.push_back(std::move(c));
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return out;
}

Result<std::vector<geo::EpciRecord>> parse_epcis(std::string_view text, const std::string& file) {
  std::vector<geo::EpciRecord> out;
  const Status s = detail::for_each_record(text, file, [&](const JsonRecord& r) -> Status {
    const Fields f(r, file);
    geo::EpciRecord e;
    e.item = r.item;
    auto code = MAILLAGE_TRY(f.code("code", 9, 9));
    auto nom = MAILLAGE_TRY(f.text("nom"));
    auto type = MAILLAGE_TRY(f.text("type"));
    auto members = MAILLAGE_TRY(f.list("membres[].code", is_commune_code));
    if (members.empty()) {
      return tl::unexpected(f.error("membres", "un EPCI doit avoir au moins un membre"));
    }
    e.code = std::move(code);
    e.nom = std::move(nom);
    e.type = std::move(type);
    e.members = std::move(members);
    out.push_back(std::move(e));
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return out;
}

Result<std::vector<geo::DepartementRecord>> parse_departements(std::string_view text,
                                                               const std::string& file) {
  std::vector<geo::DepartementRecord> out;
  const Status s = detail::for_each_record(text, file, [&](const JsonRecord& r) -> Status {
    const Fields f(r, file);
    auto code = MAILLAGE_TRY(f.code("code", 2, 3));
    auto nom = MAILLAGE_TRY(f.text("nom"));
    auto region = MAILLAGE_TRY(f.code("region", 2, 3));
    auto zone = MAILLAGE_TRY(f.text("zone"));
    out.push_back({std::move(code), std::move(nom), std::move(region), std::move(zone), r.item});
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return out;
}

Result<std::vector<geo::RegionRecord>> parse_regions(std::string_view text,
                                                     const std::string& file) {
  std::vector<geo::RegionRecord> out;
  const Status s = detail::for_each_record(text, file, [&](const JsonRecord& r) -> Status {
    const Fields f(r, file);
    auto code = MAILLAGE_TRY(f.code("code", 2, 3));
    auto nom = MAILLAGE_TRY(f.text("nom"));
    out.push_back({std::move(code), std::move(nom), r.item});
    return {};
  });
  if (!s) return tl::unexpected(s.error());
  return out;
}

}  // namespace maillage::refdata
