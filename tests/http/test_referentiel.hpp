// A small hand-made référentiel for the API tests: two régions, three départements, a few
// communes of Moselle around Metz with square cells and known neighbours, one EPCI, Paris and
// one of its arrondissements. Figures are rounded, not official.
#pragma once

#include "geo/referentiel.hpp"

namespace maillage::testing {

geo::Referentiel small_referentiel();

}  // namespace maillage::testing
