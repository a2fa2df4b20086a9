// Surveys of professionals (issue 18 item 3): a structure's coordination (or a ROC, ARS or
// chargé de mission covering it) builds a questionnaire (src/survey), sends it to an audience —
// the structure's members, the professionals of its territory found in the latest RPPS extract
// and reached at the e-mail of the member record holding their RPPS id, or a pasted list of
// addresses — each recipient receiving a personal link that needs no account, follows the
// response rate, reads the results and exports them. Answers are about the professionals'
// organisation, never about patients.
//
// The personal link: a random 256-bit token (64 hex digits), stored only as its SHA-256 hash, valid
// until the survey closes (its closing date, end of day UTC, or an earlier manual closing); one
// answer per link, replaced when the recipient answers again before the closing.
//
// Who (SurveyAccess): run — admins, the structure's coordinators and bureau (Association's
// manage level), and the ROC, ARS and chargés de mission covering the structure: everything;
// read — the national observer: the list, counts and aggregate results, never a name, an
// address or a free-text answer. Other members of the structure see nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "services/association.hpp"
#include "services/audience.hpp"
#include "services/auth.hpp"
#include "services/mail.hpp"
#include "survey/survey.hpp"

namespace maillage::store {
class Database;
}

namespace maillage::services {

class SupplySource;

enum class SurveyAccess : std::uint8_t { read, run };

struct SurveyInput {
  std::int64_t structure_id = 0;  // creation only
  std::string title, intro;
  std::string closes_on;  // YYYY-MM-DD: the links expire at the end of that day
  survey::Questionnaire questionnaire;
  bool keep_questions = false;        // updates: the stored questions stay as they are
  std::int64_t expected_version = 0;  // updates only
};

struct SurveySummary {
  std::int64_t id = 0, structure_id = 0;
  std::string structure_name, title, status, status_label, closes_on;
  int recipients = 0, answered = 0;
  std::optional<double> rate;  // answered / recipients reached
  std::string created_by, created_at, updated_by, updated_at;
  std::int64_t version = 0;
};

struct RecipientView {
  std::int64_t id = 0;
  std::string email, name, source, source_label;
  std::string sent_at, send_error, answered_at;
};

struct SurveyView {
  SurveySummary summary;
  std::string intro;
  survey::Questionnaire questionnaire;
  SurveyAccess access = SurveyAccess::read;
  bool editable = false;                  // draft: questions may change
  bool open = false;                      // accepting answers now
  int sent = 0, failed = 0, pending = 0;  // pending: recorded, not sent yet
  std::vector<RecipientView> recipients;  // run only, by name then address
  bool smtp = false;                      // a mail server is configured
};

struct SendReport {
  int added = 0;               // new recipients
  int sent = 0;                // mails accepted by the server
  int failed = 0;              // refused by the server (reason on the recipient)
  int already = 0;             // addresses already recipients of this survey (not sent again)
  int without_email = 0;       // members or territory professionals without an e-mail
  int rpps_professionals = 0;  // professionals of the territory in the extract (rpps audience)
  std::vector<survey::Problem> refused_lines;  // pasted lines that are not addresses ("ligne 3")
  SurveyView view;
};

struct RemindReport {
  int reminded = 0;  // recipients without an answer, each given a new link
  int sent = 0, failed = 0;
};

/// One respondent's answers as text, in questionnaire order (run only).
struct RespondentRow {
  std::int64_t recipient_id = 0;
  std::string name, email, source_label, answered_at;
  std::vector<std::string> values;  // display text per question ("" unanswered)
};

struct SurveyResultsView {
  SurveyView survey;
  survey::Results results;
  std::vector<RespondentRow> respondents;  // run only
};

/// What the public answer page shows (no account: the link's token is the credential).
struct PublicSurvey {
  std::string title, intro, structure_name, closes_on;
  survey::Questionnaire questionnaire;
  bool accepting = false;     // open and not expired
  std::string closed_reason;  // French, when not accepting
  bool answered = false;
  std::string answered_at;
  survey::RawAnswers current;  // the stored answer, as form values
  std::string recipient_name;
};

struct AnswerOutcome {
  PublicSurvey survey;
  std::vector<survey::Problem> problems;  // empty: saved
  survey::RawAnswers typed;               // what was submitted, to fill the form again
};

/// The display text of an answer ("Médecin ; Infirmier", "12,5", "4 janvier 2027", the grid
/// cells "Lundi matin, Mardi soir").
std::string answer_text(const survey::Question& q, const survey::Answer& a);
/// Status labels: "Brouillon", "Ouverte", "Close".
std::string survey_status_label(const std::string& status);

class Surveys {
 public:
  /// `mailer`: none → sending is refused (unavailable) with the reason. `source`: the RPPS
  /// snapshots (the rpps audience); none → that audience is refused.
  Surveys(store::Database& db, const geo::Referentiel& ref, Association& association,
          std::shared_ptr<Mailer> mailer = {}, std::shared_ptr<SupplySource> source = {})
      : db_(&db),
        ref_(&ref),
        association_(&association),
        mailer_(std::move(mailer)),
        source_(std::move(source)) {}

  /// The surveys of every structure `who` covers, most recent first.
  Result<std::vector<SurveySummary>> list(const Principal& who) const;
  /// The structures where `who` may create a survey (id, name), by name.
  Result<std::vector<Choice>> structures_to_run(const Principal& who) const;

  Result<SurveyView> get(const Principal& who, std::int64_t survey_id) const;
  /// Run. Errors name the field (title, closes_on, questions[2].options…). A draft may have no
  /// question yet; sending needs at least one.
  Result<SurveyView> create(const Principal& who, const SurveyInput& in);
  /// Run. Draft: everything; open: title, introduction and closing date (the questions are
  /// frozen once sent). Conflict on a stale version; closed surveys refuse.
  Result<SurveyView> update(const Principal& who, std::int64_t survey_id, const SurveyInput& in);
  /// Run: adds the audience's new addresses as recipients and mails each its personal link
  /// (`link_base` + token, e.g. "https://host/repondre/"). The first sending opens the survey.
  Result<SendReport> send(const Principal& who, std::int64_t survey_id, const AudienceInput& in,
                          const std::string& link_base);
  /// Run: a new personal link (a new token: the previous link stops) mailed to every recipient
  /// of an open survey who has not answered yet. invalid_transition when the survey does not
  /// accept answers; unavailable without a mailer.
  Result<RemindReport> remind(const Principal& who, std::int64_t survey_id,
                              const std::string& link_base);
  /// Run: closes before the closing date (links stop at once). Conflict on a stale version.
  Result<SurveyView> close(const Principal& who, std::int64_t survey_id,
                           std::int64_t expected_version);
  Result<SurveyResultsView> results(const Principal& who, std::int64_t survey_id) const;

  /// The public page of a link. not_found for a token that is no link (the same answer whatever
  /// the reason, so a token cannot be probed).
  Result<PublicSurvey> open_link(const std::string& token) const;
  /// Validates and stores (replacing) the answer of a link while the survey accepts answers.
  /// Validation problems come back in the outcome (nothing saved); a closed or expired survey
  /// is invalid_transition.
  Result<AnswerOutcome> answer(const std::string& token, const survey::RawAnswers& raw);

  /// The token's stored form: lowercase hex SHA-256.
  static std::string token_hash(const std::string& token);
  /// A new random token: 32 bytes from OpenSSL's CSPRNG (RAND_bytes), as 64 hex digits.
  static std::string new_token();

  /// What `who` may do with the surveys (and messages) of a structure; forbidden for a member
  /// outside the bureau, or outside the scope.
  Result<SurveyAccess> access(const Principal& who, std::int64_t structure_id) const;

 private:
  store::Database* db_;
  const geo::Referentiel* ref_;
  Association* association_;
  std::shared_ptr<Mailer> mailer_;
  std::shared_ptr<SupplySource> source_;
};

}  // namespace maillage::services
