#include "association/statuts.hpp"

#include <set>

#include "common/try.hpp"

namespace maillage::association {
namespace {

tl::unexpected<Error> bad(std::string field, std::string message) {
  return fail(ErrorCode::invalid_input, "statuts : " + std::move(message), std::move(field));
}

std::string at(std::string_view list, std::size_t i) {
  return std::string(list) + "[" + std::to_string(i) + "]";
}

Status check_quorum(const Quorum& q, const std::string& field, std::string_view label) {
  if (q.scope == Quorum::Scope::none) return {};
  if (q.minimum <= Ratio(0) || q.minimum > Ratio(1)) {
    return bad(field + ".minimum", "le quorum " + std::string(label) + " (" +
                                       q.minimum.to_string() +
                                       ") doit être une fraction entre 0 (exclu) et 1");
  }
  return {};
}

}  // namespace

const College* Statuts::find_college(std::string_view id) const {
  for (const auto& c : colleges) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

const ResolutionKind* Statuts::find_kind(std::string_view id) const {
  for (const auto& k : resolution_kinds) {
    if (k.id == id) return &k;
  }
  return nullptr;
}

Status validate_statuts(const Statuts& s) {
  if (s.colleges.empty()) return bad("colleges", "au moins un collège est nécessaire");
  std::set<std::string_view> ids;
  std::optional<Ratio> total = Ratio(0);
  for (std::size_t i = 0; i < s.colleges.size(); ++i) {
    const auto& c = s.colleges[i];
    if (c.id.empty()) return bad(at("colleges", i) + ".id", "identifiant de collège vide");
    if (c.name.empty())
      return bad(at("colleges", i) + ".name", "le collège « " + c.id + " » n'a pas de nom");
    if (!ids.insert(c.id).second) {
      return bad(at("colleges", i) + ".id", "le collège « " + c.id + " » est déclaré deux fois");
    }
    if (s.weight_mode == WeightMode::fixed_share) {
      if (c.share <= Ratio(0)) {
        return bad(at("colleges", i) + ".share",
                   "le poids du collège « " + c.name + " » doit être positif");
      }
      total = Ratio::add(*total, c.share);
      if (!total) return bad(at("colleges", i) + ".share", "poids hors limites");
    }
  }
  if (s.weight_mode == WeightMode::fixed_share && !(*total == Ratio(1))) {
    return bad("colleges",
               "les poids des collèges totalisent " + total->to_string() + " au lieu de 1 (100 %)");
  }
  std::set<std::string_view> professions, kinds;
  for (std::size_t i = 0; i < s.placement.size(); ++i) {
    const auto& r = s.placement[i];
    if (s.find_college(r.college) == nullptr) {
      return bad(at("placement", i) + ".college", "collège « " + r.college + " » inconnu");
    }
    for (const auto& p : r.professions) {
      if (p.empty()) return bad(at("placement", i) + ".professions", "code profession vide");
      if (!professions.insert(p).second) {
        return bad(at("placement", i) + ".professions",
                   "la profession « " + p + " » est placée dans deux collèges");
      }
    }
    for (const auto& k : r.legal_kinds) {
      if (k.empty())
        return bad(at("placement", i) + ".legal_kinds", "type de personne morale vide");
      if (!kinds.insert(k).second) {
        return bad(at("placement", i) + ".legal_kinds",
                   "le type de personne morale « " + k + " » est placé dans deux collèges");
      }
    }
  }
  if (s.default_college && s.find_college(*s.default_college) == nullptr) {
    return bad("default_college", "collège par défaut « " + *s.default_college + " » inconnu");
  }
  if (s.convocation_days < 0 || s.convocation_days > 366) {
    return bad("convocation_days", "le délai de convocation (" +
                                       std::to_string(s.convocation_days) +
                                       " jours) doit être entre 0 et 366 jours");
  }
  for (const auto* q : {&s.first_quorum, &s.second_quorum}) {
    if (q->scope == Quorum::Scope::weighted && s.weight_mode != WeightMode::fixed_share) {
      return bad(q == &s.first_quorum ? "first_quorum.scope" : "second_quorum.scope",
                 "un quorum en voix pondérées suppose des collèges à poids fixe");
    }
  }
  MAILLAGE_CHECK(check_quorum(s.first_quorum, "first_quorum", "de première convocation"));
  MAILLAGE_CHECK(check_quorum(s.second_quorum, "second_quorum", "de seconde convocation"));
  std::set<std::string_view> kind_ids;
  for (std::size_t i = 0; i < s.resolution_kinds.size(); ++i) {
    const auto& k = s.resolution_kinds[i];
    if (k.id.empty())
      return bad(at("resolution_kinds", i) + ".id", "type de résolution sans identifiant");
    if (!kind_ids.insert(k.id).second) {
      return bad(at("resolution_kinds", i) + ".id",
                 "le type de résolution « " + k.id + " » est déclaré deux fois");
    }
  }
  if (s.find_kind("ordinaire") == nullptr) {
    return bad("resolution_kinds", "le type de résolution « ordinaire » est nécessaire");
  }
  if (s.proxies.max_per_holder < 0 || s.proxies.max_per_holder > 100) {
    return bad("proxies.max_per_holder", "le nombre de pouvoirs par mandataire (" +
                                             std::to_string(s.proxies.max_per_holder) +
                                             ") doit être entre 0 et 100");
  }
  return {};
}

Result<std::string> place_member(const Statuts& s, MemberKind kind, std::string_view code) {
  for (const auto& r : s.placement) {
    const auto& list = kind == MemberKind::person ? r.professions : r.legal_kinds;
    for (const auto& x : list) {
      if (x == code) return r.college;
    }
  }
  if (s.default_college) return *s.default_college;
  if (kind == MemberKind::person) {
    return fail(ErrorCode::not_found,
                "aucun collège des statuts n'accueille la profession « " + std::string(code) + " »",
                "profession");
  }
  return fail(ErrorCode::not_found,
              "aucun collège des statuts n'accueille les personnes morales de type « " +
                  std::string(code) + " »",
              "legal_kind");
}

Date convocation_deadline(const Statuts& s, Date assembly) {
  return add_days(assembly, -static_cast<std::int64_t>(s.convocation_days));
}

Status check_convocation(const Statuts& s, Date sent, Date assembly) {
  const Date deadline = convocation_deadline(s, assembly);
  if (days_between(deadline, sent) > 0) {
    return fail(ErrorCode::invalid_input,
                "convocation envoyée le " + format_date_fr(sent) + " : les statuts exigent " +
                    std::to_string(s.convocation_days) +
                    " jours, elle devait partir au plus tard le " + format_date_fr(deadline) +
                    " pour l'assemblée du " + format_date_fr(assembly),
                "convocation_date");
  }
  return {};
}

std::string_view majority_label(Majority m) {
  switch (m) {
    case Majority::simple:
      return "majorité simple des suffrages exprimés";
    case Majority::two_thirds:
      return "majorité des deux tiers des suffrages exprimés";
    case Majority::absolute:
      return "majorité absolue des membres présents ou représentés";
  }
  return "";
}

}  // namespace maillage::association
