// Browser test of a message (issue 18 item 4) from its writing to its delivery log, with a real
// SMTP server (tests/lib/smtp.mjs: a local sink this test starts, which refuses "refuse@"
// recipients). The coordinator writes a message in the rich-text editor (an intertitre, bold, a
// bulleted list) with an attachment — an empty text first comes back next to the editor — saves
// the draft, reads it back formatted, and sends it to a pasted list; the background sender
// delivers one mail and logs the sink's refusal of the other with its reason. The professional
// opens the unsubscribe link read back from the mail, without an account; a second message to the
// same list leaves the unsubscribed address out, and the archive page counts it all (next to the
// demo's newsletter).
// Screenshots in test-output/messages-*.png.
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/messages.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';
import { startSink } from './lib/smtp.mjs';

const COORD = 'coordination@demo.maillage.fr';
const SUBJECT = 'Réunion plénière de janvier (test navigateur)';

async function text(page, selector) {
  return (await page.textContent(selector)).replace(/\s+/g, ' ').trim();
}

// Reloads the message page until its delivery counts read `expected` (the sender works in the
// background, at its rate limit).
async function waitForCounts(page, expected) {
  for (let i = 0; i < 60; i += 1) {
    if ((await text(page, '#compte-envois')).startsWith(expected)) return;
    await page.waitForTimeout(500);
    await page.reload();
  }
  fail(`delivery counts: "${await text(page, '#compte-envois')}", expected "${expected}"`);
}

async function writeMessage(page, subject, withAttachment) {
  await page.goto(page.url().replace(/\/messages.*$/, '/messages'));
  await page.fill('#message-objet', subject);
  const editor = page.locator('#message-editeur .ql-editor');
  await editor.click();
  await page.keyboard.type('Ordre du jour');
  await page.click('.ql-toolbar button[aria-label="Intertitre de niveau 2"]');
  await page.keyboard.press('End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Bonjour à tous, rendez-vous le ');
  await page.keyboard.press('Control+B');
  await page.keyboard.type('jeudi 14 janvier');
  await page.keyboard.press('Control+B');
  await page.keyboard.type(' à 20 h.');
  await page.keyboard.press('Enter');
  await page.click('.ql-toolbar button[aria-label="Liste à puces"]');
  await page.keyboard.type('Permanences de soins non programmés');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Vaccination');
  if (withAttachment) {
    await page.setInputFiles('#message-pieces', {
      name: 'ordre-du-jour.txt', mimeType: 'text/plain', buffer: Buffer.from('1. Permanences\n2. Vaccination\n'),
    });
  }
  await Promise.all([page.waitForURL(/\/messages\/\d+$/), page.click('#formulaire-message button[type=submit]')]);
  return page.url().match(/\/messages\/(\d+)$/)[1];
}

async function main() {
  const sink = await startSink();
  try {
    await withDemoServer('messages', async ({ base, newPage, signIn, shot, problems }) => {
      const page = await newPage();
      await signIn(page, COORD, '/');
      await Promise.all([page.waitForURL(/\/messages$/), page.click('nav a[href="/messages"]')]);

      // The demo's newsletter is in the archive, sent.
      const demo = await text(page, '#archive-messages tr:has-text("Lettre d\'information n° 1")');
      if (!demo.includes('Envoyé')) fail(`demo newsletter: ${demo}`);

      // An empty text is refused next to the editor, and the subject typed stays.
      await page.fill('#message-objet', SUBJECT);
      await page.click('#formulaire-message button[type=submit]');
      const emptyText = await text(page, '#formulaire-message .erreur-champ');
      if (!emptyText.startsWith('Texte :')) fail(`empty text refusal: ${emptyText}`);
      if (await page.locator('#message-editeur + .erreur-champ').count() !== 1) fail('the refusal is not under the editor');
      const refused = problems.findIndex((p) => p.includes('status of 400'));
      if (refused < 0) fail(`expected the empty text to be refused, got: ${problems.join(' ; ')}`);
      problems.splice(refused, 1);
      if (await page.inputValue('#message-objet') !== SUBJECT) fail('the subject typed was lost');
      await shot(page, 'messages-texte-vide', { fullPage: true });

      const id = await writeMessage(page, SUBJECT, true);
      const body = await page.innerHTML('#corps-message');
      if (!/<h2>Ordre du jour<\/h2>/.test(body)) fail(`no intertitre in the saved message: ${body}`);
      if (!/<strong>jeudi 14 janvier<\/strong>/.test(body)) fail(`no bold in the saved message: ${body}`);
      if (!/<ul>\s*<li>Permanences de soins non programmés<\/li>\s*<li>Vaccination<\/li>\s*<\/ul>/.test(body)) {
        fail(`no bulleted list in the saved message: ${body}`);
      }
      if (!(await text(page, '#fiche-message')).includes('ordre-du-jour.txt')) fail('attachment not listed');
      await shot(page, 'messages-brouillon', { fullPage: true });

      // Sending to a pasted list: one delivered, one refused by the server with its reason.
      await page.fill('#envoi-liste', 'pro.b@exemple.org\nrefuse@exemple.org');
      await Promise.all([page.waitForEvent('load'), page.click('#bouton-envoi-message')]);
      await waitForCounts(page, '1 envoyés, 1 refusés');
      const refusedRow = await text(page, '#journal-envois tr[data-email="refuse@exemple.org"]');
      if (!refusedRow.includes('550')) fail(`the refusal's reason is not logged: ${refusedRow}`);
      await shot(page, 'messages-journal', { fullPage: true });

      const mails = sink.messages().filter((m) => m.subject === SUBJECT);
      if (mails.length !== 1 || !mails[0].to.includes('pro.b@exemple.org')) {
        fail(`expected one mail to pro.b, the sink has ${JSON.stringify(mails.map((m) => m.to))}`);
      }
      const mail = mails[0];
      if (!mail.text.includes('jeudi 14 janvier')) fail(`mail text: ${mail.text}`);
      if (!mail.attachments.some((a) => a.name === 'ordre-du-jour.txt' && a.text.includes('Vaccination'))) {
        fail(`mail attachments: ${JSON.stringify(mail.attachments.map((a) => a.name))}`);
      }
      const link = (mail.text.match(/https?:\/\/\S+\/desinscription\/\S+/) || [])[0];
      if (!link) fail(`no unsubscribe link in the mail: ${mail.text}`);

      // The professional unsubscribes, without an account.
      const pro = await newPage();
      await pro.goto(link);
      await Promise.all([pro.waitForEvent('load'), pro.click('#confirmer-desinscription')]);
      if (!(await text(pro, '#desinscription-faite')).includes('pro.b@exemple.org')) fail('unsubscribe not confirmed');
      await shot(pro, 'messages-desinscription');

      // A second message to the same list leaves the unsubscribed address out.
      await page.goto(`${base}/messages`);
      const second = await writeMessage(page, `${SUBJECT} — rappel`, false);
      await page.fill('#envoi-liste', 'pro.b@exemple.org\npro.c@exemple.org');
      await Promise.all([page.waitForEvent('load'), page.click('#bouton-envoi-message')]);
      if (!(await text(page, 'p.succes')).includes('1 adresse(s) désinscrite(s) écartée(s)')) {
        fail(`second send: ${await text(page, 'p.succes')}`);
      }
      await waitForCounts(page, '1 envoyés, 0 refusés');
      const to = sink.messages().filter((m) => m.subject === `${SUBJECT} — rappel`).flatMap((m) => m.to);
      if (to.join(',') !== 'pro.c@exemple.org') fail(`the reminder went to ${to.join(',')}`);

      // The archive counts both sends.
      await page.goto(`${base}/messages`);
      const row = await page.$$eval(`#archive-messages tr[data-message="${id}"] td`, (tds) => tds.map((td) => td.textContent.trim()));
      // State, then recipients, sent, refused, unsubscribed (pro.b left after its mail was sent).
      if (row[2] !== 'Envoyé' || row.slice(4).join(' ') !== '2 1 1 0') fail(`archive row: ${row.join(' | ')}`);
      if (await page.locator(`#archive-messages tr[data-message="${second}"]`).count() !== 1) fail('the reminder is not archived');
      await shot(page, 'messages-archive', { fullPage: true });
      console.log(`browser test passed: message ${id} written in the editor, delivered (1 sent, 1 refused with its ` +
        'reason), unsubscribed from its link, left out of the reminder; screenshots in test-output/');
    }, { env: { MAILLAGE_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAILLAGE_SMTP_FROM: 'cpts@demo.maillage.fr' } });
  } finally {
    sink.stop();
  }
}

run(main);
