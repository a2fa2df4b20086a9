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

/// The refusal of a change of terms once a payment is recorded ("cpts" or "msp" contract).
inline std::string paid_contract_refusal(const std::string& kind) {
  return kind == "cpts"
             ? "Un versement est enregistré pour ce contrat : ses termes ne se modifient plus que "
               "par avenant (date d'effet, taille, missions ajoutées)."
             : "Un versement est enregistré pour ce contrat : ses termes ne se modifient plus ; "
               "la patientèle et les taux d'atteinte se saisissent année par année.";
}

/// The form's field for an engine error's field ("missions[1].start" → "missions").
std::string form_field(const std::string& engine_field);
/// Whole number typed in a form (spaces and dots as thousands separators).
Result<std::int64_t> whole_number(const std::string& text, const char* field, const char* what);

/// A contract row with its document read.
struct ContractRow {
  AciContractRecord record;
  aci::DocumentOutline document;
  std::vector<std::string> communes;
};

/// Everything a read needs about one CPTS contract.
struct Loaded;
/// The terms of a contract checked by the engine (with the CPTS contract's indicators), as the
/// row to write.
Result<AciNewContract> check_terms(store::Database& db, const ContractRow& row,
                                   const std::string& terms);

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

/// An MSP contract with its measures merged (see aci_msp.cpp).
struct MspLoaded {
  AciMeasures measures;
  aci::MspContract contract;
  int first_year = 0;  // calendar years under contract
  int last_year = 0;
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
  /// MSP: the contract with the measures of every year merged.
  Result<aci_detail::MspLoaded> msp_loaded(const aci_detail::ContractRow& row);
  [[nodiscard]] std::vector<AciPeriod> msp_periods(const aci_detail::MspLoaded& l) const;
  [[nodiscard]] Status check_msp_measure(const aci_detail::MspLoaded& l, const MeasureInput& in);
  [[nodiscard]] AciMspSheet msp_sheet(const aci_detail::MspLoaded& l, int calendar_year) const;
  /// The dialogue de gestion of an MSP contract year (1 = the signature's calendar year).
  Result<AciWorkspace> msp_workspace(const Principal& who, const aci_detail::ContractRow& row,
                                     int year);
  /// A contract year of either kind (MSP: 1 = the signature's calendar year).
  Status check_contract_year(const aci_detail::ContractRow& row, int year);
  /// The contract page's fields about its terms: payment recorded, avenants, form choices.
  Status terms_view(AciContractView& out, const aci_detail::ContractRow& row);
  /// Writes new terms with the version check and the audit row (before and after); with
  /// `before_payment_only`, refused once a payment is recorded.
  Status replace_terms(const Principal& who, const aci_detail::ContractRow& row,
                       std::int64_t version, const std::string& terms, const std::string& action,
                       bool before_payment_only);
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
