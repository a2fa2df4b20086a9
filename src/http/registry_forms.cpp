// The structure forms: "Nouvelle structure" (type, identity, contacts, starting stage with its
// date; structures that may be the same are shown and must be confirmed) and "Modifier" (with the
// version read: a concurrent edit is a conflict shown on the form, nothing is overwritten). The
// service validates; errors come back next to their field with what the user typed, as a 200
// page (the form is the answer; the API keeps the catalogue's statuses).
#include <fmt/format.h>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "geo/text.hpp"
#include "http/answers.hpp"
#include "http/registry_feature.hpp"
#include "http/web_app.hpp"

namespace maillage::http {

using namespace registry_http;

namespace {

// The identity fields of the form, as typed (kept when the form comes back with an error).
json typed_fields(const Params& form) {
  json v = json::object();
  for (const char* k : {"type", "nom", "forme_juridique", "siret", "finess", "rna", "commune",
                        "adresse", "contact_nom", "contact_courriel", "contact_telephone",
                        "etape_depart", "date_depart", "version"}) {
    v[k] = form_value(form, k);
  }
  return v;
}

json fields_of(const services::Structure& s, const geo::Referentiel& ref) {
  std::string commune = s.commune;
  if (const auto* c = ref.commune(s.commune)) commune = fmt::format("{} ({})", c->nom, c->code);
  return {{"type", s.kind},
          {"nom", s.name},
          {"forme_juridique", s.legal_form},
          {"siret", s.siret},
          {"finess", s.finess},
          {"rna", s.rna},
          {"commune", commune},
          {"adresse", s.address},
          {"contact_nom", s.contact_name},
          {"contact_courriel", s.contact_email},
          {"contact_telephone", s.contact_phone},
          {"version", std::to_string(s.version)}};
}

// The form's field name for a service error's field.
std::string field_name(const std::string& f) {
  static const std::map<std::string, std::string> names{
      {"kind", "type"},           {"name", "nom"},
      {"legal_form", "forme_juridique"}, {"contact_name", "contact_nom"},
      {"contact_email", "contact_courriel"}, {"contact_phone", "contact_telephone"},
      {"address", "adresse"},     {"start_stage", "etape_depart"},
      {"start_date", "date_depart"}};
  auto it = names.find(f);
  return it == names.end() ? f : it->second;
}

// "Metz (57463)", "57463" or "Metz": the INSEE code of a commune of the département. A name
// that matches several communes of the département, none of them exactly, is refused with the
// candidates named.
Result<std::string> commune_code(const geo::Referentiel& ref, const std::string& typed,
                                 const std::string& departement) {
  std::string t = typed;
  if (auto open = t.rfind('('); open != std::string::npos && t.back() == ')') {
    t = t.substr(open + 1, t.size() - open - 2);
  }
  if (ref.commune(t) != nullptr) return t;
  std::vector<const geo::Commune*> found;
  for (auto i : ref.search(typed, 20)) {
    const auto& c = ref.communes[i];
    if (c.departement == departement) found.push_back(&c);
  }
  if (found.size() == 1) return found.front()->code;
  // "Verdun" also finds Belrupt-en-Verdunois: a name typed whole (case and accents aside) is
  // that commune when only one of the département bears it.
  const std::string folded = geo::fold_name(typed);
  const geo::Commune* exact = nullptr;
  int exact_count = 0;
  for (const auto* c : found) {
    if (geo::fold_name(c->nom) == folded) {
      exact = c;
      ++exact_count;
    }
  }
  if (exact_count == 1) return exact->code;
  if (found.empty()) {
    return fail(ErrorCode::invalid_input,
                fmt::format("Aucune commune « {} » dans le département {}.", typed, departement),
                "commune");
  }
  std::string names;
  for (const auto* c : found) names += (names.empty() ? "" : ", ") + c->nom + " (" + c->code + ")";
  return fail(ErrorCode::invalid_input,
              fmt::format("Plusieurs communes répondent à « {} » : {}. Précisez le code INSEE.",
                          typed, names),
              "commune");
}

Result<services::StructureFields> fields_from(const Params& form, const geo::Referentiel& ref,
                                              const std::string& departement) {
  services::StructureFields f;
  f.name = form_value(form, "nom");
  f.legal_form = form_value(form, "forme_juridique");
  f.siret = form_value(form, "siret");
  f.finess = form_value(form, "finess");
  f.rna = form_value(form, "rna");
  f.address = form_value(form, "adresse");
  f.contact_name = form_value(form, "contact_nom");
  f.contact_email = form_value(form, "contact_courriel");
  f.contact_phone = form_value(form, "contact_telephone");
  const std::string commune = form_value(form, "commune");
  f.commune = commune.empty() ? std::string()
                              : MAILLAGE_TRY(commune_code(ref, commune, departement));
  return f;
}

}  // namespace

json RegistryFeature::add_choices(json data) const {
  const json& v = data["valeurs"];
  const std::string type = v.value("type", "");
  const std::string stage = v.value("etape_depart", "");
  json types = json::array();
  json groups = json::array();
  for (const char* k : {"CPTS", "MSP", "ESP", "CDS"}) {
    types.push_back({{"valeur", k}, {"choisi", type == k}});
    json stages = json::array();
    for (const auto& st : registry_.start_stages(k)) {
      stages.push_back({{"valeur", st.id}, {"libelle", st.label},
                        {"choisi", type == k && stage == st.id}});
    }
    groups.push_back({{"type", k}, {"etapes", std::move(stages)}});
  }
  data["types"] = std::move(types);
  data["groupes_etapes"] = std::move(groups);
  return data;
}

Result<Response> RegistryFeature::structure_form(const RequestContext& ctx, json data,
                                                 const Error* error, int status) {
  if (error != nullptr) {
    data["erreur"] = error->message;
    const std::string f = field_name(error->field);
    if (!f.empty()) data["erreurs"][f] = error->message;
  }
  auto html = MAILLAGE_TRY(
      site_.render_page("registre_structure_formulaire", nullify_empty(std::move(data)), ctx));
  return Response::html(std::move(html), status);
}

Result<Response> RegistryFeature::page_new_structure(const RequestContext& ctx) {
  const auto& who = *ctx.principal();
  std::string dep = ctx.request.query_value("departement").value_or("");
  if (dep.empty()) dep = site_.default_departement(ctx.principal());
  const auto* d = site_.ref.departement(dep);
  if (d == nullptr) return fail(ErrorCode::not_found, "Département inconnu.", "departement");
  json values = json::object();
  values["type"] = ctx.request.query_value("type").value_or("CPTS");
  values["date_depart"] = format_date(today_utc());
  json data{{"titre", "Nouvelle structure — " + d->nom},
            {"creation", true},
            {"departement", {{"code", d->code}, {"nom", d->nom}}},
            {"valeurs", values}};
  (void)who;
  return structure_form(ctx, add_choices(std::move(data)), nullptr, 200);
}

Result<Response> RegistryFeature::page_create_structure(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  const auto& who = *ctx.principal();
  Params form = ctx.request.form();
  const std::string dep = form_value(form, "departement");
  const auto* d = site_.ref.departement(dep);
  if (d == nullptr) return fail(ErrorCode::not_found, "Département inconnu.", "departement");
  json data{{"titre", "Nouvelle structure — " + d->nom},
            {"creation", true},
            {"departement", {{"code", d->code}, {"nom", d->nom}}},
            {"valeurs", typed_fields(form)}};
  auto back = [&](const Error& e) {
    return structure_form(ctx, add_choices(std::move(data)), &e, 200);
  };
  auto fields = fields_from(form, site_.ref, dep);
  if (!fields) return back(fields.error());
  services::NewStructure ns;
  ns.kind = form_value(form, "type");
  ns.name = form_value(form, "nom");
  ns.departement = dep;
  ns.fields = std::move(*fields);
  ns.start_stage = form_value(form, "etape_depart");
  if (const std::string date = form_value(form, "date_depart"); !date.empty()) {
    ns.start_date = parse_date(date);
    if (!ns.start_date) {
      return back(Error{ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.",
                        "date_depart", {}, 0});
    }
  }
  // Same SIRET or same name in the département: shown, and created only once confirmed.
  if (form_value(form, "confirmer_doublon").empty()) {
    auto dups = MAILLAGE_TRY(r->possible_duplicates(who, dep, ns.name, *ns.fields.siret));
    if (!dups.empty()) {
      json rows = json::array();
      for (const auto& s : dups) {
        rows.push_back({{"id", s.id}, {"nom", s.name}, {"type", s.kind},
                        {"etape", s.stage_label}, {"siret", s.siret}});
      }
      data["doublons"] = std::move(rows);
      data["a_doublons"] = true;
      return structure_form(ctx, add_choices(std::move(data)), nullptr, 200);
    }
  }
  auto s = r->create_structure(who, ns);
  if (!s) return back(s.error());
  return Response::redirect(fmt::format("/structures/{}?message={}", s->id,
                                        url_encode("Structure créée : " + s->name + ".")));
}

Result<Response> RegistryFeature::page_edit_structure(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  auto s = MAILLAGE_TRY(r->get_structure(*ctx.principal(), id));
  json data{{"titre", "Modifier — " + s.name},
            {"creation", false},
            {"structure", {{"id", s.id}, {"nom", s.name}, {"type", s.kind}}},
            {"departement", {{"code", s.departement}}},
            {"valeurs", fields_of(s, site_.ref)}};
  return structure_form(ctx, add_choices(std::move(data)), nullptr, 200);
}

Result<Response> RegistryFeature::page_update_structure(const RequestContext& ctx) {
  services::Registry* r = &registry_;
  auto id = MAILLAGE_TRY(parse_id(ctx.request.param("id"), "id"));
  const auto& who = *ctx.principal();
  auto current = MAILLAGE_TRY(r->get_structure(who, id));
  Params form = ctx.request.form();
  json values = typed_fields(form);
  values["type"] = current.kind;
  json data{{"titre", "Modifier — " + current.name},
            {"creation", false},
            {"structure", {{"id", current.id}, {"nom", current.name}, {"type", current.kind}}},
            {"departement", {{"code", current.departement}}},
            {"valeurs", values}};
  auto back = [&](const Error& e) {
    json d = data;
    if (e.code == ErrorCode::conflict) {
      // Someone saved in between: their version is shown beside what this user typed.
      d["conflit"] = fields_of(current, site_.ref);
      d["valeurs"]["version"] = std::to_string(current.version);
    }
    return structure_form(ctx, add_choices(std::move(d)), &e, 200);
  };
  auto version = parse_id(form_value(form, "version"), "version");
  if (!version) return back(version.error());
  auto fields = fields_from(form, site_.ref, current.departement);
  if (!fields) return back(fields.error());
  auto s = r->update_structure(who, id, *version, *fields);
  if (!s) return back(s.error());
  return Response::redirect(
      fmt::format("/structures/{}?message={}", id, url_encode("Fiche enregistrée.")));
}

}  // namespace maillage::http
