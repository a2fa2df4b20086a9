// The dialogue de gestion dossier as ODT, built from the workspace view (the same data as the
// printable HTML page, so the two never disagree).
#include <fmt/format.h>

#include "office/odt.hpp"
#include "services/aci.hpp"

namespace maillage::services {

namespace {

void header(office::Document& doc, const AciWorkspace& w) {
  const AciContractSummary& c = w.contract;
  doc.title = fmt::format("Dialogue de gestion {} — année {}", c.reference, w.year);
  doc.heading(1, doc.title);
  doc.paragraph(office::Paragraph{{{"Structure : ", true}, {c.structure_name}}});
  doc.paragraph(
      office::Paragraph{{{"Contrat : ", true},
                         {fmt::format("{} (accord {}, signé le {}, taille {})", c.reference,
                                      c.accord, c.signature, c.size_class)}}});
  doc.paragraph(office::Paragraph{
      {{"Période : ", true}, {fmt::format("du {} au {}", w.period.from, w.period.to)}}});
  doc.paragraph(
      office::Paragraph{{{"Date du dialogue : ", true},
                         {w.workspace.dialogue_date.empty() ? std::string("non fixée")
                                                            : w.workspace.dialogue_date}}});
  doc.paragraph(office::Paragraph{
      {{"Version des indicateurs : ", true}, {std::to_string(w.indicator_version)}}});
}

void sheet_and_money(office::Document& doc, const AciWorkspace& w) {
  doc.heading(2, "Fiche d'indicateurs");
  if (w.msp) {
    const AciMspSheet& m = w.msp_sheet;
    doc.paragraph(office::Paragraph{
        {{fmt::format("Année civile {} — patientèle {} — {} le point{}", m.calendar_year,
                      m.patients, m.point_value,
                      m.prorata.empty() ? std::string() : " — " + m.prorata + " sous contrat")}}});
    office::Table t{{"Indicateur", "Catégorie", "Points à 100 %", "Atteinte", "Points atteints",
                     "Euros atteints"},
                    {},
                    {4, 1.2, 1.2, 1, 1.2, 1.5}};
    for (const auto& l : m.lines) {
      t.rows.push_back({l.label, l.category_label, l.points_text, l.rate_text,
                        l.points_earned_text, l.euros_earned});
    }
    doc.table(std::move(t));
    doc.paragraph(office::Paragraph{
        {{"Rémunération de l'année : ", true},
         {fmt::format("{} — avance {}, solde {}", m.total, m.advance, m.balance)}}});
  }
  for (const auto& m : w.sheet.missions) {
    doc.heading(3, fmt::format("{} — atteinte {} — part variable {} sur {}", m.label, m.rate_text,
                               m.variable_paid, m.variable_max));
    office::Table t{{"Indicateur", "Unité", "Référence", "Cibles", "Mesuré", "Atteinte"},
                    {},
                    {4, 1.5, 1, 1.5, 1, 1.2}};
    for (const auto& i : m.indicators) {
      t.rows.push_back({i.definition.empty() ? i.id : i.definition, i.unit, i.baseline_text,
                        i.paliers_text, i.measured_text.empty() ? "non mesuré" : i.measured_text,
                        i.rate_text});
    }
    doc.table(std::move(t));
  }
  if (!w.msp) {
    doc.paragraph(office::Paragraph{
        {{"Part variable de l'année : ", true},
         {fmt::format("{} sur {} possibles", w.sheet.variable_paid, w.sheet.variable_max)}}});
  }

  doc.heading(2, "Budget par enveloppe");
  office::Table b{{"Enveloppe", "Attendu (échéancier)", "Reçu", "Dépensé", "Reste"},
                  {},
                  {4, 1.5, 1.5, 1.5, 1.5}};
  for (const auto& l : w.budget.lines)
    b.rows.push_back({l.label, l.expected, l.received, l.spent, l.remaining});
  b.rows.push_back(
      {"Total", w.budget.expected, w.budget.received, w.budget.spent, w.budget.remaining});
  doc.table(std::move(b));

  doc.heading(2, "Échéancier des versements");
  office::Table p{{"Date", "Année", "Enveloppe", "Nature", "Montant"}, {}, {1.3, 0.7, 4, 1, 1.5}};
  for (const auto& x : w.schedule.payments) {
    p.rows.push_back({x.date, std::to_string(x.contract_year), x.envelope_label, x.kind,
                      x.amount_text + (x.verified ? "" : " (valeur non vérifiée)")});
  }
  doc.table(std::move(p));
}

void adjustments(office::Document& doc, const AciWorkspace& w) {
  doc.heading(2, "Ajustements contextuels proposés");
  if (w.adjustments.empty()) doc.paragraph("Aucun ajustement proposé.");
  for (const auto& a : w.adjustments) {
    doc.paragraph(office::Paragraph{
        {{fmt::format("{} / {} : ", a.mission_label, a.indicator), true},
         {fmt::format("{} de {} à {} (proposé par {}, {})", a.fact_label, a.fact_before_text,
                      a.fact_after_text, a.proposed_by, a.proposed_role)}}});
    if (a.error) {
      doc.paragraph("Comparaison impossible : " + *a.error);
      continue;
    }
    doc.table({{"", "Cible d'origine", "Cible ajustée"},
               {{"Cibles", a.original.paliers_text, a.adjusted.paliers_text},
                {"Atteinte de l'indicateur", a.original.indicator_rate, a.adjusted.indicator_rate},
                {"Atteinte de la mission", a.original.mission_rate, a.adjusted.mission_rate},
                {"Part variable", a.original.variable_paid, a.adjusted.variable_paid}},
               {2, 1.5, 1.5}});
    if (!a.rationale.empty()) doc.paragraph("Argumentaire : " + a.rationale);
  }
}

void versions_and_exchanges(office::Document& doc, const AciWorkspace& w) {
  doc.heading(2, "Modifications convenues (versions des indicateurs)");
  for (const auto& v : w.indicator_versions) {
    std::vector<office::Paragraph> items;
    for (const auto& ch : v.changes) {
      items.emplace_back(fmt::format("{} / {}{} : {} → {}", ch.mission_label, ch.indicator,
                                     ch.year ? fmt::format(" (année {})", *ch.year) : "",
                                     ch.before.empty() ? "—" : ch.before,
                                     ch.after.empty() ? "—" : ch.after));
    }
    doc.paragraph(
        office::Paragraph{{{fmt::format("Version {} : ", v.version.number), true},
                           {fmt::format("{} — {} ({}), {}", v.version.reason, v.version.agreed_by,
                                        v.version.agreed_role, v.version.created_at)}}});
    if (!items.empty()) doc.bullets(std::move(items));
  }

  doc.heading(2, "Fiches action");
  if (w.fiches.empty()) doc.paragraph("Aucune fiche action.");
  for (const auto& f : w.fiches) {
    doc.paragraph(office::Paragraph{
        {{f.title + " : ", true}, {fmt::format("{} ({})", f.status_label, f.mission_label)}}});
  }

  doc.heading(2, "Compte rendu");
  doc.paragraph(w.workspace.minutes.empty() ? std::string("Pas encore de compte rendu.")
                                            : w.workspace.minutes);

  doc.heading(2, "Échanges");
  for (const auto& cm : w.comments) {
    doc.paragraph(office::Paragraph{
        {{fmt::format("{} ({}), {} — {} : ", cm.author, cm.role, cm.created_at, cm.item), true},
         {cm.body}}});
  }
}

}  // namespace

Result<std::string> dialogue_dossier_odt(const AciWorkspace& w) {
  office::Document doc;
  header(doc, w);
  sheet_and_money(doc, w);
  adjustments(doc, w);
  versions_and_exchanges(doc, w);
  doc.paragraph(
      "Montants calculés par Maillage à partir des règles de l'accord ; les valeurs non "
      "vérifiées sont signalées comme telles.");
  return office::write_odt(doc);
}

}  // namespace maillage::services
