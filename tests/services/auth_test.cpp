#include <gtest/gtest.h>

#include <set>

#include "services/auth.hpp"

namespace maillage::services {
namespace {

TEST(Roles, IdsAndLabelsRoundTrip) {
  std::set<std::string_view> ids;
  for (Role r : all_roles()) {
    EXPECT_EQ(role_from_id(role_id(r)), r);
    EXPECT_FALSE(role_label(r).empty());
    ids.insert(role_id(r));
  }
  EXPECT_EQ(ids.size(), 7u);
  EXPECT_EQ(role_id(Role::charge_de_mission), "charge_de_mission");
  EXPECT_EQ(role_label(Role::roc), "Référent ROC (CPAM)");
  EXPECT_EQ(role_label(Role::observer), "Observateur national");
  EXPECT_EQ(role_from_id("Admin"), std::nullopt);  // ids are exact
  EXPECT_EQ(role_from_id(""), std::nullopt);
}

TEST(Roles, ScopeKinds) {
  EXPECT_EQ(scope_kind(Role::admin), ScopeKind::none);
  EXPECT_EQ(scope_kind(Role::observer), ScopeKind::none);
  EXPECT_EQ(scope_kind(Role::roc), ScopeKind::departements);
  EXPECT_EQ(scope_kind(Role::ars), ScopeKind::regions);
  EXPECT_EQ(scope_kind(Role::charge_de_mission), ScopeKind::regions);
  EXPECT_EQ(scope_kind(Role::coordinator), ScopeKind::structures);
  EXPECT_EQ(scope_kind(Role::member), ScopeKind::structures);
}

// A tiny référentiel: Moselle and Bas-Rhin in Grand Est (44), Paris in Île-de-France (11).
std::string region_of(std::string_view dep) {
  if (dep == "57" || dep == "67") return "44";
  if (dep == "75") return "11";
  return "";
}

Principal make(Role role) {
  Principal p;
  p.role = role;
  return p;
}

TEST(Scopes, DepartementCoverage) {
  auto roc = make(Role::roc);
  roc.departements = {"57"};
  auto ars = make(Role::ars);
  ars.regions = {"44"};
  auto cdm = make(Role::charge_de_mission);
  cdm.regions = {"11"};
  auto coord = make(Role::coordinator);
  coord.structures = {7};

  for (Role r : {Role::admin, Role::observer}) {
    EXPECT_TRUE(covers_departement(make(r), "57", region_of));
    EXPECT_TRUE(covers_departement(make(r), "75", region_of));
  }
  EXPECT_TRUE(covers_departement(roc, "57", region_of));
  EXPECT_FALSE(covers_departement(roc, "67", region_of));  // same région, other département
  EXPECT_TRUE(covers_departement(ars, "57", region_of));
  EXPECT_TRUE(covers_departement(ars, "67", region_of));
  EXPECT_FALSE(covers_departement(ars, "75", region_of));
  EXPECT_FALSE(covers_departement(ars, "99", region_of));  // unknown département
  EXPECT_FALSE(covers_departement(ars, "57", nullptr));    // no lookup: deny, never guess
  EXPECT_TRUE(covers_departement(cdm, "75", region_of));
  EXPECT_FALSE(covers_departement(cdm, "57", region_of));
  EXPECT_FALSE(covers_departement(coord, "57", region_of));
  EXPECT_FALSE(covers_departement(make(Role::member), "57", region_of));
}

TEST(Scopes, RegionCoverage) {
  auto ars = make(Role::ars);
  ars.regions = {"44", "11"};
  auto roc = make(Role::roc);
  roc.departements = {"57"};
  EXPECT_TRUE(covers_region(make(Role::admin), "44"));
  EXPECT_TRUE(covers_region(make(Role::observer), "44"));
  EXPECT_TRUE(covers_region(ars, "11"));
  EXPECT_FALSE(covers_region(ars, "84"));
  EXPECT_FALSE(covers_region(roc, "44"));  // a ROC does not see its whole région
  EXPECT_FALSE(covers_region(make(Role::coordinator), "44"));
}

TEST(Scopes, StructureCoverage) {
  auto coord = make(Role::coordinator);
  coord.structures = {7, 9};
  auto member = make(Role::member);
  member.structures = {9};
  auto roc = make(Role::roc);
  roc.departements = {"57"};
  auto ars = make(Role::ars);
  ars.regions = {"44"};
  EXPECT_TRUE(covers_structure(coord, 7, "75", region_of));
  EXPECT_FALSE(covers_structure(coord, 8, "57", region_of));  // département does not matter
  EXPECT_TRUE(covers_structure(member, 9, "57", region_of));
  EXPECT_FALSE(covers_structure(member, 7, "57", region_of));
  EXPECT_TRUE(covers_structure(roc, 1, "57", region_of));
  EXPECT_FALSE(covers_structure(roc, 1, "67", region_of));
  EXPECT_TRUE(covers_structure(ars, 1, "67", region_of));
  EXPECT_FALSE(covers_structure(ars, 1, "75", region_of));
  EXPECT_TRUE(covers_structure(make(Role::observer), 1, "75", region_of));
}

TEST(Scopes, AccountManagementAndReadOnly) {
  for (Role r : all_roles()) {
    EXPECT_EQ(can_manage_accounts(make(r)), r == Role::admin);
    EXPECT_EQ(is_read_only(make(r)), r == Role::observer);
  }
}

TEST(Codes, Departements) {
  for (auto ok : {"01", "57", "2A", "2B", "95", "971", "976"}) {
    EXPECT_TRUE(valid_departement_code(ok)) << ok;
  }
  for (auto bad : {"", "5", "057", "20", "00", "96", "977", "2C", "ab", "57 "}) {
    EXPECT_FALSE(valid_departement_code(bad)) << bad;
  }
  EXPECT_TRUE(valid_region_code("44"));
  EXPECT_FALSE(valid_region_code("4"));
  EXPECT_FALSE(valid_region_code("A4"));
}

}  // namespace
}  // namespace maillage::services
