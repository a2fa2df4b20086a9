// Placing communes: GeoNames points matched by INSEE code, checked against the commune's EPCI
// and département, imputation for the others. Used by build_referentiel; exposed for tests.
#pragma once

#include <vector>

#include "common/error.hpp"
#include "geo/build.hpp"
#include "geo/referentiel.hpp"

namespace maillage::geo {

struct PositionReport {
  std::size_t places_matched = 0;
  std::size_t places_unmatched = 0;
  std::vector<RejectedPoint> rejected;
};

// Sets position and quality of every entry of `communes`, whose code, nom, departement, epci,
// postcodes, arrondissement and parent are already filled (arrondissements carry their parent's
// EPCI). Matching rules, in order, for each GeoNames row:
//  1. admin4, else admin2, else admin1 equal to a commune code (FR and DROM use admin4; Mayotte,
//     Saint-Pierre-et-Miquelon and Wallis-et-Futuna admin1; New Caledonia admin2);
//  2. else, for an overseas country code, the only commune of its territory (Saint-Barthélemy,
//     Saint-Martin) or the only commune of the territory with the same folded name (French
//     Polynesia, whose rows carry GeoNames ids instead of INSEE codes);
//  3. a row of a Paris/Lyon/Marseille commune named "<commune> NN" goes to arrondissement NN.
// Among several rows for one commune: same name first, then seats (PPLC, PPLA..PPLA5), then
// population. Then the rejection test and the imputation cascade documented on BuildOptions
// and CoordQuality; imputed points are spread on land (`land`, degrees; empty = no constraint).
// Fails when a commune cannot be placed at all.
Result<PositionReport> assign_positions(std::vector<Commune>& communes,
                                        const std::vector<PlaceRecord>& places,
                                        const std::vector<TerritoryOutline>& territories,
                                        const MultiPolygon& land, const BuildOptions& options);

// Great-circle-free local distance in km (equirectangular at the mean latitude): accurate to
// well under 1 % over the few hundred km this code compares.
double distance_km(LatLon a, LatLon b);

}  // namespace maillage::geo
