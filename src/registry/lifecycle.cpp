// Decisions on the lifecycle tables: every rule comes from the Lifecycle value (rules/lifecycle),
// this file only walks it and words the refusals.
#include "registry/lifecycle.hpp"

#include <algorithm>

namespace maillage::registry {

namespace {

std::string quoted(std::string_view s) { return "« " + std::string(s) + " »"; }

std::string state_label(const Lifecycle& lc, std::string_view id) {
  const State* s = lc.state(id);
  return quoted(s != nullptr ? std::string_view(s->label) : id);
}

tl::unexpected<Error> refuse(std::string message, std::string field) {
  return fail(ErrorCode::invalid_transition, "Transition refusée : " + std::move(message),
              std::move(field));
}

// "« Lettre d'intention déposée » (déposer la lettre d'intention), « Abandonnée » (abandonner)".
std::string list_moves(const Lifecycle& lc, std::string_view from) {
  std::string out;
  for (const TransitionRule* r : lc.allowed_from(from)) {
    if (!out.empty()) out += ", ";
    out += state_label(lc, r->to) + " (action " + r->event + ")";
  }
  return out.empty() ? "aucune" : out;
}

bool is_blank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c == ' ' || c == '\t'; });
}

}  // namespace

const State* Lifecycle::state(std::string_view id) const {
  for (const State& s : states) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

const State& Lifecycle::initial() const {
  for (const State& s : states) {
    if (s.initial) return s;
  }
  return states.front();
}

const StageGroup* Lifecycle::stage_group(std::string_view id) const {
  for (const StageGroup& g : stage_groups) {
    if (g.id == id) return &g;
  }
  return nullptr;
}

bool TransitionRule::decided_by_role(std::string_view role) const {
  return via == RecordedVia::decision &&
         std::find(decided_by.begin(), decided_by.end(), role) != decided_by.end();
}

bool Lifecycle::reaches(std::string_view from, std::string_view to) const {
  std::vector<std::string_view> pending{from};
  std::vector<std::string_view> seen{from};
  while (!pending.empty()) {
    std::string_view s = pending.back();
    pending.pop_back();
    if (s == to) return true;
    for (const TransitionRule* t : allowed_from(s)) {
      if (std::find(seen.begin(), seen.end(), t->to) != seen.end()) continue;
      seen.push_back(t->to);
      pending.push_back(t->to);
    }
  }
  return false;
}

std::vector<const TransitionRule*> Lifecycle::allowed_from(std::string_view state) const {
  std::vector<const TransitionRule*> out;
  for (const TransitionRule& r : transitions) {
    if (std::find(r.from.begin(), r.from.end(), state) != r.from.end()) out.push_back(&r);
  }
  return out;
}

const TimerRule* Lifecycle::timer_in(std::string_view state) const {
  for (const TimerRule& t : timers) {
    if (t.state == state) return &t;
  }
  return nullptr;
}

const Lifecycle* Lifecycles::find(std::string_view kind) const {
  for (const Lifecycle& lc : items) {
    if (lc.kind == kind) return &lc;
  }
  return nullptr;
}

Result<Lifecycles> load_lifecycles(std::span<const RulesFile> files) {
  Lifecycles out;
  for (const RulesFile& f : files) {
    auto lc = parse_lifecycle(f.name, f.text);
    if (!lc) return tl::unexpected(lc.error());
    if (const Lifecycle* other = out.find(lc->kind)) {
      return fail_at(
          std::string(f.name), 0, "structure.kind",
          "le type de structure « " + lc->kind + " » est déjà décrit par " + other->file);
    }
    out.items.push_back(std::move(*lc));
  }
  return out;
}

Result<Lifecycles> builtin_lifecycles() { return load_lifecycles(builtin_lifecycle_files()); }

StructureState initial_state(const Lifecycle& lc) { return {lc.initial().id, std::nullopt}; }

Result<Transition> transition(const Lifecycle& lc, const StructureState& current,
                              std::string_view event_or_target, Date date, std::string_view user) {
  if (is_blank(user)) {
    return refuse("l'utilisateur qui signe la transition est obligatoire.", "utilisateur");
  }
  if (!date.ok()) return refuse("la date de la transition n'est pas valide.", "date");
  const State* from = lc.state(current.state);
  if (from == nullptr) {
    return refuse(lc.definite + " est à une étape inconnue des règles (" + quoted(current.state) +
                      ", " + lc.file + ").",
                  "etape");
  }
  if (from->terminal) {
    return refuse(lc.definite + " est à l'étape " + quoted(from->label) +
                      ", qui est définitive : aucune transition n'est possible.",
                  "etape");
  }

  const auto moves = lc.allowed_from(from->id);
  const TransitionRule* rule = nullptr;
  for (const TransitionRule* r : moves) {
    if (r->event == event_or_target) rule = r;
  }
  if (rule == nullptr) {
    // parse_lifecycle guarantees at most one move per (state, target).
    for (const TransitionRule* r : moves) {
      if (r->to == event_or_target) rule = r;
    }
  }
  if (rule == nullptr) {
    const std::string possible = " Depuis " + quoted(from->label) +
                                 ", les étapes possibles sont : " + list_moves(lc, from->id) + ".";
    if (const State* target = lc.state(event_or_target)) {
      if (target->id == from->id) {
        return refuse(lc.definite + " est déjà à l'étape " + quoted(from->label) + "." + possible,
                      "etape");
      }
      return refuse(lc.definite + " est à l'étape " + quoted(from->label) +
                        " et ne peut pas passer à l'étape " + quoted(target->label) + "." +
                        possible,
                    "etape");
    }
    for (const TransitionRule& r : lc.transitions) {
      if (r.event == event_or_target) {
        return refuse("l'action " + quoted(r.label) + " n'est pas possible à l'étape " +
                          quoted(from->label) + " de " + lc.definite + "." + possible,
                      "etape");
      }
    }
    for (const TimerRule& t : lc.timers) {
      if (t.event == event_or_target) {
        return refuse(quoted(t.label) + " ne s'enregistre pas à la main : elle s'applique " +
                          "d'office " + describe_delay(t.after) + " après l'entrée dans l'étape " +
                          state_label(lc, t.state) + "." + possible,
                      "etape");
      }
    }
    return refuse("étape ou action inconnue pour " + lc.definite + " : " + quoted(event_or_target) +
                      "." + possible,
                  "etape");
  }

  if (current.since && date < *current.since) {
    return refuse("la date du " + format_date_fr(date) + " est antérieure à l'entrée de " +
                      lc.definite + " dans l'étape " + quoted(from->label) + " (" +
                      format_date_fr(*current.since) + ").",
                  "date");
  }
  // A timer that has fired moved the structure already: the ARS can no longer object to a
  // projet de santé deemed validated. The due day itself still belongs to the delay.
  if (const TimerRule* t = lc.timer_in(from->id); t != nullptr && current.since) {
    const Date due = add_delay(*current.since, t->after);
    if (date > due && rule->to != t->to) {
      return refuse("l'étape " + state_label(lc, t->to) + " s'applique d'office à " + lc.definite +
                        " depuis le " + format_date_fr(due) + " (" + t->label + " : " +
                        describe_delay(t->after) + " après l'entrée dans l'étape " +
                        quoted(from->label) + " le " + format_date_fr(*current.since) +
                        ") ; enregistrez d'abord ce passage.",
                    "date");
    }
  }
  Transition out;
  out.from = from->id;
  out.to = rule->to;
  out.event = rule->event;
  out.date = date;
  out.user = std::string(user);
  return out;
}

Result<StructureState> replay(const Lifecycle& lc, std::span<const Transition> history) {
  StructureState cur = initial_state(lc);
  for (std::size_t i = 0; i < history.size(); ++i) {
    const Transition& step = history[i];
    const std::string field = "historique[" + std::to_string(i) + "]";
    auto bad = [&](const std::string& msg) {
      return fail(ErrorCode::invalid_transition,
                  "Historique incohérent (étape " + std::to_string(i + 1) + ", " +
                      format_date_fr(step.date) + ") : " + msg,
                  field);
    };
    if (step.from != cur.state) {
      return bad("elle part de " + state_label(lc, step.from) + " alors que " + lc.definite +
                 " était à l'étape " + state_label(lc, cur.state) + ".");
    }
    if (step.implicit) {
      const TimerRule* t = lc.timer_in(cur.state);
      if (t == nullptr || !cur.since || t->to != step.to || t->id != step.timer) {
        return bad("aucune règle d'application d'office ne mène de " + state_label(lc, cur.state) +
                   " à " + state_label(lc, step.to) + ".");
      }
      const Date due = add_delay(*cur.since, t->after);
      if (step.date != due) {
        return bad(quoted(t->label) + " s'applique le " + format_date_fr(due) + ".");
      }
      cur = {step.to, step.date};
      continue;
    }
    auto t = transition(lc, cur, step.event, step.date, step.user);
    if (!t) return bad(t.error().message);
    if (t->to != step.to) {
      return bad("l'action " + quoted(step.event) + " mène à " + state_label(lc, t->to) +
                 ", pas à " + state_label(lc, step.to) + ".");
    }
    cur = {step.to, step.date};
  }
  return cur;
}

std::vector<Transition> due_timers(const Lifecycle& lc, const StructureState& current, Date as_of) {
  std::vector<Transition> out;
  StructureState cur = current;
  // Each step enters a new state, and a chain longer than the number of states would loop.
  for (std::size_t guard = 0; guard < lc.states.size(); ++guard) {
    const TimerRule* t = lc.timer_in(cur.state);
    if (t == nullptr || !cur.since) break;
    const Date due = add_delay(*cur.since, t->after);
    if (!(as_of > due)) break;
    Transition step;
    step.from = cur.state;
    step.to = t->to;
    step.event = t->event;
    step.date = due;
    step.user = std::string(kSystemUser);
    step.implicit = true;
    step.timer = t->id;
    out.push_back(step);
    cur = {t->to, due};
  }
  return out;
}

std::optional<Date> entered(std::span<const Transition> history, std::string_view state) {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->to == state) return it->date;
  }
  return std::nullopt;
}

Result<ContractStep> contract_step(const Lifecycle& lc, std::string_view state) {
  const TransitionRule* rule = nullptr;
  for (const auto& t : lc.transitions) {
    if (t.via == RecordedVia::aci_contract) rule = &t;
  }
  if (rule == nullptr) return ContractStep{};
  if (std::find(rule->from.begin(), rule->from.end(), state) != rule->from.end()) {
    return ContractStep{rule};
  }
  const State* here = lc.state(state);
  if (here != nullptr && !here->terminal && lc.reaches(rule->to, state)) return ContractStep{};
  auto label = [&](std::string_view id) {
    const State* s = lc.state(id);
    return s ? s->label : std::string(id);
  };
  std::string where;
  for (const auto& f : rule->from) where += (where.empty() ? "« " : " ou « ") + label(f) + " »";
  std::string msg = "Le contrat ACI se crée quand " + lc.definite + " est à l'étape " + where +
                    " ; elle est à l'étape « " + label(state) + " »";
  msg += here != nullptr && here->terminal ? ", qui est définitive." : ".";
  return fail(ErrorCode::invalid_transition, std::move(msg), "structure_id");
}

}  // namespace maillage::registry
