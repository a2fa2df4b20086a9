#include "association/vote.hpp"

#include <map>
#include <set>

namespace maillage::association {
namespace {

tl::unexpected<Error> overflow() {
  return fail(ErrorCode::internal, "calcul du vote hors limites", "votes");
}

Status check_preconditions(const Statuts& statuts, const AttendanceReport& attendance,
                           std::string_view kind) {
  if (!attendance.quorum.reached) {
    return fail(ErrorCode::invalid_transition,
                "l'assemblée ne peut pas délibérer : " + attendance.quorum.explanation, "quorum");
  }
  if (statuts.find_kind(kind) == nullptr) {
    return fail(ErrorCode::invalid_input,
                "type de résolution « " + std::string(kind) + " » inconnu des statuts", "kind");
  }
  return {};
}

// The shared arithmetic: `tallies` hold voters and counts; fills bases, contributions, totals.
Result<VoteResult> decide(const Statuts& s, std::string_view kind,
                          std::vector<CollegeTally> tallies) {
  VoteResult r;
  const auto& k = *s.find_kind(kind);
  r.kind = k.id;
  r.majority = k.majority;
  r.mode = s.weight_mode;
  r.abstentions_expressed = s.abstentions_expressed;
  r.threshold = k.majority == Majority::two_thirds ? Ratio(2, 3) : Ratio(1, 2);
  r.strict = k.majority != Majority::two_thirds;
  std::optional<Ratio> pour = Ratio(0), contre = Ratio(0), base = Ratio(0);
  for (auto& t : tallies) {
    t.non_votants = t.voters - t.pour - t.contre - t.abstention;
    if (k.majority == Majority::absolute) {
      t.base = t.voters;
    } else {
      t.base = t.pour + t.contre + (s.abstentions_expressed ? t.abstention : 0);
    }
    t.counted = t.base > 0;
    r.head_pour += t.pour;
    r.head_contre += t.contre;
    r.head_abstention += t.abstention;
    r.head_base += t.base;
    if (s.weight_mode == WeightMode::head_count) {
      t.weight = Ratio(1);
      t.weighted_pour = t.pour;
      t.weighted_contre = t.contre;
      t.weighted_abstention = t.abstention;
      base = Ratio::add(*base, t.base);
    } else {
      t.weight = s.find_college(t.college)->share;
      if (t.counted) {
        auto share_of = [&](int n) { return Ratio::mul(t.weight, Ratio(n, t.base)); };
        auto wp = share_of(t.pour), wc = share_of(t.contre), wa = share_of(t.abstention);
        if (!wp || !wc || !wa) return overflow();
        t.weighted_pour = *wp;
        t.weighted_contre = *wc;
        t.weighted_abstention = *wa;
      }
      if (t.counted || s.empty_college_share == EmptyCollegeShare::lost)
        base = Ratio::add(*base, t.weight);
    }
    pour = Ratio::add(*pour, t.weighted_pour);
    contre = Ratio::add(*contre, t.weighted_contre);
    if (!pour || !contre || !base) return overflow();
  }
  r.colleges = std::move(tallies);
  r.total_pour = *pour;
  r.total_contre = *contre;
  r.total_base = *base;
  auto required = Ratio::mul(r.threshold, r.total_base);
  if (!required) return overflow();
  r.required = *required;
  auto passes = [&](Ratio got, Ratio need, Ratio total) {
    if (total.is_zero()) return false;
    return r.strict ? got > need : got >= need;
  };
  r.adopted = passes(r.total_pour, r.required, r.total_base);
  const Ratio head_required = *Ratio::mul(r.threshold, Ratio(r.head_base));
  r.head_adopted = passes(Ratio(r.head_pour), head_required, Ratio(r.head_base));

  const std::string unit =
      s.weight_mode == WeightMode::fixed_share ? " des voix pondérées" : " voix";
  const std::string need = r.strict ? "plus de " : "au moins ";
  if (r.total_base.is_zero()) {
    r.explanation = "aucun suffrage à compter : rejetée";
  } else {
    const auto share = Ratio::div(r.total_pour, r.total_base);
    if (!share) return overflow();
    r.explanation = "pour : " + r.total_pour.to_string() + unit + " sur " +
                    r.total_base.to_string() + " (" + share->percent_fr(1) + ") ; il faut " + need +
                    r.threshold.to_string() + ", soit " + need + r.required.to_string() + " : " +
                    (r.adopted ? "adoptée" : "rejetée");
  }
  if (s.weight_mode == WeightMode::fixed_share && r.adopted != r.head_adopted) {
    r.explanation += std::string(" (à une voix par membre, elle aurait été ") +
                     (r.head_adopted ? "adoptée" : "rejetée") + ")";
  }
  return r;
}

std::vector<CollegeTally> empty_tallies(const Statuts& s, const AttendanceReport& a) {
  std::vector<CollegeTally> out;
  for (const auto& c : s.colleges) {
    CollegeTally t;
    t.college = c.id;
    t.name = c.name;
    for (const auto& ca : a.colleges) {
      if (ca.college == c.id) t.voters = ca.present_or_represented();
    }
    out.push_back(std::move(t));
  }
  return out;
}

}  // namespace

Result<VoteResult> count_votes(const Statuts& s, const AttendanceReport& a, std::string_view kind,
                               const std::vector<Vote>& votes) {
  if (auto ok = check_preconditions(s, a, kind); !ok) return tl::unexpected(ok.error());
  auto tallies = empty_tallies(s, a);
  std::map<std::string, std::size_t, std::less<>> index;
  for (std::size_t i = 0; i < tallies.size(); ++i) index.emplace(tallies[i].college, i);
  std::set<std::string_view> voted;
  for (std::size_t i = 0; i < votes.size(); ++i) {
    const auto& v = votes[i];
    const std::string field = "votes[" + std::to_string(i) + "].member";
    const auto* m = a.find(v.member);
    if (m == nullptr ||
        (m->attendance != Attendance::present && m->attendance != Attendance::represented)) {
      return fail(ErrorCode::invalid_input, "« " + v.member + " » n'est ni présent ni représenté",
                  field);
    }
    if (!voted.insert(v.member).second) {
      return fail(ErrorCode::invalid_input, "« " + v.member + " » a déjà voté sur cette résolution",
                  field);
    }
    auto& t = tallies[index.at(m->college)];
    switch (v.ballot) {
      case Ballot::pour:
        ++t.pour;
        break;
      case Ballot::contre:
        ++t.contre;
        break;
      case Ballot::abstention:
        ++t.abstention;
        break;
    }
  }
  return decide(s, kind, std::move(tallies));
}

Result<VoteResult> count_secret_ballot(const Statuts& s, const AttendanceReport& a,
                                       std::string_view kind,
                                       const std::vector<CollegeCount>& counts) {
  if (auto ok = check_preconditions(s, a, kind); !ok) return tl::unexpected(ok.error());
  auto tallies = empty_tallies(s, a);
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const auto& c = counts[i];
    const std::string field = "counts[" + std::to_string(i) + "]";
    CollegeTally* t = nullptr;
    for (auto& x : tallies) {
      if (x.college == c.college) t = &x;
    }
    if (t == nullptr) {
      return fail(ErrorCode::invalid_input, "collège « " + c.college + " » inconnu des statuts",
                  field + ".college");
    }
    if (!seen.insert(c.college).second) {
      return fail(ErrorCode::invalid_input, "le collège « " + t->name + " » est compté deux fois",
                  field + ".college");
    }
    if (c.pour < 0 || c.contre < 0 || c.abstention < 0) {
      return fail(ErrorCode::invalid_input,
                  "un décompte ne peut pas être négatif (collège « " + t->name + " »)", field);
    }
    const std::int64_t cast = static_cast<std::int64_t>(c.pour) + c.contre + c.abstention;
    if (cast > t->voters) {
      return fail(ErrorCode::invalid_input,
                  std::to_string(cast) + " bulletins dans le collège « " + t->name + " » pour " +
                      std::to_string(t->voters) + " membres présents ou représentés",
                  field);
    }
    t->pour = c.pour;
    t->contre = c.contre;
    t->abstention = c.abstention;
  }
  return decide(s, kind, std::move(tallies));
}

}  // namespace maillage::association
