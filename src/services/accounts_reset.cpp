// Password-reset links: an admin issues a one-time link for an account; the user opens it and
// chooses a new password without knowing the old one. The link's secret is a 256-bit random
// token of which only the SHA-256 is stored (as for sessions), so a copy of the database opens
// nothing. A link ends when used, when a newer one is issued, or after reset_link_lifetime.
// With the SMTP setting the link goes to the user's address and the admin never sees it; without
// it the admin is shown the link once, to pass on by another channel.
#include <fmt/format.h>

#include "common/dates.hpp"
#include "common/try.hpp"
#include "services/accounts.hpp"
#include "services/accounts_internal.hpp"
#include "services/accounts_repository.hpp"
#include "services/mail.hpp"
#include "store/audit_detail.hpp"
#include "store/database.hpp"

namespace maillage::services {
namespace {

using accounts_detail::is_token;
using accounts_detail::random_token;
using accounts_detail::sha256_hex;
using store::AuditDetail;
using store::Tx;

Error link_not_valid() {
  return Error{ErrorCode::not_found,
               "Ce lien de réinitialisation n'est pas valable : il a déjà servi, a été remplacé "
               "par un lien plus récent ou a expiré. Demandez-en un nouveau à un administrateur.",
               "lien",
               {},
               0};
}

// The open link of `token`, or link_not_valid.
Result<AccountsRepository::ResetRow> open_link(Tx& tx, const std::string& token,
                                               const std::string& now) {
  if (!is_token(token)) return tl::unexpected(link_not_valid());
  auto row = MAILLAGE_TRY(AccountsRepository::reset_by_hash(tx, sha256_hex(token)));
  if (!row || !row->open || row->expires_at <= now) return tl::unexpected(link_not_valid());
  return *row;
}

MailMessage reset_mail(const UserRecord& user, const std::string& actor, const std::string& link,
                       const std::string& expires_at) {
  MailMessage m;
  m.to = user.principal.login;
  m.to_name = user.principal.display_name;
  m.subject = "Maillage : choisissez un nouveau mot de passe";
  m.text = fmt::format(
      "Bonjour {},\n\n"
      "Un administrateur de Maillage ({}) vous envoie un lien pour choisir un nouveau mot de "
      "passe pour votre compte {} :\n\n{}\n\n"
      "Ce lien ne sert qu'une fois et expire le {}. Si vous n'attendiez pas ce message, "
      "ignorez-le : votre mot de passe actuel reste valable.\n",
      user.principal.display_name, actor, user.principal.login, link,
      format_timestamp_fr(expires_at).value_or(expires_at));
  return m;
}

}  // namespace

Result<ResetLink> Accounts::issue_reset_link(const std::string& actor, std::int64_t user_id,
                                             const std::string& link_base) {
  auto user = MAILLAGE_TRY(get_user(user_id));
  if (!user.active) {
    return fail(ErrorCode::invalid_transition,
                "Ce compte est désactivé : réactivez-le avant d'envoyer un lien de "
                "réinitialisation.",
                "actif");
  }
  ResetLink link;
  link.token = MAILLAGE_TRY(random_token());
  link.login = user.principal.login;
  link.display_name = user.principal.display_name;
  const auto t = now();
  const std::string ts = store::format_timestamp(t);
  link.expires_at = store::format_timestamp(t + settings_.reset_link_lifetime);
  link.mailed = mailer_ != nullptr && plausible_address(user.principal.login);
  auto stored = db_.transact([&](Tx& tx) -> Status {
    MAILLAGE_TRY(AccountsRepository::revoke_resets(tx, user_id, ts));
    MAILLAGE_CHECK(
        AccountsRepository::insert_reset(tx, user_id, sha256_hex(link.token), actor, ts,
                                         link.expires_at));
    return store::audit(tx, {actor, "user.reset_link", "user", std::to_string(user_id), "",
                             AuditDetail{}
                                 .add("login", link.login)
                                 .add("mailed", link.mailed)
                                 .add("expires_at", link.expires_at)
                                 .json()});
  });
  MAILLAGE_CHECK(stored);
  if (link.mailed) {
    // Sent after the commit (a mail cannot be rolled back); a refused mail revokes the link.
    if (auto sent = mailer_->send(reset_mail(user, actor, link_base + link.token, link.expires_at));
        !sent) {
      (void)db_.transact([&](Tx& tx) -> Status {
        MAILLAGE_TRY(AccountsRepository::revoke_resets(tx, user_id, store::timestamp_now()));
        return store::audit(tx, {actor, "user.reset_link_failed", "user",
                                 std::to_string(user_id), "",
                                 AuditDetail{}.add("reason", sent.error().message).json()});
      });
      return fail(ErrorCode::unavailable,
                  "Le courriel n'a pas pu partir (" + sent.error().message +
                      ") : le lien est annulé. Réessayez plus tard.");
    }
    link.token.clear();  // the admin is not shown a link that went to the user
  }
  return link;
}

Result<ResetLinkInfo> Accounts::reset_link(const std::string& token) {
  const std::string ts = store::format_timestamp(now());
  ResetLinkInfo info;
  auto read = db_.transact([&](Tx& tx) -> Status {
    auto row = MAILLAGE_TRY(open_link(tx, token, ts));
    auto user = MAILLAGE_TRY(AccountsRepository::user_by_id(tx, row.user_id));
    if (!user || !user->record.active) return tl::unexpected(link_not_valid());
    info = {user->record.principal.login, user->record.principal.display_name, row.expires_at};
    return {};
  });
  MAILLAGE_CHECK(read);
  return info;
}

Status Accounts::redeem_reset_link(const std::string& token, const std::string& new_password) {
  MAILLAGE_CHECK(accounts_detail::validate_password(new_password));
  auto hash = MAILLAGE_TRY(hash_password(new_password));
  const std::string ts = store::format_timestamp(now());
  return db_.transact([&](Tx& tx) -> Status {
    auto row = MAILLAGE_TRY(open_link(tx, token, ts));
    auto user = MAILLAGE_TRY(AccountsRepository::user_by_id(tx, row.user_id));
    if (!user || !user->record.active) return tl::unexpected(link_not_valid());
    // Two tabs submitting the same link: the second finds it used.
    if (MAILLAGE_TRY(AccountsRepository::use_reset(tx, row.id, ts)) == 0) {
      return tl::unexpected(link_not_valid());
    }
    if (MAILLAGE_TRY(AccountsRepository::set_password(tx, row.user_id, user->record.version, hash,
                                                      ts)) == 0) {
      return fail(ErrorCode::conflict, "Le compte a changé entre-temps : rouvrez le lien.");
    }
    // Whoever knew the old password loses their sessions; the lockout is lifted.
    MAILLAGE_CHECK(AccountsRepository::delete_user_sessions(tx, row.user_id));
    MAILLAGE_CHECK(AccountsRepository::clear_failures(tx, user->record.principal.login));
    return store::audit(tx, {user->record.principal.login, "user.reset_link_used", "user",
                             std::to_string(row.user_id), "",
                             AuditDetail{}.add("login", user->record.principal.login).json()});
  });
}

}  // namespace maillage::services
