#include "services/roster_export.hpp"

#include <fmt/format.h>

#include "common/csv.hpp"
#include "services/roster_plan.hpp"

namespace maillage::services {

namespace {}  // namespace

std::string slot_kind_label(const std::string& kind) {
  if (kind == "snp") return "Soins non programmés";
  if (kind == "pdsa") return "Permanence des soins (PDSA)";
  if (kind == "vaccination") return "Centre de vaccination";
  if (kind == "crise") return "Cellule de crise";
  return "Permanence";
}

std::string roster_csv(const std::vector<ExportEntry>& entries) {
  std::string out = "\xEF\xBB\xBF";
  out += "date;debut;fin;fin_le_lendemain;type;lieu;profession;membre\r\n";
  for (const auto& e : entries) {
    out += fmt::format("{};{};{};{};{};{};{};{}\r\n", e.day, e.start_time, e.end_time,
                       e.ends_next_day ? "oui" : "non", csv::field(e.kind, ';'),
                       csv::field(e.label, ';'), csv::field(e.profession, ';'),
                       csv::field(e.member, ';'));
  }
  return out;
}

std::string ical_escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case ';':
        out += "\\;";
        break;
      case ',':
        out += "\\,";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string ical_fold(const std::string& line) {
  std::string out;
  std::size_t width = 0;  // octets on the current physical line
  for (std::size_t i = 0; i < line.size();) {
    // Length of the UTF-8 sequence starting here (continuation bytes are never split off).
    unsigned char c = static_cast<unsigned char>(line[i]);
    std::size_t n = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 1;
    if (i + n > line.size()) n = line.size() - i;
    if (width + n > 75) {
      out += "\r\n ";
      width = 1;  // the leading space counts
    }
    out.append(line, i, n);
    width += n;
    i += n;
  }
  return out;
}

const std::vector<std::string>& ical_paris_timezone() {
  // Europe/Paris since 1996: CEST from the last Sunday of March 02:00 to the last Sunday of
  // October 03:00.
  static const std::vector<std::string> lines{"BEGIN:VTIMEZONE",
                                              "TZID:Europe/Paris",
                                              "BEGIN:DAYLIGHT",
                                              "TZOFFSETFROM:+0100",
                                              "TZOFFSETTO:+0200",
                                              "TZNAME:CEST",
                                              "DTSTART:19700329T020000",
                                              "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
                                              "END:DAYLIGHT",
                                              "BEGIN:STANDARD",
                                              "TZOFFSETFROM:+0200",
                                              "TZOFFSETTO:+0100",
                                              "TZNAME:CET",
                                              "DTSTART:19701025T030000",
                                              "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
                                              "END:STANDARD",
                                              "END:VTIMEZONE"};
  return lines;
}

std::string ical_local_time(const std::string& day, const std::string& time, bool next_day) {
  auto d = parse_day(day);
  int t = parse_time(time, true).value_or(0);
  int dd = d.value_or(0) + (next_day ? 1 : 0);
  if (t == 24 * 60) {  // "24:00" is midnight of the next day
    ++dd;
    t = 0;
  }
  std::string ymd = format_day(dd);
  return fmt::format("{}{}{}T{:02}{:02}00", ymd.substr(0, 4), ymd.substr(5, 2), ymd.substr(8, 2),
                     t / 60, t % 60);
}

std::string roster_icalendar(const std::vector<ExportEntry>& entries,
                             const std::string& calendar_name, const std::string& dtstamp) {
  std::string out;
  auto line = [&out](const std::string& l) { out += ical_fold(l) + "\r\n"; };
  line("BEGIN:VCALENDAR");
  line("VERSION:2.0");
  line("PRODID:-//Maillage//Permanences//FR");
  line("CALSCALE:GREGORIAN");
  line("METHOD:PUBLISH");
  line("X-WR-CALNAME:" + ical_escape(calendar_name));
  line("X-WR-TIMEZONE:Europe/Paris");
  for (const auto& l : ical_paris_timezone()) line(l);
  for (const auto& e : entries) {
    line("BEGIN:VEVENT");
    line("UID:" + e.uid);
    line("DTSTAMP:" + dtstamp);
    line("DTSTART;TZID=Europe/Paris:" + ical_local_time(e.day, e.start_time, false));
    line("DTEND;TZID=Europe/Paris:" + ical_local_time(e.day, e.end_time, e.ends_next_day));
    std::string summary = slot_kind_label(e.kind);
    if (!e.label.empty()) summary += " — " + e.label;
    line("SUMMARY:" + ical_escape(summary + " (" + e.member + ")"));
    if (!e.label.empty()) line("LOCATION:" + ical_escape(e.label));
    line("DESCRIPTION:" + ical_escape("Permanence : " + e.member + ", " + e.profession +
                                      ".\nPlanning publié par Maillage."));
    line("END:VEVENT");
  }
  line("END:VCALENDAR");
  return out;
}

}  // namespace maillage::services
