#include "services/referents.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "services/referents_repository.hpp"
#include "services/sectors_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::AuditDetail;
using store::Tx;

const std::vector<ReferentFunction>& referent_functions() {
  static const std::vector<ReferentFunction> f{
      {"roc", "ROC (référent des structures d'exercice coordonné)"},
      {"delegue", "Délégué(e) de l'Assurance Maladie"},
      {"praticien_conseil", "Praticien-conseil"},
      {"contact_ars", "Contact ARS"},
  };
  return f;
}

namespace {

std::string function_label(const std::string& id) {
  for (const auto& f : referent_functions()) {
    if (f.id == id) return f.label;
  }
  return id;
}

ReferentAssignment assignment_of(const ReferentRow& r) {
  ReferentAssignment a;
  a.user_id = r.user_id;
  a.login = r.login;
  a.display_name = r.display_name;
  a.role = r.role;
  a.fonction = r.fonction;
  a.fonction_label = function_label(r.fonction);
  a.area_kind = r.area_kind;
  a.code = r.code;
  a.since = r.since;
  a.created_by = r.created_by;
  a.until = r.until;
  a.ended_by = r.ended_by;
  return a;
}

}  // namespace

Status Referents::require(const Principal& who, const std::string& departement, bool edit) const {
  const geo::Departement* d = ref_->departement(departement);
  if (d == nullptr) {
    return fail(ErrorCode::not_found, fmt::format("Le département {} n'existe pas.", departement),
                "departement");
  }
  auto region_of = [this](std::string_view code) {
    const auto* x = ref_->departement(code);
    return x ? x->region : std::string();
  };
  if (!covers_departement(who, departement, region_of)) {
    return fail(ErrorCode::forbidden, "Ce département n'est pas dans votre périmètre.");
  }
  if (edit) {
    const bool roc_here =
        who.role == Role::roc && std::find(who.departements.begin(), who.departements.end(),
                                           departement) != who.departements.end();
    if (who.role != Role::admin && !roc_here) {
      return fail(ErrorCode::forbidden,
                  "Seuls les ROC du département et les administrateurs désignent les référents.");
    }
  }
  return {};
}

Result<std::string> Referents::area_label(const std::string& departement, const std::string& kind,
                                          const std::string& code) const {
  auto outside = [&](const std::string& what) {
    return fail(ErrorCode::invalid_input,
                fmt::format("{} n'est pas dans le département {}.", what, departement), "code");
  };
  if (kind == "departement") {
    if (code != departement) return outside("Ce département");
    return "département " + ref_->departement(departement)->nom;
  }
  if (kind == "commune") {
    const geo::Commune* c = ref_->commune(code);
    if (c == nullptr || c->departement != departement) return outside("La commune " + code);
    return "commune " + c->nom;
  }
  if (kind == "epci") {
    const geo::Epci* e = ref_->epci(code);
    if (e == nullptr) return outside("L'EPCI " + code);
    for (auto i : e->members) {
      if (ref_->communes[i].departement == departement) return "EPCI " + e->nom;
    }
    return outside("L'EPCI " + e->nom);
  }
  if (kind == "structure") {
    std::int64_t id = 0;
    auto [end, ec] = std::from_chars(code.data(), code.data() + code.size(), id);
    if (ec != std::errc() || end != code.data() + code.size()) return outside("La structure");
    auto rows = MAILLAGE_TRY(db_->query(
        "SELECT name FROM structures WHERE id = $1 AND departement = $2", {id, departement}));
    if (rows.empty()) return outside("La structure " + code);
    return rows.named(0).text("name");
  }
  return fail(ErrorCode::invalid_input, "Zone attendue : département, EPCI, commune ou structure.",
              "area_kind");
}

Result<ReferentDirectory> Referents::directory(const Principal& who,
                                               const std::string& departement) const {
  MAILLAGE_CHECK(require(who, departement, false));
  const geo::Departement* dep = ref_->departement(departement);
  const ReferentsRepository repo(*db_);
  ReferentDirectory out;
  out.departement = dep->code;
  out.departement_name = dep->nom;
  for (const auto& r : MAILLAGE_TRY(repo.current(departement))) {
    ReferentAssignment a = assignment_of(r);
    a.area_label = r.area_kind == "structure"
                       ? r.label
                       : area_label(departement, r.area_kind, r.code).value_or(r.code);
    out.current.push_back(std::move(a));
  }
  // The sectors of the plan in force: set on the sectors page.
  const SectorsRepository sectors(*db_);
  if (auto plan = MAILLAGE_TRY(sectors.plan(departement, std::nullopt))) {
    for (const auto& s : MAILLAGE_TRY(sectors.sectors(plan->id))) {
      for (const auto* p : {&s.referent, &s.deputy}) {
        if (!*p) continue;
        ReferentAssignment a;
        a.user_id = (*p)->user_id;
        a.login = (*p)->login;
        a.display_name = (*p)->display_name;
        a.role = (*p)->role;
        a.fonction = "roc";
        a.fonction_label = function_label("roc");
        a.area_kind = "secteur";
        a.code = std::to_string(s.sector + 1);
        a.area_label =
            fmt::format("secteur « {} »{}", s.label, p == &s.deputy ? " (suppléant)" : "");
        a.since = plan->created_at.substr(0, 10);
        a.created_by = plan->created_by;
        out.current.push_back(std::move(a));
      }
    }
  }
  for (const auto& r : MAILLAGE_TRY(repo.history(departement))) {
    ReferentAssignment a = assignment_of(r);
    a.area_label = r.area_kind == "structure" ? r.label : r.label.empty() ? r.code : r.label;
    out.history.push_back(std::move(a));
  }
  out.people = MAILLAGE_TRY(repo.people(departement, dep->region));
  for (const auto& e : ref_->epcis) {
    for (auto i : e.members) {
      if (ref_->communes[i].departement == departement) {
        out.epcis.push_back({e.code, e.nom});
        break;
      }
    }
  }
  std::sort(out.epcis.begin(), out.epcis.end(),
            [](const ReferentChoice& a, const ReferentChoice& b) { return a.label < b.label; });
  out.structures = MAILLAGE_TRY(repo.structures(departement));
  out.may_edit = require(who, departement, true).has_value();
  return out;
}

Status Referents::assign(const Principal& who, const std::string& departement,
                         const NewReferentAssignment& in) {
  MAILLAGE_CHECK(require(who, departement, true));
  if (std::none_of(referent_functions().begin(), referent_functions().end(),
                   [&](const ReferentFunction& f) { return f.id == in.fonction; })) {
    return fail(ErrorCode::invalid_input,
                "Fonction attendue : ROC, délégué(e), praticien-conseil ou contact ARS.",
                "fonction");
  }
  const std::string label = MAILLAGE_TRY(area_label(departement, in.area_kind, in.code));
  const ReferentsRepository repo(*db_);
  auto people = MAILLAGE_TRY(repo.people(departement, ref_->departement(departement)->region));
  auto person = std::find_if(people.begin(), people.end(),
                             [&](const ReferentPerson& p) { return p.user_id == in.user_id; });
  if (person == people.end()) {
    return fail(ErrorCode::invalid_input,
                "Cette personne ne peut pas être référente dans ce département (compte actif de "
                "ROC du département, d'ARS de la région ou d'administrateur).",
                "user");
  }
  const std::string today = format_date(today_utc());
  return db_->transact([&](Tx& tx) -> Status {
    auto existing = MAILLAGE_TRY(ReferentsRepository::find(tx, in.user_id, in.area_kind, in.code));
    if (existing && existing->fonction == in.fonction) {
      return fail(ErrorCode::conflict,
                  fmt::format("{} suit déjà {} comme {}.", person->display_name, label,
                              function_label(in.fonction)),
                  "code");
    }
    if (existing) MAILLAGE_CHECK(ReferentsRepository::end(tx, *existing, today, who.login));
    ReferentRow row;
    row.user_id = in.user_id;
    row.departement = departement;
    row.area_kind = in.area_kind;
    row.code = in.code;
    row.label = label;
    row.fonction = in.fonction;
    row.since = today;
    row.created_by = who.login;
    MAILLAGE_CHECK(ReferentsRepository::insert(tx, row));
    return store::audit(tx, {who.login, "referent.assign", "user", std::to_string(in.user_id), "",
                             AuditDetail{}
                                 .add("departement", departement)
                                 .add("kind", in.area_kind)
                                 .add("code", in.code)
                                 .add("fonction", in.fonction)
                                 .json(),
                             0, departement});
  });
}

Status Referents::retire(const Principal& who, const std::string& departement, std::int64_t user_id,
                         const std::string& area_kind, const std::string& code) {
  MAILLAGE_CHECK(require(who, departement, true));
  const std::string today = format_date(today_utc());
  return db_->transact([&](Tx& tx) -> Status {
    auto existing = MAILLAGE_TRY(ReferentsRepository::find(tx, user_id, area_kind, code));
    if (!existing || existing->departement != departement) {
      return fail(ErrorCode::not_found, "Cette désignation n'existe pas (ou plus).", "code");
    }
    MAILLAGE_CHECK(ReferentsRepository::end(tx, *existing, today, who.login));
    return store::audit(tx, {who.login, "referent.retire", "user", std::to_string(user_id),
                             AuditDetail{}
                                 .add("departement", departement)
                                 .add("kind", area_kind)
                                 .add("code", code)
                                 .add("fonction", existing->fonction)
                                 .json(),
                             "", 0, departement});
  });
}

}  // namespace maillage::services
