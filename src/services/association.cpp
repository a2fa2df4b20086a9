// Association life: access rules, statuts, members and their history (see association.hpp).
#include "services/association.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "association/membership.hpp"
#include "common/dates.hpp"
#include "common/try.hpp"
#include "services/association_internal.hpp"
#include "services/association_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::AuditDetail;
using store::Tx;

const std::vector<Choice>& association_professions() {
  // RPPS "code profession" of the open extract (src/rpps), those of primary care.
  static const std::vector<Choice> list{
      {"10", "Médecin"},
      {"21", "Pharmacien"},
      {"40", "Chirurgien-dentiste"},
      {"50", "Sage-femme"},
      {"60", "Infirmier"},
      {"70", "Masseur-kinésithérapeute"},
      {"80", "Pédicure-podologue"},
      {"91", "Orthophoniste"},
      {"92", "Orthoptiste"},
  };
  return list;
}

const std::vector<Choice>& association_legal_kinds() {
  static const std::vector<Choice> list{
      {"pharmacie", "Pharmacie (officine)"},
      {"laboratoire", "Laboratoire de biologie"},
      {"ehpad", "EHPAD"},
      {"etablissement", "Établissement de santé"},
      {"centre_de_sante", "Centre de santé"},
      {"medico_social", "Structure médico-sociale"},
      {"association_usagers", "Association d'usagers"},
      {"collectivite", "Collectivité"},
      {"autre", "Autre personne morale"},
  };
  return list;
}

const std::vector<Choice>& association_modes() {
  static const std::vector<Choice> list{
      {"liberal", "Libéral"}, {"salarie", "Salarié"}, {"mixte", "Mixte"}};
  return list;
}

const std::vector<Choice>& association_bureau_functions() {
  static const std::vector<Choice> list{{"president", "Président(e)"},
                                        {"vice_president", "Vice-président(e)"},
                                        {"tresorier", "Trésorier(ère)"},
                                        {"secretaire", "Secrétaire"},
                                        {"membre", "Membre du bureau"}};
  return list;
}

std::string association_label(const std::vector<Choice>& list, const std::string& id) {
  for (const auto& c : list) {
    if (c.id == id) return c.label;
  }
  return id;
}

namespace assoc {

association::Statuts to_engine(const StatutsInput& in) {
  association::Statuts s;
  s.weight_mode = in.weight_mode == "fixed_share" ? association::WeightMode::fixed_share
                                                  : association::WeightMode::head_count;
  s.period = in.period == "rolling_12_months" ? association::MembershipPeriod::rolling_12_months
                                              : association::MembershipPeriod::calendar_year;
  if (!in.default_college.empty()) s.default_college = in.default_college;
  for (const auto& c : in.colleges) {
    s.colleges.push_back(
        {c.id, c.name,
         c.share_den > 0 ? association::Ratio(c.share_num, c.share_den) : association::Ratio(0)});
    if (!c.professions.empty() || !c.legal_kinds.empty()) {
      s.placement.push_back({c.id, c.professions, c.legal_kinds});
    }
  }
  const AgRules& a = in.ag;
  s.convocation_days = a.convocation_days;
  auto quorum = [](const std::string& scope, std::int64_t num, std::int64_t den) {
    association::Quorum q;
    q.scope = scope == "global"        ? association::Quorum::Scope::global
              : scope == "per_college" ? association::Quorum::Scope::per_college
              : scope == "weighted"    ? association::Quorum::Scope::weighted
                                       : association::Quorum::Scope::none;
    q.minimum = den > 0 ? association::Ratio(num, den) : association::Ratio(0);
    return q;
  };
  s.first_quorum = quorum(a.first_quorum, a.first_quorum_num, a.first_quorum_den);
  s.second_quorum = quorum(a.second_quorum, a.second_quorum_num, a.second_quorum_den);
  auto majority = [](const std::string& m) {
    return m == "absolute"     ? association::Majority::absolute
           : m == "two_thirds" ? association::Majority::two_thirds
                               : association::Majority::simple;
  };
  s.resolution_kinds = {{"ordinaire", "Résolution ordinaire", majority(a.ordinary_majority)},
                        {"statuts", "Modification des statuts", majority(a.statuts_majority)}};
  s.abstentions_expressed = a.abstentions_expressed;
  s.empty_college_share = a.empty_college_share == "lost"
                              ? association::EmptyCollegeShare::lost
                              : association::EmptyCollegeShare::redistributed;
  s.proxies.max_per_holder = a.proxy_max;
  s.proxies.same_college_only = a.proxy_same_college;
  return s;
}

Status check_ag_rules(AgRules& a) {
  auto one_of = [](const std::string& v, std::initializer_list<const char*> list) {
    return std::any_of(list.begin(), list.end(), [&](const char* x) { return v == x; });
  };
  for (auto* q : {&a.first_quorum, &a.second_quorum}) {
    if (!one_of(*q, {"none", "global", "per_college", "weighted"})) {
      return fail(ErrorCode::invalid_input,
                  "Quorum : aucun, global, par collège ou en voix pondérées.",
                  q == &a.first_quorum ? "ag.first_quorum" : "ag.second_quorum");
    }
  }
  // No quorum: the minimum means nothing; keep 0/1 so that the engine's check passes.
  if (a.first_quorum == "none") a.first_quorum_num = 0, a.first_quorum_den = 1;
  if (a.second_quorum == "none") a.second_quorum_num = 0, a.second_quorum_den = 1;
  for (auto* m : {&a.ordinary_majority, &a.statuts_majority}) {
    if (!one_of(*m, {"simple", "absolute", "two_thirds"})) {
      return fail(ErrorCode::invalid_input, "Majorité : simple, absolue ou des deux tiers.",
                  m == &a.ordinary_majority ? "ag.ordinary_majority" : "ag.statuts_majority");
    }
  }
  if (!one_of(a.empty_college_share, {"redistributed", "lost"})) {
    return fail(ErrorCode::invalid_input, "Collège sans votant : part redistribuée ou perdue.",
                "ag.empty_college_share");
  }
  if (a.first_quorum_den <= 0 || a.first_quorum_num < 0 || a.second_quorum_den <= 0 ||
      a.second_quorum_num < 0) {
    return fail(ErrorCode::invalid_input, "Fraction du quorum invalide.", "ag.quorum");
  }
  return {};
}

std::string college_name(const StatutsInput& statuts, const std::string& college_id) {
  for (const auto& c : statuts.colleges) {
    if (c.id == college_id) return c.name.empty() ? c.id : c.name;
  }
  return college_id;
}

std::string display_name(const MemberInput& m) {
  if (m.kind == "legal_person") return m.organisation;
  // Upper case for ASCII and the Latin-1 letters of French names (é → É is 0xC3 0xA9 → 0xC3 0x89).
  std::string upper = m.last_name;
  for (std::size_t i = 0; i < upper.size(); ++i) {
    const auto c = static_cast<unsigned char>(upper[i]);
    if (c >= 'a' && c <= 'z') {
      upper[i] = static_cast<char>(c - 32);
    } else if (c == 0xC3 && i + 1 < upper.size()) {
      const auto d = static_cast<unsigned char>(upper[i + 1]);
      if (d >= 0xA0 && d <= 0xBE && d != 0xB7) upper[i + 1] = static_cast<char>(d - 0x20);
      ++i;
    }
  }
  return m.first_name.empty() ? upper : upper + " " + m.first_name;
}

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

bool in_list(const std::vector<Choice>& list, const std::string& id) {
  return std::any_of(list.begin(), list.end(), [&](const Choice& c) { return c.id == id; });
}

bool plausible_email(const std::string& e) {
  const auto at = e.find('@');
  return at != std::string::npos && at > 0 && e.find('@', at + 1) == std::string::npos &&
         e.find('.', at) != std::string::npos && e.back() != '.' &&
         e.find_first_of(" \t;,<>") == std::string::npos;
}

}  // namespace

Status normalise_member(const association::Statuts& statuts, const geo::Referentiel& ref,
                        MemberInput& m) {
  for (std::string* s : {&m.last_name, &m.first_name, &m.organisation, &m.legal_kind,
                         &m.representative, &m.profession, &m.rpps, &m.mode_exercice, &m.commune,
                         &m.email, &m.phone, &m.college, &m.bureau, &m.joined, &m.radiated}) {
    *s = trim(*s);
    if (s->size() > 200) return fail(ErrorCode::invalid_input, "200 caractères au plus.", "");
  }
  std::transform(m.email.begin(), m.email.end(), m.email.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (m.kind != "person" && m.kind != "legal_person") {
    return fail(ErrorCode::invalid_input, "Type attendu : personne ou personne morale.", "kind");
  }
  if (m.kind == "person") {
    if (m.last_name.empty())
      return fail(ErrorCode::missing_field, "Le nom est requis.", "last_name");
    m.organisation.clear();
    m.legal_kind.clear();
    m.representative.clear();
    if (!m.profession.empty() && !in_list(association_professions(), m.profession)) {
      return fail(
          ErrorCode::invalid_input,
          fmt::format("Profession inconnue : « {} » (code profession RPPS attendu).", m.profession),
          "profession");
    }
  } else {
    if (m.organisation.empty()) {
      return fail(ErrorCode::missing_field, "La raison sociale est requise.", "organisation");
    }
    if (!in_list(association_legal_kinds(), m.legal_kind)) {
      return fail(ErrorCode::invalid_input, "Choisissez le type de personne morale.", "legal_kind");
    }
    if (m.representative.empty()) {
      return fail(ErrorCode::missing_field, "Le nom du représentant est requis.", "representative");
    }
    m.profession.clear();
  }
  if (!m.rpps.empty() &&
      (m.rpps.size() != 11 || m.rpps.find_first_not_of("0123456789") != std::string::npos)) {
    return fail(ErrorCode::invalid_input, "Le numéro RPPS compte 11 chiffres.", "rpps");
  }
  if (!m.mode_exercice.empty() && !in_list(association_modes(), m.mode_exercice)) {
    return fail(ErrorCode::invalid_input, "Mode d'exercice : libéral, salarié ou mixte.",
                "mode_exercice");
  }
  if (!m.commune.empty() && ref.commune(m.commune) == nullptr) {
    return fail(ErrorCode::invalid_input,
                fmt::format("Commune inconnue : {} (code INSEE attendu).", m.commune), "commune");
  }
  if (!m.email.empty() && !plausible_email(m.email)) {
    return fail(ErrorCode::invalid_input, fmt::format("Adresse e-mail invalide : {}", m.email),
                "email");
  }
  if (!m.bureau.empty() && !in_list(association_bureau_functions(), m.bureau)) {
    return fail(ErrorCode::invalid_input, "Fonction au bureau inconnue.", "bureau");
  }
  if (m.joined.empty()) m.joined = format_date(today_utc());
  const auto joined = parse_date(m.joined);
  if (!joined) {
    return fail(ErrorCode::invalid_input, "Date d'adhésion attendue au format AAAA-MM-JJ.",
                "joined");
  }
  if (!m.radiated.empty()) {
    const auto radiated = parse_date(m.radiated);
    if (!radiated || *radiated < *joined) {
      return fail(ErrorCode::invalid_input,
                  "Date de radiation attendue au format AAAA-MM-JJ, après l'adhésion.", "radiated");
    }
  }
  if (m.college.empty()) {
    auto placed =
        association::place_member(statuts,
                                  m.kind == "legal_person" ? association::MemberKind::legal_person
                                                           : association::MemberKind::person,
                                  m.kind == "legal_person" ? m.legal_kind : m.profession);
    if (!placed) {
      Error e = placed.error();
      e.field = "college";
      return tl::unexpected(std::move(e));
    }
    m.college = *placed;
  } else if (statuts.find_college(m.college) == nullptr) {
    return fail(ErrorCode::invalid_input,
                fmt::format("Collège inconnu des statuts : {}", m.college), "college");
  }
  return {};
}

std::string describe_changes(const MemberInput& a, const MemberInput& b) {
  std::string out;
  auto field = [&](const char* label, const std::string& x, const std::string& y) {
    if (x == y) return;
    if (!out.empty()) out += " ; ";
    out += fmt::format("{} : {} → {}", label, x.empty() ? "∅" : x, y.empty() ? "∅" : y);
  };
  field("Type", a.kind, b.kind);
  field("Nom", a.last_name, b.last_name);
  field("Prénom", a.first_name, b.first_name);
  field("Raison sociale", a.organisation, b.organisation);
  field("Type de personne morale", a.legal_kind, b.legal_kind);
  field("Représentant", a.representative, b.representative);
  field("Profession", a.profession, b.profession);
  field("RPPS", a.rpps, b.rpps);
  field("Mode d'exercice", a.mode_exercice, b.mode_exercice);
  field("Commune", a.commune, b.commune);
  field("E-mail", a.email, b.email);
  field("Téléphone", a.phone, b.phone);
  field("Collège", a.college, b.college);
  field("Bureau", a.bureau, b.bureau);
  field("Adhésion", a.joined, b.joined);
  field("Radiation", a.radiated, b.radiated);
  return out;
}

std::vector<association::Tariff> engine_tariffs(const std::vector<TariffRow>& rows) {
  std::vector<association::Tariff> out;
  for (const auto& t : rows) out.push_back({t.year, t.college, t.profession, t.amount_cents});
  return out;
}

association::MemberDues engine_dues(std::int64_t id, const MemberInput& m,
                                    const std::vector<PaymentRow>& payments) {
  association::MemberDues dues;
  dues.id = std::to_string(id);
  dues.college = m.college;
  dues.profession = m.kind == "legal_person" ? m.legal_kind : m.profession;
  dues.joined = parse_date(m.joined).value_or(today_utc());
  if (!m.radiated.empty()) dues.radiated = parse_date(m.radiated);
  for (const auto& p : payments) {
    if (p.member_id != id) continue;
    dues.payments.push_back({parse_date(p.paid_on).value_or(dues.joined), p.amount_cents, p.method,
                             p.reference, p.covers_year});
  }
  return dues;
}

std::string status_id(association::MembershipStatus s) {
  switch (s) {
    case association::MembershipStatus::en_attente:
      return "en_attente";
    case association::MembershipStatus::a_jour:
      return "a_jour";
    case association::MembershipStatus::echue:
      return "echue";
    case association::MembershipStatus::radiee:
      return "radiee";
  }
  return "en_attente";
}

}  // namespace assoc

namespace {

tl::unexpected<Error> not_found_structure(std::int64_t id) {
  return fail(ErrorCode::not_found, fmt::format("La structure {} n'existe pas.", id), "structure");
}

tl::unexpected<Error> out_of_scope() {
  return fail(ErrorCode::forbidden, "Cette structure n'est pas dans votre périmètre.");
}

tl::unexpected<Error> managers_only() {
  return fail(ErrorCode::forbidden,
              "Seuls la coordination et le bureau de l'association modifient ces données.");
}

// Membership status today from the engine; left empty when the dues are not computable (a
// missing tariff), which the dues page explains.
void fill_status(const association::Statuts& statuts,
                 const std::vector<association::Tariff>& tariffs,
                 const std::vector<PaymentRow>& payments, Member& m) {
  auto state = association::membership_at(statuts, tariffs,
                                          assoc::engine_dues(m.id, m.data, payments), today_utc());
  if (!state) return;
  m.status = assoc::status_id(state->status);
  m.status_label = std::string(association::label(state->status));
  if (state->paid_until) m.paid_until = format_date(*state->paid_until);
}

std::vector<association::Tariff> engine_tariffs(const std::vector<TariffRow>& rows) {
  return assoc::engine_tariffs(rows);
}

}  // namespace

Result<AssociationAccess> Association::access(const Principal& who,
                                              std::int64_t structure_id) const {
  const AssociationRepository repo(*db_);
  auto s = MAILLAGE_TRY(repo.structure(structure_id));
  if (!s) return not_found_structure(structure_id);
  auto region_of = [this](std::string_view code) {
    const auto* d = ref_->departement(std::string(code));
    return d ? d->region : std::string();
  };
  if (!covers_structure(who, structure_id, s->departement, region_of)) return out_of_scope();
  if (who.role == Role::admin || who.role == Role::coordinator) return AssociationAccess::manage;
  if (who.role == Role::member) {
    auto mine = MAILLAGE_TRY(repo.member_by_email(structure_id, who.login));
    if (mine && !mine->data.bureau.empty() && mine->data.radiated.empty()) {
      return AssociationAccess::manage;
    }
    return AssociationAccess::own;
  }
  return AssociationAccess::aggregate;
}

Result<StatutsView> Association::statuts(const Principal& who, std::int64_t structure_id) const {
  StatutsView out;
  out.access = MAILLAGE_TRY(access(who, structure_id));
  const AssociationRepository repo(*db_);
  auto s = MAILLAGE_TRY(repo.structure(structure_id));
  out.structure_id = structure_id;
  out.structure_name = s->name;
  out.structure_kind = s->kind;
  if (auto stored = MAILLAGE_TRY(repo.statuts(structure_id))) {
    out.defined = true;
    out.statuts = std::move(stored->statuts);
    out.updated_by = stored->updated_by;
    out.updated_at = stored->updated_at;
  }
  return out;
}

Result<StatutsView> Association::save_statuts(const Principal& who, std::int64_t structure_id,
                                              const StatutsInput& raw) {
  if (MAILLAGE_TRY(access(who, structure_id)) != AssociationAccess::manage) return managers_only();
  StatutsInput in = raw;
  if (in.weight_mode != "head_count" && in.weight_mode != "fixed_share") {
    return fail(ErrorCode::invalid_input, "Pondération : par tête ou parts fixes.", "weight_mode");
  }
  if (in.period != "calendar_year" && in.period != "rolling_12_months") {
    return fail(ErrorCode::invalid_input, "Période : année civile ou 12 mois glissants.", "period");
  }
  MAILLAGE_CHECK(assoc::check_ag_rules(in.ag));
  for (std::size_t i = 0; i < in.colleges.size(); ++i) {
    auto& c = in.colleges[i];
    if (in.weight_mode == "head_count") c.share_num = c.share_den = 1;
    if (c.share_den <= 0 || c.share_num < 0) {
      return fail(ErrorCode::invalid_input, "Part du collège invalide.",
                  fmt::format("colleges[{}].share", i));
    }
    for (const auto& p : c.professions) {
      if (association_label(association_professions(), p) == p) {
        return fail(ErrorCode::invalid_input, fmt::format("Profession inconnue : {}", p),
                    fmt::format("colleges[{}].professions", i));
      }
    }
    for (const auto& k : c.legal_kinds) {
      if (association_label(association_legal_kinds(), k) == k) {
        return fail(ErrorCode::invalid_input,
                    fmt::format("Type de personne morale inconnu : {}", k),
                    fmt::format("colleges[{}].legal_kinds", i));
      }
    }
  }
  association::Statuts engine = assoc::to_engine(in);
  if (in.weight_mode == "head_count") {
    // Shares mean nothing by head count; the engine still wants them to sum to 1 only for
    // fixed shares, so nothing to check here.
  }
  MAILLAGE_CHECK(association::validate_statuts(engine));
  const std::string at = store::timestamp_now();
  const Status written = db_->transact([&](Tx& tx) -> Status {
    const std::int64_t version =
        MAILLAGE_TRY(AssociationRepository::statuts_version(tx, structure_id));
    if (version != in.expected_version) {
      return fail(ErrorCode::conflict,
                  "Les statuts ont été modifiés entre-temps : rechargez la page pour voir la "
                  "dernière version.",
                  "version");
    }
    MAILLAGE_CHECK(
        AssociationRepository::replace_statuts(tx, structure_id, in, version + 1, who.login, at));
    return store::audit(
        tx, {who.login, "association.statuts", "structure", std::to_string(structure_id), "",
             AuditDetail{}
                 .add("version", version + 1)
                 .add("colleges", in.colleges.size())
                 .add("weight_mode", in.weight_mode)
                 .json()});
  });
  if (!written) return tl::unexpected(written.error());
  return statuts(who, structure_id);
}

Result<MemberRoster> Association::roster(const Principal& who, std::int64_t structure_id) const {
  MemberRoster out;
  out.statuts = MAILLAGE_TRY(statuts(who, structure_id));
  const AssociationRepository repo(*db_);
  auto rows = MAILLAGE_TRY(repo.members(structure_id));
  const association::Statuts engine = assoc::to_engine(out.statuts.statuts);
  const auto tariffs = engine_tariffs(MAILLAGE_TRY(repo.tariffs(structure_id)));
  const auto payments = MAILLAGE_TRY(repo.payments(structure_id));
  std::map<std::string, std::int64_t> by_college, by_profession;
  std::map<std::string, std::size_t> group_of;
  for (const auto& c : out.statuts.statuts.colleges) {
    group_of[c.id] = out.colleges.size();
    out.colleges.push_back({c.id, c.name, {}});
    by_college[c.id] = 0;
  }
  std::string login = who.login;
  std::transform(login.begin(), login.end(), login.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const auto& r : rows) {
    ++out.total;
    if (!r.data.radiated.empty()) continue;
    ++out.active;
    ++by_college[r.data.college];
    ++by_profession[r.data.kind == "legal_person" ? "personne_morale" : r.data.profession];
    const bool mine = who.role == Role::member && !r.data.email.empty() && r.data.email == login;
    if (out.statuts.access == AssociationAccess::aggregate) continue;
    if (out.statuts.access == AssociationAccess::own && !mine) continue;
    Member m;
    m.id = r.id;
    m.structure_id = r.structure_id;
    m.data = r.data;
    m.mine = mine;
    m.display_name = assoc::display_name(r.data);
    m.profession_label = association_label(association_professions(), r.data.profession);
    if (const auto* c = ref_->commune(r.data.commune)) m.commune_name = c->nom;
    fill_status(engine, tariffs, payments, m);
    auto g = group_of.find(r.data.college);
    if (g == group_of.end()) {
      group_of[r.data.college] = out.colleges.size();
      out.colleges.push_back(
          {r.data.college, "Collège inconnu des statuts : " + r.data.college, {}});
      g = group_of.find(r.data.college);
    }
    m.college_name = out.colleges[g->second].name;
    out.colleges[g->second].members.push_back(std::move(m));
  }
  // Radiated members are listed too, for managers, after the others of their collège.
  if (out.statuts.access == AssociationAccess::manage) {
    for (const auto& r : rows) {
      if (r.data.radiated.empty()) continue;
      Member m;
      m.id = r.id;
      m.structure_id = r.structure_id;
      m.data = r.data;
      m.display_name = assoc::display_name(r.data);
      m.profession_label = association_label(association_professions(), r.data.profession);
      if (const auto* c = ref_->commune(r.data.commune)) m.commune_name = c->nom;
      m.status = "radiee";
      m.status_label = "radiée";
      auto g = group_of.find(r.data.college);
      if (g == group_of.end()) {
        group_of[r.data.college] = out.colleges.size();
        out.colleges.push_back(
            {r.data.college, "Collège inconnu des statuts : " + r.data.college, {}});
        g = group_of.find(r.data.college);
      }
      m.college_name = out.colleges[g->second].name;
      out.colleges[g->second].members.push_back(std::move(m));
    }
  }
  for (const auto& c : out.colleges) by_college.try_emplace(c.id, 0);
  for (const auto& c : out.colleges) out.by_college.push_back({c.id, c.name, by_college[c.id]});
  for (const auto& [key, n] : by_profession) {
    out.by_profession.push_back({key,
                                 key == "personne_morale" ? "Personnes morales"
                                 : key.empty()            ? "Profession non renseignée"
                                               : association_label(association_professions(), key),
                                 n});
  }
  if (out.statuts.access == AssociationAccess::aggregate) out.colleges.clear();
  if (out.statuts.access == AssociationAccess::own) {
    std::erase_if(out.colleges, [](const CollegeGroup& g) { return g.members.empty(); });
  }
  return out;
}

Result<MemberRecord> Association::member(const Principal& who, std::int64_t structure_id,
                                         std::int64_t member_id) const {
  MemberRecord out;
  out.access = MAILLAGE_TRY(access(who, structure_id));
  auto not_found = [&] {
    return fail(ErrorCode::not_found, "Ce membre n'existe pas dans cette association.", "membre");
  };
  if (out.access == AssociationAccess::aggregate) {
    return fail(ErrorCode::forbidden,
                "Les fiches des membres ne sont visibles que de l'association (vous voyez les "
                "chiffres d'ensemble).");
  }
  const AssociationRepository repo(*db_);
  auto row = MAILLAGE_TRY(repo.member(structure_id, member_id));
  if (!row) return not_found();
  std::string login = who.login;
  std::transform(login.begin(), login.end(), login.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  const bool mine =
      who.role == Role::member && !row->data.email.empty() && row->data.email == login;
  if (out.access == AssociationAccess::own && !mine) {
    return fail(ErrorCode::forbidden, "Vous ne voyez que votre propre fiche de membre.");
  }
  auto stored = MAILLAGE_TRY(repo.statuts(structure_id));
  const association::Statuts engine = assoc::to_engine(stored ? stored->statuts : StatutsInput{});
  Member& m = out.member;
  m.id = row->id;
  m.structure_id = structure_id;
  m.data = row->data;
  m.mine = mine;
  m.display_name = assoc::display_name(row->data);
  m.profession_label = association_label(association_professions(), row->data.profession);
  if (const auto* c = ref_->commune(row->data.commune)) m.commune_name = c->nom;
  if (const auto* c = engine.find_college(row->data.college)) m.college_name = c->name;
  m.created_by = row->created_by;
  m.created_at = row->created_at;
  m.updated_by = row->updated_by;
  m.updated_at = row->updated_at;
  const auto payments = MAILLAGE_TRY(repo.payments(structure_id));
  for (auto p = payments.rbegin(); p != payments.rend(); ++p) {
    if (p->member_id == member_id) out.payments.push_back(assoc::payment_view(*p, m.display_name));
  }
  if (row->data.radiated.empty()) {
    fill_status(engine, engine_tariffs(MAILLAGE_TRY(repo.tariffs(structure_id))), payments, m);
  } else {
    m.status = "radiee";
    m.status_label = "radiée";
  }
  out.history = MAILLAGE_TRY(repo.history(member_id));
  return out;
}

Result<MemberRecord> Association::create_member(const Principal& who, std::int64_t structure_id,
                                                const MemberInput& raw) {
  if (MAILLAGE_TRY(access(who, structure_id)) != AssociationAccess::manage) return managers_only();
  const AssociationRepository repo(*db_);
  auto stored = MAILLAGE_TRY(repo.statuts(structure_id));
  if (!stored) {
    return fail(ErrorCode::invalid_transition,
                "Saisissez d'abord les statuts (collèges et règle de placement).", "statuts");
  }
  MemberInput in = raw;
  MAILLAGE_CHECK(assoc::normalise_member(assoc::to_engine(stored->statuts), *ref_, in));
  const std::string at = store::timestamp_now();
  std::int64_t id = 0;
  const Status written = db_->transact([&](Tx& tx) -> Status {
    id = MAILLAGE_TRY(AssociationRepository::insert_member(tx, structure_id, in, who.login, at));
    MAILLAGE_CHECK(AssociationRepository::add_history(
        tx, id, structure_id, at, who.login, "create",
        fmt::format("Adhésion ({}), collège « {} »", assoc::display_name(in),
                    assoc::college_name(stored->statuts, in.college))));
    return store::audit(
        tx, {who.login, "association.member.create", "association_member", std::to_string(id), "",
             AuditDetail{}
                 .add("structure", structure_id)
                 .add("college", in.college)
                 .add("kind", in.kind)
                 .json()});
  });
  if (!written) return tl::unexpected(written.error());
  return member(who, structure_id, id);
}

Result<MemberRecord> Association::update_member(const Principal& who, std::int64_t structure_id,
                                                std::int64_t member_id, const MemberInput& raw) {
  const AssociationAccess level = MAILLAGE_TRY(access(who, structure_id));
  // Reading first applies the same visibility rules (a member reaches only their own record).
  auto current = MAILLAGE_TRY(member(who, structure_id, member_id));
  const AssociationRepository repo(*db_);
  auto stored = MAILLAGE_TRY(repo.statuts(structure_id));
  MemberInput in;
  if (level == AssociationAccess::manage) {
    in = raw;
  } else {
    // A member changes their contact and practice details, never their collège or status.
    in = current.member.data;
    in.phone = raw.phone;
    in.commune = raw.commune;
    in.mode_exercice = raw.mode_exercice;
  }
  in.expected_version = raw.expected_version;
  MAILLAGE_CHECK(assoc::normalise_member(
      assoc::to_engine(stored ? stored->statuts : StatutsInput{}), *ref_, in));
  const std::string detail = assoc::describe_changes(current.member.data, in);
  const std::string at = store::timestamp_now();
  const Status written = db_->transact([&](Tx& tx) -> Status {
    const bool done = MAILLAGE_TRY(
        AssociationRepository::update_member(tx, structure_id, member_id, in, who.login, at));
    if (!done) {
      return fail(ErrorCode::conflict,
                  "Cette fiche a été modifiée entre-temps : rechargez-la avant de l'enregistrer.",
                  "version");
    }
    MAILLAGE_CHECK(
        AssociationRepository::add_history(tx, member_id, structure_id, at, who.login, "update",
                                           detail.empty() ? "Aucun changement" : detail));
    return store::audit(
        tx, {who.login, "association.member.update", "association_member",
             std::to_string(member_id), "", AuditDetail{}.add("structure", structure_id).json()});
  });
  if (!written) return tl::unexpected(written.error());
  return member(who, structure_id, member_id);
}

}  // namespace maillage::services
