// The diagnostic's API and pages with the whole server in-process, on SQLite and PostgreSQL:
// two RPPS extracts in the published format are imported through the rpps service (so the
// adapter from the snapshot tables is exercised), then diagnostics are asked for communes, an
// EPCI and a structure's territory.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "http/test_server.hpp"
#include "rpps/extract.hpp"
#include "services/rpps.hpp"
#include "store/database.hpp"

namespace maillage::testing {
namespace {

using nlohmann::json;
using services::Role;

struct Line {
  std::string rpps, profession, savoir_faire, mode, secteur, commune, site;
};

// An extract in the published shape: the 52 headers, `|`-separated, trailing `|`.
std::string extract(const std::vector<Line>& lines) {
  std::string out;
  for (auto name : rpps::column_names()) {
    out += name;
    out += '|';
  }
  out += '\n';
  for (const auto& l : lines) {
    std::vector<std::string> f(rpps::kColumnCount);
    auto set = [&](rpps::Column c, const std::string& v) { f[static_cast<std::size_t>(c)] = v; };
    set(rpps::Column::type_identifiant, "8");
    set(rpps::Column::identifiant, l.rpps);
    set(rpps::Column::nom, "FICTIF");
    set(rpps::Column::code_profession, l.profession);
    set(rpps::Column::libelle_profession, l.profession == "10" ? "Médecin" : "Infirmier");
    set(rpps::Column::code_savoir_faire, l.savoir_faire);
    set(rpps::Column::code_mode_exercice, l.mode);
    set(rpps::Column::code_secteur, l.secteur);
    set(rpps::Column::code_commune, l.commune);
    set(rpps::Column::code_postal, l.commune.substr(0, 2) + "000");
    set(rpps::Column::identifiant_structure, l.site);
    for (const auto& v : f) {
      out += v;
      out += '|';
    }
    out += '\n';
  }
  return out;
}

class DiagnosticApi : public ::testing::TestWithParam<store::Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    server_ = std::make_unique<TestServer>(GetParam());
  }
  void import(const std::string& name, const std::vector<Line>& lines) {
    auto r = services::import_rpps_text(server_->app().database(), server_->app().referentiel(),
                                        name, extract(lines));
    ASSERT_TRUE(r) << r.error().describe();
  }
  // 2025: GPs A and B in Metz, C in Montigny; 2026: A (Metz and a second site in Montigny),
  // C, D (new) in Metz; B left. A hospital nurse (salaried, no office sector) is not counted.
  void import_two_snapshots() {
    import("PS_LibreAcces_Personne_activite_202506010000.txt",
           {{"10000000001", "10", "SM54", "L", "SA07", "57463", "S1"},
            {"10000000002", "10", "SM26", "L", "SA07", "57463", "S2"},
            {"10000000003", "10", "SM54", "L", "SA08", "57480", "S3"}});
    import("PS_LibreAcces_Personne_activite_202606010000.txt",
           {{"10000000001", "10", "SM54", "L", "SA07", "57463", "S1"},
            {"10000000001", "10", "SM54", "L", "SA08", "57480", "S3"},
            {"10000000003", "10", "SM54", "L", "SA08", "57480", "S3"},
            {"10000000004", "10", "SM53", "L", "SA07", "57463", "S4"},
            {"10000000005", "60", "", "L", "SA07", "57463", "S5"},
            {"10000000006", "60", "", "S", "SA01", "57463", "H1"}});
  }
  json get_json(const std::string& path, Role role, int status = 200) {
    auto who = server_->sign_in(role);
    auto r = server_->get(path, who);
    EXPECT_TRUE(r);
    if (!r) return {};
    EXPECT_EQ(r->status, status) << path << ": " << r->body.substr(0, 300);
    return json::parse(r->body, nullptr, false);
  }
  std::unique_ptr<TestServer> server_;
};

const json& profession(const json& d, const std::string& key) {
  for (const auto& p : d["professions"]) {
    if (p["cle"] == key) return p;
  }
  throw std::runtime_error("no profession " + key);
}

TEST_P(DiagnosticApi, EpciFromImportedSnapshots) {
  import_two_snapshots();
  json d = get_json("/api/v1/diagnostics?epci=200039865", Role::member);
  EXPECT_EQ(d["titre"], "Metz Métropole");
  EXPECT_EQ(d["population"], 141000);
  EXPECT_EQ(d["nombre_communes"], 2);
  const json& gp = profession(d, "medecin_generaliste");
  // Presence: A twice (two sites), C, D = 4 activities; FTE: A 1/2 + 1/2, C 1, D 1 = 3.
  EXPECT_EQ(gp["territoire"]["effectif"], 4);
  EXPECT_DOUBLE_EQ(gp["territoire"]["etp"].get<double>(), 3.0);
  EXPECT_NEAR(gp["territoire"]["densite"].get<double>(), 4 * 10000.0 / 141000, 1e-9);
  // Moselle = 156 350 inhabitants, same 4 GPs; Grand Est 260 350; France 2 360 350.
  EXPECT_NEAR(gp["departement"]["densite"].get<double>(), 4 * 10000.0 / 156350, 1e-9);
  EXPECT_NEAR(gp["france"]["densite"].get<double>(), 4 * 10000.0 / 2360350, 1e-9);
  // Since 2025: D arrived, B left; 3 activities then, 4 now.
  EXPECT_EQ(gp["evolution"]["arrivees"], 1);
  EXPECT_EQ(gp["evolution"]["departs"], 1);
  EXPECT_EQ(gp["evolution"]["avant"], 3);
  EXPECT_EQ(gp["evolution"]["variation"], 1);
  // Only the office-based nurse.
  EXPECT_EQ(profession(d, "infirmier")["territoire"]["effectif"], 1);
  EXPECT_EQ(d["sources"]["instantane"]["date_extraction"], "2026-06-01");
  EXPECT_EQ(d["sources"]["instantane_precedent"]["date_extraction"], "2025-06-01");
  EXPECT_EQ(d["sources"]["methode"]["seuil"], 2.5);
  // Only Moselle has professionals in these extracts: comparisons beyond it are partial.
  EXPECT_EQ(d["sources"]["departements_couverts"], 1);
  EXPECT_EQ(d["sources"]["departements_total"], 3);
  EXPECT_EQ(d["sources"]["methode"]["minutes_max"], 20);
  // Accessibility: 3 FTE × 5 400 consultations for the inhabitants within reach; Metz and
  // Montigny reach each other, so the territory mean is positive and below the national cap.
  const json& acc = d["accessibilite"];
  ASSERT_EQ(acc["communes"].size(), 2U);
  EXPECT_GT(acc["moyenne"].get<double>(), 0);
  EXPECT_LT(acc["moyenne"].get<double>(), 3 * 5400.0 / 141000 * 1.5);
  EXPECT_EQ(d["departements"], json::array({"57"}));
}

TEST_P(DiagnosticApi, SelectionErrorsAndScope) {
  auto admin = server_->sign_in(Role::admin);
  auto r = server_->get("/api/v1/diagnostics?communes=57463,99999", admin);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["field"], "communes");
  r = server_->get("/api/v1/diagnostics?commune=57463", admin);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["code"], "unknown_field");
  r = server_->get("/api/v1/diagnostics", admin);
  EXPECT_EQ(r->status, 400);
  r = server_->get("/api/v1/diagnostics?epci=999999999", admin);
  EXPECT_EQ(r->status, 404);
  r = server_->get("/api/v1/diagnostics?communes=57463&seuil=abc", admin);
  EXPECT_EQ(r->status, 400);
  EXPECT_EQ(json::parse(r->body)["field"], "seuil");
  // Without any RPPS extract: populations only, accessibility unknown.
  json d = get_json("/api/v1/diagnostics?communes=57463;57480&seuil=3,5", Role::coordinator);
  EXPECT_EQ(d["population"], 141000);
  EXPECT_TRUE(d["sources"]["instantane"].is_null());
  EXPECT_TRUE(d["accessibilite"]["moyenne"].is_null());
  EXPECT_EQ(d["accessibilite"]["seuil"], 3.5);

  // A structure with a territory in Moselle: the coordinator of the demo structure is not its
  // coordinator, the ROC of Moselle is in scope.
  std::int64_t id = 0;
  auto st = server_->app().database().transact([&](store::Tx& tx) -> Status {
    auto q = tx.query(
        "INSERT INTO structures (kind, name, departement, created_at, updated_at) "
        "VALUES ('CPTS', 'CPTS API (fictive)', '57', 'x', 'x') RETURNING id");
    if (!q) return tl::unexpected(q.error());
    id = q->rows[0].integer(0);
    for (const char* c : {"57463", "57001"}) {
      auto e = tx.exec("INSERT INTO structure_communes (structure_id, commune) VALUES ($1, $2)",
                       {id, std::string(c)});
      if (!e) return tl::unexpected(e.error());
    }
    return {};
  });
  ASSERT_TRUE(st) << st.error().describe();
  const std::string path = "/api/v1/diagnostics?structure=" + std::to_string(id);
  d = get_json(path, Role::coordinator, 403);
  EXPECT_EQ(d["code"], "forbidden");
  d = get_json(path, Role::roc);
  EXPECT_EQ(d["titre"], "CPTS API (fictive)");
  EXPECT_EQ(d["population"], 120350);
  EXPECT_EQ(d["structures"].size(), 1U);
  d = get_json("/api/v1/diagnostics?structure=abc", Role::roc, 400);
}

TEST_P(DiagnosticApi, PageAndPrintableReport) {
  import_two_snapshots();
  auto who = server_->sign_in(Role::coordinator);
  auto r = server_->get("/diagnostic", who);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("Metz Métropole"), std::string::npos);  // the EPCI list of Moselle
  EXPECT_EQ(r->body.find("id=\"diagnostic\""), std::string::npos);
  r = server_->get("/diagnostic?epci=200039865", who);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("id=\"tableau-professions\""), std::string::npos);
  EXPECT_NE(r->body.find("Médecins généralistes"), std::string::npos);
  EXPECT_NE(r->body.find("141\u202f000"), std::string::npos);
  EXPECT_NE(r->body.find("/diagnostic/rapport?epci=200039865"), std::string::npos);
  EXPECT_NE(r->body.find("chartjs/chart.umd.js"), std::string::npos);
  EXPECT_NE(r->body.find("1 département sur 3"), std::string::npos);
  // A bad selection is shown on the page, with the form.
  r = server_->get("/diagnostic?communes=12", who);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("commune inconnue : 12"), std::string::npos);

  r = server_->get("/diagnostic/rapport?epci=200039865&seuil=3", who);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  for (const char* expected :
       {"Sources et méthode", "extraction du 2026-06-01", "extraction précédente du 2025-06-01",
        "step:10=1,15=2/3,20=1/3", "20 minutes", "1,30", "50 km/h", "5\u202f400",
        "strictement inférieure à 3,00", "populations légales", "diagnostic.css"}) {
    EXPECT_NE(r->body.find(expected), std::string::npos) << expected;
  }
  // The report needs a selection that works.
  r = server_->get("/diagnostic/rapport?communes=99999", who);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
}

INSTANTIATE_TEST_SUITE_P(Backends, DiagnosticApi, all_backends(), backend_name);

}  // namespace
}  // namespace maillage::testing
