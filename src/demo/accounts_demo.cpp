// The demo accounts (one per role, all @demo.maillage.fr; documented in src/demo/README.md):
// load_demo_accounts of demo.hpp, with the fictitious demo CPTS it scopes the coordinator
// and the member to.
#include "common/try.hpp"
#include "demo/demo.hpp"
#include "services/accounts.hpp"
#include "services/accounts_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::demo {

using services::Accounts;
using services::AccountSettings;
using services::AccountsRepository;
using services::kDemoPassword;
using services::NewUser;
using services::Role;

using store::Tx;

Result<std::vector<std::pair<std::string, std::string>>> load_demo_accounts(store::Database& db) {
  return load_demo_accounts(db, AccountSettings{});
}

Result<std::vector<std::pair<std::string, std::string>>> load_demo_accounts(
    store::Database& db, const AccountSettings& settings) {
  // The coordinator and the member need a structure; a fictitious one, clearly named.
  const std::string demo_structure = "CPTS de démonstration du Pays messin (fictive)";
  std::int64_t structure_id = 0;
  auto st = db.transact([&](Tx& tx) -> Status {
    if (auto existing = MAILLAGE_TRY(AccountsRepository::structure_named(tx, demo_structure))) {
      structure_id = *existing;
      return {};
    }
    structure_id = MAILLAGE_TRY(AccountsRepository::insert_cpts(tx, demo_structure, "57"));
    return store::audit(
        tx, {"system", "structure.create", "structure", std::to_string(structure_id), "",
             store::AuditDetail{}
                 .add("name", demo_structure)
                 .add("kind", "CPTS")
                 .add("departement", "57")
                 .json()});
  });
  MAILLAGE_CHECK(st);

  std::vector<NewUser> demo = {
      {"admin@demo.maillage.fr", "Administratrice (démo)", "", Role::admin, {}, {}, {}},
      {"observateur@demo.maillage.fr",
       "Observateur national (démo)",
       "",
       Role::observer,
       {},
       {},
       {}},
      {"ars.grand-est@demo.maillage.fr", "ARS Grand Est (démo)", "", Role::ars, {}, {"44"}, {}},
      {"roc1.moselle@demo.maillage.fr",
       "Référente ROC Moselle 1 (démo)",
       "",
       Role::roc,
       {"57"},
       {},
       {}},
      {"roc2.moselle@demo.maillage.fr",
       "Référent ROC Moselle 2 (démo)",
       "",
       Role::roc,
       {"57"},
       {},
       {}},
      {"charge-mission.grand-est@demo.maillage.fr",
       "Chargée de mission Grand Est (démo)",
       "",
       Role::charge_de_mission,
       {},
       {"44"},
       {}},
      {"coordination@demo.maillage.fr",
       "Coordinatrice CPTS (démo)",
       "",
       Role::coordinator,
       {},
       {},
       {structure_id}},
      {"membre@demo.maillage.fr", "Membre CPTS (démo)", "", Role::member, {}, {}, {structure_id}},
  };
  Accounts accounts(db, settings);
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& u : demo) {
    u.password = std::string(kDemoPassword);
    auto existing = accounts.find_user(u.login);
    if (!existing) {
      if (existing.error().code != ErrorCode::not_found) return tl::unexpected(existing.error());
      auto id = accounts.create_user(u, "system");
      // Another instance loading the demo at the same moment: its account is as good as ours.
      if (!id && id.error().code != ErrorCode::conflict) return tl::unexpected(id.error());
    }
    out.emplace_back(u.login, u.password);
  }
  return out;
}

}  // namespace maillage::demo
