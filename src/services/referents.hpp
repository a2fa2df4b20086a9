// Referent management: who follows which part of a département for the CPAM or the ARS (ROC,
// délégué de l'Assurance Maladie, praticien-conseil, contact ARS), on which area (the whole
// département, an EPCI, a commune, or named structures), since when and who said so; retiring an
// assignment keeps it in the history. The sectors of the plan in force (services/sectors.hpp) are
// listed alongside, read-only here (they are changed on the sectors page).
//
// These assignments are what "Qui est mon ROC ?" and the portfolio's referents read
// (services/registry_portfolio.cpp: commune, then sector, then EPCI, then département).
// Read: admin, observer, ROC of the département, ARS and chargé de mission of its région.
// Assign and retire: admin and ROC of the département.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "geo/referentiel.hpp"
#include "services/auth.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

struct ReferentFunction {
  std::string id;     // "roc", "delegue", "praticien_conseil", "contact_ars"
  std::string label;  // French
};
const std::vector<ReferentFunction>& referent_functions();

struct ReferentAssignment {
  std::int64_t user_id = 0;
  std::string login, display_name, role;
  std::string fonction, fonction_label;
  std::string area_kind;   // "departement", "epci", "commune", "structure", "secteur"
  std::string code;        // département, SIREN, INSEE code, structure id, sector number
  std::string area_label;  // French: "EPCI Metz Métropole", "secteur « Est » (suppléant)"...
  std::string since, created_by;  // "YYYY-MM-DD"; empty for areas set before this history
  std::string until, ended_by;    // history only
};

struct ReferentPerson {
  std::int64_t user_id = 0;
  std::string login, display_name, role;
};

struct ReferentChoice {
  std::string code, label;
};

struct ReferentDirectory {
  std::string departement, departement_name;
  std::vector<ReferentAssignment> current;  // by person, then area
  std::vector<ReferentAssignment> history;  // most recent first
  std::vector<ReferentPerson> people;       // who may be assigned
  std::vector<ReferentChoice> epcis, structures;
  bool may_edit = false;
};

struct NewReferentAssignment {
  std::int64_t user_id = 0;
  std::string fonction;
  std::string area_kind;  // departement, epci, commune, structure
  std::string code;
};

class Referents {
 public:
  Referents(store::Database& db, const geo::Referentiel& ref) : db_(&db), ref_(&ref) {}

  Result<ReferentDirectory> directory(const Principal& who, const std::string& departement) const;
  /// Adds an assignment (or changes the fonction of an existing one, which is then retired into
  /// the history and re-opened today).
  Status assign(const Principal& who, const std::string& departement,
                const NewReferentAssignment& in);
  /// Ends an assignment today; it moves to the history.
  Status retire(const Principal& who, const std::string& departement, std::int64_t user_id,
                const std::string& area_kind, const std::string& code);

 private:
  [[nodiscard]] Status require(const Principal& who, const std::string& departement,
                               bool edit) const;
  [[nodiscard]] Result<std::string> area_label(const std::string& departement,
                                               const std::string& kind,
                                               const std::string& code) const;
  store::Database* db_;
  const geo::Referentiel* ref_;
};

}  // namespace maillage::services
