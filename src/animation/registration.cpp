#include "animation/registration.hpp"

#include <fmt/format.h>

#include <optional>

namespace maillage::animation {

std::string_view place_id(Place p) {
  switch (p) {
    case Place::confirmed:
      return "inscrit";
    case Place::waiting:
      return "attente";
    case Place::cancelled:
      return "annule";
  }
  return "inscrit";
}

std::optional<Place> place_from_id(std::string_view id) {
  if (id == "inscrit") return Place::confirmed;
  if (id == "attente") return Place::waiting;
  if (id == "annule") return Place::cancelled;
  return std::nullopt;
}

std::string normalise_email(std::string_view email) {
  const auto a = email.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return "";
  const auto b = email.find_last_not_of(" \t\r\n");
  std::string out(email.substr(a, b - a + 1));
  for (auto& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

bool plausible_email(std::string_view e) {
  if (e.empty() || e.size() > 254) return false;
  const auto at = e.find('@');
  if (at == std::string_view::npos || at == 0 || e.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  const auto domain = e.substr(at + 1);
  const auto dot = domain.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == domain.size()) return false;
  for (char c : e) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '<' || c == '>' || c == ',' ||
        c == ';') {
      return false;
    }
  }
  return true;
}

Counts count(const std::vector<Seat>& seats) {
  Counts c;
  for (const auto& s : seats) {
    if (s.place == Place::confirmed) ++c.confirmed;
    if (s.place == Place::waiting) ++c.waiting;
    if (s.place == Place::cancelled) ++c.cancelled;
  }
  return c;
}

Result<Admission> admit(const std::vector<Seat>& seats, int capacity, std::string_view email) {
  if (capacity < 1) {
    return fail(ErrorCode::invalid_input, "La capacité doit être d'au moins une place.",
                "capacity");
  }
  const std::string e = normalise_email(email);
  if (!plausible_email(e)) {
    return fail(ErrorCode::invalid_input, "Adresse électronique invalide.", "email");
  }
  for (const auto& s : seats) {
    if (s.place != Place::cancelled && s.email == e) {
      return fail(ErrorCode::conflict,
                  s.place == Place::confirmed
                      ? "Cette adresse est déjà inscrite à cet événement."
                      : "Cette adresse est déjà sur la liste d'attente de cet événement.",
                  "email");
    }
  }
  const Counts c = count(seats);
  Admission a;
  if (c.confirmed < capacity && c.waiting == 0) {
    a.place = Place::confirmed;
  } else {
    a.place = Place::waiting;
    a.waiting_position = c.waiting + 1;
  }
  return a;
}

std::vector<std::int64_t> promotions(const std::vector<Seat>& seats, int capacity) {
  std::vector<std::int64_t> out;
  int free = capacity - count(seats).confirmed;
  for (const auto& s : seats) {
    if (free <= 0) break;
    if (s.place != Place::waiting) continue;
    out.push_back(s.id);
    --free;
  }
  return out;
}

Status check_capacity(const std::vector<Seat>& seats, int capacity) {
  if (capacity < 1) {
    return fail(ErrorCode::invalid_input, "La capacité doit être d'au moins une place.",
                "capacity");
  }
  const int confirmed = count(seats).confirmed;
  if (capacity < confirmed) {
    return fail(ErrorCode::invalid_input,
                fmt::format("{} personnes ont déjà une place confirmée : la capacité ne peut pas "
                            "descendre en dessous.",
                            confirmed),
                "capacity");
  }
  return {};
}

int waiting_position(const std::vector<Seat>& seats, std::int64_t id) {
  int n = 0;
  for (const auto& s : seats) {
    if (s.place != Place::waiting) continue;
    ++n;
    if (s.id == id) return n;
  }
  return 0;
}

Reach reach(int planned, int actual) {
  Reach r{planned, actual, 0};
  if (planned > 0) r.percent = (actual * 200 + planned) / (planned * 2);
  return r;
}

}  // namespace maillage::animation
