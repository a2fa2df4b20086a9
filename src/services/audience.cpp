// The audiences of surveys and messages (audience.hpp).
#include "services/audience.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "common/try.hpp"
#include "services/association.hpp"
#include "services/association_internal.hpp"
#include "services/association_repository.hpp"
#include "services/diagnostic.hpp"
#include "services/diagnostic_repository.hpp"
#include "services/mail.hpp"

namespace maillage::services {

namespace {

constexpr std::size_t kMaxPastedLines = 5000;

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return s;
}

}  // namespace

Result<Audience> build_audience(store::Database& db, SupplySource* source,
                                std::int64_t structure_id, const AudienceInput& in) {
  if (!in.members && !in.rpps && trim(in.pasted).empty()) {
    return fail(ErrorCode::missing_field,
                "Choisissez au moins un public : les membres, les professionnels du territoire "
                "ou une liste d'adresses.",
                "audience");
  }
  for (const auto& p : in.professions) {
    if (association_label(association_professions(), p) == p) {
      return fail(ErrorCode::invalid_input, fmt::format("Profession inconnue : {}.", p),
                  "professions");
    }
  }

  Audience report;
  std::set<std::string> seen;
  auto add = [&](AudiencePerson p) {
    p.email = lower(trim(p.email));
    if (!seen.insert(p.email).second) return;
    report.people.push_back(std::move(p));
  };
  const std::set<std::string> professions(in.professions.begin(), in.professions.end());
  auto profession_ok = [&](const MemberRow& m) {
    return professions.empty() || professions.count(m.data.profession) > 0;
  };
  std::vector<MemberRow> members;
  if (in.members || in.rpps) {
    const AssociationRepository arepo(db);
    members = MAILLAGE_TRY(arepo.members(structure_id));
  }
  if (in.members) {
    for (const auto& m : members) {
      if (!m.data.radiated.empty() || !profession_ok(m)) continue;
      if (m.data.email.empty() || !plausible_address(m.data.email)) {
        ++report.without_email;
        continue;
      }
      add({m.data.email, assoc::display_name(m.data), "membre", m.id});
    }
  }
  if (in.rpps) {
    if (source == nullptr) {
      return fail(ErrorCode::unavailable, "Les extraits RPPS ne sont pas disponibles ici.", "rpps");
    }
    DiagnosticRepository drepo(db);
    const auto communes = MAILLAGE_TRY(drepo.territory(structure_id));
    if (communes.empty()) {
      return fail(ErrorCode::invalid_input,
                  "Le territoire de la structure ne contient encore aucune commune : saisissez-le "
                  "pour joindre ses professionnels.",
                  "rpps");
    }
    const auto snapshots = MAILLAGE_TRY(source->latest(1));
    if (snapshots.empty()) {
      return fail(ErrorCode::not_found,
                  "Aucun extrait RPPS n'a été importé : les professionnels du territoire sont "
                  "inconnus.",
                  "rpps");
    }
    std::set<std::string> present;
    for (const auto& p : MAILLAGE_TRY(source->people(snapshots[0].id, communes))) {
      present.insert(p.person.id);
    }
    report.rpps_professionals = static_cast<int>(present.size());
    std::set<std::string> reached;
    for (const auto& m : members) {
      if (m.data.rpps.empty() || !present.count(m.data.rpps) || !m.data.radiated.empty() ||
          !profession_ok(m)) {
        continue;
      }
      if (m.data.email.empty() || !plausible_address(m.data.email)) continue;
      reached.insert(m.data.rpps);
      add({m.data.email, assoc::display_name(m.data), "rpps", m.id});
    }
    report.without_email += static_cast<int>(present.size() - reached.size());
  }
  if (!trim(in.pasted).empty()) {
    std::size_t line_no = 0, start = 0, given = 0;
    const std::string& text = in.pasted;
    while (start <= text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string::npos) end = text.size();
      const std::string line = trim(text.substr(start, end - start));
      start = end + 1;
      ++line_no;
      if (line.empty()) continue;
      if (++given > kMaxPastedLines) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("Au plus {} adresses par envoi.", kMaxPastedLines), "pasted");
      }
      if (!plausible_address(line)) {
        report.refused_lines.push_back(
            {fmt::format("ligne {}", line_no),
             fmt::format("« {} » n'est pas une adresse e-mail.", line.substr(0, 100))});
        continue;
      }
      add({line, "", "liste", 0});
    }
  }

  return report;
}

}  // namespace maillage::services
