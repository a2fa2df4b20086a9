#include "diagnostic/professions.hpp"

#include <array>

namespace maillage::diagnostic {

std::span<const Profession> primary_care_professions() {
  static const std::array<Profession, 10> kList{{
      {"medecin_generaliste", "Médecins généralistes"},
      {"infirmier", "Infirmiers"},
      {"masseur_kinesitherapeute", "Masseurs-kinésithérapeutes"},
      {"sage_femme", "Sages-femmes"},
      {"chirurgien_dentiste", "Chirurgiens-dentistes"},
      {"pharmacien", "Pharmaciens"},
      {"orthophoniste", "Orthophonistes"},
      {"pedicure_podologue", "Pédicures-podologues"},
      {"orthoptiste", "Orthoptistes"},
      {"medecin_autre", "Autres médecins (spécialistes)"},
  }};
  return kList;
}

std::string_view profession_key(std::string_view code, std::string_view savoir_faire) {
  if (code == "10") {
    const bool gp = savoir_faire == "SM26" || savoir_faire == "SM53" || savoir_faire == "SM54";
    return gp ? "medecin_generaliste" : "medecin_autre";
  }
  if (code == "60") return "infirmier";
  if (code == "70") return "masseur_kinesitherapeute";
  if (code == "50") return "sage_femme";
  if (code == "40") return "chirurgien_dentiste";
  if (code == "21") return "pharmacien";
  if (code == "91") return "orthophoniste";
  if (code == "80") return "pedicure_podologue";
  if (code == "92") return "orthoptiste";
  return "";
}

}  // namespace maillage::diagnostic
