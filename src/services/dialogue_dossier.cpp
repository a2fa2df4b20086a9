// The dialogue de gestion dossier as ODT, built from the workspace view (the same data as the
// printable HTML page, so the two never disagree).
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "office/odt.hpp"
#include "services/aci.hpp"

namespace maillage::services {

using nlohmann::json;

namespace {

std::string s(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

Result<std::string> dialogue_dossier_odt(const json& w) {
  const json& c = w.at("contract");
  office::Document doc;
  doc.title = fmt::format("Dialogue de gestion {} — année {}", s(c, "reference"), w.value("year", 0));
  doc.heading(1, doc.title);
  doc.paragraph(office::Paragraph{{{"Structure : ", true}, {s(c.at("structure"), "nom")}}});
  doc.paragraph(office::Paragraph{{{"Contrat : ", true},
                                   {fmt::format("{} (accord {}, signé le {}, taille {})",
                                                s(c, "reference"), s(c, "accord"),
                                                s(c, "signature"), s(c, "size_class"))}}});
  doc.paragraph(office::Paragraph{{{"Période : ", true},
                                   {fmt::format("du {} au {}", s(w.at("period"), "from"),
                                                s(w.at("period"), "to"))}}});
  doc.paragraph(office::Paragraph{{{"Date du dialogue : ", true},
                                   {s(w.at("workspace"), "dialogue_date").empty()
                                        ? std::string("non fixée")
                                        : s(w.at("workspace"), "dialogue_date")}}});
  doc.paragraph(office::Paragraph{
      {{"Version des indicateurs : ", true}, {std::to_string(w.value("indicator_version", 0))}}});

  doc.heading(2, "Fiche d'indicateurs");
  for (const auto& m : w.at("sheet").at("missions")) {
    doc.heading(3, fmt::format("{} — atteinte {} — part variable {} sur {}", s(m, "label"),
                               s(m, "rate_text"), s(m, "variable_paid"), s(m, "variable_max")));
    office::Table t{{"Indicateur", "Unité", "Référence", "Cibles", "Mesuré", "Atteinte"}, {}, {4, 1.5, 1, 1.5, 1, 1.2}};
    for (const auto& i : m.at("indicators")) {
      t.rows.push_back({s(i, "definition").empty() ? s(i, "id") : s(i, "definition"), s(i, "unit"),
                        s(i, "baseline_text"), s(i, "paliers_text"),
                        s(i, "measured_text").empty() ? "non mesuré" : s(i, "measured_text"),
                        s(i, "rate_text")});
    }
    doc.table(std::move(t));
  }
  doc.paragraph(office::Paragraph{{{"Part variable de l'année : ", true},
                                   {fmt::format("{} sur {} possibles", s(w.at("sheet"), "variable_paid"),
                                                s(w.at("sheet"), "variable_max"))}}});

  doc.heading(2, "Budget par enveloppe");
  office::Table b{{"Enveloppe", "Attendu (échéancier)", "Reçu", "Dépensé", "Reste"}, {}, {4, 1.5, 1.5, 1.5, 1.5}};
  for (const auto& l : w.at("budget").at("lines")) {
    b.rows.push_back({s(l, "label"), s(l, "expected"), s(l, "received"), s(l, "spent"), s(l, "remaining")});
  }
  b.rows.push_back({"Total", s(w.at("budget"), "expected"), s(w.at("budget"), "received"),
                    s(w.at("budget"), "spent"), s(w.at("budget"), "remaining")});
  doc.table(std::move(b));

  doc.heading(2, "Échéancier des versements");
  office::Table p{{"Date", "Année", "Enveloppe", "Nature", "Montant"}, {}, {1.3, 0.7, 4, 1, 1.5}};
  for (const auto& x : w.at("schedule").at("payments")) {
    p.rows.push_back({s(x, "date"), s(x, "contract_year"), s(x, "envelope_label"), s(x, "kind"),
                      s(x, "amount_text") + (x.value("verified", true) ? "" : " (valeur non vérifiée)")});
  }
  doc.table(std::move(p));

  doc.heading(2, "Ajustements contextuels proposés");
  if (w.at("adjustments").empty()) doc.paragraph("Aucun ajustement proposé.");
  for (const auto& a : w.at("adjustments")) {
    doc.paragraph(office::Paragraph{
        {{fmt::format("{} / {} : ", s(a, "mission_label"), s(a, "indicator")), true},
         {fmt::format("{} de {} à {} (proposé par {}, {})", s(a, "fact_label"),
                      s(a, "fact_before_text"), s(a, "fact_after_text"), s(a, "proposed_by"),
                      s(a, "proposed_role"))}}});
    if (a.contains("error")) {
      doc.paragraph("Comparaison impossible : " + s(a, "error"));
      continue;
    }
    doc.table({{"", "Cible d'origine", "Cible ajustée"},
               {{"Cibles", s(a.at("original"), "paliers_text"), s(a.at("adjusted"), "paliers_text")},
                {"Atteinte de l'indicateur", s(a.at("original"), "indicator_rate"),
                 s(a.at("adjusted"), "indicator_rate")},
                {"Atteinte de la mission", s(a.at("original"), "mission_rate"),
                 s(a.at("adjusted"), "mission_rate")},
                {"Part variable", s(a.at("original"), "variable_paid"),
                 s(a.at("adjusted"), "variable_paid")}},
               {2, 1.5, 1.5}});
    if (!s(a, "rationale").empty()) doc.paragraph("Argumentaire : " + s(a, "rationale"));
  }

  doc.heading(2, "Modifications convenues (versions des indicateurs)");
  for (const auto& v : w.at("indicator_versions")) {
    std::vector<office::Paragraph> items;
    for (const auto& ch : v.at("changes")) {
      items.emplace_back(fmt::format("{} / {}{} : {} → {}", s(ch, "mission_label"), s(ch, "indicator"),
                                     ch["year"].is_number() ? fmt::format(" (année {})", ch["year"].get<int>()) : "",
                                     s(ch, "before").empty() ? "—" : s(ch, "before"),
                                     s(ch, "after").empty() ? "—" : s(ch, "after")));
    }
    doc.paragraph(office::Paragraph{{{fmt::format("Version {} : ", v.value("number", 0)), true},
                                     {fmt::format("{} — {} ({}), {}", s(v, "reason"), s(v, "agreed_by"),
                                                  s(v, "agreed_role"), s(v, "created_at"))}}});
    if (!items.empty()) doc.bullets(std::move(items));
  }

  doc.heading(2, "Fiches action");
  if (w.at("fiches").empty()) doc.paragraph("Aucune fiche action.");
  for (const auto& f : w.at("fiches")) {
    doc.paragraph(office::Paragraph{{{s(f, "title") + " : ", true},
                                     {fmt::format("{} ({})", s(f, "status_label"), s(f, "mission_label"))}}});
  }

  doc.heading(2, "Compte rendu");
  std::string minutes = s(w.at("workspace"), "minutes");
  doc.paragraph(minutes.empty() ? std::string("Pas encore de compte rendu.") : minutes);

  doc.heading(2, "Échanges");
  for (const auto& cm : w.at("comments")) {
    doc.paragraph(office::Paragraph{
        {{fmt::format("{} ({}), {} — {} : ", s(cm, "author"), s(cm, "role"), s(cm, "created_at"),
                      s(cm, "item")),
          true},
         {s(cm, "body")}}});
  }
  doc.paragraph("Montants calculés par Maillage à partir des règles de l'accord ; les valeurs non "
                "vérifiées sont signalées comme telles.");
  return office::write_odt(doc);
}

}  // namespace maillage::services
