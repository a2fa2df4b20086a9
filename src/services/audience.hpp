// The audiences of surveys and messages (issue 18 items 3 and 4): the members of a structure, the
// professionals of its territory found in the latest RPPS extract and reached at the e-mail of the
// member record holding their RPPS id, and a pasted list of addresses (one a line, each checked
// with plausible_address). Addresses are lower-cased and given once.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "survey/survey.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

class SupplySource;

/// Who receives a survey or a message. At least one of the three.
struct AudienceInput {
  bool members = false;                  // the structure's members not radiated with an e-mail
  std::vector<std::string> professions;  // members / rpps: RPPS profession codes; empty: all
  bool rpps = false;   // professionals of the territory (latest RPPS extract) held by a member
  std::string pasted;  // one address per line
};

struct AudiencePerson {
  std::string email;   // lower case
  std::string name;    // "" for a pasted address
  std::string source;  // membre, rpps, liste
  std::int64_t member_id = 0;
};

struct Audience {
  std::vector<AudiencePerson> people;          // in the order found, each address once
  int without_email = 0;                       // members or professionals without an address
  int rpps_professionals = 0;                  // professionals of the territory (rpps audience)
  std::vector<survey::Problem> refused_lines;  // pasted lines that are not addresses ("ligne 3")
};

/// Builds the audience of `structure_id`. Errors: missing_field (audience) when nothing is
/// chosen, invalid_input (professions, pasted, rpps), unavailable / not_found (rpps) when the
/// RPPS extracts or the territory are missing.
Result<Audience> build_audience(store::Database& db, SupplySource* source,
                                std::int64_t structure_id, const AudienceInput& in);

}  // namespace maillage::services
