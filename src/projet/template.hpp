// Templates of the projet de santé pre-draft: chapters of fixed text, sub-headings, data blocks
// (figures Maillage computes) and prompts (where the porteurs write). The national default ships
// as rules/projet_de_sante/default.toml; a région's chargé de mission edits a copy in the same
// format (stored versioned by the service). toml++ stays in template_toml.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace maillage::projet {

/// The data blocks a template may place (see README.md for what each one writes).
[[nodiscard]] const std::vector<std::string>& data_block_names();
/// What a data block writes, in French, for the template editor ("" for an unknown name).
[[nodiscard]] std::string_view data_block_label(std::string_view name);

enum class BlockKind : std::uint8_t { text, heading, data, prompt };

struct TemplateBlock {
  BlockKind kind = BlockKind::text;
  std::string value;  ///< the text, the heading, the data block name or the prompt id
  std::string label;  ///< prompts: their title
  std::string text;   ///< prompts: the invitation shown until the porteurs write
  std::int64_t line = 0;
};

struct TemplateChapter {
  std::string id;
  std::string title;
  std::vector<TemplateBlock> blocks;
};

/// A prompt the `missions` block writes under each chosen mission ("mission.<id>.<prompt>").
struct MissionPrompt {
  std::string id;
  std::string label;
  std::string text;
};

/// What the template says about one ACI mission: objectives and example indicators.
struct MissionGuide {
  std::vector<std::string> objectives;
  std::vector<std::string> indicators;
  std::string source;
};

struct Template {
  std::string id;
  std::string title;
  std::string subtitle;
  std::vector<TemplateChapter> chapters;
  std::vector<MissionPrompt> mission_prompts;
  std::map<std::string, MissionGuide, std::less<>> missions;
  std::string file;  ///< name used in messages
};

/// Parses and checks a template. Errors (parse_error, file and line set) name the chapter: a
/// block with none or several of text/heading/data/prompt, a data block that is empty or not one
/// of data_block_names(), a prompt id used twice or malformed, a chapter without id or title,
/// duplicate chapter ids, unknown keys.
[[nodiscard]] Result<Template> parse_template(std::string_view text, const std::string& file);

/// One template file as text (what cmake/embed_toml.cmake generates).
struct RulesFile {
  std::string name;
  std::string text;
};
/// rules/projet_de_sante/*.toml embedded at build time.
[[nodiscard]] std::span<const RulesFile> builtin_templates();
/// The national default (rules/projet_de_sante/default.toml), parsed once.
[[nodiscard]] Result<Template> default_template();
/// Its text, for the editing page of a région without its own template yet.
[[nodiscard]] std::string default_template_text();

/// Every prompt id of the template for the given missions, in document order.
[[nodiscard]] std::vector<std::string> prompt_ids(const Template& t,
                                                  const std::vector<std::string>& missions);

}  // namespace maillage::projet
