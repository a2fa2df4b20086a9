// Demo data of association life (see demo.hpp): the demo CPTS gets its statuts (three collèges
// with equal fixed shares: médecins, other health professions, structures and usagers) and 120
// fictitious members spread over them, in the communes of its territory, entered through the
// service (so each has its history). The demo member account is one of them (a nurse, not on the
// bureau: it sees its own record). Idempotent: nothing is done when the statuts exist.
#include <fmt/format.h>

#include <map>

#include "common/dates.hpp"
#include "demo/demo.hpp"
#include "services/association.hpp"
#include "store/database.hpp"

namespace maillage::demo {

using services::Association;
using services::MemberInput;
using services::Principal;
using services::Role;
using services::StatutsInput;

namespace {

constexpr const char* kDemoStructure = "CPTS de démonstration du Pays messin (fictive)";
constexpr const char* kMemberLogin = "membre@demo.maillage.fr";

std::uint32_t next(std::uint32_t& state) {
  state = state * 1664525u + 1013904223u;
  return state >> 8;
}

constexpr const char* kLastNames[] = {
    "Martin",   "Bernard", "Thomas",   "Petit",     "Robert",   "Richard", "Durand",   "Dubois",
    "Moreau",   "Laurent", "Simon",    "Michel",    "Lefebvre", "Leroy",   "Roux",     "David",
    "Bertrand", "Morel",   "Fournier", "Girard",    "Bonnet",   "Dupont",  "Lambert",  "Fontaine",
    "Rousseau", "Vincent", "Muller",   "Lefevre",   "Faure",    "Andre",   "Mercier",  "Blanc",
    "Guerin",   "Boyer",   "Garnier",  "Chevalier", "Francois", "Legrand", "Gauthier", "Schmitt"};
constexpr const char* kFirstNames[] = {"Marie",  "Jean",  "Camille", "Lucas",  "Léa",
                                       "Hugo",   "Chloé", "Louis",   "Emma",   "Paul",
                                       "Manon",  "Jules", "Sarah",   "Nathan", "Julie",
                                       "Thomas", "Inès",  "Antoine", "Claire", "Pierre"};

}  // namespace

Result<DemoLines> load_association_demo(store::Database& db, const geo::Referentiel& ref) {
  auto s = db.query("SELECT id FROM structures WHERE name = $1 ORDER BY id LIMIT 1",
                    {std::string(kDemoStructure)});
  if (!s) return tl::unexpected(s.error());
  if (s->empty())
    return DemoLines{"Association : structure de démonstration absente, rien chargé."};
  const std::int64_t structure = s->rows[0].integer(0);
  auto existing =
      db.query("SELECT COUNT(*) FROM association_statuts WHERE structure_id = $1", {structure});
  if (!existing) return tl::unexpected(existing.error());
  if (existing->rows[0].integer(0) > 0) {
    return DemoLines{"Association : statuts et membres de démonstration déjà présents."};
  }
  auto communes_rows =
      db.query("SELECT commune FROM structure_communes WHERE structure_id = $1 ORDER BY commune",
               {structure});
  if (!communes_rows) return tl::unexpected(communes_rows.error());
  std::vector<std::string> communes;
  for (const auto& r : communes_rows->rows) {
    if (ref.commune(r.text(0)) != nullptr) communes.push_back(r.text(0));
  }
  if (communes.empty() && ref.commune("57463") != nullptr) communes.push_back("57463");

  Principal system;
  system.login = "system";
  system.display_name = "Chargement de la démonstration";
  system.role = Role::admin;
  Association association(db, ref);

  StatutsInput statuts;
  statuts.weight_mode = "fixed_share";
  statuts.colleges = {{"medecins", "Médecins", 1, 3, {"10"}, {}},
                      {"autres_professions",
                       "Autres professions de santé",
                       1,
                       3,
                       {"21", "40", "50", "60", "70", "80", "91", "92"},
                       {}},
                      {"structures",
                       "Structures et usagers",
                       1,
                       3,
                       {},
                       {"pharmacie", "laboratoire", "ehpad", "etablissement", "centre_de_sante",
                        "medico_social", "association_usagers", "collectivite", "autre"}}};
  auto saved = association.save_statuts(system, structure, statuts);
  if (!saved) return tl::unexpected(saved.error());

  // 110 professionals and 10 legal persons; the shares of the professions follow a CPTS's usual
  // make-up (many nurses and doctors, fewer of the rarer professions).
  struct Share {
    const char* profession;
    int count;
  };
  constexpr Share kShares[] = {{"10", 34}, {"60", 30}, {"70", 18}, {"21", 10}, {"40", 6},
                               {"50", 5},  {"91", 4},  {"80", 2},  {"92", 1}};
  std::uint32_t state = 20260101u;
  int created = 0;
  int n = 0;
  std::vector<std::int64_t> ids;
  const char* const modes[] = {"liberal", "liberal", "liberal", "salarie", "mixte"};
  for (const auto& share : kShares) {
    for (int i = 0; i < share.count; ++i, ++n) {
      MemberInput m;
      m.last_name = kLastNames[next(state) % std::size(kLastNames)];
      m.first_name = kFirstNames[next(state) % std::size(kFirstNames)];
      m.profession = share.profession;
      m.mode_exercice = modes[next(state) % std::size(modes)];
      if (!communes.empty()) m.commune = communes[next(state) % communes.size()];
      m.email = fmt::format("adherent{:03}@exemple.invalid", n + 1);
      m.phone = fmt::format("03 87 {:02} {:02} {:02}", next(state) % 100, next(state) % 100,
                            next(state) % 100);
      m.joined = fmt::format("202{}-{:02}-{:02}", 3 + next(state) % 3, 1 + next(state) % 12,
                             1 + next(state) % 28);
      if (n == 0) m.bureau = "president";
      if (n == 40) m.bureau = "tresorier";
      if (n == 70) m.bureau = "secretaire";
      if (n == 35) {  // the demo member account: a nurse, not on the bureau
        m.last_name = "Membre";
        m.first_name = "Camille (démo)";
        m.profession = "60";
        m.email = kMemberLogin;
      }
      if (n == 105) {  // one radiation decided by the bureau
        m.joined = "2023-03-01";
        m.radiated = "2025-06-30";
      }
      auto r = association.create_member(system, structure, m);
      if (!r) return tl::unexpected(r.error());
      ids.push_back(r->member.id);
      ++created;
    }
  }
  struct Legal {
    const char* name;
    const char* kind;
    const char* representative;
  };
  constexpr Legal kLegal[] = {
      {"Pharmacie du Pontiffroy (fictive)", "pharmacie", "Mme Girard"},
      {"Pharmacie de la Cathédrale (fictive)", "pharmacie", "M. Bonnet"},
      {"Pharmacie des Arènes (fictive)", "pharmacie", "Mme Faure"},
      {"Pharmacie du Sablon (fictive)", "pharmacie", "M. Lambert"},
      {"EHPAD Les Tilleuls (fictif)", "ehpad", "Mme Mercier, directrice"},
      {"EHPAD Saint-Clément (fictif)", "ehpad", "M. Roux, directeur"},
      {"Laboratoire Bio-Moselle (fictif)", "laboratoire", "Mme Blanc"},
      {"Centre hospitalier de démonstration (fictif)", "etablissement", "M. Laurent"},
      {"Association des usagers du Pays messin (fictive)", "association_usagers", "Mme Morel"},
      {"Centre de santé municipal (fictif)", "centre_de_sante", "Mme Simon"},
  };
  for (const auto& l : kLegal) {
    MemberInput m;
    m.kind = "legal_person";
    m.organisation = l.name;
    m.legal_kind = l.kind;
    m.representative = l.representative;
    if (!communes.empty()) m.commune = communes[next(state) % communes.size()];
    m.email = fmt::format("structure{:02}@exemple.invalid", created % 100);
    m.joined = "2024-01-15";
    auto r = association.create_member(system, structure, m);
    if (!r) return tl::unexpected(r.error());
    ids.push_back(r->member.id);
    ++created;
  }

  // A year of dues: tariffs of last year and this year (médecins pay more), last year's dues
  // paid by nearly everyone early in the year, this year's by most (a few partly), dated no
  // later than today.
  const Date today = today_utc();
  const int year = static_cast<int>(today.year());
  for (int y : {year - 1, year}) {
    auto t = association.set_tariffs(
        system, structure, y, {{"", "", 3000}, {"medecins", "", 5000}, {"structures", "", 10000}});
    if (!t) return tl::unexpected(t.error());
  }
  auto roster = association.roster(system, structure);
  if (!roster) return tl::unexpected(roster.error());
  std::map<std::int64_t, std::string> college_of, joined_of;
  std::map<std::int64_t, int> radiated_year;
  for (const auto& c : roster->colleges) {
    for (const auto& m : c.members) {
      college_of[m.id] = m.data.college;
      joined_of[m.id] = m.data.joined;
      if (!m.data.radiated.empty()) radiated_year[m.id] = std::stoi(m.data.radiated.substr(0, 4));
    }
  }
  const char* const methods[] = {"virement", "cheque", "helloasso", "helloasso", "virement"};
  int payments = 0;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const std::string& college = college_of[ids[i]];
    const std::int64_t due = college == "medecins" ? 5000 : college == "structures" ? 10000 : 3000;
    for (int y : {year - 1, year}) {
      const std::uint32_t draw = next(state) % 100;
      if (radiated_year.count(ids[i]) && radiated_year[ids[i]] < y) continue;
      if (y == year - 1 && draw < 4) continue;  // a few never paid last year
      if (y == year && draw < 15) continue;     // this year's late payers
      Date paid{std::chrono::year(y), std::chrono::month(1 + next(state) % 3),
                std::chrono::day(1 + next(state) % 28)};
      if (paid > today) paid = today;
      // Nobody pays before joining: a member who joined later that year pays on joining.
      const Date joined = parse_date(joined_of[ids[i]]).value_or(paid);
      if (joined > today || static_cast<int>(joined.year()) > y) continue;
      if (joined > paid) paid = joined;
      const std::int64_t amount = (y == year && draw < 20) ? due / 2 : due;  // partly paid
      auto p = association.add_payment(
          system, structure,
          {ids[i], format_date(paid), amount, methods[next(state) % std::size(methods)],
           fmt::format("DEMO-{}-{:04}", y, i + 1), std::nullopt});
      if (!p) return tl::unexpected(p.error());
      ++payments;
    }
  }
  return DemoLines{fmt::format(
      "Association : statuts (3 collèges à parts égales), {} membres fictifs de la CPTS de "
      "démonstration et {} paiements de cotisation sur {} et {}.",
      created, payments, year - 1, year)};
}

}  // namespace maillage::demo
