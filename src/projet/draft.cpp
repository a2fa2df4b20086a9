// Building the pre-draft: the template's blocks in order, each data block turned into headings,
// paragraphs and tables of the document model (every figure followed by its source and date),
// each prompt carrying the porteurs' current text.
#include "projet/draft.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/dates.hpp"
#include "common/french.hpp"
#include "projet/draft_internal.hpp"

namespace maillage::projet {

namespace detail {

std::string count_text(double v) {
  // Presence counts are whole numbers; FTE are not.
  return std::abs(v - std::round(v)) < 1e-9 ? fr::integer(std::llround(v)) : fr::decimal(v, 1);
}

// One run, so a brace in the text stays text (see the warning in office/document.hpp).
office::Paragraph bold(std::string text) {
  return office::Paragraph(std::vector<office::Run>{office::Run{std::move(text), true}});
}

office::Paragraph source_line(const std::string& text) {
  return office::Paragraph{{{"Source : ", true}, {text}}};
}

// Dates of the facts travel as "YYYY-MM-DD"; the document shows them as readers write them.
std::string shown_date(const std::string& iso) {
  auto d = parse_date(iso);
  return d ? format_date_fr(*d) : iso;
}

std::string rpps_cite(const ProjetFacts& f) {
  return f.rpps_date.empty()
             ? f.rpps_source + " (aucune extraction importée)"
             : fmt::format("{}, extraction du {}", f.rpps_source, shown_date(f.rpps_date));
}

}  // namespace detail

namespace {

using namespace detail;

constexpr std::string_view kToComplete = "à compléter";

std::string or_todo(const std::string& s) { return s.empty() ? std::string(kToComplete) : s; }

std::string density(const std::optional<double>& v) { return v ? fr::decimal(*v, 1) : "—"; }

std::string density_of(const std::optional<diagnostic::Figure>& f) {
  return f ? density(f->per_10000) : "—";
}

std::string population_cite(const ProjetFacts& f) { return f.population_source; }

class Builder {
 public:
  Builder(const Template& t, const ProjetFacts& f, const std::vector<std::string>& missions,
          const std::map<std::string, PromptText>& texts)
      : t_(t), f_(f), missions_(missions), texts_(texts) {}

  Result<DraftChapter> chapter(const TemplateChapter& c) {
    DraftChapter out{c.id, c.title, {}};
    items_ = &out.items;
    for (const auto& b : c.blocks) {
      switch (b.kind) {
        case BlockKind::text:
          for (auto& p : text_paragraphs(b.value)) add(office::Paragraph(std::move(p)));
          break;
        case BlockKind::heading:
          add(office::Heading{2, b.value});
          break;
        case BlockKind::prompt:
          prompt(b.value, b.label, b.text);
          break;
        case BlockKind::data:
          data_ = b.value;
          if (auto s = data(b.value); !s) return tl::unexpected(s.error());
          data_.clear();
          break;
      }
    }
    return out;
  }

 private:
  void add(office::Block b) { items_->push_back(DraftItem{std::move(b), std::nullopt, data_}); }
  Status add_all(Blocks blocks) {
    for (auto& b : blocks) add(std::move(b));
    return {};
  }

  void prompt(const std::string& id, const std::string& label, const std::string& invitation) {
    DraftPrompt p{id, label, invitation, {}};
    if (auto it = texts_.find(id); it != texts_.end()) p.current = it->second;
    items_->push_back(DraftItem{std::nullopt, std::move(p), ""});
  }

  Status data(const std::string& name) {
    if (name == "identification") return identification();
    if (name == "territoire") return territoire();
    if (name == "carte") return carte();
    if (name == "structures") return structures();
    if (name == "population") return population();
    if (name == "professionnels") return professionnels();
    if (name == "accessibilite") return accessibilite();
    if (name == "communes_sous_dotees") return sous_dotees();
    if (name == "evolution") return add_all(evolution_blocks(f_));
    if (name == "gouvernance") return add_all(gouvernance_blocks(f_));
    if (name == "membres") return add_all(membres_blocks(f_));
    if (name == "groupes_de_travail") return add_all(groupes_blocks(f_));
    if (name == "annexe_membres") return add_all(annexe_membres_blocks(f_));
    if (name == "missions") return missions();
    if (name == "budget") return budget();
    if (name == "communes") return communes();
    if (name == "sources") return sources();
    return fail(ErrorCode::internal, "bloc de données sans rédaction : " + name);
  }

  Status identification() {
    const auto& s = f_.structure;
    office::Table t{{"Rubrique", "Valeur"}, {}, {1, 2}};
    t.rows = {{"Nom", s.name},
              {"Type de structure", s.kind},
              {"Stade (registre Maillage)", or_todo(s.stage_label)},
              {"Forme juridique", or_todo(s.legal_form)},
              {"FINESS", or_todo(s.finess)},
              {"RNA", or_todo(s.rna)},
              {"SIRET", or_todo(s.siret)},
              {"Siège", or_todo(s.head_office)},
              {"Adresse", or_todo(s.address)},
              {"Contact", or_todo(s.contact_name)},
              {"Courriel", or_todo(s.contact_email)},
              {"Téléphone", or_todo(s.contact_phone)},
              {"Département", or_todo(s.departement)},
              {"Région", or_todo(s.region)}};
    add(std::move(t));
    add(source_line(fmt::format("registre des structures de Maillage, au {}", shown_date(f_.generated_on))));
    return {};
  }

  Status territoire() {
    const auto& d = f_.diagnostic;
    add(office::Paragraph{
        {{"Communes : ", true}, {fr::integer(static_cast<std::int64_t>(d.commune_count))}}});
    add(office::Paragraph{{{"Population : ", true}, {fr::integer(d.population) + " habitants"}}});
    if (f_.accord) {
      const aci::SizeClass* sc = f_.accord->size_class(f_.size_class);
      std::string text =
          sc ? fmt::format("{} — {}", sc->id, sc->label) : std::string("non déterminée");
      add(office::Paragraph{{{"Taille au sens de l'ACI : ", true}, {text}}});
      add(source_line(fmt::format("{} ; classes de taille de l'{} (règles de calcul de Maillage)",
                                  population_cite(f_), f_.accord->title)));
    } else {
      add(source_line(population_cite(f_)));
    }
    return {};
  }

  Status carte() {
    if (f_.map_png.empty() && !f_.map_deferred) {
      add(office::Paragraph("Carte indisponible : aucune commune du territoire n'a de contour."));
      return {};
    }
    add(office::Image{f_.map_png, 16, 0,
                      "Carte 1 — Communes du territoire (en bleu) et communes limitrophes (en "
                      "gris). Contours : référentiel Maillage (IGN Admin Express COG 2018).",
                      "Carte des communes du territoire de " + f_.structure.name});
    return {};
  }

  Status structures() {
    if (f_.nearby.empty()) {
      add(office::Paragraph(
          "Aucune autre structure d'exercice coordonné n'est enregistrée sur ce territoire."));
    } else {
      office::Table t{{"Type", "Nom", "Stade"}, {}, {1, 4, 2}};
      for (const auto& n : f_.nearby) {
        t.rows.push_back({n.kind, n.name, n.stage_label.empty() ? "—" : n.stage_label});
      }
      add(std::move(t));
    }
    add(source_line(fmt::format(
        "registre des structures de Maillage (structures dont le territoire comprend au moins "
        "une commune du territoire), au {}",
        shown_date(f_.generated_on))));
    return {};
  }

  Status population() {
    const auto& d = f_.diagnostic;
    office::Table t{{"Zone", "Population", "Communes"}, {}, {3, 1.5, 1}};
    t.rows.push_back({"Territoire de la CPTS", fr::integer(d.population),
                      fr::integer(static_cast<std::int64_t>(d.commune_count))});
    for (const auto* a : {&d.departement, &d.region, &d.france}) {
      if (*a) t.rows.push_back({(*a)->nom, fr::integer((*a)->population), "—"});
    }
    add(std::move(t));
    add(source_line(population_cite(f_)));
    return {};
  }

  Status professionnels() {
    const auto& d = f_.diagnostic;
    if (f_.rpps_date.empty()) {
      add(office::Paragraph(
          "Aucune extraction du RPPS n'a été importée dans Maillage : l'offre de soins n'est "
          "pas encore chiffrée."));
      return {};
    }
    std::string dep = d.departement ? d.departement->nom : "Département";
    std::string reg = d.region ? d.region->nom : "Région";
    office::Table t{{"Profession", "Effectif", "ETP", "Densité territoire", "Densité " + dep,
                     "Densité " + reg, "Densité France"},
                    {},
                    {3, 1, 1, 1.2, 1.2, 1.2, 1.2}};
    for (const auto& p : d.professions) {
      t.rows.push_back({p.label, count_text(p.territory.count), fr::decimal(p.territory.fte, 1),
                        density(p.territory.per_10000), density_of(p.departement),
                        density_of(p.region), density_of(p.france)});
    }
    add(std::move(t));
    add(office::Paragraph(
        "Densités : professionnels (effectifs) pour 10 000 habitants. Un professionnel exerçant "
        "sur plusieurs sites compte sur chacun ; l'ETP le répartit entre ses sites."));
    if (f_.partial_comparisons) {
      add(office::Paragraph(
          "Attention : l'extraction importée ne couvre pas tous les départements ; les densités "
          "régionale et nationale sont sous-estimées."));
    }
    add(source_line(rpps_cite(f_) + " ; " + population_cite(f_)));
    return {};
  }

  Status accessibilite() {
    const auto& d = f_.diagnostic;
    if (!d.mean_access) {
      add(office::Paragraph("Accessibilité non calculée (aucune extraction du RPPS importée)."));
      return {};
    }
    add(office::Paragraph{
        {{"Accessibilité moyenne aux médecins généralistes : ", true},
         {fr::decimal(*d.mean_access, 1) + " consultations par habitant et par an"}}});
    std::string share =
        d.share_under_threshold ? fr::decimal(*d.share_under_threshold * 100, 1) + " %" : "—";
    add(office::Paragraph{
        {{"Sous le seuil de " + fr::decimal(d.threshold, 1) + " : ", true},
         {fmt::format("{} communes, {} habitants ({} de la population)",
                      fr::integer(static_cast<std::int64_t>(d.communes_under_threshold)),
                      fr::integer(d.population_under_threshold), share)}}});
    if (!f_.accessibility_method.empty()) add(office::Paragraph(f_.accessibility_method));
    add(source_line(rpps_cite(f_) + " ; " + population_cite(f_) + " ; calcul Maillage"));
    return {};
  }

  Status sous_dotees() {
    const auto& d = f_.diagnostic;
    std::vector<const diagnostic::CommuneRow*> rows;
    for (const auto& c : d.communes) {
      if (c.under_served) rows.push_back(&c);
    }
    std::sort(rows.begin(), rows.end(), [](auto* a, auto* b) {
      return *a->access != *b->access ? *a->access < *b->access : a->code < b->code;
    });
    if (rows.empty()) {
      add(office::Paragraph(d.mean_access ? "Aucune commune du territoire n'est sous le seuil."
                                          : "Communes sous-dotées : non calculé."));
      return {};
    }
    add(bold("Communes sous le seuil d'accessibilité"));
    office::Table t{{"Commune", "Code INSEE", "Population", "Accessibilité"}, {}, {3, 1, 1, 1}};
    for (const auto* c : rows) {
      t.rows.push_back({c->nom, c->code, fr::integer(c->population), fr::decimal(*c->access, 1)});
    }
    add(std::move(t));
    return {};
  }

  std::string amount(const aci::BySize& by) const {
    auto it = by.find(f_.size_class);
    if (it == by.end()) return "—";
    return aci::format_euros(it->second.value) +
           (it->second.provenance.verified ? "" : " (non vérifié)");
  }

  static std::string months(const std::optional<aci::Sourced<int>>& m) {
    return m ? fmt::format("{} mois", m->value) : std::string("au choix de la CPTS");
  }

  Status missions() {
    if (!f_.accord) {
      add(office::Paragraph("Règles de l'ACI indisponibles."));
      return {};
    }
    for (const auto& id : missions_) {
      const aci::MissionRules* m = f_.accord->mission(id);
      if (!m) return fail(ErrorCode::invalid_input, "mission inconnue : " + id, "missions");
      const bool socle = m->category == aci::MissionCategory::socle;
      add(office::Heading{
          2, fmt::format("{} ({})", m->label, socle ? "mission socle" : "mission optionnelle")});
      add(office::Paragraph{
          {{"Délais (à compter de la signature du contrat) : ", true},
           {fmt::format("démarrage sous {}, déploiement sous {}", months(m->start_within_months),
                        months(m->deploy_within_months))}}});
      if (!f_.size_class.empty()) {
        add(office::Paragraph{
            {{fmt::format("Financement annuel (taille {}) : ", f_.size_class), true},
             {fmt::format("part fixe {}, part variable jusqu'à {}", amount(m->fixed),
                          amount(m->variable))}}});
      }
      add(source_line(fmt::format("{} (règles de calcul de Maillage)", f_.accord->title)));
      if (auto g = t_.missions.find(id); g != t_.missions.end()) {
        if (!g->second.objectives.empty()) {
          add(bold("Objectifs"));
          std::vector<office::Paragraph> items(g->second.objectives.begin(),
                                               g->second.objectives.end());
          add(office::BulletList{std::move(items)});
        }
        if (!g->second.indicators.empty()) {
          add(bold("Indicateurs envisagés (à négocier dans le contrat)"));
          std::vector<office::Paragraph> items(g->second.indicators.begin(),
                                               g->second.indicators.end());
          add(office::BulletList{std::move(items)});
          if (!g->second.source.empty()) add(source_line(g->second.source));
        }
      }
      for (const auto& p : t_.mission_prompts) {
        prompt("mission." + id + "." + p.id, p.label, p.text);
      }
    }
    return {};
  }

  Status budget() {
    if (!f_.accord || f_.size_class.empty()) {
      add(office::Paragraph("Budget non calculable : taille de la CPTS non déterminée."));
      return {};
    }
    office::Table t{{"Poste", "Montant", "Versement"}, {}, {4, 1.5, 2}};
    aci::Cents yearly = 0;
    bool unverified = false;
    auto cell = [&](const aci::BySize& by) -> std::optional<aci::Cents> {
      auto it = by.find(f_.size_class);
      if (it == by.end()) return std::nullopt;
      unverified = unverified || !it->second.provenance.verified;
      return it->second.value;
    };
    for (const auto& [id, env] : f_.accord->envelopes) {
      auto v = cell(env.amounts);
      if (!v) continue;
      const bool annual = id == "fonctionnement";
      if (annual) yearly += *v;
      t.rows.push_back({env.label, aci::format_euros(*v), annual ? "chaque année" : "une fois"});
    }
    for (const auto& id : missions_) {
      const aci::MissionRules* m = f_.accord->mission(id);
      if (!m) continue;
      if (auto v = cell(m->fixed)) {
        yearly += *v;
        std::string when = "chaque année";
        if (m->fixed_year_factors && m->fixed_year_factors->value.size() > 1) {
          when = "chaque année (taux dégressif, voir les règles)";
        }
        t.rows.push_back({m->label + " — part fixe", aci::format_euros(*v), when});
      }
      if (auto v = cell(m->variable)) {
        yearly += *v;
        t.rows.push_back({m->label + " — part variable (100 % d'atteinte)", aci::format_euros(*v),
                          "chaque année, selon l'atteinte des indicateurs"});
      }
    }
    t.rows.push_back({"Total annuel à pleine réalisation (hors versements uniques)",
                      aci::format_euros(yearly), "par année de contrat"});
    add(std::move(t));
    if (unverified) {
      add(office::Paragraph(
          "Certains montants n'ont pas pu être vérifiés dans les textes de l'accord : ils sont "
          "indiqués à titre prévisionnel et seront fixés par le contrat."));
    }
    add(source_line(fmt::format("{}, taille {} (règles de calcul de Maillage)", f_.accord->title,
                                f_.size_class)));
    return {};
  }

  Status communes() {
    office::Table t{{"Code INSEE", "Commune", "Population", "Accessibilité"}, {}, {1, 3, 1, 1}};
    for (const auto& c : f_.diagnostic.communes) {
      t.rows.push_back(
          {c.code, c.nom, fr::integer(c.population), c.access ? fr::decimal(*c.access, 1) : "—"});
    }
    add(std::move(t));
    add(source_line(population_cite(f_) + " ; " + rpps_cite(f_)));
    return {};
  }

  Status sources() {
    std::vector<office::Paragraph> items;
    items.emplace_back("Population : " + population_cite(f_));
    items.emplace_back("Professionnels de santé : " + rpps_cite(f_));
    if (!f_.accessibility_method.empty()) {
      items.emplace_back("Accessibilité : " + f_.accessibility_method);
    }
    if (f_.accord) {
      items.emplace_back(fmt::format(
          "Missions, délais et montants : {} (règles de calcul de Maillage)", f_.accord->title));
    }
    if (f_.diagnostic.previous_date) {
      items.emplace_back("Évolution de l'offre : extraction précédente du RPPS du " +
                         shown_date(*f_.diagnostic.previous_date));
    }
    if (f_.association) {
      items.emplace_back(
          "Association (statuts, collèges, bureau, membres, groupes de travail) : registre tenu "
          "dans Maillage au " +
          shown_date(f_.association->as_of));
    }
    items.emplace_back("Contours des communes : IGN Admin Express COG 2018 (référentiel Maillage)");
    items.emplace_back("Structures : registre de Maillage au " + shown_date(f_.generated_on));
    add(office::BulletList{std::move(items)});
    return {};
  }

  const Template& t_;
  const ProjetFacts& f_;
  const std::vector<std::string>& missions_;
  const std::map<std::string, PromptText>& texts_;
  std::vector<DraftItem>* items_ = nullptr;
  std::string data_;
};

}  // namespace

std::vector<MissionChoice> mission_choices(const aci::Accord& accord) {
  std::vector<MissionChoice> out;
  for (const auto& m : accord.missions) {
    out.push_back({m.id, m.label, m.category == aci::MissionCategory::socle});
  }
  std::stable_partition(out.begin(), out.end(), [](const MissionChoice& c) { return c.socle; });
  return out;
}

Result<std::vector<std::string>> normalise_missions(const aci::Accord& accord,
                                                    const std::vector<std::string>& chosen) {
  for (const auto& id : chosen) {
    if (!accord.mission(id)) {
      return fail(ErrorCode::invalid_input, "mission inconnue de l'accord : « " + id + " »",
                  "missions");
    }
  }
  std::vector<std::string> out;
  for (const auto& c : mission_choices(accord)) {
    if (c.socle || std::find(chosen.begin(), chosen.end(), c.id) != chosen.end()) {
      out.push_back(c.id);
    }
  }
  return out;
}

Result<Draft> build_draft(const Template& tmpl, const ProjetFacts& facts,
                          const std::vector<std::string>& missions,
                          const std::map<std::string, PromptText>& texts,
                          std::string template_label) {
  Draft d;
  d.title = tmpl.title + " — " + facts.structure.name;
  d.subtitle = tmpl.subtitle;
  d.template_label = std::move(template_label);
  d.missions = missions;
  Builder b(tmpl, facts, missions, texts);
  for (const auto& c : tmpl.chapters) {
    auto ch = b.chapter(c);
    if (!ch) return tl::unexpected(ch.error());
    d.chapters.push_back(std::move(*ch));
  }
  return d;
}

std::vector<std::string> text_paragraphs(const std::string& text) {
  std::vector<std::string> out;
  std::string current;
  std::size_t pos = 0;
  std::string t = text;
  t.erase(std::remove(t.begin(), t.end(), '\r'), t.end());
  while (pos <= t.size()) {
    std::size_t end = t.find('\n', pos);
    if (end == std::string::npos) end = t.size();
    std::string line = t.substr(pos, end - pos);
    const bool blank = line.find_first_not_of(" \t") == std::string::npos;
    if (blank) {
      if (!current.empty()) out.push_back(std::move(current));
      current.clear();
    } else {
      current += (current.empty() ? "" : "\n") + line;
    }
    pos = end + 1;
  }
  if (!current.empty()) out.push_back(std::move(current));
  return out;
}

office::Document to_document(const Draft& draft, const std::string& created) {
  office::Document doc;
  doc.title = draft.title;
  doc.created = created;
  doc.footer = {draft.title, true};
  doc.heading(1, draft.title);
  if (!draft.subtitle.empty()) doc.paragraph(draft.subtitle);
  doc.paragraph(office::Paragraph{{{"Modèle : ", true}, {draft.template_label}}});
  doc.table_of_contents({"Table des matières", 2});
  for (const auto& ch : draft.chapters) {
    doc.page_break();
    doc.heading(1, ch.title);
    for (const auto& item : ch.items) {
      if (item.block) {
        doc.blocks.push_back(*item.block);
        continue;
      }
      const DraftPrompt& p = *item.prompt;
      const bool in_mission = p.id.rfind("mission.", 0) == 0;
      doc.heading(in_mission ? 3 : 2, p.label);
      auto paragraphs = text_paragraphs(p.current.text);
      if (paragraphs.empty()) {
        doc.paragraph(office::Paragraph{{{"À compléter : ", true}, {p.invitation}}});
      }
      for (auto& para : paragraphs) doc.paragraph(std::move(para));
    }
  }
  return doc;
}

}  // namespace maillage::projet
