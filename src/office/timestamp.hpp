// Internal: the creation timestamps written into document properties (not part of the API).
#pragma once

#include <string>
#include <string_view>

namespace maillage::office::detail {

/// True for "YYYY-MM-DDTHH:MM:SSZ" naming a real date and time (UTC).
bool valid_utc_timestamp(std::string_view t);

/// The current time as "YYYY-MM-DDTHH:MM:SSZ".
std::string now_utc();

/// Proleptic Gregorian date check (years 1..9999).
bool valid_civil_date(int year, int month, int day);

}  // namespace maillage::office::detail
