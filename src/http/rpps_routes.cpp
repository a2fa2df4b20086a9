// Routes of RPPS imports from the browser (services/rpps_imports.hpp): the upload route (its body
// streamed to a file by the server, Route::upload), the import jobs with their progress and
// report, the snapshot list, and the changes between two snapshots for a territory (page, CSV,
// JSON). Admins and ROC only: the RPPS extract is national, so whoever imports it imports for
// everyone (the audit log keeps who did).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/csv.hpp"
#include "common/dates.hpp"
#include "common/error_catalogue.hpp"
#include "common/french.hpp"
#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/feature.hpp"
#include "services/diagnostic.hpp"
#include "services/rpps_imports.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::Role;

std::string status_label(const std::string& status) {
  if (status == "queued") return "en attente";
  if (status == "running") return "en cours";
  if (status == "done") return "terminé";
  if (status == "failed") return "échoué";
  return status;
}

int percent(std::int64_t part, std::int64_t total) {
  if (total <= 0) return 0;
  return static_cast<int>(std::min<std::int64_t>(100, part * 100 / total));
}

json job_json(const services::RppsImportJob& j, bool with_lines) {
  json out{{"id", j.id},
           {"statut", j.status},
           {"statut_libelle", status_label(j.status)},
           {"etape", j.step},
           {"fichier", j.file_name},
           {"octets_total", j.bytes_total},
           {"octets_lus", j.bytes_read},
           {"pourcentage", percent(j.bytes_read, j.bytes_total)},
           {"demande_par", j.queued_by},
           {"demande_le", j.queued_at},
           {"debut", j.started_at},
           {"fin", j.finished_at},
           {"instantane", j.snapshot_id == 0 ? json() : json(j.snapshot_id)},
           {"message", j.message},
           {"termine", j.finished()}};
  if (j.status == "done") {
    json reasons = json::array();
    for (const auto& r : j.bad_by_reason) {
      reasons.push_back({{"raison", r.reason}, {"libelle", r.label}, {"lignes", r.count}});
    }
    out["rapport"] = {{"lignes", j.data_lines},
                      {"activites", j.activities},
                      {"professionnels", j.persons},
                      {"doublons", j.duplicate_lines},
                      {"sans_adresse_en_france", j.skipped_lines},
                      {"lignes_en_erreur", j.bad_lines},
                      {"communes_par_code_postal", j.from_postcode},
                      {"erreurs_par_raison", std::move(reasons)}};
    if (with_lines) {
      json lines = json::array();
      for (const auto& b : j.first_bad_lines) {
        lines.push_back({{"ligne", b.line},
                         {"raison", b.reason},
                         {"libelle", b.reason_label},
                         {"detail", b.detail}});
      }
      out["rapport"]["premieres_erreurs"] = std::move(lines);
    }
  }
  return out;
}

json snapshot_json(const services::RppsSnapshot& s) {
  return json{{"id", s.id},
              {"date", s.date()},
              {"date_texte", french_day(s.date())},
              {"fichier", s.source_file},
              {"importe_le", s.imported_at},
              {"importe_le_texte", french_day(s.imported_at)},
              {"importe_par", s.imported_by},
              {"fictif", s.fictitious},
              {"lignes", s.data_lines},
              {"activites", s.activities},
              {"professionnels", s.persons},
              {"lignes_en_erreur", s.bad_lines}};
}

json changes_json(const services::RppsChangesReport& r) {
  json counts = json::array();
  for (const auto& c : r.counts) {
    counts.push_back({{"commune", c.commune},
                      {"commune_nom", c.commune_name},
                      {"profession", c.profession},
                      {"profession_libelle", c.profession_label},
                      {"arrivees", c.arrived},
                      {"departs", c.left}});
  }
  json people = json::array();
  for (const auto& p : r.people) {
    json names = json::array();
    for (std::size_t i = 0; i < p.communes.size(); ++i) {
      names.push_back({{"code", p.communes[i]}, {"nom", p.commune_names[i]}});
    }
    people.push_back({{"mouvement", p.arrived ? "arrivee" : "depart"},
                      {"rpps", p.rpps},
                      {"profession", p.profession},
                      {"profession_libelle", p.profession_label},
                      {"communes", std::move(names)},
                      {"etp", p.fte}});
  }
  return json{{"ancien", snapshot_json(r.old_snapshot)},
              {"nouveau", snapshot_json(r.new_snapshot)},
              {"territoire", r.territory},
              {"communes", r.communes},
              {"profession", r.profession},
              {"arrivees", r.arrived},
              {"departs", r.left},
              {"par_commune", std::move(counts)},
              {"personnes", std::move(people)}};
}

std::vector<QueryParam> changes_params() {
  return {{"ancien", "Instantané de départ (identifiant)", true, true},
          {"nouveau", "Instantané d'arrivée (identifiant)", true, true},
          {"departement", "Code du département (ou structure)", false, false},
          {"structure", "Structure dont le territoire est comparé (ou departement)", false, true},
          {"profession", "Code profession RPPS, ou MG pour les médecins généralistes", false,
           false}};
}

std::string query_text(const Request& request, std::string_view name) {
  return request.query_value(name).value_or("");
}

struct ChangesQuery {
  std::int64_t old_snapshot = 0, new_snapshot = 0;
  services::RppsTerritoryChoice where;
  std::string profession;
};

Result<ChangesQuery> changes_query(const Request& req) {
  ChangesQuery q;
  q.old_snapshot = MAILLAGE_TRY(parse_id(query_text(req, "ancien"), "ancien"));
  q.new_snapshot = MAILLAGE_TRY(parse_id(query_text(req, "nouveau"), "nouveau"));
  q.where.departement = query_text(req, "departement");
  if (auto s = query_text(req, "structure"); !s.empty()) {
    q.where.structure_id = MAILLAGE_TRY(parse_id(s, "structure"));
    q.where.departement.clear();
  }
  q.profession = query_text(req, "profession");
  return q;
}

std::string changes_link(const ChangesQuery& q, const std::string& base) {
  std::string out = fmt::format("{}?ancien={}&nouveau={}", base, q.old_snapshot, q.new_snapshot);
  if (q.where.structure_id != 0) {
    out += fmt::format("&structure={}", q.where.structure_id);
  } else {
    out += "&departement=" + url_encode(q.where.departement);
  }
  if (!q.profession.empty()) out += "&profession=" + url_encode(q.profession);
  return out;
}

class RppsFeature final : public Feature {
 public:
  explicit RppsFeature(const Site& site) : site_(site), imports_(site.services.rpps_imports) {}

  void add_routes(RouteTable& table) override {
    const auto who = AccessRule::only({Role::admin, Role::roc});
    auto bind = [this](Result<Response> (RppsFeature::*fn)(const RequestContext&)) {
      return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
    };
    Route& upload = table.add(
        "POST", "/api/v1/rpps/imports", who, RouteKind::api, bind(&RppsFeature::api_upload),
        "Téléverse un extrait RPPS (PS_LibreAcces_Personne_activite_*.txt) en corps brut "
        "(application/octet-stream), écrit sur disque au fil de l'envoi, et le met en file "
        "d'import ; un seul import à la fois (409 sinon)");
    upload.upload = true;
    // A second extract while one is being imported is refused before its bytes are sent.
    upload.before_body = [this](const RequestContext& ctx) {
      return imports_.may_upload(*ctx.principal());
    };
    upload.success_status = 202;
    upload.query = {{"nom", "Nom du fichier (il date l'instantané)", true, false}};
    table.add("GET", "/api/v1/rpps/imports", who, RouteKind::api, bind(&RppsFeature::api_jobs),
              "Derniers imports RPPS (le plus récent d'abord) avec leur progression");
    table.add("GET", "/api/v1/rpps/imports/{id}", who, RouteKind::api,
              bind(&RppsFeature::api_job),
              "Un import RPPS : statut, octets lus, rapport (lignes, erreurs par raison, "
              "premières lignes en erreur)");
    table.add("GET", "/api/v1/rpps/snapshots", who, RouteKind::api,
              bind(&RppsFeature::api_snapshots), "Instantanés RPPS importés, du plus récent");
    table.add("GET", "/api/v1/rpps/changes", who, RouteKind::api, bind(&RppsFeature::api_changes),
              "Arrivées et départs entre deux instantanés RPPS sur un territoire, par commune et "
              "profession")
        .query = changes_params();
    table.add("GET", "/rpps", who, RouteKind::page, bind(&RppsFeature::page),
              "Extraits RPPS : téléversement, progression, instantanés, imports");
    table.add("GET", "/rpps/imports/{id}", who, RouteKind::page, bind(&RppsFeature::page_job),
              "Rapport d'un import RPPS");
    table.add("GET", "/rpps/evolutions", who, RouteKind::page, bind(&RppsFeature::page_changes),
              "Arrivées et départs entre deux instantanés RPPS")
        .query = changes_params();
    table.add("GET", "/rpps/evolutions.csv", who, RouteKind::page, bind(&RppsFeature::csv),
              "Export CSV des arrivées et départs entre deux instantanés RPPS")
        .query = changes_params();
  }

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    if (who.role != Role::admin && who.role != Role::roc) return {};
    return {{"RPPS", "/rpps"}};
  }

 private:
  Result<Response> api_upload(const RequestContext& ctx) {
    auto job = MAILLAGE_TRY(imports_.enqueue(*ctx.principal(), query_text(ctx.request, "nom"),
                                              ctx.request.body_file));
    Response r = json_no_store(job_json(job, false), 202);
    r.set_header("Location", fmt::format("/api/v1/rpps/imports/{}", job.id));
    return r;
  }

  Result<Response> api_jobs(const RequestContext& ctx) {
    auto jobs = MAILLAGE_TRY(imports_.jobs(*ctx.principal()));
    json out = json::array();
    for (const auto& j : jobs) out.push_back(job_json(j, false));
    return json_no_store(json{{"imports", std::move(out)}});
  }

  Result<Response> api_job(const RequestContext& ctx) {
    auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
    auto job = MAILLAGE_TRY(imports_.job(*ctx.principal(), id));
    return json_no_store(job_json(job, true));
  }

  Result<Response> api_snapshots(const RequestContext& ctx) {
    auto snapshots = MAILLAGE_TRY(imports_.snapshots(*ctx.principal()));
    json out = json::array();
    for (const auto& s : snapshots) out.push_back(snapshot_json(s));
    return json_no_store(json{{"instantanes", std::move(out)}});
  }

  Result<Response> api_changes(const RequestContext& ctx) {
    auto q = MAILLAGE_TRY(changes_query(ctx.request));
    auto report = MAILLAGE_TRY(imports_.changes(*ctx.principal(), q.old_snapshot, q.new_snapshot,
                                                q.where, q.profession));
    return json_no_store(changes_json(report));
  }

  // The choices of the changes form: snapshots, départements, structures, professions.
  Result<json> changes_form(const RequestContext& ctx,
                            const std::vector<services::RppsSnapshot>& snapshots,
                            const ChangesQuery& q) {
    const auto& who = *ctx.principal();
    json old_choices = json::array(), new_choices = json::array();
    for (std::size_t i = 0; i < snapshots.size(); ++i) {
      const auto& s = snapshots[i];
      const std::string label = fmt::format("{} — {} ({} lignes)", french_day(s.date()),
                                            s.source_file, s.data_lines);
      const bool default_new = q.new_snapshot == 0 && i == 0;
      const bool default_old = q.old_snapshot == 0 && i == 1;
      new_choices.push_back({{"id", s.id}, {"libelle", label},
                             {"choisi", s.id == q.new_snapshot || default_new}});
      old_choices.push_back({{"id", s.id}, {"libelle", label},
                             {"choisi", s.id == q.old_snapshot || default_old}});
    }
    const std::string dep = q.where.structure_id != 0
                                ? std::string()
                                : (q.where.departement.empty() ? site_.default_departement(&who)
                                                               : q.where.departement);
    json deps = json::array();
    for (const auto& d : site_.ref.departements) {
      deps.push_back({{"code", d.code}, {"nom", d.nom}, {"choisi", d.code == dep}});
    }
    json structures = json::array();
    auto choices = site_.services.diagnostics.structures(who);
    if (choices) {
      for (const auto& s : *choices) {
        structures.push_back({{"id", s.id},
                              {"nom", s.kind + " " + s.name},
                              {"choisi", s.id == q.where.structure_id}});
      }
    }
    json professions = json::array();
    professions.push_back({{"code", "MG"}, {"libelle", "Médecin généraliste"},
                           {"choisi", q.profession == "MG"}});
    if (!snapshots.empty()) {
      auto labels = imports_.professions(who, snapshots.front().id);
      if (labels) {
        for (const auto& l : *labels) {
          professions.push_back(
              {{"code", l.code}, {"libelle", l.label}, {"choisi", l.code == q.profession}});
        }
      }
    }
    return json{{"anciens", std::move(old_choices)},
                {"nouveaux", std::move(new_choices)},
                {"departements", std::move(deps)},
                {"structures", std::move(structures)},
                {"a_structures", !structures.empty()},
                {"professions", std::move(professions)}};
  }

  Result<Response> page(const RequestContext& ctx) {
    const auto& who = *ctx.principal();
    auto jobs = MAILLAGE_TRY(imports_.jobs(who));
    auto snapshots = MAILLAGE_TRY(imports_.snapshots(who));
    json data{{"titre", "Extraits RPPS"}};
    json rows = json::array();
    for (const auto& j : jobs) {
      json row = job_json(j, false);
      row["demande_le_texte"] = format_timestamp_fr(j.queued_at).value_or(j.queued_at);
      row["taille"] = fmt::format("{:.1f} Mo", static_cast<double>(j.bytes_total) / 1e6);
      row["echec"] = j.status == "failed";
      rows.push_back(std::move(row));
      if (!j.finished() && !data.contains("en_cours")) data["en_cours"] = job_json(j, false);
    }
    data["a_imports"] = !rows.empty();
    data["imports"] = std::move(rows);
    json snaps = json::array();
    for (const auto& s : snapshots) snaps.push_back(snapshot_json(s));
    data["a_instantanes"] = !snaps.empty();
    data["plusieurs_instantanes"] = snapshots.size() >= 2;
    data["instantanes"] = std::move(snaps);
    data["formulaire"] = MAILLAGE_TRY(changes_form(ctx, snapshots, ChangesQuery{}));
    data["taille_max"] = "2 Go";
    return render("rpps", std::move(data), ctx);
  }

  Result<Response> page_job(const RequestContext& ctx) {
    auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
    auto job = MAILLAGE_TRY(imports_.job(*ctx.principal(), id));
    json data = job_json(job, true);
    data["titre"] = "Import RPPS n° " + std::to_string(job.id);
    data["demande_le_texte"] = format_timestamp_fr(job.queued_at).value_or(job.queued_at);
    data["fin_texte"] = format_timestamp_fr(job.finished_at).value_or(job.finished_at);
    data["reussi"] = job.status == "done";
    data["echec"] = job.status == "failed";
    data["a_erreurs"] = !job.first_bad_lines.empty();
    data["erreurs_tronquees"] =
        static_cast<std::int64_t>(job.first_bad_lines.size()) < job.bad_lines;
    data["premieres_erreurs_nombre"] = job.first_bad_lines.size();
    return render("rpps_import", std::move(data), ctx);
  }

  Result<Response> page_changes(const RequestContext& ctx) {
    const auto& who = *ctx.principal();
    auto snapshots = MAILLAGE_TRY(imports_.snapshots(who));
    json data{{"titre", "Arrivées et départs (RPPS)"}};
    auto q = changes_query(ctx.request);
    Result<services::RppsChangesReport> report =
        q ? imports_.changes(who, q->old_snapshot, q->new_snapshot, q->where, q->profession)
          : Result<services::RppsChangesReport>(tl::unexpected(q.error()));
    data["formulaire"] = MAILLAGE_TRY(changes_form(ctx, snapshots, q ? *q : ChangesQuery{}));
    if (!report) {
      const Error& e = report.error();
      if (e.code != ErrorCode::invalid_input && e.code != ErrorCode::missing_field &&
          e.code != ErrorCode::not_found) {
        return tl::unexpected(e);
      }
      const std::string message =
          e.message.empty() ? std::string(error_info(e.code).message) : e.message;
      data["erreur"] = message;
      data["erreurs"][e.field.empty() ? "general" : e.field] = message;
      return render("rpps_evolutions", std::move(data), ctx);
    }
    json body = changes_json(*report);
    for (auto& p : body["personnes"]) {
      p["arrivee"] = p["mouvement"] == "arrivee";
      p["etp_texte"] = fmt::format("{:.2f}", p["etp"].get<double>());
    }
    data["resultat"] = std::move(body);
    data["a_mouvements"] = !report->people.empty();
    data["export_href"] = changes_link(*q, "/rpps/evolutions.csv");
    return render("rpps_evolutions", std::move(data), ctx);
  }

  Result<Response> csv(const RequestContext& ctx) {
    auto q = MAILLAGE_TRY(changes_query(ctx.request));
    auto report = MAILLAGE_TRY(imports_.changes(*ctx.principal(), q.old_snapshot, q.new_snapshot,
                                                q.where, q.profession));
    // Semicolon-separated UTF-8 with a BOM: what French spreadsheet software opens directly.
    // One line per person and commune; the counts per commune × profession are its sums.
    std::string out = "\xEF\xBB\xBF";
    auto line = [&](const std::vector<std::string>& fields) {
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i > 0) out += ';';
        out += csv::text_field(fields[i], ';');
      }
      out += "\r\n";
    };
    line({"mouvement", "commune", "commune_nom", "profession", "profession_libelle", "rpps",
          "etp_territoire", "instantane_ancien", "instantane_nouveau"});
    for (const auto& p : report.people) {
      for (std::size_t i = 0; i < p.communes.size(); ++i) {
        line({p.arrived ? "arrivée" : "départ", p.communes[i], p.commune_names[i], p.profession,
              p.profession_label, p.rpps, fmt::format("{:.2f}", p.fte),
              report.old_snapshot.date(), report.new_snapshot.date()});
      }
    }
    Response resp;
    resp.content_type = "text/csv; charset=utf-8";
    resp.body = std::move(out);
    const std::string zone =
        q.where.structure_id != 0 ? fmt::format("structure-{}", q.where.structure_id)
                                  : "departement-" + q.where.departement;
    resp.set_header("Content-Disposition",
                    fmt::format("attachment; filename=\"rpps-evolutions-{}-{}-{}.csv\"", zone,
                                report.old_snapshot.date(), report.new_snapshot.date()));
    return resp;
  }

  Result<Response> render(const std::string& name, json data, const RequestContext& ctx) {
    auto html = MAILLAGE_TRY(site_.render_page(name, nullify_empty(std::move(data)), ctx));
    return Response::html(std::move(html));
  }

  const Site& site_;
  services::RppsImports& imports_;
};

}  // namespace

std::unique_ptr<Feature> make_rpps_feature(const Site& site) {
  return std::make_unique<RppsFeature>(site);
}

}  // namespace maillage::http
