// Browser test of one assemblée générale of the demo CPTS, from its creation to its procès-verbal,
// with a real SMTP server: a local sink (tests/tools/smtp_sink.py, Debian python3-aiosmtpd) that
// this test starts, the server pointed at it (MAILLAGE_SMTP_URL). The coordinator creates the AG
// with two resolutions (one secret), sends the convocations (read back from the sink, with the
// link of the AG page and the .ics); the member follows that link and gives her proxy online; the
// coordinator opens the séance, marks members present and sees the quorum per collège move with
// each mark, records the two votes (show of hands, then the urn of the secret ballot), reads the
// result and its arithmetic, closes the séance and downloads the procès-verbal, read back with
// python3-odf (tests/office/read_back.py). Screenshots in test-output/association-ag-*.png.
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/association_ag.mjs
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fail, root, run, withDemoServer } from './lib/harness.mjs';
import { startSink } from './lib/smtp.mjs';

const COORD = 'coordination@demo.maillage.fr';
const MEMBER = 'membre@demo.maillage.fr';
const python = process.env.MAILLAGE_PYTHON || '/usr/bin/python3';

async function text(page, selector) {
  return (await page.textContent(selector)).replace(/\s+/g, ' ').trim();
}

// Polls `condition` (the pages' CSP forbids the evaluated predicates of waitForFunction).
async function until(condition, what) {
  for (let i = 0; i < 200; ++i) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  fail(what);
}

// The SMTP sink: its port, the messages it received, and a way to stop it.
async function main() {
  const check = spawnSync(python, ['-c', 'import aiosmtpd, odf']);
  if (check.status !== 0) fail(`${python} cannot import aiosmtpd and odf (apt-get install python3-aiosmtpd python3-odf)`);
  const sink = await startSink();
  try {
    await withDemoServer('association-ag', async ({ base, newPage, signIn, shot, problems }) => {
      const page = await newPage();
      await signIn(page, COORD, '/');
      const href = await page.getAttribute('nav a[href^="/associations/"]', 'href');
      const id = href.match(/\/associations\/(\d+)/)[1];

      // The member account must have a vote: à jour of this year's dues (the AG is held today).
      await page.goto(`${base}/associations/${id}`);
      const memberHref = await page.getAttribute('table.college a:text("MEMBRE Camille (démo)")', 'href');
      const memberId = memberHref.match(/membres\/(\d+)/)[1];
      await page.goto(`${base}/associations/${id}/cotisations`);
      const status = await page.getAttribute(`#cotisations-membres tr[data-membre="${memberId}"]`, 'data-statut');
      if (status !== 'a_jour') {
        await page.selectOption('#paiement-membre', memberId);
        await page.fill('#paiement-montant', '30,00');
        await Promise.all([page.waitForURL(/\/recus\/\d+$/), page.click('#formulaire-paiement button[type=submit]')]);
      }

      // The demo's past AG (src/demo/association_ag_demo.cpp): closed, its four resolutions decided
      // with the collège weights, the procès-verbal on offer.
      await page.goto(`${base}/associations/${id}/ag`);
      const past = page.locator('#liste-ag tbody tr[data-ag]', { hasText: 'Salle des fêtes de Montigny' });
      if (await past.count() !== 1) fail('the demo has no past AG');
      if (!(await past.textContent()).includes('sur 4')) fail(`past AG row: ${await past.textContent()}`);
      await Promise.all([page.waitForLoadState('load'), past.locator('a').first().click()]);
      const pastUrl = page.url();
      const decided = (await text(page, '#ordre-du-jour')).match(/adoptée|rejetée/g) || [];
      if (decided.length !== 4) fail(`past AG outcomes: ${await text(page, '#ordre-du-jour')}`);
      if ((await text(page, '#lien-pv')) !== 'Procès-verbal (ODT)') fail('the past AG offers no procès-verbal');
      const pastPv = await page.request.get(`${pastUrl}/proces-verbal.odt`);
      if (pastPv.status() !== 200 || (await pastPv.body()).subarray(0, 2).toString() !== 'PK') fail('past AG procès-verbal');
      await page.goto(`${pastUrl}/votes`);
      const statutsChange = await text(page, 'section.resolution:nth-of-type(4) .resultat');
      if (!statutsChange.includes('des voix pondérées') || !statutsChange.includes('2/3')) {
        fail(`past AG, change of the statuts: ${statutsChange}`);
      }
      await shot(page, 'association-ag-demo-passee', { fullPage: false });

      // Creation, with two resolutions (the second a change of the statuts, by secret ballot).
      await page.goto(`${base}/associations/${id}`);
      await page.click('#lien-ag');
      await page.waitForSelector('#formulaire-ag');
      const today = new Date().toISOString().slice(0, 10);
      await page.fill('#ag-date', today);
      await page.fill('#ag-lieu', 'Maison des associations, Metz');
      await page.fill('.resolution-saisie .resolution-titre', 'Approbation des comptes');
      await page.click('#ajouter-resolution-saisie');
      const second = page.locator('.resolution-saisie').nth(1);
      await second.locator('.resolution-titre').fill('Modification de l\'article 7 des statuts');
      await second.locator('.resolution-type').selectOption('statuts');
      await second.locator('.resolution-scrutin').selectOption('secret');
      // An end before the start is refused next to « Fin », what was typed kept.
      await page.fill('#ag-fin', '17:00');
      await page.click('#formulaire-ag button[type=submit]');
      const endError = (await page.textContent('#formulaire-ag .erreur-champ')).trim();
      if (!endError.startsWith('Fin : Heure de fin')) fail(`end-time refusal: ${endError}`);
      if (await second.locator('.resolution-titre').inputValue() !== 'Modification de l\'article 7 des statuts') fail('the typed resolution was lost');
      const agRefused = problems.findIndex((p) => p.includes('status of 400'));
      if (agRefused >= 0) problems.splice(agRefused, 1);
      await page.fill('#ag-fin', '20:00');
      await Promise.all([page.waitForURL(/\/ag\/\d+$/), page.click('#formulaire-ag button[type=submit]')]);
      if (!(await page.textContent('main .succes')).includes('Assemblée générale créée.')) fail('the AG creation is not confirmed');
      const agUrl = page.url();
      const ag = agUrl.match(/\/ag\/(\d+)$/)[1];
      if (await page.locator('#ordre-du-jour li').count() !== 2) fail('the agenda does not have two resolutions');
      await shot(page, 'association-ag-preparation', { fullPage: false });

      // Convocations by e-mail, read back from the sink.
      await page.click('#envoyer-convocations');
      await page.waitForSelector('#message-convocations[data-etat="envoye"]');
      const report = await text(page, '#message-convocations');
      const sent = Number(report.match(/^(\d+) convocations envoyées/)?.[1]);
      if (!(sent > 100)) fail(`convocations: ${report}`);
      const mails = sink.messages();
      if (mails.length !== sent) fail(`${sent} convocations said sent, ${mails.length} in the sink`);
      const mine = mails.find((m) => m.to.includes(MEMBER));
      if (!mine) fail('no convocation for the member account');
      if (!mine.subject.startsWith('Convocation : assemblée générale ordinaire du')) fail(`subject: ${mine.subject}`);
      if (!mine.text.includes('1. Approbation des comptes') || !mine.text.includes('Maison des associations')) {
        fail(`convocation text: ${mine.text}`);
      }
      if (mine.attachments.length !== 1 || mine.attachments[0].type !== 'text/calendar') fail('no .ics attached');
      const link = mine.text.match(/(http:\/\/\S+\/associations\/\d+\/ag\/\d+)/)?.[1];
      if (!link || !link.endsWith(`/associations/${id}/ag/${ag}`)) fail(`link in the convocation: ${link}`);

      // The member follows the link and gives her proxy online.
      const member = await newPage();
      await signIn(member, MEMBER, new URL(link).pathname);
      await member.waitForSelector('#formulaire-mon-pouvoir');
      const holderValue = await member.$eval('#mon-mandataire option:nth-child(2)', (o) => o.value);
      const holderLabel = await member.$eval('#mon-mandataire option:nth-child(2)', (o) => o.textContent);
      const holderName = holderLabel.split(' — ')[0];
      await member.selectOption('#mon-mandataire', holderValue);
      await Promise.all([member.waitForLoadState('load'), member.click('#formulaire-mon-pouvoir button[type=submit]')]);
      await member.waitForSelector('#pouvoir-donne');
      if (!(await text(member, '#pouvoir-donne')).includes(holderName)) fail('the proxy is not shown to the member');
      await shot(member, 'association-ag-pouvoir', { fullPage: false });

      // The coordinator sees it, opens the séance and marks members.
      await page.goto(agUrl);
      const proxies = await text(page, '#liste-pouvoirs tbody');
      if (!proxies.includes(holderName) || !proxies.includes('(en ligne)')) fail(`proxies: ${proxies}`);
      await Promise.all([page.waitForURL(/\/emargement$/), page.click('#ouvrir-seance')]);
      await page.waitForSelector('#feuille-emargement');
      if (await page.getAttribute('#quorum', 'data-atteint') !== 'non') fail('quorum reached before any mark');
      const holderRow = page.locator(`#feuille-emargement tr[data-membre="${holderValue}"]`);
      await holderRow.locator('button[data-presence="present"]').click();
      await page.waitForSelector('#quorum-compte:text-is("2")');
      const represented = await page.getAttribute(`#feuille-emargement tr[data-membre="${memberId}"]`, 'data-presence');
      if (represented !== 'represented') fail(`the member is ${represented}, not represented`);
      const collegeCells = await page.locator('#quorum-colleges td.c-presents').allTextContents();
      if (collegeCells.map(Number).reduce((a, b) => a + b, 0) !== 1) fail(`present per collège: ${collegeCells}`);
      // Then present, row by row, until the quorum is reached (live, after each mark).
      const rows = page.locator('#feuille-emargement tbody tr[data-presence="absent"]');
      let marks = 1;
      while (await page.getAttribute('#quorum', 'data-atteint') !== 'oui') {
        if (marks > 200) fail('the quorum is never reached');
        const before = await text(page, '#quorum-compte');
        await rows.first().locator('button[data-presence="present"]').click();
        await until(async () => (await text(page, '#quorum-compte')) !== before, 'the count did not change');
        ++marks;
      }
      const explanation = await text(page, '#quorum-explication');
      if (!explanation.startsWith('quorum atteint en première convocation')) fail(`quorum: ${explanation}`);
      await shot(page, 'association-ag-emargement', { fullPage: false });

      // Votes: the first resolution by show of hands, all pour but one contre.
      await page.click('#lien-votes');
      await page.waitForSelector('#votes-ag');
      const first = page.locator('section.resolution').nth(0);
      await first.locator('.tous-pour').click();
      await first.locator('tbody tr').first().locator('input[value="contre"]').check();
      await Promise.all([page.waitForLoadState('load'), first.locator('button[type=submit]').click()]);
      await page.waitForSelector('section.resolution:nth-of-type(1) .resultat[data-adoptee="oui"]');
      const result = await text(page, 'section.resolution:nth-of-type(1) .resultat');
      if (!result.includes('Résolution adoptée') || !result.includes('Il faut plus de 1/2')) fail(`result: ${result}`);
      // The secret ballot: every voter of each collège pour, except one contre in the first.
      const urn = page.locator('section.resolution').nth(1);
      const urnRows = urn.locator('form.formulaire-urne tbody tr');
      for (let i = 0; i < await urnRows.count(); ++i) {
        const voters = Number(await urnRows.nth(i).locator('td').nth(1).textContent());
        await urnRows.nth(i).locator('.u-pour').fill(String(i === 0 && voters > 0 ? voters - 1 : voters));
        await urnRows.nth(i).locator('.u-contre').fill(i === 0 && voters > 0 ? '1' : '0');
      }
      await Promise.all([page.waitForLoadState('load'), urn.locator('button[type=submit]').click()]);
      await page.waitForSelector('section.resolution:nth-of-type(2) .resultat:is([data-adoptee="oui"], [data-adoptee="non"])');
      const secret = await text(page, 'section.resolution:nth-of-type(2) .resultat');
      if (!secret.includes('des voix pondérées') || !secret.includes('Il faut au moins 2/3')) fail(`secret ballot: ${secret}`);
      await shot(page, 'association-ag-votes', { fullPage: true });
      await Promise.all([page.waitForLoadState('load'), page.click('#clore-seance')]);
      await page.waitForSelector('#lien-pv:text-is("Procès-verbal (ODT)")');

      // The procès-verbal, read back with odfpy.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#lien-pv')]);
      const file = path.join(root, 'test-output', 'association-ag-proces-verbal.odt');
      await download.saveAs(file);
      const read = spawnSync(python, [path.join(root, 'tests', 'office', 'read_back.py'), 'odt', file],
        { encoding: 'utf8', maxBuffer: 64 << 20 });
      if (read.status !== 0) fail(`read_back.py: ${read.stderr}`);
      const doc = JSON.parse(read.stdout);
      const all = doc.blocks.map((b) => b.text || (b.runs || []).map((r) => r[0]).join('')
        || (b.rows || []).map((row) => row.join(' | ')).join('\n')).join('\n');
      for (const expected of ['Procès-verbal de l\'assemblée générale ordinaire', 'Présences et quorum',
        'quorum atteint en première convocation', 'Résolution n° 1 : Approbation des comptes',
        'Résolution adoptée', 'Liste d\'émargement', `représenté par ${holderName}`]) {
        if (!all.includes(expected)) fail(`the procès-verbal lacks « ${expected} »`);
      }
      if (!doc.footer.fields.includes('page-number')) fail('no page numbers in the procès-verbal');
      // A download is reported by Chromium as an aborted navigation: not a problem here.
      for (let i = problems.length - 1; i >= 0; --i) {
        if (problems[i].includes('proces-verbal.odt')) problems.splice(i, 1);
      }

      // The member sees the outcome (no roll), and the calendar holds the AG.
      await member.goto(link);
      const outcome = await text(member, '#ordre-du-jour');
      if (!outcome.includes('adoptée')) fail(`outcome seen by the member: ${outcome}`);
      const ics = await member.request.get(`${base}/associations/${id}/calendrier.ics`);
      if (ics.status() !== 200 || !(await ics.text()).includes('SUMMARY:Assemblée générale ordinaire')) {
        fail('the AG is not in the calendar');
      }
    }, { env: { MAILLAGE_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAILLAGE_SMTP_FROM: 'cpts@demo.maillage.fr' } });
  } finally {
    sink.stop();
  }
}

run(main);
