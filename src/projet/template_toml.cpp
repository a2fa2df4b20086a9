// Reading a projet de santé template with toml++. Every error names the file, the line and the
// chapter (field "chapters[<id>].blocks[<n>]"), so a chargé de mission editing a région's
// template knows what to fix.
#include <toml++/toml.h>

#include <algorithm>
#include <set>

#include "common/try.hpp"
#include "projet/template.hpp"

namespace maillage::projet {

namespace {

constexpr std::string_view kSchema = "maillage-projet-de-sante/1";

std::int64_t line_of(const toml::node& n) { return n.source().begin.line; }

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  tl::unexpected<Error> error(const toml::node& n, const std::string& field,
                              std::string msg) const {
    return fail_at(file_, line_of(n), field, std::move(msg));
  }

  Status keys(const toml::table& t, const std::string& field,
              std::initializer_list<std::string_view> allowed) const {
    for (auto&& [k, v] : t) {
      if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end()) {
        auto e = error(v, field, "clé inconnue « " + std::string(k.str()) + " »");
        e.value().code = ErrorCode::unknown_field;
        return e;
      }
    }
    return {};
  }

  // A string value at `key` of `t`; `required` refuses an absent or empty one.
  Result<std::string> string(const toml::table& t, std::string_view key, const std::string& field,
                             bool required) const {
    const toml::node* n = t.get(key);
    if (!n) {
      if (!required) return std::string();
      return fail_at(file_, line_of(t), field, "« " + std::string(key) + " » manquant");
    }
    const auto* s = n->as_string();
    if (!s) return error(*n, field, "« " + std::string(key) + " » doit être un texte");
    if (required && s->get().empty()) {
      return error(*n, field, "« " + std::string(key) + " » est vide");
    }
    return s->get();
  }

  Result<std::vector<std::string>> strings(const toml::table& t, std::string_view key,
                                           const std::string& field) const {
    std::vector<std::string> out;
    const toml::node* n = t.get(key);
    if (!n) return out;
    const auto* a = n->as_array();
    if (!a) return error(*n, field, "« " + std::string(key) + " » doit être une liste de textes");
    for (const auto& item : *a) {
      const auto* s = item.as_string();
      if (!s)
        return error(item, field, "« " + std::string(key) + " » doit être une liste de textes");
      out.push_back(s->get());
    }
    return out;
  }

  [[nodiscard]] const std::string& file() const { return file_; }

 private:
  std::string file_;
};

// Prompt ids: lower-case letters, digits, '_' and '.', as stored with the porteurs' texts.
bool valid_prompt_id(std::string_view id) {
  if (id.empty() || id.size() > 80) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

Result<TemplateBlock> read_block(const Reader& r, const toml::node& node, const std::string& field,
                                 const std::string& chapter) {
  const auto* t = node.as_table();
  if (!t) return r.error(node, field, "chapitre « " + chapter + " » : bloc attendu (table)");
  if (auto s = r.keys(*t, field, {"text", "heading", "data", "prompt", "label"}); !s) {
    s.error().message = "chapitre « " + chapter + " » : " + s.error().message;
    return tl::unexpected(s.error());
  }
  TemplateBlock b;
  b.line = line_of(node);
  // A prompt's `text` is its invitation, not a text block of its own.
  const bool is_prompt = t->contains("prompt");
  int kinds = 0;
  for (auto [key, kind] :
       {std::pair{"text", BlockKind::text}, std::pair{"heading", BlockKind::heading},
        std::pair{"data", BlockKind::data}, std::pair{"prompt", BlockKind::prompt}}) {
    if (t->contains(key) && !(is_prompt && kind == BlockKind::text)) {
      ++kinds;
      b.kind = kind;
    }
  }
  if (kinds != 1) {
    return r.error(node, field,
                   "chapitre « " + chapter +
                       " » : un bloc a exactement une des clés text, heading, data ou prompt");
  }
  auto in_chapter = [&](Error e) {
    e.message = "chapitre « " + chapter + " » : " + e.message;
    return tl::unexpected(std::move(e));
  };
  switch (b.kind) {
    case BlockKind::text: {
      auto v = r.string(*t, "text", field, true);
      if (!v) return in_chapter(v.error());
      b.value = *v;
      break;
    }
    case BlockKind::heading: {
      auto v = r.string(*t, "heading", field, true);
      if (!v) return in_chapter(v.error());
      b.value = *v;
      break;
    }
    case BlockKind::data: {
      auto v = r.string(*t, "data", field, false);
      if (!v) return in_chapter(v.error());
      if (v->empty()) {
        return r.error(node, field, "chapitre « " + chapter + " » : bloc de données sans nom");
      }
      const auto& names = data_block_names();
      if (std::find(names.begin(), names.end(), *v) == names.end()) {
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        return r.error(node, field,
                       "chapitre « " + chapter + " » : bloc de données inconnu « " + *v +
                           " » (connus : " + list + ")");
      }
      b.value = *v;
      break;
    }
    case BlockKind::prompt: {
      auto v = r.string(*t, "prompt", field, true);
      if (!v) return in_chapter(v.error());
      if (!valid_prompt_id(*v) || v->rfind("mission.", 0) == 0) {
        return r.error(node, field,
                       "chapitre « " + chapter + " » : identifiant de zone de saisie invalide « " +
                           *v +
                           " » (minuscules, chiffres, « _ » et « . » ; « mission. » est réservé)");
      }
      b.value = *v;
      auto label = r.string(*t, "label", field, true);
      if (!label) return in_chapter(label.error());
      b.label = *label;
      break;
    }
  }
  if (b.kind != BlockKind::prompt && t->contains("label")) {
    return r.error(node, field,
                   "chapitre « " + chapter + " » : « label » ne va qu'avec « prompt »");
  }
  if (b.kind == BlockKind::prompt) {
    auto text = r.string(*t, "text", field, true);
    if (!text) return in_chapter(text.error());
    b.text = *text;
  }
  return b;
}

}  // namespace

const std::vector<std::string>& data_block_names() {
  static const std::vector<std::string> names{
      "identification", "territoire",     "carte",         "structures",
      "population",     "professionnels", "accessibilite", "communes_sous_dotees",
      "evolution",      "missions",       "gouvernance",   "membres",
      "groupes_de_travail", "budget",     "communes",      "annexe_membres",
      "sources"};
  return names;
}

std::string_view data_block_label(std::string_view name) {
  static const std::pair<std::string_view, std::string_view> labels[] = {
      {"identification", "identification de la structure et de ses porteurs"},
      {"territoire", "communes, population et taille du territoire"},
      {"carte", "carte du territoire"},
      {"structures", "autres structures d'exercice coordonné dont le territoire touche celui-ci"},
      {"population", "population du territoire, du département, de la région et de la France"},
      {"professionnels", "professionnels de santé et densités comparées"},
      {"accessibilite", "accessibilité aux médecins généralistes (méthode et communes sous le seuil)"},
      {"communes_sous_dotees", "communes les moins bien desservies"},
      {"evolution", "évolution des effectifs depuis l'extraction précédente du RPPS (arrivées, départs)"},
      {"gouvernance", "statuts de l'association : droit de vote, collèges et bureau"},
      {"membres", "membres par profession et part des professionnels du territoire"},
      {"groupes_de_travail", "groupes de travail : mission, pilotes, membres, réunions"},
      {"annexe_membres", "annexe : liste des membres (nom, profession, commune, collège)"},
      {"missions", "missions choisies, indicateurs et échéances"},
      {"budget", "budget prévisionnel selon les montants de l'ACI"},
      {"communes", "annexe : chaque commune avec sa population et son accessibilité"},
      {"sources", "sources des données et millésimes"}};
  for (const auto& [n, label] : labels) {
    if (n == name) return label;
  }
  return {};
}

Result<Template> parse_template(std::string_view text, const std::string& file) {
  Reader r(file);
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    // toml++ describes syntax errors in English: say in French what kind of error it is.
    return fail_at(file, e.source().begin.line, "",
                   "syntaxe TOML invalide (" + std::string(e.description()) + ")");
  }
  if (auto s = r.keys(root, "", {"schema", "template", "mission_prompts", "missions", "chapters"});
      !s) {
    return tl::unexpected(s.error());
  }
  auto schema = r.string(root, "schema", "schema", true);
  if (!schema) return tl::unexpected(schema.error());
  if (*schema != kSchema) {
    return fail_at(file, line_of(*root.get("schema")), "schema",
                   "schéma « " + *schema + " » inconnu (attendu : " + std::string(kSchema) + ")");
  }
  Template out;
  out.file = file;
  const auto* head = root["template"].as_table();
  if (!head) return fail_at(file, 1, "template", "table [template] manquante");
  if (auto s = r.keys(*head, "template", {"id", "title", "subtitle"}); !s) {
    return tl::unexpected(s.error());
  }
  for (auto [key, dest, required] :
       {std::tuple{"id", &out.id, true}, std::tuple{"title", &out.title, true},
        std::tuple{"subtitle", &out.subtitle, false}}) {
    auto v = r.string(*head, key, std::string("template.") + key, required);
    if (!v) return tl::unexpected(v.error());
    *dest = *v;
  }

  std::set<std::string> prompt_seen;
  if (const toml::node* mp = root.get("mission_prompts")) {
    const auto* a = mp->as_array();
    if (!a) return r.error(*mp, "mission_prompts", "liste de tables [[mission_prompts]] attendue");
    for (std::size_t i = 0; i < a->size(); ++i) {
      const std::string field = "mission_prompts[" + std::to_string(i) + "]";
      const auto* t = (*a)[i].as_table();
      if (!t) return r.error((*a)[i], field, "table attendue");
      if (auto s = r.keys(*t, field, {"id", "label", "text"}); !s) return tl::unexpected(s.error());
      MissionPrompt p;
      for (auto [key, dest] :
           {std::pair{"id", &p.id}, std::pair{"label", &p.label}, std::pair{"text", &p.text}}) {
        auto v = r.string(*t, key, field, true);
        if (!v) return tl::unexpected(v.error());
        *dest = *v;
      }
      if (!valid_prompt_id(p.id) || p.id.find('.') != std::string::npos) {
        return r.error((*a)[i], field, "identifiant invalide « " + p.id + " »");
      }
      if (!prompt_seen.insert("mission.*." + p.id).second) {
        return r.error((*a)[i], field, "identifiant « " + p.id + " » en double");
      }
      out.mission_prompts.push_back(std::move(p));
    }
  }

  if (const toml::node* ms = root.get("missions")) {
    const auto* t = ms->as_table();
    if (!t) return r.error(*ms, "missions", "table [missions.<id>] attendue");
    for (auto&& [k, v] : *t) {
      const std::string field = "missions." + std::string(k.str());
      const auto* mt = v.as_table();
      if (!mt) return r.error(v, field, "table attendue");
      if (auto s = r.keys(*mt, field, {"objectifs", "indicateurs", "source"}); !s) {
        return tl::unexpected(s.error());
      }
      MissionGuide g;
      g.objectives = MAILLAGE_TRY(r.strings(*mt, "objectifs", field));
      g.indicators = MAILLAGE_TRY(r.strings(*mt, "indicateurs", field));
      g.source = MAILLAGE_TRY(r.string(*mt, "source", field, false));
      out.missions.emplace(std::string(k.str()), std::move(g));
    }
  }

  const toml::node* chapters = root.get("chapters");
  const auto* ca = chapters ? chapters->as_array() : nullptr;
  if (!ca || ca->empty()) return fail_at(file, 1, "chapters", "aucun chapitre [[chapters]]");
  std::set<std::string> chapter_ids;
  for (std::size_t i = 0; i < ca->size(); ++i) {
    const auto* t = (*ca)[i].as_table();
    std::string field = "chapters[" + std::to_string(i) + "]";
    if (!t) return r.error((*ca)[i], field, "table attendue");
    TemplateChapter ch;
    ch.id = MAILLAGE_TRY(r.string(*t, "id", field, true));
    field = "chapters[" + ch.id + "]";
    if (auto s = r.keys(*t, field, {"id", "title", "blocks"}); !s) {
      s.error().message = "chapitre « " + ch.id + " » : " + s.error().message;
      return tl::unexpected(s.error());
    }
    if (!chapter_ids.insert(ch.id).second) {
      return r.error((*ca)[i], field, "chapitre « " + ch.id + " » en double");
    }
    auto title = r.string(*t, "title", field, true);
    if (!title) {
      Error e = title.error();
      e.message = "chapitre « " + ch.id + " » : " + e.message;
      return tl::unexpected(std::move(e));
    }
    ch.title = *title;
    const toml::node* blocks = t->get("blocks");
    const auto* ba = blocks ? blocks->as_array() : nullptr;
    if (!ba || ba->empty()) {
      return r.error((*ca)[i], field,
                     "chapitre « " + ch.id + " » : aucun bloc [[chapters.blocks]]");
    }
    for (std::size_t j = 0; j < ba->size(); ++j) {
      const std::string bfield = field + ".blocks[" + std::to_string(j) + "]";
      TemplateBlock b = MAILLAGE_TRY(read_block(r, (*ba)[j], bfield, ch.id));
      if (b.kind == BlockKind::prompt && !prompt_seen.insert(b.value).second) {
        return fail_at(file, b.line, bfield,
                       "chapitre « " + ch.id + " » : zone de saisie « " + b.value + " » en double");
      }
      ch.blocks.push_back(std::move(b));
    }
    out.chapters.push_back(std::move(ch));
  }
  return out;
}

Result<Template> default_template() {
  static const Result<Template> parsed = [] {
    for (const auto& f : builtin_templates()) {
      if (f.name.ends_with("/default.toml")) return parse_template(f.text, f.name);
    }
    return Result<Template>(fail(ErrorCode::internal, "modèle national absent"));
  }();
  return parsed;
}

std::string default_template_text() {
  for (const auto& f : builtin_templates()) {
    if (f.name.ends_with("/default.toml")) return f.text;
  }
  return {};
}

std::vector<std::string> prompt_ids(const Template& t, const std::vector<std::string>& missions) {
  std::vector<std::string> out;
  for (const auto& ch : t.chapters) {
    for (const auto& b : ch.blocks) {
      if (b.kind == BlockKind::prompt) out.push_back(b.value);
      if (b.kind == BlockKind::data && b.value == "missions") {
        for (const auto& m : missions) {
          for (const auto& p : t.mission_prompts) out.push_back("mission." + m + "." + p.id);
        }
      }
    }
  }
  return out;
}

}  // namespace maillage::projet
