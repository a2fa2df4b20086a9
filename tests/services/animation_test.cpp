// Animation territoriale on both backends (small référentiel of the API tests): partners with
// SIREN (Luhn) and FINESS checked, communes checked against the référentiel, links to structures,
// contacts, follower; search by name, kind and commune; interactions with a document (upload
// rules, read back); actions of a territory and of a structure with their partners, status and
// reach; events with a capacity, the waiting list (register, cancel, promotion, capacity raised,
// one active registration per e-mail), attendance; scopes of every role (ROC, ARS, chargé de
// mission, coordinator, member, observer) and optimistic versions; audit rows.
#include "services/animation.hpp"

#include <gtest/gtest.h>

#include "common/dates.hpp"
#include "http/test_referentiel.hpp"
#include "services/registry.hpp"
#include "store/database.hpp"
#include "store/test_databases.hpp"
#include "user_fixture.hpp"

namespace maillage::services {
namespace {

using store::Backend;

class AnimationTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    MAILLAGE_REQUIRE_BACKEND(GetParam());
    scratch_ = testing::ScratchDatabase::create(GetParam());
    db_ = testing::open_database(*scratch_);
    ref_ = testing::small_referentiel();
    auto reg = Registry::create(*db_, ref_);
    ASSERT_TRUE(reg) << reg.error().describe();
    registry_ = std::make_unique<Registry>(std::move(*reg));
    svc_ = std::make_unique<Animation>(*db_, *registry_, ref_);
    metz_ = structure("CPTS du Pays messin (test)", "57");
    paris_ = structure("CPTS de Paris (test)", "75");
    roc_user_ = testing::insert_user(*db_, "roc@exemple.fr", "Référente ROC", "roc", "57");
    admin_ = Principal{9, "admin@exemple.fr", "Admin", Role::admin, {}, {}, {}};
    roc_ = Principal{roc_user_, "roc@exemple.fr", "ROC", Role::roc, {"57"}, {}, {}};
    roc75_ = Principal{3, "roc75@exemple.fr", "ROC 75", Role::roc, {"75"}, {}, {}};
    ars_ = Principal{4, "ars@exemple.fr", "ARS", Role::ars, {}, {"44"}, {}};
    cdm_ = Principal{5, "cdm@exemple.fr", "CDM", Role::charge_de_mission, {}, {"11"}, {}};
    coord_ = Principal{6, "coord@exemple.fr", "Coordination", Role::coordinator, {}, {}, {metz_}};
    coord75_ = Principal{7, "coord75@exemple.fr", "Coord 75", Role::coordinator, {}, {}, {paris_}};
    member_ = Principal{8, "Marie.Durand@exemple.fr", "Marie Durand", Role::member, {}, {}, {metz_}};
    observer_ = Principal{10, "obs@exemple.fr", "Observateur", Role::observer, {}, {}, {}};
  }
  void TearDown() override {
    svc_.reset();
    registry_.reset();
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

  PartnerInput hospital() {
    PartnerInput in;
    in.name = "Centre hospitalier de Metz (test)";
    in.kind = "hopital";
    in.departement = "57";
    in.siren = "732 829 320";
    in.finess = "570 000 158";
    in.communes = {"57480", "57463", "57463"};
    in.structures = {metz_};
    in.contacts = {{"Dr Anne Test", "Cheffe de service", "Anne@Exemple.fr", "03 87 00 00 00"}};
    in.follower_id = roc_user_;
    return in;
  }

  std::int64_t count(const std::string& sql) {
    auto r = db_->query(sql);
    EXPECT_TRUE(r);
    return r ? r->rows.at(0).integer(0) : -1;
  }

  std::unique_ptr<testing::ScratchDatabase> scratch_;
  std::unique_ptr<store::Database> db_;
  geo::Referentiel ref_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<Animation> svc_;
  std::int64_t metz_ = 0, paris_ = 0, roc_user_ = 0;
  Principal admin_, roc_, roc75_, ars_, cdm_, coord_, coord75_, member_, observer_;
};

TEST_P(AnimationTest, PartnersValidatedSearchedAndScoped) {
  auto created = svc_->create_partner(roc_, hospital());
  ASSERT_TRUE(created) << created.error().describe();
  const auto& p = created->partner;
  EXPECT_EQ(p.siren, "732829320");
  EXPECT_EQ(p.finess, "570000158");
  ASSERT_EQ(p.communes.size(), 2U);  // sorted, duplicate dropped
  EXPECT_EQ(p.communes[0].id, "57463");
  EXPECT_EQ(p.communes[0].label, "Metz (57463)");
  ASSERT_EQ(p.structures.size(), 1U);
  EXPECT_EQ(p.follower_name, "Référente ROC");
  EXPECT_EQ(created->contacts.at(0).email, "anne@exemple.fr");
  EXPECT_TRUE(created->can_edit);

  // Refusals name their field.
  auto bad = hospital();
  bad.siren = "732829321";
  auto r = svc_->create_partner(roc_, bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "siren");
  bad = hospital();
  bad.finess = "00000015";
  r = svc_->create_partner(roc_, bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "finess");
  bad = hospital();
  bad.communes = {"57463", "99999"};
  r = svc_->create_partner(roc_, bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "communes[1]");
  bad = hospital();
  bad.contacts[0].email = "pas une adresse";
  r = svc_->create_partner(roc_, bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "contacts[0].email");
  bad = hospital();
  bad.departement = "75";  // outside the ROC's scope
  r = svc_->create_partner(roc_, bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::forbidden);
  bad = hospital();
  bad.structures = {paris_};  // a structure the ROC of 57 does not see
  r = svc_->create_partner(roc_, bad);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "structures[0]");

  // A coordinator's partner must be linked to one of their structures.
  PartnerInput assoc;
  assoc.name = "Association Prévention (test)";
  assoc.kind = "association";
  assoc.departement = "57";
  assoc.communes = {"57606"};
  r = svc_->create_partner(coord_, assoc);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().field, "structures");
  assoc.structures = {metz_};
  ASSERT_TRUE(svc_->create_partner(coord_, assoc));
  PartnerInput mairie;
  mairie.name = "Mairie de Paris (test)";
  mairie.kind = "collectivite";
  mairie.departement = "75";
  mairie.communes = {"75056"};
  ASSERT_TRUE(svc_->create_partner(roc75_, mairie));

  // Search: name (accents and case ignored), kind, commune.
  auto all = svc_->partners(admin_, {});
  ASSERT_TRUE(all);
  EXPECT_EQ(all->partners.size(), 3U);
  auto q = svc_->partners(admin_, {"PREVENTION", "", "", ""});
  ASSERT_TRUE(q);
  ASSERT_EQ(q->partners.size(), 1U);
  EXPECT_EQ(q->partners[0].name, "Association Prévention (test)");
  EXPECT_EQ(svc_->partners(admin_, {"", "hopital", "", ""})->partners.size(), 1U);
  EXPECT_EQ(svc_->partners(admin_, {"", "", "57606", ""})->partners.size(), 1U);
  EXPECT_EQ(svc_->partners(admin_, {"", "", "", "75"})->partners.size(), 1U);

  // Scopes: the ROC of 57 and the ARS Grand Est see the two Moselle partners; the chargée de
  // mission of Île-de-France the Paris one; a coordinator those linked to their structures.
  EXPECT_EQ(svc_->partners(roc_, {})->partners.size(), 2U);
  EXPECT_EQ(svc_->partners(ars_, {})->partners.size(), 2U);
  EXPECT_EQ(svc_->partners(cdm_, {})->partners.size(), 1U);
  EXPECT_EQ(svc_->partners(coord_, {})->partners.size(), 2U);
  EXPECT_EQ(svc_->partners(coord75_, {})->partners.size(), 0U);
  EXPECT_EQ(svc_->partners(observer_, {})->partners.size(), 3U);
  EXPECT_FALSE(svc_->partners(observer_, {})->can_create);
  auto m = svc_->partners(member_, {});
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().code, ErrorCode::forbidden);
  auto other = svc_->partner(roc75_, p.id);
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->partner(admin_, 999999).error().code, ErrorCode::not_found);
  EXPECT_FALSE(svc_->partner(observer_, p.id)->can_edit);

  // Update at the read version; a stale one conflicts.
  auto change = hospital();
  change.name = "CHR Metz-Thionville (test)";
  change.expected_version = p.version;
  auto updated = svc_->update_partner(coord_, p.id, change);
  ASSERT_TRUE(updated) << updated.error().describe();
  EXPECT_EQ(updated->partner.name, "CHR Metz-Thionville (test)");
  auto stale = svc_->update_partner(roc_, p.id, change);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, ErrorCode::conflict);
  EXPECT_FALSE(svc_->update_partner(observer_, p.id, change));
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action IN ('partner.create', "
                  "'partner.update')"),
            4);
}

TEST_P(AnimationTest, InteractionsWithADocument) {
  auto p = svc_->create_partner(roc_, hospital());
  ASSERT_TRUE(p);
  InteractionInput in;
  in.kind = "convention";
  in.held_on = "2026-03-12";
  in.title = "Signature de la convention";
  in.filename = "../convention.pdf";
  in.content_type = "application/pdf";
  in.bytes = "%PDF-1.4\nconvention\n";
  auto i = svc_->add_interaction(coord_, p->partner.id, in, 1000);
  ASSERT_TRUE(i) << i.error().describe();
  EXPECT_TRUE(i->has_document);
  EXPECT_EQ(i->filename, "convention.pdf");
  EXPECT_EQ(i->size, 20);
  auto doc = svc_->interaction_document(roc_, p->partner.id, i->id);
  ASSERT_TRUE(doc);
  EXPECT_EQ(doc->second, in.bytes);
  // Another partner's path does not reach it.
  EXPECT_FALSE(svc_->interaction_document(roc75_, p->partner.id, i->id));

  InteractionInput fake = in;
  fake.bytes = "<html><script>alert(1)</script></html>";
  auto refused = svc_->add_interaction(roc_, p->partner.id, fake, 1000);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().field, "document");
  fake = in;
  fake.bytes = std::string(2000, 'x');
  fake.bytes.replace(0, 8, "%PDF-1.4");
  EXPECT_EQ(svc_->add_interaction(roc_, p->partner.id, fake, 1000).error().code,
            ErrorCode::body_too_large);
  InteractionInput meeting;
  meeting.kind = "reunion";
  meeting.held_on = "2026-04-02";
  meeting.title = "Comité de pilotage";
  auto j = svc_->add_interaction(roc_, p->partner.id, meeting, 1000);
  ASSERT_TRUE(j);
  EXPECT_FALSE(j->has_document);
  EXPECT_EQ(svc_->interaction_document(roc_, p->partner.id, j->id).error().code,
            ErrorCode::not_found);
  meeting.held_on = "02/04/2026";
  EXPECT_EQ(svc_->add_interaction(roc_, p->partner.id, meeting, 1000).error().field, "held_on");
  auto view = svc_->partner(roc_, p->partner.id);
  ASSERT_TRUE(view);
  ASSERT_EQ(view->interactions.size(), 2U);
  EXPECT_EQ(view->interactions[0].held_on, "2026-04-02");  // most recent first
  EXPECT_EQ(view->partner.interactions, 2);
  EXPECT_EQ(view->partner.last_interaction, "2026-04-02");
  EXPECT_FALSE(svc_->add_interaction(observer_, p->partner.id, meeting, 1000));
}

TEST_P(AnimationTest, EventsWaitingListAndAttendance) {
  auto partner = svc_->create_partner(roc_, hospital());
  ASSERT_TRUE(partner);
  ActionInput a;
  a.structure_id = metz_;
  a.title = "Journée de formation";
  a.kind = "formation";
  a.starts_on = "2099-05-01";
  a.planned_reach = 40;
  a.partners = {partner->partner.id};
  auto action = svc_->create_action(coord_, a);
  ASSERT_TRUE(action) << action.error().describe();
  EXPECT_EQ(action->action.departement, "57");
  EXPECT_EQ(action->action.ends_on, "2099-05-01");
  ASSERT_EQ(action->action.partners.size(), 1U);
  // A coordinator does not plan for the territory, nor for another structure.
  ActionInput territory = a;
  territory.structure_id = 0;
  territory.departement = "57";
  EXPECT_EQ(svc_->create_action(coord_, territory).error().code, ErrorCode::forbidden);
  ActionInput elsewhere = a;
  elsewhere.structure_id = paris_;
  EXPECT_EQ(svc_->create_action(coord_, elsewhere).error().code, ErrorCode::forbidden);
  auto terr = svc_->create_action(roc_, territory);
  ASSERT_TRUE(terr) << terr.error().describe();

  EventInput e;
  e.title = "Repérage de la fragilité";
  e.held_on = "2099-05-01";
  e.capacity = 2;
  auto ev = svc_->create_event(coord_, action->action.id, e);
  ASSERT_TRUE(ev) << ev.error().describe();
  const auto id = ev->event.id;

  auto reg = [&](const Principal& who, const std::string& name, const std::string& email) {
    return svc_->register_person(who, id, {name, email, "professionnel", "Infirmière", 0});
  };
  auto a1 = reg(coord_, "Alice", "alice@exemple.fr");
  auto b1 = reg(roc_, "Bruno", "bruno@exemple.fr");
  auto c1 = reg(coord_, "Chloé", "chloe@exemple.fr");
  ASSERT_TRUE(a1 && b1 && c1);
  EXPECT_EQ(a1->registration.place, "inscrit");
  EXPECT_EQ(b1->registration.place, "inscrit");
  EXPECT_EQ(c1->registration.place, "attente");
  EXPECT_EQ(c1->registration.waiting_position, 1);
  auto dup = reg(coord_, "Alice bis", " ALICE@exemple.fr ");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, ErrorCode::conflict);
  EXPECT_EQ(dup.error().field, "email");

  // The member registers themself (their login), waits second; sees only their own line.
  auto self = svc_->register_person(member_, id, {"ignored", "other@exemple.fr", "partenaire", "", 0});
  ASSERT_TRUE(self) << self.error().describe();
  EXPECT_EQ(self->registration.email, "marie.durand@exemple.fr");
  EXPECT_EQ(self->registration.category, "membre");
  EXPECT_EQ(self->registration.waiting_position, 2);
  auto mine = svc_->event(member_, id);
  ASSERT_TRUE(mine);
  ASSERT_EQ(mine->registrations.size(), 1U);
  EXPECT_FALSE(mine->can_manage);
  EXPECT_EQ(mine->my_place, "attente");
  // A member cancels only their own; a coordinator of Paris sees nothing of it.
  EXPECT_EQ(svc_->cancel_registration(member_, id, a1->registration.id).error().code,
            ErrorCode::not_found);
  EXPECT_EQ(svc_->event(coord75_, id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->register_person(coord75_, id, {"X", "x@exemple.fr", "professionnel", "", 0})
                .error()
                .code,
            ErrorCode::forbidden);

  // Alice cancels: Chloé (first waiting) is promoted; Marie is now first waiting.
  auto cancelled = svc_->cancel_registration(coord_, id, a1->registration.id);
  ASSERT_TRUE(cancelled) << cancelled.error().describe();
  ASSERT_EQ(cancelled->promoted.size(), 1U);
  EXPECT_EQ(cancelled->promoted[0].name, "Chloé");
  auto v = svc_->event(coord_, id);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->event.confirmed, 2);
  EXPECT_EQ(v->event.waiting, 1);
  ASSERT_EQ(v->registrations.size(), 4U);
  EXPECT_EQ(v->registrations[0].name, "Bruno");  // confirmed in order, then waiting, cancelled
  EXPECT_EQ(v->registrations[1].name, "Chloé");
  EXPECT_EQ(v->registrations[2].email, "marie.durand@exemple.fr");
  EXPECT_EQ(v->registrations[2].waiting_position, 1);
  EXPECT_EQ(v->registrations[3].place, "annule");
  EXPECT_EQ(svc_->cancel_registration(coord_, id, a1->registration.id).error().code,
            ErrorCode::invalid_transition);
  // Alice may register again: at the end of the queue.
  auto again = reg(coord_, "Alice", "alice@exemple.fr");
  ASSERT_TRUE(again);
  EXPECT_EQ(again->registration.waiting_position, 2);

  // The capacity cannot go under the 2 confirmed seats; raised to 3, Marie is promoted.
  EventInput change = e;
  change.capacity = 1;
  change.expected_version = v->event.version;
  auto lower = svc_->update_event(coord_, id, change);
  ASSERT_FALSE(lower);
  EXPECT_EQ(lower.error().field, "capacity");
  change.capacity = 3;
  auto raised = svc_->update_event(coord_, id, change);
  ASSERT_TRUE(raised) << raised.error().describe();
  EXPECT_EQ(raised->event.confirmed, 3);
  EXPECT_EQ(raised->event.waiting, 1);
  EXPECT_EQ(svc_->event(member_, id)->my_place, "inscrit");
  EXPECT_EQ(svc_->update_event(coord_, id, change).error().code, ErrorCode::conflict);

  // Émargement: confirmed registrations only.
  auto w = svc_->event(coord_, id);
  std::int64_t waiting_id = 0, bruno = 0, chloe = 0;
  for (const auto& g : w->registrations) {
    if (g.place == "attente") waiting_id = g.id;
    if (g.name == "Bruno") bruno = g.id;
    if (g.name == "Chloé") chloe = g.id;
  }
  auto wrong = svc_->mark_attendance(coord_, id, {{waiting_id, "present"}});
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().field, "marks[0].registration_id");
  EXPECT_EQ(svc_->mark_attendance(member_, id, {{bruno, "present"}}).error().code,
            ErrorCode::forbidden);
  auto marked = svc_->mark_attendance(coord_, id, {{bruno, "present"}, {chloe, "absent"}});
  ASSERT_TRUE(marked) << marked.error().describe();
  EXPECT_EQ(marked->event.present, 1);
  EXPECT_EQ(marked->event.absent, 1);
  auto act = svc_->action(roc_, action->action.id);
  ASSERT_TRUE(act);
  EXPECT_EQ(act->action.present, 1);
  EXPECT_EQ(act->action.events, 1);

  // Follow-up of the action: realised, 31 reached of 40 → 78 %.
  ActionInput follow = a;
  follow.status = "realisee";
  follow.actual_reach = 31;
  follow.expected_version = act->action.version;
  auto done = svc_->update_action(coord_, action->action.id, follow);
  ASSERT_TRUE(done) << done.error().describe();
  EXPECT_EQ(done->action.status_label, "Réalisée");
  EXPECT_EQ(done->action.reach_percent, 78);
  EXPECT_EQ(svc_->update_action(coord_, action->action.id, follow).error().code,
            ErrorCode::conflict);

  // Action lists by scope: the CPTS's for its coordinator and member; the Moselle's for the ROC
  // (territory and structures); nothing of Moselle for the ROC of Paris.
  EXPECT_EQ(svc_->actions(member_, {"", metz_})->actions.size(), 1U);
  EXPECT_FALSE(svc_->actions(member_, {"", metz_})->can_create);
  EXPECT_EQ(svc_->actions(roc_, {"57", 0})->actions.size(), 2U);
  EXPECT_EQ(svc_->actions(roc75_, {"57", 0}).error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->action(member_, terr->action.id).error().code, ErrorCode::forbidden);
  EXPECT_EQ(svc_->action(coord75_, action->action.id).error().code, ErrorCode::forbidden);
  // The calendar entry.
  auto cal = svc_->calendar_event(member_, id);
  ASSERT_TRUE(cal);
  EXPECT_EQ(cal->day, "2099-05-01");
  EXPECT_EQ(cal->start, "14:00");
  EXPECT_EQ(count("SELECT COUNT(*) FROM audit_log WHERE action = 'animation.registration.cancel'"),
            1);
}

INSTANTIATE_TEST_SUITE_P(Backends, AnimationTest, testing::all_backends(), testing::backend_name);

}  // namespace
}  // namespace maillage::services
