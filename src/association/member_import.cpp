#include "association/member_import.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <cmath>
#include <map>

#include "common/csv_reader.hpp"
#include "common/text_check.hpp"
#include "office/xlsx.hpp"
#include "office/xlsx_reader.hpp"

namespace maillage::association {
namespace {

constexpr std::size_t kFields = static_cast<std::size_t>(ImportField::count_);

struct FieldInfo {
  std::string_view key;
  std::string_view label;
  // Normalised headers (see normalise()), best first: a later synonym is used only when no column
  // matches an earlier one (the payer's e-mail only when there is no member's e-mail).
  std::vector<std::string_view> synonyms;
};

const std::array<FieldInfo, kFields>& fields() {
  static const std::array<FieldInfo, kFields> info = {{
      {"last_name", "Nom", {"nom", "nom famille", "nom naissance", "last name", "nom payeur"}},
      {"first_name", "Prénom", {"prenom", "first name", "prenom payeur"}},
      {"email",
       "Email",
       {"email", "e mail", "mail", "courriel", "adresse email", "adresse e mail", "adresse mail",
        "email payeur", "e mail payeur"}},
      {"phone",
       "Téléphone",
       {"telephone", "tel", "portable", "mobile", "numero telephone", "telephone portable"}},
      {"rpps",
       "RPPS",
       {"rpps", "numero rpps", "n rpps", "no rpps", "identifiant rpps", "id rpps", "rpps adeli",
        "numero rpps adeli"}},
      {"profession", "Profession", {"profession", "code profession", "metier"}},
      {"commune", "Commune", {"commune", "ville", "commune exercice", "lieu exercice"}},
      {"organisation",
       "Raison sociale",
       {"raison sociale", "structure", "etablissement", "societe", "organisme", "nom structure"}},
      {"date",
       "Date",
       {"date", "date adhesion", "date commande", "date paiement", "date inscription"}},
      {"tariff", "Tarif", {"tarif", "formule", "type adhesion", "nom tarif"}},
      {"amount",
       "Montant",
       {"montant", "montant tarif", "montant adhesion", "montant paye", "montant cotisation"}},
  }};
  return info;
}

// Latin-1 supplement letters (the second byte after 0xC3) folded to ASCII, '\0' for the others.
char fold_c3(unsigned char b) {
  static constexpr char table[] =
      "aaaaaaaceeeeiiii"     // 0x80–0x8F: À Á Â Ã Ä Å Æ Ç È É Ê Ë Ì Í Î Ï
      "dnooooo\0ouuuuy\0s"   // 0x90–0x9F (× and Þ have no letter)
      "aaaaaaaceeeeiiii"     // 0xA0–0xAF
      "dnooooo\0ouuuuy\0y";  // 0xB0–0xBF
  if (b < 0x80 || b > 0xBF) return '\0';
  return table[b - 0x80];
}

// Lower-case ASCII words with accents folded, everything else a separator, filler words dropped:
// "Prénom de l'adhérent" → "prenom", "N° RPPS" → "n rpps".
std::string normalise(std::string_view s) {
  std::string flat;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == 0xC3 && i + 1 < s.size()) {
      const char f = fold_c3(static_cast<unsigned char>(s[i + 1]));
      flat += f != '\0' ? f : ' ';
      ++i;
    } else if (c == 0xC5 && i + 1 < s.size() && (s[i + 1] == '\x93' || s[i + 1] == '\x92')) {
      flat += "oe";
      ++i;
    } else if (c < 0x80 && std::isalnum(c)) {
      flat += static_cast<char>(std::tolower(c));
    } else {
      flat += ' ';
    }
  }
  static const std::array<std::string_view, 12> filler = {
      "adherent", "adherente", "participant", "membre", "du",  "de",
      "d",        "la",        "le",          "l",      "des", "a"};
  std::string out;
  std::size_t i = 0;
  while (i < flat.size()) {
    while (i < flat.size() && flat[i] == ' ') ++i;
    std::size_t j = i;
    while (j < flat.size() && flat[j] != ' ') ++j;
    const std::string_view word(flat.data() + i, j - i);
    if (!word.empty() && std::find(filler.begin(), filler.end(), word) == filler.end()) {
      if (!out.empty()) out += ' ';
      out += word;
    }
    i = j;
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool valid_email(std::string_view e) {
  const auto at = e.find('@');
  if (at == std::string_view::npos || at == 0 || e.find('@', at + 1) != std::string_view::npos)
    return false;
  const auto domain = e.substr(at + 1);
  const auto dot = domain.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == domain.size()) return false;
  for (char c : e) {
    if (c == ' ' || c == ',' || c == ';' || c == '<' || c == '>') return false;
  }
  return true;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "15/03/2024", "5/3/2024", "15/03/2024 10:32", "2024-03-15", "2024-03-15T10:32:00".
std::optional<Date> read_date(std::string_view s) {
  const auto slash = s.find('/');
  if (slash != std::string_view::npos) {
    const auto slash2 = s.find('/', slash + 1);
    if (slash2 == std::string_view::npos) return std::nullopt;
    const auto d = s.substr(0, slash), m = s.substr(slash + 1, slash2 - slash - 1);
    const auto rest = s.substr(slash2 + 1);
    const auto y = rest.substr(0, 4);
    if (d.empty() || d.size() > 2 || m.empty() || m.size() > 2 || !all_digits(d) ||
        !all_digits(m) || y.size() != 4 || !all_digits(y) || (rest.size() > 4 && rest[4] != ' ')) {
      return std::nullopt;
    }
    auto two = [](std::string_view v) {
      return v.size() == 1 ? "0" + std::string(v) : std::string(v);
    };
    return parse_date(std::string(y) + "-" + two(m) + "-" + two(d));
  }
  if (s.size() >= 10 && (s.size() == 10 || s[10] == ' ' || s[10] == 'T'))
    return parse_date(s.substr(0, 10));
  return std::nullopt;
}

// "30", "30,5", "1 200,00 €", "1.200,50", "30.00": euros to cents; nullopt when unreadable or
// ambiguous ("1.200" could be 1,20 € or 1 200 €: refused rather than guessed).
std::optional<std::int64_t> read_amount(std::string_view s) {
  std::string t;
  for (std::size_t i = 0; i < s.size();) {
    const auto rest = s.substr(i);
    if (rest.starts_with(" ")) {
      i += 1;
      continue;
    }
    if (rest.starts_with("\u00A0")) {
      i += 2;
      continue;
    }
    if (rest.starts_with("\u202F") || rest.starts_with("\u20AC")) {
      i += 3;
      continue;
    }
    if (rest.starts_with("EUR")) {
      i += 3;
      continue;
    }
    t += s[i++];
  }
  if (t.empty()) return std::nullopt;
  const auto comma = t.rfind(','), dot = t.rfind('.');
  std::size_t mark = std::string::npos;  // the decimal mark, if any
  char thousands = '\0';
  if (comma != std::string::npos && dot != std::string::npos) {
    mark = std::max(comma, dot);
    thousands = mark == comma ? '.' : ',';
  } else if (comma != std::string::npos || dot != std::string::npos) {
    const std::size_t at = comma != std::string::npos ? comma : dot;
    const char c = t[at];
    const bool single = t.find(c) == at;
    const std::size_t after = t.size() - at - 1;
    if (single && (after == 1 || after == 2)) {
      mark = at;
    } else if (single && after == 3) {
      return std::nullopt;
    } else {
      thousands = c;
    }
  }
  std::string whole = mark == std::string::npos ? t : t.substr(0, mark);
  const std::string frac = mark == std::string::npos ? std::string() : t.substr(mark + 1);
  if (thousands != '\0') {
    // Groups of three after the first: "1.200.000".
    std::string digits;
    std::size_t group = 0;
    bool first = true;
    for (char c : whole) {
      if (c == thousands) {
        if ((!first && group != 3) || group == 0) return std::nullopt;
        first = false;
        group = 0;
        continue;
      }
      digits += c;
      ++group;
    }
    if (group != 3) return std::nullopt;
    whole = digits;
  }
  if (!all_digits(whole) || whole.size() > 12 || frac.size() > 2 ||
      !(frac.empty() || all_digits(frac))) {
    return std::nullopt;
  }
  std::int64_t euros = 0;
  std::from_chars(whole.data(), whole.data() + whole.size(), euros);
  std::int64_t cents = 0;
  if (!frac.empty()) cents = (frac[0] - '0') * 10 + (frac.size() > 1 ? frac[1] - '0' : 0);
  return euros * 100 + cents;
}

std::string fold_key(std::string_view s) { return normalise(s); }

}  // namespace

std::string_view field_key(ImportField f) { return fields()[static_cast<std::size_t>(f)].key; }
std::string_view field_label(ImportField f) { return fields()[static_cast<std::size_t>(f)].label; }

std::string ImportIssue::describe(std::string_view file) const {
  std::string out(file);
  out += ":" + std::to_string(line) + ": ";
  if (!field.empty()) out += field + (column.empty() ? "" : " (colonne " + column + ")") + ": ";
  if (field.empty() && !column.empty()) out += "colonne " + column + ": ";
  return out + message;
}

std::size_t ImportPreview::errors() const {
  return static_cast<std::size_t>(
      std::count_if(issues.begin(), issues.end(),
                    [](const ImportIssue& i) { return i.severity == IssueSeverity::error; }));
}

Result<ImportPreview> parse_member_csv(std::string_view text, std::string_view file,
                                       const ImportOptions& options) {
  MemberTable table;
  std::string_view body = text;
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);
  auto first_line = body.substr(0, body.find('\n'));
  table.separator = csv::guess_separator(first_line);
  auto records = csv::read_records(text, table.separator, file);
  if (!records) return tl::unexpected(records.error());
  table.rows.reserve(records->size());
  for (auto& r : *records) {
    TableRow row{r.line, {}};
    row.cells.reserve(r.fields.size());
    for (auto& f : r.fields) row.cells.push_back({std::move(f), std::nullopt});
    table.rows.push_back(std::move(row));
  }
  return parse_member_table(table, file, options);
}

Result<ImportPreview> parse_member_xlsx(std::string_view bytes, std::string_view file,
                                        const ImportOptions& options) {
  auto sheet = office::read_xlsx_first_sheet(bytes, file);
  if (!sheet) return tl::unexpected(sheet.error());
  MemberTable table;
  table.spreadsheet = true;
  table.date1904 = sheet->date1904;
  table.sheet = sheet->name;
  table.rows.reserve(sheet->rows.size());
  for (auto& r : sheet->rows) {
    TableRow row{r.row, {}};
    row.cells.reserve(r.cells.size());
    for (auto& c : r.cells) {
      const bool numeric = c.kind == office::ReadCell::Kind::number;
      row.cells.push_back(
          {std::move(c.text), numeric ? std::optional<double>(c.number) : std::nullopt});
    }
    table.rows.push_back(std::move(row));
  }
  return parse_member_table(table, file, options);
}

Result<ImportPreview> parse_member_table(const MemberTable& table, std::string_view file,
                                         const ImportOptions& options) {
  ImportPreview preview;
  preview.separator = table.separator;
  preview.sheet = table.sheet;
  if (table.rows.empty()) {
    return fail_at(std::string(file), 1, "",
                   table.spreadsheet
                       ? "feuille « " + table.sheet + " » vide : une ligne d'en-tête est attendue"
                       : "fichier vide : une ligne d'en-tête est attendue");
  }
  // The header as text; a spreadsheet's cells are named by their letters ("C"), a CSV's by their
  // rank ("colonne 3").
  struct Header {
    std::int64_t line = 0;
    std::vector<std::string> fields;
  } header{table.rows.front().line, {}};
  for (const auto& c : table.rows.front().cells) header.fields.push_back(c.text);
  auto column_name = [&](std::size_t c) {
    return table.spreadsheet ? "colonne " + office::column_letters(c)
                             : "colonne " + std::to_string(c + 1);
  };
  for (std::size_t c = 0; c < header.fields.size(); ++c) {
    if (!check_text(header.fields[c])) {
      return fail_at(std::string(file), header.line, column_name(c),
                     "en-tête illisible : le fichier doit être en UTF-8");
    }
  }

  // Column of each field: detected, then overridden.
  std::array<std::optional<std::size_t>, kFields> column{};
  std::vector<std::string> normalised;
  for (const auto& h : header.fields) normalised.push_back(normalise(h));
  std::vector<bool> used(header.fields.size(), false);
  for (std::size_t f = 0; f < kFields; ++f) {
    for (auto synonym : fields()[f].synonyms) {
      for (std::size_t c = 0; c < normalised.size() && !column[f]; ++c) {
        if (!used[c] && normalised[c] == synonym) {
          column[f] = c;
          used[c] = true;
        }
      }
      if (column[f]) break;
    }
  }
  for (const auto& [field, wanted] : options.mapping) {
    const auto f = static_cast<std::size_t>(field);
    if (f >= kFields) return fail(ErrorCode::invalid_input, "champ d'import inconnu", "mapping");
    std::optional<std::size_t> found;
    for (std::size_t c = 0; c < header.fields.size() && !found; ++c) {
      if (trim(header.fields[c]) == trim(wanted)) found = c;
    }
    if (!found) {
      return fail_at(std::string(file), header.line, std::string(fields()[f].label),
                     "la colonne « " + wanted + " » n'existe pas dans l'en-tête");
    }
    if (column[f]) used[*column[f]] = false;
    for (auto& other : column) {
      if (other == found) other.reset();  // a column feeds one field
    }
    column[f] = found;
    used[*found] = true;
  }
  auto col = [&](ImportField f) { return column[static_cast<std::size_t>(f)]; };
  if (!col(ImportField::last_name) && !col(ImportField::organisation) && !col(ImportField::rpps)) {
    return fail_at(std::string(file), header.line, "",
                   "aucune colonne « Nom », « Raison sociale » ni « RPPS » dans l'en-tête : "
                   "associer les colonnes à la main");
  }
  for (std::size_t f = 0; f < kFields; ++f) {
    if (column[f])
      preview.columns.push_back(
          {static_cast<ImportField>(f), *column[f], header.fields[*column[f]]});
  }
  for (std::size_t c = 0; c < header.fields.size(); ++c) {
    if (!used[c]) preview.unmapped.push_back(header.fields[c]);
  }
  auto header_of = [&](ImportField f) {
    auto c = col(f);
    return c ? header.fields[*c] : std::string(field_label(f));
  };

  std::map<std::string, std::int64_t> rpps_lines, name_lines;
  std::map<std::string, std::string> rpps_existing, name_existing;
  auto name_key = [](std::string_view last, std::string_view first, std::string_view email) {
    if (trim(last).empty() || trim(email).empty()) return std::string();
    return fold_key(last) + "|" + fold_key(first) + "|" + lower_ascii(trim(email));
  };
  for (const auto& e : options.existing) {
    if (!e.rpps.empty()) rpps_existing.emplace(e.rpps, e.id);
    if (auto k = name_key(e.last_name, e.first_name, e.email); !k.empty())
      name_existing.emplace(k, e.id);
  }

  auto letters = [&](std::optional<std::size_t> c) {
    return table.spreadsheet && c ? office::column_letters(*c) : std::string();
  };
  for (std::size_t r = 1; r < table.rows.size(); ++r) {
    const auto& rec = table.rows[r];
    ++preview.lines_read;
    const std::size_t before = preview.issues.size();
    auto issue_at = [&](std::optional<std::size_t> c, std::string field, std::string value,
                        std::string message) {
      preview.issues.push_back({rec.line, std::move(field), std::move(value), IssueSeverity::error,
                                std::move(message), letters(c)});
    };
    auto issue = [&](ImportField f, std::string value, std::string message) {
      issue_at(col(f), header_of(f), std::move(value), std::move(message));
    };
    if (rec.cells.size() > header.fields.size()) {
      // A spreadsheet cell right of the header is ignored unless it holds something.
      std::size_t last = rec.cells.size();
      while (table.spreadsheet && last > header.fields.size() &&
             trim(rec.cells[last - 1].text).empty()) {
        --last;
      }
      if (last > header.fields.size()) {
        issue_at(table.spreadsheet ? std::optional<std::size_t>(last - 1) : std::nullopt, "", "",
                 table.spreadsheet
                     ? "cellule remplie à droite de la dernière colonne d'en-tête"
                     : std::to_string(rec.cells.size()) + " cellules pour " +
                           std::to_string(header.fields.size()) +
                           " colonnes d'en-tête (séparateur ou guillemet mal placé ?)");
        continue;
      }
    }
    bool text_ok = true;
    for (std::size_t c = 0; c < rec.cells.size() && c < header.fields.size(); ++c) {
      if (!check_text(rec.cells[c].text)) {
        issue_at(c, header.fields[c], "",
                 "texte illisible (octet nul ou encodage autre que UTF-8)");
        text_ok = false;
      }
    }
    if (!text_ok) continue;
    auto cell = [&](ImportField f) -> std::string_view {
      auto c = col(f);
      if (!c || *c >= rec.cells.size()) return {};
      return trim(rec.cells[*c].text);
    };
    auto number = [&](ImportField f) -> std::optional<double> {
      auto c = col(f);
      if (!c || *c >= rec.cells.size()) return std::nullopt;
      return rec.cells[*c].number;
    };
    ImportedMember m;
    m.line = rec.line;
    m.last_name = cell(ImportField::last_name);
    m.first_name = cell(ImportField::first_name);
    m.email = lower_ascii(cell(ImportField::email));
    m.phone = cell(ImportField::phone);
    m.profession = cell(ImportField::profession);
    m.commune = cell(ImportField::commune);
    m.organisation = cell(ImportField::organisation);
    m.tariff = cell(ImportField::tariff);
    if (m.last_name.empty() && m.organisation.empty()) {
      issue(ImportField::last_name, "", "nom manquant (ni nom ni raison sociale)");
    }
    if (!m.email.empty() && !valid_email(m.email)) {
      issue(ImportField::email, m.email, "adresse e-mail « " + m.email + " » invalide");
    }
    if (auto rpps = cell(ImportField::rpps); !rpps.empty()) {
      std::string digits;
      for (char c : rpps) {
        if (c != ' ') digits += c;
      }
      if (digits.size() != 11 || !all_digits(digits)) {
        issue(ImportField::rpps, std::string(rpps),
              "identifiant RPPS « " + std::string(rpps) + " » invalide : 11 chiffres attendus");
      } else {
        m.rpps = digits;
      }
    }
    if (auto d = cell(ImportField::date); !d.empty()) {
      // A spreadsheet number in the date column is a serial date, formatted as one or not.
      if (auto serial = number(ImportField::date)) {
        if (auto sd = office::serial_to_date(*serial, table.date1904)) {
          m.date = Date{std::chrono::year{sd->year},
                        std::chrono::month{static_cast<unsigned>(sd->month)},
                        std::chrono::day{static_cast<unsigned>(sd->day)}};
        }
      } else {
        m.date = read_date(d);
      }
      if (!m.date) {
        issue(ImportField::date, std::string(d),
              "date « " + std::string(d) + " » illisible : JJ/MM/AAAA ou AAAA-MM-JJ attendu");
      }
    }
    if (auto a = cell(ImportField::amount); !a.empty()) {
      if (auto euros = number(ImportField::amount)) {
        const double cents = *euros * 100.0;
        const double rounded = std::round(cents);
        if (*euros >= 0 && *euros < 1e12 && std::fabs(cents - rounded) < 1e-6)
          m.amount_cents = static_cast<std::int64_t>(rounded);
      } else {
        m.amount_cents = read_amount(a);
      }
      if (!m.amount_cents) {
        issue(ImportField::amount, std::string(a),
              "montant « " + std::string(a) +
                  " » illisible : un montant positif en euros est attendu (30,00)");
      }
    }
    if (preview.issues.size() != before) continue;
    for (std::size_t c = 0; c < rec.cells.size() && c < header.fields.size(); ++c) {
      if (!used[c] && !trim(rec.cells[c].text).empty())
        m.custom.emplace_back(header.fields[c], trim(rec.cells[c].text));
    }

    // Duplicates: against the stored members first, then earlier lines of the file.
    const std::string who = m.last_name.empty() ? m.organisation : m.first_name + " " + m.last_name;
    if (!m.rpps.empty()) {
      if (auto e = rpps_existing.find(m.rpps); e != rpps_existing.end()) {
        preview.duplicates.push_back({m.line, 0, e->second, DuplicateReason::same_rpps,
                                      "RPPS " + m.rpps + " déjà adhérent (" + e->second + ")"});
      } else if (auto [it, fresh] = rpps_lines.emplace(m.rpps, m.line); !fresh) {
        preview.duplicates.push_back(
            {m.line, it->second, "", DuplicateReason::same_rpps,
             "RPPS " + m.rpps + " déjà présent ligne " + std::to_string(it->second)});
      }
    }
    if (auto k = name_key(m.last_name, m.first_name, m.email); !k.empty()) {
      if (auto e = name_existing.find(k); e != name_existing.end()) {
        preview.duplicates.push_back(
            {m.line, 0, e->second, DuplicateReason::same_name_and_email,
             who + " <" + m.email + "> déjà adhérent (" + e->second + ")"});
      } else if (auto [it, fresh] = name_lines.emplace(k, m.line); !fresh) {
        preview.duplicates.push_back(
            {m.line, it->second, "", DuplicateReason::same_name_and_email,
             who + " <" + m.email + "> déjà présent ligne " + std::to_string(it->second)});
      }
    }
    preview.rows.push_back(std::move(m));
  }
  return preview;
}

}  // namespace maillage::association
