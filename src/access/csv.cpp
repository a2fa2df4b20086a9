#include "access/csv.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>

#include "access/huge_pages.hpp"
#include "access/number.hpp"
#include "access/parallel.hpp"

// The hot loop's lambdas are inlined: called, they keep the loop's state in memory.
#define MAILLAGE_INLINE __attribute__((always_inline))

namespace maillage::access {

namespace {

constexpr std::size_t npos = std::string_view::npos;

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// A value quoted in a message, cut so that a binary line does not flood the terminal.
std::string shown(std::string_view v) {
  constexpr std::size_t kMax = 40;
  std::string out = "« ";
  out += v.size() > kMax ? std::string(v.substr(0, kMax)) + "…" : std::string(v);
  out += " »";
  return out;
}

// Splits one line (no line end) into fields. Quoted fields without doubled quotes and unquoted
// fields are views into `line`; unescaped ones go to `scratch`, which the caller reserves to at
// least line.size() so that it never reallocates under the views. Returns an error message, or
// nullptr.
const char* split_fields(std::string_view line, char sep, std::vector<std::string_view>& fields,
                         std::string& scratch) {
  fields.clear();
  scratch.clear();
  const std::size_t n = line.size();
  std::size_t pos = 0;
  while (true) {
    std::size_t start = pos;
    while (start < n && line[start] != sep && is_blank(line[start])) ++start;
    if (start < n && line[start] == '"') {
      std::size_t p = start + 1;
      bool doubled = false;
      std::size_t close = npos;
      while (true) {
        close = line.find('"', p);
        if (close == npos)
          return "guillemet non fermé (un champ entre guillemets ne peut pas "
                 "contenir de fin de ligne)";
        if (close + 1 < n && line[close + 1] == '"') {
          doubled = true;
          p = close + 2;
          continue;
        }
        break;
      }
      std::string_view content = line.substr(start + 1, close - start - 1);
      if (doubled) {
        const std::size_t from = scratch.size();
        for (std::size_t i = 0; i < content.size(); ++i) {
          scratch.push_back(content[i]);
          if (content[i] == '"') ++i;  // skip the second quote of a pair
        }
        content = std::string_view(scratch).substr(from);
      }
      std::size_t after = close + 1;
      while (after < n && line[after] != sep && is_blank(line[after])) ++after;
      if (after < n && line[after] != sep) return "caractère inattendu après un guillemet fermant";
      fields.push_back(content);
      if (after >= n) return nullptr;
      pos = after + 1;
      continue;
    }
    const std::size_t end = line.find(sep, start);
    fields.push_back(trim(line.substr(start, end == npos ? npos : end - start)));
    if (end == npos) return nullptr;
    pos = end + 1;
  }
}

struct Header {
  std::vector<std::string> names;  // as written, trimmed (for messages and age bands)
  char sep = ',';
  bool decimal_comma = false;
  std::int64_t line = 0;  // line number of the header
  std::string_view body;  // the text after the header line
};

// Calls f(line_number, line) for every non-blank line of `body`, numbering from first_line, with
// '\r' line ends removed. Stops at the first error f returns. `lines`, when given, receives the
// number of lines of `body` (meaningful when no error stopped the loop).
template <class F>
Status for_each_line(std::string_view body, std::int64_t first_line, F&& f,
                     std::int64_t* lines = nullptr) {
  std::int64_t line_no = first_line;
  const char* p = body.data();
  const char* end = p + body.size();
  while (p < end) {
    const char* nl =
        static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    std::string_view line(p, static_cast<std::size_t>(line_end - p));
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (!trim(line).empty()) {
      if (auto ok = f(line_no, line); !ok) return ok;
    }
    ++line_no;
    p = nl ? nl + 1 : end;
  }
  if (lines) *lines = line_no - first_line;
  return {};
}

Result<Header> read_header(std::string_view text, std::string_view file) {
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  Header h;
  std::int64_t line_no = 1;
  while (true) {
    if (text.empty()) {
      return fail_at(std::string(file), line_no, "",
                     "fichier vide : une ligne d'en-tête est attendue");
    }
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    text = nl == npos ? std::string_view{} : text.substr(nl + 1);
    if (trim(line).empty()) {
      ++line_no;
      continue;
    }
    h.line = line_no;
    const bool comma = line.find(',') != npos;
    const bool semicolon = line.find(';') != npos;
    if (semicolon && !comma) {
      h.sep = ';';
      h.decimal_comma = true;
    } else if (!comma && !semicolon && line.find('\t') != npos) {
      h.sep = '\t';
    }
    std::vector<std::string_view> fields;
    std::string scratch;
    scratch.reserve(line.size());
    if (const char* err = split_fields(line, h.sep, fields, scratch)) {
      return fail_at(std::string(file), line_no, "", err);
    }
    for (auto f : fields) h.names.emplace_back(trim(f));
    h.body = text;
    return h;
  }
}

std::string column_list(const Header& h) {
  std::string out;
  for (const auto& n : h.names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// The column whose name is one of `names` (case-insensitive); errors when none or several match.
Result<std::size_t> require_column(const Header& h, std::string_view file,
                                   std::initializer_list<std::string_view> names) {
  std::size_t found = npos;
  for (std::size_t c = 0; c < h.names.size(); ++c) {
    const std::string name = lower(h.names[c]);
    for (auto want : names) {
      if (name != want) continue;
      if (found != npos) {
        return fail_at(std::string(file), h.line, h.names[c],
                       "colonne en double (déjà colonne " + std::to_string(found + 1) + ")");
      }
      found = c;
    }
  }
  if (found == npos) {
    std::string wanted;
    for (auto want : names)
      wanted += wanted.empty() ? std::string(want) : " ou " + std::string(want);
    return fail_at(std::string(file), h.line, std::string(*names.begin()),
                   "colonne « " + wanted + " » absente (colonnes lues : " + column_list(h) + ")");
  }
  return found;
}

// Reads the data lines of a file once its columns are known: splits each line, checks it has
// enough fields, and hands the fields to the callback. One object per thread.
class RowReader {
 public:
  RowReader(const Header& h, std::string_view file, std::size_t needed_fields)
      : h_(h), file_(file), needed_(needed_fields) {}

  template <class F>
  Status read(std::string_view body, std::int64_t first_line, F&& on_row,
              std::int64_t* lines = nullptr) {
    return for_each_line(
        body, first_line,
        [&](std::int64_t line_no, std::string_view line) -> Status {
          if (auto ok = split(line_no, line); !ok) return ok;
          return on_row(line_no, fields_);
        },
        lines);
  }

  // Splits one non-blank line (no line end) into the fields amount() and id() read.
  Status split(std::int64_t line_no, std::string_view line) {
    if (scratch_.capacity() < line.size()) scratch_.reserve(line.size());
    if (const char* err = split_fields(line, h_.sep, fields_, scratch_)) {
      return fail_at(std::string(file_), line_no, "", err);
    }
    if (fields_.size() < needed_) {
      return fail_at(std::string(file_), line_no, "",
                     "ligne incomplète : " + std::to_string(fields_.size()) +
                         " champ(s) au lieu d'au moins " + std::to_string(needed_));
    }
    return {};
  }

  // A number >= 0 from column `col` of the current line.
  Result<double> amount(std::int64_t line_no, std::size_t col) const {
    const std::string_view v = fields_[col];
    const auto value = parse_decimal(v, h_.decimal_comma);
    if (!value) {
      return fail_at(std::string(file_), line_no, h_.names[col],
                     v.empty() ? "valeur manquante" : "nombre attendu, lu " + shown(v));
    }
    if (*value < 0) {
      return fail_at(std::string(file_), line_no, h_.names[col], "valeur négative " + shown(v));
    }
    return *value;
  }

  Result<std::string_view> id(std::int64_t line_no, std::size_t col) const {
    const std::string_view v = fields_[col];
    if (v.empty()) return fail_at(std::string(file_), line_no, h_.names[col], "identifiant vide");
    return v;
  }

 private:
  const Header& h_;
  std::string_view file_;
  std::size_t needed_;
  std::vector<std::string_view> fields_;
  std::string scratch_;
};

// Lines skipped because their id is unknown to the demand file: counted, reported once.
struct UnknownIds {
  std::size_t count = 0;
  std::int64_t first_line = 0;
  std::string first_id;

  void add(std::int64_t line_no, std::string_view id) {
    if (count++ == 0 || line_no < first_line) {
      first_line = line_no;
      first_id = id;
    }
  }
  void report(Diagnostics& d, std::string_view file) const {
    if (count == 0) return;
    d.warn(std::string(file), first_line,
           std::to_string(count) +
               " ligne(s) ignorée(s) : identifiant absent du fichier de "
               "demande (premier : " +
               shown(first_id) + ")");
  }
};

// Lists up to five ids of locations for which `has` is false, for "missing" errors.
template <class Has>
std::string missing_ids(const LocationIndex& locations, Has&& has, std::size_t& count) {
  std::string list;
  count = 0;
  for (LocationId i = 0; i < locations.size(); ++i) {
    if (has(i)) continue;
    if (count++ < 5) list += (list.empty() ? "" : ", ") + locations.id(i);
  }
  if (count > 5) list += ", …";
  return list;
}

Status duplicate(std::string_view file, std::int64_t line_no, std::string_view column,
                 std::string_view id, std::int64_t first) {
  return fail_at(
      std::string(file), line_no, std::string(column),
      "identifiant " + shown(id) + " en double (déjà ligne " + std::to_string(first) + ")");
}

}  // namespace

std::string Warning::describe() const {
  std::string out = file;
  if (line > 0) out += ":" + std::to_string(line);
  if (!out.empty()) out += ": ";
  return out + message;
}

void Diagnostics::warn(std::string file, std::int64_t line, std::string message) {
  if (warnings.size() >= kMaxKept) {
    ++suppressed;
    return;
  }
  warnings.push_back(Warning{std::move(file), line, std::move(message)});
}

Result<DemandTable> parse_demand_csv(std::string_view text, std::string_view file) {
  auto h = read_header(text, file);
  if (!h) return tl::unexpected(h.error());
  auto id_col = require_column(*h, file, {"id", "code"});
  if (!id_col) return tl::unexpected(id_col.error());
  auto pop_col = require_column(*h, file, {"population"});
  if (!pop_col) return tl::unexpected(pop_col.error());

  DemandTable t;
  std::vector<std::int64_t> line_of;
  RowReader rows(*h, file, std::max(*id_col, *pop_col) + 1);
  auto ok = rows.read(h->body, h->line + 1, [&](std::int64_t line_no, const auto&) -> Status {
    auto id = rows.id(line_no, *id_col);
    if (!id) return tl::unexpected(id.error());
    auto pop = rows.amount(line_no, *pop_col);
    if (!pop) return tl::unexpected(pop.error());
    if (t.locations.insert(*id) == LocationIndex::npos) {
      return duplicate(file, line_no, h->names[*id_col], *id, line_of[t.locations.find(*id)]);
    }
    t.population.push_back(*pop);
    line_of.push_back(line_no);
    return {};
  });
  if (!ok) return tl::unexpected(ok.error());
  if (t.population.empty()) {
    return fail_at(std::string(file), h->line, "", "aucune ligne de données après l'en-tête");
  }
  return t;
}

Result<std::vector<double>> parse_supply_csv(std::string_view text, std::string_view file,
                                             const LocationIndex& locations) {
  auto h = read_header(text, file);
  if (!h) return tl::unexpected(h.error());
  auto id_col = require_column(*h, file, {"id", "code"});
  if (!id_col) return tl::unexpected(id_col.error());
  auto supply_col = require_column(*h, file, {"supply"});
  if (!supply_col) return tl::unexpected(supply_col.error());

  std::vector<double> supply(locations.size(), 0.0);
  std::vector<std::int64_t> line_of(locations.size(), 0);
  RowReader rows(*h, file, std::max(*id_col, *supply_col) + 1);
  auto ok = rows.read(h->body, h->line + 1, [&](std::int64_t line_no, const auto&) -> Status {
    auto id = rows.id(line_no, *id_col);
    if (!id) return tl::unexpected(id.error());
    auto value = rows.amount(line_no, *supply_col);
    if (!value) return tl::unexpected(value.error());
    const LocationId j = locations.find(*id);
    if (j == LocationIndex::npos) {
      return fail_at(std::string(file), line_no, h->names[*id_col],
                     "identifiant " + shown(*id) +
                         " absent du fichier de demande : son offre ne serait comptée nulle part");
    }
    if (line_of[j] != 0) return duplicate(file, line_no, h->names[*id_col], *id, line_of[j]);
    line_of[j] = line_no;
    supply[j] = *value;
    return {};
  });
  if (!ok) return tl::unexpected(ok.error());
  return supply;
}

namespace {

// Kept lines carry no line number: only a duplicate pair needs one, and it is found again by
// re-reading (16 bytes a pair instead of 24, on 1.5 million pairs).
struct RawPair {
  LocationId origin;
  LocationId destination;
  double minutes;
};

struct OdChunk {
  std::vector<RawPair> pairs;
  std::size_t rows = 0;
  std::size_t beyond = 0;
  UnknownIds unknown;
  std::int64_t lines = 0;  // lines in the chunk (to number the next one)
  std::optional<Error> error;
};

// Cuts `body` into up to `parts` pieces of at least min_bytes that end just after a '\n'.
std::vector<std::string_view> cut_lines(std::string_view body, std::size_t parts,
                                        std::size_t min_bytes) {
  std::vector<std::string_view> out;
  parts =
      std::max<std::size_t>(1, std::min(parts, body.size() / std::max<std::size_t>(1, min_bytes)));
  std::size_t begin = 0;
  for (std::size_t k = 1; k <= parts && begin < body.size(); ++k) {
    std::size_t end = k == parts ? body.size() : body.size() / parts * k;
    if (end < begin) end = begin;
    if (end < body.size()) {
      const std::size_t nl = body.find('\n', end);
      end = nl == npos ? body.size() : nl + 1;
    }
    out.push_back(body.substr(begin, end - begin));
    begin = end;
  }
  return out;
}

// The error for a pair (i, j) kept twice: re-reads the file for the two lines (rare path).
tl::unexpected<Error> duplicate_pair(const Header& h, std::string_view file,
                                     const LocationIndex& locations, const OdOptions& options,
                                     LocationId i, LocationId j) {
  const std::size_t o_col = *require_column(h, file, {"origin"});
  const std::size_t d_col = *require_column(h, file, {"destination"});
  const std::size_t t_col = *require_column(h, file, {"minutes"});
  RowReader rows(h, file, std::max({o_col, d_col, t_col}) + 1);
  std::int64_t first = 0, second = 0;
  (void)rows.read(h.body, h.line + 1, [&](std::int64_t line_no, const auto& fields) -> Status {
    const auto minutes = rows.amount(line_no, t_col);
    const bool kept =
        minutes && (options.boundary == Boundary::upper_inclusive ? *minutes <= options.max_minutes
                                                                  : *minutes < options.max_minutes);
    if (kept && locations.find(fields[o_col]) == i && locations.find(fields[d_col]) == j) {
      if (first == 0) {
        first = line_no;
      } else {
        second = line_no;
        return fail(ErrorCode::internal, "");  // found both: stop reading
      }
    }
    return {};
  });
  return fail_at(std::string(file), second, "destination",
                 "paire " + shown(locations.id(i)) + " → " + shown(locations.id(j)) +
                     " en double (déjà ligne " + std::to_string(first) + ")");
}

// Bit i set when p[i] is `sep` or '\n', for the 64 readable bytes from p: the OD hot path finds
// its field and line ends 16 bytes per instruction (SSE2, every x86-64) instead of one by one.
std::uint64_t structural_bits(const char* p, char sep) noexcept {
#if defined(__SSE2__)
  const __m128i s = _mm_set1_epi8(sep);
  const __m128i nl = _mm_set1_epi8('\n');
  std::uint64_t bits = 0;
  for (int i = 0; i < 4; ++i) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * i));
    const auto m = static_cast<std::uint32_t>(
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, s), _mm_cmpeq_epi8(v, nl))));
    bits |= static_cast<std::uint64_t>(m) << (16 * i);
  }
  return bits;
#else
  std::uint64_t bits = 0;
  for (int i = 0; i < 64; ++i) {
    if (p[i] == sep || p[i] == '\n') bits |= std::uint64_t{1} << i;
  }
  return bits;
#endif
}

// The OD hot path reads the common number form, digits with at most one decimal mark ('.', or
// `mark` too) and at most 15 digits in all, as m / 10^f: m and 10^f are exact doubles, so the one
// division is correctly rounded, to the same double as std::from_chars gives. Anything else
// (sign, exponent, more digits, "1.", ".5", empty) returns false and parse_decimal() decides.
MAILLAGE_INLINE inline bool simple_decimal(const char* p, const char* end, char mark,
                                           double& out) noexcept {
  static constexpr double kPow10[16] = {1e0, 1e1, 1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15};
  std::uint64_t m = 0;
  int digits = 0;
  int frac = -1;  // digits after the mark; -1: no mark yet
  for (; p < end; ++p) {
    const unsigned d = static_cast<unsigned>(static_cast<unsigned char>(*p)) - '0';
    if (d < 10) {
      if (++digits > 15) return false;
      m = m * 10 + d;
      if (frac >= 0) ++frac;
    } else if ((*p == '.' || *p == mark) && frac < 0 && digits > 0) {
      frac = 0;
    } else {
      return false;
    }
  }
  if (digits == 0 || frac == 0) return false;
  out = frac > 0 ? static_cast<double>(m) / kPow10[frac] : static_cast<double>(m);
  return true;
}

struct OdColumns {
  std::size_t origin, destination, minutes, needed;
};

// The reference reader of one part of the OD body (whole lines, numbered from 1): every line
// split by the general splitter, its number read by parse_decimal, its ids looked up at once.
void read_od_part_reference(std::string_view part, const Header& h, std::string_view file,
                            const OdColumns& cols, const LocationIndex& locations,
                            const OdOptions& options, OdChunk& chunk) {
  chunk.pairs.reserve(part.size() / 16);
  RowReader rows(h, file, cols.needed);
  const bool inclusive = options.boundary == Boundary::upper_inclusive;
  // OD files usually list an origin's destinations together: one lookup per origin run.
  std::string last_origin;
  LocationId last_oi = LocationIndex::npos;
  const auto line = [&](std::int64_t line_no, std::string_view text) -> Status {
    ++chunk.rows;  // for_each_line skips blank lines
    if (auto split = rows.split(line_no, text); !split) return split;
    auto minutes = rows.amount(line_no, cols.minutes);
    if (!minutes) return tl::unexpected(minutes.error());
    auto o = rows.id(line_no, cols.origin);
    if (!o) return tl::unexpected(o.error());
    auto d = rows.id(line_no, cols.destination);
    if (!d) return tl::unexpected(d.error());
    if (last_oi == LocationIndex::npos || *o != last_origin) {
      last_origin = *o;
      last_oi = locations.find(*o);
    }
    if (last_oi == LocationIndex::npos) {
      chunk.unknown.add(line_no, *o);
      return {};
    }
    if (inclusive ? *minutes > options.max_minutes : *minutes >= options.max_minutes) {
      ++chunk.beyond;
      return {};
    }
    const LocationId di = locations.find(*d);
    if (di == LocationIndex::npos) {
      chunk.unknown.add(line_no, *d);
    } else {
      chunk.pairs.push_back(RawPair{last_oi, di, *minutes});
    }
    return {};
  };
  if (auto ok = for_each_line(part, 1, line, &chunk.lines); !ok) chunk.error = ok.error();
}

// What one part of the OD body gives on the hot path: the kept pairs in file order, their
// destinations and minutes in two arrays, their origins as runs (OD files list an origin's
// destinations together), so that the join copies blocks of pairs instead of scattering them.
struct FastChunk {
  struct Run {
    LocationId origin;
    std::size_t begin;  // first pair of the run; it ends where the next run begins
  };
  detail::HugeArray<LocationId> destinations;
  detail::HugeArray<double> minutes;
  std::size_t pairs = 0;
  std::size_t capacity = 0;
  std::vector<Run> runs;
  std::vector<LocationId> self;  // origins i of the (i, i) pairs kept
  std::size_t rows = 0;
  std::size_t beyond = 0;
  UnknownIds unknown;
  std::int64_t lines = 0;
  std::optional<Error> error;

  [[nodiscard]] std::size_t run_end(std::size_t r) const {
    return r + 1 < runs.size() ? runs[r + 1].begin : pairs;
  }
  // Arrays left uninitialised: only the pages written are ever mapped.
  void reserve(std::size_t n) {
    if (n <= capacity) return;
    detail::HugeArray<LocationId> d(n);
    detail::HugeArray<double> m(n);
    if (pairs > 0) {
      std::memcpy(d.data(), destinations.data(), pairs * sizeof(LocationId));
      std::memcpy(m.data(), minutes.data(), pairs * sizeof(double));
    }
    destinations = std::move(d);
    minutes = std::move(m);
    capacity = n;
  }
  MAILLAGE_INLINE void add(LocationId origin, LocationId destination, double value) {
    if (pairs == capacity) reserve(std::max<std::size_t>(16, capacity * 2));
    if (runs.empty() || runs.back().origin != origin) runs.push_back(Run{origin, pairs});
    if (origin == destination) self.push_back(origin);
    destinations[pairs] = destination;
    minutes[pairs] = value;
    ++pairs;
  }
};

// Reads one part of the OD body (whole lines, numbered from 1) on the hot path: a line without
// a quote whose origin, destination and minutes fields have no surrounding blank and a simple
// number (simple_decimal) is split in one pass over its bytes, its destination lookup prefetched
// and done a few lines later; every other line goes through the general splitter and
// parse_decimal, as in the reference reader, so both give the same pairs, counts and errors.
void read_od_part_fast(std::string_view part, const Header& h, std::string_view file,
                       const OdColumns& cols, const LocationIndex& locations,
                       const OdOptions& options, FastChunk& chunk) {
  // A kept pair takes a line of at least 6 bytes ("a,b,1\n"; only the last line may lack its
  // '\n'): room for all of them at once.
  chunk.reserve(part.size() / 6 + 1);
  RowReader rows(h, file, cols.needed);
  const bool inclusive = options.boundary == Boundary::upper_inclusive;
  const double max_minutes = options.max_minutes;
  const char* const base = part.data();
  const std::size_t size = part.size();
  const char* const text_end = base + size;
  // Whether a field is a view into the part (an unescaped quoted one lives in the splitter's
  // scratch buffer, which the next line overwrites), and has 8 readable bytes from its start.
  const auto in_part = [&](const char* p) MAILLAGE_INLINE {
    const auto a = reinterpret_cast<std::uintptr_t>(p);
    return a >= reinterpret_cast<std::uintptr_t>(base) &&
           a < reinterpret_cast<std::uintptr_t>(text_end);
  };
  const auto padded = [&](const char* p) MAILLAGE_INLINE {
    return in_part(p) &&
           reinterpret_cast<std::uintptr_t>(p) + 8 <= reinterpret_cast<std::uintptr_t>(text_end);
  };
  // OD files usually list an origin's destinations together: one lookup per origin run. The
  // last origin is compared by its first 8 bytes and length when it is no longer.
  std::string last_origin;
  std::uint64_t last_prefix = 0;
  std::size_t last_size = npos;
  LocationId last_oi = LocationIndex::npos;
  const auto low_bytes = [](std::size_t n) MAILLAGE_INLINE {
    return n >= 8 ? ~std::uint64_t{0} : (std::uint64_t{1} << (8 * n)) - 1;
  };
  const auto same_origin = [&](std::string_view o) MAILLAGE_INLINE {
    if (o.size() != last_size) return false;
    if constexpr (std::endian::native == std::endian::little) {
      if (o.size() <= 8 && padded(o.data())) {
        std::uint64_t v = 0;
        std::memcpy(&v, o.data(), 8);
        return (v & low_bytes(o.size())) == last_prefix;
      }
    }
    return o == std::string_view(last_origin);
  };
  const auto new_origin = [&](std::string_view o) {
    last_origin.assign(o);
    last_size = o.size();
    last_prefix = 0;
    for (std::size_t i = 0; i < std::min<std::size_t>(8, o.size()); ++i) {
      last_prefix |= static_cast<std::uint64_t>(static_cast<unsigned char>(o[i])) << (8 * i);
    }
    last_oi = locations.find(o);
  };
  // Destination lookups miss the cache (ids come in no useful order), so each line's slot is
  // prefetched and looked up kAhead lines later, in line order.
  struct Pending {
    std::string_view id;
    LocationIndex::Hashed key;
    LocationId origin;
    double minutes;
    std::int64_t line;
  };
  constexpr std::size_t kAhead = 8;
  std::array<Pending, kAhead> ring{};
  std::size_t head = 0, pending = 0;
  const auto resolve = [&](const Pending& p) MAILLAGE_INLINE {
    const LocationId di = locations.find(p.id, p.key);
    if (di == LocationIndex::npos) {
      chunk.unknown.add(p.line, p.id);
    } else {
      chunk.add(p.origin, di, p.minutes);
    }
  };
  const auto flush = [&] {
    for (; pending > 0; --pending, head = (head + 1) % kAhead) resolve(ring[head]);
  };
  // A line whose fields are read: what both paths do with them.
  const auto use = [&](std::int64_t line_no, std::string_view o, std::string_view d,
                       double minutes) MAILLAGE_INLINE {
    if (!same_origin(o)) new_origin(o);
    if (last_oi == LocationIndex::npos) {
      chunk.unknown.add(line_no, o);
      return;
    }
    if (inclusive ? minutes > max_minutes : minutes >= max_minutes) {
      ++chunk.beyond;
      return;
    }
    if (!in_part(d.data())) {
      flush();
      resolve(Pending{d, locations.hash(d), last_oi, minutes, line_no});
      return;
    }
    if (pending == kAhead) {
      resolve(ring[head]);
      head = (head + 1) % kAhead;
      --pending;
    }
    ring[(head + pending++) % kAhead] =
        Pending{d, padded(d.data()) ? locations.hash_in_text(d) : locations.hash(d), last_oi,
                minutes, line_no};
  };
  // The general path for one line (no line end).
  const auto general = [&](std::int64_t line_no, std::string_view line) -> Status {
    if (trim(line).empty()) return {};
    ++chunk.rows;
    if (auto split = rows.split(line_no, line); !split) return split;
    auto minutes = rows.amount(line_no, cols.minutes);
    if (!minutes) return tl::unexpected(minutes.error());
    auto o = rows.id(line_no, cols.origin);
    if (!o) return tl::unexpected(o.error());
    auto d = rows.id(line_no, cols.destination);
    if (!d) return tl::unexpected(d.error());
    use(line_no, *o, *d, *minutes);
    return {};
  };

  Status ok;
  const char sep = h.sep;
  const char mark = h.decimal_comma ? ',' : '.';
  constexpr std::size_t kMaxFields = 16;  // wider lines (extra columns first): general path
  std::array<std::string_view, kMaxFields> f{};
  const std::size_t n = cols.needed;
  // Quotes are rare: the next one is found with memchr and a line holding one goes the general
  // way.
  const auto find_quote = [&](const char* from) {
    const void* q = std::memchr(from, '"', static_cast<std::size_t>(text_end - from));
    return q ? static_cast<const char*>(q) : text_end;
  };
  const char* next_quote = find_quote(base);
  std::int64_t line_no = 1;
  std::size_t line_start = 0, field_start = 0, k = 0;
  const auto clean = [](std::string_view v) MAILLAGE_INLINE {
    return !v.empty() && !is_blank(v.front()) && !is_blank(v.back());
  };
  // A whole line [line_start, end) (end at its '\n' or the end of the part); false on error.
  const auto line = [&](std::size_t end) MAILLAGE_INLINE -> bool {
    const char* const ls = base + line_start;
    const char* le = base + end;
    if (le > ls && le[-1] == '\r') --le;
    if (le == ls) return true;  // empty line: counted, skipped
    if (next_quote < ls) next_quote = find_quote(ls);
    if (k < kMaxFields)
      f[k] =
          std::string_view(base + field_start, static_cast<std::size_t>(le - (base + field_start)));
    const std::size_t fields = k + 1;
    double minutes = 0;
    if (next_quote >= le && n <= kMaxFields && fields >= n && clean(f[cols.origin]) &&
        clean(f[cols.destination]) &&
        simple_decimal(f[cols.minutes].data(), f[cols.minutes].data() + f[cols.minutes].size(),
                       mark, minutes)) {
      ++chunk.rows;
      use(line_no, f[cols.origin], f[cols.destination], minutes);
      return true;
    }
    ok = general(line_no, std::string_view(ls, static_cast<std::size_t>(le - ls)));
    return ok.has_value();
  };
  // Separators and line ends found 64 bytes at a time (structural_bits), then visited in order.
  bool stopped = false;
  for (std::size_t block = 0; block < size && !stopped; block += 64) {
    std::uint64_t bits = 0;
    if (block + 64 <= size) {
      bits = structural_bits(base + block, sep);
    } else {
      std::array<char, 64> tail{};  // zero bytes are neither separators nor line ends
      std::memcpy(tail.data(), base + block, size - block);
      bits = structural_bits(tail.data(), sep);
    }
    while (bits != 0) {
      const std::size_t pos = block + static_cast<std::size_t>(std::countr_zero(bits));
      bits &= bits - 1;
      if (base[pos] == sep) {
        if (k < kMaxFields) f[k] = std::string_view(base + field_start, pos - field_start);
        ++k;
        field_start = pos + 1;
        continue;
      }
      if (!line(pos)) {
        stopped = true;
        break;
      }
      ++line_no;
      line_start = field_start = pos + 1;
      k = 0;
    }
  }
  if (!stopped && line_start < size) {
    if (line(size)) ++line_no;
  }
  if (ok) chunk.lines = line_no - 1;
  flush();
  if (!ok) chunk.error = ok.error();
}

// Joins the counts of the parts in file order (numbering their lines globally); the first
// error in file order, if any.
template <class Chunk>
std::optional<Error> join_counts(std::vector<Chunk>& chunks, std::int64_t first_line,
                                 OdTable& table, UnknownIds& unknown) {
  for (Chunk& chunk : chunks) {
    const std::int64_t shift = first_line - 1;
    if (chunk.error) {
      Error e = *chunk.error;
      e.line += shift;
      return e;
    }
    if (chunk.unknown.count && !unknown.count) {
      unknown = chunk.unknown;
      unknown.first_line += shift;
    } else {
      unknown.count += chunk.unknown.count;
    }
    table.rows += chunk.rows;
    table.beyond_catchment += chunk.beyond;
    first_line += chunk.lines;
  }
  return std::nullopt;
}

// The first pair kept twice among origins [from, to), as (i, j), or nullopt. The same pair twice
// is an error: which of the two times would be right?
std::optional<std::pair<LocationId, LocationId>> first_duplicate_pair(const TravelTimes& t,
                                                                      std::size_t from,
                                                                      std::size_t to) {
  std::vector<std::uint32_t> seen_origin(t.offsets.size() - 1,
                                         std::numeric_limits<std::uint32_t>::max());
  for (std::size_t i = from; i < to; ++i) {
    for (std::uint32_t k = t.offsets[i]; k < t.offsets[i + 1]; ++k) {
      const LocationId j = t.destinations[k];
      if (seen_origin[j] == i) return std::pair{static_cast<LocationId>(i), j};
      seen_origin[j] = static_cast<std::uint32_t>(i);
    }
  }
  return std::nullopt;
}

// CSR by origin (stable: file order inside an origin), with the missing (i, i) pairs first.
Result<OdTable> join_reference(std::vector<OdChunk>& chunks, const Header& h, std::string_view file,
                               const LocationIndex& locations, const OdOptions& options,
                               Diagnostics& diagnostics) {
  OdTable table;
  UnknownIds unknown;
  if (auto e = join_counts(chunks, h.line + 1, table, unknown)) return tl::unexpected(*e);
  std::size_t total = 0;
  for (const OdChunk& chunk : chunks) total += chunk.pairs.size();
  table.unknown = unknown.count;
  unknown.report(diagnostics, file);

  const std::size_t n = locations.size();
  std::vector<std::uint8_t> has_self(n, 0);
  std::vector<std::uint32_t> offsets(n + 1, 0);
  for (const OdChunk& chunk : chunks) {
    for (const RawPair& p : chunk.pairs) {
      ++offsets[p.origin + 1];
      if (p.origin == p.destination) has_self[p.origin] = 1;
    }
  }
  if (options.self_minutes) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!has_self[i]) {
        ++offsets[i + 1];
        ++table.self_added;
      }
    }
  }
  if (total + table.self_added > std::numeric_limits<std::uint32_t>::max()) {
    return fail_at(std::string(file), 0, "", "trop de paires (plus de 4 milliards)");
  }
  for (std::size_t i = 0; i < n; ++i) offsets[i + 1] += offsets[i];
  TravelTimes& t = table.times;
  const std::size_t m = offsets[n];
  t.destinations.resize(m);
  t.minutes.resize(m);
  std::vector<std::uint32_t> cursor(offsets.begin(), offsets.end() - 1);
  if (options.self_minutes) {
    for (std::size_t i = 0; i < n; ++i) {
      if (has_self[i]) continue;
      const std::uint32_t k = cursor[i]++;
      t.destinations[k] = static_cast<LocationId>(i);
      t.minutes[k] = *options.self_minutes;
    }
  }
  for (const OdChunk& chunk : chunks) {
    for (const RawPair& p : chunk.pairs) {
      const std::uint32_t k = cursor[p.origin]++;
      t.destinations[k] = p.destination;
      t.minutes[k] = p.minutes;
    }
  }
  chunks.clear();
  t.offsets = std::move(offsets);
  if (const auto dup = first_duplicate_pair(t, 0, n)) {
    return duplicate_pair(h, file, locations, options, dup->first, dup->second);
  }
  return table;
}

// The same CSR from the hot path's parts: counts by origin run, then each run copied as a block.
Result<OdTable> join_fast(std::vector<FastChunk>& chunks, const Header& h, std::string_view file,
                          const LocationIndex& locations, const OdOptions& options,
                          Diagnostics& diagnostics) {
  OdTable table;
  UnknownIds unknown;
  if (auto e = join_counts(chunks, h.line + 1, table, unknown)) return tl::unexpected(*e);
  std::size_t total = 0;
  for (const FastChunk& chunk : chunks) total += chunk.pairs;
  table.unknown = unknown.count;
  unknown.report(diagnostics, file);

  const std::size_t n = locations.size();
  std::vector<std::uint8_t> has_self(n, 0);
  std::vector<std::uint32_t> offsets(n + 1, 0);
  if (total > std::numeric_limits<std::uint32_t>::max()) {
    return fail_at(std::string(file), 0, "", "trop de paires (plus de 4 milliards)");
  }
  for (const FastChunk& chunk : chunks) {
    for (std::size_t r = 0; r < chunk.runs.size(); ++r) {
      offsets[chunk.runs[r].origin + 1] +=
          static_cast<std::uint32_t>(chunk.run_end(r) - chunk.runs[r].begin);
    }
    for (LocationId i : chunk.self) has_self[i] = 1;
  }
  if (options.self_minutes) {
    for (std::size_t i = 0; i < n; ++i) {
      if (!has_self[i]) {
        ++offsets[i + 1];
        ++table.self_added;
      }
    }
  }
  if (total + table.self_added > std::numeric_limits<std::uint32_t>::max()) {
    return fail_at(std::string(file), 0, "", "trop de paires (plus de 4 milliards)");
  }
  for (std::size_t i = 0; i < n; ++i) offsets[i + 1] += offsets[i];
  TravelTimes& t = table.times;
  const std::size_t m = offsets[n];
  t.destinations.reserve(m);
  t.minutes.reserve(m);
  detail::advise_huge_pages(t.destinations.data(), m * sizeof(LocationId));
  detail::advise_huge_pages(t.minutes.data(), m * sizeof(double));
  t.destinations.resize(m);
  t.minutes.resize(m);
  t.offsets = std::move(offsets);
  // Filled by origin ranges of about equal pair counts, one per thread: each range takes the
  // runs of its origins in file order, so the table does not depend on the thread count.
  const std::size_t min_pairs = std::max<std::size_t>(1, options.min_part_bytes / 16);
  const std::size_t blocks = std::min<std::size_t>(detail::resolve_threads(options.threads),
                                                   std::max<std::size_t>(1, m / min_pairs));
  std::vector<std::size_t> bounds(blocks + 1, n);
  bounds[0] = 0;
  for (std::size_t b = 1; b < blocks; ++b) {
    const auto target = static_cast<std::uint32_t>(m / blocks * b);
    bounds[b] = static_cast<std::size_t>(
        std::lower_bound(t.offsets.begin(), t.offsets.end() - 1, target) - t.offsets.begin());
  }
  std::vector<std::optional<std::pair<LocationId, LocationId>>> duplicates(blocks);
  detail::parallel_blocks(blocks, options.threads, [&](std::size_t b) {
    const std::size_t from = bounds[b], to = bounds[b + 1];
    if (from >= to) return;
    std::vector<std::uint32_t> cursor(t.offsets.begin() + static_cast<std::ptrdiff_t>(from),
                                      t.offsets.begin() + static_cast<std::ptrdiff_t>(to));
    if (options.self_minutes) {
      for (std::size_t i = from; i < to; ++i) {
        if (has_self[i]) continue;
        const std::uint32_t k = cursor[i - from]++;
        t.destinations[k] = static_cast<LocationId>(i);
        t.minutes[k] = *options.self_minutes;
      }
    }
    for (const FastChunk& chunk : chunks) {
      for (std::size_t r = 0; r < chunk.runs.size(); ++r) {
        const LocationId o = chunk.runs[r].origin;
        if (o < from || o >= to) continue;
        const std::size_t begin = chunk.runs[r].begin;
        const std::size_t len = chunk.run_end(r) - begin;
        const std::uint32_t k = cursor[o - from];
        std::memcpy(t.destinations.data() + k, chunk.destinations.data() + begin,
                    len * sizeof(LocationId));
        std::memcpy(t.minutes.data() + k, chunk.minutes.data() + begin, len * sizeof(double));
        cursor[o - from] = k + static_cast<std::uint32_t>(len);
      }
    }
    duplicates[b] = first_duplicate_pair(t, from, to);
  });
  chunks.clear();
  for (const auto& dup : duplicates) {
    if (dup) return duplicate_pair(h, file, locations, options, dup->first, dup->second);
  }
  return table;
}

Result<OdTable> parse_od(std::string_view text, std::string_view file,
                         const LocationIndex& locations, const OdOptions& options,
                         Diagnostics& diagnostics, bool reference) {
  if (options.self_minutes &&
      (!std::isfinite(*options.self_minutes) || *options.self_minutes < 0)) {
    return fail(ErrorCode::invalid_input, "le temps intra-commune doit être un nombre ≥ 0",
                "self-minutes");
  }
  auto h = read_header(text, file);
  if (!h) return tl::unexpected(h.error());
  auto o_col = require_column(*h, file, {"origin"});
  if (!o_col) return tl::unexpected(o_col.error());
  auto d_col = require_column(*h, file, {"destination"});
  if (!d_col) return tl::unexpected(d_col.error());
  auto t_col = require_column(*h, file, {"minutes"});
  if (!t_col) return tl::unexpected(t_col.error());
  const OdColumns cols{*o_col, *d_col, *t_col, std::max({*o_col, *d_col, *t_col}) + 1};

  if (reference) {
    std::vector<OdChunk> chunks(1);
    read_od_part_reference(h->body, *h, file, cols, locations, options, chunks[0]);
    return join_reference(chunks, *h, file, locations, options, diagnostics);
  }
  // More parts than threads: on a machine shared with other work, a thread that is held up
  // leaves its remaining parts to the others.
  const unsigned threads = detail::resolve_threads(options.threads);
  const auto parts = cut_lines(h->body, threads == 1 ? 1 : 4 * threads, options.min_part_bytes);
  std::vector<FastChunk> chunks(parts.size());
  detail::parallel_blocks(parts.size(), options.threads, [&](std::size_t c) {
    read_od_part_fast(parts[c], *h, file, cols, locations, options, chunks[c]);
  });
  return join_fast(chunks, *h, file, locations, options, diagnostics);
}

}  // namespace

Result<OdTable> parse_od_csv(std::string_view text, std::string_view file,
                             const LocationIndex& locations, const OdOptions& options,
                             Diagnostics& diagnostics) {
  return parse_od(text, file, locations, options, diagnostics, false);
}

Result<OdTable> parse_od_csv_reference(std::string_view text, std::string_view file,
                                       const LocationIndex& locations, const OdOptions& options,
                                       Diagnostics& diagnostics) {
  return parse_od(text, file, locations, options, diagnostics, true);
}

Result<std::vector<GeoPoint>> parse_coords_csv(std::string_view text, std::string_view file,
                                               const LocationIndex& locations,
                                               Diagnostics& diagnostics) {
  auto h = read_header(text, file);
  if (!h) return tl::unexpected(h.error());
  auto id_col = require_column(*h, file, {"id", "code"});
  if (!id_col) return tl::unexpected(id_col.error());
  auto lat_col = require_column(*h, file, {"lat", "latitude"});
  if (!lat_col) return tl::unexpected(lat_col.error());
  auto lon_col = require_column(*h, file, {"lon", "longitude", "lng"});
  if (!lon_col) return tl::unexpected(lon_col.error());

  std::vector<GeoPoint> points(locations.size());
  std::vector<std::int64_t> line_of(locations.size(), 0);
  UnknownIds unknown;
  RowReader rows(*h, file, std::max({*id_col, *lat_col, *lon_col}) + 1);
  auto ok =
      rows.read(h->body, h->line + 1, [&](std::int64_t line_no, const auto& fields) -> Status {
        auto id = rows.id(line_no, *id_col);
        if (!id) return tl::unexpected(id.error());
        const LocationId i = locations.find(*id);
        if (i == LocationIndex::npos) {
          unknown.add(line_no, *id);
          return {};
        }
        if (line_of[i] != 0) return duplicate(file, line_no, h->names[*id_col], *id, line_of[i]);
        const auto lat = parse_decimal(fields[*lat_col], h->decimal_comma);
        if (!lat || *lat < -90 || *lat > 90) {
          return fail_at(
              std::string(file), line_no, h->names[*lat_col],
              "latitude en degrés entre -90 et 90 attendue, lu " + shown(fields[*lat_col]));
        }
        const auto lon = parse_decimal(fields[*lon_col], h->decimal_comma);
        if (!lon || *lon < -180 || *lon > 180) {
          return fail_at(
              std::string(file), line_no, h->names[*lon_col],
              "longitude en degrés entre -180 et 180 attendue, lu " + shown(fields[*lon_col]));
        }
        points[i] = GeoPoint{*lat, *lon};
        line_of[i] = line_no;
        return {};
      });
  if (!ok) return tl::unexpected(ok.error());
  unknown.report(diagnostics, file);
  std::size_t missing = 0;
  const std::string list = missing_ids(
      locations, [&](LocationId i) { return line_of[i] != 0; }, missing);
  if (missing) {
    return fail_at(std::string(file), 0, "",
                   "coordonnées absentes pour " + std::to_string(missing) +
                       " lieu(x) du fichier de demande : " + list);
  }
  return points;
}

Result<AgeTable> parse_age_csv(std::string_view text, std::string_view file,
                               const LocationIndex& locations, Diagnostics& diagnostics) {
  auto h = read_header(text, file);
  if (!h) return tl::unexpected(h.error());
  auto id_col = require_column(*h, file, {"id", "code"});
  if (!id_col) return tl::unexpected(id_col.error());
  AgeTable table;
  std::vector<std::size_t> band_cols;
  for (std::size_t c = 0; c < h->names.size(); ++c) {
    if (c == *id_col) continue;
    if (h->names[c].empty()) {
      return fail_at(
          std::string(file), h->line, "",
          "colonne " + std::to_string(c + 1) + " sans nom : chaque tranche d'âge doit être nommée");
    }
    if (std::find(table.bands.begin(), table.bands.end(), h->names[c]) != table.bands.end()) {
      return fail_at(std::string(file), h->line, h->names[c], "tranche d'âge en double");
    }
    table.bands.push_back(h->names[c]);
    band_cols.push_back(c);
  }
  if (band_cols.empty()) {
    return fail_at(std::string(file), h->line, "",
                   "aucune colonne de tranche d'âge (attendu : id,0-14,15-29,…)");
  }
  const std::size_t bands = band_cols.size();
  table.population.assign(locations.size() * bands, 0.0);
  std::vector<std::int64_t> line_of(locations.size(), 0);
  UnknownIds unknown;
  RowReader rows(*h, file, h->names.size());
  auto ok = rows.read(h->body, h->line + 1, [&](std::int64_t line_no, const auto&) -> Status {
    auto id = rows.id(line_no, *id_col);
    if (!id) return tl::unexpected(id.error());
    const LocationId i = locations.find(*id);
    if (i == LocationIndex::npos) {
      unknown.add(line_no, *id);
      return {};
    }
    if (line_of[i] != 0) return duplicate(file, line_no, h->names[*id_col], *id, line_of[i]);
    line_of[i] = line_no;
    for (std::size_t a = 0; a < bands; ++a) {
      auto v = rows.amount(line_no, band_cols[a]);
      if (!v) return tl::unexpected(v.error());
      table.population[i * bands + a] = *v;
    }
    return {};
  });
  if (!ok) return tl::unexpected(ok.error());
  unknown.report(diagnostics, file);
  std::size_t missing = 0;
  const std::string list = missing_ids(
      locations, [&](LocationId i) { return line_of[i] != 0; }, missing);
  if (missing) {
    return fail_at(std::string(file), 0, "",
                   "population par âge absente pour " + std::to_string(missing) +
                       " lieu(x) du fichier de demande : " + list);
  }
  return table;
}

std::string format_access_csv(const LocationIndex& locations, std::span<const double> access) {
  std::string out = "id,access\n";
  out.reserve(out.size() + locations.size() * 28);
  char buf[32];
  for (LocationId i = 0; i < locations.size(); ++i) {
    const std::string& id = locations.id(i);
    if (id.find_first_of(",\"\r\n") != std::string::npos) {
      out += '"';
      for (char c : id) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    } else {
      out += id;
    }
    out += ',';
    const double a = i < access.size() ? access[i] : 0.0;
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, a);
    out.append(buf, ec == std::errc{} ? end : buf);
    out += '\n';
  }
  return out;
}

}  // namespace maillage::access
