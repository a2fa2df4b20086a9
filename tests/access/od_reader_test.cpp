// The OD reader's hot path (parse_od_csv) against the reference reader (parse_od_csv_reference:
// one thread, the general splitter and parse_decimal on every line). On generated files mixing
// the common lines with every unusual form the format allows, both must give the same table to
// the last bit, the same counts and warnings, or the same error (file, line, field, message),
// whatever the number of threads and wherever the text is cut.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "access/csv.hpp"

namespace maillage::access {
namespace {

struct Outcome {
  bool ok = false;
  std::string error;
  TravelTimes times;
  std::size_t rows = 0, beyond = 0, unknown = 0, self_added = 0;
  std::vector<std::string> warnings;
};

Outcome run(bool reference, std::string_view text, const LocationIndex& locations,
            OdOptions options) {
  Diagnostics diag;
  auto r = reference ? parse_od_csv_reference(text, "od.csv", locations, options, diag)
                     : parse_od_csv(text, "od.csv", locations, options, diag);
  Outcome o;
  o.ok = r.has_value();
  if (!r) {
    o.error = r.error().describe();
    return o;
  }
  o.times = std::move(r->times);
  o.rows = r->rows;
  o.beyond = r->beyond_catchment;
  o.unknown = r->unknown;
  o.self_added = r->self_added;
  for (const Warning& w : diag.warnings) o.warnings.push_back(w.describe());
  return o;
}

// Same table to the bit (minutes compared as bytes: -0.0 and 0.0 differ).
void expect_same(const Outcome& a, const Outcome& b, const std::string& what) {
  ASSERT_EQ(a.ok, b.ok) << what << "\nerrors: " << a.error << " | " << b.error;
  EXPECT_EQ(a.error, b.error) << what;
  EXPECT_EQ(a.times.offsets, b.times.offsets) << what;
  EXPECT_EQ(a.times.destinations, b.times.destinations) << what;
  ASSERT_EQ(a.times.minutes.size(), b.times.minutes.size()) << what;
  if (!a.times.minutes.empty()) {
    EXPECT_EQ(0, std::memcmp(a.times.minutes.data(), b.times.minutes.data(),
                             a.times.minutes.size() * sizeof(double)))
        << what;
  }
  EXPECT_EQ(a.rows, b.rows) << what;
  EXPECT_EQ(a.beyond, b.beyond) << what;
  EXPECT_EQ(a.unknown, b.unknown) << what;
  EXPECT_EQ(a.self_added, b.self_added) << what;
  EXPECT_EQ(a.warnings, b.warnings) << what;
}

// Checks the hot path against the reference on `text`, whole and cut in small parts.
void check(std::string_view text, const LocationIndex& locations, const std::string& what,
           OdOptions options = {}) {
  const Outcome ref = run(true, text, locations, options);
  for (unsigned threads : {1U, 2U, 3U}) {
    for (std::size_t min_part : {std::size_t{65536}, std::size_t{1}, std::size_t{61}}) {
      OdOptions o = options;
      o.threads = threads;
      o.min_part_bytes = min_part;
      expect_same(ref, run(false, text, locations, o),
                  what + " (threads " + std::to_string(threads) + ", parts >= " +
                      std::to_string(min_part) + " bytes)\n" + std::string(text.substr(0, 400)));
    }
  }
}

LocationIndex locations_of(const std::vector<std::string>& ids) {
  LocationIndex index;
  for (const auto& id : ids) index.insert(id);
  return index;
}

// The ids of the generated files: INSEE-like codes, longer ids (past the 8-byte prefix), one
// with a comma and one with a quote (only writable quoted).
std::vector<std::string> ids() {
  std::vector<std::string> out;
  for (int i = 0; i < 60; ++i) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%05d", 57000 + i * 7);
    out.emplace_back(buf);
  }
  out.emplace_back("2A004");
  out.emplace_back("commune-longue-0001");
  out.emplace_back("commune-longue-0002");
  out.emplace_back("12345678");
  out.emplace_back("a,b");
  out.emplace_back("q\"uote");
  return out;
}

std::string in_quotes(std::string_view id) {
  std::string out = "\"";
  for (char c : id) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

// A minutes field: mostly the distancier form (two decimals), and every other form a number
// can take, valid or not.
std::string minutes_field(std::mt19937_64& rng, bool decimal_comma) {
  std::uniform_int_distribution<int> pick(0, 99);
  const int k = pick(rng);
  char buf[64];
  std::uniform_real_distribution<double> minutes(0, 25);
  std::string out;
  if (k < 60) {
    std::snprintf(buf, sizeof buf, "%.2f", minutes(rng));
    out = buf;
  } else if (k < 66) {
    std::snprintf(buf, sizeof buf, "%d", static_cast<int>(minutes(rng)));
    out = buf;
  } else if (k < 74) {
    std::snprintf(buf, sizeof buf, "%.17g", minutes(rng));  // 17 digits: the slow path
    out = buf;
  } else if (k < 80) {
    std::snprintf(buf, sizeof buf, "%.15g", minutes(rng));  // 15 digits: still the fast path
    out = buf;
  } else {
    static const char* const odd[] = {"1e1",
                                      "+3",
                                      "-0",
                                      ".5",
                                      "5.",
                                      "0012.50",
                                      "",
                                      "abc",
                                      "-1",
                                      "1..2",
                                      "nan",
                                      "inf",
                                      "20",
                                      "20.0",
                                      "20.000000000000001",
                                      "000000000000000019.99",
                                      "1e-320",
                                      "0x10",
                                      " 7",
                                      "7 ",
                                      "12,5",
                                      "+-1"};
    out = odd[static_cast<std::size_t>(pick(rng)) % std::size(odd)];
  }
  if (decimal_comma) {
    for (char& c : out) {
      if (c == '.') c = ',';
    }
  }
  return out;
}

struct Shape {
  char sep = ',';
  bool decimal_comma = false;
  bool crlf = false;
  bool bom = false;
  bool trailing_newline = true;
  bool extra_columns = false;  // "note" first and last, columns out of order
  int odd_lines = 0;           // per cent of lines in an unusual form
  int bad_lines = 0;           // per cent of lines that are errors
};

std::string generate(std::mt19937_64& rng, const Shape& s, int lines) {
  const auto all = ids();
  std::string text = s.bom ? "\xEF\xBB\xBF" : "";
  const std::string eol = s.crlf ? "\r\n" : "\n";
  const char sep = s.sep;
  const auto row = [&](const std::string& o, const std::string& d, const std::string& t) {
    if (s.extra_columns) return "x" + std::string(1, sep) + t + sep + d + sep + o + sep + "y";
    return o + sep + d + sep + t;
  };
  if (s.extra_columns) {
    text +=
        std::string("note") + sep + "Minutes" + sep + "DESTINATION" + sep + "origin" + sep + "z";
  } else {
    text += std::string("origin") + sep + "destination" + sep + "minutes";
  }
  text += eol;
  std::uniform_int_distribution<std::size_t> id(0, all.size() - 1);
  std::uniform_int_distribution<int> pct(0, 99);
  std::size_t origin = 0;
  for (int l = 0; l < lines; ++l) {
    if (pct(rng) < 10) origin = id(rng);  // runs of the same origin, as distanciers write them
    std::string o = all[origin];
    std::string d = all[id(rng)];
    const bool needs_quotes = [&] {
      for (const std::string* v : {&o, &d}) {
        if (v->find(sep) != std::string::npos || v->find('"') != std::string::npos) return true;
      }
      return false;
    }();
    if (needs_quotes) {
      o = in_quotes(o);
      d = in_quotes(d);
    }
    std::string t = minutes_field(rng, s.decimal_comma);
    std::string line;
    const int kind = pct(rng);
    if (kind < s.bad_lines) {
      static const char* const bad[] = {"57000",          "\"57000",  "57000,57007,1,\"x",
                                        "57000,,1",       ",57007,1", "57000,57007,-3",
                                        "57000,57007,abc"};
      line = bad[static_cast<std::size_t>(pct(rng)) % std::size(bad)];
      if (sep != ',') {
        for (char& c : line) {
          if (c == ',') c = sep;
        }
      }
    } else if (kind < s.bad_lines + s.odd_lines) {
      switch (pct(rng) % 8) {
        case 0:
          line = row(in_quotes(o), in_quotes(d), t);
          break;  // quoted ids
        case 1:
          line = row(" " + o, d + "\t", t);
          break;  // blanks to trim
        case 2:
          line = "";
          break;  // blank line
        case 3:
          line = "  \t";
          break;  // only blanks
        case 4:
          line = row(o, d, "\"" + t + "\"");
          break;  // quoted number
        case 5:
          line = row("999" + o, d, t);
          break;  // unknown origin
        case 6:
          line = row(o, "zz" + d, t);
          break;  // unknown destination
        default:
          line = row(o, d, t) + sep + "\"libellé, avec \"\"guillemets\"\"\"";
          break;
      }
    } else {
      line = row(o, d, t);
    }
    text += line;
    if (l + 1 < lines || s.trailing_newline) text += eol;
  }
  return text;
}

// Duplicate pairs are errors; most generated files would have some. The fast path must agree
// on those too, but to compare tables a file must be read through: keep the first time only.
std::string without_duplicate_pairs(const std::string& text, const LocationIndex& locations) {
  // Read once with the reference; when it reports a duplicate, drop that line and retry.
  std::string t = text;
  for (int attempt = 0; attempt < 200; ++attempt) {
    Diagnostics diag;
    auto r = parse_od_csv_reference(t, "od.csv", locations, OdOptions{}, diag);
    if (r || r.error().message.find("en double") == std::string::npos) return t;
    // Remove line r.error().line (1-based).
    std::size_t start = 0;
    for (std::int64_t l = 1; l < r.error().line; ++l) start = t.find('\n', start) + 1;
    const std::size_t end = t.find('\n', start);
    t.erase(start, end == std::string::npos ? std::string::npos : end - start + 1);
  }
  return t;
}

TEST(OdReader, HotPathMatchesTheReferenceOnGeneratedFiles) {
  const LocationIndex locations = locations_of(ids());
  const std::vector<Shape> shapes = {
      {},                                              // plain
      {',', false, true, true, false, false, 0, 0},    // CRLF, BOM, no final eol
      {',', false, false, false, true, true, 0, 0},    // extra columns, order
      {',', false, true, false, true, false, 25, 0},   // odd lines
      {';', true, false, false, true, false, 15, 0},   // ';' and decimal comma
      {'\t', false, true, true, false, true, 15, 0},   // tabs
      {',', false, false, false, true, false, 10, 2},  // with errors
      {';', true, true, true, false, true, 20, 3},     // everything at once
  };
  std::mt19937_64 rng(20261206);
  for (std::size_t k = 0; k < shapes.size(); ++k) {
    for (int round = 0; round < 6; ++round) {
      const std::string raw = generate(rng, shapes[k], 40 + round * 90);
      const std::string text = without_duplicate_pairs(raw, locations);
      check(text, locations, "shape " + std::to_string(k) + " round " + std::to_string(round));
      check(raw, locations,
            "shape " + std::to_string(k) + " round " + std::to_string(round) + " with duplicates");
    }
  }
}

TEST(OdReader, EdgeCasesMatchTheReference) {
  const LocationIndex locations = locations_of({"A", "B", "C", "commune-longue-0001"});
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"BOM and CRLF", "\xEF\xBB\xBForigin,destination,minutes\r\nA,B,1.5\r\nB,A,2\r\n"},
      {"no final line end", "origin,destination,minutes\nA,B,1.5\nB,C,3.25"},
      {"final CR only", "origin,destination,minutes\nA,B,1.5\r"},
      {"CR CR LF", "origin,destination,minutes\nA,B,1.5\r\r\n"},
      {"quoted everything", "origin,destination,minutes\n\"A\",\"B\",\"1.5\"\n"},
      {"escaped quote in an extra column",
       "origin,destination,minutes,n\nA,B,1,\"a \"\"b\"\", c\"\nB,A,2,x\n"},
      {"unclosed quote in an extra column", "origin,destination,minutes,n\nA,B,1,\"abc\n"},
      {"blank fields around", "origin,destination,minutes\n A , B , 1.5 \n"},
      {"only blanks", "origin,destination,minutes\n   \n\t\nA,B,1\n"},
      {"empty origin", "origin,destination,minutes\n,B,1\n"},
      {"empty destination", "origin,destination,minutes\nA,,1\n"},
      {"missing field", "origin,destination,minutes\nA,B\n"},
      {"field after CR", "origin,destination,minutes\nA,B,\r\n"},
      {"bad number", "origin,destination,minutes\nA,B,1.2.3\n"},
      {"negative", "origin,destination,minutes\nA,B,-0.5\n"},
      {"negative zero", "origin,destination,minutes\nA,B,-0\nB,A,0\n"},
      {"exponent", "origin,destination,minutes\nA,B,1e1\nB,A,15E-1\n"},
      {"sixteen digits",
       "origin,destination,minutes\nA,B,1.234567890123456\nB,A,12345678901234.5\n"},
      {"fifteen digits",
       "origin,destination,minutes\nA,B,1.23456789012345\nB,A,0.00000000000001\n"},
      {"leading zeros", "origin,destination,minutes\nA,B,0000000000000001.5\n"},
      {"trailing mark", "origin,destination,minutes\nA,B,5.\nB,A,.5\n"},
      {"boundary", "origin,destination,minutes\nA,B,20\nB,A,20.00\nA,C,20.01\n"},
      {"long ids at the end of the text",
       "origin,destination,minutes\nA,commune-longue-0001,1\n"
       "commune-longue-0001,A,2"},
      {"short id at the end of the text", "origin,destination,minutes\nA,B,1\nB,C"},
      {"unknown ids", "origin,destination,minutes\nX,A,1\nA,Y,2\nA,B,3\n"},
      {"duplicate pair", "origin,destination,minutes\nA,B,1\nB,A,2\nA,B,3\n"},
      {"semicolon and decimal comma", "origin;destination;minutes\nA;B;1,5\nB;A;2.5\nA;C;1,2,3\n"},
      {"tabs", "origin\tdestination\tminutes\nA\tB\t1.5\n"},
      {"NUL byte in a field", std::string("origin,destination,minutes\nA,B\0,1\n", 34)},
      {"header only", "origin,destination,minutes\n"},
      {"blank lines only", "origin,destination,minutes\n\n\n"},
  };
  for (const auto& [what, text] : cases) check(text, locations, what);
  OdOptions strict;
  strict.boundary = Boundary::upper_exclusive;
  strict.self_minutes = std::nullopt;
  check("origin,destination,minutes\nA,B,20\nB,A,19.99\nA,A,0\n", locations, "exclusive, no self",
        strict);
}

// The 2-thread split: the body is cut into parts at line ends (the nominal cut point falls
// anywhere, mid-line included) and joined in order; the result must not depend on where.
TEST(OdReader, TwoThreadSplitGivesTheOneThreadResult) {
  const LocationIndex locations = locations_of(ids());
  std::mt19937_64 rng(20261207);
  const auto both = [&](std::string_view text, const std::string& what) {
    OdOptions one;
    one.threads = 1;
    const Outcome ref = run(true, text, locations, one);
    const Outcome seq = run(false, text, locations, one);
    expect_same(ref, seq, what + " (1 thread)");
    // Every part size from 1 byte up: the cuts move through every position of the lines.
    for (std::size_t min_part = 1; min_part <= 97; min_part += 3) {
      OdOptions two;
      two.threads = 2;
      two.min_part_bytes = min_part;
      expect_same(seq, run(false, text, locations, two),
                  what + " (2 threads, parts >= " + std::to_string(min_part) + " bytes)");
    }
    OdOptions two;
    two.threads = 2;
    two.min_part_bytes = text.size() / 2;  // exactly two parts, cut near the middle
    expect_same(seq, run(false, text, locations, two), what + " (2 threads, two halves)");
  };
  // A valid file: distinct pairs, the distancier's number form, a few longer ids.
  std::string good = "origin,destination,minutes\n";
  {
    const auto all = ids();
    std::uniform_real_distribution<double> minutes(0, 25);
    for (std::size_t o = 0; o < 63; o += 2) {
      for (std::size_t d = o % 3; d < 63; d += 5) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2f", minutes(rng));
        good += all[o] + "," + all[d] + "," + buf + "\n";
      }
    }
  }
  both(good, "valid file");
  // A bad line in the first half, in the second half, in both: the first in file order wins.
  const std::size_t mid = good.find('\n', good.size() / 2) + 1;
  const std::size_t early = good.find('\n', good.size() / 5) + 1;
  const std::size_t late = good.find('\n', good.size() * 4 / 5) + 1;
  std::string first_half = good, second_half = good, each_half = good;
  first_half.insert(early, "57000,57007,douze\n");
  second_half.insert(late, "57000,,1\n");
  each_half.insert(late, "57000,,1\n");
  each_half.insert(early, "57000,57007,douze\n");
  both(first_half, "bad line in the first half");
  both(second_half, "bad line in the second half");
  both(each_half, "bad lines in each half");
  {
    // Same error as one thread: the first half's, with its line number.
    OdOptions two;
    two.threads = 2;
    two.min_part_bytes = mid;
    const Outcome o = run(false, each_half, locations, two);
    ASSERT_FALSE(o.ok);
    EXPECT_NE(o.error.find("douze"), std::string::npos) << o.error;
  }
  // A duplicate pair whose two lines fall in different halves.
  std::string split_duplicate = "origin,destination,minutes\n57000,57007,1\n" + good.substr(27);
  split_duplicate += "57000,57007,2\n";
  both(split_duplicate, "duplicate pair across the halves");
  // Tiny inputs.
  for (const char* tiny :
       {"origin,destination,minutes", "origin,destination,minutes\n",
        "origin,destination,minutes\n57000,57007,1", "origin,destination,minutes\n57000,57007,1\n",
        "origin,destination,minutes\n57000,57007,1\n57007,57000,2",
        "origin,destination,minutes\n\n57000,57007,1\r\n\n", "origin,destination,minutes\nx"}) {
    both(tiny, std::string("tiny input ") + tiny);
  }
}

TEST(OdReader, ErrorsNameTheLineAndTheField) {
  const LocationIndex locations = locations_of({"A", "B"});
  Diagnostics diag;
  auto r = parse_od_csv("origin,destination,minutes\r\nA,B,1\r\nB,A,douze\r\n", "od.csv", locations,
                        OdOptions{}, diag);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().describe(), "od.csv:3: minutes: nombre attendu, lu « douze »");
  r = parse_od_csv("origin,destination,minutes\nA,B,1\n\"B,A,2\n", "od.csv", locations, OdOptions{},
                   diag);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().line, 3);
  EXPECT_NE(r.error().message.find("guillemet non fermé"), std::string::npos);
}

}  // namespace
}  // namespace maillage::access
