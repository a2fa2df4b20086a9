// The diagnostic's supply from the RPPS snapshots (services/rpps.hpp). Only office-based care is
// counted (rpps::is_ambulatory: libéral, centres de santé, practices), the field of the APL and
// of a CPTS; hospital and other salaried activities are left out of every figure, in the
// territory and in the département / région / France comparisons alike.
#include <string>

#include "common/try.hpp"
#include "diagnostic/professions.hpp"
#include "services/diagnostic.hpp"
#include "services/rpps.hpp"

namespace maillage::services {

namespace {

std::string key_of(const std::string& profession, const std::string& savoir_faire,
                   bool general_practitioner) {
  if (general_practitioner) return std::string(diagnostic::kGeneralPractitioner);
  return std::string(diagnostic::profession_key(profession, savoir_faire));
}

class RppsSupplySource final : public SupplySource {
 public:
  explicit RppsSupplySource(store::Database& db) : db_(db) {}

  Result<std::vector<SnapshotRef>> latest(int count) override {
    auto snaps = MAILLAGE_TRY(latest_rpps_snapshots(db_, count));
    std::vector<SnapshotRef> out;
    for (const auto& s : snaps) out.push_back({s.id, s.date(), s.imported_at, s.source_file});
    return out;
  }

  Result<std::vector<CommuneSupplyRow>> commune_supply(std::int64_t snapshot) override {
    auto counts = MAILLAGE_TRY(rpps_counts_by_commune(db_, snapshot));
    std::vector<CommuneSupplyRow> out;
    out.reserve(counts.size());
    for (const auto& c : counts) {
      if (!c.ambulatory) continue;
      std::string key = key_of(c.profession, c.savoir_faire, c.general_practitioner);
      if (key.empty()) continue;
      // The open extract has no birth date: the age of professionals stays unknown.
      out.push_back({c.commune, std::move(key),
                     diagnostic::Supply{static_cast<double>(c.activities), c.fte, 0, 0}});
    }
    return out;
  }

  Result<std::vector<PersonRow>> people(std::int64_t snapshot,
                                        const std::vector<std::string>& communes) override {
    auto presence = MAILLAGE_TRY(rpps_presence(db_, snapshot, communes));
    std::vector<PersonRow> out;
    out.reserve(presence.size());
    for (const auto& p : presence) {
      if (!p.ambulatory) continue;
      std::string key = key_of(p.profession, p.savoir_faire, p.general_practitioner);
      if (key.empty()) continue;
      out.push_back({p.commune, diagnostic::Person{p.rpps, std::move(key)}});
    }
    return out;
  }

 private:
  store::Database& db_;
};

}  // namespace

std::shared_ptr<SupplySource> rpps_supply_source(store::Database& db) {
  return std::make_shared<RppsSupplySource>(db);
}

}  // namespace maillage::services
