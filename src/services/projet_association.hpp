// Reading the association's data for the projet de santé (see projet_association.cpp).
#pragma once

#include <cstdint>
#include <optional>

#include "projet/draft.hpp"
#include "services/auth.hpp"

namespace maillage::services {

class Association;
class AssociationWork;

/// The statuts, collèges, bureau, members and working groups of `structure` as `who` may see
/// them; none without the association service or when `who` may not read the association.
std::optional<projet::AssociationFacts> projet_association_facts(Association* association,
                                                                 const AssociationWork* work,
                                                                 const Principal& who,
                                                                 std::int64_t structure);

}  // namespace maillage::services
