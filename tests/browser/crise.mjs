// Browser test of one crisis loop, with a real SMTP server: a local sink (tests/tools/smtp_sink.py,
// Debian python3-aiosmtpd) that this test starts, the server pointed at it (MAILLAGE_SMTP_URL).
// The coordinator sees the demo's crisis (solved planning, gaps), opens a crisis from the form (a
// window without need refused next to its field, what was typed kept), sends the survey to a
// pasted list; two professionals, without an account, answer through the personal links read back
// from the captured mails; the coordinator reminds the third, builds the planning (the page
// follows the background solve), reads the coverage and its gap on the dashboard and in the CSV
// export, and sends the final planning, read back from the sink. Screenshots in
// test-output/crise-*.png.
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/crise.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';
import { startSink } from './lib/smtp.mjs';

const COORD = 'coordination@demo.maillage.fr';

async function text(page, selector) {
  return (await page.textContent(selector)).replace(/\s+/g, ' ').trim();
}

function day(offset) {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + offset);
  return d.toISOString().slice(0, 10);
}

function linkOf(sink, to, base) {
  const mails = sink.messages().filter((m) => m.to.includes(to) && /Enquête/.test(m.subject));
  if (mails.length === 0) fail(`no survey mail to ${to}`);
  const link = mails[mails.length - 1].text.match(/https?:\/\/\S+\/repondre\/[0-9a-f]{64}/)?.[0];
  if (!link) fail(`no personal link in the mail to ${to}: ${mails[mails.length - 1].text}`);
  return `${base}${new URL(link).pathname}`;
}

async function main() {
  const sink = await startSink();
  try {
    await withDemoServer('crise', async ({ base, newPage, signIn, shot, problems }) => {
      const page = await newPage();
      await signIn(page, COORD, '/');
      await page.click('nav a[href="/crises"]');
      await page.waitForSelector('#liste-crises');

      // The demo's crisis: answers, a solved planning, its gaps.
      const demoRow = page.locator('#liste-crises tbody tr[data-crise]');
      if (await demoRow.count() < 1) fail('the demo has no crisis');
      await Promise.all([page.waitForLoadState('load'), demoRow.first().locator('a').click()]);
      await page.waitForSelector('#couverture');
      if (Number(await text(page, '#compte-repondus')) < 2) fail('the demo crisis has no answers');
      if (!(await text(page, '#etat-campagne')).includes('contrôle indépendant')) {
        fail(`demo planning: ${await text(page, '#etat-campagne')}`);
      }
      if (await page.locator('#couverture td.creneau-vide').count() < 1) fail('the demo crisis shows no gap');
      await shot(page, 'crise-demo', { fullPage: true });

      // Opening a crisis: two days, a morning and an afternoon, one professional each.
      await page.goto(`${base}/crises`);
      await page.fill('#crise-titre', 'Campagne de vaccination grippe');
      await page.fill('#crise-debut', day(1));
      await page.fill('#crise-fin', day(2));
      await page.fill('#plage-0-besoin', '1');
      await page.fill('#plage-1-besoin', '0');
      await page.fill('#crise-cloture', day(1));
      await page.uncheck('#crise-membres');
      await page.fill('#crise-liste', 'pro.a@exemple.org\npro.b@exemple.org\npro.c@exemple.org');
      await page.click('#bouton-ouvrir-crise');
      await page.waitForSelector('#formulaire-crise .erreur-champ');
      const refusal = await text(page, '#formulaire-crise .erreur-champ');
      if (!refusal.includes('De 1 à 50')) fail(`need refusal: ${refusal}`);
      if ((await page.getAttribute('#plage-1-besoin', 'aria-invalid')) !== 'true') fail('the refusal is not on the need field');
      if ((await page.inputValue('#crise-titre')) !== 'Campagne de vaccination grippe') fail('typed title lost');
      const refused = problems.findIndex((p) => p.includes('status of 400'));
      if (refused >= 0) problems.splice(refused, 1);
      await shot(page, 'crise-refus', { fullPage: true });
      await page.fill('#plage-1-besoin', '1');
      await Promise.all([page.waitForURL(/\/crises\/\d+$/), page.click('#bouton-ouvrir-crise')]);
      await page.waitForSelector('p.succes:has-text("Crise ouverte")');
      const crisisUrl = page.url();
      const id = crisisUrl.match(/\/crises\/(\d+)$/)[1];
      if (await page.locator('#couverture tbody tr').count() !== 4) fail('the crisis does not have 4 slots');
      for (const link of ['#lien-enquete', '#lien-campagne', '#lien-message']) {
        if (await page.locator(link).count() !== 1) fail(`no ${link} on the dashboard`);
      }

      // Sending the survey.
      await page.click('#bouton-envoi-crise');
      await page.waitForSelector('p.succes:has-text("lien(s) envoyé(s)")');
      if (!(await text(page, 'p.succes')).includes('3 lien(s) envoyé(s)')) fail(`send report: ${await text(page, 'p.succes')}`);
      if (await text(page, '#compte-invites') !== '3') fail('3 invited expected');

      // Two professionals answer through their links: A the first morning and the second
      // afternoon, B both windows of the first day.
      const pro = await newPage();
      await pro.goto(linkOf(sink, 'pro.a@exemple.org', base));
      await pro.check('#case-disponibilites-0-0');
      await pro.check('#case-disponibilites-1-1');
      await Promise.all([pro.waitForURL(/enregistre=1$/), pro.click('#envoyer-reponse')]);
      await shot(pro, 'crise-reponse', { fullPage: true });
      await pro.goto(linkOf(sink, 'pro.b@exemple.org', base));
      await pro.check('#case-disponibilites-0-0');
      await pro.check('#case-disponibilites-0-1');
      await Promise.all([pro.waitForURL(/enregistre=1$/), pro.click('#envoyer-reponse')]);

      // The dashboard: 2 of 3 answered; C is reminded with a new link.
      await page.goto(crisisUrl);
      if (await text(page, '#compte-repondus') !== '2') fail(`answered: ${await text(page, '#compte-repondus')}`);
      if (await text(page, '#compte-non-repondus') !== '1') fail('1 not answered expected');
      await page.click('#bouton-relance');
      await page.waitForSelector('p.succes:has-text("relance(s)")');
      if (!(await text(page, 'p.succes')).startsWith('1 relance(s) : 1 envoyée(s)')) fail(`reminder: ${await text(page, 'p.succes')}`);
      const reminders = sink.messages().filter((m) => m.to.includes('pro.c@exemple.org') && m.subject.startsWith('Rappel'));
      if (reminders.length !== 1) fail(`reminders to pro.c: ${reminders.length}`);

      // Building the planning: the page follows the background solve.
      await page.click('#bouton-construire');
      await page.waitForSelector('#bouton-envoi-planning', { timeout: 60000 });
      if (!(await text(page, '#etat-campagne')).includes('contrôle indépendant')) {
        fail(`planning state: ${await text(page, '#etat-campagne')}`);
      }
      // One slot per person and day: day 1, A the morning and B the afternoon; day 2, nobody
      // ticked the morning (1 missing), A the afternoon.
      if (await text(page, '#manque-total') !== '1') fail(`total gap: ${await text(page, '#manque-total')}`);
      const gapRow = page.locator(`#couverture tr[data-jour="${day(2)}"][data-plage="08:00"]`);
      if ((await gapRow.getAttribute('data-manque')) !== '1') fail('the second morning is not the gap');
      if (await page.locator('#couverture td.creneau-vide').count() !== 1) fail('one uncovered slot expected');
      if (!(await text(page, '#manques')).includes('il manque 1 professionnel(s)')) fail(`gaps: ${await text(page, '#manques')}`);
      await shot(page, 'crise-tableau-de-bord', { fullPage: true });
      const csv = await page.request.get(`${base}/crises/${id}/couverture.csv`);
      const csvText = await csv.text();
      if (csv.status() !== 200 || !csvText.includes(`${day(2)};08:00;12:00;1;0;0;1;1;`)) {
        fail(`CSV export: ${csv.status()} ${csvText.slice(0, 400)}`);
      }

      // The final planning, each person their slots, read back from the sink.
      await page.click('#bouton-envoi-planning');
      await page.waitForSelector('p.succes:has-text("Planning envoyé")');
      if (!(await text(page, 'p.succes')).includes('2 message(s), 0 refusé(s)')) fail(`planning report: ${await text(page, 'p.succes')}`);
      const plannings = sink.messages().filter((m) => m.subject.startsWith('Votre planning'));
      if (plannings.length !== 2) fail(`planning mails: ${plannings.length}`);
      const toA = plannings.find((m) => m.to.includes('pro.a@exemple.org'));
      if (!toA || !toA.text.includes('Vos créneaux (2)') || !toA.text.includes('08:00–12:00') || !toA.text.includes('14:00–18:00')) {
        fail(`planning of A: ${toA ? toA.text : 'none'}`);
      }
      if (!(await text(page, '#etat-campagne')).startsWith('Publié')) fail(`campaign state: ${await text(page, '#etat-campagne')}`);
      if (!(await text(page, '#invites tr[data-email="pro.a@exemple.org"]')).includes('Le ')) fail('planning sending not logged');
      await shot(page, 'crise-planning-envoye', { fullPage: true });
    }, { env: { MAILLAGE_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAILLAGE_SMTP_FROM: 'cpts@demo.maillage.fr' } });
  } finally {
    sink.stop();
  }
}

run(main);
