// Demo data of the registry area (see demo.hpp): a fictitious but plausible Moselle (57).
//
// - Five CPTS at different stages, with territories made of real EPCI (written into
//   structure_communes, the territories area's table): the existing "CPTS de démonstration du
//   Pays messin (fictive)" (Metz Métropole, ACI signed 14 months ago, one mission late), Val de
//   Fensch – Thionville (projet de santé deposited 7 weeks ago: implicit validation due soon),
//   Rives de Moselle et Orne (lettre d'intention validée; three communes of Metz Métropole
//   make the overlap with the Pays messin), Bassin houiller (active, validated implicitly, all
//   missions started) and Pays de Sarrebourg (pré-projet). The rest of the département (Saulnois,
//   Bitche, Sarreguemines...) is left uncovered: the white zones.
// - Twelve MSP at every stage of their lifecycle, one abandoned.
// - The two demo ROC accounts split the département in two sectors computed by the sectors
//   engine: see sectors_demo.cpp.
//
// Every step goes through services::Registry (validated by the lifecycle tables, audited) and
// is dated relative to today, so that the alerts of the portfolio are always current. Every
// name says "(fictive)". Idempotent: a structure that exists by name is left as it is.
#include <fmt/format.h>

#include <chrono>
#include <map>
#include <set>

#include "demo/demo.hpp"
#include "services/registry.hpp"
#include "store/database.hpp"

namespace maillage::demo {

using services::NewStructure;
using services::Principal;
using services::Registry;
using services::Role;
using services::StructureFields;

namespace {

using registry::Date;

struct Step {
  const char* event;
  int days_ago;
};

struct DemoStructure {
  const char* kind;
  const char* name;
  const char* commune;  // head office
  const char* legal_form;
  const char* contact;
  std::vector<const char*> epcis;     // territory: whole EPCI
  std::vector<const char*> communes;  // territory: single communes
  bool sector_east;                   // signed by roc1 (east) or roc2 (centre-north)
  std::vector<Step> steps;
  std::vector<std::pair<const char*, int>> milestones;  // milestone, days ago
};

constexpr const char* kPaysMessin = "CPTS de démonstration du Pays messin (fictive)";
constexpr const char* kRocEast = "roc1.moselle@demo.maillage.fr";
constexpr const char* kRocNorth = "roc2.moselle@demo.maillage.fr";

const std::vector<DemoStructure>& scenario() {
  static const std::vector<DemoStructure> s{
      {"CPTS",
       kPaysMessin,
       "57463",
       "Association loi 1901",
       "Coordination du Pays messin",
       {"200039865"},
       {},
       false,
       {{"lancer_pre_projet", 1300},
        {"deposer_lettre", 1200},
        {"valider_lettre", 1150},
        {"creer_association", 1100},
        {"deposer_projet", 1000},
        {"valider_projet", 960},
        {"ouvrir_negociation", 900},
        {"signer_aci", 430}},
       {{"acces_soins.demarrage", 300}, {"crise.demarrage", 280}, {"prevention.demarrage", 100}}},
      {"CPTS",
       "CPTS Val de Fensch – Thionville (fictive)",
       "57672",
       "Association loi 1901",
       "Bureau de la CPTS",
       {"245701222", "245701362"},
       {},
       false,
       {{"lancer_pre_projet", 400},
        {"deposer_lettre", 330},
        {"valider_lettre", 300},
        {"creer_association", 250},
        {"deposer_projet", 49}},
       {}},
      {"CPTS",
       "CPTS Rives de Moselle et Orne (fictive)",
       "57433",
       "Association loi 1901",
       "Porteur du projet",
       {"200039949", "245701271"},
       {"57751", "57452", "57634"},
       false,
       {{"lancer_pre_projet", 200}, {"deposer_lettre", 120}, {"valider_lettre", 60}},
       {}},
      {"CPTS",
       "CPTS du Bassin houiller (fictive)",
       "57227",
       "Association loi 1901",
       "Coordination du Bassin houiller",
       {"245700372", "245700398", "200067502", "245701164"},
       {},
       true,
       // No decision of the ARS within 2 months of the deposit: validated implicitly, recorded
       // by the service before the opening of the negotiation.
       {{"lancer_pre_projet", 1700},
        {"deposer_lettre", 1650},
        {"valider_lettre", 1620},
        {"creer_association", 1600},
        {"deposer_projet", 1500},
        {"ouvrir_negociation", 1400},
        {"signer_aci", 1050},
        {"engager_missions", 1000}},
       {{"acces_soins.demarrage", 1000},
        {"crise.demarrage", 990},
        {"parcours.demarrage", 900},
        {"prevention.demarrage", 880},
        {"acces_soins.deploiement", 700},
        {"crise.deploiement", 690},
        {"parcours.deploiement", 500},
        {"prevention.deploiement", 400}}},
      {"CPTS",
       "CPTS du Pays de Sarrebourg (fictive)",
       "57630",
       "",
       "Groupe de professionnels",
       {"200068146"},
       {},
       true,
       {{"lancer_pre_projet", 30}},
       {}},
      // MSP
      {"MSP",
       "MSP de Boulay (fictive)",
       "57097",
       "SISA",
       "",
       {},
       {},
       true,
       {{"deposer_projet", 800}, {"valider_projet", 770}, {"ouvrir", 600}, {"signer_aci", 500}},
       {{"sisa.creation", 450}}},
      {"MSP",
       "MSP de Faulquemont (fictive)",
       "57209",
       "SISA",
       "",
       {},
       {},
       true,
       {{"deposer_projet", 300}, {"valider_projet", 270}, {"ouvrir", 90}},
       {}},
      {"MSP",
       "MSP du Pays de Bitche (fictive)",
       "57089",
       "",
       "",
       {},
       {},
       true,
       {{"deposer_projet", 20}},
       {}},
      {"MSP", "MSP de Phalsbourg (fictive)", "57540", "", "", {}, {}, true, {}, {}},
      {"MSP",
       "MSP de Sarreguemines (fictive)",
       "57631",
       "SISA",
       "",
       {},
       {},
       true,
       {{"deposer_projet", 500}, {"valider_projet", 470}, {"ouvrir", 300}, {"signer_aci", 150}},
       {}},
      {"MSP",
       "MSP de Creutzwald (fictive)",
       "57160",
       "SISA",
       "",
       {},
       {},
       true,
       {{"deposer_projet", 100}, {"valider_projet", 70}},
       {}},
      {"MSP",
       "MSP de Hettange-Grande (fictive)",
       "57323",
       "SISA",
       "",
       {},
       {},
       false,
       {{"deposer_projet", 400}, {"valider_projet", 380}, {"ouvrir", 200}},
       {}},
      {"MSP",
       "MSP d'Audun-le-Tiche (fictive)",
       "57038",
       "SISA",
       "",
       {},
       {},
       false,
       {{"deposer_projet", 900}, {"valider_projet", 870}, {"ouvrir", 800}, {"signer_aci", 700}},
       {{"sisa.creation", 650}}},
      {"MSP",
       "MSP de Marly (fictive)",
       "57447",
       "",
       "",
       {},
       {},
       false,
       {{"deposer_projet", 10}},
       {}},
      {"MSP",
       "MSP d'Amnéville (fictive)",
       "57019",
       "",
       "",
       {},
       {},
       false,
       {{"deposer_projet", 250}, {"refuser_projet", 230}, {"abandonner", 120}},
       {}},
      {"MSP", "MSP de Guénange (fictive)", "57269", "", "", {}, {}, false, {}, {}},
      {"MSP",
       "MSP de Saint-Avold (fictive)",
       "57606",
       "SISA",
       "",
       {},
       {},
       true,
       {{"deposer_projet", 260}, {"valider_projet", 240}, {"ouvrir", 200}, {"signer_aci", 160}},
       {}},
  };
  return s;
}

Principal roc_principal(const char* login) {
  Principal p;
  p.login = login;
  p.display_name = login;
  p.role = Role::roc;
  p.departements = {"57"};
  return p;
}

Date days_before(Date today, int days) {
  return Date{std::chrono::sys_days(today) - std::chrono::days(days)};
}

Status write_territory(store::Database& db, const geo::Referentiel& ref, std::int64_t id,
                       const DemoStructure& d) {
  std::set<std::string> codes;
  for (const char* e : d.epcis) {
    if (const auto* epci = ref.epci(e)) {
      for (auto i : epci->members) {
        if (ref.communes[i].departement == "57") codes.insert(ref.communes[i].code);
      }
    }
  }
  for (const char* c : d.communes) {
    if (ref.commune(c) != nullptr) codes.insert(c);
  }
  if (codes.empty()) return {};
  std::int64_t population = 0;
  std::string list;
  for (const auto& c : codes) {
    population += ref.commune(c)->population;
    list += (list.empty() ? "" : ",") + c;
  }
  return db.transact([&](store::Tx& tx) -> Status {
    auto existing =
        tx.query("SELECT count(*) FROM structure_communes WHERE structure_id = $1", {id});
    if (!existing) return tl::unexpected(existing.error());
    if (existing->rows[0].integer(0) > 0) return {};
    for (const auto& c : codes) {
      auto n = tx.exec("INSERT INTO structure_communes (structure_id, commune) VALUES ($1, $2)",
                       {id, c});
      if (!n) return tl::unexpected(n.error());
    }
    auto version = tx.query("SELECT version FROM structures WHERE id = $1", {id});
    if (!version) return tl::unexpected(version.error());
    auto n = tx.exec(
        "INSERT INTO territory_history (structure_id, version, at, user_login, source, communes, "
        "commune_count, population) VALUES ($1, $2, $3, 'system', 'demo', $4, $5, $6)",
        {id, version->rows.at(0).integer(0), store::timestamp_now(), list,
         static_cast<std::int64_t>(codes.size()), population});
    if (!n) return tl::unexpected(n.error());
    return store::audit(tx, {"system", "territory.demo", "structure", std::to_string(id), "",
                             fmt::format("{{\"communes\":{}}}", codes.size())});
  });
}

}  // namespace

Result<DemoLines> load_registry_demo(store::Database& db, const geo::Referentiel& ref) {
  DemoLines lines;
  if (ref.departement("57") == nullptr) {
    lines.push_back("Registre : la Moselle (57) n'est pas dans le référentiel, scénario ignoré.");
    return lines;
  }
  auto reg = Registry::create(db, ref);
  if (!reg) return tl::unexpected(reg.error());
  const Date today = today_utc();
  Principal admin;
  admin.login = "system";
  admin.role = Role::admin;

  int created = 0;
  for (const auto& d : scenario()) {
    const Principal signer = roc_principal(d.sector_east ? kRocEast : kRocNorth);
    auto found = db.query("SELECT id, stage FROM structures WHERE name = $1 ORDER BY id",
                          {std::string(d.name)});
    if (!found) return tl::unexpected(found.error());
    std::int64_t id = 0;
    bool walk = false;
    if (found->empty()) {
      NewStructure ns;
      ns.kind = d.kind;
      ns.name = d.name;
      ns.departement = "57";
      if (ref.commune(d.commune) != nullptr) ns.fields.commune = std::string(d.commune);
      ns.fields.legal_form = std::string(d.legal_form);
      if (*d.contact) {
        ns.fields.contact_name = std::string(d.contact) + " (fictif)";
        ns.fields.contact_email = "contact@demo.maillage.fr";
      }
      ns.fields.notes = "Structure fictive du jeu de démonstration de Maillage.";
      auto s = reg->create_structure(admin, ns);
      if (!s) return tl::unexpected(s.error());
      id = s->id;
      walk = true;
      ++created;
    } else {
      id = found->rows[0].integer(0);
      // The Pays messin CPTS is created by the demo accounts with no history: walk it once.
      auto h = db.query("SELECT count(*) FROM structure_transitions WHERE structure_id = $1", {id});
      if (!h) return tl::unexpected(h.error());
      walk = h->rows[0].integer(0) == 0 && !d.steps.empty();
      if (walk && std::string(d.name) == kPaysMessin) {
        auto s = reg->get_structure(admin, id);
        if (!s) return tl::unexpected(s.error());
        StructureFields f;
        f.commune = std::string(d.commune);
        f.legal_form = std::string(d.legal_form);
        f.contact_name = std::string(d.contact) + " (fictif)";
        f.contact_email = "coordination@demo.maillage.fr";
        f.notes = "Structure fictive du jeu de démonstration de Maillage.";
        if (auto u = reg->update_structure(admin, id, s->version, f); !u) {
          return tl::unexpected(u.error());
        }
      }
    }
    if (walk) {
      for (const auto& step : d.steps) {
        auto s = reg->get_structure(admin, id);
        if (!s) return tl::unexpected(s.error());
        // The demo structures existed before Maillage: their past is taken over (reprise de
        // l'historique), which also records "ACI signé" for the MSP whose contracts the demo
        // does not enter.
        auto t = reg->record_past_step(admin, id, s->version, step.event,
                                       days_before(today, step.days_ago), today);
        if (!t) {
          Error e = t.error();
          e.message = fmt::format("démo « {} », étape {} : {}", d.name, step.event, e.message);
          return tl::unexpected(e);
        }
      }
      for (const auto& [milestone, days] : d.milestones) {
        if (auto m = reg->record_milestone(signer, id, milestone, days_before(today, days), today);
            !m) {
          return tl::unexpected(m.error());
        }
      }
    }
    if (!d.epcis.empty() || !d.communes.empty()) {
      if (auto t = write_territory(db, ref, id, d); !t) return tl::unexpected(t.error());
    }
  }

  lines.push_back(fmt::format(
      "Registre : {} structures fictives créées en Moselle (5 CPTS, 12 MSP ; déjà présentes : "
      "{}).",
      created, scenario().size() - static_cast<std::size_t>(created)));
  return lines;
}

}  // namespace maillage::demo
