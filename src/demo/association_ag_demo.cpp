// Demo data of the assemblées générales (see demo.hpp): one past ordinary AG of the demo CPTS,
// held on 18 June (of this year once June is over, else of last year, so that the members' dues
// of that year are paid and they are on the roll), with its whole life: the convocation letters
// recorded three weeks before (the demo has no SMTP server), paper proxies recorded by the
// coordination, the émargement, four resolutions voted — three by show of hands, one by secret
// ballot with counts per collège, one a change of the statuts at two thirds — and the séance
// closed, so that its results (computed with the collèges' fixed shares, shown with their
// arithmetic) and its procès-verbal (ODT) are on the AG page. Everything goes through the
// Assemblies service, so the roll, the proxy rules, the quorum and the weighted results are the
// engine's. Attendance and ballots follow a fixed pseudo-random draw (same data at every load).
// Idempotent: nothing is done when the demo CPTS has an AG already.
#include <fmt/format.h>

#include <map>
#include <set>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "demo/demo.hpp"
#include "services/association.hpp"
#include "services/association_ag.hpp"
#include "store/database.hpp"

namespace maillage::demo {

using services::Principal;
using services::Role;

namespace {

constexpr const char* kDemoStructure = "CPTS de démonstration du Pays messin (fictive)";

std::uint32_t next(std::uint32_t& state) {
  state = state * 1664525u + 1013904223u;
  return state >> 8;
}

}  // namespace

Result<DemoLines> load_association_ag_demo(store::Database& db, const geo::Referentiel& ref) {
  auto s = db.query("SELECT id FROM structures WHERE name = $1 ORDER BY id LIMIT 1",
                    {std::string(kDemoStructure)});
  if (!s) return tl::unexpected(s.error());
  if (s->empty()) return DemoLines{"Assemblées générales : structure de démonstration absente."};
  const std::int64_t structure = s->rows[0].integer(0);
  auto existing =
      db.query("SELECT COUNT(*) FROM association_assemblies WHERE structure_id = $1", {structure});
  if (!existing) return tl::unexpected(existing.error());
  if (existing->rows[0].integer(0) > 0) {
    return DemoLines{"Assemblée générale de démonstration déjà présente."};
  }
  Principal system;
  system.login = "system";
  system.display_name = "Chargement de la démonstration";
  system.role = Role::admin;
  services::Association association(db, ref);
  services::Assemblies assemblies(db, association);
  auto statuts = association.statuts(system, structure);
  if (!statuts) return tl::unexpected(statuts.error());
  if (!statuts->defined) return DemoLines{"Assemblées générales : statuts absents."};

  // 18 June of the latest year whose June is over: the dues of that year are paid by then.
  const Date today = today_utc();
  int year = static_cast<int>(today.year());
  const Date june18{std::chrono::year(year), std::chrono::June, std::chrono::day(18)};
  if (today <= june18) --year;
  const Date day{std::chrono::year(year), std::chrono::June, std::chrono::day(18)};

  services::AssemblyInput in;
  in.kind = "ordinaire";
  in.title = fmt::format("Assemblée générale ordinaire {}", year);
  in.held_on = format_date(day);
  in.starts_at = "18:30";
  in.ends_at = "20:30";
  in.place = "Salle des fêtes de Montigny-lès-Metz (fictive)";
  in.resolutions = {
      {"Approbation du rapport moral et d'activité",
       "L'assemblée approuve le rapport moral du président et le rapport d'activité de l'année "
       "écoulée (missions de l'ACI, groupes de travail).",
       "ordinaire", "public"},
      {fmt::format("Approbation des comptes de l'exercice {} et affectation du résultat", year - 1),
       "L'assemblée approuve les comptes présentés par le trésorier et affecte le résultat au "
       "report à nouveau.",
       "ordinaire", "public"},
      {fmt::format("Montant de la cotisation {}", year + 1),
       "La cotisation annuelle reste de 50 € pour les médecins et de 30 € pour les autres "
       "membres.",
       "ordinaire", "secret"},
      {"Modification de l'article 9 des statuts (composition du bureau)",
       "Le bureau compte désormais un représentant de chaque collège parmi ses vice-présidents.",
       "statuts", "public"}};
  auto created = assemblies.create(system, structure, in);
  if (!created) return tl::unexpected(created.error());
  const std::int64_t ag = created->assembly.id;
  MAILLAGE_CHECK(assemblies.record_letters(system, structure, ag, format_date(add_days(day, -21))));

  // The roll before the séance: who has a vote (dues paid at the AG date), by collège.
  auto before = assemblies.get(system, structure, ag);
  if (!before) return tl::unexpected(before.error());
  std::uint32_t state = 20250618u;
  std::map<std::int64_t, std::string> presence;  // member → present, excused, absent
  std::map<std::string, std::vector<std::int64_t>> present_by_college;
  for (const auto& r : before->roll) {
    const std::uint32_t draw = next(state) % 100;
    presence[r.member_id] = draw < 52 ? "present" : draw < 64 ? "excused" : "absent";
    if (presence[r.member_id] == "present") present_by_college[r.college].push_back(r.member_id);
  }
  // Paper proxies: some absent members give theirs to a present member of their collège (one
  // each: the statuts allow one proxy per holder).
  std::set<std::int64_t> holders;
  int proxies = 0;
  for (const auto& r : before->roll) {
    if (presence[r.member_id] != "absent" || proxies >= 8 || next(state) % 3 != 0) continue;
    for (const std::int64_t h : present_by_college[r.college]) {
      if (holders.count(h)) continue;
      if (auto given = assemblies.give_proxy(system, structure, ag, r.member_id, h); given) {
        holders.insert(h);
        ++proxies;
      }
      break;
    }
  }

  MAILLAGE_CHECK(assemblies.open(system, structure, ag));
  for (const auto& [member, mark] : presence) {
    if (mark == "absent") continue;  // no mark is absent
    MAILLAGE_CHECK(assemblies.mark(system, structure, ag, member, mark));
  }
  auto opened = assemblies.get(system, structure, ag);
  if (!opened) return tl::unexpected(opened.error());

  // The ballots: present members vote, and holders cast their givers' votes. Per resolution a
  // share of "pour" per collège; the change of the statuts divides the médecins.
  struct Lean {
    int pour, contre;  // percent; the rest abstains
  };
  auto lean = [](std::size_t resolution, const std::string& college) -> Lean {
    if (resolution == 3) return college == "medecins" ? Lean{40, 50} : Lean{85, 10};
    if (resolution == 1) return Lean{88, 4};
    return Lean{92, 3};
  };
  int adopted = 0;
  for (std::size_t i = 0; i < opened->resolutions.size(); ++i) {
    const auto& res = opened->resolutions[i];
    services::VotesInput votes;
    std::map<std::string, services::VotesInput::Count> counts;
    for (const auto& r : opened->roll) {
      if (r.attendance != "present" && r.attendance != "represented") continue;
      const Lean l = lean(i, r.college);
      const std::uint32_t draw = next(state) % 100;
      const std::string ballot = draw < static_cast<std::uint32_t>(l.pour) ? "pour"
                                 : draw < static_cast<std::uint32_t>(l.pour + l.contre)
                                     ? "contre"
                                     : "abstention";
      if (res.secret) {
        auto& c = counts[r.college];
        c.college = r.college;
        (ballot == "pour" ? c.pour : ballot == "contre" ? c.contre : c.abstention) += 1;
      } else {
        votes.votes.emplace_back(r.member_id, ballot);
      }
    }
    for (auto& [college, c] : counts) votes.counts.push_back(c);
    auto recorded = assemblies.record_votes(system, structure, ag, res.id, votes);
    if (!recorded) return tl::unexpected(recorded.error());
  }
  auto closed = assemblies.close(system, structure, ag);
  if (!closed) return tl::unexpected(closed.error());
  int present = 0, represented = 0;
  for (const auto& r : closed->roll) {
    present += r.attendance == "present" ? 1 : 0;
    represented += r.attendance == "represented" ? 1 : 0;
  }
  for (const auto& r : closed->resolutions) adopted += r.adopted ? 1 : 0;
  return DemoLines{fmt::format(
      "Assemblée générale de démonstration : AG ordinaire du {} close ({} votants inscrits, {} "
      "présents, {} représentés, {} pouvoirs ; {} résolutions dont {} adoptées ; procès-verbal "
      "sur la page de l'AG).",
      format_date_fr(day), closed->roll.size(), present, represented, proxies,
      closed->resolutions.size(), adopted)};
}

}  // namespace maillage::demo
