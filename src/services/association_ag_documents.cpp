// Documents of an AG: the association's calendar (iCalendar), the convocation letters and the
// procès-verbal (ODT, src/office).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "office/document.hpp"
#include "office/odt.hpp"
#include "services/association_ag.hpp"
#include "services/association_ag_internal.hpp"
#include "services/association_internal.hpp"
#include "services/roster_export.hpp"

namespace maillage::services {

std::string association_icalendar(const std::vector<CalendarEvent>& events,
                                  const std::string& calendar_name, const std::string& dtstamp) {
  std::string out;
  auto line = [&out](const std::string& l) { out += ical_fold(l) + "\r\n"; };
  line("BEGIN:VCALENDAR");
  line("VERSION:2.0");
  line("PRODID:-//Maillage//Association//FR");
  line("CALSCALE:GREGORIAN");
  line("METHOD:PUBLISH");
  line("X-WR-CALNAME:" + ical_escape(calendar_name));
  line("X-WR-TIMEZONE:Europe/Paris");
  for (const auto& l : ical_paris_timezone()) line(l);
  for (const auto& e : events) {
    line("BEGIN:VEVENT");
    line("UID:" + ical_escape(e.uid));
    line("DTSTAMP:" + dtstamp);
    line("DTSTART;TZID=Europe/Paris:" + ical_local_time(e.day, e.start, false));
    line("DTEND;TZID=Europe/Paris:" + ical_local_time(e.day, e.end, e.end < e.start));
    line("SUMMARY:" + ical_escape(e.summary));
    if (!e.location.empty()) line("LOCATION:" + ical_escape(e.location));
    if (!e.description.empty()) line("DESCRIPTION:" + ical_escape(e.description));
    line("END:VEVENT");
  }
  line("END:VCALENDAR");
  return out;
}

namespace {

using ag::Context;

}  // namespace

Result<std::string> Assemblies::letters_odt(const Principal& who, std::int64_t structure_id,
                                            std::int64_t assembly_id,
                                            const std::string& link) const {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  if (ctx.statuts.access != AssociationAccess::manage) {
    return fail(ErrorCode::forbidden,
                "Les lettres de convocation sont réservées à la coordination et au bureau.");
  }
  const Date day = parse_date(ctx.row.held_on).value_or(today_utc());
  office::Document doc;
  doc.title = "Convocations — " + ag::kind_label(ctx.row.kind) + " du " + format_date_fr(day);
  doc.author = ctx.statuts.structure_name;
  doc.footer.text =
      ctx.statuts.structure_name + " — convocation à l'" + ag::kind_label(ctx.row.kind);
  std::vector<const MemberRow*> members;
  for (const auto& m : ctx.convened) members.push_back(&m);
  std::sort(members.begin(), members.end(), [](const MemberRow* a, const MemberRow* b) {
    return assoc::display_name(a->data) < assoc::display_name(b->data);
  });
  bool first = true;
  for (const auto* m : members) {
    if (!first) doc.page_break();
    first = false;
    const std::string name = assoc::display_name(m->data);
    doc.paragraph(office::Paragraph{{{ctx.statuts.structure_name, true}}});
    doc.paragraph(office::Paragraph{{{name, true}}});
    if (!m->data.representative.empty())
      doc.paragraph("À l'attention de " + m->data.representative);
    doc.heading(1, "Convocation à l'" + ag::kind_label(ctx.row.kind));
    // The letter's text, paragraph by paragraph.
    const std::string text = ag::convocation_text(ctx, name, link);
    std::size_t start = 0;
    while (start < text.size()) {
      auto end = text.find("\n\n", start);
      if (end == std::string::npos) end = text.size();
      std::string para = text.substr(start, end - start);
      while (!para.empty() && para.back() == '\n') para.pop_back();
      if (!para.empty()) doc.paragraph(para);
      start = end + 2;
    }
  }
  if (members.empty()) doc.paragraph("Aucun membre à convoquer.");
  return office::write_odt(doc);
}

Result<std::string> Assemblies::minutes_odt(const Principal& who, std::int64_t structure_id,
                                            std::int64_t assembly_id) const {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  const bool names = ctx.statuts.access != AssociationAccess::aggregate;
  auto view = MAILLAGE_TRY(ag::build_view(ctx, false));
  if (ctx.row.status == "preparation") {
    return fail(ErrorCode::invalid_transition,
                "Le procès-verbal s'écrit à partir de la séance : ouvrez d'abord la feuille "
                "d'émargement.",
                "statut");
  }
  const bool closed = ctx.row.status == "closed";
  const Date day = parse_date(ctx.row.held_on).value_or(today_utc());
  office::Document doc;
  const std::string what = ag::kind_label(ctx.row.kind) + " du " + format_date_fr(day);
  doc.title = (closed ? "Procès-verbal de l'" : "Projet de procès-verbal de l'") + what;
  doc.author = ctx.statuts.structure_name;
  doc.footer.text = ctx.statuts.structure_name + " — procès-verbal de l'" + what;
  doc.footer.page_numbers = true;
  doc.heading(1, doc.title);
  doc.paragraph(office::Paragraph{
      {{ctx.statuts.structure_name, true},
       {fmt::format(
           " (association loi 1901). {} tenue le {}, de {} à {}{}, en {}.",
           [&] {
             std::string k = ag::kind_label(ctx.row.kind);
             k[0] = 'A';
             return k;
           }(),
           ag::long_date(day), ctx.row.starts_at, ctx.row.ends_at,
           ctx.row.place.empty() ? "" : ", " + ctx.row.place, view.assembly.convocation_label)}}});
  if (!ctx.row.convened_on.empty()) {
    const auto sent = parse_date(ctx.row.convened_on);
    std::string line = fmt::format(
        "Convocations envoyées le {} ({}) ; délai statutaire : {} jours avant l'assemblée, soit "
        "au plus tard le {} : ",
        sent ? format_date_fr(*sent) : ctx.row.convened_on,
        ctx.row.convened_how == "email" ? "par e-mail" : "par courrier",
        ctx.engine.convocation_days,
        format_date_fr(parse_date(view.convocation_deadline).value_or(day)));
    line += view.convocation_check.empty() ? "respecté."
                                           : "non respecté (" + view.convocation_check + ").";
    doc.paragraph(line);
  } else {
    doc.paragraph("Aucune date d'envoi des convocations n'est enregistrée.");
  }
  doc.paragraph("Statuts appliqués (figés à l'ouverture de la séance) :");
  doc.bullets(std::vector<office::Paragraph>(view.rules.begin(), view.rules.end()));

  doc.heading(2, "Présences et quorum");
  office::Table t;
  t.header = {"Collège", "Membres ayant voix",     "Présents", "Représentés", "Excusés",
              "Absents", "Présents ou représentés"};
  if (!view.quorum.colleges.empty() && !view.quorum.colleges.front().share.empty()) {
    t.header.insert(t.header.begin() + 1, "Part des voix");
  }
  int members = 0, present = 0, represented = 0, excused = 0, absent = 0;
  for (const auto& c : view.quorum.colleges) {
    std::vector<std::string> row{c.name};
    if (!c.share.empty()) row.push_back(c.share);
    for (int n : {c.members, c.present, c.represented, c.excused, c.absent}) {
      row.push_back(std::to_string(n));
    }
    row.push_back(c.rate);
    t.rows.push_back(std::move(row));
    members += c.members;
    present += c.present;
    represented += c.represented;
    excused += c.excused;
    absent += c.absent;
  }
  {
    std::vector<std::string> row{"Ensemble"};
    if (!view.quorum.colleges.empty() && !view.quorum.colleges.front().share.empty()) {
      row.push_back("1");
    }
    for (int n : {members, present, represented, excused, absent}) row.push_back(std::to_string(n));
    row.push_back(view.quorum.rate);
    t.rows.push_back(std::move(row));
  }
  doc.table(std::move(t));
  doc.paragraph(office::Paragraph{{{"Quorum : ", true}, {view.quorum.explanation + "."}}});

  // Émargement, proxies (names for the association only).
  auto rep = association::tally_attendance(ctx.engine, ag::attendance_input(ctx));
  if (!rep) return tl::unexpected(rep.error());
  if (names) {
    doc.heading(2, "Liste d'émargement");
    office::Table e;
    e.header = {"Membre", "Collège", "Présence"};
    e.column_widths = {3, 2, 3};
    std::vector<std::vector<std::string>> rows;
    for (const auto& m : rep->members) {
      const std::int64_t id = std::stoll(m.id);
      std::string presence;
      switch (m.attendance) {
        case association::Attendance::present:
          presence = m.proxies_held > 0 ? fmt::format("présent (détient {} pouvoir{})",
                                                      m.proxies_held, m.proxies_held > 1 ? "s" : "")
                                        : "présent";
          break;
        case association::Attendance::represented:
          presence = "représenté par " + ctx.name(std::stoll(m.holder));
          break;
        case association::Attendance::excused:
          presence = "excusé";
          break;
        case association::Attendance::absent:
          presence = "absent";
          break;
      }
      rows.push_back({ctx.name(id), ctx.college_name(m.college), presence});
    }
    std::sort(rows.begin(), rows.end());
    e.rows = std::move(rows);
    doc.table(std::move(e));
    if (!rep->refused.empty()) {
      doc.paragraph("Pouvoirs refusés :");
      std::vector<office::Paragraph> items;
      for (const auto& r : rep->refused) items.emplace_back(ag::with_names(r.message, ctx));
      doc.bullets(std::move(items));
    }
  } else {
    doc.paragraph(fmt::format("{} pouvoir{} accepté{}, {} refusé{}.", rep->accepted.size(),
                              rep->accepted.size() > 1 ? "s" : "",
                              rep->accepted.size() > 1 ? "s" : "", rep->refused.size(),
                              rep->refused.size() > 1 ? "s" : ""));
  }

  doc.heading(2, "Résolutions");
  for (const auto& r : view.resolutions) {
    doc.heading(3, fmt::format("Résolution n° {} : {}", r.position, r.title));
    if (!r.body.empty()) doc.paragraph(r.body);
    doc.paragraph(fmt::format("{} ({}), {}.", r.kind_label, r.majority_label,
                              r.secret ? "scrutin secret" : "vote à main levée"));
    if (!r.has_result) {
      const std::string outcome =
          r.has_votes ? "Non délibérée : " + r.result_problem : "Non mise au vote.";
      doc.paragraph(office::Paragraph{{{outcome, true}}});
      continue;
    }
    office::Table v;
    v.header = {"Collège", "Votants", "Pour", "Contre", "Abstentions", "Sans vote", "Base"};
    if (r.weighted) {
      v.header.push_back("Part");
      v.header.push_back("Voix pondérées pour");
    }
    for (const auto& c : r.colleges) {
      std::vector<std::string> row{c.name};
      for (int n : {c.voters, c.pour, c.contre, c.abstention, c.non_votants, c.base}) {
        row.push_back(std::to_string(n));
      }
      if (r.weighted) {
        row.push_back(c.weight);
        row.push_back(c.counted ? c.weighted_pour : "—");
      }
      v.rows.push_back(std::move(row));
    }
    doc.table(std::move(v));
    doc.bullets(std::vector<office::Paragraph>(r.arithmetic.begin(), r.arithmetic.end()));
    doc.paragraph(
        office::Paragraph{{{r.adopted ? "Résolution adoptée" : "Résolution rejetée", true},
                           {" — " + r.explanation + "."}}});
  }
  doc.heading(2, "Signatures");
  doc.paragraph(closed ? "Procès-verbal établi à la clôture de la séance."
                       : "Projet : la séance n'est pas close, les résultats peuvent encore "
                         "changer.");
  doc.paragraph("Le président ou la présidente de séance\t\t\tLe ou la secrétaire de séance");
  return office::write_odt(doc);
}

}  // namespace maillage::services
