// Amounts are integer cents everywhere in this module; this writes them the French way.
#pragma once

#include <cstdint>
#include <string>

namespace maillage::association {

/// 4636800 → "46 368,00 €" (U+202F between thousands, U+00A0 before the sign), -150 → "-1,50 €".
[[nodiscard]] std::string format_euros(std::int64_t cents);

}  // namespace maillage::association
