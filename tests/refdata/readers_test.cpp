#include <gtest/gtest.h>

#include "refdata/packages.hpp"

namespace maillage::refdata {
namespace {

constexpr const char* kCommunes = R"([
  {"code": "57463", "nom": "Metz", "zone": "metro", "departement": "57", "region": "44",
   "type": "commune-actuelle", "codesPostaux": ["57000", "57050"], "population": 122572},
  {"code": "57001", "nom": "Ancienne", "type": "commune-deleguee", "zone": "metro",
   "departement": "57", "region": "44"},
  {"code": "13201", "nom": "Marseille 1er Arrondissement", "type": "arrondissement-municipal",
   "commune": "13055", "zone": "metro", "departement": "13", "region": "93",
   "codesPostaux": ["13001"], "population": 37599},
  {"code": "98411", "nom": "Îles Saint-Paul et Nouvelle-Amsterdam", "zone": "com",
   "departement": "984", "region": "984", "type": "commune-actuelle"}
])";

TEST(DecoupageReader, ReadsCommunesAndArrondissements) {
  Result<std::vector<geo::CommuneRecord>> r = parse_communes(kCommunes, "communes.json");
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), 3U);  // the delegated commune is skipped
  const geo::CommuneRecord& metz = (*r)[0];
  EXPECT_EQ(metz.code, "57463");
  EXPECT_EQ(metz.nom, "Metz");
  EXPECT_EQ(metz.population, 122572);
  EXPECT_EQ(metz.postcodes, (std::vector<std::string>{"57000", "57050"}));
  EXPECT_FALSE(metz.arrondissement);
  EXPECT_EQ((*r)[1].parent, "13055");
  EXPECT_TRUE((*r)[1].arrondissement);
  EXPECT_EQ((*r)[1].item, 2U);
  EXPECT_EQ((*r)[2].population, 0);  // no population in the package
  EXPECT_EQ((*r)[2].zone, "com");
}

TEST(DecoupageReader, ErrorsNameFileLineAndField) {
  // Missing "nom" in the second record, which starts on line 3.
  const std::string missing =
      "[\n{\"code\":\"01001\",\"nom\":\"A\",\"type\":\"commune-actuelle\",\"zone\":\"metro\","
      "\"departement\":\"01\",\"region\":\"84\"},\n"
      "{\"code\":\"01002\",\"type\":\"commune-actuelle\",\"zone\":\"metro\",\"departement\":\"01\","
      "\"region\":\"84\"}\n]";
  Result<std::vector<geo::CommuneRecord>> r = parse_communes(missing, "communes.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::parse_error);
  EXPECT_EQ(r.error().file, "communes.json");
  EXPECT_EQ(r.error().line, 3);
  EXPECT_EQ(r.error().field, "[1].nom");

  // Wrong type, on the line of the value.
  const std::string wrong =
      "[{\"code\":\"01001\",\"nom\":\"A\",\"type\":\"commune-actuelle\",\n"
      "\"zone\":\"metro\",\"departement\":\"01\",\"region\":\"84\",\n"
      "\"population\":\"860\"}]";
  r = parse_communes(wrong, "communes.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().line, 3);
  EXPECT_EQ(r.error().field, "[0].population");

  const std::string bad_postcode =
      "[{\"code\":\"01001\",\"nom\":\"A\",\"type\":\"commune-actuelle\",\"zone\":\"metro\","
      "\"departement\":\"01\",\"region\":\"84\",\"codesPostaux\":[\"01400\",\"1400\"]}]";
  r = parse_communes(bad_postcode, "communes.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "[0].codesPostaux[1]");

  const std::string bad_code =
      "[{\"code\":\"1001\",\"nom\":\"A\",\"type\":\"commune-actuelle\",\"zone\":\"metro\","
      "\"departement\":\"01\",\"region\":\"84\"}]";
  r = parse_communes(bad_code, "communes.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "[0].code");

  const std::string unknown_type =
      "[{\"code\":\"01001\",\"nom\":\"A\",\"type\":\"commune-fantome\",\"zone\":\"metro\","
      "\"departement\":\"01\",\"region\":\"84\"}]";
  r = parse_communes(unknown_type, "communes.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "[0].type");
}

TEST(DecoupageReader, SyntaxErrorsGiveTheLine) {
  Result<std::vector<geo::CommuneRecord>> r =
      parse_communes("[\n{\"code\": \"01001\",\n\"nom\": }\n]", "communes.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().line, 3);
  EXPECT_NE(r.error().message.find("JSON invalide"), std::string::npos);
  r = parse_communes("{\"code\": \"01001\"}", "communes.json");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("tableau"), std::string::npos);
  r = parse_communes("[1, 2]", "communes.json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "[0]");
  r = parse_communes("", "communes.json");
  ASSERT_FALSE(r);
  r = parse_communes("[]", "communes.json");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
}

TEST(DecoupageReader, ReadsEpciDepartementsAndRegions) {
  const std::string epci = R"([{"code":"200039865","nom":"Metz Métropole","type":"METRO",
    "membres":[{"code":"57463","siren":"215704636","nom":"Metz"},{"code":"57480","nom":"Montigny"}]}])";
  Result<std::vector<geo::EpciRecord>> e = parse_epcis(epci, "epci.json");
  ASSERT_TRUE(e) << e.error().describe();
  ASSERT_EQ(e->size(), 1U);
  EXPECT_EQ((*e)[0].members, (std::vector<std::string>{"57463", "57480"}));
  EXPECT_EQ((*e)[0].type, "METRO");

  const std::string bad = R"([{"code":"200039865","nom":"M","type":"METRO",
    "membres":[{"code":"57463"},{"code":57480}]}])";
  e = parse_epcis(bad, "epci.json");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().field, "[0].membres[1].code");
  EXPECT_EQ(e.error().line, 2);
  e = parse_epcis(R"([{"code":"200039865","nom":"M","type":"METRO","membres":[]}])", "epci.json");
  ASSERT_FALSE(e);

  Result<std::vector<geo::DepartementRecord>> d = parse_departements(
      R"([{"code":"2A","region":"94","chefLieu":"2A004","nom":"Corse-du-Sud","zone":"metro"}])",
      "departements.json");
  ASSERT_TRUE(d) << d.error().describe();
  EXPECT_EQ((*d)[0].code, "2A");
  EXPECT_EQ((*d)[0].region, "94");
  Result<std::vector<geo::RegionRecord>> g =
      parse_regions(R"([{"code":"44","nom":"Grand Est"},{"code":"44"}])", "regions.json");
  ASSERT_FALSE(g);
  EXPECT_EQ(g.error().field, "[1].nom");
}

std::string geonames_row(std::string_view name, std::string_view lat, std::string_view lon,
                         std::string_view country, std::string_view admin4,
                         std::string_view population = "1000") {
  // geonameid name asciiname alternatenames lat lon class code country cc2 admin1 admin2
  // admin3 admin4 population elevation dem timezone date
  return "1\t" + std::string(name) + "\t" + std::string(name) + "\t\t" + std::string(lat) + "\t" +
         std::string(lon) + "\tP\tPPL\t" + std::string(country) + "\t\t44\t57\t579\t" +
         std::string(admin4) + "\t" + std::string(population) + "\t\t180\tEurope/Paris\t2024-01-01";
}

TEST(GeonamesReader, KeepsFrenchRowsAndChecksThem) {
  const std::string text = geonames_row("Metz", "49.11911", "6.17269", "FR", "57463") + "\n" +
                           geonames_row("Saarbrücken", "49.2354", "6.9969", "DE", "") + "\r\n" +
                           geonames_row("Les Abymes", "16.27", "-61.50", "GP", "97101", "") + "\n";
  Result<std::vector<geo::PlaceRecord>> r = parse_geonames(text, "cities500.txt");
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), 2U);
  EXPECT_EQ((*r)[0].name, "Metz");
  EXPECT_DOUBLE_EQ((*r)[0].lat, 49.11911);
  EXPECT_EQ((*r)[0].admin4, "57463");
  EXPECT_EQ((*r)[0].admin2, "57");
  EXPECT_EQ((*r)[0].line, 1);
  EXPECT_EQ((*r)[1].line, 3);
  EXPECT_EQ((*r)[1].population, 0);
  EXPECT_EQ((*r)[1].country, "GP");
}

TEST(GeonamesReader, ErrorsNameLineAndColumn) {
  const std::string good = geonames_row("Metz", "49.1", "6.1", "FR", "57463") + "\n";
  Result<std::vector<geo::PlaceRecord>> r =
      parse_geonames(good + geonames_row("Nulle part", "4x.1", "6.1", "FR", "57001"), "c.txt");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().file, "c.txt");
  EXPECT_EQ(r.error().line, 2);
  EXPECT_EQ(r.error().field, "latitude");
  r = parse_geonames(good + geonames_row("Loin", "49.1", "186.0", "FR", "57001"), "c.txt");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "longitude");
  r = parse_geonames(good + good + "1\tMetz\t49.1\n", "c.txt");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().line, 3);
  EXPECT_EQ(r.error().field, "colonnes");
  r = parse_geonames(geonames_row("Metz", "49.1", "6.1", "FR", "57463", "-3"), "c.txt");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "population");
  r = parse_geonames("", "c.txt");
  ASSERT_TRUE(r);
  EXPECT_TRUE(r->empty());
}

// A square (lon 10..12, lat 40..41) made of two quantized arcs, the same square the other way
// round through a reversed arc, and a triangle keyed by name.
constexpr const char* kTopology = R"({"type": "Topology",
  "transform": {"scale": [0.5, 0.25], "translate": [10, 40]},
  "objects": {"countries": {"type": "GeometryCollection", "geometries": [
    {"type": "Polygon", "id": "250", "properties": {"name": "France"}, "arcs": [[0, 1]]},
    {"type": "MultiPolygon", "properties": {"name": "Clipperton I."}, "arcs": [[[2]]]},
    {"type": "Polygon", "id": "276", "arcs": [[-2, 3]]},
    {"type": "Polygon", "id": "380", "arcs": [[0, 1]]}]},
   "land": {"type": "GeometryCollection", "geometries": [{"type": "Polygon", "arcs": [[0, 1]]}]}},
  "arcs": [[[0, 0], [4, 0], [0, 4]], [[4, 4], [-4, 0], [0, -4]],
           [[10, 10], [1, 0], [0, 1], [-1, -1]], [[4, 4], [0, -4], [-4, 0]]],
  "bbox": [10, 40, 15, 43]})";

TEST(TopojsonDecoder, DecodesQuantizedDeltaArcs) {
  Result<std::map<std::string, geo::MultiPolygon>> r =
      decode_topojson(kTopology, "countries.json", "countries", {"250", "276", "Clipperton I."});
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->size(), 3U);
  const geo::MultiPolygon& france = r->at("250");
  ASSERT_EQ(france.size(), 1U);
  const geo::Ring expected = {{40, 10}, {40, 12}, {41, 12}, {41, 10}, {40, 10}};
  ASSERT_EQ(france[0].outer.size(), expected.size());
  for (std::size_t k = 0; k < expected.size(); ++k) {
    EXPECT_DOUBLE_EQ(france[0].outer[k].lat, expected[k].lat) << k;
    EXPECT_DOUBLE_EQ(france[0].outer[k].lon, expected[k].lon) << k;
  }
  // ~1 reverses arc 1: the same square, clockwise.
  const geo::Ring& reversed = r->at("276")[0].outer;
  ASSERT_EQ(reversed.size(), 5U);
  EXPECT_DOUBLE_EQ(reversed[1].lat, 41);
  EXPECT_DOUBLE_EQ(reversed[1].lon, 10);
  EXPECT_DOUBLE_EQ(reversed[3].lat, 40);
  EXPECT_DOUBLE_EQ(reversed[3].lon, 12);
  const geo::Ring& clipperton = r->at("Clipperton I.")[0].outer;
  ASSERT_EQ(clipperton.size(), 4U);
  EXPECT_DOUBLE_EQ(clipperton[0].lon, 15);
  EXPECT_DOUBLE_EQ(clipperton[0].lat, 42.5);
  EXPECT_DOUBLE_EQ(clipperton[2].lat, 42.75);
}

TEST(TopojsonDecoder, ReadsUnquantizedTopologies) {
  const std::string topo = R"({"type":"Topology","objects":{"o":{"type":"GeometryCollection",
    "geometries":[{"type":"Polygon","id":7,"arcs":[[0]]}]}},
    "arcs":[[[1.5,2.5],[3.5,2.5],[3.5,4.5],[1.5,2.5]]]})";
  Result<std::map<std::string, geo::MultiPolygon>> r = decode_topojson(topo, "t.json", "o", {"7"});
  ASSERT_TRUE(r) << r.error().describe();
  ASSERT_EQ(r->at("7")[0].outer.size(), 4U);
  EXPECT_DOUBLE_EQ(r->at("7")[0].outer[1].lon, 3.5);
  EXPECT_DOUBLE_EQ(r->at("7")[0].outer[2].lat, 4.5);
}

TEST(TopojsonDecoder, RejectsMalformedTopologies) {
  Result<std::map<std::string, geo::MultiPolygon>> r = decode_topojson(
      R"({"type":"Topology","objects":{"o":{"geometries":[{"type":"Polygon","id":"1","arcs":[[5]]}]}},"arcs":[]})",
      "t.json", "o", {"1"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "objects.o.geometries[0].arcs");
  EXPECT_NE(r.error().message.find("hors limites"), std::string::npos);

  r = decode_topojson(R"({"type":"FeatureCollection","features":[]})", "t.json", "o", {"1"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "type");

  r = decode_topojson("{\"type\":\"Topology\",\n\"arcs\":[[[0,0],{\"x\":1}]]}", "t.json", "o",
                      {"1"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "arcs[0]");
  EXPECT_EQ(r.error().line, 2);

  r = decode_topojson(R"({"type":"Topology","arcs":[[[0]]]})", "t.json", "o", {"1"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("incomplète"), std::string::npos);

  r = decode_topojson(
      R"({"type":"Topology","objects":{"o":{"geometries":[{"type":"Point","id":"1","coordinates":[0,0]}]}},"arcs":[]})",
      "t.json", "o", {"1"});
  ASSERT_FALSE(r);

  r = decode_topojson("{\"type\":\"Topology\",\n\"arcs\":[[[0,0]]", "t.json", "o", {"1"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("JSON invalide"), std::string::npos);
}

}  // namespace
}  // namespace maillage::refdata
