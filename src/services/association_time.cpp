// Members' time and indemnities (see association_work.hpp): hourly rates per profession and year,
// time entries recorded by members (their own) or the coordination (anyone's), validated or
// refused by the coordination, each checked against the yearly cap (the PASS) by the engine
// (src/association/indemnity.hpp) at recording and at validation; the yearly statement of a
// member and the accountant's lines. Amounts are never stored: time × the rate of the year.
#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "association/indemnity.hpp"
#include "association/money.hpp"
#include "common/dates.hpp"
#include "common/french.hpp"
#include "common/try.hpp"
#include "office/document.hpp"
#include "office/odt.hpp"
#include "services/association_internal.hpp"
#include "services/association_repository.hpp"
#include "services/association_work.hpp"
#include "services/association_work_internal.hpp"
#include "services/association_work_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using association::format_euros;
using store::AuditDetail;
using store::Tx;

namespace {

int year_of(const std::string& day) {
  return day.size() >= 4 ? std::atoi(day.substr(0, 4).c_str()) : 0;
}

std::string profession_label(const std::string& code) {
  return code.empty() ? "" : association_label(association_professions(), code);
}

association::IndemnityRules rules_of(const std::vector<HourlyRateRow>& rates) {
  association::IndemnityRules r;
  for (const auto& x : rates) {
    r.rates.push_back({x.profession, x.year, x.cents_per_hour, x.source, x.unverified});
  }
  return r;
}

const HourlyRateRow* find_rate(const std::vector<HourlyRateRow>& rates,
                               const std::string& profession, int year) {
  for (const auto& r : rates) {
    if (r.profession == profession && r.year == year) return &r;
  }
  return nullptr;
}

const association::PassValue* find_pass(int year) {
  for (const auto& p : association::known_pass_values()) {
    if (p.year == year) return &p;
  }
  return nullptr;
}

association::TimeEntry engine_entry(const TimeEntryRow& e) {
  return {std::to_string(e.id), parse_date(e.worked_on).value_or(Date{}), e.minutes, e.activity};
}

// The engine speaks lower case inside sentences; a message shown alone starts with a capital.
std::string sentence(std::string s) {
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  if (!s.empty() && s.back() != '.') s += '.';
  return s;
}

tl::unexpected<Error> no_rate(const std::string& profession, int year) {
  return fail(ErrorCode::invalid_input,
              fmt::format("Aucun taux horaire pour la profession {} en {} : la coordination doit "
                          "d'abord le saisir.",
                          profession_label(profession), year),
              "worked_on");
}

RateView rate_view(const HourlyRateRow& r) {
  RateView v;
  v.year = r.year;
  v.profession = r.profession;
  v.profession_label = profession_label(r.profession);
  v.cents_per_hour = r.cents_per_hour;
  v.amount_text = format_euros(r.cents_per_hour);
  v.source = r.source;
  v.unverified = r.unverified;
  v.version = r.version;
  v.updated_by = r.updated_by;
  v.updated_at = r.updated_at;
  return v;
}

std::string status_label(const std::string& s) {
  if (s == "validated") return "validé";
  if (s == "refused") return "refusé";
  return "en attente";
}

struct Names {
  std::map<std::int64_t, MemberRow> members;
  std::map<std::int64_t, std::string> groups;
};

TimeEntryView entry_view(const TimeEntryRow& e, const Names& names,
                         const std::vector<HourlyRateRow>& rates) {
  TimeEntryView v;
  v.id = e.id;
  v.member_id = e.member_id;
  v.member_name = work::member_name(names.members, e.member_id);
  std::string profession;
  auto m = names.members.find(e.member_id);
  if (m != names.members.end()) profession = m->second.data.profession;
  v.profession_label = profession_label(profession);
  v.worked_on = e.worked_on;
  v.minutes = e.minutes;
  v.duration_text = fr::duration(e.minutes);
  v.activity = e.activity;
  v.mission = e.mission;
  v.mission_label = work::mission_label(e.mission);
  v.group_id = e.group_id;
  if (e.group_id > 0) {
    auto g = names.groups.find(e.group_id);
    v.group_name = g == names.groups.end() ? "" : g->second;
  }
  v.status = e.status;
  v.status_label = status_label(e.status);
  if (const HourlyRateRow* r = find_rate(rates, profession, year_of(e.worked_on))) {
    v.amount_cents = (static_cast<std::int64_t>(e.minutes) * r->cents_per_hour + 30) / 60;
    v.amount_text = format_euros(v.amount_cents);
    v.rate_text = format_euros(r->cents_per_hour) + " de l'heure";
    v.rate_unverified = r->unverified;
  }
  v.decided_by = e.decided_by;
  v.decided_at = e.decided_at;
  v.decision_note = e.decision_note;
  v.created_by = e.created_by;
  v.created_at = e.created_at;
  v.version = e.version;
  return v;
}

Result<Names> load_names(store::Database& db, std::int64_t structure_id) {
  Names n;
  n.members = MAILLAGE_TRY(work::members_by_id(db, structure_id));
  const WorkRepository repo(db);
  for (const auto& g : MAILLAGE_TRY(repo.groups(structure_id))) n.groups[g.id] = g.name;
  return n;
}

// One member's year from their entries (any status).
MemberYear member_year(std::int64_t member_id, const Names& names,
                       const std::vector<TimeEntryRow>& entries,
                       const std::vector<HourlyRateRow>& rates, int year) {
  MemberYear y;
  y.member_id = member_id;
  y.name = work::member_name(names.members, member_id);
  std::string profession;
  auto m = names.members.find(member_id);
  if (m != names.members.end()) profession = m->second.data.profession;
  y.profession_label = profession_label(profession);
  std::vector<association::TimeEntry> validated;
  const auto rules = rules_of(rates);
  for (const auto& e : entries) {
    if (e.member_id != member_id || year_of(e.worked_on) != year) continue;
    if (e.status == "validated") {
      validated.push_back(engine_entry(e));
      y.validated_minutes += e.minutes;
    } else if (e.status == "pending") {
      y.pending_minutes += e.minutes;
      if (auto p = association::price_entry(rules, profession, engine_entry(e))) {
        y.pending_cents += p->amount_cents;
      }
    }
  }
  auto st = association::year_statement(rules, profession, validated, year);
  if (st) {
    y.validated_cents = st->total_cents;
    y.cap_cents = st->cap_cents;
    y.remaining_cents = st->remaining_cents;
  } else {
    y.problem = sentence(st.error().message);
    if (const auto* p = find_pass(year)) {
      y.cap_cents = p->cents;
      y.remaining_cents = p->cents;
    }
  }
  y.validated_text = format_euros(y.validated_cents);
  y.pending_text = format_euros(y.pending_cents);
  y.remaining_text = format_euros(y.remaining_cents);
  return y;
}

Status check_entry(TimeEntryInput& in, const std::map<std::int64_t, std::string>& groups) {
  in.activity = work::trim(in.activity);
  const auto day = parse_date(in.worked_on);
  if (!day)
    return fail(ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.", "worked_on");
  if (*day > today_utc()) {
    return fail(ErrorCode::invalid_input, "Le temps se déclare une fois donné : date à venir.",
                "worked_on");
  }
  if (in.minutes < 1 || in.minutes > 24 * 60) {
    return fail(ErrorCode::invalid_input, "Durée entre 1 minute et 24 heures.", "minutes");
  }
  if (in.activity.empty()) {
    return fail(ErrorCode::invalid_input, "Décrivez l'activité.", "activity");
  }
  if (in.activity.size() > 500) {
    return fail(ErrorCode::invalid_input, "500 caractères au plus.", "activity");
  }
  if (!in.mission.empty()) {
    const auto& missions = association_aci_missions();
    if (std::none_of(missions.begin(), missions.end(),
                     [&](const Choice& c) { return c.id == in.mission; })) {
      return fail(ErrorCode::invalid_input, "Mission de l'ACI inconnue.", "mission");
    }
  }
  if (in.group_id != 0 && !groups.count(in.group_id)) {
    return fail(ErrorCode::invalid_input, "Ce groupe de travail n'existe pas dans l'association.",
                "group_id");
  }
  return {};
}

}  // namespace

Result<std::string> statement_odt(const YearStatementView& s) {
  office::Document doc;
  doc.title = fmt::format("Relevé d'indemnités {} — {}", s.year, s.member_name);
  doc.author = s.association_name;
  doc.footer.text =
      s.association_name + " — relevé " + std::to_string(s.year) + " de " + s.member_name;
  doc.heading(1, fmt::format("Relevé annuel d'indemnités {}", s.year));
  doc.paragraph(
      office::Paragraph{{{s.association_name, true}, {std::string(" (association loi 1901)")}}});
  doc.paragraph(office::Paragraph{
      {{std::string("Membre : "), false},
       {s.member_name, true},
       {s.member_detail.empty() ? std::string() : " (" + s.member_detail + ")", false}}});
  office::Table t;
  t.header = {"Date", "Durée", "Activité", "Taux horaire", "Montant"};
  t.column_widths = {2, 1.2, 5, 1.8, 1.8};
  for (const auto& e : s.entries) {
    std::string activity = e.activity;
    if (!e.group_name.empty()) activity += " (groupe « " + e.group_name + " »)";
    if (!e.mission_label.empty()) activity += " — mission : " + e.mission_label;
    t.rows.push_back({format_date_fr(parse_date(e.worked_on).value_or(Date{})), e.duration_text,
                      activity, e.rate_text, e.amount_text});
  }
  if (s.entries.empty()) t.rows.push_back({"—", "", "Aucun temps validé cette année.", "", ""});
  doc.table(std::move(t));
  doc.paragraph(office::Paragraph{{{std::string("Total validé : "), false},
                                   {s.duration_text + ", soit " + s.total_text, true}}});
  doc.paragraph(fmt::format(
      "Plafond annuel (plafond annuel de la sécurité sociale {}, décret 2022-375) : {} ; reste "
      "{} pour {}.",
      s.year, s.cap_text, s.remaining_text, s.year));
  doc.paragraph("Source du plafond : " + s.pass_source);
  for (const auto& r : s.rates) {
    doc.paragraph(fmt::format("Taux {} {} : {} de l'heure ({}).", r.profession_label, r.year,
                              r.amount_text,
                              r.unverified ? "taux non vérifié" : "source : " + r.source));
  }
  const Date issued = parse_date(s.issued_on).value_or(today_utc());
  doc.paragraph("Établi le " + format_date_fr(issued) + ".");
  doc.paragraph("Pour l'association, le trésorier ou la trésorière");
  return office::write_odt(doc);
}

Result<TimeOverview> AssociationWork::time(const Principal& who, std::int64_t structure_id,
                                           int year) const {
  TimeOverview out;
  out.statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  const AssociationAccess level = out.statuts.access;
  const int this_year = static_cast<int>(today_utc().year());
  out.year = year == 0 ? this_year : year;
  if (out.year < 1901 || out.year > 9999) {
    return fail(ErrorCode::invalid_input, "Année entre 1901 et 9999.", "annee");
  }
  const WorkRepository repo(*db_);
  const auto rates = MAILLAGE_TRY(repo.rates(structure_id));
  const auto all = MAILLAGE_TRY(repo.entries(structure_id));
  const Names names = MAILLAGE_TRY(load_names(*db_, structure_id));
  const AssociationRepository members(*db_);
  std::optional<MemberRow> me;
  if (who.role == Role::member) me = MAILLAGE_TRY(members.member_by_email(structure_id, who.login));

  std::set<int> years{this_year, out.year};
  for (const auto& r : rates) years.insert(r.year);
  for (const auto& e : all) years.insert(year_of(e.worked_on));
  out.years.assign(years.rbegin(), years.rend());

  if (const auto* p = find_pass(out.year)) {
    out.pass_cents = p->cents;
    out.pass_text = format_euros(p->cents);
    out.pass_source = p->source;
    out.pass_unverified = p->unverified;
  } else {
    out.pass_problem = fmt::format(
        "Le plafond annuel de la sécurité sociale de {} n'est pas connu : aucune indemnité ne "
        "peut être calculée pour cette année.",
        out.year);
  }
  for (const auto& r : rates) {
    if (r.year == out.year) out.rates.push_back(rate_view(r));
  }
  std::sort(out.rates.begin(), out.rates.end(), [](const RateView& a, const RateView& b) {
    return a.profession_label < b.profession_label;
  });

  std::set<std::int64_t> with_time;
  for (const auto& e : all) {
    if (year_of(e.worked_on) != out.year) continue;
    ++out.totals.entries;
    if (e.status == "pending") ++out.totals.pending;
    if (e.status == "refused") ++out.totals.refused;
    if (e.status == "validated") {
      ++out.totals.validated;
      out.totals.validated_minutes += e.minutes;
      with_time.insert(e.member_id);
    }
    const bool visible = level == AssociationAccess::manage ||
                         (me && level == AssociationAccess::own && me->id == e.member_id);
    if (visible) {
      auto v = entry_view(e, names, rates);
      v.mine = me && me->id == e.member_id;
      out.entries.push_back(std::move(v));
    }
  }
  // Validated amounts of the year (every member, for the totals).
  std::set<std::int64_t> any_time;
  for (const auto& e : all) {
    if (year_of(e.worked_on) == out.year) any_time.insert(e.member_id);
  }
  for (std::int64_t id : any_time) {
    MemberYear y = member_year(id, names, all, rates, out.year);
    out.totals.validated_cents += y.validated_cents;
    if (level == AssociationAccess::manage) out.members.push_back(y);
  }
  out.totals.members = static_cast<int>(with_time.size());
  out.totals.validated_text = format_euros(out.totals.validated_cents);
  std::sort(out.members.begin(), out.members.end(),
            [](const MemberYear& a, const MemberYear& b) { return a.name < b.name; });
  std::sort(out.entries.begin(), out.entries.end(),
            [](const TimeEntryView& a, const TimeEntryView& b) {
              // What waits for a decision first, then the most recent.
              const bool pa = a.status == "pending", pb = b.status == "pending";
              if (pa != pb) return pa;
              if (a.worked_on != b.worked_on) return a.worked_on > b.worked_on;
              return a.id > b.id;
            });
  if (me && level != AssociationAccess::aggregate) {
    out.me = member_year(me->id, names, all, rates, out.year);
    if (level == AssociationAccess::own) out.members = {*out.me};
  }
  if (level == AssociationAccess::aggregate) {
    out.entries.clear();
    out.members.clear();
    out.me.reset();
  }
  out.missions = association_aci_missions();
  for (const auto& [id, name] : names.groups) out.groups.push_back({std::to_string(id), name});
  out.professions = association_professions();
  if (level == AssociationAccess::manage) out.candidates = work::candidates(names.members, true);
  return out;
}

Result<RateView> AssociationWork::set_rate(const Principal& who, std::int64_t structure_id,
                                           const RateInput& raw) {
  auto statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  if (statuts.access != AssociationAccess::manage) {
    return work::managers_only("Les taux d'indemnisation");
  }
  RateInput in = raw;
  in.source = work::trim(in.source);
  if (in.year < 1901 || in.year > 9999) {
    return fail(ErrorCode::invalid_input, "Année entre 1901 et 9999.", "year");
  }
  const auto& professions = association_professions();
  if (std::none_of(professions.begin(), professions.end(),
                   [&](const Choice& c) { return c.id == in.profession; })) {
    return fail(ErrorCode::invalid_input, "Profession inconnue.", "profession");
  }
  if (in.cents_per_hour < 1 || in.cents_per_hour > 100000) {
    return fail(ErrorCode::invalid_input, "Taux horaire entre 0,01 € et 1 000,00 €.",
                "cents_per_hour");
  }
  if (in.source.size() > 500) {
    return fail(ErrorCode::invalid_input, "500 caractères au plus.", "source");
  }
  if (in.source.empty() && !in.unverified) {
    return fail(ErrorCode::invalid_input,
                "Donnez la source du taux (décision du bureau, de l'assemblée, règlement "
                "intérieur) ou signalez-le comme non vérifié.",
                "source");
  }
  const Names names = MAILLAGE_TRY(load_names(*db_, structure_id));
  const std::string at = store::timestamp_now();
  std::optional<HourlyRateRow> before;
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        auto rates = MAILLAGE_TRY(WorkRepository::rates_in(tx, structure_id));
        if (const HourlyRateRow* r = find_rate(rates, in.profession, in.year)) before = *r;
        if (!MAILLAGE_TRY(WorkRepository::upsert_rate(tx, structure_id, in, who.login, at))) {
          return fail(ErrorCode::conflict,
                      before ? "Ce taux a été modifié entre-temps : rechargez la page avant "
                               "d'enregistrer."
                             : "Ce taux a été saisi entre-temps : rechargez la page.",
                      "version");
        }
        // The validated time of every member of the profession must stay within the cap.
        rates = MAILLAGE_TRY(WorkRepository::rates_in(tx, structure_id));
        const auto rules = rules_of(rates);
        for (const auto& [id, m] : names.members) {
          if (m.data.profession != in.profession) continue;
          auto entries = MAILLAGE_TRY(WorkRepository::member_entries(tx, structure_id, id));
          std::vector<association::TimeEntry> validated;
          for (const auto& e : entries) {
            if (e.status == "validated" && year_of(e.worked_on) == in.year) {
              validated.push_back(engine_entry(e));
            }
          }
          if (validated.empty()) continue;
          std::int64_t total = 0;
          for (const auto& e : validated) {
            total += MAILLAGE_TRY(association::price_entry(rules, in.profession, e)).amount_cents;
          }
          const auto* pass = find_pass(in.year);
          if (pass != nullptr && total > pass->cents) {
            return fail(ErrorCode::invalid_input,
                        fmt::format("Taux refusé : avec ce taux, les indemnités déjà validées de "
                                    "{} en {} ({}) dépasseraient le plafond annuel ({}).",
                                    assoc::display_name(m.data), in.year, format_euros(total),
                                    format_euros(pass->cents)),
                        "cents_per_hour");
          }
        }
        return store::audit(tx, {who.login, "association.rate.set", "association_rate",
                                 fmt::format("{}/{}/{}", structure_id, in.year, in.profession),
                                 before ? AuditDetail{}
                                              .add("cents_per_hour", before->cents_per_hour)
                                              .add("source", before->source)
                                              .json()
                                        : "",
                                 AuditDetail{}
                                     .add("cents_per_hour", in.cents_per_hour)
                                     .add("source", in.source)
                                     .add("unverified", in.unverified)
                                     .json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  const WorkRepository repo(*db_);
  for (const auto& r : MAILLAGE_TRY(repo.rates(structure_id))) {
    if (r.year == in.year && r.profession == in.profession) return rate_view(r);
  }
  return fail(ErrorCode::db_error, "Taux introuvable après son enregistrement.", "profession");
}

Result<TimeEntryView> AssociationWork::record_time(const Principal& who, std::int64_t structure_id,
                                                   const TimeEntryInput& raw) {
  auto statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  if (statuts.access == AssociationAccess::aggregate) {
    return fail(ErrorCode::forbidden,
                "Le temps se déclare par les membres de l'association et sa coordination.");
  }
  const AssociationRepository members(*db_);
  std::optional<MemberRow> me;
  if (who.role == Role::member) me = MAILLAGE_TRY(members.member_by_email(structure_id, who.login));
  TimeEntryInput in = raw;
  if (statuts.access == AssociationAccess::own) {
    if (!me) {
      return fail(ErrorCode::invalid_input,
                  "Aucune fiche de membre ne porte l'adresse de votre compte : demandez à la "
                  "coordination de l'ajouter.",
                  "member_id");
    }
    if (in.member_id != 0 && in.member_id != me->id) {
      return fail(ErrorCode::forbidden, "Vous ne déclarez que votre propre temps.", "member_id");
    }
    in.member_id = me->id;
  } else if (in.member_id == 0) {
    if (!me) return fail(ErrorCode::invalid_input, "Choisissez le membre.", "member_id");
    in.member_id = me->id;
  }
  auto member = MAILLAGE_TRY(members.member(structure_id, in.member_id));
  if (!member) {
    return fail(ErrorCode::invalid_input, "Ce membre n'est pas membre de l'association.",
                "member_id");
  }
  if (member->data.kind != "person" || member->data.profession.empty()) {
    return fail(ErrorCode::invalid_input,
                "Les indemnités se calculent par profession : la fiche de " +
                    assoc::display_name(member->data) + " n'en porte pas.",
                "member_id");
  }
  if (!member->data.radiated.empty()) {
    return fail(ErrorCode::invalid_input,
                assoc::display_name(member->data) + " est radié(e) de l'association.", "member_id");
  }
  const Names names = MAILLAGE_TRY(load_names(*db_, structure_id));
  MAILLAGE_CHECK(check_entry(in, names.groups));
  const std::string profession = member->data.profession;
  const int year = year_of(in.worked_on);
  const std::string at = store::timestamp_now();
  std::int64_t id = 0;
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        const auto rates = MAILLAGE_TRY(WorkRepository::rates_in(tx, structure_id));
        if (find_rate(rates, profession, year) == nullptr) return no_rate(profession, year);
        const auto entries =
            MAILLAGE_TRY(WorkRepository::member_entries(tx, structure_id, in.member_id));
        // At recording, the year's validated and pending time count against the cap.
        std::vector<association::TimeEntry> accepted;
        for (const auto& e : entries) {
          if (e.status != "refused") accepted.push_back(engine_entry(e));
        }
        const association::TimeEntry entry{"new", *parse_date(in.worked_on), in.minutes,
                                           in.activity};
        auto admitted = association::admit_entry(rules_of(rates), profession, accepted, entry);
        if (!admitted) {
          return fail(admitted.error().code, sentence(admitted.error().message), "minutes");
        }
        id = MAILLAGE_TRY(
            WorkRepository::insert_entry(tx, structure_id, in.member_id, in, who.login, at));
        return store::audit(tx, {who.login, "association.time.record", "association_time_entry",
                                 std::to_string(id), "",
                                 AuditDetail{}
                                     .add("structure", structure_id)
                                     .add("member", in.member_id)
                                     .add("worked_on", in.worked_on)
                                     .add("minutes", in.minutes)
                                     .json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  const WorkRepository repo(*db_);
  const auto rates = MAILLAGE_TRY(repo.rates(structure_id));
  for (const auto& e : MAILLAGE_TRY(repo.entries(structure_id, in.member_id))) {
    if (e.id != id) continue;
    auto v = entry_view(e, names, rates);
    v.mine = me && me->id == e.member_id;
    return v;
  }
  return fail(ErrorCode::db_error, "Saisie introuvable après son enregistrement.", "minutes");
}

namespace {

// Who may change or withdraw a pending entry: managers any, a member their own. The entry is read
// outside the transaction for the permission; the write re-checks version and status.
Result<TimeEntryRow> changeable_entry(store::Database& db, const Principal& who,
                                      std::int64_t structure_id, std::int64_t entry_id,
                                      AssociationAccess access) {
  if (access == AssociationAccess::aggregate) {
    return fail(ErrorCode::forbidden,
                "Le temps se déclare par les membres de l'association et sa coordination.");
  }
  std::optional<TimeEntryRow> entry;
  for (const auto& e : MAILLAGE_TRY(WorkRepository(db).entries(structure_id))) {
    if (e.id == entry_id) entry = e;
  }
  if (!entry) {
    return fail(ErrorCode::not_found, "Cette saisie de temps n'existe pas dans cette association.",
                "entree");
  }
  if (access == AssociationAccess::own) {
    auto me = MAILLAGE_TRY(AssociationRepository(db).member_by_email(structure_id, who.login));
    if (!me || me->id != entry->member_id) {
      // Not the caller's: answered like a missing entry, so ids of others are not probed.
      return fail(ErrorCode::not_found,
                  "Cette saisie de temps n'existe pas dans cette association.", "entree");
    }
  }
  if (entry->status != "pending") {
    return fail(ErrorCode::invalid_transition,
                std::string("Cette saisie a déjà été ") +
                    (entry->status == "validated" ? "validée" : "refusée") +
                    " : elle ne se modifie ni ne se retire plus.",
                "entree");
  }
  return *entry;
}

AuditDetail entry_detail(const TimeEntryRow& e) {
  return AuditDetail{}
      .add("member", e.member_id)
      .add("worked_on", e.worked_on)
      .add("minutes", e.minutes)
      .add("activity", e.activity)
      .add("mission", e.mission)
      .add("group", e.group_id);
}

}  // namespace

Result<TimeEntryView> AssociationWork::update_time(const Principal& who, std::int64_t structure_id,
                                                   std::int64_t entry_id, const TimeEntryInput& raw,
                                                   std::int64_t expected_version) {
  auto statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  const TimeEntryRow current =
      MAILLAGE_TRY(changeable_entry(*db_, who, structure_id, entry_id, statuts.access));
  TimeEntryInput in = raw;
  in.member_id = current.member_id;  // an entry stays its member's
  const Names names = MAILLAGE_TRY(load_names(*db_, structure_id));
  MAILLAGE_CHECK(check_entry(in, names.groups));
  auto m = names.members.find(current.member_id);
  const std::string profession =
      m == names.members.end() ? std::string() : m->second.data.profession;
  const int year = year_of(in.worked_on);
  const std::string at = store::timestamp_now();
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        const auto rates = MAILLAGE_TRY(WorkRepository::rates_in(tx, structure_id));
        if (find_rate(rates, profession, year) == nullptr) return no_rate(profession, year);
        const auto entries =
            MAILLAGE_TRY(WorkRepository::member_entries(tx, structure_id, current.member_id));
        // As at recording: the year's validated and pending time, this entry's old time left out.
        std::vector<association::TimeEntry> accepted;
        for (const auto& e : entries) {
          if (e.status != "refused" && e.id != entry_id) accepted.push_back(engine_entry(e));
        }
        const association::TimeEntry entry{std::to_string(entry_id), *parse_date(in.worked_on),
                                           in.minutes, in.activity};
        auto admitted = association::admit_entry(rules_of(rates), profession, accepted, entry);
        if (!admitted) {
          return fail(admitted.error().code, sentence(admitted.error().message), "minutes");
        }
        if (!MAILLAGE_TRY(
                WorkRepository::update_entry(tx, entry_id, in, expected_version, who.login, at))) {
          return fail(ErrorCode::conflict,
                      "Cette saisie a été modifiée ou décidée entre-temps : rechargez la page.",
                      "version");
        }
        TimeEntryRow after = current;
        after.worked_on = in.worked_on;
        after.minutes = in.minutes;
        after.activity = in.activity;
        after.mission = in.mission;
        after.group_id = in.group_id;
        return store::audit(tx, {who.login, "association.time.update", "association_time_entry",
                                 std::to_string(entry_id), entry_detail(current).json(),
                                 entry_detail(after).json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  const WorkRepository repo(*db_);
  const auto rates = MAILLAGE_TRY(repo.rates(structure_id));
  for (const auto& e : MAILLAGE_TRY(repo.entries(structure_id, current.member_id))) {
    if (e.id != entry_id) continue;
    auto v = entry_view(e, names, rates);
    v.mine = statuts.access == AssociationAccess::own;
    return v;
  }
  return fail(ErrorCode::db_error, "Saisie introuvable après sa modification.", "entree");
}

Status AssociationWork::withdraw_time(const Principal& who, std::int64_t structure_id,
                                      std::int64_t entry_id, std::int64_t expected_version) {
  auto statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  const TimeEntryRow current =
      MAILLAGE_TRY(changeable_entry(*db_, who, structure_id, entry_id, statuts.access));
  return db_->transact([&](Tx& tx) -> Status {
    if (!MAILLAGE_TRY(WorkRepository::delete_entry(tx, entry_id, expected_version))) {
      return fail(ErrorCode::conflict,
                  "Cette saisie a été modifiée ou décidée entre-temps : rechargez la page.",
                  "version");
    }
    return store::audit(tx, {who.login, "association.time.withdraw", "association_time_entry",
                             std::to_string(entry_id),
                             entry_detail(current).add("structure", structure_id).json(), ""});
  });
}

Result<TimeEntryView> AssociationWork::decide(const Principal& who, std::int64_t structure_id,
                                              std::int64_t entry_id, const Decision& raw) {
  auto statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  if (statuts.access != AssociationAccess::manage) {
    return fail(ErrorCode::forbidden,
                "Seules la coordination et le bureau valident ou refusent le temps déclaré.");
  }
  Decision d = raw;
  d.note = work::trim(d.note);
  if (d.note.size() > 1000)
    return fail(ErrorCode::invalid_input, "1 000 caractères au plus.", "note");
  if (!d.validate && d.note.empty()) {
    return fail(ErrorCode::invalid_input, "Dites au membre pourquoi le temps est refusé.", "note");
  }
  const Names names = MAILLAGE_TRY(load_names(*db_, structure_id));
  const std::string at = store::timestamp_now();
  std::int64_t member_id = 0;
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        auto entry = MAILLAGE_TRY(WorkRepository::entry(tx, structure_id, entry_id));
        if (!entry) {
          return fail(ErrorCode::not_found,
                      "Cette saisie de temps n'existe pas dans cette "
                      "association.",
                      "entree");
        }
        member_id = entry->member_id;
        if (entry->version != d.expected_version) {
          return fail(ErrorCode::conflict,
                      "Cette saisie a été modifiée entre-temps : rechargez la page.", "version");
        }
        if (d.validate) {
          auto m = names.members.find(entry->member_id);
          const std::string profession =
              m == names.members.end() ? std::string() : m->second.data.profession;
          const auto rates = MAILLAGE_TRY(WorkRepository::rates_in(tx, structure_id));
          const int year = year_of(entry->worked_on);
          if (find_rate(rates, profession, year) == nullptr) return no_rate(profession, year);
          const auto entries =
              MAILLAGE_TRY(WorkRepository::member_entries(tx, structure_id, entry->member_id));
          // At validation, only what is validated already counts against the cap.
          std::vector<association::TimeEntry> accepted;
          for (const auto& e : entries) {
            if (e.status == "validated" && e.id != entry_id) accepted.push_back(engine_entry(e));
          }
          auto admitted =
              association::admit_entry(rules_of(rates), profession, accepted, engine_entry(*entry));
          if (!admitted) {
            std::string why = admitted.error().message;
            const std::string prefix = "saisie refusée : ";
            if (why.rfind(prefix, 0) == 0) why = why.substr(prefix.size());
            return fail(admitted.error().code, "Validation refusée : " + sentence(why), "minutes");
          }
        }
        if (!MAILLAGE_TRY(WorkRepository::decide(tx, entry_id, d.validate ? "validated" : "refused",
                                                 d.note, d.expected_version, who.login, at))) {
          return fail(ErrorCode::conflict,
                      "Cette saisie a été modifiée entre-temps : rechargez la page.", "version");
        }
        return store::audit(
            tx, {who.login, d.validate ? "association.time.validate" : "association.time.refuse",
                 "association_time_entry", std::to_string(entry_id),
                 AuditDetail{}.add("status", entry->status).json(),
                 AuditDetail{}
                     .add("status", d.validate ? "validated" : "refused")
                     .add("note", d.note)
                     .json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  const WorkRepository repo(*db_);
  const auto rates = MAILLAGE_TRY(repo.rates(structure_id));
  for (const auto& e : MAILLAGE_TRY(repo.entries(structure_id, member_id))) {
    if (e.id == entry_id) return entry_view(e, names, rates);
  }
  return fail(ErrorCode::db_error, "Saisie introuvable après la décision.", "entree");
}

Result<YearStatementView> AssociationWork::statement(const Principal& who,
                                                     std::int64_t structure_id,
                                                     std::int64_t member_id, int year) const {
  auto statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  if (statuts.access == AssociationAccess::aggregate) {
    return fail(ErrorCode::forbidden,
                "Les relevés d'indemnités nominatifs restent à l'association : vous en voyez les "
                "totaux.");
  }
  const AssociationRepository members(*db_);
  if (statuts.access == AssociationAccess::own) {
    auto me = MAILLAGE_TRY(members.member_by_email(structure_id, who.login));
    if (!me || me->id != member_id) {
      return fail(ErrorCode::forbidden, "Vous ne voyez que votre propre relevé.", "membre");
    }
  }
  auto member = MAILLAGE_TRY(members.member(structure_id, member_id));
  if (!member) {
    return fail(ErrorCode::not_found, "Ce membre n'existe pas dans cette association.", "membre");
  }
  if (year == 0) year = static_cast<int>(today_utc().year());
  if (year < 1901 || year > 9999) {
    return fail(ErrorCode::invalid_input, "Année entre 1901 et 9999.", "annee");
  }
  const WorkRepository repo(*db_);
  const auto rates = MAILLAGE_TRY(repo.rates(structure_id));
  const auto entries = MAILLAGE_TRY(repo.entries(structure_id, member_id));
  const Names names = MAILLAGE_TRY(load_names(*db_, structure_id));
  const std::string profession = member->data.profession;
  YearStatementView s;
  s.association_name = statuts.structure_name;
  s.member_id = member_id;
  s.member_name = assoc::display_name(member->data);
  s.member_detail = profession_label(profession);
  s.year = year;
  std::vector<association::TimeEntry> validated;
  for (const auto& e : entries) {
    if (e.status != "validated" || year_of(e.worked_on) != year) continue;
    validated.push_back(engine_entry(e));
    s.entries.push_back(entry_view(e, names, rates));
    s.minutes += e.minutes;
  }
  auto st = association::year_statement(rules_of(rates), profession, validated, year);
  if (!st) return fail(st.error().code, sentence(st.error().message), st.error().field);
  s.duration_text = fr::duration(s.minutes);
  s.total_cents = st->total_cents;
  s.cap_cents = st->cap_cents;
  s.remaining_cents = st->remaining_cents;
  s.total_text = format_euros(s.total_cents);
  s.cap_text = format_euros(s.cap_cents);
  s.remaining_text = format_euros(s.remaining_cents);
  s.pass_source = st->pass_source;
  if (const HourlyRateRow* r = find_rate(rates, profession, year)) s.rates.push_back(rate_view(*r));
  s.issued_on = format_date(today_utc());
  return s;
}

Result<std::vector<AccountingLine>> AssociationWork::accounting(const Principal& who,
                                                                std::int64_t structure_id,
                                                                int year) const {
  auto statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  if (statuts.access != AssociationAccess::manage) {
    return work::managers_only("L'export des indemnités");
  }
  if (year == 0) year = static_cast<int>(today_utc().year());
  const WorkRepository repo(*db_);
  const auto rates = MAILLAGE_TRY(repo.rates(structure_id));
  const auto entries = MAILLAGE_TRY(repo.entries(structure_id));
  const Names names = MAILLAGE_TRY(load_names(*db_, structure_id));
  std::vector<AccountingLine> out;
  for (const auto& e : entries) {
    if (e.status != "validated" || year_of(e.worked_on) != year) continue;
    const TimeEntryView v = entry_view(e, names, rates);
    AccountingLine l;
    l.entry_id = e.id;
    l.member_id = e.member_id;
    l.member_name = v.member_name;
    auto m = names.members.find(e.member_id);
    if (m != names.members.end()) l.rpps = m->second.data.rpps;
    l.profession_label = v.profession_label;
    l.worked_on = e.worked_on;
    l.minutes = e.minutes;
    if (m != names.members.end()) {
      if (const HourlyRateRow* r = find_rate(rates, m->second.data.profession, year)) {
        l.cents_per_hour = r->cents_per_hour;
      }
    }
    l.amount_cents = v.amount_cents;
    l.activity = e.activity;
    l.mission_label = v.mission_label;
    l.group_name = v.group_name;
    l.decided_by = e.decided_by;
    l.decided_at = e.decided_at;
    out.push_back(std::move(l));
  }
  std::stable_sort(out.begin(), out.end(), [](const AccountingLine& a, const AccountingLine& b) {
    if (a.member_name != b.member_name) return a.member_name < b.member_name;
    return a.worked_on < b.worked_on;
  });
  return out;
}

}  // namespace maillage::services
