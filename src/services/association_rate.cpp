// Membership rate against the territory: per profession, the association's active members over
// the professionals practising in the structure's communes in the latest RPPS snapshot, counted
// by the territorial diagnostic itself (services/diagnostic.hpp, so both pages give the same
// figures), and the recruitment list of the professionals present whose RPPS id no member has.
//
// The diagnostic splits physicians into généralistes and others by savoir-faire, which a member
// record does not hold: here both are one row, "médecins".
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/try.hpp"
#include "diagnostic/professions.hpp"
#include "services/association.hpp"
#include "services/association_internal.hpp"
#include "services/association_repository.hpp"
#include "services/diagnostic.hpp"

namespace maillage::services {

namespace {

constexpr std::string_view kPhysicians = "medecin";

// The row of a diagnostic profession key ("medecin_generaliste" and "medecin_autre" together).
std::string row_key(std::string_view diagnostic_key) {
  if (diagnostic_key == diagnostic::kGeneralPractitioner || diagnostic_key == "medecin_autre") {
    return std::string(kPhysicians);
  }
  return std::string(diagnostic_key);
}

}  // namespace

Result<MembershipRate> Association::membership_rate(const Principal& who,
                                                    std::int64_t structure_id) {
  MembershipRate out;
  out.statuts = MAILLAGE_TRY(statuts(who, structure_id));
  if (diagnostics_ == nullptr || !source_) {
    return fail(ErrorCode::unavailable, "Le diagnostic territorial n'est pas disponible ici.");
  }
  DiagnosticSelection selection;
  selection.structure = structure_id;
  auto report = diagnostics_->diagnose(who, selection);
  if (!report) {
    Error e = report.error();
    if (e.code == ErrorCode::invalid_input) {
      e.message =
          "Le territoire de la structure ne contient encore aucune commune : saisissez-le "
          "pour calculer le taux d'adhésion.";
    }
    return tl::unexpected(std::move(e));
  }
  if (!report->snapshot) {
    return fail(ErrorCode::not_found,
                "Aucun extrait RPPS n'a été importé : le nombre de professionnels du territoire "
                "est inconnu.");
  }
  out.snapshot_date = report->snapshot->extract_date;
  out.snapshot_source = report->snapshot->source;
  out.communes = report->commune_codes.size();

  std::map<std::string, std::size_t> index;
  for (const auto& p : report->result.professions) {
    const std::string key = row_key(p.key);
    auto it = index.find(key);
    if (it == index.end()) {
      index[key] = out.rows.size();
      out.rows.push_back({key, key == kPhysicians ? "Médecins (généralistes et autres)" : p.label,
                          0, 0, std::nullopt});
      it = index.find(key);
    }
    out.rows[it->second].professionals += p.territory.count;
  }

  const AssociationRepository repo(*db_);
  const auto members = MAILLAGE_TRY(repo.members(structure_id));
  std::set<std::string> member_rpps;
  for (const auto& m : members) {
    if (!m.data.rpps.empty()) member_rpps.insert(m.data.rpps);
    if (m.data.kind != "person" || !m.data.radiated.empty()) continue;
    const std::string key = row_key(diagnostic::profession_key(m.data.profession, ""));
    auto it = index.find(key);
    if (key.empty() || it == index.end()) {
      ++out.members_elsewhere;
      continue;
    }
    ++out.rows[it->second].members;
  }
  out.total = {"total", "Ensemble", 0, 0, std::nullopt};
  for (auto& r : out.rows) {
    if (r.professionals > 0) r.rate = static_cast<double>(r.members) / r.professionals;
    out.total.members += r.members;
    out.total.professionals += r.professionals;
  }
  if (out.total.professionals > 0) {
    out.total.rate = static_cast<double>(out.total.members) / out.total.professionals;
  }

  out.recruits_visible = out.statuts.access == AssociationAccess::manage;
  if (!out.recruits_visible) return out;
  const auto people = MAILLAGE_TRY(source_->people(report->snapshot->id, report->commune_codes));
  std::set<std::string> seen;
  for (const auto& p : people) {
    if (p.person.profession.empty() || member_rpps.count(p.person.id) ||
        !seen.insert(p.person.id).second) {
      continue;
    }
    RecruitRow r;
    r.rpps = p.person.id;
    r.profession = row_key(p.person.profession);
    auto it = index.find(r.profession);
    r.profession_label = it == index.end() ? r.profession : out.rows[it->second].label;
    r.commune = p.commune;
    if (const auto* c = ref_->commune(p.commune)) r.commune_name = c->nom;
    out.recruits.push_back(std::move(r));
  }
  std::sort(out.recruits.begin(), out.recruits.end(), [](const RecruitRow& a, const RecruitRow& b) {
    return std::tie(a.profession_label, a.commune_name, a.rpps) <
           std::tie(b.profession_label, b.commune_name, b.rpps);
  });
  return out;
}

}  // namespace maillage::services
