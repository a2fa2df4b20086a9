// The contract form (see aci.hpp): which structures can get a contract now, what the form proposes
// for one (size class from the territory's population, reference, accords and missions), and the
// creation of a contract from the typed fields. The document is written in the engine's format
// (maillage-aci-contract/1) and goes through create_contract like any other, so the engine checks
// a form exactly as it checks a file.
#include <fmt/format.h>

#include <algorithm>

#include "common/dates.hpp"
#include "common/french.hpp"
#include "common/try.hpp"
#include "geo/referentiel.hpp"
#include "services/aci_internal.hpp"

namespace maillage::services {

using namespace aci_detail;

namespace {

bool may_create_for(const Principal& who, const std::string& departement,
                    const std::function<std::string(std::string_view)>& region_of) {
  if (is_read_only(who) || !role_may(who.role, Act::contract)) return false;
  return covers_departement(who, departement, region_of);
}

std::string accord_kind(const std::string& structure_kind) {
  return structure_kind == "CPTS" ? "cpts" : "msp";
}

}  // namespace

std::string aci_detail::form_field(const std::string& engine_field) {
  auto starts = [&](std::string_view p) { return engine_field.rfind(p, 0) == 0; };
  if (starts("contrat.")) return form_field(engine_field.substr(8));
  if (starts("signature")) return "signature";
  if (starts("size_class")) return "size_class";
  if (starts("population")) return "population";
  if (starts("missions")) return "missions";
  if (starts("avenants")) return engine_field.find(".from") != std::string::npos ? "avenant_from"
                                                                                 : "avenant";
  if (starts("accord")) return "accord";
  if (starts("id")) return "reference";
  if (starts("years")) return "patients";
  if (starts("parties.cpam")) return "cpam";
  if (starts("parties.ars")) return "ars";
  if (starts("amendments")) {
    if (engine_field.find(".size_class") != std::string::npos) return "size_class";
    if (engine_field.find(".missions") != std::string::npos) return "missions";
    return "from";
  }
  return "";
}

Result<std::int64_t> aci_detail::whole_number(const std::string& text, const char* field,
                                              const char* what) {
  std::string digits;
  for (char c : text) {
    if (c == ' ' || c == '.' || c == '\xc2' || c == '\xa0' || c == '\xe2' || c == '\x80' ||
        c == '\xaf') {
      continue;  // spaces, narrow no-break spaces and dots as thousands separators
    }
    if (c < '0' || c > '9') {
      return fail(ErrorCode::invalid_input, fmt::format("{} : nombre entier attendu.", what), field);
    }
    digits += c;
  }
  if (digits.empty() || digits.size() > 12) {
    return fail(ErrorCode::invalid_input, fmt::format("{} : nombre entier attendu.", what), field);
  }
  return std::stoll(digits);
}

Result<std::vector<AciContractCandidate>> AciService::contract_candidates(const Principal& who) {
  std::vector<AciContractCandidate> out;
  auto region_of = [this](std::string_view d) { return impl_->region_of(d); };
  for (const auto& s : MAILLAGE_TRY(AciRepository(impl_->db).contract_structures())) {
    if (!may_create_for(who, s.departement, region_of)) continue;
    const registry::Lifecycle* lc = MAILLAGE_TRY(lifecycle_of_kind(s.kind));
    auto step = registry::contract_step(*lc, s.stage);
    if (!step || step->record == nullptr) continue;  // not now, or already signed
    const auto* st = lc->state(s.stage);
    out.push_back({s.id, s.name, s.kind, s.departement, st ? st->label : s.stage});
  }
  return out;
}

Result<AciContractProposal> AciService::propose_contract(const Principal& who,
                                                         std::int64_t structure_id) {
  auto s = MAILLAGE_TRY(AciRepository(impl_->db).structure(structure_id));
  if (!s) {
    return fail(ErrorCode::not_found, fmt::format("structure n° {} introuvable", structure_id),
                "structure");
  }
  if (!may_create_for(who, s->departement,
                      [this](std::string_view d) { return impl_->region_of(d); })) {
    return forbidden("vous ne créez pas de contrat ACI pour cette structure");
  }
  if (s->kind != "CPTS" && s->kind != "MSP") {
    return invalid("structure", fmt::format("une structure {} ne signe pas d'ACI", s->kind));
  }
  AciContractProposal p;
  p.structure_id = structure_id;
  p.name = s->name;
  p.kind = s->kind;
  p.departement = s->departement;
  const registry::Lifecycle* lc = MAILLAGE_TRY(lifecycle_of_kind(s->kind));
  const auto* st = lc->state(s->stage);
  p.stage_label = st ? st->label : s->stage;
  if (auto step = registry::contract_step(*lc, s->stage); !step) {
    p.refusal = step.error().message;
  }
  p.communes = MAILLAGE_TRY(AciRepository(impl_->db).territory(structure_id));
  for (const auto& code : p.communes) {
    if (const auto* c = impl_->ref.commune(code)) p.population += c->population;
  }
  if (const auto* d = impl_->ref.departement(s->departement)) {
    p.cpam = "CPAM de " + d->nom;
    if (const auto* r = impl_->ref.region(d->region)) p.ars = "ARS " + r->nom;
  }
  p.reference = fmt::format("{}-{}-{}-{}", s->kind, s->departement, structure_id,
                            static_cast<int>(today_utc().year()));
  const std::string kind = accord_kind(s->kind);
  for (const auto& a : rulebook().accords) {
    if ((a.kind == aci::AccordKind::cpts) != (kind == "cpts")) continue;
    AciAccordChoice c;
    c.id = a.id;
    c.title = a.title;
    c.extends = a.extends;
    for (const auto& sc : a.size_classes) c.size_classes.emplace_back(sc.id, sc.label);
    for (const auto& m : a.missions) {
      c.missions.push_back({m.id, m.label, m.category == aci::MissionCategory::socle});
    }
    // MSP: the indicators of the catalogue (prérequis and socle are part of every contract).
    for (const auto& i : a.msp.indicators) {
      std::string points = fmt::format("{} points fixes", fr::integer(i.fixed_points.value));
      if (i.variable_points.value > 0) {
        points += fmt::format(" + {} variables", fr::integer(i.variable_points.value));
      }
      c.missions.push_back({i.id, fmt::format("{} ({}, {})", i.label, i.category == "prerequis"
                                                                           ? "prérequis"
                                                                           : i.category,
                                              points),
                            i.category != "optionnel"});
    }
    // Base accords first: the one a contract is signed under; avenants apply from a date.
    auto at = std::find_if(p.accords.begin(), p.accords.end(),
                           [](const AciAccordChoice& x) { return !x.extends.empty(); });
    if (c.extends.empty()) {
      p.accords.insert(at, std::move(c));
    } else {
      p.accords.push_back(std::move(c));
    }
    if (kind == "cpts" && p.size_class.empty() && p.population > 0 && a.extends.empty()) {
      if (const auto* sc = a.size_class_for(p.population)) {
        p.size_class = sc->id;
        p.size_class_basis =
            fmt::format("{} habitants sur {} communes : {}", fr::integer(p.population),
                        p.communes.size(), sc->label);
      }
    }
  }
  return p;
}

Result<std::int64_t> AciService::create_contract_from_form(const Principal& who,
                                                           const AciContractForm& f) {
  auto p = MAILLAGE_TRY(propose_contract(who, f.structure_id));
  if (!p.refusal.empty()) return fail(ErrorCode::invalid_transition, p.refusal, "structure");
  auto required = [](const std::string& v, const char* field, const char* what) -> Status {
    if (v.find_first_not_of(" \t") == std::string::npos) {
      return fail(ErrorCode::missing_field, fmt::format("{} : champ obligatoire.", what), field);
    }
    return {};
  };
  MAILLAGE_CHECK(required(f.reference, "reference", "Référence du contrat"));
  MAILLAGE_CHECK(required(f.accord, "accord", "Accord"));
  MAILLAGE_CHECK(required(f.signature, "signature", "Date de signature"));
  MAILLAGE_CHECK(required(f.cpam, "cpam", "CPAM signataire"));
  MAILLAGE_CHECK(required(f.ars, "ars", "ARS signataire"));
  const auto signature = parse_date(f.signature);
  if (!signature) {
    return fail(ErrorCode::invalid_input, "Date de signature attendue au format AAAA-MM-JJ.",
                "signature");
  }
  if (*signature > today_utc()) {
    return fail(ErrorCode::invalid_input,
                "La date de signature est dans le futur : le contrat s'enregistre une fois signé.",
                "signature");
  }
  const aci::Accord* accord = rulebook().find(f.accord);
  if (accord == nullptr) return fail(ErrorCode::invalid_input, "Accord inconnu.", "accord");

  aci::ContractDraft draft;
  draft.id = f.reference;
  draft.accord = f.accord;
  draft.signature = f.signature;
  draft.cpts = p.kind == "CPTS";
  draft.structure_name = p.name;
  draft.cpam = f.cpam;
  draft.ars = f.ars;
  if (draft.cpts) {
    MAILLAGE_CHECK(required(f.size_class, "size_class", "Taille"));
    draft.size_class = f.size_class;
    if (!f.population.empty()) {
      const std::int64_t population =
          MAILLAGE_TRY(whole_number(f.population, "population", "Population"));
      draft.population = population;
      // At signature the size follows from the population covered (a contract entered from a
      // file may disagree, and its schedule says so; a new one must agree).
      const aci::SizeClass* fit = accord->size_class_for(population);
      if (fit != nullptr && fit->id != f.size_class && accord->size_class(f.size_class)) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("{} habitants relèvent de la taille {} ({}), pas de la taille {}.",
                                fr::integer(population), fit->id, fit->label, f.size_class),
                    "size_class");
      }
    }
    for (const auto& m : f.missions) {
      if (accord->mission(m) == nullptr) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("Mission « {} » inconnue de l'accord {}.", m, accord->id),
                    "missions");
      }
    }
    // Socle missions belong to every contract; optional ones are those ticked.
    for (const auto& m : accord->missions) {
      const bool chosen =
          m.category == aci::MissionCategory::socle ||
          std::find(f.missions.begin(), f.missions.end(), m.id) != f.missions.end();
      if (!chosen) continue;
      std::string start;
      for (const auto& [mission, date] : f.starts) {
        if (mission == m.id) start = date;
      }
      draft.missions.emplace_back(m.id, start);
    }
    if (!f.avenant.empty()) {
      MAILLAGE_CHECK(required(f.avenant_from, "avenant_from", "Date d'effet de l'avenant"));
      draft.avenant = f.avenant;
      draft.avenant_from = f.avenant_from;
    }
  } else {
    for (const auto& m : f.missions) {
      bool known = std::any_of(accord->msp.indicators.begin(), accord->msp.indicators.end(),
                               [&](const aci::MspIndicatorRule& i) { return i.id == m; });
      if (!known) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("Indicateur « {} » inconnu de l'accord {}.", m, accord->id),
                    "missions");
      }
    }
    for (const auto& i : accord->msp.indicators) {
      const bool chosen = i.category != "optionnel" ||
                          std::find(f.missions.begin(), f.missions.end(), i.id) != f.missions.end();
      if (!chosen) continue;
      draft.msp_indicators.push_back(
          {i.id, i.label, i.category, i.fixed_points.value, i.variable_points.value});
    }
    draft.first_year = static_cast<int>(signature->year());
    if (!f.patients.empty()) {
      draft.patients =
          MAILLAGE_TRY(whole_number(f.patients, "patients", "Patientèle médecin traitant"));
    }
  }
  auto id = create_contract(who, f.structure_id, aci::write_contract_draft(draft), p.communes);
  if (!id) {
    Error e = id.error();
    std::string field = e.field;
    if (field.rfind("$.", 0) == 0) field = field.substr(2);
    e.field = form_field(field);
    return tl::unexpected(std::move(e));
  }
  return *id;
}

}  // namespace maillage::services
