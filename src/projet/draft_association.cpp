// The data blocks read from the association's own data (statuts, collèges, bureau, members,
// working groups) and the evolution since the previous RPPS snapshot. Each says plainly when the
// data are missing, so a porteur knows what to enter in Maillage rather than finding a gap.
#include <fmt/format.h>

#include "common/french.hpp"
#include "projet/draft_internal.hpp"

namespace maillage::projet::detail {

namespace {

std::string association_cite(const AssociationFacts& a) {
  return "registre de l'association tenu dans Maillage (statuts, adhérents, groupes de travail), "
         "au " +
         shown_date(a.as_of);
}

// "+3", "−2" (minus sign), "0".
std::string signed_count(double v) {
  const std::string n = count_text(std::abs(v));
  if (v > 0.5) return "+" + n;
  if (v < -0.5) return "\u2212" + n;
  return "0";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

constexpr const char* kNoAssociation =
    "Les données de l'association ne sont pas disponibles pour ce document.";

}  // namespace

Blocks evolution_blocks(const ProjetFacts& f) {
  const auto& d = f.diagnostic;
  if (f.rpps_date.empty()) {
    return {office::Paragraph(
        "Aucune extraction du RPPS n'a été importée dans Maillage : l'évolution de l'offre n'est "
        "pas encore chiffrée.")};
  }
  if (!d.previous_date) {
    return {office::Paragraph(fmt::format(
        "Une seule extraction du RPPS (du {}) a été importée dans Maillage : l'évolution sera "
        "calculée à l'import de la suivante.",
        shown_date(f.rpps_date)))};
  }
  const std::string before = shown_date(*d.previous_date);
  const std::string now = shown_date(f.rpps_date);
  office::Table t{{"Profession", "Effectif au " + before, "Effectif au " + now, "Évolution",
                   "Arrivées", "Départs"},
                  {},
                  {3, 1.3, 1.3, 1, 1, 1}};
  for (const auto& p : d.professions) {
    if (!p.change) continue;
    const auto& c = *p.change;
    t.rows.push_back({p.label, count_text(c.count_before), count_text(p.territory.count),
                      signed_count(c.count_delta), fr::integer(c.arrived), fr::integer(c.left)});
  }
  Blocks out;
  out.emplace_back(std::move(t));
  out.emplace_back(office::Paragraph(
      "Arrivées et départs sont comptés par identifiant RPPS : un professionnel qui change de "
      "commune sans quitter le territoire n'est ni arrivé ni parti."));
  out.emplace_back(source_line(fmt::format("{} ; extraction précédente du {}", rpps_cite(f),
                                           before)));
  return out;
}

Blocks gouvernance_blocks(const ProjetFacts& f) {
  if (!f.association) return {office::Paragraph(kNoAssociation)};
  const AssociationFacts& a = *f.association;
  Blocks out;
  if (!a.statuts_defined) {
    out.emplace_back(office::Paragraph(
        "Les statuts de l'association n'ont pas encore été saisis dans Maillage (page « Statuts » "
        "de l'association) : les collèges et le bureau seront décrits ici dès qu'ils le seront."));
    return out;
  }
  out.emplace_back(office::Paragraph{{{"Droit de vote : ", true}, {a.weighting}}});
  out.emplace_back(office::Paragraph{{{"Période d'adhésion : ", true}, {a.period}}});
  if (a.colleges.empty()) {
    out.emplace_back(office::Paragraph("Les statuts ne définissent pas de collège."));
  } else {
    out.emplace_back(bold("Collèges"));
    office::Table t{{"Collège", "Professions et membres qu'il réunit", "Poids dans les votes",
                     "Membres actifs"},
                    {},
                    {2, 3.5, 1.5, 1.5}};
    for (const auto& c : a.colleges) {
      t.rows.push_back({c.name, c.professions.empty() ? "—" : joined(c.professions),
                        c.weight.empty() ? "une voix par membre" : c.weight,
                        fr::integer(c.members)});
    }
    out.emplace_back(std::move(t));
  }
  out.emplace_back(bold("Bureau"));
  if (!a.names_visible) {
    out.emplace_back(office::Paragraph(
        "La composition nominative du bureau figure dans le document établi par la "
        "coordination de la CPTS."));
  } else if (a.bureau.empty()) {
    out.emplace_back(office::Paragraph("Aucun membre n'est inscrit au bureau dans Maillage."));
  } else {
    office::Table t{{"Fonction", "Nom", "Profession"}, {}, {2, 3, 3}};
    for (const auto& s : a.bureau) t.rows.push_back({s.function, s.name, s.profession});
    out.emplace_back(std::move(t));
  }
  out.emplace_back(source_line(association_cite(a)));
  return out;
}

Blocks membres_blocks(const ProjetFacts& f) {
  if (!f.association) return {office::Paragraph(kNoAssociation)};
  const AssociationFacts& a = *f.association;
  if (a.active_members == 0) {
    return {office::Paragraph("Aucun membre n'est encore enregistré dans Maillage."),
            source_line(association_cite(a))};
  }
  Blocks out;
  out.emplace_back(office::Paragraph{
      {{"Membres actifs : ", true}, {fr::integer(a.active_members)}}});
  office::Table t{{"Profession", "Membres", "Professionnels du territoire", "Part des professionnels"},
                  {},
                  {3, 1, 1.5, 1.5}};
  for (const auto& r : a.by_profession) {
    t.rows.push_back({r.label, fr::integer(r.members),
                      r.professionals ? count_text(*r.professionals) : "—",
                      r.rate ? fr::decimal(*r.rate * 100, 1) + " %" : "—"});
  }
  out.emplace_back(std::move(t));
  std::string cite = association_cite(a);
  if (!a.rate_date.empty()) {
    cite += fmt::format(" ; professionnels : {}, extraction du {}, comptés comme au diagnostic",
                        f.rpps_source, shown_date(a.rate_date));
  }
  out.emplace_back(source_line(cite));
  return out;
}

Blocks groupes_blocks(const ProjetFacts& f) {
  if (!f.association) return {office::Paragraph(kNoAssociation)};
  const AssociationFacts& a = *f.association;
  if (a.groups.empty()) {
    return {office::Paragraph("Aucun groupe de travail n'est encore enregistré dans Maillage."),
            source_line(association_cite(a))};
  }
  office::Table t{{"Groupe de travail", "Mission de l'ACI", "Pilotes", "Membres", "Réunions",
                   "Prochaine réunion"},
                  {},
                  {3, 3, 2.5, 1, 1, 1.5}};
  for (const auto& g : a.groups) {
    t.rows.push_back({g.name, g.mission.empty() ? "—" : g.mission,
                      g.pilots.empty() ? "—" : g.pilots, fr::integer(g.members),
                      fr::integer(g.meetings),
                      g.next_meeting.empty() ? "aucune prévue" : shown_date(g.next_meeting)});
  }
  Blocks out;
  out.emplace_back(std::move(t));
  out.emplace_back(source_line(association_cite(a)));
  return out;
}

Blocks annexe_membres_blocks(const ProjetFacts& f) {
  if (!f.association) return {office::Paragraph(kNoAssociation)};
  const AssociationFacts& a = *f.association;
  if (!a.names_visible) {
    return {office::Paragraph(fmt::format(
        "La liste nominative des membres figure dans le document établi par la coordination de "
        "la CPTS ({} membres actifs).",
        fr::integer(a.active_members)))};
  }
  if (a.members.empty()) {
    return {office::Paragraph("Aucun membre n'est encore enregistré dans Maillage.")};
  }
  office::Table t{{"Membre", "Profession", "Commune d'exercice", "Collège"}, {}, {3, 2.5, 2.5, 2}};
  for (const auto& m : a.members) {
    t.rows.push_back({m.name, m.profession.empty() ? "—" : m.profession,
                      m.commune.empty() ? "—" : m.commune, m.college.empty() ? "—" : m.college});
  }
  Blocks out;
  out.emplace_back(std::move(t));
  out.emplace_back(source_line(association_cite(a) +
                               " ; données professionnelles publiques seulement (ni courriel ni "
                               "téléphone)"));
  return out;
}

}  // namespace maillage::projet::detail
