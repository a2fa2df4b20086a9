#include "rpps/generator.hpp"

#include <cmath>
#include <string>

#include "rpps/extract.hpp"

namespace maillage::rpps {

namespace {

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

std::uint64_t hash_text(std::uint64_t h, std::string_view s) {
  for (char c : s) h = splitmix(h ^ static_cast<unsigned char>(c));
  return h;
}

// A small deterministic generator (splitmix64 stream).
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() { return state_ = splitmix(state_); }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
  // Poisson draw: Knuth's product method for small means, a rounded normal above 30.
  std::int64_t poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean > 30) {
      double u1 = std::max(uniform(), 1e-300);
      double u2 = uniform();
      double z = std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
      return std::max<std::int64_t>(0, std::llround(mean + z * std::sqrt(mean)));
    }
    const double limit = std::exp(-mean);
    std::int64_t k = 0;
    double p = uniform();
    while (p > limit) {
      ++k;
      p *= uniform();
    }
    return k;
  }

 private:
  std::uint64_t state_;
};

struct ProfessionShape {
  std::string_view code;
  double liberal_share;  // otherwise salaried in a centre de santé (SA05)
};

std::string digits(std::uint64_t value, int width) {
  std::string s(static_cast<std::size_t>(width), '0');
  for (int i = width - 1; i >= 0; --i) {
    s[static_cast<std::size_t>(i)] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  return s;
}

std::string departement_of(std::string_view commune) {
  if (commune.starts_with("97") || commune.starts_with("98"))
    return std::string(commune.substr(0, 3));
  return std::string(commune.substr(0, 2));
}

struct Line {
  std::string rpps;
  std::string person_number;
  bool woman = false;
  const ProfessionDensity* profession = nullptr;
  std::string_view sf_code, sf_label;
  bool liberal = true;
  const GeneratorCommune* commune = nullptr;
  int site = 0;
  bool empty_commune = false;
  bool no_address = false;
};

void append_line(std::string& out, const Line& l) {
  const bool doctor =
      l.profession->code == "10" || l.profession->code == "40" || l.profession->code == "21";
  auto f = [&out](std::string_view v) {
    out.append(v);
    out.push_back('|');
  };
  f("8");
  f(l.rpps);
  f("8" + l.rpps);
  f(doctor ? "DR" : "");
  f(doctor ? "Docteur" : "");
  f(l.woman ? "MME" : "M");
  f(l.woman ? "Madame" : "Monsieur");
  f("FICTIF-" + l.person_number);
  f(l.woman ? "Camille (fictive)" : "Dominique (fictif)");
  f(l.profession->code);
  f(l.profession->label);
  f("C");
  f("Civil");
  f(l.sf_code.empty() ? "" : "S");
  f(l.sf_code.empty() ? "" : "Spécialité ordinale");
  f(l.sf_code);
  f(l.sf_label);
  f(l.liberal ? "L" : "S");
  f(l.liberal ? "Libéral, indépendant, artisan, commerçant" : "Salarié");
  if (l.no_address) {
    for (int i = 19; i < 52; ++i) f("");
    return;
  }
  const std::string& code = l.commune->code;
  // Fictitious site identifiers: SIRET and structure ids start with 999 / FICT.
  std::string site_number = digits(static_cast<std::uint64_t>(l.site), 3);
  std::string siret =
      "999" +
      std::string(code.size() == 5 && code[1] >= '0' && code[1] <= '9' ? code
                                                                       : "20" + code.substr(2)) +
      site_number + "000";
  siret.resize(14, '0');
  f(siret);
  f(siret.substr(0, 9));
  f(l.liberal ? "" : "99" + digits(splitmix(static_cast<std::uint64_t>(l.site)) % 10000000, 7));
  f("");
  f("FICT" + code + site_number);
  f(l.liberal ? "CABINET FICTIF " + site_number : "CENTRE DE SANTÉ FICTIF " + site_number);
  f("");
  f("");
  f("");
  f(std::to_string(1 + l.site));
  f("");
  f("R");
  f("Rue");
  f("de la Démonstration (fictive)");
  f("");
  f(l.commune->postcode + " " + l.commune->nom);
  f(l.commune->postcode);
  f(l.empty_commune ? "" : code);
  f(l.commune->nom);
  f("99100");
  f("France");
  f("");
  f("");
  f("");
  f("");
  f(departement_of(code));
  f("");
  f("");
  f("FICTIF");
  f(l.liberal ? "SA08" : "SA05");
  f(l.liberal ? "Cabinet de groupe" : "Centre de santé");
  f("");
  f("");
}

constexpr std::string_view kGpCodes[] = {"SM54", "SM26", "SM53"};
constexpr std::string_view kGpLabels[] = {"Médecine générale", "Qualifié en médecine générale",
                                          "Spécialiste en médecine générale"};

}  // namespace

std::vector<ProfessionDensity> default_densities() {
  return {
      {"10", "Médecin", 9.0},
      {"60", "Infirmier", 14.0},
      {"70", "Masseur-Kinésithérapeute", 11.0},
      {"40", "Chirurgien-Dentiste", 5.5},
      {"21", "Pharmacien", 8.0},
      {"50", "Sage-Femme", 1.3},
      {"91", "Orthophoniste", 3.5},
  };
}

std::string fictitious_file_name(std::string_view timestamp) {
  return "PS_LibreAcces_Personne_activite_" + std::string(timestamp) + "_FICTIF.txt";
}

Result<GeneratorSummary> generate_extract(std::span<const GeneratorCommune> communes,
                                          const GeneratorOptions& options,
                                          const std::function<Status(std::string_view)>& write) {
  if (options.presence <= 0 || options.presence > 1) {
    return fail(ErrorCode::invalid_input, "la présence doit être dans ]0, 1]", "presence");
  }
  GeneratorSummary summary;
  std::string out;
  out.reserve(std::size_t{1} << 21);
  auto flush = [&](bool force) -> Status {
    if (!force && out.size() < (std::size_t{1} << 20)) return {};
    summary.bytes += out.size();
    if (auto s = write(out); !s) return s;
    out.clear();
    return {};
  };
  for (std::size_t i = 0; i < kColumnCount; ++i) {
    out.append(column_names()[i]);
    out.push_back('|');
  }
  out.push_back('\n');

  // Bad lines go every `stride` lines; the expected line count is known in advance.
  double expected_people = 0;
  for (const auto& c : communes) {
    for (const auto& d : options.densities) {
      expected_people += static_cast<double>(c.population) * d.per_10000 / 10000.0;
    }
  }
  const std::int64_t stride =
      options.bad_lines > 0 ? std::max<std::int64_t>(1, static_cast<std::int64_t>(expected_people) /
                                                            (options.bad_lines + 1))
                            : 0;
  int bad_written = 0;
  std::int64_t since_bad = 0;

  const std::uint64_t seed = splitmix(options.seed);
  for (std::size_t ci = 0; ci < communes.size(); ++ci) {
    const GeneratorCommune& c = communes[ci];
    const std::uint64_t commune_hash = hash_text(seed, c.code);
    for (const ProfessionDensity& d : options.densities) {
      const std::uint64_t ph = hash_text(commune_hash, d.code);
      Rng pool_rng(ph);
      // The stable pool is larger than the expected count so that, after the presence draw,
      // each vintage has the expected density on average.
      const double mean =
          static_cast<double>(c.population) * d.per_10000 / 10000.0 / options.presence;
      const std::int64_t pool = pool_rng.poisson(mean);
      const int sites = static_cast<int>(std::max<std::int64_t>(1, pool / 3));
      for (std::int64_t k = 0; k < pool; ++k) {
        const std::uint64_t person =
            splitmix(ph ^ static_cast<std::uint64_t>(k) * 0x100000001B3ULL);
        Rng vintage_rng(splitmix(person ^ static_cast<std::uint64_t>(options.vintage + 1000)));
        if (vintage_rng.uniform() >= options.presence) continue;
        Rng attr(person);
        Line l;
        l.person_number = digits(person % 1000000000ULL, 9);
        l.rpps = "99" + l.person_number;
        l.woman = (attr.next() & 1) != 0;
        l.profession = &d;
        if (d.code == "10") {
          const double u = attr.uniform();
          const int g = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
          l.sf_code = kGpCodes[g];
          l.sf_label = kGpLabels[g];
        }
        l.liberal = attr.uniform() < (d.code == "21" ? 1.0 : 0.9);
        l.commune = &c;
        l.site = static_cast<int>(attr.next() % static_cast<std::uint64_t>(sites));
        l.empty_commune = !c.postcode.empty() && attr.uniform() < options.empty_commune_share;
        const bool second = attr.uniform() < options.multi_site_share && communes.size() > 1;
        const std::size_t other = (ci + 1 + attr.next() % 5) % communes.size();

        if (stride > 0 && bad_written < options.bad_lines && ++since_bad >= stride) {
          since_bad = 0;
          std::string line;
          append_line(line, l);
          switch (bad_written % 4) {
            case 0:  // one column short: drop the first field
              line.erase(0, line.find('|') + 1);
              break;
            case 1:  // empty identifier
              line.replace(2, l.rpps.size(), "");
              break;
            case 2: {  // malformed commune code
              std::size_t pos = 0;
              for (int field = 0; field < 36; ++field) pos = line.find('|', pos) + 1;
              std::size_t end = line.find('|', pos);
              line.replace(pos, end - pos, "5X1");
              break;
            }
            default: {  // well-formed, unknown commune
              std::size_t pos = 0;
              for (int field = 0; field < 36; ++field) pos = line.find('|', pos) + 1;
              std::size_t end = line.find('|', pos);
              line.replace(pos, end - pos, "00000");
              break;
            }
          }
          out.append(line);
          out.push_back('\n');
          ++bad_written;
          ++summary.bad_lines;
          ++summary.lines;
          ++summary.persons;
          if (auto s = flush(false); !s) return tl::unexpected(s.error());
          continue;
        }
        append_line(out, l);
        out.push_back('\n');
        ++summary.lines;
        ++summary.persons;
        if (second) {
          Line l2 = l;
          l2.commune = &communes[other];
          l2.empty_commune = false;
          l2.site = static_cast<int>(attr.next() % 7);
          append_line(out, l2);
          out.push_back('\n');
          ++summary.lines;
        }
        if (attr.uniform() < options.no_address_share) {
          // Someone registered without a declared site (the reader skips these lines).
          Line none = l;
          none.rpps = "98" + l.person_number;
          none.person_number = "N" + l.person_number;
          none.no_address = true;
          append_line(out, none);
          out.push_back('\n');
          ++summary.lines;
          ++summary.persons;
        }
        if (auto s = flush(false); !s) return tl::unexpected(s.error());
      }
    }
  }
  if (auto s = flush(true); !s) return tl::unexpected(s.error());
  return summary;
}

}  // namespace maillage::rpps
