// The stored form of a contract document (maillage-aci-contract/1, src/aci/README.md): its terms
// without indicators, the indicators of one version (a JSON object: mission id → the indicators
// of the contract format, without measured values) and the measured values apart. These helpers
// take a document apart and put it back together, and read the few fields a contract page shows,
// so that the JSON library stays inside the engine (the services see text and structs).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace maillage::aci {

/// A measured value of an indicator in one contract year.
struct DocumentMeasure {
  std::string mission;
  std::string indicator;
  int year = 0;
  double value = 0;
};

/// A contract document taken apart.
struct DocumentParts {
  std::string terms;       // the document without the missions' indicators (compact JSON)
  std::string indicators;  // JSON object: mission → indicators without measured values
  std::vector<DocumentMeasure> measures;
};

/// Takes a document apart; none when it is not JSON.
[[nodiscard]] std::optional<DocumentParts> split_document(std::string_view document);

/// The document with the indicators of a version and the measured values put back (compact JSON).
/// Indicators that are not a JSON object count as none.
[[nodiscard]] std::string merge_document(std::string_view terms, std::string_view indicators,
                                         const std::vector<DocumentMeasure>& measures);

struct DocumentParty {
  std::string role;  // "CPTS", "MSP", "CPAM", "ARS"
  std::string name;
  std::string finess;
  std::string rna;
  std::string siret;
};

/// What the services read in a document's terms.
struct DocumentOutline {
  std::string text;  // compact JSON
  bool is_object = false;
  /// Index of the first mission that carries indicators (terms must not).
  std::optional<std::size_t> mission_with_indicators;
  std::vector<std::string> missions;   // mission ids, in order
  std::vector<DocumentParty> parties;  // in the order CPTS, MSP, CPAM, ARS
  std::vector<std::string> avenant_accords;
  /// Amounts written in the contract: contract-wide envelopes (by name), then each mission's,
  /// with their JSON text.
  std::vector<std::pair<std::string, std::string>> amounts;
};

/// Reads a document; none when it is not JSON.
[[nodiscard]] std::optional<DocumentOutline> outline_document(std::string_view document);

/// Missions of an indicators object, each with whether it has indicators.
[[nodiscard]] std::vector<std::pair<std::string, bool>> indicator_missions(
    std::string_view indicators);

enum class TargetEdit { done, unknown_mission, unknown_indicator };

/// Whether `indicators` has this indicator (without changing it).
[[nodiscard]] TargetEdit find_target(std::string_view indicators, const std::string& mission,
                                     const std::string& indicator);

/// Sets the paliers of an indicator in one contract year (adding the year when absent).
TargetEdit set_target(std::string& indicators, const std::string& mission,
                      const std::string& indicator, int year, const std::vector<double>& paliers);

}  // namespace maillage::aci
