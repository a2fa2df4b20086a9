#include "rpps/extract.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>

#include "common/text_check.hpp"

namespace maillage::rpps {

namespace {

constexpr std::array<std::string_view, kColumnCount> kColumns = {
    "Type d'identifiant PP",
    "Identifiant PP",
    "Identification nationale PP",
    "Code civilité d'exercice",
    "Libellé civilité d'exercice",
    "Code civilité",
    "Libellé civilité",
    "Nom d'exercice",
    "Prénom d'exercice",
    "Code profession",
    "Libellé profession",
    "Code catégorie professionnelle",
    "Libellé catégorie professionnelle",
    "Code type savoir-faire",
    "Libellé type savoir-faire",
    "Code savoir-faire",
    "Libellé savoir-faire",
    "Code mode exercice",
    "Libellé mode exercice",
    "Numéro SIRET site",
    "Numéro SIREN site",
    "Numéro FINESS site",
    "Numéro FINESS établissement juridique",
    "Identifiant technique de la structure",
    "Raison sociale site",
    "Enseigne commerciale site",
    "Complément destinataire (coord. structure)",
    "Complément point géographique (coord. structure)",
    "Numéro Voie (coord. structure)",
    "Indice répétition voie (coord. structure)",
    "Code type de voie (coord. structure)",
    "Libellé type de voie (coord. structure)",
    "Libellé Voie (coord. structure)",
    "Mention distribution (coord. structure)",
    "Bureau cedex (coord. structure)",
    "Code postal (coord. structure)",
    "Code commune (coord. structure)",
    "Libellé commune (coord. structure)",
    "Code pays (coord. structure)",
    "Libellé pays (coord. structure)",
    "Téléphone (coord. structure)",
    "Téléphone 2 (coord. structure)",
    "Télécopie (coord. structure)",
    "Adresse e-mail (coord. structure)",
    "Code Département (structure)",
    "Libellé Département (structure)",
    "Ancien identifiant de la structure",
    "Autorité d'enregistrement",
    "Code secteur d'activité",
    "Libellé secteur d'activité",
    "Code section tableau pharmaciens",
    "Libellé section tableau pharmaciens",
};

constexpr std::size_t col(Column c) { return static_cast<std::size_t>(c); }

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_digit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// Identifiant PP: 11 digits for an RPPS number (type 8), 9 alphanumerics for ADELI (type 0,
// "2A"/"2B" for Corsica), otherwise 1 to 20 alphanumerics (other registration authorities).
bool valid_identifier(std::string_view type, std::string_view id) {
  if (id.empty() || id.size() > 20 || !std::all_of(id.begin(), id.end(), is_alnum)) return false;
  if (type == "8") return id.size() == 11 && all_digits(id);
  if (type == "0") return id.size() == 9;
  return true;
}

std::string shown(std::string_view v) {
  constexpr std::size_t kMax = 40;
  if (v.size() <= kMax) return "« " + std::string(v) + " »";
  // Cut on a UTF-8 boundary.
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(v[cut]) & 0xC0) == 0x80) --cut;
  return "« " + std::string(v.substr(0, cut)) + "… »";
}

// The line without its terminator(s).
std::string_view trim_eol(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  return line;
}

// Splits `line` on '|' into fields[0..]; returns the field count, or kMaxFields + 1 when there
// are more than kMaxFields (the rest is not split).
constexpr std::size_t kMaxFields = kColumnCount + 1;
std::size_t split(std::string_view line, std::array<std::string_view, kMaxFields>& fields) {
  const char* p = line.data();
  const char* end = p + line.size();
  std::size_t n = 0;
  while (true) {
    const void* bar = std::memchr(p, '|', static_cast<std::size_t>(end - p));
    const char* stop = bar != nullptr ? static_cast<const char*>(bar) : end;
    if (n == kMaxFields) return kMaxFields + 1;
    fields[n++] = std::string_view(p, static_cast<std::size_t>(stop - p));
    if (bar == nullptr) return n;
    p = stop + 1;
  }
}

class Parser {
 public:
  Parser(std::string file, const ReadOptions& options,
         const std::function<void(const Activity&)>& on_activity)
      : options_(options), on_activity_(on_activity) {
    summary_.file = std::move(file);
  }

  // One complete line (without '\n'), numbered from 1.
  Status line(std::string_view raw, std::int64_t number) {
    std::string_view text = trim_eol(raw);
    if (number == 1) return header(text);
    if (text.empty()) return {};
    ++summary_.data_lines;
    data(text, number);
    return {};
  }

  void too_long(std::int64_t number) {
    ++summary_.data_lines;
    bad(number, BadReason::line_too_long,
        "ligne de plus de " + std::to_string(options_.block_bytes) + " octets");
  }

  Status finish() {
    if (!header_seen_) {
      return fail_at(summary_.file, 1, "en-tête",
                     "fichier vide : l'en-tête des 52 colonnes de Personne_activite manque");
    }
    return {};
  }

  ReadSummary& summary() { return summary_; }

 private:
  Status header(std::string_view text) {
    // A UTF-8 byte order mark is tolerated.
    if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
    std::array<std::string_view, kMaxFields> fields;
    std::size_t n = split(text, fields);
    if (n <= kMaxFields && fields[n - 1].empty()) --n;  // the trailing '|'

    for (std::size_t i = 0; i < kColumnCount; ++i) {
      if (i >= n || n > kColumnCount) {
        return fail_at(summary_.file, 1, std::string(kColumns[std::min(i, kColumnCount - 1)]),
                       "l'en-tête a " + std::to_string(std::min(n, kMaxFields)) +
                           " colonnes au lieu des 52 de Personne_activite");
      }
      if (!iequals_ascii(fields[i], kColumns[i])) {
        return fail_at(summary_.file, 1, std::string(kColumns[i]),
                       "colonne " + std::to_string(i + 1) + " : " + shown(fields[i]) +
                           " au lieu de « " + std::string(kColumns[i]) + " »");
      }
    }
    header_seen_ = true;
    return {};
  }

  void data(std::string_view text, std::int64_t number) {
    std::size_t n = split(text, fields_);
    // 52 fields and the empty one after the trailing '|'. The trailing '|' is required: without
    // it, a line missing one column whose last field is empty could not be told apart.
    if (!(n == kColumnCount + 1 && fields_[kColumnCount].empty())) {
      // n counts the empty field after a trailing '|': the user sees the named fields.
      const bool trailing = n <= kMaxFields && fields_[n - 1].empty();
      const std::string count = n > kMaxFields ? "plus de " + std::to_string(kColumnCount)
                                               : std::to_string(trailing ? n - 1 : n);
      if (n == kColumnCount && !trailing) {
        bad(number, BadReason::column_count, "52 champs mais le « | » final manque");
        return;
      }
      bad(number, BadReason::column_count,
          count + " champs au lieu de 52 (séparateur |, « | » final compris)");
      return;
    }
    // Every field must be text: no NUL byte, nothing but UTF-8 (the whole line at once first,
    // 8 bytes at a time: almost every line is plain ASCII).
    if (!is_ascii_without_nul(text)) {
      for (std::size_t i = 0; i < kColumnCount; ++i) {
        const TextCheck check = check_text(fields_[i]);
        if (check) continue;
        const std::string where = "champ « " + std::string(kColumns[i]) + " » (colonne " +
                                  std::to_string(i + 1) + ", octet " +
                                  std::to_string(check.offset + 1) + ")";
        if (check.fault == TextFault::nul_byte) {
          bad(number, BadReason::nul_byte, where + " : octet nul");
        } else {
          bad(number, BadReason::invalid_utf8,
              where + " : octets non UTF-8 (fichier en Latin-1 ?)");
        }
        return;
      }
    }
    Activity a;
    a.line = number;
    a.type_identifiant = fields_[col(Column::type_identifiant)];
    a.rpps = fields_[col(Column::identifiant)];
    if (!valid_identifier(a.type_identifiant, a.rpps)) {
      bad(number, BadReason::invalid_rpps,
          "Identifiant PP " + shown(a.rpps) + " invalide (type " + shown(a.type_identifiant) + ")");
      return;
    }
    a.profession_code = fields_[col(Column::code_profession)];
    if (!all_digits(a.profession_code) || a.profession_code.size() > 3) {
      bad(number, BadReason::invalid_profession,
          "Code profession " + shown(a.profession_code) + " invalide");
      return;
    }
    a.profession_label = fields_[col(Column::libelle_profession)];
    a.savoir_faire_code = fields_[col(Column::code_savoir_faire)];
    a.savoir_faire_label = fields_[col(Column::libelle_savoir_faire)];
    a.mode_code = fields_[col(Column::code_mode_exercice)];
    a.secteur_code = fields_[col(Column::code_secteur)];
    a.siret = fields_[col(Column::siret_site)];
    a.finess = fields_[col(Column::finess_site)];
    a.postcode = fields_[col(Column::code_postal)];
    std::string_view commune = fields_[col(Column::code_commune)];
    std::string_view pays = fields_[col(Column::code_pays)];
    const bool france = pays.empty() || pays == "99100";
    if (!commune.empty()) {
      if (!valid_commune_code(commune)) {
        bad(number, BadReason::invalid_commune,
            "Code commune (coord. structure) " + shown(commune) + " invalide");
        return;
      }
      if (options_.communes.known && !options_.communes.known(commune)) {
        bad(number, BadReason::unknown_commune,
            "Code commune (coord. structure) " + shown(commune) + " inconnu du référentiel");
        return;
      }
      a.commune = commune;
    } else if (!france) {
      skip(SkipReason::abroad);
      return;
    } else if (a.postcode.empty()) {
      skip(SkipReason::no_address);
      return;
    } else {
      if (!valid_postcode(a.postcode)) {
        bad(number, BadReason::invalid_postcode,
            "Code commune vide et Code postal (coord. structure) " + shown(a.postcode) +
                " invalide");
        return;
      }
      std::string_view found =
          options_.communes.by_postcode ? options_.communes.by_postcode(a.postcode) : "";
      if (found.empty()) {
        bad(number, BadReason::unknown_commune,
            "Code commune vide et Code postal (coord. structure) " + shown(a.postcode) +
                " inconnu du référentiel");
        return;
      }
      a.commune = found;
      a.commune_from_postcode = true;
      ++summary_.from_postcode;
    }
    std::string_view structure = fields_[col(Column::identifiant_structure)];
    a.site = !structure.empty()  ? structure
             : !a.siret.empty()  ? a.siret
             : !a.finess.empty() ? a.finess
                                 : a.commune;
    ++summary_.activities;
    on_activity_(a);
  }

  void bad(std::int64_t number, BadReason reason, std::string detail) {
    ++summary_.bad_lines;
    ++summary_.bad_by_reason[static_cast<std::size_t>(reason)];
    if (summary_.bad.size() < options_.max_reported_bad_lines) {
      summary_.bad.push_back(BadLine{number, reason, std::move(detail)});
    }
  }

  void skip(SkipReason reason) {
    ++summary_.skipped_lines;
    ++summary_.skipped_by_reason[static_cast<std::size_t>(reason)];
  }

  const ReadOptions& options_;
  const std::function<void(const Activity&)>& on_activity_;
  ReadSummary summary_;
  bool header_seen_ = false;
  std::array<std::string_view, kMaxFields> fields_{};
};

}  // namespace

std::span<const std::string_view> column_names() { return kColumns; }

std::string_view bad_reason_id(BadReason r) {
  switch (r) {
    case BadReason::column_count:
      return "colonnes";
    case BadReason::line_too_long:
      return "ligne_trop_longue";
    case BadReason::invalid_rpps:
      return "identifiant";
    case BadReason::invalid_profession:
      return "profession";
    case BadReason::invalid_commune:
      return "commune_invalide";
    case BadReason::invalid_postcode:
      return "code_postal_invalide";
    case BadReason::unknown_commune:
      return "commune_inconnue";
    case BadReason::invalid_utf8:
      return "utf8";
    case BadReason::nul_byte:
      return "octet_nul";
    case BadReason::count_:
      break;
  }
  return "?";
}

std::string_view bad_reason_label(BadReason r) {
  switch (r) {
    case BadReason::column_count:
      return "nombre de colonnes incorrect";
    case BadReason::line_too_long:
      return "ligne trop longue";
    case BadReason::invalid_rpps:
      return "identifiant PP vide ou invalide";
    case BadReason::invalid_profession:
      return "code profession invalide";
    case BadReason::invalid_commune:
      return "code commune invalide";
    case BadReason::invalid_postcode:
      return "code postal invalide";
    case BadReason::unknown_commune:
      return "commune inconnue du référentiel";
    case BadReason::invalid_utf8:
      return "texte non UTF-8";
    case BadReason::nul_byte:
      return "octet nul dans un champ";
    case BadReason::count_:
      break;
  }
  return "?";
}

bool valid_commune_code(std::string_view code) {
  if (code.size() != 5) return false;
  const bool corsica = code[0] == '2' && (code[1] == 'A' || code[1] == 'B');
  if (!corsica && !(is_digit(code[0]) && is_digit(code[1]))) return false;
  return is_digit(code[2]) && is_digit(code[3]) && is_digit(code[4]);
}

bool valid_postcode(std::string_view code) { return code.size() == 5 && all_digits(code); }

bool is_general_practitioner(std::string_view profession_code, std::string_view savoir_faire) {
  return profession_code == "10" &&
         (savoir_faire == "SM26" || savoir_faire == "SM53" || savoir_faire == "SM54");
}

std::string extract_date_from_name(std::string_view name) {
  // The last run of exactly 12 digits ("YYYYMMDDhhmm") in the base name.
  if (auto slash = name.find_last_of('/'); slash != std::string_view::npos) {
    name.remove_prefix(slash + 1);
  }
  std::string found;
  std::size_t i = 0;
  while (i < name.size()) {
    if (!is_digit(name[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < name.size() && is_digit(name[j])) ++j;
    if (j - i == 12) {
      std::string_view d = name.substr(i, 12);
      int year = std::stoi(std::string(d.substr(0, 4)));
      int month = std::stoi(std::string(d.substr(4, 2)));
      int day = std::stoi(std::string(d.substr(6, 2)));
      if (year >= 2000 && year <= 2100 && month >= 1 && month <= 12 && day >= 1 && day <= 31) {
        found = std::string(d.substr(0, 4)) + "-" + std::string(d.substr(4, 2)) + "-" +
                std::string(d.substr(6, 2));
      }
    }
    i = j;
  }
  return found;
}

Result<ReadSummary> read_extract(const std::string& file_name, const ByteSource& source,
                                 const ReadOptions& options,
                                 const std::function<void(const Activity&)>& on_activity) {
  const std::size_t capacity = std::max<std::size_t>(options.block_bytes, 256);
  std::unique_ptr<char[]> buffer(new char[capacity]);
  Parser parser(file_name, options, on_activity);
  std::size_t used = 0;  // bytes in buffer not yet consumed, starting at 0
  std::int64_t number = 0;
  bool skipping = false;  // inside a line longer than the buffer
  while (true) {
    auto got = source(buffer.get() + used, capacity - used);
    if (!got) {
      Error e = got.error();
      if (e.file.empty()) e.file = file_name;
      return tl::unexpected(std::move(e));
    }
    parser.summary().bytes += *got;
    const bool eof = *got == 0;
    used += *got;
    std::size_t start = 0;
    while (start < used) {
      const void* nl = std::memchr(buffer.get() + start, '\n', used - start);
      if (nl == nullptr) break;
      const std::size_t end = static_cast<std::size_t>(static_cast<const char*>(nl) - buffer.get());
      if (skipping) {
        skipping = false;  // the end of the over-long line: already reported
      } else {
        ++number;
        if (auto s = parser.line(std::string_view(buffer.get() + start, end - start), number); !s) {
          return tl::unexpected(s.error());
        }
      }
      start = end + 1;
    }
    if (options.progress && !eof) options.progress(parser.summary().bytes);
    if (eof) {
      if (start < used && !skipping) {  // last line without '\n'
        ++number;
        if (auto s = parser.line(std::string_view(buffer.get() + start, used - start), number);
            !s) {
          return tl::unexpected(s.error());
        }
      }
      break;
    }
    if (start == 0 && used == capacity) {
      // A line fills the whole buffer: report it and drop bytes until its end.
      if (!skipping) {
        ++number;
        if (number == 1) {
          return fail_at(file_name, 1, "en-tête",
                         "en-tête de plus de " + std::to_string(capacity) + " octets");
        }
        parser.too_long(number);
      }
      skipping = true;
      used = 0;
      continue;
    }
    std::memmove(buffer.get(), buffer.get() + start, used - start);
    used -= start;
  }
  if (options.progress) options.progress(parser.summary().bytes);
  if (auto s = parser.finish(); !s) return tl::unexpected(s.error());
  return std::move(parser.summary());
}

Result<ReadSummary> read_extract_file(const std::string& path, const ReadOptions& options,
                                      const std::function<void(const Activity&)>& on_activity) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return fail(ErrorCode::io_error,
                "impossible d'ouvrir « " + path + " » : " + std::strerror(errno), path);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
#ifdef POSIX_FADV_SEQUENTIAL
  (void)::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  ByteSource source = [fd, &path](char* buf, std::size_t n) -> Result<std::size_t> {
    while (true) {
      ssize_t r = ::read(fd, buf, n);
      if (r >= 0) return static_cast<std::size_t>(r);
      if (errno == EINTR) continue;
      return fail(ErrorCode::io_error, "lecture de « " + path + " » : " + std::strerror(errno),
                  path);
    }
  };
  return read_extract(path, source, options, on_activity);
}

Result<ReadSummary> read_extract_text(const std::string& file_name, std::string_view text,
                                      const ReadOptions& options,
                                      const std::function<void(const Activity&)>& on_activity) {
  std::size_t offset = 0;
  ByteSource source = [&](char* buf, std::size_t n) -> Result<std::size_t> {
    std::size_t k = std::min(n, text.size() - offset);
    if (k > 0) std::memcpy(buf, text.data() + offset, k);
    offset += k;
    return k;
  };
  return read_extract(file_name, source, options, on_activity);
}

}  // namespace maillage::rpps
