// Hand-written lines of the RPPS extract for the tests: the published header and a line builder
// that fills the 52 columns by name.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "rpps/extract.hpp"

namespace maillage::rpps::testing {

inline std::string header_line() {
  std::string h;
  for (std::string_view c : column_names()) {
    h.append(c);
    h.push_back('|');
  }
  return h + "\n";
}

// One data line: every column empty except those given (by column index), trailing '|'.
inline std::string data_line(const std::map<std::size_t, std::string>& values) {
  std::string line;
  for (std::size_t i = 0; i < kColumnCount; ++i) {
    if (auto it = values.find(i); it != values.end()) line += it->second;
    line.push_back('|');
  }
  return line + "\n";
}

inline std::size_t c(Column col) { return static_cast<std::size_t>(col); }

// A GP (or other profession) at a site of a commune.
inline std::string activity(std::string rpps, std::string profession, std::string savoir_faire,
                            std::string site, std::string commune, std::string postcode = "57000",
                            std::string mode = "L") {
  return data_line(
      {{c(Column::type_identifiant), "8"},
       {c(Column::identifiant), std::move(rpps)},
       {c(Column::nom), "FICTIF"},
       {c(Column::code_profession), profession},
       {c(Column::libelle_profession), profession == "10" ? "Médecin" : "Autre"},
       {c(Column::code_savoir_faire), savoir_faire},
       {c(Column::libelle_savoir_faire), savoir_faire.empty() ? "" : "Médecine générale"},
       {c(Column::code_mode_exercice), std::move(mode)},
       {c(Column::identifiant_structure), std::move(site)},
       {c(Column::code_postal), std::move(postcode)},
       {c(Column::code_commune), std::move(commune)},
       {c(Column::code_secteur), "SA08"}});
}

}  // namespace maillage::rpps::testing
