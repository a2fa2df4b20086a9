// Browser test of a survey of professionals from its creation to its results, with a real SMTP
// server: a local sink (tests/tools/smtp_sink.py, Debian python3-aiosmtpd) that this test starts,
// the server pointed at it (MAILLAGE_SMTP_URL). The coordinator reads the demo's closed survey
// (charts, the grid with its uncovered slot), creates a survey, builds its questionnaire (a
// free-text question about patients refused next to its label, what was typed kept), sends it to
// a pasted list (one address refused by the sink), and the professional, without an account,
// opens the personal link read back from the captured mail, is refused an incomplete answer next
// to the question, answers, and edits the answer; the coordinator follows the response rate,
// reads the results and the CSV export, and closes the survey, after which the link refuses.
// Screenshots in test-output/enquetes-*.png.
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/enquetes.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';
import { startSink } from './lib/smtp.mjs';

const COORD = 'coordination@demo.maillage.fr';

async function text(page, selector) {
  return (await page.textContent(selector)).replace(/\s+/g, ' ').trim();
}

async function main() {
  const sink = await startSink();
  try {
    await withDemoServer('enquetes', async ({ base, newPage, signIn, shot, problems }) => {
      const page = await newPage();
      await signIn(page, COORD, '/');
      await page.click('nav a[href="/enquetes"]');
      await page.waitForSelector('#liste-enquetes');

      // The demo's closed survey and its results.
      const demoRow = page.locator('#liste-enquetes tr[data-statut="closed"]');
      if (await demoRow.count() !== 1) fail('the demo has no closed survey');
      const demoAnswers = Number((await demoRow.locator('td').nth(5).textContent()).trim());
      if (!(demoAnswers > 0)) fail(`demo survey answers: ${demoAnswers}`);
      await Promise.all([page.waitForLoadState('load'), demoRow.locator('a').click()]);
      await page.click('#lien-resultats');
      await page.waitForSelector('canvas.graphique-choix[data-pret="1"]');
      const gaps = await page.locator('.grille-resultats td.creneau-vide').count();
      if (gaps < 1) fail('the demo grid shows no uncovered slot');
      if (!(await text(page, '#taux-reponse')).startsWith(String(demoAnswers))) {
        fail(`demo response rate: ${await text(page, '#taux-reponse')}`);
      }
      await shot(page, 'enquetes-demo-resultats', { fullPage: true });

      // A new survey.
      await page.goto(`${base}/enquetes`);
      await page.fill('#nouvelle-titre', 'Campagne de dépistage : vos disponibilités');
      await Promise.all([page.waitForURL(/\/enquetes\/\d+$/), page.click('#formulaire-nouvelle-enquete button[type=submit]')]);
      const surveyUrl = page.url();
      const id = surveyUrl.match(/\/enquetes\/(\d+)$/)[1];
      await page.waitForSelector('#formulaire-enquete');

      const blocks = page.locator('.question-saisie');
      await blocks.nth(0).locator('.q-libelle').fill('Votre profession');
      await blocks.nth(0).locator('.q-options').fill('Médecin\nInfirmier\nPharmacien');
      await blocks.nth(0).locator('.q-obligatoire').check();
      await page.click('#ajouter-question');
      await blocks.nth(1).locator('.q-type').selectOption('grille');
      await blocks.nth(1).locator('.q-libelle').fill('Vos créneaux');
      await blocks.nth(1).locator('.q-jours').fill('Lundi\nMardi');
      await blocks.nth(1).locator('.q-creneaux').fill('Matin\nSoir');
      if (await blocks.nth(1).locator('.q-options').isVisible()) fail('a grid question shows the options field');
      await page.click('#ajouter-question');
      await blocks.nth(2).locator('.q-type').selectOption('texte');
      await blocks.nth(2).locator('.q-libelle').fill('Que disent vos patients ?');
      await page.click('#enregistrer-enquete');
      await page.waitForSelector('#message-enquete[data-etat="refuse"]');
      const refused = problems.findIndex((p) => p.includes('status of 400'));
      if (refused < 0) fail(`the refused save left no trace: ${problems.join(' ; ')}`);
      problems.splice(refused, 1);
      const refusal = await text(page, '.question-saisie:nth-of-type(3) [data-erreur-pour="libelle"]');
      if (!refusal.includes('jamais sur des patients')) fail(`patients question refusal: ${refusal}`);
      if (await blocks.nth(1).locator('.q-jours').inputValue() !== 'Lundi\nMardi') fail('typed text lost');
      await shot(page, 'enquetes-refus-patients', { fullPage: true });
      await blocks.nth(2).locator('.q-libelle').fill('Une remarque sur l\'organisation ?');
      await page.click('#enregistrer-enquete');
      await page.waitForSelector('p.succes:has-text("Questionnaire enregistré")');
      if (await page.locator('.question-saisie').count() !== 3) fail('the questionnaire was not saved with 3 questions');

      // Sending to a pasted list: one accepted, one refused by the sink.
      await page.fill('#envoi-liste', 'pro.a@exemple.org\nrefuse@exemple.org\npas une adresse');
      await page.click('#bouton-envoi');
      await page.waitForSelector('p.succes:has-text("lien(s) envoyé(s)")');
      const report = await text(page, 'p.succes:has-text("lien(s) envoyé(s)")');
      if (!report.includes('1 lien(s) envoyé(s), 1 refusé(s)') || !report.includes('ligne 3')) {
        fail(`sending report: ${report}`);
      }
      if (!(await text(page, '#destinataires tr[data-email="refuse@exemple.org"]')).includes('550')) {
        fail('the refused address has no reason in the follow-up');
      }
      if ((await page.getAttribute('#fiche-enquete', 'data-statut')) !== 'open') fail('the survey did not open');
      await shot(page, 'enquetes-suivi', { fullPage: true });

      const mails = sink.messages().filter((m) => m.to.includes('pro.a@exemple.org'));
      if (mails.length !== 1) fail(`mails to pro.a: ${mails.length}`);
      const link = mails[0].text.match(/https?:\/\/\S+\/repondre\/[0-9a-f]{64}/)?.[0];
      if (!link) fail(`no personal link in the mail: ${mails[0].text}`);
      const local = `${base}${new URL(link).pathname}`;

      // The professional, without an account.
      const pro = await newPage();  // a context of its own: no session
      await pro.goto(local);
      if (!(await text(pro, '#avertissement-patients')).includes('jamais sur des patients')) fail('no patient warning');
      await pro.check('#case-q2-0-0');
      await Promise.all([pro.waitForLoadState('load'), pro.click('#envoyer-reponse')]);
      const missing = await text(pro, '#erreur-q1');
      const incomplete = problems.findIndex((p) => p.includes('status of 422'));
      if (incomplete >= 0) problems.splice(incomplete, 1);
      if (!missing.includes('obligatoire')) fail(`required question refusal: ${missing}`);
      if (!(await pro.isChecked('#case-q2-0-0'))) fail('the ticked slot was lost');
      await pro.check('#question-q1 input[value="1"]');
      await pro.check('#case-q2-1-1');
      await pro.fill('#champ-q3', 'Plutôt le soir.');
      await Promise.all([pro.waitForURL(/enregistre=1$/), pro.click('#envoyer-reponse')]);
      await pro.waitForSelector('#reponse-enregistree');
      await shot(pro, 'enquetes-reponse', { fullPage: true });
      // Edited: the Tuesday evening slot removed.
      await pro.uncheck('#case-q2-1-1');
      await Promise.all([pro.waitForURL(/enregistre=1$/), pro.click('#envoyer-reponse')]);
      if (await pro.isChecked('#case-q2-1-1')) fail('the edit was not saved');

      // Results.
      await page.goto(`${base}/enquetes/${id}/resultats`);
      if (!(await text(page, '#taux-reponse')).startsWith('1 — taux de réponse 100')) {
        fail(`response rate: ${await text(page, '#taux-reponse')}`);
      }
      const nurses = await page.getAttribute('#table-q1 tbody tr:nth-child(2)', 'data-compte');
      if (nurses !== '1') fail(`nurses counted: ${nurses}`);
      const grid = await page.locator('#table-q2 tbody td').allTextContents();
      if (grid.join(',') !== '1,0,0,0') fail(`grid counts: ${grid.join(',')}`);
      await page.waitForSelector('canvas.graphique-choix[data-pret="1"]');
      const csv = await page.request.get(`${base}/enquetes/${id}/resultats.csv`);
      const csvText = await csv.text();
      if (csv.status() !== 200 || !csvText.includes('pro.a@exemple.org') || !csvText.includes('Plutôt le soir.')) {
        fail(`CSV export: ${csv.status()} ${csvText.slice(0, 300)}`);
      }
      await shot(page, 'enquetes-resultats', { fullPage: true });

      // Closing: the link refuses.
      await page.goto(surveyUrl);
      await page.click('#bouton-cloture');
      await page.waitForSelector('p.succes:has-text("Enquête close")');
      if ((await text(page, '#etat-enquete')) !== 'Close') fail('the survey did not close');
      await pro.goto(local);
      await pro.waitForSelector('#enquete-close');
      if (await pro.locator('#envoyer-reponse').count() !== 0) fail('a closed survey still offers to answer');
    }, { env: { MAILLAGE_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAILLAGE_SMTP_FROM: 'cpts@demo.maillage.fr' } });
  } finally {
    sink.stop();
  }
}

run(main);
