// The projet de santé pre-draft: gathering the facts (registry, diagnostic, ACI rules, map),
// the porteurs' texts and the template, then building the draft with src/projet.
#include "services/projet_sante.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "common/dates.hpp"
#include "common/french.hpp"
#include "common/try.hpp"
#include "office/docx.hpp"
#include "office/odt.hpp"
#include "office/raster.hpp"
#include "services/diagnostic.hpp"
#include "services/projet_association.hpp"
#include "services/projet_repository.hpp"
#include "services/registry.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

namespace {

constexpr std::string_view kSubmitEvent = "deposer_projet";
constexpr std::size_t kMaxText = 100'000;      // characters of one prompt's text
constexpr std::size_t kMaxTemplate = 200'000;  // bytes of a template
constexpr std::size_t kMaxDocument = 20u << 20;

std::string author_of(const Principal& who) {
  return who.display_name.empty() ? who.login : who.display_name;
}

std::string utc_now_seconds() {
  // "YYYY-MM-DDTHH:MM:SSZ" (office::Document::created).
  std::string t = store::timestamp_now();
  return t.substr(0, 19) + "Z";
}

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

std::string slug(const std::string& name) {
  std::string out;
  for (unsigned char c : name) {
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "structure" : out;
}

}  // namespace

struct ProjetsDeSante::Loaded {
  Structure structure;
  std::string region;
  projet::Template tmpl;
  std::string template_label;
  std::optional<ProjetDraftRow> draft;
  std::map<std::string, projet::PromptText> texts;
  projet::ProjetFacts facts;
  std::vector<std::string> communes;
};

Result<std::unique_ptr<ProjetsDeSante>> ProjetsDeSante::create(store::Database& db,
                                                               const geo::Referentiel& ref,
                                                               Registry& registry,
                                                               Diagnostics& diagnostics,
                                                               ProjetSettings settings,
                                                               Association* association,
                                                               const AssociationWork* work) {
  auto rules = MAILLAGE_TRY(aci::load_rulebook(aci::builtin_rule_files()));
  MAILLAGE_CHECK(projet::default_template());
  std::unique_ptr<ProjetsDeSante> out(
      new ProjetsDeSante(db, ref, registry, diagnostics, std::move(settings), std::move(rules)));
  if (!out->accord_) return fail(ErrorCode::internal, "aucun accord CPTS dans les règles ACI");
  out->association_ = association;
  out->work_ = work;
  return out;
}

ProjetsDeSante::ProjetsDeSante(store::Database& db, const geo::Referentiel& ref, Registry& registry,
                               Diagnostics& diagnostics, ProjetSettings settings,
                               aci::RuleBook rules)
    : db_(db),
      ref_(ref),
      registry_(registry),
      diagnostics_(diagnostics),
      settings_(std::move(settings)),
      rules_(std::move(rules)) {
  // The accord in force for a new CPTS: the most recent CPTS version.
  for (const auto& a : rules_.accords) {
    if (a.kind == aci::AccordKind::cpts && (!accord_ || accord_->signed_on < a.signed_on)) {
      accord_ = &a;
    }
  }
}

ProjetsDeSante::~ProjetsDeSante() = default;

bool ProjetsDeSante::may_edit(const Principal& who, std::int64_t structure) const {
  if (who.role == Role::admin) return true;
  return who.role == Role::coordinator &&
         std::find(who.structures.begin(), who.structures.end(), structure) != who.structures.end();
}

std::string ProjetsDeSante::render_map(const std::vector<std::string>& communes) const {
  std::set<geo::CommuneIndex> inside;
  for (const auto& code : communes) {
    if (const auto* c = ref_.commune(code)) inside.insert(ref_.index_of(*c));
  }
  std::set<geo::CommuneIndex> around;
  for (auto i : inside) {
    for (auto n : ref_.neighbours(i)) {
      if (!inside.count(n)) around.insert(n);
    }
  }
  office::MapImage map;
  map.width = settings_.map_width;
  map.height = settings_.map_height;
  auto shape = [&](geo::CommuneIndex i, office::Rgba fill) {
    office::MapShape s;
    s.fill = fill;
    s.outline = {255, 255, 255, 255};
    s.outline_px = 1.5;
    if (i >= ref_.cells.size()) return s;
    for (const auto& poly : ref_.cells[i]) {
      for (const auto* ring : {&poly.outer}) {
        office::LonLatRing r;
        for (const auto& p : *ring) r.push_back({p.lon, p.lat});
        s.rings.push_back(std::move(r));
      }
      for (const auto& hole : poly.holes) {
        office::LonLatRing r;
        for (const auto& p : hole) r.push_back({p.lon, p.lat});
        s.rings.push_back(std::move(r));
      }
    }
    return s;
  };
  for (auto i : around) map.shapes.push_back(shape(i, {215, 215, 215, 255}));
  for (auto i : inside) map.shapes.push_back(shape(i, {49, 99, 170, 255}));
  std::erase_if(map.shapes, [](const office::MapShape& s) { return s.rings.empty(); });
  if (map.shapes.empty()) return {};
  auto png = office::render_map(map);
  return png ? *png : std::string();
}

Result<ProjetsDeSante::Loaded> ProjetsDeSante::load(const Principal& who, std::int64_t id) {
  Loaded l;
  l.structure = MAILLAGE_TRY(registry_.get_structure(who, id));
  if (l.structure.kind != "CPTS") {
    return fail(ErrorCode::invalid_input,
                "Le projet de santé pré-rédigé concerne les CPTS (cette structure est une " +
                    l.structure.kind + ").",
                "structure");
  }
  l.region = registry_.region_of(l.structure.departement);
  ProjetRepository repo(db_);
  if (auto row = MAILLAGE_TRY(repo.current_template(l.region))) {
    l.tmpl = MAILLAGE_TRY(projet::parse_template(
        row->body, fmt::format("modèle régional {} v{}", l.region, row->version)));
    const auto* r = ref_.region(l.region);
    l.template_label = fmt::format("modèle régional {}, version {} du {}", r ? r->nom : l.region,
                                   row->version, row->created_at.substr(0, 10));
  } else {
    l.tmpl = MAILLAGE_TRY(projet::default_template());
    l.template_label = "modèle national de Maillage";
  }
  l.draft = MAILLAGE_TRY(repo.draft(id));
  for (auto& t : MAILLAGE_TRY(repo.texts(id))) {
    l.texts[t.prompt] = projet::PromptText{t.body, t.version, t.author, t.updated_at};
  }

  DiagnosticSelection sel;
  sel.structure = id;
  DiagnosticReport report = MAILLAGE_TRY(diagnostics_.diagnose(who, sel));
  l.communes = report.commune_codes;

  projet::ProjetFacts& f = l.facts;
  const Structure& s = l.structure;
  f.structure.id = s.id;
  f.structure.kind = s.kind;
  f.structure.name = s.name;
  f.structure.stage_label = s.stage_label;
  f.structure.legal_form = s.legal_form;
  f.structure.finess = s.finess;
  f.structure.rna = s.rna;
  f.structure.siret = s.siret;
  if (const auto* c = ref_.commune(s.commune)) {
    f.structure.head_office = fmt::format("{} ({})", c->nom, c->code);
  }
  f.structure.address = s.address;
  f.structure.contact_name = s.contact_name;
  f.structure.contact_email = s.contact_email;
  f.structure.contact_phone = s.contact_phone;
  if (const auto* d = ref_.departement(s.departement)) {
    f.structure.departement = fmt::format("{} ({})", d->nom, d->code);
  }
  if (const auto* r = ref_.region(l.region)) {
    f.structure.region = fmt::format("{} ({})", r->nom, r->code);
  }
  f.diagnostic = std::move(report.result);
  for (const auto& n : f.diagnostic.structures) {
    if (n.id == id) continue;
    f.nearby.push_back({n.kind, n.name, n.stage_label});
  }
  f.population_source = settings_.population_source;
  f.rpps_source = "Annuaire Santé (ANS), extraction en libre accès du RPPS";
  if (report.snapshot) {
    f.rpps_date = report.snapshot->extract_date.empty() ? report.snapshot->imported_at.substr(0, 10)
                                                        : report.snapshot->extract_date;
  }
  f.partial_comparisons = report.departements_with_supply < report.departements_total;
  f.accessibility_method = fmt::format(
      "accessibilité potentielle localisée (méthode E2SFCA, calcul Maillage) aux médecins "
      "généralistes : consultations accessibles par habitant et par an, {} consultations par "
      "ETP, rayon de {} minutes ; seuil de sous-dotation {}.",
      fr::integer(std::llround(report.access.consultations_per_fte)),
      fr::decimal(report.access.max_minutes, 0), fr::decimal(report.threshold, 1));
  f.accord = accord_;
  if (const auto* sc = accord_->size_class_for(f.diagnostic.population)) f.size_class = sc->id;
  f.generated_on = format_date(today_utc());
  f.association = projet_association_facts(association_, work_, who, id);
  return l;
}

Result<projet::Draft> ProjetsDeSante::draft_of(const Loaded& l,
                                               const std::vector<std::string>& missions) {
  auto chosen = MAILLAGE_TRY(projet::normalise_missions(*accord_, missions));
  return projet::build_draft(l.tmpl, l.facts, chosen, l.texts, l.template_label);
}

Result<ProjetView> ProjetsDeSante::view(const Principal& who, std::int64_t id) {
  Loaded l = MAILLAGE_TRY(load(who, id));
  ProjetView v;
  v.structure_id = id;
  v.structure_name = l.structure.name;
  v.region = l.region;
  v.stage_label = l.structure.stage_label;
  v.structure_version = l.structure.version;
  v.rpps_date = l.facts.rpps_date;
  std::vector<std::string> missions = l.draft ? l.draft->missions : std::vector<std::string>{};
  // Missions the accord no longer has are dropped rather than refused on display.
  std::erase_if(missions, [&](const std::string& m) { return !accord_->mission(m); });
  l.facts.map_deferred = true;
  v.draft = MAILLAGE_TRY(draft_of(l, missions));
  v.choices = projet::mission_choices(*accord_);
  v.draft_version = l.draft ? l.draft->version : 0;
  v.may_edit = may_edit(who, id);
  auto moves = MAILLAGE_TRY(registry_.allowed_transitions(who, l.structure));
  auto it = std::find_if(moves.begin(), moves.end(),
                         [](const AllowedTransition& t) { return t.event == kSubmitEvent; });
  if (it == moves.end()) {
    v.submit_note = fmt::format(
        "Le dépôt du projet de santé s'enregistre depuis le stade « Association créée » "
        "(stade actuel : {}).",
        l.structure.stage_label);
  } else if (!it->may_record) {
    v.submit_note = "Le dépôt est enregistré par " + it->decided_by_label + ".";
  } else {
    v.may_submit = true;
  }
  v.may_comment = may_comment(who);
  for (auto& c : MAILLAGE_TRY(ProjetRepository(db_).comments(id))) {
    v.comments.push_back({c.id, c.chapter, c.body, c.author, c.role, c.created_at});
  }
  for (auto& row : MAILLAGE_TRY(ProjetRepository(db_).submissions(id))) {
    ProjetSubmission s;
    s.id = row.id;
    s.document_id = row.document_id;
    s.template_label = row.template_label;
    std::string cur;
    for (char c : row.missions + ",") {
      if (c == ',') {
        if (!cur.empty()) s.missions.push_back(cur);
        cur.clear();
      } else {
        cur += c;
      }
    }
    s.submitted_by = row.submitted_by;
    s.submitted_at = row.submitted_at;
    v.submissions.push_back(std::move(s));
  }
  return v;
}

Result<ProjetView> ProjetsDeSante::choose_missions(const Principal& who, std::int64_t id,
                                                   std::int64_t expected_version,
                                                   const std::vector<std::string>& missions) {
  MAILLAGE_TRY(registry_.get_structure(who, id));
  if (!may_edit(who, id)) {
    return fail(ErrorCode::forbidden,
                "Seuls la coordination de la structure et les administrateurs rédigent le "
                "projet de santé.");
  }
  auto chosen = MAILLAGE_TRY(projet::normalise_missions(*accord_, missions));
  MAILLAGE_CHECK(db_.transact([&](store::Tx& tx) -> Status {
    const bool ok = MAILLAGE_TRY(ProjetRepository::save_draft(tx, id, expected_version, chosen,
                                                              who.login, store::timestamp_now()));
    if (!ok) {
      return fail(ErrorCode::conflict,
                  "Les missions ont été modifiées entre-temps : rechargez la page.", "version");
    }
    return store::audit(tx, {who.login, "projet.missions", "structure", std::to_string(id), "",
                             store::AuditDetail{}.add("missions", join(chosen)).json()});
  }));
  return view(who, id);
}

bool ProjetsDeSante::may_comment(const Principal& who) {
  switch (who.role) {
    case Role::admin:
    case Role::roc:
    case Role::ars:
    case Role::charge_de_mission:
    case Role::coordinator:
      return true;
    default:
      return false;
  }
}

Result<ProjetComment> ProjetsDeSante::comment(const Principal& who, std::int64_t id,
                                              const std::string& chapter, const std::string& body) {
  Structure s = MAILLAGE_TRY(registry_.get_structure(who, id));  // read scope
  if (!may_comment(who)) {
    return fail(ErrorCode::forbidden,
                "Les commentaires sont réservés au ROC, à l'ARS, aux chargés de mission et à la "
                "coordination.");
  }
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return fail(ErrorCode::invalid_input, "commentaire vide", "texte");
  }
  if (body.size() > 10'000) {
    return fail(ErrorCode::invalid_input, "commentaire trop long (10 000 caractères au plus)",
                "texte");
  }
  ProjetRepository repo(db_);
  projet::Template tmpl;
  const std::string region = registry_.region_of(s.departement);
  if (auto row = MAILLAGE_TRY(repo.current_template(region))) {
    tmpl = MAILLAGE_TRY(projet::parse_template(row->body, "modèle régional " + region));
  } else {
    tmpl = MAILLAGE_TRY(projet::default_template());
  }
  if (std::none_of(tmpl.chapters.begin(), tmpl.chapters.end(),
                   [&](const projet::TemplateChapter& c) { return c.id == chapter; })) {
    return fail(ErrorCode::invalid_input, "chapitre inconnu : « " + chapter + " »", "chapitre");
  }
  ProjetCommentRow row{
      0, chapter, body, author_of(who), std::string(role_label(who.role)), store::timestamp_now()};
  MAILLAGE_CHECK(db_.transact([&](store::Tx& tx) -> Status {
    row.id = MAILLAGE_TRY(ProjetRepository::add_comment(tx, id, row));
    return store::audit(
        tx, {who.login, "projet.comment", "structure", std::to_string(id), "",
             store::AuditDetail{}.add("chapitre", chapter).add("commentaire", row.id).json()});
  }));
  return ProjetComment{row.id, row.chapter, row.body, row.author, row.role, row.created_at};
}

Result<projet::PromptText> ProjetsDeSante::save_text(const Principal& who, std::int64_t id,
                                                     const std::string& prompt,
                                                     std::int64_t expected_version,
                                                     const std::string& text) {
  Structure s = MAILLAGE_TRY(registry_.get_structure(who, id));
  if (!may_edit(who, id)) {
    return fail(ErrorCode::forbidden,
                "Seuls la coordination de la structure et les administrateurs rédigent le "
                "projet de santé.");
  }
  if (text.size() > kMaxText) {
    return fail(ErrorCode::invalid_input,
                fmt::format("texte trop long ({} caractères au plus)", kMaxText), "texte");
  }
  // The prompt must be one of the draft's (template prompts, prompts of every mission of the
  // accord: a text written for a mission unchosen later is kept, not refused).
  ProjetRepository repo(db_);
  projet::Template tmpl;
  const std::string region = registry_.region_of(s.departement);
  if (auto row = MAILLAGE_TRY(repo.current_template(region))) {
    tmpl = MAILLAGE_TRY(projet::parse_template(row->body, "modèle régional " + region));
  } else {
    tmpl = MAILLAGE_TRY(projet::default_template());
  }
  std::vector<std::string> all_missions;
  for (const auto& m : accord_->missions) all_missions.push_back(m.id);
  auto ids = projet::prompt_ids(tmpl, all_missions);
  if (std::find(ids.begin(), ids.end(), prompt) == ids.end()) {
    return fail(ErrorCode::invalid_input, "zone de saisie inconnue : « " + prompt + " »", "zone");
  }
  projet::PromptText out{text, expected_version + 1, author_of(who), store::timestamp_now()};
  MAILLAGE_CHECK(db_.transact([&](store::Tx& tx) -> Status {
    const bool ok = MAILLAGE_TRY(ProjetRepository::save_text(
        tx, id, prompt, expected_version, text, who.user_id, out.author, out.updated_at));
    if (!ok) {
      return fail(ErrorCode::conflict,
                  "Ce texte a été modifié par quelqu'un d'autre entre-temps : rechargez-le "
                  "avant d'enregistrer (votre texte n'a pas été enregistré).",
                  "version");
    }
    return store::audit(tx, {who.login, "projet.text", "structure", std::to_string(id), "",
                             store::AuditDetail{}
                                 .add("zone", prompt)
                                 .add("version", out.version)
                                 .add("caracteres", text.size())
                                 .json()});
  }));
  return out;
}

Result<std::vector<TextRevision>> ProjetsDeSante::text_history(const Principal& who,
                                                               std::int64_t id,
                                                               const std::string& prompt) {
  MAILLAGE_TRY(registry_.get_structure(who, id));
  std::vector<TextRevision> out;
  for (auto& r : MAILLAGE_TRY(ProjetRepository(db_).history(id, prompt))) {
    out.push_back({r.version, std::move(r.body), std::move(r.author), std::move(r.updated_at)});
  }
  return out;
}

Result<ProjetsDeSante::Generated> ProjetsDeSante::generate(const Principal& who, std::int64_t id,
                                                           const std::string& created) {
  Generated g;
  Loaded l = MAILLAGE_TRY(load(who, id));
  l.facts.map_png = render_map(l.communes);
  std::vector<std::string> missions = l.draft ? l.draft->missions : std::vector<std::string>{};
  std::erase_if(missions, [&](const std::string& m) { return !accord_->mission(m); });
  projet::Draft d = MAILLAGE_TRY(draft_of(l, missions));
  g.document = projet::to_document(d, created.empty() ? utc_now_seconds() : created);
  g.missions = d.missions;
  g.template_label = l.template_label;
  g.base_name = "projet-de-sante-" + slug(l.structure.name);
  return g;
}

Result<std::string> ProjetsDeSante::map_png(const Principal& who, std::int64_t id) {
  MAILLAGE_TRY(registry_.get_structure(who, id));
  auto communes = MAILLAGE_TRY(registry_.territory_communes(who, id));
  std::string png = render_map(communes);
  if (png.empty()) return fail(ErrorCode::not_found, "aucune commune du territoire n'a de contour");
  return png;
}

Result<office::Document> ProjetsDeSante::document(const Principal& who, std::int64_t id,
                                                  const std::string& created) {
  auto g = MAILLAGE_TRY(generate(who, id, created));
  return std::move(g.document);
}

namespace {

Result<ProjetFile> write_file(const office::Document& doc, const std::string& base,
                              ProjetFormat format) {
  ProjetFile out;
  if (format == ProjetFormat::docx) {
    out.bytes = MAILLAGE_TRY(office::write_docx(doc));
    out.filename = base + ".docx";
    out.media_type = std::string(office::kDocxMediaType);
  } else {
    out.bytes = MAILLAGE_TRY(office::write_odt(doc));
    out.filename = base + ".odt";
    out.media_type = std::string(office::kOdtMediaType);
  }
  return out;
}

}  // namespace

Result<ProjetFile> ProjetsDeSante::file(const Principal& who, std::int64_t id, ProjetFormat format,
                                        const std::string& created) {
  auto g = MAILLAGE_TRY(generate(who, id, created));
  return write_file(g.document, g.base_name, format);
}

Result<ProjetSubmission> ProjetsDeSante::submit(const Principal& who, std::int64_t id,
                                                std::int64_t expected_structure_version,
                                                registry::Date date, registry::Date today) {
  // The file first (nothing is recorded when the draft cannot be generated), then the step: the
  // registry checks who decides, the stage and the structure's version. The DOCX kept is the
  // one generated here, byte for byte what the porteurs deposited.
  auto g = MAILLAGE_TRY(generate(who, id, utc_now_seconds()));
  ProjetFile f = MAILLAGE_TRY(write_file(g.document, g.base_name, ProjetFormat::docx));
  MAILLAGE_TRY(registry_.transition(who, id, expected_structure_version, std::string(kSubmitEvent),
                                    date, "Projet de santé déposé depuis Maillage", today));
  NewDocument doc;
  doc.doc_type = "projet_sante";
  doc.title = "Projet de santé déposé le " + format_date(date);
  doc.filename = f.filename;
  doc.content_type = f.media_type;
  doc.date = date;
  doc.bytes = std::move(f.bytes);
  DocumentInfo info = MAILLAGE_TRY(registry_.add_document(who, id, doc, kMaxDocument));
  ProjetSubmission out;
  out.document_id = info.id;
  out.template_label = g.template_label;
  out.missions = g.missions;
  out.submitted_by = who.login;
  out.submitted_at = store::timestamp_now();
  MAILLAGE_CHECK(db_.transact([&](store::Tx& tx) -> Status {
    if (auto added = ProjetRepository::add_submission(
            tx, id, info.id, out.template_label, join(out.missions), who.login, out.submitted_at);
        !added) {
      return added;
    }
    return store::audit(tx, {who.login, "projet.submit", "structure", std::to_string(id), "",
                             store::AuditDetail{}
                                 .add("document", info.id)
                                 .add("missions", join(out.missions))
                                 .add("modele", out.template_label)
                                 .json()});
  }));
  return out;
}

// Templates ----------------------------------------------------------------------------------

namespace {

bool may_read_template(const Principal& who, const std::string& region) {
  switch (who.role) {
    case Role::admin:
    case Role::observer:
      return true;
    case Role::ars:
    case Role::charge_de_mission:
      return covers_region(who, region);
    default:
      return false;
  }
}

bool may_edit_template(const Principal& who, const std::string& region) {
  return who.role == Role::admin ||
         (who.role == Role::charge_de_mission && covers_region(who, region));
}

}  // namespace

Result<RegionTemplate> ProjetsDeSante::region_template(const Principal& who,
                                                       const std::string& region) {
  const auto* r = ref_.region(region);
  if (!r) return fail(ErrorCode::not_found, "région inconnue : " + region, "region");
  if (!may_read_template(who, region)) {
    return fail(ErrorCode::forbidden, "Cette région n'est pas dans votre périmètre.");
  }
  RegionTemplate out;
  out.region = region;
  out.region_name = r->nom;
  out.may_edit = may_edit_template(who, region);
  if (auto row = MAILLAGE_TRY(ProjetRepository(db_).current_template(region))) {
    out.version = row->version;
    out.body = std::move(row->body);
    out.note = std::move(row->note);
    out.created_by = std::move(row->created_by);
    out.created_at = std::move(row->created_at);
  } else {
    out.body = projet::default_template_text();
  }
  return out;
}

Result<RegionTemplate> ProjetsDeSante::save_region_template(const Principal& who,
                                                            const std::string& region,
                                                            std::int64_t expected_version,
                                                            const std::string& body,
                                                            const std::string& note) {
  const auto* r = ref_.region(region);
  if (!r) return fail(ErrorCode::not_found, "région inconnue : " + region, "region");
  if (!may_edit_template(who, region)) {
    return fail(ErrorCode::forbidden,
                "Seuls les chargés de mission de la région et les administrateurs modifient son "
                "modèle de projet de santé.");
  }
  if (body.size() > kMaxTemplate) {
    return fail(ErrorCode::invalid_input, "modèle trop long", "modele");
  }
  MAILLAGE_CHECK(projet::parse_template(body, "modèle"));
  MAILLAGE_CHECK(db_.transact([&](store::Tx& tx) -> Status {
    const bool ok = MAILLAGE_TRY(ProjetRepository::add_template(
        tx, region, expected_version, body, note, who.login, store::timestamp_now()));
    if (!ok) {
      return fail(ErrorCode::conflict,
                  "Le modèle de la région a été modifié entre-temps : rechargez-le.", "version");
    }
    return store::audit(
        tx, {who.login, "projet.template", "region", region, "",
             store::AuditDetail{}.add("version", expected_version + 1).add("note", note).json()});
  }));
  return region_template(who, region);
}

}  // namespace maillage::services
