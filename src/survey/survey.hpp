// Surveys of professionals (issue 18 item 3), pure engine: a questionnaire as data (single and
// multiple choice, number with bounds, date, free text with a length limit, a grid of
// availabilities days × time slots), its definition checked, the raw answer of a form validated
// into typed answers or the list of problems naming each question, the typed answers written to
// and read from their stored text, and the results tallied over every respondent.
// No SQL, no HTTP, no clock: plain structs in, plain structs out (README.md beside this file).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace maillage::survey {

enum class Kind : std::uint8_t { single_choice, multiple_choice, number, date, text, grid };

/// "choix_unique", "choix_multiple", "nombre", "date", "texte", "grille" (stored, API).
std::string_view kind_id(Kind kind);
/// French label for pages ("Choix unique", …).
std::string_view kind_label(Kind kind);
std::optional<Kind> kind_from_id(std::string_view id);

// Limits of a definition.
inline constexpr std::size_t kMaxQuestions = 60;
inline constexpr std::size_t kMaxOptions = 30;
inline constexpr std::size_t kMaxDays = 14;
inline constexpr std::size_t kMaxSlots = 12;
inline constexpr int kMaxTextLength = 4000;  // characters (code points)

struct Question {
  std::string id;  // stable key within the survey ("q1"): letters, digits, '_' and '-', 1..20
  Kind kind = Kind::single_choice;
  std::string label;  // the question as asked (1..300 characters)
  std::string help;   // optional precision under the label
  bool required = false;
  std::vector<std::string> options;      // single / multiple choice: 2..30 distinct labels
  int max_choices = 0;                   // multiple choice: 0 = no limit
  std::optional<double> min, max;        // number: inclusive bounds
  bool integer = false;                  // number: whole numbers only
  std::string min_date, max_date;        // date: inclusive bounds YYYY-MM-DD, "" = none
  int max_length = 500;                  // text: 1..kMaxTextLength characters
  std::vector<std::string> days, slots;  // grid: rows (1..14) × columns (1..12), distinct
  friend bool operator==(const Question&, const Question&) = default;
};

/// A question of `kind` with the defaults of every other field.
Question make_question(std::string id, Kind kind, std::string label, bool required = false,
                       std::vector<std::string> options = {});

struct Questionnaire {
  std::vector<Question> questions;
  friend bool operator==(const Questionnaire&, const Questionnaire&) = default;
};

/// A problem of a definition or of an answer. `field` names what is wrong: for a definition
/// "questions[2].options" (0-based index), for an answer the question id ("q3").
struct Problem {
  std::string field;
  std::string message;  // French
  friend bool operator==(const Problem&, const Problem&) = default;
};

/// Every problem of a definition, in question order (empty: the questionnaire may be sent).
/// A free-text question whose label or help speaks of patients is refused: surveys are about the
/// professionals' organisation, never about patients (no patient-level data is ever stored).
std::vector<Problem> check_questionnaire(const Questionnaire& q);

/// True when the text mentions patients ("patient", "patiente", "patientèle", any case or accent).
bool mentions_patients(std::string_view text);

/// The raw answer of a form: question id → the submitted values (a choice is the option's
/// 0-based index as text; a grid cell is "day.slot", both 0-based; a number may use a decimal
/// comma; a date is YYYY-MM-DD). Absent ids and empty values are unanswered questions.
using RawAnswers = std::map<std::string, std::vector<std::string>, std::less<>>;

struct Cell {
  int day = 0, slot = 0;
  friend auto operator<=>(const Cell&, const Cell&) = default;
};

/// A validated answer to one question.
struct Answer {
  std::string question;
  Kind kind = Kind::single_choice;
  std::vector<int> choices;      // single (one) / multiple: option indexes, ascending, distinct
  std::optional<double> number;  // number
  std::string date;              // date YYYY-MM-DD
  std::string text;              // text: trimmed, line ends "\n"
  std::vector<Cell> cells;       // grid: available cells, ascending, distinct
  friend bool operator==(const Answer&, const Answer&) = default;
};

struct Validation {
  std::vector<Answer> answers;    // the answered questions, in questionnaire order
  std::vector<Problem> problems;  // empty when the answer is valid
  [[nodiscard]] bool ok() const { return problems.empty(); }
};

/// Validates a raw answer against a questionnaire (assumed to pass check_questionnaire). Every
/// problem is reported, each naming its question: a required question unanswered, a value that
/// is not an option, two values for a single choice, more choices than allowed, a number that is
/// not one or out of bounds, a date that does not exist or out of bounds, a text too long or not
/// UTF-8, a grid cell out of the grid, an id the questionnaire does not have.
Validation validate(const Questionnaire& q, const RawAnswers& raw);

/// The stored text of an answer: choices "0,2"; number in its shortest exact form ("12.5");
/// date as is; text as is; grid "0.1,2.3".
std::string encode(const Answer& a);
/// The inverse of encode for `question`, validated again; nullopt when the text does not fit.
std::optional<Answer> decode(const Question& question, std::string_view stored);
/// The raw form values of an answer (to fill a form again): the inverse of validate for it.
std::vector<std::string> raw_values(const Answer& a);

// Results --------------------------------------------------------------------------------------

struct NumberSummary {
  std::size_t count = 0;
  double min = 0, max = 0, mean = 0, median = 0;
};

struct QuestionResult {
  std::string question;
  Kind kind = Kind::single_choice;
  std::size_t answered = 0;                    // respondents who answered this question
  std::vector<std::size_t> option_counts;      // choices: per option
  NumberSummary numbers;                       // number
  std::map<std::string, std::size_t> dates;    // date: respondents per date
  std::vector<std::string> texts;              // text: every answer, in respondent order
  std::vector<std::vector<std::size_t>> grid;  // grid: [day][slot] respondents available
};

struct Results {
  std::size_t respondents = 0;
  std::vector<QuestionResult> questions;  // questionnaire order
};

/// Tallies every respondent's validated answers (answers to unknown questions are ignored).
Results tally(const Questionnaire& q, const std::vector<std::vector<Answer>>& respondents);

}  // namespace maillage::survey
