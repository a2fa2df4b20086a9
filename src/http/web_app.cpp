#include "http/web_app.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

#include "common/error_catalogue.hpp"
#include "common/french.hpp"
#include "http/compress.hpp"
#include "http/contours.hpp"
#include "http/schemas.hpp"
#include "services/operations.hpp"

namespace maillage::http {

using nlohmann::json;
using services::Role;

WebApp::WebApp(services::Services& services, const geo::Referentiel& referentiel,
               const Templates& templates, const AssetStore& assets, SiteOptions options)
    : services_(services),
      accounts_(services.accounts),
      ref_(referentiel),
      templates_(templates),
      assets_(assets),
      options_(std::move(options)),
      router_(RouterOptions{
          kSessionCookie, options_.max_body_bytes,
          [this](const std::string& token) { return accounts_.session(token); },
          [this](const Error& e, const RequestContext& ctx) { return error_page(e, ctx); }}),
      cells_(referentiel.departements.size()),
      contours_(std::make_unique<ContourCache>(referentiel)) {
  site_ = std::make_unique<Site>(
      Site{services_, ref_, templates_, options_,
           [this](const std::string& name, json data, const RequestContext& ctx) {
             return render_page(name, std::move(data), ctx);
           },
           [this](const services::Principal* who) { return default_departement(who); },
           [this](const services::Principal* who, const std::string& path) {
             return may_open(who, path);
           }});
  features_.push_back(make_registry_feature(*site_));
  features_.push_back(make_territory_feature(*site_));
  features_.push_back(make_diagnostic_feature(*site_));
  features_.push_back(make_aci_feature(*site_));
  features_.push_back(make_roster_feature(*site_));
  features_.push_back(make_sectors_feature(*site_));
  features_.push_back(make_referents_feature(*site_));
  features_.push_back(make_association_feature(*site_));
  features_.push_back(make_association_ag_feature(*site_));
  features_.push_back(make_association_work_feature(*site_));
  features_.push_back(make_projet_feature(*site_));
  features_.push_back(make_audit_feature(*site_));
  features_.push_back(make_animation_feature(*site_));
  features_.push_back(make_survey_feature(*site_));
  features_.push_back(make_newsletter_feature(*site_));
  features_.push_back(make_rpps_feature(*site_));
  features_.push_back(make_crisis_feature(*site_));
  // Last: its entry (Utilisateurs) ends the navigation.
  features_.push_back(make_accounts_feature(*site_));
  add_routes();
}

Route& RouteTable::add(std::string method, std::string pattern, AccessRule access, RouteKind kind,
                       Handler handler, std::string summary) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.access = std::move(access);
  r.kind = kind;
  r.handler = std::move(handler);
  r.summary = std::move(summary);
  routes_.push_back(std::move(r));
  return routes_.back();
}

WebApp::~WebApp() = default;

// THE route table. Every route states who may call it; tests/http/authorization_test.cpp holds
// the expected answer of every route for every role and fails on a route it does not know.
//
// Référentiel reads (communes, EPCI, cells) are open to every signed-in role, whatever its
// scope: the référentiel is public open data (COG, populations) and every role needs the map
// around its territory. Scopes restrict the registry and the contracts, not the référentiel.
void WebApp::add_routes() {
  auto bind = [this](Result<Response> (WebApp::*fn)(const RequestContext&)) -> Handler {
    return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
  };
  const auto anyone = AccessRule::anyone();
  const auto signed_in = AccessRule::authenticated();
  const auto admins = AccessRule::only({Role::admin});
  RouteTable table;
  auto add = [&table](std::string method, std::string pattern, AccessRule access, RouteKind kind,
                      Handler handler, std::string summary) -> Route& {
    return table.add(std::move(method), std::move(pattern), std::move(access), kind,
                     std::move(handler), std::move(summary));
  };

  // Operations
  add("GET", "/healthz", anyone, RouteKind::api, bind(&WebApp::healthz),
      "État du serveur et de la base de données");
  add("GET", "/api/v1/openapi.json", anyone, RouteKind::api, bind(&WebApp::openapi),
      "Description OpenAPI 3 de l'API");

  // Session and accounts
  {
    Route& r = add("POST", "/api/v1/session", anyone, RouteKind::api, bind(&WebApp::api_login),
                   "Ouvre une session (cookie) et renvoie le jeton CSRF");
    r.body = schemas::login();
    r.success_status = 201;
  }
  add("DELETE", "/api/v1/session", signed_in, RouteKind::api, bind(&WebApp::api_logout),
      "Ferme la session")
      .success_status = 204;
  add("GET", "/api/v1/me", signed_in, RouteKind::api, bind(&WebApp::api_me),
      "Utilisateur connecté, son périmètre et son jeton CSRF");
  {
    // Account changes ask for the current password again (re-authentication): a session left
    // open on a shared computer, or a stolen cookie, cannot take the account over.
    Route& r = add("PATCH", "/api/v1/me", signed_in, RouteKind::api, bind(&WebApp::api_change_me),
                   "Change son mot de passe ou son identifiant (mot de passe actuel exigé ; un "
                   "nouveau mot de passe ferme les autres sessions)");
    r.body = schemas::own_account_change();
  }
  add("GET", "/api/v1/users", admins, RouteKind::api, bind(&WebApp::api_list_users),
      "Liste des comptes");
  {
    Route& r =
        add("PATCH", "/api/v1/users/{id}", admins, RouteKind::api, bind(&WebApp::api_update_user),
            "Modifie le rôle, le périmètre, le nom ou l'activité d'un compte (mot de passe "
            "de l'administrateur exigé)");
    r.body = schemas::user_change();
  }
  {
    Route& r = add("POST", "/api/v1/users", admins, RouteKind::api, bind(&WebApp::api_create_user),
                   "Crée un compte");
    r.body = schemas::new_user();
    r.success_status = 201;
  }

  // Référentiel
  add("GET", "/api/v1/communes", signed_in, RouteKind::api, bind(&WebApp::api_search_communes),
      "Recherche de communes par nom (sans accents ni casse ; préfixes d'abord)")
      .query = {{"q", "Texte cherché dans le nom", true, false},
                {"limit", "Nombre maximal de réponses (1 à 100, 20 par défaut)", false, true}};
  add("GET", "/api/v1/communes/{code}", signed_in, RouteKind::api, bind(&WebApp::api_commune),
      "Une commune par son code INSEE, avec son EPCI et ses voisines");
  add("GET", "/api/v1/departements/{code}/cells", signed_in, RouteKind::api,
      bind(&WebApp::api_departement_cells),
      "Contours des communes d'un département (GeoJSON FeatureCollection ; IGN Admin Express COG "
      "2018, cellule approchée à défaut)");
  add("GET", "/api/v1/contours/{zone}", signed_in, RouteKind::api, bind(&WebApp::api_contours),
      "Contours des communes d'une zone (france ou code de département) en TopoJSON quantifié, "
      "simplifiés au niveau de détail demandé (frontières communes partagées ; IGN Admin Express "
      "COG 2018)")
      .query = {{"niveau",
                 "Niveau de détail : france, region, departement ou commune (par défaut france "
                 "pour la France, departement pour un département)",
                 false, false},
                {"format",
                 "topojson (par défaut) ou binaire : la même topologie en entiers LEB128 pour "
                 "les cartes (application/octet-stream ; format décrit dans "
                 "src/refdata/README.md)",
                 false, false}};
  add("GET", "/api/v1/epci/{siren}", signed_in, RouteKind::api, bind(&WebApp::api_epci),
      "Un EPCI par son SIREN, avec ses communes membres");

  // Static assets
  add("GET", "/assets/{version}/{path*}", anyone, RouteKind::asset, bind(&WebApp::asset),
      "Ressources statiques (Leaflet, htmx, CSS et JavaScript de l'application)");

  // Pages
  add("GET", "/connexion", anyone, RouteKind::page, bind(&WebApp::page_login), "Page de connexion")
      .query = {{"suite", "Page à ouvrir après la connexion", false, false},
                {"etat", "mot-de-passe-change : le mot de passe vient d'être changé", false, false}};
  add("POST", "/connexion", anyone, RouteKind::page, bind(&WebApp::page_login_submit),
      "Formulaire de connexion");
  add("POST", "/deconnexion", signed_in, RouteKind::page, bind(&WebApp::page_logout),
      "Déconnexion");
  add("GET", "/", signed_in, RouteKind::page, bind(&WebApp::page_home), "Accueil");
  add("GET", "/carte/{dep}", signed_in, RouteKind::page, bind(&WebApp::page_map),
      "Carte des communes d'un département");
  add("GET", "/communes/{code}", signed_in, RouteKind::page, bind(&WebApp::page_commune),
      "Fiche d'une commune");
  add("GET", "/recherche", signed_in, RouteKind::page, bind(&WebApp::page_search),
      "Résultats de recherche de communes (fragment htmx)")
      .query = {{"q", "Texte cherché", false, false}};

  for (auto& feature : features_) feature->add_routes(table);
  for (auto& r : table.routes()) router_.add(std::move(r));
}

std::string WebApp::session_cookie(const std::string& token) const {
  // Lax rather than Strict: with Strict, following a link to Maillage from a webmail or an
  // intranet would arrive without the cookie and show the login page to a signed-in user.
  // Cross-site POSTs are refused by Lax and by the CSRF tokens.
  return fmt::format("{}={}; Path=/; HttpOnly; SameSite=Lax{}", kSessionCookie, token,
                     options_.secure_cookies ? "; Secure" : "");
}

std::string WebApp::cleared_cookie(const std::string& name) const {
  return fmt::format("{}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{}", name,
                     options_.secure_cookies ? "; Secure" : "");
}

std::string WebApp::default_departement(const services::Principal* who) const {
  if (who != nullptr) {
    for (const auto& d : who->departements) {
      if (ref_.departement(d) != nullptr) return d;
    }
    for (const auto& r : who->regions) {
      if (const auto* region = ref_.region(r); region && !region->departements.empty()) {
        return region->departements.front();
      }
    }
  }
  if (ref_.departement(options_.home_departement) != nullptr) return options_.home_departement;
  return ref_.departements.empty() ? options_.home_departement : ref_.departements.front().code;
}

bool WebApp::may_open(const services::Principal* who, const std::string& path) const {
  const Route* r = router_.match("GET", path, nullptr);
  return r != nullptr && r->access.allows(who);
}

Result<std::string> WebApp::render_page(const std::string& name, json data,
                                        const RequestContext& ctx) const {
  const services::Principal* who = ctx.principal();
  data["assets"] = assets_.base_url();
  if (who != nullptr) {
    data["utilisateur"] = {{"nom", who->display_name},
                           {"identifiant", who->login},
                           {"role", std::string(services::role_label(who->role))}};
    data["csrf"] = ctx.session->csrf;
    // Navigation by role: an entry is shown when its route lets this user in.
    std::vector<NavEntry> entries{
        {"Accueil", "/"},
        {"Carte", "/carte/" + default_departement(who)},
    };
    for (const auto& feature : features_) {
      for (auto& e : feature->navigation(*who)) entries.push_back(std::move(e));
    }
    json nav = json::array();
    for (const auto& e : entries) {
      if (!may_open(who, e.href)) continue;
      bool active = e.href == "/"
                        ? ctx.request.path == "/"
                        : ctx.request.path.rfind(e.href.substr(0, e.href.find('/', 1)), 0) == 0;
      nav.push_back({{"libelle", e.label}, {"href", e.href}, {"actif", active}});
    }
    data["navigation"] = std::move(nav);
  }
  return templates_.page(name, data);
}

Response WebApp::error_page(const Error& error, const RequestContext& ctx) const {
  const ErrorInfo& info = error_info(error.code);
  std::string message = (info.http_status >= 500 || error.message.empty())
                            ? std::string(info.message)
                            : error.message;
  json data{{"titre", "Erreur"},
            {"statut", info.http_status},
            {"message", message},
            {"champ", error.field.empty() ? json(nullptr) : json(error.field)}};
  auto html = render_page("erreur", data, ctx);
  if (!html) {
    // The error page itself failed: fall back to the JSON body rather than recurse.
    return error_response(error);
  }
  return Response::html(std::move(*html), info.http_status);
}

Result<Response> WebApp::healthz(const RequestContext&) {
  auto version = services_.operations.schema_version();
  if (!version) {
    return fail(ErrorCode::unavailable, "base de données injoignable");
  }
  json body{{"status", "ok"},
            {"schema_version", *version},
            {"communes", ref_.communes.size()},
            {"departements", ref_.departements.size()}};
  return Response::json(body.dump());
}

Result<Response> WebApp::asset(const RequestContext& ctx) {
  const Asset* a = assets_.find(ctx.request.param("path"));
  if (a == nullptr) return fail(ErrorCode::not_found, "ressource introuvable");
  Response r;
  r.content_type = a->content_type;
  // Current version: the URL changes with the content, so it may be cached for good. An old
  // version still gets the current file, but only briefly.
  bool current = ctx.request.param("version") == assets_.version();
  make_cacheable(ctx.request, r,
                 current ? "public, max-age=31536000, immutable" : "public, max-age=300", a->etag);
  if (r.status == 200) {
    if (accepted_encoding(ctx.request.header("Accept-Encoding"), true) == Encoding::identity) {
      r.body = a->content;
      r.set_header("Vary", "Accept-Encoding");
    } else {
      const Asset::Encoded& e = a->encoded();
      set_encoded_body(ctx.request, r, a->content, e.gzip, e.br);
    }
  }
  return r;
}

Result<Response> WebApp::openapi(const RequestContext& ctx) {
  json paths = json::object();
  for (const auto& route : router_.routes()) {
    if (route.kind != RouteKind::api) continue;
    json op{{"summary", route.summary}, {"x-access", route.access.describe()}};
    json params = json::array();
    // Path parameters, from the {name} segments of the pattern.
    for (std::size_t at = route.pattern.find('{'); at != std::string::npos;
         at = route.pattern.find('{', at + 1)) {
      auto end = route.pattern.find('}', at);
      params.push_back({{"name", route.pattern.substr(at + 1, end - at - 1)},
                        {"in", "path"},
                        {"required", true},
                        {"schema", {{"type", "string"}}}});
    }
    for (const auto& q : route.query) {
      params.push_back({{"name", q.name},
                        {"in", "query"},
                        {"required", q.required},
                        {"description", q.description},
                        {"schema", {{"type", q.integer ? "integer" : "string"}}}});
    }
    if (!params.empty()) op["parameters"] = std::move(params);
    if (route.body) {
      op["requestBody"] = {
          {"required", true},
          {"content", {{"application/json", {{"schema", schema_to_openapi(*route.body)}}}}}};
    } else if (route.upload) {
      // Upload routes read the raw bytes of one file, streamed to disk by the server.
      op["requestBody"] = {
          {"required", true},
          {"content",
           {{"application/octet-stream", {{"schema", {{"type", "string"}, {"format", "binary"}}}}}}}};
    }
    json responses = json::object();
    responses[std::to_string(route.success_status)] = {{"description", "Succès"}};
    responses["default"] = {
        {"description", "Erreur (catalogue des erreurs)"},
        {"content",
         {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    op["responses"] = std::move(responses);
    std::string method = route.method;
    std::transform(method.begin(), method.end(), method.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    paths[route.pattern][method] = std::move(op);
  }
  std::vector<std::string> codes;
  for (std::size_t i = 0; i < static_cast<std::size_t>(ErrorCode::count_); ++i) {
    codes.emplace_back(error_info(static_cast<ErrorCode>(i)).id);
  }
  json doc{
      {"openapi", "3.0.3"},
      {"info", {{"title", "Maillage API"}, {"version", "1"}}},
      {"paths", std::move(paths)},
      {"components",
       {{"schemas",
         {{"Error",
           {{"type", "object"},
            {"required", {"code", "message"}},
            {"properties",
             {{"code", {{"type", "string"}, {"enum", codes}}},
              {"message", {{"type", "string"}, {"description", "Message en français"}}},
              {"field",
               {{"type", "string"},
                {"description", "Champ en cause (chemin JSON, paramètre)"}}}}}}}}},
        {"securitySchemes",
         {{"session", {{"type", "apiKey"}, {"in", "cookie"}, {"name", kSessionCookie}}}}}}},
  };
  Response r = Response::json(doc.dump());
  make_cacheable(ctx.request, r, "no-cache");
  return r;
}

std::string format_count(std::int64_t n) { return fr::integer(n); }

}  // namespace maillage::http
