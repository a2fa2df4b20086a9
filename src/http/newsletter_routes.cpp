// Routes of newsletters and messages (services/newsletter.hpp): the JSON API under
// /api/v1/messages, the French pages /messages (archive and a new message) and /messages/{id}
// (the message as sent, its sending, its delivery log), and the public unsubscribe page
// /desinscription/{jeton}, open without an account: the personal link's token is the credential.
// The unsubscribe POST takes no CSRF value: mail clients post it themselves (RFC 8058 one-click,
// "List-Unsubscribe=One-Click"), and all a forged post could do is what the link's owner asked
// for, with a token only they received.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/feature.hpp"
#include "services/newsletter.hpp"

namespace maillage::http {
namespace {

using nlohmann::json;
using services::Role;
using services::SurveyAccess;

std::shared_ptr<const JsonSchema> schema(JsonSchema s) {
  return std::make_shared<const JsonSchema>(std::move(s));
}

JsonSchema json_boolean(std::string description) {
  JsonSchema s;
  s.type = JsonType::boolean;
  s.description = std::move(description);
  return s;
}

const std::shared_ptr<const JsonSchema>& new_message_schema() {
  static const auto s = schema(json_object(
      "Nouveau message (brouillon)",
      {{"structure", true, json_integer("Structure qui envoie", 1)},
       {"objet", true, json_string("Objet", 1, 200)},
       {"html", true,
        json_string("Texte enrichi (p, br, strong, em, ul, ol, li, a, h2, h3 ; le reste est "
                    "retiré)",
                    1, 200000)},
       {"pieces_jointes", false,
        json_array("Pièces jointes (5 Mo en tout)",
                   json_object("Une pièce jointe",
                               {{"nom", true, json_string("Nom du fichier", 1, 200)},
                                {"type", false, json_string("Type MIME", 0, 200)},
                                {"contenu_base64", true, json_string("Contenu en base64", 0, 7000000)}}),
                   10)}}));
  return s;
}

const std::shared_ptr<const JsonSchema>& send_schema() {
  static const auto s = schema(json_object(
      "Envoi du message (en arrière-plan, au débit limité)",
      {{"membres", false, json_boolean("Les membres de la structure")},
       {"rpps", false,
        json_boolean("Les professionnels du territoire (extrait RPPS) dont la structure a "
                     "l'adresse")},
       {"professions", false,
        json_array("Professions retenues (codes RPPS ; vide : toutes)",
                   json_string("Code de profession", 1, 4), 40)},
       {"liste", false, json_string("Adresses collées, une par ligne", 0, 400000)}}));
  return s;
}

Error api_error(Error e) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"subject", "objet"}, {"attachments", "pieces_jointes"}, {"audience", "membres"},
      {"pasted", "liste"}};
  for (const auto& [from, to] : kNames) {
    if (e.field == from) e.field = to;
  }
  if (e.field.rfind("attachments[", 0) == 0) {
    e.field = "pieces_jointes" + e.field.substr(11, e.field.find(']') - 10) + ".nom";
  }
  return at_json_path(std::move(e));
}

json summary_json(const services::NewsletterSummary& s) {
  return json{{"id", s.id},
              {"structure", s.structure_id},
              {"structure_nom", s.structure_name},
              {"objet", s.subject},
              {"statut", s.status},
              {"statut_libelle", s.status_label},
              {"cree_par", s.created_by},
              {"cree_le", french_day(s.created_at)},
              {"envoye_le", french_day(s.queued_at)},
              {"termine_le", french_day(s.finished_at)},
              {"destinataires", s.recipients},
              {"en_attente", s.pending},
              {"envoyes", s.sent},
              {"refuses", s.refused},
              {"desinscrits", s.unsubscribed},
              {"version", s.version}};
}

json view_json(const services::NewsletterView& v) {
  json deliveries = json::array();
  for (const auto& d : v.deliveries) {
    deliveries.push_back({{"id", d.id},
                          {"email", d.email},
                          {"nom", d.name},
                          {"source", d.source},
                          {"statut", d.status},
                          {"statut_libelle", d.status_label},
                          {"raison", d.reason},
                          {"envoye_le", d.sent_at}});
  }
  return json{{"message", summary_json(v.summary)},
              {"html", v.html},
              {"texte", v.text},
              {"pieces_jointes", v.attachment_names},
              {"acces", v.access == SurveyAccess::run ? "conduite" : "lecture"},
              {"envois", std::move(deliveries)}};
}

std::string link_base(const RequestContext& ctx) {
  std::string host = ctx.request.header("Host");
  if (host.empty() || host.find_first_of(" /\\@\r\n") != std::string::npos) host = "localhost";
  const std::string proto = ctx.request.header("X-Forwarded-Proto") == "https" ? "https" : "http";
  return fmt::format("{}://{}/desinscription/", proto, host);
}

class NewsletterFeature final : public Feature {
 public:
  explicit NewsletterFeature(const Site& site)
      : site_(site), svc_(site.services.newsletters), sender_(site.services.newsletter_sender),
        surveys_(site.services.surveys) {}

  void add_routes(RouteTable& table) override {
    const auto readers = AccessRule::authenticated();
    const auto writers = AccessRule::only({Role::admin, Role::ars, Role::roc,
                                           Role::charge_de_mission, Role::coordinator,
                                           Role::member});
    auto bind = [this](Result<Response> (NewsletterFeature::*fn)(const RequestContext&)) {
      return [this, fn](const RequestContext& ctx) { return (this->*fn)(ctx); };
    };
    const std::string api = "/api/v1/messages";
    table.add("GET", api, readers, RouteKind::api, bind(&NewsletterFeature::api_archive),
              "Messages et lettres d'information des structures de votre périmètre");
    table
        .add("POST", api, writers, RouteKind::api, bind(&NewsletterFeature::api_create),
             "Crée un message (brouillon) : objet, texte enrichi nettoyé, pièces jointes")
        .body = new_message_schema();
    table.routes().back().success_status = 201;
    table.add("GET", api + "/{message}", readers, RouteKind::api,
              bind(&NewsletterFeature::api_get), "Un message et le journal de ses envois");
    table
        .add("POST", api + "/{message}/envoi", writers, RouteKind::api,
             bind(&NewsletterFeature::api_send),
             "Met le message en file d'envoi pour le public choisi (envoi en arrière-plan)")
        .body = send_schema();
    table.add("GET", "/messages", readers, RouteKind::page, bind(&NewsletterFeature::page_archive),
              "Messages et lettres d'information : archive et nouveau message");
    table.add("GET", "/messages/{message}", readers, RouteKind::page,
              bind(&NewsletterFeature::page_message), "Un message : contenu, envoi, journal");
    table.add("GET", "/desinscription/{jeton}", AccessRule::anyone(), RouteKind::page,
              bind(&NewsletterFeature::page_unsubscribe),
              "Désinscription des messages d'une structure (lien personnel, sans compte)");
    table.add("POST", "/desinscription/{jeton}", AccessRule::anyone(), RouteKind::page,
              bind(&NewsletterFeature::page_unsubscribe_submit),
              "Confirme la désinscription (aussi en un clic depuis la messagerie, RFC 8058)");
  }

  [[nodiscard]] std::vector<NavEntry> navigation(const services::Principal& who) const override {
    if (who.role == Role::member) {
      auto can = surveys_.structures_to_run(who);
      if (!can || can->empty()) return {};
    }
    return {{"Messages", "/messages"}};
  }

 private:
  static Result<std::int64_t> message_id(const RequestContext& ctx) {
    auto id = parse_id(ctx.request.param("message"), "message");
    if (!id) return fail(ErrorCode::not_found, "Ce message n'existe pas.", "message");
    return *id;
  }

  Result<Response> api_archive(const RequestContext& ctx) {
    json out = json::array();
    for (const auto& s : MAILLAGE_TRY(svc_.archive(*ctx.principal()))) out.push_back(summary_json(s));
    return json_no_store(json{{"messages", std::move(out)}});
  }

  Result<Response> api_create(const RequestContext& ctx) {
    auto b = MAILLAGE_TRY(read_json_body(ctx.request, *new_message_schema()));
    services::NewsletterInput in;
    in.structure_id = b["structure"].get<std::int64_t>();
    in.subject = b["objet"].get<std::string>();
    in.html = b["html"].get<std::string>();
    if (b.contains("pieces_jointes")) {
      std::size_t i = 0;
      for (const auto& p : b["pieces_jointes"]) {
        auto data = base64::decode(p["contenu_base64"].get<std::string>());
        if (!data) {
          return fail(ErrorCode::invalid_input, "Contenu base64 illisible.",
                      fmt::format("$.pieces_jointes[{}].contenu_base64", i));
        }
        in.attachments.push_back({p["nom"].get<std::string>(), p.value("type", ""), *data});
        ++i;
      }
    }
    auto v = svc_.create(*ctx.principal(), in);
    if (!v) return tl::unexpected(api_error(v.error()));
    return json_no_store(view_json(*v), 201);
  }

  Result<Response> api_get(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(message_id(ctx));
    return json_no_store(view_json(MAILLAGE_TRY(svc_.get(*ctx.principal(), id))));
  }

  Result<Response> api_send(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(message_id(ctx));
    auto b = MAILLAGE_TRY(read_json_body(ctx.request, *send_schema()));
    services::AudienceInput in;
    in.members = b.value("membres", false);
    in.rpps = b.value("rpps", false);
    if (b.contains("professions")) {
      for (const auto& p : b["professions"]) in.professions.push_back(p.get<std::string>());
    }
    in.pasted = b.value("liste", "");
    auto r = svc_.queue(*ctx.principal(), id, in, link_base(ctx));
    if (!r) return tl::unexpected(api_error(r.error()));
    sender_.wake();
    json out = view_json(r->view);
    json refused = json::array();
    for (const auto& p : r->refused_lines) refused.push_back({{"ligne", p.field}, {"message", p.message}});
    out["file"] = {{"ajoutes", r->added},
                   {"desinscrits", r->unsubscribed},
                   {"sans_adresse", r->without_email},
                   {"lignes_refusees", std::move(refused)}};
    return json_no_store(out);
  }

  Result<Response> render(const std::string& name, json data, const RequestContext& ctx,
                          int status = 200) {
    return Response::html(
        MAILLAGE_TRY(site_.render_page(name, nullify_empty(std::move(data)), ctx)), status);
  }

  Result<Response> page_archive(const RequestContext& ctx) {
    const auto& who = *ctx.principal();
    json rows = json::array();
    for (const auto& s : MAILLAGE_TRY(svc_.archive(who))) rows.push_back(summary_json(s));
    json structures = json::array();
    for (const auto& c : MAILLAGE_TRY(surveys_.structures_to_run(who))) {
      structures.push_back({{"id", c.id}, {"nom", c.label}});
    }
    json data{{"titre", "Messages"},
              {"messages", rows},
              {"a_messages", !rows.empty()},
              {"peut_creer", !structures.empty()},
              {"structures", structures}};
    return render("messages", std::move(data), ctx);
  }

  Result<Response> page_message(const RequestContext& ctx) {
    const auto id = MAILLAGE_TRY(message_id(ctx));
    const auto v = MAILLAGE_TRY(svc_.get(*ctx.principal(), id));
    json data = view_json(v);
    data["titre"] = v.summary.subject;
    data["conduite"] = v.access == SurveyAccess::run;
    data["peut_envoyer"] = v.access == SurveyAccess::run && v.summary.status == "draft";
    data["a_envois"] = !v.deliveries.empty();
    data["a_pieces"] = !v.attachment_names.empty();
    json professions = json::array();
    for (const auto& c : services::association_professions()) {
      professions.push_back({{"id", c.id}, {"libelle", c.label}});
    }
    data["professions"] = std::move(professions);
    // `html` is the sanitised body (src/message): shown as HTML on the page.
    return render("message", std::move(data), ctx);
  }

  Result<Response> page_unsubscribe(const RequestContext& ctx) {
    const auto v = MAILLAGE_TRY(svc_.unsubscribe_info(ctx.request.param("jeton")));
    json data{{"titre", "Désinscription"},
              {"structure_nom", v.structure_name},
              {"email", v.email},
              {"fait", v.done},
              {"jeton", ctx.request.param("jeton")}};
    return render("desinscription", std::move(data), ctx);
  }

  Result<Response> page_unsubscribe_submit(const RequestContext& ctx) {
    const auto v = MAILLAGE_TRY(svc_.unsubscribe(ctx.request.param("jeton")));
    json data{{"titre", "Désinscription"},
              {"structure_nom", v.structure_name},
              {"email", v.email},
              {"fait", true},
              {"jeton", ctx.request.param("jeton")}};
    return render("desinscription", std::move(data), ctx);
  }

  const Site& site_;
  services::Newsletters& svc_;
  services::NewsletterSender& sender_;
  services::Surveys& surveys_;
};

}  // namespace

std::unique_ptr<Feature> make_newsletter_feature(const Site& site) {
  return std::make_unique<NewsletterFeature>(site);
}

}  // namespace maillage::http
