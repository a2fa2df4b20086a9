// The professions the diagnostic shows, in display order, and how an RPPS activity maps onto
// them (profession code of the extract, plus the savoir-faire for general practitioners).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "diagnostic/diagnostic.hpp"

namespace maillage::diagnostic {

inline constexpr std::string_view kGeneralPractitioner = "medecin_generaliste";

/// Médecins généralistes first (the APL is computed for them), then the other professions of
/// primary care, then other physicians.
std::span<const Profession> primary_care_professions();

/// Key of an RPPS activity: "medecin_generaliste" for profession 10 with savoir-faire SM26, SM53
/// or SM54; "medecin_autre" for other physicians; "infirmier" (60), "masseur_kinesitherapeute"
/// (70), "sage_femme" (50), "chirurgien_dentiste" (40), "pharmacien" (21), "orthophoniste" (91),
/// "pedicure_podologue" (80), "orthoptiste" (92); "" for professions the diagnostic leaves out.
std::string_view profession_key(std::string_view profession_code, std::string_view savoir_faire);

}  // namespace maillage::diagnostic
