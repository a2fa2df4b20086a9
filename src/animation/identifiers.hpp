// Identifiers of partner organisations: SIREN (INSEE's company number, with its Luhn key) and
// FINESS (the health and social establishments' file: 9 characters, the département first).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace maillage::animation {

/// The Luhn sum of a string of digits is a multiple of 10 (false on anything else than digits).
bool luhn_valid(std::string_view digits);

/// Spaces removed; nullopt when what is left is not 9 digits with a valid Luhn key. The SIREN of
/// La Poste (356000000) is accepted as is (its establishments are numbered outside the key).
std::optional<std::string> normalise_siren(std::string_view text);

/// Spaces removed; nullopt when what is left is not 9 characters made of the two characters of a
/// département ("01".."95", "2A", "2B", "97" for the outre-mer, whose third digit follows) and 7
/// digits. Format only: the file itself is not consulted.
std::optional<std::string> normalise_finess(std::string_view text);

}  // namespace maillage::animation
