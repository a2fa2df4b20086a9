// Exports of a roster: CSV (spreadsheets), iCalendar (RFC 5545, for agendas) and the rows of the
// monthly grid. Pure text generation, no I/O: the routes and the CLI write the bytes.
#pragma once

#include <string>
#include <vector>

namespace maillage::services {

/// One worked slot of the roster, as exported.
struct ExportEntry {
  std::string uid;         // stable identifier, e.g. "slot-12-member-4@maillage"
  std::string day;         // "2026-05-04" (local date, Europe/Paris)
  std::string start_time;  // "08:00"
  std::string end_time;    // "12:00" (on the next day when ends_next_day)
  bool ends_next_day = false;
  std::string kind;   // snp, pdsa, ...
  std::string label;  // sector / site
  std::string profession;
  std::string member;  // display name
};

/// CSV with a header line, ';' separated (what French spreadsheet software opens directly),
/// CRLF line ends, fields quoted when they hold ';', '"' or a line break; UTF-8 with a BOM so
/// that spreadsheet software reads accents right.
std::string roster_csv(const std::vector<ExportEntry>& entries);

/// An iCalendar file: VCALENDAR with a VTIMEZONE for Europe/Paris (EU summer time rules) and one
/// VEVENT per entry (UID, DTSTAMP in UTC, DTSTART/DTEND with TZID=Europe/Paris, SUMMARY,
/// LOCATION, DESCRIPTION). Text values escape '\', ';', ',' and line breaks; lines end with CRLF
/// and are folded at 75 octets without splitting a UTF-8 character. `dtstamp` is UTC
/// "YYYYMMDDTHHMMSSZ".
std::string roster_icalendar(const std::vector<ExportEntry>& entries,
                             const std::string& calendar_name, const std::string& dtstamp);

/// French label of a slot kind ("Soins non programmés", "PDSA", ...).
std::string slot_kind_label(const std::string& kind);

/// "20260504T080000" from a day and a time; the next day when `next_day`.
std::string ical_local_time(const std::string& day, const std::string& time, bool next_day);
/// RFC 5545 TEXT escaping.
std::string ical_escape(const std::string& text);
/// Folds one content line (without its CRLF) at 75 octets; continuation lines start with a space.
std::string ical_fold(const std::string& line);
/// The VTIMEZONE component of Europe/Paris (EU summer time rules), one content line per item.
const std::vector<std::string>& ical_paris_timezone();

}  // namespace maillage::services
