// The XLSX reader: libzip opens the package in memory, expat parses each XML part as it is
// inflated (chunk by chunk, so a large sheet is never held twice). The parts read are the ones
// the package's relationships name: _rels/.rels → the workbook, its .rels → the first sheet, the
// shared strings and the styles (only to know which number formats are dates).
#include "office/xlsx_reader.hpp"

#include <expat.h>
#include <fmt/format.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <functional>
#include <map>
#include <memory>

#include "common/try.hpp"

namespace maillage::office {

namespace {

constexpr std::int64_t kMaxRow = 1'048'576;
constexpr std::size_t kMaxColumn = 16'384;
constexpr std::size_t kChunk = 64 * 1024;

std::string_view local_name(const char* name) {
  std::string_view n(name);
  const auto colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const char* attribute(const char** atts, std::string_view local) {
  for (std::size_t i = 0; atts[i] != nullptr; i += 2) {
    if (local_name(atts[i]) == local) return atts[i + 1];
  }
  return nullptr;
}

// Element callbacks of one part. A callback that sets `error` stops the parse there.
struct XmlHandler {
  std::function<void(std::string_view, const char**)> start;
  std::function<void(std::string_view)> end;
  std::function<void(std::string_view)> text;
  std::optional<Error> error;
};

struct ParseState {
  XML_Parser parser = nullptr;
  XmlHandler* handler = nullptr;
};

void stop_if_failed(ParseState* s) {
  if (s->handler->error) XML_StopParser(s->parser, XML_FALSE);
}
void XMLCALL on_start(void* data, const char* name, const char** atts) {
  auto* s = static_cast<ParseState*>(data);
  if (s->handler->error) return;
  if (s->handler->start) s->handler->start(local_name(name), atts);
  stop_if_failed(s);
}
void XMLCALL on_end(void* data, const char* name) {
  auto* s = static_cast<ParseState*>(data);
  if (s->handler->error) return;
  if (s->handler->end) s->handler->end(local_name(name));
  stop_if_failed(s);
}
void XMLCALL on_text(void* data, const char* text, int len) {
  auto* s = static_cast<ParseState*>(data);
  if (s->handler->error || !s->handler->text) return;
  s->handler->text(std::string_view(text, static_cast<std::size_t>(len)));
  stop_if_failed(s);
}
// A DOCTYPE has no business in SpreadsheetML; refusing it rules out entity expansion tricks.
void XMLCALL on_doctype(void* data, const char*, const char*, const char*, int) {
  auto* s = static_cast<ParseState*>(data);
  if (!s->handler->error) {
    s->handler->error =
        Error{ErrorCode::parse_error, "déclaration DOCTYPE refusée dans un classeur", "", "", 0};
  }
  XML_StopParser(s->parser, XML_FALSE);
}

class Package {
 public:
  Package(std::string_view bytes, std::string file, const ReadLimits& limits)
      : file_(std::move(file)), limits_(limits) {
    zip_error_t error;
    zip_error_init(&error);
    zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
    if (source != nullptr) {
      zip_ = zip_open_from_source(source, ZIP_RDONLY, &error);
      if (zip_ == nullptr) zip_source_free(source);
    }
    zip_error_fini(&error);
  }
  ~Package() {
    if (zip_ != nullptr) zip_discard(zip_);
  }
  Package(const Package&) = delete;
  Package& operator=(const Package&) = delete;

  [[nodiscard]] bool open() const { return zip_ != nullptr; }
  [[nodiscard]] bool has(const std::string& name) const {
    return zip_name_locate(zip_, name.c_str(), ZIP_FL_NOCASE) >= 0;
  }

  tl::unexpected<Error> failure(std::string message, std::int64_t line = 0,
                                std::string field = {}) const {
    return tl::unexpected(
        Error{ErrorCode::parse_error, std::move(message), std::move(field), file_, line});
  }

  /// Streams part `name` through expat into `handler`.
  Status parse(const std::string& name, XmlHandler& handler) const {
    const zip_int64_t index = zip_name_locate(zip_, name.c_str(), ZIP_FL_NOCASE);
    if (index < 0) return failure("partie « " + name + " » absente du classeur");
    zip_file_t* f = zip_fopen_index(zip_, static_cast<zip_uint64_t>(index), 0);
    if (f == nullptr) {
      return failure("partie « " + name + " » illisible : " + zip_strerror(zip_));
    }
    std::unique_ptr<zip_file_t, int (*)(zip_file_t*)> closer(f, zip_fclose);
    std::unique_ptr<std::remove_pointer_t<XML_Parser>, void (*)(XML_Parser)> parser(
        XML_ParserCreate("UTF-8"), XML_ParserFree);
    if (!parser) return fail(ErrorCode::internal, "analyseur XML indisponible");
    ParseState state{parser.get(), &handler};
    XML_SetUserData(parser.get(), &state);
    XML_SetElementHandler(parser.get(), on_start, on_end);
    XML_SetCharacterDataHandler(parser.get(), on_text);
    XML_SetStartDoctypeDeclHandler(parser.get(), on_doctype);
    std::vector<char> buffer(kChunk);
    std::uint64_t total = 0;
    for (;;) {
      const zip_int64_t n = zip_fread(f, buffer.data(), buffer.size());
      if (n < 0) {
        return failure("partie « " + name +
                       " » illisible (archive abîmée) : " + zip_file_strerror(f));
      }
      total += static_cast<std::uint64_t>(n);
      if (total > limits_.max_part_bytes) {
        return failure(
            fmt::format("partie « {} » trop grande une fois décompressée (plus de {} "
                        "Mo)",
                        name, limits_.max_part_bytes >> 20));
      }
      const bool last = n == 0;
      if (XML_Parse(parser.get(), buffer.data(), static_cast<int>(n),
                    last ? XML_TRUE : XML_FALSE) == XML_STATUS_ERROR) {
        if (handler.error) {
          Error e = *handler.error;
          e.file = file_;
          if (e.line == 0) e.message += " (partie « " + name + " »)";
          return tl::unexpected(std::move(e));
        }
        return failure(fmt::format("XML invalide dans la partie « {} », ligne {} : {}", name,
                                   XML_GetCurrentLineNumber(parser.get()),
                                   XML_ErrorString(XML_GetErrorCode(parser.get()))));
      }
      if (last) break;
    }
    if (handler.error) return tl::unexpected(*handler.error);
    return {};
  }

 private:
  std::string file_;
  ReadLimits limits_;
  zip_t* zip_ = nullptr;
};

// "xl/workbook.xml" + "worksheets/sheet1.xml" → "xl/worksheets/sheet1.xml"; "/xl/…" is absolute;
// ".." steps up.
std::string resolve(const std::string& base_dir, std::string_view target) {
  std::vector<std::string> parts;
  std::string_view path = target;
  std::string joined;
  if (path.starts_with('/')) {
    joined = std::string(path.substr(1));
  } else {
    joined = base_dir.empty() ? std::string(path) : base_dir + "/" + std::string(path);
  }
  std::size_t i = 0;
  while (i <= joined.size()) {
    const auto j = std::min(joined.find('/', i), joined.size());
    const std::string part = joined.substr(i, j - i);
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
    } else if (!part.empty() && part != ".") {
      parts.push_back(part);
    }
    i = j + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? std::string() : path.substr(0, slash);
}
std::string rels_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos
             ? "_rels/" + path + ".rels"
             : path.substr(0, slash) + "/_rels/" + path.substr(slash + 1) + ".rels";
}

struct Relationship {
  std::string id, type, target;
};

Result<std::vector<Relationship>> relationships(const Package& pkg, const std::string& part) {
  std::vector<Relationship> out;
  if (!pkg.has(part)) return out;
  XmlHandler h;
  h.start = [&](std::string_view name, const char** atts) {
    if (name != "Relationship") return;
    const char* id = attribute(atts, "Id");
    const char* type = attribute(atts, "Type");
    const char* target = attribute(atts, "Target");
    if (target != nullptr) out.push_back({id ? id : "", type ? type : "", target});
  };
  MAILLAGE_CHECK(pkg.parse(part, h));
  return out;
}

const Relationship* by_type(const std::vector<Relationship>& rels, std::string_view suffix) {
  for (const auto& r : rels) {
    if (r.type.ends_with(suffix)) return &r;
  }
  return nullptr;
}

// Whether a number format shows a date: the built-in date ids, or a custom code with a day or a
// year outside quoted text, escapes and [colour]/[locale] brackets. Time-only formats (h:mm) are
// not dates.
bool date_format(int id, const std::string& code) {
  if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58))
    return true;
  if (code.empty()) return false;
  bool quoted = false, bracket = false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (quoted) {
      quoted = c != '"';
      continue;
    }
    if (bracket) {
      bracket = c != ']';
      continue;
    }
    if (c == '"') {
      quoted = true;
    } else if (c == '[') {
      bracket = true;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;  // the next character is literal (or a padding width)
    } else if (c == 'd' || c == 'D' || c == 'y' || c == 'Y') {
      return true;
    }
  }
  return false;
}

bool format_has_time(int id, const std::string& code) {
  if (id == 22) return true;
  return code.find('h') != std::string::npos || code.find('H') != std::string::npos;
}

struct Styles {
  std::vector<int> xf_format;  // cellXfs index → numFmtId
  std::map<int, std::string> codes;
};

Result<Styles> read_styles(const Package& pkg, const std::string& part) {
  Styles s;
  if (part.empty() || !pkg.has(part)) return s;
  bool in_xfs = false;
  XmlHandler h;
  h.start = [&](std::string_view name, const char** atts) {
    if (name == "cellXfs") {
      in_xfs = true;
    } else if (name == "numFmt") {
      const char* id = attribute(atts, "numFmtId");
      const char* code = attribute(atts, "formatCode");
      if (id != nullptr && code != nullptr) s.codes[std::atoi(id)] = code;
    } else if (name == "xf" && in_xfs) {
      const char* id = attribute(atts, "numFmtId");
      s.xf_format.push_back(id != nullptr ? std::atoi(id) : 0);
    }
  };
  h.end = [&](std::string_view name) {
    if (name == "cellXfs") in_xfs = false;
  };
  MAILLAGE_CHECK(pkg.parse(part, h));
  return s;
}

// Text of <si> (shared strings) and <is> (inline strings): the <t> runs, without the phonetic
// reading runs (<rPh>) some East Asian exports add.
struct RichText {
  int t_depth = 0;
  int rph_depth = 0;
  std::string value;
  void start(std::string_view name) {
    if (name == "t") ++t_depth;
    if (name == "rPh") ++rph_depth;
  }
  void end(std::string_view name) {
    if (name == "t") --t_depth;
    if (name == "rPh") --rph_depth;
  }
  void text(std::string_view s) {
    if (t_depth > 0 && rph_depth == 0) value += s;
  }
};

Result<std::vector<std::string>> read_shared_strings(const Package& pkg, const std::string& part,
                                                     const ReadLimits& limits) {
  std::vector<std::string> out;
  if (part.empty() || !pkg.has(part)) return out;
  std::optional<RichText> current;
  XmlHandler h;
  h.start = [&](std::string_view name, const char**) {
    if (name == "si") {
      current.emplace();
    } else if (current) {
      current->start(name);
    }
  };
  h.end = [&](std::string_view name) {
    if (name == "si" && current) {
      out.push_back(std::move(current->value));
      current.reset();
    } else if (current) {
      current->end(name);
    }
  };
  h.text = [&](std::string_view s) {
    if (current) current->text(s);
  };
  MAILLAGE_CHECK(pkg.parse(part, h));
  if (out.size() > limits.max_cells) return pkg.failure("trop de textes partagés");
  return out;
}

// "C4" → column 2 (0-based), row 4. nullopt when malformed or beyond XFD1048576.
std::optional<std::pair<std::size_t, std::int64_t>> cell_reference(std::string_view ref) {
  std::size_t i = 0, column = 0;
  while (i < ref.size() && ref[i] >= 'A' && ref[i] <= 'Z' && i < 3) {
    column = column * 26 + static_cast<std::size_t>(ref[i] - 'A' + 1);
    ++i;
  }
  if (i == 0 || column > kMaxColumn || i == ref.size()) return std::nullopt;
  std::int64_t row = 0;
  const auto digits = ref.substr(i);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), row);
  if (ec != std::errc() || p != digits.data() + digits.size() || row < 1 || row > kMaxRow)
    return std::nullopt;
  return std::make_pair(column - 1, row);
}

std::string number_text(double v) {
  if (std::floor(v) == v && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{:.15g}", v);
}

std::string date_text(double serial, bool date1904, bool with_time) {
  const auto d = serial_to_date(serial, date1904);
  if (!d) return number_text(serial);
  std::string out = fmt::format("{:02}/{:02}/{:04}", d->day, d->month, d->year);
  if (with_time) {
    auto minutes = static_cast<int>(std::llround((serial - std::floor(serial)) * 1440.0));
    minutes = std::min(minutes, 1439);
    out += fmt::format(" {:02}:{:02}", minutes / 60, minutes % 60);
  }
  return out;
}

}  // namespace

std::optional<Date> serial_to_date(double serial, bool date1904) {
  using namespace std::chrono;
  if (!std::isfinite(serial) || serial < 0 || serial > 3'000'000) return std::nullopt;
  const auto days = static_cast<std::int64_t>(std::floor(serial));
  sys_days day;
  if (date1904) {
    day = sys_days{year{1904} / January / 1} + std::chrono::days{days};
  } else {
    if (days < 1 || days == 60) return std::nullopt;
    day = days < 60 ? sys_days{year{1899} / December / 31} + std::chrono::days{days}
                    : sys_days{year{1899} / December / 30} + std::chrono::days{days};
  }
  const year_month_day ymd{day};
  if (ymd.year() > year{9999}) return std::nullopt;
  return Date{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
              static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

Result<ReadSheet> read_xlsx_first_sheet(std::string_view bytes, std::string_view file,
                                        const ReadLimits& limits) {
  const std::string name(file);
  auto whole = [&](std::string message) {
    return tl::unexpected(Error{ErrorCode::parse_error, std::move(message), "", name, 0});
  };
  if (bytes.starts_with("\xD0\xCF\x11\xE0")) {
    return whole("ancien classeur Excel (.xls) : enregistrez-le en .xlsx ou en CSV");
  }
  if (!bytes.starts_with("PK")) return whole("ce fichier n'est pas un classeur XLSX");
  const Package pkg(bytes, name, limits);
  if (!pkg.open()) return whole("classeur XLSX illisible (archive zip abîmée)");

  // The workbook: named by the package's relationships, or at its usual place.
  std::string workbook = "xl/workbook.xml";
  const auto root = MAILLAGE_TRY(relationships(pkg, "_rels/.rels"));
  if (const auto* r = by_type(root, "/officeDocument")) workbook = resolve("", r->target);
  if (!pkg.has(workbook)) return whole("classeur XLSX sans partie « " + workbook + " »");

  ReadSheet out;
  std::string first_sheet_id;
  {
    XmlHandler h;
    h.start = [&](std::string_view el, const char** atts) {
      if (el == "workbookPr") {
        const char* v = attribute(atts, "date1904");
        out.date1904 =
            v != nullptr && (std::string_view(v) == "1" || std::string_view(v) == "true");
      } else if (el == "sheet" && first_sheet_id.empty()) {
        const char* id = attribute(atts, "id");
        const char* n = attribute(atts, "name");
        if (id != nullptr) first_sheet_id = id;
        if (n != nullptr) out.name = n;
      }
    };
    MAILLAGE_CHECK(pkg.parse(workbook, h));
  }
  if (first_sheet_id.empty()) return whole("le classeur ne contient aucune feuille");
  const auto rels = MAILLAGE_TRY(relationships(pkg, rels_of(workbook)));
  const std::string base = dir_of(workbook);
  std::string sheet_part;
  for (const auto& r : rels) {
    if (r.id == first_sheet_id) sheet_part = resolve(base, r.target);
  }
  if (sheet_part.empty()) {
    return whole("feuille « " + out.name + " » introuvable dans le classeur");
  }
  const auto* sst = by_type(rels, "/sharedStrings");
  const auto strings = MAILLAGE_TRY(read_shared_strings(
      pkg, sst ? resolve(base, sst->target) : base + "/sharedStrings.xml", limits));
  const auto* st = by_type(rels, "/styles");
  const Styles styles =
      MAILLAGE_TRY(read_styles(pkg, st ? resolve(base, st->target) : base + "/styles.xml"));
  auto style_is_date = [&](std::size_t s, bool* with_time) {
    if (s >= styles.xf_format.size()) return false;
    const int id = styles.xf_format[s];
    const auto code = styles.codes.find(id);
    const std::string& text = code == styles.codes.end() ? std::string() : code->second;
    *with_time = format_has_time(id, text);
    return date_format(id, text);
  };

  // The sheet: <sheetData><row r><c r t s><v/><is><t/></is></c></row></sheetData>.
  XmlHandler h;
  std::optional<Error>& error = h.error;
  std::int64_t row_number = 0;
  std::size_t next_column = 0;
  std::uint64_t cells_total = 0;
  ReadRow row;
  bool in_row = false, in_cell = false, in_v = false, in_is = false;
  std::string cell_type, cell_ref, v_text;
  std::size_t cell_column = 0;
  std::size_t cell_style = 0;
  RichText inline_text;
  const std::string where = "feuille « " + out.name + " »";
  auto cell_error = [&](std::string message) {
    error = Error{ErrorCode::parse_error, std::move(message) + " (" + where + ")", cell_ref, name,
                  row_number};
  };
  h.start = [&](std::string_view el, const char** atts) {
    if (el == "row") {
      const char* r = attribute(atts, "r");
      std::int64_t n = row_number + 1;
      if (r != nullptr) {
        const std::string_view rv(r);
        auto [p, ec] = std::from_chars(rv.data(), rv.data() + rv.size(), n);
        if (ec != std::errc() || p != rv.data() + rv.size() || n < 1 || n > kMaxRow) {
          cell_ref = r;
          error = Error{ErrorCode::parse_error,
                        "numéro de ligne « " + std::string(rv) + " » invalide (" + where + ")", "",
                        name, row_number};
          return;
        }
      }
      if (n <= row_number) {
        error = Error{ErrorCode::parse_error,
                      fmt::format("ligne {} en double ou dans le désordre ({})", n, where), "",
                      name, n};
        return;
      }
      row_number = n;
      row = ReadRow{n, {}};
      in_row = true;
      next_column = 0;
    } else if (el == "c" && in_row) {
      in_cell = true;
      const char* r = attribute(atts, "r");
      const char* t = attribute(atts, "t");
      const char* s = attribute(atts, "s");
      cell_type = t != nullptr ? t : "n";
      cell_style = s != nullptr ? static_cast<std::size_t>(std::strtoul(s, nullptr, 10)) : 0;
      v_text.clear();
      inline_text = RichText{};
      if (r != nullptr) {
        cell_ref = r;
        const auto ref = cell_reference(r);
        if (!ref || ref->second != row_number) {
          cell_error("référence de cellule « " + std::string(r) + " » invalide");
          return;
        }
        cell_column = ref->first;
      } else {
        cell_column = next_column;
        cell_ref = column_letters(cell_column) + std::to_string(row_number);
      }
      if (cell_column < next_column && next_column > 0 && r != nullptr) {
        cell_error("cellule « " + std::string(r) + " » en double ou dans le désordre");
        return;
      }
      if (cell_column >= kMaxColumn) {
        cell_error("colonne au-delà de XFD");
        return;
      }
      next_column = cell_column + 1;
    } else if (in_cell && el == "v") {
      in_v = true;
    } else if (in_cell && el == "is") {
      in_is = true;
    } else if (in_is) {
      inline_text.start(el);
    }
  };
  h.text = [&](std::string_view s) {
    if (in_v) v_text += s;
    if (in_is) inline_text.text(s);
  };
  h.end = [&](std::string_view el) {
    if (el == "v") {
      in_v = false;
    } else if (el == "is") {
      in_is = false;
    } else if (in_is) {
      inline_text.end(el);
    } else if (el == "c" && in_cell) {
      in_cell = false;
      ReadCell cell;
      if (cell_type == "s") {
        std::size_t index = 0;
        auto [p, ec] = std::from_chars(v_text.data(), v_text.data() + v_text.size(), index);
        if (ec != std::errc() || p != v_text.data() + v_text.size() || index >= strings.size()) {
          cell_error("texte partagé n° « " + v_text + " » absent du classeur");
          return;
        }
        cell.kind = ReadCell::Kind::text;
        cell.text = strings[index];
      } else if (cell_type == "inlineStr") {
        cell.kind = ReadCell::Kind::text;
        cell.text = std::move(inline_text.value);
      } else if (cell_type == "str") {
        cell.kind = ReadCell::Kind::text;
        cell.text = v_text;
      } else if (cell_type == "b") {
        cell.kind = ReadCell::Kind::boolean;
        cell.text = v_text == "1" ? "oui" : "non";
      } else if (cell_type == "e") {
        cell.kind = ReadCell::Kind::error;
        cell.text = v_text;
      } else if (cell_type == "d") {
        // ISO 8601 date: "2024-03-15" or "2024-03-15T10:32:00".
        cell.kind = ReadCell::Kind::date;
        if (v_text.size() >= 10 && v_text[4] == '-' && v_text[7] == '-') {
          cell.text = v_text.substr(8, 2) + "/" + v_text.substr(5, 2) + "/" + v_text.substr(0, 4);
          if (v_text.size() >= 16 && v_text[10] == 'T') cell.text += " " + v_text.substr(11, 5);
        } else {
          cell.text = v_text;
        }
      } else if (cell_type == "n") {
        if (!v_text.empty()) {
          double v = 0;
          auto [p, ec] = std::from_chars(v_text.data(), v_text.data() + v_text.size(), v);
          if (ec != std::errc() || p != v_text.data() + v_text.size() || !std::isfinite(v)) {
            cell_error("nombre « " + v_text + " » illisible");
            return;
          }
          cell.number = v;
          bool with_time = false;
          if (style_is_date(cell_style, &with_time) && serial_to_date(v, out.date1904)) {
            cell.kind = ReadCell::Kind::date;
            cell.text = date_text(v, out.date1904, with_time && std::floor(v) != v);
          } else {
            cell.kind = ReadCell::Kind::number;
            cell.text = number_text(v);
          }
        }
      } else {
        cell_error("type de cellule « " + cell_type + " » inconnu");
        return;
      }
      if (cell.kind == ReadCell::Kind::empty ||
          (cell.text.empty() && cell.kind == ReadCell::Kind::text))
        return;
      if (row.cells.size() <= cell_column) {
        cells_total += cell_column + 1 - row.cells.size();
        if (cells_total > limits.max_cells) {
          cell_error(fmt::format("plus de {} cellules dans la feuille", limits.max_cells));
          return;
        }
        row.cells.resize(cell_column + 1);
      }
      row.cells[cell_column] = std::move(cell);
    } else if (el == "row" && in_row) {
      in_row = false;
      if (!row.cells.empty()) out.rows.push_back(std::move(row));
      row = ReadRow{};
    }
  };
  MAILLAGE_CHECK(pkg.parse(sheet_part, h));
  return out;
}

}  // namespace maillage::office
