// The survey engine (survey.hpp): definition checks, answer validation, stored text, results.
#include "survey/survey.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "common/dates.hpp"
#include "common/text_check.hpp"

namespace maillage::survey {

namespace {

constexpr std::size_t kMaxLabel = 300;
constexpr std::size_t kMaxHelp = 1000;
constexpr std::size_t kMaxOptionLabel = 200;

std::string trim(std::string_view s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string_view::npos) return "";
  const auto b = s.find_last_not_of(" \t\r\n");
  return std::string(s.substr(a, b - a + 1));
}

// Code points of valid UTF-8 text.
std::size_t characters(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++n;
  }
  return n;
}

bool valid_id(std::string_view id) {
  if (id.empty() || id.size() > 20) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// A label typed by the questionnaire's author: UTF-8, no control character, 1..max characters.
std::optional<std::string> label_problem(std::string_view text, std::size_t max, bool required) {
  if (!check_text(text)) return "Texte illisible (UTF-8 attendu).";
  for (unsigned char c : text) {
    if (c < 0x20 && c != '\n' && c != '\t') return "Caractère de contrôle interdit.";
  }
  const std::string t = trim(text);
  if (required && t.empty()) return "Texte obligatoire.";
  if (characters(t) > max) return fmt::format("Au plus {} caractères.", max);
  return std::nullopt;
}

// "12,5" in French, integers without decimals.
std::string french_number(double v) {
  std::string s = fmt::format("{}", v);
  std::replace(s.begin(), s.end(), '.', ',');
  return s;
}

// Parses an integer index "0".."n-1".
std::optional<int> parse_index(std::string_view s, int n) {
  int v = 0;
  const auto* end = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || p != end || v < 0 || v >= n) return std::nullopt;
  return v;
}

// A number typed in a form: spaces (also the no-break spaces French formatting puts between
// thousands) dropped, a decimal comma accepted; finite values only.
std::optional<double> parse_number(std::string_view s) {
  std::string t;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == ' ' || c == '\t') continue;
    if (c == 0xC2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xA0) {
      ++i;
      continue;
    }
    if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        static_cast<unsigned char>(s[i + 2]) == 0xAF) {
      i += 2;
      continue;
    }
    t += c == ',' ? '.' : static_cast<char>(c);
  }
  if (t.empty() || t.size() > 40) return std::nullopt;
  // Plain decimal notation only: digits, one point, an optional leading sign.
  std::size_t i = (t[0] == '-' || t[0] == '+') ? 1 : 0;
  if (t[0] == '+') t.erase(0, 1), i = 0;
  bool digit = false, point = false;
  for (std::size_t k = i; k < t.size(); ++k) {
    if (t[k] >= '0' && t[k] <= '9') {
      digit = true;
    } else if (t[k] == '.' && !point) {
      point = true;
    } else {
      return std::nullopt;
    }
  }
  if (!digit) return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (ec != std::errc() || p != t.data() + t.size() || !std::isfinite(v)) return std::nullopt;
  if (v == 0) v = 0;  // no "-0"
  return v;
}

std::string bounds_text(const Question& q) {
  if (q.min && q.max) {
    return fmt::format("compris entre {} et {}", french_number(*q.min), french_number(*q.max));
  }
  if (q.min) return fmt::format("supérieur ou égal à {}", french_number(*q.min));
  return fmt::format("inférieur ou égal à {}", french_number(*q.max));
}

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (true) {
    const auto at = s.find(sep, start);
    out.emplace_back(s.substr(start, at == std::string_view::npos ? s.npos : at - start));
    if (at == std::string_view::npos) break;
    start = at + 1;
  }
  return out;
}

void check_list(const std::vector<std::string>& list, std::size_t min, std::size_t max,
                const std::string& field, const char* what, std::vector<Problem>& out) {
  if (list.size() < min || list.size() > max) {
    out.push_back({field, fmt::format("De {} à {} {}.", min, max, what)});
    return;
  }
  std::set<std::string> seen;
  for (std::size_t k = 0; k < list.size(); ++k) {
    if (auto p = label_problem(list[k], kMaxOptionLabel, true)) {
      out.push_back({fmt::format("{}[{}]", field, k), *p});
    } else if (list[k].find('\n') != std::string::npos) {
      out.push_back({fmt::format("{}[{}]", field, k), "Libellé sur une seule ligne."});
    } else if (!seen.insert(trim(list[k])).second) {
      out.push_back({fmt::format("{}[{}]", field, k), "Libellé en double."});
    }
  }
}

}  // namespace

Question make_question(std::string id, Kind kind, std::string label, bool required,
                       std::vector<std::string> options) {
  Question q;
  q.id = std::move(id);
  q.kind = kind;
  q.label = std::move(label);
  q.required = required;
  q.options = std::move(options);
  return q;
}

std::string_view kind_id(Kind kind) {
  switch (kind) {
    case Kind::single_choice:
      return "choix_unique";
    case Kind::multiple_choice:
      return "choix_multiple";
    case Kind::number:
      return "nombre";
    case Kind::date:
      return "date";
    case Kind::text:
      return "texte";
    case Kind::grid:
      return "grille";
  }
  return "choix_unique";
}

std::string_view kind_label(Kind kind) {
  switch (kind) {
    case Kind::single_choice:
      return "Choix unique";
    case Kind::multiple_choice:
      return "Choix multiple";
    case Kind::number:
      return "Nombre";
    case Kind::date:
      return "Date";
    case Kind::text:
      return "Texte libre";
    case Kind::grid:
      return "Grille de disponibilités";
  }
  return "Choix unique";
}

std::optional<Kind> kind_from_id(std::string_view id) {
  for (Kind k : {Kind::single_choice, Kind::multiple_choice, Kind::number, Kind::date, Kind::text,
                 Kind::grid}) {
    if (kind_id(k) == id) return k;
  }
  return std::nullopt;
}

bool mentions_patients(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return lower.find("patient") != std::string::npos;
}

std::vector<Problem> check_questionnaire(const Questionnaire& q) {
  std::vector<Problem> out;
  if (q.questions.empty()) {
    out.push_back({"questions", "Ajoutez au moins une question."});
    return out;
  }
  if (q.questions.size() > kMaxQuestions) {
    out.push_back({"questions", fmt::format("Au plus {} questions.", kMaxQuestions)});
    return out;
  }
  std::set<std::string> ids;
  for (std::size_t i = 0; i < q.questions.size(); ++i) {
    const Question& x = q.questions[i];
    const std::string at = fmt::format("questions[{}]", i);
    if (!valid_id(x.id)) {
      out.push_back({at + ".id", "Identifiant de 1 à 20 lettres, chiffres, « _ » ou « - »."});
    } else if (!ids.insert(x.id).second) {
      out.push_back({at + ".id", "Identifiant déjà utilisé par une autre question."});
    }
    if (auto p = label_problem(x.label, kMaxLabel, true)) out.push_back({at + ".label", *p});
    if (auto p = label_problem(x.help, kMaxHelp, false)) out.push_back({at + ".help", *p});
    switch (x.kind) {
      case Kind::single_choice:
      case Kind::multiple_choice:
        check_list(x.options, 2, kMaxOptions, at + ".options", "propositions", out);
        if (x.kind == Kind::multiple_choice &&
            (x.max_choices < 0 || static_cast<std::size_t>(x.max_choices) > x.options.size())) {
          out.push_back({at + ".max_choices",
                         "Nombre de réponses au plus : entre 0 (sans limite) et le nombre de "
                         "propositions."});
        }
        break;
      case Kind::number:
        if ((x.min && !std::isfinite(*x.min)) || (x.max && !std::isfinite(*x.max))) {
          out.push_back({at + ".min", "Bornes : nombres finis."});
        } else if (x.min && x.max && *x.min > *x.max) {
          out.push_back({at + ".max", "Le maximum doit être supérieur ou égal au minimum."});
        } else if (x.integer && x.min && x.max && std::ceil(*x.min) > std::floor(*x.max)) {
          out.push_back({at + ".max", "Aucun nombre entier entre ces bornes."});
        }
        break;
      case Kind::date: {
        const auto lo = parse_date(x.min_date), hi = parse_date(x.max_date);
        if (!x.min_date.empty() && !lo) {
          out.push_back({at + ".min_date", "Date AAAA-MM-JJ attendue."});
        } else if (!x.max_date.empty() && !hi) {
          out.push_back({at + ".max_date", "Date AAAA-MM-JJ attendue."});
        } else if (lo && hi && *lo > *hi) {
          out.push_back({at + ".max_date", "La date au plus tard précède la date au plus tôt."});
        }
        break;
      }
      case Kind::text:
        if (x.max_length < 1 || x.max_length > kMaxTextLength) {
          out.push_back({at + ".max_length",
                         fmt::format("Longueur maximale : de 1 à {} caractères.", kMaxTextLength)});
        }
        if (mentions_patients(x.label) || mentions_patients(x.help)) {
          out.push_back({at + ".label",
                         "Pas de question en texte libre sur les patients : une enquête porte sur "
                         "l'organisation des professionnels, jamais sur des patients."});
        }
        break;
      case Kind::grid:
        check_list(x.days, 1, kMaxDays, at + ".days", "jours", out);
        check_list(x.slots, 1, kMaxSlots, at + ".slots", "créneaux", out);
        break;
    }
  }
  return out;
}

Validation validate(const Questionnaire& q, const RawAnswers& raw) {
  Validation out;
  std::set<std::string, std::less<>> known;
  for (const auto& x : q.questions) known.insert(x.id);
  for (const auto& [id, values] : raw) {
    if (known.count(id)) continue;
    const bool any = std::any_of(values.begin(), values.end(),
                                 [](const std::string& v) { return !trim(v).empty(); });
    if (any) out.problems.push_back({id, "Cette question n'existe pas dans le questionnaire."});
  }
  for (const Question& x : q.questions) {
    std::vector<std::string> values;
    if (auto it = raw.find(x.id); it != raw.end()) {
      for (const auto& v : it->second) {
        if (!trim(v).empty()) values.push_back(v);
      }
    }
    auto problem = [&](std::string message) { out.problems.push_back({x.id, std::move(message)}); };
    if (values.empty()) {
      if (x.required) problem("Réponse obligatoire.");
      continue;
    }
    Answer a;
    a.question = x.id;
    a.kind = x.kind;
    const bool single_value = x.kind != Kind::multiple_choice && x.kind != Kind::grid;
    if (single_value && values.size() > 1) {
      problem("Une seule réponse possible.");
      continue;
    }
    switch (x.kind) {
      case Kind::single_choice:
      case Kind::multiple_choice: {
        bool bad = false;
        std::set<int> chosen;
        for (const auto& v : values) {
          auto k = parse_index(trim(v), static_cast<int>(x.options.size()));
          if (!k) {
            bad = true;
            break;
          }
          chosen.insert(*k);
        }
        if (bad) {
          problem("Réponse inconnue : choisissez parmi les propositions.");
          continue;
        }
        if (x.kind == Kind::multiple_choice && x.max_choices > 0 &&
            chosen.size() > static_cast<std::size_t>(x.max_choices)) {
          problem(
              fmt::format("Au plus {} réponse{}.", x.max_choices, x.max_choices > 1 ? "s" : ""));
          continue;
        }
        a.choices.assign(chosen.begin(), chosen.end());
        break;
      }
      case Kind::number: {
        auto v = parse_number(trim(values[0]));
        if (!v) {
          problem("Nombre attendu (par exemple 12 ou 12,5).");
          continue;
        }
        if (x.integer && *v != std::floor(*v)) {
          problem("Nombre entier attendu.");
          continue;
        }
        if ((x.min && *v < *x.min) || (x.max && *v > *x.max)) {
          problem("Le nombre doit être " + bounds_text(x) + ".");
          continue;
        }
        a.number = *v;
        break;
      }
      case Kind::date: {
        const std::string t = trim(values[0]);
        const auto d = parse_date(t);
        if (!d || t.size() != 10) {
          problem("Date attendue au format AAAA-MM-JJ (une date qui existe).");
          continue;
        }
        const auto lo = parse_date(x.min_date), hi = parse_date(x.max_date);
        if ((lo && *d < *lo) || (hi && *d > *hi)) {
          problem(lo && hi ? fmt::format("Date entre le {} et le {}.", format_date_fr(*lo),
                                         format_date_fr(*hi))
                  : lo     ? fmt::format("Date à partir du {}.", format_date_fr(*lo))
                           : fmt::format("Date au plus tard le {}.", format_date_fr(*hi)));
          continue;
        }
        a.date = format_date(*d);
        break;
      }
      case Kind::text: {
        const std::string& v = values[0];
        if (!check_text(v)) {
          problem("Texte illisible (UTF-8 attendu).");
          continue;
        }
        std::string t;
        t.reserve(v.size());
        bool control = false;
        for (std::size_t k = 0; k < v.size(); ++k) {
          const unsigned char c = static_cast<unsigned char>(v[k]);
          if (c == '\r') {
            t += '\n';
            if (k + 1 < v.size() && v[k + 1] == '\n') ++k;
          } else if (c < 0x20 && c != '\n' && c != '\t') {
            control = true;
          } else if (c == 0x7f) {
            control = true;
          } else {
            t += static_cast<char>(c);
          }
        }
        if (control) {
          problem("Caractère de contrôle interdit.");
          continue;
        }
        t = trim(t);
        const std::size_t n = characters(t);
        if (n > static_cast<std::size_t>(x.max_length)) {
          problem(fmt::format("Au plus {} caractères ({} saisis).", x.max_length, n));
          continue;
        }
        a.text = std::move(t);
        break;
      }
      case Kind::grid: {
        std::set<Cell> cells;
        bool bad = false;
        for (const auto& v : values) {
          const std::string t = trim(v);
          const auto dot = t.find('.');
          if (dot == std::string::npos) {
            bad = true;
            break;
          }
          auto d = parse_index(std::string_view(t).substr(0, dot), static_cast<int>(x.days.size()));
          auto s =
              parse_index(std::string_view(t).substr(dot + 1), static_cast<int>(x.slots.size()));
          if (!d || !s) {
            bad = true;
            break;
          }
          cells.insert({*d, *s});
        }
        if (bad) {
          problem("Créneau hors de la grille.");
          continue;
        }
        a.cells.assign(cells.begin(), cells.end());
        break;
      }
    }
    out.answers.push_back(std::move(a));
  }
  return out;
}

std::vector<std::string> raw_values(const Answer& a) {
  std::vector<std::string> out;
  switch (a.kind) {
    case Kind::single_choice:
    case Kind::multiple_choice:
      for (int c : a.choices) out.push_back(std::to_string(c));
      break;
    case Kind::number:
      if (a.number) out.push_back(fmt::format("{}", *a.number));
      break;
    case Kind::date:
      out.push_back(a.date);
      break;
    case Kind::text:
      out.push_back(a.text);
      break;
    case Kind::grid:
      for (const auto& c : a.cells) out.push_back(fmt::format("{}.{}", c.day, c.slot));
      break;
  }
  return out;
}

std::string encode(const Answer& a) {
  if (a.kind == Kind::text || a.kind == Kind::date) return a.kind == Kind::text ? a.text : a.date;
  std::string out;
  for (const auto& v : raw_values(a)) {
    if (!out.empty()) out += ',';
    out += v;
  }
  return out;
}

std::optional<Answer> decode(const Question& question, std::string_view stored) {
  Question q = question;
  q.required = true;
  std::vector<std::string> values;
  if (q.kind == Kind::text || q.kind == Kind::date || q.kind == Kind::number) {
    values.emplace_back(stored);
  } else {
    values = split(stored, ',');
  }
  RawAnswers raw;
  raw[q.id] = std::move(values);
  auto v = validate(Questionnaire{{q}}, raw);
  if (!v.ok() || v.answers.size() != 1) return std::nullopt;
  return std::move(v.answers[0]);
}

Results tally(const Questionnaire& q, const std::vector<std::vector<Answer>>& respondents) {
  Results out;
  out.respondents = respondents.size();
  std::map<std::string, std::size_t, std::less<>> index;
  std::vector<std::vector<double>> numbers(q.questions.size());
  for (std::size_t i = 0; i < q.questions.size(); ++i) {
    const Question& x = q.questions[i];
    index[x.id] = i;
    QuestionResult r;
    r.question = x.id;
    r.kind = x.kind;
    if (x.kind == Kind::single_choice || x.kind == Kind::multiple_choice) {
      r.option_counts.assign(x.options.size(), 0);
    }
    if (x.kind == Kind::grid) {
      r.grid.assign(x.days.size(), std::vector<std::size_t>(x.slots.size(), 0));
    }
    out.questions.push_back(std::move(r));
  }
  for (const auto& answers : respondents) {
    for (const Answer& a : answers) {
      auto it = index.find(a.question);
      if (it == index.end()) continue;
      QuestionResult& r = out.questions[it->second];
      if (a.kind != r.kind) continue;
      ++r.answered;
      switch (a.kind) {
        case Kind::single_choice:
        case Kind::multiple_choice:
          for (int c : a.choices) {
            if (c >= 0 && static_cast<std::size_t>(c) < r.option_counts.size()) {
              ++r.option_counts[static_cast<std::size_t>(c)];
            }
          }
          break;
        case Kind::number:
          if (a.number) numbers[it->second].push_back(*a.number);
          break;
        case Kind::date:
          ++r.dates[a.date];
          break;
        case Kind::text:
          r.texts.push_back(a.text);
          break;
        case Kind::grid:
          for (const auto& c : a.cells) {
            if (c.day >= 0 && static_cast<std::size_t>(c.day) < r.grid.size() && c.slot >= 0 &&
                static_cast<std::size_t>(c.slot) < r.grid[0].size()) {
              ++r.grid[static_cast<std::size_t>(c.day)][static_cast<std::size_t>(c.slot)];
            }
          }
          break;
      }
    }
  }
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    auto& v = numbers[i];
    if (v.empty()) continue;
    std::sort(v.begin(), v.end());
    NumberSummary& s = out.questions[i].numbers;
    s.count = v.size();
    s.min = v.front();
    s.max = v.back();
    double sum = 0;
    for (double x : v) sum += x;
    s.mean = sum / static_cast<double>(v.size());
    const std::size_t m = v.size() / 2;
    s.median = v.size() % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
  }
  return out;
}

}  // namespace maillage::survey
