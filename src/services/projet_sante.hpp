// The projet de santé pre-draft as use cases: the draft of a structure (its région's template, or
// the national default, filled with the territory's figures from services::Diagnostics, the ACI
// rules and the porteurs' texts), the missions chosen, the texts written at each prompt (with
// history and optimistic versions), the DOCX / ODT files, the submission (the lifecycle step
// "projet de santé déposé" through the registry, the generated DOCX kept as a structure document
// and the submission recorded) and the regional templates (versioned).
//
// Scope: reading a draft follows the registry's read scope (services::covers_structure). Writing
// (missions, texts) is for admins and the coordinators of the structure; commenting a chapter for
// the readers who follow the structure (ROC, ARS, chargé de mission), its coordinators and admins.
// Submitting records the lifecycle step with the registry's own check of who decides (coordinator,
// ROC, ARS in scope). A région's template is read by admins, observers, ARS and chargés de mission
// of the région, and edited by admins and the chargés de mission of the région.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aci/rules.hpp"
#include "common/error.hpp"
#include "geo/referentiel.hpp"
#include "projet/draft.hpp"
#include "registry/dates.hpp"
#include "services/auth.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

class Registry;
class Diagnostics;
class Association;
class AssociationWork;

struct ProjetSettings {
  /// How the population figures are cited ("INSEE, populations légales (…)").
  std::string population_source =
      "INSEE, populations légales (référentiel Maillage : paquet @etalab/decoupage-administratif)";
  std::uint32_t map_width = 1200;
  std::uint32_t map_height = 900;
};

struct ProjetSubmission {
  std::int64_t id = 0;
  std::int64_t document_id = 0;  ///< the structure document holding the DOCX submitted
  std::string template_label;
  std::vector<std::string> missions;
  std::string submitted_by, submitted_at;
};

/// A reader's remark on a chapter (ROC, ARS, chargé de mission, coordination).
struct ProjetComment {
  std::int64_t id = 0;
  std::string chapter;  ///< chapter id of the template
  std::string body, author, role_label, created_at;
};

struct ProjetView {
  std::int64_t structure_id = 0;
  std::string structure_name;
  std::string region;  ///< code of the structure's région
  projet::Draft draft;
  std::vector<projet::MissionChoice> choices;
  std::int64_t draft_version = 0;      ///< 0: the missions were never saved
  std::int64_t structure_version = 0;  ///< for the submission (the registry's optimistic check)
  std::string stage_label;
  bool may_edit = false;
  bool may_submit = false;  ///< `who` may record "deposer_projet" now
  std::string submit_note;  ///< why not, in French, when may_submit is false
  std::vector<ProjetSubmission> submissions;
  std::vector<ProjetComment> comments;  ///< oldest first
  bool may_comment = false;
  std::string rpps_date;  ///< snapshot the figures come from ("" when none)
};

struct TextRevision {
  std::int64_t version = 0;
  std::string body, author, written_at;
};

enum class ProjetFormat { docx, odt };

struct ProjetFile {
  std::string bytes;
  std::string filename;
  std::string media_type;
};

struct RegionTemplate {
  std::string region;
  std::string region_name;
  std::int64_t version = 0;  ///< 0: the région uses the national default
  std::string body;          ///< the TOML text (the default's when version is 0)
  std::string note;
  std::string created_by, created_at;
  bool may_edit = false;
};

class ProjetsDeSante {
 public:
  /// Fails only when the built-in ACI rules or the national template do not load. Without
  /// `association` (and `work`), the governance, members and working-group blocks say that the
  /// association's data are not available.
  static Result<std::unique_ptr<ProjetsDeSante>> create(store::Database& db,
                                                        const geo::Referentiel& ref,
                                                        Registry& registry,
                                                        Diagnostics& diagnostics,
                                                        ProjetSettings settings = {},
                                                        Association* association = nullptr,
                                                        const AssociationWork* work = nullptr);
  ~ProjetsDeSante();
  ProjetsDeSante(const ProjetsDeSante&) = delete;
  ProjetsDeSante& operator=(const ProjetsDeSante&) = delete;

  /// The draft as it stands. Errors: not_found, forbidden, invalid_input (not a CPTS, no
  /// territory), parse_error (the région's template no longer parses).
  Result<ProjetView> view(const Principal& who, std::int64_t structure);
  /// Saves the optional missions chosen (socle ones are always in) if the draft is still at
  /// `expected_version` (0: never saved); conflict otherwise.
  Result<ProjetView> choose_missions(const Principal& who, std::int64_t structure,
                                     std::int64_t expected_version,
                                     const std::vector<std::string>& missions);
  /// Saves the text at a prompt of the draft if it is still at `expected_version` (0: never
  /// written); conflict otherwise. invalid_input for a prompt the draft does not have.
  Result<projet::PromptText> save_text(const Principal& who, std::int64_t structure,
                                       const std::string& prompt, std::int64_t expected_version,
                                       const std::string& text);
  /// Adds a comment on a chapter of the draft: admins, and ROC, ARS, chargés de mission and
  /// coordinators who read the structure (members and observers do not comment).
  Result<ProjetComment> comment(const Principal& who, std::int64_t structure,
                                const std::string& chapter, const std::string& body);
  /// Every version of a prompt's text, newest first.
  Result<std::vector<TextRevision>> text_history(const Principal& who, std::int64_t structure,
                                                 const std::string& prompt);
  /// The whole document. `created` (UTC "YYYY-MM-DDTHH:MM:SSZ", "" for now) fixes the bytes.
  Result<ProjetFile> file(const Principal& who, std::int64_t structure, ProjetFormat format,
                          const std::string& created = "");
  /// The territory map (PNG): the territory's communes and their neighbours.
  Result<std::string> map_png(const Principal& who, std::int64_t structure);
  /// The draft as the document model (what the printable HTML page renders).
  Result<office::Document> document(const Principal& who, std::int64_t structure,
                                    const std::string& created = "");
  /// Records "projet de santé déposé" dated `date`, keeps the generated DOCX as a structure
  /// document ("projet_sante") and the submission. Errors: the registry's (forbidden naming who
  /// decides, conflict, invalid_transition).
  Result<ProjetSubmission> submit(const Principal& who, std::int64_t structure,
                                  std::int64_t expected_structure_version, registry::Date date,
                                  registry::Date today);

  Result<RegionTemplate> region_template(const Principal& who, const std::string& region);
  /// Saves a new version of the région's template after checking it (parse_error naming the
  /// chapter); conflict when the région's version is no longer `expected_version`.
  Result<RegionTemplate> save_region_template(const Principal& who, const std::string& region,
                                              std::int64_t expected_version,
                                              const std::string& body, const std::string& note);

  [[nodiscard]] const aci::Accord& accord() const { return *accord_; }

 private:
  ProjetsDeSante(store::Database& db, const geo::Referentiel& ref, Registry& registry,
                 Diagnostics& diagnostics, ProjetSettings settings, aci::RuleBook rules);
  struct Loaded;
  struct Generated {
    office::Document document;
    std::vector<std::string> missions;
    std::string template_label;
    std::string base_name;  // file name without extension
  };
  Result<Generated> generate(const Principal& who, std::int64_t structure,
                             const std::string& created);
  Result<Loaded> load(const Principal& who, std::int64_t structure);
  Result<projet::Draft> draft_of(const Loaded& l, const std::vector<std::string>& missions);
  [[nodiscard]] bool may_edit(const Principal& who, std::int64_t structure) const;
  [[nodiscard]] static bool may_comment(const Principal& who);
  std::string render_map(const std::vector<std::string>& communes) const;

  store::Database& db_;
  const geo::Referentiel& ref_;
  Registry& registry_;
  Diagnostics& diagnostics_;
  ProjetSettings settings_;
  Association* association_ = nullptr;
  const AssociationWork* work_ = nullptr;
  aci::RuleBook rules_;
  const aci::Accord* accord_ = nullptr;
};

}  // namespace maillage::services
