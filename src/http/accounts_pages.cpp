// The account pages: "Mon compte" (every signed-in user changes their sign-in address or their
// password, with their current password) and the administration of accounts (list, creation,
// role, scope, activity and password reset; the administrator confirms each change with their
// own password). The Accounts service validates and audits; errors come back next to their field
// with what was typed, as a 200 page, like the other forms.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <nlohmann/json.hpp>
#include <set>

#include "common/dates.hpp"
#include "common/error_catalogue.hpp"
#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/feature.hpp"

namespace maillage::http {

using nlohmann::json;
using services::Role;

namespace {

// The form's name for a service field (the service names NewUser's members).
std::string form_field(const std::string& f) {
  static const std::pair<std::string_view, std::string_view> kNames[] = {
      {"login", "identifiant"},        {"display_name", "nom"},
      {"password", "mot_de_passe"},    {"new_password", "nouveau_mot_de_passe"},
      {"new_login", "identifiant"},    {"version", "version"},
  };
  for (const auto& [from, to] : kNames) {
    if (f == from) return std::string(to);
  }
  // "departements[0]" -> "departements"
  return f.substr(0, f.find('['));
}

void attach_error(json& data, const Error& e) {
  data["erreur"] = e.message.empty() ? std::string(error_info(e.code).message) : e.message;
  const std::string f = form_field(e.field);
  if (!f.empty()) data["erreurs"][f] = data["erreur"];
}

// "57, 54 ; 08" or several values of a <select multiple>: the codes, trimmed, without repeats.
std::vector<std::string> codes_of(const Params& form, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& value : form_values(form, name)) {
    std::string cur;
    auto flush = [&] {
      if (!cur.empty() && std::find(out.begin(), out.end(), cur) == out.end()) out.push_back(cur);
      cur.clear();
    };
    for (char c : value) {
      if (c == ',' || c == ';' || c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        flush();
      } else {
        cur += c;
      }
    }
    flush();
  }
  return out;
}

Result<std::vector<std::int64_t>> ids_of(const Params& form, std::string_view name) {
  std::vector<std::int64_t> out;
  for (const auto& code : codes_of(form, name)) out.push_back(MAILLAGE_TRY(parse_id(code, "structures")));
  return out;
}

class AccountsFeature final : public Feature {
 public:
  explicit AccountsFeature(const Site& site) : site_(site), accounts_(site.services.accounts) {}

  void add_routes(RouteTable& table) override {
    auto bind = [this](Result<Response> (AccountsFeature::*fn)(const RequestContext&)) -> Handler {
      return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
    };
    const auto signed_in = AccessRule::authenticated();
    const auto admins = AccessRule::only({Role::admin});
    table.add("GET", "/compte", signed_in, RouteKind::page, bind(&AccountsFeature::page_account),
              "Mon compte : identité, rôle, périmètre ; changer d'identifiant ou de mot de passe");
    table.add("POST", "/compte", signed_in, RouteKind::page,
              bind(&AccountsFeature::submit_account),
              "Change son identifiant ou son mot de passe (mot de passe actuel exigé)");
    table.add("POST", "/compte/sessions", signed_in, RouteKind::page,
              bind(&AccountsFeature::submit_end_sessions),
              "Ferme une autre session de l'utilisateur, ou toutes ses autres sessions");
    table.add("GET", "/admin/utilisateurs", admins, RouteKind::page,
              bind(&AccountsFeature::page_users), "Liste des comptes (administration)")
        .query = {{"message", "Message de confirmation à afficher", false, false}};
    // "nouveau" before "{id}": the first route that matches wins.
    table.add("GET", "/admin/utilisateurs/nouveau", admins, RouteKind::page,
              bind(&AccountsFeature::page_new_user), "Formulaire de création d'un compte");
    table.add("POST", "/admin/utilisateurs/nouveau", admins, RouteKind::page,
              bind(&AccountsFeature::submit_new_user), "Crée un compte");
    table.add("GET", "/admin/utilisateurs/{id}", admins, RouteKind::page,
              bind(&AccountsFeature::page_user),
              "Un compte : rôle, périmètre, activité, réinitialisation du mot de passe");
    table.add("POST", "/admin/utilisateurs/{id}", admins, RouteKind::page,
              bind(&AccountsFeature::submit_user),
              "Modifie le rôle, le périmètre, le nom ou l'activité d'un compte (mot de passe de "
              "l'administrateur exigé)");
    table.add("POST", "/admin/utilisateurs/{id}/lien", admins, RouteKind::page,
              bind(&AccountsFeature::submit_reset_link),
              "Envoie à un compte un lien de réinitialisation de son mot de passe (par courriel, "
              "ou affiché une fois à l'administrateur sans serveur SMTP ; mot de passe de "
              "l'administrateur exigé)");
    // Public: the link's secret is the authorisation (it is in the query string, which the
    // access log does not write, and the form posts it back).
    table.add("GET", "/connexion/nouveau-mot-de-passe", AccessRule::anyone(), RouteKind::page,
              bind(&AccountsFeature::page_reset),
              "Choisir un nouveau mot de passe avec un lien de réinitialisation")
        .query = {{"lien", "Secret du lien de réinitialisation", false, false}};
    table.add("POST", "/connexion/nouveau-mot-de-passe", AccessRule::anyone(), RouteKind::page,
              bind(&AccountsFeature::submit_reset),
              "Enregistre le nouveau mot de passe choisi avec un lien de réinitialisation");
    table.add("POST", "/admin/utilisateurs/{id}/mot-de-passe", admins, RouteKind::page,
              bind(&AccountsFeature::submit_password_reset),
              "Réinitialise le mot de passe d'un compte et ferme ses sessions (mot de passe de "
              "l'administrateur exigé)");
  }

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal&) const override {
    // "Mon compte" is the user's name at the right of the header (layout.mustache), not an
    // entry of an already long navigation.
    return {{"Utilisateurs", "/admin/utilisateurs"}};
  }

 private:
  Result<Response> render(const char* name, json data, const RequestContext& ctx) {
    auto html = MAILLAGE_TRY(site_.render_page(name, nullify_empty(std::move(data)), ctx));
    return Response::html(std::move(html));
  }

  // ---------------------------------------------------------------------------- Mon compte

  json account_data(const RequestContext& ctx) const {
    const services::Principal& who = *ctx.principal();
    return json{{"titre", "Mon compte"},
                {"identite",
                 {{"nom", who.display_name},
                  {"identifiant", who.login},
                  {"role", std::string(services::role_label(who.role))},
                  {"perimetre", scope_description(who, site_.ref)}}},
                {"message", ctx.request.query_value("message").value_or("")}};
  }

  // The user's open sessions, the current one first named as such.
  Result<json> sessions_data(const RequestContext& ctx) {
    json rows = json::array();
    std::size_t others = 0;
    for (const auto& s : MAILLAGE_TRY(accounts_.sessions(*ctx.session))) {
      others += s.current ? 0 : 1;
      rows.push_back({{"id", s.id},
                      {"ouverte", format_timestamp_fr(s.created_at).value_or(s.created_at)},
                      {"vue", format_timestamp_fr(s.last_seen_at).value_or(s.last_seen_at)},
                      {"adresse", s.client_address.empty() ? std::string("inconnue")
                                                           : s.client_address},
                      {"courante", s.current}});
    }
    return json{{"liste", std::move(rows)}, {"autres", others > 0}};
  }

  Result<Response> page_account(const RequestContext& ctx) {
    json data = account_data(ctx);
    data["sessions"] = MAILLAGE_TRY(sessions_data(ctx));
    data["valeurs"] = {{"identifiant", ctx.principal()->login}};
    return render("compte", std::move(data), ctx);
  }

  Result<Response> submit_end_sessions(const RequestContext& ctx) {
    const Params form = ctx.request.form();
    auto ended = accounts_.end_sessions(*ctx.session, form_value(form, "session"));
    if (!ended) {
      json data = account_data(ctx);
      data["valeurs"] = {{"identifiant", ctx.principal()->login}};
      data["sessions"] = MAILLAGE_TRY(sessions_data(ctx));
      data["erreur_sessions"] = ended.error().message;
      return render("compte", std::move(data), ctx);
    }
    const std::string message =
        *ended == 0   ? std::string("Aucune autre session n'était ouverte.")
        : *ended == 1 ? std::string("Une session a été fermée.")
                      : fmt::format("{} sessions ont été fermées.", *ended);
    return Response::redirect("/compte?message=" + url_encode(message));
  }

  Result<Response> submit_account(const RequestContext& ctx) {
    const Params form = ctx.request.form();
    json data = account_data(ctx);
    data["sessions"] = MAILLAGE_TRY(sessions_data(ctx));
    data["valeurs"] = {{"identifiant", form_value(form, "identifiant")}};
    auto back = [&](Error e) {
      if (e.field == "password") e.field = "nouveau_mot_de_passe";
      attach_error(data, e);
      return render("compte", std::move(data), ctx);
    };
    services::OwnAccountChange change;
    change.current_password = form_value(form, "mot_de_passe_actuel");
    const std::string login = form_value(form, "identifiant");
    if (!login.empty() && login != ctx.principal()->login) change.new_login = login;
    const std::string password = form_value(form, "nouveau_mot_de_passe");
    if (!password.empty()) {
      if (password != form_value(form, "confirmation")) {
        return back(Error{ErrorCode::invalid_input,
                          "La confirmation ne reprend pas le nouveau mot de passe.", "confirmation",
                          {}, 0});
      }
      change.new_password = password;
    }
    if (!change.new_login && !change.new_password) {
      return back(Error{ErrorCode::missing_field,
                        "Indiquez un nouvel identifiant ou un nouveau mot de passe.",
                        "nouveau_mot_de_passe", {}, 0});
    }
    if (change.current_password.empty()) {
      return back(Error{ErrorCode::missing_field, "Votre mot de passe actuel est exigé.",
                        "mot_de_passe_actuel", {}, 0});
    }
    auto changed = accounts_.change_own_account(*ctx.session, change, ctx.request.remote_addr);
    if (!changed) return back(changed.error());
    std::string message = change.new_password
                              ? "Mot de passe changé. Vos autres sessions sont fermées."
                              : "Identifiant changé : connectez-vous désormais avec " + *changed +
                                    ".";
    if (change.new_password && change.new_login) {
      message = "Identifiant et mot de passe changés. Vos autres sessions sont fermées.";
    }
    return Response::redirect("/compte?message=" + url_encode(message));
  }

  // ----------------------------------------------------------------------- administration

  Result<Response> page_users(const RequestContext& ctx) {
    if (!services::can_manage_accounts(*ctx.principal())) return fail(ErrorCode::forbidden, {});
    auto users = MAILLAGE_TRY(accounts_.list_user_records());
    json rows = json::array();
    std::size_t active = 0;
    for (const auto& u : users) {
      active += u.active ? 1 : 0;
      rows.push_back({{"id", u.principal.user_id},
                      {"identifiant", u.principal.login},
                      {"nom", u.principal.display_name},
                      {"role", std::string(services::role_label(u.principal.role))},
                      {"perimetre", scope_description(u.principal, site_.ref)},
                      {"actif", u.active}});
    }
    json data{{"titre", "Utilisateurs"},
              {"utilisateurs", std::move(rows)},
              {"nombre", users.size()},
              {"actifs", active},
              {"message", ctx.request.query_value("message").value_or("")}};
    return render("utilisateurs", std::move(data), ctx);
  }

  // The choices of the user form: roles, départements and régions, with the chosen ones marked.
  json with_choices(json data) const {
    data["envoi_courriel"] = accounts_.sends_mail();
    const json& v = data["valeurs"];
    const std::string role = v.value("role", "");
    std::set<std::string> deps;
    std::set<std::string> regs;
    for (const auto& d : v.value("departements", json::array())) deps.insert(d.get<std::string>());
    for (const auto& r : v.value("regions", json::array())) regs.insert(r.get<std::string>());
    json roles = json::array();
    for (Role r : services::all_roles()) {
      const std::string id(services::role_id(r));
      roles.push_back({{"valeur", id},
                       {"libelle", std::string(services::role_label(r))},
                       {"choisi", id == role}});
    }
    json departements = json::array();
    for (const auto& d : site_.ref.departements) {
      departements.push_back({{"code", d.code}, {"nom", d.nom}, {"choisi", deps.count(d.code) > 0}});
    }
    json regions = json::array();
    for (const auto& r : site_.ref.regions) {
      regions.push_back({{"code", r.code}, {"nom", r.nom}, {"choisi", regs.count(r.code) > 0}});
    }
    data["roles"] = std::move(roles);
    data["choix_departements"] = std::move(departements);
    data["choix_regions"] = std::move(regions);
    return data;
  }

  // What the form shows for a stored user.
  static json values_of(const services::UserRecord& u) {
    std::string structures;
    for (auto id : u.principal.structures) {
      structures += (structures.empty() ? "" : ", ") + std::to_string(id);
    }
    return json{{"identifiant", u.principal.login},
                {"nom", u.principal.display_name},
                {"role", std::string(services::role_id(u.principal.role))},
                {"departements", u.principal.departements},
                {"regions", u.principal.regions},
                {"structures", structures},
                {"actif", u.active},
                {"version", std::to_string(u.version)}};
  }

  // What the form shows after a submission (typed values kept).
  static json values_typed(const Params& form) {
    return json{{"identifiant", form_value(form, "identifiant")},
                {"nom", form_value(form, "nom")},
                {"role", form_value(form, "role")},
                {"departements", codes_of(form, "departements")},
                {"regions", codes_of(form, "regions")},
                {"structures", form_value(form, "structures")},
                {"actif", !form_value(form, "actif").empty()},
                {"version", form_value(form, "version")}};
  }

  Result<Response> user_form(const RequestContext& ctx, json data, const Error* error) {
    if (error != nullptr) attach_error(data, *error);
    return render("utilisateur", with_choices(std::move(data)), ctx);
  }

  Result<Response> page_new_user(const RequestContext& ctx) {
    json data{{"titre", "Nouveau compte"},
              {"creation", true},
              {"valeurs", {{"role", "roc"}, {"actif", true}}}};
    return user_form(ctx, std::move(data), nullptr);
  }

  Result<Response> submit_new_user(const RequestContext& ctx) {
    if (!services::can_manage_accounts(*ctx.principal())) return fail(ErrorCode::forbidden, {});
    const Params form = ctx.request.form();
    json data{{"titre", "Nouveau compte"}, {"creation", true}, {"valeurs", values_typed(form)}};
    auto back = [&](const Error& e) { return user_form(ctx, std::move(data), &e); };
    services::NewUser user;
    user.login = form_value(form, "identifiant");
    user.display_name = form_value(form, "nom");
    user.password = form_value(form, "mot_de_passe");
    auto role = services::role_from_id(form_value(form, "role"));
    if (!role) return back(Error{ErrorCode::invalid_input, "Choisissez un rôle.", "role", {}, 0});
    user.role = *role;
    // Only the scope that the role uses is taken: the form shows every list.
    switch (services::scope_kind(user.role)) {
      case services::ScopeKind::departements:
        user.departements = codes_of(form, "departements");
        break;
      case services::ScopeKind::regions: user.regions = codes_of(form, "regions"); break;
      case services::ScopeKind::structures: {
        auto ids = ids_of(form, "structures");
        if (!ids) return back(ids.error());
        user.structures = std::move(*ids);
        break;
      }
      case services::ScopeKind::none: break;
    }
    auto id = accounts_.create_user(user, ctx.principal()->login);
    if (!id) return back(id.error());
    return Response::redirect(
        "/admin/utilisateurs?message=" +
        url_encode(fmt::format("Compte créé : {} ({}).", user.display_name, user.login)));
  }

  Result<Response> page_user(const RequestContext& ctx) {
    if (!services::can_manage_accounts(*ctx.principal())) return fail(ErrorCode::forbidden, {});
    auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
    auto user = MAILLAGE_TRY(accounts_.get_user(id));
    json data{{"titre", "Compte — " + user.principal.display_name},
              {"creation", false},
              {"compte", {{"id", id}, {"nom", user.principal.display_name}}},
              {"soi", id == ctx.principal()->user_id},
              {"message", ctx.request.query_value("message").value_or("")},
              {"valeurs", values_of(user)}};
    return user_form(ctx, std::move(data), nullptr);
  }

  Result<Response> submit_user(const RequestContext& ctx) {
    if (!services::can_manage_accounts(*ctx.principal())) return fail(ErrorCode::forbidden, {});
    auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
    auto current = MAILLAGE_TRY(accounts_.get_user(id));
    const Params form = ctx.request.form();
    json values = values_typed(form);
    values["identifiant"] = current.principal.login;
    json data{{"titre", "Compte — " + current.principal.display_name},
              {"creation", false},
              {"compte", {{"id", id}, {"nom", current.principal.display_name}}},
              {"soi", id == ctx.principal()->user_id},
              {"valeurs", std::move(values)}};
    auto back = [&](const Error& e) {
      if (e.code == ErrorCode::conflict && e.field == "version") {
        // Someone saved in between: show what they saved, keep what this admin typed.
        data["conflit"] = values_of(current);
        data["conflit"]["role"] = std::string(services::role_label(current.principal.role));
        data["conflit"]["perimetre"] = scope_description(current.principal, site_.ref);
        data["valeurs"]["version"] = std::to_string(current.version);
      }
      return user_form(ctx, std::move(data), &e);
    };
    auto version = parse_id(form_value(form, "version"), "version");
    if (!version) return back(version.error());
    // Role and scope changes widen or narrow what someone sees: the admin confirms with their
    // own password, whatever the age of their session.
    if (auto st = accounts_.reauthenticate(*ctx.session, form_value(form, "mot_de_passe_actuel"),
                                           ctx.request.remote_addr);
        !st) {
      return back(st.error());
    }
    services::UserChanges changes;
    changes.display_name = form_value(form, "nom");
    auto role = services::role_from_id(form_value(form, "role"));
    if (!role) return back(Error{ErrorCode::invalid_input, "Choisissez un rôle.", "role", {}, 0});
    changes.role = *role;
    changes.active = !form_value(form, "actif").empty();
    changes.departements = std::vector<std::string>{};
    changes.regions = std::vector<std::string>{};
    changes.structures = std::vector<std::int64_t>{};
    switch (services::scope_kind(*role)) {
      case services::ScopeKind::departements:
        changes.departements = codes_of(form, "departements");
        break;
      case services::ScopeKind::regions: changes.regions = codes_of(form, "regions"); break;
      case services::ScopeKind::structures: {
        auto ids = ids_of(form, "structures");
        if (!ids) return back(ids.error());
        changes.structures = std::move(*ids);
        break;
      }
      case services::ScopeKind::none: break;
    }
    if (id == ctx.principal()->user_id && (!*changes.active || *role != Role::admin)) {
      // The last door to the accounts must not close behind the person holding it.
      return back(Error{ErrorCode::invalid_input,
                        "Vous ne pouvez ni désactiver votre propre compte ni lui retirer le rôle "
                        "d'administrateur : demandez-le à un autre administrateur.",
                        "role", {}, 0});
    }
    auto saved = accounts_.update_user(id, *version, changes, ctx.principal()->login);
    if (!saved) return back(saved.error());
    return Response::redirect(fmt::format(
        "/admin/utilisateurs/{}?message={}", id,
        url_encode(*changes.active ? "Compte enregistré."
                                   : "Compte enregistré et désactivé : ses sessions sont fermées.")));
  }

  Result<Response> submit_password_reset(const RequestContext& ctx) {
    if (!services::can_manage_accounts(*ctx.principal())) return fail(ErrorCode::forbidden, {});
    auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
    auto user = MAILLAGE_TRY(accounts_.get_user(id));
    const Params form = ctx.request.form();
    json data{{"titre", "Compte — " + user.principal.display_name},
              {"creation", false},
              {"compte", {{"id", id}, {"nom", user.principal.display_name}}},
              {"soi", id == ctx.principal()->user_id},
              {"valeurs", values_of(user)}};
    auto back = [&](Error e) {
      // Errors of this form are shown next to its own fields.
      if (e.field == "mot_de_passe_actuel") e.field = "reinit_mot_de_passe_actuel";
      if (e.field == "password") e.field = "reinit_mot_de_passe";
      data["erreur_reinit"] = e.message.empty() ? std::string(error_info(e.code).message)
                                                : e.message;
      data["erreurs"][e.field] = data["erreur_reinit"];
      return render("utilisateur", with_choices(std::move(data)), ctx);
    };
    if (auto st = accounts_.reauthenticate(*ctx.session, form_value(form, "mot_de_passe_actuel"),
                                           ctx.request.remote_addr);
        !st) {
      return back(st.error());
    }
    const std::string password = form_value(form, "nouveau_mot_de_passe");
    if (password != form_value(form, "confirmation")) {
      return back(Error{ErrorCode::invalid_input,
                        "La confirmation ne reprend pas le nouveau mot de passe.",
                        "reinit_confirmation", {}, 0});
    }
    if (auto st = accounts_.reset_password(user.principal.login, password, ctx.principal()->login);
        !st) {
      return back(st.error());
    }
    return Response::redirect(fmt::format(
        "/admin/utilisateurs/{}?message={}", id,
        url_encode("Mot de passe réinitialisé : communiquez-le à " + user.principal.display_name +
                   " ; ses sessions sont fermées.")));
  }

  // ------------------------------------------------------------------ password-reset links

  // The address of the reset page, as the admin reached the site (their own request's Host).
  static std::string reset_page_base(const RequestContext& ctx) {
    std::string origin = request_origin(ctx.request);
    if (origin.empty()) origin = "http://localhost";
    return origin + "/connexion/nouveau-mot-de-passe?lien=";
  }

  Result<Response> submit_reset_link(const RequestContext& ctx) {
    if (!services::can_manage_accounts(*ctx.principal())) return fail(ErrorCode::forbidden, {});
    auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
    auto user = MAILLAGE_TRY(accounts_.get_user(id));
    const Params form = ctx.request.form();
    json data{{"titre", "Compte — " + user.principal.display_name},
              {"creation", false},
              {"compte", {{"id", id}, {"nom", user.principal.display_name}}},
              {"soi", id == ctx.principal()->user_id},
              {"valeurs", values_of(user)}};
    auto back = [&](Error e) {
      if (e.field == "mot_de_passe_actuel") e.field = "lien_mot_de_passe_actuel";
      data["erreur_lien"] = e.message.empty() ? std::string(error_info(e.code).message)
                                              : e.message;
      if (!e.field.empty()) data["erreurs"][e.field] = data["erreur_lien"];
      return render("utilisateur", with_choices(std::move(data)), ctx);
    };
    if (auto st = accounts_.reauthenticate(*ctx.session, form_value(form, "mot_de_passe_actuel"),
                                           ctx.request.remote_addr);
        !st) {
      return back(st.error());
    }
    auto link = accounts_.issue_reset_link(ctx.principal()->login, id, reset_page_base(ctx));
    if (!link) return back(link.error());
    if (link->mailed) {
      return Response::redirect(fmt::format(
          "/admin/utilisateurs/{}?message={}", id,
          url_encode(fmt::format("Lien de réinitialisation envoyé à {} ; il expire le {}.",
                                 link->login,
                                 format_timestamp_fr(link->expires_at).value_or("")))));
    }
    // No SMTP server: the link is shown once, in this answer only (never in a URL or a log).
    data["lien_unique"] = {{"adresse", reset_page_base(ctx) + link->token},
                           {"expire", format_timestamp_fr(link->expires_at).value_or("")}};
    return render("utilisateur", with_choices(std::move(data)), ctx);
  }

  Result<Response> reset_form(const RequestContext& ctx, const std::string& token, json data) {
    data["titre"] = "Nouveau mot de passe";
    data["lien"] = token;
    auto html = MAILLAGE_TRY(site_.render_page("nouveau_mot_de_passe", nullify_empty(std::move(data)), ctx));
    Response r = Response::html(std::move(html));
    return r;
  }

  Result<Response> page_reset(const RequestContext& ctx) {
    const std::string token = ctx.request.query_value("lien").value_or("");
    auto info = accounts_.reset_link(token);
    if (!info) {
      if (info.error().code != ErrorCode::not_found) return tl::unexpected(info.error());
      return reset_form(ctx, "", json{{"invalide", info.error().message}});
    }
    return reset_form(ctx, token,
                      json{{"compte", {{"nom", info->display_name}, {"identifiant", info->login}}},
                           {"expire", format_timestamp_fr(info->expires_at).value_or("")}});
  }

  Result<Response> submit_reset(const RequestContext& ctx) {
    const Params form = ctx.request.form();
    const std::string token = form_value(form, "lien");
    auto info = accounts_.reset_link(token);
    if (!info) {
      if (info.error().code != ErrorCode::not_found) return tl::unexpected(info.error());
      return reset_form(ctx, "", json{{"invalide", info.error().message}});
    }
    json data{{"compte", {{"nom", info->display_name}, {"identifiant", info->login}}},
              {"expire", format_timestamp_fr(info->expires_at).value_or("")}};
    const std::string password = form_value(form, "nouveau_mot_de_passe");
    if (password != form_value(form, "confirmation")) {
      data["erreurs"]["confirmation"] = "La confirmation ne reprend pas le nouveau mot de passe.";
      return reset_form(ctx, token, std::move(data));
    }
    if (auto st = accounts_.redeem_reset_link(token, password); !st) {
      const Error& e = st.error();
      if (e.code == ErrorCode::not_found) return reset_form(ctx, "", json{{"invalide", e.message}});
      if (e.code != ErrorCode::invalid_input && e.code != ErrorCode::conflict) {
        return tl::unexpected(e);
      }
      data["erreurs"][e.field == "password" ? "nouveau_mot_de_passe" : "general"] = e.message;
      return reset_form(ctx, token, std::move(data));
    }
    // A fixed state, not a message in the URL (a link could otherwise show any text).
    return Response::redirect("/connexion?etat=mot-de-passe-change");
  }

  const Site& site_;
  services::Accounts& accounts_;
};

}  // namespace

std::unique_ptr<Feature> make_accounts_feature(const Site& site) {
  return std::make_unique<AccountsFeature>(site);
}

}  // namespace maillage::http
