#include "services/diagnostic_repository.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {

namespace {

// IN lists are sent in chunks so that a large territory stays within the backends' limits on
// bound parameters (SQLite's default is 32 766, PostgreSQL's 65 535; a chunk is far below).
constexpr std::size_t kInChunk = 500;

DiagnosticStructureRow structure_of(const store::NamedRow& r, bool with_stage) {
  return DiagnosticStructureRow{r.integer("id"), r.text("kind"), r.text("name"),
                                with_stage ? r.text("stage") : std::string(),
                                r.text("departement")};
}

}  // namespace

Result<std::vector<DiagnosticStructureRow>> DiagnosticRepository::structures_with_territory() {
  auto rows = MAILLAGE_TRY(db_.query(
      "SELECT s.id AS id, s.kind AS kind, s.name AS name, s.departement AS departement FROM "
      "structures s WHERE EXISTS (SELECT 1 FROM structure_communes c WHERE c.structure_id = "
      "s.id) ORDER BY s.name, s.id"));
  std::vector<DiagnosticStructureRow> out;
  for (store::NamedRow r : rows.each()) out.push_back(structure_of(r, false));
  return out;
}

Result<std::optional<DiagnosticStructureRow>> DiagnosticRepository::structure(std::int64_t id) {
  auto rows = MAILLAGE_TRY(
      db_.query("SELECT id, kind, name, departement FROM structures WHERE id = $1", {id}));
  if (rows.empty()) return std::optional<DiagnosticStructureRow>{};
  return std::optional<DiagnosticStructureRow>{structure_of(rows.named(0), false)};
}

Result<std::vector<std::string>> DiagnosticRepository::territory(std::int64_t structure_id) {
  auto rows = MAILLAGE_TRY(
      db_.query("SELECT commune FROM structure_communes WHERE structure_id = $1 ORDER BY commune",
                {structure_id}));
  std::vector<std::string> out;
  for (store::NamedRow r : rows.each()) out.push_back(r.text("commune"));
  return out;
}

Result<std::vector<DiagnosticStructureRow>> DiagnosticRepository::structures_meeting(
    const std::vector<std::string>& communes) {
  std::vector<DiagnosticStructureRow> out;
  for (std::size_t from = 0; from < communes.size(); from += kInChunk) {
    const std::size_t count = std::min(kInChunk, communes.size() - from);
    store::Params params(communes.begin() + static_cast<std::ptrdiff_t>(from),
                         communes.begin() + static_cast<std::ptrdiff_t>(from + count));
    const std::string in_list = store::placeholders(1, count);
    auto rows = MAILLAGE_TRY(db_.query(
        fmt::format("SELECT s.id AS id, s.kind AS kind, s.name AS name, s.stage AS stage, "
                    "s.departement AS departement FROM active_structures s WHERE s.commune IN ({0}) OR "
                    "EXISTS (SELECT 1 FROM structure_communes c WHERE c.structure_id = s.id AND "
                    "c.commune IN ({0}))",
                    in_list),
        params));
    for (store::NamedRow r : rows.each()) out.push_back(structure_of(r, true));
  }
  return out;
}

}  // namespace maillage::services
