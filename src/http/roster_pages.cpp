// The permanences pages: the campaign list, the htmx fragments (availability cell, solve
// progress) and the printable monthly grid (see roster_feature.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "common/try.hpp"
#include "http/roster_feature.hpp"
#include "services/registry.hpp"
#include "services/services.hpp"

namespace maillage::http::roster_http {

using services::Role;

Result<Response> RosterFeature::page_list(const RequestContext& ctx) {
  const auto& who = *ctx.principal();
  auto list = MAILLAGE_TRY(campaigns_.list(who));
  json rows = json::array();
  for (const auto& c : list) {
    rows.push_back({{"id", c.id},
                    {"nom", c.name},
                    {"structure", c.structure_name},
                    {"statut", services::campaign_status_id(c.status)},
                    {"statut_libelle", services::campaign_status_label(c.status)},
                    {"periode", fmt::format("du {} au {}", services::french_long_date(c.first_day),
                                            services::french_long_date(c.last_day))},
                    {"creneaux", c.slots},
                    {"membres", c.members}});
  }
  json structures = json::array();
  if (who.role == Role::coordinator) {
    for (auto s : who.structures) {
      auto structure = site_.services.registry.get_structure(who, s);
      if (!structure) continue;  // no longer readable: not offered
      structures.push_back({{"id", s}, {"nom", structure->name}});
    }
  }
  json data{{"titre", "Permanences"},
            {"campagnes", rows},
            {"a_campagnes", !rows.empty()},
            {"peut_creer", who.role == Role::coordinator && !who.structures.empty()},
            {"structures", structures}};
  auto html = MAILLAGE_TRY(site_.render_page("permanences", data, ctx));
  return Response::html(std::move(html));
}

Result<std::string> RosterFeature::job_fragment(const services::Principal& who, std::int64_t id,
                                                bool polling, bool* finished) {
  auto job = MAILLAGE_TRY(campaigns_.latest_job(who, id));
  json data{{"campagne", id}, {"a_calcul", job.has_value()}};
  if (job) {
    const auto& j = *job;
    const bool active = j.status == "queued" || j.status == "running";
    data["en_cours"] = active;
    data["statut"] = j.status;
    data["statut_libelle"] = j.status == "queued"    ? "en attente"
                             : j.status == "running" ? "en cours"
                             : j.status == "done"    ? "terminé"
                                                     : "échoué";
    data["echec"] = j.status == "failed";
    data["pourcentage"] = static_cast<int>(j.progress * 100 + 0.5);
    data["objectif"] = j.objective ? json(*j.objective) : json(nullptr);
    data["borne"] = j.lower_bound ? json(*j.lower_bound) : json(nullptr);
    // Coordinators read whether the planning is the best possible, not the solver's terms; the
    // figures stay available under « Détail du calcul ».
    data["optimal"] = j.objective && j.lower_bound && *j.objective <= *j.lower_bound;
    data["message"] = j.message;
    data["temps_calcul"] = j.time_limit_seconds;
    if (finished) *finished = polling && !active;
  }
  return site_.templates.render("permanence_calcul", data);
}

Result<Response> RosterFeature::page_job(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  bool finished = false;
  auto html = MAILLAGE_TRY(
      job_fragment(*ctx.principal(), id, ctx.request.query_value("suivi").has_value(), &finished));
  Response r = Response::html(std::move(html));
  // The job just ended: the fragment is swapped in (which stops the polling), then an event
  // makes permanences.js reload the page once so that the roster and its figures show.
  // (HX-Refresh would reload without swapping: the old fragment kept polling while the page
  // reloaded, and a second "done" reloaded it again.)
  if (finished) r.set_header("HX-Trigger", "calcul-termine");
  r.set_header("Cache-Control", "no-store");
  return r;
}

Result<Response> RosterFeature::page_start_job(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  MAILLAGE_CHECK(campaigns_.enqueue_solve(*ctx.principal(), id));
  runner_.notify();
  auto html = MAILLAGE_TRY(job_fragment(*ctx.principal(), id, false, nullptr));
  return Response::html(std::move(html));
}

Result<Response> RosterFeature::page_cell(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto form = ctx.request.form();
  auto field = [&](const char* name) -> std::optional<std::string> {
    auto it = form.find(name);
    if (it == form.end()) return std::nullopt;
    return it->second;
  };
  const std::int64_t member = int_or(field("membre"), 0);
  const std::int64_t slot = int_or(field("creneau"), 0);
  auto wish = services::slot_wish_from_id(field("etat").value_or(""));
  MAILLAGE_CHECK(campaigns_.set_availability(*ctx.principal(), id, {{member, slot, wish}}));
  auto c = MAILLAGE_TRY(campaigns_.get(*ctx.principal(), id));
  auto s = std::find_if(c.plan.slots.begin(), c.plan.slots.end(),
                        [&](const services::PlanSlot& x) { return x.id == slot; });
  if (s == c.plan.slots.end()) return fail(ErrorCode::not_found, "Créneau introuvable.");
  auto html = MAILLAGE_TRY(
      site_.templates.render("permanence_cellule", cell_json(id, *s, member, wish, true)));
  return Response::html(std::move(html));
}

// A month of availabilities in one action: every slot of the member's profession, or only those
// still unanswered, set to one state (or cleared); back to the grid with what was done.
Result<Response> RosterFeature::page_fill(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto form = ctx.request.form();
  auto value = [&](const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  const std::int64_t member = int_or(std::optional<std::string>(value("membre")), 0);
  const std::string state = value("etat");
  std::optional<services::SlotWish> wish;
  if (state != "effacer") {
    wish = services::slot_wish_from_id(state);
    if (!wish) return fail(ErrorCode::invalid_input, "État de disponibilité inconnu.", "etat");
  }
  const bool only_unanswered = value("seulement") == "sans-reponse";
  auto got = MAILLAGE_TRY(campaigns_.get(*ctx.principal(), id));
  const services::Campaign& c = got;
  auto m = std::find_if(c.plan.members.begin(), c.plan.members.end(),
                        [&](const auto& x) { return x.id == member; });
  if (m == c.plan.members.end()) return fail(ErrorCode::not_found, "Membre introuvable.", "membre");
  std::set<std::int64_t> answered;
  for (const auto& a : c.plan.availability) {
    if (a.member_id == member) answered.insert(a.slot_id);
  }
  std::vector<services::RosterCampaigns::Cell> cells;
  for (const auto& s : c.plan.slots) {
    if (s.profession != m->profession) continue;
    if (only_unanswered && answered.count(s.id) != 0) continue;
    cells.push_back({member, s.id, wish});
  }
  MAILLAGE_CHECK(campaigns_.set_availability(*ctx.principal(), id, cells));
  const std::size_t n = cells.size();
  std::string done =
      n == 0 ? std::string("Aucun créneau à modifier : toutes les réponses étaient déjà données.")
             : fmt::format("{} créneau{} {}.", n, n > 1 ? "x" : "",
                           !wish ? (n > 1 ? "effacés" : "effacé")
                                 : fmt::format("marqué{} « {} »", n > 1 ? "s" : "",
                                               *wish == services::SlotWish::available ? "disponible"
                                               : *wish == services::SlotWish::preferred
                                                   ? "souhaité"
                                                   : "indisponible"));
  return Response::redirect(fmt::format("/permanences/{}?membre={}&message={}#disponibilites", id,
                                        member, url_encode(done)));
}

Result<Response> RosterFeature::page_grid(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(id_param(ctx, "id"));
  auto got = MAILLAGE_TRY(campaigns_.get(*ctx.principal(), id));
  const services::Campaign& c = got;
  if (!c.can_manage && c.status != services::CampaignStatus::published) {
    return fail(ErrorCode::forbidden, "Le planning n'est pas encore publié.");
  }
  std::string month =
      ctx.request.query_value("mois").value_or(c.plan.settings.first_day.substr(0, 7));
  auto first = services::parse_day(month + "-01");
  if (!first) return fail(ErrorCode::invalid_input, "mois invalide (attendu AAAA-MM)", "mois");
  // Columns: one per (kind, place, hours, profession), in order of start time — the shape of
  // the Ordre's tableaux de garde (days as rows, sectors as columns, names in cells).
  using Col = std::tuple<std::string, std::string, std::string, std::string, bool, std::string>;
  std::map<Col, int> col_index;
  std::vector<Col> cols;
  for (const auto& s : c.plan.slots) {
    if (s.day.substr(0, 7) != month) continue;
    Col k{s.start_time, s.kind, s.label, s.end_time, s.ends_next_day, s.profession};
    if (!col_index.count(k)) {
      col_index[k] = 0;
      cols.push_back(k);
    }
  }
  std::sort(cols.begin(), cols.end());
  for (std::size_t i = 0; i < cols.size(); ++i) col_index[cols[i]] = static_cast<int>(i);
  std::map<std::int64_t, std::string> name_of;
  for (const auto& m : c.plan.members) name_of[m.id] = m.name;
  std::map<std::int64_t, std::vector<std::string>> people;
  for (const auto& a : c.assignments) people[a.slot_id].push_back(name_of[a.member_id]);
  std::map<std::pair<std::string, int>, std::vector<std::string>> cell;
  std::map<std::pair<std::string, int>, bool> exists;
  for (const auto& s : c.plan.slots) {
    if (s.day.substr(0, 7) != month) continue;
    int ci =
        col_index[Col{s.start_time, s.kind, s.label, s.end_time, s.ends_next_day, s.profession}];
    exists[{s.day, ci}] = true;
    for (auto& n : people[s.id]) cell[{s.day, ci}].push_back(n);
    for (int k = static_cast<int>(people[s.id].size()); k < s.required; ++k) {
      cell[{s.day, ci}].push_back("— à pourvoir —");
    }
  }
  json headers = json::array();
  for (const auto& k : cols) {
    headers.push_back({{"titre", services::slot_kind_label(std::get<1>(k)) +
                                     (std::get<2>(k).empty() ? "" : " — " + std::get<2>(k))},
                       {"horaires", std::get<0>(k) + "–" + std::get<3>(k)},
                       {"profession", std::get<5>(k)}});
  }
  json rows = json::array();
  for (int d = *first;; ++d) {
    std::string day = services::format_day(d);
    if (day.substr(0, 7) != month) break;
    json cells = json::array();
    for (std::size_t i = 0; i < cols.size(); ++i) {
      std::pair<std::string, int> key{day, static_cast<int>(i)};
      cells.push_back({{"noms", cell.count(key) ? cell[key] : std::vector<std::string>{}},
                       {"creneau", exists.count(key) > 0}});
    }
    const int wd = services::weekday_of_day(d);
    rows.push_back(
        {{"date", short_date(day)}, {"weekend", wd >= 5}, {"cellules", std::move(cells)}});
  }
  static const char* const kMonths[] = {"janvier",   "février", "mars",     "avril",
                                        "mai",       "juin",    "juillet",  "août",
                                        "septembre", "octobre", "novembre", "décembre"};
  int mnum = std::stoi(month.substr(5, 2));
  json data{{"titre", fmt::format("{} — {} {}", c.name, kMonths[mnum - 1], month.substr(0, 4))},
            {"id", c.id},
            {"campagne", c.name},
            {"structure", c.structure_name},
            {"mois_libelle", fmt::format("{} {}", kMonths[mnum - 1], month.substr(0, 4))},
            {"colonnes", headers},
            {"lignes", rows},
            {"a_colonnes", !cols.empty()},
            {"publie", c.status == services::CampaignStatus::published}};
  auto html = MAILLAGE_TRY(site_.render_page("permanence_tableau", data, ctx));
  return Response::html(std::move(html));
}

}  // namespace maillage::http::roster_http
