#include "association/attendance.hpp"

#include <map>
#include <optional>

namespace maillage::association {
namespace {

// What the proxy rules need to know, built once per tally.
struct ProxyBook {
  const Statuts& statuts;
  std::map<std::string, std::string, std::less<>> college_of;  // voter → collège
  std::map<std::string, int, std::less<>> held;                // holder → proxies accepted
  std::map<std::string, std::string, std::less<>> given;       // giver → holder
  const std::map<std::string, Presence, std::less<>>* presence = nullptr;  // null before the AG

  [[nodiscard]] bool is_present(const std::string& id) const {
    auto it = presence->find(id);
    return it != presence->end() && it->second == Presence::present;
  }

  // The first rule the proxy breaks, in an order that gives the most useful reason.
  [[nodiscard]] std::optional<RefusedProxy> judge(const Proxy& p) const {
    auto refuse = [&](ProxyRefusal r, std::string message) {
      return RefusedProxy{p, r, std::move(message)};
    };
    const std::string pouvoir = "pouvoir de « " + p.giver + " » à « " + p.holder + " » refusé : ";
    auto giver = college_of.find(p.giver);
    auto holder = college_of.find(p.holder);
    if (giver == college_of.end()) {
      return refuse(ProxyRefusal::unknown_member,
                    pouvoir + "« " + p.giver + " » n'a pas de voix à cette assemblée");
    }
    if (holder == college_of.end()) {
      return refuse(ProxyRefusal::unknown_member,
                    pouvoir + "« " + p.holder + " » n'a pas de voix à cette assemblée");
    }
    if (p.giver == p.holder)
      return refuse(ProxyRefusal::self, pouvoir + "un membre ne peut pas se donner pouvoir");
    if (statuts.proxies.max_per_holder == 0) {
      return refuse(ProxyRefusal::not_allowed,
                    pouvoir + "les statuts n'admettent pas les pouvoirs");
    }
    if (presence != nullptr && is_present(p.giver)) {
      return refuse(
          ProxyRefusal::giver_present,
          pouvoir + "« " + p.giver + " » est présent et ne peut pas être aussi représenté");
    }
    if (given.contains(p.holder)) {
      return refuse(
          ProxyRefusal::chain,
          pouvoir + "« " + p.holder + " » a lui-même donné pouvoir (pas de pouvoir en cascade)");
    }
    if (held.contains(p.giver)) {
      return refuse(
          ProxyRefusal::chain,
          pouvoir + "« " + p.giver + " » détient déjà un pouvoir et ne peut pas le transmettre");
    }
    if (auto g = given.find(p.giver); g != given.end()) {
      return refuse(ProxyRefusal::already_given,
                    pouvoir + "« " + p.giver + " » a déjà donné pouvoir à « " + g->second + " »");
    }
    if (presence != nullptr && !is_present(p.holder)) {
      return refuse(ProxyRefusal::holder_not_present,
                    pouvoir + "le mandataire « " + p.holder + " » n'est pas présent");
    }
    if (statuts.proxies.same_college_only && giver->second != holder->second) {
      const auto* gc = statuts.find_college(giver->second);
      const auto* hc = statuts.find_college(holder->second);
      return refuse(ProxyRefusal::other_college,
                    pouvoir + "les statuts limitent les pouvoirs au même collège (« " +
                        (gc ? gc->name : giver->second) + " » et « " +
                        (hc ? hc->name : holder->second) + " »)");
    }
    if (auto h = held.find(p.holder);
        h != held.end() && h->second >= statuts.proxies.max_per_holder) {
      return refuse(ProxyRefusal::over_cap, pouvoir + "« " + p.holder + " » détient déjà " +
                                                std::to_string(h->second) +
                                                " pouvoir(s), le maximum des statuts est " +
                                                std::to_string(statuts.proxies.max_per_holder));
    }
    return std::nullopt;
  }

  void accept(const Proxy& p) {
    ++held[p.holder];
    given[p.giver] = p.holder;
  }
};

std::string percent(Ratio r) { return r.percent_fr(1); }

}  // namespace

const MemberAttendance* AttendanceReport::find(std::string_view member) const {
  for (const auto& m : members) {
    if (m.id == member) return &m;
  }
  return nullptr;
}

Status check_proxy(const Statuts& statuts, const std::vector<Voter>& roll,
                   const std::vector<Proxy>& accepted, const Proxy& proxy) {
  ProxyBook book{statuts, {}, {}, {}, nullptr};
  for (const auto& v : roll) book.college_of.emplace(v.id, v.college);
  for (const auto& p : accepted) book.accept(p);
  if (auto r = book.judge(proxy)) {
    const bool about_giver =
        r->reason == ProxyRefusal::already_given ||
        (r->reason == ProxyRefusal::unknown_member && !book.college_of.contains(proxy.giver));
    return fail(ErrorCode::invalid_input, r->message, about_giver ? "giver" : "holder");
  }
  return {};
}

Result<AttendanceReport> tally_attendance(const Statuts& statuts, const AttendanceInput& in) {
  AttendanceReport rep;
  ProxyBook book{statuts, {}, {}, {}, nullptr};
  std::map<std::string, std::size_t, std::less<>> college_index;
  for (std::size_t i = 0; i < statuts.colleges.size(); ++i) {
    college_index.emplace(statuts.colleges[i].id, i);
    CollegeAttendance c;
    c.college = statuts.colleges[i].id;
    c.name = statuts.colleges[i].name;
    rep.colleges.push_back(std::move(c));
  }
  for (std::size_t i = 0; i < in.roll.size(); ++i) {
    const auto& v = in.roll[i];
    const std::string field = "roll[" + std::to_string(i) + "]";
    if (!college_index.contains(v.college)) {
      return fail(ErrorCode::invalid_input,
                  "le membre « " + v.id + " » est dans un collège inconnu des statuts (« " +
                      v.college + " »)",
                  field + ".college");
    }
    if (!book.college_of.emplace(v.id, v.college).second) {
      return fail(ErrorCode::invalid_input,
                  "le membre « " + v.id + " » figure deux fois sur la liste", field + ".id");
    }
  }
  std::map<std::string, Presence, std::less<>> presence;
  for (std::size_t i = 0; i < in.marks.size(); ++i) {
    const auto& m = in.marks[i];
    const std::string field = "marks[" + std::to_string(i) + "].member";
    if (!book.college_of.contains(m.member)) {
      return fail(ErrorCode::invalid_input,
                  "« " + m.member + " » n'a pas de voix à cette assemblée", field);
    }
    if (!presence.emplace(m.member, m.presence).second) {
      return fail(ErrorCode::invalid_input, "« " + m.member + " » est émargé deux fois", field);
    }
  }
  book.presence = &presence;
  for (const auto& p : in.proxies) {
    if (auto r = book.judge(p)) {
      rep.refused.push_back(std::move(*r));
    } else {
      book.accept(p);
      rep.accepted.push_back(p);
    }
  }

  for (const auto& v : in.roll) {
    MemberAttendance m;
    m.id = v.id;
    m.college = v.college;
    auto& c = rep.colleges[college_index.at(v.college)];
    ++c.members;
    auto mark = presence.find(v.id);
    if (mark != presence.end() && mark->second == Presence::present) {
      m.attendance = Attendance::present;
      if (auto h = book.held.find(v.id); h != book.held.end()) m.proxies_held = h->second;
      ++c.present;
    } else if (auto g = book.given.find(v.id); g != book.given.end()) {
      m.attendance = Attendance::represented;
      m.holder = g->second;
      ++c.represented;
    } else if (mark != presence.end() && mark->second == Presence::excused) {
      m.attendance = Attendance::excused;
      ++c.excused;
    } else {
      m.attendance = Attendance::absent;
      ++c.absent;
    }
    rep.members.push_back(std::move(m));
  }

  auto& q = rep.quorum;
  q.convocation = in.convocation;
  q.rule = in.convocation == Convocation::first ? statuts.first_quorum : statuts.second_quorum;
  for (auto& c : rep.colleges) {
    q.members += c.members;
    q.present_or_represented += c.present_or_represented();
    c.rate = c.members == 0 ? Ratio(0) : Ratio(c.present_or_represented(), c.members);
    c.quorum_reached = c.members == 0 || c.rate >= q.rule.minimum;
  }
  q.rate = q.members == 0 ? Ratio(0) : Ratio(q.present_or_represented, q.members);
  const std::string convocation =
      in.convocation == Convocation::first ? "première convocation" : "seconde convocation";
  const std::string counts = std::to_string(q.present_or_represented) +
                             " présents ou représentés sur " + std::to_string(q.members) + " (" +
                             percent(q.rate) + ")";
  switch (q.rule.scope) {
    case Quorum::Scope::none:
      q.reached = q.present_or_represented > 0;
      q.explanation =
          (q.reached ? "pas de quorum exigé en " : "personne n'est présent ni représenté, en ") +
          convocation + " : " + counts;
      break;
    case Quorum::Scope::global:
      q.reached = q.members > 0 && q.rate >= q.rule.minimum;
      q.explanation = std::string(q.reached ? "quorum atteint" : "quorum non atteint") + " en " +
                      convocation + " : " + counts + ", minimum " + q.rule.minimum.to_string();
      break;
    case Quorum::Scope::weighted: {
      // Σ share_c × rate_c over the shares of the collèges with members (or over 1 when lost).
      std::optional<Ratio> voices = Ratio(0), base = Ratio(0);
      for (const auto& c : rep.colleges) {
        const Ratio share = statuts.find_college(c.college)->share;
        if (c.members > 0) voices = Ratio::add(*voices, *Ratio::mul(share, c.rate));
        if (c.members > 0 || statuts.empty_college_share == EmptyCollegeShare::lost) {
          base = Ratio::add(*base, share);
        }
        if (!voices || !base)
          return fail(ErrorCode::internal, "calcul du quorum hors limites", "quorum");
      }
      q.rate = base->is_zero() ? Ratio(0) : *Ratio::div(*voices, *base);
      q.reached = !base->is_zero() && q.rate >= q.rule.minimum;
      q.explanation = std::string(q.reached ? "quorum atteint" : "quorum non atteint") + " en " +
                      convocation + " : " + q.rate.percent_fr(1) +
                      " des voix pondérées présentes ou représentées, minimum " +
                      q.rule.minimum.to_string() + " (" + counts + ")";
      break;
    }
    case Quorum::Scope::per_college:
      q.reached = q.members > 0;
      for (const auto& c : rep.colleges) {
        if (!c.quorum_reached) {
          q.reached = false;
          q.colleges_short.push_back(c.name);
        }
      }
      q.explanation =
          std::string(q.reached ? "quorum atteint dans chaque collège" : "quorum non atteint") +
          " en " + convocation + " (minimum " + q.rule.minimum.to_string() + " par collège)";
      for (const auto& c : rep.colleges) {
        q.explanation += " ; " + c.name + " : " + std::to_string(c.present_or_represented()) + "/" +
                         std::to_string(c.members) + (c.quorum_reached ? "" : " (insuffisant)");
      }
      break;
  }
  return rep;
}

}  // namespace maillage::association
