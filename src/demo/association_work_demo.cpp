// Demo data of working groups and members' time (see demo.hpp): two working groups of the demo
// CPTS (a care pathway, unscheduled care) with past meetings (attendance and minutes) and one to
// come, the hourly rates of the year per profession, and a year of members' time, mostly
// validated, a few entries pending, and the president (a doctor) a few hundred euros under the
// yearly cap. Everything goes through the services, so the cap is the engine's. Idempotent:
// nothing is done when the demo CPTS has working groups already.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "demo/demo.hpp"
#include "services/association.hpp"
#include "services/association_work.hpp"
#include "store/database.hpp"

namespace maillage::demo {

using services::Principal;
using services::Role;

namespace {

constexpr const char* kDemoStructure = "CPTS de démonstration du Pays messin (fictive)";
constexpr const char* kMemberLogin = "membre@demo.maillage.fr";

}  // namespace

Result<DemoLines> load_association_work_demo(store::Database& db, const geo::Referentiel& ref) {
  auto s = db.query("SELECT id FROM structures WHERE name = $1 ORDER BY id LIMIT 1",
                    {std::string(kDemoStructure)});
  if (!s) return tl::unexpected(s.error());
  if (s->empty()) return DemoLines{"Groupes de travail : structure de démonstration absente."};
  const std::int64_t structure = s->rows[0].integer(0);
  auto existing =
      db.query("SELECT COUNT(*) FROM association_groups WHERE structure_id = $1", {structure});
  if (!existing) return tl::unexpected(existing.error());
  if (existing->rows[0].integer(0) > 0) {
    return DemoLines{"Groupes de travail et temps des membres de démonstration déjà présents."};
  }
  Principal system;
  system.login = "system";
  system.display_name = "Chargement de la démonstration";
  system.role = Role::admin;
  services::Association association(db, ref);
  services::AssociationWork work(db, association);
  auto roster = association.roster(system, structure);
  if (!roster) return tl::unexpected(roster.error());
  if (!roster->statuts.defined) return DemoLines{"Groupes de travail : statuts absents."};

  // Active persons by profession, in id order; the president and the demo member account.
  std::map<std::string, std::vector<std::int64_t>> by_profession;
  std::int64_t president = 0, demo_member = 0;
  std::vector<std::pair<std::int64_t, std::string>> persons;
  for (const auto& c : roster->colleges) {
    for (const auto& m : c.members) {
      if (m.data.kind != "person" || !m.data.radiated.empty()) continue;
      persons.emplace_back(m.id, m.data.profession);
      if (m.data.bureau == "president") president = m.id;
      if (m.data.email == kMemberLogin) demo_member = m.id;
    }
  }
  std::sort(persons.begin(), persons.end());
  for (const auto& [id, profession] : persons) by_profession[profession].push_back(id);
  auto pick = [&](const std::string& profession, std::size_t i) -> std::int64_t {
    const auto& v = by_profession[profession];
    return v.empty() ? 0 : v[i % v.size()];
  };

  // The year: this one when its PASS is known, else the latest known.
  const Date today = today_utc();
  int year = 0;
  std::int64_t cap = 0;
  for (int y = static_cast<int>(today.year()); y >= 2023 && cap == 0; --y) {
    auto t = work.time(system, structure, y);
    if (!t) return tl::unexpected(t.error());
    year = y;
    cap = t->pass_cents;
  }
  if (cap == 0) return DemoLines{"Temps des membres : aucun plafond annuel connu."};
  const Date last_day =
      year == static_cast<int>(today.year())
          ? today
          : Date{std::chrono::year(year), std::chrono::December, std::chrono::day(31)};

  // Rates of the year, decided by the bureau (fictitious decision).
  const std::string source = fmt::format("Délibération du bureau du 15 janvier {} (fictive)", year);
  int rates = 0;
  for (const auto& [profession, cents] :
       std::vector<std::pair<std::string, std::int64_t>>{{"10", 8000},
                                                         {"21", 6000},
                                                         {"40", 6000},
                                                         {"50", 6000},
                                                         {"60", 5000},
                                                         {"70", 5000},
                                                         {"80", 5000},
                                                         {"91", 5000},
                                                         {"92", 5000}}) {
    auto r = work.set_rate(system, structure, {year, profession, cents, source, false, 0});
    if (!r) return tl::unexpected(r.error());
    ++rates;
  }

  // Two working groups.
  services::GroupInput cardio;
  cardio.name = "Parcours insuffisance cardiaque";
  cardio.mission = "parcours";
  cardio.description =
      "Repérage des patients insuffisants cardiaques sortant d'hospitalisation, suivi partagé "
      "entre médecin traitant, infirmier et pharmacien, éducation thérapeutique.";
  cardio.members = {{president, "pilote"},     {pick("60", 3), "pilote"}, {pick("10", 5), "membre"},
                    {pick("21", 1), "membre"}, {pick("70", 2), "membre"}, {demo_member, "membre"}};
  services::GroupInput snp;
  snp.name = "Soins non programmés";
  snp.mission = "acces_soins";
  snp.description =
      "Organisation des créneaux de soins non programmés en journée avec le SAS, planning des "
      "médecins volontaires.";
  snp.members = {{pick("10", 8), "pilote"},
                 {pick("10", 12), "membre"},
                 {pick("10", 15), "membre"},
                 {pick("60", 9), "membre"},
                 {pick("21", 4), "membre"}};
  int meetings = 0;
  std::vector<std::pair<std::int64_t, std::vector<std::int64_t>>> groups;
  for (auto* g : {&cardio, &snp}) {
    std::vector<services::GroupMemberInput> kept;
    for (const auto& m : g->members) {
      const bool seen = std::any_of(kept.begin(), kept.end(),
                                    [&](const auto& k) { return k.member_id == m.member_id; });
      if (m.member_id != 0 && !seen) kept.push_back(m);
    }
    g->members = std::move(kept);
    auto created = work.create_group(system, structure, *g);
    if (!created) return tl::unexpected(created.error());
    std::vector<std::int64_t> ids;
    for (const auto& m : g->members) ids.push_back(m.member_id);
    groups.emplace_back(created->group.id, ids);
  }
  // Meetings: three past ones with attendance and minutes, one to come.
  const char* const subjects[2][4] = {
      {"Lancement du groupe et état des lieux", "Protocole de sortie d'hospitalisation",
       "Bilan des premiers patients suivis", "Préparation de la formation des infirmiers"},
      {"Besoins de soins non programmés du territoire", "Convention avec le SAS",
       "Planning des créneaux de l'été", "Bilan des créneaux et indicateurs"}};
  for (std::size_t gi = 0; gi < groups.size(); ++gi) {
    const auto& [group_id, ids] = groups[gi];
    for (int k = 0; k < 4; ++k) {
      const bool future = k == 3;
      services::MeetingInput m;
      const Date day = future
                           ? add_days(today, 21 + 7 * static_cast<int>(gi))
                           : add_days(last_day, -(90 * (3 - k) + 20 + 10 * static_cast<int>(gi)));
      m.held_on = format_date(day);
      m.starts_at = gi == 0 ? "19:00" : "12:30";
      m.ends_at = gi == 0 ? "21:00" : "14:00";
      m.place = gi == 0 ? "Maison de santé du Sablon, Metz (fictive)" : "Visioconférence";
      m.subject = subjects[gi][k];
      if (!future) {
        for (std::size_t i = 0; i < ids.size(); ++i) {
          const char* presence = (i + static_cast<std::size_t>(k)) % 5 == 4   ? "excused"
                                 : (i + static_cast<std::size_t>(k)) % 7 == 6 ? "absent"
                                                                              : "present";
          m.attendance.push_back({ids[i], presence});
        }
        m.minutes = fmt::format(
            "{}.\nPoints discutés : état d'avancement, difficultés rencontrées, prochaines "
            "étapes.\nDécision : poursuivre selon le calendrier prévu (compte rendu fictif).",
            m.subject);
      }
      auto created = work.create_meeting(system, structure, group_id, m);
      if (!created) return tl::unexpected(created.error());
      ++meetings;
    }
  }

  // Members' time of the year: the groups' members a few hours each month (mostly validated),
  // and the president near the cap (8 h days until 700 € remain).
  int entries = 0;
  auto record = [&](std::int64_t member, Date day, int minutes, const std::string& activity,
                    const std::string& mission, std::int64_t group, bool validate) -> Status {
    if (day > today) day = today;
    services::TimeEntryInput in{member, format_date(day), minutes, activity, mission, group};
    auto e = work.record_time(system, structure, in);
    if (!e) return tl::unexpected(e.error());
    ++entries;
    if (validate) {
      auto d = work.decide(system, structure, e->id, {true, "", e->version});
      if (!d) return tl::unexpected(d.error());
    }
    return {};
  };
  const Date january{std::chrono::year(year), std::chrono::January, std::chrono::day(6)};
  const std::int64_t days_in_year = std::max<std::int64_t>(1, days_between(january, last_day));
  for (std::size_t gi = 0; gi < groups.size(); ++gi) {
    const auto& [group_id, ids] = groups[gi];
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] == president) continue;
      for (int k = 0; k < 4; ++k) {
        const Date day = add_days(january, (days_in_year * (k + 1)) / 5 + static_cast<int>(i));
        MAILLAGE_CHECK(record(
            ids[i], day, 90 + 30 * static_cast<int>((i + k) % 3),
            k % 2 == 0 ? "Réunion du groupe de travail" : "Préparation des documents du groupe",
            gi == 0 ? "parcours" : "acces_soins", group_id, k < 3));
      }
    }
  }
  if (president != 0) {
    // 8 h at 80 € = 640 € a day; PASS − 700 € of validated time, then one pending entry.
    const std::int64_t target = cap - 70000;  // 700 € remain
    std::int64_t total = 0;
    int n = 0;
    while (total + 64000 <= target) {
      const Date day = add_days(january, (days_in_year * n) / 80);
      MAILLAGE_CHECK(record(president, day, 480, "Coordination de la CPTS et pilotage du parcours",
                            n % 3 == 0 ? "parcours" : "", n % 3 == 0 ? groups[0].first : 0, true));
      total += 64000;
      ++n;
    }
    const std::int64_t rest_minutes = (target - total) * 60 / 8000;
    if (rest_minutes > 0) {
      MAILLAGE_CHECK(record(president, last_day, static_cast<int>(rest_minutes),
                            "Préparation du rapport d'activité", "", 0, true));
    }
    MAILLAGE_CHECK(
        record(president, last_day, 240, "Réunion avec la CPAM (en attente)", "", 0, false));
  }
  return DemoLines{fmt::format(
      "Groupes de travail : 2 groupes, {} réunions ; temps des membres {} : {} taux horaires, {} "
      "saisies (le président à 700 € du plafond annuel).",
      meetings, year, rates, entries)};
}

}  // namespace maillage::demo
