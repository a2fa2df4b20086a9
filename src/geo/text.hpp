// Name folding for search and matching: French place names are compared without case, accents
// or punctuation ("Saint-Avold" == "saint avold", "Évian" == "evian").
#pragma once

#include <string>
#include <string_view>

namespace maillage::geo {

// Lower-case ASCII form of a UTF-8 name: Latin letters lose their accents (é → e, ç → c,
// œ → oe, ß → ss), hyphens, apostrophes and other punctuation become single spaces, leading and
// trailing spaces are dropped. Characters outside Latin-1/Latin Extended-A are kept as they
// are; invalid UTF-8 bytes are dropped.
std::string fold_name(std::string_view name);

}  // namespace maillage::geo
