#include "store/audit_scope.hpp"

#include <array>
#include <charconv>
#include <string_view>

#include "common/try.hpp"

namespace maillage::store::detail {
namespace {

// For each entity kind that lives inside a structure or a département: the query giving that
// structure (column s) and, for records that may stand outside any structure, the département
// (column d) from the record's id ($1). Kept in step with migration 0012, which filled the rows
// written before it.
struct EntityStructure {
  std::string_view entity;
  std::string_view sql;
};

constexpr std::array kEntityStructure{
    // A structure's rows, and a rate whose id starts with its structure ("57/2026/infirmier").
    EntityStructure{"structure", "SELECT id AS s FROM structures WHERE id = $1"},
    EntityStructure{"association_rate", "SELECT id AS s FROM structures WHERE id = $1"},
    EntityStructure{"aci_contract", "SELECT structure_id AS s FROM aci_contracts WHERE id = $1"},
    EntityStructure{"association_assembly",
                    "SELECT structure_id AS s FROM association_assemblies WHERE id = $1"},
    EntityStructure{"association_group",
                    "SELECT structure_id AS s FROM association_groups WHERE id = $1"},
    EntityStructure{"association_meeting",
                    "SELECT structure_id AS s FROM association_meetings WHERE id = $1"},
    EntityStructure{"association_member",
                    "SELECT structure_id AS s FROM association_members WHERE id = $1"},
    EntityStructure{"association_time_entry",
                    "SELECT structure_id AS s FROM association_time_entries WHERE id = $1"},
    EntityStructure{"roster_campaign",
                    "SELECT structure_id AS s FROM roster_campaigns WHERE id = $1"},
    EntityStructure{"roster_slot",
                    "SELECT c.structure_id AS s FROM roster_slots t JOIN roster_campaigns c "
                    "ON c.id = t.campaign_id WHERE t.id = $1"},
    EntityStructure{"roster_member",
                    "SELECT c.structure_id AS s FROM roster_members t JOIN roster_campaigns c "
                    "ON c.id = t.campaign_id WHERE t.id = $1"},
    EntityStructure{"roster_job",
                    "SELECT c.structure_id AS s FROM roster_jobs t JOIN roster_campaigns c "
                    "ON c.id = t.campaign_id WHERE t.id = $1"},
    EntityStructure{"roster_swap",
                    "SELECT c.structure_id AS s FROM roster_swaps t JOIN roster_campaigns c "
                    "ON c.id = t.campaign_id WHERE t.id = $1"},
    EntityStructure{"dialogue_workspace",
                    "SELECT c.structure_id AS s FROM dialogue_workspaces w JOIN aci_contracts c "
                    "ON c.id = w.contract_id WHERE w.id = $1"},
    EntityStructure{"dialogue_fiche",
                    "SELECT c.structure_id AS s FROM dialogue_fiches f JOIN dialogue_workspaces w "
                    "ON w.id = f.workspace_id JOIN aci_contracts c ON c.id = w.contract_id "
                    "WHERE f.id = $1"},
    EntityStructure{"survey", "SELECT structure_id AS s FROM surveys WHERE id = $1"},
    EntityStructure{"survey_recipient",
                    "SELECT v.structure_id AS s FROM survey_recipients r JOIN surveys v "
                    "ON v.id = r.survey_id WHERE r.id = $1"},
    EntityStructure{"newsletter", "SELECT structure_id AS s FROM newsletters WHERE id = $1"},
    EntityStructure{"newsletter_delivery",
                    "SELECT n.structure_id AS s FROM newsletter_deliveries d JOIN newsletters n "
                    "ON n.id = d.newsletter_id WHERE d.id = $1"},
    // Animation territoriale: partners belong to a département, actions to a structure or a
    // département, events to their action.
    EntityStructure{"partner", "SELECT NULL AS s, departement AS d FROM partners WHERE id = $1"},
    EntityStructure{"animation_action",
                    "SELECT structure_id AS s, departement AS d FROM animation_actions "
                    "WHERE id = $1"},
    EntityStructure{"animation_event",
                    "SELECT a.structure_id AS s, a.departement AS d FROM animation_events e "
                    "JOIN animation_actions a ON a.id = e.action_id WHERE e.id = $1"},
};

// The leading integer of an entity id ("57" -> 57, "57/2026/infirmier" -> 57), 0 when none.
std::int64_t leading_id(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end == text.data()) return 0;
  return value > 0 ? value : 0;
}

// The structure (0: none) and département ("" : none) an entity's query gives.
Result<AuditScope> entity_scope(Tx& tx, std::string_view sql, std::int64_t id) {
  auto rows = MAILLAGE_TRY(tx.query(sql, {id}));
  AuditScope out;
  if (rows.empty()) return out;
  const store::Row& r = rows.rows[0];
  if (!r.is_null(0)) out.structure_id = r.integer(0);
  if (rows.columns.size() > 1) out.departement = r.text(1);
  return out;
}

}  // namespace

Result<AuditScope> audit_scope(Tx& tx, const AuditEntry& entry) {
  AuditScope scope{entry.structure_id, entry.departement};
  const std::int64_t id = leading_id(entry.entity_id);
  if (scope.structure_id == 0 && id > 0) {
    for (const auto& e : kEntityStructure) {
      if (e.entity == entry.entity) {
        auto found = MAILLAGE_TRY(entity_scope(tx, e.sql, id));
        scope.structure_id = found.structure_id;
        if (scope.departement.empty()) scope.departement = found.departement;
        break;
      }
    }
  }
  if (scope.departement.empty()) {
    if (scope.structure_id != 0) {
      auto rows = MAILLAGE_TRY(
          tx.query("SELECT departement FROM structures WHERE id = $1", {scope.structure_id}));
      if (!rows.empty()) scope.departement = rows.rows[0].text(0);
    } else if (entry.entity == "sector_plan" && id > 0) {
      auto rows =
          MAILLAGE_TRY(tx.query("SELECT departement FROM sector_plans WHERE id = $1", {id}));
      if (!rows.empty()) scope.departement = rows.rows[0].text(0);
    }
  }
  return scope;
}

}  // namespace maillage::store::detail
