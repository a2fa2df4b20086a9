// The registry's API on structures: list, create, read, edit, delete, history, lifecycle steps,
// milestones, documents and referents ("Qui est mon ROC ?").
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>

#include "common/base64.hpp"
#include "common/try.hpp"
#include "common/uploads.hpp"
#include "http/registry_feature.hpp"
#include "http/web_app.hpp"

namespace maillage::http {

using namespace registry_http;

namespace registry_http {

Result<registry::Date> date_field(const json& body, const char* key, registry::Date fallback) {
  if (!body.contains(key)) return fallback;
  auto d = registry::parse_date(body[key].get<std::string>());
  if (!d) {
    return fail(ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.", key);
  }
  return *d;
}

services::StructureFields fields_from(const json& body) {
  services::StructureFields f;
  auto take = [&](const char* key, std::optional<std::string>& out) {
    if (body.contains(key)) out = body[key].get<std::string>();
  };
  take("nom", f.name);
  take("forme_juridique", f.legal_form);
  take("finess", f.finess);
  take("rna", f.rna);
  take("siret", f.siret);
  take("commune", f.commune);
  take("adresse", f.address);
  take("contact_nom", f.contact_name);
  take("contact_courriel", f.contact_email);
  take("contact_telephone", f.contact_phone);
  take("notes", f.notes);
  return f;
}

Error api_field(Error e) {
  static const std::map<std::string, std::string> names{{"name", "nom"},
                                                        {"legal_form", "forme_juridique"},
                                                        {"address", "adresse"},
                                                        {"contact_name", "contact_nom"},
                                                        {"contact_email", "contact_courriel"},
                                                        {"contact_phone", "contact_telephone"},
                                                        {"kind", "type"},
                                                        {"comment", "commentaire"},
                                                        {"start_stage", "etape_depart"},
                                                        {"start_date", "date_depart"}};
  if (auto it = names.find(e.field); it != names.end()) e.field = it->second;
  return e;
}

}  // namespace registry_http

namespace {

// Standard base64 (with padding); anything else is refused.
Result<std::string> decode_base64(const std::string& text) {
  if (text.size() % 4 != 0) {
    return fail(ErrorCode::invalid_input, "Contenu base64 invalide (longueur).", "contenu_base64");
  }
  auto bytes = base64::decode(text);
  if (!bytes) return fail(ErrorCode::invalid_input, "Contenu base64 invalide.", "contenu_base64");
  return std::move(*bytes);
}

}  // namespace

Result<Response> RegistryFeature::api_list(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  services::StructureFilter f;
  if (auto v = ctx.request.query_value("departement")) f.departement = *v;
  if (auto v = ctx.request.query_value("type")) f.kind = *v;
  if (auto v = ctx.request.query_value("etape")) f.stage = *v;
  if (auto v = ctx.request.query_value("archives")) {
    if (*v == "seules") {
      f.archived = services::ArchiveFilter::archived;
    } else if (*v == "incluses") {
      f.archived = services::ArchiveFilter::all;
    } else if (*v != "exclues") {
      return fail(ErrorCode::invalid_input,
                  "Valeurs possibles : « exclues », « seules » ou « incluses ».", "archives");
    }
  }
  auto list = MAILLAGE_TRY(r->list_structures(*ctx.principal(), f));
  json out = json::array();
  for (const auto& s : list) out.push_back(structure_json(s));
  return Response::json(json{{"structures", out}}.dump());
}

Result<Response> RegistryFeature::api_create(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *create_schema_));
  services::NewStructure ns;
  ns.kind = body["type"].get<std::string>();
  ns.name = body["nom"].get<std::string>();
  ns.departement = body["departement"].get<std::string>();
  ns.fields = fields_from(body);
  ns.start_stage = body.value("etape_depart", "");
  if (body.contains("date_depart")) {
    ns.start_date = registry::parse_date(body["date_depart"].get<std::string>());
    if (!ns.start_date) {
      return fail(ErrorCode::invalid_input, "date attendue au format AAAA-MM-JJ",
                  "$.date_depart");
    }
  }
  auto s = r->create_structure(*ctx.principal(), ns);
  if (!s) return tl::unexpected(api_field(s.error()));
  Response resp = Response::json(structure_json(*s).dump(), 201);
  resp.set_header("Location", fmt::format("/api/v1/structures/{}", s->id));
  return resp;
}

Result<Response> RegistryFeature::api_get(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  const auto& who = *ctx.principal();
  auto s = MAILLAGE_TRY(r->get_structure(who, id));
  auto moves = MAILLAGE_TRY(r->allowed_transitions(who, s));
  auto communes = MAILLAGE_TRY(r->territory_communes(who, id));
  auto referents = MAILLAGE_TRY(r->referents_of_structure(who, id));
  json out = structure_json(s);
  json t = json::array();
  for (const auto& m : moves) {
    t.push_back({{"evenement", m.event},
                 {"libelle", m.label},
                 {"vers", m.to},
                 {"vers_libelle", m.to_label},
                 {"peut_enregistrer", m.may_record && !m.via_contract},
                 {"par_contrat_aci", m.via_contract},
                 {"decide_par", m.decided_by_label}});
  }
  out["transitions_possibles"] = std::move(t);
  out["territoire"] = communes;
  out["referents"] = referents_json(referents);
  return Response::json(out.dump());
}

Result<Response> RegistryFeature::api_update(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *update_schema_));
  auto s = r->update_structure(*ctx.principal(), id, body["version"].get<std::int64_t>(),
                               fields_from(body));
  if (!s) return tl::unexpected(api_field(s.error()));
  return Response::json(structure_json(*s).dump());
}

Result<Response> RegistryFeature::api_delete(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto version = MAILLAGE_TRY(parse_id(ctx.request.query_value("version").value_or(""), "version"));
  MAILLAGE_CHECK(r->delete_structure(*ctx.principal(), id, version));
  Response resp;
  resp.status = 204;
  return resp;
}

Result<Response> RegistryFeature::api_archive(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *archive_schema_));
  auto s = r->archive_structure(*ctx.principal(), id, body["version"].get<std::int64_t>(),
                                body["motif"].get<std::string>());
  if (!s) {
    Error e = s.error();
    if (e.field == "reason") e.field = "motif";
    return tl::unexpected(e);
  }
  return Response::json(structure_json(*s).dump());
}

Result<Response> RegistryFeature::api_restore(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *restore_schema_));
  auto s = MAILLAGE_TRY(
      r->restore_structure(*ctx.principal(), id, body["version"].get<std::int64_t>()));
  return Response::json(structure_json(s).dump());
}

Result<Response> RegistryFeature::api_history(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto h = MAILLAGE_TRY(r->history(*ctx.principal(), id));
  json out = json::array();
  for (const auto& e : h) {
    out.push_back({{"de", e.from},
                   {"de_libelle", e.from_label},
                   {"vers", e.to},
                   {"vers_libelle", e.to_label},
                   {"evenement", e.event},
                   {"evenement_libelle", e.event_label},
                   {"date", registry::format_date(e.date)},
                   {"par", e.user},
                   {"implicite", e.implicit},
                   {"commentaire", e.comment},
                   {"enregistre_le", e.recorded_at}});
  }
  return Response::json(json{{"historique", out}}.dump());
}

Result<Response> RegistryFeature::api_transition(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *transition_schema_));
  const auto today = today_utc();
  auto date = MAILLAGE_TRY(date_field(body, "date", today));
  auto s = r->transition(*ctx.principal(), id, body["version"].get<std::int64_t>(),
                         body["evenement"].get<std::string>(), date,
                         body.value("commentaire", std::string()), today);
  if (!s) return tl::unexpected(api_field(s.error()));
  return Response::json(structure_json(*s).dump(), 201);
}

Result<Response> RegistryFeature::api_milestone(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *milestone_schema_));
  const auto today = today_utc();
  auto date = MAILLAGE_TRY(date_field(body, "date", today));
  MAILLAGE_CHECK(
      r->record_milestone(*ctx.principal(), id, body["jalon"].get<std::string>(), date, today));
  return Response::json(json{{"jalon", body["jalon"]}, {"date", body["date"]}}.dump(), 201);
}

Result<Response> RegistryFeature::api_documents(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto docs = MAILLAGE_TRY(r->documents(*ctx.principal(), id));
  json out = json::array();
  for (const auto& d : docs) out.push_back(document_json(d));
  return Response::json(json{{"documents", out}}.dump());
}

Result<Response> RegistryFeature::api_add_document(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto body = MAILLAGE_TRY(read_json_body(ctx.request, *document_schema_));
  auto bytes = MAILLAGE_TRY(decode_base64(body["contenu_base64"].get<std::string>()));
  auto date = MAILLAGE_TRY(date_field(body, "date", today_utc()));
  services::NewDocument d;
  d.doc_type = body["type"].get<std::string>();
  d.title = body["titre"].get<std::string>();
  d.filename = body["nom_fichier"].get<std::string>();
  d.content_type = body.value("type_contenu", std::string());
  d.date = date;
  d.bytes = std::move(bytes);
  // The body limit bounds the file (base64 adds a third).
  auto info = MAILLAGE_TRY(r->add_document(*ctx.principal(), id, d, site_.options.max_body_bytes));
  return Response::json(document_json(info).dump(), 201);
}

Result<Response> RegistryFeature::api_document(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto doc_id = MAILLAGE_TRY(parse_id(ctx.request.param("document"), "document"));
  auto d = MAILLAGE_TRY(r->document(*ctx.principal(), id, doc_id));
  Response resp;
  // Served with a type from the upload list only, always as a download.
  resp.content_type = std::string(served_upload_type(d.info.content_type));
  resp.body = std::move(d.bytes);
  std::string ascii;
  for (unsigned char c : d.info.filename)
    ascii += (c < 0x80 && c != '"' && c != '\\') ? char(c) : '_';
  resp.set_header("Content-Disposition",
                  fmt::format("attachment; filename=\"{}\"; filename*=UTF-8''{}", ascii,
                              url_encode(d.info.filename)));
  resp.set_header("Cache-Control", "private, no-store");
  return resp;
}

Result<Response> RegistryFeature::api_structure_referents(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto refs = MAILLAGE_TRY(r->referents_of_structure(*ctx.principal(), id));
  return Response::json(json{{"structure", id}, {"referents", referents_json(refs)}}.dump());
}

Result<Response> RegistryFeature::api_referents(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  std::string code = ctx.request.query_value("commune").value_or("");
  auto refs = MAILLAGE_TRY(r->referents_of_commune(code));
  const auto* c = site_.ref.commune(code);
  return Response::json(json{{"commune", {{"code", code}, {"nom", c ? c->nom : ""}}},
                             {"referents", referents_json(refs)}}
                            .dump());
}

}  // namespace maillage::http
