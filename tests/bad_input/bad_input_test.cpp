// The bad-input corpus (tests/bad_input/<importer>/): every file is read by its importer and the
// outcome compared with the folder's expectations.tsv, one line per file:
//   imported   read without an error and without a line reported
//   refused    the whole file refused; the error (file:line: field: message) contains the text
//   line N     read, with line N reported (bad line, issue or warning) containing the text
// A file without an expectation, or an expectation without its file, fails the test.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "access/csv.hpp"
#include "aci/contract.hpp"
#include "aci/rules.hpp"
#include "association/member_import.hpp"
#include "coverage/territory_csv.hpp"
#include "projet/template.hpp"
#include "roster/nrp_format.hpp"
#include "rpps/extract.hpp"

namespace maillage {
namespace {

namespace fs = std::filesystem;

fs::path corpus(const std::string& importer) {
  return fs::path(MAILLAGE_SOURCE_DIR) / "tests" / "bad_input" / importer;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

struct Expectation {
  std::string outcome;  // "imported", "refused", "line N"
  std::string text;
};

std::map<std::string, Expectation> expectations(const std::string& importer) {
  std::map<std::string, Expectation> out;
  std::istringstream in(slurp(corpus(importer) / "expectations.tsv"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto t1 = line.find('\t');
    const auto t2 = line.find('\t', t1 + 1);
    out[line.substr(0, t1)] = {line.substr(t1 + 1, t2 - t1 - 1),
                               t2 == std::string::npos ? "" : line.substr(t2 + 1)};
  }
  return out;
}

/// What an importer made of a file: the whole-file error, or the reported lines.
struct Outcome {
  std::optional<std::string> error;                         // describe() of the refusal
  std::vector<std::pair<std::int64_t, std::string>> lines;  // reported lines and their text
};

template <class Read>
void check_corpus(const std::string& importer, Read&& read) {
  const auto expected = expectations(importer);
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(corpus(importer))) {
    const std::string name = entry.path().filename().string();
    if (name == "expectations.tsv") continue;
    ++files;
    SCOPED_TRACE(importer + "/" + name);
    const auto e = expected.find(name);
    ASSERT_NE(e, expected.end()) << "no expectation for " << name;
    Outcome o;
    if constexpr (std::is_invocable_v<Read, const std::string&, const std::string&>) {
      o = read(slurp(entry.path()), name);  // readers whose messages name the file itself
    } else {
      o = read(slurp(entry.path()));
    }
    std::string seen = o.error ? "refused: " + *o.error : "imported";
    for (const auto& [l, text] : o.lines) seen += "\n  line " + std::to_string(l) + ": " + text;
    const Expectation& want = e->second;
    if (want.outcome == "imported") {
      EXPECT_FALSE(o.error) << seen;
      EXPECT_TRUE(o.lines.empty()) << seen;
    } else if (want.outcome == "refused") {
      ASSERT_TRUE(o.error) << seen;
      EXPECT_NE(o.error->find(want.text), std::string::npos) << "want « " << want.text << " »\n"
                                                             << seen;
    } else {
      ASSERT_EQ(want.outcome.rfind("line ", 0), 0U) << want.outcome;
      const std::int64_t line = std::stoll(want.outcome.substr(5));
      EXPECT_FALSE(o.error) << seen;
      bool found = false;
      for (const auto& [l, text] : o.lines) {
        found = found || (l == line && text.find(want.text) != std::string::npos);
      }
      EXPECT_TRUE(found) << "want line " << line << " « " << want.text << " »\n" << seen;
    }
  }
  EXPECT_EQ(files, expected.size()) << "an expectation names a file that is not in the folder";
}

TEST(BadInput, Rpps) {
  rpps::ReadOptions options;
  options.communes.known = [](std::string_view code) {
    return code == "57463" || code == "57751" || code == "57480";
  };
  options.communes.by_postcode = [](std::string_view pc) -> std::string_view {
    return pc == "57000" ? "57463" : "";
  };
  check_corpus("rpps", [&](const std::string& text) {
    Outcome o;
    auto s = rpps::read_extract_text("rpps.txt", text, options, [](const rpps::Activity&) {});
    if (!s) {
      o.error = s.error().describe();
      return o;
    }
    for (const auto& b : s->bad) o.lines.emplace_back(b.line, b.detail);
    return o;
  });
}

TEST(BadInput, OdCsv) {
  auto demand = access::parse_demand_csv("id,population\n57463,120000\n57480,21000\n", "d.csv");
  ASSERT_TRUE(demand);
  check_corpus("od_csv", [&](const std::string& text) {
    Outcome o;
    access::Diagnostics diag;
    auto od = access::parse_od_csv(text, "od.csv", demand->locations, access::OdOptions{}, diag);
    // The reference reader must agree on every file of the corpus.
    access::Diagnostics ref_diag;
    auto ref = access::parse_od_csv_reference(text, "od.csv", demand->locations,
                                              access::OdOptions{}, ref_diag);
    EXPECT_EQ(od.has_value(), ref.has_value());
    if (!od) {
      o.error = od.error().describe();
      if (!ref) {
        EXPECT_EQ(*o.error, ref.error().describe());
      }
      return o;
    }
    for (const auto& w : diag.warnings) o.lines.emplace_back(w.line, w.message);
    return o;
  });
}

const geo::Referentiel& referentiel() {
  static const geo::Referentiel ref = [] {
    geo::Referentiel r;
    auto commune = [](const char* code, const char* nom, const char* dep, std::int64_t pop) {
      geo::Commune c;
      c.code = code;
      c.nom = nom;
      c.departement = dep;
      c.region = "44";
      c.population = pop;
      c.position = {49.0, 6.0};
      return c;
    };
    r.communes = {commune("01004", "Ambérieu-en-Bugey", "01", 14000),
                  commune("57463", "Metz", "57", 120000),
                  commune("57480", "Montigny-lès-Metz", "57", 21000)};
    r.departements = {{"01", "Ain", "84", {0}}, {"57", "Moselle", "44", {1, 2}}};
    r.neighbour_offsets = {0, 0, 1, 2};
    r.neighbour_list = {2, 1};
    r.cells.resize(r.communes.size());
    r.index();
    return r;
  }();
  return ref;
}

TEST(BadInput, TerritoryCsv) {
  check_corpus("territory_csv", [&](const std::string& text) {
    Outcome o;
    auto t = coverage::parse_territory_csv(referentiel(), "territoire.csv", text);
    if (!t) {
      o.error = t.error().describe();
      return o;
    }
    for (const auto& issue : t->issues)
      o.lines.emplace_back(issue.line, issue.describe("territoire.csv"));
    return o;
  });
}

TEST(BadInput, AciContract) {
  auto rules = aci::load_rulebook(aci::builtin_rule_files());
  ASSERT_TRUE(rules) << rules.error().describe();
  check_corpus("aci_contract", [&](const std::string& text) {
    Outcome o;
    auto c = aci::parse_contract(text, "contrat.json", *rules);
    if (!c) o.error = c.error().describe();
    return o;
  });
}

TEST(BadInput, RosterNrp) {
  check_corpus("roster_nrp", [&](const std::string& text) {
    Outcome o;
    auto m = roster::parse_nrp(text, "planning.txt");
    if (!m) o.error = m.error().describe();
    return o;
  });
}

TEST(BadInput, ProjetTemplate) {
  check_corpus("projet_template", [&](const std::string& text) {
    Outcome o;
    auto t = projet::parse_template(text, "modele.toml");
    if (!t) o.error = t.error().describe();
    return o;
  });
}

TEST(BadInput, AssociationMembers) {
  check_corpus("association_members", [&](const std::string& bytes, const std::string& name) {
    Outcome o;
    const bool xlsx = name.ends_with(".xlsx");
    auto p = xlsx ? association::parse_member_xlsx(bytes, name)
                  : association::parse_member_csv(bytes, name);
    if (!p) {
      o.error = p.error().describe();
      return o;
    }
    for (const auto& i : p->issues) o.lines.emplace_back(i.line, i.describe(name));
    for (const auto& d : p->duplicates) o.lines.emplace_back(d.line, d.message);
    return o;
  });
}

}  // namespace
}  // namespace maillage
