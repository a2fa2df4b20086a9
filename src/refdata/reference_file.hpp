// The référentiel on disk (a SQLite file, var/reference.sqlite by default): built from the registry
// packages by `maillage reference build`, loaded whole into memory by the server and the CLI.
#pragma once

#include <string>

#include "common/error.hpp"
#include "geo/referentiel.hpp"

namespace maillage::refdata {

Result<geo::Referentiel> load_reference(const std::string& path);

}  // namespace maillage::refdata
