// Registrations to an event with a capacity: who gets a seat, who waits, who is promoted when a
// seat frees. Pure: the registrations come in registration order (the order of their ids), the
// answers say what to write.
//
// Rules (hand-checked in tests/animation/registration_test.cpp):
//   - an e-mail address (trimmed, lower case) holds at most one active registration (confirmed or
//     waiting) per event; a cancelled one may register again, at the end of the queue;
//   - a newcomer is confirmed while confirmed seats < capacity and nobody waits (nobody jumps the
//     queue), else waits at the end;
//   - after a cancellation or a capacity raised, the first waiting registrations, in registration
//     order, are confirmed until the confirmed seats reach the capacity;
//   - the capacity cannot go under the seats already confirmed (nobody loses a confirmed seat).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace maillage::animation {

enum class Place : std::uint8_t { confirmed, waiting, cancelled };

/// Stable ids as stored: "inscrit", "attente", "annule".
std::string_view place_id(Place p);
std::optional<Place> place_from_id(std::string_view id);

struct Seat {
  std::int64_t id = 0;
  std::string email;  // as normalised by normalise_email
  Place place = Place::confirmed;
};

struct Admission {
  Place place = Place::confirmed;
  int waiting_position = 0;  // 1 for the first in the waiting list; 0 when confirmed
};

/// Trimmed, lower case (ASCII). Empty when empty.
std::string normalise_email(std::string_view email);
/// One '@' with something on both sides, a dot in the domain, no space; 254 characters at most.
bool plausible_email(std::string_view email);

/// Where a newcomer with `email` goes. invalid_input (field "email") when the address is not
/// plausible, conflict (field "email") when it already holds an active registration,
/// invalid_input (field "capacity") when capacity < 1.
Result<Admission> admit(const std::vector<Seat>& seats, int capacity, std::string_view email);

/// The waiting registrations to confirm now, in registration order (after a cancellation or a
/// raised capacity).
std::vector<std::int64_t> promotions(const std::vector<Seat>& seats, int capacity);

/// invalid_input (field "capacity") when the capacity is under 1 or under the confirmed seats.
Status check_capacity(const std::vector<Seat>& seats, int capacity);

/// Counts of a list.
struct Counts {
  int confirmed = 0, waiting = 0, cancelled = 0;
};
Counts count(const std::vector<Seat>& seats);

/// Position (1-based) of the registration in the waiting list, 0 when it does not wait.
int waiting_position(const std::vector<Seat>& seats, std::int64_t id);

/// The "people reached" indicator of an action: what was planned and what was reached; the rate
/// in whole per cent, rounded half up (0 when nothing was planned).
struct Reach {
  int planned = 0, actual = 0, percent = 0;
};
Reach reach(int planned, int actual);

}  // namespace maillage::animation
