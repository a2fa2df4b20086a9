// Browser test of the account pages: the admin creates a ROC account for the Meuse from
// « Utilisateurs » (a first attempt without a département comes back with what was typed), the new
// ROC signs in, changes the password from « Mon compte » (a wrong current password is refused),
// closes a second session, chooses a new password through a reset link the admin created, and
// the admin deactivates the account, which closes its session. Screenshots in
// test-output/accounts-*.png.
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/accounts.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';

const ADMIN = 'admin@demo.maillage.fr';
const LOGIN = 'referente.meuse@cpam-test.fr';
const FIRST = 'mot-de-passe-initial-55';
const SECOND = 'mot-de-passe-choisi-55';
const THIRD = 'mot-de-passe-par-lien-55';

async function text(page, selector) {
  return (await page.textContent(selector)).replace(/\s+/g, ' ').trim();
}

async function submit(page, form, url) {
  await Promise.all([url ? page.waitForURL(url) : page.waitForLoadState('load'),
    page.click(`${form} button[type=submit]`)]);
}

run(() => withDemoServer('accounts', async ({ base, newPage, signIn, shot, passwords }) => {
  const admin = await newPage();
  await signIn(admin, ADMIN, '/admin/utilisateurs');
  await Promise.all([admin.waitForURL(/\/admin\/utilisateurs\/nouveau/), admin.click('#utilisateur-nouveau')]);
  await admin.fill('#identifiant', LOGIN);
  await admin.fill('#nom', 'Référente Meuse');
  await admin.fill('#mot_de_passe', FIRST);
  await admin.selectOption('#role', 'roc');
  await submit(admin, '#utilisateur-formulaire');
  const missing = await text(admin, '#utilisateur-erreur');
  if (!/départements?/i.test(missing)) fail(`a ROC without a département: ${missing}`);
  if (await admin.inputValue('#identifiant') !== LOGIN) fail('the login typed was lost');
  await admin.selectOption('#departements', ['55']);
  await admin.fill('#mot_de_passe', FIRST);
  await submit(admin, '#utilisateur-formulaire', /\/admin\/utilisateurs\?message=/);
  const listed = await text(admin, `tr[data-identifiant="${LOGIN}"]`);
  if (!listed.includes('Meuse (55)') || !listed.includes('Actif')) fail(`the new account: ${listed}`);
  await shot(admin, 'accounts-liste', { fullPage: true });

  // The new ROC signs in and changes the password.
  const roc = await newPage();
  await roc.goto(`${base}/connexion?suite=${encodeURIComponent('/compte')}`);
  await roc.fill('#identifiant', LOGIN);
  await roc.fill('#mot_de_passe', FIRST);
  await Promise.all([roc.waitForURL(`${base}/compte`), roc.click('button[type=submit]')]);
  const identity = await text(roc, '#compte-identite');
  if (!identity.includes('Département Meuse (55)')) fail(`identity: ${identity}`);
  await roc.fill('#nouveau_mot_de_passe', SECOND);
  await roc.fill('#confirmation', SECOND);
  await roc.fill('#mot_de_passe_actuel', 'pas-le-bon-mot-de-passe');
  await submit(roc, '#compte-formulaire');
  const wrong = await text(roc, '#erreur-mot_de_passe_actuel');
  if (!wrong.includes('incorrect')) fail(`wrong current password: ${wrong}`);
  await roc.fill('#nouveau_mot_de_passe', SECOND);
  await roc.fill('#confirmation', SECOND);
  await roc.fill('#mot_de_passe_actuel', FIRST);
  await submit(roc, '#compte-formulaire', /\/compte\?message=/);
  const done = await text(roc, '#compte-message');
  if (!done.includes('Mot de passe changé')) fail(`after the change: ${done}`);
  await shot(roc, 'accounts-mon-compte', { fullPage: true });

  // A second browser signs in as the same ROC; the first one sees two sessions and closes the
  // other, which is then sent back to the login page.
  const other = await newPage();
  await other.goto(`${base}/connexion?suite=${encodeURIComponent('/compte')}`);
  await other.fill('#identifiant', LOGIN);
  await other.fill('#mot_de_passe', SECOND);
  await Promise.all([other.waitForURL(`${base}/compte`), other.click('button[type=submit]')]);
  await roc.goto(`${base}/compte`);
  if ((await roc.locator('#compte-sessions tbody tr').count()) !== 2) fail('two sessions expected');
  if (!(await text(roc, '#compte-sessions')).includes('cette session')) fail('the current session is not named');
  await submit(roc, '#fermer-autres-sessions', /\/compte\?message=/);
  const closed = await text(roc, '#compte-message');
  if (!closed.includes('Une session a été fermée.')) fail(`closing the other sessions: ${closed}`);
  if ((await roc.locator('#compte-sessions tbody tr').count()) !== 1) fail('the other session is still listed');
  await other.goto(`${base}/compte`);
  if (!other.url().includes('/connexion')) fail(`a closed session still opens ${other.url()}`);

  // The admin creates a password-reset link (no SMTP server in this demo: it is shown once);
  // the ROC opens it signed out, a mismatched confirmation comes back next to its field, then
  // the new password closes the ROC's sessions and opens the account; the link does not work twice.
  await admin.click(`tr[data-identifiant="${LOGIN}"] a`);
  await admin.waitForSelector('#lien-formulaire');
  await admin.fill('#lien-actuel', passwords.get(ADMIN));
  await submit(admin, '#lien-formulaire');
  const link = await admin.inputValue('#lien-unique-adresse');
  if (!link.includes('/connexion/nouveau-mot-de-passe?lien=')) fail(`reset link: ${link}`);
  await shot(admin, 'accounts-lien-reinitialisation', { fullPage: true });
  await other.goto(link);
  if (!(await text(other, 'main')).includes(LOGIN)) fail('the reset page does not name the account');
  await other.fill('#nouveau_mot_de_passe', THIRD);
  await other.fill('#confirmation', 'autre-chose-tapee');
  await submit(other, '#nouveau-mot-de-passe');
  if (!(await text(other, '#erreur-confirmation')).includes('confirmation')) fail('mismatched confirmation not shown');
  await other.fill('#nouveau_mot_de_passe', THIRD);
  await other.fill('#confirmation', THIRD);
  await submit(other, '#nouveau-mot-de-passe', /\/connexion\?etat=mot-de-passe-change/);
  if (!(await text(other, 'main')).includes('mot de passe est changé')) fail('no confirmation after the reset');
  await roc.goto(`${base}/compte`);
  if (!roc.url().includes('/connexion')) fail('the reset left the ROC session open');
  await roc.fill('#identifiant', LOGIN);
  await roc.fill('#mot_de_passe', THIRD);
  await Promise.all([roc.waitForURL(`${base}/compte`), roc.click('button[type=submit]')]);
  await other.goto(link);
  if (!(await text(other, '#lien-invalide')).includes('déjà servi')) fail('a used link still opens the form');
  await shot(other, 'accounts-lien-utilise', { fullPage: true });

  // The admin deactivates the account: the ROC's next page is the login page.
  await admin.goto(`${base}/admin/utilisateurs`);
  await admin.click(`tr[data-identifiant="${LOGIN}"] a`);
  await admin.waitForSelector('#utilisateur-formulaire');
  await admin.uncheck('#actif');
  await admin.fill('#mot_de_passe_actuel', passwords.get(ADMIN));
  await submit(admin, '#utilisateur-formulaire', /\/admin\/utilisateurs\/\d+\?message=/);
  const saved = await text(admin, '#utilisateur-message');
  if (!saved.includes('désactivé')) fail(`deactivation: ${saved}`);
  await roc.goto(`${base}/compte`);
  if (!roc.url().includes('/connexion')) fail(`a deactivated account still opens ${roc.url()}`);
}));
