// libFuzzer target for src/animation: the input is read as a script of operations on one event
// (a capacity, registrations by e-mail, cancellations, capacity changes) applied the way the
// service applies them; after each step the invariants must hold: never more confirmed seats
// than the capacity, nobody waiting while a seat is free, at most one active registration per
// e-mail. The SIREN and FINESS normalisers must accept their own output.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "animation/identifiers.hpp"
#include "animation/registration.hpp"

using namespace maillage::animation;

namespace {

void check(const std::vector<Seat>& seats, int capacity) {
  const Counts c = count(seats);
  if (c.confirmed > capacity) __builtin_trap();
  if (c.waiting > 0 && c.confirmed < capacity) __builtin_trap();
  std::set<std::string> active;
  for (const auto& s : seats) {
    if (s.place != Place::cancelled && !active.insert(s.email).second) __builtin_trap();
  }
}

void promote(std::vector<Seat>& seats, int capacity) {
  for (auto id : promotions(seats, capacity)) {
    for (auto& s : seats) {
      if (s.id == id) {
        if (s.place != Place::waiting) __builtin_trap();
        s.place = Place::confirmed;
      }
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto s = normalise_siren(text); s && normalise_siren(*s) != s) __builtin_trap();
  if (auto f = normalise_finess(text); f && normalise_finess(*f) != f) __builtin_trap();
  (void)plausible_email(normalise_email(text));
  if (size < 1) return 0;
  int capacity = 1 + data[0] % 8;
  std::vector<Seat> seats;
  for (std::size_t i = 1; i + 1 < size && seats.size() < 200; i += 2) {
    const std::uint8_t op = data[i] % 4, arg = data[i + 1];
    if (op <= 1) {  // register e-mail number arg % 16
      const std::string email = "p" + std::to_string(arg % 16) + "@exemple.fr";
      auto a = admit(seats, capacity, email);
      if (a) seats.push_back({static_cast<std::int64_t>(seats.size() + 1), email, a->place});
    } else if (op == 2 && !seats.empty()) {  // cancel
      auto& s = seats[arg % seats.size()];
      if (s.place != Place::cancelled) {
        s.place = Place::cancelled;
        promote(seats, capacity);
      }
    } else if (op == 3) {  // capacity change, refused under the confirmed seats
      const int wanted = 1 + arg % 8;
      if (check_capacity(seats, wanted)) {
        capacity = wanted;
        promote(seats, capacity);
      } else if (wanted >= count(seats).confirmed) {
        __builtin_trap();
      }
    }
    check(seats, capacity);
  }
  return 0;
}
