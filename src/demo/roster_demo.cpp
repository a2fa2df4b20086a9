// Demo data of the roster area (see demo.hpp): one planning campaign of the demo CPTS for the
// next calendar month, with twelve fictitious professionals (eight general practitioners, four
// nurses), weekday back-up slots for soins non programmés and a weekend vaccination centre, and
// availabilities already entered by everyone but the demo member account (left for them to
// fill in). Idempotent: nothing is done when the campaign exists.
#include <fmt/format.h>

#include <chrono>

#include "demo/demo.hpp"
#include "services/roster_campaigns.hpp"
#include "store/database.hpp"

namespace maillage::demo {

using services::CampaignStatus;
using services::format_day;
using services::NewCampaign;
using services::NewMember;
using services::PlanSlot;
using services::Principal;
using services::Role;
using services::RosterCampaigns;
using services::SlotWish;
using services::weekday_of_day;

namespace {

constexpr const char* kDemoStructure = "CPTS de démonstration du Pays messin (fictive)";
constexpr const char* kDemoName = "Permanences SNP et vaccination (démonstration fictive)";

// A small deterministic generator, so that every demo load enters the same availabilities.
std::uint32_t next(std::uint32_t& state) {
  state = state * 1664525u + 1013904223u;
  return state >> 8;
}

}  // namespace

Result<DemoLines> load_roster_demo(store::Database& db, const geo::Referentiel& ref) {
  (void)ref;
  auto s = db.query("SELECT id FROM structures WHERE name = $1 ORDER BY id LIMIT 1",
                    {std::string(kDemoStructure)});
  if (!s) return tl::unexpected(s.error());
  if (s->empty())
    return DemoLines{"Permanences : structure de démonstration absente, rien chargé."};
  const std::int64_t structure = s->rows[0].integer(0);
  auto existing = db.query("SELECT id FROM roster_campaigns WHERE structure_id = $1 AND name = $2",
                           {structure, std::string(kDemoName)});
  if (!existing) return tl::unexpected(existing.error());
  if (!existing->empty()) {
    return DemoLines{fmt::format("Permanences : campagne de démonstration déjà présente (n° {}).",
                                 existing->rows[0].integer(0))};
  }
  Principal system;
  system.login = "system";
  system.display_name = "Chargement de la démonstration";
  system.role = Role::admin;
  RosterCampaigns campaigns(db, {});

  // The next calendar month.
  using namespace std::chrono;
  const year_month_day today{floor<days>(system_clock::now())};
  const year_month next_month = year_month{today.year(), today.month()} + months{1};
  const int first = static_cast<int>(sys_days{next_month / 1}.time_since_epoch().count());
  const int last = static_cast<int>(
      sys_days{year_month_day_last{next_month.year(), month_day_last{next_month.month()}}}
          .time_since_epoch()
          .count());

  NewCampaign c;
  c.structure_id = structure;
  c.name = kDemoName;
  c.description =
      "Recours de soins non programmés en semaine (14 h – 18 h) et centre de vaccination du "
      "week-end. Données fictives de démonstration.";
  c.settings.first_day = format_day(first);
  c.settings.last_day = format_day(last);
  c.settings.default_monthly_cap = 6;
  c.time_limit_seconds = 5;
  auto id = campaigns.create(system, c);
  if (!id) return tl::unexpected(id.error());
  std::int64_t version = 1;

  const std::string gp = "Médecin généraliste";
  const std::string nurse = "Infirmier";
  std::vector<PlanSlot> slots;
  for (int d = first; d <= last; ++d) {
    const int wd = weekday_of_day(d);
    const std::string day = format_day(d);
    if (wd <= 4) {
      slots.push_back({0, day, "14:00", "18:00", false, "snp", "Recours Metz (fictif)", gp, 1});
    } else if (wd == 5) {
      slots.push_back(
          {0, day, "09:00", "13:00", false, "vaccination", "Montigny-lès-Metz (fictif)", gp, 1});
      slots.push_back(
          {0, day, "09:00", "13:00", false, "vaccination", "Montigny-lès-Metz (fictif)", nurse, 2});
    }
  }
  auto v = campaigns.add_slots(system, *id, version, slots);
  if (!v) return tl::unexpected(v.error());
  version = *v;

  // The demo member account holds one of the GP rows; the others have no account.
  auto member_user = db.query("SELECT id FROM users WHERE lower(login) = $1",
                              {std::string("membre@demo.maillage.fr")});
  if (!member_user) return tl::unexpected(member_user.error());
  struct Person {
    const char* name;
    const std::string* profession;
  };
  const Person people[] = {
      {"Dr Alice Martin (fictive)", &gp},         {"Dr Bruno Lefèvre (fictif)", &gp},
      {"Dr Chloé Muller (fictive)", &gp},         {"Dr David Schmitt (fictif)", &gp},
      {"Dr Emma Weber (fictive)", &gp},           {"Dr François Klein (fictif)", &gp},
      {"Dr Gaëlle Meyer (fictive)", &gp},         {"Hugo Becker, IDE (fictif)", &nurse},
      {"Inès Fischer, IDE (fictive)", &nurse},    {"Julien Wagner, IDE (fictif)", &nurse},
      {"Karine Hoffmann, IDE (fictive)", &nurse},
  };
  std::vector<std::int64_t> filled;
  for (const auto& p : people) {
    NewMember m{0, p.name, *p.profession, std::nullopt};
    auto mid = campaigns.add_member(system, *id, version, m);
    if (!mid) return tl::unexpected(mid.error());
    ++version;
    filled.push_back(*mid);
  }
  std::int64_t demo_member = 0;
  if (!member_user->empty()) {
    NewMember m{member_user->rows[0].integer(0), "Membre CPTS (démo)", gp, 4};
    auto mid = campaigns.add_member(system, *id, version, m);
    if (!mid) return tl::unexpected(mid.error());
    ++version;
    demo_member = *mid;
  }

  auto full = campaigns.get(system, *id);
  if (!full) return tl::unexpected(full.error());
  std::vector<RosterCampaigns::Cell> cells;
  std::uint32_t state = 2026;
  for (std::size_t k = 0; k < filled.size(); ++k) {
    const std::string& prof = *people[k].profession;
    for (const auto& slot : full->plan.slots) {
      if (slot.profession != prof) continue;
      const std::uint32_t r = next(state) % 100;
      // About half available, one in ten wished, the rest unavailable.
      SlotWish w = r < 50   ? SlotWish::available
                   : r < 60 ? SlotWish::preferred
                            : SlotWish::unavailable;
      cells.push_back({filled[k], slot.id, w});
    }
  }
  if (auto st = campaigns.set_availability(system, *id, cells); !st)
    return tl::unexpected(st.error());
  auto opened = campaigns.set_status(system, *id, full->version, CampaignStatus::collecting);
  if (!opened) return tl::unexpected(opened.error());

  return DemoLines{fmt::format(
      "Permanences : campagne n° {} « {} » du {} au {} — {} créneaux, {} membres (fictifs){}, "
      "collecte des disponibilités ouverte.",
      *id, kDemoName, c.settings.first_day, c.settings.last_day, slots.size(),
      filled.size() + (demo_member ? 1 : 0),
      demo_member ? ", dont le compte membre@demo.maillage.fr sans disponibilités saisies" : "")};
}

}  // namespace maillage::demo
