// Changes of a signed contract's terms (see aci.hpp): edited from the contract's page until the
// first payment is recorded, then by contractual avenants (dated: each contract year follows the
// avenants in force on its first day, see src/aci/README.md). Both rewrite the terms document
// through the engine's helpers (aci/document.hpp), which the engine then validates like any
// contract, and both go through Impl::replace_terms (version check, audit before/after).
#include <fmt/format.h>

#include <algorithm>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "services/aci_internal.hpp"
#include "store/database.hpp"

namespace maillage::services {

using namespace aci_detail;

namespace {

Status required(const std::string& v, const char* field, const char* what) {
  if (v.find_first_not_of(" \t") == std::string::npos) {
    return fail(ErrorCode::missing_field, fmt::format("{} : champ obligatoire.", what), field);
  }
  return {};
}

// An engine error on the rewritten terms, named by the form's field.
Error on_form(Error e) {
  std::string field = e.field;
  if (field.rfind("$.", 0) == 0) field = field.substr(2);
  e.field = form_field(field);
  return e;
}

Status check_date(const std::string& text, const char* field, const char* what) {
  MAILLAGE_CHECK(required(text, field, what));
  if (!parse_date(text)) {
    return fail(ErrorCode::invalid_input, fmt::format("{} attendue au format AAAA-MM-JJ.", what),
                field);
  }
  return {};
}

}  // namespace

Status AciService::edit_contract(const Principal& who, std::int64_t id, const AciContractEdit& e) {
  auto row = MAILLAGE_TRY(impl_->access(who, id, Act::contract));
  if (MAILLAGE_TRY(AciRepository(impl_->db).received_cents(id)) > 0) {
    return fail(ErrorCode::invalid_transition, paid_contract_refusal(row.record.kind), "version");
  }
  if (e.version != row.record.version) {
    return conflict(fmt::format(
        "Le contrat a été modifié par quelqu'un d'autre entre-temps (version {} au lieu de {}) : "
        "rechargez la page pour voir sa version actuelle, puis refaites votre modification.",
        row.record.version, e.version));
  }
  MAILLAGE_CHECK(check_date(e.signature, "signature", "Date de signature"));
  if (*parse_date(e.signature) > today_utc()) {
    return fail(ErrorCode::invalid_input,
                "La date de signature est dans le futur : un contrat s'enregistre une fois signé.",
                "signature");
  }
  MAILLAGE_CHECK(required(e.accord, "accord", "Accord"));
  const aci::Accord* accord = rulebook().find(e.accord);
  const bool cpts = row.record.kind == "cpts";
  if (accord == nullptr || (accord->kind == aci::AccordKind::cpts) != cpts) {
    return fail(ErrorCode::invalid_input,
                fmt::format("Accord « {} » inconnu pour un contrat {}.", e.accord,
                            cpts ? "CPTS" : "MSP"),
                "accord");
  }
  aci::TermsEdit edit;
  edit.signature = e.signature;
  edit.accord = e.accord;
  if (cpts) {
    MAILLAGE_CHECK(required(e.size_class, "size_class", "Taille"));
    edit.size_class = e.size_class;
    for (const auto& m : e.missions) {
      if (accord->mission(m) == nullptr) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("Mission « {} » inconnue de l'accord {}.", m, accord->id),
                    "missions");
      }
    }
    std::vector<std::pair<std::string, std::string>> missions;
    for (const auto& m : accord->missions) {
      const bool chosen = m.category == aci::MissionCategory::socle ||
                          std::find(e.missions.begin(), e.missions.end(), m.id) != e.missions.end();
      if (!chosen) continue;
      std::string start;
      for (const auto& [mission, date] : e.starts) {
        if (mission == m.id) start = date;
      }
      if (!start.empty() && !parse_date(start)) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("Démarrage de « {} » attendu au format AAAA-MM-JJ.", m.label),
                    "missions");
      }
      missions.emplace_back(m.id, start);
    }
    edit.missions = std::move(missions);
  }
  auto terms = aci::edit_terms(row.document.text, edit);
  if (!terms) return fail(ErrorCode::internal, "termes du contrat illisibles");
  auto done = impl_->replace_terms(who, row, e.version, *terms, "aci.contract.edit", true);
  if (!done) return tl::unexpected(on_form(done.error()));
  return {};
}

Result<std::int64_t> AciService::add_avenant(const Principal& who, std::int64_t id,
                                             const AciAvenantForm& f) {
  auto row = MAILLAGE_TRY(impl_->access(who, id, Act::contract));
  if (row.record.kind != "cpts") {
    return fail(ErrorCode::invalid_input,
                "Les avenants s'enregistrent pour les contrats de CPTS ; un contrat de MSP se "
                "modifie par ses années (patientèle) et ses indicateurs.",
                "from");
  }
  if (f.version != row.record.version) {
    return conflict(fmt::format(
        "Le contrat a été modifié par quelqu'un d'autre entre-temps (version {} au lieu de {}) : "
        "rechargez la page, puis enregistrez l'avenant à nouveau.",
        row.record.version, f.version));
  }
  MAILLAGE_CHECK(check_date(f.from, "from", "Date d'effet"));
  if (f.size_class.empty() && f.missions.empty()) {
    return fail(ErrorCode::missing_field,
                "Un avenant change la taille ou ajoute des missions : choisissez au moins l'un.",
                "size_class");
  }
  auto current = parse_cpts(row.document.text, "$.contrat");
  if (!current) return tl::unexpected(on_form(current.error()));
  const aci::Date from = *parse_date(f.from);
  if (!f.size_class.empty() && aci::size_class_on(*current, from) == f.size_class) {
    return fail(ErrorCode::invalid_input,
                fmt::format("Le contrat est déjà en taille {} à cette date.", f.size_class),
                "size_class");
  }
  const aci::Accord* in_force = aci::accord_on(*current, rulebook(), from);
  for (const auto& m : f.missions) {
    if (in_force == nullptr || in_force->mission(m) == nullptr) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("Mission « {} » inconnue de l'accord en vigueur à cette date.", m),
                  "missions");
    }
    if (std::any_of(current->missions.begin(), current->missions.end(),
                    [&](const aci::ContractMission& x) { return x.mission == m; })) {
      return fail(ErrorCode::invalid_input,
                  fmt::format("La mission « {} » est déjà au contrat.", mission_label(*current, m)),
                  "missions");
    }
  }
  for (const auto& [m, d] : f.starts) {
    if (!d.empty() && !parse_date(d)) {
      return fail(ErrorCode::invalid_input, "Démarrage attendu au format AAAA-MM-JJ.", "missions");
    }
  }
  aci::DocumentAmendment a{f.from, f.size_class, f.missions, f.reason};
  auto terms = aci::add_amendment(row.document.text, a, f.starts);
  if (!terms) return fail(ErrorCode::internal, "termes du contrat illisibles");
  auto done = impl_->replace_terms(who, row, f.version, *terms, "aci.contract.avenant", false);
  if (!done) return tl::unexpected(on_form(done.error()));
  return static_cast<std::int64_t>(row.document.amendments.size() + 1);
}

Status AciService::Impl::terms_view(AciContractView& out, const ContractRow& row) {
  out.payment_recorded = MAILLAGE_TRY(AciRepository(db).received_cents(row.record.id)) > 0;
  const aci::Accord* accord = rulebook().find(row.record.accord);
  for (const auto& a : rulebook().accords) {
    if ((a.kind == aci::AccordKind::cpts) != (row.record.kind == "cpts")) continue;
    out.accords.push_back({a.id, a.title, false, a.id == row.record.accord, ""});
  }
  if (row.record.kind != "cpts" || accord == nullptr) return {};
  auto c = parse_cpts(row.document.text, "$.contrat");
  if (!c) return tl::unexpected(c.error());
  out.size_class_now = aci::size_class_on(*c, today_utc());
  for (const auto& sc : accord->size_classes) {
    out.size_classes.push_back({sc.id, sc.label, false, sc.id == row.record.size_class, ""});
  }
  for (const auto& m : accord->missions) {
    AciChoice choice{m.id, m.label, m.category == aci::MissionCategory::socle, false, ""};
    for (const auto& [id, start] : row.document.mission_starts) {
      if (id == m.id) {
        choice.chosen = true;
        choice.start = start;
      }
    }
    out.mission_choices.push_back(std::move(choice));
  }
  int number = 0;
  for (const auto& a : row.document.amendments) {
    AciAvenantView v{++number, a.from, a.size_class, {}, a.reason};
    for (const auto& m : a.missions) v.missions.push_back(mission_label(*c, m));
    out.avenants.push_back(std::move(v));
  }
  return {};
}

}  // namespace maillage::services
