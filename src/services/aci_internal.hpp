// Private to the ACI service files (aci.cpp, aci_contracts.cpp, aci_workspace.cpp,
// aci_adjustments.cpp, aci_alerts.cpp): the loaded form of a contract, the role rules and the
// helpers the use cases share.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "aci/contract.hpp"
#include "aci/document.hpp"
#include "aci/rules.hpp"
#include "aci/schedule.hpp"
#include "registry/lifecycle.hpp"
#include "services/aci.hpp"
#include "services/aci_repository.hpp"

namespace maillage::store {
class Tx;
}

namespace maillage::services::aci_detail {

const aci::RuleBook& rulebook();
/// The lifecycle table of a structure kind ("CPTS"), read once: a contract records its step.
Result<const registry::Lifecycle*> lifecycle_of_kind(const std::string& kind);

tl::unexpected<Error> forbidden(std::string msg);
tl::unexpected<Error> invalid(std::string field, std::string msg);
tl::unexpected<Error> conflict(std::string msg);

// Who may do what (the routes' AccessRule says the same; the service checks it again because
// the CLI and tests call it directly).
enum class Act { contract, measure, agree, comment, attach, budget, fiche, adjust, minutes };
bool role_may(Role r, Act a);
std::string act_label(Act a);
/// Forbidden unless `who` may write and their role may do `a`.
Status may(const Principal& who, Act a);

std::string euros(aci::Cents c);
Error api_error(Error e, const std::string& prefix);
std::vector<std::string> split_codes(const std::string& s);
std::string join_codes(const std::vector<std::string>& v);
std::vector<aci::DocumentMeasure> measured_values(const AciMeasures& measures);
Result<aci::CptsContract> parse_cpts(const std::string& document, const std::string& prefix);
std::string mission_label(const aci::CptsContract& c, const std::string& mission);
const aci::Indicator* find_indicator(const aci::CptsContract& c, const std::string& mission,
                                     const std::string& id);
const aci::IndicatorYear* find_year(const aci::Indicator& i, int year);
std::string envelope_label(const aci::CptsContract& c, const std::string& envelope);
std::string role_text(const std::string& role_id);
bool valid_item(const std::string& item);

/// A contract row with its document read.
struct ContractRow {
  AciContractRecord record;
  aci::DocumentOutline document;
  std::vector<std::string> communes;
};

/// Everything a read needs about one CPTS contract.
struct Loaded {
  ContractRow row;
  std::vector<AciVersionRecord> versions;
  AciMeasures measures;
  aci::CptsContract contract;  // current version (or the one asked), with measures
  aci::Schedule schedule;

  [[nodiscard]] std::string latest_indicators() const {
    return versions.empty() ? std::string("{}") : versions.back().indicators;
  }
  [[nodiscard]] std::int64_t latest_number() const {
    return versions.empty() ? 0 : versions.back().number;
  }
};

}  // namespace maillage::services::aci_detail

namespace maillage::services {

struct AciService::Impl {
  store::Database& db;
  const geo::Referentiel& ref;
  AciLimits limits;

  [[nodiscard]] std::string region_of(std::string_view dep) const;
  Result<aci_detail::ContractRow> load(std::int64_t id);
  [[nodiscard]] bool sees(const Principal& who, const aci_detail::ContractRow& c) const;
  /// The contract, if `who` may read it (and, with `act`, do that).
  Result<aci_detail::ContractRow> access(const Principal& who, std::int64_t id,
                                         std::optional<aci_detail::Act> act = {});
  Result<aci_detail::Loaded> loaded(const Principal& who, std::int64_t id,
                                    std::optional<std::int64_t> version = {});
  [[nodiscard]] int duration(const aci::CptsContract& c) const;
  [[nodiscard]] Status check_year(const aci::CptsContract& c, int year) const;
  [[nodiscard]] AciContractSummary summary(const aci_detail::ContractRow& r) const;
  [[nodiscard]] AciPermissions permissions(const Principal& who,
                                           const aci_detail::ContractRow& r) const;
  [[nodiscard]] AciSheet sheet(const aci::CptsContract& c, const aci::Schedule& s,
                               const AciMeasures& measures, int year) const;
  [[nodiscard]] AciScheduleView schedule_view(const aci::CptsContract& c,
                                              const aci::Schedule& s) const;
  /// A stored adjustment proposal compared on the current targets.
  [[nodiscard]] AciAdjustment adjustment(const aci::CptsContract& c, AciAdjustment a) const;
  /// The workspace of a contract year in a transaction (created when `create`; 0 when absent).
  Result<std::int64_t> workspace_id(store::Tx& tx, std::int64_t contract_id, int year,
                                    const std::string& login, bool create);
};

}  // namespace maillage::services
