// Demo data of the aci area (see demo.hpp): a signed ACI contract for the demo CPTS (fictitious,
// signed 2024-03-15 under avenant 2), its indicators with some measured values, and a dialogue de
// gestion for contract year 2 with comments from both sides, a fiche action, a budget line, an
// agreed date and the start of the minutes. Loaded through AciService, so the demo goes through
// the same validation, versioning and audit as users do. Idempotent: nothing is done when the
// contract reference exists.
//
// MSP: the demo registry's "MSP de Boulay (fictive)" (Moselle, ACI signed 500 days ago in the
// registry demo) gets its contract from the same form as users (catalogue indicators of the
// rules: prérequis, socle and two optional ones), one calendar year of measures (the signature's
// year: patientèle and achievement rates), a comment and the advance received.
#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "aci/rules.hpp"
#include "common/dates.hpp"
#include "demo/demo.hpp"
#include "geo/referentiel.hpp"
#include "services/aci.hpp"
#include "store/database.hpp"

namespace maillage::demo {

using services::AciService;
using services::FicheInput;
using services::Principal;
using services::Role;
using services::WorkspaceUpdate;

namespace {

constexpr const char* kReference = "DEMO-CPTS-57-2024 (fictif)";
constexpr const char* kStructure = "CPTS de démonstration du Pays messin (fictive)";

// The demo CPTS's territory: the communes the territory demo gave it, else Metz's neighbours
// (a plausible T2-sized territory around Metz), else none.
std::vector<std::string> demo_communes(store::Database& db, const geo::Referentiel& ref,
                                       std::int64_t structure_id) {
  std::vector<std::string> out;
  auto r =
      db.query("SELECT commune FROM structure_communes WHERE structure_id = $1 ORDER BY commune",
               {structure_id});
  if (r) {
    for (const auto& row : r->rows) {
      if (ref.commune(row.text(0)) != nullptr) out.push_back(row.text(0));
    }
  }
  if (!out.empty()) return out;
  if (const geo::Commune* metz = ref.commune("57463")) {
    for (auto n : ref.neighbours(ref.index_of(*metz))) out.push_back(ref.communes[n].code);
  }
  return out;
}

std::string size_class_for(std::int64_t population) {
  // The accord's bounds (rules data), not constants of ours.
  static const auto book = aci::load_rulebook(aci::builtin_rule_files());
  if (book) {
    if (const auto* a = book->find("cpts-2019-av2")) {
      if (const auto* s = a->size_class_for(population)) return s->id;
    }
  }
  return "T2";
}

Result<Principal> demo_user(store::Database& db, const std::string& login, Role role,
                            std::int64_t structure_id) {
  auto r = db.query("SELECT id, display_name FROM users WHERE lower(login) = lower($1)", {login});
  if (!r) return tl::unexpected(r.error());
  Principal p;
  p.login = login;
  p.role = role;
  if (!r->empty()) {
    p.user_id = r->rows[0].integer(0);
    p.display_name = r->rows[0].text(1);
  } else {
    p.display_name = login;
  }
  if (role == Role::roc) p.departements = {"57"};
  if (role == Role::coordinator) p.structures = {structure_id};
  return p;
}

constexpr const char* kMspReference = "DEMO-MSP-57-BOULAY (fictif)";
constexpr const char* kMspStructure = "MSP de Boulay (fictive)";

Result<std::string> load_msp_demo(store::Database& db, const geo::Referentiel& ref) {
  auto s = db.query("SELECT id FROM structures WHERE name = $1 ORDER BY id",
                    {std::string(kMspStructure)});
  if (!s) return tl::unexpected(s.error());
  if (s->empty()) return std::string("ACI MSP : structure de démonstration absente, rien à charger");
  const std::int64_t sid = s->rows[0].integer(0);
  auto existing =
      db.query("SELECT id FROM aci_contracts WHERE reference = $1", {std::string(kMspReference)});
  if (!existing) return tl::unexpected(existing.error());
  if (!existing->empty()) {
    return fmt::format("ACI MSP : contrat de démonstration déjà chargé (/aci/contrats/{}/dialogue/1)",
                       existing->rows[0].integer(0));
  }
  AciService aci(db, ref);
  Principal system;
  system.login = "system";
  system.display_name = "Chargement de démonstration";
  system.role = Role::admin;
  // Signed on the day the registry demo records "ACI signé" (500 days ago).
  const Date signature{std::chrono::sys_days(today_utc()) - std::chrono::days(500)};
  const int year = static_cast<int>(signature.year());
  services::AciContractForm form;
  form.structure_id = sid;
  form.reference = kMspReference;
  form.accord = "msp-2017";
  form.signature = format_date(signature);
  form.cpam = "CPAM de Moselle (démonstration)";
  form.ars = "ARS Grand Est (démonstration)";
  form.patients = "3400";
  form.missions = {"missions_sante_publique", "implication_usagers"};
  auto id = aci.create_contract_from_form(system, form);
  if (!id) return tl::unexpected(id.error());
  auto roc = demo_user(db, "roc1.moselle@demo.maillage.fr", Role::roc, sid);
  if (!roc) return tl::unexpected(roc.error());
  // One year of measures (fictitious): achievement rates of the signature's year.
  for (const auto& [indicator, rate] : std::vector<std::pair<std::string, double>>{
           {"acces_soins", 100},
           {"coordination", 100},
           {"systeme_information", 100},
           {"protocoles", 75},
           {"concertation", 80},
           {"missions_sante_publique", 100},
           {"implication_usagers", 50}}) {
    auto m = aci.set_measure(*roc, *id, {"msp", indicator, year, rate, 0});
    if (!m) return tl::unexpected(m.error());
  }
  auto c = aci.add_comment(*roc, *id, 1, "indicateur:msp/concertation",
                           "Comptes rendus des réunions de concertation à joindre (fictif).");
  if (!c) return tl::unexpected(c.error());
  // The advance of the year was received (12 000 €, the floor): the terms are settled.
  auto b = aci.set_budget(*roc, *id, 1, {"remuneration", 1200000, 0, 0});
  if (!b) return tl::unexpected(b.error());
  return fmt::format("ACI MSP : contrat {} signé le {}, mesures {} : /aci/contrats/{}/dialogue/1",
                     kMspReference, format_date(signature), year, *id);
}

}  // namespace

Result<DemoLines> load_aci_demo(store::Database& db, const geo::Referentiel& ref) {
  auto s =
      db.query("SELECT id FROM structures WHERE name = $1 ORDER BY id", {std::string(kStructure)});
  if (!s) return tl::unexpected(s.error());
  auto msp = load_msp_demo(db, ref);
  if (!msp) return tl::unexpected(msp.error());
  if (s->empty()) {
    return DemoLines{"ACI : structure de démonstration absente, rien à charger", *msp};
  }
  std::int64_t sid = s->rows[0].integer(0);
  auto existing =
      db.query("SELECT id FROM aci_contracts WHERE reference = $1", {std::string(kReference)});
  if (!existing) return tl::unexpected(existing.error());
  if (!existing->empty()) {
    return DemoLines{
        fmt::format("ACI : contrat de démonstration déjà chargé (/aci/contrats/{}/dialogue/2)",
                    existing->rows[0].integer(0)),
        *msp};
  }

  auto communes = demo_communes(db, ref, sid);
  std::int64_t now_population = 0;
  for (const auto& c : communes) now_population += ref.commune(c)->population;
  // Fictitious scenario: the territory had 5 % more inhabitants at signature than the référentiel
  // counts now, so the demo's population adjustment has something to show.
  std::int64_t population =
      now_population > 0 ? static_cast<std::int64_t>(std::llround(now_population * 1.05)) : 61000;
  std::string size_class = size_class_for(population);

  using nlohmann::json;
  auto years = [](std::vector<std::pair<int, std::vector<double>>> targets,
                  std::vector<std::pair<int, double>> measured) {
    json out = json::array();
    for (auto& [y, p] : targets) {
      json e{{"year", y}, {"paliers", p}};
      for (auto& [my, v] : measured) {
        if (my == y) e["measured"] = v;
      }
      out.push_back(std::move(e));
    }
    return out;
  };
  json doc{
      {"format", "maillage-aci-contract/1"},
      {"id", kReference},
      {"accord", "cpts-2019-av2"},
      {"parties",
       {{"cpts", {{"name", kStructure}}},
        {"cpam", {{"name", "CPAM de Moselle (démonstration)"}}},
        {"ars", {{"name", "ARS Grand Est (démonstration)"}}}}},
      {"signature", "2024-03-15"},
      {"size_class", size_class},
      {"population", population},
      {"lettre_intention", "2023-06-20"},
      {"missions",
       json::array(
           {{{"mission", "acces_soins"},
             {"start", "2024-06-01"},
             {"deployed", "2025-06-30"},
             {"indicators",
              json::array(
                  {{{"id", "patients_sans_mt_orientes"},
                    {"definition",
                     "Patients sans médecin traitant orientés vers un médecin traitant"},
                    {"unit", "patients"},
                    {"weight", 2},
                    {"baseline", 0},
                    {"method", "paliers"},
                    {"years", years({{1, {150, 300}}, {2, {300, 600}}, {3, {400, 800}}},
                                    {{1, 210}, {2, 580}})}},
                   {{"id", "medecins_sas"},
                    {"definition", "Médecins participant au service d'accès aux soins (SAS)"},
                    {"unit", "médecins"},
                    {"baseline", 4},
                    {"years", years({{1, {12}}, {2, {20}}, {3, {24}}}, {{1, 10}})}}})}},
            {{"mission", "parcours"},
             {"start", "2025-01-15"},
             {"indicators",
              json::array({{{"id", "parcours_formalises"},
                            {"definition", "Parcours pluriprofessionnels formalisés et diffusés"},
                            {"unit", "parcours"},
                            {"baseline", 0},
                            {"years", years({{1, {1}}, {2, {3}}, {3, {4}}}, {{1, 1}, {2, 2}})}}})}},
            {{"mission", "prevention"}, {"start", "2025-03-01"}},
            {{"mission", "crise_sanitaire"}, {"start", "2024-09-15"}}})}};

  AciService aci(db, ref);
  Principal system;
  system.login = "system";
  system.display_name = "Chargement de démonstration";
  system.role = Role::admin;
  auto id = aci.create_contract(system, sid, doc.dump(), communes);
  if (!id) return tl::unexpected(id.error());

  auto coord = demo_user(db, "coordination@demo.maillage.fr", Role::coordinator, sid);
  if (!coord) return tl::unexpected(coord.error());
  auto roc = demo_user(db, "roc1.moselle@demo.maillage.fr", Role::roc, sid);
  if (!roc) return tl::unexpected(roc.error());

  const int year = 2;
  auto check = [](const auto& r) -> Status {
    if (!r) return tl::unexpected(r.error());
    return {};
  };
  if (auto st = check(aci.add_comment(*coord, *id, year, "indicateur:acces_soins/medecins_sas",
                                      "Deux médecins du SAS ont cessé leur activité en cours "
                                      "d'année (départs en retraite, données fictives)."));
      !st) {
    return tl::unexpected(st.error());
  }
  if (auto st = check(aci.add_comment(*roc, *id, year, "general",
                                      "Merci de transmettre le tableau de suivi des orientations "
                                      "avant la rencontre."));
      !st) {
    return tl::unexpected(st.error());
  }
  FicheInput fiche;
  fiche.mission = "acces_soins";
  fiche.title = "Cellule d'orientation des patients sans médecin traitant";
  fiche.description = "Permanence téléphonique deux demi-journées par semaine (fictif).";
  fiche.status = "en_cours";
  if (auto st = check(aci.add_fiche(*coord, *id, year, fiche)); !st)
    return tl::unexpected(st.error());
  if (auto st = check(aci.set_budget(*coord, *id, year, {"fonctionnement", 5000000, 3120000, 0}));
      !st) {
    return tl::unexpected(st.error());
  }
  WorkspaceUpdate ws;
  ws.version = 1;  // created by the comments above
  ws.dialogue_date = "2026-04-14";
  ws.minutes =
      "Ordre du jour : bilan des indicateurs de l'année 2, budget, fiches action.\n"
      "(Compte rendu fictif, à compléter pendant la rencontre.)";
  if (auto st = check(aci.update_workspace(*roc, *id, year, ws)); !st)
    return tl::unexpected(st.error());

  return DemoLines{
      fmt::format(
          "ACI : contrat {} ({} ; {} habitants à la signature, {} communes) avec indicateurs, "
          "dialogue de gestion de l'année 2 : /aci/contrats/{}/dialogue/2",
          kReference, size_class, population, communes.size(), *id),
      *msp};
}

}  // namespace maillage::demo
