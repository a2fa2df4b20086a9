#include "roster/row_dp.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <queue>
#include <unordered_map>

namespace maillage::roster::detail {

namespace {

constexpr int kSat = 1, kSun = 2, kMonth = 4;
constexpr long long kMaxTable = 4'000'000;  // transition-table entries per person

bool near_equal(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(a)); }

int weekday(const Model& m, int day) {
  int first = m.first_weekday;
  if (m.start_date) {
    const std::chrono::weekday wd{std::chrono::sys_days{*m.start_date}};
    first = static_cast<int>(wd.iso_encoding()) - 1;
  }
  return (first + day) % 7;
}

}  // namespace

int RowDp::encode(const Fields& f) const {
  int code = (((((f.last * n_run_ + (f.run - 1)) * 2 + f.flag) * n_rest_ + f.rest) * n_min_ + f.minutes) *
                  n_week_ + f.weekends) * n_month_ + f.month;
  for (std::size_t j = 0; j < state_type_max_.size(); ++j) code = code * (state_type_max_[j] + 1) + f.types[j];
  return code;
}

RowDp::Fields RowDp::decode(int s) const {
  Fields f{};
  for (std::size_t j = state_type_max_.size(); j-- > 0;) {
    f.types[j] = s % (state_type_max_[j] + 1);
    s /= state_type_max_[j] + 1;
  }
  f.month = s % n_month_; s /= n_month_;
  f.weekends = s % n_week_; s /= n_week_;
  f.minutes = s % n_min_; s /= n_min_;
  f.rest = s % n_rest_; s /= n_rest_;
  f.flag = s % 2; s /= 2;
  f.run = s % n_run_ + 1; s /= n_run_;
  f.last = s;
  return f;
}

bool RowDp::final_ok(int state) const { return decode(state).minutes >= min_idx_; }

int RowDp::step(int from, int k, int cls, bool first_day) const {
  const int off = n_shift_;
  const int work_cap = max_work_ != kNoLimit ? max_work_ : min_work_;
  const bool track_weekends = n_week_ > 1 || max_weekends_ == 0;
  const bool track_month = n_month_ > 1 || month_cap_ == 0;
  const bool exact = exact_minutes_;
  Fields f{};
  int prev_last = off;
  if (first_day) {
    f = Fields{};
    f.last = off;
    f.run = 1;
    f.flag = 1;
    if (k != off) {
      f.last = k;
      f.run = 1;
    }
  } else {
    f = decode(from);
    prev_last = f.last;
    if ((cls & kMonth) != 0) f.month = 0;
    if (k == off) {
      if (f.last != off) {
        // A block of work ends: it must be long enough unless it started on day 0.
        if (f.run < min_work_ && f.flag == 0) return -1;
        f.last = off;
        f.run = 1;
        f.flag = 0;
      } else {
        f.run = std::min(f.run + 1, min_off_);
      }
      f.rest = std::max(0, f.rest - 1);
    } else {
      if (f.rest > 0) return -1;
      if (f.last == off) {
        if (f.run < min_off_ && f.flag == 0) return -1;
        f.run = 1;
        f.flag = 0;
      } else {
        if (forbidden_[f.last * n_shift_ + k]) return -1;
        if (max_work_ != kNoLimit && f.run + 1 > max_work_) return -1;
        f.run = std::min(f.run + 1, work_cap);
      }
      f.last = k;
    }
  }
  if (k != off) {
    f.rest = night_[k] ? rest_after_night_ : 0;
    if (f.rest >= n_rest_) f.rest = n_rest_ - 1;
    const int m = f.minutes + len_idx_[k];
    if (exact) {
      if (m >= n_min_) return -1;
      f.minutes = m;
    } else {
      f.minutes = std::min(m, min_idx_);
    }
    // Saturday of a weekend, or its Sunday when the Saturday was off: a new weekend worked.
    const bool new_weekend = (cls & kSat) != 0 || ((cls & kSun) != 0 && !first_day && prev_last == off);
    if (new_weekend && track_weekends) {
      if (f.weekends + 1 > max_weekends_) return -1;
      f.weekends += 1;
    }
    if (track_month) {
      if (f.month + 1 > month_cap_) return -1;
      f.month += 1;
    }
    if (state_slot_[k] >= 0) {
      const int j = state_slot_[k];
      if (f.types[j] + 1 > state_type_max_[j]) return -1;
      f.types[j] += 1;
    }
  }
  // Canonical flag: it only matters while the current run is shorter than its minimum.
  const int run_min = f.last == off ? min_off_ : min_work_;
  if (f.run >= run_min) f.flag = 0;
  return encode(f);
}

Result<RowDp> RowDp::create(const Model& model, int staff, bool exact_minutes, long long relaxed_target) {
  RowDp dp;
  const Staff& p = model.staff[staff];
  const int D = model.days;
  const int S = static_cast<int>(model.shifts.size());
  dp.days_ = D;
  dp.n_shift_ = S;
  dp.n_choice_ = S + 1;
  dp.exact_minutes_ = exact_minutes;

  // Which choices the person may take on which day (days off, availability, types capped at 0).
  dp.allowed_.assign(static_cast<std::size_t>(D) * dp.n_choice_, 1);
  for (int d : p.days_off)
    for (int s = 0; s < S; ++s) dp.allowed_[d * dp.n_choice_ + s] = 0;
  if (!p.availability.empty())
    for (int d = 0; d < D; ++d)
      for (int s = 0; s < S; ++s) {
        bool ok = false;
        for (const auto& w : p.availability)
          if (d >= w.first_day && d <= w.last_day &&
              (w.shifts.empty() || std::find(w.shifts.begin(), w.shifts.end(), s) != w.shifts.end()))
            ok = true;
        if (!ok) dp.allowed_[d * dp.n_choice_ + s] = 0;
      }
  std::vector<int> allowed_days(S, 0);
  for (int s = 0; s < S; ++s) {
    if (!p.max_shifts_per_type.empty() && p.max_shifts_per_type[s] == 0)
      for (int d = 0; d < D; ++d) dp.allowed_[d * dp.n_choice_ + s] = 0;
    for (int d = 0; d < D; ++d) allowed_days[s] += dp.allowed_[d * dp.n_choice_ + s];
  }

  int unit = 0, max_len = 0;
  for (int s = 0; s < S; ++s)
    if (allowed_days[s] > 0) {
      unit = std::gcd(unit, model.shifts[s].minutes);
      max_len = std::max(max_len, model.shifts[s].minutes);
    }
  if (unit == 0) unit = 1;
  dp.unit_ = unit;
  dp.len_idx_.resize(S);
  for (int s = 0; s < S; ++s) dp.len_idx_[s] = model.shifts[s].minutes / unit;
  // Shifts whose length is not a multiple of the unit cannot be taken (only happens for shifts
  // that are never allowed, which were left out of the gcd).
  const long long possible = static_cast<long long>(D) * max_len;
  dp.min_idx_ = static_cast<int>((std::min<long long>(p.min_total_minutes, possible + unit) + unit - 1) / unit);
  const bool max_binds = p.max_total_minutes < possible;
  dp.exact_minutes_ = max_binds || exact_minutes;
  if (dp.exact_minutes_) {
    dp.n_min_ = static_cast<int>(std::min<long long>(p.max_total_minutes, possible) / unit) + 1;
  } else {
    dp.n_min_ = dp.min_idx_ + 1;
  }
  if (dp.min_idx_ >= dp.n_min_) dp.min_idx_ = dp.n_min_;  // infeasible: no final state passes

  dp.min_work_ = p.min_consecutive_shifts;
  dp.max_work_ = p.max_consecutive_shifts >= D ? kNoLimit : p.max_consecutive_shifts;
  dp.min_off_ = p.min_consecutive_days_off;
  const int work_cap = dp.max_work_ != kNoLimit ? dp.max_work_ : dp.min_work_;
  dp.n_run_ = std::max({work_cap, dp.min_off_, 1});

  dp.forbidden_.assign(static_cast<std::size_t>(S) * S, 0);
  dp.night_.assign(S, 0);
  bool any_night = false;
  for (int s = 0; s < S; ++s) {
    for (int t : model.shifts[s].forbidden_next) dp.forbidden_[s * S + t] = 1;
    dp.night_[s] = model.shifts[s].night ? 1 : 0;
    any_night = any_night || (model.shifts[s].night && allowed_days[s] > 0);
  }
  dp.rest_after_night_ = any_night ? std::min(p.min_days_off_after_night, D) : 0;
  dp.n_rest_ = dp.rest_after_night_ + 1;

  // Day classes.
  int n_weekends = 0;
  dp.day_class_.assign(D, 0);
  for (int d = 0; d < D; ++d) {
    const int wd = weekday(model, d);
    if (wd == 5 && d + 1 < D) {
      dp.day_class_[d] |= kSat;
      ++n_weekends;
    }
    if (wd == 6 && d >= 1) dp.day_class_[d] |= kSun;
  }
  dp.max_weekends_ = p.max_weekends;
  dp.n_week_ = p.max_weekends < n_weekends ? p.max_weekends + 1 : 1;
  if (p.max_weekends >= n_weekends) dp.max_weekends_ = kNoLimit;
  dp.month_cap_ = p.max_shifts_per_month;
  dp.n_month_ = 1;
  if (p.max_shifts_per_month < 31 && model.start_date) {
    dp.n_month_ = p.max_shifts_per_month + 1;
    for (int d = 1; d < D; ++d) {
      const std::chrono::year_month_day date{std::chrono::sys_days{*model.start_date} + std::chrono::days{d}};
      if (date.day() == std::chrono::day{1}) dp.day_class_[d] |= kMonth;
    }
  } else {
    dp.month_cap_ = kNoLimit;
  }

  // A per-type maximum can bind only if the person could otherwise exceed it.
  std::vector<std::pair<int, int>> binding;  // (maximum, shift)
  for (int s = 0; s < S; ++s) {
    if (p.max_shifts_per_type.empty() || allowed_days[s] == 0) continue;
    const int mx = p.max_shifts_per_type[s];
    long long reachable = allowed_days[s];
    if (p.max_total_minutes != kNoLimit) reachable = std::min<long long>(reachable, p.max_total_minutes / model.shifts[s].minutes);
    if (mx < reachable) binding.emplace_back(mx, s);
  }
  std::sort(binding.begin(), binding.end());
  dp.state_slot_.assign(S, -1);
  long long type_radix = 1;
  // Weekend and monthly counters multiply the relaxed state space; when it grows large they move
  // to the A* resources instead (the cost-to-go then ignores them, which keeps it a lower bound).
  // Conversely, small per-type maxima are kept in the relaxed state while there is room, which
  // spares the A* most of its work.
  auto relaxed_size = [&] {
    return static_cast<long long>(dp.n_choice_) * dp.n_run_ * 2 * dp.n_rest_ * dp.n_min_ * dp.n_week_ * dp.n_month_ *
           type_radix;
  };
  if (relaxed_size() > relaxed_target && dp.n_month_ > 1) {
    dp.month_res_max_ = dp.n_month_ - 1;
    dp.n_month_ = 1;
  }
  if (relaxed_size() > relaxed_target && dp.n_week_ > 1) {
    dp.weekend_res_max_ = dp.n_week_ - 1;
    dp.n_week_ = 1;
  }
  for (const auto& [mx, s] : binding) {
    if (dp.state_type_max_.size() >= Fields::kMaxTypes || mx > 5 || relaxed_size() * (mx + 1) > relaxed_target) break;
    dp.state_slot_[s] = static_cast<int>(dp.state_type_max_.size());
    dp.state_type_max_.push_back(mx);
    type_radix *= mx + 1;
  }
  const long long n_states = relaxed_size();
  // Transition tables only for the day classes that occur; day_class_ becomes the table slot.
  int used_classes = 0;
  {
    int slot[8];
    std::fill(slot, slot + 8, -1);
    for (int& c : dp.day_class_) {
      if (slot[c] < 0) {
        slot[c] = used_classes++;
        dp.class_bits_.push_back(c);
      }
      c = slot[c];
    }
  }
  if (n_states * dp.n_choice_ * used_classes > kMaxTable || n_states * D > kMaxTable * 4)
    return fail(ErrorCode::invalid_input,
                "les règles de « " + p.id + " » donnent un espace d'états trop grand pour le solveur (" +
                    std::to_string(n_states) + " états)",
                "staff[" + std::to_string(staff) + "]");
  dp.n_states_ = static_cast<int>(n_states);

  dp.next_.assign(static_cast<std::size_t>(used_classes) * n_states * dp.n_choice_, -1);
  dp.first_.assign(static_cast<std::size_t>(used_classes) * dp.n_choice_, -1);
  for (int cls = 0; cls < used_classes; ++cls) {
    const int bits = dp.class_bits_[cls];
    for (int k = 0; k < dp.n_choice_; ++k) dp.first_[cls * dp.n_choice_ + k] = dp.step(-1, k, bits, true);
    for (int s = 0; s < dp.n_states_; ++s)
      for (int k = 0; k < dp.n_choice_; ++k)
        dp.next_[(static_cast<std::size_t>(cls) * n_states + s) * dp.n_choice_ + k] = dp.step(s, k, bits, false);
  }
  dp.final_ok_.resize(dp.n_states_);
  dp.last_of_.resize(dp.n_states_);
  dp.minutes_of_.resize(dp.n_states_);
  for (int s = 0; s < dp.n_states_; ++s) {
    dp.final_ok_[s] = dp.final_ok(s) ? 1 : 0;
    const auto f = dp.decode(s);
    dp.last_of_[s] = f.last;
    dp.minutes_of_[s] = f.minutes;
  }

  // The other binding maxima are A* resources, packed in one 64-bit word (mixed radix); refuse
  // models where they do not fit.
  dp.capped_slot_.assign(S, -1);
  long double radix = 1;
  for (const auto& [mx, s] : binding) {
    if (dp.state_slot_[s] >= 0) continue;
    dp.capped_slot_[s] = static_cast<int>(dp.capped_type_.size());
    dp.capped_type_.push_back(s);
    dp.capped_max_.push_back(mx);
    radix *= static_cast<long double>(mx + 1);
  }
  if (dp.weekend_res_max_ >= 0) {
    dp.weekend_slot_ = static_cast<int>(dp.capped_max_.size());
    dp.capped_type_.push_back(-1);
    dp.capped_max_.push_back(dp.weekend_res_max_);
    radix *= static_cast<long double>(dp.weekend_res_max_ + 1);
  }
  if (dp.month_res_max_ >= 0) {
    dp.month_slot_ = static_cast<int>(dp.capped_max_.size());
    dp.capped_type_.push_back(-1);
    dp.capped_max_.push_back(dp.month_res_max_);
    radix *= static_cast<long double>(dp.month_res_max_ + 1);
  }
  dp.radix_.assign(dp.capped_max_.size(), 1);
  for (std::size_t i = 1; i < dp.radix_.size(); ++i)
    dp.radix_[i] = dp.radix_[i - 1] * static_cast<std::uint64_t>(dp.capped_max_[i - 1] + 1);
  if (radix > 4.0e18L)
    return fail(ErrorCode::invalid_input, "trop de maxima par type de poste pour « " + p.id + " »",
                "staff[" + std::to_string(staff) + "].max_shifts_per_type");
  return dp;
}

std::int64_t RowDp::add_resources(std::uint64_t counts, int prev_last, int k, int day) const {
  if (capped_max_.empty()) return 0;
  const int bits = class_bits_[day_class_[day]];
  auto digit = [&](int slot) {
    return static_cast<int>((counts / radix_[slot]) % static_cast<std::uint64_t>(capped_max_[slot] + 1));
  };
  if (month_slot_ >= 0 && (bits & kMonth) != 0) counts -= static_cast<std::uint64_t>(digit(month_slot_)) * radix_[month_slot_];
  if (k >= n_shift_) return static_cast<std::int64_t>(counts);
  auto bump = [&](int slot) {
    if (digit(slot) + 1 > capped_max_[slot]) return false;
    counts += radix_[slot];
    return true;
  };
  if (capped_slot_[k] >= 0 && !bump(capped_slot_[k])) return -1;
  if (weekend_slot_ >= 0 && ((bits & kSat) != 0 || ((bits & kSun) != 0 && day > 0 && prev_last == n_shift_)) &&
      !bump(weekend_slot_))
    return -1;
  if (month_slot_ >= 0 && !bump(month_slot_)) return -1;
  return static_cast<std::int64_t>(counts);
}

RowDp::Outcome RowDp::solve(const std::vector<double>& costs, const std::vector<double>* final_cost,
                            std::vector<int>& row, std::mt19937_64* rng, std::size_t budget) const {
  const int D = days_, C = n_choice_, N = n_states_;
  // Scratch per thread so that one RowDp serves every search thread.
  thread_local std::vector<double> h_;
  if (h_.size() < static_cast<std::size_t>(D) * N) h_.resize(static_cast<std::size_t>(D) * N);  // grow only: no refill
  Outcome out;
  row.assign(D, kOff);
  auto cost_at = [&](int d, int k) -> double {
    if (!allowed_[d * C + k]) return kInfCost;
    return costs[static_cast<std::size_t>(d) * C + k];
  };
  auto next = [&](int cls, int s, int k) { return next_[(static_cast<std::size_t>(cls) * N + s) * C + k]; };

  // 1. Forward pass: the relaxed states reachable on each day (forced and forbidden choices,
  // and the rules themselves, leave most of the state space unreachable). Then the backward
  // cost-to-go over those states only.
  thread_local std::vector<std::uint32_t> stamp;
  thread_local std::uint32_t generation = 0;
  thread_local std::vector<int> reach;
  thread_local std::vector<int> reach_start;
  if (stamp.size() < static_cast<std::size_t>(D) * N) {
    stamp.assign(static_cast<std::size_t>(D) * N, 0);
    generation = 0;
  }
  if (++generation == 0) {
    std::fill(stamp.begin(), stamp.end(), 0);
    generation = 1;
  }
  reach.clear();
  reach_start.assign(D + 1, 0);
  const int cls_first = day_class_[0];
  for (int k = 0; k < C; ++k) {
    const int st = first_[cls_first * C + k];
    if (st < 0 || cost_at(0, k) >= kInfCost) continue;
    if (stamp[st] != generation) {
      stamp[st] = generation;
      reach.push_back(st);
    }
  }
  for (int d = 1; d < D; ++d) {
    reach_start[d] = static_cast<int>(reach.size());
    const int cls = day_class_[d];
    std::uint32_t* mark = &stamp[static_cast<std::size_t>(d) * N];
    for (int x = reach_start[d - 1]; x < reach_start[d]; ++x) {
      const int* nx = &next_[(static_cast<std::size_t>(cls) * N + reach[x]) * C];
      for (int k = 0; k < C; ++k) {
        if (nx[k] < 0 || mark[nx[k]] == generation || cost_at(d, k) >= kInfCost) continue;
        mark[nx[k]] = generation;
        reach.push_back(nx[k]);
      }
    }
  }
  reach_start[D] = static_cast<int>(reach.size());

  double* h_last = &h_[static_cast<std::size_t>(D - 1) * N];
  for (int x = reach_start[D - 1]; x < reach_start[D]; ++x) {
    const int st = reach[x];
    h_last[st] = !final_ok_[st] ? kInfCost : (final_cost ? (*final_cost)[minutes_of_[st]] : 0.0);
  }
  std::vector<double> cbuf(C);
  for (int d = D - 2; d >= 0; --d) {
    const int cls = day_class_[d + 1];
    const double* hn = &h_[static_cast<std::size_t>(d + 1) * N];
    double* hd = &h_[static_cast<std::size_t>(d) * N];
    for (int k = 0; k < C; ++k) cbuf[k] = cost_at(d + 1, k);
    for (int x = reach_start[d]; x < reach_start[d + 1]; ++x) {
      const int st = reach[x];
      double best = kInfCost;
      const int* nx = &next_[(static_cast<std::size_t>(cls) * N + st) * C];
      for (int k = 0; k < C; ++k) {
        if (nx[k] < 0 || cbuf[k] >= kInfCost) continue;
        const double v = cbuf[k] + hn[nx[k]];
        if (v < best) best = v;
      }
      hd[st] = best;
    }
  }
  const int cls0 = day_class_[0];
  double relaxed = kInfCost;
  for (int k = 0; k < C; ++k) {
    const int s = first_[cls0 * C + k];
    const double c = cost_at(0, k);
    if (s < 0 || c >= kInfCost) continue;
    relaxed = std::min(relaxed, c + h_[s]);
  }
  out.relaxed = relaxed;
  if (relaxed >= kInfCost / 2) {
    out.exact = true;
    return out;
  }

  // 2a. Walk the relaxed optimum (random among ties); if it respects the per-type maxima, it is
  // the optimum.
  {
    int state = -1;
    std::uint64_t counts = 0;
    bool ok = true;
    for (int d = 0; d < D && ok; ++d) {
      const double target = d == 0 ? relaxed : h_[static_cast<std::size_t>(d - 1) * N + state];
      int chosen = -1, chosen_state = -1, ties = 0;
      for (int k = 0; k < C; ++k) {
        const int s = d == 0 ? first_[cls0 * C + k] : next(day_class_[d], state, k);
        const double c = cost_at(d, k);
        if (s < 0 || c >= kInfCost) continue;
        const double v = c + h_[static_cast<std::size_t>(d) * N + s];
        if (!near_equal(v, target)) continue;
        ++ties;
        if (chosen < 0 || (rng && std::uniform_int_distribution<int>(1, ties)(*rng) == 1)) {
          chosen = k;
          chosen_state = s;
        }
      }
      if (chosen < 0) {
        ok = false;  // numerical trouble: fall back to the exact search
        break;
      }
      row[d] = chosen == n_shift_ ? kOff : chosen;
      const auto next_counts = add_resources(counts, d == 0 ? n_shift_ : last_of_[state], chosen, d);
      if (next_counts < 0) ok = false;
      counts = static_cast<std::uint64_t>(std::max<std::int64_t>(next_counts, 0));
      state = chosen_state;
    }
    if (ok) {
      out.cost = relaxed;
      out.exact = true;
      return out;
    }
  }

  // 2b. A* over the full state; counts of capped types packed in mixed radix.
  struct Label {
    int state, day, parent, choice;
    double g;
    std::uint64_t counts;
  };
  std::vector<Label> labels;
  struct Entry {
    double f;
    int day;
    std::uint32_t tie;
    int label;
    bool operator<(const Entry& o) const {  // priority_queue pops the largest: invert
      if (f != o.f) return f > o.f;
      if (day != o.day) return day < o.day;  // deeper first among equal f
      return tie > o.tie;
    }
  };
  struct KeyHash {
    std::size_t operator()(const std::pair<std::uint64_t, std::uint64_t>& k) const {
      return std::hash<std::uint64_t>()(k.first * 0x9E3779B97F4A7C15ULL ^ k.second);
    }
  };
  std::unordered_map<std::pair<std::uint64_t, std::uint64_t>, double, KeyHash> best_g;
  std::priority_queue<Entry> queue;
  auto push = [&](int state, int day, int parent, int choice, double g, std::uint64_t counts) {
    const double hv = h_[static_cast<std::size_t>(day) * N + state];
    if (hv >= kInfCost) return;
    const auto key = std::make_pair(counts, static_cast<std::uint64_t>(day) * N + state);
    auto it = best_g.find(key);
    if (it != best_g.end() && it->second <= g) return;
    best_g[key] = g;
    labels.push_back({state, day, parent, choice, g, counts});
    const std::uint32_t tie = rng ? static_cast<std::uint32_t>((*rng)()) : 0;
    queue.push({g + hv, day, tie, static_cast<int>(labels.size()) - 1});
  };
  for (int k = 0; k < C; ++k) {
    const int s = first_[cls0 * C + k];
    const double c = cost_at(0, k);
    if (s < 0 || c >= kInfCost) continue;
    const auto cnt = add_resources(0, n_shift_, k, 0);
    if (cnt < 0) continue;
    push(s, 0, -1, k, c, static_cast<std::uint64_t>(cnt));
  }
  std::size_t expanded = 0;
  while (!queue.empty()) {
    const Entry e = queue.top();
    queue.pop();
    const Label lab = labels[e.label];
    const auto key = std::make_pair(lab.counts, static_cast<std::uint64_t>(lab.day) * N + lab.state);
    if (best_g[key] < lab.g) continue;  // a better label reached this state since
    if (lab.day == D - 1) {
      out.cost = lab.g + h_[static_cast<std::size_t>(lab.day) * N + lab.state];
      out.exact = true;
      for (int l = e.label; l >= 0; l = labels[l].parent)
        row[labels[l].day] = labels[l].choice == n_shift_ ? kOff : labels[l].choice;
      return out;
    }
    if (++expanded > budget) break;
    const int d = lab.day + 1;
    const int cls = day_class_[d];
    for (int k = 0; k < C; ++k) {
      const int s = next(cls, lab.state, k);
      const double c = cost_at(d, k);
      if (s < 0 || c >= kInfCost) continue;
      const auto cnt = add_resources(lab.counts, last_of_[lab.state], k, d);
      if (cnt < 0) continue;
      push(s, d, e.label, k, lab.g + c, static_cast<std::uint64_t>(cnt));
    }
  }
  // Budget exhausted, or the maxima make the row infeasible.
  out.exact = queue.empty();
  row.assign(D, kOff);
  return out;
}

}  // namespace maillage::roster::detail
