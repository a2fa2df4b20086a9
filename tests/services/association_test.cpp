// Association life on both backends (small référentiel of the API tests): statuts entered once
// with optimistic versions, members placed in their collège by the statuts, the history of every
// change, concurrent edits, who sees what (managers, the bureau, a member's own record, counts only
// for the ROC), and the member import (preview writes nothing; confirmation writes the lines kept,
// in one transaction).
#include "services/association.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "common/dates.hpp"
#include "diagnostic/professions.hpp"
#include "http/test_referentiel.hpp"
#include "office/xlsx.hpp"
#include "services/diagnostic.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"

namespace maillage::services {
namespace {

using store::Backend;

// One RPPS snapshot: in Metz 4 généralistes, 1 other physician and 10 nurses; in Montigny 2
// nurses; in Saint-Avold (outside the territory) 5 nurses. The people list gives RPPS ids.
class FakeSource final : public SupplySource {
 public:
  Result<std::vector<SnapshotRef>> latest(int count) override {
    (void)count;
    return std::vector<SnapshotRef>{{1, "2026-06-01", "2026-06-02T08:00:00.000Z", "rpps.txt"}};
  }
  Result<std::vector<CommuneSupplyRow>> commune_supply(std::int64_t) override {
    const std::string gp(diagnostic::kGeneralPractitioner);
    return std::vector<CommuneSupplyRow>{{"57463", gp, {4, 4, 0, 0}},
                                         {"57463", "medecin_autre", {1, 1, 0, 0}},
                                         {"57463", "infirmier", {10, 10, 0, 0}},
                                         {"57480", "infirmier", {2, 2, 0, 0}},
                                         {"57606", "infirmier", {5, 5, 0, 0}}};
  }
  Result<std::vector<PersonRow>> people(std::int64_t,
                                        const std::vector<std::string>& communes) override {
    std::vector<PersonRow> out;
    auto add = [&](const char* commune, const char* id, const std::string& profession) {
      if (std::find(communes.begin(), communes.end(), commune) == communes.end()) return;
      PersonRow row;
      row.commune = commune;
      row.person.id = id;
      row.person.profession = profession;
      out.push_back(std::move(row));
    };
    add("57463", "10000000001", std::string(diagnostic::kGeneralPractitioner));
    add("57463", "10000000002", std::string(diagnostic::kGeneralPractitioner));
    add("57480", "10000000003", "infirmier");
    add("57480", "10000000003", "infirmier");  // two sites: listed once
    add("57606", "10000000009", "infirmier");  // outside the territory
    return out;
  }
};

class AssociationTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    ref_ = testing::small_referentiel();
    svc_ = std::make_unique<Association>(*db_, ref_);
    cpts_ = structure("CPTS du Pays messin (test)", "57");
    other_ = structure("CPTS de Paris (test)", "75");
    coord_ = Principal{1, "coord@exemple.fr", "Coordination", Role::coordinator, {}, {}, {cpts_}};
    roc_ = Principal{2, "roc@exemple.fr", "ROC", Role::roc, {"57"}, {}, {}};
    member_ =
        Principal{3, "marie.durand@exemple.fr", "Marie Durand", Role::member, {}, {}, {cpts_}};
    paris_ = Principal{
        4, "coord75@exemple.fr", "Coordination Paris", Role::coordinator, {}, {}, {other_}};
  }
  void TearDown() override {
    svc_.reset();
    db_.reset();
    scratch_.reset();
  }

  std::int64_t structure(const std::string& name, const std::string& dep) {
    std::int64_t id = 0;
    EXPECT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
      auto r = tx.query(
          "INSERT INTO structures (kind, name, departement, stage, created_at, updated_at) "
          "VALUES ('CPTS', $1, $2, 'projet', 'T', 'T') RETURNING id",
          {name, dep});
      if (!r) return tl::unexpected(r.error());
      id = r->rows.at(0).integer(0);
      return {};
    }));
    return id;
  }

  static StatutsInput three_colleges() {
    StatutsInput s;
    s.weight_mode = "fixed_share";
    s.colleges = {{"medecins", "Médecins", 1, 3, {"10"}, {}},
                  {"paramedicaux", "Autres professions de santé", 1, 3, {"60", "70", "21"}, {}},
                  {"structures", "Structures", 1, 3, {}, {"pharmacie", "ehpad", "autre"}}};
    return s;
  }

  static MemberInput person(const std::string& last, const std::string& first,
                            const std::string& profession, const std::string& email) {
    MemberInput m;
    m.last_name = last;
    m.first_name = first;
    m.profession = profession;
    m.email = email;
    m.commune = "57463";
    m.joined = "2025-01-10";
    return m;
  }

  std::int64_t count(const std::string& table) {
    auto r = db_->query("SELECT COUNT(*) AS n FROM " + table);
    return r ? r->named(0).integer("n") : -1;
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  geo::Referentiel ref_;
  std::unique_ptr<Association> svc_;
  std::int64_t cpts_ = 0, other_ = 0;
  Principal coord_, roc_, member_, paris_;
};

TEST_P(AssociationTest, StatutsAreEnteredOnceThenVersioned) {
  auto empty = svc_->statuts(coord_, cpts_);
  ASSERT_TRUE(empty) << empty.error().describe();
  EXPECT_FALSE(empty->defined);
  EXPECT_EQ(empty->access, AssociationAccess::manage);

  auto saved = svc_->save_statuts(coord_, cpts_, three_colleges());
  ASSERT_TRUE(saved) << saved.error().describe();
  EXPECT_TRUE(saved->defined);
  EXPECT_EQ(saved->statuts.expected_version, 1);
  ASSERT_EQ(saved->statuts.colleges.size(), 3U);
  EXPECT_EQ(saved->statuts.colleges[1].name, "Autres professions de santé");
  EXPECT_EQ(saved->statuts.colleges[1].professions, (std::vector<std::string>{"21", "60", "70"}));
  EXPECT_EQ(saved->statuts.colleges[2].legal_kinds.size(), 3U);
  EXPECT_EQ(saved->updated_by, "coord@exemple.fr");

  // Saving again from version 0 (someone read the empty statuts) conflicts.
  auto stale = svc_->save_statuts(coord_, cpts_, three_colleges());
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);

  // Fixed shares must sum to exactly 1: the engine names the field.
  StatutsInput bad = three_colleges();
  bad.expected_version = 1;
  bad.colleges[2].share_num = 2;
  auto refused = svc_->save_statuts(coord_, cpts_, bad);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_input);
  EXPECT_EQ(refused.error().field, "colleges") << refused.error().describe();

  // A profession in two collèges is refused.
  StatutsInput twice = three_colleges();
  twice.expected_version = 1;
  twice.colleges[0].professions.push_back("60");
  EXPECT_FALSE(svc_->save_statuts(coord_, cpts_, twice));

  StatutsInput next = three_colleges();
  next.expected_version = 1;
  next.weight_mode = "head_count";
  next.colleges[0].name = "Médecins généralistes et spécialistes";
  auto v2 = svc_->save_statuts(coord_, cpts_, next);
  ASSERT_TRUE(v2) << v2.error().describe();
  EXPECT_EQ(v2->statuts.expected_version, 2);
  EXPECT_EQ(v2->statuts.weight_mode, "head_count");
  EXPECT_EQ(v2->statuts.colleges[0].share_num, 1);
  EXPECT_EQ(v2->statuts.colleges[0].share_den, 1);

  // Neither the ROC, a plain member nor another structure's coordinator may change them.
  next.expected_version = 2;
  EXPECT_EQ(svc_->save_statuts(roc_, cpts_, next).error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->save_statuts(member_, cpts_, next).error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->save_statuts(paris_, cpts_, next).error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->statuts(coord_, 999999).error().code, ErrorCode::not_found);
}

TEST_P(AssociationTest, MembersArePlacedByTheStatutsAndKeepTheirHistory) {
  auto refused = svc_->create_member(coord_, cpts_, person("Martin", "Paul", "10", ""));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, ErrorCode::invalid_transition) << "statuts first";
  ASSERT_TRUE(svc_->save_statuts(coord_, cpts_, three_colleges()));

  auto doctor =
      svc_->create_member(coord_, cpts_, person("Martin", "Paul", "10", "P.Martin@Exemple.FR"));
  ASSERT_TRUE(doctor) << doctor.error().describe();
  EXPECT_EQ(doctor->member.data.college, "medecins");
  EXPECT_EQ(doctor->member.college_name, "Médecins");
  EXPECT_EQ(doctor->member.display_name, "MARTIN Paul");
  EXPECT_EQ(doctor->member.data.email, "p.martin@exemple.fr");
  EXPECT_EQ(doctor->member.commune_name, "Metz");
  EXPECT_EQ(doctor->member.data.expected_version, 1);
  ASSERT_EQ(doctor->history.size(), 1U);
  EXPECT_EQ(doctor->history[0].action, "create");

  MemberInput pharmacy;
  pharmacy.kind = "legal_person";
  pharmacy.organisation = "Pharmacie du Centre";
  pharmacy.legal_kind = "pharmacie";
  pharmacy.representative = "Mme Leroy";
  auto legal = svc_->create_member(coord_, cpts_, pharmacy);
  ASSERT_TRUE(legal) << legal.error().describe();
  EXPECT_EQ(legal->member.data.college, "structures");

  // A profession no rule names, without a default collège: refused, naming the collège.
  auto orphan = svc_->create_member(coord_, cpts_, person("Petit", "Léa", "91", ""));
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().field, "college");
  // Bad fields are named.
  MemberInput bad_rpps = person("Roux", "Jean", "60", "");
  bad_rpps.rpps = "123";
  EXPECT_EQ(svc_->create_member(coord_, cpts_, bad_rpps).error().field, "rpps");
  MemberInput bad_commune = person("Roux", "Jean", "60", "");
  bad_commune.commune = "99999";
  EXPECT_EQ(svc_->create_member(coord_, cpts_, bad_commune).error().field, "commune");
  MemberInput no_rep = pharmacy;
  no_rep.representative.clear();
  EXPECT_EQ(svc_->create_member(coord_, cpts_, no_rep).error().field, "representative");

  // An update keeps the history, field by field; a stale version conflicts.
  MemberInput change = doctor->member.data;
  change.phone = "03 87 00 00 00";
  change.college = "paramedicaux";
  auto updated = svc_->update_member(coord_, cpts_, doctor->member.id, change);
  ASSERT_TRUE(updated) << updated.error().describe();
  EXPECT_EQ(updated->member.data.expected_version, 2);
  ASSERT_EQ(updated->history.size(), 2U);
  EXPECT_EQ(updated->history[0].action, "update");
  EXPECT_NE(updated->history[0].detail.find("Collège : medecins → paramedicaux"), std::string::npos)
      << updated->history[0].detail;
  EXPECT_NE(updated->history[0].detail.find("Téléphone : ∅ → 03 87 00 00 00"), std::string::npos);
  auto stale = svc_->update_member(coord_, cpts_, doctor->member.id, change);  // version 1 again
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_EQ(count("association_member_history"), 3);

  auto roster = svc_->roster(coord_, cpts_);
  ASSERT_TRUE(roster) << roster.error().describe();
  EXPECT_EQ(roster->total, 2);
  ASSERT_EQ(roster->colleges.size(), 3U);
  EXPECT_EQ(roster->colleges[1].members.size(), 1U);
  EXPECT_EQ(roster->colleges[2].members[0].display_name, "Pharmacie du Centre");
}

TEST_P(AssociationTest, EachRoleSeesWhatItMay) {
  ASSERT_TRUE(svc_->save_statuts(coord_, cpts_, three_colleges()));
  auto marie = svc_->create_member(coord_, cpts_,
                                   person("Durand", "Marie", "60", "marie.durand@exemple.fr"));
  auto paul = svc_->create_member(coord_, cpts_, person("Martin", "Paul", "10", "paul@exemple.fr"));
  ASSERT_TRUE(marie && paul);

  // A member sees only their own record (matched by the e-mail of their login).
  auto mine = svc_->roster(member_, cpts_);
  ASSERT_TRUE(mine) << mine.error().describe();
  EXPECT_EQ(mine->statuts.access, AssociationAccess::own);
  std::size_t listed = 0;
  for (const auto& c : mine->colleges) listed += c.members.size();
  EXPECT_EQ(listed, 1U);
  EXPECT_EQ(svc_->member(member_, cpts_, paul->member.id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->create_member(member_, cpts_, person("X", "Y", "10", "")).error().code,
            ErrorCode::forbidden);

  // … and changes their contact details, never their collège.
  MemberInput own = marie->member.data;
  own.phone = "06 00 00 00 00";
  own.college = "medecins";
  own.bureau = "president";
  auto changed = svc_->update_member(member_, cpts_, marie->member.id, own);
  ASSERT_TRUE(changed) << changed.error().describe();
  EXPECT_EQ(changed->member.data.phone, "06 00 00 00 00");
  EXPECT_EQ(changed->member.data.college, "paramedicaux");
  EXPECT_EQ(changed->member.data.bureau, "");

  // The ROC of the département sees counts only, never a name.
  auto counts = svc_->roster(roc_, cpts_);
  ASSERT_TRUE(counts) << counts.error().describe();
  EXPECT_EQ(counts->statuts.access, AssociationAccess::aggregate);
  EXPECT_TRUE(counts->colleges.empty());
  EXPECT_EQ(counts->active, 2);
  ASSERT_EQ(counts->by_college.size(), 3U);
  EXPECT_EQ(counts->by_college[0].count, 1);
  EXPECT_EQ(counts->by_college[1].count, 1);
  EXPECT_EQ(svc_->member(roc_, cpts_, marie->member.id).error().code, ErrorCode::forbidden);
  // Another structure's coordinator sees nothing.
  EXPECT_EQ(svc_->roster(paris_, cpts_).error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->member(paris_, cpts_, marie->member.id).error().code, ErrorCode::forbidden);
  // A member id of another structure is not found through this one.
  ASSERT_TRUE(svc_->save_statuts(paris_, other_, three_colleges()));
  auto parisian = svc_->create_member(paris_, other_, person("Blanc", "Luc", "10", ""));
  ASSERT_TRUE(parisian);
  EXPECT_EQ(svc_->member(coord_, cpts_, parisian->member.id).error().code, ErrorCode::not_found);

  // A member on the bureau manages the association.
  MemberInput bureau = changed->member.data;
  bureau.bureau = "tresorier";
  ASSERT_TRUE(svc_->update_member(coord_, cpts_, marie->member.id, bureau));
  auto as_bureau = svc_->roster(member_, cpts_);
  ASSERT_TRUE(as_bureau);
  EXPECT_EQ(as_bureau->statuts.access, AssociationAccess::manage);
  EXPECT_TRUE(svc_->member(member_, cpts_, paul->member.id));
}

TEST_P(AssociationTest, ImportPreviewsThenWritesTheKeptLinesInOneGo) {
  ASSERT_TRUE(svc_->save_statuts(coord_, cpts_, three_colleges()));
  ASSERT_TRUE(
      svc_->create_member(coord_, cpts_, person("Martin", "Paul", "10", "paul@exemple.fr")));
  ImportRequest req;
  req.file_name = "adhesions.csv";
  req.content =
      "Nom;Prénom;Email;Profession;Ville;Date\n"
      "Durand;Marie;marie@exemple.fr;Infirmière;Metz;15/01/2025\n"  // line 2: ok
      "Martin;Paul;paul@exemple.fr;Médecin;57463;16/01/2025\n"      // line 3: duplicate (stored)
      "Roux;Jean;pas-un-email;Kinésithérapeute;Metz;16/01/2025\n"   // line 4: bad e-mail
      "Petit;Léa;lea@exemple.fr;Astronaute;Metz;17/01/2025\n"       // line 5: unknown profession
      "Blanc;Luc;luc@exemple.fr;Pharmacien;Atlantis;17/01/2025\n"   // line 6: unknown commune
      "Noir;Eva;eva@exemple.fr;60;Saint-Avold;18/01/2025\n";        // line 7: ok, code given
  auto preview = svc_->preview_import(coord_, cpts_, req);
  ASSERT_TRUE(preview) << preview.error().describe();
  EXPECT_EQ(preview->lines_read, 6U);
  ASSERT_EQ(preview->lines.size(), 3U);
  EXPECT_EQ(preview->lines[0].line, 2);
  EXPECT_EQ(preview->lines[0].college, "paramedicaux");
  EXPECT_EQ(preview->lines[0].commune, "Metz");
  EXPECT_EQ(preview->lines[0].joined, "2025-01-15");
  EXPECT_TRUE(preview->lines[1].duplicate);
  EXPECT_EQ(preview->lines[1].line, 3);
  EXPECT_EQ(preview->lines[2].commune, "Saint-Avold");
  ASSERT_EQ(preview->issues.size(), 3U);
  EXPECT_EQ(preview->issues[0].line, 4);
  EXPECT_EQ(preview->issues[0].field, "Email");
  EXPECT_EQ(preview->issues[1].line, 5);
  EXPECT_EQ(preview->issues[1].field, "Profession");
  EXPECT_EQ(preview->issues[2].line, 6);
  EXPECT_EQ(preview->issues[2].field, "Ville");
  EXPECT_EQ(count("association_members"), 1) << "a preview writes nothing";

  // The ROC and a plain member may not import.
  EXPECT_EQ(svc_->preview_import(roc_, cpts_, req).error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->confirm_import(member_, cpts_, req).error().code, ErrorCode::forbidden);

  req.skip_lines = {3};
  auto done = svc_->confirm_import(coord_, cpts_, req);
  ASSERT_TRUE(done) << done.error().describe();
  EXPECT_EQ(done->imported, 2U);
  EXPECT_EQ(done->skipped, 1U);
  EXPECT_EQ(done->rejected, 3U);
  EXPECT_EQ(count("association_members"), 3);
  auto roster = svc_->roster(coord_, cpts_);
  ASSERT_TRUE(roster);
  const auto& para = roster->colleges[1].members;
  ASSERT_EQ(para.size(), 2U);
  auto record = svc_->member(coord_, cpts_, para[0].id);
  ASSERT_TRUE(record);
  ASSERT_EQ(record->history.size(), 1U);
  EXPECT_EQ(record->history[0].action, "import");
  EXPECT_NE(record->history[0].detail.find("adhesions.csv"), std::string::npos);

  // A mapping naming a header the file lacks is a whole-file error; nothing to import is refused.
  ImportRequest wrong = req;
  wrong.mapping = {{"email", "Courriel"}};
  EXPECT_FALSE(svc_->preview_import(coord_, cpts_, wrong));
  ImportRequest nothing = req;
  nothing.skip_lines = {2, 3, 7};
  auto none = svc_->confirm_import(coord_, cpts_, nothing);
  ASSERT_FALSE(none);
  EXPECT_EQ(count("association_members"), 3);
}

// The same flow from an XLSX workbook: rows and columns of the sheet in the issues, a date cell,
// a number amount, and the confirmation writing the kept rows in one transaction.
TEST_P(AssociationTest, ImportFromXlsxNamesSheetRowAndColumn) {
  ASSERT_TRUE(svc_->save_statuts(coord_, cpts_, three_colleges()));
  office::Sheet sheet;
  sheet.name = "Adhérents";
  sheet.header = {"Nom", "Prénom", "Email", "Profession", "Ville", "Date", "Montant"};
  sheet.rows = {
      {"Durand", "Marie", "marie@exemple.fr", "Infirmière", "Metz", office::Date{2025, 1, 15},
       30.0},  // row 2
      {"Roux", "Jean", "pas-un-email", "Kinésithérapeute", "Metz", office::Date{2025, 1, 16},
       30.0},  // row 3
      {"Noir", "Eva", "eva@exemple.fr", "Astronaute", "Metz", office::Date{2025, 1, 17}, 30.0},
      {"Blanc", "Luc", "luc@exemple.fr", "60", "Saint-Avold", office::Date{2025, 1, 18}, 30.0}};
  auto bytes = office::write_xlsx({sheet}, {"", "Maillage", "2025-01-01T00:00:00Z"});
  ASSERT_TRUE(bytes);
  ImportRequest req;
  req.file_name = "adhesions.xlsx";
  req.content = *bytes;
  auto preview = svc_->preview_import(coord_, cpts_, req);
  ASSERT_TRUE(preview) << preview.error().describe();
  EXPECT_EQ(preview->lines_read, 4U);
  ASSERT_EQ(preview->lines.size(), 2U);
  EXPECT_EQ(preview->lines[0].joined, "2025-01-15");
  EXPECT_EQ(preview->lines[1].line, 5);
  ASSERT_EQ(preview->issues.size(), 2U);
  EXPECT_EQ(preview->issues[0].line, 3);
  EXPECT_EQ(preview->issues[0].field, "Email");
  EXPECT_EQ(preview->issues[0].column, "C");
  EXPECT_EQ(preview->issues[1].line, 4);
  EXPECT_EQ(preview->issues[1].column, "D");  // raised by the service, not the engine
  EXPECT_EQ(count("association_members"), 0) << "a preview writes nothing";
  auto done = svc_->confirm_import(coord_, cpts_, req);
  ASSERT_TRUE(done) << done.error().describe();
  EXPECT_EQ(done->imported, 2U);
  EXPECT_EQ(done->rejected, 2U);
  EXPECT_EQ(count("association_members"), 2);
  // Not a workbook: refused, naming the file.
  ImportRequest broken = req;
  broken.content = bytes->substr(0, 200);
  auto refused = svc_->preview_import(coord_, cpts_, broken);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().file, "adhesions.xlsx");
}

TEST_P(AssociationTest, DuesStatusRemindersAndReceipts) {
  ASSERT_TRUE(svc_->save_statuts(coord_, cpts_, three_colleges()));
  // Dates relative to today, so that the test holds any day of the year.
  const Date today = today_utc();
  const int year = static_cast<int>(today.year());
  const std::string now = format_date(today);
  auto add = [&](const std::string& last, const std::string& email, const std::string& joined) {
    MemberInput m = person(last, "A", "60", email);
    m.joined = joined;
    auto r = svc_->create_member(coord_, cpts_, m);
    EXPECT_TRUE(r) << r.error().describe();
    return r ? r->member.id : 0;
  };
  const std::string last_year_june = fmt::format("{}-06-01", year - 1);
  const auto paid = add("Payé", "marie.durand@exemple.fr", last_year_june);
  const auto partly = add("Partiel", "", last_year_june);
  const auto nothing = add("Rien", "", now);
  const auto lapsed = add("Echu", "", last_year_june);

  // No tariff for the year yet: a payment cannot be placed, and says why.
  auto early = svc_->add_payment(coord_, cpts_, {paid, now, 3000, "cheque", "n° 1", std::nullopt});
  ASSERT_FALSE(early);
  EXPECT_EQ(early.error().field, "date");

  ASSERT_TRUE(svc_->set_tariffs(coord_, cpts_, year - 1, {{"", "", 2500}}));
  auto set = svc_->set_tariffs(coord_, cpts_, year, {{"", "", 3000}, {"medecins", "", 5000}});
  ASSERT_TRUE(set) << set.error().describe();
  EXPECT_EQ(set->tariffs.size(), 3U);
  EXPECT_EQ(set->tariffs[2].amount_text, "50,00\u00a0€");
  EXPECT_EQ(svc_->set_tariffs(coord_, cpts_, year, {{"inconnu", "", 1}}).error().field,
            "tarifs[0].college");
  EXPECT_EQ(svc_->set_tariffs(member_, cpts_, year, {}).error().code, ErrorCode::forbidden);

  auto p1 = svc_->add_payment(coord_, cpts_, {paid, now, 3000, "cheque", "n° 1", std::nullopt});
  ASSERT_TRUE(p1) << p1.error().describe();
  ASSERT_TRUE(svc_->add_payment(coord_, cpts_, {partly, now, 1000, "virement", "", std::nullopt}));
  ASSERT_TRUE(svc_->add_payment(coord_, cpts_,
                                {lapsed, last_year_june, 2500, "especes", "", std::nullopt}));
  // Refusals name their field.
  EXPECT_EQ(svc_->add_payment(coord_, cpts_, {paid, "2999-01-01", 100, "cheque", "", std::nullopt})
                .error()
                .field,
            "date");
  EXPECT_EQ(
      svc_->add_payment(coord_, cpts_, {paid, now, 100, "troc", "", std::nullopt}).error().field,
      "moyen");
  EXPECT_EQ(
      svc_->add_payment(coord_, cpts_, {999999, now, 100, "cheque", "", std::nullopt}).error().code,
      ErrorCode::not_found);

  auto dues = svc_->dues(coord_, cpts_, 0);
  ASSERT_TRUE(dues) << dues.error().describe();
  std::map<std::int64_t, DuesRow> by_id;
  for (const auto& r : dues->members) by_id[r.member_id] = r;
  EXPECT_EQ(by_id[paid].status, "a_jour");
  EXPECT_EQ(by_id[paid].paid_until, fmt::format("{}-12-31", year));
  EXPECT_EQ(by_id[partly].status, "en_attente");
  EXPECT_EQ(by_id[partly].paid_cents, 1000);
  EXPECT_EQ(by_id[partly].due_cents, 3000);
  EXPECT_EQ(by_id[nothing].status, "en_attente");
  EXPECT_EQ(by_id[lapsed].status, "echue");
  EXPECT_EQ(by_id[lapsed].reminder, fmt::format("cotisation échue depuis le 31/12/{}", year - 1));
  const bool last_day =
      today.month() == std::chrono::December && today.day() == std::chrono::day(31);
  EXPECT_EQ(dues->reminders.size(), last_day ? 4U : 3U);
  EXPECT_EQ(dues->by_status[0].key, "a_jour");
  EXPECT_EQ(dues->by_status[0].count, 1);
  EXPECT_EQ(dues->by_status[1].count, 2);
  EXPECT_EQ(dues->by_status[2].count, 1);
  EXPECT_EQ(dues->payments.size(), 3U);

  // The receipt: managers and the member who paid; nobody else.
  auto receipt = svc_->receipt(coord_, cpts_, p1->id);
  ASSERT_TRUE(receipt) << receipt.error().describe();
  EXPECT_EQ(receipt->number, fmt::format("{}-{:04}", year, p1->id));
  EXPECT_EQ(receipt->period, fmt::format("année {}", year));
  EXPECT_EQ(receipt->member_name, "PAYÉ A");
  EXPECT_EQ(receipt->payment.amount_text, "30,00\u00a0€");
  EXPECT_NE(receipt->member_detail.find("Infirmier"), std::string::npos);
  EXPECT_TRUE(svc_->receipt(member_, cpts_, p1->id));
  auto others = svc_->dues(member_, cpts_);
  ASSERT_TRUE(others);
  ASSERT_EQ(others->members.size(), 1U);
  EXPECT_EQ(others->payments.size(), 1U);
  EXPECT_TRUE(others->reminders.empty());
  EXPECT_EQ(svc_->receipt(roc_, cpts_, p1->id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->receipt(paris_, cpts_, p1->id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->receipt(coord_, cpts_, 999999).error().code, ErrorCode::not_found);
  auto counts = svc_->dues(roc_, cpts_);
  ASSERT_TRUE(counts);
  EXPECT_TRUE(counts->members.empty());
  EXPECT_TRUE(counts->payments.empty());
  EXPECT_EQ(counts->by_status[0].count, 1);

  // The member record lists its payments and the history says what was received.
  auto record = svc_->member(coord_, cpts_, paid);
  ASSERT_TRUE(record);
  ASSERT_EQ(record->payments.size(), 1U);
  EXPECT_EQ(record->history[0].action, "payment");
}

TEST_P(AssociationTest, MembershipRateAgainstTheTerritoryAndRecruitmentList) {
  ASSERT_TRUE(svc_->save_statuts(coord_, cpts_, three_colleges()));
  Diagnostics diagnostics(*db_, ref_, std::make_shared<FakeSource>());
  Association with_rpps(*db_, ref_, &diagnostics, std::make_shared<FakeSource>());
  auto no_territory = with_rpps.membership_rate(coord_, cpts_);
  ASSERT_FALSE(no_territory);
  EXPECT_EQ(no_territory.error().code, ErrorCode::invalid_input);
  ASSERT_TRUE(db_->transact([&](store::Tx& tx) -> Status {
    for (const char* c : {"57463", "57480"}) {
      auto r = tx.exec("INSERT INTO structure_communes (structure_id, commune) VALUES ($1, $2)",
                       {cpts_, std::string(c)});
      if (!r) return tl::unexpected(r.error());
    }
    return {};
  }));
  // Members: 2 physicians (one with the RPPS id of a généraliste present), 3 nurses (one
  // radiated, not counted), one legal person (not a profession of the diagnostic).
  MemberInput gp = person("Martin", "Paul", "10", "");
  gp.rpps = "10000000001";
  ASSERT_TRUE(svc_->create_member(coord_, cpts_, gp));
  ASSERT_TRUE(svc_->create_member(coord_, cpts_, person("Roux", "Jean", "10", "")));
  ASSERT_TRUE(svc_->create_member(coord_, cpts_, person("Durand", "Marie", "60", "")));
  ASSERT_TRUE(svc_->create_member(coord_, cpts_, person("Petit", "Léa", "60", "")));
  MemberInput gone = person("Blanc", "Luc", "60", "");
  gone.joined = "2020-01-01";
  gone.radiated = "2021-01-01";
  ASSERT_TRUE(svc_->create_member(coord_, cpts_, gone));
  MemberInput pharmacy;
  pharmacy.kind = "legal_person";
  pharmacy.organisation = "Pharmacie";
  pharmacy.legal_kind = "pharmacie";
  pharmacy.representative = "X";
  ASSERT_TRUE(svc_->create_member(coord_, cpts_, pharmacy));

  auto rate = with_rpps.membership_rate(coord_, cpts_);
  ASSERT_TRUE(rate) << rate.error().describe();
  EXPECT_EQ(rate->snapshot_date, "2026-06-01");
  EXPECT_EQ(rate->communes, 2U);
  std::map<std::string, RateRow> rows;
  for (const auto& r : rate->rows) rows[r.key] = r;
  EXPECT_EQ(rows["medecin"].professionals, 5);  // 4 généralistes + 1 other, Metz only
  EXPECT_EQ(rows["medecin"].members, 2);
  ASSERT_TRUE(rows["medecin"].rate);
  EXPECT_DOUBLE_EQ(*rows["medecin"].rate, 2.0 / 5.0);
  EXPECT_EQ(rows["infirmier"].professionals, 12);  // Saint-Avold is outside
  EXPECT_EQ(rows["infirmier"].members, 2);
  EXPECT_DOUBLE_EQ(*rows["infirmier"].rate, 2.0 / 12.0);
  EXPECT_EQ(rate->total.members, 4);
  EXPECT_EQ(rate->total.professionals, 17);
  // Recruitment: present in the territory, no member with that RPPS id, each once.
  ASSERT_TRUE(rate->recruits_visible);
  ASSERT_EQ(rate->recruits.size(), 2U);
  EXPECT_EQ(rate->recruits[0].rpps, "10000000003");  // "Infirmiers" sorts before "Médecins"
  EXPECT_EQ(rate->recruits[0].commune_name, "Montigny-lès-Metz");
  EXPECT_EQ(rate->recruits[1].rpps, "10000000002");

  // The ROC sees the rates, not the list; another structure's coordinator nothing.
  auto roc = with_rpps.membership_rate(roc_, cpts_);
  ASSERT_TRUE(roc) << roc.error().describe();
  EXPECT_FALSE(roc->recruits_visible);
  EXPECT_TRUE(roc->recruits.empty());
  EXPECT_EQ(roc->total.members, 4);
  EXPECT_EQ(with_rpps.membership_rate(paris_, cpts_).error().code, ErrorCode::forbidden);
  // Without the diagnostic the service says so.
  EXPECT_EQ(svc_->membership_rate(coord_, cpts_).error().code, ErrorCode::unavailable);
}

INSTANTIATE_TEST_SUITE_P(Backends, AssociationTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
