// The pre-draft of a projet de santé: a template filled with the territory's figures and the
// porteurs' own texts, chapter by chapter. One model (`Draft`) gives the page, the printable HTML
// (src/http) and the DOCX / ODT files (`to_document` → src/office), so the three always say the
// same thing. Pure: the service gathers the facts (ProjetFacts) and the texts.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "aci/rules.hpp"
#include "common/error.hpp"
#include "diagnostic/diagnostic.hpp"
#include "office/document.hpp"
#include "projet/template.hpp"

namespace maillage::projet {

/// The structure as the registry knows it.
struct StructureFacts {
  std::int64_t id = 0;
  std::string kind;  ///< "CPTS"
  std::string name;
  std::string stage_label;
  std::string legal_form;
  std::string finess, rna, siret;
  std::string head_office;  ///< "Metz (57463)", "" when unknown
  std::string address;
  std::string contact_name, contact_email, contact_phone;
  std::string departement;  ///< "Moselle (57)"
  std::string region;       ///< "Grand Est (44)"
};

/// Another coordinated structure whose territory meets this one.
struct NearbyStructure {
  std::string kind;
  std::string name;
  std::string stage_label;  ///< "" when the reader's scope does not show it
};

/// A collège of the statuts as the governance block shows it.
struct CollegeFacts {
  std::string name;
  std::string weight;                    ///< "un tiers des voix", "" when each member has one vote
  std::vector<std::string> professions;  ///< French labels of the professions it takes
  std::int64_t members = 0;              ///< active members
};

/// A bureau seat (shown only to readers who see the members' names).
struct BureauSeat {
  std::string function;  ///< "Président(e)"
  std::string name;
  std::string profession;
};

/// Active members of one profession, against the professionals of the territory.
struct MembershipFacts {
  std::string label;
  std::int64_t members = 0;
  std::optional<double> professionals;  ///< none without an RPPS snapshot
  std::optional<double> rate;           ///< members / professionals
};

/// A member as the annex lists them: public professional facts only, never contact details.
struct MemberLine {
  std::string name, profession, commune, college;
};

struct WorkingGroupFacts {
  std::string name, mission, pilots;  ///< pilots "" when the reader does not see names
  int members = 0, meetings = 0;
  std::string next_meeting;  ///< "YYYY-MM-DD", "" when none is planned
};

/// The association's own data (src/services: Association, AssociationWork), as far as the reader
/// of the draft may see them: names only for those who manage the association.
struct AssociationFacts {
  bool statuts_defined = false;
  std::string weighting;  ///< "une voix par membre", "voix pondérées par collège"
  std::string period;     ///< "année civile", "12 mois glissants"
  std::vector<CollegeFacts> colleges;
  bool names_visible = false;
  std::vector<BureauSeat> bureau;
  std::int64_t active_members = 0;
  std::vector<MembershipFacts> by_profession;  ///< the diagnostic's order, then the others
  std::string rate_date;                       ///< RPPS extract date of the rates, "" without
  std::vector<MemberLine> members;             ///< names_visible only, by name
  std::vector<WorkingGroupFacts> groups;       ///< by name
  std::string as_of;                           ///< "YYYY-MM-DD"
};

/// Everything the data blocks need, with the dates that make each figure citable.
struct ProjetFacts {
  StructureFacts structure;
  diagnostic::Diagnostic diagnostic;  ///< the territory's diagnostic (services::Diagnostics)
  std::vector<NearbyStructure> nearby;
  std::string population_source;        ///< "INSEE, populations légales (…)"
  std::string rpps_source;              ///< "Annuaire Santé (ANS), extraction du RPPS"
  std::string rpps_date;                ///< extract date of the snapshot, "" when none was imported
  bool partial_comparisons = false;     ///< the RPPS snapshot covers only some départements
  std::string accessibility_method;     ///< one sentence: APL-style E2SFCA, parameters
  const aci::Accord* accord = nullptr;  ///< the CPTS accord in force (missions, amounts)
  std::string size_class;               ///< "T3", "" when the accord has none for the population
  std::string map_png;                  ///< the territory map (PNG), "" when not drawn
  /// The page shows the map from its own address: the draft carries an Image without bytes.
  bool map_deferred = false;
  std::string generated_on;  ///< "2026-12-07"
  /// None when the association's data are not available to the draft (no association service, or
  /// the reader may not see them).
  std::optional<AssociationFacts> association;
};

/// The porteurs' text at one prompt.
struct PromptText {
  std::string text;
  std::int64_t version = 0;  ///< 0: never written
  std::string author;        ///< display name of the last writer
  std::string updated_at;
};

/// A place where the porteurs write, as the draft shows it.
struct DraftPrompt {
  std::string id;
  std::string label;
  std::string invitation;  ///< the template's "Décrivez ici…"
  PromptText current;
};

/// One item of a chapter: content (a block of the document model) or a prompt.
struct DraftItem {
  std::optional<office::Block> block;
  std::optional<DraftPrompt> prompt;
  std::string data;  ///< the data block that produced it ("" for template text and prompts)
};

struct DraftChapter {
  std::string id;
  std::string title;
  std::vector<DraftItem> items;
};

struct Draft {
  std::string title;  ///< "Projet de santé — CPTS …"
  std::string subtitle;
  std::string template_label;  ///< "modèle national", "modèle régional Grand Est, version 3"
  std::vector<std::string> missions;  ///< chosen mission ids (socle ones always included)
  std::vector<DraftChapter> chapters;
};

/// Missions of the accord the structure may choose: socle ones (always in) then optional ones.
struct MissionChoice {
  std::string id;
  std::string label;
  bool socle = false;
};
[[nodiscard]] std::vector<MissionChoice> mission_choices(const aci::Accord& accord);

/// The chosen missions put in the accord's order, socle missions added. invalid_input (field
/// "missions") for an id the accord does not know.
[[nodiscard]] Result<std::vector<std::string>> normalise_missions(
    const aci::Accord& accord, const std::vector<std::string>& chosen);

/// Builds the draft: every block of the template in order, data blocks computed from `facts`,
/// prompts filled with `texts` (prompt id → text; missing ones are empty).
[[nodiscard]] Result<Draft> build_draft(const Template& tmpl, const ProjetFacts& facts,
                                        const std::vector<std::string>& missions,
                                        const std::map<std::string, PromptText>& texts,
                                        std::string template_label);

/// The draft as a document (title, table of contents, a chapter per heading 1, footer "Page N
/// sur M"); a prompt becomes its label (heading 2) and the porteurs' text, or "À compléter :"
/// and the invitation when they wrote nothing. `created` as office::Document::created.
[[nodiscard]] office::Document to_document(const Draft& draft, const std::string& created);

/// Paragraphs of a porteurs' text: blank lines separate paragraphs, single line breaks stay.
[[nodiscard]] std::vector<std::string> text_paragraphs(const std::string& text);

}  // namespace maillage::projet
