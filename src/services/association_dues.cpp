// Dues: tariffs per year (per collège and/or profession), payments, the status of each member
// computed by src/association at today's date, the reminders list and the reçu de cotisation.
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "association/membership.hpp"
#include "association/money.hpp"
#include "common/dates.hpp"
#include "common/try.hpp"
#include "office/document.hpp"
#include "office/odt.hpp"
#include "services/association.hpp"
#include "services/association_internal.hpp"
#include "services/association_repository.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {

using store::AuditDetail;
using store::Tx;

const std::vector<Choice>& association_payment_methods() {
  static const std::vector<Choice> list{{"virement", "Virement"},   {"cheque", "Chèque"},
                                        {"especes", "Espèces"},     {"carte", "Carte bancaire"},
                                        {"helloasso", "HelloAsso"}, {"prelevement", "Prélèvement"}};
  return list;
}

Result<std::string> receipt_odt(const Receipt& r) {
  office::Document doc;
  doc.title = "Reçu de cotisation n° " + r.number;
  doc.author = r.association_name;
  doc.footer.text = r.association_name + " — reçu n° " + r.number;
  const Date paid = parse_date(r.payment.paid_on).value_or(today_utc());
  const Date issued = parse_date(r.issued_on).value_or(today_utc());
  std::string payment =
      fmt::format("la somme de {}, le {}, par {}", r.payment.amount_text, format_date_fr(paid),
                  association_label(association_payment_methods(), r.payment.method));
  if (!r.payment.reference.empty()) payment += " (référence " + r.payment.reference + ")";
  const std::string detail = r.member_detail.empty() ? std::string() : " (" + r.member_detail + ")";
  doc.heading(1, "Reçu de cotisation n° " + r.number);
  doc.paragraph(
      office::Paragraph{{{r.association_name, true}, {std::string(" (association loi 1901)")}}});
  doc.paragraph(office::Paragraph{
      {{std::string("L'association certifie avoir reçu de "), false},
       {r.member_name, true},
       {detail + " " + payment +
            ", au titre de sa cotisation de membre pour la période : " + r.period + ".",
        false}}});
  doc.paragraph("Fait le " + format_date_fr(issued) + ", pour servir et valoir ce que de droit.");
  doc.paragraph("Pour l'association, le trésorier ou la trésorière");
  doc.paragraph(
      "Ce reçu atteste le paiement d'une cotisation ; il n'est pas un reçu fiscal au titre des "
      "dons.");
  return office::write_odt(doc);
}

namespace assoc {

PaymentView payment_view(const PaymentRow& p, const std::string& member_name) {
  PaymentView v;
  v.id = p.id;
  v.member_id = p.member_id;
  v.member_name = member_name;
  v.paid_on = p.paid_on;
  v.amount_cents = p.amount_cents;
  v.amount_text = association::format_euros(p.amount_cents);
  v.method = p.method;
  v.reference = p.reference;
  v.covers_year = p.covers_year;
  v.created_by = p.created_by;
  return v;
}

}  // namespace assoc

namespace {

bool is_email_of(const MemberInput& m, const std::string& login) {
  if (m.email.empty() || m.email.size() != login.size()) return false;
  return std::equal(m.email.begin(), m.email.end(), login.begin(), [](char a, char b) {
    return std::tolower(static_cast<unsigned char>(a)) ==
           std::tolower(static_cast<unsigned char>(b));
  });
}

}  // namespace

Result<DuesOverview> Association::dues(const Principal& who, std::int64_t structure_id,
                                       int within_days) const {
  DuesOverview out;
  out.statuts = MAILLAGE_TRY(statuts(who, structure_id));
  out.within_days = std::clamp(within_days, 0, 366);
  const Date today = today_utc();
  out.at = format_date(today);
  const AssociationRepository repo(*db_);
  const association::Statuts engine = assoc::to_engine(out.statuts.statuts);
  const auto tariff_rows = MAILLAGE_TRY(repo.tariffs(structure_id));
  const auto tariffs = assoc::engine_tariffs(tariff_rows);
  for (const auto& t : tariff_rows) {
    TariffView v;
    v.year = t.year;
    v.college = t.college;
    if (const auto* c = engine.find_college(t.college)) v.college_name = c->name;
    v.profession = t.profession;
    v.profession_label = t.profession.empty()
                             ? std::string()
                             : association_label(association_professions(), t.profession);
    if (v.profession_label == t.profession) {
      v.profession_label = association_label(association_legal_kinds(), t.profession);
    }
    v.amount_cents = t.amount_cents;
    v.amount_text = association::format_euros(t.amount_cents);
    out.tariffs.push_back(std::move(v));
  }
  const auto members = MAILLAGE_TRY(repo.members(structure_id));
  const auto payments = MAILLAGE_TRY(repo.payments(structure_id));
  std::map<std::string, std::int64_t> counts{
      {"en_attente", 0}, {"a_jour", 0}, {"echue", 0}, {"radiee", 0}};
  std::map<std::int64_t, std::string> names;
  for (const auto& m : members) {
    names[m.id] = assoc::display_name(m.data);
    const association::MemberDues dues = assoc::engine_dues(m.id, m.data, payments);
    DuesRow row;
    row.member_id = m.id;
    row.member_name = names[m.id];
    if (const auto* c = engine.find_college(m.data.college)) row.college_name = c->name;
    auto state = association::membership_at(engine, tariffs, dues, today);
    if (state) {
      row.status = assoc::status_id(state->status);
      row.status_label = std::string(association::label(state->status));
      if (state->paid_until) row.paid_until = format_date(*state->paid_until);
      row.due_cents = state->due_cents;
      row.paid_cents = state->paid_cents;
      ++counts[row.status];
      auto reminder = association::reminders(engine, tariffs, {dues}, today, out.within_days);
      if (reminder && !reminder->empty()) row.reminder = reminder->front().message;
    } else {
      row.problem = state.error().message;
    }
    const bool visible = out.statuts.access == AssociationAccess::manage ||
                         (out.statuts.access == AssociationAccess::own &&
                          who.role == Role::member && is_email_of(m.data, who.login));
    if (!visible) continue;
    if (out.statuts.access == AssociationAccess::manage && !row.reminder.empty()) {
      out.reminders.push_back(row);
    }
    if (out.statuts.access == AssociationAccess::own) {
      for (auto p = payments.rbegin(); p != payments.rend(); ++p) {
        if (p->member_id == m.id) out.payments.push_back(assoc::payment_view(*p, row.member_name));
      }
    }
    out.members.push_back(std::move(row));
  }
  if (out.statuts.access == AssociationAccess::manage) {
    for (auto p = payments.rbegin(); p != payments.rend(); ++p) {
      out.payments.push_back(assoc::payment_view(*p, names[p->member_id]));
    }
  }
  for (const auto& [id, label] :
       std::vector<std::pair<std::string, std::string>>{{"a_jour", "à jour"},
                                                        {"en_attente", "en attente"},
                                                        {"echue", "échue"},
                                                        {"radiee", "radiée"}}) {
    out.by_status.push_back({id, label, counts[id]});
  }
  return out;
}

Result<DuesOverview> Association::set_tariffs(const Principal& who, std::int64_t structure_id,
                                              int year, const std::vector<NewTariff>& tariffs) {
  if (MAILLAGE_TRY(access(who, structure_id)) != AssociationAccess::manage) {
    return fail(ErrorCode::forbidden,
                "Seuls la coordination et le bureau de l'association fixent les cotisations.");
  }
  if (year < 1901 || year > 9999) {
    return fail(ErrorCode::invalid_input, "Année attendue sur quatre chiffres.", "year");
  }
  const AssociationRepository repo(*db_);
  auto stored = MAILLAGE_TRY(repo.statuts(structure_id));
  if (!stored) {
    return fail(ErrorCode::invalid_transition,
                "Saisissez d'abord les statuts (collèges et règle de placement).", "statuts");
  }
  const association::Statuts engine = assoc::to_engine(stored->statuts);
  for (std::size_t i = 0; i < tariffs.size(); ++i) {
    const auto& t = tariffs[i];
    const std::string at = fmt::format("tarifs[{}]", i);
    if (t.amount_cents < 0 || t.amount_cents > 100'000'00) {
      return fail(ErrorCode::invalid_input, "Montant entre 0 et 100 000 €.", at + ".montant");
    }
    if (!t.college.empty() && engine.find_college(t.college) == nullptr) {
      return fail(ErrorCode::invalid_input, fmt::format("Collège inconnu : {}", t.college),
                  at + ".college");
    }
    if (!t.profession.empty() &&
        association_label(association_professions(), t.profession) == t.profession &&
        association_label(association_legal_kinds(), t.profession) == t.profession) {
      return fail(ErrorCode::invalid_input, fmt::format("Profession inconnue : {}", t.profession),
                  at + ".profession");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (tariffs[j].college == t.college && tariffs[j].profession == t.profession) {
        return fail(ErrorCode::invalid_input,
                    "Deux tarifs pour le même collège et la même profession.", at);
      }
    }
  }
  const Status written = db_->transact([&](Tx& tx) -> Status {
    MAILLAGE_CHECK(AssociationRepository::replace_tariffs(tx, structure_id, year, tariffs));
    return store::audit(
        tx, {who.login, "association.tariffs", "structure", std::to_string(structure_id), "",
             AuditDetail{}.add("year", year).add("tariffs", tariffs.size()).json()});
  });
  if (!written) return tl::unexpected(written.error());
  return dues(who, structure_id);
}

Result<PaymentView> Association::add_payment(const Principal& who, std::int64_t structure_id,
                                             const NewPayment& raw) {
  if (MAILLAGE_TRY(access(who, structure_id)) != AssociationAccess::manage) {
    return fail(ErrorCode::forbidden,
                "Seuls la coordination et le bureau de l'association enregistrent les paiements.");
  }
  NewPayment in = raw;
  const AssociationRepository repo(*db_);
  auto member = MAILLAGE_TRY(repo.member(structure_id, in.member_id));
  if (!member) {
    return fail(ErrorCode::not_found, "Ce membre n'existe pas dans cette association.", "membre");
  }
  const auto paid = parse_date(in.paid_on);
  if (!paid) return fail(ErrorCode::invalid_input, "Date attendue au format AAAA-MM-JJ.", "date");
  if (*paid > today_utc()) {
    return fail(ErrorCode::invalid_input, "Un paiement ne peut pas être daté du futur.", "date");
  }
  if (in.amount_cents <= 0 || in.amount_cents > 100'000'00) {
    return fail(ErrorCode::invalid_input, "Montant entre 0,01 € et 100 000 €.", "montant");
  }
  if (association_label(association_payment_methods(), in.method) == in.method) {
    return fail(ErrorCode::invalid_input, "Moyen de paiement inconnu.", "moyen");
  }
  const int paid_year = static_cast<int>(paid->year());
  if (in.covers_year && (*in.covers_year < paid_year || *in.covers_year > paid_year + 1)) {
    return fail(ErrorCode::invalid_input, "Un paiement couvre l'année de sa date ou la suivante.",
                "annee");
  }
  // The engine refuses a payment it cannot place (no tariff for its year): checked before writing.
  auto stored = MAILLAGE_TRY(repo.statuts(structure_id));
  const association::Statuts engine = assoc::to_engine(stored ? stored->statuts : StatutsInput{});
  auto payments = MAILLAGE_TRY(repo.payments(structure_id));
  PaymentRow row;
  row.member_id = in.member_id;
  row.paid_on = in.paid_on;
  row.amount_cents = in.amount_cents;
  row.method = in.method;
  row.reference = in.reference;
  row.covers_year = in.covers_year;
  payments.push_back(row);
  auto check = association::membership_at(
      engine, assoc::engine_tariffs(MAILLAGE_TRY(repo.tariffs(structure_id))),
      assoc::engine_dues(in.member_id, member->data, payments), today_utc());
  if (!check) {
    Error e = check.error();  // e.g. no tariff for the payment's year: the input is refused
    e.code = ErrorCode::invalid_input;
    e.field = "date";
    return tl::unexpected(std::move(e));
  }
  const std::string at = store::timestamp_now();
  const Status written = db_->transact([&](Tx& tx) -> Status {
    row.id =
        MAILLAGE_TRY(AssociationRepository::insert_payment(tx, structure_id, in, who.login, at));
    MAILLAGE_CHECK(AssociationRepository::add_history(
        tx, in.member_id, structure_id, at, who.login, "payment",
        fmt::format("Cotisation reçue : {} le {} ({})", association::format_euros(in.amount_cents),
                    format_date_fr(*paid),
                    association_label(association_payment_methods(), in.method))));
    return store::audit(tx, {who.login, "association.payment", "association_member",
                             std::to_string(in.member_id), "",
                             AuditDetail{}
                                 .add("structure", structure_id)
                                 .add("amount_cents", in.amount_cents)
                                 .add("date", in.paid_on)
                                 .json()});
  });
  if (!written) return tl::unexpected(written.error());
  row.created_by = who.login;
  return assoc::payment_view(row, assoc::display_name(member->data));
}

Result<Receipt> Association::receipt(const Principal& who, std::int64_t structure_id,
                                     std::int64_t payment_id) const {
  const AssociationAccess level = MAILLAGE_TRY(access(who, structure_id));
  auto not_found = [] {
    return fail(ErrorCode::not_found, "Ce paiement n'existe pas dans cette association.",
                "paiement");
  };
  if (level == AssociationAccess::aggregate) {
    return fail(ErrorCode::forbidden, "Les reçus ne sont visibles que de l'association.");
  }
  const AssociationRepository repo(*db_);
  const auto payments = MAILLAGE_TRY(repo.payments(structure_id));
  auto p = std::find_if(payments.begin(), payments.end(),
                        [&](const PaymentRow& x) { return x.id == payment_id; });
  if (p == payments.end()) return not_found();
  auto member = MAILLAGE_TRY(repo.member(structure_id, p->member_id));
  if (!member) return not_found();
  if (level == AssociationAccess::own && !is_email_of(member->data, who.login)) {
    return fail(ErrorCode::forbidden, "Vous ne voyez que vos propres reçus.");
  }
  auto head = MAILLAGE_TRY(repo.structure(structure_id));
  auto stored = MAILLAGE_TRY(repo.statuts(structure_id));
  const association::Statuts engine = assoc::to_engine(stored ? stored->statuts : StatutsInput{});
  Receipt r;
  const Date paid = parse_date(p->paid_on).value_or(today_utc());
  const int paid_year = static_cast<int>(paid.year());
  r.number = fmt::format("{}-{:04}", paid_year, p->id);
  r.association_name = head->name;
  r.association_kind = head->kind;
  r.member_name = assoc::display_name(member->data);
  const auto& d = member->data;
  std::string detail = d.kind == "legal_person"
                           ? "représentée par " + d.representative
                           : association_label(association_professions(), d.profession);
  if (const auto* c = ref_->commune(d.commune)) detail += (detail.empty() ? "" : ", ") + c->nom;
  r.member_detail = detail;
  r.payment = assoc::payment_view(*p, r.member_name);
  if (engine.period == association::MembershipPeriod::calendar_year) {
    r.period = fmt::format("année {}", p->covers_year.value_or(paid_year));
  } else {
    // Rolling periods: the period this payment completed, as the engine computes it.
    std::vector<PaymentRow> upto;
    for (const auto& x : payments) {
      if (x.member_id == p->member_id &&
          (x.paid_on < p->paid_on || (x.paid_on == p->paid_on && x.id <= p->id))) {
        upto.push_back(x);
      }
    }
    auto state = association::membership_at(
        engine, assoc::engine_tariffs(MAILLAGE_TRY(repo.tariffs(structure_id))),
        assoc::engine_dues(member->id, member->data, upto), paid);
    if (state && state->paid_until) {
      r.period = fmt::format("12 mois, jusqu'au {}", format_date_fr(*state->paid_until));
    } else {
      r.period = "acompte sur la cotisation (période non encore couverte)";
    }
  }
  r.issued_on = format_date(today_utc());
  return r;
}

}  // namespace maillage::services
