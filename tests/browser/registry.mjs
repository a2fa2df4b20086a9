// Browser test of the ROC portfolio: signs in as roc1.moselle (demo, real référentiel), opens the
// portfolio of Moselle, checks the pipeline against the table, filters by type and by stage,
// opens a structure (where the ROC is told the ARS validates a projet de santé), has the ARS record
// that validation after a confirmation, opens the ACI negotiation, uploads a document, checks the
// pipeline counts moved, and asks "Qui est mon ROC ?" for a commune of the east sector.
// Screenshots in test-output/registre-*.png. (The coverage map is tests/browser/coverage.mjs.)
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/registry.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';

const LOGIN = 'roc1.moselle@demo.maillage.fr';
const ARS = 'ars.grand-est@demo.maillage.fr';
const VAL_DE_FENSCH = 'CPTS Val de Fensch – Thionville (fictive)';

async function pipeline(page) {
  return page.$$eval('.registre-pipeline', (blocks) => {
    const out = {};
    for (const b of blocks) {
      for (const li of b.querySelectorAll('.registre-etape')) {
        out[`${b.dataset.type}/${li.dataset.etape}`] =
          Number(li.querySelector('.registre-nombre').dataset.nombre);
      }
    }
    return out;
  });
}

run(() => withDemoServer('registry', async ({ base, newPage, signIn, shot }) => {
  const page = await newPage();
  // /portefeuille sends the ROC to their département.
  await signIn(page, LOGIN, '/portefeuille/57');
  await page.goto(`${base}/portefeuille`);
  if (!page.url().endsWith('/portefeuille/57')) fail(`/portefeuille went to ${page.url()}`);
  const title = await page.textContent('h1');
  if (!title.includes('Moselle')) fail(`portfolio title is "${title}"`);

  // Pipeline: the counts add up to the rows of the unfiltered table.
  const before = await pipeline(page);
  const rows = await page.locator('#registre-structures tbody tr').count();
  const sum = Object.values(before).reduce((a, b) => a + b, 0);
  if (rows < 15) fail(`expected the demo's 17 structures, the table has ${rows} rows`);
  if (sum !== rows) fail(`pipeline counts add up to ${sum}, the table has ${rows} rows`);
  if (before['CPTS/projet_depose'] < 1) fail('no CPTS at "projet de santé déposé" in the demo');
  const late = await page.locator('#registre-structures .registre-critical').count();
  if (late < 1) fail('the demo should show at least one overdue deadline');
  await shot(page, 'registre-portefeuille', { fullPage: true });

  // Filter by type (applied on change by registre.js).
  await Promise.all([page.waitForURL(/type=MSP/), page.selectOption('#filtre-type', 'MSP')]);
  const types = await page.$$eval('#registre-structures tbody tr', (trs) => trs.map((t) => t.dataset.type));
  const msp = Object.entries(before).filter(([k]) => k.startsWith('MSP/')).reduce((a, [, v]) => a + v, 0);
  if (types.length !== msp || types.some((t) => t !== 'MSP')) {
    fail(`MSP filter shows ${JSON.stringify(types)}, pipeline says ${msp} MSP`);
  }
  await shot(page, 'registre-filtre-msp');

  // Filter by stage through the pipeline box.
  await Promise.all([
    page.waitForURL(/etape=projet_depose/),
    page.click('.registre-pipeline[data-type="CPTS"] .registre-etape[data-etape="projet_depose"] a'),
  ]);
  const names = await page.$$eval('#registre-structures tbody tr td:first-child a', (as) => as.map((a) => a.textContent.trim()));
  if (!names.includes(VAL_DE_FENSCH)) fail(`stage filter shows ${JSON.stringify(names)}`);
  if (names.length !== before['CPTS/projet_depose']) fail('stage filter and pipeline disagree');

  // Open the structure: the ROC does not validate a projet de santé, the ARS does. The page says
  // so instead of offering the button.
  await Promise.all([page.waitForURL(/\/structures\/\d+$/), page.click(`text=${VAL_DE_FENSCH}`)]);
  const structureUrl = page.url();
  const stage = await page.getAttribute('#registre-etape-courante', 'data-etape');
  if (stage !== 'projet_depose') fail(`structure page shows stage ${stage}`);
  if (await page.locator('#registre-transition button[value="valider_projet"]').count() !== 0) {
    fail('the ROC is offered the ARS\'s validation of the projet de santé');
  }
  const others = await page.textContent('#registre-autres-etapes');
  if (!others.includes('Valider le projet de santé') || !others.includes('revient à l\'ARS')) {
    fail(`the ROC's page does not say who decides: ${others}`);
  }
  await shot(page, 'registre-structure', { fullPage: true });

  // The ARS of Grand Est records its decision, after a confirmation naming the consequence.
  const ars = await newPage();
  await signIn(ars, ARS, structureUrl.replace(base, ''));
  const historyBefore = await ars.locator('#registre-historique tbody tr').count();
  await ars.fill('#registre-transition input[name=commentaire]', 'Décision de l\'ARS (test navigateur)');
  let confirmation = '';
  ars.once('dialog', (d) => { confirmation = d.message(); d.accept(); });
  await Promise.all([
    ars.waitForURL(/message=/),
    ars.click('#registre-transition button[value="valider_projet"]'),
  ]);
  if (!confirmation.includes('« Projet de santé validé »')) fail(`confirmation: "${confirmation}"`);
  await page.reload();
  const after = await page.getAttribute('#registre-etape-courante', 'data-etape');
  if (after !== 'projet_valide') fail(`after the transition the stage is ${after}`);
  const historyAfter = await page.locator('#registre-historique tbody tr').count();
  if (historyAfter !== historyBefore + 1) fail(`history went from ${historyBefore} to ${historyAfter} rows`);
  const firstRow = await page.textContent('#registre-historique tbody tr:first-child');
  if (!firstRow.includes(ARS) || !firstRow.includes('test navigateur')) fail(`history row: ${firstRow}`);
  // "ACI signé" comes from the contract, never from a button: after the ROC opens the
  // negotiation, the page points to the contract form.
  page.once('dialog', (d) => d.accept());
  await Promise.all([
    page.waitForURL(/message=/),
    page.click('#registre-transition button[value="ouvrir_negociation"]'),
  ]);
  if (await page.locator('#registre-transition button[value="signer_aci"]').count() !== 0) {
    fail('"Signer le contrat ACI" is offered as a button');
  }
  const contractLink = await page.getAttribute('#registre-autres-etapes a', 'href');
  if (!contractLink || !contractLink.startsWith('/aci/contrats/nouveau')) fail(`contract link: ${contractLink}`);

  // Upload a document (read by registre.js, sent as base64 to the API).
  await page.fill('#registre-document input[name=titre]', 'Décision de validation (fictive)');
  await page.selectOption('#registre-document select[name=type]', 'decision_ars');
  await page.setInputFiles('#registre-document input[type=file]', {
    name: 'decision.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 fictif\n'),
  });
  await Promise.all([page.waitForEvent('load'), page.click('#registre-document button[type=submit]')]);
  const confirmed = await page.textContent('main .succes');
  if (!confirmed.includes('Document ajouté : Décision de validation (fictive).')) fail(`upload confirmed as: ${confirmed}`);
  const docs = await page.locator('#registre-documents tbody tr').count();
  if (docs !== 1) fail(`expected 1 document after the upload, found ${docs}`);
  const link = await page.getAttribute('#registre-documents a', 'href');
  const download = await page.request.get(`${base}${link}`);
  if ((await download.text()) !== '%PDF-1.4 fictif\n') fail('the downloaded document differs');
  await shot(page, 'registre-structure-apres-etape', { fullPage: true });

  // The pipeline moved by one.
  await page.goto(`${base}/portefeuille/57`);
  const moved = await pipeline(page);
  if (moved['CPTS/projet_depose'] !== before['CPTS/projet_depose'] - 1 ||
      moved['CPTS/aci_negociation'] !== (before['CPTS/aci_negociation'] || 0) + 1) {
    fail(`pipeline after the transition: ${JSON.stringify(moved)} (before ${JSON.stringify(before)})`);
  }

  // Qui est mon ROC ? Forbach is in the east sector (roc1).
  await page.goto(`${base}/qui-est-mon-roc?commune=Forbach`);
  const answer = await page.textContent('#registre-referents');
  if (!answer.includes('Référente ROC Moselle 1')) fail(`Qui est mon ROC ? for Forbach: ${answer}`);
  await shot(page, 'registre-qui-est-mon-roc');

  console.log(`browser test passed: portfolio of ${rows} structures, filters, transition on ` +
    `${structureUrl.replace(base, '')}, document upload, pipeline updated; screenshots in test-output/`);
}));
