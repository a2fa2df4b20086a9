// ACI pages: contracts, contract, schedule, indicators, the dialogue de gestion page, its
// printable dossier and the dossier as ODT. The templates read the API's JSON (aci_json.cpp)
// plus a few page fields. Routes in aci_routes.cpp.
#include <fmt/format.h>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "http/answers.hpp"
#include "http/aci_feature.hpp"
#include "http/aci_json.hpp"
#include "office/odt.hpp"

namespace maillage::http {

using nlohmann::json;
using namespace aci_http;

Result<Response> AciFeature::page(const std::string& name, json data, const RequestContext& ctx) {
  auto html = MAILLAGE_TRY(site_.render_page(name, nullify_empty(std::move(data)), ctx));
  Response r = Response::html(std::move(html));
  r.set_header("Cache-Control", "no-store");
  return r;
}

Result<Response> AciFeature::page_list(const RequestContext& ctx) {
  const auto& who = *ctx.principal();
  auto r = MAILLAGE_TRY(aci_.list_contracts(who));
  json data = aci_json::contracts(r);
  data["titre"] = "Contrats ACI";
  data["vide"] = r.empty();
  data["peut_creer"] = who.role == services::Role::roc || who.role == services::Role::admin;
  if (auto m = ctx.request.query_value("message")) data["message"] = *m;
  return page("aci_contrats", std::move(data), ctx);
}

// The contract form for one structure (proposal from the service), with what the user typed and
// the error next to its field when a creation was refused.
Result<Response> AciFeature::contract_form(const RequestContext& ctx, std::int64_t structure_id,
                                           const services::AciContractForm* typed,
                                           const Error* error) {
  auto p = MAILLAGE_TRY(aci_.propose_contract(*ctx.principal(), structure_id));
  auto chosen_mission = [&](const std::string& id) {
    return typed != nullptr &&
           std::find(typed->missions.begin(), typed->missions.end(), id) != typed->missions.end();
  };
  auto start_of = [&](const std::string& id) {
    if (typed == nullptr) return std::string();
    for (const auto& [m, d] : typed->starts) {
      if (m == id) return d;
    }
    return std::string();
  };
  json accords = json::array();
  json avenants = json::array();
  json missions = json::array();
  json sizes = json::array();
  // Every accord version may be the one signed (a contract of 2026 is signed under the accord
  // as amended); the latest is proposed. Its missions and size classes fill the form.
  const std::string accord =
      typed ? typed->accord : (p.accords.empty() ? std::string() : p.accords.back().id);
  const std::string size = typed ? typed->size_class : p.size_class;
  for (const auto& a : p.accords) {
    accords.push_back({{"id", a.id}, {"titre", a.title}, {"choisi", accord == a.id}});
    if (!a.extends.empty()) {
      avenants.push_back({{"id", a.id},
                          {"titre", a.title},
                          {"choisi", typed != nullptr && typed->avenant == a.id}});
    }
    if (a.id != accord) continue;
    for (const auto& m : a.missions) {
      missions.push_back({{"id", m.id},
                          {"libelle", m.label},
                          {"socle", m.socle},
                          {"choisie", m.socle || chosen_mission(m.id)},
                          {"debut", start_of(m.id)}});
    }
    for (const auto& [id, label] : a.size_classes) {
      sizes.push_back({{"id", id}, {"libelle", label}, {"choisie", id == size}});
    }
  }
  const bool has_avenants = !avenants.empty();
  json values{{"reference", typed ? typed->reference : p.reference},
              {"signature", typed ? typed->signature : std::string()},
              {"population", typed ? typed->population : (p.population > 0
                                                              ? std::to_string(p.population)
                                                              : std::string())},
              {"avenant_from", typed ? typed->avenant_from : std::string()},
              {"cpam", typed ? typed->cpam : p.cpam},
              {"ars", typed ? typed->ars : p.ars},
              {"patients", typed ? typed->patients : std::string()}};
  json data{{"titre", "Nouveau contrat ACI — " + p.name},
            {"structure", {{"id", p.structure_id},
                           {"nom", p.name},
                           {"type", p.kind},
                           {"departement", p.departement},
                           {"etape", p.stage_label}}},
            {"refus", p.refusal},
            {"cpts", p.kind == "CPTS"},
            {"communes", p.communes.size()},
            {"taille_proposee", p.size_class},
            {"base_taille", p.size_class_basis},
            {"accords", std::move(accords)},
            {"avenants", std::move(avenants)},
            {"a_avenants", has_avenants},
            {"missions", std::move(missions)},
            {"tailles", std::move(sizes)},
            {"valeurs", std::move(values)},
            {"aujourdhui", format_date(today_utc())}};
  if (error != nullptr) {
    data["erreur"] = error->message;
    if (!error->field.empty()) data["erreurs"][error->field] = error->message;
  }
  auto html = MAILLAGE_TRY(site_.render_page("aci_contrat_nouveau", nullify_empty(std::move(data)), ctx));
  // An error comes back on the form itself (a 200 page; the API keeps the catalogue statuses).
  Response r = Response::html(std::move(html));
  r.set_header("Cache-Control", "no-store");
  return r;
}

Result<Response> AciFeature::page_new_contract(const RequestContext& ctx) {
  if (auto s = ctx.request.query_value("structure")) {
    auto id = MAILLAGE_TRY(parse_id(*s, "structure"));
    return contract_form(ctx, id, nullptr, nullptr);
  }
  // No structure chosen: the structures whose contract can be created now.
  json rows = json::array();
  for (const auto& c : MAILLAGE_TRY(aci_.contract_candidates(*ctx.principal()))) {
    rows.push_back({{"id", c.structure_id},
                    {"nom", c.name},
                    {"type", c.kind},
                    {"departement", c.departement},
                    {"etape", c.stage_label}});
  }
  json data{{"titre", "Nouveau contrat ACI"}, {"candidats", rows}, {"a_candidats", !rows.empty()}};
  return page("aci_contrat_choix", std::move(data), ctx);
}

Result<Response> AciFeature::page_create_contract(const RequestContext& ctx) {
  Params form = ctx.request.form();
  auto id = MAILLAGE_TRY(parse_id(form_value(form, "structure"), "structure"));
  services::AciContractForm f;
  f.structure_id = id;
  f.reference = form_value(form, "reference");
  f.accord = form_value(form, "accord");
  f.signature = form_value(form, "signature");
  f.size_class = form_value(form, "size_class");
  f.population = form_value(form, "population");
  f.avenant = form_value(form, "avenant");
  f.avenant_from = form_value(form, "avenant_from");
  f.cpam = form_value(form, "cpam");
  f.ars = form_value(form, "ars");
  f.patients = form_value(form, "patients");
  auto [first, last] = form.equal_range("mission");
  for (auto it = first; it != last; ++it) f.missions.push_back(it->second);
  for (const auto& [k, v] : form) {
    if (k.rfind("debut_", 0) == 0 && !v.empty()) f.starts.emplace_back(k.substr(6), v);
  }
  auto created = aci_.create_contract_from_form(*ctx.principal(), f);
  if (!created) {
    // Refusals the user can correct come back on the form, with what they typed.
    const auto code = created.error().code;
    if (code == ErrorCode::forbidden || code == ErrorCode::not_found) {
      return tl::unexpected(created.error());
    }
    return contract_form(ctx, id, &f, &created.error());
  }
  return Response::redirect(fmt::format("/aci/contrats/{}?message={}", *created,
                                        url_encode("Contrat enregistré ; la structure est à "
                                                   "l'étape « ACI signé ».")));
}

Result<Response> AciFeature::page_contract(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  return contract_page(ctx, id, false, json::object(), nullptr);
}

namespace {

// The HTTP status of a form refused: 409 for a stale version (the page says so), 200 otherwise
// (the form comes back with the error next to its field).
int refusal_status(const Error* error) {
  return error != nullptr && error->code == ErrorCode::conflict ? 409 : 200;
}

// Missions ticked and their starts, as the forms send them ("mission", "debut_<id>").
void read_missions(const Params& form, std::vector<std::string>& missions,
                   std::vector<std::pair<std::string, std::string>>& starts) {
  auto [first, last] = form.equal_range("mission");
  for (auto it = first; it != last; ++it) missions.push_back(it->second);
  for (const auto& [k, v] : form) {
    if (k.rfind("debut_", 0) == 0) starts.emplace_back(k.substr(6), v);
  }
}

}  // namespace

Result<Response> AciFeature::contract_page(const RequestContext& ctx, std::int64_t id,
                                           bool edit_form, const json& typed,
                                           const Error* error) {
  auto r = MAILLAGE_TRY(aci_.contract(*ctx.principal(), id));
  json data = aci_json::contract(r);
  data["titre"] = (edit_form ? "Modifier le contrat " : "Contrat ") + r.summary.reference;
  data["document_text"] = data["document"].dump(2, ' ', false, json::error_handler_t::replace);
  if (auto m = ctx.request.query_value("message")) data["message"] = *m;
  data["cpts"] = r.summary.kind == "cpts";
  data["modifiable"] = r.permissions.contract && !r.payment_recorded;
  data["avenant_possible"] = r.permissions.contract && r.summary.kind == "cpts";
  data["a_avenants"] = !r.avenants.empty();
  data["aujourdhui"] = format_date(today_utc());
  // The forms: what was typed when refused, else the contract's current terms.
  auto typed_text = [&](const char* key, const std::string& current) {
    return typed.contains(key) ? typed[key].get<std::string>() : current;
  };
  data["valeurs"] = {{"signature", typed_text("signature", r.summary.signature)},
                     {"accord", typed_text("accord", r.summary.accord)},
                     {"size_class", typed_text("size_class", r.summary.size_class)},
                     {"from", typed_text("from", "")},
                     {"avenant_size_class", typed_text("avenant_size_class", "")},
                     {"reason", typed_text("reason", "")},
                     {"version", r.summary.version}};
  if (typed.contains("version")) data["valeurs"]["version"] = typed["version"];
  for (auto& a : data["accords"]) a["chosen"] = a["id"] == data["valeurs"]["accord"];
  for (auto& sc : data["size_classes"]) {
    sc["chosen"] = sc["id"] == data["valeurs"]["size_class"];
    sc["avenant_chosen"] = sc["id"] == data["valeurs"]["avenant_size_class"];
  }
  if (typed.contains("missions")) {
    for (auto& m : data["mission_choices"]) {
      const std::string mid = m["id"];
      bool ticked = false;
      for (const auto& t : typed["missions"]) ticked = ticked || t == mid;
      m["chosen"] = m["socle"].get<bool>() || ticked;
      if (typed.contains("starts") && typed["starts"].contains(mid)) {
        m["start"] = typed["starts"][mid];
      }
    }
  }
  // Missions an avenant can add: those of the accord not in the contract.
  json addable = json::array();
  for (const auto& m : r.mission_choices) {
    if (!m.chosen) addable.push_back({{"id", m.id}, {"label", m.label}});
  }
  data["a_missions_ajoutables"] = !addable.empty();
  data["missions_ajoutables"] = std::move(addable);
  if (error != nullptr) {
    data["erreur"] = error->message;
    data["conflit"] = error->code == ErrorCode::conflict;
    if (!error->field.empty()) data["erreurs"][error->field] = error->message;
  }
  auto html = MAILLAGE_TRY(site_.render_page(edit_form ? "aci_contrat_modifier" : "aci_contrat",
                                             nullify_empty(std::move(data)), ctx));
  Response resp = Response::html(std::move(html), refusal_status(error));
  resp.set_header("Cache-Control", "no-store");
  return resp;
}

Result<Response> AciFeature::page_edit_contract(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  return contract_page(ctx, id, true, json::object(), nullptr);
}

Result<Response> AciFeature::page_save_contract(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  Params form = ctx.request.form();
  services::AciContractEdit e;
  auto version = parse_id(form_value(form, "version"), "version");
  e.version = version ? *version : 0;
  e.signature = form_value(form, "signature");
  e.accord = form_value(form, "accord");
  e.size_class = form_value(form, "size_class");
  read_missions(form, e.missions, e.starts);
  auto done = aci_.edit_contract(*ctx.principal(), id, e);
  if (!done) {
    const auto code = done.error().code;
    if (code == ErrorCode::forbidden || code == ErrorCode::not_found) {
      return tl::unexpected(done.error());
    }
    json typed{{"signature", e.signature},
               {"accord", e.accord},
               {"size_class", e.size_class},
               {"missions", e.missions},
               {"starts", json::object()}};
    for (const auto& [m, d] : e.starts) typed["starts"][m] = d;
    // After a conflict the form shows the current version (and what was typed), so that
    // submitting again overwrites knowingly.
    if (code != ErrorCode::conflict) typed["version"] = e.version;
    return contract_page(ctx, id, true, typed, &done.error());
  }
  return Response::redirect(fmt::format("/aci/contrats/{}?message={}", id,
                                        url_encode("Contrat modifié ; l'échéancier suit les "
                                                   "nouveaux termes.")));
}

Result<Response> AciFeature::page_add_avenant(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  Params form = ctx.request.form();
  services::AciAvenantForm f;
  auto version = parse_id(form_value(form, "version"), "version");
  f.version = version ? *version : 0;
  f.from = form_value(form, "from");
  f.size_class = form_value(form, "avenant_size_class");
  f.reason = form_value(form, "reason");
  read_missions(form, f.missions, f.starts);
  auto n = aci_.add_avenant(*ctx.principal(), id, f);
  if (!n) {
    const auto code = n.error().code;
    if (code == ErrorCode::forbidden || code == ErrorCode::not_found) {
      return tl::unexpected(n.error());
    }
    json typed{{"from", f.from}, {"avenant_size_class", f.size_class}, {"reason", f.reason}};
    if (code != ErrorCode::conflict) typed["version"] = f.version;
    return contract_page(ctx, id, false, typed, &n.error());
  }
  return Response::redirect(fmt::format(
      "/aci/contrats/{}?message={}#avenants", id,
      url_encode(fmt::format("Avenant n° {} enregistré ; l'échéancier en tient compte.", *n))));
}

Result<Response> AciFeature::page_schedule(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto r = MAILLAGE_TRY(aci_.schedule(*ctx.principal(), id));
  json data = aci_json::schedule(r);
  data["titre"] = "Échéancier " + r.contract.reference;
  return page("aci_echeancier", std::move(data), ctx);
}

Result<Response> AciFeature::page_indicators(const RequestContext& ctx) {
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto version = MAILLAGE_TRY(version_query(ctx));
  auto r = MAILLAGE_TRY(aci_.indicators(*ctx.principal(), id, version));
  json data = aci_json::indicators(r);
  data["titre"] = "Indicateurs " + r.contract.reference;
  data["ancienne_version"] = r.version != r.latest_version;
  return page("aci_indicateurs", std::move(data), ctx);
}

Result<services::AciWorkspace> AciFeature::workspace_data(const RequestContext& ctx) {
  auto t = MAILLAGE_TRY(target(ctx, "annee"));
  return aci_.workspace(*ctx.principal(), t.id, t.year);
}

Result<Response> AciFeature::page_dialogue(const RequestContext& ctx) {
  auto r = MAILLAGE_TRY(workspace_data(ctx));
  json data = aci_json::workspace(r);
  data["titre"] = fmt::format("Dialogue de gestion — année {}", r.year);
  data["api"] = fmt::format("/api/v1/aci/contracts/{}/dialogues/{}", r.contract.id, r.year);
  data["contract_api"] = fmt::format("/api/v1/aci/contracts/{}", r.contract.id);
  // Indicator choices for the forms (mission/indicator of the year's sheet).
  json choices = json::array();
  json missions = json::array();
  for (const auto& m : r.sheet.missions) {
    for (const auto& i : m.indicators) {
      choices.push_back(
          {{"value", m.mission + "/" + i.id},
           {"label", m.label + " — " + (i.definition.empty() ? i.id : i.definition)}});
    }
    missions.push_back({{"value", m.mission}, {"label", m.label}});
  }
  data["indicator_choices"] = std::move(choices);
  data["mission_choices"] = std::move(missions);
  return page("dialogue", std::move(data), ctx);
}

Result<Response> AciFeature::page_dossier(const RequestContext& ctx) {
  auto r = MAILLAGE_TRY(workspace_data(ctx));
  json data = aci_json::workspace(r);
  data["titre"] =
      fmt::format("Dossier du dialogue de gestion — {} — année {}", r.contract.reference, r.year);
  return page("dialogue_dossier", std::move(data), ctx);
}

Result<Response> AciFeature::dossier_odt(const RequestContext& ctx) {
  auto r = MAILLAGE_TRY(workspace_data(ctx));
  auto bytes = MAILLAGE_TRY(services::dialogue_dossier_odt(r));
  Response resp;
  resp.content_type = std::string(office::kOdtMediaType);
  resp.body = std::move(bytes);
  resp.set_header("Content-Disposition",
                  fmt::format("attachment; filename=\"dossier-dialogue-{}-annee-{}.odt\"",
                              r.contract.id, r.year));
  resp.set_header("Cache-Control", "private, no-store");
  return resp;
}

}  // namespace maillage::http
