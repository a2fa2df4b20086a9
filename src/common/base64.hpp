// Base64 (RFC 4648 §4, with padding): documents and evidence files travel in JSON bodies and are
// stored as text.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace maillage::base64 {

[[nodiscard]] std::string encode(std::string_view bytes);
/// nullopt for malformed input: a length that is not a multiple of 4, a character outside the
/// alphabet, or padding anywhere but at the end.
[[nodiscard]] std::optional<std::string> decode(std::string_view text);

}  // namespace maillage::base64
