// Shared by the association use-case files (association.cpp, association_import.cpp): the
// engine's view of the stored statuts, member validation and display helpers.
#pragma once

#include <string>

#include "association/membership.hpp"
#include "association/statuts.hpp"
#include "geo/referentiel.hpp"
#include "services/association.hpp"
#include "services/association_repository.hpp"

namespace maillage::services::assoc {

/// The engine's statuts from the stored ones (AG rules keep the engine's defaults).
association::Statuts to_engine(const StatutsInput& in);

/// Checks the choices of the AG options (the engine checks the numbers); normalises the minimum
/// of a quorum that is not required. Errors name the field ("ag.first_quorum").
Status check_ag_rules(AgRules& rules);

/// "DUPONT Marie", or "Pharmacie du Centre".
std::string display_name(const MemberInput& m);
/// The French name of a collège of the statuts (its id when the statuts do not know it).
std::string college_name(const StatutsInput& statuts, const std::string& college_id);

/// Checks and normalises a member (trims, lower-cases the e-mail, places it in a collège when
/// none is given); errors name the field (`last_name`, `college`, …) in French.
Status normalise_member(const association::Statuts& statuts, const geo::Referentiel& ref,
                        MemberInput& m);

/// "Collège : Médecins → Paramédicaux ; Téléphone : … → …" ("" when nothing changed).
std::string describe_changes(const MemberInput& before, const MemberInput& after);

std::vector<association::Tariff> engine_tariffs(const std::vector<TariffRow>& rows);
/// A member's dues for the engine: collège, profession (or legal kind), dates, payments.
association::MemberDues engine_dues(std::int64_t id, const MemberInput& m,
                                    const std::vector<PaymentRow>& payments);
/// "en_attente", "a_jour", "echue", "radiee".
std::string status_id(association::MembershipStatus s);

PaymentView payment_view(const PaymentRow& p, const std::string& member_name);

}  // namespace maillage::services::assoc
