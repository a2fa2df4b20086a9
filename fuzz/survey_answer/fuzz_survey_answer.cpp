// libFuzzer target for the survey answer validation (src/survey): the input is a form as lines
// "question=value" against a fixed questionnaire with every kind of question. Invariants: no
// crash; every problem names a question of the questionnaire or of the form; a question with a
// problem has no answer; every answer stays within its question (options, bounds, length, grid)
// and survives the stored-text round trip (encode → decode) and the form round trip
// (raw_values → validate) unchanged; tallying the answers never crashes.
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>

#include "survey/survey.hpp"

using namespace maillage::survey;

namespace {

Questionnaire questionnaire() {
  Questionnaire q;
  Question a = make_question("a", Kind::single_choice, "Profession", true,
                             {"Médecin", "Infirmier", "Autre"});
  Question b =
      make_question("b", Kind::multiple_choice, "Lieux", false, {"Cabinet", "Centre", "Domicile"});
  b.max_choices = 2;
  Question c = make_question("c", Kind::number, "Heures", false);
  c.min = -5;
  c.max = 40;
  Question d = make_question("d", Kind::number, "Cabinets", false);
  d.integer = true;
  d.min = 0;
  Question e = make_question("e", Kind::date, "À partir du", false);
  e.min_date = "2027-01-01";
  e.max_date = "2027-12-31";
  Question f = make_question("f", Kind::text, "Remarque", false);
  f.max_length = 40;
  Question g = make_question("g", Kind::grid, "Disponibilités", false);
  g.days = {"Lundi", "Mardi", "Mercredi", "Jeudi"};
  g.slots = {"Matin", "Midi", "Soir"};
  q.questions = {a, b, c, d, e, f, g};
  return q;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const Questionnaire q = questionnaire();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  RawAnswers raw;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    const auto eq = line.find('=');
    if (eq != std::string_view::npos) {
      raw[std::string(line.substr(0, eq))].emplace_back(line.substr(eq + 1));
    }
    start = end + 1;
  }
  const Validation v = validate(q, raw);
  std::set<std::string> named;
  for (const auto& p : v.problems) {
    bool known = raw.count(p.field) > 0;
    for (const auto& x : q.questions) known = known || x.id == p.field;
    if (!known || p.message.empty()) __builtin_trap();
    named.insert(p.field);
  }
  for (const auto& a : v.answers) {
    if (named.count(a.question)) __builtin_trap();
    const Question* x = nullptr;
    for (const auto& y : q.questions) {
      if (y.id == a.question) x = &y;
    }
    if (x == nullptr || x->kind != a.kind) __builtin_trap();
    for (int c : a.choices) {
      if (c < 0 || static_cast<std::size_t>(c) >= x->options.size()) __builtin_trap();
    }
    if (a.kind == Kind::single_choice && a.choices.size() != 1) __builtin_trap();
    if (a.kind == Kind::multiple_choice && (a.choices.empty() || a.choices.size() > 2)) {
      __builtin_trap();
    }
    if (a.number && ((x->min && *a.number < *x->min) || (x->max && *a.number > *x->max))) {
      __builtin_trap();
    }
    for (const auto& c : a.cells) {
      if (c.day < 0 || c.day >= 4 || c.slot < 0 || c.slot >= 3) __builtin_trap();
    }
    const auto back = decode(*x, encode(a));
    if (!back || !(*back == a)) __builtin_trap();
    RawAnswers again{{a.question, raw_values(a)}};
    Question alone = *x;
    const auto w = validate(Questionnaire{{alone}}, again);
    if (!w.ok() || w.answers.size() != 1 || !(w.answers[0] == a)) __builtin_trap();
  }
  (void)tally(q, {v.answers, v.answers});
  return 0;
}
