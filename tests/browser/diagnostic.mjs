// Browser test of the territorial diagnostic: signs in as the demo coordinator, picks the demo
// CPTS "CPTS de démonstration du Pays messin (fictive)" in the selection form (its territory is
// the registry demo's), checks the figures, the map and the chart, opens the printable report
// and saves test-output/diagnostic.png and test-output/diagnostic-rapport.png (full page), plus
// a PDF of the report (headless Chromium prints it with the report's A4 @page rules).
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/diagnostic.mjs
import path from 'node:path';

import { fail, outDir, run, withDemoServer } from './lib/harness.mjs';

const LOGIN = 'coordination@demo.maillage.fr';
const CPTS = 'CPTS de démonstration du Pays messin (fictive)';
const number = (text) => Number(text.replace(/[^\d,]/g, '').replace(',', '.'));

run(() => withDemoServer('diagnostic', async ({ base, newPage, signIn, shot }) => {
  const page = await newPage();
  await signIn(page, LOGIN, '/diagnostic');
  if (!page.url().startsWith(`${base}/diagnostic`)) fail(`expected the diagnostic page, got ${page.url()}`);

  // The form lists the coordinator's CPTS (it has a territory in the registry demo).
  const option = page.locator('#choix-structure option', { hasText: CPTS });
  if ((await option.count()) !== 1) {
    const all = await page.locator('#choix-structure option').allTextContents();
    fail(`the demo CPTS is not in the selection form: ${JSON.stringify(all)}`);
  }
  await page.selectOption('#choix-structure', await option.getAttribute('value'));
  await Promise.all([
    page.waitForURL(/\/diagnostic\?structure=\d+/),
    page.locator('form:has(#choix-structure) button[type=submit]').click(),
  ]);

  const title = (await page.textContent('#titre-territoire')).trim();
  if (title !== CPTS) fail(`diagnostic title is "${title}"`);
  const population = number(await page.textContent('#chiffre-population'));
  const communes = number(await page.textContent('#chiffre-communes'));
  if (!(population > 10000) || !(communes >= 2)) fail(`population ${population}, ${communes} communes`);
  const apl = number(await page.textContent('#chiffre-apl'));
  if (!(apl > 0)) fail(`mean accessibility is ${apl}`);
  const gp = page.locator('#tableau-professions tr[data-profession="medecin_generaliste"] td');
  const gps = number(await gp.first().textContent());
  if (!(gps > 0)) fail(`no general practitioner counted (${gps})`);
  const rows = await page.locator('#tableau-professions tbody tr').count();
  if (rows < 9) fail(`only ${rows} professions in the table`);

  // The map colours the territory's communes; the chart is drawn.
  await page.waitForSelector('#carte-diagnostic[data-etat="pret"]', { timeout: 60000 });
  const cells = await page.locator('#carte-diagnostic path.commune-territoire').count();
  if (cells !== communes) fail(`${cells} territory cells on the map for ${communes} communes`);
  await page.waitForSelector('#graphique-densites[data-pret="1"]', { timeout: 30000 });
  await shot(page, 'diagnostic', { fullPage: true });

  // The printable report of the same selection.
  await Promise.all([page.waitForURL(/\/diagnostic\/rapport\?structure=\d+/), page.click('#lien-rapport')]);
  const report = await page.textContent('#rapport');
  for (const text of [CPTS, 'Sources et méthode', 'Annuaire Santé', 'populations légales',
    'step:10=1,15=2/3,20=1/3', '50 km/h', 'extraction du ', 'Évolution depuis']) {
    if (!report.includes(text)) fail(`the report lacks "${text}"`);
  }
  const reportPopulation = number(await page.textContent('#chiffre-population'));
  if (reportPopulation !== population) fail(`report population ${reportPopulation} ≠ ${population}`);
  await shot(page, 'diagnostic-rapport', { fullPage: true });
  await page.emulateMedia({ media: 'print' });
  if (await page.locator('header.entete').isVisible()) fail('the navigation is printed');
  await page.pdf({ path: path.join(outDir, 'diagnostic-rapport.pdf'), preferCSSPageSize: true });

  console.log(`browser test passed: ${CPTS}: ${population} inhabitants, ${communes} communes, ` +
    `${gps} GPs, mean APL ${apl}, ${cells} cells on the map; report and screenshots in test-output/`);
}));
