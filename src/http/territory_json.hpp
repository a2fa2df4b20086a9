// Private to the territory feature: the JSON of its answers (territory, CSV preview, coverage,
// observatory), built from the typed results of services::Territories. The API answers and the
// pages' data are these documents.
#pragma once

#include <nlohmann/json.hpp>

#include "geo/referentiel.hpp"
#include "services/territory.hpp"

namespace maillage::http {

[[nodiscard]] nlohmann::json territory_json(const geo::Referentiel& ref,
                                            const services::TerritoryView& v);
[[nodiscard]] nlohmann::json territory_preview_json(const geo::Referentiel& ref,
                                                    const services::TerritoryPreview& p);
[[nodiscard]] nlohmann::json coverage_json(const services::CoverageReport& c);
[[nodiscard]] nlohmann::json observatory_row_json(const services::ObservatoryRow& r);
[[nodiscard]] nlohmann::json observatory_json(const services::Observatory& o);

}  // namespace maillage::http
