#include "services/audit_log.hpp"

#include <algorithm>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "services/audit_log_repository.hpp"

namespace maillage::services {
namespace {

struct Reach {
  bool all = false;                       // admin
  std::vector<std::string> departements;  // ROC
};

Result<Reach> reach_of(const Principal& who) {
  if (who.role == Role::admin) return Reach{true, {}};
  if (who.role == Role::roc) return Reach{false, who.departements};
  return fail(ErrorCode::forbidden,
              "Le journal des modifications est réservé aux administrateurs et aux référents "
              "de la CPAM.");
}

Status check(const Reach& reach, const AuditFilter& f) {
  if (!f.from.empty() && !parse_date(f.from)) {
    return fail(ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.", "du");
  }
  if (!f.to.empty() && !parse_date(f.to)) {
    return fail(ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.", "au");
  }
  if (!f.from.empty() && !f.to.empty() && f.to < f.from) {
    return fail(ErrorCode::invalid_input, "La fin de la période précède son début.", "au");
  }
  if (f.limit < 1 || f.limit > 500) {
    return fail(ErrorCode::invalid_input, "Entre 1 et 500 lignes par page.", "limite");
  }
  if (!f.entity_id.empty() && f.entity.empty()) {
    return fail(ErrorCode::invalid_input, "Un identifiant d'objet va avec un type d'objet.",
                "objet");
  }
  if (!reach.all && !f.departement.empty() &&
      std::find(reach.departements.begin(), reach.departements.end(), f.departement) ==
          reach.departements.end()) {
    return fail(ErrorCode::forbidden, "Ce département n'est pas dans votre périmètre.",
                "departement");
  }
  return {};
}

}  // namespace

Result<AuditPage> AuditLog::search(const Principal& who, const AuditFilter& filter) const {
  const Reach reach = MAILLAGE_TRY(reach_of(who));
  MAILLAGE_CHECK(check(reach, filter));
  // One row more than asked tells whether an older page exists.
  auto rows = MAILLAGE_TRY(AuditLogRepository(*db_).select(
      filter, reach.all, reach.departements, static_cast<std::size_t>(filter.limit) + 1));
  AuditPage page;
  if (rows.size() > static_cast<std::size_t>(filter.limit)) {
    rows.resize(static_cast<std::size_t>(filter.limit));
    page.next_before_id = rows.back().id;
  }
  page.rows = std::move(rows);
  return page;
}

Result<std::vector<AuditRow>> AuditLog::export_rows(const Principal& who,
                                                    AuditFilter filter) const {
  const Reach reach = MAILLAGE_TRY(reach_of(who));
  filter.limit = 500;  // not used for the export; keeps check() quiet
  MAILLAGE_CHECK(check(reach, filter));
  auto rows = MAILLAGE_TRY(AuditLogRepository(*db_).select(filter, reach.all, reach.departements,
                                                           max_export_rows + 1));
  if (rows.size() > max_export_rows) {
    return fail(ErrorCode::invalid_input,
                "Plus de 100 000 lignes : resserrez la période ou les filtres avant d'exporter.",
                "du");
  }
  return rows;
}

Result<AuditChoices> AuditLog::choices(const Principal& who) const {
  const Reach reach = MAILLAGE_TRY(reach_of(who));
  return AuditLogRepository(*db_).choices(reach.all, reach.departements);
}

}  // namespace maillage::services
