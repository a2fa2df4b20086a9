#include "geo/referentiel.hpp"

#include <gtest/gtest.h>

namespace maillage::geo {
namespace {

Commune make(std::string code, std::string nom, std::int64_t population) {
  Commune c;
  c.code = std::move(code);
  c.nom = std::move(nom);
  c.departement = "57";
  c.region = "44";
  c.population = population;
  return c;
}

Referentiel sample() {
  Referentiel ref;
  ref.communes = {make("57463", "Metz", 120000),          make("57480", "Montigny-lès-Metz", 21000),
                  make("57606", "Saint-Avold", 15000),    make("57605", "Saint-Avit", 300),
                  make("57999", "Ars-sur-Moselle", 4800), make("57998", "Ametzviller", 100)};
  ref.departements = {{"57", "Moselle", "44", {0, 1, 2, 3, 4, 5}}};
  ref.regions = {{"44", "Grand Est", {"57"}}};
  ref.epcis = {{"200039865", "Metz Métropole", "METRO", 141000, {0, 1, 4}}};
  // 0-1, 0-4 neighbours.
  ref.neighbour_offsets = {0, 2, 3, 3, 3, 4, 4};
  ref.neighbour_list = {1, 4, 0, 0};
  ref.index();
  return ref;
}

std::vector<std::string> names(const Referentiel& ref, const std::vector<CommuneIndex>& hits) {
  std::vector<std::string> out;
  for (CommuneIndex i : hits) out.push_back(ref.communes[i].nom);
  return out;
}

TEST(Referentiel, LooksUpByCode) {
  const Referentiel ref = sample();
  ASSERT_NE(ref.commune("57463"), nullptr);
  EXPECT_EQ(ref.commune("57463")->nom, "Metz");
  EXPECT_EQ(ref.index_of(*ref.commune("57606")), 2U);
  EXPECT_EQ(ref.commune("99999"), nullptr);
  EXPECT_EQ(ref.commune(""), nullptr);
  ASSERT_NE(ref.epci("200039865"), nullptr);
  EXPECT_EQ(ref.epci("200039865")->nom, "Metz Métropole");
  EXPECT_EQ(ref.departement("57")->nom, "Moselle");
  EXPECT_EQ(ref.region("44")->nom, "Grand Est");
  EXPECT_EQ(ref.region("11"), nullptr);
}

TEST(Referentiel, NeighboursAreSpansOfTheCsr) {
  const Referentiel ref = sample();
  const auto n0 = ref.neighbours(0);
  EXPECT_EQ(std::vector<CommuneIndex>(n0.begin(), n0.end()), (std::vector<CommuneIndex>{1, 4}));
  EXPECT_EQ(ref.neighbours(2).size(), 0U);
  EXPECT_EQ(ref.neighbours(4).size(), 1U);
  EXPECT_EQ(ref.neighbours(100).size(), 0U);  // out of range: empty, not a crash
}

TEST(Referentiel, SearchIgnoresCaseAccentsAndPunctuation) {
  const Referentiel ref = sample();
  // Prefix first, then the start of a word, then anywhere (Ametzviller).
  EXPECT_EQ(names(ref, ref.search("metz", 10)),
            (std::vector<std::string>{"Metz", "Montigny-lès-Metz", "Ametzviller"}));
  EXPECT_EQ(names(ref, ref.search("saint-avold", 10)), (std::vector<std::string>{"Saint-Avold"}));
  EXPECT_EQ(names(ref, ref.search("Saint-Avold", 10)), names(ref, ref.search("saint avold", 10)));
  EXPECT_EQ(names(ref, ref.search("MONTIGNY LES", 10)),
            (std::vector<std::string>{"Montigny-lès-Metz"}));
  EXPECT_EQ(names(ref, ref.search("lès", 10)), (std::vector<std::string>{"Montigny-lès-Metz"}));
}

TEST(Referentiel, SearchRanksByPopulationAndHonoursTheLimit) {
  const Referentiel ref = sample();
  EXPECT_EQ(names(ref, ref.search("saint", 10)),
            (std::vector<std::string>{"Saint-Avold", "Saint-Avit"}));
  EXPECT_EQ(names(ref, ref.search("saint", 1)), (std::vector<std::string>{"Saint-Avold"}));
  EXPECT_TRUE(ref.search("", 10).empty());
  EXPECT_TRUE(ref.search(" - ", 10).empty());
  EXPECT_TRUE(ref.search("metz", 0).empty());
  EXPECT_TRUE(ref.search("zzz", 10).empty());
}

TEST(CoordQuality, IdsRoundTrip) {
  for (int q = 0; q < kCoordQualityCount; ++q) {
    const auto quality = static_cast<CoordQuality>(q);
    EXPECT_EQ(parse_coord_quality(coord_quality_id(quality)), quality);
  }
  EXPECT_EQ(coord_quality_id(CoordQuality::imputed_postcode), "imputed-postcode");
  EXPECT_FALSE(parse_coord_quality("approximate").has_value());
}

}  // namespace
}  // namespace maillage::geo
