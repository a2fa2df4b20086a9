// Assemblées générales: the AG's life from preparation to closure (see association_ag.hpp). The
// roll, proxies, quorum and results are always the engine's (src/association); this file loads
// what they need, checks who may do what, and writes.
#include "services/association_ag.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "association/membership.hpp"
#include "common/dates.hpp"
#include "common/try.hpp"
#include "services/association_ag_internal.hpp"
#include "services/association_internal.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::AuditDetail;
using store::Tx;

namespace ag {

const MemberRow* Context::member(std::int64_t id) const {
  auto it = member_index.find(id);
  return it == member_index.end() ? nullptr : &members[it->second];
}

std::string Context::name(std::int64_t id) const {
  const auto* m = member(id);
  return m ? assoc::display_name(m->data) : fmt::format("membre n° {}", id);
}

bool Context::on_roll(std::int64_t id) const {
  return std::any_of(roll.begin(), roll.end(), [&](const RollRow& r) { return r.member_id == id; });
}

std::string Context::college_name(const std::string& id) const {
  const auto* c = engine.find_college(id);
  return c ? c->name : id;
}

association::AttendanceInput attendance_input(const Context& ctx) {
  association::AttendanceInput in;
  in.convocation = ctx.row.convocation == "second" ? association::Convocation::second
                                                   : association::Convocation::first;
  for (const auto& r : ctx.roll) {
    in.roll.push_back({std::to_string(r.member_id), r.college});
    if (r.presence == "present") {
      in.marks.push_back({std::to_string(r.member_id), association::Presence::present});
    } else if (r.presence == "excused") {
      in.marks.push_back({std::to_string(r.member_id), association::Presence::excused});
    }
  }
  for (const auto& p : ctx.proxies) {
    in.proxies.push_back({std::to_string(p.giver_id), std::to_string(p.holder_id)});
  }
  return in;
}

std::string long_date(Date d) {
  static const char* const days[] = {"dimanche", "lundi",    "mardi", "mercredi",
                                     "jeudi",    "vendredi", "samedi"};
  static const char* const months[] = {"janvier",   "février", "mars",     "avril",
                                       "mai",       "juin",    "juillet",  "août",
                                       "septembre", "octobre", "novembre", "décembre"};
  const std::chrono::weekday w{std::chrono::sys_days{d}};
  const unsigned day = static_cast<unsigned>(d.day());
  return fmt::format("{} {}{} {} {}", days[w.c_encoding()], day, day == 1 ? "er" : "",
                     months[static_cast<unsigned>(d.month()) - 1], static_cast<int>(d.year()));
}

std::string kind_label(const std::string& kind) {
  return kind == "extraordinaire" ? "assemblée générale extraordinaire"
                                  : "assemblée générale ordinaire";
}

std::string with_names(const std::string& message, const Context& ctx) {
  static const std::string open = "« ", close = " »";
  std::string out;
  std::size_t i = 0;
  while (i < message.size()) {
    const auto a = message.find(open, i);
    if (a == std::string::npos) break;
    const auto b = message.find(close, a + open.size());
    if (b == std::string::npos) break;
    const std::string inside = message.substr(a + open.size(), b - a - open.size());
    out += message.substr(i, a - i) + open;
    std::int64_t id = 0;
    const bool digits = !inside.empty() && inside.size() < 19 &&
                        inside.find_first_not_of("0123456789") == std::string::npos;
    if (digits) id = std::stoll(inside);
    out += (digits && ctx.member(id) != nullptr) ? ctx.name(id) : inside;
    out += close;
    i = b + close.size();
  }
  return out + message.substr(i);
}

}  // namespace ag

namespace {

using ag::attendance_input;
using ag::Context;

tl::unexpected<Error> managers_only() {
  return fail(ErrorCode::forbidden,
              "Seuls la coordination et le bureau de l'association préparent et tiennent les "
              "assemblées générales.");
}

tl::unexpected<Error> not_found_assembly() {
  return fail(ErrorCode::not_found, "Cette assemblée générale n'existe pas dans cette association.",
              "ag");
}

tl::unexpected<Error> wrong_status(const std::string& status) {
  if (status == "closed") {
    return fail(ErrorCode::invalid_transition,
                "Cette assemblée est close : son procès-verbal ne change plus.", "statut");
  }
  if (status == "open") {
    return fail(ErrorCode::invalid_transition,
                "La séance est ouverte : l'ordre du jour et la liste des votants sont figés.",
                "statut");
  }
  return fail(ErrorCode::invalid_transition,
              "La séance n'est pas encore ouverte : ouvrez la feuille d'émargement d'abord.",
              "statut");
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool valid_time(const std::string& t) {
  if (t.size() != 5 || t[2] != ':') return false;
  if (!std::isdigit(static_cast<unsigned char>(t[0])) ||
      !std::isdigit(static_cast<unsigned char>(t[1])) ||
      !std::isdigit(static_cast<unsigned char>(t[3])) ||
      !std::isdigit(static_cast<unsigned char>(t[4]))) {
    return false;
  }
  return std::stoi(t.substr(0, 2)) < 24 && std::stoi(t.substr(3, 2)) < 60;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

Status check_resolution(ResolutionInput& r, const std::string& field) {
  r.title = trim(r.title);
  r.body = trim(r.body);
  if (r.title.empty()) {
    return fail(ErrorCode::missing_field, "Le titre de la résolution est requis.",
                field + ".title");
  }
  if (r.title.size() > 300) {
    return fail(ErrorCode::invalid_input, "300 caractères au plus pour le titre.",
                field + ".title");
  }
  if (r.body.size() > 20000) {
    return fail(ErrorCode::invalid_input, "Texte de la résolution trop long (20 000 caractères).",
                field + ".body");
  }
  if (r.kind != "ordinaire" && r.kind != "statuts") {
    return fail(ErrorCode::invalid_input,
                "Type de résolution : ordinaire ou modification des statuts.", field + ".kind");
  }
  if (r.ballot != "public" && r.ballot != "secret") {
    return fail(ErrorCode::invalid_input, "Scrutin : à main levée ou secret.", field + ".ballot");
  }
  return {};
}

Status check_assembly(AssemblyInput& in) {
  in.title = trim(in.title);
  in.place = trim(in.place);
  if (in.kind != "ordinaire" && in.kind != "extraordinaire") {
    return fail(ErrorCode::invalid_input, "Assemblée ordinaire ou extraordinaire.", "kind");
  }
  const auto day = parse_date(in.held_on);
  if (!day) return fail(ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.", "held_on");
  if (!valid_time(in.starts_at)) {
    return fail(ErrorCode::invalid_input, "Heure de début attendue au format HH:MM.", "starts_at");
  }
  if (!valid_time(in.ends_at) || in.ends_at <= in.starts_at) {
    return fail(ErrorCode::invalid_input, "Heure de fin au format HH:MM, après le début.",
                "ends_at");
  }
  if (in.convocation != "first" && in.convocation != "second") {
    return fail(ErrorCode::invalid_input, "Première ou seconde convocation.", "convocation");
  }
  if (in.title.empty()) {
    in.title = fmt::format("Assemblée générale {} {}", in.kind, static_cast<int>(day->year()));
  }
  if (in.title.size() > 300 || in.place.size() > 300) {
    return fail(ErrorCode::invalid_input, "300 caractères au plus.",
                in.title.size() > 300 ? "title" : "place");
  }
  return {};
}

std::string presence_of(association::Attendance a) {
  switch (a) {
    case association::Attendance::present:
      return "present";
    case association::Attendance::represented:
      return "represented";
    case association::Attendance::excused:
      return "excused";
    case association::Attendance::absent:
      return "absent";
  }
  return "absent";
}

}  // namespace

// Loading ---------------------------------------------------------------------------------------

namespace {

// Members with a vote at the AG date, and why the others have none.
void compute_roll(Context& ctx, const std::vector<association::Tariff>& tariffs,
                  const std::vector<PaymentRow>& payments) {
  const Date day = parse_date(ctx.row.held_on).value_or(today_utc());
  int not_joined = 0, unpaid = 0, unknown = 0;
  std::string unknown_reason;
  for (const auto& m : ctx.members) {
    const auto radiated = parse_date(m.data.radiated);
    if (radiated && *radiated <= day) continue;
    ctx.convened.push_back(m);
    const auto joined = parse_date(m.data.joined);
    if (joined && *joined > day) {
      ++not_joined;
      continue;
    }
    if (ctx.rules.ag.vote_requires_dues) {
      auto state = association::membership_at(ctx.engine, tariffs,
                                              assoc::engine_dues(m.id, m.data, payments), day);
      if (!state) {
        ++unknown;
        unknown_reason = state.error().message;
        continue;
      }
      if (state->status != association::MembershipStatus::a_jour) {
        ++unpaid;
        continue;
      }
    }
    ctx.roll.push_back({m.id, m.data.college, "absent"});
  }
  const std::string date = format_date_fr(day);
  if (unpaid > 0) {
    ctx.roll_notes.push_back(fmt::format(
        "{} membre{} sans voix : cotisation non à jour au {} (les statuts réservent le vote aux "
        "membres à jour).",
        unpaid, unpaid > 1 ? "s" : "", date));
  }
  if (unknown > 0) {
    ctx.roll_notes.push_back(fmt::format("{} membre{} sans voix : cotisation incalculable ({}).",
                                         unknown, unknown > 1 ? "s" : "", unknown_reason));
  }
  if (not_joined > 0) {
    ctx.roll_notes.push_back(fmt::format("{} membre{} adhérent{} après le {}.", not_joined,
                                         not_joined > 1 ? "s" : "", not_joined > 1 ? "s" : "",
                                         date));
  }
}

Result<Context> load(store::Database& db, const Association& association, const Principal& who,
                     std::int64_t structure_id, std::int64_t assembly_id) {
  Context ctx;
  ctx.statuts = MAILLAGE_TRY(association.statuts(who, structure_id));
  const AssemblyRepository repo(db);
  auto row = MAILLAGE_TRY(repo.assembly(structure_id, assembly_id));
  if (!row) return not_found_assembly();
  ctx.row = std::move(*row);
  if (ctx.frozen() && !ctx.row.rules.empty()) {
    ctx.rules = MAILLAGE_TRY(rules_from_json(ctx.row.rules));
  } else {
    ctx.rules = ctx.statuts.statuts;
  }
  ctx.engine = assoc::to_engine(ctx.rules);
  const AssociationRepository members(db);
  ctx.members = MAILLAGE_TRY(members.members(structure_id));
  for (std::size_t i = 0; i < ctx.members.size(); ++i) ctx.member_index[ctx.members[i].id] = i;
  if (who.role == Role::member) {
    const std::string login = lower(who.login);
    for (const auto& m : ctx.members) {
      if (!m.data.email.empty() && lower(m.data.email) == login) {
        ctx.me = m;
        break;
      }
    }
  }
  if (ctx.frozen()) {
    ctx.roll = MAILLAGE_TRY(repo.roll(assembly_id));
    const Date day = parse_date(ctx.row.held_on).value_or(today_utc());
    for (const auto& m : ctx.members) {
      const auto radiated = parse_date(m.data.radiated);
      if (!radiated || *radiated > day) ctx.convened.push_back(m);
    }
  } else {
    compute_roll(ctx, assoc::engine_tariffs(MAILLAGE_TRY(members.tariffs(structure_id))),
                 MAILLAGE_TRY(members.payments(structure_id)));
  }
  ctx.proxies = MAILLAGE_TRY(repo.proxies(assembly_id));
  ctx.resolutions = MAILLAGE_TRY(repo.resolutions(assembly_id));
  ctx.votes = MAILLAGE_TRY(repo.votes(assembly_id));
  ctx.counts = MAILLAGE_TRY(repo.counts(assembly_id));
  ctx.convocations = MAILLAGE_TRY(repo.convocations(assembly_id));
  return ctx;
}

Result<association::VoteResult> result_of(const Context& ctx,
                                          const association::AttendanceReport& attendance,
                                          const ResolutionRow& r) {
  if (r.ballot == "secret") {
    std::vector<association::CollegeCount> counts;
    for (const auto& c : ctx.counts) {
      if (c.resolution_id == r.id) counts.push_back({c.college, c.pour, c.contre, c.abstention});
    }
    return association::count_secret_ballot(ctx.engine, attendance, r.kind, counts);
  }
  std::vector<association::Vote> votes;
  for (const auto& v : ctx.votes) {
    if (v.resolution_id != r.id) continue;
    votes.push_back({std::to_string(v.member_id), v.ballot == "pour" ? association::Ballot::pour
                                                  : v.ballot == "contre"
                                                      ? association::Ballot::contre
                                                      : association::Ballot::abstention});
  }
  return association::count_votes(ctx.engine, attendance, r.kind, votes);
}

}  // namespace

Result<Context> ag::load_context(store::Database& db, const Association& association,
                                 const Principal& who, std::int64_t structure_id,
                                 std::int64_t assembly_id) {
  return load(db, association, who, structure_id, assembly_id);
}

namespace {

std::string quorum_rule_text(const association::Quorum& q) {
  switch (q.scope) {
    case association::Quorum::Scope::none:
      return "aucun quorum";
    case association::Quorum::Scope::global:
      return "au moins " + q.minimum.to_string() + " des membres présents ou représentés";
    case association::Quorum::Scope::per_college:
      return "au moins " + q.minimum.to_string() +
             " des membres présents ou représentés dans chaque collège";
    case association::Quorum::Scope::weighted:
      return "au moins " + q.minimum.to_string() +
             " des voix pondérées des collèges présentes ou représentées";
  }
  return "";
}

std::vector<std::string> rules_lines(const Context& ctx) {
  const auto& s = ctx.engine;
  const auto& a = ctx.rules.ag;
  std::vector<std::string> out;
  out.push_back(
      fmt::format("Convocation au moins {} jours avant l'assemblée.", s.convocation_days));
  out.push_back("Quorum en première convocation : " + quorum_rule_text(s.first_quorum) + ".");
  out.push_back("Quorum en seconde convocation : " + quorum_rule_text(s.second_quorum) + ".");
  for (const auto& k : s.resolution_kinds) {
    out.push_back(k.name + " : " + std::string(association::majority_label(k.majority)) + ".");
  }
  out.push_back(s.abstentions_expressed
                    ? "Abstentions : comptées parmi les suffrages exprimés (elles pèsent contre)."
                    : "Abstentions : non comptées parmi les suffrages exprimés.");
  if (s.weight_mode == association::WeightMode::fixed_share) {
    std::string shares;
    for (const auto& c : s.colleges) {
      shares += (shares.empty() ? "" : ", ") + c.name + " " + c.share.to_string();
    }
    out.push_back("Pondération : chaque collège compte pour une part fixe des voix (" + shares +
                  ").");
    out.push_back(s.empty_college_share == association::EmptyCollegeShare::lost
                      ? "Collège sans suffrage : sa part est perdue (elle ne compte pas pour)."
                      : "Collège sans suffrage : sa part est répartie entre les autres.");
  } else {
    out.push_back("Pondération : un membre, une voix.");
  }
  if (s.proxies.max_per_holder == 0) {
    out.push_back("Pouvoirs : non admis.");
  } else {
    out.push_back(
        fmt::format("Pouvoirs : au plus {} par membre présent{}.", s.proxies.max_per_holder,
                    s.proxies.same_college_only ? ", entre membres du même collège" : ""));
  }
  out.push_back(a.vote_requires_dues
                    ? "Droit de vote : membres à jour de leur cotisation à la date de l'assemblée."
                    : "Droit de vote : tous les membres non radiés à la date de l'assemblée.");
  return out;
}

}  // namespace

namespace ag {

std::string convocation_text(const Context& ctx, const std::string& member_name,
                             const std::string& link) {
  const Date day = parse_date(ctx.row.held_on).value_or(today_utc());
  std::string t;
  t += "Bonjour " + member_name + ",\n\n";
  t += fmt::format("Vous êtes convoqué(e) à l'{} de {}{}, le {} de {} à {}{}.\n\n",
                   kind_label(ctx.row.kind), ctx.statuts.structure_name,
                   ctx.row.convocation == "second" ? " (seconde convocation)" : "", long_date(day),
                   ctx.row.starts_at, ctx.row.ends_at,
                   ctx.row.place.empty() ? "" : ", " + ctx.row.place);
  t += "Ordre du jour :\n";
  int n = 0;
  for (const auto& r : ctx.resolutions) {
    const auto* k = ctx.engine.find_kind(r.kind);
    t += fmt::format("{}. {} ({}, {}{})\n", ++n, r.title, k ? k->name : r.kind,
                     k ? association::majority_label(k->majority) : "",
                     r.ballot == "secret" ? ", scrutin secret" : "");
    if (!r.body.empty()) t += "   " + r.body + "\n";
  }
  if (n == 0) t += "(à venir)\n";
  const auto& q =
      ctx.row.convocation == "second" ? ctx.engine.second_quorum : ctx.engine.first_quorum;
  t += "\nQuorum : " + quorum_rule_text(q) + ".\n";
  if (ctx.engine.proxies.max_per_holder > 0) {
    t += fmt::format(
        "\nSi vous ne pouvez pas venir, vous pouvez donner votre pouvoir à un autre membre{} "
        "(chaque membre présent peut en détenir au plus {}).",
        ctx.engine.proxies.same_college_only ? " de votre collège" : "",
        ctx.engine.proxies.max_per_holder);
    if (!link.empty()) t += " Donnez-le en ligne avant l'assemblée : " + link;
    t += "\n";
  }
  t += "\nPour le bureau de " + ctx.statuts.structure_name + ".\n";
  return t;
}

CalendarEvent event_of(const AssemblyRow& row, const std::string& structure_name,
                       const std::vector<ResolutionRow>& resolutions) {
  CalendarEvent e;
  e.uid = fmt::format("ag-{}-structure-{}@maillage", row.id, row.structure_id);
  e.day = row.held_on;
  e.start = row.starts_at;
  e.end = row.ends_at;
  std::string label = kind_label(row.kind);
  label[0] = 'A';
  e.summary = label + " — " + structure_name;
  e.location = row.place;
  std::string agenda = row.title + "\nOrdre du jour :";
  int n = 0;
  for (const auto& r : resolutions) {
    if (r.assembly_id == row.id) agenda += fmt::format("\n{}. {}", ++n, r.title);
  }
  e.description = agenda;
  return e;
}

Result<AssemblyView> build_view(const Context& ctx, bool names) {
  AssemblyView v;
  v.statuts = ctx.statuts;
  const bool manage = ctx.statuts.access == AssociationAccess::manage;
  // Summary.
  AssemblySummary& s = v.assembly;
  const AssemblyRow& r = ctx.row;
  s.id = r.id;
  s.kind = r.kind;
  s.kind_label = kind_label(r.kind);
  s.title = r.title;
  s.held_on = r.held_on;
  s.starts_at = r.starts_at;
  s.ends_at = r.ends_at;
  s.place = r.place;
  s.convocation = r.convocation;
  s.convocation_label = r.convocation == "second" ? "seconde convocation" : "première convocation";
  s.status = r.status;
  s.status_label = r.status == "closed" ? "close"
                   : r.status == "open" ? "séance ouverte"
                                        : "en préparation";
  s.convened_on = r.convened_on;
  s.convened_how = r.convened_how;
  s.version = r.version;
  s.resolutions = ctx.resolutions.size();
  for (const auto& x : ctx.resolutions) s.adopted += x.outcome == "adoptee" ? 1 : 0;
  v.rules = rules_lines(ctx);
  const Date day = parse_date(r.held_on).value_or(today_utc());
  v.convocation_deadline = format_date(association::convocation_deadline(ctx.engine, day));
  if (!r.convened_on.empty()) {
    if (auto sent = parse_date(r.convened_on)) {
      auto ok = association::check_convocation(ctx.engine, *sent, day);
      if (!ok) v.convocation_check = ok.error().message;
    }
  }
  v.roll_notes = ctx.roll_notes;

  // Attendance and quorum (the engine), frozen or not.
  auto attendance = association::tally_attendance(ctx.engine, attendance_input(ctx));
  if (!attendance) {
    Error e = attendance.error();
    e.message = with_names(e.message, ctx);
    return tl::unexpected(std::move(e));
  }
  const auto& rep = *attendance;
  QuorumView& q = v.quorum;
  q.rule = quorum_rule_text(rep.quorum.rule);
  q.members = rep.quorum.members;
  q.present_or_represented = rep.quorum.present_or_represented;
  q.rate = rep.quorum.rate.percent_fr(1);
  q.reached = rep.quorum.reached;
  q.explanation = ctx.frozen() ? rep.quorum.explanation
                               : fmt::format(
                                     "{} membres ont une voix à cette assemblée ; le "
                                     "quorum se calcule à l'émargement.",
                                     rep.quorum.members);
  for (const auto& c : rep.colleges) {
    CollegeQuorumView cq;
    cq.college = c.college;
    cq.name = c.name;
    if (ctx.engine.weight_mode == association::WeightMode::fixed_share) {
      if (const auto* col = ctx.engine.find_college(c.college)) cq.share = col->share.to_string();
    }
    cq.members = c.members;
    cq.present = c.present;
    cq.represented = c.represented;
    cq.excused = c.excused;
    cq.absent = c.absent;
    cq.rate = c.members == 0 ? "—" : c.rate.percent_fr(1);
    cq.reached = c.quorum_reached;
    q.colleges.push_back(std::move(cq));
  }

  // Roll and proxies (names: managers only).
  std::set<std::pair<std::int64_t, std::int64_t>> accepted;
  for (const auto& p : rep.accepted) accepted.insert({std::stoll(p.giver), std::stoll(p.holder)});
  std::map<std::pair<std::int64_t, std::int64_t>, std::string> refused;
  for (const auto& p : rep.refused) {
    refused[{std::stoll(p.proxy.giver), std::stoll(p.proxy.holder)}] = with_names(p.message, ctx);
  }
  if (manage && names) {
    std::map<std::int64_t, std::string> mark_of;
    for (const auto& x : ctx.roll) mark_of[x.member_id] = x.presence;
    for (const auto& m : rep.members) {
      RollEntry e;
      e.member_id = std::stoll(m.id);
      e.name = ctx.name(e.member_id);
      e.college = m.college;
      e.college_name = ctx.college_name(m.college);
      e.attendance = presence_of(m.attendance);
      e.mark = ctx.frozen() ? mark_of[e.member_id] : "";
      if (!m.holder.empty()) {
        e.holder_id = std::stoll(m.holder);
        e.holder_name = ctx.name(e.holder_id);
      }
      e.proxies_held = m.proxies_held;
      e.mine = ctx.me && ctx.me->id == e.member_id;
      v.roll.push_back(std::move(e));
    }
    std::sort(v.roll.begin(), v.roll.end(), [](const RollEntry& a, const RollEntry& b) {
      return a.name != b.name ? a.name < b.name : a.member_id < b.member_id;
    });
    for (const auto& p : ctx.proxies) {
      ProxyView pv;
      pv.giver_id = p.giver_id;
      pv.holder_id = p.holder_id;
      pv.giver_name = ctx.name(p.giver_id);
      pv.holder_name = ctx.name(p.holder_id);
      pv.online = p.online;
      pv.given_at = p.given_at;
      pv.given_by = p.given_by;
      if (ctx.frozen()) {
        auto it = refused.find({p.giver_id, p.holder_id});
        pv.accepted = it == refused.end();
        if (!pv.accepted) pv.refusal = it->second;
      }
      v.proxies.push_back(std::move(pv));
    }
    for (const auto& c : ctx.convocations) {
      ConvocationEntry e;
      e.sent_on = c.sent_on;
      e.sent_at = c.sent_at;
      e.sent_by = c.sent_by;
      e.channel = c.channel;
      e.address = c.address;
      e.member_name = c.member_id > 0 ? ctx.name(c.member_id) : "";
      e.status = c.status;
      e.detail = c.detail;
      v.convocations.push_back(std::move(e));
    }
    for (const auto& m : ctx.convened) (m.data.email.empty() ? v.without_email : v.with_email)++;
  }

  // The member's own proxy.
  if (ctx.me && names) {
    MyProxy me;
    me.member_id = ctx.me->id;
    me.name = assoc::display_name(ctx.me->data);
    me.on_roll = ctx.on_roll(me.member_id);
    if (!me.on_roll) {
      me.not_on_roll_reason =
          ctx.rules.ag.vote_requires_dues
              ? fmt::format(
                    "Vous n'avez pas de voix à cette assemblée : les statuts la réservent "
                    "aux membres à jour de leur cotisation au {}.",
                    format_date_fr(day))
              : "Vous n'avez pas de voix à cette assemblée.";
    }
    for (const auto& p : ctx.proxies) {
      if (p.giver_id == me.member_id) {
        me.holder_id = p.holder_id;
        me.holder_name = ctx.name(p.holder_id);
      }
    }
    const std::string my_college = ctx.me->data.college;
    for (const auto& x : ctx.roll) {
      if (x.member_id == me.member_id) continue;
      if (ctx.engine.proxies.same_college_only && x.college != my_college) continue;
      me.holders.push_back({std::to_string(x.member_id),
                            ctx.name(x.member_id) + " — " + ctx.college_name(x.college)});
    }
    std::sort(me.holders.begin(), me.holders.end(),
              [](const Choice& a, const Choice& b) { return a.label < b.label; });
    me.may_give = !ctx.frozen() && me.on_roll && ctx.engine.proxies.max_per_holder > 0;
    v.me = std::move(me);
  }

  // Resolutions and their results.
  for (const auto& x : ctx.resolutions) {
    ResolutionView rv;
    rv.id = x.id;
    rv.position = x.position;
    rv.title = x.title;
    rv.body = x.body;
    rv.kind = x.kind;
    const auto* k = ctx.engine.find_kind(x.kind);
    rv.kind_label = k ? k->name : x.kind;
    rv.majority_label = k ? std::string(association::majority_label(k->majority)) : "";
    rv.ballot = x.ballot;
    rv.secret = x.ballot == "secret";
    rv.outcome = x.outcome;
    rv.weighted = ctx.engine.weight_mode == association::WeightMode::fixed_share;
    for (const auto& vt : ctx.votes) {
      if (vt.resolution_id != x.id) continue;
      rv.has_votes = true;
      if (manage && names) rv.votes.emplace_back(vt.member_id, vt.ballot);
    }
    for (const auto& c : ctx.counts) {
      if (c.resolution_id != x.id) continue;
      rv.has_votes = true;
      rv.counts.push_back({c.college, {c.pour, c.contre, c.abstention}});
    }
    if (rv.has_votes) {
      auto res = result_of(ctx, rep, x);
      if (!res) {
        rv.result_problem = with_names(res.error().message, ctx);
      } else {
        const auto& vr = *res;
        rv.has_result = true;
        rv.adopted = vr.adopted;
        rv.explanation = vr.explanation;
        rv.total_pour = vr.total_pour.to_string();
        rv.total_contre = vr.total_contre.to_string();
        rv.total_base = vr.total_base.to_string();
        rv.threshold = vr.threshold.to_string();
        rv.required = vr.required.to_string();
        rv.head_pour = vr.head_pour;
        rv.head_contre = vr.head_contre;
        rv.head_abstention = vr.head_abstention;
        rv.head_base = vr.head_base;
        rv.head_adopted = vr.head_adopted;
        const bool weighted = vr.mode == association::WeightMode::fixed_share;
        const bool absolute = vr.majority == association::Majority::absolute;
        rv.arithmetic.push_back(
            absolute ? "Base de chaque collège : ses membres présents ou représentés (majorité "
                       "absolue : silence et abstention comptent contre)."
            : vr.abstentions_expressed
                ? "Suffrages exprimés de chaque collège : pour + contre + abstentions (les "
                  "statuts comptent les abstentions)."
                : "Suffrages exprimés de chaque collège : pour + contre (les abstentions ne "
                  "comptent pas).");
        std::string pour_terms, base_terms;
        for (const auto& t : vr.colleges) {
          TallyView tv;
          tv.college = t.college;
          tv.name = t.name;
          tv.voters = t.voters;
          tv.pour = t.pour;
          tv.contre = t.contre;
          tv.abstention = t.abstention;
          tv.non_votants = t.non_votants;
          tv.base = t.base;
          tv.weight = t.weight.to_string();
          tv.counted = t.counted;
          tv.weighted_pour = t.weighted_pour.to_string();
          tv.weighted_contre = t.weighted_contre.to_string();
          std::string line = fmt::format(
              "{} : {} pour, {} contre, {} abstention{}, {} sans vote, sur {} présent{} ou "
              "représenté{} ; base {}",
              t.name, t.pour, t.contre, t.abstention, t.abstention > 1 ? "s" : "", t.non_votants,
              t.voters, t.voters > 1 ? "s" : "", t.voters > 1 ? "s" : "", t.base);
          if (weighted) {
            if (t.counted) {
              line += fmt::format(" → part {} × {}/{} = {} des voix pour", tv.weight, t.pour,
                                  t.base, tv.weighted_pour);
              pour_terms += (pour_terms.empty() ? "" : " + ") + tv.weighted_pour;
              base_terms += (base_terms.empty() ? "" : " + ") + tv.weight;
            } else {
              line += ctx.engine.empty_college_share == association::EmptyCollegeShare::lost
                          ? " → aucun suffrage : sa part " + tv.weight + " est perdue"
                          : " → aucun suffrage : sa part " + tv.weight +
                                " est répartie entre les autres collèges";
              if (ctx.engine.empty_college_share == association::EmptyCollegeShare::lost) {
                base_terms += (base_terms.empty() ? "" : " + ") + tv.weight;
              }
            }
          }
          rv.arithmetic.push_back(line + ".");
          rv.colleges.push_back(std::move(tv));
        }
        if (weighted) {
          rv.arithmetic.push_back(fmt::format(
              "Total pour : {} = {} ; base : {} = {}.", pour_terms.empty() ? "0" : pour_terms,
              rv.total_pour, base_terms.empty() ? "0" : base_terms, rv.total_base));
        } else {
          rv.arithmetic.push_back(
              fmt::format("Total : {} pour sur une base de {}.", rv.total_pour, rv.total_base));
        }
        rv.arithmetic.push_back(
            fmt::format("Il faut {} {} de {}, soit {} {} : {}.", vr.strict ? "plus de" : "au moins",
                        rv.threshold, rv.total_base, vr.strict ? "plus de" : "au moins",
                        rv.required, vr.adopted ? "résolution adoptée" : "résolution rejetée"));
        if (weighted) {
          rv.arithmetic.push_back(
              fmt::format("Pour comparaison, à une voix par membre : {} pour sur {} : {}.",
                          vr.head_pour, vr.head_base,
                          vr.head_adopted ? "elle aurait été adoptée" : "elle aurait été rejetée"));
        }
      }
    }
    v.resolutions.push_back(std::move(rv));
  }
  return v;
}

}  // namespace ag

// Use cases ------------------------------------------------------------------------------------

Result<AssemblyList> Assemblies::list(const Principal& who, std::int64_t structure_id) const {
  AssemblyList out;
  out.statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  const AssemblyRepository repo(*db_);
  const auto rows = MAILLAGE_TRY(repo.assemblies(structure_id));
  const auto resolutions = MAILLAGE_TRY(repo.structure_resolutions(structure_id));
  for (const auto& r : rows) {
    AssemblySummary s;
    s.id = r.id;
    s.kind = r.kind;
    s.kind_label = ag::kind_label(r.kind);
    s.title = r.title;
    s.held_on = r.held_on;
    s.starts_at = r.starts_at;
    s.ends_at = r.ends_at;
    s.place = r.place;
    s.convocation = r.convocation;
    s.convocation_label =
        r.convocation == "second" ? "seconde convocation" : "première convocation";
    s.status = r.status;
    s.status_label = r.status == "closed" ? "close"
                     : r.status == "open" ? "séance ouverte"
                                          : "en préparation";
    s.convened_on = r.convened_on;
    s.convened_how = r.convened_how;
    s.version = r.version;
    for (const auto& x : resolutions) {
      if (x.assembly_id != r.id) continue;
      ++s.resolutions;
      if (x.outcome == "adoptee") ++s.adopted;
    }
    out.assemblies.push_back(std::move(s));
  }
  return out;
}

Result<AssemblyView> Assemblies::get(const Principal& who, std::int64_t structure_id,
                                     std::int64_t assembly_id) const {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  auto v = MAILLAGE_TRY(ag::build_view(ctx, ctx.statuts.access != AssociationAccess::aggregate));
  v.smtp = mailer_ != nullptr;
  if (mailer_ && ctx.statuts.access == AssociationAccess::manage) {
    v.smtp_server = mailer_->description();
  }
  return v;
}

Result<AssemblyView> Assemblies::create(const Principal& who, std::int64_t structure_id,
                                        const AssemblyInput& raw) {
  auto statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  if (statuts.access != AssociationAccess::manage) return managers_only();
  if (!statuts.defined) {
    return fail(ErrorCode::invalid_transition,
                "Saisissez d'abord les statuts (collèges, quorum, majorités, pouvoirs).",
                "statuts");
  }
  AssemblyInput in = raw;
  MAILLAGE_CHECK(check_assembly(in));
  if (in.resolutions.size() > 100) {
    return fail(ErrorCode::invalid_input, "100 résolutions au plus.", "resolutions");
  }
  for (std::size_t i = 0; i < in.resolutions.size(); ++i) {
    MAILLAGE_CHECK(check_resolution(in.resolutions[i], fmt::format("resolutions[{}]", i)));
  }
  const std::string at = store::timestamp_now();
  std::int64_t id = 0;
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        id = MAILLAGE_TRY(AssemblyRepository::insert_assembly(tx, structure_id, in, who.login, at));
        for (const auto& r : in.resolutions) {
          MAILLAGE_TRY(AssemblyRepository::insert_resolution(tx, id, r));
        }
        return store::audit(
            tx, {who.login, "association.ag.create", "association_assembly", std::to_string(id), "",
                 AuditDetail{}
                     .add("structure", structure_id)
                     .add("kind", in.kind)
                     .add("held_on", in.held_on)
                     .add("resolutions", in.resolutions.size())
                     .json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, structure_id, id);
}

namespace {

// Runs `write` in a transaction after checking, inside it, that the AG is still in one of
// `statuses` (another tab may have opened or closed the séance meanwhile).
Status write_if(store::Database& db, std::int64_t assembly_id,
                std::initializer_list<const char*> statuses,
                const std::function<Status(Tx&)>& write) {
  return db.transact([&](Tx& tx) -> Status {
    auto [status, version] = MAILLAGE_TRY(AssemblyRepository::state(tx, assembly_id));
    (void)version;
    if (status.empty()) return not_found_assembly();
    if (std::none_of(statuses.begin(), statuses.end(),
                     [&](const char* s) { return status == s; })) {
      return wrong_status(status);
    }
    return write(tx);
  });
}

}  // namespace

Result<AssemblyView> Assemblies::update(const Principal& who, std::int64_t structure_id,
                                        std::int64_t assembly_id, const AssemblyInput& raw) {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  if (ctx.statuts.access != AssociationAccess::manage) return managers_only();
  AssemblyInput in = raw;
  MAILLAGE_CHECK(check_assembly(in));
  const std::string at = store::timestamp_now();
  if (auto written = write_if(
          *db_, assembly_id, {"preparation"},
          [&](Tx& tx) -> Status {
            if (!MAILLAGE_TRY(
                    AssemblyRepository::update_assembly(tx, assembly_id, in, who.login, at))) {
              return fail(ErrorCode::conflict,
                          "Cette assemblée a été modifiée entre-temps : rechargez la page.",
                          "version");
            }
            return store::audit(
                tx, {who.login, "association.ag.update", "association_assembly",
                     std::to_string(assembly_id), "",
                     AuditDetail{}.add("held_on", in.held_on).add("kind", in.kind).json()});
          });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, structure_id, assembly_id);
}

Result<AssemblyView> Assemblies::add_resolution(const Principal& who, std::int64_t structure_id,
                                                std::int64_t assembly_id,
                                                const ResolutionInput& raw) {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  if (ctx.statuts.access != AssociationAccess::manage) return managers_only();
  ResolutionInput in = raw;
  MAILLAGE_CHECK(check_resolution(in, "resolution"));
  if (ctx.resolutions.size() >= 100) {
    return fail(ErrorCode::invalid_input, "100 résolutions au plus.", "resolution");
  }
  const std::string at = store::timestamp_now();
  if (auto written =
          write_if(*db_, assembly_id, {"preparation"},
                   [&](Tx& tx) -> Status {
                     const auto id =
                         MAILLAGE_TRY(AssemblyRepository::insert_resolution(tx, assembly_id, in));
                     MAILLAGE_CHECK(AssemblyRepository::touch(tx, assembly_id, who.login, at));
                     return store::audit(
                         tx, {who.login, "association.ag.resolution", "association_assembly",
                              std::to_string(assembly_id), "",
                              AuditDetail{}.add("resolution", id).add("kind", in.kind).json()});
                   });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, structure_id, assembly_id);
}

Result<AssemblyView> Assemblies::remove_resolution(const Principal& who, std::int64_t structure_id,
                                                   std::int64_t assembly_id,
                                                   std::int64_t resolution_id) {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  if (ctx.statuts.access != AssociationAccess::manage) return managers_only();
  const std::string at = store::timestamp_now();
  if (auto written = write_if(
          *db_, assembly_id, {"preparation"},
          [&](Tx& tx) -> Status {
            if (!MAILLAGE_TRY(
                    AssemblyRepository::delete_resolution(tx, assembly_id, resolution_id))) {
              return fail(ErrorCode::not_found, "Cette résolution n'est pas à l'ordre du jour.",
                          "resolution");
            }
            MAILLAGE_CHECK(AssemblyRepository::touch(tx, assembly_id, who.login, at));
            return store::audit(tx, {who.login, "association.ag.resolution.delete",
                                     "association_assembly", std::to_string(assembly_id), "",
                                     AuditDetail{}.add("resolution", resolution_id).json()});
          });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, structure_id, assembly_id);
}

Result<ConvocationReport> Assemblies::send_convocations(const Principal& who,
                                                        std::int64_t structure_id,
                                                        std::int64_t assembly_id,
                                                        const std::string& link) {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  if (ctx.statuts.access != AssociationAccess::manage) return managers_only();
  if (ctx.row.status != "preparation") return wrong_status(ctx.row.status);
  if (!mailer_) {
    return fail(ErrorCode::invalid_transition,
                "Aucun serveur d'e-mail n'est configuré (réglage smtp_url) : téléchargez les "
                "lettres de convocation et la liste des adresses.",
                "smtp_url");
  }
  if (ctx.resolutions.empty()) {
    return fail(ErrorCode::invalid_transition,
                "L'ordre du jour est vide : ajoutez au moins une résolution avant de convoquer.",
                "resolutions");
  }
  const Date day = parse_date(ctx.row.held_on).value_or(today_utc());
  const std::string today = format_date(today_utc());
  const std::string subject =
      fmt::format("Convocation : {} du {} — {}", ag::kind_label(ctx.row.kind), format_date_fr(day),
                  ctx.statuts.structure_name);
  const std::string ics = association_icalendar(
      {ag::event_of(ctx.row, ctx.statuts.structure_name, ctx.resolutions)},
      ctx.statuts.structure_name, fmt::format("{}T000000Z", format_date_compact(today_utc())));
  ConvocationReport report;
  std::vector<ConvocationRow> log;
  const std::string at = store::timestamp_now();
  for (const auto& m : ctx.convened) {
    ConvocationRow row;
    row.member_id = m.id;
    row.channel = "email";
    row.address = m.data.email;
    row.sent_on = today;
    row.sent_by = who.login;
    row.sent_at = at;
    const std::string name = assoc::display_name(m.data);
    if (m.data.email.empty()) {
      row.status = "no_address";
      row.detail = "pas d'adresse e-mail : convocation par courrier";
      ++report.without_email;
    } else {
      MailMessage mail;
      mail.to = m.data.email;
      mail.to_name = name;
      mail.subject = subject;
      mail.text = ag::convocation_text(ctx, name, link);
      mail.attachments.push_back({fmt::format("ag-{}.ics", ctx.row.held_on),
                                  "text/calendar; method=PUBLISH; charset=UTF-8", ics});
      auto sent = mailer_->send(mail);
      if (sent) {
        row.status = "sent";
        ++report.sent;
      } else {
        row.status = "failed";
        row.detail = sent.error().message;
        ++report.failed;
        report.failures.push_back(name + " : " + sent.error().message);
      }
    }
    log.push_back(std::move(row));
  }
  if (auto written = db_->transact([&](Tx& tx) -> Status {
        for (const auto& row : log)
          MAILLAGE_CHECK(AssemblyRepository::add_convocation(tx, assembly_id, row));
        if (report.sent > 0) {
          MAILLAGE_CHECK(AssemblyRepository::set_convened(tx, assembly_id, today, "email"));
        }
        return store::audit(tx, {who.login, "association.ag.convocations", "association_assembly",
                                 std::to_string(assembly_id), "",
                                 AuditDetail{}
                                     .add("sent", report.sent)
                                     .add("failed", report.failed)
                                     .add("without_email", report.without_email)
                                     .json()});
      });
      !written) {
    return tl::unexpected(written.error());
  }
  report.view = MAILLAGE_TRY(get(who, structure_id, assembly_id));
  return report;
}

Result<AssemblyView> Assemblies::record_letters(const Principal& who, std::int64_t structure_id,
                                                std::int64_t assembly_id,
                                                const std::string& sent_on) {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  if (ctx.statuts.access != AssociationAccess::manage) return managers_only();
  const auto day = parse_date(sent_on);
  if (!day) return fail(ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.", "sent_on");
  if (*day > today_utc()) {
    return fail(ErrorCode::invalid_input, "Les lettres ne peuvent pas être parties dans le futur.",
                "sent_on");
  }
  const std::string at = store::timestamp_now();
  if (auto written = write_if(
          *db_, assembly_id, {"preparation"},
          [&](Tx& tx) -> Status {
            ConvocationRow row;
            row.channel = "courrier";
            row.status = "recorded";
            row.detail =
                fmt::format("lettres de convocation envoyées ({} membres)", ctx.convened.size());
            row.sent_on = sent_on;
            row.sent_by = who.login;
            row.sent_at = at;
            MAILLAGE_CHECK(AssemblyRepository::add_convocation(tx, assembly_id, row));
            MAILLAGE_CHECK(AssemblyRepository::set_convened(tx, assembly_id, sent_on, "courrier"));
            return store::audit(tx, {who.login, "association.ag.letters", "association_assembly",
                                     std::to_string(assembly_id), "",
                                     AuditDetail{}.add("sent_on", sent_on).json()});
          });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, structure_id, assembly_id);
}

Result<std::vector<ConvocationLetter>> Assemblies::letters(const Principal& who,
                                                           std::int64_t structure_id,
                                                           std::int64_t assembly_id) const {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  if (ctx.statuts.access != AssociationAccess::manage) return managers_only();
  std::vector<ConvocationLetter> out;
  for (const auto& m : ctx.convened) {
    ConvocationLetter l;
    l.member_id = m.id;
    l.name = assoc::display_name(m.data);
    l.email = m.data.email;
    l.commune = m.data.commune;
    l.college = ctx.college_name(m.data.college);
    out.push_back(std::move(l));
  }
  std::sort(out.begin(), out.end(), [](const ConvocationLetter& a, const ConvocationLetter& b) {
    return a.name != b.name ? a.name < b.name : a.member_id < b.member_id;
  });
  return out;
}

Result<AssemblyView> Assemblies::give_proxy(const Principal& who, std::int64_t structure_id,
                                            std::int64_t assembly_id, std::int64_t giver,
                                            std::int64_t holder) {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  const bool manage = ctx.statuts.access == AssociationAccess::manage;
  const bool own = ctx.me && ctx.me->id == giver;
  if (!manage && !own) {
    return fail(ErrorCode::forbidden, "Vous ne donnez que votre propre pouvoir.");
  }
  // A member gives their proxy before the séance; the coordination records paper ones during it.
  if (ctx.row.status == "closed" || (!manage && ctx.row.status != "preparation")) {
    return wrong_status(ctx.row.status);
  }
  std::vector<association::Voter> voters;
  for (const auto& r : ctx.roll) voters.push_back({std::to_string(r.member_id), r.college});
  std::vector<association::Proxy> others;
  for (const auto& p : ctx.proxies) {
    if (p.giver_id != giver)
      others.push_back({std::to_string(p.giver_id), std::to_string(p.holder_id)});
  }
  const association::Proxy proxy{std::to_string(giver), std::to_string(holder)};
  if (auto ok = association::check_proxy(ctx.engine, voters, others, proxy); !ok) {
    Error e = ok.error();
    e.message = ag::with_names(e.message, ctx);
    e.field = e.field == "giver" ? "mandant" : "mandataire";
    return tl::unexpected(std::move(e));
  }
  if (ctx.frozen()) {
    // At the séance the émargement decides too (a present giver, an absent holder).
    ag::Context with = ctx;
    std::erase_if(with.proxies, [&](const ProxyRow& p) { return p.giver_id == giver; });
    with.proxies.push_back({0, giver, holder, false, who.login, ""});
    auto rep = association::tally_attendance(ctx.engine, attendance_input(with));
    if (!rep) return tl::unexpected(rep.error());
    for (const auto& r : rep->refused) {
      if (r.proxy.giver == proxy.giver && r.proxy.holder == proxy.holder) {
        return fail(ErrorCode::invalid_input, ag::with_names(r.message, ctx), "mandataire");
      }
    }
  }
  const std::string at = store::timestamp_now();
  if (auto written =
          write_if(*db_, assembly_id, {"preparation", "open"},
                   [&](Tx& tx) -> Status {
                     MAILLAGE_CHECK(AssemblyRepository::set_proxy(tx, assembly_id, giver, holder,
                                                                  !manage || own, who.login, at));
                     MAILLAGE_CHECK(AssemblyRepository::touch(tx, assembly_id, who.login, at));
                     return store::audit(
                         tx, {who.login, "association.ag.proxy", "association_assembly",
                              std::to_string(assembly_id), "",
                              AuditDetail{}.add("giver", giver).add("holder", holder).json()});
                   });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, structure_id, assembly_id);
}

Result<AssemblyView> Assemblies::withdraw_proxy(const Principal& who, std::int64_t structure_id,
                                                std::int64_t assembly_id, std::int64_t giver) {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  const bool manage = ctx.statuts.access == AssociationAccess::manage;
  const bool own = ctx.me && ctx.me->id == giver;
  if (!manage && !own) {
    return fail(ErrorCode::forbidden, "Vous ne retirez que votre propre pouvoir.");
  }
  if (ctx.row.status == "closed" || (!manage && ctx.row.status != "preparation")) {
    return wrong_status(ctx.row.status);
  }
  const std::string at = store::timestamp_now();
  if (auto written = write_if(
          *db_, assembly_id, {"preparation", "open"},
          [&](Tx& tx) -> Status {
            if (!MAILLAGE_TRY(AssemblyRepository::delete_proxy(tx, assembly_id, giver))) {
              return fail(ErrorCode::not_found, "Aucun pouvoir donné par ce membre.", "mandant");
            }
            MAILLAGE_CHECK(AssemblyRepository::touch(tx, assembly_id, who.login, at));
            return store::audit(
                tx, {who.login, "association.ag.proxy.withdraw", "association_assembly",
                     std::to_string(assembly_id), "", AuditDetail{}.add("giver", giver).json()});
          });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, structure_id, assembly_id);
}

Result<AssemblyView> Assemblies::open(const Principal& who, std::int64_t structure_id,
                                      std::int64_t assembly_id) {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  if (ctx.statuts.access != AssociationAccess::manage) return managers_only();
  if (ctx.row.status != "preparation") return wrong_status(ctx.row.status);
  if (ctx.roll.empty()) {
    return fail(ErrorCode::invalid_transition,
                "Aucun membre n'a de voix à cette assemblée : vérifiez les cotisations.", "roll");
  }
  const std::string rules = rules_to_json(ctx.rules);
  const std::string at = store::timestamp_now();
  if (auto written = write_if(*db_, assembly_id, {"preparation"},
                              [&](Tx& tx) -> Status {
                                MAILLAGE_CHECK(AssemblyRepository::open(tx, assembly_id, rules,
                                                                        ctx.roll, who.login, at));
                                return store::audit(
                                    tx, {who.login, "association.ag.open", "association_assembly",
                                         std::to_string(assembly_id), "",
                                         AuditDetail{}
                                             .add("voters", ctx.roll.size())
                                             .add("statuts_version", ctx.rules.expected_version)
                                             .json()});
                              });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, structure_id, assembly_id);
}

Result<AssemblyView> Assemblies::mark(const Principal& who, std::int64_t structure_id,
                                      std::int64_t assembly_id, std::int64_t member_id,
                                      const std::string& presence) {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  if (ctx.statuts.access != AssociationAccess::manage) return managers_only();
  if (ctx.row.status != "open") return wrong_status(ctx.row.status);
  if (presence != "present" && presence != "excused" && presence != "absent") {
    return fail(ErrorCode::invalid_input, "Présence : présent, excusé ou absent.", "presence");
  }
  if (!ctx.on_roll(member_id)) {
    return fail(ErrorCode::not_found, "Ce membre n'a pas de voix à cette assemblée.", "membre");
  }
  const std::string at = store::timestamp_now();
  if (auto written = write_if(*db_, assembly_id, {"open"},
                              [&](Tx& tx) -> Status {
                                MAILLAGE_TRY(AssemblyRepository::mark(tx, assembly_id, member_id,
                                                                      presence, who.login, at));
                                return AssemblyRepository::touch(tx, assembly_id, who.login, at);
                              });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, structure_id, assembly_id);
}

Result<AssemblyView> Assemblies::record_votes(const Principal& who, std::int64_t structure_id,
                                              std::int64_t assembly_id, std::int64_t resolution_id,
                                              const VotesInput& in) {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  if (ctx.statuts.access != AssociationAccess::manage) return managers_only();
  if (ctx.row.status != "open") return wrong_status(ctx.row.status);
  auto res = std::find_if(ctx.resolutions.begin(), ctx.resolutions.end(),
                          [&](const ResolutionRow& r) { return r.id == resolution_id; });
  if (res == ctx.resolutions.end()) {
    return fail(ErrorCode::not_found, "Cette résolution n'est pas à l'ordre du jour.",
                "resolution");
  }
  const bool secret = res->ballot == "secret";
  if (secret && !in.votes.empty()) {
    return fail(ErrorCode::invalid_input,
                "Scrutin secret : saisissez les décomptes par collège, pas les votes nominatifs.",
                "votes");
  }
  if (!secret && !in.counts.empty()) {
    return fail(ErrorCode::invalid_input,
                "Vote à main levée : saisissez le vote de chaque membre, pas des décomptes.",
                "decomptes");
  }
  for (std::size_t i = 0; i < in.votes.size(); ++i) {
    const auto& b = in.votes[i].second;
    if (b != "pour" && b != "contre" && b != "abstention") {
      return fail(ErrorCode::invalid_input, "Vote : pour, contre ou abstention.",
                  fmt::format("votes[{}].vote", i));
    }
  }
  // The engine judges: quorum, voters present or represented, one vote each, counts within the
  // collège's voters.
  ag::Context with = ctx;
  std::erase_if(with.votes, [&](const VoteRow& v) { return v.resolution_id == resolution_id; });
  std::erase_if(with.counts,
                [&](const BallotCountRow& c) { return c.resolution_id == resolution_id; });
  for (const auto& [member, ballot] : in.votes)
    with.votes.push_back({resolution_id, member, ballot});
  for (const auto& c : in.counts) {
    with.counts.push_back({resolution_id, c.college, c.pour, c.contre, c.abstention});
  }
  if (!in.votes.empty() || !in.counts.empty()) {
    auto rep = association::tally_attendance(ctx.engine, attendance_input(ctx));
    if (!rep) return tl::unexpected(rep.error());
    auto result = result_of(with, *rep, *res);
    if (!result) {
      Error e = result.error();
      e.message = ag::with_names(e.message, ctx);
      if (e.field.rfind("votes[", 0) == 0) {
        e.field = e.field.substr(0, e.field.find(']') + 1) + ".membre";
      } else if (e.field.rfind("counts[", 0) == 0) {
        e.field = "decomptes" + e.field.substr(6);
      }
      return tl::unexpected(std::move(e));
    }
  }
  const std::string at = store::timestamp_now();
  if (auto written = write_if(
          *db_, assembly_id, {"open"},
          [&](Tx& tx) -> Status {
            MAILLAGE_CHECK(
                AssemblyRepository::replace_votes(tx, resolution_id, in.votes, in.counts));
            MAILLAGE_CHECK(AssemblyRepository::touch(tx, assembly_id, who.login, at));
            return store::audit(tx, {who.login, "association.ag.votes", "association_assembly",
                                     std::to_string(assembly_id), "",
                                     AuditDetail{}
                                         .add("resolution", resolution_id)
                                         .add("votes", in.votes.size())
                                         .add("counts", in.counts.size())
                                         .json()});
          });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, structure_id, assembly_id);
}

Result<AssemblyView> Assemblies::close(const Principal& who, std::int64_t structure_id,
                                       std::int64_t assembly_id) {
  auto ctx = MAILLAGE_TRY(ag::load_context(*db_, *association_, who, structure_id, assembly_id));
  if (ctx.statuts.access != AssociationAccess::manage) return managers_only();
  if (ctx.row.status != "open") return wrong_status(ctx.row.status);
  auto view = MAILLAGE_TRY(ag::build_view(ctx, false));
  std::vector<Outcome> outcomes;
  for (const auto& r : view.resolutions) {
    Outcome o;
    o.resolution_id = r.id;
    if (r.has_result) {
      o.outcome = r.adopted ? "adoptee" : "rejetee";
      o.explanation = r.explanation;
    } else {
      o.explanation = r.has_votes ? "non délibérée : " + r.result_problem : "non mise au vote";
    }
    outcomes.push_back(std::move(o));
  }
  const std::string at = store::timestamp_now();
  if (auto written = write_if(
          *db_, assembly_id, {"open"},
          [&](Tx& tx) -> Status {
            MAILLAGE_CHECK(AssemblyRepository::close(tx, assembly_id, outcomes, who.login, at));
            return store::audit(tx, {who.login, "association.ag.close", "association_assembly",
                                     std::to_string(assembly_id), "",
                                     AuditDetail{}
                                         .add("quorum", view.quorum.reached)
                                         .add("resolutions", outcomes.size())
                                         .json()});
          });
      !written) {
    return tl::unexpected(written.error());
  }
  return get(who, structure_id, assembly_id);
}

Result<std::vector<CalendarEvent>> Assemblies::events(const Principal& who,
                                                      std::int64_t structure_id,
                                                      std::optional<std::int64_t> only) const {
  auto statuts = MAILLAGE_TRY(association_->statuts(who, structure_id));
  const AssemblyRepository repo(*db_);
  const auto rows = MAILLAGE_TRY(repo.assemblies(structure_id));
  const auto resolutions = MAILLAGE_TRY(repo.structure_resolutions(structure_id));
  std::vector<CalendarEvent> out;
  for (const auto& r : rows) {
    if (only && r.id != *only) continue;
    out.push_back(ag::event_of(r, statuts.structure_name, resolutions));
  }
  if (only && out.empty()) return not_found_assembly();
  return out;
}

}  // namespace maillage::services
