#include "coverage/territory_csv.hpp"

#include <algorithm>
#include <optional>
#include <unordered_map>

#include "common/csv.hpp"
#include "common/text_check.hpp"

namespace maillage::coverage {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Splits one line; nullopt when a quoted field is not closed or text follows a closing quote.
std::optional<std::vector<std::string>> split(std::string_view line, char sep) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (true) {
    std::string field;
    while (i < line.size() && line[i] == ' ') ++i;
    if (i < line.size() && line[i] == '"') {
      ++i;
      bool closed = false;
      while (i < line.size()) {
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        field += line[i++];
      }
      if (!closed) return std::nullopt;
      while (i < line.size() && line[i] == ' ') ++i;
      if (i < line.size() && line[i] != sep) return std::nullopt;
    } else {
      const std::size_t end = std::min(line.find(sep, i), line.size());
      field = std::string(trim(line.substr(i, end - i)));
      i = end;
    }
    out.push_back(std::move(field));
    if (i >= line.size()) break;
    ++i;  // the separator
  }
  return out;
}

char detect_separator(std::string_view line) {
  const bool comma = line.find(',') != std::string_view::npos;
  if (!comma && line.find(';') != std::string_view::npos) return ';';
  if (!comma && line.find('\t') != std::string_view::npos) return '\t';
  return ',';
}

// "Code INSEE" → "code_insee", "Étape" → "etape".
std::string normalize_header(std::string_view s) {
  std::string out;
  s = trim(s);
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0xC3 && i + 1 < s.size()) {  // é è ê É È Ê in UTF-8
      const unsigned char d = static_cast<unsigned char>(s[i + 1]);
      if (d == 0xA9 || d == 0xA8 || d == 0xAA || d == 0x89 || d == 0x88 || d == 0x8A) {
        out += 'e';
        ++i;
        continue;
      }
    }
    if (c == ' ' || c == '-') {
      out += '_';
    } else if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

template <std::size_t N>
bool one_of(const std::string& s, const std::string_view (&names)[N]) {
  return std::find(std::begin(names), std::end(names), s) != std::end(names);
}

constexpr std::string_view kCodeNames[] = {"code_insee", "insee", "code",   "code_commune",
                                           "codgeo",     "com",   "depcom", "code_commune_insee"};
constexpr std::string_view kTerritoryNames[] = {"territoire", "cpts", "territory", "nom_cpts"};
constexpr std::string_view kStageNames[] = {"etape", "stage", "statut"};

bool looks_like_code(std::string_view s) {
  s = trim(s);
  if (s.size() != 4 && s.size() != 5) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return is_digit(c) || c == 'A' || c == 'B' || c == 'a' || c == 'b';
  });
}

bool valid_code(std::string_view c) {
  if (c.size() != 5) return false;
  if (c[0] == '2' && (c[1] == 'A' || c[1] == 'B')) {
    return is_digit(c[2]) && is_digit(c[3]) && is_digit(c[4]);
  }
  return std::all_of(c.begin(), c.end(), is_digit);
}

std::string q(std::string_view s) { return "« " + std::string(s) + " »"; }

}  // namespace

void FormerCodes::add(FormerCommune f) {
  std::string key = f.code;
  by_code_.insert_or_assign(std::move(key), std::move(f));
}

const FormerCommune* FormerCodes::find(std::string_view code) const {
  const auto it = by_code_.find(std::string(code));
  return it == by_code_.end() ? nullptr : &it->second;
}

std::string_view to_string(IssueKind k) {
  switch (k) {
    case IssueKind::malformed_code:
      return "malformed_code";
    case IssueKind::unknown_code:
      return "unknown_code";
    case IssueKind::padded_code:
      return "padded_code";
    case IssueKind::former_code:
      return "former_code";
    case IssueKind::duplicate:
      return "duplicate";
    case IssueKind::empty_name:
      return "empty_name";
    case IssueKind::stage_conflict:
      return "stage_conflict";
    case IssueKind::unknown_stage:
      return "unknown_stage";
    case IssueKind::invalid_text:
      return "invalid_text";
  }
  return "?";
}

std::string ImportIssue::describe(std::string_view file) const {
  return std::string(file) + ":" + std::to_string(line) + ": " + field + ": " + message;
}

std::size_t TerritoryImport::count(Severity s) const {
  return static_cast<std::size_t>(std::count_if(
      issues.begin(), issues.end(), [s](const ImportIssue& i) { return i.severity == s; }));
}

Status TerritoryImport::first_error() const {
  for (const ImportIssue& i : issues) {
    if (i.severity == Severity::error) return fail_at(file, i.line, i.field, i.message);
  }
  return {};
}

Result<TerritoryImport> parse_territory_csv(const geo::Referentiel& ref, std::string_view file,
                                            std::string_view text, const ImportOptions& options) {
  TerritoryImport out;
  out.file = std::string(file);
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);

  // Lines with their numbers; blank lines dropped.
  std::vector<std::pair<std::int64_t, std::string_view>> lines;
  {
    std::int64_t n = 0;
    std::size_t pos = 0;
    while (pos <= text.size()) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string_view::npos) end = text.size();
      std::string_view line = text.substr(pos, end - pos);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      ++n;
      if (!trim(line).empty()) lines.emplace_back(n, line);
      if (end == text.size()) break;
      pos = end + 1;
    }
  }
  if (lines.empty()) return fail_at(out.file, 0, "", "fichier vide : aucun code INSEE");

  const char sep = detect_separator(lines.front().second);
  auto first = split(lines.front().second, sep);
  if (!first) return fail_at(out.file, lines.front().first, "", "guillemet non fermé");
  std::size_t code_col = 0;
  std::optional<std::size_t> territory_col, stage_col;
  std::string code_name = "code_insee", territory_name, stage_name;
  std::size_t data_start = 0;
  if (!looks_like_code((*first)[0])) {
    // A header: find the columns by name.
    std::optional<std::size_t> found;
    for (std::size_t i = 0; i < first->size(); ++i) {
      const std::string h = normalize_header((*first)[i]);
      if (!found && one_of(h, kCodeNames)) {
        found = i;
        code_name = (*first)[i];
      } else if (!territory_col && one_of(h, kTerritoryNames)) {
        territory_col = i;
        territory_name = (*first)[i];
      } else if (!stage_col && one_of(h, kStageNames)) {
        stage_col = i;
        stage_name = (*first)[i];
      }
    }
    if (!found) {
      return fail_at(out.file, lines.front().first, "",
                     "en-tête sans colonne de code INSEE (colonnes possibles : code_insee, insee, "
                     "code, code_commune, codgeo, com, depcom)");
    }
    code_col = *found;
    data_start = 1;
  }

  std::unordered_map<std::string, std::size_t> territory_index;
  // Per territory: commune → line of its first appearance.
  std::vector<std::unordered_map<CommuneIndex, std::int64_t>> seen;
  std::vector<std::int64_t> stage_line;
  auto issue = [&](std::int64_t line, const std::string& field, std::string value, IssueKind kind,
                   Severity sev, std::string message) {
    out.issues.push_back({line, field, std::move(value), kind, sev, std::move(message)});
  };

  for (std::size_t li = data_start; li < lines.size(); ++li) {
    const auto [n, line] = lines[li];
    auto fields = split(line, sep);
    if (!fields) return fail_at(out.file, n, "", "guillemet non fermé");
    ++out.rows;
    auto cell = [&](std::optional<std::size_t> col) -> std::string {
      return col && *col < fields->size() ? std::string(trim((*fields)[*col])) : std::string();
    };

    // Names and stages are stored and shown: no NUL byte, nothing but UTF-8.
    // (The line number is a parameter: clang does not capture structured bindings.)
    const auto bad_text = [&](std::int64_t line_no, std::optional<std::size_t> col,
                              const std::string& column) {
      const TextCheck check = check_text(cell(col));
      if (check) return false;
      issue(line_no, column, "", IssueKind::invalid_text, Severity::error,
            check.fault == TextFault::nul_byte
                ? "octet nul (octet " + std::to_string(check.offset + 1) + ")"
                : "octets non UTF-8 (octet " + std::to_string(check.offset + 1) +
                      ", fichier en Latin-1 ?)");
      return true;
    };
    if ((territory_col && bad_text(n, territory_col, territory_name)) ||
        (stage_col && bad_text(n, stage_col, stage_name))) {
      continue;
    }
    std::string name = options.default_name;
    if (territory_col) {
      name = cell(territory_col);
      if (name.empty()) {
        issue(n, territory_name, "", IssueKind::empty_name, Severity::error,
              "nom de territoire vide");
        continue;
      }
    }
    auto [it, inserted] = territory_index.try_emplace(name, out.territories.size());
    if (inserted) {
      out.territories.push_back({name, options.default_stage, {}, {}});
      seen.emplace_back();
      stage_line.push_back(0);
    }
    const std::size_t t = it->second;
    ImportedTerritory& terr = out.territories[t];

    if (stage_col) {
      const std::string stage = cell(stage_col);
      if (!stage.empty()) {
        if (!options.known_stages.empty() &&
            std::find(options.known_stages.begin(), options.known_stages.end(), stage) ==
                options.known_stages.end()) {
          std::string known;
          for (const auto& s : options.known_stages) known += (known.empty() ? "" : ", ") + s;
          issue(n, stage_name, stage, IssueKind::unknown_stage, Severity::error,
                "étape " + q(stage) + " inconnue (étapes possibles : " + known + ")");
        } else if (stage_line[t] == 0) {
          terr.stage = stage;
          stage_line[t] = n;
        } else if (stage != terr.stage) {
          issue(n, stage_name, stage, IssueKind::stage_conflict, Severity::error,
                "étape " + q(stage) + " différente de celle du territoire " + q(name) + " (" +
                    q(terr.stage) + ", ligne " + std::to_string(stage_line[t]) + ")");
        }
      }
    }

    const std::string raw = cell(code_col);
    std::string code = raw;
    for (char& c : code) {
      if (c == 'a' || c == 'b') c = static_cast<char>(c - 'a' + 'A');
    }
    if (code.size() == 4 && std::all_of(code.begin(), code.end(), is_digit)) {
      code = "0" + code;
      issue(n, code_name, raw, IssueKind::padded_code, Severity::warning,
            "code " + q(raw) + " à 4 chiffres complété en " + q(code) +
                " (zéro initial perdu par un tableur)");
    }
    if (!valid_code(code)) {
      issue(n, code_name, raw, IssueKind::malformed_code, Severity::error,
            raw.empty() ? std::string("code INSEE absent")
                        : "code INSEE " + q(raw) +
                              " mal formé (5 caractères attendus, par exemple 57463 ou 2A004)");
      continue;
    }
    const geo::Commune* c = ref.commune(code);
    if (c == nullptr && options.former != nullptr) {
      if (const FormerCommune* f = options.former->find(code)) {
        c = ref.commune(f->current);
        if (c != nullptr) {
          issue(n, code_name, raw, IssueKind::former_code, Severity::warning,
                q(code) + " (" + f->nom + ") est une ancienne commune, " +
                    (f->kind == "commune-associee" ? "associée" : "déléguée") + " de " + c->code +
                    " (" + c->nom + ") : remplacée par " + c->code);
        }
      }
    }
    if (c == nullptr) {
      issue(n, code_name, raw, IssueKind::unknown_code, Severity::error,
            "code INSEE " + q(code) + " inconnu du référentiel");
      continue;
    }
    const CommuneIndex idx = ref.index_of(*c);
    auto [prev, fresh] = seen[t].try_emplace(idx, n);
    if (!fresh) {
      issue(n, code_name, raw, IssueKind::duplicate, Severity::warning,
            c->code + " (" + c->nom + ") déjà listée ligne " + std::to_string(prev->second) +
                (territory_col ? " pour " + q(name) : std::string()) + " : ignorée");
      continue;
    }
    terr.communes.push_back(idx);
    terr.lines.push_back(n);
  }
  return out;
}

std::string territory_csv(const geo::Referentiel& ref, std::span<const CommuneIndex> communes) {
  std::string out = "code_insee,nom,population\n";
  for (CommuneIndex i : communes) {
    if (i >= ref.communes.size()) continue;
    const geo::Commune& c = ref.communes[i];
    out += c.code + "," + csv::field(c.nom) + "," + std::to_string(c.population) + "\n";
  }
  return out;
}

std::string territories_csv(const geo::Referentiel& ref, std::span<const Territory> territories) {
  std::string out = "territoire,etape,code_insee,nom\n";
  for (const Territory& t : territories) {
    for (CommuneIndex i : t.communes) {
      if (i >= ref.communes.size()) continue;
      const geo::Commune& c = ref.communes[i];
      out += csv::field(t.name) + "," + csv::field(t.stage) + "," + c.code + "," +
             csv::field(c.nom) + "\n";
    }
  }
  return out;
}

}  // namespace maillage::coverage
