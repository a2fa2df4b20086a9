// Reading rules/aci/*.toml with toml++. A version that `extends` another is built by applying the
// parent's tables first, then its own, so each value keeps the file and line that set it.
#include <toml++/toml.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "aci/rules.hpp"

namespace maillage::aci {

namespace {

constexpr std::string_view kSchema = "maillage-aci-rules/1";

template <class T>
bool is_set(const Sourced<T>& s) {
  return !s.provenance.file.empty();
}

std::int64_t line_of(const toml::node& n) { return n.source().begin.line; }

std::string type_name(const toml::node& n) {
  switch (n.type()) {
    case toml::node_type::table:
      return "table";
    case toml::node_type::array:
      return "tableau";
    case toml::node_type::string:
      return "texte";
    case toml::node_type::integer:
      return "entier";
    case toml::node_type::floating_point:
      return "nombre décimal";
    case toml::node_type::boolean:
      return "booléen";
    case toml::node_type::date:
      return "date";
    default:
      return "valeur";
  }
}

// Reads one file's tables into an Accord. Errors carry the file, the line and the dotted key.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  tl::unexpected<Error> error(const toml::node& n, const std::string& key, std::string msg) const {
    return fail_at(file_, line_of(n), key, std::move(msg));
  }

  Status check_keys(const toml::table& t, const std::string& prefix,
                    std::initializer_list<std::string_view> allowed) const {
    for (auto&& [k, v] : t) {
      bool ok = false;
      for (auto a : allowed) ok = ok || k.str() == a;
      if (!ok) {
        auto e = fail_at(file_, line_of(v), join(prefix, k.str()),
                         "clé inconnue « " + std::string(k.str()) + " »");
        e.value().code = ErrorCode::unknown_field;
        return e;
      }
    }
    return {};
  }

  static std::string join(const std::string& prefix, std::string_view key) {
    return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
  }

  Result<const toml::table*> table(const toml::node& n, const std::string& key) const {
    if (const auto* t = n.as_table()) return t;
    return error(n, key, "table attendue, trouvé : " + type_name(n));
  }

  Result<std::string> string(const toml::node& n, const std::string& key) const {
    if (const auto* s = n.as_string()) return s->get();
    return error(n, key, "texte attendu, trouvé : " + type_name(n));
  }

  Result<std::int64_t> integer(const toml::node& n, const std::string& key, std::int64_t min,
                               std::int64_t max) const {
    const auto* i = n.as_integer();
    if (!i) return error(n, key, "entier attendu, trouvé : " + type_name(n));
    if (i->get() < min || i->get() > max) {
      return error(n, key,
                   "valeur hors limites (" + std::to_string(min) + " à " + std::to_string(max) +
                       ") : " + std::to_string(i->get()));
    }
    return i->get();
  }

  Result<Cents> money(const toml::node& n, const std::string& key) const {
    std::optional<Cents> c;
    if (const auto* i = n.as_integer()) {
      if (i->get() < 0) return error(n, key, "montant négatif");
      if (i->get() <= kMaxCents / 100) c = i->get() * 100;
    } else if (const auto* f = n.as_floating_point()) {
      double x = f->get() * 100.0;
      if (!std::isfinite(x)) return error(n, key, "montant invalide");
      if (x < 0) return error(n, key, "montant négatif");
      double r = std::round(x);
      if (std::fabs(x - r) > 1e-6) return error(n, key, "montant au centime près attendu");
      if (r <= static_cast<double>(kMaxCents)) c = static_cast<Cents>(r);
    } else if (const auto* s = n.as_string()) {
      c = parse_cents(s->get());
      if (c && *c < 0) return error(n, key, "montant négatif");
    } else {
      return error(n, key, "montant attendu (euros), trouvé : " + type_name(n));
    }
    if (!c) return error(n, key, "montant invalide ou trop grand");
    return *c;
  }

  Result<Ppm> percent(const toml::node& n, const std::string& key) const {
    double x = 0;
    if (const auto* i = n.as_integer()) {
      x = static_cast<double>(i->get());
    } else if (const auto* f = n.as_floating_point()) {
      x = f->get();
    } else {
      return error(n, key, "pourcentage attendu, trouvé : " + type_name(n));
    }
    if (!(x >= 0 && x <= 100)) return error(n, key, "pourcentage entre 0 et 100 attendu");
    return percent_to_ppm(x);
  }

  Result<std::vector<Ppm>> percent_list(const toml::node& n, const std::string& key) const {
    const auto* arr = n.as_array();
    if (!arr || arr->empty()) return error(n, key, "liste non vide de pourcentages attendue");
    std::vector<Ppm> out;
    for (std::size_t i = 0; i < arr->size(); ++i) {
      auto p = percent(*arr->get(i), key + "[" + std::to_string(i) + "]");
      if (!p) return tl::unexpected(p.error());
      out.push_back(*p);
    }
    return out;
  }

  Result<bool> boolean(const toml::node& n, const std::string& key) const {
    if (const auto* b = n.as_boolean()) return b->get();
    return error(n, key, "booléen attendu (true ou false), trouvé : " + type_name(n));
  }

  Result<Date> date(const toml::node& n, const std::string& key) const {
    if (const auto* d = n.as_date()) {
      Date out{std::chrono::year{d->get().year}, std::chrono::month{d->get().month},
               std::chrono::day{d->get().day}};
      if (out.ok()) return out;
    } else if (const auto* s = n.as_string()) {
      if (auto out = parse_date(s->get())) return *out;
    }
    return error(n, key, "date attendue (AAAA-MM-JJ)");
  }

  Result<MonthDay> month_day(const toml::node& n, const std::string& key) const {
    const auto* s = n.as_string();
    // Any year works for the check but a leap one would accept 02-29, which most years lack.
    auto d = s ? parse_date("2001-" + s->get()) : std::nullopt;
    if (!d) return error(n, key, "jour de l'année attendu (\"MM-JJ\")");
    return MonthDay{static_cast<unsigned>(d->month()), static_cast<unsigned>(d->day())};
  }

  Result<AchievementMethod> method(const toml::node& n, const std::string& key) const {
    auto s = string(n, key);
    if (!s) return tl::unexpected(s.error());
    if (*s == "linear") return AchievementMethod::linear;
    if (*s == "paliers") return AchievementMethod::paliers;
    return error(n, key, "méthode inconnue « " + *s + " » (linear ou paliers)");
  }

  // { value = ..., verified = ..., source = ..., note = ... }
  template <class T, class Parse>
  Result<Sourced<T>> sourced(const toml::node& n, const std::string& key, Parse&& parse) const {
    const auto* t = n.as_table();
    if (!t) {
      return error(n, key,
                   "valeur sourcée attendue : { value = ..., verified = ..., source = ... }");
    }
    if (auto ok = check_keys(*t, key, {"value", "verified", "source", "note"}); !ok) {
      return tl::unexpected(ok.error());
    }
    Sourced<T> out;
    out.provenance.file = file_;
    out.provenance.line = line_of(n);
    const toml::node* value = t->get("value");
    if (!value) return missing(n, key + ".value");
    const toml::node* verified = t->get("verified");
    if (!verified) return missing(n, key + ".verified");
    auto v = boolean(*verified, key + ".verified");
    if (!v) return tl::unexpected(v.error());
    out.provenance.verified = *v;
    const toml::node* source = t->get("source");
    if (!source) return missing(n, key + ".source");
    if (const auto* s = source->as_string()) {
      out.provenance.sources.push_back(s->get());
    } else if (const auto* arr = source->as_array(); arr && !arr->empty()) {
      for (const auto& item : *arr) {
        auto s2 = string(item, key + ".source");
        if (!s2) return tl::unexpected(s2.error());
        out.provenance.sources.push_back(*s2);
      }
    } else {
      return error(*source, key + ".source",
                   "identifiant de source ou liste d'identifiants attendu");
    }
    if (const toml::node* note = t->get("note")) {
      auto s = string(*note, key + ".note");
      if (!s) return tl::unexpected(s.error());
      out.provenance.note = *s;
    }
    auto parsed = parse(*value, key + ".value");
    if (!parsed) return tl::unexpected(parsed.error());
    out.value = std::move(*parsed);
    return out;
  }

  tl::unexpected<Error> missing(const toml::node& parent, const std::string& key) const {
    auto e = fail_at(file_, line_of(parent), key, "clé obligatoire manquante");
    e.value().code = ErrorCode::missing_field;
    return e;
  }

  // Each helper below reads a sourced value of one type.
  Result<Sourced<Cents>> s_money(const toml::node& n, const std::string& key) const {
    return sourced<Cents>(n, key,
                          [&](const toml::node& v, const std::string& k) { return money(v, k); });
  }
  Result<Sourced<Ppm>> s_percent(const toml::node& n, const std::string& key) const {
    return sourced<Ppm>(n, key,
                        [&](const toml::node& v, const std::string& k) { return percent(v, k); });
  }
  Result<Sourced<bool>> s_bool(const toml::node& n, const std::string& key) const {
    return sourced<bool>(n, key,
                         [&](const toml::node& v, const std::string& k) { return boolean(v, k); });
  }
  Result<Sourced<int>> s_int(const toml::node& n, const std::string& key, int min, int max) const {
    return sourced<int>(n, key, [&](const toml::node& v, const std::string& k) -> Result<int> {
      auto i = integer(v, k, min, max);
      if (!i) return tl::unexpected(i.error());
      return static_cast<int>(*i);
    });
  }
  Result<Sourced<std::int64_t>> s_int64(const toml::node& n, const std::string& key,
                                        std::int64_t min, std::int64_t max) const {
    return sourced<std::int64_t>(
        n, key, [&](const toml::node& v, const std::string& k) { return integer(v, k, min, max); });
  }
  Result<Sourced<Date>> s_date(const toml::node& n, const std::string& key) const {
    return sourced<Date>(n, key,
                         [&](const toml::node& v, const std::string& k) { return date(v, k); });
  }
  Result<Sourced<MonthDay>> s_month_day(const toml::node& n, const std::string& key) const {
    return sourced<MonthDay>(
        n, key, [&](const toml::node& v, const std::string& k) { return month_day(v, k); });
  }
  Result<Sourced<std::vector<Ppm>>> s_percent_list(const toml::node& n,
                                                   const std::string& key) const {
    return sourced<std::vector<Ppm>>(
        n, key, [&](const toml::node& v, const std::string& k) { return percent_list(v, k); });
  }
  Result<Sourced<AchievementMethod>> s_method(const toml::node& n, const std::string& key) const {
    return sourced<AchievementMethod>(
        n, key, [&](const toml::node& v, const std::string& k) { return method(v, k); });
  }

  // A table of amounts by size class: { T1 = {...}, T2 = {...} }; merged into `out`.
  Status by_size(const toml::node& n, const std::string& key, BySize& out,
                 std::string* label = nullptr) const {
    auto t = table(n, key);
    if (!t) return tl::unexpected(t.error());
    for (auto&& [k, v] : **t) {
      std::string sub = join(key, k.str());
      if (label && k.str() == "label") {
        auto s = string(v, sub);
        if (!s) return tl::unexpected(s.error());
        *label = *s;
        continue;
      }
      auto amount = s_money(v, sub);
      if (!amount) return tl::unexpected(amount.error());
      out[std::string(k.str())] = std::move(*amount);
    }
    return {};
  }

  Status achievement(const toml::node& n, const std::string& key, AchievementRules& out) const {
    auto t = table(n, key);
    if (!t) return tl::unexpected(t.error());
    if (auto ok = check_keys(**t, key, {"method", "palier_rates"}); !ok) return ok;
    if (const auto* m = (*t)->get("method")) {
      auto v = s_method(*m, key + ".method");
      if (!v) return tl::unexpected(v.error());
      out.method = std::move(*v);
    }
    if (const auto* p = (*t)->get("palier_rates")) {
      auto pt = table(*p, key + ".palier_rates");
      if (!pt) return tl::unexpected(pt.error());
      for (auto&& [k, v] : **pt) {
        std::string sub = join(key + ".palier_rates", k.str());
        int count = 0;
        for (char ch : k.str())
          count = (ch >= '0' && ch <= '9' && count < 100) ? count * 10 + (ch - '0') : 1000;
        if (count < 1 || count > 20) {
          return error(v, sub, "nombre de paliers attendu comme clé (1 à 20)");
        }
        auto rates = s_percent_list(v, sub);
        if (!rates) return tl::unexpected(rates.error());
        if (static_cast<int>(rates->value.size()) != count) {
          return error(v, sub,
                       "il faut " + std::to_string(count) + " taux pour " + std::to_string(count) +
                           " palier(s)");
        }
        for (std::size_t i = 1; i < rates->value.size(); ++i) {
          if (rates->value[i] < rates->value[i - 1]) {
            return error(v, sub, "les taux des paliers doivent être croissants");
          }
        }
        out.palier_rates[count] = std::move(*rates);
      }
    }
    return {};
  }

  Status accord_table(const toml::node& n, Accord& a) const {
    auto t = table(n, "accord");
    if (!t) return tl::unexpected(t.error());
    if (auto ok =
            check_keys(**t, "accord",
                       {"id", "extends", "kind", "title", "signed", "effective", "contract_years"});
        !ok) {
      return ok;
    }
    for (auto&& [k, v] : **t) {
      std::string key = join("accord", k.str());
      if (k.str() == "id" || k.str() == "extends" || k.str() == "title" || k.str() == "kind") {
        auto s = string(v, key);
        if (!s) return tl::unexpected(s.error());
        if (k.str() == "id") a.id = *s;
        if (k.str() == "extends") a.extends = *s;
        if (k.str() == "title") a.title = *s;
        if (k.str() == "kind") {
          if (*s != "cpts" && *s != "msp") return error(v, key, "type inconnu « " + *s + " »");
          AccordKind kind = *s == "cpts" ? AccordKind::cpts : AccordKind::msp;
          if (!a.id.empty() && !a.file.empty() && a.file != file_ && kind != a.kind) {
            return error(v, key, "une version ne peut pas changer le type de son accord parent");
          }
          a.kind = kind;
        }
      } else if (k.str() == "signed") {
        auto d = date(v, key);
        if (!d) return tl::unexpected(d.error());
        a.signed_on = *d;
      } else if (k.str() == "effective") {
        auto d = s_date(v, key);
        if (!d) return tl::unexpected(d.error());
        a.effective = std::move(*d);
      } else if (k.str() == "contract_years") {
        auto y = s_int(v, key, 1, 20);
        if (!y) return tl::unexpected(y.error());
        a.contract_years = std::move(*y);
      }
    }
    return {};
  }

  Status size_classes(const toml::node& n, Accord& a) const {
    const auto* arr = n.as_array();
    if (!arr || !arr->is_array_of_tables() || arr->empty()) {
      return error(n, "size_classes", "liste de tailles attendue ([[size_classes]])");
    }
    // A version that lists size classes replaces its parent's list.
    a.size_classes.clear();
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto& t = *arr->get(i)->as_table();
      std::string key = "size_classes[" + std::to_string(i) + "]";
      if (auto ok = check_keys(t, key, {"id", "label", "population_below"}); !ok) return ok;
      SizeClass s;
      const auto* id = t.get("id");
      if (!id) return missing(*arr->get(i), key + ".id");
      auto sid = string(*id, key + ".id");
      if (!sid) return tl::unexpected(sid.error());
      s.id = *sid;
      if (const auto* l = t.get("label")) {
        auto label = string(*l, key + ".label");
        if (!label) return tl::unexpected(label.error());
        s.label = *label;
      }
      if (const auto* p = t.get("population_below")) {
        auto below = s_int64(*p, key + ".population_below", 1, 1'000'000'000);
        if (!below) return tl::unexpected(below.error());
        if (!a.size_classes.empty()) {
          const auto& prev = a.size_classes.back().population_below;
          if (!prev) return error(*p, key, "seule la dernière taille peut être sans borne");
          if (below->value <= prev->value) {
            return error(*p, key + ".population_below", "les bornes doivent être croissantes");
          }
        }
        s.population_below = std::move(*below);
      } else if (i + 1 != arr->size()) {
        return missing(*arr->get(i), key + ".population_below");
      }
      for (const auto& other : a.size_classes) {
        if (other.id == s.id) return error(*id, key + ".id", "taille en double « " + s.id + " »");
      }
      a.size_classes.push_back(std::move(s));
    }
    return {};
  }

  Status payment(const toml::node& n, Accord& a) const {
    auto t = table(n, "payment");
    if (!t) return tl::unexpected(t.error());
    if (auto ok = check_keys(**t, "payment", {"advance_percent", "variable_prorata_first_year"});
        !ok) {
      return ok;
    }
    if (const auto* v = (*t)->get("advance_percent")) {
      auto p = s_percent(*v, "payment.advance_percent");
      if (!p) return tl::unexpected(p.error());
      a.advance_rate = std::move(*p);
    }
    if (const auto* v = (*t)->get("variable_prorata_first_year")) {
      auto b = s_bool(*v, "payment.variable_prorata_first_year");
      if (!b) return tl::unexpected(b.error());
      a.variable_prorata_first_year = std::move(*b);
    }
    return {};
  }

  Status envelopes(const toml::node& n, Accord& a) const {
    auto t = table(n, "envelopes");
    if (!t) return tl::unexpected(t.error());
    if (auto ok = check_keys(**t, "envelopes", {"amorcage", "fonctionnement", "lettre_intention"});
        !ok) {
      return ok;
    }
    for (auto&& [k, v] : **t) {
      Envelope& env = a.envelopes[std::string(k.str())];
      if (auto ok = by_size(v, join("envelopes", k.str()), env.amounts, &env.label); !ok) return ok;
    }
    return {};
  }

  Status missions(const toml::node& n, Accord& a) const {
    const auto* arr = n.as_array();
    if (!arr || !arr->is_array_of_tables()) {
      return error(n, "missions", "liste de missions attendue ([[missions]])");
    }
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto& t = *arr->get(i)->as_table();
      std::string key = "missions[" + std::to_string(i) + "]";
      if (auto ok =
              check_keys(t, key,
                         {"id", "label", "category", "start_within_months", "deploy_within_months",
                          "fixed", "variable", "fixed_year_factors", "achievement"});
          !ok) {
        return ok;
      }
      const auto* id = t.get("id");
      if (!id) return missing(*arr->get(i), key + ".id");
      auto mid = string(*id, key + ".id");
      if (!mid) return tl::unexpected(mid.error());
      // A mission already defined (by the parent version) is updated; a new one is appended.
      MissionRules* m = nullptr;
      for (auto& existing : a.missions) {
        if (existing.id == *mid) m = &existing;
      }
      if (!m) {
        a.missions.push_back({});
        m = &a.missions.back();
        m->id = *mid;
      }
      key = "missions." + *mid;
      for (auto&& [k, v] : t) {
        std::string sub = join(key, k.str());
        if (k.str() == "id") continue;
        if (k.str() == "label") {
          auto s = string(v, sub);
          if (!s) return tl::unexpected(s.error());
          m->label = *s;
        } else if (k.str() == "category") {
          auto s = string(v, sub);
          if (!s) return tl::unexpected(s.error());
          if (*s == "socle") {
            m->category = MissionCategory::socle;
          } else if (*s == "optionnelle") {
            m->category = MissionCategory::optionnelle;
          } else {
            return error(v, sub, "catégorie inconnue « " + *s + " » (socle ou optionnelle)");
          }
        } else if (k.str() == "start_within_months" || k.str() == "deploy_within_months") {
          auto months = s_int(v, sub, 0, 120);
          if (!months) return tl::unexpected(months.error());
          (k.str() == "start_within_months" ? m->start_within_months : m->deploy_within_months) =
              std::move(*months);
        } else if (k.str() == "fixed" || k.str() == "variable") {
          if (auto ok = by_size(v, sub, k.str() == "fixed" ? m->fixed : m->variable); !ok) {
            return ok;
          }
        } else if (k.str() == "fixed_year_factors") {
          auto f = s_percent_list(v, sub);
          if (!f) return tl::unexpected(f.error());
          m->fixed_year_factors = std::move(*f);
        } else if (k.str() == "achievement") {
          if (auto ok = achievement(v, sub, m->achievement); !ok) return ok;
        }
      }
    }
    return {};
  }

  Status msp(const toml::node& n, Accord& a) const {
    auto t = table(n, "msp");
    if (!t) return tl::unexpected(t.error());
    if (auto ok = check_keys(
            **t, "msp",
            {"point_value", "advance_percent", "advance_minimum", "reference_patients",
             "new_structure_minimum", "partial_year_prorata", "advance_date", "balance_date"});
        !ok) {
      return ok;
    }
    MspRules& m = a.msp;
    for (auto&& [k, v] : **t) {
      std::string key = join("msp", k.str());
      Status ok;
      auto set = [&](auto result, auto& field) {
        if (!result) {
          ok = tl::unexpected(result.error());
        } else {
          field = std::move(*result);
        }
      };
      if (k.str() == "point_value") set(s_money(v, key), m.point_value);
      if (k.str() == "advance_percent") set(s_percent(v, key), m.advance_rate);
      if (k.str() == "advance_minimum") set(s_money(v, key), m.advance_minimum);
      if (k.str() == "reference_patients") {
        set(s_int64(v, key, 1, 1'000'000), m.reference_patients);
      }
      if (k.str() == "new_structure_minimum") set(s_money(v, key), m.new_structure_minimum);
      if (k.str() == "partial_year_prorata") set(s_bool(v, key), m.partial_year_prorata);
      if (k.str() == "advance_date") set(s_month_day(v, key), m.advance_date);
      if (k.str() == "balance_date") set(s_month_day(v, key), m.balance_date);
      if (!ok) return ok;
    }
    return {};
  }

  // The MSP indicator catalogue: [[msp_indicators]] with id, label, axis, category and the
  // fixed and variable points (sourced values).
  Status msp_indicators(const toml::node& n, Accord& a) const {
    const auto* arr = n.as_array();
    if (!arr || !arr->is_array_of_tables()) {
      return error(n, "msp_indicators", "liste d'indicateurs attendue ([[msp_indicators]])");
    }
    for (std::size_t i = 0; i < arr->size(); ++i) {
      const auto& t = *arr->get(i)->as_table();
      std::string key = "msp_indicators[" + std::to_string(i) + "]";
      if (auto ok = check_keys(t, key,
                               {"id", "label", "axis", "category", "fixed_points",
                                "variable_points"});
          !ok) {
        return ok;
      }
      MspIndicatorRule r;
      for (const char* field : {"id", "label", "axis", "category"}) {
        const auto* v = t.get(field);
        if (!v) return missing(*arr->get(i), key + "." + field);
        auto text = string(*v, key + "." + field);
        if (!text) return tl::unexpected(text.error());
        std::string f = field;
        (f == "id" ? r.id : f == "label" ? r.label : f == "axis" ? r.axis : r.category) = *text;
      }
      if (r.category != "prerequis" && r.category != "socle" && r.category != "optionnel") {
        return error(*t.get("category"), key + ".category",
                     "catégorie inconnue « " + r.category + " » (prerequis, socle, optionnel)");
      }
      if (r.id == "patientele") {
        return error(*t.get("id"), key + ".id", "identifiant réservé à la patientèle de l'année");
      }
      key = "msp_indicators." + r.id;
      for (const char* field : {"fixed_points", "variable_points"}) {
        const auto* v = t.get(field);
        if (!v) return missing(*arr->get(i), key + "." + field);
        auto points = s_int64(*v, key + "." + field, 0, 100'000);
        if (!points) return tl::unexpected(points.error());
        (std::string(field) == "fixed_points" ? r.fixed_points : r.variable_points) =
            std::move(*points);
      }
      auto existing = std::find_if(a.msp.indicators.begin(), a.msp.indicators.end(),
                                   [&](const MspIndicatorRule& x) { return x.id == r.id; });
      if (existing != a.msp.indicators.end()) {
        *existing = std::move(r);  // a later version updates the parent's indicator
      } else {
        a.msp.indicators.push_back(std::move(r));
      }
    }
    return {};
  }

  // Applies one file's tables on top of `a` (which may hold the parent's values).
  Status apply(const toml::table& root, Accord& a) const {
    for (auto&& [k, v] : root) {
      Status ok;
      if (k.str() == "accord") ok = accord_table(v, a);
      if (k.str() == "size_classes") ok = size_classes(v, a);
      if (k.str() == "payment") ok = payment(v, a);
      if (k.str() == "envelopes") ok = envelopes(v, a);
      if (k.str() == "achievement") {
        ok = achievement(v, "achievement", a.achievement);
      }
      if (k.str() == "missions") ok = missions(v, a);
      if (k.str() == "msp") ok = msp(v, a);
      if (k.str() == "msp_indicators") ok = msp_indicators(v, a);
      if (!ok) return ok;
    }
    return {};
  }

  Status sources(const toml::table& root, std::map<std::string, Source, std::less<>>& out) const {
    const auto* n = root.get("sources");
    if (!n) return {};
    auto t = table(*n, "sources");
    if (!t) return tl::unexpected(t.error());
    for (auto&& [k, v] : **t) {
      std::string key = join("sources", k.str());
      auto st = table(v, key);
      if (!st) return tl::unexpected(st.error());
      if (auto ok = check_keys(**st, key, {"title", "url"}); !ok) return ok;
      Source s;
      s.id = std::string(k.str());
      const auto* title = (*st)->get("title");
      if (!title) return missing(v, key + ".title");
      auto ts = string(*title, key + ".title");
      if (!ts) return tl::unexpected(ts.error());
      s.title = *ts;
      if (const auto* url = (*st)->get("url")) {
        auto us = string(*url, key + ".url");
        if (!us) return tl::unexpected(us.error());
        s.url = *us;
      }
      auto [it, inserted] = out.emplace(s.id, s);
      if (!inserted && (it->second.title != s.title || it->second.url != s.url)) {
        return error(v, key,
                     "source « " + s.id + " » déjà définie autrement dans un autre fichier");
      }
    }
    return {};
  }

  // Top-level keys and the schema marker; the accord id and parent for the resolution order.
  Status header(const toml::table& root, std::string& id, std::string& extends,
                const toml::node*& id_node) const {
    if (auto ok = check_keys(root, "",
                             {"schema", "accord", "sources", "size_classes", "payment", "envelopes",
                              "achievement", "missions", "msp", "msp_indicators"});
        !ok) {
      return ok;
    }
    const auto* schema = root.get("schema");
    if (!schema) return fail_at(file_, 1, "schema", "clé « schema » manquante");
    auto s = string(*schema, "schema");
    if (!s) return tl::unexpected(s.error());
    if (*s != kSchema) {
      return error(
          *schema, "schema",
          "format « " + *s + " » non pris en charge (attendu « " + std::string(kSchema) + " »)");
    }
    const auto* accord = root.get("accord");
    if (!accord || !accord->is_table()) {
      return fail_at(file_, 1, "accord", "table [accord] manquante");
    }
    const auto* idn = accord->as_table()->get("id");
    if (!idn) return missing(*accord, "accord.id");
    auto ids = string(*idn, "accord.id");
    if (!ids) return tl::unexpected(ids.error());
    if (ids->empty()) return error(*idn, "accord.id", "identifiant vide");
    id = *ids;
    id_node = idn;
    if (const auto* ext = accord->as_table()->get("extends")) {
      auto es = string(*ext, "accord.extends");
      if (!es) return tl::unexpected(es.error());
      extends = *es;
    }
    return {};
  }

  const std::string& file() const { return file_; }

 private:
  std::string file_;
};

struct Parsed {
  std::string file;
  toml::table root;
  std::string id;
  std::string extends;
  std::int64_t id_line = 0;
};

tl::unexpected<Error> incomplete(const Accord& a, const std::string& key, std::string msg) {
  auto e = fail_at(a.file, 0, key, std::move(msg) + " (accord " + a.id + ")");
  e.value().code = ErrorCode::missing_field;
  return e;
}

Status check_sizes(const Accord& a, const BySize& amounts, const std::string& key) {
  for (const auto& s : a.size_classes) {
    if (!amounts.count(s.id)) return incomplete(a, key + "." + s.id, "montant manquant");
  }
  for (const auto& [size, v] : amounts) {
    if (!a.size_class(size)) {
      return fail_at(v.provenance.file, v.provenance.line, key + "." + size,
                     "taille inconnue « " + size + " »");
    }
  }
  return {};
}

// A version is usable only when every value the engine needs is present.
Status check_complete(const Accord& a) {
  if (!is_set(a.effective)) return incomplete(a, "accord.effective", "date d'effet manquante");
  if (!is_set(a.contract_years)) {
    return incomplete(a, "accord.contract_years", "durée du contrat manquante");
  }
  if (a.kind == AccordKind::msp) {
    const MspRules& m = a.msp;
    if (!is_set(m.point_value)) return incomplete(a, "msp.point_value", "valeur manquante");
    if (!is_set(m.advance_rate)) return incomplete(a, "msp.advance_percent", "valeur manquante");
    if (!is_set(m.advance_minimum)) return incomplete(a, "msp.advance_minimum", "valeur manquante");
    if (!is_set(m.reference_patients)) {
      return incomplete(a, "msp.reference_patients", "valeur manquante");
    }
    if (!is_set(m.new_structure_minimum)) {
      return incomplete(a, "msp.new_structure_minimum", "valeur manquante");
    }
    if (!is_set(m.partial_year_prorata)) {
      return incomplete(a, "msp.partial_year_prorata", "valeur manquante");
    }
    if (!is_set(m.advance_date)) return incomplete(a, "msp.advance_date", "valeur manquante");
    if (!is_set(m.balance_date)) return incomplete(a, "msp.balance_date", "valeur manquante");
    return {};
  }
  if (a.size_classes.empty()) return incomplete(a, "size_classes", "aucune taille définie");
  if (!is_set(a.advance_rate)) {
    return incomplete(a, "payment.advance_percent", "taux d'avance manquant");
  }
  if (!is_set(a.variable_prorata_first_year)) {
    return incomplete(a, "payment.variable_prorata_first_year", "valeur manquante");
  }
  for (std::string_view required : {"amorcage", "fonctionnement"}) {
    if (!a.envelope(required)) {
      return incomplete(a, "envelopes." + std::string(required), "enveloppe manquante");
    }
  }
  for (const auto& [id, env] : a.envelopes) {
    if (auto ok = check_sizes(a, env.amounts, "envelopes." + id); !ok) return ok;
  }
  if (!a.achievement.method) return incomplete(a, "achievement.method", "méthode manquante");
  if (a.missions.empty()) return incomplete(a, "missions", "aucune mission définie");
  for (const auto& m : a.missions) {
    std::string key = "missions." + m.id;
    if (m.label.empty()) return incomplete(a, key + ".label", "libellé manquant");
    if (m.category == MissionCategory::socle &&
        (!m.start_within_months || !m.deploy_within_months)) {
      return incomplete(a, key,
                        "une mission socle doit avoir ses délais de démarrage et de "
                        "déploiement");
    }
    if (auto ok = check_sizes(a, m.fixed, key + ".fixed"); !ok) return ok;
    if (auto ok = check_sizes(a, m.variable, key + ".variable"); !ok) return ok;
  }
  return {};
}

Status check_sources(const Accord& a, const RuleBook& book) {
  for (const auto& v : list_values(a)) {
    for (const auto& s : v.provenance->sources) {
      if (!book.sources.count(s)) {
        return fail_at(v.provenance->file, v.provenance->line, v.key + ".source",
                       "source inconnue « " + s + " » (à déclarer dans [sources])");
      }
    }
  }
  return {};
}

}  // namespace

Result<RuleBook> load_rulebook(std::span<const RulesFile> files) {
  std::vector<Parsed> parsed;
  RuleBook book;
  for (const auto& f : files) {
    Parsed p;
    p.file = f.name;
    try {
      p.root = toml::parse(f.text, f.name);
    } catch (const toml::parse_error& e) {
      return fail_at(f.name, e.source().begin.line, "",
                     "TOML invalide : " + std::string(e.description()));
    }
    Reader r(f.name);
    const toml::node* id_node = nullptr;
    if (auto ok = r.header(p.root, p.id, p.extends, id_node); !ok)
      return tl::unexpected(ok.error());
    p.id_line = line_of(*id_node);
    for (const auto& other : parsed) {
      if (other.id == p.id) {
        return fail_at(f.name, p.id_line, "accord.id",
                       "version « " + p.id + " » déjà définie dans " + other.file);
      }
    }
    if (auto ok = r.sources(p.root, book.sources); !ok) return tl::unexpected(ok.error());
    parsed.push_back(std::move(p));
  }

  for (const auto& p : parsed) {
    // The chain root → ... → p, from `extends`; a cycle or an unknown parent is an error.
    std::vector<const Parsed*> chain{&p};
    std::set<std::string> seen{p.id};
    while (!chain.back()->extends.empty()) {
      const Parsed* parent = nullptr;
      for (const auto& q : parsed) {
        if (q.id == chain.back()->extends) parent = &q;
      }
      if (!parent) {
        return fail_at(chain.back()->file, chain.back()->id_line, "accord.extends",
                       "version parente inconnue « " + chain.back()->extends + " »");
      }
      if (!seen.insert(parent->id).second) {
        return fail_at(p.file, p.id_line, "accord.extends",
                       "cycle de versions passant par « " + parent->id + " »");
      }
      chain.push_back(parent);
    }
    Accord a;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      Reader r((*it)->file);
      if (auto ok = r.apply((*it)->root, a); !ok) return tl::unexpected(ok.error());
      a.file = (*it)->file;
    }
    a.id = p.id;
    a.extends = p.extends;
    if (auto ok = check_complete(a); !ok) return tl::unexpected(ok.error());
    book.accords.push_back(std::move(a));
  }
  for (const auto& a : book.accords) {
    if (auto ok = check_sources(a, book); !ok) return tl::unexpected(ok.error());
  }
  return book;
}

}  // namespace maillage::aci
