// The waiting list, computed by hand: capacity, order, cancellation, promotion, no double
// registration of one e-mail, capacity changes, the reach indicator.
#include "animation/registration.hpp"

#include <gtest/gtest.h>

namespace maillage::animation {
namespace {

// Applies an admission the way the service does (ids in registration order).
Admission add(std::vector<Seat>& seats, int capacity, const std::string& email) {
  auto a = admit(seats, capacity, email);
  EXPECT_TRUE(a) << a.error().describe();
  seats.push_back({static_cast<std::int64_t>(seats.size() + 1), normalise_email(email),
                   a ? a->place : Place::cancelled});
  return a ? *a : Admission{};
}

void cancel(std::vector<Seat>& seats, std::int64_t id, int capacity) {
  for (auto& s : seats) {
    if (s.id == id) s.place = Place::cancelled;
  }
  for (auto p : promotions(seats, capacity)) {
    for (auto& s : seats) {
      if (s.id == p) s.place = Place::confirmed;
    }
  }
}

TEST(Registration, CapacityOrderCancellationPromotion) {
  std::vector<Seat> seats;
  EXPECT_EQ(add(seats, 2, "a@exemple.fr").place, Place::confirmed);
  EXPECT_EQ(add(seats, 2, "b@exemple.fr").place, Place::confirmed);
  auto c = add(seats, 2, "c@exemple.fr");
  EXPECT_EQ(c.place, Place::waiting);
  EXPECT_EQ(c.waiting_position, 1);
  auto d = add(seats, 2, "d@exemple.fr");
  EXPECT_EQ(d.place, Place::waiting);
  EXPECT_EQ(d.waiting_position, 2);
  EXPECT_EQ(waiting_position(seats, 4), 2);

  // A (id 1) cancels: C (id 3), first waiting, is promoted; D is now first.
  EXPECT_EQ(promotions(seats, 2), std::vector<std::int64_t>{});
  seats[0].place = Place::cancelled;
  EXPECT_EQ(promotions(seats, 2), std::vector<std::int64_t>{3});
  cancel(seats, 1, 2);
  EXPECT_EQ(seats[2].place, Place::confirmed);
  EXPECT_EQ(seats[3].place, Place::waiting);
  EXPECT_EQ(waiting_position(seats, 4), 1);
  const Counts n = count(seats);
  EXPECT_EQ(n.confirmed, 2);
  EXPECT_EQ(n.waiting, 1);
  EXPECT_EQ(n.cancelled, 1);

  // A waiting person who cancels promotes nobody.
  cancel(seats, 4, 2);
  EXPECT_EQ(count(seats).confirmed, 2);
  EXPECT_EQ(count(seats).waiting, 0);
}

TEST(Registration, NobodyJumpsTheQueue) {
  // Capacity 1: A confirmed, B waits. A seat freed without promotion yet (A cancelled) must not go
  // to a newcomer C while B waits.
  std::vector<Seat> seats{{1, "a@x.fr", Place::cancelled}, {2, "b@x.fr", Place::waiting}};
  auto c = admit(seats, 1, "c@x.fr");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->place, Place::waiting);
  EXPECT_EQ(c->waiting_position, 2);
}

TEST(Registration, OneActiveRegistrationPerEmail) {
  std::vector<Seat> seats;
  add(seats, 1, "Marie.Durand@Exemple.fr");
  auto again = admit(seats, 1, "  marie.durand@exemple.FR ");
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, ErrorCode::conflict);
  EXPECT_EQ(again.error().field, "email");
  add(seats, 1, "paul@exemple.fr");  // waits
  auto waiting_again = admit(seats, 1, "paul@exemple.fr");
  ASSERT_FALSE(waiting_again);
  EXPECT_EQ(waiting_again.error().code, ErrorCode::conflict);
  // Cancelled: the address may register again, at the end of the queue.
  cancel(seats, 1, 1);  // Marie cancels, Paul promoted
  EXPECT_EQ(seats[1].place, Place::confirmed);
  auto back = admit(seats, 1, "marie.durand@exemple.fr");
  ASSERT_TRUE(back);
  EXPECT_EQ(back->place, Place::waiting);
  EXPECT_FALSE(admit(seats, 1, "pas-une-adresse"));
  EXPECT_FALSE(admit(seats, 1, "a@b"));
  EXPECT_FALSE(admit(seats, 0, "z@exemple.fr"));
}

TEST(Registration, CapacityChanges) {
  std::vector<Seat> seats{{1, "a@x.fr", Place::confirmed},
                          {2, "b@x.fr", Place::confirmed},
                          {3, "c@x.fr", Place::waiting},
                          {4, "d@x.fr", Place::waiting},
                          {5, "e@x.fr", Place::waiting}};
  EXPECT_FALSE(check_capacity(seats, 1));  // 2 confirmed
  EXPECT_TRUE(check_capacity(seats, 2));
  EXPECT_FALSE(check_capacity(seats, 0));
  // Raised to 4: C and D promoted, in order; E still waits.
  EXPECT_EQ(promotions(seats, 4), (std::vector<std::int64_t>{3, 4}));
}

TEST(Reach, PlannedAndActual) {
  EXPECT_EQ(reach(40, 31).percent, 78);  // 77.5 → 78
  EXPECT_EQ(reach(3, 1).percent, 33);    // 33.3
  EXPECT_EQ(reach(0, 12).percent, 0);
  EXPECT_EQ(reach(10, 15).percent, 150);
}

}  // namespace
}  // namespace maillage::animation
