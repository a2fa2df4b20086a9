// The permanences area's JSON: request bodies to service types, and the answers of the API and
// the data of the pages (see roster_feature.hpp).
#include <fmt/format.h>

#include "common/try.hpp"
#include "http/roster_feature.hpp"

namespace maillage::http::roster_http {

using services::Role;

services::NewCampaign campaign_of_body(const json& b) {
  services::NewCampaign c;
  c.structure_id = b.value("structure", std::int64_t{0});
  c.name = b.value("nom", std::string());
  c.description = b.value("description", std::string());
  c.settings.first_day = b.value("debut", std::string());
  c.settings.last_day = b.value("fin", std::string());
  c.time_limit_seconds = b.value("temps_calcul", 10);
  c.settings.fairness_weight = b.value("poids_equite", 100);
  c.settings.open_slot_weight = b.value("poids_creneau_vide", 1000);
  c.settings.wish_weight = b.value("poids_souhait", 10);
  c.settings.rest_after_night_days = b.value("repos_apres_nuit", 1);
  if (b.contains("plafond_mensuel"))
    c.settings.default_monthly_cap = b["plafond_mensuel"].get<int>();
  return c;
}

json slot_json(const services::PlanSlot& s) {
  return json{{"id", s.id},
              {"date", s.day},
              {"debut", s.start_time},
              {"fin", s.end_time},
              {"fin_lendemain", s.ends_next_day},
              {"type", s.kind},
              {"lieu", s.label},
              {"profession", s.profession},
              {"nombre", s.required}};
}

json campaign_json(const services::Campaign& c) {
  const auto& p = c.plan.settings;
  json slots = json::array();
  for (const auto& s : c.plan.slots) slots.push_back(slot_json(s));
  json members = json::array();
  for (const auto& m : c.plan.members) {
    members.push_back({{"id", m.id},
                       {"utilisateur", m.user_id == 0 ? json(nullptr) : json(m.user_id)},
                       {"nom", m.name},
                       {"profession", m.profession},
                       {"plafond_mensuel", m.monthly_cap ? json(*m.monthly_cap) : json(nullptr)}});
  }
  json avail = json::array();
  for (const auto& a : c.plan.availability) {
    avail.push_back({{"membre", a.member_id},
                     {"creneau", a.slot_id},
                     {"etat", services::slot_wish_id(a.wish)}});
  }
  json assigned = json::array();
  for (const auto& a : c.assignments)
    assigned.push_back({{"creneau", a.slot_id}, {"membre", a.member_id}});
  return json{
      {"id", c.id},
      {"structure", {{"id", c.structure_id}, {"nom", c.structure_name}}},
      {"nom", c.name},
      {"description", c.description},
      {"statut", services::campaign_status_id(c.status)},
      {"statut_libelle", services::campaign_status_label(c.status)},
      {"debut", p.first_day},
      {"fin", p.last_day},
      {"temps_calcul", c.time_limit_seconds},
      {"poids_equite", p.fairness_weight},
      {"poids_creneau_vide", p.open_slot_weight},
      {"poids_souhait", p.wish_weight},
      {"repos_apres_nuit", p.rest_after_night_days},
      {"plafond_mensuel", p.default_monthly_cap ? json(*p.default_monthly_cap) : json(nullptr)},
      {"version", c.version},
      {"publie_le", c.published_at},
      {"creneaux", std::move(slots)},
      {"membres", std::move(members)},
      {"disponibilites", std::move(avail)},
      {"affectations", std::move(assigned)},
      {"gerer", c.can_manage},
      {"mon_membre", c.my_member_id == 0 ? json(nullptr) : json(c.my_member_id)}};
}

json check_json(const services::PlanCheck& chk) {
  json violations = json::array();
  for (const auto& v : chk.violations) {
    violations.push_back(
        {{"membre", v.member_id}, {"date", v.day}, {"regle", v.rule}, {"message", v.message}});
  }
  json loads = json::array();
  for (const auto& l : chk.loads) {
    loads.push_back({{"membre", l.member_id},
                     {"creneaux", l.assigned},
                     {"jours_disponibles", l.available_days},
                     {"heures", l.hours},
                     {"charge", l.load}});
  }
  json open = json::array();
  for (const auto& o : chk.open) {
    open.push_back(
        {{"creneau", o.slot_id}, {"manquants", o.missing}, {"explication", o.explanation}});
  }
  return json{{"valide", chk.feasible()},
              {"violations", std::move(violations)},
              {"objectif",
               {{"total", chk.objective.total},
                {"manque", chk.objective.under_cover},
                {"exces", chk.objective.over_cover},
                {"souhaits", chk.objective.on_requests},
                {"equite", chk.objective.fairness}}},
              {"ecart_charge", chk.spread},
              {"charges", std::move(loads)},
              {"creneaux_ouverts", std::move(open)}};
}

namespace {

// What a finished solve found (the same keys as the job row has always stored).
json job_result_json(const services::JobResult& r) {
  json loads = json::array();
  for (const auto& l : r.loads) {
    loads.push_back({{"membre", l.member_id},
                     {"creneaux", l.assigned},
                     {"jours_disponibles", l.available_days},
                     {"heures", l.hours},
                     {"charge", l.load}});
  }
  json holes = json::array();
  for (const auto& o : r.open) {
    holes.push_back({{"creneau", o.slot_id},
                     {"manquants", o.missing},
                     {"raison", o.reason},
                     {"explication", o.explanation}});
  }
  return json{{"valide", r.valid},
              {"objectif", r.objective},
              {"objectif_solveur", r.solver_objective},
              {"borne", r.lower_bound},
              {"optimal", r.optimal},
              {"manque", r.under_cover},
              {"souhaits_non_satisfaits", r.on_requests},
              {"equite", r.fairness},
              {"ecart_charge", r.spread},
              {"iterations", r.iterations},
              {"secondes", r.seconds},
              {"charges", std::move(loads)},
              {"creneaux_ouverts", std::move(holes)}};
}

}  // namespace

json job_json(const services::JobInfo& j) {
  json out{{"id", j.id},
           {"campagne", j.campaign_id},
           {"statut", j.status},
           {"progression", j.progress},
           {"objectif", j.objective ? json(*j.objective) : json(nullptr)},
           {"borne", j.lower_bound ? json(*j.lower_bound) : json(nullptr)},
           {"temps_calcul", j.time_limit_seconds},
           {"message", j.message},
           {"cree_le", j.created_at},
           {"debut", j.started_at},
           {"fin", j.finished_at}};
  if (j.result) out["resultat"] = job_result_json(*j.result);
  return out;
}

json swap_json(const services::SwapInfo& s) {
  return json{{"id", s.id},
              {"creneau", s.slot_id},
              {"de_membre", s.from_member_id},
              {"vers_membre", s.to_member_id},
              {"autre_creneau", s.other_slot_id == 0 ? json(nullptr) : json(s.other_slot_id)},
              {"statut", s.status},
              {"commentaire", s.comment},
              {"propose_par", s.proposed_by},
              {"decide_par", s.decided_by},
              {"cree_le", s.created_at},
              {"decide_le", s.decided_at},
              {"version", s.version}};
}

std::vector<services::PlanAssignment> assignments_of_body(const json& arr) {
  std::vector<services::PlanAssignment> out;
  for (const auto& a : arr)
    out.push_back({a["creneau"].get<std::int64_t>(), a["membre"].get<std::int64_t>()});
  return out;
}

json cell_json(std::int64_t campaign, const services::PlanSlot& s, std::int64_t member,
               std::optional<services::SlotWish> wish, bool editable) {
  json buttons = json::array();
  for (auto w : {services::SlotWish::available, services::SlotWish::preferred,
                 services::SlotWish::unavailable}) {
    const char* label = w == services::SlotWish::available   ? "Disponible"
                        : w == services::SlotWish::preferred ? "Souhaité"
                                                             : "Indisponible";
    buttons.push_back(
        {{"etat", services::slot_wish_id(w)},
         {"libelle", label},
         {"actif", wish && *wish == w},
         {"vals", json{{"membre", member},
                       {"creneau", s.id},
                       {"etat", (wish && *wish == w) ? "" : services::slot_wish_id(w)}}
                      .dump()}});
  }
  return json{{"campagne", campaign},
              {"creneau", s.id},
              {"membre", member},
              {"date", short_date(s.day)},
              {"horaires", slot_hours(s)},
              {"titre", slot_title(s)},
              {"etat", wish ? services::slot_wish_id(*wish) : "sans-reponse"},
              {"modifiable", editable},
              {"boutons", std::move(buttons)}};
}

}  // namespace maillage::http::roster_http
