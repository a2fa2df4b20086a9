// What AciService's reads return: plain structs, turned into the API's JSON by
// src/http/aci_json.cpp and read by the dossier (dialogue_dossier.cpp). Texts are already in French
// display form (euros, rates, dates "YYYY-MM-DD"); amounts also travel in cents for clients that
// compute.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/dates.hpp"

namespace maillage::services {

struct AciContractSummary {
  std::int64_t id = 0;
  std::string reference;
  std::int64_t structure_id = 0;
  std::string structure_name;
  std::string departement;
  std::string kind;  // "cpts" or "msp"
  std::string accord;
  std::string signature;
  std::string size_class;
  std::int64_t version = 0;
  std::string updated_at;
  std::string updated_by;
};

/// What the reader may do on the contract (the forms shown).
struct AciPermissions {
  bool contract = false;
  bool measure = false;
  bool agree = false;
  bool comment = false;
  bool attach = false;
  bool budget = false;
  bool fiche = false;
  bool adjust = false;
  bool minutes = false;
};

struct AciParty {
  std::string role;  // "CPTS", "MSP", "CPAM", "ARS"
  std::string name;
  std::string finess;
  std::string rna;
  std::string siret;
};

struct AciRuleSource {
  std::string id;
  std::string title;
  std::string url;
};

struct AciRuleValue {
  std::string key;
  std::string value;
  bool verified = false;
  std::string note;
  std::vector<AciRuleSource> sources;
  std::string origin;  // "file:line"
  std::string label;   // French meaning of the key
};

struct AciRuleSet {
  std::string accord;
  std::string title;
  std::vector<AciRuleValue> values;
};

/// An amount written in the contract (replacing the rules' default), as JSON text.
struct AciOverride {
  std::string envelope;
  std::string value;
};

struct AciMilestone {
  std::string deadline;  // "" when none
  std::string date;      // "" when none
  std::string status;
  bool late = false;
  std::int64_t days_late = 0;
};

struct AciMissionDeadlines {
  std::string mission;
  std::string label;
  std::string category;
  bool in_contract = false;
  AciMilestone start;
  AciMilestone deploy;
};

struct AciVersionSummary {
  std::int64_t number = 0;
  std::string reason;
  int year = 0;
  std::string agreed_by;
  std::string agreed_role;  // French label
  std::string created_at;
};

struct AciPeriod {
  int year = 0;
  std::string from;
  std::string to;
  std::string label;  // "année 2" (CPTS, contract year) or "2025" (MSP, calendar year)
};

/// A contractual avenant as the contract page lists it.
struct AciAvenantView {
  int number = 0;
  std::string from;
  std::string size_class;  // "" : unchanged
  std::vector<std::string> missions;  // labels of the missions it adds
  std::string reason;
};

struct AciChoice {
  std::string id;
  std::string label;
  bool socle = false;    // missions: part of every contract
  bool chosen = false;   // in the contract now
  std::string start;     // missions: start date in the contract
};

struct AciContractView {
  AciContractSummary summary;
  /// Money received recorded (a payment): from then on the terms change only by avenant.
  bool payment_recorded = false;
  std::vector<AciAvenantView> avenants;
  std::string size_class_now;        // CPTS: the size class in force today
  std::vector<AciChoice> size_classes;  // CPTS: of the accord at signature
  std::vector<AciChoice> mission_choices;  // CPTS: missions of the accord at signature
  std::vector<AciChoice> accords;           // accords of the contract's kind
  std::string document;  // the contract document's terms (JSON text)
  std::vector<std::string> communes;
  AciPermissions permissions;
  std::vector<AciParty> parties;
  std::vector<AciRuleSet> rules;
  std::vector<AciOverride> overrides;
  std::vector<AciMissionDeadlines> missions;  // CPTS only
  bool cpts = false;                          // the three below are CPTS only
  std::vector<AciVersionSummary> indicator_versions;
  int duration_years = 0;
  std::vector<AciPeriod> years;
};

struct AciPaymentLine {
  std::string date;
  int contract_year = 0;
  std::string envelope;
  std::string envelope_label;
  std::string kind;
  std::string amount;       // "1234.56"
  std::string amount_text;  // "1 234,56 €"
  std::int64_t amount_cents = 0;
  bool verified = true;
  bool estimated = false;
  std::string basis;
};

struct AciEnvelopeTotal {
  std::string envelope;
  std::string envelope_label;
  std::string amount;
  std::string amount_text;
};

struct AciScheduleView {
  std::vector<AciPaymentLine> payments;
  std::vector<AciEnvelopeTotal> totals;
  std::string total;
  std::string total_text;
  std::vector<std::string> anniversaries;
  std::vector<std::string> notes;
};

struct AciContractSchedule {
  AciContractSummary contract;
  AciScheduleView schedule;
};

struct AciIndicatorLine {
  std::string id;
  std::string mission;
  std::string item;  // "indicateur:mission/id", the key of its comments and attachments
  std::string definition;
  std::string unit;
  double weight = 1;
  double baseline = 0;
  std::string baseline_text;
  std::string method;
  std::vector<double> paliers;
  std::string paliers_text;
  std::optional<double> measured;
  std::string measured_text;
  bool is_measured = false;
  std::int64_t rate = 0;  // ppm
  std::string rate_text;
  bool rules_verified = true;
  std::string explanation;
  std::vector<std::string> evidence;
  std::int64_t measure_version = 0;
  std::string measure_by;
};

struct AciMissionSheet {
  std::string mission;
  std::string label;
  std::string from;
  std::string to;
  std::int64_t rate = 0;  // ppm
  std::string rate_text;
  bool estimated = false;
  bool rules_verified = true;
  std::string fixed_paid;
  std::string variable_max;
  std::string variable_paid;
  std::int64_t variable_paid_cents = 0;
  std::vector<AciIndicatorLine> indicators;
};

/// The indicator sheet of one contract year.
struct AciSheet {
  int year = 0;
  std::vector<AciMissionSheet> missions;
  std::string fixed_paid;
  std::string variable_max;
  std::string variable_paid;
  std::int64_t variable_paid_cents = 0;
};

struct AciIndicatorsView {
  AciContractSummary contract;
  std::int64_t version = 0;
  std::int64_t latest_version = 0;
  std::vector<AciSheet> years;  // years with missions only
  std::vector<std::string> notes;
};

struct AciAdjustmentReading {
  std::vector<double> paliers;
  std::string paliers_text;
  std::string indicator_rate;
  std::string mission_rate;
  std::string variable_max;
  std::string variable_paid;
  std::int64_t variable_paid_cents = 0;
  std::string explanation;
};

/// A proposal of contextual adjustment with its comparison on the current targets.
struct AciAdjustment {
  std::int64_t id = 0;
  std::string mission;
  std::string indicator;
  int year = 0;
  std::string fact;
  std::string fact_label;
  double fact_before = 0;
  double fact_after = 0;
  std::string rationale;
  std::string proposed_by;
  std::string proposed_role;  // French label
  std::string created_at;
  std::string item;  // "ajustement:<id>"
  std::string fact_before_text;
  std::string fact_after_text;
  std::string mission_label;
  std::optional<std::string> error;  // set: no comparison (the fields below are empty)
  std::string factor;
  AciAdjustmentReading original;
  AciAdjustmentReading adjusted;
  std::string difference;
  std::int64_t difference_cents = 0;
};

struct AciWorkspaceState {
  std::int64_t version = 0;  // 0: never saved
  std::string dialogue_date;
  std::string minutes;
  std::string updated_at;
  std::string updated_by;
};

struct AciComment {
  std::int64_t id = 0;
  std::string item;
  std::string author;
  std::string author_login;
  std::string role;  // French label
  std::string side;  // "structure" or "financeur"
  std::string body;
  std::string created_at;
};

struct AciAttachmentInfo {
  std::int64_t id = 0;
  std::string item;
  std::string filename;
  std::string content_type;
  std::int64_t size_bytes = 0;
  std::string size_text;
  std::string uploaded_by;
  std::string created_at;
  std::string href;
};

struct AciDue {
  std::string date;
  std::string kind;
  std::string amount;
};

struct AciBudgetLine {
  std::string envelope;
  std::string label;
  std::int64_t expected_cents = 0;
  std::int64_t received_cents = 0;
  std::int64_t spent_cents = 0;
  std::int64_t version = 0;
  std::vector<AciDue> due;
  std::string expected;
  std::string received;
  std::string spent;
  std::string received_input;
  std::string spent_input;
  std::string remaining;
  std::string item;  // "budget:<envelope>"
};

struct AciBudget {
  std::vector<AciBudgetLine> lines;
  std::string expected;
  std::string received;
  std::string spent;
  std::string remaining;
};

struct AciFicheStatus {
  std::string id;
  std::string label;
  bool selected = false;
};

struct AciFiche {
  std::int64_t id = 0;
  std::string mission;
  std::string mission_label;
  std::string title;
  std::string description;
  std::string status;
  std::string status_label;
  std::vector<AciFicheStatus> statuses;
  std::int64_t version = 0;
  std::string updated_at;
  std::string updated_by;
  std::string item;  // "fiche:<id>"
};

struct AciIndicatorChange {
  std::string mission;
  std::string mission_label;
  std::string indicator;
  std::optional<int> year;  // none: not about one year
  std::string what;
  std::string before;
  std::string after;
};

struct AciVersionView {
  AciVersionSummary version;
  bool current = false;
  std::vector<AciIndicatorChange> changes;  // from the previous version
};

struct AciTerritory {
  std::int64_t population_signature = 0;
  std::int64_t population_now = 0;
  std::int64_t communes = 0;
};

/// Everything of one contract year for the dialogue de gestion. Comments and attachments are
/// listed once each; their `item` says what they are about ("general", an indicator's, budget
/// line's, fiche's or adjustment's item).
/// One indicator of an MSP contract in a calendar year: points and euros at 100 % and achieved.
struct AciMspLine {
  std::string id;
  std::string label;
  std::string axis;
  std::string category;        // "prerequis", "socle", "optionnel"
  std::string category_label;  // "prérequis", "socle", "optionnel"
  std::string item;            // "indicateur:msp/<id>" (comments, attachments)
  std::string points_text;     // points at 100 % ("1 850")
  std::string points_detail;   // "1 000 fixes + 1 700 variables × 2 000 / 4 000"
  bool is_measured = false;
  std::optional<double> measured;  // achievement rate entered, percent
  std::string measured_text;
  std::string rate_text;       // the rate used ("80 %", or the simulated one)
  std::string points_earned_text;
  std::string euros_full;      // "12 950,00 €"
  std::string euros_earned;
  std::int64_t measure_version = 0;
  bool verified = true;        // the catalogue's points are verified
};

/// The MSP sheet of one calendar year of the contract.
struct AciMspSheet {
  int calendar_year = 0;
  std::string point_value;      // "7,00 €"
  std::int64_t reference_patients = 0;
  bool has_patients = false;
  std::int64_t patients = 0;
  std::int64_t patients_version = 0;
  std::string prorata;          // "236/365 jours" when the year is incomplete, else ""
  std::vector<AciMspLine> lines;
  std::string points_full_text, points_earned_text;
  std::string socle_full, earned, total, advance, balance;
  std::string unmet_prerequisite;  // label, "" when every prérequis is met
  bool minimum_used = false;
  bool estimated = false;
};

struct AciWorkspace {
  bool msp = false;  // an MSP contract: `msp_sheet` replaces the CPTS sheet, versions, fiches
  AciMspSheet msp_sheet;
  std::vector<AciPeriod> periods;  // every year of the contract, for the year tabs
  AciContractSummary contract;
  AciPermissions permissions;
  int year = 0;
  AciPeriod period;
  int duration_years = 0;
  AciWorkspaceState workspace;
  AciSheet sheet;
  AciBudget budget;
  std::vector<AciFiche> fiches;
  std::vector<AciAdjustment> adjustments;
  std::vector<AciVersionView> indicator_versions;  // newest first
  std::int64_t indicator_version = 0;
  std::vector<AciComment> comments;            // by date
  std::vector<AciAttachmentInfo> attachments;  // by id
  std::vector<std::string> notes;
  AciScheduleView schedule;
  AciTerritory territory;
};

/// An upcoming date of a contract for the ROC portfolio.
struct AciAlert {
  std::int64_t structure_id = 0;
  std::int64_t contract_id = 0;
  Date date{};
  std::string kind;      // "anniversary", "payment", "dialogue", "late_mission"
  std::string label;     // French sentence
  std::string severity;  // "critical" (late or overdue), "warning" (within 2 weeks), "info"
};

}  // namespace maillage::services
