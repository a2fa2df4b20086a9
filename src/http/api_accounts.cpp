// API handlers for the session and the accounts.
#include <charconv>
#include <nlohmann/json.hpp>

#include "http/schemas.hpp"
#include "http/web_app.hpp"

namespace maillage::http {

using nlohmann::json;

namespace {

json principal_json(const services::Principal& p) {
  return json{{"id", p.user_id},
              {"identifiant", p.login},
              {"nom", p.display_name},
              {"role", std::string(services::role_id(p.role))},
              {"role_libelle", std::string(services::role_label(p.role))},
              {"departements", p.departements},
              {"regions", p.regions},
              {"structures", p.structures}};
}

// The Accounts service names fields after NewUser's members; the API names them in French.
Error api_field_names(Error e) {
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"login", "$.identifiant"},       {"display_name", "$.nom"},
      {"password", "$.mot_de_passe"},   {"role", "$.role"},
      {"departements", "$.departements"}, {"regions", "$.regions"},
      {"structures", "$.structures"},   {"mot_de_passe_actuel", "$.mot_de_passe_actuel"},
      {"version", "$.version"},
  };
  for (const auto& [from, to] : kNames) {
    if (e.field == from || e.field.rfind(std::string(from) + "[", 0) == 0) {
      e.field = std::string(to) + e.field.substr(from.size());
      break;
    }
  }
  return e;
}

}  // namespace

Result<Response> WebApp::api_login(const RequestContext& ctx) {
  auto body = read_json_body(ctx.request, *schemas::login());
  if (!body) return tl::unexpected(body.error());
  auto session = accounts_.login((*body)["identifiant"].get<std::string>(),
                                 (*body)["mot_de_passe"].get<std::string>(),
                                 ctx.request.remote_addr);
  if (!session) return tl::unexpected(session.error());
  Response r = Response::json(
      json{{"utilisateur", principal_json(session->principal)}, {"csrf", session->csrf}}.dump(),
      201);
  r.headers.emplace("Set-Cookie", session_cookie(session->token));
  r.user = session->principal.login;
  return r;
}

Result<Response> WebApp::api_logout(const RequestContext& ctx) {
  if (auto st = accounts_.logout(ctx.session->token); !st) return tl::unexpected(st.error());
  Response r;
  r.status = 204;
  r.headers.emplace("Set-Cookie", cleared_cookie(kSessionCookie));
  return r;
}

Result<Response> WebApp::api_me(const RequestContext& ctx) {
  return Response::json(
      json{{"utilisateur", principal_json(*ctx.principal())}, {"csrf", ctx.session->csrf}}.dump());
}

Result<Response> WebApp::api_list_users(const RequestContext& ctx) {
  if (!services::can_manage_accounts(*ctx.principal())) return fail(ErrorCode::forbidden, {});
  auto users = accounts_.list_users();
  if (!users) return tl::unexpected(users.error());
  json list = json::array();
  for (const auto& u : *users) list.push_back(principal_json(u));
  return Response::json(json{{"utilisateurs", std::move(list)}}.dump());
}

Result<Response> WebApp::api_create_user(const RequestContext& ctx) {
  // The route admits admins only; the service rule is checked here too, so that a change to the
  // route table alone cannot open account creation.
  if (!services::can_manage_accounts(*ctx.principal())) return fail(ErrorCode::forbidden, {});
  auto body = read_json_body(ctx.request, *schemas::new_user());
  if (!body) return tl::unexpected(body.error());
  const json& b = *body;
  services::NewUser user;
  user.login = b["identifiant"].get<std::string>();
  user.display_name = b["nom"].get<std::string>();
  user.password = b["mot_de_passe"].get<std::string>();
  // The schema only lets known role ids through.
  user.role = services::role_from_id(b["role"].get<std::string>()).value_or(services::Role::member);
  if (b.contains("departements")) user.departements = b["departements"].get<std::vector<std::string>>();
  if (b.contains("regions")) user.regions = b["regions"].get<std::vector<std::string>>();
  if (b.contains("structures")) user.structures = b["structures"].get<std::vector<std::int64_t>>();
  auto id = accounts_.create_user(user, ctx.principal()->login);
  if (!id) return tl::unexpected(api_field_names(id.error()));
  return Response::json(json{{"id", *id}}.dump(), 201);
}

Result<Response> WebApp::api_change_me(const RequestContext& ctx) {
  auto body = read_json_body(ctx.request, *schemas::own_account_change());
  if (!body) return tl::unexpected(body.error());
  services::OwnAccountChange change;
  change.current_password = (*body)["mot_de_passe_actuel"].get<std::string>();
  if (body->contains("nouveau_mot_de_passe")) {
    change.new_password = (*body)["nouveau_mot_de_passe"].get<std::string>();
  }
  if (body->contains("identifiant")) change.new_login = (*body)["identifiant"].get<std::string>();
  auto login = accounts_.change_own_account(*ctx.session, change, ctx.request.remote_addr);
  if (!login) {
    Error e = login.error();
    if (e.field == "password") e.field = "$.nouveau_mot_de_passe";
    return tl::unexpected(api_field_names(e));
  }
  services::Principal me = ctx.session->principal;
  me.login = *login;
  return Response::json(json{{"utilisateur", principal_json(me)}}.dump());
}

Result<Response> WebApp::api_update_user(const RequestContext& ctx) {
  if (!services::can_manage_accounts(*ctx.principal())) return fail(ErrorCode::forbidden, {});
  std::int64_t id = 0;
  const std::string& raw = ctx.request.param("id");
  if (auto [end, ec] = std::from_chars(raw.data(), raw.data() + raw.size(), id);
      ec != std::errc{} || end != raw.data() + raw.size() || id <= 0) {
    return fail(ErrorCode::not_found, "Utilisateur introuvable.");
  }
  auto body = read_json_body(ctx.request, *schemas::user_change());
  if (!body) return tl::unexpected(body.error());
  const json& b = *body;
  // Role and scope changes widen or narrow what someone sees: the admin confirms with their
  // own password, whatever the age of their session.
  if (auto st = accounts_.reauthenticate(*ctx.session, b["mot_de_passe_actuel"].get<std::string>(),
                                         ctx.request.remote_addr);
      !st) {
    return tl::unexpected(api_field_names(st.error()));
  }
  services::UserChanges changes;
  if (b.contains("nom")) changes.display_name = b["nom"].get<std::string>();
  if (b.contains("role")) changes.role = services::role_from_id(b["role"].get<std::string>());
  if (b.contains("actif")) changes.active = b["actif"].get<bool>();
  if (b.contains("departements")) {
    changes.departements = b["departements"].get<std::vector<std::string>>();
  }
  if (b.contains("regions")) changes.regions = b["regions"].get<std::vector<std::string>>();
  if (b.contains("structures")) {
    changes.structures = b["structures"].get<std::vector<std::int64_t>>();
  }
  auto version =
      accounts_.update_user(id, b["version"].get<std::int64_t>(), changes, ctx.principal()->login);
  if (!version) return tl::unexpected(api_field_names(version.error()));
  return Response::json(json{{"id", id}, {"version", *version}}.dump());
}

}  // namespace maillage::http
