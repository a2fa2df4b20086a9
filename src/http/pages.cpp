// HTML pages (French): login, logout, home, map of a département, commune page, search fragment
// (htmx) and the list of accounts.
#include <fmt/format.h>

#include <algorithm>

#include <nlohmann/json.hpp>
#include <random>

#include "common/dates.hpp"
#include "common/error_catalogue.hpp"
#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/web_app.hpp"
#include "services/home.hpp"

namespace maillage::http {

using nlohmann::json;

namespace {

constexpr std::size_t kSearchFragmentLimit = 15;

// A local path to go to after login; anything else (absolute URLs, "//host", "/\host", header
// injection) falls back to the home page, so the form cannot redirect elsewhere.
std::string safe_next(const std::string& next) {
  if (next.empty() || next.front() != '/' || next.size() > 500) return "/";
  if (next.size() > 1 && (next[1] == '/' || next[1] == '\\')) return "/";
  for (char c : next) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return "/";
  }
  return next;
}

// The login form's CSRF token (before any session exists): a double-submit value, in an
// HttpOnly cookie and in the form. std::random_device reads the kernel's CSPRNG on Linux.
std::string random_token() {
  std::random_device rd;
  std::string out;
  for (int i = 0; i < 8; ++i) out += fmt::format("{:08x}", rd());
  return out;
}

std::string quality_label(geo::CoordQuality q) {
  switch (q) {
    case geo::CoordQuality::exact: return "exactes (point GeoNames de la commune)";
    case geo::CoordQuality::surface: return "point à l'intérieur du contour IGN de la commune";
    case geo::CoordQuality::imputed_postcode:
      return "estimées (moyenne des communes de même code postal)";
    case geo::CoordQuality::imputed_epci: return "estimées (moyenne des communes de l'EPCI)";
    case geo::CoordQuality::imputed_departement:
      return "estimées (moyenne des communes du département)";
    default:
      // Rarer imputations (e.g. a point on the main land of an overseas territory); the
      // référentiel's id still tells which one.
      return "estimées (" + std::string(geo::coord_quality_id(q)) + ")";
  }
}


}  // namespace

Result<Response> WebApp::login_form(const RequestContext& ctx, int status,
                                    const std::string& message, const std::string& login,
                                    const std::string& next) {
  std::string token = random_token();
  json data{{"titre", "Connexion"},
            {"csrf_connexion", token},
            {"suite", safe_next(next)},
            {"identifiant", login},
            {"message", message}};
  auto html = render_page("connexion", data, ctx);
  if (!html) return tl::unexpected(html.error());
  Response r = Response::html(std::move(*html), status);
  r.headers.emplace("Set-Cookie",
                    fmt::format("{}={}; Path=/connexion; Max-Age=3600; HttpOnly; SameSite=Strict{}",
                                kLoginCsrfCookie, token, options_.secure_cookies ? "; Secure" : ""));
  return r;
}

Result<Response> WebApp::page_login(const RequestContext& ctx) {
  std::string next = ctx.request.query_value("suite").value_or("/");
  if (ctx.session) return Response::redirect(safe_next(next));
  const bool changed = ctx.request.query_value("etat").value_or("") == "mot-de-passe-change";
  return login_form(ctx, 200,
                    changed ? "Votre mot de passe est changé : connectez-vous avec le nouveau."
                            : "",
                    "", next);
}

Result<Response> WebApp::page_login_submit(const RequestContext& ctx) {
  Params form = ctx.request.form();
  auto field = [&](const char* name) {
    auto it = form.find(name);
    return it == form.end() ? std::string() : it->second;
  };
  const std::string login = field("identifiant");
  const std::string next = field("suite");
  auto cookie = ctx.request.cookie(kLoginCsrfCookie);
  if (!cookie || cookie->empty() || *cookie != field("csrf")) {
    return login_form(ctx, 403, "Le formulaire a expiré : veuillez vous connecter à nouveau.",
                      login, next);
  }
  auto session = accounts_.login(login, field("mot_de_passe"), ctx.request.remote_addr);
  if (!session) {
    const Error& e = session.error();
    if (e.code == ErrorCode::bad_credentials || e.code == ErrorCode::rate_limited) {
      // The catalogue's words: the same message on the page and in the API.
      const ErrorInfo& info = error_info(e.code);
      if (e.code == ErrorCode::rate_limited && e.retry_after_s > 0) {
        // The page says how long, as the API's Retry-After does.
        const auto minutes = (e.retry_after_s + 59) / 60;
        auto r = login_form(ctx, info.http_status,
                            fmt::format("Trop de tentatives de connexion : nouvel essai possible "
                                        "dans {} minute{}.",
                                        minutes, minutes > 1 ? "s" : ""),
                            login, next);
        if (r) r->set_header("Retry-After", std::to_string(e.retry_after_s));
        return r;
      }
      return login_form(ctx, info.http_status, std::string(info.message), login, next);
    }
    if (e.code == ErrorCode::missing_field || e.code == ErrorCode::invalid_input) {
      return login_form(ctx, 400, "Saisissez votre identifiant et votre mot de passe.", login,
                        next);
    }
    return tl::unexpected(e);
  }
  Response r = Response::redirect(safe_next(next));
  r.headers.emplace("Set-Cookie", session_cookie(session->token));
  r.headers.emplace("Set-Cookie",
                    fmt::format("{}=; Path=/connexion; Max-Age=0; HttpOnly; SameSite=Strict",
                                kLoginCsrfCookie));
  r.user = session->principal.login;
  return r;
}

Result<Response> WebApp::page_logout(const RequestContext& ctx) {
  if (auto st = accounts_.logout(ctx.session->token); !st) return tl::unexpected(st.error());
  Response r = Response::redirect("/connexion");
  r.headers.emplace("Set-Cookie", cleared_cookie(kSessionCookie));
  return r;
}

Result<Response> WebApp::page_home(const RequestContext& ctx) {
  const services::Principal& who = *ctx.principal();
  auto view = MAILLAGE_TRY(services_.home.view(who, today_utc()));
  // The départements of the user's territory, each with its portfolio and map when they may
  // open them.
  json deps = json::array();
  auto add_dep = [&](const std::string& code) {
    if (const auto* d = ref_.departement(code)) {
      std::string portfolio = "/portefeuille/" + d->code;
      deps.push_back({{"code", d->code},
                      {"nom", d->nom},
                      {"communes", format_count(static_cast<std::int64_t>(d->communes.size()))},
                      {"portefeuille", may_open(&who, portfolio) ? json(portfolio) : json()},
                      {"couverture", may_open(&who, "/couverture/" + d->code)}});
    }
  };
  for (const auto& d : who.departements) add_dep(d);
  for (const auto& r : who.regions) {
    if (const auto* region = ref_.region(r)) {
      for (const auto& d : region->departements) add_dep(d);
    }
  }
  json decisions = json::array();
  for (const auto& d : view.decisions) {
    decisions.push_back({{"structure", d.structure.name},
                         {"href", fmt::format("/structures/{}", d.structure.id)},
                         {"etape", d.structure.stage_label},
                         {"libelle", d.label},
                         {"vers", d.to_label}});
  }
  // A referent's own structures first, under their own heading; the rest of the scope after.
  json alerts = json::array(), my_alerts = json::array();
  for (const auto& a : view.alerts) {
    json item{{"structure", a.structure_name},
              {"href", fmt::format("/structures/{}", a.alert.structure_id)},
              {"libelle", a.alert.label},
              {"date", format_date_fr(a.alert.date)},
              {"depassee", a.alert.severity == "critical"}};
    (a.followed ? my_alerts : alerts).push_back(std::move(item));
  }
  json stages = json::array();
  for (const auto& st : view.stages) {
    if (stages.empty() || stages.back()["type"] != st.kind) {
      stages.push_back({{"type", st.kind}, {"etapes", json::array()}});
    }
    stages.back()["etapes"].push_back({{"libelle", st.label}, {"nombre", format_count(st.count)}});
  }
  json own = json::array();
  for (const auto& s : view.own) {
    json links = json::array();
    auto link = [&](std::string href, std::string label) {
      if (may_open(&who, href)) links.push_back({{"href", std::move(href)}, {"libelle", std::move(label)}});
    };
    link(fmt::format("/structures/{}", s.id), "Fiche de la structure");
    link(fmt::format("/associations/{}", s.id), "Vie associative");
    link(fmt::format("/structures/{}/projet-de-sante", s.id), "Projet de santé");
    link(fmt::format("/territoires/{}", s.id), "Territoire");
    own.push_back({{"nom", s.name}, {"type", s.kind}, {"etape", s.stage_label}, {"liens", std::move(links)}});
  }
  std::string home = default_departement(&who);
  const auto* home_dep = ref_.departement(home);
  json data{{"titre", "Accueil"},
            {"nom", who.display_name},
            {"role", std::string(services::role_label(who.role))},
            {"perimetre", scope_description(who, ref_)},
            {"a_departements", !deps.empty()},
            {"departements", std::move(deps)},
            {"carte", {{"code", home}, {"nom", home_dep ? home_dep->nom : home}}},
            {"communes", format_count(static_cast<std::int64_t>(ref_.communes.size()))},
            {"structures_suivies",
             view.structures == 0
                 ? std::string("Aucune structure dans votre périmètre")
                 : fmt::format("{} structure{} dans votre périmètre", format_count(view.structures),
                               view.structures > 1 ? "s" : "")},
            {"a_etapes", !stages.empty()},
            {"etapes", std::move(stages)},
            {"a_decisions", !decisions.empty()},
            {"decisions", std::move(decisions)},
            {"a_echeances", !alerts.empty() || !my_alerts.empty()},
            {"referent", view.follows},
            {"a_mes_echeances", !my_alerts.empty()},
            {"mes_echeances", std::move(my_alerts)},
            {"a_autres_echeances", !alerts.empty()},
            {"echeances", std::move(alerts)},
            {"a_mes_structures", !own.empty()},
            {"mes_structures", std::move(own)}};
  auto html = render_page("accueil", data, ctx);
  if (!html) return tl::unexpected(html.error());
  return Response::html(std::move(*html));
}

Result<Response> WebApp::page_map(const RequestContext& ctx) {
  const std::string& code = ctx.request.param("dep");
  const geo::Departement* dep = ref_.departement(code);
  if (dep == nullptr) {
    return fail(ErrorCode::not_found, fmt::format("Le département {} n'existe pas.", code));
  }
  std::int64_t population = 0;
  for (auto i : dep->communes) population += ref_.communes[i].population;
  const auto* region = ref_.region(dep->region);
  json others = json::array();
  for (const auto& d : ref_.departements) {
    others.push_back({{"code", d.code}, {"nom", d.nom}, {"choisi", d.code == dep->code}});
  }
  // The keyboard and screen-reader alternative to the map: every commune as a link, in the
  // order of the INSEE codes (alphabetical within the département for most communes).
  std::vector<std::size_t> order(dep->communes.begin(), dep->communes.end());
  std::sort(order.begin(), order.end(),
            [&](std::size_t a, std::size_t b) { return ref_.communes[a].code < ref_.communes[b].code; });
  json communes = json::array();
  for (auto i : order) {
    const auto& c = ref_.communes[i];
    communes.push_back({{"code", c.code}, {"nom", c.nom}, {"population", format_count(c.population)}});
  }
  json data{{"titre", fmt::format("Carte — {} ({})", dep->nom, dep->code)},
            {"communes", std::move(communes)},
            {"carte_page", true},
            {"code", dep->code},
            {"nom", dep->nom},
            {"region", region ? region->nom : dep->region},
            {"nombre_communes", format_count(static_cast<std::int64_t>(dep->communes.size()))},
            {"population", format_count(population)},
            {"cellules_url", fmt::format("/api/v1/contours/{}?niveau=departement", dep->code)},
            {"departements", std::move(others)}};
  auto html = render_page("carte", data, ctx);
  if (!html) return tl::unexpected(html.error());
  return Response::html(std::move(*html));
}

Result<Response> WebApp::page_commune(const RequestContext& ctx) {
  const std::string& code = ctx.request.param("code");
  const geo::Commune* c = ref_.commune(code);
  if (c == nullptr) {
    return fail(ErrorCode::not_found, fmt::format("La commune {} n'existe pas.", code));
  }
  const auto* dep = ref_.departement(c->departement);
  const auto* region = ref_.region(c->region);
  json epci = nullptr;
  if (const auto* e = c->epci.empty() ? nullptr : ref_.epci(c->epci)) {
    epci = {{"code", e->code},
            {"nom", e->nom},
            {"type", e->type},
            {"membres", e->members.size()},
            {"population", format_count(e->population)}};
  }
  json voisins = json::array();
  for (auto n : ref_.neighbours(ref_.index_of(*c))) {
    const auto& v = ref_.communes[n];
    voisins.push_back({{"code", v.code}, {"nom", v.nom}, {"population", format_count(v.population)}});
  }
  json data{{"titre", fmt::format("{} ({})", c->nom, c->code)},
            {"code", c->code},
            {"nom", c->nom},
            {"population", format_count(c->population)},
            {"departement", {{"code", c->departement}, {"nom", dep ? dep->nom : ""}}},
            {"region", {{"code", c->region}, {"nom", region ? region->nom : ""}}},
            {"epci", epci},
            {"codes_postaux", fmt::format("{}", fmt::join(c->postcodes, ", "))},
            {"latitude", fmt::format("{:.4f}", c->position.lat)},
            {"longitude", fmt::format("{:.4f}", c->position.lon)},
            {"qualite", quality_label(c->quality)},
            {"exacte", c->quality == geo::CoordQuality::exact},
            {"arrondissement", c->arrondissement},
            {"parent", c->parent},
            {"voisins", std::move(voisins)},
            {"a_voisins", ref_.neighbours(ref_.index_of(*c)).size() > 0}};
  auto html = render_page("commune", data, ctx);
  if (!html) return tl::unexpected(html.error());
  return Response::html(std::move(*html));
}

Result<Response> WebApp::page_search(const RequestContext& ctx) {
  std::string q = ctx.request.query_value("q").value_or("");
  json results = json::array();
  if (!q.empty() && q.size() <= 100) {
    for (auto i : ref_.search(q, kSearchFragmentLimit)) {
      const auto& c = ref_.communes[i];
      results.push_back({{"code", c.code},
                         {"nom", c.nom},
                         {"departement", c.departement},
                         {"population", format_count(c.population)}});
    }
  }
  json data{{"q", q},
            {"a_resultats", !results.empty()},
            {"resultats", results},
            {"vide", !q.empty() && results.empty()}};
  auto html = templates_.render("recherche", data);
  if (!html) return tl::unexpected(html.error());
  return Response::html(std::move(*html));
}

}  // namespace maillage::http
