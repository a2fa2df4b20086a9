// Reading rules/lifecycle/*.toml with toml++ and checking the table as a whole (a state machine
// with an unreachable state or a way out of a terminal state is refused when the file is read,
// not discovered by a user).
#include <toml++/toml.h>

#include <algorithm>
#include <set>

#include "common/try.hpp"
#include "registry/lifecycle.hpp"

namespace maillage::registry {

namespace {

constexpr std::string_view kSchema = "maillage-lifecycle/1";

std::int64_t line_of(const toml::node& n) { return n.source().begin.line; }

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  tl::unexpected<Error> error(std::int64_t line, const std::string& key, std::string msg) const {
    return fail_at(file_, line, key, std::move(msg));
  }

  // Refuses keys the schema does not know: a typo ("notice_day") must not silently keep the
  // default.
  Status only_keys(const toml::table& t, const std::string& where,
                   std::initializer_list<std::string_view> keys) const {
    for (const auto& [k, v] : t) {
      if (std::find(keys.begin(), keys.end(), k.str()) == keys.end()) {
        return error(line_of(v), where + "." + std::string(k.str()),
                     "clé inconnue (clés possibles : " + join(keys) + ")");
      }
    }
    return {};
  }

  Result<std::string> string(const toml::table& t, const std::string& where, std::string_view key,
                             bool required) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (required)
        return error(line_of(t), where + "." + std::string(key), "clé obligatoire absente");
      return std::string();
    }
    const auto* s = n->as_string();
    if (s == nullptr || s->get().empty()) {
      return error(line_of(*n), where + "." + std::string(key), "texte non vide attendu");
    }
    return s->get();
  }

  Result<bool> boolean(const toml::table& t, const std::string& where, std::string_view key) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return false;
    const auto* b = n->as_boolean();
    if (b == nullptr) return error(line_of(*n), where + "." + std::string(key), "booléen attendu");
    return b->get();
  }

  Result<int> integer(const toml::table& t, const std::string& where, std::string_view key,
                      std::optional<int> def, int min, int max) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) {
      if (def) return *def;
      return error(line_of(t), where + "." + std::string(key), "clé obligatoire absente");
    }
    const auto* i = n->as_integer();
    if (i == nullptr || i->get() < min || i->get() > max) {
      return error(
          line_of(*n), where + "." + std::string(key),
          "entier entre " + std::to_string(min) + " et " + std::to_string(max) + " attendu");
    }
    return static_cast<int>(i->get());
  }

  // A string or an array of strings.
  Result<std::vector<std::string>> strings(const toml::table& t, const std::string& where,
                                           std::string_view key, bool required) const {
    const toml::node* n = t.get(key);
    const std::string k = where + "." + std::string(key);
    if (n == nullptr) {
      if (required) return error(line_of(t), k, "clé obligatoire absente");
      return std::vector<std::string>{};
    }
    if (const auto* s = n->as_string()) return std::vector<std::string>{s->get()};
    const auto* a = n->as_array();
    if (a == nullptr) return error(line_of(*n), k, "texte ou tableau de textes attendu");
    std::vector<std::string> out;
    for (const toml::node& e : *a) {
      const auto* s = e.as_string();
      if (s == nullptr || s->get().empty()) return error(line_of(e), k, "texte non vide attendu");
      out.push_back(s->get());
    }
    if (out.empty() && required) return error(line_of(*n), k, "tableau non vide attendu");
    return out;
  }

  Result<Delay> delay(const toml::table& t, const std::string& where, std::string_view key) const {
    const toml::node* n = t.get(key);
    const std::string k = where + "." + std::string(key);
    if (n == nullptr) return error(line_of(t), k, "clé obligatoire absente");
    const auto* d = n->as_table();
    if (d == nullptr) return error(line_of(*n), k, "délai attendu, par exemple { months = 2 }");
    if (auto ok = only_keys(*d, k, {"months", "days"}); !ok) return tl::unexpected(ok.error());
    auto months = integer(*d, k, "months", 0, 0, 1200);
    if (!months) return tl::unexpected(months.error());
    auto days = integer(*d, k, "days", 0, 0, 36500);
    if (!days) return tl::unexpected(days.error());
    if (*months == 0 && *days == 0) return error(line_of(*n), k, "délai nul");
    return Delay{*months, *days};
  }

  Result<Provenance> provenance(const toml::table& t, const std::string& where) const {
    Provenance p;
    auto source = string(t, where, "source", true);
    if (!source) return tl::unexpected(source.error());
    p.source = *source;
    auto verified = boolean(t, where, "verified");
    if (!verified) return tl::unexpected(verified.error());
    p.verified = *verified;
    auto note = string(t, where, "note", false);
    if (!note) return tl::unexpected(note.error());
    p.note = *note;
    return p;
  }

  // The array of tables `key` (absent: empty).
  Result<std::vector<const toml::table*>> tables(const toml::table& root,
                                                 std::string_view key) const {
    std::vector<const toml::table*> out;
    const toml::node* n = root.get(key);
    if (n == nullptr) return out;
    const auto* a = n->as_array();
    if (a == nullptr) {
      return error(line_of(*n), std::string(key),
                   "tableau de tables attendu ([[" + std::string(key) + "]])");
    }
    for (const toml::node& e : *a) {
      const auto* t = e.as_table();
      if (t == nullptr) return error(line_of(e), std::string(key), "table attendue");
      out.push_back(t);
    }
    return out;
  }

  const std::string& file() const { return file_; }

 private:
  static std::string join(std::initializer_list<std::string_view> keys) {
    std::string out;
    for (auto k : keys) {
      if (!out.empty()) out += ", ";
      out += k;
    }
    return out;
  }
  std::string file_;
};

bool valid_id(std::string_view id) {
  return !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
  });
}

// "l'ARS", "le ROC ou l'ARS", "le coordinateur, le ROC ou l'ARS".
std::string deciders_label(const std::vector<std::string>& roles) {
  auto one = [](std::string_view r) -> std::string {
    if (r == "roc") return "le ROC";
    if (r == "ars") return "l'ARS";
    if (r == "charge_de_mission") return "le chargé de mission";
    return "le coordinateur";
  };
  std::string out;
  for (std::size_t i = 0; i < roles.size(); ++i) {
    if (i > 0) out += i + 1 == roles.size() ? " ou " : ", ";
    out += one(roles[i]);
  }
  return out;
}

// Who records a step: `decided_by` (role ids, with the source of that rule) or `via` another
// record. Every transition says one or the other: a step nobody may record would be a dead end.
Status read_decision(const Reader& r, const toml::table& t, const std::string& w,
                     TransitionRule& tr) {
  auto via = MAILLAGE_TRY(r.string(t, w, "via", false));
  auto roles = MAILLAGE_TRY(r.strings(t, w, "decided_by", false));
  if (!via.empty()) {
    if (via != "contrat_aci") {
      return r.error(tr.line, w + ".via", "valeur inconnue « " + via + " » (possible : contrat_aci)");
    }
    if (!roles.empty()) {
      return r.error(tr.line, w + ".decided_by",
                     "une étape enregistrée par un contrat (via) n'est décidée par aucun rôle");
    }
    tr.via = RecordedVia::aci_contract;
  } else {
    if (roles.empty()) {
      return r.error(tr.line, w + ".decided_by",
                     "clé obligatoire absente : quels rôles enregistrent cette étape ?");
    }
    for (const std::string& role : roles) {
      if (std::find(std::begin(kDeciderRoles), std::end(kDeciderRoles), role) ==
          std::end(kDeciderRoles)) {
        return r.error(tr.line, w + ".decided_by",
                       "rôle inconnu « " + role + " » (possibles : roc, ars, charge_de_mission, "
                       "coordinator)");
      }
    }
    tr.decided_by = roles;
    tr.decided_by_label = deciders_label(roles);
  }
  tr.provenance = MAILLAGE_TRY(r.provenance(t, w));
  return {};
}

Result<Lifecycle> read(const Reader& r, const toml::table& root) {
  MAILLAGE_CHECK(r.only_keys(root, "",
                             {"schema", "structure", "states", "transitions", "timers", "deadlines",
                              "anniversaries", "stage_groups"}));
  {
    auto schema = MAILLAGE_TRY(r.string(root, "", "schema", true));
    if (schema != kSchema) {
      return r.error(
          line_of(*root.get("schema")), "schema",
          "schéma « " + schema + " » inconnu (attendu « " + std::string(kSchema) + " »)");
    }
  }
  Lifecycle lc;
  lc.file = r.file();
  const toml::table* structure = root["structure"].as_table();
  if (structure == nullptr) return r.error(0, "structure", "table [structure] absente");
  MAILLAGE_CHECK(r.only_keys(*structure, "structure", {"kind", "label", "definite"}));
  {
    auto kind = MAILLAGE_TRY(r.string(*structure, "structure", "kind", true));
    auto label = MAILLAGE_TRY(r.string(*structure, "structure", "label", true));
    auto definite = MAILLAGE_TRY(r.string(*structure, "structure", "definite", true));
    if (!valid_id(kind))
      return r.error(line_of(*structure), "structure.kind", "identifiant en minuscules attendu");
    lc.kind = kind;
    lc.label = label;
    lc.definite = definite;
  }

  // Ids must be unique across states, events and timer events: `transition` accepts either an
  // event or a target state, which must never be ambiguous.
  std::set<std::string, std::less<>> ids;
  auto new_id = [&](const std::string& id, std::int64_t line, const std::string& key) -> Status {
    if (!valid_id(id)) {
      return r.error(line, key,
                     "identifiant « " + id + " » invalide (minuscules, chiffres, _ et .)");
    }
    if (!ids.insert(id).second)
      return r.error(line, key, "identifiant « " + id + " » déjà utilisé");
    return {};
  };

  auto states = MAILLAGE_TRY(r.tables(root, "states"));
  if (states.empty()) return r.error(0, "states", "aucun état ([[states]])");
  for (std::size_t i = 0; i < states.size(); ++i) {
    const toml::table& t = *states[i];
    const std::string w = "states[" + std::to_string(i) + "]";
    MAILLAGE_CHECK(r.only_keys(t, w, {"id", "label", "initial", "terminal"}));
    State s;
    s.line = line_of(t);
    auto id = MAILLAGE_TRY(r.string(t, w, "id", true));
    MAILLAGE_CHECK(new_id(id, s.line, w + ".id"));
    auto label = MAILLAGE_TRY(r.string(t, w, "label", true));
    auto initial = MAILLAGE_TRY(r.boolean(t, w, "initial"));
    auto terminal = MAILLAGE_TRY(r.boolean(t, w, "terminal"));
    if (initial && terminal)
      return r.error(s.line, w, "un état ne peut pas être initial et terminal");
    s.id = id;
    s.label = label;
    s.initial = initial;
    s.terminal = terminal;
    lc.states.push_back(std::move(s));
  }
  if (std::count_if(lc.states.begin(), lc.states.end(), [](const State& s) { return s.initial; }) !=
      1) {
    return r.error(lc.states.front().line, "states",
                   "il faut exactement un état initial (initial = true)");
  }
  auto known_state = [&](const std::string& id, std::int64_t line,
                         const std::string& key) -> Status {
    if (lc.state(id) == nullptr) return r.error(line, key, "état « " + id + " » inconnu");
    return {};
  };
  auto known_states = [&](const std::vector<std::string>& v, std::int64_t line,
                          const std::string& key) -> Status {
    for (const std::string& s : v) MAILLAGE_CHECK(known_state(s, line, key));
    return {};
  };

  auto transitions = MAILLAGE_TRY(r.tables(root, "transitions"));
  for (std::size_t i = 0; i < transitions.size(); ++i) {
    const toml::table& t = *transitions[i];
    const std::string w = "transitions[" + std::to_string(i) + "]";
    MAILLAGE_CHECK(r.only_keys(
        t, w, {"event", "label", "from", "to", "decided_by", "via", "source", "verified", "note"}));
    TransitionRule tr;
    tr.line = line_of(t);
    auto event = MAILLAGE_TRY(r.string(t, w, "event", true));
    MAILLAGE_CHECK(new_id(event, tr.line, w + ".event"));
    auto label = MAILLAGE_TRY(r.string(t, w, "label", true));
    auto from = MAILLAGE_TRY(r.strings(t, w, "from", true));
    auto to = MAILLAGE_TRY(r.string(t, w, "to", true));
    MAILLAGE_CHECK(known_states(from, tr.line, w + ".from"));
    MAILLAGE_CHECK(known_state(to, tr.line, w + ".to"));
    for (const std::string& f : from) {
      if (lc.state(f)->terminal) {
        return r.error(tr.line, w + ".from",
                       "l'état « " + f + " » est terminal : aucune transition ne peut en partir");
      }
      if (f == to) return r.error(tr.line, w, "transition de « " + f + " » vers lui-même");
    }
    tr.event = event;
    tr.label = label;
    tr.from = from;
    tr.to = to;
    MAILLAGE_CHECK(read_decision(r, t, w, tr));
    lc.transitions.push_back(std::move(tr));
  }
  // One move per (state, target), so that a target state names a single transition.
  for (const State& s : lc.states) {
    std::set<std::string, std::less<>> targets;
    for (const TransitionRule* tr : lc.allowed_from(s.id)) {
      if (!targets.insert(tr->to).second) {
        return r.error(tr->line, "transitions",
                       "deux transitions mènent de « " + s.id + " » à « " + tr->to + " »");
      }
    }
  }

  auto timers = MAILLAGE_TRY(r.tables(root, "timers"));
  for (std::size_t i = 0; i < timers.size(); ++i) {
    const toml::table& t = *timers[i];
    const std::string w = "timers[" + std::to_string(i) + "]";
    MAILLAGE_CHECK(r.only_keys(t, w,
                               {"id", "label", "state", "after", "to", "event", "notice_days",
                                "source", "verified", "note"}));
    TimerRule tm;
    tm.line = line_of(t);
    auto id = MAILLAGE_TRY(r.string(t, w, "id", true));
    MAILLAGE_CHECK(new_id(id, tm.line, w + ".id"));
    auto label = MAILLAGE_TRY(r.string(t, w, "label", true));
    auto state = MAILLAGE_TRY(r.string(t, w, "state", true));
    auto after = MAILLAGE_TRY(r.delay(t, w, "after"));
    auto to = MAILLAGE_TRY(r.string(t, w, "to", true));
    auto event = MAILLAGE_TRY(r.string(t, w, "event", true));
    MAILLAGE_CHECK(new_id(event, tm.line, w + ".event"));
    auto notice = MAILLAGE_TRY(r.integer(t, w, "notice_days", 30, 0, 3650));
    auto prov = MAILLAGE_TRY(r.provenance(t, w));
    MAILLAGE_CHECK(known_state(state, tm.line, w + ".state"));
    MAILLAGE_CHECK(known_state(to, tm.line, w + ".to"));
    if (lc.timer_in(state) != nullptr) {
      return r.error(tm.line, w + ".state",
                     "un autre délai s'applique déjà à l'état « " + state + " »");
    }
    // The implicit move must also be a move the table allows explicitly (the ARS may validate
    // before the delay ends), so that both paths lead to the same place.
    bool declared = false;
    for (const TransitionRule* tr : lc.allowed_from(state)) declared = declared || tr->to == to;
    if (!declared) {
      return r.error(tm.line, w + ".to",
                     "aucune transition déclarée ne mène de « " + state + " » à « " + to + " »");
    }
    tm.id = id;
    tm.label = label;
    tm.state = state;
    tm.after = after;
    tm.to = to;
    tm.event = event;
    tm.notice_days = notice;
    tm.provenance = prov;
    lc.timers.push_back(std::move(tm));
  }

  auto deadlines = MAILLAGE_TRY(r.tables(root, "deadlines"));
  for (std::size_t i = 0; i < deadlines.size(); ++i) {
    const toml::table& t = *deadlines[i];
    const std::string w = "deadlines[" + std::to_string(i) + "]";
    MAILLAGE_CHECK(r.only_keys(t, w,
                               {"id", "label", "counted_from", "within", "milestone", "while_in",
                                "notice_days", "source", "verified", "note"}));
    DeadlineRule d;
    d.line = line_of(t);
    auto id = MAILLAGE_TRY(r.string(t, w, "id", true));
    MAILLAGE_CHECK(new_id(id, d.line, w + ".id"));
    auto label = MAILLAGE_TRY(r.string(t, w, "label", true));
    auto from = MAILLAGE_TRY(r.string(t, w, "counted_from", true));
    auto within = MAILLAGE_TRY(r.delay(t, w, "within"));
    auto milestone = MAILLAGE_TRY(r.string(t, w, "milestone", true));
    auto while_in = MAILLAGE_TRY(r.strings(t, w, "while_in", false));
    auto notice = MAILLAGE_TRY(r.integer(t, w, "notice_days", 60, 0, 3650));
    auto prov = MAILLAGE_TRY(r.provenance(t, w));
    MAILLAGE_CHECK(known_state(from, d.line, w + ".counted_from"));
    MAILLAGE_CHECK(known_states(while_in, d.line, w + ".while_in"));
    if (!valid_id(milestone))
      return r.error(d.line, w + ".milestone", "identifiant de jalon invalide");
    d.id = id;
    d.label = label;
    d.counted_from = from;
    d.within = within;
    d.milestone = milestone;
    d.while_in = while_in;
    d.notice_days = notice;
    d.provenance = prov;
    lc.deadlines.push_back(std::move(d));
  }

  auto anniversaries = MAILLAGE_TRY(r.tables(root, "anniversaries"));
  for (std::size_t i = 0; i < anniversaries.size(); ++i) {
    const toml::table& t = *anniversaries[i];
    const std::string w = "anniversaries[" + std::to_string(i) + "]";
    MAILLAGE_CHECK(r.only_keys(t, w,
                               {"id", "label", "final_label", "counted_from", "every_months",
                                "count", "while_in", "notice_days", "source", "verified", "note"}));
    AnniversaryRule a;
    a.line = line_of(t);
    auto id = MAILLAGE_TRY(r.string(t, w, "id", true));
    MAILLAGE_CHECK(new_id(id, a.line, w + ".id"));
    auto label = MAILLAGE_TRY(r.string(t, w, "label", true));
    auto final_label = MAILLAGE_TRY(r.string(t, w, "final_label", false));
    auto from = MAILLAGE_TRY(r.string(t, w, "counted_from", true));
    auto every = MAILLAGE_TRY(r.integer(t, w, "every_months", 12, 1, 120));
    auto count = MAILLAGE_TRY(r.integer(t, w, "count", std::nullopt, 1, 100));
    auto while_in = MAILLAGE_TRY(r.strings(t, w, "while_in", false));
    auto notice = MAILLAGE_TRY(r.integer(t, w, "notice_days", 60, 0, 3650));
    auto prov = MAILLAGE_TRY(r.provenance(t, w));
    MAILLAGE_CHECK(known_state(from, a.line, w + ".counted_from"));
    MAILLAGE_CHECK(known_states(while_in, a.line, w + ".while_in"));
    a.id = id;
    a.label = label;
    a.final_label = final_label;
    a.counted_from = from;
    a.every_months = every;
    a.count = count;
    a.while_in = while_in;
    a.notice_days = notice;
    a.provenance = prov;
    lc.anniversaries.push_back(std::move(a));
  }

  auto groups = MAILLAGE_TRY(r.tables(root, "stage_groups"));
  for (std::size_t i = 0; i < groups.size(); ++i) {
    const toml::table& t = *groups[i];
    const std::string w = "stage_groups[" + std::to_string(i) + "]";
    MAILLAGE_CHECK(r.only_keys(t, w, {"id", "label", "states"}));
    StageGroup g;
    g.line = line_of(t);
    auto id = MAILLAGE_TRY(r.string(t, w, "id", true));
    if (!valid_id(id) || lc.stage_group(id) != nullptr) {
      return r.error(g.line, w + ".id",
                     "identifiant de groupe « " + id + " » invalide ou déjà utilisé");
    }
    auto label = MAILLAGE_TRY(r.string(t, w, "label", true));
    auto members = MAILLAGE_TRY(r.strings(t, w, "states", true));
    MAILLAGE_CHECK(known_states(members, g.line, w + ".states"));
    g.id = id;
    g.label = label;
    g.states = members;
    lc.stage_groups.push_back(std::move(g));
  }

  // Every state must be reachable from the initial one, or the table has a hole.
  std::set<std::string, std::less<>> seen{lc.initial().id};
  std::vector<std::string> todo{lc.initial().id};
  while (!todo.empty()) {
    const std::string s = todo.back();
    todo.pop_back();
    for (const TransitionRule* tr : lc.allowed_from(s)) {
      if (seen.insert(tr->to).second) todo.push_back(tr->to);
    }
  }
  for (const State& s : lc.states) {
    if (!seen.contains(s.id)) {
      return r.error(
          s.line, "states",
          "l'état « " + s.id + " » n'est atteignable par aucune transition depuis l'état initial");
    }
    if (!s.terminal && lc.allowed_from(s.id).empty()) {
      return r.error(s.line, "states",
                     "l'état « " + s.id + " » n'est pas terminal mais aucune transition n'en part");
    }
  }
  return lc;
}

}  // namespace

Result<Lifecycle> parse_lifecycle(std::string_view file, std::string_view text) {
  const Reader reader{std::string(file)};
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    return fail_at(std::string(file), e.source().begin.line, "",
                   "TOML invalide : " + std::string(e.description()));
  }
  return read(reader, root);
}

}  // namespace maillage::registry
