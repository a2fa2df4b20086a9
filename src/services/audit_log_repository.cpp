#include "services/audit_log_repository.hpp"

#include <fmt/format.h>

#include <utility>

#include "common/try.hpp"
#include "store/database.hpp"

namespace maillage::services {
namespace {

using store::NamedRow;
using store::Params;
using store::Value;

// Escapes LIKE's wildcards so that a login typed with "_" matches itself.
std::string like_literal(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// WHERE clauses and their parameters, numbered as they are added.
struct Where {
  std::string sql;
  Params params;
  // The value is built in place: moving a whole Value here makes GCC 12's optimiser warn that a
  // string inside the variant "may be used uninitialized" (a false positive that fails -Werror).
  template <class T>
  std::string next(T&& v) {
    params.emplace_back(std::forward<T>(v));
    return fmt::format("${}", params.size());
  }
  void add(const std::string& clause) { sql += (sql.empty() ? " WHERE " : " AND ") + clause; }
};

Where where_of(const AuditFilter& f, bool all_departements,
               const std::vector<std::string>& departements) {
  Where w;
  if (!all_departements) {
    if (departements.empty()) {
      w.add("1 = 0");
    } else {
      std::string in;
      for (const auto& d : departements) in += (in.empty() ? "" : ", ") + w.next(d);
      w.add("a.departement IN (" + in + ")");
    }
  }
  if (!f.user.empty()) {
    w.add("a.user_login LIKE " + w.next("%" + like_literal(f.user) + "%") + " ESCAPE '\\'");
  }
  if (!f.entity.empty()) {
    w.add("a.entity = " + w.next(f.entity));
    if (!f.entity_id.empty()) w.add("a.entity_id = " + w.next(f.entity_id));
  }
  if (!f.action.empty()) {
    const std::string exact = w.next(f.action);
    const std::string prefix = w.next(like_literal(f.action) + ".%");
    w.add(fmt::format("(a.action = {} OR a.action LIKE {} ESCAPE '\\')", exact, prefix));
  }
  if (f.structure_id != 0) w.add("a.structure_id = " + w.next(f.structure_id));
  if (!f.departement.empty()) w.add("a.departement = " + w.next(f.departement));
  // Timestamps are fixed-width UTC text: "to" includes its whole day.
  if (!f.from.empty()) w.add("a.at >= " + w.next(f.from));
  if (!f.to.empty()) w.add("a.at < " + w.next(f.to + "T99"));
  if (f.before_id != 0) w.add("a.id < " + w.next(f.before_id));
  return w;
}

}  // namespace

Result<std::vector<AuditRow>> AuditLogRepository::select(
    const AuditFilter& filter, bool all_departements,
    const std::vector<std::string>& departements, std::size_t limit) const {
  Where w = where_of(filter, all_departements, departements);
  const std::string sql = fmt::format(
      "SELECT a.id AS id, a.at AS at, a.user_login AS user_login, a.action AS action, "
      "a.entity AS entity, a.entity_id AS entity_id, a.before AS before, a.after AS after, "
      "a.structure_id AS structure_id, a.departement AS departement, s.name AS structure_name "
      "FROM audit_log a LEFT JOIN structures s ON s.id = a.structure_id{} "
      "ORDER BY a.id DESC LIMIT {}",
      w.sql, limit);
  auto rows = MAILLAGE_TRY(db_->query(sql, w.params));
  std::vector<AuditRow> out;
  out.reserve(rows.size());
  for (NamedRow r : rows.each()) {
    AuditRow row;
    row.id = r.integer("id");
    row.at = r.text("at");
    row.user = r.text("user_login");
    row.action = r.text("action");
    row.entity = r.text("entity");
    row.entity_id = r.text("entity_id");
    row.before = r.text("before");
    row.after = r.text("after");
    row.structure_id = r.integer("structure_id");
    row.departement = r.text("departement");
    row.structure_name = r.text("structure_name");
    out.push_back(std::move(row));
  }
  return out;
}

Result<AuditChoices> AuditLogRepository::choices(
    bool all_departements, const std::vector<std::string>& departements) const {
  AuditChoices out;
  const Where w = where_of(AuditFilter{}, all_departements, departements);
  auto entities = MAILLAGE_TRY(db_->query(
      "SELECT DISTINCT a.entity AS v FROM audit_log a" + w.sql + " ORDER BY v", w.params));
  for (NamedRow r : entities.each()) out.entities.push_back(r.text("v"));
  auto actions = MAILLAGE_TRY(db_->query(
      "SELECT DISTINCT a.action AS v FROM audit_log a" + w.sql + " ORDER BY v", w.params));
  for (NamedRow r : actions.each()) out.actions.push_back(r.text("v"));
  return out;
}

}  // namespace maillage::services
