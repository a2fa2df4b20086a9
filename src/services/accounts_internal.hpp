// Helpers shared by the files of the Accounts service (accounts.cpp, accounts_reset.cpp): tokens
// and their stored hashes, the password rule. Private to src/services.
#pragma once

#include <string>
#include <string_view>

#include "common/error.hpp"

namespace maillage::services::accounts_detail {

/// 64 lowercase hex digits from 32 random bytes (session tokens, CSRF tokens, reset links).
Result<std::string> random_token();
/// What the database keeps of a token, so that a copy of a table opens nothing.
std::string sha256_hex(std::string_view data);
/// True for text shaped like random_token()'s output.
bool is_token(std::string_view token);
/// At least 10 characters, at most 1 024 bytes; invalid_input on field "password".
Status validate_password(const std::string& password);

}  // namespace maillage::services::accounts_detail
