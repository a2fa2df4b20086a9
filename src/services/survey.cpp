// Surveys of professionals (survey.hpp): questionnaires checked by src/survey, audiences built
// from the members, the territory's RPPS professionals and pasted lists, personal links mailed
// through the Mailer, answers through the link, results and the response rate.
#include "services/survey.hpp"

#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "services/association_internal.hpp"
#include "services/association_repository.hpp"
#include "services/diagnostic.hpp"
#include "services/diagnostic_repository.hpp"
#include "services/survey_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::AuditDetail;
using store::Tx;
using survey::Kind;

namespace {

constexpr std::size_t kMaxTitle = 200;
constexpr std::size_t kMaxIntro = 5000;
constexpr const char* kLinkUser = "lien-personnel";

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  });
  return s;
}

std::size_t characters(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string hex(const unsigned char* p, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

bool is_token(const std::string& t) {
  return t.size() == 64 && std::all_of(t.begin(), t.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

tl::unexpected<Error> not_found_survey() {
  return fail(ErrorCode::not_found, "Cette enquête n'existe pas.", "enquete");
}

tl::unexpected<Error> runners_only() {
  return fail(ErrorCode::forbidden,
              "Les enquêtes sont menées par la coordination de la structure, le ROC, l'ARS ou le "
              "chargé de mission qui la suivent.");
}

tl::unexpected<Error> stale() {
  return fail(ErrorCode::conflict,
              "L'enquête a été modifiée entre-temps : rechargez la page pour voir sa version "
              "actuelle.");
}

// Trims what people typed in a definition (labels, options, days, slots).
void normalise(survey::Questionnaire& q) {
  for (auto& x : q.questions) {
    x.id = trim(x.id);
    x.label = trim(x.label);
    x.help = trim(x.help);
    for (auto* list : {&x.options, &x.days, &x.slots}) {
      for (auto& o : *list) o = trim(o);
    }
    if (x.kind != Kind::single_choice && x.kind != Kind::multiple_choice) x.options.clear();
    if (x.kind != Kind::grid) x.days.clear(), x.slots.clear();
    if (x.kind != Kind::number) x.min.reset(), x.max.reset(), x.integer = false;
    if (x.kind != Kind::date) x.min_date.clear(), x.max_date.clear();
    if (x.kind != Kind::multiple_choice) x.max_choices = 0;
    if (x.kind != Kind::text) x.max_length = 500;
  }
}

Status check_head(SurveyInput& in) {
  in.title = trim(in.title);
  in.intro = trim(in.intro);
  in.closes_on = trim(in.closes_on);
  if (in.title.empty())
    return fail(ErrorCode::missing_field, "Donnez un titre à l'enquête.", "title");
  if (characters(in.title) > kMaxTitle) {
    return fail(ErrorCode::invalid_input, fmt::format("Au plus {} caractères.", kMaxTitle),
                "title");
  }
  if (characters(in.intro) > kMaxIntro) {
    return fail(ErrorCode::invalid_input, fmt::format("Au plus {} caractères.", kMaxIntro),
                "intro");
  }
  const auto day = parse_date(in.closes_on);
  if (!day) {
    return fail(ErrorCode::invalid_input, "Date de clôture attendue au format AAAA-MM-JJ.",
                "closes_on");
  }
  if (*day < today_utc()) {
    return fail(ErrorCode::invalid_input, "La date de clôture est passée.", "closes_on");
  }
  return {};
}

// A draft may be saved without questions yet (created first, built next); what it has must be
// right. Sending needs a complete questionnaire.
Status check_definition(survey::Questionnaire& q) {
  normalise(q);
  if (q.questions.empty()) return {};
  const auto problems = survey::check_questionnaire(q);
  if (problems.empty()) return {};
  return fail(ErrorCode::invalid_input, problems[0].message, problems[0].field);
}

std::string source_label(const std::string& s) {
  if (s == "membre") return "Membre de la structure";
  if (s == "rpps") return "Professionnel du territoire (RPPS)";
  return "Liste collée";
}

bool accepting(const SurveyRow& s) {
  const auto day = parse_date(s.closes_on);
  return s.status == "open" && day && today_utc() <= *day;
}

SurveySummary summary_of(const SurveyRow& s) {
  SurveySummary out;
  out.id = s.id;
  out.structure_id = s.structure_id;
  out.structure_name = s.structure_name;
  out.title = s.title;
  out.status = s.status;
  out.status_label = survey_status_label(s.status);
  out.closes_on = s.closes_on;
  out.recipients = s.recipients;
  out.answered = s.answered;
  const int reached = s.recipients - s.failed;
  if (reached > 0) out.rate = static_cast<double>(s.answered) / reached;
  out.created_by = s.created_by;
  out.created_at = s.created_at;
  out.updated_by = s.updated_by;
  out.updated_at = s.updated_at;
  out.version = s.version;
  return out;
}

RecipientRow recipient(const std::string& email, const std::string& name, const char* source,
                       std::int64_t member_id) {
  RecipientRow r;
  r.email = email;
  r.name = name;
  r.source = source;
  r.member_id = member_id;
  return r;
}

AuditDetail head_detail(const SurveyInput& in, const survey::Questionnaire& q) {
  std::vector<std::string> ids;
  for (const auto& x : q.questions) ids.push_back(x.id);
  return AuditDetail{}.add("title", in.title).add("closes_on", in.closes_on).add("questions", ids);
}

// The mail of a personal link (a reminder says so).
MailMessage invitation(const SurveyRow& survey, const RecipientRow& to,
                       const std::string& link_base, const std::string& token, Date closes,
                       bool reminder) {
  MailMessage mail;
  mail.to = to.email;
  mail.to_name = to.name;
  mail.subject = fmt::format("{}Enquête : {} — {}", reminder ? "Rappel — " : "", survey.title,
                             survey.structure_name);
  std::string text =
      fmt::format("Bonjour{},\n\n{} vous invite à répondre à l'enquête « {} ».\n\n",
                  to.name.empty() ? "" : " " + to.name, survey.structure_name, survey.title);
  if (reminder) {
    text +=
        "Nous n'avons pas encore reçu votre réponse. Ce nouveau lien remplace celui du premier "
        "envoi.\n\n";
  }
  if (!survey.intro.empty()) text += survey.intro + "\n\n";
  text += fmt::format(
      "Votre lien personnel, sans compte ni mot de passe :\n{}{}\n\n"
      "Il est valable jusqu'au {} inclus ; vous pouvez modifier votre réponse jusque-là.\n"
      "Ce lien vous est personnel : ne le transférez pas.\n\n"
      "Cette enquête porte sur l'organisation des professionnels, jamais sur des patients : "
      "n'y indiquez aucune information sur un patient.\n",
      link_base, token, format_date_fr(closes));
  mail.text = std::move(text);
  return mail;
}

}  // namespace

std::string survey_status_label(const std::string& status) {
  if (status == "draft") return "Brouillon";
  if (status == "open") return "Ouverte";
  return "Close";
}

std::string answer_text(const survey::Question& q, const survey::Answer& a) {
  std::string out;
  switch (a.kind) {
    case Kind::single_choice:
    case Kind::multiple_choice:
      for (int c : a.choices) {
        if (c < 0 || static_cast<std::size_t>(c) >= q.options.size()) continue;
        out += (out.empty() ? "" : " ; ") + q.options[static_cast<std::size_t>(c)];
      }
      return out;
    case Kind::number: {
      if (!a.number) return "";
      std::string s = fmt::format("{}", *a.number);
      std::replace(s.begin(), s.end(), '.', ',');
      return s;
    }
    case Kind::date: {
      const auto d = parse_date(a.date);
      return d ? format_date_fr(*d) : a.date;
    }
    case Kind::text:
      return a.text;
    case Kind::grid:
      for (const auto& c : a.cells) {
        if (static_cast<std::size_t>(c.day) >= q.days.size() ||
            static_cast<std::size_t>(c.slot) >= q.slots.size()) {
          continue;
        }
        out += (out.empty() ? "" : ", ") + q.days[static_cast<std::size_t>(c.day)] + " " +
               lower(q.slots[static_cast<std::size_t>(c.slot)]);
      }
      return out;
  }
  return out;
}

std::string Surveys::token_hash(const std::string& token) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(token.data(), token.size(), md, &len, EVP_sha256(), nullptr);
  return hex(md, len);
}

std::string Surveys::new_token() {
  unsigned char bytes[32];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "";
  return hex(bytes, sizeof bytes);
}

Result<SurveyAccess> Surveys::access(const Principal& who, std::int64_t structure_id) const {
  const AssociationAccess a = MAILLAGE_TRY(association_->access(who, structure_id));
  if (a == AssociationAccess::manage) return SurveyAccess::run;
  if (a == AssociationAccess::own) return runners_only();
  if (who.role == Role::roc || who.role == Role::ars || who.role == Role::charge_de_mission) {
    return SurveyAccess::run;
  }
  return SurveyAccess::read;
}

Result<std::vector<SurveySummary>> Surveys::list(const Principal& who) const {
  const SurveyRepository repo(*db_);
  std::map<std::int64_t, bool> visible;
  std::vector<SurveySummary> out;
  for (const auto& s : MAILLAGE_TRY(repo.surveys())) {
    auto it = visible.find(s.structure_id);
    if (it == visible.end()) {
      it = visible.emplace(s.structure_id, access(who, s.structure_id).has_value()).first;
    }
    if (it->second) out.push_back(summary_of(s));
  }
  return out;
}

Result<std::vector<Choice>> Surveys::structures_to_run(const Principal& who) const {
  if (is_read_only(who)) return std::vector<Choice>{};
  auto rows =
      MAILLAGE_TRY(db_->query("SELECT id, name, departement FROM active_structures ORDER BY name, id"));
  auto region_of = [this](std::string_view code) {
    const auto* d = ref_->departement(std::string(code));
    return d ? d->region : std::string();
  };
  std::vector<Choice> out;
  for (store::NamedRow r : rows.each()) {
    const std::int64_t id = r.integer("id");
    if (!covers_structure(who, id, r.text("departement"), region_of)) continue;
    if (who.role == Role::member || who.role == Role::coordinator) {
      auto a = access(who, id);
      if (!a || *a != SurveyAccess::run) continue;
    }
    out.push_back({std::to_string(id), r.text("name")});
  }
  return out;
}

Result<SurveyView> Surveys::get(const Principal& who, std::int64_t survey_id) const {
  const SurveyRepository repo(*db_);
  auto row = MAILLAGE_TRY(repo.survey(survey_id));
  if (!row) return not_found_survey();
  SurveyView v;
  v.access = MAILLAGE_TRY(access(who, row->structure_id));
  v.summary = summary_of(*row);
  v.intro = row->intro;
  v.questionnaire = MAILLAGE_TRY(repo.questions(survey_id));
  v.editable = row->status == "draft";
  v.open = accepting(*row);
  v.sent = row->sent;
  v.failed = row->failed;
  v.pending = row->recipients - row->sent - row->failed;
  v.smtp = mailer_ != nullptr;
  if (v.access == SurveyAccess::run) {
    for (const auto& r : MAILLAGE_TRY(repo.recipients(survey_id))) {
      v.recipients.push_back({r.id, r.email, r.name, r.source, source_label(r.source), r.sent_at,
                              r.send_error, r.answered_at});
    }
  }
  return v;
}

Result<SurveyView> Surveys::create(const Principal& who, const SurveyInput& input) {
  if (MAILLAGE_TRY(access(who, input.structure_id)) != SurveyAccess::run) return runners_only();
  SurveyInput in = input;
  MAILLAGE_CHECK(check_head(in));
  MAILLAGE_CHECK(check_definition(in.questionnaire));
  std::int64_t id = 0;
  const std::string at = store::timestamp_now();
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        id = MAILLAGE_TRY(SurveyRepository::insert_survey(tx, in.structure_id, in.title, in.intro,
                                                          in.closes_on, who.login, at));
        MAILLAGE_CHECK(SurveyRepository::replace_questions(tx, id, in.questionnaire));
        return store::audit(
            tx, {who.login, "survey.create", "survey", std::to_string(id), "",
                 head_detail(in, in.questionnaire).add("structure", in.structure_id).json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, id);
}

Result<SurveyView> Surveys::update(const Principal& who, std::int64_t survey_id,
                                   const SurveyInput& input) {
  const SurveyRepository repo(*db_);
  auto row = MAILLAGE_TRY(repo.survey(survey_id));
  if (!row) return not_found_survey();
  if (MAILLAGE_TRY(access(who, row->structure_id)) != SurveyAccess::run) return runners_only();
  if (row->status == "closed") {
    return fail(ErrorCode::invalid_transition, "Cette enquête est close : elle ne change plus.");
  }
  SurveyInput in = input;
  MAILLAGE_CHECK(check_head(in));
  const auto stored = MAILLAGE_TRY(repo.questions(survey_id));
  const bool draft = row->status == "draft" && !in.keep_questions;
  if (in.keep_questions) {
    in.questionnaire = stored;
  } else if (draft) {
    MAILLAGE_CHECK(check_definition(in.questionnaire));
  } else {
    normalise(in.questionnaire);
    if (!(in.questionnaire == stored)) {
      return fail(ErrorCode::invalid_transition,
                  "L'enquête a été envoyée : ses questions ne changent plus (le titre, la "
                  "présentation et la date de clôture peuvent encore changer).",
                  "questions");
    }
    in.questionnaire = stored;
  }
  const std::string at = store::timestamp_now();
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        if (!MAILLAGE_TRY(SurveyRepository::update_survey(tx, survey_id, in.title, in.intro,
                                                          in.closes_on, in.expected_version,
                                                          who.login, at))) {
          return stale();
        }
        if (draft)
          MAILLAGE_CHECK(SurveyRepository::replace_questions(tx, survey_id, in.questionnaire));
        SurveyInput before;
        before.title = row->title;
        before.closes_on = row->closes_on;
        return store::audit(
            tx, {who.login, "survey.update", "survey", std::to_string(survey_id),
                 head_detail(before, stored).json(), head_detail(in, in.questionnaire).json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, survey_id);
}

Result<SendReport> Surveys::send(const Principal& who, std::int64_t survey_id,
                                 const AudienceInput& in, const std::string& link_base) {
  const SurveyRepository repo(*db_);
  auto row = MAILLAGE_TRY(repo.survey(survey_id));
  if (!row) return not_found_survey();
  if (MAILLAGE_TRY(access(who, row->structure_id)) != SurveyAccess::run) return runners_only();
  if (row->status == "closed") {
    return fail(ErrorCode::invalid_transition, "Cette enquête est close : plus d'envoi possible.");
  }
  const auto closes = parse_date(row->closes_on);
  if (!closes || *closes < today_utc()) {
    return fail(ErrorCode::invalid_transition,
                "La date de clôture est passée : reportez-la avant d'envoyer.", "closes_on");
  }
  const auto questionnaire = MAILLAGE_TRY(repo.questions(survey_id));
  if (const auto problems = survey::check_questionnaire(questionnaire); !problems.empty()) {
    return fail(ErrorCode::invalid_transition,
                "Le questionnaire n'est pas prêt : " + problems[0].message, "questions");
  }
  if (!mailer_) {
    return fail(ErrorCode::unavailable,
                "Aucun serveur d'e-mail n'est configuré (réglage smtp_url) : l'envoi des liens "
                "personnels est impossible.",
                "smtp_url");
  }
  const Audience audience = MAILLAGE_TRY(build_audience(*db_, source_.get(), row->structure_id, in));
  SendReport report;
  report.without_email = audience.without_email;
  report.rpps_professionals = audience.rpps_professionals;
  report.refused_lines = audience.refused_lines;
  std::vector<RecipientRow> candidates;
  for (const auto& p : audience.people) {
    candidates.push_back(recipient(p.email, p.name, p.source.c_str(), p.member_id));
  }

  // New recipients and their tokens, in one transaction; the tokens stay in memory for the mails.
  struct Pending {
    RecipientRow row;
    std::string token;
  };
  std::vector<Pending> pending;
  const std::string at = store::timestamp_now();
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        pending.clear();
        report.already = 0;
        const auto existing = MAILLAGE_TRY(SurveyRepository::recipient_emails(tx, survey_id));
        const std::set<std::string> known(existing.begin(), existing.end());
        for (const auto& c : candidates) {
          if (known.count(c.email)) {
            ++report.already;
            continue;
          }
          Pending p{c, new_token()};
          if (p.token.empty())
            return fail(ErrorCode::internal, "Générateur aléatoire indisponible.");
          p.row.id = MAILLAGE_TRY(
              SurveyRepository::insert_recipient(tx, survey_id, p.row, token_hash(p.token), at));
          pending.push_back(std::move(p));
        }
        if (row->status == "draft" && !pending.empty()) {
          if (!MAILLAGE_TRY(
                  SurveyRepository::set_status(tx, survey_id, "draft", "open", 0, who.login, at))) {
            return stale();
          }
        }
        return store::audit(tx, {who.login, "survey.send", "survey", std::to_string(survey_id), "",
                                 AuditDetail{}
                                     .add("members", in.members)
                                     .add("rpps", in.rpps)
                                     .add("professions", in.professions)
                                     .add("added", pending.size())
                                     .add("already", report.already)
                                     .add("refused_lines", report.refused_lines.size())
                                     .json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  report.added = static_cast<int>(pending.size());

  const auto day = parse_date(row->closes_on).value_or(today_utc());
  std::vector<std::pair<std::int64_t, std::string>> delivery;  // recipient, error ("" sent)
  for (const auto& p : pending) {
    const MailMessage mail = invitation(*row, p.row, link_base, p.token, day, false);
    auto sent = mailer_->send(mail);
    if (sent) {
      ++report.sent;
      delivery.emplace_back(p.row.id, "");
    } else {
      ++report.failed;
      std::string reason = sent.error().message.empty() ? "refusé" : sent.error().message;
      delivery.emplace_back(p.row.id, reason.substr(0, 500));
    }
  }
  if (!delivery.empty()) {
    const std::string done = store::timestamp_now();
    if (auto written = db_->transact([&](Tx& tx) -> Status {
          for (const auto& [id, error] : delivery) {
            MAILLAGE_CHECK(SurveyRepository::set_sent(tx, id, error.empty() ? done : "", error));
          }
          return store::audit(
              tx, {who.login, "survey.delivery", "survey", std::to_string(survey_id), "",
                   AuditDetail{}
                       .add("sent", report.sent)
                       .add("failed", report.failed)
                       .add("server", mailer_->description())
                       .json()});
        });
        !written) {
      return tl::unexpected(written.error());
    }
  }
  report.view = MAILLAGE_TRY(get(who, survey_id));
  return report;
}

Result<RemindReport> Surveys::remind(const Principal& who, std::int64_t survey_id,
                                     const std::string& link_base) {
  const SurveyRepository repo(*db_);
  auto row = MAILLAGE_TRY(repo.survey(survey_id));
  if (!row) return not_found_survey();
  if (MAILLAGE_TRY(access(who, row->structure_id)) != SurveyAccess::run) return runners_only();
  if (!accepting(*row)) {
    return fail(ErrorCode::invalid_transition,
                row->status == "draft" ? "Cette enquête n'a pas encore été envoyée."
                                       : "Cette enquête n'accepte plus de réponses.");
  }
  if (!mailer_) {
    return fail(ErrorCode::unavailable,
                "Aucun serveur d'e-mail n'est configuré (réglage smtp_url) : la relance est "
                "impossible.",
                "smtp_url");
  }
  struct Pending {
    RecipientRow row;
    std::string token;
  };
  std::vector<Pending> pending;
  for (const auto& r : MAILLAGE_TRY(repo.recipients(survey_id))) {
    if (r.answered_at.empty()) pending.push_back({r, new_token()});
  }
  for (const auto& p : pending) {
    if (p.token.empty()) return fail(ErrorCode::internal, "Générateur aléatoire indisponible.");
  }
  RemindReport report;
  report.reminded = static_cast<int>(pending.size());
  if (pending.empty()) return report;
  // New tokens first (the old links stop), then the mails, then their results.
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        for (const auto& p : pending) {
          MAILLAGE_CHECK(SurveyRepository::set_token(tx, p.row.id, token_hash(p.token)));
        }
        return store::audit(tx, {who.login, "survey.remind", "survey", std::to_string(survey_id),
                                 "", AuditDetail{}.add("reminded", pending.size()).json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  const auto day = parse_date(row->closes_on).value_or(today_utc());
  std::vector<std::pair<std::int64_t, std::string>> delivery;
  for (const auto& p : pending) {
    auto sent = mailer_->send(invitation(*row, p.row, link_base, p.token, day, true));
    if (sent) {
      ++report.sent;
      delivery.emplace_back(p.row.id, "");
    } else {
      ++report.failed;
      std::string reason = sent.error().message.empty() ? "refusé" : sent.error().message;
      delivery.emplace_back(p.row.id, reason.substr(0, 500));
    }
  }
  const std::string done = store::timestamp_now();
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        for (const auto& [id, error] : delivery) {
          MAILLAGE_CHECK(SurveyRepository::set_sent(tx, id, error.empty() ? done : "", error));
        }
        return store::audit(tx, {who.login, "survey.delivery", "survey", std::to_string(survey_id),
                                 "",
                                 AuditDetail{}
                                     .add("reminder", true)
                                     .add("sent", report.sent)
                                     .add("failed", report.failed)
                                     .add("server", mailer_->description())
                                     .json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  return report;
}

Result<SurveyView> Surveys::close(const Principal& who, std::int64_t survey_id,
                                  std::int64_t expected_version) {
  const SurveyRepository repo(*db_);
  auto row = MAILLAGE_TRY(repo.survey(survey_id));
  if (!row) return not_found_survey();
  if (MAILLAGE_TRY(access(who, row->structure_id)) != SurveyAccess::run) return runners_only();
  if (row->status != "open") {
    return fail(ErrorCode::invalid_transition, row->status == "draft"
                                                   ? "Cette enquête n'a pas encore été envoyée."
                                                   : "Cette enquête est déjà close.");
  }
  if (expected_version <= 0) {
    return fail(ErrorCode::missing_field, "Version lue de l'enquête attendue.", "version");
  }
  const std::string at = store::timestamp_now();
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        if (!MAILLAGE_TRY(SurveyRepository::set_status(tx, survey_id, "open", "closed",
                                                       expected_version, who.login, at))) {
          return stale();
        }
        return store::audit(tx, {who.login, "survey.close", "survey", std::to_string(survey_id),
                                 AuditDetail{}.add("status", "open").json(),
                                 AuditDetail{}.add("status", "closed").json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, survey_id);
}

Result<SurveyResultsView> Surveys::results(const Principal& who, std::int64_t survey_id) const {
  SurveyResultsView out;
  out.survey = MAILLAGE_TRY(get(who, survey_id));
  const SurveyRepository repo(*db_);
  const auto& q = out.survey.questionnaire;
  std::map<std::string, const survey::Question*> by_id;
  for (const auto& x : q.questions) by_id[x.id] = &x;
  std::map<std::int64_t, std::vector<survey::Answer>> by_recipient;
  for (const auto& a : MAILLAGE_TRY(repo.answers(survey_id))) {
    auto it = by_id.find(a.question_id);
    if (it == by_id.end()) continue;
    if (auto decoded = survey::decode(*it->second, a.value)) {
      by_recipient[a.recipient_id].push_back(std::move(*decoded));
    }
  }
  const auto recipients = MAILLAGE_TRY(repo.recipients(survey_id));
  std::vector<std::vector<survey::Answer>> all;
  for (const auto& r : recipients) {
    if (r.answered_at.empty()) continue;
    auto& answers = by_recipient[r.id];
    all.push_back(answers);
    if (out.survey.access != SurveyAccess::run) continue;
    RespondentRow row;
    row.recipient_id = r.id;
    row.name = r.name;
    row.email = r.email;
    row.source_label = source_label(r.source);
    row.answered_at = r.answered_at;
    for (const auto& x : q.questions) {
      std::string text;
      for (const auto& a : answers) {
        if (a.question == x.id) text = answer_text(x, a);
      }
      row.values.push_back(std::move(text));
    }
    out.respondents.push_back(std::move(row));
  }
  out.results = survey::tally(q, all);
  if (out.survey.access != SurveyAccess::run) {
    for (auto& r : out.results.questions) r.texts.clear();  // free text may name someone
  }
  return out;
}

Result<PublicSurvey> Surveys::open_link(const std::string& token) const {
  auto unknown = [] {
    return fail(ErrorCode::not_found,
                "Ce lien d'enquête n'est pas valable : vérifiez qu'il est complet, ou demandez un "
                "nouveau lien à la structure qui vous l'a envoyé.");
  };
  if (!is_token(token)) return unknown();
  const SurveyRepository repo(*db_);
  auto recipient = MAILLAGE_TRY(repo.recipient_by_hash(token_hash(token)));
  if (!recipient) return unknown();
  auto row = MAILLAGE_TRY(repo.survey(recipient->survey_id));
  if (!row) return unknown();
  PublicSurvey out;
  out.title = row->title;
  out.intro = row->intro;
  out.structure_name = row->structure_name;
  out.closes_on = row->closes_on;
  out.questionnaire = MAILLAGE_TRY(repo.questions(row->id));
  out.accepting = accepting(*row);
  if (!out.accepting) {
    out.closed_reason = row->status == "closed"
                            ? "Cette enquête est close : les réponses ne sont plus acceptées."
                            : "La date de clôture de cette enquête est passée : les réponses ne "
                              "sont plus acceptées.";
  }
  out.answered = !recipient->answered_at.empty();
  out.answered_at = recipient->answered_at;
  out.recipient_name = recipient->name;
  std::map<std::string, const survey::Question*> by_id;
  for (const auto& x : out.questionnaire.questions) by_id[x.id] = &x;
  for (const auto& a : MAILLAGE_TRY(repo.answers_of(recipient->id))) {
    auto it = by_id.find(a.question_id);
    if (it == by_id.end()) continue;
    if (auto decoded = survey::decode(*it->second, a.value)) {
      out.current[a.question_id] = survey::raw_values(*decoded);
    }
  }
  return out;
}

Result<AnswerOutcome> Surveys::answer(const std::string& token, const survey::RawAnswers& raw) {
  AnswerOutcome out;
  out.survey = MAILLAGE_TRY(open_link(token));
  if (!out.survey.accepting) {
    return fail(ErrorCode::invalid_transition, out.survey.closed_reason);
  }
  const auto v = survey::validate(out.survey.questionnaire, raw);
  if (!v.ok()) {
    out.problems = v.problems;
    out.typed = raw;
    return out;
  }
  const SurveyRepository repo(*db_);
  auto recipient = MAILLAGE_TRY(repo.recipient_by_hash(token_hash(token)));
  if (!recipient) return fail(ErrorCode::not_found, "Lien inconnu.");
  std::vector<StoredAnswer> stored;
  for (const auto& a : v.answers) stored.push_back({recipient->id, a.question, survey::encode(a)});
  const std::string at = store::timestamp_now();
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        if (!MAILLAGE_TRY(SurveyRepository::replace_answers(tx, *recipient, stored, at))) {
          return fail(ErrorCode::conflict,
                      "Une autre réponse a été enregistrée avec ce lien entre-temps : rechargez la "
                      "page.");
        }
        return store::audit(
            tx,
            {kLinkUser, recipient->answered_at.empty() ? "survey.answer" : "survey.answer.update",
             "survey_recipient", std::to_string(recipient->id), "",
             AuditDetail{}
                 .add("survey", recipient->survey_id)
                 .add("questions_answered", stored.size())
                 .json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  out.survey = MAILLAGE_TRY(open_link(token));
  return out;
}

}  // namespace maillage::services
