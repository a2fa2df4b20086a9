// Demo data of the animation territoriale (see demo.hpp): fictitious partners around the demo CPTS
// of the Pays messin (a town hall, a contrat local de santé, a hospital, an EHPAD, an association,
// the URPS), each labelled "(fictif)" with the communes it serves and an interaction or two; an
// action plan of the CPTS and of the Moselle territory; one past training day with its
// registrations and attendance (émargement), and one coming information meeting with
// registrations and a waiting list. Everything goes through services::Animation, so the seats and
// the waiting list are the engine's. Idempotent: nothing is done when a demo partner exists.
#include <fmt/format.h>

#include <tuple>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "demo/demo.hpp"
#include "services/animation.hpp"
#include "services/registry.hpp"
#include "store/database.hpp"

namespace maillage::demo {

using services::Principal;
using services::Role;

namespace {

constexpr const char* kDemoStructure = "CPTS de démonstration du Pays messin (fictive)";
constexpr const char* kFirstPartner = "Mairie de Metz — service santé (fictif)";

// The communes of the list that the référentiel knows (a small test référentiel has fewer).
std::vector<std::string> known(const geo::Referentiel& ref, std::vector<std::string> codes) {
  std::vector<std::string> out;
  for (auto& c : codes) {
    if (ref.commune(c) != nullptr) out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

Result<DemoLines> load_animation_demo(store::Database& db, const geo::Referentiel& ref) {
  auto s = db.query("SELECT id FROM structures WHERE name = $1 ORDER BY id LIMIT 1",
                    {std::string(kDemoStructure)});
  if (!s) return tl::unexpected(s.error());
  if (s->empty()) return DemoLines{"Partenaires et actions : structure de démonstration absente."};
  const std::int64_t structure = s->rows[0].integer(0);
  auto existing = db.query("SELECT COUNT(*) FROM partners WHERE name = $1",
                           {std::string(kFirstPartner)});
  if (!existing) return tl::unexpected(existing.error());
  if (existing->rows[0].integer(0) > 0) {
    return DemoLines{"Partenaires et actions de démonstration déjà présents."};
  }
  if (ref.departement("57") == nullptr) {
    return DemoLines{"Partenaires et actions : la Moselle manque au référentiel."};
  }
  Principal system;
  system.login = "system";
  system.display_name = "Chargement de la démonstration";
  system.role = Role::admin;
  auto registry = MAILLAGE_TRY(services::Registry::create(db, ref));
  services::Animation animation(db, registry, ref);

  // The ROC who follows the partners, when the demo accounts are there.
  std::int64_t roc = 0;
  auto r = db.query("SELECT id FROM users WHERE login = 'roc1.moselle@demo.maillage.fr'");
  if (r && !r->empty()) roc = r->rows[0].integer(0);

  struct P {
    const char* name;
    const char* kind;
    std::vector<std::string> communes;
    const char* contact;
    const char* role;
    const char* finess;
  };
  const std::vector<P> partners{
      {kFirstPartner, "collectivite", {"57463"}, "Claire Fictive", "Adjointe à la santé", ""},
      {"Contrat local de santé de Metz Métropole (fictif)",
       "cls",
       {"57463", "57480", "57415", "57672"},
       "Hugo Exemple",
       "Coordinateur du CLS",
       ""},
      {"Centre hospitalier du Pays messin (fictif)",
       "hopital",
       {"57463", "57480"},
       "Dr Anne Modèle",
       "Cheffe du service des urgences",
       ""},
      {"EHPAD Les Tilleuls (fictif)", "ehpad", {"57480"}, "Paul Témoin", "Directeur", ""},
      {"Association Prévention Moselle (fictive)",
       "association",
       {"57463", "57415", "57672"},
       "Léa Démo",
       "Chargée de prévention",
       ""},
      {"URPS médecins libéraux Grand Est (fictive)", "urps", {"57463"}, "Marc Essai", "Élu", ""}};
  std::vector<std::int64_t> ids;
  for (const auto& p : partners) {
    services::PartnerInput in;
    in.name = p.name;
    in.kind = p.kind;
    in.departement = "57";
    in.communes = known(ref, p.communes);
    in.structures = {structure};
    in.contacts = {{p.contact, p.role, "", ""}};
    in.follower_id = roc;
    in.notes = "Partenaire fictif de la démonstration.";
    auto v = animation.create_partner(system, in);
    if (!v) return tl::unexpected(v.error());
    ids.push_back(v->partner.id);
  }
  const Date today = today_utc();
  auto day = [&](int offset) { return format_date(add_days(today, offset)); };
  const std::size_t max_bytes = 1 << 20;
  for (const auto& [partner, kind, offset, title] :
       std::vector<std::tuple<std::int64_t, const char*, int, const char*>>{
           {ids[1], "convention", -120, "Signature de la convention CPTS – CLS (fictive)"},
           {ids[1], "reunion", -30, "Comité de pilotage du CLS"},
           {ids[2], "reunion", -45, "Parcours de sortie d'hospitalisation"},
           {ids[4], "action_cofinancee", -60, "Dépistage du diabète sur le marché (cofinancé)"}}) {
    services::InteractionInput in;
    in.kind = kind;
    in.held_on = day(offset);
    in.title = title;
    in.notes = "Échange fictif de la démonstration.";
    if (std::string(kind) == "convention") {
      in.filename = "convention-fictive.pdf";
      in.content_type = "application/pdf";
      in.bytes = "%PDF-1.4\n% Convention fictive de la démonstration Maillage\n%%EOF\n";
    }
    auto v = animation.add_interaction(system, partner, in, max_bytes);
    if (!v) return tl::unexpected(v.error());
  }

  // Actions: one of the CPTS (a training day, past), one of the territory (information meeting
  // for the collectivités, to come) and an "aller vers" prevention action in progress.
  services::ActionInput training;
  training.structure_id = structure;
  training.title = "Journée de formation : repérage de la fragilité (fictive)";
  training.kind = "formation";
  training.owner = "Coordination de la CPTS";
  training.target_public = "Infirmiers, pharmaciens et médecins du territoire";
  training.starts_on = day(-20);
  training.ends_on = day(-20);
  training.status = "realisee";
  training.planned_reach = 25;
  training.actual_reach = 18;
  training.partners = {ids[2], ids[3]};
  auto a1 = animation.create_action(system, training);
  if (!a1) return tl::unexpected(a1.error());
  services::ActionInput info;
  info.departement = "57";
  info.title = "Réunion d'information des élus sur l'exercice coordonné (fictive)";
  info.kind = "information";
  info.owner = "CPAM de Moselle — mission hors les murs";
  info.target_public = "Élus et services des collectivités";
  info.starts_on = day(12);
  info.ends_on = day(12);
  info.status = "prevue";
  info.planned_reach = 30;
  info.partners = {ids[0], ids[1]};
  auto a2 = animation.create_action(system, info);
  if (!a2) return tl::unexpected(a2.error());
  services::ActionInput prevention;
  prevention.structure_id = structure;
  prevention.title = "« Aller vers » : dépistage du diabète sur les marchés (fictive)";
  prevention.kind = "aller_vers";
  prevention.owner = "Groupe parcours diabète";
  prevention.target_public = "Habitants éloignés du soin";
  prevention.starts_on = day(-60);
  prevention.ends_on = day(90);
  prevention.status = "en_cours";
  prevention.planned_reach = 400;
  prevention.actual_reach = 152;
  prevention.partners = {ids[4]};
  auto a3 = animation.create_action(system, prevention);
  if (!a3) return tl::unexpected(a3.error());

  // The past training day, 6 places, 7 registrations (one waits), attendance marked.
  services::EventInput past;
  past.title = "Repérage de la fragilité — journée de formation";
  past.held_on = day(-20);
  past.starts_at = "09:00";
  past.ends_at = "17:00";
  past.place = "Maison des associations, Metz (fictif)";
  past.capacity = 6;
  auto e1 = animation.create_event(system, a1->action.id, past);
  if (!e1) return tl::unexpected(e1.error());
  const std::vector<std::tuple<const char*, const char*, const char*, const char*>> people{
      {"Alice Fictive", "alice.fictive@exemple.fr", "professionnel", "Infirmière libérale"},
      {"Bruno Exemple", "bruno.exemple@exemple.fr", "professionnel", "Pharmacien"},
      {"Chloé Modèle", "chloe.modele@exemple.fr", "membre", "Médecin généraliste"},
      {"David Témoin", "david.temoin@exemple.fr", "partenaire", "EHPAD Les Tilleuls (fictif)"},
      {"Emma Démo", "emma.demo@exemple.fr", "professionnel", "Masseur-kinésithérapeute"},
      {"Farid Essai", "farid.essai@exemple.fr", "professionnel", "Infirmier libéral"},
      {"Gaëlle Fictive", "gaelle.fictive@exemple.fr", "professionnel", "Orthophoniste"}};
  for (const auto& [name, email, category, organisation] : people) {
    services::RegistrationInput in{name, email, category, organisation, 0};
    auto g = animation.register_person(system, e1->event.id, in);
    if (!g) return tl::unexpected(g.error());
  }
  auto v1 = animation.event(system, e1->event.id);
  if (!v1) return tl::unexpected(v1.error());
  std::vector<services::AttendanceMark> marks;
  int n = 0;
  for (const auto& g : v1->registrations) {
    if (g.place != "inscrit") continue;
    marks.push_back({g.id, n++ == 4 ? "absent" : "present"});
  }
  if (auto m = animation.mark_attendance(system, e1->event.id, marks); !m) {
    return tl::unexpected(m.error());
  }

  // The coming information meeting, 4 places: 5 registered (the fifth waits).
  services::EventInput next;
  next.title = "Réunion d'information des élus";
  next.held_on = day(12);
  next.starts_at = "18:30";
  next.ends_at = "20:00";
  next.place = "Hôtel de ville, Metz (fictif)";
  next.capacity = 4;
  auto e2 = animation.create_event(system, a2->action.id, next);
  if (!e2) return tl::unexpected(e2.error());
  for (const auto& [name, email, category, organisation] :
       std::vector<std::tuple<const char*, const char*, const char*, const char*>>{
           {"Claire Fictive", "claire.fictive@exemple.fr", "partenaire", "Mairie de Metz (fictif)"},
           {"Hugo Exemple", "hugo.exemple@exemple.fr", "partenaire", "CLS de Metz Métropole (fictif)"},
           {"Inès Modèle", "ines.modele@exemple.fr", "professionnel", "Sage-femme"},
           {"Jules Témoin", "jules.temoin@exemple.fr", "professionnel", "Médecin généraliste"},
           {"Karima Démo", "karima.demo@exemple.fr", "professionnel", "Pharmacienne"}}) {
    services::RegistrationInput in{name, email, category, organisation, 0};
    auto g = animation.register_person(system, e2->event.id, in);
    if (!g) return tl::unexpected(g.error());
  }
  // An upcoming event of the CPTS the demo member can register to.
  services::EventInput market;
  market.title = "Stand de dépistage au marché de Montigny-lès-Metz";
  market.held_on = day(9);
  market.starts_at = "08:30";
  market.ends_at = "12:30";
  market.place = "Place du marché, Montigny-lès-Metz (fictif)";
  market.capacity = 8;
  auto e3 = animation.create_event(system, a3->action.id, market);
  if (!e3) return tl::unexpected(e3.error());
  return DemoLines{fmt::format(
      "Partenaires et actions : {} partenaires fictifs autour de la CPTS du Pays messin, 3 actions, "
      "une journée de formation passée avec émargement, une réunion d'information à venir avec "
      "liste d'attente.",
      ids.size())};
}

}  // namespace maillage::demo
