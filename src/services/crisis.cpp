// Crisis mode (crisis.hpp): opening in one transaction, sending and reminding through the survey
// service, answers → the planning campaign's people and availabilities, the coverage dashboard,
// the final planning mailed to each person.
#include "services/crisis.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "message/html.hpp"
#include "services/crisis_repository.hpp"
#include "services/newsletter_repository.hpp"
#include "services/roster_repository.hpp"
#include "services/survey_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::AuditDetail;
using store::Tx;

namespace {

constexpr const char* kGridQuestion = "disponibilites";
constexpr std::size_t kMaxTitle = 200;
constexpr std::size_t kMaxProfession = 100;

std::string trim(const std::string& s) {
  const auto a = s.find_first_not_of(" \t\r\n");
  if (a == std::string::npos) return "";
  const auto b = s.find_last_not_of(" \t\r\n");
  return s.substr(a, b - a + 1);
}

std::size_t characters(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::string escape_html(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

tl::unexpected<Error> not_found_crisis() {
  return fail(ErrorCode::not_found, "Cette crise n'existe pas.", "crise");
}

tl::unexpected<Error> runners_only() {
  return fail(ErrorCode::forbidden,
              "Le mode crise est mené par la coordination de la structure ; le ROC, l'ARS et le "
              "chargé de mission qui la suivent le consultent.");
}

tl::unexpected<Error> stale() {
  return fail(ErrorCode::conflict,
              "La crise a été modifiée entre-temps : rechargez la page pour voir son état actuel.",
              "version");
}

std::string source_label(const std::string& s) {
  if (s == "membre") return "Membre de la structure";
  if (s == "rpps") return "Professionnel du territoire (RPPS)";
  return "Liste collée";
}

std::string person_name(const RecipientRow& r) { return r.name.empty() ? r.email : r.name; }

std::string slot_text(const crisis::Slot& s) {
  return crisis::day_label(s.day) + " " + crisis::window_label({s.start, s.end, s.need});
}

std::string roster_kind(const std::string& kind) {
  return kind == "vaccination" ? "vaccination" : "crise";
}

CrisisSummary summary_of(const CrisisRow& c) {
  CrisisSummary s;
  s.id = c.id;
  s.structure_id = c.structure_id;
  s.structure_name = c.structure_name;
  s.title = c.title;
  s.kind = c.kind;
  s.kind_label = crisis_kind_label(c.kind);
  s.first_day = c.plan.first_day;
  s.last_day = c.plan.last_day;
  s.survey_id = c.survey_id;
  s.campaign_id = c.campaign_id;
  s.newsletter_id = c.newsletter_id;
  s.invited = c.recipients;
  s.answered = c.answered;
  if (c.recipients > 0) s.rate = static_cast<double>(c.answered) / c.recipients;
  if (!c.plan.windows.empty()) {
    const auto slots = crisis::slots_of(c.plan);
    s.slots = static_cast<int>(slots.size());
    for (const auto& x : slots) s.need += x.need;
  }
  s.built_at = c.built_at;
  s.planning_sent_at = c.planning_sent_at;
  s.created_at = c.created_at;
  s.version = c.version;
  return s;
}

// The grid answers of the survey's respondents (recipients who answered), in recipient order.
struct Answers {
  std::vector<RecipientRow> recipients;        // all, by id
  std::vector<crisis::Respondent> respondents;  // answered ones, with their cells
  bool grid_found = false;
  bool grid_matches = false;  // the question still covers exactly the crisis slots
};

Result<Answers> load_answers(const SurveyRepository& repo, const CrisisRow& c) {
  Answers out;
  out.recipients = MAILLAGE_TRY(repo.recipients(c.survey_id));
  std::sort(out.recipients.begin(), out.recipients.end(),
            [](const RecipientRow& a, const RecipientRow& b) { return a.id < b.id; });
  const auto questionnaire = MAILLAGE_TRY(repo.questions(c.survey_id));
  const survey::Question* grid = nullptr;
  for (const auto& q : questionnaire.questions) {
    if (q.id == kGridQuestion && q.kind == survey::Kind::grid) grid = &q;
  }
  out.grid_found = grid != nullptr;
  if (grid) {
    const auto expected = crisis::grid_question(c.plan, kGridQuestion, "");
    out.grid_matches = grid->days == expected.days && grid->slots == expected.slots;
  }
  std::map<std::int64_t, std::vector<survey::Cell>> cells;
  if (grid && out.grid_matches) {
    for (const auto& a : MAILLAGE_TRY(repo.answers(c.survey_id))) {
      if (a.question_id != kGridQuestion) continue;
      if (auto decoded = survey::decode(*grid, a.value)) cells[a.recipient_id] = decoded->cells;
    }
  }
  for (const auto& r : out.recipients) {
    if (r.answered_at.empty()) continue;
    out.respondents.push_back({r.id, cells[r.id]});
  }
  return out;
}

// Index of each crisis slot's campaign slot (0: removed from the campaign since).
std::vector<std::int64_t> roster_slots(const std::vector<crisis::Slot>& slots,
                                       const Campaign& campaign) {
  std::map<std::tuple<std::string, std::string, std::string>, std::int64_t> by_time;
  for (const auto& s : campaign.plan.slots) by_time[{s.day, s.start_time, s.end_time}] = s.id;
  std::vector<std::int64_t> out;
  for (const auto& s : slots) {
    auto it = by_time.find({s.day, s.start, s.end});
    out.push_back(it == by_time.end() ? 0 : it->second);
  }
  return out;
}

}  // namespace

std::string crisis_kind_label(const std::string& kind) {
  if (kind == "vaccination") return "Campagne de vaccination";
  if (kind == "depistage") return "Dépistage";
  return "Autre crise";
}

Result<CrisisAccess> Crises::access(const Principal& who, std::int64_t structure_id) const {
  if (who.role == Role::admin) return CrisisAccess::run;
  const bool mine = std::find(who.structures.begin(), who.structures.end(), structure_id) !=
                    who.structures.end();
  if (who.role == Role::coordinator) {
    if (mine) return CrisisAccess::run;
    return runners_only();
  }
  if (who.role == Role::member) return runners_only();
  // ROC, ARS, chargés de mission, observer: those the surveys let in (their scope) read.
  MAILLAGE_TRY(surveys_->access(who, structure_id));
  return CrisisAccess::read;
}

Result<std::vector<CrisisSummary>> Crises::list(const Principal& who) const {
  std::map<std::int64_t, bool> visible;
  std::vector<CrisisSummary> out;
  for (const auto& c : MAILLAGE_TRY(CrisisRepository(*db_).crises())) {
    auto it = visible.find(c.structure_id);
    if (it == visible.end()) {
      it = visible.emplace(c.structure_id, access(who, c.structure_id).has_value()).first;
    }
    if (it->second) out.push_back(summary_of(c));
  }
  return out;
}

Result<std::vector<Choice>> Crises::structures_to_run(const Principal& who) const {
  std::vector<Choice> out;
  for (const auto& c : MAILLAGE_TRY(surveys_->structures_to_run(who))) {
    const auto id = std::stoll(c.id);
    auto a = access(who, id);
    if (a && *a == CrisisAccess::run) out.push_back(c);
  }
  return out;
}

Result<std::int64_t> Crises::open(const Principal& who, const CrisisInput& input) {
  if (MAILLAGE_TRY(access(who, input.structure_id)) != CrisisAccess::run) return runners_only();
  CrisisInput in = input;
  in.title = trim(in.title);
  in.profession = trim(in.profession);
  in.intro = trim(in.intro);
  in.closes_on = trim(in.closes_on);
  if (in.title.empty()) return fail(ErrorCode::missing_field, "Donnez un titre à la crise.", "title");
  if (characters(in.title) > kMaxTitle) {
    return fail(ErrorCode::invalid_input, fmt::format("Au plus {} caractères.", kMaxTitle),
                "title");
  }
  if (in.kind != "vaccination" && in.kind != "depistage" && in.kind != "autre") {
    return fail(ErrorCode::invalid_input, "Type attendu : vaccination, dépistage ou autre.",
                "kind");
  }
  if (in.profession.empty()) {
    return fail(ErrorCode::missing_field, "Indiquez la profession attendue sur les créneaux.",
                "profession");
  }
  if (characters(in.profession) > kMaxProfession) {
    return fail(ErrorCode::invalid_input, fmt::format("Au plus {} caractères.", kMaxProfession),
                "profession");
  }
  for (auto& d : in.plan.days) d = trim(d);
  std::erase(in.plan.days, std::string());
  for (auto& w : in.plan.windows) w.start = trim(w.start), w.end = trim(w.end);
  if (const auto problems = crisis::check_plan(in.plan); !problems.empty()) {
    return fail(ErrorCode::invalid_input, problems[0].message, "plan." + problems[0].field);
  }
  const auto first = *parse_date(in.plan.first_day);
  const auto last = *parse_date(in.plan.last_day);
  if (last < today_utc()) {
    return fail(ErrorCode::invalid_input, "La période est passée.", "plan.last_day");
  }
  if (in.closes_on.empty()) in.closes_on = format_date(std::max(first, today_utc()));
  const auto closes = parse_date(in.closes_on);
  if (!closes) {
    return fail(ErrorCode::invalid_input, "Date de clôture attendue au format AAAA-MM-JJ.",
                "closes_on");
  }
  if (*closes < today_utc() || last < *closes) {
    return fail(ErrorCode::invalid_input,
                "La clôture de l'enquête tombe entre aujourd'hui et la fin de la période.",
                "closes_on");
  }
  // The audience is checked now (the sending uses it as chosen here).
  const Audience audience =
      MAILLAGE_TRY(build_audience(*db_, source_.get(), in.structure_id, in.audience));
  (void)audience;

  survey::Questionnaire questionnaire;
  questionnaire.questions.push_back(crisis::grid_question(
      in.plan, kGridQuestion, "Vos disponibilités pour « " + in.title + " »"));
  if (in.remarks_question) {
    auto q = survey::make_question("remarques", survey::Kind::text,
                                   "Remarques sur votre organisation (lieu, contraintes, matériel)");
    q.max_length = 1000;
    questionnaire.questions.push_back(std::move(q));
  }
  if (const auto problems = survey::check_questionnaire(questionnaire); !problems.empty()) {
    return fail(ErrorCode::invalid_input, problems[0].message, "title");
  }

  const auto slots = crisis::slots_of(in.plan);
  NewCampaign campaign;
  campaign.structure_id = in.structure_id;
  campaign.name = in.title;
  campaign.description = fmt::format("Permanences de la crise « {} » ({}), {} créneaux.", in.title,
                                     crisis_kind_label(in.kind), slots.size());
  campaign.settings.first_day = in.plan.first_day;
  campaign.settings.last_day = in.plan.last_day;
  campaign.time_limit_seconds = 10;  // the solver stops earlier once it proves the optimum
  MAILLAGE_CHECK(validate_settings(campaign.settings, "plan"));
  std::vector<PlanSlot> plan_slots;
  for (std::size_t i = 0; i < slots.size(); ++i) {
    PlanSlot p;
    p.day = slots[i].day;
    p.start_time = slots[i].start;
    p.end_time = slots[i].end;
    p.kind = roster_kind(in.kind);
    p.profession = in.profession;
    p.required = slots[i].need;
    MAILLAGE_CHECK(validate_slot(p, campaign.settings, fmt::format("plan.slots[{}]", i)));
    plan_slots.push_back(std::move(p));
  }

  const std::string period = fmt::format("du {} au {}", format_date_fr(first), format_date_fr(last));
  const std::string subject = fmt::format("{} — {}", in.title, period);
  auto names = MAILLAGE_TRY(
      db_->query("SELECT name FROM structures WHERE id = $1", {input.structure_id}));
  if (names.empty()) return fail(ErrorCode::invalid_input, "Structure inconnue.", "structure");
  const std::string structure_name = names.rows[0].text(0);
  const std::string clean = message::sanitize_html(fmt::format(
      "<p>Bonjour,</p><p>{} organise « {} » ({}) {}.</p><p>Nous avons besoin de "
      "professionnels pour assurer les permanences : chacun reçoit un lien personnel pour "
      "indiquer ses disponibilités, créneau par créneau. Merci de répondre avant le {} "
      "inclus.</p><p>Le planning sera envoyé à chacun dès qu'il sera construit.</p>",
      escape_html(structure_name), escape_html(in.title), escape_html(crisis_kind_label(in.kind)),
      escape_html(period), escape_html(format_date_fr(*closes))));
  const std::string text = message::html_to_text(clean);
  std::int64_t id = 0;
  const std::string at = store::timestamp_now();
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        CrisisRow row;
        row.structure_id = in.structure_id;
        row.title = in.title;
        row.kind = in.kind;
        row.plan = in.plan;
        row.profession = in.profession;
        row.audience_members = in.audience.members;
        row.audience_rpps = in.audience.rpps;
        row.audience_professions = in.audience.professions;
        row.audience_pasted = in.audience.pasted;
        row.created_by = who.login;

        row.survey_id = MAILLAGE_TRY(SurveyRepository::insert_survey(
            tx, in.structure_id, in.title, in.intro, in.closes_on, who.login, at));
        MAILLAGE_CHECK(SurveyRepository::replace_questions(tx, row.survey_id, questionnaire));
        MAILLAGE_CHECK(store::audit(
            tx, {who.login, "survey.create", "survey", std::to_string(row.survey_id), "",
                 AuditDetail{}
                     .add("title", in.title)
                     .add("closes_on", in.closes_on)
                     .add("structure", in.structure_id)
                     .add("crisis", true)
                     .json()}));

        row.campaign_id = MAILLAGE_TRY(RosterRepository::insert_campaign(tx, campaign, who.login));
        for (const auto& p : plan_slots) {
          MAILLAGE_CHECK(RosterRepository::insert_slot(tx, row.campaign_id, p));
        }
        MAILLAGE_CHECK(store::audit(
            tx, {who.login, "roster.campaign.create", "roster_campaign",
                 std::to_string(row.campaign_id), "",
                 AuditDetail{}
                     .add("name", in.title)
                     .add("structure_id", in.structure_id)
                     .add("first_day", in.plan.first_day)
                     .add("last_day", in.plan.last_day)
                     .add("slots", plan_slots.size())
                     .json()}));

        row.newsletter_id = MAILLAGE_TRY(NewsletterRepository::insert(
            tx, in.structure_id, subject, clean, text, {}, who.login, at));
        MAILLAGE_CHECK(store::audit(
            tx, {who.login, "newsletter.create", "newsletter", std::to_string(row.newsletter_id),
                 "", AuditDetail{}.add("structure", in.structure_id).add("subject", subject).json()}));

        id = MAILLAGE_TRY(CrisisRepository::insert(tx, row, at));
        std::vector<std::string> windows;
        for (const auto& w : crisis::windows_of(in.plan)) {
          windows.push_back(fmt::format("{} ×{}", crisis::window_label(w), w.need));
        }
        store::AuditEntry entry{
            who.login, "crisis.open", "crisis", std::to_string(id), "",
            AuditDetail{}
                .add("title", in.title)
                .add("kind", in.kind)
                .add("first_day", in.plan.first_day)
                .add("last_day", in.plan.last_day)
                .add("days", in.plan.days)
                .add("windows", windows)
                .add("survey", row.survey_id)
                .add("campaign", row.campaign_id)
                .add("newsletter", row.newsletter_id)
                .add("members", in.audience.members)
                .add("rpps", in.audience.rpps)
                .json()};
        entry.structure_id = in.structure_id;
        return store::audit(tx, entry);
      });
      !written) {
    return tl::unexpected(written.error());
  }
  return id;
}

Result<CrisisDashboard> Crises::dashboard(const Principal& who, std::int64_t id) const {
  auto row = MAILLAGE_TRY(CrisisRepository(*db_).crisis(id));
  if (!row) return not_found_crisis();
  CrisisDashboard d;
  d.access = MAILLAGE_TRY(access(who, row->structure_id));
  d.summary = summary_of(*row);
  d.profession = row->profession;
  const SurveyRepository surveys(*db_);
  auto survey_row = MAILLAGE_TRY(surveys.survey(row->survey_id));
  if (!survey_row) return not_found_crisis();
  d.survey_status = survey_row->status;
  d.survey_status_label = survey_status_label(survey_row->status);
  d.closes_on = survey_row->closes_on;
  const auto answers = MAILLAGE_TRY(load_answers(surveys, *row));
  RosterRepository roster(*db_);
  // The job before the campaign: the runner finishes both in one transaction, so a job read as
  // done is seen with its solved campaign (read the other way round, a solve ending between the
  // two reads showed a done job beside a campaign still in collection).
  d.job = MAILLAGE_TRY(roster.latest_job(row->campaign_id));
  const Campaign campaign = MAILLAGE_TRY(roster.campaign(row->campaign_id));
  d.campaign_status = campaign_status_id(campaign.status);
  d.campaign_status_label = campaign_status_label(campaign.status);

  const auto slots = crisis::slots_of(row->plan);
  const auto slot_ids = roster_slots(slots, campaign);
  std::map<std::int64_t, int> index_of_slot;
  for (std::size_t i = 0; i < slot_ids.size(); ++i) {
    if (slot_ids[i] != 0) index_of_slot[slot_ids[i]] = static_cast<int>(i);
  }
  const auto mapping = crisis::map_answers(row->plan, answers.respondents);
  // Campaign people → respondents (people added by hand on the campaign page count too, under
  // their own negative key).
  std::map<std::int64_t, std::int64_t> person_of_member;
  const auto people = MAILLAGE_TRY(CrisisRepository(*db_).people(id));
  for (const auto& p : people) {
    if (p.member_id != 0) person_of_member[p.member_id] = p.recipient_id;
  }
  std::map<std::int64_t, std::string> member_names;
  for (const auto& m : campaign.plan.members) member_names[m.id] = m.name;
  std::vector<crisis::Assignment> assignments;
  std::map<std::int64_t, std::vector<int>> slots_of_person;
  std::vector<std::vector<std::string>> names(slots.size());
  for (const auto& a : campaign.assignments) {
    auto s = index_of_slot.find(a.slot_id);
    if (s == index_of_slot.end()) continue;
    auto p = person_of_member.find(a.member_id);
    const std::int64_t person = p == person_of_member.end() ? -a.member_id : p->second;
    assignments.push_back({person, s->second});
    slots_of_person[person].push_back(s->second);
    names[static_cast<std::size_t>(s->second)].push_back(member_names[a.member_id]);
  }
  d.coverage = crisis::coverage(slots, mapping.availabilities, assignments);
  const auto windows = crisis::windows_of(row->plan);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    CrisisSlotLine line;
    line.slot = slots[i];
    line.day_label = crisis::day_label(slots[i].day);
    line.window_label = crisis::window_label(windows[static_cast<std::size_t>(slots[i].window_index)]);
    line.coverage = d.coverage.slots[i];
    line.roster_slot_id = slot_ids[i];
    if (d.access == CrisisAccess::run) {
      line.assigned = names[i];
      std::sort(line.assigned.begin(), line.assigned.end());
    }
    d.slots.push_back(std::move(line));
  }
  std::map<std::int64_t, int> available_of;
  for (const auto& a : mapping.availabilities) ++available_of[a.respondent];
  std::map<std::int64_t, const CrisisPersonRow*> person_row;
  for (const auto& p : people) person_row[p.recipient_id] = &p;
  for (const auto& r : answers.recipients) {
    if (r.answered_at.empty()) ++d.not_answered;
    if (!r.send_error.empty()) ++d.send_failed;
    if (d.access != CrisisAccess::run) continue;
    CrisisPerson p;
    p.recipient_id = r.id;
    p.name = person_name(r);
    p.email = r.email;
    p.source_label = source_label(r.source);
    p.sent_at = r.sent_at;
    p.send_error = r.send_error;
    p.answered_at = r.answered_at;
    p.available = available_of[r.id];
    p.address_only = r.name.empty() && r.member_id == 0;
    for (int s : slots_of_person[r.id]) p.assigned.push_back(slot_text(slots[static_cast<std::size_t>(s)]));
    if (auto it = person_row.find(r.id); it != person_row.end()) {
      p.member_id = it->second->member_id;
      p.planning_sent_at = it->second->planning_sent_at;
      p.planning_error = it->second->planning_error;
    }
    d.invited.push_back(std::move(p));
  }
  std::sort(d.invited.begin(), d.invited.end(), [](const CrisisPerson& a, const CrisisPerson& b) {
    return std::tie(a.name, a.recipient_id) < std::tie(b.name, b.recipient_id);
  });
  d.smtp = mailer_ != nullptr;
  const bool run = d.access == CrisisAccess::run;
  const bool accepting = survey_row->status != "closed" &&
                         parse_date(survey_row->closes_on).value_or(Date{}) >= today_utc();
  const bool solving = d.job && (d.job->status == "queued" || d.job->status == "running");
  d.can_send = run && accepting;
  d.can_remind = run && survey_row->status == "open" && accepting && d.not_answered > 0;
  d.can_build = run && d.summary.answered > 0 && !solving &&
                campaign.status != CampaignStatus::published;
  d.can_send_planning = run && !solving && !people.empty() &&
                        (campaign.status == CampaignStatus::solved ||
                         campaign.status == CampaignStatus::published);
  return d;
}

Result<SendReport> Crises::send(const Principal& who, std::int64_t id,
                                const std::string& link_base) {
  auto row = MAILLAGE_TRY(CrisisRepository(*db_).crisis(id));
  if (!row) return not_found_crisis();
  if (MAILLAGE_TRY(access(who, row->structure_id)) != CrisisAccess::run) return runners_only();
  AudienceInput audience;
  audience.members = row->audience_members;
  audience.rpps = row->audience_rpps;
  audience.professions = row->audience_professions;
  audience.pasted = row->audience_pasted;
  return surveys_->send(who, row->survey_id, audience, link_base);
}

Result<RemindReport> Crises::remind(const Principal& who, std::int64_t id,
                                    const std::string& link_base) {
  auto row = MAILLAGE_TRY(CrisisRepository(*db_).crisis(id));
  if (!row) return not_found_crisis();
  if (MAILLAGE_TRY(access(who, row->structure_id)) != CrisisAccess::run) return runners_only();
  return surveys_->remind(who, row->survey_id, link_base);
}

Result<BuildReport> Crises::build(const Principal& who, std::int64_t id,
                                  std::int64_t expected_version) {
  auto row = MAILLAGE_TRY(CrisisRepository(*db_).crisis(id));
  if (!row) return not_found_crisis();
  if (MAILLAGE_TRY(access(who, row->structure_id)) != CrisisAccess::run) return runners_only();
  if (expected_version != row->version) return stale();
  const SurveyRepository surveys(*db_);
  const auto answers = MAILLAGE_TRY(load_answers(surveys, *row));
  if (!answers.grid_found || !answers.grid_matches) {
    return fail(ErrorCode::invalid_transition,
                "La question des disponibilités de l'enquête ne correspond plus aux créneaux de la "
                "crise : le planning ne peut pas en être tiré.");
  }
  if (answers.respondents.empty()) {
    return fail(ErrorCode::invalid_transition,
                "Personne n'a encore répondu : il n'y a rien à planifier.");
  }
  const Campaign campaign = MAILLAGE_TRY(RosterRepository(*db_).campaign(row->campaign_id));
  if (campaign.status == CampaignStatus::published) {
    return fail(ErrorCode::invalid_transition,
                "Le planning est déjà publié : repassez-le en « résolu » sur la page de la "
                "campagne pour le reconstruire.");
  }
  const auto slots = crisis::slots_of(row->plan);
  const auto slot_ids = roster_slots(slots, campaign);
  const auto mapping = crisis::map_answers(row->plan, answers.respondents);
  std::map<std::int64_t, std::set<int>> available;
  for (const auto& a : mapping.availabilities) available[a.respondent].insert(a.slot);
  std::set<std::int64_t> members_now;
  for (const auto& m : campaign.plan.members) members_now.insert(m.id);
  std::map<std::int64_t, std::int64_t> member_of;
  for (const auto& p : MAILLAGE_TRY(CrisisRepository(*db_).people(id))) {
    if (p.member_id != 0 && members_now.count(p.member_id)) member_of[p.recipient_id] = p.member_id;
  }
  std::map<std::int64_t, const RecipientRow*> recipient;
  for (const auto& r : answers.recipients) recipient[r.id] = &r;

  BuildReport report;
  report.respondents = static_cast<int>(answers.respondents.size());
  report.outside_cells = static_cast<int>(mapping.outside.size());
  for (auto s : slot_ids) report.missing_slots += s == 0 ? 1 : 0;
  for (auto r : mapping.without_availability) {
    report.without_availability.push_back(person_name(*recipient[r]));
  }
  for (const auto& r : answers.respondents) {
    const auto& x = *recipient[r.id];
    if (x.name.empty() && x.member_id == 0) report.address_only.push_back(x.email);
  }
  // The engine's model names each person once: a name shared by two people (two members with
  // the same name, a respondent and someone added by hand) gets the address beside it.
  std::map<std::int64_t, std::string> display;
  {
    std::map<std::string, int> uses;
    std::set<std::int64_t> mapped_members;
    for (const auto& [r, m] : member_of) mapped_members.insert(m);
    for (const auto& m : campaign.plan.members) {
      if (!mapped_members.count(m.id)) ++uses[m.name];
    }
    for (const auto& r : answers.respondents) ++uses[person_name(*recipient[r.id])];
    for (const auto& r : answers.respondents) {
      const auto& x = *recipient[r.id];
      const std::string name = person_name(x);
      display[r.id] = uses[name] > 1 && name != x.email ? name + " <" + x.email + ">" : name;
    }
  }
  const std::string at = store::timestamp_now();
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        report.people_added = report.people_updated = report.availabilities = 0;
        if (MAILLAGE_TRY(RosterRepository::has_active_job(tx, row->campaign_id))) {
          return fail(ErrorCode::conflict,
                      "Un calcul est déjà en cours pour ce planning : attendez qu'il finisse.");
        }
        MAILLAGE_CHECK(RosterRepository::bump(tx, row->campaign_id, campaign.version));
        if (campaign.status == CampaignStatus::draft) {
          MAILLAGE_CHECK(RosterRepository::set_status(tx, row->campaign_id,
                                                      CampaignStatus::collecting));
        }
        for (const auto& r : answers.respondents) {
          std::int64_t member = 0;
          if (auto it = member_of.find(r.id); it != member_of.end()) {
            member = it->second;
            ++report.people_updated;
          } else {
            NewMember m;
            m.name = display[r.id];
            m.profession = row->profession;
            member = MAILLAGE_TRY(RosterRepository::insert_member(tx, row->campaign_id, m, m.name));
            ++report.people_added;
          }
          MAILLAGE_CHECK(CrisisRepository::set_person(tx, id, r.id, member));
          const auto& mine = available[r.id];
          for (std::size_t i = 0; i < slot_ids.size(); ++i) {
            if (slot_ids[i] == 0) continue;
            const bool yes = mine.count(static_cast<int>(i)) > 0;
            report.availabilities += yes ? 1 : 0;
            MAILLAGE_CHECK(RosterRepository::set_availability(
                tx, member, slot_ids[i],
                yes ? std::optional<SlotWish>{SlotWish::available} : std::nullopt, who.login, at));
          }
        }
        if (!MAILLAGE_TRY(
                CrisisRepository::touch(tx, id, expected_version, who.login, at, true, false))) {
          return stale();
        }
        store::AuditEntry entry{who.login, "crisis.build", "crisis", std::to_string(id), "",
                                AuditDetail{}
                                    .add("respondents", report.respondents)
                                    .add("people_added", report.people_added)
                                    .add("people_updated", report.people_updated)
                                    .add("availabilities", report.availabilities)
                                    .add("without_availability",
                                         report.without_availability.size())
                                    .add("address_only", report.address_only.size())
                                    .add("outside_cells", report.outside_cells)
                                    .add("missing_slots", report.missing_slots)
                                    .json()};
        entry.structure_id = row->structure_id;
        return store::audit(tx, entry);
      });
      !written) {
    return tl::unexpected(written.error());
  }
  report.job_id = MAILLAGE_TRY(roster_->enqueue_solve(who, row->campaign_id));
  return report;
}

Result<PlanningReport> Crises::send_planning(const Principal& who, std::int64_t id,
                                             std::int64_t expected_version) {
  auto row = MAILLAGE_TRY(CrisisRepository(*db_).crisis(id));
  if (!row) return not_found_crisis();
  if (MAILLAGE_TRY(access(who, row->structure_id)) != CrisisAccess::run) return runners_only();
  if (expected_version != row->version) return stale();
  if (!mailer_) {
    return fail(ErrorCode::unavailable,
                "Aucun serveur d'e-mail n'est configuré (réglage smtp_url) : l'envoi du planning "
                "est impossible.",
                "smtp_url");
  }
  Campaign campaign = MAILLAGE_TRY(RosterRepository(*db_).campaign(row->campaign_id));
  if (campaign.status != CampaignStatus::solved && campaign.status != CampaignStatus::published) {
    return fail(ErrorCode::invalid_transition,
                "Le planning n'est pas encore calculé : construisez-le et attendez la fin du "
                "calcul.");
  }
  const auto people = MAILLAGE_TRY(CrisisRepository(*db_).people(id));
  if (people.empty()) {
    return fail(ErrorCode::invalid_transition, "Personne n'est encore au planning.");
  }
  if (campaign.status == CampaignStatus::solved) {
    // Publishing checks the roster again with the independent checker (roster_campaigns.cpp).
    MAILLAGE_TRY(roster_->set_status(who, row->campaign_id, campaign.version,
                                     CampaignStatus::published));
  }
  const SurveyRepository surveys(*db_);
  std::map<std::int64_t, RecipientRow> recipient;
  for (const auto& r : MAILLAGE_TRY(surveys.recipients(row->survey_id))) recipient[r.id] = r;
  const auto slots = crisis::slots_of(row->plan);
  std::map<std::int64_t, const PlanSlot*> slot_by_id;
  for (const auto& s : campaign.plan.slots) slot_by_id[s.id] = &s;
  PlanningReport report;
  std::vector<std::tuple<std::int64_t, std::string, std::string>> results;  // recipient, at, error
  for (const auto& p : people) {
    auto r = recipient.find(p.recipient_id);
    if (r == recipient.end()) continue;
    std::vector<const PlanSlot*> mine;
    for (const auto& a : campaign.assignments) {
      if (a.member_id == p.member_id && p.member_id != 0) {
        if (auto s = slot_by_id.find(a.slot_id); s != slot_by_id.end()) mine.push_back(s->second);
      }
    }
    std::sort(mine.begin(), mine.end(), [](const PlanSlot* a, const PlanSlot* b) {
      return std::tie(a->day, a->start_time) < std::tie(b->day, b->start_time);
    });
    MailMessage mail;
    mail.to = r->second.email;
    mail.to_name = r->second.name;
    mail.subject = fmt::format("Votre planning — {} — {}", row->title, row->structure_name);
    std::string text = fmt::format("Bonjour{},\n\nMerci pour votre réponse à l'enquête « {} ».\n\n",
                                   r->second.name.empty() ? "" : " " + r->second.name, row->title);
    if (mine.empty()) {
      ++report.without_slot;
      text +=
          "Aucun créneau ne vous est attribué dans ce planning : les besoins sont couverts sans "
          "vous, ou vos disponibilités ne correspondaient pas aux créneaux restants. Nous vous "
          "recontacterons si un besoin apparaît.\n";
    } else {
      text += fmt::format("Vos créneaux ({}) :\n", mine.size());
      for (const auto* s : mine) {
        text += fmt::format("- {} {}\u2013{}\n", crisis::day_label(s->day), s->start_time,
                            s->end_time);
      }
      text += "\nEn cas d'empêchement, prévenez la coordination au plus tôt.\n";
    }
    text += fmt::format("\n{}\n", row->structure_name);
    mail.text = std::move(text);
    auto sent = mailer_->send(mail);
    if (sent) {
      ++report.sent;
      results.emplace_back(p.recipient_id, store::timestamp_now(), "");
    } else {
      ++report.failed;
      std::string reason = sent.error().message.empty() ? "refusé" : sent.error().message;
      results.emplace_back(p.recipient_id, "", reason.substr(0, 500));
    }
  }
  const std::string at = store::timestamp_now();
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        for (const auto& [recipient_id, sent_at, error] : results) {
          MAILLAGE_CHECK(CrisisRepository::set_planning_sent(tx, id, recipient_id, sent_at, error));
        }
        if (!MAILLAGE_TRY(
                CrisisRepository::touch(tx, id, expected_version, who.login, at, false, true))) {
          return stale();
        }
        store::AuditEntry entry{who.login, "crisis.planning.send", "crisis", std::to_string(id),
                                "",
                                AuditDetail{}
                                    .add("sent", report.sent)
                                    .add("failed", report.failed)
                                    .add("without_slot", report.without_slot)
                                    .add("server", mailer_->description())
                                    .json()};
        entry.structure_id = row->structure_id;
        return store::audit(tx, entry);
      });
      !written) {
    return tl::unexpected(written.error());
  }
  return report;
}

}  // namespace maillage::services
