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

/// The measure key of an MSP contract's year facts: mission "msp", indicator "patientele" holds
/// the year's patients; any other indicator id holds its achievement rate (percent).
inline constexpr const char* kMspMission = "msp";
inline constexpr const char* kMspPatients = "patientele";

/// An MSP document (terms) with the measures entered per calendar year put in: "patientele"
/// values set the year's patients (the year is added when absent; a year with an achievement but
/// no patients is added with 0 patients), the others become the indicators' achievements,
/// replacing one the terms had for that year. Compact JSON; the terms when not a JSON object.
[[nodiscard]] std::string merge_msp_measures(std::string_view terms,
                                             const std::vector<DocumentMeasure>& measures);

/// A contractual avenant as a page lists it (see ContractAmendment).
struct DocumentAmendment {
  std::string from;
  std::string size_class;  // "" : unchanged
  std::vector<std::string> missions;
  std::string reason;
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
  std::vector<DocumentAmendment> amendments;  // in order
  std::string signature;
  std::string size_class;
  std::string accord;
  /// Mission id → its start date ("" : none), in order.
  std::vector<std::pair<std::string, std::string>> mission_starts;
  /// Amounts written in the contract: contract-wide envelopes (by name), then each mission's,
  /// with their JSON text.
  std::vector<std::pair<std::string, std::string>> amounts;
};

/// Reads a document; none when it is not JSON.
[[nodiscard]] std::optional<DocumentOutline> outline_document(std::string_view document);

/// Missions of an indicators object, each with whether it has indicators.
[[nodiscard]] std::vector<std::pair<std::string, bool>> indicator_missions(
    std::string_view indicators);

/// A change of the terms before the first payment (each field: none = unchanged). Missions are
/// the full list after the change, each with its start ("" : none); a kept mission keeps its
/// other fields (deadlines, amounts).
struct TermsEdit {
  std::optional<std::string> signature;
  std::optional<std::string> size_class;
  std::optional<std::string> accord;
  std::optional<std::vector<std::pair<std::string, std::string>>> missions;
};

/// The terms with the edit applied (compact JSON); none when the terms are not a JSON object.
/// The result is not validated: the caller parses it with the engine.
[[nodiscard]] std::optional<std::string> edit_terms(std::string_view terms, const TermsEdit& edit);

/// The terms with a contractual avenant appended to "amendments": the missions it adds are
/// appended to "missions" with their start ("" : the avenant's date). Not validated.
[[nodiscard]] std::optional<std::string> add_amendment(
    std::string_view terms, const DocumentAmendment& amendment,
    const std::vector<std::pair<std::string, std::string>>& mission_starts);

enum class TargetEdit { done, unknown_mission, unknown_indicator };

/// Whether `indicators` has this indicator (without changing it).
[[nodiscard]] TargetEdit find_target(std::string_view indicators, const std::string& mission,
                                     const std::string& indicator);

/// Sets the paliers of an indicator in one contract year (adding the year when absent).
TargetEdit set_target(std::string& indicators, const std::string& mission,
                      const std::string& indicator, int year, const std::vector<double>& paliers);

}  // namespace maillage::aci
